"""Validation gate: the published tables checked against expectation suites derived from the schema.

The suites are JSON files in ``expectations/`` (one per table), generated from
:mod:`pipeline.schema` by :func:`generate_suites` plus the rules below, and
committed; ``python -m pipeline.validate --write-suites`` regenerates them.

A run (:func:`validate_tables`) has two steps:

1. Checks in our own code: every table is present, and every column holds values
   of its pyarrow type (Great Expectations' type expectations misread pandas 3
   dtypes). They are reported like failed expectations
   (``expect_table_to_exist``, ``expect_column_values_to_match_arrow_type``).
2. Great Expectations runs each table's suite on the table as it reads back from
   Parquet, plus derived columns (names starting with ``_``) that carry the
   cross-table facts a single-table suite cannot see: the unknown ids a column
   refers to, the latest publication date (local to the conflict) of an event's
   reports, and coordinates outside their country's bounding box. Expectations on
   a missing or mistyped column are not evaluated; the report lists them.

What a conflict decides (its party codes, its time zone, its countries' bounding
boxes) comes from the conflict profile the tables were built with: the suites
hold ``{"$profile": "party_codes", "extra": [...]}`` where a value set is the
profile's, and the derived columns read the profile.

Great Expectations is imported inside the functions that need it (it costs seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import logging
import os
import pickle
import re
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import config, publish, schema
from pipeline.profile import Profile, load_profile

MAX_SHOWN = 5
DOCS_SITE = "pipeline"
SUMMARY_PAGE = "summary.html"
TOP_VALUES = 5  # values shown per categorical column in the summary page
TYPE_CHECK = "expect_column_values_to_match_arrow_type"
TABLE_CHECK = "expect_table_to_exist"
UNREADABLE_CHECK = "expect_file_to_be_readable_parquet"

# --- Rules beyond the field lists of schema.py -------------------------------------------

# Tables a good build never leaves empty.
NON_EMPTY_TABLES = ("articles", "mentions", "events", "ceasefires")

WORLD_BBOX = (-90.0, 90.0, -180.0, 180.0)

# Rows in failure reports are named by the table's unique field, else by these columns.
ROW_KEYS = {"rejects": ["raw_path", "line"], "daily_violations": ["event_date", "ceasefire_id", "perpetrator_side"], "ceasefire_summary": ["ceasefire_id", "perpetrator_side"]}


def _exp(type_: str, *, notes: str | None = None, **kwargs: object) -> dict:
    out: dict = {"type": type_, "kwargs": kwargs}
    if notes:
        out["notes"] = notes
    return out


def _pair(a: str, b: str, notes: str, *, or_equal: bool = True) -> dict:
    """``a >= b`` (``a > b`` without ``or_equal``) wherever both are given."""
    return _exp(
        "expect_column_pair_values_a_to_be_greater_than_b",
        notes=notes,
        column_A=a,
        column_B=b,
        or_equal=or_equal,
        ignore_row_if="either_value_is_missing",
    )


def _when(column: str, operator: str, parameter: object) -> dict:
    """A row condition (Great Expectations' Condition, as JSON): only rows where ``column operator parameter``."""
    return {"row_condition": {"type": "comparison", "column": {"name": column}, "operator": operator, "parameter": parameter}}


def _between(column: str, low: float, high: float | None = None, *, notes: str, **condition: object) -> dict:
    bounds = {"min_value": low} if high is None else {"min_value": low, "max_value": high}
    return _exp("expect_column_values_to_be_between", notes=notes, column=column, **bounds, **condition)


def _condition_columns(condition: dict) -> list[str]:
    return [condition["column"]["name"]] if "column" in condition else []


def _condition_text(condition: dict) -> str:
    if condition.get("type") == "comparison":
        return f"{condition['column']['name']} {condition['operator']} {condition['parameter']!r}"
    return str(condition)


@dataclass(frozen=True)
class Derived:
    """A column computed before validation from other columns, possibly of other tables."""

    name: str
    inputs: tuple[tuple[str, str], ...]  # (table, column) pairs it is computed from
    compute: Callable[[dict[str, pd.DataFrame], Profile], list]
    expectation: dict
    description: str


def _event_zone_dates(published: pd.Series, profile: Profile) -> list:
    """Local calendar dates, in the conflict's time zone, of UTC publication instants."""
    local = pd.to_datetime(published, utc=True).dt.tz_convert(profile.zone).dt.date  # one conversion for the column
    return [None if publish.is_missing(d) else d for d in local]


def _latest_report_dates(tables: dict[str, pd.DataFrame], profile: Profile) -> list:
    articles = tables["articles"]
    published = dict(zip(articles["report_id"], _event_zone_dates(articles["published"], profile), strict=True))
    return [
        max((published[r] for r in _ids(ids) if published.get(r) is not None), default=None)
        for ids in tables["events"]["report_ids"]
    ]


def _ids(value: object) -> list:
    return [] if value is None or publish.is_missing(value) else list(value)


def _unknown(table: str, column: str, target: str, target_column: str) -> Callable[[dict[str, pd.DataFrame], Profile], list]:
    """For each row, the ids in ``table.column`` (a scalar or a list) missing from ``target.target_column``."""

    def compute(tables: dict[str, pd.DataFrame], profile: Profile) -> list:
        known = set(tables[target][target_column].dropna())
        values = tables[table][column]
        if pa.types.is_list(schema.arrow_schema(table).field(column).type):
            return [", ".join(v for v in _ids(ids) if v not in known) or None for ids in values]
        return [None if publish.is_missing(v) or v in known else v for v in values]

    return compute


def _reference(table: str, column: str, target: str, target_column: str) -> Derived:
    name = f"_unknown_{column}"
    return Derived(
        name,
        ((table, column), (target, target_column)),
        _unknown(table, column, target, target_column),
        _exp("expect_column_values_to_be_null", notes=f"Every {table}.{column} value is a {target}.{target_column}.", column=name),
        f"the values of {column} that are not in {target}.{target_column}, else null",
    )


def _published_bound(table: str, compute: Callable, inputs: tuple, what: str) -> Derived:
    return Derived(
        "_published_local_date",
        inputs,
        compute,
        _pair("_published_local_date", "event_date", f"No event_date after {what} (as a local date of the conflict's time zone)."),
        f"{what}, as a local date of the conflict's time zone",
    )


def _outside_box(table: str) -> Callable[[dict[str, pd.DataFrame], Profile], list]:
    """For each row, its country where its coordinates lie outside the profile's bounding box of that country."""

    def compute(tables: dict[str, pd.DataFrame], profile: Profile) -> list:
        frame = tables[table]
        out = []
        for country, lat, lon in zip(frame["country_iso3"], frame["latitude"], frame["longitude"], strict=True):
            box = profile.bounding_boxes.get(country) if isinstance(country, str) else None
            inside = box is None or publish.is_missing(lat) or publish.is_missing(lon) or (box[0] <= lat <= box[1] and box[2] <= lon <= box[3])
            out.append(None if inside else country)
        return out

    return compute


def _bounding_box(table: str) -> Derived:
    return Derived(
        "_outside_country_box",
        ((table, "country_iso3"), (table, "latitude"), (table, "longitude")),
        _outside_box(table),
        _exp("expect_column_values_to_be_null", notes="Coordinates inside the bounding box of their country (the profile's bounding_boxes).", column="_outside_country_box"),
        "the country whose bounding box the coordinates fall outside, else null",
    )


# At most this share of the mentions coded from the text may become no event (gazetteer gaps, places outside
# the conflict's areas): more points at a broken gazetteer or profile.
MAX_DROPPED_SHARE = 0.25


def _dropped_share(tables: dict[str, pd.DataFrame], profile: Profile) -> list:
    dropped, kept = len(tables["dropped_mentions"]), len(tables["mentions"])
    return [dropped / (dropped + kept)] * dropped if dropped else []


DERIVED: dict[str, list[Derived]] = {
    "events": [
        _published_bound("events", _latest_report_dates, (("events", "report_ids"), ("articles", "report_id"), ("articles", "published")), "the latest publication of its reports"),
        _bounding_box("events"),
        _reference("events", "report_ids", "articles", "report_id"),
        _reference("events", "ceasefire_id", "ceasefires", "ceasefire_id"),
    ],
    "mentions": [
        _published_bound("mentions", lambda t, profile: _event_zone_dates(t["mentions"]["published"], profile), (("mentions", "published"),), "the publication of its report"),
        _bounding_box("mentions"),
        _reference("mentions", "event_id", "events", "event_id"),
        _reference("mentions", "report_id", "articles", "report_id"),
    ],
    "dropped_mentions": [
        _reference("dropped_mentions", "report_id", "articles", "report_id"),
        Derived(
            "_dropped_share",
            (("dropped_mentions", "report_id"), ("mentions", "mention_id")),
            _dropped_share,
            _between("_dropped_share", 0.0, MAX_DROPPED_SHARE, notes=f"At most {MAX_DROPPED_SHARE:.0%} of the mentions are dropped."),
            "the share of all mentions that were dropped",
        ),
    ],
    "ceasefire_summary": [_reference("ceasefire_summary", "ceasefire_id", "ceasefires", "ceasefire_id")],
    "daily_violations": [_reference("daily_violations", "ceasefire_id", "ceasefires", "ceasefire_id")],
}


# --- Suites -------------------------------------------------------------------------------


def _field_expectations(f: schema.Field) -> list[dict]:
    out = []
    if not f.nullable:
        out.append(_exp("expect_column_values_to_not_be_null", column=f.name))
    if f.unique:
        out.append(_exp("expect_column_values_to_be_unique", column=f.name))
    if isinstance(f.allowed, schema.PartyCodes):
        out.append(_exp("expect_column_values_to_be_in_set", column=f.name, value_set={"$profile": "party_codes", "extra": list(f.allowed.extra)}))
    elif f.allowed is not None:
        out.append(_exp("expect_column_values_to_be_in_set", column=f.name, value_set=list(f.allowed)))
    return out


def _cross_column_expectations(columns: set[str]) -> list[dict]:
    """Rules between columns of one table, for every table that has the columns."""
    out = []
    if {"event_date", "date_start", "date_end"} <= columns:
        out.append(_pair("event_date", "date_start", "date_start <= event_date"))
        out.append(_pair("date_end", "event_date", "event_date <= date_end"))
    for what in ("killed", "injured"):
        figures = [what, f"{what}_low", f"{what}_high", f"{what}_women", f"{what}_children"]
        if not set(figures) <= columns:
            continue
        out += [_between(c, 0, notes="A count of people.") for c in figures]
        out.append(_pair(what, f"{what}_low", f"{what}_low <= {what}"))
        out.append(_pair(f"{what}_high", what, f"{what} <= {what}_high"))
        out.append(_pair(f"{what}_high", f"{what}_low", f"{what}_low <= {what}_high"))
        out += [_pair(what, f"{what}_{who}", f"{what}_{who} is not above {what}") for who in ("women", "children")]
    if {"latitude", "longitude"} <= columns:
        lat_min, lat_max, lon_min, lon_max = WORLD_BBOX
        out += [_between("latitude", lat_min, lat_max, notes="Valid WGS84 coordinates."), _between("longitude", lon_min, lon_max, notes="Valid WGS84 coordinates.")]
    if {"during_ceasefire", "ceasefire_id"} <= columns:
        during = _when("during_ceasefire", "==", True)
        out.append(_exp("expect_column_values_to_not_be_null", notes="An event during a ceasefire names it.", column="ceasefire_id", **during))
    if {"civilian_targeting", "target"} <= columns:
        notes = "civilian_targeting == (target == 'civilians')"
        for flag, operator in ((True, "=="), (False, "!=")):
            condition = _when("target", operator, "civilians")
            out.append(_exp("expect_column_values_to_be_in_set", notes=notes, column="civilian_targeting", value_set=[flag], **condition))
    if {"char_start", "char_end"} <= columns:
        out.append(_pair("char_end", "char_start", "char_start < char_end", or_equal=False))
    return out


def generate_suites() -> dict[str, dict]:
    """One suite (as JSON data) per table, derived from :mod:`pipeline.schema` and the rules of this module."""
    suites = {}
    for table, fields in schema.TABLES.items():
        derived = DERIVED.get(table, [])
        columns = [f.name for f in fields] + [d.name for d in derived]
        expectations = [_exp("expect_table_columns_to_match_ordered_list", column_list=columns)]
        if table in NON_EMPTY_TABLES:
            expectations.append(_exp("expect_table_row_count_to_be_between", min_value=1))
        for f in fields:
            expectations += _field_expectations(f)
        expectations += _cross_column_expectations(set(columns))
        expectations += [d.expectation for d in derived]
        suites[table] = {
            "name": table,
            "meta": {
                "generated_by": "python -m pipeline.validate --write-suites (from pipeline/schema.py)",
                "description": schema.TABLE_DESCRIPTIONS[table],
                "derived_columns": {d.name: d.description for d in derived},
            },
            "expectations": expectations,
        }
    return suites


def write_suites(folder: Path = config.EXPECTATIONS_DIR) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table, suite in generate_suites().items():
        (folder / f"{table}.json").write_text(json.dumps(suite, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class SuiteError(RuntimeError):
    """A suite file is missing or holds expectations Great Expectations does not know."""


PRELOAD_THREAD = "import-great-expectations"


def preload() -> None:
    """Import Great Expectations in a background thread (about 2 s of imports), for a build whose extraction
    runs in worker processes while this one waits. :class:`pipeline.engine.LocalPool` waits for the thread
    before it forks a worker again (a fork in the middle of an import would copy a held import lock)."""
    if "great_expectations" in sys.modules or any(t.name == PRELOAD_THREAD for t in threading.enumerate()):
        return
    threading.Thread(target=import_great_expectations, name=PRELOAD_THREAD, daemon=True).start()


def import_great_expectations() -> None:
    """Import what validation uses of Great Expectations, here and now (see :mod:`pipeline.gate`)."""
    _gx()
    import great_expectations.checkpoint  # noqa: F401


def _gx():
    """Great Expectations, imported on first use, without analytics and with its info logging off."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)  # it sets INFO itself
    return gx


def _gx_suite(data: dict, expectations: list[dict]):
    """A Great Expectations suite; fail loudly where it dropped an expectation (it does so for unknown types)."""
    gx = _gx()
    suite = gx.ExpectationSuite(**{**data, "expectations": expectations})
    if len(suite.expectations) != len(expectations):
        dropped = Counter(e["type"] for e in expectations) - Counter(e.expectation_type for e in suite.expectations)
        raise SuiteError(
            f"suite {data['name']}: {len(expectations)} expectations given, {len(suite.expectations)} loaded; "
            f"dropped (unknown to Great Expectations {gx.__version__}?): {sorted(dropped)}"
        )
    return suite


def _with_profile(value: object, profile: Profile) -> object:
    """A suite value with the profile's values put in for ``{"$profile": "party_codes", "extra": [...]}``."""
    if isinstance(value, dict) and "$profile" in value:
        if value["$profile"] != "party_codes":
            raise SuiteError(f"unknown profile value {value['$profile']!r} in a suite")
        return [*profile.party_codes, *value.get("extra", [])]
    if isinstance(value, dict):
        return {k: _with_profile(v, profile) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_profile(v, profile) for v in value]
    return value


def load_suites(profile: Profile, folder: Path = config.EXPECTATIONS_DIR) -> dict[str, dict]:
    """The suites' JSON data with the profile's values in, each checked to load completely into Great Expectations."""
    suites = {}
    for table in schema.TABLES:
        path = folder / f"{table}.json"
        if not path.is_file():
            raise SuiteError(f"no suite for table {table}: {path} (run python -m pipeline.validate --write-suites)")
        data = _with_profile(json.loads(path.read_text(encoding="utf-8")), profile)
        _gx_suite(data, data["expectations"])
        suites[table] = data
    return suites


# --- Report -------------------------------------------------------------------------------


@dataclass
class Failure:
    """One failed expectation (or failed check of our own code, reported the same way)."""

    table: str
    expectation: str
    columns: list[str]
    kwargs: dict
    unexpected: list = field(default_factory=list)  # a few offending values
    rows: list[dict] = field(default_factory=list)  # a few offending rows (key and checked columns)
    unexpected_count: int | None = None
    observed: object = None  # for table-level expectations
    raised_exception: bool = False  # the expectation itself broke: a bug in the suite, not in the data
    message: str = ""

    def render(self) -> str:
        where = f"{self.table}.{', '.join(self.columns)}" if self.columns else self.table
        shown = {k: v for k, v in self.kwargs.items() if k not in ("column", "column_A", "column_B", "row_condition", "column_list")}
        if "value_set" in shown and len(shown["value_set"]) > 10:
            shown["value_set"] = [*shown["value_set"][:10], "..."]
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        line = f"{where}: {self.expectation}({args})"
        if self.kwargs.get("row_condition"):
            line += f" where {_condition_text(self.kwargs['row_condition'])}"
        if self.raised_exception:
            return f"{line}: raised {self.message}"
        if self.unexpected_count is not None:
            line += f": {self.unexpected_count} unexpected"
        if self.rows:
            line += "; rows: " + " | ".join(", ".join(f"{k}={_short(v)}" for k, v in row.items()) for row in self.rows[:MAX_SHOWN])
        elif self.unexpected:
            line += f", e.g. {_short(self.unexpected[:MAX_SHOWN])}"
        if self.observed is not None:
            line += f": observed {_short(self.observed, 300)}"
        if self.message:
            line += f" ({self.message})"
        return line


def _short(value: object, limit: int = 80) -> str:
    text = str(value) if isinstance(value, str | dt.date) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class ValidationReport:
    success: bool
    failures: list[Failure]
    evaluated: int = 0
    not_evaluated: list[str] = field(default_factory=list)  # "table: expectation(column)" skipped for missing/mistyped columns
    seconds: float = 0.0
    docs_index: Path | None = None  # the Great Expectations Data Docs, when rendered
    summary_path: Path | None = None  # the offline report

    def render(self) -> str:
        data = [f for f in self.failures if not f.raised_exception]
        broken = [f for f in self.failures if f.raised_exception]
        head = "validation passed" if self.success else f"validation failed: {len(data)} failed expectation(s), {len(broken)} suite error(s)"
        lines = [f"{head} ({self.evaluated} expectations evaluated on {len(schema.TABLES)} tables in {self.seconds:.1f}s)"]
        lines += [f"  {f.render()}" for f in data]
        if broken:
            lines.append("suite errors (an expectation raised: fix the suite, not the data):")
            lines += [f"  {f.render()}" for f in broken]
        if self.not_evaluated:
            lines.append(f"not evaluated ({len(self.not_evaluated)}: their columns are missing or mistyped): " + "; ".join(self.not_evaluated))
        if self.summary_page is not None:
            docs = "; the Great Expectations Data Docs beside it need a network" if self.docs_index is not None else ""
            lines.append(f"report: {self.summary_page} (reads offline{docs})")
        return "\n".join(lines)

    @property
    def summary_page(self) -> Path | None:
        """The offline report (see :func:`_write_summary`), beside the Data Docs when they were rendered."""
        if self.summary_path is not None:
            return self.summary_path
        return None if self.docs_index is None else Path(self.docs_index).with_name(SUMMARY_PAGE)


# --- Validation ---------------------------------------------------------------------------


def _check_structure(
    tables: dict[str, pd.DataFrame | pa.Table], mistyped: dict[str, set[str]], unreadable: tuple[str, ...] = ()
) -> tuple[dict[str, pd.DataFrame], dict[str, set[str]], list[Failure]]:
    """Tables present, columns of their Arrow types.

    Returns the tables as published (typed columns converted), the unusable columns of each
    (missing or mistyped; ``mistyped`` are known to be so already) and the failures. A table given as
    Arrow (read from a Parquet file whose types were compared with the schema's) needs no conversion.
    """
    frames, unusable, failures = {}, {}, []
    for table in schema.TABLES:
        df = tables.get(table)
        target = schema.arrow_schema(table)
        if df is None:
            if table not in unreadable:
                failures.append(Failure(table, TABLE_CHECK, [], {}, message="table missing"))
            unusable[table] = set(target.names)
            continue
        if isinstance(df, pa.Table):
            if len(set(df.column_names)) == len(df.column_names):
                unusable[table] = {name for name in target.names if name not in df.column_names} | mistyped.get(table, set())
                frames[table] = _arrow_frame(df)
                continue
            df = publish.arrow_to_pandas(df)  # duplicate columns: checked as any table
        if df.columns.duplicated().any():
            failures.append(Failure(table, TABLE_CHECK, [], {}, message=f"duplicate columns {sorted(set(df.columns[df.columns.duplicated()]))}"))
            df = df.loc[:, ~df.columns.duplicated()]
        unusable[table] = {name for name in target.names if name not in df.columns} | mistyped.get(table, set())
        arrays = {}
        for f in target:
            if f.name in df.columns and f.name not in unusable[table]:
                try:
                    arrays[f.name] = publish.column_to_arrow(df[f.name], f.type)
                except publish.ColumnTypeError as exc:
                    failures.append(Failure(table, TYPE_CHECK, [f.name], {"type": str(f.type)}, unexpected=exc.values, message=str(exc)))
                    unusable[table].add(f.name)
        typed = publish.arrow_to_pandas(pa.table(arrays)) if arrays else pd.DataFrame(index=range(len(df)))
        frames[table] = pd.DataFrame({c: typed[c] if c in arrays else df[c].reset_index(drop=True) for c in df.columns}, index=typed.index)
    return frames, unusable, failures


def _arrow_frame(table: pa.Table) -> pd.DataFrame:
    """:func:`publish.arrow_to_pandas` of ``table``, but its list columns as tuples (what Great Expectations is given,
    see :func:`_hashable`) of strings made once per distinct value: as numpy arrays of strings each, the lists of a
    large mentions table take several times the memory of the rest of it."""
    listed = [f.name for f in table.schema if pa.types.is_list(f.type)]
    frame = publish.arrow_to_pandas(table.drop_columns(listed))
    for name in listed:
        frame[name] = pd.Series(_tuples(table.column(name)), index=frame.index, dtype=object)
    return frame[table.column_names]


def _tuples(column: pa.ChunkedArray) -> list[tuple | None]:
    """The lists of an Arrow list column as tuples (None for a null list); equal values are one object."""
    out: list[tuple | None] = []
    for chunk in column.chunks:
        lengths = pc.list_value_length(chunk).fill_null(0).to_numpy()
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        encoded = pc.dictionary_encode(pc.list_flatten(chunk))
        values = [*encoded.dictionary.to_pylist(), None]
        index = encoded.indices.fill_null(len(values) - 1).to_numpy()
        start = 0
        for length, is_valid in zip(lengths.tolist(), valid.tolist(), strict=True):
            out.append(tuple(values[i] for i in index[start : start + length].tolist()) if is_valid else None)
            start += length
    return out


def _add_derived(frames: dict[str, pd.DataFrame], unusable: dict[str, set[str]], profile: Profile) -> None:
    """Append the derived columns; one whose inputs are unusable is null and itself unusable."""
    for table, derived in DERIVED.items():
        if table not in frames:
            continue
        for d in derived:
            usable = all(col not in unusable[t] for t, col in d.inputs)
            frames[table][d.name] = pd.Series(d.compute(frames, profile) if usable else None, index=frames[table].index, dtype=object)
            if not usable:
                unusable[table].add(d.name)


def _columns_of(expectation: dict) -> list[str]:
    """Columns an expectation reads (its column arguments and those named in its row condition)."""
    kwargs = expectation["kwargs"]
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return cols + _condition_columns(kwargs.get("row_condition") or {})


def _row_keys(table: str, unusable: set[str]) -> list[str]:
    keys = ROW_KEYS.get(table) or [f.name for f in schema.TABLES[table] if f.unique][:1]
    return [k for k in keys if k not in unusable]


def _kwargs(expectation_config) -> dict:
    """An expectation's kwargs as in the suite JSON."""
    kwargs = {k: v for k, v in dict(expectation_config.kwargs).items() if k != "batch_id"}
    if hasattr(kwargs.get("row_condition"), "dict"):
        kwargs["row_condition"] = kwargs["row_condition"].dict()
    return kwargs


def _failure_from_result(table: str, result) -> Failure:
    config_ = result.expectation_config
    kwargs = _kwargs(config_)
    exc = result.exception_info or {}
    if exc and "raised_exception" not in exc:  # keyed by metric
        exc = next((e for e in exc.values() if isinstance(e, dict) and e.get("raised_exception")), {})
    columns = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    if exc.get("raised_exception"):
        return Failure(table, config_.type, columns, kwargs, raised_exception=True, message=str(exc.get("exception_message", "")).strip()[:500])
    res = result.result or {}
    unexpected = [_plain(v) for v in res.get("partial_unexpected_list", [])[:MAX_SHOWN]]
    rows = [_row(row, columns) for row in res.get("partial_unexpected_index_list", [])[:MAX_SHOWN]]
    observed = _plain(res.get("observed_value"))
    message = ""
    if "column_list" in kwargs and isinstance(observed, list):
        message, observed = _column_difference(kwargs["column_list"], observed), None
    return Failure(table, config_.type, columns, kwargs, unexpected, rows, res.get("unexpected_count"), observed, message=message)


def _column_difference(expected: list[str], found: list[str]) -> str:
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    if missing or extra:
        return f"missing {missing}, unexpected {extra}"
    i = next(i for i, (a, b) in enumerate(zip(expected, found, strict=True)) if a != b)
    return f"order differs from position {i}: expected {expected[i]!r}, found {found[i]!r}"


def _row(row: object, columns: list[str]) -> dict:
    """An offending row as GX reports it: its key columns first, then the checked ones."""
    if not isinstance(row, dict):
        return {"row": _plain(row)}
    return {k: _plain(row[k]) for k in sorted(row, key=lambda k: k in columns)}


def _plain(value: object) -> object:
    """Numpy scalars inside values as plain Python values, for messages."""
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.item() if isinstance(value, np.generic) else value


def _hashable(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with the values of its list columns as tuples: Great Expectations fingerprints a batch with pandas'
    row hashes, which lists and arrays defeat (it then pickles the whole frame instead, seconds on a large table)."""
    listed = [f.name for f in schema.arrow_schema(table) if pa.types.is_list(f.type) and f.name in frame.columns]
    if not listed:
        return frame
    return frame.assign(**{c: [tuple(v) if isinstance(v, list | np.ndarray) else v for v in frame[c]] for c in listed})


def _run_gx(frames: dict[str, pd.DataFrame], runs: dict[str, tuple[dict, list[dict], list[str]]], docs_dir: Path | None) -> list[Failure]:
    """Run each table's suite in one ephemeral context, with Data Docs if ``docs_dir`` is given.

    Without Data Docs, a first pass only says which expectations fail (half the time of a
    full one), and only those are run again for their offending values and rows; a large table
    is given in parts (:func:`_parts`). With Data Docs every table is run whole, as its pages show it.
    """
    gx = _gx()
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir.resolve())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions = [UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])]
    source = context.data_sources.add_pandas("tables")

    def failed_results(name: str, batch, frame: pd.DataFrame, data: dict, expectations: list[dict], result_format: dict, with_docs: bool) -> list:
        if not with_docs:
            # No result pages to render: validate the batch directly, without the stores a checkpoint saves
            # the suite, the definition and the checkpoint into (they cost more than the checks on small tables).
            outcome = batch.get_batch(batch_parameters={"dataframe": frame}).validate(_gx_suite({**data, "name": name}, expectations), result_format=result_format)
            return [r for r in outcome.results if not r.success]
        suite = context.suites.add(_gx_suite({**data, "name": name}, expectations))
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        checkpoint = gx.Checkpoint(name=name, validation_definitions=[definition], actions=actions if with_docs else [], result_format=result_format)
        outcome = context.checkpoints.add(checkpoint).run(batch_parameters={"dataframe": frame})
        return [r for suite_result in outcome.run_results.values() for r in suite_result.results if not r.success]

    failures = []
    for table, (data, expectations, keys) in runs.items():
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        frame = _hashable(frames[table], table)
        detailed = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_SHOWN}
        if keys:
            detailed["unexpected_index_column_names"] = keys
        if docs_dir is not None:
            failures += [_failure_from_result(table, r) for r in failed_results(table, batch, frame, data, expectations, detailed, with_docs=True)]
            continue
        found = []
        for part, checks in _parts(frame, expectations, keys):
            failed = failed_results(table, batch, part, data, checks, {"result_format": "BOOLEAN_ONLY"}, with_docs=False)
            if failed:
                again = [{"type": r.expectation_config.type, "kwargs": _kwargs(r.expectation_config)} for r in failed]
                found += [_failure_from_result(table, r) for r in failed_results(f"{table}.failed", batch, part, data, again, detailed, with_docs=False)]
        failures += _combined(found)
    return failures


# Expectations whose outcome on a row depends on that row alone: on a large table they run on batches of rows.
ROW_WISE = frozenset({
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null", "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between", "expect_column_pair_values_a_to_be_greater_than_b",
})
BATCH_ROWS = 25_000


def _parts(frame: pd.DataFrame, expectations: list[dict], keys: list[str]) -> Iterator[tuple[pd.DataFrame, list[dict]]]:
    """(frame, expectations) to run: the whole table for a small one; for a large one the row-wise expectations on
    batches of ``BATCH_ROWS`` rows, the others on the columns they read (Great Expectations' work on a table of long
    texts takes several times the table's memory, so it is given a batch at a time)."""
    if len(frame) <= BATCH_ROWS:
        yield frame, expectations
        return
    per_row = [e for e in expectations if e["type"] in ROW_WISE]
    layout = [e for e in expectations if e["type"] == "expect_table_columns_to_match_ordered_list"]
    whole = [e for e in expectations if e["type"] not in ROW_WISE and e not in layout]
    if layout:
        yield frame.iloc[:0], layout
    if whole:
        columns = list(dict.fromkeys([*keys, *(c for e in whole for c in _columns_of(e))])) or list(frame.columns[:1])
        yield frame[columns], whole
    if per_row:
        for start in range(0, len(frame), BATCH_ROWS):
            yield frame.iloc[start : start + BATCH_ROWS], per_row


def _combined(failures: list[Failure]) -> list[Failure]:
    """One failure per expectation: the failures of its batches, with their counts added and their examples joined."""
    merged: dict[tuple[str, str], Failure] = {}
    for failure in failures:
        key = (failure.expectation, json.dumps(failure.kwargs, sort_keys=True, default=str))
        first = merged.setdefault(key, failure)
        if first is failure:
            continue
        if failure.unexpected_count is not None:
            first.unexpected_count = (first.unexpected_count or 0) + failure.unexpected_count
        first.unexpected = (first.unexpected + failure.unexpected)[:MAX_SHOWN]
        first.rows = (first.rows + failure.rows)[:MAX_SHOWN]
        first.raised_exception = first.raised_exception or failure.raised_exception
        first.message = first.message or failure.message
    return list(merged.values())


def validate_tables(
    tables: dict[str, pd.DataFrame], *, profile: Profile | None = None, docs_dir: Path | None = None, suites_dir: Path = config.EXPECTATIONS_DIR
) -> ValidationReport:
    """Run the checks of our own code, then every table's suite; build Data Docs and the offline report into ``docs_dir`` if given."""
    return _validate(tables, profile=profile or load_profile(), docs_dir=docs_dir, suites_dir=suites_dir)


def _validate(
    tables: dict[str, pd.DataFrame | pa.Table],
    *,
    profile: Profile,
    docs_dir: Path | None,
    suites_dir: Path,
    failures: list[Failure] | None = None,
    mistyped: dict[str, set[str]] | None = None,
    summary_dir: Path | None = None,
    unreadable: list[str] | tuple[str, ...] = (),
) -> ValidationReport:
    """``docs_dir``: where the Data Docs and the offline report go; ``summary_dir``: where only the offline report goes."""
    started = time.perf_counter()
    suites = load_suites(profile, suites_dir)
    frames, unusable, found = _check_structure(tables, mistyped or {}, tuple(unreadable))
    failures = (failures or []) + found
    _add_derived(frames, unusable, profile)
    runs, skipped, evaluated = {}, [], 0
    for table, frame in frames.items():
        data = suites[table]
        keep = []
        for e in data["expectations"]:
            missing = [c for c in _columns_of(e) if c in unusable[table]]
            if missing:
                skipped.append(f"{table}: {e['type']}({', '.join(dict.fromkeys(missing))})")
            else:
                keep.append(e)
        runs[table] = (data, keep, _row_keys(table, unusable[table]) if len(frame) else [])
        evaluated += len(keep)
    for folder in (docs_dir, summary_dir):
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
    report_dir = docs_dir if docs_dir is not None else summary_dir
    shown = {t: f[[c for c in f.columns if not c.startswith("_")]] for t, f in frames.items()} if report_dir is not None else {}
    profiles = None
    if docs_dir is None and len(runs) > 1 and sum(map(len, frames.values())) >= SPLIT_ROWS:
        # Two processes: this one checks the largest table, a forked one the others and profiles the columns.
        largest = max(runs, key=lambda t: len(frames[t]) * len(runs[t][1]))
        others = {t: run for t, run in runs.items() if t != largest}
        pending = _elsewhere(lambda: (_run_gx(frames, others, None), {t: _column_profiles(t, f) for t, f in shown.items()}))
        found = _run_gx(frames, {largest: runs[largest]}, None)
        found_elsewhere, profiles = pending()
        failures += [f for t in runs for f in (*found, *found_elsewhere) if f.table == t]
    else:
        failures += _run_gx(frames, runs, docs_dir)
    report = ValidationReport(not failures, failures, evaluated, skipped, time.perf_counter() - started)
    if docs_dir is not None:
        report.docs_index = docs_dir / "index.html"
    if report_dir is not None:
        report.summary_path = report_dir / SUMMARY_PAGE
        _write_summary(report_dir, report, shown, profiles)
        _mark_data_docs(report_dir)
    return report


SPLIT_ROWS = 10_000  # tables of this many rows in all are checked in two processes (where one can be forked)


def _elsewhere(work: Callable[[], object]) -> Callable[[], object]:
    """Start ``work`` in a forked process; returns the function that waits for its result. Where no process can be
    forked, where other threads run (a fork would copy the locks they hold), or when the forked process fails, ``work``
    runs in this process when its result is asked for. (``os.fork``, not multiprocessing: the validation gate's own
    process is a daemon, which multiprocessing does not let have children.)"""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return work
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked process: send the result, and leave without running this process's exit handlers
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, work()))
            except BaseException:  # noqa: BLE001 - the parent does the work again and reports what it raises
                payload = pickle.dumps((False, None))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)

    def result() -> object:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        try:
            done, value = pickle.loads(payload) if payload else (False, None)
        except Exception:
            done, value = False, None
        return value if done else work()

    return result


# --- The offline report --------------------------------------------------------------------

CDN_NOTE = (
    "The Great Expectations Data Docs (index.html and the result and suite pages it links to) load their "
    "styles and scripts from CDNs (unpkg, jsDelivr, cdnjs, jQuery's): without a network they show unstyled "
    f"and their index table stays empty. {SUMMARY_PAGE} beside them needs nothing."
)

SUMMARY_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #222; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.passed { color: #1a7f37; font-weight: bold; }
.failed { color: #c62828; font-weight: bold; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5em 1em; }
code { font-size: 0.9em; }
td.values { font-size: 0.9em; }
""".strip()


def _short_value(value: object, limit: int = 40) -> str:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _share(count: int, total: int) -> str:
    return f"{count} ({100 * count / total:.1f}%)" if total and count else str(count)


def _top(counts: Counter | pd.Series, total: int) -> str:
    items = counts.most_common(TOP_VALUES) if isinstance(counts, Counter) else list(counts.head(TOP_VALUES).items())
    shown = ", ".join(f"{_short_value(v)!s}: {_share(int(n), total)}" for v, n in items)
    rest = len(counts) - len(items)
    return shown + (f", … {rest} more" if rest > 0 else "")


def column_profile(values: pd.Series, type_: pa.DataType | None) -> dict:
    """Null count, distinct count and a one-line distribution of one column.

    Categorical columns (strings, booleans) give their most common values with counts, numbers,
    dates and instants their minimum and maximum, list columns their lengths and most common
    items. Text that is (almost) all distinct gives its lengths instead.
    """
    present = values[values.notna()].tolist()  # a list is never missing (notna tells it from a null of its own)
    out = {"nulls": len(values) - len(present), "distinct": None, "values": ""}
    if not present:
        return {**out, "values": "all null" if len(values) else ""}
    if type_ is not None and pa.types.is_list(type_):
        lists = [list(v) for v in present]
        items = Counter(x for v in lists for x in v)
        lengths = [len(v) for v in lists]
        out["distinct"] = len(items)
        out["values"] = f"{min(lengths)}–{max(lengths)} items a row; " + (_top(items, len(present)) if items else "no items")
        return out
    try:
        distinct = pd.Series(present, dtype=object).nunique()
    except TypeError:  # unhashable values in a mistyped column
        return {**out, "values": f"{len(present)} values of type {type(present[0]).__name__}"}
    out["distinct"] = distinct
    numeric = type_ is not None and (pa.types.is_integer(type_) or pa.types.is_floating(type_))
    ordered = type_ is not None and (pa.types.is_date(type_) or pa.types.is_timestamp(type_))
    if numeric or ordered:
        try:
            low, high = min(present), max(present)
        except TypeError:
            return {**out, "values": "values of mixed types"}
        out["values"] = f"min {_short_value(low)}, max {_short_value(high)}"
        if numeric and distinct <= TOP_VALUES:
            out["values"] += "; " + _top(Counter(present), len(present))
        return out
    if distinct == len(present) and distinct > TOP_VALUES:
        lengths = [len(str(v)) for v in present]
        out["values"] = f"all distinct; {min(lengths)}–{max(lengths)} characters, e.g. {_short_value(present[0])}"
        return out
    out["values"] = _top(Counter(present), len(present))
    return out


def _column_profiles(table: str, frame: pd.DataFrame) -> list[dict]:
    """:func:`column_profile` of each column of a table as validated."""
    target = schema.arrow_schema(table)
    return [column_profile(frame[c], target.field(c).type if c in target.names else None) for c in frame.columns]


def _table_section(table: str, frame: pd.DataFrame | None, failed: list[Failure], links: str, profiles: list[dict] | None = None) -> str:
    status = '<span class="passed">passed</span>' if not failed else f'<span class="failed">{len(failed)} failed</span>'
    head = f'<h2 id="{table}">{table}</h2><p>{html.escape(schema.TABLE_DESCRIPTIONS[table])} {status}. {links}</p>'
    details = "".join(f"<li><code>{html.escape(f.render())}</code></li>" for f in failed)
    if details:
        head += f"<ul>{details}</ul>"
    if frame is None:
        return head + "<p>No file: the table is missing.</p>"
    target = schema.arrow_schema(table)
    rows = [
        "<tr><th>column</th><th>type</th><th>nulls</th><th>distinct</th><th>values</th></tr>",
    ]
    for column, stats in zip(frame.columns, profiles if profiles is not None else _column_profiles(table, frame), strict=True):
        type_ = target.field(column).type if column in target.names else None
        distinct = "" if stats["distinct"] is None else str(stats["distinct"])
        rows.append(
            f"<tr><td><code>{html.escape(str(column))}</code></td><td>{html.escape(str(type_) if type_ else 'not in the schema')}</td>"
            f'<td class="n">{_share(stats["nulls"], len(frame))}</td><td class="n">{distinct}</td>'
            f'<td class="values">{html.escape(stats["values"])}</td></tr>'
        )
    return head + f"<p>{len(frame)} rows, {len(frame.columns)} columns.</p><table>{''.join(rows)}</table>"


def _write_summary(docs_dir: Path, report: ValidationReport, frames: dict[str, pd.DataFrame], profiles: dict[str, list[dict]] | None = None) -> None:
    """``summary.html``: the outcome, and per table its row count, null rates and value distributions (``profiles``: those
    of each table's columns, when profiled already).

    One self-contained page (inline CSS, no script, nothing fetched), unlike the Data Docs beside it.
    """
    overview = ["<tr><th>table</th><th>rows</th><th>columns</th><th>outcome</th><th>Data Docs (need a network)</th></tr>"]
    sections = []
    for table in schema.TABLES:
        frame = frames.get(table)
        failed = [f for f in report.failures if f.table == table]
        pages = sorted((docs_dir / "validations" / table).rglob("*.html"))
        docs = []
        if pages:
            docs.append(f'<a href="{html.escape(pages[-1].relative_to(docs_dir).as_posix())}">validation result</a>')
        if (docs_dir / "expectations" / f"{table}.html").exists():
            docs.append(f'<a href="expectations/{table}.html">suite</a>')
        outcome = '<span class="passed">passed</span>' if not failed else f'<span class="failed">{len(failed)} failed</span>'
        size = ("", "") if frame is None else (str(len(frame)), str(len(frame.columns)))
        overview.append(
            f'<tr><td><a href="#{table}">{table}</a></td><td class="n">{size[0] or "missing"}</td><td class="n">{size[1]}</td>'
            f"<td>{outcome}</td><td>{' · '.join(docs)}</td></tr>"
        )
        links = ("Data Docs: " + " · ".join(docs) + ".") if docs else ""
        sections.append(_table_section(table, frame, failed, links, (profiles or {}).get(table)))
    lines = report.render().splitlines()
    extra = "".join(f"<li>{html.escape(line.strip())}</li>" for line in lines[1:] if not line.startswith("report: "))
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Validation report</title>'
        f"<style>{SUMMARY_CSS}</style></head><body>\n<h1>Validation report</h1>\n"
        f'<p class="{"passed" if report.success else "failed"}">{html.escape(lines[0])}</p>'
        + (f"<ul>{extra}</ul>" if extra else "")
        + "<p>Row counts, nulls, distinct values and value distributions of the tables as validated (derived columns "
        "left out). Shares of values are of the non-null values; a list column's, of its rows.</p>"
        + f'<p class="note">{html.escape(CDN_NOTE)} <a href="index.html">Data Docs index</a>.</p>'
        + f"<table>{''.join(overview)}</table>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
    docs_dir.mkdir(parents=True, exist_ok=True)
    (docs_dir / SUMMARY_PAGE).write_text(page, encoding="utf-8")


def _mark_data_docs(docs_dir: Path) -> None:
    """Say at the top of the Data Docs index that it needs a network, and point to the offline page."""
    index = docs_dir / "index.html"
    if not index.is_file():
        return
    text = index.read_text(encoding="utf-8")
    banner = (
        '<div style="background:#fff8e1;border-left:4px solid #f0b400;padding:0.5em 1em;margin:0.5em;font-family:sans-serif">'
        f'{html.escape(CDN_NOTE)} Offline, open <a href="{SUMMARY_PAGE}">{SUMMARY_PAGE}</a>.</div>'
    )
    marked, n = re.subn(r"<body[^>]*>", lambda m: m.group(0) + banner, text, count=1)
    if n:
        index.write_text(marked, encoding="utf-8")


def profile_of_folder(out_dir: Path) -> Profile:
    """The profile a published folder was built with (its build info names the conflict), else the default one."""
    for table in schema.TABLES:
        path = out_dir / f"{table}.parquet"
        if path.is_file():
            try:
                info = publish.read_build_info(out_dir, table) or {}
            except (OSError, ValueError, pa.ArrowException):
                continue
            if info.get("conflict"):
                return load_profile(info["conflict"])
    return load_profile()


def read_staged(path: Path) -> tuple[tuple[int, int], pa.Table]:
    """A table file read ahead of its validation, with the size and modification time it had (see ``validate_folder``'s ``read``)."""
    before = path.stat()
    return (before.st_size, before.st_mtime_ns), pq.read_table(path)


def _read_table(path: Path, read: dict[str, tuple]) -> pa.Table:
    """The table of ``path``: as read ahead where its file has not changed since, else read now."""
    ahead = read.get(str(path))
    if ahead is not None:
        now = path.stat()
        if ahead[0] == (now.st_size, now.st_mtime_ns):
            return ahead[1]
    return pq.read_table(path)


def validate_folder(
    out_dir: Path, *, profile: Profile | None = None, docs: bool = False, summary: bool = True, suites_dir: Path = config.EXPECTATIONS_DIR,
    read: dict[str, tuple] | None = None,
) -> ValidationReport:
    """Validate the Parquet files in ``out_dir``; the report goes to ``out_dir / "validation"``.

    ``summary``: write the offline report ``summary.html`` there; ``docs``: render the Great
    Expectations Data Docs beside it too (``index.html``; several seconds more). Each file's Arrow
    schema must equal the table's (names, order, types); a field that differs is reported as a type
    failure and its column is not checked further. A file that cannot be read (truncated, corrupt,
    not Parquet) is a failure of its table; the other tables are still checked. ``read``: tables read ahead
    (:func:`read_staged`, by path), used where their file has not changed since.
    """
    if not out_dir.is_dir():
        raise FileNotFoundError(f"no folder to validate at {out_dir}")
    profile = profile or profile_of_folder(out_dir)
    tables: dict[str, pa.Table | None] = {}
    failures, mistyped = [], {}
    for table in schema.TABLES:
        path = out_dir / f"{table}.parquet"
        if not path.is_file():
            continue
        try:
            tables[table] = _read_table(path, read or {})
            file_schema = tables[table].schema
        except (OSError, ValueError, pa.ArrowException) as exc:
            reason = " ".join(str(exc).split())[:200]
            failures.append(Failure(table, UNREADABLE_CHECK, [], {}, message=f"{path} cannot be read as Parquet: {reason}"))
            tables[table] = None  # reported here; not "missing" again
            continue
        expected = schema.arrow_schema(table)
        for f in file_schema:
            if f.name in expected.names and not f.type.equals(expected.field(f.name).type):
                failures.append(Failure(table, TYPE_CHECK, [f.name], {"type": str(expected.field(f.name).type)}, message=f"the file has {f.type}"))
                mistyped.setdefault(table, set()).add(f.name)
    unreadable = [t for t, df in tables.items() if df is None]
    tables = {t: df for t, df in tables.items() if df is not None}
    report_dir = out_dir / "validation"
    report = _validate(
        tables, profile=profile, docs_dir=report_dir if docs else None, summary_dir=report_dir if summary and not docs else None,
        suites_dir=suites_dir, failures=failures, mistyped=mistyped, unreadable=unreadable,
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.validate", description="Expectation suites: regenerate them, or validate a folder.")
    parser.add_argument("--write-suites", action="store_true", help=f"regenerate {config.EXPECTATIONS_DIR} from pipeline/schema.py")
    parser.add_argument("--out", help="validate the Parquet files in this folder")
    args = parser.parse_args(argv)
    if args.write_suites:
        write_suites()
        print(f"wrote {len(schema.TABLES)} suites to {config.EXPECTATIONS_DIR}")
    if args.out:
        report = validate_folder(Path(args.out))
        print(report.render())
        return 0 if report.success else 1
    if not args.write_suites:
        parser.print_usage(sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
