"""People counted one by one: named with their years of birth, listed by full name, or listed by noun
("two farmers, aged 50 and 61, and a teacher")."""

from __future__ import annotations

import re

from pipeline.lexicon import Lexicon

QUOTE_MARKS = "\"'“”‘’ "
FULL_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}")
BRACKETS = re.compile(r"\s*\([^)]*\)")
RANK_BEFORE_NAME = re.compile(r"^(?:[a-z][\w-]*\s+){1,3}(?=[A-Z])")  # "corporal A B", "senior lieutenant C D"


def born_people(text: str, kind: str, lexicon: Lexicon) -> int | None:
    """'A (1989), B (1962) and C (1967) were killed' gives 3: the people named with a year of birth before the
    verb of ``kind``, counted from the previous casualty verb (the list of another kind ends there)."""
    person = lexicon.rx("figures.born_person")
    verb = lexicon.rx(f"figures.born_people_{kind}").search(text)
    if verb:
        others = [m.end() for k in ("killed", "injured") for m in lexicon.rx(f"figures.born_people_{k}").finditer(text, 0, verb.start())]
        before = len(person.findall(text, max(others, default=0), verb.start()))
        if before:
            return max(before, _names_closing(text[max(others, default=0) : verb.start()], lexicon))
    active = lexicon.rx(f"figures.born_people_active_{kind}").search(text)
    if not active:
        return None
    # "injuring A, born in 1992, and B, born in 1977": the people after the verb, up to a verb of the other kind
    other = "injured" if kind == "killed" else "killed"
    end = lexicon.rx(f"figures.born_people_active_{other}").search(text, active.end())
    return len(person.findall(text, active.end(), end.start() if end else len(text))) or None


def _names_closing(text: str, lexicon: Lexicon) -> int:
    """The full names listed at the end of ``text`` ('A B C, D E F and G H I, born in 2013,'): a year of birth given
    for the last of them only, or for all at once, still leaves one person per name."""
    listed = lexicon.rx("figures.names_closing").search(lexicon.rx("figures.born_aside").sub("", text))
    if listed is None:
        return 0
    items = [item.strip() for item in lexicon.rx("figures.list_split").split(" " + listed.group(0).strip(" ,")) if item.strip()]
    not_names, count = lexicon.value("not_name_words"), 0
    for item in reversed(items):
        if not FULL_NAME.fullmatch(item) or any(word.lower() in not_names for word in item.split()):
            break  # "by the Armed Forces, A B (1970)": the list of names begins after the body's name
        count += 1
    return count


def named_people(text: str, sentence: str, kind: str, lexicon: Lexicon) -> int | None:
    """'Civilians A B, C D and E F (born in 2013) were killed' gives 3: the full names listed after a person noun;
    'A B, a resident, and C D, a driver, were injured' (read in the whole sentence, its verb saying the kind) gives 2."""
    m = lexicon.rx(f"figures.named_list_{kind}").search(text)
    pair = lexicon.rx(f"figures.named_pair_{kind}").search(sentence) if not m else None
    if pair:  # "A B, a resident, and C D, a driver, were injured": one person per name
        return len(FULL_NAME.findall(lexicon.rx("figures.name_description").sub("", pair.group("names"))))
    if not m:
        return None
    items = [RANK_BEFORE_NAME.sub("", item.strip()) for item in lexicon.rx("figures.list_split").split(BRACKETS.sub("", m.group("names")))]
    if len(items) < 2 or not all(FULL_NAME.fullmatch(item) for item in items):
        return None
    return len(items)


def listed_people(text: str, rule: str, lexicon: Lexicon) -> int | None:
    """'Two farmers, aged 50 and 61, and a teacher were injured' gives 3; 'two Armenian and two French journalists
    were injured' gives 4 (the first item's noun is the second's)."""
    m = lexicon.rx(rule).search(text)
    if not m:
        return None
    counts: list[tuple[int, str]] = []
    elided: list[int] = []
    subject = lexicon.rx("figures.list_aside").sub("", lexicon.rx("figures.subject_clause").sub("", m.group("subject"), count=1))
    subject = subject.lstrip(QUOTE_MARKS)  # a quotation that opens on its subject
    # singular: after "a <person>" a bare noun is one more; added: "20 civilians and 1 rescuer" adds to "20 civilians"
    singular = added = False
    for part in lexicon.rx("figures.list_split").split(subject):
        pm = lexicon.rx("figures.listed_person").match(part)
        if pm and (pm.group("n") or pm.group("a").lower() in lexicon.value("listed_determiners")):
            noun = pm.group("noun").lower()
            if not counts and not elided:
                added = bool(lexicon.rx("figures.list_addition_after").match(subject[subject.find(part) + len(part) :]))
            counts += [(n, noun) for n in elided]
            counts.append((int(pm.group("n")) if pm.group("n") else 1, noun))
            elided, singular = [], (pm.group("a") or "").lower() in ("a", "an")
            continue
        bare = lexicon.rx("figures.bare_person").match(part)
        if bare and singular and not bare.group("noun").lower().endswith("s"):
            counts.append((1, bare.group("noun").lower()))
            continue
        singular = False
        em = lexicon.rx("figures.elided_person").match(part)
        elided = [*elided, int(em.group("n"))] if em else []
    if len(counts) < 2:
        return None
    first, noun = counts[0]
    rest = sum(c for c, _ in counts[1:])
    if noun in lexicon.value("group_nouns") and first >= rest and not added:
        return first
    return first + rest
