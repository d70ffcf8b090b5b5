"""Segmenting: list items and table rows read as sentences, and sentences split into clauses."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.extract.mention import Act, Clause, PlaceRef
from pipeline.extract.places import places_of_consequences, resolve_pronouns
from pipeline.lexicon import Lexicon

DASH = re.compile(r"\s[-–—]\s")
ALIAS = re.compile(r"\([^)]*\)")  # "Martuni (Khojavend)"
KIND = r"(?:\s+(?:regions?|districts?|provinces?|rayons?|oblasts?|settlements?|villages?|towns?))?"
LIST_TAIL = re.compile(rf"{KIND}(?:\s*,\s*[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?{KIND})*\s*")  # ", Y, Z" (or "region, Y") after a place
NAME = re.compile(r"[A-Z][\w'’-]+")
LIST_ITEM = re.compile(r"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?,\s*")  # "– X Y, " before the next place of a list
LIST_AND = re.compile(r"and\s+(?:the\s+)?")
TABLE_FIELD = re.compile(r"\s[-–—|]\s")
BULLET_MARK = re.compile(r"^\s*(?:[-–—•*▪]|\d{1,2}[.)])\s+")
AGENCY_TAG = re.compile(r"^\s*/[A-Za-z][\w .-]{1,24}/\.?\s*")
HASHTAG = re.compile(r"#(?=\w)")  # "a school in #Town of #Country", as quoted posts write names
SCARE_QUOTES = re.compile(r'(?<=\s)"([a-z][\w\'-]*(?: [\w\'-]+){0,3})"(?=[\s,;])')  # were also "intermittently fired" at (not "Smerch")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})


def sentence_text(text: str, skip: int, lead_in: str) -> tuple[str, int, bool]:
    """The text the rules read for one sentence or list item, how much of its start is context only, and whether
    it is a table row (its fields then name the source without a verb of saying).

    A bullet mark is blanked; a table row's field separators become commas ("26 Oct – X district –
    shelling – 1 injured" is one record, not clauses); a dateline or entry stamp is blanked; a list
    item is read after its lead-in. Typographic quotes become plain ones and a hashtag's sign a space; offsets stay
    those of the text, except after quotes around a few words inside a clause ('were "intermittently fired" at'),
    which are dropped (the rest of the sentence moves two places left, padded at its end).
    """
    item = BULLET_MARK.sub(lambda m: " " * len(m.group(0)), text)
    record = bool(TABLE_FIELD.search(item) and (lead_in or len(TABLE_FIELD.findall(item)) >= 2))
    if record:
        item = TABLE_FIELD.sub(" , ", item)
    if skip and not lead_in:
        item = " " * skip + item[skip:]
    tag = AGENCY_TAG.match(item)
    if tag:  # "/TASS/. One civilian ...": the wire's tag, not a source the sentence cites
        item = " " * tag.end() + item[tag.end():]
    read = HASHTAG.sub(" ", ((f"{lead_in} " if lead_in else "") + item).translate(APOSTROPHES))
    unquoted = SCARE_QUOTES.sub(lambda m: m.group(1), read)  # a few words quoted inside a clause are read as words
    read = unquoted + " " * (len(read) - len(unquoted))
    return read, max(skip, len(lead_in) + 1 if lead_in else 0), record


def clause_bounds(sentence: str, lexicon: Lexicon, places: list[PlaceRef] = ()) -> list[tuple[int, int]]:
    bounds, start = [], 0
    starts = {p.start for p in places}
    for m in lexicon.rx("clause.break").finditer(sentence):
        if _inside_brackets(sentence, m.start()):
            continue  # "X (called Y – a note), Z": a bracket's words break no clause
        if DASH.fullmatch(m.group(0)) and (m.end() in starts or any(LIST_ITEM.fullmatch(sentence, m.end(), s) for s in starts)):
            continue  # "three of its towns – X, Y and Z –": the dash opens the list of the places named (some perhaps unknown)
        joined = LIST_AND.match(sentence, m.end())
        listed = joined and (joined.end() in starts or NAME.match(sentence, joined.end()))
        if listed and any(p.end <= m.start() and LIST_TAIL.fullmatch(ALIAS.sub("", sentence[p.end : m.start()])) for p in places):
            continue  # "X, Y, and Z districts": a list of places (some perhaps unknown), not two clauses
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    return [(s, e) for s, e in bounds if sentence[s:e].strip()]


def _inside_brackets(sentence: str, pos: int) -> bool:
    opened = sentence.rfind("(", 0, pos)
    return opened >= 0 and sentence.rfind(")", opened, pos) < 0 and sentence.find(")", pos) >= 0


def build_clauses(text: str, places: list[PlaceRef], acts: list[Act], lexicon: Lexicon) -> list[Clause]:
    """Clauses with their own acts and places (offsets within the clause); an anaphoric place joins the clause of an act."""
    clauses = [Clause(s, e, text[s:e]) for s, e in clause_bounds(text, lexicon, places)]
    for a in acts:
        clause = next((c for c in clauses if c.start <= a.start < c.end), clauses[-1])
        clause.acts.append(replace(a, start=a.start - clause.start, end=a.end - clause.start))
    for p in places:
        clause = next((c for c in clauses if c.start <= p.start < c.end), clauses[-1])
        if p.anaphoric and not clause.acts:
            clause = next((c for c in clauses if c.acts), clause)
            p = replace(p, start=clause.start + clause.acts[0].end, end=clause.start + clause.acts[0].end) if clause.acts else p
        clause.places.append(replace(p, start=p.start - clause.start, end=p.end - clause.start))
    _share_lead_acts(text, clauses)
    resolve_pronouns(clauses, lexicon)
    places_of_consequences(clauses, lexicon)
    return clauses


def _share_lead_acts(text: str, clauses: list[Clause]) -> None:
    """'the enemy attacked five times: near A using X; near B using Y': the items of a list a colon opens, one per
    clause after semicolons, tell the act of the lead before the colon when they name none of their own."""
    colon = text.find(":")
    lead = next((c for c in clauses if c.start <= colon < c.end), None) if colon >= 0 else None
    told = [a for a in lead.acts if lead.start + a.end <= colon] if lead is not None else []
    if not told:
        return
    previous = lead
    for clause in clauses[clauses.index(lead) + 1 :]:
        if text[previous.end : clause.start].strip() != ";":
            return
        if clause.places and not clause.acts:
            clause.acts = [replace(a, start=0, end=0) for a in told]
        previous = clause
