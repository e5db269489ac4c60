"""Scripts: how long a block is, how many words it holds and how it ends,
in every writing system.

cleaner's features were first written for scripts that put a space between
words and end sentences with ``.!?``.  Other writing systems break those
assumptions in two ways:

- **No spaces between words.**  Chinese and Japanese write a sentence as one
  unbroken run of characters, each worth a syllable or a morpheme; Thai and
  Lao (and often Khmer and Burmese) write words together and put a space
  only between phrases.  Counted with ``\\w+``, a 60-character Chinese
  paragraph is one "word" and 60 "characters" — a fragment, when it carries
  what 180 Latin characters would.
- **Their own punctuation.**  ``。！？`` in Chinese and Japanese, ``؟ ۔`` in
  Arabic-script languages, ``।`` in Hindi, ``။`` in Burmese, ``។`` in Khmer;
  Thai and Lao have no sentence mark at all.

The helpers below put every script on the scale of spaced Latin text, so
that the thresholds of `classify` mean the same everywhere:

- `measure` — a block's tokens (for stopword counting), its word count and
  its length in Latin-equivalent characters; `stop_ratio` — stopwords per
  word, with Chinese function characters counted as the words they are;
- `ends_sentence`, `has_sentence_mark`, `has_clause_mark`, `phrase_prose` —
  sentence punctuation of every script;
- `script_language` — a language guessed from the script alone, for the
  scripts that (nearly) one language uses; `dominant_script` and
  `script_share` — which script a text is written in, and how much of it.

They run on every block, so they avoid Python loops over characters: each
count is one pass of a compiled character class (`regex` module, Unicode
script properties), and pure-ASCII text takes a fast path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import regex

# --- character classes ---------------------------------------------------------

# Characters that each carry about a morpheme: Chinese characters (hanzi,
# kanji) and Japanese kana (plus the prolonged sound mark ー, script Common).
_DENSE_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}ー"
_KANA_CLASS = r"\p{Hiragana}\p{Katakana}ー"
# Alphabets and abugidas written without spaces between words (Thai, Lao,
# Khmer, Burmese): a character weighs what a Latin letter does, but a word
# is several characters and spaces fall only between phrases.
_RUNON_CLASS = r"\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"

_WORD = regex.compile(r"\w+")
# The same on ASCII text, where the two engines agree on \w; stdlib re finds
# the words of a short line in four fifths of the time.
_ASCII_WORD = re.compile(r"\w+")
# Faster still on ASCII text (what `measure` uses; `_ASCII_WORD` is its
# definition): each byte that \w matches lowercased, every other byte a
# space, so that `bytes.split` cuts the text into the words of
# `_ASCII_WORD.findall(text.lower())`.  A table lookup per byte and a split
# in C took 15 ms where the findall took 31 ms on the 181 benchmark pages'
# ASCII blocks (tests/test_script.py checks every ASCII text).
_ASCII_WORD_BYTES = bytes(
    ord(chr(c).lower()) if _ASCII_WORD.fullmatch(chr(c)) else ord(" ") for c in range(256)
)
# Runs of one class, for `_count`.
_HAN = regex.compile(r"\p{Han}+")
_KANA = regex.compile(f"[{_KANA_CLASS}]+")
_HANGUL = regex.compile(r"\p{Hangul}+")
_RUNON_RUN = regex.compile(f"[{_RUNON_CLASS}]+")
_UNSPACED = regex.compile(f"[{_DENSE_CLASS}{_RUNON_CLASS}\\p{{Hangul}}]")
# Tokens for stopword counting: each dense character alone (the stopwords of
# such a language are single characters: 的, 了, 是), a run-on phrase whole,
# every other word whole.
_TOKEN = regex.compile(f"[{_DENSE_CLASS}]|[{_RUNON_CLASS}]+|[^\\W{_DENSE_CLASS}{_RUNON_CLASS}]+")

# Where `measure` leaves its fast path: Arabic, or a script without spaces.
_SPECIAL = regex.compile(f"[\\p{{Arabic}}{_DENSE_CLASS}{_RUNON_CLASS}\\p{{Hangul}}]")
# Those characters all lie outside the blocks below (Latin to Hebrew, and
# the dashes and quotes of General Punctuation): a stdlib class finds the
# first candidate at a fraction of the cost of the script properties, which
# then only scan from there (tests/test_script.py checks every code point).
_MAYBE_SPECIAL = re.compile(r"[^\x00-\u05ff\u2000-\u206f]")
_HAN_OR_KANA = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")


def holds_han_or_kana(text: str) -> bool:
    """Whether `text` holds a Chinese character or kana.

    >>> holds_han_or_kana("Tokyo (東京)"), holds_han_or_kana("Zürich — «Ja»")
    (True, False)
    """
    # The stdlib scan clears most text; the script properties scan from
    # the first candidate on.
    maybe = _MAYBE_SPECIAL.search(text)
    return maybe is not None and _HAN_OR_KANA.search(text, maybe.start()) is not None

# Arabic writes its definite article ال joined to the noun, with the
# conjunctions و, ف and the prepositions ب, ك, ل before it (والـ, بالـ, للـ).
# Where English counts "the" as a stopword, the article is split off as a
# token of its own, so that Arabic prose reaches the stopword density of
# other languages.  Only before a stem of two letters or more, and not in
# the relative pronouns (التي, الذي, الذين), which are stopwords whole.
_ARABIC_TOKEN = regex.compile(
    r"(?:[وف]?[بكل]?ال|[وف]?لل)(?=\p{Arabic}{2})(?!(?:تي|تى|ذي|ذى|ذين|لذين|لتين|لتي|لذي|آن)\b)|\w+"
)

# How many Latin-text characters (letters and the space after a word) one
# character of a script is worth.  A Chinese word is 1.5–2 characters where
# an English one is 5–6 with its space; parallel news text runs about 3
# English characters per Chinese one.  Kana spell syllables, so Japanese
# needs more of them; a Hangul block is a syllable of two or three letters.
HAN_WEIGHT = 3
KANA_WEIGHT = 2
HANGUL_WEIGHT = 2
# Average characters per word where words are not separated: about two for
# Chinese and Japanese, about five for Thai and its neighbours (vowel and
# tone marks are characters of their own).
DENSE_CHARS_PER_WORD = 2
RUNON_CHARS_PER_WORD = 5


class Measure(NamedTuple):
    """What `measure` finds in a block of text."""

    tokens: list[str]  # lowercased words; each Chinese/Japanese character is one
    words: int  # the number of words, estimated where they are not separated
    length: int  # characters, weighted to what spaced Latin text would need


def _count(pattern: regex.Pattern[str], text: str) -> int:
    """The characters of `text` that `pattern`, a run of one class (``\\p{L}+``), matches."""
    # One C-level pass; no Python loop over the characters.  Matching runs
    # rather than single characters makes one step per word instead of one
    # per letter: three times faster on the language-detection sample.
    return len(text) - len(pattern.sub("", text))


# Language detection counts several classes over one long sample.  A class
# holds an ASCII character or not whatever surrounds it, so each count is
# split in two: the ASCII characters, counted by deleting the others from
# the bytes (`bytes.translate`, a table lookup per byte), and the rest,
# scanned by the class itself.  On Latin-script text the rest is a few
# quotes and accents, and a count costs a tenth of a scan of the sample.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=1)
def _split_ascii(text: str) -> tuple[bytes, str]:
    """The ASCII characters of `text` (as bytes) and the others, each in order.

    Detection asks about the same sample several times in a row: the last
    split is kept.
    """
    return text.encode("ascii", "ignore"), "".join(_NON_ASCII.findall(text))


@lru_cache(maxsize=None)
def _ascii_outside(pattern: regex.Pattern[str]) -> bytes:
    """The ASCII characters (as bytes) that `pattern`, a run of one class, does not match."""
    return bytes(c for c in range(128) if not pattern.match(chr(c)))


def _count_split(pattern: regex.Pattern[str], text: str) -> int:
    """`_count(pattern, text)` for a long text asked about repeatedly."""
    ascii_part, rest = _split_ascii(text)
    return len(ascii_part.translate(None, _ascii_outside(pattern))) + _count(pattern, rest)


def measure(text: str) -> Measure:
    """Tokens, word count and Latin-equivalent length of `text`.

    >>> m = measure("The council met on Tuesday.")
    >>> m.words, m.length
    (5, 27)
    >>> m = measure("杭州地铁三期工程全线开通运营。")   # 14 characters, one sentence
    >>> m.words, m.length, m.tokens[:3]
    (7, 43, ['杭', '州', '地'])
    >>> measure("ภาษาไทยไม่มีช่องว่างระหว่างคำ").words   # 29 characters, about six words
    6
    >>> measure("وقال المتحدث باسم الوزارة").tokens   # the article is a word, as "the" is
    ['وقال', 'ال', 'متحدث', 'باسم', 'ال', 'وزارة']
    """
    if text.isascii():
        tokens = text.encode().translate(_ASCII_WORD_BYTES).decode().split()
        return Measure(tokens, len(tokens), len(text))
    lower = text.lower()
    maybe = _MAYBE_SPECIAL.search(text)
    special = None if maybe is None else _SPECIAL.search(text, maybe.start())
    if special is None or not _UNSPACED.search(text, special.start()):
        # Cyrillic, Greek, Arabic, Hebrew, Devanagari, accented Latin: words
        # are separated, characters weigh what Latin ones do.  (One scan for
        # most blocks: only Arabic or unspaced text has a `special` character.)
        tokens = (_WORD if special is None else _ARABIC_TOKEN).findall(lower)
        return Measure(tokens, len(tokens), len(text))
    tokens = _TOKEN.findall(lower)
    han = _count(_HAN, text)
    kana = _count(_KANA, text)
    hangul = _count(_HANGUL, text)
    runs = _RUNON_RUN.findall(text) if _RUNON_RUN.search(text) else []
    runon = sum(map(len, runs))
    # Tokens that are separated words, then the estimated words of the rest.
    words = len(tokens) - han - kana - len(runs)
    words += round((han + kana) / DENSE_CHARS_PER_WORD + runon / RUNON_CHARS_PER_WORD)
    length = len(text) + (HAN_WEIGHT - 1) * han + (KANA_WEIGHT - 1) * kana + (HANGUL_WEIGHT - 1) * hangul
    return Measure(tokens, max(words, 1 if tokens else 0), length)


def stop_ratio(stops: int, m: Measure) -> float:
    """Stopwords per word: `stops` of the tokens of `m` are stopwords.

    In spaced scripts a token is a word, and this is the share of stopword
    tokens.  In Chinese a token is a character and a word is about two: the
    function characters (的, 了, 是, 在) are words of one character, so they
    are counted against the estimated words, not the characters — a fifth
    of the characters is two fifths of the words, the density of stopwords
    in English or German prose.  Capped at 1.

    >>> stop_ratio(2, measure("the cat sat on a mat"))
    0.3333333333333333
    >>> stop_ratio(2, measure("杭州的地铁开通了。"))   # 的 and 了: 2 of 8 characters, of 4 words
    0.5
    """
    if not m.words:
        return 0.0
    return min(1.0, stops / m.words)


def tokens(text: str) -> list[str]:
    """The lowercased tokens of `text` that stopwords are counted on.

    >>> tokens("Le 3 mai, 北京下雨了。")
    ['le', '3', 'mai', '北', '京', '下', '雨', '了']
    """
    return measure(text).tokens


# --- punctuation ---------------------------------------------------------------

# Marks that end a sentence: Latin, the ellipsis, Chinese and Japanese (full
# stop, full-width and half-width forms), Arabic and Urdu (؟ ۔), Devanagari
# and Bengali (। ॥), Burmese (။), Khmer (។ ៕), Ethiopic (። ፧), Armenian (։ ՞),
# Tibetan (།), and the doubled marks ‼ ⁇ ⁈ ⁉.
TERMINAL = frozenset(".!?…。｡．！？؟۔।॥။។៕።፧։՞།‼⁇⁈⁉")
# What may follow the mark: closing quotes and brackets of every script
# (「」 and 『』 are the Chinese and Japanese quotes, 《》 title marks), and the
# asterisk of a footnote.
CLOSERS = frozenset("\"'”’»›)]*」』）】》〉〕］")
# A sentence mark inside a block.  Where words are spaced a mark counts
# before a space (or the end), so "3.5" or "U.S" do not; the full-width
# marks of Chinese and Japanese need no space after them.
_SENTENCE_MARK = regex.compile(
    r"[.!?…؟۔।॥။។៕።፧։‼⁇⁈⁉][\"'”’»›)\]」』）】》]*(?:\s|$)|[。｡．！？]"
)
# Marks between clauses: Latin, Arabic (، ؛), Chinese and Japanese (， 、 ；
# ：), Burmese (၊).
_CLAUSE_MARK = regex.compile(r"[,;،؛，、；၊]")
# A phrase of run-on script (Thai, Lao): this many characters between two
# spaces on average reads as running text, not as a row of menu items.
RUNON_PHRASE_CHARS = 15


def ends_sentence(text: str) -> bool:
    """Whether `text` ends like a sentence (closing quotes and brackets aside).

    >>> ends_sentence('He left. "Never again."'), ends_sentence("Read More")
    (True, False)
    >>> ends_sentence("他说：“我们会继续努力。”"), ends_sentence("هل ينجح الاتفاق؟"), ends_sentence("相关阅读")
    (True, True, False)
    """
    i = len(text) - 1
    while i >= 0 and text[i] in CLOSERS:
        i -= 1
    return i >= 0 and text[i] in TERMINAL


def has_sentence_mark(text: str) -> bool:
    """Whether `text` holds a sentence end anywhere (see `_SENTENCE_MARK`).

    >>> has_sentence_mark("大雨持续。明天转晴"), has_sentence_mark("Version 3.5 released")
    (True, False)
    """
    return _SENTENCE_MARK.search(text) is not None


def has_clause_mark(text: str) -> bool:
    """Whether `text` holds a comma or semicolon of any script.

    >>> has_clause_mark("首页、新闻"), has_clause_mark("قال الوزير، إن"), has_clause_mark("Home News")
    (True, True, False)
    """
    return _CLAUSE_MARK.search(text) is not None


def phrase_prose(text: str) -> bool:
    """Whether a block in a run-on script (Thai, Lao) reads as running text.

    These scripts have no sentence mark: a space ends a phrase or a
    sentence.  Running text has long phrases between its spaces; a menu
    or a tag row has short items.  False for blocks in other scripts.

    >>> phrase_prose("นายกรัฐมนตรีเดินทางไปเยือนจังหวัดเชียงใหม่เมื่อวันจันทร์ เพื่อติดตามสถานการณ์น้ำท่วมในพื้นที่")
    True
    >>> phrase_prose("หน้าแรก ข่าว กีฬา บันเทิง เศรษฐกิจ")
    False
    """
    if text.isascii():
        return False
    runs = _RUNON_RUN.findall(text)
    runon = sum(map(len, runs))
    if runon * 2 < len(text):
        return False
    return runon >= len(runs) * RUNON_PHRASE_CHARS


# --- language from the script ------------------------------------------------------

# Scripts that one language writes (nearly) alone.  Latin, Cyrillic, Arabic
# and Devanagari serve many languages: for them only a rule pack's
# stopwords can tell, and no guess is made.
_SCRIPT_LANGUAGE = {
    "Hangul": "ko", "Thai": "th", "Lao": "lo", "Khmer": "km", "Myanmar": "my",
    "Hebrew": "he", "Greek": "el", "Georgian": "ka", "Armenian": "hy",
}
_SCRIPT_PATTERNS = {name: regex.compile(rf"\p{{{name}}}+") for name in _SCRIPT_LANGUAGE}
_ONE_LANGUAGE_SCRIPTS = regex.compile("[" + "".join(rf"\p{{{name}}}" for name in _SCRIPT_LANGUAGE) + "]+")
_LETTER = regex.compile(r"\p{L}+")
# A guess needs this many letters, and the script this share of them: a
# Greek quotation in an English article is no Greek article.
SCRIPT_MIN_LETTERS = 40
SCRIPT_MIN_SHARE = 0.6
# Japanese writes kana between its kanji (particles, endings): a third or
# more of its CJK characters; Chinese has none.
KANA_MIN_SHARE = 0.1


# Scripts that rule packs are written in, for `dominant_script`.
_PACK_SCRIPTS = (
    "Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Han", "Hangul", "Thai", "Devanagari",
    "Bengali", "Georgian", "Armenian", "Ethiopic", "Tamil", "Hiragana", "Katakana",
)
_SCRIPT_CLASS = {name: regex.compile(rf"\p{{{name}}}+") for name in _PACK_SCRIPTS}


@lru_cache(maxsize=1)
def _letter_counts(text: str) -> tuple[int, int, int, int]:
    """Letters, Chinese characters, kana and Hangul in `text`.

    Language detection asks `script_language` and then `script_share`
    about the same sample: the counts are kept for it.
    """
    return (
        _count_split(_LETTER, text), _count_split(_HAN, text),
        _count_split(_KANA, text), _count_split(_HANGUL, text),
    )


def _weighted_letters(text: str) -> int:
    # Letters on the Latin scale: a Chinese character counts three, kana
    # and Hangul two (the weights of `measure`).
    letters, han, kana, hangul = _letter_counts(text)
    return letters + (HAN_WEIGHT - 1) * han + (KANA_WEIGHT - 1) * kana + (HANGUL_WEIGHT - 1) * hangul


def dominant_script(text: str) -> str | None:
    """The Unicode script that most letters of `text` are written in, or None.

    >>> dominant_script("the, of, and"), dominant_script("и, в, не"), dominant_script("的 了 是")
    ('Latin', 'Cyrillic', 'Han')
    """
    counts = {name: _count(pattern, text) for name, pattern in _SCRIPT_CLASS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else None


def script_share(text: str, script: str) -> float:
    """The share of the letters of `text` written in `script`, weighted as
    `measure` weighs them (a Chinese character counts three Latin letters).

    >>> round(script_share("Hello 你好", "Han"), 2)
    0.55
    """
    total = _weighted_letters(text)
    if not total:
        return 0.0
    pattern = _SCRIPT_CLASS.get(script) or regex.compile(rf"\p{{{script}}}+")
    own = _count_split(pattern, text)
    weight = {"Han": HAN_WEIGHT, "Hiragana": KANA_WEIGHT, "Katakana": KANA_WEIGHT, "Hangul": HANGUL_WEIGHT}.get(script, 1)
    return min(1.0, own * weight / total)


def script_language(text: str) -> str | None:
    """A language guessed from the script of `text`, or None.

    "zh" for Chinese characters without kana, "ja" with kana, and one code
    for each script that a single language writes (see `_SCRIPT_LANGUAGE`).
    None for short text, for text mixing scripts, and for scripts shared by
    many languages (Latin, Cyrillic, Arabic, Devanagari).

    >>> script_language("据杭州地铁集团介绍，三期工程共包括七条线路，总长度约一百六十公里，设站九十余座。建设过程中克服了多项技术难题。")
    'zh'
    >>> script_language("東京都は十日、新しい条例を発表した。市民の生活に大きな影響があると見られている。関係者によると来年から施行される。")
    'ja'
    >>> script_language("Россия и Казахстан подписали соглашение о сотрудничестве в области энергетики и транспорта.") is None
    True
    """
    if text.isascii():
        return None
    letters, han, kana, _ = _letter_counts(text)
    if letters < SCRIPT_MIN_LETTERS:
        return None
    if han + kana >= SCRIPT_MIN_SHARE * letters:
        return "ja" if kana >= KANA_MIN_SHARE * (han + kana) else "zh"
    if _count_split(_ONE_LANGUAGE_SCRIPTS, text) < SCRIPT_MIN_SHARE * letters:
        return None  # one scan, where most text has none of them, instead of one per script
    for name, pattern in _SCRIPT_PATTERNS.items():
        if _count_split(pattern, text) >= SCRIPT_MIN_SHARE * letters:
            return _SCRIPT_LANGUAGE[name]
    return None
