"""Conflict profiles: what one conflict brings, read from data into one frozen object.

A profile is a folder ``data/conflicts/<id>/`` (format: ``data/conflicts/README.md``):

- ``profile.yaml``: the parties (code, name, force and civilian labels, country, whom each opposes,
  which government speaks for it, where its unnamed forces are meant), the event countries, the
  time zone and zone words, validation bounding boxes, gazetteer settings and export labels;
- ``actors.csv``, ``ceasefires.yaml``, ``gazetteer_supplement.csv``, ``admin_areas.csv`` and,
  optionally, ``cues.csv``, ``place_stopwords.csv``, ``transliteration.csv``.

The language the reports are written in brings ``data/lang/<code>/`` (cues, named patterns,
boilerplate, place stopwords, designators), shared by every conflict reported in it.

:func:`load_profile` returns a :class:`Profile`; every stage takes it as an argument and no stage
reads a module constant for anything a conflict decides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from pipeline import config
from pipeline.dates import LocalTime
from pipeline.lexicon import Actor, Lexicon, load_lexicon

PROFILE_FILE = "profile.yaml"
REQUIRED_KEYS = ("id", "name", "language", "parties", "event_countries", "timezone")
OPTIONAL_KEYS = (
    "first_year", "sample_raw", "source", "zone_words", "bounding_boxes", "gazetteer", "exports", "party_aliases", "codebook_examples",
    "unstated_fire", "unstated_fire_from", "near_village_precision", "capitals", "event_admin1", "perpetrator_from_holder",
    "past_day_back", "admin1_are_regions",
)
PARTY_KEYS = ("code", "name", "force", "civilians", "country_iso3", "opposes", "government", "territory", "holds", "aliases", "note")
GAZETTEER_KEYS = ("preferred_countries", "focus_admin1", "surname_suffixes", "name_prefixes")
# Files of a profile folder and of a language folder that the pipeline reads (for fingerprints).
PROFILE_FILES = (PROFILE_FILE, "actors.csv", "cues.csv", "patterns.yaml", "ceasefires.yaml", "gazetteer_supplement.csv", "admin_areas.csv",
                 "place_stopwords.csv", "transliteration.csv")
LANGUAGE_FILES = ("cues.csv", "patterns.yaml", "boilerplate.csv", "place_stopwords.csv", "designators.csv")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Party:
    """One party to the conflict; ``code`` is what the side columns hold."""

    code: str
    name: str
    force: str  # normalized name of its forces, the perpetrator label
    civilians: str  # normalized name of its civilians, a target label
    country_iso3: str | None  # the state it is, or None for a non-state party
    opposes: tuple[str, ...]
    government: str | None = None  # the claimant that speaks for the party as a whole
    territory: tuple[str, ...] = ()  # admin1 names where unnamed forces of its camp are this party
    holds: tuple[str, ...] = ()  # places or first-level divisions it controls inside another state's territory
    aliases: tuple[str, ...] = ()  # other names of the party (a de facto republic's own name)
    note: str = ""  # what else counts as this party (shown in the codebook)


@dataclass(frozen=True, eq=False)
class Profile:
    id: str
    name: str
    folder: Path
    language: str
    language_folder: Path
    parties: tuple[Party, ...]
    event_countries: tuple[str, ...]
    timezone: str
    zone_words: Mapping[str, str] = field(default_factory=dict)  # lower-case phrase -> IANA zone
    bounding_boxes: Mapping[str, tuple[float, float, float, float]] = field(default_factory=dict)
    preferred_countries: tuple[str, ...] = ()
    focus_admin1: tuple[str, ...] = ()
    surname_suffixes: tuple[str, ...] = ()
    name_prefixes: tuple[str, ...] = ()  # words that start a longer place name ("Staryi" X is not X)
    first_year: int | None = None
    sample_raw: Path | None = None
    exports: Mapping[str, object] = field(default_factory=dict)
    party_aliases: tuple[str, ...] = ()  # other names a party goes by ("the forces of <alias>")
    codebook_examples: Mapping[str, object] = field(default_factory=dict)  # column -> example value in the codebook
    unstated_fire: str = "Shelling/artillery/missile attack"  # the act of "came under fire" where no weapon is named
    unstated_fire_from: tuple[tuple[date, str], ...] = ()  # (first day, act) of later phases whose unstated fire differs
    near_village_precision: int = 2  # precision of "near <village>" (1 where front-line villages are coded at themselves)
    capitals: Mapping[str, str] = field(default_factory=dict)  # lower-case name of a state or territory -> its capital
    event_admin1: tuple[str, ...] = ()  # first-level divisions events are coded in (empty: all of the event countries)
    perpetrator_from_holder: bool = False  # remote fire with no shooter named comes from the opponents of the place's holder
    past_day_back: int = 1  # days before the report that a bulletin's "over the past day" means (0: the report's day)
    admin1_are_regions: bool = False  # "the X region" naming a first-level division is a region-only mention, no event place

    def unstated_fire_on(self, day: date) -> str:
        """The act of fire with no weapon named on ``day``: a later phase of the conflict may fight differently."""
        return next((act for first, act in reversed(self.unstated_fire_from) if day >= first), self.unstated_fire)

    def in_event_area(self, country_iso3: str | None, admin1: str | None) -> bool:
        """Whether a place in this country and first-level division can be where an event happened."""
        if country_iso3 is not None and country_iso3 not in self.event_countries:
            return False
        return not self.event_admin1 or not admin1 or admin1 in self.event_admin1

    # --- files ---------------------------------------------------------------------------

    def file(self, name: str) -> Path:
        return self.folder / name

    def language_file(self, name: str) -> Path:
        return self.language_folder / name

    @property
    def ceasefires_file(self) -> Path:
        return self.file("ceasefires.yaml")

    @cached_property
    def lexicon(self) -> Lexicon:
        return load_lexicon(
            [self.language_file("cues.csv"), self.file("cues.csv")],
            self.file("actors.csv"),
            self.language_file("patterns.yaml"),
            self.file("patterns.yaml"),
        )

    @cached_property
    def fingerprint(self) -> str:
        """A hash of every file of the profile and its language: what a cache of derived results depends on."""
        digest = hashlib.sha256()
        for folder, names in ((self.folder, PROFILE_FILES), (self.language_folder, LANGUAGE_FILES)):
            for name in names:
                path = folder / name
                digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
        return digest.hexdigest()

    # --- time ----------------------------------------------------------------------------

    @cached_property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def local_time(self) -> LocalTime:
        """The conflict's local time for resolving dates and clocks: its zone, its reports' zone words, and the day
        its bulletins' "over the past day" means."""
        return LocalTime.of(self.timezone, self.zone_words, self.past_day_back)

    def zone_for_words(self, words: str) -> tzinfo | None:
        name = self.zone_words.get(" ".join(words.lower().split()))
        return ZoneInfo(name) if name else None

    def utc_offset_minutes(self, instant: datetime) -> int:
        """The zone's offset from UTC at an instant (daylight saving included)."""
        return int(instant.astimezone(self.zone).utcoffset().total_seconds() // 60)

    # --- parties -------------------------------------------------------------------------

    @cached_property
    def party_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.parties)

    @cached_property
    def party_name_pattern(self) -> re.Pattern[str]:
        """A party's name ("the forces of <name>"), and the profile's other names of its parties' sides."""
        names = sorted({p.name for p in self.parties} | set(self.party_aliases) | {a for p in self.parties for a in p.aliases}, key=len, reverse=True)
        return re.compile(rf"(?:{'|'.join(map(re.escape, names))})\b", re.I)

    def government_claimant(self, party: Party | None, pattern: re.Pattern[str]) -> Actor | None:
        """The claimant that speaks for a party: its government as the actors list names it, else one made for it
        (``pattern`` records the rule that found it); None for a party without a government."""
        if party is None or not party.government:
            return None
        listed = next((a for a in self.lexicon.claimants if a.name == party.government), None)
        return listed or Actor("claimant", party.government, party.code, pattern)

    def party_named(self, name: str) -> Party | None:
        """The party a name or alias stands for ("Armenia", "Artsakh")."""
        key = " ".join(name.lower().replace("’", "'").split())
        return next((p for p in self.parties if key in {p.name.lower(), *(a.lower() for a in p.aliases)}), None)

    def party_of_place(self, location: str, admin1: str, country_iso3: str) -> str | None:
        """The party whose officials speak for a place: the one holding it, else the state it lies in. A party whose
        territory is the place's first-level division holds only the places it lists there (a city may share the
        division's name), so the division's name alone says nothing."""
        for p in self.parties:
            if location in p.holds or (admin1 in p.holds and admin1 not in p.territory):
                return p.code
        return next((p.code for p in self.parties if p.country_iso3 and p.country_iso3 == country_iso3), None)

    def party(self, code: str | None) -> Party | None:
        return next((p for p in self.parties if p.code == code), None)

    def opponents(self, code: str | None) -> tuple[str, ...]:
        party = self.party(code)
        return party.opposes if party else ()

    def opposed(self, a: str, b: str) -> bool:
        return b in self.opponents(a) or a in self.opponents(b)

    def side_at(self, candidates: Iterable[str], admin1: str | None = None) -> str | None:
        """One side out of several a text may mean: the only one, else the one whose territory holds the place.

        "The enemy" in a statement of one party means its opponents; where they are several, the
        place decides (the party whose ``territory`` lists the place's first-level division), and
        parties without a territory (a state whose forces are named when meant) step aside.
        """
        candidates = tuple(dict.fromkeys(candidates))
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        territorial = [c for c in candidates if (p := self.party(c)) is not None and p.territory]
        here = [c for c in territorial if admin1 and admin1 in self.party(c).territory]
        if len(here) == 1:
            return here[0]
        return None

    def force_name(self, code: str | None) -> str | None:
        party = self.party(code)
        return party.force if party else None

    def civilians_name(self, code: str | None) -> str | None:
        party = self.party(code)
        return party.civilians if party else None

    def contested(self, sides: Iterable[str]) -> bool:
        """Claims from parties opposed to each other."""
        parties = [s for s in set(sides) if s in self.party_codes]
        return any(self.opposed(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :])


# --- loading ---------------------------------------------------------------------------------


def _mapping(value: object, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: expected a mapping")
    return value


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ProfileError(f"{where}: expected a list of names")
    return tuple(str(v) for v in value)


def _unknown_keys(data: dict, allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {unknown} (known: {list(allowed)})")


def _party(data: object, where: str) -> Party:
    data = _mapping(data, where)
    _unknown_keys(data, PARTY_KEYS, where)
    missing = [k for k in ("code", "name", "force", "civilians", "opposes") if not data.get(k)]
    if missing:
        raise ProfileError(f"{where}: missing {missing}")
    code = str(data["code"])
    if not code.isupper() or not code.isalpha():
        raise ProfileError(f"{where}: party code {code!r} must be capital letters (an ISO3 code for a state)")
    return Party(
        code=code,
        name=str(data["name"]),
        force=str(data["force"]),
        civilians=str(data["civilians"]),
        country_iso3=str(data["country_iso3"]) if data.get("country_iso3") else None,
        opposes=_strings(data["opposes"], f"{where}.opposes"),
        government=str(data["government"]) if data.get("government") else None,
        territory=_strings(data.get("territory"), f"{where}.territory"),
        holds=_strings(data.get("holds"), f"{where}.holds"),
        aliases=_strings(data.get("aliases"), f"{where}.aliases"),
        note=str(data.get("note") or ""),
    )


def _check_zone(name: str, where: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(f"{where}: unknown time zone {name!r}") from exc


def parse_profile(data: object, folder: Path, *, root: Path = config.ROOT) -> Profile:
    """A profile from the parsed ``profile.yaml`` of ``folder``."""
    where = str(folder / PROFILE_FILE)
    data = _mapping(data, where)
    _unknown_keys(data, REQUIRED_KEYS + OPTIONAL_KEYS, where)
    missing = [k for k in REQUIRED_KEYS if not data.get(k)]
    if missing:
        raise ProfileError(f"{where}: missing {missing}")
    if not isinstance(data["parties"], list):
        raise ProfileError(f"{where}: parties must be a list")
    parties = tuple(_party(p, f"{where}: parties[{i}]") for i, p in enumerate(data["parties"]))
    codes = [p.code for p in parties]
    if len(set(codes)) != len(codes) or {"independent", "multiple", "unknown"} & set(codes):
        raise ProfileError(f"{where}: party codes must be unique and not 'independent', 'multiple' or 'unknown'")
    for p in parties:
        strangers = [c for c in p.opposes if c not in codes]
        if strangers:
            raise ProfileError(f"{where}: party {p.code} opposes unknown parties {strangers}")
    _check_zone(str(data["timezone"]), f"{where}: timezone")
    zone_words = {" ".join(str(k).lower().split()): str(v) for k, v in _mapping(data.get("zone_words"), f"{where}: zone_words").items()}
    for words, zone in zone_words.items():
        _check_zone(zone, f"{where}: zone_words[{words!r}]")
    boxes = {}
    for iso3, box in _mapping(data.get("bounding_boxes"), f"{where}: bounding_boxes").items():
        if not isinstance(box, list) or len(box) != 4 or not box[0] < box[1] or not box[2] < box[3]:
            raise ProfileError(f"{where}: bounding_boxes[{iso3}] must be [lat_min, lat_max, lon_min, lon_max]")
        boxes[str(iso3)] = tuple(float(v) for v in box)
    gazetteer = _mapping(data.get("gazetteer"), f"{where}: gazetteer")
    _unknown_keys(gazetteer, GAZETTEER_KEYS, f"{where}: gazetteer")
    language_folder = root / "data" / "lang" / str(data["language"])
    if not language_folder.is_dir():
        raise ProfileError(f"{where}: no language folder {language_folder}")
    return Profile(
        id=str(data["id"]),
        name=str(data["name"]),
        folder=folder,
        language=str(data["language"]),
        language_folder=language_folder,
        parties=parties,
        event_countries=_strings(data["event_countries"], f"{where}: event_countries"),
        timezone=str(data["timezone"]),
        zone_words=MappingProxyType(zone_words),
        bounding_boxes=MappingProxyType(boxes),
        preferred_countries=_strings(gazetteer.get("preferred_countries"), f"{where}: gazetteer.preferred_countries"),
        focus_admin1=_strings(gazetteer.get("focus_admin1"), f"{where}: gazetteer.focus_admin1"),
        surname_suffixes=_strings(gazetteer.get("surname_suffixes"), f"{where}: gazetteer.surname_suffixes"),
        name_prefixes=_strings(gazetteer.get("name_prefixes"), f"{where}: gazetteer.name_prefixes"),
        first_year=int(data["first_year"]) if data.get("first_year") else None,
        sample_raw=root / str(data["sample_raw"]) if data.get("sample_raw") else None,
        exports=MappingProxyType(_mapping(data.get("exports"), f"{where}: exports")),
        party_aliases=_strings(data.get("party_aliases"), f"{where}: party_aliases"),
        codebook_examples=MappingProxyType(_mapping(data.get("codebook_examples"), f"{where}: codebook_examples")),
        unstated_fire=_sub_event_type(data.get("unstated_fire", "Shelling/artillery/missile attack"), f"{where}: unstated_fire"),
        unstated_fire_from=_phases(data.get("unstated_fire_from"), f"{where}: unstated_fire_from"),
        near_village_precision=_precision(data.get("near_village_precision", 2), f"{where}: near_village_precision"),
        event_admin1=_strings(data.get("event_admin1"), f"{where}: event_admin1"),
        perpetrator_from_holder=_flag(data.get("perpetrator_from_holder", False), f"{where}: perpetrator_from_holder"),
        past_day_back=_days_back(data.get("past_day_back", 1), f"{where}: past_day_back"),
        admin1_are_regions=_flag(data.get("admin1_are_regions", False), f"{where}: admin1_are_regions"),
        capitals=MappingProxyType({str(k).lower(): str(v) for k, v in _mapping(data.get("capitals"), f"{where}: capitals").items()}),
    )


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{where}: expected true or false, got {value!r}")
    return value


def _sub_event_type(value: object, where: str) -> str:
    from pipeline.schema import SUB_EVENT_TYPES

    if value not in SUB_EVENT_TYPES:
        raise ProfileError(f"{where}: {value!r} is not an ACLED sub-event type ({', '.join(SUB_EVENT_TYPES)})")
    return str(value)


def _phases(value: object, where: str) -> tuple[tuple[date, str], ...]:
    """{first day: act}: the phases' acts, in date order."""
    phases = []
    for first, act in _mapping(value, where).items():
        try:
            day = first if isinstance(first, date) else date.fromisoformat(str(first))
        except ValueError as exc:
            raise ProfileError(f"{where}: {first!r} is not a date (YYYY-MM-DD)") from exc
        phases.append((day, _sub_event_type(act, f"{where}: {first}")))
    return tuple(sorted(phases))


def _precision(value: object, where: str) -> int:
    if value not in (1, 2):
        raise ProfileError(f"{where}: expected 1 or 2")
    return int(value)


def _days_back(value: object, where: str) -> int:
    if value not in (0, 1) or isinstance(value, bool):
        raise ProfileError(f"{where}: expected 0 (the report's day) or 1 (the day before)")
    return int(value)


def profile_folder(conflict: str | Path, conflicts_dir: Path = config.CONFLICTS_DIR) -> Path:
    """A profile's folder: a conflict id under ``data/conflicts/``, or a path to a folder."""
    folder = Path(conflict)
    if not (folder / PROFILE_FILE).is_file():
        folder = conflicts_dir / str(conflict)
    if not (folder / PROFILE_FILE).is_file():
        known = sorted(p.name for p in conflicts_dir.iterdir() if (p / PROFILE_FILE).is_file()) if conflicts_dir.is_dir() else []
        raise ProfileError(f"no conflict profile {conflict!r} (no {PROFILE_FILE} in {folder}); known: {', '.join(known) or 'none'}")
    return folder


@lru_cache(maxsize=16)
def _load(folder: Path) -> Profile:
    path = folder / PROFILE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date YAML cannot build ("2021-13-01")
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    profile = parse_profile(data, folder)
    if profile.id != folder.name:
        raise ProfileError(f"{path}: id {profile.id!r} differs from its folder name {folder.name!r}")
    return profile


def load_profile(conflict: str | Path = config.DEFAULT_CONFLICT) -> Profile:
    """The profile of a conflict id (``data/conflicts/<id>``) or of a profile folder; loaded once per process."""
    return _load(profile_folder(conflict).resolve())
