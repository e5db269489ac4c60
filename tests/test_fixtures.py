"""Golden fixtures: fixtures/text/NAME.txt with expectations in NAME.toml.

The expectations are text, easy to review::

    description = "What the fixture is about."
    title = "The headline"            # optional: result.title.text, never in result.text
    unchanged = true                  # optional: a clean article, nothing may be removed
    keep = ["snippet", ...]           # each must be inside result.text
    [[remove]]                        # each must be gone, removed as `category`
    text = "Related Posts"
    category = "related"

One test case per fixture, which reports every failed expectation at once.
Known failures are listed in fixtures/known_failures.toml as
``[fixtures] NAME = "reason"`` and run under ``xfail(strict=True)``, so they
stay visible and a fix is noticed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner import Category
from contract import contains, find_spans, partition_problems, removal_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).parent.parent / "fixtures"
TEXT = FIXTURES / "text"
KNOWN_FAILURES = FIXTURES / "known_failures.toml"

_TOP_KEYS = {"description", "title", "unchanged", "keep", "remove"}
_REMOVE_KEYS = {"text", "category"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _known_failures() -> dict[str, str]:
    if not KNOWN_FAILURES.exists():
        return {}
    data = tomllib.loads(KNOWN_FAILURES.read_text(encoding="utf-8"))
    return dict(data.get("fixtures", {}))


def _cases() -> list:
    specs = sorted(TEXT.glob("*.toml")) if TEXT.is_dir() else []
    if not specs:
        return [pytest.param(None, id="no-fixtures", marks=pytest.mark.skip(
            reason=f"no fixtures in {TEXT} yet"))]
    known = _known_failures()
    return [
        pytest.param(
            spec, id=spec.stem,
            marks=[pytest.mark.xfail(strict=True, reason=known[spec.stem])] if spec.stem in known else [],
        )
        for spec in specs
    ]


def _spec_problems(spec: dict) -> list[str]:
    """Mistakes in the expectation file itself (they would test nothing)."""
    problems = []
    unknown = set(spec) - _TOP_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)} (known: {sorted(_TOP_KEYS)})")
    if not isinstance(spec.get("description"), str) or not spec["description"].strip():
        problems.append("needs a description")
    if "title" in spec and not (isinstance(spec["title"], str) and spec["title"].strip()):
        problems.append("title must be a non-empty string")
    if not isinstance(spec.get("unchanged", False), bool):
        problems.append("unchanged must be true or false")
    keep = spec.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(k, str) and k.strip() for k in keep):
        problems.append("keep must be a list of non-empty strings")
    remove = spec.get("remove", [])
    if not isinstance(remove, list):
        problems.append("remove must be an array of tables ([[remove]])")
        return problems
    for i, item in enumerate(remove):
        if not isinstance(item, dict) or set(item) != _REMOVE_KEYS:
            problems.append(f"remove[{i}] must have exactly the keys text and category: {item!r}")
            continue
        if item["category"] not in {c.value for c in Category}:
            problems.append(f"remove[{i}] has unknown category {item['category']!r}")
        if not isinstance(item["text"], str) or not item["text"].strip():
            problems.append(f"remove[{i}] text must be a non-empty string")
    if spec.get("unchanged") and remove:
        problems.append("unchanged = true contradicts a [[remove]] list")
    return problems


def _title_problems(spec: dict, result: cleaner.Result) -> list[str]:
    if "title" not in spec:
        return []
    title = spec["title"]
    problems = []
    if result.title is None:
        problems.append(f"title: expected {title!r}, none detected")
    elif result.title.text != title:
        problems.append(f"title: expected {title!r}, got {result.title.text!r}")
    if title in result.text:
        problems.append(f"title: {title!r} is inside result.text")
    return problems


def _unchanged_problems(spec: dict, source: str, result: cleaner.Result) -> list[str]:
    if not spec.get("unchanged"):
        return []
    problems = [
        f"unchanged: removed {r.text[:70]!r} as {r.category.value} by {r.rule}" for r in result.removed
    ]
    title = spec.get("title")
    for line in _LINE_BREAK.split(source):
        line = line.strip()
        if line and line != title and line not in result.text:
            problems.append(f"unchanged: line {line[:70]!r} is not in result.text")
    return problems


def _keep_problems(spec: dict, result: cleaner.Result) -> list[str]:
    problems = []
    for snippet in spec.get("keep", []):
        if not contains(result.source, snippet):
            problems.append(f"keep: {snippet!r} does not occur in the input (a typo in the expectation?)")
        elif not contains(result.text, snippet):
            why = [
                f"{r.category.value} by {r.rule}" for r in result.removed
                if any(r.start < e and r.end > s for s, e in find_spans(result.source, snippet))
            ]
            problems.append(f"keep: {snippet!r} is not in result.text" + (f" (removed as {', '.join(why)})" if why else ""))
    return problems


def _remove_problems(spec: dict, result: cleaner.Result) -> list[str]:
    problems = []
    for item in spec.get("remove", []):
        snippet, category = item["text"], Category(item["category"])
        if contains(result.text, snippet):
            problems.append(f"remove: {snippet!r} is still in result.text")
        problems += [f"remove: {p}" for p in removal_problems(result, snippet, category)]
    return problems


@pytest.mark.parametrize("spec_path", _cases())
def test_fixture(spec_path: Path):
    text_path = spec_path.with_suffix(".txt")
    assert text_path.exists(), f"{spec_path.name} has no {text_path.name}"
    try:
        spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"{spec_path.name} is not valid TOML: {exc}")
    problems = [f"expectation file: {p}" for p in _spec_problems(spec)]
    if problems:
        pytest.fail(f"{spec_path.name}:\n  " + "\n  ".join(problems), pytrace=False)

    # newline="" keeps CRLF and lone CR as they are in the file.
    with open(text_path, encoding="utf-8", newline="") as f:
        source = f.read()
    result = cleaner.clean(source)
    problems += [f"partition: {p}" for p in partition_problems(source, result)]
    problems += _title_problems(spec, result)
    problems += _unchanged_problems(spec, source, result)
    problems += _keep_problems(spec, result)
    problems += _remove_problems(spec, result)
    if problems:
        # Only the list of failed expectations: the traceback says nothing more.
        pytest.fail(f"{spec_path.stem}: {len(problems)} failed expectations\n  " + "\n  ".join(problems), pytrace=False)


def test_every_fixture_text_has_expectations():
    if not TEXT.is_dir():
        pytest.skip(f"no {TEXT}")
    orphans = sorted(p.name for p in TEXT.glob("*.txt") if not p.with_suffix(".toml").exists())
    assert orphans == []


def test_known_failures_name_existing_fixtures():
    known = _known_failures()
    stale = sorted(
        name for name in known
        if not any((FIXTURES / kind / f"{name}.toml").exists() for kind in ("text", "html"))
    )
    assert stale == [], "known_failures.toml lists fixtures that do not exist"
    assert all(isinstance(r, str) and r.strip() for r in known.values()), "every known failure needs a reason"
