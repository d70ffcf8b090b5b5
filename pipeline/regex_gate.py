"""Regular expressions with a literal prefilter.

Most of the lexicon's patterns cannot match most sentences, and Python's ``re`` finds that out by
trying every start position. A pattern whose every match must contain one of a few literal words
("killed" or "shot dead") is skipped, without running it, on any text that contains none of them.
The words are read off the pattern's parse tree, so the prefilter is a necessary condition only: a
gated pattern gives exactly the results of the pattern itself.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

try:  # the parser of the standard library's ``re`` (private, stable since Python 3.11)
    from re import _constants as sre
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - another Python: patterns run ungated
    sre = sre_parser = None  # type: ignore[assignment]

# Single letters are in nearly every sentence and would gate nothing.
MIN_WORD = 2
# A pattern is gated by at most this many word sets, every one of which a match needs.
MAX_SETS = 2
# Above this many words a need is checked with one regular expression, below with substring tests.
MAX_SUBSTRING_TESTS = 16
# Letters that match a literal under IGNORECASE fold, with ``fold``, to that literal; only ASCII
# literals are used, for which this was checked over all of Unicode.
LITERAL_CHARS = frozenset(string.printable)

Need = frozenset[str]


def fold(text: str) -> str:
    """Casefolded text in which every character that ``re`` matches to an ASCII literal ignoring case is that literal."""
    return text.casefold().replace("ı", "i").replace("\u0307", "")


class GatedPattern:
    """A compiled pattern that is only run on text containing one word of each of its ``needs``."""

    __slots__ = ("regex", "needs", "pattern", "flags", "groups", "groupindex", "_words", "_word_sets", "_alternations")

    def __init__(self, regex: re.Pattern[str], needs: tuple[Need, ...]) -> None:
        self.regex = regex
        self.needs = needs
        self.pattern = regex.pattern
        self.flags = regex.flags
        self.groups = regex.groups
        self.groupindex = regex.groupindex
        # Substring tests are the fastest check up to a dozen or so words; a longer list is one scan of its alternation.
        self._words = tuple(next(iter(need)) for need in needs if len(need) == 1)
        self._word_sets = tuple(tuple(sorted(need)) for need in needs if 1 < len(need) <= MAX_SUBSTRING_TESTS)
        self._alternations = tuple(alternation(need) for need in needs if len(need) > MAX_SUBSTRING_TESTS)

    def could_match(self, text: str) -> bool:
        folded = _folded(text)
        for word in self._words:
            if word not in folded:
                return False
        for words in self._word_sets:
            if not _any_in(words, folded):
                return False
        return all(words.search(folded) is not None for words in self._alternations)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(string, pos, endpos) if self.could_match(string) else None

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.match(string, pos, endpos) if self.could_match(string) else None

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.fullmatch(string, pos, endpos) if self.could_match(string) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.regex.finditer(string, pos, endpos) if self.could_match(string) else iter(())

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.regex.findall(string, pos, endpos) if self.could_match(string) else []

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.regex.sub(repl, string, count) if self.could_match(string) else string

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> tuple[str, int]:
        return self.regex.subn(repl, string, count) if self.could_match(string) else (string, 0)

    def split(self, string: str, maxsplit: int = 0) -> list[Any]:
        return self.regex.split(string, maxsplit) if self.could_match(string) else [string]

    def __repr__(self) -> str:
        return f"GatedPattern({self.regex!r}, needs={[sorted(n) for n in self.needs]})"


Regex = re.Pattern[str] | GatedPattern  # what the lexicon's patterns are

_FOLDED: dict[str, str] = {}


def _any_in(words: tuple[str, ...], folded: str) -> bool:
    return any(map(folded.__contains__, words))


def _folded(text: str) -> str:
    """``fold(text)``, kept for the last few thousand texts: every pattern asks for the same sentence's."""
    folded = _FOLDED.get(text)
    if folded is None:
        if len(_FOLDED) > 4096:
            _FOLDED.clear()
        folded = _FOLDED[text] = fold(text)
    return folded


class GateIndex:
    """Which patterns of a list could match a text: one substring test per distinct word of their first needs,
    instead of one gate per pattern (patterns that need nothing are always candidates)."""

    def __init__(self, patterns: Iterable[object]) -> None:
        by_word: dict[str, set[int]] = {}
        self.always: frozenset[int] = frozenset()
        for i, pattern in enumerate(patterns):
            if isinstance(pattern, GatedPattern):
                for word in pattern.needs[0]:
                    by_word.setdefault(word, set()).add(i)
            else:
                self.always |= {i}
        self.words = tuple((word, frozenset(indices)) for word, indices in sorted(by_word.items()))

    def candidates(self, text: str) -> list[int]:
        """Indices, in list order, of the patterns that could match ``text``."""
        folded = _folded(text)
        found = set(self.always)
        for word, indices in self.words:
            if word in folded:
                found |= indices
        return sorted(found)


def alternation(words: Need) -> re.Pattern[str]:
    """A pattern finding any of ``words`` (folded) in folded text."""
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w))))


def gated(regex: re.Pattern[str]) -> re.Pattern[str] | GatedPattern:
    """``regex`` behind a prefilter of the literal words every match needs, or ``regex`` itself where it needs none."""
    needs = required_words(regex.pattern, regex.flags)
    return GatedPattern(regex, needs) if needs else regex


def required_words(pattern: str, flags: int = 0) -> tuple[Need, ...]:
    """Sets of folded words of which every match of ``pattern`` contains at least one each (the best few)."""
    if sre_parser is None:
        return ()
    try:
        tree = sre_parser.parse(pattern, flags)
    except (re.error, RecursionError):
        return ()
    chosen: list[Need] = []
    for need in sorted({need for need in _sequence_needs(list(tree)) if _useful(need)}, key=_rank):
        if len(chosen) < MAX_SETS and not any(_implies(other, need) for other in chosen):
            chosen.append(need)
    return tuple(chosen)


def _implies(found: Need, need: Need) -> bool:
    """Whether finding a word of ``found`` finds one of ``need`` (" killed" holds "killed")."""
    return all(any(word in longer for word in need) for longer in found)


def _useful(need: Need) -> bool:
    return min(map(len, need)) >= MIN_WORD


def _rank(need: Need) -> tuple[int, int, tuple[str, ...]]:
    return (-min(map(len, need)), len(need), tuple(sorted(need)))


def _sequence_needs(items: list[tuple[Any, Any]]) -> list[Need]:
    """Every word set a match of this sequence needs: its literal runs and each required item's own sets."""
    needs: list[Need] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        char = _literal_char(op, arg)
        if char:
            run.append(char)
            continue
        if run and op is sre.BRANCH:
            # ``re`` moves a common prefix out of an alternation ("hrw|human rights" as "h(rw|uman rights)"): put it back
            leads = [_leading_run(list(branch)) for branch in arg[1]]
            if all(leads):
                needs.append(frozenset("".join(run) + lead for lead in leads))
        if run:
            needs.append(frozenset({"".join(run)}))
            run = []
        if op is not None:
            needs += _item_needs(op, arg)
    return needs


def _leading_run(items: list[tuple[Any, Any]]) -> str:
    run = []
    for op, arg in items:
        char = _literal_char(op, arg)
        if not char:
            break
        run.append(char)
    return "".join(run)


def _literal_char(op: Any, arg: Any) -> str:
    """The folded character a parse-tree item matches literally, or "" (not a literal, or not ASCII)."""
    return chr(arg).lower() if op is sre.LITERAL and chr(arg) in LITERAL_CHARS else ""


def _item_needs(op: Any, arg: Any) -> list[Need]:
    if op is sre.SUBPATTERN:
        return _sequence_needs(list(arg[-1]))
    if op is sre.ATOMIC_GROUP:
        return _sequence_needs(list(arg))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _sequence_needs(list(arg[2]))
    if op is sre.BRANCH:
        return _branch_needs(arg[1])
    return []  # classes, anchors, lookarounds, back-references, optional items: nothing a match must contain


def _branch_needs(branches: list[Any]) -> list[Need]:
    """One set for an alternation: the best set of each branch, joined; none if a branch needs nothing."""
    best: list[Need] = []
    for branch in branches:
        needs = [need for need in _sequence_needs(list(branch)) if _useful(need)]
        if not needs:
            return []
        best.append(min(needs, key=_rank))
    return [frozenset().union(*best)]
