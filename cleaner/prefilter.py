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

The same reading of a pattern gives two more gates for the rules matched
at the start of a block: `required_starts`, the strings every match starts
with, and `longest_text`, the longest text a match ending at ``$`` can
span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache, reduce
from itertools import product
from operator import or_
from typing import Iterable

__all__ = ["WordIndex", "fold", "longest_text", "required_starts", "required_words"]

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


@dataclass(frozen=True)
class _Info:
    # Every string the node can match (folded), if they are few and made of
    # word characters (`_is_word_char`) only, else None.
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


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None, frozenset({""}), width=0)
_END = _Info(frozenset({""}), None, frozenset({""}), width=0, end=True)
_GRAPHEME = _Info(None, None, width=None)  # \X: a grapheme cluster, several characters


def _best(*candidates: Words | None) -> Words | None:
    """The most selective set of words: longest shortest word, then fewest words."""
    usable = [c for c in candidates if c and "" not in c]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))


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


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        # A multiline flag makes $ match before every newline, not only at
        # the end: then no match is known to end at the end.
        self.multiline = False

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
            return _Info(exact, None, exact, width=width)
        exact = atom.exact if low == high == 1 else None
        return _Info(exact, _required(atom), atom.starts, width=width, end=low == high == 1 and atom.end)

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
        return self.literal(c)

    @staticmethod
    def literal(c: str) -> _Info:
        if not _is_word_char(c):
            return _ANY
        word = frozenset({fold(c)})
        return _Info(word, word, word)

    def group(self) -> _Info:
        lookaround = None
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
                self.multiline |= "m" in self.p[self.i:end]
                self.i = end + 1
        inner = self.alternation()
        if self.take() != ")":
            raise _Unknown("unbalanced group")
        if lookaround == "=":
            # A lookaround matches no text, but what it looks at is in the line.
            return _Info(None, _required(inner), frozenset({""}), zero=True, width=0)
        if lookaround == "!":
            return _EMPTY
        return inner

    def char_set(self) -> _Info:
        """A set of a few plain characters (``[|•·]``) is their alternation;
        any other set (negated, a range, a class escape) is "some character"."""
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
        if not plain or len(words) > _MAX_SET or not all(map(_is_word_char, members)):
            return _ANY
        return _Info(words, words, words)

    def escape(self) -> _Info:
        c = self.take()
        if c in _PROPERTY_ESCAPES:
            self.property_name()
            return _ANY
        if c == "X":
            return _GRAPHEME
        if c in _CLASS_ESCAPES:
            return _ANY
        if c == "Z":
            return _END
        if c in _ZERO_WIDTH_ESCAPES:
            return _EMPTY
        if c in _ESCAPED_CONTROLS:
            return self.literal(_ESCAPED_CONTROLS[c])
        if c.isalnum() or c == "_":
            raise _Unknown(f"escape \\{c}")
        return self.literal(c)

    def property_name(self) -> None:
        if self.take() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise _Unknown("unclosed property")
            self.i = end + 1


@lru_cache(maxsize=None)
def _analyse(pattern: str) -> _Info | None:
    """What every match of `pattern` holds, or None for syntax not handled."""
    # (Remembered: the English and core rules are read again for every
    # language a Cleaner compiles.)
    parser = _Parser(pattern)
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
    a word in a text (folded by the caller, once for all its questions).  The words are compiled into a trie (``ab(?:c|
    d)?``) inside a lookahead, so that the scan tries every position and
    reports there the longest word that starts at it; the shorter words
    that start there are its prefixes, and their bits are added from a
    table.  An alternation of the words instead of the trie cost twenty
    times as much.
    """

    def __init__(self, sets: list[Words]) -> None:
        bits_of: dict[str, int] = {}
        for n, words in enumerate(sets):
            for word in words:
                bits_of[word] = bits_of.get(word, 0) | 1 << n
        # A word found means each of its prefixes that is a word was found too.
        self._bits = {
            word: reduce(or_, (bits_of.get(word[:k], 0) for k in range(1, len(word) + 1))) for word in bits_of
        }
        self._finder = re.compile(f"(?=({_trie(sorted(bits_of))}))") if bits_of else None

    def present(self, folded: str) -> int:
        """The bits of the sets that have a word in `folded` (a text already folded: `fold`)."""
        if self._finder is None:
            return 0
        bits = 0
        for word in set(self._finder.findall(folded)):
            bits |= self._bits[word]
        return bits

    def at_start(self, folded: str) -> int:
        """The bits of the sets that have a word at the start of `folded`
        (a text already folded): the longest one found there, and with it
        the sets of its prefixes."""
        m = None if self._finder is None else self._finder.match(folded)
        return 0 if m is None else self._bits[m[1]]

    def any_in(self, folded: str) -> bool:
        """Whether any set has a word in `folded` (a text already folded)."""
        return self._finder is not None and self._finder.search(folded) is not None


def _trie(words: list[str]) -> str:
    """A regex matching the longest of `words` (non-empty) at a position."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict[str, dict]) -> str:
    # Branches start with distinct characters, so at most one can go on; an
    # optional tail after a complete word is greedy: the longest word wins.
    branches = [re.escape(c) + _trie_node(child) for c, child in sorted(node.items()) if c]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body
