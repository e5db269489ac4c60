"""Prefilters: the words a rule's pattern cannot match without.

Most block rules can only match a line that holds one of a few words: a
newsletter box says "newsletter", "subscribe" or "sign up", a legal footer
"privacy" or "terms".  `required_words` reads those words off the pattern
itself, so that the engine (`ruleset.CompiledRules`) can skip a rule on the
lines that hold none of them — the scanning rules (``[^\\n]{0,250}?…``,
lookaheads over the whole line) cost most when they fail, on prose.

The analysis is conservative: every match of the pattern contains (as a
substring, after `fold`) at least one of the words returned, or the answer
is None and the rule always runs.  Syntax it does not know (a flag other
than ``i``, ``s`` or ``m``, fuzzy matching, an escape it cannot classify)
gives None, as does a pattern with a branch free of literal text.  Only
ASCII characters and characters without case (``©``, ``»``, ``年``) make
words; any other literal counts as "some character".  That way `fold`
(``str.casefold``) maps every character that the ``regex`` module's
case-insensitive matching equates with a word's character (``K``, the Kelvin
sign, for ``k``) onto it.  `tests/test_prefilter.py` checks this, and that
every rule's `match` examples pass its prefilter.

The words of ``\\d`` are `DIGIT`, which `WordIndex` finds at any digit:
"<DIGIT> or 'published'" lets a date rule skip the lines that have neither.
Where the pattern matches literals case-sensitively, `exact_words` gives
the words as the text must have them ("AP", where "ap" is in "apple").

The same reading of a pattern gives more gates for the rules matched at
the start of a block: `required_starts`, the strings every match starts
with; `leading`, which also takes a branch that starts with a class of
characters (``\\d+ of \\d+``); and `longest_text`, the longest text a
match ending at ``$`` can span.  `tests/test_ruleset_gates.py` checks each
gate on arbitrary text, and the engine against one without them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import product
from typing import Iterable

import regex

__all__ = [
    "DIGIT", "Lead", "WordIndex", "Words", "exact_words", "fold", "leading", "longest_text", "required_starts",
    "required_words",
]

# Sets of alternatives grow by cross product ("(a|b) (c|d)"): past this size
# the run is cut and the words found so far are kept.
_MAX_ALTERNATIVES = 64
# Escapes of one character class (\d, \p{L}, …) and zero-width escapes.
_CLASS_ESCAPES = set("dDwWsShHX")
_PROPERTY_ESCAPES = set("pP")
_ZERO_WIDTH_ESCAPES = set("bBAZGmM")
_ESCAPED_CONTROLS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_SAFE_FLAGS = set("ism-")
# A character set of more members than this is "some character".
_MAX_SET = 16
_REPEAT = re.compile(r"\{(?=,?\d)(\d*)(,?)(\d*)\}")

Words = frozenset[str]


def _is_word_char(c: str) -> bool:
    # ASCII, or a character without case (©, », 年) that is not a combining
    # mark: `fold` maps whatever case-insensitive matching equates with it
    # onto the same text, and removes no mark after it.
    return c.isascii() or (c.lower() == c.upper() == c.casefold() == c and not unicodedata.category(c).startswith("M"))


def fold(text: str) -> str:
    """The form of a line that prefilter words are searched in: casefolded,
    and İ as i (case-insensitive matching takes İ for i, where casefolding
    gives i and a combining dot)."""
    folded = text.casefold()
    return folded.replace("i\u0307", "i") if "\u0307" in folded else folded


class _Unknown(Exception):
    """Syntax the analysis does not handle: the rule gets no prefilter."""


# What a match starts with, for the rules matched at the start of a block:
# one of the strings (folded), or a character that one of the classes
# matches.  A class is regex source for one character, such as
# ``[^\p{L}]``, to run with the pattern's case flag, or with the flag that
# the pattern sets around it: ``(?-i:\p{Lu})``.
Lead = tuple[Words, frozenset[str]]
_NO_CLASSES: frozenset[str] = frozenset()
_NO_LEAD: Lead = (frozenset(), _NO_CLASSES)


@dataclass(frozen=True)
class _Info:
    # Every string the node can match (folded), if they are few and made of
    # word characters (`_is_word_char`) only, else None.  (Reading for
    # `exact_words`, these and the words below are unfolded.)
    exact: Words | None
    # Words one of which every match contains, else None.
    required: Words | None
    # Strings one of which every match starts with (folded), else None.
    starts: Words | None = None
    # A lookaround: it matches where it is without taking any text.
    zero: bool = False
    # The most characters a match takes, None if unbounded.  (Case-
    # insensitive matching pairs characters one to one: the regex module's
    # full case folding is a flag the analysis refuses.)
    width: int | None = 1
    # Whether every match ends at the end of the text ($ or \Z).
    end: bool = False
    # What every match that takes text starts with (None if unknown), and
    # whether a match can take none.
    lead: Lead | None = None
    nullable: bool = False


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None, frozenset({""}), width=0, lead=_NO_LEAD, nullable=True)
_END = _Info(frozenset({""}), None, frozenset({""}), width=0, end=True, lead=_NO_LEAD, nullable=True)
_GRAPHEME = _Info(None, None, width=None)  # \X: a grapheme cluster, several characters


# The word that stands for any decimal digit (``\d``) in the words of a
# pattern: upper case, which no folded word is.  A digit is in about one
# line in three, as a word of three letters might be.
DIGIT = "<DIGIT>"
_DIGIT_STRENGTH = 3
# What `DIGIT` stands for in folded text: ``\d`` of the regex module, as in
# the rules (every character it matches folds to one that it matches:
# tests/test_ruleset_gates.py); stdlib re on ASCII text, where both find
# [0-9] and re finds it sooner.
_DIGIT_FINDER = regex.compile(r"\d")
_ASCII_DIGIT_FINDER = re.compile(r"[0-9]")


def _holds_digit(folded: str) -> bool:
    return (_ASCII_DIGIT_FINDER if folded.isascii() else _DIGIT_FINDER).search(folded) is not None


# Marks other than those of prose (.,;:!?'"()/&-): "|", "•", "—", "»".  One
# of them is about as rare as a digit.
_RARE_MARK = re.compile(r"[^\w\s.,;:!?'\"()/&-]")


def _strength(word: str) -> int:
    """How few texts hold a word, as a length: a character counts one, a
    space none (" on " is in most lines, "says" in few), a rare mark (and
    `DIGIT`) three.  A word is never weaker than a part of it."""
    if word == DIGIT:
        return _DIGIT_STRENGTH
    return len(word) - word.count(" ") + (_DIGIT_STRENGTH - 1) * len(_RARE_MARK.findall(word))


def _best(*candidates: Words | None) -> Words | None:
    """The most selective set of words: the strongest weakest word
    (`_strength`), then the longest shortest word, then fewest words."""
    usable = [c for c in candidates if c and "" not in c]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(_strength, c)), min(map(len, c)), -len(c)))


def _required(info: _Info) -> Words | None:
    return _best(info.required, info.exact)


def _concat(heads: Words, tails: Words) -> Words:
    return frozenset(a + b for a, b in product(heads, tails))


def _sum(widths: Iterable[int | None]) -> int | None:
    total = 0
    for w in widths:
        if w is None:
            return None
        total += w
    return total


def _union(leads: Iterable[Lead | None]) -> Lead | None:
    strings: set[str] = set()
    classes: set[str] = set()
    for lead in leads:
        if lead is None:
            return None
        strings |= lead[0]
        classes |= lead[1]
    return frozenset(strings), frozenset(classes)


def _sequence_lead(head: Words | None, starts: Words | None, stop: tuple[Words, int] | None,
                   items: list[_Info]) -> Lead | None:
    """What a match of a sequence that takes text starts with.

    `head` is the sequence's whole text when every item's is known; else
    it is None and `stop` says where the known text stopped: its strings
    then, and the first item whose text is not known (`starts` is what
    every match starts with, found there).
    """
    if head is not None:
        return head - {""}, _NO_CLASSES
    assert stop is not None and starts is not None
    known, k = stop
    if "" not in known:
        return starts, _NO_CLASSES
    # The known text may be empty: then the first item after it that takes
    # text gives the start, one that cannot take nothing at the latest.
    leads: list[Lead | None] = [(known - {""}, _NO_CLASSES)]
    for item in items[k:]:
        if item.zero:
            continue
        leads.append(item.lead)
        if not item.nullable:
            break
    return _union(leads)


@lru_cache(maxsize=None)
def _literal(c: str, case_class: str, exact_case: bool | None) -> _Info:
    """A literal character `c` (`case_class`: its regex with the scoped case
    flag); with `exact_case` not None, for `exact_words`, matched case-
    sensitively or not.  (Remembered: patterns are mostly letters.)"""
    folded = frozenset({fold(c)}) if _is_word_char(c) else None
    lead = (folded, _NO_CLASSES) if folded else (frozenset(), frozenset({case_class}))
    word = folded if exact_case is None else frozenset({c}) if exact_case else None
    if word is None:
        return _Info(None, None, lead=lead)
    return _Info(word, word, word, lead=lead)


class _Parser:
    def __init__(self, pattern: str, exact_case_of: bool | None = None) -> None:
        self.p = pattern
        self.i = 0
        # A multiline flag makes $ match before every newline, not only at
        # the end: then no match is known to end at the end.
        self.multiline = False
        # The case flag where the parser is, as a scoped flag ((?i:…),
        # (?-i:…)) set it; None where the pattern's own flag holds.  The
        # classes of `_Info.lead` carry it.
        self.ignore_case: bool | None = None
        # Words as the text has them (`exact_words`), for a pattern that
        # runs case-insensitively or not: only literals matched case-
        # sensitively make words, and they are not folded.
        self.exact_case_of = exact_case_of

    def case_class(self, source: str) -> str:
        """`source`, regex for one character, with the scoped case flag in force."""
        if self.ignore_case is None:
            return source
        return f"(?i:{source})" if self.ignore_case else f"(?-i:{source})"

    def matches_case(self) -> bool:
        """Whether a literal here is matched case-sensitively (`exact_case_of` given)."""
        return not (self.exact_case_of if self.ignore_case is None else self.ignore_case)

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self) -> str:
        if self.i >= len(self.p):
            raise _Unknown("unexpected end")
        c = self.p[self.i]
        self.i += 1
        return c

    def alternation(self) -> _Info:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        exact = None
        if all(b.exact is not None for b in branches):
            union = frozenset().union(*(b.exact for b in branches))
            exact = union if len(union) <= _MAX_ALTERNATIVES else None
        required = [_required(b) for b in branches]
        starts = [b.starts for b in branches]
        widths = [b.width for b in branches]
        return _Info(
            exact, None if None in required else frozenset().union(*required),
            None if None in starts else frozenset().union(*starts),
            width=None if None in widths else max(widths), end=all(b.end for b in branches),
            lead=_union(b.lead for b in branches), nullable=any(b.nullable for b in branches),
        )

    def sequence(self) -> _Info:
        candidates: list[Words | None] = []
        run: Words | None = frozenset({""})  # the exact text of the items since the last break
        all_exact = True
        # The exact text of the items since the sequence's start, until an
        # item's text is not known exactly: then what every match starts
        # with is that text followed by how the item starts.
        head: Words | None = frozenset({""})
        starts: Words | None = None
        # Where the head stopped: its text then, and the index of the item.
        stop: tuple[Words, int] | None = None
        items: list[_Info] = []
        while self.peek() not in ("", "|", ")"):
            item = self.quantified()
            items.append(item)
            if head is not None and not item.zero:  # a lookaround takes no text: look past it
                if item.exact is not None and len(head) * len(item.exact) <= _MAX_ALTERNATIVES:
                    head = _concat(head, item.exact)
                else:
                    tails = item.starts
                    fits = tails is not None and len(head) * len(tails) <= _MAX_ALTERNATIVES
                    starts = _concat(head, tails) if fits else head
                    stop = head, len(items) - 1
                    head = None
            candidates.append(item.required)
            if item.exact is None:
                all_exact = False
                candidates.append(run)
                run = frozenset({""})
                continue
            if len(run) * len(item.exact) > _MAX_ALTERNATIVES:
                all_exact = False
                candidates.append(run)
                run = item.exact
                continue
            run = _concat(run, item.exact)
        candidates.append(run)
        return _Info(
            run if all_exact else None, _best(*candidates), head if head is not None else starts,
            width=_sum(item.width for item in items), end=bool(items) and items[-1].end,
            lead=_sequence_lead(head, starts, stop, items), nullable=all(item.nullable for item in items),
        )

    def quantified(self) -> _Info:
        atom = self.atom()
        c = self.peek()
        if c in ("*", "+", "?"):
            self.i += 1
            low = 1 if c == "+" else 0
            high = 1 if c == "?" else None
        elif c == "{":
            low, high = self.braces()
        else:
            return atom
        if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
            self.i += 1
        width = None if high is None or atom.width is None else high * atom.width
        if low == 0:
            exact = atom.exact | {""} if high == 1 and atom.exact is not None else None
            return _Info(exact, None, exact, width=width, lead=atom.lead, nullable=True)
        exact = atom.exact if low == high == 1 else None
        return _Info(
            exact, _required(atom), atom.starts, width=width, end=low == high == 1 and atom.end,
            lead=atom.lead, nullable=atom.nullable,
        )

    def braces(self) -> tuple[int, int | None]:
        m = _REPEAT.match(self.p, self.i)
        if m is None:
            raise _Unknown("not a repeat count")  # fuzzy matching, or a literal brace
        self.i = m.end()
        low, comma, high = m.groups()
        return int(low or 0), int(high) if high else (None if comma else int(low))

    def atom(self) -> _Info:
        c = self.take()
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_set()
        if c == "\\":
            return self.escape()
        if c == "^":
            return _EMPTY
        if c == "$":
            return _END
        if c == ".":
            return _ANY
        if c in ("*", "+", "?", "{", ")"):
            raise _Unknown(f"unexpected {c!r}")
        return self.literal(c, c)

    def literal(self, c: str, source: str) -> _Info:
        """The character `c`, written `source` in the pattern."""
        exact_case = None if self.exact_case_of is None else self.matches_case()
        return _literal(c, self.case_class(source), exact_case)

    def some_character(self, source: str) -> _Info:
        """A character of the class written `source` (``[^|]``, ``\\d``,
        ``\\p{Lu}``): no words, but what a match can start with."""
        return _Info(None, None, lead=(frozenset(), frozenset({self.case_class(source)})))

    def group(self) -> _Info:
        lookaround = None
        outer_case = self.ignore_case
        if self.p.startswith("?", self.i):
            self.i += 1
            if self.p.startswith(":", self.i) or self.p.startswith(">", self.i):
                self.i += 1
            elif self.p[self.i:self.i + 1] in ("=", "!") or self.p[self.i:self.i + 2] in ("<=", "<!"):
                lookaround = self.take()
                if lookaround == "<":
                    lookaround = self.take()
            else:
                end = self.p.find(":", self.i)
                if end < 0 or not set(self.p[self.i:end]) <= _SAFE_FLAGS:
                    raise _Unknown("a group other than (?:…), (?flags:…) or a lookaround")
                flags = self.p[self.i:end]
                self.multiline |= "m" in flags
                on, _, off = flags.partition("-")
                if "i" in on or "i" in off:
                    self.ignore_case = "i" in on
                self.i = end + 1
        inner = self.alternation()
        self.ignore_case = outer_case
        if self.take() != ")":
            raise _Unknown("unbalanced group")
        if lookaround == "=":
            # A lookaround matches no text, but what it looks at is in the line.
            return _Info(None, _required(inner), frozenset({""}), zero=True, width=0, lead=_NO_LEAD, nullable=True)
        if lookaround == "!":
            return _EMPTY
        return inner

    def char_set(self) -> _Info:
        """A set of a few plain characters (``[|•·]``) is their alternation;
        any other set (negated, a range, a class escape) is "some character"."""
        source_start = self.i - 1
        plain = self.peek() != "^"
        if not plain:
            self.i += 1
        members = []
        while True:
            c = self.take()
            if c == "]" and members:
                break
            if c == "[":
                raise _Unknown("nested set")
            if c == "\\":
                c = self.take()
                if c in _PROPERTY_ESCAPES:
                    self.property_name()
                if c.isalnum() or c == "_":
                    plain = False
            elif c == "-":
                plain = False
            members.append(c)
        words = frozenset(fold(c) for c in members)
        any_of = self.some_character(self.p[source_start:self.i])
        if not plain or len(words) > _MAX_SET or not all(map(_is_word_char, members)):
            return any_of
        if self.exact_case_of is not None:
            if not self.matches_case():
                return any_of
            return _Info(frozenset(members), frozenset(members), frozenset(members), lead=(words, _NO_CLASSES))
        return _Info(words, words, words, lead=(words, _NO_CLASSES))

    def escape(self) -> _Info:
        source_start = self.i - 1
        c = self.take()
        if c == "X":
            return _GRAPHEME
        if c in _PROPERTY_ESCAPES or c in _CLASS_ESCAPES:
            if c in _PROPERTY_ESCAPES:
                self.property_name()
            some = self.some_character(self.p[source_start:self.i])
            if c == "d" and self.exact_case_of is None:
                return replace(some, required=frozenset({DIGIT}))
            return some
        if c == "Z":
            return _END
        if c in _ZERO_WIDTH_ESCAPES:
            return _EMPTY
        if c in _ESCAPED_CONTROLS:
            return self.literal(_ESCAPED_CONTROLS[c], "\\" + c)
        if c.isalnum() or c == "_":
            raise _Unknown(f"escape \\{c}")
        return self.literal(c, "\\" + c)

    def property_name(self) -> None:
        if self.take() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise _Unknown("unclosed property")
            self.i = end + 1


@lru_cache(maxsize=None)
def _analyse(pattern: str, exact_case_of: bool | None = None) -> _Info | None:
    """What every match of `pattern` holds, or None for syntax not handled.

    With `exact_case_of` (the case flag the pattern runs with) the words
    are those of `exact_words`.
    """
    # (Remembered: the English and core rules are read again for every
    # language a Cleaner compiles.)
    parser = _Parser(pattern, exact_case_of)
    try:
        info = parser.alternation()
        if parser.i != len(pattern):
            raise _Unknown("unbalanced ')'")
    except (_Unknown, IndexError, ValueError):
        return None
    return replace(info, end=False) if parser.multiline else info


def required_words(pattern: str) -> Words | None:
    """Words (folded) one of which every match of `pattern` contains, or None.

    >>> sorted(required_words(r"(?:sign up|subscribe) (?:for|to) [^\\n]{0,80}?newsletters?"))
    ['newsletter', 'newsletters']
    >>> sorted(required_words(r"(?:sign up|subscribe) (?:for|to) [^\\n]{0,80}?news"))
    ['sign up for ', 'sign up to ', 'subscribe for ', 'subscribe to ']
    >>> sorted(required_words(r"(?=[^\\n]{0,300}?\\b(?:privacy|terms))[^\\n]*$"))
    ['privacy', 'terms']
    >>> required_words(r"\\p{Lu}[\\p{L}.-]+(?:-\\p{Lu}[\\p{L}.-]+)?$") is None
    True
    """
    info = _analyse(pattern)
    return None if info is None else _required(info)


def required_starts(pattern: str) -> Words | None:
    """Strings (folded) one of which every match of `pattern` starts with, or None.

    A block or heading rule is matched at the start of a block: it can
    only match a block whose folded text starts with one of them.

    >>> sorted(required_starts(r"(?:the )?(?:latest|top) \\w+"))
    ['latest ', 'the latest ', 'the top ', 'top ']
    >>> sorted(required_starts(r"(?=[^\\n]{0,300}?\\bterms)(?:privacy|terms)\\b.*$"))
    ['privacy', 'terms']
    >>> required_starts(r"(?:more|\\d+) news") is None
    True
    """
    info = _analyse(pattern)
    starts = None if info is None else info.starts
    return starts if starts and "" not in starts else None


def leading(pattern: str) -> Lead | None:
    """What every match of `pattern` starts with: one of the strings
    (folded), or a character that one of the classes matches; None if that
    is not known or a match can be empty.

    A class is regex for one character, to run with the pattern's own case
    flag; where the pattern sets a flag for it, the class carries it.
    Where `required_starts` needs every branch to start with known text,
    this also takes a branch that starts with a class:

    >>> strings, classes = leading(r"(?:more|\\d+) news")
    >>> sorted(strings), sorted(classes)
    (['more'], ['\\\\d'])
    >>> leading(r"(?-i:\\p{Lu})[^\\p{L}]{1,40}$")
    (frozenset(), frozenset({'(?-i:\\\\p{Lu})'}))
    >>> leading(r".{0,80}$") is None, leading(r"\\W*$") is None
    (True, True)
    """
    info = _analyse(pattern)
    if info is None or info.nullable or info.lead is None or info.lead == _NO_LEAD:
        return None
    return info.lead


# A scoped flag that turns case-insensitive matching off: (?-i:…), (?s-i:…).
_CASE_ON = re.compile(r"\(\?[a-z]*-[a-z]*i")


def exact_words(pattern: str, ignore_case: bool) -> Words | None:
    """Words as the text has them, unfolded, one of which every match of
    `pattern` (run with the case flag `ignore_case`) contains, or None.

    Only the literals matched case-sensitively count: "AP" in a case-
    sensitive rule needs "AP" in the text, where its folded word "ap" is
    in every "apple" too.

    >>> sorted(exact_words(r"(?:\\w+ )?(?:AP|Reuters)\\W*$", False))
    ['AP', 'Reuters']
    >>> exact_words(r"(?:AP|Reuters)\\W*$", True) is None
    True
    """
    if ignore_case and not _CASE_ON.search(pattern):
        return None  # no literal is matched case-sensitively
    info = _analyse(pattern, ignore_case)
    return None if info is None else _required(info)


def longest_text(pattern: str) -> int | None:
    """The longest text that `pattern`, matched at its start, can match whole, or None.

    A pattern whose every match ends at the end of the text ($), and takes
    at most n characters, cannot match a longer text: at most n + 1 (with
    the newline that $ may stand before).

    >>> longest_text(r"(?:[^\\p{L}]{1,40}|\\d{1,3}\\s?[km])$")
    41
    >>> longest_text(r"related posts\\W*$") is None, longest_text(r"related posts") is None
    (True, True)
    """
    info = _analyse(pattern)
    if info is None or not info.end or info.width is None:
        return None
    return info.width + 1


class WordIndex:
    """Which of many sets of words occur in a text, in one regex pass.

    Each set gets one bit; `present` returns the bits of the sets that have
    a word in a text (folded by the caller, once for all its questions).
    The words are compiled into a trie (``ab(?:c|d)?``) inside a lookahead,
    so that the scan tries every position and reports there the longest
    word that starts at it; the shorter words that start there are its
    prefixes, and their bits are added from a table.  An alternation of the
    words instead of the trie cost twenty times as much.

    Words of one character ("|", "©", "-") are looked for with `in`
    instead: in the trie they widen its first branch, which every position
    of every text tries, and match so often that collecting the matches
    cost a sixth of the scan.  `DIGIT` is any digit.
    """

    def __init__(self, sets: list[Words]) -> None:
        bits_of: dict[str, int] = {}
        for n, words in enumerate(sets):
            for word in words:
                bits_of[word] = bits_of.get(word, 0) | 1 << n
        self._digit_bits = bits_of.pop(DIGIT, 0)
        # A word found means each of its prefixes that is a word was found
        # too.  (In sorted order a word's prefixes come before it: those of
        # the words before it that are still prefixes are on the stack.)
        self._bits: dict[str, int] = {}
        stack: list[str] = []
        for word in sorted(bits_of):
            while stack and not word.startswith(stack[-1]):
                stack.pop()
            self._bits[word] = bits_of[word] | (self._bits[stack[-1]] if stack else 0)
            stack.append(word)
        longer = sorted(word for word in bits_of if len(word) > 1)
        self._finder = re.compile(f"(?=({_trie(longer)}))") if longer else None
        self._single = tuple((word, bits) for word, bits in bits_of.items() if len(word) == 1)
        # Most texts hold none of them: one pass over the text says so.
        self._any_single = (
            re.compile("[" + "".join(re.escape(word) for word, _ in self._single) + "]") if self._single else None
        )

    def present(self, folded: str) -> int:
        """The bits of the sets that have a word in `folded` (a text already folded: `fold`)."""
        bits = 0
        if self._finder is not None:
            for word in self._finder.findall(folded):  # (few, and seldom twice the same)
                bits |= self._bits[word]
        if self._any_single is not None and self._any_single.search(folded):
            for char, char_bits in self._single:
                if char in folded:
                    bits |= char_bits
        if self._digit_bits and _holds_digit(folded):
            bits |= self._digit_bits
        return bits

    def at_start(self, folded: str) -> int:
        """The bits of the sets that have a word at the start of `folded`
        (a text already folded): the longest one found there, and with it
        the sets of its prefixes."""
        m = None if self._finder is None else self._finder.match(folded)
        bits = 0 if m is None else self._bits[m[1]]
        if self._single:
            bits |= self._bits.get(folded[:1], 0)
        if self._digit_bits and _holds_digit(folded[:1]):
            bits |= self._digit_bits
        return bits

    def positions(self, folded: str) -> list[int]:
        """Where in `folded` (a text already folded) a word of any set starts, in order."""
        found = [] if self._finder is None else [m.start() for m in self._finder.finditer(folded)]
        if self._single or self._digit_bits:
            chars = {char for char, _ in self._single}
            digit = bool(self._digit_bits)
            found = sorted({*found, *(i for i, c in enumerate(folded) if c in chars or digit and _holds_digit(c))})
        return found

    def any_in(self, folded: str) -> bool:
        """Whether any set has a word in `folded` (a text already folded)."""
        return self.present(folded) != 0


def _trie(words: list[str]) -> str:
    """A regex matching the longest of `words` (sorted, distinct, non-empty) at a position."""
    return _trie_node(words, 0, len(words), 0)


def _trie_node(words: list[str], lo: int, hi: int, depth: int) -> str:
    """The regex for words[lo:hi], which share their first `depth` characters, from there on."""
    # The sorted words that share a prefix are a run: the one that ends
    # here, if any, first, then one run per next character.  Branches start
    # with distinct characters, so at most one can go on; an optional tail
    # after a complete word is greedy: the longest word wins.
    complete = len(words[lo]) == depth
    if complete:
        lo += 1
    branches = []
    while lo < hi:
        c = words[lo][depth]
        end = lo + 1
        while end < hi and words[end][depth] == c:
            end += 1
        # A run of one word is the rest of it (a chain of single branches).
        branches.append(re.escape(words[lo][depth:]) if end == lo + 1 else re.escape(c) + _trie_node(words, lo, end, depth + 1))
        lo = end
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if complete else body
