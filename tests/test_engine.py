"""Running the per-report stages: worker processes, the extraction cache, the time budget per report, Dask."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import build as build_module
from pipeline import cache as cache_module
from pipeline import config, engine, publish
from pipeline.build import Stages, build, build_tables
from pipeline.cache import ExtractionCache, code_files, extraction_fingerprint
from pipeline.engine import Engine, Failed, LocalPool, report_budget
from pipeline.ingest import iter_report_paths
from pipeline.profile import load_profile, parse_profile
from pipeline.schema import TABLES

SAMPLE = config.RAW_DIR


def _table_bytes(result, folder: Path) -> dict[str, bytes]:
    """Each table as the Parquet bytes a build would publish."""
    for name, df in result.tables.items():
        publish.write_table(df, name, folder, build_info={"raw_dir": "x", "conflict": result.profile.id}, profile=result.profile)
    return {name: (folder / f"{name}.parquet").read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory) -> dict[str, bytes]:
    return _table_bytes(build_tables(SAMPLE, engine=Engine("local", 1)), tmp_path_factory.mktemp("one"))


def test_two_workers_publish_the_same_bytes_as_one_process(one_process, tmp_path):
    assert _table_bytes(build_tables(SAMPLE, engine=Engine("local", 2)), tmp_path) == one_process


@pytest.mark.slow
def test_a_cached_build_publishes_the_same_bytes_as_an_uncached_one(one_process, tmp_path, profile):
    cold = ExtractionCache.for_profile(profile, tmp_path / "cache")
    assert _table_bytes(build_tables(SAMPLE, engine=Engine("local", 2), cache=cold), tmp_path / "cold") == one_process
    assert cold.hits == 0 and cold.written == 11  # every report of the sample, each extracted once
    warm = ExtractionCache.for_profile(profile, tmp_path / "cache")
    result = build_tables(SAMPLE, engine=Engine("local", 1), cache=warm)
    assert warm.hits == cold.written and warm.misses == 0 and warm.written == 0
    assert _table_bytes(result, tmp_path / "warm") == one_process
    assert "from the extraction cache" in result.summary()


def _entry(path: Path) -> tuple[dict, dict]:
    """An extraction cache entry's header and content (its two lines of JSON)."""
    head, body = path.read_bytes().split(b"\n")
    return json.loads(head), json.loads(body)


def _lines(header: dict, content: dict) -> bytes:
    return json.dumps(header).encode() + b"\n" + json.dumps(content).encode()


def test_an_entry_is_json_with_its_version_and_checksum_and_no_pickle(tmp_path, profile):
    store = ExtractionCache.for_profile(profile, tmp_path)
    build_tables(SAMPLE, cache=store)
    entries = sorted(tmp_path.rglob("*.jsonl"))
    kinds = Counter(tuple(sorted(_entry(p)[1])) for p in entries)
    # a report's mentions, a raw file's rows, and a publication date inferred from a text
    assert kinds == {("dropped", "mentions"): 11, ("articles", "rejects"): len(iter_report_paths(SAMPLE)), ("value",): 1}
    for path in entries:
        header, content = _entry(path)
        assert header["format"] == cache_module.FORMAT and header["version"] == cache_module.VERSION
        assert header["fingerprint"] == store.fingerprint and header["key"] == path.stem and len(header["sha256"]) == 64
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".pkl", ".pickle")]


def test_a_report_from_the_cache_keeps_its_located_and_its_dropped_mentions(tmp_path, profile):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_text(
        "---\nid: r1\noutlet: Test Wire\npublished: 2020-10-05T10:00:00+04:00\n---\n"
        "The Defence Ministry said Armenian forces shelled the town of Tartar on Sunday night.\n\n"
        "They also shelled the Gegharkunik province in the morning, the ministry said.\n", encoding="utf-8")
    cold = build_tables(raw, cache=ExtractionCache.for_profile(profile, tmp_path / "cache"))
    assert list(cold.tables["dropped_mentions"]["location_mention"]) == ["Gegharkunik"]  # a region alone is no event place
    assert list(cold.tables["events"]["location"]) == ["Tartar"]
    store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    warm = build_tables(raw, cache=store)
    assert store.hits == 1 and store.written == 0
    for name in ("mentions", "events", "dropped_mentions"):
        pd.testing.assert_frame_equal(warm.tables[name], cold.tables[name])


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda h, c, raw: b"{not json", id="truncated"),
        pytest.param(lambda h, c, raw: raw[: len(raw) // 2], id="cut-in-half", marks=pytest.mark.slow),
        pytest.param(lambda h, c, raw: raw.split(b"\n")[0], id="header-only", marks=pytest.mark.slow),
        pytest.param(lambda h, c, raw: _lines(h, {**c, "mentions": c["mentions"][:-1] or [{"x": 1}]}), id="checksum"),
        pytest.param(lambda h, c, raw: _lines({**h, "version": 999}, c), id="other-version", marks=pytest.mark.slow),
        pytest.param(lambda h, c, raw: _lines({**h, "format": "something-else"}, c), id="foreign", marks=pytest.mark.slow),
        pytest.param(lambda h, c, raw: _lines({**h, "fingerprint": "0" * 64}, c), id="stale-fingerprint", marks=pytest.mark.slow),
        pytest.param(lambda h, c, raw: b"\x80\x04\x95" + raw, id="pickle-bytes", marks=pytest.mark.slow),
    ],
)
def test_a_corrupt_foreign_or_stale_entry_is_ignored_and_rewritten(spoil, one_process, tmp_path, profile):
    store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    build_tables(SAMPLE, cache=store)
    spoiled = []
    for path in sorted((tmp_path / "cache").rglob("*.jsonl")):
        header, content = _entry(path)
        if content.get("mentions"):  # the entries of reports that have mentions
            path.write_bytes(spoil(header, content, path.read_bytes()))
            spoiled.append(path)
    again = ExtractionCache.for_profile(profile, tmp_path / "cache")
    result = build_tables(SAMPLE, cache=again)
    assert again.ignored == len(spoiled) and again.written == len(spoiled)
    assert _table_bytes(result, tmp_path / "out") == one_process
    for path in spoiled:  # rewritten whole
        assert _entry(path)[0]["sha256"]


def _report(published: str | None, body: str) -> str:
    front = f"---\noutlet: Test Wire\npublished: {published}\n---\n" if published else ""
    return front + body + "\n"


TARTAR = "The Defence Ministry said Armenian forces shelled the town of Tartar on Sunday night."
TERTER_UNDATED = "Tuesday, 6 October\n\nThe ministry said on Tuesday that Armenian forces shelled the village of Qapanli overnight."


def test_a_raw_file_comes_from_the_cache_until_its_bytes_change(tmp_path, profile):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(_report("2020-10-05T10:00:00+04:00", TARTAR), encoding="utf-8")
    (raw / "b.txt").write_text(_report(None, TERTER_UNDATED), encoding="utf-8")
    first = ExtractionCache.for_profile(profile, tmp_path / "cache")
    cold = build_tables(raw, cache=first)
    assert first.files_hit == 0 and first.files_read == 2
    assert bool(cold.tables["articles"].set_index("report_id").at["b", "published_inferred"])  # dated from its text

    warm_store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    warm = build_tables(raw, cache=warm_store)
    assert warm_store.files_hit == 2 and warm_store.files_read == 0 and warm_store.hits == 2
    for name in ("articles", "mentions", "events", "rejects"):
        pd.testing.assert_frame_equal(warm.tables[name], cold.tables[name])

    (raw / "a.txt").write_text(_report("2020-10-05T10:00:00+04:00", TARTAR.replace("Tartar", "Aghdam")), encoding="utf-8")
    edited_store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    edited = build_tables(raw, cache=edited_store)
    assert edited_store.files_hit == 1 and edited_store.files_read == 1
    assert "Aghdam" in edited.tables["articles"].set_index("report_id").at["a", "text"]
    assert sorted(edited.tables["events"]["location"]) == sorted(["Aghdam", *cold.tables["events"]["location"][cold.tables["events"]["location"] != "Tartar"]])


def test_a_spoiled_raw_file_entry_is_ignored_and_the_file_read_again(tmp_path, profile):
    store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    cold = build_tables(SAMPLE, cache=store)
    spoiled = [p for p in sorted((tmp_path / "cache").rglob("*.jsonl")) if "articles" in _entry(p)[1]]
    for path in spoiled:
        header, content = _entry(path)
        path.write_bytes(_lines(header, {**content, "articles": [{**row, "text": "tampered"} for row in content["articles"]]}))
    again = ExtractionCache.for_profile(profile, tmp_path / "cache")
    result = build_tables(SAMPLE, cache=again)
    assert again.files_hit == 0 and again.files_read == len(spoiled) and again.ignored == len(spoiled)
    pd.testing.assert_frame_equal(result.tables["articles"], cold.tables["articles"])


def test_raw_files_come_from_the_cache_one_at_a_time_beside_files_read_again(tmp_path, profile):
    """The cached rows of a large folder are not all held at once: each entry is read as its file comes up; a spoiled
    entry among good ones is read again from its file, in its place."""
    from pipeline import ingest

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw)
    store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    cold = build_tables(raw, cache=store)
    inputs = ingest.scan_raw_folder(raw).inputs
    limits = ingest.Limits.from_env()
    spoiled = store._path(store.file_key(*inputs[1], limits))
    header, content = _entry(spoiled)
    spoiled.write_bytes(_lines(header, {**content, "articles": [{**row, "text": "tampered"} for row in content["articles"]]}))
    again = ExtractionCache.for_profile(profile, tmp_path / "cache")
    files = build_module.read_through(again, Engine("local", 1).read_files)(inputs, limits)
    next(files)
    assert (again.files_hit, again.files_read) == (1, 0)
    rest = list(files)
    assert (again.files_hit, again.files_read, again.ignored) == (len(inputs) - 1, 1, 1)
    assert len(rest) == len(inputs) - 1 and "tampered" not in json.dumps([row["text"] for row in rest[0][0]])
    warm = build_tables(raw, cache=ExtractionCache.for_profile(profile, tmp_path / "cache"))
    pd.testing.assert_frame_equal(warm.tables["articles"], cold.tables["articles"])


def test_an_inferred_publication_date_is_cached_with_what_it_was_inferred_from(tmp_path, profile):
    articles = pd.DataFrame({"report_id": ["b"], "raw_path": ["b.txt"], "text": [TERTER_UNDATED], "published": [pd.NaT],
                             "published_utc_offset_minutes": [0], "published_inferred": [False], "published_note": ["missing"]})
    store = ExtractionCache.for_profile(profile, tmp_path)
    now = pd.Timestamp("2021-01-01T00:00:00Z")
    first, _ = build_module.fill_published(articles, profile=profile, now=now, cache=store)
    assert first["published"].iat[0] == pd.Timestamp("2020-10-06T00:00:00Z")
    assert len(list(tmp_path.rglob("v*.jsonl"))) == 1
    again, _ = build_module.fill_published(articles, profile=profile, now=now, cache=ExtractionCache.for_profile(profile, tmp_path))
    pd.testing.assert_frame_equal(again, first)
    assert len(list(tmp_path.rglob("v*.jsonl"))) == 1  # read, not written again
    build_module.fill_published(articles, profile=profile, now=pd.Timestamp("2021-02-01T00:00:00Z"), cache=store)
    assert len(list(tmp_path.rglob("v*.jsonl"))) == 2  # another build day: another entry (a year-less date may move)


@pytest.mark.slow
def test_the_cache_folder_can_be_deleted_between_builds(tmp_path, profile):
    store = ExtractionCache.for_profile(profile, tmp_path / "cache")
    build_tables(SAMPLE, cache=store)
    shutil.rmtree(tmp_path / "cache")
    again = ExtractionCache.for_profile(profile, tmp_path / "cache")
    build_tables(SAMPLE, cache=again)
    assert again.hits == 0 and again.written == store.written


@pytest.mark.slow
def test_without_the_cache_nothing_is_read_or_written(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the cache was used")

    for method in ("get", "put", "get_file", "put_file", "get_value", "put_value"):
        monkeypatch.setattr(ExtractionCache, method, forbidden)
    summary = build(SAMPLE, tmp_path / "out", cache=False)
    assert "extraction cache" not in summary


def test_the_cli_builds_with_the_cache_and_without_it(tmp_path, monkeypatch):
    from pipeline import build as build_module
    from pipeline.cli import main

    seen = []
    monkeypatch.setattr(build_module, "build", lambda raw, out, profile, **kwargs: seen.append(kwargs) or "done")
    assert main(["-q", "build", "--raw", str(SAMPLE), "--out", str(tmp_path / "o"), "--jobs", "3"]) == 0
    assert main(["-q", "build", "--raw", str(SAMPLE), "--out", str(tmp_path / "o"), "--no-cache", "--docs"]) == 0
    assert seen[0]["cache"] is True and seen[0]["jobs"] == 3 and seen[0]["docs"] is False
    assert seen[1]["cache"] is False and seen[1]["jobs"] is None and seen[1]["docs"] is True


def _copied_profile(root: Path):
    """The default profile and its language folder copied under ``root`` (files a test may edit)."""
    source = load_profile()
    folder = root / "data" / "conflicts" / source.id
    shutil.copytree(source.folder, folder)
    shutil.copytree(source.language_folder, root / "data" / "lang" / source.language)
    data = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    return lambda: parse_profile(data, folder, root=root)


def test_editing_a_cue_file_or_any_file_of_the_language_changes_the_fingerprint(tmp_path):
    profile_now = _copied_profile(tmp_path)
    before = extraction_fingerprint(profile_now())
    assert extraction_fingerprint(profile_now()) == before
    cues = profile_now().language_file("cues.csv")
    cues.write_text(cues.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_cue = extraction_fingerprint(profile_now())
    assert after_cue != before
    (profile_now().language_folder / "notes-for-a-new-rule.csv").write_text("a\n", encoding="utf-8")
    assert extraction_fingerprint(profile_now()) != after_cue
    actors = profile_now().file("actors.csv")
    actors.write_text(actors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len({before, after_cue, extraction_fingerprint(profile_now())}) == 3


def test_the_fingerprint_covers_the_code_extraction_runs():
    names = {p.relative_to(config.ROOT).as_posix() for p in code_files()}
    for module in ("pipeline/ingest.py", "pipeline/extract/report.py", "pipeline/extract/acts.py", "pipeline/lexicon.py", "pipeline/dates.py",
                   "pipeline/gazetteer.py", "pipeline/geocode.py", "pipeline/text.py", "pipeline/profile.py", "pipeline/schema.py"):
        assert module in names
    assert "pipeline/build.py" not in names and "pipeline/validate.py" not in names  # not extraction: editing them keeps the cache


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pipeline.text\n", {"pipeline.text"}),
        ("import os, pipeline.dates as d  # why\n", {"pipeline.dates"}),
        ("from pipeline import text, dates as d\n", {"pipeline", "pipeline.text", "pipeline.dates"}),
        ("from pipeline.extract import (\n    places,  # the gazetteer's\n    roles,\n)\n",
         {"pipeline.extract", "pipeline.extract.places", "pipeline.extract.roles"}),
        ("def f():\n    from . import acts\n", {"pipeline.extract", "pipeline.extract.acts"}),
        ("from ..text import \\\n    words\n", {"pipeline.text", "pipeline.text.words"}),
        ("from .mention import Mention\n", {"pipeline.extract.mention", "pipeline.extract.mention.Mention"}),
        ("import pandas as pd\nfrom dataclasses import field\n", set()),
    ],
)
def test_the_import_statements_a_module_file_names(tmp_path, source, expected):
    module = tmp_path / "report.py"
    module.write_text(source, encoding="utf-8")
    assert cache_module._imports(module, "pipeline.extract.report") == expected


def test_an_edited_code_file_changes_the_fingerprint(tmp_path, monkeypatch, profile):
    real = code_files()
    copies = []
    for path in real:
        target = tmp_path / path.relative_to(config.ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        copies.append(target)
    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(cache_module, "code_files", lambda: copies)
    cache_module._fingerprint.cache_clear()
    try:
        before = extraction_fingerprint(profile)
        acts = tmp_path / "pipeline" / "extract" / "acts.py"
        acts.write_text(acts.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        cache_module._fingerprint.cache_clear()
        assert extraction_fingerprint(profile) != before
    finally:
        cache_module._fingerprint.cache_clear()


@pytest.mark.slow
def test_a_build_under_another_fingerprint_reads_no_entry(tmp_path, profile):
    first = ExtractionCache(tmp_path, "a" * 64)
    build_tables(SAMPLE, cache=first)
    second = ExtractionCache(tmp_path, "b" * 64)
    build_tables(SAMPLE, cache=second)
    assert second.hits == 0 and second.written == first.written


def test_old_fingerprints_are_pruned_and_the_current_one_kept(tmp_path):
    for i in range(6):
        folder = tmp_path / f"{i:016x}"
        (folder / "aa").mkdir(parents=True)
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    current = ExtractionCache(tmp_path, "0" * 64)  # the oldest of them, now used again
    current.prune(keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["0000000000000000", "0000000000000005", "0000000000000004"])


def test_mentions_come_back_from_the_cache_as_they_went_in(profile, tmp_path):
    from pipeline.extract import extract_report
    from pipeline.geocode import get_gazetteer, locate
    from pipeline.ingest import read_raw_folder

    articles, _ = read_raw_folder(SAMPLE)
    mentions = []
    for article in articles.dropna(subset=["published"]).to_dict("records"):
        mentions += locate(extract_report(article, get_gazetteer(profile), profile), get_gazetteer(profile), profile)[0]
    store = ExtractionCache(tmp_path, "0" * 64)
    store.put("a" * 64, mentions, [])
    back, dropped = store.get("a" * 64)
    assert back == mentions and dropped == []
    assert [type(getattr(m, f)) for m in back for f in ("published", "time_utc", "event_date")] == [
        type(getattr(m, f)) for m in mentions for f in ("published", "time_utc", "event_date")
    ]


# --------------------------------------------------------------------------- the pool and the time budget


def _sleepy(item: tuple[int, float]) -> int:
    time.sleep(item[1])
    return item[0]


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three is bad")
    return n * n


def _stuck_on_two(n: int) -> int:
    if n == 2:
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as code stuck outside Python would be
        time.sleep(60)
    return n


def test_the_pool_yields_in_input_order_whatever_order_tasks_finish_in():
    items = [(i, 0.05 if i % 3 == 0 else 0.0) for i in range(25)]
    with LocalPool(2) as pool:
        assert list(pool.imap(_sleepy, items)) == list(range(25))


def test_the_pool_goes_on_when_every_task_in_its_window_is_answered_before_the_first():
    import threading

    items = [(i, 0.3 if i % 8 == 0 else 0.0) for i in range(40)]  # the first of each window is the slowest
    got: list = []

    def run() -> None:
        with LocalPool(2) as pool:
            got.extend(pool.imap(_sleepy, items, window=4))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the pool stopped handing out tasks"
    assert got == list(range(40))


def test_a_task_that_raises_fails_alone():
    with LocalPool(2) as pool:
        results = list(pool.imap(_fails_on_three, range(6)))
    assert results[:3] == [0, 1, 4] and results[4:] == [16, 25]
    assert isinstance(results[3], Failed) and "three is bad" in results[3].error


@pytest.mark.slow
def test_a_worker_over_its_time_is_killed_and_replaced():
    started = time.monotonic()
    with LocalPool(2) as pool:
        results = list(pool.imap(_stuck_on_two, range(8), hard_timeout=1.0))
    assert time.monotonic() - started < 15
    assert isinstance(results[2], Failed) and results[2].timed_out
    assert [r for i, r in enumerate(results) if i != 2] == [0, 1, 3, 4, 5, 6, 7]


def test_the_budget_comes_from_the_environment():
    assert report_budget({}) == 30.0
    assert report_budget({"PIPELINE_REPORT_SECONDS": "2.5"}) == 2.5
    assert report_budget({"PIPELINE_REPORT_SECONDS": "0"}) is None
    with pytest.raises(engine.EngineError, match="PIPELINE_REPORT_SECONDS"):
        report_budget({"PIPELINE_REPORT_SECONDS": "soon"})


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_report_over_its_time_budget_is_a_reject_and_the_build_goes_on(jobs, tmp_path, monkeypatch, profile):
    shutil.copytree(SAMPLE, tmp_path / "raw")
    real = engine.extract_report

    def slow_on_ganja(article, gazetteer, prof):
        if article["raw_path"] == "caspian-wire/2020-10-11-ganja-strike.txt":
            while True:  # a pathological input
                time.sleep(0.01)
        return real(article, gazetteer, prof)

    monkeypatch.setattr(engine, "extract_report", slow_on_ganja)
    monkeypatch.setenv("PIPELINE_REPORT_SECONDS", "1")
    started = time.monotonic()
    tables = build_tables(tmp_path / "raw", engine=Engine("local", jobs)).tables
    assert time.monotonic() - started < 30
    [row] = tables["rejects"].itertuples()
    assert (row.raw_path, row.stage) == ("caspian-wire/2020-10-11-ganja-strike.txt", "extract")
    assert "longer than 1 s" in row.error and "PIPELINE_REPORT_SECONDS" in row.error
    assert row.raw_path not in set(tables["articles"]["raw_path"])
    assert len(tables["articles"]) == 10 and len(tables["events"]) > 20


def test_the_budget_stops_a_long_regular_expression_search(monkeypatch):
    import re

    def catastrophic(article, gazetteer, prof):
        return re.match(r"(a+)+b", "a" * 40)

    monkeypatch.setattr(engine, "extract_report", catastrophic)
    started = time.monotonic()
    outcome = engine.extract_one({"raw_path": "x"}, None, None, 0.5)
    assert outcome.timed_out and time.monotonic() - started < 5


# --------------------------------------------------------------------------- the summary line, validation


@pytest.mark.slow
def test_the_summary_line_gives_the_total_and_each_stage(tmp_path):
    summary = build(SAMPLE, tmp_path / "out", jobs=2)
    for stage in ("ingest", "dates", "extract", "merge", "ceasefires", "write", "exports", "validate", "publish"):
        assert f"{stage} " in summary
    total = float(summary.split("time: ")[1].split("s")[0])
    stages = sum(float(part.split()[-1].rstrip("s")) for part in summary.split("(")[1].split(")")[0].split(", "))
    assert stages <= total + 0.5
    assert (tmp_path / "out" / "validation" / "summary.html").is_file()
    assert not (tmp_path / "out" / "validation" / "index.html").exists()  # Data Docs only on request


def test_stages_add_up_their_times():
    stages = Stages()
    with stages.time("a"):
        time.sleep(0.01)
    with stages.time("a"):
        pass
    assert stages.seconds["a"] >= 0.01 and stages.render().startswith("a 0.0")


def test_an_engine_is_checked():
    with pytest.raises(engine.EngineError, match="unknown engine"):
        Engine("spark")
    with pytest.raises(engine.EngineError, match="at least 1"):
        Engine("local", 0)
    with pytest.raises(engine.EngineError, match="dask engine"):
        Engine("local", 2, "tcp://127.0.0.1:8786")


# --------------------------------------------------------------------------- Dask


@pytest.mark.slow
def test_the_dask_engine_publishes_the_same_bytes_as_the_local_one(one_process, tmp_path):
    pytest.importorskip("distributed")
    result = build_tables(SAMPLE, engine=Engine("dask", 2))
    assert _table_bytes(result, tmp_path) == one_process


def test_a_dask_worker_with_other_code_refuses_to_run(profile):
    with pytest.raises(engine.EngineError, match="differ from the client"):
        engine.dask_extract_batch([], str(profile.folder), "0" * 64, None)


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(engine.EngineError, match="cannot reach the Dask scheduler"):
        list(engine.DaskEngine("tcp://127.0.0.1:9", 1, connect_timeout="2s").extract(iter([{"raw_path": "x"}]), load_profile(), None))


def test_large_tables_are_written_in_row_groups(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from pipeline.ingest import read_raw_folder

    articles, _ = read_raw_folder(SAMPLE)
    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 4)
    path = publish.write_table(articles, "articles", tmp_path)
    assert pq.ParquetFile(path).metadata.num_row_groups == -(-len(articles) // 4)
    assert publish.read_table(tmp_path, "articles")["report_id"].tolist() == articles["report_id"].tolist()
