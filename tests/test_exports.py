from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import exports, publish, schema
from pipeline.profile import load_profile

PROFILE = load_profile()

D = dt.date


def _event(**overrides: object) -> dict:
    """One events row with every schema column; overrides replace defaults."""
    row = {
        "event_id": "ev-000000000001",
        "event_date": D(2020, 10, 11),
        "date_start": D(2020, 10, 11),
        "date_end": D(2020, 10, 11),
        "date_precision": "day",
        "time_utc": None,
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
        "location_mention": "Terter",
        "admin1": "Tartar",
        "country_iso3": "AZE",
        "geonameid": 585170,
        "latitude": 40.342,
        "longitude": 46.932,
        "geo_precision": 1,
        "killed": 3,
        "killed_low": 2,
        "killed_high": 4,
        "injured": 5,
        "injured_low": 5,
        "injured_high": 5,
        "killed_women": None,
        "killed_children": None,
        "injured_women": None,
        "injured_children": None,
        "truce_timing": None,
        "ceasefire_id": "2020-10-10-moscow",
        "during_ceasefire": True,
        "hours_since_ceasefire_start": 12.0,
        "source_count": 2,
        "report_ids": ["outlet-a-2020-10-11", "outlet-b-2020-10-12"],
        "outlets": ["Outlet A", "Outlet B"],
        "evidence": "[outlet-a-2020-10-11:0-40] Shells hit the town overnight.",
        "notes": "On 11 October 2020, Military Forces of Armenia shelled Tartar.",
        "rules": ["cue.act.shelling.1"],
    }
    unknown = set(overrides) - set(row)
    assert not unknown, unknown
    row.update(overrides)
    return row


def _events(*rows: dict) -> pd.DataFrame:
    """Rows written through the events schema and read back, as exports receive them."""
    df = pd.DataFrame(list(rows), columns=schema.column_names("events"))
    arrow = publish.to_arrow(df, "events")
    return publish.arrow_to_pandas(arrow).assign(
        **{c: [list(v) for v in arrow.column(c).to_pylist()] for c in ("claimants", "report_ids", "outlets")}
    )


@pytest.fixture
def events() -> pd.DataFrame:
    """Three events given out of date order: an Armenian-side clash, a military target, an unattributed shelling."""
    return _events(
        _event(
            event_id="ev-000000000003",
            event_date=D(2020, 10, 20),
            date_start=D(2020, 10, 20),
            date_end=D(2020, 10, 20),
            event_type="Battles",
            sub_event_type="Armed clash",
            perpetrator="Military Forces of Azerbaijan",
            perpetrator_side="AZE",
            target="military",
            target_actor="Military Forces of Armenia",
            target_side="ARM",
            civilian_targeting=False,
            claimants=["Ministry of Defence of Armenia"],
            claimant_side="ARM",
            claim_status="alleged",
            location="Berd",
            location_mention="Berd",
            admin1="Tavush",
            country_iso3="ARM",
            geonameid=616599,
            latitude=40.881,
            longitude=45.389,
            geo_precision=2,
            killed=1,
            killed_low=1,
            killed_high=1,
            injured=None,
            injured_low=None,
            injured_high=None,
            ceasefire_id="2020-10-18-humanitarian",
            hours_since_ceasefire_start=50.0,
            source_count=1,
            report_ids=["outlet-c-2020-10-20"],
            outlets=["Outlet C"],
        ),
        _event(),
        _event(
            event_id="ev-000000000002",
            date_precision="week",
            event_date=D(2020, 10, 14),
            date_start=D(2020, 10, 12),
            date_end=D(2020, 10, 18),
            perpetrator=None,
            perpetrator_side=None,
            target="unknown",
            target_actor=None,
            target_side=None,
            civilian_targeting=False,
            claimants=[],
            claimant_side=None,
            claim_status="alleged",
            killed=None,
            killed_low=None,
            killed_high=None,
            during_ceasefire=False,
            ceasefire_id=None,
            hours_since_ceasefire_start=None,
            geo_precision=3,
            source_count=1,
            report_ids=["feed-7"],
            outlets=[],
        ),
    )


# --- ACLED ---------------------------------------------------------------------------------


def test_acled_columns_and_order(events: pd.DataFrame) -> None:
    acled = exports.to_acled(events, PROFILE)
    assert list(acled.columns) == exports.ACLED_COLUMNS
    assert acled["event_date"].tolist() == ["2020-10-11", "2020-10-14", "2020-10-20"]
    assert acled["event_id_cnty"].tolist() == ["AZE1", "AZE2", "ARM1"]
    assert acled["year"].tolist() == [2020, 2020, 2020]
    assert set(acled["disorder_type"]) == {"Political violence"}
    assert set(acled["region"]) == {"Caucasus and Central Asia"}
    assert acled["admin2"].tolist() == acled["admin3"].tolist() == ["", "", ""]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("fatalities", [2, 0, 1]),  # the low figure; 0 where none is reported
        ("iso", [31, 31, 51]),
        ("country", ["Azerbaijan", "Azerbaijan", "Armenia"]),
        ("time_precision", [1, 2, 1]),
        ("geo_precision", [1, 3, 2]),
        ("civilian_targeting", ["Civilian targeting", "", ""]),
        (
            "actor1",
            ["Military Forces of Armenia", "Unidentified Armed Group (Azerbaijan)", "Military Forces of Azerbaijan"],
        ),
        ("inter1", [1, 3, 1]),
        ("actor2", ["Civilians (Azerbaijan)", "", "Military Forces of Armenia"]),
        ("inter2", [7, 0, 1]),
        ("interaction", [17, 30, 11]),
        ("source", ["Outlet A; Outlet B", "", "Outlet C"]),
        ("source_scale", ["National", "Other", "National"]),
        ("timestamp", [1602374400, 1602633600, 1603152000]),
    ],
)
def test_acled_conventions(events: pd.DataFrame, column: str, expected: list) -> None:
    assert exports.to_acled(events, PROFILE)[column].tolist() == expected


@pytest.mark.parametrize(
    ("precision", "code"),
    [("day", 1), ("week", 2), ("month", 3), ("year", 3)],
)
def test_acled_time_precision(precision: str, code: int) -> None:
    acled = exports.to_acled(_events(_event(date_precision=precision, date_end=D(2020, 10, 31))), PROFILE)
    assert acled["time_precision"].tolist() == [code]


@pytest.mark.parametrize(
    ("claimant_side", "scale"),
    [
        ("AZE", "National"),
        ("ARM", "National"),
        ("independent", "International"),
        ("multiple", "Other"),
        (None, "Other"),
    ],
)
def test_acled_source_scale(claimant_side: str | None, scale: str) -> None:
    acled = exports.to_acled(_events(_event(claimant_side=claimant_side)), PROFILE)
    assert acled["source_scale"].tolist() == [scale]


def test_acled_tags_keep_event_id_claim_and_ceasefire(events: pd.DataFrame) -> None:
    tags = exports.to_acled(events, PROFILE)["tags"].tolist()
    assert tags[0] == "event_id: ev-000000000001; claim: denied; ceasefire: 2020-10-10-moscow"
    assert tags[1] == "event_id: ev-000000000002; claim: alleged"


# --- UCDP ----------------------------------------------------------------------------------


def test_ucdp_columns_and_figures(events: pd.DataFrame) -> None:
    ucdp = exports.to_ucdp(events, PROFILE)
    assert list(ucdp.columns) == exports.UCDP_COLUMNS
    assert ucdp["id"].tolist() == [1, 2, 3]
    assert ucdp["best"].tolist() == [3, 0, 1]
    assert ucdp["low"].tolist() == [2, 0, 1]
    assert ucdp["high"].tolist() == [4, 0, 1]
    assert set(ucdp["type_of_violence"]) == {1}
    assert ucdp["source_article"].tolist()[0] == "outlet-a-2020-10-11; outlet-b-2020-10-12"
    assert ucdp["source_office"].tolist() == ["Outlet A; Outlet B", "", "Outlet C"]
    assert ucdp["date_start"].tolist() == ["2020-10-11", "2020-10-12", "2020-10-20"]
    assert ucdp["date_end"].tolist() == ["2020-10-11", "2020-10-18", "2020-10-20"]
    assert ucdp["where_prec"].tolist() == [1, 5, 3]
    assert ucdp["country"].tolist() == ["Azerbaijan", "Azerbaijan", "Armenia"]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("deaths_civilians", [3, 0, 0]),
        ("deaths_a", [0, 0, 1]),  # side A is Armenia: its forces were hit in the third event
        ("deaths_b", [0, 0, 0]),
        ("deaths_unknown", [0, 0, 0]),
    ],
)
def test_ucdp_deaths_by_target(events: pd.DataFrame, column: str, expected: list) -> None:
    assert exports.to_ucdp(events, PROFILE)[column].tolist() == expected


def test_ucdp_deaths_add_up_to_best(events: pd.DataFrame) -> None:
    ucdp = exports.to_ucdp(events, PROFILE)
    parts = ucdp[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].sum(axis=1)
    assert parts.tolist() == ucdp["best"].tolist()


@pytest.mark.parametrize(
    ("precision", "start", "end", "code"),
    [
        ("day", D(2020, 10, 11), D(2020, 10, 11), 1),
        ("week", D(2020, 10, 12), D(2020, 10, 16), 2),  # a span of 2-6 days
        ("week", D(2020, 10, 12), D(2020, 10, 18), 3),
        ("month", D(2020, 10, 1), D(2020, 10, 31), 4),
        ("year", D(2020, 1, 1), D(2020, 12, 31), 5),
    ],
)
def test_ucdp_date_prec(precision: str, start: D, end: D, code: int) -> None:
    ucdp = exports.to_ucdp(_events(_event(date_precision=precision, date_start=start, date_end=end, event_date=start)), PROFILE)
    assert ucdp["date_prec"].tolist() == [code]


@pytest.mark.parametrize(
    ("killed", "low", "high", "expected"),
    [(None, 2, 5, (2, 2, 5)), (4, None, None, (4, 4, 4)), (None, None, None, (0, 0, 0))],
)
def test_figures_fill_missing_bounds(killed, low, high, expected) -> None:
    ucdp = exports.to_ucdp(_events(_event(killed=killed, killed_low=low, killed_high=high)), PROFILE)
    assert tuple(ucdp.loc[0, ["best", "low", "high"]]) == expected


# --- GeoParquet ----------------------------------------------------------------------------


def test_geoparquet_metadata(events: pd.DataFrame, tmp_path: Path) -> None:
    path = exports.write_geoparquet(events, tmp_path / "events.geoparquet")
    pf = pq.ParquetFile(path)
    geo = json.loads(pf.schema_arrow.metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["geometry_types"] == ["Point"]
    assert column["bbox"] == [45.389, 40.342, 46.932, 40.881]
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}


def test_geoparquet_points_and_descriptions(events: pd.DataFrame, tmp_path: Path) -> None:
    path = exports.write_geoparquet(events, tmp_path / "events.geoparquet")
    table = pq.read_table(path)
    assert table.column_names == [*schema.column_names("events"), "geometry"]
    for wkb, lon, lat in zip(
        table["geometry"].to_pylist(), table["longitude"].to_pylist(), table["latitude"].to_pylist(), strict=True
    ):
        assert struct.unpack("<BIdd", wkb) == (1, 1, lon, lat)
    assert (
        table.schema.field("killed").metadata[b"description"]
        == next(f.description for f in schema.EVENTS if f.name == "killed").encode()
    )
    assert b"description" in table.schema.field("geometry").metadata
    assert table["event_date"].to_pylist() == [D(2020, 10, 11), D(2020, 10, 14), D(2020, 10, 20)]


def test_geopandas_reads_points_in_epsg_4326(events: pd.DataFrame, tmp_path: Path) -> None:
    geopandas = pytest.importorskip("geopandas")
    path = exports.write_geoparquet(events, tmp_path / "events.geoparquet")
    gdf = geopandas.read_parquet(path)
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf.geometry.geom_type) == {"Point"}
    assert gdf.geometry.x.tolist() == gdf["longitude"].tolist()
    assert gdf.geometry.y.tolist() == gdf["latitude"].tolist()
    assert gdf["killed"].dtype == "Int32"


def test_geoparquet_rejects_missing_coordinates() -> None:
    events = _events(_event()).assign(latitude=[float("nan")])
    with pytest.raises(ValueError, match="latitude"):
        exports.to_geoarrow(events)


def test_empty_events() -> None:
    empty = _events(_event()).iloc[0:0]
    assert list(exports.to_acled(empty, PROFILE).columns) == exports.ACLED_COLUMNS
    assert list(exports.to_ucdp(empty, PROFILE).columns) == exports.UCDP_COLUMNS
    assert "bbox" not in exports.geo_metadata(empty)["columns"]["geometry"]


# --- Determinism and writers ---------------------------------------------------------------


def test_outputs_do_not_depend_on_row_order(events: pd.DataFrame) -> None:
    shuffled = events.iloc[[2, 0, 1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(exports.to_acled(events, PROFILE), exports.to_acled(shuffled, PROFILE))
    pd.testing.assert_frame_equal(exports.to_ucdp(events, PROFILE), exports.to_ucdp(shuffled, PROFILE))


def test_write_exports_is_deterministic(events: pd.DataFrame, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    publish.write_table(events, "events", folder)
    first = {p.name: p.read_bytes() for p in exports.write_exports(folder)}
    assert sorted(first) == sorted(exports.EXPORT_FILES)
    second = {p.name: p.read_bytes() for p in exports.write_exports(folder)}
    assert first == second
    assert not list(folder.glob(".*.tmp"))


def test_main_without_events_fails(tmp_path: Path, capsys) -> None:
    assert exports.main(["--out", str(tmp_path)]) == 1
    assert "events.parquet" in capsys.readouterr().err
