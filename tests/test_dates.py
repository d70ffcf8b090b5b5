"""Date resolution (coding rules §4): expressions in sentences of our own, resolved against a reference."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import config, dates
from pipeline.dates import ClockTime, DayExpression, LocalTime, find_date_expressions, infer_published, parse_published
from pipeline.profile import load_profile

# The sentences below are read in the local time of the default profile (UTC+4, zone words such as "Moscow time").
LOCAL = load_profile().local_time


def resolve_sentence(sentence, reference, local=LOCAL):
    return dates.resolve_sentence(sentence, reference, local=local)


def event_instant(day, clock, local=LOCAL):
    return dates.event_instant(day, clock, local=local)


def parse_entry_stamp(line, reference, local=LOCAL):
    return dates.parse_entry_stamp(line, reference, local=local)


def local_day(instant, local=LOCAL):
    return dates.local_day(instant, local)


# References (the report's published instant or an entry stamp); local day = UTC+4.
MON_12 = datetime.fromisoformat("2020-10-12T18:03:00+04:00")  # Monday 12 Oct
WED_14 = datetime.fromisoformat("2020-10-14T12:00:00+04:00")  # Wednesday 14 Oct
SAT_17 = datetime.fromisoformat("2020-10-17T19:50:00+00:00")  # Saturday 17 Oct, 23:50 local
SUN_11_NIGHT = datetime.fromisoformat("2020-10-11T02:10:00+04:00")  # Sunday 11 Oct, 02:10 local
WED_28 = datetime.fromisoformat("2020-10-28T22:55:00+03:00")  # Wednesday 28 Oct, 23:55 local
SUN_13_DEC = datetime.fromisoformat("2020-12-13T14:05:00+04:00")  # Sunday 13 Dec
SAT_2_JAN = datetime.fromisoformat("2021-01-02T10:00:00+00:00")  # Saturday 2 Jan 2021

D = date.fromisoformat

# sentence, reference, date_start, date_end, precision, time_utc (after event_instant); None start = no date
CASES = [
    # weekdays: the most recent such day on or before the reference day
    ("Artillery pounded the ridge on Monday, the army said.", MON_12, "2020-10-12", "2020-10-12", "day", None),
    ("Gunners hit a school on Sunday near the square.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("A drone struck a bus depot on Tuesday.", SUN_13_DEC, "2020-12-08", "2020-12-08", "day", None),
    ("Mortar rounds fell on the market on Saturday.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Sappers came under fire last Sunday near the bridge.", SAT_17, "2020-10-11", "2020-10-11", "day", None),
    ("A convoy was ambushed last Friday on the mountain road.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    ("A fuel depot burned late on Saturday after the raid.", SUN_11_NIGHT, "2020-10-10", "2020-10-10", "day", None),
    ("Rockets slammed into the suburb in the early hours of Sunday.", SUN_11_NIGHT, "2020-10-11", "2020-10-11", "day", None),
    ("Sirens wailed across the valley on Saturday night.", SUN_11_NIGHT, "2020-10-10", "2020-10-10", "day", None),
    ("Guns opened up overnight into Tuesday along the river.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    # bulletins' "last day" and "the past day": the day before the report
    ("Shelling of the villages by enemy units last day damaged houses.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("Over the past day the enemy shelled the villages twice.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("Guns were heard through Monday night and into Tuesday morning along the river.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("Rockets fell on the ridge towns overnight October 16-17, the service said.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Tuesday's barrage left the bakery in ruins.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("Fighting flared again on the night of Saturday to Sunday.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("Troops moved forward on Saturday morning under cover of fog.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("On Wednesday evening shells landed near the clinic.", WED_28, "2020-10-28", "2020-10-28", "day", None),
    # relative words
    ("A shell damaged the water tower yesterday.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("Two houses were hit today in the lower town.", MON_12, "2020-10-12", "2020-10-12", "day", None),
    ("Shelling resumed this morning in the north.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Heavy guns were heard tonight on the outskirts.", WED_14, "2020-10-14", "2020-10-14", "day", None),
    ("Explosions shook the town last night.", MON_12, "2020-10-12", "2020-10-12", "day", None),
    ("The power station was hit overnight.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("The hilltop post was stormed at dawn.", WED_14, "2020-10-14", "2020-10-14", "day", None),
    ("The bridge was destroyed the day before yesterday.", WED_14, "2020-10-12", "2020-10-12", "day", None),
    # a bulletin's count since the day began is of the report's day, not of the day told before
    ("Since the beginning of the day the enemy has fired at our positions twice.", WED_14, "2020-10-14", "2020-10-14", "day", None),
    ("From the start of this day mortars hit the outskirts three times.", WED_14, "2020-10-14", "2020-10-14", "day", None),
    # "the previous day" counts back from the statement's day when the sentence names one, else from the report's
    ("The army said in an October 13 statement that a soldier died in a firefight the previous day.", WED_14, "2020-10-12", "2020-10-12", "day", None),
    ("Shells hit the farm the day before, officials said.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("The airfield was bombed three days ago.", WED_14, "2020-10-11", "2020-10-11", "day", None),
    ("Residents said their street was shelled just now.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-17T19:50:00Z"),
    ("The ministry said on Monday that the depot was shelled overnight.", WED_14, "2020-10-12", "2020-10-12", "day", None),
    ("The spokesman said on Monday that shells hit the farm yesterday.", WED_14, "2020-10-11", "2020-10-11", "day", None),
    # several days: reporting and background frames come last
    ("In a briefing on Wednesday the army said shells hit the farm on Tuesday.", WED_14, "2020-10-13", "2020-10-13", "day", None),
    ("The war that began on September 27 reached the coast on Sunday.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("PARIS, Oct. 14 (Wire) - Drones hit the pass on Monday.", WED_14, "2020-10-12", "2020-10-12", "day", None),
    # weeks and months
    ("Earlier this week the pipeline was struck twice.", WED_14, "2020-10-12", "2020-10-14", "week", None),
    ("The front saw fierce clashes last week.", WED_14, "2020-10-05", "2020-10-11", "week", None),
    ("Villages were bombarded over the weekend.", WED_14, "2020-10-10", "2020-10-11", "week", None),
    ("Attacks on 3-5 October cut the rail line.", WED_14, "2020-10-03", "2020-10-05", "week", None),
    ("Earlier this month drones hit the dam.", WED_14, "2020-10-01", "2020-10-14", "month", None),
    ("Most of the damage was done last month.", WED_14, "2020-09-01", "2020-09-30", "month", None),
    ("Over the past month the villages were shelled again and again.", WED_14, "2020-09-15", "2020-10-14", "month", None),
    ("In mid-September the border posts were raided.", WED_14, "2020-09-11", "2020-09-20", "month", None),
    ("The town was shelled throughout October 2020.", SUN_13_DEC, "2020-10-01", "2020-10-31", "month", None),
    # explicit dates, with or without year
    ("The shells fell on October 11, the office said.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("Bombs hit the plant on 11 October 2020 before dawn.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("A tank column entered the village on Oct. 11.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("A sniper killed a farmer on Sunday, October 11, 2020.", MON_12, "2020-10-11", "2020-10-11", "day", None),
    ("An ambush on November 26 killed three soldiers.", SUN_13_DEC, "2020-11-26", "2020-11-26", "day", None),
    ("Observers logged a violation on Friday, December 11, near the pass.", SUN_13_DEC, "2020-12-11", "2020-12-11", "day", None),
    ("The offensive opened on Sept. 27 with a long barrage.", WED_14, "2020-09-27", "2020-09-27", "day", None),
    ("The farm was shelled on the night to 17 October.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Raids went on through the night of 16 to 17 October.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Shells fell during the night from 16 to 17 October, the ministry said.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("Shells fell on the night on October 15-16, the ministry said.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    ("A depot was hit during the night between 15 and 16 October.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    ("Rockets fell on the night of October 15 leading to 16, the ministry said.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    # fire from an evening to the next morning, both days named, is of the night into the second day, with no one instant
    ("Guns fired at the posts from 21:30 on 15 October to 04:15 on 16 October.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    ("In the period from 4:00 p.m. on October 15 to 9:00 a.m. on October 16, the posts were shelled.", SAT_17, "2020-10-16",
     "2020-10-16", "day", None),
    ("From the night of October 15 to the morning of October 16, units fired at the posts.", SAT_17, "2020-10-16", "2020-10-16", "day", None),
    # a day's window from morning to morning is of its first day
    ("From 9:00 on 15 October to 9:00 on 16 October, the posts were shelled 12 times.", SAT_17, "2020-10-15", "2020-10-15", "day",
     "2020-10-15T05:00:00Z"),
    # the day an escalation was unleashed is background; the act is of its own day
    ("Though the front was calm after the offensive unleashed the previous day, today the enemy shelled the town.", SAT_17,
     "2020-10-17", "2020-10-17", "day", None),
    ("Grad rockets struck the depot on 2020-10-15.", SAT_17, "2020-10-15", "2020-10-15", "day", None),
    ("Shelling was logged on 15.10.2020 at the border.", SAT_17, "2020-10-15", "2020-10-15", "day", None),
    ("Shells hit the granary on the 17th of October.", SAT_17, "2020-10-17", "2020-10-17", "day", None),
    ("The last shelling was recorded on December 30.", SAT_2_JAN, "2020-12-30", "2020-12-30", "day", None),
    # clock times: local event date and UTC instant
    ("A rocket hit the hospital at about 02:00 local time on October 11.", MON_12, "2020-10-11", "2020-10-11", "day", "2020-10-10T22:00:00Z"),
    ("Rockets struck the houses at 2 a.m. on Sunday.", MON_12, "2020-10-11", "2020-10-11", "day", "2020-10-10T22:00:00Z"),
    ("The dam was hit at 1am local time on Tuesday.", WED_14, "2020-10-13", "2020-10-13", "day", "2020-10-12T21:00:00Z"),
    ("Gunfire began at 0800 GMT on Saturday along the ridge.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-17T08:00:00Z"),
    ("The blast shook the depot at 10:44 (0644 GMT) on Monday.", MON_12, "2020-10-12", "2020-10-12", "day", "2020-10-12T06:44:00Z"),
    ("The rail yard was struck at 21:00 GMT on Friday.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-16T21:00:00Z"),
    ("Rockets landed at around 2am local time (22:00 GMT on Friday), a governor said.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-16T22:00:00Z"),
    ("Shells fell near the bridge on Saturday from 0800 GMT (12pm local).", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-17T08:00:00Z"),
    ("The convoy was shelled at 6:26 p.m. Moscow time on Tuesday.", WED_14, "2020-10-13", "2020-10-13", "day", "2020-10-13T15:26:00Z"),
    ("A mortar round hit the school at 15:00 (GMT+4) on Monday.", WED_14, "2020-10-12", "2020-10-12", "day", "2020-10-12T11:00:00Z"),
    ("Tanks opened fire at 12:05 on Saturday.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-17T08:05:00Z"),
    ("Guns pounded the ridge from 00:05 until 03:25 on Sunday.", MON_12, "2020-10-11", "2020-10-11", "day", "2020-10-10T20:05:00Z"),
    ("A missile hit the power plant at around midnight on Saturday.", SAT_17, "2020-10-17", "2020-10-17", "day", "2020-10-16T20:00:00Z"),
    ("Snipers opened fire at noon on Tuesday.", WED_14, "2020-10-13", "2020-10-13", "day", "2020-10-13T08:00:00Z"),
    ("The villages were hit at 4:00 p.m. on Tuesday.", WED_28, "2020-10-27", "2020-10-27", "day", "2020-10-27T12:00:00Z"),
    ("Rockets landed on the square at 2100 hrs on Thursday.", SAT_17, "2020-10-15", "2020-10-15", "day", "2020-10-15T17:00:00Z"),
    # false friends and future dates: no date at all
    ("One T-72 tank and two BM-21 launchers were destroyed.", MON_12, None, None, None, None),
    ("Crews fired a 2S1 howitzer and a D-30 gun at the trenches.", MON_12, None, None, None, None),
    ("A 9M55 rocket carried the cluster bomblets.", MON_12, None, None, None, None),
    ("The ceasefire was agreed after 11 hours of talks.", MON_12, None, None, None, None),
    ("The region has seen three decades of conflict.", MON_12, None, None, None, None),
    ("It was the bloodiest day of a six-week war.", SUN_13_DEC, None, None, None, None),
    ("Day 27 of the offensive brought no change at the front.", WED_14, None, None, None, None),
    ("The 27th day of fighting passed quietly.", WED_14, None, None, None, None),
    ("Refugees have lived in the camp since the 1990s.", MON_12, None, None, None, None),
    ("The frontier has been tense since the early 1990s.", MON_12, None, None, None, None),
    ("Tensions go back to a 1994 truce that never became peace.", MON_12, None, None, None, None),
    ("The enclave voted for unification in 1988.", MON_12, None, None, None, None),
    ("A girl born in 2013 was among the injured.", MON_12, None, None, None, None),
    ("The dispute has simmered since 1991.", MON_12, None, None, None, None),
    ("A reporter for Russia Today filmed the ruins.", MON_12, None, None, None, None),
    ("Talks are planned for October 30 in Geneva.", WED_14, None, None, None, None),
    ("Missiles will be launched next Monday, the general threatened.", WED_14, None, None, None, None),
]


def _check(sentence, reference, start, end, precision, time_utc):
    result = resolve_sentence(sentence, reference)
    if start is None:
        assert result.day is None, result
        return result
    assert result.day is not None, result
    day = result.day
    assert sentence[day.start:day.end] == day.expression
    local, instant = event_instant(day.date_start, result.clock)
    shift = local - day.date_start
    assert (local, day.date_end + shift, day.precision) == (D(start), D(end), precision)
    if time_utc is None:
        assert instant is None, result.clock
    else:
        assert pd.Timestamp(instant) == pd.Timestamp(time_utc)
    return result


@pytest.mark.parametrize(("sentence", "reference", "start", "end", "precision", "time_utc"), CASES, ids=[c[0][:48] for c in CASES])
def test_resolve_sentence(sentence, reference, start, end, precision, time_utc):
    _check(sentence, reference, start, end, precision, time_utc)


def test_case_table_is_large():
    assert len(CASES) >= 60


# sentence, reference, expected clock (hour, minute, offset), time_utc on the reference's local day
CLOCK_ONLY = [
    ("Clashes were heard from 0800 GMT, a witness said.", MON_12, (8, 0, 0), "2020-10-12T08:00:00Z"),
    ("The blast came at 10:44 (0644 GMT) near the mill.", MON_12, (10, 44, 240), "2020-10-12T06:44:00Z"),
    ("The convoy was hit at 7:15 p.m. local time near the pass.", MON_12, (19, 15, 240), "2020-10-12T15:15:00Z"),
    ("Shelling started at 09:30, the villagers said.", MON_12, (9, 30, None), "2020-10-12T05:30:00Z"),
    ("Mortar fire resumed at 00:02 local time, just after the pause began.", MON_12, (0, 2, 240), "2020-10-11T20:02:00Z"),
    ("A drone was downed at about 14:00 (GMT+4) over the lake.", MON_12, (14, 0, 240), "2020-10-12T10:00:00Z"),
    ("The message was posted at 3:10 p.m. Moscow time; shells had hit the yard at 11:00.", MON_12, (11, 0, None), "2020-10-12T07:00:00Z"),
]


@pytest.mark.parametrize(("sentence", "reference", "clock", "time_utc"), CLOCK_ONLY)
def test_clock_without_day(sentence, reference, clock, time_utc):
    result = resolve_sentence(sentence, reference)
    assert result.day is None
    assert (result.clock.hour, result.clock.minute, result.clock.utc_offset_minutes) == clock
    _, instant = event_instant(local_day(reference), result.clock)
    assert pd.Timestamp(instant) == pd.Timestamp(time_utc)


@pytest.mark.parametrize(
    ("sentence", "reference", "expected"),
    [
        ("One T-72 tank and two BM-21 launchers were destroyed.", MON_12, {"T-72", "BM-21"}),
        ("Refugees have lived in the camp since the early 1990s.", MON_12, {"early 1990s"}),
        ("The ceasefire was agreed after 11 hours of talks.", MON_12, {"11 hours"}),
        ("The enclave voted for unification in 1988.", MON_12, {"1988"}),
        ("Talks are planned for October 30 in Geneva.", WED_14, {"October 30"}),
        ("Missiles will be launched next Monday, the general threatened.", WED_14, {"next Monday"}),
        ("Day 27 of the offensive brought no change at the front.", WED_14, {"Day 27"}),
    ],
)
def test_rejected_expressions_are_listed(sentence, reference, expected):
    assert expected <= set(resolve_sentence(sentence, reference).rejected)


def test_bare_clock_is_never_a_year():
    result = resolve_sentence("Guns fell silent from 0800 GMT on the front.", MON_12)
    assert result.day is None
    assert result.clock == ClockTime(8, 0, 0, "0800 GMT", 22, 30)


def test_week_event_date_is_the_start_of_the_range():
    day = resolve_sentence("The front saw fierce clashes last week.", WED_14).day
    assert isinstance(day, DayExpression)
    assert day.event_date == day.date_start == D("2020-10-05")


def test_report_day_is_taken_at_the_local_offset():
    late_utc = datetime.fromisoformat("2020-10-28T22:55:00+03:00")  # 23:55 local on the 28th
    assert resolve_sentence("A shell hit the roof today.", late_utc).day.date_start == D("2020-10-28")
    evening_utc = datetime.fromisoformat("2020-10-17T21:30:00+00:00")  # already the 18th at UTC+4
    assert resolve_sentence("A shell hit the roof today.", evening_utc).day.date_start == D("2020-10-18")


def test_find_date_expressions_kinds():
    text = "On Sunday, October 11, 2020 at 02:00 local time a T-72 crew fired; the 1990s were quieter."
    kinds = [(text[s:e], kind) for s, e, kind in find_date_expressions(text)]
    assert kinds == [
        ("Sunday, October 11, 2020", "date"),
        ("02:00 local time", "clock"),
        ("T-72", "designation"),
        ("1990s", "decade"),
    ]


# --- event_instant ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "clock", "local", "instant"),
    [
        ("2020-10-11", ClockTime(2, 0, 240, "02:00 local time", 0, 0), "2020-10-11", "2020-10-10T22:00:00Z"),
        ("2020-10-11", ClockTime(2, 0, None, "02:00", 0, 0), "2020-10-11", "2020-10-10T22:00:00Z"),
        ("2020-10-16", ClockTime(21, 0, 0, "21:00 GMT", 0, 0), "2020-10-17", "2020-10-16T21:00:00Z"),
        ("2020-10-13", ClockTime(18, 26, 180, "6:26 p.m. Moscow time", 0, 0), "2020-10-13", "2020-10-13T15:26:00Z"),
        ("2020-10-18", ClockTime(0, 0, 240, "midnight", 0, 0), "2020-10-18", "2020-10-17T20:00:00Z"),
    ],
)
def test_event_instant(day, clock, local, instant):
    got_day, got_instant = event_instant(D(day), clock)
    assert got_day == D(local)
    assert got_instant.tzinfo is not None
    assert pd.Timestamp(got_instant) == pd.Timestamp(instant)


# Daylight saving: a zone that changes its offset (Kyiv: UTC+3 in summer, UTC+2 in winter).
KYIV = LocalTime.of("Europe/Kyiv", {"kyiv time": "Europe/Kyiv", "moscow time": "Europe/Moscow"})


@pytest.mark.parametrize(
    ("day", "clock", "instant"),
    [
        ("2020-07-26", ClockTime(23, 30, None, "23:30", 0, 0), "2020-07-26T20:30:00Z"),  # summer: UTC+3
        ("2020-07-27", ClockTime(0, 30, None, "00:30", 0, 0), "2020-07-26T21:30:00Z"),
        ("2015-02-15", ClockTime(0, 20, None, "00:20", 0, 0), "2015-02-14T22:20:00Z"),  # winter: UTC+2
        ("2021-03-22", ClockTime(17, 30, 180, "17:30 Moscow time", 0, 0), "2021-03-22T14:30:00Z"),
    ],
)
def test_local_clock_follows_daylight_saving(day, clock, instant):
    got_day, got_instant = event_instant(D(day), clock, local=KYIV)
    assert got_day == D(day)
    assert pd.Timestamp(got_instant) == pd.Timestamp(instant)


def test_zone_words_are_read_at_the_date_of_the_report():
    summer = datetime.fromisoformat("2020-07-28T09:00:00+03:00")
    result = resolve_sentence("The post came under fire at 23:30 Kyiv time on Monday.", summer, local=KYIV)
    assert result.clock.utc_offset_minutes == 180
    assert resolve_sentence("Mortars fired at 10:00 Kyiv time.", datetime(2021, 1, 5, 9, tzinfo=UTC), local=KYIV).clock.utc_offset_minutes == 120
    assert resolve_sentence("Mortars fired at 10:00 Kyiv time.", datetime(2021, 1, 5, 9, tzinfo=UTC)).clock.utc_offset_minutes is None


@pytest.mark.parametrize(
    ("sentence", "day_before", "report_day"),
    [
        ("Over the past day the enemy fired on the posts near the village four times.", "2021-11-15", "2021-11-16"),
        ("During the last day the positions came under mortar fire.", "2021-11-15", "2021-11-16"),
        ("The village was shelled yesterday.", "2021-11-15", "2021-11-15"),  # yesterday is yesterday in every profile
        ("On the eve, two drones dropped grenades on the trenches.", "2021-11-15", "2021-11-15"),
    ],
)
def test_a_profile_says_which_day_the_past_day_of_its_bulletins_is(sentence, day_before, report_day):
    tuesday = datetime.fromisoformat("2021-11-16T09:00:00+02:00")
    same_day = LocalTime.of("Europe/Kyiv", past_day_back=0)
    assert resolve_sentence(sentence, tuesday, local=LocalTime.of("Europe/Kyiv")).day.date_start == D(day_before)
    assert resolve_sentence(sentence, tuesday, local=same_day).day.date_start == D(report_day)


def test_event_instant_without_clock():
    assert event_instant(D("2020-10-11"), None) == (D("2020-10-11"), None)


# --- parse_published ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "instant", "offset"),
    [
        ("2020-10-12", "2020-10-12T00:00:00Z", 0),
        ("2020-10-12T18:03:00+04:00", "2020-10-12T14:03:00Z", 240),
        ("2020-10-17T19:50:00Z", "2020-10-17T19:50:00Z", 0),
        ("2020-10-28T22:55:00+03:00", "2020-10-28T19:55:00Z", 180),
        (date(2020, 10, 12), "2020-10-12T00:00:00Z", 0),
        (datetime(2020, 10, 12, 9, 30), "2020-10-12T09:30:00Z", 0),
        (datetime(2020, 10, 12, 9, 30, tzinfo=timezone(timedelta(hours=-5))), "2020-10-12T14:30:00Z", -300),
    ],
)
def test_parse_published(value, instant, offset):
    stamp, minutes = parse_published(value)
    assert stamp == pd.Timestamp(instant)
    assert str(stamp.tz) == "UTC"
    assert minutes == offset


@pytest.mark.parametrize("value", ["", "yesterday", "12/10/2020 noon"])
def test_parse_published_rejects_garbage(value):
    with pytest.raises(ValueError):
        parse_published(value)


# --- parse_entry_stamp ----------------------------------------------------------------------------

HEADER_REF = datetime(2020, 10, 17, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "reference", "expected"),
    [
        ("10 Oct 2020, 21:15", SAT_17, "2020-10-10T21:15:00+04:00"),
        ("28 October 2020, 08:24", WED_28, "2020-10-28T08:24:00+04:00"),
        ("Oct 9, 2020 at 7:45 p.m.", SAT_17, "2020-10-09T19:45:00+04:00"),
        ("19:31 GMT - Leaders call for calm", HEADER_REF, "2020-10-17T19:31:00+00:00"),
        ("06:05 GMT – Shelling reported in the south", datetime(2020, 10, 17, 19, 31, tzinfo=UTC), "2020-10-17T06:05:00+00:00"),
        ("16:40 - Night curfew announced", datetime(2020, 10, 23, 0, 0, tzinfo=timezone(timedelta(hours=4))), "2020-10-23T16:40:00+04:00"),
        ("Saturday, October 17", SAT_17, "2020-10-17T00:00:00+00:00"),
        ("MONDAY 12 OCTOBER", SAT_17, "2020-10-12T00:00:00+00:00"),
        ("23 October 2020", datetime.fromisoformat("2020-10-23T14:30:00+00:00"), "2020-10-23T00:00:00+00:00"),
        ("Thursday 22 October", datetime.fromisoformat("2020-10-23T14:30:00+00:00"), "2020-10-22T00:00:00+00:00"),
        ("Friday", SAT_17, "2020-10-16T00:00:00+00:00"),
    ],
)
def test_parse_entry_stamp(line, reference, expected):
    got = parse_entry_stamp(line, reference)
    assert got is not None and got.tzinfo is not None
    assert pd.Timestamp(got) == pd.Timestamp(expected)
    assert got.utcoffset() == datetime.fromisoformat(expected).utcoffset()


@pytest.mark.parametrize(
    "line",
    [
        "Shells hit the town on Saturday, October 17, officials said.",
        "Loading...",
        "Foreign ministers meet in Vienna",
        "At 12:05 the first shells landed near the school.",
        "Here are the latest updates:",
        "1,165 houses were damaged",
    ],
)
def test_lines_that_are_not_stamps(line):
    assert parse_entry_stamp(line, SAT_17) is None


# --- infer_published --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ceasefire strained\n\nMissiles hit the port on Sunday, October 18, 2020.\n\n"
            "In a statement on Monday, the ministry said the shelling went on through the night.",
            "2020-10-19",
        ),
        ("Rockets fell on the city on 3 October 2020, and the army said on Tuesday that 12 people died.", "2020-10-06"),
        ("The strike of 11 October 2020 killed six.\n\nThe dispute dates back to 1988.", "2020-10-11"),
        ("Officials met on 9 October 2020; talks are scheduled for 30 October 2020.", "2020-10-09"),
        ("No calendar date at all, only Monday and 1994.", None),
    ],
)
def test_infer_published(text, expected):
    got = infer_published(text)
    if expected is None:
        assert got is None
    else:
        assert got.tzinfo is not None
        assert got.date() == D(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a day without a year takes the year of the text's dated days
        ("Since 27 September 2020 the districts have been under fire.\n\nOn October 15, artillery hit three of them.", "2020-10-15"),
        ("As of 9th of October, 31 homes had been destroyed; the count began on 27 September 2020.", "2020-10-09"),
        # ... or the year nearest to the other reports', and a weekday closing a sentence of the news moves it on
        ("Two reporters were hurt in the town on October 2.\n\nThe ministry reported more shelling, which it said went on on Thursday.", "2020-10-08"),
        ("A mortar round hit the school on October 2. Talks had been held on Thursday.", "2020-10-02"),
        ("Guns fell silent on October 2, the day the truce took effect on Monday.", "2020-10-02"),
    ],
)
def test_infer_published_without_a_year(text, expected):
    assert infer_published(text, near=D("2020-10-20"), latest=D("2026-12-01"), earliest_year=1988).date() == D(expected)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [("seeds/raw/000_8494f7265b4a0e6d.txt", "2020-10-12"), ("devset/reports/karabakh-second-truce-breached.txt", "2020-10-19")],
)
def test_infer_published_on_shared_reports(relative, expected):
    path = config.SHARED_DIR / relative
    if not path.exists():
        pytest.skip(f"{path} not available")
    text = path.read_text(encoding="utf-8")
    assert not text.startswith("---")
    assert infer_published(text).date() == D(expected)


# --- properties -------------------------------------------------------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2021, 12, 31)),
    st.sampled_from(WEEKDAYS),
    st.sampled_from(["on {}", "last {}", "late on {}", "{} night"]),
)
def test_weekdays_never_after_the_reference(moment, weekday, template):
    reference = moment.replace(tzinfo=UTC)
    day = resolve_sentence(f"Shells fell {template.format(weekday)} near the ridge.", reference).day
    today = local_day(reference)
    assert day is not None
    assert day.date_start.strftime("%A") == weekday
    assert today - timedelta(days=7) <= day.date_start <= today
    if template.startswith("last"):
        assert day.date_start < today


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2021, 12, 31)),
    st.dates(min_value=date(2019, 6, 1), max_value=date(2022, 6, 30)),
)
def test_explicit_dates_never_after_the_reference(moment, when):
    reference = moment.replace(tzinfo=UTC)
    sentence = f"Guns fired on {when.day} {when.strftime('%B')} near the river."
    result = resolve_sentence(sentence, reference)
    if result.day is not None:
        assert result.day.date_start <= local_day(reference)
        assert (result.day.date_start.month, result.day.date_start.day) == (when.month, when.day)
    else:
        assert any(re.search(r"\d+ \w+", r) for r in result.rejected)


def test_a_day_in_a_relative_clause_about_something_else_is_an_aside():
    reference = datetime(2020, 10, 31, 12, tzinfo=UTC)
    day = dates.resolve_sentence("It said Gubadli, a town that was taken by troops this week, came under fire.", reference).day
    assert day.aside
    day = dates.resolve_sentence("We matched it to the site, a depot that was hit in the early hours of 11 October.", reference).day
    assert not day.aside and str(day.date_start) == "2020-10-11"
    # "where" opens one too: the day of what happened at the place before
    day = dates.resolve_sentence("The post at Zolote, where the pull-back of forces was completed this week, came under fire.", reference).day
    assert day.aside


def test_a_day_before_the_speakers_verb_is_the_saying_not_the_act():
    reference = datetime(2020, 10, 14, 12, tzinfo=UTC)
    text = "The Karabakh leadership on Tuesday, October 13, warned residents of new attacks after Sunday's shelling of Martuni."
    day = dates.resolve_sentence(text, reference).day
    assert str(day.date_start) == "2020-10-11"
    # after an act, "on Sunday, said X" is the act's day, the verb's subject after it
    day = dates.resolve_sentence("A drone hit Barda on Sunday, said the prosecutors on Tuesday.", reference).day
    assert str(day.date_start) == "2020-10-11"


def test_an_abbreviated_month_without_a_space():
    day = dates.resolve_sentence("They attacked on Dec.27 at 15:30.", datetime(2020, 12, 28, 12, tzinfo=UTC)).day
    assert str(day.date_start) == "2020-12-27"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "on the eve" (not "on the eve of") is the day before, as translations write it
        ("On the eve, the rescue service said, rockets hit Shushi.", "2020-11-03"),
        # a night whose two days both name the month ends on the second day
        ("On the night of November 2-November 3, rockets hit Shushi, the rescue service said.", "2020-11-03"),
        # "throughout the night" is the night before the report, as "overnight" is
        ("Shushi came under fire throughout the night, the rescue service said.", "2020-11-04"),
    ],
)
def test_eves_nights_and_ranges_with_the_month_repeated(text, expected, extract):
    mentions = extract(text, published=pd.Timestamp("2020-11-04T12:00:00+04:00"))
    assert [str(m["event_date"]) for m in mentions] == [expected]


@pytest.mark.parametrize(
    ("sentence", "start", "also"),
    [
        ("During the day of October 12 and on the night of October 13, fighting went on.", date(2020, 10, 12), (date(2020, 10, 13),)),
        ("On October 2 and October 12 the town was shelled.", date(2020, 10, 2), (date(2020, 10, 12),)),
        # ", and on <day>" opens another act; a night "to" the next day is one night
        ("Troops clashed on October 12, and on October 13 a drone hit the town.", date(2020, 10, 12), ()),
        ("On the night of October 12 to October 13 the town was shelled.", date(2020, 10, 13), ()),
        # lists of days of one month, before or after it, and a list ending on a day of another month
        ("The town was shelled on 3 and 6 October.", date(2020, 10, 3), (date(2020, 10, 6),)),
        ("The town was shelled on 2, 3 and 9 October.", date(2020, 10, 2), (date(2020, 10, 3), date(2020, 10, 9))),
        ("Rockets fell on the town on September 29, 30, and October 2.", date(2020, 9, 29), (date(2020, 9, 30), date(2020, 10, 2))),
        ("On October 1, 4 and 11, the town came under fire.", date(2020, 10, 1), (date(2020, 10, 4), date(2020, 10, 11))),
        ("Rockets hit the town five times (on 1, 3, 6, 9, and 12 October).", date(2020, 10, 1),
         (date(2020, 10, 3), date(2020, 10, 6), date(2020, 10, 9), date(2020, 10, 12))),
        # a number after a day that is no day of a list: a count, a day after the report, a number out of order
        ("On October 3, 7 people were hurt in the town.", date(2020, 10, 3), ()),
        ("On October 9, 12 and 13 more shells fell.", date(2020, 10, 9), ()),
        ("The town was shelled on 11, 4 and 5 October.", date(2020, 10, 4), (date(2020, 10, 5),)),
    ],
)
def test_other_days_joined_by_and_or_listed(sentence, start, also):
    day = dates.resolve_sentence(sentence, datetime(2020, 10, 14, 12, tzinfo=UTC)).day
    assert day is not None and day.date_start == start
    assert day.also == also


def test_every_day_of_a_list_gets_the_act(extract):
    text = "On October 2, 5, 9, and October 12, the Azerbaijani army shelled Martuni, the ministry said."
    mentions = extract(text, published=pd.Timestamp("2020-10-20T12:00:00+04:00"))
    assert sorted(str(m["event_date"]) for m in mentions) == ["2020-10-02", "2020-10-05", "2020-10-09", "2020-10-12"]
    assert len({m["location"] for m in mentions}) == 1


@pytest.mark.parametrize(
    ("sentence", "start"),
    [
        # a day opening the sentence before its speaker's verb dates the statement, not the act it reports
        ("On Thursday, the ministry's spokesman said that the Wednesday night skirmishes took place near the border.", date(2020, 10, 14)),
        # ... and still dates an act told without another day
        ("On Thursday, the ministry said that shells hit the border villages.", date(2020, 10, 15)),
        ("On Thursday, shells hit the border villages, the ministry said.", date(2020, 10, 15)),
    ],
)
def test_a_day_opening_a_statement_is_its_frame(sentence, start):
    day = dates.resolve_sentence(sentence, datetime(2020, 10, 17, 12, tzinfo=UTC)).day
    assert day is not None and day.date_start == start


def test_a_month_frames_its_own_paragraph_not_the_next_one(extract):
    text = (
        "At least five soldiers died in clashes on the border earlier in April.\n\n"
        "Armenia's defence ministry said a sniper killed one of its soldiers near the village of Sotk."
    )
    mentions = extract(text, published=pd.Timestamp("2023-04-23T18:00:00+04:00"))
    assert [(str(m["event_date"]), m["date_precision"]) for m in mentions] == [("2023-04-23", "day")]


@pytest.mark.parametrize("words", ["The next day", "The following morning", "A day later"])
def test_the_next_day_follows_the_event_just_told(words, extract):
    text = f"On October 12, Armenian forces shelled Tartar, the ministry said. {words}, Armenian forces shelled Barda."
    mentions = extract(text, published=pd.Timestamp("2020-10-20T12:00:00+04:00"))
    assert [(m["location_mention"], str(m["event_date"])) for m in mentions] == [("Tartar", "2020-10-12"), ("Barda", "2020-10-13")]


def test_an_act_told_on_its_day_without_a_place_dates_the_next_paragraph(extract):
    text = (
        "Two border guards were wounded on 15 June in an exchange of fire at the entrance to the region, officials said.\n\n"
        "The bridge lies at the start of the road that links the two.\n\n"
        "After the attack, Azerbaijani forces fired on positions near the Lachin corridor, the ministry of Armenia said."
    )
    mentions = extract(text, published=pd.Timestamp("2023-06-17T12:00:00+04:00"))
    assert [str(m["event_date"]) for m in mentions] == ["2023-06-15"]


def test_an_act_going_on_now_is_of_the_reports_day(extract):
    text = (
        "A missile hit a house in Ordubad on Thursday, the ministry said.\n\n"
        "The Goranboy and Tartar districts are still subjected to shelling, the ministry said."
    )
    mentions = extract(text, published=pd.Timestamp("2020-10-16T12:00:00+04:00"))
    assert sorted((m["location_mention"], str(m["event_date"])) for m in mentions) == [
        ("Goranboy", "2020-10-16"), ("Ordubad", "2020-10-15"), ("Tartar", "2020-10-16")]


def test_a_truces_day_yields_to_the_acts_day_even_in_a_statements_frame():
    text = "In breach of the November 9 trilateral statement, on March 24, troops took control of the village."
    day = dates.resolve_sentence(text, datetime(2022, 3, 25, 12, tzinfo=UTC)).day
    assert day is not None and day.date_start == date(2022, 3, 24)


def test_the_day_a_statement_was_issued_is_a_reporting_frame():
    sentence = "Shells hit the posts, according to a report released by the country's Defence Ministry on Sunday."
    day = dates.resolve_sentence(sentence, datetime(2021, 6, 28, 12, tzinfo=UTC)).day
    assert day is not None and day.reported
