"""What the Result contract alone costs, next to the line filter of issue #2.

Issue #2 asks `clean` to take at most 4 times the time of a plain Python line
filter over the 181 page texts. This measures, side by side and best of
repeats, steps that any implementation of the contract must take per line,
before it decides anything:

* ``line filter``: the baseline (``bench.baselines.line_filter``);
* ``split lines with offsets``: walk the lines keeping each one's source
  offset, the least that exact spans need;
* ``+ one Segment per line``: also build one frozen ``cleaner.Segment`` per
  non-blank line (DESIGN.md: every kept piece and every removal is a frozen
  dataclass, and every non-whitespace character lies in exactly one piece);
* ``+ stopword share per line``: also lowercase, split and count stopwords, the
  least a prose test needs;
* ``cleaner.clean``: the whole pipeline.

Ratios are to the line filter. Run from the repository root::

    python -m bench.floor --data ../shared/data/scrapinghub
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

import html_text

import cleaner
from bench.baselines import line_filter
from bench.corpus import DEFAULT_DATA_DIR, DataError, load_pages
from bench.timing import best_of, run_all
from cleaner.model import Segment


def split_with_offsets(text: str) -> int:
    pos, lines = 0, 0
    for line in text.split("\n"):
        if line.strip():
            lines += 1
        pos += len(line) + 1
    return lines


def segments_per_line(text: str) -> list[Segment]:
    pieces, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            pieces.append(Segment(pos, pos + len(line), line, pos, pos + len(line)))
        pos += len(line) + 1
    return pieces


_STOPWORDS = cleaner.Cleaner()._stopwords("en")


def segments_and_stopwords(text: str) -> list[tuple[Segment, float]]:
    pieces, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            words = line.lower().split()
            share = sum(map(_STOPWORDS.__contains__, words)) / len(words)
            pieces.append((Segment(pos, pos + len(line), line, pos, pos + len(line)), share))
        pos += len(line) + 1
    return pieces


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="benchmark directory")
    parser.add_argument("--repeats", type=int, default=5, help="best of this many runs (default 5)")
    args = parser.parse_args(argv)
    try:
        pages = load_pages(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    texts = [html_text.extract_text(p.html) for p in pages]
    c = cleaner.Cleaner()
    steps: list[tuple[str, Callable[[str], object]]] = [
        ("line filter", line_filter),
        ("split lines with offsets", split_with_offsets),
        ("+ one Segment per line", segments_per_line),
        ("+ stopword share per line", segments_and_stopwords),
        ("cleaner.clean", c.clean),
    ]
    for _, fn in steps:  # warm up: rule compiles, caches
        run_all(fn, texts)()
    base = None
    print(f"{len(texts)} page texts, {sum(t.count(chr(10)) + 1 for t in texts):,} lines\n")
    print("| step | seconds | × line filter |\n|---|--:|--:|")
    for name, fn in steps:
        go = run_all(fn, texts)

        def one_pass(go: Callable[[], None] = go) -> None:
            c.clear_memo()  # as bench.scrapinghub does: a pass costs what a first does
            go()

        seconds = best_of(one_pass, args.repeats)
        base = base or seconds
        print(f"| {name} | {seconds:.3f} | {seconds / base:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
