"""The build: raw folder -> validated tables, published atomically.

`build_tables` wires the pure stages together and is what `evaluate` reuses;
`build` adds the edges: the lock, staging, validation and the swap.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import ceasefires as ceasefire_stage
from pipeline import config, dates, exports, ingest, publish
from pipeline.cache import ExtractionCache
from pipeline.engine import MAX_EXTRACT_ERROR, Engine, EngineError, default_jobs, report_budget
from pipeline.extract import Mention
from pipeline.extract.mention import share_words
from pipeline.gate import Gate
from pipeline.geocode import get_gazetteer, online_fallback, place_villages
from pipeline.merge import mention_frames, merge_events, merge_mentions
from pipeline.profile import Profile, ProfileError, load_profile
from pipeline.schema import TABLES, column_names

log = logging.getLogger(__name__)

__all__ = ["MAX_EXTRACT_ERROR", "BuildFailed", "BuildResult", "Stages", "build", "build_tables", "extract_all", "fill_published", "release"]


class BuildFailed(RuntimeError):
    pass


@dataclass
class BuildResult:
    tables: Mapping[str, pd.DataFrame]  # in memory, or read from the release's files when asked for (see release)
    seconds: float
    profile: Profile | None = None
    stages: Stages | None = None
    cache: str | None = None  # what the extraction cache gave, when one was used
    rows: dict[str, int] = field(default_factory=dict)  # rows of each table
    violations: int = 0  # events during a ceasefire

    def summary(self) -> str:
        rows = self.rows
        line = (
            f"reports read: {rows['articles'] + rows['rejects']}, "
            f"rejected: {rows['rejects']}, mentions: {rows['mentions']} "
            f"(dropped: {rows['dropped_mentions']}), "
            f"events: {rows['events']}, ceasefire violations: {self.violations}, time: {self.seconds:.1f}s"
        )
        if self.stages is not None and self.stages.seconds:
            line += f" ({self.stages.render()})"
        if self.cache:
            line += f"; {self.cache}"
        return line


def dropped_table(dropped: list[dict]) -> pd.DataFrame:
    """The mentions the geocoding stage dropped, one row each with the stage and the reason."""
    rows = [
        {"report_id": d["mention"].report_id, "sentence": d["mention"].sentence, "char_start": d["mention"].char_start,
         "location_mention": d["mention"].location_mention, "stage": d["stage"], "reason": d["reason"], "rules": list(d["mention"].rules)}
        for d in dropped
    ]
    table = pd.DataFrame(rows, columns=column_names("dropped_mentions"))
    return table.sort_values(["report_id", "char_start", "location_mention"], kind="stable").reset_index(drop=True)


# A published instant this far after the build's clock is still taken (clocks and zones differ).
FUTURE_TOLERANCE = pd.Timedelta(hours=1)


def fill_published(
    articles: pd.DataFrame, *, profile: Profile | None = None, now: pd.Timestamp | None = None, cache: ExtractionCache | None = None
) -> tuple[pd.DataFrame, list[dict]]:
    """The dates stage: check every report's publication time and infer the missing ones; no report is dropped.

    A given ``published`` after the build (``now``, beyond an hour) or before the conflict's first
    year (``profile.first_year``) is implausible: it is ignored (``published_note = "implausible"``).
    A missing, unreadable or ignored one is inferred from the text (coding rules §4.3,
    :func:`pipeline.dates.infer_published`, a year-less "Tuesday, 27 October" taking the year nearest
    to the median of the other reports' dates, except in a report dated before the first year, where only a
    date with its year counts) and flagged ``published_inferred``. Where none can be
    inferred, ``published`` stays null: the report is kept, undated, and :func:`extract_all` codes no
    event from it (its text has no calendar date with a year to date one by). Returns the articles and
    no rejects (the list is kept for the stage's interface). An inferred date is kept in ``cache`` with
    what it was inferred from (the text, the median, the build's day and the first year).
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now).tz_convert("UTC")
    first_year = profile.first_year if profile is not None else None
    articles = articles.copy()
    published = pd.to_datetime(articles["published"], utc=True)
    too_late = published > now + FUTURE_TOLERANCE
    too_early = published.dt.year < first_year if first_year else pd.Series(False, index=articles.index)
    implausible = (too_late | too_early).fillna(False).astype(bool)
    for i in articles.index[implausible]:
        log.warning("%s: published (year %d) is %s; it is ignored", articles.at[i, "raw_path"], published[i].year, "after the build" if too_late[i] else f"before {first_year}")
    published[implausible] = pd.NaT
    articles["published_note"] = articles["published_note"].astype(object).where(~implausible, "implausible")
    articles.loc[implausible, "published_utc_offset_minutes"] = 0
    given = published.dropna()
    near = given.sort_values().iloc[len(given) // 2].date() if len(given) else None
    for i in articles.index[published.isna()]:
        text = articles.at[i, "text"]
        # a report dated before the conflict's first year is no typo to correct from the other reports' year: only a
        # date its text gives with a year can date it
        given_only = bool(too_early[i])
        key = cache.value_key("published", text, near, now.date(), first_year, given_only) if cache is not None else None
        found, inferred = cache.get_value(key) if key is not None else (False, None)
        if not found:
            inferred = dates.infer_published(text, near=near, latest=now.date(), earliest_year=first_year, years_given_only=given_only)
            if key is not None:
                cache.put_value(key, inferred)
        if inferred is None:
            log.warning("%s: no publication date given or usable, and none can be inferred: kept undated, no events coded", articles.at[i, "raw_path"])
            continue
        published[i] = pd.Timestamp(inferred).tz_convert("UTC")
        articles.at[i, "published_inferred"] = True
    articles["published"] = published.astype("datetime64[us, UTC]")
    articles["published_inferred"] = articles["published_inferred"].astype(bool)
    return articles.reset_index(drop=True), []


EXTRACT_CHUNK = 2000  # article rows turned into dicts at a time (the texts are not all copied at once)


def extract_all(
    articles: pd.DataFrame,
    gazetteer,
    profile: Profile,
    *,
    engine: Engine | None = None,
    cache: ExtractionCache | None = None,
    budget: float | None = None,
) -> tuple[list[Mention], list[dict], list[dict]]:
    """The per-report stage: extraction and offline geocoding of every dated article, in article order.
    Returns (located mentions, dropped mentions, rejects).

    Reports found in ``cache`` are not extracted again; the others run on ``engine`` (this process
    by default) within ``budget`` seconds each, and are cached. A report whose extraction fails or
    runs out of time becomes a reject row (stage ``extract``); the rest of the build goes on.
    """
    engine = engine or Engine()
    dated = np.flatnonzero(articles["published"].notna().to_numpy())  # undated (see fill_published): nothing to date an event by
    found: dict[int, tuple[list[Mention], list[dict]]] = {}
    keys: dict[int, str] = {}
    todo: list[int] = []
    words: dict[str, str] = {}  # one object per word across reports (see share_words)
    for start in range(0, len(dated), EXTRACT_CHUNK):
        rows = dated[start : start + EXTRACT_CHUNK]
        for i, article in zip(rows, articles.iloc[rows].to_dict("records"), strict=True):
            if cache is None:
                todo.append(i)
                continue
            keys[i] = cache.key(article)
            hit = cache.get(keys[i])
            if hit is None:
                todo.append(i)
            else:
                share_words(hit[0], words)
                found[i] = hit

    def pending():
        for start in range(0, len(todo), EXTRACT_CHUNK):
            yield from articles.iloc[todo[start : start + EXTRACT_CHUNK]].to_dict("records")

    rejects = []
    for i, outcome in zip(todo, engine.extract(pending(), profile, gazetteer, budget, total=len(todo)), strict=True):
        if outcome.error is None:
            share_words(outcome.mentions, words)
            found[i] = (outcome.mentions, outcome.dropped)
            if cache is not None:
                cache.put(keys[i], outcome.mentions, outcome.dropped)
            continue
        raw_path, raw_line = articles["raw_path"].iat[i], articles["raw_line"].iat[i]
        log.warning("%s: extraction failed: %s", raw_path, outcome.error)
        rejects.append({"raw_path": raw_path, "line": None if pd.isna(raw_line) else int(raw_line), "stage": "extract", "error": outcome.error})
    mentions = [m for i in dated if i in found for m in found[i][0]]
    dropped = [d for i in dated if i in found for d in found[i][1]]
    return mentions, dropped, rejects


Read = Callable[[list[tuple[str, Path]], ingest.Limits], Iterator[tuple[list[dict], list[dict]]]]


def read_through(cache: ExtractionCache, read_files: Read) -> Read:
    """``read_files`` that takes a raw file's article and reject rows from ``cache`` while its bytes are the same,
    and reads (with ``read_files``) and caches the others. A file that could not be read is not cached. Entries are
    read one at a time as their files come up, not all before the first is given."""

    def read(inputs: list[tuple[str, Path]], limits: ingest.Limits) -> Iterator[tuple[list[dict], list[dict]]]:
        keys = [cache.file_key(rel, path, limits) for rel, path in inputs]
        cached = [key is not None and cache.has(key) for key in keys]
        fresh = read_files([item for item, hit in zip(inputs, cached, strict=True) if not hit], limits)
        for item, key, hit in zip(inputs, keys, cached, strict=True):
            found = cache.get_file(key) if hit else None
            if found is not None:
                yield found
                continue
            rows, rejects = next(read_files([item], limits)) if hit else next(fresh)  # (hit: an entry found unusable)
            if key is not None and not any(r["error"].startswith("cannot read") for r in rejects):
                cache.put_file(key, rows, rejects)
            yield rows, rejects

    return read


@dataclass
class Stages:
    """Wall time of each stage, in the order they ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def time(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def render(self) -> str:
        return ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.seconds.items())


def build_tables(
    raw_dir: Path,
    *,
    profile: Profile | None = None,
    gazetteer=None,
    engine: Engine | None = None,
    cache: ExtractionCache | None = None,
    budget: float | None | str = "env",
    stages: Stages | None = None,
    sink: publish.Staging | None = None,
) -> BuildResult:
    """The tables of a raw folder, unvalidated. ``engine`` runs the per-report stages (one process by
    default), ``cache`` keeps their results between builds (none by default), ``budget`` is the time
    limit per report in seconds (default: ``PIPELINE_REPORT_SECONDS``, else 30; None: no limit).
    With a ``sink``, each table is written into it as soon as it is final and let go (a large build
    need not hold its reports' texts while it merges their mentions); the result's tables are then read
    from the sink's folder when asked for."""
    started = time.perf_counter()
    stages = stages if stages is not None else Stages()
    engine = engine or Engine()
    budget = report_budget() if budget == "env" else budget
    profile = profile or load_profile()
    _ = profile.lexicon  # a malformed cue or pattern file fails the build here, once, not every report
    gazetteer = gazetteer or get_gazetteer(profile)
    with stages.time("ingest"):
        read_files = engine.read_files if cache is None else read_through(cache, engine.read_files)
        articles, rejects = ingest.read_raw_folder(raw_dir, read_files=read_files)
    with stages.time("dates"):
        articles, date_rejects = fill_published(articles, profile=profile, cache=cache)
    with stages.time("extract"):  # and offline geocoding, report by report
        located, dropped, extract_rejects = extract_all(articles, gazetteer, profile, engine=engine, cache=cache, budget=budget)
        dropped_mentions = dropped_table(dropped)
        del dropped
    engine.per_report_done()
    failed = {(r["raw_path"], r["line"]) for r in extract_rejects}  # a report is an article or a reject, not both
    keep = [(p, None if pd.isna(n) else int(n)) not in failed for p, n in zip(articles["raw_path"], articles["raw_line"], strict=True)]
    articles = articles[pd.Series(keep, index=articles.index, dtype=bool)]  # (a plain empty list would select no columns)
    dated = articles["published"].dropna()
    horizon = dated.max() if len(dated) else None  # undated reports (kept, flagged) say nothing of the horizon
    tables: dict[str, pd.DataFrame] = {}
    rows: dict[str, int] = {}

    def done(name: str, table: pd.DataFrame | Iterator[pd.DataFrame], count: int | None = None) -> None:
        rows[name] = len(table) if count is None else count
        if sink is None:
            assert isinstance(table, pd.DataFrame)  # (frames one after the other are for a sink)
            tables[name] = table
            return
        with stages.time("write"):
            sink.put(name, table)

    done("articles", in_schema_order(articles, "articles"))
    del articles  # (with a sink: its texts are on disk now, and the memory goes to the stages after)
    done("dropped_mentions", dropped_mentions)
    del dropped_mentions
    fallback = online_fallback()
    if fallback is not None:
        with stages.time("geocode"):
            place_villages(located, fallback, profile)
    with stages.time("merge"):
        if sink is None:
            events, mention_table = merge_mentions(located, profile)
        else:
            events, coded = merge_events(located, profile)
        del located  # emptied: the objects, the most a build holds, go as their rows are made
    if sink is None:
        done("mentions", in_schema_order(mention_table, "mentions"))
        del mention_table
    else:  # written a row group at a time, each group's mentions let go as it is made
        done("mentions", mention_frames(coded, publish.ROW_GROUP_ROWS), count=len(coded))
    with stages.time("ceasefires"):
        truces = ceasefire_stage.load_ceasefires(profile.ceasefires_file, profile.party_codes)
        events = ceasefire_stage.link_events(events, truces, zone=profile.zone)
        rejects = pd.concat([rejects, pd.DataFrame(date_rejects + extract_rejects, columns=column_names("rejects"))], ignore_index=True)
        summary = ceasefire_stage.summarize(events, truces, profile.party_codes, horizon)
        daily = ceasefire_stage.daily_violations(events)
    violations = int(events["during_ceasefire"].sum()) if len(events) else 0
    done("events", in_schema_order(events, "events"))
    done("ceasefires", truces)
    done("rejects", rejects.sort_values(["raw_path", "line"], kind="stable", na_position="first").reset_index(drop=True))
    done("ceasefire_summary", summary)
    done("daily_violations", daily)
    given = publish.TableFiles(sink.finish()) if sink is not None else {name: tables[name] for name in TABLES}
    return BuildResult(given, time.perf_counter() - started, profile, stages, cache.stats() if cache is not None else None, rows, violations)



def in_schema_order(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """``table`` with exactly the columns of the schema's ``name`` table, in order; itself, not a copy, when it has them
    already (the articles hold every report's text, the mentions every sentence)."""
    columns = column_names(name)
    return table if list(table.columns) == columns else table[columns]


def build(raw_dir: Path, out_dir: Path, profile: Profile | None = None, **options: Any) -> str:
    """Build, validate and publish a new release (see :func:`release`); returns the summary line: counts,
    total wall time and each stage's."""
    return release(raw_dir, out_dir, profile, **options).summary()


def release(
    raw_dir: Path,
    out_dir: Path,
    profile: Profile | None = None,
    *,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cache: bool | Path = False,
    docs: bool = False,
    progress: bool = False,
    fork_gate: bool = True,
) -> BuildResult:
    """Build, validate and publish a new release; the previous output stays unless everything passes. Each table is
    written into the release as soon as it is final; the result's tables are read from the published release when asked
    for, and its ``rows`` count them.

    ``jobs``: worker processes of the per-report stages (None: all cores; 1: this process).
    ``engine``/``scheduler``: ``"dask"`` runs extraction on a Dask cluster (a local one without a scheduler).
    ``cache``: use the extraction cache (True: ``data/cache/extract``, or a folder). ``docs``: render the
    Great Expectations Data Docs beside the offline validation report. ``progress``: a bar per stage.
    ``fork_gate``: validate in a process forked as the build starts (:mod:`pipeline.gate`), where the
    platform can fork. The ``validate`` stage is the time the build waited for the gate's report.
    """
    from pipeline import validate

    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise BuildFailed(f"raw folder not found: {raw_dir}")
    if not ingest.iter_report_paths(raw_dir):
        raise BuildFailed(
            f"no reports in {raw_dir}: it holds no .txt, .md, .jsonl or .html file (hidden files, _html folders and "
            "README or SOURCES files are skipped); nothing was published"
        )
    stages = Stages()
    try:
        with rare_collections(), arrow_buffers_from_malloc():
            budget = report_budget()
            profile = profile or load_profile()
            publish.check_out_dir(out_dir, raw_dir)
            # The gate forks before the lock is taken: a lock file descriptor in its process would outlive a killed build.
            with Gate(profile, fork=fork_gate) as gate, publish.build_lock(out_dir):
                # Without a gate process, Great Expectations is imported while the build waits for its workers.
                runner = Engine(engine, jobs or default_jobs(), scheduler, progress, while_waiting=None if gate.fork else validate.preload)
                extraction_cache = None
                if cache:
                    extraction_cache = ExtractionCache.for_profile(profile, None if cache is True else Path(cache))
                    extraction_cache.prune()
                build_info = {"raw_dir": _shown_path(raw_dir), "conflict": profile.id}
                staging = publish.Staging(out_dir, build_info=build_info, profile=profile, on_table=gate.staged)
                try:
                    result = build_tables(raw_dir, profile=profile, engine=runner, cache=extraction_cache, budget=budget, stages=stages, sink=staging)
                    _require_articles(raw_dir, result.tables["rejects"], result.rows["articles"])
                    gate.start(staging.path, docs)  # the tables are checked while the exports are written beside them
                    # The ACLED/UCDP/GeoParquet exports are part of the release, published with its tables.
                    with stages.time("exports"):
                        exports.write_exports(staging.path, profile)
                    with stages.time("validate"):
                        report = gate.report()
                except BaseException:
                    staging.discard()
                    raise
                if not report.success:
                    _keep_failed_report(report, staging.path, out_dir)
                    raise BuildFailed("validation failed, nothing published:\n" + report.render())
                with stages.time("publish"):
                    result.tables = publish.TableFiles(publish.swap_in(staging.path, out_dir))
    except (publish.BuildLocked, publish.UnsafeOutput, publish.TableSchemaError, ceasefire_stage.CeasefireFileError, ProfileError,
            exports.ExportError, EngineError) as exc:
        raise BuildFailed(str(exc)) from exc
    result.seconds = time.perf_counter() - started
    return result


YOUNG_GENERATION = 100_000  # allocations between two passes of the cyclic collector over new objects, during a build


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often. A build makes millions of small containers that live until
    it ends (rows, mentions, cache entries, none of them in a cycle); at the default threshold the collector
    walks them again every 700 allocations, which took a quarter of a build whose reports all came from the
    cache. Garbage cycles are still collected, in larger batches. Processes forked meanwhile (the gate, the
    workers) inherit the setting."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def arrow_buffers_from_malloc() -> Iterator[None]:
    """Allocate Arrow's buffers with the C library's allocator during a build, instead of Arrow's default pool (mimalloc
    or jemalloc), which keeps what it frees for its own later buffers. A build's stages alternate between Python objects
    and Arrow columns (rows, then tables, then Parquet); with one allocator what one stage frees is what the next one
    reuses, and large blocks go back to the system (measured in docs/performance.md). Buffers keep the pool they came
    from, so the previous pool is safe to restore."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def _shown_path(path: Path) -> str:
    """A folder inside the project as a path relative to it, whichever way it was given (the Parquet metadata of
    two builds of the same folder are then the same bytes); any other folder as given."""
    resolved = path.resolve()
    return resolved.relative_to(config.ROOT).as_posix() if resolved.is_relative_to(config.ROOT) else str(path)


def _require_articles(raw_dir: Path, rejects: pd.DataFrame, articles: int, shown: int = 10) -> None:
    """Stop before validation, in plain words, when every report was rejected."""
    if articles:
        return
    lines = [f"all {len(rejects)} reports in {raw_dir} were rejected; nothing was published. The reasons:"]
    for row in rejects.head(shown).itertuples():
        where = row.raw_path + ("" if publish.is_missing(row.line) else f":{row.line}")
        lines.append(f"  {where}: {row.error} (stage {row.stage})")
    if len(rejects) > shown:
        lines.append(f"  ... and {len(rejects) - shown} more (run with --debug, or see the warnings above)")
    raise BuildFailed("\n".join(lines))


def _keep_failed_report(report, staging: Path, out_dir: Path) -> None:
    """Keep the failed build's validation report where its message points (the staging folder itself goes)."""
    failed = publish.releases_dir(out_dir) / "failed-validation"
    shutil.rmtree(failed, ignore_errors=True)
    if (staging / "validation").is_dir():
        os.rename(staging / "validation", failed)
        if report.docs_index is not None:
            report.docs_index = failed / Path(report.docs_index).relative_to(staging / "validation")
        if report.summary_path is not None:
            report.summary_path = failed / Path(report.summary_path).relative_to(staging / "validation")
    shutil.rmtree(staging, ignore_errors=True)
