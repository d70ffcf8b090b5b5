"""The contract between extraction and the later stages: one coded mention, and the parts it is coded from."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime


@dataclass(frozen=True)
class PlaceRef:
    """A place as written in a sentence (offsets within the text it was found in)."""

    start: int
    end: int
    surface: str
    precision: int = 1
    anaphoric: bool = False
    group_start: int | None = None  # index, within its clause, of the first place of its list
    feature: str = ""  # the gazetteer's kind of place ("city", "town", "village", ...)
    admin1: str = ""  # first-level division the gazetteer puts it in
    country: str = ""  # country the gazetteer puts it in
    location: str = ""  # the gazetteer's name of the place
    is_admin: bool = False  # the name of a district or province
    rule: str = "place.gazetteer"  # how the place was found
    precision_rule: str = ""  # what set precision 2, if anything
    village: str = ""  # a village the gazetteer lacks, named "Z village of X": X is this place
    offset: tuple[float, float] | None = None  # (km, bearing) of that village from this place: "Z (15km south-east of X)"


@dataclass(frozen=True)
class Act:
    start: int
    end: int
    sub_event_type: str  # or "generic" / "violation"
    rule: str = ""


@dataclass
class Clause:
    start: int  # offsets within the sentence
    end: int
    text: str
    places: list[PlaceRef] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)


@dataclass(slots=True)
class Mention:
    """One event mention: one act at one place told by one sentence of one report.

    Extraction fills everything up to ``truce_timing`` (figures may be revised by later sentences
    of the same report); geocoding fills the place fields; merging gives the ids. Slotted: a build of
    many reports holds hundreds of thousands of mentions, and a slot costs a fifth of a dict entry.
    """

    report_id: str
    outlet: str | None
    published: datetime
    sentence: str
    char_start: int
    char_end: int
    date_expression: str | None
    event_date: date
    date_start: date
    date_end: date
    date_precision: str
    time_utc: datetime | None
    event_type: str
    sub_event_type: str
    act_generic: bool  # the act does not say its means ("attacked"): it joins an incident of its kind
    perpetrator: str | None
    perpetrator_side: str | None
    target: str
    target_actor: str | None
    target_side: str | None
    civilian_targeting: bool
    claimants: list[str]
    claimant_side: str | None
    claim_status: str
    location_mention: str
    geo_precision: int
    truce_timing: str | None
    entry: int = 0  # the live-blog entry (0 for a plain report) the sentence belongs to
    claimant_sides: list[str] = field(default_factory=list)
    place_admin1: str = ""  # the first-level division the text's place reading suggests
    clock_is_local: bool = False  # time_utc comes from a clock told in local time (no zone named)
    village_mention: str = ""  # a village the gazetteer lacks, in this mention's district (an online geocoder may place it)
    village_offset: list[float] = field(default_factory=list)  # [km, bearing] of that village from the place named
    rules: list[str] = field(default_factory=list)
    killed: int | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    killed_women: int | None = None
    killed_children: int | None = None
    injured_women: int | None = None
    injured_children: int | None = None
    # geocoding
    location: str | None = None
    admin1: str | None = None
    country_iso3: str | None = None
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    # merging
    mention_id: str | None = None
    event_id: str | None = None

    @classmethod
    def from_fields(cls, values: dict) -> Mention:
        """A mention from a value for every one of its fields (no default to fill: ``__init__`` is skipped, which
        is what makes mentions read back from the cache cheap)."""
        mention = object.__new__(cls)
        for name, slot in _SLOTS:
            slot.__set__(mention, values[name])
        return mention

    def add_rule(self, rule: str) -> None:
        if rule and rule not in self.rules:
            self.rules.append(rule)


_SLOTS = tuple((f.name, getattr(Mention, f.name)) for f in fields(Mention))  # each field's slot descriptor
# Fields whose words recur across reports (kinds of act, sides, rules, place names); a sentence rarely does.
_WORDS = tuple(slot for name, slot in _SLOTS if name != "sentence" and str(Mention.__annotations__[name]).startswith("str"))
_WORD_LISTS = tuple(slot for name, slot in _SLOTS if Mention.__annotations__[name] == "list[str]")


def share_words(mentions: list[Mention], pool: dict[str, str]) -> None:
    """Make equal words of many reports' mentions one object (``pool`` maps each word to the one kept).

    Mentions that come back from worker processes or the cache carry their own copy of every string; a build
    that holds a hundred thousand reports' mentions would keep the same few hundred words millions of times.
    """
    for mention in mentions:
        for slot in _WORDS:
            value = slot.__get__(mention)
            if value is not None:
                slot.__set__(mention, pool.setdefault(value, value))
        for slot in _WORD_LISTS:
            words = slot.__get__(mention)
            if words:
                words[:] = [pool.setdefault(word, word) for word in words]
FIGURE_KEYS = tuple(f.name for f in fields(Mention) if f.name.startswith(("killed", "injured")))
