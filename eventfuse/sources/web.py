"""Reads news pages by URL: fetches each one safely (``fetch``) and extracts the article with trafilatura.

Yields an Article per page and an InputError per page that could not be fetched or holds no article.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ..errors import InputError
from ..model import Article
from .fetch import HTML_TYPES, Fetched, Fetcher
from .files import Defaults, decode_bytes
from .html import article_from_html

log = logging.getLogger(__name__)

URL_SCHEMES = ("http://", "https://")


def is_url(text: str) -> bool:
    """True for an http(s) URL as given on the command line."""
    return text.lower().startswith(URL_SCHEMES)


def read_urls(
    urls: Iterable[str], fetcher: Fetcher, defaults: Defaults | None = None
) -> Iterator[Article | InputError]:
    """The article at each URL, in order; a page that fails yields an InputError naming the URL and why."""
    for url in urls:
        try:
            yield article_from_url(url, fetcher, defaults)
        except InputError as err:
            yield err


def article_from_url(url: str, fetcher: Fetcher, defaults: Defaults | None = None) -> Article:
    """Fetch one page and extract its article; the Article's url is the page's final URL after redirects."""
    page = fetcher.get(url, accept=HTML_TYPES)
    if page.status == 304:
        raise InputError(url, "not modified since the last fetch")
    if page.final_url != url:
        log.info("%s: redirected to %s", url, page.final_url)
    article = article_from_html(decode_page(page), url, url=page.final_url)
    return with_defaults(article, defaults) if defaults else article


def decode_page(page: Fetched) -> str:
    """The page's text: the charset its Content-Type names, else UTF-8, else the detected encoding."""
    charset = page.charset
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            log.info("%s: unknown charset %r; detecting the encoding", page.url, charset)
        else:
            return page.content.decode(charset, errors="replace")
    return decode_bytes(page.content, page.url)


def with_defaults(article: Article, defaults: Defaults) -> Article:
    """Fill the outlet and publication date from the command line when the page gives none."""
    published = article.published or defaults.published
    return replace(
        article,
        outlet=article.outlet or defaults.outlet,
        published=published,
        published_source=article.published_source if article.published else ("cli" if published else None),
    )
