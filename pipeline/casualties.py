"""Casualty figures in one sentence: killed and injured, hedges, and breakdowns.

Numbers in words are turned into digits with text2num before the patterns run,
so "nine people" and "9 people" read alike. Figures are never taken from counts
of equipment or from ages: a figure needs a person noun or a casualty verb next
to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from text_to_num import alpha2digit

VAGUE_QUANTITIES = re.compile(r"\b(hundreds|thousands|dozens|scores|tens)\b", re.IGNORECASE)

PERSON = (
    r"(?:people|persons?|civilians?|residents?|villagers?|others?|individuals|servicem[ae]n|soldiers?|troops|"
    r"women|woman|men|man|children|child|kids?|boys?|girls?|journalists?|employees?|workers?|policem[ae]n|"
    r"nationals|citizens|fighters|servicewomen|teenagers?|babies|baby|infants?|family members|members|wife|husband|sons?|daughters?|"
    r"mothers?|fathers?|brothers?|sisters?|teachers?|nurses?|doctors?|farmers?|shepherds?|drivers?|reporters?|relatives?|pensioners?|"
    r"passengers?|volunteers?|rescuers?|medics?|paramedics?|victims?|elderly|students?|pupils?|grand(?:daughter|son|mother|father|child)s?|"
    r"nephews?|nieces?|cousins?|neighbou?rs?|guards?|shopkeepers?|labou?rers?|builders?)"
)
SINGULAR_PERSON = (
    r"(?:person|civilian|resident|villager|soldier|serviceman|woman|man|child|kid|boy|girl|journalist|employee|worker|policeman|"
    r"fighter|teenager|baby|infant|wife|husband|son|daughter|mother|father|brother|sister|teacher|nurse|doctor|farmer|shepherd|"
    r"driver|reporter|relative|pensioner|passenger|volunteer|rescuer|medic|paramedic|victim|student|pupil|grandson|granddaughter|"
    r"grandmother|grandfather|nephew|niece|cousin|neighbou?r|guard|shopkeeper|labou?rer|builder)"
)
ADJ = r"(?:[a-z-]+ ){0,3}?"
HEDGE = r"(?P<hedge>at least|as many as|up to|more than|over|upwards of|some|about|around|nearly|almost|an estimated|approximately|roughly)?\s*"
NUM = r"(?P<n>\d{1,5})"
KILLED_VERB = r"(?:were |was |had been |have been |has been )?(?:killed|dead|died|perished|lost their lives|slain)"
INJURED_VERB = (
    r"(?:were |was |had been |have been |has been )?(?:(?:seriously |badly |severely |slightly )?(?:wounded|injured|hurt)|"
    r"suffered (?:\w+ )?injuries|(?:received|sustained) (?:\w+ ){0,2}(?:wounds|injuries)|taken to hospital|hospitali[sz]ed)"
)

# "<hedge> N [adj] person ... killed" and "killing <hedge> N"
KILLED_PATTERNS = [
    re.compile(HEDGE + NUM + r" (?:more )?" + ADJ + PERSON + r"(?:,[^,;]{0,80},)?(?: (?!and\b)\w+){0,4} " + KILLED_VERB, re.I),
    re.compile(r"\b(?:killing|killed|kills|kill|claimed the lives of|claims the lives of|left|leaves|leaving) " + HEDGE + NUM + r" (?:more )?" + ADJ + r"(?:" + PERSON + r"(?: dead)?|dead)", re.I),
    re.compile(HEDGE + NUM + r" (?:" + ADJ + PERSON + r" )?dead\b", re.I),
    re.compile(r"\b(?:death toll|toll)(?: of [\w ]{1,30}?)?(?: has| had)?(?: now)? (?:rose|rises|risen|climbs|climbed|reached|reaches|stands at|stood at|to|at|was) (?:to )?" + HEDGE + NUM, re.I),
    re.compile(r"\b(?:raising|raised|bringing|brought|putting|put) the (?:death )?toll(?: of [\w ]{1,30}?)? (?:to|at) " + HEDGE + NUM, re.I),
    re.compile(r"\bnumber of (?:the )?(?:dead|deaths|killed|fatalities) (?:at|to|rose to|has risen to|stands at) " + HEDGE + NUM, re.I),
    re.compile(HEDGE + NUM + r" (?:more )?" + ADJ + PERSON + r" (?:have |had )?(?:now )?died", re.I),
    re.compile(r"\bcost " + HEDGE + NUM + r" lives\b", re.I),
    re.compile(HEDGE + NUM + r" (?:others? )?(?:killed|dead)\b(?! (?:in|by|on) (?:the )?(?:war|fighting|conflict))", re.I),
    re.compile(r"\b(?:killing|killed|kills) " + HEDGE + NUM + r"\b(?! ?(?:km|kilomet|metres|meters|per ?cent|%|tanks?|houses?|buildings?|vehicles?))", re.I),
]
INJURED_PATTERNS = [
    re.compile(HEDGE + NUM + r" (?:more )?" + ADJ + PERSON + r"(?:,[^,;]{0,80},)?(?: (?!and\b)\w+){0,4} " + INJURED_VERB, re.I),
    re.compile(r"\b(?:left|leaving) " + HEDGE + NUM + r" (?:more )?" + ADJ + r"(?:" + PERSON + r" )?(?:injured|wounded|hurt)", re.I),
    re.compile(r"\b(?:wounding|injuring|wounded|injured|wounds|injures) " + HEDGE + NUM + r"\b(?! ?(?:km|kilomet|metres|meters|per ?cent|%|tanks?|houses?|buildings?|vehicles?))", re.I),
    re.compile(r"\band " + HEDGE + NUM + r" (?:others? |more )?(?:were )?(?:wounded|injured|hurt)\b", re.I),
    re.compile(HEDGE + NUM + r" (?:others? )?(?:wounded|injured|hurt)\b", re.I),
    re.compile(r"\bnumber of (?:the )?(?:wounded|injured) (?:at|to|rose to|has risen to|stands at) " + HEDGE + NUM, re.I),
    re.compile(HEDGE + NUM + r" (?:more |others? )?(?:were |was )?(?:received|sustained|suffered) (?:\w+ ){0,2}(?:wounds|injuries)\b", re.I),
]
SINGLE_KILLED = re.compile(
    r"\b(?:an?|one|1) (?:[\w-]+ ){0,3}?(?P<who>" + PERSON + r") (?:\w+ ){0,6}?(?:was|were|had been|has been)? ?(?:killed|died|shot dead)\b"
    r"|\bkill(?:ed|ing) (?:an?|one|1|the|his|her|their) (?:[\w-]+ ){0,3}?(?P<who2>" + SINGULAR_PERSON + r")\b|\bkill(?:ed|ing) (?:him|her)\b",
    re.I,
)
SINGLE_INJURED = re.compile(
    r"\b(?:an?|one|1) (?:[\w-]+ ){0,3}?(?P<who>" + PERSON + r") (?:(?!who\b)\w+ ){0,6}?(?:was|were|had been|has been)? ?(?:seriously |badly )?(?:wounded|injured|hurt|taken to (?:the |a )?(?:[\w-]+ ){0,3}hospital|hospitali[sz]ed)\b"
    r"|\b(?:seriously |badly )?(?:wound|injur)(?:ed|ing) (?:an?|one|1|the|his|her|their) (?:[\w-]+ ){0,3}?(?P<who2>" + SINGULAR_PERSON + r")\b|\b(?:wound|injur)(?:ed|ing) (?:him|her)\b",
    re.I,
)
NONE_KILLED = re.compile(r"\b(?:no one|nobody|none|no people|no civilians?)(?: there)? (?:was|were|is|are|had been|has been|have been)? ?killed\b|\bno (?:deaths|fatalities|casualties|victims)\b", re.I)
NONE_INJURED = re.compile(
    r"\b(?:no one|nobody|none|no people|no civilians?)(?: there)? (?:was|were|is|are|had been|has been|have been)? ?(?:killed or )?(?:injured|wounded|hurt)\b"
    r"|\bno (?:casualties|injuries|victims)\b",
    re.I,
)
BREAKDOWN = re.compile(
    r"(?:including|among them|among whom|of them|of whom|among the (?:dead|victims|injured|wounded) (?:were|are))\s*:?\s*"
    r"(?P<list>[^.;]{0,120})",
    re.I,
)
WOMEN = re.compile(r"(?:(?P<n>\d{1,4})|(?P<a>\ban?\b)) (?:[\w-]+ ){0,2}?(?:women|woman)\b", re.I)
CHILDREN = re.compile(r"(?:(?P<n>\d{1,4})|(?P<a>\ban?\b)) (?:[\w-]+ ){0,2}?(?:children|child|kids?|girls?|boys?|minors?)\b", re.I)
CHILD_AGE = re.compile(r"\b(?:an?|one) (?P<age>\d{1,2})-year-old (?:boy|girl|child|teenager)\b|\ba (?:boy|girl|child)\b", re.I)
REVISION = re.compile(r"\b(initially|at first|first reports?|corrected|revised|lowered|downgraded|later (said|put|gave|corrected|revised))\b", re.I)
DEAD_LIST = re.compile(r"\b(?:among|of) the (?:dead|killed|victims)\b", re.I)
AGES = re.compile(r"\baged? \d{1,3}(?:(?:,| and| to) \d{1,3})*", re.I)


@dataclass
class Figures:
    killed: int | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    breakdown: dict[str, int] = field(default_factory=dict)

    def any(self) -> bool:
        return self.killed is not None or self.injured is not None or bool(self.breakdown)

    def as_row(self) -> dict[str, int | None]:
        row: dict[str, int | None] = {
            "killed": self.killed, "killed_low": self.killed_low, "killed_high": self.killed_high,
            "injured": self.injured, "injured_low": self.injured_low, "injured_high": self.injured_high,
        }
        for key in ("killed_women", "killed_children", "injured_women", "injured_children"):
            row[key] = self.breakdown.get(key)
        return row


def normalise_numbers(text: str) -> str:
    protected = VAGUE_QUANTITIES.sub("many", text)
    converted = alpha2digit(protected, "en", threshold=0)
    return AGES.sub(" ", converted)


def _bounds(n: int, hedge: str | None) -> tuple[int, int | None, int | None]:
    hedge = (hedge or "").lower()
    if hedge in ("at least", "more than", "over", "upwards of"):
        return n, n, None
    if hedge in ("as many as", "up to"):
        return n, None, n
    return n, n, n


def _best_match(patterns: list[re.Pattern[str]], text: str) -> tuple[int, int | None, int | None] | None:
    found = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), _bounds(int(m.group("n")), m.group("hedge"))))
    if not found:
        return None
    # After "initially ... later corrected to" the last figure told is current; otherwise the largest is
    # ("nine died; the toll rose to ten").
    best = max(found)[1] if REVISION.search(text) else max((b for _, b in found), key=lambda b: b[0])
    found = [b for _, b in found]
    lows = [b[1] for b in found if b[1] is not None]
    highs = [b[2] for b in found if b[2] is not None]
    return best[0], (min(lows) if lows else None), (max(highs) if highs else None)


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    total = 0
    for m in pattern.finditer(text):
        total += int(m.group("n")) if m.group("n") else 1
    return total or None


OF_THEM = re.compile(
    r"(?P<n>\d{1,4}) of (?:them|whom) (?:were )?(?:an? )?(?:(?P<women>women|woman)|(?P<children>children|child|girls?|boys?|minors?))\b",
    re.I,
)


def _breakdown(kind: str, text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in OF_THEM.finditer(text):
        key = f"{kind}_women" if m.group("women") else f"{kind}_children"
        out[key] = out.get(key, 0) + int(m.group("n"))
    if out:
        return out
    for m in BREAKDOWN.finditer(text):
        out.update(_women_and_children(kind, m.group("list")))
    return out


def _split_kinds(text: str) -> tuple[str, str]:
    """Split a sentence into the part about deaths and the part about injuries."""
    m = re.search(r"\b(wounded|injured|hurt|injuries|wounding|injuring|wounds)\b", text, re.I)
    k = re.search(r"\b(killed|dead|died|killing|death|lives)\b", text, re.I)
    if not m or not k:
        return text, text
    if k.start() < m.start():
        cut = text.find(";", k.end(), m.start())
        cut = cut if cut != -1 else text.rfind(",", k.end(), m.start())
        cut = cut if cut != -1 else text.find(" and ", k.end(), m.start())
        if cut == -1:
            return text, text
        return text[:cut], text[cut:]
    cut = text.rfind(",", m.end(), k.start())
    if cut == -1:
        return text, text
    return text[cut:], text[:cut]


def _listed_people(text: str, verb: str) -> int | None:
    """'Two farmers, aged 50 and 61, and a teacher were injured' gives 3."""
    m = re.search(r"(?P<subject>[^.;:]{3,160}?) (?:were|had been|have been) " + verb, text, re.I)
    if not m:
        return None
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("subject"))
    counts = []
    for part in parts:
        pm = re.match(r"\s*(?:(?P<n>\d{1,4})|(?P<a>an?|the|his|her|their))\s+(?:[\w-]+\s+){0,3}?(?P<noun>" + PERSON + r")\b", part, re.I)
        if pm and (pm.group("n") or pm.group("a").lower() in ("a", "an", "his", "her", "their")):
            counts.append((int(pm.group("n")) if pm.group("n") else 1, pm.group("noun").lower()))
    if len(counts) < 2:
        return None
    first, noun = counts[0]
    rest = sum(c for c, _ in counts[1:])
    if noun in ("people", "persons", "civilians", "nationals", "citizens", "residents", "individuals") and first >= rest:
        return first
    return first + rest


def _figure(part: str, sentence: str, patterns: list[re.Pattern[str]], single: re.Pattern[str], none: re.Pattern[str], listed: int | None = None) -> tuple[int, int | None, int | None] | None:
    """(best, low, high) of one kind of casualty: counted figures, a listed group, one person, or an explicit none."""
    found = _best_match(patterns, part)
    if listed and (found is None or listed > found[0]):
        found = (listed, listed, listed)
    if found is None and single.search(part):
        found = (1, 1, 1)
    if found is None and none.search(sentence):
        found = (0, 0, 0)
    return found


def parse_figures(sentence: str) -> Figures:
    text = normalise_numbers(sentence)
    figures = Figures()
    killed_part, injured_part = _split_kinds(text)

    killed = _figure(killed_part, sentence, KILLED_PATTERNS, SINGLE_KILLED, NONE_KILLED, listed=_listed_people(killed_part, r"(?:killed|shot dead)"))
    if killed:
        figures.killed, figures.killed_low, figures.killed_high = killed
    listed = _listed_people(injured_part, r"(?:seriously |badly )?(?:wounded|injured|hurt)")
    injured = _figure(injured_part, sentence, INJURED_PATTERNS, SINGLE_INJURED, NONE_INJURED, listed=listed)
    if injured:
        figures.injured, figures.injured_low, figures.injured_high = injured

    if figures.killed or DEAD_LIST.search(text):
        figures.breakdown.update(_breakdown("killed", killed_part))
    if figures.killed:
        figures.breakdown.update(_named_victims("killed", killed_part))
    if figures.injured:
        figures.breakdown.update(_breakdown("injured", injured_part))
    return figures


def _named_victims(kind: str, text: str) -> dict[str, int]:
    """Breakdowns given as a list of victims: 'killing two women, a man and a girl', 'a 16-year-old boy died'."""
    m = re.search(r"\b(?:killing|killed|dead were|victims were|including)\s+(?P<list>[^.;]{0,120})", text, re.I)
    out = _women_and_children(kind, m.group("list")) if m else {}
    single = CHILD_AGE.search(text)
    if f"{kind}_children" not in out and single and (single.group("age") is None or int(single.group("age")) < 18):
        out[f"{kind}_children"] = 1
    return out


def _women_and_children(kind: str, segment: str) -> dict[str, int]:
    out: dict[str, int] = {}
    women = _count(WOMEN, segment)
    children = _count(CHILDREN, segment)
    if women:
        out[f"{kind}_women"] = women
    if children:
        out[f"{kind}_children"] = children
    return out
