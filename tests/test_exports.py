from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import struct
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import config, exports, publish, schema
from pipeline.build import build
from pipeline.profile import load_profile, parse_profile

PROFILE = load_profile("karabakh-2020")

D = dt.date

# ACLED's columns in the order of its codebook ("Data columns at a glance") and API.
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,"
    "actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)
# GED's 49 columns in the order of GEDEvent_v25_1.csv.
UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,"
    "low,gwnoa,gwnob"
)


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
        "evidence": "[outlet-a-2020-10-11:0-40] Shells hit the town of Terter overnight.",
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
        **{c: [list(v) for v in arrow.column(c).to_pylist()] for c in ("claimants", "report_ids", "outlets", "rules")}
    )


REPORTS = pd.DataFrame(
    {
        "report_id": ["outlet-a-2020-10-11", "outlet-b-2020-10-12", "outlet-c-2020-10-20", "feed-7"],
        "published": pd.to_datetime(
            ["2020-10-11T08:00:00Z", "2020-10-12T21:30:00Z", "2020-10-20T10:00:00Z", "2020-10-19T06:00:00Z"], utc=True
        ),
        "published_utc_offset_minutes": [240, 240, 0, 0],
        "title": ["Shells hit Terter", "Terter toll rises", "Clash near Berd", None],
        "outlet": ["Outlet A", "Outlet B", "Outlet C", None],
    }
)


def acled(events: pd.DataFrame, profile=PROFILE, **kwargs) -> pd.DataFrame:
    return exports.to_acled(events, profile, REPORTS, **kwargs)


def ucdp(events: pd.DataFrame, profile=PROFILE, **kwargs) -> pd.DataFrame:
    return exports.to_ucdp(events, profile, REPORTS, **kwargs)


@pytest.fixture
def events() -> pd.DataFrame:
    """Three events given out of date order: a shelling of civilians, an unattributed shelling, a clash in Armenia."""
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
            evidence="[outlet-c-2020-10-20:0-50] Azerbaijani troops attacked positions near Berd.",
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
            location="Nagorno-Karabakh",
            location_mention="Nagorno-Karabakh",
            admin1=None,
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


@pytest.fixture
def profile_with_outlets(tmp_path: Path):
    """The karabakh-2020 profile copied, with an outlet table for the test outlets."""
    folder = tmp_path / "karabakh-2020"
    shutil.copytree(PROFILE.folder, folder)
    (folder / "outlets.csv").write_text(
        "outlet,scale,source\nOutlet A,National,test\nOutlet B,International,test\nOutlet C,Subnational,test\n",
        encoding="utf-8",
    )
    return load_profile(folder)


# --- ACLED ---------------------------------------------------------------------------------


def test_acled_has_acleds_columns_in_acleds_order(events: pd.DataFrame) -> None:
    assert ACLED_HEADER.split(",") == exports.ACLED_COLUMNS
    frame = acled(events)
    assert list(frame.columns) == exports.ACLED_COLUMNS
    assert frame["event_date"].tolist() == ["2020-10-11", "2020-10-14", "2020-10-20"]
    assert frame["year"].tolist() == [2020, 2020, 2020]
    assert set(frame["disorder_type"]) == {"Political violence"}
    assert set(frame["region"]) == {"Caucasus and Central Asia"}
    assert frame["admin2"].tolist() == frame["admin3"].tolist() == [None, None, None]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("fatalities", [2, 0, 1]),  # the low figure; 0 where none is reported
        ("iso", [31, 31, 51]),
        ("country", ["Azerbaijan", "Azerbaijan", "Armenia"]),
        ("time_precision", [1, 2, 1]),
        ("geo_precision", [1, 3, 2]),
        ("civilian_targeting", ["Civilian targeting", None, None]),
        # The profile's ACLED names, with the government's start year.
        ("actor1", ["Military Forces of Armenia (2018-)", "Unidentified Armed Group (Azerbaijan)", "Military Forces of Azerbaijan (2003-)"]),
        # A state's forces outside their country are external forces (ACLED codebook, actor type 8).
        ("inter1", ["External/Other forces", "Political militia", "External/Other forces"]),
        ("actor2", ["Civilians (Azerbaijan)", None, "Military Forces of Armenia (2018-)"]),
        ("inter2", ["Civilians", None, "State forces"]),
        ("interaction", ["External/Other forces-Civilians", "Political militia only", "State forces-External/Other forces"]),
        ("source", ["Outlet A; Outlet B", None, "Outlet C"]),
        ("latitude", [40.342, 40.342, 40.881]),
        ("longitude", [46.932, 46.932, 45.389]),
    ],
)
def test_acled_conventions(events: pd.DataFrame, column: str, expected: list) -> None:
    assert acled(events)[column].tolist() == expected


def test_acled_numeric_actor_codes_on_request(events: pd.DataFrame) -> None:
    frame = acled(events, inter_codes=True)
    assert frame["inter1"].tolist() == [8, 3, 8]
    assert frame["inter2"].tolist() == [7, 0, 1]
    assert frame["interaction"].tolist() == [78, 30, 18]
    assert str(frame["inter1"].dtype) == "Int64"


@pytest.mark.parametrize(("precision", "code"), [("day", 1), ("week", 2), ("month", 3), ("year", 3)])
def test_acled_time_precision(precision: str, code: int) -> None:
    frame = acled(_events(_event(date_precision=precision, date_end=D(2020, 10, 31))))
    assert frame["time_precision"].tolist() == [code]


def test_acled_ids_never_collide_with_acleds_and_never_change(events: pd.DataFrame) -> None:
    ids = acled(events)["event_id_cnty"].tolist()
    assert ids == ["AZE-ev-000000000001", "AZE-ev-000000000002", "ARM-ev-000000000003"]
    assert not any(re.fullmatch(r"[A-Z]{3}\d+", i) for i in ids)  # ACLED's form: AZE1234
    earlier = _events(_event(event_id="ev-0000000000aa", event_date=D(2020, 10, 1), date_start=D(2020, 10, 1), date_end=D(2020, 10, 1)))
    grown = acled(pd.concat([earlier, events], ignore_index=True))
    assert grown["event_id_cnty"].tolist()[1:] == ids  # an earlier event renumbers nothing


def test_acled_timestamp_is_the_latest_publication_of_the_events_reports(events: pd.DataFrame) -> None:
    frame = acled(events)
    assert frame["timestamp"].tolist() == [
        int(pd.Timestamp("2020-10-12T21:30:00Z").timestamp()),  # the later of its two reports
        int(pd.Timestamp("2020-10-19T06:00:00Z").timestamp()),
        int(pd.Timestamp("2020-10-20T10:00:00Z").timestamp()),
    ]


def test_acled_source_scale_comes_from_the_outlets_not_the_claimant(events: pd.DataFrame, profile_with_outlets) -> None:
    frame = acled(events, profile_with_outlets)
    # ACLED's order for two scales: "National-International"; no outlet: Other.
    assert frame["source_scale"].tolist() == ["National-International", "Other", "Subnational"]
    same_outlet_other_claimant = _events(_event(outlets=["Outlet C"], claimant_side="independent"), _event(event_id="ev-000000000009", outlets=["Outlet C"], claimant_side="AZE"))
    assert set(acled(same_outlet_other_claimant, profile_with_outlets)["source_scale"]) == {"Subnational"}


def test_acled_outlets_missing_from_the_table_count_as_other_with_a_warning(profile_with_outlets, caplog) -> None:
    frame = acled(_events(_event(outlets=["Outlet A", "Unlisted Daily"])), profile_with_outlets)
    assert frame["source_scale"].tolist() == ["Other-National"]
    assert "Unlisted Daily" in caplog.text


def test_a_bad_outlet_scale_is_a_clear_error(profile_with_outlets) -> None:
    (profile_with_outlets.folder / "outlets.csv").write_text("outlet,scale,source\nOutlet A,Planetary,test\n", encoding="utf-8")
    with pytest.raises(exports.ProfileError, match="outlets.csv:2: scale 'Planetary'"):
        acled(_events(_event()), profile_with_outlets)


def test_acled_tags_keep_event_id_claim_and_ceasefire(events: pd.DataFrame) -> None:
    tags = acled(events)["tags"].tolist()
    assert tags[0] == "event_id=ev-000000000001; claim=denied; ceasefire=2020-10-10-moscow"
    assert tags[1] == "event_id=ev-000000000002; claim=alleged"


# Invented rows in the layout of ACLED's current API CSV (text actor types).
ACLED_ROWS = ACLED_HEADER + "\n" + "\n".join(
    [
        'AZE1042,2020-10-11,2020,1,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,'
        'Military Forces of Armenia (2018-),,External/Other forces,Civilians (Azerbaijan),,Civilians,'
        'External/Other forces-Civilians,Civilian targeting,31,Caucasus and Central Asia,Azerbaijan,Ganja,Ganja,,Ganja,'
        '40.6828,46.3606,1,Invented Wire; Invented Daily,National-International,"Invented note.",9,,1603123456',
        'ARM388,2020-10-14,2020,1,Political violence,Battles,Armed clash,Military Forces of Azerbaijan (2003-),,'
        'External/Other forces,Military Forces of Armenia (2018-),,State forces,State forces-External/Other forces,,51,'
        'Caucasus and Central Asia,Armenia,Syunik,Goris,Goris,Goris,39.5111,46.3381,2,Invented Wire,International,'
        '"Another invented note.",0,,1603500000',
    ]
)


def _read_stacked(ours: bytes, theirs: str, dtype=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    mine = pd.read_csv(io.BytesIO(ours), dtype=dtype)
    other = pd.read_csv(io.StringIO(theirs), dtype=dtype)
    return mine, other, pd.concat([other, mine], ignore_index=True)


def test_acled_export_stacks_with_an_acled_download(events: pd.DataFrame) -> None:
    ours = exports.csv_bytes(acled(events))
    mine, theirs, stacked = _read_stacked(ours, ACLED_ROWS)
    assert list(mine.columns) == list(theirs.columns)
    for column in ("year", "time_precision", "iso", "geo_precision", "fatalities", "timestamp", "latitude", "longitude"):
        assert mine[column].dtype == theirs[column].dtype == stacked[column].dtype, column
    for column in ("inter1", "inter2", "interaction", "event_id_cnty", "event_date"):
        assert pd.api.types.is_string_dtype(stacked[column]), column
    assert stacked["event_id_cnty"].is_unique
    # Read with the export's dtypes, every column keeps ACLED's type, empty ones included.
    _mine, theirs, stacked = _read_stacked(ours, ACLED_ROWS, exports.acled_dtypes())
    assert stacked.dtypes.to_dict() == theirs.dtypes.to_dict()
    assert stacked["interaction"].tolist()[-3:] == ["External/Other forces-Civilians", "Political militia only", "State forces-External/Other forces"]


def test_acled_numeric_export_stacks_with_a_numeric_acled_download(events: pd.DataFrame) -> None:
    numeric = ACLED_ROWS.replace("External/Other forces-Civilians", "78").replace("State forces-External/Other forces", "18")
    numeric = numeric.replace(",External/Other forces,", ",8,").replace(",Civilians,", ",7,").replace(",State forces,", ",1,")
    _mine, theirs, stacked = _read_stacked(exports.csv_bytes(acled(events, inter_codes=True)), numeric, exports.acled_dtypes(inter_codes=True))
    assert stacked.dtypes.to_dict() == theirs.dtypes.to_dict()
    assert stacked["inter1"].tolist() == [8, 8, 8, 3, 8]


# --- UCDP GED ------------------------------------------------------------------------------


def test_ucdp_has_geds_49_columns_in_geds_order(events: pd.DataFrame) -> None:
    assert UCDP_HEADER.split(",") == exports.UCDP_COLUMNS and len(exports.UCDP_COLUMNS) == 49
    assert list(ucdp(events).columns) == exports.UCDP_COLUMNS


def test_ucdp_holds_fatal_events_only_unless_asked(events: pd.DataFrame) -> None:
    assert ucdp(events)["relid"].tolist() == ["ev-000000000001", "ev-000000000003"]
    every = ucdp(events, all_events=True)
    assert every["relid"].tolist() == ["ev-000000000001", "ev-000000000002", "ev-000000000003"]
    assert every["best"].tolist() == [3, 0, 1]


def test_ucdp_figures_and_formats(events: pd.DataFrame) -> None:
    frame = ucdp(events, all_events=True)
    assert frame["low"].tolist() == [2, 0, 1]
    assert frame["high"].tolist() == [4, 0, 1]
    assert frame["date_start"].tolist() == ["2020-10-11 00:00:00.000", "2020-10-12 00:00:00.000", "2020-10-20 00:00:00.000"]
    assert frame["date_end"].tolist() == ["2020-10-11 00:00:00.000", "2020-10-18 00:00:00.000", "2020-10-20 00:00:00.000"]
    assert frame["geom_wkt"].tolist()[0] == "POINT (46.932 40.342)"
    assert frame["source_article"].tolist()[0] == "outlet-a-2020-10-11; outlet-b-2020-10-12"
    assert frame["source_office"].tolist() == ["Outlet A; Outlet B", None, "Outlet C"]
    assert frame["source_date"].tolist()[0] == "2020-10-11; 2020-10-13"  # 21:30 UTC at UTC+4 is the next day
    assert frame["source_headline"].tolist()[0] == "Shells hit Terter; Terter toll rises"
    assert frame["source_original"].tolist()[0] == "Ministry of Defence of Azerbaijan"
    assert frame["country"].tolist() == ["Azerbaijan", "Azerbaijan", "Armenia"]
    assert frame["country_id"].tolist() == [373, 373, 371]
    assert frame["region"].tolist() == ["Europe"] * 3
    assert frame["event_clarity"].tolist() == [1, 2, 1]
    for column in ("active_year", "code_status", "conflict_new_id", "dyad_new_id", "side_a_new_id", "adm_2", "priogrid_gid"):
        assert frame[column].isna().all(), column


def test_ucdp_ids_are_stable_unique_and_disjoint_from_geds(events: pd.DataFrame) -> None:
    ids = ucdp(events, all_events=True)["id"].tolist()
    assert ids == [exports.UCDP_ID_OFFSET + 1, exports.UCDP_ID_OFFSET + 2, exports.UCDP_ID_OFFSET + 3]
    assert all(10**15 <= i < 2**53 for i in ids)  # far above GED's ids, exact as a double
    earlier = _events(_event(event_id="ev-0000000000aa", event_date=D(2020, 10, 1), date_start=D(2020, 10, 1), date_end=D(2020, 10, 1)))
    assert ucdp(pd.concat([earlier, events], ignore_index=True), all_events=True)["id"].tolist()[1:] == ids
    assert exports.ucdp_event_id("not-a-hash") == exports.ucdp_event_id("not-a-hash") >= exports.UCDP_ID_OFFSET


def test_ucdp_sides_and_type_of_violence(events: pd.DataFrame) -> None:
    frame = ucdp(events, all_events=True)
    assert frame["type_of_violence"].tolist() == [1, 1, 1]
    assert frame["side_a"].tolist() == ["Government of Armenia"] * 3
    assert frame["side_b"].tolist() == ["Government of Azerbaijan"] * 3
    assert frame["dyad_name"].tolist()[0] == "Government of Armenia - Government of Azerbaijan"
    assert frame["conflict_name"].tolist()[0] == "Armenia - Azerbaijan"
    assert frame["gwnoa"].tolist() == [371] * 3 and frame["gwnob"].tolist() == [373] * 3


def test_ucdp_violence_against_civilians_is_one_sided() -> None:
    attack = _event(event_type="Violence against civilians", sub_event_type="Attack", perpetrator_side="AZE", target_side="ARM", target_actor="Civilians (Armenia)")
    frame = ucdp(_events(attack))
    row = frame.iloc[0]
    assert row["type_of_violence"] == 3
    assert (row["side_a"], row["side_b"]) == ("Government of Azerbaijan", "Civilians")
    assert row["dyad_name"] == row["conflict_name"] == "Government of Azerbaijan - civilians"
    assert (row["deaths_civilians"], row["best"], row["gwnoa"]) == (3, 3, 373)
    assert pd.isna(row["gwnob"])
    # Shelling that hits civilians stays in the state-based dyad, its deaths counted as civilians'.
    shelling = ucdp(_events(_event())).iloc[0]
    assert (shelling["type_of_violence"], shelling["deaths_civilians"]) == (1, 3)


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
    assert ucdp(events, all_events=True)[column].tolist() == expected


def test_ucdp_deaths_add_up_to_best(events: pd.DataFrame) -> None:
    frame = ucdp(events, all_events=True)
    parts = frame[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].sum(axis=1)
    assert parts.tolist() == frame["best"].tolist()


@pytest.mark.parametrize(
    ("overrides", "where_prec"),
    [
        ({}, 1),  # the town itself
        ({"geo_precision": 2, "evidence": "[r:0-40] Shells fell near Terter overnight."}, 2),  # near a town
        ({"geo_precision": 2, "rules": ["place.between"]}, 2),  # on the road between two towns
        ({"geo_precision": 2, "evidence": "[r:0-40] Shells hit villages in the Terter district."}, 4),  # a rayon: first-order
        ({"geo_precision": 2, "location": "Aghdara", "location_mention": "Martakert", "evidence": "[r:0-40] The Martakert area was shelled."}, 3),  # a historical district
        ({"geo_precision": 3, "location": "Syunik", "location_mention": "Syunik", "admin1": "Syunik", "country_iso3": "ARM"}, 4),  # a province
        ({"geo_precision": 3, "location": "Nagorno-Karabakh", "location_mention": "Nagorno-Karabakh"}, 5),  # a larger region
    ],
)
def test_ucdp_where_prec_follows_geds_meanings(overrides: dict, where_prec: int) -> None:
    assert ucdp(_events(_event(**overrides)))["where_prec"].tolist() == [where_prec]


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
    frame = ucdp(_events(_event(date_precision=precision, date_start=start, date_end=end, event_date=start)))
    assert frame["date_prec"].tolist() == [code]


@pytest.mark.parametrize(
    ("killed", "low", "high", "expected"),
    [(None, 2, 5, (2, 2, 5)), (4, None, None, (4, 4, 4)), (None, None, None, (0, 0, 0))],
)
def test_figures_fill_missing_bounds(killed, low, high, expected) -> None:
    frame = ucdp(_events(_event(killed=killed, killed_low=low, killed_high=high)), all_events=True)
    assert tuple(frame.loc[0, ["best", "low", "high"]]) == expected


# Invented rows in the layout of GED's CSV (GEDEvent_v25_1.csv).
UCDP_ROWS = UCDP_HEADER + "\n" + "\n".join(
    [
        '501234,AZE-2020-1-999-11,2020,1,Clear,1,999,999,"Invented: conflict",888,888,"Government of Invented - Rebels",'
        '111,111,"Government of Invented",222,222,"Rebels",2,"Invented Wire,2020-10-11,Headline","Invented Wire",'
        '"2020-10-11 00:00:00.000","Headline","Invented ministry",1,"Ganja town","Ganja town","Ganja city",,'
        '40.6828,46.3606,POINT (46.3606 40.6828),141962,Azerbaijan,373,Europe,1,1,2020-10-11 00:00:00.000,'
        "2020-10-11 00:00:00.000,0,0,9,0,9,9,9,373,",
        '501235,ARM-2020-3-999-12,2020,1,Clear,3,998,998,"Invented - civilians",887,887,"Invented - civilians",'
        '112,112,"Invented",1,1,"Civilians",1,"Invented Daily,2020-10-14,Headline","Invented Daily",'
        '"2020-10-14 00:00:00.000","Headline","Invented NGO",2,"Goris town","near Goris","Syunik province",'
        '"Goris municipality",39.5111,46.3381,POINT (46.3381 39.5111),141242,Armenia,371,Europe,1,1,'
        "2020-10-14 00:00:00.000,2020-10-14 00:00:00.000,0,0,2,0,2,3,2,371,",
    ]
)


def test_ucdp_export_stacks_with_a_ged_file(events: pd.DataFrame) -> None:
    ours = exports.csv_bytes(ucdp(events))
    mine, theirs, stacked = _read_stacked(ours, UCDP_ROWS)
    assert list(mine.columns) == list(theirs.columns)
    for column in ("id", "year", "type_of_violence", "number_of_sources", "where_prec", "latitude", "longitude", "country_id", "date_prec", "best", "high", "low", "deaths_civilians", "gwnoa"):
        assert mine[column].dtype == theirs[column].dtype == stacked[column].dtype, column
    assert stacked["id"].is_unique and stacked["relid"].is_unique
    assert pd.to_datetime(stacked["date_start"]).dt.year.tolist() == [2020] * 4
    # Read with the export's dtypes, every column keeps GED's type, the columns we leave empty included.
    _mine, theirs, stacked = _read_stacked(ours, UCDP_ROWS, exports.UCDP_DTYPES)
    assert stacked.dtypes.to_dict() == theirs.dtypes.to_dict()


def test_a_profile_with_more_parties_gets_its_own_dyads(tmp_path: Path) -> None:
    data = {
        "id": "riverland", "name": "Riverland", "language": "en", "timezone": "UTC", "event_countries": ["NRL"],
        "parties": [
            {"code": "NRL", "name": "Northland", "force": "Military Forces of Northland", "civilians": "Civilians (Northland)", "country_iso3": "NRL", "opposes": ["SRL", "RFM"], "government": "Government of Northland"},
            {"code": "SRL", "name": "South Riverland", "force": "South Riverland Forces", "civilians": "Civilians (Northland)", "opposes": ["NRL", "RFM"], "territory": ["Lower Vale"]},
            {"code": "RFM", "name": "River Front", "force": "River Front Militia", "civilians": "Civilians (Northland)", "opposes": ["NRL", "SRL"], "territory": ["Upper Vale"]},
        ],
    }
    profile = parse_profile(data, tmp_path / "riverland", root=config.ROOT)
    place = {"country_iso3": "NRL", "location": "Oakford", "location_mention": "Oakford", "admin1": "Upper Vale"}
    rebels_hit_army = _event(perpetrator_side="RFM", perpetrator="River Front Militia", target="military", target_side="NRL", target_actor="Military Forces of Northland", **place)
    rebels_fight = _event(event_id="ev-000000000002", perpetrator_side="SRL", perpetrator="South Riverland Forces", target="military", target_side="RFM", target_actor="River Front Militia", **place)
    army_fires = _event(event_id="ev-000000000003", perpetrator_side="NRL", perpetrator="Military Forces of Northland", target="unknown", target_side=None, target_actor=None, **place)
    frame = ucdp(_events(rebels_hit_army, rebels_fight, army_fires), profile)
    assert frame["type_of_violence"].tolist() == [1, 2, 1]
    assert frame["side_a"].tolist() == ["Government of Northland", "South Riverland", "Government of Northland"]
    # The army's opponent in Upper Vale is the party whose territory holds it.
    assert frame["side_b"].tolist() == ["River Front", "River Front", "River Front"]
    assert frame["deaths_a"].tolist() == [3, 0, 0]
    assert frame["deaths_b"].tolist() == [0, 3, 0]
    assert frame["deaths_unknown"].tolist() == [0, 0, 3]
    assert frame["conflict_name"].tolist()[0] == "Northland - River Front"  # no profile labels: the parties' names
    labels = acled(_events(rebels_hit_army), profile)
    assert (labels.loc[0, "actor1"], labels.loc[0, "inter1"], labels.loc[0, "inter2"]) == ("River Front Militia", "Rebel group", "State forces")
    assert pd.isna(labels.loc[0, "iso"]) and pd.isna(labels.loc[0, "region"])


# --- CSV cells -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x.example\")", "+1 shelled", "-Hill 12", "@SUM(A1)", "\tTab", "\rReturn"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(text: str) -> None:
    row = _event(notes=text, location=text, longitude=-73.9857, latitude=-12.5)
    raw = exports.csv_bytes(acled(_events(row))).decode("utf-8")
    frame = pd.read_csv(io.StringIO(raw), keep_default_na=False)
    assert frame.loc[0, "notes"] == "'" + text == frame.loc[0, "location"]
    # Numbers stay numbers: a negative longitude is not text.
    assert frame["longitude"].dtype == "float64" and frame.loc[0, "longitude"] == -73.9857
    assert ",-12.5,-73.9857," in raw
    ged = pd.read_csv(io.BytesIO(exports.csv_bytes(ucdp(_events(row)))), keep_default_na=False)
    assert ged.loc[0, "where_coordinates"] == "'" + text
    assert ged["longitude"].dtype == "float64" and ged.loc[0, "longitude"] == -73.9857


# --- GeoParquet ----------------------------------------------------------------------------


def test_geoparquet_metadata(events: pd.DataFrame, tmp_path: Path) -> None:
    path = exports.write_geoparquet(events, tmp_path / exports.GEOPARQUET_FILE)
    assert path.suffix == ".parquet"
    geo = json.loads(pq.ParquetFile(path).schema_arrow.metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["geometry_types"] == ["Point"]
    assert column["bbox"] == [45.389, 40.342, 46.932, 40.881]
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}


def test_geoparquet_points_and_descriptions(events: pd.DataFrame, tmp_path: Path) -> None:
    path = exports.write_geoparquet(events, tmp_path / exports.GEOPARQUET_FILE)
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


def test_duckdb_reads_the_geoparquet_by_its_extension(events: pd.DataFrame, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    exports.write_geoparquet(events, tmp_path / exports.GEOPARQUET_FILE)
    source = f"'{tmp_path / exports.GEOPARQUET_FILE}'"
    rows = duckdb.sql(f"select event_id, longitude, latitude, typeof(geometry) from {source} order by 1").fetchall()
    assert [r[:3] for r in rows] == [("ev-000000000001", 46.932, 40.342), ("ev-000000000002", 46.932, 40.342), ("ev-000000000003", 45.389, 40.881)]
    kind = rows[0][3]
    assert kind == "BLOB" or kind.startswith("GEOMETRY")  # DuckDB 1.5 reads the GeoParquet metadata itself
    if kind.startswith("GEOMETRY"):
        assert duckdb.sql(f"select ST_AsText(geometry) from {source} order by event_id").fetchall()[-1] == ("POINT (45.389 40.881)",)


def test_geopandas_reads_points_in_epsg_4326(events: pd.DataFrame, tmp_path: Path) -> None:
    geopandas = pytest.importorskip("geopandas")
    path = exports.write_geoparquet(events, tmp_path / exports.GEOPARQUET_FILE)
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
    assert list(acled(empty).columns) == exports.ACLED_COLUMNS
    assert list(ucdp(empty).columns) == exports.UCDP_COLUMNS
    assert "bbox" not in exports.geo_metadata(empty)["columns"]["geometry"]


# --- Determinism, writers, the build -------------------------------------------------------


def test_outputs_do_not_depend_on_row_order(events: pd.DataFrame) -> None:
    shuffled = events.iloc[[2, 0, 1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(acled(events), acled(shuffled))
    pd.testing.assert_frame_equal(ucdp(events), ucdp(shuffled))


def _folder_with_tables(folder: Path, events: pd.DataFrame) -> Path:
    publish.write_table(events, "events", folder)
    articles = pd.DataFrame({c: [None] * len(REPORTS) for c in schema.column_names("articles")})
    articles = articles.assign(
        **{c: REPORTS[c] for c in exports.REPORT_COLUMNS},
        published_inferred=False, text="text", raw_path=[f"r{i}.txt" for i in range(len(REPORTS))], content_sha1="x",
    )
    publish.write_table(articles, "articles", folder)
    return folder


def test_write_exports_is_deterministic(events: pd.DataFrame, tmp_path: Path) -> None:
    folder = _folder_with_tables(tmp_path / "out", events)
    first = {p.name: p.read_bytes() for p in exports.write_exports(folder, PROFILE)}
    assert sorted(first) == sorted(exports.EXPORT_FILES)
    mtimes = {name: (folder / name).stat().st_mtime_ns for name in first}
    second = {p.name: p.read_bytes() for p in exports.write_exports(folder, PROFILE)}
    assert first == second
    assert {name: (folder / name).stat().st_mtime_ns for name in first} == mtimes  # same bytes: not rewritten
    assert not list(folder.glob(".*.tmp"))


@pytest.mark.slow
def test_a_build_publishes_the_exports_in_its_release_and_a_rebuild_keeps_them(sample_output: Path, tmp_path: Path) -> None:
    for name in exports.EXPORT_FILES:
        assert (sample_output / name).is_file(), name
    assert publish.current_release(sample_output) is not None
    out = tmp_path / "processed"
    build(config.RAW_DIR, out)
    first = publish.current_release(out)
    build(config.RAW_DIR, out)  # `make data` again: a new release
    assert publish.current_release(out) != first
    for name in exports.EXPORT_FILES:
        assert (out / name).read_bytes() == (first / name).read_bytes() == (sample_output / name).read_bytes(), name
    acled_rows = pd.read_csv(out / exports.ACLED_FILE)
    assert len(acled_rows) == len(pd.read_parquet(out / "events.parquet"))
    ged = pd.read_csv(out / exports.UCDP_FILE)
    assert (ged["best"] > 0).all() and len(ged) > 0


def test_the_command_regenerates_the_exports_of_an_older_folder(sample_output: Path, tmp_path: Path, capsys) -> None:
    older = tmp_path / "older"
    older.mkdir()
    for table in schema.TABLES:
        shutil.copy(sample_output / f"{table}.parquet", older)
    (older / exports.LEGACY_GEOPARQUET_FILE).write_bytes(b"old")
    assert exports.main(["--out", str(older)]) == 0
    for name in exports.EXPORT_FILES:
        assert (older / name).read_bytes() == (sample_output / name).read_bytes(), name
    err = capsys.readouterr().err
    assert "events.geoparquet" in err and (older / exports.LEGACY_GEOPARQUET_FILE).read_bytes() == b"old"


def test_variants_go_elsewhere_not_into_a_release(sample_output: Path, tmp_path: Path, capsys) -> None:
    before = (sample_output / exports.UCDP_FILE).read_bytes()
    assert exports.main(["--out", str(sample_output), "--ucdp-all-events"]) == 2
    assert "--dest" in capsys.readouterr().err
    assert (sample_output / exports.UCDP_FILE).read_bytes() == before
    dest = tmp_path / "variants"
    assert exports.main(["--out", str(sample_output), "--dest", str(dest), "--ucdp-all-events", "--acled-inter-codes"]) == 0
    every = pd.read_csv(dest / exports.UCDP_FILE)
    assert len(every) == len(pd.read_parquet(sample_output / "events.parquet")) > len(pd.read_csv(io.BytesIO(before)))
    assert pd.read_csv(dest / exports.ACLED_FILE)["inter1"].dtype == "int64"


def test_main_without_events_fails(tmp_path: Path, capsys) -> None:
    assert exports.main(["--out", str(tmp_path)]) == 1
    assert "events.parquet" in capsys.readouterr().err
