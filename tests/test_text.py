"""Sentence segmentation: abbreviations, datelines, headings and offsets."""

from __future__ import annotations

import pytest

from pipeline.text import dateline_length, split_lines, split_sentences


def sentences(text: str) -> list[str]:
    return [s.text for line in split_lines(text) for s in split_sentences(line)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling began at 2 a.m. on Sunday. Two people died.", ["Shelling began at 2 a.m. on Sunday.", "Two people died."]),
        ("The war began on Sept. 27. It has not stopped.", ["The war began on Sept. 27.", "It has not stopped."]),
        ("Gen. Aliyev spoke on Oct. 12 in Baku. He said more.", ["Gen. Aliyev spoke on Oct. 12 in Baku.", "He said more."]),
        ('"We were shelled," the mayor said. "Again."', ['"We were shelled," the mayor said.', '"Again."']),
        ("Line one ends here.\nLine two ends here.", ["Line one ends here.", "Line two ends here."]),
        ("- Tartar was shelled at night.\n- Barda was hit at noon.", ["- Tartar was shelled at night.", "- Barda was hit at noon."]),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_offsets_point_into_the_text():
    text = "Title line\n\n  Rockets hit Ganja. Nine people died.\n"
    for line in split_lines(text):
        for s in split_sentences(line):
            assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("Ganja death toll rises to 13", False),
        ("17 Oct 2020, 15:40 GMT", False),
        ("Rescuers dig through the rubble [Reuters]", False),
        ("Armenian artillery shelled Tartar on Monday.", True),
        # a line in capitals is a heading or a table of contents, however it ends
        ("ATTACKS BY ARMED FORCES 7 NORTHTOWN - HEAVY ARTILLERY STRIKES 8 RIVERSIDE - CLUSTER MUNITIONS KILL WORKERS 10", False),
        ("SHELLS HIT THE MARKET OF NORTHTOWN, KILLING FOUR PEOPLE.", False),
        ("Shells hit the market of Northtown on Monday, killing four people, the NTA agency said.", True),
    ],
)
def test_headings_captions_and_stamps_are_not_prose(line, prose):
    assert split_lines(line)[0].is_prose is prose


@pytest.mark.parametrize(
    ("line", "length"),
    [
        ("BAKU, Oct. 12 (Trend) - Missiles hit Ganja.", len("BAKU, Oct. 12 (Trend) - ")),
        ("YEREVAN, Oct 20 (Reuters) - Shelling went on.", len("YEREVAN, Oct 20 (Reuters) - ")),
        ("Missiles hit Ganja on Sunday.", 0),
        # a city and its agency between slashes
        ("Northtown /Valley Wire/. On Monday shells hit the market.", len("Northtown /Valley Wire/. ")),
        ("Northtown / Southtown are both shelled.", 0),
    ],
)
def test_datelines(line, length):
    assert dateline_length(line) == length


def test_offsets_survive_moved_quotes():
    text = 'Officials said: "Rockets hit Barda." "Two died," they added.'
    for line in split_lines(text):
        for s in split_sentences(line):
            assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    ("line", "length"),
    [
        ("YEREVAN (Wire Service - 22nd October, 2020) The army said", len("YEREVAN (Wire Service - 22nd October, 2020) ")),
        ("KYIV/MOSCOW -- Shelling went on", len("KYIV/MOSCOW -- ")),
        ("DONETSK, Ukraine (AP) — Rebels said", len("DONETSK, Ukraine (AP) — ")),
        ("NATO (the alliance) said", 0),
        # two cities joined by a slash open a line as its dateline, even with no dash after them
        ("Kyiv/Moscow In a new round of accusations, both sides said", len("Kyiv/Moscow ")),
        ("Tartar and Barda were shelled", 0),
        # the date and the agency in capitals too, closed by a full stop or a colon
        ("NORTHTOWN, JULY 16, VALLEYPRESS. The talks stalled", len("NORTHTOWN, JULY 16, VALLEYPRESS. ")),
        ("NORTHTOWN, SEPTEMBER 16, VALLEYPRESS: \u201cIn the early hours", len("NORTHTOWN, SEPTEMBER 16, VALLEYPRESS: ")),
        ("NATO. The alliance said", 0),
        # a city in mixed case with its country in brackets, then the day and the agency, and no dash before the text
        ("Northtown (Valeria), May 11 (Wire/Press) Three civilians were killed", len("Northtown (Valeria), May 11 (Wire/Press) ")),
        ("Northtown (Valeria), the capital, was shelled", 0),
        ("Northtown (Valeria), May 11 (the day of the strike) stayed calm", 0),
    ],
)
def test_wire_datelines(line, length):
    assert dateline_length(line) == length


def test_a_caption_with_its_credit_is_prose():
    (line,) = split_lines("A window shattered by shelling in the village of Novotoshkivske on 21 February 2022 (A. Photographer)")
    assert line.is_prose

