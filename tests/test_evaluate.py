"""The scorer: one-to-one matching, strict and lenient dates, field accuracy."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from pipeline.evaluate import evaluate, haversine_km, run_evaluation

REMOTE = "Explosions/Remote violence"


def event(day: str, location: str, lat: float, lon: float, event_type: str = REMOTE, **extra) -> dict:
    return {"event_date": date.fromisoformat(day), "location": location, "latitude": lat, "longitude": lon, "event_type": event_type, **extra}


def gold(gid: str, day: str, location: str, lat: float, lon: float, event_type: str = REMOTE, **extra) -> dict:
    return {"gold_id": gid, "report_ids": ["r"], "event_date": day, "location": location, "latitude": lat, "longitude": lon, "event_type": event_type, **extra}


def test_haversine_is_plausible():
    # Ganja to Tartar is roughly 60 km.
    assert 50 < haversine_km(40.6828, 46.3606, 40.3420, 46.9316) < 70


def test_perfect_output_scores_one():
    out = [event("2020-10-11", "Ganja", 40.68, 46.36, killed=10), event("2020-10-12", "Tartar", 40.34, 46.93)]
    ref = [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36, killed=10), gold("g2", "2020-10-12", "Tartar", 40.34, 46.93)]
    result = evaluate(out, ref)
    assert result.strict.f1 == 1.0
    assert result.accuracy("killed") == 1.0


def test_a_day_off_is_lenient_only():
    result = evaluate([event("2020-10-12", "Ganja", 40.68, 46.36)], [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)])
    assert result.strict.f1 == 0.0
    assert result.lenient.f1 == 1.0


def test_places_match_by_distance_or_name_and_kinds_must_agree():
    near = evaluate([event("2020-10-11", "Somewhere", 40.70, 46.40)], [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)])
    far = evaluate([event("2020-10-11", "Barda", 40.37, 47.13)], [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)])
    ground = evaluate([event("2020-10-11", "Ganja", 40.68, 46.36, event_type="Battles")], [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)])
    assert near.strict.f1 == 1.0 and far.strict.f1 == 0.0 and ground.strict.f1 == 0.0


def test_matching_is_one_to_one():
    out = [event("2020-10-11", "Ganja", 40.68, 46.36), event("2020-10-11", "Ganja", 40.68, 46.36)]
    result = evaluate(out, [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)])
    assert len(result.strict.matches) == 1
    assert result.strict.precision == 0.5 and result.strict.recall == 1.0


def test_null_gold_fields_are_not_judged():
    result = evaluate([event("2020-10-11", "Ganja", 40.68, 46.36, killed=3, perpetrator_side="ARM")], [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36, killed=None, perpetrator_side="AZE")])
    assert result.accuracy("killed") is None
    assert result.accuracy("perpetrator_side") == 0.0


def test_command_exits_nonzero_under_the_floor(tmp_path, capsys):
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold("g1", "2020-10-11", "Ganja", 40.68, 46.36)) + "\n")
    events = pd.DataFrame([event("2020-10-14", "Ganja", 40.68, 46.36)])
    events.to_parquet(tmp_path / "events.parquet")
    assert run_evaluation(tmp_path, events_file=tmp_path / "events.parquet", min_f1=0.5) == 1
    assert run_evaluation(tmp_path, events_file=tmp_path / "events.parquet", min_f1=0.0) == 0
    assert "| strict |" in capsys.readouterr().out


def test_field_floors(tmp_path, capsys):
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold("g1", "2020-10-11", "Ganja", 40.68, 46.36, killed=10)) + "\n")
    pd.DataFrame([event("2020-10-11", "Ganja", 40.68, 46.36, killed=9)]).to_parquet(tmp_path / "events.parquet")
    assert run_evaluation(tmp_path, events_file=tmp_path / "events.parquet", field_floors={"killed": 0.5}) == 1
    assert "killed accuracy 0.000" in capsys.readouterr().err
    assert run_evaluation(tmp_path, events_file=tmp_path / "events.parquet", field_floors={"coordinates": 0.5}) == 0


def test_two_acts_at_one_place_match_their_own_kind():
    out = [event("2020-10-11", "Ganja", 40.68, 46.36, sub_event_type="Shelling/artillery/missile attack"),
           event("2020-10-11", "Ganja", 40.68, 46.36, sub_event_type="Air/drone strike")]
    ref = [gold("g1", "2020-10-11", "Ganja", 40.68, 46.36, sub_event_type="Air/drone strike"),
           gold("g2", "2020-10-11", "Ganja", 40.68, 46.36, sub_event_type="Shelling/artillery/missile attack")]
    assert evaluate(out, ref).accuracy("sub_event_type") == 1.0
