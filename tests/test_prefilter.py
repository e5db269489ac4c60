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

from cleaner.prefilter import WordIndex, fold, required_words
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


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_match_example_passes_the_prefilter(rule):
    """The engine with the prefilter still finds every example of every rule."""
    words = required_words(rule.pattern)
    if words is None or rule.scope is Scope.CUE:  # cue rules are not gated
        return
    missed = [text for text in rule.match if not any(w in fold(text) for w in words)]
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
    takes for a word character folds to that character's folded form."""
    chars = sorted({c for rule in RULES for w in required_words(rule.pattern) or () for c in w})
    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    wrong = {
        c: [a for a in regex.findall(f"(?i:{regex.escape(c)})", everything) if fold(a) != fold(c)]
        for c in chars
    }
    assert {c: found for c, found in wrong.items() if found} == {}


def test_word_index_reports_words_inside_longer_ones():
    # "ad" starts where the longer "advert" does, and "vert" inside it.
    index = WordIndex([frozenset({"advert"}), frozenset({"ad"}), frozenset({"vert"}), frozenset({"zz"})])
    assert index.present("An ADVERT here") == 0b0111
    assert index.present("nothing") == 0
    assert WordIndex([]).present("anything") == 0


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
