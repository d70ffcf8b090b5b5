"""Shared fixtures: the default profile, extraction on one report written in the test, the sample corpus built once."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from pipeline.extract import extract_report
from pipeline.geocode import get_gazetteer
from pipeline.profile import load_profile

# Property tests draw the same examples on every CI run (a failure there is reproducible, not luck);
# locally they stay random. HYPOTHESIS_PROFILE=ci gives the CI behaviour anywhere.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session")
def profile():
    """The default conflict profile (karabakh-2020), which the sample corpus and the style sets are coded by."""
    return load_profile()


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
    """extract(text, published=..., outlet=...) -> the mentions of a one-report corpus, as dicts."""

    def run(
        text: str, published: pd.Timestamp = PUBLISHED, outlet: str = "Test Wire", conflict: str | None = None, published_note: str | None = None,
        title: str | None = None,
    ) -> list[dict]:
        profile = load_profile(conflict) if conflict else load_profile()
        article = {"report_id": "r1", "outlet": outlet, "published": published, "text": text, "raw_path": "r1.txt", "raw_line": None,
                   "published_note": published_note, "title": title}
        return [asdict(m) for m in extract_report(article, get_gazetteer(profile), profile)]

    return run
