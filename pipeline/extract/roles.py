"""Roles: which side acted and which was hit, and whether the target was civilian or military."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.coding import ATTACK, CLASH, claimant_side, is_remote, target_actor
from pipeline.extract.acts import find_acts, names_a_place, tells_another_act
from pipeline.extract.mention import Act, Clause, Mention, PlaceRef
from pipeline.lexicon import Actor, Lexicon
from pipeline.profile import Profile

TARGET_LABELS = ("civilians", "military")

SPEAKER_OF = re.compile(r"\s+of\s+(?:the\s+)?(?:republic\s+of\s+)?", re.I)  # "the Defence Army of X"
EXPLICIT_AGENT_RULES = ("roles.agent_before", "roles.inside_act", "roles.possessive_agent_after")
INSIDE_ACT_REACH = 30  # characters from a side to the end of the act phrase it qualifies ("under X artillery fire")


def find_sides(text: str, lexicon: Lexicon, speakers: list[tuple[int, int, Actor]]) -> list[tuple[int, int, str]]:
    """(start, end, side) of every word naming a side's forces or state; side may be 'A|B' (the place decides)."""
    spans = []
    for actor in lexicon.sides:
        spans += [(m.start(), m.end(), actor.side) for m in actor.pattern.finditer(text)]
    # a name inside a longer one is part of it ("X junta's militants": the junta's, not militants of the other side)
    spans = [sp for sp in spans if not any(o[0] <= sp[0] and sp[1] <= o[1] and o[1] - o[0] > sp[1] - sp[0] for o in spans)]
    # A side named inside a speaker's name ("X's Prosecutor General's Office", "the Defence Army of X") is not an
    # actor of the act.
    def in_name(side: tuple[int, int, str], a: int, b: int) -> bool:
        return a <= side[0] < b or 0 <= a - side[1] <= 3 or (b <= side[0] and bool(SPEAKER_OF.fullmatch(text[b : side[0]])))

    claim_owner = lexicon.rx("roles.claim_owner_after")  # "X claims that ...": who claims, not who acted
    claim_source = lexicon.rx("roles.claim_source_before")  # "the reports spread by X that ...": likewise
    return [
        s for s in sorted(spans)
        if not any(in_name(s, a, b) for a, b, _ in speakers) and not claim_owner.match(text, s[1]) and not claim_source.search(text[: s[0]])
    ]


def _side_role(text: str, s: int, e: int, acts: list[Act], first_act: int, passive: bool, lexicon: Lexicon) -> tuple[str, str] | None:
    """('agent' or 'target', rule) for one mention of a side, or None."""
    rx = lexicon.rx
    before, after = text[:s], text[e:]
    if rx("roles.side_pair_before").search(before) or rx("roles.side_pair_after").match(after):
        return None  # "the X-Y state border": a pair of names, neither side acted or was hit
    if rx("roles.from_before").search(before) and rx("roles.occupation_after").match(after):
        return "target", "roles.taken_from"  # "villages liberated from X occupation": X held them
    if _names_holder(text, s, e, lexicon) or rx("roles.between_before").search(before):
        return None  # "a city held by X", "fighting between X and Y forces", "X-controlled villages"
    if rx("roles.possessive_agent_after").match(after):
        return "agent", "roles.possessive_agent_after"  # "the X Armed Forces' missile"
    if rx("roles.repelling_after").match(after):
        return "target", "roles.repelling_after"  # "X forces repelled the attacks": X was attacked
    owner = rx("roles.owner_of_place_after").match(after)
    if owner and rx("roles.origin_of_before").search(before):
        return "agent", "roles.owner_of_origin"  # "fire launched from the territory of X's Y region": X fired
    if owner and not lexicon.has("weapon", after[: owner.end()]) and not rx("roles.from_before").search(before):
        return "target", "roles.owner_of_place"  # "X's shelling of Y's Z city": Y owns the place that was hit
    if rx("roles.country_of_place_after").match(after):
        return None  # "X's eastern town of Y": the country the place lies in, not who holds it
    if rx("roles.means_of_before").search(before):
        return "agent", "roles.means_of_before"  # "fired from artillery installations of the X Armed Forces"
    if rx("roles.positions_of_before").search(before):
        return "target", "roles.positions_of_before"  # "the positions of units of the X army"
    if rx("roles.exposed_to_before").search(before):
        return "agent", "roles.exposed_to_before"  # "exposed to the shelling of X forces"
    if rx("roles.act_of_before").search(before) and rx("roles.aimed_after").match(after):
        return "agent", "roles.act_of_aimed"  # "the missile attack of X against civilians"
    if rx("roles.act_of_before").search(before) and rx("roles.armed_forces_after").match(after):
        return "agent", "roles.act_of_armed_forces"  # "as a result of the shelling of the X Armed Forces"
    if rx("roles.act_of_before").search(before) and (rx("roles.target_after").match(after) or rx("roles.name_after").match(after)):
        return "target", "roles.act_of_target"  # "the shelling of X villages", "the shelling of the X Riverside district"
    if rx("roles.defender_before").search(before):
        return "target", "roles.defender_before"  # "shot down by X air defences"
    if rx("roles.agent_before").search(before):
        return "agent", "roles.agent_before"  # "accused X forces", "fired by the X army"
    inside = [a for a in acts if a.start <= s < a.end and a.end - e <= INSIDE_ACT_REACH and not rx("roles.inside_act_break").search(text[e : a.end])]
    aimed = inside and rx("roles.inside_act_break").search(text[inside[0].start : s])
    if aimed and s > first_act and rx("roles.target_after").match(after):
        return "target", "roles.target_inside_act"  # "opened fire at a group of X civilians" (not "came under X forces' fire")
    if inside:
        return "agent", "roles.inside_act"  # "under X fire", "under heavy X artillery fire"
    if rx("roles.from_before").search(before) and rx("roles.territory_after").match(after):
        return "agent", "roles.from_territory"  # "fired from X territory"
    if rx("roles.origin_before").search(before) and rx("roles.forces_after").match(after):
        return "agent", "roles.origin_before"  # "fire from the direction of X positions"
    if s < first_act and rx("roles.local_passive").match(after):
        return "target", "roles.local_passive"  # "X's armed forces came under fire"
    if s > first_act and rx("roles.object_before").search(before) and rx("roles.target_after").match(after):
        return "target", "roles.object_before"  # "shot at X soldiers"
    if rx("roles.country_in_before").search(before) and not rx("roles.agent_after").match(after):
        return None  # "cities in X are ...": where the places lie
    acting = rx("roles.acting_after").match(after)
    if acting:
        return "agent", "roles.acting_after"  # "X forces also fired", "X troops pushed towards"
    if rx("roles.target_after").match(after) and (s > first_act or passive):
        return "target", "roles.target_after"  # "shelled X positions"
    if rx("roles.agent_after").match(after) and s < first_act:
        return "agent", "roles.agent_after"  # "X artillery shelled"
    return None


def is_passive(text: str, lexicon: Lexicon) -> bool:
    """Whether a clause tells fire in the passive ("came under fire", "were shelled"); a "where" clause about the
    place ("shelled X, where a woman was injured") does not make it so."""
    return bool(lexicon.rx("roles.passive").search(lexicon.rx("roles.where_clause").sub(",", text)))


def side_roles(text: str, sides: list[tuple[int, int, str]], acts: list[Act], lexicon: Lexicon) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Split the side mentions of a clause into agents and targets: (position, side, rule)."""
    first_act = min((a.start for a in acts), default=len(text))
    passive = is_passive(text, lexicon)
    agents, targets = [], []
    for s, e, side in sides:
        role = _side_role(text, s, e, acts, first_act, passive, lexicon)
        if role:
            (agents if role[0] == "agent" else targets).append((s, side, role[1]))
    return agents, targets


def _nearest(found: list[tuple[int, str, str]], pos: int) -> tuple[int, str, str] | None:
    return min(found, key=lambda f: abs(f[0] - pos)) if found else None


@dataclass
class Sides:
    perpetrator: str | None = None
    target_side: str | None = None
    target: str = "unknown"
    claimants: list[Actor] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def code_sides(
    clause: Clause, place: PlaceRef, text: str, sentence_acts: list[Act], speakers, claimants: list[Actor], sub_event_type: str, profile: Profile
) -> Sides:
    """Perpetrator and target sides of one act at one place, the target, and the claimants it ends with."""
    lexicon = profile.lexicon
    out = Sides(claimants=list(claimants))

    def at_place(side: str | None) -> str | None:
        return profile.side_at(side.split("|"), place.admin1) if side else None

    def other(side: str | None) -> str | None:
        return profile.side_at(profile.opponents(side), place.admin1)

    sides = find_sides(clause.text, lexicon, [(s - clause.start, e - clause.start, a) for s, e, a in speakers])
    agents, targets = side_roles(clause.text, sides, clause.acts, lexicon)
    if not agents and clause.text != text:
        agents, more_targets = side_roles(text, find_sides(text, lexicon, speakers), sentence_acts, lexicon)
        # "X hit A, hours after Y shelled B": the sentence tells two acts; each half keeps its own sides.
        sequel = lexicon.rx("clause.sequence").search(text)
        if sequel:
            same_half = (lambda pos: pos < sequel.start()) if clause.start < sequel.start() else (lambda pos: pos >= sequel.start())
            agents, more_targets = [a for a in agents if same_half(a[0])], [t for t in more_targets if same_half(t[0])]
        targets = targets or more_targets
    # An agent the text names explicitly ("shelled by X", "under X fire") wins over one read from word order.
    explicit = [a for a in agents if a[2] in EXPLICIT_AGENT_RULES]
    agent, hit = _nearest(explicit or agents, place.start), _nearest(targets, place.start)
    perpetrator, target_side = at_place(agent[1] if agent else None), at_place(hit[1] if hit else None)
    out.rules += [r[2] for r in (agent, hit) if r]
    claimed_by = claimant_side({a.side for a in claimants})
    party_claim = claimed_by in profile.party_codes
    if party_claim and _speakers_own_act(text, clause.start + place.start, sentence_acts, lexicon):
        perpetrator = at_place(claimed_by)  # "X says it shelled Y": the speaker acted
        out.rules.append("roles.speaker_own_act")
    if perpetrator is None and party_claim and lexicon.rx("roles.enemy").search(text):
        perpetrator = other(claimed_by)  # a party's statement calls its opponents "the enemy"
        out.rules.append("roles.enemy")
    if target_side is None and party_claim and lexicon.rx("roles.our_forces").search(text):
        target_side = claimed_by
        out.rules.append("roles.our_forces")
    if perpetrator is None and target_side:
        perpetrator = other(target_side)
        out.rules.append("roles.opponent_of_target")
    if perpetrator is None and sub_event_type != CLASH and party_claim and other(claimed_by) not in _holders(clause.text, sides, lexicon, at_place):
        perpetrator = other(claimed_by)  # (not where the clause says that side holds the place: "shelling of X-held Y")
        out.rules.append("roles.opponent_of_claimant")
    if perpetrator is None and profile.perpetrator_from_holder and is_remote(sub_event_type) and place.country:
        # "X came under fire", no shooter named: where the profile says who holds what, the holder's opponent fired.
        holder = profile.party_of_place(place.location, place.admin1, place.country)
        perpetrator = other(holder) if holder else None
        out.rules += ["roles.opponent_of_holder"] if perpetrator else []
    out.target, target_rule = code_target(clause, place, profile, sub_event_type)
    out.rules.append(target_rule)
    if target_side is None and perpetrator:
        target_side = other(perpetrator)
    if not claimants and perpetrator and lexicon.rx("claims.our_side").search(text):
        # "they fired on our villages": an unnamed speaker of the side that was hit
        government = profile.government_claimant(profile.party(other(perpetrator)), lexicon.rx("claims.our_side"))
        if government is not None:
            out.claimants = [government]
            out.rules.append("claims.our_side")
    out.perpetrator, out.target_side = perpetrator, target_side
    return out


def _holders(text: str, sides: list[tuple[int, int, str]], lexicon: Lexicon, at_place) -> set[str | None]:
    """Sides a clause says hold a place ("X-held Y", "a town held by X")."""
    return {at_place(side) for s, e, side in sides if _names_holder(text, s, e, lexicon)}


def _names_holder(text: str, s: int, e: int, lexicon: Lexicon) -> bool:
    """Whether the side named at s:e is named as holding a place ("X-controlled villages", "a city held by X")."""
    return bool(lexicon.rx("roles.control_by_before").search(text[:s]) or lexicon.rx("roles.control_after").match(text[e:]))


def _speakers_own_act(text: str, place_at: int, acts: list[Act], lexicon: Lexicon) -> bool:
    """Whether the act told last before the place is one a speaker says it did itself ("X said it had shelled")."""
    before = [a for a in acts if a.start <= place_at]
    act = max(before, key=lambda a: a.start) if before else None
    if act is None or lexicon.has("denial", text[: act.start]):
        return False  # "X denied Y's claims that its forces shelled Z": "its" is the denier's
    return bool(lexicon.rx("roles.speaker_own_act").search(text[: act.start]))


def code_target(clause: Clause, place: PlaceRef, profile: Profile, sub_event_type: str) -> tuple[str, str]:
    """(civilians, military or unknown; rule): the target cue nearest the place, else a town under remote fire is civilian."""
    lexicon = profile.lexicon
    if sub_event_type == ATTACK:
        return "civilians", "roles.attack_on_civilians"  # violence against civilians (coding rules §3)
    first_act = min((a.start for a in clause.acts), default=0)
    passive = is_passive(clause.text, lexicon) or bool(lexicon.rx("roles.act_as_cause_before").search(clause.text[:first_act]))
    found = lexicon.found("target", clause.text)
    fronted = lexicon.rx("roles.fronted_site_before")
    cues = [(s, e, v, cue) for s, e, v, cue in found if (s > first_act or passive or fronted.match(clause.text[:s])) and not (s < place.end and place.start < e)]
    # "a rocket attack that X armed forces launched": the shooters, not the target (in a clash both are military)
    acting = lexicon.rx("claims.name_acting") if is_remote(sub_event_type) else None
    cues = [c for c in cues if not _in_agent_phrase(clause.text, c[0], c[1], profile, c[0] < first_act) and not (acting and acting.match(clause.text[c[1] :]))]
    # "a town near the front line": the line says where, it was not hit
    where = lexicon.rx("roles.location_before")
    cues = [c for c in cues if not (lexicon.rx("roles.line_word").fullmatch(clause.text[c[0] : c[1]]) and where.search(clause.text[: c[0]]))]
    # "13 civilians have been killed by artillery barrages, as troops close in on positions around X", "30 fighters had
    # been killed in fire on X, a village": the victims told before the act are its target
    casualty = lexicon.rx("figures.casualty_verb")
    act_end = min((a.end for a in clause.acts if a.start == first_act), default=first_act)
    victims = [c for c in found if c[1] <= first_act and c[2] in ("civilians", "military") and casualty.search(clause.text[c[1] : act_end])]
    if victims:
        return victims[-1][2], victims[-1][3]
    place_words = [c for c in cues if _describes_a_place(clause, c[0], c[1], lexicon)]
    # "not far from the villages of X": where, not what was hit; "shelled the villages of X": the villages
    near = lexicon.rx("roles.near_words_before")
    descriptors = [c for c in place_words if not near.search(clause.text[: c[0]])]
    chosen = [c for c in cues if c not in place_words] or descriptors
    if chosen:
        best = min(chosen, key=lambda c: min(abs(c[0] - place.start), abs(c[1] - place.end)))
        # "military positions and settlements came under fire": civilians were hit too (coding rules §2)
        joined = next((c for c in cues if c[2] == "civilians" and _coordinated(clause.text, best, c, lexicon)), None)
        if best[2] == "military" and joined is not None:
            return "civilians", joined[3]
        return (best[2] if best[2] in TARGET_LABELS else "unknown"), best[3]
    if place.precision == 1 and is_remote(sub_event_type) and place.precision_rule != "place.near_village":
        return "civilians", "roles.town_under_fire"  # (fire "near" a front-line village is no fire on the village)
    if sub_event_type == CLASH:
        return "military", "roles.clash_of_forces"  # a clash is fought between armed forces
    return "unknown", "roles.no_target"


def _coordinated(text: str, first: tuple, second: tuple, lexicon: Lexicon) -> bool:
    """Two target words joined as one list: 'positions and settlements', 'villages, positions'."""
    a, b = sorted((first, second))
    return bool(lexicon.rx("roles.target_joiner").fullmatch(text[a[1] : b[0]]))


def _in_agent_phrase(text: str, start: int, end: int, profile: Profile, before_act: bool = True) -> bool:
    """'fire from the armed forces of X', 'fired by X units': the shooter, not the target (X a party's name); after the
    act, 'subjected to fire the positions of X' names the target."""
    if profile.lexicon.rx("roles.by_from_before").search(text[:start]) or profile.lexicon.rx("roles.possessor_after").match(text[end:]):
        return True
    if profile.lexicon.rx("place.kind_word").fullmatch(text[start:end]) or not before_act:
        return False  # "a village of X's district": where, not who
    of = profile.lexicon.rx("roles.of_before").match(text[end:])
    return bool(of) and bool(profile.party_name_pattern.match(text, end + of.end()))


def _describes_a_place(clause: Clause, start: int, end: int, lexicon: Lexicon) -> bool:
    """'the village of X', 'a village in the X district': a word naming the kind of place, not the target."""
    if not lexicon.rx("place.kind_word").fullmatch(clause.text[start:end]):
        return False
    if any(0 <= start - p.end <= 2 or lexicon.rx("place.apposition_gap").fullmatch(clause.text[p.end : start]) for p in clause.places if p.end <= start):
        return True  # "the X village", "X, a border village"
    return any(lexicon.rx("place.kind_gap").match(clause.text[end : p.start]) for p in clause.places if 0 <= p.start - end <= 30)


def keep_lead_target(text: str, acts: list[Act], ctx, number: int, lexicon: Lexicon) -> None:
    """'X went on shelling residential areas and civilians.' with no place: the next sentence (in its paragraph or opening
    the next one), which names the places ("artillery attacks were launched on A and B regions"), tells the same fire at them."""
    first_act = min((a.start for a in acts), default=len(text))
    targets = {v for s, _, v, _ in lexicon.found("target", text) if s > first_act}
    ctx.lead_target = number if targets == {"civilians"} else None


def give_lead_target(mentions: list[Mention], ctx, number: int) -> None:
    if ctx.lead_target is None or not mentions:
        return
    told, ctx.lead_target = ctx.lead_target, None
    if number - told != 1:
        return
    for m in mentions:
        if m.target == "unknown" and "roles.no_target" in m.rules and is_remote(m.sub_event_type):
            m.target, m.civilian_targeting = "civilians", True
            m.add_rule("roles.lead_target")


def agent_told_next(mentions: list[Mention], next_sentence: str, report) -> None:
    """'X came under heavy shelling last night. The separatists used mortars to fire at homes.': the next sentence,
    which names no place of its own and no other act ("returned fire", "elsewhere"), names who fired; one side only."""
    todo = [m for m in mentions if m.perpetrator_side is None]
    profile, lexicon = report.profile, report.lexicon
    if not todo or not next_sentence or tells_another_act(next_sentence, lexicon):
        return
    acts = find_acts(next_sentence, lexicon)
    if not acts:
        return
    agents, _ = side_roles(next_sentence, find_sides(next_sentence, lexicon, []), acts, lexicon)
    named = {side for _, side, _ in agents}
    if len(named) != 1 or names_a_place(next_sentence, report):
        return
    (side,) = named
    for m in todo:
        m.perpetrator_side = profile.side_at(side.split("|"), m.place_admin1)
        m.perpetrator = profile.force_name(m.perpetrator_side)
        if m.target_side is None:
            m.target_side = profile.side_at(profile.opponents(m.perpetrator_side), m.place_admin1)
            m.target_actor = target_actor(m.target, m.target_side, profile)
        m.add_rule("roles.agent_told_next")
