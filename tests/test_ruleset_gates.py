"""The gates of the rule engine (cleaner/ruleset.py, cleaner/prefilter.py)
never change an answer.

A gate skips a timed regex run when a cheap test shows the rule cannot
match: the words it needs are missing, the text does not start as every
match does, or is too long.  A wrong gate would silently stop a rule from
firing, so each one is checked against the pattern itself (on arbitrary
text, with hypothesis), and the whole engine against one that runs every
pattern in turn, on every rule's examples, variants of them and the lines
of the fixtures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.blocks import Block
from cleaner.classify import classify
from cleaner.prefilter import DIGIT, WordIndex, exact_words, fold, leading, required_words
from cleaner.ruleset import CompiledRules, Hit, Scope, _wrapped

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"

# Patterns in the shapes of the built-in rules: classes at the start,
# optional and empty-matching heads, scoped case flags, digits, rare marks.
_SHAPES = [
    r"(?:more|\d+) news",
    r"[^\p{L}]{1,4}$",
    r"(?-i:\p{Lu})\w+ (?:says|said)\s*:?$",
    r"\s*(?:x|Y)z",
    r"(?:a|b)?\d",
    r"(?:(?-i:AB)|c)d",
    r"(?i:Ab)(?-i:C)",
    r"x?(?:y?z)?[|•]",
    r"(?=\d)\w",
    r"\bab|\d{2}",
    r"(?:ab|\w)?(?-i:[XY])\d?$",
    r"(?:z\d+ )?(?:[|•·–]\s*)?(?-i:AB|Ba)\W*$",
]
_TEXT = st.text(alphabet="abxyzABXYZ 0123|•·–\n:", max_size=10)


def _compile(pattern: str, ignore_case: bool) -> regex.Pattern[str]:
    return regex.compile(f"(?i:{pattern})" if ignore_case else f"(?:{pattern})")


def _holds(folded: str, word: str) -> bool:
    return regex.search(r"\d", folded) is not None if word == DIGIT else word in folded


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(_SHAPES), st.booleans(), _TEXT)
def test_lead_never_refuses_a_text_the_pattern_matches(pattern, ignore_case, text):
    if _compile(pattern, ignore_case).match(text) is None:
        return
    lead = leading(pattern)
    if lead is None:
        return
    strings, classes = lead
    flag = "i" if ignore_case else "-i"
    first = regex.compile(f"(?{flag}:{'|'.join(classes)})") if classes else None
    assert any(fold(text).startswith(s) for s in strings) or (first is not None and first.match(text)), lead


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(_SHAPES), st.booleans(), _TEXT)
def test_words_are_in_every_text_the_pattern_matches(pattern, ignore_case, text):
    if _compile(pattern, ignore_case).search(text) is None:
        return
    words = required_words(pattern)
    assert words is None or any(_holds(fold(text), w) for w in words), words
    exact = exact_words(pattern, ignore_case)
    assert exact is None or any(w in text for w in exact), exact


@pytest.mark.parametrize("pattern, ignore_case, words", [
    (r"(?:\w+ )?(?:AP|Reuters)\W*$", False, {"AP", "Reuters"}),
    (r"(?:\w+ )?(?-i:AP|Reuters)\W*$", True, {"AP", "Reuters"}),
    (r"(?:AP|Reuters)\W*$", True, None),        # matched in any case: no exact word
    (r"(?i:photo) (?:AP|AFP)", False, {" AP", " AFP"}),  # the space is matched as written too
])
def test_exact_words(pattern, ignore_case, words):
    assert exact_words(pattern, ignore_case) == (None if words is None else frozenset(words))


def test_every_digit_folds_to_one():
    """`DIGIT` stands for what \\d matches in a rule, in either case flag."""
    everything = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    digits = regex.compile(r"(?i:\d)|\d")
    index = WordIndex([frozenset({DIGIT})])
    assert [c for c in everything if digits.match(c) and not index.present(fold(c))] == []


_WORDS = st.frozensets(st.text(alphabet="ab.-é", min_size=1, max_size=3) | st.just(DIGIT), max_size=4)


@settings(max_examples=500, deadline=None)
@given(st.lists(_WORDS, max_size=5), st.text(alphabet="ab.-é1 ", max_size=12))
def test_word_index_finds_what_a_search_for_each_word_finds(sets, text):
    index = WordIndex(sets)
    holds = [any(_holds(text, w) for w in words) for words in sets]
    assert index.present(text) == sum(1 << n for n, h in enumerate(holds) if h)
    assert index.any_in(text) == any(holds)
    starts = [any(text.startswith(w) or w == DIGIT and _holds(text[:1], w) for w in words) for words in sets]
    assert index.at_start(text) == sum(1 << n for n, s in enumerate(starts) if s)
    places = {i for words in sets for w in words for i in range(len(text))
              if (w == DIGIT and _holds(text[i], w)) or (w != DIGIT and text.startswith(w, i))}
    assert index.positions(text) == sorted(places)


# --- the whole engine against one that tries every rule ------------------------------

def _ungated_first(compiled: dict[str, regex.Pattern[str]], rules: CompiledRules, scope: Scope, text: str):
    for rule in rules._rules[scope]:
        m = compiled[rule.id].match(text)
        if m is not None:
            return rule.id, m.start(), m.end()
    return None


def _texts(rules: CompiledRules) -> list[str]:
    """Every example of the rules, in other cases and with more around them,
    and the short lines of the text fixtures."""
    texts = set()
    for scope in (Scope.BLOCK, Scope.HEADING, Scope.INLINE):
        for rule in rules._rules[scope]:
            for example in (*rule.match, *rule.no_match):
                texts |= {example, example.upper(), example.lower(), example + "\n", example[1:], example[:-1],
                          f"Photo: {example}", f"{example} | AP"}
    for path in sorted(FIXTURES.glob("*.txt")):
        texts |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line) < 400}
    return sorted(texts)


@pytest.mark.parametrize("language, sites", [
    ("en", ("bbc.co.uk", "theguardian.com")), ("de", ("spiegel.de",)), ("fr", ("lemonde.fr",)),
    ("ru", ()), ("ar", ()), ("zh", ()), (None, ()),
])
def test_gated_rules_answer_as_every_rule_in_turn(language, sites):
    rules = cleaner.Cleaner()._rules_for(language, sites)
    compiled = {r.id: regex.compile(_wrapped(r)) for scope in Scope for r in rules._rules[scope]}
    for text in _texts(rules):
        for scope in (Scope.BLOCK, Scope.HEADING):
            hit = rules.first(scope, text, [])
            assert (hit and (hit.rule.id, hit.start, hit.end)) == _ungated_first(compiled, rules, scope, text), (
                scope, text)
        # Every inline rule searched, gates or not.
        assert rules.cuts(text, []) == (rules._search_cuts(text, -1, []) or []), text


_ENGLISH = cleaner.Cleaner()._rules_for("en", ())
_CUE_PARTS = ["related", "nav", "menu", "ad", "ads", "share", "comment", "post", "-", "_", " ", "x", "2", "é", "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CUE_PARTS), max_size=6).map("".join), min_size=1, max_size=4))
def test_cue_rules_answer_as_a_search_of_every_value(values):
    rules = _ENGLISH
    pattern = rules._patterns[Scope.CUE]
    for value in values:
        m = pattern.search(value)
        plainly = None if m is None else Hit(rules._rules[Scope.CUE][int(m.lastgroup[1:])], 0, 0, value)
        assert rules._search_cue(pattern, value) == plainly, value
    expected = None
    for value in sorted(set(values)):
        m = pattern.search(value)
        if m is not None:
            expected = (rules._rules[Scope.CUE][int(m.lastgroup[1:])].id, value)
            break
    rules.clear_memo()
    hit = rules.cue(frozenset(values), [])
    assert (hit and (hit.rule.id, hit.value)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(_CUE_PARTS), max_size=6).map("".join), min_size=1, max_size=5),
                min_size=1, max_size=8))
def test_cue_sets_asked_in_a_row_answer_as_each_alone(sets):
    """The memo of values found (or not) in earlier sets gives each set
    the answer a fresh reading of its values in order gives."""
    rules = _ENGLISH
    rules.clear_memo()
    remembered = [rules.cue(frozenset(values), []) for values in sets]
    fresh = []
    for values in sets:
        rules.clear_memo()
        fresh.append(rules.cue(frozenset(values), []))
    assert remembered == fresh


def test_classify_remembers_what_a_fresh_reading_finds():
    """A text met again (with other cues, a strong cue that drops it whole,
    links) gets what a first reading gives it."""
    c = cleaner.Cleaner()
    rules, stopwords = c._rules_for("en", ()), c._stopwords("en")
    texts = ["Related posts", "Share this:", "The council met on Tuesday (Photo: Jane Doe) and agreed.", "Home"]
    cues = [frozenset(), frozenset({"comments"}), frozenset({"entry-content"})]

    def blocks() -> list[Block]:
        return [Block(0, len(t), t, 0, cues=cue, link_density=ld)
                for cue in cues for ld in (0.0, 0.6) for t in texts]

    remembered = blocks()
    classify(remembered, rules, stopwords, [])
    for block in remembered:
        fresh = [Block(0, len(block.text), block.text, 0, cues=block.cues, link_density=block.link_density)]
        rules.clear_memo()
        classify(fresh, rules, stopwords, [])
        assert [(b.words, b.length, b.terminal, b.stop_ratio, b.label, b.hit, b.cue, b.cuts) for b in fresh] == [
            (block.words, block.length, block.terminal, block.stop_ratio, block.label, block.hit, block.cue,
             block.cuts)]
