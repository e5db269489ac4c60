"""Streams for the ``clean`` command: JSON Lines records and WARC files.

JSONL (``clean --jsonl --field text`` or ``--html-field html``): each line is
a JSON object; the named field is cleaned (as plain text, or as HTML) and the
record is written back with one key added, ``"clean"`` (``--output-key``),
holding ``Result.to_dict()`` of the field: ``text``, ``title``,
``language``, ``encoding``, ``confidence``, ``segments``, ``removed`` and
``warnings``.  Offsets index the field's string.  Every other key passes
through untouched and in its place.  A line that is not a JSON object, lacks
the field, or holds a non-string there is reported with its line number and
skipped.  ``--url-field`` names a key with the page URL (for site rules).

WARC (``clean --warc FILE.warc[.gz]``): every ``response`` record whose HTTP
status is 2xx and whose Content-Type is HTML (``text/html``,
``application/xhtml+xml``; sniffed when there is none) is decoded -- a byte
order mark, else the HTTP ``charset``, else cleaner's own detection -- and
cleaned with ``url=`` its ``WARC-Target-URI``.  Output is one JSON object per
record: ``url``, ``record_id``, ``date``, then ``Result.to_dict()``.  Other
records are skipped (and counted in the summary).

Decompression is bounded.  A ``.warc.gz`` is read one gzip member (one
record, as WARC writers compress them) at a time, and a member that inflates
past ``--max-record-bytes`` (64 MiB by default) is reported and skipped
without ever being held in memory; so is an HTTP body whose
Content-Encoding inflates past the limit, and a JSONL line longer than it.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass
from typing import IO, Iterator

from . import batch, cli
from .model import Result

MAX_RECORD_BYTES = 64 * 1024 * 1024
# Reading granularity for compressed input and for skipping.
CHUNK = 1 << 16
# A WARC header block is a few hundred bytes; anything near this is not one.
MAX_HEADER_BYTES = 1 << 20
# After a member has passed the limit it is inflated (and thrown away) only
# to find where the next one starts; past this many times the limit the file
# is given up rather than spend minutes on a bomb.
SKIP_FACTOR = 16

HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.I)


def _json_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- JSONL


@dataclass(frozen=True)
class RecordTask:
    """One JSONL line (its raw bytes; parsed in the worker)."""

    name: str  # "FILE: line N"
    line: bytes
    local = False

    def run(self, ctx: batch.Context) -> batch.Outcome:
        cfg = ctx.config
        try:
            record = json.loads(self.line)
        except UnicodeDecodeError:
            raise cli.InputError("invalid JSON: not UTF-8") from None
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            col = getattr(exc, "colno", None)
            raise cli.InputError(f"invalid JSON: {msg}" + (f" (column {col})" if col else "")) from None
        if not isinstance(record, dict):
            raise cli.InputError(f"not a JSON object but {_kind(record)}")
        key = cfg.html_field or cfg.field or "text"
        if key not in record:
            raise cli.InputError(f"no field {key!r}")
        value = record[key]
        if not isinstance(value, str):
            raise cli.InputError(f"field {key!r} is {_kind(value)}, not a string")
        url = None
        if cfg.url_field is not None:
            url = record.get(cfg.url_field)
            if url is not None and not isinstance(url, str):
                raise cli.InputError(f"field {cfg.url_field!r} is {_kind(url)}, not a string")
        result = ctx.clean_html(value, url) if cfg.html_field else ctx.clean(value, url)
        output = _splice(self.line, cfg.output_key, result.to_dict()) if cfg.output_key not in record else None
        if output is None:
            record[cfg.output_key] = result.to_dict()
            output = _json_line(record)
        return batch.Outcome.cleaned(output, result, len(self.line), cfg.keep_results)


def _splice(line: bytes, key: str, value: dict) -> str | None:
    """The record's own line with ``"key": value`` added before its closing brace.

    Splicing instead of re-serialising leaves every other key exactly as it
    was written (number formats, escapes, spacing).  None when the line is
    not UTF-8 or does not end with the object's brace.

    >>> print(_splice(b'{"n": 1.50, "e": 1e3}', "clean", {"text": "x"}), end="")
    {"n": 1.50, "e": 1e3, "clean": {"text": "x"}}
    >>> print(_splice(b' {} ', "clean", {}), end="")
    {"clean": {}}
    """
    try:
        text = line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not (text.startswith("{") and text.endswith("}")):
        return None
    body = text[:-1].rstrip()
    sep = "" if body == "{" else ", "
    return f"{body}{sep}{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}}}\n"


def jsonl_tasks(paths: list[str], limit: int = MAX_RECORD_BYTES) -> Iterator[RecordTask | batch.FailedTask]:
    """A task per non-blank line of every file (``-`` is stdin), lazily."""
    for name, stream in _each_input(paths):
        if isinstance(stream, batch.FailedTask):
            yield stream
            continue
        with stream as f:
            lineno = 0
            while True:
                try:
                    line = f.readline(limit + 1)
                except OSError as exc:
                    yield batch.FailedTask(name, f"cannot read: {(exc.strerror or str(exc)).lower()}")
                    break
                if not line:
                    break
                lineno += 1
                if len(line) > limit and not line.endswith(b"\n"):
                    # Throw the rest of the line away without holding it.
                    while line and not line.endswith(b"\n"):
                        line = f.readline(CHUNK)
                    yield batch.FailedTask(f"{name}: line {lineno}", f"longer than {limit:,} bytes (--max-record-bytes), skipped")
                    continue
                if line.strip():
                    yield RecordTask(f"{name}: line {lineno}", line)


def _each_input(paths: list[str]) -> Iterator[tuple[str, IO[bytes] | batch.FailedTask]]:
    """Each input's display name with its open stream, or the failure to open it."""
    for path in paths:
        name = cli.display_name(path)
        try:
            yield name, _open_binary(path)
        except cli.InputError as exc:
            yield name, batch.FailedTask(name, str(exc))


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            if sys.stdin is None:
                raise cli.InputError("no standard input")
            return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
        return contextlib.nullcontext(buffer)  # type: ignore[return-value]  # stdin is not ours to close
    if os.path.isdir(path):
        raise cli.InputError("is a directory")
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise cli.InputError("no such file") from None
    except PermissionError:
        raise cli.InputError("permission denied") from None
    except OSError as exc:
        raise cli.InputError(f"cannot read: {(exc.strerror or str(exc)).lower()}") from None


# ---------------------------------------------------------------- WARC


@dataclass(frozen=True)
class WarcTask:
    """One HTML response from a WARC file: its body and what its headers say."""

    name: str
    url: str | None
    record_id: str | None
    date: str | None
    payload: bytes
    charset: str | None  # from the HTTP Content-Type header
    local = False

    def run(self, ctx: batch.Context) -> batch.Outcome:
        result = self._clean(ctx)
        obj = {"url": self.url, "record_id": self.record_id, "date": self.date, **result.to_dict()}
        return batch.Outcome.cleaned(_json_line(obj), result, len(self.payload), ctx.config.keep_results)

    def _clean(self, ctx: batch.Context) -> Result:
        data = self.payload
        forced = ctx.config.encoding
        codec = forced or _http_codec(self.charset)
        # As a browser does: a byte order mark beats the HTTP header, which
        # beats what the page says about itself (<meta charset>).
        if codec is None or (forced is None and _has_bom(data)):
            return ctx.clean_html(data, self.url)  # cleaner's own detection
        text = data.decode(codec, errors="replace")
        result = ctx.clean_html(text, self.url)
        warnings = result.warnings
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            warnings += (f"decode: bytes that are not {codec} (HTTP charset) were replaced by U+FFFD",)
        return result.__class__(**{**_fields(result), "encoding": codec, "warnings": warnings})


def _fields(result: Result) -> dict:
    return {f: getattr(result, f) for f in result.__dataclass_fields__}


def _has_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _http_codec(charset: str | None) -> str | None:
    """The Python codec for an HTTP charset label, or None if unknown.

    Labels are read as browsers read them: latin-1 and ASCII mean windows-1252.

    >>> _http_codec("ISO-8859-1"), _http_codec("utf8"), _http_codec("klingon")
    ('cp1252', 'utf-8', None)
    """
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header."""
    if not value:
        return None, None
    media = value.split(";", 1)[0].strip().lower() or None
    m = _CHARSET.search(value)
    return media, (m.group(1) if m else None)


class RecordTooLarge(Exception):
    pass


def _gzip_members(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | str]]:
    """(offset, member bytes) for each gzip member, or (offset, problem) for one that cannot be used.

    A member is inflated into memory only up to `limit` bytes; past that the
    rest is inflated into nothing (bounded work) to find the next member.
    A corrupt stream ends the file: there is no way to find the next member.
    """
    buf = b""
    offset = 0  # compressed offset of the current member
    while True:
        if not buf:
            buf = stream.read(CHUNK)
            if not buf:
                return
        d = zlib.decompressobj(31)
        out: bytearray | None = bytearray()
        inflated = consumed = 0
        while not d.eof:
            if not buf:
                buf = stream.read(CHUNK)
                if not buf:
                    tail = d.flush()
                    inflated += len(tail)
                    yield offset, "truncated gzip member (the file ends inside a record)"
                    return
            try:
                piece = d.decompress(buf, CHUNK)
            except zlib.error as exc:
                yield offset, f"corrupt gzip data ({exc}); the rest of the file is skipped"
                return
            used = len(buf) - (len(d.unused_data) if d.eof else len(d.unconsumed_tail))
            consumed += used
            buf = d.unused_data if d.eof else d.unconsumed_tail
            inflated += len(piece)
            if out is not None:
                if inflated > limit:
                    out = None  # a bomb or a huge record: stop keeping it
                else:
                    out += piece
            elif inflated > SKIP_FACTOR * limit:
                yield offset, (f"record inflates past {SKIP_FACTOR * limit:,} bytes; "
                               "the rest of the file is skipped")
                return
        if out is None:
            yield offset, f"record inflates past {limit:,} bytes (--max-record-bytes), skipped"
        else:
            yield offset, bytes(out)
        offset += consumed


def _plain_records(stream: IO[bytes], limit: int, base: int = 0) -> Iterator[tuple[int, bytes | str]]:
    """(offset, record bytes) for each record of an uncompressed WARC stream, or (offset, problem).

    The records are split by their Content-Length, so a broken one is
    reported and the reader moves on to the next line that starts a record.
    """
    offset = 0
    pending: bytes | None = None  # a "WARC/" line found while resyncing
    while True:
        if pending is not None:
            line, pending = pending, None
        else:
            line = stream.readline(MAX_HEADER_BYTES)
            offset += len(line)
            if not line:
                return
            if not line.strip():
                continue
        start = offset - len(line)
        if not line.startswith(b"WARC/"):
            problem = "not a WARC record"
        else:
            head = [line]
            size = len(line)
            while True:
                line = stream.readline(MAX_HEADER_BYTES)
                offset += len(line)
                size += len(line)
                if not line or not line.strip() or size > MAX_HEADER_BYTES:
                    break
                head.append(line)
            problem = None
            length = None
            for h in head[1:]:
                key, _, value = h.partition(b":")
                if key.strip().lower() == b"content-length":
                    try:
                        length = int(value.strip())
                    except ValueError:
                        pass
            if size > MAX_HEADER_BYTES:
                problem = "WARC header too long"
            elif not line:
                yield base + start, "truncated record (the file ends in its header)"
                return
            elif length is None or length < 0:
                problem = "no valid Content-Length in the WARC header"
            elif length > limit:
                skipped = _skip(stream, length)
                offset += skipped
                yield base + start, f"record is {length:,} bytes, over --max-record-bytes ({limit:,}), skipped"
                if skipped < length:
                    return
                continue
            else:
                body = stream.read(length)
                offset += len(body)
                if len(body) < length:
                    yield base + start, "truncated record (the file ends inside it)"
                    return
                yield base + start, b"".join(head) + b"\r\n" + body + b"\r\n\r\n"
                continue
        yield base + start, f"{problem}; skipped to the next record"
        # Resync: the next line that starts a record.
        while True:
            line = stream.readline(MAX_HEADER_BYTES)
            offset += len(line)
            if not line:
                return
            if line.startswith(b"WARC/"):
                pending = line
                break


def _skip(stream: IO[bytes], n: int) -> int:
    done = 0
    while done < n:
        got = stream.read(min(CHUNK, n - done))
        if not got:
            break
        done += len(got)
    return done


class WarcReader:
    """The HTML responses of WARC files as tasks; counts the records it skips."""

    def __init__(self, paths: list[str], limit: int = MAX_RECORD_BYTES) -> None:
        self.paths = paths
        self.limit = limit
        self.skipped = 0

    def tasks(self) -> Iterator[WarcTask | batch.FailedTask]:
        for name, stream in _each_input(self.paths):
            if isinstance(stream, batch.FailedTask):
                yield stream
                continue
            with stream as f:
                yield from self._file(name, f)

    def _file(self, name: str, f: IO[bytes]) -> Iterator[WarcTask | batch.FailedTask]:
        f = f if isinstance(f, io.BufferedIOBase) or hasattr(f, "peek") else io.BufferedReader(f)  # type: ignore[arg-type]
        magic = f.peek(2)[:2] if hasattr(f, "peek") else b""
        if magic == b"\x1f\x8b":
            for offset, member in _gzip_members(f, self.limit):
                if isinstance(member, str):
                    yield batch.FailedTask(f"{name}: record at byte {offset}", member)
                    continue
                for _, record in _plain_records(io.BytesIO(member), self.limit):
                    yield from self._record(name, offset, record)
        else:
            for offset, record in _plain_records(f, self.limit):
                yield from self._record(name, offset, record)

    def _record(self, name: str, offset: int, record: bytes | str) -> Iterator[WarcTask | batch.FailedTask]:
        where = f"{name}: record at byte {offset}"
        if isinstance(record, str):
            yield batch.FailedTask(where, record)
            return
        try:
            task = self._parse(where, record)
        except RecordTooLarge as exc:
            yield batch.FailedTask(where, str(exc))
            return
        except Exception as exc:  # warcio's errors for a malformed record are of many types
            problem = f"{exc}".strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            yield batch.FailedTask(where, f"broken record: {problem}"[:300])
            return
        if task is None:
            self.skipped += 1
        else:
            yield task

    def _parse(self, where: str, record_bytes: bytes) -> WarcTask | None:
        from warcio.archiveiterator import ArchiveIterator

        # warcio prints warnings about odd records on stderr itself; the
        # record at hand is bounded, so catch them and report one line.
        noise = io.StringIO()
        with contextlib.redirect_stderr(noise):
            for record in ArchiveIterator(io.BytesIO(record_bytes)):
                if record.rec_type != "response" or record.http_headers is None:
                    return None
                status = record.http_headers.get_statuscode() or ""
                if not status.startswith("2"):
                    return None
                media, charset = _content_type(record.http_headers.get_header("Content-Type"))
                body = record.content_stream().read(self.limit + 1)  # also undoes chunking and gzip
                if len(body) > self.limit:
                    raise RecordTooLarge(f"HTTP body inflates past {self.limit:,} bytes (--max-record-bytes), skipped")
                if media is None:
                    if not cli.looks_like_html(body[: cli.SNIFF_SIZE * 4].decode("latin-1")):
                        return None
                elif media not in HTML_TYPES:
                    return None
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                return WarcTask(
                    name=url or where, url=url, record_id=headers.get_header("WARC-Record-ID"),
                    date=headers.get_header("WARC-Date"), payload=body, charset=charset,
                )
        return None
