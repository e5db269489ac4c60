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
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import regex

from .model import Category
from .prefilter import WordIndex, fold, longest_text, required_starts, required_words
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

# Rule answers for blocks up to MEMO_MAX_CHARS long are remembered per
# compiled rule set, up to MEMO_SIZE of them (then the memo starts afresh).
# A site's menus and footers are a few hundred lines; 20,000 answers hold
# many sites' worth in a few MB (100,000 grew a worker by 30 MB over a
# batch of 100,000 documents).
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


class CompiledRules:
    """The rules of one language, compiled for matching one block at a time.

    A rule whose pattern cannot match without one of a few words
    (`prefilter.required_words`: "newsletter", "privacy", …) only runs on
    blocks that hold one of them; one scan of the block (`WordIndex`) tells
    which.  A block or heading rule whose matches all start with one of a
    few strings (`prefilter.required_starts`) also needs the block to start
    with one, and one that only matches a whole text of at most so many
    characters (`prefilter.longest_text`) a block no longer.  The other
    rules of a scope run together as one alternation.
    The first rule in priority order that matches still decides: a gated
    rule is tried when it comes before the alternation's answer.

    Each pattern run has a time limit (REGEX_TIMEOUT_S), and the limit
    costs more than many a run (3 µs a call): the gates, which need no
    limit, keep the runs few.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_scope: dict[Scope, list[Rule]] = {s: [] for s in Scope}
        for rule in rules:
            by_scope[rule.scope].append(rule)
        self._rules = by_scope
        self._patterns = {Scope.CUE: _combine(by_scope[Scope.CUE])}
        # Per scope, the index of each ungated rule, then each gated rule
        # as (index, its bit in the WordIndex, its pattern).
        self._always: dict[Scope, list[int]] = {}
        self._gated: dict[Scope, list[tuple[int, int, regex.Pattern[str]]]] = {}
        # Per scope, the longest block the alternation can match (None: any).
        self._longest: dict[Scope, int | None] = {}
        word_sets: list[frozenset[str]] = []
        # Per gated rule (same bits), the strings its matches start with;
        # `_anywhere` has the bits of the rules without them.  Inline rules
        # are searched, not matched at the start, and have none.
        start_sets: list[frozenset[str]] = []
        self._anywhere = 0
        for scope in (Scope.BLOCK, Scope.HEADING, Scope.INLINE):
            self._always[scope], self._gated[scope] = [], []
            for i, rule in enumerate(by_scope[scope]):
                words = required_words(rule.pattern)
                if words is None:
                    self._always[scope].append(i)
                else:
                    bit = 1 << len(word_sets)
                    self._gated[scope].append((i, bit, _compile(rule)))
                    word_sets.append(words)
                    starts = None if scope is Scope.INLINE else required_starts(rule.pattern)
                    start_sets.append(starts or frozenset())
                    if starts is None:
                        self._anywhere |= bit
            if scope is not Scope.INLINE:
                always = [by_scope[scope][i] for i in self._always[scope]]
                self._patterns[scope] = _combine(always)
                self._longest[scope] = _longest(always)
        self._words = WordIndex(word_sets)
        self._starts = WordIndex(start_sets)
        # Cue rules are searched in class and id values, most of which hold
        # none of their words: one scan for all of them clears those values
        # without a timed search.  (None when a cue rule has no words.)
        cue_words = [required_words(rule.pattern) for rule in by_scope[Scope.CUE]]
        self._cue_words = (
            WordIndex([frozenset().union(*cue_words)]) if cue_words and None not in cue_words else None
        )
        self._scope_bits = {scope: sum(bit for _, bit, _ in gated) for scope, gated in self._gated.items()}
        self._by_bit = {
            bit: (i, pattern, _longest([by_scope[scope][i]]))
            for scope, gated in self._gated.items() for i, bit, pattern in gated
        }
        self._present: tuple[str, int] = ("", 0)
        # Inline rules are searched one by one (see `cuts`), each with the
        # bit that gates it (0: always searched).
        gated_inline = {i: (pattern, bit) for i, bit, pattern in self._gated[Scope.INLINE]}
        self._inline = [gated_inline.get(i) or (_compile(r), 0) for i, r in enumerate(by_scope[Scope.INLINE])]
        # Menus, share rows and footers repeat on every page of a site: the
        # answers for short blocks are remembered (Hits are immutable).
        # (Inline rules: the tuple of a block's cuts.)
        self._memo: dict[tuple[Scope, str | frozenset[str]], Hit | tuple[Hit, ...] | None] = {}

    def _gates(self, text: str) -> int:
        """The bits of the gated rules whose words `text` holds (and, for
        the rules whose matches start with given strings, starts with).

        `classify` asks the block, heading and inline rules about the same
        block in a row: the last answer is kept for them.
        """
        # One read and one write of the slot, so that a Cleaner shared by
        # threads never answers one block with another block's words.
        last = self._present
        if last[0] is not text:
            folded = fold(text)
            bits = self._words.present(folded)
            if bits & ~self._anywhere:
                bits &= self._starts.at_start(folded) | self._anywhere
            last = (text, bits)
            self._present = last
        return last[1]

    def first(self, scope: Scope, text: str, guard: list[str]) -> Hit | None:
        """The first rule of `scope` that matches at the start of `text`.

        A pattern that runs out of time counts as no match; the fact is
        appended to `guard` so that the Result can report it.
        """
        rules = self._rules[scope]
        if not rules:
            return None
        key = (scope, text)
        # One read of the memo: a check, then a read, could meet another
        # thread's clear in between.
        known = self._memo.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        pattern = self._patterns[scope]
        longest = self._longest[scope]
        hit = None
        try:
            m = None
            if pattern is not None and (longest is None or len(text) <= longest):
                m = pattern.match(text, timeout=REGEX_TIMEOUT_S)
            # Gated rules after the alternation's answer cannot win.
            limit = len(rules)
            if m is not None:
                limit = self._always[scope][int(m.lastgroup[1:])]
                hit = Hit(rules[limit], m.start(), m.end())
            gated = self._gated[scope]
            # The bits of a scope's gated rules rise with their priority:
            # visit the present ones from the lowest bit up.
            present = self._gates(text) & self._scope_bits[scope] if gated and gated[0][0] < limit else 0
            while present:
                bit = present & -present
                i, rule_pattern, rule_longest = self._by_bit[bit]
                if i > limit:  # (never equal: `limit` is an ungated rule's)
                    break
                fits = rule_longest is None or len(text) <= rule_longest
                if fits and (g := rule_pattern.match(text, timeout=REGEX_TIMEOUT_S)) is not None:
                    hit = Hit(rules[i], g.start(), g.end())
                    break
                present ^= bit
        except TimeoutError:
            guard.append(f"{scope.value} rules timed out on a block of {len(text)} characters")
            return None
        if len(text) <= MEMO_MAX_CHARS:
            self._remember(key, hit)
        return hit

    def _remember(self, key: tuple[Scope, str | frozenset[str]], hit: Hit | tuple[Hit, ...] | None) -> None:
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = hit

    def clear_memo(self) -> None:
        self._memo.clear()

    def cue(self, cues: frozenset[str], guard: list[str]) -> Hit | None:
        """The first cue rule found in a block's tag and class/id strings.

        The strings are read in sorted order and the first one that holds a
        token decides (its leftmost token; at one position the rule that
        comes first). Blocks under the same elements share one cue set, and
        one page's sets share most of their strings: both are asked once.
        """
        pattern = self._patterns[Scope.CUE]
        if pattern is None or not cues:
            return None
        key = (Scope.CUE, cues)
        known = self._memo.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        hit = None
        for value in sorted(cues):
            value_key = (Scope.CUE, value)
            known = self._memo.get(value_key, _UNKNOWN)
            if known is not _UNKNOWN:
                hit = known
            elif self._cue_words is not None and not self._cue_words.any_in(fold(value)):
                # Most values hold none of the cue rules' words, and so
                # match none of them: no timed search.
                hit = None
                self._remember(value_key, hit)
            else:
                try:
                    # A value is one class attribute, a few hundred
                    # characters at most in real pages; the limit guards
                    # the rest.
                    m = pattern.search(value, timeout=REGEX_TIMEOUT_S)
                except TimeoutError:
                    guard.append("cue rules timed out")
                    return None
                hit = None if m is None else Hit(self._rules[Scope.CUE][int(m.lastgroup[1:])], 0, 0, value)
                self._remember(value_key, hit)
            if hit is not None:
                break
        self._remember(key, hit)
        return hit

    def cuts(self, text: str, guard: list[str]) -> list[Hit]:
        """Every inline match in `text`, left to right, never overlapping.

        The same matches as one alternation's finditer (leftmost first; at
        one position the rule that comes first), found with each rule's own
        pattern: a search for one rule skips ahead by its literal prefix,
        which an alternation of them cannot, and costs a seventh of it.  A
        gated rule whose words `text` lacks is not searched at all.
        """
        key = (Scope.INLINE, text)
        known = self._memo.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return list(known)
        present = self._gates(text) & self._scope_bits[Scope.INLINE] if self._gated[Scope.INLINE] else 0
        if not present and not self._always[Scope.INLINE]:
            hits: list[Hit] | None = []  # most blocks: no inline rule can match
        else:
            hits = self._search_cuts(text, present, guard)
            if hits is None:
                return []
        if len(text) <= MEMO_MAX_CHARS:
            self._remember(key, tuple(hits))
        return hits

    def _search_cuts(self, text: str, present: int, guard: list[str]) -> list[Hit] | None:
        """`cuts` for the inline rules in `present` (and the ungated ones);
        None, noted in `guard`, if a search timed out."""
        active = [(p, r) for (p, bit), r in zip(self._inline, self._rules[Scope.INLINE]) if not bit or present & bit]
        patterns = [p for p, _ in active]
        rules = [r for _, r in active]
        hits: list[Hit] = []
        try:
            nexts = [p.search(text, timeout=REGEX_TIMEOUT_S) for p in patterns]
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
                        nexts[i] = patterns[i].search(text, pos, timeout=REGEX_TIMEOUT_S) if pos <= len(text) else None
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
