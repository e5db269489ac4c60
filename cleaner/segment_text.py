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

from .blocks import Block

# A line without the whitespace around it: from its first to its last
# character that is not whitespace (stdlib re's \s is str.isspace), never
# across CR or LF.
_LINE = re.compile(r"\S(?:[^\r\n]*\S)?")
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
    # The glue points of the whole text in one scan (a glue never spans a
    # line break), consumed line by line.
    glues = [g.end() for g in _GLUE.finditer(source)]
    k = 0
    for m in _LINE.finditer(source):
        start, end = m.span()
        gap = source[prev_end:start]
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        # A line that holds only whitespace counts as blank.
        if para < 0 or breaks >= 2:
            para += 1
        prev_end = end
        cut = start
        while k < len(glues) and glues[k] < end:
            blocks.append(Block(cut, glues[k], source[cut:glues[k]], para))
            cut = glues[k]
            k += 1
        blocks.append(Block(cut, end, source[cut:end], para))
    return blocks
