"""The text front end: cut plain text into blocks.

Every non-blank line is a block; a blank line starts a new paragraph.  Lines
are broken at CRLF, lone CR and LF (the breaks a scraper's text can carry),
and a sentence glued to the next by scraping (``...attacks.Related Posts``)
is split into two blocks of the same paragraph, so that rules see each
piece on its own.
"""

from __future__ import annotations

import re

import regex

from .blocks import Block, trim_span

_LINE = re.compile(r"[^\r\n]+")
# A sentence end glued to a capitalised word: lowercase letter or digit,
# terminal punctuation (maybe a closing quote), then an uppercase letter
# followed by a lowercase one.  "U.S.Army" or "Ph.D" do not qualify.
_GLUE = regex.compile(r"(?<=\p{Ll}\p{Ll})[.!?][\"”’)]?(?=\p{Lu}\p{Ll})")


def segment_text(source: str) -> list[Block]:
    """Split `source` into blocks with exact offsets.

    >>> [b.text for b in segment_text("Title\\n\\nOne.\\nTwo.Related Posts")]
    ['Title', 'One.', 'Two.', 'Related Posts']
    >>> [b.para for b in segment_text("Title\\n\\nOne.\\nTwo.Related Posts")]
    [0, 1, 1, 1]
    """
    blocks: list[Block] = []
    para = -1
    prev_end = 0
    for m in _LINE.finditer(source):
        start, end = trim_span(source, m.start(), m.end())
        if start == end:
            continue
        gap = source[prev_end:start]
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        # A line that holds only whitespace counts as blank.
        if para < 0 or breaks >= 2:
            para += 1
        prev_end = end
        cut = start
        for g in _GLUE.finditer(source, start, end):
            blocks.append(Block(cut, g.end(), source[cut:g.end()], para))
            cut = g.end()
        blocks.append(Block(cut, end, source[cut:end], para))
    return blocks
