"""Claims: whose claim a sentence tells (attribution, recalled speakers, the outlet's own voice) and who denies; the
names that may speak are found by ``speakers``."""

from __future__ import annotations

import re

from pipeline.extract.acts import act_is_real, find_acts, is_negated, means_told_after
from pipeline.extract.context import Context, Denial, Report
from pipeline.extract.mention import Act, Mention, PlaceRef
from pipeline.extract.roles import find_sides
from pipeline.extract.speakers import LOCAL_SIDE, UNNAMED_OFFICE, find_speakers, outlet_named
from pipeline.lexicon import Actor, Lexicon

VERB_AFTER_REACH = 90  # characters from a speaker to an attribution verb after it
VERB_BEFORE_REACH = 40
_THAT = re.compile(r"\bthat\b", re.I)
ADDRESSEE_REACH = 40  # characters before a speaker read for "told", "quoted by"


def attributed_claimants(sentence: str, report: Report, speakers: list[tuple[int, int, Actor]] | None = None) -> list[Actor]:
    """Speakers the sentence attributes its content to (a speaker next to a verb of saying)."""
    lexicon = report.lexicon
    verbs = lexicon.matches("attribution", sentence)
    claimants: list[Actor] = []
    relays: list[Actor] = []
    answered: list[Actor] = []  # speakers before a later one's own claim
    for s, e, actor in find_speakers(sentence, report) if speakers is None else speakers:
        one_word = " " not in sentence[s:e] and not sentence[e:].startswith("'s")
        if one_word and lexicon.rx("claims.place_preposition_before").search(sentence[:s]):
            continue  # "the city of X": a place, not a speaker
        if addressed(sentence, s, e, lexicon):
            continue
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
            if claimants and lexicon.rx("claims.claim_answered_before").search(sentence[:s]) and lexicon.rx("claims.speaks_after").match(sentence[e:]):
                answered += claimants  # "X condemned it after Y said that ...": Y claims the act, X speaks of Y's claim
            claimants.append(actor)
            relays += [actor] if lexicon.rx("claims.relaying_agency_after").match(sentence[e:]) else []
    claimants = [a for a in claimants if a not in answered]
    if any(a.side in report.profile.party_codes for a in claimants):
        claimants = [a for a in claimants if a not in relays]  # "X confirmed that ..., the Y news agency said": X speaks
    return claimants


def addressed(sentence: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """'the ministry told X', 'quoted by X', 'X was told by the ministry': X was told, it does not say it."""
    return bool(
        lexicon.rx("claims.addressee_before").search(sentence[max(0, start - ADDRESSEE_REACH) : start]) or lexicon.rx("claims.addressee_after").match(sentence[end:])
    )


def _own_people_there(text: str, report: Report) -> bool:
    """'... as a team of X journalists were talking to residents at the scene' (X the outlet)."""
    return bool(report.lexicon.rx("claims.on_the_scene").search(text)) and bool(outlet_named(text, report, "claims.outlet_crew"))


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
