"""Tests of the offline gazetteer and the geocoding stage (pipeline.geocode, pipeline.gazetteer)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from pipeline import cli, config
from pipeline.gazetteer import (
    GazetteerDataError,
    GazetteerSettings,
    NameRules,
    fold_name,
    haversine_km,
    load_gazetteer,
)
from pipeline.geocode import (
    CachedOnlineGeocoder,
    GeocodeNotFound,
    OfflineGeocoder,
    Place,
    find_mentions,
    geocode_command,
    get_gazetteer,
    locate,
    make_geocoder,
    resolve,
)
from pipeline.profile import load_profile

PROFILE = load_profile()
RULES = NameRules.read(PROFILE.file("transliteration.csv"), PROFILE.language_file("designators.csv"))


def loose_key(text: str) -> str:
    return RULES.loose_key(text)


def strip_designators(folded: str):
    return RULES.strip_designators(folded)

TOLERANCE_KM = 5.0

TARTAR = (40.342, 46.9316)
AGHDAM = (39.991, 46.9274)
GANJA = (40.6816, 46.3613)
FUZULI = (39.6009, 47.1453)
JABRAYIL = (39.3992, 47.0284)
AGHDARA = (40.2099, 46.8163)
KHANKENDI = (39.8177, 46.7528)
SHUSHA = (39.7601, 46.7499)
QUBADLI = (39.3444, 46.5818)
KYURDARMIR = (40.3426, 48.1565)
QABALA = (40.9814, 47.8458)
AGHJABADI = (40.0502, 47.4594)
HADRUT = (39.5203, 47.0314)
KHOJAVEND = (39.795, 47.1117)
KAPAN = (39.2076, 46.4068)
ARMENIAN_MARTUNI = (40.1403, 45.3023)
VARDENIS_GEGHARKUNIK = (40.1827, 45.7316)
SOTK = (40.2001, 45.8695)
KARMIR_SHUKA = (39.6758, 46.9486)
SUGOVUSHAN = (40.3314, 46.7294)
TALISH = (40.3814, 46.7408)
LACHIN = (39.6374, 46.5498)

# (query, keyword arguments, expected location, expected coordinates, expected precision or None)
SPELLINGS = [
    ("Tartar", {}, "Tartar", TARTAR, 1),
    ("Terter", {}, "Tartar", TARTAR, 1),
    ("Tərtər", {}, "Tartar", TARTAR, 1),
    ("TARTAR", {}, "Tartar", TARTAR, 1),
    ("Aghdam", {}, "Aghdam", AGHDAM, 1),
    ("Agdam", {}, "Aghdam", AGHDAM, 1),
    ("Ağdam", {}, "Aghdam", AGHDAM, 1),
    ("Ganja", {}, "Ganja", GANJA, 1),
    ("Gyandzha", {}, "Ganja", GANJA, 1),
    ("Gəncə", {}, "Ganja", GANJA, 1),
    ("Гянджа", {}, "Ganja", GANJA, 1),
    ("Fuzuli", {}, "Fuzuli", FUZULI, 1),
    ("Fizuli", {}, "Fuzuli", FUZULI, 1),
    ("Füzuli", {}, "Fuzuli", FUZULI, 1),
    ("Jabrayil", {}, "Jabrayil", JABRAYIL, 1),
    ("Jebrail", {}, "Jabrayil", JABRAYIL, 1),
    ("Cəbrayıl", {}, "Jabrayil", JABRAYIL, 1),
    ("Aghdara", {}, "Aghdara", AGHDARA, 1),
    ("Martakert", {}, "Aghdara", AGHDARA, 1),
    ("Ağdərə", {}, "Aghdara", AGHDARA, 1),
    ("Agdere", {}, "Aghdara", AGHDARA, 1),
    ("Stepanakert", {}, "Khankendi", KHANKENDI, 1),
    ("Zod", {}, "Sotk", SOTK, 1),  # the village's Soviet-era name
    ("Khankendi", {}, "Khankendi", KHANKENDI, 1),
    ("Xankəndi", {}, "Khankendi", KHANKENDI, 1),
    ("Степанакерт", {}, "Khankendi", KHANKENDI, 1),
    ("Shusha", {}, "Shusha", SHUSHA, 1),
    ("Shushi", {}, "Shusha", SHUSHA, 1),
    ("Şuşa", {}, "Shusha", SHUSHA, 1),
    ("Gubadli", {}, "Qubadlı", QUBADLI, 1),
    ("Qubadlı", {}, "Qubadlı", QUBADLI, 1),
    ("Kurdamir", {}, "Kyurdarmir", KYURDARMIR, 1),
    ("Kyurdamir", {}, "Kyurdarmir", KYURDARMIR, 1),
    ("Kürdəmir", {}, "Kyurdarmir", KYURDARMIR, 1),
    ("Gabala", {}, "Qabala", QABALA, 1),
    ("Qabala", {}, "Qabala", QABALA, 1),
    ("Aghjabadi", {}, "Aghjabadi", AGHJABADI, 1),
    ("Agjabedi", {}, "Aghjabadi", AGHJABADI, 1),
    ("Ağcabədi", {}, "Aghjabadi", AGHJABADI, 1),
    ("Hadrut", {}, "Hadrut", HADRUT, 1),
    ("Gadrut", {}, "Hadrut", HADRUT, 1),  # the Russian transliteration
    ("Askeran", {}, "Askyaran", (39.9391, 46.8316), 1),
    ("Karmir Shuka", {}, "Karmir Shuka", KARMIR_SHUKA, 1),
    ("Krasny Bazar", {}, "Karmir Shuka", KARMIR_SHUKA, 1),
    ("Madagiz", {}, "Sugovushan", SUGOVUSHAN, 1),
    ("Suqovuşan", {}, "Sugovushan", SUGOVUSHAN, 1),
    ("Talış", {}, "Talish", TALISH, 1),
    ("Lachin", {}, "Laçın", LACHIN, 1),
    ("Berdzor", {}, "Laçın", LACHIN, 1),
    ("Kelbajar", {}, "Kalbajar", (40.1098, 46.0445), 1),
    ("Zəngilan", {}, "Zangilan", (39.0837, 46.6599), 1),
    ("Khojali", {}, "Khojaly", (39.9136, 46.7921), 1),
    ("Gedabek", {}, "Gadabay", (40.5706, 45.8123), 1),
    ("Siazan", {}, "Siyazan", (41.0781, 49.1156), 1),
    # designators: district, region, near, outskirts, direction -> precision 2 at the district centre
    ("Tartar district", {}, "Tartar", TARTAR, 2),
    ("the Aghdam region", {}, "Aghdam", AGHDAM, 2),
    ("Hadrut district", {}, "Hadrut", HADRUT, 2),
    ("Martuni region", {}, "Khojavend", KHOJAVEND, 2),
    ("Martakert region", {}, "Aghdara", AGHDARA, 2),
    ("near Kapan", {}, "Kapan", KAPAN, 2),
    ("outskirts of Stepanakert", {}, "Khankendi", KHANKENDI, 2),
    ("in the direction of Fuzuli", {}, "Fuzuli", FUZULI, 2),
    ("Fuzuli", {"precision": 2}, "Fuzuli", FUZULI, 2),
    ("Syunik province", {}, "Kapan", KAPAN, 3),
    ("Gegharkunik", {}, "Gavar", (40.354, 45.1239), 3),
    # ambiguous names and context
    ("Martuni", {}, "Khojavend", KHOJAVEND, 1),
    ("Martuni", {"country": "AZE"}, "Khojavend", KHOJAVEND, 1),
    ("Martuni", {"country": "ARM"}, "Martuni", ARMENIAN_MARTUNI, 1),
    ("Martuni", {"country": "ARM", "near": ("Hadrut",)}, "Khojavend", KHOJAVEND, 1),
    ("Vardenis", {}, "Vardenis", VARDENIS_GEGHARKUNIK, 1),
    ("Vardenis", {"country": "ARM"}, "Vardenis", VARDENIS_GEGHARKUNIK, 1),
    ("Barda", {}, "Barda", (40.3758, 47.1262), 1),
    ("Barda", {"country": "RUS"}, "Barda", (56.9272, 55.5916), 1),
    ("Tovuz", {"country": "ARM"}, "Tovuz", (40.9925, 45.6284), 1),
    ("Kapan", {}, "Kapan", KAPAN, 1),
    # sites and regions
    ("Ganja airport", {}, "Ganja International Airport", (40.7378, 46.3175), 1),
    ("Mingachevir hydroelectric power station", {}, "Mingachevir Hydroelectric Power Station", (40.79, 47.0283), 1),
    ("Nagorno-Karabakh", {}, "Nagorno-Karabakh", KHANKENDI, 3),
]


@pytest.fixture(scope="module")
def gazetteer():
    return get_gazetteer()


def assert_near(place: Place, expected: tuple[float, float]) -> None:
    distance = haversine_km(place.latitude, place.longitude, *expected)
    assert distance <= TOLERANCE_KM, f"{place.location} is {distance:.1f} km from {expected}"


# ---- folding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants",),
    [
        (("Tartar", "Terter", "Tərtər"),),
        (("Aghdam", "Agdam", "Ağdam"),),
        (("Ganja", "Gyandzha", "Gəncə"),),
        (("Jabrayil", "Jebrail", "Cəbrayıl", "Dzhebrail"),),
        (("Aghjabadi", "Agjabedi", "Ağcabədi"),),
        (("Khankendi", "Xankəndi", "Hankendi"),),
        (("Shusha", "Şuşa"),),
        (("Gubadli", "Qubadlı"),),
        (("Kurdamir", "Kyurdamir", "Kürdəmir"),),
        (("Gabala", "Qabala"),),
        (("Khojaly", "Khojali", "Xocalı"),),
    ],
)
def test_loose_key_joins_transliterations(variants):
    assert len({loose_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Tərtər", "tartar"),
        ("Ag'dam", "agdam"),
        ("Nagorno-Karabakh", "nagorno karabakh"),
        ("İsmayıllı", "ismayilli"),
        ("Łódź", "lodz"),
        ("  Karmir   Shuka ", "karmir shuka"),
        ("Степанакерт", "степанакерт"),
    ],
)
def test_fold_name(raw, folded):
    assert fold_name(raw) == folded


def test_fold_keeps_non_latin_names_apart():
    assert fold_name("Степанакерт") != fold_name("Гянджа")
    assert fold_name("Степанакерт") != ""


@pytest.mark.parametrize(
    ("folded", "core", "precision"),
    [
        ("tartar district", "tartar", 2),
        ("the aghdam and tartar regions", "aghdam and tartar", 2),
        ("near kapan", "kapan", 2),
        ("on the outskirts of stepanakert", "stepanakert", 2),
        ("syunik province", "syunik", 3),
        ("the village of talish", "talish", 1),
        ("shusha", "shusha", None),
    ],
)
def test_strip_designators(folded, core, precision):
    assert strip_designators(folded) == (core, precision)


# ---- resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "kwargs", "location", "coords", "precision"), SPELLINGS)
def test_spellings_resolve(gazetteer, query, kwargs, location, coords, precision):
    place = gazetteer.resolve(query, **kwargs)
    assert place is not None, query
    assert place.location == location
    assert_near(place, coords)
    assert place.geo_precision == precision
    assert place.admin1 and place.country_iso3


def test_spelling_table_is_large_enough():
    assert len(SPELLINGS) >= 50


@pytest.mark.parametrize(
    "name",
    ["Hadrut", "Stepanakert", "Martakert", "Shushi", "Karmir Shuka", "Taghavard", "Lachin", "Kalbajar",
     "Askeran", "Sugovushan", "Talish", "Nagorno-Karabakh"],
)
def test_karabakh_places_are_azerbaijan(gazetteer, name):
    assert gazetteer.resolve(name).country_iso3 == "AZE"


def test_fuzuli_is_the_district_centre_not_the_village(gazetteer):
    places = gazetteer.candidates("Fuzuli")
    assert places[0].admin1 == "Fuzuli"
    assert any(p.admin1 == "Shamkir" for p in places[1:])


def test_vardenis_is_the_gegharkunik_town(gazetteer):
    assert gazetteer.resolve("Vardenis", country="ARM").admin1 == "Gegharkunik"


def test_near_accepts_places_and_coordinates(gazetteer):
    hadrut = gazetteer.resolve("Hadrut")
    assert gazetteer.resolve("Martuni", country="ARM", near=[hadrut]).location == "Khojavend"
    assert gazetteer.resolve("Martuni", country="ARM", near=[HADRUT]).location == "Khojavend"


def test_preferred_countries_are_configurable():
    gaz = load_gazetteer(PROFILE, config.CACHE_DIR, GazetteerSettings(preferred_countries=("RUS",)))
    assert gaz.resolve("Barda").country_iso3 == "RUS"


def test_unknown_name_gives_none(gazetteer):
    assert gazetteer.resolve("Xyzzyqwv") is None
    assert resolve("") is None


def test_module_level_resolve_uses_one_cached_gazetteer():
    assert get_gazetteer() is get_gazetteer()
    assert resolve("Terter").location == "Tartar"


# ---- gold places -----------------------------------------------------------------------------


def _gold_rows() -> list:
    files = [config.SHARED_DIR / "seeds" / "gold.jsonl", config.SHARED_DIR / "devset" / "gold.jsonl"]
    rows = {}
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                event = json.loads(line)
                key = (event["location"], event["geo_precision"])
                rows[key] = (event["location"], event["geo_precision"], event["country_iso3"],
                             (event["latitude"], event["longitude"]))
    if not rows:
        return [pytest.param(None, None, None, None, marks=pytest.mark.skip(reason="shared gold files absent"))]
    return [pytest.param(*row, id=f"{row[0]}-p{row[1]}") for row in sorted(rows.values())]


@pytest.mark.parametrize(("location", "precision", "country", "coords"), _gold_rows())
def test_gold_places_resolve(gazetteer, location, precision, country, coords):
    place = gazetteer.resolve(location, precision=precision)
    assert place is not None
    assert_near(place, coords)
    assert place.country_iso3 == country
    assert place.location == location


# ---- place recognition -----------------------------------------------------------------------


def _surfaces(text: str) -> list[str]:
    return [m.surface for m in find_mentions(text)]


def test_mentions_in_a_multi_place_sentence(gazetteer):
    text = "Overnight shells fell on Hadrut, Martuni and Karmir Shuka, local officials said."
    mentions = gazetteer.find_mentions(text)
    assert [m.surface for m in mentions] == ["Hadrut", "Martuni", "Karmir Shuka"]
    assert mentions[1].place.location == "Khojavend"
    assert all(text[m.start:m.end] == m.surface for m in mentions)


def test_mentions_direction_of(gazetteer):
    mentions = gazetteer.find_mentions("Heavy fighting went on in the direction of Fuzuli and Jabrayil.")
    assert [m.place.location for m in mentions] == ["Fuzuli", "Jabrayil"]
    assert mentions[0].place.admin1 == "Fuzuli"
    assert all(m.is_admin_area for m in mentions)
    assert_near(mentions[0].place, FUZULI)


def test_mentions_of_districts(gazetteer):
    mentions = gazetteer.find_mentions("On Tuesday artillery hit the Tartar and Aghdam districts again.")
    assert [m.surface for m in mentions] == ["Tartar", "Aghdam"]
    assert all(m.is_admin_area for m in mentions)


def test_mentions_of_two_names_for_one_town(gazetteer):
    mentions = gazetteer.find_mentions("Sirens sounded in Stepanakert (Khankendi) at dawn.")
    assert [m.surface for m in mentions] == ["Stepanakert", "Khankendi"]
    assert {m.place.location for m in mentions} == {"Khankendi"}


def test_countries_and_regions_are_flagged(gazetteer):
    text = "Azerbaijan's Ministry of Defence said Armenian units in Nagorno-Karabakh shelled Ganja on Saturday."
    mentions = gazetteer.find_mentions(text)
    assert [m.surface for m in mentions] == ["Azerbaijan", "Nagorno-Karabakh", "Ganja"]
    assert [m.is_country_or_region for m in mentions] == [True, True, False]
    assert mentions[0].place.feature == "country"
    assert mentions[1].place.feature == "region"


@pytest.mark.parametrize(
    "text",
    [
        "Spokeswoman Shushan Stepanyan denied the claim.",
        "Vladimir Putin spoke to both leaders by phone.",
        "The Red Cross and the OSCE Minsk Group called for calm in March.",
        "Police said the Defence Ministry would answer on Monday.",
    ],
)
def test_no_mentions_in_names_and_common_words(gazetteer, text):
    assert [m.surface for m in gazetteer.find_mentions(text)] == []


def test_multiword_site_in_lowercase(gazetteer):
    mentions = gazetteer.find_mentions("A missile was fired at the Mingachevir hydroelectric power station.")
    assert [m.place.location for m in mentions] == ["Mingachevir Hydroelectric Power Station"]
    assert mentions[0].place.feature == "site"


def test_module_level_find_mentions():
    assert _surfaces("Shelling of Terter and Barda continued.") == ["Terter", "Barda"]


# ---- reference files -------------------------------------------------------------------------


def _reference_copy(tmp_path: Path) -> Path:
    """A copy of the default profile that a user edits."""
    ref = tmp_path / PROFILE.id
    shutil.copytree(PROFILE.folder, ref)
    return ref


def _append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        columns = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        for row in rows:
            writer.writerow(row)


def test_user_added_place_and_alias_are_used(tmp_path):
    ref = _reference_copy(tmp_path)
    _append_rows(ref / "gazetteer_supplement.csv", [
        {"name": "Novy Khutor", "aliases": "Yeni Xutor", "latitude": "40.12", "longitude": "46.55",
         "country_iso3": "AZE", "admin1": "Tartar", "feature": "village", "population": "",
         "geonameid": "", "source": "test fixture"},
        {"name": "Tartar", "aliases": "Terterabad", "latitude": "", "longitude": "", "country_iso3": "AZE",
         "admin1": "", "feature": "", "population": "", "geonameid": "584871", "source": "test fixture"},
    ])
    gaz = load_gazetteer(load_profile(ref), config.CACHE_DIR)
    added = gaz.resolve("Yeni Xutor")
    assert added.location == "Novy Khutor"
    assert_near(added, (40.12, 46.55))
    assert added.admin1 == "Tartar"
    assert added.geonameid is None
    assert gaz.resolve("Terterabad").geonameid == 584871
    assert [m.surface for m in gaz.find_mentions("Shells hit Novy Khutor at noon.")] == ["Novy Khutor"]


def test_malformed_supplement_is_rejected(tmp_path):
    ref = _reference_copy(tmp_path)
    _append_rows(ref / "gazetteer_supplement.csv", [
        {"name": "Nowhere", "aliases": "", "latitude": "40", "longitude": "46", "country_iso3": "AZE",
         "admin1": "Tartar", "feature": "village", "population": "", "geonameid": "", "source": ""},
    ])
    with pytest.raises(GazetteerDataError, match="empty source"):
        load_gazetteer(load_profile(ref), config.CACHE_DIR)


@pytest.mark.parametrize("name", ["gazetteer_supplement.csv", "admin_areas.csv", "place_stopwords.csv", "transliteration.csv"])
def test_reference_files_have_a_source_on_every_row(name):
    with PROFILE.file(name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(row["source"].strip() for row in rows)


def test_admin_area_centres_match_geonames(gazetteer):
    with PROFILE.file("admin_areas.csv").open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["centre_geonameid"]]
    for row in rows:
        centre = gazetteer.resolve(row["centre"], country=row["country_iso3"])
        assert centre is not None, row["centre"]
        assert_near(centre, (float(row["centre_latitude"]), float(row["centre_longitude"])))


# ---- geopy -----------------------------------------------------------------------------------


def test_offline_geocoder_returns_geopy_locations(gazetteer):
    geocoder = OfflineGeocoder(gazetteer)
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Terter")
    assert isinstance(location, Location)
    assert location.address == "Tartar"
    assert location.raw["country_iso3"] == "AZE"
    assert_near(Place(**location.raw), TARTAR)
    assert geocoder.geocode("Martuni", country="ARM", near="Hadrut").address == "Khojavend"
    assert isinstance(geocoder.geocode("Fuzuli", exactly_one=False), list)
    assert geocoder.geocode("Xyzzyqwv") is None


class _NominatimStub(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        query = parse_qs(urlparse(self.path).query)
        type(self).requests.append(query)
        q = query.get("q", [""])[0]
        if q == "boom":
            self.send_response(500)
            self.end_headers()
            return
        body = []
        if q == "Tartar":
            body = [{"place_id": 1, "lat": "40.3420", "lon": "46.9316", "display_name": "Tərtər, Azerbaijan",
                     "importance": 0.5}]
        if q == "Qaraqoyunlu":
            body = [{"place_id": 2, "lat": "39.7500", "lon": "47.0500", "display_name": "Qaraqoyunlu, Azerbaijan",
                     "importance": 0.1}]
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim_stub():
    _NominatimStub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NominatimStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _online(domain: str, cache_dir: Path) -> CachedOnlineGeocoder:
    return make_geocoder("nominatim", domain=domain, scheme="http", proxies={}, timeout=5, cache_dir=cache_dir,
                         min_delay_seconds=0, max_retries=0, error_wait_seconds=0)


def test_online_geocoder_against_local_server(nominatim_stub, tmp_path):
    geocoder = _online(nominatim_stub, tmp_path)
    location = geocoder.geocode("Tartar", country="AZE")
    assert location.address == "Tərtər, Azerbaijan"
    assert haversine_km(location.latitude, location.longitude, *TARTAR) < TOLERANCE_KM
    assert _NominatimStub.requests[0]["countrycodes"] == ["az"]
    assert geocoder.geocode("Nowhere at all") is None
    assert len(_NominatimStub.requests) == 2


def test_online_answers_are_cached_on_disk(nominatim_stub, tmp_path):
    _online(nominatim_stub, tmp_path).geocode("Tartar")
    again = _online(nominatim_stub, tmp_path).geocode("Tartar")
    assert again.address == "Tərtər, Azerbaijan"
    assert len(_NominatimStub.requests) == 1
    assert (tmp_path / "geocoder-nominatim.json").exists()


def test_online_errors_are_raised_not_swallowed(nominatim_stub, tmp_path):
    with pytest.raises(GeocoderServiceError):
        _online(nominatim_stub, tmp_path).geocode("boom")


def test_geocoder_kind_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("PIPELINE_GEOCODER", raising=False)
    assert isinstance(make_geocoder(), OfflineGeocoder)
    monkeypatch.setenv("PIPELINE_GEOCODER", "nominatim")
    assert isinstance(make_geocoder(cache_dir=tmp_path), CachedOnlineGeocoder)
    with pytest.raises(ValueError, match="unknown geocoder kind"):
        make_geocoder("teleport")


# ---- command line ----------------------------------------------------------------------------


def test_geocode_command_output():
    result = geocode_command("Martuni", country="ARM", near=["Hadrut"])
    assert result["name"] == "Khojavend"
    assert {"latitude", "longitude", "country_iso3", "admin1", "geonameid", "feature", "population", "score",
            "alternatives"} <= set(result)
    assert result["alternatives"] and result["alternatives"][0]["name"] == "Martuni"
    with pytest.raises(GeocodeNotFound):
        geocode_command("Xyzzyqwv")


def test_cli_prints_json(capsys):
    assert cli.main(["-q", "geocode", "Terter"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["name"] == "Tartar"
    assert result["country_iso3"] == "AZE"


def test_cli_unknown_name_exits_1(capsys):
    assert cli.main(["-q", "geocode", "Xyzzyqwv"]) == 1
    assert "no match" in capsys.readouterr().err


def test_cli_as_a_module():
    done = subprocess.run([sys.executable, "-m", "pipeline", "geocode", "Terter", "--country", "AZE"],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Tartar"


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"not a cache",
        lambda blob: blob[:-10] + b"0123456789",  # content changed: the checksum fails
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: __import__("pickle").dumps({"rows": "planted"}),  # a pickle is never loaded
    ],
    ids=["garbage", "tampered", "truncated", "pickle"],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path, monkeypatch, damage):
    from pipeline import gazetteer as gazetteer_module

    good = config.CACHE_DIR / gazetteer_module.base_cache_path(config.CACHE_DIR, RULES).name
    get_gazetteer()  # the cache exists
    path = gazetteer_module.base_cache_path(tmp_path, RULES)
    path.write_bytes(damage(good.read_bytes()))
    compiled = []
    monkeypatch.setattr(gazetteer_module, "compile_base", lambda rules: compiled.append(1) or "fresh base")
    monkeypatch.setattr(gazetteer_module, "_write_cache", lambda _path, _base: None)
    assert gazetteer_module.load_base(RULES, tmp_path) == "fresh base"
    assert compiled == [1]


def test_the_cache_round_trips_the_compiled_base():
    from pipeline import gazetteer as gazetteer_module

    path = gazetteer_module.base_cache_path(config.CACHE_DIR, RULES)
    get_gazetteer()
    base = gazetteer_module._decode_base(path.read_bytes(), path.stem)
    assert gazetteer_module._encode_base(base, path.stem) == path.read_bytes()
    assert len(base.rows) > 100_000 and base.rows.timezone[0]


def test_the_cache_key_follows_the_transliteration_rules(tmp_path):
    from pipeline import gazetteer as gazetteer_module

    other = NameRules(RULES.loose[:-1], RULES.prefixes, RULES.suffixes)
    assert gazetteer_module.base_cache_path(tmp_path, other) != gazetteer_module.base_cache_path(tmp_path, RULES)


def test_the_build_places_a_village_the_gazetteer_lacks_through_the_online_geocoder(nominatim_stub, tmp_path, monkeypatch):
    from pipeline import geocode
    from pipeline.build import build_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_text(
        "---\npublished: 2020-10-14T12:00:00+04:00\n---\nA rocket was fired at Qaraqoyunlu village of the Martuni region on Tuesday, the army said.\n",
        encoding="utf-8",
    )
    offline = build_tables(raw).tables["events"]
    assert (offline["location"].tolist(), offline["geo_precision"].tolist()) == (["Khojavend"], [2])  # its district, offline

    monkeypatch.setattr(geocode, "online_fallback", lambda: _online(nominatim_stub, tmp_path / "cache"))
    monkeypatch.setattr("pipeline.build.online_fallback", lambda: _online(nominatim_stub, tmp_path / "cache"))
    online = build_tables(raw).tables["events"]
    assert (online["location"].tolist(), online["geo_precision"].tolist()) == (["Qaraqoyunlu"], [1])
    assert (online["latitude"].tolist(), online["longitude"].tolist()) == ([39.75], [47.05])
    assert "geocode.nominatim" in online["rules"][0]


def test_the_geocode_command_asks_the_online_geocoder_for_what_the_gazetteer_lacks(nominatim_stub, tmp_path, monkeypatch):
    from pipeline import geocode

    with pytest.raises(geocode.GeocodeNotFound):
        geocode.geocode_command("Qaraqoyunlu")
    monkeypatch.setattr(geocode, "online_fallback", lambda: _online(nominatim_stub, tmp_path))
    result = geocode.geocode_command("Qaraqoyunlu")
    assert (result["latitude"], result["longitude"], result["source"]) == (39.75, 47.05, "nominatim")


def test_one_name_is_one_place_in_a_report_and_a_named_region_says_which(tmp_path):
    """Martuni is a town of Armenia's Gegharkunik and the Armenian name of Khojavend in Karabakh: the sentence that
    speaks of Karabakh decides for every mention of the name in the report."""
    from pipeline.build import build_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_text(
        "---\npublished: 2020-10-14T12:00:00+04:00\n---\n"
        "On Tuesday a drone struck Mets Masrik in Gegharkunik, the Armenian defence ministry said.\n\n"
        "Officials in Karabakh said Azerbaijani artillery pounded Martuni on Tuesday.\n\n"
        "Two reporters were wounded in Martuni during the shelling.\n",
        encoding="utf-8",
    )
    events = build_tables(raw).tables["events"]
    martuni = events[events["location"] != "Mets Masrik"]
    assert martuni["location"].tolist() == ["Khojavend"]


def test_a_landmark_is_coded_at_its_town_when_the_report_names_the_town_too(tmp_path):
    """A cathedral the gazetteer places in Shusha, told in one paragraph, and the town in another: one event, at the town."""
    from pipeline.build import build_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_text(
        "---\npublished: 2020-10-14T12:00:00+04:00\n---\n"
        "Azerbaijani rockets hit the town of Shushi on Tuesday, officials in Stepanakert said.\n\n"
        "A reporter was hurt on Tuesday during the Azerbaijani shelling of the Ghazanchetsots cathedral, the agency said.\n",
        encoding="utf-8",
    )
    result = build_tables(raw).tables
    assert result["events"]["location"].tolist() == ["Shusha"]
    assert any("place.site_in_town" in rules for rules in result["mentions"]["rules"])


@pytest.mark.parametrize(
    ("text", "located"),
    [
        # "the X region" where X names a province and one of its villages (near Kapan, which the report names):
        # the province, a region, so no event
        ("Shells hit Kapan on Monday.\n\nHeavy fighting broke out on Tuesday along the border of Armenia's Syunik region.", ["Kapan"]),
        ("Heavy fighting broke out on Tuesday along the border of Armenia's Syunik region.", []),
        ("Shells hit Kapan on Monday.\n\nOn Tuesday drones struck the southern province of Syunik.", ["Kapan"]),
    ],
)
def test_a_name_followed_by_region_is_the_region_not_a_namesake_village(text, located):
    import pandas as pd

    from pipeline.extract import extract_report

    profile = load_profile()
    article = {"report_id": "r1", "outlet": "Test Wire", "published": pd.Timestamp("2021-11-17T12:00+04:00"), "text": text,
               "raw_path": "r1.txt", "raw_line": None}
    mentions, dropped = locate(extract_report(article, get_gazetteer(profile), profile), get_gazetteer(profile), profile)[:2]
    assert [m.location for m in mentions] == located
    assert [d["reason"] for d in dropped if d["mention"].location_mention == "Syunik"] == ["Syunik is a region: region-only mentions are no events"]


@pytest.mark.parametrize(
    ("text", "located"),
    [
        # the gazetteer's only Troitske lies in another oblast, far from Popasna: the village meant is coded at its district
        ("Fighting went on in Troitske in the Popasna district on Monday, the regional governor said.", [("Popasna", 2)]),
        # a village the gazetteer places inside the district it is said to be in keeps its own coordinates
        ("Fighting went on in Zolote in the Popasna district on Monday, the regional governor said.", [("Zolote", 1)]),
    ],
)
def test_a_namesake_far_from_the_district_the_text_names_is_coded_at_the_district(text, located):
    import pandas as pd

    from pipeline.extract import extract_report

    profile = load_profile("donbas")
    article = {"report_id": "r1", "outlet": "Test Wire", "published": pd.Timestamp("2015-05-12T12:00+03:00"), "text": text,
               "raw_path": "r1.txt", "raw_line": None}
    mentions = locate(extract_report(article, get_gazetteer(profile), profile), get_gazetteer(profile), profile)[0]
    assert [(m.location, m.geo_precision) for m in mentions] == located


@pytest.mark.parametrize(
    ("points", "bearing"),
    [([0], 0), ([180], 180), ([0, 270], 315), ([180, 90], 135), ([0, 0, 270], 337.5), ([180, 180, 90], 157.5), ([90, 0, 90], 67.5), ([], None)],
)
def test_compass_bearing(points, bearing):
    from pipeline.geometry import compass_bearing

    assert compass_bearing(points) == pytest.approx(bearing) if bearing is not None else compass_bearing(points) is None


def test_offset_point_moves_by_distance_and_bearing():
    from pipeline.gazetteer import haversine_km
    from pipeline.geometry import offset_point

    lat, lon = offset_point(48.0, 37.8, 60, 180)
    assert (lat, lon) == pytest.approx((47.4604, 37.8), abs=1e-4)
    lat, lon = offset_point(48.0, 37.8, 15, 135)
    assert haversine_km(48.0, 37.8, lat, lon) == pytest.approx(15, abs=0.1)
    assert lat < 48.0 and lon > 37.8


@pytest.mark.parametrize(
    ("text", "located"),
    [
        # a village the gazetteer lacks, located by the report from a town: placed there, not at the town
        ("A woman was injured by shelling in Sadky (non-government-controlled, 60km south of Donetsk) on 6 September.", [("Sadky", 2, 47.4834)]),
        # a known town so located keeps its own coordinates, and the reference town is no event place
        ("A woman was injured by shelling in Novoazovsk (non-government-controlled, 102km south-east of Donetsk) on 6 September.",
         [("Novoazovs'k", 1, 47.1139)]),
    ],
)
def test_a_village_located_from_a_town_is_placed_by_distance_and_bearing(text, located):
    import pandas as pd

    from pipeline.extract import extract_report

    profile = load_profile("donbas")
    article = {"report_id": "r1", "outlet": "Test Wire", "published": pd.Timestamp("2019-09-27T12:00+03:00"), "text": text,
               "raw_path": "r1.txt", "raw_line": None}
    mentions = locate(extract_report(article, get_gazetteer(profile), profile), get_gazetteer(profile), profile)[0]
    assert [(m.location, m.geo_precision, round(m.latitude, 4)) for m in mentions] == [tuple(x) for x in located]
