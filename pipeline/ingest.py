"""Ingest: raw report files -> the articles and rejects tables.

A raw report is one file under the raw folder (any sub-folder) in one of the
forms of coding rules §1:

* ``*.txt`` / ``*.md``: optional YAML front matter between two ``---`` lines at
  the very top (keys ``id``, ``title``, ``url``, ``outlet``, ``published``,
  ``language``; ``date`` is read as ``published`` when that is absent), then the body.
* ``*.jsonl``: one report per non-blank line, same keys plus the required ``text``.
* ``*.html`` / ``*.htm``: a saved article page, read by :func:`extract_html`, the
  extractor that ``pull`` uses for the pages it fetches (trafilatura for the main
  text; title, canonical link, site name, language and the publication time from
  ``article:published_time``, JSON-LD ``datePublished`` or the page's date markup).

Text encodings: a byte-order mark decides (UTF-8, UTF-16 and UTF-32, either byte
order); else UTF-8; else, for a page, the charset it declares; else a legacy 8-bit
code page (Windows-125x, ISO 8859, KOI8, CP866) as charset-normalizer detects it.
NUL bytes without a byte-order mark, mostly control characters, or bytes no
encoding explains make the input a reject.

What is not an input (see :func:`scan_raw_folder`, which lists these as *skipped*
with the reason, and logs them): hidden files and folders (name starting with
``.``), folders named ``_html`` (assets of saved pages, and the pages ``pull``
keeps for provenance), and documentation by name: files whose name without its
extension is ``README`` or ``SOURCES`` (any case). Everything else is an input:
dangling symbolic links, FIFOs, sockets and devices, and folders that cannot be
read become reject rows; symbolic links to files and folders are followed (a link
loop is a reject). No input is ever opened in a way that can block.

Every input ends up either as an article or as a reject row (stage ``ingest``),
so that ``inputs == len(articles) + len(rejects)``: a ``.jsonl`` file is one input
per line that is not blank (blank means ASCII whitespace only; a line of other
whitespace, such as U+00A0, is a reject), or one for the whole file when it has
none or cannot be read. Duplicates (same URL by :func:`url_key`, or same text by
:func:`content_sha1`, as an earlier report in sorted path order) and report-id
clashes are rejects too.

Bounded work (:class:`Limits`): a report (a file, or one line of a ``.jsonl``
file) larger than ``max_report_bytes`` is rejected without being read, and so is
a report whose text is longer than ``max_text_chars``; the rest of the build goes
on. The defaults come from the environment (``PIPELINE_MAX_REPORT_BYTES``,
``PIPELINE_MAX_TEXT_CHARS``).

Publication times: ``published`` is parsed by :func:`pipeline.dates.parse_published`
(ISO 8601). The ``published_note`` column says when the value is not simply the
input's own: ``no_zone`` (given without a UTC offset, read as UTC, coding rules §1),
``unreadable`` (given but not ISO 8601: ignored), ``missing`` (not given). The
build's dates stage (:func:`pipeline.build.fill_published`) then infers a missing
or ignored value from the text and flags it ``published_inferred``.

The article ``text`` is the body with newlines normalised to ``\\n``, trailing
whitespace stripped from each line, leading/trailing blank lines dropped and whole
boilerplate lines removed (regexes in ``data/lang/en/boilerplate.csv``); the rest
is kept verbatim, so that later stages can use its lines and character offsets.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import email.utils
import errno
import functools
import hashlib
import io
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pandas as pd
import yaml

from pipeline import config, dates, schema

log = logging.getLogger(__name__)

STAGE = "ingest"
BOILERPLATE_FILE = config.LANG_DIR / "en" / "boilerplate.csv"

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
REPORT_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
DOCUMENTATION_STEMS = frozenset({"readme", "sources"})
IGNORED_FOLDERS = frozenset({"_html"})

METADATA_KEYS = ("id", "title", "url", "outlet", "published", "language")
# Keys read as another key when that one is absent.
METADATA_ALIASES = {"date": "published"}

# Lines longer than this are never boilerplate (and are not run through the regexes).
MAX_BOILERPLATE_LINE = 400
# Share of control characters above which decoded text is taken for binary data.
MAX_CONTROL_SHARE = 0.3
MAX_ERROR_CHARS = 300
# Shorter main texts of a page are navigation, paywall or error pages, not articles.
MIN_PAGE_TEXT_CHARS = 100

DEFAULT_MAX_REPORT_BYTES = 10 * 1024 * 1024
# Far above any news report or live blog; spaCy refuses lines over 1,000,000 characters.
DEFAULT_MAX_TEXT_CHARS = 500_000

ARTICLE_COLUMNS = schema.column_names("articles")
REJECT_COLUMNS = schema.column_names("rejects")

_NEWLINES = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_FRONT_MATTER_FENCE = "---"


class ReportError(ValueError):
    """A raw input that cannot become an article; the message is the reject's error."""


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one report may cause."""

    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES  # a file, or one line of a .jsonl file
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS  # the article text

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, overridden by ``PIPELINE_MAX_REPORT_BYTES`` / ``PIPELINE_MAX_TEXT_CHARS``."""
        values = {}
        for name, var in (
            ("max_report_bytes", "PIPELINE_MAX_REPORT_BYTES"),
            ("max_text_chars", "PIPELINE_MAX_TEXT_CHARS"),
        ):
            raw = os.environ.get(var, "").strip().replace("_", "")
            if raw:
                if not raw.isdigit() or int(raw) <= 0:
                    raise ValueError(f"{var} must be a positive whole number, got {raw!r}")
                values[name] = int(raw)
        return cls(**values)


# --------------------------------------------------------------------------- helpers


def _one_line(message: str) -> str:
    """Collapse whitespace so an error fits on one line, and cap its length."""
    text = " ".join(str(message).split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _quote(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reject(raw_path: str, error: str, line: int | None = None) -> dict:
    return {"raw_path": raw_path, "line": line, "stage": STAGE, "error": _one_line(error)}


def _size(n: int) -> str:
    return f"{n:,} bytes"


# --------------------------------------------------------------------------- encodings

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# The legacy 8-bit code pages the detector may choose from (news text in the
# Latin, Cyrillic, Greek, Turkish, Baltic scripts); Mac code pages are left out:
# they differ from Windows ones in a few capitals only and win ties wrongly.
LEGACY_ENCODINGS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_13", "iso8859_15",
    "koi8_r", "koi8_u", "cp866",
)  # fmt: skip
MAX_LEGACY_CHAOS = 0.1


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, length of the mark) when ``data`` starts with a Unicode byte-order mark."""
    for mark, codec, _ in _BOMS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def _detect_legacy(data: bytes) -> str | None:
    """Text of ``data`` in the legacy 8-bit code page charset-normalizer finds, or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), explain=False).best()
    if best is None or best.chaos > MAX_LEGACY_CHAOS or (best.language == "Unknown" and best.coherence == 0):
        return None
    return str(best)


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Bytes -> text: the byte-order mark's encoding, else UTF-8, else ``declared`` (a page's
    charset), else a detected legacy 8-bit code page. Raises :class:`ReportError` for binary
    data and for bytes no encoding explains."""
    bom = bom_encoding(data)
    if bom is not None:
        codec, skip = bom
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            raise ReportError(
                f"not {codec.upper()} text despite its byte-order mark: undecodable bytes at offset {exc.start + skip}"
            ) from None
        if "\x00" in text:
            raise ReportError("binary file: contains NUL characters")
    elif b"\x00" in data:
        raise ReportError("binary file: contains NUL bytes")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = None
            if declared:
                with contextlib.suppress(UnicodeDecodeError, LookupError):
                    text = data.decode(declared)
            if text is None:
                text = _detect_legacy(data)
            if text is None:
                raise ReportError(
                    f"not UTF-8 text (undecodable byte at offset {exc.start}) and no legacy encoding detected"
                ) from None
    if text and len(_CONTROL.findall(text)) / len(text) > MAX_CONTROL_SHARE:
        raise ReportError("binary file: mostly control characters")
    return text


def normalize_newlines(text: str) -> str:
    """Every line break (``\\r\\n``, ``\\r``, U+2028, ...) becomes ``\\n``, so that
    ``text.split("\\n")`` and ``text.splitlines()`` agree on the lines."""
    return _NEWLINES.sub("\n", text)


# --------------------------------------------------------------------------- identity


def content_sha1(text: str) -> str:
    """SHA-1 of the text with every whitespace run collapsed to one space: the one text hash
    of ingest and pull (same text, differently wrapped, is the same report)."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def url_key(url: str | None) -> str | None:
    """A URL reduced for duplicate detection (ingest and pull): scheme, ``www.``, fragment,
    the final ``/`` and ``utm_*`` query parameters ignored; host lowercased; a port other
    than 80 and 443 kept."""
    if not url or not str(url).strip():
        return None
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = parts.port
    except ValueError:
        return url
    if not host:
        return url
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    key = f"{host}{parts.path.rstrip('/')}"
    return f"{key}?{urlencode(query)}" if query else key


def is_documentation(name: str) -> bool:
    """README.md, readme.txt, SOURCES ... (but not 'sources-say-ganja-hit.txt')."""
    return name.split(".", 1)[0].lower() in DOCUMENTATION_STEMS


def skip_reason(raw_path: str) -> str | None:
    """Why a path under the raw folder is not an input (see the module doc), or None when it is one."""
    parts = PurePosixPath(raw_path).parts
    if not parts:
        return "not a file"
    if any(part.startswith(".") for part in parts):
        return "hidden"
    if any(part in IGNORED_FOLDERS for part in parts[:-1]):
        return "under a folder named _html (page assets)"
    if is_documentation(parts[-1]):
        return "documentation by name"
    return None


def is_report_path(raw_path: str) -> bool:
    """False for files that live beside reports but are not reports (see the module doc)."""
    return skip_reason(raw_path) is None


# --------------------------------------------------------------------------- boilerplate


def load_boilerplate_patterns(path: Path = BOILERPLATE_FILE) -> tuple[re.Pattern[str], ...]:
    """Compile the ``pattern`` column of the boilerplate CSV (case-insensitive)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = {"pattern", "description", "source"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    return tuple(re.compile(row["pattern"], re.IGNORECASE) for row in rows if row["pattern"].strip())


@functools.cache
def default_boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    return load_boilerplate_patterns(BOILERPLATE_FILE)


def _compile(patterns: Iterable[re.Pattern[str] | str]) -> list[re.Pattern[str]]:
    return [p if isinstance(p, re.Pattern) else re.compile(p, re.IGNORECASE) for p in patterns]


def is_boilerplate_line(line: str, patterns: Iterable[re.Pattern[str] | str]) -> bool:
    """True when the whole line (stripped) matches one of the patterns."""
    return _matches(line, _compile(patterns))


def _matches(line: str, compiled: list[re.Pattern[str]]) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_LINE:
        return False
    return any(p.fullmatch(stripped) for p in compiled)


def remove_boilerplate(text: str, patterns: Iterable[re.Pattern[str] | str]) -> str:
    """Normalise ``text`` and drop the lines that are boilerplate as a whole.

    Newlines become ``\\n``, trailing whitespace of each line goes, and leading and
    trailing blank lines go. A removed line takes one neighbouring blank line with it
    so paragraphs stay separated by a single blank line; everything else is verbatim.
    A paragraph that merely ends with a credit ("... (Photo: X)") is not a match.
    """
    compiled = _compile(patterns)
    out: list[str] = []
    removed_since_last = False
    for raw_line in normalize_newlines(text).split("\n"):
        line = raw_line.rstrip()
        if line and _matches(line, compiled):
            removed_since_last = True
            continue
        if not line and removed_since_last and (not out or not out[-1]):
            continue  # a blank line that would double the one already kept
        out.append(line)
        if line:
            removed_since_last = False
    return "\n".join(out).strip("\n")


# --------------------------------------------------------------------------- metadata

PUBLISHED_NOTES = schema.PUBLISHED_NOTES


def _has_zone(value: object) -> bool:
    if isinstance(value, datetime):
        return value.utcoffset() is not None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value.strip()).utcoffset() is not None
    return False


def published_value(value: object) -> tuple[pd.Timestamp | None, int, str | None]:
    """A ``published`` value -> (UTC timestamp or None, UTC offset in minutes it was given in, note).

    The note is None for a value with a zone, ``no_zone`` for one without (read as UTC, offset 0;
    a bare date is midnight), ``unreadable`` for anything that is not ISO 8601 (ignored, so that
    the dates stage infers it), ``missing`` for an empty or absent value.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, 0, "missing"
    if isinstance(value, (list, dict, set, tuple, bool)):
        return None, 0, "unreadable"
    try:
        stamp, minutes = dates.parse_published(value)  # type: ignore[arg-type]
    except ValueError:
        return None, 0, "unreadable"
    return stamp, minutes, None if _has_zone(value) else "no_zone"


def _scalar(key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict, set, tuple)):
        raise ReportError(f"metadata key {key!r} must be a single value, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _metadata(mapping: dict) -> dict[str, Any]:
    """Pick the known keys (case-insensitive, aliases applied) from front matter or a JSON object."""
    found: dict[str, Any] = {}
    for key, value in mapping.items():
        name = str(key).strip().lower()
        if name in METADATA_KEYS:
            found[name] = value
    for alias, target in METADATA_ALIASES.items():
        for key, value in mapping.items():
            if str(key).strip().lower() == alias and found.get(target) in (None, ""):
                found[target] = value
    return found


def _one_line_or_none(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value is not None else None


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n"):
        title = line.strip().lstrip("#").strip()
        if title:
            return title
    return None


def _article(
    meta: dict[str, Any],
    body: str,
    *,
    raw_path: str,
    default_id: str,
    limits: Limits,
    raw_line: int | None = None,
) -> dict:
    """Build one article row from metadata and the body; raises ReportError."""
    if "\x00" in body:
        raise ReportError("binary text: contains NUL characters")
    if len(body) > limits.max_text_chars:
        raise ReportError(
            f"report too long: {len(body):,} characters of text, the limit is {limits.max_text_chars:,} (PIPELINE_MAX_TEXT_CHARS)"
        )
    published, offset, note = published_value(meta.get("published"))
    if note == "unreadable":
        log.warning("%s: cannot parse published value %s; it is ignored", raw_path, _quote(meta.get("published")))
    text = remove_boilerplate(body, default_boilerplate_patterns())
    if not text.strip():
        raise ReportError("no text: the body is empty" + (" after removing boilerplate" if body.strip() else ""))
    report_id = _scalar("id", meta.get("id")) or default_id
    if any(ch in report_id for ch in "\n\r\t"):
        raise ReportError(f"report id {_quote(report_id)} contains line breaks or tabs")
    title = _one_line_or_none(_scalar("title", meta.get("title"))) or _first_line_title(text)
    row = {
        "report_id": report_id,
        "title": title,
        "outlet": _one_line_or_none(_scalar("outlet", meta.get("outlet"))),
        "url": _scalar("url", meta.get("url")),
        "published": published,
        "published_utc_offset_minutes": offset,
        "published_inferred": False,
        "published_note": note,
        "language": _scalar("language", meta.get("language")),
        "text": text,
        "raw_path": raw_path,
        "raw_line": raw_line,
        "content_sha1": content_sha1(text),
    }
    return {col: row[col] for col in ARTICLE_COLUMNS}


# --------------------------------------------------------------------------- formats


class _StringDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when PyYAML has it: ten times faster) that keeps timestamps as strings, so
    zones and offsets survive."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """(front matter mapping or None when there is none, body). Raises ReportError when broken."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FRONT_MATTER_FENCE:
        return None, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() == _FRONT_MATTER_FENCE:
            break
    else:
        raise ReportError("broken front matter: no closing '---' line")
    source = "\n".join(lines[1:i])
    try:
        loaded = yaml.load(source, Loader=_StringDateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        mark = getattr(exc, "problem_mark", None)
        where = f" (front matter line {mark.line + 1})" if mark is not None else ""
        raise ReportError(f"broken YAML front matter: {problem}{where}") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise ReportError(f"broken YAML front matter: {type(exc).__name__}") from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ReportError(f"front matter is not a mapping but a {type(loaded).__name__}")
    return loaded, "\n".join(lines[i + 1 :])


def _parse_text(data: bytes, raw_path: str, stem: str, limits: Limits) -> dict:
    text = normalize_newlines(decode_bytes(data))
    if not text.strip():
        raise ReportError("empty file")
    front, body = split_front_matter(text)
    return _article(_metadata(front or {}), body, raw_path=raw_path, default_id=stem, limits=limits)


# A .jsonl line: its number and its bytes (or text, for a UTF-16/32 file), None when over the size limit.
JsonlLine = tuple[int, bytes | str | None]


def _split_lines(data: bytes, limits: Limits) -> Iterator[JsonlLine]:
    bom = bom_encoding(data)
    if bom is not None and bom[0] != "utf-8":
        try:
            text = data[bom[1] :].decode(bom[0])
        except UnicodeDecodeError as exc:
            raise ReportError(
                f"not {bom[0].upper()} text despite its byte-order mark: undecodable bytes at offset {exc.start}"
            ) from None
        lines: Iterable[bytes | str] = text.split("\n")
    else:
        lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n")
    for number, line in enumerate(lines, start=1):
        yield number, None if len(line) > limits.max_report_bytes else line


def _stream_lines(f: io.BufferedReader, limits: Limits) -> Iterator[JsonlLine]:
    """The lines of an open .jsonl file, never holding more than one line (up to the limit) in memory."""
    limit = limits.max_report_bytes
    bom = bom_encoding(f.peek(4)[:4])
    if bom is not None and bom[0] != "utf-8":
        unit = 4 if "32" in bom[0] else 2
        f.read(bom[1])
        reader = io.TextIOWrapper(f, encoding=bom[0], newline="\n")
        number = 0
        while True:
            try:
                line = reader.readline(limit // unit + 1)
            except UnicodeDecodeError as exc:
                raise ReportError(
                    f"not {bom[0].upper()} text despite its byte-order mark after line {number}: {exc.reason}"
                ) from None
            if not line:
                return
            number += 1
            if len(line) > limit // unit and not line.endswith("\n"):
                while line and not line.endswith("\n"):
                    line = reader.readline(1 << 20)
                yield number, None
            else:
                yield number, line.removesuffix("\n")
    if bom is not None:
        f.read(bom[1])
    number = 0
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = f.readline(1 << 20)
            yield number, None
        else:
            yield number, line.removesuffix(b"\n")


def _parse_jsonl(lines: Iterable[JsonlLine], raw_path: str, stem: str, limits: Limits) -> tuple[list[dict], list[dict]]:
    articles: list[dict] = []
    rejects: list[dict] = []
    # Lines are split on LF only: JSON strings may hold U+2028 and similar characters verbatim.
    try:
        for number, raw in lines:
            if raw is None:
                rejects.append(
                    _reject(
                        raw_path,
                        f"line too large: over {_size(limits.max_report_bytes)} (PIPELINE_MAX_REPORT_BYTES)",
                        number,
                    )
                )
                continue
            if not raw.strip(b" \t\r\n\v\f" if isinstance(raw, bytes) else " \t\r\n\v\f"):
                continue  # a blank line is no input
            try:
                line = decode_bytes(raw) if isinstance(raw, bytes) else raw
            except ReportError as exc:
                rejects.append(_reject(raw_path, str(exc), number))
                continue
            if not line.strip():
                rejects.append(_reject(raw_path, "line holds only whitespace (no JSON object)", number))
                continue
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError) as exc:
                rejects.append(_reject(raw_path, f"malformed JSON line: {exc}", number))
                continue
            try:
                if not isinstance(obj, dict):
                    raise ReportError(f"JSON line is not an object but a {type(obj).__name__}")
                body = obj.get("text")
                if body is None:
                    raise ReportError("JSON line has no 'text'")
                if not isinstance(body, str):
                    raise ReportError(f"'text' is not a string but a {type(body).__name__}")
                articles.append(
                    _article(
                        _metadata(obj),
                        normalize_newlines(body),
                        raw_path=raw_path,
                        default_id=f"{stem}-{number}",
                        raw_line=number,
                        limits=limits,
                    )
                )
            except ReportError as exc:
                rejects.append(_reject(raw_path, str(exc), number))
    except ReportError as exc:
        rejects.append(_reject(raw_path, str(exc)))
    if not articles and not rejects:
        rejects.append(_reject(raw_path, "empty file"))
    return articles, rejects


# --------------------------------------------------------------------------- HTML pages

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_HTML_LANG = re.compile(r"[A-Za-z]{2,3}")
HOST_LIKE = re.compile(r"[\w-]+(\.[\w-]+)+(:\d+)?")
# trafilatura's XML: blocks of text, and containers of blocks.
_BLOCK_TAGS = frozenset(
    {"p", "head", "item", "cell", "quote", "code", "list", "table", "row", "div", "body", "section"}
)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_MAX_JSON_LD_DEPTH = 8


@dataclass
class HtmlPage:
    """What :func:`extract_html` reads from a page."""

    title: str | None
    canonical_url: str | None  # the page's own claim (canonical link, else og:url): never its identity
    outlet: str | None
    published: str | None  # ISO 8601 as the page gives it (a date only when it gives no time)
    language: str | None
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The report text: the title, a blank line, the paragraphs (as ``pull`` writes it)."""
        return "\n\n".join([self.title, *self.paragraphs] if self.title else self.paragraphs)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta charset>``), when it is not UTF-8."""
    found = _CHARSET.search(data[:4096])
    name = found.group(1).decode("ascii").lower() if found else None
    return None if name in (None, "utf-8", "utf8") else name


def decode_html(data: bytes, *, charset: str | None = None) -> str:
    """A page's bytes -> text (:func:`decode_bytes`; the declared charset from the HTTP header or the page)."""
    return decode_bytes(data, declared=charset or declared_charset(data))


def iso_instant(value: str | None, *, naive_midnight_is_date: bool = False) -> str | None:
    """A date of a page or a feed (ISO 8601, RFC 3339 or RFC 822) -> ISO 8601 with its offset (``Z`` for UTC); a
    bare date stays a date, and so does a naive midnight where the source writes dates that way."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if parsed is None:
            return None
    if parsed.tzinfo is None and parsed.time() == datetime.min.time() and (len(value) <= 10 or naive_midnight_is_date):
        return parsed.date().isoformat()
    if parsed.tzinfo is None:
        return parsed.isoformat()
    text = parsed.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _json_ld_dates(node: object, depth: int = 0) -> Iterator[str]:
    if depth > _MAX_JSON_LD_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _json_ld_dates(item, depth + 1)
    elif isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
            if key in node:
                yield from _json_ld_dates(node[key], depth + 1)


def _page_metadata(tree: Any, url: str | None) -> dict[str, str | None]:
    """Title-independent metadata the page states in markup: canonical URL, site name, language, dates."""

    def meta(*names: str) -> str | None:
        for name in names:
            for node in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
                value = (node.get("content") or node.get("datetime") or "").strip()
                if value:
                    return value
        return None

    base = url or meta("og:url")
    canonical = next((h.strip() for h in tree.xpath("//link[@rel='canonical']/@href") if h.strip()), None)
    canonical = urljoin(base, canonical) if canonical and base else canonical
    canonical = canonical or meta("og:url")
    published = [meta("article:published_time")]
    for script in tree.xpath("//script[@type='application/ld+json']"):
        with contextlib.suppress(ValueError, RecursionError):
            published += list(_json_ld_dates(json.loads(script.text or "")))
    published += [meta("datePublished")]
    published += [(n.get("datetime") or "").strip() for n in tree.xpath("//time[@itemprop='datePublished']")]
    lang = next((v for v in tree.xpath("/html/@lang | //html/@lang") if v.strip()), None)
    match = _HTML_LANG.match(lang.strip()) if lang else None
    return {
        "canonical_url": canonical if canonical and canonical.lower().startswith(("http://", "https://")) else None,
        "outlet": meta("og:site_name"),
        "published": next((iso for iso in map(iso_instant, published) if iso), None),
        "language": match.group(0).lower() if match else None,
    }


def _unwrap_entries(tree: Any) -> None:
    """A page of several entries (a live blog): its top-level <article>s become plain blocks, so
    that the extractor takes all of them in order rather than the first."""
    entries = [node for node in tree.iter("article") if not any(a.tag == "article" for a in node.iterancestors())]
    if len(entries) > 1:
        for node in entries:
            node.tag = "div"


def _blocks(root: Any) -> list[str]:
    """The text blocks of trafilatura's XML body in document order; a line break (<lb/>) ends a block."""
    blocks: list[str] = []

    def flush(parts: list[str]) -> None:
        text = " ".join("".join(parts).split())
        if text:
            blocks.append(text)
        parts.clear()

    stack: list[tuple[Any, bool]] = [(root, False)]
    parts: list[str] = []
    # Iterative walk: (element, False) opens it, (element, True) closes it and takes its tail.
    while stack:
        node, closing = stack.pop()
        if closing:
            flush(parts)
            parts.append(node.tail or "")
            continue
        if node.tag in _BLOCK_TAGS:
            flush(parts)
            parts.append(node.text or "")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
        elif node.tag == "lb":
            flush(parts)
            parts.append(node.tail or "")
        else:
            parts.append("".join(node.itertext()) + (node.tail or ""))
    flush(parts)
    return blocks


@functools.cache
def _trafilatura_config() -> Any:
    from trafilatura.settings import use_config

    cfg = use_config()
    # A short article is still an article: without this, pages under 250 characters go to a
    # baseline extractor that keeps captions, share buttons and "related" lists.
    cfg.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return cfg


def extract_html(html: str, *, url: str | None = None) -> HtmlPage:
    """Pure: a page's text -> :class:`HtmlPage`. The main text comes from trafilatura; ``url`` is
    where the page was fetched from (None for a saved page) and only resolves relative links.
    Raises :class:`ReportError` when the page has no main text of at least 100 characters."""
    import trafilatura
    from htmldate import find_date
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise ReportError("no main text in the HTML page (cannot parse it)")
    meta = _page_metadata(tree, url)
    if meta["published"] is None:  # the page's date markup, never the URL's date nor the body text
        with contextlib.suppress(ValueError, TypeError):
            meta["published"] = iso_instant(
                find_date(load_html(html), original_date=True, extensive_search=False, outputformat=_DATE_FORMAT)
            )
    _unwrap_entries(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        config=_trafilatura_config(),
    )
    if isinstance(doc, dict):  # trafilatura 1.x
        doc = type("Doc", (), {k: doc.get(k) for k in ("title", "sitename", "language", "body")})
    paragraphs = _blocks(doc.body) if doc is not None and getattr(doc, "body", None) is not None else []
    title = " ".join((doc.title or "").split()) or None if doc is not None else None
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    size = sum(len(p) for p in paragraphs)
    if size < MIN_PAGE_TEXT_CHARS:
        raise ReportError(f"no main text in the HTML page (only {size} characters)")
    sitename = " ".join((doc.sitename or "").split()) if doc is not None else ""
    outlet = meta["outlet"] or (sitename if sitename and not HOST_LIKE.fullmatch(sitename) else None)
    language = meta["language"] or (doc.language if doc is not None else None)
    return HtmlPage(
        title=title,
        canonical_url=meta["canonical_url"],
        outlet=" ".join(outlet.split()) if outlet else None,
        published=meta["published"],
        language=language,
        paragraphs=paragraphs,
    )


def _parse_html(data: bytes, raw_path: str, stem: str, limits: Limits) -> dict:
    html = decode_html(data)
    if not html.strip():
        raise ReportError("empty file")
    page = extract_html(html)
    meta = {
        "title": page.title,
        "url": page.canonical_url,
        "outlet": page.outlet,
        "published": page.published,
        "language": page.language,
    }
    return _article(meta, page.text, raw_path=raw_path, default_id=stem, limits=limits)


# --------------------------------------------------------------------------- API


def parse_report_file(data: bytes, raw_path: str, *, limits: Limits | None = None) -> tuple[list[dict], list[dict]]:
    """Pure: one raw file's bytes -> (article rows, reject rows).

    ``raw_path`` is relative to the raw folder (posix) and decides the format by its
    suffix. Never raises for bad content: every problem becomes a reject row.
    """
    limits = limits or Limits.from_env()
    path = PurePosixPath(raw_path)
    suffix = path.suffix.lower()
    stem = path.stem
    try:
        if suffix not in REPORT_SUFFIXES:
            raise ReportError(f"unknown file type {suffix or '(no suffix)'!r}: expected .txt, .md, .jsonl or .html")
        if not data.strip():
            raise ReportError("empty file")
        if suffix in JSONL_SUFFIXES:
            return _parse_jsonl(_split_lines(data, limits), raw_path, stem, limits)
        if len(data) > limits.max_report_bytes:
            raise ReportError(_too_large(len(data), limits))
        if suffix in TEXT_SUFFIXES:
            return [_parse_text(data, raw_path, stem, limits)], []
        return [_parse_html(data, raw_path, stem, limits)], []
    except ReportError as exc:
        return [], [_reject(raw_path, str(exc))]


def _too_large(size: int, limits: Limits) -> str:
    return f"file too large: {_size(size)}, the limit is {_size(limits.max_report_bytes)} (PIPELINE_MAX_REPORT_BYTES)"


class Duplicates:
    """Keeps the first of each article (in the order offered) by URL and by text, and one article per report id.

    Holds a few fields of each first article, not the article, so a stream of articles can be read without
    keeping them all."""

    def __init__(self) -> None:
        self.by_url: dict[str, str] = {}
        self.by_sha: dict[str, str] = {}
        self.by_id: dict[str, tuple[str, int | None]] = {}

    def reject(self, row: dict) -> dict | None:
        """The reject row of ``row`` when it repeats an article offered before, else None (``row`` is then a first)."""
        key = url_key(row["url"])
        first = self.by_sha.get(row["content_sha1"]) or (self.by_url.get(key) if key else None)
        if first is not None:
            return _reject(row["raw_path"], f"duplicate of {first}", row["raw_line"])
        clash = self.by_id.get(row["report_id"])
        if clash is not None:
            raw_path, raw_line = clash
            where = raw_path + (f" line {raw_line}" if raw_line else "")
            return _reject(row["raw_path"], f"report id {row['report_id']!r} is already used by a different text in {where}", row["raw_line"])
        self.by_sha[row["content_sha1"]] = row["report_id"]
        if key:
            self.by_url[key] = row["report_id"]
        self.by_id[row["report_id"]] = (row["raw_path"], row["raw_line"])
        return None


def articles_frame(rows: list[dict]) -> pd.DataFrame:
    """Article rows -> a DataFrame with exactly the columns of schema.ARTICLES, sorted by report_id."""
    return _sorted_articles(_typed_articles(pd.DataFrame(rows, columns=ARTICLE_COLUMNS)))


def _typed_articles(df: pd.DataFrame) -> pd.DataFrame:
    df["published"] = pd.to_datetime(df["published"], utc=True).astype("datetime64[us, UTC]")
    df["published_utc_offset_minutes"] = df["published_utc_offset_minutes"].astype("int16")
    df["published_inferred"] = df["published_inferred"].astype("bool")
    df["published_note"] = df["published_note"].astype(object).where(df["published_note"].notna(), None)
    df["raw_line"] = df["raw_line"].astype("Int32")
    return df


def _sorted_articles(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("report_id", kind="stable").reset_index(drop=True)


ARTICLE_CHUNK = 2000  # article rows turned into a table at a time while reading


class ArticleChunks:
    """Article rows gathered into tables ``ARTICLE_CHUNK`` rows at a time, so the rows of a large folder (a dict and
    Python strings each) are not all held at once; :meth:`frame` equals :func:`articles_frame` of all the rows."""

    def __init__(self, size: int = ARTICLE_CHUNK) -> None:
        self.size = size
        self.rows: list[dict] = []
        self.frames: list[pd.DataFrame] = []

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self._flush()

    def _flush(self) -> None:
        self.frames.append(_typed_articles(pd.DataFrame(self.rows, columns=ARTICLE_COLUMNS)))
        self.rows = []

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return articles_frame(self.rows)
        if self.rows:
            self._flush()
        frames, self.frames = self.frames, []
        whole = pd.concat(frames, ignore_index=True)
        for column in whole.columns:  # a column all null in one chunk is inferred as objects there, as strings elsewhere
            if str(whole[column].dtype) == "object" and any(str(f[column].dtype) == "str" for f in frames):
                whole[column] = whole[column].astype("str")
        return _sorted_articles(whole)


def rejects_frame(rows: list[dict]) -> pd.DataFrame:
    """Reject rows -> a DataFrame with exactly the columns of schema.REJECTS, in input order."""
    df = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    df["line"] = df["line"].astype("Int32")
    return df.reset_index(drop=True)


@dataclass
class RawScan:
    """What :func:`scan_raw_folder` found: input files, rejects for what cannot be an input,
    and what is not an input at all (with the reason)."""

    inputs: list[tuple[str, Path]] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def scan_raw_folder(raw_dir: Path) -> RawScan:
    """Edge: every entry under ``raw_dir`` -> an input, a reject or a skip (see the module doc).
    Inputs come sorted by their posix path relative to ``raw_dir``."""
    scan = RawScan()

    def walk(folder: Path, rel: str, seen: frozenset[str]) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            scan.rejects.append(_reject(f"{rel}/" if rel else "./", f"cannot read folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name.startswith("."):
                scan.skipped.append((child, "hidden"))
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    mode = os.stat(entry.path).st_mode
            except FileNotFoundError:
                with contextlib.suppress(OSError):
                    target = os.readlink(entry.path)
                    scan.rejects.append(_reject(child, f"dangling symbolic link to {target}"))
                    continue
                scan.rejects.append(_reject(child, "dangling symbolic link"))
                continue
            except OSError as exc:
                reason = "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror or exc}"
                scan.rejects.append(_reject(child, reason))
                continue
            if stat.S_ISDIR(mode):
                if entry.name in IGNORED_FOLDERS:
                    scan.skipped.append((child, "folder named _html (page assets)"))
                    continue
                real = os.path.realpath(entry.path)
                if real in seen:
                    scan.rejects.append(_reject(f"{child}/", "symbolic link loop: the folder contains itself"))
                    continue
                walk(Path(entry.path), child, seen | {real})
            elif stat.S_ISREG(mode):
                if is_documentation(entry.name):
                    scan.skipped.append((child, "documentation by name"))
                else:
                    scan.inputs.append((child, Path(entry.path)))
            else:
                scan.rejects.append(_reject(child, f"not a regular file: {_kind(mode)}"))

    walk(Path(raw_dir), "", frozenset({os.path.realpath(raw_dir)}))
    scan.inputs.sort()
    return scan


def iter_report_paths(raw_dir: Path) -> list[Path]:
    """Input files under ``raw_dir``, sorted by their posix path relative to it."""
    return [path for _, path in scan_raw_folder(Path(raw_dir)).inputs]


def open_raw(path: Path) -> io.BufferedReader:
    """A raw file opened for reading without blocking on it (a file swapped for a FIFO opens, and is then
    refused by its type, instead of hanging) and never as a controlling terminal. Raises OSError."""
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)), "rb")


def read_report(path: Path, raw_path: str, *, limits: Limits) -> tuple[list[dict], list[dict]]:
    """Edge: one input file -> (article rows, reject rows). Opens without blocking (a file swapped
    for a FIFO is a reject, not a hang) and reads no more than the size limit allows."""
    suffix = PurePosixPath(raw_path).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        return parse_report_file(b"", raw_path, limits=limits)  # the unknown-type reject, unread
    try:
        f = open_raw(path)
    except OSError as exc:
        return [], [_reject(raw_path, f"cannot read file: {exc.strerror or exc}")]
    try:
        with f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return [], [_reject(raw_path, f"not a regular file: {_kind(info.st_mode)}")]
            if suffix in JSONL_SUFFIXES:
                if info.st_size == 0:
                    return [], [_reject(raw_path, "empty file")]
                return _parse_jsonl(_stream_lines(f, limits), raw_path, PurePosixPath(raw_path).stem, limits)
            if info.st_size > limits.max_report_bytes:
                return [], [_reject(raw_path, _too_large(info.st_size, limits))]
            data = f.read(limits.max_report_bytes + 1)
    except OSError as exc:
        return [], [_reject(raw_path, f"cannot read file: {exc.strerror or exc}")]
    return parse_report_file(data, raw_path, limits=limits)


def read_raw_folder(
    raw_dir: Path,
    *,
    limits: Limits | None = None,
    read_files: Callable[[list[tuple[str, Path]], Limits], Iterable[tuple[list[dict], list[dict]]]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edge: walk ``raw_dir`` recursively in sorted order, parse every input, drop duplicate
    articles, and return (articles, rejects) with exactly the columns of schema.ARTICLES /
    schema.REJECTS. Each reject is logged as a warning, each skipped entry at INFO.

    ``read_files(inputs, limits)`` reads the inputs and yields :func:`read_report`'s result for
    each, in order (the build passes one that reads them in worker processes)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    limits = limits or Limits.from_env()
    scan = scan_raw_folder(raw_dir)
    rejects: list[dict] = list(scan.rejects)
    if read_files is None:
        results: Iterable[tuple[list[dict], list[dict]]] = (read_report(path, rel, limits=limits) for rel, path in scan.inputs)
    else:
        results = read_files(scan.inputs, limits)
    seen = Duplicates()
    kept = ArticleChunks()
    duplicates: list[dict] = []
    for got, bad in results:
        for row in got:
            reject = seen.reject(row)
            if reject is None:
                kept.add(row)
            else:
                duplicates.append(reject)
        rejects += bad
    rejects += duplicates
    rejects.sort(key=lambda r: (r["raw_path"], r["line"] or 0))
    for rel, reason in scan.skipped:
        log.info("ingest skipped %s: %s", rel, reason)
    for row in rejects:
        where = row["raw_path"] + (f":{row['line']}" if row["line"] else "")
        log.warning("ingest rejected %s: %s", where, row["error"])
    log.info(
        "ingest: %d inputs -> %d articles, %d rejects (%d duplicates or id clashes); %d entries skipped",
        len(seen.by_id) + len(rejects),
        len(seen.by_id),
        len(rejects),
        len(duplicates),
        len(scan.skipped),
    )
    return kept.frame(), rejects_frame(rejects)
