"""Casualty figures: killed and injured in one sentence, with hedges and breakdowns, and figures told
in the sentences after an act.

Numbers in words are turned into digits with text2num before the patterns run, so "nine people" and "9 people" read
alike. Figures are never taken from counts of equipment or from ages: a figure needs a person noun or a casualty verb
next to it. The patterns are the ``figures.*`` entries of the language's patterns.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from text_to_num import alpha2digit

from pipeline.extract.context import Context
from pipeline.extract.mention import Mention, PlaceRef
from pipeline.extract.people import born_people, listed_people, named_people
from pipeline.lexicon import Lexicon

BREAKDOWN_KEYS = ("killed_women", "killed_children", "injured_women", "injured_children")
MORE_AFTER = re.compile(r"\s+(?:more|others?|additional)\b")  # "two others were killed"
MORE_BEFORE = re.compile(r"\b(?:another|a further|an additional)\s+$")  # "another two were hurt"
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "1,177" is one number
# a number opening a clause, not an aside ("including 2 children", "2 of them children")
COUNT_AFTER_BOUNDARY = re.compile(r"(?:,|\s)(?:\s*and)?\s+(?!including\b|among\b)(?:\w+\s+){0,2}?\d+\b(?!\s+of\s+(?:them|whom|those)\b)")
ASIDE_OPEN = re.compile(r"\b(?:including|among them|of them|of whom)\b(?!.*\b(?:including|among them|of them|of whom)\b)")  # the last one
FOLLOW_UP_REACH = 3  # sentences after an act whose figures still belong to it


@dataclass
class Figures:
    killed: int | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    breakdown: dict[str, int] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return self.killed is not None or self.injured is not None or bool(self.breakdown)

    def as_row(self) -> dict[str, int | None]:
        row: dict[str, int | None] = {
            "killed": self.killed, "killed_low": self.killed_low, "killed_high": self.killed_high,
            "injured": self.injured, "injured_low": self.injured_low, "injured_high": self.injured_high,
        }
        for key in BREAKDOWN_KEYS:
            row[key] = self.breakdown.get(key)
        return row

    def apply_to(self, mention: Mention) -> None:
        for key, value in self.as_row().items():
            setattr(mention, key, value)
        if self.any():
            for rule in self.rules:
                mention.add_rule(rule)


def normalise_numbers(text: str, lexicon: Lexicon) -> str:
    fatal = lexicon.rx("figures.fatal_wounds").sub("killed", lexicon.rx("figures.more_perhaps").sub("", text))  # "mortally wounded" is dead
    families = lexicon.rx("figures.family_of").sub(lambda m: f"{m.group('n')} family members", fatal)
    protected = lexicon.rx("figures.vague_quantities").sub("many", THOUSANDS.sub("", families))
    converted = alpha2digit(protected, "en", threshold=0)
    undated = lexicon.rx("figures.years").sub("", lexicon.rx("figures.ages").sub("", converted))
    return lexicon.rx("figures.days").sub(lambda m: m.group("month") or "", undated)


def _bounds(n: int, hedge: str | None, lexicon: Lexicon) -> tuple[int, int | None, int | None]:
    kind = lexicon.value("hedges").get((hedge or "").lower())
    if kind == "low":
        return n, n, None
    if kind == "high":
        return n, None, n
    return n, n, n


def _best_match(rule: str, text: str, lexicon: Lexicon) -> tuple[tuple[int, int | None, int | None], str] | None:
    found, numbers = [], {}
    for i, pattern in enumerate(lexicon.rxs(rule)):
        for m in pattern.finditer(text):
            found.append((m.start(), _bounds(int(m.group("n")), m.group("hedge"), lexicon), f"{rule}[{i}]"))
            numbers[m.start("n")] = (int(m.group("n")), bool(MORE_AFTER.match(text, m.end("n")) or MORE_BEFORE.search(text, 0, m.start("n"))))
    if not found:
        return None
    told = [numbers[start] for start in sorted(numbers)]
    first = [n for n, extra in told if not extra]
    # "others" told before any first figure are others than the dead of the sentence, not more of this kind
    plain_from = next((k for k, (_, extra) in enumerate(told) if not extra), len(told))
    more = [n for n, extra in told[plain_from:] if extra]
    if more and first and not lexicon.rx("figures.revision").search(text):
        # "five were killed ... and two others were killed": the others add to the first figure
        total = max(first) + sum(more)
        return (total, total, total), f"{rule}.added"
    # After "initially ... later corrected to" the last figure told is current; otherwise the largest is
    # ("nine died; the toll rose to ten").
    if lexicon.rx("figures.revision").search(text):
        _, best, which = max(found, key=lambda f: (f[0], f[1]))
    else:
        _, best, which = max(found, key=lambda f: f[1][0])
    lows = [b[1] for _, b, _ in found if b[1] is not None]
    highs = [b[2] for _, b, _ in found if b[2] is not None]
    return (best[0], (min(lows) if lows else None), (max(highs) if highs else None)), which


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    total = 0
    for m in pattern.finditer(text):
        total += int(m.group("n")) if m.group("n") else 1
    return total or None


def _breakdown(kind: str, text: str, lexicon: Lexicon) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in lexicon.rx("figures.of_them").finditer(text):
        key = f"{kind}_women" if m.group("women") else f"{kind}_children"
        out[key] = out.get(key, 0) + int(m.group("n"))
    if out:
        return out
    for m in lexicon.rx("figures.breakdown").finditer(text):
        out.update(_women_and_children(kind, m.group("list"), lexicon))
    return out


def _split_kinds(text: str, lexicon: Lexicon) -> tuple[str, str]:
    """Split a sentence into the part about deaths and the part about injuries."""
    m = lexicon.rx("figures.injury_word").search(text)
    k = lexicon.rx("figures.death_word").search(text)
    if not m or not k:
        return text, text
    if k.start() < m.start():
        cut = text.find(";", k.end(), m.start())
        cut = cut if cut != -1 else _last_counted_boundary(text, k.end(), m.start())
        cut = cut if cut != -1 else text.rfind(",", k.end(), m.start())
        cut = cut if cut != -1 else text.find(" and ", k.end(), m.start())
        if cut == -1:
            return text, text
        return text[:cut], text[cut:]
    cut = text.rfind(",", m.end(), k.start())
    if cut == -1:
        return text, text
    return text[cut:], text[:cut]


def _last_counted_boundary(text: str, start: int, end: int) -> int:
    """The last comma or 'and' between ``start`` and ``end`` after which a number comes before ``end``: in
    'five were killed and 13 civilians, including children, were injured' the injured part starts at 'and 13',
    not at the comma of the aside. -1 where no number follows any of them."""
    for b in sorted((b.start() for b in re.finditer(r",|\sand\s", text[start:end])), reverse=True):
        aside = ASIDE_OPEN.search(text, start, start + b)
        if aside and "," not in text[aside.end() : start + b]:
            continue  # "..., including eight children and 15 women, were injured": inside the aside
        if COUNT_AFTER_BOUNDARY.match(text, start + b, end):
            return start + b
    return -1


def _figure(kind: str, part: str, sentence: str, lexicon: Lexicon) -> tuple[tuple[int, int | None, int | None], str] | None:
    """((best, low, high), rule) of one kind of casualty: counted figures, a listed group, one person, or an explicit none."""
    found = _best_match(f"figures.{kind}", part, lexicon)
    family = lexicon.rx(f"figures.with_family_{kind}").search(part)
    counted = [
        (listed_people(part, f"figures.listed_{kind}", lexicon), f"figures.listed_{kind}"),
        (listed_people(part, f"figures.listed_object_{kind}", lexicon), f"figures.listed_object_{kind}"),
        (born_people(part, kind, lexicon), f"figures.born_people_{kind}"),
        (named_people(part, sentence, kind, lexicon), f"figures.named_list_{kind}"),
        # "a man and his two sons": the man too
        (int(next(g for g in family.group("n", "n2", "m", "m2") if g)) + 1 if family else None, f"figures.with_family_{kind}"),
    ]
    for n, rule in counted:  # a group counted person by person wins over a smaller figure
        if n and (found is None or n > found[0][0]):
            found = (n, n, n), rule
    if found is None and lexicon.rx(f"figures.single_{kind}").search(part):
        found = (1, 1, 1), f"figures.single_{kind}"
    if found is None and lexicon.rx(f"figures.none_{kind}").search(sentence):
        found = (0, 0, 0), f"figures.none_{kind}"
    if found is None and lexicon.rx("figures.no_losses").search(sentence):
        found = (0, 0, 0), "figures.no_losses"
    return found


def parse_figures(sentence: str, lexicon: Lexicon) -> Figures:
    text = normalise_numbers(sentence, lexicon)
    figures = Figures()
    killed_part, injured_part = _split_kinds(text, lexicon)
    killed = _figure("killed", killed_part, sentence, lexicon)
    if killed:
        (figures.killed, figures.killed_low, figures.killed_high), rule = killed
        figures.rules.append(rule)
    injured = _figure("injured", injured_part, sentence, lexicon)
    if injured:
        (figures.injured, figures.injured_low, figures.injured_high), rule = injured
        figures.rules.append(rule)
    if figures.killed or lexicon.rx("figures.dead_list").search(text):
        figures.breakdown.update(_breakdown("killed", killed_part, lexicon))
    if figures.killed:
        figures.breakdown.update(_named_victims("killed", killed_part, lexicon))
    if figures.injured:
        figures.breakdown.update(_breakdown("injured", injured_part, lexicon))
    return figures


def _named_victims(kind: str, text: str, lexicon: Lexicon) -> dict[str, int]:
    """Breakdowns given as a list of victims: 'killing two women, a man and a girl', 'a 16-year-old boy died'."""
    m = lexicon.rx("figures.victim_list").search(text)
    out = _women_and_children(kind, m.group("list"), lexicon) if m else {}
    single = lexicon.rx("figures.child_age").search(text)
    if f"{kind}_children" not in out and single and (single.group("age") is None or int(single.group("age")) < 18):
        out[f"{kind}_children"] = 1
    return out


def _women_and_children(kind: str, segment: str, lexicon: Lexicon) -> dict[str, int]:
    out: dict[str, int] = {}
    women = _count(lexicon.rx("figures.women"), segment)
    children = _count(lexicon.rx("figures.children"), segment)
    if women:
        out[f"{kind}_women"] = women
    if children:
        out[f"{kind}_children"] = children
    return out


def tally_clause_start(text: str, clause_bounds: list[tuple[int, int]], lexicon: Lexicon) -> int:
    """Where the clause with a running tally or background begins ("..., adding that attacks have so far ...")."""
    first_tally = min(s for s, _, _ in lexicon.matches("tally", text) + lexicon.matches("background", text))
    return max((s for s, e in clause_bounds if s <= first_tally), default=0)


def _same_place(
    text: str, places: list[PlaceRef], ctx: Context, number: int, line: int, lexicon: Lexicon, every: bool = False
) -> list[Mention]:
    """The mentions of the latest act told at the place the figures name ("In X, one civilian died"), a few
    sentences back at most; with ``every``, of all the acts told there within that reach ("no casualties in X
    yesterday and today")."""
    verbs = [m.start() for m in lexicon.rx("figures.casualty_verb").finditer(text)]
    nearest = min(places, key=lambda p: min((abs(v - p.start) for v in verbs), default=0)).surface.lower()
    found: list[Mention] = []
    for n, told in reversed(ctx.told):
        if number - n > FOLLOW_UP_REACH:
            break
        found += [m for m in told if m.location_mention.lower() == nearest]
        if found and not every:
            break
    if every:  # ... and in the whole paragraph
        found += [m for m in ctx.paragraph_mentions.get(line, []) if m.location_mention.lower() == nearest and m not in found]
    return found


def attach_figures(
    figures: Figures, text: str, places: list[PlaceRef], ctx: Context, number: int, line: int, lexicon: Lexicon, acts: list | None = None
) -> None:
    """Figures of a sentence that names no new event belong to the event just told: not when they are spread
    over places it does not name ("26 were wounded in settlements along the line as a result of shelling"), nor
    when they come from an earlier statement."""
    recent = ctx.recent_mentions
    if not recent or number - ctx.recent_sentence > FOLLOW_UP_REACH:
        return
    if lexicon.rx("figures.earlier_statement").search(text) or lexicon.rx("figures.elsewhere").search(text):
        return
    if acts and lexicon.rx("figures.spread_over_places").search(text):
        return
    none = figures.killed == 0 or figures.injured == 0
    targets = _same_place(text, places, ctx, number, line, lexicon, every=none) if places else []
    names_a_told_place = places and any(m.location_mention.lower() in {p.surface.lower() for p in places} for m in recent)
    # A report that has told one place so far: its toll may come a paragraph on, unless told as a running total
    # ("officials say 50 civilians have been killed").
    one_story = len({m.location_mention.lower() for _, told in ctx.told for m in told}) == 1 and not lexicon.rx("figures.running_total").search(text)
    if not targets and not names_a_told_place:
        if line != ctx.recent_line and number - ctx.recent_sentence > 1 and not lexicon.rx("figures.the_act").search(text) and not (one_story or none):
            return  # a later paragraph that names neither the place nor "the shelling" just told: another matter
        if none:  # "there were no casualties": none at any place of the paragraph just told
            targets = ctx.paragraph_mentions.get(line) or ctx.paragraph_mentions.get(ctx.recent_line, recent)
        elif len({m.location_mention.lower() for m in recent}) == 1:
            targets = recent
    revised = bool(lexicon.rx("figures.revised").search(text))  # a correction replaces the earlier figure
    for mention in targets:
        _give(mention, figures, revised, "figures.follow_up")
    if targets:  # the story goes on: its next figures ("by the evening the toll rose to ...") are still its own
        ctx.recent_sentence, ctx.recent_line = number, line


def _give(mention: Mention, figures: Figures, revised: bool, rule: str) -> None:
    """Set a mention's figures that are still unknown (or revised ones), recording the rules."""
    row = figures.as_row()
    changed = False
    for key, value in row.items():
        if value is None:
            continue
        current = getattr(mention, key)
        if current is None or (key in ("killed", "injured") and revised):
            changed = True
            setattr(mention, key, value)
            if key in ("killed", "injured"):
                low, high = getattr(mention, f"{key}_low"), getattr(mention, f"{key}_high")
                lows = [v for v in (low, row[f"{key}_low"]) if v is not None]
                setattr(mention, f"{key}_low", min(lows) if lows else None)
                setattr(mention, f"{key}_high", row[f"{key}_high"] if row[f"{key}_high"] is not None else high)
    if changed:
        mention.add_rule(rule)
        for figure_rule in figures.rules:
            mention.add_rule(figure_rule)


def keep_lead_figures(figures: Figures, ctx: Context, number: int) -> None:
    """'One civilian was killed in shelling on X-land, the ministry said.' ... 'fire on the settlement of Y': a toll
    told in the lead, with an act but no place, waits for the place the next sentences name."""
    if figures.any() and not ctx.recent_mentions:
        ctx.lead_figures = (figures, number)


def give_lead_figures(mentions: list[Mention], ctx: Context, number: int) -> None:
    if ctx.lead_figures is None or not mentions:
        return
    figures, told = ctx.lead_figures
    ctx.lead_figures = None
    if number - told > FOLLOW_UP_REACH or len({m.location_mention.lower() for m in mentions}) != 1:
        return
    for mention in mentions:
        if mention.killed is None and mention.injured is None:
            _give(mention, figures, False, "figures.lead")
