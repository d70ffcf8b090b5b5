"""Casualty phrases: figures, hedges, zeros, breakdowns and what is not a casualty."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.extract.figures import parse_figures
from pipeline.profile import load_profile

LEXICON = load_profile().lexicon

# sentence, killed (best, low, high), injured (best, low, high), breakdowns
CASES = [
    ("The barrage killed eleven people in the market.", (11, 11, 11), None, {}),
    ("Five villagers were killed when shells hit the square.", (5, 5, 5), None, {}),
    ("The rocket left three residents dead.", (3, 3, 3), None, {}),
    ("At least 8 civilians were killed overnight.", (8, 8, None), None, {}),
    ("As many as 20 people may have died in the strike.", (20, None, 20), None, {}),
    ("More than 14 people were killed, officials said.", (14, 14, None), None, {}),
    ("Officials said twenty-two civilians were wounded.", None, (22, 22, 22), {}),
    ("Shelling wounded 17 people in the town.", None, (17, 17, 17), {}),
    ("Two soldiers died and four were hurt.", (2, 2, 2), (4, 4, 4), {}),
    ("The attack killed 6 and wounded 30 others.", (6, 6, 6), (30, 30, 30), {}),
    ("Seven people were killed and at least 25 others injured.", (7, 7, 7), (25, 25, None), {}),
    ("The toll has risen to 15, the ministry said.", (15, 15, 15), None, {}),
    ("The death toll climbed to thirty on Tuesday.", (30, 30, 30), None, {}),
    ("A second victim died in hospital, bringing the toll to 2.", (2, 2, 2), None, {}),
    ("Nobody was killed, the ministry said.", (0, 0, 0), None, {}),
    ("No one was injured in the blast.", None, (0, 0, 0), {}),
    ("Rescuers said no one had been killed or wounded.", (0, 0, 0), (0, 0, 0), {}),
    ("There were no casualties, according to the mayor.", (0, 0, 0), (0, 0, 0), {}),
    ("An elderly woman was killed in her garden.", (1, 1, 1), None, {}),
    ("A 12-year-old girl died when the shell exploded.", (1, 1, 1), None, {"killed_children": 1}),
    ("One soldier was wounded by shrapnel.", None, (1, 1, 1), {}),
    ("The strike killed a shepherd.", (1, 1, 1), None, {}),
    ("Nine people died, including three children.", (9, 9, 9), None, {"killed_children": 3}),
    ("Twelve were hurt, among them five women and two children.", None, (12, 12, 12), {"injured_women": 5, "injured_children": 2}),
    ("Fourteen people were injured, among them five women and two children.", None, (14, 14, 14), {"injured_women": 5, "injured_children": 2}),
    ("Six people, two of them women, were killed.", (6, 6, 6), None, {"killed_women": 2}),
    ("Thirty people were hurt, ten of them children.", None, (30, 30, 30), {"injured_children": 10}),
    ("Among the dead were four children.", None, None, {"killed_children": 4}),
    ("The shelling killed three women, a man and a boy.", (5, 5, 5), None, {"killed_women": 3, "killed_children": 1}),
    # the listed subject of a clause: the words before its opener are not one of the people
    ("They reported a night raid on the village in which a farmer and his wife were killed.", (2, 2, 2), None, {}),
    ("Officials added that two drivers and a nurse were injured at the depot.", None, (3, 3, 3), {}),
    ("Hundreds of people have died since the war began.", None, None, {}),
    ("Dozens were wounded across the region.", None, None, {}),
    ("The army said it destroyed four T-72 tanks and two BM-21 launchers.", None, None, {}),
    ("Troops destroyed 12 armoured vehicles and 3 howitzers.", None, None, {}),
    ("A man aged 70 and his wife were wounded.", None, (2, 2, 2), {}),
    ("Two farmers, aged 50 and 61, and a teacher were injured.", None, (3, 3, 3), {}),
    ("Four foreign nationals, two reporters and their driver, were wounded.", None, (4, 4, 4), {}),
    ("Nothing is known yet about casualties.", None, None, {}),
    ("Residents said about 40 houses were damaged.", None, None, {}),
    ("The blast killed 4 people and injured 9, the governor said.", (4, 4, 4), (9, 9, 9), {}),
    ("Eighteen civilians have now died of their wounds.", (18, 18, 18), None, {}),
    ("The strike claimed the lives of 3 people.", (3, 3, 3), None, {}),
    ("Some 25 people were injured by flying glass.", None, (25, 25, 25), {}),
    ("Up to 40 people were killed in the explosion.", (40, None, 40), None, {}),
    ("A nurse was seriously wounded when a shell hit the clinic.", None, (1, 1, 1), {}),
    ("A soldier who had been wounded last week died on Monday, raising the toll to 6.", (6, 6, 6), None, {}),
    ("One serviceman of the national army was killed and two were wounded.", (1, 1, 1), (2, 2, 2), {}),
    ("An elderly man was taken to hospital with shrapnel wounds.", None, (1, 1, 1), {}),
    ("A second strike kills 13 people and wounds 40.", (13, 13, 13), (40, 40, 40), {}),
    ("A farmer and his grandson were killed in their orchard.", (2, 2, 2), None, {}),
    ("Officials initially said five people had been killed; later they corrected the figure to four dead.", (4, 4, 5), None, {}),
    ("An update put the number of wounded at 3.", None, (3, 3, 3), {}),
    ("27 Oct , Barda district , shelling , 5 killed, among them 1 child; 13 injured", (5, 5, 5), (13, 13, 13), {"killed_children": 1}),
    ("Rockets hit the town, killing the driver of a bus and injuring his son.", (1, 1, 1), (1, 1, 1), {}),
    ("One man was killed and three more received wounds of varying severity.", (1, 1, 1), (3, 3, 3), {}),
    ("Rockets injured three civilians, including a 9-year-old boy.", None, (3, 3, 3), {"injured_children": 1}),
    # a victim named by the place he lived in, without an article
    ("After the blast, resident of a village of the Tovuz district was killed, the agency said.", (1, 1, 1), None, {}),
    ("The agency said that resident of the town was wounded.", None, (1, 1, 1), {}),
    # one man "and N members of his family"
    ("A shell hit the house: the owner and 3 members of his family were killed.", (4, 4, 4), None, {}),
    ("Shelling killed local villager Ali Aliyev and four members of his family at home.", (5, 5, 5), None, {}),
    # the murder (or the deaths) of N people
    ("A case was opened over the murder of five members of one family in the district.", (5, 5, 5), None, {}),
    ("The deaths of 3 civilians were confirmed on Monday.", (3, 3, 3), None, {}),
    # a victim named after his rank or trade
    ("As a result, soldier Rauf Aliyev died from a bullet wound, the ministry said.", (1, 1, 1), None, {}),
    # one victim told by "the death of", a numbered last victim, an injury told as "suffered an injury"
    ("The rocket hit a bakery, leading to the death of an elderly woman, while three others were hurt.", (1, 1, 1), (3, 3, 3), {}),
    ("The barrage caused the death of a young shepherd near the farm.", (1, 1, 1), None, {}),
    ("Two guards were killed and a third was wounded when the checkpoint came under fire.", (2, 2, 2), (1, 1, 1), {}),
    ("No houses were hit, but a 40-year-old driver suffered an injury.", None, (1, 1, 1), {}),
    # a second group added with "and" counts on top of the first; an apposition names the first group's members
    ("Twelve civilians and one rescuer died when the rockets hit the square.", (13, 13, 13), None, {}),
    ("Two people, a farmer and his wife, were killed in the village.", (2, 2, 2), None, {}),
]


@pytest.mark.parametrize(("sentence", "killed", "injured", "breakdown"), CASES, ids=[c[0][:40] for c in CASES])
def test_casualty_phrases(sentence, killed, injured, breakdown):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.killed_low, figures.killed_high) == (killed or (None, None, None))
    assert (figures.injured, figures.injured_low, figures.injured_high) == (injured or (None, None, None))
    assert figures.breakdown == breakdown


def test_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Shells hit a cemetery in Tartar on Tuesday; 3 civilians were killed and 3 seriously wounded, the office said.", 3, 3),
        ("One of those wounded when shells hit Tartar on Tuesday died in hospital, bringing the total number of fatalities to four, the office said.", 4, None),
        ("Shelling hit Fuzuli on Tuesday. Some 40 civilians were killed and 200 wounded from September 27 up till now, the office said.", None, None),
    ],
)
def test_more_figures(text, killed, injured, extract):
    (m,) = extract(text)
    assert (m["killed"], m["injured"]) == (killed, injured)


@pytest.mark.parametrize(
    ("text", "place", "killed", "injured"),
    [
        # figures told two sentences later for a place named again
        ("Rockets hit Stepanakert and Shushi on Tuesday, officials said. Sirens sounded all night. In Shushi, one civilian died and another two were injured.",
         "Shushi", 1, 2),
        # a toll for the whole war two paragraphs on is no follow-up
        ("Rockets hit Tartar on Tuesday, the ministry said.\n\nThe region has long been disputed.\n\nOfficials say 1,177 soldiers and 50 civilians have been killed.",
         "Tartar", None, None),
        # 'no civilian deaths' is a zero
        ("Shells hit villages in the Tovuz district on Tuesday, the ministry said. No civilian deaths have been reported.", "Tovuz", 0, None),
        # the figure before ', thus bringing the toll ... since' is the act's own
        ("A shell killed a teenager in a village of the Barda district on Tuesday, thus bringing the number of civilians killed to 93 since September 27.",
         "Barda", 1, None),
        # a total over two days belongs to no single day
        ("Azerbaijan said Armenian shelling of Barda had left at least 25 dead in two days of attacks.", "Barda", None, None),
        # "... are missing now" revises nothing: the toll told before stands
        ("Shells hit Tartar on Tuesday. At least 5 civilians were killed and 10 wounded, the office said. Two killed children are missing now.",
         "Tartar", 5, 10),
        # a war of a past decade is history: its dead are no toll of the act told
        ("Shells hit Shusha on Wednesday, officials said.\n\nThe sides fought a 1990s war that left 30,000 people dead.",
         "Shusha", None, None),
        # a tally "since clashes began" is not the act's toll
        ("Rockets hit Tartar on Tuesday, the ministry said. More than 300 people have died since clashes began.", "Tartar", None, None),
        # a one-place story tells its toll paragraphs on and revises it: the last figures hold
        ("Missiles hit a market in Beylagan on Tuesday morning, officials said.\n\nThe blast came just after ten o'clock.\n\n"
         "At first the office said two people had died and nine were hurt. By the evening it put the toll at four dead and 16 wounded.",
         "Beylagan", 4, 16),
        # ... but a running total told there is not its toll
        ("Missiles hit a market in Beylagan on Tuesday morning, officials said.\n\nThe blast came just after ten o'clock.\n\n"
         "Officials say 70 civilians have been killed.", "Beylagan", None, None),
        # a bulletin's closing "ruled out any casualties" is a zero for every place of the paragraph before
        ("On Monday the enemy shelled our positions in the Tovuz district and near Sadarak. It used mortars and sniper rifles, "
         "the ministry said.\n\nThe ministry ruled out any casualties among the army's personnel.", "Sadarak", 0, 0),
        ("On Monday the enemy shelled our positions in the Tovuz district and near Sadarak. It used mortars and sniper rifles, "
         "the ministry said.\n\nThere were no combat losses.", "Tovuz", 0, 0),
    ],
)
def test_figures_across_sentences(text, place, killed, injured, extract):
    mention = [m for m in extract(text) if m["location_mention"] == place][-1]
    assert (mention["killed"], mention["injured"]) == (killed, injured)


def test_no_casualties_yesterday_and_today_reaches_both_days(extract):
    text = (
        '"Shushi is still under fire now. The town was shelled all day yesterday. '
        'There were no casualties in Shushi yesterday and today," the emergency service said.'
    )
    mentions = extract(text, published=pd.Timestamp("2020-11-07T12:00:00+04:00"))
    assert sorted(str(m["event_date"]) for m in mentions) == ["2020-11-06", "2020-11-07"]
    assert all((m["killed"], m["injured"]) == (0, 0) for m in mentions)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Officials said five people were killed at the market and that two others were killed at a bus stop.", 7, None),
        ("Three were killed and 12 more wounded.", 3, 12),
        ("Officials said no one had been killed.", 0, None),
        # "another" after a death or an injury is one more person
        ("The blast killed one guard, and another was badly hurt.", 1, 1),
        ("One driver was wounded and a second killed when the truck was hit.", 1, 1),
        ("Rockets have killed 12 and left another 30 hurt since spring.", 12, 30),
        ("The mortar round left four pensioners with shrapnel wounds.", None, 4),
        # full names listed after a person noun are counted, a bracketed year of birth included
        ("Civilians Lena Orlova, Timur Gasanov (born 2009) and Rena Alieva became martyrs, and 4 more people were hurt.", 3, 4),
        ("Shepherds Ali Veliyev and Samir Guliyev were wounded by sniper fire.", None, 2),
        ("Rauf Aliyev, a teacher, was killed by a shell. Nail Guliyev, a neighbour, and Emin Asadov, a taxi driver, were also hurt.", 1, 2),
        # "others" told before the first figure of their kind are others than the dead, not more wounded
        ("One guard died and eight others were hurt, the commander said, adding that eight people had been hurt.", 1, 8),
    ],
)
def test_added_and_bare_figures(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


def test_a_toll_told_apart_does_not_wait_for_the_place_named_next(extract):
    # the lead's toll waits for the place; a soldier killed "separately" is not that place's
    text = (
        "Four soldiers were killed in a battle on Thursday, the ministry said. Another soldier was killed separately in "
        "artillery fire, it added.\n\nThe battle took place near the village of Krymske."
    )
    mentions = extract(text, published=pd.Timestamp("2018-08-23T18:00:00+03:00").tz_convert("UTC"), conflict="donbas")
    assert [(m["location_mention"], m["killed"]) for m in mentions] == [("Krymske", 4)]


def test_a_lead_toll_waits_for_the_place_named_next(extract):
    text = (
        "Azerbaijani shelling on Armenia left one civilian dead and two wounded, the defence ministry said Tuesday.\n\n"
        '"Azerbaijani forces opened artillery fire on the settlement of Davit Bek," the spokeswoman wrote.'
    )
    (m,) = extract(text)
    assert (m["location_mention"], m["killed"], m["injured"]) == ("Davit Bek", 1, 2)


def test_the_capital_and_its_name_are_one_place_for_figures(extract):
    (m,) = extract("Two people were injured on Tuesday in a rocket attack on Stepanakert, the capital of Nagorno-Karabakh, the emergency service said.")
    assert m["injured"] == 2


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # a person's name before "was injured"; patronymics
        ("During the raid private Mammadov Tural Vugar oglu was killed and private Hasanov Elchin Rafig oglu was injured.", 1, 1),
        # a parenthetical between the victim and the verb
        ("On Tuesday an old woman was, according to the ombudsman, killed by a drone in her flat.", 1, None),
        # lower-case words are no names: "nobody there had been hurt" is a zero
        ("Warplanes bombed one district; its first information was that nobody there had been hurt.", None, 0),
    ],
)
def test_named_and_parenthetical_victims(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


def test_figures_of_the_shelling_just_told_a_paragraph_on(extract):
    text = (
        "The Azerbaijani military again targeted Stepanakert overnight, the emergency service said on Tuesday.\n\n"
        "Houses and cars were damaged.\n\n"
        '"Three residents were hurt in the shelling overnight and needed treatment," the service said.'
    )
    (m,) = extract(text)
    assert m["injured"] == 3


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("One of the civilians has died.", 1, None),
        ("Two reporters of a French daily, a cameraman and a reporter of a TV channel were wounded when shells hit the town.", None, 4),
    ],
)
def test_partitive_deaths_and_listed_crews(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # birth years and dates are never counts
        ("A pensioner born in 1948 and a neighbour born in 1990 were killed.", 2, None),
        ("On October 17, 2020, the shell killed a woman born in 1958.", 1, None),
        # one person and his or her relatives
        ("A farmer and his three sons were killed when the shell hit the yard.", 4, None),
        ("The rocket killed a teacher and her two daughters.", 3, None),
        ("Karim Aliyev, a driver, and his two brothers were wounded.", None, 3),
        # zeros told together
        ("Nobody was wounded or killed, the rescuers said.", 0, 0),
        ("Luckily no one was killed and wounded.", 0, 0),
        # a list after the verb, and an adjective whose noun is the next item's
        ("The barrage injured three local journalists and two foreign journalists.", None, 5),
        ("Three Georgian and two Turkish drivers were wounded at the crossing.", None, 5),
        ("On 2 October, 3 soldiers were wounded at the post.", None, 3),
        # 'martyred' and 'perished' are deaths in the usage of some agencies
        ("The raiders attacked the post, martyring four soldiers and wounding one.", 4, 1),
        ("A shepherd, Ali Karimov, born in 1970, perished when the shell landed.", 1, None),
        # 'left N wounded' is no death toll
        ("The breach of the truce left five servicemen wounded.", None, 5),
        ("The strike left five people dead.", 5, None),
    ],
)
def test_years_relatives_zeros_and_lists(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # "the first/latest X who was killed" is one death
        ("Yerevan reported the first villager who was killed by the barrage.", 1, None),
        ("She was the third teacher to be killed in the district.", 1, None),
        # people listed with their years of birth, before the verb of their kind
        ("Anar Guliyev (1971) and Rauf Mammadov (1984) were injured when the shell hit their yard.", None, 2),
        ("Three civilians – Elnur Hasanov (1990), Sabina Aliyeva (1975), Murad Isayev(2001) were killed and two others were hospitalized.", 3, 2),
        ("Kamala Huseynova (1958) was hospitalized with shrapnel wounds.", None, 1),
        # a second predicate of the same subject
        ("Four Italian reporters filming near the school came under mortar fire and were wounded.", None, 4),
        ("Two shepherds grazing sheep near the line strayed too close and were shot dead.", 2, None),
        # a name with several comma asides
        ("Ramil Qasimov, born in 1977, a resident of the village, a father of two, was killed by the blast.", 1, None),
        # "our serviceman, a named soldier, was killed": one person, however long the aside naming him
        ("On Monday, as a result of the enemy's fire, our serviceman, junior sergeant Kamran Elshad oglu Mammadli, was killed.", 1, None),
        # "another" counts one person
        ("Another serviceman was wounded at the checkpoint on Friday.", None, 1),
        # a guess beyond the count ("and likely dozens more") leaves the count as the lowest figure
        ("At least 11 civilians and likely dozens more have been killed by the barrages on the city.", 11, None),
        ("Four people were killed and 3 more were injured.", 4, 3),
        # full names listed, a year of birth given for the last one only: one person per name, not per year
        ("Rockets fell at dusk, and Mammadova Leyla Arif, Huseynov Kamran Ilgar and Aliyeva Nuray Tural, born in 2015, were killed.", 3, None),
        ("After shelling by the Armed Forces, Quliyev Samir Elchin, born in 1966, was killed.", 1, None),
        ("On Friday, Quliyev Samir and Hasanova Aysel (1981) were killed in their yard.", 2, None),
    ],
)
def test_ordinals_birth_year_lists_and_second_predicates(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # the day of a month is no count, before the month or after it
        ("The rockets that hit the town on October 2 killed one pensioner, injuring 4 more, the ombudsman said.", 1, 4),
        ("On 3 November, 5 soldiers were wounded near the bridge.", None, 5),
        # people named with "born in" after the verb that hurt them
        ("A shell falling in the village resulted in injuring two passers-by - Ramil Aliyev, born in 1988, and Nigar Aliyeva, born in 1990.", None, 2),
        ("The blast killed Tofig Jafarov, born in 1949, and wounded Elmira Jafarova, born in 1953, in their garden.", 1, 1),
    ],
)
def test_days_of_a_month_and_people_born_in_a_year_after_the_verb(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "figures_at"),
    [
        # the one place named after the casualty word has the figures; the others of the sentence have none
        ("Rockets struck Tartar and Barda on Tuesday, the defence ministry said, killing three residents in Barda.",
         {"Tartar": (None, None), "Barda": (3, None)}),
        ("Guns pounded Aghdam and Tartar overnight, wounding four people in Aghdam.", {"Aghdam": (None, 4), "Tartar": (None, None)}),
        # places named on both sides of the casualty word: the sentence does not say whose the figures are
        ("Two people were killed in Barda as shells hit Tartar and Barda on Tuesday.", {"Barda": (None, None), "Tartar": (None, None)}),
    ],
)
def test_figures_of_one_place_in_a_sentence_of_several(sentence, figures_at, extract):
    found: dict[str, tuple] = {}
    for m in extract(sentence):
        killed, injured = found.get(m["location_mention"], (None, None))
        found[m["location_mention"]] = (killed or m["killed"], injured or m["injured"])
    assert found == figures_at


@pytest.mark.parametrize(
    "sentence",
    [
        "Sergeant Aram Vardanyan, 46, was fatally wounded by a sniper on the border on Monday.",
        "A soldier was mortally wounded by sniper fire on the border on Monday.",
    ],
)
def test_fatal_wounds_are_deaths(sentence):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (1, None)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # military ranks are people a figure can count
        ("The ministry said Aram Petrosyan, a 39-year-old junior officer, was fatally wounded by a sniper on Monday.", 1, None),
        ("Two officers and a conscript were wounded when a mortar round hit their post.", None, 3),
    ],
)
def test_ranks_are_people(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("title", "injured"),
    [
        # the headline's toll is the incident's where the body tells only its parts
        ("Seven people injured as rockets hit Barda", 7),
        # ... a headline's running tally is not
        ("Seventy civilians wounded in Barda since the war began", 2),
        # ... nor a headline naming two places
        ("Seven hurt in Barda and Tartar", 2),
    ],
)
def test_a_headline_toll_at_its_one_place(title, injured, extract):
    text = ("Rockets hit the centre of Barda on Tuesday, the prosecutor's office said. A rocket hit a cafe in Barda, and two "
            "people were taken to hospital.")
    mentions = [m for m in extract(text, title=title) if m["location_mention"] == "Barda"]
    assert mentions and max(m["injured"] or 0 for m in mentions) == injured


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [
        ("The death toll in Ganja, which was hit by missiles overnight, reached 9 people.", 9),
        ("The toll from Tuesday's strike has risen to 14, officials said.", 14),
    ],
)
def test_a_toll_named_with_its_place_and_a_relative_clause(sentence, killed, profile):
    assert parse_figures(sentence, profile.lexicon).killed == killed


def test_an_including_aside_without_its_closing_comma(profile):
    figures = parse_figures("On Tuesday 5 civilians, including a child were killed in the missile attack on the town.", profile.lexicon)
    assert (figures.killed, figures.breakdown.get("killed_children")) == (5, 1)


def test_people_listed_with_as_well_as(profile):
    figures = parse_figures("Two French journalists as well as a local driver were injured in the shelling on Tuesday.", profile.lexicon)
    assert figures.injured == 3


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # the injured part starts where its number does, not at the comma of its own aside
        ("Four villagers were killed and 11 villagers, including two boys and a nurse, were badly hurt.", 4, 11),
        ("Two, including a teenager, were killed and 6 were injured.", 2, 6),
        ("Three soldiers died and another 5, including a captain, were wounded.", 3, 5),
        ("Five people were killed, two of them children, and many were injured.", 5, None),
        ("Five people were killed, including two children, and dozens were injured.", 5, None),
        ("Nine people died, including two women, and 40 people, including six children and 11 women, were hurt.", 9, 40),
        # degrees of injury besides 'seriously' and 'badly'
        ("A driver of the aid agency, Tural Mammadli, was critically injured in the blast.", None, 1),
        ("Two nurses were gravely wounded when the clinic was hit.", None, 2),
        # representatives and staffers are people; one person may be described at length before the verb
        ("Three media representatives were wounded when the church was hit.", None, 3),
        ("Two staffers of the agency were wounded when the office was hit.", None, 2),
        ("One soldier stationed at the border checkpoint on the main road was injured on Thursday.", None, 1),
    ],
)
def test_asides_degrees_of_injury_and_the_people_counted(sentence, killed, injured, profile):
    figures = parse_figures(sentence, profile.lexicon)
    assert (figures.killed, figures.injured) == (killed, injured)


def test_a_toll_of_the_attacks_that_began_on_a_day_is_a_tally_not_the_events_toll(extract):
    text = (
        "Shells hit the cemetery in Tartar on Thursday, killing four civilians and injuring five others, Baku said.\n\n"
        "The new casualties raised the civilian death toll to at least 43 with over 218 wounded in the attacks that began on September 27."
    )
    mentions = extract(text, published=pd.Timestamp("2020-10-15T18:00:00+04:00"))
    assert [(m["location_mention"], m["killed"], m["injured"]) for m in mentions] == [("Tartar", 4, 5)]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # a second person of a singular item, its article left out
        ("An old man and woman died when a rocket hit their house in Tartar.", 2, None),
        ("“A man and his neighbour were wounded by shrapnel,” the mayor said.", None, 2),
        ("A young man and girl were wounded by shrapnel in the yard.", None, 2),
        ("A soldier and civilians were killed in the strike.", 1, None),  # a plural is no count
        # a headline's or a monitor's bullet: a bare noun and a participle
        ("- Woman killed by shelling in the village, Donetsk region.", 1, None),
        ("Man injured in mortar attack on Horlivka", None, 1),
        # a long tail after the counted noun
        ("Three soldiers of the 2nd battalion of the army were killed on Tuesday.", 3, None),
        # one person "of" a unit, named in an apposition
        ("As a result of the fire, serviceman of the border troops, Ali Hasanov, was seriously wounded in the arm.", None, 1),
        ("After the shelling, the driver of the truck, Ali Hasanov, was killed.", 1, None),
        # a count of one with no noun, and none who died
        ("Over the past day none of our soldiers died, one was wounded by a mortar round.", 0, 1),
        ("Shells hit the yard, one was killed and two were wounded.", 1, 2),
        # "ruled out any military casualties": nobody killed or hurt
        ("The ministry ruled out any military casualties as a result of the provocation.", 0, 0),
        # an age range is no figure; a quotation's ellipsis between a count and its verb
        ("An elderly man aged 70-75 was killed when a shell hit his yard.", 1, None),
        ("\u201cTwo guards died and three more \u2026 suffered wounds,\u201d an officer said.", 2, 3),
        # names listed with their ranks
        ("Sergeant of the reserve Farid Aliyev and corporal Elshad Mammadov died repelling the attack.", 2, None),
        ("Soldiers private Ali Hasanov, junior sergeant Rustam Guliyev and corporal Elshad Mammadov were killed.", 3, None),
        # the verb before its count, as copy translated word for word has it
        ("A mortar round hit the market square, died 5 people, 11 were hurt.", 5, 11),
        ("In the night were killed 2 servicemen near the bridge.", 2, None),
        ("The shelling died down 2 hours later.", None, None),
    ],
)
def test_coordinated_people_bare_nouns_and_long_subjects(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    "tally",
    [
        "More than 3,000 people have died in the conflict.",
        "At least 40 civilians have been killed and 120 wounded in the war zone in 2019, monitors said.",
    ],
)
def test_a_war_total_in_the_next_sentence_is_not_the_toll_of_the_act_just_told(tally, extract):
    (m,) = extract(f"Shells hit Tartar on Tuesday, killing a woman. {tally}")
    assert (m["killed"], m["injured"]) == (1, None)


def test_a_toll_in_the_present_perfect_right_after_the_act_is_still_its_toll(extract):
    (m,) = extract("Shells hit Tartar on Tuesday. Two people have been killed, the ministry said.")
    assert m["killed"] == 2


@pytest.mark.parametrize(
    ("sentence", "injured"),
    [
        ("The monitors saw a man who had sustained shrapnel wounds when a shell exploded near his house.", 1),
        ("After the blast, one member of the Joint Forces received shrapnel wounds.", 1),
        ("Two days after the attack the soldiers received wounds.", None),  # a count of days is no count of people
    ],
)
def test_people_who_received_or_sustained_wounds(sentence, injured):
    assert parse_figures(sentence, LEXICON).injured == injured


@pytest.mark.parametrize(
    ("conflict", "published", "killed", "injured"),
    [
        ("karabakh-2020", None, 0, 0),  # "no losses" is a zero where the profile keeps the language's pattern
        ("donbas", pd.Timestamp("2021-11-16T10:00:00+02:00").tz_convert("UTC"), None, None),  # §10: a bulletin's "no losses" is no zero
    ],
)
def test_a_bulletins_no_losses_follows_the_profile(conflict, published, killed, injured, extract):
    text = "On Monday the enemy fired mortars at our positions near Talakivka, the staff said. Our forces suffered no losses."
    if conflict == "karabakh-2020":
        text = text.replace("Talakivka", "Sadarak")
    options = {"conflict": conflict} | ({"published": published} if published is not None else {})
    (m,) = extract(text, **options)
    assert (m["killed"], m["injured"]) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("One Georgian was killed in the exchange of fire near the pass.", 1, None),
        ("Three Moldovans were wounded when the convoy came under fire.", None, 3),
        ("Two Ukrainian soldiers were killed overnight.", 2, None),  # the soldiers are counted, not the adjective
        ("The reporter spoke in Ukrainian.", None, None),
    ],
)
def test_a_nationality_used_as_a_noun_counts_people(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("The number of injured in the mortar attack on the market has risen up to six people, the office said.", None, 6),
        ("He said the number of dead from the night's rocket fire on the town has increased to eleven.", 11, None),
    ],
)
def test_a_number_that_rose_after_a_phrase_of_its_cause(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


def test_a_clause_with_its_own_place_day_and_dead_is_its_own_event(extract):
    text = "Officials said four soldiers were killed near Avdiivka on Saturday, while three others died on Sunday evening near Marinka."
    found = {m["location_mention"]: m for m in extract(text, published=pd.Timestamp("2017-01-30T12:00:00+02:00").tz_convert("UTC"), conflict="donbas")}
    assert (found["Avdiivka"]["killed"], str(found["Avdiivka"]["event_date"])) == (4, "2017-01-28")
    assert (found["Marinka"]["killed"], str(found["Marinka"]["event_date"])) == (3, "2017-01-29")
    assert "acts.casualties_of_their_clause" in found["Marinka"]["rules"]


def test_each_clause_keeps_its_own_figures_when_two_places_are_hit_on_two_days(extract):
    text = "Azerbaijani artillery shelled Martuni on Tuesday, killing two civilians, while a woman was wounded on Monday in Askeran."
    found = {m["location_mention"]: m for m in extract(text)}
    assert (found["Martuni"]["killed"], found["Martuni"]["injured"]) == (2, None)
    assert (found["Askeran"]["killed"], found["Askeran"]["injured"]) == (None, 1)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Rockets killed a family of four in the village on Tuesday.", 4, None),
        ("A whole family of five was wounded when the shell hit their flat.", None, 5),
    ],
)
def test_a_family_of_n_is_n_people(sentence, killed, injured):
    figures = parse_figures(sentence, LEXICON)
    assert (figures.killed, figures.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [("Gunmen shot dead three farmers near the village on Tuesday.", 3), ("Snipers gunned down two villagers on Tuesday.", 2)],
)
def test_shot_dead_and_gunned_down_count_the_dead(sentence, killed):
    assert parse_figures(sentence, LEXICON).killed == killed


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [
        ("Rescuers pulled 7 injured people and removed 4 bodies from the rubble of the block.", 4),
        ("By the evening 6 bodies had been recovered from the ruins.", 6),
    ],
)
def test_bodies_removed_from_the_rubble_are_dead(sentence, killed):
    assert parse_figures(sentence, LEXICON).killed == killed
