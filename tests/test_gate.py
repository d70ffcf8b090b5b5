"""The validation gate in a process of its own: the same report as in the build's process, errors carried back."""

from __future__ import annotations

import shutil

import pytest

from pipeline import config
from pipeline.build import build
from pipeline.gate import Gate, GateError
from pipeline.validate import validate_folder


@pytest.fixture
def release_dir(sample_output):
    return sample_output


@pytest.mark.parametrize("fork", [True, pytest.param(False, marks=pytest.mark.slow)], ids=["own-process", "build-process"])
def test_the_gate_fails_a_broken_release(release_dir, tmp_path, profile, fork):
    # (every build passes the good release through the gate: the sample_output fixture is one)
    broken = tmp_path / "broken"
    shutil.copytree(release_dir, broken)
    (broken / "events.parquet").unlink()
    with Gate(profile, fork=fork) as gate:
        assert (gate.process is not None) == fork
        gate.start(broken, False)
        report = gate.report()
    assert not report.success and report.evaluated > 100
    assert any(f.table == "events" and "missing" in f.message for f in report.failures)


def test_an_error_in_the_gate_process_is_raised_in_the_build(tmp_path, profile):
    with Gate(profile) as gate, pytest.raises(FileNotFoundError, match="no folder to validate"):
        gate.start(tmp_path / "nowhere", False)
        gate.report()


def test_a_gate_process_that_dies_is_a_clear_error(release_dir, profile):
    with Gate(profile) as gate:
        gate.process.kill()
        gate.process.join(5)
        with pytest.raises(GateError, match="ended without a report"):
            gate.start(release_dir, False)
            gate.report()


def test_a_gate_left_unused_ends_its_process(profile):
    with Gate(profile) as gate:
        process = gate.process
    assert not process.is_alive()


@pytest.mark.slow
def test_a_build_validated_in_its_own_process_publishes_what_one_validated_in_place_does(release_dir, tmp_path):
    out = tmp_path / "out"
    summary = build(config.RAW_DIR, out, jobs=1, fork_gate=False)
    assert "validate " in summary
    for table in sorted(release_dir.glob("*.parquet")):
        assert (out / table.name).read_bytes() == table.read_bytes(), table.name


def test_the_gate_process_checks_large_tables_in_two_processes(release_dir, tmp_path, profile, monkeypatch):
    """The gate's own process (a daemon) may still fork the part of the checks it hands out: a broken release gets
    the report a single process gives."""
    import re

    from pipeline import validate

    broken = tmp_path / "broken"
    shutil.copytree(release_dir, broken)
    (broken / "events.parquet").unlink()
    alone = validate.validate_folder(broken, profile=profile)
    monkeypatch.setattr(validate, "SPLIT_ROWS", 0)  # (inherited by the gate's process, forked after this)
    with Gate(profile) as gate:
        gate.start(broken, False)
        split = gate.report()
    assert [f.render() for f in split.failures] == [f.render() for f in alone.failures] and not split.success
    assert re.sub(r"in \d+\.\ds", "", split.render()) == re.sub(r"in \d+\.\ds", "", alone.render())


def test_tables_announced_as_staged_are_read_ahead_and_give_the_same_report(release_dir, tmp_path, profile):
    broken = tmp_path / "broken"
    shutil.copytree(release_dir, broken)
    (broken / "events.parquet").unlink()
    (broken / "rejects.parquet").write_bytes(b"not parquet")  # a table that cannot be read ahead is read, and reported, with the others
    alone = validate_folder(broken, profile=profile)
    with Gate(profile) as gate:
        for path in sorted(broken.glob("*.parquet")):
            gate.staged(path.stem, path)
        gate.start(broken, False)
        ahead = gate.report()
    assert [f.render() for f in ahead.failures] == [f.render() for f in alone.failures] and not ahead.success
    assert any(f.table == "rejects" for f in ahead.failures)
