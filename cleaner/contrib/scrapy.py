"""Clean scraped pages inside a Scrapy project: an item pipeline.

Enable it in ``settings.py`` and say which item field holds the page::

    ITEM_PIPELINES = {"cleaner.contrib.scrapy.CleanerPipeline": 300}

    CLEANER_HTML_FIELD = "html"          # field holding the page (str or bytes) ...
    CLEANER_TEXT_FIELD = None            # ... or plain text (tried when the HTML field is absent)
    CLEANER_OUTPUT_FIELD = "clean_text"  # where the clean body goes
    CLEANER_SPANS_FIELD = None           # e.g. "cleaner": title, segments, removed, confidence...
    CLEANER_URL_FIELD = "url"            # passed as url= when the Cleaner takes it
    CLEANER_RULES = []                   # extra rule packs (paths to TOML files)
    CLEANER_LANGUAGE = None              # force a language instead of detecting it
    CLEANER_DROP_LOW_CONFIDENCE = None   # e.g. 0.5: drop items less likely an article

Items may be dicts, ``scrapy.Item``, dataclass or attrs objects (anything
``itemadapter`` handles); for declared-field items, declare the output
fields too.  An item without the HTML/text field (or with a value that is
not str/bytes) passes through untouched, with a warning in the log.

``CLEANER_SPANS_FIELD`` receives ``Result.to_dict()`` without ``text``: the
title, every kept segment and every removal with its category, rule id and
reason, plus language, encoding, confidence and warnings.  Offsets index the
field's value when it is a str; for bytes they index the page decoded with
the recorded ``encoding``.

Crawler stats count ``cleaner/cleaned``, ``cleaner/missing_field`` and
``cleaner/dropped_low_confidence``.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from .. import Cleaner, Options, default_cleaner
from ..model import Result
from . import clean_document

__all__ = ["CleanerPipeline", "DEFAULTS"]

logger = logging.getLogger(__name__)

# The settings the pipeline reads, with their defaults.
DEFAULTS: dict[str, Any] = {
    "CLEANER_HTML_FIELD": "html",
    "CLEANER_TEXT_FIELD": None,
    "CLEANER_OUTPUT_FIELD": "clean_text",
    "CLEANER_SPANS_FIELD": None,
    "CLEANER_URL_FIELD": "url",
    "CLEANER_RULES": [],
    "CLEANER_LANGUAGE": None,
    "CLEANER_DROP_LOW_CONFIDENCE": None,
}


class CleanerPipeline:
    """A Scrapy item pipeline that cleans one field of every item.

    One Cleaner is built per pipeline (its rules compile once); with no
    extra rules and no forced language it is cleaner's shared default one.
    """

    def __init__(
        self,
        cleaner: Cleaner | None = None,
        *,
        html_field: str | None = "html",
        text_field: str | None = None,
        output_field: str = "clean_text",
        spans_field: str | None = None,
        url_field: str | None = "url",
        drop_below: float | None = None,
        stats: Any = None,
    ) -> None:
        if not (html_field or text_field):
            raise ValueError("CleanerPipeline needs CLEANER_HTML_FIELD or CLEANER_TEXT_FIELD")
        if not output_field:
            raise ValueError("CleanerPipeline needs CLEANER_OUTPUT_FIELD")
        self.cleaner = cleaner or default_cleaner()
        self.html_field = html_field
        self.text_field = text_field
        self.output_field = output_field
        self.spans_field = spans_field
        self.url_field = url_field
        self.drop_below = drop_below
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CleanerPipeline":
        """Build the pipeline (and its Cleaner) from the crawler's settings."""
        settings = crawler.settings

        def get(name: str) -> Any:
            value = settings.get(name, DEFAULTS[name])
            # An empty string in a settings file or on the command line
            # (-s CLEANER_SPANS_FIELD=) means "off", like None.
            return None if value == "" else value

        rules = settings.getlist("CLEANER_RULES", DEFAULTS["CLEANER_RULES"])
        language = get("CLEANER_LANGUAGE")
        threshold = get("CLEANER_DROP_LOW_CONFIDENCE")
        # A rule-file error is raised here, so the crawl stops at start-up
        # with the message naming the file and rule, not on every item.
        cleaner = Cleaner(rules, options=Options(language=language)) if rules or language else None
        return cls(
            cleaner,
            html_field=get("CLEANER_HTML_FIELD"),
            text_field=get("CLEANER_TEXT_FIELD"),
            output_field=get("CLEANER_OUTPUT_FIELD"),
            spans_field=get("CLEANER_SPANS_FIELD"),
            url_field=get("CLEANER_URL_FIELD"),
            drop_below=None if threshold is None else float(threshold),
            stats=crawler.stats,
        )

    def _source(self, adapter: ItemAdapter) -> tuple[str | bytes, bool] | None:
        """The document to clean and whether it is HTML, or None if the item has none."""
        for field, html in ((self.html_field, True), (self.text_field, False)):
            if field and isinstance(adapter.get(field), (str, bytes)):
                return adapter[field], html
        return None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean the item's HTML or text field; set the output (and spans) fields.

        `spider` is optional: Scrapy ≥ 2.13 no longer passes it to pipelines
        that do not ask for it, older versions always do.
        """
        adapter = ItemAdapter(item)
        found = self._source(adapter)
        url = adapter.get(self.url_field) if self.url_field else None
        if found is None:
            fields = " or ".join(repr(f) for f in (self.html_field, self.text_field) if f)
            logger.warning("cleaner: item %s has no str/bytes field %s; passed through uncleaned",
                           url or type(item).__name__, fields)
            self._inc("cleaner/missing_field")
            return item
        document, html = found
        result = clean_document(self.cleaner, document, html=html, url=url if isinstance(url, str) else None)
        if self.drop_below is not None and result.confidence < self.drop_below:
            self._inc("cleaner/dropped_low_confidence")
            raise DropItem(
                f"cleaner: confidence {result.confidence:.2f} is below "
                f"CLEANER_DROP_LOW_CONFIDENCE={self.drop_below:g} ({url or type(item).__name__})")
        self._store(adapter, self.output_field, result.text, item)
        if self.spans_field:
            self._store(adapter, self.spans_field, _spans(result), item)
        self._inc("cleaner/cleaned")
        return item

    def _store(self, adapter: ItemAdapter, field: str, value: Any, item: Any) -> None:
        try:
            adapter[field] = value
        except KeyError:
            # scrapy.Item and dataclass items only take declared fields; the
            # bare KeyError would not say which setting is involved.
            raise KeyError(
                f"{type(item).__name__} has no field {field!r} for cleaner's output: "
                f"declare it in the item class or change the CLEANER_*_FIELD setting") from None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def _spans(result: Result) -> dict[str, Any]:
    # The clean text already sits in the output field; everything else about
    # the result (title, segments, removals, confidence...) goes here.
    data = result.to_dict()
    del data["text"]
    return data
