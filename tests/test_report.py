"""The HTML report: its structure (read back with lxml), and the page as Chromium renders it.

The structure tests check what a reader relies on: one section per
document, one highlight per removal with its category's class and the rule
id and reason on hover, the title marked, the legend, escaping, and that the
page is streamed.  The rendering tests open the page in headless Chromium,
take a 1200×2000 screenshot and read the PNG back (zlib and struct only):
every legend colour must be on screen, and the DOM Chromium built must hold
the same sections and highlights.
"""

from __future__ import annotations

import gc
import shutil
import struct
import subprocess
import weakref
import zlib
from pathlib import Path

import lxml.html
import pytest

import cleaner
from cleaner import Category
from cleaner.report import COLOURS, TITLE_COLOUR, ReportWriter, write_report

ROOT = Path(__file__).parent.parent
PROSE = "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3
HOSTILE_NAME = '<script>alert("name")</script>&amp; "quoted"'
HOSTILE = (
    '<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
    f"{PROSE}\n\nRelated Posts\n\n<b>Other</b> story & more"
)


def _documents() -> list[tuple[str, cleaner.Result]]:
    docs = [
        ("seeds/003_b90e2284be03598a.txt", cleaner.clean((ROOT / "seeds/003_b90e2284be03598a.txt").read_text(encoding="utf-8"))),
        ("wire_story_ap_copyright_taboola.html",
         cleaner.clean_html((ROOT / "fixtures/html/wire_story_ap_copyright_taboola.html").read_bytes())),
        ("wordpress_local_news_sharedaddy_comments.html",
         cleaner.clean_html((ROOT / "fixtures/html/wordpress_local_news_sharedaddy_comments.html").read_bytes())),
        (HOSTILE_NAME, cleaner.clean(HOSTILE)),
    ]
    return docs


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, cleaner.Result]]:
    return _documents()


@pytest.fixture(scope="module")
def report(documents, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert write_report(path, documents, title="Report <test>") == len(documents)
    return path


def _tree(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


# --- structure ---------------------------------------------------------------------------


def test_one_section_per_document_in_order(report, documents):
    sections = _tree(report).xpath('//section[contains(@class, "doc")]')
    assert len(sections) == len(documents)
    for i, (section, (name, _)) in enumerate(zip(sections, documents), 1):
        assert section.get("id") == f"d{i}"
        assert section.xpath("string(h2)") == f"{i}{name}"


def test_one_highlight_per_removal_with_category_rule_and_reason(report, documents):
    for section, (name, result) in zip(_tree(report).xpath('//section[@class="doc"]'), documents):
        marks = section.xpath('.//mark[contains(@class, "rm")]')
        assert len(marks) == len(result.removed), name
        assert result.removed, f"{name}: pick documents with removals"
        for mark, removal in zip(marks, result.removed):
            assert f"cat-{removal.category.value}" in _classes(mark)
            assert mark.text_content() == removal.text
            assert removal.rule in mark.get("title") and removal.reason in mark.get("title")
            assert mark.get("data-rule") == removal.rule


def test_kept_segments_and_title_are_marked(report, documents):
    for section, (name, result) in zip(_tree(report).xpath('//section[@class="doc"]'), documents):
        kept = section.xpath('.//span[@class="keep"]')
        assert [k.text_content() for k in kept] == [s.text for s in result.segments], name
        titles = section.xpath('.//div[contains(@class, "src")]//span[@class="title"]')
        assert [t.text_content() for t in titles] == ([result.title.text] if result.title else []), name


def test_header_shows_language_confidence_and_counts(report, documents):
    for section, (name, result) in zip(_tree(report).xpath('//section[@class="doc"]'), documents):
        meta = section.xpath('string(.//p[@class="meta"])')
        assert f"language {result.language}" in meta
        assert f"confidence {result.confidence:.2f}" in meta
        assert f"{len(result.removed)} removed" in meta and f"{len(result.segments)} kept" in meta
        chips = {c.text_content() for c in section.xpath('.//p[@class="cats"]/span')}
        for category in {r.category for r in result.removed}:
            n = sum(r.category is category for r in result.removed)
            assert f"{category.value} {n}" in chips


def test_text_sources_are_shown_whole_and_html_sources_as_text(report, documents):
    for section, (name, result) in zip(_tree(report).xpath('//section[@class="doc"]'), documents):
        src = section.xpath('.//div[contains(@class, "src")]')[0]
        if name.endswith(".html"):
            assert "html" in _classes(src)
            assert "<" not in src.text_content(), "markup of the page shown"
        else:
            assert "text" in _classes(src)
            # Pieces and the whitespace between them: the source itself.
            assert src.text_content() == result.source.rstrip()


def test_html_source_pieces_in_source_order(report, documents):
    name, result = documents[1]
    src = _tree(report).xpath('//section[@id="d2"]//div[contains(@class, "src")]')[0]
    pieces = sorted([*result.segments, *result.removed, result.title], key=lambda p: p.start)
    shown = [el.text_content() for el in src if el.tag in ("mark", "span")]
    assert shown == [p.text for p in pieces]


def test_legend_has_one_entry_per_category_with_its_colour(report):
    tree = _tree(report)
    legend = tree.xpath('//ul[@class="legend"]/li')
    entries = {li.text_content(): li.get("class") for li in legend}
    for category in Category:
        assert entries[category.value] == f"cat-{category.value}"
    assert "kept text" in entries and "title" in entries
    css = tree.xpath("string(//style)")
    for category, colour in COLOURS.items():
        assert f".cat-{category.value}{{background:{colour}}}" in css
    assert len(set(COLOURS.values())) == len(Category)  # one colour each


def test_everything_is_escaped(report):
    page = report.read_text(encoding="utf-8")
    tree = _tree(report)
    assert not tree.xpath("//script | //img | //iframe | //link | //object")
    assert not [el for el in tree.iter() if isinstance(el.tag, str) and any(a.startswith("on") for a in el.attrib)]
    assert "<script" not in page and "<b>Other" not in page
    # ... and reads back as the text it was.
    section = tree.xpath('//section[@id="d4"]')[0]
    assert section.xpath("string(h2)") == "4" + HOSTILE_NAME
    assert '<script>alert("x")</script>' in section.text_content()
    assert tree.xpath("string(//title)") == "Report <test>"


def test_self_contained(report):
    tree = _tree(report)
    links = [(el.tag, a, v) for el in tree.iter() if isinstance(el.tag, str)
             for a, v in el.attrib.items() if a in ("src", "href", "action", "srcset", "data")]
    assert links and all(a == "href" and v.startswith("#") for _, a, v in links), "only in-page links"
    css = tree.xpath("string(//style)")
    assert "@import" not in css and "url(" not in css


def test_summary_links_every_section(report, documents):
    tree = _tree(report)
    rows = tree.xpath('//footer[@id="summary"]//tbody/tr')
    assert len(rows) == len(documents)
    ids = set(tree.xpath("//section/@id"))
    assert {r.xpath("string(.//a/@href)")[1:] for r in rows} == ids
    assert f"{len(documents)} documents" in tree.xpath('string(//footer[@id="summary"])')


def test_streamed_as_added_and_results_not_kept(tmp_path):
    path = tmp_path / "r.html"
    with ReportWriter(path) as report:
        result = cleaner.clean(f"Home\n\n{PROSE}")
        ref = weakref.ref(result)
        report.add("first", result)
        written = path.read_text(encoding="utf-8")
        assert 'id="d1"' in written and "</html>" not in written
        del result
        gc.collect()
        assert ref() is None, "the writer must not hold on to results"
        report.add("second", cleaner.clean(PROSE))
        assert 'id="d2"' in path.read_text(encoding="utf-8")
    page = path.read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    with pytest.raises(ValueError, match="closed"):
        report.add("late", cleaner.clean(PROSE))
    report.close()  # twice is harmless


def test_page_is_finished_after_an_error(tmp_path):
    path = tmp_path / "r.html"
    with pytest.raises(RuntimeError):
        with ReportWriter(path) as report:
            report.add("one", cleaner.clean(PROSE))
            raise RuntimeError("batch failed")
    tree = _tree(path)
    assert len(tree.xpath('//section[@class="doc"]')) == 1 and tree.xpath('//footer[@id="summary"]')


def test_empty_report_is_a_valid_page(tmp_path):
    path = tmp_path / "r.html"
    assert write_report(path, []) == 0
    tree = _tree(path)
    assert not tree.xpath("//section") and "0 documents" in tree.xpath('string(//footer)')


# --- rendered by Chromium ---------------------------------------------------------------

WIDTH, HEIGHT = 1200, 2000
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, _BROWSERS) if p), None)


def _run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def rendered(report, tmp_path_factory):
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium not found (tried %s): install Debian's 'chromium' package, "
                    "as .ci/run does, to render the report" % ", ".join(_BROWSERS))
    out = tmp_path_factory.mktemp("render")
    png = out / "report.png"
    shot = _run_chromium(browser, out / "profile", f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}",
                         report.as_uri())
    assert png.exists(), f"Chromium wrote no screenshot (exit {shot.returncode}):\n{shot.stderr[-2000:]}"
    dom = _run_chromium(browser, out / "profile", "--dump-dom", report.as_uri())
    assert dom.returncode == 0 and "<section" in dom.stdout, dom.stderr[-2000:]
    return png, dom.stdout


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB/RGBA PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + size]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + size:pos + 12 + size])[0], kind
        pos += 12 + size
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert header is not None, "no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    assert len(raw) == height * (stride + 1)
    lo, hi = int.from_bytes(b"\x7f" * stride, "big"), int.from_bytes(b"\x80" * stride, "big")
    prev, rows = bytes(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if kind == 0:
            cur = line
        elif kind == 2:  # Up: bytewise addition mod 256 of two whole rows, as big integers
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            cur = (((a & lo) + (b & lo)) ^ ((a ^ b) & hi)).to_bytes(stride, "big")
        else:
            buf = bytearray(line)
            for i in range(stride):
                left = buf[i - bpp] if i >= bpp else 0
                up = prev[i]
                if kind == 1:
                    p = left
                elif kind == 3:
                    p = (left + up) >> 1
                else:  # Paeth
                    corner = prev[i - bpp] if i >= bpp else 0
                    pa, pb, pc = abs(up - corner), abs(left - corner), abs(left + up - 2 * corner)
                    p = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                buf[i] = (buf[i] + p) & 255
            cur = bytes(buf)
        rows.append(cur)
        prev = cur
    if bpp == 4:
        rows = [b"".join(r[i:i + 3] for i in range(0, stride, 4)) for r in rows]
    return width, height, rows


def _colours(rows: list[bytes], step: int = 3) -> set[bytes]:
    """The distinct colours of every `step`-th pixel of every `step`-th row (a cheap sample)."""
    return {row[i:i + 3] for row in rows[::step] for i in range(0, len(row), 3 * step)}


def _shows(rows: list[bytes], colour: str) -> bool:
    """Whether any pixel has exactly `colour` ("#rrggbb"); bytes.find does the scanning."""
    rgb = bytes.fromhex(colour.lstrip("#"))
    for row in rows:
        at = row.find(rgb)
        while at != -1:
            if at % 3 == 0:
                return True
            at = row.find(rgb, at + 1)
    return False


def test_screenshot_is_a_png_of_the_window_size_and_not_blank(rendered, documents):
    png, _ = rendered
    width, height, rows = _png_pixels(png)
    assert (width, height) == (WIDTH, HEIGHT)
    colours = _colours(rows)
    assert len(colours) > 50, f"only {len(colours)} colours: the page looks blank"
    # Every category's colour is on screen (the legend shows them all) ...
    for category, colour in COLOURS.items():
        assert _shows(rows[:200], colour), f"{category.value} ({colour}) not rendered in the legend"
    # ... and below the fixed header the first document's highlights and title.
    first = documents[0][1]
    for category in {r.category for r in first.removed}:
        assert _shows(rows[200:], COLOURS[category]), f"no {category.value} highlight rendered"
    assert _shows(rows[200:], TITLE_COLOUR)


def test_rendered_dom_has_the_sections_and_highlights(rendered, documents):
    _, dom = rendered
    tree = lxml.html.fromstring(dom)
    sections = tree.xpath('//section[@class="doc"]')
    assert len(sections) == len(documents)
    for section, (_, result) in zip(sections, documents):
        assert len(section.xpath('.//mark[contains(@class, "rm")]')) == len(result.removed)
    assert not tree.xpath("//script | //img")
