"""The literal prefilter of the lexicon's patterns: it may only skip texts a pattern cannot match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import config
from pipeline.profile import load_profile
from pipeline.regex_gate import GatedPattern, GateIndex, fold, gated, required_words


@pytest.mark.parametrize(
    ("pattern", "flags", "needs"),
    [
        # every alternative of a group is needed as one set, with the literal run before it; a set another
        # implies is left out
        (r"(?P<who>[^.;]{3,90}?) (?:were|have been) (?:killed|shot dead)", re.I, [{" killed", " shot dead"}, {" were", " have been"}]),
        (r"\b(wounded|injured|hurt)\b", re.I, [{"wounded", "injured", "hurt"}]),
        # the prefix ``re`` moves out of an alternation is put back
        (r"\bhuman rights watch\b|\bhrw\b", re.I, [{"human rights watch", "hrw"}]),
        # a case-sensitive literal is compared folded
        (r"Northtown(?= council)", 0, [{"northtown"}]),
        # optional parts, lookarounds and classes are needed by no match
        (r"(?:shell(?:ed|ing))?\s*[A-Z]\w+", 0, []),
        (r"(?<=fired at )\w+", re.I, []),
        # a repeated group needs what it holds once
        (r"(?:artillery )+fire", re.I, [{"artillery "}, {"fire"}]),
        # an alternative that needs nothing (one letter) makes the whole group need nothing
        (r"\b(?:a|shelling)\b", re.I, []),
    ],
)
def test_required_words(pattern: str, flags: int, needs: list[set[str]]) -> None:
    assert [set(n) for n in required_words(pattern, flags)] == needs


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        # "i" matches the dotless and the dotted capital I ignoring case; "k" the Kelvin sign; "s" the long s
        ("kill", "KıLL"),
        ("killed", "KİLLED"),
        ("kill", "\u212aILL"),
        ("shelling", "\u017fhelling"),
        ("strasse", "STRASSE"),
    ],
)
def test_fold_keeps_every_ignorecase_match(pattern: str, text: str) -> None:
    regex = re.compile(pattern, re.I)
    assert regex.search(text), "the case is a real IGNORECASE match"
    assert gated(regex).search(text) is not None
    assert pattern in fold(text)


def test_a_gated_pattern_answers_as_its_pattern_on_text_without_its_words() -> None:
    regex = re.compile(r"(?P<n>\d+) (?:people|civilians) were killed", re.I)
    gate = gated(regex)
    assert isinstance(gate, GatedPattern)
    text = "Shells fell on Northtown overnight; 3 houses burned."
    assert gate.search(text) is None and regex.search(text) is None
    assert list(gate.finditer(text)) == []
    assert gate.findall(text) == []
    assert gate.sub("X", text) == text and gate.subn("X", text) == (text, 0)
    assert gate.split(text) == [text]
    assert gate.match(text) is None and gate.fullmatch(text) is None
    hit = gate.search("Officials said 4 civilians were killed in Riverside.")
    assert hit and hit.group("n") == "4"
    assert gate.pattern == regex.pattern and gate.groupindex == regex.groupindex


def test_a_gate_index_names_the_patterns_that_could_match() -> None:
    patterns = [gated(re.compile(p, re.I)) for p in (r"\bministry\b", r"\bgovernor of \w+", r"\bspokes(?:man|woman)\b")]
    index = GateIndex(patterns)
    assert index.candidates("The Governor of Northtown said ...") == [1]
    assert index.candidates("The ministry's spokeswoman said ...") == [0, 2]
    assert index.candidates("Shells fell on Riverside.") == []
    # a pattern that needs nothing is always a candidate, in its place in the list
    assert GateIndex([*patterns[:1], re.compile(r"[A-Z]\w+")]).candidates("Shells fell.") == [1]


def _lexicon_patterns(conflict: str) -> list[tuple[str, GatedPattern]]:
    lexicon = load_profile(conflict).lexicon
    named = [(c.id, c.pattern) for c in lexicon.cues] + [(f"actor {a.name}", a.pattern) for a in lexicon.actors]
    named += list(lexicon.patterns.items())
    named += [(f"{k}[{i}]", p) for k, v in lexicon.pattern_lists.items() for i, p in enumerate(v)]
    return [(name, p) for name, p in named if isinstance(p, GatedPattern)]


def _sample_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path(config.RAW_DIR).rglob("*")) if p.is_file()]
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+|\n+", t) if s.strip()]
    # the same sentences with their letters in other cases and a dotted capital I (both still match ignoring case)
    return sentences + [s.upper() for s in sentences[::7]] + [s.replace("i", "İ") for s in sentences[::11]]


@pytest.mark.parametrize("conflict", ["karabakh-2020", "donbas"])
def test_every_lexicon_pattern_finds_what_it_finds_ungated(conflict: str) -> None:
    """Over the sample corpus, every gated pattern of a profile finds exactly the matches of its own regex."""
    patterns = _lexicon_patterns(conflict)
    assert len(patterns) > 100, "most of the lexicon is gated"
    sentences = _sample_sentences()
    for name, gate in patterns:
        for sentence in sentences:
            got = [m.span() for m in gate.finditer(sentence)]
            assert got == [m.span() for m in gate.regex.finditer(sentence)], (name, sentence)


words = st.sampled_from(["killed", "KILLED", "kİlled", "shot dead", "were", "have been", "civilians", "ı", "\u212a", " ", ",", "3", "x"])


@given(st.lists(words, max_size=12).map("".join))
def test_gated_and_ungated_agree_on_any_text(text: str) -> None:
    for pattern in (r"(?P<n>\d+)? ?civilians (?:were|have been) (?:killed|shot dead)", r"\bkilled\b", r"dead|kill"):
        regex = re.compile(pattern, re.I)
        assert [m.span() for m in gated(regex).finditer(text)] == [m.span() for m in regex.finditer(text)]


@pytest.mark.parametrize("conflict", ["karabakh-2020", "donbas"])
def test_cue_and_claimant_look_ups_find_what_every_pattern_finds(conflict: str) -> None:
    """The lexicon's indexed look-ups give what running every cue and claimant pattern would."""
    lexicon = load_profile(conflict).lexicon
    categories = sorted({c.category for c in lexicon.cues})
    for sentence in _sample_sentences()[::3]:
        lexicon.forget()
        for category in categories:
            every = sorted((m.start(), m.end(), c.value, c.id) for c in lexicon.cues_of(category) for m in c.pattern.regex.finditer(sentence)) \
                if all(isinstance(c.pattern, GatedPattern) for c in lexicon.cues_of(category)) else None
            if every is not None:
                assert lexicon.found(category, sentence) == every, (category, sentence)
        named = [a.name for a in lexicon.claimants if next(getattr(a.pattern, "regex", a.pattern).finditer(sentence), None)]
        assert [a.name for a in lexicon.candidate_claimants(sentence) if next(a.pattern.finditer(sentence), None)] == named
