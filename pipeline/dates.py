"""Dates and clock times in report sentences (coding rules §4).

Candidate expressions are found with the regular expressions of this module; each calendar span is
then parsed on its own with dateparser's ``DateDataParser`` (English only, no ``timestamp`` parser,
``PREFER_DAY_OF_MONTH="first"``, ``RELATIVE_BASE`` = the reference's local day), and the result is
checked against the rules below. ``search_dates`` is never used: it turns "one T-72" into 1972,
"the 1990s" into "1990 seconds ago" and "from 0800 GMT" into the year 800. Parses are cached by
(span, local day of the reference); spans that carry their year are cached by span alone.

The reference is a tz-aware instant (a report's ``published`` or a live-blog entry stamp); "the
reference day" is its calendar date in the conflict's local time (:class:`LocalTime`: an IANA zone,
daylight saving included, and the zone words its reports use, such as "Kyiv time"; UTC by default).

Rules (the coding rules' §4 and §9, and the choices made where they leave room):

* Weekdays resolve to the most recent such day on or before the reference day ("on Monday" in a
  Monday report is that day). "last <weekday>" (also "previous", "past") is the most recent one
  strictly before the reference day: "last Sunday" in a Saturday report is six days before, "last
  Friday" in a Saturday report is the day before. "next <weekday>" is in the future, so rejected.
* "yesterday" (and "on the eve", not "on the eve of") is the day before; "today", "this morning", "tonight", "last night", "overnight",
  "at dawn", "since the beginning of the day", "since midnight" are the reference day; "the previous day", "the day
  before" and "a day earlier" are the day before it. When the sentence also has a day in a reporting frame ("the
  ministry said on Monday that ... overnight"), these words count from that day instead. "just
  now" / "moments ago" give the reference day and the reference instant as the clock time. A
  relative word capitalised inside a sentence is a name ("Russia Today") and is rejected.
  Anaphoric words ("the following day", "the same night") give nothing: the caller carries the
  previous event's date.
* "early hours of Sunday", "late on Saturday", "Saturday night", "overnight into Tuesday", "the
  night to 17 October", "the night of 16 to 17 October", "the night of Saturday to Sunday" are
  the named (later) day.
* Dates without a year are their latest occurrence on or before the reference day ("December 30"
  in a January report is last year's) when that is at most 300 days back; otherwise they are the
  next occurrence, a future date ("January 4" in a December report, "November 26" in an October
  one), so rejected. A weekday written with the date picks the other reading when only that one
  fits. A month without a year is this month or one of the eleven before; the next month is future.
* Week precision: "this week" / "earlier this week" = Monday .. reference day; "last week" = the
  previous Monday-Sunday; "the past week" = the seven days ending on the reference day; "N weeks
  ago" = the Monday-Sunday week containing the day N*7 days before; weekends are Saturday-Sunday;
  a day range within seven days ("10-12 October") is week precision too, a longer one month.
  Month precision: "this month" / "earlier this month" = 1st .. reference day; "last month";
  "in October", "October 2020", "mid-October" (early = 1-10, mid = 11-20, late = 21-end).
  ``DayExpression.event_date`` is ``date_start`` for every precision (aggregation by the start of
  the range, never a midpoint). Ranges are cut at the reference day.
* Years alone are never an event date, nor decades, weapon designations (T-72, BM-21, 2S1, 9M55),
  counts ("11 hours", "three decades", "six-week") or war days ("Day 27", "27th day"): they are
  listed in ``SentenceDate.rejected``. So is every expression whose date falls after the
  reference day (never clamped).
* Several day expressions in one sentence: a day in a reporting frame ("said on Monday", "in a
  statement on Monday", "told Trend on Monday", "Monday's statement", a wire dateline) or in a
  background frame ("since", "began on", "took effect on", "the truce of October 10") is used only
  when nothing else is there; then named days beat relative words, which beat weeks, which beat
  months; then the first in the sentence wins.
* Clock times: the first clock time of the sentence (clocks in reporting frames last). When a
  clock and its equivalent in another zone are given side by side ("10:44 (0644 GMT)", "0800 GMT
  (local time 12pm)"), the local one is kept; a zone-less one in such a pair takes the offset that
  the pair implies. A clock with no zone is local time (``utc_offset_minutes`` None).
* A named day is read in the zone of the clock it stands next to: "21:00 GMT on Friday" is Friday
  in GMT, so ``event_instant`` gives the local date Saturday 01:00. When the day stands next to
  the GMT member of a local/GMT pair ("3am local time (23:00 GMT on Friday)"), the returned day is
  moved to the local date of that instant (Saturday), so that it goes with the local clock.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline.text import opens_a_sentence

PRECISIONS = ("day", "week", "month", "year")
FALSE_FRIEND_KINDS = ("year", "decade", "designation", "count", "daynum")

# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class ClockTime:
    """A reported clock time; ``utc_offset_minutes`` is None when the text gives no zone (local)."""

    hour: int
    minute: int
    utc_offset_minutes: int | None
    expression: str
    start: int
    end: int


@dataclass(frozen=True)
class DayExpression:
    """A resolved calendar expression: local dates ``date_start`` .. ``date_end`` at ``precision``."""

    date_start: date
    date_end: date
    precision: str
    expression: str
    start: int
    end: int
    background: bool = False  # in a background frame ("since ...", "erupted on ...", "took effect on ...")
    aside: bool = False  # the day of something else: a truce or its talks ("the ceasefire agreed on Saturday"), or
    # told in a relative clause ("Gubadli, which troops took this week")
    # more days a list or "and" joins to it ("October 5, 8 and 27", "during October 24 and on the night of October 25"): the acts were on each
    also: tuple[date, ...] = ()
    reported: bool = False  # the day of a reporting frame ("said on Saturday", "in a statement on Saturday")

    @property
    def event_date(self) -> date:
        """The date an event is coded on: ``date_start`` for every precision (never a midpoint)."""
        return self.date_start


@dataclass(frozen=True)
class SentenceDate:
    day: DayExpression | None
    clock: ClockTime | None
    rejected: tuple[str, ...]  # expressions seen but not used as a date (false friends, future dates)


# --------------------------------------------------------------------------- vocabulary

MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
MONTH_NAMES = ("", *calendar.month_name[1:])
WEEKDAY_NUMBERS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
    "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
WEEKDAY_NAMES = tuple(calendar.day_name)
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
# Zones every report may name; a conflict adds its own words (LocalTime.words).
ZONE_OFFSETS = {"gmt": 0, "utc": 0, "z": 0}


@dataclass(frozen=True)
class LocalTime:
    """The local time of a conflict: its zone, and zone words its reports use ("Kyiv time") with their zones."""

    zone: tzinfo = UTC
    words: tuple[tuple[str, str], ...] = ()  # (lower-case phrase, IANA zone name)
    past_day_back: int = 1  # days before the report that a bulletin's "over the past day" means (0: the report's own day)

    @classmethod
    def of(cls, zone: str | tzinfo, words: Mapping[str, str] | None = None, past_day_back: int = 1) -> LocalTime:
        return cls(ZoneInfo(zone) if isinstance(zone, str) else zone, tuple(sorted((words or {}).items())), past_day_back)

    def offset_minutes(self, instant: datetime) -> int:
        """The zone's UTC offset at an instant (daylight saving included)."""
        return int(_aware(instant).astimezone(self.zone).utcoffset().total_seconds() // 60)

    def word_offset(self, phrase: str, instant: datetime) -> int | None:
        name = dict(self.words).get(phrase)
        if name is None:
            return None
        return int(_aware(instant).astimezone(ZoneInfo(name)).utcoffset().total_seconds() // 60)


UTC_TIME = LocalTime()

# --------------------------------------------------------------------------- patterns

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_ANY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_PRE = (
    r"(?i:(?:the\s+)?(?:early|small|wee)\s+hours\s+of|(?:the\s+)?(?<![\w-])night\s+(?:to|into|of|from|on|between)|overnight(?:\s+(?:into|to|on))?"
    r"|late\s+on|early\s+on|late|early|last|previous|past|next|coming|this)"
)
_GENERIC_ZONE = r"local\s+time|GMT\s*[+-]\s*\d{1,2}(?::?\d\d)?|UTC\s*[+-]\s*\d{1,2}(?::?\d\d)?|GMT|UTC"


def _zone_patterns(words: tuple[str, ...]) -> tuple[str, str, str]:
    """(zone, zone after a clock, zone before a clock) patterns for the generic zones and a conflict's zone words."""
    phrases = [r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)]
    zone = rf"(?i:{'|'.join([_GENERIC_ZONE, *phrases])})(?!\w)|Z(?!\w)"
    before = [r"local\s+time", *(p for w, p in zip(sorted(words, key=len, reverse=True), phrases, strict=True) if " " in w)]
    return zone, rf"(?:\s*\(?\s*(?P<zone>{zone})(?:\s*\))?)?", rf"(?:(?P<prezone>(?i:{'|'.join(before)}))\s+)?"
_AMPM = r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![A-Za-z])"



def _day_patterns() -> list[tuple[str, str]]:
    """(sub-kind, pattern) of day expressions and false friends; overlaps are resolved longest first."""
    return [
    ("mdy", rf"(?:(?P<pre>{_PRE})\s+)?(?:(?P<wd>{_WD_ANY}),?\s+)?(?P<mon>{_MONTH})(?:\s+|(?<=\.))(?P<d>{_DAY})"
            rf"(?:\s*(?:[-–]|(?i:(?:leading\s+)?(?:to|into)|until|till))\s*(?:(?P=mon)\s+)?(?P<d2>{_DAY}))?(?!\d|:\d)\b(?:,?\s+(?P<y>{_YEAR})\b)?"),
    ("dmy", rf"(?:(?P<pre>{_PRE})\s+)?(?:(?P<wd>{_WD_ANY}),?\s+)?(?:(?i:the)\s+)?(?<![\w.,:/-])(?P<d>{_DAY})"
            rf"(?:\s*(?:[-–]|(?i:to|and|until|till))\s*(?P<d2>{_DAY}))?\s+(?:(?i:of)\s+)?(?P<mon>{_MONTH})(?![a-z])"
            rf"(?:,?\s+(?P<y>{_YEAR})\b)?"),
    ("iso", r"(?<![\w-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w-])"),
    ("dotted", r"(?<![\w.])(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d\d)(?!\d)"),
    ("month", rf"(?P<cue>(?i:in|during|since|throughout|until|till|through|from|by|of|early|mid|late|end\s+of|beginning\s+of|start\s+of|middle\s+of))"
              rf"[\s-]+(?:(?P<part>(?i:early|mid|late))[\s-]+)?(?P<mon>{_FULL_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b(?!\.?\s*\d)"),
    ("month_year", rf"(?<![\w.])(?P<mon>{_MONTH})\s+(?P<y>{_YEAR})\b"),
    ("weekday", rf"(?:(?P<pre>{_PRE})\s+)?(?:(?P<wd0>{_WD})\s*[-–/]\s*)?(?P<wd>{_WD})(?P<poss>['’]s)?"
                rf"(?:\s+(?P<part>(?i:morning|afternoon|evening|night|midday|overnight)))?(?![\w-])"),
    ("weekday_night", rf"(?i:(?:the\s+)?night\s+(?:of|from))\s+(?P<wd0>{_WD})\s+(?i:to|into|and)\s+(?P<wd>{_WD})\b"),
    ("weekday_night", rf"(?P<wd0>{_WD})\s+(?i:night)\s+(?i:and\s+)?(?i:into|to)\s+(?P<wd>{_WD})\b"),
    ("relative", r"(?i:\b(?:the\s+day\s+before\s+yesterday|yesterday(?:['’]s)?(?:\s+(?:morning|afternoon|evening))?|on\s+the\s+eve(?!\s+of)"
                 r"|(?:on\s+)?the\s+previous\s+day|a\s+day\s+earlier|the\s+day\s+before(?!\s+(?:yesterday|the|a|an|its|their|his|her)\b)"
                 r"|(?:(?:during|over|in)\s+)?the\s+(?:last|past)\s+day(?!\s+of)|(?<!the\s)last\s+day(?!\s+of)"
                 r"|(?:earlier|later)\s+today|today(?:['’]s)?|tonight|(?:early|late)\s+(?:this|today)\s+(?:morning|afternoon|evening)"
                 r"|this\s+(?:morning|afternoon|evening)|(?:late\s+)?last\s+night|overnight|(?:throughout|during|in)\s+the\s+night(?!\s+(?:of|from|before|to|into|between))"
                 r"|(?:at|around|before|since)\s+(?:dawn|daybreak|first\s+light)"
                 r"|(?:since|from)\s+(?:the\s+)?(?:beginning|start)\s+of\s+(?:the|this|today['’]s)\s+day|since\s+midnight|the\s+current\s+day"
                 r"|(?P<now>just\s+now|moments\s+ago|(?:a\s+few\s+|several\s+)?minutes\s+ago)"
                 r"|(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>days?|weeks?)\s+ago)\b)"),
    ("period", r"(?i:\b(?:(?P<wk>(?:earlier|later)\s+this\s+week|this\s+week|last\s+week|(?:over\s+)?the\s+past\s+(?:week|seven\s+days))"
               r"|(?P<we>(?:last|this|at\s+the|over\s+the)\s+weekend)"
               r"|(?P<mo>(?:earlier|later)\s+this\s+month|this\s+month|last\s+month|(?:over\s+)?the\s+(?:past|last)\s+month(?!\s+of\b)))\b)"),
    # false friends (kept apart so that they can never become dates, and logged)
    ("decade", r"(?i:\b(?:(?:early|mid|late)[\s-]+)?(?:19|20)\d0['’]?s\b)"),
    ("year", r"(?<![\w.,:/-])(?:19|20)\d\d(?![\w:/-]|[.,]\d)"),
    ("designation", r"(?<![\w-])(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)-)(?:[A-Z][A-Za-z]{0,3}-\d{1,4}[A-Za-z]{0,3}\d?|\d[A-Z]\d{1,3}[A-Z]?)(?![\w-])"),
    ("count", r"(?i:\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\s+few|many|few|some)[\s-]+"
              r"(?:hours?|days?|weeks?|months?|years?|decades?)\b(?!\s+(?:ago|later|earlier|before|after|from\s+now)|[\s-]+old\b))"),
    ("daynum", r"(?i:\bday\s+\d{1,3}\b|\b\d{1,3}(?:st|nd|rd|th)\s+day\b)"),
    ]


def _clock_patterns(zone: str, zone_after: str, prezone: str) -> list[tuple[str, str]]:
    return [
    ("t24", rf"{prezone}(?<![\d.,:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])(?:\s*{_AMPM})?{zone_after}"),
    ("t12", rf"{prezone}(?<![\d.,:])(?P<h>1[0-2]|0?[1-9])(?:\.(?P<m>[0-5]\d))?\s*{_AMPM}{zone_after}"),
    ("hhmm", rf"(?<![\d.,:])(?P<hm>(?:[01]\d|2[0-3])[0-5]\d)(?:\s*\(?\s*(?P<zone>{zone})(?:\s*\))?|\s*(?P<hrs>(?i:hrs|hours)))"),
    ("hhmm_at", rf"(?:(?<=\b(?i:at) )|(?<=\b(?i:from) )|(?<=\b(?i:until) )|(?<=\b(?i:till) )|(?<=\b(?i:since) )|(?<=\b(?i:by) ))"
                rf"(?P<hm>0\d[0-5]\d)(?![\d,.]){zone_after}"),
    ("noon", rf"(?i:\b(?P<lead>at|around|about|from|since|after|shortly\s+after|just\s+after|soon\s+after)\s+"
             rf"(?:about\s+|around\s+|approximately\s+|roughly\s+)?(?:12\s+)?(?P<noon>midnight|noon|midday)\b){zone_after}"),
    ]
# Cheap triggers: a pattern is only run on text where its trigger occurs.
_TRIGGERS = {
    "month": r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
    "weekday": r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day",
    "digit": r"\d",
    "relative": r"(?i:yesterday|today|tonight|morning|afternoon|evening|night|dawn|daybreak|first\s+light|ago|just\s+now|the\s+eve\b|(?:last|past)\s+day|(?:beginning|start)\s+of|current\s+day|previous\s+day|day\s+(?:earlier|before))",
    "period": r"(?i:week|month)",
    "noon": r"(?i:noon|midnight|midday)",
    "count": r"(?i:hour|day|week|month|year|decade)",
    "daynum": r"(?i:day)",
}
_TRIGGER_OF = {
    "mdy": "month", "dmy": "month", "month": "month", "month_year": "month", "weekday": "weekday", "weekday_night": "weekday",
    "relative": "relative", "period": "period", "noon": "noon", "count": "count", "daynum": "daynum",
}
_TRIGGER_RX = {name: re.compile(rx) for name, rx in _TRIGGERS.items()}
_DAY_COMPILED = [(sub, _TRIGGER_OF.get(sub, "digit"), re.compile(pattern)) for sub, pattern in _day_patterns()]


@lru_cache(maxsize=16)
def _compiled(words: tuple[str, ...]) -> list[tuple[str, str, re.Pattern]]:
    """Every candidate pattern in order (false friends last), the clock patterns knowing a conflict's zone words."""
    clocks = [(sub, _TRIGGER_OF.get(sub, "digit"), re.compile(pattern)) for sub, pattern in _clock_patterns(*_zone_patterns(words))]
    first_false_friend = next(i for i, c in enumerate(_DAY_COMPILED) if c[0] in FALSE_FRIEND_KINDS)
    return _DAY_COMPILED[:first_false_friend] + clocks + _DAY_COMPILED[first_false_friend:]


KIND_OF = {
    "mdy": "date", "dmy": "date", "iso": "date", "dotted": "date", "month": "month", "month_year": "month",
    "weekday": "weekday", "weekday_night": "weekday", "relative": "relative", "period": "period",
    "t24": "clock", "t12": "clock", "hhmm": "clock", "hhmm_at": "clock", "noon": "clock",
    "decade": "decade", "year": "year", "designation": "designation", "count": "count", "daynum": "daynum",
}
_DAY_KINDS = ("date", "month", "weekday", "relative", "period")

# Frames: what precedes / follows an expression.
_REPORT_VERBS = (
    r"said|says|say|told|tells|tell|reported|reports|announced|announces|stated|states|claimed|claims|added|adds|wrote|writes"
    r"|tweeted|tweets|posted|posts|published|released|issued|confirmed|confirms|denied|denies|alleged|alleges|warned|warns"
    r"|noted|notes|declared|declares|speaking|statement|statements|announcement|briefing|interview|bulletin|update|communiqu[eé]"
)
_FILL = (
    r"(?:\s+(?:(?i:in|on|at|to|via|during|through|with|a|an|the|its|his|her|their|another|separate|joint|new|own|written|televised"
    r"|video|press|news|conference|release|statement|briefing|interview|post|message|tweet|comments?|remarks|journalists|reporters"
    r"|page|channel|account|online|website|site|feed|official|social|network|media|messenger)|[A-Z][\w'’.&-]*))"
)
FRAME_BEFORE = re.compile(
    rf"(?i:\b(?:{_REPORT_VERBS}))\b{_FILL}{{0,12}},?\s+(?:(?i:on|at|this|last|late\s+on|early\s+on|around|about|late|early)\s+){{0,2}}$"
)
# "according to a statement released by the X Ministry on Sunday": the day the statement came out
RELEASED_BEFORE = re.compile(
    r"(?i:\b(?:statement|report|announcement|communiqu[eé]|bulletin|briefing|update)\s+(?:released|issued|published|posted|distributed|put\s+out)"
    r"\s+by\s+(?:[\w'’.-]+\s+){1,6}?(?:on|this|last|late\s+on|early\s+on)\s+)$"
)
FRAME_AFTER = re.compile(r"^['’]s\s+(?i:statement|briefing|report|announcement|update|bulletin|press\s+conference|news\s+conference)\b")
# "the leadership on Monday, March 6, warned ...": a day between a speaker and the verb (no act told before it)
VERB_AFTER = re.compile(rf"^,?\s+(?i:{_REPORT_VERBS})\b(?!\s+(?:by|that\s+(?:it|they)\s+(?:was|were)))")
# "On Thursday, the ministry's spokesman said that ...": a day opening the sentence, before its speaker's verb
OPENING_BEFORE = re.compile(r"^\s*[\"“]?\s*(?:(?i:on|late\s+on|early\s+on)\s+)?$")
SPEAKER_AFTER = re.compile(r"^\s*,\s+(?:[\w'’.-]+\s+){1,8}?(?i:said|says|told|reported|announced|stated|wrote|claimed|added|tweeted)\b")
DATELINE_BEFORE = re.compile(r"^\s*[A-Z][A-Z .'’-]{1,30},\s*$")
DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]{1,40}\))?\s*[-–—]")
BACKGROUND_BEFORE = re.compile(
    r"(?i:\b(?:since|began|begun|begins|begin|started|starts|erupted|unleashed|broke\s+out|took\s+effect|take\s+effect|came\s+into\s+(?:force|effect)"
    r"|became\s+effective|entered\s+into\s+force"
    r"|went\s+into\s+effect|agreed|signed|brokered|declared|ended|ending|due\s+to\s+(?:start|begin|take\s+effect)|scheduled"
    r"|expected|truce|ceasefire|cease-fire|agreement|deal|accord|war|than)\b(?:\s+(?:of|on|in|at|from|about|around|the|a))*\s+$)"
)
# A day that dates a truce or its talks, not an act: "the ceasefire agreed on Saturday", "Saturday's talks".
TRUCE_DATE_BEFORE = re.compile(
    r"(?i:\b(?:truce|ceasefire|cease-fire|armistice|agreement|deal|accord|talks)\s+(?:(?:that|which)\s+)?(?:(?:was|were|had\s+been|has\s+been)\s+)?"
    r"(?:announced|agreed|reached|signed|brokered|declared|struck|concluded|took\s+effect|came\s+into\s+(?:force|effect)|became\s+effective"
    r"|went\s+into\s+effect|held)?(?:\s+(?:of|on|in|at|from|the|a|late|early))*\s+$)"
)
ACT_VERB = re.compile(r"(?i:\b(?:hit|shelled|struck|attacked|bombed|bombarded|fired|targeted|killed|wounded|injured|damaged|destroyed)\b)")
RELATIVE_CLAUSE_BEFORE = re.compile(
    r"(?i:,[^,.;]{0,60}\b(?:(?:that|which|who)\s+|where\s+(?:the\s+)?(?:[\w-]+\s+){1,4}?)(?:was|were|had\s+been|has\s+been)\s+[^,.;]{0,60}$)"
)
TRUCE_DATE_AFTER = re.compile(  # "the October 10 truce", "the November 9 trilateral statement"
    r"^(?:['’]s)?\s+(?i:(?:(?:trilateral|tripartite|joint|peace|humanitarian)\s+)?(?:truce|ceasefire|cease-fire|armistice|talks|negotiations)"
    r"|(?:trilateral|tripartite|joint|peace)\s+(?:statement|declaration|agreement))\b"
)
BACKGROUND_AFTER = re.compile(r"^\s+(?i:truce|ceasefire|cease-fire|agreement|deal|statement|accord|war|talks|declaration)\b")
FUTURE_BEFORE = re.compile(r"(?i:\b(?:due|scheduled|expected|planned|set|will|shall|to\s+be\s+held|to\s+hold|to\s+meet)\b[\w\s,'’]{0,30}$)")
# A local and a GMT clock side by side: "10:44 (0644 GMT)", "0800 GMT (local time 12pm)".
PAIR_GAP = re.compile(r"^\s*[(\[,/]?\s*(?i:or\s+|i\.e\.\s+)?$")
# A day standing next to a clock: "21:00 GMT on Friday", "on Friday at 21:00", "Friday, 21:00".
ADJACENT_GAP = re.compile(r"^[\s,()]*(?i:on|at|of)?[\s,()]*(?i:about|around|approximately)?\s*$")


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    sub: str
    match: re.Match

    @property
    def kind(self) -> str:
        return KIND_OF[self.sub]


@lru_cache(maxsize=8192)
def _candidates(text: str, words: tuple[str, ...] = ()) -> tuple[_Span, ...]:
    triggered = {name for name, rx in _TRIGGER_RX.items() if rx.search(text)}
    found = [_Span(m.start(), m.end(), sub, m) for sub, trigger, rx in _compiled(words) if trigger in triggered for m in rx.finditer(text)]
    found.sort(key=lambda s: (-(s.end - s.start), s.start))
    kept: list[_Span] = []
    for span in found:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    kept.sort(key=lambda s: s.start)
    return tuple(kept)


def find_date_expressions(text: str, local: LocalTime | None = None) -> list[tuple[int, int, str]]:
    """Candidate spans as (start, end, kind): kinds ``date``, ``month``, ``weekday``, ``relative``,
    ``period``, ``clock``, and the false friends ``year``, ``decade``, ``designation``, ``count``, ``daynum``."""
    return [(s.start, s.end, s.kind) for s in _candidates(text, _words(local))]


def _words(local: LocalTime | None) -> tuple[str, ...]:
    return tuple(w for w, _ in local.words) if local else ()


# --------------------------------------------------------------------------- dateparser

_DP_PARSERS = ["relative-time", "custom-formats", "absolute-time"]
# Spans that carry their own year (the year of a year-less date is chosen before parsing) do not
# depend on the reference: they are parsed against one fixed base, so their cache is shared.
ABSOLUTE_BASE = date(2000, 1, 1)


@lru_cache(maxsize=512)
def _parser(base: date):
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12, 0),
        "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": _DP_PARSERS,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=65536)
def _dp(span: str, base: date) -> tuple[date | None, str | None]:
    """Parse one normalized span against a local day: (date, period) or (None, None)."""
    data = _parser(base).get_date_data(span)
    if data is None or data.date_obj is None:
        return None, None
    return data.date_obj.date(), data.period


# --------------------------------------------------------------------------- helpers


def _tz(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def _aware(instant: datetime) -> datetime:
    if isinstance(instant, pd.Timestamp):
        instant = instant.to_pydatetime()
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def local_day(instant: datetime, local: LocalTime = UTC_TIME) -> date:
    """The calendar date of an instant in local time (a naive instant is read as UTC)."""
    return _aware(instant).astimezone(local.zone).date()


def _month_number(text: str) -> int:
    return MONTH_NUMBERS[text.rstrip(".").lower()]


def _weekday_number(text: str) -> int:
    return WEEKDAY_NUMBERS[text.rstrip(".").lower()]


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


PAST_WINDOW_DAYS = 300


def _year_for(month: int, day: int, ref: date, weekday: int | None) -> date | None:
    """A year-less month/day: its latest occurrence on or before the reference day when that is at
    most 300 days back, else its next occurrence (a future date, which the caller rejects). A
    weekday written with the date picks the other of the two when only that one fits it."""
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    past = [o for o in options if o <= ref]
    future = [o for o in options if o > ref]
    if not options:
        return None
    recent = past[-1] if past else None
    upcoming = future[0] if future else None
    chosen = recent if recent is not None and (ref - recent).days <= PAST_WINDOW_DAYS else upcoming or recent
    if weekday is not None and chosen.weekday() != weekday:
        other = upcoming if chosen == recent else recent
        if other is not None and other.weekday() == weekday:
            chosen = other
    return chosen


def _month_year_for(month: int, ref: date) -> int:
    """A year-less month: this month or one of the eleven before it; the month right after the
    reference's month counts as upcoming (its date is then in the future, so rejected)."""
    back = (ref.month - month) % 12
    if back == 11:
        return ref.year + (1 if month < ref.month else 0)
    return ref.year if month <= ref.month else ref.year - 1


def _parse_calendar(y: int | None, month: int, day: int, ref: date, weekday: int | None) -> date | None:
    """One explicit calendar date, through dateparser (the year resolved by :func:`_year_for`)."""
    if y is None:
        guess = _year_for(month, day, ref, weekday)
        if guess is None:
            return None
        y = guess.year
    parsed, _ = _dp(f"{day} {MONTH_NAMES[month]} {y}", ABSOLUTE_BASE)
    return parsed


def _prefix(text: str, start: int) -> str:
    return text[max(0, start - 90):start]


def _is_framed(text: str, start: int, end: int) -> bool:
    """In a reporting frame: 'said on Monday', 'in a statement on Monday', "Monday's statement", a dateline."""
    before = _prefix(text, start)
    after = text[end:end + 40]
    if FRAME_BEFORE.search(before) or RELEASED_BEFORE.search(before) or FRAME_AFTER.match(after) or (VERB_AFTER.match(after) and not ACT_VERB.search(text[:start])):
        return True
    if OPENING_BEFORE.match(text[:start]) and SPEAKER_AFTER.match(text[end : end + 120]):
        return True
    return bool(DATELINE_BEFORE.match(text[:start]) and DATELINE_AFTER.match(after))


def _looks_like_name(text: str, start: int) -> bool:
    """A capitalised relative word inside a sentence is a name: 'Russia Today', 'the Tonight show'."""
    return text[start].isupper() and not opens_a_sentence(text, start)


def _is_background(text: str, start: int, end: int, cue: str | None = None) -> bool:
    """In a background frame: 'since ...', 'began on ...', 'took effect at ...', 'the truce of ...', '... truce'."""
    if (cue or "").lower() == "since":
        return True
    return bool(BACKGROUND_BEFORE.search(_prefix(text, start)) or BACKGROUND_AFTER.match(text[end:end + 40]))


def _in_an_aside(text: str, start: int) -> bool:
    """'..., a town that was taken by troops this week': a relative clause about something other than an act."""
    m = RELATIVE_CLAUSE_BEFORE.search(_prefix(text, start))
    return bool(m) and not ACT_VERB.search(m.group(0))


def _dates_a_truce(text: str, start: int, end: int) -> bool:
    return bool(TRUCE_DATE_BEFORE.search(_prefix(text, start)) or TRUCE_DATE_AFTER.match(text[end:end + 40]))


# --------------------------------------------------------------------------- day expressions


@dataclass(frozen=True)
class _Day:
    """A resolved day candidate before selection."""

    span: _Span
    start: date | None  # None: unparseable
    end: date | None
    precision: str
    rank: int  # 0 named day, 1 relative word, 2 week, 3 month
    relative: bool = False  # counts from the reference (or the framed day of the sentence)


def _relative_days(span: _Span, base: date, past_day_back: int = 1) -> tuple[date | None, date | None, str]:
    """'yesterday', 'today', 'overnight', 'N days ago', 'N weeks ago' counted from ``base``; a bulletin's "the past
    day" is ``past_day_back`` days before it."""
    g = span.match.groupdict()
    words = span.match.group(0).lower()
    if g.get("n"):
        n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
        if g["unit"].lower().startswith("week"):
            anchor, _ = _dp(f"{n * 7} days ago", base)
            if anchor is None:
                return None, None, "week"
            monday = anchor - timedelta(days=anchor.weekday())
            return monday, min(monday + timedelta(days=6), base), "week"
        parsed, _ = _dp(f"{n} days ago", base)
        return parsed, parsed, "day"
    if "day before yesterday" in words:
        core = "2 days ago"
    elif "yesterday" in words or re.search(r"\bthe\s+eve$|previous\s+day$|day\s+earlier$|day\s+before$", words):
        core = "yesterday"
    elif re.search(r"\blast\s+day$|\bpast\s+day$", words):  # as translated bulletins write it
        core = "yesterday" if past_day_back else "today"
    else:
        core = "today"
    parsed, _ = _dp(core, base)
    return parsed, parsed, "day"


def _resolve_day(span: _Span, ref: date, past_day_back: int = 1) -> _Day:
    g = span.match.groupdict()
    sub = span.sub
    if sub in ("mdy", "dmy"):
        month = _month_number(g["mon"])
        weekday = _weekday_number(g["wd"]) if g.get("wd") else None
        year = int(g["y"]) if g.get("y") else None
        first = _parse_calendar(year, month, _day_number(g["d"]), ref, weekday if not g.get("d2") else None)
        if first is None:
            return _Day(span, None, None, "day", 0)
        if g.get("d2"):
            second = _parse_calendar(first.year, month, _day_number(g["d2"]), ref, weekday)
            if _night_into(span, first, second):  # "the night of 13-14 September", "the night between 28 and 29 January"
                return _Day(span, second, second, "day", 0)
            if second is None or second < first or _joined_by_and(span):  # "5 and 8 October": two days (see _other_days)
                return _Day(span, first, first, "day", 0)
            return _Day(span, first, second, "week" if (second - first).days < 7 else "month", 0)
        return _Day(span, first, first, "day", 0)
    if sub in ("iso", "dotted"):
        parsed, _ = _dp(f"{int(g['y']):04d}-{int(g['m']):02d}-{int(g['d']):02d}", ABSOLUTE_BASE)
        return _Day(span, parsed, parsed, "day", 0)
    if sub in ("month", "month_year"):
        month = _month_number(g["mon"])
        year = int(g["y"]) if g.get("y") else None
        if year is None:
            year = _month_year_for(month, ref)
        parsed, _ = _dp(f"{MONTH_NAMES[month]} {year}", ABSOLUTE_BASE)
        if parsed is None:
            return _Day(span, None, None, "month", 3)
        start, end = parsed.replace(day=1), _month_end(parsed.year, parsed.month)
        part = (g.get("part") or g.get("cue") or "").lower()
        if part == "early":
            end = start.replace(day=10)
        elif part == "mid":
            start, end = start.replace(day=11), start.replace(day=20)
        elif part == "late":
            start = start.replace(day=21)
        return _Day(span, start, end, "month", 3)
    if sub in ("weekday", "weekday_night"):
        weekday = _weekday_number(g["wd"])
        pre = (g.get("pre") or "").lower()
        mode = "last" if pre in ("last", "previous", "past") else "next" if pre in ("next", "coming") else "on"
        core = {"last": "last ", "next": "next "}.get(mode, "") + WEEKDAY_NAMES[weekday]
        parsed, _ = _dp(core, ref)
        if parsed is None:  # dateparser always reads a weekday; the rule is applied on its result
            parsed = ref - timedelta(days=(ref.weekday() - weekday) % 7)
        if mode == "next":
            while parsed <= ref:
                parsed += timedelta(days=7)
        else:
            latest = ref if mode == "on" else ref - timedelta(days=1)
            while parsed > latest:
                parsed -= timedelta(days=7)
            while parsed + timedelta(days=7) <= latest:
                parsed += timedelta(days=7)
        return _Day(span, parsed, parsed, "day", 0)
    if sub == "relative":
        start, end, precision = _relative_days(span, ref, past_day_back)
        return _Day(span, start, end, precision, 1 if precision == "day" else 2, relative=True)
    if sub == "period":
        return _period(span, ref)
    raise ValueError(sub)


def _period(span: _Span, ref: date) -> _Day:
    g = span.match.groupdict()
    words = re.sub(r"\s+", " ", span.match.group(0).lower())
    if g.get("wk"):
        if "past" in words:
            return _Day(span, ref - timedelta(days=6), ref, "week", 2)
        parsed, _ = _dp("last week" if "last" in words else "this week", ref)
        if parsed is None:
            return _Day(span, None, None, "week", 2)
        monday = parsed - timedelta(days=parsed.weekday())
        return _Day(span, monday, min(monday + timedelta(days=6), ref), "week", 2)
    if g.get("we"):
        parsed, _ = _dp("last week" if words.startswith("last") else "this week", ref)
        if parsed is None:
            return _Day(span, None, None, "week", 2)
        saturday = parsed - timedelta(days=parsed.weekday()) + timedelta(days=5)
        if saturday > ref and not words.startswith("last"):
            saturday -= timedelta(days=7)
        return _Day(span, saturday, min(saturday + timedelta(days=1), ref), "week", 2)
    if "the past" in words or "the last" in words:  # "over the past month": the thirty days up to the reference
        return _Day(span, ref - timedelta(days=29), ref, "month", 3)
    parsed, _ = _dp("last month" if "last" in words else "this month", ref)
    if parsed is None:
        return _Day(span, None, None, "month", 3)
    start = parsed.replace(day=1)
    return _Day(span, start, min(_month_end(start.year, start.month), ref), "month", 3)


# --------------------------------------------------------------------------- clock times


def _zone_offset(zone: str | None, local_offset_minutes: int, local: LocalTime = UTC_TIME, at: datetime | None = None) -> int | None:
    if not zone:
        return None
    z = re.sub(r"\s+", " ", zone.strip().lower())
    if z.startswith("local"):
        return local_offset_minutes
    m = re.match(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d\d))?$", z)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        return minutes if m.group(1) == "+" else -minutes
    if z in ZONE_OFFSETS:
        return ZONE_OFFSETS[z]
    return local.word_offset(z, at) if at is not None else None


def _clock(text: str, span: _Span, local_offset_minutes: int, local: LocalTime, at: datetime) -> ClockTime | None:
    g = span.match.groupdict()
    if span.sub == "noon":
        hour, minute = (0 if g["noon"].lower() == "midnight" else 12), 0
    elif span.sub in ("hhmm", "hhmm_at"):
        hour, minute = int(g["hm"][:2]), int(g["hm"][2:])
    else:
        hour, minute = int(g["h"]), int(g.get("m") or 0)
        ampm = (g.get("ampm") or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    if hour > 23 or minute > 59:
        return None
    offset = _zone_offset(g.get("zone") or g.get("prezone"), local_offset_minutes, local, at)
    return ClockTime(hour, minute, offset, text[span.start:span.end].strip(), span.start, span.end)


def _instant(day: date, clock: ClockTime, local_offset_minutes: int) -> datetime:
    offset = clock.utc_offset_minutes if clock.utc_offset_minutes is not None else local_offset_minutes
    return datetime.combine(day, time(clock.hour, clock.minute), tzinfo=_tz(offset)).astimezone(UTC)


def _is_local(clock: ClockTime, local_offset_minutes: int) -> bool:
    return clock.utc_offset_minutes is None or clock.utc_offset_minutes == local_offset_minutes


def _implied_offset(local: ClockTime, other: ClockTime) -> int | None:
    """The offset a zone-less clock must have to name the same instant as a zoned one."""
    if other.utc_offset_minutes is None:
        return None
    utc_minutes = other.hour * 60 + other.minute - other.utc_offset_minutes
    diff = (local.hour * 60 + local.minute - utc_minutes) % 1440
    if diff > 840:
        diff -= 1440
    return diff if diff % 15 == 0 else None


def _pick_clocks(text: str, clocks: list[ClockTime], local_offset_minutes: int) -> list[tuple[ClockTime, ClockTime | None]]:
    """(clock, partner) in text order; of a local/other-zone pair only the local one is kept."""
    out: list[tuple[ClockTime, ClockTime | None]] = []
    i = 0
    while i < len(clocks):
        a = clocks[i]
        b = clocks[i + 1] if i + 1 < len(clocks) else None
        if b is not None and PAIR_GAP.match(text[a.end:b.start]) and a.utc_offset_minutes != b.utc_offset_minutes:
            keep, other = (b, a) if (_is_local(b, local_offset_minutes) and not _is_local(a, local_offset_minutes)) else (a, b)
            if keep.utc_offset_minutes is None:
                implied = _implied_offset(keep, other)
                if implied is not None:
                    keep = ClockTime(keep.hour, keep.minute, implied, keep.expression, keep.start, keep.end)
            out.append((keep, other))
            i += 2
            continue
        out.append((a, None))
        i += 1
    return out


def _adjacent(text: str, a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_end <= b_start:
        return bool(ADJACENT_GAP.match(text[a_end:b_start]))
    if b_end <= a_start:
        return bool(ADJACENT_GAP.match(text[b_end:a_start]))
    return False


# --------------------------------------------------------------------------- the sentence


def resolve_sentence(sentence: str, reference: datetime, *, local: LocalTime = UTC_TIME) -> SentenceDate:
    """The event day and clock time a sentence states, resolved against ``reference`` (see module doc)."""
    reference = _aware(reference)
    local_offset_minutes = local.offset_minutes(reference)
    ref = reference.astimezone(local.zone).date()
    spans = _candidates(sentence, _words(local))
    rejected: list[tuple[int, str]] = []
    clocks: list[ClockTime] = []
    now_clock: ClockTime | None = None
    days: list[_Day] = []
    for span in spans:
        kind = span.kind
        if kind in FALSE_FRIEND_KINDS:
            rejected.append((span.start, sentence[span.start:span.end]))
        elif kind == "clock":
            clock = _clock(sentence, span, local_offset_minutes, local, reference)
            if clock is not None:
                clocks.append(clock)
        elif span.sub in ("relative", "period") and _looks_like_name(sentence, span.start):
            rejected.append((span.start, sentence[span.start:span.end]))
        else:
            if span.sub == "relative" and span.match.group("now"):
                utc = reference.astimezone(UTC)
                now_clock = ClockTime(utc.hour, utc.minute, 0, sentence[span.start:span.end], span.start, span.end)
            days.append(_resolve_day(span, ref, local.past_day_back))

    # Clock: the first one outside reporting frames; of a local/GMT pair, the local one.
    pairs = _pick_clocks(sentence, clocks, local_offset_minutes)
    clock, partner = None, None
    if pairs:
        clock, partner = min(pairs, key=lambda p: (_is_framed(sentence, p[0].start, p[0].end), p[0].start))
    elif now_clock is not None:
        clock = now_clock

    # Days: drop unparseable and future ones, then rank.
    framed = {id(d): _is_framed(sentence, d.span.start, d.span.end) for d in days}
    anchors = [d for d in days if framed[id(d)] and not d.relative and d.precision == "day" and d.start is not None and d.start <= ref]
    anchor = anchors[0].start if anchors else None
    usable: list[tuple[tuple, _Day, bool]] = []
    for d in days:
        is_framed = framed[id(d)]
        if d.relative and anchor is not None and not is_framed:
            start, end, precision = _relative_days(d.span, anchor, local.past_day_back)
            d = _Day(d.span, start, end, precision, d.rank, relative=True)
        text = sentence[d.span.start:d.span.end]
        if d.start is None or d.start > ref:
            rejected.append((d.span.start, text))
            continue
        near_clock = [c for c in clocks if _adjacent(sentence, d.span.start, d.span.end, c.start, c.end)]
        background = _is_background(sentence, d.span.start, d.span.end, d.span.match.groupdict().get("cue")) or any(
            _is_background(sentence, c.start, c.end) for c in near_clock
        )
        # the day of a truce ("in violation of the November 9 statement, on March 24 ..."), of a reporting frame or of
        # background yields to the act's own day
        truce_day = _dates_a_truce(sentence, d.span.start, d.span.end)
        usable.append(((is_framed or background or truce_day, truce_day, d.rank, d.span.start), d, background))
    day: DayExpression | None = None
    if usable:
        _, chosen, chosen_background = min(usable, key=lambda item: item[0])
        night_end = _night_span_end(sentence, chosen, [d for _, d, _ in usable])
        if night_end is not chosen:
            chosen, clock, partner = night_end, None, None  # fire through a night has no one instant
        start, end = chosen.start, min(chosen.end, ref) if chosen.end else chosen.start
        # A day next to the GMT member of a local/GMT pair: move it to the local date of that instant.
        if partner is not None and chosen.precision == "day" and partner.utc_offset_minutes is not None and _adjacent(
            sentence, chosen.span.start, chosen.span.end, partner.start, partner.end
        ) and not _adjacent(sentence, chosen.span.start, chosen.span.end, clock.start, clock.end):
            moved = _instant(start, partner, local_offset_minutes).astimezone(_tz(local_offset_minutes)).date()
            start = end = moved
        day = DayExpression(
            start, max(end, start), chosen.precision, sentence[chosen.span.start:chosen.span.end], chosen.span.start, chosen.span.end, chosen_background,
            _dates_a_truce(sentence, chosen.span.start, chosen.span.end) or _in_an_aside(sentence, chosen.span.start),
            reported=_is_framed(sentence, chosen.span.start, chosen.span.end),
        )
        also = _other_days(sentence, chosen, [d for _, d, _ in usable], ref)
        if also and chosen.precision == "day" and not chosen.relative:
            listed = sorted({start, *also})
            day = replace(day, date_start=listed[0], date_end=listed[0], also=tuple(listed[1:]))
    rejected.sort()
    return SentenceDate(day, clock, tuple(text for _, text in rejected))


# "from 21:30 on 8 March to 04:15 on 9 March", "from the night of June 20 to the morning of June 21": fire through a night
_SPAN_CLOCK = r"(?P<h>\d{1,2})(?:[:.]?\d\d)?\s*(?P<ampm>[ap]\.?\s?m\.?\s*)?(?:hours?\s+|hrs\s+)?(?:local\s+time\s+)?on\s+"
NIGHT_SPAN_START = re.compile(rf"(?i:\bfrom\s+(?:{_SPAN_CLOCK})?$)")
NIGHT_SPAN_END = re.compile(rf"(?i:^\s*,?\s*(?:to|until|till)\s+(?:the\s+)?(?:(?:early\s+)?morning\s+of\s+|{_SPAN_CLOCK})$)")
EVENING_HOUR, MORNING_HOUR = 15, 12  # a span from this hour on one day to before that hour on the next runs through the night


def _night_span_end(sentence: str, chosen: _Day, days: list[_Day]) -> _Day:
    """The day a span through a night ends on, when ``chosen`` is its first day: the night into that day (coding rules:
    "the night to 17 October" is the 17th). Else ``chosen``."""
    if chosen.precision != "day" or chosen.relative or chosen.start is None or chosen.span.sub not in ("mdy", "dmy"):
        return chosen
    start = NIGHT_SPAN_START.search(sentence, 0, chosen.span.start)
    night = _names_a_night(chosen.span) or "evening" in sentence[max(0, chosen.span.start - 20) : chosen.span.start].lower()
    if start is None or not (night or (start.group("h") and _span_hour(start) >= EVENING_HOUR)):
        return chosen
    for later in days:
        if later.start is None or later.precision != "day" or later.start != chosen.start + timedelta(days=1):
            continue
        end = NIGHT_SPAN_END.match(sentence[chosen.span.end : later.span.start])
        if end is not None and (end.group("h") is None or _span_hour(end) < MORNING_HOUR):
            return later
    return chosen


def _span_hour(m: re.Match[str]) -> int:
    hour = int(m.group("h"))
    return hour + 12 if (m.group("ampm") or "").lower().startswith("p") and hour < 12 else hour


SECOND_DAY_JOINER = re.compile(r"\s+and\s+(?:(?:on|during|in)\s+)?(?:the\s+(?:day|night|morning|evening|afternoon)\s+of\s+)?", re.I)
LISTED_DAY_JOINER = re.compile(r",?\s+and\s+(?:(?:on|during|in)\s+)?|,\s*", re.I)  # after a list: "5, 8, and November 7"
# a bare day number continuing "October 5": ", 8", " and 27", ended by punctuation, "and" or a year ("October 5, 8 people" is no list)
LISTED_DAY_AFTER = re.compile(rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?P<d>{_DAY})(?![\d:])(?=\s*(?:[,.;)]|$|and\b|{_YEAR}\b))", re.I)
LISTED_DAY_BEFORE = re.compile(rf"(?<![\w.,:/-])(?P<d>{_DAY})\s*(?:,\s*(?:and\s+)?|\s+and\s+)$")  # the "4, " of "4, 5 and 8 October"
MAX_LISTED_DAYS = 10


def _joined_by_and(span: _Span) -> bool:
    return re.search(r"\band\b", span.match.string[span.match.end("d") : span.match.start("d2")], re.I) is not None


def _night_into(span: _Span, first: date | None, second: date | None) -> bool:
    """A night named by the two days it joins: the night into the second (coding rules: "the night to 17 October")."""
    return second is not None and first is not None and _names_a_night(span) and second >= first


def _names_a_night(span: _Span) -> bool:
    """'the night of ...', 'the night between ...', 'the night on ...' open the expression."""
    return "night" in (span.match.group("pre") or "").lower()


def _other_days(sentence: str, chosen: _Day, days: list[_Day], ref: date) -> tuple[date, ...]:
    """The days a list or "and" joins to ``chosen``, a named day: bare day numbers of its month before or after
    it ("4, 5 and 8 October", "October 5, 8, 27"), and named days "and" joins on ("and on the night of October 25").
    Only days on or before ``ref``, other than ``chosen``'s."""
    if chosen.precision != "day" or chosen.relative or chosen.start is None or chosen.span.sub not in ("mdy", "dmy", "iso", "dotted"):
        return ()
    month_days: list[int] = []
    g = chosen.span.match.groupdict()
    if chosen.span.sub == "dmy":
        if g.get("d2") and _joined_by_and(chosen.span) and not _names_a_night(chosen.span):
            month_days.append(_day_number(g["d2"]))
        head, last = chosen.span.start, chosen.start.day
        while (m := LISTED_DAY_BEFORE.search(sentence, 0, head)) and _day_number(m.group("d")) < last and len(month_days) < MAX_LISTED_DAYS:
            last = _day_number(m.group("d"))  # a list runs in order: "4, 5 and 8"
            month_days.append(last)
            head = m.start()
    pos = chosen.span.end
    if chosen.span.sub == "mdy" and not g.get("d2") and not g.get("y"):
        last = chosen.start.day
        while (m := LISTED_DAY_AFTER.match(sentence, pos)) and _day_number(m.group("d")) > last and len(month_days) < MAX_LISTED_DAYS:
            last = _day_number(m.group("d"))
            month_days.append(last)
            pos = m.end()
        if re.match(r",?\s+and\s+\d", sentence[pos:]):  # "October 9, 12 and 13 more shells": no list after all
            month_days, pos = [], chosen.span.end
    found: list[date] = []
    for n in month_days:
        try:
            found.append(chosen.start.replace(day=n))
        except ValueError:
            continue
    joiner = LISTED_DAY_JOINER if found else SECOND_DAY_JOINER
    for d in sorted(days, key=lambda d: d.span.start):
        if d.span.start < pos or not joiner.fullmatch(sentence, pos, d.span.start):
            continue
        if d.precision == "day" and not d.relative and d.start is not None:
            found.append(d.start)
            pos, joiner = d.span.end, LISTED_DAY_JOINER
    return tuple(sorted({d for d in found if d <= ref and d != chosen.start}))[:MAX_LISTED_DAYS]


def event_instant(day: date, clock: ClockTime | None, *, local: LocalTime = UTC_TIME) -> tuple[date, datetime | None]:
    """Local event date and UTC instant for a clock time on a day.

    ``day`` is the date the text names, read in the clock's own zone (the local zone when the clock
    has none): 02:00 local on 11 October -> (11 October, 2020-10-10T22:00Z); 21:00 GMT on Friday
    16 October -> (Saturday 17 October, 2020-10-16T21:00Z). Without a clock: (day, None).
    """
    if clock is None:
        return day, None
    if clock.utc_offset_minutes is None:  # local time on that day, daylight saving included
        instant = datetime.combine(day, time(clock.hour, clock.minute), tzinfo=local.zone).astimezone(UTC)
    else:
        instant = _instant(day, clock, 0)
    return instant.astimezone(local.zone).date(), instant


# --------------------------------------------------------------------------- published and stamps


def parse_published(value: str | date | datetime) -> tuple[pd.Timestamp, int]:
    """A ``published`` value -> (UTC timestamp, offset in minutes the value was given in; 0 without a zone).

    ISO 8601 strings ("2020-10-12", "2020-10-12T18:03:00+04:00", "...Z"), dates (midnight) and
    datetimes. A value without a zone is read as UTC (coding rules §1). Raises ValueError otherwise.
    """
    if isinstance(value, datetime):
        parsed = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"cannot parse published value {value!r}") from None
    else:
        raise ValueError(f"cannot parse published value {value!r}")
    offset = parsed.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if offset is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return pd.Timestamp(parsed).tz_convert("UTC").as_unit("us"), minutes
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(f"published value out of range {value!r}") from None


_STAMP_TIME = r"(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?(?:\s*\(?\s*(?P<zone>{zone})\s*\)?)?"
_STAMP_DATES = (
    rf"(?:(?P<wd>{_WD_ANY}),?\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?",
    rf"(?:(?P<wd>{_WD_ANY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?",
    r"(?P<y>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])",
)
_HEADLINE = r"(?:\s*[-–—|]\s+\S.*)?"


@lru_cache(maxsize=16)
def _stamp_patterns(words: tuple[str, ...]) -> tuple[list[re.Pattern], re.Pattern]:
    """(date-and-time stamps, time-only stamps) knowing a conflict's zone words."""
    stamp_time = _STAMP_TIME.format(zone=_zone_patterns(words)[0])
    return [re.compile(rf"^{d}(?:,?\s+(?:(?i:at)\s+)?|\s*[-–|]\s*|T){stamp_time}{_HEADLINE}$") for d in _STAMP_DATES], re.compile(rf"^{stamp_time}{_HEADLINE}$")


STAMP_DAY = [re.compile(rf"^{d}\.?$") for d in _STAMP_DATES]
STAMP_WEEKDAY = re.compile(rf"^(?P<wd>{_WD})$")


def _stamp_date(m: re.Match, ref: date) -> date | None:
    g = m.groupdict()
    month = int(g["mo"]) if g.get("mo") else _month_number(g["mon"])
    weekday = _weekday_number(g["wd"]) if g.get("wd") else None
    return _parse_calendar(int(g["y"]) if g.get("y") else None, month, _day_number(g["d"]), ref, weekday)


def _stamp_clock(m: re.Match) -> tuple[int, int, str | None] | None:
    hour, minute = int(m.group("h")), int(m.group("m"))
    ampm = (m.group("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    return (hour, minute, m.group("zone")) if hour < 24 else None


def parse_entry_stamp(line: str, reference: datetime, *, local: LocalTime = UTC_TIME) -> datetime | None:
    """A live-blog entry stamp or day header -> tz-aware instant; None when the line is neither.

    * "10 Oct 2020, 21:15", "28 October 2020, 08:24": date and time; no zone = local time.
    * "19:31 GMT - Macron urges ...": a time only; it takes the calendar date of ``reference`` (the
      latest day header or stamp, as passed by the caller) in the reference's own offset.
    * "Saturday, October 17", "23 October 2020": a day header -> midnight starting that day in the
      reference's offset (at the local offset when that would give another local date). A year-less
      header takes the year as other dates do (:func:`_year_for`). A bare weekday line is a header too.
    """
    text = line.strip()
    if text.isupper():
        text = text.title()  # "MONDAY 26 OCTOBER" as a header in capitals
    if not text or len(text) > 300 or not any(ch.isdigit() for ch in text) and not STAMP_WEEKDAY.match(text):
        return None
    reference = _aware(reference)
    local_offset_minutes = local.offset_minutes(reference)
    stamps = _stamp_patterns(_words(local))
    ref_tz = reference.tzinfo
    ref_own_day = reference.date()
    for rx in stamps[0]:
        m = rx.match(text)
        if m:
            day = _stamp_date(m, ref_own_day)
            clock = _stamp_clock(m)
            if day is None or clock is None:
                return None
            offset = _zone_offset(clock[2], local_offset_minutes, local, reference)
            tz = _tz(offset) if offset is not None else local.zone
            return datetime.combine(day, time(clock[0], clock[1]), tzinfo=tz)
    m = stamps[1].match(text)
    if m:
        clock = _stamp_clock(m)
        if clock is None:
            return None
        offset = _zone_offset(clock[2], local_offset_minutes, local, reference)
        tz = _tz(offset) if offset is not None else local.zone
        return datetime.combine(ref_own_day, time(clock[0], clock[1]), tzinfo=tz)
    day = None
    for rx in STAMP_DAY:
        m = rx.match(text)
        if m:
            day = _stamp_date(m, ref_own_day)
            break
    else:
        m = STAMP_WEEKDAY.match(text)
        if m:
            weekday = _weekday_number(m.group("wd"))
            day = ref_own_day - timedelta(days=(ref_own_day.weekday() - weekday) % 7)
    if day is None:
        return None
    header = datetime.combine(day, time(0, 0), tzinfo=ref_tz)
    if local_day(header, local) != day:
        header = datetime.combine(day, time(0, 0), tzinfo=local.zone)
    return header


AS_OF_BEFORE = re.compile(r"(?i:\bas\s+of\s+)$")
YEARLESS_SEARCH_YEARS = 40


def _yearless_weekday_date(month: int, day: int, weekday: int, near: date, earliest: date, latest: date) -> date | None:
    """The date of ``month``/``day`` that falls on ``weekday``, in the year nearest to ``near``,
    between ``earliest`` and ``latest``."""
    options = []
    for year in range(near.year - YEARLESS_SEARCH_YEARS, near.year + YEARLESS_SEARCH_YEARS + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday and earliest <= candidate <= latest:
            options.append(candidate)
    return min(options, key=lambda d: (abs((d - near).days), d)) if options else None


PLUPERFECT = re.compile(r"(?i:\bhad\b|['’]d\s+been\b)")  # "had been held on Thursday": before the time of the report


def _reports_the_day(text: str, start: int, end: int) -> bool:
    """'... which it said continued on Thursday.': a weekday closing a sentence of the current reporting
    (not a background or an aside frame) is a day the report has already seen."""
    clause = re.split(r"[.;!?\n]", text[max(0, start - 200):start])[-1]
    return (text[max(0, start - 3):start].lower() == "on " and bool(re.match(r"\s*[.;]", text[end:end + 2]))
            and not PLUPERFECT.search(clause) and not _is_background(text, start, end) and not _in_an_aside(text, start))


def _yearless_date(month: int, day: int, year: int | None, near: date, earliest: date, latest: date) -> date | None:
    """``month``/``day`` in ``year`` (the text's), else in the year nearest to ``near``; between ``earliest`` and ``latest``."""
    years = [year] if year else sorted(range(near.year - 1, near.year + 2), key=lambda y: abs(y - near.year))
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if earliest <= candidate <= latest:
            return candidate
    return None


def infer_published(
    text: str,
    *,
    near: date | None = None,
    latest: date | None = None,
    earliest_year: int | None = None,
    years_given_only: bool = False,
) -> datetime | None:
    """A missing ``published`` from the text (coding rules §4.3), as midnight UTC of the inferred day.

    The latest explicit calendar date (not one announced for the future: "due on", "scheduled
    for"), moved forward to a later weekday that the text uses in the present reporting ("In a
    statement on Monday", "the ministry said on Monday", "as of Wednesday morning"), up to six days
    on. A date's year is its own, or fixed by its weekday ("Tuesday, 27 October": the year in which
    27 October is a Tuesday nearest to ``near``, the other reports' dates; default ``latest``), or
    else the year of the text's latest dated day ("Since September 27, 2020 ... On October 15"), or
    else the year nearest to ``near``. Dates after ``latest`` (default: today) or before ``earliest_year`` (the conflict's
    first year) are not publication dates. With ``years_given_only``, only a year the text gives counts (a
    yearless day takes the year of a dated one, never a year guessed from ``near`` or a weekday). None when the
    text has no such date.
    """
    latest = latest or datetime.now(UTC).date()
    earliest = date(earliest_year, 1, 1) if earliest_year else date.min
    near = min(max(near or latest, earliest), latest)
    spans = _candidates(text)
    explicit: list[date] = []
    yearless: list[tuple[int, int]] = []
    for span in spans:
        if span.sub not in ("mdy", "dmy", "iso", "dotted"):
            continue
        g = span.match.groupdict()
        if FUTURE_BEFORE.search(_prefix(text, span.start)[-45:]):
            continue
        if not g.get("y") and not (span.sub in ("mdy", "dmy") and g.get("wd")):
            if span.sub in ("mdy", "dmy"):
                yearless.append((_month_number(g["mon"]), _day_number(g["d"])))
            continue
        if span.sub in ("iso", "dotted"):
            parsed, _ = _dp(f"{int(g['y']):04d}-{int(g['m']):02d}-{int(g['d']):02d}", ABSOLUTE_BASE)
        else:
            day_text = g["d2"] if g.get("d2") and "night" in (g.get("pre") or "").lower() else g["d"]
            month, day = _month_number(g["mon"]), _day_number(day_text)
            if g.get("y"):
                year = int(g["y"])
                parsed = _parse_calendar(year, month, day, date(year, 12, 31), None)
            elif years_given_only:
                yearless.append((month, day))
                continue
            else:
                parsed = _yearless_weekday_date(month, day, _weekday_number(g["wd"]), near, earliest, latest)
        if parsed is not None and earliest <= parsed <= latest:
            explicit.append(parsed)
    # "On October 15" takes the year of the text's latest dated day ("Since September 27, 2020"), else the
    # year nearest to ``near``; a yearless day is a calendar date as much as a dated one.
    for month, day in yearless if explicit or not years_given_only else ():
        parsed = _yearless_date(month, day, max(explicit).year if explicit else None, near, earliest, latest)
        if parsed is not None:
            explicit.append(parsed)
    if not explicit:
        return None
    last = max(explicit)
    inferred = last
    for span in spans:
        if span.sub != "weekday" or (span.match.group("pre") or "").lower() in ("next", "coming", "last", "previous", "past"):
            continue
        if not (_is_framed(text, span.start, span.end) or AS_OF_BEFORE.search(text[max(0, span.start - 20) : span.start])
                or _reports_the_day(text, span.start, span.end)):
            continue
        ahead = (_weekday_number(span.match.group("wd")) - last.weekday()) % 7
        if ahead and last + timedelta(days=ahead) <= latest:
            inferred = max(inferred, last + timedelta(days=ahead))
    return datetime(inferred.year, inferred.month, inferred.day, tzinfo=UTC)
