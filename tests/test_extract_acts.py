"""Acts and their types, negation, threats, denials and other statements that are not events."""

from __future__ import annotations

import pandas as pd
import pytest

# --- acts, types and negation -----------------------------------------------------------

ACT_CASES = [
    ("Armenian artillery shelled Tartar on Tuesday, the ministry said.", "Shelling/artillery/missile attack"),
    ("Rockets fired by Azerbaijani forces hit Stepanakert on Tuesday.", "Shelling/artillery/missile attack"),
    ("A drone strike destroyed a bus near Lachin on Tuesday.", "Air/drone strike"),
    ("Warplanes bombed the outskirts of Martakert on Tuesday, officials said.", "Air/drone strike"),
    ("Heavy clashes went on around Fuzuli on Tuesday, the ministry said.", "Armed clash"),
    # opening fire of some intensity, the weapons named after it
    ("Officials said Azerbaijani troops opened massive fire against the village of Sotk on Tuesday, using artillery.", "Shelling/artillery/missile attack"),
    ("Azerbaijani units attempted to advance on positions near Hadrut on Tuesday.", "Armed clash"),
    ("Soldiers shot dead two villagers in Hadrut on Tuesday, the ombudsman said.", "Attack"),
    # shootings across the line: an exchange of fire between armed groups
    ("The ministry reported renewed shooting near Sotk on Tuesday.", "Armed clash"),
    ("A soldier was wounded near Yeraskh in shoot-outs on Tuesday, the ministry said.", "Armed clash"),
    # fire aimed "in the direction of" a place reached it
    ("On Tuesday Azerbaijani units fired in the direction of Taghavard, the ombudsman said.", "Shelling/artillery/missile attack"),
    # fire "from several directions at" a place
    ("On Tuesday Armenian units fired from several directions at army positions near Babek.", "Shelling/artillery/missile attack"),
    # an assault by missiles or artillery is fire from a distance, not a ground assault
    ("On Tuesday Stepanakert was the target of a missile and artillery assault, officials said.", "Shelling/artillery/missile attack"),
    # ... with the weapon named between; rifles are small arms
    ("On Tuesday Azerbaijani units fired with rifles in the direction of Taghavard, the ombudsman said.", "Armed clash"),
]


@pytest.mark.parametrize(("sentence", "sub_event_type"), ACT_CASES)
def test_act_types(sentence, sub_event_type, extract):
    mentions = extract(sentence)
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
def test_statements_that_are_not_events(sentence, extract):
    assert extract(sentence) == []




def test_a_raid_and_a_killing_are_two_events_and_the_dead_belong_to_the_killing(extract):
    mentions = extract("On Tuesday an Azerbaijani sabotage group entered Hadrut and killed two civilians, Karabakh officials said.")
    assert sorted((m["sub_event_type"], m["killed"]) for m in mentions) == [("Armed clash", None), ("Attack", 2)]


@pytest.mark.parametrize(
    ("sentence", "sub_event_type"),
    [
        ("Ukrainian positions near Pisky came under mortar fire on Tuesday, the staff said.", "Shelling/artillery/missile attack"),
        ("Ukrainian positions near Pisky came under fire on Tuesday, the staff said.", "Armed clash"),  # the profile's unstated fire
        ("Rebel snipers shot at a patrol near Pisky on Tuesday, the staff said.", "Armed clash"),
    ],
)
def test_the_weapon_named_inside_fire_decides_its_kind(sentence, sub_event_type, extract):
    published = pd.Timestamp("2017-02-01T12:00:00+02:00").tz_convert("UTC")
    assert [m["sub_event_type"] for m in extract(sentence, published=published, conflict="donbas")] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # loitering munitions are drones: a second kind of act at the one place
        ("He said the army used rockets and loitering munitions against Stepanakert on Tuesday.", ["Air/drone strike", "Shelling/artillery/missile attack"]),
        # means added "as well" after the places: a second kind of act at each of them
        ("On Tuesday troops shelled Martuni and Martakert with mortars, using drones as well.",
         ["Air/drone strike", "Air/drone strike", "Shelling/artillery/missile attack", "Shelling/artillery/missile attack"]),
        # an air raid siren is no raid
        ("The air raid sirens sounded in Stepanakert all night on Tuesday, the emergency service said.", []),
        # clearing unexploded shells is no attack
        ("Sappers in Stepanakert were disposing of unexploded munitions from the fired rockets on Tuesday.", []),
        # a month is no date for an act: the sentence recaps the war
        ("In the first days of October, Armenian missiles hit Ganja and Mingachevir.", []),
    ],
)
def test_acts_that_are_and_are_not_events(text, expected, extract):
    assert sorted(m["sub_event_type"] for m in extract(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baku accused Yerevan of targeting the city of Tartar on Tuesday.", [("Tartar", "Shelling/artillery/missile attack")]),
        ("Shops in Barda stayed shut on Tuesday for fear of a possible second attack.", []),
        ("The Karabakh army said the enemy bombards Azerbaijani units in Hadrut.", [("Hadrut", "Shelling/artillery/missile attack")]),
        ("Since Tuesday morning the Tovuz district has been fired from Berd, the ministry said.", [("Tovuz", "Shelling/artillery/missile attack")]),
        ("Officials said one person died when shells came down on the two biggest cities of the enclave.", []),
    ],
)
def test_more_acts(text, expected, extract):
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bloggers speculated that a rebel offensive near Marinka would soon be launched.", []),
        ("At 08:20 the separatists began mortaring positions on the edge of Shyrokyne, the staff said.", ["Shelling/artillery/missile attack"]),
        # a bulletin's "shots were noted near X" is fire at X, its weapons decide the kind
        ("On Wednesday single shots from under-barrel grenade launchers were noted close to the trenches near Avdiivka.", ["Armed clash"]),
        ("On Wednesday firing with mortars was registered on the outskirts of Zolote, the press centre reported.", ["Shelling/artillery/missile attack"]),
        ("No shots were recorded near Shyrokyne on Wednesday, the staff said.", []),
        # a hypothesis ("in case of attack") and an act only pointed back to ("before the village was shelled") are no new events
        ("Villagers in Shyrokyne were digging shelters in case of attack, the village head said on Wednesday.", []),
        ("Residents said army trucks had arrived in Shyrokyne just days before the village was shelled.", []),
        # a bulletin's list of the day's weapons, told with no place, is the means of the fire it then places
        ("On Wednesday the occupiers used 82-mm mortars, grenade launchers and machine guns. They opened fire on our positions near Avdiivka.",
         ["Shelling/artillery/missile attack"]),
        ("The enemy fired with small arms and heavy machine guns on Wednesday. Our positions near Zolote came under fire.", ["Armed clash"]),
        ("On Wednesday the occupiers used 82-mm mortars and machine guns. The ceasefire was violated twice near Avdiivka.",
         ["Shelling/artillery/missile attack"]),
        # ... but not of a different paragraph's later sentences, nor of an assault on a place
        ("On Wednesday the occupiers used 82-mm mortars and machine guns.\n\nRepair crews worked on the power lines. Our positions near Avdiivka came under fire.",
         ["Armed clash"]),
        ("On Wednesday the occupiers used 82-mm mortars and machine guns. Their attacks show that they are trying hard to capture Avdiivka.",
         ["Armed clash"]),
    ],
)
def test_donbas_acts(text, expected, extract):
    published = pd.Timestamp("2021-04-08T12:00:00+03:00").tz_convert("UTC")
    assert [m["sub_event_type"] for m in extract(text, published=published, conflict="donbas")] == expected


D2021B = pd.Timestamp("2021-03-23T13:00:00+03:00").tz_convert("UTC")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sniper firing at a civilian area is violence against civilians
        ("On the Donetsk axis, a Ukrainian sniper fired into a residential quarter of Oleksandrivka on Monday, Basurin said.", [("Oleksandrivka", "Attack")]),
        # fire ordered on positions, the mortar rounds named after a colon: shelling; the firing positions are no place
        ("Basurin said the command ordered fire on militia positions around Donetsk airport: a battalion sent twelve mortar rounds from its positions near Pisky.",
         [("Donetsk", "Shelling/artillery/missile attack")]),
        # an attack of unstated means is the profile's default (an armed clash here) ...
        ("On Monday the militants attacked Ukrainian positions near Avdiivka, the staff said.", [("Avdiivka", "Armed clash")]),
        # ... unless the sentence named the weapon before ("artillery shelled A and hit B")
        ("Basurin said Ukrainian artillery shelled Dokuchaevsk on Monday, and hit the outskirts of Horlivka.",
         [("Dokuchaevsk", "Shelling/artillery/missile attack"), ("Horlivka", "Shelling/artillery/missile attack")]),
        # shooting down a drone is no attack
        ("On Monday air defence units shot down a drone over Avdiivka, the staff said.", []),
        # an anti-tank grenade launcher is a grenade launcher, not a tank
        ("On Monday the militants fired anti-tank grenade launchers and machine guns at positions near Pisky.", [("Pisky", "Armed clash")]),
        # light weapons listed with mortars are one fire, coded by the heaviest
        ("On Monday the militants used mortars, grenade launchers and small arms to fire at a post near Vodiane.", [("Vodiane", "Shelling/artillery/missile attack")]),
        # a calibre of 82 mm or more is a mortar or a gun: shelling
        ("On Monday the militants fired twelve 120-mm mines at Pisky, the staff said.", [("Pisky", "Shelling/artillery/missile attack")]),
        ("On Monday the army fired 12.7-mm machine guns near Pisky, the staff said.", [("Pisky", "Armed clash")]),
        # gunfire "opened by" a side is fire
        ("Gunfire opened by the militants near Marinka on Monday wounded a soldier, the staff said.", [("Marinka", "Armed clash")]),
    ],
)
def test_kinds_of_act_in_a_second_conflict(text, expected, extract):
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text, published=D2021B, conflict="donbas")] == expected


def test_a_sniper_named_with_by_is_the_agent_and_the_soldier_shot_the_target(extract):
    (m,) = extract(
        "A Ukrainian soldier died on Monday after being shot by a Russian-backed sniper on the edge of Avdiivka, the Joint Forces said.",
        published=D2021B, conflict="donbas",
    )
    assert (m["perpetrator_side"], m["target"], m["claimant_side"], m["geo_precision"]) == ("DPR", "military", "UKR", 2)


def test_shelling_heard_around_a_village_places_it_there(extract):
    (m,) = extract("On Monday the SMM heard shelling around Styla for more than an hour.", published=D2021B, conflict="donbas")
    assert (m["location_mention"], m["claimant_side"]) == ("Styla", "independent")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a plain "bombed" says no means; "bombed from the air" does
        ("A while ago Stepanakert was bombed, officials said on Tuesday.", ["Shelling/artillery/missile attack"]),
        ("Stepanakert was bombed from the air on Tuesday, officials said.", ["Air/drone strike"]),
        # killed "in the incident" points back to the act
        ("A resident of the Aghdam district was killed as a result of the incident on Tuesday, prosecutors said.", ["Shelling/artillery/missile attack"]),
        # a caption with a copyright credit is read
        ("A crater in a street of Stepanakert left by an attack of Azerbaijani aircraft on October 4, 2020. © 2020 A Monitor", ["Air/drone strike"]),
        # attacks "during the conflict" summarise a war
        ("Azerbaijani forces carried out indiscriminate attacks in Stepanakert during the conflict, the monitor said.", []),
    ],
)
def test_more_acts_and_non_acts(text, expected, extract):
    assert [m["sub_event_type"] for m in extract(text)] == expected


def test_overnight_after_a_late_act_is_the_next_day(extract):
    text = (
        "Sources said Stepanakert came under heavy shelling late on Thursday.\n\n"
        "Shushi had also come under bombardment overnight, the rescue service said."
    )
    dated = {m["location_mention"]: str(m["event_date"]) for m in extract(text, published=pd.Timestamp("2020-11-06T15:00:00+04:00"))}
    assert dated == {"Stepanakert": "2020-11-05", "Shushi": "2020-11-06"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a drone used "to shell" is one drone strike; "assault" before a drone is no ground assault
        ("On Tuesday Azerbaijani troops used an assault drone to shell a minibus in Vardenis, the ministry said.", ["Air/drone strike"]),
        # the front line of the fighting says where a town lies; the bombardment is the act
        ("Though Martuni lies 15 km from the front line of the fighting, Azerbaijani forces bombarded its streets on Tuesday.", ["Shelling/artillery/missile attack"]),
        # a "ceasefire violation" told as a noun
        ("An Azerbaijani ceasefire violation near Hadrut left three soldiers wounded on Tuesday, Yerevan said.", ["Armed clash"]),
    ],
)
def test_drones_as_means_places_of_fighting_and_violations(text, expected, extract):
    assert [m["sub_event_type"] for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "to shell" as a bare verb
        ("The ministry said on Tuesday that Armenian units keep trying to shell Tartar and Barda.", ["Shelling/artillery/missile attack"] * 2),
        # attackers who die at the place fought on the ground
        ("The ministry said the raid on its post near Hadrut on Tuesday was repelled, leaving four assailants dead.", ["Armed clash"]),
    ],
)
def test_bare_infinitives_and_assailants(text, expected, extract):
    assert [m["sub_event_type"] for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # air defence bringing down a drone is no attack at the place it fell
        ("On Tuesday Armenia's air defence brought down a drone above Abovyan with anti-aircraft missiles, the ministry said.", []),
        ("BREAKING: Armenia shoots down two drones over Yerevan, as the fighting in Karabakh spreads.", []),
        # "continued to fire settlements" as bulletins write it
        ("On Tuesday the Armenian army continued to fire settlements in Tartar and Barda from heavy artillery, the ministry said.",
         ["Shelling/artillery/missile attack"] * 2),
    ],
)
def test_interceptions_and_fire_on_settlements(text, expected, extract):
    assert [m["sub_event_type"] for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        # a sentence that only names the weapons used gives the means of the fire told before it
        ("On Tuesday Armenian units fired on army posts in the Tovuz region. Snipers and machine guns were used, the ministry said.", "Armed clash"),
        ("On Tuesday Armenian units fired on army posts in the Tovuz region. Mortars were used, the ministry said.", "Shelling/artillery/missile attack"),
        # a verb of shelling whose only means are small arms tells small-arms fire
        ("On Tuesday Armenian units shelled the border villages of the Tovuz region. They used small arms.", "Armed clash"),
        ("On Tuesday Armenian units shelled the border villages of the Tovuz region. They used automatic rifles and mortars.", "Shelling/artillery/missile attack"),
        # with no sentence naming the means, fire of unstated means stays the profile's default
        ("On Tuesday Armenian units fired on army posts in the Tovuz region. The ministry reported no losses.", "Shelling/artillery/missile attack"),
    ],
)
def test_the_means_named_in_the_next_sentence_decide_the_act(text, sub_event_type, extract):
    mentions = extract(text)
    assert [(m["location_mention"], m["sub_event_type"]) for m in mentions] == [("Tovuz", sub_event_type)]


@pytest.mark.parametrize(
    ("sentence", "conflict"),
    [
        # an act dated to a day before the conflict's first year is its history, not an event
        ("Shusha fell to Armenian forces on 8 May 1992 after days of heavy fighting.", None),
        ("Artillery pounded Donetsk on 7 September 1943 before the city changed hands.", "donbas"),
    ],
)
def test_an_act_dated_before_the_conflicts_first_year_is_history(sentence, conflict, extract):
    assert extract(sentence, conflict=conflict) == []


@pytest.mark.parametrize(
    "text",
    [
        # a resident's "no shells hit" and a missing report of the attack tell no act
        'Shells fell on Tartar on Monday. "No shells have hit our street today," a resident said on Tuesday.',
        "Rockets hit Mingachevir on Monday, Azerbaijan's defence ministry said. There was no word of the attack from the Armenian side.",
    ],
)
def test_a_denied_hit_or_a_missing_report_adds_no_event(text, extract):
    mentions = extract(text)
    assert len(mentions) == 1
    assert mentions[0]["perpetrator_side"] == "ARM"


def test_a_slash_dateline_is_no_place(extract):
    text = "Baku/Yerevan Both sides on Monday accused each other of shelling civilians in towns along the front."
    assert extract(text) == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # a few words quoted inside a clause are read as words
        ('Overnight, army posts in the Tovuz region were "intermittently fired" at from the direction of Berd, it added.', ["Tovuz"]),
        # positions in a place that "were fired at" were hit there; they did not fire
        ("Overnight, the positions of army units in the Tovuz and Gadabay regions were fired at, the ministry said.", ["Tovuz", "Gadabay"]),
    ],
)
def test_quoted_verbs_and_positions_fired_at(text, places, extract):
    assert [m["location_mention"] for m in extract(text)] == places


@pytest.mark.parametrize(
    "text",
    [
        # a capital "is attacking": its government, not a place
        '"Baku is openly attacking civilians, in breach of every law of war," the spokesman added.',
        # habitual fire "since" the war began is background, not an event on the day the war began
        "The army has been shelling Stepanakert and the villages around it since the first hours of the offensive on September 27.",
        # wounds from an earlier shelling: that shelling was told before
        "Officials said a teenager died on Saturday of wounds from an earlier shelling of Ganja.",
    ],
)
def test_governments_habits_and_earlier_acts_are_no_new_events(text, extract):
    assert extract(text, published=pd.Timestamp("2020-10-24T18:00+04:00")) == []


def test_a_claim_quoted_by_its_denier_is_its_speakers_claim_and_denied(extract):
    text = ("The statement of Azerbaijan's defence ministry that Armenian rockets hit Barda on Wednesday is groundless, "
            "Armenia's defence ministry said.")
    (m,) = extract(text, published=pd.Timestamp("2020-10-28T18:00+04:00"))
    assert (m["location_mention"], m["perpetrator_side"], m["claimant_side"], m["claim_status"]) == ("Barda", "ARM", "AZE", "denied")
    # a plain denial tells no event
    assert extract("Armenia's defence ministry denied that its forces had shelled Barda on Wednesday.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # troops firing at a group of workers attack civilians; "one wounded civilian" is a figure, not an attack
        ("Azerbaijani troops fired at a group of workers mending a water main near Shusha on Monday, officials said.",
         [("Shusha", "Attack")]),
        ("Rockets hit Stepanakert overnight, officials said. There is one wounded civilian.",
         [("Stepanakert", "Shelling/artillery/missile attack")]),
        # the weapons a place was hit with decide, not a clash told beside it
        ("Officials said that overnight, alongside the battles, Azerbaijani forces also targeted Stepanakert with rocket and artillery systems.",
         [("Stepanakert", "Shelling/artillery/missile attack")]),
    ],
)
def test_fire_at_workers_figures_and_weapons_beside_a_clash(text, expected, extract):
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == expected


def test_military_aviation_named_with_a_verb_of_targeting_is_an_air_strike(extract):
    text = "Officials accused Azerbaijan of targeting the towns of Martuni and Martakert with military aviation on Sunday."
    assert {m["sub_event_type"] for m in extract(text)} == {"Air/drone strike"}


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # during the war, fire with no weapon named is shelling ...
        ("Armenian troops fired at our positions near Sadarak on Tuesday, the ministry said.", "2020-10-14T12:00:00+04:00",
         "Shelling/artillery/missile attack"),
        # ... after the war's closing statement it is, in this profile, an exchange of small-arms fire
        ("Armenian troops fired at our positions near Sadarak on Tuesday, the ministry said.", "2021-08-12T12:00:00+04:00", "Armed clash"),
        # fire at a town still reaches it by shelling
        ("Azerbaijani forces began firing towards the town of Goris on Tuesday, the ministry said.", "2022-09-14T12:00:00+04:00",
         "Shelling/artillery/missile attack"),
        # fire at people is an attack on civilians
        ("Azerbaijani forces opened fire at a group of Armenian workers near Shushi on Monday, officials said.", "2021-11-09T12:00:00+04:00",
         "Attack"),
        # a weapon named decides, whatever the phase
        ("Armenian troops fired mortars at our positions near Sadarak on Tuesday, the ministry said.", "2021-08-12T12:00:00+04:00",
         "Shelling/artillery/missile attack"),
    ],
)
def test_fire_of_unstated_means_follows_the_conflicts_phase(text, published, expected, extract):
    (m,) = extract(text, published=pd.Timestamp(published).tz_convert("UTC"))
    assert m["sub_event_type"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "On 3-5 October the districts of Tartar and Barda were subjected to artillery fire, the office said.",
        "From 12 to 16 October, Armenian forces shelled Fuzuli, the ministry said.",
    ],
)
def test_an_act_dated_by_a_span_of_days_recaps_them(text, extract):
    assert extract(text) == []


def test_a_night_spanning_two_days_is_still_one_event(extract):
    (m,) = extract("During the night from 12 to 13 October, Armenian forces shelled Tartar, the ministry said.")
    assert m["location_mention"] == "Tartar"


def test_casualties_of_fire_tell_the_act_and_its_toll(extract):
    (m,) = extract("On Monday one civilian was killed and two others wounded by Azerbaijani fire near Shushi, officials said.",
                   published=pd.Timestamp("2021-11-09T12:00:00+04:00").tz_convert("UTC"))
    assert (m["location_mention"], m["perpetrator_side"], m["killed"], m["injured"]) == ("Shushi", "AZE", 1, 2)


def test_a_file_photos_caption_does_not_date_the_story(extract):
    text = (
        "Armenia said one of its soldiers was wounded in a border shoot-out with Azerbaijani forces.\n\n"
        "A soldier looks through binoculars as he stands at fighting positions near Taghavard, January 11, 2021.\n"
        "Thousands died in the war of 2020 [File: A. Photographer/Agency]\n\n"
        "The ministry later said the situation was calm after a skirmish near Sotk."
    )
    mentions = extract(text, published=pd.Timestamp("2021-05-25T18:00:00+04:00").tz_convert("UTC"))
    assert [(m["location_mention"], str(m["event_date"])) for m in mentions] == [("Sotk", "2021-05-25")]


def test_a_week_long_attack_recaps_the_week(extract):
    text = "The incident comes after a week-long attack by Azerbaijani forces on positions around Lachin, officials said."
    assert extract(text) == []


def test_troops_that_stepped_up_attacks_are_the_agent(extract):
    text = "Observers said fighting moved deeper into the region and confirmed Azerbaijani troops had stepped up attacks on Shushi."
    assert {m["perpetrator_side"] for m in extract(text)} == {"AZE"}


def test_opening_fire_without_an_object_is_fire_and_a_post_is_military(extract):
    text = "Azerbaijani forces opened fire in mid-afternoon near Sotk, and a soldier at an Armenian post was wounded, the ministry said."
    (m,) = extract(text, published=pd.Timestamp("2021-08-17T18:00:00+04:00").tz_convert("UTC"))
    assert (m["sub_event_type"], m["target"], m["injured"]) == ("Armed clash", "military", 1)


def test_a_truce_that_became_effective_dates_the_truce_not_the_act(extract):
    text = ("Missiles hit Barda on Tuesday, officials said. The attack on Barda comes after the humanitarian truce that became "
            "effective on October 26 at 8 a.m.")
    mentions = extract(text, published=pd.Timestamp("2020-10-28T18:00:00+04:00").tz_convert("UTC"))
    assert {str(m["event_date"]) for m in mentions} == {"2020-10-27"}


def test_a_split_infinitive_of_shelling_is_shelling(extract):
    (m,) = extract("On Tuesday the Azerbaijani forces started to indiscriminately shell Martuni, officials said.")
    assert m["sub_event_type"] == "Shelling/artillery/missile attack"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # people killed at a place on a day of their own tell an act there ...
        ("Shells hit the court in Tartar on 28 September, the prosecutor said. One woman was killed in Fuzuli on 29 September.",
         [("Tartar", "2020-09-28", None), ("Fuzuli", "2020-09-29", 1)]),
        # ... but on the story's day they are the toll of the act told
        ("Shells hit Tartar on 28 September, the prosecutor said. Two people were killed in Tartar on 28 September.",
         [("Tartar", "2020-09-28", 2)]),
        # ... and a death "during the war" is no act
        ("Shells hit Tartar on 28 September. On Sunday people buried a relative killed during the war, at a cemetery in Barda.",
         [("Tartar", "2020-09-28", None)]),
        # "shellings" are shelling; "the murder of" N people at a place is an act there
        ("Two civilians have been killed in shellings in the town of Fuzuli on Thursday, officials said.", [("Fuzuli", "2020-10-01", 2)]),
        ("The office opened a case over the murder of five members of one family in Naftalan on Tuesday.", [("Naftalan", "2020-09-29", 5)]),
    ],
)
def test_casualties_and_killings_that_tell_an_act(text, expected, extract):
    mentions = extract(text, published=pd.Timestamp("2020-10-01T18:00:00+04:00").tz_convert("UTC"))
    assert [(m["location_mention"], str(m["event_date"]), m["killed"]) for m in mentions] == expected


def test_a_provocation_committed_against_positions_is_an_act(extract):
    text = ("The ministry said Armenian forces committed a deliberate provocation against the positions of the army in the "
            "direction of Zod on Wednesday.")
    (m,) = extract(text, published=pd.Timestamp("2023-05-11T12:00:00+04:00").tz_convert("UTC"))
    assert (m["location_mention"], m["perpetrator_side"], m["sub_event_type"]) == ("Zod", "ARM", "Armed clash")


def test_a_month_long_conflict_is_background_and_its_lead_still_dates_the_story(extract):
    text = ("The two sides accused each other of shelling cities on Wednesday, in an escalation of a month-long conflict. "
            "Officials said shells hit the town of Barda.")
    (m,) = extract(text, published=pd.Timestamp("2020-10-29T12:00:00+04:00").tz_convert("UTC"))
    assert (m["location_mention"], str(m["event_date"])) == ("Barda", "2020-10-28")


def test_an_undated_list_of_the_wars_targets_is_a_recap(extract):
    text = "The agency added that Ganja, Mingachevir, Tartar, Barda and Goranboy have been targeted, officials said."
    assert extract(text) == []


def test_the_weapons_a_clause_names_decide_a_strike_of_unstated_kind(extract):
    text = ("On Friday the air defence units of Armenia detected Azerbaijani UAVs in the direction of Khnatsakh, during which "
            "they carried out strikes against the infrastructures of the Armed Forces of Armenia.")
    (m,) = extract(text)
    assert (m["sub_event_type"], m["perpetrator_side"]) == ("Air/drone strike", "AZE")


def test_heavily_wounded_civilians_are_casualties_not_an_attack(extract):
    text = "Missiles hit the children's hospital in Stepanakert on Tuesday. There are two heavy wounded civilians, the ombudsman said."
    assert [m["sub_event_type"] for m in extract(text)] == ["Shelling/artillery/missile attack"]


@pytest.mark.parametrize(
    "text",
    [
        "The ministry said on Friday that Armenian attacks near Fuzuli were repelled.",
        "On Friday the Armenian military carried out attacks near Fuzuli that were thwarted by Azerbaijani forces.",
    ],
)
def test_an_attack_that_was_repelled_was_a_ground_assault(text, extract):
    (m,) = extract(text)
    assert (m["sub_event_type"], m["perpetrator_side"]) == ("Armed clash", "ARM")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hostilities going on along named front sectors are battles there
        ("On Sunday, hostilities in the Fizuli and Lachin sectors of the front went on with varying intensity, the ministry said.",
         [("Fizuli", "Armed clash"), ("Lachin", "Armed clash")]),
        # a settlement taken by force is a battle (ACLED's territory regained or overtaken)
        ("The president announced on Tuesday that the army had taken control of the village of Talish.", [("Talish", "Armed clash")]),
        # positions fired at, with an adverb inside the passive
        ("Army posts in the Tovuz region were sporadically fired by enemy units on Tuesday, the ministry said.",
         [("Tovuz", "Shelling/artillery/missile attack")]),
        # "to fire heavily on" a town
        ("Officials in Stepanakert accused the other side of continuing to fire heavily on Martuni on Tuesday.",
         [("Martuni", "Shelling/artillery/missile attack")]),
        # the hostilities ended, or a call to end them, are no act
        ("Both sides agreed on Tuesday in Moscow to a cessation of hostilities in Fizuli.", []),
    ],
)
def test_hostilities_captures_and_fire_with_adverbs(text, expected, extract):
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == expected


def test_an_incident_said_to_take_place_somewhere_is_the_act_told_before_it(extract):
    text = (
        "The ministry said on Friday that an enemy sniper had killed one of its soldiers on the border.\n\n"
        "It said the incident occurred at a section of the border in its Kalbajar district."
    )
    mentions = extract(text, published=pd.Timestamp("2021-07-23T18:00:00+04:00"))
    assert [(m["location_mention"], m["geo_precision"], m["killed"]) for m in mentions] == [("Kalbajar", 2, 1)]
    # an incident somewhere "a few hundred metres from" a road names no place of its own
    assert extract("The incident took place a few hundred metres from the road to Stepanakert on Tuesday, witnesses said.") == []


def test_acts_told_on_two_days_joined_by_and_are_coded_on_each(extract):
    text = "On October 12 and on the night of October 13, battles went on in the Fizuli and Jabrayil directions, the ministry said."
    dated = sorted((str(m["event_date"]), m["location_mention"]) for m in extract(text))
    assert dated == [("2020-10-12", "Fizuli"), ("2020-10-12", "Jabrayil"), ("2020-10-13", "Fizuli"), ("2020-10-13", "Jabrayil")]
    # ", and on <day>" opens another act: no second day
    other = extract("Troops clashed near Fizuli on Monday, and on October 13 a drone hit Tartar, the ministry said.")
    assert sorted((str(m["event_date"]), m["location_mention"]) for m in other) == [("2020-10-12", "Fizuli"), ("2020-10-13", "Tartar")]


@pytest.mark.parametrize(
    ("text", "generic", "rule"),
    [
        # an attack told only by the civilians it killed or hurt may retell fire at its place
        ("The deliberate attack on the cemetery in Tartar killed two civilians, the ministry said.", True, "acts.killing_without_means"),
        ("Armenian forces' attack on Tartar on Monday wounded four villagers, the ministry said.", True, "acts.killing_without_means"),
        # its means or its attackers named: an attack of its own
        ("Armenian soldiers shot two villagers in Tartar on Monday, the ministry said.", False, None),
        ("Gunmen killed two civilians in Tartar on Monday, the ministry said.", False, None),
    ],
)
def test_an_attack_told_only_by_its_casualties_is_generic(text, generic, rule, extract):
    attacks = [m for m in extract(text) if m["sub_event_type"] == "Attack"]
    assert [m["act_generic"] for m in attacks] == [generic]
    assert (rule in attacks[0]["rules"]) if rule else ("acts.killing_without_means" not in attacks[0]["rules"])


def test_fire_with_an_adverb_between_to_and_fire(extract):
    text = "On Thursday the Armenian armed forces continued to heavily fire on villages of the Aghdam district with artillery."
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == [("Aghdam", "Shelling/artillery/missile attack")]


def test_combat_operations_going_on_in_directions_are_clashes_there(extract):
    text = "On Friday combat operations continued in the Fizuli and Gubadli directions, the ministry said."
    got = sorted((m["location_mention"], m["sub_event_type"], m["geo_precision"]) for m in extract(text))
    assert got == [("Fizuli", "Armed clash", 2), ("Gubadli", "Armed clash", 2)]


@pytest.mark.parametrize(
    "text",
    [
        "A soldier was wounded as a result of fire opened by Armenian units near Sotk on Friday, the ministry of Azerbaijan said.",
        "A soldier was wounded on Friday due to enemy fire near Sotk, the ministry of Azerbaijan said.",
    ],
)
def test_fire_opened_by_and_wounds_as_a_result_of_fire(text, extract):
    got = [(m["location_mention"], m["injured"]) for m in extract(text, published=pd.Timestamp("2023-09-02T12:00:00+04:00"))]
    assert got == [("Sotk", 1)]


def test_an_undated_list_of_example_targets_is_a_recap(extract):
    text = "Armenia fired missiles at Azerbaijani cities such as Ganja, Barda, Mingachevir, Tartar and Goranboy, the ministry said."
    assert extract(text) == []
    # dated, the same list tells events
    dated = "On Monday Armenia fired missiles at Azerbaijani cities such as Ganja, Barda, Mingachevir, Tartar and Goranboy."
    assert len(extract(dated)) == 5


def test_a_list_targeted_again_and_again_without_a_day_is_a_recap(extract):
    text = "Armenian forces have been deliberately targeting the Goranboy, Tartar, Barda, Aghdam and Fuzuli districts."
    assert extract(text) == []


def test_attempts_at_advancement_are_clashes(extract):
    text = "On Tuesday the enemy kept attempting positional advancement in the direction of Sotk, the ministry of Armenia said."
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text, published=pd.Timestamp("2022-09-14T12:00:00+04:00"))] == [
        ("Sotk", "Armed clash")]


def test_villages_liberated_from_a_sides_occupation_and_counted_in_a_district(extract):
    text = "On Tuesday the army liberated six villages in Fuzuli and four villages in Jabrayil from Armenian occupation."
    got = sorted((m["location_mention"], m["geo_precision"], m["perpetrator_side"]) for m in extract(text))
    assert got == [("Fuzuli", 2, "AZE"), ("Jabrayil", 2, "AZE")]


@pytest.mark.parametrize(
    "sentence",
    [
        # an act of "any" kind is a hypothesis or a warning, not an incident
        "The commander warned that any attempt by the troops in Debaltseve to break out on Sunday would count as aggression.",
        "Any attack on Horlivka on Sunday will be answered, the rebel leader said.",
    ],
)
def test_an_act_of_any_kind_is_no_incident(sentence, extract):
    assert extract(sentence, published=pd.Timestamp("2015-02-14T12:00:00+02:00").tz_convert("UTC"), conflict="donbas") == []


def test_launch_sites_listed_after_a_controlling_side_are_no_event_places(extract):
    text = ("Mortar rounds hit Zaitseve on Thursday morning, the militia said. The rounds were fired from the "
            "Ukraine-controlled Zhovanka and Verkhnetoretskoye settlements, it added.")
    mentions = extract(text, published=pd.Timestamp("2020-05-14T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert {m["location_mention"] for m in mentions} == {"Zaitseve"}


def test_infantry_fighting_vehicles_are_means_not_fighting(extract):
    text = ("The settlements of Sokilnyky and Zolote came under fire on Tuesday, the LPR militia said.\n\n"
            "Ukrainian forces used mortars, weapons on infantry fighting vehicles and small arms.")
    mentions = extract(text, published=pd.Timestamp("2018-12-22T12:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert {(m["location_mention"], m["sub_event_type"], m["perpetrator_side"]) for m in mentions} == {
        ("Sokilnyky", "Shelling/artillery/missile attack", "UKR"), ("Zolote", "Shelling/artillery/missile attack", "UKR")}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # what a town "has experienced over the past two weeks" is its recent history, not an incident
        ("Horlivka has come under heavy shelling over the past two weeks as the army pushed on.", []),
        # an incident told with its place in a recent series is still an incident
        ("Shells hit Avdiivka on Tuesday, the third attack on the town in the past two weeks.", ["Avdiivka"]),
    ],
)
def test_weeks_of_shelling_are_background_and_the_latest_attack_is_not(sentence, expected, extract):
    published = pd.Timestamp("2016-08-24T12:00:00+03:00").tz_convert("UTC")
    assert [m["location_mention"] for m in extract(sentence, published=published, conflict="donbas")] == expected


def test_armed_forces_that_killed_civilians_attacked_them(extract):
    (m,) = extract("Azerbaijani armed forces killed four civilians in Hadrut on Saturday, the ombudsman said.")
    assert (m["sub_event_type"], m["killed"], m["target"]) == ("Attack", 4, "civilians")


@pytest.mark.parametrize(
    ("sentence", "sub_event_type"),
    [
        # after the war, fire with no weapon named is a clash, unless the text names where it came from (fire from a distance)
        ("On Monday Armenian units fired at army positions in the Kalbajar district, the ministry said.", "Armed clash"),
        ("On Monday Armenian units fired at army positions in the Kalbajar district from their positions in the direction of "
         "Zarkand, the ministry said.", "Shelling/artillery/missile attack"),
        # large-caliber weapons, in either spelling, are heavy weapons
        ("On Monday Armenian units fired large-caliber weapons at army positions in the Kalbajar district, the ministry said.",
         "Shelling/artillery/missile attack"),
    ],
)
def test_post_war_fire_from_a_distance_and_heavy_weapons(sentence, sub_event_type, extract):
    found = extract(sentence, published=pd.Timestamp("2023-07-11T12:00+04:00"))
    assert [m["sub_event_type"] for m in found] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a count of ceasefire violations at a named district is an event there
        ("Three ceasefire violations were recorded in the Askeran region on Tuesday, with no casualties.", [("Askeran", "Armed clash")]),
        # fire whose means stand in an aside between dashes, then its origin, then its target
        ("On Tuesday enemy units fired—with weapons of various calibres—from the positions at Berkaber settlement, at army posts "
         "in the Gazakh region.", [("Gazakh", "Shelling/artillery/missile attack")]),
    ],
)
def test_counted_violations_and_fire_in_an_aside(text, expected, extract):
    found = extract(text, published=pd.Timestamp("2022-03-03T12:00+04:00"))
    assert [(m["location_mention"], m["sub_event_type"]) for m in found] == expected


def test_it_that_recorded_is_the_observer_not_a_place_of_the_clause_before(extract):
    text = "The monitors kept watching the areas near Zolote and Shchastia; it recorded ceasefire violations inside the Gomkivske area."
    assert extract(text, published=pd.Timestamp("2018-06-17T12:00+03:00"), conflict="donbas") == []


@pytest.mark.parametrize(
    "text",
    [
        "Martuni has been shelled many times since the resumption of hostilities on September 27.",
        "The Sadarak and Kalbajar regions have been in the centre of this escalation over the said period.",
    ],
)
def test_habitual_fire_and_the_centre_of_an_escalation_are_no_events(text, extract):
    assert extract(text, published=pd.Timestamp("2021-08-09T12:00+04:00")) == []


def test_the_day_of_a_truce_in_a_relative_clause_does_not_date_the_act(extract):
    text = "The ministry condemned the attack on Hadrut as a violation of the ceasefire agreement that stopped the war on November 10."
    (m,) = extract(text, published=pd.Timestamp("2020-12-16T12:00+04:00"))
    assert str(m["event_date"]) == "2020-12-16"


def test_a_soldier_shot_near_a_village_is_an_act_there_and_the_military_of_no_side_speaks_for_its_holder(extract):
    text = "A soldier was shot and fatally wounded near the village of Novotoshkivske on Wednesday, the military said in a statement."
    (m,) = extract(text, published=pd.Timestamp("2021-05-27T12:00+03:00"), conflict="donbas")
    assert (m["location_mention"], m["killed"], m["claimant_side"]) == ("Novotoshkivske", 1, "UKR")


def test_a_district_called_liberated_and_operations_before_an_offensive_are_no_clash(extract):
    published = pd.Timestamp("2022-10-14T12:00:00+04:00").tz_convert("UTC")
    (m,) = extract("Armenian units shelled army positions in the liberated Kalbajar district on Monday, the ministry said.", published=published)
    assert (m["sub_event_type"], m["perpetrator_side"]) == ("Shelling/artillery/missile attack", "ARM")
    assert extract("Today the enemy resumed pre-offensive operations near Sotk, the ministry said.", published=published) == []
    found = extract("Armenian units shelled army positions stationed in liberated Kalbajar and Lachin regions on Monday.", published=published)
    assert [(m["sub_event_type"], m["perpetrator_side"]) for m in found] == [("Shelling/artillery/missile attack", "ARM")] * 2


@pytest.mark.parametrize(
    "text",
    [
        # a monitor's count of explosions heard near a place, and impact sites it saw, tell fire from a distance (§10)
        "On Tuesday the monitors heard about 40 undetermined explosions near Zolote.",
        "On Tuesday the monitors observed several impact sites in Zolote.",
    ],
)
def test_explosions_a_monitor_heard_and_impact_sites_are_shelling(text, extract):
    (m,) = extract(text, published=D2021B, conflict="donbas")
    assert (m["location_mention"], m["sub_event_type"]) == ("Zolote", "Shelling/artillery/missile attack")


def test_the_next_sentence_names_the_means_of_an_attack_of_unstated_means(extract):
    lead = "Ukrainian forces carried out an attack on a residential district of Horlivka on Tuesday, the rebels said. "
    (m,) = extract(lead + "Three people were killed by a single shell.", published=D2021B, conflict="donbas")
    assert (m["sub_event_type"], m["killed"]) == ("Shelling/artillery/missile attack", 3)
    assert "acts.means_told_next" in m["rules"]
    # a sentence about another incident, or one naming a place of its own, does not
    for other in ("Elsewhere, a soldier was killed by a shell.", "A shell also killed a soldier near Avdiivka."):
        found = extract(lead + other, published=D2021B, conflict="donbas")
        assert next(m for m in found if m["location_mention"] == "Horlivka")["sub_event_type"] != "Shelling/artillery/missile attack"
