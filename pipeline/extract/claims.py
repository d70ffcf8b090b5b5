"""Claims: who says so (speakers, attribution, recalled speakers, the outlet's own voice) and who denies."""

from __future__ import annotations

import re

from pipeline.extract.acts import act_is_real, find_acts, is_negated, means_told_after
from pipeline.extract.context import Context, Denial, Report
from pipeline.extract.mention import Act, Mention, PlaceRef
from pipeline.extract.roles import find_sides
from pipeline.gazetteer import country_iso3
from pipeline.lexicon import Actor, Lexicon
from pipeline.profile import Profile

LOCAL_SIDE = "@place"  # the side of a speaker of the place the act hit: the party holding it
UNNAMED_OFFICE = "A ministry or prosecutor's office of the place"  # "the ministry said", no country named
VERB_AFTER_REACH = 90  # characters from a speaker to an attribution verb after it
VERB_BEFORE_REACH = 40
_THAT = re.compile(r"\bthat\b", re.I)
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
    # "X has entered a deadlock, Y told reporters": with a speaker named after the last comma, a name before it is
    # what the speaker speaks of (unless the sentence gives it as a source, "according to X, ...", or quotes its claim,
    # "X's statement that ... is false, Y said")
    tail = lexicon.rx("claims.trailing_attribution").search(sentence) if _may_match(lexicon.rx("claims.trailing_attribution"), sentence) else None
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


def _speaks_or_is_cited(sentence: str, found: tuple[int, int, Actor], lexicon) -> bool:
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
    for rule in ("claims.title_of", "claims.place_title"):
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
    found += [(m.start(), m.end(), report.own_observer) for m in _outlet_named(sentence, report, "claims.outlet_journalist")]
    return found


def _outlet_named(text: str, report: Report, rule: str) -> list[re.Match]:
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


ADDRESSEE_REACH = 40  # characters before a speaker read for "told", "quoted by"


def attributed_claimants(sentence: str, report: Report, speakers: list[tuple[int, int, Actor]] | None = None) -> list[Actor]:
    """Speakers the sentence attributes its content to (a speaker next to a verb of saying)."""
    lexicon = report.lexicon
    verbs = lexicon.matches("attribution", sentence)
    claimants: list[Actor] = []
    relays: list[Actor] = []
    for s, e, actor in find_speakers(sentence, report) if speakers is None else speakers:
        one_word = " " not in sentence[s:e] and not sentence[e:].startswith("'s")
        if one_word and lexicon.rx("claims.place_preposition_before").search(sentence[:s]):
            continue  # "the city of X": a place, not a speaker
        if lexicon.rx("claims.addressee_before").search(sentence[max(0, s - ADDRESSEE_REACH) : s]) or lexicon.rx("claims.addressee_after").match(sentence[e:]):
            continue  # "the ministry told X", "quoted by X", "X was told by the ministry": who was told, not who says it
        # "X told Y that <name> used ...", "he said <name> used ...": a name in what is said is no speaker.
        in_content = lexicon.rx("roles.acting_after").match(sentence[e:]) is not None
        quoted = inside_quotes(sentence, s)  # a name inside a quotation is not who says it
        near_verb = any(
            (0 <= vs - e <= VERB_AFTER_REACH or (0 <= s - ve <= VERB_BEFORE_REACH and not in_content and not _THAT.search(sentence[ve:s])) or vs <= s < ve)
            and quoted == inside_quotes(sentence, vs)
            for vs, ve, _ in verbs
        )
        near_verb = near_verb or bool(lexicon.rx("claims.document_of_before").search(sentence[:s]))  # "stated in the bulletin of X"
        if near_verb and actor not in claimants:
            claimants.append(actor)
            relays += [actor] if lexicon.rx("claims.relaying_agency_after").match(sentence[e:]) else []
    if any(a.side in report.profile.party_codes for a in claimants):
        claimants = [a for a in claimants if a not in relays]  # "X confirmed that ..., the Y news agency said": X speaks
    return claimants


def _own_people_there(text: str, report: Report) -> bool:
    """'... as a team of X journalists were talking to residents at the scene' (X the outlet)."""
    return bool(report.lexicon.rx("claims.on_the_scene").search(text)) and bool(_outlet_named(text, report, "claims.outlet_crew"))


def inside_quotes(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation ("... where X's peacekeepers are deployed ...," the ministry said)."""
    before = text[:pos]
    if before.count('"') % 2:
        return True
    return before.rfind("“") > before.rfind("”")


def closing_sentences(sentences: list) -> list[str]:
    """For each sentence of a paragraph, the later sentence that closes the quotation it opens or goes on with and
    leaves open ("“Near X, the enemy fired mortars. Near Y, it used grenade launchers,” the press centre said."), or ""."""
    closing = [""] * len(sentences)
    straight, curly_open = 0, False  # as inside_quotes counts them, kept up sentence by sentence
    open_since = None  # the first sentence that ends inside the quotation still open
    for m, sentence in enumerate(sentences):
        text = sentence.text
        straight += text.count('"')
        last_open, last_close = text.rfind("“"), text.rfind("”")
        if last_open != last_close:
            curly_open = last_open > last_close
        inside = bool(straight % 2 or curly_open)
        if inside and open_since is None:
            open_since = m
        elif not inside and open_since is not None:
            closing[open_since:m] = [text] * (m - open_since)
            open_since = None
    return closing


def recall_speaker(text: str, ctx: Context, lexicon: Lexicon) -> list[Actor]:
    """'it said', 'the ministry added': the latest named speaker, of the same kind when the noun says which."""
    m = lexicon.rx("claims.speaker_anaphora").search(text)
    if not m or not ctx.speakers:
        return []
    noun = (m.group(2) or "").lower()
    kind = lexicon.value("speaker_kinds").get(noun)
    same_kind = [a for a in ctx.speakers if kind and kind in a.name.lower()]
    return [(same_kind or ctx.speakers)[-1]]


def _said_in(text: str, ctx: Context, report: Report) -> tuple[list[Actor], str]:
    """Who a sentence says is speaking, and the rule: "the ministry said" is the ministry the sentence or the report named."""
    claimants = attributed_claimants(text, report)
    claimants = [a for a in claimants if a.name != UNNAMED_OFFICE] or claimants
    recalled = recall_speaker(text, ctx, report.lexicon) if claimants and all(a.name == UNNAMED_OFFICE for a in claimants) else []
    return (recalled, "claims.recalled") if recalled else (claimants, "claims.attributed")


def _quotation_speaker(closing: str, ctx: Context, report: Report) -> list[Actor]:
    """The speaker named first after a quotation closes ('...," the ministry stated, adding ..., TASS reports': the
    ministry, not the agency relaying it)."""
    after = closing[max(closing.rfind("”"), closing.rfind('"')) + 1 :]
    first = attributed_claimants(after, report)[:1]
    if first and first[0].name == UNNAMED_OFFICE:
        return recall_speaker(after, ctx, report.lexicon) or first
    return first


def claimants_for(text: str, line: int, ctx: Context, report: Report, record: bool = False) -> tuple[list[Actor], str]:
    """Who claims what a sentence tells, and the rule that found them: attributed in the sentence, a recalled
    speaker, the paragraph's claimant, the outlet speaking for a party or a monitor, the outlet's own people."""
    lexicon = report.lexicon
    claimants, rule = _said_in(text, ctx, report)
    if not claimants and record:  # a table row names its source without a verb of saying
        claimants, rule = list(dict.fromkeys(a for _, _, a in find_speakers(text, report))), "claims.table_source"
    if not claimants and lexicon.has("attribution", text):
        claimants, rule = recall_speaker(text, ctx, lexicon), "claims.recalled"
    if not claimants and ctx.quotation_close:
        claimants, rule = _quotation_speaker(ctx.quotation_close, ctx, report), "claims.quotation_closes"
    if not claimants:
        claimants, rule = list(ctx.paragraph_claimants.get(line, [])), "claims.paragraph"
    if not claimants and ctx.voices and (text.lstrip().startswith(('"', "'")) or ctx.answering):
        claimants, rule = [ctx.voices[-1]], "claims.speaker_continues"  # a quotation goes on, an interviewee answers
    means_next = bool(ctx.next_sentence) and bool(means_told_after(ctx.next_sentence, lexicon))
    if not claimants and ctx.next_sentence and (means_next or not find_acts(ctx.next_sentence, lexicon)):
        # "13 civilians were killed in X. Five women were among the injured, the prosecutors said.": the next
        # sentence, which only adds detail (or the weapons used), names the source of both.
        claimants, rule = attributed_claimants(ctx.next_sentence, report), "claims.next_sentence"
        if not claimants and means_next:
            claimants = recall_speaker(ctx.next_sentence, ctx, lexicon)  # "They used small arms, the ministry said."
    if not claimants and line in ctx.photo_credits:
        claimants, rule = [ctx.photo_credits[line]], "claims.photo_credit"  # a caption: what the agency's photographer saw
    if not claimants:
        claimants, rule = list(report.outlet_claimant), "claims.outlet"
    if not claimants and report.own_observer is not None and (lexicon.rx("claims.first_person").search(text) or _own_people_there(text, report)):
        claimants, rule = [report.own_observer], "claims.own_observation"  # the outlet reports what its own people saw
    if not claimants and ctx.voices and lexicon.rx("claims.speaks_in_first_person").search(text):
        claimants, rule = [ctx.voices[-1]], "claims.speaker_continues"  # a speaker goes on in the first person
    if not claimants and ctx.voices and len({a.side for a in ctx.voices}) == 1:
        claimants, rule = [ctx.voices[-1]], "claims.sole_voice"  # a report quoting one side only goes on in its voice
    if claimants:
        ctx.paragraph_claimants[line] = claimants
    if rule == "claims.attributed":
        ctx.voices += [a for a in claimants if a.side != LOCAL_SIDE]
    return claimants, rule if claimants else ""


def claim_in_denial(text: str, speakers, acts: list[Act], denial_end: int, report: Report) -> list[Actor]:
    """The speakers whose claim a denial quotes before denying it ("the statement of X that Y hit Z is groundless",
    "X's claims that ... are a lie"): named with a word for a claim, with a real act after them and before the
    denial's words. A party named so ("Azerbaijan's claims") speaks through its government."""
    lexicon = report.lexicon
    quoted, owned = lexicon.rx("claims.claim_of_before"), lexicon.rx("claims.claims_after")
    first_denial = min((s for s, _, _ in lexicon.matches("denial", text)), default=denial_end)

    def told_after(end: int) -> bool:
        return any(end < a.start < first_denial and act_is_real(text, a, lexicon) for a in acts)

    found = [actor for start, end, actor in speakers if (quoted.search(text[:start]) or owned.match(text[end:])) and told_after(end)]
    profile = report.profile
    for m in lexicon.rx("claims.party_claims").finditer(text):
        party = profile.party_named(m.group("party")) or profile.party(_side_word(m.group("party"), lexicon))
        government = profile.government_claimant(party, m.re)
        # "X's claims that ... are false", or "denied X reports that ...": the claim told after the denial's words
        denied_first = first_denial < m.start()
        if government is not None and (told_after(m.end()) or (denied_first and any(a.start > m.end() and act_is_real(text, a, lexicon) for a in acts))):
            found.append(government)
    return list(dict.fromkeys(found))


def _side_word(word: str, lexicon: Lexicon) -> str | None:
    """The party a side word names ("Azerbaijani"), by the profile's side actors."""
    return next((a.side for a in lexicon.sides if a.pattern.fullmatch(word.lower())), None)


def denial_end(text: str, acts: list[Act], lexicon: Lexicon) -> int | None:
    """Where the denial in a sentence ends (the start of a counter-claim, else the sentence's end); None when there is none."""
    negated = any(not act_is_real(text, a, lexicon) and is_negated(text, a, lexicon) for a in acts)
    if not (lexicon.has("denial", text) or negated):
        return None
    first = min([s for s, _, _ in lexicon.matches("denial", text)] + [len(text)])
    counter = lexicon.rx("claims.counter_claim").search(text, first)
    return counter.start() if counter else len(text)


def record_denial(text: str, end: int, places: list[PlaceRef], speakers, report: Report, ctx: Context, number: int) -> None:
    """Remember who denied what, so that the claims of the parties it opposes are marked denied."""
    profile = report.profile
    side = next((a.side for _, _, a in speakers if a.side in profile.party_codes), None)
    if side is None:
        marks = [s for *_, s in find_sides(text, report.lexicon, []) if s in profile.party_codes]
        side = marks[0] if marks else None
    if side:
        report.denials.append(Denial(side, ctx.entry, number, {p.surface.lower() for p in places if p.start < end}))


def apply_denials(mentions: list[Mention], report: Report) -> None:
    """Acts a party denies its forces did are denied: those naming a place it denied, else those of the same entry."""
    for denial in report.denials:
        accused = [m for m in mentions if m.perpetrator_side == denial.side]
        named = [m for m in accused if m.location_mention.lower() in denial.places]
        for m in named or [m for m in accused if m.entry == denial.entry]:
            m.claim_status = "denied"
            m.add_rule("claims.denied")


def photo_credit(text: str, report: Report) -> Actor | None:
    """The agency a caption's photo is credited to ("(AP Photo/A. Name)"): a claimant the actors list knows, else
    an independent one."""
    m = report.lexicon.rx("claims.photo_credit").search(text)
    if m is None:
        return None
    agency = m.group("agency")
    known = next((a for a in report.lexicon.claimants if a.pattern.search(agency)), None)
    return known or Actor("claimant", agency, "independent", re.compile(re.escape(agency)))
