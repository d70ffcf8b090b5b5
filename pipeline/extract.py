"""Extraction: one report's text -> coded event mentions.

The rules work on sentences and their clauses:

1. A clause is an event clause when it names a place and an act (a cue of
   data/reference/cues.csv, or a weapon beside an impact verb), and the act is
   neither negated nor a threat, and the sentence is neither a denial nor a
   cumulative tally.
2. Each place of the clause is one event; list qualifiers ("the regions of",
   "X districts", "in the direction of", "near") set precision 2.
3. Perpetrator, target, claimants, figures and dates come from the clause,
   then the sentence, then the surrounding text (the previous statement, the
   live-blog entry, the report).

Everything here is pure: a report dict in, a list of mention dicts out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from pipeline import config, dates
from pipeline.casualties import Figures, parse_figures
from pipeline.lexicon import Actor, Lexicon
from pipeline.schema import EVENT_TYPES
from pipeline.text import Sentence, dateline_length, split_lines, split_sentences

REMOTE = "Explosions/Remote violence"
EVENT_TYPE_OF = {sub: etype for etype, subs in EVENT_TYPES.items() for sub in subs}
SHELLING = "Shelling/artillery/missile attack"
CLASH = "Armed clash"
GROUND_AGENTS = re.compile(r"\b(troops|soldiers|units?|fighters|gunmen|armed groups?|commandos?|raiders|saboteurs|infantry|special forces)\b", re.I)

CLAUSE_BREAK = re.compile(r";|\s[-–—]\s|\s+and\s+(?=(?:that|of|then)\s)|,\s+(?=(?:and|after|before|while|whereas|but|according|which|who|adding|saying)\b)(?!and\s+(?:the|a|an)\s+\w+\s+(?:of|in)\b)", re.I)
PREFIX_PRECISION2 = re.compile(
    r"(\b(regions|districts|rayons|provinces)\s+of\b|\b(territory|directions?|outskirts|vicinity|environs|suburbs)\s+of\b"
    r"|\b(near|around|close to|outside|approaches to|on the way to)\b|\bdistricts?,|\b\d+\s*(km|kilomet(re|er)s|miles)\s+([a-z-]+\s+)?(of|from))\s*(the\s+|a\s+|its\s+)?((town|city|villages?|settlements?|districts?|regions?|areas?)\s+(of\s+)?)?"
    r"([\w'’-]+\s+){0,2}$",
    re.I,
)
SUFFIX_PRECISION2 = re.compile(r"^\s*(\([^)]*\)\s*)?(districts?|regions?|rayons?|provinces?|marz|directions?|fronts?|sectors?|areas?)\b", re.I)
LIST_JOINER = re.compile(r"^\s*(\([^)]*\))?\s*(,\s*(and\s+)?|and\s+|&\s+)(the\s+)?((town|city|village|villages|towns|district|region)\s+of\s+)?$", re.I)
CONTAINER_GAP = re.compile(r"^\s*(\([^)]*\))?,?\s+in\s+(the\s+|its\s+)?([\w'’-]+\s+){0,3}$", re.I)
ORIGIN_BEFORE = re.compile(
    r"\bfrom\s+(the\s+)?((direction|territory|side|area|positions?)\s+(of|in)\s+(the\s+)?)?((town|city|village|district|region)\s+of\s+)?([\w'’-]+\s+)?$", re.I
)
GOVERNMENT_AFTER = re.compile(
    r"^(’s|'s)?\s+((also|again|later|then|quickly|immediately|promptly|swiftly)\s+)?(said|says|say|rejected|denied|denies|insisted|accused|accuses|blamed|blames|claimed|claims|vowed|dismissed|"
    r"announced|responded|reported|warned|wanted|spoke|speaks|has said|had said)\b|^(’s|'s)\s+(\w+\s+)?(defen[cs]e|foreign|government|ministry|military|army|"
    r"officials?|authorities|version|account|claim|name|leadership|forces|troops)\b",
    re.I,
)
PASSIVE = re.compile(r"\b(came|come|comes|was|were|been|is|are)\s+(\w+\s+){0,3}(under|hit|shelled|struck|targeted|attacked)\b", re.I)
LOCAL_PASSIVE = re.compile(
    r"^('s)?(\s+[\w-]+){0,3}?\s+(were|was|had\s+been|have\s+been|has\s+been|came|come|comes|are|is|remained)\s+(\w+\s+){0,2}"
    r"(under|hit|shelled|struck|targeted|attacked|fired\s+on|bombed|pounded)\b",
    re.I,
)
WEAPON = re.compile(r"\b(missiles?|rockets?|artillery|shells?|shelling|mortars?|grads?|smerch|drones?|bombs?|air ?strikes?|mlrs)\b", re.I)
TRUCE_WORD = re.compile(r"\b(truce|ceasefire|cease-fire|armistice)\b", re.I)
GOVERNMENT_BEFORE = re.compile(
    r"\b(accused|accuses|blamed|blames|urged|urges|called on|told|warned|according to)\s+$"
    r"|\b(leadership|government|authorities|regime|rulers|officials)\s+(in|of)\s+$",
    re.I,
)
# "In Baku, the Defence Ministry says ...": the seat of the speaker, not where anything happened.
SPEAKER_SEAT = re.compile(
    r"^,\s+(the\s+|a\s+|an\s+)?([\w'-]+\s+){0,3}(ministry|officials?|government|spokes\w+|authorities|office|president|command|prosecutors?)\b"
    r"[^.;]{0,40}?\b(said|says|say|reported|reports|announced|claimed|claims|told)\b",
    re.I,
)
ANAPHORA = re.compile(
    r"\b(the|this|that|the same)\s+(two\s+)?(town|city|village|area|settlement|place|capital|villages|towns)\b|\bthere\b|\bthe\s+[\w-]+\s+(capital)\b"
    r"|\b(its|their)\s+([\w-]+\s+)?(cathedral|church|centre|center|outskirts|streets|hospital|school|market|residents|houses|homes)\b",
    re.I,
)

NO_COMMENT = re.compile(r"\b(did not|didn't|declined to|would not|refused to) (comment|respond)\b|\bno comment\b", re.I)
SPEAKER_ANAPHORA = re.compile(
    r"\b(it|he|she|they|him|her|them|the (?:[\w-]+ )?(ministry|office|statement|agency|service|spokes(?:man|woman|person)|prosecutors|officials|army|military))\b",
    re.I,
)
SIDE_AGENT_NOUNS = (
    r"(armed\s+forces|forces|army|artillery|troops|units?|military|missiles?|rockets?|fire|shelling|attacks?|side|commandos?|"
    r"soldiers|fighters|groups?|drones?|warplanes|aviation|aircraft|mlrs|grads?|smerch|shells?|mortars?|gunners|heavy\s+artillery)"
)
SIDE_TARGET_NOUNS = r"(positions?|civilians?|villages?|settlements?|territory|army\s+units|military\s+units|soldiers|servicem[ae]n|border|towns?|cities|people|residents|troops|forces|units|convoys?|columns?)"
ACT_VERBS = r"(launched|fired|shelled|attacked|struck|hit|pounded|bombed|used|stormed|seized|targeted|opened\s+fire|pressed|pushed\s+(towards|into|forward)|advanced|mounted|began|continued|carried\s+out)"


@dataclass(frozen=True)
class PlaceRef:
    start: int
    end: int
    surface: str
    precision: int = 1
    anaphoric: bool = False
    group_start: int | None = None  # index, within its clause, of the first place of its list
    feature: str = ""  # the gazetteer's kind of place ("city", "town", "village", ...)
    admin1: str = ""  # first-level division the gazetteer puts it in
    is_admin: bool = False  # the name of a district or province


@dataclass(frozen=True)
class Act:
    start: int
    end: int
    sub_event_type: str  # or "generic" / "violation"


@dataclass
class Clause:
    start: int  # offsets within the sentence
    end: int
    text: str
    places: list[PlaceRef] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)


@dataclass
class Context:
    """What carries from sentence to sentence within a report."""

    reference: datetime
    entry: int = 0
    speakers: list[Actor] = field(default_factory=list)  # named speakers so far, most recent last
    paragraph_claimants: dict[int, list[Actor]] = field(default_factory=dict)
    dated: tuple[date, date, str] | None = None
    truce_timing: str | None = None
    recent_places: list[tuple[int, int, list[PlaceRef], str, int]] = field(default_factory=list)  # (sentence no, entry, places, sentence, line)
    home: PlaceRef | None = None  # the first place the report names: where "us" and "our town" are
    last_time: datetime | None = None  # the latest clock time of an event told so far
    recent_mentions: list[dict] = field(default_factory=list)
    recent_sentence: int = -10
    paragraph_mentions: dict[int, list[dict]] = field(default_factory=dict)


def _local_date(instant: datetime) -> date:
    return instant.astimezone(timezone(timedelta(minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES))).date()


# ---------------------------------------------------------------- places

def find_places(sentence: str, gazetteer, skip_until: int = 0) -> list[PlaceRef]:
    """Places in the sentence that can be where an event happened."""
    found = []
    for m in gazetteer.find_mentions(sentence):
        if m.start < skip_until or not _is_event_area(m):
            continue
        place = getattr(m, "place", None)
        found.append(
            PlaceRef(
                m.start, m.end, sentence[m.start:m.end], feature=getattr(place, "feature", "") or "",
                admin1=getattr(place, "admin1", "") or "", is_admin=bool(getattr(m, "is_admin_area", False)),
            )
        )
    found = _drop_containing_areas(found)
    found = _drop_non_sites(sentence, found)
    return _set_precision(sentence, found)


def _is_event_area(mention) -> bool:
    place = getattr(mention, "place", None)
    feature = getattr(mention, "feature", None) or getattr(place, "feature", None) or ""
    if feature in ("country", "region", "continent") or getattr(mention, "is_region", False):
        return False
    country = getattr(mention, "country_iso3", None) or getattr(place, "country_iso3", None)
    return country is None or country in config.EVENT_COUNTRIES


def _drop_containing_areas(places: list[PlaceRef]) -> list[PlaceRef]:
    """'In Gegharkunik province, a drone struck a field near Vardenis': the province only says where Vardenis is."""
    towns = [p for p in places if not p.is_admin]
    return [p for p in places if not (p.is_admin and any(t.admin1 and t.admin1 == p.admin1 for t in towns))]


def _drop_non_sites(sentence: str, places: list[PlaceRef]) -> list[PlaceRef]:
    """Drop launch sites, capitals standing for governments, aliases in brackets and containers."""
    observer = bool(re.search(r"\bheard\b|\bsounds?\s+of\b", sentence, re.I))
    kept: list[PlaceRef] = []
    for i, p in enumerate(places):
        before, after = sentence[: p.start], sentence[p.end :]
        prev = places[i - 1] if i else None
        from_origin = ORIGIN_BEFORE.search(before[-60:])
        if from_origin and not observer:
            continue
        if observer and not re.search(r"\bfrom\b[\w\s'’-]{0,60}$", before, re.I):
            continue
        if GOVERNMENT_AFTER.search(after) or GOVERNMENT_BEFORE.search(before[-40:]) or (re.search(r"\bin\s+$", before, re.I) and SPEAKER_SEAT.match(after)):
            continue
        if prev and _inside_brackets_after(sentence, prev, p):
            continue
        if prev and CONTAINER_GAP.match(sentence[prev.end : p.start]) and SUFFIX_PRECISION2.match(after):
            continue
        kept.append(p)
    return kept


def _inside_brackets_after(sentence: str, prev: PlaceRef, p: PlaceRef) -> bool:
    gap = sentence[prev.end : p.start]
    return bool(re.match(r"^\s*\(", gap)) and ")" not in gap


def _groups(sentence: str, places: list[PlaceRef]) -> list[list[PlaceRef]]:
    groups: list[list[PlaceRef]] = []
    for p in places:
        if groups and LIST_JOINER.match(sentence[groups[-1][-1].end : p.start]):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _set_precision(sentence: str, places: list[PlaceRef]) -> list[PlaceRef]:
    out = []
    for group in _groups(sentence, places):
        prefix = sentence[max(0, group[0].start - 60) : group[0].start]
        suffix = sentence[group[-1].end :]
        wide = bool(PREFIX_PRECISION2.search(prefix) or SUFFIX_PRECISION2.match(suffix))
        if len(group) == 2 and re.search(r"\bbetween\s+(the\s+)?((towns?|villages?|cities)\s+of\s+)?$", prefix, re.I):
            # "on the road between Tartar and Barda": one place, somewhere near the first.
            out.append(replace(group[0], precision=2))
            continue
        for p in group:
            own_suffix = SUFFIX_PRECISION2.match(sentence[p.end :])
            out.append(replace(p, precision=2 if wide or own_suffix else 1))
    return out


# ---------------------------------------------------------------- acts

def find_acts(text: str, lexicon: Lexicon) -> list[Act]:
    acts = [Act(s, e, v) for s, e, v in lexicon.matches("act", text)]
    impacts = lexicon.matches("impact", text)
    for s, e, v in lexicon.matches("weapon", text):
        if any(abs(s - i_s) < 60 for i_s, _, _ in impacts):
            acts.append(Act(s, e, v))
    return _drop_overlaps(acts)


def _drop_overlaps(acts: list[Act]) -> list[Act]:
    """Where cues overlap, the longer (more specific) one wins."""
    kept: list[Act] = []
    for a in sorted(acts, key=lambda a: (-(a.end - a.start), a.start)):
        if not any(a.start < k.end and k.start < a.end for k in kept):
            kept.append(a)
    return sorted(kept, key=lambda a: a.start)


def _act_is_real(text: str, act: Act, lexicon: Lexicon) -> bool:
    """Not negated ('did not shell'), not a threat or intention ('will strike', 'every rocket fired at X will be answered')."""
    window = text[max(0, act.start - 45) : act.end + 5]
    if lexicon.has("negation", window) or lexicon.has("modality", text[max(0, act.start - 35) : act.start]):
        return False
    return not re.match(r"^[^.;,]{0,25}?\b(will|would|shall)\s+be\b", text[act.end :], re.I)


def _nearest(items, pos: int):
    return min(items, key=lambda it: min(abs(it.start - pos), abs(it.end - pos))) if items else None


def _governing_act(acts: list[Act], pos: int) -> Act | None:
    """The act that governs a place: the nearest one before it, else the nearest after it."""
    before = [a for a in acts if a.end <= pos and pos - a.end <= 120]
    if before:
        return max(before, key=lambda a: a.end)
    return _nearest(acts, pos)


def act_types(clause: Clause, place: PlaceRef, single_place: bool) -> list[tuple[str, bool]]:
    """(sub_event_type, generic) pairs coded for a place: the governing act, plus the clause's other
    kinds of act when the clause names only this place (a raid and a killing in one sentence)."""
    specific = [a for a in clause.acts if a.sub_event_type not in ("generic", "violation")]
    if any(EVENT_TYPE_OF[a.sub_event_type] == REMOTE for a in specific) or WEAPON.search(clause.text):
        specific = [a for a in specific if a.sub_event_type != "Attack"]
    anchor = clause.places[place.group_start].start if place.group_start is not None and place.group_start < len(clause.places) else place.start
    act = _governing_act(specific, anchor)
    if act:
        types = [act.sub_event_type]
        if single_place:
            # A second kind of act at the one place of the clause: a killing of civilians told with the
            # raid, or two kinds of fire named together before the place ("shelling and air raids hit X").
            others = [a for a in specific if a.sub_event_type != act.sub_event_type and (a.sub_event_type == "Attack" or a.end <= anchor)]
            types += sorted({a.sub_event_type for a in others})
        return [(t, False) for t in types]
    act = _nearest(clause.acts, place.start)
    if act and act.sub_event_type == "violation":
        return [(CLASH, True)]
    if GROUND_AGENTS.search(clause.text) and not re.search(r"\b(fire|shell|missile|rocket|artillery)", clause.text, re.I):
        return [(CLASH, True)]
    return [(SHELLING, True)]


# ---------------------------------------------------------------- actors

def find_speakers(sentence: str, lexicon: Lexicon) -> list[tuple[int, int, Actor]]:
    found = []
    for actor in lexicon.actors:
        if actor.kind != "claimant":
            continue
        found += [(m.start(), m.end(), actor) for m in actor.pattern.finditer(sentence)]
    m = re.search(r"\baccording to (armenia|azerbaijan)\b", sentence, re.I)
    if m:
        side = "ARM" if m.group(1).lower() == "armenia" else "AZE"
        gov = next((a for a in lexicon.actors if a.kind == "claimant" and a.side == side and a.name.startswith("Government")), None)
        if gov:
            found.append((m.start(1), m.end(1), gov))
    # The object of an accusation is the accused, not a speaker: "Baku accused Yerevan of ...".
    found = [f for f in found if not re.search(r"\b(accused|accuses|accusing|blamed|blames|blaming)\s+(the\s+)?$", sentence[: f[0]], re.I)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, Actor]] = []
    for f in found:
        if not any(f[0] < o[1] and o[0] < f[1] for o in out):
            out.append(f)
    return out


def attributed_claimants(sentence: str, lexicon: Lexicon) -> list[Actor]:
    """Speakers the sentence attributes its content to."""
    verbs = lexicon.matches("attribution", sentence)
    claimants = []
    for s, e, actor in find_speakers(sentence, lexicon):
        if " " not in sentence[s:e] and not sentence[e:].startswith("'s") and re.search(r"\b(of|in|near|at|from|on|into|around)\s+$", sentence[:s], re.I):
            continue  # "the city of Stepanakert": a place, not a speaker
        near_verb = any(0 <= vs - e <= 90 or 0 <= s - ve <= 40 or vs <= s < ve for vs, ve, _ in verbs)
        if near_verb and actor not in claimants:
            claimants.append(actor)
    return claimants


def _sides(sentence: str, lexicon: Lexicon, speakers: list[tuple[int, int, Actor]]) -> list[tuple[int, int, str]]:
    spans = []
    for actor in lexicon.actors:
        if actor.kind == "side":
            spans += [(m.start(), m.end(), actor.side) for m in actor.pattern.finditer(sentence)]
    # A side named inside a speaker's name ("Azerbaijan's Prosecutor General's Office") is not an actor of the act.
    return [s for s in sorted(spans) if not any(a <= s[0] < b or 0 <= a - s[1] <= 3 for a, b, _ in speakers)]


AGENT_BEFORE = re.compile(
    r"(\b(blamed|accused|accuses|blames|attributed\s+to|attributes\s+to)\s+(the\s+)?|\bby\s+(the\s+)?|\b(forces|army|troops|military|artillery|units)\s+of\s+(the\s+)?(republic\s+of\s+)?)$",
    re.I,
)
TARGET_AFTER = re.compile(r"^(\s+[\w-]+){0,2}?\s+" + SIDE_TARGET_NOUNS + r"\b", re.I)
AGENT_AFTER = re.compile(r"^('s)?(\s+[\w-]+){0,2}?\s+" + SIDE_AGENT_NOUNS + r"\b", re.I)
ACTING_AFTER = re.compile(r"^(\s+[\w-]+){0,3}?\s+(has\s+|had\s+)?" + ACT_VERBS, re.I)


def _side_role(text: str, s: int, e: int, acts: list[Act], first_act: int, passive: bool) -> str | None:
    """'agent', 'target' or None for one mention of a side ('Armenian', 'Baku's', 'Azerbaijan')."""
    before, after = text[:s], text[e:]
    if re.search(r"\bpositions\s+of\s+(the\s+)?(([\w-]+\s+){1,3}of\s+(the\s+)?(republic\s+of\s+)?)?$", before, re.I):
        return "target"  # "the positions of units of the Azerbaijan Army"
    if AGENT_BEFORE.search(before) or any(a.start <= s < a.end for a in acts):
        return "agent"  # "accused Armenian forces", "fired by the Armenian army", "under Azerbaijani fire"
    if re.search(r"\bfrom\s+(the\s+)?$", before, re.I) and re.match(r"^\s+(territory|side|positions)", after, re.I):
        return "agent"  # "fired from Armenian territory"
    if s < first_act and LOCAL_PASSIVE.match(after):
        return "target"  # "Azerbaijan's armed forces came under fire"
    if ACTING_AFTER.match(after):
        return "agent"  # "Armenian forces also fired", "Azerbaijani troops pushed towards"
    if TARGET_AFTER.match(after) and (s > first_act or passive):
        return "target"  # "shelled Azerbaijani positions"
    if (AGENT_AFTER.match(after) or ACTING_AFTER.match(after)) and (s < first_act or ACTING_AFTER.match(after)):
        return "agent"  # "Armenian artillery shelled", "Armenian forces either launched them"
    return None


def _side_roles(text: str, sides: list[tuple[int, int, str]], acts: list[Act]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Split the side mentions of a clause into agents and targets."""
    first_act = min((a.start for a in acts), default=len(text))
    passive = bool(PASSIVE.search(text))
    roles = [(s, side, _side_role(text, s, e, acts, first_act, passive)) for s, e, side in sides]
    return [(s, side) for s, side, role in roles if role == "agent"], [(s, side) for s, side, role in roles if role == "target"]


def _other(side: str | None) -> str | None:
    return {"ARM": "AZE", "AZE": "ARM"}.get(side or "")


def claimant_side(sides: set[str]) -> str | None:
    """One side when every claim comes from it, else 'multiple'; None without claims."""
    if not sides:
        return None
    return next(iter(sides)) if len(sides) == 1 else "multiple"


def claim_status(sides: set[str]) -> str:
    """contested when both parties claim, observed when only independents do, else alleged (denials come later)."""
    if {"ARM", "AZE"} <= sides:
        return "contested"
    if sides == {"independent"}:
        return "observed"
    return "alleged"


# ---------------------------------------------------------------- targets

def _target(clause: Clause, place: PlaceRef, lexicon: Lexicon, sub_event_type: str) -> str:
    """civilians, military or unknown: the target cue nearest the place, else a town under remote fire is civilian."""
    first_act = min((a.start for a in clause.acts), default=0)
    passive = bool(PASSIVE.search(clause.text))
    cues = [(s, e, v) for s, e, v in lexicon.matches("target", clause.text) if (s > first_act or passive) and not (s < place.end and place.start < e)]
    cues = [c for c in cues if not _in_agent_phrase(clause.text, c)]
    descriptors = [c for c in cues if _describes_a_place(clause, c)]
    cues = [c for c in cues if c not in descriptors] or descriptors
    if cues:
        best = min(cues, key=lambda c: min(abs(c[0] - place.start), abs(c[1] - place.end)))
        return {"civilians": "civilians", "military": "military"}.get(best[2], "unknown")
    if place.precision == 1 and EVENT_TYPE_OF[sub_event_type] == REMOTE:
        return "civilians"
    return "unknown"


def _in_agent_phrase(text: str, cue: tuple[int, int, str]) -> bool:
    """'fire from the armed forces of Armenia', 'fired by Azerbaijani units': the shooter, not the target."""
    before, after = text[: cue[0]], text[cue[1] :]
    return bool(
        re.search(r"\b(by|from)\s+(the\s+)?([\w'’-]+\s+){0,2}$", before, re.I)
        or re.match(r"^\s+of\s+(the\s+)?(republic\s+of\s+)?(armenia|azerbaijan|karabakh)\b", after, re.I)
    )


def _describes_a_place(clause: Clause, cue: tuple[int, int, str]) -> bool:
    """'the village of Safiyan', 'a village in the Barda district': a word naming the kind of place, not the target."""
    if not re.fullmatch(r"(the\s+)?(villages?|towns?|city|city of|settlements?)", clause.text[cue[0] : cue[1]], re.I):
        return False
    return any(
        re.match(r"^\s*(of|in)?\s+(the\s+)?([\w'’-]+\s+){0,2}$", clause.text[cue[1] : p.start], re.I)
        for p in clause.places
        if 0 <= p.start - cue[1] <= 30
    )


# ---------------------------------------------------------------- dates

def _clauses(sentence: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in CLAUSE_BREAK.finditer(sentence):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    return [(s, e) for s, e in bounds if sentence[s:e].strip()]


def _resolve_date(text: str, reference: datetime) -> dates.SentenceDate:
    return dates.resolve_sentence(text, reference, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES)


# ---------------------------------------------------------------- the report

@dataclass
class ReportFacts:
    """Denials seen in a report: (side of the denier, entry, sentence number, places named)."""

    denials: list[tuple[str, int, int, set[str]]] = field(default_factory=list)


def extract_report(article: dict, gazetteer, lexicon: Lexicon) -> list[dict]:
    """All event mentions of one report, in text order."""
    text: str = article["text"]
    published: datetime = article["published"].to_pydatetime() if hasattr(article["published"], "to_pydatetime") else article["published"]
    report = _report_info(article, lexicon)
    ctx = Context(reference=published)
    facts = ReportFacts()
    mentions: list[dict] = []
    day_header: datetime | None = None
    lead_in = ""
    sentence_no = 0
    lines = split_lines(text)
    for i, line in enumerate(lines):
        stamp = _entry_stamp(lines, i, day_header, published)
        if stamp is not None:
            day_header = stamp
            ctx = _new_entry(ctx, stamp)
        if line.is_lead_in:
            lead_in = line.text
            _remember_date(ctx, lead_in)
        elif not line.is_bullet:
            lead_in = ""
        if line.is_bullet and (lead_in or not line.is_prose and len(line.text.split()) >= 4):
            # A list item is read with the sentence that introduces it (if any); its own words are the evidence.
            sentence_no += 1
            item = Sentence(line.start, line.end, line.text, line.index)
            mentions += _sentence_mentions(item, sentence_no, 0, ctx, facts, gazetteer, lexicon, report, context=lead_in)
            continue
        if not line.is_prose:
            continue
        time_first = TIME_FIRST.match(line.text)
        skip = len(time_first.group(0)) if time_first else dateline_length(line.text)
        for sentence in split_sentences(line):
            sentence_no += 1
            if WEEKDAY_HEADER.match(sentence.text):
                _remember_date(ctx, f"on {sentence.text.strip(' .')}")  # a diary's "Monday." opens that day
                continue
            mentions += _sentence_mentions(sentence, sentence_no, skip if sentence.start == line.start else 0, ctx, facts, gazetteer, lexicon, report)
    _apply_denials(mentions, facts)
    return mentions


THREAD_NUMBER = re.compile(r"^\s*\d{1,3}/\s*")
# "18:40 – ...", "2/ 18:40 – ...", "9:50pm": an entry stamp that starts the line (its clock is when it was posted).
TIME_FIRST = re.compile(r"^\s*(\d{1,3}/\s*)?\d{1,2}([:.]\d\d)?\s*([ap]\.?m\.?)?\s*(GMT|UTC|local\s+time)?\s*([-–—]\s+|$)", re.I)


def _entry_stamp(lines, i: int, previous: datetime | None, published: datetime) -> datetime | None:
    """The instant a live-blog or thread entry was posted, from a stamp or day header on line i; None if there is none."""
    text = THREAD_NUMBER.sub("", lines[i].text)
    stamp = dates.parse_entry_stamp(text, previous or published, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES)
    if stamp is None:
        return None
    if not CLOCK_IN_STAMP.search(text) and not _next_is_timed_stamp(lines, i, stamp) and not WEEKDAY_HEADER.match(text):
        return None  # a dateline under the title, not the day header of a live blog or a diary
    if TIME_FIRST.match(lines[i].text):
        if previous is not None and previous - stamp > timedelta(hours=12):
            stamp += timedelta(days=1)  # a thread running past midnight
        while stamp > published + timedelta(minutes=5):
            stamp -= timedelta(days=1)  # posted before the report was published
    return stamp if stamp <= published + timedelta(days=1) else None


WEEKDAY_HEADER = re.compile(r"^\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\.?\s*$", re.I)
CLOCK_IN_STAMP = re.compile(r"\d{1,2}[:.]\d\d|\d{1,2}\s?[ap]\.?m\b", re.I)


def _next_is_timed_stamp(lines, i: int, header: datetime) -> bool:
    """A day header counts only where a timed entry stamp follows it, as in a live blog."""
    if i + 1 >= len(lines):
        return False
    nxt = lines[i + 1].text
    return bool(CLOCK_IN_STAMP.search(nxt)) and dates.parse_entry_stamp(nxt, header, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES) is not None


def _new_entry(ctx: Context, stamp: datetime) -> Context:
    return Context(reference=stamp, entry=ctx.entry + 1, speakers=ctx.speakers, recent_places=[], home=ctx.home)


MONITOR_OUTLET = re.compile(r"\b(human rights|rights (watch|monitor|group)|monitor(s|ing)?|watch|amnesty|ombudsman|defender|red cross|icrc|osce|united nations|ocha|humanitarian|mission|observatory|crisis group)\b", re.I)


@dataclass(frozen=True)
class ReportInfo:
    """What every sentence of a report shares: the report, and who speaks when the outlet speaks for itself."""

    article: dict
    outlet_claimant: list[Actor]  # the outlet is a party's agency: its statements are its claims
    own_observer: Actor | None  # an independent outlet reporting its own people's observation


def _report_info(article: dict, lexicon: Lexicon) -> ReportInfo:
    outlet = article.get("outlet") if isinstance(article.get("outlet"), str) else ""
    party = _outlet_claimant(outlet, lexicon)
    observer = Actor("claimant", outlet, "independent", re.compile(re.escape(outlet))) if outlet and not party else None
    # A rights group's or monitor's report speaks in its own voice: its unattributed findings are its claims.
    voice = [observer] if observer is not None and MONITOR_OUTLET.search(outlet) else []
    return ReportInfo(article, party or voice, observer)


def _outlet_claimant(outlet: str, lexicon: Lexicon) -> list[Actor]:
    for actor in lexicon.actors:
        if actor.kind == "claimant" and actor.side in ("ARM", "AZE") and actor.pattern.search(outlet):
            return [actor]
    return []


TABLE_FIELD = re.compile(r"\s[-–—|]\s")
BULLET_MARK = re.compile(r"^\s*(?:[-–—•*▪]|\d{1,2}[.)])\s+")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"'})


def _sentence_mentions(sentence: Sentence, number: int, skip: int, ctx: Context, facts: ReportFacts, gazetteer, lexicon: Lexicon, report: ReportInfo, context: str = "") -> list[dict]:
    """Mentions coded from one sentence; `context` is a list's lead-in, read before the item but never a source of places."""
    item = BULLET_MARK.sub(lambda m: " " * len(m.group(0)), sentence.text)
    if TABLE_FIELD.search(item) and (context or len(TABLE_FIELD.findall(item)) >= 2):
        item = TABLE_FIELD.sub(" , ", item)  # "26 Oct – Tartar district – shelling – 1 injured": one record, not clauses
    if skip and not context:
        item = " " * skip + item[skip:]  # a dateline or entry stamp: context, not content
    text = ((f"{context} " if context else "") + item).translate(APOSTROPHES)  # same length: offsets stay valid
    skip = max(skip, len(context) + 1 if context else 0)
    speakers = find_speakers(text, lexicon)
    if not NO_COMMENT.search(text):
        ctx.speakers += [a for _, _, a in speakers]
    places = find_places(text, gazetteer, skip_until=skip)
    found_acts = find_acts(text, lexicon)
    denial_end = _denial_end(text, found_acts, lexicon)
    deniers: list[Actor] = []
    if denial_end is not None:
        _record_denial(text, denial_end, places, speakers, lexicon, facts, ctx, number)
        if not [p for p in places if p.start >= denial_end]:
            _remember_date(ctx, text)  # "nobody reported a strike on 14 October ... a missile did strike X that day"
            _remember_places(ctx, number, places, text, sentence.line)
            return []
        # "... denied X and said Armenian shelling of Tartar ...": the counter-claim is read on its own.
        deniers = [a for s, _, a in speakers if s < denial_end]
        text = " " * denial_end + text[denial_end:]
        places = [p for p in places if p.start >= denial_end]
        speakers = [sp for sp in speakers if sp[0] >= denial_end]
        found_acts = find_acts(text, lexicon)
    claimants = _claimants_for(text, sentence.line, ctx, lexicon, report.outlet_claimant, report.own_observer)
    if denial_end is not None and not attributed_claimants(text, lexicon) and deniers:
        claimants = deniers[:1]  # the denier's own counter-claim
    tally = lexicon.has("tally", text) or lexicon.has("background", text)
    # "Who else fires at Martuni?" asks, and so does an interviewer's "Q: There were reports that ...".
    question = text.rstrip().endswith("?") or bool(re.match(r"^\s*(Q|Question)\s*[:.]", sentence.text))
    acts = [a for a in found_acts if _act_is_real(text, a, lexicon)]
    if context and any(a.start >= skip for a in acts):
        acts = [a for a in acts if a.start >= skip]  # a list item that names its own act
    figures = parse_figures(text)
    own_timing = _truce_timing(text, lexicon)
    if acts and not places and not tally:
        places = _anaphoric_places(text, ctx, number, sentence.line)
    if not places or not acts or tally or question:
        if not tally and not question and (acts or places or TRUCE_WORD.search(text) or DATE_STATEMENT.match(text)):
            _remember_date(ctx, text)
        figures = _figures_outside_tally(text, lexicon) if tally else Figures() if question else figures
        if figures.any():
            _attach_figures(figures, text, places, ctx, number, sentence.line)
        _remember_places(ctx, number, places, text, sentence.line)
        return []
    clauses = _build_clauses(text, places, acts)
    # A list item's dates are its own; the lead-in's date reaches it as the date of the story so far.
    date_text = " " * skip + text[skip:] if context else text
    sentence_date = _resolve_date(date_text, ctx.reference)
    out = []
    distinct = {p.surface.lower() for p in places}
    for clause in clauses:
        if not clause.places or not clause.acts:
            continue
        clause_date = _resolve_date(date_text[clause.start : clause.end], ctx.reference) if len(clauses) > 1 else sentence_date
        _index_groups(clause)
        single = len({p.surface.lower() for p in clause.places}) == 1
        for place in clause.places:
            types = act_types(clause, place, single)
            # Casualties told with a raid and a killing belong to the killing; otherwise to the governing act.
            counted = "Attack" if any(t == "Attack" for t, _ in types) else types[0][0]
            for sub_event_type, generic in types:
                mention = _code_mention(sentence, clause, place, text, found_acts, lexicon, speakers, claimants, ctx, clause_date, sentence_date, own_timing, report.article, sub_event_type, generic)
                if sub_event_type == counted and len(distinct) == 1:
                    mention.update(figures.as_row())
                elif sub_event_type == counted and len(clauses) > 1 and single:
                    mention.update(parse_figures(clause.text).as_row())
                out.append(mention)
    _update_dated(ctx, out)
    if out:
        ctx.paragraph_mentions.setdefault(sentence.line, []).extend(out)
        ctx.truce_timing = out[-1]["truce_timing"]
        ctx.recent_mentions = out
        ctx.recent_sentence = number
    _remember_places(ctx, number, places, text, sentence.line)
    return out


def _record_denial(text: str, denial_end: int, places: list[PlaceRef], speakers, lexicon: Lexicon, facts: ReportFacts, ctx: Context, number: int) -> None:
    """Remember who denied what, so that the other side's claims in the report are marked denied."""
    side = next((a.side for _, _, a in speakers if a.side in ("ARM", "AZE")), None)
    if side is None:
        side_marks = _sides(text, lexicon, [])
        side = side_marks[0][2] if side_marks else None
    if side:
        facts.denials.append((side, ctx.entry, number, {p.surface.lower() for p in places if p.start < denial_end}))


COUNTER_CLAIM = re.compile(r"\s(?:and|but)\s+(?:it\s+|he\s+|she\s+|they\s+)?(?:said|says|added|claimed|insisted|accused|blamed)\b", re.I)


def _denial_end(text: str, acts: list[Act], lexicon: Lexicon) -> int | None:
    """Where the denial in a sentence ends (the start of a counter-claim, else the sentence's end); None when there is none."""
    negated = any(not _act_is_real(text, a, lexicon) and lexicon.has("negation", text[max(0, a.start - 45) : a.end + 5]) for a in acts)
    if not (lexicon.has("denial", text) or negated):
        return None
    first = min([s for s, _, _ in lexicon.matches("denial", text)] + [len(text)])
    counter = COUNTER_CLAIM.search(text, first)
    return counter.start() if counter else len(text)


def _remember_date(ctx: Context, text: str) -> None:
    """A dated sentence about the fighting or a truce sets the date that following undated event sentences take."""
    day = _resolve_date(text, ctx.reference).day
    if day is not None:
        ctx.dated = (day.date_start, day.date_end, day.precision)


def _figures_outside_tally(text: str, lexicon: Lexicon) -> Figures:
    """Figures told before a running tally in the same sentence ("34 were hurt, adding that attacks have so far ...")."""
    first_tally = min(s for s, _, _ in lexicon.matches("tally", text) + lexicon.matches("background", text))
    clause_start = max((s for s, e in _clauses(text) if s <= first_tally), default=0)
    return parse_figures(text[:clause_start])


def _remember_places(ctx: Context, number: int, places: list[PlaceRef], text: str, line: int) -> None:
    if places and ctx.home is None:
        ctx.home = next((p for p in places if not p.anaphoric), None)
    if places:
        ctx.recent_places.append((number, ctx.entry, [p for p in places if not p.anaphoric], text, line))
        del ctx.recent_places[:-4]


def _recall_speaker(text: str, ctx: Context) -> list[Actor]:
    """'it said', 'the ministry added': the latest named speaker, of the same kind when the noun says which."""
    m = SPEAKER_ANAPHORA.search(text)
    if not m or not ctx.speakers:
        return []
    noun = (m.group(2) or "").lower()
    kind = {"ministry": "ministry", "office": "office", "army": "defence", "military": "defence", "prosecutors": "prosecutor"}.get(noun)
    same_kind = [a for a in ctx.speakers if kind and kind in a.name.lower()]
    return [(same_kind or ctx.speakers)[-1]]


FIRST_PERSON_PLACE = re.compile(r"\b(shelled|struck|hit|bombed|attacked|targeted) us\b|\bour (town|city|village|main street|streets?|school|hospital|market|houses|homes|neighbourhood|neighborhood)\b", re.I)
DATE_STATEMENT = re.compile(r"^\s*(it|this|that)\s+(was|is)\b", re.I)  # "It was the 27th of September."
OUR_SIDE = re.compile(r"\bour (country|villages|towns|cities|positions|troops|soldiers|citizens|people|army|territory|servicemen|civilians|homes)\b", re.I)
FIRST_PERSON = re.compile(r"\b(we|our (team|teams|correspondent|reporter|staff|researchers|monitors|colleagues))\b", re.I)


def _claimants_for(text: str, line: int, ctx: Context, lexicon: Lexicon, outlet_claimant: list[Actor], own_observer: Actor | None = None) -> list[Actor]:
    claimants = attributed_claimants(text, lexicon)
    attribution = lexicon.has("attribution", text)
    if not claimants and attribution:
        claimants = _recall_speaker(text, ctx)
    if not claimants:
        claimants = list(ctx.paragraph_claimants.get(line, []))
    if not claimants:
        claimants = list(outlet_claimant)
    if not claimants and own_observer is not None and FIRST_PERSON.search(text):
        claimants = [own_observer]  # the outlet reports what its own people saw
    if claimants:
        ctx.paragraph_claimants[line] = claimants
    return claimants


def _truce_timing(text: str, lexicon: Lexicon) -> str | None:
    if lexicon.has("before_truce", text):
        return "before_start"
    if lexicon.has("after_truce", text):
        return "after_start"
    return None


def _anaphoric_places(text: str, ctx: Context, number: int, line: int) -> list[PlaceRef]:
    """'the town', 'there', 'its cathedral': the place named in the previous sentence or earlier in the paragraph."""
    own = FIRST_PERSON_PLACE.search(text)
    if own and ctx.home is not None:
        # An interviewee or a local official speaking of "us", "our main street": the report's own town.
        return [PlaceRef(own.start(), own.end(), ctx.home.surface, ctx.home.precision, anaphoric=True)]
    m = ANAPHORA.search(text)
    if not m or not ctx.recent_places:
        return []
    noun = (m.group(3) or "").lower().rstrip("s")
    if noun == "capital":
        # "the capital" names the city of the story, however far back it was named.
        cities = [p for r in reversed(ctx.recent_places) if r[1] == ctx.entry for p in r[2] if p.feature == "city"]
        return [PlaceRef(m.start(), m.end(), cities[0].surface, 1, anaphoric=True)] if cities else []
    candidates = [r for r in reversed(ctx.recent_places) if r[1] == ctx.entry and r[2] and (r[0] == number - 1 or r[4] == line)][:3]
    if not candidates:
        return []
    if noun:
        for _, _, places, sentence, _ in candidates:
            for p in places:
                if re.search(rf"\b{noun}s?\b[\w\s'’-]{{0,30}}$", sentence[: p.start], re.I) or re.search(rf"^[\w\s'’-]{{0,12}}\b{noun}", sentence[p.end :], re.I):
                    return [PlaceRef(m.start(), m.end(), p.surface, p.precision, anaphoric=True)]
    first = candidates[0][2][0]
    near = noun and re.search(r"\b(near|around|close to|outskirts of)\s+(the\s+)?(two\s+)?$", text[: m.start()][-25:], re.I)
    precision = 2 if near else first.precision
    return [PlaceRef(m.start(), m.end(), first.surface, precision, anaphoric=True)]


def _attach_figures(figures: Figures, text: str, places: list[PlaceRef], ctx: Context, number: int, line: int) -> None:
    """Figures in a sentence with no act belong to the event just told."""
    recent = ctx.recent_mentions
    if not recent or number - ctx.recent_sentence > 3:
        return
    if places:
        verbs = [m.start() for m in re.finditer(r"\b(died|killed|dead|wounded|injured|hurt)\b", text, re.I)]
        nearest = min(places, key=lambda p: min((abs(v - p.start) for v in verbs), default=0))
        targets = [m for m in recent if m["location_mention"].lower() == nearest.surface.lower()]
    elif figures.killed == 0 or figures.injured == 0:
        targets = ctx.paragraph_mentions.get(line, recent)
    else:
        targets = recent if len({m["location_mention"].lower() for m in recent}) == 1 else []
    row = figures.as_row()
    revised = bool(re.search(r"\b(later|update[ds]?|corrected|revised|now)\b", text, re.I))  # a correction replaces the earlier figure
    for mention in targets:
        for key, value in row.items():
            if value is None:
                continue
            current = mention.get(key)
            if current is None or (key in ("killed", "injured") and (value > current or revised)):
                mention[key] = value
                if key in ("killed", "injured"):
                    mention[f"{key}_low"] = min(v for v in (mention.get(f"{key}_low"), row[f"{key}_low"]) if v is not None) if row[f"{key}_low"] is not None or mention.get(f"{key}_low") is not None else None
                    mention[f"{key}_high"] = row[f"{key}_high"] if row[f"{key}_high"] is not None else mention.get(f"{key}_high")


def _build_clauses(text: str, places: list[PlaceRef], acts: list[Act]) -> list[Clause]:
    clauses = [Clause(s, e, text[s:e]) for s, e in _clauses(text)]
    for a in acts:
        clause = next((c for c in clauses if c.start <= a.start < c.end), clauses[-1])
        clause.acts.append(replace(a, start=a.start - clause.start, end=a.end - clause.start))
    for p in places:
        clause = next((c for c in clauses if c.start <= p.start < c.end), clauses[-1])
        if p.anaphoric and not clause.acts:
            clause = next((c for c in clauses if c.acts), clause)
            p = replace(p, start=clause.start + clause.acts[0].end, end=clause.start + clause.acts[0].end) if clause.acts else p
        clause.places.append(replace(p, start=p.start - clause.start, end=p.end - clause.start))
    _resolve_pronouns(clauses)
    return clauses


def _resolve_pronouns(clauses: list[Clause]) -> None:
    """'... the hospital in Stepanakert; the ministry says Azerbaijani forces shelled it': the act's clause takes the places
    of the clause before it when it names none and points back with a pronoun."""
    for i, clause in enumerate(clauses):
        if clause.places or not clause.acts or i == 0:
            continue
        previous = next((c for c in reversed(clauses[:i]) if c.places), None)
        m = re.search(r"\b(it|them|there)\b|^\s*(which|where)\b", clause.text) or ANAPHORA.search(clause.text)
        if previous is None or m is None:
            continue
        anchor = max(a.end for a in clause.acts if a.start <= m.start()) if any(a.start <= m.start() for a in clause.acts) else m.start()
        clause.places = [replace(p, start=anchor, end=anchor, anaphoric=True) for p in previous.places]


def _index_groups(clause: Clause) -> None:
    first = 0
    for i, p in enumerate(clause.places):
        if i and not LIST_JOINER.match(clause.text[clause.places[i - 1].end : p.start]):
            first = i
        clause.places[i] = replace(p, group_start=first)


def _update_dated(ctx: Context, mentions: list[dict]) -> None:
    for m in mentions:
        if m["time_utc"] is not None:
            ctx.last_time = m["time_utc"]
        if m["date_expression"]:
            ctx.dated = (m["date_start"], m["date_end"], m["date_precision"])


PART_OF_DAY = re.compile(
    r"^\s*((at|before|after|around|about|by)\s+)?(dawn|daybreak|first light|dusk|nightfall|sunrise|sunset)\s*$"
    r"|^\s*(in|during) the (early )?(morning|afternoon|evening|night|hours)\s*$|^\s*(overnight|at night|that night)\s*$",
    re.I,
)
DAYS_APART = re.compile(r"\b(?P<n>one|a|two|three|four|five|six|\d) (?:days?|nights?) (?P<dir>after|before|earlier|later)\b|\bthe (?P<prev>day|night) before\b|\bthe previous (?:day|night)\b", re.I)
NUMBER_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _relative_shift(text: str) -> int:
    """Days between an undated act and the event just told: 'came one day after shelling killed ...' is -1."""
    m = DAYS_APART.search(text)
    if not m:
        return 0
    if m.group("prev") or "previous" in m.group(0).lower():
        return -1
    n = NUMBER_WORDS.get(m.group("n").lower()) or int(m.group("n"))
    return -n if m.group("dir").lower() in ("after", "earlier") else n


def _names_a_day(text: str) -> bool:
    """A weekday or a calendar date anywhere in the text (a frame such as 'said on Monday' counts)."""
    return any(kind in ("weekday", "date", "month") for _, _, kind in dates.find_date_expressions(text))


def _event_date(clause_date, sentence_date, ctx: Context, clause_text: str = "") -> tuple[date, date, str, datetime | None, str | None]:
    day = clause_date.day or sentence_date.day
    if day is not None and ctx.dated is not None and PART_OF_DAY.match(day.expression) and not _names_a_day(clause_text):
        day = None  # "at dawn" in a story already dated: that day's dawn, not the report's
    clock = clause_date.clock or sentence_date.clock
    if day is not None:
        start, end, precision, expression = day.date_start, day.date_end, day.precision, day.expression
    elif ctx.dated is not None:
        start, end, precision = ctx.dated
        expression = None
        shift = _relative_shift(clause_text)
        if shift and start + timedelta(days=shift) <= _local_date(ctx.reference):
            start, end = start + timedelta(days=shift), end + timedelta(days=shift)
            expression = "relative to the previous event"
    else:
        start = end = _local_date(ctx.reference)
        precision, expression = "day", None
    time_utc = None
    if clock is not None and precision == "day":
        local_day, time_utc = dates.event_instant(start, clock, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES)
        if day is None and time_utc is not None and ctx.last_time is not None and ctx.last_time - time_utc > timedelta(hours=12):
            # "from 23:05 ... from 00:25": the list has run past midnight
            local_day, time_utc = dates.event_instant(start + timedelta(days=1), clock, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES)
        if day is None and time_utc is not None and time_utc > ctx.reference:
            # A clock time later than the report itself, with no day named, is the night before.
            local_day, time_utc = dates.event_instant(start - timedelta(days=1), clock, local_offset_minutes=config.DEFAULT_EVENT_UTC_OFFSET_MINUTES)
        start = end = local_day
        expression = expression or clock.expression
    return start, end, precision, time_utc, expression


def _code_mention(sentence: Sentence, clause: Clause, place: PlaceRef, text: str, sentence_acts: list[Act], lexicon: Lexicon, speakers, claimants: list[Actor], ctx: Context, clause_date, sentence_date, own_timing: str | None, article: dict, sub_event_type: str, generic: bool) -> dict:
    sides = _sides(clause.text, lexicon, [(s - clause.start, e - clause.start, a) for s, e, a in speakers])
    agents, targets = _side_roles(clause.text, sides, clause.acts)
    if not agents and clause.text != text:
        sentence_sides = _sides(text, lexicon, speakers)
        agents, more_targets = _side_roles(text, sentence_sides, sentence_acts)
        targets = targets or more_targets
    perpetrator_side = _nearest_side(agents, place.start)
    target_side = _nearest_side(targets, place.start)
    claimed_by = claimant_side({a.side for a in claimants})
    if perpetrator_side is None and claimed_by in ("ARM", "AZE") and re.search(r"\b(the (enemy|adversary)|(enemy|adversary) (forces|units|troops|artillery))\b", text, re.I):
        perpetrator_side = _other(claimed_by)  # a party's statement calls the other side "the enemy"
    if target_side is None and claimed_by in ("ARM", "AZE") and re.search(r"\bour (positions|troops|forces|units|servicemen|soldiers)\b", text, re.I):
        target_side = claimed_by
    if perpetrator_side is None and target_side:
        perpetrator_side = _other(target_side)
    if perpetrator_side is None and sub_event_type != CLASH and claimed_by in ("ARM", "AZE"):
        perpetrator_side = _other(claimed_by)
    target = _target(clause, place, lexicon, sub_event_type)
    if target_side is None and perpetrator_side:
        target_side = _other(perpetrator_side)
    if not claimants and perpetrator_side and OUR_SIDE.search(text):
        # "they fired on our villages": an unnamed speaker of the side that was hit
        claimants = [a for a in lexicon.actors if a.kind == "claimant" and a.side == _other(perpetrator_side) and a.name.startswith("Government of")][:1]
        claimed_by = claimant_side({a.side for a in claimants})
    start, end, precision, time_utc, expression = _event_date(clause_date, sentence_date, ctx, clause.text)
    timing = own_timing
    if timing is None and not (clause_date.day or sentence_date.day or clause_date.clock or sentence_date.clock):
        timing = ctx.truce_timing
    return {
        "report_id": article["report_id"],
        "outlet": article.get("outlet"),
        "published": article["published"],
        "sentence": sentence.text,
        "char_start": sentence.start,
        "char_end": sentence.end,
        "date_expression": expression,
        "event_date": start,
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "time_utc": time_utc,
        "event_type": EVENT_TYPE_OF[sub_event_type],
        "sub_event_type": sub_event_type,
        "act_generic": generic,
        "perpetrator": _force_name(perpetrator_side),
        "perpetrator_side": perpetrator_side,
        "target": target,
        "target_actor": target_actor(target, target_side),
        "target_side": target_side,
        "civilian_targeting": target == "civilians",
        "claimants": sorted({a.name for a in claimants}),
        "claimant_side": claimed_by,
        "claim_status": claim_status({a.side for a in claimants}),
        "location_mention": place.surface,
        "geo_precision": place.precision,
        "truce_timing": timing,
        "killed": None, "killed_low": None, "killed_high": None,
        "injured": None, "injured_low": None, "injured_high": None,
        "killed_women": None, "killed_children": None, "injured_women": None, "injured_children": None,
        "_entry": ctx.entry,
        "_claimant_sides": sorted({a.side for a in claimants}),
    }


def _nearest_side(found: list[tuple[int, str]], pos: int) -> str | None:
    if not found:
        return None
    return min(found, key=lambda f: abs(f[0] - pos))[1]


def _force_name(side: str | None) -> str | None:
    return {"ARM": "Military Forces of Armenia", "AZE": "Military Forces of Azerbaijan"}.get(side or "")


def target_actor(target: str, side: str | None) -> str | None:
    """'Civilians (Azerbaijan)', 'Military Forces of Armenia', or None when the side or the target is unknown."""
    country = {"ARM": "Armenia", "AZE": "Azerbaijan"}.get(side or "")
    if not country or target not in ("civilians", "military"):
        return None
    return f"Civilians ({country})" if target == "civilians" else f"Military Forces of {country}"


def _apply_denials(mentions: list[dict], facts: ReportFacts) -> None:
    for side, entry, _, places in facts.denials:
        named = [m for m in mentions if m["perpetrator_side"] == side and m["location_mention"].lower() in places]
        scoped = named or [m for m in mentions if m["perpetrator_side"] == side and m["_entry"] == entry]
        for m in scoped:
            m["claim_status"] = "denied"
