"""Language detection, the decision and the Result are made faster, and the same.

Each speed-up in cleaner/core.py, decide.py, assemble.py and model.py
replaced a plain way of computing something with a cheaper one that gives
the same result; each test here pins the cheaper way against the plain one
(written out again here), or checks what the cheaper way relies on.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import core, decide
from cleaner.assemble import assemble, confidence
from cleaner.blocks import Block, Decision, Label
from cleaner.model import Category, Removal, Segment, new_removal, new_segment
from cleaner.ruleset import Action, Hit, Rule, Scope
from cleaner.script import (
    holds_han_or_kana, measure, script_language, script_share, stop_ratio,
)

# --- language detection --------------------------------------------------------

# Pieces of lines: ASCII words and signs, letters of other scripts, dense
# (Chinese, Japanese) runs, and every line break that str.splitlines knows.
LINE_PIECES = [
    "the ", "council ", "and ", "of ", "x" * 59, "y" * 60, ", ", ". ", "’", "—", "©", "é", "und ", "и ", "в ",
    "漢字", "漢" * 20, "かな" * 10, "ー", "ª", "²", "\u200d", "  ",
    "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
]
texts = st.lists(st.sampled_from(LINE_PIECES), max_size=40).map("".join)


def _plain_prose_sample(text: str) -> str:
    """core._prose_sample as first written: Chinese or Japanese runs are
    sought in short lines only when the whole text holds such characters."""
    parts, size = [], 0
    dense = holds_han_or_kana(text)
    for line in text.splitlines():
        if len(line) >= core._LONG_LINE_CHARS or (dense and core._DENSE_RUN.search(line)):
            parts.append(line)
            size += len(line)
            if size >= core._DETECT_CHARS:
                break
    return " ".join(parts) if size >= 200 else text[:core._DETECT_CHARS]


# The full sample, and a small one that the short texts of the tests fill
# (the sampling stops early then).
sample_sizes = st.sampled_from([core._DETECT_CHARS, 300])


@settings(max_examples=500, deadline=None)
@given(text=texts, size=sample_sizes)
def test_prose_sample_finds_dense_runs_line_by_line(text, size):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "_DETECT_CHARS", size)
        assert core._prose_sample(text) == _plain_prose_sample(text)


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(texts, max_size=12), size=sample_sizes)
def test_blocks_sample_is_the_sample_of_the_joined_texts(parts, size):
    blocks = [Block(0, len(t), t, 0) for t in parts]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "_DETECT_CHARS", size)
        assert core._blocks_sample(blocks) == _plain_prose_sample("\n".join(parts))


def _plain_detect(c: cleaner.Cleaner, sample: str) -> str | None:
    """Cleaner._detect as first written: one intersection per pack, and the
    script of every sample scanned."""
    m = measure(sample)
    if m.words < core._DETECT_MIN_TOKENS:
        return None
    guess = script_language(sample)
    if guess is not None and guess not in c._languages:
        return guess
    counts = Counter(m.tokens)
    vocabulary = frozenset(counts)
    best, best_share = None, core._DETECT_MIN_SHARE
    for code, pack in c._languages.items():
        share = stop_ratio(sum(counts[w] for w in pack.stopwords & vocabulary), m)
        if share > best_share:
            best, best_share = code, share
    if best is not None and c._scripts.get(best):
        if script_share(sample, c._scripts[best]) < core._DETECT_MIN_SCRIPT_SHARE:
            return None
    return best or guess


# Words of one language or script (stopwords that several packs list,
# such as "de", "a", "in", and others), mixed with a few of any other.
LANGUAGES = [
    ["the", "and", "of", "a", "in", "council", "budget", "’", "—", "©", "2024", "²", "_"],
    ["de", "la", "el", "que", "a", "en", "café", "año"],
    ["die", "und", "der", "in", "Straße", "über"],
    ["и", "в", "не", "на", "совет", "бюджет"],
    ["的", "了", "是", "在", "杭州", "地铁"],
    ["東京", "かな", "です", "ます", "カタカナ"],
    ["한국", "정부", "발표"], ["Ελλάδα", "και", "του"], ["שלום", "ממשלה"], ["ไทย", "ภาษา"],
]
ANY_WORD = [word for words in LANGUAGES for word in words]
samples = st.builds(
    lambda main, noise: " ".join(main + noise),
    st.sampled_from(LANGUAGES).flatmap(lambda words: st.lists(st.sampled_from(words), max_size=100)),
    st.lists(st.sampled_from(ANY_WORD), max_size=30),
)


@settings(max_examples=500, deadline=None)
@given(sample=samples)
def test_detect_counts_stopwords_once_and_skips_plain_samples(sample):
    c = cleaner.default_cleaner()
    assert c._detect(sample) == _plain_detect(c, sample)


def test_plain_samples_hold_no_letter_and_no_script_but_ascii():
    # What the shortcut for plain samples relies on: beside ASCII, only
    # signs that are no letter and of no script that script.py counts.
    scripted = regex.compile(r"[\p{L}\p{Latin}\p{Greek}\p{Cyrillic}\p{Arabic}\p{Hebrew}\p{Han}\p{Hangul}"
                             r"\p{Hiragana}\p{Katakana}\p{Thai}ー]")
    plain = [chr(cp) for cp in range(0x80, 0x110000) if not core._NOT_PLAIN.match(chr(cp))]
    assert plain and not [c for c in plain if scripted.match(c)]
    assert all(regex.match(r"[\p{L}\p{Latin}]", c) for c in "azAZ")


# --- the Result ----------------------------------------------------------------


def test_new_segment_and_new_removal_make_what_the_constructors_make():
    # The fast constructors name every field, in order.
    assert [f.name for f in dataclasses.fields(Segment)] == ["start", "end", "text", "out_start", "out_end"]
    assert [f.name for f in dataclasses.fields(Removal)] == ["start", "end", "text", "category", "rule", "reason"]
    for args in [(0, 5, "Hello", 0, 5), (3, 9, "Title", None, None)]:
        made, built = new_segment(*args), Segment(*args)
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert dataclasses.asdict(made) == dataclasses.asdict(built)
    args = (4, 8, "Home", Category.NAVIGATION, "en.nav.home", "A menu item.")
    made, built = new_removal(*args), Removal(*args)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 0  # type: ignore[misc]


def test_assemble_gathers_confidence_as_confidence_does():
    text = "Home\nNews\n\n" + "The council met on Tuesday and agreed the budget for next year. " * 3 + "\n\nShare this"
    c = cleaner.default_cleaner()
    result = c.clean(text)
    # Run the pipeline again to reach its blocks, and compare.
    blocks = cleaner.segment_text.segment_text(text)
    lang = c.detect_language(text)
    guard: list[str] = []
    cleaner.classify.classify(blocks, c._rules_for(lang), c._stopwords(lang), guard)
    decide.decide(blocks, guard)
    assert assemble(text, blocks, language=lang).confidence == confidence(blocks) == result.confidence


# --- the decision -----------------------------------------------------------------


def _rule(rule_id: str, category: Category, action: Action = Action.DROP_BLOCK, weak: bool = False,
          reason: str = "A reason.") -> Rule:
    scope = Scope.CUE if rule_id.startswith("cue") else Scope.BLOCK
    return Rule(rule_id, category, scope, action, "x", "note", reason, (), (), False, weak, "test")


RULES = [
    _rule("r.ad", Category.AD), _rule("r.nav", Category.NAVIGATION), _rule("r.weak", Category.BOILERPLATE, weak=True),
    _rule("r.byline", Category.BYLINE), _rule("r.related", Category.RELATED, Action.DROP_SECTION),
    _rule("cue.ad", Category.AD), _rule("cue.related", Category.RELATED),
]
DECISIONS = [
    None, Decision(Category.BOILERPLATE, "body.before", "x"), Decision(Category.BYLINE, "en.byline", "x"),
    Decision(Category.BYLINE, "body.x", "x"), Decision(Category.RELATED, "en.related", "x"),
]


@st.composite
def blocks_(draw) -> list[Block]:
    blocks = []
    for i in range(draw(st.integers(0, 14))):
        b = Block(i * 10, i * 10 + 5, draw(st.sampled_from(
            ["Jane Doe", "John A. Smith", "the news", "Read more…", "See the list:", "Home", "x" * 90 + "."]
        )), i // 3, tag=draw(st.sampled_from(["", "p", "td", "h2", "title"])))
        b.label = draw(st.sampled_from(list(Label)))
        b.length = draw(st.integers(0, 300))
        b.words = draw(st.integers(0, 40))
        b.link_density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0]))
        b.terminal = draw(st.booleans())
        hit = draw(st.sampled_from([None] + [r for r in RULES if not r.id.startswith("cue")]))
        b.hit = None if hit is None else Hit(hit, 0, len(b.text))
        cue = draw(st.sampled_from([None] + [r for r in RULES if r.id.startswith("cue")]))
        b.cue = None if cue is None else Hit(cue, 0, 0, "sidebar")
        b.drop = draw(st.sampled_from(DECISIONS))
        blocks.append(b)
    return blocks


def _plain_score(b: Block, strict: float, listed: bool = False) -> float:
    """decide._score as first written."""
    if listed and b.drop is None:
        return decide.NEAR_SHARE * b.length
    if b.drop is None and b.label is not Label.GOOD and decide._ad_slot(b):
        return 0.0
    if b.cue is not None and b.hit is None and b.drop is None:
        return decide._label_score(b, strict) - decide.CUE_COST
    if (
        b.tag in ("td", "th") and b.label is not Label.GOOD and b.link_density <= decide.LINK_DENSITY_NEAR
        and b.drop is None and (b.hit is None or b.hit.rule.weak)
    ):
        return 0.0
    if b.hit is not None and b.hit.rule.weak and b.drop is None:
        return -decide.SHORT_COST * max(strict, 0.0)
    if b.hit is not None or b.drop is not None:
        return -decide.RULE_COST
    return decide._label_score(b, strict)


def _plain_body_run(blocks: list[Block], strict: float, start: int, stop: int, listed: set[int]) -> tuple[int, int]:
    best, best_first, best_last = 0.0, -1, -1
    total, first = 0.0, start
    for i in range(start, stop):
        if total <= 0:
            total, first = 0.0, i
        total += _plain_score(blocks[i], strict, i in listed)
        if total > best:
            best, best_first, best_last = total, first, i
    return best_first, best_last


@settings(max_examples=400, deadline=None)
@given(blocks=blocks_(), strict=st.sampled_from([-1.0, 0.0, 0.4, 1.0]), data=st.data())
def test_scores_and_body_run_are_the_plain_ones(blocks, strict, data):
    listed = set(data.draw(st.lists(st.integers(0, 14), max_size=4)))
    for i, b in enumerate(blocks):
        assert decide._score(b, strict, i in listed) == _plain_score(b, strict, i in listed)
    start = data.draw(st.integers(0, len(blocks)))
    stop = data.draw(st.integers(start, len(blocks)))
    assert decide.body_run(blocks, strict, start, stop, listed) == _plain_body_run(blocks, strict, start, stop, listed)


def _plain_name_bylines(blocks: list[Block]) -> None:
    """decide.name_bylines as first written: every block, left to right."""
    for i, b in enumerate(blocks):
        d = b.drop
        if d is None or not d.rule.startswith("body.") or not decide._NAME.fullmatch(b.text):
            continue
        near = blocks[max(0, i - 1):i] + blocks[i + 1:i + 2]
        if any(n.drop is not None and n.drop.category is Category.BYLINE and not n.drop.rule.startswith("body.")
               for n in near):
            b.drop = Decision(Category.BYLINE, decide.NAME_BYLINE, "A name beside the byline: the article's author.")


def _drops(blocks: list[Block]) -> list:
    return [None if b.drop is None else (b.drop.category, b.drop.rule, b.drop.reason) for b in blocks]


@settings(max_examples=400, deadline=None)
@given(blocks=blocks_(), copy=blocks_())
def test_name_bylines_judges_only_the_neighbours_of_bylines_the_same(blocks, copy):
    twins = [dataclasses.replace(b) for b in blocks]
    decide.name_bylines(blocks)
    _plain_name_bylines(twins)
    assert _drops(blocks) == _drops(twins)


def test_names_in_a_row_after_a_byline_are_all_bylines():
    blocks = [Block(0, 1, t, 0) for t in ["By the desk", "Jane Doe", "John Smith", "Ana Lee", "the end"]]
    blocks[0].drop = Decision(Category.BYLINE, "en.byline", "x")
    for b in blocks[1:]:
        b.drop = decide._BEFORE_BODY_BOILERPLATE
    decide.name_bylines(blocks)
    assert [b.drop.rule for b in blocks] == ["en.byline", "byline.name", "byline.name", "byline.name", "body.before"]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(["a", " ", ".", "…", "[", "]", ")", "”", '"', "\n", "x" * 9]), max_size=14)
       .map("".join))
def test_truncated_reads_only_the_tail(text):
    assert decide._truncated(text) == (decide._TRUNCATED.search(text) is not None)


def test_case_folding_never_shortens_a_text():
    # What the length tests of headline_anchor and drop_title_repeats rely on.
    everything = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000)
    assert all(len(c.casefold()) >= 1 for c in everything)
    assert len(everything.casefold()) == sum(len(c.casefold()) for c in everything)


def test_a_rule_decision_is_shared_but_always_the_rules_own():
    first = _rule("x.same-id", Category.AD, reason="One reason.")
    other = _rule("x.same-id", Category.SHARE, reason="Another reason.")
    d1, d2 = decide._rule_decision(first), decide._rule_decision(first)
    assert d1 is d2 and (d1.category, d1.rule, d1.reason) == (Category.AD, "x.same-id", "One reason.")
    d3 = decide._rule_decision(other)
    assert (d3.category, d3.rule, d3.reason) == (Category.SHARE, "x.same-id", "Another reason.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d3.reason = "changed"  # type: ignore[misc]


def test_announced_takes_the_same_lead_ins_as_a_scan_of_every_block():
    # The candidates are found first; a lead-in inside a list it follows
    # is an item of that list, as when every block was visited in turn.
    blocks = [Block(0, 1, t, 0) for t in ["Winners are:", "Ann Lee:", "Tom Ray", "Prose follows.", "Dates:", "May 3"]]
    for b in blocks:
        b.words = 2
    blocks[3].label = Label.GOOD
    assert decide.announced(blocks) == {0, 1, 2, 4, 5}
