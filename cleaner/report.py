"""A visual report: one self-contained HTML page showing what was removed and why.

Each document is a section: a header (name, language, confidence, counts)
and its source with every removed piece highlighted in its category's
colour — hover for the rule id and reason — the title marked, and the kept
body as plain readable text.  Text sources are shown as they are (spacing
included); HTML sources show the text of their pieces in source order, not
the markup.  The page needs nothing but itself: inline CSS, no scripts, no
external resources.

The page is streamed: each document is written when it is added, so memory
stays flat however many documents a report holds; the summary table (one
row per document, linking to its section) is kept in a temporary file and
written at the end.

>>> import io, tempfile, os, cleaner
>>> path = os.path.join(tempfile.mkdtemp(), "report.html")
>>> with ReportWriter(path) as report:
...     report.add("a.txt", cleaner.clean("Home\\n\\n" + "The council met on Tuesday and agreed the budget. " * 3))
>>> page = open(path, encoding="utf-8").read()
>>> page.count('<section class="doc"'), page.count('<mark class="rm cat-navigation')
(1, 1)
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import IO, Iterable

from .model import Category, Removal, Result, Segment

__all__ = ["ReportWriter", "write_report", "COLOURS"]

# One colour per category (ColorBrewer Set3: light, distinct hues that keep
# dark text readable).  The legend, the highlights and the summary use them.
COLOURS: dict[Category, str] = {
    Category.RELATED: "#fdb462",
    Category.NAVIGATION: "#80b1d3",
    Category.AD: "#fb8072",
    Category.AUTHOR_BIO: "#b3de69",
    Category.BYLINE: "#bebada",
    Category.COMMENTS: "#8dd3c7",
    Category.NEWSLETTER: "#fccde5",
    Category.SHARE: "#ffed6f",
    Category.CAPTION: "#ccebc5",
    Category.LEGAL: "#d9d9d9",
    Category.BOILERPLATE: "#bc80bd",
}
TITLE_COLOUR = "#dbe9ff"
# Confidence below this is flagged in the header and summary: DESIGN.md's
# "low" (listings, stubs, cookie walls).
LOW_CONFIDENCE = 0.4

# Between two pieces of an HTML page: a block-level tag in the markup that
# separates them means a new line; any other markup or space, a space.
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|section|article|aside|nav|header|"
    r"footer|main|figure|figcaption|blockquote|pre|form|hr|title|body|head)\b",
    re.IGNORECASE,
)

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;background:#fafafa}
.bar{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ccc;padding:.5em 1.2em;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.bar h1{font-size:1.15em;margin:0 0 .3em}
.bar a{color:#0645ad}
.legend{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.3em .5em;font-size:.85em}
.legend li{padding:0 .45em;border-radius:3px;border:1px solid rgba(0,0,0,.15)}
.legend .keep{background:#fff}
main{padding:0 1.2em}
.doc{background:#fff;border:1px solid #ddd;border-radius:6px;margin:1.2em 0;padding:.8em 1.2em;scroll-margin-top:6em;max-width:62em}
.doc h2{font-size:1.1em;margin:0 0 .2em;overflow-wrap:anywhere}
.doc h2 .n{color:#888;font-weight:normal;margin-right:.4em}
.meta{margin:0;color:#555;font-size:.88em}
.meta .low,.summary .low{color:#b00020;font-weight:bold}
.cats{margin:.3em 0 .6em;font-size:.8em;display:flex;flex-wrap:wrap;gap:.3em}
.chip{display:inline-block;white-space:nowrap;padding:0 .4em;margin:.05em 0;border-radius:3px;border:1px solid rgba(0,0,0,.15)}
.warn{margin:.2em 0;color:#8a5300;font-size:.85em}
.src{white-space:pre-wrap;overflow-wrap:anywhere;border-top:1px solid #eee;padding-top:.6em;margin:0}
.src.html .p{display:inline}
.title{font-weight:bold;font-size:1.12em;background:""" + TITLE_COLOUR + """;border-radius:3px;padding:0 .15em}
mark.rm{color:#333;border-radius:2px;padding:0 .1em;border-bottom:2px solid rgba(0,0,0,.25)}
mark.rm.run::before{content:attr(data-cat);font:bold .62em/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.04em;vertical-align:.35em;margin-right:.35em;color:rgba(0,0,0,.55)}
.summary{padding:.5em 1.2em 2em;scroll-margin-top:6em}
.summary table{border-collapse:collapse;font-size:.88em;background:#fff}
.summary th,.summary td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
.summary td.num{text-align:right;font-variant-numeric:tabular-nums}
""" + "".join(f".cat-{c.value}{{background:{colour}}}\n" for c, colour in COLOURS.items())


def _e(text: object) -> str:
    """Escape for element content and quoted attribute values alike."""
    return html.escape(str(text), quote=True)


def _is_text_source(result: Result) -> bool:
    """Whether `result.source` is plain text: every piece is its source slice, gaps are space.

    For HTML the pieces' texts differ from their slices (tags, entities) or
    the gaps hold markup; then the pieces are shown, not the source.
    """
    pos = 0
    for p in _pieces(result):
        if result.source[p.start:p.end] != p.text or result.source[pos:p.start].strip():
            return False
        pos = max(pos, p.end)
    return not result.source[pos:].strip()


def _pieces(result: Result) -> list[Segment | Removal]:
    pieces: list[Segment | Removal] = [*result.segments, *result.removed]
    if result.title is not None:
        pieces.append(result.title)
    return sorted(pieces, key=lambda p: (p.start, p.end))


def _piece_html(piece: Segment | Removal, result: Result, previous: Category | None) -> str:
    if isinstance(piece, Removal):
        cat = piece.category.value
        # The first removal of a run of one category carries a visible label
        # (CSS ::before), so a printout or screenshot says what it is too.
        run = " run" if piece.category is not previous else ""
        tip = f"{cat}: {piece.rule}\n{piece.reason}"
        return (f'<mark class="rm cat-{cat}{run}" data-cat="{_e(cat)}" data-rule="{_e(piece.rule)}" '
                f'title="{_e(tip)}">{_e(piece.text)}</mark>')
    if piece is result.title:
        return f'<span class="title" title="title (never part of the clean text)">{_e(piece.text)}</span>'
    return f'<span class="keep">{_e(piece.text)}</span>'


def _html_gap(gap: str, before: Segment | Removal, after: Segment | Removal, result: Result) -> str:
    """What stands for the markup between two pieces of an HTML page.

    Body paragraphs get a blank line between them and around them, as in
    `Result.text`; runs of removed blocks (menus, link lists) one line each,
    so they stay compact; pieces inside one block a space, or nothing.
    """
    if not _BLOCK_TAG.search(gap):
        return " " if gap else ""
    kept = any(isinstance(p, Segment) and p is not result.title for p in (before, after))
    return "\n\n" if kept else "\n"


def _source_html(result: Result, as_text: bool) -> str:
    """The document's pieces in source order, with the text between them."""
    out: list[str] = []
    pos = 0
    previous: Segment | Removal | None = None
    for piece in _pieces(result):
        gap = result.source[pos:piece.start] if piece.start > pos else ""
        if as_text:
            out.append(_e(gap))  # whitespace only: the document's own layout
        elif previous is not None:
            out.append(_html_gap(gap, previous, piece, result))
        out.append(_piece_html(piece, result, previous.category if isinstance(previous, Removal) else None))
        previous = piece
        pos = max(pos, piece.end)
    if as_text:
        out.append(_e(result.source[pos:].rstrip()))
    return "".join(out)


def _chips(counts: Counter) -> str:
    return "".join(
        f'<span class="chip cat-{c.value}">{_e(c.value)} {counts[c]}</span>' for c in Category if counts[c])


class ReportWriter:
    """Streams documents into one self-contained HTML report.

    Use as a context manager (the page is completed on exit, even after an
    error) or call `close()`.  `add()` writes each document at once.
    """

    def __init__(self, path: str | os.PathLike, title: str = "cleaner report") -> None:
        self.path = Path(path)
        self.title = title
        self._count = 0
        self._totals: Counter = Counter()  # removed characters per category
        self._kept_chars = 0
        self._file: IO[str] | None = open(self.path, "w", encoding="utf-8")
        # Summary rows wait here until close(): one row per document would
        # otherwise be the only thing growing with the number of documents.
        self._rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._file.write(self._head())

    def _head(self) -> str:
        legend = "".join(
            f'<li class="cat-{c.value}">{_e(c.value)}</li>' for c in Category)
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f'<header class="bar"><h1>{_e(self.title)} <small>· <a href="#summary">summary</a></small></h1>\n'
            f'<ul class="legend"><li class="keep">kept text</li><li class="title">title</li>{legend}</ul>'
            "</header>\n<main>\n"
        )

    def add(self, name: str, result: Result, *, html_source: bool | None = None) -> None:
        """Write one document's section now.

        `html_source` says how to show the source; by default it is worked
        out from the result (text when every piece is its own source slice).
        """
        if self._file is None:
            raise ValueError("ReportWriter is closed")
        self._count += 1
        n = self._count
        as_text = _is_text_source(result) if html_source is None else not html_source
        counts = Counter(r.category for r in result.removed)
        removed_chars = Counter()
        for r in result.removed:
            removed_chars[r.category] += len(r.text)
        kept_chars = sum(len(s.text) for s in result.segments)
        self._totals.update(removed_chars)
        self._kept_chars += kept_chars
        low = ' class="low"' if result.confidence < LOW_CONFIDENCE else ""
        meta = [
            f"language {_e(result.language or '?')}",
            f"<span{low}>confidence {result.confidence:.2f}</span>",
            "text input" if as_text else f"HTML input{f' ({_e(result.encoding)})' if result.encoding else ''}",
            f"{len(result.segments)} kept ({kept_chars:,} chars)",
            f"{len(result.removed)} removed ({sum(removed_chars.values()):,} chars)",
        ]
        warnings = "".join(f'<p class="warn">⚠ {_e(w)}</p>' for w in result.warnings)
        kind = "text" if as_text else "html"
        self._file.write(
            f'<section class="doc" id="d{n}">\n<h2><span class="n">{n}</span>{_e(name)}</h2>\n'
            f'<p class="meta">{" · ".join(meta)}</p>\n<p class="cats">{_chips(counts)}</p>\n{warnings}'
            f'<div class="src {kind}">{_source_html(result, as_text)}</div>\n</section>\n'
        )
        self._file.flush()
        self._rows.write(
            f'<tr><td class="num">{n}</td><td><a href="#d{n}">{_e(name)}</a></td>'
            f"<td>{_e(result.language or '?')}</td><td class=\"num\"><span{low}>{result.confidence:.2f}</span></td>"
            f'<td class="num">{kept_chars:,}</td><td class="num">{sum(removed_chars.values()):,}</td>'
            f"<td>{_chips(counts)}</td></tr>\n"
        )

    @property
    def count(self) -> int:
        """How many documents have been added."""
        return self._count

    def close(self) -> None:
        """Write the summary and finish the page; closing twice is harmless."""
        if self._file is None:
            return
        totals = "".join(
            f'<span class="chip cat-{c.value}">{_e(c.value)} {self._totals[c]:,}</span>'
            for c in Category if self._totals[c])
        self._file.write(
            '</main>\n<footer class="summary" id="summary"><h2>Summary</h2>\n'
            f"<p>{self._count} document{'s' if self._count != 1 else ''}; "
            f"{self._kept_chars:,} characters kept, {sum(self._totals.values()):,} removed</p>\n"
            f'<p class="cats">Removed characters by category: {totals or "none"}</p>\n'
            "<table><thead><tr><th>#</th><th>document</th><th>language</th><th>confidence</th>"
            "<th>kept chars</th><th>removed chars</th><th>removals</th></tr></thead>\n<tbody>\n"
        )
        self._rows.seek(0)
        for row in self._rows:
            self._file.write(row)
        self._rows.close()
        self._file.write("</tbody></table>\n</footer>\n</body>\n</html>\n")
        self._file.close()
        self._file = None

    def __enter__(self) -> "ReportWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_report(path: str | os.PathLike, items: Iterable[tuple[str, Result]],
                 title: str = "cleaner report") -> int:
    """Write a report of `(name, result)` pairs to `path`; returns how many documents."""
    with ReportWriter(path, title) as report:
        for name, result in items:
            report.add(name, result)
        return report.count
