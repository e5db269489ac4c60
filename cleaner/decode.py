"""Decoding HTML bytes: byte order mark, then the page's own declaration, then detection.

The order a browser uses: a BOM wins; then `<meta charset>` or
`<meta http-equiv="Content-Type" content="…; charset=…">` in the first
kilobytes (unless the bytes are valid UTF-8 with non-ASCII in them: a stale
declaration is common, and legacy text is almost never valid UTF-8); then
strict UTF-8; then beautifulsoup4's UnicodeDammit guesses.  Bytes that the
chosen encoding cannot decode become U+FFFD, and the caller records that in
`Result.warnings` — nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I
)
_SNIFF_BYTES = 4096
# Undecodable bytes a declared encoding may meet before it counts as a lie:
# this many, or one in a thousand bytes of the page.
MAX_STRAY_BYTES = 8


# Labels that browsers read as another encoding (the WHATWG Encoding
# Standard): pages labelled Latin-1 or ASCII are decoded as windows-1252,
# whose curly quotes and dashes they really hold.
_BROWSER_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254"}


def _known(name: str) -> str | None:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def decode_html(data: bytes) -> tuple[str, str, bool]:
    """Decode `data`; returns (text, encoding used, whether bytes were replaced).

    >>> decode_html('<meta charset="windows-1252"><p>caf\\xe9'.encode("cp1252"))[:2]
    ('<meta charset="windows-1252"><p>café', 'cp1252')
    >>> decode_html(codecs.BOM_UTF8 + "<p>ü".encode())[:2]
    ('<p>ü', 'utf-8')
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(name, errors="replace")
            return text, name, "\ufffd" in text and b"\xef\xbf\xbd" not in data
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    declared = _known(m.group(1).decode("ascii")) if m else None
    if declared and declared != "utf-8" and not data.isascii():
        # Non-ASCII bytes that are valid UTF-8 are UTF-8 whatever the page
        # declares (trafilatura checks the same first): a stale
        # `<meta charset="iso-8859-1">` on a UTF-8 page made "Grüße" "GrÃ¼Ãe".
        # Text in a legacy encoding is almost never valid UTF-8 by chance.
        try:
            return data.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError:
            pass
    if declared and declared not in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared, False
        except UnicodeDecodeError:
            pass
        # A few bytes the declared encoding leaves undefined (0x81 in
        # windows-1252) are a damaged page, decoded as the page says, with
        # U+FFFD, as a browser does; many are a declaration that lies, and
        # detection decides.  (Detection's answer for a few stray bytes
        # depends on which detector is installed: cp437 with
        # charset-normalizer, windows-1252 with chardet.)
        text = data.decode(declared, errors="replace")
        bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
        if bad <= max(MAX_STRAY_BYTES, len(data) // 1000):
            return text, declared, True
    # Most undeclared pages are UTF-8, and a strict UTF-8 decode that
    # succeeds is almost never wrong; detection (chardet) is slow.
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    # Imported here: beautifulsoup4 takes 0.15 s to import, half of
    # `import cleaner`, and only pages in an undeclared legacy encoding
    # need it; a `clean` run on a few files no longer waits for it.
    from bs4.dammit import UnicodeDammit

    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        # UnicodeDammit's last resort decodes with U+FFFD for bytes no
        # encoding maps; say so (this returned False, and the replaced bytes
        # of `<p>\x81\x8d\x8f\x90\x9d</p>` went unrecorded).
        return (dammit.unicode_markup, _known(dammit.original_encoding) or dammit.original_encoding,
                dammit.contains_replacement_characters)
    text = data.decode("utf-8", errors="replace")
    return text, "utf-8", True
