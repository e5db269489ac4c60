"""Rules as data: every rule's own examples, no catastrophic backtracking,
strict validation of rule files, user packs, and the packs as installed."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import cleaner
from cleaner.ruleset import (
    REGEX_TIMEOUT_S, CompiledRules, RuleError, Scope, builtin_packs, builtin_site_packs, iter_rules,
    load_pack, parse_pack,
)
from contract import assert_partition, reason_problem

# The site packs (rules/sites/<domain>.toml) are rules like any other: their
# examples, reasons, prefixes (the domain: "bbc.co.uk.caption.media-label")
# and backtracking are tested with the rest.
PACKS = builtin_packs() + builtin_site_packs()
RULES = list(iter_rules(PACKS))


# --- every rule's examples ------------------------------------------------------

@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    missed = [text for text in rule.match if not rule.matches(text)]
    wrong = [text for text in rule.no_match if rule.matches(text)]
    assert not missed and not wrong, (
        f"{rule.id} ({rule.source}): "
        + (f"does not match its match examples {missed!r}; " if missed else "")
        + (f"matches its no_match examples {wrong!r}" if wrong else "")
    )


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_reason_is_one_sentence(rule):
    """A rule's reason (its `reason` key, else its note) is the `reason` of every
    Removal it causes: one short sentence."""
    assert reason_problem(rule.reason) is None, f"{rule.id}: {reason_problem(rule.reason)}"


def test_every_rule_has_a_no_match_example():
    # The examples that must not match are what keeps a rule from eating prose.
    assert [r.id for r in RULES if not r.no_match] == []


def test_rule_ids_are_prefixed_by_their_pack():
    # One name per rule everywhere: "en.related.heading" lives in en.toml.
    for pack in PACKS:
        prefix = (pack.language or Path(pack.path).stem) + "."
        assert [r.id for r in pack.rules if not r.id.startswith(prefix)] == [], pack.path


# --- no catastrophic backtracking ---------------------------------------------------

ADVERSARIAL = {
    "a*20000": "a" * 20000,
    "space*20000": " " * 20000,
    "Related*3000": "Related " * 3000,
    "a-space*10000!": "a " * 10000 + "!",
    "paren*5000": "(" * 5000,
    "punctuation": ".,;:!?-–—|•·»›>/()[]\"'©@#*" * 800,
    "menu-pipes": "Home | " * 3000 + ".",
    "breadcrumb": "Home > " * 3000 + ".",
    "slashes": "a / " * 5000 + ".",
    "networks": "Facebook " * 3000 + ".",
    "tags": "Tags: " + "a, " * 10000 + "!",
    "copyright": "© " + "a" * 20000,
    "nbsp-words": "a\u00a0" * 10000 + ".",
    "dots": "a." * 10000 + "@",
    "more-from": "more from " * 2000,
    "by-names": "By " + "Jane Doe and " * 2000 + ".",
    "read-more": "Read more: " * 2000,
    "mixed": ("Related Posts. Advertisement | By Jane Doe » Read More — " * 400) + "\u200b",
}


def _adversarial_ids():
    return list(ADVERSARIAL)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_pattern_does_not_backtrack(rule):
    """Each pattern, applied as the engine applies it, beats the time limit.

    Block and heading patterns are anchored at the start of a block
    (`match`); inline patterns are searched (`search`, `finditer`).
    """
    compiled = rule.compile()
    slow = []
    for name, text in ADVERSARIAL.items():
        try:
            compiled.match(text, timeout=REGEX_TIMEOUT_S)
            if rule.scope is Scope.INLINE:
                compiled.search(text, timeout=REGEX_TIMEOUT_S)
                list(compiled.finditer(text, timeout=REGEX_TIMEOUT_S))
        except TimeoutError:
            slow.append(name)
    assert not slow, f"{rule.id} times out ({REGEX_TIMEOUT_S}s) on {slow}"


@pytest.mark.parametrize("name", _adversarial_ids())
def test_combined_patterns_do_not_backtrack(name):
    """The one alternation per scope that the engine runs, on the same strings."""
    text = ADVERSARIAL[name]
    guard: list[str] = []
    rules = CompiledRules(RULES)
    rules.first(Scope.BLOCK, text, guard)
    rules.first(Scope.HEADING, text, guard)
    rules.cuts(text, guard)
    assert guard == []


@pytest.mark.parametrize("name", _adversarial_ids())
def test_clean_on_adversarial_text_records_no_timeout(name):
    text = ADVERSARIAL[name]
    prose = "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3
    source = f"Headline of the story here\n\n{prose}\n\n{text}\n\n{prose}"
    result = cleaner.clean(source)
    assert_partition(source, result)
    assert not [w for w in result.warnings if "timed out" in w]


# --- loading validation ---------------------------------------------------------

GOOD_RULE = '''
[[rules]]
id = "{id}"
category = "{category}"
scope = "{scope}"
action = "{action}"
pattern = {pattern}
note = "A test rule."
match = ["zorblax deals"]
no_match = ["The zorblax was sold."]
'''


def _rule(id="test.promo", category="ad", scope="block", action="drop_block",
          pattern="'''zorblax deals.{0,40}$'''", extra="", drop=()):
    text = GOOD_RULE.format(id=id, category=category, scope=scope, action=action, pattern=pattern) + extra
    return "\n".join(line for line in text.splitlines() if line.split(" = ")[0] not in drop) + "\n"


def _pack(tmp_path: Path, name: str, *rules: str, header: str = '[pack]\ndescription = "test"\n') -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(rules), encoding="utf-8")
    return path


BROKEN = {
    "unknown-key": (_rule(extra='weight = 3\n'), "test.promo", "unknown keys: weight"),
    "pattern-does-not-compile": (_rule(pattern="'''zorblax (deals'''"), "test.promo", "does not compile"),
    "duplicate-id-in-file": (_rule() + _rule(), "test.promo", "duplicate id"),
    "unknown-category": (_rule(category="spam"), "test.promo", "unknown category 'spam'"),
    "cut-in-block-scope": (_rule(action="cut"), "test.promo", "not allowed in scope 'block'"),
    "drop-section-inline": (_rule(scope="inline", action="drop_section"), "test.promo", "not allowed in scope 'inline'"),
    "missing-match": (_rule(drop=("match",)), "test.promo", "missing keys: match"),
    "empty-match": (_rule().replace('match = ["zorblax deals"]', "match = []"), "test.promo", "match"),
    "unknown-scope": (_rule(scope="page"), "test.promo", "page"),
    "bad-id": (_rule(id="Test Promo"), "Test Promo", "id must be"),
    "named-group": (_rule(pattern="'''(?P<x>zorblax) deals'''"), "test.promo", "named groups"),
    "global-flag": (_rule(pattern="'''(?i)zorblax deals'''"), "test.promo", "inline flags"),
    "empty-note": (_rule().replace('note = "A test rule."', 'note = ""'), "test.promo", "note"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_pack_names_file_and_rule(tmp_path, case):
    body, rule_id, problem = BROKEN[case]
    path = _pack(tmp_path, "broken.toml", body)
    with pytest.raises(RuleError) as err:
        load_pack(path)
    message = str(err.value)
    assert str(path) in message
    assert repr(rule_id) in message
    assert problem in message
    # The same error when the pack is handed to a Cleaner.
    with pytest.raises(RuleError, match="broken.toml"):
        cleaner.Cleaner(rules=[path])


def test_trusted_pack_skips_the_compile_but_still_names_a_broken_rule(tmp_path):
    # Built-in packs load without compiling each pattern (parse_pack(...,
    # trusted=True)); a broken one is still named when its rules are compiled.
    text = _pack(tmp_path, "trusted.toml", _rule(pattern="'''zorblax (deals'''")).read_text(encoding="utf-8")
    pack = parse_pack(text, "trusted.toml", trusted=True)
    with pytest.raises(RuleError, match=r"trusted.toml: rule 'test.promo': pattern does not compile"):
        CompiledRules(pack.rules)
    # The same for a rule that a prefilter gates (it is compiled on its own).
    text = _pack(tmp_path, "gated.toml", _rule(pattern=r"'''zorblax \p{Bogus}'''")).read_text(encoding="utf-8")
    pack = parse_pack(text, "gated.toml", trusted=True)
    with pytest.raises(RuleError, match=r"gated.toml: rule 'test.promo': pattern does not compile"):
        CompiledRules(pack.rules)
    # The textual checks still run without the compile.
    named = _pack(tmp_path, "named.toml", _rule(pattern="'''(?P<x>zorblax) deals'''")).read_text(encoding="utf-8")
    with pytest.raises(RuleError, match="named groups"):
        parse_pack(named, "named.toml", trusted=True)


def test_every_builtin_pattern_compiles_on_its_own():
    # What loading skips for the built-in packs, the suite does.
    for rule in iter_rules(PACKS):
        rule.compile()


def test_invalid_toml_names_file(tmp_path):
    path = _pack(tmp_path, "bad.toml", _rule() + "\nthis is = = not toml\n")
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert str(path) in str(err.value)
    assert "not valid TOML" in str(err.value)


def test_unknown_pack_key_names_file(tmp_path):
    path = _pack(tmp_path, "meta.toml", _rule(), header='[pack]\ndescription = "x"\nauthor = "me"\n')
    with pytest.raises(RuleError, match=r"meta\.toml.*author"):
        load_pack(path)


def test_missing_file_is_a_rule_error(tmp_path):
    with pytest.raises(RuleError, match="nowhere.toml"):
        cleaner.Cleaner(rules=[tmp_path / "nowhere.toml"])


def test_duplicate_id_across_files(tmp_path):
    a = _pack(tmp_path, "a.toml", _rule())
    b = _pack(tmp_path, "b.toml", _rule())
    with pytest.raises(RuleError) as err:
        cleaner.Cleaner(rules=[a, b])
    message = str(err.value)
    assert str(b) in message and str(a) in message
    assert "'test.promo'" in message
    assert "duplicate id" in message


def test_user_rule_may_not_reuse_a_builtin_id(tmp_path):
    path = _pack(tmp_path, "mine.toml", _rule(id="en.related.heading"))
    with pytest.raises(RuleError, match=r"mine\.toml: rule 'en\.related\.heading': duplicate id"):
        cleaner.Cleaner(rules=[path])


ARTICLE = (
    "Council agrees budget after long debate\n\n"
    + "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3
    + "\n\nZorblax deals of the week: half price\n\n"
    + "Councillors said the vote was close, and that the debate had lasted late into the night. " * 3
)


def test_user_pack_adds_a_rule(tmp_path):
    path = _pack(tmp_path, "mine.toml", _rule(id="mine.zorblax"))
    plain = cleaner.Cleaner().clean(ARTICLE)
    assert "Zorblax deals" not in [r.text[:13] for r in plain.removed]
    result = cleaner.Cleaner(rules=[path]).clean(ARTICLE)
    assert_partition(ARTICLE, result)
    hits = [r for r in result.removed if r.rule == "mine.zorblax"]
    assert [(r.text, r.category) for r in hits] == [("Zorblax deals of the week: half price", cleaner.Category.AD)]
    assert hits[0].reason == "A test rule."
    assert "Zorblax" not in result.text


def test_user_pack_for_a_language(tmp_path):
    path = _pack(tmp_path, "mine_en.toml", _rule(id="mine.zorblax"),
                 header='[pack]\nlanguage = "en"\ndescription = "mine"\n')
    c = cleaner.Cleaner(rules=[path])
    assert [r.rule for r in c.clean(ARTICLE, language="en").removed] == ["mine.zorblax"]
    # A pack for English does not apply to a document in another language.
    assert "mine.zorblax" not in [r.rule for r in c.clean(ARTICLE, language="de").removed]


def test_user_inline_rule_cuts(tmp_path):
    path = _pack(tmp_path, "cut.toml", _rule(
        id="mine.cut", category="caption", scope="inline", action="cut",
        pattern="'''\\(photo: [^)]{1,40}\\)'''",
    ).replace('match = ["zorblax deals"]', 'match = ["(Photo: AP)"]').replace(
        'no_match = ["The zorblax was sold."]', 'no_match = ["a photo"]'))
    source = ARTICLE.replace("after a long debate. ", "after a long debate (Photo: AP). ", 1)
    result = cleaner.Cleaner(rules=[path]).clean(source)
    assert_partition(source, result)
    assert [(r.text, r.rule) for r in result.removed if r.rule == "mine.cut"] == [("(Photo: AP)", "mine.cut")]
    assert "(Photo: AP)" not in result.text


def test_user_rule_examples_are_checked_by_rule_matches(tmp_path):
    pack = load_pack(_pack(tmp_path, "mine.toml", _rule(id="mine.zorblax")))
    (rule,) = pack.rules
    assert rule.matches("Zorblax deals of the week")  # case-insensitive by default
    assert not rule.matches("The zorblax was sold.")


# --- packs as installed -----------------------------------------------------------

def test_builtin_packs_core_first_then_languages():
    packs = builtin_packs()
    assert Path(packs[0].path).name == "core.toml"
    assert packs[0].language is None
    assert "en" in [p.language for p in packs]
    en = next(p for p in packs if p.language == "en")
    assert {"the", "and", "of"} <= en.stopwords


def test_builtin_packs_come_from_the_package_resources():
    root = resources.files("cleaner.rules")
    names = {p.name for p in root.iterdir() if p.name.endswith(".toml")}
    assert {"core.toml", "en.toml"} <= names
    assert {Path(p.path).name for p in builtin_packs()} == names


def test_builtin_packs_load_outside_the_repository(tmp_path):
    # From another directory, with the repository off sys.path, the packs
    # are found through importlib.resources.
    code = (
        "import sys; sys.path = [p for p in sys.path if p not in ('', '.')]\n"
        "from cleaner.ruleset import builtin_packs, builtin_site_packs\n"
        "print(','.join(p.language or 'core' for p in builtin_packs()))\n"
        "print(','.join(sorted(p.site.domain for p in builtin_site_packs())))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    langs, sites = (line.split(",") for line in out.stdout.strip().splitlines())
    assert langs[0] == "core" and "en" in langs
    assert {"bbc.co.uk", "theguardian.com"} <= set(sites)


def test_a_runaway_pattern_is_recorded_not_fatal(tmp_path):
    """A user pattern that backtracks catastrophically hits the time limit:
    the block counts as unmatched and Result.warnings says so."""
    path = _pack(tmp_path, "slow.toml", _rule(id="mine.slow", pattern="'''(?:a|aa)+b'''").replace(
        'match = ["zorblax deals"]', 'match = ["aab"]'))
    # The line holds every literal of the pattern, so that no prefilter skips it.
    source = ARTICLE + "\n\n" + "a" * 60 + "c b"
    result = cleaner.Cleaner(rules=[path]).clean(source)
    assert_partition(source, result)
    assert any("timed out" in w for w in result.warnings)
    assert "mine.slow" not in [r.rule for r in result.removed]


@pytest.mark.parametrize("scope, action", [("heading", "drop_block"), ("inline", "cut"), ("cue", "drop_block")])
def test_a_runaway_pattern_is_recorded_in_every_scope(tmp_path, scope, action):
    """The time limit holds in each path that runs patterns (the engine
    passes it by position: a slip would silently drop it)."""
    path = _pack(tmp_path, "slow.toml", _rule(id="mine.slow", scope=scope, action=action,
                                              pattern="'''(?:a|aa)+b'''").replace(
        'match = ["zorblax deals"]', 'match = ["aab"]'))
    runaway = "a" * 60 + "c b"
    c = cleaner.Cleaner(rules=[path])
    if scope == "cue":
        page = f'<html><body><article><p>{ARTICLE}</p></article><div class="{runaway}"><p>Tail.</p></div></body></html>'
        result = c.clean_html(page.encode())
    else:
        source = ARTICLE + "\n\n" + runaway
        result = c.clean(source)
        assert_partition(source, result)
    assert any(w.startswith(f"{scope} rules timed out") for w in result.warnings), result.warnings
    assert "mine.slow" not in [r.rule for r in result.removed]
