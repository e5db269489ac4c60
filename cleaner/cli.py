"""The ``clean`` command: clean news articles from files, directories, streams or stdin.

Usage examples::

    clean article.txt                    # the clean body text on stdout
    cat article.txt | clean              # stdin (also: clean -)
    clean a.txt b.txt                    # several files, each after a "==> NAME <==" header
    clean --no-header a.txt b.txt        # ... without the headers
    clean --explain article.txt          # text, then a table of every removal
    clean --format json a.txt b.txt      # one JSON object per input (JSON Lines)
    clean --rules mysite.toml a.txt      # extra rule packs (repeatable)
    clean --language en a.txt            # force the language instead of detecting it
    clean --favor recall extracted.txt   # text another extractor already cut from its page
    clean --url https://x.com/a page.html  # the page's URL, for site rules
    clean --encoding cp1252 old.txt      # force an input encoding
    clean page.html                      # HTML: sniffed by extension or content
    clean --html saved.txt               # force HTML (--text forces plain text)
    clean -o out.txt article.txt         # write to a file instead of stdout
    clean -j 4 -o clean/ crawl/          # a tree of files, 4 worker processes, one output per input
    clean --timeout 10 'crawl/**/*.html' # a glob, 10 s per document at most
    clean --jsonl --field text dump.jsonl      # JSON Lines records (see cleaner.streams)
    clean --warc crawl.warc.gz > pages.jsonl   # the HTML responses of a WARC file
    clean --report report.html a.html b.html   # also an HTML page showing every removal

Batches (directories, globs, -o DIR, -j, --timeout, progress and summary)
are run by ``cleaner.batch``; JSONL and WARC input by ``cleaner.streams``.

Each input is plain text or HTML.  HTML is recognised by a ``.html``/``.htm``
name or by its content (a leading ``<!DOCTYPE html``, ``<html``, ``<head`` or
``<body``, or several common tags such as ``<p>`` and ``<div`` in the first
kilobytes); ``--html`` and ``--text`` force either for every input.

Plain text is read as bytes and decoded strictly: UTF-8 by default, or UTF-16/UTF-32
when the data starts with their byte order mark.  HTML bytes go undecoded to
``Cleaner.clean_html``, which decodes them as a browser would (byte order mark,
then ``<meta charset>``, then detection; bytes it cannot decode become U+FFFD and
a warning).  ``--encoding NAME`` forces a codec for either.  A leading byte order
mark is removed, so every offset (``start``/``end`` in the JSON and in
``--explain``) is a ``str`` index into the *decoded input without the BOM* (for
HTML: into the decoded page, markup included) -- not a byte offset into the file.

``--format json`` prints ``Result.to_dict()`` plus a ``"file"`` key (the name
as given, ``<stdin>`` for standard input) and ``"encoding"`` set to the codec
that decoded the input.  Output is UTF-8.

Errors are one line on stderr, ``clean: NAME: problem``; a bad input does not
stop the others.  Exit status: 0 all inputs cleaned, 1 some inputs failed or timed out,
2 usage error or a broken rule file (nothing is processed), 130 interrupted,
141 output pipe closed (as a native tool killed by SIGPIPE).
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import IO, Any, Sequence

from . import __version__
from .core import Cleaner, Options
from .decide import FAVOR
from .model import Result
from .ruleset import RuleError

PROG = "clean"

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

STDIN_NAME = "<stdin>"

# Binary sniffing looks at this many leading bytes (or characters).
SNIFF_SIZE = 8192
# Share of control characters above which an input is not text.  Real text
# has next to none; random binary data has about 11% (27 of 256 byte values).
MAX_CONTROL_SHARE = 0.3
# Control characters that do belong in text: tab, newline, VT, form feed, CR.
_TEXT_CONTROLS = frozenset("\t\n\x0b\x0c\r")

# Byte order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
# Each maps to (the name reported for the input, the codec for the data after the mark).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)

EXPLAIN_TEXT_WIDTH = 60

# HTML sniffing.  A page that starts like one (after a BOM, whitespace,
# comments or an XML declaration) is HTML; so is text with a few common tags
# near its start.  One stray "<p>" in an article about HTML is not enough.
HTML_SUFFIXES = frozenset((".html", ".htm", ".xhtml", ".shtml"))
_HTML_START = re.compile(
    r"(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)[\s>/]", re.I | re.S)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|hr|img|ul|ol|li|table|tr|td|h[1-6]|article|section|header|footer|nav|aside"
    r"|main|meta|link|title|script|style|em|strong|b|i|figure|blockquote)(?:\s[^<>]*)?/?>", re.I)
HTML_MIN_TAGS = 3


class InputError(Exception):
    """One input cannot be cleaned; the message is the problem, without the name."""


class UsageError(Exception):
    """The command line cannot be acted on (exit 2 before any input is read)."""


# ---------------------------------------------------------------- reading


def display_name(arg: str) -> str:
    """How an input is named in headers, errors and JSON."""
    if arg == "-":
        return STDIN_NAME
    # A file name that is not valid UTF-8 arrives with surrogate escapes,
    # which no UTF-8 stream can print; show the bad bytes as U+FFFD instead.
    return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_input(arg: str) -> bytes:
    """The raw bytes of one input: a path, or ``-`` for stdin."""
    if arg == "-":
        stdin = sys.stdin
        if stdin is None:
            raise InputError("no standard input")
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            return buffer.read()
        # A text-only stream (an embedding application replaced sys.stdin).
        return stdin.read().encode("utf-8", "surrogateescape")
    path = Path(arg)
    if path.is_dir():
        raise InputError("is a directory")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read: {(exc.strerror or str(exc)).lower()}") from None


def looks_binary(sample: bytes | str) -> bool:
    """Whether a leading sample of an input is binary data rather than text.

    Binary means a NUL, or mostly control characters.

    >>> looks_binary(b"Plain text\\n"), looks_binary(b"PK\\x03\\x04\\x00"), looks_binary("\\x01\\x02\\x03a")
    (False, True, True)
    """
    chars = sample.decode("latin-1") if isinstance(sample, bytes) else sample
    chars = chars[:SNIFF_SIZE]
    if not chars:
        return False
    if "\x00" in chars:
        return True
    controls = sum(1 for c in chars if (c < " " or c == "\x7f") and c not in _TEXT_CONTROLS)
    return controls / len(chars) > MAX_CONTROL_SHARE


def looks_like_html(sample: str) -> bool:
    """Whether a leading sample of an input is HTML rather than plain text.

    >>> looks_like_html("<!DOCTYPE html><p>x"), looks_like_html("  <HTML lang=en>")
    (True, True)
    >>> looks_like_html("<div class=a><p>One</p><p>Two</p></div>")
    True
    >>> looks_like_html("Use a <p> tag for paragraphs.\\nThat is all.")
    False
    """
    sample = sample[:SNIFF_SIZE]
    if _HTML_START.match(sample):
        return True
    tags = _HTML_TAG.finditer(sample)
    return sum(1 for _, _ in zip(range(HTML_MIN_TAGS), tags)) >= HTML_MIN_TAGS


def is_html(data: bytes, arg: str, args: Any) -> bool:
    """Whether to clean one input as HTML: --html/--text, else its name, else its content."""
    if args.mode is not None:
        return args.mode == "html"
    if arg != "-" and Path(arg).suffix.lower() in HTML_SUFFIXES:
        return True
    sample = data[:SNIFF_SIZE * 4]
    bom = _bom(sample)
    if bom is not None:
        mark, _, codec = bom
        chars = sample[len(mark):].decode(codec, errors="ignore")
    else:
        chars = sample.decode("latin-1")  # enough to see ASCII markup in any ASCII-based encoding
    return looks_like_html(chars)


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    for mark, name, codec in _BOMS:
        if data.startswith(mark):
            return mark, name, codec
    return None


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode one input strictly; returns (text, name of the encoding used).

    Without `encoding`: a UTF-8/16/32 byte order mark picks the codec, else
    UTF-8.  A leading BOM is not part of the text, so offsets into the text
    do not count it.  Raises InputError for binary or undecodable data,
    naming the byte offset.

    >>> decode("café".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode(b"\\xef\\xbb\\xbfhi")
    ('hi', 'utf-8-sig')
    >>> decode("hi".encode("utf-16"))
    ('hi', 'utf-16')
    >>> decode(b"caf\\xe9")
    Traceback (most recent call last):
    ...
    cleaner.cli.InputError: not valid UTF-8 at byte 3 (use --encoding)
    """
    skip = 0
    if encoding is None:
        bom = _bom(data)
        if bom is not None:
            mark, used, codec = bom
            skip = len(mark)
        else:
            if looks_binary(data[:SNIFF_SIZE]):
                raise InputError("binary input, not text")
            used = codec = "utf-8"
        hint = "" if bom else " (use --encoding)"
    else:
        used = codec = codecs.lookup(encoding).name
        if codec == "utf-8-sig":
            # Python's utf-8-sig reports error offsets after the BOM; count them from the file start.
            codec = "utf-8"
            skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        hint = ""
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {used.upper()} at byte {skip + exc.start}{hint}") from None
    if text.startswith("\ufeff"):  # a BOM decoded by a forced codec that keeps it
        text = text[1:]
    if looks_binary(text[:SNIFF_SIZE]):
        raise InputError("binary input, not text")
    return text, used


# ---------------------------------------------------------------- cleaning


def clean_input(cleaner: Cleaner, data: bytes, args: Any, arg: str = "-", *, clean: Any = None) -> Result:
    """Clean one input's bytes with the chosen front end (`arg` names the input).

    `args` gives ``mode`` (--html/--text) and ``encoding``.  HTML bytes go to
    ``clean_html`` undecoded, since it detects the encoding itself (and
    records it in ``Result.encoding``); with ``--encoding`` the CLI decodes
    them and passes the text.  `clean`, if given, is what cleans (an object
    with ``clean``/``clean_html`` that adds the batch's url= and test hook);
    else `cleaner` does.
    """
    c = clean if clean is not None else cleaner
    if is_html(data, arg, args):
        if args.encoding is None:
            if _bom(data) is None and looks_binary(data[:SNIFF_SIZE]):
                raise InputError("binary input, not text")
            return c.clean_html(data)
        text, used = decode(data, args.encoding)
        return dataclasses.replace(c.clean_html(text), encoding=used)
    text, used = decode(data, args.encoding)
    result = c.clean(text)
    # The CLI did decode bytes, so say with what (the library fills this only
    # for the bytes it decodes itself).
    return dataclasses.replace(result, encoding=used)


# ---------------------------------------------------------------- rendering


def render_text(result: Result) -> str:
    """The clean body, ending in a newline (nothing at all when it is empty)."""
    return result.text + "\n" if result.text else ""


def render_json(result: Result, name: str) -> str:
    """One line of JSON: ``Result.to_dict()`` with the input's name first."""
    return json.dumps({"file": name, **result.to_dict()}, ensure_ascii=False) + "\n"


def _snippet(text: str, width: int = EXPLAIN_TEXT_WIDTH) -> str:
    """`text` on one line, escaped and cut to `width` characters."""
    flat = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def render_explain(result: Result) -> str:
    """A report of what was kept and a table of every removal, one per line.

    >>> from cleaner.model import Category, Removal, Segment
    >>> src = "Storm\\n\\nSnow fell.\\n\\nLeave a Reply"
    >>> r = Result(source=src, text="Snow fell.", title=Segment(0, 5, "Storm", None, None),
    ...            segments=(Segment(7, 17, "Snow fell.", 0, 10),),
    ...            removed=(Removal(19, 32, "Leave a Reply", Category.COMMENTS, "en.comments.heading", "A comment prompt."),),
    ...            language="en", confidence=0.9)
    >>> print(render_explain(r), end="")
    --- explain ---
    title:      0-5  Storm
    language:   en
    confidence: 0.90
    kept:       1 segment, 10 characters
    removed:    1 piece
    category  rule                 span   text
    comments  en.comments.heading  19-32  Leave a Reply
    """
    lines = ["--- explain ---"]
    if result.title is not None:
        t = result.title
        lines.append(f"title:      {t.start}-{t.end}  {_snippet(t.text)}")
    else:
        lines.append("title:      none")
    lines.append(f"language:   {result.language or 'unknown'}")
    if result.encoding:
        lines.append(f"encoding:   {result.encoding}")
    lines.append(f"confidence: {result.confidence:.2f}")
    n = len(result.segments)
    lines.append(f"kept:       {n} segment{'s' * (n != 1)}, {len(result.text)} characters")
    n = len(result.removed)
    lines.append(f"removed:    {n} piece{'s' * (n != 1)}" if n else "removed:    nothing")
    for warning in result.warnings:
        lines.append(f"warning:    {warning}")
    if result.removed:
        rows = [("category", "rule", "span", "text")] + [
            (r.category.value, r.rule, f"{r.start}-{r.end}", _snippet(r.text)) for r in result.removed
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def _encoding_name(value: str) -> str:
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r}") from None



def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {value!r}")
    return number


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per CPU) or more: {value!r}")
    return number or os.cpu_count() or 1


_SIZE = re.compile(r"(\d+)\s*([kmg]i?b?)?", re.I)


def _size(value: str) -> int:
    """A byte count, with an optional K, M or G (powers of 1024).

    >>> _size("64M"), _size("1000"), _size("2KiB")
    (67108864, 1000, 2048)
    """
    m = _SIZE.fullmatch(value.strip())
    if not m or int(m.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a positive size in bytes (K, M, G allowed): {value!r}")
    unit = (m.group(2) or " ")[0].lower()
    return int(m.group(1)) * {" ": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit]


STREAM_HELP = """\
batches:
  Inputs are files, directories (walked recursively, in name order, hidden
  names skipped) and glob patterns (* ? [..] and ** are expanded here too).
  With several inputs, -o DIR writes one output per input below DIR,
  mirroring the input tree (a/b.html -> DIR/a/b.txt, or .json); inputs are
  never modified.  -j N cleans in N worker processes; output order is input
  order whatever N is.  --timeout SECONDS skips a document that takes longer
  (reported, exit status 1).  A progress bar and an end summary appear on
  stderr when it is a terminal (--progress/--summary force them).

streams:
  --jsonl reads JSON Lines (files or stdin) and writes each record back with
  a "clean" key (--output-key) added: Result.to_dict() of the field, i.e.
  text, title, language, encoding, confidence, segments, removed, warnings;
  offsets index the field's string.  Other keys pass through untouched.  Bad
  lines are reported with their line number and skipped.
  --warc reads WARC files (.warc or .warc.gz) and writes one JSON line per
  HTML response: url, record_id, date, then Result.to_dict().  A record, or
  an HTTP body, that inflates past --max-record-bytes is reported, not read.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Strip scraped cruft (related posts, ads, bios, comment prompts, menus) "
        "from news articles and print the clean body text.",
        epilog=STREAM_HELP + "\nOffsets are str indices into the decoded input, markup included for HTML "
        "(a byte order mark is not counted).\n"
        "Exit status: 0 ok, 1 some inputs failed or timed out, 2 usage or rule file error.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="input files, directories or glob patterns; none or '-' reads stdin")
    parser.add_argument("--format", choices=("text", "json"), default=None,
                        help="text: the clean body (default); json: Result.to_dict() per input, one per line")
    parser.add_argument("--explain", action="store_true",
                        help="after the text, list every removal with category, rule, span and text "
                        "(ignored with --format json, which has every span)")
    parser.add_argument("--no-header", action="store_true",
                        help="no '==> NAME <==' line before each of several inputs")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="an extra rule pack (TOML); repeatable; its rules take priority")
    parser.add_argument("--language", metavar="CODE", help="the article language (default: detected)")
    parser.add_argument(
        "--favor", choices=FAVOR, default="balanced",
        help="precision/recall preference: 'recall' for text another extractor already "
             "cut from its page (only rules and trailer sections remove); 'precision' drops "
             "unknown short lines even where few rules fire (default: balanced)")
    parser.add_argument("--url", metavar="URL", help="the page's URL, for site rules (streams: the default "
                        "for records without one)")
    parser.add_argument("--encoding", type=_encoding_name, metavar="NAME",
                        help="decode inputs with this codec (default for text: UTF-8, or UTF-16/32 by BOM; "
                        "for HTML: BOM, then <meta charset>, then detection)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--html", dest="mode", action="store_const", const="html",
                      help="read every input as HTML (default: sniff each input by name and content)")
    mode.add_argument("--text", dest="mode", action="store_const", const="text",
                      help="read every input as plain text, even if it looks like HTML")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write to PATH instead of stdout: a file, or with several inputs (or an "
                        "existing directory, or a trailing /) a directory with one output per input")
    parser.add_argument("--debug", action="store_true", help="show a traceback for internal errors")
    parser.add_argument("--version", action="version", version=f"{PROG} (news-cleaner) {__version__}")

    group = parser.add_argument_group("batches")
    group.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                       help="clean in N worker processes (0: one per CPU; default 1)")
    group.add_argument("--timeout", type=_positive_float, metavar="SECONDS",
                       help="time budget per document; one that takes longer is reported and skipped")
    group.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a progress bar on stderr (default: when stderr is a terminal)")
    group.add_argument("--summary", action=argparse.BooleanOptionalAction, default=None,
                       help="a summary on stderr at the end (default: for several documents "
                       "when stderr is a terminal)")
    group.add_argument("--report", metavar="FILE.html",
                       help="also write an HTML page showing what was removed from every document")

    group = parser.add_argument_group("streams")
    kind = group.add_mutually_exclusive_group()
    kind.add_argument("--jsonl", action="store_true", help="inputs are JSON Lines records (see below)")
    kind.add_argument("--warc", action="store_true", help="inputs are WARC files, .warc or .warc.gz (see below)")
    field = group.add_mutually_exclusive_group()
    field.add_argument("--field", metavar="KEY", help="JSONL: the key that holds plain text (default: text)")
    field.add_argument("--html-field", metavar="KEY", help="JSONL: the key that holds HTML")
    group.add_argument("--url-field", metavar="KEY", help="JSONL: the key that holds the page URL")
    group.add_argument("--output-key", metavar="KEY", default="clean",
                       help="JSONL: the key the result is added under (default: clean)")
    group.add_argument("--max-record-bytes", type=_size, default=streams.MAX_RECORD_BYTES, metavar="SIZE",
                       help="WARC/JSONL: the most a record may inflate to (default: 64M)")
    return parser


def _error(name: str | None, problem: str) -> None:
    where = f"{name}: " if name else ""
    print(f"{PROG}: {where}{problem}", file=sys.stderr)


def _make_cleaner(args: argparse.Namespace) -> Cleaner:
    """The Cleaner for this run; raises RuleError, or UsageError for an unknown language."""
    return build_cleaner(tuple(args.rules), args.language, args.favor)


def build_cleaner(rules: Sequence[str], language: str | None, favor: str = "balanced") -> Cleaner:
    """A Cleaner with extra rule packs, a forced language and a precision/recall
    preference (workers call this too)."""
    cleaner = Cleaner(rules=rules, options=Options(language=language, favor=favor))
    if language is not None:
        known = sorted({p.language for p in cleaner.packs if p.language})
        if language not in known:
            raise UsageError(f"no rule pack for language {language!r} (available: {', '.join(known) or 'none'})")
    return cleaner


def _utf8_stdout() -> None:
    """Print UTF-8 whatever the locale says (cleaned text is any Unicode)."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")


def _open_output(path: str, inputs: Sequence[str]) -> IO[str]:
    for arg in inputs:
        if arg != "-" and os.path.exists(path) and os.path.exists(arg) and os.path.samefile(path, arg):
            raise UsageError(f"{path}: output file is also an input")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory (streams write one output file)")
    try:
        # newline="": write the text's own line ends, as they were in the input.
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {(exc.strerror or str(exc)).lower()}") from None


def _check_options(args: argparse.Namespace) -> None:
    """Usage errors that argparse cannot see (exit 2 before any input is read)."""
    if args.field is not None or args.html_field is not None:
        args.jsonl = True  # --field implies --jsonl
    stream = "--jsonl" if args.jsonl else "--warc" if args.warc else None
    if stream is None:
        for flag, value in (("--url-field", args.url_field), ("--output-key", args.output_key != "clean" or None)):
            if value:
                raise UsageError(f"{flag} needs --jsonl")
    elif args.format == "text":
        raise UsageError(f"{stream} writes JSON Lines; --format text does not apply")
    if args.warc and (args.field or args.html_field or args.url_field):
        raise UsageError("--field, --html-field and --url-field are for --jsonl, not --warc")


def _is_many(inputs: Sequence[str]) -> bool:
    """Whether the inputs may be more than one document (so -o names a directory)."""
    if len(inputs) > 1:
        return True
    arg = inputs[0]
    return arg != "-" and (os.path.isdir(arg) or (not os.path.lexists(arg) and batch._has_magic(arg)))


def _count_lines(paths: Sequence[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                total += chunk.count(b"\n")
    return total


def _run(args: argparse.Namespace) -> int:
    _check_options(args)
    if args.jobs > 1 or args.timeout is not None:
        # Worker processes clean: each builds its own Cleaner (a rule error
        # comes back from the first and stops the run); this process needs none.
        batch.prestart(warm_all=args.timeout is not None)
        cleaner: Any = batch.CleanerSpec(tuple(args.rules), args.language, args.favor)
    else:
        cleaner = _make_cleaner(args)
    inputs = args.files or ["-"]
    tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
    config = batch.Config(
        mode=args.mode, encoding=args.encoding, format=args.format or "text", explain=args.explain,
        url=args.url, keep_results=args.report is not None, debug=args.debug,
        stall_marker=os.environ.get(batch.STALL_ENV) or None,
        field=args.field, html_field=args.html_field, url_field=args.url_field, output_key=args.output_key,
    )
    summary = batch.Summary()
    count = None
    out: IO[str] | None = None
    skip_dir = None
    if args.jsonl or args.warc:
        if args.jsonl:
            tasks: Any = streams.jsonl_tasks(inputs, args.max_record_bytes)
            files = [a for a in inputs if a != "-"]
            if files and len(files) == len(inputs) and all(os.path.isfile(a) for a in files):
                count = lambda: _count_lines(files)  # noqa: E731
        else:
            reader = streams.WarcReader(inputs, args.max_record_bytes)
            tasks = _counting_skips(reader, summary)
        out = _open_output(args.output, inputs) if args.output else None
        sink: Any = batch.StreamSink(out or _stdout(), headers=False)
    else:
        to_dir = bool(args.output) and (
            args.output.endswith(("/", os.sep)) or os.path.isdir(args.output) or _is_many(inputs))
        if to_dir:
            if os.path.exists(args.output) and not os.path.isdir(args.output):
                raise UsageError(f"{args.output}: several inputs need an output directory, not a file")
            for arg in inputs:
                if arg != "-" and os.path.isdir(arg) and os.path.exists(args.output) \
                        and os.path.samefile(arg, args.output):
                    raise UsageError(f"{args.output}: the output directory is also an input directory")
            try:
                sink = batch.DirSink(args.output, ".json" if args.format == "json" else ".txt", inputs)
            except OSError as exc:
                raise UsageError(f"{args.output}: cannot write: {(exc.strerror or str(exc)).lower()}") from None
            skip_dir = args.output
        else:
            out = _open_output(args.output, inputs) if args.output else None
            headers = _is_many(inputs) and not args.no_header and args.format != "json"
            sink = batch.StreamSink(out or _stdout(), headers=headers)
        tasks = batch.file_tasks(batch.iter_sources(inputs, skip_dir))
        if inputs != ["-"]:
            count = lambda: sum(1 for _ in batch.iter_sources(inputs, skip_dir))  # noqa: E731
    report = None
    try:
        report = _open_report(args.report) if args.report else None
        progress = batch.Progress(args.progress if args.progress is not None else tty, count)
        return batch.run(
            tasks, sink, cleaner=cleaner, config=config, jobs=args.jobs, timeout=args.timeout,
            progress=progress, summary=summary, report=report,
            show_summary=args.summary if args.summary is not None else (None if tty else False),
        )
    finally:
        if report is not None:
            report.close()
        if out is not None:
            out.close()


def _counting_skips(reader: Any, summary: Any) -> Any:
    # The summary counts the WARC records that were not HTML responses.
    for task in reader.tasks():
        summary.skipped = reader.skipped
        yield task
    summary.skipped = reader.skipped


def _stdout() -> IO[str]:
    _utf8_stdout()
    return sys.stdout


def _open_report(path: str) -> Any:
    try:
        from .report import ReportWriter
    except ImportError as exc:
        raise UsageError(f"--report is not available: {exc}") from None
    try:
        return ReportWriter(path, title="clean report")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {(exc.strerror or str(exc)).lower()}") from None


def main(argv: list[str] | None = None) -> int:
    """The ``clean`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    # Bytes that cannot be decoded are recorded in Result.warnings (and shown
    # by --explain); bs4's own log line about them would be stray stderr.
    logging.getLogger("bs4.dammit").setLevel(logging.ERROR)
    try:
        return _run(args)
    except (RuleError, UsageError) as exc:
        _error(None, str(exc))
        return EXIT_USAGE
    except batch.WorkerFailed as exc:
        _error(None, str(exc))
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# The batch and stream machinery uses the reading and rendering functions
# above; imported last because they import this module.
from . import batch, streams  # noqa: E402

if __name__ == "__main__":
    # `python -m cleaner.cli`: run the package's copy of this module, so that
    # the functions pickled for worker processes and the exception classes
    # they raise are the ones cleaner.batch knows (not __main__'s).
    from cleaner.cli import main as _main

    sys.exit(_main())
