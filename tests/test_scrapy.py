"""Scrapy: the item pipeline in a real crawl, and its settings and edge cases.

The crawl runs in a subprocess (a Twisted reactor cannot be restarted in the
test process) against an http.server on 127.0.0.1 serving fixture pages;
two crawlers run side by side: one cleaning HTML into dict, scrapy.Item and
dataclass items with spans and a confidence threshold, one cleaning plain
text with an extra rule pack and a forced language.  Their items come back
through a JSON-lines feed, their stats and log through files and stderr.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import logging
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import cleaner
from cleaner.contrib import clean_document
from cleaner.contrib.scrapy import CleanerPipeline
from contract import visible_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parent.parent
HTML = ROOT / "fixtures" / "html"
# Fixture page -> the item type the spider yields for it.
PAGES = {
    "wire_story_ap_copyright_taboola": "dict",
    "cookie_consent_banner_village_library": "item",
    "wordpress_local_news_sharedaddy_comments": "dataclass",
    "low_confidence_section_front_listing": "dict",  # confidence 0: dropped
}
THRESHOLD = 0.5
TEXT_FIXTURE = ROOT / "fixtures" / "text" / "clean_local_council_budget.txt"
PROMO = "Special offer for readers: 50% off a yearly subscription"
PACK = f'''
[pack]
description = "A site's own rules, for the tests"

[[rules]]
id = "test.scrapy.promo"
category = "ad"
scope = "block"
action = "drop_block"
note = "A promo line of the test site."
pattern = 'special offer for readers\\b'
match = ["{PROMO}"]
no_match = ["The council met."]
'''

CRAWL = textwrap.dedent('''
    import dataclasses, json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess

    config = json.loads(sys.argv[1])

    class PageItem(scrapy.Item):
        url = scrapy.Field()
        html = scrapy.Field()
        kind = scrapy.Field()
        clean_text = scrapy.Field()
        cleaner = scrapy.Field()

    @dataclasses.dataclass
    class PageRecord:
        url: str
        html: str
        kind: str = "dataclass"
        clean_text: object = None
        cleaner: object = None

    COMMON = {
        "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "RETRY_ENABLED": False,
        "HTTPPROXY_ENABLED": False, "LOG_LEVEL": "WARNING", "DOWNLOAD_TIMEOUT": 10,
        "ITEM_PIPELINES": {"cleaner.contrib.scrapy.CleanerPipeline": 300},
    }

    class Pages(scrapy.Spider):
        name = "pages"
        start_urls = list(config["pages"])
        custom_settings = {**COMMON, **config["html_settings"],
                           "FEEDS": {config["html_out"]: {"format": "jsonlines"}}}

        def parse(self, response):
            kind = config["pages"][response.url]
            if kind == "dict":
                yield {"url": response.url, "html": response.text, "kind": kind}
            elif kind == "item":
                yield PageItem(url=response.url, html=response.text, kind=kind)
            elif kind == "dataclass":
                yield PageRecord(url=response.url, html=response.text)
            else:  # an item the pipeline has nothing to clean in
                yield {"url": response.url, "kind": kind, "length": len(response.body)}

    class Texts(scrapy.Spider):
        name = "texts"
        start_urls = [config["text_url"]]
        custom_settings = {**COMMON, **config["text_settings"],
                           "FEEDS": {config["text_out"]: {"format": "jsonlines"}}}

        def parse(self, response):
            yield {"url": response.url, "body": response.text}

    process = CrawlerProcess()
    crawlers = [process.create_crawler(Pages), process.create_crawler(Texts)]
    for crawler in crawlers:
        process.crawl(crawler)
    process.start()
    with open(config["stats_out"], "w") as f:
        json.dump([c.stats.get_stats() for c in crawlers], f, default=str)
''')


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


def _norm(text: str) -> str:
    return " ".join(text.split())


def _spec(name: str) -> dict:
    return tomllib.loads((HTML / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """Serve the pages, run both crawlers in a subprocess; items, stats and log."""
    tmp = tmp_path_factory.mktemp("scrapy")
    site = tmp / "site"
    site.mkdir()
    for name in PAGES:
        shutil.copy(HTML / f"{name}.html", site / f"{name}.html")
    (site / "nohtml.html").write_text("<p>not cleaned</p>", encoding="utf-8")
    text = f"{PROMO}\n\n" + TEXT_FIXTURE.read_bytes().decode("utf-8")
    (site / "story.txt").write_bytes(text.encode("utf-8"))
    (tmp / "site.toml").write_text(PACK, encoding="utf-8")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = {
        "pages": {**{f"{base}/{n}.html": kind for n, kind in PAGES.items()}, f"{base}/nohtml.html": "nohtml"},
        "text_url": f"{base}/story.txt",
        "html_settings": {"CLEANER_SPANS_FIELD": "cleaner", "CLEANER_DROP_LOW_CONFIDENCE": THRESHOLD},
        "text_settings": {
            "CLEANER_HTML_FIELD": "", "CLEANER_TEXT_FIELD": "body", "CLEANER_OUTPUT_FIELD": "clean",
            "CLEANER_SPANS_FIELD": "spans", "CLEANER_RULES": [str(tmp / "site.toml")], "CLEANER_LANGUAGE": "en",
        },
        "html_out": str(tmp / "html.jsonl"), "text_out": str(tmp / "text.jsonl"), "stats_out": str(tmp / "stats.json"),
    }
    script = tmp / "crawl.py"
    script.write_text(CRAWL, encoding="utf-8")
    try:
        run = subprocess.run([sys.executable, str(script), json.dumps(config)], capture_output=True, text=True,
                             timeout=120, cwd=tmp)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert run.returncode == 0, run.stderr[-4000:]

    def items(path: str) -> list[dict]:
        return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]

    html_stats, text_stats = json.loads(Path(config["stats_out"]).read_text())
    return {
        "html": {Path(i["url"]).stem: i for i in items(config["html_out"])},
        "text": items(config["text_out"]),
        "html_stats": html_stats, "text_stats": text_stats, "log": run.stderr, "served_text": text,
    }


# --- the crawl -------------------------------------------------------------------------------


def test_every_item_type_is_cleaned(crawl):
    cleaned = {n: k for n, k in PAGES.items() if n != "low_confidence_section_front_listing"}
    assert set(crawl["html"]) == {*cleaned, "nohtml"}
    for name, kind in cleaned.items():
        item = crawl["html"][name]
        assert item["kind"] == kind and item["clean_text"], name


@pytest.mark.parametrize("name", [n for n in PAGES if n != "low_confidence_section_front_listing"])
def test_clean_text_keeps_the_body_and_drops_the_cruft(crawl, name):
    item, spec = crawl["html"][name], _spec(name)
    text = _norm(item["clean_text"])
    missing = [k for k in spec["keep"] if _norm(k) not in text]
    left = [r["text"] for r in spec["remove"] if _norm(r["text"]) in text]
    assert not missing and not left, f"missing {missing}, not removed {left}"
    # What the pipeline did is what cleaner does on the same page.
    result = clean_document(cleaner.default_cleaner(), item["html"], html=True, url=item["url"])
    assert item["clean_text"] == result.text
    assert item["cleaner"] == {k: v for k, v in result.to_dict().items() if k != "text"}


@pytest.mark.parametrize("name", [n for n in PAGES if n != "low_confidence_section_front_listing"])
def test_spans_index_the_item_html(crawl, name):
    item = crawl["html"][name]
    html, spans = item["html"], item["cleaner"]
    pieces = spans["segments"] + spans["removed"] + ([spans["title"]] if spans["title"] else [])
    assert spans["segments"] and spans["removed"]
    for piece in pieces:
        # The slice, tags stripped and entities decoded, reads as the piece.
        read = visible_text(html[piece["start"]:piece["end"]], first_title=False)
        assert _norm(read) == _norm(piece["text"]), piece
    for removal in spans["removed"]:
        assert removal["category"] in {c.value for c in cleaner.Category} and removal["rule"] and removal["reason"]


def test_low_confidence_page_is_dropped(crawl):
    assert "low_confidence_section_front_listing" not in crawl["html"]
    assert re.search(r"Dropped: .*confidence 0\.\d\d is below CLEANER_DROP_LOW_CONFIDENCE=0\.5", crawl["log"])
    assert crawl["html_stats"]["cleaner/dropped_low_confidence"] == 1


def test_item_without_the_field_passes_with_a_warning(crawl):
    item = crawl["html"]["nohtml"]
    assert item == {"url": item["url"], "kind": "nohtml", "length": len("<p>not cleaned</p>")}
    assert re.search(r"WARNING: cleaner: item \S+/nohtml\.html has no str/bytes field 'html'", crawl["log"])
    assert crawl["html_stats"]["cleaner/missing_field"] == 1
    assert crawl["html_stats"]["cleaner/cleaned"] == 3


def test_text_field_rules_and_language_settings(crawl):
    (item,) = crawl["text"]
    assert item["body"] == crawl["served_text"]
    assert PROMO not in item["clean"] and "clean_text" not in item
    assert item["spans"]["language"] == "en"
    promo = [r for r in item["spans"]["removed"] if r["rule"] == "test.scrapy.promo"]
    assert [(r["start"], r["text"], r["category"]) for r in promo] == [(0, PROMO, "ad")]
    for s in item["spans"]["segments"]:
        assert item["body"][s["start"]:s["end"]] == s["text"] == item["clean"][s["out_start"]:s["out_end"]]
    assert crawl["text_stats"]["cleaner/cleaned"] == 1


def test_crawl_log_has_no_errors(crawl):
    log = crawl["log"]
    assert "ERROR" not in log and "Traceback" not in log and "Deprecat" not in log, log[-3000:]


# --- the pipeline without a crawl ------------------------------------------------------------

PROSE = "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3


class _UrlCleaner(cleaner.Cleaner):
    """A Cleaner whose clean_html takes url= (as site rules will): records what it got."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str | None] = []

    def clean_html(self, html, *, language=None, url=None):
        self.urls.append(url)
        return super().clean_html(html, language=language)


def test_url_is_passed_when_the_cleaner_takes_it():
    c = _UrlCleaner()
    pipe = CleanerPipeline(c)
    pipe.process_item({"url": "https://example.org/a", "html": f"<p>{PROSE}</p>"})
    pipe.process_item({"html": f"<p>{PROSE}</p>"})
    assert c.urls == ["https://example.org/a", None]
    # The real Cleaner gets it too: a URL it cannot use is in its warnings.
    item = CleanerPipeline(spans_field="spans").process_item({"url": "mailto:x", "html": f"<p>{PROSE}</p>"})
    assert item["clean_text"] == PROSE.strip() and any("mailto:x" in w for w in item["spans"]["warnings"])


def test_settings_are_read_from_the_crawler(tmp_path):
    pack = tmp_path / "site.toml"
    pack.write_text(PACK, encoding="utf-8")
    crawler = get_crawler(settings_dict={
        "CLEANER_HTML_FIELD": "", "CLEANER_TEXT_FIELD": "body", "CLEANER_OUTPUT_FIELD": "out",
        "CLEANER_SPANS_FIELD": "", "CLEANER_URL_FIELD": "link", "CLEANER_RULES": str(pack),
        "CLEANER_LANGUAGE": "en", "CLEANER_DROP_LOW_CONFIDENCE": "0.25",
    })
    pipe = CleanerPipeline.from_crawler(crawler)
    assert (pipe.html_field, pipe.text_field, pipe.output_field, pipe.spans_field, pipe.url_field,
            pipe.drop_below) == (None, "body", "out", None, "link", 0.25)
    assert pipe.cleaner.options.language == "en" and pipe.cleaner.packs[-1].path == str(pack)
    item = pipe.process_item({"body": f"{PROMO}\n\n{PROSE}"})
    assert item["out"] == PROSE.strip() and "spans" not in item
    # No rules, no language: the shared default Cleaner, not a new one.
    assert CleanerPipeline.from_crawler(get_crawler()).cleaner is cleaner.default_cleaner()


def test_bad_rule_file_stops_the_pipeline_at_start(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(cleaner.RuleError, match="bad.toml"):
        CleanerPipeline.from_crawler(get_crawler(settings_dict={"CLEANER_RULES": [str(bad)]}))


def test_undeclared_output_field_is_a_clear_error():
    class Page(scrapy.Item):
        html = scrapy.Field()

    @dataclasses.dataclass
    class Record:
        html: str

    for item in (Page(html=f"<p>{PROSE}</p>"), Record(html=f"<p>{PROSE}</p>")):
        with pytest.raises(KeyError, match="has no field 'clean_text'.*CLEANER_"):
            CleanerPipeline().process_item(item)


def test_missing_or_non_string_field_passes_through(caplog):
    pipe = CleanerPipeline()
    with caplog.at_level(logging.WARNING, logger="cleaner.contrib.scrapy"):
        for item in ({"title": "x"}, {"html": None}, {"html": ["<p>a list</p>"]}):
            assert pipe.process_item(dict(item)) == item
    assert len(caplog.records) == 3 and "has no str/bytes field 'html'" in caplog.text


def test_bytes_html_and_the_threshold():
    pipe = CleanerPipeline(spans_field="spans", drop_below=0.2)
    page = f'<html><head><meta charset="latin-1"></head><body><p>{PROSE}Caf\xe9.</p></body></html>'
    item = pipe.process_item({"html": page.encode("latin-1")})
    assert item["clean_text"].endswith("Café.") and item["spans"]["encoding"]
    with pytest.raises(DropItem, match="below CLEANER_DROP_LOW_CONFIDENCE=0.2"):
        pipe.process_item({"html": "<ul><li>Home</li><li>News</li></ul>"})


def test_needs_a_field_to_read():
    with pytest.raises(ValueError, match="CLEANER_HTML_FIELD or CLEANER_TEXT_FIELD"):
        CleanerPipeline(html_field=None, text_field=None)
