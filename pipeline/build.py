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
from pipeline import config, dates, ingest, publish
from pipeline.extract import extract_report
from pipeline.geocode import get_gazetteer
from pipeline.lexicon import Lexicon, default_lexicon
from pipeline.merge import merge_mentions
from pipeline.schema import column_names

log = logging.getLogger(__name__)


class BuildFailed(RuntimeError):
    pass


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    seconds: float

    def summary(self) -> str:
        events = self.tables["events"]
        violations = int(events["during_ceasefire"].sum()) if len(events) else 0
        return (
            f"reports read: {len(self.tables['articles']) + len(self.tables['rejects'])}, "
            f"rejected: {len(self.tables['rejects'])}, mentions: {len(self.tables['mentions'])}, "
            f"events: {len(events)}, ceasefire violations: {violations}, time: {self.seconds:.1f}s"
        )


def fill_published(articles: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Infer a missing publication date from the text (coding rules §4.3); reject reports where none can be found."""
    rejects, keep = [], []
    articles = articles.copy()
    for i, row in articles.iterrows():
        if row["published"] is not None and not pd.isna(row["published"]):
            keep.append(i)
            continue
        inferred = dates.infer_published(row["text"])
        if inferred is None:
            rejects.append({"raw_path": row["raw_path"], "line": row["raw_line"], "stage": "dates", "error": "no publication date given and none can be inferred from the text"})
            log.warning("%s: no publication date given and none can be inferred", row["raw_path"])
            continue
        articles.at[i, "published"] = pd.Timestamp(inferred).tz_convert("UTC")
        articles.at[i, "published_inferred"] = True
        keep.append(i)
    articles = articles.loc[keep].reset_index(drop=True)
    articles["published"] = pd.to_datetime(articles["published"], utc=True)
    return articles, rejects


def locate(mentions: list[dict], gazetteer) -> list[dict]:
    """Geocode each mention's place, using the other places of its report as context."""
    by_report: dict[str, list[str]] = {}
    for m in mentions:
        by_report.setdefault(m["report_id"], []).append(m["location_mention"])
    located = []
    for m in mentions:
        near = [n for n in by_report[m["report_id"]] if n != m["location_mention"]]
        place = gazetteer.resolve(m["location_mention"], precision=m["geo_precision"], near=tuple(dict.fromkeys(near)))
        if place is None:
            log.info("%s: no gazetteer match for %r", m["report_id"], m["location_mention"])
            continue
        located.append(
            {
                **m,
                "location": place.location,
                "admin1": place.admin1,
                "country_iso3": place.country_iso3,
                "geonameid": place.geonameid,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "geo_precision": place.geo_precision,
            }
        )
    return [m for m in located if m["country_iso3"] in config.EVENT_COUNTRIES]


def extract_all(articles: pd.DataFrame, gazetteer, lexicon: Lexicon) -> tuple[list[dict], list[dict]]:
    from tqdm import tqdm

    mentions, rejects = [], []
    records = articles.to_dict("records")
    # A progress bar only on a terminal; logs and CI get the summary line instead.
    for article in tqdm(records, desc="extract", unit="report", disable=not sys.stderr.isatty() or len(records) < 50):
        try:
            mentions += extract_report(article, gazetteer, lexicon)
        except Exception as exc:  # one broken report must not stop the batch
            log.warning("%s: extraction failed: %s", article["raw_path"], exc)
            rejects.append({"raw_path": article["raw_path"], "line": article["raw_line"], "stage": "extract", "error": f"{type(exc).__name__}: {exc}"})
    return mentions, rejects


def build_tables(raw_dir: Path, *, ceasefires_file: Path = config.CEASEFIRES_FILE, gazetteer=None, lexicon: Lexicon | None = None) -> BuildResult:
    started = time.perf_counter()
    gazetteer = gazetteer or get_gazetteer()
    lexicon = lexicon or default_lexicon()
    articles, rejects = ingest.read_raw_folder(raw_dir)
    articles, date_rejects = fill_published(articles)
    mentions, extract_rejects = extract_all(articles, gazetteer, lexicon)
    events, mention_table = merge_mentions(locate(mentions, gazetteer))
    truces = ceasefire_stage.load_ceasefires(ceasefires_file)
    events = ceasefire_stage.link_events(events, truces)
    rejects = pd.concat([rejects, pd.DataFrame(date_rejects + extract_rejects, columns=column_names("rejects"))], ignore_index=True)
    tables = {
        "articles": articles[column_names("articles")],
        "mentions": mention_table[column_names("mentions")],
        "events": events[column_names("events")],
        "ceasefires": truces,
        "rejects": rejects.sort_values(["raw_path", "line"], kind="stable", na_position="first").reset_index(drop=True),
        "ceasefire_summary": ceasefire_stage.summarize(events, truces),
        "daily_violations": ceasefire_stage.daily_violations(events),
    }
    return BuildResult(tables, time.perf_counter() - started)


def build(raw_dir: Path, out_dir: Path) -> str:
    """Build, validate and publish a new release; the previous output stays unless everything passes."""
    from pipeline import validate

    if not raw_dir.is_dir():
        raise BuildFailed(f"raw folder not found: {raw_dir}")
    try:
        publish.check_out_dir(out_dir, raw_dir)
        with publish.build_lock(out_dir):
            result = build_tables(raw_dir)
            staging = publish.stage_tables(result.tables, out_dir, build_info={"raw_dir": str(raw_dir)})
            try:
                report = validate.validate_folder(staging)
            except Exception:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            if not report.success:
                _keep_failed_report(report, staging, out_dir)
                raise BuildFailed("validation failed, nothing published:\n" + report.render())
            publish.swap_in(staging, out_dir)
    except (publish.BuildLocked, publish.UnsafeOutput, publish.TableSchemaError, ceasefire_stage.CeasefireFileError) as exc:
        raise BuildFailed(str(exc)) from exc
    return result.summary()


def _keep_failed_report(report, staging: Path, out_dir: Path) -> None:
    """Keep the failed build's validation report where its message points (the staging folder itself goes)."""
    failed = publish.releases_dir(out_dir) / "failed-validation"
    shutil.rmtree(failed, ignore_errors=True)
    if (staging / "validation").is_dir():
        os.rename(staging / "validation", failed)
        if report.docs_index is not None:
            report.docs_index = failed / Path(report.docs_index).relative_to(staging / "validation")
    shutil.rmtree(staging, ignore_errors=True)
