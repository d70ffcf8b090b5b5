"""Pull: news feeds and article pages from the web -> raw reports in the raw folder.

``pull(feeds=..., urls=..., raw_dir=...)`` fetches RSS 2.0 / RSS 1.0 / Atom feeds
(their item links become page URLs, with the item's title and published time kept
as fallbacks) and article pages, reads each page with the extractor ingest uses for
saved pages (:func:`pipeline.ingest.extract_html`: trafilatura for the main text),
and saves one raw report per article (coding rules §1)::

    raw_dir/web/<host>/<id>.txt      front matter (id, title, url, outlet, published,
                                     language, and canonical_url where the page names
                                     another URL), a blank line, the title, a blank
                                     line, the text
    raw_dir/_html/<host>/<id>.html   the fetched page (decompressed), kept for
                                     provenance (ingest skips folders named ``_html``)
    raw_dir/.pull-log.jsonl          one JSON line per saved page, duplicate and
                                     failure (hidden, so ingest skips it)

Identity: ``url`` is the URL the page was fetched from (after redirects; without its
fragment and ``utm_*`` tracking parameters); the host
folder, the id and the duplicate checks use it. A canonical link or ``og:url`` that
names another URL is recorded as ``canonical_url`` and trusted for nothing: a page
can name any URL, another outlet's included. The id is a slug of the host, the
published date (``undated`` when unknown) and a short hash of the URL, so the same
article always gets the same id.

Incremental: URLs already present under ``raw_dir`` (``url`` of the reports ingest
reads there, and page URLs recorded in the pull log whose saved URL is present) are
not fetched again; after extraction an article is skipped when its URL or its text
hash (:func:`pipeline.ingest.content_sha1` of the text ingest will read) is already
present. URLs are compared by :func:`pipeline.ingest.url_key` (scheme, ``www.``,
fragment, final ``/`` and ``utm_*`` parameters ignored). Reports are written
atomically (:func:`write_new`): a temporary file, then linked into place; an
existing file is never overwritten.

Politeness and safety (see :class:`Fetcher`): an identifying User-Agent, robots.txt
obeyed per host, a minimum interval between two requests to one host, a timeout
per request and a deadline per URL (redirects, retries, waits and a slow body
included), retries with exponential backoff on 5xx, 429 and connection errors, at
most 5 redirects followed (each hop checked against robots.txt), only http/https
URLs, no loopback, private-range or other non-public address (a feed item or a
redirect pointing there is refused; ``--allow-private-addresses`` allows them),
gzip and deflate bodies decoded (within the size limit), and responses refused
when their Content-Type is not of the expected kind or when they are larger than
a maximum size.

robots.txt rules: a 2xx answer is parsed; a 4xx answer (no robots.txt, or access
refused to it) means everything is allowed; a 5xx answer, a timeout or a
connection error (after the retries) means the whole host is disallowed for the
rest of the run. A ``Crawl-delay`` longer than the configured interval is used
for that host.

Published times: from the page's markup only (``article:published_time``, JSON-LD
``datePublished``, else htmldate without the URL and without searching the body
text); a page without one gets the feed item's time, else no ``published`` at all
(the build then infers it from the text and flags it). A date without a time is
written as ``YYYY-MM-DD``.

Exit code of ``pull`` (:meth:`PullReport.exit_code`): 0 when no URL failed, 1 when
at least one failed (the others are still saved; failures are listed on stderr and
in the pull log), 2 for a usage error. A dead link gives 1 on every run.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import hashlib
import http.client
import ipaddress
import json
import logging
import os
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

from pipeline import config
from pipeline.ingest import (
    content_sha1,
    decode_html,
    default_boilerplate_patterns,
    extract_html,
    iso_instant,
    remove_boilerplate,
    url_key,
)

log = logging.getLogger(__name__)

USER_AGENT = "ceasefire-pipeline/0.1 (+https://example.org/ceasefire-pipeline)"
WEB_FOLDER = "web"
HTML_FOLDER = "_html"
PULL_LOG_NAME = ".pull-log.jsonl"

DEFAULT_TIMEOUT = 15.0
DEFAULT_TRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_MIN_INTERVAL = 1.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 120.0
MAX_RETRY_AFTER = 60.0
MAX_CRAWL_DELAY = 60.0
CHUNK_SIZE = 64 * 1024

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,application/xml;q=0.5",
    "feed": "application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8,text/xml;q=0.7",
    "robots": "text/plain,*/*;q=0.5",
}
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# --------------------------------------------------------------------------- results


@dataclass
class PullReport:
    """What a pull did: saved report paths, skipped (url, reason), failed (url, error)."""

    saved: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def exit_code(self) -> int:
        """0 when no URL failed (each was saved, or skipped as already present or listed
        twice); 1 when at least one failed, whatever else was saved. The same feeds and
        pages give the same code on a first run and on a rerun."""
        return 1 if self.failed else 0

    def summary(self) -> str:
        return f"pull: {len(self.saved)} saved, {len(self.skipped)} skipped, {len(self.failed)} failed"


class FetchError(Exception):
    """A URL that could not be fetched; ``status`` is the HTTP code or a short word."""

    def __init__(self, url: str, status: int | str, message: str) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.message = message


@dataclass
class FetchResult:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes


@dataclass
class _Redirect:
    location: str


@dataclass
class FeedItem:
    url: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None


@dataclass
class Article:
    url: str  # the URL fetched (after redirects): the report's identity
    host: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    text: str
    canonical_url: str | None = None  # the page's canonical URL where it differs, recorded only


# --------------------------------------------------------------------------- URLs


def _host_of(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        host = ""
    host = re.sub(r"[^a-z0-9.-]+", "-", host)
    host = re.sub(r"\.{2,}", ".", host).strip(".-")
    return host or "unknown-host"


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _without_fragment(url: str) -> str:
    """The URL without its fragment and its ``utm_*`` tracking parameters."""
    parts = urlsplit(url.strip())
    query = parts.query
    if "utm_" in query.lower():
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if not k.lower().startswith("utm_")])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def report_id(url: str, published: str | None) -> str:
    """Stable id: ``<host slug>-<YYYY-MM-DD or 'undated'>-<10 hex of SHA-1 of the URL key>``."""
    day = published[:10] if published and re.match(r"\d{4}-\d{2}-\d{2}", published) else "undated"
    digest = hashlib.sha1((url_key(url) or url).encode("utf-8")).hexdigest()[:10]
    host = re.sub(r"[^a-z0-9]+", "-", _host_of(url)).strip("-")
    return f"{host}-{day}-{digest}"


# --------------------------------------------------------------------------- fetching


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError so that :class:`Fetcher` follows them itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        return None


class _Refused(OSError):
    """A connection to an address the fetcher may not reach."""


def _is_public(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local, reserved ...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class _Guard:
    """One fetch's watchdog: when its deadline passes, the sockets it opened are shut down, so that
    a server that sends one byte a second cannot hold the fetch past the deadline. It also checks
    the address each connection reached."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.expired = False
        self.host: str | None = None  # the host of the request under way (a proxy's peer is not checked)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def register(self, sock: socket.socket, host: str) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError("deadline passed")
            self._sockets.append(sock)
        if not self.allow_private and host == self.host:
            with contextlib.suppress(OSError):
                peer = sock.getpeername()[0]
                if not _is_public(peer):
                    sock.close()
                    raise _Refused(f"refused to connect to the non-public address {peer}")

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Guarded:
    """A connection that hands its socket to the fetch's guard (its deadline, and the check of the peer's address)."""

    def __init__(self, *args: Any, guard: _Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = guard

    def connect(self) -> None:
        super().connect()
        self._guard.register(self.sock, self.host)


class _GuardedHTTPConnection(_Guarded, http.client.HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, http.client.HTTPSConnection):
    pass


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self._fetcher = fetcher

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(functools.partial(_GuardedHTTPConnection, guard=self._fetcher._guard), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self._fetcher = fetcher

    def https_open(self, req: urllib.request.Request) -> Any:
        extra = {"check_hostname": self._check_hostname} if hasattr(self, "_check_hostname") else {}
        connection = functools.partial(_GuardedHTTPSConnection, guard=self._fetcher._guard)
        return self.do_open(connection, req, context=self._context, **extra)


def _decompress(body: bytes, encoding: str, limit: int) -> bytes:
    """A gzip or deflate body -> its bytes, at most ``limit`` of them (ValueError beyond, or when corrupt)."""
    out: list[bytes] = []
    total = 0
    data = body
    for wbits in (zlib.MAX_WBITS | 32,) if encoding in ("gzip", "x-gzip") else (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        try:
            while data:
                inflater = zlib.decompressobj(wbits)
                chunk = inflater.decompress(data, limit + 1 - total)
                total += len(chunk)
                out.append(chunk)
                if total > limit or inflater.unconsumed_tail:
                    raise OverflowError
                data = inflater.unused_data if inflater.eof else b""
            return b"".join(out)
        except zlib.error:
            out, total, data = [], 0, body
    raise ValueError(f"corrupt {encoding} body")


class Fetcher:
    """HTTP GET with the politeness rules of the module (see its docstring).

    ``clock`` and ``sleep`` are injectable (defaults ``time.monotonic`` / ``time.sleep``).
    ``tries`` counts the first attempt; the n-th retry waits ``backoff * 2**(n-1)``
    seconds (or the server's ``Retry-After``, capped at ``max_retry_after``).
    ``deadline`` bounds one :meth:`fetch` as a whole (redirects, retries, waits and the
    body included), whatever the server does. Addresses that are not public (loopback,
    private ranges, link-local ...) are refused unless ``allow_private``.
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        timeout: float = DEFAULT_TIMEOUT,
        tries: int = DEFAULT_TRIES,
        backoff: float = DEFAULT_BACKOFF,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        max_retry_after: float = MAX_RETRY_AFTER,
        deadline: float = DEFAULT_DEADLINE,
        allow_private: bool = False,
        respect_robots: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.max_retry_after = max_retry_after
        self.deadline = deadline
        self.allow_private = allow_private
        self.respect_robots = respect_robots
        self.clock = clock
        self.sleep = sleep
        self._guard = _Guard(allow_private)
        self._ends = float("inf")
        self._opener = urllib.request.build_opener(_NoRedirect(), _GuardedHTTPHandler(self), _GuardedHTTPSHandler(self))
        self._last_request: dict[str, float] = {}
        self._host_interval: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    # ------------------------------------------------------------------ public

    def fetch(self, url: str, kind: str = "page") -> FetchResult:
        """GET ``url`` (``kind`` is ``"page"`` or ``"feed"``), following redirects, within the
        deadline. Raises :class:`FetchError`."""
        self._guard = _Guard(self.allow_private)
        self._ends = self.clock() + self.deadline
        watchdog = threading.Timer(self.deadline, self._guard.expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._fetch(url, kind)
        except FetchError as exc:
            if self._guard.expired and exc.status != "deadline":
                raise self._late(url) from None
            raise
        finally:
            watchdog.cancel()

    def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's host lets this user agent fetch it."""
        if not self.respect_robots:
            return True
        origin = _origin(url)
        parser = self._robots.get(origin)
        if parser is None:
            parser = self._load_robots(origin)
            self._robots[origin] = parser
        return parser.can_fetch(self.user_agent, url)

    # ------------------------------------------------------------------ internals

    def _fetch(self, url: str, kind: str) -> FetchResult:
        allowed = PAGE_TYPES if kind == "page" else FEED_TYPES
        current = url
        for _hop in range(self.max_redirects + 1):
            if not _is_http(current):
                raise FetchError(url, "bad-url", f"not an http(s) URL: {current}")
            self._check_address(url, current)
            if not self.allowed(current):
                raise FetchError(url, "robots", f"disallowed by robots.txt: {current}")
            got = self._get(current, kind, allowed)
            if isinstance(got, _Redirect):
                current = urljoin(current, got.location)
                continue
            got.url = url
            return got
        raise FetchError(url, "redirects", f"more than {self.max_redirects} redirects")

    def _late(self, url: str) -> FetchError:
        return FetchError(url, "deadline", f"deadline of {self.deadline:g} s passed")

    def _check_address(self, url: str, target: str) -> None:
        """Refuse a URL (asked for, or reached by a redirect) whose host is not a public address."""
        if self.allow_private:
            return
        parts = urlsplit(target)
        host = parts.hostname or ""
        try:
            addresses = _resolve(host, parts.port or (443 if parts.scheme.lower() == "https" else 80))
        except (OSError, UnicodeError) as exc:
            raise FetchError(url, "connection", f"cannot resolve {host}: {exc}") from None
        private = [a for a in addresses if not _is_public(a)]
        if private or not addresses:
            raise FetchError(
                url,
                "private-address",
                f"refused: {target} is at the non-public address {private[0] if private else host}",
            )

    def _pause(self, url: str, seconds: float) -> None:
        if self.clock() + seconds > self._ends:
            raise self._late(url)
        if seconds > 0:
            self.sleep(seconds)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        current = f"{origin}/robots.txt"
        try:
            for _hop in range(self.max_redirects + 1):
                got = self._get(current, "robots", None)
                if isinstance(got, _Redirect):
                    current = urljoin(current, got.location)
                    if not _is_http(current):
                        break
                    self._check_address(current, current)
                    continue
                parser.parse(got.body.decode("utf-8", errors="replace").splitlines())
                delay = parser.crawl_delay(self.user_agent)
                if delay:
                    self._host_interval[urlsplit(origin).netloc] = min(float(delay), MAX_CRAWL_DELAY)
                return parser
            parser.disallow_all = True
            log.warning("robots.txt of %s: too many redirects; host disallowed", origin)
        except FetchError as exc:
            if exc.status == "deadline":
                raise
            if isinstance(exc.status, int) and 400 <= exc.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True
                log.warning("robots.txt of %s unavailable (%s); host disallowed", origin, exc.message)
        return parser

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        interval = max(self.min_interval, self._host_interval.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            wait = last + interval - self.clock()
            if wait > 0:
                self._pause(url, wait)
        self._last_request[host] = self.clock()

    def _retry_wait(self, attempt: int, retry_after: str | None = None) -> float:
        wait = self.backoff * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            wait = max(wait, min(float(retry_after.strip()), self.max_retry_after))
        return wait

    def _get(self, url: str, kind: str, allowed_types: frozenset[str] | None) -> FetchResult | _Redirect:
        """One URL, no redirect following, with retries."""
        for attempt in range(1, self.tries + 1):
            last_try = attempt == self.tries
            self._wait_turn(url)
            if self._guard.expired or self.clock() > self._ends:
                raise self._late(url)
            headers = {"User-Agent": self.user_agent, "Accept": ACCEPT[kind], "Accept-Encoding": "gzip, deflate"}
            request = urllib.request.Request(url, headers=headers)
            self._guard.host = urlsplit(url).hostname
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return self._read(url, response, allowed_types)
            except urllib.error.HTTPError as exc:
                with contextlib.closing(exc):
                    if exc.code in REDIRECT_CODES:
                        location = exc.headers.get("Location")
                        if not location:
                            raise FetchError(url, exc.code, f"HTTP {exc.code} without a Location header") from None
                        return _Redirect(location)
                    if exc.code in RETRY_CODES and not last_try:
                        log.debug("HTTP %s for %s, retry %d", exc.code, url, attempt)
                        self._pause(url, self._retry_wait(attempt, exc.headers.get("Retry-After")))
                        continue
                    raise FetchError(url, exc.code, f"HTTP {exc.code} {exc.reason}".strip()) from None
            except FetchError:
                raise
            except (
                urllib.error.URLError,
                TimeoutError,
                ConnectionError,
                http.client.HTTPException,
                OSError,
                ValueError,
            ) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if self._guard.expired:
                    raise self._late(url) from None
                if isinstance(reason, _Refused):
                    raise FetchError(url, "private-address", str(reason)) from None
                status = "timeout" if isinstance(reason, TimeoutError) else "connection"
                if not last_try:
                    log.debug("%s for %s, retry %d", status, url, attempt)
                    self._pause(url, self._retry_wait(attempt))
                    continue
                raise FetchError(url, status, f"{status}: {reason}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, url: str, response: Any, allowed_types: frozenset[str] | None) -> FetchResult:
        content_type = (response.headers.get_content_type() or "").lower()
        has_type = response.headers.get("Content-Type") is not None
        if allowed_types is not None and (not has_type or content_type not in allowed_types):
            shown = content_type if has_type else "none"
            raise FetchError(url, "content-type", f"refused Content-Type {shown}")
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(url, "content-encoding", f"unsupported Content-Encoding {encoding}")
        length = response.headers.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > self.max_bytes:
            raise FetchError(url, "too-large", f"Content-Length {int(length)} exceeds {self.max_bytes} bytes")
        chunks: list[bytes] = []
        total = 0
        read = getattr(response, "read1", response.read)  # what has arrived, not a full chunk
        while True:
            if self._guard.expired or self.clock() > self._ends:
                raise self._late(url)
            chunk = read(CHUNK_SIZE)
            if not chunk:
                break
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(url, "too-large", f"response exceeds {self.max_bytes} bytes")
            chunks.append(chunk)
        if self._guard.expired:
            raise self._late(url)
        body = b"".join(chunks)
        if encoding != "identity":
            try:
                body = _decompress(body, encoding, self.max_bytes)
            except OverflowError:
                raise FetchError(url, "too-large", f"decompressed response exceeds {self.max_bytes} bytes") from None
            except ValueError as exc:
                raise FetchError(url, "content-encoding", str(exc)) from None
        return FetchResult(
            url=url,
            final_url=response.geturl() or url,
            status=response.status,
            content_type=content_type,
            charset=response.headers.get_content_charset(),
            body=body,
        )


# --------------------------------------------------------------------------- feeds


def _text(node: ElementTree.Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    return " ".join(node.text.split()) or None


def parse_feed(data: bytes, base_url: str) -> list[FeedItem]:
    """Pure: RSS 2.0, RSS 1.0 (RDF) or Atom bytes -> the items' links (resolved against
    ``base_url``) with title, published time, channel title and language.
    Raises ValueError when the bytes are not a feed."""
    head = data[:4096].lower()
    if b"<!entity" in head or (b"<!doctype" in head and b"<!entity" in data.lower()):
        raise ValueError("feed declares XML entities; refused")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    tag = root.tag.lower()
    items: list[FeedItem] = []
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise ValueError("RSS without a channel")
        outlet, language = _text(channel.find("title")), _text(channel.find("language"))
        for item in channel.findall("item"):
            link = _text(item.find("link"))
            guid = item.find("guid")
            if not link and guid is not None and guid.get("isPermaLink", "true").lower() == "true":
                link = _text(guid)
            date = _text(item.find("pubDate")) or _text(item.find(f"{_DC}date"))
            items.append(FeedItem(link or "", _text(item.find("title")), iso_instant(date), outlet, language))
    elif root.tag == f"{_ATOM}feed":
        outlet, language = _text(root.find(f"{_ATOM}title")), root.get(_XML_LANG)
        for entry in root.findall(f"{_ATOM}entry"):
            link = None
            for node in entry.findall(f"{_ATOM}link"):
                if node.get("rel", "alternate") == "alternate" and node.get("href"):
                    link = node.get("href")
                    break
            date = _text(entry.find(f"{_ATOM}published")) or _text(entry.find(f"{_ATOM}updated"))
            title = _text(entry.find(f"{_ATOM}title"))
            items.append(
                FeedItem(link or "", title, iso_instant(date), outlet, entry.get(_XML_LANG) or language)
            )
    elif tag.endswith("rdf"):
        channel = root.find(f"{_RSS1}channel")
        outlet = _text(channel.find(f"{_RSS1}title")) if channel is not None else None
        for item in root.findall(f"{_RSS1}item"):
            date = iso_instant(_text(item.find(f"{_DC}date")))
            items.append(
                FeedItem(_text(item.find(f"{_RSS1}link")) or "", _text(item.find(f"{_RSS1}title")), date, outlet)
            )
    else:
        raise ValueError(f"not an RSS or Atom feed (root element {root.tag!r})")
    for item in items:
        item.url = urljoin(base_url, item.url.strip()) if item.url.strip() else ""
    return [item for item in items if item.url]


# --------------------------------------------------------------------------- extraction


def _normalize_published(value: str | None) -> str | None:
    """htmldate's ``%Y-%m-%dT%H:%M:%S%z`` output -> ISO 8601 with ``+HH:MM`` or ``Z``; a naive midnight is a date only."""
    return iso_instant(value, naive_midnight_is_date=True)


def _has_zone(published: str | None) -> bool:
    return bool(published) and (published.endswith("Z") or bool(re.search(r"[+-]\d\d:\d\d$", published)))


def extract_article(html: bytes, *, url: str, charset: str | None = None, item: FeedItem | None = None) -> Article:
    """Pure: a page fetched from ``url`` -> an :class:`Article`, read by the extractor ingest uses
    for saved pages (:func:`pipeline.ingest.extract_html`); the feed item's values are fallbacks.
    The article's URL, host and id are the fetched URL's: a canonical URL the page names is
    recorded beside it, never trusted. Raises ValueError when no main text is found."""
    page = extract_html(decode_html(html, charset=charset), url=url)
    item = item or FeedItem(url)
    published = page.published
    if item.published and (published is None or (not _has_zone(published) and "T" in item.published)):
        published = item.published
    fetched = _without_fragment(url)
    canonical = _without_fragment(page.canonical_url) if page.canonical_url else None
    language = page.language or (item.language.split("-")[0].lower() if item.language else None)
    return Article(
        url=fetched,
        host=_host_of(fetched),
        title=page.title or item.title,
        outlet=page.outlet or item.outlet,
        published=published,
        language=language,
        text="\n\n".join(page.paragraphs),
        canonical_url=canonical if canonical and url_key(canonical) != url_key(fetched) else None,
    )


def article_sha1(article: Article) -> str:
    """The hash ingest will give the saved report's text (:func:`pipeline.ingest.content_sha1`)."""
    body = f"{article.title}\n\n{article.text}" if article.title else article.text
    return content_sha1(remove_boilerplate(body, default_boilerplate_patterns()))


def render_report(article: Article, rid: str) -> str:
    """Pure: the raw report text (front matter, blank line, title, blank line, text)."""
    import yaml

    meta = {
        "id": rid,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "language": article.language,
    }
    if article.canonical_url:
        meta["canonical_url"] = article.canonical_url
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
    head = f"{article.title}\n\n" if article.title else ""
    return f"---\n{front}---\n\n{head}{article.text}\n"


def write_new(path: Path, data: bytes) -> None:
    """Write ``path`` atomically and only if it does not exist (FileExistsError otherwise): the
    bytes go to a hidden temporary file beside it (ingest skips hidden files), then are linked
    into place, so that a reader never sees a part-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: a rename, after checking
            if path.exists():
                raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


# --------------------------------------------------------------------------- what is present


@dataclass
class _Known:
    url_keys: set[str] = field(default_factory=set)
    sha1s: set[str] = field(default_factory=set)


def _scan_existing(raw_dir: Path) -> _Known:
    """URL keys and text hashes of the reports already under ``raw_dir``, read as ingest reads
    them (saved ``.html`` pages are not read: extracting every page again is too slow)."""
    from pipeline.ingest import Limits, read_report, scan_raw_folder

    known = _Known()
    if not raw_dir.is_dir():
        return known
    limits = Limits.from_env()
    for rel, path in scan_raw_folder(raw_dir).inputs:
        if path.suffix.lower() not in (".txt", ".md", ".jsonl"):
            continue
        for row in read_report(path, rel, limits=limits)[0]:
            key = url_key(row["url"])
            if key:
                known.url_keys.add(key)
            known.sha1s.add(row["content_sha1"])
    return known


def _scan_log(log_path: Path, known: _Known) -> None:
    """Page URLs the pull log maps to a saved URL that is present: known too."""
    if not log_path.is_file():
        return
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            with contextlib.suppress(ValueError, AttributeError, TypeError):
                row = json.loads(line)
                saved = url_key(row.get("final_url") or row.get("canonical_url"))
                if row.get("status") in ("saved", "duplicate") and saved in known.url_keys:
                    key = url_key(row.get("url"))
                    if key:
                        known.url_keys.add(key)


# --------------------------------------------------------------------------- the stage


def _now() -> str:
    return iso_instant(datetime.now(UTC).replace(microsecond=0).isoformat()) or ""


def _append_log(log_path: Path, row: dict) -> None:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"time": _now(), **row}, ensure_ascii=False) + "\n")


def _progress(items: list[FeedItem], enabled: bool) -> Iterator[FeedItem]:
    if enabled and sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, desc="pull", unit="page", file=sys.stderr)
    else:
        total = len(items)
        for number, item in enumerate(items, start=1):
            log.info("pull %d/%d %s", number, total, item.url)
            yield item


def pull(
    *,
    feeds: Iterable[str] = (),
    urls: Iterable[str] = (),
    raw_dir: Path,
    fetcher: Fetcher | None = None,
    progress: bool = False,
) -> PullReport:
    """Edge: fetch the feeds and pages, save new articles under ``raw_dir`` (see the
    module docstring). Never raises for a bad URL: failures go into the report."""
    raw_dir = Path(raw_dir)
    fetcher = fetcher or Fetcher()
    report = PullReport()
    log_path = raw_dir / PULL_LOG_NAME
    known = _scan_existing(raw_dir)
    _scan_log(log_path, known)

    def fail(url: str, status: int | str, error: str, kind: str) -> None:
        report.failed.append((url, error))
        log.warning("pull failed %s: %s", url, error)
        _append_log(log_path, {"url": url, "kind": kind, "status": status, "error": error})

    candidates: list[FeedItem] = []
    seen: set[str] = set()

    def add(item: FeedItem) -> None:
        key = url_key(item.url)
        if not key:
            return
        if key in seen:
            report.skipped.append((item.url, "listed twice in this pull"))
            return
        seen.add(key)
        candidates.append(item)

    for feed_url in feeds:
        feed_url = feed_url.strip()
        try:
            got = fetcher.fetch(feed_url, "feed")
            items = parse_feed(got.body, got.final_url)
        except FetchError as exc:
            fail(feed_url, exc.status, exc.message, "feed")
            continue
        except ValueError as exc:
            fail(feed_url, "feed", f"bad feed: {exc}", "feed")
            continue
        log.info("feed %s: %d items", feed_url, len(items))
        for item in items:
            add(item)
    for url in urls:
        if url.strip():
            add(FeedItem(url.strip()))

    for item in _progress(candidates, progress):
        if url_key(item.url) in known.url_keys:
            report.skipped.append((item.url, "already present"))
            continue
        try:
            got = fetcher.fetch(item.url, "page")
        except FetchError as exc:
            fail(item.url, exc.status, exc.message, "page")
            continue
        try:
            article = extract_article(got.body, url=got.final_url, charset=got.charset, item=item)
        except ValueError as exc:
            fail(item.url, "extract", str(exc), "page")
            continue
        saved_key = url_key(article.url)
        sha = article_sha1(article)
        reason = None
        if saved_key in known.url_keys:
            reason = "already present (redirected to a URL present)"
        elif sha in known.sha1s:
            reason = "already present (same text)"
        if reason:
            report.skipped.append((item.url, reason))
            _append_log(log_path, {"url": item.url, "final_url": article.url, "status": "duplicate", "error": None})
            continue
        rid = report_id(article.url, article.published)
        txt_path = raw_dir / WEB_FOLDER / article.host / f"{rid}.txt"
        html_path = raw_dir / HTML_FOLDER / article.host / f"{rid}.html"
        try:
            write_new(txt_path, render_report(article, rid).encode("utf-8"))
        except FileExistsError:
            report.skipped.append((item.url, f"file exists: {txt_path}"))
            continue
        except OSError as exc:
            fail(item.url, "write", f"cannot write {txt_path}: {exc}", "page")
            continue
        try:
            write_new(html_path, got.body)
        except FileExistsError:
            log.info("provenance copy already exists: %s", html_path)
        except OSError as exc:
            log.warning("cannot keep the HTML of %s: %s", item.url, exc)
        known.url_keys.add(saved_key or article.url)
        known.url_keys.add(url_key(item.url) or item.url)
        known.sha1s.add(sha)
        report.saved.append(txt_path)
        _append_log(
            log_path,
            {
                "url": item.url,
                "final_url": article.url,
                "canonical_url": article.canonical_url,
                "status": "saved",
                "path": txt_path.relative_to(raw_dir).as_posix(),
                "error": None,
            },
        )
    log.info(report.summary())
    return report


# --------------------------------------------------------------------------- command line


def read_urls_file(path: Path) -> list[str]:
    """One URL per line; blank lines and lines starting with ``#`` are ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def add_pull_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``pull`` on an argparse sub-parsers object; returns the sub-parser."""
    p = subparsers.add_parser("pull", help="fetch feeds and article pages into the raw folder")
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="RSS or Atom feed (repeatable)")
    p.add_argument("--url", action="append", default=[], metavar="URL", help="article page (repeatable)")
    p.add_argument("--urls-file", action="append", default=[], metavar="FILE", help="file with one page URL a line")
    p.add_argument("--raw", default=str(config.RAW_DIR), help="raw folder (default: %(default)s)")
    p.add_argument(
        "--min-interval", type=float, default=DEFAULT_MIN_INTERVAL, help="seconds between requests to a host"
    )
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per request")
    p.add_argument("--tries", type=int, default=DEFAULT_TRIES, help="attempts per request")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="largest response accepted")
    p.add_argument(
        "--deadline", type=float, default=DEFAULT_DEADLINE, help="seconds one URL may take in all (redirects, retries)"
    )
    p.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="fetch from loopback and private-range addresses too (refused by default)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_pull)
    return p


def run_pull(args: argparse.Namespace) -> int:
    """Run ``pull`` from parsed arguments; prints the summary and returns the exit code."""
    urls = list(args.url)
    try:
        for name in args.urls_file:
            urls += read_urls_file(Path(name))
    except OSError as exc:
        print(f"pull: cannot read the URL file: {exc}", file=sys.stderr)
        return 2
    if not args.feed and not urls:
        print("pull: give at least one --feed, --url or a non-empty --urls-file", file=sys.stderr)
        return 2
    fetcher = Fetcher(
        timeout=args.timeout,
        tries=args.tries,
        min_interval=args.min_interval,
        max_bytes=args.max_bytes,
        deadline=args.deadline,
        allow_private=args.allow_private_addresses,
    )
    report = pull(feeds=args.feed, urls=urls, raw_dir=Path(args.raw), fetcher=fetcher, progress=not args.no_progress)
    for url, error in report.failed:
        print(f"failed: {url}: {error}", file=sys.stderr)
    print(report.summary())
    return report.exit_code()


def main_cli(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m pipeline.pull ...`` (same options as ``pull``)."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.pull", description="Pull reports from the web.")
    add_pull_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["pull", *(argv if argv is not None else sys.argv[1:])])
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main_cli())
