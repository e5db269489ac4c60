"""The public API: edge inputs, type errors, reuse, options, categories, docs."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import random
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner import Category, Cleaner, Options
from contract import assert_partition

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parent.parent
PROSE = "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3
ARTICLE = f"Council agrees budget\n\nHome\nNews\n\n{PROSE}\n\nAdvertisement\n\n{PROSE}\n\nRelated Posts\n\nOther story"


# --- edge inputs ------------------------------------------------------------------

@pytest.mark.parametrize("source", ["", " ", "\n\n\n", "\r\n\r\n", " \t\u00a0\u3000\n\r "], ids=repr)
def test_empty_and_whitespace_only(source):
    r = cleaner.clean(source)
    assert_partition(source, r)
    assert (r.text, r.title, r.segments, r.removed) == ("", None, (), ())
    assert r.confidence == 0.0


@pytest.mark.parametrize("source", ["Hello", "Hello\n", "  Hello  ", "Advertisement", "你好", "😀"])
def test_single_word(source):
    r = cleaner.clean(source)
    assert_partition(source, r)
    pieces = [s.text for s in r.segments] + [x.text for x in r.removed] + ([r.title.text] if r.title else [])
    assert pieces == [source.strip()]


def test_binary_junk():
    source = "".join(map(chr, range(0, 64))) + "\x7f\x80\x9f\ufffe\uffff" + chr(0xD800) + "\x00" * 100
    r = cleaner.clean(source)
    assert_partition(source, r)


def test_one_megabyte_of_prose_lines_finishes():
    rng = random.Random(1234)
    words = ("the council said on Tuesday that a budget of people would be agreed after "
             "debate in city hall and officials were not sure whether it was").split()
    lines, size = [], 0
    while size < 1_000_000:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 40))).capitalize() + rng.choice(".!?,:")
        lines.append(line)
        size += len(line) + 1
    source = "\n".join(line + ("\n" if rng.random() < 0.5 else "") for line in lines)
    r = cleaner.clean(source)
    assert_partition(source, r)
    assert r.text


# --- type errors ------------------------------------------------------------------

@pytest.mark.parametrize("value", [b"bytes", bytearray(b"x"), None, 42, ["a"]], ids=repr)
def test_clean_rejects_non_str(value):
    with pytest.raises(TypeError) as err:
        cleaner.clean(value)  # type: ignore[arg-type]
    message = str(err.value)
    assert "str" in message and type(value).__name__ in message


def test_clean_bytes_says_to_decode():
    with pytest.raises(TypeError, match="decode"):
        cleaner.clean(b"bytes")  # type: ignore[arg-type]


# --- reuse and options ------------------------------------------------------------

def test_cleaner_reuse_gives_identical_results():
    c = cleaner.Cleaner()
    first = c.clean(ARTICLE)
    c.clean("Something else entirely.\n\nMenu")
    second = c.clean(ARTICLE)
    assert first == second
    assert first.to_dict() == second.to_dict()
    assert cleaner.Cleaner().clean(ARTICLE) == first
    assert cleaner.clean(ARTICLE) == first


def test_default_cleaner_is_shared():
    assert cleaner.default_cleaner() is cleaner.default_cleaner()


def test_clean_many_matches_clean():
    c = cleaner.Cleaner()
    texts = [ARTICLE, "", PROSE]
    assert list(c.clean_many(texts)) == [c.clean(t) for t in texts]


@pytest.mark.parametrize("source", ["", "短い文章です。", ARTICLE], ids=["empty", "japanese", "english"])
def test_language_override_is_reported(source):
    assert cleaner.clean(source, language="en").language == "en"
    assert cleaner.Cleaner().clean(source, language="en").language == "en"


def test_language_option_on_the_cleaner():
    c = cleaner.Cleaner(options=cleaner.Options(language="en"))
    assert c.clean("短い文章です。").language == "en"
    # The per-call argument wins over the option.
    assert c.clean(ARTICLE, language="de").language == "de"


def test_language_detected():
    assert cleaner.clean(ARTICLE).language == "en"
    assert cleaner.clean("Hello").language is None


def test_english_rules_come_after_the_page_language():
    # Themes and widgets ship in English and are often left untranslated:
    # on a German page the English phrases still apply, after the German ones.
    german = "\n\n".join([
        "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss für Radfahrer und Fußgänger wieder zu öffnen.",
        "Die Arbeiten kosten nach Angaben der Stadt rund 1,2 Millionen Euro und sollen im Frühjahr beginnen, wenn das Wetter es zulässt.",
        "Anwohner auf beiden Seiten des Flusses hatten seit Jahren gefordert, dass die Brücke wieder geöffnet wird, weil der Umweg lang ist.",
        "Leave a Reply",
        "Das könnte Sie auch interessieren",
        "Neue Radwege im Norden der Stadt",
    ])
    result = cleaner.clean(german)
    assert result.language == "de"
    assert_partition(german, result)
    rules = {r.text: r.rule for r in result.removed}
    assert rules["Leave a Reply"].startswith("en.")
    assert rules["Das könnte Sie auch interessieren"].startswith("de.")
    # Without a language, the English rules apply alone.
    other = cleaner.clean(ARTICLE, language="zz")
    assert "en.ad.label" in [r.rule for r in other.removed]


def test_text_input_has_no_encoding_and_a_bounded_confidence():
    r = cleaner.clean(ARTICLE)
    assert r.encoding is None
    assert 0.0 <= r.confidence <= 1.0


def test_result_shape_on_a_small_article():
    r = cleaner.clean(ARTICLE)
    assert_partition(ARTICLE, r)
    assert r.title is not None and r.title.text == "Council agrees budget"
    assert r.text == PROSE.strip() + "\n\n" + PROSE.strip()
    assert [(x.text, x.category) for x in r.removed] == [
        ("Home", Category.NAVIGATION), ("News", Category.NAVIGATION), ("Advertisement", Category.AD),
        ("Related Posts", Category.RELATED), ("Other story", Category.RELATED),
    ]


# --- categories -------------------------------------------------------------------

DESIGN_CATEGORIES = "related navigation ad author_bio byline comments newsletter share caption legal boilerplate"


def test_category_values_are_the_design_names():
    assert [c.value for c in Category] == DESIGN_CATEGORIES.split()
    for c in Category:
        assert c.value == c.name.lower()
        assert str(c) == c.value
        assert Category(c.value) is c


# --- docs -----------------------------------------------------------------------

def test_pytest_runs_the_docstring_examples():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    assert "cleaner" in options["testpaths"]


def _modules() -> list[str]:
    return ["cleaner"] + sorted(
        f"cleaner.{m.name}" for m in pkgutil.iter_modules(cleaner.__path__) if not m.name.startswith("_")
    )


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    # The same examples, also when only tests/ is run.
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


def test_public_api():
    for name in cleaner.__all__:
        assert hasattr(cleaner, name), name
    assert cleaner.__version__


# --- the precision/recall preference ------------------------------------------

_PAGE = "\n".join([
    "Gazette", "Home", "News", "Sport", "Weather", "",
    "Bridge reopens to cyclists after two years", "",
    "The county council voted on Tuesday to reopen the old railway bridge to cyclists and walkers after a two-year closure.", "",
    "Engineers found that the steel deck was sound, but the railings and the lighting had to be replaced first.", "",
    "Cycling club notes", "",
    "The work cost about 1.2 million dollars, most of it paid by a state grant that the council won last spring.", "",
    "Gallery 12", "",
    "Related Posts", "",
    "Council approves budget", "",
    "Share this:", "Facebook", "Twitter",
])


def test_favor_is_validated():
    with pytest.raises(ValueError, match="favor"):
        Options(favor="speed")


def test_favor_recall_keeps_what_no_rule_names_and_precision_drops_more():
    kept = {f: Cleaner(options=Options(favor=f)).clean(_PAGE) for f in ("recall", "balanced", "precision")}
    for result in kept.values():
        assert "The work cost about 1.2 million dollars" in result.text
        # Rules and trailer sections act whatever the preference.
        assert "Council approves budget" not in result.text
        assert "Share this:" not in result.text
    # A subheading between paragraphs stays in every mode.
    assert all("Cycling club notes" in r.text for r in kept.values())
    # An unknown short line after the last paragraph: kept when favouring
    # recall, dropped when favouring precision.
    assert "Gallery 12" in kept["recall"].text
    assert "Gallery 12" not in kept["precision"].text
    assert len(kept["recall"].text) >= len(kept["balanced"].text) >= len(kept["precision"].text)


def test_favor_survives_pickling():
    import pickle

    c = pickle.loads(pickle.dumps(Cleaner(options=Options(favor="recall"))))
    assert c.options.favor == "recall"
