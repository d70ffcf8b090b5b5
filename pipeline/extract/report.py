"""One report's text -> coded event mentions: the loop over its lines and sentences.

1. A clause is an event clause when it names a place and an act (a cue, or a weapon beside an impact
   verb), the act is neither negated nor a threat, and the sentence is neither a denial, a question
   nor a cumulative tally.
2. Each place of the clause is one event; list qualifiers ("the regions of", "X districts", "in the
   direction of", "near") set precision 2.
3. Perpetrator, target, claimants, figures and dates come from the clause, then the sentence, then the
   surrounding text (the previous statement, the live-blog entry, the report).

Pure: an article dict, the gazetteer and the profile in; a list of :class:`Mention` out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from pipeline.coding import ATTACK
from pipeline.extract import claims, places, roles, timeline
from pipeline.extract.acts import UNSPECIFIC, act_is_real, act_types, find_acts, means_told_after, means_told_next
from pipeline.extract.coded import Coding
from pipeline.extract.context import Context, Report, open_report
from pipeline.extract.figures import (
    Figures,
    attach_figures,
    give_lead_figures,
    keep_lead_figures,
    parse_figures,
    tally_clause_start,
)
from pipeline.extract.mention import Act, Mention, PlaceRef
from pipeline.extract.segment import build_clauses, clause_bounds, sentence_text
from pipeline.lexicon import Actor
from pipeline.profile import Profile
from pipeline.text import Sentence, dateline_length, is_dateline_or_byline, split_lines, split_sentences

CUT_OFF_LAST_LINE_WORDS = 12
RECAP_PRECISIONS = ("month", "year")  # an act dated no closer than this recaps the war; it is no event
RECAP_LIST_PLACES = 5  # places an undated "have been targeted" names when it lists the war's targets so far
RECAP_SPAN_DAYS = 3  # an act dated by a span of this many days or more ("on 27-29 September") recaps them


def extract_report(article: dict, gazetteer, profile: Profile) -> list[Mention]:
    """All event mentions of one report, in text order."""
    report = open_report(article, profile, gazetteer)
    lexicon, local = profile.lexicon, profile.local_time
    published = _reference_time(article, local)
    ctx = Context(reference=published)
    title = article.get("title") if isinstance(article.get("title"), str) else ""
    ctx.voices += [a for _, _, a in claims.find_speakers(title, report) if a.side != claims.LOCAL_SIDE]  # "the mayor of X on ..."
    mentions: list[Mention] = []
    day_header: datetime | None = None
    lead_in = ""
    sentence_no = 0
    lines = split_lines(article["text"])
    sentences_of = _SentenceCache(lines)
    # Paragraphs before the wire dateline ("CITY (Agency) — ...") are photo captions: their acts are coded,
    # but their dates do not date the story that follows.
    body_start = next((i for i, line in enumerate(lines) if dateline_length(line.text)), 0)
    captions = _photo_captions(lines, lexicon)
    ctx.photo_credits = {lines[i].index: credit for i in captions if (credit := claims.photo_credit(lines[i].text, report)) is not None}
    for i, line in enumerate(lines):
        stamp = timeline.entry_stamp(lines, i, day_header, published, local, lexicon)
        if stamp is not None:
            day_header = stamp
            ctx = ctx.new_entry(stamp)
        if line.is_lead_in:
            lead_in = line.text
            timeline.remember_date(ctx, lead_in, local, timeline.LIST_SCOPE, lexicon, sentence_no)
        elif not line.is_bullet:
            lead_in = ""
        if line.is_bullet and (lead_in or not line.is_prose and len(line.text.split()) >= 4):
            # A list item is read with the sentence that introduces it (if any); its own words are the evidence.
            sentence_no += 1
            item = Sentence(line.start, line.end, line.text, line.index)
            mentions += sentence_mentions(item, sentence_no, 0, ctx, report, lead_in=lead_in)
            continue
        cut_off = i == len(lines) - 1 and len(line.text.split()) >= CUT_OFF_LAST_LINE_WORDS  # an excerpt ending mid-sentence
        if not line.is_prose and not cut_off:
            if is_dateline_or_byline(line.text):
                continue
            # A headline or a caption names speakers later sentences may point back to ("the mayor of X on ...").
            named = [a for _, _, a in claims.find_speakers(line.text, report) if a.side != claims.LOCAL_SIDE]
            ctx.speakers += named
            ctx.voices += named
            continue
        ctx.answering = i > 0 and lines[i - 1].text.rstrip().endswith("?") and not line.text.rstrip().endswith("?")
        time_first = timeline.TIME_FIRST.match(line.text)
        skip = len(time_first.group(0)) if time_first else dateline_length(line.text)
        line_sentences = sentences_of(i)
        closings = claims.closing_sentences(line_sentences)
        for k, sentence in enumerate(line_sentences):
            sentence_no += 1
            ctx.next_sentence = line_sentences[k + 1].text if k + 1 < len(line_sentences) else sentences_of.first_of_next_prose(i)
            ctx.quotation_close = closings[k]
            if lexicon.rx("segment.weekday_header").match(sentence.text):
                timeline.remember_date(ctx, f"on {sentence.text.strip(' .')}", local)  # a diary's "Monday." opens that day
                continue
            story = (ctx.dated, ctx.frame)
            mentions += sentence_mentions(sentence, sentence_no, skip if sentence.start == line.start else 0, ctx, report)
            if i < body_start or i in captions:
                ctx.dated, ctx.frame = story
    if title:
        _title_figures(mentions, title, report)
    claims.apply_denials(mentions, report)
    summary_end = timeline.summary_end(lines[body_start:], lexicon)
    if summary_end is not None:
        timeline.date_lead_from_body(mentions, summary_end, lexicon)
    return mentions


def _title_figures(mentions: list[Mention], title: str, report: Report) -> None:
    """A headline's toll at the one place it names ("Seven hurt as shells hit X") is the toll of the report's one
    incident there, where the body tells none of it or only a part ("two in a cafe ... five near a school")."""
    lexicon = report.lexicon
    figures = parse_figures(title, lexicon)
    if not figures.any() or lexicon.has("tally", title) or lexicon.has("background", title):
        return
    named = {(p.location or p.surface).lower() for p in places.find_places(title, report.gazetteer, report.profile)}
    if len(named) != 1:
        return
    (where,) = named
    there = [m for m in mentions if _place_name(m, report) == where]
    if len({m.event_date for m in there}) != 1:
        return
    for mention in there:
        for key in ("killed", "injured"):
            value, current = getattr(figures, key), getattr(mention, key)
            if value is not None and (current is None or current < value):
                setattr(mention, key, value)
                setattr(mention, f"{key}_low", value)
                setattr(mention, f"{key}_high", value)
                mention.add_rule("figures.title")


def _place_name(mention: Mention, report: Report) -> str:
    place = report.gazetteer.resolve(mention.location_mention) if report.gazetteer is not None else None
    return (place.location if place is not None else mention.location_mention).lower()


def _photo_captions(lines, lexicon) -> set[int]:
    """Lines of a photo caption inside the story: a line with a photo credit ("[File: A. Name/Agency]", "(AP Photo)"),
    and the line before it when that ends with the photo's date. Their acts are coded; their dates do not date the story."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        if lexicon.rx("segment.photo_credit").search(line.text) or lexicon.rx("claims.photo_credit").search(line.text):
            out.add(i)
            if i > 0 and lexicon.rx("segment.caption_date_end").search(lines[i - 1].text):
                out.add(i - 1)
    return out


def _before_tally(text: str, found_places: list[PlaceRef], found_acts: list[Act], lexicon) -> tuple[str, list[PlaceRef], list[Act], bool]:
    """'A shell killed a boy in X on Tuesday, bringing the toll to 93 since September': the act told before the
    clause with the running tally (or the background) is an event; the rest of the sentence is not read."""
    cut = tally_clause_start(text, clause_bounds(text, lexicon), lexicon)
    places_before, acts_before = [p for p in found_places if p.end <= cut], [a for a in found_acts if a.end <= cut]
    if not cut or not places_before or not acts_before:
        return text, found_places, found_acts, True
    return text[:cut] + " " * (len(text) - cut), places_before, acts_before, False


def _reference_time(article: dict, local) -> datetime:
    """The instant the report speaks from. A date given without a time (read as midnight UTC) may be any hour of
    that day: the end of the local day, so that "at 13:50" that day is not taken for the night before."""
    published = article["published"]
    published = published.to_pydatetime() if hasattr(published, "to_pydatetime") else published
    if article.get("published_note") == "no_zone" and published.time() == time(0):
        return datetime.combine(published.date(), time(23, 59), tzinfo=local.zone).astimezone(UTC)
    return published


class _SentenceCache:
    """The sentences of each prose line, split once (the split is the costly step)."""

    def __init__(self, lines) -> None:
        self.lines, self.cache = lines, {}

    def __call__(self, i: int) -> list[Sentence]:
        if i not in self.cache:
            self.cache[i] = split_sentences(self.lines[i])
        return self.cache[i]

    def first_of_next_prose(self, i: int) -> str:
        nxt = i + 1
        if nxt >= len(self.lines) or not self.lines[nxt].is_prose:
            return ""
        sentences = self(nxt)
        return sentences[0].text if sentences else ""


def sentence_mentions(sentence: Sentence, number: int, skip: int, ctx: Context, report: Report, lead_in: str = "") -> list[Mention]:
    """Mentions coded from one sentence; ``lead_in`` introduces a list item: read before it, never a source of places."""
    profile, lexicon, local = report.profile, report.lexicon, report.profile.local_time
    text, skip, record = sentence_text(sentence.text, skip, lead_in)
    speakers = claims.find_speakers(text, report)
    if not lexicon.rx("claims.no_comment").search(text):
        # one named inside a quotation is quoted, not speaking ("... where X's peacekeepers are deployed," it said); one told is not
        ctx.speakers += [a for s, e, a in speakers if a.side != claims.LOCAL_SIDE and not claims.inside_quotes(text, s) and not claims.addressed(text, s, e, lexicon)]
    non_sites: list[PlaceRef] = []
    found_places = places.find_places(text, report.gazetteer, profile, skip_until=skip, dropped=non_sites)
    found_acts = find_acts(text, lexicon)
    denial_end = claims.denial_end(text, found_acts, lexicon)
    deniers = []
    # "the statement of X that Y hit Z is false": X's claim, which the speaker denies
    denied_claim = claims.claim_in_denial(text, speakers, found_acts, denial_end, report) if denial_end is not None else []
    if denial_end is not None:
        others = [sp for sp in speakers if sp[2] not in denied_claim]
        claims.record_denial(text, denial_end, found_places, others, report, ctx, number)
        if not [p for p in found_places if p.start >= denial_end] and not denied_claim:
            timeline.remember_date(ctx, text, local, sentence.line, lexicon, number)  # "nobody reported a strike on 14 October ... a missile did strike X that day"
            ctx.remember_places(number, found_places, text, sentence.line)
            return []
    if denial_end is not None and not denied_claim:
        # "... denied X and said Y's shelling of Z ...": the counter-claim is read on its own.
        deniers = [a for s, _, a in speakers if s < denial_end]
        text = " " * denial_end + text[denial_end:]
        found_places = [p for p in found_places if p.start >= denial_end]
        speakers = [sp for sp in speakers if sp[0] >= denial_end]
        found_acts = find_acts(text, lexicon)
    claimants, claim_rule = claims.claimants_for(text, sentence.line, ctx, report, record)
    if denial_end is not None and not claims.attributed_claimants(text, report) and deniers:
        claimants, claim_rule = deniers[:1], "claims.counter_claim"  # the denier's own counter-claim
    if denied_claim:
        claimants, claim_rule = denied_claim, "claims.denied_claim"
    tally = lexicon.has("tally", text) or lexicon.has("background", text)
    if tally:
        text, found_places, found_acts, tally = _before_tally(text, found_places, found_acts, lexicon)
    # "Who else fires at X?" asks, and so does an interviewer's "Q: There were reports that ...".
    question = text.rstrip().endswith("?") or bool(lexicon.rx("segment.interviewer_question").match(sentence.text))
    acts = [a for a in found_acts if act_is_real(text, a, lexicon)]
    if lead_in and any(a.start >= skip for a in acts):
        acts = [a for a in acts if a.start >= skip]  # a list item that names its own act
    figures = parse_figures(text, lexicon)
    if lexicon.rx("figures.spread_over_days").search(text):
        figures = Figures()  # "killing 25 in two days of attacks": a total over several events, none's own toll
    if not found_acts and found_places and figures.any() and not tally and not question:
        acts = found_acts = timeline.casualties_as_act(text, figures, ctx, lexicon, local)
    if acts and not tally and not question:
        acts = sorted(acts + timeline.casualty_clause_acts(text, found_places, acts, ctx.reference, lexicon, local), key=lambda a: a.start)
    own_timing = timeline.truce_timing(text, lexicon)
    if acts and not found_places and not tally:
        found_places = places.anaphoric_places(text, ctx, number, sentence.line, lexicon, non_sites)
    if acts and not found_places and not tally:
        found_places = places.named_next(text, ctx.next_sentence, report.gazetteer, profile)
    if not found_places or not acts or tally or question:
        told_day = None
        # casualties with no act word ("one soldier was wounded on Monday") tell an event of that day too
        tells = bool(acts) or figures.any()
        if not tally and not question:
            told_day = timeline.remember_date(ctx, text, local, timeline.LIST_SCOPE if lead_in else sentence.line, lexicon, number, tells)
        own_acts = acts
        if tally:  # figures told before a running tally ("34 were hurt, adding that attacks have so far ...")
            cut = tally_clause_start(text, clause_bounds(text, lexicon), lexicon)
            figures = parse_figures(text[:cut], lexicon)
            own_acts = [a for a in acts if a.start < cut]
        elif question:
            figures = Figures()
        if figures.any():
            attach_figures(figures, text, found_places, ctx, number, sentence.line, lexicon, own_acts)
            if own_acts and not found_places and not tally and not lexicon.rx("figures.elsewhere").search(text):
                keep_lead_figures(figures, ctx, number)
        if own_acts and not found_places and not tally and not question:
            roles.keep_lead_target(text, own_acts, ctx, number, lexicon)
        if tells and not found_places and not tally and not question:
            timeline.remember_unplaced_event(ctx, told_day)
        named_means = tuple(dict.fromkeys(value for _, _, value, _ in lexicon.found("weapon", text)))
        if named_means and not found_places and not tally and not question:
            ctx.day_means = (sentence.line, number, named_means)
        ctx.remember_places(number, found_places, text, sentence.line)
        return []
    clauses = build_clauses(text, found_places, acts, lexicon)
    # A list item's dates are its own; the lead-in's date reaches it as the date of the story so far.
    date_text = " " * skip + text[skip:] if lead_in else text
    sentence_date = timeline.resolve_date(date_text, ctx.reference, local)
    many = len({(p.location or p.surface).lower() for p in found_places}) >= RECAP_LIST_PLACES
    summary = lexicon.rx("timeline.perfect_of_targets").search(text) or lexicon.rx("timeline.examples_of_targets").search(text)
    if sentence_date.day is None and many and summary:
        ctx.remember_places(number, found_places, text, sentence.line)
        return []  # "A, B, C, D and E have been targeted" (or "... among others"), with no day: the war's targets so far
    if sentence_date.day is not None and _recaps(sentence_date.day):
        ctx.remember_places(number, found_places, text, sentence.line)
        return []  # acts dated only to a month, a year or a span of days ("in the early days of October") recap the war
    if sentence_date.day is not None and profile.first_year and sentence_date.day.date_end.year < profile.first_year:
        ctx.remember_places(number, found_places, text, sentence.line)
        return []  # an act dated before the conflict's first year is its history ("the town fell on 8 May 1992")
    coded = Coding(sentence, number, text, found_acts, speakers, claimants, claim_rule, own_timing, sentence_date, ctx, report, bool(lead_in))
    coded.speaker_places = _speakers_with_own_places(speakers, claimants, found_places) if claim_rule == "claims.attributed" else []
    out = []
    distinct = {(p.location or p.surface).lower() for c in clauses if c.acts for p in c.places}  # the places events are coded at
    weapons = [(start, value) for start, _, value, _ in lexicon.found("weapon", text)]
    means_after = means_told_after(ctx.next_sentence, lexicon) if not weapons else ()
    unstated = not weapons and not means_after and any(a.sub_event_type in UNSPECIFIC for a in acts)
    means_next = means_told_next(ctx.next_sentence, report) if unstated else ()
    means_before = ctx.means_before(sentence.line, number) if not weapons else ()
    figures_at = _place_of_figures(text, found_places, lexicon) if len(distinct) > 1 and figures.any() else None
    from_afar = bool(lexicon.rx("acts.fire_from_afar").search(text))
    for clause in clauses:
        if not clause.places or not clause.acts:
            continue
        clause_date = timeline.resolve_clause_date(date_text, clause.start, clause.end, ctx.reference, local, lexicon) if len(clauses) > 1 else sentence_date
        places.index_groups(clause, lexicon)
        single = len({p.surface.lower() for p in clause.places}) == 1
        # A later phase fights differently with unstated means; fire at a town still reaches it by shelling.
        # ... but fire from a launch site the text names is fire from a distance in every phase
        phase_fire = profile.unstated_fire if from_afar else profile.unstated_fire_on(_day_of(clause_date, sentence_date, ctx))
        earlier = tuple(value for start, value in weapons if start < clause.start)  # "X artillery shelled A ... and hit B"
        for place in clause.places:
            types = act_types(clause, place, single, lexicon, profile.unstated_fire, earlier, means_after, means_before, means_next)
            phased = act_types(clause, place, single, lexicon, phase_fire, earlier, means_after, means_before, means_next) if phase_fire != profile.unstated_fire else types
            # Casualties told with a raid and a killing belong to the killing; otherwise to the governing act.
            counted = ATTACK if any(t == ATTACK for t, _, _ in phased) else phased[0][0]
            for (sub_event_type, generic, act_rule), (default_type, _, _) in zip(phased, types, strict=True):
                at_civilians = default_type if default_type != sub_event_type else None
                mention = coded.mention(clause, place, clause_date, sub_event_type, generic, act_rule, at_civilians)
                # the counted act, or one the mention recoded (a phase's fire at a town or at people)
                counts = sub_event_type == counted or mention.sub_event_type != sub_event_type
                own = parse_figures(clause.text, lexicon) if counts and len(distinct) > 1 and len(clauses) > 1 and single else None
                if own is not None and own.any():
                    own.apply_to(mention)  # "..., while a woman was hurt in Y": each clause's own figures
                elif counts and (len(distinct) == 1 or (place.location or place.surface).lower() == figures_at):
                    figures.apply_to(mention)
                out.append(mention)
    out += _on_the_other_days(out, sentence_date)
    # "the ministry said" about a place one side holds: that side's voice, which the next sentences may go on in
    heard = sorted({m.claimant_side for m in out if claims.UNNAMED_OFFICE in m.claimants and m.claimant_side in profile.party_codes})
    ctx.voices += [Actor("claimant", claims.UNNAMED_OFFICE, side, lexicon.rx("claims.unnamed_office")) for side in heard]
    timeline.update_dated(ctx, out, lexicon)
    give_lead_figures(out, ctx, number)
    roles.give_lead_target(out, ctx, number)
    roles.agent_told_next(out, ctx.next_sentence, report)
    if out:
        ctx.paragraph_mentions.setdefault(sentence.line, []).extend(out)
        ctx.truce_timing = out[-1].truce_timing
        ctx.recent_mentions = out
        ctx.recent_sentence = number
        ctx.recent_line = sentence.line
        ctx.told = [*ctx.told[-3:], (number, out)]
    ctx.remember_places(number, found_places, text, sentence.line)
    return out


def _on_the_other_days(mentions: list[Mention], sentence_date) -> list[Mention]:
    """The same acts on the other days a sentence lists or joins to its first ("on 24 October and on the night of
    the 25th", "on October 5, 8 and 27")."""
    day = sentence_date.day
    if day is None or not day.also:
        return []
    listed = (day.date_start, *day.also)  # a clause may hold only the list's last day ("..., 28, and November 7, X was hit")
    return [
        replace(
            m, event_date=other, date_start=other, date_end=other, time_utc=None,
            claimants=list(m.claimants), claimant_sides=list(m.claimant_sides), rules=[*m.rules, "timeline.second_day"],
        )
        for m in mentions if "timeline.own_date" in m.rules and m.event_date in listed
        for other in listed if other != m.event_date
    ]


def _day_of(clause_date, sentence_date, ctx: Context) -> date:
    """The day a clause tells of, near enough to know the conflict's phase: its own date, else the story's, else the report's."""
    day = clause_date.day or sentence_date.day
    if day is not None:
        return day.date_start
    return ctx.dated[0] if ctx.dated else ctx.reference.date()


def _recaps(day) -> bool:
    span = (day.date_end - day.date_start).days + 1
    return day.precision in RECAP_PRECISIONS or (day.precision == "week" and span >= RECAP_SPAN_DAYS and any(c.isdigit() for c in day.expression))


def _place_of_figures(text: str, found_places: list[PlaceRef], lexicon) -> str | None:
    """The one place named after the sentence's first casualty word, when others come before it only ("shells hit
    A and B, killing two people in B"): the figures are that place's."""
    verbs = [m.start() for m in lexicon.rx("figures.casualty_verb").finditer(text)]
    if not verbs:
        return None
    after = {(p.location or p.surface).lower() for p in found_places if p.start > verbs[0]}
    before = {(p.location or p.surface).lower() for p in found_places if p.start < verbs[0]}
    return next(iter(after)) if len(after) == 1 and before - after else None


def _speakers_with_own_places(speakers, claimants: list[Actor], found_places: list[PlaceRef]) -> list[tuple[int, Actor]]:
    """(start, speaker) of the attributed speakers of a sentence when they are of different sides and each is followed
    by places of its own before the next speaker; else none (one claim the speakers share)."""
    places_at = {(p.start, p.end) for p in found_places}
    said = [(start, actor) for start, end, actor in speakers if actor in claimants and (start, end) not in places_at]  # not "its capital, X, was hit"
    if len(said) < 2 or len({actor.side for _, actor in said}) < 2:
        return []
    bounds = [start for start, _ in said[1:]] + [10**9]
    if all(any(start < p.start < end for p in found_places) for (start, _), end in zip(said, bounds, strict=True)):
        return said
    return []
