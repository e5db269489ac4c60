"""Formatting results as markdown tables (ready to paste into a README)."""

from __future__ import annotations

import re
from typing import Sequence

_NUMBER_RE = re.compile(r"^(?:[-+]?[\d.,]+\s*(?:%|×|ms|s)?|-|)$")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; columns holding only numbers are right-aligned.

    Floats are shown with 3 decimals; format other numbers before passing them.
    """
    cells = [[_cell(value) for value in row] for row in rows]
    numeric = [bool(cells) and all(_NUMBER_RE.match(row[i]) for row in cells) for i in range(len(headers))]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join("-" * (w - 1) + ":" if n else "-" * w for w, n in zip(widths, numeric)) + " |"
    return "\n".join([line(list(headers)), rule, *(line(row) for row in cells)])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
