"""Sentence segmentation with character offsets.

spaCy's blank English pipeline gives a tokenizer that knows abbreviations
("Oct.", "a.m.", "Gen.") and a rule-based sentencizer; no trained model is
needed. Lines are segmented one by one, so a heading, a caption or a live-blog
stamp never runs into the prose that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CUT_OFF_PARAGRAPH_WORDS = 30  # no headline or caption runs this long
CREDIT_END = re.compile(r"\s\([^()]{2,60}\)\s*$|\s©\s?[^.©]{2,60}$")
INNER_SENTENCE_END = re.compile(r"[a-z0-9][.!?][\"”’)]*\s+[A-Z]")  # a full sentence, then another that was cut off
PROSE_END = re.compile(r"""[.!?]["'”’)]*\s*$""")
BULLET = re.compile(r"^\s*(?:[-–—•*▪]|\d{1,2}[.)])\s+")
LEAD_IN_END = re.compile(r":\s*$")
DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z .'/-]{1,30}(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?))*"
    r"(?:,\s*\d{4})?(?:\s*\([^)]{1,60}\)\s*(?:[-–—]{1,2}\s+|(?=[A-Z\"\u201c\u2018']))|\s*[-–—]{1,2}\s+|:\s+(?=[A-Z])))(?=\S)"
)

# "Northtown, (Agency - Name - 1st Sep, 2023 ):" and "Northtown, May 11, (dpa/GNA) -": a city in mixed case, the agency in brackets;
# "Northtown (Valeria), May 11 (Wire/Press) Three ...": its country in brackets too, and with the date no dash needed
AGENCY_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?(?:\s*\([A-Z][A-Za-z .'-]{1,30}\))?,\s*"
    r"(?:(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s*)?\([^()]{1,80}\)\.?\s*[:\-–—]{1,2}\s*|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s*\([^()]{1,80}\)\.?\s+(?=[A-Z\"\u201c\u2018'])))(?=\S)"
)
# "Northtown/Southtown In an escalation ...": two cities joined by a slash; "Northtown /Agency/. On ...": a city and its agency
SLASH_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][a-z]+(?:/[A-Z][a-z]+)+\s+(?=[A-Z])|[A-Z][a-z]+\s*/\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*/\s*[A-Z][\w.-]+\s*:\s*"
    r"|[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?\s+/[A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*)?/\.?\s+(?=[A-Z]))"
)
# "NORTHTOWN, JULY 16, AGENCYPRESS. ..." and "NORTHTOWN, SEPTEMBER 16, AGENCY: “...": the date and the agency in capitals too
CAPITALS_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z .'/-]{1,30}(?:,\s*(?:[A-Z][A-Za-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][A-Za-z]{2,8}\.?|[A-Z][A-Za-z-]+)){1,3}"
    r"[.:]\s+)(?=[A-Z\"\u201c\u2018'])"
)
CAPITALS_LINE_LETTERS, CAPITALS_LINE_SHARE = 20, 0.8  # a heading: at least this many capitals, this share of its letters
OPENING_MARKS = ".!?:;\"“'‘([—–-"  # after one of these (or at the start), a capital says nothing of a name


def opens_a_sentence(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` comes first in its sentence, quotation or bracket (its capital may be the sentence's)."""
    before = text[:pos].rstrip()
    return not before or before[-1] in OPENING_MARKS


DATELINE_OR_BYLINE = re.compile(r"^\s*(?:[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+){0,2},\s|(?i:by)\s+[A-Z])")


def _in_capitals(text: str) -> bool:
    """Whether a line has at least CAPITALS_LINE_LETTERS capitals, CAPITALS_LINE_SHARE of its cased letters."""
    upper = sum(map(str.isupper, text))
    return upper >= CAPITALS_LINE_LETTERS and upper >= CAPITALS_LINE_SHARE * (upper + sum(map(str.islower, text)))


@dataclass(frozen=True)
class Line:
    index: int
    start: int
    end: int
    text: str

    @property
    def is_prose(self) -> bool:
        """Prose lines end like sentences; headings, captions and stamps do not. A line too long for a heading is
        prose that was cut off (an excerpt ending mid-sentence)."""
        words = len(self.text.split())
        if _in_capitals(self.text):
            return False  # a line in capitals is a heading or a table of contents ("NORTHTOWN - CLUSTER MUNITIONS ... 10")
        if PROSE_END.search(self.text):
            return words >= 4
        if words >= 12 and CREDIT_END.search(self.text):
            return True  # a caption ending in its photographer's credit: "... on 21 February (A. Name)"
        return words >= CUT_OFF_PARAGRAPH_WORDS or (words >= 8 and bool(INNER_SENTENCE_END.search(self.text)))

    @property
    def is_bullet(self) -> bool:
        return bool(BULLET.match(self.text))

    @property
    def is_lead_in(self) -> bool:
        """A sentence that introduces a list: 'units of the army subjected to fire:'."""
        return bool(LEAD_IN_END.search(self.text)) and len(self.text.split()) >= 4


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for index, raw in enumerate(text.split("\n")):
        stripped = raw.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            lines.append(Line(index, offset + lead, offset + len(stripped), stripped.strip()))
        offset += len(raw) + 1
    return lines


def is_dateline_or_byline(line: str) -> bool:
    """'BAKU, Azerbaijan, Oct. 13', 'By A. Writer - Agency:': a line that names where and who wrote, not a speaker."""
    return bool(DATELINE_OR_BYLINE.match(line))


def dateline_length(line: str) -> int:
    """Length of a wire dateline such as 'BAKU, Oct. 12 (Trend) - ' at the start of a line."""
    m = DATELINE.match(line) or AGENCY_DATELINE.match(line) or SLASH_DATELINE.match(line) or CAPITALS_DATELINE.match(line)
    return len(m.group("dateline")) if m else 0


def split_sentences(line: Line) -> list[Sentence]:
    doc = _nlp()(line.text)
    sentences = []
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = line.start + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        sentences.append(Sentence(start, start + len(text), text, line.index))
    return _rejoin_short(_move_opening_quotes(sentences))


def _move_opening_quotes(sentences: list[Sentence]) -> list[Sentence]:
    """The sentencizer leaves an opening quote at the end of the previous sentence: move it forward."""
    out: list[Sentence] = []
    for i, s in enumerate(sentences):
        if i + 1 < len(sentences) and re.search(r"\s[\"“‘']$", s.text):
            quote, kept = s.text[-1], s.text[:-1].rstrip()
            s = Sentence(s.start, s.start + len(kept), kept, s.line)
            nxt = sentences[i + 1]
            sentences[i + 1] = Sentence(nxt.start - 1, nxt.end, quote + nxt.text, nxt.line)
        out.append(s)
    return out


def _rejoin_short(sentences: list[Sentence]) -> list[Sentence]:
    """Glue a fragment such as a lone closing quote or 'he said.' back onto its sentence."""
    out: list[Sentence] = []
    for s in sentences:
        if out and (len(s.text) < 3 or s.text[0].islower()):
            prev = out.pop()
            joined = prev.text + " " * (s.start - prev.end) + s.text
            out.append(Sentence(prev.start, s.end, joined, prev.line))
        else:
            out.append(s)
    return out
