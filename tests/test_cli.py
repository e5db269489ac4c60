"""The `clean` command line: inputs, formats, errors and exit codes.

Most tests call `cleaner.cli.main([...])` in-process; a few run the installed
script in a subprocess to check what a shell user sees.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner import cli
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "003_b90e2284be03598a.txt"
BODY_SENTENCE = "The International Criminal Court (ICC) said on Friday"

ARTICLE = (
    "Storm closes schools\n\n"
    + "Heavy snow closed all schools in the county on Monday, officials said. " * 3
    + "\n\nLeave a Reply\n\nYour email address will not be published.\n"
)

RULE_OK = '''
[[rules]]
id = "test.ad.sponsor"
category = "ad"
scope = "block"
action = "drop_block"
pattern = 'brought to you by '
note = "A sponsor line."
match = ["Brought to you by Acme"]
'''


@pytest.fixture
def stdin(monkeypatch):
    """Feed bytes to the command's stdin."""

    def feed(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    return feed


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def run_cli(capsys, *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str, *parts: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("clean: ")
    for part in parts:
        assert part in lines[0]
    assert "Traceback" not in err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# ---------------------------------------------------------------- output formats


def test_text_output_of_seed(capsys):
    code, out, err = run_cli(capsys, SEED)
    assert code == 0 and err == ""
    assert BODY_SENTENCE in out
    assert "Leave a Reply" not in out
    assert "==>" not in out  # one input: no header


def test_json_spans_index_the_decoded_source(capsys):
    code, out, err = run_cli(capsys, "--format", "json", SEED)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    source = SEED.read_text(encoding="utf-8")
    assert doc["file"] == str(SEED)
    assert doc["encoding"] == "utf-8"
    assert doc["segments"] and doc["removed"]
    for piece in doc["segments"] + doc["removed"] + [doc["title"]]:
        assert source[piece["start"]:piece["end"]] == piece["text"]
    for seg in doc["segments"]:
        assert doc["text"][seg["out_start"]:seg["out_end"]] == seg["text"]
    assert {"category", "rule", "reason"} <= set(doc["removed"][0])
    assert BODY_SENTENCE in doc["text"]


def test_json_is_result_to_dict(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ARTICLE)
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0
    [doc] = json_lines(out)
    expected = cleaner.clean(ARTICLE).to_dict()
    assert doc.pop("file") == str(path)
    assert doc.pop("encoding") == "utf-8"
    expected.pop("encoding")
    assert doc == json.loads(json.dumps(expected))


def test_json_keeps_non_ascii(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ARTICLE.replace("Monday", "Montag, café"))
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0
    assert "café" in out  # ensure_ascii=False


def test_json_lines_for_several_inputs(capsys, tmp_path):
    a = write(tmp_path, "a.txt", ARTICLE)
    code, out, _ = run_cli(capsys, "--format", "json", a, SEED)
    assert code == 0
    docs = json_lines(out)
    assert [d["file"] for d in docs] == [str(a), str(SEED)]
    assert "==>" not in out


def test_explain_lists_removals(capsys):
    code, out, err = run_cli(capsys, "--explain", SEED)
    assert code == 0 and err == ""
    text, sep, report = out.partition("--- explain ---\n")
    assert sep, out
    assert BODY_SENTENCE in text
    assert "Leave a Reply" not in text
    assert "title:      0-67  War crimes tribunal" in report
    assert "language:   en" in report
    assert "confidence: " in report
    rows = [line.split() for line in report.splitlines()]
    comments = [row for row in rows if row[:2] == ["comments", "en.comments.heading"]]
    assert comments, report
    start, end = map(int, comments[0][2].split("-"))
    assert SEED.read_text(encoding="utf-8")[start:end] == "Leave a Reply"
    assert " ".join(comments[0][3:]) == "Leave a Reply"


def test_explain_escapes_and_truncates(capsys, tmp_path):
    long_line = "Related Posts\n\n" + "x" * 200
    path = write(tmp_path, "a.txt", ARTICLE + "\n" + long_line + "\n")
    code, out, _ = run_cli(capsys, "--explain", path)
    assert code == 0
    report = out.partition("--- explain ---\n")[2]
    for line in report.splitlines():
        assert len(line) < 140
    assert "…" in report


def test_explain_ignored_with_json(capsys):
    code, out, _ = run_cli(capsys, "--format", "json", "--explain", SEED)
    assert code == 0
    assert "--- explain ---" not in out
    assert len(json_lines(out)) == 1


def test_headers_for_several_files(capsys, tmp_path):
    a = write(tmp_path, "a.txt", ARTICLE)
    b = write(tmp_path, "b.txt", ARTICLE.replace("snow", "rain"))
    code, out, _ = run_cli(capsys, a, b)
    assert code == 0
    assert out.startswith(f"==> {a} <==\n")
    assert f"\n\n==> {b} <==\n" in out
    assert out.count("Heavy rain") == 3 and out.count("Heavy snow") == 3

    code, out, _ = run_cli(capsys, "--no-header", a, b)
    assert code == 0
    assert "==>" not in out


def test_output_file(capsys, tmp_path):
    dest = tmp_path / "out.txt"
    code, out, err = run_cli(capsys, "-o", dest, SEED)
    assert code == 0 and out == "" and err == ""
    assert BODY_SENTENCE in dest.read_text(encoding="utf-8")


def test_output_file_may_not_be_an_input(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ARTICLE)
    code, _, err = run_cli(capsys, "-o", path, path)
    assert code == 2
    assert_one_error_line(err, str(path))
    assert path.read_text(encoding="utf-8") == ARTICLE  # not truncated


# ---------------------------------------------------------------- inputs and decoding


def test_stdin_when_no_files(capsys, stdin):
    stdin(ARTICLE.encode("utf-8"))
    code, out, err = run_cli(capsys)
    assert code == 0 and err == ""
    assert "Heavy snow closed" in out and "Leave a Reply" not in out


def test_dash_reads_stdin_among_files(capsys, stdin, tmp_path):
    stdin(ARTICLE.replace("snow", "hail").encode("utf-8"))
    a = write(tmp_path, "a.txt", ARTICLE)
    code, out, _ = run_cli(capsys, a, "-")
    assert code == 0
    assert "==> <stdin> <==" in out and "Heavy hail" in out


def test_empty_input(capsys, stdin, tmp_path):
    stdin(b"")
    assert run_cli(capsys) == (0, "", "")
    path = write(tmp_path, "empty.txt", b"")
    assert run_cli(capsys, path) == (0, "", "")
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0 and json_lines(out)[0]["text"] == ""


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_decodes(capsys, tmp_path, encoding):
    data = ARTICLE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = write(tmp_path, "a.txt", data)
    code, out, err = run_cli(capsys, "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert "Heavy snow closed" in doc["text"]
    # Offsets index the decoded text, without the BOM.
    for piece in doc["segments"] + doc["removed"]:
        assert ARTICLE[piece["start"]:piece["end"]] == piece["text"]


def test_forced_encoding(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ARTICLE.replace("Monday", "Montag für").encode("latin-1"))
    code, _, err = run_cli(capsys, path)
    assert code == 1
    assert_one_error_line(err, str(path), "not valid UTF-8 at byte", "--encoding")
    code, out, err = run_cli(capsys, "--encoding", "latin-1", path)
    assert code == 0 and err == ""
    assert "Montag für" in out


def test_unknown_encoding_is_usage_error(capsys):
    code, _, err = run_cli(capsys, "--encoding", "no-such-codec", SEED)
    assert code == 2
    assert "unknown encoding" in err and "Traceback" not in err


# ---------------------------------------------------------------- errors


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "nope.txt"
    code, out, err = run_cli(capsys, path)
    assert code == 1 and out == ""
    assert_one_error_line(err, str(path), "no such file")


def test_empty_directory(capsys, tmp_path):
    # A directory is walked for files (tests/test_batch.py); one with none is an error.
    code, out, err = run_cli(capsys, tmp_path)
    assert code == 1 and out == ""
    assert_one_error_line(err, str(tmp_path), "no files in directory")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50 + b"some text",
])
def test_binary_file(capsys, tmp_path, data):
    path = write(tmp_path, "image.png", data)
    code, out, err = run_cli(capsys, path)
    assert code == 1 and out == ""
    assert_one_error_line(err, str(path), "binary")


def test_invalid_utf8_names_file_and_offset(capsys, tmp_path):
    data = ARTICLE.encode("utf-8")
    bad = data[:100] + b"\xff" + data[100:]
    path = write(tmp_path, "bad.txt", bad)
    code, out, err = run_cli(capsys, path)
    assert code == 1 and out == ""
    assert_one_error_line(err, str(path), "not valid UTF-8 at byte 100")


def test_invalid_utf8_offset_counts_the_bom(capsys, tmp_path):
    path = write(tmp_path, "bad.txt", b"\xef\xbb\xbfab\xff")
    code, _, err = run_cli(capsys, path)
    assert code == 1
    assert_one_error_line(err, str(path), "at byte 5")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied(capsys, tmp_path):
    path = write(tmp_path, "secret.txt", ARTICLE)
    path.chmod(0)
    try:
        code, _, err = run_cli(capsys, path)
    finally:
        path.chmod(0o644)
    assert code == 1
    assert_one_error_line(err, str(path), "permission denied")


def test_permission_denied_reported(capsys, tmp_path, monkeypatch):
    # The same path as above, also when the tests run as root.
    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    path = write(tmp_path, "secret.txt", ARTICLE)
    monkeypatch.setattr(Path, "read_bytes", denied)
    code, _, err = run_cli(capsys, path)
    assert code == 1
    assert_one_error_line(err, str(path), "permission denied")


def test_bad_file_does_not_stop_the_batch(capsys, tmp_path):
    missing = tmp_path / "missing.txt"
    bad = write(tmp_path, "bad.txt", b"abc\xff")
    good = write(tmp_path, "good.txt", ARTICLE)
    code, out, err = run_cli(capsys, missing, good, bad)
    assert code == 1
    assert f"==> {good} <==" in out and "Heavy snow closed" in out
    assert str(missing) not in out and str(bad) not in out
    lines = err.splitlines()
    assert len(lines) == 2
    assert str(missing) in lines[0] and str(bad) in lines[1]
    assert "Traceback" not in err


def test_broken_rules_file(capsys, tmp_path):
    rules = write(tmp_path, "mine.toml", RULE_OK.replace('note = ', 'colour = "red"\nnote = '))
    code, out, err = run_cli(capsys, "--rules", rules, SEED)
    assert code == 2 and out == ""
    assert_one_error_line(err, str(rules), "test.ad.sponsor", "colour")


def test_missing_rules_file(capsys, tmp_path):
    rules = tmp_path / "none.toml"
    code, out, err = run_cli(capsys, "--rules", rules, SEED)
    assert code == 2 and out == ""
    assert_one_error_line(err, str(rules))


def test_extra_rules_apply(capsys, tmp_path):
    rules = write(tmp_path, "mine.toml", RULE_OK)
    path = write(tmp_path, "a.txt", ARTICLE.replace("\n\nLeave", "\n\nBrought to you by Acme Boots\n\nLeave"))
    code, out, _ = run_cli(capsys, "--rules", rules, "--explain", path)
    assert code == 0
    text, _, report = out.partition("--- explain ---\n")
    assert "Acme" not in text
    assert "test.ad.sponsor" in report


def test_language_option(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ARTICLE)
    code, out, _ = run_cli(capsys, "--language", "en", "--format", "json", path)
    assert code == 0 and json_lines(out)[0]["language"] == "en"
    code, out, err = run_cli(capsys, "--language", "xx", path)
    assert code == 2 and out == ""
    assert_one_error_line(err, "'xx'")


def test_internal_error_is_one_line(capsys, tmp_path, monkeypatch):
    def boom(self, text, *, language=None, url=None):
        raise RuntimeError("decide fell over\nsecond line")

    monkeypatch.setattr(cleaner.Cleaner, "clean", boom)
    a = write(tmp_path, "a.txt", ARTICLE)
    code, _, err = run_cli(capsys, a, a)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 2 and all("internal error: RuntimeError: decide fell over" in x for x in lines)
    assert "Traceback" not in err


def test_keyboard_interrupt(capsys, monkeypatch):
    def interrupted(arg):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "read_input", interrupted)
    code, _, err = run_cli(capsys, SEED)
    assert code == 130 and "Traceback" not in err


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0
    assert out.strip() == f"clean (news-cleaner) {cleaner.__version__}"


def test_usage_error(capsys):
    code, _, err = run_cli(capsys, "--format", "xml", SEED)
    assert code == 2 and "Traceback" not in err


# ---------------------------------------------------------------- the installed script


def _command() -> list[str]:
    script = shutil.which("clean", path=str(Path(sys.executable).parent)) or shutil.which("clean")
    return [script] if script else [sys.executable, "-m", "cleaner.cli"]


def test_script_on_seed():
    proc = subprocess.run([*_command(), str(SEED)], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert BODY_SENTENCE in out and "Leave a Reply" not in out
    assert proc.stderr == b""


def test_module_errors_and_stdin(tmp_path):
    bad = write(tmp_path, "bad.bin", b"\x00\x01\x02binary")
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "-", str(bad)],
        input=ARTICLE.encode("utf-16"), capture_output=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "Heavy snow closed" in proc.stdout.decode("utf-8")
    err = proc.stderr.decode("utf-8")
    assert err.splitlines() == [f"clean: {bad}: binary input, not text"]


# ---------------------------------------------------------------- HTML input

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Storm closes schools | Example News</title></head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article>
<h1>Storm closes schools</h1>
<p>Heavy snow closed all schools in the county on Monday, officials said, and roads were icy &amp; dangerous.</p>
<p>The council met on Tuesday and agreed the budget for next year after a long debate about the roads.</p>
<p>Officials said the storm had closed every school in the county, and that the roads would be gritted overnight.</p>
</article>
<aside class="related"><h2>Related Posts</h2><ul><li><a href="/a">How to stay warm</a></li></ul></aside>
<footer>&copy; 2024 Example Media. All rights reserved.</footer>
</body></html>
"""
HTML_SENTENCE = "Heavy snow closed all schools in the county on Monday, officials said, and roads were icy & dangerous."


def _check_html_json(doc: dict, source: str) -> None:
    """The JSON spans index the decoded page and read as their text once markup is removed."""
    from contract import assert_html_partition
    from cleaner.model import Category, Removal, Result, Segment

    result = Result(
        source=source, text=doc["text"],
        title=Segment(**doc["title"]) if doc["title"] else None,
        segments=tuple(Segment(**s) for s in doc["segments"]),
        removed=tuple(Removal(**{**r, "category": Category(r["category"])}) for r in doc["removed"]),
        encoding=doc["encoding"],
    )
    assert_html_partition(source, result)


def test_html_file_is_sniffed_by_extension(capsys, tmp_path):
    path = write(tmp_path, "page.html", PAGE)
    code, out, err = run_cli(capsys, path)
    assert code == 0 and err == ""
    assert HTML_SENTENCE in out  # entities decoded
    assert "<p>" not in out and "<!DOCTYPE" not in out
    assert "Related Posts" not in out and "All rights reserved" not in out

    code, out, err = run_cli(capsys, "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert doc["encoding"] == "utf-8"
    assert doc["removed"] and HTML_SENTENCE in doc["text"]
    _check_html_json(doc, PAGE)
    related = [r for r in doc["removed"] if r["text"] == "Related Posts"]
    assert related and PAGE[related[0]["start"]:related[0]["end"]] == "Related Posts"


def test_json_for_html_is_clean_html_to_dict(capsys, tmp_path):
    path = write(tmp_path, "page.htm", PAGE)
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0
    [doc] = json_lines(out)
    assert doc.pop("file") == str(path)
    assert doc == json.loads(json.dumps(cleaner.clean_html(PAGE.encode("utf-8")).to_dict()))


@pytest.mark.parametrize("page", [
    PAGE,
    "\ufeff  <!-- saved --><html lang=en><body><p>" + HTML_SENTENCE.replace("&", "&amp;") + "</p></body></html>",
    "<div class=story><p>" + HTML_SENTENCE.replace("&", "&amp;") + "</p>\n<p>More.</p></div>",
], ids=["doctype", "html-after-comment", "common-tags"])
def test_html_in_a_txt_file_is_sniffed(capsys, tmp_path, page):
    path = write(tmp_path, "saved.txt", page)
    code, out, err = run_cli(capsys, path)
    assert code == 0 and err == ""
    assert HTML_SENTENCE in out
    assert "<p>" not in out and "&amp;" not in out


def test_html_on_stdin_is_sniffed(capsys, stdin):
    stdin(PAGE.encode("utf-8"))
    code, out, err = run_cli(capsys, "--format", "json")
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert doc["file"] == "<stdin>" and HTML_SENTENCE in doc["text"]
    _check_html_json(doc, PAGE)


def test_text_that_mentions_a_tag_is_not_html(capsys, tmp_path):
    article = ARTICLE.replace("Monday, officials", "Monday (see the <p> notice), officials", 1)
    path = write(tmp_path, "a.txt", article)
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0
    [doc] = json_lines(out)
    assert "<p> notice" in doc["text"]
    for piece in doc["segments"] + doc["removed"]:
        assert article[piece["start"]:piece["end"]] == piece["text"]


def test_text_flag_forces_text_on_html(capsys, tmp_path):
    path = write(tmp_path, "page.html", PAGE)
    code, out, err = run_cli(capsys, "--text", "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert "&amp; dangerous.</p>" in doc["text"]  # markup kept: read as plain text
    for piece in doc["segments"] + doc["removed"]:
        assert PAGE[piece["start"]:piece["end"]] == piece["text"]


def test_html_flag_forces_html_on_text(capsys, tmp_path):
    snippet = "Heavy snow &amp; ice closed every school in the county on <b>Monday</b>, officials said."
    path = write(tmp_path, "a.txt", snippet)  # one tag: not sniffed as HTML
    code, out, _ = run_cli(capsys, path)
    assert code == 0 and out == snippet + "\n"
    code, out, err = run_cli(capsys, "--html", path)
    assert code == 0 and err == ""
    assert out == "Heavy snow & ice closed every school in the county on Monday, officials said.\n"


def test_html_and_text_flags_exclude_each_other(capsys, tmp_path):
    path = write(tmp_path, "page.html", PAGE)
    code, out, err = run_cli(capsys, "--html", "--text", path)
    assert code == 2 and out == "" and "Traceback" not in err


def test_windows_1252_html_with_meta_charset(capsys, tmp_path):
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "roads were icy &amp; dangerous", "the café’s “roads” were icy – dangerous")
    path = write(tmp_path, "page.html", page.encode("cp1252"))
    code, out, err = run_cli(capsys, "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert doc["encoding"] == "cp1252"
    assert "the café’s “roads” were icy – dangerous." in doc["text"]
    _check_html_json(doc, page)  # offsets index the decoded page

    code, out, _ = run_cli(capsys, path)
    assert code == 0 and "the café’s “roads” were icy – dangerous." in out


def test_utf16_html_with_bom(capsys, tmp_path):
    path = write(tmp_path, "page.html", PAGE.encode("utf-16"))
    code, out, err = run_cli(capsys, "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert doc["encoding"] in ("utf-16-le", "utf-16-be") and HTML_SENTENCE in doc["text"]
    _check_html_json(doc, PAGE)


def test_forced_encoding_for_html(capsys, tmp_path):
    page = PAGE.replace("roads were icy", "Straßen waren glatt")
    path = write(tmp_path, "page.html", page.encode("latin-1"))  # declares utf-8, is latin-1
    code, out, err = run_cli(capsys, "--encoding", "latin-1", "--format", "json", path)
    assert code == 0 and err == ""
    [doc] = json_lines(out)
    assert doc["encoding"] == "iso8859-1"
    assert "Straßen waren glatt &" in doc["text"]
    _check_html_json(doc, page)


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + PAGE.encode("utf-8").replace(b"Monday", b"Mon\xffday"),  # a UTF-8 BOM, then a bad byte
    # windows-1252 declared, with bytes it leaves undefined (undeclared, the
    # answer would depend on the charset detector installed).
    b'<html><head><meta charset="windows-1252"></head><body><p>The caf\x81 reopened.</p></body></html>',
], ids=["bom", "declared"])
def test_html_with_undecodable_bytes_is_a_warning(capsys, tmp_path, data):
    path = write(tmp_path, "page.html", data)
    code, out, err = run_cli(capsys, "--explain", path)
    assert code == 0 and err == ""  # cleaned; the problem is in the report, not on stderr
    report = out.partition("--- explain ---\n")[2]
    assert "warning:" in report and "U+FFFD" in report


def test_binary_html_file_is_an_error(capsys, tmp_path):
    path = write(tmp_path, "page.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = run_cli(capsys, path)
    assert code == 1 and out == ""
    assert_one_error_line(err, str(path), "binary")


def test_explain_for_html(capsys, tmp_path):
    path = write(tmp_path, "page.html", PAGE)
    code, out, err = run_cli(capsys, "--explain", path)
    assert code == 0 and err == ""
    text, sep, report = out.partition("--- explain ---\n")
    assert sep and HTML_SENTENCE in text
    assert "encoding:   utf-8" in report
    assert "confidence: " in report
    rows = [line.split(None, 3) for line in report.splitlines()]
    spans = {row[3]: row[2] for row in rows if len(row) == 4 and "-" in row[2] and row[2][0].isdigit()}
    start, end = map(int, spans["Related Posts"].split("-"))
    assert PAGE[start:end] == "Related Posts"


def test_empty_html_file(capsys, tmp_path):
    path = write(tmp_path, "empty.html", b"")
    assert run_cli(capsys, path) == (0, "", "")
    code, out, _ = run_cli(capsys, "--format", "json", path)
    assert code == 0 and json_lines(out)[0]["text"] == ""


def test_looks_like_html():
    assert cli.looks_like_html("<!doctype HTML>")
    assert cli.looks_like_html('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert cli.looks_like_html("<body>hi</body>")
    assert cli.looks_like_html("Some text\n<p>One</p>\n<div>Two</div>")
    assert not cli.looks_like_html("Storm closes schools\n\nHeavy snow closed all schools.")
    assert not cli.looks_like_html("Use <b> for bold.")
    assert not cli.looks_like_html("<htmlish> is not a tag we know")


def test_favor_recall_keeps_what_balanced_drops(tmp_path):
    # An unknown short line after the last paragraph: dropped on a page,
    # kept when the text is said to be another extractor's output.
    text = "\n\n".join([
        "Home", "News", "Sport",
        "The county council voted on Tuesday to reopen the old railway bridge to cyclists and walkers after a two-year closure.",
        "Engineers found that the steel deck was sound, but the railings and the lighting had to be replaced before anyone could use it.",
        "Gallery 12",
        "Related Posts", "Council approves budget",
        "Share this:", "Facebook",
    ])
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    precise = subprocess.run([sys.executable, "-m", "cleaner.cli", "--favor", "precision", str(path)],
                             capture_output=True, text=True)
    recall = subprocess.run([sys.executable, "-m", "cleaner.cli", "--favor", "recall", str(path)],
                            capture_output=True, text=True)
    assert precise.returncode == 0 and recall.returncode == 0, precise.stderr + recall.stderr
    assert "Gallery 12" in recall.stdout and "Gallery 12" not in precise.stdout
    assert "Council approves budget" not in recall.stdout
    bad = subprocess.run([sys.executable, "-m", "cleaner.cli", "--favor", "speed", str(path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "favor" in bad.stderr and "Traceback" not in bad.stderr
