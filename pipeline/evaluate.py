"""Score an events table against a gold folder (the project's evaluation spec).

Events and gold events are matched one to one, greedily, best pair first. A
pair matches when the dates are equal (strict; within one day counts as a
lenient match), the places lie within 15 km or share a canonical name, and
the kinds agree (remote with remote, ground with ground).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.gazetteer import haversine_km

MATCH_KM = 15.0
COORD_KM = 5.0
SCORED_FIELDS = ("killed", "injured", "coordinates", "geo_precision", "perpetrator_side", "target", "claimant_side", "during_ceasefire", "sub_event_type")


def _kind(event_type: str) -> str:
    return "remote" if event_type == "Explosions/Remote violence" else "ground"


def _as_date(value) -> date:
    return pd.Timestamp(value).date()


@dataclass
class Match:
    output: int
    gold: int
    days_apart: int
    km: float
    other_act: bool = False


@dataclass
class Score:
    matches: list[Match]
    n_output: int
    n_gold: int

    @property
    def precision(self) -> float:
        return len(self.matches) / self.n_output if self.n_output else 0.0

    @property
    def recall(self) -> float:
        return len(self.matches) / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    strict: Score
    lenient: Score
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # correct, judged
    wrong: list[tuple[int, int, str, object, object]] = field(default_factory=list)

    def accuracy(self, name: str) -> float | None:
        correct, judged = self.fields.get(name, (0, 0))
        return correct / judged if judged else None


def match(events: list[dict], gold: list[dict], max_days: int) -> list[Match]:
    pairs = []
    for i, e in enumerate(events):
        for j, g in enumerate(gold):
            days = abs((_as_date(e["event_date"]) - _as_date(g["event_date"])).days)
            if days > max_days or _kind(e["event_type"]) != _kind(g["event_type"]):
                continue
            km = haversine_km(e["latitude"], e["longitude"], g["latitude"], g["longitude"])
            same_name = str(e["location"]).casefold() == str(g["location"]).casefold()
            if km <= MATCH_KM or same_name:
                pairs.append(Match(i, j, days, km, e.get("sub_event_type") != g.get("sub_event_type")))
    # Best pair first: same day, nearest place, then the same kind of act (two acts at one place on one day).
    pairs.sort(key=lambda m: (m.days_apart, round(m.km, 3), m.other_act, m.output, m.gold))
    used_o, used_g, chosen = set(), set(), []
    for m in pairs:
        if m.output in used_o or m.gold in used_g:
            continue
        used_o.add(m.output)
        used_g.add(m.gold)
        chosen.append(m)
    return chosen


def _value(event: dict, name: str):
    value = event.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def evaluate(events: list[dict], gold: list[dict]) -> Evaluation:
    strict = Score(match(events, gold, 0), len(events), len(gold))
    lenient = Score(match(events, gold, 1), len(events), len(gold))
    result = Evaluation(strict, lenient)
    for m in strict.matches:
        e, g = events[m.output], gold[m.gold]
        for name in SCORED_FIELDS:
            if name == "coordinates":
                expected, got = (g["latitude"], g["longitude"]), (e["latitude"], e["longitude"])
                ok = haversine_km(*expected, *got) <= COORD_KM
            else:
                expected = g.get(name)
                if expected is None:
                    continue
                got = _value(e, name)
                ok = got == expected
            correct, judged = result.fields.get(name, (0, 0))
            result.fields[name] = (correct + int(ok), judged + 1)
            if not ok:
                result.wrong.append((m.output, m.gold, name, expected, got))
    return result


def render(result: Evaluation, title: str) -> str:
    lines = [f"# {title}", "", "| matching | precision | recall | F1 | matched |", "|---|---|---|---|---|"]
    for label, score in (("strict", result.strict), ("lenient (±1 day)", result.lenient)):
        lines.append(f"| {label} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | {len(score.matches)}/{score.n_gold} gold, {score.n_output} output |")
    lines += ["", "| field (over strict matches) | accuracy | judged |", "|---|---|---|"]
    for name in SCORED_FIELDS:
        acc = result.accuracy(name)
        judged = result.fields.get(name, (0, 0))[1]
        lines.append(f"| {name} | {'-' if acc is None else f'{acc:.3f}'} | {judged} |")
    return "\n".join(lines)


def render_details(result: Evaluation, events: list[dict], gold: list[dict]) -> str:
    matched_o = {m.output for m in result.strict.matches}
    matched_g = {m.gold for m in result.strict.matches}
    lines = ["", "## missed (gold without a strict match)"]
    for j, g in enumerate(gold):
        if j not in matched_g:
            lines.append(f"- {g['gold_id']} {g['event_date']} {g['location']} {g['event_type']} side={g.get('perpetrator_side')} reports={g['report_ids']}")
    lines.append("")
    lines.append("## extra (output without a strict match)")
    for i, e in enumerate(events):
        if i not in matched_o:
            lines.append(f"- {e['event_date']} {e['location']} p{e['geo_precision']} {e['sub_event_type']} side={e['perpetrator_side']}\n    {str(e['evidence'])[:300]}")
    lines.append("")
    lines.append("## wrongly coded fields")
    for i, j, name, expected, got in result.wrong:
        e = events[i]
        lines.append(f"- {gold[j]['gold_id']} {name}: expected {expected!r}, got {got!r} ({e['event_date']} {e['location']})\n    {str(e['evidence'])[:300]}")
    return "\n".join(lines)


def load_gold(gold_dir: Path) -> list[dict]:
    with (gold_dir / "gold.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def parse_floors(specs: list[str]) -> dict[str, float]:
    """'killed=0.95' -> {'killed': 0.95}; names must be scored fields."""
    floors = {}
    for spec in specs:
        name, _, value = spec.partition("=")
        if name not in SCORED_FIELDS or not value:
            raise ValueError(f"bad field floor {spec!r}: use NAME=X with NAME one of {', '.join(SCORED_FIELDS)}")
        floors[name] = float(value)
    return floors


def run_evaluation(gold_dir: Path, *, profile=None, events_file: Path | None = None, min_f1: float | None = None, verbose: bool = False, field_floors: dict[str, float] | None = None) -> int:
    if not (gold_dir / "gold.jsonl").is_file():
        print(f"no gold.jsonl in {gold_dir}", file=sys.stderr)
        return 2
    if events_file is not None:
        events_df = pd.read_parquet(events_file)
    else:
        from pipeline.build import build_tables

        events_df = build_tables(gold_dir / "reports", profile=profile).tables["events"]
    events = events_df.to_dict("records")
    gold = load_gold(gold_dir)
    result = evaluate(events, gold)
    print(render(result, f"Extraction scored against {gold_dir}"))
    if verbose:
        print(render_details(result, events, gold))
    failed = False
    if min_f1 is not None and result.strict.f1 < min_f1:
        print(f"strict F1 {result.strict.f1:.3f} is below the floor {min_f1:.3f}", file=sys.stderr)
        failed = True
    for name, floor in (field_floors or {}).items():
        accuracy = result.accuracy(name)
        if accuracy is not None and accuracy < floor:
            print(f"{name} accuracy {accuracy:.3f} is below the floor {floor:.3f}", file=sys.stderr)
            failed = True
    return 1 if failed else 0
