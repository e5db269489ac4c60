"""The HTML segmenter reads pages faster, and reads them the same: the equivalences it relies on.

Each speed-up in cleaner/segment_html.py replaced a plain way of reading
something with a cheaper one that gives the same result; each test here
pins the cheaper way against the plain one (written out again here), or
checks what the plain way guaranteed.
"""

from __future__ import annotations

import html
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import segment_html as sh
from cleaner.segment_html import segment_html

# Attributes in every form, and the strays and lengths at the patterns' bounds.
ATTRIBUTE_FORMS = [
    ' class="x"', " id=y", " title='a>b'", ' data-x = "1"', " hidden", " ", "/", "=", "x", "='", '= "',
    " " * 101, '"' + "v" * 4001 + '"',
]
MARKUP_PIECES = ATTRIBUTE_FORMS + [
    "<", ">", "'", "\n", "a", "p", "-", "!", "<a", "<p ", "</a", "</p>", "<!--", "-->", "a" * 201, "<br/>",
    "<img alt=it's>",
]
markup = st.lists(st.sampled_from(MARKUP_PIECES), max_size=25).map("".join)
# Start tags above all: a name, some attributes, and a ">" or not.
tags = st.builds(
    "<{}{}{}".format, st.sampled_from(["a", "p", "div", "A", "x" * 201]),
    st.lists(st.sampled_from(ATTRIBUTE_FORMS), max_size=6).map("".join), st.sampled_from([">", "", "/>", " >"]),
)


def _spans_and_groups(pattern: re.Pattern[str], text: str) -> list:
    found = []
    for i in range(len(text) + 1):
        m = pattern.match(text, i)
        found.append(m and (m.span(), m.groups()))
    return found


# --- tokens ------------------------------------------------------------------------------

# _PLAIN_TAG as it was before its quantifiers were made possessive.
BACKTRACKING_TAG = re.compile(
    sh._END_TAG + r"""|<([A-Za-z][^\s/>]{0,200})((?:[\s/][^=>"'<]*(?:(?:""" + sh._ATTR_VALUE + r""")[^=>"'<]*)*)?)>""")


@settings(max_examples=500, deadline=None)
@given(st.one_of(markup, st.lists(st.one_of(tags, markup), max_size=4).map("".join)))
def test_possessive_tag_pattern_reads_as_the_backtracking_one(page):
    # A ">" can only follow the longest name and the longest runs, so giving
    # nothing back changes no match: same tags, same spans, same groups.
    assert _spans_and_groups(sh._PLAIN_TAG, page) == _spans_and_groups(BACKTRACKING_TAG, page)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list(" \n<!->a")), max_size=30))
def test_comments_in_tokens_read_as_markup_does(page):
    for i in [i for i in range(len(page)) if page.startswith("<!--", i)]:
        token, markup_match = sh._TOKEN.match(page, i), sh._MARKUP.match(page, i)
        assert token.lastindex == sh._SPACE  # the kind of token a comment is
        assert token.span() == markup_match.span()


def test_comments_end_blocks():
    blocks, _ = segment_html("<p>a <!-- x --> b</p><p>c<!-- unterminated")
    assert [b.text for b in blocks] == ["a", "b", "c"]
    assert [b.para for b in blocks] == [0, 0, 1]


# --- cues --------------------------------------------------------------------------------

OLD_ATTR = re.compile(
    r"""(?:((?i:class|id|role|itemprop|hidden|style))(?![^\s"'=/>])|[^\s"'=/>]+)"""
    r"""\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def cues_of_as_it_was(attrs: str) -> frozenset[str]:
    cues = set()
    for name, double_quoted, single_quoted, bare in OLD_ATTR.findall(attrs):
        if not name:
            continue
        name = name.lower()
        value = double_quoted or single_quoted or bare
        if name in ("class", "id", "role", "itemprop"):
            if value:
                cues.add(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", html.unescape(value)).lower())
        elif name == "hidden" or (name == "style" and sh._HIDING_STYLE.search(value)):
            cues.add(sh.HIDDEN_CUE)
    return frozenset(cues)


ATTRIBUTE_PIECES = [
    " ", "\t", "=", '"', "'", "/", "class", "CLASS", "Id", "role", "itemprop", "hidden", "style", "classy", "xid",
    "ſtyle", "claſs", "ıd", "İd", "\u212a", "=\"", "='", "newsCaption", "ABC", "a&amp;b", "&Eacute;t&eacute;",
    "display:none", "Visibility : Hidden", "x", "-", "data-id",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ATTRIBUTE_PIECES), max_size=14).map("".join))
def test_attribute_cues_as_read_before(attrs):
    # Cue names are matched in ASCII only: name.lower() turned the others
    # ("ſtyle") down anyway.  A value that lower() leaves as it is needs no
    # camelCase split.
    assert sh._cues_of(attrs) == cues_of_as_it_was(attrs)


def test_only_ascii_letters_lower_to_a_cue_name():
    # So a name whose lower() is a cue name is spelled in ASCII, as _ATTR takes it.
    letters = set("".join(sh._CUE_NAMES))
    for c in map(chr, range(sys.maxunicode + 1)):
        if not c.isascii() and all(x in letters for x in c.lower()):
            raise AssertionError(f"{c!r} lowers to {c.lower()!r}")


def _cues(page: str) -> list[frozenset[str]]:
    return [b.cues for b in segment_html(page)[0]]


def test_cues_are_inherited_when_read_late():
    page = ('<div class="Outer"><nav id="menu"><ul><li class="item"><a href="/x" class="navLink">Home</a></li>'
            '<li class="item"><a href="/y">News</a></li></ul></nav>'
            '<article><p style="display: none">Hidden</p><p>Body</p><span hidden><p>Gone</p></span></article></div>')
    nav = {"outer", "menu", "nav", "item"}
    assert _cues(page) == [
        frozenset(nav | {"nav-link"}), frozenset(nav), frozenset({"outer", "article", sh.HIDDEN_CUE}),
        frozenset({"outer", "article"}), frozenset({"outer", "article", sh.HIDDEN_CUE}),
    ]


def test_cues_stop_growing_at_max_cues():
    page = "".join(f'<div class="c{i}">' for i in range(sh.MAX_CUES + 10)) + "<p>deep</p>"
    assert _cues(page) == [frozenset(f"c{i}" for i in range(sh.MAX_CUES))]


def test_cues_of_deep_nesting_are_read_without_recursion():
    page = '<div class="a"><span class="b">' * 10_000 + "deep" + "<p>after</p>"
    assert _cues(page) == [frozenset({"a", "b"})] * 2


# --- text --------------------------------------------------------------------------------

def test_printable_text_holds_no_whitespace_but_spaces():
    # add_plain copies a text with no "  " that isprintable() as it is:
    # str.split would cut it at single spaces only.
    for c in map(chr, range(sys.maxunicode + 1)):
        if c.isspace() and c != " ":
            assert not c.isprintable(), repr(c)


@given(st.text(max_size=40))
def test_printable_text_needs_no_collapsing(text):
    body = text.strip()
    if "  " not in body and body.isprintable():
        assert " ".join(body.split()) == body


# --- blocks ------------------------------------------------------------------------------

def test_block_fields_are_filled_in_order():
    # flush passes Block's first fields by position.
    page = '<div class="box"><p>Go <a href="/x">here</a> &amp; there</p></div>'
    (block,), containers = segment_html(page)
    assert (block.start, block.end) == (page.index("Go"), page.index("there") + len("there"))
    assert (block.text, block.para, block.tag) == ("Go here & there", 0, "p")
    assert block.link_density == len(" here") / len("Go here & there")  # with the space before the link
    assert block.cues == frozenset({"box"})
    assert block.container == 1 and containers[1].start == 0
    assert block.source_range(8, 9) == (page.index("&amp;"), page.index("&amp;") + len("&amp;"))
