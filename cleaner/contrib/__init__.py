"""Integrations with the tools cleaner runs inside: Scrapy and Dask.

Each integration lives in its own module so that importing ``cleaner`` never
imports Scrapy or Dask; install the matching extra (``news-cleaner[scrapy]``,
``news-cleaner[dask]``) and import ``cleaner.contrib.scrapy`` or
``cleaner.contrib.dask``.

This module holds what both share: calling a Cleaner on one document, with
``url=`` passed only when the Cleaner takes it.
"""

from __future__ import annotations

import inspect
from functools import lru_cache

from ..core import Cleaner
from ..model import Result

__all__ = ["clean_document"]


@lru_cache(maxsize=None)
def _takes_url(cls: type, method: str) -> bool:
    # Site rules keyed by URL are newer than these integrations; asking the
    # signature keeps them working with a Cleaner (or subclass) without it.
    try:
        return "url" in inspect.signature(getattr(cls, method)).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins, C extensions
        return False


def clean_document(
    cleaner: Cleaner,
    document: str | bytes,
    *,
    html: bool,
    language: str | None = None,
    url: str | None = None,
) -> Result:
    """Clean one document as text or HTML; `url` is passed when the Cleaner accepts it.

    Bytes are always HTML (a page's encoding is detected from the page);
    text input must already be decoded.

    >>> from cleaner import default_cleaner
    >>> r = clean_document(default_cleaner(), "<p>" + "The council met on Tuesday and agreed the budget. " * 4 + "</p>", html=True)
    >>> r.text.startswith("The council met")
    True
    """
    method = "clean_html" if html or isinstance(document, (bytes, bytearray)) else "clean"
    kwargs: dict[str, object] = {"language": language}
    if url and _takes_url(type(cleaner), method):
        kwargs["url"] = url
    return getattr(cleaner, method)(document, **kwargs)
