from __future__ import annotations

import json

import pyarrow as pa
import pytest

from pipeline import codebook, schema
from pipeline.profile import load_profile

PROFILE = load_profile()

ALL_FIELDS = [(table, field) for table, fields in schema.TABLES.items() for field in fields]


def test_committed_codebook_is_current() -> None:
    path = codebook.CODEBOOK_FILE
    assert path.exists(), f"{path} is missing: run `python -m pipeline.codebook`"
    committed = path.read_text(encoding="utf-8")
    assert committed == codebook.render_codebook(), (
        f"{path} is out of date with pipeline/schema.py: run `python -m pipeline.codebook` and commit the result"
    )


@pytest.mark.parametrize(("table", "field"), ALL_FIELDS, ids=[f"{t}.{f.name}" for t, f in ALL_FIELDS])
def test_every_field_has_a_row_in_its_table_section(table: str, field: schema.Field) -> None:
    section = codebook.render_table(table, PROFILE)
    rows = [line for line in section.splitlines() if line.startswith(f"| `{field.name}`")]
    assert len(rows) == 1, f"{table}.{field.name} not in the codebook"
    assert codebook._cell(field.description) in rows[0]
    assert ("| no |" in rows[0]) == (not field.nullable)


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_table_has_a_heading_and_description(table: str) -> None:
    text = codebook.render_codebook()
    assert f"### `{table}`" in text
    assert schema.TABLE_DESCRIPTIONS[table] in text


@pytest.mark.parametrize(
    ("arrow_type", "name"),
    [
        (pa.string(), "string"),
        (pa.int32(), "int32"),
        (pa.date32(), "date"),
        (pa.timestamp("us", tz="UTC"), "timestamp (UTC)"),
        (pa.list_(pa.string()), "list of string"),
        (pa.bool_(), "boolean"),
    ],
)
def test_type_names(arrow_type: pa.DataType, name: str) -> None:
    assert codebook.type_name(arrow_type) == name


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a | b", "a \\| b"), ("line\nbreak", "line break"), ("plain", "plain")],
)
def test_cells_are_escaped(text: str, escaped: str) -> None:
    assert codebook._cell(text) == escaped


def test_allowed_values_and_examples_are_rendered() -> None:
    section = codebook.render_table("events", PROFILE)
    row = next(line for line in section.splitlines() if line.startswith("| `claim_status`"))
    for value in schema.CLAIM_STATUSES:
        assert f"`{value}`" in row
    row = next(line for line in section.splitlines() if line.startswith("| `report_ids`"))
    assert f'`{json.dumps(PROFILE.codebook_examples["report_ids"])}`' in row
    row = next(line for line in section.splitlines() if line.startswith("| `perpetrator_side`"))
    assert all(f"`{code}`" in row for code in PROFILE.party_codes)


def test_the_codebook_names_the_profile_parties() -> None:
    text = codebook.render_codebook()
    for party in PROFILE.parties:
        assert f"- `{party.code}`: {party.name}" in text


def test_write_codebook(tmp_path) -> None:
    path = codebook.write_codebook(tmp_path / "docs" / "codebook.md")
    assert path.read_text(encoding="utf-8") == codebook.render_codebook()
