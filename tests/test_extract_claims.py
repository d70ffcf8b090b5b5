"""Perpetrator side, claimants, attribution carried across sentences, denials and claim status."""

from __future__ import annotations

import pandas as pd
import pytest

# --- actors and claims ---------------------------------------------------------------------

ACTOR_CASES = [
    ("Azerbaijan's Defence Ministry said Armenian forces shelled Tartar on Tuesday.", "ARM", "AZE", "Ministry of Defence of Azerbaijan"),
    ("According to the Armenian Defence Ministry, Azerbaijani drones struck Stepanakert on Tuesday.", "AZE", "ARM", "Ministry of Defence of Armenia"),
    ("Tartar was hit by shells fired by the Armenian army on Tuesday, the Prosecutor General's Office said.", "ARM", "AZE", "Prosecutor General's Office of Azerbaijan"),
    ("Karabakh officials accused Azerbaijani forces of shelling Martuni on Tuesday.", "AZE", "ARM", "Nagorno-Karabakh authorities"),
    ("Shells fell on Goranboy on Tuesday, Azerbaijan's Defence Ministry said.", "ARM", "AZE", "Ministry of Defence of Azerbaijan"),
    ("Human Rights Watch said rockets fired by Armenian forces struck Barda on Tuesday.", "ARM", "independent", "Human Rights Watch"),
    # a party's name qualifying its own units is the agent, and "Azerbaijan authorities" (the country's name as a modifier) speak
    ("Armenian military units struck residential areas of Barda with rockets on Tuesday, Azerbaijan authorities said.", "ARM", "AZE", "Government of Azerbaijan"),
    # the side whose guns fired, named after "from ... installations of"; a speaker who tweeted
    ("The Goygol district was fired on from artillery installations of the Armenian Armed Forces on Tuesday, the ministry of Azerbaijan said.",
     "ARM", "AZE", "Ministry of Azerbaijan"),
    ('"A missile fell near the dam in Mingachevir on Tuesday," the Azerbaijani president\'s aide tweeted.', "ARM", "AZE", "Government of Azerbaijan"),
]


@pytest.mark.parametrize(("sentence", "perpetrator", "claimant_side", "claimant"), ACTOR_CASES)
def test_perpetrator_and_claimant(sentence, perpetrator, claimant_side, claimant, extract):
    (m,) = extract(sentence)
    assert m["perpetrator_side"] == perpetrator
    assert m["claimant_side"] == claimant_side
    assert claimant in m["claimants"]


def test_a_clash_with_no_stated_aggressor_has_no_perpetrator(extract):
    (m,) = extract("Azerbaijan's Defence Ministry said fighting went on around Hadrut on Tuesday.")
    assert m["perpetrator_side"] is None


def test_attribution_carries_to_the_next_sentence_of_a_statement(extract):
    text = "Azerbaijan's Defence Ministry issued a statement on Tuesday. It said Armenian artillery shelled Tartar on Tuesday."
    (m,) = extract(text)
    assert m["claimants"] == ["Ministry of Defence of Azerbaijan"]


def test_denial_by_the_other_side_marks_the_claim_denied(extract):
    text = (
        "Azerbaijan's Defence Ministry said Armenian artillery shelled Tartar on Tuesday. "
        "Armenia's Defence Ministry rejected the claim as a fabrication."
    )
    (m,) = extract(text)
    assert m["claim_status"] == "denied"
    assert m["claimants"] == ["Ministry of Defence of Azerbaijan"]




def test_the_ministry_means_the_latest_ministry_that_spoke(extract):
    text = (
        "Armenia's Defence Ministry said Azerbaijani drones struck Martuni on Tuesday. Baku did not comment.\n"
        "The ministry also said Azerbaijani forces fired on Askeran on Tuesday."
    )
    mentions = extract(text)
    assert [m["claimants"] for m in mentions] == [["Ministry of Defence of Armenia"]] * 2


def test_a_counter_claim_after_a_denial_is_read(extract):
    text = "Azerbaijan's Defence Ministry denied hitting civilians and said Armenian artillery shelled Tartar on Tuesday."
    (m,) = extract(text)
    assert (m["location_mention"], m["perpetrator_side"], m["claimants"]) == ("Tartar", "ARM", ["Ministry of Defence of Azerbaijan"])


def test_a_state_can_be_the_speaker(extract):
    (m,) = extract("Azerbaijan said Armenian missiles struck the city of Ganja on Tuesday, killing 4 people.")
    assert (m["claimant_side"], m["perpetrator_side"], m["killed"]) == ("AZE", "ARM", 4)


def test_a_speaker_of_the_side_that_was_hit(extract):
    (m,) = extract("On Tuesday the Armenian artillery again fired on our villages in the Tovuz district.")
    assert (m["perpetrator_side"], m["claimant_side"]) == ("ARM", "AZE")


def test_troops_hit_after_the_act_are_the_target(extract):
    (m,) = extract("The Artsakh Defence Army said its artillery struck Azerbaijani troops on the outskirts of Hadrut on Tuesday.")
    assert (m["perpetrator_side"], m["target"]) == ("ARM", "military")


@pytest.mark.parametrize(
    "text",
    [
        "Kiev junta's militants shelled the western part of Horlivka with tanks on Sunday, the city administration said.",
        "The punishers fired mortars at Horlivka on Sunday, the city administration said.",
    ],
)
def test_separatist_wording_for_government_forces_names_them(text, extract):
    (m,) = extract(text, published=pd.Timestamp("2015-08-17T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["perpetrator_side"] == "UKR"


def test_a_partys_spokesman_speaks_for_it_and_the_agency_relaying_him_does_not(extract):
    text = ("A spokesman for the so-called Luhansk People's Republic said on Monday that 12 militiamen had been killed in "
            "Ukrainian fire on Stanytsia Luhanska, Russia's Interfax news agency reported.")
    (m,) = extract(text, published=pd.Timestamp("2014-07-14T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["claimant_side"], m["target"], m["killed"]) == ("LPR", "military", 12)


def test_a_side_that_reclaimed_the_place_is_no_agent(extract):
    (m,) = extract("Shells hit the Kalbajar district, land reclaimed by Azerbaijan last year, on Tuesday, the Azerbaijani ministry said.")
    assert m["perpetrator_side"] == "ARM"


def test_the_owner_of_where_fire_came_from_fired_it(extract):
    (m,) = extract("Tartar came under fire on Tuesday launched from the territory of Armenia's Vardenis region, the ministry in Baku said.")
    assert (m["perpetrator_side"], m["target"]) == ("ARM", "civilians")


def test_civilians_killed_by_the_act_are_its_target_whatever_else_the_clause_names(extract):
    text = "At least nine civilians have been killed by heavy artillery barrages, as army units close in on rebel positions around the city of Horlivka."
    (m,) = extract(text, published=pd.Timestamp("2014-07-27T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["target"], m["killed"]) == ("civilians", 9)


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        # public transport, buses and their passengers are civilian
        ("Gunmen fired on public transport in Donetsk on Tuesday.", "civilians"),
        ("A shell landed near a bus stop in Horlivka on Tuesday.", "civilians"),
        ("Snipers fired at a minibus carrying passengers near Avdiivka on Tuesday.", "civilians"),
        # citizens, farmers and shepherds at work are civilian
        ("On Tuesday a group of citizens pruning vineyards near Avdiivka came under fire.", "civilians"),
        ("On Tuesday snipers opened fire at farmers near Avdiivka.", "civilians"),
        # positions that "underwent" shelling are its target, though named before the act
        ("On Tuesday militia positions in the villages of Kirovsk and Frunze underwent heavy shelling.", "military"),
        # strong points and defences are military
        ("On Tuesday militants fired mortars at the strong points of the army near Krymske.", "military"),
        ("On Tuesday the army's defences on the outskirts of Krymske came under mortar fire.", "military"),
    ],
)
def test_what_the_fire_hit_is_its_target(sentence, target, extract):
    mentions = extract(sentence, published=pd.Timestamp("2017-02-01T12:00:00+02:00").tz_convert("UTC"), conflict="donbas")
    assert mentions and {m["target"] for m in mentions} == {target}


def test_positions_of_a_partys_army_after_the_act_are_its_target(extract):
    # "subjected to fire the positions of the X army": the target, not the shooter's own phrase
    text = ("On 27 January Armenian troops with small arms subjected to fire the positions of the Azerbaijan army near a "
            "village of the Tovuz district, the ministry said.")
    mentions = extract(text, published=pd.Timestamp("2022-01-28T12:00:00+04:00"))
    assert [(m["sub_event_type"], m["target"]) for m in mentions] == [("Armed clash", "military")]


def test_a_party_speaks_after_an_aside_between_its_name_and_its_verb(extract):
    text = ("Azerbaijan's defence ministry said Armenian shells hit Tartar on Monday. "
            "Armenia, on the other side, says Azerbaijani rockets hit Berd again on Tuesday.")
    sides = {m["location_mention"]: m["claimant_side"] for m in extract(text)}
    assert sides == {"Tartar": "AZE", "Berd": "ARM"}


def test_a_side_that_holds_a_place_is_no_agent_and_a_side_shot_at_is_the_target(extract):
    (m,) = extract(
        "Snipers shot at Ukrainian soldiers near Avdiivka, a town held by Ukraine, on Tuesday, the rebel command said.",
        published=pd.Timestamp("2017-02-01T12:00:00+02:00").tz_convert("UTC"),
        conflict="donbas",
    )
    assert (m["location_mention"], m["target_side"]) == ("Avdiivka", "UKR")
    assert m["perpetrator_side"] != "UKR"


@pytest.mark.parametrize(
    ("text", "claimant_side", "perpetrator_side"),
    [
        # a name inside what is said is no speaker
        ("The emergency service of Artsakh told reporters that the Azeri military used cluster munitions on Shushi on Tuesday.", "ARM", "AZE"),
        ("Karabakh's president spoke to reporters. He said the Azeri army used rocket launchers on Shushi on Tuesday.", "ARM", "AZE"),
        # a speaker's name followed by a verb of acting is the agent
        ("The Azerbaijani military conducted artillery strikes on Martuni on Tuesday night, the information centre of the self-proclaimed republic said.", "ARM", "AZE"),
        # the office of a president 'of the Republic of X' speaks for X
        ("Shells killed two people in Tartar on Tuesday, the aide to the President of the Republic of Azerbaijan wrote.", "AZE", "ARM"),
        # a side named after "according to" is the source; so is an official of a party
        ("According to Azerbaijani sources, Armenian forces shelled Tartar on Tuesday.", "AZE", "ARM"),
        ("Armenian rockets hit a farm in the Goranboy district on Tuesday, killing two, Azerbaijan's prosecutor general said.", "AZE", "ARM"),
        ("Armenian rockets hit a farm in the Goranboy district on Tuesday, Azerbaijan's deputy interior minister Farid Aliyev told reporters.",
         "AZE", "ARM"),
        # a minister of a party, the person's name run on after it, or a state's minister with no article
        ("Azerbaijani mortars hit Berd on Tuesday, the Defence Minister of Armenia Aram Sargsyan told a briefing.", "ARM", "AZE"),
        ("Azerbaijani mortars hit Berd on Tuesday, Armenian Defence Minister Aram Sargsyan said.", "ARM", "AZE"),
        # with the speaker named after the last comma, a leader named in what is said does not speak
        ("President Ilham Aliyev has run out of options, a former Defence Minister of Armenia told reporters on Wednesday. "
         "Azerbaijani mortars hit Berd on Tuesday.", "ARM", "AZE"),
        # "reports per Defense Ministry": the ministry of the side holding the place is the source
        ("Armenian units shelled positions of the Azerbaijani army in the Kalbajar district on Tuesday, the agency reports per Defense Ministry.",
         "AZE", "ARM"),
        # a state's diplomat speaks for the state, not for the city of the post
        ("Armenian rockets hit Ganja on Saturday, says the Consul General of The Republic of Azerbaijan in Dubai.", "AZE", "ARM"),
        ("Armenian rockets hit Ganja on Saturday, the ambassador of France in Baku said.", "independent", "ARM"),
        # a body reacting "after" a party said that ... is not the claimant: the party is
        ("The French embassy issued a statement on Tuesday after Azerbaijan announced that Armenian rockets had hit Ganja.", "AZE", "ARM"),
        # ... but a source introduced by "according to" still does
        ("According to Azerbaijan's defence ministry, Armenian forces shelled Tartar on Tuesday, the agency reported.", "AZE", "ARM"),
        # the body whose bulletin states it
        ("Two ceasefire violations were recorded in the Askeran region, with no casualties. This is stated in Monday's daily "
         "information bulletin of the Russian Ministry of Defence.", "independent", None),
    ],
)
def test_who_speaks_and_who_acts(text, claimant_side, perpetrator_side, extract):
    (m,) = extract(text)
    assert (m["claimant_side"], m["perpetrator_side"]) == (claimant_side, perpetrator_side)


def test_the_next_sentence_that_only_adds_detail_names_the_source(extract):
    text = (
        "Rockets fell on Ganja on Tuesday, killing four people. Two children were among the injured, "
        "the Prosecutor General's Office said."
    )
    (m,) = extract(text)
    assert m["claimant_side"] == "AZE"
    assert "claims.next_sentence" in m["rules"]


@pytest.mark.parametrize(
    "text",
    [
        "“Azerbaijani artillery shelled Martuni overnight into Tuesday. On Tuesday morning drones struck Askeran,” "
        "the Armenian Defence Ministry said in a statement.",
        '"Azerbaijani artillery shelled Martuni overnight into Tuesday. On Tuesday morning drones struck Askeran," '
        "the Armenian Defence Ministry said in a statement.",
    ],
)
def test_a_quotation_over_several_sentences_is_claimed_by_whom_it_closes_on(text, extract):
    mentions = extract(text)
    assert [m["location_mention"] for m in mentions] == ["Martuni", "Askeran"]
    assert [m["claimant_side"] for m in mentions] == ["ARM", "ARM"]
    assert "claims.quotation_closes" in mentions[0]["rules"]


def test_a_quotation_closed_in_its_own_sentence_lends_nothing_to_the_next(extract):
    text = ("“Drones struck Askeran on Tuesday,” the Armenian Defence Ministry said. "
            "Shells also fell on Tartar on Tuesday, Azerbaijan's Defence Ministry said.")
    assert [m["claimant_side"] for m in extract(text)] == ["ARM", "AZE"]


def test_a_dateline_is_no_speaker(extract):
    (m,) = extract("GANJA, Azerbaijan, Oct. 13\n\nRockets hit the outskirts of Tartar again, a reporter from the scene writes.")
    assert m["claimant_side"] != "AZE"


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        # fighting between two sides names no perpetrator (an unnamed ministry speaks for the side holding the place)
        ("Fighting between Armenian and Azerbaijani troops raged near Martuni on Tuesday, the ministry said.", None, "ARM"),
        # an agent named with 'by' wins over a side earlier in the sentence
        ("Armenian medics walk past a house in Stepanakert destroyed by shelling by Azerbaijani forces on Tuesday.", "AZE", None),
        # 'the country's ministry' points back to the state just named as a speaker
        ("Azerbaijan also reported shelling on Tuesday. The country's Defence Ministry said Tartar came under fire.", "ARM", "AZE"),
        # a name in brackets that an editor added is no speaker
        ("Rockets hit Martuni on Tuesday (the town the Karabakh side calls Martuni - TASS), the Karabakh army said.", "AZE", "ARM"),
    ],
)
def test_more_sides_and_speakers(text, perpetrator_side, claimant_side, extract):
    mentions = extract(text)
    assert mentions
    assert (mentions[-1]["perpetrator_side"], mentions[-1]["claimant_side"]) == (perpetrator_side, claimant_side)


D2020 = pd.Timestamp("2020-02-18T12:00:00+02:00").tz_convert("UTC")


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        ("Russian fighters attacked Ukrainian positions near Krymske on Tuesday, according to Joint Forces Operations HQ.", "LPR", "UKR"),
        ("One civilian was killed when militants shelled Novoluhanske on Tuesday, Donetsk Oblast governor Pavlo Kyrylenko said.", "DPR", "UKR"),
        ("On Tuesday the Azov and Dnipro battalions made a serious attempt to break through the militia lines near Shyrokyne, Basurin said.", "UKR", "DPR"),
        ("The city administration in Donetsk said two people were killed when shells hit a trolleybus in the city on Tuesday.", "UKR", "DPR"),
        # a title with the kind of area before the listed official's name is that official, not a second speaker
        ("The governor of the Luhansk region, Hennadiy Moskal, says militias fired rockets at Stanytsia Luhanska on Tuesday.", "LPR", "UKR"),
        # separatists speaking as a group, with no republic named: the side of the place's oblast
        ("Rebels, for their part, accused Ukrainian troops of shelling Horlivka on Tuesday.", "UKR", "DPR"),
        # local officials of a town no republic held speak for the state, though the oblast shares a held city's name
        ("Rockets slammed into homes in Kramatorsk on Tuesday, killing two residents, according to local officials.", "DPR", "UKR"),
        # a regional police chief is a Ukrainian state body
        ("Militants shelled the outskirts of Avdiivka on Tuesday, the head of the National Police in Donetsk region said.", "DPR", "UKR"),
        # "put X under fire": a verb of acting, so its subject is the agent
        ("The militants put the town of Schastia under the fire of grenade launchers on Tuesday, governor Hennadiy Moskal said.", "LPR", "UKR"),
        # a side named after "according to" (its army, its report) is the source
        ("According to the Ukrainian army, its positions near Pisky came under mortar fire on Tuesday.", "DPR", "UKR"),
        ("According to JFO data, Ukrainian units near Talakivka came under fire on Tuesday.", "DPR", "UKR"),
        # police or an army spokesman of no side named speak for the holder of the place
        ("Separatist shelling killed a pensioner in Krasnohorivka on Tuesday, police said.", "DPR", "UKR"),
        ("Two soldiers were wounded in fighting near Marinka on Tuesday, a military spokesman said.", None, "UKR"),
        # a source within a side speaks for it; the agency told does not
        ("Artillery pounded the city of Luhansk on Monday, a source in the militia of the self-proclaimed Luhansk People's Republic "
         "told ITAR-TASS.", "UKR", "LPR"),
        ("Shells hit Horlivka on Monday. That was reported by a source in the DPR security services.", "UKR", "DPR"),
        # the head of the oblast administration is Ukraine's
        ("The head of the Luhansk administration informs that Stanytsia Luhanska was shelled six times on Tuesday.", "LPR", "UKR"),
        # reports from the scene and international media are independent
        ("Rockets hit the centre of Horlivka on Friday, say reports from the scene.", None, "independent"),
        ("According to local and international media, a mortar round hit a bus stop in Donetsk on Friday.", None, "independent"),
    ],
)
def test_donbas_speakers_and_sides(text, perpetrator_side, claimant_side, extract):
    (m,) = extract(text, published=D2020, conflict="donbas")
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


def test_a_side_inside_a_speakers_name_is_no_agent(extract):
    (m, *_) = extract("The Defence Army of Artsakh said Azerbaijan used artillery against Stepanakert on Tuesday.")
    assert (m["perpetrator_side"], m["claimant_side"]) == ("AZE", "ARM")


@pytest.mark.parametrize(
    ("text", "perpetrator_side"),
    [
        ("Azerbaijan's shelling of Armenian villages near Vardenis killed a civilian on Tuesday, the ministry said.", "AZE"),
        ("Gubadli, a town that was taken by Azerbaijani troops this week, came under Armenian artillery fire on Tuesday, Baku said.", "ARM"),
    ],
)
def test_possessive_agents_and_controllers(text, perpetrator_side, extract):
    assert [m["perpetrator_side"] for m in extract(text)] == [perpetrator_side]


def test_a_state_that_has_denied_and_accuses_is_the_claimant_of_its_counter_claim(extract):
    mentions = extract("Armenia has denied targeting Ganja, and accused Azerbaijani forces of shelling Stepanakert on Tuesday.")
    stepanakert = [m for m in mentions if m["location_mention"] == "Stepanakert"]
    assert [(m["perpetrator_side"], m["claimant_side"]) for m in stepanakert] == [("AZE", "ARM")]


def test_units_of_an_army_attacked_are_the_target(extract):
    (m,) = extract("On Tuesday an armed group attacked the units of the Azerbaijani army near Hadrut, the ministry said.")
    assert m["perpetrator_side"] == "ARM"


@pytest.mark.parametrize(
    ("text", "perpetrator_side"),
    [
        # the fire "of" a party's forces, and a weapon owned by them
        ("On Tuesday the artillery fire of the Armenian Armed Forces killed a farmer in the Tartar district.", "ARM"),
        ("On Tuesday the Armenian Armed Forces’ rocket hit a house in Tartar and killed a boy.", "ARM"),
        # the side whose unit was fired on is the target, not the agent
        ("On Tuesday Azerbaijani soldiers fired on a unit of the Armenian troops near Vardenis, the statement said.", "AZE"),
        # the Armed Forces named after "the shelling of" are its authors
        ("He said that as a result of the shelling of the Armenian Armed Forces in the village of Horadiz on Tuesday, one person was killed.",
         "ARM"),
        # the nationality of the people fired at names the target
        ("On Tuesday Azerbaijani forces opened fire at a group of Armenian civilians near Shushi, officials said.", "AZE"),
        # the side whose air defences destroyed a drone stopped the act
        ("On Tuesday a drone struck a farm near Vardenis before being destroyed by Armenian air defences.", "AZE"),
    ],
)
def test_owners_of_fire_and_defenders(text, perpetrator_side, extract):
    assert {m["perpetrator_side"] for m in extract(text)} == {perpetrator_side}


def test_a_ministry_named_of_its_state_and_a_typographic_apostrophe(extract):
    (m,) = extract("Azerbaijani shelling hit Martuni on Tuesday, wounding two men, Artsakh’s Information Center said.")
    assert m["claimant_side"] == "ARM"
    outlet = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
    (m,) = extract("On Tuesday the artillery of the Armenian Armed Forces shelled Tartar, killing a man.", outlet=outlet)
    assert m["claimant_side"] == "AZE"


def test_an_agencys_own_crew_at_the_scene_is_its_observation(extract):
    text = "On Tuesday Azerbaijani rockets hit the centre of Martuni as a crew of Caspian Wire reporters were talking to residents at the scene."
    (m,) = extract(text, outlet="Caspian Wire (via Another Site)")
    assert (m["claimant_side"], m["claimants"]) == ("independent", ["Caspian Wire"])


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        # fire "from" a party is that party's
        ("On Tuesday Yerevan said a farmer died when the shelling from Azerbaijan reached villages near Vardenis.", {"Vardenis": "AZE"}),
        # "the strike on A came hours after X shelled B": X is the agent at B only (A's is the opponent of its holder)
        ("The strike on Barda on Tuesday came hours after Azerbaijani forces shelled Stepanakert.", {"Barda": "ARM", "Stepanakert": "AZE"}),
    ],
)
def test_fire_from_a_party_and_two_acts_in_one_sentence(text, sides, extract):
    assert {m["location_mention"]: m["perpetrator_side"] for m in extract(text)} == sides


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        # a party's name owning a town inside "subjected ... to fire" is no owner of the fire
        ("On Tuesday the Armenian army once again subjected Azerbaijan's Barda to rocket fire, the prosecutors said.", {"Barda": "ARM"}),
        # a casualty told in an "as a result of which" clause is no passive of the act
        ("On Tuesday Armenian forces, deliberately aiming at homes, subjected the village of Qaraqoyunlu, Tartar district to heavy bombardment, "
         "as a result of which a shepherd was killed.", {"Tartar": "ARM"}),
    ],
)
def test_places_owned_inside_the_act_and_result_clauses(text, sides, extract):
    assert {m["location_mention"]: m["perpetrator_side"] for m in extract(text)} == sides


def test_a_territory_speaking_as_a_whole_is_a_claimant(extract):
    mentions = extract("On Tuesday Nagorno-Karabakh reported rocket attacks by Azerbaijani troops on the Askeran district.")
    assert [(m["location_mention"], m["claimant_side"]) for m in mentions] == [("Askeran", "ARM")]


@pytest.mark.parametrize(
    ("text", "conflict", "perpetrator_side"),
    [
        # fire with no shooter named: where the profile says who holds the place, the holder's opponent fired
        ("Stepanakert was shelled again late on Tuesday, with several houses set on fire.", None, "AZE"),
        ("The town of Tartar came under heavy fire on Tuesday night.", None, "ARM"),
        ("Shells landed in the village of Davit Bek in Armenia on Tuesday.", None, "AZE"),
        # the donbas profile does not say that its holdings held for the whole war: no perpetrator is inferred
        ("Avdiivka was shelled again late on Tuesday, the town's military administration said.", "donbas", None),
    ],
)
def test_the_holder_of_a_place_under_fire_names_its_opponent_as_the_shooter(text, conflict, perpetrator_side, extract):
    mentions = extract(text, conflict=conflict)
    assert mentions
    assert {m["perpetrator_side"] for m in mentions} == {perpetrator_side}
    if perpetrator_side:
        assert all("roles.opponent_of_holder" in m["rules"] for m in mentions)


def test_each_speaker_claims_the_places_of_its_own_words(extract):
    text = ("Azerbaijan's defence ministry said Tartar was shelled on Tuesday, whereas the separatist republic's army said "
            "Martuni came under rocket fire.")
    assert sorted((m["location_mention"], m["claimant_side"]) for m in extract(text)) == [("Martuni", "ARM"), ("Tartar", "AZE")]


def test_speakers_who_share_one_claim_keep_it_together(extract):
    text = "Armenia's defence ministry and Azerbaijan's defence ministry both said heavy fighting went on near Talish on Tuesday."
    assert [m["claimant_side"] for m in extract(text)] == ["multiple"]


def test_a_speaker_named_with_the_weapons_used_claims_the_fire_before_it(extract):
    text = ("Army posts came under fire again, Azerbaijan's Defence Ministry reported on Wednesday.\n\n"
            "On Tuesday night Armenian units fired on posts in the Gadabay region. They used small arms, the ministry said.")
    gadabay = [m for m in extract(text) if m["location_mention"] == "Gadabay"]
    assert [(m["sub_event_type"], m["claimant_side"]) for m in gadabay] == [("Armed clash", "AZE")]


@pytest.mark.parametrize(
    ("text", "claimant_side", "claimant"),
    [
        ("Armenia's human rights ombudsman said Azerbaijani drones struck Vardenis on Monday.", "ARM", "Human Rights Defender of Armenia"),
        ("Azerbaijan's ombudsman said Armenian missiles struck Barda on Monday.", "AZE", "Ombudsman of Azerbaijan"),
        # a member of parliament speaks for the state the place lies in
        ("Gohar Sargsyan, an MP, said on Monday that Azerbaijani artillery had hit the town of Goris.", "ARM", "Local officials"),
    ],
)
def test_the_states_ombudsmen_are_claimants(text, claimant_side, claimant, extract):
    (m,) = extract(text)
    assert (m["claimant_side"], m["claimants"]) == (claimant_side, [claimant])


def test_an_outlet_that_is_a_state_body_speaks_for_its_party(extract):
    text = "Smerch rockets hit Shushi on Friday, damaging the town's cathedral."
    (m,) = extract(text, outlet="Office of the High Commissioner for Diaspora Affairs of Armenia")
    assert (m["claimant_side"], m["claimants"]) == ("ARM", ["Government of Armenia"])
    (m,) = extract(text, outlet="Caspian Wire")
    assert m["claimant_side"] is None
    # a state body's statement republished by a site
    (m,) = extract(text, outlet="State Committee for Refugees of Armenia (via Some Site)")
    assert m["claimant_side"] == "ARM"
    # an embassy's page naming its ministry in brackets
    (m,) = extract(text, outlet="Embassy of Armenia in Portugal (MFA of Armenia)")
    assert m["claimant_side"] == "ARM"


def test_a_statement_issued_names_who_speaks_in_the_quotation_after_it(extract):
    text = (
        "The Azerbaijani Defence Ministry has issued a further statement on the night's fighting.\n\n"
        "The statement reads:\n\n"
        "\u201cOn Monday night the enemy shelled the village of Sahlabad in Tartar district with heavy artillery.\u201d"
    )
    (m,) = extract(text)
    assert m["claimant_side"] == "AZE"


@pytest.mark.parametrize(
    ("text", "claimant_side"),
    [
        # a governor named with the province and his name, speaking with "informs"
        ("A bus in Vardenis burned in an Azerbaijani drone attack, Governor of Gegharkunik Province Aram Petrosyan informs.", "ARM"),
        # officials "in" a state speak for it
        ("Officials in Azerbaijan said the town of Terter came under Armenian shelling on Saturday.", "AZE"),
    ],
)
def test_governors_and_officials_of_a_state(text, claimant_side, extract):
    (m,) = extract(text)
    assert m["claimant_side"] == claimant_side


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "target"),
    [
        # the side named before a place in "the shelling of the X <place>" owns the place; "by Y" fired
        ("The ministry protested at the shelling of the Azerbaijani Shamkir and Barda districts by Armenia.", "ARM", "unknown"),
        # "the opposing forces" in a party's statement are its opponents; a clash is fought between forces
        ("Azerbaijan's defence ministry said the opposing forces tried to win back ground with counter-attacks near Fizuli on Tuesday.",
         "ARM", "military"),
        # army posts and villages hit together: civilians were hit too
        ("The ministry said Armenian artillery fired on army posts and villages in the Tartar district on Tuesday.", "ARM", "civilians"),
        ("The ministry said Armenian artillery fired on army posts in the Tartar district on Tuesday.", "ARM", "military"),
    ],
)
def test_owners_of_places_opposing_forces_and_clash_targets(text, perpetrator_side, target, extract):
    mentions = extract(text)
    assert mentions
    assert {(m["perpetrator_side"], m["target"]) for m in mentions} == {(perpetrator_side, target)}


def test_a_partys_claims_that_its_opponent_denies_are_its_claims(extract):
    text = "Azerbaijan's claims that Karabakh forces shelled Ganja on Sunday have nothing to do with reality, Armenia's defence ministry said."
    (m,) = extract(text, published=pd.Timestamp("2020-10-11T18:00+04:00"))
    assert (m["location_mention"], m["perpetrator_side"], m["claimant_side"], m["claim_status"]) == ("Ganja", "ARM", "AZE", "denied")


def test_the_separatists_foreign_ministry_speaks_for_its_side(extract):
    text = "The separatists' foreign ministry said on Monday that shelling of Stepanakert had resumed at dawn."
    (m,) = extract(text, published=pd.Timestamp("2020-10-05T18:00+04:00"))
    assert m["claimant_side"] == "ARM"


def test_positions_exposed_to_the_shelling_of_a_force_were_shelled_by_it(extract):
    text = ("The positions of Azerbaijani units in the direction of the Tartar district are exposed to the shelling "
            "of the Armenian Armed Forces, the ministry said.")
    assert {m["perpetrator_side"] for m in extract(text)} == {"ARM"}


@pytest.mark.parametrize(
    "text",
    [
        "The ministry in Yerevan said the charge of Armenian forces shelling Ganja was an absolute lie.",
        "Officials in Stepanakert called the report that their troops shelled Tartar an outright lie.",
    ],
)
def test_a_denial_that_calls_the_charge_a_lie_adds_no_claim_of_the_denier(text, extract):
    assert not [m for m in extract(text) if m["claimant_side"] == "ARM"]


def test_a_captions_agency_credit_is_its_claimant(extract):
    text = (
        "Armenian officials said Azerbaijani forces shelled Shushi on Friday.\n\n"
        "Smoke rises after shelling in Stepanakert, Wednesday, Nov. 4, 2020. (AP Photo)\n\n"
        "Residents of Shushi said the strikes went on into the night."
    )
    mentions = extract(text, published=pd.Timestamp("2020-11-06T18:00:00+04:00").tz_convert("UTC"))
    caption = [m for m in mentions if m["location_mention"] == "Stepanakert"]
    assert [(m["claimant_side"], str(m["event_date"])) for m in caption] == [("independent", "2020-11-04")]
    assert {str(m["event_date"]) for m in mentions if m["location_mention"] == "Shushi"} == {"2020-11-06"}


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        # "X-controlled villages" are where, not who: the side firing is named with "by ethnic ..."
        ("Artillery fired by ethnic Armenian forces landed in several Azerbaijani-controlled villages of the Tartar district on Monday.",
         "ARM", None),
        # a ministry named after its state without the possessive
        ("The Armenia Defense Ministry said on Tuesday that Azerbaijani forces opened fire at positions near Sotk.", "AZE", "ARM"),
    ],
)
def test_controlled_places_ethnic_forces_and_ministries_without_a_possessive(text, perpetrator_side, claimant_side, extract):
    (m,) = extract(text, published=pd.Timestamp("2021-08-17T18:00:00+04:00").tz_convert("UTC"))
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


@pytest.mark.parametrize(
    ("text", "perpetrator_side"),
    [
        # the state that owns the place hit is the target, not the shooter ...
        ("Armenia's shelling of Azerbaijan's Ganja city on Sunday is a crime, the aide said.", "ARM"),
        # ... but a weapon after the possessive is the owner's ("X's Smerch rockets")
        ("Local officials said the city of Stepanakert was struck on Sunday with Azerbaijan's Smerch rocket systems.", "AZE"),
        # ... and fire "from X's territory" came from X
        ("On Sunday Sabirkend village in the Shamkir district was subjected to rocket fire from Armenia's territory.", "ARM"),
        # "formations of the X armed forces" are X's
        ("The man died as a result of shelling of Shusha on Sunday by formations of the Armenian armed forces.", "ARM"),
    ],
)
def test_owners_of_places_weapons_and_formations(text, perpetrator_side, extract):
    assert {m["perpetrator_side"] for m in extract(text)} == {perpetrator_side}


@pytest.mark.parametrize(
    ("text", "claimant_side", "places"),
    [
        # a service "(ABBR) of the X Republic" speaks for X's side
        ("The National Security Service (NSS) of the Artsakh Republic reports that on Monday Azerbaijani troops opened fire near Shushi.",
         "ARM", {"Shushi"}),
        # a capital that "identified" a soldier killed is its government
        ("Baku identified a soldier killed after positions in Lachin came under small arms fire on Wednesday.", None, {"Lachin"}),
    ],
)
def test_services_of_a_territory_and_capitals_that_identify(text, claimant_side, places, extract):
    mentions = extract(text, published=pd.Timestamp("2022-08-04T12:00:00+04:00").tz_convert("UTC"))
    assert {m["location_mention"] for m in mentions} == places
    assert {m["claimant_side"] for m in mentions} == {claimant_side}


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "places"),
    [
        # the side that "thwarted" the attacks was attacked
        ("The ministry said on Friday that the Armenian military carried out attacks near Fuzuli that were thwarted by Azerbaijani forces.",
         "ARM", {"Fuzuli"}),
        # "the ministry in the capital X" speaks from X
        ("The Azerbaijani Defense Ministry in the capital Baku, in turn, reported attacks on the town of Terter on Friday.", "ARM", {"Terter"}),
    ],
)
def test_thwarted_attacks_and_ministries_in_the_capital(text, perpetrator_side, places, extract):
    mentions = extract(text)
    assert {m["location_mention"] for m in mentions} == places
    assert {m["perpetrator_side"] for m in mentions} == {perpetrator_side}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a state that says it shelled a place is the perpetrator there; the act it answers stays the other side's
        ("Azerbaijan says it shelled Sotk on Tuesday in response to an Armenian attack on the Kalbajar region.",
         [("Sotk", "AZE", "AZE"), ("Kalbajar", "ARM", "AZE")]),
        ("Azerbaijan announced on Tuesday that it had recaptured the town of Hadrut.", [("Hadrut", "AZE", "AZE")]),
        # the rulers of a territory speak for its side
        ("The Nagorno-Karabakh rulers accused Azerbaijan of firing on Martuni on Tuesday.", [("Martuni", "AZE", "ARM")]),
    ],
)
def test_speakers_own_acts_and_rulers(text, expected, extract):
    assert [(m["location_mention"], m["perpetrator_side"], m["claimant_side"]) for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a side that repelled or rebuffed attacks was attacked
        ("Karabakh forces were able to rebuff enemy attacks on Shushi on Tuesday, the mayor said.", [("Shushi", "Armed clash", "AZE")]),
        ("Azerbaijani units repelled an attack near Fuzuli on Tuesday.", [("Fuzuli", "Armed clash", "ARM")]),
        # the president says "the country's forces" took villages: his side acted
        ("The Azerbaijani president announced on Tuesday that the country's forces had taken control of villages in the Jabrayil region.",
         [("Jabrayil", "Armed clash", "AZE")]),
    ],
)
def test_repelling_sides_and_the_countrys_forces(text, expected, extract):
    assert [(m["location_mention"], m["sub_event_type"], m["perpetrator_side"]) for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a ministry or prosecutor's office named without its country speaks for the side holding the place hit
        ("In a statement, the ministry said enemy units opened fire on army posts in the Sadarak district on Tuesday.", ["AZE"]),
        ("The Prosecutor General's Office said a rocket hit a house in Barda on Tuesday.", ["AZE"]),
        # ... unless the sentence names the ministry
        ("The Armenian Defence Ministry said on Tuesday that the ministry had recorded Azerbaijani shelling of Martuni.", ["ARM"]),
    ],
)
def test_an_unnamed_ministry_speaks_for_the_place(text, expected, extract):
    assert [m["claimant_side"] for m in extract(text)] == expected


def test_an_unnamed_ministry_is_the_ministry_named_before(extract):
    text = (
        "Armenia's Defence Ministry said on Tuesday that enemy drones had hit Martuni.\n\n"
        "Shells also fell on Berd in the evening, the ministry said."
    )
    assert [(m["location_mention"], m["claimant_side"]) for m in extract(text)] == [("Martuni", "ARM"), ("Berd", "ARM")]


def test_a_clause_of_fighting_going_on_elsewhere_does_not_make_fire_a_clash(extract):
    text = "Two people were wounded by enemy fire on Horadiz on Tuesday, prosecutors said, as fighting continued over the region."
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == [("Horadiz", "Shelling/artillery/missile attack")]


def test_an_unnamed_ministry_is_the_voice_the_next_sentences_go_on_in(extract):
    text = (
        "Enemy forces are shelling Ganja from the Berd region, the Defence Ministry reported on Tuesday.\n\n"
        "Enemy forces are also shelling Tartar today."
    )
    assert [(m["location_mention"], m["claimant_side"]) for m in extract(text)] == [("Ganja", "AZE"), ("Tartar", "AZE")]


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        # "accusing X forces of ..." names the perpetrator
        ("Armenia's foreign ministry said Stepanakert had been hit on Tuesday, accusing Azerbaijani forces of targeting civilians.", "AZE", "ARM"),
        # journalists who "said" are independent witnesses beside a party
        ("Armenia said Stepanakert was hit again on Tuesday and journalists said there were explosions in the city.", "AZE", "multiple"),
    ],
)
def test_accusing_and_journalists_who_said(text, perpetrator_side, claimant_side, extract):
    [m] = extract(text)
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


def test_fire_at_civilians_told_without_places_gives_its_target_to_the_next_sentence(extract):
    text = (
        "The ministry said that on Monday enemy forces kept shelling houses and civilians. Mortar attacks were launched on the "
        "Goranboy and Aghjabadi districts from early morning.\n\n"
        "Artillery fire was also opened on the Tartar district."
    )
    targets = {m["location_mention"]: (m["target"], "roles.lead_target" in m["rules"]) for m in extract(text)}
    assert targets == {"Goranboy": ("civilians", True), "Aghjabadi": ("civilians", True), "Tartar": ("unknown", False)}


def test_a_border_service_speaks_for_its_side_and_its_soldiers_fired_upon_are_the_target(extract):
    text = (
        "Azerbaijan's border service said on Friday that one of its guards had been wounded. The service said its soldiers "
        "were fired upon on the Lachin corridor early in the morning."
    )
    got = [(m["location_mention"], m["geo_precision"], m["perpetrator_side"], m["claimant_side"]) for m in extract(text, published=pd.Timestamp("2023-06-16T12:00:00+04:00"))]
    assert got == [("Lachin", 2, "ARM", "AZE")]


@pytest.mark.parametrize("marker", ["on the other hand", "for its part", "in turn"])
def test_a_capital_speaking_after_an_aside_is_a_government(marker, extract):
    text = f"Yerevan, {marker}, said a border guard was hurt on Friday when Azerbaijani forces shelled the village of Sotk."
    assert [m["location_mention"] for m in extract(text, published=pd.Timestamp("2023-06-16T12:00:00+04:00"))] == ["Sotk"]


def test_a_party_saying_one_of_its_soldiers_was_killed_is_the_target_side(extract):
    text = "The ministry of Armenia said an enemy sniper killed one of its soldiers near the village of Sotk on Monday."
    got = [(m["perpetrator_side"], m["target_side"], m["killed"]) for m in extract(text, published=pd.Timestamp("2023-04-24T12:00:00+04:00"))]
    assert got == [("AZE", "ARM", 1)]


def test_a_denied_party_report_told_after_the_denial_is_that_partys_claim(extract):
    text = "Armenia's defence ministry on Monday denied Azerbaijani reports that Armenian forces fired missiles at Mingachevir."
    got = [(m["location_mention"], m["perpetrator_side"], m["claimant_side"], m["claim_status"]) for m in extract(text)]
    assert got == [("Mingachevir", "ARM", "AZE", "denied")]
    # "its forces" in the denied claim are the denier's; the claim's owner is no actor of the act
    text = "Armenia's defence ministry on Monday denied Azeri claims that its forces had shelled Tartar."
    assert [(m["perpetrator_side"], m["claimant_side"]) for m in extract(text)] == [("ARM", "AZE")]
    # a capital owning an allegation is a government, not a place
    assert extract("Armenia on Monday denied Baku's allegation that it fired missiles.") == []


@pytest.mark.parametrize(("side_word", "side"), [("Armenian", "ARM"), ("Azerbaijani", "AZE")])
def test_a_sides_sources_are_its_government(side_word, side, extract):
    text = f"{side_word} sources claimed that two people were hurt when shells hit Tartar on Sunday."
    assert [m["claimant_side"] for m in extract(text)] == [side]


def test_a_speaker_named_inside_a_quotation_is_not_recalled(extract):
    text = (
        "Azerbaijan's Defence Ministry reported new fire on Tuesday. \"Armed detachments in the area where Russian peacekeepers "
        "are deployed fired at army positions near Shusha city on July 13,\" the ministry said."
    )
    assert {m["claimant_side"] for m in extract(text, published=pd.Timestamp("2021-07-14T12:00:00+04:00"))} == {"AZE"}


def test_an_agency_told_is_not_recalled_as_the_speaker(extract):
    # the agency was told; "it said" later is the source who told it
    text = (
        "Shells hit Luhansk on Monday, a source in the militia of the self-proclaimed Luhansk People's Republic told the Interfax agency. "
        "It said the Ukrainian army had also shelled Stanytsia Luhanska."
    )
    mentions = extract(text, published=pd.Timestamp("2014-07-07T18:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert {m["location_mention"]: m["claimant_side"] for m in mentions} == {"Luhansk": "LPR", "Stanytsia Luhanska": "LPR"}


def test_the_opponent_in_a_partys_statement_is_the_other_side(extract):
    text = "Armenia's defence ministry said the opponent's assault groups attacked in the direction of Shushi on Friday."
    assert [m["perpetrator_side"] for m in extract(text, published=pd.Timestamp("2020-11-06T12:00:00+04:00"))] == ["AZE"]


def test_the_ra_human_rights_office_speaks_for_armenia(extract):
    text = "The RA Human Rights Office said Kapan and Goris were under intense shelling by Azerbaijani forces on Tuesday."
    assert {m["claimant_side"] for m in extract(text, published=pd.Timestamp("2022-09-13T12:00:00+04:00"))} == {"ARM"}


@pytest.mark.parametrize(
    ("text", "claimant_side", "perpetrator_side"),
    [
        # who was told is no speaker: an agency after "told", a correspondent who "was told"
        ("A spokesman for the Luhansk People's Militia told TASS that Ukrainian forces shelled Kalynove on Tuesday.", "LPR", "UKR"),
        ("Ukrainian troops fired mortars at Kalynove on Tuesday, the reporter was told at the Luhansk People's Militia.", "LPR", "UKR"),
        # separatists speaking as a group, with an adverb before the verb
        ("The militias also said that Ukrainian forces shelled Kalynove on Tuesday.", "LPR", "UKR"),
        # a reporter who says what is seen is an independent source
        ("A local reporter, speaking by phone from Donetsk, said shells were falling on Horlivka on Tuesday.", "independent", None),
    ],
)
def test_addressees_and_reporters(text, claimant_side, perpetrator_side, extract):
    (m,) = extract(text, published=D2020, conflict="donbas")
    assert (m["claimant_side"], m["perpetrator_side"]) == (claimant_side, perpetrator_side)


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        # fire "from positions of" a side: that side fired
        ("Under fire from positions of the Ukrainian Armed Forces was also the village of Kalynove on Tuesday, the LPR militia said.",
         "UKR", "LPR"),
        # "the republic's defence authority" speaks for the separatist side of the place's oblast
        ("Ukrainian units fired mortars at Kalynove on Tuesday, the republic's defence authority said.", "UKR", "LPR"),
    ],
)
def test_positions_fired_from_and_a_republics_authority(text, perpetrator_side, claimant_side, extract):
    (m,) = extract(text, published=D2020, conflict="donbas")
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


@pytest.mark.parametrize(
    ("text", "conflict", "published", "perpetrator"),
    [
        # the country a named town lies in says nothing of who holds it: no side read from it
        ("Artillery shells hit Ukraine's eastern city of Horlivka on Friday night, the city's mayor said.", "donbas", "2016-08-14T20:00:00+03:00", None),
        ("The Ukrainian town of Horlivka came under mortar fire on Friday.", "donbas", "2016-08-14T20:00:00+03:00", None),
        # where the profile knows who holds the place, remote fire comes from the holder's opponent
        ("The Azerbaijani city of Tartar came under artillery fire on Tuesday.", None, "2020-10-14T12:00:00+04:00", "ARM"),
        # a side acting on a town named with its kind is still the agent
        ("Russian troops shelled the village of Shyrokyne on Friday.", "donbas", "2014-09-05T20:00:00+03:00", "RUS"),
        ("Armenian forces shelled the city of Tartar on Tuesday.", None, "2020-10-14T12:00:00+04:00", "ARM"),
        # a side's positions or forces near a town are still its own
        ("Ukrainian positions near the town of Avdiivka came under mortar fire on Friday.", "donbas", "2016-08-14T20:00:00+03:00", "DPR"),
    ],
)
def test_the_country_of_a_named_town_is_no_side_of_the_act(text, conflict, published, perpetrator, extract):
    (m,) = extract(text, published=pd.Timestamp(published).tz_convert("UTC"), conflict=conflict)
    assert m["perpetrator_side"] == perpetrator


@pytest.mark.parametrize(
    ("text", "conflict", "published", "claimant_side"),
    [
        # a narration that calls the shooters "the enemy" or "occupants" speaks for the side that was hit
        ("On Monday morning enemy armed forces opened fire on densely populated areas of Tartar and Barda.", None, "2020-10-14T12:00:00+04:00", "AZE"),
        ("On Monday the occupants shelled Avdiivka with mortars.", "donbas", "2017-05-16T12:00:00+03:00", "UKR"),
        # ... or its fire "hostile"
        ("The ATO press centre said hostile fire hit army trenches near Pavlopil on Monday.", "donbas", "2017-09-15T12:00:00+03:00", "UKR"),
        # a word between "by the" and the side keeps the side the agent
        ("On Monday homes in Tartar were hit by fire by the occupant Armenian armed forces.", None, "2020-10-14T12:00:00+04:00", "AZE"),
        # a neutral narration names no claimant
        ("On Monday artillery shelled Tartar and Barda.", None, "2020-10-14T12:00:00+04:00", None),
    ],
)
def test_a_narration_in_a_sides_voice_is_that_sides_claim(text, conflict, published, claimant_side, extract):
    mentions = extract(text, published=pd.Timestamp(published).tz_convert("UTC"), conflict=conflict)
    assert mentions and {m["claimant_side"] for m in mentions} == {claimant_side}
    if claimant_side:
        assert all(m["perpetrator_side"] not in (None, claimant_side) for m in mentions)


@pytest.mark.parametrize(
    "speaker",
    ["the mission of the self-proclaimed Donetsk People's Republic (DPR) to the Joint Centre for Control and Coordination said", "the DPR's representative said"],
)
def test_a_republics_mission_and_representative_speak_for_it(speaker, extract):
    (m,) = extract(f"Ukrainian troops shelled Spartak on Monday, {speaker}.", published=pd.Timestamp("2018-12-19T18:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["claimant_side"] == "DPR"


def test_an_attack_of_a_side_against_civilians_is_that_sides(extract):
    (m,) = extract('The president\'s aide said the "cruel missile attack of Armenia against civilians in Ganja" on Tuesday was a war crime.')
    assert m["perpetrator_side"] == "ARM"


def test_the_mod_of_a_party_is_its_defence_ministry(extract):
    (m,) = extract("According to the MoD of Azerbaijan, Armenian forces fired on army posts near Tartar on Tuesday.")
    assert (m["claimant_side"], m["claimants"]) == ("AZE", ["Ministry of Defence of Azerbaijan"])


def test_fire_of_a_sides_forces_that_a_place_came_under_is_that_sides(extract):
    (m,) = extract("On Thursday a man was wounded in Zaitseve as it came under Ukrainian forces fire.",
                   published=pd.Timestamp("2018-05-17T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["perpetrator_side"] == "UKR"


def test_forces_that_are_shelling_a_town_are_its_attackers(extract):
    (m,) = extract("Tanks of pro-Kiev military forces are actively shelling the town of Sloviansk, a spokeswoman said on Friday.",
                   published=pd.Timestamp("2014-06-06T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["perpetrator_side"] == "UKR"


@pytest.mark.parametrize("fighters", ["Russia-backed fighters", "Russian-backed fighters", "Russia-led forces"])
def test_fighters_backed_or_led_by_russia_are_the_separatists_of_the_oblast(fighters, extract):
    (m,) = extract(f"On Friday {fighters} shelled army positions near Shyrokyne with mortars, the press officer said.",
                   published=pd.Timestamp("2016-12-23T16:00:00+02:00").tz_convert("UTC"), conflict="donbas")
    assert m["perpetrator_side"] == "DPR"


@pytest.mark.parametrize(
    "text",
    [
        "Two houses caught fire in the Tartar district due to the shelling on Tuesday, the ministry said.",
        "A family home burned down in the Aghdam district as a result of enemy shelling on Tuesday.",
    ],
)
def test_homes_hit_told_before_the_act_that_caused_it_are_the_target(text, extract):
    (m,) = extract(text)
    assert m["target"] == "civilians"


def test_the_country_the_cities_lie_in_is_no_agent(extract):
    text = "Armenia's missile attacks on Barda, Tartar and other towns in Azerbaijan are acts of terror carried out against civilians, the aide said."
    found = extract(text)
    assert {m["location_mention"] for m in found} == {"Barda", "Tartar"}
    assert {m["perpetrator_side"] for m in found} == {"ARM"}


def test_a_clause_opening_with_where_the_fire_hit_names_the_target(extract):
    text = "At army posts near Marinka, the enemy opened fire from 82mm mortars on Tuesday, the command said."
    (m,) = extract(text, published=pd.Timestamp("2020-04-23T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["target"], m["sub_event_type"]) == ("military", "Shelling/artillery/missile attack")


@pytest.mark.parametrize(
    "text",
    [
        "A woman was hurt by small-arms fire in Novoluhanske on Tuesday, the monitors said.",
        "Shells fell on the cemetery of Krasnohorivka on Tuesday during a funeral, the police said.",
    ],
)
def test_people_and_places_of_civil_life_make_the_target_civilian(text, extract):
    (m,) = extract(text, published=pd.Timestamp("2019-09-11T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert m["target"] == "civilians"


def test_an_attack_on_civilians_has_civilians_as_its_target_whatever_landmark_is_named(extract):
    text = "Soldiers shot a minibus with civilians at the army checkpoint near Horlivka on Tuesday, the police said."
    (m,) = extract(text, published=pd.Timestamp("2016-12-14T12:00:00+02:00").tz_convert("UTC"), conflict="donbas")
    assert (m["sub_event_type"], m["target"]) == ("Attack", "civilians")


@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        # "its positions near X came under fire": the speaker's side was hit, so the other side fired
        ("The Armenian side said its positions near Yeraskh came under fire on Tuesday.", "AZE", "ARM"),
        # the separatist (or de facto) authorities speak for the side holding Karabakh
        ("The de facto authorities said shells hit Martuni on Tuesday, wounding a woman.", "AZE", "ARM"),
    ],
)
def test_its_positions_somewhere_and_the_de_facto_authorities(text, perpetrator_side, claimant_side, extract):
    (m,) = extract(text, published=pd.Timestamp("2021-07-14T12:00:00+04:00"))
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


def test_a_sides_headquarters_reporting_soldiers_killed_reports_its_own(extract):
    text = "The headquarters for the Ukrainian operations in the east said three soldiers were killed in fighting near Marinka on Monday."
    (m,) = extract(text, published=pd.Timestamp("2018-05-21T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["claimant_side"], m["perpetrator_side"], m["killed"]) == ("UKR", "DPR", 3)



@pytest.mark.parametrize(
    ("text", "perpetrator_side", "claimant_side"),
    [
        ("Heavy fighting went on near Avdiivka on Saturday, where rebel troops are pushing for the industrial zone, Radio Svoboda reports.",
         "DPR", "independent"),
        ("Shells hit the eastern districts of Mariupol on Saturday, as reported in the spot report of the monitoring mission of the OSCE.",
         None, "independent"),
        # fire "from the adjacent X military positions" is X's
        ("Three farmers near Avdiivka came under fire from the adjacent separatist military positions on Saturday, Radio Svoboda reports.",
         "DPR", "independent"),
        # a quotation opening on the verb after the side: still its act
        ("A battle broke out near Krymske on Saturday when pro-Russian separatists \u201cattempted to seize army posts\u201d, Radio Svoboda reports.",
         "LPR", "independent"),
    ],
)
def test_troops_pushing_are_the_agent_and_reporters_and_monitors_named_otherwise_speak(text, perpetrator_side, claimant_side, extract):
    (m,) = extract(text, published=pd.Timestamp("2016-03-27T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator_side, claimant_side)


def test_a_pair_of_sides_joined_by_a_hyphen_is_neither_agent_nor_target(extract):
    text = "A border guard was wounded on Monday on the section of the Azerbaijani-Armenian border passing through the Zangilan district."
    (m,) = extract(text, published=pd.Timestamp("2023-03-20T12:00:00+04:00"))
    assert m["perpetrator_side"] is None


def test_a_kind_word_in_an_apposition_after_the_place_is_no_target(extract):
    text = ("Azerbaijani units opened fire on Tuesday at Armenian servicemen doing engineering work in the direction of Tegh "
            "community, a border village in Syunik, the ministry said.")
    (m,) = extract(text, published=pd.Timestamp("2023-04-11T18:00:00+04:00"))
    assert (m["target"], m["sub_event_type"]) == ("military", "Armed clash")


D2016 = pd.Timestamp("2016-05-12T12:00:00+03:00").tz_convert("UTC")  # a Thursday


@pytest.mark.parametrize(
    ("text", "perpetrator", "claimant_side"),
    [
        # a side's officials reporting fire on a town the other side holds accuse nobody: no perpetrator by opposition
        ("Twelve people were killed by shelling in the rebel-held city of Horlivka on Tuesday, Ukrainian officials said.", None, "UKR"),
        # the governor of an oblast Kyiv administers speaks for Ukraine
        ("Shells hit the hospital in Krasnohorivka on Tuesday, the Donetsk oblast governor wrote.", "DPR", "UKR"),
        # separatist militias named with "according to" claim
        ("Two civilians were killed in Horlivka on Tuesday in an attack by government troops, according to the separatist militias.", "UKR", "DPR"),
        # a side that "continues to launch" attacks acts
        ("The rebels continue to launch attacks on the Donetsk airport, the Ukrainian military said on Tuesday.", "DPR", "UKR"),
    ],
)
def test_holders_governors_militias_and_continued_attacks(text, perpetrator, claimant_side, extract):
    (m,) = extract(text, published=D2016, conflict="donbas")
    assert (m["perpetrator_side"], m["claimant_side"]) == (perpetrator, claimant_side)


@pytest.mark.parametrize(
    "text",
    [
        # the claim a denial names as "the information spread by X that ...": X claims, and is not the perpetrator
        "The Defence Ministry of Armenia denied on Tuesday the information spread by Azerbaijan that Armenian forces had fired missiles at Mingachevir.",
        # "the X side ... declares that": that side speaks
        "The Azerbaijani side, without offering any proof, declares that Armenian forces fired missiles at Mingachevir on Tuesday.",
    ],
)
def test_a_side_that_spreads_or_declares_a_claim_is_its_claimant(text, extract):
    found = extract(text)
    assert found and all((m["perpetrator_side"], m["claimant_side"]) == ("ARM", "AZE") for m in found)


def test_the_next_sentence_names_who_fired(extract):
    lead = "Stanytsia Luhanska came under heavy shelling on Tuesday night. "
    (m,) = extract(lead + "Fighters of the Luhansk People's Republic used mortars to fire at houses.", published=D2016, conflict="donbas")
    assert m["perpetrator_side"] == "LPR" and "roles.agent_told_next" in m["rules"]
    # a reply to the fire is another act: its shooters did not fire the shells
    (m,) = extract(lead + "Ukrainian troops returned fire with mortars.", published=D2016, conflict="donbas")
    assert m["perpetrator_side"] != "UKR"


def test_a_lead_aimed_at_civilians_gives_its_target_to_the_places_of_the_next_paragraph(extract):
    text = ("Armenian forces went on shelling residential areas and civilians.\n\n"
            "Starting in the morning, artillery attacks were launched on the Aghdam, Tartar and Goranboy regions.")
    found = extract(text)
    assert len(found) == 3 and {m["target"] for m in found} == {"civilians"}
