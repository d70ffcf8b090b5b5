"""Extraction quality on the gold sets: our own style-varied set always, the shared ones when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import config
from pipeline.build import build_tables
from pipeline.evaluate import evaluate, load_gold
from pipeline.profile import load_profile

STYLES = config.ROOT / "tests" / "fixtures" / "styles"
STYLES2 = config.ROOT / "tests" / "fixtures" / "styles2"
STYLES3 = config.ROOT / "tests" / "fixtures" / "styles3"
STYLES4 = config.ROOT / "tests" / "fixtures" / "styles4"
DONBAS = config.ROOT / "tests" / "fixtures" / "donbas"
# Floors just under the level reached (strict F1, then field accuracies): a regression in the rules fails here first.
FLOORS = {
    STYLES: (None, 0.95, {"killed": 0.95, "injured": 0.9, "claimant_side": 0.85}),
    STYLES2: (None, 0.94, {"killed": 0.95, "injured": 0.9, "claimant_side": 0.82}),
    # styles3: one clash of two villages the gazetteer now knows is two gold events, each judged for its claimant
    STYLES3: (None, 0.98, {"killed": 0.9, "injured": 0.9, "claimant_side": 0.72}),
    STYLES4: (None, 0.92, {"killed": 0.95, "injured": 0.95, "claimant_side": 0.9}),
    DONBAS: ("donbas", 0.9, {"killed": 0.7, "injured": 0.85, "claimant_side": 0.95}),
    config.SHARED_DIR / "seeds": (None, 1.0, {"killed": 1.0, "injured": 1.0, "claimant_side": 1.0}),
    config.SHARED_DIR / "devset": (None, 0.98, {"killed": 0.97, "injured": 0.97, "claimant_side": 0.97}),
}


@pytest.mark.parametrize("gold_dir", list(FLOORS), ids=lambda p: Path(p).name)
def test_strict_f1_and_field_floors(gold_dir):
    if not (gold_dir / "gold.jsonl").is_file():
        pytest.skip(f"{gold_dir} not available")
    conflict, f1_floor, field_floors = FLOORS[gold_dir]
    profile = load_profile(conflict) if conflict else None
    events = build_tables(gold_dir / "reports", profile=profile).tables["events"].to_dict("records")
    result = evaluate(events, load_gold(gold_dir))
    assert result.strict.f1 >= f1_floor
    for name, floor in {**field_floors, "coordinates": 0.9, "during_ceasefire": 0.9}.items():
        accuracy = result.accuracy(name)
        assert accuracy is None or accuracy >= floor, (name, accuracy)
