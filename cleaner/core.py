"""The Cleaner: rules compiled once, one pipeline for every document.

    source ──► segment ──► blocks ──► classify ──► decide ──► assemble ──► Result
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import regex

from .assemble import assemble
from .blocks import Block
from .classify import classify
from .decide import decide
from .model import Result
from .ruleset import CompiledRules, RulePack, builtin_packs, check_unique, iter_rules, load_pack
from .decode import decode_html
from .segment_html import segment_html
from .segment_text import segment_text

# Language detection reads at most this much text: enough for a stable
# stopword profile, and it keeps detection cheap on huge inputs.
_DETECT_CHARS = 20_000
_DETECT_MIN_TOKENS = 20
# Prose in a language has a quarter or more of its tokens in that
# language's stopword list; a foreign text shares far fewer by chance.
_DETECT_MIN_SHARE = 0.2
_WORD = regex.compile(r"\w+")


_LONG_LINE = regex.compile(r"[^\r\n]{60,}")


def _prose_sample(text: str) -> str:
    """Up to _DETECT_CHARS of the text's long lines, where its prose is.

    A scraped page opens with menus and brand names that belong to no
    language; sampling the long lines skips them.
    """
    parts, size = [], 0
    for m in _LONG_LINE.finditer(text):
        parts.append(m.group())
        size += len(parts[-1])
        if size >= _DETECT_CHARS:
            break
    return " ".join(parts) if size >= 200 else text[:_DETECT_CHARS]


@dataclass(frozen=True)
class Options:
    """What a Cleaner does beyond its rules.

    `language` forces the rule pack instead of detecting it.
    """

    language: str | None = None


class Cleaner:
    """Compiles the rule packs once; clean many documents with it.

    >>> c = Cleaner()
    >>> r = c.clean("Home\\nNews\\n\\n" + "The council met on Tuesday and agreed the budget for next year. " * 3)
    >>> r.text.startswith("The council met")
    True
    >>> [(x.text, x.category.value) for x in r.removed]
    [('Home', 'navigation'), ('News', 'navigation')]
    """

    def __init__(
        self,
        rules: Sequence[str | Path | RulePack] = (),
        *,
        options: Options | None = None,
        builtin: bool = True,
    ) -> None:
        user = [r if isinstance(r, RulePack) else load_pack(r) for r in rules]
        packs = (builtin_packs() if builtin else []) + user
        check_unique(packs)
        self.options = options or Options()
        self.packs = packs
        self._user = user
        self._builtin_shared = [p for p in packs if p.language is None and p not in user]
        # Stopwords come from the built-in language packs; a user pack with
        # a language adds its rules to that language.
        self._languages = {p.language: p for p in packs if p.language and p not in user}
        self._compiled: dict[str | None, CompiledRules] = {}

    def _rules_for(self, language: str | None) -> CompiledRules:
        """The rules that apply to a document in `language`, compiled once.

        Order is priority (the first matching rule decides): the user's
        packs, then the language's pack, then the language-independent core.
        """
        if language not in self._compiled:
            packs = [p for p in self._user if p.language in (None, language)]
            if language in self._languages:
                packs.append(self._languages[language])
            packs += self._builtin_shared
            self._compiled[language] = CompiledRules(iter_rules(packs))
        return self._compiled[language]

    def clear_memo(self) -> None:
        """Forget the rule answers remembered for short blocks.

        A Cleaner remembers which rule matched each short block it has seen
        (menus and footers repeat across a site's pages); benchmarks call
        this between passes so that a second pass costs what a first does.
        """
        for compiled in self._compiled.values():
            compiled.clear_memo()

    def _stopwords(self, language: str | None) -> frozenset[str]:
        pack = self._languages.get(language)
        return pack.stopwords if pack else frozenset()

    def detect_language(self, text: str) -> str | None:
        """The language whose stopwords cover most of `text`, or None.

        None when the sample is too short or no pack's stopwords make up a
        plausible share of it.
        """
        tokens = _WORD.findall(_prose_sample(text).lower())
        if len(tokens) < _DETECT_MIN_TOKENS:
            return None
        counts = Counter(tokens)
        best, best_share = None, _DETECT_MIN_SHARE
        for code, pack in self._languages.items():
            share = sum(counts[w] for w in pack.stopwords.intersection(counts)) / len(tokens)
            if share > best_share:
                best, best_share = code, share
        return best

    def clean(self, text: str, *, language: str | None = None) -> Result:
        """Clean one plain-text article."""
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}; decode bytes first")
        language = language or self.options.language or self.detect_language(text)
        return self._run(text, segment_text(text), language)

    def clean_html(self, html: str | bytes, *, language: str | None = None) -> Result:
        """Clean one HTML page, given as str or as bytes (the encoding is detected).

        Offsets index `Result.source`, the decoded page; `Result.encoding`
        names the encoding used for bytes.
        """
        encoding = None
        guard: list[str] = []
        if isinstance(html, (bytes, bytearray)):
            html, encoding, replaced = decode_html(bytes(html))
            if replaced:
                guard.append(f"decode: bytes that are not {encoding} were replaced by U+FFFD")
        elif not isinstance(html, str):
            raise TypeError(f"clean_html() takes str or bytes, not {type(html).__name__}")
        blocks, containers = segment_html(html)
        if language is None and self.options.language is None:
            language = self.detect_language("\n".join(b.text for b in blocks))
        return self._run(html, blocks, language or self.options.language, encoding, guard, containers)

    def _run(
        self, source: str, blocks: list[Block], language: str | None,
        encoding: str | None = None, guard: list[str] | None = None,
        containers: list | None = None,
    ) -> Result:
        guard = [] if guard is None else guard
        classify(blocks, self._rules_for(language), self._stopwords(language), guard)
        decide(blocks, guard, containers)
        return assemble(source, blocks, language=language, encoding=encoding, warnings=guard)

    def clean_many(self, texts: Iterable[str]) -> Iterable[Result]:
        for t in texts:
            yield self.clean(t)
