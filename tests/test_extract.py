"""Extraction rules on sentences of our own: acts, negation, places, actors, claims, figures, dates."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipeline.extract import extract_report
from pipeline.geocode import get_gazetteer
from pipeline.lexicon import default_lexicon

PUBLISHED = pd.Timestamp("2020-10-14T12:00:00+04:00").tz_convert("UTC")  # a Wednesday


def run(text: str, published: pd.Timestamp = PUBLISHED, outlet: str = "Test Wire") -> list[dict]:
    article = {"report_id": "r1", "outlet": outlet, "published": published, "text": text, "raw_path": "r1.txt", "raw_line": None}
    return extract_report(article, get_gazetteer(), default_lexicon())


def places(mentions: list[dict]) -> list[str]:
    return [m["location_mention"] for m in mentions]


# --- acts, types and negation -----------------------------------------------------------

ACT_CASES = [
    ("Armenian artillery shelled Tartar on Tuesday, the ministry said.", "Shelling/artillery/missile attack"),
    ("Rockets fired by Azerbaijani forces hit Stepanakert on Tuesday.", "Shelling/artillery/missile attack"),
    ("A drone strike destroyed a bus near Lachin on Tuesday.", "Air/drone strike"),
    ("Warplanes bombed the outskirts of Martakert on Tuesday, officials said.", "Air/drone strike"),
    ("Heavy clashes went on around Fuzuli on Tuesday, the ministry said.", "Armed clash"),
    ("Azerbaijani units attempted to advance on positions near Hadrut on Tuesday.", "Armed clash"),
    ("Soldiers shot dead two villagers in Hadrut on Tuesday, the ombudsman said.", "Attack"),
]


@pytest.mark.parametrize(("sentence", "sub_event_type"), ACT_CASES)
def test_act_types(sentence, sub_event_type):
    mentions = run(sentence)
    assert mentions, sentence
    assert {m["sub_event_type"] for m in mentions} == {sub_event_type}


NOT_EVENTS = [
    "Armenian forces did not shell Tartar on Tuesday, the ministry insisted.",
    "Baku warned it would strike Stepanakert if the attacks went on.",
    "The president threatened to shell Ganja again.",
    "Yerevan denied that its artillery had fired on Barda on Tuesday.",
    "By the ministry's count, Armenian attacks have killed 40 civilians in Tartar since the war began.",
    "The army said it had destroyed four tanks and two Grad launchers.",
    "The war of the 1990s left Aghdam in ruins.",
    "Ceasefire talks in Moscow lasted eleven hours.",
    "Rockets were fired from Berd towards the border on Tuesday.",
]


@pytest.mark.parametrize("sentence", NOT_EVENTS)
def test_statements_that_are_not_events(sentence):
    assert run(sentence) == []


# --- places ------------------------------------------------------------------------------

PLACE_CASES = [
    ("The ministry said Armenian forces shelled the regions of Goranboy, Tartar and Aghdam on Tuesday.", [("Goranboy", 2), ("Tartar", 2), ("Aghdam", 2)]),
    ("Armenian artillery fired on the Barda and Aghjabadi districts on Tuesday, the ministry said.", [("Barda", 2), ("Aghjabadi", 2)]),
    ("Azerbaijani troops came under fire in the direction of Fuzuli and Jabrayil on Tuesday, the ministry said.", [("Fuzuli", 2), ("Jabrayil", 2)]),
    ("Azerbaijani rockets hit Stepanakert and Shushi on Tuesday, Karabakh officials said.", [("Stepanakert", 1), ("Shushi", 1)]),
    ("Shells landed near Kapan on Tuesday, the Armenian ministry said.", [("Kapan", 2)]),
    ("A shell hit a school in the village of Karmir Shuka in the Martuni region on Tuesday, Karabakh officials said.", [("Karmir Shuka", 1)]),
    ("Armenian missiles fired from the direction of Lachin hit army units in Tartar on Tuesday, the ministry said.", [("Tartar", 1)]),
    ("Azerbaijani fire hit the towns of Martuni (Khojavend) and Askeran on Tuesday, officials in Stepanakert said.", [("Martuni", 1), ("Askeran", 1)]),
]


@pytest.mark.parametrize(("sentence", "expected"), PLACE_CASES)
def test_one_event_per_place_with_precision(sentence, expected):
    mentions = run(sentence)
    assert [(m["location_mention"], m["geo_precision"]) for m in mentions] == expected


def test_sound_heard_from_a_direction_places_the_act_there():
    mentions = run("In Stepanakert, a Reuters reporter heard heavy shelling from the direction of Hadrut on Tuesday.")
    assert [(m["location_mention"], m["geo_precision"]) for m in mentions] == [("Hadrut", 2)]
    assert mentions[0]["claimant_side"] == "independent"


def test_capital_standing_for_a_government_is_not_a_place():
    assert places(run("Baku said Armenian artillery shelled Tartar on Tuesday.")) == ["Tartar"]


def test_anaphora_takes_the_place_of_the_previous_sentence():
    text = "Karabakh officials said Shushi had been quiet until Tuesday.\nOn Tuesday its cathedral was struck by Azerbaijani shells, they said."
    mentions = run(text)
    assert places(mentions) == ["Shushi"]


# --- actors and claims ---------------------------------------------------------------------

ACTOR_CASES = [
    ("Azerbaijan's Defence Ministry said Armenian forces shelled Tartar on Tuesday.", "ARM", "AZE", "Ministry of Defence of Azerbaijan"),
    ("According to the Armenian Defence Ministry, Azerbaijani drones struck Stepanakert on Tuesday.", "AZE", "ARM", "Ministry of Defence of Armenia"),
    ("Tartar was hit by shells fired by the Armenian army on Tuesday, the Prosecutor General's Office said.", "ARM", "AZE", "Prosecutor General's Office of Azerbaijan"),
    ("Karabakh officials accused Azerbaijani forces of shelling Martuni on Tuesday.", "AZE", "ARM", "Nagorno-Karabakh authorities"),
    ("Shells fell on Goranboy on Tuesday, Azerbaijan's Defence Ministry said.", "ARM", "AZE", "Ministry of Defence of Azerbaijan"),
    ("Human Rights Watch said rockets fired by Armenian forces struck Barda on Tuesday.", "ARM", "independent", "Human Rights Watch"),
]


@pytest.mark.parametrize(("sentence", "perpetrator", "claimant_side", "claimant"), ACTOR_CASES)
def test_perpetrator_and_claimant(sentence, perpetrator, claimant_side, claimant):
    (m,) = run(sentence)
    assert m["perpetrator_side"] == perpetrator
    assert m["claimant_side"] == claimant_side
    assert claimant in m["claimants"]


def test_a_clash_with_no_stated_aggressor_has_no_perpetrator():
    (m,) = run("Azerbaijan's Defence Ministry said fighting went on around Hadrut on Tuesday.")
    assert m["perpetrator_side"] is None


def test_attribution_carries_to_the_next_sentence_of_a_statement():
    text = "Azerbaijan's Defence Ministry issued a statement on Tuesday. It said Armenian artillery shelled Tartar on Tuesday."
    (m,) = run(text)
    assert m["claimants"] == ["Ministry of Defence of Azerbaijan"]


def test_denial_by_the_other_side_marks_the_claim_denied():
    text = (
        "Azerbaijan's Defence Ministry said Armenian artillery shelled Tartar on Tuesday. "
        "Armenia's Defence Ministry rejected the claim as a fabrication."
    )
    (m,) = run(text)
    assert m["claim_status"] == "denied"
    assert m["claimants"] == ["Ministry of Defence of Azerbaijan"]


# --- figures and dates in context ------------------------------------------------------------

def test_figures_in_the_next_sentence_belong_to_the_event():
    text = "A missile fired by Armenian forces hit Ganja on Tuesday, the prosecutors said. Six people were killed and 20 were wounded."
    (m,) = run(text)
    assert (m["killed"], m["injured"]) == (6, 20)


def test_figures_are_not_spread_over_several_places():
    mentions = run("Armenian shelling of Tartar and Barda on Tuesday killed 5 people, the ministry said.")
    assert [m["killed"] for m in mentions] == [None, None]


def test_undated_sentence_takes_the_previous_event_date():
    text = "Armenian artillery shelled Tartar on Monday, the ministry said. It added that Armenian rockets also hit Barda."
    mentions = run(text)
    assert [m["event_date"] for m in mentions] == [date(2020, 10, 12), date(2020, 10, 12)]


def test_clock_time_gives_utc_instant_and_local_date():
    (m,) = run("Azerbaijan's Defence Ministry said Armenian rockets hit Barda at about 02:00 local time on Tuesday.")
    assert m["event_date"] == date(2020, 10, 13)
    assert pd.Timestamp(m["time_utc"]) == pd.Timestamp("2020-10-12T22:00:00Z")


def test_truce_timing_cues():
    after = run("Minutes into the truce, Armenian artillery shelled Tartar, the ministry said.")
    before = run("Shortly before the ceasefire began, Azerbaijani rockets hit Martuni, officials said.")
    assert after[0]["truce_timing"] == "after_start"
    assert before[0]["truce_timing"] == "before_start"
