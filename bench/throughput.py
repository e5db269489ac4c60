"""Throughput and memory of the ``clean`` command on batches.

Two measurements, each running the real command in a subprocess
(``python -m cleaner.cli``), as a user would:

* **throughput** -- the ScrapingHub pages (unpacked once into a temporary
  directory as ``<id>.html``) through ``clean -j N --format json -o DIR``,
  for each N of ``--jobs`` (default 1 and 2): wall time (best of
  ``--repeats``, start-up included), documents/s and MB/s of input HTML.
  The outputs of every N are compared: they must be identical.
* **memory** -- ``--docs`` small generated articles (default 100,000, about
  1 KB each, all different), cleaned as one JSON Lines stream and as a
  directory tree of files, with ``-j 2``.  The peak resident memory of the
  whole process tree (the command, its forkserver and workers) is sampled
  every 50 ms from /proc (or psutil when installed) and reported at a tenth
  of the documents and at all of them: flat memory means the two agree.

Run from the repository root::

    python -m bench.throughput --data ../shared/data/scrapinghub
    python -m bench.throughput --skip-memory              # throughput only
    python -m bench.throughput --skip-throughput --docs 20000

Nothing reaches the network; temporary files go to ``--tmp`` (default: the
system's temporary directory) and are removed at the end.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import DEFAULT_DATA_DIR, DataError, load_ground_truth
from bench.report import markdown_table

SAMPLE_EVERY = 0.05


# ---------------------------------------------------------------- memory of a process tree


def _children() -> dict[int, list[int]]:
    """ppid -> pids, for every process (from /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rfind(b")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> tuple[int, int]:
    """(sum of RSS over `root` and its descendants, the largest single RSS), in KiB."""
    try:
        import psutil  # optional: used when installed, never required

        proc = psutil.Process(root)
        procs = [proc] + proc.children(recursive=True)
        sizes = []
        for p in procs:
            try:
                sizes.append(p.memory_info().rss // 1024)
            except psutil.Error:
                pass
        return sum(sizes), max(sizes, default=0)
    except ImportError:
        pass
    except Exception:
        return 0, 0
    tree = _children()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(tree.get(pid, ()))
    sizes = [_rss_kib(p) for p in pids]
    return sum(sizes), max(sizes, default=0)


@dataclass
class Run:
    seconds: float
    peak_tree_kib: int
    peak_one_kib: int
    returncode: int
    # (output lines so far, tree RSS in KiB) at every sample, when stdout is a file
    curve: list[tuple[int, int]]


def run_measured(argv: list[str], stdin: Path | None = None, stdout: Path | None = None) -> Run:
    """Run a command, sampling the memory of its process tree until it ends.

    With `stdout` a file, each sample also counts the lines written so far
    (read incrementally), which shows memory against progress.
    """
    peak = [0, 0]
    curve: list[tuple[int, int]] = []
    lines = [0]
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        watch = open(stdout, "rb") if stdout else None
        while not done.is_set():
            total, one = tree_rss_kib(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], one)
            if watch is not None:
                lines[0] += watch.read().count(b"\n")
                curve.append((lines[0], total))
            done.wait(SAMPLE_EVERY)
        if watch is not None:
            watch.close()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    for f in (out, inp):
        if f is not subprocess.DEVNULL:
            f.close()
    if proc.returncode not in (0,):
        sys.stderr.write(err.decode("utf-8", "replace")[-2000:])
    return Run(seconds, peak[0], peak[1], proc.returncode, curve)


def clean_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner.cli", *args]


# ---------------------------------------------------------------- throughput


_SPIN = "x = 0\nfor i in range(20_000_000): x += i\n"


def parallel_ceiling() -> float:
    """How much faster two CPU-bound processes finish than one after the other, on this machine.

    2.0 on two free cores; less on shared or hyper-threaded vCPUs.  It bounds
    what -j 2 can gain.
    """
    def spin(n: int) -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(n)]
        for p in procs:
            p.wait()
        return time.perf_counter() - started

    one = min(spin(1) for _ in range(2))
    two = min(spin(2) for _ in range(2))
    return 2 * one / two


def unpack_pages(data_dir: Path, dest: Path) -> tuple[int, int]:
    """The benchmark pages as plain .html files; returns (pages, bytes)."""
    truth = load_ground_truth(data_dir)
    dest.mkdir(parents=True)
    size = 0
    for page_id in sorted(truth):
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        (dest / f"{page_id}.html").write_bytes(raw)
        size += len(raw)
    return len(truth), size


def throughput(data_dir: Path, tmp: Path, jobs: list[int], repeats: int) -> list[dict]:
    pages_dir = tmp / "pages"
    pages, size = unpack_pages(data_dir, pages_dir)
    rows, outputs = [], {}
    for n in jobs:
        best = None
        for r in range(repeats):
            out_dir = tmp / f"out-j{n}-{r}"
            run = run_measured(clean_command("-j", str(n), "--format", "json", "-o", str(out_dir), str(pages_dir)))
            if run.returncode not in (0, 1):
                raise SystemExit(f"clean -j {n} failed with status {run.returncode}")
            best = run if best is None or run.seconds < best.seconds else best
            outputs[n] = out_dir
        single = run_measured(clean_command("-j", str(n), "--format", "json", "-o", str(tmp / f"one-{n}"),
                                            str(next(pages_dir.iterdir()))))
        rows.append({
            "jobs": n, "pages": pages, "MB": size / 1e6, "seconds": best.seconds,
            "docs_per_s": pages / best.seconds, "MB_per_s": size / 1e6 / best.seconds,
            "one_page_seconds": single.seconds, "peak_tree_MB": best.peak_tree_kib / 1024,
            # Start-up (what one page costs) taken out: the rate of a long batch.
            "steady_docs_per_s": (pages - 1) / max(best.seconds - single.seconds, 1e-9),
        })
    first = outputs[jobs[0]]
    for n in jobs[1:]:
        cmp = filecmp.dircmp(first, outputs[n])
        same = not cmp.left_only and not cmp.right_only and all(
            filecmp.cmp(first / f, outputs[n] / f, shallow=False) for f in cmp.common_files)
        if not same:
            raise SystemExit(f"outputs of -j {jobs[0]} and -j {n} differ")
    return rows


# ---------------------------------------------------------------- memory over many documents

_WORDS = ("the council met on tuesday and agreed budget for next year after a long debate about roads "
          "officials said storm schools closed county river bridge police minister report weekend").split()


def article(rng: random.Random, i: int) -> str:
    """A small article with cruft around it, different for every i (about 1 KB)."""
    paras = []
    for _ in range(3):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 45))]
        paras.append(" ".join(words).capitalize() + f" (item {i}).")
    return (f"Headline number {i}\n\nHome\nNews\nSport\n\n" + "\n\n".join(paras)
            + f"\n\nRelated Posts\n\nStory {i + 1} about {rng.choice(_WORDS)}\n\nLeave a Reply\n"
            "\nYour email address will not be published.\n")


def write_jsonl(path: Path, n: int) -> int:
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": i, "text": article(rng, i)}) + "\n")
    return path.stat().st_size


def write_tree(root: Path, n: int, per_dir: int = 1000) -> None:
    rng = random.Random(5)
    for i in range(n):
        d = root / f"{i // per_dir:04}"
        if i % per_dir == 0:
            d.mkdir(parents=True)
        (d / f"{i:06}.txt").write_text(article(rng, i), encoding="utf-8")


def memory(tmp: Path, docs: int, jobs: int) -> list[dict]:
    rows = []
    for n in (docs // 10, docs):
        src = tmp / f"docs-{n}.jsonl"
        write_jsonl(src, n)
        run = run_measured(clean_command("--jsonl", "-j", str(jobs)), stdin=src, stdout=tmp / "out.jsonl")
        rows.append(_memory_row("JSONL stream (stdin to stdout)", n, jobs, run))
        if n == docs:
            rows[-1]["curve"] = _checkpoints(run.curve, n)
        src.unlink()
        (tmp / "out.jsonl").unlink()

        tree = tmp / f"tree-{n}"
        write_tree(tree, n)
        out_dir = tmp / f"tree-out-{n}"
        run = run_measured(clean_command("-j", str(jobs), "-o", str(out_dir), str(tree)))
        rows.append(_memory_row("directory of files (-o DIR)", n, jobs, run))
        shutil.rmtree(tree)
        shutil.rmtree(out_dir)
    return rows


def _checkpoints(curve: list[tuple[int, int]], n: int) -> list[tuple[int, float]]:
    """The peak tree RSS (MB) reached by 10%, 25%, 50%, 75% and 100% of the documents."""
    points = []
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        upto = [rss for done, rss in curve if done <= share * n]
        if upto:
            points.append((int(share * n), max(upto) / 1024))
    return points


def _memory_row(kind: str, n: int, jobs: int, run: Run) -> dict:
    if run.returncode != 0:
        raise SystemExit(f"{kind}: clean failed with status {run.returncode}")
    return {"input": kind, "docs": n, "jobs": jobs, "seconds": run.seconds, "docs_per_s": n / run.seconds,
            "peak_tree_MB": run.peak_tree_kib / 1024, "peak_process_MB": run.peak_one_kib / 1024}


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the ScrapingHub benchmark directory")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="-j values to compare (default: 1 2)")
    parser.add_argument("--repeats", type=int, default=3, help="throughput runs per -j; the best counts")
    parser.add_argument("--docs", type=int, default=100_000, help="documents for the memory run (default 100000)")
    parser.add_argument("--memory-jobs", type=int, default=2, help="-j for the memory run (default 2)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--tmp", type=Path, default=None, help="where to put temporary files")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="clean-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_throughput:
            try:
                rows = throughput(args.data, tmp, args.jobs, args.repeats)
            except DataError as exc:
                print(f"bench.throughput: {exc}", file=sys.stderr)
                return 2
            results["throughput"] = rows
            ceiling = parallel_ceiling()
            results["parallel_ceiling"] = [{"two_processes_speedup": ceiling}]
            print(f"## Throughput: {rows[0]['pages']} ScrapingHub pages, {rows[0]['MB']:.1f} MB of HTML, "
                  f"{os.cpu_count()} CPUs (best of {args.repeats}, start-up included)\n")
            base = rows[0]["seconds"]
            print(markdown_table(
                ["command", "seconds", "docs/s", "MB/s", "speed-up", "one page (start-up)", "docs/s without start-up",
                 "peak RSS, tree"],
                [[f"clean -j {r['jobs']}", f"{r['seconds']:.2f}", f"{r['docs_per_s']:.1f}", f"{r['MB_per_s']:.2f}",
                  f"{base / r['seconds']:.2f}×", f"{r['one_page_seconds']:.2f} s", f"{r['steady_docs_per_s']:.1f}",
                  f"{r['peak_tree_MB']:.0f} MB"]
                 for r in rows]))
            print(f"\nOutputs identical across -j: yes. Two CPU-bound processes on this machine finish "
                  f"{ceiling:.2f}× faster than one after the other (the ceiling for -j 2).\n")
        if not args.skip_memory:
            rows = memory(tmp, args.docs, args.memory_jobs)
            results["memory"] = rows
            print(f"## Memory: {args.docs:,} small generated documents (~1 KB), clean -j {args.memory_jobs}\n")
            print(markdown_table(
                ["input", "documents", "seconds", "docs/s", "peak RSS, process tree", "peak RSS, largest process"],
                [[r["input"], f"{r['docs']:,}", f"{r['seconds']:.0f}", f"{r['docs_per_s']:.0f}",
                  f"{r['peak_tree_MB']:.0f} MB", f"{r['peak_process_MB']:.0f} MB"] for r in rows]))
            for r in rows:
                if "curve" in r:
                    points = ", ".join(f"{done:,}: {mb:.0f} MB" for done, mb in r["curve"])
                    print(f"\nPeak RSS of the tree by documents written ({r['input']}, {r['docs']:,}): {points}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
