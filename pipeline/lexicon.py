"""Cue words and actor names, loaded from data/reference/.

The extraction rules are generic; what they look for lives in two CSV files
that users extend for other conflicts:

- cues.csv: category, value, pattern (a regular expression, matched case-
  insensitively), source.
- actors.csv: kind (claimant or side), pattern, name (normalized), side
  (ISO3 or 'independent'), source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline import config


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Cue:
    category: str
    value: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Actor:
    kind: str
    name: str
    side: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    actors: tuple[Actor, ...]

    def cues_of(self, category: str) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if c.category == category)

    def matches(self, category: str, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of every cue of the category in text."""
        found = []
        for cue in self.cues_of(category):
            found += [(m.start(), m.end(), cue.value) for m in cue.pattern.finditer(text)]
        return sorted(found)

    def has(self, category: str, text: str) -> bool:
        return any(c.pattern.search(text) for c in self.cues_of(category))


def _rows(path: Path, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise LexiconError(f"{path}: missing columns {sorted(missing)}")
        return [(i + 2, row) for i, row in enumerate(reader)]


def _compile(path: Path, line: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{path}:{line}: bad pattern {pattern!r}: {exc}") from exc


def load_lexicon(cues_file: Path = config.CUES_FILE, actors_file: Path = config.ACTORS_FILE) -> Lexicon:
    cues = tuple(
        Cue(row["category"], row["value"], _compile(cues_file, line, row["pattern"]))
        for line, row in _rows(cues_file, {"category", "value", "pattern", "source"})
    )
    actors = tuple(
        Actor(row["kind"], row["name"], row["side"], _compile(actors_file, line, row["pattern"]))
        for line, row in _rows(actors_file, {"kind", "pattern", "name", "side", "source"})
    )
    return Lexicon(cues, actors)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
