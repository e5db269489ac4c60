"""Blocks: the unit of decision, shared by both front ends.

A segmenter (text or HTML) cuts the source into blocks — a line of text, a
paragraph, a heading, a list item — each with its span in the source.  The
later steps fill in features (`classify`) and the decision (`decide`); the
Result is then assembled once from the blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Sequence

from .model import Category
from .ruleset import Hit


def trim_span(source: str, start: int, end: int) -> tuple[int, int]:
    """The range `start:end` of `source` (or of a block's text) without its outer whitespace."""
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


class Label(Enum):
    """The context-free class of a block, from its text features alone.

    The names follow jusText: GOOD is article prose, NEAR could be prose
    (short or light on stopwords), SHORT is too short to judge alone, BAD is
    text that is not prose (lists of names, menus run together).
    """

    GOOD = "good"
    NEAR = "near"
    SHORT = "short"
    BAD = "bad"


@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """Why a block was dropped (a kept block has no Decision).

    Immutable: one Decision serves every block dropped for the same reason.
    """

    category: Category
    rule: str
    reason: str


@dataclass(slots=True, eq=False)
class Block:
    start: int  # offset of the first character in the source
    end: int  # offset after the last character
    text: str  # the block's visible text, whitespace-trimmed
    para: int  # paragraph number: blocks of one paragraph were split at single line breaks
    # HTML front end: DOM cues, and the map from text offsets to source
    # offsets (entities and markup make them differ).  The text front end
    # leaves these empty: there, text offset i is source offset start + i.
    tag: str = ""
    link_density: float = 0.0
    cues: frozenset[str] = frozenset()
    textmap: Any = None
    container: int = -1  # index of the element grouping it (segment_html.Container)
    # Features (classify).
    words: int = 0
    # Length in Latin-equivalent characters (script.measure): len(text),
    # except that a Chinese or Japanese character counts as two or three.
    length: int = 0
    stop_ratio: float = 0.0
    terminal: bool = False
    label: Label = Label.SHORT
    hit: Hit | None = None  # a block or heading rule that fired
    cue: Hit | None = None  # HTML: a cue rule found in the surrounding elements
    # Inline rules that fired, left to right: classify sets them.  By
    # default a shared empty tuple, not a new list per block, which
    # classify would replace or leave empty: one allocation less per block
    # for the cyclic collector to count.
    cuts: Sequence[Hit] = ()
    # Decision (decide).
    drop: Decision | None = None
    is_title: bool = False

    def source_range(self, i: int, j: int) -> tuple[int, int]:
        """The source range of text[i:j] (i < j): first to last character."""
        if self.textmap is None:
            return self.start + i, self.start + j
        return self.textmap.source_start(i), self.textmap.source_end(j)
