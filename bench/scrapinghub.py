"""cleaner on the ScrapingHub article-extraction benchmark (181 news pages).

What is measured
----------------
Quality uses the benchmark's own metric (see ``bench/metric.py``): token 4-gram
shingles per page, precision and recall averaged over pages, F1 of the averages.
Time is wall-clock (``time.perf_counter``) for the system alone; turning the HTML
into visible text with html_text is done once per run and is not counted. Each
system gets one warm-up call (on the first page) before it is timed, so one-off
set-up such as compiling rules is not counted either.

Modes (``--modes``, default: all):

* ``text`` — ``cleaner.clean(html_text.extract_text(html))``: the page's visible text
  in, what a scraper that kept all text would have. Baselines on the same input:
  keep-all, the C4 line filter, jusText on the text's lines, a plain line filter.
* ``html`` — ``cleaner.clean_html(html)`` beside trafilatura and readability-lxml.
* ``after-trafilatura`` — ``cleaner.clean(trafilatura.extract(html))`` against
  trafilatura alone: does cleaning what an extractor kept gain precision, and at what
  cost in recall?
* ``clean-articles`` — the ground-truth bodies themselves through ``cleaner.clean``:
  the share of each body's shingles that survive (requirement: mean ≥ 99.5 %).
* ``speed`` — best-of-N totals, side by side in one run: ``cleaner.clean`` against
  the plain line filter on the page texts (requirement: ≤ 4× the line filter), and
  ``cleaner.clean_html`` against ``trafilatura.extract`` (requirement: ≥ 3× faster).

Run from the repository root::

    python -m bench.scrapinghub                       # all modes
    python -m bench.scrapinghub --modes text --worst 10
    python -m bench.scrapinghub --data PATH --json results.json

Each mode prints a markdown table. ``--worst N`` lists the N pages with the lowest
F1 for cleaner (or for ``--worst-system NAME``) in the quality modes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Sequence

import html_text

from bench import baselines, systems
from bench.corpus import DEFAULT_DATA_DIR, DataError, Page, load_pages
from bench.metric import DocScore, Score, aggregate, score_document, survival
from bench.report import markdown_table
from bench.systems import System, Unavailable
from bench.timing import run_all, seconds

MODES = ("text", "html", "after-trafilatura", "clean-articles", "speed")

# Published / previously measured F1 of the reference systems on this benchmark.
REFERENCE_F1 = {
    "keep-all": 0.665,
    "C4 line filter": 0.820,
    "jusText (English stoplist)": 0.761,
    "trafilatura (no comments)": 0.960,
    "trafilatura (no comments, favor_precision)": 0.964,
    "readability-lxml": 0.949,
}

ARTICLE_SURVIVAL_FLOOR = 0.995
AFTER_EXTRACTOR_F1 = 0.965
AFTER_EXTRACTOR_RECALL_DROP = 0.005
SPEED_TEXT_MAX_RATIO = 4.0
SPEED_HTML_MIN_RATIO = 3.0

_NOISY_LOGGERS = ("trafilatura", "readability", "htmldate", "courlan", "justext")


# --- running one system over the pages --------------------------------------------


@dataclass
class SystemRun:
    """One system's outputs on every page, with timing, errors and scores."""

    system: str
    outputs: dict[str, str]
    seconds: float
    errors: dict[str, str]
    docs: dict[str, DocScore]
    score: Score

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / max(1, len(self.outputs))

    def as_json(self) -> dict[str, object]:
        return {
            "precision": self.score.precision,
            "recall": self.score.recall,
            "f1": self.score.f1,
            "seconds": self.seconds,
            "ms_per_page": self.ms_per_page,
            "errors": len(self.errors),
            "reference_f1": REFERENCE_F1.get(self.system),
        }


def apply(system: System, inputs: dict[str, str]) -> tuple[dict[str, str], dict[str, str], float]:
    """Run ``system`` on every input; a page that raises yields '' and an error."""
    outputs: dict[str, str] = {}
    errors: dict[str, str] = {}

    def go() -> None:
        for page_id, value in inputs.items():
            try:
                outputs[page_id] = system.run(value) or ""
            except Exception as exc:  # one bad page must not hide the other 180
                outputs[page_id] = ""
                errors[page_id] = f"{type(exc).__name__}: {exc}"

    warm_up(system, inputs)
    return outputs, errors, seconds(go)


def warm_up(system: System, inputs: dict[str, str]) -> None:
    first = next(iter(inputs.values()), "")
    try:
        system.run(first)
    except Exception:
        pass  # reported when the page is run for real


def run_system(system: System, inputs: dict[str, str], pages: Sequence[Page]) -> SystemRun:
    outputs, errors, elapsed = apply(system, inputs)
    docs = {p.id: score_document(p.truth, outputs[p.id]) for p in pages}
    return SystemRun(system.name, outputs, elapsed, errors, docs, aggregate(docs.values()))


# --- the benchmark session ----------------------------------------------------------


@dataclass
class Bench:
    pages: list[Page]
    worst: int = 0
    partial: bool = False  # --limit: reference F1s are for all 181 pages, not shown
    worst_system: str | None = None
    repeats: int = 5
    html_repeats: int = 2
    results: dict[str, object] = field(default_factory=dict)

    @cached_property
    def texts(self) -> dict[str, str]:
        """Visible text of every page, extracted once (not counted in any timing)."""
        return {p.id: html_text.extract_text(p.html) for p in self.pages}

    @cached_property
    def htmls(self) -> dict[str, str]:
        return {p.id: p.html for p in self.pages}

    @cached_property
    def trafilatura_run(self) -> SystemRun | None:
        system = available(systems.trafilatura_default)
        return run_system(system, self.htmls, self.pages) if system else None


def available(factory: Callable[[], System]) -> System | None:
    """The system, or None after printing why it is skipped."""
    try:
        return factory()
    except Unavailable as exc:
        print(f"skipped: {exc}")
        return None


def quality_table(runs: Sequence[SystemRun], with_reference: bool) -> str:
    rows = [
        [
            r.system,
            r.score.precision,
            r.score.recall,
            r.score.f1,
            _ref(r.system) if with_reference else "-",
            len(r.errors),
            f"{r.seconds:.2f}",
            f"{r.ms_per_page:.1f}",
        ]
        for r in runs
    ]
    headers = ["system", "P", "R", "F1", "ref F1", "errors", "seconds", "ms/page"]
    return markdown_table(headers, rows)


def _ref(system: str) -> str:
    value = REFERENCE_F1.get(system)
    return f"{value:.3f}" if value is not None else "-"


def heading(title: str) -> None:
    print(f"\n### {title}")


def report_runs(bench: Bench, mode: str, runs: list[SystemRun]) -> None:
    if not runs:
        return
    print(quality_table(runs, with_reference=not bench.partial))
    for run in runs:
        report_errors(run)
    bench.results[mode] = {r.system: r.as_json() for r in runs}
    if bench.worst:
        report_worst(bench, mode, runs)


def report_errors(run: SystemRun) -> None:
    if not run.errors:
        return
    page_id, message = next(iter(run.errors.items()))
    print(f"\n{run.system}: {len(run.errors)} page(s) raised; first: {page_id}: {message}")


def report_worst(bench: Bench, mode: str, runs: list[SystemRun]) -> None:
    chosen = [r for r in runs if r.system == bench.worst_system] if bench.worst_system else [
        r for r in runs if r.system.startswith("cleaner") or "→ cleaner" in r.system
    ]
    if not chosen:
        wanted = bench.worst_system or "cleaner"
        print(f"\n(--worst: no '{wanted}' row in mode {mode}; systems: {', '.join(r.system for r in runs)})")
        return
    for run in chosen:
        urls = {p.id: p.url for p in bench.pages}
        ranked = sorted(run.docs.items(), key=lambda item: (item[1].f1, item[0]))[: bench.worst]
        print(f"\nWorst {len(ranked)} pages by F1 for {run.system} ({mode}):\n")
        rows = [
            [pid, d.precision, d.recall if d.recall is not None else "-", d.f1, urls[pid]]
            for pid, d in ranked
        ]
        print(markdown_table(["page id", "P", "R", "F1", "url"], rows))


# --- modes --------------------------------------------------------------------------


def mode_text(bench: Bench) -> None:
    heading("Text in: clean(html_text.extract_text(html))")
    factories: list[Callable[[], System]] = [
        systems.cleaner_text,
        lambda: System("keep-all", baselines.keep_all),
        lambda: System("C4 line filter", baselines.c4_filter),
        lambda: System("C4 line filter (TFDS code settings)", baselines.c4_tfds_filter),
        lambda: System("jusText (English stoplist)", baselines.justext_text),
        lambda: System("jusText (per-page stoplist)", baselines.justext_text_detected),
        lambda: System("line filter", baselines.line_filter),
    ]
    runs = [run_system(s, bench.texts, bench.pages) for s in map(available, factories) if s]
    print()
    report_runs(bench, "text", runs)


def mode_html(bench: Bench) -> None:
    heading("HTML in: clean_html(html)")
    factories: list[Callable[[], System]] = [
        systems.cleaner_html,
        systems.trafilatura_default,
        systems.trafilatura_no_comments,
        lambda: systems.trafilatura_no_comments(favor_precision=True),
        systems.readability_lxml,
    ]
    runs = []
    for system in map(available, factories):
        if system is None:
            continue
        if system.name == "trafilatura" and bench.trafilatura_run is not None:
            runs.append(bench.trafilatura_run)  # shared with after-trafilatura
        else:
            runs.append(run_system(system, bench.htmls, bench.pages))
    print()
    report_runs(bench, "html", runs)


def mode_after_trafilatura(bench: Bench) -> None:
    heading("After trafilatura: clean(trafilatura.extract(html))")
    base = bench.trafilatura_run
    if base is None:
        print("skipped mode after-trafilatura: trafilatura is not available")
        return
    runs = [base]
    for factory in (systems.cleaner_text, systems.cleaner_text_favor_recall):
        cleaner = available(factory)
        if cleaner is not None:
            chained = System(f"trafilatura → {cleaner.name}", cleaner.run, cleaner.reset)
            runs.append(run_system(chained, base.outputs, bench.pages))
    print()
    report_runs(bench, "after-trafilatura", runs)
    deltas = {}
    for run in runs[1:]:
        after = run.score
        d_p = after.precision - base.score.precision
        d_r = after.recall - base.score.recall
        d_f = after.f1 - base.score.f1
        met = after.f1 >= AFTER_EXTRACTOR_F1 and d_r >= -AFTER_EXTRACTOR_RECALL_DROP
        print(f"\n{run.system}: precision {d_p:+.3f}, recall {d_r:+.3f}, F1 {d_f:+.3f} "
              f"(requirement F1 ≥ {AFTER_EXTRACTOR_F1}, recall drop ≤ {AFTER_EXTRACTOR_RECALL_DROP}: "
              f"{'met' if met else 'NOT met'})")
        deltas[run.system] = {"precision": d_p, "recall": d_r, "f1": d_f, "requirement_met": met}
    bench.results["after-trafilatura"]["delta"] = deltas


def mode_clean_articles(bench: Bench) -> None:
    heading("Clean articles: ground-truth bodies through clean()")
    cleaner = available(systems.cleaner_text)
    if cleaner is None:
        print("skipped mode clean-articles: cleaner.clean is not available")
        return
    truths = {p.id: p.truth for p in bench.pages}
    recall = available(systems.cleaner_text_favor_recall)
    if recall is not None:
        # The figure the requirement is about is the default's, below; this
        # one says what a caller who knows the text is an article gets.
        r_out, _, _ = apply(recall, truths)
        r_mean = sum(survival(truths[pid], r_out[pid]) for pid in truths) / len(truths)
        print(f"\n{recall.name}: mean shingles kept {r_mean:.2%}")
        bench.results.setdefault("clean-articles-favor-recall", {"mean_kept": r_mean})
    outputs, errors, elapsed = apply(cleaner, truths)
    kept = {pid: survival(truths[pid], outputs[pid]) for pid in truths}
    mean = sum(kept.values()) / len(kept)
    below = sum(1 for v in kept.values() if v < ARTICLE_SURVIVAL_FLOOR)
    verdict = "met" if mean >= ARTICLE_SURVIVAL_FLOOR else "NOT met"
    print()
    print(
        markdown_table(
            ["pages", "mean shingles kept", f"pages < {ARTICLE_SURVIVAL_FLOOR:.1%}", "errors", "seconds"],
            [[len(kept), f"{mean:.2%}", below, len(errors), f"{elapsed:.2f}"]],
        )
    )
    print(f"\nrequirement mean ≥ {ARTICLE_SURVIVAL_FLOOR:.1%}: {verdict}")
    urls = {p.id: p.url for p in bench.pages}
    worst = sorted(kept.items(), key=lambda item: (item[1], item[0]))[: max(5, bench.worst)]
    print(f"\nWorst {len(worst)} bodies:\n")
    print(markdown_table(["page id", "kept", "url"], [[pid, f"{v:.2%}", urls[pid]] for pid, v in worst]))
    if errors:
        page_id, message = next(iter(errors.items()))
        print(f"\n{len(errors)} body(ies) raised; first: {page_id}: {message}")
    bench.results["clean-articles"] = {
        "mean_kept": mean,
        "pages_below_floor": below,
        "floor": ARTICLE_SURVIVAL_FLOOR,
        "requirement_met": mean >= ARTICLE_SURVIVAL_FLOOR,
        "errors": len(errors),
        "worst": [{"page": pid, "kept": v} for pid, v in worst],
    }


def time_pair(
    first: System, second: System, inputs: dict[str, str], repeats: int
) -> tuple[float, float]:
    """Best-of-``repeats`` totals of two systems over the same inputs, interleaved."""
    for system in (first, second):
        warm_up(system, inputs)
    values = list(inputs.values())
    times_first, times_second = [], []
    for _ in range(max(1, repeats)):  # interleave so drift on the machine hits both
        for system in (first, second):
            if system.reset is not None:
                system.reset()
        times_first.append(seconds(run_all(first.run, values)))
        times_second.append(seconds(run_all(second.run, values)))
    return min(times_first), min(times_second)


def mode_speed(bench: Bench) -> None:
    heading("Speed (best of repeats, whole corpus)")
    rows: list[list[object]] = []
    results: dict[str, object] = {}
    clean = available(systems.cleaner_text)
    if clean is not None:
        line = System("line filter", baselines.line_filter)
        t_clean, t_line = time_pair(clean, line, bench.texts, bench.repeats)
        ratio = t_clean / t_line
        ok = ratio <= SPEED_TEXT_MAX_RATIO
        rows.append(_speed_row("clean vs line filter (text)", t_clean, t_line, ratio,
                               f"≤ {SPEED_TEXT_MAX_RATIO:g}× slower", ok, bench.repeats))
        results["text"] = {"cleaner_seconds": t_clean, "line_filter_seconds": t_line,
                           "ratio": ratio, "requirement_met": ok, "repeats": bench.repeats}
    clean_html = available(systems.cleaner_html)
    trafilatura = available(systems.trafilatura_default)
    if clean_html is not None and trafilatura is not None:
        t_clean, t_traf = time_pair(clean_html, trafilatura, bench.htmls, bench.html_repeats)
        ratio = t_traf / t_clean
        ok = ratio >= SPEED_HTML_MIN_RATIO
        rows.append(_speed_row("clean_html vs trafilatura.extract", t_clean, t_traf, ratio,
                               f"≥ {SPEED_HTML_MIN_RATIO:g}× faster", ok, bench.html_repeats))
        results["html"] = {"cleaner_seconds": t_clean, "trafilatura_seconds": t_traf,
                           "speedup": ratio, "requirement_met": ok, "repeats": bench.html_repeats}
    if rows:
        print()
        headers = ["comparison", "cleaner s", "other s", "ratio", "requirement", "met", "repeats"]
        print(markdown_table(headers, rows))
        print("\nratio: cleaner/line filter for text (lower is better); "
              "trafilatura/clean_html for HTML (higher is better).")
    bench.results["speed"] = results


def _speed_row(name: str, ours: float, other: float, ratio: float,
               requirement: str, ok: bool, repeats: int) -> list[object]:
    return [name, f"{ours:.3f}", f"{other:.3f}", f"{ratio:.2f}×", requirement,
            "yes" if ok else "NO", repeats]


MODE_FUNCTIONS: dict[str, Callable[[Bench], None]] = {
    "text": mode_text,
    "html": mode_html,
    "after-trafilatura": mode_after_trafilatura,
    "clean-articles": mode_clean_articles,
    "speed": mode_speed,
}


# --- command line -------------------------------------------------------------------


def parse_modes(values: Sequence[str]) -> list[str]:
    modes = [m for v in values for m in v.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise SystemExit(f"error: unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    return modes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scrapinghub",
        description="Run cleaner and its peers on the ScrapingHub article-extraction benchmark.",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                        help="benchmark directory (ground-truth.json, html/); "
                             "default: ../shared/data/scrapinghub beside the repo")
    parser.add_argument("--modes", nargs="+", default=list(MODES), metavar="MODE",
                        help=f"modes to run, space or comma separated: {', '.join(MODES)} (default: all)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write all numbers to this JSON file")
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="list the N pages with the lowest F1 for cleaner in each quality mode")
    parser.add_argument("--worst-system", metavar="NAME",
                        help="list worst pages for this system (a row name) instead of cleaner")
    parser.add_argument("--repeats", type=int, default=5,
                        help="speed mode: repeats for the text comparison (best is kept; default 5)")
    parser.add_argument("--html-repeats", type=int, default=2,
                        help="speed mode: repeats for the HTML comparison (default 2)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pages (quick checks)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    modes = parse_modes(args.modes)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        pages = load_pages(args.data, args.limit)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bench = Bench(pages, partial=bool(args.limit), worst=args.worst, worst_system=args.worst_system,
                  repeats=args.repeats, html_repeats=args.html_repeats)
    origin = describe_cleaner()
    print(f"ScrapingHub benchmark: {len(pages)} pages from {args.data.resolve()}")
    print(f"cleaner: {origin}")
    for mode in modes:
        MODE_FUNCTIONS[mode](bench)
    if args.json:
        payload = {"data": str(args.data.resolve()), "pages": len(pages), "cleaner": origin,
                   "modes": bench.results}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


def describe_cleaner() -> str:
    try:
        return systems.cleaner_origin(systems.load_cleaner())
    except Unavailable as exc:
        return f"not available ({exc})"


if __name__ == "__main__":
    sys.exit(main())
