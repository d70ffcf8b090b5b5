"""Figures and dates taken from the surrounding text: continuation sentences, inherited dates, clock times, truce timing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

# --- figures and dates in context ------------------------------------------------------------

def test_figures_in_the_next_sentence_belong_to_the_event(extract):
    text = "A missile fired by Armenian forces hit Ganja on Tuesday, the prosecutors said. Six people were killed and 20 were wounded."
    (m,) = extract(text)
    assert (m["killed"], m["injured"]) == (6, 20)


def test_figures_are_not_spread_over_several_places(extract):
    mentions = extract("Armenian shelling of Tartar and Barda on Tuesday killed 5 people, the ministry said.")
    assert [m["killed"] for m in mentions] == [None, None]


def test_undated_sentence_takes_the_previous_event_date(extract):
    text = "Armenian artillery shelled Tartar on Monday, the ministry said. It added that Armenian rockets also hit Barda."
    mentions = extract(text)
    assert [m["event_date"] for m in mentions] == [date(2020, 10, 12), date(2020, 10, 12)]


def test_clock_time_gives_utc_instant_and_local_date(extract):
    (m,) = extract("Azerbaijan's Defence Ministry said Armenian rockets hit Barda at about 02:00 local time on Tuesday.")
    assert m["event_date"] == date(2020, 10, 13)
    assert pd.Timestamp(m["time_utc"]) == pd.Timestamp("2020-10-12T22:00:00Z")


def test_truce_timing_cues(extract):
    after = extract("Minutes into the truce, Armenian artillery shelled Tartar, the ministry said.")
    before = extract("Shortly before the ceasefire began, Azerbaijani rockets hit Martuni, officials said.")
    assert after[0]["truce_timing"] == "after_start"
    assert before[0]["truce_timing"] == "before_start"


def test_clock_time_after_publication_is_the_night_before(extract):
    published = pd.Timestamp("2020-10-14T09:00:00+04:00").tz_convert("UTC")
    (m,) = extract("Rockets fired by Armenian forces hit Barda at 23:40, the prosecutors said.", published=published)
    assert m["event_date"] == date(2020, 10, 13)
    assert pd.Timestamp(m["time_utc"]) == pd.Timestamp("2020-10-13T19:40:00Z")


def test_a_day_apart_from_the_event_just_told(extract):
    text = "Armenian rockets hit Barda on Tuesday, the prosecutors said. The strike came one day after shelling killed two villagers in Tartar."
    mentions = extract(text)
    assert [(m["location_mention"], m["event_date"]) for m in mentions] == [("Barda", date(2020, 10, 13)), ("Tartar", date(2020, 10, 12))]


def test_a_thread_past_midnight_dates_each_entry(extract):
    published = pd.Timestamp("2020-10-14T03:00:00+04:00").tz_convert("UTC")
    text = (
        "1/ Stepanakert, Tuesday night. Thread.\n"
        "2/ 22:40 – Officials say Azerbaijani rockets hit Shushi.\n"
        "3/ 01:20 – The Defence Ministry in Baku says Armenian forces shelled Tartar shortly after midnight."
    )
    mentions = extract(text, published=published)
    assert [(m["location_mention"], m["event_date"]) for m in mentions] == [("Shushi", date(2020, 10, 13)), ("Tartar", date(2020, 10, 14))]
    assert mentions[0]["time_utc"] is None  # the stamp is when the entry was posted, not when the act happened


def test_first_person_places_and_dates_stated_apart(extract):
    text = (
        "The town of Martuni has been under fire for weeks. We reached its mayor.\n"
        "It was the 12th of October, early in the morning. They shelled us at dawn, she said.\n"
        "Askeran had it worse on Tuesday. Azerbaijani shells hit the streets around their hospital."
    )
    mentions = extract(text)
    assert [(m["location_mention"], m["event_date"]) for m in mentions] == [("Martuni", date(2020, 10, 12)), ("Askeran", date(2020, 10, 13))]


def test_a_diary_day_opens_its_entries(extract):
    text = "Monday. Shells landed in Tartar before dawn, officials said.\nTuesday. Armenian rockets came down on Barda overnight, the prosecutors said."
    mentions = extract(text)
    assert [(m["location_mention"], m["event_date"]) for m in mentions] == [("Tartar", date(2020, 10, 12)), ("Barda", date(2020, 10, 13))]


def test_a_numbered_statement_running_past_midnight(extract):
    published = pd.Timestamp("2020-10-14T09:00:00+04:00").tz_convert("UTC")
    text = (
        "At 23:30 on 12 October, Azerbaijani artillery opened fire at the following settlements:\n"
        "1. Martuni - from 23:30 local time: artillery fire at the town.\n"
        "2. Askeran - from 00:40 local time: artillery fire at the town."
    )
    mentions = extract(text, published=published)
    assert [(m["location_mention"], m["event_date"]) for m in mentions] == [("Martuni", date(2020, 10, 12)), ("Askeran", date(2020, 10, 13))]


def test_a_date_without_a_time_is_the_whole_day(extract):
    """A report dated only by its day: '1.50 p.m.' that day is that day, not the night before."""
    mentions = extract(
        "At about 1.50 p.m. the enemy fired a rocket at Martuni, the Karabakh army said.",
        published=pd.Timestamp("2020-10-26T00:00:00Z"),
        published_note="no_zone",
    )
    assert [str(m["event_date"]) for m in mentions] == ["2020-10-26"]


def test_a_lead_without_a_date_is_the_act_the_body_dates(extract):
    text = (
        "An Azerbaijani ceasefire violation near Hadrut left four soldiers wounded, the ministry said.\n\n"
        "Last Saturday Azerbaijani special forces attacked positions near Hadrut, the ministry said."
    )
    mentions = extract(text)
    assert {(m["event_date"], m["injured"]) for m in mentions} >= {(date(2020, 10, 10), 4)}
    assert {m["event_date"] for m in mentions} == {date(2020, 10, 10)}


def test_a_lead_dated_only_by_its_statement_is_the_act_the_body_dates(extract):
    text = (
        "Armenian units fired on army posts near the Kalbajar district, says a statement issued by the Defence Ministry on "
        "Thursday.\n\nThe ministry said the posts came under fire in the Kalbajar district from 21:00 on 12 October to "
        "02:00 on 13 October."
    )
    mentions = extract(text, published=pd.Timestamp("2021-10-14T12:00:00+04:00"))
    assert {str(m["event_date"]) for m in mentions} == {"2021-10-13"}  # fire through the night into the 13th
    assert "timeline.dated_in_body" in mentions[0]["rules"]


def test_a_lead_that_tallies_the_past_day_keeps_its_day_of_saying(extract):
    # the body's earlier day is another act at the same place, not the lead's
    text = (
        "Eleven people were killed in the past 24 hours by shelling of Horlivka, officials said on Tuesday.\n\n"
        "The city was still mourning nine residents killed there on Sunday by shelling."
    )
    mentions = extract(text, published=pd.Timestamp("2016-05-12T12:00:00Z"), conflict="donbas")
    assert (str(mentions[0]["event_date"]), mentions[0]["killed"]) == ("2016-05-10", 11)
    assert "timeline.dated_in_body" not in mentions[0]["rules"]


def test_a_toll_with_no_place_dates_the_acts_told_after_it(extract):
    # the lead gives a day and a casualty but no act word and no place; the body's acts happened that day
    text = (
        "A soldier was wounded in the zone of the operation on Sunday, the army spokesman said.\n\n"
        "Militants fired mortars at Chermalyk, he said at a briefing on Monday."
    )
    mentions = extract(text, published=pd.Timestamp("2017-04-10T12:00:00Z"), conflict="donbas")
    assert [(m["location_mention"], str(m["event_date"])) for m in mentions] == [("Chermalyk", "2017-04-09")]


def test_a_dated_sentence_with_no_act_frames_its_paragraph(extract):
    # the day of the paragraph's opening sentence, which tells only of movement, dates the shelling told after it
    text = (
        "On 14 July Azerbaijani drones struck Berd.\n\n"
        "On 16 July the border units spotted the other side moving. Later the Azerbaijani forces shelled Aygepar."
    )
    mentions = extract(text, published=pd.Timestamp("2020-07-17T12:00:00+04:00"))
    assert [(m["location_mention"], str(m["event_date"])) for m in mentions] == [("Berd", "2020-07-14"), ("Aygepar", "2020-07-16")]


def test_a_summary_section_tells_the_acts_its_report_dates_below(extract):
    text = (
        "Daily report of the monitors.\n\nSummary\n\n"
        "The monitors recorded fewer explosions than the day before.\n\n"
        "The monitors saw fresh damage to houses due to shelling in Sartana.\n\n"
        "Damage in Sartana\n\n"
        "On 12 October, in Sartana, the monitors followed up on reports of houses damaged by shelling on the night of 11-12 October."
    )
    mentions = extract(text, conflict="donbas")
    assert {(m["location_mention"], m["event_date"]) for m in mentions} == {("Sartana", date(2020, 10, 12))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the day of a relative clause after the place is its history; the act the sentence goes on to tell is today's
        ("Shchastia, which had been the main target of heavy shelling on 11 October, also sustained a new attack with 90 rounds fired.", ["2020-10-14"]),
        # a relative clause that converts a time to the local day is the act's own day
        ("On 12 October at 22:30 GMT, which was 01:30 on 13 October in Shchastia, a rocket struck a row of houses in the town.", ["2020-10-13"]),
    ],
)
def test_a_relative_clause_dates_an_aside_unless_it_converts_the_time(text, expected, extract):
    assert [str(m["event_date"]) for m in extract(text, conflict="donbas")] == expected


def test_fire_that_went_on_until_the_next_morning_carries_the_story_into_that_day(extract):
    text = (
        "Rockets fell on Martuni late on Monday and kept falling until the next morning, residents said. "
        "Azerbaijani artillery also shelled nearby Hadrut in the afternoon, local officials said."
    )
    mentions = extract(text)
    assert [(m["location_mention"], str(m["event_date"])) for m in mentions] == [("Martuni", "2020-10-12"), ("Hadrut", "2020-10-13")]


def test_an_unnamed_village_the_next_sentence_names(extract):
    text = (
        "On Tuesday a drone fired a missile at a border village and killed a farmer, the Armenian defence ministry said. "
        "The village of Mets Masrik lies in the east of the country."
    )
    (m,) = extract(text)
    assert (m["location_mention"], m["geo_precision"], m["killed"], m["perpetrator_side"]) == ("Mets Masrik", 1, 1, "AZE")


def test_a_lead_telling_a_repeated_act_is_not_dated_by_the_first_one(extract):
    text = ("A farmer died as Azerbaijani guns hit Davit Bek for the second time in a week.\n\n"
            "Davit Bek had first come under artillery fire on October 30, officials said.")
    dated = sorted(str(m["event_date"]) for m in extract(text, published=pd.Timestamp("2020-11-02T12:00:00+04:00")))
    assert dated == ["2020-10-30", "2020-11-02"]


def test_the_cue_memo_gives_copies_and_is_emptied_for_each_report():
    from pipeline.profile import load_profile

    lexicon = load_profile().lexicon
    text = "Armenian artillery shelled Tartar on Tuesday."
    first = lexicon.found("act", text)
    first.append((0, 0, "x", "y"))  # a caller's change does not reach the memo
    assert lexicon.found("act", text) == first[:-1]
    assert lexicon.matches("act", text) == [hit[:3] for hit in first[:-1]]
    assert lexicon._memo
    lexicon.forget()
    assert not lexicon._memo



def test_a_counted_act_dates_the_bulletin_and_the_day_of_saying_does_not(extract):
    """'Fired 20 times at positions on Friday' is fire on Friday; a sentence whose only day is when the staff spoke
    ("said on Saturday morning") leaves the places listed after it on Friday."""
    text = ("The militants fired 20 times at army positions on Friday, wounding two soldiers, the press centre reported.\n\n"
            '"The enemy kept probing our defences until dark near Avdiivka," the staff said in a statement posted online on Saturday morning.\n\n'
            "Near Pisky and Marinka the militants used mortars against army positions.")
    mentions = extract(text, published=pd.Timestamp("2017-08-12T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert {(m["location_mention"], m["event_date"]) for m in mentions} == {("Pisky", date(2017, 8, 11)), ("Marinka", date(2017, 8, 11))}


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # a caption's day is the day of the picture; the act told after "a day after" came the day before
        ("Residents clear rubble in Tartar a day after a rocket attack by Armenian forces killed three people, Friday, Oct. 16, 2020.", date(2020, 10, 15)),
        # an act told before "a day after" keeps the day it is given
        ("Shells hit Tartar on Friday, a day after the truce took effect.", date(2020, 10, 16)),
    ],
)
def test_an_act_told_after_a_day_after_came_the_day_before(text, day, extract):
    (m,) = extract(text, published=pd.Timestamp("2020-10-16T20:00:00+04:00").tz_convert("UTC"))
    assert m["event_date"] == day


def test_a_sentence_pointing_back_to_the_attack_gives_its_figures_to_it(extract):
    text = ("Shelling damaged a kindergarten in Vrubivka on Thursday morning. Forty children were inside when the attack "
            "happened, but none was hurt.")
    (m,) = extract(text, published=pd.Timestamp("2022-02-17T18:00:00+02:00").tz_convert("UTC"), conflict="donbas")
    assert (m["location_mention"], m["injured"]) == ("Vrubivka", 0)


def test_a_quotations_day_wins_over_the_day_it_was_said(extract):
    text = ('"On 18 December the enemy violated the ceasefire six times. A civilian was killed when the militants opened fire '
            'in Marinka," the staff said on Thursday morning.')
    (m,) = extract(text, published=pd.Timestamp("2019-12-19T12:00:00+02:00").tz_convert("UTC"), conflict="donbas")
    assert (m["location_mention"], m["event_date"]) == ("Marinka", date(2019, 12, 18))


def test_a_quoted_today_with_a_clock_after_the_report_is_the_day_before(extract):
    text = '"Today at 9.40pm we recorded mortar fire on Spartak," the DPR\'s representative said.'
    (m,) = extract(text, published=pd.Timestamp("2018-12-20T03:53:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["event_date"] == date(2018, 12, 19)


def test_a_toll_of_fighting_elsewhere_is_not_the_acts(extract):
    text = ("Shells hit a housing block in Donetsk on Tuesday, killing two people. Fighting also went on elsewhere in the "
            "east, bringing the toll to at least 20 civilians over the past day.")
    (m,) = extract(text, published=pd.Timestamp("2014-07-30T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["killed"] == 2


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # a bulletin that names its day before "over the past day" means that day
        ('"On 1 August the army kept to the ceasefire. Over the past day enemy shelling wounded a soldier at the positions," the staff '
         "said on Friday morning.\n\nThe enemy fired grenade launchers near Pisky and Marinka.", date(2019, 8, 1)),
        # with no day named, "over the past day" is the report's own day (§10)
        ('"Over the past day enemy shelling wounded a soldier at the positions," the staff said on Friday morning.\n\n'
         "The enemy fired grenade launchers near Pisky and Marinka.", date(2019, 8, 2)),
    ],
)
def test_a_bulletins_past_day_is_the_day_it_named(text, day, extract):
    mentions = extract(text, published=pd.Timestamp("2019-08-02T09:54:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert {m["event_date"] for m in mentions} == {day}


@pytest.mark.parametrize(
    ("clock", "day"),
    [
        ("at 11:05 p.m.", date(2015, 5, 11)),  # later than an afternoon report: the evening before
        ("[at 11:05 p.m.]", date(2015, 5, 11)),
        ("at 2 a.m.", date(2015, 5, 12)),  # after midnight: the report's own day
    ],
)
def test_last_night_at_a_clock_is_the_night_the_clock_says(clock, day, extract):
    published = pd.Timestamp("2015-05-12T16:50:00+03:00").tz_convert("UTC")
    (m,) = extract(f"The militants shelled the town of Schastia last night {clock}, the governor's press service said.",
                   published=published, conflict="donbas")
    assert m["event_date"] == day


@pytest.mark.parametrize(
    "said",
    [
        "the staff said on Saturday morning",
        # a long frame of saying: where the statement was posted
        "the staff wrote in a post on its official page in the social network on Saturday morning",
    ],
)
def test_a_quoted_day_dates_the_casualty_told_with_it_and_the_places_listed_after(said, extract):
    """A quotation that names its day and tells a casualty without a place: the day it was said dates nothing, and the
    places the next paragraphs list are of the quotation's day."""
    text = (f'"On 3 May the militants broke the ceasefire eleven times. A soldier of ours was wounded by mortar fire," {said}.\n\n'
            "In the south the militants fired small arms near Pisky.")
    (m,) = extract(text, published=pd.Timestamp("2019-05-04T10:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["location_mention"], m["event_date"]) == ("Pisky", date(2019, 5, 3))


def test_a_night_between_two_days_is_one_event_on_the_second(extract):
    text = "Houses in Yasynuvata were damaged by shelling during the night between 2 and 3 May, residents said."
    found = extract(text, published=pd.Timestamp("2019-05-04T10:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert [(m["location_mention"], m["event_date"]) for m in found] == [("Yasynuvata", date(2019, 5, 3))]
