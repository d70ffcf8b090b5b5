"""The codebook: Markdown generated from :mod:`pipeline.schema`.

`render_codebook()` returns the text of ``docs/codebook.md``; `write_codebook()` writes it.
Run ``python -m pipeline.codebook`` after any change to the schema; a test fails while the
committed file differs from what the schema renders.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pyarrow as pa

from pipeline import config, schema
from pipeline.profile import Profile, load_profile

CODEBOOK_FILE = config.ROOT / "docs" / "codebook.md"

INTRO = """\
# Codebook

This file is generated from `pipeline/schema.py` by `python -m pipeline.codebook`;
do not edit it by hand. The same descriptions travel inside every Parquet file as
field metadata (`pyarrow.parquet.read_schema(path).field(name).metadata`).

## What is coded

**An event** is one act, by one perpetrator side, at one place, on one local
date. Two acts at the same place on the same day (shelling and an air strike on
the same town; a clash and a killing of civilians in the same village) are two
events; the same act reported by several outlets is one event with several
sources. Each event keeps the sentences it was coded from (`evidence`), with
report ids and character offsets into the report text.

**Acts** use ACLED's event and sub-event types, restricted to those that occur in
ceasefire violations:

{event_types}

**Sides** are the party codes of the conflict profile the tables were built with
(`data/conflicts/<id>/profile.yaml`): a state's ISO 3166-1 alpha-3 code, or a
code of its own for a non-state party. Places are coded in the country in whose
internationally recognised territory they lie, whoever controls them. This
codebook is written for the profile `{profile_id}` ({profile_name}):

{parties}

**Claims.** Most events are known only from what one party says. `perpetrator`
is who is *said* to have acted, `claimants` who says so, `claimant_side` their
side, and `claim_status` whether the claim stands alone (`alleged`), is denied
by the accused side (`denied`), is asserted by both sides against each other
(`contested`) or rests on an independent witness (`observed`).

**Dates** are local calendar dates in the conflict's time zone (for `{profile_id}`:
`{timezone}`; daylight saving included where the zone has it). `date_start` and
`date_end` bound the date; `date_precision` says how well it is known
(in the spirit of UCDP GED's `date_prec`):

| date_precision | meaning |
|---|---|
| `day` | the day is known (`date_start` = `date_end` = `event_date`) |
| `week` | only the week is known (e.g. "last week": the previous Monday to Sunday) |
| `month` | only the month is known |
| `year` | only the year is known |

`time_utc` holds the instant in UTC where the report gives a clock time. A
clock time shortly after local midnight falls on the previous UTC day when the
zone is ahead of UTC: an act at 01:30 local time in a zone at UTC+3 on 12 October
2020 has `time_utc` `2020-10-11T22:30:00Z` and `event_date` 2020-10-12.

**Places** are resolved to GeoNames (or a small supplement) with WGS84
coordinates. `geo_precision` follows ACLED's three levels:

| geo_precision | meaning | coordinates |
|---|---|---|
| 1 | the town or village itself | the place |
| 2 | a district, a front direction (fire "in the direction of" a town), or near / on the outskirts of a town | the district's administrative centre, or the town |
| 3 | a larger region (a province, a disputed region as a whole) | a representative point of the region, as the gazetteer gives it |

**Casualties** are the figures the sources give for the people hit by the
act: a best estimate and the lowest and highest figures reported. Null means
not reported; 0 is coded only where a source says nobody was killed or injured.

**Ceasefires.** Each event is linked to the ceasefire in force at its time
(`ceasefire_id`); `during_ceasefire` is true when the event falls at or after
that ceasefire's start instant (its `time_utc`, else the start of its local date).

## Conventions

- Parquet types are Arrow types: `string`, `int8`..`int64`, `float64`,
  `boolean`, `date` (Arrow `date32`, a calendar date without time),
  `timestamp (UTC)` (Arrow `timestamp[us, tz=UTC]`), `list of string`.
- In pandas (`pipeline.publish.read_table`), nullable integers come back as
  `Int32`/`Int64`, dates as `datetime.date` objects, timestamps as
  `datetime64[us, UTC]`.
- **nullable**: `no` means the column never holds a null. A key column is
  marked *unique*.

## Tables

{index}
"""


def type_name(t: pa.DataType) -> str:
    """A reader's name for an Arrow type."""
    if pa.types.is_list(t):
        return f"list of {type_name(t.value_type)}"
    if pa.types.is_timestamp(t):
        return "timestamp (UTC)" if t.tz == "UTC" else f"timestamp ({t.tz or 'naive'})"
    if pa.types.is_date32(t):
        return "date"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_float64(t):
        return "float64"
    return str(t)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "`true`" if v else "`false`"
    if isinstance(v, list | tuple):
        return f"`{json.dumps(list(v), ensure_ascii=False)}`"
    return f"`{v}`"


def _allowed(field: schema.Field, profile: Profile) -> str:
    values = field.allowed_values(profile)
    if values is None:
        return ""
    return ", ".join(_value(a) for a in values)


def render_table(name: str, profile: Profile) -> str:
    fields = schema.TABLES[name]
    lines = [
        f"### `{name}`",
        "",
        f"{schema.TABLE_DESCRIPTIONS[name]} File: `{name}.parquet`, {len(fields)} columns.",
        "",
        "| column | type | nullable | meaning | allowed values | example |",
        "|---|---|---|---|---|---|",
    ]
    for f in fields:
        column = f"`{f.name}`" + (" *unique*" if f.unique else "")
        cells = [
            column,
            type_name(f.type),
            "yes" if f.nullable else "no",
            f.description,
            _allowed(f, profile),
            _value(profile.codebook_examples.get(f.name, f.example)),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def table_order() -> list[str]:
    """The event table first (what most readers want), then the others in schema order."""
    return ["events", *(n for n in schema.TABLES if n != "events")]


def _parties(profile: Profile) -> str:
    lines = []
    for p in profile.parties:
        state = f"the state {p.country_iso3}" if p.country_iso3 else "a non-state party"
        note = f"; {p.note}" if p.note else ""
        lines.append(f"- `{p.code}`: {p.name} ({state}); its forces are `{p.force}`, its civilians `{p.civilians}`{note}.")
    return "\n".join(lines)


def render_codebook(profile: Profile | None = None) -> str:
    profile = profile or load_profile()
    event_types = "\n".join(f"- {event_type}: " + ", ".join(subs) for event_type, subs in schema.EVENT_TYPES.items())
    names = table_order()
    index = "\n".join(f"- [`{n}`](#{n}): {schema.TABLE_DESCRIPTIONS[n]}" for n in names)
    parts = [
        INTRO.format(
            event_types=event_types, index=index, profile_id=profile.id, profile_name=profile.name,
            parties=_parties(profile), timezone=profile.timezone,
        )
    ]
    parts += [render_table(n, profile) for n in names]
    return "\n".join(parts)


def write_codebook(path: Path = CODEBOOK_FILE, profile: Profile | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_codebook(profile), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pipeline.codebook", description="Write the codebook generated from the schema."
    )
    p.add_argument("--out", default=str(CODEBOOK_FILE), help="Markdown file to write (default: docs/codebook.md)")
    args = p.parse_args(argv)
    print(write_codebook(Path(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
