"""End to end: the sample corpus, the seed article, reruns, failed builds and killed builds."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import config
from pipeline.build import BuildFailed, build, build_tables
from pipeline.evaluate import haversine_km
from pipeline.ingest import read_raw_folder
from pipeline.schema import TABLES

SAMPLE = config.RAW_DIR
SEEDS = config.SHARED_DIR / "seeds"


@pytest.fixture
def published(sample_output) -> Path:
    return sample_output


def test_every_table_is_published_with_its_schema(published):
    for table, fields in TABLES.items():
        df = pd.read_parquet(published / f"{table}.parquet")
        assert list(df.columns) == [f.name for f in fields], table
    assert (published / "validation" / "summary.html").is_file()
    assert not (published / "validation" / "index.html").exists()  # the Data Docs come with --docs (make docs)


def test_typed_columns_for_pandas_users(published):
    events = pd.read_parquet(published / "events.parquet")
    assert len(events) > 10
    assert all(isinstance(d, dt.date) for d in events["event_date"])
    assert str(events["time_utc"].dtype) == "datetime64[us, UTC]"
    assert str(events["killed"].dtype) == "Int32"
    assert str(events["geo_precision"].dtype) == "Int8"
    assert events["civilian_targeting"].dtype == bool
    for column in events.columns:
        if events[column].dtype == object and column not in ("event_date", "date_start", "date_end"):
            kinds = {type(v) for v in events[column] if v is not None}
            assert len(kinds) <= 1, (column, kinds)


def test_sample_corpus_is_fully_accounted_for(published):
    articles = pd.read_parquet(published / "articles.parquet")
    rejects = pd.read_parquet(published / "rejects.parquet")
    assert len(rejects) == 0
    assert len(articles) == len(read_raw_folder(SAMPLE)[0])
    events = pd.read_parquet(published / "events.parquet")
    assert set(r for ids in events["report_ids"] for r in ids) <= set(articles["report_id"])


def test_every_event_is_traceable_to_its_words(published):
    articles = pd.read_parquet(published / "articles.parquet").set_index("report_id")
    mentions = pd.read_parquet(published / "mentions.parquet")
    for m in mentions.itertuples():
        assert articles.loc[m.report_id, "text"][m.char_start : m.char_end] == m.sentence


@pytest.mark.slow
def test_rebuild_is_byte_identical(published, tmp_path):
    again = tmp_path / "again"
    build(SAMPLE, again)
    for table in TABLES:
        assert (again / f"{table}.parquet").read_bytes() == (published / f"{table}.parquet").read_bytes(), table


@pytest.mark.slow
def test_failed_validation_keeps_the_last_good_output(published, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(published, out)
    before = (out / "events.parquet").read_bytes()

    from pipeline import validate

    real = validate.validate_folder

    def failing(folder, **kwargs):
        report = real(folder, **kwargs)
        report.success = False
        return report

    monkeypatch.setattr(validate, "validate_folder", failing)
    with pytest.raises(BuildFailed, match="nothing published"):
        build(SAMPLE, out)
    assert (out / "events.parquet").read_bytes() == before
    releases = tmp_path / ".out.releases"
    assert not list(releases.glob(".staging*"))
    assert (releases / "failed-validation" / "summary.html").is_file()  # the report the message points at


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_output_intact(published, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(published, out)
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "-q", "build", "--raw", str(SAMPLE), "--out", str(out)], env=env, start_new_session=True)
    time.sleep(6)  # mid-way: imports and extraction are done, validation is running
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    # The next build recovers and publishes.
    build(SAMPLE, out)
    assert (out / "events.parquet").is_file()


@pytest.mark.parametrize("out_of", [lambda raw: raw, lambda raw: raw.parent, lambda raw: raw.parent.parent / "Documents"])
def test_build_refuses_to_replace_what_it_did_not_publish(tmp_path, out_of):
    from pipeline.cli import main

    raw = tmp_path / "data" / "raw"
    shutil.copytree(SAMPLE / "caspian-wire", raw / "caspian-wire")
    (tmp_path / "data" / "reference").mkdir()
    (tmp_path / "data" / "reference" / "mine.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "Documents").mkdir()
    (tmp_path / "Documents" / "thesis.tex").write_text("chapter 1", encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["-q", "build", "--raw", str(raw), "--out", str(out_of(raw))]) == 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    with pytest.raises(BuildFailed, match="raw folder not found"):
        build(tmp_path / "nope", tmp_path / "out")


def _first_line(capsys) -> str:
    err = capsys.readouterr().err
    return next(line for line in err.splitlines() if line.startswith("build failed"))


def test_an_empty_raw_folder_fails_in_one_plain_line_and_leaves_nothing(tmp_path, capsys):
    from pipeline.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("notes about the corpus, not a report\n", encoding="utf-8")
    assert main(["-q", "build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 1
    assert _first_line(capsys) == f"build failed: no reports in {raw}: it holds no .txt, .md, .jsonl or .html file (hidden files, _html folders and README or SOURCES files are skipped); nothing was published"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]  # no lock file, no releases folder


def test_a_folder_of_rejected_reports_names_each_reason_and_leaves_no_lock(tmp_path, capsys):
    from pipeline.cli import main

    raw = tmp_path / "raw"
    (raw / "feeds").mkdir(parents=True)
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (raw / "feeds" / "bad.jsonl").write_text('{"id": "no-text"}\n', encoding="utf-8")
    assert main(["-q", "build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"build failed: all 2 reports in {raw} were rejected; nothing was published. The reasons:" in err
    assert "  feeds/bad.jsonl:1: JSON line has no 'text' (stage ingest)" in err
    assert "  binary.txt: " in err
    assert "expect_" not in err and "staging" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_a_build_collects_garbage_less_often_and_leaves_the_setting_as_it_found_it(tmp_path, monkeypatch):
    import gc

    from pipeline import build as build_module

    seen = []
    real = build_module.build_tables

    def recording(*args, **kwargs):
        seen.append(gc.get_threshold()[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_tables", recording)
    before = gc.get_threshold()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.jsonl").write_text('{"id": "no-text"}\n', encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_module.release(raw, tmp_path / "out", fork_gate=False)
    assert seen == [build_module.YOUNG_GENERATION] and gc.get_threshold() == before


def test_a_build_takes_arrow_buffers_from_malloc_and_restores_the_pool_it_found(tmp_path, monkeypatch):
    import pyarrow as pa

    from pipeline import build as build_module

    seen = []
    real = build_module.build_tables

    def recording(*args, **kwargs):
        seen.append(pa.default_memory_pool().backend_name)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_tables", recording)
    before = pa.default_memory_pool().backend_name
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.jsonl").write_text('{"id": "no-text"}\n', encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_module.release(raw, tmp_path / "out", fork_gate=False)
    assert seen == ["system"] and pa.default_memory_pool().backend_name == before


def test_rejected_reports_leave_a_published_output_and_its_lock_alone(published, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(published, out)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 4)
    before = (out / "events.parquet").read_bytes()
    with pytest.raises(BuildFailed, match="all 1 reports"):
        build(raw, out)
    assert (out / "events.parquet").read_bytes() == before
    assert (tmp_path / ".out.lock").is_file()  # kept beside an output that exists


@pytest.fixture(scope="module")
def seed_events() -> pd.DataFrame:
    if not (SEEDS / "reports").is_dir():
        pytest.skip("shared seeds not available")
    return build_tables(SEEDS / "reports").tables["events"]


def test_seed_article_gives_its_eight_events(seed_events):
    assert len(seed_events) == 8
    ganja = seed_events[seed_events["location"] == "Ganja"].iloc[0]
    assert ganja.event_date == dt.date(2020, 10, 11)
    assert (ganja.killed, ganja.injured) == (9, 34)
    assert haversine_km(ganja.latitude, ganja.longitude, 40.6828, 46.3606) < 5
    shelled = seed_events[seed_events["event_date"] == dt.date(2020, 10, 12)]
    assert {"Goranboy", "Tartar", "Aghdam"} <= set(shelled["location"])


def test_seed_without_front_matter_gives_the_same_events(seed_events, tmp_path):
    raw = SEEDS / "raw"
    if not raw.is_dir():
        pytest.skip("shared seeds not available")
    result = build_tables(raw)
    article = result.tables["articles"].iloc[0]
    assert article.published.date() == dt.date(2020, 10, 12) and bool(article.published_inferred)
    events = result.tables["events"]
    key = ["event_date", "location", "sub_event_type"]
    assert sorted(map(tuple, events[key].to_numpy().tolist())) == sorted(map(tuple, seed_events[key].to_numpy().tolist()))


def test_a_folder_of_undated_reports_keeps_them_and_summarises_without_a_horizon(tmp_path):
    from pipeline.build import build_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "undated.txt").write_text("Shelling was reported in the north.\n", encoding="utf-8")
    tables = build_tables(raw).tables
    assert len(tables["articles"]) == 1 and tables["articles"]["published"].isna().all()
    assert len(tables["events"]) == 0 and len(tables["rejects"]) == 0
    assert tables["ceasefire_summary"]["days_in_force"].notna().all()


def test_the_raw_folder_is_recorded_the_same_however_it_was_given(tmp_path):
    """The Parquet metadata names the raw folder: relative to the project for a folder inside it, so that
    `make data` (a relative path) and `build` (an absolute default) publish the same bytes."""
    from pipeline import config
    from pipeline.build import _shown_path

    assert _shown_path(config.RAW_DIR) == _shown_path(config.RAW_DIR.relative_to(config.ROOT)) == "data/raw/karabakh-2020"
    assert _shown_path(tmp_path) == str(tmp_path)


def test_a_table_already_in_schema_order_is_not_copied():
    from pipeline.build import in_schema_order
    from pipeline.schema import column_names

    columns = column_names("rejects")
    table = pd.DataFrame({c: ["x"] for c in reversed(columns)})
    ordered = in_schema_order(table, "rejects")
    assert list(ordered.columns) == columns
    assert in_schema_order(ordered, "rejects") is ordered


def test_a_release_writes_each_table_once_final_and_hands_them_back_from_its_files(tmp_path, monkeypatch):
    from pipeline import build as build_module
    from pipeline import publish

    happened = []
    put, merge = publish.Staging.put, build_module.merge_events
    monkeypatch.setattr(publish.Staging, "put", lambda self, name, table: happened.append(name) or put(self, name, table))
    monkeypatch.setattr(build_module, "merge_events", lambda *args: happened.append("(merge)") or merge(*args))
    out = tmp_path / "out"
    result = build_module.release(SAMPLE, out, fork_gate=False)
    assert happened[:3] == ["articles", "dropped_mentions", "(merge)"]  # the reports' texts are not held while merging
    assert sorted(happened[3:]) == sorted(set(TABLES) - {"articles", "dropped_mentions"})
    assert isinstance(result.tables, publish.TableFiles) and result.tables.folder == publish.current_release(out)
    for name, table in publish.load_release(out).items():
        pd.testing.assert_frame_equal(result.tables[name], table)
        assert result.rows[name] == len(table)
    assert result.summary().startswith("reports read: 11, rejected: 0, mentions: 42 (dropped: 0), events: 35, ceasefire violations: 33, time: ")


def test_tables_written_as_they_are_made_are_the_bytes_of_tables_written_at_the_end(tmp_path):
    from pipeline import publish

    info = {"raw_dir": "data/raw"}
    at_end = publish.stage_tables(dict(build_tables(SAMPLE).tables), tmp_path / "a", build_info=info)
    as_made = build_tables(SAMPLE, sink=publish.Staging(tmp_path / "b", build_info=info)).tables
    assert list(as_made) == list(TABLES)
    for name in TABLES:
        assert (as_made.folder / f"{name}.parquet").read_bytes() == (at_end / f"{name}.parquet").read_bytes(), name
