"""Merge: mentions -> events, one row per incident (coding rules §2 and §6).

Mentions of one incident share the local date, the place, the kind of act and
the perpetrator side. A mention whose act is generic ("attacked", "struck") or
whose perpetrator is not stated joins the one incident it can belong to.
Figures are reconciled across reports: low is the smallest figure reported,
high the largest, best the figure of the latest-published report that gives
one (tolls are revised upward).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

import pandas as pd

from pipeline.coding import ATTACK, EVENT_TYPE_OF, claim_status, claimant_side, target_actor
from pipeline.extract.mention import Mention
from pipeline.profile import Profile
from pipeline.schema import column_names

FIGURES = ("killed", "injured")
BREAKDOWNS = ("killed_women", "killed_children", "injured_women", "injured_children")


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def place_key(m: Mention) -> str:
    return str(m.geonameid) if m.geonameid is not None and not pd.isna(m.geonameid) else str(m.location).casefold()


def mention_ids(mentions: list[Mention]) -> list[Mention]:
    """Give each mention a stable id (in place) and drop exact repeats (same sentence, place and act); the acts a
    sentence tells on a second day ("on 24 October and on the night of the 25th") have ids of their own."""
    seen, out = set(), []
    for m in mentions:
        second_day = (m.event_date,) if "timeline.second_day" in m.rules else ()
        mid = "mn-" + _digest(m.report_id, m.char_start, place_key(m), m.sub_event_type, m.perpetrator_side, *second_day)
        if mid in seen:
            continue
        seen.add(mid)
        m.mention_id = mid
        out.append(m)
    return out


def group_mentions(mentions: list[Mention]) -> dict[tuple, list[Mention]]:
    """Group mentions into incidents; generic and side-less mentions join an existing incident where one fits."""
    specific = [m for m in mentions if not m.act_generic and m.perpetrator_side is not None]
    vague = [m for m in mentions if m.act_generic or m.perpetrator_side is None]
    groups: dict[tuple, list[Mention]] = defaultdict(list)
    for m in specific:
        groups[_key(m)].append(m)
    # Specific acts with no side first, then generic acts.
    vague.sort(key=lambda m: (bool(m.act_generic), m.report_id, m.char_start))
    for m in vague:
        target = _absorbing_group(m, groups)
        groups[target or _key(m)].append(m)
    return groups


def _key(m: Mention) -> tuple:
    return (m.event_date, place_key(m), m.sub_event_type, m.perpetrator_side)


def _absorbing_group(m: Mention, groups: dict[tuple, list[Mention]]) -> tuple | None:
    same_place = [k for k in groups if k[0] == m.event_date and k[1] == place_key(m)]
    if m.perpetrator_side is not None:
        same_place = [k for k in same_place if k[3] in (m.perpetrator_side, None)]
    if not m.act_generic:
        same_place = [k for k in same_place if k[2] == m.sub_event_type]
    elif m.sub_event_type != ATTACK and _means_named(m):
        # A generic act ("hit", "attacked") joins an incident of its own kind: remote with remote, ground with ground.
        same_place = [k for k in same_place if EVENT_TYPE_OF[k[2]] == EVENT_TYPE_OF[m.sub_event_type]]
    # else: an attack on civilians told only by its casualties ("the attack on X killed 3"), or an act whose kind no
    # means of the text gave ("an attack by X forces in Y", typed by the profile's default), joins the incident there
    if not same_place:
        return None
    kinds = [k for k in same_place if k[2] == m.sub_event_type]
    candidates = kinds or same_place
    sided = {k[3] for k in candidates if k[3] is not None}
    if len(sided) > 1 and m.perpetrator_side is None:
        return None
    return sorted(candidates, key=lambda k: (k[3] is None, str(k[2])))[0]


def _means_named(m: Mention) -> bool:
    """Whether the text named the means that typed the act (a weapon), rather than the profile's default."""
    return any(rule.startswith("cue.weapon.") for rule in m.rules)


def _given(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _reconcile(mentions: list[Mention], what: str) -> dict[str, int | None]:
    per_report: dict[str, tuple[pd.Timestamp, int]] = {}
    lows, highs = [], []
    for m in mentions:
        best = getattr(m, what)
        if not _given(best):
            continue
        best = int(best)
        published = pd.Timestamp(m.published)
        if m.report_id not in per_report or best > per_report[m.report_id][1]:
            per_report[m.report_id] = (published, best)
        low, high = getattr(m, f"{what}_low"), getattr(m, f"{what}_high")
        lows.append(int(low) if _given(low) else best)
        highs.append(int(high) if _given(high) else best)
    if not per_report:
        return {what: None, f"{what}_low": None, f"{what}_high": None}
    latest = max(per_report.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    best = latest[1][1]
    return {what: best, f"{what}_low": min(lows + [best]), f"{what}_high": max(highs + [best])}


def _latest_breakdown(mentions: list[Mention], key: str) -> int | None:
    given = [(pd.Timestamp(m.published), m.report_id, int(getattr(m, key))) for m in mentions if _given(getattr(m, key))]
    return max(given)[2] if given else None


def _target(mentions: list[Mention]) -> str:
    targets = {m.target for m in mentions}
    for t in ("civilians", "military"):
        if t in targets:
            return t
    return "unknown"


def _event_row(mentions: list[Mention], profile: Profile) -> dict:
    mentions = sorted(mentions, key=lambda m: (pd.Timestamp(m.published), m.report_id, m.char_start))
    specific = [m for m in mentions if not m.act_generic] or mentions
    sided = [m for m in mentions if m.perpetrator_side is not None]
    # The mention that names the act and the side leads; then one that names the side; then one that names the act.
    lead = ([m for m in specific if m.perpetrator_side is not None] or sided or specific)[0]
    claimant_sides = {s for m in mentions for s in m.claimant_sides}
    target = _target(mentions)
    target_side = next((m.target_side for m in mentions if m.target_side), None)
    timed = [m.time_utc for m in mentions if _given(m.time_utc)]
    row = {
        "event_date": lead.event_date,
        "date_start": lead.date_start,
        "date_end": lead.date_end,
        "date_precision": lead.date_precision,
        "time_utc": min(timed) if timed else None,
        "event_type": lead.event_type,
        "sub_event_type": lead.sub_event_type,
        "perpetrator": lead.perpetrator,
        "perpetrator_side": lead.perpetrator_side,
        "target": target,
        "target_actor": target_actor(target, target_side, profile),
        "target_side": target_side,
        "civilian_targeting": target == "civilians",
        "claimants": sorted({c for m in mentions for c in m.claimants}),
        "claimant_side": claimant_side(claimant_sides),
        "claim_status": "denied" if any(m.claim_status == "denied" for m in mentions) else claim_status(claimant_sides, profile),
        "location": lead.location,
        "location_mention": lead.location_mention,
        "admin1": lead.admin1,
        "country_iso3": lead.country_iso3,
        "geonameid": lead.geonameid,
        "latitude": lead.latitude,
        "longitude": lead.longitude,
        "geo_precision": min(int(m.geo_precision) for m in mentions),
        "truce_timing": _truce_timing(mentions),
        "source_count": len({m.report_id for m in mentions}),
        "report_ids": sorted({m.report_id for m in mentions}),
        "outlets": sorted({m.outlet for m in mentions if isinstance(m.outlet, str) and m.outlet}),
        "evidence": _evidence(mentions),
        "rules": sorted({r for m in mentions for r in m.rules}),
    }
    for what in FIGURES:
        row.update(_reconcile(mentions, what))
    for key in BREAKDOWNS:
        row[key] = _latest_breakdown(mentions, key)
    row["event_id"] = "ev-" + _digest(row["event_date"], place_key(lead), row["sub_event_type"], row["perpetrator_side"])
    row["notes"] = summary_sentence(row)
    return row


def _truce_timing(mentions: list[Mention]) -> str | None:
    timings = {m.truce_timing for m in mentions}
    if "after_start" in timings:
        return "after_start"
    if "before_start" in timings:
        return "before_start"
    return None


def _evidence(mentions: list[Mention]) -> str:
    lines, seen = [], set()
    for m in mentions:
        key = (m.report_id, m.char_start)
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"[{m.report_id}:{m.char_start}-{m.char_end}] {m.sentence}")
    return "\n".join(lines)


VERBS = {
    "Shelling/artillery/missile attack": "shelled",
    "Air/drone strike": "carried out an air or drone strike on",
    "Armed clash": "clashed with opposing forces at",
    "Attack": "attacked civilians in",
}


def summary_sentence(row: dict) -> str:
    day = pd.Timestamp(row["event_date"]).strftime("%-d %B %Y")
    actor = row["perpetrator"] or "Unidentified forces"
    verb = VERBS.get(row["sub_event_type"], "attacked")
    if row["sub_event_type"] == "Armed clash" and row["perpetrator"] is None:
        actor, verb = "Armed forces of both sides", "clashed at"
    where = f"{row['location']} ({', '.join(x for x in (row['admin1'], row['country_iso3']) if x)})"
    parts = [f"On {day}, {actor} {verb} {where}"]
    if row["target"] != "unknown":
        parts.append(f"targeting {row['target']}")
    figures = []
    if row["killed"] is not None:
        figures.append(f"{row['killed']} killed")
    if row["injured"] is not None:
        figures.append(f"{row['injured']} injured")
    sentence = ", ".join(parts)
    if figures:
        sentence += f" ({', '.join(figures)})"
    claim = "; ".join(row["claimants"]) or "the reporting outlet"
    status = {"denied": "; denied by the accused side", "contested": "; both sides make claims", "observed": ""}.get(row["claim_status"], "")
    return f"{sentence}. According to {claim}{status}."


def merge_mentions(mentions: list[Mention], profile: Profile) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Geocoded mentions -> (events, mentions) DataFrames with stable ids, sorted; ``mentions`` is emptied (see
    :func:`merge_events` and :func:`mention_frames`)."""
    events, coded = merge_events(mentions, profile)
    if not coded:
        return events, pd.DataFrame(columns=column_names("mentions"))
    return events, next(mention_frames(coded, len(coded)))


def merge_events(mentions: list[Mention], profile: Profile) -> tuple[pd.DataFrame, list[Mention]]:
    """Geocoded mentions -> (events DataFrame, the mentions kept, in the mentions table's order). The mentions are given
    their ids and events in place, and ``mentions`` is emptied: a large build holds hundreds of thousands, and the
    caller lets each go once its row is taken (:func:`mention_frames`)."""
    kept = mention_ids(mentions)
    mentions.clear()
    events, coded = [], []
    for group in group_mentions(kept).values():
        event = _event_row(group, profile)
        events.append(event)
        for m in group:
            m.event_id = event["event_id"]
        coded += group
    del kept
    events_df = _frame(events, "events", sort=["event_date", "location", "sub_event_type", "event_id"])
    # sorted here, as the table's stable sort on these keys would order it, rather than copied by a sort afterwards
    coded.sort(key=lambda m: (m.report_id, m.char_start, m.mention_id))
    return events_df, coded


def mention_frames(mentions: list[Mention], rows: int) -> Iterator[pd.DataFrame]:
    """The mentions table, ``rows`` rows at a time, from ``mentions`` in order; the list is emptied as the rows are
    made, so each mention is let go once its row is taken (held beside the table they make, hundreds of thousands of
    mentions would double a large build's peak). Each frame is built column by column (a row dict per mention
    would double its memory)."""
    columns = column_names("mentions")
    while mentions:
        taken = mentions[:rows]
        del mentions[:rows]
        frame = pd.DataFrame(index=pd.RangeIndex(len(taken)))
        for name in columns:
            if name == "claimants":
                frame[name] = [list(m.claimants) for m in taken]  # the rows own their lists
            elif name == "rules":
                frame[name] = [sorted(m.rules) for m in taken]
            else:
                frame[name] = [getattr(m, name) for m in taken]
        yield frame


def _frame(rows: list[dict], table: str, sort: list[str]) -> pd.DataFrame:
    extra = {"ceasefire_id", "during_ceasefire", "hours_since_ceasefire_start"}
    columns = [c for c in column_names(table) if c not in extra or table != "events"]
    df = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    if table == "events":
        # Duplicate ids would mean two incidents share date, place, act and side after absorption.
        df = df.drop_duplicates("event_id")
    return df.sort_values(sort, kind="stable").reset_index(drop=True)
