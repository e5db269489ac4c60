"""Text-in baselines: what cleaner's plain-text mode is compared with.

Each baseline takes a page's visible text (``html_text.extract_text(html)``) and
returns the text it keeps.

* ``keep_all`` — the input unchanged (the floor: high recall, low precision).
* ``c4_filter`` — the line filter used to build the C4 corpus (Raffel et al. 2020,
  "Exploring the Limits of Transfer Learning", section 2.2), as the paper words it:
  keep lines ending in terminal punctuation (period, exclamation mark, question
  mark, end quotation mark) that have at least 3 words; drop lines containing
  "javascript" or a policy phrase ("terms of use", "privacy policy", "cookie
  policy", "uses cookies", "use of cookies", "use cookies"); drop the whole page if
  it contains "lorem ipsum" or "{", or if fewer than 5 sentences remain; remove
  citation markers like ``[1]``. The bad-word page filter is left out (its word list
  is not available offline, and it says nothing about boilerplate).
  The TensorFlow-Datasets implementation differs (straight quote only, 5 words,
  3 sentences, lines ending in "..." dropped); ``C4_TFDS`` gives those settings.
* ``justext_text`` — jusText's paragraph classifier run on the text: one paragraph
  per non-empty line, each wrapped in ``<p>``, default jusText parameters, keep the
  paragraphs it does not mark as boilerplate. The stoplist is English, or (with
  ``detect_language=True``) another jusText stoplist when it covers at least twice
  as many of the page's words, for the benchmark's non-English pages.
* ``line_filter`` — the plain Python filter a developer would write first: keep
  lines with at least 3 words that end in terminal punctuation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import justext

# --- keep everything -------------------------------------------------------------


def keep_all(text: str) -> str:
    return text


# --- plain line filter -----------------------------------------------------------

LINE_FILTER_ENDINGS = (".", "!", "?", '"', "”", "'", "’", "…")
LINE_FILTER_MIN_WORDS = 3


def line_filter(text: str) -> str:
    """Keep lines of at least 3 words that end in terminal punctuation."""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(LINE_FILTER_ENDINGS) and len(line.split()) >= LINE_FILTER_MIN_WORDS:
            kept.append(line)
    return "\n".join(kept)


# --- C4 --------------------------------------------------------------------------


@dataclass(frozen=True)
class C4Options:
    endings: tuple[str, ...] = (".", "!", "?", '"', "”")
    min_words_per_line: int = 3
    min_sentences_per_page: int = 5
    drop_ellipsis_lines: bool = False


C4_PAPER = C4Options()
C4_TFDS = C4Options(
    endings=(".", "!", "?", '"'),
    min_words_per_line=5,
    min_sentences_per_page=3,
    drop_ellipsis_lines=True,
)

_C4_POLICY_PHRASES = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
_CITATION_RE = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]", re.IGNORECASE)
# A sentence ends at . ! ? (maybe followed by a closing quote) before whitespace.
_SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’']?\s+(?=\S)")


def count_sentences(line: str) -> int:
    return len(_SENTENCE_BREAK_RE.findall(line)) + 1 if line.strip() else 0


def _c4_keeps_line(line: str, options: C4Options) -> bool:
    if not line.endswith(options.endings):
        return False
    if options.drop_ellipsis_lines and line.endswith("..."):
        return False
    if len(line.split()) < options.min_words_per_line:
        return False
    lowered = line.lower()
    return "javascript" not in lowered and not any(p in lowered for p in _C4_POLICY_PHRASES)


def c4_filter(text: str, options: C4Options = C4_PAPER) -> str:
    """Apply C4's line and page rules to ``text``; '' when the page is dropped."""
    if "{" in text or "lorem ipsum" in text.lower():
        return ""
    kept = []
    for raw_line in text.splitlines():
        line = _CITATION_RE.sub("", raw_line).strip()
        if _c4_keeps_line(line, options):
            kept.append(line)
    if sum(count_sentences(line) for line in kept) < options.min_sentences_per_page:
        return ""
    return "\n".join(kept)


def c4_tfds_filter(text: str) -> str:
    return c4_filter(text, C4_TFDS)


# --- jusText ---------------------------------------------------------------------

_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=None)
def _stoplist(language: str) -> frozenset[str]:
    return frozenset(justext.get_stoplist(language))


# Some jusText stoplists (Finnish, Marathi, Uzbek…) hold thousands of words,
# English ones among them, so on an English page they can cover as many words as
# the English list. Another language is chosen only when it clearly dominates.
OTHER_LANGUAGE_FACTOR = 2.0


def guess_stoplist(text: str) -> str:
    """English, unless another jusText stoplist covers twice as many words of ``text``."""
    words = _WORD_RE.findall(text.lower())

    def hits(language: str) -> int:
        return sum(w in _stoplist(language) for w in words)

    best = max(sorted(justext.get_stoplists()), key=hits)
    return best if hits(best) >= OTHER_LANGUAGE_FACTOR * hits("English") else "English"


def _paragraphs_as_html(text: str) -> str:
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><body>{body}</body></html>"


def justext_text(text: str, detect_language: bool = False) -> str:
    """Keep the lines of ``text`` that jusText classifies as content."""
    if not text.strip():
        return ""
    language = guess_stoplist(text) if detect_language else "English"
    paragraphs = justext.justext(_paragraphs_as_html(text), _stoplist(language))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def justext_text_detected(text: str) -> str:
    return justext_text(text, detect_language=True)
