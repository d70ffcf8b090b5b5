"""Cue words, actor names and named patterns, loaded from data files.

The extraction rules are an engine; what they look for lives in data that users extend:

- a language's ``cues.csv`` (``data/lang/<code>/``) and, optionally, a conflict's own ``cues.csv``:
  category, value, pattern (a regular expression, matched case-insensitively), source;
- a conflict's ``actors.csv``: kind (claimant or side), pattern, name (normalized), side (a party
  code, several codes joined by ``|`` where the place decides, or ``independent``), source;
- a language's ``patterns.yaml``: named patterns (ids such as ``place.origin_before``) that the rules
  read by name, with the word lists they share (format in the file's header).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import yaml

from pipeline.regex_gate import GateIndex, Regex, gated


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Cue:
    category: str
    value: str
    pattern: Regex
    id: str = ""


@dataclass(frozen=True)
class Actor:
    kind: str
    name: str
    side: str  # a party code, "A|B" (the place decides), or "independent"
    pattern: Regex

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(self.side.split("|"))


@dataclass(frozen=True, eq=False)
class Lexicon:
    cues: tuple[Cue, ...]
    actors: tuple[Actor, ...]
    patterns: Mapping[str, Regex] = field(default_factory=dict)
    pattern_lists: Mapping[str, tuple[Regex, ...]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # (kind, category, text) -> cue look-up: the rules ask the same of one sentence several times
    _memo: dict[tuple[str, str, str], object] = field(default_factory=dict, repr=False)

    def forget(self) -> None:
        """Empty the memo of cue look-ups; each report's extraction starts with it empty, so it stays small."""
        self._memo.clear()

    @cached_property
    def _by_category(self) -> dict[str, tuple[Cue, ...]]:
        out: dict[str, list[Cue]] = {}
        for cue in self.cues:
            out.setdefault(cue.category, []).append(cue)
        return {k: tuple(v) for k, v in out.items()}

    def cues_of(self, category: str) -> tuple[Cue, ...]:
        return self._by_category.get(category, ())

    @cached_property
    def _category_indexes(self) -> dict[str, GateIndex]:
        return {category: GateIndex(cue.pattern for cue in cues) for category, cues in self._by_category.items()}

    def candidate_cues(self, category: str, text: str) -> list[Cue]:
        """The cues of the category that could occur in text, in file order (the others need a word it lacks)."""
        cues = self.cues_of(category)
        return [cues[i] for i in self._category_indexes[category].candidates(text)] if cues else []

    def matches(self, category: str, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of every cue of the category in text."""
        return [hit[:3] for hit in self.found(category, text)]

    def found(self, category: str, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, value, cue id) of every cue of the category in text."""
        key = ("found", category, text)
        hits = self._memo.get(key)
        if hits is None:
            hits = self._memo[key] = tuple(sorted(
                (m.start(), m.end(), cue.value, cue.id) for cue in self.candidate_cues(category, text) for m in cue.pattern.finditer(text)
            ))
        return list(hits)

    def has(self, category: str, text: str) -> bool:
        key = ("has", category, text)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = any(c.pattern.search(text) for c in self.candidate_cues(category, text))
        return found

    def rx(self, rule: str) -> Regex:
        """The named pattern ``rule`` of the language's patterns.yaml."""
        try:
            return self.patterns[rule]
        except KeyError:
            raise LexiconError(f"no pattern named {rule!r} in patterns.yaml") from None

    def rxs(self, rule: str) -> tuple[Regex, ...]:
        try:
            return self.pattern_lists[rule]
        except KeyError:
            raise LexiconError(f"no pattern list named {rule!r} in patterns.yaml") from None

    def value(self, table: str) -> Mapping[str, object]:
        try:
            return self.values[table]
        except KeyError:
            raise LexiconError(f"no value table named {table!r} in patterns.yaml") from None

    @cached_property
    def claimants(self) -> tuple[Actor, ...]:
        return tuple(a for a in self.actors if a.kind == "claimant")

    @cached_property
    def _claimant_index(self) -> GateIndex:
        return GateIndex(actor.pattern for actor in self.claimants)

    def candidate_claimants(self, text: str) -> list[Actor]:
        """The claimants of the actors list that could be named in text, in file order."""
        return [self.claimants[i] for i in self._claimant_index.candidates(text)]

    @cached_property
    def sides(self) -> tuple[Actor, ...]:
        return tuple(a for a in self.actors if a.kind == "side")


def _rows(path: Path, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise LexiconError(f"{path}: missing columns {sorted(missing)}")
        rows = [(i + 2, row) for i, row in enumerate(reader)]
    for line, row in rows:
        if None in row:  # csv puts the fields beyond the header under None
            raise LexiconError(f"{path}:{line}: more fields than the header has columns (a pattern holding a comma must be quoted)")
        if not (row.get("source") or "").strip():
            raise LexiconError(f"{path}:{line}: empty source")
    return rows


def typographic_apostrophes(pattern: str) -> str:
    """A pattern's straight apostrophes also match the typographic one (U+2019): "X's" as "X’s"."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and out[-1] != "[" and out[-1] != "[^":
                in_class = False
            elif ch == "'" and "’" not in _class_so_far(out):
                ch = "'’"
        elif ch == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
        elif ch == "'":
            ch = "['’]"
        out.append(ch)
        i += 1
    return "".join(out)


def _class_so_far(parts: list[str]) -> str:
    text = "".join(parts)
    return text[text.rfind("[") :]


def _compile(where: str, pattern: str, flags: int = re.IGNORECASE) -> Regex:
    try:
        return gated(re.compile(typographic_apostrophes(pattern), flags))
    except re.error as exc:
        raise LexiconError(f"{where}: bad pattern {pattern!r}: {exc}") from exc


def _expand(template: str, lists: Mapping[str, str], where: str) -> str:
    def piece(m: re.Match) -> str:
        if m.group(1) not in lists:
            raise LexiconError(f"{where}: unknown list <<{m.group(1)}>>")
        return lists[m.group(1)]

    return re.sub(r"<<(\w+)>>", piece, template)


def load_patterns(path: Path, inherited_lists: Mapping[str, str] | None = None) -> tuple[dict, dict, dict, dict]:
    """(patterns, pattern lists, value tables, lists) of a patterns.yaml; its patterns may use ``inherited_lists`` too,
    and the lists returned include them."""
    if not path.is_file():
        return {}, {}, {}, dict(inherited_lists or {})
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from exc
    lists = {**(inherited_lists or {}), **{str(k): str(v) for k, v in (data.get("lists") or {}).items()}}

    def compiled(entry: object, where: str) -> Regex:
        if not isinstance(entry, dict) or "pattern" not in entry:
            raise LexiconError(f"{where}: expected a mapping with a pattern")
        flags = 0 if entry.get("case_sensitive") else re.IGNORECASE
        return _compile(where, _expand(str(entry["pattern"]), lists, where), flags)

    patterns = {str(k): compiled(v, f"{path}: {k}") for k, v in (data.get("patterns") or {}).items()}
    pattern_lists = {
        str(k): tuple(compiled(e, f"{path}: {k}[{i}]") for i, e in enumerate(v)) for k, v in (data.get("pattern_lists") or {}).items()
    }
    values = {str(k): MappingProxyType(dict(v)) for k, v in (data.get("values") or {}).items()}
    return patterns, pattern_lists, values, lists


def load_lexicon(cue_files: Iterable[Path], actors_file: Path, patterns_file: Path | None = None, override_file: Path | None = None) -> Lexicon:
    """Cues of every existing file of ``cue_files`` (in order), the actors, and the named patterns; a pattern, pattern
    list or value table of ``override_file`` (a profile's own patterns.yaml) replaces the language's of that name."""
    cues: list[Cue] = []
    for path in cue_files:
        if path.is_file():
            cues += [
                Cue(row["category"], row["value"], _compile(f"{path}:{line}", row["pattern"]), row.get("id") or f"cue.{row['category']}.{path.parent.name}{line}")
                for line, row in _rows(path, {"category", "value", "pattern", "source"})
            ]
    actors = tuple(
        Actor(row["kind"], row["name"], row["side"], _compile(f"{actors_file}:{line}", row["pattern"]))
        for line, row in _rows(actors_file, {"kind", "pattern", "name", "side", "source"})
    )
    patterns, pattern_lists, values, lists = load_patterns(patterns_file) if patterns_file else ({}, {}, {}, {})
    if override_file is not None and override_file.is_file():
        unknown = []
        for mine, theirs in zip(load_patterns(override_file, lists)[:3], (patterns, pattern_lists, values), strict=True):
            unknown += [name for name in mine if name not in theirs]
            theirs.update(mine)
        if unknown:
            raise LexiconError(f"{override_file}: {', '.join(sorted(unknown))} replace(s) nothing of the language's patterns")
    return Lexicon(tuple(cues), actors, MappingProxyType(patterns), MappingProxyType(pattern_lists), MappingProxyType(values))
