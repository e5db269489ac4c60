"""Does cleaner's cost grow linearly with input size?

What is measured: the wall-clock time (``time.perf_counter``, best of a few repeats
for small inputs) of one ``cleaner.clean`` call on inputs of given sizes, reported
as milliseconds per MB. If cost is linear, ms/MB stays flat; the last line gives
the ratio of ms/MB between the largest and the smallest input (about 1 is linear,
well above 1 means something grows faster than the input).

Inputs are built by concatenating the seed articles (``seeds/*.txt`` in the repo)
and, when the benchmark data is there, the visible text of its 181 pages
(``html_text.extract_text``), separated by blank lines, repeated until the size is
reached. With ``--html`` the same is done for ``cleaner.clean_html`` with the
pages' ``<body>`` contents (less scripts, styles and comments, so that cutting the
document at any tag leaves it whole) joined into one HTML document, after the seeds
wrapped in ``<article><p>``.

Sizes are UTF-8 bytes; KB = 1024 bytes, MB = 1024 KB.

Run from the repository root::

    python -m bench.scaling                       # 10KB,1MB,10MB of text
    python -m bench.scaling --sizes 10KB,100KB,1MB
    python -m bench.scaling --html                # 100KB,1MB,20MB of HTML
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import html_text

from bench import systems
from bench.corpus import DEFAULT_DATA_DIR, REPO_ROOT, DataError, load_pages
from bench.report import markdown_table
from bench.systems import Unavailable
from bench.timing import best_of

DEFAULT_TEXT_SIZES = "10KB,1MB,10MB"
DEFAULT_HTML_SIZES = "100KB,1MB,20MB"
MB = 1024 * 1024
_UNITS = {"B": 1, "KB": 1024, "MB": MB, "GB": 1024 * MB}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?B)\s*$", re.IGNORECASE)
_BODY_RE = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
# Removed from the HTML pieces: the joined document is cut at an arbitrary tag, and
# an unclosed <script> or comment there would swallow the rest of the document, so
# inputs of different sizes would hold very different amounts of text.
_NON_TEXT_RE = re.compile(
    r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class Measurement:
    label: str
    size: int  # bytes of UTF-8
    repeats: int
    seconds: float

    @property
    def ms_per_mb(self) -> float:
        return 1000 * self.seconds / (self.size / MB)


# --- sizes and inputs ---------------------------------------------------------------


def parse_size(label: str) -> int:
    """'10KB' -> 10240 bytes."""
    match = _SIZE_RE.match(label)
    if not match:
        raise ValueError(f"bad size {label!r}: use a number with B, KB, MB or GB, like 10KB")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def default_repeats(size: int) -> int:
    """More repeats for small inputs, where one run is short and noisy."""
    if size < MB:
        return 5
    if size < 10 * MB:
        return 3
    return 1


def load_seeds(seed_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]


def body_of(page_html: str) -> str:
    """The page's <body> content without scripts, styles and comments."""
    match = _BODY_RE.search(page_html)
    return _NON_TEXT_RE.sub("", match.group(1) if match else page_html)


def seed_as_html(seed: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", seed) if p.strip()]
    return "<article>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</article>"


def fill(pieces: Sequence[str], size: int, separator: str) -> str:
    """Repeat ``pieces`` joined by ``separator`` until at least ``size`` bytes."""
    parts: list[str] = []
    total = 0
    while total < size:
        piece = pieces[len(parts) % len(pieces)]
        parts.append(piece)
        total += len(piece.encode("utf-8")) + len(separator)
    return separator.join(parts)


def cut(text: str, size: int, boundary: str) -> str:
    """``text`` cut to at most ``size`` bytes, at the last ``boundary`` if near the end."""
    head = text.encode("utf-8")[:size].decode("utf-8", errors="ignore")
    at = head.rfind(boundary)
    return head[:at] if at >= 0.9 * len(head) else head


def build_text(pieces: Sequence[str], size: int) -> str:
    return cut(fill(pieces, size, "\n\n"), size, "\n\n")


def build_html(pieces: Sequence[str], size: int) -> str:
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>scaling</title></head><body>\n'
    tail = "\n</body></html>"
    room = max(1, size - len(head) - len(tail))
    return head + cut(fill(pieces, room, "\n"), room, "<") + tail


# --- measuring ----------------------------------------------------------------------


def measure(
    fn: Callable[[str], object], label: str, requested: int, document: str, repeats: int | None,
    reset: Callable[[], None] | None = None,
) -> Measurement:
    count = repeats or default_repeats(requested)
    size = len(document.encode("utf-8"))

    def once() -> object:
        # A repeat must not profit from what the previous one remembered
        # (cleaner's rule memo). Within one big input the memo does help,
        # since the input repeats the corpus's pages; see bench/README.md.
        if reset is not None:
            reset()
        return fn(document)

    return Measurement(label, size, count, best_of(once, count))


def report(measurements: Sequence[Measurement], what: str) -> dict[str, object]:
    smallest = min(measurements, key=lambda m: m.size)
    largest = max(measurements, key=lambda m: m.size)
    rows = [
        [m.label, f"{m.size:,}", m.repeats, f"{m.seconds:.3f}", f"{m.ms_per_mb:.1f}",
         f"{m.ms_per_mb / smallest.ms_per_mb:.2f}" if smallest.ms_per_mb else "-"]
        for m in measurements
    ]
    print(f"\n### Scaling of {what}\n")
    headers = ["size", "bytes", "repeats", "seconds", "ms/MB", f"ms/MB ÷ {smallest.label}"]
    print(markdown_table(headers, rows))
    ratio = largest.ms_per_mb / smallest.ms_per_mb if smallest.ms_per_mb else float("nan")
    print(f"\nms/MB at {largest.label} ÷ ms/MB at {smallest.label}: {ratio:.2f} (≈ 1 means linear cost)")
    return {
        "function": what,
        "sizes": [
            {"label": m.label, "bytes": m.size, "repeats": m.repeats, "seconds": m.seconds,
             "ms_per_mb": m.ms_per_mb}
            for m in measurements
        ],
        "largest_over_smallest": ratio,
    }


# --- command line -------------------------------------------------------------------


def source_pieces(data_dir: Path, as_html: bool) -> list[str]:
    """Seed articles, plus the benchmark pages when the data is there."""
    seeds = load_seeds(REPO_ROOT / "seeds")
    try:
        pages = load_pages(data_dir)
    except DataError as exc:
        print(f"note: {exc}; using the seed articles only")
        pages = []
    if as_html:
        pieces = [seed_as_html(s) for s in seeds] + [body_of(p.html) for p in pages]
    else:
        pieces = seeds + [html_text.extract_text(p.html) for p in pages]
    pieces = [p for p in pieces if p.strip()]
    if not pieces:
        raise DataError(f"no input: no seeds in {REPO_ROOT / 'seeds'} and no benchmark data")
    print(f"inputs built from {len(seeds)} seed article(s) and {len(pages)} benchmark page(s)")
    return pieces


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scaling",
        description="Time cleaner.clean (or clean_html) on growing inputs: is the cost linear?",
    )
    parser.add_argument("--sizes", help=f"comma-separated sizes (default {DEFAULT_TEXT_SIZES}; "
                                        f"with --html {DEFAULT_HTML_SIZES})")
    parser.add_argument("--html", action="store_true", help="measure cleaner.clean_html on HTML input")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                        help="benchmark directory to draw page texts from (optional)")
    parser.add_argument("--repeats", type=int, help="repeats per size (default: 5 below 1MB, 3 below 10MB, else 1)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers to this JSON file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        spec = args.sizes or (DEFAULT_HTML_SIZES if args.html else DEFAULT_TEXT_SIZES)
        labels = [s.strip() for s in spec.split(",") if s.strip()]
        sizes = [parse_size(label) for label in labels]
        system = systems.cleaner_html() if args.html else systems.cleaner_text()
        pieces = source_pieces(args.data, args.html)
    except (ValueError, Unavailable, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    build = build_html if args.html else build_text
    system.run(build(pieces, 1024))  # warm-up: compile rules outside the timings
    measurements = [
        measure(system.run, label, size, build(pieces, size), args.repeats, system.reset)
        for label, size in zip(labels, sizes)
    ]
    results = report(measurements, system.name)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
