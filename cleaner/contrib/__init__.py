"""Integrations with the tools cleaner runs inside: Scrapy and Dask.

Each integration lives in its own module so that importing ``cleaner`` never
imports Scrapy or Dask; install the matching extra (``news-cleaner[scrapy]``,
``news-cleaner[dask]``) and import ``cleaner.contrib.scrapy`` or
``cleaner.contrib.dask``.

This module holds what both share: calling a Cleaner on one document as
text or HTML.
"""

from __future__ import annotations

from ..core import Cleaner
from ..model import Result

__all__ = ["clean_document"]


def clean_document(
    cleaner: Cleaner,
    document: str | bytes,
    *,
    html: bool,
    language: str | None = None,
    url: str | None = None,
) -> Result:
    """Clean one document as text or HTML; `url` selects the site's rules.

    Bytes are always HTML (a page's encoding is detected from the page);
    text input must already be decoded.

    >>> from cleaner import default_cleaner
    >>> r = clean_document(default_cleaner(), "<p>" + "The council met on Tuesday and agreed the budget. " * 4 + "</p>", html=True)
    >>> r.text.startswith("The council met")
    True
    """
    method = "clean_html" if html or isinstance(document, (bytes, bytearray)) else "clean"
    return getattr(cleaner, method)(document, language=language, url=url or None)
