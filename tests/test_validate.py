"""The validation gate: each check, fed a good small table set corrupted in exactly one way."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipeline import config, publish, schema, validate
from pipeline.profile import load_profile

D = dt.date
UTC = "datetime64[us, UTC]"
REPORT_A, REPORT_B = "caspian-2020-10-11-tartar", "ridge-2020-10-12-vardenis"
TRUCE = "2020-10-10-moscow"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows in schema order, with the pandas types the stages produce (nullable ints, UTC timestamps, str)."""
    df = pd.DataFrame(rows, columns=schema.column_names(table))
    for f in schema.arrow_schema(table):
        if pa.types.is_integer(f.type):
            df[f.name] = df[f.name].astype(publish.PANDAS_INT_DTYPES[f.type])
        elif pa.types.is_timestamp(f.type):
            df[f.name] = pd.to_datetime(df[f.name], utc=True).astype(UTC)
        elif pa.types.is_string(f.type):
            df[f.name] = df[f.name].astype("str")
    return df


ARTICLES = [
    {
        "report_id": REPORT_A,
        "title": "Shells land on Tartar overnight",
        "outlet": "Caspian Wire",
        "url": "https://example.org/caspian/tartar",
        "published": ts("2020-10-11T13:30:00+04:00"),
        "published_utc_offset_minutes": 240,
        "published_inferred": False,
        "language": "en",
        "text": "Shells landed on houses in Tartar on Sunday morning, killing two residents.",
        "raw_path": "caspian-wire/2020-10-11.txt",
        "raw_line": None,
        "content_sha1": "0b1f5d0c3e2a4c6b8d9e0f1a2b3c4d5e6f708192",
    },
    {
        "report_id": REPORT_B,
        "title": "Clash near Vardenis",
        "outlet": "Ridge Daily",
        "url": None,
        "published": ts("2020-10-12T19:00:00Z"),
        "published_utc_offset_minutes": 0,
        "published_inferred": True,
        "language": "en",
        "text": "Troops exchanged fire near Vardenis on Monday.",
        "raw_path": "feeds/ridge.jsonl",
        "raw_line": 2,
        "content_sha1": "9a8b7c6d5e4f30211a2b3c4d5e6f708192a3b4c5",
    },
]

EVENT_A = {
    "event_id": "ev-000000000001",
    "event_date": D(2020, 10, 11),
    "date_start": D(2020, 10, 11),
    "date_end": D(2020, 10, 11),
    "date_precision": "day",
    "time_utc": ts("2020-10-11T04:00:00Z"),
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "perpetrator": "Military Forces of Armenia",
    "perpetrator_side": "ARM",
    "target": "civilians",
    "target_actor": "Civilians (Azerbaijan)",
    "target_side": "AZE",
    "civilian_targeting": True,
    "claimants": ["Ministry of Defence of Azerbaijan"],
    "claimant_side": "AZE",
    "claim_status": "denied",
    "location": "Tartar",
    "location_mention": "Tartar",
    "admin1": "Tartar",
    "country_iso3": "AZE",
    "geonameid": 585170,
    "latitude": 40.3419,
    "longitude": 46.9322,
    "geo_precision": 1,
    "killed": 2,
    "killed_low": 1,
    "killed_high": 3,
    "injured": 5,
    "injured_low": 5,
    "injured_high": 5,
    "killed_women": 1,
    "killed_children": 0,
    "injured_women": None,
    "injured_children": None,
    "truce_timing": "after_start",
    "ceasefire_id": TRUCE,
    "during_ceasefire": True,
    "hours_since_ceasefire_start": 20.0,
    "source_count": 1,
    "report_ids": [REPORT_A],
    "outlets": ["Caspian Wire"],
    "evidence": f"[{REPORT_A} 0-75] Shells landed on houses in Tartar.",
    "notes": "Shelling hit homes in Tartar; two residents were killed.",
    "rules": ["cue.act.shelling.1", "place.gazetteer"],
}
EVENT_B = {
    **EVENT_A,
    "event_id": "ev-000000000002",
    "event_date": D(2020, 10, 12),
    "date_start": D(2020, 10, 12),
    "date_end": D(2020, 10, 12),
    "time_utc": None,
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "perpetrator": "Military Forces of Azerbaijan",
    "perpetrator_side": "AZE",
    "target": "military",
    "target_actor": "Military Forces of Armenia",
    "target_side": "ARM",
    "civilian_targeting": False,
    "claimants": ["Ministry of Defence of Armenia", "Ridge Daily"],
    "claimant_side": "multiple",
    "claim_status": "contested",
    "location": "Vardenis",
    "location_mention": "near Vardenis",
    "admin1": "Gegharkunik",
    "country_iso3": "ARM",
    "geonameid": 616052,
    "latitude": 40.1833,
    "longitude": 45.7333,
    "geo_precision": 2,
    "killed": 4,
    "killed_low": None,
    "killed_high": None,
    "injured": None,
    "injured_low": None,
    "injured_high": None,
    "killed_women": None,
    "killed_children": None,
    "truce_timing": None,
    "hours_since_ceasefire_start": 40.0,
    "source_count": 2,
    "report_ids": [REPORT_A, REPORT_B],
    "outlets": ["Caspian Wire", "Ridge Daily"],
    "evidence": f"[{REPORT_B} 0-47] Troops exchanged fire near Vardenis.",
    "notes": "Armenian and Azerbaijani troops clashed near Vardenis.",
}

MENTION_KEYS = [f.name for f in schema.MENTIONS if f.name in EVENT_A]


def mention(event: dict, report: dict, mention_id: str, sentence: str) -> dict:
    return {
        **{k: event[k] for k in MENTION_KEYS},
        "mention_id": mention_id,
        "report_id": report["report_id"],
        "outlet": report["outlet"],
        "published": report["published"],
        "sentence": sentence,
        "char_start": 0,
        "char_end": len(sentence),
        "date_expression": "on Sunday",
    }


def good_tables() -> dict[str, pd.DataFrame]:
    """Two articles, two events (one per event country), their mentions, one ceasefire and its aggregates."""
    return {
        "articles": frame("articles", ARTICLES),
        "mentions": frame(
            "mentions",
            [
                mention(EVENT_A, ARTICLES[0], "mn-00000000000a", "Shells landed on houses in Tartar."),
                mention(EVENT_B, ARTICLES[1], "mn-00000000000b", "Troops exchanged fire near Vardenis."),
            ],
        ),
        "events": frame("events", [EVENT_A, EVENT_B]),
        "ceasefires": frame(
            "ceasefires",
            [
                {
                    "ceasefire_id": TRUCE,
                    "name": "Moscow humanitarian ceasefire",
                    "conflict": "Nagorno-Karabakh 2020",
                    "start_utc": ts("2020-10-10T08:00:00Z"),
                    "start_local": "2020-10-10T12:00:00+04:00",
                    "parties": ["ARM", "AZE"],
                    "mediator": "Russia",
                    "terms": "exchange of prisoners and bodies",
                    "source": "statement of the foreign ministers, 10 October 2020",
                }
            ],
        ),
        "rejects": frame("rejects", [{"raw_path": "feeds/ridge.jsonl", "line": 5, "stage": "ingest", "error": "line has no text"}]),
        "dropped_mentions": frame("dropped_mentions", []),
        "ceasefire_summary": frame(
            "ceasefire_summary",
            [
                {
                    "ceasefire_id": TRUCE, "perpetrator_side": side, "start_utc": ts("2020-10-10T08:00:00Z"), "end_utc": None,
                    "days_in_force": 2.0, "events": events, "events_denied": denied, "events_contested": contested,
                    "first_event_utc": first, "hours_to_first_event": hours, "killed": killed, "injured": injured, "civilian_events": civilian,
                }
                for side, events, denied, contested, first, hours, killed, injured, civilian in (
                    ("ARM", 1, 1, 0, ts("2020-10-11T04:00:00Z"), 20.0, 2, 5, 1),
                    ("AZE", 1, 0, 1, ts("2020-10-11T20:00:00Z"), 36.0, 4, 0, 0),
                    ("unknown", 0, 0, 0, None, None, 0, 0, 0),
                )
            ],
        ),
        "daily_violations": frame(
            "daily_violations",
            [
                {"event_date": D(2020, 10, 11), "ceasefire_id": TRUCE, "perpetrator_side": "ARM", "events": 1, "killed": 2, "injured": 5, "civilian_events": 1},
                {"event_date": D(2020, 10, 12), "ceasefire_id": TRUCE, "perpetrator_side": "AZE", "events": 1, "killed": 4, "injured": 0, "civilian_events": 0},
            ],
        ),
    }


@pytest.fixture(scope="module")
def good() -> dict[str, pd.DataFrame]:
    return good_tables()


# --- Corruptions -------------------------------------------------------------------------

Mutation = Callable[[dict[str, pd.DataFrame]], None]


def put(table: str, row: int, **values: object) -> Mutation:
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        df = tables[table]
        for column, value in values.items():
            if isinstance(value, list):
                df[column] = df[column].astype(object)
                df.at[row, column] = value
            else:
                df.loc[row, column] = value

    return mutate


def replace_column(table: str, column: str, values: list) -> Mutation:
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table][column] = pd.Series(values, dtype=object)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        for m in mutations:
            m(tables)

    return mutate


def empty(*names: str) -> Mutation:
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        for name in names:
            tables[name] = tables[name].iloc[0:0].reset_index(drop=True)

    return mutate


def drop_table(name: str) -> Mutation:
    return lambda tables: tables.pop(name)


def edit(table: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Mutation:
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table] = fn(tables[table])

    return mutate


COLUMNS = "expect_table_columns_to_match_ordered_list"
NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
ROWS = "expect_table_row_count_to_be_between"
NULL = "expect_column_values_to_be_null"
TYPE = validate.TYPE_CHECK
PRESENT = validate.TABLE_CHECK
LATE = D(2020, 10, 13)

# (id, corruption, expected failures as (table, expectation, columns))
CASES: list[tuple[str, Mutation, set[tuple]]] = [
    # column set
    ("column-missing", edit("events", lambda df: df.drop(columns="notes")), {("events", COLUMNS, ())}),
    ("column-extra", edit("articles", lambda df: df.assign(section="world")), {("articles", COLUMNS, ())}),
    ("column-order", edit("ceasefires", lambda df: df[list(reversed(df.columns))]), {("ceasefires", COLUMNS, ())}),
    ("table-missing", drop_table("rejects"), {("rejects", PRESENT, ())}),
    # types, checked against the Arrow schema
    ("type-int-as-text", replace_column("events", "killed", ["two", None]), {("events", TYPE, ("killed",))}),
    ("type-fraction-in-int", replace_column("events", "source_count", [1.5, 2]), {("events", TYPE, ("source_count",))}),
    ("type-date-garbage", replace_column("events", "event_date", ["last Sunday", D(2020, 10, 12)]), {("events", TYPE, ("event_date",))}),
    ("type-naive-timestamp", edit("articles", lambda df: df.assign(published=df["published"].dt.tz_localize(None))), {("articles", TYPE, ("published",))}),
    ("type-text-as-list", replace_column("events", "claimants", ["Ministry of Defence of Azerbaijan", ["x"]]), {("events", TYPE, ("claimants",))}),
    ("type-number-as-text", replace_column("events", "latitude", ["40.34", "40.18"]), {("events", TYPE, ("latitude",))}),
    ("type-int-as-bool", replace_column("events", "civilian_targeting", [1, 0]), {("events", TYPE, ("civilian_targeting",))}),
    # non-null fields
    ("null-location", put("events", 1, location=None), {("events", NOT_NULL, ("location",))}),
    ("null-claimants", put("events", 0, claimants=None), {("events", NOT_NULL, ("claimants",))}),
    ("null-mention-sentence", put("mentions", 0, sentence=None), {("mentions", NOT_NULL, ("sentence",))}),
    ("null-article-text", put("articles", 1, text=None), {("articles", NOT_NULL, ("text",))}),
    ("null-reject-error", put("rejects", 0, error=None), {("rejects", NOT_NULL, ("error",))}),
    ("null-summary-count", put("ceasefire_summary", 0, events=None), {("ceasefire_summary", NOT_NULL, ("events",))}),
    ("set-summary-side", put("ceasefire_summary", 2, perpetrator_side="nobody"), {("ceasefire_summary", IN_SET, ("perpetrator_side",))}),
    # unique fields
    ("duplicate-event-id", both(put("events", 1, event_id="ev-000000000001"), put("mentions", 1, event_id="ev-000000000001")), {("events", UNIQUE, ("event_id",))}),
    ("duplicate-mention-id", put("mentions", 1, mention_id="mn-00000000000a"), {("mentions", UNIQUE, ("mention_id",))}),
    ("duplicate-report-id", edit("articles", lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True)), {("articles", UNIQUE, ("report_id",))}),
    ("duplicate-ceasefire-id", edit("ceasefires", lambda df: pd.concat([df, df], ignore_index=True)), {("ceasefires", UNIQUE, ("ceasefire_id",))}),
    # allowed values
    ("set-event-type", put("events", 0, event_type="Riots"), {("events", IN_SET, ("event_type",))}),
    ("set-date-precision", put("mentions", 1, date_precision="decade"), {("mentions", IN_SET, ("date_precision",))}),
    ("set-geo-precision", put("events", 0, geo_precision=4), {("events", IN_SET, ("geo_precision",))}),
    ("set-claim-status", put("events", 1, claim_status="rumoured"), {("events", IN_SET, ("claim_status",))}),
    ("set-side", put("events", 0, perpetrator_side="RUS"), {("events", IN_SET, ("perpetrator_side",))}),
    ("set-reject-stage", put("rejects", 0, stage="load"), {("rejects", IN_SET, ("stage",))}),
    ("set-daily-side", put("daily_violations", 1, perpetrator_side="both"), {("daily_violations", IN_SET, ("perpetrator_side",))}),
    # coordinates inside the country's bounding box (the profile's)
    ("bbox-aze-latitude", put("events", 0, latitude=44.5), {("events", NULL, ("_outside_country_box",))}),
    ("bbox-arm-longitude", put("events", 1, longitude=49.9), {("events", NULL, ("_outside_country_box",))}),
    ("bbox-mention-latitude", put("mentions", 0, latitude=-40.34), {("mentions", NULL, ("_outside_country_box",))}),
    ("bbox-world", put("events", 1, country_iso3="GEO", latitude=141.7, longitude=44.8), {("events", BETWEEN, ("latitude",))}),
    # dates
    ("date-start-after-event", put("events", 0, date_start=D(2020, 10, 12)), {("events", PAIR, ("event_date", "date_start"))}),
    ("date-end-before-event", put("mentions", 1, date_end=D(2020, 10, 11)), {("mentions", PAIR, ("date_end", "event_date"))}),
    ("date-after-reports", put("events", 0, event_date=LATE, date_start=LATE, date_end=LATE), {("events", PAIR, ("_published_local_date", "event_date"))}),
    ("date-after-report", put("mentions", 0, event_date=LATE, date_start=LATE, date_end=LATE), {("mentions", PAIR, ("_published_local_date", "event_date"))}),
    # casualty figures
    ("killed-negative", put("events", 1, killed=-4), {("events", BETWEEN, ("killed",))}),
    ("killed-low-above-best", put("events", 0, killed_low=3, killed_high=4), {("events", PAIR, ("killed", "killed_low"))}),
    ("killed-high-below-best", put("events", 0, killed_high=1), {("events", PAIR, ("killed_high", "killed"))}),
    ("injured-low-above-high", put("events", 1, injured_low=6, injured_high=3), {("events", PAIR, ("injured_high", "injured_low"))}),
    ("killed-women-above-total", put("events", 0, killed_women=3, killed_high=3), {("events", PAIR, ("killed", "killed_women"))}),
    ("injured-children-above-total", put("mentions", 0, injured_children=6), {("mentions", PAIR, ("injured", "injured_children"))}),
    # ceasefire and target consistency
    ("during-without-ceasefire", put("events", 1, ceasefire_id=None), {("events", NOT_NULL, ("ceasefire_id",))}),
    ("civilian-flag-missing", put("events", 0, civilian_targeting=False), {("events", IN_SET, ("civilian_targeting",))}),
    ("civilian-flag-wrong", put("mentions", 1, civilian_targeting=True), {("mentions", IN_SET, ("civilian_targeting",))}),
    ("char-offsets-reversed", put("mentions", 0, char_start=40, char_end=12), {("mentions", PAIR, ("char_end", "char_start"))}),
    # references between tables
    ("unknown-report-id", put("events", 1, report_ids=[REPORT_B, "nowhere-2020-10-12"]), {("events", NULL, ("_unknown_report_ids",))}),
    ("unknown-event-id", put("mentions", 1, event_id="ev-ffffffffffff"), {("mentions", NULL, ("_unknown_event_id",))}),
    ("unknown-mention-report", put("mentions", 0, report_id="nowhere-2020-10-11"), {("mentions", NULL, ("_unknown_report_id",))}),
    ("unknown-ceasefire", put("events", 0, ceasefire_id="2020-10-11-nowhere"), {("events", NULL, ("_unknown_ceasefire_id",))}),
    ("unknown-summary-ceasefire", put("ceasefire_summary", 0, ceasefire_id="2020-10-11-nowhere"), {("ceasefire_summary", NULL, ("_unknown_ceasefire_id",))}),
    ("unknown-daily-ceasefire", put("daily_violations", 0, ceasefire_id="2020-10-11-nowhere"), {("daily_violations", NULL, ("_unknown_ceasefire_id",))}),
    # row counts
    ("mentions-empty", empty("mentions"), {("mentions", ROWS, ())}),
    ("all-empty", empty(*schema.TABLES), {(t, ROWS, ()) for t in validate.NON_EMPTY_TABLES}),
]


def failed(report: validate.ValidationReport) -> set[tuple]:
    return {(f.table, f.expectation, tuple(f.columns)) for f in report.failures}


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.dtypes.equals(b.dtypes) and a.astype(str).equals(b.astype(str))


@pytest.fixture(scope="module")
def good_runs(good) -> dict[str, tuple[pd.DataFrame, list[dict]]]:
    """What Great Expectations is given for the good tables (each table's frame and expectations); all of it passes."""
    seen = {}
    real = validate._run_gx

    def spy(frames, runs, docs_dir):
        seen.update({table: (frames[table].copy(), run[1]) for table, run in runs.items()})
        return real(frames, runs, docs_dir)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate, "_run_gx", spy)
        assert validate.validate_tables(good).success
    return seen


def validate_changed(tables: dict[str, pd.DataFrame], good_runs, monkeypatch) -> validate.ValidationReport:
    """``validate_tables``, with Great Expectations run only on the tables whose frame or expectations differ from the good run.

    The same frame and expectations give the same (passing) result, so the report is the one
    a full run gives; this keeps the table of corruptions fast (a full run takes seconds).
    """
    real = validate._run_gx

    def only_changed(frames, runs, docs_dir):
        changed = {t: r for t, r in runs.items() if not (r[1] == good_runs[t][1] and _same_frame(frames[t], good_runs[t][0]))}
        return real(frames, changed, docs_dir)

    monkeypatch.setattr(validate, "_run_gx", only_changed)
    return validate.validate_tables(tables)


def test_good_tables_pass(good):
    report = validate.validate_tables(good)
    assert report.success, report.render()
    assert report.failures == [] and report.not_evaluated == []
    assert report.evaluated == sum(len(s["expectations"]) for s in validate.generate_suites().values())
    assert report.render().startswith("validation passed")


# Each case runs the whole suite (about a second): `make test` runs every fifth, CI runs them all (marked slow).
@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=i, marks=() if k % 5 == 0 else pytest.mark.slow) for k, (i, m, e) in enumerate(CASES)],
)
def test_one_corruption_fails_one_expectation(good, good_runs, monkeypatch, mutate, expected):
    tables = copy.deepcopy(good)
    mutate(tables)
    report = validate_changed(tables, good_runs, monkeypatch)
    assert not report.success
    assert failed(report) == expected, report.render()
    assert not any(f.raised_exception for f in report.failures), report.render()


@pytest.mark.slow
def test_corruption_checked_with_a_full_run(good):
    tables = copy.deepcopy(good)
    put("events", 0, killed_high=1)(tables)
    assert failed(validate.validate_tables(tables)) == {("events", PAIR, ("killed_high", "killed"))}


def test_every_generated_expectation_kind_is_exercised():
    kinds = {e["type"] for suite in validate.generate_suites().values() for e in suite["expectations"]}
    assert kinds <= {expected[1] for _, _, cases in CASES for expected in cases}


def test_render_names_table_column_expectation_and_five_values(good):
    tables = copy.deepcopy(good)
    tables["events"] = pd.concat([tables["events"]] * 4, ignore_index=True)  # 8 rows: event_id repeated
    tables["events"]["location"] = None
    report = validate.validate_tables(tables)
    lines = {line.split(":")[0].strip(): line for line in report.render().splitlines()[1:]}
    assert "events.location" in lines
    assert NOT_NULL in lines["events.location"] and "8 unexpected" in lines["events.location"]
    unique_line = lines["events.event_id"]
    assert UNIQUE in unique_line and "8 unexpected" in unique_line
    assert unique_line.split("; rows: ")[1].count("event_id=") == 5


def test_a_large_table_is_checked_in_batches_with_the_same_failures(good, monkeypatch):
    """Row-wise expectations run on batches of rows, the others on the whole table: counts add up across batches, a
    value repeated in two batches is still no unique value, and a column missing from the layout is still found."""
    tables = copy.deepcopy(good)
    tables["events"] = pd.concat([tables["events"]] * 4, ignore_index=True)  # 8 rows: event_id repeated
    tables["events"]["location"] = None
    whole = validate.validate_tables(tables)
    monkeypatch.setattr(validate, "BATCH_ROWS", 3)
    batched = validate.validate_tables(tables)
    assert [f.render() for f in batched.failures] == [f.render() for f in whole.failures]
    assert "8 unexpected" in batched.render() and len(batched.failures) == len(whole.failures)
    tables["events"] = tables["events"].drop(columns="notes")
    assert failed(validate.validate_tables(tables)) >= {("events", "expect_table_columns_to_match_ordered_list", ())}


def test_large_tables_checked_in_two_processes_report_as_one(good, monkeypatch, tmp_path):
    """Failures of several tables, checked by two processes, come in the order of one process's run; the offline page
    is the same page."""
    tables = copy.deepcopy(good)
    tables["events"]["location"] = None
    tables["mentions"]["sentence"] = None
    tables["articles"].loc[0, "text"] = None
    pages = {}
    for split_rows, name in ((10**9, "one"), (0, "two")):
        monkeypatch.setattr(validate, "SPLIT_ROWS", split_rows)
        report = validate._validate(tables, profile=load_profile(), docs_dir=None, suites_dir=config.EXPECTATIONS_DIR, summary_dir=tmp_path / name)
        pages[name] = (re.sub(r"in \d+\.\ds", "", report.render()), re.sub(r"in \d+\.\ds", "", (tmp_path / name / "summary.html").read_text()))
    assert pages["two"][0].replace(str(tmp_path / "two"), "") == pages["one"][0].replace(str(tmp_path / "one"), "")
    assert pages["two"][1] == pages["one"][1]
    assert {"events", "mentions", "articles"} <= {f.table for f in validate.validate_tables(tables).failures}


def test_work_handed_to_a_forked_process_comes_back_or_is_done_here():
    """In a process with no other thread the work runs in a forked process; work that fails there is done again
    here, so its error is this process's."""
    code = (
        "import os\nfrom pipeline.validate import _elsewhere\n"
        "print(_elsewhere(os.getpid)() != os.getpid())\n"
        "try:\n    _elsewhere(lambda: 1 / 0)()\nexcept ZeroDivisionError:\n    print('raised here')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split("\n")[:2] == ["True", "raised here"], done.stderr


def test_list_columns_read_back_as_tuples_of_shared_strings():
    column = pa.chunked_array([pa.array([["a", "b"], None, []], pa.list_(pa.string())), pa.array([["b", None]], pa.list_(pa.string())).slice(0)])
    tuples = validate._tuples(column)
    assert tuples == [("a", "b"), None, (), ("b", None)]
    assert tuples[0][1] is tuples[3][0]
    sliced = pa.chunked_array([pa.array([["x"], ["y", "z"], ["w"]], pa.list_(pa.string())).slice(1, 2)])
    assert validate._tuples(sliced) == [("y", "z"), ("w",)]


def test_offending_rows_carry_the_row_key(good):
    tables = copy.deepcopy(good)
    put("events", 1, latitude=47.0)(tables)
    [failure] = validate.validate_tables(tables).failures
    assert failure.unexpected == ["ARM"]
    assert failure.rows == [{"event_id": "ev-000000000002", "_outside_country_box": "ARM"}]
    assert list(failure.rows[0]) == ["event_id", "_outside_country_box"]


def test_a_conditional_failure_says_its_condition(good):
    tables = copy.deepcopy(good)
    put("events", 1, ceasefire_id=None)(tables)
    [failure] = validate.validate_tables(tables).failures
    assert [row["event_id"] for row in failure.rows] == ["ev-000000000002"]
    assert failure.kwargs["row_condition"] == {"type": "comparison", "column": {"name": "during_ceasefire"}, "operator": "==", "parameter": True}
    assert "where during_ceasefire == True" in failure.render()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (edit("events", lambda df: df.drop(columns="notes")), "missing ['notes'], unexpected []"),
        (edit("articles", lambda df: df.assign(section="world")), "missing [], unexpected ['section']"),
        (edit("rejects", lambda df: df[["raw_path", "stage", "line", "error"]]), "order differs from position 1: expected 'line', found 'stage'"),
    ],
)
def test_column_list_failure_says_what_differs(good, good_runs, monkeypatch, mutate, message):
    tables = copy.deepcopy(good)
    mutate(tables)
    [failure] = validate_changed(tables, good_runs, monkeypatch).failures
    assert failure.expectation == COLUMNS and failure.message == message
    assert failure.render().endswith(f"({message})")


def test_mistyped_column_skips_its_expectations(good):
    tables = copy.deepcopy(good)
    replace_column("events", "event_date", [None, "soon"])(tables)
    report = validate.validate_tables(tables)
    assert failed(report) == {("events", TYPE, ("event_date",))}
    assert report.failures[0].unexpected == ["soon"]
    assert f"events: {NOT_NULL}(event_date)" in report.not_evaluated
    assert f"events: {PAIR}(event_date)" in report.not_evaluated  # the pair with date_start: only event_date is unusable
    assert all("event_date" in item for item in report.not_evaluated)


# --- Suites ---------------------------------------------------------------------------------


def test_committed_suites_equal_generated():
    generated = validate.generate_suites()
    committed = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in config.EXPECTATIONS_DIR.glob("*.json")}
    assert committed == generated, "expectations/ is stale: run python -m pipeline.validate --write-suites"


def test_suites_follow_schema():
    suites = validate.generate_suites()
    assert set(suites) == set(schema.TABLES)
    for table, fields in schema.TABLES.items():
        kinds = [(e["type"], e["kwargs"].get("column")) for e in suites[table]["expectations"] if "row_condition" not in e["kwargs"]]
        for f in fields:
            assert ((NOT_NULL, f.name) in kinds) == (not f.nullable), f.name
            assert ((UNIQUE, f.name) in kinds) == f.unique, f.name


@pytest.fixture
def suites_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "expectations"
    validate.write_suites(folder)
    return folder


def test_unknown_expectation_type_is_a_loud_error(good, suites_dir):
    path = suites_dir / "events.json"
    suite = json.loads(path.read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_plausible", "kwargs": {"column": "notes"}})
    path.write_text(json.dumps(suite))
    with pytest.raises(validate.SuiteError, match="expect_column_values_to_be_plausible"):
        validate.validate_tables(good, suites_dir=suites_dir)


def test_missing_suite_file_is_a_loud_error(good, suites_dir):
    (suites_dir / "rejects.json").unlink()
    with pytest.raises(validate.SuiteError, match="rejects"):
        validate.validate_tables(good, suites_dir=suites_dir)


def test_expectation_that_raises_is_reported_as_a_suite_error(good, suites_dir):
    path = suites_dir / "articles.json"
    suite = json.loads(path.read_text())
    suite["expectations"].append({"type": PAIR, "kwargs": {"column_A": "title", "column_B": "published"}})
    path.write_text(json.dumps(suite))
    report = validate.validate_tables(good, suites_dir=suites_dir)
    assert not report.success
    [broken] = report.failures
    assert broken.raised_exception and broken.table == "articles"
    assert "suite errors" in report.render()


# --- Folders and Data Docs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(good, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "processed"
    for table, df in good.items():
        publish.write_table(df, table, out)
    return out


@pytest.mark.slow
def test_validate_folder_builds_data_docs(published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    report = validate.validate_folder(out, docs=True)
    assert report.success, report.render()
    docs = out / "validation"
    assert report.docs_index == docs / "index.html" and report.docs_index.is_file()
    for table in schema.TABLES:
        assert list((docs / "validations" / table).rglob("*.html")), table
        assert (docs / "expectations" / f"{table}.html").is_file()
    summary = (docs / "summary.html").read_text()
    assert "<script" not in summary and "validations/events/" in summary
    assert report.summary_page == docs / "summary.html" and f"report: {docs / 'summary.html'}" in report.render()


@pytest.mark.slow
def test_summary_page_profiles_every_table_offline(published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    validate.validate_folder(out, docs=True)
    page = (out / "validation" / "summary.html").read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|src=|@import|url\(", page), "the page must need nothing from elsewhere"
    events = publish.read_table(out, "events")
    for table in schema.TABLES:
        assert f'<h2 id="{table}">{table}</h2>' in page
        rows = len(publish.read_table(out, table))
        assert f'<td><a href="#{table}">{table}</a></td><td class="n">{rows}</td>' in page
    section = page.split('<h2 id="events">')[1].split("<h2 ")[0]
    nulls = int(events["time_utc"].isna().sum())
    assert 0 < nulls < len(events)
    assert f'<td><code>time_utc</code></td><td>timestamp[us, tz=UTC]</td><td class="n">{nulls} ({100 * nulls / len(events):.1f}%)</td>' in section
    assert f"min {events['killed'].min()}, max {events['killed'].max()}" in section
    assert f"min {min(events['event_date'])}, max {max(events['event_date'])}" in section
    top = events["claim_status"].value_counts().index[0]
    assert re.search(rf"<td><code>claim_status</code></td>.*?{top}: \d+", section)
    assert "_unknown_report_ids" not in page  # derived columns are not the tables' own
    assert "need a network" in page
    index = (out / "validation" / "index.html").read_text(encoding="utf-8")
    assert 'href="summary.html"' in index.split("</div>")[0]  # the Data Docs say where to go offline


@pytest.mark.parametrize(
    ("values", "type_", "expected"),
    [
        (["a", "b", "a", None], pa.string(), {"nulls": 1, "distinct": 2, "values": "a: 2 (66.7%), b: 1 (33.3%)"}),
        ([3, None, 1, 2], pa.int32(), {"nulls": 1, "distinct": 3, "values": "min 1, max 3; 3: 1 (33.3%), 1: 1 (33.3%), 2: 1 (33.3%)"}),
        ([D(2020, 10, 2), D(2020, 10, 1)], pa.date32(), {"nulls": 0, "distinct": 2, "values": "min 2020-10-01, max 2020-10-02"}),
        ([["x", "y"], ["x"], []], pa.list_(pa.string()), {"nulls": 0, "distinct": 2, "values": "0–2 items a row; x: 2 (66.7%), y: 1 (33.3%)"}),
        ([f"id-{i}" for i in range(8)], pa.string(), {"nulls": 0, "distinct": 8, "values": "all distinct; 4–4 characters, e.g. id-0"}),
        ([None, None], pa.float64(), {"nulls": 2, "distinct": None, "values": "all null"}),
    ],
)
def test_column_profile(values, type_, expected):
    assert validate.column_profile(pd.Series(values, dtype=object), type_) == expected


def test_validate_folder_reports_a_missing_file_and_a_mistyped_field(published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    (out / "rejects.parquet").unlink()
    import pyarrow.parquet as pq

    arrow = pq.read_table(out / "events.parquet")
    i = arrow.schema.get_field_index("event_date")
    pq.write_table(arrow.set_column(i, "event_date", arrow["event_date"].cast(pa.string())), out / "events.parquet")
    report = validate.validate_folder(out, summary=False)
    assert failed(report) == {("rejects", PRESENT, ()), ("events", TYPE, ("event_date",))}
    assert not (out / "validation").exists()


def test_too_many_dropped_mentions_fail_validation(tmp_path):
    tables = good_tables()
    lost = {"report_id": ARTICLES[0]["report_id"], "sentence": "Shells hit Nowhere.", "char_start": 0, "location_mention": "Nowhere",
            "stage": "geocode", "reason": "no gazetteer entry for 'Nowhere'", "rules": ["place.gazetteer"]}
    tables["dropped_mentions"] = frame("dropped_mentions", [lost] * 3)
    report = validate.validate_tables(tables)
    assert not report.success
    assert any(f.table == "dropped_mentions" and "_dropped_share" in f.columns for f in report.failures)


def test_validate_folder_writes_the_offline_report_without_data_docs_by_default(published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    report = validate.validate_folder(out)
    assert report.success, report.render()
    assert report.summary_page == out / "validation" / "summary.html" and report.summary_page.is_file()
    assert report.docs_index is None and not (out / "validation" / "index.html").exists()
    assert f"report: {out / 'validation' / 'summary.html'} (reads offline)" in report.render()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b"PAR1" + b"\0" * 64 + b"PAR1", id="garbage"),
        pytest.param(lambda b: b"", id="empty"),
    ],
)
def test_a_corrupt_parquet_file_is_a_failure_and_the_other_tables_are_still_checked(spoil, published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    path = out / "mentions.parquet"
    path.write_bytes(spoil(path.read_bytes()))
    events = publish.read_table(out, "events")
    events.loc[0, "killed"] = -1
    publish.write_table(events, "events", out)
    report = validate.validate_folder(out)
    assert not report.success
    unreadable = [f for f in report.failures if f.table == "mentions"]
    assert [f.expectation for f in unreadable] == [validate.UNREADABLE_CHECK]
    assert str(path) in unreadable[0].message and path.exists()
    assert any(f.table == "events" and f.columns == ["killed"] for f in report.failures)  # checked all the same
    assert "mentions" in report.render() and report.summary_page.is_file()


def test_the_validate_command_reports_a_corrupt_file_and_waits_for_no_build(published, tmp_path, capsys):
    from pipeline.cli import main

    out = tmp_path / "processed"
    shutil.copytree(published, out)
    (out / "articles.parquet").write_bytes(b"not parquet at all")
    assert main(["-q", "validate", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "articles" in printed and "cannot be read as Parquet" in printed and "Traceback" not in printed
    with publish.build_lock(out):
        assert main(["-q", "validate", "--out", str(out)]) == 1
    assert "another build is writing" in capsys.readouterr().err


def test_a_table_read_ahead_is_validated_while_its_file_is_unchanged(published, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(published, out)
    path = out / "events.parquet"
    ahead = validate.read_staged(path)
    # what was read ahead is what gets checked (here made different from the file, to tell them apart) ...
    nulls = ahead[1].set_column(ahead[1].schema.get_field_index("location"), "location", pa.nulls(ahead[1].num_rows, pa.string()))
    report = validate.validate_folder(out, read={str(path): (ahead[0], nulls)})
    assert ("events", NOT_NULL, ("location",)) in failed(report)
    # ... until the file changes: then the file is read again
    path.write_bytes(path.read_bytes())
    os.utime(path, ns=(ahead[0][1] + 10**9, ahead[0][1] + 10**9))
    assert validate.validate_folder(out, read={str(path): (ahead[0], nulls)}).success
