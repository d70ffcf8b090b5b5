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
        summary = build(
            raw, out, profile, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler, cache=not args.no_cache,
            docs=args.docs, progress=sys.stderr.isatty() and not args.quiet,
        )
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
    from pipeline import publish
    from pipeline.validate import validate_folder

    out = Path(args.out)
    try:
        if not out.is_dir():
            raise FileNotFoundError(f"no folder to validate at {out}")
        with publish.build_lock(out):  # no build swaps the release while it is read, and no two reports mix
            report = validate_folder(out, docs=args.docs)
    except (FileNotFoundError, publish.BuildLocked) as exc:
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class HelpFormatter(argparse.HelpFormatter):
    """Every option that takes a value ends its help with its default, unless the help gives it already."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "%(default)" in text or "default:" in text or not action.option_strings or action.nargs == 0:
            return text  # positional arguments and flags have no default to show
        if action.default is None or action.default == []:
            return f"{text} (default: none)"
        return f"{text} (default: %(default)s)"


def _shown(path: Path) -> str:
    """A path as defaults show it: relative to the working folder where it lies inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _command(sub, name: str, summary: str, description: str, parents: tuple = ()) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=list(parents), help=summary, description=description, formatter_class=HelpFormatter)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Build, check and score the ceasefire-violation event dataset. "
        "`python -m pipeline COMMAND --help` describes each command.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    p.add_argument("--debug", action="store_true", help="print debug logging, Great Expectations' and dateparser's included")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    conflict = argparse.ArgumentParser(add_help=False)
    conflict.add_argument(
        "--conflict", default=config.DEFAULT_CONFLICT, metavar="ID",
        help="conflict profile: an id under data/conflicts/ or the path of a profile folder "
        "(default: %(default)s, from PIPELINE_CONFLICT or data/conflicts/DEFAULT)",
    )
    processed = _shown(config.PROCESSED_DIR)

    b = _command(
        sub, "build", "build the tables from raw reports, validate and publish",
        "Read every report in the raw folder, extract, geocode and merge events, link them to the profile's "
        "ceasefires, validate all tables and publish them as a new release of the output folder (a link to the "
        "release). Nothing is published when validation fails; the previous release stays.",
        (conflict,),
    )
    b.add_argument("--raw", metavar="FOLDER", help="folder of raw reports, read recursively (default: the profile's sample corpus, data/raw/<conflict>)")
    b.add_argument(
        "--out", metavar="FOLDER",
        help=f"output folder, a link to the current release (default: {processed} for the default conflict, else {processed}-<conflict>)",
    )
    b.add_argument(
        "--jobs", type=_positive_int, default=None, metavar="N",
        help="worker processes for the per-report stages (reading, extraction and offline geocoding); 1 runs them in this process "
        "(default: all cores; with --engine dask, the local cluster's workers)",
    )
    b.add_argument(
        "--engine", choices=("local", "dask"), default="local",
        help="where the per-report stages run: local processes, or a Dask cluster (needs the dask extra)",
    )
    b.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: none, a local cluster of --jobs workers)",
    )
    b.add_argument(
        "--no-cache", action="store_true",
        help="extract every report again, neither reading nor writing the extraction cache (data/cache/extract)",
    )
    b.add_argument("--docs", action="store_true", help="render the Great Expectations Data Docs too (several seconds; `make docs`)")
    b.set_defaults(func=_build)

    r = _command(
        sub, "rollback", "point the output folder at the release published before the current one",
        "Point the output folder's link at the previous kept release (the last three releases are kept).",
    )
    r.add_argument("--out", metavar="FOLDER", default=processed, help="output folder whose link to move")
    r.set_defaults(func=_rollback)

    v = _command(
        sub, "validate", "run the expectation suites on a published folder",
        "Check the Parquet tables of a folder against the expectation suites in expectations/ and write the report "
        "to FOLDER/validation/ (summary.html reads offline). A file that cannot be read is a failure of its table; the "
        "others are still checked. Holds the output's lock while it runs. Exit status 1 when an expectation fails.",
    )
    v.add_argument("--out", metavar="FOLDER", default=processed, help="folder holding the published tables")
    v.add_argument("--docs", action="store_true", help="render the Great Expectations Data Docs beside summary.html (FOLDER/validation/index.html)")
    v.set_defaults(func=_validate)

    e = _command(
        sub, "evaluate", "score extraction against a gold folder",
        "Build events from GOLD/reports (or read --events) and match them one to one with GOLD/gold.jsonl; print "
        "strict and lenient precision, recall and F1 and the accuracy of each coded field.",
        (conflict,),
    )
    e.add_argument("--gold", required=True, metavar="FOLDER", help="gold folder with reports/ and gold.jsonl (required)")
    e.add_argument("--events", metavar="FILE", help="events.parquet to score (default: build events from the gold folder's reports)")
    e.add_argument("--min-f1", type=float, default=None, metavar="X", help="exit non-zero when strict F1 is below X (default: no floor)")
    e.add_argument(
        "--min-field", action="append", default=[], metavar="NAME=X",
        help="exit non-zero when the accuracy of field NAME is below X; repeatable (default: no floors)",
    )
    e.add_argument("--verbose", action="store_true", help="list every missed, extra and miscoded event with its evidence")
    e.set_defaults(func=_evaluate)

    g = _command(
        sub, "geocode", "look a place name up in the offline gazetteer",
        "Print the best gazetteer match of a place name as JSON, with the alternatives considered. Exit status 1 "
        "when nothing matches.",
        (conflict,),
    )
    g.add_argument("name", help="the place name as written in a report, e.g. Terter")
    g.add_argument("--country", metavar="ISO3", help="country the report is about, to prefer its places (default: none)")
    g.add_argument("--near", action="append", default=[], metavar="NAME", help="another place named in the same context; repeatable (default: none)")
    g.set_defaults(func=_geocode)

    x = _command(
        sub, "exports", "write ACLED- and UCDP-style CSVs and GeoParquet beside events.parquet",
        "Write the export files (see docs/exports.md) next to FOLDER/events.parquet.",
    )
    x.add_argument("--out", metavar="FOLDER", default=processed, help="folder holding events.parquet")
    x.set_defaults(func=_exports)

    c = _command(sub, "codebook", "regenerate docs/codebook.md from the schema", "Write docs/codebook.md from pipeline/schema.py.")
    c.set_defaults(func=_codebook)

    from pipeline.pull import add_pull_parser

    pull = add_pull_parser(sub)
    pull.formatter_class = HelpFormatter
    pull.description = pull.description or (
        "Fetch RSS/Atom feeds and article pages politely (robots.txt, a per-host rate limit, retries) and save "
        "each article as a report in the raw folder; an article already fetched is never fetched again."
    )
    pull.set_defaults(raw=_shown(config.RAW_DIR))
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
