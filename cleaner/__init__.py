"""cleaner: strip scraped cruft from news articles, with provenance.

>>> import cleaner
>>> r = cleaner.clean("Storm closes schools\\n\\n" + "Heavy snow closed all schools in the county on Monday, officials said. " * 3 + "\\n\\nRelated Posts\\n\\nHow to stay warm")
>>> r.title.text
'Storm closes schools'
>>> [(x.text, x.category.value, x.rule) for x in r.removed]
[('Related Posts', 'related', 'en.related.heading'), ('How to stay warm', 'related', 'en.related.heading')]
"""

from __future__ import annotations

from .core import Cleaner, Options
from .model import Category, Removal, Result, Segment
from .ruleset import RuleError

__version__ = "0.1.0"

__all__ = [
    "Category", "Cleaner", "Options", "Removal", "Result", "RuleError", "Segment",
    "clean", "clean_html", "default_cleaner", "__version__",
]

_default: Cleaner | None = None


def default_cleaner() -> Cleaner:
    """The shared Cleaner with the built-in rules, compiled on first use."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default


def clean(text: str, *, language: str | None = None, url: str | None = None) -> Result:
    """Clean one plain-text article with the default Cleaner.

    `url` (the page's address) turns on the site rules of its domain.
    """
    return default_cleaner().clean(text, language=language, url=url)


def clean_html(html: str | bytes, *, language: str | None = None, url: str | None = None) -> Result:
    """Clean one HTML page (str, or bytes in any encoding) with the default Cleaner.

    `url` (the page's address) turns on the site rules of its domain.
    """
    return default_cleaner().clean_html(html, language=language, url=url)
