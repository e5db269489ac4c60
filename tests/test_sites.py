"""Site rules: packs for one site (rules/sites/<domain>.toml, or a user's pack
with a [site] table) apply only when url= names that site or a subdomain.

Each built-in pack's example URLs must select it and look-alike hosts must
not; its rules must fire with the URL and stay silent without it; the
[site] table is validated as strictly as the rules.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import cleaner
from cleaner.ruleset import RuleError, Scope, builtin_site_packs, load_pack
from cleaner.site import domain_candidates, host_of, normalize_host, on_domain
from contract import assert_partition

SITE_PACKS = builtin_site_packs()
CLEANER = cleaner.Cleaner()

PROSE_A = "The council met on Tuesday and agreed the budget for next year after a long debate. " * 3
PROSE_B = "Councillors said the vote was close, and that the debate had lasted late into the night. " * 3


def _ids(packs) -> list[str]:
    return [Path(p.path).stem for p in packs]


# --- the built-in packs ---------------------------------------------------------

def test_site_packs_ship_for_several_sites():
    domains = {p.site.domain for p in SITE_PACKS}
    assert {"theguardian.com", "bbc.co.uk", "spiegel.de", "lemonde.fr"} <= domains


@pytest.mark.parametrize("pack", SITE_PACKS, ids=_ids(SITE_PACKS))
def test_site_pack_is_named_after_its_domain(pack):
    assert Path(pack.path).name == f"{pack.site.domain}.toml"
    assert pack.language is None
    assert all(r.id.startswith(pack.site.domain + ".") for r in pack.rules)


@pytest.mark.parametrize("pack", SITE_PACKS, ids=_ids(SITE_PACKS))
def test_example_urls_select_the_pack(pack):
    assert pack.site.examples
    for url in pack.site.examples:
        assert pack in CLEANER.site_packs(url), url


@pytest.mark.parametrize("pack", SITE_PACKS, ids=_ids(SITE_PACKS))
def test_look_alike_hosts_do_not_select_the_pack(pack):
    domain = pack.site.domain
    name, _, tld = domain.partition(".")
    look_alikes = [
        f"https://not{domain}/2024/05/x.html",          # a longer name ending in the domain
        f"https://www.{domain}.evil.example/x.html",     # the domain as a subdomain of another
        f"https://www.{name}-{tld.replace('.', '-')}.com/x",
        f"https://www.{name}.xyz/x",                     # same name, other top-level domain
        f"https://example.org/?next=https://www.{domain}/x",  # the domain in the query only
    ]
    for url in look_alikes:
        assert pack not in CLEANER.site_packs(url), url


@pytest.mark.parametrize("pack", SITE_PACKS, ids=_ids(SITE_PACKS))
def test_site_rules_fire_only_with_the_url(pack):
    url = pack.site.examples[0]
    for rule in pack.rules:
        line = rule.match[0]
        source = f"Council agrees budget after long debate\n\n{PROSE_A}\n\n{line}\n\n{PROSE_B}"
        with_url = CLEANER.clean(source, url=url)
        assert_partition(source, with_url)
        assert rule.id in [r.rule for r in with_url.removed], (rule.id, line)
        without = CLEANER.clean(source)
        assert rule.id not in [r.rule for r in without.removed], rule.id
        # Another site's URL does not bring this site's rules either.
        other = next(p for p in SITE_PACKS if p is not pack).site.examples[0]
        assert rule.id not in [r.rule for r in CLEANER.clean(source, url=other).removed]


def test_bbc_alias_and_subdomains():
    (bbc,) = [p for p in SITE_PACKS if p.site.domain == "bbc.co.uk"]
    for url in ["https://www.bbc.com/news/x", "HTTPS://News.BBC.co.uk:443/x", "//bbc.co.uk/sport",
                "www.bbc.co.uk/news/uk-1", "https://user@www.bbc.com./news"]:
        assert CLEANER.site_packs(url) == [bbc], url


def test_clean_html_applies_site_rules():
    html = (
        "<html><body><article><h1>Council agrees budget</h1>"
        f"<p>{PROSE_A}</p><p>Image caption, Councillors leave the chamber</p><p>{PROSE_B}</p>"
        "</article></body></html>"
    )
    r = cleaner.clean_html(html, url="https://www.bbc.co.uk/news/uk-1")
    assert [x.rule for x in r.removed if "Image caption" in x.text] == ["bbc.co.uk.caption.media-label"]
    # The module-level function and the method agree; without url the BBC rule is not used.
    assert "bbc.co.uk.caption.media-label" not in [x.rule for x in cleaner.clean_html(html).removed]


def test_site_rules_take_priority_over_language_rules():
    # "Related Topics" is English furniture too (en.related.*); on the BBC the
    # site's own rule decides.
    source = f"Council agrees budget after long debate\n\n{PROSE_A}\n\n{PROSE_B}\n\nRelated Topics\n\nCouncil tax"
    on_site = cleaner.clean(source, url="https://www.bbc.co.uk/news/x")
    assert [x.rule for x in on_site.removed if x.text == "Related Topics"] == ["bbc.co.uk.related.heading"]
    off_site = cleaner.clean(source)
    assert [x.rule for x in off_site.removed if x.text == "Related Topics"] != ["bbc.co.uk.related.heading"]


def test_rules_are_compiled_once_per_language_and_site():
    c = cleaner.Cleaner()
    url = "https://www.theguardian.com/world/x"
    source = f"Headline here\n\n{PROSE_A}"
    c.clean(source, url=url)
    c.clean(source, url="https://amp.theguardian.com/y")
    c.clean(source)
    assert len(c._compiled) == 2  # (en, theguardian.com) and (en, no site)
    assert c._rules_for("en", ("theguardian.com",)) is c._rules_for("en", ("theguardian.com",))


# --- bad URLs ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["", "   ", "mailto:editor@bbc.co.uk", "https://", "http://exa mple.com/",
                                 "http://[::1]/x", "javascript:alert(1)", "http://a..b/"])
def test_bad_url_applies_no_site_rules_and_warns(url):
    source = f"Council agrees budget\n\n{PROSE_A}\n\nImage caption, Councillors leave\n\n{PROSE_B}"
    r = cleaner.clean(source, url=url)
    assert_partition(source, r)
    assert any(w.startswith("url: ") for w in r.warnings), r.warnings
    assert not any(x.rule.startswith("bbc.co.uk.") for x in r.removed)
    with pytest.raises(ValueError):
        CLEANER.site_packs(url)


def test_url_must_be_a_string():
    with pytest.raises(TypeError, match="url must be str"):
        cleaner.clean("Some text here.", url=b"https://www.bbc.co.uk/")  # type: ignore[arg-type]


def test_no_warning_for_a_good_url_without_site_pack():
    r = cleaner.clean(f"Headline here\n\n{PROSE_A}", url="https://news.example.org/2024/x.html")
    assert not [w for w in r.warnings if w.startswith("url:")]


# --- host names ---------------------------------------------------------------------

def test_host_of_normalises():
    assert host_of("https://User:pw@WWW.Example.COM:8443/a?b#c") == "www.example.com"
    assert host_of("example.com:8080/path") == "example.com"
    assert host_of("//cdn.example.com/x") == "cdn.example.com"
    assert host_of("https://www.bücher.de/x") == "www.xn--bcher-kva.de"
    assert normalize_host("Bücher.DE.") == "xn--bcher-kva.de"


def test_domain_matching_is_by_whole_labels():
    assert on_domain("news.example.com", "example.com")
    assert on_domain("example.com", "example.com")
    assert not on_domain("notexample.com", "example.com")
    assert not on_domain("example.com.evil.org", "example.com")
    assert domain_candidates("a.b.example.co.uk") == ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk", "co.uk"]


# --- user site packs -----------------------------------------------------------------

SITE_PACK = '''
[pack]
description = "test site"

[site]
domain = "{domain}"
examples = [{examples}]
{extra}
[[rules]]
id = "mine.zorblax"
category = "ad"
scope = "block"
action = "drop_block"
pattern = \'\'\'zorblax deals.{{0,40}}$\'\'\'
note = "A test rule."
match = ["Zorblax deals"]
no_match = ["The zorblax was sold."]
'''

ARTICLE = f"Council agrees budget after long debate\n\n{PROSE_A}\n\nZorblax deals of the week\n\n{PROSE_B}"


def _site_pack(tmp_path: Path, domain: str = "example.org", examples: str = '"https://www.example.org/a.html"',
               extra: str = "", name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(SITE_PACK.format(domain=domain, examples=examples, extra=extra), encoding="utf-8")
    return path


def test_user_site_pack_applies_only_on_its_site(tmp_path):
    c = cleaner.Cleaner(rules=[_site_pack(tmp_path)])
    on = c.clean(ARTICLE, url="https://blog.example.org/2024/x")
    assert [x.rule for x in on.removed] == ["mine.zorblax"]
    for url in (None, "https://example.com/x", "https://notexample.org/x", "https://example.org.evil.net/"):
        assert "mine.zorblax" not in [x.rule for x in c.clean(ARTICLE, url=url).removed], url


def test_user_site_pack_beats_the_language_pack(tmp_path):
    # A user's site rule that claims a line English rules know ("Related Posts").
    path = _site_pack(tmp_path).read_text(encoding="utf-8").replace(
        "zorblax deals.{0,40}$", "related posts\\W*$").replace('"Zorblax deals"', '"Related Posts"')
    (tmp_path / "mine.toml").write_text(path, encoding="utf-8")
    c = cleaner.Cleaner(rules=[tmp_path / "mine.toml"])
    source = f"Headline of the story\n\n{PROSE_A}\n\n{PROSE_B}\n\nRelated Posts\n\nOther story"
    assert [x.rule for x in c.clean(source, url="https://example.org/x").removed][0] == "mine.zorblax"
    assert [x.rule for x in c.clean(source).removed][0] == "en.related.heading"


def test_user_site_pack_with_an_international_domain(tmp_path):
    path = _site_pack(tmp_path, domain="bücher.de", examples='"https://www.bücher.de/a"')
    c = cleaner.Cleaner(rules=[path])
    for url in ("https://www.xn--bcher-kva.de/x", "https://BÜCHER.de/x", "https://shop.bücher.de/x"):
        assert "mine.zorblax" in [x.rule for x in c.clean(ARTICLE, url=url).removed], url


def test_user_site_pack_survives_pickling(tmp_path):
    c = pickle.loads(pickle.dumps(cleaner.Cleaner(rules=[_site_pack(tmp_path)])))
    assert "mine.zorblax" in [x.rule for x in c.clean(ARTICLE, url="https://example.org/x").removed]
    assert "mine.zorblax" not in [x.rule for x in c.clean(ARTICLE).removed]


BROKEN_SITES = {
    "unknown-key": ({"extra": 'owner = "me"'}, "unknown keys in [site]: owner"),
    "example-off-site": ({"examples": '"https://www.example.com/a"'}, "examples not on example.org"),
    "no-examples": ({"examples": ""}, "examples must be a non-empty list"),
    "bad-domain": ({"domain": "exa mple.org"}, "is not a host name"),
    "top-level-domain": ({"domain": "org", "examples": '"https://www.example.org/a"'}, "top-level domain"),
    "aliases-not-a-list": ({"extra": 'aliases = "example.net"'}, "aliases a list of strings"),
}


@pytest.mark.parametrize("case", list(BROKEN_SITES))
def test_broken_site_table_names_the_file(tmp_path, case):
    kwargs, problem = BROKEN_SITES[case]
    path = _site_pack(tmp_path, **kwargs)
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_site_pack_may_not_name_a_language(tmp_path):
    path = _site_pack(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('description = "test site"',
                                                             'description = "x"\nlanguage = "en"'), encoding="utf-8")
    with pytest.raises(RuleError, match=r"mine\.toml: a site pack applies to every page"):
        load_pack(path)


def test_unknown_rule_key_in_a_site_pack_names_file_and_rule(tmp_path):
    path = _site_pack(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "weight = 3\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"mine\.toml: rule 'mine\.zorblax': unknown keys: weight"):
        load_pack(path)


def test_site_rules_are_checked_like_all_rules():
    # Every built-in site rule is in the scopes the engine applies, with
    # examples (the parametrized example test in test_rules.py runs them).
    for pack in SITE_PACKS:
        for rule in pack.rules:
            assert rule.scope in (Scope.BLOCK, Scope.HEADING, Scope.INLINE)
            assert rule.match and rule.no_match, rule.id

