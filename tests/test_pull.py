"""Tests for pipeline.pull, against a local HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from pipeline import pull as P
from pipeline.ingest import read_raw_folder, split_front_matter

# --------------------------------------------------------------------------- pages (our own words)


def _paragraphs(place: str, day: str) -> list[str]:
    return [
        f"Artillery shells struck the outskirts of {place} late on {day}, the district administration said, "
        "describing the fire as a clear breach of the humanitarian truce that both sides had accepted only hours before.",
        f"According to local officials, two family homes in {place} were badly damaged and an elderly resident "
        "was taken to the regional hospital with shrapnel wounds; emergency crews worked through the night.",
        "The defence ministry said the fire came from positions across the line of contact and that its own units "
        "had answered it. The other side rejected the account and accused its opponent of firing first.",
        f"International mediators called on both parties to respect the agreement and to allow monitors into {place} "
        "so that the circumstances of the attack could be established independently.",
    ]


def page(
    place: str,
    day: str,
    *,
    title: str,
    published: str | None = None,
    canonical: str | None = None,
    site: str | None = None,
    lang: str = "en",
) -> bytes:
    head = [f"<title>{title}</title>"]
    if published:
        head += [f'<meta property="og:title" content="{title}">']
        head += [f'<meta property="article:published_time" content="{published}">']
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(place, day))
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{"".join(head)}</head>'
        f'<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>All rights reserved.</footer></body></html>"
    )
    return html.encode("utf-8")


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


# --------------------------------------------------------------------------- local server

Route = tuple[int, dict[str, str], bytes] | Callable[[int], tuple[int, dict[str, str], bytes]]


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self.base = ""

    def html(self, path: str, body: bytes) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        site.hits[path] += 1
        site.user_agents.append(self.headers.get("User-Agent", ""))
        route = site.routes.get(path)
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>"
        elif callable(route):
            status, headers, body = route(site.hits[path])
        else:
            status, headers, body = route
        headers = dict(headers)
        drip = float(headers.pop("X-Drip", 0) or 0) if isinstance(headers, dict) else 0.0
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers and not headers.get("X-No-Length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if drip:  # one byte at a time, each well within any socket timeout; gives up after 20 s
                started = time.monotonic()
                for byte in body:
                    if time.monotonic() - started > 20:
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(drip)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[], Site]]:
    servers: list[ThreadingHTTPServer] = []

    def start() -> Site:
        site = Site()
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.site = site  # type: ignore[attr-defined]
        site.base = f"http://127.0.0.1:{server.server_address[1]}"
        site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, ROBOTS)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fast_fetcher(**knobs: object) -> P.Fetcher:
    settings: dict = {"timeout": 5.0, "tries": 3, "backoff": 0.0, "min_interval": 0.0, "allow_private": True}
    settings.update(knobs)
    return P.Fetcher(**settings)


def news_site(site: Site) -> None:
    """Pages, an RSS feed and an Atom feed on one local site."""
    b = site.base
    site.html(
        "/news/tartar-shelling",
        page(
            "Tartar",
            "Sunday",
            title="Shelling hits Tartar overnight",
            published="2020-10-12T18:03:00+04:00",
            canonical=f"{b}/news/tartar-shelling",
            site="Caucasus Wire",
        ),
    )
    site.html(
        "/news/aghdam-strike",
        page(
            "Aghdam",
            "Monday",
            title="Rockets land near Aghdam",
            published="2020-10-13T06:30:00Z",
            canonical=f"{b}/news/aghdam-strike",
            site="Caucasus Wire",
        ),
    )
    site.html("/news/goranboy", page("Goranboy", "Tuesday", title="Goranboy villages under fire"))
    site.html("/news/plain", page("Fuzuli", "Wednesday", title="Fighting reported near Fuzuli"))
    site.routes["/old/aghdam"] = (301, {"Location": "/news/aghdam-strike", "Content-Type": "text/html"}, b"")
    site.routes["/feed.rss"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Caucasus Wire</title><link>{b}/</link><language>en-gb</language>
<item><title>Shelling hits Tartar overnight</title>
<link>{b}/news/tartar-shelling?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Mon, 12 Oct 2020 14:03:00 GMT</pubDate></item>
<item><title>Rockets land near Aghdam</title><link>/old/aghdam</link>
<pubDate>Tue, 13 Oct 2020 06:30:00 GMT</pubDate></item>
</channel></rss>""".encode(),
    )
    site.routes["/feed.atom"] = (
        200,
        {"Content-Type": "application/atom+xml; charset=utf-8"},
        f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Front Line Daily</title>
<entry><title>Villages of Goranboy shelled</title><link rel="alternate" href="{b}/news/goranboy"/>
<published>2020-10-14T09:15:00+04:00</published><updated>2020-10-14T10:00:00+04:00</updated></entry>
<entry><title>Tartar again</title><link href="{b}/news/tartar-shelling#comments"/>
<updated>2020-10-12T15:00:00Z</updated></entry>
</feed>""".encode(),
    )


def front(path: Path) -> tuple[dict, str]:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    assert meta is not None
    return meta, body


def by_url(report: P.PullReport) -> dict[str, dict]:
    return {front(p)[0]["url"]: front(p)[0] for p in report.saved}


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.org/news/a/", "http://example.org/news/a"),
        ("https://example.org/news/a#top", "https://example.org/news/a"),
        ("https://example.org/a?utm_source=x&id=3&utm_medium=y", "https://EXAMPLE.org/a?id=3"),
        ("http://example.org:8080/a", "http://example.org:8080/a/"),
    ],
)
def test_url_key_equal(a: str, b: str) -> None:
    assert P.url_key(a) == P.url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a?id=3", "https://example.org/a?id=4"),
        ("http://example.org:8080/a", "http://example.org:8081/a"),
        ("https://example.org/a", "https://example.net/a"),
    ],
)
def test_url_key_different(a: str, b: str) -> None:
    assert P.url_key(a) != P.url_key(b)


@pytest.mark.parametrize(
    ("url", "published", "expected_prefix"),
    [
        ("https://www.News.example.org/x", "2020-10-12T18:03:00+04:00", "news-example-org-2020-10-12-"),
        ("https://news.example.org/x", "2020-10-12", "news-example-org-2020-10-12-"),
        ("https://news.example.org/x", None, "news-example-org-undated-"),
    ],
)
def test_report_id_is_stable(url: str, published: str | None, expected_prefix: str) -> None:
    rid = P.report_id(url, published)
    assert rid.startswith(expected_prefix)
    assert rid == P.report_id(url + "/?utm_campaign=z", published)
    assert len(rid) == len(expected_prefix) + 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-10-12T18:03:00+0400", "2020-10-12T18:03:00+04:00"),
        ("2020-10-12T14:03:00+0000", "2020-10-12T14:03:00Z"),
        ("2020-10-12T00:00:00", "2020-10-12"),
        ("2020-10-12T14:03:00", "2020-10-12T14:03:00"),
        (None, None),
        ("garbage", None),
    ],
)
def test_normalize_published(value: str | None, expected: str | None) -> None:
    assert P._normalize_published(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 12 Oct 2020 14:03:00 GMT", "2020-10-12T14:03:00Z"),
        ("Mon, 12 Oct 2020 18:03:00 +0400", "2020-10-12T18:03:00+04:00"),
        ("2020-10-14T09:15:00+04:00", "2020-10-14T09:15:00+04:00"),
        ("2020-10-14T09:15:00Z", "2020-10-14T09:15:00Z"),
        ("not a date", None),
    ],
)
def test_feed_dates(value: str, expected: str | None) -> None:
    assert P.iso_instant(value) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>not a feed</body></html>",
        b"<rss><channel><item>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel></channel></rss>',
    ],
)
def test_parse_feed_refuses(data: bytes) -> None:
    with pytest.raises(ValueError):
        P.parse_feed(data, "http://127.0.0.1/")


def test_parse_rss1() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Wire</title></channel>
<item><title>One</title><link>http://127.0.0.1/one</link><dc:date>2020-10-12T10:00:00Z</dc:date></item></rdf:RDF>"""
    [item] = P.parse_feed(data, "http://127.0.0.1/")
    assert (item.url, item.title, item.published, item.outlet) == (
        "http://127.0.0.1/one",
        "One",
        "2020-10-12T10:00:00Z",
        "Wire",
    )


@pytest.mark.parametrize(
    ("saved", "skipped", "failed", "code"),
    [
        (1, 0, 0, 0),
        (1, 2, 3, 1),
        (0, 3, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 2, 1),
        (0, 2, 1, 1),
    ],
)
def test_exit_code(saved: int, skipped: int, failed: int, code: int) -> None:
    report = P.PullReport(
        saved=[Path(f"r{i}.txt") for i in range(saved)],
        skipped=[(f"u{i}", "already present") for i in range(skipped)],
        failed=[(f"f{i}", "HTTP 404") for i in range(failed)],
    )
    assert report.exit_code() == code
    assert report.summary() == f"pull: {saved} saved, {skipped} skipped, {failed} failed"


# --------------------------------------------------------------------------- pulling


def test_pull_feeds_saves_reports(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    report = P.pull(feeds=[f"{site.base}/feed.rss", f"{site.base}/feed.atom"], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert report.failed == []
    assert len(report.saved) == 3
    metas = by_url(report)
    tartar = metas[f"{site.base}/news/tartar-shelling"]
    assert tartar["title"] == "Shelling hits Tartar overnight"
    assert tartar["published"] == "2020-10-12T18:03:00+04:00"
    assert tartar["outlet"] == "Caucasus Wire"
    assert tartar["language"] == "en"
    # reached through a redirect; the canonical URL is recorded
    aghdam = metas[f"{site.base}/news/aghdam-strike"]
    assert aghdam["published"] == "2020-10-13T06:30:00Z"
    # a page without metadata: the feed item's time, the page's <title>, the feed's name
    goranboy = metas[f"{site.base}/news/goranboy"]
    assert goranboy["title"] == "Goranboy villages under fire"
    assert goranboy["published"] == "2020-10-14T09:15:00+04:00"
    assert goranboy["outlet"] == "Front Line Daily"
    # the Atom entry pointing at the Tartar page again (with a fragment) is not fetched twice
    assert site.hits["/news/tartar-shelling"] == 1
    assert report.skipped == [(f"{site.base}/news/tartar-shelling#comments", "listed twice in this pull")]
    for path in report.saved:
        meta, body = front(path)
        assert path.parent.parent == tmp_path / "web"
        assert path.name == f"{meta['id']}.txt"
        assert body.startswith(f"\n{meta['title']}\n\n")
        assert "humanitarian truce" in body
        assert "Home" not in body and "All rights reserved" not in body
        html = tmp_path / "_html" / path.parent.name / f"{meta['id']}.html"
        assert html.is_file() and b"<article>" in html.read_bytes()
    assert all(ua == P.USER_AGENT for ua in site.user_agents)


def test_page_without_metadata(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    report = P.pull(urls=[f"{site.base}/news/plain"], raw_dir=tmp_path, fetcher=fast_fetcher())
    [path] = report.saved
    meta, _ = front(path)
    assert meta["title"] == "Fighting reported near Fuzuli"
    assert meta["published"] is None
    assert meta["url"] == f"{site.base}/news/plain"
    assert meta["id"].startswith("127-0-0-1-undated-")
    assert path.parent.name == "127.0.0.1"


def test_rerun_adds_nothing_and_fetches_no_page(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    feeds = [f"{site.base}/feed.rss", f"{site.base}/feed.atom"]
    urls = [f"{site.base}/news/plain", f"{site.base}/old/aghdam"]
    first = P.pull(feeds=feeds, urls=urls, raw_dir=tmp_path, fetcher=fast_fetcher())
    assert len(first.saved) == 4 and first.exit_code() == 0
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.name != P.PULL_LOG_NAME)
    contents = {p: p.read_bytes() for p in files}
    page_hits = {k: v for k, v in site.hits.items() if k.startswith(("/news/", "/old/"))}

    second = P.pull(feeds=feeds, urls=urls, raw_dir=tmp_path, fetcher=fast_fetcher())
    assert second.saved == [] and second.failed == []
    assert len(second.skipped) == 6
    assert sorted(reason for _, reason in second.skipped) == ["already present"] * 4 + ["listed twice in this pull"] * 2
    assert second.exit_code() == 0
    assert {k: v for k, v in site.hits.items() if k.startswith(("/news/", "/old/"))} == page_hits
    after = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.name != P.PULL_LOG_NAME)
    assert after == files
    assert {p: p.read_bytes() for p in after} == contents


def test_same_text_at_another_url_is_skipped(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    body = page("Terter", "Thursday", title="Night shelling in Terter")
    site.html("/a/story", body)
    site.html("/mirror/story", body)
    report = P.pull(
        urls=[f"{site.base}/a/story", f"{site.base}/mirror/story"], raw_dir=tmp_path, fetcher=fast_fetcher()
    )
    assert len(report.saved) == 1
    assert report.skipped == [(f"{site.base}/mirror/story", "already present (same text)")]


def test_existing_file_is_not_overwritten(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    url = f"{site.base}/news/tartar-shelling"
    rid = P.report_id(url, "2020-10-12T18:03:00+04:00")
    target = tmp_path / "web" / "127.0.0.1" / f"{rid}.txt"
    target.parent.mkdir(parents=True)
    target.write_text("A note kept by hand about the Tartar page.\n", encoding="utf-8")
    report = P.pull(urls=[url], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert report.saved == []
    assert report.skipped and report.skipped[0][1].startswith("file exists")
    assert target.read_text(encoding="utf-8") == "A note kept by hand about the Tartar page.\n"


def test_existing_report_url_is_not_fetched(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    (tmp_path / "manual").mkdir()
    (tmp_path / "manual" / "tartar.txt").write_text(
        f"---\nurl: https://127.0.0.1:{site.base.rsplit(':', 1)[1]}/news/tartar-shelling/\n---\nA short note.\n",
        encoding="utf-8",
    )
    report = P.pull(urls=[f"{site.base}/news/tartar-shelling"], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert report.skipped == [(f"{site.base}/news/tartar-shelling", "already present")]
    assert site.hits["/news/tartar-shelling"] == 0
    assert report.exit_code() == 0


def _flaky(times: int) -> Callable[[int], tuple[int, dict[str, str], bytes]]:
    good = page("Goris", "Friday", title="Shells fall near the border road")

    def route(hit: int) -> tuple[int, dict[str, str], bytes]:
        if hit <= times:
            return 500, {"Content-Type": "text/html"}, b"<html><body>server error</body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, good

    return route


def _slow(hit: int) -> tuple[int, dict[str, str], bytes]:
    time.sleep(1.0)
    return 200, {"Content-Type": "text/html"}, page("Martuni", "Saturday", title="Late page")


@pytest.mark.parametrize(
    ("path", "route", "knobs", "status_word"),
    [
        ("/missing", None, {}, "HTTP 404"),
        ("/down", _flaky(99), {}, "HTTP 500"),
        ("/slow", _slow, {"timeout": 0.2, "tries": 2}, "timeout"),
        ("/report.pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 " + b"x" * 2000), {}, "Content-Type"),
        ("/no-type", (200, {}, page("Lachin", "Sunday", title="Untyped")), {}, "Content-Type"),
        ("/huge", (200, {"Content-Type": "text/html"}, b"<html>" + b"a" * 100_000), {"max_bytes": 50_000}, "exceeds"),
        (
            "/huge-streamed",
            (200, {"Content-Type": "text/html", "X-No-Length": "1"}, b"<html>" + b"a" * 300_000),
            {"max_bytes": 50_000},
            "exceeds",
        ),
        (
            "/private/report",
            (200, {"Content-Type": "text/html"}, page("Shusha", "Sunday", title="Hidden")),
            {},
            "robots",
        ),
        ("/loop", (302, {"Location": "/loop", "Content-Type": "text/html"}, b""), {}, "redirects"),
        ("/to-file", (302, {"Location": "file:///etc/hostname", "Content-Type": "text/html"}, b""), {}, "http(s)"),
        (
            "/empty",
            (200, {"Content-Type": "text/html"}, b"<html><body><p>Short.</p></body></html>"),
            {},
            "no main text",
        ),
    ],
)
def test_failed_urls_are_reported(
    serve: Callable[[], Site],
    tmp_path: Path,
    path: str,
    route: object,
    knobs: dict,
    status_word: str,
) -> None:
    site = serve()
    news_site(site)
    if route is not None:
        site.routes[path] = route  # type: ignore[assignment]
    good = f"{site.base}/news/plain"
    report = P.pull(urls=[f"{site.base}{path}", good], raw_dir=tmp_path, fetcher=fast_fetcher(**knobs))
    assert [url for url, _ in report.failed] == [f"{site.base}{path}"]
    assert status_word in report.failed[0][1]
    assert len(report.saved) == 1  # the other URL is still pulled
    assert report.exit_code() == 1
    logged = [json.loads(line) for line in (tmp_path / P.PULL_LOG_NAME).read_text().splitlines()]
    failures = [row for row in logged if row["error"]]
    assert [row["url"] for row in failures] == [f"{site.base}{path}"]
    assert {"time", "url", "status", "error"} <= set(failures[0])
    if path == "/private/report":
        assert site.hits[path] == 0


def test_retry_after_500_succeeds_with_backoff(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    site.routes["/flaky"] = _flaky(1)
    waits: list[float] = []
    fetcher = fast_fetcher(backoff=0.25, sleep=waits.append)
    report = P.pull(urls=[f"{site.base}/flaky"], raw_dir=tmp_path, fetcher=fetcher)
    assert len(report.saved) == 1 and report.failed == []
    assert site.hits["/flaky"] == 2
    assert waits == [0.25]


def test_backoff_doubles_and_gives_up(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    site.routes["/busy"] = (429, {"Content-Type": "text/html"}, b"slow down")
    waits: list[float] = []
    fetcher = fast_fetcher(backoff=0.5, tries=4, sleep=waits.append)
    report = P.pull(urls=[f"{site.base}/busy"], raw_dir=tmp_path, fetcher=fetcher)
    assert site.hits["/busy"] == 4
    assert waits == [0.5, 1.0, 2.0]
    assert report.failed == [(f"{site.base}/busy", "HTTP 429 Too Many Requests")]
    assert report.exit_code() == 1


def test_rate_limit_per_host_with_fake_clock(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    fetcher = fast_fetcher(min_interval=1.5, clock=lambda: now[0], sleep=sleep)
    urls = [f"{site.base}/news/plain", f"{site.base}/news/goranboy", f"{site.base}/news/tartar-shelling"]
    report = P.pull(urls=urls, raw_dir=tmp_path, fetcher=fetcher)
    assert len(report.saved) == 3
    # robots.txt, then three pages: each page waits out the interval after the previous request
    assert waits == [1.5, 1.5, 1.5]


def test_crawl_delay_raises_the_interval(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 4\n")
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    fetcher = fast_fetcher(min_interval=0.5, clock=lambda: now[0], sleep=sleep)
    P.pull(urls=[f"{site.base}/news/plain", f"{site.base}/news/goranboy"], raw_dir=tmp_path, fetcher=fetcher)
    assert waits == [4.0, 4.0]


@pytest.mark.parametrize(
    ("robots_route", "allowed"),
    [
        ((404, {"Content-Type": "text/html"}, b"none"), True),
        ((403, {"Content-Type": "text/html"}, b"no"), True),
        ((503, {"Content-Type": "text/html"}, b"down"), False),
        ((200, {"Content-Type": "text/plain"}, b"User-agent: ceasefire-pipeline\nDisallow: /\n"), False),
        ((200, {"Content-Type": "text/plain"}, b"User-agent: otherbot\nDisallow: /\n"), True),
    ],
)
def test_robots_rules(serve: Callable[[], Site], tmp_path: Path, robots_route: tuple, allowed: bool) -> None:
    site = serve()
    news_site(site)
    site.routes["/robots.txt"] = robots_route
    report = P.pull(urls=[f"{site.base}/news/plain"], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert bool(report.saved) is allowed
    assert site.hits["/news/plain"] == (1 if allowed else 0)
    assert site.hits["/robots.txt"] == (3 if robots_route[0] == 503 else 1)  # 5xx is retried, then cached


def test_bad_feed_fails_and_others_continue(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    site.routes["/feed.html"] = (200, {"Content-Type": "text/html"}, b"<html><body>a page</body></html>")
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/xml"}, b"<html><body>a page</body></html>")
    report = P.pull(
        feeds=[f"{site.base}/feed.html", f"{site.base}/feed.xml", f"{site.base}/feed.atom"],
        raw_dir=tmp_path,
        fetcher=fast_fetcher(),
    )
    failed = dict(report.failed)
    assert "Content-Type text/html" in failed[f"{site.base}/feed.html"]
    assert "not an RSS or Atom feed" in failed[f"{site.base}/feed.xml"]
    assert len(report.saved) == 2


def test_all_failed_exit_code(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    report = P.pull(urls=[f"{site.base}/nope", f"{site.base}/gone"], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert report.exit_code() == 1
    assert len(report.failed) == 2


def test_pulled_folder_ingests(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    report = P.pull(
        feeds=[f"{site.base}/feed.rss", f"{site.base}/feed.atom"],
        urls=[f"{site.base}/news/plain", f"{site.base}/missing"],
        raw_dir=tmp_path,
        fetcher=fast_fetcher(),
    )
    assert len(report.saved) == 4 and len(report.failed) == 1
    articles, rejects = read_raw_folder(tmp_path)
    assert len(rejects) == 0
    assert len(articles) == 4
    rows = {row.url: row for row in articles.itertuples()}
    tartar = rows[f"{site.base}/news/tartar-shelling"]
    assert tartar.title == "Shelling hits Tartar overnight"
    assert str(tartar.published) == "2020-10-12 14:03:00+00:00"
    assert tartar.published_utc_offset_minutes == 240
    assert tartar.outlet == "Caucasus Wire"
    assert tartar.text.startswith("Shelling hits Tartar overnight\n\nArtillery shells struck the outskirts of Tartar")
    assert str(rows[f"{site.base}/news/aghdam-strike"].published) == "2020-10-13 06:30:00+00:00"
    assert rows[f"{site.base}/news/goranboy"].title == "Goranboy villages under fire"
    assert pd.isna(rows[f"{site.base}/news/plain"].published)
    assert set(articles["raw_path"].str.split("/").str[0]) == {"web"}


def test_cli_wiring(serve: Callable[[], Site], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = serve()
    news_site(site)
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text(f"# pages\n{site.base}/news/plain\n\n{site.base}/missing\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    P.add_pull_parser(parser.add_subparsers(dest="command", required=True))
    raw = tmp_path / "raw"
    args = parser.parse_args(
        ["pull", "--urls-file", str(urls_file), "--feed", f"{site.base}/feed.atom", "--raw", str(raw)]
        + ["--min-interval", "0", "--no-progress", "--allow-private-addresses"]
    )
    assert args.func is P.run_pull
    assert args.func(args) == 1  # one URL failed
    out = capsys.readouterr()
    assert out.out.strip() == "pull: 3 saved, 0 skipped, 1 failed"
    assert f"failed: {site.base}/missing" in out.err
    args = parser.parse_args(["pull", "--raw", str(raw)])
    assert P.run_pull(args) == 2


# --------------------------------------------------------------------------- reliability


def test_dripping_server_is_cut_off_by_the_deadline(serve: Callable[[], Site], tmp_path: Path) -> None:
    """One byte every 0.05 s never trips the 1 s socket timeout; the per-URL deadline ends it."""
    site = serve()
    news_site(site)
    body = page("Martuni", "Saturday", title="Slow page")
    site.routes["/drip"] = (200, {"Content-Type": "text/html", "X-Drip": "0.05"}, body)
    started = time.monotonic()
    report = P.pull(
        urls=[f"{site.base}/drip", f"{site.base}/news/plain"],
        raw_dir=tmp_path,
        fetcher=fast_fetcher(timeout=1.0, deadline=1.5, tries=1),
    )
    assert report.failed == [(f"{site.base}/drip", "deadline of 1.5 s passed")]
    assert len(report.saved) == 1
    assert time.monotonic() - started < 10  # a full drip would take len(body) * 0.05 s, well over a minute


def test_deadline_bounds_retries_and_backoff(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    site.routes["/busy"] = (503, {"Content-Type": "text/html", "Retry-After": "50"}, b"busy")
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    fetcher = fast_fetcher(tries=5, backoff=1.0, deadline=30.0, clock=lambda: now[0], sleep=sleep)
    report = P.pull(urls=[f"{site.base}/busy"], raw_dir=tmp_path, fetcher=fetcher)
    assert report.failed == [(f"{site.base}/busy", "deadline of 30 s passed")]
    assert waits == [] and site.hits["/busy"] == 1  # waiting 50 s for a retry would pass the deadline


def test_private_addresses_are_refused_by_default(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    report = P.pull(urls=[f"{site.base}/news/plain"], raw_dir=tmp_path, fetcher=fast_fetcher(allow_private=False))
    [(url, error)] = report.failed
    assert url == f"{site.base}/news/plain" and "non-public address 127.0.0.1" in error
    assert sum(site.hits.values()) == 0  # not even robots.txt was asked for


def test_redirect_to_a_private_address_is_refused(
    serve: Callable[[], Site], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = serve()
    news_site(site)
    port = site.base.rsplit(":", 1)[1]
    site.routes["/away"] = (302, {"Location": f"http://127.0.0.2:{port}/news/plain", "Content-Type": "text/html"}, b"")
    site.routes["/feed-private.rss"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        f'<rss version="2.0"><channel><title>W</title><item><link>http://127.0.0.3:{port}/x</link></item></channel></rss>'.encode(),
    )
    # Let the test server's own address pass as public; 127.0.0.2 and .3 stand for a private target.
    monkeypatch.setattr(P, "_is_public", lambda address: address == "127.0.0.1")
    report = P.pull(
        feeds=[f"{site.base}/feed-private.rss"],
        urls=[f"{site.base}/away"],
        raw_dir=tmp_path,
        fetcher=fast_fetcher(allow_private=False),
    )
    failed = dict(report.failed)
    assert "non-public address 127.0.0.2" in failed[f"{site.base}/away"]
    assert "non-public address 127.0.0.3" in failed[f"http://127.0.0.3:{port}/x"]
    assert report.saved == []


def test_saved_url_is_the_fetched_one_not_the_canonical(serve: Callable[[], Site], tmp_path: Path) -> None:
    """A page naming another outlet's URL as canonical is filed under the host it came from."""
    site = serve()
    site.html(
        "/story",
        page("Hadrut", "Friday", title="Fighting near Hadrut", canonical="https://other-outlet.example/their-story"),
    )
    site.routes["/old-story"] = (301, {"Location": "/story?utm_source=x", "Content-Type": "text/html"}, b"")
    report = P.pull(urls=[f"{site.base}/old-story"], raw_dir=tmp_path, fetcher=fast_fetcher())
    [path] = report.saved
    meta, _ = front(path)
    assert meta["url"] == f"{site.base}/story"
    assert meta["canonical_url"] == "https://other-outlet.example/their-story"
    assert meta["outlet"] != "other-outlet.example"
    assert path.parent == tmp_path / "web" / "127.0.0.1"
    assert meta["id"].startswith("127-0-0-1-")
    logged = [json.loads(line) for line in (tmp_path / P.PULL_LOG_NAME).read_text().splitlines()]
    assert logged[-1]["final_url"] == f"{site.base}/story"
    # a rerun knows the redirecting URL and fetches nothing
    again = P.pull(urls=[f"{site.base}/old-story"], raw_dir=tmp_path, fetcher=fast_fetcher())
    assert again.skipped == [(f"{site.base}/old-story", "already present")]


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_responses_are_decoded(serve: Callable[[], Site], tmp_path: Path, encoding: str) -> None:
    import gzip
    import zlib

    site = serve()
    body = page("Shusha", "Thursday", title="Shusha shelled again")
    packed = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    site.routes["/packed"] = (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}, packed)
    report = P.pull(urls=[f"{site.base}/packed"], raw_dir=tmp_path, fetcher=fast_fetcher())
    [path] = report.saved
    assert "humanitarian truce" in path.read_text(encoding="utf-8")
    [kept] = (tmp_path / "_html").rglob("*.html")
    assert kept.read_bytes() == body


def test_compression_bomb_is_refused(serve: Callable[[], Site], tmp_path: Path) -> None:
    import gzip

    site = serve()
    site.routes["/bomb"] = (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(b"<html>" + b"a" * 2_000_000),
    )
    report = P.pull(urls=[f"{site.base}/bomb"], raw_dir=tmp_path, fetcher=fast_fetcher(max_bytes=100_000))
    assert "decompressed response exceeds 100000 bytes" in report.failed[0][1]


def test_reports_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "web" / "host" / "r.txt"
    P.write_new(target, b"first")
    with pytest.raises(FileExistsError):
        P.write_new(target, b"second")
    assert target.read_bytes() == b"first"

    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(P.os, "link", crash)
    with pytest.raises(KeyboardInterrupt):
        P.write_new(tmp_path / "web" / "host" / "s.txt", b"half")
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.txt"]  # no partial file, no temporary left


def test_exit_code_is_the_same_on_a_rerun_with_a_dead_link(serve: Callable[[], Site], tmp_path: Path) -> None:
    site = serve()
    news_site(site)
    urls = [f"{site.base}/news/plain", f"{site.base}/dead"]
    first = P.pull(urls=urls, raw_dir=tmp_path, fetcher=fast_fetcher())
    second = P.pull(urls=urls, raw_dir=tmp_path, fetcher=fast_fetcher())
    assert (len(first.saved), len(second.saved)) == (1, 0)
    assert first.exit_code() == second.exit_code() == 1
