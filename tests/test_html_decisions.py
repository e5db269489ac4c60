"""HTML decisions that text input cannot make: elements, links, hiding.

Each test builds a small page around one decision and checks where its
pieces went, so that a change in `decide` that undoes the decision fails.
"""

from __future__ import annotations

import cleaner
from cleaner import Category
from contract import html_partition_problems

PROSE = [
    "The county council voted on Tuesday to reopen the old railway bridge to cyclists and walkers after a two-year closure.",
    "Engineers found that the steel deck was sound, but the railings and the lighting had to be replaced before anyone could use it again.",
    "The work cost about 1.2 million dollars, most of it paid by a state grant that the council won last spring after a long campaign.",
    "Residents on both sides of the river had asked for the bridge to reopen, saying the detour added twenty minutes to the school run.",
]


def _page(body: str) -> str:
    nav = "<nav><ul>" + "".join(f'<li><a href="/{w}">{w}</a></li>' for w in ("Home", "News", "Sport", "Weather")) + "</ul></nav>"
    return f"<html><head><title>Bridge reopens | Gazette</title></head><body>{nav}<h1>Bridge reopens to cyclists</h1>{body}</body></html>"


def _removed(result, snippet: str):
    return next((r for r in result.removed if snippet in r.text), None)


def test_hidden_elements_are_removed_with_their_reason():
    hidden = (
        '<div style="display: none;" itemscope itemtype="http://schema.org/NewsArticle">'
        '<div itemprop="headline">Bridge reopens to cyclists</div><div itemprop="name">Gazette Staff</div></div>'
        '<div hidden><p>A longer summary of the council decision that the page keeps for search engines only.</p></div>'
    )
    page = _page(hidden + '<article>' + "".join(f"<p>{p}</p>" for p in PROSE) + "</article>")
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    removal = _removed(result, "A longer summary of the council")
    assert removal is not None and removal.rule == "core.cue.hidden"
    assert removal.category is Category.BOILERPLATE
    # A text rule that knows what the block is still names it.
    assert _removed(result, "Gazette Staff") is not None
    assert all(p in result.text for p in PROSE)


def test_a_visible_class_named_hidden_is_not_taken_for_hiding():
    page = _page('<article><div class="visually-hidden-focusable">' + "".join(f"<p>{p}</p>" for p in PROSE) + "</div></article>")
    result = cleaner.clean_html(page)
    assert all(p in result.text for p in PROSE)


def test_a_link_free_list_that_ends_the_article_is_kept():
    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Bank Amphitheatre, Alpharetta, GA", "June 17 -- Bridgestone Arena, Nashville, TN"]
    related = '<aside class="related-posts"><h3>Related Posts</h3><ul>' + "".join(
        f'<li><a href="/x{i}">Another story about bridges number {i}</a></li>' for i in range(4)) + "</ul></aside>"
    page = _page('<div class="story">' + "".join(f"<p>{p}</p>" for p in PROSE)
                 + "<p>The tour dates:<br>" + "<br>".join(dates) + "</p></div>" + related)
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    assert all(d in result.text for d in dates)
    assert _removed(result, "Another story about bridges number 2").category is Category.RELATED


def test_a_box_in_the_middle_of_the_story_ends_at_the_prose_after_it():
    box = '<div class="box"><h4>Trending News</h4><ul>' + "".join(
        f'<li><a href="/t{i}">Trending headline number {i} about something else</a></li>' for i in range(5)) + "</ul></div>"
    page = _page('<div class="story">' + "".join(f"<p>{p}</p>" for p in PROSE[:2]) + box
                 + f"<p>{PROSE[2]}</p><p>Short reply.</p><p>{PROSE[3]}</p></div>")
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    assert PROSE[2] in result.text and PROSE[3] in result.text
    assert _removed(result, "Trending headline number 3").category is Category.RELATED


def test_a_table_between_paragraphs_is_part_of_the_article():
    table = "<table>" + "".join(
        f"<tr><td>Player {i}</td><td>{i} tackles, 1 assist</td></tr>" for i in range(1, 6)) + "</table>"
    page = _page('<div class="story">' + f"<p>{PROSE[0]}</p><p>{PROSE[1]}</p>" + table
                 + f"<p>{PROSE[2]}</p><p>{PROSE[3]}</p></div>")
    result = cleaner.clean_html(page)
    assert "3 tackles, 1 assist" in result.text
    assert all(p in result.text for p in PROSE)


def test_headline_copy_inside_the_story_is_removed_and_h1_stays_the_title():
    # A slideshow between paragraphs repeats the headline in a <div>, with
    # more prose after it than after the <h1>: the <h1> is still the title,
    # the copy is dropped, and the paragraphs before the slideshow stay.
    slideshow = (
        '<div class="slideshow"><div class="caption">The old railway bridge on the morning it reopened, '
        'with the first cyclists crossing it since the closure.</div>'
        "<div>Bridge reopens to cyclists</div></div>"
    )
    page = _page("".join(f"<p>{p}</p>" for p in PROSE[:2]) + slideshow + "".join(f"<p>{p}</p>" for p in PROSE * 2))
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    assert result.title is not None and result.source[result.title.start - 4:result.title.start] == "<h1>"
    assert PROSE[0] in result.text
    copy = [r for r in result.removed if r.text == "Bridge reopens to cyclists"]
    assert copy and copy[0].rule == "body.title-repeat"
    assert _removed(result, "The old railway bridge on the morning").category is Category.CAPTION


def test_an_ad_slot_between_paragraphs_does_not_cut_off_the_last_one():
    ad = (
        '<div class="ad-unit"><div>ADVERTISEMENT</div><div>Thanks for watching!</div>'
        "<button>Visit Website</button></div>"
    )
    last = "The council will meet on the lighting plan in the spring."
    page = _page("<article>" + "".join(f"<p>{p}</p>" for p in PROSE) + ad + f"<p>{last}</p></article>")
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    assert last in result.text
    assert _removed(result, "Thanks for watching!").category is Category.AD


def test_paragraphs_of_zero_width_spaces_are_removed_not_kept_as_empty_lines():
    page = _page("<article>" + "<p>&#8203;</p>".join(f"<p>{p}</p>" for p in PROSE) + "</article>")
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    assert all(p in result.text for p in PROSE)
    assert "\u200b" not in result.text
    assert sum(r.text == "\u200b" for r in result.removed) == len(PROSE) - 1


def test_camel_case_class_names_split_into_words_for_cues():
    # class="newsCaption" holds the word "caption", as class="news-caption" does.
    caption = '<span class="newsCaption">Crowds gathered outside the council chamber before the vote on Tuesday evening</span>'
    page = _page("<article>" + f"<p>{PROSE[0]}</p>" + caption + "".join(f"<p>{p}</p>" for p in PROSE[1:]) + "</article>")
    result = cleaner.clean_html(page)
    assert not html_partition_problems(page, result)
    removal = _removed(result, "Crowds gathered outside the council chamber")
    assert removal is not None and removal.category is Category.CAPTION
    # The value keeps its words, joined by "-" where the case changed.
    from cleaner.segment_html import segment_html
    blocks, _ = segment_html('<div class="relatedPosts"><p>x</p></div><div id="mainContent"><p>y</p></div>')
    assert "related-posts" in blocks[0].cues and "main-content" in blocks[1].cues
