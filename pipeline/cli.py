"""Command line: `python -m pipeline build|validate|evaluate|geocode|pull|exports|codebook`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pipeline import config


def _profile(args: argparse.Namespace):
    from pipeline.profile import load_profile

    return load_profile(args.conflict)


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import BuildFailed, build
    from pipeline.profile import ProfileError

    try:
        profile = _profile(args)
        raw = Path(args.raw) if args.raw else profile.sample_raw or config.RAW_ROOT / profile.id
        out = Path(args.out) if args.out else config.default_out_dir(profile.id)
        summary = build(raw, out, profile)
    except (BuildFailed, ProfileError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from pipeline import publish

    try:
        release = publish.rollback(Path(args.out))
    except (publish.UnsafeOutput, publish.BuildLocked) as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out} now holds release {release.name}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from pipeline.validate import validate_folder

    try:
        report = validate_folder(Path(args.out))
    except FileNotFoundError as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 1
    print(report.render())
    return 0 if report.success else 1


def _evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import parse_floors, run_evaluation

    try:
        floors = parse_floors(args.min_field)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return run_evaluation(
        Path(args.gold),
        profile=_profile(args),
        events_file=Path(args.events) if args.events else None,
        min_f1=args.min_f1,
        verbose=args.verbose,
        field_floors=floors,
    )


def _geocode(args: argparse.Namespace) -> int:
    from pipeline.geocode import GeocodeNotFound, geocode_command

    try:
        result = geocode_command(args.name, country=args.country, near=args.near, profile=_profile(args))
    except GeocodeNotFound as exc:
        print(f"no match: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _exports(args: argparse.Namespace) -> int:
    from pipeline.exports import main as exports_main

    return exports_main(["--out", args.out])


def _codebook(args: argparse.Namespace) -> int:
    from pipeline.codebook import main as codebook_main

    return codebook_main([])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    p.add_argument("--debug", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    conflict = argparse.ArgumentParser(add_help=False)
    conflict.add_argument(
        "--conflict", default=config.DEFAULT_CONFLICT, metavar="ID",
        help="conflict profile: an id under data/conflicts/ or a profile folder (default: %(default)s)",
    )

    b = sub.add_parser("build", parents=[conflict], help="build the tables from raw reports, validate and publish")
    b.add_argument("--raw", help="raw reports (default: the profile's sample corpus, data/raw/<conflict>)")
    b.add_argument("--out", help="output folder (default: data/processed for the default conflict, else data/processed-<conflict>)")
    b.set_defaults(func=_build)

    r = sub.add_parser("rollback", help="point the output folder at the release published before the current one")
    r.add_argument("--out", default=str(config.PROCESSED_DIR))
    r.set_defaults(func=_rollback)

    v = sub.add_parser("validate", help="run the expectation suites on a published folder")
    v.add_argument("--out", default=str(config.PROCESSED_DIR))
    v.set_defaults(func=_validate)

    e = sub.add_parser("evaluate", parents=[conflict], help="score extraction against a gold folder")
    e.add_argument("--gold", required=True, help="folder with reports/ and gold.jsonl")
    e.add_argument("--events", help="events.parquet to score instead of building from the gold reports")
    e.add_argument("--min-f1", type=float, default=None, help="exit non-zero when strict F1 is below this")
    e.add_argument("--min-field", action="append", default=[], metavar="NAME=X", help="exit non-zero when a field's accuracy is below X (repeatable)")
    e.add_argument("--verbose", action="store_true", help="list missed, extra and miscoded events")
    e.set_defaults(func=_evaluate)

    g = sub.add_parser("geocode", parents=[conflict], help="look a place name up in the offline gazetteer")
    g.add_argument("name")
    g.add_argument("--country", help="ISO3 of the country the report is about")
    g.add_argument("--near", action="append", default=[], help="another place named in the same context")
    g.set_defaults(func=_geocode)

    x = sub.add_parser("exports", help="write ACLED- and UCDP-style CSVs and GeoParquet beside events.parquet")
    x.add_argument("--out", default=str(config.PROCESSED_DIR))
    x.set_defaults(func=_exports)

    c = sub.add_parser("codebook", help="regenerate docs/codebook.md from the schema")
    c.set_defaults(func=_codebook)

    from pipeline.pull import add_pull_parser

    add_pull_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.debug else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not args.debug:
        # Great Expectations and dateparser's helpers log their own set-up at INFO.
        for noisy in ("great_expectations", "tzlocal", "dateparser"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return args.func(args)
