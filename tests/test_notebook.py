"""notebooks/explore.ipynb: stripped in git, conflict-agnostic, and rendered by `make report` into an offline page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config, publish
from pipeline.profile import load_profile

NOTEBOOK = config.ROOT / "notebooks" / "explore.ipynb"
REPORT_CONFIG = config.ROOT / "notebooks" / "report.json"
NOTEBOOK_TOOLS = ("nbconvert", "nbformat", "nbclient", "ipykernel", "matplotlib", "geopandas")


def _cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_committed_notebook_has_no_outputs() -> None:
    for cell in _cells():
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {cell.get('id')} has outputs: run `nbstripout {NOTEBOOK}`"
            assert cell["execution_count"] is None, f"cell {cell.get('id')} has an execution count: run nbstripout"


def test_notebook_has_one_parameters_cell_with_data_dir() -> None:
    tagged = [c for c in _cells() if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert 'DATA_DIR = os.environ.get("EXPLORE_DATA_DIR", "../data/processed")' in source


def test_notebook_names_no_party_zone_or_ceasefire() -> None:
    """Sides, zone and ceasefires come from the tables and the profile, whatever the conflict."""
    text = "\n".join("".join(c["source"]) for c in _cells())
    for folder in sorted(p for p in config.CONFLICTS_DIR.iterdir() if (p / "profile.yaml").is_file()):
        profile = load_profile(folder.name)
        words = [profile.id, profile.name, profile.timezone, *profile.event_countries]
        for party in profile.parties:
            words += [party.code, party.name, party.force]
        words += re.findall(r"^- id: (\S+)", profile.ceasefires_file.read_text(encoding="utf-8"), re.M)
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"the notebook names {word!r} of {profile.id}"


def test_nbstripout_would_not_change_the_notebook() -> None:
    pytest.importorskip("nbstripout")
    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", str(NOTEBOOK)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"run `nbstripout {NOTEBOOK}`: {result.stdout}{result.stderr}"


def test_make_report_renders_with_the_committed_config() -> None:
    makefile = (config.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "EXPLORE_DATA_DIR=$(abspath $(OUT)) $(PY) -m nbconvert --config notebooks/report.json" in makefile
    settings = json.loads(REPORT_CONFIG.read_text(encoding="utf-8"))
    assert settings["ExecutePreprocessor"]["enabled"] and settings["NbConvertApp"]["export_format"] == "html"


@pytest.fixture(scope="module")
def report(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The HTML page `make report` writes, rendered from the sample build."""
    for tool in NOTEBOOK_TOOLS:
        pytest.importorskip(tool)
    out = tmp_path_factory.mktemp("report")
    before = sorted(p.name for p in Path(os.path.realpath(sample_output)).iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--config", str(REPORT_CONFIG.relative_to(config.ROOT)),
         "--output-dir", str(out), "--output", "explore", str(NOTEBOOK.relative_to(config.ROOT))],
        cwd=config.ROOT, env={**os.environ, "EXPLORE_DATA_DIR": str(sample_output)},
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in Path(os.path.realpath(sample_output)).iterdir()) == before  # the release is read only
    return (out / "explore.html").read_text(encoding="utf-8")


def test_report_has_the_figures_and_tables(report: str) -> None:
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', report)) == 4, "daily, casualties, map, ceasefire chart"
    for heading in ("Events per day", "Casualties over time", "Where", "Violations by ceasefire", "Deadliest events"):
        assert f">{heading}<" in report, heading
    assert report.count("<table") == 2, "the ceasefire table and the deadliest events"
    assert "Traceback" not in report and "Error" not in re.sub(r"<style.*?</style>", "", report, flags=re.S)


def test_report_reads_offline(report: str) -> None:
    assert "<script" not in report
    assert not re.search(r'<(link|img|iframe)[^>]+(href|src)="(https?:)?//', report)


def test_report_shows_evidence_and_the_ceasefires_as_recorded(report: str, sample_output: Path) -> None:
    events = publish.read_table(Path(os.path.realpath(sample_output)), "events")
    deadliest = events.sort_values(["killed", "injured"], ascending=False, na_position="last").iloc[0]
    first_sentence = deadliest["evidence"].splitlines()[0]
    assert first_sentence.split("] ", 1)[1][:60] in report.replace("&#x27;", "'").replace("&#39;", "'")
    ceasefires = publish.read_table(Path(os.path.realpath(sample_output)), "ceasefires")
    summary = publish.read_table(Path(os.path.realpath(sample_output)), "ceasefire_summary")
    articles = publish.read_table(Path(os.path.realpath(sample_output)), "articles")
    for name in ceasefires["name"]:
        assert name in report
    last = summary.sort_values("start_utc").iloc[-1]
    if last["start_utc"] > articles["published"].max():  # the sample's last truce begins after its latest report
        assert "began after the latest report" in report
    assert "(0.0 days" not in report
    assert ">contested<" in report and ">denied<" in report  # separate columns
