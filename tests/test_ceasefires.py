"""Tests for pipeline.ceasefires: reference file, linkage rules, summary and daily counts."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import ceasefires as ceasefire_stage
from pipeline.ceasefires import (
    CeasefireFileError,
    daily_violations,
    load_ceasefires,
    parse_ceasefires,
    summarize,
)
from pipeline.config import SHARED_DIR
from pipeline.profile import load_profile
from pipeline.schema import arrow_schema, column_names

PROFILE = load_profile()
CEASEFIRES_FILE = PROFILE.ceasefires_file
SIDES = PROFILE.party_codes


def link_events(events, ceasefires, zone=PROFILE.zone):
    """Linking in the default profile's time zone (UTC+4)."""
    return ceasefire_stage.link_events(events, ceasefires, zone=zone)

LOCAL = dt.timezone(dt.timedelta(hours=4))


@pytest.fixture(scope="module")
def ceasefires() -> pd.DataFrame:
    return load_ceasefires(CEASEFIRES_FILE)


def local(text: str) -> pd.Timestamp:
    """'2020-10-10 12:05' in UTC+4 -> UTC Timestamp."""
    return pd.Timestamp(dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)).tz_convert("UTC")


def event(
    date: str,
    time_local: str | None = None,
    truce_timing: str | None = None,
    *,
    side: str | None = "AZE",
    status: str = "alleged",
    killed: int | None = None,
    injured: int | None = None,
    civilian: bool = False,
) -> dict:
    return {
        "event_date": dt.date.fromisoformat(date),
        "time_utc": local(time_local) if time_local else pd.NaT,
        "truce_timing": truce_timing,
        "perpetrator_side": side,
        "claim_status": status,
        "killed": killed,
        "injured": injured,
        "civilian_targeting": civilian,
    }


def events_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(event("2020-10-01")))
    frame["time_utc"] = pd.to_datetime(frame["time_utc"], utc=True).astype("datetime64[us, UTC]")
    frame["truce_timing"] = frame["truce_timing"].astype(object)
    frame["perpetrator_side"] = frame["perpetrator_side"].astype(object)
    for col in ("killed", "injured"):
        frame[col] = frame[col].astype("Int32")
    return frame


# --------------------------------------------------------------------------- reference file


def test_reference_file_has_the_four_ceasefires_of_2020(ceasefires):
    assert list(ceasefires.columns) == column_names("ceasefires")
    assert list(ceasefires["ceasefire_id"]) == [
        "2020-10-10-moscow",
        "2020-10-18-humanitarian",
        "2020-10-26-washington",
        "2020-11-10-trilateral",
    ]
    assert list(ceasefires["start_utc"]) == [
        pd.Timestamp("2020-10-10T08:00Z"),
        pd.Timestamp("2020-10-17T20:00Z"),
        pd.Timestamp("2020-10-26T04:00Z"),
        pd.Timestamp("2020-11-09T21:00Z"),
    ]
    assert str(ceasefires["start_utc"].dtype) == "datetime64[us, UTC]"
    assert list(ceasefires["start_local"]) == [
        "2020-10-10T12:00:00+04:00",
        "2020-10-18T00:00:00+04:00",
        "2020-10-26T08:00:00+04:00",
        "2020-11-10T01:00:00+04:00",
    ]


@pytest.mark.parametrize(
    ("ceasefire_id", "mediator"),
    [
        ("2020-10-10-moscow", "Russia"),
        ("2020-10-18-humanitarian", "France and Russia (OSCE Minsk Group co-chairs)"),
        ("2020-10-26-washington", "United States"),
        ("2020-11-10-trilateral", "Russia"),
    ],
)
def test_reference_entries_are_complete(ceasefires, ceasefire_id, mediator):
    row = ceasefires.set_index("ceasefire_id").loc[ceasefire_id]
    assert row["conflict"] == "Nagorno-Karabakh 2020"
    assert list(row["parties"]) == ["ARM", "AZE"]
    assert row["mediator"] == mediator
    assert row["terms"] and row["name"]
    assert row["source"]  # joined from a non-empty sources list


def test_reference_table_converts_to_its_arrow_schema(ceasefires):
    table = pa.Table.from_pandas(ceasefires, schema=arrow_schema("ceasefires"), preserve_index=False)
    assert table.num_rows == 4


# --------------------------------------------------------------------------- parsing

GOOD = """\
# two ceasefires, written out of order, one start with Z
- id: b-later
  name: Later truce
  conflict: Test conflict
  start: 2021-01-02T00:00:00Z
  parties: [AAA, BBB]
  sources:
    - outlet: Outlet Two
      url: https://example.org/two
      date: 2021-01-01
    - outlet: Outlet Three
- id: a-earlier
  name: Earlier truce
  conflict: Other conflict
  start: "2021-01-01T12:00+03:00"
  parties: [AAA]
  mediator: Somebody
  terms: exchange of prisoners
  sources:
    - outlet: Outlet One
"""


def test_parse_sorts_by_start_and_normalises():
    table = parse_ceasefires(GOOD, "good.yaml")
    assert list(table.columns) == column_names("ceasefires")
    assert list(table["ceasefire_id"]) == ["a-earlier", "b-later"]
    assert list(table["start_utc"]) == [pd.Timestamp("2021-01-01T09:00Z"), pd.Timestamp("2021-01-02T00:00Z")]
    assert list(table["start_local"]) == ["2021-01-01T12:00:00+03:00", "2021-01-02T00:00:00+00:00"]
    later = table.set_index("ceasefire_id").loc["b-later"]
    assert later["source"] == "Outlet Two, 2021-01-01, https://example.org/two; Outlet Three"
    assert pd.isna(later["mediator"]) and pd.isna(later["terms"])
    assert list(later["parties"]) == ["AAA", "BBB"]


def test_parse_empty_list_gives_empty_table():
    table = parse_ceasefires("[]\n", "empty.yaml")
    assert table.empty and list(table.columns) == column_names("ceasefires")


ENTRY = """\
- id: {id}
  name: A truce
  conflict: Test conflict
  start: "{start}"
  parties: [AAA, BBB]
  sources:
    - outlet: Some outlet
"""


def entry(cid: str = "x", start: str = "2021-01-01T00:00:00+04:00") -> str:
    return ENTRY.format(id=cid, start=start)


BAD_FILES = [
    # (case, text, line named in the error, words in the error)
    (
        "missing start",
        entry("a") + entry("b").replace('  start: "2021-01-01T00:00:00+04:00"\n', ""),
        8,
        "missing required key 'start'",
    ),
    ("start without zone", entry("a", "2021-01-01T12:00:00"), 1, "no UTC offset"),
    ("start as a bare date", entry("a") + entry("b", "2021-01-05"), 8, "no UTC offset"),
    ("start that is not a date", entry("a", "tomorrow at noon"), 1, "not an ISO 8601"),
    (
        "duplicate id",
        entry("a") + entry("b", "2021-02-01T00:00:00+04:00") + entry("a", "2021-03-01T00:00:00+04:00"),
        15,
        "duplicate ceasefire id 'a' (first defined on line 1)",
    ),
    ("not a list", "id: a\nname: A truce\n", 1, "expected a YAML list"),
    ("entry not a mapping", entry("a") + "- just a string\n", 8, "must be a mapping"),
    ("bad YAML syntax", entry("a") + "- id: [unclosed\n  name: x\n", 9, "invalid YAML"),
    ("bad indentation", entry("a") + "- id: b\n   name: x\n  start: y\n", 9, "invalid YAML"),
    ("empty parties", entry("a").replace("[AAA, BBB]", "[]"), 1, "'parties' must be a non-empty list"),
    ("parties not a list", entry("a").replace("[AAA, BBB]", "AAA"), 1, "'parties' must be a non-empty list"),
    (
        "no sources",
        entry("a").replace("  sources:\n    - outlet: Some outlet\n", ""),
        1,
        "missing required key 'sources'",
    ),
    (
        "source without outlet",
        entry("a").replace("- outlet: Some outlet", "- url: https://example.org"),
        1,
        "missing required key 'outlet'",
    ),
    (
        "bad source date",
        entry("a").replace("- outlet: Some outlet", "- outlet: X\n      date: 10/10/2020"),
        1,
        "not YYYY-MM-DD",
    ),
    ("misspelt key", entry("a").replace("  name:", "  nmae:"), 1, "unknown key(s) nmae"),
    ("empty name", entry("a").replace("name: A truce", "name: ''"), 1, "'name' is empty"),
    ("numeric id", entry("2021"), 1, "'id' must be text"),
    ("key twice", entry("a").replace("  name: A truce\n", "  name: A truce\n  name: B truce\n"), 3, "appears twice"),
    ("same start in one conflict", entry("a") + entry("b"), 8, "same instant as 'a'"),
]


@pytest.mark.parametrize(("case", "text", "line", "words"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_malformed_files_raise_naming_file_and_line(case, text, line, words):
    with pytest.raises(CeasefireFileError) as info:
        parse_ceasefires(text, "conf/truces.yaml")
    message = str(info.value)
    assert message.startswith(f"conf/truces.yaml, line {line}:"), message
    assert words in message
    assert info.value.path == "conf/truces.yaml" and info.value.line == line
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_file_without_a_list_is_an_error(text):
    with pytest.raises(CeasefireFileError, match=r"^t\.yaml: the file holds no list"):
        parse_ceasefires(text, "t.yaml")


def test_unquoted_start_and_dates_are_read_as_written():
    text = entry("a").replace('"2021-01-01T00:00:00+04:00"', "2021-01-01T00:00:00+04:00")
    table = parse_ceasefires(text, "t.yaml")
    assert table.loc[0, "start_local"] == "2021-01-01T00:00:00+04:00"
    assert table.loc[0, "start_utc"] == pd.Timestamp("2020-12-31T20:00Z")


def test_same_start_in_two_conflicts_is_allowed():
    text = entry("a") + entry("b").replace("Test conflict", "Another conflict")
    assert len(parse_ceasefires(text, "t.yaml")) == 2


def test_load_names_the_real_path(tmp_path):
    path = tmp_path / "ceasefires.yaml"
    path.write_text(entry("a", "2021-01-01T12:00"), encoding="utf-8")
    with pytest.raises(CeasefireFileError, match=rf"^{path}, line 1: .*no UTC offset"):
        load_ceasefires(path)
    with pytest.raises(CeasefireFileError, match="cannot read"):
        load_ceasefires(tmp_path / "missing.yaml")


# --------------------------------------------------------------------------- linkage

MOSCOW, SECOND, WASHINGTON, TRILATERAL = (
    "2020-10-10-moscow",
    "2020-10-18-humanitarian",
    "2020-10-26-washington",
    "2020-11-10-trilateral",
)

BOUNDARIES = [
    # (case, local date, local time or None, truce_timing, ceasefire id, hours since its start)
    # before any ceasefire
    ("war, no time", "2020-10-01", None, None, None, None),
    ("war, timed", "2020-09-27", "2020-09-27 07:10", None, None, None),
    ("day before first truce, after_start cue", "2020-10-09", None, "after_start", None, None),
    # 2020-10-10-moscow: 10 Oct 12:00 local = 08:00Z
    ("moscow: 10:00 local", "2020-10-10", "2020-10-10 10:00", None, None, None),
    ("moscow: one minute before", "2020-10-10", "2020-10-10 11:59", None, None, None),
    ("moscow: at the start", "2020-10-10", "2020-10-10 12:00", None, MOSCOW, 0.0),
    ("moscow: 12:05", "2020-10-10", "2020-10-10 12:05", None, MOSCOW, 5 / 60),
    ("moscow: 02:00 next day (22:00Z)", "2020-10-11", "2020-10-11 02:00", None, MOSCOW, 14.0),
    ("moscow: first day, no time, no cue", "2020-10-10", None, None, None, None),
    ("moscow: first day, no time, after_start", "2020-10-10", None, "after_start", MOSCOW, 0.0),
    ("moscow: first day, no time, before_start", "2020-10-10", None, "before_start", None, None),
    ("moscow: time beats an after_start cue", "2020-10-10", "2020-10-10 11:00", "after_start", None, None),
    ("moscow: time beats a before_start cue", "2020-10-10", "2020-10-10 12:30", "before_start", MOSCOW, 0.5),
    ("moscow: day after, no time", "2020-10-11", None, None, MOSCOW, 12.0),
    ("moscow: day after, before_start cue ignored", "2020-10-11", None, "before_start", MOSCOW, 12.0),
    ("moscow: 16 Oct", "2020-10-16", None, None, MOSCOW, 132.0),
    ("moscow: 17 Oct", "2020-10-17", None, None, MOSCOW, 156.0),
    # 2020-10-18-humanitarian: 18 Oct 00:00 local = 17 Oct 20:00Z
    ("second: one minute before", "2020-10-17", "2020-10-17 23:59", None, MOSCOW, 180 - 1 / 60),
    ("second: at the start", "2020-10-18", "2020-10-18 00:00", None, SECOND, 0.0),
    ("second: 00:02", "2020-10-18", "2020-10-18 00:02", None, SECOND, 2 / 60),
    ("second: first day, no time, no cue", "2020-10-18", None, None, MOSCOW, 180.0),
    ("second: first day, no time, after_start", "2020-10-18", None, "after_start", SECOND, 0.0),
    ("second: first day, no time, before_start", "2020-10-18", None, "before_start", MOSCOW, 180.0),
    ("second: day after, no time", "2020-10-19", None, None, SECOND, 24.0),
    # 2020-10-26-washington: 26 Oct 08:00 local = 04:00Z
    ("washington: five minutes before", "2020-10-26", "2020-10-26 07:55", None, SECOND, 200 - 5 / 60),
    ("washington: at the start", "2020-10-26", "2020-10-26 08:00", None, WASHINGTON, 0.0),
    ("washington: 08:05", "2020-10-26", "2020-10-26 08:05", None, WASHINGTON, 5 / 60),
    ("washington: first day, no time, no cue", "2020-10-26", None, None, SECOND, 192.0),
    ("washington: first day, no time, after_start", "2020-10-26", None, "after_start", WASHINGTON, 0.0),
    ("washington: first day, no time, before_start", "2020-10-26", None, "before_start", SECOND, 192.0),
    ("washington: day after, no time", "2020-10-27", None, None, WASHINGTON, 16.0),
    # 2020-11-10-trilateral: 10 Nov 01:00 local = 9 Nov 21:00Z
    ("trilateral: 00:30 local", "2020-11-10", "2020-11-10 00:30", None, WASHINGTON, 352.5),
    ("trilateral: at the start", "2020-11-10", "2020-11-10 01:00", None, TRILATERAL, 0.0),
    ("trilateral: 01:10", "2020-11-10", "2020-11-10 01:10", None, TRILATERAL, 10 / 60),
    ("trilateral: first day, no time, no cue", "2020-11-10", None, None, WASHINGTON, 352.0),
    ("trilateral: first day, no time, after_start", "2020-11-10", None, "after_start", TRILATERAL, 0.0),
    ("trilateral: first day, no time, before_start", "2020-11-10", None, "before_start", WASHINGTON, 352.0),
    ("trilateral: day after, no time", "2020-11-11", None, None, TRILATERAL, 23.0),
    ("trilateral: stays in force (12 Dec)", "2020-12-12", None, None, TRILATERAL, 767.0),
]


@pytest.mark.parametrize(
    ("case", "date", "time_local", "timing", "expected_id", "expected_hours"),
    BOUNDARIES,
    ids=[b[0] for b in BOUNDARIES],
)
def test_events_link_to_the_ceasefire_in_force(ceasefires, case, date, time_local, timing, expected_id, expected_hours):
    linked = link_events(events_frame([event(date, time_local, timing)]), ceasefires)
    row = linked.iloc[0]
    if expected_id is None:
        assert row["ceasefire_id"] is None
        assert not row["during_ceasefire"]
        assert math.isnan(row["hours_since_ceasefire_start"])
    else:
        assert row["ceasefire_id"] == expected_id
        assert bool(row["during_ceasefire"]) is True
        assert row["hours_since_ceasefire_start"] == pytest.approx(expected_hours, abs=1e-9)


def test_linking_a_whole_table_matches_row_by_row(ceasefires):
    rows = [event(date, time_local, timing) for _, date, time_local, timing, _, _ in BOUNDARIES]
    frame = events_frame(rows)
    frame.index = pd.RangeIndex(100, 100 + len(frame))
    before = frame.copy()
    linked = link_events(frame, ceasefires)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert list(linked.index) == list(frame.index)
    pd.testing.assert_frame_equal(linked[frame.columns], frame)
    assert list(linked["ceasefire_id"]) == [b[4] for b in BOUNDARIES]
    assert (linked["during_ceasefire"] == linked["ceasefire_id"].notna()).all()
    assert (linked["hours_since_ceasefire_start"].isna() == linked["ceasefire_id"].isna()).all()
    assert (linked["hours_since_ceasefire_start"].dropna() >= 0).all()
    assert linked["during_ceasefire"].dtype == bool
    assert linked["hours_since_ceasefire_start"].dtype == "float64"


def test_the_time_zone_moves_the_first_day(ceasefires):
    # In UTC the 18 Oct ceasefire starts on 17 Oct (20:00Z), so 17 Oct is its first day.
    frame = events_frame([event("2020-10-17"), event("2020-10-17", truce_timing="after_start")])
    linked = link_events(frame, ceasefires, zone=dt.UTC)
    assert list(linked["ceasefire_id"]) == [MOSCOW, SECOND]
    assert list(linked["hours_since_ceasefire_start"]) == [160.0, 0.0]
    default = link_events(frame, ceasefires)
    assert list(default["ceasefire_id"]) == [MOSCOW, MOSCOW]


def test_two_ceasefires_on_one_local_day():
    text = entry("morning", "2021-05-01T10:00:00+04:00") + entry("evening", "2021-05-01T18:00:00+04:00")
    table = parse_ceasefires(text, "t.yaml")
    frame = events_frame(
        [
            event("2021-05-01"),
            event("2021-05-01", truce_timing="after_start"),
            event("2021-05-01", "2021-05-01 12:00"),
            event("2021-05-01", "2021-05-01 19:00"),
            event("2021-05-02"),
        ]
    )
    linked = link_events(frame, table)
    assert list(linked["ceasefire_id"]) == [None, "evening", "morning", "evening", "evening"]


def test_no_ceasefires_links_nothing():
    linked = link_events(
        events_frame([event("2020-10-12"), event("2020-10-12", "2020-10-12 09:00")]), parse_ceasefires("[]", "t")
    )
    assert list(linked["ceasefire_id"]) == [None, None]
    assert not linked["during_ceasefire"].any()


def test_event_without_date_or_time_is_rejected(ceasefires):
    frame = events_frame([event("2020-10-12")])
    frame["event_date"] = [None]
    with pytest.raises(ValueError, match="needs an event_date or a time_utc"):
        link_events(frame, ceasefires)


INSTANTS = st.datetimes(min_value=dt.datetime(2020, 9, 20), max_value=dt.datetime(2021, 1, 31))


@settings(max_examples=200, deadline=None)
@given(instants=st.lists(INSTANTS, min_size=1, max_size=20))
def test_timed_events_fall_between_their_start_and_the_next(instants):
    table = load_ceasefires(CEASEFIRES_FILE)
    starts = list(table["start_utc"])
    times = [pd.Timestamp(t, tz="UTC").floor("us") for t in instants]
    frame = events_frame([event((t + pd.Timedelta(hours=4)).date().isoformat()) for t in times])
    frame["time_utc"] = pd.Series(times, dtype="datetime64[us, UTC]")
    linked = link_events(frame, table)
    for t, cid, hours in zip(times, linked["ceasefire_id"], linked["hours_since_ceasefire_start"], strict=True):
        if cid is None:
            assert t < starts[0]
            continue
        i = list(table["ceasefire_id"]).index(cid)
        assert starts[i] <= t
        assert i + 1 == len(starts) or t < starts[i + 1]
        assert hours == pytest.approx((t - starts[i]) / pd.Timedelta(hours=1))


# --------------------------------------------------------------------------- summary and daily counts


def sample_events() -> pd.DataFrame:
    """A small war: events before the first truce and under every ceasefire but Washington."""
    return events_frame(
        [
            event("2020-10-08", side="AZE", status="denied", killed=1, injured=3, civilian=True),
            event("2020-10-10", "2020-10-10 10:00", side="ARM", status="alleged", injured=2),
            event("2020-10-10", None, "after_start", side="ARM", status="contested", killed=2, civilian=True),
            event("2020-10-10", "2020-10-10 12:05", side="AZE", status="denied"),
            event(
                "2020-10-11", "2020-10-11 02:00", side="ARM", status="observed", killed=10, injured=34, civilian=True
            ),
            event("2020-10-11", None, None, side=None, status="alleged"),
            event("2020-10-11", None, None, side="ARM", status="alleged", killed=0),
            event("2020-10-17", None, None, side="ARM", status="denied", killed=13, injured=50, civilian=True),
            event("2020-10-18", None, None, side="AZE", status="alleged", injured=1),
            event("2020-10-18", "2020-10-18 00:02", side="ARM", status="contested", civilian=True),
            event("2020-10-19", None, None, side="AZE", status="denied", killed=4),
            event("2020-11-12", None, None, side=None, status="observed"),
            event("2020-11-10", "2020-11-10 03:00", side="AZE", status="alleged", injured=1, civilian=True),
        ]
    )


@pytest.fixture(scope="module")
def linked(ceasefires) -> pd.DataFrame:
    return link_events(sample_events(), ceasefires)


HORIZON = pd.Timestamp("2020-11-12T20:00Z")  # the latest publication of the reports


def test_summary_counts_equal_a_pandas_groupby_of_the_linked_events(linked, ceasefires):
    """The summary's counts are what a user gets by grouping the linked events by ceasefire and side with pandas."""
    summary = summarize(linked, ceasefires, SIDES, HORIZON).set_index(["ceasefire_id", "perpetrator_side"])
    by_hand = linked.assign(side=linked["perpetrator_side"].fillna("unknown")).groupby(["ceasefire_id", "side"]).agg(
        events=("event_date", "size"),
        events_denied=("claim_status", lambda s: (s == "denied").sum()),
        events_contested=("claim_status", lambda s: (s == "contested").sum()),
        killed=("killed", lambda s: s.fillna(0).sum()),
        injured=("injured", lambda s: s.fillna(0).sum()),
        civilian_events=("civilian_targeting", "sum"),
        first_hours=("hours_since_ceasefire_start", "min"),
    )
    by_hand = by_hand.reindex(summary.index)
    for col in by_hand.columns.drop("first_hours"):
        assert summary[col].astype(int).tolist() == by_hand[col].fillna(0).astype(int).tolist(), col
    pd.testing.assert_series_equal(summary["hours_to_first_event"], by_hand["first_hours"], check_names=False)
    totals = summary.groupby(level="ceasefire_id")["events"].sum()
    assert totals.to_dict() == linked.groupby("ceasefire_id").size().reindex(totals.index, fill_value=0).to_dict()


def test_summary_values(linked, ceasefires):
    summary = summarize(linked, ceasefires, SIDES, HORIZON)
    assert list(summary.columns) == column_names("ceasefire_summary")
    assert list(summary["ceasefire_id"]) == [c for c in (MOSCOW, SECOND, WASHINGTON, TRILATERAL) for _ in range(len(SIDES) + 1)]
    assert list(summary["perpetrator_side"][: len(SIDES) + 1]) == [*SIDES, "unknown"]
    s = summary.set_index(["ceasefire_id", "perpetrator_side"])
    assert s.groupby(level=0, sort=False)["events"].sum().tolist() == [7, 2, 0, 2]
    # Moscow: ARM's first event is the no-time first-day one placed after the start by its cue.
    assert s.loc[(MOSCOW, "ARM"), "first_event_utc"] == pd.Timestamp("2020-10-10T08:00Z")
    assert s.loc[(MOSCOW, "ARM"), "hours_to_first_event"] == 0.0
    assert s.loc[(MOSCOW, "AZE"), "first_event_utc"] == pd.Timestamp("2020-10-10T08:05Z")
    assert s.loc[(SECOND, "ARM"), "first_event_utc"] == pd.Timestamp("2020-10-17T20:02Z")
    assert s.loc[(SECOND, "ARM"), "hours_to_first_event"] == pytest.approx(2 / 60)
    assert s.loc[(TRILATERAL, "AZE"), "first_event_utc"] == pd.Timestamp("2020-11-09T23:00Z")
    assert s.loc[(MOSCOW, "ARM"), "events_contested"] == 1 and s.loc[(MOSCOW, "AZE"), "events_denied"] == 1
    # Washington had no event: zeros and nulls.
    washington = s.loc[WASHINGTON]
    assert washington["first_event_utc"].isna().all() and washington["hours_to_first_event"].isna().all()
    assert washington[["events", "killed", "civilian_events"]].to_numpy().sum() == 0
    # Days in force: to the next start; the last one to the latest publication (12 Nov 20:00Z).
    days = summary.drop_duplicates("ceasefire_id")["days_in_force"].tolist()
    assert days == pytest.approx([7.5, 8 + 8 / 24, 14 + 17 / 24, 3 - 1 / 24])
    assert summary.drop_duplicates("ceasefire_id")["end_utc"].iloc[-1] is pd.NaT
    moscow = s.loc[MOSCOW]
    assert moscow["killed"].sum() == 25 and moscow["injured"].sum() == 85


def test_summary_types_and_arrow_schema(linked, ceasefires):
    summary = summarize(linked, ceasefires, SIDES, HORIZON)
    for field in ("events", "killed", "civilian_events", "events_denied"):
        assert str(summary[field].dtype) == "Int32"
    assert str(summary["first_event_utc"].dtype) == "datetime64[us, UTC]"
    table = pa.Table.from_pandas(summary, schema=arrow_schema("ceasefire_summary", PROFILE), preserve_index=False)
    assert table.num_rows == 4 * (len(SIDES) + 1)


def test_summary_has_a_row_for_every_party_of_a_profile_with_more_parties(ceasefires):
    linked = link_events(events_frame([event("2020-10-11", side="ARM")]), ceasefires)
    summary = summarize(linked, ceasefires, ("ARM", "AZE", "XXX"))
    assert summary[summary["ceasefire_id"] == MOSCOW]["perpetrator_side"].tolist() == ["ARM", "AZE", "XXX", "unknown"]


def test_summary_without_events_and_without_linking(ceasefires):
    empty = link_events(events_frame([]), ceasefires)
    summary = summarize(empty, ceasefires, SIDES)
    assert summary["events"].sum() == 0 and len(summary) == 4 * (len(SIDES) + 1)
    assert summary["days_in_force"].iloc[-1] == 0.0
    with pytest.raises(ValueError, match="link_events"):
        summarize(sample_events(), ceasefires, SIDES)


def test_summary_rejects_unknown_ceasefire_ids(linked, ceasefires):
    with pytest.raises(ValueError, match="2020-10-18-humanitarian"):
        summarize(linked, ceasefires[ceasefires["ceasefire_id"] != SECOND], SIDES)


def test_daily_totals_equal_the_events_totals(linked):
    daily = daily_violations(linked)
    assert list(daily.columns) == column_names("daily_violations")
    assert int(daily["events"].sum()) == len(linked)
    assert int(daily["killed"].sum()) == int(linked["killed"].fillna(0).sum())
    assert int(daily["injured"].sum()) == int(linked["injured"].fillna(0).sum())
    assert int(daily["civilian_events"].sum()) == int(linked["civilian_targeting"].sum())
    keys = daily[["event_date", "ceasefire_id", "perpetrator_side"]]
    assert not keys.astype(str).duplicated().any()


def test_daily_groups(linked):
    daily = daily_violations(linked)
    oct10 = daily[daily["event_date"] == dt.date(2020, 10, 10)]
    # The no-ceasefire group comes first and stays its own group.
    assert oct10["ceasefire_id"].tolist() == [None, MOSCOW, MOSCOW]
    assert oct10["perpetrator_side"].tolist() == ["ARM", "ARM", "AZE"]
    oct11 = daily[daily["event_date"] == dt.date(2020, 10, 11)].set_index("perpetrator_side")
    assert oct11.loc["ARM", "events"] == 2 and oct11.loc["ARM", "killed"] == 10
    assert oct11.loc["unknown", "events"] == 1
    oct18 = daily[daily["event_date"] == dt.date(2020, 10, 18)]
    assert oct18["ceasefire_id"].tolist() == [MOSCOW, SECOND]
    assert list(daily["event_date"]) == sorted(daily["event_date"])
    for col in ("events", "killed", "injured", "civilian_events"):
        assert str(daily[col].dtype) == "Int32"
    assert all(isinstance(d, dt.date) for d in daily["event_date"])
    table = pa.Table.from_pandas(daily, schema=arrow_schema("daily_violations", PROFILE), preserve_index=False)
    assert table.num_rows == len(daily)


def test_daily_of_no_events(ceasefires):
    daily = daily_violations(link_events(events_frame([]), ceasefires))
    assert daily.empty and list(daily.columns) == column_names("daily_violations")
    with pytest.raises(ValueError, match="link_events"):
        daily_violations(sample_events())


# --------------------------------------------------------------------------- dev set


def test_devset_dates_off_first_days_agree_with_gold(ceasefires):
    """Where no ceasefire starts that day, a date alone decides during_ceasefire."""
    gold_path = SHARED_DIR / "devset" / "gold.jsonl"
    if not gold_path.exists():
        pytest.skip("dev set not available")
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    first_days = {(start + pd.Timedelta(hours=4)).date() for start in ceasefires["start_utc"]}
    rows = [g for g in gold if dt.date.fromisoformat(g["event_date"]) not in first_days]
    if not rows:
        pytest.skip("no dev-set events off first days")
    frame = events_frame([event(g["event_date"]) for g in rows])
    linked = link_events(frame, ceasefires)
    assert linked["during_ceasefire"].tolist() == [g["during_ceasefire"] for g in rows]
