"""The systems the benchmark runs: cleaner itself and its HTML-in peers.

A ``System`` is a name plus a function from one input string to the text it keeps.
Optional packages are imported lazily; a system whose package is missing is
reported as skipped with the reason instead of failing the run.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import html_text


@dataclass(frozen=True)
class System:
    name: str
    run: Callable[[str], str]
    # Called before each timed pass: a system that remembers work across
    # inputs (cleaner's rule memo) starts each pass cold.
    reset: Callable[[], None] | None = None


class Unavailable(Exception):
    """A system cannot run here (package missing, API not there yet)."""


def load_cleaner() -> ModuleType:
    """Import the ``cleaner`` package, or raise Unavailable with the reason."""
    try:
        return importlib.import_module("cleaner")
    except Exception as exc:  # any import-time failure means: nothing to measure
        raise Unavailable(f"cannot import cleaner: {type(exc).__name__}: {exc}") from exc


def cleaner_origin(module: ModuleType) -> str:
    return getattr(module, "__file__", None) or "(namespace package)"


def _cleaner_system(function: str, name: str) -> System:
    """``cleaner.<function>(input).text``, with the default Cleaner's memo cleared per pass."""
    module = load_cleaner()
    clean = getattr(module, function, None)
    if clean is None:
        raise Unavailable(f"cleaner.{function} does not exist yet")
    return System(name, lambda page: clean(page).text, module.default_cleaner().clear_memo)


def cleaner_text() -> System:
    return _cleaner_system("clean", "cleaner.clean")


def cleaner_html() -> System:
    return _cleaner_system("clean_html", "cleaner.clean_html")


def cleaner_text_favor_recall() -> System:
    """``Cleaner(options=Options(favor="recall")).clean``: for another extractor's output."""
    module = load_cleaner()
    options = getattr(module, "Options", None)
    if options is None or "favor" not in getattr(options, "__dataclass_fields__", {}):
        raise Unavailable("cleaner.Options has no favor yet")
    c = module.Cleaner(options=options(favor="recall"))
    return System('cleaner.clean, favor="recall"', lambda page: c.clean(page).text, c.clear_memo)


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(f"{name} is not installed ({exc})") from exc


def trafilatura_default() -> System:
    """``trafilatura.extract(html)`` with its defaults (comments included)."""
    trafilatura = _import("trafilatura")
    return System("trafilatura", lambda page: trafilatura.extract(page) or "")


def trafilatura_no_comments(favor_precision: bool = False) -> System:
    """trafilatura as its own benchmark runs it: ``include_comments=False``."""
    trafilatura = _import("trafilatura")
    name = "trafilatura (no comments, favor_precision)" if favor_precision else "trafilatura (no comments)"

    def run(page: str) -> str:
        extracted = trafilatura.extract(
            page, include_comments=False, favor_precision=favor_precision
        )
        return extracted or ""

    return System(name, run)


def readability_lxml() -> System:
    """readability-lxml's ``Document(html).summary()``, made text by html_text."""
    readability = _import("readability")
    return System(
        "readability-lxml",
        lambda page: html_text.extract_text(readability.Document(page).summary()),
    )
