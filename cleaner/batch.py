"""Batches for the ``clean`` command: many inputs, worker processes, time budgets.

The pieces, in the order a document meets them:

* :func:`iter_sources` walks the inputs lazily -- files, directories
  (recursively, in sorted order, hidden names skipped) and glob patterns that
  the shell did not expand -- so a tree of a million files is never a list.
* Each input becomes a *task* (:class:`FileTask` here, the JSONL and WARC
  records of :mod:`cleaner.streams`); ``task.run(ctx)`` cleans it with the
  worker's :class:`Context` and returns an :class:`Outcome`: the rendered
  output, or an error, and the numbers for the summary.
* :func:`run_tasks` runs the tasks in order, in this process (``-j 1``) or in
  a :class:`WorkerPool`, and yields ``(task, outcome)`` pairs in input order.
  Only a bounded window of tasks is in flight, so memory stays flat however
  many inputs there are.

The time budget (``--timeout``) needs no signals, so it works from any
thread: with a budget every document runs in a worker process that the
parent watches; one that overruns its deadline is killed and replaced, the
document is reported as timed out and the batch goes on.  ``-j 1`` with a
budget uses the same pool with a single worker.

Test hook: when the environment variable ``CLEANER_TEST_STALL`` is set to a
non-empty marker, a document whose content contains the marker makes the
worker sleep for ever instead of cleaning it -- the only way for a test to
make a real runaway document.  The parent reads the variable once and passes
it to the workers.
"""

from __future__ import annotations

import contextlib
import fnmatch
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import stat
import sys
import threading
import time
import traceback
import types
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator, Protocol, Sequence, Union

from . import cli
from .core import Cleaner
from .model import Result
from .ruleset import RuleError

STALL_ENV = "CLEANER_TEST_STALL"
# Tells the forkserver's cleaner._preload what to compile (set only while starting it).
PRELOAD_ENV = "CLEANER_PRELOAD"

# Tasks in flight or finished but not yet written, per worker.  A few per
# worker keep every worker busy while the head of the queue is slow, and
# bound what a slow document can make the parent hold.
WINDOW_PER_WORKER = 4
# How long a worker gets to exit after being told to, before it is killed.
SHUTDOWN_GRACE = 2.0


# ---------------------------------------------------------------- what runs where


@dataclass(frozen=True)
class Config:
    """How a worker reads, cleans and renders documents (pickled to each worker)."""

    mode: str | None = None            # "html", "text" or None (sniff): --html/--text
    encoding: str | None = None        # --encoding
    format: str = "text"               # "text" or "json" for files; streams always write JSON
    explain: bool = False
    url: str | None = None             # --url, for every document (a record's own URL wins)
    keep_results: bool = False         # send each Result back (for --report)
    debug: bool = False
    stall_marker: str | None = None    # the test hook, see the module docstring
    # JSONL streams.
    field: str | None = None           # the record key that holds text ...
    html_field: str | None = None      # ... or HTML
    url_field: str | None = None
    output_key: str = "clean"


@dataclass
class Outcome:
    """What became of one document: its output or its error, and its numbers."""

    output: str | None = None
    error: str | None = None
    timed_out: bool = False
    bytes_in: int = 0
    removed: dict[str, int] = field(default_factory=dict)  # category -> characters removed
    result: Result | None = None  # only with Config.keep_results
    traceback: str | None = None  # with --debug, for internal errors

    @classmethod
    def cleaned(cls, output: str, result: Result, bytes_in: int, keep: bool) -> "Outcome":
        removed: Counter[str] = Counter()
        for piece in result.removed:
            removed[piece.category.value] += len(piece.text)
        return cls(output=output, bytes_in=bytes_in, removed=dict(removed), result=result if keep else None)


class Task(Protocol):
    """One document to clean.  ``name`` is how messages refer to it."""

    name: str

    def run(self, ctx: "Context") -> Outcome: ...


class Context:
    """A worker's Cleaner and configuration; tasks clean through it."""

    def __init__(self, cleaner: Cleaner, config: Config) -> None:
        self.cleaner = cleaner
        self.config = config

    def stall_if_marked(self, content: bytes | str) -> None:
        """The test hook: never return for a document that carries the marker."""
        marker = self.config.stall_marker
        if not marker:
            return
        needle: bytes | str = marker.encode("utf-8") if isinstance(content, (bytes, bytearray)) else marker
        if needle in content:
            while True:
                time.sleep(3600)

    def clean(self, text: str, url: str | None = None) -> Result:
        self.stall_if_marked(text)
        return self.cleaner.clean(text, url=url or self.config.url or None)

    def clean_html(self, html: str | bytes, url: str | None = None) -> Result:
        self.stall_if_marked(html)
        return self.cleaner.clean_html(html, url=url or self.config.url or None)


def execute(ctx: Context, task: Task) -> Outcome:
    """Run one task; every failure becomes an Outcome (interrupts propagate)."""
    try:
        return task.run(ctx)
    except cli.InputError as exc:
        return Outcome(error=str(exc))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # a library bug must not stop the batch
        problem = f"internal error: {type(exc).__name__}: {exc}"[:300].splitlines()[0]
        return Outcome(error=problem, traceback=traceback.format_exc() if ctx.config.debug else None)


@dataclass(frozen=True)
class FailedTask:
    """An input that failed before it could be cleaned (no match, unreadable line...)."""

    name: str
    error: str
    local = True  # settled in the parent, never sent to a worker

    def run(self, ctx: Context | None) -> Outcome:
        return Outcome(error=self.error)


# ---------------------------------------------------------------- files


@dataclass(frozen=True)
class Source:
    """One input file found by the walk.

    `path` is what to open ("-" for stdin); `rel` is the path below the
    argument it came from, which ``-o DIR`` mirrors.
    """

    path: str
    rel: str
    error: str | None = None

    @property
    def name(self) -> str:
        return cli.display_name(self.path)


def _has_magic(s: str) -> bool:
    return any(c in s for c in "*?[")


def _listing(directory: str) -> list[str]:
    """The names in one directory, sorted: a deterministic order on every file system.

    Names only (not DirEntry objects, four times the size): a directory of
    100,000 files is listed in a few MB.
    """
    with os.scandir(directory or ".") as entries:
        return sorted(e.name for e in entries)


def _safe_listing(directory: str) -> list[str]:
    try:
        return _listing(directory)
    except OSError:
        return []


def _kind(path: str) -> str | None:
    """"dir" for a real directory (a link to one is not followed: no cycles), "file" for a file
    or a link to one, else None."""
    try:
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        if stat.S_ISLNK(st.st_mode):
            st = os.stat(path)
        return "file" if stat.S_ISREG(st.st_mode) else None
    except OSError:
        return None  # vanished while we walked, or a dangling link


def _is_skipped(path: str, skip: tuple[int, int] | None) -> bool:
    if skip is None:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == skip


def _walk(top: str, rel: str, skip: tuple[int, int] | None) -> Iterator[Source]:
    """Every non-hidden regular file below `top`, depth first in name order.

    Symbolic links to files are followed, links to directories are not (no
    cycles); the directory `skip` (the output directory) is never entered.
    """
    try:
        names = _listing(top)
    except OSError as exc:
        yield Source(top, rel, error=f"cannot list: {(exc.strerror or str(exc)).lower()}")
        return
    for name in names:
        if name.startswith("."):
            continue
        path, sub = os.path.join(top, name), os.path.join(rel, name)
        kind = _kind(path)
        if kind == "dir":
            if not _is_skipped(path, skip):
                yield from _walk(path, sub, skip)
        elif kind == "file":
            yield Source(path, sub)


def _glob(directory: str, parts: Sequence[str], rel: str, skip: tuple[int, int] | None) -> Iterator[Source]:
    """The files matching `parts` below `directory`, in sorted order.

    Like the shell: ``*`` and ``?`` do not match a leading dot; ``**`` matches
    any number of directories.
    """
    part, last = parts[0], len(parts) == 1
    if part == "**":
        if last:
            yield from _walk(directory, rel, skip) if directory else _walk_here(rel, skip)
            return
        yield from _glob(directory, parts[1:], rel, skip)
        for name in _safe_listing(directory):
            path = os.path.join(directory, name)
            if not name.startswith(".") and _kind(path) == "dir" and not _is_skipped(path, skip):
                yield from _glob(path, parts, os.path.join(rel, name), skip)
        return
    if not _has_magic(part):
        path = os.path.join(directory, part)
        if last:
            if os.path.isfile(path):
                yield Source(path, os.path.join(rel, part))
        elif os.path.isdir(path):
            yield from _glob(path, parts[1:], os.path.join(rel, part), skip)
        return
    for name in _safe_listing(directory):
        if name.startswith(".") and not part.startswith("."):
            continue
        if not fnmatch.fnmatch(name, part):
            continue
        path, sub = os.path.join(directory, name), os.path.join(rel, name)
        kind = _kind(path)
        if last:
            if kind == "file":
                yield Source(path, sub)
        elif kind == "dir" and not _is_skipped(path, skip):
            yield from _glob(path, parts[1:], sub, skip)


def _walk_here(rel: str, skip: tuple[int, int] | None) -> Iterator[Source]:
    # A pattern that starts with ** walks the current directory; its paths
    # are shown without a leading "./".
    for source in _walk(".", rel, skip):
        path = source.path[2:] if source.path.startswith("./") else source.path
        yield Source(path, source.rel, source.error)


def glob_base(pattern: str) -> tuple[str, list[str]]:
    """Split a pattern into its literal leading directory and the parts from the first wildcard on.

    >>> glob_base("data/2024/*/p?.html")
    ('data/2024', ['*', 'p?.html'])
    >>> glob_base("**/*.txt")
    ('', ['**', '*.txt'])
    """
    parts = [p for p in pattern.replace(os.sep, "/").split("/")]
    anchor = ""
    if pattern.startswith(("/", os.sep)):
        anchor, parts = os.sep, parts[1:]
    parts = [p for p in parts if p not in ("", ".")]
    first = next((i for i, p in enumerate(parts) if _has_magic(p)), len(parts))
    base = os.path.join(anchor, *parts[:first]) if (anchor or first) else ""
    return base, parts[first:]


def iter_sources(args: Sequence[str], skip_dir: str | None = None) -> Iterator[Source]:
    """The input files named by `args`, lazily and in a deterministic order.

    A directory is walked recursively; a name that does not exist but holds
    ``*``, ``?`` or ``[`` is a glob pattern (for shells that leave quoted
    patterns alone); anything else is a file whose problems (missing,
    unreadable) surface when it is read.  `skip_dir` is never entered.
    """
    skip = None
    if skip_dir is not None and os.path.isdir(skip_dir):
        st = os.stat(skip_dir)
        skip = (st.st_dev, st.st_ino)
    for arg in args:
        if arg == "-":
            yield Source("-", "stdin")
            continue
        found = False
        if os.path.isdir(arg):
            for source in _walk(arg, "", skip):
                found = True
                yield source
            if not found:
                yield Source(arg, "", error="no files in directory")
        elif not os.path.lexists(arg) and _has_magic(arg):
            base, parts = glob_base(arg)
            for source in _glob(base, parts, "", skip) if parts else ():
                found = True
                yield source
            if not found:
                yield Source(arg, "", error="no file matches the pattern")
        else:
            yield Source(arg, os.path.basename(arg) or arg)


@dataclass(frozen=True)
class FileTask:
    """Clean one file (or stdin, whose bytes the parent has read)."""

    source: Source
    data: bytes | None = None  # stdin's bytes; files are read by the worker
    local = False

    @property
    def name(self) -> str:
        return self.source.name

    def run(self, ctx: Context) -> Outcome:
        path = self.source.path
        data = self.data if self.data is not None else cli.read_input(path)
        ctx.stall_if_marked(data)
        result = cli.clean_input(ctx.cleaner, data, ctx.config, path, clean=ctx)
        cfg = ctx.config
        if cfg.format == "json":
            output = cli.render_json(result, self.name)
        else:
            output = cli.render_text(result)
            if cfg.explain:
                output += ("\n" if result.text else "") + cli.render_explain(result)
        return Outcome.cleaned(output, result, len(data), cfg.keep_results)


def file_tasks(sources: Iterable[Source]) -> Iterator[FileTask | FailedTask]:
    for source in sources:
        if source.error is not None:
            yield FailedTask(source.name, source.error)
        elif source.path == "-":
            # stdin cannot be opened by a worker: read it here.
            try:
                data = cli.read_input("-")
            except cli.InputError as exc:
                yield FailedTask(source.name, str(exc))
                continue
            yield FileTask(source, data)
        else:
            yield FileTask(source)


# ---------------------------------------------------------------- running tasks


class WorkerFailed(Exception):
    """A worker process could not start: the batch cannot go on."""


_READY = "ready"
_FATAL = "fatal"


@dataclass(frozen=True)
class CleanerSpec:
    """How to build the run's Cleaner: extra rule packs, a forced language and the
    precision/recall preference (picklable).

    A worker builds it once; the default one it does not even build, but
    takes from the forkserver (see cleaner._preload).
    """

    rules: tuple[str, ...] = ()
    language: str | None = None
    favor: str = "balanced"

    def build(self) -> Cleaner:
        return cli.build_cleaner(self.rules, self.language, self.favor)


CleanerSource = Union[Cleaner, CleanerSpec]


def _worker_cleaner(made: CleanerSource, warm: bool) -> Cleaner:
    if isinstance(made, Cleaner):
        return made
    if made == CleanerSpec():
        from . import _preload  # already imported (and compiled) in the forkserver

        if _preload.WARM is not None:
            if warm and not _preload.WARM_ALL:
                _preload.warm_up(_preload.WARM)  # a server started without a time budget in mind
            return _preload.WARM
    cleaner = made.build()
    if warm:
        # With a time budget, compile before taking work, so that no
        # document's budget is spent compiling rules.
        from ._preload import warm_up

        warm_up(cleaner, [made.language] if made.language else None)
    return cleaner


def _worker_main(conn: multiprocessing.connection.Connection, blob: bytes, config: Config, warm: bool) -> None:
    """A worker process: get the Cleaner once, then clean the tasks it is sent."""
    # ^C goes to the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctx = Context(_worker_cleaner(pickle.loads(blob), warm), config)
    except Exception as exc:  # a broken rule file, an unknown language: the parent reports it
        conn.send((_FATAL, exc))
        return
    conn.send(_READY)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        seq, task = message
        conn.send((seq, execute(ctx, task)))


def _mp_context() -> multiprocessing.context.BaseContext:
    # forkserver: workers are forked from a clean server process that has
    # already imported cleaner, so a worker (or its replacement after a
    # timeout) starts in milliseconds, and forking never copies the
    # parent's threads (the progress bar's) or its open files.
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:  # no forkserver (Windows)
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(["cleaner.batch", "cleaner.streams", "cleaner._preload"])
    return ctx


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start processes without telling them about ``__main__``.

    multiprocessing re-runs the parent's main script in every spawned or
    forkserver child so that pickled functions defined there resolve.  A
    worker runs only cleaner's own code, and re-running the caller's script
    (a script without a ``__name__`` guard, or one read from stdin) would
    fail or worse; a bare stand-in module makes the child skip it.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def prestart(warm_all: bool = False) -> None:
    """Start the forkserver now, so that its warm-up overlaps the caller's own work.

    `warm_all` (for runs with a time budget) has it compile every language's
    rules before forking workers; see cleaner._preload.  It only matters to
    the call that starts the server.
    """
    ctx = _mp_context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    saved = os.environ.get(PRELOAD_ENV)
    os.environ[PRELOAD_ENV] = "all" if warm_all else "default"  # the server inherits the environment
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            os.environ.pop(PRELOAD_ENV, None)
        else:
            os.environ[PRELOAD_ENV] = saved


class _Slot:
    """One worker process, its pipe, and the task it is working on."""

    def __init__(self, mp: multiprocessing.context.BaseContext, blob: bytes, config: Config, warm: bool) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.Process(target=_worker_main, args=(child, blob, config, warm), daemon=True)
        with _main_hidden():
            self.proc.start()
        child.close()
        self.ready = False
        self.job: tuple[int, Task] | None = None
        self.deadline: float | None = None

    def send(self, seq: int, task: Task, timeout: float | None) -> None:
        self.job = (seq, task)
        self.deadline = time.monotonic() + timeout if timeout is not None else None
        self.conn.send((seq, task))

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"worker process killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"worker process died (exit status {exitcode})"


class WorkerPool:
    """N worker processes, each with its own pipe, watched by the parent.

    The parent sends one task at a time to each idle worker, remembers when
    it is due, and waits on every pipe and process at once.  A worker past
    its deadline is killed and replaced; one that dies (a crash, the OOM
    killer) is replaced too; either way its document becomes an error and
    the batch goes on.
    """

    def __init__(self, jobs: int, cleaner: CleanerSource, config: Config, timeout: float | None) -> None:
        self._mp = _mp_context()
        # A Cleaner, or a CleanerSpec: then each worker gets its own (the
        # default one ready-made from the forkserver) and the parent never
        # pays for one.
        self._blob = pickle.dumps(cleaner)
        self._config = config
        self.timeout = timeout
        prestart(warm_all=timeout is not None)
        self.window = WINDOW_PER_WORKER * jobs
        self.slots = [self._spawn() for _ in range(jobs)]

    def _spawn(self) -> _Slot:
        return _Slot(self._mp, self._blob, self._config, warm=self.timeout is not None)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for slot in self.slots:
            if slot.job is None:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for slot in self.slots:
            if slot.job is None:
                slot.proc.join(max(0.0, deadline - time.monotonic()))
            slot.kill()
        self.slots = []

    def imap(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Outcome]]:
        """Run `tasks`; yields (task, outcome) in the order of `tasks`."""
        source = _Peekable(tasks)
        exhausted = False
        next_in = next_out = 0
        done: dict[int, tuple[Task, Outcome]] = {}
        # Nothing is read or reported before a worker has its Cleaner: a
        # broken rule file must stop the run before any output.
        while not any(s.ready for s in self.slots):
            self._wait(done)
        while True:
            # Hand out work while there is room in the window.  Inputs
            # that already failed are settled here, without a worker.
            while not exhausted and next_in < next_out + self.window:
                head = source.peek()
                if head is None:
                    exhausted = True
                elif getattr(head, "local", False):
                    done[next_in] = (head, head.run(None))
                    next(source)
                    next_in += 1
                    continue
                else:
                    idle = next((s for s in self.slots if s.ready and s.job is None), None)
                    if idle is not None:
                        idle.send(next_in, next(source), self.timeout)
                        next_in += 1
                        continue
                break
            if next_out in done:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                continue  # the window moved: hand out more before waiting
            if exhausted and next_out == next_in:
                return
            self._wait(done)

    def _wait(self, done: dict[int, tuple[Task, Outcome]]) -> None:
        """Wait for a result, a death or a deadline, and settle what happened."""
        waitables: list[Any] = []
        for slot in self.slots:
            waitables += [slot.conn, slot.proc.sentinel]
        deadlines = [s.deadline for s in self.slots if s.deadline is not None and s.job is not None]
        wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = set(multiprocessing.connection.wait(waitables, wait))
        for i, slot in enumerate(self.slots):
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError):
                    message = None
                if message == _READY:
                    slot.ready = True
                    continue
                if isinstance(message, tuple) and message[0] == _FATAL:
                    exc = message[1]
                    if isinstance(exc, (RuleError, cli.UsageError)):
                        raise exc
                    raise WorkerFailed(f"a worker process failed to start: {type(exc).__name__}: {exc}".splitlines()[0])
                if message is not None and slot.job is not None:
                    seq, outcome = message
                    done[seq] = (slot.job[1], outcome)
                    slot.job = slot.deadline = None
                    continue
            if slot.proc.sentinel in ready or (slot.conn in ready and not slot.proc.is_alive()):
                slot.proc.join()
                if not slot.ready:
                    slot.kill()
                    raise WorkerFailed(f"a worker process failed to start ({_death(slot.proc.exitcode)})")
                if slot.job is not None:
                    seq, task = slot.job
                    done[seq] = (task, Outcome(error=_death(slot.proc.exitcode)))
                slot.kill()
                self.slots[i] = self._spawn()
        now = time.monotonic()
        for i, slot in enumerate(self.slots):
            if slot.job is not None and slot.deadline is not None and slot.deadline <= now:
                seq, task = slot.job
                done[seq] = (task, Outcome(error=f"timed out after {_seconds(self.timeout)}, skipped", timed_out=True))
                slot.kill()
                self.slots[i] = self._spawn()


class _Peekable:
    """An iterator whose next item can be looked at before it is taken."""

    def __init__(self, items: Iterable[Task]) -> None:
        self._it = iter(items)
        self._head: list[Task] = []

    def __iter__(self) -> "_Peekable":
        return self

    def __next__(self) -> Task:
        return self._head.pop() if self._head else next(self._it)

    def peek(self) -> Task | None:
        """The next item, or None at the end."""
        if not self._head:
            try:
                self._head.append(next(self._it))
            except StopIteration:
                return None
        return self._head[0]


def _seconds(value: float | None) -> str:
    return f"{value:g} s" if value is not None else "?"


def run_tasks(
    tasks: Iterable[Task], cleaner: CleanerSource, config: Config, jobs: int = 1, timeout: float | None = None,
) -> Iterator[tuple[Task, Outcome]]:
    """Clean `tasks` in order; yields (task, outcome) pairs in the same order.

    One job without a time budget runs here, in this process; otherwise a
    WorkerPool of `jobs` processes does (a budget needs a process that can
    be killed).
    """
    if jobs == 1 and timeout is None:
        ctx = Context(cleaner if isinstance(cleaner, Cleaner) else cleaner.build(), config)
        for task in tasks:
            yield task, (task.run(ctx) if getattr(task, "local", False) else execute(ctx, task))
        return
    with WorkerPool(jobs, cleaner, config, timeout) as pool:
        yield from pool.imap(tasks)


# ---------------------------------------------------------------- progress and summary


class Summary:
    """The numbers for the end-of-run summary, added up as outcomes arrive."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.documents = 0
        self.failed = 0
        self.timed_out = 0
        self.skipped = 0
        self.bytes_in = 0
        self.bytes_out = 0
        self.removed: Counter[str] = Counter()

    def add(self, outcome: Outcome, bytes_out: int) -> None:
        self.documents += 1
        if outcome.timed_out:
            self.timed_out += 1
        elif outcome.error is not None:
            self.failed += 1
        self.bytes_in += outcome.bytes_in
        self.bytes_out += bytes_out
        self.removed.update(outcome.removed)

    def render(self, elapsed: float | None = None) -> str:
        """The summary block for stderr (`elapsed` defaults to the time since the start).

        >>> s = Summary(); s.documents, s.failed, s.bytes_in, s.bytes_out = 3, 1, 2_000_000, 500_000
        >>> s.removed.update({"related": 120, "navigation": 300})
        >>> print(s.render(elapsed=2.0), end="")
        --- summary ---
        documents:  3 (2 cleaned, 1 failed, 0 timed out)
        bytes:      2,000,000 in, 500,000 out
        removed:    420 characters: navigation 300, related 120
        time:       2.00 s (1.5 documents/s, 1.00 MB/s)
        """
        if elapsed is None:
            elapsed = time.perf_counter() - self.started
        ok = self.documents - self.failed - self.timed_out
        lines = ["--- summary ---"]
        counts = f"{self.documents:,} ({ok:,} cleaned, {self.failed:,} failed, {self.timed_out:,} timed out)"
        if self.skipped:
            counts += f"; {self.skipped:,} records skipped (not HTML responses)"
        lines.append(f"documents:  {counts}")
        lines.append(f"bytes:      {self.bytes_in:,} in, {self.bytes_out:,} out")
        total = sum(self.removed.values())
        if total:
            parts = ", ".join(f"{cat} {n:,}" for cat, n in sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"removed:    {total:,} characters: {parts}")
        else:
            lines.append("removed:    nothing")
        rate = f"{self.documents / elapsed:.1f} documents/s, {self.bytes_in / elapsed / 1e6:.2f} MB/s" if elapsed > 0 else ""
        lines.append(f"time:       {elapsed:.2f} s" + (f" ({rate})" if rate else ""))
        return "\n".join(lines) + "\n"


class Progress:
    """A tqdm bar on stderr (documents, rate, ETA once the total is known), or nothing."""

    def __init__(self, enabled: bool, count: Callable[[], int] | None = None) -> None:
        self.bar = None
        if not enabled:
            return
        from tqdm import tqdm

        self.bar = tqdm(total=None, unit="doc", file=sys.stderr, dynamic_ncols=True, mininterval=0.25,
                        smoothing=0.1, leave=True)
        if count is not None:
            # The walk that finds the inputs is lazy; a second walk in the
            # background counts them so that the bar can show an ETA.
            threading.Thread(target=self._count, args=(count,), daemon=True).start()

    def _count(self, count: Callable[[], int]) -> None:
        try:
            total = count()
        except Exception:
            return
        bar = self.bar
        if bar is not None:
            bar.total = total
            bar.refresh()

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def write(self, line: str) -> None:
        """Print a line on stderr without tearing the bar."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# ---------------------------------------------------------------- writing outputs


class StreamSink:
    """Outputs in order on one stream (stdout or ``-o FILE``), with ``==> NAME <==`` headers for text."""

    def __init__(self, out: IO[str], headers: bool) -> None:
        self.out = out
        self.headers = headers
        self.written = 0

    def write(self, task: Task, output: str) -> int:
        if self.headers:
            output = ("\n" if self.written else "") + f"==> {task.name} <==\n" + output
        self.out.write(output)
        self.out.flush()
        self.written += 1
        return len(output.encode("utf-8", "surrogateescape"))

    def close(self) -> None:
        self.out.flush()


class DirSink:
    """One output file per input below ``-o DIR``, mirroring the input tree.

    ``a/b.html`` below an input directory becomes ``DIR/a/b.txt`` (``.json``
    with ``--format json``).  Inputs are never overwritten: a target that is
    one of the inputs, or that another input of this run already wrote, is
    an error for that document.
    """

    def __init__(self, root: str, suffix: str, inputs: Sequence[str]) -> None:
        self.root = root
        self.suffix = suffix
        os.makedirs(root, exist_ok=True)
        real_root = os.path.realpath(root)
        # Input trees whose walk does not skip the output directory: a file
        # below one of them is an input.  (A tree that holds the output
        # directory skips it, so nothing written there is read back.)
        self._trees = []
        self._files = set()
        for arg in inputs:
            if arg == "-":
                continue
            if os.path.isdir(arg) or (not os.path.lexists(arg) and _has_magic(arg)):
                tree = os.path.realpath(arg if os.path.isdir(arg) else glob_base(arg)[0] or ".")
                if not _under(real_root, tree):
                    self._trees.append(tree)
            else:
                self._files.add(os.path.realpath(arg))
        # Files written by this run are newer than this marker; an older
        # file at a target is from an earlier run and may be replaced.
        marker = os.path.join(root, f".clean-{os.getpid()}-{time.time_ns()}")
        with open(marker, "w"):
            pass
        self._since = os.stat(marker).st_mtime_ns
        os.remove(marker)

    def target(self, rel: str) -> str:
        stem, ext = os.path.splitext(rel)
        return os.path.join(self.root, (stem if ext else rel) + self.suffix)

    def write(self, task: Task, output: str) -> int:
        rel = task.source.rel if isinstance(task, FileTask) else task.name
        path = self.target(rel)
        if os.path.lexists(path):
            real = os.path.realpath(path)
            if real in self._files or any(_under(real, tree) for tree in self._trees):
                raise cli.InputError(f"output {path} would overwrite an input")
            if os.stat(path).st_mtime_ns > self._since:
                raise cli.InputError(f"output {path} was already written for another input")
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(output)
        except OSError as exc:
            raise cli.InputError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None
        return len(output.encode("utf-8", "surrogateescape"))

    def close(self) -> None:
        pass


def _under(path: str, tree: str) -> bool:
    try:
        return os.path.commonpath([path, tree]) == tree
    except ValueError:  # different drives
        return False


# ---------------------------------------------------------------- the batch


def run(
    tasks: Iterable[Task], sink: StreamSink | DirSink, *, cleaner: CleanerSource, config: Config,
    jobs: int, timeout: float | None, progress: Progress, summary: Summary, report: Any = None,
    show_summary: bool | None = None,
) -> int:
    """Clean `tasks` and write their outputs in input order; returns the exit status.

    Errors are one line each on stderr.  The summary is printed at the end
    if `show_summary` is true, or if it is None and there was more than one
    document.  With a report writer, every cleaned document is added to it.
    """
    stats = summary
    try:
        for task, outcome in run_tasks(tasks, cleaner, config, jobs, timeout):
            written = 0
            if outcome.output is not None:
                try:
                    written = sink.write(task, outcome.output)
                except cli.InputError as exc:
                    outcome = Outcome(error=str(exc), bytes_in=outcome.bytes_in)
                else:
                    if report is not None and outcome.result is not None:
                        try:
                            report.add(task.name, outcome.result)
                        except (KeyboardInterrupt, BrokenPipeError):
                            raise
                        except Exception as exc:  # the report is extra: the document's output is written
                            problem = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
                            outcome = Outcome(error=f"not added to the report: {problem}", bytes_in=outcome.bytes_in)
            if outcome.error is not None:
                if outcome.traceback:
                    progress.write(outcome.traceback.rstrip("\n"))
                progress.write(f"{cli.PROG}: {task.name}: {outcome.error}")
            stats.add(outcome, written)
            progress.advance()
    finally:
        progress.close()
        sink.close()
    if show_summary or (show_summary is None and stats.documents > 1):
        sys.stderr.write(stats.render())
    return cli.EXIT_SOME_FAILED if stats.failed or stats.timed_out else cli.EXIT_OK
