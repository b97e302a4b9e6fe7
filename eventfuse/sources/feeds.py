"""Reads RSS and Atom feeds (feedparser): polls each feed with a conditional GET and fetches only new items.

Yields an Article per new item (its page fetched and extracted) and an InputError per feed or item that
failed. The feed's state lives in the store (ETag, Last-Modified, items seen), so a restart goes on.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from ..errors import InputError
from ..model import Article
from ..store import Store
from .fetch import FEED_TYPES, Fetcher, FetchError
from .html import article_from_html
from .web import article_from_url

log = logging.getLogger(__name__)

# Seen marks of items that left the feed are dropped after this long (feeds rarely bring an item back).
FORGET_AFTER_S = 90 * 24 * 3600
# Feed content this long (characters of HTML) stands in for a page that cannot be fetched.
MIN_FEED_CONTENT = 500


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as much as the feed says about it."""

    key: str
    link: str | None
    title: str | None
    published: str | None  # ISO datetime (UTC)
    content: str | None  # full content (content:encoded, Atom content), else the summary


@dataclass
class FeedPoll:
    """One poll of one feed. ``items()`` yields the new items' articles and records each as seen."""

    url: str
    store: Store
    fetcher: Fetcher
    status: str = "pending"  # not-modified | fetched | failed
    error: InputError | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    new: list[FeedEntry] = field(default_factory=list)
    outlet: str | None = None
    _validators: tuple[str | None, str | None] = (None, None)

    def items(self) -> Iterator[Article | InputError]:
        """The articles of the new items, oldest first; the feed's state is saved when all are consumed.

        An item is marked seen once the consumer has taken its article (or a lasting error); an item whose
        page failed for a passing reason (timeout, 5xx) is tried again at the next poll.
        """
        if self.error is not None:
            self.store.save_feed_state(self.url, None, None, "failed", self.error.reason)
            yield self.error
            return
        for entry in self.new:
            item = self._article(entry)
            yield item
            if isinstance(item, Article) or not getattr(item, "transient", False):
                self.store.mark_feed_item_seen(self.url, entry.key)
        etag, last_modified = self._validators
        # Validators are saved last: a poll cut short fetches the whole feed again next time.
        self.store.save_feed_state(self.url, etag, last_modified, self.status)
        if self.entries:
            self.store.forget_feed_items(self.url, (e.key for e in self.entries), time.time() - FORGET_AFTER_S)

    def _article(self, entry: FeedEntry) -> Article | InputError:
        where = f"{self.url} item {entry.link or entry.key}"
        if entry.link:
            try:
                article = article_from_url(entry.link, self.fetcher)
            except InputError as err:
                fallback = self._from_content(entry, where)
                if fallback is None:
                    return err
                log.warning("%s: %s; using the text the feed carries", entry.link, err.reason)
                article = fallback
        else:
            article = self._from_content(entry, where) or InputError(where, "the item has no link and no content")
            if isinstance(article, InputError):
                return article
        return _with_entry_metadata(article, entry, self.outlet)

    def _from_content(self, entry: FeedEntry, where: str) -> Article | None:
        if not entry.content or len(entry.content) < MIN_FEED_CONTENT:
            return None
        try:
            return article_from_html(f"<html><body><article>{entry.content}</article></body></html>", where)
        except InputError:
            return None


def poll_feed(store: Store, url: str, fetcher: Fetcher) -> FeedPoll:
    """Fetch a feed (conditional GET against the stored ETag and Last-Modified) and find its new items."""
    poll = FeedPoll(url, store, fetcher)
    state = store.feed_state(url) or {}
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    try:
        fetched = fetcher.get(url, accept=FEED_TYPES, headers=headers)
    except FetchError as err:
        poll.status, poll.error = "failed", err
        return poll
    if fetched.status == 304:
        poll.status = "not-modified"
        return poll
    try:
        poll.outlet, poll.entries = parse_feed(fetched.content, url, fetched.headers)
    except InputError as err:
        poll.status, poll.error = "failed", err
        return poll
    poll.status = "fetched"
    poll._validators = (fetched.headers.get("etag"), fetched.headers.get("last-modified"))
    seen = store.seen_feed_items(url)
    poll.new = [e for e in reversed(poll.entries) if e.key not in seen]  # feeds list the newest first
    return poll


def parse_feed(data: bytes, url: str, headers: dict[str, str] | None = None) -> tuple[str | None, list[FeedEntry]]:
    """The feed's title and its entries; an InputError when the document is not a feed."""
    parsed = feedparser.parse(data, response_headers=dict(headers or {}))
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise InputError(url, f"not an RSS or Atom feed{detail}")
    if parsed.get("bozo"):
        log.info("%s: feed is not well-formed (%s); read leniently", url, parsed.get("bozo_exception"))
    title = (parsed.feed.get("title") or "").strip() or None
    return title, [_entry(e) for e in parsed.entries]


def _entry(entry: Any) -> FeedEntry:
    link = (entry.get("link") or "").strip() or None
    content = None
    for part in entry.get("content") or ():
        if part.get("value"):
            content = part["value"]
            break
    content = content or entry.get("summary") or None
    key = (entry.get("id") or "").strip() or link
    if not key:
        digest = hashlib.sha256(f"{entry.get('title', '')}\n{content or ''}".encode()).hexdigest()
        key = "sha256:" + digest[:32]
    published = None
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed_time:
        try:
            published = datetime.fromtimestamp(calendar.timegm(parsed_time), UTC).isoformat(timespec="minutes")
        except (ValueError, OverflowError, OSError):  # a time outside the calendar: the entry is undated
            log.warning("%s: feed date %s is outside the calendar; ignored", key, tuple(parsed_time)[:6])
    title = (entry.get("title") or "").strip() or None
    return FeedEntry(key=key, link=link, title=title, published=published, content=content)


def _with_entry_metadata(article: Article, entry: FeedEntry, outlet: str | None) -> Article:
    """The page's own metadata first; the feed's title, date and name fill what the page lacks."""
    published, source = article.published, article.published_source
    if not published and entry.published:
        published, source = entry.published, "metadata"
    page_outlet = article.outlet
    if page_outlet and article.url and page_outlet in (urlsplit(article.url).netloc, urlsplit(article.url).hostname):
        page_outlet = None  # the page named no site, only its host: the feed's title says more
    return replace(
        article,
        title=article.title or entry.title,
        url=article.url or entry.link,
        outlet=page_outlet or outlet or article.outlet,
        published=published,
        published_source=source,
    )
