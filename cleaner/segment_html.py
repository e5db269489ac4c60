"""The HTML front end: cut an HTML page into blocks with exact source offsets.

A small linear scanner instead of a parser, because a parser's tree forgets
where each character came from.  The scanner walks the source once:

- markup it skips: tags, comments, CDATA, doctypes (their internal DTD
  subset included: entities declared there are never expanded), processing
  instructions, and the contents of script, style, template, noscript,
  svg, math, iframe, object and the like;
- text it keeps: character data, with HTML entities decoded (named,
  numeric, with or without semicolon) and runs of whitespace collapsed;
- boundaries: block-level tags, <br>, and skipped markup end the current
  block, so every block is one run of visible text whose characters all
  lie between its first and last character in the source.

Each block records, for every character of its text, where in the source it
came from (as runs, so memory stays proportional to the markup, not the
text), and DOM cues: its tag, the tags and class/id tokens of the elements
around it, and how much of its text sits inside links.  The <title> becomes
the first block, as the page's text would show it, so that the headline can
be found by its repetition.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from .blocks import Block

# Elements whose start or end ends the current block.
BLOCK_TAGS = frozenset("""
    address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup
    hr html legend li link main menu meta nav ol optgroup option p pre section summary table
    tbody td tfoot th thead title tr ul button select label input textarea
""".split())
# Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset("""
    script style template noscript svg math iframe object embed canvas audio video map
    textarea select datalist
""".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Opening one of these closes an open element of the same kind (HTML's
# implied end tags), so that unclosed <p> and <li> do not nest forever.
SELF_CLOSING_SIBLINGS = {
    "p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"},
}
# Elements that group paragraphs: the article's body is one of them.
CONTAINER_TAGS = frozenset("div article section main td th body form aside header footer nav".split())
# Tags that carry a meaning of their own for the decision.
CUE_TAGS = frozenset("nav aside footer form header article main figure figcaption".split())

_END_TAG = r"""</([A-Za-z][^\s/>]*)[^>]*>?"""
# An attribute's "=" with a quoted value, or a bare "=" before an unquoted one.
_ATTR_VALUE = r"""=\s{0,100}"[^"]{0,4000}"|=\s{0,100}'[^']{0,4000}'|=(?!\s{0,100}["'])"""
_MARKUP = re.compile(
    r"""<!--.*?(?:-->|\Z)"""                      # comment (an unterminated one runs to the end)
    r"""|<!\[CDATA\[.*?(?:\]\]>|\Z)"""             # CDATA: not text in HTML
    r"""|<!(?:[^\[>]|\[[^\]]{0,100000}\])*>?"""    # doctype / declaration, with an internal subset
    r"""|<\?[^>]*>?"""                             # processing instruction
    r"""|""" + _END_TAG +                          # end tag
    # Start tag; quoted values may hold ">".  A quote opens a value only
    # right after "=" (as in HTML): in `<img alt=it's>` the "'" is part of the
    # unquoted value, and the tag ends at the ">" (before this, the "'" was
    # taken to open a value that ran to the next "'", and the visible text
    # between was lost: `<p>a<img alt=it's>Don't do it.</p>` read "a").  The
    # branches start with different characters, so nothing backtracks.  The
    # attributes start with a space or "/", so that the name cannot give
    # characters back to them: when the name and the attributes could both
    # take "a<a<a", a failed match tried every split (`"<a" * 2000 + ' x="'`
    # followed by no quote took minutes); the name is bounded for the same
    # reason ("<a<a<a..." with no ">" rescanned the rest at every "<").
    r"""|<([A-Za-z][^\s/>]{0,200})((?:[\s/](?:[^=>]|""" + _ATTR_VALUE + r"""){0,4000})?)>""",
    re.S,
)
# The tags of almost every page, matched as _MARKUP would match them but
# faster: _MARKUP takes a start tag's attributes a character at a time (it
# counts them, to stay bounded), which took half its time.  This takes
# runs of characters instead.  It leaves to _MARKUP every tag it cannot
# read the same way: one with a quote that does not follow "=", a "<"
# inside, or more than PLAIN_TAG_MAX characters (past _MARKUP's count).
# A "=" starts every repetition and the runs hold none, so a failed match
# gives back nothing twice; the "<" excluded from the runs stops it at the
# next tag.  A tag it leaves to _MARKUP is read twice, still in linear time.
# Since a ">" can only follow the longest name and the longest runs, the
# quantifiers are possessive: they give back nothing, and the engine keeps
# no state to try that (a tenth of the time it took to read a page's tags).
_PLAIN_TAG = re.compile(
    _END_TAG + r"""|<([A-Za-z][^\s/>]{0,200}+)((?:[\s/][^=>"'<]*+(?:(?:""" + _ATTR_VALUE + r""")[^=>"'<]*+)*+)?)>""")
PLAIN_TAG_MAX = 4000
# A start tag past _MARKUP's bounds: a data: URI in a src, a <meta content>
# of 5,000 characters.  _MARKUP's bounds keep a failed match cheap, but a
# longer tag then read as visible text, markup and all (10 of the 181
# ScrapingHub benchmark pages: `<img src="data:image/svg+xml;base64,...">`
# came out as text).  This unbounded pattern is tried only where _MARKUP
# fails, and after its first failure no more on that page, so that a page
# of unterminated tags still costs linear time.
_LONG_START_TAG = re.compile(
    r"""<([A-Za-z][^\s/>]{0,200})((?:[\s/](?:[^=>]|=\s*"[^"]*"|=\s*'[^']*'|=(?!\s*["']))*)?)>""")
# A _PLAIN_TAG or a comment with the whitespace before it (the layout
# between tags), or a run of text; a "<" that it cannot read is left to
# _MARKUP.  Text and tags in one pattern make one match per token, and
# most whitespace none.  Comments are common enough to be read here too.
_TOKEN = re.compile(r"(\s*)(?:" + _PLAIN_TAG.pattern + r"|<!--(?s:.*?)(?:-->|\Z))|([^<]+)|<")
# _TOKEN for the source after its last ">", where no start tag can end, with
# the same groups: trying one at each "<" there cost up to 200 steps
# (`"<a" * 40000` took 7 times as long).
_TAIL_TOKEN = re.compile(r"(\s*)(?:" + _END_TAG + r"|(?!)(.)(.))|([^<]+)|<")
# An attribute and its value in one of three forms.  The name is captured
# only when it may give a cue (a whole run of name characters that is one
# of _cues_of's names in some case), so that the others cost no Python.
# ASCII letters only: "ſtyle" is no "style" (a (?i) pattern took it, and
# the test of name.lower() turned it down), and classes of two letters
# match faster than (?i), which lower-cases each character it compares.
_CUE_NAMES = ("class", "id", "role", "itemprop", "hidden", "style")
_ATTR = re.compile(
    "(?:(" + "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in _CUE_NAMES) + ")"
    r"""(?![^\s"'=/>])|[^\s"'=/>]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
# Numeric references take all their digits, as HTML does (and html.unescape):
# `&#00000000065;` is "A".  A bound on the digits ({1,7}) cut it into
# "\ufffd" + "0065;".
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_WIDE_SPACE = re.compile(r"\s{2,}")
END_TAG_REACH = 64
# The cue of an element hidden by its `hidden` attribute or inline style.
HIDDEN_CUE = "@hidden"
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
MAX_CUES = 64  # cue strings inherited at most; pathological nesting stays linear
_RAW_END = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in INVISIBLE_TAGS | {"title"}}
# What a start tag does, by its name in lower case (_INLINE for the rest).
_SKIP = 0  # its content is skipped to its end tag (INVISIBLE_TAGS, and the <title>, read apart)
_BREAK = 1  # <br>: ends the block, not the paragraph
_BLOCK_VOID = 2  # ends the block (and an open <p>, for <hr>) and opens no element
_BLOCK = 3  # ends the block and opens an element that starts the next one
_CONTAINER = 4  # a _BLOCK that groups paragraphs (CONTAINER_TAGS)
_VOID = 5  # an inline element without content (<img>): nothing to open
_LINK = 6  # <a>: its text counts as linked
_INLINE = 7
_START_ACTION = {
    **{tag: _VOID for tag in VOID_TAGS}, **{tag: _BLOCK for tag in BLOCK_TAGS},
    **{tag: _CONTAINER for tag in CONTAINER_TAGS}, **{tag: _BLOCK_VOID for tag in BLOCK_TAGS & VOID_TAGS},
    **{tag: _SKIP for tag in INVISIBLE_TAGS - VOID_TAGS}, "title": _SKIP, "br": _BREAK, "a": _LINK,
}
# End tags that end the current block.
_ENDS_BLOCK = BLOCK_TAGS | {"br"}
# The open element that a block-level start tag closes: a sibling
# (SELF_CLOSING_SIBLINGS), or a <p>, which a <p>, <div>, <li> or <h…> ends.
_IMPLIED_END = {
    tag: SELF_CLOSING_SIBLINGS.get(tag, set()) | ({"p"} if tag in ("p", "div", "li") or tag.startswith("h") else set())
    for tag in BLOCK_TAGS
}
# The cue of a tag in CUE_TAGS, made once.
_TAG_CUE = {tag: frozenset({tag}) for tag in CUE_TAGS}
# The groups of _TOKEN (and _TAIL_TOKEN).  m.lastindex, the last group to
# match, tells a token's kind: _TEXT, _END_NAME (an end tag), _ATTRS (a
# start tag) or _SPACE (a comment); None for a "<" that _TOKEN leaves to
# the slower patterns.
_SPACE, _END_NAME, _START_NAME, _ATTRS, _TEXT = 1, 2, 3, 4, 5


def decode_entity(entity: str) -> str:
    """The text of one entity, as a browser reads it; unknown ones stay as written.

    >>> decode_entity("&amp;"), decode_entity("&amp"), decode_entity("&#8217;"), decode_entity("&bogus;")
    ('&', '&', '’', '&bogus;')
    >>> decode_entity("&#00000000065;"), decode_entity("&#" + "9" * 5000 + ";")
    ('A', '\ufffd')
    """
    if entity.startswith("&#"):
        digits = entity[3:] if entity[2:3] in ("x", "X") else entity[2:]
        if len(digits.rstrip(";").lstrip("0")) > 8:
            # Past U+10FFFF however it is written, which HTML reads as
            # U+FFFD; html.unescape would raise on 4,300+ decimal digits.
            return "\ufffd"
    return html.unescape(entity)


@dataclass(slots=True, eq=False)
class _Frame:
    """What the text inside an open element inherits from it and its ancestors."""

    block_tag: str  # the nearest block-level element's tag, itself included
    in_link: bool
    container: int  # the nearest enclosing container (see CONTAINER_TAGS), itself included
    # Its cues: tags in CUE_TAGS and class/id strings, inherited.  They are
    # read from the element's tag and attributes, and the parent frame's
    # cues, when a block first needs them (segment_html's cues_in), not at
    # every start tag: reading all the attributes took a quarter of the
    # scan, and a quarter of the elements hold no text.
    parent: _Frame | None
    tag: str
    attrs: str
    cues: frozenset[str] | None = None  # None until read


@dataclass(slots=True)
class TextMap:
    """Where each character of a block's text came from in the source.

    Runs of (text offset, source offset, step): step 1 for text copied
    from the source (a lone whitespace character, read as a space, is
    copied too), 0 for characters that an entity or a run of two or more
    whitespace characters produced (they all map to its first source
    character).
    """

    out: list[int] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    step: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # source offset after each run's last character

    def source_start(self, i: int) -> int:
        k = bisect_right(self.out, i) - 1
        return self.src[k] + (i - self.out[k]) * self.step[k]

    def source_end(self, i: int) -> int:
        """The source offset just after text character i - 1 (i is exclusive)."""
        k = bisect_right(self.out, i - 1) - 1
        if self.step[k]:
            return self.src[k] + (i - self.out[k])
        return self.ends[k]


class _Builder:
    """Accumulates one block's text and its map, then emits the Block."""

    # Slots: the scanner reads and writes these once or more per token.
    __slots__ = ("blocks", "para", "parts", "length", "out", "src", "step", "ends", "linked", "space_pending", "frame",
                 "cues_in")

    def __init__(self, cues_in: Callable[[_Frame], frozenset[str]]) -> None:
        self.cues_in = cues_in  # the cues of a frame
        self.blocks: list[Block] = []
        self.para = 0
        self._reset()

    def _reset(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        # The TextMap's lists, made into one at the flush.
        self.out: list[int] = []
        self.src: list[int] = []
        self.step: list[int] = []
        self.ends: list[int] = []
        self.linked = 0
        self.space_pending: tuple[int, int] | None = None
        self.frame: _Frame | None = None

    def add(self, text: str, start: int, frame: _Frame) -> None:
        """Add the raw character data source[start:start+len(text)]."""
        if "&" not in text:
            self.add_plain(text, start, frame)
            return
        # An entity holds no whitespace, so cutting the text at entities
        # first and at whitespace second cuts it as a browser does.
        pos = 0
        for m in _ENTITY.finditer(text):
            self.add_plain(text[pos:m.start()], start + pos, frame)
            decoded = decode_entity(m.group())
            if decoded.isspace():
                if self.length:
                    self.space_pending = (start + m.start(), start + m.end())
            elif decoded:  # html.unescape drops a few control characters ("&#1;")
                self._emit(decoded, start + m.start(), 0, start + m.end(), frame)
            pos = m.end()
        self.add_plain(text[pos:], start + pos, frame)

    def add_plain(self, text: str, start: int, frame: _Frame) -> None:
        """Add character data without entities, collapsing its whitespace.

        A whitespace character that stands alone maps to itself, so a
        stretch of text with no longer run of whitespace is one run of the
        map however many words it holds (a run per word made this the
        segmenter's biggest cost).  str.strip and str.split cut at the
        characters that \\s matches.
        """
        body = text.strip()
        if not body:
            if text and self.length:
                self.space_pending = (start, start + len(text))
            return
        end = start + len(text)
        if len(body) == len(text):  # most text runs: no whitespace around them
            first = start
            last = end
        else:
            first = end - len(text.lstrip())
            last = first + len(body)
            if first > start and self.length:
                self.space_pending = (start, first)
        if "  " not in body and body.isprintable():
            # No whitespace but single spaces (str.isprintable turns down
            # every other whitespace character): nothing to collapse.
            self._emit(body, first, 1, last, frame)
        elif len(collapsed := " ".join(body.split())) == len(body):
            self._emit(collapsed, first, 1, last, frame)
        else:
            # A longer run of whitespace becomes one space that maps to all of it.
            pos = 0
            for m in _WIDE_SPACE.finditer(body):
                self._emit(" ".join(body[pos:m.start()].split()), first + pos, 1, first + m.start(), frame)
                self.space_pending = (first + m.start(), first + m.end())
                pos = m.end()
            self._emit(" ".join(body[pos:].split()), first + pos, 1, last, frame)
        if last < end:
            self.space_pending = (last, end)

    def _emit(self, text: str, src: int, step: int, end: int, frame: _Frame) -> None:
        """Append the text that source[src:end] reads as: a copy (step 1) or an entity's text (step 0)."""
        length = self.length
        if self.space_pending:
            # The space between two words maps to the whitespace that made it.
            space_start, space_end = self.space_pending
            self.space_pending = None
            self.out.append(length)
            self.src.append(space_start)
            self.step.append(0)
            self.ends.append(space_end)
            self.parts.append(" ")
            length += 1
            if frame.in_link:
                self.linked += 1
        elif self.frame is None:  # the block's first text
            self.frame = frame
        self.out.append(length)
        self.src.append(src)
        self.step.append(step)
        self.ends.append(end)
        self.parts.append(text)
        self.length = length + len(text)
        if frame.in_link:
            self.linked += len(text)

    def flush(self, new_paragraph: bool = True) -> None:
        if not self.length:  # most tags end no block: nothing to reset
            return
        frame = self.frame
        # Block's first fields by position, not by name: with its twenty
        # fields, keywords took twice as long.  The last run ends the block:
        # ends[-1] is TextMap.source_end(length).
        self.blocks.append(Block(
            self.src[0], self.ends[-1], "".join(self.parts), self.para,  # start, end, text, para
            frame.block_tag, self.linked / self.length, self.cues_in(frame),  # tag, link_density, cues
            TextMap(self.out, self.src, self.step, self.ends), frame.container,  # textmap, container
        ))
        if new_paragraph:
            self.para += 1
        self._reset()


_NO_CUES: frozenset[str] = frozenset()
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _cues_of(attrs: str) -> frozenset[str]:
    """The cues that a start tag's attributes give (its tag may give one more)."""
    cues = []
    for name, double_quoted, single_quoted, bare in _ATTR.findall(attrs):
        if not name:  # not a name that gives a cue
            continue
        name = name.lower()
        value = double_quoted or single_quoted or bare  # the one form the value took
        if name == "hidden" or name == "style":
            if name == "hidden" or _HIDING_STYLE.search(value):
                # Text a browser does not show (schema.org copies of the
                # headline, collapsed menus): a cue no class value can spell.
                cues.append(HIDDEN_CUE)
        elif value:  # class, id, role, itemprop
            if "&" in value:
                value = html.unescape(value)
            cue = value.lower()
            if cue != value:
                # "newsCaption" is "news-caption": cue tokens match whole
                # words, and camelCase joins them.  (A value that lower()
                # leaves as it is has no capital.)
                cue = _CAMEL_BOUNDARY.sub("-", value).lower()
            cues.append(cue)
    return frozenset(cues) if cues else _NO_CUES


def _letter_at(source: str, i: int) -> bool:
    """Whether source[i] is an ASCII letter, as after the "<" of a start tag."""
    c = source[i:i + 1]
    return c.isascii() and c.isalpha()


@dataclass(slots=True)
class Container:
    """An element that groups paragraphs, as a source range."""

    start: int
    end: int
    parent: int  # index of the enclosing container; the document is 0


def segment_html(source: str) -> tuple[list[Block], list[Container]]:
    """Cut `source` into blocks; returns them with the containers they sit in.

    >>> blocks, _ = segment_html('<title>T</title><p>One &amp; <b>two</b></p><div>x<br>y</div>')
    >>> [(b.text, b.tag, b.para) for b in blocks]
    [('T', 'title', 0), ('One & two', 'p', 1), ('x', 'div', 2), ('y', 'div', 2)]
    """
    n = len(source)
    # Pages repeat their markup: about half the start tags have the
    # attributes of an earlier one, and need not be read again.
    cues_of: dict[str, frozenset[str]] = {}

    def cues_in(frame: _Frame) -> frozenset[str]:
        """The cues of `frame`: its element's and, up to MAX_CUES, its ancestors'."""
        if frame.cues is not None:  # read for an earlier block
            return frame.cues
        unread = []
        while frame.cues is None:  # (a loop, not recursion: pages nest 10,000 deep)
            unread.append(frame)
            frame = frame.parent
        cues = frame.cues
        for frame in reversed(unread):
            if frame.attrs:
                own = cues_of.get(frame.attrs)
                if own is None:
                    own = cues_of[frame.attrs] = _cues_of(frame.attrs)
                if frame.tag in _TAG_CUE:
                    own = own | _TAG_CUE[frame.tag]
            else:
                own = _TAG_CUE.get(frame.tag)
            if own and len(cues) < MAX_CUES:
                cues = cues | own
            frame.cues = cues
        return cues

    out = _Builder(cues_in)
    # The open elements, the document first: their tags, and what the text
    # in each inherits (an inline element without attributes shares its
    # parent's _Frame).
    tags: list[str] = [""]
    frames: list[_Frame] = [_Frame("", False, 0, None, "", "", _NO_CUES)]
    containers = [Container(0, n, 0)]

    def close(i: int, at: int) -> None:
        """Close the open elements from tags[i] up, at source offset `at`."""
        for k in range(i, len(tags)):
            if tags[k] in CONTAINER_TAGS:
                c = containers[frames[k].container]
                if c.end == n and c.start <= at:
                    c.end = at
        del tags[i:], frames[i:]

    long_tags = True  # see _LONG_START_TAG
    last_gt = source.rfind(">")  # no start tag ends after it
    in_tail = False  # whether the scanner is past last_gt, reading _TAIL_TOKEN

    def tokens_from(pos: int) -> Callable[[], re.Match[str] | None]:
        """The next token from `pos` on, at each call; None at the end of the source."""
        nonlocal in_tail
        in_tail = pos > last_gt
        return (_TAIL_TOKEN if in_tail else _TOKEN).scanner(source, pos).match

    # One C-level match per token (a text run or a tag) instead of a find
    # and a match; the scanner is replaced after every jump (raw text, or a
    # "<" that _TOKEN leaves to the slower patterns).  The tokens past the
    # last ">" read the same with either pattern: the switch to _TAIL_TOKEN
    # waits for the first "<" that _TOKEN cannot read, where it pays.
    next_token = tokens_from(0)
    while (m := next_token()) is not None:
        kind = m.lastindex
        if kind == _TEXT:
            text = m[_TEXT]
            if "&" in text:
                out.add(text, m.start(), frames[-1])
            elif not text.isspace():
                out.add_plain(text, m.start(), frames[-1])
            elif out.length:
                out.space_pending = m.span()
            continue
        if out.length and kind is not None and m[_SPACE]:
            # The layout before a tag: the space between two words, unless the tag ends the block.
            out.space_pending = m.span(_SPACE)
        if kind == _SPACE:  # a comment (its only group is the whitespace before it)
            out.flush(False)
            continue
        if kind == _END_NAME:
            end_tag = m[_END_NAME]
        elif kind == _ATTRS and len(start_tag := m[_START_NAME]) + len(attrs := m[_ATTRS]) + 2 <= PLAIN_TAG_MAX:
            end_tag = None
        else:
            # Markup _TOKEN does not read: a doctype, CDATA, an odd or long
            # tag, a comment past the last ">", or a "<" that is text.
            lt = m.start() if kind is None else m.start(_START_NAME) - 1
            if lt > last_gt and _letter_at(source, lt + 1):
                # No ">" follows, so no start tag can end: the "<" is text.
                # (Trying _MARKUP here cost 4,000 steps per "<": `"<a " * 20000` took 8 s.)
                m = None
            else:
                m = _MARKUP.match(source, lt)
            if m is not None:
                end_tag, start_tag, attrs = m.groups()
            else:
                if long_tags and lt < last_gt and _letter_at(source, lt + 1):
                    m = _LONG_START_TAG.match(source, lt)
                    long_tags = m is not None
                if m is None:  # a lone "<" is text
                    out.add_plain("<", lt, frames[-1])
                    # The scanner is past it already, if it read just the "<";
                    # it is replaced anyway at the first "<" past last_gt.
                    if kind is not None or not in_tail and lt > last_gt:
                        next_token = tokens_from(lt + 1)
                    continue
                end_tag, (start_tag, attrs) = None, m.groups()
            next_token = tokens_from(m.end())
            if end_tag is None and start_tag is None:  # comment, doctype, CDATA, processing instruction
                out.flush(False)
                continue
        # From here on, m.end() is the end of the tag.
        if end_tag is not None:
            tag = end_tag.lower()
            if out.length and tag in _ENDS_BLOCK:
                out.flush(tag != "br")
            # Close up to the nearest open element of that name, looking a
            # bounded depth down: a stray end tag costs O(1), not O(depth).
            if tags[-1] == tag:  # the usual case, closed at once (tags[0] is no tag)
                if tag in CONTAINER_TAGS:
                    c = containers[frames[-1].container]
                    if c.end == n and c.start <= m.end():
                        c.end = m.end()
                tags.pop()
                frames.pop()
                continue
            for i in range(len(tags) - 2, max(0, len(tags) - END_TAG_REACH), -1):
                if tags[i] == tag:
                    close(i, m.end())
                    break
            continue
        tag = start_tag.lower()
        action = _START_ACTION.get(tag, _INLINE)
        if action >= _VOID:  # an inline element
            if action == _VOID or attrs and attrs.rstrip().endswith("/"):  # <img>, <span/>: no content
                continue
            parent = frames[-1]
            if attrs or action == _LINK:  # attributes may give cues
                frame = _Frame(parent.block_tag, parent.in_link or action == _LINK, parent.container,
                               parent, tag, attrs)
            else:
                frame = parent  # most inline elements change nothing
        elif action >= _BLOCK_VOID:
            if out.length:  # (a call that flushes nothing costs as much as the rest)
                out.flush()
            closes = _IMPLIED_END[tag]
            if closes and tags[-1] in closes:
                close(len(tags) - 1, m.end() - len(start_tag) - len(attrs) - 2)  # at the tag's "<"
            if action == _BLOCK_VOID or attrs and attrs.rstrip().endswith("/"):
                continue
            parent = frames[-1]
            if action == _CONTAINER:  # its frame names it, so is its own
                frame = _Frame(tag, parent.in_link, len(containers), parent, tag, attrs)
                containers.append(Container(m.end() - len(start_tag) - len(attrs) - 2, n, parent.container))
            else:
                frame = _Frame(tag, parent.in_link, parent.container, parent, tag, attrs)
        elif action == _BREAK:
            out.flush(False)
            continue
        else:  # _SKIP
            # A void element (<embed>) has no content to skip, and an <svg/> or
            # <math/> closes itself: skipping to their (absent) end tag hid the
            # rest of the page, `<p>a<embed src=x.swf>b</p><p>more</p>` read "a".
            if tag in ("svg", "math") and attrs.rstrip().endswith("/"):
                continue
            pos = m.end()
            closer = _RAW_END[tag].search(source, pos)
            content_end = closer.start() if closer else n
            out.flush()
            if tag == "title" and not out.blocks:
                out.add(source[pos:content_end], pos, _Frame("title", False, 0, None, "title", "", _NO_CUES))
                out.flush()
            next_token = tokens_from(closer.end() if closer else n)
            continue
        tags.append(tag)
        frames.append(frame)
    out.flush()
    return out.blocks, containers
