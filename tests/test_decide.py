"""The judgement of a whole document: is it a page, or an article already clean?"""

from pathlib import Path

import cleaner
from cleaner.classify import classify
from cleaner.decide import already_clean, announced
from cleaner.segment_text import segment_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"


def _blocks(text: str):
    c = cleaner.Cleaner()
    blocks = segment_text(text)
    classify(blocks, c._rules_for("en"), c._stopwords("en"), [])
    return blocks


def _body(text: str) -> str:
    """The article of a page fixture, as another extractor would return it."""
    return "\n\n".join(s.text for s in cleaner.clean(text).segments)


def test_a_pages_text_is_not_clean_but_its_extracted_article_is():
    page = (FIXTURES / "page_lead_in_lists.txt").read_text(encoding="utf-8")
    assert not already_clean(_blocks(page))
    assert already_clean(_blocks(_body(page)))


def test_a_text_opening_with_menus_and_many_kinds_of_furniture_is_a_page():
    story = (FIXTURES / "clean_lead_in_results_table.txt").read_text(encoding="utf-8")
    furniture = "Home\nNews\nSport\nShare on Facebook\nShare on Twitter\nLeave a Reply\nRelated Posts\nPrivacy Policy\n"
    assert already_clean(_blocks(story))
    assert not already_clean(_blocks(furniture + story))


def test_one_kind_of_furniture_repeated_after_prose_is_still_an_article():
    deals = (FIXTURES / "extracted_deals_roundup.txt").read_text(encoding="utf-8")
    blocks = _blocks(deals)
    kinds = {b.hit.rule.id for b in blocks if b.hit is not None and not b.hit.rule.weak}
    hits = sum(b.hit is not None and not b.hit.rule.weak for b in blocks)
    assert hits > 4 and len(kinds) <= 2  # the case the rule is for, not the trivial one
    assert already_clean(blocks)
    # The same boxes above the prose are a page's sidebar, not the article's.
    paragraphs = deals.split("\n\n")
    assert not already_clean(_blocks("\n\n".join(paragraphs[2:] + paragraphs[:2])))


def test_a_lead_in_announces_items_up_to_prose_or_furniture():
    text = (
        "The council published the list of streets to be resurfaced this summer:\n\n"
        "Elm Street\n\nHarbor Road\n\nMill Lane\n\n"
        "Work starts in June and should be finished before the schools reopen in September.\n\n"
        "The following were named:\n\nAnna Berg\n\nShare on Facebook\n\nTom Reyes\n"
    )
    blocks = _blocks(text)
    listed = {blocks[i].text for i in announced(blocks)}
    assert {"Elm Street", "Harbor Road", "Mill Lane"} <= listed
    assert "The council published the list of streets to be resurfaced this summer:" in listed
    assert not any(t.startswith("Work starts") for t in listed)  # prose ends the list
    assert "Anna Berg" in listed and "Tom Reyes" not in listed  # so does a share button


def test_a_colon_line_followed_by_a_paragraph_announces_nothing():
    # The paragraph is prose in its own right; the lead-in has no list to carry.
    blocks = _blocks(
        "The mayor put it this way:\n\n"
        "The vote was a mistake, and the council should hold it again next month, once every "
        "member has read the engineers' report and the residents have had their say at the hearing.\n"
    )
    assert announced(blocks) == set()


def test_a_link_free_table_cell_costs_nothing_but_a_table_of_links_does():
    from cleaner.decide import _score
    from cleaner.segment_html import segment_html

    c = cleaner.Cleaner()
    html = (
        "<table><tr><td>Snaps</td><td>61 (95%)</td></tr></table>"
        "<table><tr><td><a href='/a'>Home</a></td><td><a href='/b'>Sport news</a></td></tr></table>"
    )
    blocks, _ = segment_html(html)
    classify(blocks, c._rules_for("en"), c._stopwords("en"), [])
    cells = {b.text: _score(b, 1.0) for b in blocks}
    assert cells["Snaps"] == 0.0 and cells["61 (95%)"] == 0.0
    assert cells["Sport news"] < 0


def test_an_ad_label_between_paragraphs_costs_nothing_and_a_trailer_heading_a_rule():
    from cleaner.decide import RULE_COST, _score

    blocks = _blocks("Continue Reading Below\n\nRelated Posts\n")
    ad, heading = blocks
    assert ad.hit is not None and ad.hit.rule.category is cleaner.Category.AD
    assert _score(ad, 1.0) == 0.0
    assert _score(heading, 1.0) == -RULE_COST
    # The opening paragraph of a story survives an ad label before the rest.
    lead = "Home Depot said on Tuesday that it had earned more in the third quarter than it had expected."
    rest = [
        "The home-improvement retailer earned $2.8 billion in the quarter, up from $2.87 billion a year earlier, the company said on Tuesday.",
        "Sales were lower than analysts had expected, and the company trimmed its forecast for the full year, citing the cost of new software.",
    ]
    page = f"<h1>Home Depot tops estimates</h1><p>{lead}</p><p>Continue Reading Below</p>" + "".join(f"<p>{p}</p>" for p in rest)
    assert lead in cleaner.clean_html(page).text
