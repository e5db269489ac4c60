"""Assemble the Result once, from the decided blocks, with all offsets.

A kept block becomes one Segment, or several when inline rules cut text out
of it (each cut is a Removal between them).  A dropped block becomes one
Removal.  Segments are joined into `Result.text`: pieces of one block with a
space, blocks of one paragraph with a line break, paragraphs with a blank
line.
"""

from __future__ import annotations

import math

from .blocks import Block, Label, trim_span
from .model import Removal, Result, Segment


def _kept_pieces(source: str, b: Block, removed: list[Removal]) -> list[tuple[int, int]]:
    """The source ranges of a kept block left after its cuts (cuts go to `removed`)."""
    pieces = []
    pos = b.start
    for hit in b.cuts:
        cut_start, cut_end = trim_span(source, b.start + hit.start, b.start + hit.end)
        if cut_start == cut_end:
            continue
        pieces.append((pos, cut_start))
        rule = hit.rule
        removed.append(Removal(cut_start, cut_end, source[cut_start:cut_end], rule.category, rule.id, rule.reason))
        pos = cut_end
    pieces.append((pos, b.end))
    return [r for r in (trim_span(source, s, e) for s, e in pieces) if r[0] < r[1]]


def confidence(blocks: list[Block]) -> float:
    """How sure we are that the kept text is an article body, 0 to 1.

    Grows with the amount of kept text (about 0.63 at 600 characters) and
    with the share of it that is full prose rather than short lines.
    """
    kept = [b for b in blocks if b.drop is None and not b.is_title]
    chars = sum(len(b.text) for b in kept)
    if not chars:
        return 0.0
    prose = sum(len(b.text) for b in kept if b.label is Label.GOOD)
    return (1.0 - math.exp(-chars / 600.0)) * math.sqrt(prose / chars)


def assemble(
    source: str,
    blocks: list[Block],
    *,
    language: str | None = None,
    encoding: str | None = None,
    warnings: list[str] | None = None,
) -> Result:
    segments: list[Segment] = []
    removed: list[Removal] = []
    title: Segment | None = None
    out: list[str] = []
    out_len = 0
    prev: Block | None = None
    for b in blocks:
        if b.is_title:
            title = Segment(b.start, b.end, b.text, None, None)
            continue
        if b.drop is not None:
            d = b.drop
            removed.append(Removal(b.start, b.end, b.text, d.category, d.rule, d.reason))
            continue
        for k, (start, end) in enumerate(_kept_pieces(source, b, removed)):
            if segments:
                sep = " " if k else ("\n" if prev is not None and prev.para == b.para else "\n\n")
                out.append(sep)
                out_len += len(sep)
            text = source[start:end]
            segments.append(Segment(start, end, text, out_len, out_len + len(text)))
            out.append(text)
            out_len += len(text)
        prev = b
    removed.sort(key=lambda r: r.start)
    return Result(
        source=source,
        text="".join(out),
        title=title,
        segments=tuple(segments),
        removed=tuple(removed),
        language=language,
        encoding=encoding,
        confidence=confidence(blocks),
        warnings=tuple(warnings or ()),
    )
