"""Classify: per-block features, rule hits and a context-free label.

Nothing here looks at a block's neighbours; that is `decide`'s job.  The
label follows jusText's scheme, on characters and stopword density:

- GOOD: long enough and dense in stopwords — running prose;
- NEAR: shorter prose, or prose light on stopwords;
- SHORT: too short to judge on its own (headings, menu items, one-liners);
- BAD: long but not prose (tag lists, menus run together, link dumps).
"""

from __future__ import annotations

from typing import Any

import regex

from .blocks import Block, Label
from .ruleset import MEMO_MAX_CHARS, MEMO_SIZE, CompiledRules, Scope
from .script import ends_sentence, has_clause_mark, has_sentence_mark, measure, phrase_prose, stop_ratio

__all__ = ["classify", "ends_sentence", "label_for", "punctuation_proxy"]

# Headings are short: heading-scope rules are only tried on blocks this short.
HEADING_MAX_WORDS = 12

# Thresholds in characters and stopword share (jusText's defaults are
# 70/200 characters and 0.30/0.32; text input has no link density to lean
# on, so the prose test leans on sentence punctuation instead).
SHORT_MAX_CHARS = 40
GOOD_MIN_CHARS = 80
GOOD_MIN_STOP = 0.30
NEAR_MIN_STOP = 0.12

# HTML only: the share of a block's text inside links above which it is not
# prose (jusText uses 0.2 for its "bad" class).
LINK_DENSITY_BAD = 0.5
LINK_DENSITY_NEAR = 0.2

_LATIN = regex.compile(r"\p{Latin}")

# Enum members as module constants: a lookup such as `Label.GOOD` goes
# through EnumType.__getattr__ and costs about 90 ns on CPython 3.11, ten
# times a global's, and classifying the 181 benchmark pages makes some
# 75,000 of them.
_GOOD, _NEAR, _SHORT, _BAD = Label.GOOD, Label.NEAR, Label.SHORT, Label.BAD
_BLOCK, _HEADING = Scope.BLOCK, Scope.HEADING


def punctuation_proxy(text: str, terminal: bool) -> float:
    """A stand-in for stopword density when the language has no pack.

    Prose is made of sentences: a block that ends like one or holds sentence
    marks scores as dense prose, one with commas as borderline, a block with
    neither (menus, tag lists, titles) as not prose.  The marks are those
    of every script (`cleaner.script`).
    """
    if terminal or has_sentence_mark(text) or phrase_prose(text):
        # Thai and Lao have no sentence mark: long phrases between spaces
        # are their sign of running text (script.phrase_prose).
        return GOOD_MIN_STOP
    if has_clause_mark(text):
        return NEAR_MIN_STOP
    return 0.0


def label_for(chars: int, words: int, stop_ratio: float, terminal: bool) -> Label:
    """The context-free label from the block's features.

    `chars` is the block's length in Latin-equivalent characters
    (`script.measure`): a Chinese character counts as three.
    """
    if chars < SHORT_MAX_CHARS or words < 4:
        # Short, but a complete sentence made of ordinary words is prose.
        if terminal and words >= 4 and stop_ratio >= GOOD_MIN_STOP:
            return _NEAR
        return _SHORT
    if stop_ratio >= GOOD_MIN_STOP:
        if chars >= GOOD_MIN_CHARS and (terminal or chars >= 2 * GOOD_MIN_CHARS):
            return _GOOD
        return _NEAR
    if stop_ratio >= NEAR_MIN_STOP and terminal:
        return _NEAR
    return _BAD


def classify(blocks: list[Block], rules: CompiledRules, stopwords: frozenset[str], guard: list[str]) -> None:
    """Fill in each block's features, rule hits and label.

    `stopwords` is empty when the document's language has no pack; the
    punctuation proxy then stands in for stopword density.
    """
    # Menus, share rows and footers repeat on every page of a site: what
    # the text alone decides about a short block is remembered with the
    # rules (and forgotten with their memo).
    memo: dict[str, _TextAnswer] = rules.block_memo(stopwords)
    for b in blocks:
        text = b.text
        known = memo.get(text)
        if known is None:
            timeouts = len(guard)
            known = _read(text, rules, stopwords, guard)
            # A timeout is reported for every block it happens on: such an
            # answer is not remembered.
            if len(text) <= MEMO_MAX_CHARS and len(guard) == timeouts:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[text] = known
        b.words, b.length, b.terminal, b.stop_ratio, b.label, hit, cuts = known
        if b.link_density > LINK_DENSITY_BAD:
            b.label = _BAD  # menus and teaser lists are mostly link text
        elif b.link_density > LINK_DENSITY_NEAR and b.label is _GOOD:
            b.label = _NEAR
        if hit is None and b.cues:
            cue = rules.cue(b.cues, guard)
            # A weak cue is a hint the decision weighs; a strong one (a
            # comment thread's container) decides like a text rule.
            if cue is not None and not cue.rule.weak:
                hit = cue
            else:
                b.cue = cue
        b.hit = hit
        if hit is None:
            if cuts is None:
                # Asked only now: a block that a rule or a strong cue drops
                # whole is not searched (nor timed out on).
                timeouts = len(guard)
                cuts = tuple(rules.cuts(text, guard))
                if len(guard) == timeouts:
                    known[_CUTS] = cuts
            b.cuts = list(cuts)


# What a block's text alone decides: words, length, whether it ends a
# sentence, stopword ratio, label (before link density), the block or
# heading rule that fires on it, and (filled in when first asked, None
# until then) its inline cuts.
_TextAnswer = list[Any]
_CUTS = 6


def _read(text: str, rules: CompiledRules, stopwords: frozenset[str], guard: list[str]) -> _TextAnswer:
    """What `text` decides about a block (see `_TextAnswer`)."""
    # Words and length on the scale of spaced Latin text, whatever the
    # script: a 60-character Chinese paragraph is prose, not one "word".
    m = measure(text)
    tokens, words, length = m
    terminal = ends_sentence(text)
    ratio = stop_ratio(sum(map(stopwords.__contains__, tokens)), m) if stopwords else 0.0
    if not stopwords or (ratio == 0.0 and not text.isascii() and not _LATIN.search(text)):
        # No pack, or a passage in another script (an Arabic quotation
        # in an Indonesian article): judge it by its punctuation.
        ratio = punctuation_proxy(text, terminal)
    hit = rules.first(_BLOCK, text, guard)
    if hit is None and words <= HEADING_MAX_WORDS:
        hit = rules.first(_HEADING, text, guard)
    return [words, length, terminal, ratio, label_for(length, words, ratio, terminal), hit, None]
