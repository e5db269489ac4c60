"""The provenance contract of DESIGN.md as reusable checks.

`assert_partition` is run by the hypothesis tests, the seeds and every
fixture: kept, removed and title spans partition the input; the kept spans
rebuild `Result.text`.  `removal_problems` is the "covered by a removal of
that category" check shared by the seed and fixture tests.

Snippets (fixture `keep`/`remove` texts, seed pieces) are located with
`find_spans`: a run of whitespace in a snippet matches any run of whitespace
in the text, so a snippet may be written on one line although the input
breaks it (CRLF, a line break inside a paragraph).
"""

from __future__ import annotations

import codecs
import html
import re

import cleaner
from cleaner import Category, Result

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|‘[^’]*’|“[^”]*”")
# A sentence break inside a reason: terminal punctuation, space, capital.
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
REASON_MAX_CHARS = 200
# What Result.text puts between two kept segments.
SEPARATORS = (" ", "\n", "\n\n")


def _pieces(result: Result) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, text) of the title, every segment and removal, by start."""
    pieces = [("segment", s.start, s.end, s.text) for s in result.segments]
    pieces += [("removal", r.start, r.end, r.text) for r in result.removed]
    if result.title is not None:
        pieces.append(("title", result.title.start, result.title.end, result.title.text))
    return sorted(pieces, key=lambda p: (p[1], p[2]))


def reason_problem(reason: object) -> str | None:
    """Why `reason` is not one short human sentence, or None if it is."""
    if not isinstance(reason, str) or not reason.strip():
        return "reason is empty"
    if reason != reason.strip() or "\n" in reason or "\r" in reason:
        return f"reason has stray whitespace or line breaks: {reason!r}"
    if reason[-1] not in ".!?":
        return f"reason does not end like a sentence: {reason!r}"
    # Quoted text (the heading that opened a section, say) may hold anything.
    bare = _QUOTED.sub("Q", reason)
    if len(bare) > REASON_MAX_CHARS:
        return f"reason is longer than {REASON_MAX_CHARS} characters: {reason!r}"
    if _SENTENCE_BREAK.search(bare[:-1]):
        return f"reason is more than one sentence: {reason!r}"
    return None


def partition_problems(source: str, result: Result) -> list[str]:
    """Every way in which `result` breaks the provenance contract for `source`."""
    problems: list[str] = []
    if result.source != source:
        problems.append("result.source is not the input")
    title = result.title
    if title is not None:
        if source[title.start:title.end] != title.text:
            problems.append(f"title span [{title.start}:{title.end}] does not read {title.text!r}")
        if title.out_start is not None or title.out_end is not None:
            problems.append("the title has an out_start/out_end: it must not be part of text")
    for s in result.segments:
        if source[s.start:s.end] != s.text:
            problems.append(f"segment span [{s.start}:{s.end}] reads {source[s.start:s.end]!r}, not {s.text!r}")
        if not s.text:
            problems.append(f"empty segment at {s.start}")
    for r in result.removed:
        if source[r.start:r.end] != r.text:
            problems.append(f"removal span [{r.start}:{r.end}] reads {source[r.start:r.end]!r}, not {r.text!r}")
        if not r.text:
            problems.append(f"empty removal at {r.start}")
    problems += result_problems(result)
    pieces = _pieces(result)
    for (ka, sa, ea, ta), (kb, sb, eb, tb) in zip(pieces, pieces[1:]):
        if sb < ea:
            problems.append(f"{ka} [{sa}:{ea}] {ta!r} overlaps {kb} [{sb}:{eb}] {tb!r}")
    for kind, start, end, _ in pieces:
        if not 0 <= start <= end <= len(source):
            problems.append(f"{kind} span [{start}:{end}] is outside the input")
    # Every non-whitespace character lies in a piece (in exactly one: the
    # pieces do not overlap, checked above).
    covered = bytearray(len(source))
    for _, start, end, _ in pieces:
        covered[max(start, 0):max(end, 0)] = b"\x01" * (max(end, 0) - max(start, 0))
    lost = [i for i, ch in enumerate(source) if not covered[i] and not ch.isspace()]
    if lost:
        i = lost[0]
        problems.append(
            f"{len(lost)} non-whitespace characters are in no piece, the first "
            f"{source[i]!r} at {i} in {source[max(0, i - 20):i + 20]!r}"
        )
    return problems


def result_problems(result: Result) -> list[str]:
    """What both front ends promise beyond their source spans.

    Segments and removals are in source order, segments rebuild
    result.text joined only by separators, and every removal carries a
    Category, a rule id and a one-sentence reason.
    """
    problems = []
    for s in result.segments:
        if s.out_start is None or s.out_end is None or result.text[s.out_start:s.out_end] != s.text:
            problems.append(f"segment out span [{s.out_start}:{s.out_end}] does not read {s.text[:60]!r} in text")
    for a, b in zip(result.segments, result.segments[1:]):
        if not (a.end <= b.start and a.out_end <= b.out_start):
            problems.append(f"segments out of order or overlapping: {a} then {b}")
    for a, b in zip(result.removed, result.removed[1:]):
        if a.start > b.start:
            problems.append(f"removals out of source order: {a.text[:60]!r} then {b.text[:60]!r}")
    for r in result.removed:
        if not isinstance(r.category, Category):
            problems.append(f"removal {r.text[:60]!r} has category {r.category!r}, not a Category")
        if not isinstance(r.rule, str) or not r.rule.strip():
            problems.append(f"removal {r.text[:60]!r} has no rule id")
        why = reason_problem(r.reason)
        if why:
            problems.append(f"removal {r.text[:60]!r} ({r.rule}): {why}")
    # The kept spans rebuild the text: segments in order, joined by a space
    # (pieces of one block around a cut), a line break (lines of one
    # paragraph) or a blank line (paragraphs); nothing before or after.
    pos = 0
    for k, s in enumerate(result.segments):
        if s.out_start is None:
            continue
        gap = result.text[pos:s.out_start]
        if gap not in (("",) if k == 0 else SEPARATORS):
            problems.append(f"text holds {gap!r} between segments, not a separator")
        pos = s.out_end if s.out_end is not None else pos
    if result.text[pos:]:
        problems.append(f"text ends with {result.text[pos:][:60]!r} that no segment accounts for")
    return problems


def assert_partition(source: str, result: Result) -> None:
    """Assert the provenance contract of DESIGN.md for text input."""
    problems = partition_problems(source, result)
    assert not problems, "provenance contract broken:\n  " + "\n  ".join(problems[:20])


def _snippet_regex(snippet: str) -> re.Pattern[str]:
    words = snippet.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def find_spans(text: str, snippet: str) -> list[tuple[int, int]]:
    """Every (start, end) where `snippet` occurs in `text`, whitespace-flexibly."""
    if not snippet.split():
        return []
    return [m.span() for m in _snippet_regex(snippet).finditer(text)]


def contains(text: str, snippet: str) -> bool:
    """Whether `snippet` occurs in `text` (whitespace runs match any whitespace)."""
    return bool(find_spans(text, snippet))


def removals_overlapping(result: Result, start: int, end: int) -> list[cleaner.Removal]:
    return [r for r in result.removed if r.start < end and r.end > start]


def span_removal_problems(result: Result, start: int, end: int, category: Category) -> list[str]:
    """Why source[start:end] is not removed as `category`, or [] if it is.

    Every removal overlapping the span must have the category, and together
    they must cover the span's non-whitespace characters.
    """
    source = result.source
    piece = source[start:end]
    label = repr(piece if len(piece) <= 70 else piece[:69] + "…")
    overlapping = removals_overlapping(result, start, end)
    problems = [
        f"{label} should be removed as {category.value}, but {r.text[:60]!r} was removed "
        f"as {r.category.value} by {r.rule}"
        for r in overlapping if r.category is not category
    ]
    covered = bytearray(end - start)
    for r in overlapping:
        lo, hi = max(r.start, start) - start, min(r.end, end) - start
        covered[lo:hi] = b"\x01" * (hi - lo)
    lost = [start + i for i in range(end - start) if not covered[i] and not source[start + i].isspace()]
    if lost:
        kept = [s.text[:60] for s in result.segments if s.start < end and s.end > start]
        title = result.title
        where = "kept" if kept else "the title" if title and title.start < end and title.end > start else "not removed"
        problems.append(
            f"{label} should be removed as {category.value}, but {len(lost)} of its characters "
            f"are {where}" + (f" (segments {kept!r})" if kept else "")
        )
    return problems


def removal_problems(result: Result, snippet: str, category: Category) -> list[str]:
    """Why every occurrence of `snippet` in the input is not removed as `category`."""
    spans = find_spans(result.source, snippet)
    if not spans:
        return [f"{snippet!r} does not occur in the input (a typo in the expectation?)"]
    problems = []
    for start, end in spans:
        problems += span_removal_problems(result, start, end, category)
    return problems


def assert_removed_as(result: Result, snippet: str, category: Category) -> None:
    problems = removal_problems(result, snippet, category)
    assert not problems, "\n".join(problems)


# --- HTML input ---------------------------------------------------------------------
#
# For HTML the spans cannot read as the text itself: markup and entities lie
# between a piece's first visible character and its last.  The contract is
# that the slice, with markup removed and entities decoded, reads as the
# piece (whitespace aside), and that every visible character of the page
# lies in some piece.  `visible_text` is the reference for "markup removed",
# written apart from the scanner in cleaner/segment_html.py so that it can
# disagree with it: HTML's own rules, for the constructs the tests generate.

# Elements whose content is not visible text.  Their content is skipped up
# to the matching end tag (script and style are raw text in HTML; the others
# are treated the same way by the cleaner, by design).
HTML_INVISIBLE = frozenset("""
    script style template noscript svg math iframe object canvas audio video map
    textarea select datalist title
""".split())
# Foreign elements that HTML lets close themselves with "/>".
_SELF_CLOSABLE = frozenset(("svg", "math"))
_HTML_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<cdata><!\[CDATA\[.*?(?:\]\]>|\Z))"
    r"|(?P<decl><!(?:\[[^\]]*\]|[^\[>])*>?)"
    r"|(?P<pi><\?[^>]*>?)"
    r"|(?P<end></[A-Za-z][^>]*>?)"
    # A quote opens a quoted value only at the start of the value (after
    # "="); elsewhere, as in `alt=it's`, it is an ordinary character.
    r"|(?P<start><(?P<name>[A-Za-z][^\s/>]*)(?P<attrs>(?:[\s/](?:[^=>]|=\s*\"[^\"]*\"|=\s*'[^']*'|=(?!\s*[\"']))*)?)>)",
    re.S,
)


def _scan(source: str, *, first_title: bool = False) -> tuple[list[str], tuple[int, int] | None]:
    """The visible character data of `source`, entities decoded, one chunk per run.

    Also returns the content range of the leading <title> when it was read
    as text (`first_title`), else None.
    """
    chunks: list[str] = []
    title_range = None
    pos, n = 0, len(source)
    while pos < n:
        lt = source.find("<", pos)
        if lt < 0:
            lt = n
        if lt > pos:
            chunks.append(html.unescape(source[pos:lt]))  # decoded per run: `&am<b>p;` is no entity
        if lt == n:
            break
        if source[lt + 1:lt + 2].isalpha() and source.find(">", lt) < 0:
            m = None  # no ">" follows: no tag (and no quadratic rescans of the rest)
        else:
            m = _HTML_TOKEN.match(source, lt)
        if m is None:  # a "<" that opens no markup is text
            chunks.append("<")
            pos = lt + 1
            continue
        pos = m.end()
        name = (m.group("name") or "").lower()
        if name in HTML_INVISIBLE and not (name in _SELF_CLOSABLE and (m.group("attrs") or "").rstrip().endswith("/")):
            closer = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(source, pos)
            content_end = closer.start() if closer else n
            # The page's <title> is shown once, as the first text (the cleaner
            # makes it the first block so that the headline can be found).
            # It holds text only (RCDATA): entities are decoded, "<b>" is text.
            if name == "title" and first_title and not "".join(chunks).strip():
                chunks.append(html.unescape(source[pos:content_end]))
                title_range = (pos, content_end)
                first_title = False
            pos = closer.end() if closer else n
    return chunks, title_range


def visible_text(source: str, *, first_title: bool = True) -> str:
    """The text a reader sees in `source`: markup removed, entities decoded.

    >>> visible_text('<p title="a>b">x &amp; <b>y</b><!-- no --><script>"</p>"</script>&zzz;</p>')
    'x & y&zzz;'
    """
    return "".join(_scan(source, first_title=first_title)[0])


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def html_partition_problems(source: str | bytes, result: Result, *, coverage: bool = True) -> list[str]:
    """Every way in which `result` breaks the HTML provenance contract for `source`.

    `source` is the page as given to `clean_html`: for bytes, `result.source`
    must be those bytes decoded with `result.encoding`.  With `coverage`,
    every visible character of the page must lie in some piece.
    """
    problems: list[str] = []
    if isinstance(source, (bytes, bytearray)):
        if not isinstance(result.source, str) or not result.encoding:
            return [f"bytes input gave source {type(result.source).__name__}, encoding {result.encoding!r}"]
        data = bytes(source)
        for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            if data.startswith(bom):
                data = data[len(bom):]
                break
        decoded = data.decode(result.encoding, errors="replace")
        if result.source != decoded:
            problems.append(f"result.source is not the input decoded as {result.encoding}")
        source = result.source
    elif result.source != source:
        problems.append("result.source is not the input")
    chunks, title_range = _scan(source, first_title=True)
    pieces = _pieces(result)
    for kind, start, end, text in pieces:
        if not 0 <= start < end <= len(source):
            problems.append(f"{kind} span [{start}:{end}] is empty or outside the input")
            continue
        if not text or text != text.strip():
            problems.append(f"{kind} [{start}:{end}] text {text!r} is empty or not trimmed")
        if title_range and title_range[0] <= start < end <= title_range[1]:
            # A piece of the leading <title>: its content is text only.
            read = _collapsed(html.unescape(source[start:end]))
        else:
            read = _collapsed(visible_text(source[start:end], first_title=False))
        if read != _collapsed(text):
            problems.append(
                f"{kind} span [{start}:{end}] {source[start:end][:200]!r} reads {read[:120]!r}, not {text[:120]!r}")
        elif source[start].isspace() or source[end - 1].isspace():
            problems.append(f"{kind} span [{start}:{end}] starts or ends with whitespace")
    for (ka, sa, ea, ta), (kb, sb, eb, tb) in zip(pieces, pieces[1:]):
        if sb < ea:
            problems.append(f"{ka} [{sa}:{ea}] {ta[:60]!r} overlaps {kb} [{sb}:{eb}] {tb[:60]!r}")
    title = result.title
    if title is not None and (title.out_start is not None or title.out_end is not None):
        problems.append("the title has an out_start/out_end: it must not be part of text")
    problems += result_problems(result)
    if coverage:
        # Every visible character is in some piece: the pieces, in source
        # order, spell the page's visible text (whitespace aside).
        seen = "".join("".join(text.split()) for _, _, _, text in pieces)
        page = "".join("".join(chunks).split())
        if seen != page:
            at = next((i for i, (a, b) in enumerate(zip(seen, page)) if a != b), min(len(seen), len(page)))
            problems.append(
                f"the pieces spell {seen[max(0, at - 30):at + 30]!r} where the page shows "
                f"{page[max(0, at - 30):at + 30]!r} (at visible character {at}; "
                f"{len(seen)} vs {len(page)} characters)")
    return problems


def assert_html_partition(source: str | bytes, result: Result, *, coverage: bool = True) -> None:
    """Assert the provenance contract of DESIGN.md for HTML input."""
    problems = html_partition_problems(source, result, coverage=coverage)
    assert not problems, "HTML provenance contract broken:\n  " + "\n  ".join(problems[:20])


def spy_on_urls(monkeypatch) -> list:
    """Record the `url=` of every `Cleaner.clean` call (which still cleans)."""
    import cleaner

    seen: list = []
    real = cleaner.Cleaner.clean

    def clean(self, text, *, language=None, url=None):
        seen.append(url)
        return real(self, text, language=language, url=url)

    monkeypatch.setattr(cleaner.Cleaner, "clean", clean)
    return seen
