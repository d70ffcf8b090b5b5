"""Tests of the ingest stage: raw report files -> articles and rejects."""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import logging
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import config, schema
from pipeline.ingest import (
    BOILERPLATE_FILE,
    content_sha1,
    default_boilerplate_patterns,
    is_report_path,
    parse_report_file,
    published_value,
    read_raw_folder,
    remove_boilerplate,
)

ARTICLE_COLUMNS = schema.column_names("articles")
REJECT_COLUMNS = schema.column_names("rejects")
PATTERNS = default_boilerplate_patterns()


def front_matter_file(body: str, **meta: str) -> bytes:
    lines = ["---", *(f"{k}: {v}" for k, v in meta.items()), "---", body]
    return "\n".join(lines).encode()


def only_article(data: bytes, raw_path: str) -> dict:
    articles, rejects = parse_report_file(data, raw_path)
    assert rejects == [], rejects
    assert len(articles) == 1
    return articles[0]


def only_reject(data: bytes, raw_path: str) -> dict:
    articles, rejects = parse_report_file(data, raw_path)
    assert articles == []
    assert len(rejects) == 1, rejects
    return rejects[0]


def write(root: Path, rel: str, data: bytes | str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


BODY = "Shelling reported near Tartar\n\nThe district came under artillery fire overnight, officials said.\n"


# --------------------------------------------------------------------------- published


@pytest.mark.parametrize(
    ("value", "utc", "offset"),
    [
        ("2020-10-12T18:03:00+04:00", "2020-10-12T14:03:00Z", 240),
        ("2020-10-17T19:50:00Z", "2020-10-17T19:50:00Z", 0),
        ("2020-10-17T10:12:00+03:00", "2020-10-17T07:12:00Z", 180),
        ("2020-10-30T07:00:00-04:00", "2020-10-30T11:00:00Z", -240),
        ("2020-10-29T10:00:00+00:00", "2020-10-29T10:00:00Z", 0),
        ("2020-10-12", "2020-10-12T00:00:00Z", 0),
        ("2020-10-12T18:03:00", "2020-10-12T18:03:00Z", 0),
        ("2020-10-11T02:10:00+04:00", "2020-10-10T22:10:00Z", 240),
        (" 2020-10-12T18:03+04:00 ", "2020-10-12T14:03:00Z", 240),
        (date(2020, 10, 12), "2020-10-12T00:00:00Z", 0),
        (datetime(2020, 10, 12, 18, 3), "2020-10-12T18:03:00Z", 0),
        (datetime(2020, 10, 12, 18, 3, tzinfo=timezone(timedelta(hours=4))), "2020-10-12T14:03:00Z", 240),
        (datetime(2020, 10, 12, 18, 3, tzinfo=UTC), "2020-10-12T18:03:00Z", 0),
    ],
)
def test_published_value(value, utc, offset):
    stamp, minutes, note = published_value(value)
    assert stamp == pd.Timestamp(utc)
    assert str(stamp.tz) == "UTC"
    assert minutes == offset
    zoned = getattr(value, "tzinfo", None) is not None or (
        isinstance(value, str) and value.strip()[-6:].count(":") == 1 or str(value).endswith("Z")
    )
    assert note == (None if zoned else "no_zone")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_published_value_missing(value):
    assert published_value(value) == (None, 0, "missing")


@pytest.mark.parametrize(
    "value",
    ["12 Oct 2020", "Monday", "2020-13-45", "2020/10/12", 1602504000, True, ["2020-10-12"], "2020-10-12T25:00:00"],
)
def test_published_value_unreadable_is_ignored_not_fatal(value):
    assert published_value(value) == (None, 0, "unreadable")


# --------------------------------------------------------------------------- text files


@pytest.mark.parametrize(
    ("published", "utc", "offset"),
    [
        ("2020-10-12T18:03:00+04:00", "2020-10-12T14:03:00Z", 240),
        ("2020-10-17T19:50:00Z", "2020-10-17T19:50:00Z", 0),
        ("2020-10-28T08:24:00+03:00", "2020-10-28T05:24:00Z", 180),
        ("2020-10-12", "2020-10-12T00:00:00Z", 0),  # a YAML date: no zone, taken as UTC midnight
        ("'2020-10-12T18:03:00+04:00'", "2020-10-12T14:03:00Z", 240),  # quoted in YAML
    ],
)
def test_txt_front_matter(published, utc, offset):
    data = front_matter_file(
        BODY,
        id="wire-2020-10-12-tartar",
        title='"Tartar shelled: officials"',
        url="https://wire.example/tartar",
        outlet="Wire Example",
        published=published,
        language="en",
    )
    row = only_article(data, "wire/2020-10-12.txt")
    assert list(row) == ARTICLE_COLUMNS
    assert row["report_id"] == "wire-2020-10-12-tartar"
    assert row["title"] == "Tartar shelled: officials"
    assert row["url"] == "https://wire.example/tartar"
    assert row["outlet"] == "Wire Example"
    assert row["language"] == "en"
    assert row["published"] == pd.Timestamp(utc)
    assert row["published_utc_offset_minutes"] == offset
    assert row["published_inferred"] is False
    assert row["published_note"] == (None if offset or published.endswith(("Z", "'")) else "no_zone")
    assert row["raw_path"] == "wire/2020-10-12.txt"
    assert row["raw_line"] is None
    assert row["text"] == BODY.strip()
    assert row["content_sha1"] == hashlib.sha1(" ".join(row["text"].split()).encode()).hexdigest()


def test_txt_without_front_matter():
    data = b"\n\n  Truce broken within minutes  \n\nThe truce began at midnight on Sunday, October 18, 2020.\n"
    row = only_article(data, "notes/truce-broken.txt")
    assert row["report_id"] == "truce-broken"
    assert row["title"] == "Truce broken within minutes"
    assert row["published"] is None
    assert row["published_utc_offset_minutes"] == 0
    assert row["published_inferred"] is False
    assert row["published_note"] == "missing"
    assert row["url"] is None and row["outlet"] is None and row["language"] is None
    assert row["text"].startswith("  Truce broken within minutes\n\nThe truce began")


def test_front_matter_without_title_or_id_uses_first_line_and_stem():
    row = only_article(front_matter_file("# Goranboy under fire\n\nVillages were hit.", outlet="X"), "a/b/goranboy.md")
    assert row["title"] == "Goranboy under fire"
    assert row["report_id"] == "goranboy"
    assert row["published"] is None


def test_front_matter_keeps_date_and_accepts_date_alias():
    row = only_article(front_matter_file(BODY, date="2020-10-12T09:00:00+04:00"), "x.txt")
    assert row["published"] == pd.Timestamp("2020-10-12T05:00:00Z")
    assert row["published_utc_offset_minutes"] == 240


def test_empty_front_matter_is_no_metadata():
    row = only_article(b"---\n---\nFuzuli front quiet\n\nNo fire was reported.", "q.txt")
    assert row["title"] == "Fuzuli front quiet" and row["report_id"] == "q"


def test_crlf_bom_and_trailing_whitespace_are_normalised():
    data = "\ufeff---\r\nid: crlf\r\n---\r\nTitle line   \r\n\r\nBody text\t \r\nsecond line\r\n".encode()
    row = only_article(data, "crlf.txt")
    assert row["text"] == "Title line\n\nBody text\nsecond line"


def test_numeric_id_becomes_string():
    assert only_article(front_matter_file(BODY, id="12345"), "n.txt")["report_id"] == "12345"


# --------------------------------------------------------------------------- jsonl


def test_jsonl_good_and_bad_lines():
    lines = [
        json.dumps(
            {
                "id": "feed-ganja",
                "title": "Ganja hit",
                "published": "2020-10-11T15:20:00+03:00",
                "text": "Ganja hit\n\nNine dead.",
            }
        ),
        "",
        '{"id": "broken", "text": "unterminated',
        json.dumps(
            {"title": "No id here", "text": "Aghdam shelled\n\nTwo villages hit.", "url": "https://feed.example/aghdam"}
        ),
        json.dumps({"id": "no-text", "title": "Missing body"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "number-text", "text": 42}),
    ]
    articles, rejects = parse_report_file("\n".join(lines).encode(), "feeds/feed.jsonl")
    assert [a["report_id"] for a in articles] == ["feed-ganja", "feed-4"]
    assert [a["raw_line"] for a in articles] == [1, 4]
    assert articles[0]["published"] == pd.Timestamp("2020-10-11T12:20:00Z")
    assert articles[0]["published_utc_offset_minutes"] == 180
    assert articles[1]["title"] == "No id here" and articles[1]["published"] is None
    assert [(r["line"], r["raw_path"], r["stage"]) for r in rejects] == [
        (3, "feeds/feed.jsonl", "ingest"),
        (5, "feeds/feed.jsonl", "ingest"),
        (6, "feeds/feed.jsonl", "ingest"),
        (7, "feeds/feed.jsonl", "ingest"),
    ]
    errors = [r["error"] for r in rejects]
    assert errors[0].startswith("malformed JSON line")
    assert errors[1] == "JSON line has no 'text'"
    assert "not an object" in errors[2]
    assert "'text' is not a string" in errors[3]


def test_jsonl_text_may_hold_unicode_line_separators():
    text = "Line one\u2028still the same JSON line\n\nSecond paragraph"
    row = only_article(json.dumps({"id": "sep", "text": text}, ensure_ascii=False).encode(), "sep.jsonl")
    assert row["text"] == "Line one\nstill the same JSON line\n\nSecond paragraph"


def test_jsonl_undecodable_line_rejected_others_kept():
    data = json.dumps({"id": "ok", "text": "Terter shelled"}).encode() + b"\n" + b'{"id": "bad", "text": "\xff\xfe"}\n'
    articles, rejects = parse_report_file(data, "mixed.jsonl")
    assert [a["report_id"] for a in articles] == ["ok"]
    assert rejects[0]["line"] == 2 and "not UTF-8" in rejects[0]["error"]


# --------------------------------------------------------------------------- html

HTML_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Barda struck by rockets | Monitor Example</title>
<meta property="og:site_name" content="Monitor Example">
<meta property="og:title" content="Barda struck by rockets">
<meta property="og:url" content="https://monitor.example/barda?ref=og">
<meta property="article:published_time" content="2020-10-30T07:00:00-04:00">
<link rel="canonical" href="https://monitor.example/barda">
<style>p {color: red}</style><script>var x = "script text";</script>
</head><body>
<header><a href="#m">Skip to main content</a><nav><ul><li>Home</li><li>Donate</li></ul></nav></header>
<main id="m"><article>
<header><h1>Barda struck by rockets</h1></header>
<p>Rockets hit the centre of <b>Barda</b> on 28&nbsp;October.</p>
<figure><img src="x.jpg"><figcaption>Debris in Barda. Photo: Someone</figcaption></figure>
<div class="share-tools"><a>Facebook</a> <a>Twitter</a></div>
<h2>Findings</h2>
<ul><li>At least 21 civilians were killed.</li><li>About 70 were injured.</li></ul>
<p>Witnesses heard several blasts.<br>Then sirens.</p>
<aside class="related"><h2>Related</h2><p>Another report</p></aside>
<div class="related-stories"><p>More on Ganja</p></div>
<p>Loading...</p>
</article></main>
<footer><p>All rights reserved.</p><p>Footer text</p></footer>
</body></html>"""


def test_html_metadata_and_main_text():
    row = only_article(HTML_PAGE.encode(), "pages/barda-page.html")
    assert row["report_id"] == "barda-page"
    assert row["title"] == "Barda struck by rockets"
    assert row["url"] == "https://monitor.example/barda"
    assert row["outlet"] == "Monitor Example"
    assert row["language"] == "en"
    assert row["published"] == pd.Timestamp("2020-10-30T11:00:00Z")
    assert row["published_utc_offset_minutes"] == -240
    assert row["text"] == (
        "Barda struck by rockets\n\n"
        "Rockets hit the centre of Barda on 28 October.\n\n"  # whitespace, nbsp included, collapsed
        "Findings\n\n"
        "At least 21 civilians were killed.\n\n"
        "About 70 were injured.\n\n"
        "Witnesses heard several blasts.\n\n"
        "Then sirens."
    )
    for dropped in (
        "Home",
        "Donate",
        "Skip to",
        "Debris",
        "Facebook",
        "Related",
        "Another report",
        "More on Ganja",
        "Footer",
        "script text",
        "color",
    ):
        assert dropped not in row["text"]


PARA = (
    "Artillery fire hit the outskirts of the town overnight, the district administration said, "
    "and two houses were damaged."
)


@pytest.mark.parametrize(
    ("head", "body", "title", "url", "outlet"),
    [
        (
            "<title>Page title | Site</title><meta property='og:site_name' content='Site'>",
            f"<h1>Heading</h1><p>{PARA}</p>",
            "Heading",
            None,
            "Site",
        ),
        (
            "<meta property='og:url' content='https://s.example/a'>",
            f"<article><h1>Heading only</h1><p>{PARA}</p></article>",
            "Heading only",
            "https://s.example/a",
            None,  # never a host name taken from a URL the page names
        ),
        ("<title>  </title>", f"<main><h1>From h1</h1><p>{PARA}</p></main>", "From h1", None, None),
    ],
)
def test_html_metadata_fallbacks(head, body, title, url, outlet):
    row = only_article(f"<html><head>{head}</head><body>{body}</body></html>".encode(), "p.html")
    assert (row["title"], row["url"], row["outlet"]) == (title, url, outlet)
    assert row["text"] == f"{title}\n\n{PARA}"
    assert row["published"] is None and row["published_note"] == "missing"


@pytest.mark.parametrize(
    ("ld", "utc", "offset", "note"),
    [
        (
            '{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2020-10-28T14:05:00+04:00"}',
            "2020-10-28T10:05:00Z",
            240,
            None,
        ),
        (
            '{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2020-10-28T10:05:00Z"}]}',
            "2020-10-28T10:05:00Z",
            0,
            None,
        ),
        ('[{"@type": "NewsArticle", "datePublished": "2020-10-28"}]', "2020-10-28T00:00:00Z", 0, "no_zone"),
    ],
)
def test_html_dated_only_in_json_ld(ld, utc, offset, note):
    """A saved page whose only date is JSON-LD datePublished is dated by it (not rejected, not inferred)."""
    page = f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article><p>{PARA}</p></article></body></html>"
    row = only_article(page.encode(), "ld.html")
    assert row["published"] == pd.Timestamp(utc)
    assert (row["published_utc_offset_minutes"], row["published_note"]) == (offset, note)


def test_html_live_blog_with_several_articles_keeps_all_entries():
    page = (
        f"<html><body><nav>Home</nav><article><p>19:05 GMT {PARA}</p></article>"
        f"<article><p>13:20 GMT {PARA}</p><p>Second paragraph of the second entry.</p></article></body></html>"
    )
    row = only_article(page.encode(), "live.html")
    assert row["text"] == f"19:05 GMT {PARA}\n\n13:20 GMT {PARA}\n\nSecond paragraph of the second entry."


RUSSIAN = "Степанакерт и Шуша подверглись обстрелу в ночь на понедельник, сообщило министерство обороны."


def test_html_in_declared_legacy_charset():
    second = "Жители провели ночь в подвалах."
    page = f'<html><head><meta charset="windows-1251"></head><body><article><p>{RUSSIAN}</p><p>{second}</p></article></body></html>'
    row = only_article(page.encode("cp1251"), "ru.html")
    assert row["text"] == f"{RUSSIAN}\n\n{second}"


def test_saved_page_and_pulled_page_read_alike():
    """One extractor: a saved page gives the text pull writes for the same page (title, blank line, paragraphs)."""
    from pipeline.pull import article_sha1, extract_article

    page = f"<html><head><meta property='og:title' content='Tartar shelled'></head><body><article><h1>Tartar shelled</h1><p>{PARA}</p></article></body></html>"
    row = only_article(page.encode(), "tartar.html")
    pulled = extract_article(page.encode(), url="https://wire.example/tartar")
    assert row["text"] == f"{pulled.title}\n\n{pulled.text}"
    assert row["content_sha1"] == article_sha1(pulled) == content_sha1(row["text"])


# --------------------------------------------------------------------------- encodings

BODY_TEXT = "Tartar shelled\n\nThe district came under artillery fire overnight, officials said.\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"])
def test_unicode_with_byte_order_mark(codec):
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    data = bom.get(codec, b"") + f"---\nid: bom\n---\n{BODY_TEXT}".encode(codec)
    row = only_article(data, "bom.txt")
    assert row["report_id"] == "bom" and row["text"] == BODY_TEXT.strip()


def test_utf16_jsonl_with_byte_order_mark():
    lines = [json.dumps({"id": "a", "text": "Ganja hit"}), json.dumps({"id": "b", "text": "Barda hit"})]
    articles, rejects = parse_report_file("\n".join(lines).encode("utf-16"), "feed.jsonl")
    assert [a["report_id"] for a in articles] == ["a", "b"] and rejects == []


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_legacy_cyrillic_text_is_detected(codec):
    text = f"Обстрел Степанакерта\n\n{RUSSIAN}\n\n{RUSSIAN}"
    row = only_article(text.encode(codec), "ru.txt")
    assert row["text"] == text


def test_legacy_text_in_jsonl_line():
    data = json.dumps({"id": "ru", "text": RUSSIAN}, ensure_ascii=False).encode("cp1251")
    assert only_article(data, "ru.jsonl")["text"] == RUSSIAN


# --------------------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "READ MORE: Azerbaijan says Ganja was targeted from Armenia",
        "Read more: Truce talks stall",
        "Loading...",
        "Loading…",
        "AP",
        "AFP",
        "[Reuters]",
        "AP Photo/Someone Name",
        "AFP via Getty Images",
        "Photo: Trend",
        "(Photo: Photolure)",
        "Photo by A. Photographer",
        "© 2020 Some Agency",
        "Like our reporting? Members keep us free to read.",
        "Support independent journalism from the region today.",
        "Skip to main content",
        "Share",
        "Share on Facebook",
        "Facebook | Twitter | WhatsApp | Email",
        "Facebook Twitter Telegram",
        "Advertisement",
        "Subscribe to our newsletter for daily updates",
        "Follow us on Telegram",
        "[Our coverage so far: 1 - 14 October]",
        "More on the war: our special section",
        "Related: Armenia and Azerbaijan agree truce",
        "Copyright 2020. All rights reserved.",
        "   Loading...   ",
    ],
)
def test_boilerplate_lines_removed(line):
    text = f"First paragraph.\n\n{line}\n\nSecond paragraph."
    assert remove_boilerplate(text, PATTERNS) == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    "line",
    [
        "Officials urged residents to read more carefully the evacuation notices posted in Tartar.",
        "Residents of Stepanakert sheltered in basements overnight. (Photo: Photolure)",
        "Rescuers search the ruins in Ganja after the strike. Photo: Trend",
        "Volunteers clear rubble from a street in Barda [Wire photo]",
        "AP reported that shells hit Tartar on Monday.",
        "Share prices in Baku fell after the strike on Ganja.",
        "Loading of ammunition trucks was seen near Aghdam, the ministry said.",
        "Facebook posts by the ministry showed damaged houses in Terter.",
        "Photo evidence of the strike on Barda was published on Wednesday.",
        "The ministry said it would support our troops, the minister told reporters.",
    ],
)
def test_normal_lines_kept(line):
    text = f"First paragraph.\n\n{line}\n\nSecond paragraph."
    assert remove_boilerplate(text, PATTERNS) == text


def test_boilerplate_removal_keeps_paragraph_structure():
    text = "Skip to main content\n\nTitle\n\nCaption of a photo\nAP\n\nPara one.\n\n\nREAD MORE: x\n\nPara two.  \n\nLoading..."
    assert remove_boilerplate(text, PATTERNS) == "Title\n\nCaption of a photo\n\nPara one.\n\n\nPara two."


def test_boilerplate_removal_accepts_string_patterns():
    assert remove_boilerplate("keep\nDROP ME\nkeep too", [r"drop me"]) == "keep\nkeep too"


def test_boilerplate_csv_is_well_formed():
    with open(BOILERPLATE_FILE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["pattern", "description", "source"]
    for row in rows:
        re.compile(row["pattern"])
        assert row["description"].strip() and row["source"].strip()
    assert len(PATTERNS) == len(rows)


# --------------------------------------------------------------------------- rejects


@pytest.mark.parametrize(
    ("raw_path", "data", "error"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\n\t\n", "empty file"),
        ("empty.jsonl", b"", "empty file"),
        ("blank.jsonl", b"\n\n", "empty file"),
        ("empty.html", b"", "empty file"),
        ("nul.txt", b"Tartar\x00\x00shelled", "binary file: contains NUL bytes"),
        ("nul.html", b"<p>x\x00</p>", "binary file: contains NUL bytes"),
        ("corrupt.txt", "Степанакерт".encode() + b"\x80\x81\xfe\xff" + "Шуша".encode(), "not UTF-8 text"),
        ("c1.txt", bytes(range(0x80, 0xA0)) * 5, "no legacy encoding detected"),
        ("utf16-no-bom.txt", "Tartar shelled overnight".encode("utf-16-le"), "binary file: contains NUL bytes"),
        (
            "utf16-nul.txt",
            codecs.BOM_UTF16_LE + "Tartar\x00shelled".encode("utf-16-le"),
            "binary file: contains NUL characters",
        ),
        ("utf16-odd.txt", codecs.BOM_UTF16_LE + b"T\x00a\x00\x00\xd8", "not UTF-16-LE text"),
        ("controls.txt", bytes(range(1, 9)) * 20, "binary file: mostly control characters"),
        ("yaml.txt", b"---\ntitle: [unclosed\n---\nBody text", "broken YAML front matter"),
        ("yaml-tab.txt", b"---\ntitle: a\n\tbad: indent\n---\nBody text", "broken YAML front matter"),
        ("unclosed.txt", b"---\ntitle: x\nBody text without closing fence", "no closing '---' line"),
        ("list.txt", b"---\n- a\n- b\n---\nBody text", "front matter is not a mapping but a list"),
        ("scalar.txt", b"---\njust a string\n---\nBody text", "front matter is not a mapping but a str"),
        ("listtitle.txt", b"---\ntitle: [a, b]\n---\nBody text", "metadata key 'title' must be a single value"),
        ("nobody.txt", b"---\ntitle: x\n---\n\n\n", "no text: the body is empty"),
        (
            "onlyboiler.txt",
            b"READ MORE: x\n\nLoading...\nAP\n",
            "no text: the body is empty after removing boilerplate",
        ),
        (
            "nav.html",
            b"<html><body><nav>Home</nav><footer>About</footer></body></html>",
            "no main text in the HTML page",
        ),
        (
            "script.html",
            b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
            "no main text",
        ),
        ("report.pdf", b"%PDF-1.4 ...", "unknown file type '.pdf'"),
        ("noext", b"some text", "unknown file type '(no suffix)'"),
        ("notext.jsonl", b'{"id": "a", "title": "t"}', "JSON line has no 'text'"),
        ("badjson.jsonl", b"{not json}", "malformed JSON line"),
    ],
)
def test_reject_kinds(raw_path, data, error):
    row = only_reject(data, raw_path)
    assert list(row) == REJECT_COLUMNS
    assert row["raw_path"] == raw_path
    assert row["stage"] == "ingest"
    assert error in row["error"]
    assert "\n" not in row["error"]
    assert row["line"] == (1 if raw_path.endswith(".jsonl") and "empty file" not in error else None)


@pytest.mark.parametrize(
    ("raw_path", "data"),
    [
        ("badpub.txt", b"---\npublished: 12 Oct 2020\n---\nBody text"),
        ("badpub.jsonl", b'{"text": "Body", "published": "yesterday"}'),
        ("badpub.md", b"---\npublished: [2020, 10, 12]\n---\nBody text"),
    ],
)
def test_unreadable_published_keeps_the_report(raw_path, data):
    """A published value that is not ISO 8601 is ignored (the dates stage infers one), not fatal."""
    row = only_article(data, raw_path)
    assert row["published"] is None and row["published_note"] == "unreadable"


# --------------------------------------------------------------------------- folder


def test_is_report_path():
    cases = {
        "a.txt": True,
        "outlet/2020/report.jsonl": True,
        "README.md": False,
        "outlet/readme.txt": False,
        "SOURCES.md": False,
        ".hidden.txt": False,
        ".git/x.txt": False,
        "pages/_html/asset.html": False,
        "x/_html_not/asset.html": True,
        "notes.pdf": True,  # not ignored: it is an input, rejected as an unknown type
    }
    assert {path: is_report_path(path) for path in cases} == cases


def good_txt(report_id: str, body: str, url: str | None = None) -> str:
    meta = f"id: {report_id}\npublished: 2020-10-12T10:00:00+04:00\n" + (f"url: {url}\n" if url else "")
    return f"---\n{meta}---\n{body}\n"


def test_duplicates_by_url_and_by_text(tmp_path, caplog):
    write(tmp_path, "a/first.txt", good_txt("first", "Ganja hit\n\nNine dead.", "https://www.wire.example/ganja/"))
    write(tmp_path, "b/same-url.txt", good_txt("second", "Ganja hit\n\nTen dead now.", "http://wire.example/ganja"))
    write(tmp_path, "c/other.txt", good_txt("other", "Aghdam shelled\n\nNo casualties.", "https://wire.example/aghdam"))
    write(
        tmp_path,
        "d/same-text.jsonl",
        json.dumps({"id": "copy", "text": "Aghdam shelled\n\nNo casualties.   \n"}) + "\n",
    )
    with caplog.at_level(logging.WARNING, logger="pipeline.ingest"):
        articles, rejects = read_raw_folder(tmp_path)
    assert articles["report_id"].tolist() == ["first", "other"]
    assert rejects[["raw_path", "line", "error"]].astype(object).where(rejects.notna(), None).values.tolist() == [
        ["b/same-url.txt", None, "duplicate of first"],
        ["d/same-text.jsonl", 1, "duplicate of other"],
    ]
    assert "duplicate of first" in caplog.text and "duplicate of other" in caplog.text


def test_report_id_clash_rejects_later_text(tmp_path):
    write(tmp_path, "a.txt", good_txt("same-id", "Tartar shelled overnight."))
    write(tmp_path, "b.txt", good_txt("same-id", "Fuzuli front quiet."))
    articles, rejects = read_raw_folder(tmp_path)
    assert articles["raw_path"].tolist() == ["a.txt"]
    assert rejects["raw_path"].tolist() == ["b.txt"]
    assert "report id 'same-id' is already used by a different text in a.txt" in rejects["error"].iloc[0]


def test_inputs_equal_articles_plus_rejects(tmp_path, caplog):
    jsonl = "\n".join(
        [json.dumps({"id": "j1", "text": "Shusha shelled."}), "{bad", "", json.dumps({"text": "Khankendi hit."})]
    )
    files: dict[str, bytes | str] = {
        "good/one.txt": good_txt("one", "Tartar shelled."),
        "good/two.md": "Jabrayil front\n\nFire in the direction of Jabrayil.",
        "good/page.html": f"<html><head><meta property='og:title' content='T'></head><body><article><p>Barda hit. {PARA}</p></article></body></html>",
        "feeds/feed.jsonl": jsonl,  # 3 inputs: 2 articles, 1 reject
        "bad/empty.txt": b"",
        "bad/binary.txt": b"\x00\x01\x02",
        "bad/yaml.txt": "---\nid: [x\n---\nbody",
        "bad/unknown.docx": b"PK\x03\x04",
        "bad/nav.html": "<nav>only nav</nav>",
        "dup/copy.txt": good_txt("copy", "Tartar shelled."),
        # not inputs:
        "README.md": "# About these files",
        "good/SOURCES.md": "sources",
        ".hidden/x.txt": "hidden",
        "good/.DS_Store": b"\x00\x00",
        "pages/_html/asset.html": "<p>asset</p>",
    }
    for rel, data in files.items():
        write(tmp_path, rel, data)
    with caplog.at_level(logging.WARNING, logger="pipeline.ingest"):
        articles, rejects = read_raw_folder(tmp_path)
    inputs = 3 + 3 + 5 + 1  # good files, jsonl lines, bad files, the duplicate
    assert len(articles) + len(rejects) == inputs
    # dup/copy.txt comes first in sorted path order, so good/one.txt is the duplicate
    assert sorted(articles["report_id"]) == ["copy", "feed-4", "j1", "page", "two"]
    assert articles["report_id"].tolist() == sorted(articles["report_id"])
    assert set(rejects["stage"]) == {"ingest"}
    assert rejects["raw_path"].tolist() == sorted(rejects["raw_path"])
    assert rejects.set_index("raw_path").loc["good/one.txt", "error"] == "duplicate of copy"
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == len(rejects)
    assert list(articles.columns) == ARTICLE_COLUMNS
    assert list(rejects.columns) == REJECT_COLUMNS


def test_reading_in_chunks_gives_the_same_tables(tmp_path, monkeypatch):
    """A large folder is turned into a table a few rows at a time; the tables are those of reading it whole, even when a
    column is null throughout one chunk and a duplicate's first copy sits in an earlier chunk."""
    from pipeline import ingest

    write(tmp_path, "a.txt", good_txt("r-a", "Tartar shelled.", "https://wire.example/a"))
    write(tmp_path, "b.txt", good_txt("r-b", "Aghdam shelled."))
    write(tmp_path, "c.txt", "---\nid: r-c\ntitle: Fuzuli front\n---\nFuzuli front quiet.\n")
    write(tmp_path, "d.jsonl", "\n".join(json.dumps({"id": f"j{i}", "text": f"Barda hit {i} times."}) for i in range(5)))
    write(tmp_path, "e.txt", good_txt("r-e", "Tartar shelled.   "))  # the text of a.txt: a duplicate
    write(tmp_path, "f.txt", good_txt("r-a", "Goranboy quiet."))  # the id of a.txt: a clash
    whole = read_raw_folder(tmp_path)
    monkeypatch.setattr(ingest.ArticleChunks.__init__, "__defaults__", (2,))
    chunked = read_raw_folder(tmp_path)
    pd.testing.assert_frame_equal(whole[0], chunked[0])
    pd.testing.assert_frame_equal(whole[1], chunked[1])
    assert str(chunked[0]["title"].dtype) == str(whole[0]["title"].dtype) == "str"
    assert chunked[1]["error"].tolist() == ["duplicate of r-a", "report id 'r-a' is already used by a different text in a.txt"]


def test_frames_types_and_determinism(tmp_path):
    write(tmp_path, "z.txt", good_txt("zeta", "Aghdam shelled."))
    write(tmp_path, "a.txt", "No front matter here\n\nTerter under fire.")
    write(tmp_path, "f.jsonl", json.dumps({"id": "alpha", "text": "Ganja hit.", "published": "2020-10-11T15:20:00Z"}))
    write(tmp_path, "e.txt", b"")
    articles, rejects = read_raw_folder(tmp_path)
    assert str(articles["published"].dtype) == "datetime64[us, UTC]"
    assert str(articles["published_utc_offset_minutes"].dtype) == "int16"
    assert str(articles["published_inferred"].dtype) == "bool"
    assert str(articles["raw_line"].dtype) == "Int32"
    assert str(rejects["line"].dtype) == "Int32"
    assert articles["report_id"].tolist() == ["a", "alpha", "zeta"]
    assert articles.set_index("report_id")["published"].isna().to_dict() == {"a": True, "alpha": False, "zeta": False}
    again = read_raw_folder(tmp_path)
    pd.testing.assert_frame_equal(articles, again[0])
    pd.testing.assert_frame_equal(rejects, again[1])
    import pyarrow as pa

    pa.Table.from_pandas(rejects, schema=schema.arrow_schema("rejects"), preserve_index=False)
    # published may only be null before the dates stage infers it
    published_ok = articles.dropna(subset=["published"])
    pa.Table.from_pandas(published_ok, schema=schema.arrow_schema("articles"), preserve_index=False)


def test_empty_and_missing_folder(tmp_path):
    articles, rejects = read_raw_folder(tmp_path)
    assert list(articles.columns) == ARTICLE_COLUMNS and articles.empty
    assert list(rejects.columns) == REJECT_COLUMNS and rejects.empty
    with pytest.raises(FileNotFoundError):
        read_raw_folder(tmp_path / "missing")


# --------------------------------------------------------------------------- corpora


def check_text_invariants(text: str) -> None:
    assert text.split("\n") == text.splitlines()
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert text == text.strip("\n") and text.strip()


def test_sample_corpus_parses_without_rejects():
    raw = config.RAW_DIR
    articles, rejects = read_raw_folder(raw)
    assert rejects.empty, rejects.to_dict("records")
    files = [p for p in raw.rglob("*") if p.is_file() and is_report_path(p.relative_to(raw).as_posix())]
    assert len(files) == 10
    assert {p.suffix for p in files} == {".txt", ".jsonl", ".html"}
    assert len(articles) == 11
    assert articles["published"].isna().sum() == 1  # the report without front matter
    assert {240, 180, 0, 60} <= set(articles["published_utc_offset_minutes"])
    for text in articles["text"]:
        check_text_invariants(text)
        assert 150 <= len(text.split()) <= 400
        assert "READ MORE" not in text and "Loading..." not in text
    assert articles["content_sha1"].is_unique and articles["report_id"].is_unique


def test_devset_reports():
    reports = config.SHARED_DIR / "devset" / "reports"
    if not reports.is_dir():
        pytest.skip("shared devset not available")
    articles, rejects = read_raw_folder(reports)
    assert len(articles) == 16
    assert rejects.empty, rejects.to_dict("records")
    assert articles["published"].isna().sum() == 1
    for text in articles["text"]:
        check_text_invariants(text)


# --------------------------------------------------------------------------- fuzz

SUFFIXES = st.sampled_from([".txt", ".md", ".jsonl", ".html"])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_rows(articles: list[dict], rejects: list[dict], raw_path: str, data: bytes) -> None:
    for row in articles:
        assert list(row) == ARTICLE_COLUMNS
        check_text_invariants(row["text"])
        assert row["published"] is None or str(row["published"].tz) == "UTC"
        assert row["raw_path"] == raw_path and row["report_id"]
    for row in rejects:
        assert list(row) == REJECT_COLUMNS
        assert row["stage"] == "ingest" and row["error"] and "\n" not in row["error"]
    if raw_path.endswith(".jsonl"):
        non_blank = sum(1 for line in data.split(b"\n") if line.strip())
        assert len(articles) + len(rejects) == max(non_blank, 1)
    else:
        assert len(articles) + len(rejects) == 1


@FUZZ
@given(data=st.binary(max_size=2000), suffix=SUFFIXES)
def test_fuzz_random_bytes_never_raise(data, suffix):
    raw_path = f"fuzz/report{suffix}"
    articles, rejects = parse_report_file(data, raw_path)
    check_rows(articles, rejects, raw_path, data)


TEXTISH = st.text(alphabet=st.characters(codec="utf-8"), max_size=800)
FRAMED = st.builds(
    lambda meta, body, fence: (f"---\n{meta}\n---\n" if fence else "") + body,
    st.text(alphabet=st.sampled_from("ab:- \n[]{}'\"#|>&*!%@`,?\t"), max_size=60),
    TEXTISH,
    st.booleans(),
)


@FUZZ
@given(text=st.one_of(TEXTISH, FRAMED), suffix=SUFFIXES)
@example(text="0\n\xa0", suffix=".jsonl")  # a line of U+00A0 only was neither article nor reject
def test_fuzz_random_unicode_never_raise(text, suffix):
    raw_path = f"fuzz/report{suffix}"
    data = text.encode("utf-8", "surrogatepass")
    articles, rejects = parse_report_file(data, raw_path)
    check_rows(articles, rejects, raw_path, data)


@FUZZ
@given(
    objs=st.lists(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["id", "title", "text", "published", "url", "x"]),
                st.one_of(st.text(max_size=40), st.integers(), st.none()),
            ),
            st.text(max_size=30),
        ),
        max_size=5,
    )
)
def test_fuzz_jsonl_objects_never_raise(objs):
    data = "\n".join(json.dumps(o) if not isinstance(o, str) else o for o in objs).encode()
    articles, rejects = parse_report_file(data, "fuzz/feed.jsonl")
    check_rows(articles, rejects, "fuzz/feed.jsonl", data)


def test_multiline_yaml_title_is_one_line():
    row = only_article(b"---\ntitle: |\n  Ganja hit\n  again\noutlet: >\n  Wire\n---\nBody text", "m.txt")
    assert row["title"] == "Ganja hit again" and row["outlet"] == "Wire"


# --------------------------------------------------------------------------- the dates stage (build.fill_published)

NOW = pd.Timestamp("2026-12-01T12:00:00Z")
YEARLESS = (
    "Barda under fire\n\nTuesday, 27 October\n\nRockets struck the centre of Barda, officials said. "
    "As of Wednesday morning, 21 people had died and about 70 were injured."
)


def dated_articles(*reports: tuple[str, bytes]) -> pd.DataFrame:
    from pipeline.ingest import articles_frame

    rows = []
    for raw_path, data in reports:
        rows.append(only_article(data, raw_path))
    return articles_frame(rows)


def filled(*reports: tuple[str, bytes], first_year: int | None = 2020) -> pd.DataFrame:
    from types import SimpleNamespace

    from pipeline.build import fill_published

    articles, rejects = fill_published(
        dated_articles(*reports), profile=SimpleNamespace(first_year=first_year), now=NOW
    )
    assert rejects == []
    return articles.set_index("report_id")


OTHER = ("other.txt", front_matter_file(BODY, published="2020-10-30T09:00:00+04:00"))


def test_yearless_weekday_date_and_as_of_give_the_publication_day():
    """'Tuesday, 27 October' is 2020 near the corpus's other dates; 'as of Wednesday' moves it to the 28th."""
    got = filled(("barda.txt", YEARLESS.encode()), OTHER).loc["barda"]
    assert got.published == pd.Timestamp("2020-10-28T00:00:00Z")
    assert got.published_inferred and got.published_note == "missing"
    # alone, the nearest such year to the build is taken: 27 October 2026 is a Tuesday too
    alone = filled(("barda.txt", YEARLESS.encode())).loc["barda"]
    assert alone.published == pd.Timestamp("2026-10-28T00:00:00Z")


@pytest.mark.parametrize(
    ("published", "note"),
    [
        ("2031-10-12T10:00:00+04:00", "implausible"),
        ("1994-05-12T10:00:00Z", "implausible"),
        ("12 Oct 2020", "unreadable"),
    ],
)
def test_implausible_or_unreadable_published_is_replaced_by_inference(published, note):
    text = "Tartar shelled\n\nShells hit Tartar on Sunday, October 11, 2020, the ministry said on Monday."
    got = filled(("t.txt", front_matter_file(text, published=published)), OTHER).loc["t"]
    assert got.published == pd.Timestamp("2020-10-12T00:00:00Z")
    assert got.published_inferred and got.published_note == note
    assert got.published_utc_offset_minutes == 0


def test_a_report_dated_before_the_first_year_takes_no_year_from_the_other_reports():
    # its date is known, and out of the conflict's range: a yearless day in its text is of that year, not the corpus's
    text = "Village shelled\n\nOn July 4 at about 20:40 mortars shelled Alkhanli, the ministry said."
    got = filled(("old.txt", front_matter_file(text, published="2017-07-06T10:00:00Z")), OTHER).loc["old"]
    assert pd.isna(got.published) and got.published_note == "implausible" and not got.published_inferred
    # ... but a day its text dates with a year in range still dates it
    dated = "Village shelled\n\nOn July 4, 2020, mortars shelled Alkhanli; on July 6 they shelled it again."
    got = filled(("typo.txt", front_matter_file(dated, published="2017-07-06T10:00:00Z")), OTHER).loc["typo"]
    assert got.published == pd.Timestamp("2020-07-06T00:00:00Z") and got.published_inferred


def test_zone_less_published_is_kept_and_flagged():
    got = filled(("z.txt", front_matter_file(BODY, published="2020-10-12T18:03:00")), OTHER).loc["z"]
    assert got.published == pd.Timestamp("2020-10-12T18:03:00Z")
    assert not got.published_inferred and got.published_note == "no_zone"
    assert pd.isna(filled(OTHER).loc["other"].published_note)


def test_undated_report_is_kept_with_a_null_date():
    got = filled(("u.txt", b"Tartar shelled\n\nShells hit Tartar overnight, officials said."), OTHER).loc["u"]
    assert pd.isna(got.published) and not got.published_inferred and got.published_note == "missing"
    history = b"Tartar shelled\n\nThe war of 1994 ended on 12 May 1994; shells hit Tartar overnight."
    assert pd.isna(filled(("h.txt", history), OTHER).loc["h"].published)  # a date before the first year is history
