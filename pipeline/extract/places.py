"""Places: which gazetteer names of a sentence are where an act happened, at what precision, and what
'the town', 'there' or 'our village' point back to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from pipeline.extract.context import Context
from pipeline.extract.mention import Clause, PlaceRef
from pipeline.gazetteer import SITE_FEATURES
from pipeline.geometry import compass_bearing
from pipeline.lexicon import Lexicon
from pipeline.profile import Profile

NOT_EVENT_AREAS = ("country", "region", "continent")
SETTLEMENTS = ("village",)  # what a profile may code "near" at the place itself (coding rules §10: front-line villages)
PROVINCE = "province"  # the gazetteer's feature of a first-level division named as such
ORIGIN_REACH = 60  # characters before a place searched for most of the words that make it no event place
ORIGIN_LIST_REACH = 300  # how far back the start of a list of launch sites is looked for
LAUNCH_SITE_REACH = 120  # ... and for 'from (the direction of)', which may name a village and its province first
GOVERNMENT_REACH = 40
PRECISION_REACH = 60
APPOSITION = re.compile(r"\s*,\s*(?:the\s+)?(?:(?:de\s+facto|self-proclaimed|self-declared|unrecogni[sz]ed|breakaway|separatist)\s+)*", re.I)
BRACKETS = re.compile(r"\s*\([^)]*\)")


def find_places(sentence: str, gazetteer, profile: Profile, skip_until: int = 0, dropped: list[PlaceRef] | None = None) -> list[PlaceRef]:
    """Places in the sentence that can be where an event happened; ``dropped`` collects the seats of speakers
    and the positions of observers, which 'there' or 'the village' later in the sentence may point back to."""
    found = []
    for m in gazetteer.find_mentions(sentence):
        if m.start < skip_until or not _is_event_area(m, profile):
            continue
        place = getattr(m, "place", None)
        found.append(
            PlaceRef(
                m.start, m.end, sentence[m.start:m.end], feature=getattr(place, "feature", "") or "",
                admin1=getattr(place, "admin1", "") or "", country=getattr(place, "country_iso3", "") or "",
                location=getattr(place, "location", "") or "",
                is_admin=bool(getattr(m, "is_admin_area", False)),
            )
        )
    lexicon = profile.lexicon
    found += _capitals(sentence, gazetteer, lexicon, profile.capitals, skip_until, found)
    found.sort(key=lambda p: p.start)
    # "X (Y)": a name in brackets right after a place is its other name
    found = [p for i, p in enumerate(found) if not (i and _inside_brackets_after(sentence, found[i - 1], p, lexicon))]
    # "the outskirts of X (the villages of A and B)": A and B are where it happened, X only contains them
    found = [p for i, p in enumerate(found) if not (i + 1 < len(found) and _specified_by_bracket(sentence, p, found[i + 1], lexicon))]
    found = _drop_listed_namesakes(sentence, found, lexicon)
    found = _drop_containing_areas(sentence, found, lexicon)
    found = _drop_governments_pair(sentence, found, lexicon, {c.lower() for c in profile.capitals.values()})
    if profile.admin1_are_regions:
        found = [p for p in found if not _names_a_region(sentence, p, lexicon)]
    found = _drop_non_sites(sentence, found, lexicon, dropped if dropped is not None else [])
    return _set_precision(sentence, found, lexicon, profile.near_village_precision)


def _names_a_region(sentence: str, place: PlaceRef, lexicon: Lexicon) -> bool:
    """'The X region', 'X and Y regions', 'X oblast', 'the region of X', where X names a first-level division: a region, not a
    place."""
    if place.feature == "province":
        return True
    if not place.admin1 or place.location.lower() != place.admin1.lower():
        return False
    if lexicon.rx("place.region_of_before").search(sentence[: place.start]):
        return True  # "the eastern region of X"
    after = sentence[place.end :]
    tail = lexicon.rx("place.name_list_tail").match(after)  # "X and Y regions": the word after the list's last name
    return bool(lexicon.rx("place.area_after").match(after[tail.end() if tail else 0 :]))


def _capitals(sentence: str, gazetteer, lexicon: Lexicon, capitals: Mapping[str, str], skip_until: int, found: list[PlaceRef]) -> list[PlaceRef]:
    """'the capital of X', "X's capital": the capital the profile gives for X, at the words that name it."""
    out = []
    for m in lexicon.rx("place.capital_of").finditer(sentence):
        words = re.sub(r"['’]s$", "", m.group("name") or m.group("name2") or "").split()
        # "the capital of X Y": the longest run of words the profile knows
        city = next((capitals[k] for n in range(len(words), 0, -1) if (k := " ".join(words[:n]).lower()) in capitals), None)
        if not city or m.start() < skip_until or any(p.start < m.end() and m.start() < p.end for p in found):
            continue
        if re.search(r"['’]s$", m.group("name") or ""):
            continue  # "the capital of X's breakaway region": not X's capital
        if any(APPOSITION.fullmatch(sentence[p.end : m.start()]) for p in found):
            continue  # "X, the capital of Y": the capital is X itself
        hit = next(iter(gazetteer.find_mentions(city)), None)
        place = getattr(hit, "place", None)
        if place is None:
            continue
        out.append(PlaceRef(m.start(), m.end(), city, feature=place.feature or "", admin1=place.admin1 or "", country=place.country_iso3 or "",
                            location=place.location or "", rule="place.capital_of"))
    return out


def _is_event_area(mention, profile: Profile) -> bool:
    place = getattr(mention, "place", None)
    feature = getattr(mention, "feature", None) or getattr(place, "feature", None) or ""
    if feature in NOT_EVENT_AREAS or getattr(mention, "is_region", False):
        return False
    country = getattr(mention, "country_iso3", None) or getattr(place, "country_iso3", None)
    return profile.in_event_area(country, getattr(place, "admin1", None))


def _drop_containing_areas(sentence: str, places: list[PlaceRef], lexicon: Lexicon) -> list[PlaceRef]:
    """'In the X province, a drone struck a field near Y': the province only says where Y is; a province named like
    its town ("X" for both) contains Y only when the text calls it a district or region. 'The X cathedral in the
    town of Y': a site named with its town is coded at the town."""
    towns = [p for p in places if not p.is_admin and p.feature not in SITE_FEATURES]

    def area(p: PlaceRef) -> bool:
        return p.feature not in ("city", "town") or bool(lexicon.rx("place.area_after").match(sentence[p.end :]))

    places = [p for p in places if not (p.is_admin and area(p) and any(t.admin1 and t.admin1 == p.admin1 for t in towns))]
    settled = [p for p in places if p.feature not in SITE_FEATURES]
    return [p for p in places if not (p.feature in SITE_FEATURES and any(t.admin1 and t.admin1 == p.admin1 for t in settled))]


def _drop_governments_pair(sentence: str, places: list[PlaceRef], lexicon: Lexicon, capitals: set[str]) -> list[PlaceRef]:
    """'talks between X and Y', 'X and Y accused each other' where X and Y are both capitals of the conflict's parties:
    two governments, no place."""
    def capital(p: PlaceRef) -> bool:
        return p.location.lower() in capitals or p.surface.lower() in capitals

    pairs = set()
    for first, second in zip(places, places[1:], strict=False):
        if not (capital(first) and capital(second) and lexicon.rx("place.list_joiner").match(sentence[first.end : second.start])):
            continue
        if lexicon.rx("place.between").search(sentence[: first.start]) or lexicon.rx("place.government_after").search(sentence[second.end :]):
            pairs.update((first.start, second.start))
    return [p for p in places if p.start not in pairs]


def _after_origin_list(before: str, lexicon: Lexicon) -> bool:
    """A place in a list of launch sites that began with names the gazetteer lacks: 'from the positions in A region's
    B settlement, C's D settlement and <place>' (nothing but list material between the list's start and the place)."""
    window = before[-ORIGIN_LIST_REACH:]
    gap = lexicon.rx("place.origin_list_gap")
    return any(gap.match(window[m.end() :]) for m in lexicon.rx("place.origin_head").finditer(window))


def _drop_non_sites(sentence: str, places: list[PlaceRef], lexicon: Lexicon, dropped: list[PlaceRef]) -> list[PlaceRef]:
    """Drop launch sites, capitals standing for governments, seats of speakers, aliases in brackets and containers."""
    observer = lexicon.has("observer", sentence)
    rx = lexicon.rx
    kept: list[PlaceRef] = []
    origins: list[PlaceRef] = []
    references: list[PlaceRef] = []
    for i, p in enumerate(places):
        before, after = sentence[: p.start], sentence[p.end :]
        near, far = before[-ORIGIN_REACH:], before[-LAUNCH_SITE_REACH:]  # what most rules read before a place; launch sites
        prev = places[i - 1] if i else None
        listed_origin = prev is not None and prev in origins and rx("place.origin_list_gap").match(sentence[prev.end : p.start])
        launched = (
            rx("place.origin_before").search(far) or rx("place.shooters_deployed_before").search(far) or rx("place.staging_before").search(far)
            or rx("place.shooters_positions_before").search(near)
            or _after_origin_list(before, lexicon)
        )
        if (launched or listed_origin) and not observer:
            origins.append(p)  # "fired from X, Y and Z": every item of the list is a launch site
            continue
        if rx("place.zone_after").match(after) or rx("place.person_title_before").search(near) or rx("place.outlet_after").match(after):
            continue  # "2:40 pm X time"; "serviceman Farid X", "the X News Agency": a name
        if rx("place.name_qualifier_before").search(near) or rx("place.name_continues_after").match(after):
            dropped.append(replace(p, rule="place.qualified_name"))  # "Upper X", "X Tak" the gazetteer lacks are other villages than X
            continue
        if rx("place.road_first_end_after").match(after) or (rx("place.road_second_end").search(before) and rx("place.road_word_after").match(after)):
            continue  # "near the X-Y road": a road named by its ends is at neither end
        if rx("place.natural_feature_before").search(near) or rx("place.avenged_before").search(near) or rx("place.ceremony_before").search(far):
            continue  # "the banks of Lake X": a lake, not the town; "revenge for the X attack": an act told before; a funeral's place
        region = rx("place.region_before").search(near) and not rx("place.precision2_after").match(after)
        via = rx("place.road_destination_before").search(near) and rx("place.via_after").match(after)  # "the road to X via Y"
        if rx("place.destination_before").search(near) or region or rx("place.comparison_before").search(near) or via:
            continue  # "taken to X", "in eastern X" (but "the southern X district" is a district), "the largest city after X"
        if rx("place.shooters_in_before").search(near) and rx("place.fired_at_after").match(after) and i + 1 < len(places):
            continue  # "troops in X fired small arms at Y": X is where the shooters were
        if observer and not rx("place.observer_from").search(before):
            dropped.append(replace(p, rule="place.observer_position"))
            continue
        seat = rx("place.speaker_in_before").search(near) or rx("place.title_of_before").search(near) or rx("place.delegate_in_before").search(far)
        if (rx("place.in_before").search(before) and rx("place.speaker_seat").match(after)) or seat:
            dropped.append(replace(p, rule="place.speaker_seat"))
            continue
        listed = rx("place.name_list_tail").match(after)  # "X, Y and Z signed": each a government
        if rx("place.government_after").search(after[listed.end() if listed else 0 :]) or rx("place.government_before").search(before[-GOVERNMENT_REACH:]):
            if rx("place.officials_in_before").search(before):
                dropped.append(replace(p, rule="place.speaker_seat"))  # "officials in X said ... there"
            continue
        if prev and _inside_brackets_after(sentence, prev, p, lexicon):
            continue
        if p.is_admin and p.feature not in SETTLEMENTS and rx("place.village_after").match(after):
            continue  # "X village, Y district": a village the gazetteer lacks, named like a district
        if rx("place.distance_bracket_before").search(near) or rx("place.street_after").match(after):
            located = _village_located_from(sentence, p, prev, lexicon)
            if located is not None:
                kept.append(located)  # "Z (15km south-east of Y)" where the gazetteer lacks Z: Z, placed from Y
            else:
                references.append(p)
            continue  # "X (50km north-west of Y)", "in Y Street": Y only says where X is
        if prev and sentence[prev.end : p.start].strip() == "," and rx("place.council_area_after").match(after):
            references.append(p)
            continue  # "X, Y City Council": the municipality X belongs to
        if rx("place.administration_after").match(after):
            dropped.append(replace(p, rule="place.speaker_seat"))
            continue  # "an official of the X city administration said": a speaker
        listed_reference = prev is not None and prev in references and rx("place.list_joiner").match(sentence[prev.end : p.start])
        if listed_reference or any(q and rx("place.reference_point_gap").match(sentence[q.end : p.start]) for q in (prev, kept[-1] if kept else None)) \
                or rx("place.located_from_before").search(near):
            references.append(p)
            continue  # "near X, east of Y", "X, a junction between Y and Z", "the town located 45 km north of Y": Y only says where X is
        if i + 1 < len(places) and rx("place.frame_sector").match(after) and rx("place.frame_before").search(before):
            continue  # "In the X sector, positions at Y were shelled"
        if prev and rx("place.container_gap").match(sentence[prev.end : p.start]) and rx("place.precision2_after").match(after):
            if not (p.is_admin and prev.admin1 and p.admin1 and prev.admin1 != p.admin1 and kept and kept[-1] is prev):
                continue
            # "the village of X in the Y region" where the gazetteer's X lies elsewhere: a namesake it lacks, coded at Y
            kept[-1:] = [replace(p, precision=2, precision_rule="place.namesake_in_area")]
            continue
        kept.append(p)
    return kept


def _village_located_from(sentence: str, p: PlaceRef, prev: PlaceRef | None, lexicon: Lexicon) -> PlaceRef | None:
    """'Z (non-government-controlled, 15km south-east of Y)' where Z is no place the gazetteer found: Z, at its distance
    and bearing from Y (precision 2, which the distance words give it: the report's rounded distance)."""
    start = max(0, p.start - ORIGIN_REACH)
    found = lexicon.rx("place.located_village_before").search(sentence[start : p.start])
    if found is None or (prev is not None and prev.end > start + found.start("village")):
        return None
    degrees = lexicon.value("compass_points")
    points = [float(degrees[w]) for w in re.findall("|".join(map(re.escape, degrees)), found.group("bearing").lower())]
    bearing = compass_bearing(points)
    if bearing is None:
        return None
    return replace(p, rule="place.located_by_distance", village=found.group("village"), offset=(float(found.group("km")), bearing))


def _drop_listed_namesakes(sentence: str, places: list[PlaceRef], lexicon: Lexicon) -> list[PlaceRef]:
    """'A, B and C settlements of the Y region': a listed name the gazetteer puts outside Y's division is a namesake
    of a village it lacks (the district Y codes it)."""
    out = list(places)
    for k, area in enumerate(places):
        if not k or not area.is_admin or not area.admin1 or not lexicon.rx("place.villages_of_gap").match(sentence[places[k - 1].end : area.start]):
            continue
        for j in range(k - 1, -1, -1):
            item = places[j]
            if item.admin1 and item.admin1 != area.admin1 and item in out:
                out.remove(item)
            if not j or not lexicon.rx("place.name_list_gap").match(sentence[places[j - 1].end : item.start]):
                break
    return out


def _inside_brackets_after(sentence: str, prev: PlaceRef, p: PlaceRef, lexicon: Lexicon) -> bool:
    """Whether p is another name of prev given in brackets after it ("X (Y)")."""
    gap = sentence[prev.end : p.start]
    return gap.lstrip().startswith("(") and ")" not in gap and not _specified_by_bracket(sentence, prev, p, lexicon)


def _specified_by_bracket(sentence: str, prev: PlaceRef, p: PlaceRef, lexicon: Lexicon) -> bool:
    gap = sentence[prev.end : p.start]
    return ")" not in gap and bool(lexicon.rx("place.bracket_specification").match(gap))


def _groups(sentence: str, places: list[PlaceRef], lexicon: Lexicon) -> list[list[PlaceRef]]:
    groups: list[list[PlaceRef]] = []
    for p in places:
        if groups and lexicon.rx("place.list_joiner").match(sentence[groups[-1][-1].end : p.start]):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _set_precision(sentence: str, places: list[PlaceRef], lexicon: Lexicon, near_village_precision: int = 2) -> list[PlaceRef]:
    """Precision 2 for lists and places qualified as districts, directions, "near", "outskirts of" ...; a profile
    may code "near <village>" at the village itself."""
    out = []
    before2, after2 = lexicon.rx("place.precision2_before"), lexicon.rx("place.precision2_after")
    for group in _groups(sentence, places, lexicon):
        prefix = sentence[max(0, group[0].start - PRECISION_REACH) : group[0].start]
        if "(" in prefix and ")" not in prefix[prefix.rindex("(") :]:
            prefix = prefix[prefix.rindex("(") + 1 :]  # "outskirts of X (the villages of A": A's words start at the bracket
        suffix = sentence[group[-1].end :]
        wide = (
            "place.area_of_before" if lexicon.rx("place.area_of_before").search(prefix)
            else "place.precision2_before" if before2.search(prefix)
            else "place.precision2_after" if after2.match(suffix) and not lexicon.rx("place.facility_after").match(suffix) else ""
        )
        if not wide and all(p.is_admin for p in group) and lexicon.rx("place.settlements_of_before").search(prefix):
            wide = "place.settlements_of_before"  # "the villages of A and B", where A and B are districts: their villages
        if not wide and lexicon.rx("place.unknown_list_tail").match(suffix):
            wide = "place.unknown_list_tail"  # "X and Y districts" where Y is no gazetteer name
        village = lexicon.rx("place.village_of_before").search(BRACKETS.sub("", sentence[max(0, group[0].start - 2 * PRECISION_REACH) : group[0].start]))
        if not wide and village:
            wide = "place.village_of_before"  # "Z village of X": a village the gazetteer does not know, in X
        if len(group) == 2 and lexicon.rx("place.between").search(prefix):
            # "on the road between X and Y": one place, somewhere near the first.
            out.append(replace(group[0], precision=2, precision_rule="place.between"))
            continue
        for p in group:
            rule = wide or ("place.precision2_after" if after2.match(sentence[p.end :]) else "")
            near_village = rule == "place.precision2_before" and p.feature in SETTLEMENTS and lexicon.rx("place.near_before_village").search(prefix)
            if near_village and near_village_precision == 1:
                rule = ""
            unknown = village.group("name") if village and rule and p is group[0] else ""
            precision = 3 if p.feature == PROVINCE else 2 if rule else 1  # a province is a region (coding rules §5), whatever precedes it
            out.append(replace(p, precision=precision, precision_rule=rule or ("place.near_village" if near_village else ""), village=unknown or p.village))
    return out


def anaphoric_places(text: str, ctx: Context, number: int, line: int, lexicon: Lexicon, here: list[PlaceRef] = ()) -> list[PlaceRef]:
    """'the town', 'there', 'its cathedral': a place the sentence itself named as a speaker's seat or an observer's
    position ("officials in X said ... hit streets there"), else the place named in the previous sentence or
    earlier in the paragraph."""
    own = lexicon.rx("place.first_person").search(text)
    if own and ctx.home is not None:
        # An interviewee or a local official speaking of "us", "our main street": the report's own town.
        return [_pointing(ctx.home, own.start(), own.end(), ctx.home.precision, "place.first_person")]
    m = lexicon.rx("place.anaphora").search(text)
    for word in lexicon.rx("place.anaphora").finditer(text) if here else ():
        before = [p for p in here if p.end <= word.start()]
        if before:  # "officials in X said ... the city": X
            return [_pointing(before[-1], word.start(), word.end(), 1, "place.anaphora_same_sentence")]
    if not m or not ctx.recent_places:
        return []
    noun = (m.group(3) or "").lower().rstrip("s")
    if noun == "capital":
        # "the capital" names the city of the story, however far back it was named.
        cities = [p for r in reversed(ctx.recent_places) if r[1] == ctx.entry for p in r[2] if p.feature == "city"]
        return [_pointing(cities[0], m.start(), m.end(), 1, "place.anaphora")] if cities else []
    candidates = [r for r in reversed(ctx.recent_places) if r[1] == ctx.entry and r[2] and (r[0] == number - 1 or r[4] == line)][:3]
    if not candidates:
        return []
    if noun:
        for _, _, places, sentence, _ in candidates:
            for p in places:
                if re.search(rf"\b{noun}s?\b[\w\s'’-]{{0,30}}$", sentence[: p.start], re.I) or re.search(rf"^[\w\s'’-]{{0,12}}\b{noun}", sentence[p.end :], re.I):
                    return [_pointing(p, m.start(), m.end(), p.precision, "place.anaphora")]
    first = candidates[0][2][0]
    near = noun and lexicon.rx("place.near_before").search(text[: m.start()][-25:])
    precision = 2 if near else first.precision
    return [_pointing(first, m.start(), m.end(), precision, "place.anaphora")]


def named_next(text: str, next_sentence: str, gazetteer, profile: Profile) -> list[PlaceRef]:
    """'A drone struck a border village. The village of X lies ...': the unnamed place of an act that the next
    sentence names, at the words that left it unnamed."""
    lexicon = profile.lexicon
    unnamed = lexicon.rx("place.unnamed").search(text)
    if not unnamed or not next_sentence:
        return []
    for p in find_places(next_sentence, gazetteer, profile):
        if lexicon.rx("place.named_next").search(next_sentence[: p.start]):
            near = lexicon.rx("place.precision2_before").search(text[: unnamed.start()])
            return [_pointing(p, unnamed.start(), unnamed.end(), 2 if near else 1, "place.named_next")]
    return []


def _pointing(place: PlaceRef, start: int, end: int, precision: int, rule: str) -> PlaceRef:
    """The place a word points back to, at the word's offsets."""
    return replace(place, start=start, end=end, precision=precision, anaphoric=True, group_start=None, precision_rule="", rule=rule)


def resolve_pronouns(clauses: list[Clause], lexicon: Lexicon) -> None:
    """'... the hospital in X; the ministry says Y's forces shelled it': the act's clause takes the places
    of the clause before it when it names none and points back with a pronoun, or tells the cause of what the
    clause just before it tells at its places ("a bus is burning in X, after being hit by a drone")."""
    for i, clause in enumerate(clauses):
        if clause.places or not clause.acts or i == 0:
            continue
        previous = next((c for c in reversed(clauses[:i]) if c.places), None)
        m = lexicon.rx("place.pronoun").search(clause.text) or lexicon.rx("place.anaphora").search(clause.text)
        rule = "place.pronoun"
        if m is None and previous is clauses[i - 1] and not previous.acts:
            m, rule = lexicon.rx("clause.subordinate_opening").search(clause.text), "place.cause_clause"
        if previous is None or m is None:
            continue
        anchor = max(a.end for a in clause.acts if a.start <= m.start()) if any(a.start <= m.start() for a in clause.acts) else m.start()
        clause.places = [replace(p, start=anchor, end=anchor, anaphoric=True, rule=rule) for p in previous.places]


def places_of_consequences(clauses: list[Clause], lexicon: Lexicon) -> None:
    """'As a result of the shelling, civilians were killed, and houses were damaged in A and B': an act's clause
    that names no place takes the places of the clause after it that tells only what the act damaged or killed."""
    for clause, after in zip(clauses, clauses[1:], strict=False):
        if clause.acts and not clause.places and after.places and not after.acts and lexicon.rx("clause.consequence").search(after.text):
            anchor = clause.acts[-1].end
            clause.places = [replace(p, start=anchor, end=anchor, anaphoric=True, rule="place.consequence_clause") for p in after.places]


def index_groups(clause: Clause, lexicon: Lexicon) -> None:
    """Each place knows the first place of its list (its act governs the whole list)."""
    first = 0
    for i, p in enumerate(clause.places):
        if i and not lexicon.rx("place.list_joiner").match(clause.text[clause.places[i - 1].end : p.start]):
            first = i
        clause.places[i] = replace(p, group_start=first)
