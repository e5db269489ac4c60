"""The result model: what `clean()` returns.

Every piece of the input ends up in exactly one place: the title, a kept
`Segment`, or a `Removal` that says which rule removed it and why.  All
offsets are `str` indices into `Result.source`, end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any


class Category(str, Enum):
    """What kind of cruft a removed piece is.  Values are the names in DESIGN.md."""

    RELATED = "related"
    NAVIGATION = "navigation"
    AD = "ad"
    AUTHOR_BIO = "author_bio"
    BYLINE = "byline"
    COMMENTS = "comments"
    NEWSLETTER = "newsletter"
    SHARE = "share"
    CAPTION = "caption"
    LEGAL = "legal"
    BOILERPLATE = "boilerplate"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Segment:
    """A kept piece of the body (or the title).

    `source[start:end] == text` for text input; `out_start:out_end` is where the
    piece sits in `Result.text` (both ``None`` for the title, which is never
    part of the body text).
    """

    start: int
    end: int
    text: str
    out_start: int | None
    out_end: int | None


@dataclass(frozen=True, slots=True)
class Removal:
    """A dropped piece, with the rule that decided and a one-sentence reason."""

    start: int
    end: int
    text: str
    category: Category
    rule: str
    reason: str


# Construction without the frozen __init__, for `assemble`, which makes a
# Segment or a Removal of nearly every block of a page (some 30,000 for the
# 181 pages of the benchmark).  The frozen __init__ sets each field through
# object.__setattr__, a generic attribute lookup per field; the slots'
# descriptors set them directly, in half the time.  The objects are the
# same: the fields, equality, hash and repr are the dataclass's.
_new = object.__new__
_seg_start, _seg_end, _seg_text, _seg_out_start, _seg_out_end = (
    getattr(Segment, f.name).__set__ for f in fields(Segment)
)
_rem_start, _rem_end, _rem_text, _rem_category, _rem_rule, _rem_reason = (
    getattr(Removal, f.name).__set__ for f in fields(Removal)
)


def new_segment(start: int, end: int, text: str, out_start: int | None, out_end: int | None) -> Segment:
    """`Segment(start, end, text, out_start, out_end)`, made faster."""
    segment = _new(Segment)
    _seg_start(segment, start)
    _seg_end(segment, end)
    _seg_text(segment, text)
    _seg_out_start(segment, out_start)
    _seg_out_end(segment, out_end)
    return segment


def new_removal(start: int, end: int, text: str, category: Category, rule: str, reason: str) -> Removal:
    """`Removal(start, end, text, category, rule, reason)`, made faster."""
    removal = _new(Removal)
    _rem_start(removal, start)
    _rem_end(removal, end)
    _rem_text(removal, text)
    _rem_category(removal, category)
    _rem_rule(removal, rule)
    _rem_reason(removal, reason)
    return removal


@dataclass(frozen=True)
class Result:
    """The clean body of one document and the provenance of every piece."""

    source: str
    text: str
    title: Segment | None
    segments: tuple[Segment, ...]
    removed: tuple[Removal, ...]
    language: str | None = None
    encoding: str | None = None
    confidence: float = 0.0
    # Guards that fired while cleaning (a regex that hit its time limit, the
    # stop on removing nearly everything...): recorded, never silent.
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every span."""
        return {
            "text": self.text,
            "title": asdict(self.title) if self.title else None,
            "language": self.language,
            "encoding": self.encoding,
            "confidence": round(self.confidence, 4),
            "segments": [asdict(s) for s in self.segments],
            "removed": [
                {**asdict(r), "category": r.category.value} for r in self.removed
            ],
            "warnings": list(self.warnings),
        }
