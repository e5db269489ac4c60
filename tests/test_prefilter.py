"""Prefilters (cleaner/prefilter.py): the words a rule cannot match without.

A wrong word list would silently stop a rule from firing, so the analysis
is checked three ways: on patterns with known answers, on every built-in
rule's match examples as the engine sees them, and on the case-insensitive
matching that `fold` has to agree with.
"""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.prefilter import DIGIT, WordIndex, fold, leading, longest_text, required_starts, required_words
from cleaner.ruleset import CompiledRules, Scope, builtin_packs, builtin_site_packs, iter_rules, parse_pack

RULES = list(iter_rules(builtin_packs() + builtin_site_packs()))


@pytest.mark.parametrize("pattern, words", [
    (r"related (?:posts|articles)\W*$", {"related posts", "related articles"}),
    (r"(?:read|see) more", {"read more", "see more"}),
    (r"share(?: this)?:", {"share:", "share this:"}),
    (r"(?=[^\n]{0,300}?\b(?:privacy|terms))[^\n]*$", {"privacy", "terms"}),
    (r"[Bb]y \p{Lu}\p{Ll}+", {"by "}),
    (r"\w+ [|•·] \w+", {" | ", " • ", " · "}),
    (r"(?-i:AP|Reuters)\s*$", {"ap", "reuters"}),
    (r"©.{0,200}$", {"©"}),
    (r"(?:x{2,3}|y)z", {"z"}),
])
def test_required_words(pattern, words):
    assert required_words(pattern) == words


@pytest.mark.parametrize("pattern", [
    r"\p{Lu}\p{Ll}+$",                  # no literal text
    r"(?:more|\d+)\s*$",                # a branch without one
    r"(?:news)?letter-?s?|x*",          # an empty match
    r"[^\p{L}]{1,40}$",
    r"(?x: related posts )",            # a flag that changes the syntax
    r"(?:related){e<=1}",               # fuzzy matching
    r"\x41bc",                          # an escape left unparsed
    r"[[:alpha:]]ab",                   # a nested set
    r"Straße",                          # ß has case: the rest still counts
])
def test_no_words_or_only_safe_ones(pattern):
    words = required_words(pattern)
    assert words is None or all(w.isascii() for w in words)
    if pattern == r"Straße":
        assert words == {"stra"}


def _holds(folded: str, word: str) -> bool:
    """Whether a folded text holds a word of `required_words`: DIGIT is any digit."""
    return regex.search(r"\d", folded) is not None if word == DIGIT else word in folded


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_match_example_passes_the_prefilter(rule):
    """The engine with the prefilter still finds every example of every rule."""
    words = required_words(rule.pattern)
    if words is None or rule.scope is Scope.CUE:  # cue rules are not gated
        return
    missed = [text for text in rule.match if not any(_holds(fold(text), w) for w in words)]
    assert missed == [], f"{rule.id}: prefilter words {sorted(words)} miss {missed}"
    engine = CompiledRules([rule])
    guard: list[str] = []
    for text in rule.match:
        if rule.scope is Scope.INLINE:
            assert engine.cuts(text, guard), (rule.id, text)
        else:
            assert engine.first(rule.scope, text, guard) is not None, (rule.id, text)


def test_fold_agrees_with_case_insensitive_matching():
    """Every character that the regex module's case-insensitive matching
    takes for a word character (or a character of a start string) folds to
    that character's folded form."""
    words = {w for rule in RULES for w in required_words(rule.pattern) or () if w != DIGIT}
    starts = {s for rule in RULES for s in (leading(rule.pattern) or ((),))[0]}
    chars = sorted({c for w in words | starts for c in w})
    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    wrong = {
        c: [a for a in regex.findall(f"(?i:{regex.escape(c)})", everything) if fold(a) != fold(c)]
        for c in chars
    }
    assert {c: found for c, found in wrong.items() if found} == {}


def test_word_index_reports_words_inside_longer_ones():
    # "ad" starts where the longer "advert" does, and "vert" inside it.
    index = WordIndex([frozenset({"advert"}), frozenset({"ad"}), frozenset({"vert"}), frozenset({"zz"})])
    assert index.present(fold("An ADVERT here")) == 0b0111
    assert index.present(fold("nothing")) == 0
    assert WordIndex([]).present(fold("anything")) == 0


PRIORITY_PACK = """
[[rules]]
id = "t.gated-first"
category = "related"
scope = "block"
action = "drop_block"
pattern = 'zorblax deals'
note = "A test rule."
match = ["zorblax deals"]
no_match = ["deals"]

[[rules]]
id = "t.always"
category = "navigation"
scope = "block"
action = "drop_block"
pattern = '\\p{L}+'
note = "A test rule."
match = ["deals"]
no_match = ["123"]

[[rules]]
id = "t.gated-last"
category = "ad"
scope = "block"
action = "drop_block"
pattern = '(?:\\d+ )?zorblax'
note = "A test rule."
match = ["zorblax"]
no_match = ["deals"]
"""


@pytest.mark.parametrize("text, rule_id", [
    ("zorblax deals", "t.gated-first"),   # a gated rule before the alternation's answer wins
    ("zorblax", "t.always"),              # one after it does not, though it matches
    ("123 zorblax", "t.gated-last"),      # and decides when nothing before it matches
    ("123", None),
])
def test_gated_rules_keep_their_priority(text, rule_id):
    rules = CompiledRules(parse_pack(PRIORITY_PACK, "t.toml").rules)
    assert [required_words(r.pattern) is None for r in rules._rules[Scope.BLOCK]] == [False, True, False]
    hit = rules.first(Scope.BLOCK, text, [])
    assert (hit and hit.rule.id) == rule_id


# --- the start and length gates of block and heading rules ---------------------

@pytest.mark.parametrize("pattern, starts", [
    (r"(?:the )?(?:latest|top) \w+", {"the latest ", "the top ", "latest ", "top "}),
    (r"(?=[^\n]{0,300}?\bterms)(?:privacy|terms)\b.*$", {"privacy", "terms"}),  # look past a lookahead
    (r"(?i:Related) posts", {"related posts"}),
    (r"(?:more|\d+) news", None),            # a branch starts with anything
    (r"x*related", None),                     # may start with "related" or "x…"
    (r"(?:news)?", None),                     # may match empty
])
def test_required_starts(pattern, starts):
    assert required_starts(pattern) == (None if starts is None else frozenset(starts))


@pytest.mark.parametrize("pattern, longest", [
    (r"(?:[^\p{L}]{1,40}|\d{1,3}\s?[km])$", 41),  # + 1: $ may stand before a final newline
    (r"ab\Z", 3),
    (r"(?:a|bcd)$", 4),
    (r"related posts\W*$", None),            # unbounded
    (r"related posts", None),                 # need not end at the end
    (r"(?m:ab$)", None),                      # $ before any newline
    (r"\X$", None),                           # a grapheme is several characters
])
def test_longest_text(pattern, longest):
    assert longest_text(pattern) == longest


_GATED = [r for r in RULES if r.scope in (Scope.BLOCK, Scope.HEADING)]


@pytest.mark.parametrize("rule", _GATED, ids=[r.id for r in _GATED])
def test_every_match_example_passes_the_start_and_length_gates(rule):
    """Examples, in other cases and with a final newline, pass both gates."""
    starts, longest = required_starts(rule.pattern), longest_text(rule.pattern)
    compiled = rule.compile()
    for example in rule.match:
        for text in {example, example.upper(), example.lower(), example + "\n"}:
            if compiled.match(text) is None:
                continue
            if starts is not None:
                assert any(fold(text).startswith(s) for s in starts), (rule.id, text, sorted(starts))
            if longest is not None:
                assert len(text) <= longest, (rule.id, text, longest)


_SHAPES = [
    r"(?:the )?(?:latest|top) \w+",
    r"(?:a|bc)+d?$",
    r"(?i:ab|c)\s?[0-9]{1,3}$",
    r"(?:x|yz){1,3}(?=a)a?",
    r"[ab]{2}(?:c|$)",
    r"(?:ab)?c{0,2}\Z",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SHAPES), st.text(alphabet="abcdxyzAB 0123\n", max_size=12))
def test_gates_never_refuse_a_text_the_pattern_matches(pattern, text):
    """Soundness on arbitrary text: a match implies both gates let it through."""
    if regex.match(pattern, text) is None:
        return
    starts, longest = required_starts(pattern), longest_text(pattern)
    assert starts is None or any(fold(text).startswith(s) for s in starts)
    assert longest is None or len(text) <= longest
