"""Acts: the cues that report a violent act, whether it really happened, and its kind at each place."""

from __future__ import annotations

from pipeline.coding import AIR, ATTACK, CLASH, SHELLING, is_remote
from pipeline.extract.mention import Act, Clause, PlaceRef
from pipeline.extract.places import find_places
from pipeline.lexicon import Lexicon

NON_ATTACK_REACH = 80  # characters after an act searched for a purpose that makes it no attack
NON_ATTACK_BEFORE = 60  # ... and before it ("disposing of the unexploded ordnance from the fired shells")
WEAPON_REACH = 60  # characters between a weapon and an impact verb for the pair to tell an act
GOVERNING_REACH = 120  # characters an act before a place governs it
UNSPECIFIC = ("generic", "violation", "fire")  # acts that do not say their means
HEAVIER_FIRST = (SHELLING, AIR, CLASH)  # of the weapons a clause names, the heaviest decides the kind of act


def find_acts(text: str, lexicon: Lexicon) -> list[Act]:
    """Act cues, and weapons next to an impact verb ('a missile hit'); the longer of overlapping cues wins."""
    acts = [Act(s, e, v, cue) for s, e, v, cue in lexicon.found("act", text)]
    impacts = lexicon.matches("impact", text)
    for s, e, v, cue in lexicon.found("weapon", text):
        if any(abs(s - i_s) < WEAPON_REACH for i_s, _, _ in impacts):
            acts.append(Act(s, e, v, cue))
    return _drop_overlaps(acts)


def means_told_after(sentence: str, lexicon: Lexicon) -> tuple[str, ...]:
    """Kinds of weapon a sentence names as the means of the acts told before it ("They used small arms and sniper
    rifles, the ministry said."): a verb of using, weapons, and no act of its own."""
    if not sentence or not lexicon.rx("acts.means_used").search(sentence):
        return ()
    acts = find_acts(sentence, lexicon)
    if not acts or any(not a.rule.startswith("cue.weapon") for a in acts):
        return ()
    return tuple(dict.fromkeys(a.sub_event_type for a in acts))


def tells_another_act(sentence: str, lexicon: Lexicon) -> bool:
    """Whether a sentence is about other places or incidents ("elsewhere", "separately", "meanwhile", "returned fire"),
    not about the act told before it."""
    return bool(lexicon.rx("figures.elsewhere").search(sentence) or lexicon.rx("acts.another_act").search(sentence))


def names_a_place(sentence: str, report) -> bool:
    """Whether a sentence names a place (asked of the next sentence by the rules that carry it back to the one before),
    found once per sentence of the report."""
    key = ("names_place", sentence)
    if key not in report.memo:
        report.memo[key] = bool(find_places(sentence, report.gazetteer, report.profile))
    return report.memo[key]


def means_told_next(sentence: str, report) -> tuple[str, ...]:
    """Kinds of weapon the sentence after an act of unstated means names, when it goes on about that act ("An attack
    on X killed three. Three people were killed by a shell."): none when it tells another act or names a place of its own."""
    lexicon = report.lexicon
    if not sentence or tells_another_act(sentence, lexicon):
        return ()
    kinds = tuple(dict.fromkeys(value for _, _, value, _ in lexicon.found("weapon", sentence)))
    return () if kinds and names_a_place(sentence, report) else kinds


def _drop_overlaps(acts: list[Act]) -> list[Act]:
    """The longer of overlapping cues wins, except that a weapon inside fire of unstated means stays ("came under
    mortar fire"): it names the means."""
    kept: list[Act] = []
    for a in sorted(acts, key=lambda a: (-(a.end - a.start), a.start)):
        overlapping = [k for k in kept if a.start < k.end and k.start < a.end]
        if not overlapping or (a.rule.startswith("cue.weapon") and all(k.sub_event_type in UNSPECIFIC for k in overlapping)):
            kept.append(a)
    return sorted(kept, key=lambda a: a.start)


def is_negated(text: str, act: Act, lexicon: Lexicon) -> bool:
    return lexicon.has("negation", text[max(0, act.start - 45) : act.end + 5])


def act_is_real(text: str, act: Act, lexicon: Lexicon) -> bool:
    """Not negated ('did not shell'), not a threat or intention ('will strike', 'every rocket fired at X will be
    answered'), not a reconnaissance flight ('launched a drone near X to reconnoitre')."""
    if is_negated(text, act, lexicon) or lexicon.has("modality", text[max(0, act.start - 35) : act.start]):
        return False
    if lexicon.has("non_attack", text[max(0, act.start - NON_ATTACK_BEFORE) : act.end + NON_ATTACK_REACH]):
        return False
    if lexicon.rx("acts.place_of_fighting_before").search(text[max(0, act.start - NON_ATTACK_BEFORE) : act.start]):
        return False  # "20 km from the front line of the fighting"
    if lexicon.rx("acts.earlier_act_before").search(text[max(0, act.start - NON_ATTACK_BEFORE) : act.start]):
        return False  # "died of wounds from an earlier shelling": an act told before, not a new one
    if any(m.start("act") <= act.start < m.end("act") for m in lexicon.rx("acts.pointed_back").finditer(text)):
        return False  # "... when the attack happened": the act just told
    return not lexicon.rx("acts.future_passive_after").match(text[act.end :])


def nearest(items, pos: int):
    return min(items, key=lambda it: min(abs(it.start - pos), abs(it.end - pos))) if items else None


def _governing_act(acts: list[Act], pos: int) -> Act | None:
    """The act that governs a place: the nearest one before it, else the nearest after it."""
    before = [a for a in acts if a.end <= pos and pos - a.end <= GOVERNING_REACH]
    if before:
        return max(before, key=lambda a: a.end)
    return nearest(acts, pos)


def _heaviest_weapon(act: Act, specific: list[Act], text: str, lexicon: Lexicon) -> Act:
    """A weapon's act yields to a heavier weapon named in the same clause ("small arms, grenade launchers and mortars"),
    not to one that was its object ("the drone destroyed one of the howitzers")."""
    if not act.rule.startswith("cue.weapon"):
        return act
    hit = lexicon.rx("acts.weapon_as_object_before")
    weapons = [a for a in specific if a.rule.startswith("cue.weapon") and a.sub_event_type in HEAVIER_FIRST and not hit.search(text[max(0, a.start - 40) : a.start])]
    return min(weapons, key=lambda a: HEAVIER_FIRST.index(a.sub_event_type), default=act)


def _killing_without_means(clause: Clause, lexicon: Lexicon) -> bool:
    """A clause whose attack on civilians is told only by its casualties ("the attack on X killed 3 civilians"): no
    means of direct violence and no ground forces. Such an act may retell fire at its place (see merge)."""
    attacks = [a for a in clause.acts if a.sub_event_type == ATTACK]
    if not attacks or lexicon.rx("acts.direct_means").search(clause.text) or lexicon.rx("acts.ground_agents").search(clause.text):
        return False
    return all(lexicon.rx("acts.killing_verb_only").match(clause.text, a.start) for a in attacks)


def act_types(
    clause: Clause, place: PlaceRef, single_place: bool, lexicon: Lexicon, unstated_fire: str = SHELLING, sentence_weapons: tuple[str, ...] = (),
    means_after: tuple[str, ...] = (), means_before: tuple[str, ...] = (), means_next: tuple[str, ...] = (),
) -> list[tuple[str, bool, str]]:
    """(sub_event_type, generic, rule) coded for a place: the governing act, plus the clause's other kinds
    of act when the clause names only this place (a raid and a killing in one sentence). Fire whose means
    the clause does not name ("came under fire") is the profile's ``unstated_fire``, unless a neighbouring sentence
    names them (``means_after``: "They used small arms."), or, for fire and violations, a placeless list of the day's
    weapons before it names them (``means_before``); an act of unstated means takes those the next sentence names when
    it goes on about the act with no place of its own (``means_next``: "Three people were killed by a shell.")."""
    specific = [a for a in clause.acts if a.sub_event_type not in UNSPECIFIC]
    if any(is_remote(a.sub_event_type) for a in specific) or lexicon.rx("acts.remote_means").search(clause.text):
        specific = [a for a in specific if a.sub_event_type != ATTACK]
    anchor = clause.places[place.group_start].start if place.group_start is not None and place.group_start < len(clause.places) else place.start
    drones = [a for a in specific if a.sub_event_type == AIR]
    if drones and lexicon.rx("acts.drone_instrument").search(clause.text):
        return [(AIR, False, drones[0].rule)]  # "used a drone to shell X": one drone strike
    act = _governing_act(specific, anchor)
    nearest_act = _governing_act(list(clause.acts), anchor)
    weapons = [a for a in specific if a.rule.startswith("cue.weapon")]
    named = {value for _, _, value, _ in lexicon.found("weapon", clause.text)} or set(means_after)
    displaced = None
    if act and nearest_act and nearest_act.sub_event_type in UNSPECIFIC and not act.rule.startswith("cue.weapon") and weapons:
        displaced, act = act, weapons[0]  # "in parallel with the battles, X targeted A with rockets": the weapons say how A was hit
    if act:
        act = _heaviest_weapon(act, specific, clause.text, lexicon)
        if act.sub_event_type == SHELLING and not act.rule.startswith("cue.weapon") and named == {CLASH}:
            return [(CLASH, False, "acts.light_weapons_only")]  # "shelled X ... They used small arms": small-arms fire
        types = [(act.sub_event_type, act.rule)]
        # "... fire at A and B, using drones as well": means added to the fire reach each of its places
        added = lexicon.rx("acts.means_as_well").search(clause.text, act.end)
        if single_place or added:
            # A second kind of act at the one place of the clause: a killing of civilians told with the
            # raid, or two kinds of fire named together before the place ("shelling and air raids hit X").
            # Light weapons listed with heavier ones ("mortars, grenade launchers and small arms") are one fire.
            light = act.sub_event_type in (SHELLING, AIR)
            others = [
                a for a in specific if a is not displaced and a.sub_event_type != act.sub_event_type
                and ((single_place and (a.sub_event_type == ATTACK or a.end <= anchor)) or (added and added.start() <= a.start < added.end()))
                and not (light and a.sub_event_type == CLASH and a.rule.startswith("cue.weapon"))
            ]
            seen = {act.sub_event_type}
            for a in sorted(others, key=lambda a: (a.sub_event_type, a.start)):
                if a.sub_event_type not in seen:
                    seen.add(a.sub_event_type)
                    types.append((a.sub_event_type, a.rule))
        told_by_casualties = _killing_without_means(clause, lexicon)
        return [(t, True, "acts.killing_without_means") if t == ATTACK and told_by_casualties else (t, False, rule) for t, rule in types]
    act = nearest(clause.acts, place.start)
    fire = [a for a in clause.acts if a.sub_event_type == "fire"]
    heaviest_named = next((w for w in HEAVIER_FIRST if w in (named or set(means_next))), None)
    heaviest_told = heaviest_named or next((w for w in HEAVIER_FIRST if w in means_before), None)  # or the day's list before
    if fire:
        # "ordered fire on X: ... sent twelve mortar rounds": the heaviest weapon the clause names is the means
        return [(heaviest_told or unstated_fire, False, nearest(fire, place.start).rule)]
    if act and act.sub_event_type == "violation":
        return [(heaviest_told or CLASH, True, act.rule)]  # the means a neighbouring sentence lists, else a clash
    if heaviest_named:  # "UAVs ... carried out strikes": the weapons the clause names (or the next sentence)
        return [(heaviest_named, True, "acts.clause_weapon" if named else "acts.means_told_next")]
    if lexicon.rx("acts.ground_agents").search(clause.text) and not lexicon.rx("acts.remote_words").search(clause.text):
        return [(CLASH, True, act.rule if act else "acts.ground_agents")]
    heaviest_earlier = next((w for w in HEAVIER_FIRST if w in sentence_weapons), None)
    if heaviest_earlier:  # "X artillery shelled A ... and hit B": the weapon the sentence names
        return [(heaviest_earlier, True, "acts.sentence_weapon")]
    return [(unstated_fire, True, act.rule if act else "acts.default_remote")]  # an attack of unstated means
