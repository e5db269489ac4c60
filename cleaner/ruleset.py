"""Rules as data: loading, validating and compiling the TOML rule packs.

A pack is a TOML file (see docs/rules.md for the full schema)::

    [pack]
    language = "en"                  # omitted in language-independent packs
    description = "English phrases"
    stopwords = ["the", "of", ...]   # used for language detection and scoring

    [[rules]]
    id = "en.related.heading"        # unique; also the `rule` of every Removal it causes
    category = "related"             # a cleaner.Category value
    scope = "heading"                # block | heading | inline
    action = "drop_section"          # drop_block | drop_section | cut
    pattern = '''related (posts|articles)'''
    note = "A heading that opens a list of links to other articles."
    reason = "..."                   # optional: the Removal's one-sentence reason (default: note)
    match = ["Related Posts"]        # examples that must match
    no_match = ["Related posts were deleted by the moderators."]

Scopes: ``block`` patterns are matched at the start of every block (a line of
text input); ``heading`` patterns only at the start of short blocks, where
headings live; ``inline`` patterns are searched anywhere in a block and what
they match is cut out, leaving the rest of the block.  Patterns are
case-insensitive unless ``case_sensitive = true``.

A site pack adds a ``[site]`` table (``domain``, optional ``aliases``,
``examples`` — URLs of the site's articles, checked to be on it); its rules
apply only when the page's ``url=`` names that site or a subdomain
(`cleaner.site`).  Built-in site packs live in ``rules/sites/<domain>.toml``.

Loading is strict: an unknown key, a pattern that does not compile, a
duplicate id or an unknown category is a `RuleError` naming the file and the
rule.  A block is matched once per scope however many rules there are: the
rules a block cannot match are skipped (their words are missing from it, see
`cleaner.prefilter`), and the rules without such words are combined into a
single alternation.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import regex

from .model import Category
from .prefilter import Lead, WordIndex, Words, exact_words, fold, leading, longest_text, required_starts, required_words
from .site import host_of, normalize_host, on_domain

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class RuleError(ValueError):
    """A rule file is broken.  The message names the file and the rule."""


class Scope(str, Enum):
    BLOCK = "block"
    HEADING = "heading"
    INLINE = "inline"
    # HTML only: searched in the tag names and class/id values of the
    # elements around a block (a DOM cue such as class="related-posts").
    CUE = "cue"


# The scopes that the engine's hot paths name, as module constants: a member
# lookup (`Scope.CUE`) goes through EnumType.__getattr__, about 90 ns on
# CPython 3.11, ten times a global's.
_INLINE, _CUE = Scope.INLINE, Scope.CUE


class Action(str, Enum):
    DROP_BLOCK = "drop_block"
    DROP_SECTION = "drop_section"
    CUT = "cut"


# Each action only makes sense in some scopes: cutting text needs a search
# inside the block; a section can only be opened by a whole block.
_ACTIONS_FOR_SCOPE = {
    Scope.BLOCK: {Action.DROP_BLOCK, Action.DROP_SECTION},
    Scope.HEADING: {Action.DROP_BLOCK, Action.DROP_SECTION},
    Scope.INLINE: {Action.CUT},
    Scope.CUE: {Action.DROP_BLOCK},
}

_PACK_KEYS = {"name", "language", "description", "stopwords"}
_SITE_KEYS = {"domain", "aliases", "examples"}
_RULE_KEYS = {
    "id", "category", "scope", "action", "pattern", "note", "reason",
    "match", "no_match", "case_sensitive", "weak", "tokens",
}
_REQUIRED_RULE_KEYS = {"id", "category", "scope", "action", "note", "match"}
_ID_RE = regex.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*")

# A pattern that needs longer than this on one block is treated as not
# matching, and the Result records that the guard fired.
REGEX_TIMEOUT_S = 0.25
# The engine's runs pass it by position: regex's match and search take
# (string, pos, endpos, concurrent, partial, timeout), and as a keyword it
# costs a run 0.5 µs more (2.5 µs against 2.0 for a short failing match);
# the 181 benchmark pages make some 20,000 runs.  (tests/test_rules.py
# checks that the limit holds in every scope.)

# What is found about a block up to MEMO_MAX_CHARS long is remembered per
# compiled rule set (`CompiledRules.block_memo`: one entry per text), up to
# MEMO_SIZE texts (then the memo starts afresh); so are the answers for cue
# sets and for class/id values, as many of each.  A site's menus and
# footers are a few hundred lines; 20,000 answers hold many sites' worth
# in a few MB (100,000 grew a worker by 30 MB over a batch of 100,000
# documents).
MEMO_MAX_CHARS = 200
MEMO_SIZE = 20_000
# What the memo holds for a key it does not know (None is a remembered "no rule").
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    scope: Scope
    action: Action
    pattern: str
    note: str  # why the rule exists, for maintainers
    reason: str  # one sentence for the Removal: the `reason` key, else the note
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    case_sensitive: bool
    # Weak rules drop what they match but say little about the page around
    # it: a separator line or a bare URL occurs inside clean articles too.
    weak: bool
    source: str  # the file the rule came from, for error messages

    def compile(self) -> regex.Pattern[str]:
        """This rule's pattern alone, with the flags it runs with."""
        return regex.compile(_wrapped(self))

    def matches(self, text: str) -> bool:
        """Whether the rule fires on `text`, as the engine would apply it."""
        compiled = self.compile()
        if self.scope in (Scope.INLINE, Scope.CUE):
            return compiled.search(text, timeout=REGEX_TIMEOUT_S) is not None
        return compiled.match(text, timeout=REGEX_TIMEOUT_S) is not None


@dataclass(frozen=True)
class Site:
    """The ``[site]`` table of a site pack: the site its rules apply to.

    `domain` and `aliases` are normalised host names (lowercase, IDNA);
    the pack applies to them and to their subdomains.  `examples` are
    URLs of the site's articles, each checked on load to name the site.
    """

    domain: str
    aliases: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def domains(self) -> tuple[str, ...]:
        return (self.domain, *self.aliases)

    def serves(self, url: str) -> bool:
        """Whether the page at `url` is on this site (False for a bad URL)."""
        try:
            host = host_of(url)
        except ValueError:
            return False
        return any(on_domain(host, d) for d in self.domains)


@dataclass(frozen=True)
class RulePack:
    path: str
    language: str | None
    description: str
    stopwords: frozenset[str]
    rules: tuple[Rule, ...]
    # Site packs only: the site whose pages the rules apply to (else None,
    # and the rules apply to every page in the pack's language).
    site: Site | None = None


def _wrapped(rule: Rule) -> str:
    flags = "" if rule.case_sensitive else "i"
    return f"(?{flags}:{rule.pattern})" if flags else f"(?:{rule.pattern})"


def _fail(path: str, rule_id: str | None, problem: str) -> RuleError:
    where = f"{path}: rule {rule_id!r}" if rule_id else path
    return RuleError(f"{where}: {problem}")


# A named group: (?P<name>...) or (?<name>...), not a lookbehind (?<= / (?<!.
_NAMED_GROUP = regex.compile(r"(?<!\\)\(\?(?:P<|<(?![=!]))")


def _check_pattern(path: str, rule_id: str, pattern: str, *, compile_it: bool = True) -> None:
    """Refuse what breaks the combined alternation; compile unless told not to.

    The built-in packs skip the compile (`compile_it=False`): compiling
    their 400-odd patterns one by one took 1.5 s at every start, and the
    test suite compiles and runs every one of them.  They are compiled when
    a language first needs them, and a failure then still names the rule
    (`_combine`).
    """
    if compile_it:
        try:
            compiled = regex.compile(pattern)
        except regex.error as exc:
            raise _fail(path, rule_id, f"pattern does not compile: {exc}") from None
        named = bool(compiled.groupindex)
    else:
        named = _NAMED_GROUP.search(pattern) is not None
    # Patterns are combined into one alternation with a named group per rule;
    # their own groups would collide or shift numbered back-references.
    if named:
        raise _fail(path, rule_id, "named groups are not allowed in patterns")
    if regex.search(r"(?<!\\)\\[1-9]|\(\?[a-zA-Z]+\)", pattern):
        raise _fail(
            path, rule_id,
            "back-references and global inline flags are not allowed "
            "(use case_sensitive = true, or scoped flags like (?i:...))",
        )


def _token_pattern(path: str, label: str, tokens: Any) -> str:
    """A cue pattern from a token list.

    A token matches a whole word of a class or id value (words are split at
    anything but letters and digits, and the HTML segmenter has put a "-"
    where camelCase changes case); a token ending in "*" matches the
    start of a word: "related*" finds class="jp-relatedposts", "comment"
    finds class="comment-list" but not class="commentary".
    """
    if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) and t.strip() for t in tokens):
        raise _fail(path, label, "tokens must be a non-empty list of strings")
    parts = []
    for token in tokens:
        token = token.strip().lower()
        if token.endswith("*"):
            parts.append(regex.escape(token[:-1]))
        else:
            parts.append(regex.escape(token) + r"(?![a-z0-9])")
    return r"(?<![a-z0-9])(?:" + "|".join(parts) + ")"


def _parse_rule(path: str, raw: Any, index: int, trusted: bool = False) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(path, None, f"rules[{index}] is not a table")
    rule_id = raw.get("id")
    label = rule_id if isinstance(rule_id, str) else f"#{index + 1}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(path, label, f"unknown keys: {', '.join(sorted(unknown))}")
    missing = _REQUIRED_RULE_KEYS - set(raw)
    if missing:
        raise _fail(path, label, f"missing keys: {', '.join(sorted(missing))}")
    pattern = raw.get("pattern")
    if "tokens" in raw:
        if raw.get("scope") != Scope.CUE.value or pattern is not None:
            raise _fail(path, label, "tokens stand in for the pattern, in scope 'cue' only")
        pattern = _token_pattern(path, label, raw["tokens"])
    if pattern is None:
        raise _fail(path, label, "missing keys: pattern")
    if not isinstance(rule_id, str) or not _ID_RE.fullmatch(rule_id):
        raise _fail(path, label, "id must be lowercase words joined by '.', '-' or '_'")
    for key, value in (("pattern", pattern), ("note", raw["note"]), ("reason", raw.get("reason", "-"))):
        if not isinstance(value, str) or not value.strip():
            raise _fail(path, rule_id, f"{key} must be a non-empty string")
    try:
        category = Category(raw["category"])
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise _fail(path, rule_id, f"unknown category {raw['category']!r} (known: {known})") from None
    try:
        scope = Scope(raw["scope"])
        action = Action(raw["action"])
    except ValueError as exc:
        raise _fail(path, rule_id, str(exc)) from None
    if action not in _ACTIONS_FOR_SCOPE[scope]:
        raise _fail(path, rule_id, f"action {action.value!r} is not allowed in scope {scope.value!r}")
    examples = {}
    for key in ("match", "no_match"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail(path, rule_id, f"{key} must be a list of strings")
        examples[key] = tuple(value)
    if not examples["match"]:
        raise _fail(path, rule_id, "needs at least one example in match")
    case_sensitive = raw.get("case_sensitive", False)
    weak = raw.get("weak", False)
    if not isinstance(case_sensitive, bool) or not isinstance(weak, bool):
        raise _fail(path, rule_id, "case_sensitive and weak must be true or false")
    _check_pattern(path, rule_id, pattern, compile_it=not trusted)
    return Rule(
        id=rule_id, category=category, scope=scope, action=action,
        pattern=pattern, note=raw["note"].strip(),
        reason=raw.get("reason", raw["note"]).strip(),
        match=examples["match"], no_match=examples["no_match"],
        case_sensitive=case_sensitive, weak=weak, source=path,
    )


def parse_pack(text: str, path: str, *, trusted: bool = False) -> RulePack:
    """Parse and validate one pack from its TOML text; `path` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, None, f"not valid TOML: {exc}") from None
    unknown = set(data) - {"pack", "rules", "site"}
    if unknown:
        raise _fail(path, None, f"unknown top-level keys: {', '.join(sorted(unknown))}")
    meta = data.get("pack", {})
    if not isinstance(meta, dict):
        raise _fail(path, None, "[pack] must be a table")
    unknown = set(meta) - _PACK_KEYS
    if unknown:
        raise _fail(path, None, f"unknown keys in [pack]: {', '.join(sorted(unknown))}")
    stopwords = meta.get("stopwords", [])
    if not isinstance(stopwords, list) or not all(isinstance(w, str) for w in stopwords):
        raise _fail(path, None, "[pack] stopwords must be a list of strings")
    language = meta.get("language")
    if language is not None and not (isinstance(language, str) and regex.fullmatch(r"[a-z]{2,3}", language)):
        raise _fail(path, None, "[pack] language must be a two- or three-letter code")
    site = _parse_site(path, data["site"]) if "site" in data else None
    if site is not None and language is not None:
        # A site's rules serve every page of the site, whatever its language.
        raise _fail(path, None, "a site pack applies to every page of its site: omit [pack] language")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise _fail(path, None, "rules must be an array of tables ([[rules]])")
    rules = tuple(_parse_rule(path, raw, i, trusted) for i, raw in enumerate(raw_rules))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise _fail(path, rule.id, "duplicate id")
        seen.add(rule.id)
    return RulePack(
        path=path, language=language, description=str(meta.get("description", "")),
        stopwords=frozenset(w.lower() for w in stopwords), rules=rules, site=site,
    )


def _parse_site(path: str, raw: Any) -> Site:
    """The [site] table: a domain, optional aliases, example URLs on the site."""
    if not isinstance(raw, dict):
        raise _fail(path, None, "[site] must be a table")
    unknown = set(raw) - _SITE_KEYS
    if unknown:
        raise _fail(path, None, f"unknown keys in [site]: {', '.join(sorted(unknown))}")
    if "domain" not in raw or "examples" not in raw:
        raise _fail(path, None, "[site] needs domain and examples")
    names = [raw["domain"], *raw.get("aliases", [])] if isinstance(raw.get("aliases", []), list) else None
    if names is None or not all(isinstance(n, str) for n in names):
        raise _fail(path, None, "[site] domain must be a string and aliases a list of strings")
    domains = []
    for name in names:
        try:
            domain = normalize_host(name)
        except ValueError as exc:
            raise _fail(path, None, f"[site] domain {name!r}: {exc}") from None
        if "." not in domain:
            raise _fail(path, None, f"[site] domain {name!r} is a top-level domain, not a site")
        domains.append(domain)
    examples = raw["examples"]
    if not isinstance(examples, list) or not examples or not all(isinstance(u, str) for u in examples):
        raise _fail(path, None, "[site] examples must be a non-empty list of URLs")
    site = Site(domain=domains[0], aliases=tuple(domains[1:]), examples=tuple(examples))
    strays = [u for u in examples if not site.serves(u)]
    if strays:
        raise _fail(path, None, f"[site] examples not on {site.domain}: {', '.join(map(repr, strays))}")
    return site


def load_pack(path: str | Path) -> RulePack:
    """Load one pack from a file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: rule file is not UTF-8 (byte {exc.start})") from None
    return parse_pack(text, str(path))


def builtin_packs() -> list[RulePack]:
    """The packs installed with cleaner: core.toml first, then the languages."""
    root = resources.files("cleaner.rules")
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".toml"))
    names.sort(key=lambda n: n != "core.toml")
    return [parse_pack((root / n).read_text(encoding="utf-8"), f"rules/{n}", trusted=True) for n in names]


def builtin_site_packs() -> list[RulePack]:
    """The site packs installed with cleaner (rules/sites/<domain>.toml)."""
    root = resources.files("cleaner.rules.sites")
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".toml"))
    packs = [parse_pack((root / n).read_text(encoding="utf-8"), f"rules/sites/{n}", trusted=True) for n in names]
    for pack in packs:
        if pack.site is None:
            raise _fail(pack.path, None, "a pack in rules/sites/ needs a [site] table")
    return packs


def check_unique(packs: Iterable[RulePack]) -> None:
    """Rule ids are unique across everything a Cleaner loads."""
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise _fail(pack.path, rule.id, f"duplicate id (already defined in {seen[rule.id]})")
            seen[rule.id] = pack.path


@dataclass(frozen=True)
class Hit:
    """One rule firing on a block: what it matched, where (block-relative)."""

    rule: Rule
    start: int
    end: int
    value: str = ""  # cue rules: the class/id value (or tag) that matched


@dataclass(frozen=True)
class _Gate:
    """What a rule (or an alternation of rules) needs of a text to match it."""

    words: Words | None  # one of these (folded) somewhere; None: no words needed
    lead: Lead | None  # how every match starts (`prefilter.leading`); None: anyhow
    longest: int | None  # the longest text a match can be; None: any


class _GateTable:
    """The gates of many rules, the n-th with bit 1 << n: which of them a
    text passes.  `open` costs one scan of the text for all the words, and
    a few lookups.
    """

    def __init__(self, gates: list[_Gate]) -> None:
        bits = [(1 << n, g) for n, g in enumerate(gates)]
        self._words = WordIndex([_cores(g.words or frozenset()) for g in gates])
        self._wordless = sum(bit for bit, g in bits if g.words is None)
        self._worded = sum(bit for bit, g in bits if g.words is not None)
        self._starts = WordIndex([_heads(g.lead[0]) if g.lead else frozenset() for g in gates])
        self._anywhere = sum(bit for bit, g in bits if g.lead is None)
        self._led = sum(bit for bit, g in bits if g.lead is not None)
        # A lead's classes, one alternation per gate, asked once per first character.
        self._classes = [(bit, regex.compile("|".join(sorted(g.lead[1])))) for bit, g in bits if g.lead and g.lead[1]]
        self._by_first: dict[str, int] = {}
        # `_fitting[k]`: the gates open to a text longer than the k
        # smallest limits (`_limits`, ascending) and no longer than the next.
        self._limits = sorted({g.longest for g in gates if g.longest is not None})
        self._fitting = [(1 << len(gates)) - 1]
        for limit in self._limits:
            self._fitting.append(self._fitting[-1] & ~sum(bit for bit, g in bits if g.longest == limit))

    def open(self, text: str) -> int:
        """The bits of the gates that `text` passes."""
        bits = self._fitting[bisect_left(self._limits, len(text))]
        folded = fold(text)
        if bits & self._led:
            first = self._by_first.get(text[:1])
            if first is None:
                first = self._first_character(text[:1])
            bits &= self._starts.at_start(folded) | first | self._anywhere
        if bits & self._worded:
            bits &= self._words.present(folded) | self._wordless
        return bits

    def _first_character(self, first: str) -> int:
        """The bits of the gates whose lead has a class that `first` (one
        character, or none) is in; remembered in `_by_first`."""
        # A class matches one character or none: no run can take long, and
        # these runs need no time limit.
        bits = sum(bit for bit, classes in self._classes if classes.match(first))
        if len(self._by_first) >= MEMO_SIZE:
            self._by_first.clear()
        self._by_first[first] = bits
        return bits


# A text that starts with a string starts with its first characters, and
# one that holds a word holds any part of it: the scans look for no more
# than this many characters of each.  The tries compile in a third of the
# time (a language's rules compile in half), and the scans cost the same;
# longer words seldom rule out a rule that these do not.
_WORD_HEAD = 12


def _heads(starts: Words) -> Words:
    """The first characters of each of `starts`."""
    return frozenset(start[:_WORD_HEAD] for start in starts)


def _cores(words: Words) -> Words:
    """A part of each of `words` to look for: its first characters after
    any leading spaces.  A word that starts with a space widens the trie's
    first branch that every position tries, and a space is every sixth
    character: the scan costs a tenth less."""
    return frozenset((word.lstrip(" ") or word)[:_WORD_HEAD] for word in words)


def _lead_of(rule: Rule) -> Lead | None:
    """How every match of `rule` starts (`prefilter.leading`), its classes
    set to run with the rule's case flag."""
    lead = leading(rule.pattern)
    if lead is None:
        return None
    flag = "(?:" if rule.case_sensitive else "(?i:"
    return lead[0], frozenset(f"{flag}{c})" for c in lead[1])


def _merge_leads(leads: list[Lead]) -> Lead:
    """A lead that covers each of `leads`."""
    return frozenset().union(*(s for s, _ in leads)), frozenset().union(*(c for _, c in leads))


class CompiledRules:
    """The rules of one language, compiled for matching one block at a time.

    Each pattern run has a time limit (REGEX_TIMEOUT_S), and the limit
    costs more than many a run (2–3 µs a call), so runs are kept few by
    gates that need no limit.  Every gate is a necessary condition read off
    the pattern (`cleaner.prefilter`): a rule it refuses could not have
    matched, so the answers are those of trying every rule in turn.

    - Words: a rule whose pattern cannot match without one of a few words
      (`prefilter.required_words`: "newsletter", "privacy", …) only runs
      on blocks that hold one of them; one scan of the block (`WordIndex`)
      tells which.  Where the pattern matches those literals case-
      sensitively ("AP", "Reuters"), the block must hold one as written
      (`prefilter.exact_words`).
    - Start (block and heading rules, matched at the start of a block):
      every match starts with one of a few strings or with a character of
      a few classes (`prefilter.leading`): "related posts", or a digit.
    - Length: a rule that only matches a whole text of at most so many
      characters (`prefilter.longest_text`) skips longer blocks.

    The rules of a scope without words run together as one alternation,
    gated by start and length like one rule.  The first rule in priority
    order that matches still decides: a gated rule is tried when it comes
    before the alternation's answer.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_scope: dict[Scope, list[Rule]] = {s: [] for s in Scope}
        for rule in rules:
            by_scope[rule.scope].append(rule)
        self._rules = by_scope
        self._patterns = {Scope.CUE: _combine(by_scope[Scope.CUE])}
        gates: list[_Gate] = []

        def bit_of(gate: _Gate) -> int:
            """A new gate's bit: gates added later get higher bits."""
            gates.append(gate)
            return 1 << (len(gates) - 1)

        # Per scope, the index of each rule in the alternation, and the bit
        # that gates the alternation (0: no alternation); then each gated
        # rule as (index, bit, pattern), bits rising with priority.
        self._always: dict[Scope, list[int]] = {}
        self._alternation_bit: dict[Scope, int] = {}
        self._gated: dict[Scope, list[tuple[int, int, regex.Pattern[str]]]] = {}
        # Per gated rule's bit, the words as written one of which its
        # matches hold, where it has such words (`prefilter.exact_words`):
        # tested only when the rule is about to run, after the others have
        # not decided, as each is a scan of the text.
        self._exact: dict[int, tuple[str, ...]] = {}
        for scope in (Scope.BLOCK, Scope.HEADING, Scope.INLINE):
            at_start = scope is not Scope.INLINE  # inline rules are searched, not matched at the start
            words_of = [required_words(rule.pattern) for rule in by_scope[scope]]
            self._always[scope] = [i for i, words in enumerate(words_of) if words is None]
            always = [by_scope[scope][i] for i in self._always[scope]]
            self._alternation_bit[scope] = 0
            if at_start:
                self._patterns[scope] = _combine(always)
                if always:
                    leads = [_lead_of(rule) for rule in always]
                    self._alternation_bit[scope] = bit_of(_Gate(
                        words=None, lead=None if None in leads else _merge_leads(leads), longest=_longest(always),
                    ))
            self._gated[scope] = []
            for i, (rule, words) in enumerate(zip(by_scope[scope], words_of)):
                if words is None:
                    continue
                bit = bit_of(_Gate(
                    words=words, lead=_lead_of(rule) if at_start else None,
                    longest=longest_text(rule.pattern) if at_start else None,
                ))
                self._gated[scope].append((i, bit, _compile(rule)))
                exact = exact_words(rule.pattern, not rule.case_sensitive)
                if exact:
                    # A word that holds another of its set adds nothing to
                    # the test ("Photo by AP" holds "AP").
                    self._exact[bit] = tuple(sorted(w for w in exact if not any(v != w and v in w for v in exact)))
        self._gates_table = _GateTable(gates)
        self._exact_bits = sum(self._exact)
        self._scope_bits = {
            scope: self._alternation_bit[scope] | sum(bit for _, bit, _ in gated)
            for scope, gated in self._gated.items()
        }
        self._by_bit = {bit: (i, pattern) for gated in self._gated.values() for i, bit, pattern in gated}
        # The last text `_gates` answered for, and its answer (no text yet:
        # a text "" could be the very object of a placeholder "").
        self._present: tuple[str | None, int] = (None, 0)
        # Inline rules are searched one by one (see `cuts`), each with the
        # bit that gates it (0: always searched).
        gated_inline = {i: (pattern, bit) for i, bit, pattern in self._gated[Scope.INLINE]}
        self._inline = [gated_inline.get(i) or (_compile(r), 0) for i, r in enumerate(by_scope[Scope.INLINE])]
        self._init_cues(by_scope[Scope.CUE])
        # Menus, share rows and footers repeat on every page of a site: what
        # is found about short blocks is remembered (`block_memo`; Hits are
        # immutable), and so are the cue sets' answers.
        self._block_memos: dict[frozenset[str], dict[str, Any]] = {}
        self._cue_sets: dict[frozenset[str], Hit | None] = {}

    def _init_cues(self, rules: list[Rule]) -> None:
        # Cue rules are searched in class and id values, most of which hold
        # none of their words: one scan for all of them clears those values
        # without a timed search.  (None when a cue rule has no words.)
        cue_words = [required_words(rule.pattern) for rule in rules]
        self._cue_words = (
            WordIndex([frozenset().union(*cue_words)]) if cue_words and None not in cue_words else None
        )
        # Where every cue rule's matches start with known strings (the token
        # rules do), a match can only start where one of them does: the
        # pattern is tried there alone, not searched along the whole value.
        # (\G would match at each such place, where a search has it at 0.)
        starts = [required_starts(rule.pattern) for rule in rules]
        pattern = self._patterns[Scope.CUE]
        self._cue_starts = (
            WordIndex([frozenset().union(*starts)])
            if pattern is not None and None not in starts and "\\G" not in pattern.pattern else None
        )
        # The answer for each value seen (None: it holds no cue).
        self._cue_memo: dict[str, Hit | None] = {}

    def _gates(self, text: str) -> int:
        """The bits of the gated rules (and alternations) that may match `text`.

        `classify` asks the block, heading and inline rules about the same
        block in a row: the last answer is kept for them.
        """
        # One read and one write of the slot, so that a Cleaner shared by
        # threads never answers one block with another block's gates.
        last = self._present
        if last[0] is not text:
            last = (text, self._gates_table.open(text))
            self._present = last
        return last[1]

    def first(self, scope: Scope, text: str, guard: list[str]) -> Hit | None:
        """The first rule of `scope` that matches at the start of `text`.

        A pattern that runs out of time counts as no match; the fact is
        appended to `guard` so that the Result can report it.
        """
        present = self._gates(text) & self._scope_bits[scope]
        if not present:
            return None  # (no rules, or none can match)
        rules = self._rules[scope]
        hit = None
        try:
            limit = len(rules)
            alternation = self._alternation_bit[scope]
            if present & alternation:
                present ^= alternation
                m = self._patterns[scope].match(text, None, None, None, False, REGEX_TIMEOUT_S)
                if m is not None:
                    # Gated rules after the alternation's answer cannot win.
                    limit = self._always[scope][int(m.lastgroup[1:])]
                    hit = Hit(rules[limit], m.start(), m.end())
            # The bits of a scope's gated rules rise with their priority:
            # visit the present ones from the lowest bit up.
            while present:
                bit = present & -present
                i, rule_pattern = self._by_bit[bit]
                if i > limit:  # (never equal: `limit` is an ungated rule's)
                    break
                exact = self._exact.get(bit)
                if exact is None or any(map(text.__contains__, exact)):
                    if (g := rule_pattern.match(text, None, None, None, False, REGEX_TIMEOUT_S)) is not None:
                        hit = Hit(rules[i], g.start(), g.end())
                        break
                present ^= bit
        except TimeoutError:
            guard.append(f"{scope.value} rules timed out on a block of {len(text)} characters")
            return None
        return hit

    def clear_memo(self) -> None:
        self._cue_sets = {}
        self._cue_memo = {}
        self._block_memos = {}

    def block_memo(self, stopwords: frozenset[str]) -> dict[str, Any]:
        """Room for `classify` to remember what it found about the short
        blocks it read with these rules and `stopwords`.

        It is emptied with the rest of the memo (`clear_memo`); the caller
        keeps it under MEMO_SIZE entries.
        """
        memos = self._block_memos
        memo = memos.get(stopwords)
        if memo is None:
            memo = memos[stopwords] = {}
        return memo

    def cue(self, cues: frozenset[str], guard: list[str]) -> Hit | None:
        """The first cue rule found in a block's tag and class/id strings.

        The strings are read in sorted order and the first one that holds a
        token decides (its leftmost token; at one position the rule that
        comes first). Blocks under the same elements share one cue set, and
        one page's sets share most of their strings: both are asked once.
        """
        # Two asks in three are for a set already answered: that answer first.
        sets = self._cue_sets
        known = sets.get(cues, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        pattern = self._patterns[_CUE]
        if pattern is None or not cues:
            return None
        # The strings in order, each answered from the memo where it is
        # known and searched where not, up to the first that holds a cue.
        # (One walk of the sorted set: finding the least known holder first,
        # by an intersection and a difference with the memo, then sorting the
        # strings not seen, cost 11 ms more for the 23,660 asks of the 181
        # benchmark pages, 35 ms against 24 ms with the searches left out.)
        answers = self._cue_memo
        hit = None
        for value in sorted(cues):
            found = answers.get(value, _UNKNOWN)
            if found is _UNKNOWN:
                try:
                    found = self._search_cue(pattern, value)
                except TimeoutError:
                    guard.append("cue rules timed out")
                    return None
                self._remember_cue(value, found)
            if found is not None:
                hit = found
                break
        if len(sets) >= MEMO_SIZE:
            self._cue_sets = sets = {}
        sets[cues] = hit
        return hit

    def _search_cue(self, pattern: regex.Pattern[str], value: str) -> Hit | None:
        """The cue rule found in one class/id string (TimeoutError if a run runs out of time)."""
        m = None
        if self._cue_starts is not None and value.isascii():
            # (An ASCII string folds character for character: the places
            # found in the folded string are those of the string.)
            for at in self._cue_starts.positions(fold(value)):
                if (m := pattern.match(value, at, None, None, False, REGEX_TIMEOUT_S)) is not None:
                    break
        elif self._cue_words is None or self._cue_words.any_in(fold(value)):
            # A value is one class attribute, a few hundred characters at
            # most in real pages; the limit guards the rest.
            m = pattern.search(value, None, None, None, False, REGEX_TIMEOUT_S)
        return None if m is None else Hit(self._rules[_CUE][int(m.lastgroup[1:])], 0, 0, value)

    def _remember_cue(self, value: str, hit: Hit | None) -> None:
        answers = self._cue_memo
        if len(answers) >= MEMO_SIZE:
            self._cue_memo = answers = {}
        answers[value] = hit

    def cuts(self, text: str, guard: list[str]) -> list[Hit]:
        """Every inline match in `text`, left to right, never overlapping.

        The same matches as one alternation's finditer (leftmost first; at
        one position the rule that comes first), found with each rule's own
        pattern: a search for one rule skips ahead by its literal prefix,
        which an alternation of them cannot, and costs a seventh of it.  A
        gated rule whose words `text` lacks is not searched at all.
        """
        present = self._gates(text) & self._scope_bits[_INLINE] if self._gated[_INLINE] else 0
        unsure = present & self._exact_bits
        while unsure:
            bit = unsure & -unsure
            if not any(map(text.__contains__, self._exact[bit])):
                present ^= bit
            unsure ^= bit
        if not present and not self._always[_INLINE]:
            return []  # most blocks: no inline rule can match
        hits = self._search_cuts(text, present, guard)
        return [] if hits is None else hits

    def _search_cuts(self, text: str, present: int, guard: list[str]) -> list[Hit] | None:
        """`cuts` for the inline rules in `present` (and the ungated ones);
        None, noted in `guard`, if a search timed out."""
        active = [(p, r) for (p, bit), r in zip(self._inline, self._rules[_INLINE]) if not bit or present & bit]
        patterns = [p for p, _ in active]
        rules = [r for _, r in active]
        hits: list[Hit] = []
        try:
            nexts = [p.search(text, None, None, None, False, REGEX_TIMEOUT_S) for p in patterns]
            while True:
                best = -1
                for i, m in enumerate(nexts):
                    if m is not None and (best < 0 or m.start() < nexts[best].start()):
                        best = i
                if best < 0:
                    return hits
                m = nexts[best]
                if m.end() > m.start():
                    hits.append(Hit(rules[best], m.start(), m.end()))
                    pos = m.end()
                else:
                    pos = m.start() + 1  # an empty match cuts nothing
                for i, n in enumerate(nexts):
                    if n is not None and n.start() < pos:
                        nexts[i] = patterns[i].search(text, pos, None, None, False, REGEX_TIMEOUT_S) if pos <= len(text) else None
        except TimeoutError:
            guard.append(f"inline rules timed out on a block of {len(text)} characters")
            return None


def _longest(rules: list[Rule]) -> int | None:
    """The longest block that one of `rules` can match, None if unbounded."""
    lengths = [longest_text(rule.pattern) for rule in rules]
    return None if None in lengths or not lengths else max(lengths)


def _combine(rules: list[Rule]) -> regex.Pattern[str] | None:
    if not rules:
        return None
    try:
        return regex.compile("|".join(f"(?P<r{i}>{_wrapped(r)})" for i, r in enumerate(rules)))
    except regex.error:
        # A pack loaded without compiling (the built-in ones): name the rule.
        for rule in rules:
            _compile(rule)
        raise


def _compile(rule: Rule) -> regex.Pattern[str]:
    """The rule's pattern, compiled; a RuleError naming the rule if it does not compile."""
    try:
        return rule.compile()
    except regex.error as exc:
        raise _fail(rule.source, rule.id, f"pattern does not compile: {exc}") from None


def iter_rules(packs: Iterable[RulePack]) -> Iterator[Rule]:
    for pack in packs:
        yield from pack.rules
