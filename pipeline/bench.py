"""Benchmarks: ``python -m pipeline.bench [names...] [--sample N] [--sentences N] [--seed S]``.

Each benchmark is a function ``(args) -> None`` registered in :data:`BENCHMARKS` under a name; with no
names, all run. Nothing is read from or written to disk and nothing touches the network.

``dates``: generates sentences from templates of our own (seeded, so every run sees the same
sentences), each with its true local event date (or none), then times
:func:`pipeline.dates.resolve_sentence` on all of them and ``dateparser.search.search_dates``
(``languages=["en"]``, ``RELATIVE_BASE`` = the local reference) on a sample, and counts, per method,
false positives: a date where the sentence has none, or a wrong date (outside the true range for a
week or month expression). Misses (no date where there is one) are counted apart.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline.profile import load_profile

LOCAL = load_profile().zone  # dates are generated and resolved in the default conflict's local time
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
MONTH_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sample:
    sentence: str
    reference: datetime  # tz-aware
    first: date | None  # true local event date range (None: the sentence states no date)
    last: date | None
    category: str


SUBJECTS = ("Artillery", "Rocket fire", "A drone", "Mortar fire", "Heavy shelling", "A missile", "Sniper fire", "Gunfire",
            "An air strike", "Grad rockets", "Tank fire", "A shell")
VERBS = ("hit", "struck", "damaged", "pounded", "reached", "targeted", "set fire to", "shook")
OBJECTS = ("the depot", "the grain store", "a school", "the river crossing", "the hill post", "the water plant", "a hospital wing",
           "the rail yard", "a bus station", "the old bridge", "the market", "a farm", "the power line", "the ridge")
TAILS = ("", ", officials said", ", the ministry said", ", according to the local governor", ", witnesses reported",
         ", the army said in a statement", ", a spokesman told reporters")
FALSE_FRIENDS = (
    "and one T-72 tank was destroyed", "while three BM-21 launchers were lost", "after a 2S1 howitzer opened up",
    "and two D-30 guns were hit", "as a D-20 battery replied", "and a 9M55 rocket was found",
    "after 11 hours of talks", "ending three decades of calm", "in the six-week war", "on Day 27 of the war",
    "on the 27th day of fighting", "in a region tense since the 1990s", "as in the early 1990s",
    "breaking a 1994 truce", "in a conflict that began in 1988", "killing a girl born in 2013",
    "in a dispute open since 1991", "in what may be a new phase", "under case number 1602844800",
    "after a 48-hour lull", "as 2,000 troops stood by", "with 1,165 houses damaged",
)


def _fmt_day(d: date, rng: random.Random, year: bool) -> str:
    style = rng.randrange(5)
    if style == 0:
        text = f"{d.day} {MONTHS[d.month - 1]}"
        return f"{text} {d.year}" if year else text
    if style == 1:
        text = f"{MONTHS[d.month - 1]} {d.day}"
        return f"{text}, {d.year}" if year else text
    if style == 2:
        return f"{MONTH_ABBR[d.month - 1]} {d.day}"
    if style == 3:
        return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}" + (f", {d.year}" if year else "")
    return f"the {d.day}{_ordinal(d.day)} of {MONTHS[d.month - 1]}"


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _date_phrase(rng: random.Random, today: date) -> tuple[str, date, date, str]:
    """A day expression, its true local date range and its category."""
    kind = rng.randrange(12)
    if kind == 0:
        d = today - timedelta(days=rng.randrange(7))
        return f"on {WEEKDAYS[d.weekday()]}", d, d, "weekday"
    if kind == 1:
        d = today - timedelta(days=rng.randrange(1, 8))
        return f"last {WEEKDAYS[d.weekday()]}", d, d, "weekday"
    if kind == 2:
        d = today - timedelta(days=rng.randrange(7))
        pattern = rng.choice(("late on {}", "in the early hours of {}", "on {} night", "overnight into {}", "on {} morning"))
        return pattern.format(WEEKDAYS[d.weekday()]), d, d, "weekday"
    if kind in (3, 4):
        d = today - timedelta(days=rng.randrange(60))
        return f"on {_fmt_day(d, rng, year=rng.random() < 0.5)}", d, d, "explicit"
    if kind == 5:
        word, delta = rng.choice((("yesterday", 1), ("this morning", 0), ("overnight", 0), ("last night", 0), ("today", 0),
                                  ("two days ago", 2), ("at dawn", 0), ("the day before yesterday", 2)))
        d = today - timedelta(days=delta)
        return word, d, d, "relative"
    if kind == 6:
        monday = today - timedelta(days=today.weekday())
        if rng.random() < 0.5:
            return "earlier this week", monday, today, "week"
        return "last week", monday - timedelta(days=7), monday - timedelta(days=1), "week"
    if kind == 7:
        first = today.replace(day=1)
        return "earlier this month", first, today, "month"
    # clock time with a day
    d = today - timedelta(days=rng.randrange(7))
    weekday = WEEKDAYS[d.weekday()]
    hour, minute = rng.randrange(24), rng.choice((0, 5, 15, 30, 45))
    style = rng.randrange(4)
    if style == 0:
        return f"at about {hour:02d}:{minute:02d} local time on {weekday}", d, d, "clock+day"
    if style == 1:
        h12 = hour % 12 or 12
        return f"at {h12} {'a.m.' if hour < 12 else 'p.m.'} on {weekday}", d, d, "clock+day"
    if style == 2:  # a GMT clock: the local date is that of the instant
        local = datetime.combine(d, datetime.min.time().replace(hour=hour, minute=minute), tzinfo=UTC).astimezone(LOCAL).date()
        if local > today:
            return f"at {hour:02d}:{minute:02d} local time on {weekday}", d, d, "clock+day"
        return f"at {hour:02d}{minute:02d} GMT on {weekday}", local, local, "clock+day"
    return f"at {hour:02d}:{minute:02d} (GMT+4) on {_fmt_day(d, rng, year=False)}", d, d, "clock+day"


def _no_date_phrase(rng: random.Random, today: date) -> tuple[str, str]:
    kind = rng.randrange(5)
    if kind == 0:
        hour, minute = rng.randrange(24), rng.choice((0, 10, 20, 40))
        return rng.choice((f"at {hour:02d}:{minute:02d}", f"from {hour:02d}{minute:02d} GMT", f"at about {hour % 12 or 12} p.m. local time")), "clock only"
    if kind == 1:
        future = today + timedelta(days=rng.randrange(3, 40))
        return rng.choice((f"before talks due on {_fmt_day(future, rng, year=False)}", f"ahead of a summit next {WEEKDAYS[future.weekday()]}")), "future"
    if kind == 2:
        return rng.choice(("the following day", "the same night", "a day later", "as Russia Today filmed", "while USA Today reported")), "anaphora or name"
    return "", "no date"


def generate_sentences(n: int, seed: int = 2020) -> list[Sample]:
    """``n`` sentences from our templates, with their true local event dates (deterministic for a seed)."""
    rng = random.Random(seed)
    out = []
    start = datetime(2020, 9, 28, tzinfo=UTC)
    for _ in range(n):
        reference = start + timedelta(minutes=rng.randrange(90 * 24 * 60))
        today = reference.astimezone(LOCAL).date()
        head = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        friend = f" {rng.choice(FALSE_FRIENDS)}" if rng.random() < 0.45 else ""
        tail = rng.choice(TAILS)
        if rng.random() < 0.5:
            phrase, first, last, category = _date_phrase(rng, today)
            order = rng.random()
            if category in ("weekday", "explicit") and order < 0.15:  # the event day inside a reporting frame
                said = first + timedelta(days=rng.randrange((today - first).days + 1))
                sentence = f"The ministry said on {WEEKDAYS[said.weekday()]} that {head[0].lower()}{head[1:]} {phrase}{friend}."
                category += " in a reporting frame"
            elif order < 0.25:  # and a background date
                sentence = f"{head} {phrase}{friend}, in a war that began on September 27{tail}."
                category += " + background date"
            elif order < 0.6:
                sentence = f"{head} {phrase}{friend}{tail}."
            elif order < 0.8:
                sentence = f"{phrase[0].upper()}{phrase[1:]}, {head[0].lower()}{head[1:]}{friend}{tail}."
            else:
                sentence = f"{head}{friend} {phrase}{tail}."
            out.append(Sample(sentence, reference, first, last, category + (" + false friend" if friend else "")))
        else:
            phrase, category = _no_date_phrase(rng, today)
            body = f"{head} {phrase}".rstrip()
            if not friend and category == "no date":
                friend = f" {rng.choice(FALSE_FRIENDS)}"
            out.append(Sample(f"{body}{friend}{tail}.", reference, None, None, category + (" + false friend" if friend else "")))
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    name: str
    sentences: int = 0
    seconds: float = 0.0
    no_date_found: int = 0  # a date where the sentence has none
    wrong_date: int = 0
    missed: int = 0
    by_category: Counter | None = None

    @property
    def false_positives(self) -> int:
        return self.no_date_found + self.wrong_date

    def add(self, sample: Sample, found: date | None) -> None:
        self.sentences += 1
        self.by_category = self.by_category or Counter()
        if sample.first is None:
            if found is not None:
                self.no_date_found += 1
                self.by_category[sample.category] += 1
        elif found is None:
            self.missed += 1
        elif not (sample.first <= found <= sample.last):
            self.wrong_date += 1
            self.by_category[sample.category] += 1


def _resolve_date(sample: Sample) -> date | None:
    from pipeline.dates import event_instant, resolve_sentence

    local = load_profile().local_time
    result = resolve_sentence(sample.sentence, sample.reference, local=local)
    if result.day is None:
        return None
    if result.clock is not None and result.day.precision == "day":
        return event_instant(result.day.date_start, result.clock, local=local)[0]
    return result.day.event_date


def _search_dates_date(sample: Sample) -> date | None:
    from dateparser.search import search_dates

    base = sample.reference.astimezone(LOCAL).replace(tzinfo=None)
    found = search_dates(sample.sentence, languages=["en"], settings={"RELATIVE_BASE": base})
    if not found:
        return None
    value = found[0][1]
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL)
    return value.date()


def _run(name: str, samples: list[Sample], fn: Callable[[Sample], date | None]) -> Score:
    score = Score(name)
    started = time.perf_counter()
    found = [fn(s) for s in samples]
    score.seconds = time.perf_counter() - started
    for sample, value in zip(samples, found, strict=True):
        score.add(sample, value)
    return score


def _clear_date_caches() -> None:
    from pipeline import dates

    for cached in (dates._candidates, dates._dp, dates._parser):
        cached.cache_clear()


def bench_dates(args: argparse.Namespace) -> None:
    samples = generate_sentences(args.sentences, args.seed)
    sample_size = len(samples) if args.sample <= 0 else min(args.sample, len(samples))
    subset = random.Random(args.seed + 1).sample(samples, sample_size)
    with_date = sum(s.first is not None for s in samples)
    print(f"dates: {len(samples):,} generated sentences (seed {args.seed}; {with_date:,} with a date, "
          f"{len(samples) - with_date:,} without); search_dates on a sample of {sample_size:,}")
    import dateparser.search  # noqa: F401  (import cost outside the timings)

    _clear_date_caches()
    full = _run("resolve_sentence", samples, _resolve_date)
    rows = [full]
    ours = full
    if sample_size < len(samples):
        _clear_date_caches()
        ours = _run("resolve_sentence (sample)", subset, _resolve_date)
        rows.append(ours)
    _run("search_dates (warm-up)", subset[:5], _search_dates_date)
    theirs = _run("search_dates" + (" (sample)" if sample_size < len(samples) else ""), subset, _search_dates_date)
    rows.append(theirs)
    header = f"  {'method':<28}{'sentences':>10}{'sent/s':>10}{'ms/sent':>9}{'false pos':>11}{'(none→date':>12}{'wrong)':>8}{'FP/1000':>9}{'missed':>8}"
    print(header)
    for s in rows:
        rate = s.sentences / s.seconds if s.seconds else float("inf")
        print(f"  {s.name:<28}{s.sentences:>10,}{rate:>10,.0f}{1000 * s.seconds / s.sentences:>9.3f}{s.false_positives:>11,}"
              f"{s.no_date_found:>12,}{s.wrong_date:>8,}{1000 * s.false_positives / s.sentences:>9.1f}{s.missed:>8,}")
    for s in (ours, theirs):
        worst = ", ".join(f"{cat}: {n}" for cat, n in s.by_category.most_common(6)) or "none"
        print(f"  false positives of {s.name} by category: {worst}")


def _timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    started = time.perf_counter()
    result = None
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - started) / repeat, result


def _profile_spellings() -> list[str]:
    """Names and aliases of the default profile's gazetteer supplement and first-level divisions."""
    import csv

    from pipeline.profile import load_profile

    profile, names = load_profile(), []
    for file in ("gazetteer_supplement.csv", "admin_areas.csv"):
        with profile.file(file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                names += [row["name"], *[a for a in row["aliases"].split("|") if a]]
    return names


def bench_gazetteer(args: argparse.Namespace) -> None:
    """Gazetteer load from its compiled cache, then lookups and place finding in running text."""
    import subprocess

    from pipeline.geocode import get_gazetteer

    code = "import time; t=time.perf_counter(); from pipeline.geocode import get_gazetteer; get_gazetteer(); print(time.perf_counter()-t)"
    load = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    gazetteer = get_gazetteer()
    spellings = _profile_spellings()
    names = spellings[:10] * 200
    seconds, _ = _timed(lambda: [gazetteer.resolve(n, precision=1) for n in names])
    line = f"Artillery shelled the regions of {spellings[0]}, {spellings[1]} and {spellings[2]} on Monday, the ministry said."
    find, _ = _timed(lambda: gazetteer.find_mentions(line), repeat=500)
    print(f"gazetteer: {len(gazetteer):,} places; load in a new process {load:.2f}s (import and cache read)")
    print(f"  resolve: {len(names) / seconds:,.0f} lookups/s (repeated names hit the cache)")
    print(f"  find_mentions: {1 / find:,.0f} sentences/s")


def bench_build(args: argparse.Namespace) -> None:
    """The sample corpus and the shared dev set: build time, and the time validation adds."""
    from pathlib import Path

    from pipeline import config, validate
    from pipeline.build import build_tables
    from pipeline.geocode import get_gazetteer

    get_gazetteer()
    for label, folder in (("sample corpus", config.RAW_DIR), ("dev set", config.SHARED_DIR / "devset" / "reports")):
        if not Path(folder).is_dir():
            print(f"{label}: not available")
            continue
        result = build_tables(Path(folder))
        validation, report = _timed(lambda r=result: validate.validate_tables(r.tables))
        print(f"{label}: {len(result.tables['articles'])} reports -> {len(result.tables['events'])} events in {result.seconds:.2f}s; "
              f"validation adds {validation:.2f}s ({'pass' if report.success else 'FAIL'})")


def bench_validate(args: argparse.Namespace) -> None:
    """Validation of 10,000 events: the sample corpus's events repeated with new ids."""
    import pandas as pd

    from pipeline import config, validate
    from pipeline.build import build_tables

    tables = build_tables(config.RAW_DIR).tables
    events = tables["events"]
    copies = -(-10_000 // len(events))
    big = pd.concat([events] * copies, ignore_index=True).head(10_000)
    big["event_id"] = [f"ev-{i:012x}" for i in range(len(big))]
    mentions = tables["mentions"].copy()
    mentions["event_id"] = big["event_id"].iloc[: len(mentions)].to_numpy()
    seconds, report = _timed(lambda: validate.validate_tables({**tables, "events": big, "mentions": mentions}))
    print(f"validation of {len(big):,} events: {seconds:.2f}s ({'pass' if report.success else 'FAIL: ' + report.render()[:300]})")


# --------------------------------------------------------------------------- a corpus of any size


COPY_WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper")


def _copy_tag(k: int) -> str:
    """Words for a copy number ("Archive copy amber birch."): a sentence with no place, act or date in it."""
    return " ".join(COPY_WORDS[int(d)] for d in str(k))


def _copy_url(url: str, k: int) -> str:
    base, sep, query = url.partition("?")
    return f"{base}-c{k}{sep}{query}"


def _copy_text_report(data: str, k: int) -> str:
    """A .txt/.md report with a new id and URL (front matter) and one extra closing line, so it is no duplicate."""
    lines = data.split("\n")
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        for i in range(1, end):
            key, _, value = lines[i].partition(":")
            if key.strip() == "id":
                lines[i] = f"id: {value.strip()}-c{k}"
            elif key.strip() == "url":
                lines[i] = f"url: {_copy_url(value.strip(), k)}"
    return "\n".join(lines).rstrip("\n") + f"\n\nArchive copy {_copy_tag(k)}.\n"


def _copy_jsonl_line(line: str, k: int) -> str:
    import json

    row = json.loads(line)
    row["id"] = f"{row.get('id', 'line')}-c{k}"
    if row.get("url"):
        row["url"] = _copy_url(row["url"], k)
    row["text"] = row["text"].rstrip("\n") + f"\n\nArchive copy {_copy_tag(k)}."
    return json.dumps(row, ensure_ascii=False)


def _copy_html(data: str, k: int) -> str:
    import re

    for url in set(re.findall(r'(?:href|content)="(https?://[^"]+)"', data)):
        data = data.replace(f'"{url}"', f'"{_copy_url(url, k)}"')
    closing = "</article>" if "</article>" in data else "</body>"
    cut = data.rfind(closing)
    return data[:cut] + f"<p>Archive copy {_copy_tag(k)}.</p>\n" + data[cut:]


def make_corpus(dest, reports: int, source=None) -> int:
    """Write ``reports`` reports into ``dest`` by copying the sample corpus with unique ids, URLs and texts.

    Each copy keeps its original's form (.txt with or without front matter, one-line .jsonl, saved .html)
    and words, plus a closing line naming the copy; so every copy codes the events of its original.
    Returns the number of reports written.
    """
    from pathlib import Path

    from pipeline import config
    from pipeline.ingest import scan_raw_folder

    source = Path(source or config.RAW_DIR)
    dest = Path(dest)
    units: list[tuple[str, str, str]] = []  # (kind, relative path, content)
    for rel, path in scan_raw_folder(source).inputs:
        text = path.read_text(encoding="utf-8")
        if rel.endswith(".jsonl"):
            units += [("jsonl", rel, line) for line in text.splitlines() if line.strip()]
        else:
            units.append(("html" if rel.endswith((".html", ".htm")) else "text", rel, text))
    for n in range(reports):
        kind, rel, content = units[n % len(units)]
        k = n // len(units)
        stem, _, suffix = rel.rpartition(".")
        target = dest / f"copy-{k // 1000:04d}" / f"{stem.replace('/', '--')}-{n % len(units)}-c{k}.{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "jsonl":
            target.write_text(_copy_jsonl_line(content, k) + "\n", encoding="utf-8")
        elif kind == "html":
            target.write_text(_copy_html(content, k), encoding="utf-8")
        else:
            target.write_text(_copy_text_report(content, k), encoding="utf-8")
    return reports


def _build_child(raw: str, out: str, jobs: int, cache: str | None, queue) -> None:
    """One timed build in a fresh process (so its peak RSS is its own), the build command's own path (the tables
    written, the exports, the validation gate in its process, the release published), reporting to ``queue``."""
    import logging
    import os
    import resource

    from pipeline.build import release

    logging.disable(logging.WARNING)
    started = time.perf_counter()
    result = release(Path(raw), Path(out), jobs=jobs, cache=Path(cache) if cache else False)
    seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_self, rss_children = own.ru_maxrss / 1024, children.ru_maxrss / 1024
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    queue.put({
        "seconds": seconds, "stages": dict(result.stages.seconds), **{name: result.rows[name] for name in ("articles", "rejects", "mentions", "events")}, "rss_mb": rss_self, "worker_rss_mb": rss_children,
        "cache": result.cache, "cpu": cpu, "load": os.getloadavg()[0],
    })


def _timed_build(raw, out, jobs: int, cache=None) -> dict:
    import multiprocessing
    import os

    if hasattr(os, "sync"):
        os.sync()  # the files the benchmark itself just wrote (a generated corpus) are flushed before the clock starts
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_build_child, args=(str(raw), str(out), jobs, str(cache) if cache else None, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def bench_scale(args: argparse.Namespace) -> None:
    """Builds of generated corpora (the sample copied with unique ids): throughput per core, parallel speedup,
    incremental rebuilds, peak memory and validation time. Each build runs in a fresh process."""
    import shutil
    import tempfile
    from pathlib import Path

    from pipeline.engine import default_jobs

    cores = default_jobs()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"scale: corpora of {', '.join(f'{n:,}' for n in sizes)} reports (the sample corpus copied); {cores} cores; each build in a new process")
    print("  (CPU s: the build's processor time, all its processes; load: the machine's 1-minute load average at the end,"
          " other programs included: above the jobs, the workers shared the cores)")
    header = (f"  {'reports':>8} {'jobs':>4} {'cache':>12} {'seconds':>8} {'reports/s':>10} {'per core':>9} {'CPU s':>7} {'extract s':>9} "
              f"{'validate s':>10} {'peak RSS MB':>20} {'load':>5} {'events':>7}")
    print(header)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
        for n in sizes:
            raw = Path(tmp) / f"raw-{n}"
            make_corpus(raw, n)
            cache = Path(tmp) / f"cache-{n}"

            def show(label: str, jobs: int, r: dict, reports: int = n) -> None:
                rate = reports / r["seconds"]
                rss = f"{r['rss_mb']:.0f}" + (f" (+{r['worker_rss_mb']:.0f}/worker)" if jobs > 1 else "")
                print(f"  {reports:>8,} {jobs:>4} {label:>12} {r['seconds']:>8.1f} {rate:>10.1f} {rate / jobs:>9.1f} {r['cpu']:>7.0f} "
                      f"{r['stages'].get('extract', 0):>9.1f} {r['stages'].get('validate', 0):>10.1f} {rss:>20} {r['load']:>5.1f} {r['events']:>7,}", flush=True)
                print("           stages: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in r["stages"].items()), flush=True)

            one = _timed_build(raw, Path(tmp) / "out", 1)
            show("none", 1, one)
            many = None
            if cores > 1:
                many = _timed_build(raw, Path(tmp) / "out", cores)
                show("none", cores, many)
            cold = _timed_build(raw, Path(tmp) / "out", cores, cache)
            show("cold", cores, cold)
            extra = Path(tmp) / f"extra-{n}"
            make_corpus(extra, n + 10)
            for path in sorted(extra.rglob("*")):  # the same n reports plus 10 new ones
                if path.is_file() and not (raw / path.relative_to(extra)).exists():
                    target = raw / path.relative_to(extra)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, target)
            shutil.rmtree(extra)
            warm = _timed_build(raw, Path(tmp) / "out", cores, cache)
            show("+10 reports", cores, warm, n + 10)
            rows.append((n, one, many, cold, warm))
            shutil.rmtree(raw)
            shutil.rmtree(cache, ignore_errors=True)
    print("  summary:")
    for n, one, many, cold, warm in rows:
        speedup = one["seconds"] / many["seconds"] if many else 1.0
        extract_speedup = one["stages"]["extract"] / many["stages"]["extract"] if many else 1.0
        print(f"    {n:>7,} reports: {n / one['seconds']:.1f} reports/s on one core ({n / one['stages']['extract']:.1f} in extraction); "
              f"{cores} workers: {speedup:.2f}x the build ({extract_speedup:.2f}x extraction; CPU {many['cpu'] / one['cpu'] if many else 1:.2f}x one process's); "
              f"+10 reports with the cache: {warm['seconds']:.1f}s = {100 * warm['seconds'] / cold['seconds']:.1f}% of a cold build; "
              f"peak RSS {one['rss_mb']:.0f} MB (one process); validation {one['stages']['validate']:.1f}s")


BENCHMARKS: dict[str, Callable[[argparse.Namespace], None]] = {
    "dates": bench_dates,
    "gazetteer": bench_gazetteer,
    "build": bench_build,
    "validate": bench_validate,
    "scale": bench_scale,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description="Run the project's benchmarks.")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--sentences", type=int, default=10_000, help="sentences to generate (default 10000)")
    parser.add_argument("--sample", type=int, default=10_000,
                        help="sentences given to slow baselines such as search_dates (default 10000, about 40 s; 0 = all)")
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the generated data")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes of the scale benchmark, comma-separated (default 1000,10000)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        started = time.perf_counter()
        BENCHMARKS[name](args)
        print(f"[{name}: {time.perf_counter() - started:.1f}s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
