"""Loading the ScrapingHub article-extraction benchmark from disk.

The data directory holds ``ground-truth.json`` (page id -> {"articleBody", "url"})
and ``html/<id>.html.gz``. Pages are decoded as UTF-8, falling back to
beautifulsoup4's UnicodeDammit, so every system is given the same ``str``.
Nothing here reaches the network; a missing or malformed directory raises
``DataError`` with a one-line message.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from bs4 import UnicodeDammit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / ".." / "shared" / "data" / "scrapinghub"


class DataError(Exception):
    """The benchmark data is missing or unreadable."""


@dataclass(frozen=True)
class Page:
    """One benchmark page: its HTML and the ground-truth article body."""

    id: str
    url: str
    html: str
    truth: str


def decode(raw: bytes) -> str:
    """Decode page bytes: UTF-8 if valid, else whatever UnicodeDammit detects."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = UnicodeDammit(raw).unicode_markup
        return text if text is not None else raw.decode("utf-8", errors="replace")


def load_ground_truth(data_dir: Path) -> dict[str, dict[str, str]]:
    path = data_dir / "ground-truth.json"
    if not path.is_file():
        raise DataError(f"benchmark data not found: {path} does not exist (use --data PATH)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def load_page_html(data_dir: Path, page_id: str) -> str:
    path = data_dir / "html" / f"{page_id}.html.gz"
    try:
        return decode(gzip.decompress(path.read_bytes()))
    except OSError as exc:
        raise DataError(f"cannot read page {path}: {exc}") from exc


def load_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    """All pages of the benchmark, sorted by id (the first ``limit`` if given)."""
    truth = load_ground_truth(data_dir)
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    return [
        Page(
            id=page_id,
            url=truth[page_id].get("url", ""),
            html=load_page_html(data_dir, page_id),
            truth=truth[page_id].get("articleBody", ""),
        )
        for page_id in ids
    ]
