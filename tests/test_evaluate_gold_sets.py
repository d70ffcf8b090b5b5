"""Extraction quality on the gold sets: our own style-varied set always, the shared ones when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import config
from pipeline.build import build_tables
from pipeline.evaluate import evaluate, load_gold

STYLES = config.ROOT / "tests" / "fixtures" / "styles"
STYLES2 = config.ROOT / "tests" / "fixtures" / "styles2"
STYLES3 = config.ROOT / "tests" / "fixtures" / "styles3"
STYLES4 = config.ROOT / "tests" / "fixtures" / "styles4"
# Floors just under the level reached: a regression in the rules fails here first.
FLOORS = {
    STYLES: 0.95,
    STYLES2: 0.92,
    STYLES3: 0.88,
    STYLES4: 0.9,
    config.SHARED_DIR / "seeds": 1.0,
    config.SHARED_DIR / "devset": 0.98,
}


@pytest.mark.parametrize("gold_dir", list(FLOORS), ids=lambda p: Path(p).name)
def test_strict_f1_floor(gold_dir):
    if not (gold_dir / "gold.jsonl").is_file():
        pytest.skip(f"{gold_dir} not available")
    events = build_tables(gold_dir / "reports").tables["events"].to_dict("records")
    result = evaluate(events, load_gold(gold_dir))
    assert result.strict.f1 >= FLOORS[gold_dir]
    for name in ("coordinates", "during_ceasefire"):
        accuracy = result.accuracy(name)
        assert accuracy is None or accuracy >= 0.9, name
