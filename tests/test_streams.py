"""Streams: JSON Lines records and WARC files (written here with warcio), including bombs."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import cleaner
from cleaner import batch
from cleaner.cli import main
from contract import spy_on_urls

BODY = "Heavy snow closed all schools in the county on Monday, officials said. " * 3
ARTICLE = f"Storm closes schools\n\n{BODY}\n\nLeave a Reply\n\nYour email address will not be published.\n"
PAGE = (f"<!DOCTYPE html><html><head><title>Storm</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Storm closes schools</h1><p>{BODY}</p><p>The café’s roads were icy.</p></article>"
        "<aside class='related'><h2>Related Posts</h2><ul><li><a href='/a'>How to stay warm</a></li></ul></aside>"
        "</body></html>")


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# ---------------------------------------------------------------- JSONL


def jsonl(tmp_path: Path, lines: list[str | bytes | dict], name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    data = b""
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        data += (line.encode("utf-8") if isinstance(line, str) else line) + b"\n"
    path.write_bytes(data)
    return path


def test_jsonl_adds_the_result_and_keeps_every_other_key(capsys, tmp_path):
    raw = '{"id": 7, "price": 1.50, "big": 1e400, "name": "caf\\u00e9", "text": %s, "tags": [1, {"a": null}]}'
    path = jsonl(tmp_path, [raw % json.dumps(ARTICLE), {"id": 8, "text": ARTICLE.replace("snow", "rain")}])
    code, out, err = run_cli(capsys, "--jsonl", "--field", "text", path)
    assert code == 0 and err == ""
    first, second = out.splitlines()
    # Other keys pass through byte for byte: the record's own text, then the added key.
    assert first.startswith((raw % json.dumps(ARTICLE)).rstrip("}") + ', "clean": {')
    doc = json.loads(first)
    assert doc["clean"] == json.loads(json.dumps(cleaner.clean(ARTICLE).to_dict()))
    for piece in doc["clean"]["segments"] + doc["clean"]["removed"]:
        assert ARTICLE[piece["start"]:piece["end"]] == piece["text"]  # offsets index the field
    assert json.loads(second)["id"] == 8 and "Heavy rain" in json.loads(second)["clean"]["text"]


def test_jsonl_bad_lines_are_reported_with_their_number_and_skipped(capsys, tmp_path):
    path = jsonl(tmp_path, [
        {"id": 1, "text": ARTICLE},
        "",                                     # blank: ignored
        "{not json",
        {"id": 3},
        {"id": 4, "text": 5},
        "[1, 2]",
        b'{"text": "caf\xe9"}',
        {"id": 7, "text": ARTICLE, "url": 3},
        {"id": 8, "text": ARTICLE},
    ])
    code, out, err = run_cli(capsys, "--jsonl", "--url-field", "url", path)
    assert code == 1
    assert [d["id"] for d in json_lines(out)] == [1, 8]
    assert err.splitlines() == [
        f"clean: {path}: line 3: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"clean: {path}: line 4: no field 'text'",
        f"clean: {path}: line 5: field 'text' is a number, not a string",
        f"clean: {path}: line 6: not a JSON object but an array",
        f"clean: {path}: line 7: invalid JSON: not UTF-8",
        f"clean: {path}: line 8: field 'url' is a number, not a string",
    ]


def test_jsonl_html_field_and_output_key(capsys, tmp_path):
    path = jsonl(tmp_path, [{"html": PAGE, "clean": "old"}])
    code, out, err = run_cli(capsys, "--html-field", "html", "--output-key", "clean", path)  # --html-field implies --jsonl
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert list(doc) == ["html", "clean"] and doc["html"] == PAGE  # an existing key of that name is replaced
    assert "The café’s roads were icy." in doc["clean"]["text"] and "Related Posts" not in doc["clean"]["text"]
    removed = [r for r in doc["clean"]["removed"] if r["text"] == "Related Posts"]
    assert removed and PAGE[removed[0]["start"]:removed[0]["end"]] == "Related Posts"

    code, out, _ = run_cli(capsys, "--html-field", "html", "--output-key", "cleaned", path)
    assert list(json_lines(out)[0]) == ["html", "clean", "cleaned"]


def test_jsonl_from_stdin_to_a_file_with_jobs(capsys, tmp_path, monkeypatch):
    records = [{"n": i, "text": ARTICLE.replace("Monday", f"day {i}")} for i in range(12)]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    dest = tmp_path / "out.jsonl"
    code, out, err = run_cli(capsys, "--jsonl", "-j", "2", "-o", dest)
    assert code == 0 and out == "" and err == ""
    docs = json_lines(dest.read_text(encoding="utf-8"))
    assert [d["n"] for d in docs] == list(range(12))
    assert all(f"day {d['n']}" in d["clean"]["text"] for d in docs)


def test_jsonl_url_field_reaches_the_cleaner(capsys, tmp_path, monkeypatch):
    seen = spy_on_urls(monkeypatch)
    path = jsonl(tmp_path, [{"text": ARTICLE, "url": "https://a.example/1"}, {"text": ARTICLE}, {"text": ARTICLE, "url": None}])
    code, _, _ = run_cli(capsys, "--jsonl", "--url-field", "url", "--url", "https://default.example/", path)
    assert code == 0
    assert seen == ["https://a.example/1", "https://default.example/", "https://default.example/"]


def test_jsonl_line_longer_than_the_limit(capsys, tmp_path):
    path = jsonl(tmp_path, [{"text": "x" * 5000}, {"id": 2, "text": ARTICLE}])
    code, out, err = run_cli(capsys, "--jsonl", "--max-record-bytes", "1K", path)
    assert code == 1 and [d["id"] for d in json_lines(out)] == [2]
    assert err.splitlines() == [f"clean: {path}: line 1: longer than 1,024 bytes (--max-record-bytes), skipped"]


def test_jsonl_timeout_names_the_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(batch.STALL_ENV, "STALL-HERE")
    path = jsonl(tmp_path, [{"id": 1, "text": ARTICLE}, {"id": 2, "text": ARTICLE + "STALL-HERE"}, {"id": 3, "text": ARTICLE}])
    code, out, err = run_cli(capsys, "--jsonl", "--timeout", "1", path)
    assert code == 1 and [d["id"] for d in json_lines(out)] == [1, 3]
    assert err.splitlines() == [f"clean: {path}: line 2: timed out after 1 s, skipped"]


@pytest.mark.parametrize("argv", [["--url-field", "u"], ["--jsonl", "--format", "text"], ["--warc", "--field", "x"],
                                  ["--jsonl", "--warc"]])
def test_stream_usage_errors(capsys, tmp_path, argv):
    code, out, err = run_cli(capsys, *argv, jsonl(tmp_path, [{"text": ARTICLE}]))
    assert code == 2 and out == "" and "Traceback" not in err


# ---------------------------------------------------------------- WARC


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str | None, status: str = "200 OK",
              extra: list[tuple[str, str]] = ()) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers + list(extra), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def _member(data: bytes) -> bytes:
    return gzip.compress(data)


BROKEN = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://broken.example/\r\n\r\nno length here\r\n\r\n"


def make_warc(path: Path, *, gz: bool) -> Path:
    """Two HTML responses (one with a charset header), a PNG, a 404, a request and a broken record."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    _response(writer, "https://news.example/a", PAGE.encode("cp1252"), "text/html; charset=windows-1252")
    _response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    req = writer.create_warc_record("https://news.example/b", "request", payload=io.BytesIO(b"GET /b HTTP/1.1\r\n\r\n"))
    writer.write_record(req)
    _response(writer, "https://news.example/missing", b"<html><body><p>Not found</p></body></html>", "text/html", "404 Not Found")
    buf.write(_member(BROKEN) if gz else BROKEN)
    _response(writer, "https://news.example/b", PAGE.replace("Storm closes", "Rain floods").encode("utf-8"), "text/html")
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses_become_json_lines(capsys, tmp_path, gz):
    path = make_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    code, out, err = run_cli(capsys, "--warc", "--summary", path)
    assert code == 1  # the broken record
    docs = json_lines(out)
    assert [d["url"] for d in docs] == ["https://news.example/a", "https://news.example/b"]
    a, b = docs
    assert a["record_id"].startswith("<urn:uuid:") and a["date"]
    assert a["encoding"] == "cp1252"  # from the HTTP header
    assert "The café’s roads were icy." in a["text"] and "Related Posts" not in a["text"]
    assert a["title"]["text"] == "Storm closes schools" and a["removed"] and a["segments"]
    source = PAGE  # the decoded page: spans index it
    for piece in a["segments"] + a["removed"]:
        assert source[piece["start"]:piece["end"]].endswith(piece["text"][-1])
    assert "Rain floods schools" == b["title"]["text"] and b["encoding"] == "utf-8"
    lines = err.splitlines()
    assert lines[0].startswith(f"clean: {path}: record at byte ")
    assert lines[0].endswith("no valid Content-Length in the WARC header; skipped to the next record")
    assert "documents:  3 (2 cleaned, 1 failed, 0 timed out); 4 records skipped (not HTML responses)" in err


def test_warc_jobs_match_one_process(capsys, tmp_path):
    path = make_warc(tmp_path / "crawl.warc.gz", gz=True)
    assert run_cli(capsys, "--warc", path) == run_cli(capsys, "--warc", "-j", "2", path)


def test_warc_charset_header_beats_meta_and_detection_is_the_fallback(capsys, tmp_path):
    page = PAGE.replace("<head>", '<head><meta charset="utf-8">')
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    _response(writer, "https://x.example/1", page.encode("cp1252"), "text/html; charset=ISO-8859-1")  # latin-1 label
    _response(writer, "https://x.example/2", page.encode("utf-8"), "text/html")  # no charset: cleaner detects
    _response(writer, "https://x.example/3", page.encode("utf-8"), "text/html; charset=no-such-codec")
    _response(writer, "https://x.example/4", page.encode("utf-8"), None)  # no Content-Type: sniffed
    path = tmp_path / "c.warc.gz"
    path.write_bytes(buf.getvalue())
    code, out, err = run_cli(capsys, "--warc", path)
    assert code == 0 and err == ""
    docs = json_lines(out)
    assert [d["encoding"] for d in docs] == ["cp1252", "utf-8", "utf-8", "utf-8"]
    assert all("The café’s roads were icy." in d["text"] for d in docs)


def test_warc_gzip_bomb_is_an_error_not_a_crash(capsys, tmp_path):
    # One gzip member that inflates to 40 MB of zeros, between two good records.
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    _response(writer, "https://x.example/before", PAGE.encode(), "text/html")
    buf.write(_bomb_member(40 << 20))
    _response(writer, "https://x.example/after", PAGE.encode(), "text/html")
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 200_000
    code, out, err = run_cli(capsys, "--warc", "--max-record-bytes", "4M", path)
    assert code == 1
    assert [d["url"] for d in json_lines(out)] == ["https://x.example/before", "https://x.example/after"]
    [line] = err.splitlines()
    assert line.startswith(f"clean: {path}: record at byte ") and "inflates past 4,194,304 bytes" in line


def _bomb_member(size: int) -> bytes:
    """A gzip member holding a WARC response whose body is `size` zero bytes."""
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/bomb\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [z.compress(head % (len(http) + size))]
    zeros = bytes(1 << 20)
    for _ in range(size >> 20):
        parts.append(z.compress(zeros))
    parts.append(z.compress(b"\r\n\r\n"))
    parts.append(z.flush())
    return b"".join(parts)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc to read peak memory")
def test_warc_bomb_memory_stays_bounded(tmp_path):
    # A 300 MB bomb with a 32 MB limit: the process stays far below 300 MB,
    # and the record after the bomb is still read.
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    buf.write(_bomb_member(300 << 20))
    _response(writer, "https://x.example/after", PAGE.encode(), "text/html")
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(buf.getvalue())
    # The child reports its own peak RSS (VmHWM); ru_maxrss of a child would
    # include the high-water mark of the pytest process it was forked from.
    script = ("import sys; from cleaner.cli import main; code = main(sys.argv[1:]); "
              "print(*[l for l in open('/proc/self/status') if l.startswith('VmHWM')], file=sys.stderr, end=''); "
              "sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", script, "--warc", "--max-record-bytes", "32M", str(path)],
                          capture_output=True, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert [d["url"] for d in json_lines(proc.stdout.decode())] == ["https://x.example/after"]
    assert "inflates past 33,554,432 bytes" in err
    peak_kib = int(err.split("VmHWM:")[1].split()[0])
    assert peak_kib < 150 * 1024, peak_kib  # about 70 MB: the interpreter and one record up to the limit


def test_warc_http_content_encoding_bomb(capsys, tmp_path):
    body = gzip.compress(bytes(8 << 20))  # the server sent 8 MB of zeros, gzip-encoded
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    _response(writer, "https://x.example/z", body, "text/html", extra=[("Content-Encoding", "gzip")])
    _response(writer, "https://x.example/ok", PAGE.encode(), "text/html")
    path = tmp_path / "ce.warc.gz"
    path.write_bytes(buf.getvalue())
    code, out, err = run_cli(capsys, "--warc", "--max-record-bytes", "1M", path)
    assert code == 1 and [d["url"] for d in json_lines(out)] == ["https://x.example/ok"]
    assert "HTTP body inflates past 1,048,576 bytes" in err and len(err.splitlines()) == 1


def test_warc_truncated_and_corrupt_files(capsys, tmp_path):
    whole = make_warc(tmp_path / "w.warc.gz", gz=True).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[:-40])
    code, out, err = run_cli(capsys, "--warc", cut)
    assert code == 1 and [d["url"] for d in json_lines(out)] == ["https://news.example/a"]
    assert err.splitlines()[-1].endswith("truncated gzip member (the file ends inside a record)")

    plain = make_warc(tmp_path / "w.warc", gz=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(plain[:-40])
    code, out, err = run_cli(capsys, "--warc", cut)
    assert code == 1 and "truncated record (the file ends inside it)" in err.splitlines()[-1]

    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(whole[:30] + b"\x00" * 50)
    code, out, err = run_cli(capsys, "--warc", junk)
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and "Traceback" not in err


def test_warc_missing_file(capsys, tmp_path):
    code, out, err = run_cli(capsys, "--warc", tmp_path / "none.warc")
    assert code == 1 and out == "" and err.splitlines() == [f"clean: {tmp_path / 'none.warc'}: no such file"]
