"""Golden HTML fixtures: fixtures/html/NAME.html with expectations in NAME.toml.

The same expectation format as the text fixtures (see test_fixtures.py),
written as visible text — tags stripped, entities decoded, whitespace as
single spaces — plus an optional ``confidence = "high" | "low"``: high
means ``result.confidence >= 0.6``, low means ``<= 0.4`` (listing pages,
cookie walls, teaser-only and near-empty pages).

One test case per fixture, reporting every failed expectation at once;
names in fixtures/known_failures.toml run under ``xfail(strict=True)``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner import Category

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).parent.parent / "fixtures"
HTML = FIXTURES / "html"
KNOWN_FAILURES = FIXTURES / "known_failures.toml"
HIGH, LOW = 0.6, 0.4

_TOP_KEYS = {"description", "title", "keep", "remove", "confidence"}
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _cases() -> list:
    specs = sorted(HTML.glob("*.toml")) if HTML.is_dir() else []
    if not specs:
        return [pytest.param(None, id="no-fixtures", marks=pytest.mark.skip(reason=f"no fixtures in {HTML}"))]
    known = {}
    if KNOWN_FAILURES.exists():
        known = dict(tomllib.loads(KNOWN_FAILURES.read_text(encoding="utf-8")).get("fixtures", {}))
    return [
        pytest.param(spec, id=spec.stem,
                     marks=[pytest.mark.xfail(strict=True, reason=known[spec.stem])] if spec.stem in known else [])
        for spec in specs
    ]


def _problems(spec: dict, result: cleaner.Result) -> list[str]:
    problems = []
    unknown = set(spec) - _TOP_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    text = _norm(result.text)
    if "title" in spec:
        got = _norm(result.title.text) if result.title else None
        if got != _norm(spec["title"]):
            problems.append(f"title: expected {spec['title']!r}, got {got!r}")
    for snippet in spec.get("keep", []):
        if _norm(snippet) not in text:
            why = [f"{r.category.value} by {r.rule}" for r in result.removed if _norm(snippet) in _norm(r.text)]
            problems.append(f"keep: {snippet!r} is not in result.text" + (f" (removed as {why[0]})" if why else ""))
    for item in spec.get("remove", []):
        snippet, category = _norm(item["text"]), Category(item["category"])
        holders = [r for r in result.removed if snippet in _norm(r.text)]
        if snippet in text:
            problems.append(f"remove: {snippet!r} is still in result.text")
        elif not holders:
            problems.append(f"remove: {snippet!r} is in no removal")
        elif all(r.category is not category for r in holders):
            got = ", ".join(f"{r.category.value} by {r.rule}" for r in holders[:2])
            problems.append(f"remove: {snippet!r} should be removed as {category.value}, but was removed as {got}")
    level = spec.get("confidence")
    if level == "high" and result.confidence < HIGH:
        problems.append(f"confidence: expected high (>= {HIGH}), got {result.confidence:.2f}")
    if level == "low" and result.confidence > LOW:
        problems.append(f"confidence: expected low (<= {LOW}), got {result.confidence:.2f}")
    return problems


@pytest.mark.parametrize("spec_path", _cases())
def test_html_fixture(spec_path: Path) -> None:
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    page = spec_path.with_suffix(".html").read_bytes()
    result = cleaner.clean_html(page)
    problems = _problems(spec, result)
    assert not problems, f"{spec_path.stem}: {len(problems)} failed expectations\n  " + "\n  ".join(problems)


def test_every_html_fixture_has_expectations() -> None:
    pages = {p.stem for p in HTML.glob("*.html")} if HTML.is_dir() else set()
    specs = {p.stem for p in HTML.glob("*.toml")} if HTML.is_dir() else set()
    assert pages == specs, f"pages without expectations: {sorted(pages - specs)}; expectations without pages: {sorted(specs - pages)}"
