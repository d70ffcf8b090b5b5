"""Ceasefires: the reference table, linking events to the ceasefire in force, and summaries.

Reference data lives in each conflict profile's ``ceasefires.yaml`` (format documented in its
header) and is read by :func:`load_ceasefires`; :func:`parse_ceasefires` is the pure part (text -> table).

Linkage (coding rules §7 and §9):

* Ceasefires are ordered by start instant; each stays in force until the next one starts, the last
  one indefinitely. A profile's file holds its conflict's ceasefires, so events are linked against
  their own conflict's sequence.
* An event with a clock time (``time_utc``) belongs to the latest ceasefire whose start is at or
  before that instant; the time wins over any ``truce_timing`` cue.
* An event without a time is placed by its local date (in the conflict's time zone, daylight saving
  included): it is under a ceasefire when its date is on or after the local date of the start. On a ceasefire's first local day it
  counts as after the start only when ``truce_timing == "after_start"`` (the report says the act
  came after the truce took effect); otherwise ("before_start" or no cue) it belongs to the
  ceasefire in force before that day, if any. The cue is ignored on other days. When several
  ceasefires start on one local day, the cue places the event after the latest of them.
* ``hours_since_ceasefire_start`` is measured from the start to the event's time, or to the local
  midnight that begins its date when there is no time, floored at zero (a no-time first-day event
  placed after the start by the text's cue gets 0).

The summary (:func:`summarize`, one row per ceasefire and perpetrator side) and the daily counts
(:func:`daily_violations`) take the output of :func:`link_events`; their counts are plain group
counts of that table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline.schema import column_names

REQUIRED_KEYS = ("id", "name", "conflict", "start", "parties", "sources")
OPTIONAL_KEYS = ("mediator", "terms")
SOURCE_KEYS = ("outlet", "url", "date")
UNKNOWN_SIDE = "unknown"

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR
_EPOCH = dt.date(1970, 1, 1)
_NAT = np.iinfo(np.int64).min


class CeasefireFileError(ValueError):
    """A ceasefire file that cannot be used; the message names the file and the line."""

    path: str | None = None
    line: int | None = None


def _error(path_label: str, line: int | None, message: str) -> CeasefireFileError:
    where = f"{path_label}, line {line}" if line is not None else path_label
    err = CeasefireFileError(f"{where}: {message}")
    err.path = path_label
    err.line = line
    return err


# --------------------------------------------------------------------------- reading


class _TextLoader(yaml.SafeLoader):
    """Safe loader that keeps dates and timestamps as the strings written (no implicit datetime)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_ceasefires(path: Path, parties: Sequence[str] | None = None) -> pd.DataFrame:
    """Read and validate a ceasefire YAML file (see :func:`parse_ceasefires`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _error(str(path), None, f"cannot read the file ({exc.strerror or exc})") from exc
    return parse_ceasefires(text, str(path), parties)


def parse_ceasefires(text: str, path_label: str, known_parties: Sequence[str] | None = None) -> pd.DataFrame:
    """Turn the YAML text of a ceasefire file into the CEASEFIRES table, sorted by start.

    Raises :class:`CeasefireFileError` naming ``path_label`` and the line of the bad entry when the
    YAML is invalid, the document is not a list of mappings, a required key is missing or empty,
    a key is unknown, ``start`` has no UTC offset or does not parse, an id repeats, ``parties`` or
    ``sources`` is empty, two ceasefires of one conflict start at the same instant, or (given
    ``known_parties``, the profile's party codes) a party is none of them.
    """
    loader = _TextLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise _error(path_label, line, f"invalid YAML: {problem}") from exc
        if root is None:
            raise _error(path_label, None, "the file holds no list of ceasefires")
        if not isinstance(root, yaml.SequenceNode):
            raise _error(
                path_label, root.start_mark.line + 1, "expected a YAML list of ceasefires (entries starting with '- ')"
            )
        entries: list[tuple[int, Any]] = []
        for item in root.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                raise _error(path_label, line, "each ceasefire must be a mapping of keys (id, name, start, ...)")
            _check_duplicate_keys(item, path_label)
            try:
                value = loader.construct_object(item, deep=True)
            except yaml.YAMLError as exc:
                raise _error(path_label, line, f"invalid YAML: {exc}") from exc
            entries.append((line, value))
    finally:
        loader.dispose()

    rows = []
    first_line: dict[str, int] = {}
    starts_seen: dict[tuple[str, pd.Timestamp], str] = {}
    for line, entry in entries:
        row = _parse_entry(entry, path_label, line)
        strangers = [p for p in row["parties"] if known_parties is not None and p not in known_parties]
        if strangers:
            raise _error(path_label, line, f"ceasefire {row['ceasefire_id']!r}: parties {strangers} are not parties of the profile ({', '.join(known_parties)})")
        cid = row["ceasefire_id"]
        if cid in first_line:
            raise _error(path_label, line, f"duplicate ceasefire id {cid!r} (first defined on line {first_line[cid]})")
        first_line[cid] = line
        key = (row["conflict"], row["start_utc"])
        if key in starts_seen:
            raise _error(
                path_label,
                line,
                f"ceasefire {cid!r} starts at the same instant as {starts_seen[key]!r} in conflict {row['conflict']!r}",
            )
        starts_seen[key] = cid
        rows.append(row)

    return _ceasefire_frame(rows)


def _check_duplicate_keys(node: yaml.MappingNode, path_label: str) -> None:
    seen: set[Any] = set()
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                raise _error(
                    path_label, key_node.start_mark.line + 1, f"key {key_node.value!r} appears twice in one entry"
                )
            seen.add(key_node.value)
        if isinstance(value_node, yaml.SequenceNode):
            for sub in value_node.value:
                if isinstance(sub, yaml.MappingNode):
                    _check_duplicate_keys(sub, path_label)


def _text(entry: dict, key: str, path_label: str, line: int, label: str, *, required: bool) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise _error(path_label, line, f"{label}: missing required key {key!r}")
        return None
    if not isinstance(value, str):
        raise _error(path_label, line, f"{label}: {key!r} must be text, got {value!r} (quote it)")
    value = " ".join(value.split())
    if not value:
        if required:
            raise _error(path_label, line, f"{label}: {key!r} is empty")
        return None
    return value


def _parse_entry(entry: dict, path_label: str, line: int) -> dict:
    raw_id = entry.get("id")
    label = f"ceasefire {raw_id!r}" if isinstance(raw_id, str) and raw_id.strip() else "ceasefire entry"
    unknown = sorted(str(k) for k in entry if k not in REQUIRED_KEYS + OPTIONAL_KEYS)
    if unknown:
        allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
        raise _error(path_label, line, f"{label}: unknown key(s) {', '.join(unknown)} (allowed: {allowed})")

    cid = _text(entry, "id", path_label, line, label, required=True)
    name = _text(entry, "name", path_label, line, label, required=True)
    conflict = _text(entry, "conflict", path_label, line, label, required=True)
    start_text = _text(entry, "start", path_label, line, label, required=True)
    mediator = _text(entry, "mediator", path_label, line, label, required=False)
    terms = _text(entry, "terms", path_label, line, label, required=False)

    try:
        start = dt.datetime.fromisoformat(start_text)
    except ValueError as exc:
        raise _error(path_label, line, f"{label}: start {start_text!r} is not an ISO 8601 date-time") from exc
    if start.tzinfo is None or start.utcoffset() is None:
        raise _error(
            path_label,
            line,
            f"{label}: start {start_text!r} has no UTC offset (write e.g. '2021-05-01T12:00:00+03:00')",
        )

    parties = entry.get("parties")
    if parties is None:
        raise _error(path_label, line, f"{label}: missing required key 'parties'")
    if not isinstance(parties, list) or not parties:
        raise _error(path_label, line, f"{label}: 'parties' must be a non-empty list of party codes, e.g. [AAA, BBB]")
    if not all(isinstance(p, str) and p.strip() for p in parties):
        raise _error(path_label, line, f"{label}: every party must be non-empty text, got {parties!r}")
    parties = [p.strip() for p in parties]
    if len(set(parties)) != len(parties):
        raise _error(path_label, line, f"{label}: a party is listed twice in {parties!r}")

    source = _source_text(entry.get("sources"), path_label, line, label)

    return {
        "ceasefire_id": cid,
        "name": name,
        "conflict": conflict,
        "start_utc": pd.Timestamp(start).tz_convert("UTC").as_unit("us"),
        "start_local": start.isoformat(),
        "parties": parties,
        "mediator": mediator,
        "terms": terms,
        "source": source,
    }


def _source_text(sources: Any, path_label: str, line: int, label: str) -> str:
    """Join the sources list into one readable string: 'Outlet, 2020-10-10, URL; Outlet, URL'."""
    if sources is None:
        raise _error(path_label, line, f"{label}: missing required key 'sources'")
    if not isinstance(sources, list) or not sources:
        raise _error(path_label, line, f"{label}: 'sources' must be a non-empty list of {{outlet, url, date}}")
    parts = []
    for i, src in enumerate(sources, start=1):
        where = f"{label}: source #{i}"
        if not isinstance(src, dict):
            raise _error(path_label, line, f"{where} must be a mapping with 'outlet' (and optional 'url', 'date')")
        unknown = sorted(str(k) for k in src if k not in SOURCE_KEYS)
        if unknown:
            raise _error(
                path_label, line, f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(SOURCE_KEYS)})"
            )
        outlet = _text(src, "outlet", path_label, line, where, required=True)
        url = _text(src, "url", path_label, line, where, required=False)
        date = _text(src, "date", path_label, line, where, required=False)
        if date is not None:
            try:
                date = dt.date.fromisoformat(date).isoformat()
            except ValueError as exc:
                raise _error(path_label, line, f"{where}: date {date!r} is not YYYY-MM-DD") from exc
        parts.append(", ".join(p for p in (outlet, date, url) if p))
    return "; ".join(parts)


def _ceasefire_frame(rows: list[dict]) -> pd.DataFrame:
    columns = column_names("ceasefires")
    frame = pd.DataFrame(rows, columns=columns)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True).astype("datetime64[us, UTC]")
    frame = frame.sort_values(["start_utc", "ceasefire_id"], kind="stable").reset_index(drop=True)
    return frame[columns]


# --------------------------------------------------------------------------- linking


def _ordered(ceasefires: pd.DataFrame) -> pd.DataFrame:
    cf = ceasefires[["ceasefire_id", "start_utc"]].copy()
    cf["start_utc"] = pd.to_datetime(cf["start_utc"], utc=True).astype("datetime64[us, UTC]")
    if cf["start_utc"].isna().any() or cf["ceasefire_id"].isna().any():
        raise ValueError("every ceasefire needs an id and a start_utc")
    if cf["ceasefire_id"].duplicated().any():
        raise ValueError("ceasefire ids must be unique")
    return cf.sort_values(["start_utc", "ceasefire_id"], kind="stable").reset_index(drop=True)


def _is_missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _as_date(value: Any) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp included
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    raise TypeError(f"event_date must be a date, got {value!r}")


def _event_days(events: pd.DataFrame) -> np.ndarray:
    """Local dates as days since 1970-01-01 (int64), _NAT where missing."""
    if "event_date" not in events.columns:
        return np.full(len(events), _NAT, dtype=np.int64)
    days = [_as_date(v) for v in events["event_date"].tolist()]
    return np.array([_NAT if d is None else (d - _EPOCH).days for d in days], dtype=np.int64)


def _event_times_us(events: pd.DataFrame) -> np.ndarray:
    """time_utc as microseconds since the epoch (int64), _NAT where unknown."""
    if "time_utc" not in events.columns:
        return np.full(len(events), _NAT, dtype=np.int64)
    times = pd.to_datetime(events["time_utc"], utc=True)
    return pd.DatetimeIndex(times).as_unit("us").asi8.copy()


def _after_start_cue(events: pd.DataFrame) -> np.ndarray:
    if "truce_timing" not in events.columns:
        return np.zeros(len(events), dtype=bool)
    return np.array([v == "after_start" for v in events["truce_timing"].tolist()], dtype=bool)


def _local_start_day(start_us: int, zone: dt.tzinfo) -> int:
    """The local calendar day (days since the epoch) of an instant given in microseconds since the epoch."""
    instant = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(start_us))
    return (instant.astimezone(zone).date() - _EPOCH).days


def _local_midnight_us(day: int, zone: dt.tzinfo) -> int:
    """The UTC instant (microseconds since the epoch) of local midnight beginning a day."""
    midnight = dt.datetime.combine(_EPOCH + dt.timedelta(days=int(day)), dt.time(0), tzinfo=zone)
    return int((midnight - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) / dt.timedelta(microseconds=1))


def link_events(events: pd.DataFrame, ceasefires: pd.DataFrame, *, zone: dt.tzinfo = dt.UTC) -> pd.DataFrame:
    """Return events with ceasefire_id, during_ceasefire, hours_since_ceasefire_start filled.

    ``events`` needs ``event_date`` and/or ``time_utc`` (every row at least one of them) and may
    carry ``truce_timing``; other columns pass through unchanged, as does the index. The ceasefire
    in force is the latest one whose start is at or before the event (rules in the module
    docstring); ``zone`` is the time zone of the events' local dates.
    """
    out = events.copy()
    n = len(out)

    cf = _ordered(ceasefires)
    ids = cf["ceasefire_id"].to_numpy(dtype=object)
    starts_us = pd.DatetimeIndex(cf["start_utc"]).as_unit("us").asi8
    # Local calendar day of each start (days since the epoch), non-decreasing like the starts.
    start_days = np.array([_local_start_day(s, zone) for s in starts_us], dtype=np.int64)

    times = _event_times_us(out)
    days = _event_days(out)
    after_cue = _after_start_cue(out)
    timed = times != _NAT
    dated = days != _NAT
    if (~timed & ~dated).any():
        raise ValueError("every event needs an event_date or a time_utc to be linked to a ceasefire")

    idx = np.full(n, -1, dtype=np.int64)
    instant = np.zeros(n, dtype=np.int64)

    if len(cf):
        # Known time: the latest start at or before the instant.
        idx[timed] = np.searchsorted(starts_us, times[timed], side="right") - 1
        instant[timed] = times[timed]

        # No time: the latest ceasefire whose local start day is on or before the event's day,
        # except that on a start day only the "after_start" cue puts the event after that start.
        untimed = ~timed
        d = days[untimed]
        on_or_before = np.searchsorted(start_days, d, side="right") - 1
        strictly_before = np.searchsorted(start_days, d, side="left") - 1
        first_day = on_or_before > strictly_before  # some ceasefire starts on this local day
        idx[untimed] = np.where(first_day & ~after_cue[untimed], strictly_before, on_or_before)
        midnights = {day: _local_midnight_us(day, zone) for day in set(d.tolist())}
        instant[untimed] = np.array([midnights[day] for day in d.tolist()], dtype=np.int64)  # local midnight beginning the date

    linked = idx >= 0
    hours = np.full(n, np.nan, dtype=np.float64)
    hours[linked] = np.maximum(instant[linked] - starts_us[idx[linked]], 0) / _US_PER_HOUR
    cid = np.full(n, None, dtype=object)
    cid[linked] = ids[idx[linked]]

    out["ceasefire_id"] = pd.Series(cid, index=out.index, dtype=object)
    out["during_ceasefire"] = pd.Series(linked, index=out.index, dtype=bool)
    out["hours_since_ceasefire_start"] = pd.Series(hours, index=out.index, dtype="float64")
    return out


# --------------------------------------------------------------------------- summaries


def _require_linked(events: pd.DataFrame, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in events.columns]
    if missing:
        raise ValueError(f"events lack {', '.join(missing)}: pass the output of link_events")


def _count(mask: pd.Series) -> int:
    return int(mask.fillna(False).astype(bool).sum()) if len(mask) else 0


def _total(values: pd.Series) -> int:
    return int(pd.to_numeric(values, errors="raise").fillna(0).sum()) if len(values) else 0


def summarize(events: pd.DataFrame, ceasefires: pd.DataFrame, sides: Sequence[str], horizon: pd.Timestamp | None = None) -> pd.DataFrame:
    """CEASEFIRE_SUMMARY: one row per ceasefire and perpetrator side (each of ``sides``, then "unknown").

    ``events`` is the output of :func:`link_events` (its ``ceasefire_id`` and
    ``hours_since_ceasefire_start`` are used as they are). A side's first event's instant is
    ``start_utc + hours_since_ceasefire_start``: its time, else the local midnight beginning its
    date, never earlier than the start. ``days_in_force`` runs to the next ceasefire's start; for
    the last ceasefire, to ``horizon`` (the latest publication of the reports), or to its latest
    event in force when no horizon is given (0 with neither).
    """
    _require_linked(events, ("ceasefire_id", "hours_since_ceasefire_start"))
    cf = _ordered(ceasefires)
    known = set(cf["ceasefire_id"])
    unknown = sorted(set(events["ceasefire_id"].dropna()) - known)
    if unknown:
        raise ValueError(f"events name ceasefires missing from the table: {', '.join(map(str, unknown))}")

    # only the columns counted: grouping copies what it groups, and an event's evidence can run long
    events = events[["ceasefire_id", "perpetrator_side", "hours_since_ceasefire_start", "claim_status", "killed", "injured", "civilian_targeting"]]
    side_of = events["perpetrator_side"].where(events["perpetrator_side"].notna(), UNKNOWN_SIDE) if len(events) else events["perpetrator_side"]
    groups = {key: frame for key, frame in events.assign(_side=side_of).groupby(["ceasefire_id", "_side"], sort=False)}
    by_ceasefire = {cid: frame for cid, frame in events.groupby("ceasefire_id", sort=False)}
    empty = events.iloc[0:0]
    rows = []
    starts = list(cf["start_utc"])
    for i, (cid, start) in enumerate(zip(cf["ceasefire_id"], starts, strict=True)):
        end = starts[i + 1] if i + 1 < len(starts) else None
        if end is not None:
            days_in_force = (end - start) / pd.Timedelta(days=1)
        elif horizon is not None:
            days_in_force = max((pd.Timestamp(horizon) - start) / pd.Timedelta(days=1), 0.0)
        else:
            hours_all = pd.to_numeric(by_ceasefire.get(cid, empty)["hours_since_ceasefire_start"]).dropna()
            days_in_force = float(hours_all.max()) / 24 if len(hours_all) else 0.0
        for side in (*sides, UNKNOWN_SIDE):
            sub = groups.get((cid, side), empty)
            hours = pd.to_numeric(sub["hours_since_ceasefire_start"]).dropna()
            first_hours = float(hours.min()) if len(hours) else np.nan
            rows.append(
                {
                    "ceasefire_id": cid,
                    "perpetrator_side": side,
                    "start_utc": start,
                    "end_utc": end,
                    "days_in_force": float(days_in_force),
                    "events": len(sub),
                    "events_denied": _count(sub["claim_status"].eq("denied")),
                    "events_contested": _count(sub["claim_status"].eq("contested")),
                    "first_event_utc": start + pd.Timedelta(microseconds=round(first_hours * _US_PER_HOUR)) if len(hours) else pd.NaT,
                    "hours_to_first_event": first_hours,
                    "killed": _total(sub["killed"]),
                    "injured": _total(sub["injured"]),
                    "civilian_events": _count(sub["civilian_targeting"].eq(True)),
                }
            )

    summary = pd.DataFrame(rows, columns=column_names("ceasefire_summary"))
    for col in ("ceasefire_id", "perpetrator_side"):
        summary[col] = summary[col].astype(object)
    for col in ("start_utc", "end_utc", "first_event_utc"):
        summary[col] = pd.to_datetime(summary[col], utc=True).astype("datetime64[us, UTC]")
    for col in ("events", "events_denied", "events_contested", "killed", "injured", "civilian_events"):
        summary[col] = summary[col].astype("Int32")
    for col in ("hours_to_first_event", "days_in_force"):
        summary[col] = summary[col].astype("float64")
    return summary


def daily_violations(events: pd.DataFrame) -> pd.DataFrame:
    """DAILY_VIOLATIONS: events and casualties per local date, ceasefire in force and perpetrator side.

    Events with no ceasefire form their own group (ceasefire_id null); a null perpetrator side is
    counted as "unknown". Null casualty figures count as 0. Sorted by date, ceasefire (null
    first), side.
    """
    _require_linked(events, ("ceasefire_id",))
    columns = column_names("daily_violations")
    dates = [_as_date(v) for v in events["event_date"].tolist()]
    if any(d is None for d in dates):
        raise ValueError("every event needs an event_date")
    # An empty string never is a ceasefire id (ids are validated non-empty): use it for "none".
    cids = ["" if _is_missing(v) else str(v) for v in events["ceasefire_id"].tolist()]
    sides = [UNKNOWN_SIDE if _is_missing(v) else str(v) for v in events["perpetrator_side"].tolist()]
    frame = pd.DataFrame(
        {
            "event_date": pd.Series(dates, dtype=object),
            "ceasefire_id": pd.Series(cids, dtype=object),
            "perpetrator_side": pd.Series(sides, dtype=object),
            "killed": pd.to_numeric(events["killed"]).fillna(0).astype("int64").to_numpy(),
            "injured": pd.to_numeric(events["injured"]).fillna(0).astype("int64").to_numpy(),
            "civilian": events["civilian_targeting"].eq(True).fillna(False).astype(bool).to_numpy(),
        }
    )
    daily = (
        frame.groupby(["event_date", "ceasefire_id", "perpetrator_side"], sort=True)
        .agg(
            events=("killed", "size"),
            killed=("killed", "sum"),
            injured=("injured", "sum"),
            civilian_events=("civilian", "sum"),
        )
        .reset_index()
    )
    daily["event_date"] = daily["event_date"].astype(object)
    daily["ceasefire_id"] = pd.Series(
        [None if c == "" else c for c in daily["ceasefire_id"]], index=daily.index, dtype=object
    )
    daily["perpetrator_side"] = daily["perpetrator_side"].astype(object)
    for col in ("events", "killed", "injured", "civilian_events"):
        daily[col] = daily[col].astype("Int32")
    return daily[columns].reset_index(drop=True)
