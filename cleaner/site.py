"""Sites: which site a URL names, for the site rule packs.

A site pack (``rules/sites/<domain>.toml``, or a user's pack with a
``[site]`` table) applies to the pages of its domain and of every subdomain:
a pack for ``example.com`` serves ``www.example.com`` and
``news.example.com``, never ``notexample.com``.  Host names are compared in
their ASCII (IDNA) form, lowercased, without port, user info or trailing dot,
so ``https://WWW.Bücher.de:443/x`` and ``xn--bcher-kva.de`` name one site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import regex

# One DNS label in ASCII form: letters, digits and inner hyphens (an
# underscore appears in some real host names, so it is accepted).
_LABEL = regex.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# A scheme without "//" ("mailto:", "javascript:") names no host; a port
# after a bare host ("example.com:8080") is no scheme.
_OPAQUE_SCHEME = regex.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", regex.IGNORECASE)


def normalize_host(host: str) -> str:
    """`host` lowercased, in ASCII (IDNA) form, without a trailing dot.

    Raises ValueError when it is not a host name.

    >>> normalize_host("WWW.Bücher.DE.")
    'www.xn--bcher-kva.de'
    """
    host = host.strip().rstrip(".")
    if not host.isascii():
        try:
            # The IDNA codec also treats the ideographic full stops as dots.
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"{host!r} is not a valid international host name") from None
    host = host.lower()
    labels = host.split(".")
    if not host or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"{host!r} is not a host name")
    return host


def host_of(url: str) -> str:
    """The normalised host name that `url` names.

    Accepts a full URL (``https://www.example.com/a/b``), a URL without
    scheme (``//www.example.com/a``, ``www.example.com/a``) or a bare host.
    Raises ValueError, saying why, when there is no host name in it.

    >>> host_of("https://user@News.Example.com:8443/2024/05/x.html?id=1#top")
    'news.example.com'
    >>> host_of("www.example.com/2024/x.html")
    'www.example.com'
    """
    url = url.strip()
    if not url:
        raise ValueError("the URL is empty")
    if "://" not in url and not url.startswith("//"):
        if _OPAQUE_SCHEME.match(url):
            raise ValueError(f"{url[:80]!r} is not a web address")
        url = "//" + url
    try:
        netloc = urlsplit(url).netloc
    except ValueError as exc:
        raise ValueError(f"{url[:80]!r} is not a valid URL ({exc})") from None
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        raise ValueError(f"{url[:80]!r} names an IP address, not a site")
    host = host.partition(":")[0]
    if not host:
        raise ValueError(f"{url[:80]!r} has no host name")
    return normalize_host(host)


def domain_candidates(host: str) -> list[str]:
    """`host` and its parent domains, most specific first, without the bare
    top-level domain: the keys that site packs are looked up by.

    >>> domain_candidates("news.bbc.co.uk")
    ['news.bbc.co.uk', 'bbc.co.uk', 'co.uk']
    """
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(max(len(labels) - 1, 1))]


def on_domain(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains (both normalised).

    >>> on_domain("www.example.com", "example.com"), on_domain("notexample.com", "example.com")
    (True, False)
    """
    return host == domain or host.endswith("." + domain)
