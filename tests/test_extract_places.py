"""Places: one event per place, list qualifiers and precision, launch sites, capitals, anaphora."""

from __future__ import annotations

import pandas as pd
import pytest


def places(mentions: list[dict]) -> list[str]:
    return [m["location_mention"] for m in mentions]

# --- places ------------------------------------------------------------------------------

PLACE_CASES = [
    ("The ministry said Armenian forces shelled the regions of Goranboy, Tartar and Aghdam on Tuesday.", [("Goranboy", 2), ("Tartar", 2), ("Aghdam", 2)]),
    ("Armenian artillery fired on the Barda and Aghjabadi districts on Tuesday, the ministry said.", [("Barda", 2), ("Aghjabadi", 2)]),
    ("Azerbaijani troops came under fire in the direction of Fuzuli and Jabrayil on Tuesday, the ministry said.", [("Fuzuli", 2), ("Jabrayil", 2)]),
    ("Azerbaijani rockets hit Stepanakert and Shushi on Tuesday, Karabakh officials said.", [("Stepanakert", 1), ("Shushi", 1)]),
    # "the X region near the capital Y": Y only says where X lies; "near the (two-word) city of X" is near X
    ("Armenian missiles hit the Khizi district near Azerbaijan's capital Baku on Tuesday, the ministry said.", [("Khizi", 2)]),
    ("A soldier was wounded by fire towards the Yeraskh community along the border near Nakhichevan on Tuesday.", [("Yeraskh", 2)]),
    # a province is a region, however it is introduced ("two villages in X"): precision 3, which geocoding drops
    ("Shoot-outs went on near two villages in Gegharkunik on Tuesday, the ombudsman said.", [("Gegharkunik", 3)]),
    ("Armenian forces shelled positions near the northern frontline town of Tartar on Tuesday, the ministry said.", [("Tartar", 2)]),
    ("Shells landed near Kapan on Tuesday, the Armenian ministry said.", [("Kapan", 2)]),
    ("A shell hit a school in the village of Karmir Shuka in the Martuni region on Tuesday, Karabakh officials said.", [("Karmir Shuka", 1)]),
    ("Armenian missiles fired from the direction of Lachin hit army units in Tartar on Tuesday, the ministry said.", [("Tartar", 1)]),
    ("Azerbaijani fire hit the towns of Martuni (Khojavend) and Askeran on Tuesday, officials in Stepanakert said.", [("Martuni", 1), ("Askeran", 1)]),
    ("A shell hit a car on the road between Tartar and Barda on Tuesday, the prosecutors said.", [("Tartar", 2)]),
    # a road named by where it leads: near that place; "via Y": at Y, not at where it leads
    ("Shells fell on the road to Martuni on Tuesday, the Karabakh army said.", [("Martuni", 2)]),
    ("On Tuesday the highway to the capital, Stepanakert, via Shushi came under fire, a reporter said.", [("Shushi", 1)]),
    ("An Azerbaijani drone struck a bus near Vardenis in Armenia on Tuesday, the Armenian ministry said.", [("Vardenis", 2)]),
]


@pytest.mark.parametrize(("sentence", "expected"), PLACE_CASES)
def test_one_event_per_place_with_precision(sentence, expected, extract):
    mentions = extract(sentence)
    assert [(m["location_mention"], m["geo_precision"]) for m in mentions] == expected


def test_sound_heard_from_a_direction_places_the_act_there(extract):
    mentions = extract("In Stepanakert, a Reuters reporter heard heavy shelling from the direction of Hadrut on Tuesday.")
    assert [(m["location_mention"], m["geo_precision"]) for m in mentions] == [("Hadrut", 2)]
    assert mentions[0]["claimant_side"] == "independent"


@pytest.mark.parametrize(
    "sentence",
    [
        "Baku said Armenian artillery shelled Tartar on Tuesday.",
        "Armenian artillery shelled Tartar on Tuesday, with Baku reporting one soldier killed.",
        "Armenian artillery shelled Tartar on Tuesday. Yerevan, on its part, accused Baku of shelling first.",
        # the seat of an embassy that speaks
        "France's embassy in Baku condemned the clashes. Armenian artillery shelled Tartar on Tuesday.",
    ],
)
def test_capital_standing_for_a_government_is_not_a_place(sentence, extract):
    assert places(extract(sentence)) == ["Tartar"]


def test_anaphora_takes_the_place_of_the_previous_sentence(extract):
    text = "Karabakh officials said Shushi had been quiet until Tuesday.\nOn Tuesday its cathedral was struck by Azerbaijani shells, they said."
    mentions = extract(text)
    assert places(mentions) == ["Shushi"]


def test_list_items_are_read_with_their_lead_in(extract):
    text = (
        "On Tuesday morning Armenian artillery shelled, the ministry said:\n"
        "- the villages of the Goranboy district;\n"
        "- the city of Barda.\n"
        "Talks are due next week."
    )
    mentions = extract(text)
    assert [(m["location_mention"], m["geo_precision"], m["perpetrator_side"]) for m in mentions] == [("Goranboy", 2, "ARM"), ("Barda", 1, "ARM")]
    assert mentions[0]["sentence"] == "- the villages of the Goranboy district;"


def test_a_pronoun_in_the_next_clause_takes_the_place_before_it(extract):
    (m,) = extract("Photographs show the school in Martuni in ruins; Karabakh officials say Azerbaijani forces shelled it on Tuesday.")
    assert (m["location_mention"], m["perpetrator_side"]) == ("Martuni", "AZE")


def test_the_capital_is_the_city_of_the_story(extract):
    text = (
        "Azerbaijani rockets hit Stepanakert and Shushi on Tuesday, Karabakh officials said.\n"
        "The mayor thanked rescuers.\n"
        "Later, Karabakh's emergency service said warplanes had bombed a suburb of the capital."
    )
    kinds = {(m["location_mention"], m["sub_event_type"]) for m in extract(text)}
    assert ("Stepanakert", "Air/drone strike") in kinds


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In Gegharkunik province, an Azerbaijani drone struck a field near Vardenis on Tuesday, Yerevan said.", [("Vardenis", 2)]),
        ("Armenian shells hit villages about 10 miles north of Tartar on Tuesday, the ministry said.", [("Tartar", 2)]),
        ("In Baku, the Defence Ministry says Armenian units fired on positions in the Jabrayil district on Tuesday.", [("Jabrayil", 2)]),
        ("I say to the leadership in Yerevan: every rocket fired at Ganja will be answered.", []),
        ("Who else fires at Martuni?", []),
    ],
)
def test_more_place_rules(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


def test_an_incident_table_row(extract):
    (m,) = extract("Incidents this week:\n- 13 Oct – Barda district – shelling – 2 civilians injured – attributed to Armenian forces")
    assert (m["location_mention"], m["geo_precision"], m["injured"], m["perpetrator_side"]) == ("Barda", 2, 2, "ARM")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Baku also said Armenian rockets hit Tartar on Tuesday.", [("Tartar", 1)]),
        ("The office said the rockets hit Barda on Tuesday and were launched from positions in the Khojavend district.", [("Barda", 1)]),
        ("Heavy clashes broke out on the approaches to Shusha on Tuesday, both sides said.", [("Shusha", 2)]),
        ("Q: There were reports that Kapan was shelled on Tuesday.", []),
    ],
)
def test_speakers_launch_sites_approaches_and_questions(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected", "conflict"),
    [
        # a sector only frames the place named after it; the mortar named inside 'under fire' is its means
        ("In the Mariupol sector, Ukrainian positions at Vodiane came under mortar fire on Tuesday, the staff said.", [("Vodiane", 1)], "donbas"),
        # a distance in brackets only says where the place before it lies
        ("Separatist gunners shelled Pisky (10 km from Donetsk) on Tuesday, the staff said.", [("Pisky", 1)], "donbas"),
        # ... also after a numbered part of the place ("X-4")
        ("Near Zolote-4 (60km west of Luhansk) the enemy fired mortars on Tuesday, the staff said.", [("Zolote", 2)], "donbas"),
        # "an industrial hub N km north of the rebels' capital X": X only says where the place lies
        ("Mortar fire killed two soldiers near Avdiivka, an industrial hub 10 kilometres north of the rebels' de-facto capital "
         "Donetsk, on Tuesday, the staff said.", [("Avdiivka", 2)], "donbas"),
        # the municipality a village belongs to only says where it lies
        ("Mortars hit the village of Shumy, Toretsk City Council, on Tuesday, the staff said.", [("Shumy", 1)], "donbas"),
        # a front-line settlement only the profile's supplement knows, under its Russian spelling too
        ("Mortars hit Shirokaya Balka on Tuesday, the staff said.", [("Shirokaya Balka", 1)], "donbas"),
        # a party named after a city is no place
        ("Mortars hit Kalynove on Tuesday, the Luhansk People's Militia said.", [("Kalynove", 1)], "donbas"),
        # 'the area of X' is around X
        ("Fighting flared in the area of Talish on Tuesday, the ministry said.", [("Talish", 2)], "karabakh-2020"),
        # a capital pressed or asked stands for its government
        ("The OSCE pressed Kyiv to pull back its guns after Horlivka was shelled on Tuesday.", [("Horlivka", 1)], "donbas"),
    ],
)
def test_frames_brackets_areas_and_governments(sentence, expected, conflict, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence, conflict=conflict)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials said the capital of Nagorno-Karabakh was shelled again on Tuesday.", [("Khankendi", 1)]),
        ("Officials said Karabakh's capital was shelled again on Tuesday.", [("Khankendi", 1)]),
        # 'X and Y districts' with Y unknown to the gazetteer: X is a district too
        ("Guns pounded the Tartar and Qoshqar districts on Tuesday, the ministry said.", [("Tartar", 2)]),
    ],
)
def test_capitals_and_lists_with_unknown_members(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place in brackets names the one before it; a place after 'outside' only says where
        ("Fighting raged near Shushi (Susa) outside Stepanakert on Tuesday, officials said.", [("Shushi", 2)]),
        # 'blamed on' names a government, not a place
        ("Ten people were hurt in the strike on Barda on Tuesday that Baku blamed on Yerevan.", [("Barda", 1)]),
        # a landmark named with its town is coded at the town
        ("Two rockets hit the Ghazanchetsots Cathedral in the town of Shushi on Tuesday, officials said.", [("Shushi", 1)]),
        # a village the gazetteer does not know, 'of' a district: the district, precision 2
        ("A rocket was fired at Qaraqoyunlu village of the Martuni region on Tuesday, the army said.", [("Martuni", 2)]),
        # every item of a list after 'from' is a launch site; an Oxford comma does not split the list
        ("The Tovuz, Gadabay, and Dashkasan districts came under fire from the outskirts of Berd, Chambarak, and Vardenis on Tuesday.",
         [("Tovuz", 2), ("Gadabay", 2), ("Dashkasan", 2)]),
        # another name in brackets neither breaks the list nor hides a district's town
        ("The ministry said fighting went on near Martakert (Aghdara), Aghdam (Akna), and Gubadli on Tuesday.",
         [("Martakert", 2), ("Aghdam", 2), ("Gubadli", 2)]),
    ],
)
def test_brackets_references_landmarks_and_launch_lists(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text)] == expected


def test_a_caption_before_the_dateline_does_not_date_the_story(extract):
    text = (
        "Smoke rises over Shushi on November 5.\n\n"
        "STEPANAKERT/BAKU -- Azerbaijani rockets hit Stepanakert overnight, local officials said."
    )
    dated = {m["location_mention"]: str(m["event_date"]) for m in extract(text, published=pd.Timestamp("2020-11-06T12:00:00+04:00"))}
    assert dated["Stepanakert"] == "2020-11-06"
    assert "STEPANAKERT" not in dated and "BAKU" not in dated


D2021 = pd.Timestamp("2021-04-08T12:00:00+03:00").tz_convert("UTC")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a namesake outside the conflict's oblasts is no event place; "not far from" is no launch site
        ("Not far from Pisky and Opytne the enemy opened fire from mortars on Wednesday, the staff said.", [("Pisky", 1), ("Opytne", 1)]),
        # "X, a junction between Y and Z": Y and Z only say where X is
        ("Rebels used mortars on government positions at Debaltseve, a rail junction between Donetsk and Luhansk, on Wednesday.", [("Debaltseve", 1)]),
        # "in eastern X" is the province; "the X and Y republics" are parties
        ("Fighting flared in eastern Luhansk on Wednesday, and the Donetsk and Luhansk republics blamed Kyiv.", []),
        # a list with names the gazetteer lacks is still one list
        ("Vrubivka, Nowhereville, and Popasna came under artillery fire on Wednesday, the staff said.", [("Vrubivka", 1), ("Popasna", 1)]),
        # the province named like its city contains nothing unless the text calls it a region
        ("Ukrainian artillery shelled Dokuchaevsk and the outskirts of Donetsk on Wednesday, the militia said.", [("Dokuchaevsk", 1), ("Donetsk", 2)]),
        # Russian-style "sch" for Ukrainian "shch"
        ("Schastya was shelled on Wednesday, the staff said.", [("Schastya", 1)]),
        # where the people a vehicle carried came from is no event place
        ("Eight people were killed on Wednesday, the spokesman said, adding the bus was carrying civilians from the coastal town of Mariupol "
         "through the checkpoint when it was hit.", []),
        # "the eastern region of X", X a first-level division: the region says where the town is
        ("Shells hit a minibus at a checkpoint in Marinka, in the eastern region of Donetsk, on Wednesday.", [("Marinka", 1)]),
    ],
)
def test_donbas_places(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text, published=D2021, conflict="donbas")] == expected


def test_the_other_places_of_the_sentence_choose_the_namesake(tmp_path):
    from pipeline.build import build_tables

    (tmp_path / "r.txt").write_text(
        "---\npublished: 2021-04-08T12:00:00+03:00\n---\nIn the Donetsk sector, the separatists fired mortars at Ukrainian positions in Opytne on Wednesday.\n",
        encoding="utf-8",
    )
    from pipeline.profile import load_profile

    events = build_tables(tmp_path, profile=load_profile("donbas")).tables["events"]
    (lat,) = events["latitude"]
    assert abs(lat - 48.1) < 0.05  # the Opytne by Donetsk airport, not its larger namesake near Bakhmut


def test_where_a_speaker_spoke_is_no_place(extract):
    text = "Rockets hit Martuni on Tuesday. Ten soldiers were killed, the council secretary told reporters in Stepanakert."
    assert places(extract(text)) == ["Martuni"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a given name after a surname is no place
        ("Shells damaged the houses of residents Salahov Nizami Majid and Karimov Elshan in Tartar on Tuesday.", ["Tartar"]),
        # the seat of a title is no place
        ("The shelling of Tartar on Tuesday was inhuman, the Archbishop of Baku said.", ["Tartar"]),
        # a village named like a district, in another district: the district named after it
        ("Armenian fighters attacked Azerbaijani units near Aghdam (Akaku) village, Khojavend district, on Tuesday.", ["Khojavend"]),
        # a dash opens the list of the towns shelled
        ("Armenian guns pounded three of its towns – Beylagan, Barda and Terter – on Tuesday, the ministry said.", ["Beylagan", "Barda", "Terter"]),
        # a reporter's position is no place
        ('"The bombardment has started again in Stepanakert," he said on Tuesday, reporting from the town of Goris.', ["Stepanakert"]),
    ],
)
def test_names_seats_and_dashes(text, expected, extract):
    assert places(extract(text)) == expected


def test_a_cut_off_last_paragraph_is_read(extract):
    text = "Fighting went on.\n\nThe ministry said Armenian forces were shelling Beylagan, Barda and Terter on Tuesday, and that the"
    assert places(extract(text)) == ["Beylagan", "Barda", "Terter"]


def test_a_given_name_between_a_surname_and_a_fathers_name_is_no_place(extract):
    text = "On Tuesday shrapnel hit the courtyard of the house of Hajiyev Orkhan Nizami, a resident of the Aghjabadi district, the prosecutors said."
    assert places(extract(text)) == ["Aghjabadi"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a dateline with a colon; a capital that "pushed its offensive" is a government
        ("YEREVAN, Armenia: Shelling went on near Martuni on Tuesday as Baku pushed its offensive, officials said.", [("Martuni", 2)]),
        # the largest city of a territory is its capital in the profile
        ("On Tuesday Azeri shelling killed two residents of Nagorno-Karabakh's largest city, officials said.", [("Khankendi", 1)]),
        # "15 kilometres (9 miles) to the south of Y" only says where X is
        ("Shushi, 15 kilometres (9 miles) to the south of Stepanakert, was also attacked on Tuesday, officials said.", [("Shushi", 1)]),
    ],
)
def test_datelines_governments_largest_cities_and_distances(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text)] == expected


def test_a_direction_names_a_list_whose_first_item_the_gazetteer_lacks(extract):
    text = "On Tuesday Azerbaijani drones flew in the direction of the Khatsakhik, Artsvanik and Davit Bek settlements and struck them, Yerevan said."
    assert {(m["location_mention"], m["geo_precision"]) for m in extract(text)} == {("Artsvanik", 2), ("Davit Bek", 2)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a point of comparison is no place
        ("On Tuesday a rocket hit Ganja, the largest city after Baku, the ministry said.", [("Ganja", 1)]),
        # two capitals of the parties "between" each other are their governments
        ("Talks between Baku and Yerevan stalled after Armenian rockets hit Barda on Tuesday.", [("Barda", 1)]),
        # a capital that "has reported" is a government
        ("Baku has also reported Armenian shelling of Tartar on Tuesday.", [("Tartar", 1)]),
        # a village named like a town of another district: the district the text gives, at precision 2
        ("On Tuesday gunmen attacked a post near the village of Agdam in the Khojavend region, the ministry said.", [("Khojavend", 2)]),
        # spellings: an Azerbaijani name without its marks; ay written ai
        ("A missile struck Mingecevir on Tuesday, the ministry said.", [("Mingecevir", 1)]),
        ("Rockets hit Beilagan on Tuesday, the ministry said.", [("Beilagan", 1)]),
        # a distance from a capital only says where the place is
        ("On Tuesday Azerbaijani shells landed in Abovyan, some 15 km north of the capital of Yerevan, officials said.", [("Abovyan", 1)]),
        # a front direction named after two towns joined by a hyphen: both at precision 2
        ("In the Jabrayil-Fuzuli direction, Armenian artillery shelled Azerbaijani positions on Tuesday.", [("Jabrayil", 2), ("Fuzuli", 2)]),
    ],
)
def test_comparisons_capital_pairs_namesakes_and_spellings(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place that "continues" is no government unless it continues to act
        ("The battle for the city of Shushi continues on its outskirts, the ministry said on Sunday.", [("Shushi", 1)]),
        # two capitals that accuse each other are governments; a capital's "targeting of" civilians too
        ("Baku and Yerevan accused each other of shelling Martuni on Sunday.", [("Martuni", 1)]),
        ("A rocket hit a school in Tartar on Sunday, the ministry said, pointing at Yerevan's constant targeting of civilians.", [("Tartar", 1)]),
        # hashtags of a quoted post
        ("\"A school in #Tartar of #Azerbaijan was shelled by armed forces of #Armenia on Sunday.", [("Tartar", 1)]),
    ],
)
def test_continuing_places_accusing_capitals_and_hashtags(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text)] == expected


def test_a_hashtag_keeps_the_side_of_fire_by_a_party(extract):
    mentions = extract("\"A school in #Tartar of #Azerbaijan was shelled by armed forces of #Armenia on Sunday.")
    assert [m["perpetrator_side"] for m in mentions] == ["ARM"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # every item of a list of launch sites is one, with the districts and the villages the gazetteer lacks between them
        ("On Tuesday Armenian units fired at army posts in the Gadabay region from Chambarak region's Ttujur, Kalavan "
         "settlements and Vardenis region's Norashen settlement.", [("Gadabay", 2)]),
        # ... also where the list opens with names the gazetteer lacks, other names in brackets between
        ("On Tuesday Armenian units from the positions in Foo region's Barbaz settlement, Quxa's Zed Zeta settlement and "
         "Berd's Chinari settlement fired at army posts in the Tovuz region.", [("Tovuz", 2)]),
        ("On Tuesday Armenian units from positions in the direction of Upper Foo (Ulu Foo) settlement of Barbaz (Quxa) "
         "region, as well as Zed settlement of the Sisian region shelled army posts in the Lachin district.", [("Lachin", 2)]),
        # 'A, B and C settlements of the Y region': a listed name the gazetteer puts in another district is a namesake
        ("On Tuesday army posts in the Aghdam, Gosha and Asrik settlements of the Tovuz region came under fire.", [("Tovuz", 2)]),
        ("On Tuesday army posts in the Aghdam, Gosha and Kovlar settlements of the Tovuz region came under fire.", [("Kovlar", 1)]),
        # ... but a district named before another district's villages is no village of that list
        ("On Tuesday army posts near the Foo settlement of Kalbajar District and Bar settlement of Lachin District came under fire.",
         [("Kalbajar", 2), ("Lachin", 2)]),
        # capitals listed as the parties to an agreement stand for governments
        ("Such firing is in violation of the truce deal Baku, Moscow and Yerevan signed in November 2020.", []),
    ],
)
def test_lists_of_launch_sites_villages_of_a_district_and_signatories(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the positions fire came from, and the village and district they lie in, are launch sites
        ("Army posts in the Kalbajar district came under fire on Friday from the direction of Armenian positions "
         "near the Ttujur settlement in the Vardenis district.", [("Kalbajar", 2, "ARM")]),
        ("On Friday Armenian units fired on army posts in the Kalbajar district from the settlement of Ttujur of the "
         "Vardenis district.", [("Kalbajar", 2, "ARM")]),
        # the side whose positions the fire came from is the shooter, not the target
        ("Army posts in the Kalbajar district came under small-arms fire from the direction of Armenian positions on Friday.",
         [("Kalbajar", 2, "ARM")]),
        # 'the region of X', 'the sub-region of X' are districts
        ("Azerbaijani forces shelled the region of Martuni on Friday, officials said.", [("Martuni", 2, "AZE")]),
        ("Azerbaijani forces shelled the villages in the upper sub-region of Askeran on Friday, officials said.", [("Askeran", 2, "AZE")]),
        # a list of launch sites goes on past a name the gazetteer lacks
        ("Army posts in the Tovuz district were shelled on Friday from the territory of Berdsk, Chambarak and Goris regions.",
         [("Tovuz", 2, "ARM")]),
        # the shooters' deployment, after "by": where the fire came from
        ("On Friday army posts in the Kalbajar district were shelled with mortars by units of the Armenian army stationed near the "
         "villages of Sotk and Kut.", [("Kalbajar", 2, "ARM")]),
    ],
)
def test_origins_of_fire_and_areas_named_before(sentence, expected, extract):
    got = [(m["location_mention"], m["geo_precision"], m["perpetrator_side"]) for m in extract(sentence, published=pd.Timestamp("2021-06-12T12:00+04:00"))]
    assert got == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # fire "towards" towns is fire in their direction
        ("Shortly after midnight Azerbaijani forces began firing towards the towns of Goris and Jermuk, the ministry said.",
         [("Goris", 2), ("Jermuk", 2)]),
        # capitals that admit or do not say stand for governments
        ("On Wednesday Baku for the first time openly admitted that it struck targets on the territory of Armenia itself.", []),
        ("Yerevan did not directly say which targets were attacked on Wednesday.", []),
    ],
)
def test_directions_and_capitals_that_admit(sentence, expected, extract):
    got = [(m["location_mention"], m["geo_precision"]) for m in extract(sentence, published=pd.Timestamp("2022-09-13T12:00+04:00"))]
    assert got == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a capital before "time" is a time zone
        ("On Monday at about 2:40 pm Yerevan time, Armenian shells hit Tartar, the ministry said.", [("Tartar", 1)]),
        # a capital that "resumed offensive actions" is its government
        ("Armenian officials said fighting went on near Fuzuli through the night and Baku resumed offensive actions in the morning.", [("Fuzuli", 2)]),
        # "the territories of X and Y" are districts
        ("Armenian forces were shelling the Azeri territories of Goranboy and Aghdam on Tuesday, the ministry said.", [("Goranboy", 2), ("Aghdam", 2)]),
    ],
)
def test_time_zones_governments_and_territories(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "the settlements of A and B", A and B districts: some of their settlements
        ("The ministry said Armenian fire hit the settlements of Fuzuli and Beylagan on Tuesday.", [("Fuzuli", 2), ("Beylagan", 2)]),
        # "the villages of A and B", A and B villages: the villages themselves
        ("Shells fell on the villages of Sotk and Talish on Tuesday, officials said.", [("Sotk", 1), ("Talish", 1)]),
        # "the towns of A and B" are the towns
        ("Rockets hit the towns of Martuni and Askeran on Tuesday, officials said.", [("Martuni", 1), ("Askeran", 1)]),
    ],
)
def test_settlements_of_districts_and_of_villages(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Baku confirmed that Ganja was hit by rockets on Sunday but did not say what they damaged.",
        "Heavy fighting went on near Fuzuli on Sunday, with Yerevan saying Azerbaijani forces were shelling Shushi.",
        "The ministry in Yerevan added on Wednesday that Azerbaijani troops had opened fire near Sotk.",
    ],
)
def test_capitals_that_confirm_say_or_hold_a_ministry_are_governments(sentence, extract):
    places = {m["location_mention"] for m in extract(sentence, published=pd.Timestamp("2020-10-05T12:00+04:00"))}
    assert not places & {"Baku", "Yerevan"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a mixed-case dateline with the agency in brackets is no place
        ("Yerevan, (Agency - Wire Service - 1st Sep, 2023 ):Four soldiers were killed when Azerbaijani forces fired at posts near Sotk.",
         ["Sotk"]),
        # a capitalised word after a person's title is a surname
        ("Azerbaijani troops fired at positions near Tovuz on Friday. Serviceman Farman Yagublu lost his life in the attack.", ["Tovuz"]),
    ],
)
def test_agency_datelines_and_names_after_titles(text, expected, extract):
    mentions = extract(text, published=pd.Timestamp("2023-09-01T18:00:00+04:00").tz_convert("UTC"))
    assert sorted({m["location_mention"] for m in mentions}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Northtown, Oct 17 (agency).-" is a dateline
        ("Baku, Oct 17 (efe-epa).- At least 12 people were killed overnight in a missile attack on Ganja, officials said.", ["Ganja"]),
        # the "second largest city of X" is no capital
        ("Rockets hit Ganja, the second largest city of the Republic of Azerbaijan, on Sunday, officials said.", ["Ganja"]),
    ],
)
def test_datelines_and_second_cities(text, expected, extract):
    mentions = extract(text, published=pd.Timestamp("2020-10-17T18:00:00+04:00").tz_convert("UTC"))
    assert sorted({m["location_mention"] for m in mentions}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a capital that "is ignoring" an agreement, or whose "ally" is named, is its government
        ("Units repelled attacks near Hadrut on Saturday as Baku is ignoring the truce agreed in Moscow.", ["Hadrut"]),
        ("On Saturday the president said battles destroyed hardware near Fuzuli, a jab at Yerevan's ally Moscow.", ["Fuzuli"]),
        # "the second largest city after the capital X": X is a point of comparison
        ("On Sunday a missile hit Ganja, the second largest city in the country after the capital Baku.", ["Ganja"]),
        # ... but a capital that "is being shelled" is a place
        ("Baku is being shelled by Armenian forces, officials said on Saturday.", ["Baku"]),
    ],
)
def test_capitals_as_governments_and_points_of_comparison(text, expected, extract):
    assert sorted({m["location_mention"] for m in extract(text)}) == expected


def test_it_said_is_a_speaker_not_a_place(extract):
    text = ("The army said enemy troops had shelled Martakert and had tried to advance in the south of the front; "
            "it said the attack was repelled.")
    assert [(m["location_mention"], m["sub_event_type"]) for m in extract(text)] == [("Martakert", "Shelling/artillery/missile attack")]


def test_an_anniversary_of_a_strike_is_no_event(extract):
    text = "Four years have passed since the first missile strike on the city of Ganja, the agency recalled."
    assert extract(text, published=pd.Timestamp("2024-10-04T10:00:00+04:00")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "near the border town of X" is near X
        ("Two soldiers were wounded by enemy shelling near the border town of Sotk on Tuesday, the ministry said.", [("Sotk", 2)]),
        # a clause that tells the cause of what the clause before it tells at a place ("after being hit")
        ("A lorry is burning in Vardenis, Armenia, after being struck by an enemy drone, the ministry said on Tuesday.", [("Vardenis", 1)]),
        # ... but a clause of another act, "after" what the clause before it tells, does not take its places
        ("Residents spent the night in basements in Ganja, after the enemy attacked the front line on Tuesday.", []),
        # a road named by its two ends is at neither end
        ("Shots were fired at a car on the Lachin-Stepanakert road on Tuesday, officials said.", []),
        # the launch site's province, named after it in brackets, is a launch site too
        ("A soldier was killed by fire from across the border, from the village of Nordhill in the province of Sunmark (Vardenis), "
         "in Kalbajar on Tuesday, the ministry said.", [("Kalbajar", 1)]),
        # a border named by its two sides is at neither
        ("Enemy fire killed a soldier near Yeraskh on the Armenian-Nakhchivan (Azerbaijan) border on Tuesday, the ministry said.", [("Yeraskh", 2)]),
        # a lake named after a town is not the town; strikes "reported from" towns happened there
        ("Drone strikes were reported from Sotk and Vardenis on the shores of Lake Sevan on Tuesday.", [("Sotk", 1), ("Vardenis", 1)]),
        # fire from positions "located in various directions in the territory of" a region comes from that region
        ("Enemy units from combat positions located in various directions in the territory of the Vardenis region fired on "
         "army posts in the Kalbajar region on Tuesday, the ministry said.", [("Kalbajar", 2)]),
        # ... but shells from positions that "landed in" a town hit it
        ("Shells fired from enemy positions landed in the town of Berd on Tuesday, the ministry said.", [("Berd", 1)]),
        # a clause telling only what was damaged, and where, gives its places to the act before it
        ("As a result of enemy shelling on Tuesday, two civilians were wounded, and houses were damaged in villages of the Tartar "
         "district and the Aghdam district.", [("Tartar", 2), ("Aghdam", 2)]),
        # a capital's possessive actions are its government's; a road named by three places is at none of them
        ("The ministry warned on Tuesday that Baku's actions could derail the talks.", []),
        ("Shots were fired on Tuesday along the Khankendi-Khalfali-Turshsu dirt road, officials said.", []),
        # "X, the de facto capital of Y's breakaway region" is X, not Y's capital
        ("On Tuesday night a rocket hit a house in Stepanakert, the de facto capital of Azerbaijan's breakaway region.", [("Stepanakert", 1)]),
        # two capitals that "still regularly accuse" each other are governments
        ("Baku and Yerevan still regularly accuse each other of attacks on Tuesday and every other day.", []),
        # an attack that "originated in" a district came from there
        ("A missile hit Ganja on Tuesday; the president said the attack originated in the territory of Armenia's Vardenis district.",
         [("Ganja", 1)]),
        # an agency's slash dateline is no place
        ("Baku / 09.11.20 / Turan: On Tuesday the army besieged enemy units near Fuzuli, the ministry said.", [("Fuzuli", 2)]),
    ],
)
def test_places_borrowed_across_clauses_and_places_that_are_no_event_places(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # where people went afterwards, where the wounded were taken and where the dead were buried
        ("Two reporters hurt when Azerbaijani drones bombed Shusha on Thursday were flown to Moscow, officials said.", ["Shusha"]),
        ("Two reporters hurt when Azerbaijani drones bombed Shusha on Thursday will go home with the crew of the prime minister's "
         "visit to Yerevan.", ["Shusha"]),
        ("Two reporters hurt when Azerbaijani drones bombed Shusha on Thursday returned to Yerevan, officials said.", ["Shusha"]),
        ("Two reporters hurt by Azerbaijani shelling of Martuni on Thursday were transported to a Yerevan medical centre.", ["Martuni"]),
        ("Two boys killed when Azerbaijani shells hit Martuni on Tuesday were buried in Masis on Friday.", ["Martuni"]),
        # ... but fire "during a funeral in X" hit X
        ("On Thursday Armenian artillery hit mourners during a funeral ceremony in Tartar, killing three, officials said.", ["Tartar"]),
        # a capital in a compound adjective, reporting, attacking its civilians or in control stands for its government
        ("Since Sunday the Yerevan-backed forces have shelled Tartar, the ministry said.", ["Tartar"]),
        ("A Barda-based activist said Armenian rockets hit Tartar on Sunday.", ["Tartar"]),
        ("Yerevan reports that Azerbaijani artillery shelled Kapan on Sunday.", ["Kapan"]),
        ("Baku says Yerevan attacked its civilians at a cemetery in Tartar on Thursday.", ["Tartar"]),
        ("Fighting went on in Hadrut on Sunday, which is still not under Baku's control.", ["Hadrut"]),
        # the second-largest city of a country is not its capital
        ("Rockets hit Ganja, the second-largest city of Azerbaijan, on Sunday, officials said.", ["Ganja"]),
        # what is avenged is an act told before
        ("The president vowed revenge for the Barda attack and said troops had liberated villages near Jabrayil on Tuesday.", ["Jabrayil"]),
        # "Upper X" ("Verin X") the gazetteer lacks is another village than X; its district, when named, is the place
        ("On Monday Azerbaijani troops shelled Verin Hand and Sotk, the ministry of Armenia said.", ["Sotk"]),
        ("On Monday shells hit the village of Yukhari Abdulrahmanli in the Fuzuli district, the ministry said.", ["Fuzuli"]),
        # a name with one more capitalised word that ends a list item is a longer name than the place the gazetteer knows;
        # the dash still opens the list, so the next item is read
        ("Battles raged on Monday on the approaches to Shusha – Karin Gomk, Lisagor and other sectors, the ministry said.", ["Shusha", "Lisagor"]),
        ("On Monday shells hit Stepanakert Airport, Shusha and Martuni, officials said.", ["Stepanakert", "Shusha", "Martuni"]),
    ],
)
def test_places_that_are_no_place_of_the_act(sentence, expected, extract):
    assert [m["location_mention"] for m in extract(sentence)] == expected


def test_positions_toward_a_populated_area_are_military_and_a_capital_regaining_land_is_a_government(extract):
    text = "On Monday Armenian forces shelled the army's positions in the direction of the populated area of Heydarabad, the ministry said."
    assert [(m["location_mention"], m["target"]) for m in extract(text, published=pd.Timestamp("2021-07-20T12:00+04:00"))] == [("Heydarabad", "military")]
    assert extract("Under the deal Baku regained control of several districts after the fighting on Monday.") == []


def test_a_state_that_liberated_villages_is_the_agent(extract):
    text = "On Thursday, Azerbaijan liberated the village of Arish in the Fuzuli district from Armenia's occupation."
    assert [(m["location_mention"], m["perpetrator_side"]) for m in extract(text)] == [("Fuzuli", "AZE")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a surname after a person's initial is no place
        ("Two farmers, H. Ashotsk and K. Davtyan, were fired at near Martakert by Azerbaijani troops on Monday, police said.", ["Martakert"]),
        # units "in the X direction of Y" that launched drones against positions elsewhere: a launch site
        ("On Friday Armenian units in the Zod direction of the Basarkechar region launched attack drones against army positions "
         "in the Kalbajar district, the ministry said.", ["Kalbajar"]),
    ],
)
def test_initials_and_shooters_in_a_direction(text, expected, extract):
    assert [m["location_mention"] for m in extract(text, published=pd.Timestamp("2023-09-02T12:00+04:00"))] == expected


@pytest.mark.parametrize("word", ["road", "highway", "corridor"])
def test_a_road_named_by_one_place_is_precision_2(word, extract):
    text = f"A serviceman was wounded on Thursday by Armenian gunfire at a checkpoint on the Lachin {word}, the ministry of Azerbaijan said."
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text, published=pd.Timestamp("2023-06-16T12:00+04:00"))] == [("Lachin", 2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bracketed distance says where a village the gazetteer lacks lies: the mention names the city, and geocoding
        # places the village by the distance and bearing from it (test_geocode), not at the city
        ("The enemy fired small arms at our defenders near Verkhnia Pustka (50km north-west of Luhansk) on Tuesday.", [("Luhansk", 2)]),
        # a street named after a place, and the occupied territories the shooters came from, are no event places
        ("A mortar round exploded in Pobeda Street in Dokuchaievsk on Tuesday, the monitors said.", [("Dokuchaievsk", 1)]),
        ("Fighters from the occupied territories of Donetsk and Luhansk shelled Stanytsia Luhanska on Tuesday.", [("Stanytsia Luhanska", 1)]),
        # a task force named in Ukrainian ("Skhid": east) is no place
        ("In the area of the Skhid task force, the enemy fired on Vodiane on Tuesday.", [("Vodiane", 1)]),
        # a bulletin's "Here" points back to the place just named
        ("Two violations were recorded near Popasna on Tuesday. Here the enemy used a drone to drop a grenade on our positions.",
         [("Popasna", 2)]),
    ],
)
def test_references_streets_territories_task_forces_and_here(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text, published=D2021, conflict="donbas")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bracket listing villages names the places meant; the town whose outskirts hold them is no event place
        ("On Tuesday mortar rounds fell on the eastern edge of Horlivka (the villages of Ozerianivka and Zaitseve), the staff said.",
         [("Ozerianivka", 1), ("Zaitseve", 1)]),
        # an airport after the last item of a list widens that item only
        ("On Tuesday artillery shelled the northern outskirts of Donetsk (the villages of Spartak and Vesele, the Donetsk airport).",
         [("Spartak", 1), ("Vesele", 1), ("Donetsk", 2)]),
        # Russian spellings of Ukrainian village names (-ovka, -oye, -aya) are the same places
        ("On Tuesday the staff said Staromikhailovka and Novotroitskoye were shelled.", [("Staromikhailovka", 1), ("Novotroitskoye", 1)]),
        # a dash inside a bracketed note breaks no clause: the list goes on after it
        ("On Tuesday rockets hit the edge of Horlivka (called Gorlovka in Russian – an editor's note), the town of Yasynuvata, and nearby villages.",
         [("Horlivka", 2), ("Yasynuvata", 2)]),
    ],
)
def test_brackets_that_name_the_places_and_russian_spellings(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text, published=D2021, conflict="donbas")] == expected


def test_an_urban_area_and_a_speaking_administration_are_no_event_places(extract):
    text = ("On Tuesday shells fired by pro-Kyiv units hit the Yasynuvata district of the Donetsk agglomeration, an official "
            "of the Horlivka city administration said.")
    (m,) = extract(text, published=D2021, conflict="donbas")
    assert (m["location_mention"], m["geo_precision"], m["perpetrator_side"]) == ("Yasynuvata", 2, "UKR")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a city a town lies "near" only says where the town is; the town takes the toll
        ("On Friday army artillery killed two people in the town of Horlivka near the war-torn city of Donetsk, rescuers said.",
         [("Horlivka", 2)]),
        # a place in an outlet's name is no place of the act
        ('"A shell hit a house in Zaitseve on Friday," the Luhansk News Agency quoted him as saying.', [("Zaitseve", None)]),
    ],
)
def test_a_town_near_a_city_and_an_outlet_named_after_a_place(text, expected, extract):
    assert [(m["location_mention"], m["killed"]) for m in extract(text, published=D2021, conflict="donbas")] == expected


def test_fortifications_are_a_military_target(extract):
    (m,) = extract("At night the militants shelled army fortifications near Krymske with mortars.", published=D2021, conflict="donbas")
    assert m["target"] == "military"


def test_the_place_of_a_funeral_is_no_place_of_the_death(extract):
    text = ("Mourners gather by the coffin of a soldier who was killed in the fighting in the region, at a funeral "
            "ceremony at the military pantheon in Yerevan on Tuesday.")
    assert extract(text) == []


def test_where_a_side_massed_its_forces_is_no_target(extract):
    text = ("On Tuesday the enemy concentrated troops and armour at its positions in Vardenis and then attacked "
            "army posts in Kalbajar, the ministry said.")
    assert [m["location_mention"] for m in extract(text)] == ["Kalbajar"]


@pytest.mark.parametrize(
    "text",
    [
        "On Monday the troops used their positions in the town of Shusha to shell army posts near Khojaly.",
        "On Monday the troops shelled army posts near Khojaly from positions in the eastern outskirts of Shusha.",
    ],
)
def test_positions_the_shooters_fired_from_are_no_event_place(text, extract):
    assert [m["location_mention"] for m in extract(text)] == ["Khojaly"]


def test_the_town_a_speakers_body_sits_in_is_no_event_place(extract):
    text = ("On Tuesday an army representative from the Joint Centre for Control and Coordination (JCCC) in Debaltseve "
            "reported shelling of Horlivka.")
    assert [m["location_mention"] for m in extract(text, published=D2021, conflict="donbas")] == ["Horlivka"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a profile whose first-level divisions are regions (§10) codes no event at "the X region" or "X and Y regions"
        ("Heavy fighting went on in the Luhansk region on Tuesday.", []),
        ("Heavy fighting went on in the Donetsk and Lugansk regions on Tuesday.", []),
        # the cities named like them, and towns "in the X region", are places
        ("Shells hit Donetsk and Luhansk on Tuesday.", ["Donetsk", "Luhansk"]),
        ("Shells hit Avdiivka and Marinka in the Donetsk region on Tuesday.", ["Avdiivka", "Marinka"]),
    ],
)
def test_region_only_mentions_are_no_event_places(text, expected, extract):
    assert [m["location_mention"] for m in extract(text, published=D2021, conflict="donbas")] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # villages of the supplement, under their Armenian and Azerbaijani names
        ("On Monday Azerbaijani troops fired on Verin Shorzha, the ministry of Armenia said.", [("Verin Shorzha", 1)]),
        ("Armenian units shelled Dashalti on Monday, the ministry said.", [("Dashalti", 1)]),
        ("Shells hit Chartar and Parukh on Monday, officials said.", [("Chartar", 1), ("Parukh", 1)]),
    ],
)
def test_front_line_villages_of_the_supplement(sentence, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # launch sites listed as "the directions of the X and Y settlements of the Z region" are no event places
        ("On Monday Armenian units from the positions in the directions of the Yukhari Shorzha and Zarkand settlements of the "
         "Basarkechar region fired at army positions in the Kalbajar region, the ministry said.", ["Kalbajar"]),
        # a capital speaking with its day between it and the verb stands for its government
        ("Baku on Monday said that Armenian groups fired at army positions in the Aghdam district.", ["Aghdam"]),
        # ", and <unknown village> settlement of X region" continues the list of places hit
        ("On Monday Armenian units fired at army positions in the Kalbajar region, and Kilit settlement of Ordubad region, the ministry said.",
         ["Kalbajar", "Ordubad"]),
    ],
)
def test_launch_site_lists_speaking_capitals_and_lists_of_regions(sentence, expected, extract):
    found = extract(sentence, published=pd.Timestamp("2023-07-11T12:00+04:00"))
    assert [m["location_mention"] for m in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a task force takes any name, a place's included: "the North task force" is a unit
        ("In the zone of the Luhansk task force, the enemy fired mortars at Zolote on Tuesday.", [("Zolote", 1)]),
        # a prosecutor's office or a council named after its city is the body that speaks, not where the act was
        ("Two civilians were hurt when, the Luhansk Regional Prosecutor's Office says, shells hit homes in Popasna on Tuesday.",
         [("Popasna", 1)]),
        # a place named after a word that starts longer names ("Staryi", "Nova" ...) is another place the gazetteer lacks
        ("On Tuesday houses were damaged by shelling in Staryi Aidar and Zolote, the staff said.", [("Zolote", 1)]),
        # a single name with a surname's ending after a given name is a person
        ("Council head Dmitry Shevchenko gave details: a village of the district came under fire on Tuesday.", []),
        # "N km north-east of the rebel stronghold of Y" only says where the village lies
        ("Two soldiers died in shelling near the village of Zolote, some 60 kilometres (37 miles) west of the main separatist "
         "stronghold of Luhansk, the army said on Tuesday.", [("Zolote", 2)]),
        # where the fire came from, "from the direction of the Y suburb of X", is no event place
        ("On Tuesday troops near Zolote were attacked from the direction of the Luhansk suburb of Vesela Hora, the army said.",
         [("Zolote", 2)]),
    ],
)
def test_units_bodies_longer_names_people_and_origins_named_after_places(text, expected, extract):
    assert [(m["location_mention"], m["geo_precision"]) for m in extract(text, published=D2021, conflict="donbas")] == expected


def test_the_items_of_a_list_after_a_colon_tell_the_leads_act(extract):
    text = ("On Tuesday the enemy opened fire five times: near Zolote using grenade launchers; near Popasna using small arms; "
            "and twice near Krymske using machine guns.")
    found = extract(text, published=D2021, conflict="donbas")
    assert [(m["location_mention"], m["sub_event_type"]) for m in found] == [
        ("Zolote", "Armed clash"), ("Popasna", "Armed clash"), ("Krymske", "Armed clash")]


def test_a_ukrainian_spelling_of_a_city_the_gazetteer_names_otherwise(extract):
    (m,) = extract("The militants shelled Makiivka on Tuesday, the staff said.", published=D2021, conflict="donbas")
    assert (m["location_mention"], m["geo_precision"]) == ("Makiivka", 1)
    (m,) = extract("Two soldiers were wounded in shelling near Novoluganske on Tuesday.", published=D2021, conflict="donbas")
    assert m["location_mention"] == "Novoluganske"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a kind of place before the comma, then a distance from Y: Y only says where the village lies
        ("The army said separatist gunners shelled Pisky village, 15 km north of Donetsk, on Tuesday.", [("Pisky", 1)]),
        # "the town located N km north of Y": the town is the one told before, Y only locates it
        ("Several houses burned when artillery shells hit the town located 40 kilometres (25 miles) north of Donetsk on Tuesday.", []),
        ("Mortars hit Avdiivka, which lies 10 km north of Donetsk, on Tuesday, the staff said.", [("Avdiivka", 1)]),
    ],
)
def test_a_place_that_only_locates_another_is_no_event_place(text, expected, extract):
    found = extract(text, published=D2021, conflict="donbas")
    assert [(m["location_mention"], m["geo_precision"]) for m in found] == expected


def test_a_wire_dateline_with_a_country_in_brackets_is_no_event_place(extract):
    text = "Donetsk (Ukraine), March 9 (Wire/Press) Two civilians were killed on Tuesday in shelling of Horlivka, the rebels said."
    found = extract(text, published=D2021, conflict="donbas")
    assert [m["location_mention"] for m in found] == ["Horlivka"]
