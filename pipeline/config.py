"""Paths and settings: the only place the pipeline learns where things live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_ROOT = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
CONFLICTS_DIR = ROOT / "data" / "conflicts"
LANG_DIR = ROOT / "data" / "lang"
CACHE_DIR = ROOT / "data" / "cache"
EXPECTATIONS_DIR = ROOT / "expectations"
SHARED_DIR = ROOT.parent / "shared"

# The conflict a build codes when none is named (`--conflict`, `make data CONFLICT=...`): the
# environment's PIPELINE_CONFLICT, else the id written in data/conflicts/DEFAULT.
DEFAULT_CONFLICT = os.environ.get("PIPELINE_CONFLICT") or (CONFLICTS_DIR / "DEFAULT").read_text(encoding="utf-8").strip()
# Its sample corpus; other conflicts name theirs in their profile (`sample_raw`).
RAW_DIR = RAW_ROOT / DEFAULT_CONFLICT


def default_out_dir(conflict: str) -> Path:
    """data/processed for the default conflict, data/processed-<id> for another (their releases never mix)."""
    return PROCESSED_DIR if conflict == DEFAULT_CONFLICT else PROCESSED_DIR.with_name(f"processed-{conflict}")
