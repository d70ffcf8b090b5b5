"""Speakers: who a sentence names as speaking (the actors list, officials of a place or a party, states, the outlet's
own people), before any rule decides whose claim the sentence tells (``claims``)."""

from __future__ import annotations

import re

from pipeline.extract.context import Report
from pipeline.gazetteer import country_iso3
from pipeline.lexicon import Actor, Lexicon
from pipeline.profile import Profile

LOCAL_SIDE = "@place"  # the side of a speaker of the place the act hit: the party holding it
UNNAMED_OFFICE = "A ministry or prosecutor's office of the place"  # "the ministry said", no country named
# "governor Pavlo Kyrylenko": a first name between; "the governor of the X region, Y Z": the kind of area too
TITLE_NAME_GAP = re.compile(r"\s*(?:(?:region|province|oblast|district|marz)\b\s*)?,?\s*(?:[A-Z][\w.'’-]*\s+){0,2}")
BRACKETED = re.compile(r"\([^()]*\)")


def find_speakers(sentence: str, report: Report) -> list[tuple[int, int, Actor]]:
    """(start, end, actor) of every claimant named in the sentence; the longest of overlapping names wins, and a
    speaker the actors list names wins over one the generic rules find (titles, states, the outlet's journalist)."""
    found = report.memo.get(("speakers", sentence))
    if found is None:
        found = report.memo[("speakers", sentence)] = tuple(_find_speakers(sentence, report))
    return list(found)


def _find_speakers(sentence: str, report: Report) -> list[tuple[int, int, Actor]]:
    profile = report.profile
    lexicon = profile.lexicon
    found = []
    for actor in lexicon.candidate_claimants(sentence):
        found += [(m.start(), m.end(), actor) for m in actor.pattern.finditer(sentence)]
    found += _according_to_a_party(sentence, profile)
    # A generic title next to a listed name is that person ("the X governor Y Z said"): the list names them.
    # ... unless the listed name is the state inside the generic one ("officials in X"), which then speaks as a whole.
    found += [g for g in _generic_speakers(sentence, report) if not any(_same_person(sentence, g, f) and not _inside(sentence, f, g) for f in found)]
    # The object of an accusation is the accused, not a speaker: "X accused Y of ...".
    accused, agent, hit = lexicon.rx("claims.accused_before"), lexicon.rx("claims.agent_by_before"), lexicon.rx("roles.positions_of_before")
    # ... and so is a force that was hit: "attacked the units of the X army"
    found = [f for f in found if not accused.search(sentence[: f[0]]) and not agent.search(sentence[: f[0]]) and not hit.search(sentence[: f[0]])]
    # "The X military conducted strikes on ...": a name followed by a verb of acting is the agent, not a speaker.
    acting = lexicon.rx("claims.name_acting")
    found = [f for f in found if not acting.match(sentence[f[1] :])]
    # "X has run out of options, Y told reporters": with a speaker named after the last comma, a name before it is
    # what the speaker speaks of (unless the sentence gives it as a source, "according to X, ...", or quotes its claim,
    # "X's statement that ... is false, Y said")
    tail = lexicon.rx("claims.trailing_attribution").search(sentence)  # (a gated pattern: no search where it cannot match)
    if tail is not None and any(f[0] > tail.start() for f in found):
        found = [f for f in found if f[0] > tail.start() or _speaks_or_is_cited(sentence, f, lexicon)]
    # "(the unrecognised republic - TASS)": an editor's aside in brackets names no speaker
    asides = [(m.start(), m.end()) for m in BRACKETED.finditer(sentence)]
    found = [f for f in found if not any(a < f[0] and f[1] < b for a, b in asides)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, Actor]] = []
    for f in found:
        if not any(f[0] < o[1] and o[0] < f[1] for o in out):
            out.append(f)
    return out


def _speaks_or_is_cited(sentence: str, found: tuple[int, int, Actor], lexicon: Lexicon) -> bool:
    """A name with its own verb of saying ("X said"), a source ("according to X") or a claim quoted ("X's statement")."""
    before, after = sentence[: found[0]], sentence[found[1] :]
    return bool(
        lexicon.rx("claims.speaks_after").match(after) or lexicon.rx("claims.claims_after").match(after)
        or lexicon.rx("claims.according_to_side").search(before) or lexicon.rx("claims.claim_of_before").search(before)
    )


def _inside(sentence: str, named: tuple[int, int, Actor], generic: tuple[int, int, Actor]) -> bool:
    """A state's one-word name inside a generic speaker of the same side ("officials in X")."""
    one_word = " " not in sentence[named[0] : named[1]]
    return one_word and generic[0] <= named[0] and named[1] <= generic[1] and named[2].side == generic[2].side


def _same_person(sentence: str, generic: tuple[int, int, Actor], named: tuple[int, int, Actor]) -> bool:
    """A generic title overlapping or right next to a listed name, a first name between ("the X governor Y Z")."""
    if generic[0] < named[1] and named[0] < generic[1]:
        return True
    gap = sentence[generic[1] : named[0]] if generic[1] <= named[0] else sentence[named[1] : generic[0]]
    return bool(TITLE_NAME_GAP.fullmatch(gap))


def _according_to_a_party(sentence: str, profile: Profile) -> list[tuple[int, int, Actor]]:
    """'according to <party name>', '<party name> (X) reported', "<party>'s prosecutor general said", 'according to the <side>
    army', 'a source in the <side> militia told': the party's government speaks."""
    found = []
    for party in profile.parties:
        if not party.government:
            continue
        names = "|".join(re.escape(n) for n in (party.name, *party.aliases))
        for m in re.finditer(rf"\b(?:{names})\b", sentence, re.I):
            said = profile.lexicon.rx("claims.party_says_after").match(sentence[m.end() :]) or profile.lexicon.rx("claims.party_official_says_after").match(sentence[m.end() :])
            if said or profile.lexicon.rx("claims.according_to").search(sentence[: m.start()]):
                actor = next((a for a in profile.lexicon.claimants if a.name == party.government), None)
                if actor:
                    found.append((m.start(), m.end(), actor))
    # "according to the X army", "according to X report": the side's government speaks
    according, source = profile.lexicon.rx("claims.according_to_side"), profile.lexicon.rx("claims.side_source_after")
    # "a source from the X militia told ...", "reported by a source in the X security agencies"
    source_in, saying = profile.lexicon.rx("claims.source_in_side_before"), profile.lexicon.rx("claims.saying_soon_after")
    if not (_may_match(according, sentence) or _may_match(source_in, sentence)):
        return found  # neither opening is in the sentence: no need to look for sides
    for start, end, side in ((m.start(), m.end(), a.side) for a in profile.lexicon.sides for m in a.pattern.finditer(sentence)):
        named = according.search(sentence[:start]) and source.match(sentence[end:])
        opened = source_in.search(sentence[:start])
        sourced = opened and (saying.match(sentence[end:]) or profile.lexicon.rx("claims.told_by_before").search(sentence[: opened.start()]))
        if (named or sourced) and "|" not in side and not any(f[0] <= start < f[1] for f in found):
            actor = profile.government_claimant(profile.party(side), according if named else source_in)
            found += [(start, end, actor)] if actor else []
    return found


def _may_match(pattern, text: str) -> bool:
    """False only when a prefiltered pattern cannot match anywhere in ``text`` (a plain pattern may always match)."""
    could_match = getattr(pattern, "could_match", None)
    return could_match is None or could_match(text)


def _generic_speakers(sentence: str, report: Report) -> list[tuple[int, int, Actor]]:
    """Speakers no actors list can name in advance: officials of a place or a party ("the governor of X province",
    "the X mayor"), states that are no party ("Turkey's Foreign Ministry": independent), the outlet's own journalist."""
    profile, lexicon = report.profile, report.lexicon
    found = []
    for rule in ("claims.title_of", "claims.place_title", "claims.envoy_of"):
        for m in lexicon.rx(rule).finditer(sentence):
            of_party = m.group("title").lower().endswith(("ministry", "minister"))
            # "the Defence Minister of X Y Z said": the name may run on into the person's
            where, side = _named_side(m.group("where"), report, of_party)
            if side is not None:
                name = f"{m.group('title').strip().title()} of {where}"
                found.append((m.start(), m.end(), Actor("claimant", name, side, lexicon.rx(rule))))
    for m in lexicon.rx("claims.state_office").finditer(sentence):
        demonym = m.group("demonym") or m.group("office_demonym") or ""
        state = m.group("state") or m.group("in_state") or lexicon.value("demonyms").get(demonym.lower())
        iso3 = country_iso3(state) if state else None
        if iso3 is None:
            continue
        party = next((p for p in profile.parties if p.country_iso3 == iso3), None)
        name = party.government if party and party.government else f"Government of {state}"
        found.append((m.start(), m.end(), Actor("claimant", name, party.code if party else "independent", lexicon.rx("claims.state_office"))))
    for m in lexicon.rx("claims.local_officials").finditer(sentence):
        found.append((m.start(), m.end(), Actor("claimant", "Local officials", LOCAL_SIDE, lexicon.rx("claims.local_officials"))))
    for m in lexicon.rx("claims.neutral_media").finditer(sentence):
        found.append((m.start(), m.end(), Actor("claimant", "Media reports", "independent", lexicon.rx("claims.neutral_media"))))
    for m in lexicon.rx("claims.unnamed_force").finditer(sentence):
        found.append((m.start(), m.end(), Actor("claimant", "Police or army of the place", LOCAL_SIDE, lexicon.rx("claims.unnamed_force"))))
    for m in lexicon.rx("claims.unnamed_office").finditer(sentence):
        found.append((m.start(), m.end(), Actor("claimant", UNNAMED_OFFICE, LOCAL_SIDE, lexicon.rx("claims.unnamed_office"))))
    found += [(m.start(), m.end(), report.own_observer) for m in outlet_named(sentence, report, "claims.outlet_journalist")]
    return found


def outlet_named(text: str, report: Report, rule: str) -> list[re.Match]:
    """Where the report's own outlet is named with the words of ``rule`` after it ("X's correspondent")."""
    name = report.own_observer.name if report.own_observer is not None else ""
    if not name:
        return []
    after = report.lexicon.rx(rule)
    return [m for m in re.finditer(re.escape(name), text) if after.match(text[m.end() :])]


def _named_side(where: str, report: Report, party_only: bool) -> tuple[str, str | None]:
    """The side ``where`` names, or its leading words before a person's name of two or three words ("of X Y Z said");
    a ministry is "of" a party ("of the X Republic"), not of a place, so with ``party_only`` only a party's name counts."""
    words = where.split()
    for n in (len(words), len(words) - 2, len(words) - 3):
        if n < 1:
            continue
        name = " ".join(words[:n])
        party = report.profile.party_named(name)
        side = party.code if party is not None else None if party_only else _side_of_name(name, report)
        if side is not None:
            return name, side
    return where, None


def _side_of_name(where: str, report: Report) -> str | None:
    """The side a place or party name speaks for: the party so named, else the party of the place."""
    profile = report.profile
    party = profile.party_named(where)
    if party is not None:
        return party.code
    place = report.gazetteer.resolve(where) if report.gazetteer is not None else None
    if place is None:
        return None
    side = profile.party_of_place(place.location, place.admin1, place.country_iso3)
    return side or ("independent" if place.country_iso3 not in profile.event_countries else None)
