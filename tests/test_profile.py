"""Conflict profiles: the engine knows no conflict; a profile written from scratch builds, validates and publishes."""

from __future__ import annotations

import ast
import re
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline import config
from pipeline.build import build, build_tables
from pipeline.lexicon import LexiconError
from pipeline.profile import ProfileError, load_profile, parse_profile

# Names, side codes and zones of the conflicts the repository ships profiles for: none may appear in the
# package's code or comments (docstrings may use them as examples).
CONFLICT_WORDS = re.compile(
    r"\b(ARM|AZE|UKR|DPR|LPR)\b|armenia|azerbaij|azeri|karabakh|artsakh|baku|yerevan|stepanakert|khankendi|ganja|tartar|"
    r"aghdam|shusha|hadrut|donetsk|luhansk|lugansk|donbas|kyiv|kiev|horlivka|avdiivka|Asia/|Europe/|UTC\+4|\+04:00",
    re.I,
)


def _code_without_docstrings(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    doc_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                doc_lines.update(range(first.lineno, first.end_lineno + 1))
    return [(n, line) for n, line in enumerate(source.splitlines(), start=1) if n not in doc_lines]


def test_the_package_code_names_no_conflict():
    found = []
    for path in sorted((config.ROOT / "pipeline").rglob("*.py")):
        for number, line in _code_without_docstrings(path):
            if CONFLICT_WORDS.search(line):
                found.append(f"{path.relative_to(config.ROOT)}:{number}: {line.strip()}")
    assert not found, "conflict knowledge in code (move it to data/conflicts/ or data/lang/):\n" + "\n".join(found)


def test_extraction_modules_stay_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (config.ROOT / "pipeline" / "extract").glob("*.py")}
    assert max(sizes.values()) <= 400, sizes


# --- a third conflict, written here from scratch -----------------------------------------------

RIVERLAND = {
    "profile.yaml": """
        id: riverland
        name: Riverland test conflict
        language: en
        first_year: 2023
        timezone: Europe/Berlin
        zone_words: {Riverland time: Europe/Berlin}
        parties:
          - {code: NRL, name: Northland, force: Military Forces of Northland, civilians: Civilians (Northland),
             country_iso3: NRL, opposes: [SRL, RFM], government: Government of Northland}
          - {code: SRL, name: Southland, force: Military Forces of Southland, civilians: Civilians (Southland),
             country_iso3: SRL, opposes: [NRL], government: Government of Southland, territory: [Lower Vale]}
          - {code: RFM, name: River Front, force: River Front Militia, civilians: Civilians (Northland),
             opposes: [NRL], territory: [Upper Vale]}
        event_countries: [NRL]
        bounding_boxes: {NRL: [50.0, 52.0, 10.0, 12.0]}
        gazetteer: {preferred_countries: [NRL]}
        exports: {ucdp_conflict_name: Northland - River Front, ucdp_side_a: NRL, ucdp_side_b: RFM}
    """,
    "actors.csv": """
        kind,pattern,name,side,source
        claimant,\\bnorthland's defen[cs]e ministry\\b|\\bdefen[cs]e ministry of northland\\b,Ministry of Defence of Northland,NRL,test
        claimant,\\bfront spokesman\\b,River Front,RFM,test
        claimant,\\bnorthland(?= said)\\b,Government of Northland,NRL,test
        claimant,\\bmonitors\\b,Monitors,independent,test
        side,\\bnorthland('s)?\\b,Military Forces of Northland,NRL,test
        side,\\bsouthland('s)?\\b|\\bsouthern\\b,Military Forces of Southland,SRL,test
        side,\\bmilitia\\b|\\briver front\\b,River Front Militia,RFM,test
        side,\\brebels?\\b,Rebels,SRL|RFM,test (the place decides)
    """,
    "ceasefires.yaml": """
        - id: 2023-03-26-spring-truce
          name: Spring truce
          conflict: Riverland
          start: "2023-03-26T00:00:00+01:00"
          parties: [NRL, RFM]
          sources: [{outlet: test}]
    """,
    "gazetteer_supplement.csv": """
        name,aliases,latitude,longitude,country_iso3,admin1,feature,population,geonameid,source
        Oakford,Oakforde,51.10,11.10,NRL,Upper Vale,town,5000,,test
        Stonebridge,,51.30,11.40,NRL,Upper Vale,village,600,,test
        Millbrook,,50.60,10.60,NRL,Lower Vale,town,4000,,test
    """,
    "admin_areas.csv": """
        name,aliases,level,country_iso3,geonames_admin1,centre,centre_geonameid,centre_latitude,centre_longitude,source
        Upper Vale,,province,NRL,,Oakford,,51.10,11.10,test
        Lower Vale,,province,NRL,,Millbrook,,50.60,10.60,test
    """,
}

REPORTS = {
    "oakford.txt": """
        ---
        id: wire-2023-03-28-oakford
        outlet: Test Wire
        published: 2023-03-28T10:00:00+02:00
        ---
        Militia mortars shelled Oakford on Monday, wounding three civilians, Northland's defence ministry said.

        The enemy shelled Millbrook overnight, the defence ministry of Northland said.

        Rebels fired on Stonebridge at 23:30 Riverland time on Sunday, monitors said.

        A front spokesman denied that the militia had shelled Oakford.
    """,
}


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def riverland(tmp_path_factory):
    root = tmp_path_factory.mktemp("conflicts")
    profile = load_profile(_write(root / "riverland", RIVERLAND))
    raw = _write(root / "raw", REPORTS)
    return profile, raw


@pytest.mark.slow  # compiles the new profile's own gazetteer (20-40 s on a 2-core machine)
def test_a_new_profile_codes_its_own_parties(riverland):
    profile, raw = riverland
    events = build_tables(raw, profile=profile).tables["events"].set_index("location")
    assert set(events.index) == {"Oakford", "Millbrook", "Stonebridge"}
    oakford = events.loc["Oakford"]
    assert (oakford.perpetrator_side, oakford.perpetrator, oakford.target_actor) == ("RFM", "River Front Militia", "Civilians (Northland)")
    assert (oakford.injured, oakford.claimant_side, oakford.claim_status) == (3, "NRL", "denied")
    assert oakford.event_date.isoformat() == "2023-03-27" and bool(oakford.during_ceasefire)
    # "The enemy" in Northland's statement: of its two opponents, the one whose territory holds the place.
    assert events.loc["Millbrook", "perpetrator_side"] == "SRL"
    # "Rebels" may be either opponent: the place decides. 23:30 local on 26 March 2023 is summer time (UTC+2).
    stonebridge = events.loc["Stonebridge"]
    assert stonebridge.perpetrator_side == "RFM" and stonebridge.claimant_side == "independent"
    assert stonebridge.time_utc == pd.Timestamp("2023-03-26T21:30:00Z")


@pytest.mark.slow
def test_a_new_profile_builds_validates_and_publishes(riverland, tmp_path):
    profile, raw = riverland
    out = tmp_path / "processed-riverland"
    summary = build(raw, out, profile)
    assert "events: 3" in summary
    tables = __import__("pipeline").load(out)
    sides = tables["ceasefire_summary"]["perpetrator_side"].tolist()
    assert sides == ["NRL", "SRL", "RFM", "unknown"]
    assert tables["ceasefire_summary"].set_index("perpetrator_side").loc["RFM", "events"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("opposes: [NRL], territory: [Upper Vale]", "opposes: [XXX], territory: [Upper Vale]"), "opposes unknown parties"),
        (lambda t: t.replace("timezone: Europe/Berlin", "timezone: Mars/Olympus"), "unknown time zone"),
        (lambda t: t.replace("language: en", "language: xx"), "no language folder"),
        (lambda t: t + "\n        colour: blue\n", "unknown key"),
        (lambda t: t.replace("code: SRL", "code: srl"), "capital letters"),
        (lambda t: t + "\n        perpetrator_from_holder: sometimes\n", "perpetrator_from_holder: expected true or false"),
        (lambda t: t + "\n        unstated_fire_from: {2021-13-01: Armed clash}\n", "month must be in 1..12"),
        (lambda t: t + "\n        unstated_fire_from: {spring: Armed clash}\n", "is not a date"),
        (lambda t: t + "\n        unstated_fire_from: {2021-01-01: Skirmish}\n", "not an ACLED sub-event type"),
        (lambda t: t + "\n        past_day_back: 2\n", "past_day_back: expected 0"),
        (lambda t: t + "\n        admin1_are_regions: often\n", "admin1_are_regions: expected true or false"),
    ],
)
def test_a_broken_profile_is_a_clear_error(tmp_path, change, message):
    files = {**RIVERLAND, "profile.yaml": change(RIVERLAND["profile.yaml"])}
    with pytest.raises(ProfileError, match=message):
        load_profile(_write(tmp_path / "riverland", files))


def test_an_unknown_conflict_names_the_known_ones():
    with pytest.raises(ProfileError, match="known: .*karabakh-2020"):
        load_profile("atlantis")


def test_parse_profile_needs_the_required_keys(tmp_path):
    with pytest.raises(ProfileError, match="missing"):
        parse_profile({"id": "x", "name": "x"}, tmp_path)


def test_the_unstated_fire_of_a_phase_starts_on_its_first_day(tmp_path):
    text = RIVERLAND["profile.yaml"] + "\n        unstated_fire_from: {2021-06-01: Armed clash, 2021-01-01: Air/drone strike}\n"
    profile = load_profile(_write(tmp_path / "riverland", {**RIVERLAND, "profile.yaml": text}))
    assert profile.unstated_fire_on(date(2020, 12, 31)) == profile.unstated_fire
    assert profile.unstated_fire_on(date(2021, 1, 1)) == "Air/drone strike"
    assert profile.unstated_fire_on(date(2021, 6, 1)) == "Armed clash"


def test_a_cue_pattern_with_an_unquoted_comma_is_a_clear_error(tmp_path):
    from pipeline.lexicon import LexiconError, load_lexicon

    cues = tmp_path / "cues.csv"
    cues.write_text("id,category,value,pattern,source\ncue.act.x,act,generic,\\bfire{1,2}\\b,a source\n", encoding="utf-8")
    actors = tmp_path / "actors.csv"
    actors.write_text("kind,pattern,name,side,source\nside,\\bnorth\\b,North,NRL,a source\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues.csv:2: more fields than the header"):
        load_lexicon([cues], actors)


def test_a_profile_replaces_a_named_pattern_of_its_language(tmp_path):
    own = 'patterns:\n  figures.no_losses:\n    pattern: (?!)\n    note: "bulletins'"'"' no losses are no zero here"\n'
    profile = load_profile(_write(tmp_path / "riverland", {**RIVERLAND, "patterns.yaml": own}))
    assert profile.lexicon.rx("figures.no_losses").search("Our forces suffered no losses.") is None
    assert load_profile("karabakh-2020").lexicon.rx("figures.no_losses").search("Our forces suffered no losses.")


def test_a_profile_pattern_that_replaces_nothing_is_a_clear_error(tmp_path):
    own = "patterns:\n  figures.no_such_rule:\n    pattern: losses\n"
    profile = load_profile(_write(tmp_path / "riverland", {**RIVERLAND, "patterns.yaml": own}))
    with pytest.raises(LexiconError, match="figures.no_such_rule replace"):
        _ = profile.lexicon
