"""Fault injection on the input side: one of each bad input beside good reports, built together.

Every good report's events must come out as if the bad inputs were not there; every bad input
must end up as a reject with a reason (or as a kept, flagged article where the fault is only in its
date or its encoding); articles + rejects must equal the inputs; and the work stays bounded by the
size limits (the oversized inputs are refused unread), not by luck.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import build, config, ingest

SAMPLE = config.RAW_DIR
GOOD = {
    "good/ganja.txt": SAMPLE / "caspian-wire" / "2020-10-11-ganja-strike.txt",
    "good/three-districts.txt": SAMPLE / "caspian-wire" / "2020-10-12-three-districts-shelled.txt",
    "good/feed.jsonl": SAMPLE / "feeds" / "wire-2020-10.jsonl",
}
LIMIT_BYTES = 64 * 1024
EVENT_KEY = ["event_date", "location", "sub_event_type", "perpetrator_side"]

NO_DATE = (
    "Shelling reported in Tartar\n\nArtillery shells hit the outskirts of Tartar overnight, the district "
    "administration said, damaging two houses. No one was hurt.\n"
)
FROM_THE_FUTURE = (
    "---\nid: future\npublished: 2031-10-12T10:00:00+04:00\n---\nTartar shelled\n\n"
    "Shells hit Tartar on Sunday, October 11, 2020, the ministry said on Monday.\n"
)
CYRILLIC = "Обстрел Степанакерта\n\nСтепанакерт подвергся обстрелу в ночь на воскресенье, сообщили власти Карабаха.\n"


def bad_inputs(root: Path) -> dict[str, str]:
    """Write one of each bad input under ``root``; returns raw path -> the expected outcome."""

    def put(rel: str, data: bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    put("bad/binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    put("bad/broken-yaml.txt", b"---\ntitle: [unclosed\npublished: 2020-10-12\n---\nTartar shelled overnight.\n")
    put("bad/undecodable.txt", "Степанакерт".encode() + b"\x80\x81\xfe\xff" + "Шуша".encode())
    put(
        "bad/utf16.txt",
        codecs.BOM_UTF16_LE
        + "---\nid: utf16\npublished: 2020-10-12T10:00:00Z\n---\nFuzuli front quiet\n\nNo fire was reported overnight.\n".encode(
            "utf-16-le"
        ),
    )
    put("bad/cp1251.txt", f"---\nid: cp1251\npublished: 2020-10-18T09:00:00+04:00\n---\n{CYRILLIC}".encode("cp1251"))
    lines = [
        json.dumps(
            {"id": "ok-line", "published": "2020-10-12T08:00:00Z", "text": "Aghdam quiet\n\nNo shelling was reported."}
        ),
        '{"id": "bad", "text": ',
        "\u00a0",
    ]
    put("bad/lines.jsonl", "\n".join(lines).encode())
    put("bad/oversized.txt", b"---\npublished: 2020-10-12T10:00:00Z\n---\n" + b"Tartar shelled. " * (LIMIT_BYTES // 8))
    put("bad/huge-line.jsonl", json.dumps({"id": "huge", "text": "x" * (5 * 1024 * 1024)}).encode())
    put("bad/no-date.txt", NO_DATE.encode())
    put("bad/future.txt", FROM_THE_FUTURE.encode())
    put("bad/README.md", b"# Notes on these files\n")
    put(
        "bad/sources-say-tartar-shelled.txt",
        b"---\npublished: 2020-10-12T10:00:00Z\n---\nSources say Tartar was shelled.\n",
    )
    os.symlink(root / "bad" / "gone.txt", root / "bad" / "dangling.txt")
    os.mkfifo(root / "bad" / "pipe.txt")
    return {
        "bad/binary.txt": "reject:binary file",
        "bad/broken-yaml.txt": "reject:broken YAML front matter",
        "bad/undecodable.txt": "reject:not UTF-8 text",
        "bad/utf16.txt": "article",
        "bad/cp1251.txt": "article",
        "bad/lines.jsonl:1": "article",
        "bad/lines.jsonl:2": "reject:malformed JSON line",
        "bad/lines.jsonl:3": "reject:only whitespace",
        "bad/oversized.txt": "reject:file too large",
        "bad/huge-line.jsonl:1": "reject:line too large",
        "bad/no-date.txt": "article",
        "bad/future.txt": "article",
        "bad/sources-say-tartar-shelled.txt": "article",
        "bad/dangling.txt": "reject:dangling symbolic link",
        "bad/pipe.txt": "reject:not a regular file: a FIFO",
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, profile) -> dict:
    good_root = tmp_path_factory.mktemp("good")
    mixed_root = tmp_path_factory.mktemp("mixed")
    for rel, source in GOOD.items():
        for root in (good_root, mixed_root):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / rel)
    expected = bad_inputs(mixed_root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PIPELINE_MAX_REPORT_BYTES", str(LIMIT_BYTES))
        good = build.build_tables(good_root, profile=profile).tables
        mixed = build.build_tables(mixed_root, profile=profile).tables
    return {"good": good, "mixed": mixed, "expected": expected}


def _where(raw_path: str, line: object) -> str:
    return raw_path if pd.isna(line) else f"{raw_path}:{int(line)}"


def test_good_reports_keep_all_their_events(built):
    good, mixed = built["good"]["events"], built["mixed"]["events"]
    assert len(good) > 5
    have = set(map(tuple, mixed[EVENT_KEY].astype(str).to_numpy().tolist()))
    assert set(map(tuple, good[EVENT_KEY].astype(str).to_numpy().tolist())) <= have
    assert set(built["good"]["articles"]["report_id"]) <= set(built["mixed"]["articles"]["report_id"])


def test_every_bad_input_is_accounted_for_with_a_reason(built):
    articles, rejects = built["mixed"]["articles"], built["mixed"]["rejects"]
    outcome = {
        _where(r.raw_path, r.raw_line): "article" for r in articles.itertuples() if r.raw_path.startswith("bad/")
    }
    for r in rejects.itertuples():
        assert r.error and "\n" not in r.error and len(r.error) <= ingest.MAX_ERROR_CHARS
        outcome[_where(r.raw_path, r.line)] = f"reject:{r.error}"
    for where, expected in built["expected"].items():
        assert where in outcome, f"{where} is neither an article nor a reject"
        if expected == "article":
            assert outcome[where] == "article", (where, outcome[where])
        else:
            assert outcome[where].startswith("reject:") and expected[len("reject:") :] in outcome[where], (
                where,
                outcome[where],
            )
    assert "bad/README.md" not in outcome  # documentation by name: skipped, not an input


def test_counts_add_up(built):
    good_inputs = 2 + sum(1 for line in GOOD["good/feed.jsonl"].read_bytes().split(b"\n") if line.strip())
    inputs = good_inputs + len(built["expected"])
    mixed = built["mixed"]
    assert len(mixed["articles"]) + len(mixed["rejects"]) == inputs
    assert set(mixed["rejects"]["stage"]) == {"ingest"}


def test_reports_with_bad_dates_are_kept_and_flagged(built):
    articles = built["mixed"]["articles"].set_index("report_id")
    undated = articles.loc["no-date"]
    assert pd.isna(undated.published) and undated.published_note == "missing" and not undated.published_inferred
    future = articles.loc["future"]
    assert future.published_note == "implausible" and future.published_inferred
    assert future.published == pd.Timestamp("2020-10-12T00:00:00Z")  # inferred: Sunday 11 October, said on Monday
    assert articles.loc["cp1251", "text"] == CYRILLIC.strip()
    assert articles.loc["utf16", "title"] == "Fuzuli front quiet"
    # an undated report gives no events: nothing dates them
    events = built["mixed"]["events"]
    assert not any("no-date" in ids for ids in events["report_ids"])


def test_extract_failure_is_a_reject_and_not_an_article(tmp_path, profile, monkeypatch):
    for rel, source in GOOD.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tmp_path / rel)
    from pipeline import engine

    real = engine.extract_report

    def flaky(article, gazetteer, prof):
        if article["raw_path"] == "good/ganja.txt":
            raise ValueError("[E088] Text of length 5000001 exceeds maximum of 1000000. " + "x" * 400)
        return real(article, gazetteer, prof)

    monkeypatch.setattr(engine, "extract_report", flaky)
    tables = build.build_tables(tmp_path, profile=profile).tables
    assert "good/ganja.txt" not in set(tables["articles"]["raw_path"])
    [row] = tables["rejects"].itertuples()
    assert (row.raw_path, row.stage) == ("good/ganja.txt", "extract")
    assert row.error.startswith("ValueError: [E088]") and len(row.error) <= build.MAX_EXTRACT_ERROR
    assert len(tables["articles"]) + len(tables["rejects"]) == 2 + sum(
        1 for line in GOOD["good/feed.jsonl"].read_bytes().split(b"\n") if line.strip()
    )


def test_unreadable_folder_and_link_loop_are_rejects(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("Tartar shelled.")
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop" / "again")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    scan = ingest.scan_raw_folder(tmp_path)
    reasons = {r["raw_path"]: r["error"] for r in scan.rejects}
    assert reasons == {
        "locked/": "cannot read folder: Permission denied",
        "loop/again/": "symbolic link loop: the folder contains itself",
    }
    assert scan.inputs == []
