"""Batches: directories, globs, -o DIR, worker processes, time budgets, progress, summary, report.

The command runs in-process (`cli.main`); with -j or --timeout it starts
real worker processes.  The runaway document of the timeout tests is made
with the documented test hook CLEANER_TEST_STALL (a worker that meets the
marker sleeps for ever), so passing them proves the worker was killed.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest

import cleaner
from cleaner import batch
from cleaner.cli import main
from contract import spy_on_urls

BODY = "Heavy snow closed all schools in the county on Monday, officials said. " * 3


def article(n: int | str) -> str:
    return f"Storm number {n}\n\n{BODY}\n\nLeave a Reply\n\nYour email address will not be published.\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/ with files at two depths, a hidden file and a hidden directory."""
    root = tmp_path / "in"
    write(root / "b.txt", article("b"))
    write(root / "a.txt", article("a"))
    write(root / "sub" / "c.txt", article("c"))
    write(root / "sub" / "deeper" / "d.html", f"<html><body><h1>D</h1><p>{BODY}</p></body></html>")
    write(root / ".hidden.txt", article("hidden"))
    write(root / ".git" / "e.txt", article("e"))
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- finding inputs


def test_directory_is_walked_recursively_in_name_order(capsys, tree):
    code, out, err = run_cli(capsys, "--format", "json", tree)
    assert code == 0 and err == ""
    files = [Path(d["file"]).relative_to(tree).as_posix() for d in json_lines(out)]
    assert files == ["a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.html"]  # hidden names skipped
    assert all("Heavy snow closed" in d["text"] for d in json_lines(out))


def test_text_output_of_a_directory_has_headers(capsys, tree):
    code, out, _ = run_cli(capsys, tree / "sub")
    assert code == 0
    assert out.startswith(f"==> {tree / 'sub' / 'c.txt'} <==\n")
    assert f"\n\n==> {tree / 'sub' / 'deeper' / 'd.html'} <==\n" in out


def test_glob_patterns_are_expanded(capsys, tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    code, out, err = run_cli(capsys, "--format", "json", "in/*.txt")
    assert code == 0 and err == ""
    assert [d["file"] for d in json_lines(out)] == ["in/a.txt", "in/b.txt"]
    code, out, _ = run_cli(capsys, "--format", "json", "in/**/*.t?t")
    assert [d["file"] for d in json_lines(out)] == ["in/a.txt", "in/b.txt", "in/sub/c.txt"]
    code, out, _ = run_cli(capsys, "--format", "json", "**/d.html")
    assert [d["file"] for d in json_lines(out)] == ["in/sub/deeper/d.html"]


def test_glob_without_match_is_an_error(capsys, tree):
    pattern = str(tree / "*.nothing")
    code, out, err = run_cli(capsys, pattern, tree / "a.txt")
    assert code == 1 and "Heavy snow closed" in out
    assert err.splitlines() == [f"clean: {pattern}: no file matches the pattern"]


def test_a_file_whose_name_looks_like_a_pattern_is_a_file(capsys, tmp_path):
    path = write(tmp_path / "notes[1].txt", article(1))
    code, out, _ = run_cli(capsys, path)
    assert code == 0 and "Heavy snow closed" in out


def test_the_walk_is_lazy(tmp_path):
    # The first file is found before the whole tree is listed.
    for i in range(50):
        write(tmp_path / f"d{i:02}" / "x.txt", "x")
    listed = []
    real = batch._listing

    def spy(directory):
        listed.append(directory)
        return real(directory)

    batch._listing = spy
    try:
        first = next(batch.iter_sources([str(tmp_path)]))
    finally:
        batch._listing = real
    assert first.rel == os.path.join("d00", "x.txt")
    assert len(listed) == 2  # the root and d00 only


# ---------------------------------------------------------------- -o DIR


def test_output_dir_mirrors_the_input_tree(capsys, tree, tmp_path):
    before = snapshot(tree)
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "-o", out_dir, tree)
    assert code == 0 and out == "" and err == ""
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert written == ["a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.txt"]
    assert (out_dir / "a.txt").read_text(encoding="utf-8") == cleaner.clean(article("a")).text + "\n"
    assert snapshot(tree) == before  # inputs untouched

    code, _, _ = run_cli(capsys, "--format", "json", "-o", tmp_path / "json", tree)
    assert code == 0
    doc = json.loads((tmp_path / "json" / "sub" / "c.json").read_text(encoding="utf-8"))
    assert doc["file"] == str(tree / "sub" / "c.txt") and "Heavy snow closed" in doc["text"]


def test_rerunning_into_the_same_output_dir_replaces_its_files(capsys, tree, tmp_path):
    out_dir = tmp_path / "out"
    assert run_cli(capsys, "-o", out_dir, tree)[0] == 0
    code, _, err = run_cli(capsys, "-o", out_dir, tree)
    assert code == 0 and err == ""  # an earlier run's outputs are not "written twice"


def test_one_file_into_a_directory(capsys, tree, tmp_path):
    out_dir = tmp_path / "new"
    code, _, _ = run_cli(capsys, "-o", f"{out_dir}{os.sep}", tree / "sub" / "c.txt")  # trailing slash: a directory
    assert code == 0 and (out_dir / "c.txt").is_file()
    code, _, _ = run_cli(capsys, "--format", "json", "-o", out_dir, tree / "a.txt")  # existing directory
    assert code == 0 and json.loads((out_dir / "a.json").read_text(encoding="utf-8"))["file"] == str(tree / "a.txt")


def test_several_inputs_need_a_directory_not_a_file(capsys, tree, tmp_path):
    target = write(tmp_path / "out.txt", "keep")
    code, out, err = run_cli(capsys, "-o", target, tree / "a.txt", tree / "b.txt")
    assert code == 2 and out == ""
    assert err.startswith("clean: ") and "directory" in err and len(err.splitlines()) == 1
    assert target.read_text() == "keep"


def test_two_inputs_with_one_output_name(capsys, tmp_path):
    src = tmp_path / "src"
    write(src / "page.html", f"<html><body><p>{BODY}</p></body></html>")
    write(src / "page.txt", article(1))
    code, _, err = run_cli(capsys, "-o", tmp_path / "out", src)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith(f"clean: {src / 'page.txt'}: output ") and "already written for another input" in line
    assert "Heavy snow closed" in (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")


def test_outputs_never_overwrite_inputs(capsys, tmp_path):
    # Writing next to the inputs: page.html would become page.txt, which is an input.
    html = write(tmp_path / "page.html", f"<html><body><p>{BODY}</p></body></html>")
    txt = write(tmp_path / "page.txt", article(1))
    code, _, err = run_cli(capsys, "-o", tmp_path, html, txt)
    assert code == 1
    assert "would overwrite an input" in err and len(err.splitlines()) == 2
    assert txt.read_text(encoding="utf-8") == article(1)


def test_output_dir_inside_the_input_dir_is_not_read_back(capsys, tree):
    out_dir = tree / "clean"
    for _ in range(2):
        code, _, err = run_cli(capsys, "-o", out_dir, tree)
        assert code == 0 and err == ""
    assert sorted(p.name for p in out_dir.rglob("*.txt")) == ["a.txt", "b.txt", "c.txt", "d.txt"]


def test_output_dir_may_not_be_the_input_dir(capsys, tree):
    before = snapshot(tree)
    code, _, err = run_cli(capsys, "-o", tree, tree)
    assert code == 2 and "also an input directory" in err
    assert snapshot(tree) == before


# ---------------------------------------------------------------- worker processes


@pytest.fixture
def many(tmp_path: Path) -> Path:
    root = tmp_path / "many"
    for i in range(24):
        write(root / f"{i:03}.txt", article(i))
    write(root / "012.txt", b"bad \xff utf-8")  # a failure in the middle
    return root


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_give_the_same_output_in_the_same_order(capsys, many, fmt):
    one = run_cli(capsys, "--format", fmt, many)
    two = run_cli(capsys, "-j", "2", "--format", fmt, many)
    assert one == two
    code, out, err = two
    assert code == 1 and err.splitlines() == [f"clean: {many / '012.txt'}: not valid UTF-8 at byte 4 (use --encoding)"]
    if fmt == "json":
        assert [Path(d["file"]).name for d in json_lines(out)] == [f"{i:03}.txt" for i in range(24) if i != 12]


def test_jobs_read_stdin_too(capsys, many, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article("stdin").encode()), encoding="utf-8"))
    code, out, _ = run_cli(capsys, "-j", "2", "--format", "json", "-", many / "000.txt")
    assert code == 0
    assert [d["file"] for d in json_lines(out)] == ["<stdin>", str(many / "000.txt")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_at_most_a_window_of_tasks_is_taken(jobs):
    # An endless stream of tasks: taking the first results must not try to
    # read them all (in-flight work is bounded by the window).
    taken = itertools.count()

    def endless():
        for i in taken:
            yield batch.FailedTask(f"t{i}", "x") if i % 3 == 0 else _TextTask(f"t{i}", article(i))

    results = batch.run_tasks(endless(), cleaner.Cleaner(), batch.Config(), jobs=jobs)
    first = list(itertools.islice(results, 10))
    results.close()
    assert [t.name for t, _ in first] == [f"t{i}" for i in range(10)]
    assert [o.error for _, o in first][:2] == ["x", None]
    assert next(taken) <= 10 + batch.WINDOW_PER_WORKER * jobs + 1


class _TextTask:
    """A task that cleans a string (picklable: module level)."""

    local = False

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text

    def run(self, ctx: batch.Context) -> batch.Outcome:
        result = ctx.clean(self.text)
        return batch.Outcome.cleaned(result.text, result, len(self.text), False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_timeout_kills_a_runaway_document(capsys, many, monkeypatch, jobs):
    monkeypatch.setenv(batch.STALL_ENV, "STALL-HERE")
    write(many / "005.txt", article("STALL-HERE"))
    started = time.monotonic()
    code, out, err = run_cli(capsys, "-j", jobs, "--timeout", "1", "--format", "json", many)
    elapsed = time.monotonic() - started
    assert code == 1
    lines = err.splitlines()
    assert f"clean: {many / '005.txt'}: timed out after 1 s, skipped" in lines
    assert len(lines) == 2  # the timeout and the bad UTF-8 file
    names = [Path(d["file"]).name for d in json_lines(out)]
    assert names == [f"{i:03}.txt" for i in range(24) if i not in (5, 12)]  # the batch went on, in order
    assert elapsed < 60
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]  # nothing left running


def test_timeout_works_when_called_from_a_thread(capsys, many, monkeypatch):
    # No SIGALRM: a time budget works off the main thread too.
    monkeypatch.setenv(batch.STALL_ENV, "STALL-HERE")
    write(many / "001.txt", article("STALL-HERE"))
    codes = []
    thread = threading.Thread(target=lambda: codes.append(main(["--timeout", "0.5", "-o", str(many.parent / "o"),
                                                                str(many / "000.txt"), str(many / "001.txt")])))
    thread.start()
    thread.join(60)
    assert not thread.is_alive() and codes == [1]
    assert "001.txt: timed out after 0.5 s, skipped" in capsys.readouterr().err
    assert (many.parent / "o" / "000.txt").is_file() and not (many.parent / "o" / "001.txt").exists()


@pytest.mark.parametrize("argv", [["-j", "x"], ["-j", "-1"], ["--timeout", "0"], ["--timeout", "soon"]])
def test_bad_jobs_or_timeout_is_a_usage_error(capsys, many, argv):
    code, out, err = run_cli(capsys, *argv, many)
    assert code == 2 and out == "" and "Traceback" not in err


def test_a_worker_that_cannot_start_is_one_error_line(capsys, many, monkeypatch):
    monkeypatch.setattr(batch, "_worker_main", _exit_at_once)
    code, out, err = run_cli(capsys, "-j", "2", many)
    assert code == 1 and out == ""
    assert err.splitlines() == ["clean: a worker process failed to start (worker process died (exit status 3))"]


def _exit_at_once(conn, blob, config, warm):
    os._exit(3)


# ---------------------------------------------------------------- progress and summary


def test_summary(capsys, many):
    code, _, err = run_cli(capsys, "--summary", "-o", many.parent / "out", many)
    assert code == 1
    summary = err[err.index("--- summary ---"):]
    assert "documents:  24 (23 cleaned, 1 failed, 0 timed out)" in summary
    size = sum(p.stat().st_size for p in many.iterdir())
    assert f"bytes:      {size - (many / '012.txt').stat().st_size:,} in" in summary  # the failure was never decoded
    written = sum(p.stat().st_size for p in (many.parent / "out").iterdir())
    assert f", {written:,} out" in summary
    comments = len("Leave a Reply") + len("Your email address will not be published.")
    assert f"comments {23 * comments:,}" in summary
    assert "documents/s" in summary and "MB/s" in summary


def test_no_summary_or_progress_by_default_off_a_terminal(capsys, many):
    code, _, err = run_cli(capsys, many)
    assert err.splitlines() == [f"clean: {many / '012.txt'}: not valid UTF-8 at byte 4 (use --encoding)"]


def test_progress_bar_on_request(capsys, many):
    code, _, err = run_cli(capsys, "--progress", "--no-summary", "-o", many.parent / "out", many)
    assert code == 1
    assert "doc/s" in err or "s/doc" in err  # tqdm's rate, unit "doc"
    assert "24doc" in err.replace(" ", "") or "24/24" in err
    # The error line is not torn by the bar.
    assert any(line.endswith("012.txt: not valid UTF-8 at byte 4 (use --encoding)") for line in err.splitlines())


# ---------------------------------------------------------------- --url and --report


def test_url_reaches_the_cleaner(capsys, tmp_path, monkeypatch):
    seen = spy_on_urls(monkeypatch)
    path = write(tmp_path / "a.txt", article(1))
    code, out, _ = run_cli(capsys, "--url", "https://example.com/news/1", path)
    assert code == 0 and "Heavy snow closed" in out
    assert seen == ["https://example.com/news/1"]


def test_url_with_the_real_cleaner(capsys, tmp_path):
    path = write(tmp_path / "a.txt", article(1))
    code, out, err = run_cli(capsys, "--url", "https://example.com/news/1", "--format", "json", path)
    assert code == 0 and err == ""
    assert json_lines(out)[0]["text"] == cleaner.Cleaner().clean(article(1), url="https://example.com/news/1").text


class _FakeReport:
    """Stands in for cleaner.report.ReportWriter: records what it is given."""

    instances: list["_FakeReport"] = []

    def __init__(self, path, title="cleaner report"):
        self.path, self.title, self.added, self.closed = path, title, [], False
        _FakeReport.instances.append(self)

    def add(self, name, result):
        assert isinstance(result, cleaner.Result)
        self.added.append((name, result.text))

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_gets_every_cleaned_document_in_output_order(capsys, many, tmp_path, monkeypatch, jobs):
    monkeypatch.setitem(sys.modules, "cleaner.report", types.SimpleNamespace(ReportWriter=_FakeReport))
    _FakeReport.instances.clear()
    code, out, _ = run_cli(capsys, "-j", jobs, "--report", tmp_path / "r.html", "--format", "json", many)
    assert code == 1
    [report] = _FakeReport.instances
    assert report.path == str(tmp_path / "r.html") and report.closed
    assert report.added == [(d["file"], d["text"]) for d in json_lines(out)]


def test_report_with_the_real_writer(capsys, many, tmp_path):
    pytest.importorskip("cleaner.report")
    dest = tmp_path / "report.html"
    code, _, _ = run_cli(capsys, "--report", dest, "-o", tmp_path / "out", many / "000.txt", many / "001.txt")
    assert code == 0
    page = dest.read_text(encoding="utf-8")
    assert "000.txt" in page and "001.txt" in page and "Leave a Reply" in page


class _BrokenReport(_FakeReport):
    def add(self, name, result):
        raise OSError(28, "No space left on device")


def test_a_report_that_fails_is_one_line_per_document(capsys, many, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cleaner.report", types.SimpleNamespace(ReportWriter=_BrokenReport))
    code, out, err = run_cli(capsys, "--report", tmp_path / "r.html", many / "000.txt")
    assert code == 1 and "Heavy snow closed" in out  # the document itself was written
    assert err.splitlines() == [
        f"clean: {many / '000.txt'}: not added to the report: OSError: [Errno 28] No space left on device"]
