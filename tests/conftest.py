"""Shared fixtures: extraction on one report written in the test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.extract import extract_report
from pipeline.geocode import get_gazetteer
from pipeline.lexicon import default_lexicon


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The sample corpus built, validated and published once for the whole session."""
    from pipeline import config
    from pipeline.build import build

    out = tmp_path_factory.mktemp("sample") / "processed"
    build(config.RAW_DIR, out)
    return out


PUBLISHED = pd.Timestamp("2020-10-14T12:00:00+04:00").tz_convert("UTC")  # a Wednesday


@pytest.fixture
def extract():
    """extract(text, published=..., outlet=...) -> mention dicts of a one-report corpus."""

    def run(text: str, published: pd.Timestamp = PUBLISHED, outlet: str = "Test Wire") -> list[dict]:
        article = {"report_id": "r1", "outlet": outlet, "published": published, "text": text, "raw_path": "r1.txt", "raw_line": None}
        return extract_report(article, get_gazetteer(), default_lexicon())

    return run
