"""Ceasefire-violation event dataset builder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__version__ = "0.1.0"


def load(out_dir: str | Path | None = None, tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Published tables of one build as typed DataFrames, e.g. ``pipeline.load()["events"]``.

    ``out_dir`` defaults to ``data/processed``; ``tables`` to every published table. Safe to call while a
    build is publishing: all tables come from the same release.
    """
    from pipeline import config, publish

    return publish.load_release(Path(out_dir) if out_dir is not None else config.PROCESSED_DIR, tables)
