"""Assemble the Result once, from the decided blocks, with all offsets.

A kept block becomes one Segment, or several when inline rules cut text out
of it (each cut is a Removal between them).  A dropped block becomes one
Removal.  Segments are joined into `Result.text`: pieces of one block with a
space, blocks of one paragraph with a line break, paragraphs with a blank
line.
"""

from __future__ import annotations

import math
from operator import attrgetter

from .blocks import Block, Label, trim_span
from .model import Removal, Result, Segment, new_removal, new_segment

# Label.GOOD as a module constant: enum member lookups go through
# EnumType.__getattr__, ten times the cost of a global's.
_GOOD = Label.GOOD
# Drops that only structure found (the body run, a container's name):
# furniture between kept blocks that breaks the article into runs.
_STRUCTURAL = ("body.", "core.cue.")


def _kept_pieces(b: Block, removed: list[Removal]) -> list[tuple[int, int]]:
    """The text ranges of a kept block left after its cuts (cuts go to `removed`)."""
    if not b.cuts:
        # Most blocks: no inline rule fired, the block is kept whole.
        i, j = trim_span(b.text, 0, len(b.text))
        return [(i, j)] if i < j else []
    pieces = []
    pos = 0
    for hit in b.cuts:
        cut_i, cut_j = trim_span(b.text, hit.start, hit.end)
        if cut_i == cut_j:
            continue
        pieces.append((pos, cut_i))
        rule = hit.rule
        start, end = b.source_range(cut_i, cut_j)
        removed.append(new_removal(start, end, b.text[cut_i:cut_j], rule.category, rule.id, rule.reason))
        pos = cut_j
    pieces.append((pos, len(b.text)))
    return [r for r in (trim_span(b.text, i, j) for i, j in pieces) if r[0] < r[1]]


def confidence(blocks: list[Block]) -> float:
    """How sure we are that the kept text is an article body, 0 to 1.

    Grows with the amount of kept text (about 0.63 at 600 characters) and
    with the share of it that is full prose rather than short lines; falls
    with the share that is link text (HTML), since a listing page's kept
    text is mostly headlines linking elsewhere.
    """
    kept = [b for b in blocks if b.drop is None and not b.is_title]
    return _confidence(kept, _runs(blocks))


def _confidence(kept: list[Block], runs: int) -> float:
    """`confidence` of the kept blocks (title aside), in `runs` runs."""
    # Latin-equivalent lengths (Block.length): 200 Chinese characters hold
    # what about 600 Latin ones do.
    chars = sum(b.length for b in kept)
    if not chars:
        return 0.0
    prose = sum(b.length for b in kept if b.label is _GOOD)
    linked = sum(b.length * b.link_density for b in kept)
    link_share = linked / chars
    return (
        (1.0 - math.exp(-chars / 600.0)) * math.sqrt(prose / chars)
        * (1.0 - link_share) ** 2 * (1.0 - _fragmentation(runs, len(kept)))
    )


def _runs(blocks: list[Block]) -> int:
    """The runs of kept blocks (title aside) that structural drops separate.

    An article reads as one run, interrupted now and then by an ad or a
    "Read more" line (rules name those).  A listing page keeps one blurb
    per teaser, each cut off from the next by a headline link dropped as
    not prose: nearly as many runs as kept blocks.
    """
    runs = 0
    in_run = False
    for b in blocks:
        if b.is_title:
            continue
        if b.drop is None:
            if not in_run:
                runs += 1
            in_run = True
        elif in_run and b.drop.rule.startswith(_STRUCTURAL):
            in_run = False
    return runs


def _fragmentation(runs: int, kept: int) -> float:
    """How much the kept text is broken up by furniture that only structure
    found (`_runs`): 0 for one run; up to 1."""
    if kept < 4:
        return 0.0
    return max(0.0, runs / kept - 0.5) * 2.0


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
            title = new_segment(b.start, b.end, b.text, None, None)
            continue
        d = b.drop
        if d is not None:
            removed.append(new_removal(b.start, b.end, b.text, d.category, d.rule, d.reason))
            continue
        for k, (i, j) in enumerate(_kept_pieces(b, removed)):
            if segments:
                sep = " " if k else ("\n" if prev is not None and prev.para == b.para else "\n\n")
                out.append(sep)
                out_len += len(sep)
            text = b.text[i:j]
            start, end = b.source_range(i, j)
            segments.append(new_segment(start, end, text, out_len, out_len + len(text)))
            out.append(text)
            out_len += len(text)
        prev = b
    removed.sort(key=attrgetter("start"))
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
