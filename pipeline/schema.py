"""The one source of truth for every published table.

Each table is a list of :class:`Field`. The pyarrow schemas written to Parquet,
the codebook and the Great Expectations suites are all derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

EVENT_TYPES = {
    "Explosions/Remote violence": ("Shelling/artillery/missile attack", "Air/drone strike"),
    "Battles": ("Armed clash",),
    "Violence against civilians": ("Attack",),
}
SUB_EVENT_TYPES = tuple(s for subs in EVENT_TYPES.values() for s in subs)
TARGETS = ("civilians", "military", "unknown")
CLAIM_STATUSES = ("alleged", "denied", "contested", "observed")
DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = (1, 2, 3)
TRUCE_TIMING = ("after_start", "before_start")
REJECT_STAGES = ("ingest", "dates", "extract", "geocode")
DROP_STAGES = ("geocode",)
PUBLISHED_NOTES = ("no_zone", "unreadable", "implausible", "missing")

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class PartyCodes:
    """Allowed values that come from the conflict profile: its party codes, then fixed extras."""

    extra: tuple[str, ...] = ()

    def resolve(self, profile) -> tuple[str, ...]:
        return (*profile.party_codes, *self.extra)

    def describe(self) -> str:
        return ", ".join(["the conflict profile's party codes", *self.extra])


SIDES = PartyCodes()
CLAIMANT_SIDES = PartyCodes(("independent", "multiple"))
SIDES_OR_UNKNOWN = PartyCodes(("unknown",))


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    allowed: tuple | PartyCodes | None = None
    example: object = None
    unique: bool = False

    def allowed_values(self, profile=None) -> tuple | None:
        """The allowed values; party codes come from ``profile`` (None when it is not given)."""
        if isinstance(self.allowed, PartyCodes):
            return self.allowed.resolve(profile) if profile is not None else None
        return self.allowed

    def to_pyarrow(self, profile=None) -> pa.Field:
        meta = {"description": self.description}
        allowed = self.allowed_values(profile)
        if allowed is not None:
            meta["allowed"] = ", ".join(str(a) for a in allowed)
        elif isinstance(self.allowed, PartyCodes):
            meta["allowed"] = self.allowed.describe()
        return pa.field(self.name, self.type, nullable=self.nullable, metadata=meta)


def _casualty_fields(prefix: str = "") -> list[Field]:
    """killed/injured best, low, high and the breakdowns by women and children."""
    fields = []
    for what, verb in (("killed", "killed"), ("injured", "injured")):
        fields += [
            Field(f"{what}", pa.int32(), f"Best estimate of people {verb}{prefix}; null when not reported, 0 only where the text says none.", example=9),
            Field(f"{what}_low", pa.int32(), f"Lowest reported figure of people {verb}{prefix}.", example=7),
            Field(f"{what}_high", pa.int32(), f"Highest reported figure of people {verb}{prefix}.", example=10),
        ]
    for what in ("killed", "injured"):
        for who in ("women", "children"):
            fields.append(Field(f"{what}_{who}", pa.int32(), f"Of those {what}, how many were {who}{prefix}.", example=4))
    return fields


_DATE_FIELDS = [
    Field("event_date", pa.date32(), "Local calendar date at the place of the event.", nullable=False, example="2020-10-11"),
    Field("date_start", pa.date32(), "Earliest date the event can have happened (equals event_date at day precision).", nullable=False, example="2020-10-11"),
    Field("date_end", pa.date32(), "Latest date the event can have happened.", nullable=False, example="2020-10-11"),
    Field("date_precision", pa.string(), "How precisely the date is known.", nullable=False, allowed=DATE_PRECISIONS, example="day"),
    Field("time_utc", UTC_TIMESTAMP, "Instant of the event in UTC where a clock time is reported.", example="2020-10-10T22:00:00Z"),
]

_ACT_FIELDS = [
    Field("event_type", pa.string(), "ACLED event type.", nullable=False, allowed=tuple(EVENT_TYPES), example="Explosions/Remote violence"),
    Field("sub_event_type", pa.string(), "ACLED sub-event type.", nullable=False, allowed=SUB_EVENT_TYPES, example="Shelling/artillery/missile attack"),
    Field("perpetrator", pa.string(), "Normalized name of the alleged perpetrator's forces, as the conflict profile names them."),
    Field("perpetrator_side", pa.string(), "Party said to have acted: a party code of the conflict profile (a state's ISO3, or a non-state party's code).", allowed=SIDES),
    Field("target", pa.string(), "Who was hit or targeted.", nullable=False, allowed=TARGETS, example="civilians"),
    Field("target_actor", pa.string(), "Normalized name of the target: the hit party's civilians or forces, as the profile names them."),
    Field("target_side", pa.string(), "Party whose forces or civilians were hit (a party code of the conflict profile).", allowed=SIDES),
    Field("civilian_targeting", pa.bool_(), "True where the target is civilians.", nullable=False, example=True),
    Field("claimants", pa.list_(pa.string()), "Normalized names of everyone who asserts the event.", nullable=False),
    Field("claimant_side", pa.string(), "Side of the claimants: one party code, 'independent', or 'multiple'.", allowed=CLAIMANT_SIDES),
    Field("claim_status", pa.string(), "alleged, denied (by the other side), contested (claims from both sides) or observed (independent witness).", nullable=False, allowed=CLAIM_STATUSES, example="denied"),
]

_PLACE_FIELDS = [
    Field("location", pa.string(), "Canonical place name (GeoNames spelling where GeoNames has it).", nullable=False),
    Field("location_mention", pa.string(), "The place as written in the report.", nullable=False),
    Field("admin1", pa.string(), "First-level division (rayon or province) of the country."),
    Field("country_iso3", pa.string(), "Country in whose internationally recognised territory the place lies.", nullable=False),
    Field("geonameid", pa.int64(), "GeoNames id of the place, null for supplement entries without one."),
    Field("latitude", pa.float64(), "WGS84 latitude.", nullable=False),
    Field("longitude", pa.float64(), "WGS84 longitude.", nullable=False),
    Field("geo_precision", pa.int8(), "1 town itself; 2 district, front direction or near a town (district centre coordinates); 3 larger region.", nullable=False, allowed=GEO_PRECISIONS, example=1),
]

_TRUCE_FIELD = Field("truce_timing", pa.string(), "What the text says of the act's timing relative to a truce's start, if anything.", allowed=TRUCE_TIMING, example="after_start")

EVENTS = [
    Field("event_id", pa.string(), "Stable id: a hash of date, place, act and perpetrator side.", nullable=False, unique=True, example="ev-3f2a9c1b7d4e"),
    *_DATE_FIELDS,
    *_ACT_FIELDS,
    *_PLACE_FIELDS,
    *_casualty_fields(),
    _TRUCE_FIELD,
    Field("ceasefire_id", pa.string(), "The ceasefire in force at the event's time, if any."),
    Field("during_ceasefire", pa.bool_(), "True when the event falls at or after the start of the ceasefire in force.", nullable=False, example=True),
    Field("hours_since_ceasefire_start", pa.float64(), "Hours from the start of the ceasefire in force to the event (its time, else the start of its date).", example=14.0),
    Field("source_count", pa.int32(), "Number of reports supporting the event.", nullable=False, example=3),
    Field("report_ids", pa.list_(pa.string()), "Ids of the reports that support the event.", nullable=False),
    Field("outlets", pa.list_(pa.string()), "Outlets of those reports.", nullable=False),
    Field("evidence", pa.string(), "The sentences the event was coded from, each prefixed by report id and character offsets.", nullable=False),
    Field("notes", pa.string(), "One ACLED-style summary sentence.", nullable=False),
    Field("rules", pa.list_(pa.string()), "Ids of the extraction rules that coded the event's mentions (cues and named patterns of data/lang, data/conflicts).", nullable=False, example=["cue.act.shelling.1", "place.gazetteer"]),
]

MENTIONS = [
    Field("mention_id", pa.string(), "Stable id of one coded sentence-level mention.", nullable=False, unique=True, example="mn-91ab03c2d4e5"),
    Field("report_id", pa.string(), "Report the mention comes from.", nullable=False),
    Field("event_id", pa.string(), "Event the mention was merged into.", nullable=False, example="ev-3f2a9c1b7d4e"),
    Field("outlet", pa.string(), "Outlet of the report."),
    Field("published", UTC_TIMESTAMP, "Publication instant of the report (UTC).", nullable=False),
    Field("sentence", pa.string(), "The sentence the mention was coded from.", nullable=False),
    Field("char_start", pa.int32(), "Offset of the sentence's first character in the article text.", nullable=False, example=120),
    Field("char_end", pa.int32(), "Offset just past the sentence's last character in the article text.", nullable=False, example=260),
    Field("date_expression", pa.string(), "The date expression the date was resolved from, if any.", example="on Sunday"),
    *_DATE_FIELDS,
    *_ACT_FIELDS,
    *_PLACE_FIELDS,
    *_casualty_fields(" as this mention reports it"),
    _TRUCE_FIELD,
    Field("rules", pa.list_(pa.string()), "Ids of the extraction rules that coded this mention: the act's cue, how the place, sides, target, claimants, date and figures were found.", nullable=False, example=["cue.act.shelling.1", "place.gazetteer", "timeline.own_date"]),
]

ARTICLES = [
    Field("report_id", pa.string(), "Report id: front matter id, else the file stem (jsonl: line id, else stem plus line number).", nullable=False, unique=True),
    Field("title", pa.string(), "Title of the report."),
    Field("outlet", pa.string(), "Publishing outlet."),
    Field("url", pa.string(), "URL of the report: the URL a pulled page was fetched from, else the one its front matter, JSON line or saved page (canonical link, else og:url) names."),
    Field("published", UTC_TIMESTAMP, "Publication instant in UTC; null only for an undated report (none given or usable, and none can be inferred from the text), from which no event is coded.", nullable=True),
    Field("published_utc_offset_minutes", pa.int16(), "UTC offset the publication time was given in (local to the outlet); 0 where unknown.", nullable=False, example=240),
    Field("published_inferred", pa.bool_(), "True where the publication date was inferred from the text (coding rules §4.3), as midnight UTC of the inferred day.", nullable=False, example=False),
    Field("published_note", pa.string(), "Why published is not simply the input's own value: no_zone (given without a UTC offset, read as UTC), unreadable (given but not ISO 8601, ignored), implausible (given after the build or before the conflict's first year, ignored), missing (not given); null when it is.", allowed=PUBLISHED_NOTES, example="no_zone"),
    Field("language", pa.string(), "Language code.", example="en"),
    Field("text", pa.string(), "Text used for extraction (boilerplate lines removed); evidence offsets refer to it.", nullable=False),
    Field("raw_path", pa.string(), "Path of the raw file, relative to the raw folder.", nullable=False),
    Field("raw_line", pa.int32(), "Line number in a .jsonl raw file (1-based), else null.", example=3),
    Field("content_sha1", pa.string(), "SHA-1 of the text with whitespace runs collapsed to one space, used to drop duplicate articles.", nullable=False),
]

CEASEFIRES = [
    Field("ceasefire_id", pa.string(), "Ceasefire id.", nullable=False, unique=True),
    Field("name", pa.string(), "Name of the ceasefire.", nullable=False),
    Field("conflict", pa.string(), "Conflict the ceasefire belongs to.", nullable=False),
    Field("start_utc", UTC_TIMESTAMP, "Instant the ceasefire took effect, in UTC.", nullable=False),
    Field("start_local", pa.string(), "Start as announced, ISO 8601 with its UTC offset.", nullable=False),
    Field("parties", pa.list_(pa.string()), "Parties to the ceasefire (party codes of the conflict profile).", nullable=False),
    Field("mediator", pa.string(), "Mediating state or organisation."),
    Field("terms", pa.string(), "Terms that matter (exchanges, monitoring)."),
    Field("source", pa.string(), "Where the start instant and terms come from (outlet, URL, date).", nullable=False),
]

REJECTS = [
    Field("raw_path", pa.string(), "Raw file (relative to the raw folder).", nullable=False),
    Field("line", pa.int32(), "Line of a .jsonl file, else null."),
    Field("stage", pa.string(), "Stage that rejected the input.", nullable=False, allowed=REJECT_STAGES),
    Field("error", pa.string(), "Why it was rejected.", nullable=False),
]

DROPPED_MENTIONS = [
    Field("report_id", pa.string(), "Report the mention comes from.", nullable=False),
    Field("sentence", pa.string(), "The sentence the mention was coded from.", nullable=False),
    Field("char_start", pa.int32(), "Offset of the sentence's first character in the article text.", nullable=False, example=120),
    Field("location_mention", pa.string(), "The place as written in the report.", nullable=False),
    Field("stage", pa.string(), "Stage that dropped the mention.", nullable=False, allowed=DROP_STAGES, example="geocode"),
    Field("reason", pa.string(), "Why the mention is no event: no gazetteer entry for the place, a place outside the conflict's countries or areas, a region-only place.", nullable=False),
    Field("rules", pa.list_(pa.string()), "Ids of the extraction rules that coded the mention before it was dropped.", nullable=False),
]

CEASEFIRE_SUMMARY = [
    Field("ceasefire_id", pa.string(), "Ceasefire id.", nullable=False),
    Field("perpetrator_side", pa.string(), "Alleged perpetrator side of the row's events, 'unknown' where none; one row per ceasefire and side.", nullable=False, allowed=SIDES_OR_UNKNOWN),
    Field("start_utc", UTC_TIMESTAMP, "Instant the ceasefire took effect.", nullable=False),
    Field("end_utc", UTC_TIMESTAMP, "Instant the next ceasefire took effect, null while this one is the last."),
    Field("days_in_force", pa.float64(), "Days from the start to the next ceasefire's start, or to the latest publication of the reports while it is the last.", nullable=False),
    Field("events", pa.int32(), "Events by this side while the ceasefire was in force.", nullable=False),
    Field("events_denied", pa.int32(), "Of those, events whose claim the accused side denied.", nullable=False),
    Field("events_contested", pa.int32(), "Of those, events claimed by both sides.", nullable=False),
    Field("first_event_utc", UTC_TIMESTAMP, "This side's earliest event in force: its time, else the start of its local date."),
    Field("hours_to_first_event", pa.float64(), "Hours from the start to this side's first event."),
    Field("killed", pa.int32(), "Sum of best killed figures of these events.", nullable=False),
    Field("injured", pa.int32(), "Sum of best injured figures of these events.", nullable=False),
    Field("civilian_events", pa.int32(), "Of those, events targeting civilians.", nullable=False),
]

DAILY_VIOLATIONS = [
    Field("event_date", pa.date32(), "Local date.", nullable=False),
    Field("ceasefire_id", pa.string(), "Ceasefire in force, null for none."),
    Field("perpetrator_side", pa.string(), "Alleged perpetrator side, 'unknown' where none.", nullable=False, allowed=SIDES_OR_UNKNOWN),
    Field("events", pa.int32(), "Events that day.", nullable=False),
    Field("killed", pa.int32(), "Sum of best killed figures.", nullable=False),
    Field("injured", pa.int32(), "Sum of best injured figures.", nullable=False),
    Field("civilian_events", pa.int32(), "Events targeting civilians.", nullable=False),
]

TABLES: dict[str, list[Field]] = {
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "events": EVENTS,
    "ceasefires": CEASEFIRES,
    "rejects": REJECTS,
    "dropped_mentions": DROPPED_MENTIONS,
    "ceasefire_summary": CEASEFIRE_SUMMARY,
    "daily_violations": DAILY_VIOLATIONS,
}

TABLE_DESCRIPTIONS = {
    "articles": "One row per ingested report.",
    "mentions": "One row per coded sentence-level mention of an event.",
    "events": "One row per incident: one act, by one perpetrator side, at one place, on one local date.",
    "ceasefires": "Reference table of ceasefires with their start instants and sources.",
    "rejects": "Raw inputs that could not be processed, with the reason.",
    "dropped_mentions": "Mentions coded from the text that became no event (a place the gazetteer lacks, outside the conflict's areas, or region-only), with the reason: every mention is in an event or here.",
    "ceasefire_summary": "One row per ceasefire and perpetrator side (every party of the profile, and 'unknown'): the violations recorded while it was in force.",
    "daily_violations": "Events and casualties per day, ceasefire and perpetrator side.",
}


def arrow_schema(table: str, profile=None) -> pa.Schema:
    """The table's Arrow schema; with a profile, party-code fields carry the profile's codes as their allowed values."""
    metadata = {"table": table, "description": TABLE_DESCRIPTIONS[table]}
    if profile is not None:
        metadata["conflict"] = profile.id
    return pa.schema([f.to_pyarrow(profile) for f in TABLES[table]], metadata=metadata)


def column_names(table: str) -> list[str]:
    return [f.name for f in TABLES[table]]
