"""Publishing: typed Parquet through the schema, atomic swap, build lock, recovery after a killed build."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import config, publish, schema
from pipeline.profile import load_profile

PROFILE = load_profile()

D = dt.date


def sample_value(f: schema.Field, row: int) -> object:
    """A value of the field's type; row 1 leaves nullable fields null."""
    if row == 1 and f.nullable:
        return None
    allowed = f.allowed_values(PROFILE)
    if allowed is not None:
        return allowed[row % len(allowed)]
    t = f.type
    if pa.types.is_date32(t):
        return D(2020, 10, 11 + row)
    if pa.types.is_timestamp(t):
        return pd.Timestamp("2020-10-11T09:30:00", tz="UTC") + pd.Timedelta(hours=row)
    if pa.types.is_boolean(t):
        return row == 0
    if pa.types.is_integer(t):
        return 7 + row
    if pa.types.is_floating(t):
        return 40.5 + row
    if pa.types.is_list(t):
        return [f"{f.name}-{row}", "ARM"]
    return f"{f.name} {row}"


def sample(table: str) -> pd.DataFrame:
    """Two rows of every column, in the pandas types the stages use (nullable ints, UTC timestamps, python dates)."""
    fields = schema.TABLES[table]
    df = pd.DataFrame([{f.name: sample_value(f, row) for f in fields} for row in (0, 1)], columns=[f.name for f in fields])
    for f in fields:
        if pa.types.is_integer(f.type):
            df[f.name] = df[f.name].astype(publish.PANDAS_INT_DTYPES[f.type])
        elif pa.types.is_timestamp(f.type):
            df[f.name] = pd.to_datetime(df[f.name], utc=True).astype("datetime64[us, UTC]")
    return df


def all_samples() -> dict[str, pd.DataFrame]:
    return {table: sample(table) for table in schema.TABLES}


BUILD_INFO = {"raw_dir": "data/raw", "built_at": "2020-11-10T00:00:00Z"}


# --- Round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_round_trip_keeps_types_and_values(tmp_path, table):
    df = sample(table)
    path = publish.write_table(df, table, tmp_path, build_info=BUILD_INFO)
    assert path == tmp_path / f"{table}.parquet"
    back = publish.read_table(tmp_path, table)
    assert list(back.columns) == schema.column_names(table)
    for f in schema.TABLES[table]:
        col = back[f.name]
        if pa.types.is_integer(f.type):
            assert col.dtype == publish.PANDAS_INT_DTYPES[f.type], f.name
        elif pa.types.is_timestamp(f.type):
            assert str(col.dtype) == "datetime64[us, UTC]", f.name
        elif pa.types.is_date32(f.type):
            assert type(col[0]) is dt.date, f.name
        elif pa.types.is_string(f.type):
            assert isinstance(col.dtype, pd.StringDtype), f.name
        elif pa.types.is_list(f.type):
            assert type(col[0]) is list, f.name
        assert col[0] == df[f.name][0], f.name
        assert col.isna().tolist() == df[f.name].isna().tolist(), f.name


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_pandas_read_parquet_gives_typed_columns(tmp_path, table):
    publish.write_table(sample(table), table, tmp_path)
    back = pd.read_parquet(tmp_path / f"{table}.parquet")
    for f in schema.TABLES[table]:
        col = back[f.name]
        if pa.types.is_integer(f.type):
            assert col.dtype == publish.PANDAS_INT_DTYPES[f.type], f.name
        elif pa.types.is_date32(f.type):
            assert type(col[0]) is dt.date, f.name
        elif pa.types.is_timestamp(f.type):
            assert str(col.dtype) == "datetime64[us, UTC]", f.name
        if col.dtype == object:  # one python type per object column
            assert len({type(v) for v in col.dropna()}) <= 1, f.name


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_parquet_carries_field_descriptions_and_build_info(tmp_path, table):
    publish.write_table(sample(table), table, tmp_path, build_info=BUILD_INFO)
    stored = pq.read_schema(tmp_path / f"{table}.parquet")
    expected = schema.arrow_schema(table)
    assert stored.names == expected.names
    for f in expected:
        assert stored.field(f.name).type == f.type
        assert stored.field(f.name).nullable == f.nullable
        assert stored.field(f.name).metadata[b"description"] == f.metadata[b"description"]
    assert stored.metadata[b"table"] == table.encode()
    assert json.loads(stored.metadata[b"pipeline"]) == BUILD_INFO
    assert publish.read_build_info(tmp_path, table) == BUILD_INFO


def test_no_build_info_no_pipeline_key(tmp_path):
    publish.write_table(sample("rejects"), "rejects", tmp_path)
    assert b"pipeline" not in pq.read_schema(tmp_path / "rejects.parquet").metadata
    assert publish.read_build_info(tmp_path, "rejects") is None


def test_files_are_deterministic(tmp_path):
    df = sample("events")
    a = publish.write_table(df, "events", tmp_path / "a", build_info=BUILD_INFO)
    shuffled = df[list(reversed(df.columns))]  # column order of the frame does not matter
    b = publish.write_table(shuffled, "events", tmp_path / "b", build_info=dict(reversed(BUILD_INFO.items())))
    assert a.read_bytes() == b.read_bytes()


# --- Coercion ------------------------------------------------------------------------------

ACCEPTED = [
    ("date from python date", pa.date32(), [D(2020, 10, 11), None], [D(2020, 10, 11), None]),
    ("date from ISO text", pa.date32(), ["2020-10-11", None], [D(2020, 10, 11), None]),
    ("date from midnight Timestamp", pa.date32(), [pd.Timestamp("2020-10-11"), pd.NaT], [D(2020, 10, 11), None]),
    ("date from datetime64 column", pa.date32(), pd.to_datetime(["2020-10-11", None]), [D(2020, 10, 11), None]),
    (
        "timestamp from another zone",
        schema.UTC_TIMESTAMP,
        pd.to_datetime(["2020-10-11T02:00:00+04:00"]),
        [dt.datetime(2020, 10, 10, 22, tzinfo=dt.UTC)],
    ),
    (
        "timestamp objects with zones",
        schema.UTC_TIMESTAMP,
        [dt.datetime(2020, 10, 11, 2, tzinfo=dt.timezone(dt.timedelta(hours=4))), None],
        [dt.datetime(2020, 10, 10, 22, tzinfo=dt.UTC), None],
    ),
    ("int32 from nullable Int64", pa.int32(), pd.array([3, None], dtype="Int64"), [3, None]),
    ("int32 from whole floats", pa.int32(), [3.0, np.nan], [3, None]),
    ("int32 from object ints", pa.int32(), pd.Series([3, None], dtype=object), [3, None]),
    ("float from ints", pa.float64(), [40, 46], [40.0, 46.0]),
    ("string from str dtype", pa.string(), pd.array(["Ganja", None], dtype="str"), ["Ganja", None]),
    ("list from tuple and array", pa.list_(pa.string()), [("ARM", "AZE"), np.array(["AZE"])], [["ARM", "AZE"], ["AZE"]]),
    ("bool from numpy bools", pa.bool_(), np.array([True, False]), [True, False]),
]


@pytest.mark.parametrize(("type_", "values", "expected"), [pytest.param(t, v, e, id=i) for i, t, v, e in ACCEPTED])
def test_column_to_arrow_accepts(type_, values, expected):
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    assert publish.column_to_arrow(series, type_).to_pylist() == expected


REFUSED = [
    ("text in an int column", pa.int32(), pd.Series(["7", None], dtype=object), ["7"]),
    ("fraction in an int column", pa.int32(), [7.5, 2.0], [7.5]),
    ("bool in an int column", pa.int32(), pd.Series([True, 3], dtype=object), [True]),
    ("overflow", pa.int8(), [500, 1], [500]),
    ("text in a float column", pa.float64(), pd.array(["40.1"], dtype="str"), ["40.1"]),
    ("int in a bool column", pa.bool_(), [1, 0], [1, 0]),
    ("number in a string column", pa.string(), pd.Series(["Ganja", 7], dtype=object), [7]),
    ("text in a list column", pa.list_(pa.string()), pd.Series(["ARM", ["AZE"]], dtype=object), ["ARM"]),
    ("number in a list", pa.list_(pa.string()), pd.Series([["ARM", 3]], dtype=object), [["ARM", 3]]),
    ("naive timestamps", schema.UTC_TIMESTAMP, pd.to_datetime(["2020-10-11T02:00:00"]), [pd.Timestamp("2020-10-11T02:00:00")]),
    ("text in a timestamp column", schema.UTC_TIMESTAMP, pd.Series(["2020-10-11T02:00:00Z"], dtype=object), ["2020-10-11T02:00:00Z"]),
    ("time of day in a date column", pa.date32(), pd.Series([pd.Timestamp("2020-10-11T05:00")], dtype=object), [pd.Timestamp("2020-10-11T05:00")]),
    ("words in a date column", pa.date32(), pd.Series(["on Sunday", D(2020, 10, 11)], dtype=object), ["on Sunday"]),
]


@pytest.mark.parametrize(("type_", "values", "bad"), [pytest.param(t, v, b, id=i) for i, t, v, b in REFUSED])
def test_column_to_arrow_refuses_silent_conversions(type_, values, bad):
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    with pytest.raises(publish.ColumnTypeError) as err:
        publish.column_to_arrow(series, type_)
    assert err.value.values == bad


TABLE_ERRORS = [
    ("missing column", "events", lambda df: df.drop(columns="notes"), "events.notes", "missing"),
    ("extra column", "articles", lambda df: df.assign(section="world"), "articles.section", "unexpected"),
    ("mistyped values", "events", lambda df: df.assign(killed=pd.Series(["two", None], dtype=object)), "events.killed", "int32"),
    ("null in a non-nullable field", "events", lambda df: df.assign(location=pd.array([None, "Ganja"], dtype="str")), "events.location", "non-nullable"),
    ("null list", "events", lambda df: df.assign(claimants=pd.Series([None, ["x"]], dtype=object)), "events.claimants", "non-nullable"),
]


@pytest.mark.parametrize(("table", "corrupt", "where", "why"), [pytest.param(t, c, w, y, id=i) for i, t, c, w, y in TABLE_ERRORS])
def test_to_arrow_names_the_column(table, corrupt, where, why):
    with pytest.raises(publish.TableSchemaError, match=why) as err:
        publish.to_arrow(corrupt(sample(table)), table)
    assert str(err.value).startswith(f"{where}:")


def _rows_of(table: str, count: int) -> pd.DataFrame:
    """``count`` rows of the table's sample, every value of a row distinct from the next row's."""
    two = sample(table)
    return pd.concat([two] * (count // 2) + [two.head(count % 2)], ignore_index=True)


def test_a_table_is_written_a_row_group_at_a_time_with_the_bytes_of_one_write(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 3)
    table = _rows_of("mentions", 8)
    converted = []
    to_arrow = publish.to_arrow
    monkeypatch.setattr(publish, "to_arrow", lambda df, *args, **kw: converted.append(len(df)) or to_arrow(df, *args, **kw))
    path = publish.write_table(table, "mentions", tmp_path / "groups", build_info=BUILD_INFO)
    monkeypatch.setattr(publish, "to_arrow", to_arrow)
    assert converted == [3, 3, 2]  # never the whole table's values at once
    whole = publish.to_arrow(table, "mentions")
    info = json.dumps(BUILD_INFO, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    pq.write_table(whole.replace_schema_metadata({**whole.schema.metadata, b"pipeline": info}), tmp_path / "one.parquet", row_group_size=3)
    assert path.read_bytes() == (tmp_path / "one.parquet").read_bytes()
    assert pq.ParquetFile(path).metadata.num_row_groups == 3


def test_a_table_given_as_frames_one_after_the_other_has_the_bytes_of_the_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 3)
    table = _rows_of("mentions", 8)
    whole = publish.write_table(table, "mentions", tmp_path / "whole", build_info=BUILD_INFO)
    # each frame typed on its own (here: one of plain objects), as frames made from a few rows at a time are
    frames = iter([table.iloc[0:3], table.iloc[3:6].astype(object), table.head(0), table.iloc[6:8]])
    assert publish.write_table(frames, "mentions", tmp_path / "parts", build_info=BUILD_INFO).read_bytes() == whole.read_bytes()
    empty = publish.write_table(table.head(0), "mentions", tmp_path / "empty", build_info=BUILD_INFO)
    assert publish.write_table(iter([]), "mentions", tmp_path / "none", build_info=BUILD_INFO).read_bytes() == empty.read_bytes()


def test_a_bad_value_in_a_later_row_group_names_its_row_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 3)
    table = _rows_of("events", 8)
    table["location"] = table["location"].astype(object)
    table.loc[7, "location"] = None
    with pytest.raises(publish.TableSchemaError, match=r"events.location: .*\(rows \[7\]\)"):
        publish.write_table(table, "events", tmp_path, build_info=BUILD_INFO)
    assert list(tmp_path.iterdir()) == []


def test_table_files_read_each_table_when_asked(tmp_path):
    staging = publish.stage_tables(all_samples(), tmp_path / "processed", build_info=BUILD_INFO)
    files = publish.TableFiles(staging)
    assert list(files) == list(schema.TABLES) and len(files) == len(schema.TABLES)
    pd.testing.assert_frame_equal(files["events"], publish.read_table(staging, "events"))
    (staging / "events.parquet").unlink()
    assert "events" not in files
    with pytest.raises(KeyError):
        files["events"]


# --- Releases -----------------------------------------------------------------------------


def test_stage_tables_writes_every_table_into_a_staging_folder(tmp_path):
    out = tmp_path / "processed"
    staging = publish.stage_tables(all_samples(), out, build_info=BUILD_INFO)
    assert staging == tmp_path / ".processed.releases" / f".staging-{os.getpid()}"
    assert sorted(p.name for p in staging.iterdir()) == sorted(f"{t}.parquet" for t in schema.TABLES)
    assert not out.exists()


def test_stage_tables_failure_leaves_no_staging(tmp_path):
    out = tmp_path / "processed"
    tables = all_samples()
    tables["events"] = tables["events"].drop(columns="notes")
    with pytest.raises(publish.TableSchemaError, match="events.notes"):
        publish.stage_tables(tables, out, build_info=BUILD_INFO)
    assert list(tmp_path.iterdir()) == []


def _publish(out: Path, marker: str, keep: int = publish.KEEP_RELEASES) -> Path:
    tables = all_samples()
    tables["rejects"]["error"] = [marker, marker]
    with publish.build_lock(out):
        return publish.swap_in(publish.stage_tables(tables, out, build_info={"marker": marker}), out, keep=keep)


def _marker(out: Path) -> str:
    """Which build the output folder holds; asserts it is complete."""
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(f"{t}.parquet" for t in schema.TABLES)
    return publish.read_build_info(out, "rejects")["marker"]


def test_a_release_is_a_link_to_an_immutable_folder(tmp_path):
    out = tmp_path / "processed"
    first = _publish(out, "old")
    second = _publish(out, "new")
    assert out.is_symlink() and publish.current_release(out) == second
    assert not os.path.isabs(os.readlink(out))  # the data folder can be moved
    assert _marker(out) == "new" and _marker(first) == "old"  # the old release is kept, untouched
    assert json.loads((second / publish.RELEASE_MARKER).read_text())["release"] == second.name
    assert publish.read_table(out, "rejects")["error"].tolist() == ["new", "new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".processed.lock", ".processed.releases", "processed"]


def test_old_releases_are_pruned_to_the_newest_few(tmp_path):
    out = tmp_path / "processed"
    made = [_publish(out, f"b{i}", keep=2) for i in range(4)]
    assert publish.list_releases(out) == made[2:]
    assert _marker(out) == "b3"


def test_rollback_restores_the_previous_release(tmp_path):
    out = tmp_path / "processed"
    _publish(out, "old")
    _publish(out, "new")
    assert publish.rollback(out).name < publish.list_releases(out)[-1].name
    assert _marker(out) == "old"
    with pytest.raises(publish.UnsafeOutput, match="no release older"):
        publish.rollback(out)
    assert _marker(out) == "old"


def test_rollback_cli(tmp_path):
    from pipeline.cli import main

    out = tmp_path / "processed"
    _publish(out, "old")
    _publish(out, "new")
    assert main(["-q", "rollback", "--out", str(out)]) == 0
    assert _marker(out) == "old"


CRASH_POINTS = [
    # (the step that dies, which output the next run must find)
    ("naming the release", "old"),
    ("replacing the link", "old"),
    ("pruning", "new"),
]


@pytest.mark.parametrize(("step", "survivor"), CRASH_POINTS)
def test_crash_while_publishing_leaves_a_complete_output(tmp_path, monkeypatch, step, survivor):
    out = tmp_path / "processed"
    _publish(out, "old")
    staging = publish.stage_tables(all_samples(), out, build_info={"marker": "new"})

    def killed(*args, **kwargs):
        raise OSError("killed")

    target = {"naming the release": (publish.os, "rename"), "replacing the link": (publish.os, "replace"), "pruning": (publish, "prune_releases")}[step]
    monkeypatch.setattr(*target, killed)
    with pytest.raises(OSError, match="killed"):
        publish.swap_in(staging, out)
    monkeypatch.undo()
    assert _marker(out) == survivor  # no window without output
    with publish.build_lock(out):  # the next run cleans up
        assert _marker(out) == survivor
    assert not list((tmp_path / ".processed.releases").glob(".staging-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".processed.lock", ".processed.releases", "processed"]


def test_an_older_plain_output_folder_is_adopted_as_a_release(tmp_path):
    out = tmp_path / "processed"
    for name, df in all_samples().items():
        publish.write_table(df, name, out, build_info={"marker": "plain"})
    (out / "validation").mkdir()
    _publish(out, "new")
    assert _marker(out) == "new"
    [adopted] = [r for r in publish.list_releases(out) if r.name.endswith("-adopted")]
    assert _marker(adopted) == "plain"


def test_recover_restores_an_output_left_by_a_swap_of_an_older_version(tmp_path):
    out = tmp_path / "processed"
    for name, df in all_samples().items():
        publish.write_table(df, name, tmp_path / ".processed.previous", build_info={"marker": "old"})
    assert publish.recover(out) == ["restored processed from .processed.previous (the swap had not completed)"]
    assert _marker(out) == "old"


def test_leftover_staging_from_a_killed_build_does_not_break_the_next(tmp_path):
    out = tmp_path / "processed"
    _publish(out, "old")
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(config.ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from pipeline import publish
        from test_publish import all_samples
        out = Path({str(out)!r})
        with publish.build_lock(out):
            publish.stage_tables(all_samples(), out, build_info={{"marker": "killed"}})
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -9, done.stderr
    [leftover] = (tmp_path / ".processed.releases").glob(".staging-*")
    assert (leftover / "events.parquet").is_file()
    _publish(out, "new")
    assert _marker(out) == "new"
    assert not leftover.exists()


# --- What a build may replace ---------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("out_of", "why"),
    [
        (lambda raw, home: raw, "is the raw folder .* or holds it"),
        (lambda raw, home: raw.parent, "is the raw folder .* or holds it"),
        (lambda raw, home: raw / "sub", "lies inside the raw folder"),
        (lambda raw, home: home, "did not publish"),
        (lambda raw, home: home / "notes.txt", "is a file"),
    ],
)
def test_check_out_dir_refuses_what_the_pipeline_did_not_publish(tmp_path, out_of, why):
    raw = tmp_path / "data" / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "report.txt").write_text("Shelling of Tartar.", encoding="utf-8")
    home = tmp_path / "Documents"
    home.mkdir()
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(tmp_path)
    with pytest.raises(publish.UnsafeOutput, match=why):
        publish.check_out_dir(out_of(raw, home), raw)
    assert _tree(tmp_path) == before


def test_check_out_dir_accepts_new_empty_and_published_folders(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    publish.check_out_dir(tmp_path / "new", raw)
    (tmp_path / "empty").mkdir()
    publish.check_out_dir(tmp_path / "empty", raw)
    out = tmp_path / "processed"
    _publish(out, "old")
    publish.check_out_dir(out, raw)


def test_a_foreign_symlink_as_output_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "processed").symlink_to(elsewhere)
    with pytest.raises(publish.UnsafeOutput, match="symbolic link"):
        publish.check_out_dir(tmp_path / "processed")


def test_a_planted_lock_symlink_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "processed"
    publish.lock_path(out).symlink_to(victim)
    with pytest.raises(publish.BuildLocked, match="symbolic link"), publish.build_lock(out):
        pass
    assert victim.read_text(encoding="utf-8") == "precious"


def test_load_reads_every_table_of_one_release(tmp_path):
    import pipeline

    out = tmp_path / "processed"
    _publish(out, "old")
    tables = pipeline.load(out)
    assert set(tables) == set(schema.TABLES)
    assert tables["rejects"]["error"].tolist() == ["old", "old"]
    with pytest.raises(FileNotFoundError, match="make data"):
        pipeline.load(tmp_path / "nothing")


@pytest.mark.slow
def test_a_reader_during_builds_sees_no_error_and_one_release(tmp_path):
    out = tmp_path / "processed"
    _publish(out, "b0")
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(config.ROOT)!r})
        import pipeline
        seen = set()
        for _ in range(400):
            tables = pipeline.load({str(out)!r}, ["rejects", "events"])
            markers = set(tables["rejects"]["error"])
            assert len(markers) == 1, markers
            seen |= markers
        print(len(seen))
        """
    )
    reader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    i = 0
    while reader.poll() is None:
        i += 1
        _publish(out, f"b{i}")
    stdout, stderr = reader.communicate()
    assert reader.returncode == 0, stderr
    assert int(stdout) >= 1


# --- Lock ----------------------------------------------------------------------------------


def test_build_lock_refuses_a_second_holder_in_the_same_process(tmp_path):
    out = tmp_path / "processed"
    with publish.build_lock(out) as lock:
        assert lock == tmp_path / ".processed.lock"
        with pytest.raises(publish.BuildLocked, match=f"process {os.getpid()} holds"), publish.build_lock(out):
            pass
    with publish.build_lock(out):  # released
        pass


def test_build_lock_refuses_while_another_process_builds(tmp_path):
    out = tmp_path / "processed"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(config.ROOT)!r})
        from pathlib import Path
        from pipeline import publish
        with publish.build_lock(Path({str(out)!r})):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(publish.BuildLocked, match=f"another build is writing .*process {holder.pid} holds"), publish.build_lock(out):
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with publish.build_lock(out):
        pass


def test_a_lock_is_removed_when_nothing_was_ever_published(tmp_path):
    out = tmp_path / "processed"
    with publish.build_lock(out) as lock:
        assert lock.is_file()
    assert list(tmp_path.iterdir()) == []
    _publish(out, "first")
    assert publish.lock_path(out).is_file()  # kept once a release exists


def test_a_lock_held_by_another_process_is_never_removed(tmp_path):
    out = tmp_path / "processed"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom pipeline import publish\n"
         "with publish.build_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(30)\n", str(out)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(config.ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(publish.BuildLocked, match="another build is writing"), publish.build_lock(out):
            pass
        assert publish.lock_path(out).is_file()
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_file_removed_under_a_waiting_build_is_replaced(tmp_path, monkeypatch):
    out = tmp_path / "processed"
    opened = []
    real_open = publish._open_lock

    def open_then_lose(path):
        fd = real_open(path)
        opened.append(fd)
        if len(opened) == 1:
            path.unlink()  # as a finishing build that never published does, between our open and our lock
        return fd

    monkeypatch.setattr(publish, "_open_lock", open_then_lose)
    with publish.build_lock(out) as lock:
        assert len(opened) == 2 and lock.is_file()
        assert os.fstat(opened[1]).st_ino == os.stat(lock).st_ino
