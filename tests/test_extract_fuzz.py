"""Extraction never crashes, whatever the text: random Unicode, long lines, huge numbers."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_report
from pipeline.geocode import get_gazetteer
from pipeline.profile import load_profile

PUBLISHED = pd.Timestamp("2020-10-14T12:00:00Z")
WORDS = st.sampled_from(
    ["Armenian", "Azerbaijani", "shelled", "Tartar", "Ganja", "killed", "99999999999999999999", "at least", "on Monday",
     "03:00 GMT", "T-72", "the town of", "near", "Baku said", "denied", ".", ",", ";", "\n", "(", ")", "’s", "Ø", "\u202e"]
)


def _extract(text: str) -> list[dict]:
    article = {"report_id": "fuzz", "outlet": "Fuzz", "published": PUBLISHED, "text": text, "raw_path": "fuzz.txt", "raw_line": None}
    return [asdict(m) for m in extract_report(article, get_gazetteer(), load_profile())]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_unicode(text):
    for m in _extract(text):
        assert text[m["char_start"] : m["char_end"]] == m["sentence"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, max_size=80).map(" ".join))
def test_conflict_vocabulary_in_any_order(text):
    for m in _extract(text):
        assert m["event_date"] <= PUBLISHED.date()
        assert text[m["char_start"] : m["char_end"]] == m["sentence"]


def test_very_long_line_and_huge_numbers():
    text = ("Armenian artillery shelled Tartar, killing 99999999999999999999 people. " * 300).strip()
    assert isinstance(_extract(text), list)
