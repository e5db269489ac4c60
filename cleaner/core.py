"""The Cleaner: rules compiled once, one pipeline for every document.

    source ──► segment ──► blocks ──► classify ──► decide ──► assemble ──► Result
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import regex

from .assemble import assemble
from .blocks import Block
from .classify import classify
from .decide import FAVOR, decide
from .model import Result
from .ruleset import (
    CompiledRules, RulePack, builtin_packs, builtin_site_packs, check_unique, iter_rules, load_pack,
)
from .script import dominant_script, holds_han_or_kana, measure, script_language, script_share, stop_ratio
from .site import domain_candidates, host_of
from .decode import decode_html
from .segment_html import segment_html
from .segment_text import segment_text

# Language detection reads at most this much text: enough for a stable
# stopword profile (some 1,300 English words), and it keeps detection cheap,
# as its cost is a few scans of the sample.  On the 181 pages of the
# benchmark and their texts, 4,000 characters already gave every language
# that 20,000 did (2,000 changed three).
_DETECT_CHARS = 8_000
# Words, as `script.measure` counts them: 40 Chinese characters make 20.
_DETECT_MIN_TOKENS = 20
# Prose in a language has a quarter or more of its tokens in that
# language's stopword list; a foreign text shares far fewer by chance.
_DETECT_MIN_SHARE = 0.2
# The detected language's script must hold this share of the sample's
# letters (weighted as script.measure weighs them): half Chinese and half
# English is a mixed text, and gets no language.
_DETECT_MIN_SCRIPT_SHARE = 0.6
# Rules of this language apply after the page's own language's rules (and
# alone when no language is detected).
FALLBACK_LANGUAGE = "en"

# A long line, where prose is: 60 characters, or 20 Chinese or Japanese
# characters in a row (a line of 20 of them holds as much as 60 Latin ones).
_LONG_LINE_CHARS = 60
_DENSE_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]{20}")
# A character outside ASCII and the blocks of signs that hold no letter
# and belong to no script (General Punctuation, Latin-1's signs but ª, µ
# and º): a sample without one has ASCII letters for its only letters.
_NOT_PLAIN = re.compile(r"[^\x00-\x7f\u00a0-\u00a9\u00ab-\u00b4\u00b6-\u00b9\u00bb-\u00bf\u2000-\u206f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _prose_sample(text: str) -> str:
    """Up to _DETECT_CHARS of the text's long lines, where its prose is.

    A scraped page opens with menus and brand names that belong to no
    language; sampling the long lines skips them.
    """
    # str.splitlines runs in C; a regex scan for long lines cost ten times
    # as much.
    sample = _long_lines(text.splitlines())
    return text[:_DETECT_CHARS] if sample is None else sample


def _blocks_sample(blocks: list[Block]) -> str:
    """`_prose_sample` of the blocks' texts joined by line breaks, without
    joining them: the sample is usually full long before the last block.
    """
    sample = _long_lines(_block_lines(blocks))
    return "\n".join(b.text for b in blocks)[:_DETECT_CHARS] if sample is None else sample


def _block_lines(blocks: list[Block]) -> Iterator[str]:
    """The lines of the blocks' texts joined by line breaks, less some that
    `_long_lines` would pass over (the empty ones and short ASCII ones)."""
    for b in blocks:
        text = b.text
        # Neither long nor Chinese or Japanese, and no line of it can be.
        if len(text) < _LONG_LINE_CHARS and text.isascii():
            continue
        # A block may hold line breaks of its own (any that splitlines
        # knows); lines never run across blocks, as the join puts a line
        # break between them.
        yield from text.splitlines()


def _long_lines(lines: Iterable[str]) -> str | None:
    """Up to _DETECT_CHARS of the long lines, joined; None when they hold
    under 200 characters (too little to sample)."""
    parts, size = [], 0
    for line in lines:
        # A line of 20 Chinese or Japanese characters in a row holds as much
        # as 60 Latin ones: those are sought only where such characters
        # occur at all (str.isascii is a flag lookup, and holds_han_or_kana
        # clears most other lines with a stdlib scan).
        if len(line) >= _LONG_LINE_CHARS or (
            not line.isascii() and holds_han_or_kana(line) and _DENSE_RUN.search(line)
        ):
            parts.append(line)
            size += len(line)
            if size >= _DETECT_CHARS:
                break
    return " ".join(parts) if size >= 200 else None


@dataclass(frozen=True)
class Options:
    """What a Cleaner does beyond its rules.

    `language` forces the rule pack instead of detecting it.

    `favor` trades precision against recall:

    - "balanced" (the default): how hard unknown lines are judged follows
      the evidence of furniture on the page (see `decide.strictness`);
    - "recall": for text that another extractor already cut from its page
      (trafilatura, readability): only rules, trailer sections and teaser
      excerpts remove anything, and every line no rule knows is kept;
    - "precision": unknown short lines and lines that are not prose are
      dropped as on a page full of furniture, even where few rules fire.
      Clean articles lose more under it.
    """

    language: str | None = None
    favor: str = "balanced"

    def __post_init__(self) -> None:
        if self.favor not in FAVOR:
            raise ValueError(f"favor must be one of {', '.join(FAVOR)}, not {self.favor!r}")


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
        packs = (builtin_packs() + builtin_site_packs() if builtin else []) + user
        check_unique(packs)
        self.options = options or Options()
        self.packs = packs
        self._user = [p for p in user if p.site is None]
        self._builtin_shared = [p for p in packs if p.language is None and p.site is None and p not in user]
        # Stopwords come from the built-in language packs; a user pack with
        # a language adds its rules to that language.
        self._languages = {p.language: p for p in packs if p.language and p not in user}
        self._scripts = {code: dominant_script(" ".join(p.stopwords)) for code, p in self._languages.items()}
        # Which languages list each stopword, by their index in _languages.
        stop_index: dict[str, list[int]] = {}
        for k, pack in enumerate(self._languages.values()):
            for word in pack.stopwords:
                stop_index.setdefault(word, []).append(k)
        self._stop_index = {word: tuple(ks) for word, ks in stop_index.items()}
        # Site packs by domain (and alias): the user's before the built-in ones.
        self._sites: dict[str, list[RulePack]] = {}
        for p in [p for p in user if p.site] + [p for p in packs if p.site and p not in user]:
            for domain in p.site.domains:
                self._sites.setdefault(domain, []).append(p)
        self._n_user = len(user)
        self._compiled: dict[tuple[str | None, tuple[str, ...]], CompiledRules] = {}

    def _site_domains(self, url: str | None, guard: list[str]) -> tuple[str, ...]:
        """The domains with site packs that the page at `url` is on, most
        specific first (news.example.com before example.com).

        A URL without a host name applies no site rules; the Result's
        warnings say so.
        """
        if url is None:
            return ()
        if not isinstance(url, str):
            raise TypeError(f"url must be str, not {type(url).__name__}")
        try:
            host = host_of(url)
        except ValueError as exc:
            guard.append(f"url: {exc}; no site rules applied")
            return ()
        return tuple(d for d in domain_candidates(host) if d in self._sites)

    def site_packs(self, url: str) -> list[RulePack]:
        """The site packs that apply to the page at `url`, in priority order.

        Raises ValueError, saying why, when `url` names no host; `clean`
        and `clean_html` instead apply no site rules and add a warning.

        >>> [p.site.domain for p in Cleaner().site_packs("https://www.bbc.com/news/x")]
        ['bbc.co.uk']
        >>> Cleaner().site_packs("https://www.notbbc.com/news/x")
        []
        """
        packs: list[RulePack] = []
        for domain in domain_candidates(host_of(url)):
            packs += [p for p in self._sites.get(domain, ()) if p not in packs]
        return packs

    def _rules_for(self, language: str | None, sites: tuple[str, ...] = ()) -> CompiledRules:
        """The rules that apply to a document in `language` on the `sites`
        domains, compiled once per (language, sites).

        Order is priority (the first matching rule decides): the site's
        packs (most specific domain first, the user's before the built-in
        ones), the user's other packs, the language's pack, the English
        pack (theme and widget strings are often left untranslated), then
        the language-independent core.
        """
        key = (language, sites)
        if key not in self._compiled:
            packs: list[RulePack] = []
            for domain in sites:
                packs += [p for p in self._sites[domain] if p not in packs]
            packs += [p for p in self._user if p.language in (None, language)]
            if language in self._languages:
                packs.append(self._languages[language])
            if language != FALLBACK_LANGUAGE and FALLBACK_LANGUAGE in self._languages:
                # Themes and widgets ship in English and are often left
                # untranslated ("Share this:", "Leave a Reply" on a German
                # blog): the English phrases come after the page's own.
                packs.append(self._languages[FALLBACK_LANGUAGE])
            packs += self._builtin_shared
            self._compiled[key] = CompiledRules(iter_rules(packs))
        return self._compiled[key]

    def clear_memo(self) -> None:
        """Forget the rule answers remembered for short blocks.

        A Cleaner remembers which rule matched each short block it has seen
        (menus and footers repeat across a site's pages); benchmarks call
        this between passes so that a second pass costs what a first does.
        """
        for compiled in self._compiled.values():
            compiled.clear_memo()

    # Pickling carries the constructor's arguments only: the user's packs (as
    # loaded RulePacks, so a worker needs no copy of the files), the options
    # and whether the built-in packs are on.  The built-in packs, compiled
    # alternations and memo are rebuilt on the other side, so a Cleaner
    # ships to Dask/multiprocessing workers in a few hundred bytes instead
    # of hundreds of KB, and each worker compiles its rules once.
    def __getstate__(self) -> dict:
        # packs = built-in packs + user packs, so any extra pack is built-in.
        builtin = len(self.packs) > self._n_user
        return {"rules": tuple(self.packs[len(self.packs) - self._n_user:]), "options": self.options, "builtin": builtin}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["rules"], options=state["options"], builtin=state["builtin"])

    def _stopwords(self, language: str | None) -> frozenset[str]:
        pack = self._languages.get(language)
        return pack.stopwords if pack else frozenset()

    def detect_language(self, text: str) -> str | None:
        """The language whose stopwords cover most of `text`, else a guess
        from its script, else None.

        Stopwords are counted per word, and per character in Chinese and
        Japanese (`script.measure`).  When no pack's stopwords make up a
        plausible share, a script that one language writes alone gives
        that language ("ja" for kana, "ko", "th", "he", "el", …; "zh" for
        Chinese characters without a zh pack): see `script.script_language`.
        None when the sample is too short (under 20 words, or 40 Chinese
        characters), when the winning language's script holds less than
        60% of its letters (half Chinese and half English), or when
        neither test is met.
        """
        return self._detect(_prose_sample(text))

    def _detect(self, sample: str) -> str | None:
        """`detect_language` of the text that `sample` was drawn from."""
        m = measure(sample)
        if m.words < _DETECT_MIN_TOKENS:
            return None
        # Most English samples hold no letter but ASCII ones ("’", "—" and
        # "©" are no letters): the scans by script would find no script to
        # guess a language from, and every letter Latin.
        plain = _NOT_PLAIN.search(sample) is None
        guess = None if plain else script_language(sample)
        if guess is not None and guess not in self._languages:
            # Kana, Hangul, Thai, Hebrew…: no pack's stopwords can claim them.
            return guess
        # Each stopword of the sample credits every language that lists it:
        # one pass over the sample's stopwords instead of one per pack.
        stops = [0] * len(self._languages)
        for word, n in Counter(filter(self._stop_index.__contains__, m.tokens)).items():
            for k in self._stop_index[word]:
                stops[k] += n
        best, best_share = None, _DETECT_MIN_SHARE
        for code, n in zip(self._languages, stops):
            share = stop_ratio(n, m)
            if share > best_share:
                best, best_share = code, share
        if best is not None and self._scripts.get(best):
            script = self._scripts[best]
            if plain:
                # As script_share counts: all letters are Latin, none other.
                share = 1.0 if script == "Latin" and _ASCII_LETTER.search(sample) else 0.0
            else:
                share = script_share(sample, script)
            if share < _DETECT_MIN_SCRIPT_SHARE:
                return None  # mixed scripts: no language holds the text
        return best or guess

    def clean(self, text: str, *, language: str | None = None, url: str | None = None) -> Result:
        """Clean one plain-text article.

        `url`, the page's address, turns on the site packs of its domain
        (docs/rules.md, "Site rules"); a URL without a host name applies
        none and adds a warning to the Result.
        """
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}; decode bytes first")
        guard: list[str] = []
        sites = self._site_domains(url, guard)
        language = language or self.options.language or self.detect_language(text)
        return self._run(text, segment_text(text), language, guard=guard, sites=sites)

    def clean_html(self, html: str | bytes, *, language: str | None = None, url: str | None = None) -> Result:
        """Clean one HTML page, given as str or as bytes (the encoding is detected).

        Offsets index `Result.source`, the decoded page; `Result.encoding`
        names the encoding used for bytes.  `url` as for `clean`.
        """
        encoding = None
        guard: list[str] = []
        sites = self._site_domains(url, guard)
        if isinstance(html, (bytes, bytearray)):
            html, encoding, replaced = decode_html(bytes(html))
            if replaced:
                guard.append(f"decode: bytes that are not {encoding} were replaced by U+FFFD")
        elif not isinstance(html, str):
            raise TypeError(f"clean_html() takes str or bytes, not {type(html).__name__}")
        blocks, containers = segment_html(html)
        if language is None and self.options.language is None:
            language = self._detect(_blocks_sample(blocks))
        return self._run(html, blocks, language or self.options.language, encoding, guard, containers, sites)

    def _run(
        self, source: str, blocks: list[Block], language: str | None,
        encoding: str | None = None, guard: list[str] | None = None,
        containers: list | None = None, sites: tuple[str, ...] = (),
    ) -> Result:
        guard = [] if guard is None else guard
        classify(blocks, self._rules_for(language, sites), self._stopwords(language), guard)
        # Text input in a language without a pack has neither phrase rules
        # nor markup to show its menus; its layout has to (HTML has cues).
        phrase_rules = containers is not None or language is None or bool(self._stopwords(language))
        decide(blocks, guard, containers, favor=self.options.favor, phrase_rules=phrase_rules)
        return assemble(source, blocks, language=language, encoding=encoding, warnings=guard)

    def clean_many(self, texts: Iterable[str]) -> Iterable[Result]:
        for t in texts:
            yield self.clean(t)
