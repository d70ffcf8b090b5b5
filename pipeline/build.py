"""The build: raw folder -> validated tables, published atomically.

`build_tables` wires the pure stages together and is what `evaluate` reuses;
`build` adds the edges: the lock, staging, validation and the swap.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import ceasefires as ceasefire_stage
from pipeline import dates, exports, ingest, publish
from pipeline.extract import Mention, extract_report
from pipeline.geocode import get_gazetteer, locate, online_fallback
from pipeline.merge import merge_mentions
from pipeline.profile import Profile, ProfileError, load_profile
from pipeline.schema import column_names

log = logging.getLogger(__name__)


class BuildFailed(RuntimeError):
    pass


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    seconds: float
    profile: Profile | None = None

    def summary(self) -> str:
        events = self.tables["events"]
        violations = int(events["during_ceasefire"].sum()) if len(events) else 0
        return (
            f"reports read: {len(self.tables['articles']) + len(self.tables['rejects'])}, "
            f"rejected: {len(self.tables['rejects'])}, mentions: {len(self.tables['mentions'])} "
            f"(dropped: {len(self.tables['dropped_mentions'])}), "
            f"events: {len(events)}, ceasefire violations: {violations}, time: {self.seconds:.1f}s"
        )


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


def fill_published(articles: pd.DataFrame, *, profile: Profile | None = None, now: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """The dates stage: check every report's publication time and infer the missing ones; no report is dropped.

    A given ``published`` after the build (``now``, beyond an hour) or before the conflict's first
    year (``profile.first_year``) is implausible: it is ignored (``published_note = "implausible"``).
    A missing, unreadable or ignored one is inferred from the text (coding rules §4.3,
    :func:`pipeline.dates.infer_published`, a year-less "Tuesday, 27 October" taking the year nearest
    to the median of the other reports' dates) and flagged ``published_inferred``. Where none can be
    inferred, ``published`` stays null: the report is kept, undated, and :func:`extract_all` codes no
    event from it (its text has no calendar date with a year to date one by). Returns the articles and
    no rejects (the list is kept for the stage's interface).
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
        inferred = dates.infer_published(articles.at[i, "text"], near=near, latest=now.date(), earliest_year=first_year)
        if inferred is None:
            log.warning("%s: no publication date given or usable, and none can be inferred: kept undated, no events coded", articles.at[i, "raw_path"])
            continue
        published[i] = pd.Timestamp(inferred).tz_convert("UTC")
        articles.at[i, "published_inferred"] = True
    articles["published"] = published.astype("datetime64[us, UTC]")
    articles["published_inferred"] = articles["published_inferred"].astype(bool)
    return articles.reset_index(drop=True), []


MAX_EXTRACT_ERROR = 200


def extract_all(articles: pd.DataFrame, gazetteer, profile: Profile) -> tuple[list[Mention], list[dict]]:
    from tqdm import tqdm

    mentions: list[Mention] = []
    rejects = []
    records = articles.to_dict("records")
    # A progress bar only on a terminal; logs and CI get the summary line instead.
    for article in tqdm(records, desc="extract", unit="report", disable=not sys.stderr.isatty() or len(records) < 50):
        if pd.isna(article["published"]):
            continue  # undated (see fill_published): nothing to date an event by
        try:
            mentions += extract_report(article, gazetteer, profile)
        except Exception as exc:  # one broken report must not stop the batch
            error = " ".join(f"{type(exc).__name__}: {exc}".split())
            error = error if len(error) <= MAX_EXTRACT_ERROR else error[: MAX_EXTRACT_ERROR - 1] + "…"
            log.warning("%s: extraction failed: %s", article["raw_path"], error)
            line = None if pd.isna(article["raw_line"]) else int(article["raw_line"])
            rejects.append({"raw_path": article["raw_path"], "line": line, "stage": "extract", "error": error})
    return mentions, rejects


def build_tables(raw_dir: Path, *, profile: Profile | None = None, gazetteer=None) -> BuildResult:
    started = time.perf_counter()
    profile = profile or load_profile()
    _ = profile.lexicon  # a malformed cue or pattern file fails the build here, once, not every report
    gazetteer = gazetteer or get_gazetteer(profile)
    articles, rejects = ingest.read_raw_folder(raw_dir)
    articles, date_rejects = fill_published(articles, profile=profile)
    mentions, extract_rejects = extract_all(articles, gazetteer, profile)
    failed = {(r["raw_path"], r["line"]) for r in extract_rejects}  # a report is an article or a reject, not both
    keep = [(p, None if pd.isna(n) else int(n)) not in failed for p, n in zip(articles["raw_path"], articles["raw_line"], strict=True)]
    articles = articles[pd.Series(keep, index=articles.index, dtype=bool)]  # (a plain empty list would select no columns)
    located, dropped = locate(mentions, gazetteer, profile, fallback=online_fallback())
    events, mention_table = merge_mentions(located, profile)
    truces = ceasefire_stage.load_ceasefires(profile.ceasefires_file, profile.party_codes)
    events = ceasefire_stage.link_events(events, truces, zone=profile.zone)
    dated = articles["published"].dropna()
    horizon = dated.max() if len(dated) else None  # undated reports (kept, flagged) say nothing of the horizon
    rejects = pd.concat([rejects, pd.DataFrame(date_rejects + extract_rejects, columns=column_names("rejects"))], ignore_index=True)
    tables = {
        "articles": articles[column_names("articles")],
        "mentions": mention_table[column_names("mentions")],
        "events": events[column_names("events")],
        "ceasefires": truces,
        "rejects": rejects.sort_values(["raw_path", "line"], kind="stable", na_position="first").reset_index(drop=True),
        "dropped_mentions": dropped_table(dropped),
        "ceasefire_summary": ceasefire_stage.summarize(events, truces, profile.party_codes, horizon),
        "daily_violations": ceasefire_stage.daily_violations(events),
    }
    return BuildResult(tables, time.perf_counter() - started, profile)


def build(raw_dir: Path, out_dir: Path, profile: Profile | None = None) -> str:
    """Build, validate and publish a new release; the previous output stays unless everything passes."""
    from pipeline import validate

    if not raw_dir.is_dir():
        raise BuildFailed(f"raw folder not found: {raw_dir}")
    if not ingest.iter_report_paths(raw_dir):
        raise BuildFailed(
            f"no reports in {raw_dir}: it holds no .txt, .md, .jsonl or .html file (hidden files, _html folders and "
            "README or SOURCES files are skipped); nothing was published"
        )
    try:
        profile = profile or load_profile()
        publish.check_out_dir(out_dir, raw_dir)
        with publish.build_lock(out_dir):
            result = build_tables(raw_dir, profile=profile)
            _require_articles(raw_dir, result.tables["rejects"], len(result.tables["articles"]))
            build_info = {"raw_dir": str(raw_dir), "conflict": profile.id}
            staging = publish.stage_tables(result.tables, out_dir, build_info=build_info, profile=profile)
            try:
                # The ACLED/UCDP/GeoParquet exports are part of the release, published with its tables.
                exports.write_exports(staging, profile)
                report = validate.validate_folder(staging, profile=profile)
            except Exception:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            if not report.success:
                _keep_failed_report(report, staging, out_dir)
                raise BuildFailed("validation failed, nothing published:\n" + report.render())
            publish.swap_in(staging, out_dir)
    except (publish.BuildLocked, publish.UnsafeOutput, publish.TableSchemaError, ceasefire_stage.CeasefireFileError, ProfileError, exports.ExportError) as exc:
        raise BuildFailed(str(exc)) from exc
    return result.summary()


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
    shutil.rmtree(staging, ignore_errors=True)
