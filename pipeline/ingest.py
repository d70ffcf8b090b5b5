"""Ingest: raw report files -> the articles and rejects tables.

A raw report is one file under the raw folder (any sub-folder) in one of the
forms of coding rules §1:

* ``*.txt`` / ``*.md``: optional YAML front matter between two ``---`` lines at
  the very top (keys ``id``, ``title``, ``url``, ``outlet``, ``published``,
  ``language``; ``date`` is read as ``published`` when that is absent), then the body.
* ``*.jsonl``: one report per non-blank line, same keys plus the required ``text``.
* ``*.html`` / ``*.htm``: a saved article page; metadata from ``og:title``
  (else ``<title>``/``<h1>``), ``article:published_time``, the canonical link
  (else ``og:url``), ``og:site_name`` and ``<html lang>``; the main text from the
  page's ``<article>`` (else ``<main>``, else ``<body>``).

What is not a report (skipped by :func:`read_raw_folder`, see :func:`is_report_path`):
hidden files and folders (name starting with ``.``), anything under a folder named
``_html`` (assets of saved pages), and files whose name starts with ``README`` or
``SOURCES`` (documentation next to the reports).

Every other file is one input (a ``.jsonl`` file: one input per non-blank line,
or one for the whole file when it has none or cannot be read) and ends up either
as an article or as a reject row (stage ``ingest``), so that
``inputs == len(articles) + len(rejects)``. Duplicates (same canonical URL or same
text as an earlier report in sorted path order) and report-id clashes are rejects too.

The article ``text`` is the body with newlines normalised to ``\\n``, trailing
whitespace stripped from each line, leading/trailing blank lines dropped and whole
boilerplate lines removed (regexes in ``data/reference/boilerplate.csv``); the rest
is kept verbatim, so that later stages can use its lines and character offsets.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import yaml

from pipeline import config, schema

log = logging.getLogger(__name__)

STAGE = "ingest"
BOILERPLATE_FILE = config.LANG_DIR / "en" / "boilerplate.csv"

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
REPORT_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
IGNORED_NAME_PREFIXES = ("readme", "sources")
IGNORED_FOLDERS = frozenset({"_html"})

METADATA_KEYS = ("id", "title", "url", "outlet", "published", "language")
# Keys read as another key when that one is absent.
METADATA_ALIASES = {"date": "published"}

# Lines longer than this are never boilerplate (and are not run through the regexes).
MAX_BOILERPLATE_LINE = 400
# Share of control characters above which decoded text is taken for binary data.
MAX_CONTROL_SHARE = 0.3
MAX_ERROR_CHARS = 300

ARTICLE_COLUMNS = schema.column_names("articles")
REJECT_COLUMNS = schema.column_names("rejects")

_NEWLINES = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_FRONT_MATTER_FENCE = "---"


class ReportError(ValueError):
    """A raw input that cannot become an article; the message is the reject's error."""


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


def _decode(data: bytes, *, fallback: str | None = None) -> str:
    """Bytes -> text: UTF-8 (a BOM is dropped), else ``fallback``; NUL bytes mean binary."""
    if b"\x00" in data:
        raise ReportError("binary file: contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if fallback is None:
            raise ReportError(f"not UTF-8 text: undecodable byte at offset {exc.start}") from None
        try:
            text = data.decode(fallback)
        except (UnicodeDecodeError, LookupError):
            raise ReportError(f"not UTF-8 or {fallback} text: undecodable bytes") from None
    if text and len(_CONTROL.findall(text)) / len(text) > MAX_CONTROL_SHARE:
        raise ReportError("binary file: mostly control characters")
    return text


def normalize_newlines(text: str) -> str:
    """Every line break (``\\r\\n``, ``\\r``, U+2028, ...) becomes ``\\n``, so that
    ``text.split("\\n")`` and ``text.splitlines()`` agree on the lines."""
    return _NEWLINES.sub("\n", text)


def content_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def is_report_path(raw_path: str) -> bool:
    """False for files that live beside reports but are not reports (see the module doc)."""
    parts = PurePosixPath(raw_path).parts
    if not parts:
        return False
    if any(part.startswith(".") for part in parts):
        return False
    if any(part in IGNORED_FOLDERS for part in parts[:-1]):
        return False
    return not parts[-1].lower().startswith(IGNORED_NAME_PREFIXES)


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


def parse_published(value: object) -> tuple[pd.Timestamp | None, int]:
    """A ``published`` value -> (UTC timestamp or None, UTC offset in minutes it was given in).

    Accepts ISO 8601 strings (``2020-10-12``, ``2020-10-12T18:03:00+04:00``, ``...Z``)
    and ``date``/``datetime`` objects. A value without a zone (and a bare date, read as
    midnight) is taken as UTC with offset 0. Empty or None -> (None, 0).
    Raises :class:`ReportError` for anything else.
    """
    if value is None:
        return None, 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, 0
        try:
            parsed: datetime = datetime.fromisoformat(text)
        except ValueError:
            raise ReportError(f"cannot parse published value {_quote(value)}") from None
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float, bool)):
        raise ReportError(f"cannot parse published value {_quote(value)}")
    else:  # containers: name the type only (their repr can be huge)
        raise ReportError(f"cannot parse published value of type {type(value).__name__}")
    offset = parsed.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if offset is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        stamp = pd.Timestamp(parsed).tz_convert("UTC").as_unit("us")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        raise ReportError(f"published value out of range {_quote(value)}") from None
    return stamp, minutes


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
    raw_line: int | None = None,
) -> dict:
    """Build one article row from metadata and the body; raises ReportError."""
    published, offset = parse_published(meta.get("published"))
    if "\x00" in body:
        raise ReportError("binary text: contains NUL characters")
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
        "language": _scalar("language", meta.get("language")),
        "text": text,
        "raw_path": raw_path,
        "raw_line": raw_line,
        "content_sha1": content_sha1(text),
    }
    return {col: row[col] for col in ARTICLE_COLUMNS}


# --------------------------------------------------------------------------- formats


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, so zones and offsets survive."""


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


def _parse_text(data: bytes, raw_path: str, stem: str) -> dict:
    text = normalize_newlines(_decode(data))
    if not text.strip():
        raise ReportError("empty file")
    front, body = split_front_matter(text)
    return _article(_metadata(front or {}), body, raw_path=raw_path, default_id=stem)


def _parse_jsonl(data: bytes, raw_path: str, stem: str) -> tuple[list[dict], list[dict]]:
    articles: list[dict] = []
    rejects: list[dict] = []
    # Split on LF only: JSON strings may hold U+2028 and similar characters verbatim.
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = _decode(raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw)
        except ReportError as exc:
            rejects.append(_reject(raw_path, str(exc), number))
            continue
        if not line.strip():
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
                _article(_metadata(obj), body, raw_path=raw_path, default_id=f"{stem}-{number}", raw_line=number)
            )
        except ReportError as exc:
            rejects.append(_reject(raw_path, str(exc), number))
    if not articles and not rejects:
        rejects.append(_reject(raw_path, "empty file"))
    return articles, rejects


# HTML ---------------------------------------------------------------------------

_HTML_DROP_TAGS = frozenset(
    {
        "nav", "footer", "aside", "script", "style", "noscript", "template", "figure", "figcaption",
        "form", "button", "select", "textarea", "iframe", "svg", "canvas", "video", "audio", "picture",
        "object", "embed", "dialog", "menu", "head", "title", "meta", "link",
    }
)  # fmt: skip
_HTML_BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "div", "section",
        "article", "main", "blockquote", "pre", "table", "tr", "td", "th", "thead", "tbody", "br", "hr",
        "address", "details", "summary", "header", "body", "html",
    }
)  # fmt: skip
# class/id words of blocks that are not part of the story.
_HTML_DROP_WORDS = re.compile(
    r"(?:^|[-_\s])(?:related|share|sharing|social|newsletter|advert|advertisement|ads?|promo|subscribe|"
    r"breadcrumbs?|comments?|cookie|cookies|sidebar|skip-link)(?:$|[-_\s])",
    re.IGNORECASE,
)
_HTML_ROOT_TAGS = frozenset({"html", "body", "main"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _html_attr(tree: Any, selector: str, attr: str) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    value = node.attributes.get(attr)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _has_ancestor(node: Any, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _dropped(node: Any) -> bool:
    tag = node.tag
    if tag in _HTML_DROP_TAGS:
        return True
    if tag in _HTML_ROOT_TAGS:
        return False
    if tag == "header" and not (_has_ancestor(node, "article") or _has_ancestor(node, "main")):
        return True  # the site header; the header of an <article> or <main> holds the headline
    attrs = node.attributes
    words = " ".join(str(attrs.get(a) or "") for a in ("class", "id", "role"))
    if attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return True
    return bool(words.strip()) and bool(_HTML_DROP_WORDS.search(words))


def _html_blocks(roots: list[Any]) -> list[str]:
    """Text of the block elements under ``roots`` in document order, dropped subtrees skipped."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    # Iterative walk: ("root" | "enter", node), or ("leave", None) at a block's end.
    stack: list[tuple[str, Any]] = []
    stack.extend(("root", root) for root in reversed(roots))
    while stack:
        action, node = stack.pop()
        if action == "leave":
            flush()
            continue
        if node.is_text_node:
            current.append(node.text_content or "")
            continue
        if not node.is_element_node or (action == "enter" and _dropped(node)):
            continue
        block = node.tag in _HTML_BLOCK_TAGS
        if block:
            flush()
            stack.append(("leave", None))
        children = list(node.iter(include_text=True))
        stack.extend(("enter", child) for child in reversed(children))
    flush()
    return blocks


def _html_roots(tree: Any) -> list[Any]:
    articles = [
        node for node in tree.css("article") if not _has_ancestor(node, "article") and not _inside_dropped(node)
    ]
    if len(articles) == 1:
        return articles
    main = tree.css_first("main")
    if main is not None:
        return [main]
    if articles:
        return articles  # a page of several entries (a live blog): all of them, in order
    body = tree.body
    return [body] if body is not None else []


def _inside_dropped(node: Any) -> bool:
    parent = node.parent
    while parent is not None and parent.is_element_node and parent.tag not in _HTML_ROOT_TAGS:
        if _dropped(parent):
            return True
        parent = parent.parent
    return False


def _strip_site_name(title: str, site: str | None) -> str:
    if site:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            suffix = f"{sep}{site}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
    return title


def _parse_html(data: bytes, raw_path: str, stem: str) -> dict:
    from selectolax.lexbor import LexborHTMLParser

    declared = _CHARSET.search(data[:4096])
    fallback = declared.group(1).decode("ascii").lower() if declared else None
    html = _decode(data, fallback=None if fallback in (None, "utf-8", "utf8") else fallback)
    if not html.strip():
        raise ReportError("empty file")
    tree = LexborHTMLParser(html)
    site = _html_attr(tree, 'meta[property="og:site_name"]', "content")
    title = _html_attr(tree, 'meta[property="og:title"]', "content") or _html_attr(
        tree, 'meta[name="twitter:title"]', "content"
    )
    if title is None:
        for selector in ("title", "h1"):
            node = tree.css_first(selector)
            text = " ".join(node.text(deep=True).split()) if node is not None else ""
            if text:
                title = _strip_site_name(text, site)
                break
    published = (
        _html_attr(tree, 'meta[property="article:published_time"]', "content")
        or _html_attr(tree, 'meta[name="article:published_time"]', "content")
        or _html_attr(tree, 'meta[itemprop="datePublished"]', "content")
    )
    url = _html_attr(tree, 'link[rel="canonical"]', "href") or _html_attr(tree, 'meta[property="og:url"]', "content")
    lang = _html_attr(tree, "html", "lang")
    meta = {
        "title": title,
        "url": url,
        "outlet": site,
        "published": published,
        "language": re.split(r"[-_]", lang)[0].lower() if lang else None,
    }
    body = "\n\n".join(_html_blocks(_html_roots(tree)))
    if not body.strip():
        raise ReportError("no article text in the HTML page")
    return _article(meta, body, raw_path=raw_path, default_id=stem)


# --------------------------------------------------------------------------- API


def parse_report_file(data: bytes, raw_path: str) -> tuple[list[dict], list[dict]]:
    """Pure: one raw file's bytes -> (article rows, reject rows).

    ``raw_path`` is relative to the raw folder (posix) and decides the format by its
    suffix. Never raises for bad content: every problem becomes a reject row.
    """
    path = PurePosixPath(raw_path)
    suffix = path.suffix.lower()
    stem = path.stem
    try:
        if suffix in JSONL_SUFFIXES:
            if not data.strip():
                raise ReportError("empty file")
            return _parse_jsonl(data, raw_path, stem)
        if suffix not in REPORT_SUFFIXES:
            raise ReportError(f"unknown file type {suffix or '(no suffix)'!r}: expected .txt, .md, .jsonl or .html")
        if not data.strip():
            raise ReportError("empty file")
        if suffix in TEXT_SUFFIXES:
            return [_parse_text(data, raw_path, stem)], []
        return [_parse_html(data, raw_path, stem)], []
    except ReportError as exc:
        return [], [_reject(raw_path, str(exc))]


def _url_key(url: str | None) -> str | None:
    """A URL reduced for duplicate detection: scheme, 'www.', fragment and final '/' ignored."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return url.strip()
    key = f"{host}{parts.path.rstrip('/')}"
    return f"{key}?{parts.query}" if parts.query else key


def drop_duplicates(articles: list[dict]) -> tuple[list[dict], list[dict]]:
    """Keep the first of each article (input order) by canonical URL and by text, and
    one article per report id. Returns (kept, reject rows for the others)."""
    kept: list[dict] = []
    rejects: list[dict] = []
    by_url: dict[str, dict] = {}
    by_sha: dict[str, dict] = {}
    by_id: dict[str, dict] = {}
    for row in articles:
        url_key = _url_key(row["url"])
        first = by_sha.get(row["content_sha1"]) or (by_url.get(url_key) if url_key else None)
        if first is not None:
            rejects.append(_reject(row["raw_path"], f"duplicate of {first['report_id']}", row["raw_line"]))
            continue
        clash = by_id.get(row["report_id"])
        if clash is not None:
            where = clash["raw_path"] + (f" line {clash['raw_line']}" if clash["raw_line"] else "")
            rejects.append(
                _reject(
                    row["raw_path"],
                    f"report id {row['report_id']!r} is already used by a different text in {where}",
                    row["raw_line"],
                )
            )
            continue
        by_sha[row["content_sha1"]] = row
        if url_key:
            by_url[url_key] = row
        by_id[row["report_id"]] = row
        kept.append(row)
    return kept, rejects


def articles_frame(rows: list[dict]) -> pd.DataFrame:
    """Article rows -> a DataFrame with exactly the columns of schema.ARTICLES, sorted by report_id."""
    df = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    df["published"] = pd.to_datetime(df["published"], utc=True).astype("datetime64[us, UTC]")
    df["published_utc_offset_minutes"] = df["published_utc_offset_minutes"].astype("int16")
    df["published_inferred"] = df["published_inferred"].astype("bool")
    df["raw_line"] = df["raw_line"].astype("Int32")
    return df.sort_values("report_id", kind="stable").reset_index(drop=True)


def rejects_frame(rows: list[dict]) -> pd.DataFrame:
    """Reject rows -> a DataFrame with exactly the columns of schema.REJECTS, in input order."""
    df = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    df["line"] = df["line"].astype("Int32")
    return df.reset_index(drop=True)


def iter_report_paths(raw_dir: Path) -> list[Path]:
    """Report files under ``raw_dir``, sorted by their posix path relative to it."""
    found = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir).as_posix()
        if path.is_file() and is_report_path(rel):
            found.append((rel, path))
    return [path for _, path in sorted(found)]


def read_raw_folder(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edge: walk ``raw_dir`` recursively in sorted order, parse every report file, drop
    duplicate articles, and return (articles, rejects) with exactly the columns of
    schema.ARTICLES / schema.REJECTS. Each reject is logged as a warning."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    articles: list[dict] = []
    rejects: list[dict] = []
    for path in iter_report_paths(raw_dir):
        rel = path.relative_to(raw_dir).as_posix()
        try:
            data = path.read_bytes()
        except OSError as exc:
            rejects.append(_reject(rel, f"cannot read file: {exc.strerror or exc}"))
            continue
        got, bad = parse_report_file(data, rel)
        articles += got
        rejects += bad
    kept, duplicates = drop_duplicates(articles)
    rejects += duplicates
    rejects.sort(key=lambda r: (r["raw_path"], r["line"] or 0))
    for row in rejects:
        where = row["raw_path"] + (f":{row['line']}" if row["line"] else "")
        log.warning("ingest rejected %s: %s", where, row["error"])
    log.info(
        "ingest: %d inputs -> %d articles, %d rejects (%d duplicates or id clashes)",
        len(kept) + len(rejects),
        len(kept),
        len(rejects),
        len(duplicates),
    )
    return articles_frame(kept), rejects_frame(rejects)
