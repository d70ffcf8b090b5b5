"""Timeline: the date and time of each act, from its own words, the story so far, or the report."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from pipeline import dates
from pipeline.extract.context import Context, Frame
from pipeline.extract.figures import Figures, parse_figures
from pipeline.extract.mention import Act, Mention, PlaceRef
from pipeline.extract.segment import clause_bounds
from pipeline.lexicon import Lexicon

THREAD_NUMBER = re.compile(r"^\s*\d{1,3}/\s*")
# "18:40 – ...", "2/ 18:40 – ...", "9:50pm": an entry stamp that starts the line (its clock is when it was posted).
TIME_FIRST = re.compile(r"^\s*(\d{1,3}/\s*)?\d{1,2}([:.]\d\d)?\s*([ap]\.?m\.?)?\s*(GMT|UTC|local\s+time)?\s*([-–—]\s+|$)", re.I)
CLOCK_IN_STAMP = re.compile(r"\d{1,2}[:.]\d\d|\d{1,2}\s?[ap]\.?m\b", re.I)
PAST_MIDNIGHT = timedelta(hours=12)  # a later clock this much earlier than the last one has run past midnight
LATE_IN_DAY = re.compile(r"\b(late|evening|night)\b", re.I)


@dataclass(frozen=True)
class EventTime:
    start: date
    end: date
    precision: str
    time_utc: datetime | None
    expression: str | None
    rule: str
    clock_is_local: bool = False


def entry_stamp(lines, i: int, previous: datetime | None, published: datetime, local: dates.LocalTime, lexicon: Lexicon) -> datetime | None:
    """The instant a live-blog or thread entry was posted, from a stamp or day header on line i; None if there is none."""
    text = THREAD_NUMBER.sub("", lines[i].text)
    stamp = dates.parse_entry_stamp(text, previous or published, local=local)
    if stamp is None:
        return None
    if not CLOCK_IN_STAMP.search(text) and not _next_is_timed_stamp(lines, i, stamp, local) and not lexicon.rx("segment.weekday_header").match(text):
        return None  # a dateline under the title, not the day header of a live blog or a diary
    if TIME_FIRST.match(lines[i].text):
        if previous is not None and previous - stamp > PAST_MIDNIGHT:
            stamp += timedelta(days=1)  # a thread running past midnight
        while stamp > published + timedelta(minutes=5):
            stamp -= timedelta(days=1)  # posted before the report was published
    return stamp if stamp <= published + timedelta(days=1) else None


def _next_is_timed_stamp(lines, i: int, header: datetime, local: dates.LocalTime) -> bool:
    """A day header counts only where a timed entry stamp follows it, as in a live blog."""
    if i + 1 >= len(lines):
        return False
    nxt = lines[i + 1].text
    return bool(CLOCK_IN_STAMP.search(nxt)) and dates.parse_entry_stamp(nxt, header, local=local) is not None


def resolve_clause_date(text: str, start: int, end: int, reference: datetime, local: dates.LocalTime, lexicon: Lexicon) -> dates.SentenceDate:
    """The date of one clause of a sentence; a relative clause ("X, which had been shelled on 17 February, ...") is
    read with the comma before it, so that its day is an aside, not the day of the act the sentence goes on to tell."""
    opening = 2 if lexicon.rx("timeline.relative_opening").match(text, start) else 0
    return resolve_date(text[max(0, start - opening) : end], reference, local)


def resolve_date(text: str, reference: datetime, local: dates.LocalTime) -> dates.SentenceDate:
    return dates.resolve_sentence(text, reference, local=local)


def casualties_as_act(text: str, figures: Figures, ctx: Context, lexicon: Lexicon, local: dates.LocalTime) -> list[Act]:
    """'One woman was killed in X on 29 September': people killed or hurt at a place on a day of their own, which
    is not the day of the story told so far, tell an act of unstated means there (figures of the story's day
    belong to the act already told)."""
    if not (figures.killed or figures.injured):
        return []
    verb = lexicon.rx("figures.casualty_verb").search(text)
    day = resolve_date(text, ctx.reference, local).day
    if verb is None or not _a_day_of_its_own(day) or lexicon.rx("figures.war_deaths").search(text):
        return []
    if ctx.dated is not None and (day.date_start, day.date_end) == tuple(ctx.dated[:2]):
        return []
    return [Act(verb.start(), verb.end(), "generic", "acts.casualties_on_their_day")]


def casualty_clause_acts(text: str, places: list[PlaceRef], acts: list[Act], reference: datetime, lexicon: Lexicon, local: dates.LocalTime) -> list[Act]:
    """'five soldiers were killed near X on Sunday, while two others died on Monday near Y': a clause with no act of its
    own, after the first, that names a place, casualties and a day other than the day of the sentence's acts tells an act there."""
    casualty, site = lexicon.rx("figures.casualty_verb"), lexicon.rx("figures.site_before")
    bounds = clause_bounds(text, lexicon, places) if casualty.search(text) else []
    if len(bounds) < 2:
        return []
    candidates = []
    for s, e in bounds:
        clause = text[s:e]
        verb = casualty.search(clause)
        if s == 0 or verb is None or any(s <= a.start < e for a in acts):
            continue
        if not any(s + verb.end() <= p.start < e and site.search(text, s, p.start) for p in places):
            continue  # the place told after the casualties, as where they were
        day = resolve_date(clause, reference, local).day
        if _a_day_of_its_own(day) and parse_figures(clause, lexicon).any():
            candidates.append((s + verb.start(), s + verb.end(), day))
    if not candidates:
        return []
    acted = (resolve_date(text[s:e], reference, local).day for s, e in bounds if any(s <= a.start < e for a in acts))
    acted_days = {(d.date_start, d.date_end) for d in acted if d is not None}
    return [
        Act(start, end, "generic", "acts.casualties_of_their_clause")
        for start, end, day in candidates
        if acted_days and (day.date_start, day.date_end) not in acted_days
    ]


def _a_day_of_its_own(day: dates.DayExpression | None) -> bool:
    """A single day the words name for what they tell (not a background or aside day)."""
    return day is not None and day.precision == "day" and not day.background and not day.aside


LIST_SCOPE = -1  # a list's lead-in dates the items that follow it, whatever their lines


def remember_date(
    ctx: Context, text: str, local: dates.LocalTime, line: int | None = None, lexicon: Lexicon | None = None, number: int = 0,
    tells_acts: bool = True,
) -> dates.DayExpression | None:
    """A dated sentence that tells no event is a frame for the event sentences right after it; with no ``line``
    (a diary's day header) its date dates everything that follows, as an event's date does. A sentence that tells no
    act and whose only day is the day something was said ("..., the staff said on Saturday") frames nothing. Returns the
    day read."""
    day = resolve_date(text, ctx.reference, local).day
    if day is None:
        return None
    if day.reported and line not in (None, LIST_SCOPE):
        if not tells_acts:
            return day
        named = _paragraph_frame(ctx, line, number, False)
        if named is not None:
            # '"On 10 March ... a soldier was wounded," the staff said on Monday': the quotation's day, not the saying's
            return replace(day, date_start=named[0], date_end=named[1], precision=named[2])
    past_day = lexicon is not None and lexicon.rx("timeline.past_day").search(day.expression)
    named = _paragraph_frame(ctx, line, number, False) if line is not None and past_day else None
    if named is not None:
        # "On 1 August the units held their fire ... Over the past day the enemy fired five times": the day named
        day = replace(day, date_start=named[0], date_end=named[1])
    if line is None:
        ctx.dated, ctx.frame = (day.date_start, day.date_end, day.precision), None
    else:
        truce = bool(lexicon and lexicon.rx("timeline.truce_word").search(text))
        ctx.frame = Frame((day.date_start, day.date_end, day.precision), line, number, truce, day.background)
    return day


def remember_unplaced_event(ctx: Context, day: dates.DayExpression | None) -> None:
    """An act told on a named day with no place ("two guards were wounded on 15 June in an exchange of fire") is an
    event of the story: later acts with no day of their own are of that day, as after an event with a place. ``day``:
    the sentence's day, as :func:`remember_date` read it."""
    if day is not None and day.precision == "day" and not day.background and not day.aside and not day.also:
        ctx.dated = (day.date_start, day.date_end, day.precision)


def _frame_is_near(frame: Frame, line: int, number: int, in_list: bool) -> bool:
    """Whether a frame dates a sentence: one of its paragraph (or list), or the sentence right after it, unless the
    frame is a month or a year ("earlier in April" frames its own paragraph only)."""
    next_one = frame.sentence == number - 1 and frame.dates[2] not in ("month", "year")
    return frame.line == line or (in_list and frame.line == LIST_SCOPE) or next_one


def _paragraph_frame(ctx: Context, line: int, number: int, in_list: bool) -> tuple[date, date, str] | None:
    """The day a dated sentence of the same paragraph (or list, or the sentence before) gives the story, unless it was
    background."""
    frame = ctx.frame
    if frame is None or frame.background or frame.dates[2] != "day":
        return None
    return frame.dates if _frame_is_near(frame, line, number, in_list) else None


def story_date(ctx: Context, line: int, number: int, in_list: bool, truce_timed: bool = False) -> tuple[date, date, str] | None:
    """The date an undated event sentence takes. A frame dates the sentences of its paragraph (or list) and the
    sentence right after it, unless it was background ("fighting erupted on ...", "a truce agreed on ..."); a
    truce's start also dates an act told against that truce ("two minutes into the truce"). Else the latest
    event's date (None: the report's)."""
    frame = ctx.frame
    if frame is not None and ((not frame.background and _frame_is_near(frame, line, number, in_list)) or (truce_timed and frame.truce)):
        return frame.dates
    return ctx.dated


def update_dated(ctx: Context, mentions: list[Mention], lexicon: Lexicon) -> None:
    for m in mentions:
        if m.time_utc is not None:
            ctx.last_time = m.time_utc
        if m.date_expression or "timeline.story_date" in m.rules:
            ctx.dated = (m.date_start, m.date_end, m.date_precision)
            ctx.late_in_day = bool(m.date_expression and LATE_IN_DAY.search(m.date_expression))
    if ctx.dated is not None and mentions and ctx.dated[2] == "day" and lexicon.rx("timeline.into_next_day").search(mentions[-1].sentence):
        # "shelling resumed late on Wednesday and went on until the next morning": the story goes on into that morning
        ctx.dated = (ctx.dated[0] + timedelta(days=1), ctx.dated[1] + timedelta(days=1), "day")
        ctx.late_in_day = False


def truce_timing(text: str, lexicon: Lexicon) -> str | None:
    if lexicon.has("before_truce", text):
        return "before_start"
    if lexicon.has("after_truce", text):
        return "after_start"
    return None


def _relative_shift(text: str, lexicon: Lexicon) -> int:
    """Days between an undated act and the event just told: 'came one day after shelling killed ...' is -1."""
    m = lexicon.rx("timeline.days_apart").search(text)
    if not m:
        return 0
    if m.group("prev") or "previous" in m.group(0).lower():
        return -1
    if m.group("next"):
        return 1
    n = _day_count(m.group("n"), lexicon)
    return -n if m.group("dir").lower() in ("after", "earlier") else n


def _day_count(word: str, lexicon: Lexicon) -> int:
    """The number of days a word or digits say ("a", "two", "3")."""
    return lexicon.value("number_words").get(word.lower()) or int(word)


def _days_before_the_day(text: str, day: dates.DayExpression, lexicon: Lexicon) -> int:
    """N for 'Men look at the damage, Friday, a day after shelling killed four ...': the only acts come after 'N days
    after' and the day is named after it too, so the day is the sentence's, and the act came N days before it."""
    m = lexicon.rx("timeline.day_after_act").search(text)
    if not m or day.precision != "day" or lexicon.found("act", text[: m.start()]) or not lexicon.found("act", text[m.end() :]):
        return 0
    if text.find(day.expression, m.end()) < 0:
        return 0
    return _day_count(m.group("n"), lexicon)


def _names_a_day(text: str, local: dates.LocalTime) -> bool:
    """A weekday or a calendar date anywhere in the text (a frame such as 'said on Monday' counts)."""
    return any(kind in ("weekday", "date", "month") for _, _, kind in dates.find_date_expressions(text, local))


def text_of(clause_date, sentence_date) -> str:
    day = clause_date.day or sentence_date.day
    return day.expression if day is not None else ""


def event_time(
    clause_date, sentence_date, ctx: Context, clause_text: str, local: dates.LocalTime, lexicon: Lexicon, line: int, number: int,
    in_list: bool = False, truce_timed: bool = False,
) -> EventTime:
    """The act's date: its own words, else the story's date (moved by 'the day before'), else the report's day."""
    day = clause_date.day or sentence_date.day
    # "shelling goes on despite the truce agreed on Saturday": Saturday is the truce's day, unless the act came
    # "minutes after" it began.
    elapsed = lexicon.rx("timeline.truce_elapsed").search(clause_text) is not None
    if day is not None and (day.aside or day.background) and not elapsed:
        day = None
    truce_timed = truce_timed and elapsed
    story = story_date(ctx, line, number, in_list, truce_timed)
    if day is not None and (day.reported or lexicon.rx("timeline.past_day").search(day.expression)) and _paragraph_frame(ctx, line, number, in_list) is not None:
        # '"On 18 December ... X opened fire in Y," the staff said on Thursday': the quotation's day, not the saying's;
        # "On 1 August ... over the past day the enemy fired at X": the day the bulletin named
        day = None
    if day is None and lexicon.rx("timeline.ongoing").search(clause_text):
        story = None  # going on as the report is written
    report_day = dates.local_day(ctx.reference, local)
    if day is not None and story is not None and lexicon.rx("timeline.part_of_day").match(day.expression) and not _names_a_day(clause_text, local):
        day = None  # "at dawn" in a story already dated: that day's dawn, not the report's
        if ctx.late_in_day and lexicon.rx("timeline.overnight").match(text_of(clause_date, sentence_date)) and story[0] < report_day:
            # "late on Thursday ... overnight": the night into the next day, which is the day coded
            story = (story[0] + timedelta(days=1), story[1] + timedelta(days=1), story[2])
    clock = clause_date.clock or sentence_date.clock
    if day is not None:
        rule = "timeline.reported_day" if day.reported else "timeline.own_date"  # "..., the ministry said on Sunday": when told
        start, end, precision, expression = day.date_start, day.date_end, day.precision, day.expression
        back = _days_before_the_day(clause_text, day, lexicon)
        if back:
            start, end, rule = start - timedelta(days=back), end - timedelta(days=back), "timeline.day_after_act"
    elif story is not None:
        start, end, precision = story
        expression, rule = None, "timeline.story_date"
        shift = _relative_shift(clause_text, lexicon)
        if shift and start + timedelta(days=shift) <= report_day:
            start, end = start + timedelta(days=shift), end + timedelta(days=shift)
            expression, rule = "relative to the previous event", "timeline.days_apart"
    else:
        start = end = report_day
        precision, expression, rule = "day", None, "timeline.report_date"
    time_utc = None
    if clock is not None and precision == "day":
        local_day, time_utc = dates.event_instant(start, clock, local=local)
        if day is None and time_utc is not None and ctx.last_time is not None and ctx.last_time - time_utc > PAST_MIDNIGHT:
            # "from 23:05 ... from 00:25": the list has run past midnight
            local_day, time_utc = dates.event_instant(start + timedelta(days=1), clock, local=local)
        if time_utc is not None and time_utc > ctx.reference and (day is None or lexicon.rx("timeline.today").fullmatch(day.expression.strip())):
            # A clock time later than the report itself, with no day named (or a quoted "today"), is the day before.
            local_day, time_utc = dates.event_instant(start - timedelta(days=1), clock, local=local)
        start = end = local_day
        expression = expression or clock.expression
    return EventTime(start, end, precision, time_utc, expression, rule, clock is not None and precision == "day" and clock.utc_offset_minutes is None)


LEAD_DATED_IN_BODY_DAYS = 7  # how far before the report an act the body dates may lie for the lead to be that act


def summary_end(lines, lexicon: Lexicon) -> int | None:
    """Where a report's summary ends: the section under a "Summary" heading, up to the next heading, else the lead."""
    heading = next((k for k, line in enumerate(lines) if not line.is_prose and lexicon.rx("segment.summary_heading").match(line.text)), None)
    after = next((line for line in lines[heading + 1 :] if not line.is_prose), None) if heading is not None else None
    if after is not None:
        return after.start
    lead = next((line for line in lines if line.is_prose), None)
    return lead.end if lead is not None else None


def date_lead_from_body(mentions: list[Mention], lead_end: int, lexicon: Lexicon) -> None:
    """A lead that tells an act without a date ("X's violation left six soldiers wounded there") summarises the act
    the body dates ("last Saturday X attacked there"): the same kind of act, at the same place, by the same side."""
    body = [m for m in mentions if m.char_start >= lead_end and m.date_expression and m.date_precision == "day"]
    for lead in mentions:
        if lead.char_start >= lead_end or not {"timeline.report_date", "timeline.reported_day"} & set(lead.rules):
            continue
        if lexicon.rx("timeline.repeated_act").search(lead.sentence) or lexicon.rx("timeline.past_day").search(lead.sentence):
            continue  # "X fired on Y for the second time in a week": the body's date is the first time; a day's tally is its own
        days = {
            (m.date_start, m.date_end)
            for m in body
            if m.location_mention.lower() == lead.location_mention.lower()
            and m.sub_event_type == lead.sub_event_type
            and (m.perpetrator_side is None or lead.perpetrator_side in (None, m.perpetrator_side))
            and timedelta(0) < lead.date_start - m.date_start <= timedelta(days=LEAD_DATED_IN_BODY_DAYS)
        }
        if len(days) == 1:
            (start, end), = days
            lead.event_date, lead.date_start, lead.date_end, lead.time_utc = start, start, end, None
            lead.date_expression = "dated later in the report"
            lead.rules = [r for r in lead.rules if r not in ("timeline.report_date", "timeline.reported_day")]
            lead.add_rule("timeline.dated_in_body")
