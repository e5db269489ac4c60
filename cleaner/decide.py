"""Decide: which blocks are the article, judged in context.

The steps, in order (docs/algorithm.md says more):

1. Evidence: how much the document looks like a page full of furniture
   (`strictness`), where its headline repeats the page title
   (`headline_anchor`) and, for HTML, which element holds the prose
   (`main_container`): these bound where the body is sought.
2. Body: the article is the run of blocks with the best score, where prose
   scores its length and furniture scores against it (the maximum-sum
   subarray).  Furniture inside the run costs less than the prose it
   would cut off, so ads and inline links between paragraphs do not split
   the body; menus before it and teaser lists after it fall outside.  In
   HTML the element that holds the article widens the run to all of its
   prose, and a link-free list that ends it (tour dates, ingredients).
3. Sections and teasers: from the body's start on, a trailer heading such
   as "Related Posts" (a rule with ``action = "drop_section"``) drops what
   follows it until prose resumes, and several truncated excerpts are a
   teaser list.  The body run is then scored again.
4. Title: the headline anchor, else the last <h1>, else the headline-like
   line just before the body.
5. Blocks (`drop_furniture`): inside the body, prose is kept and short
   blocks are judged by their neighbours; every other block is dropped
   with the reason that applies.

Every drop records its category, the rule or detector id and a reason, in
the place where it is decided.
"""

from __future__ import annotations

import re
import unicodedata

from .blocks import Block, Decision, Label
from .classify import LINK_DENSITY_BAD, LINK_DENSITY_NEAR
from .model import Category
from .ruleset import Action, Hit, Rule

# Enum members that the loops below test, as module constants: a lookup
# such as `Label.GOOD` goes through EnumType.__getattr__ and costs about
# 90 ns on CPython 3.11, ten times a global's, and deciding a batch makes
# hundreds of thousands of them.
_GOOD, _NEAR, _SHORT, _BAD = Label.GOOD, Label.NEAR, Label.SHORT, Label.BAD
_AD, _BYLINE, _CAPTION, _COMMENTS = Category.AD, Category.BYLINE, Category.CAPTION, Category.COMMENTS
_DROP_BLOCK, _DROP_SECTION = Action.DROP_BLOCK, Action.DROP_SECTION

RESUME_RUN = 2
RESUME_MIN_WORDS = 8

# Scores for the body run.  Prose scores its length in characters; the rest
# is a cost.  A rule-matched block costs more than an unknown short one.
NEAR_SHARE = 0.25
SHORT_COST = 40.0
RULE_COST = 60.0
CUE_COST = 20.0
BAD_SHARE = 0.5
# A heading at least this much link text is a link to elsewhere.
LINK_DENSITY_ALL = 0.9

# The share of rule-matched blocks at which a document counts as a page with
# furniture (strictness 1), and below which it counts as clean (0).
EVIDENCE_LOW = 0.03
EVIDENCE_HIGH = 0.12
# The same for languages without a rule pack, on the share of short lines
# that are not sentences (see `layout_strictness`).
LAYOUT_LOW = 0.25
LAYOUT_HIGH = 0.40
LENIENT_BELOW = 0.0
# A text that opens with prose (at most CLEAN_LEAD blocks before it) and in
# which rules find at most CLEAN_MAX_HITS blocks of furniture or at most
# CLEAN_MAX_KINDS rules, or at most CLEAN_ANY_HITS blocks wherever its
# prose starts, is already an article (`already_clean`).
CLEAN_LEAD = 3
CLEAN_MAX_HITS = 4
CLEAN_MAX_KINDS = 2
CLEAN_ANY_HITS = 2
# What the precision/recall preference (Options.favor) sets strictness to.
FAVOR = ("balanced", "recall", "precision")
LENIENT = -1.0
PRECISION_STRICTNESS = 0.5

TITLE_LOOKBACK = 12
NEIGHBOUR_REACH = 8
ANCHOR_REACH = 10
MAIN_CONTAINER_SHARE = 0.85
TITLE_MIN_WORDS = 3
LEAD_IN_MIN_WORDS = 2
TITLE_MAX_WORDS = 30

# Detector ids: the `rule` of removals that no pattern decided.
BEFORE_BODY = "body.before"
AFTER_BODY = "body.after"
NOT_PROSE = "body.not-prose"
SHORT_IN_BODY = "body.short"
NO_PROSE = "guard.no-prose"
TEASER_EXCERPT = "body.teaser-excerpt"
TEASER_CARD = "body.teaser-card"
PAGE_TITLE = "html.title"
TITLE_REPEAT = "body.title-repeat"
NAME_BYLINE = "byline.name"

# Decisions are immutable: one serves every block dropped for the same
# reason, which spares an allocation for most blocks of a page.
_BEFORE_BODY_NAVIGATION = Decision(Category.NAVIGATION, BEFORE_BODY, "Page furniture before the article body.")
_BEFORE_BODY_BOILERPLATE = Decision(Category.BOILERPLATE, BEFORE_BODY, "Page furniture before the article body.")
_AFTER_BODY = Decision(Category.BOILERPLATE, AFTER_BODY, "Page furniture after the article body.")
_NOT_PROSE = Decision(Category.BOILERPLATE, NOT_PROSE, "Long text without the stopwords of prose (a list or a menu).")
_SHORT_IN_BODY = Decision(
    Category.BOILERPLATE, SHORT_IN_BODY,
    "A short line that neither reads as a sentence nor heads the prose that follows.",
)
_PAGE_TITLE = Decision(Category.BOILERPLATE, PAGE_TITLE, "The page's <title> element: metadata, not the article.")
_TITLE_REPEAT = Decision(Category.BOILERPLATE, TITLE_REPEAT, "A repetition of the headline inside the article.")
_NAME_BYLINE = Decision(Category.BYLINE, NAME_BYLINE, "A name beside the byline: the article's author.")
_TEASER_EXCERPT = Decision(
    Category.RELATED, TEASER_EXCERPT, "A truncated excerpt, one of several: a teaser for another article.",
)
_TEASER_CARD = Decision(
    Category.RELATED, TEASER_CARD,
    "A linked headline or its excerpt, one of the cards that end the page: a teaser for another article.",
)

TEASER_MIN_WORDS = 8
TEASER_MIN_COUNT = 2
CARD_MIN_COUNT = 3
CARD_REACH = 2
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_PROSE_LABELS = (_GOOD, _NEAR)
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])[\"”’)\]]?$")
# A match of _TRUNCATED is at most six characters, and ends at the end of
# the text or before a final line break.
_TRUNCATED_TAIL = 7


def _truncated(text: str) -> bool:
    """Whether `text` ends in an ellipsis, as an excerpt cut off does."""
    # Only the tail can match: a search from the start would scan the whole
    # paragraph, as the pattern is anchored at the end.
    return _TRUNCATED.search(text, max(0, len(text) - _TRUNCATED_TAIL)) is not None


def decide(
    blocks: list[Block], guard: list[str], containers: list | None = None,
    favor: str = "balanced", phrase_rules: bool = True,
) -> None:
    """Set `drop` on every block that is not kept, and mark the title.

    `containers` (HTML input) are the elements that group paragraphs; the
    one holding most of the prose bounds where the body run is sought.
    `phrase_rules` is False for a language without a rule pack (Japanese,
    Korean, Thai...): no phrase of it can fire, so the layout must stand in
    as evidence of furniture (`layout_strictness`).
    `favor` (see `Options`) overrides the evidence: "recall" judges every
    document as a clean article, "precision" at least half as strictly as
    a page full of furniture.
    """
    strict = strictness(blocks) if phrase_rules else max(strictness(blocks), layout_strictness(blocks))
    if favor == "balanced" and containers is None and phrase_rules and already_clean(blocks):
        favor = "recall"
    if favor == "recall":
        strict = LENIENT
    elif favor == "precision":
        strict = max(strict, PRECISION_STRICTNESS)
    listed = announced(blocks)
    anchor = headline_anchor(blocks)
    page_start = 0 if anchor is None else anchor + 1
    start, stop = page_start, len(blocks)
    inside = None
    if containers:
        inside = main_container(blocks, containers)
        if inside is not None and max(start, inside[0]) < inside[1]:
            start, stop = max(start, inside[0]), inside[1]
    # The body run is sought up to three times: the scores are kept, and
    # only those of blocks whose cue or decision changed are recomputed.
    scores = _scores(blocks, strict, listed, start, stop)
    first, last = _best_run(scores, start)
    if first >= 0:
        if forget_container_cues(blocks, first, last):
            scores = _scores(blocks, strict, listed, start, stop)
            first, last = _best_run(scores, start)
        drops = [blocks[i].drop for i in range(start, stop)]
        mark_teasers(blocks, first)
        mark_cards(blocks, first)
        # Trailer headings only open sections once the article has begun: a
        # "Comments" link in the share bar above the story heads nothing.
        # In a clean article a "Don't miss" line near the top heads nothing
        # we should drop: there, only headings past the middle of the prose
        # trail the article.  Another extractor's output (favor="recall")
        # is an article by assumption, so its trailer headings are trusted.
        mark_sections(blocks, first if strict >= LENIENT_BELOW or favor == "recall" else _prose_middle(blocks), containers)
        for i in [i for i, drop in enumerate(drops, start) if blocks[i].drop is not drop]:
            scores[i - start] = _score(blocks[i], strict, i in listed)
    first, last = _best_run(scores, start)
    if first < 0 and inside is not None:
        # The element with most of the prose held a comment thread, which
        # its heading has just dropped: the article is elsewhere.
        inside = None
        start, stop = page_start, len(blocks)
        first, last = body_run(blocks, strict, start, stop, listed)
    if inside is not None and first >= 0:
        # The element that holds the article holds all of it: tables and
        # lists between its paragraphs do not end the body.
        first, last = _prose_span(blocks, start, stop, first, last)
    if first < 0 or not any(blocks[i].label is _GOOD for i in range(first, last + 1)):
        # No run of prose: a list, a table, a stub.  Rather than drop all of
        # it on weak evidence, keep what no rule matched; Result.confidence
        # tells the caller how little this looks like an article.
        guard.append(f"{NO_PROSE}: no run of prose found; kept every block that no rule or cue marks as furniture")
        for b in blocks:
            if b.hit is not None:
                _drop_by_rule(b)
            elif b.tag == "title":
                _drop_page_title(b)
            elif b.cue is not None and b.label is not _GOOD:
                # A menu, a form label, a caption named as such: no doubt
                # about them, whatever the page is.
                _drop_by_cue(b)
        return
    if containers:
        last = trailing_list(blocks, last, containers)
    title = anchor if anchor is not None else find_title(blocks, first, last)
    if title is not None:
        blocks[title].is_title = True
        first = max(first, title + 1)
    drop_furniture(blocks, first, last, strict, listed)
    if title is not None:
        drop_title_repeats(blocks, title, first, last)
    name_bylines(blocks)




def _prose_span(blocks: list[Block], start: int, stop: int, first: int, last: int) -> tuple[int, int]:
    """The run widened to the first and last prose of the article's element."""
    good = [i for i in range(start, stop) if blocks[i].label is _GOOD and blocks[i].drop is None and blocks[i].hit is None]
    if not good:
        return first, last
    return min(first, good[0]), max(last, good[-1])


def trailing_list(blocks: list[Block], last: int, containers: list) -> int:
    """HTML: the body's last index, taking in a list that ends the article.

    Tour dates, recipe ingredients or a table of results follow the last
    paragraph inside the article's element; they are not prose, but nothing
    marks them as furniture either: no links, no rule, no cue.
    """
    if blocks[last].container == 0:
        return last
    box = containers[blocks[last].container]
    end = last
    for j in range(last + 1, len(blocks)):
        b = blocks[j]
        if not (box.start <= b.start and b.end <= box.end) or b.cue is not None or b.drop is not None:
            break
        if b.hit is not None:
            if b.hit.rule.weak:
                continue  # a bare link between the list's items
            break
        if b.link_density > LINK_DENSITY_NEAR:
            break
        end = j
    return end


_COLONS = (":", "：")


def announced(blocks: list[Block]) -> set[int]:
    """The lead-in lines and the blocks they announce.

    A sentence ending in a colon ("The five winners are:", "Final standings
    after 36 races:") announces what follows: list items, table rows, a
    quotation.  They are the article's even though none reads as prose, up
    to the next paragraph of prose or the first block a rule or a cue
    marks; in the body run they score as near-prose, not as furniture.
    """
    listed: set[int] = set()
    # Lead-ins end in a colon: that test, after the cheapest one, leaves
    # few blocks to check.
    leads = [i for i, b in enumerate(blocks) if b.hit is None and b.text.rstrip().endswith(_COLONS) and _lead_in(b)]
    end = 0  # blocks before it are items of the last list
    for i in leads:
        if i < end:
            continue  # an item of the list above, not a lead-in of its own
        j = i + 1
        while j < len(blocks) and _list_item(blocks[j]):
            listed.add(j)
            j += 1
        if j > i + 1:
            listed.add(i)
        end = j
    return listed


def _lead_in(b: Block) -> bool:
    return (
        b.hit is None and b.drop is None and b.cue is None and not b.is_title
        and b.words >= LEAD_IN_MIN_WORDS and b.text.rstrip().endswith(_COLONS)
        and b.link_density <= LINK_DENSITY_NEAR
    )


def _list_item(b: Block) -> bool:
    # A weak rule's hit (a bare number, a separator) is a table cell here.
    return (
        (b.hit is None or b.hit.rule.weak) and b.drop is None and b.cue is None and b.label is not _GOOD
        and b.link_density <= LINK_DENSITY_NEAR
    )


def drop_furniture(blocks: list[Block], first: int, last: int, strict: float, listed: set[int] = frozenset()) -> None:
    """Drop every block that is not the article, with the reason that applies.

    The body is blocks[first:last + 1]; a decision made earlier (a section,
    a teaser excerpt) stands unless a rule matched the block itself.
    `listed` are the lead-in lines and what they announce (`announced`).
    """
    for i, b in enumerate(blocks):
        if b.is_title:
            continue
        if b.hit is not None:
            if not (b.hit.rule.weak and first < i < last and not _invisible(b.text)):
                _drop_by_rule(b)
            # else a bare link or a separator between paragraphs: the article's own
            continue
        in_body = first <= i <= last
        if in_body and i in listed:
            continue  # a lead-in line or what it announces
        if b.tag == "title":
            _drop_page_title(b)
        elif b.cue is not None and (b.cue.rule.category is _CAPTION or not (in_body and b.label in _PROSE_LABELS)):
            # Prose inside the article's run outweighs a container's name,
            # except a caption's: a photo's caption reads as prose too.
            _drop_by_cue(b)
        elif i < first:
            _drop_unmatched(b, _BEFORE_BODY_NAVIGATION if b.words <= 4 else _BEFORE_BODY_BOILERPLATE)
        elif i > last:
            _drop_unmatched(b, _AFTER_BODY)
        elif strict < LENIENT_BELOW:
            continue  # a clean document: unknown short lines are list items, not furniture
        elif b.tag and b.link_density <= LINK_DENSITY_BAD:
            # HTML shows furniture by its links and its elements' names; text
            # between the article's paragraphs that neither a rule nor a cue
            # marks is the article's own (a table row, a list item, a tweet).
            continue
        elif b.label is _BAD:
            _drop_unmatched(b, _NOT_PROSE)
        elif b.label is _SHORT and not _short_kept(blocks, i, first, last):
            _drop_unmatched(b, _SHORT_IN_BODY)


def drop_title_repeats(blocks: list[Block], title: int, first: int, last: int) -> None:
    """Drop the headline's repetitions inside the body (a gallery's or a
    share box's copy of it): the article says its headline once."""
    headline = blocks[title].text.casefold()
    for i in range(first, last + 1):
        b = blocks[i]
        # Case folding never shortens a text: a longer block cannot repeat it.
        if b.drop is None and len(b.text) <= len(headline) and b.text.casefold() == headline:
            b.drop = _TITLE_REPEAT


def _invisible(text: str) -> bool:
    """Whether `text` shows nothing: only spaces and format characters
    (zero-width spaces and joiners, soft hyphens), as editors leave in empty
    paragraphs. Such a line is no separator the reader sees."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


# A person's name: two to four capitalised words ("Jane Doe", "Ana M. Kowalczyk").
_NAME = re.compile(r"(?:[A-ZÀ-Þ][\w'’.-]*\.?)(?: (?:[A-ZÀ-Þ][\w'’.-]*|de|van|von|da|del|al|bin)){1,3}")


def name_bylines(blocks: list[Block]) -> None:
    """A bare name beside a byline or date line is the author: category byline.

    Structure drops such a line as furniture but cannot say what it is; its
    neighbour can ("Jane Doe" above "Updated: March 3, 2024").
    """
    # Only the blocks beside a byline are candidates, judged in order.  A
    # name judged the author's is a byline itself, so the block after it is
    # judged next: as a pass over every block would, left to right.
    n = len(blocks)
    bylines = [i for i, b in enumerate(blocks) if b.drop is not None and b.drop.category is _BYLINE]
    for i in sorted({j for i in bylines if _byline_by_rule(blocks[i]) for j in (i - 1, i + 1) if 0 <= j < n}):
        while i < n and _name_beside_byline(blocks, i):
            blocks[i].drop = _NAME_BYLINE
            i += 1


def _name_beside_byline(blocks: list[Block], i: int) -> bool:
    """Whether blocks[i], dropped by structure, is a bare name beside a byline."""
    d = blocks[i].drop
    return (
        d is not None and d.rule.startswith("body.")
        and ((i > 0 and _byline_by_rule(blocks[i - 1])) or (i + 1 < len(blocks) and _byline_by_rule(blocks[i + 1])))
        and _NAME.fullmatch(blocks[i].text) is not None
    )


def _byline_by_rule(b: Block) -> bool:
    """Whether `b` was dropped as a byline by what it says (not by structure)."""
    d = b.drop
    return d is not None and d.category is _BYLINE and not d.rule.startswith("body.")


# The Decision of each rule that dropped a block, by rule id.  Two Cleaners
# may hold rules of one id that say different things: the Decision is
# checked against the rule.  Cleared when full: user packs made on the fly
# would otherwise grow it without bound.
_RULE_DECISIONS: dict[str, Decision] = {}
_RULE_DECISIONS_MAX = 10_000


def _rule_decision(rule: Rule) -> Decision:
    d = _RULE_DECISIONS.get(rule.id)
    if d is None or d.category is not rule.category or d.reason != rule.reason:
        if len(_RULE_DECISIONS) >= _RULE_DECISIONS_MAX:
            _RULE_DECISIONS.clear()
        d = _RULE_DECISIONS[rule.id] = Decision(rule.category, rule.id, rule.reason)
    return d


def _drop_by_rule(b: Block) -> None:
    b.drop = _rule_decision(b.hit.rule)


def _drop_by_cue(b: Block) -> None:
    # As _drop_unmatched, in one call: most blocks of a page are dropped here.
    if b.drop is None:
        b.drop = _rule_decision(b.cue.rule)


def _drop_page_title(b: Block) -> None:
    _drop_unmatched(b, _PAGE_TITLE)


def _drop_unmatched(b: Block, decision: Decision) -> None:
    # A section drop (or any earlier decision) is more specific: keep it.
    if b.drop is None:
        b.drop = decision


def mark_sections(blocks: list[Block], start: int = 0, containers: list | None = None) -> None:
    """Drop the blocks that follow a trailer heading until prose resumes.

    Only headings at or after `start` (where the body begins) count.  In
    HTML a paragraph of prose outside the element that holds the heading
    ends the section too: the box ("Trending News" and its links) has closed.
    """
    opener: Block | None = None
    box = None
    section: Decision | None = None  # the opener's, for every block of its section
    for i in range(start, len(blocks)):
        b = blocks[i]
        if b.hit is not None:
            if b.hit.rule.action is _DROP_SECTION:
                opener = b
                box = containers[b.container] if containers and b.container > 0 else None
                rule = b.hit.rule
                reason = f"In the {rule.category.value} section that the heading {_quote(b.text)} opens."
                section = Decision(rule.category, rule.id, reason)
            continue
        if opener is None:
            continue
        # A comment thread is prose too, comment after comment: once it has
        # begun, nothing but more comments follows.
        if opener.hit.rule.category is not _COMMENTS and (
            _prose_resumes(blocks, i) or (box is not None and _outside_box(b, box) and not _card_excerpt(blocks, i))
        ):
            opener = None
            continue
        b.drop = section


def main_container(blocks: list[Block], containers: list) -> tuple[int, int] | None:
    """The block range of the element that holds the article, or None.

    As readability does: each paragraph of prose credits its container with
    its length and the container's parent with half; the best container
    counts when it holds most of the document's prose.
    """
    score: dict[int, float] = {}
    prose = 0
    for b in blocks:
        if b.label is _GOOD and b.container > 0:
            n = len(b.text)
            prose += n
            score[b.container] = score.get(b.container, 0.0) + n
            parent = containers[b.container].parent
            if parent > 0:
                score[parent] = score.get(parent, 0.0) + n / 2
    if not score:
        return None
    best = max(score, key=score.__getitem__)
    lo, hi = containers[best].start, containers[best].end
    inside = [i for i, b in enumerate(blocks) if lo <= b.start and b.end <= hi]
    held = sum(len(blocks[i].text) for i in inside if blocks[i].label is _GOOD)
    if not inside or held < MAIN_CONTAINER_SHARE * prose:
        return None
    return inside[0], inside[-1] + 1


def forget_container_cues(blocks: list[Block], first: int, last: int) -> bool:
    """Drop the weak cues that name the article's own container.

    A template may put the story inside class="l-sidebar-fixed" or
    class="post-widget": a cue carried by most of the body run's prose is
    the article's wrapper, not furniture.  Returns whether any was dropped.
    """
    prose = 0
    by_value: dict[str, int] = {}
    for i in range(first, last + 1):
        b = blocks[i]
        if b.label is _GOOD:
            prose += len(b.text)
            if b.cue is not None:
                by_value[b.cue.value] = by_value.get(b.cue.value, 0) + len(b.text)
    wrappers = {v for v, chars in by_value.items() if chars * 2 >= prose}
    if not wrappers:
        return False
    for b in blocks:
        if b.cue is not None and b.cue.value in wrappers:
            b.cue = None
    return True


def _prose_middle(blocks: list[Block]) -> int:
    """The index of the block where half of the document's prose lies before."""
    total = sum(len(b.text) for b in blocks if b.label is _GOOD)
    seen = 0
    for i, b in enumerate(blocks):
        if b.label is _GOOD:
            seen += len(b.text)
            if seen * 2 >= total:
                return i
    return len(blocks)


def mark_teasers(blocks: list[Block], start: int) -> None:
    """Drop truncated excerpts ("…the minister said the...") after `start`.

    One paragraph ending in an ellipsis can be prose; several are the
    excerpts of a teaser list, cut off at a fixed length.
    """
    # A teaser's excerpt follows its headline, not another paragraph: an
    # author fond of trailing ellipses writes them in running prose.
    excerpts = [
        blocks[i] for i in range(start, len(blocks))
        if blocks[i].hit is None and blocks[i].words >= TEASER_MIN_WORDS
        and not (i > 0 and blocks[i - 1].label is _GOOD and blocks[i - 1].drop is None)
        and _truncated(blocks[i].text)
    ]
    if len(excerpts) < TEASER_MIN_COUNT:
        return
    for b in excerpts:
        if b.drop is None:
            b.drop = _TEASER_EXCERPT


def _card_excerpt(blocks: list[Block], i: int) -> bool:
    """Whether blocks[i] follows a byline or date line: a teaser card's excerpt.

    After a trailer heading, each card of a "More from us" grid carries its
    own author and date above its excerpt; the article's own prose does
    not follow a second byline.
    """
    prev = blocks[i - 1] if i > 0 else None
    return prev is not None and prev.drop is None and prev.hit is not None and prev.hit.rule.category is _BYLINE


def mark_cards(blocks: list[Block], start: int) -> None:
    """HTML: drop a grid of teaser cards (headlines and excerpts) that ends the page's prose.

    A card is a linked headline (an <h1>–<h6> that is all link) with an
    excerpt of prose at most CARD_REACH blocks below it.  An excerpt reads
    as prose, so the body run would take it in; a listicle's items may
    have linked headings too, so only a run of CARD_MIN_COUNT cards after
    which no other prose follows counts: the article has ended.
    """
    cards: list[int] = []
    headlines: list[int] = []
    for i in range(max(start, 1), len(blocks)):
        b = blocks[i]
        if b.label not in _PROSE_LABELS or b.hit is not None or b.link_density > LINK_DENSITY_NEAR:
            continue
        for j in range(i - 1, max(start, i - 1 - CARD_REACH) - 1, -1):
            above = blocks[j]
            if above.label is _GOOD:
                break
            if above.tag in _HEADINGS and above.link_density >= LINK_DENSITY_ALL:
                cards.append(i)
                headlines.append(j)
                break
    if len(cards) < CARD_MIN_COUNT:
        return
    excerpts = set(cards)
    if any(
        blocks[k].label is _GOOD and k not in excerpts and blocks[k].hit is None and blocks[k].drop is None
        for k in range(cards[0], len(blocks))
    ):
        return  # prose between or after the cards: the article goes on
    for i in cards + headlines:
        if blocks[i].drop is None and blocks[i].hit is None:
            blocks[i].drop = _TEASER_CARD


def _outside_box(b: Block, box) -> bool:
    """Whether `b` is a paragraph of prose outside the element `box`.

    Teaser excerpts are short or cut off, so they do not count.
    """
    return (
        b.label is _GOOD and not (box.start <= b.start and b.end <= box.end)
        and b.link_density <= LINK_DENSITY_NEAR and not _truncated(b.text)
    )


def _prose_resumes(blocks: list[Block], i: int) -> bool:
    """Whether blocks[i] starts RESUME_RUN paragraphs of prose in a row.

    Counted in paragraphs, not blocks: one teaser excerpt split at a glued
    sentence end is still one paragraph.  In text, lines that a line break
    separates count apart (another extractor's output puts one paragraph
    on each line), and a sentence of RESUME_MIN_WORDS words that ends in a
    full stop counts as prose even when it is too short to be GOOD (a
    teaser's headline may be a question, seldom a statement with a stop).
    """
    paragraphs = 0
    para = None
    prev_end = -1
    for j in range(i, len(blocks)):  # not blocks[i:]: a copy per call is quadratic
        b = blocks[j]
        prose = b.label is _GOOD or (
            b.label is _NEAR and b.words >= RESUME_MIN_WORDS and _ends_with_full_stop(b.text)
        )
        if not prose or b.hit is not None:
            return False
        # A glued split leaves no gap between its blocks; a line break does.
        if b.para != para or (not b.tag and b.start > prev_end):
            paragraphs += 1
            para = b.para
            if paragraphs == RESUME_RUN:
                return True
        prev_end = b.end
    return False


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def strictness(blocks: list[Block]) -> float:
    """How much this document looks like a page with furniture, about 0 to 1.

    The share of blocks that rules recognise as furniture is the evidence:
    a scraped page carries menus, share rows and footers (a tenth to a third
    of its blocks), an article that is already clean almost none.  The costs
    of unknown short blocks scale with it, so that a list inside a clean
    article is kept while a menu on a page is dropped.  Below zero means
    lenient: unknown blocks are welcome in the body.
    """
    if not blocks:
        return 0.0
    share = len(_strong_hits(blocks)) / len(blocks)
    return min(1.0, (share - EVIDENCE_LOW) / (EVIDENCE_HIGH - EVIDENCE_LOW))


def already_clean(blocks: list[Block]) -> bool:
    """Whether a text reads as an article that is already clean.

    Another extractor's output, or a story pasted from a CMS, opens with
    its prose and carries a stray line or two of furniture, or one kind of
    it repeated (a "Buy Now" under each product of a deals list); a page's
    full text opens with menus and carries many kinds.  On the ScrapingHub
    pages 95 in 100 page texts have at least 4 blocks before the first
    paragraph and 4 kinds of furniture; trafilatura's output of the same
    pages at most 3 and 3, their clean bodies at most 2 kinds.  Such a text
    is judged as `favor="recall"` would: its unknown short lines are list
    items and subheadings, not menus.  With almost no furniture at all
    (CLEAN_ANY_HITS), a text that opens with a list (a calendar, a table
    of results) is an article too.
    """
    strong = _strong_hits(blocks)
    hits = len(strong)
    if hits <= CLEAN_ANY_HITS:
        return True
    if hits > CLEAN_MAX_HITS and len({h.rule.id for h in strong}) > CLEAN_MAX_KINDS:
        return False
    lead = next((i for i, b in enumerate(blocks) if b.label is _GOOD), len(blocks))
    return lead <= CLEAN_LEAD


def _strong_hits(blocks: list[Block]) -> list[Hit]:
    """The blocks' rule hits that are evidence of furniture.

    Weak rules (separator lines, bare URLs) fire in clean articles too;
    they are no evidence of a page around the article.
    """
    return [b.hit for b in blocks if b.hit is not None and not b.hit.rule.weak]


def layout_strictness(blocks: list[Block]) -> float:
    """Strictness from the share of short lines that no rule knows, at most 1.

    Where no phrase rules exist for the language, menus and footers still
    show as runs of short lines that are not sentences: on the ScrapingHub
    pages they are about half of the blocks (the median), in the pages'
    clean bodies next to none (a tenth of the bodies reach a quarter).
    """
    if not blocks:
        return 0.0
    share = sum(b.label is _SHORT and not b.terminal and b.hit is None for b in blocks) / len(blocks)
    return min(1.0, (share - LAYOUT_LOW) / (LAYOUT_HIGH - LAYOUT_LOW))


_CELLS = frozenset(("td", "th"))


def _score(b: Block, strict: float, listed: bool = False) -> float:
    # Every block of a page is scored: those that no rule, cue or earlier
    # decision touched, most of them in text, take the shortest way through.
    if b.drop is not None:
        return -RULE_COST
    if listed:
        return NEAR_SHARE * b.length
    if b.hit is None and b.cue is None:
        if _data_cell(b):
            return 0.0
        return _label_score(b, strict)
    if b.label is not _GOOD and _ad_slot(b):
        # An ad between the article's paragraphs, its label ("Advertisement",
        # "Continue reading below") or its lines ("Thanks for watching!",
        # "Visit Website"), says nothing of where the article ends (a
        # trailer heading does): it neither ends nor extends the run.
        return 0.0
    if b.hit is None:
        # A DOM cue is a hint, not a verdict: templates wrap whole stories in
        # containers named like furniture.  Prose still scores as prose.
        return _label_score(b, strict) - CUE_COST
    if b.hit.rule.weak:
        # A bare number is a table cell too; separators, stray symbols and
        # bare URLs are no more telling than an unknown short line.
        return 0.0 if _data_cell(b) else -SHORT_COST * max(strict, 0.0)
    return -RULE_COST


def _data_cell(b: Block) -> bool:
    """Whether `b` is a link-free table cell that is not prose.

    Such a cell is data (a stats table between paragraphs), neither prose
    nor furniture: the tables that lay out menus are links.
    """
    return b.tag in _CELLS and b.label is not _GOOD and b.link_density <= LINK_DENSITY_NEAR


def _ad_slot(b: Block) -> bool:
    """Whether an ad rule (a block's, or else its container's cue) names `b`."""
    rule = b.hit.rule if b.hit is not None else b.cue.rule if b.cue is not None else None
    return rule is not None and rule.category is _AD and rule.action is _DROP_BLOCK


def _label_score(b: Block, strict: float) -> float:
    # b.length, not len(b.text): a Chinese paragraph scores what the same
    # prose in a spaced script would, against the same fixed costs.
    label = b.label
    if label is _GOOD:
        return float(b.length)
    if label is _NEAR:
        return NEAR_SHARE * b.length
    if label is _SHORT:
        return -SHORT_COST * strict
    return -BAD_SHARE * b.length * strict


def body_run(
    blocks: list[Block], strict: float = 1.0, start: int = 0, stop: int | None = None,
    listed: set[int] = frozenset(),
) -> tuple[int, int]:
    """The first and last index of the best-scoring run in blocks[start:stop], or (-1, -1).

    `listed` are the lead-in lines and what they announce (`announced`).
    """
    return _best_run(_scores(blocks, strict, listed, start, len(blocks) if stop is None else stop), start)


def _scores(blocks: list[Block], strict: float, listed: set[int], start: int, stop: int) -> list[float]:
    """The scores of blocks[start:stop]."""
    return [_score(blocks[i], strict, i in listed) for i in range(start, stop)]


def _best_run(scores: list[float], offset: int) -> tuple[int, int]:
    """The first and last index of the best-scoring run (the maximum-sum
    subarray), counted from `offset`, or (-1, -1) when no run scores above 0."""
    best, best_first, best_last = 0.0, -1, -1
    total, first = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, first = 0.0, i
        total += score
        if total > best:
            best, best_first, best_last = total, first, i
    if best_first < 0:
        return -1, -1
    return best_first + offset, best_last + offset


# Headlines do not end with a full stop (one after an abbreviation such as
# "10:30 a.m." or "Co." does not count), hold no sentence boundary inside,
# and carry no web address or run of "Label: value" pairs.
_ABBREVIATION_END = re.compile(r"(?:\b\w\.){2,}$|\b(?:Jr|Sr|Dr|Mr|Mrs|Ms|St|Inc|Co|Corp|Ltd|No|vs|Vol)\.$")
_INNER_SENTENCE_END = re.compile(r"[^\W\d_]{2}[.!?][\"”’)]?\s+[^\W\d_]")
_NOT_HEADLINE = re.compile(r"https?://|www\.|:.*:")


def _ends_with_full_stop(text: str) -> bool:
    text = text.rstrip("\"'”’)»] ")
    return text.endswith("。") or (text.endswith(".") and not _ABBREVIATION_END.search(text))


def _headline_like(b: Block) -> bool:
    return (
        b.hit is None
        and b.label is not _GOOD
        and TITLE_MIN_WORDS <= b.words <= TITLE_MAX_WORDS
        and not _ends_with_full_stop(b.text)
        and not _INNER_SENTENCE_END.search(b.text)
        and not _NOT_HEADLINE.search(b.text)
    )


def headline_anchor(blocks: list[Block]) -> int | None:
    """The headline that repeats the page's <title> line, or None.

    A scraped page opens with its <title> ("Headline | Site Name"); the
    block that repeats it is the headline, and the article starts right
    after it — even when a list of teasers before it holds more prose.
    Of several repetitions (breadcrumbs, share boxes), the one followed by
    the most prose wins.
    """
    if len(blocks) < 3:
        return None
    page_title = blocks[0].text.casefold()
    # The repetition carries most of the title: a subheading that merely
    # starts like it ("16-inch MacBook Pro" in a review of one) does not.
    # Case folding never shortens a text, so a block longer than the title
    # cannot start it: the length tests clear most blocks at no cost.
    shortest, longest = max(15, len(page_title) // 2), len(page_title)
    repeats = [
        i for i in range(1, len(blocks))
        if shortest <= len(blocks[i].text) <= longest and page_title.startswith(blocks[i].text.casefold())
    ]
    best, best_prose = None, 0
    for i in repeats:
        b = blocks[i]
        if not _headline_like(b):
            continue
        prose = sum(len(x.text) for x in blocks[i + 1:i + 1 + ANCHOR_REACH] if x.label is _GOOD)
        # HTML marks the headline: an <h1> repetition beats any other (a
        # gallery or share box that repeats the title inside the story).
        if prose and (b.tag == "h1", prose) > (best is not None and blocks[best].tag == "h1", best_prose):
            best, best_prose = i, prose
    return best


def find_title(blocks: list[Block], first: int, last: int | None = None) -> int | None:
    """The index of the headline when no block repeats the page title.

    The nearest headline-like block before the body, or the body's first
    block when prose follows it.  A lenient run (a clean text) may begin
    with a section label ("Astronomy") above the headline: the first
    headline-like block after such labels is the headline.
    """
    lead = first
    while lead < min(first + CLEAN_LEAD, len(blocks) - 1 if last is None else last) and _label_line(blocks[lead]):
        lead += 1
    if lead > first and _headline_like(blocks[lead]):
        return lead
    # HTML says which block is the headline: the last <h1> up to the body.
    for i in range(min(first + 1, len(blocks) - 1), -1, -1):
        if blocks[i].tag == "h1" and blocks[i].hit is None and 1 <= blocks[i].words <= TITLE_MAX_WORDS:
            return i
    lo = max(0, first - TITLE_LOOKBACK)
    # An HTML page's <title> element is metadata ("Headline | Site"), not
    # the headline on the page.
    candidates = [i for i in range(first, lo - 1, -1) if _headline_like(blocks[i]) and blocks[i].tag != "title"]
    if not candidates:
        return None
    nearest = candidates[0]
    if nearest == first and not (first + 1 < len(blocks) and blocks[first + 1].label in _PROSE_LABELS):
        return candidates[1] if len(candidates) > 1 else None
    return nearest


def _label_line(b: Block) -> bool:
    """A section label or kicker: a short line that cannot be the headline."""
    return b.label is _SHORT and b.words < TITLE_MIN_WORDS and b.hit is None


def _short_kept(blocks: list[Block], i: int, first: int, last: int) -> bool:
    """A short block in the body stays if it is a sentence or a subheading."""
    b = blocks[i]
    if b.terminal and b.words >= 2:
        return True
    if b.words > TITLE_MAX_WORDS or b.words == 0:
        return False
    # A subheading: prose on both sides within the body.
    return _prose_near(blocks, i, -1, first) and _prose_near(blocks, i, +1, last)


def _prose_near(blocks: list[Block], i: int, step: int, bound: int) -> bool:
    """Whether the nearest kept block from i in direction `step` is prose.

    Looks at most NEIGHBOUR_REACH blocks away, so the cost stays linear.
    """
    j = i + step
    for _ in range(NEIGHBOUR_REACH):
        if (j < bound) if step < 0 else (j > bound):
            return False
        b = blocks[j]
        if b.hit is None and b.drop is None and not b.is_title:
            return b.label in _PROSE_LABELS
        j += step
    return False
