"""Extracts the main text and metadata of a news page from HTML with trafilatura.

Hands on an Article (text, title, date, site name, author); navigation, scripts and comments are left out.
"""

from __future__ import annotations

import json
import re

import trafilatura

from ..errors import InputError
from ..model import Article, article_id_for
from .meta import normalise_published

# Menus, breadcrumbs and labels are short items ("Home | About", "Sign in"); a report holds a sentence. A page
# whose every line and menu item is shorter than this many words is not an article.
MIN_SENTENCE_WORDS = 6
_NAV_SEPARATORS = re.compile(r"[\n|•·»›/]+")


def _has_prose(text: str) -> bool:
    return any(len(item.split()) >= MIN_SENTENCE_WORDS for item in _NAV_SEPARATORS.split(text))


def article_from_html(html: str, name: str, url: str | None = None) -> Article:
    """The article in an HTML page, or an InputError naming the page when it holds no article text."""
    try:
        extracted = trafilatura.extract(
            html,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except (ValueError, TypeError) as err:  # lxml gives up on some malformed documents
        raise InputError(name, f"malformed HTML: {err}") from err
    if not extracted:
        raise InputError(name, "no article text found in the HTML page")
    data = json.loads(extracted)
    title = (data.get("title") or "").strip() or None
    text = (data.get("text") or "").strip()
    # trafilatura keeps the page heading as the first line; the title already holds it.
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest.strip()
    if not text:
        raise InputError(name, "no article text found in the HTML page")
    if not _has_prose(text):
        shown = text if len(text) <= 60 else text[:59] + "…"
        raise InputError(name, f"no article text found in the HTML page, only navigation or labels ({shown!r})")
    published = normalise_published(data.get("date") or "", name)
    return Article(
        id=article_id_for(text),
        raw_text=text,
        title=title,
        url=url or data.get("url") or None,
        outlet=data.get("source-hostname") or data.get("sitename") or data.get("hostname") or None,
        published=published,
        published_source="html" if published else None,
        source_path=name,
        author=data.get("author") or None,
    )
