"""Feeds against a local server on 127.0.0.1: a feed that changes between polls, conditional GET, state
that survives a restart, items whose pages fail, and `eventfuse watch --once` end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from localserver import BLAST, RAID, LocalServer, Route, article_page
from typer.testing import CliRunner

from eventfuse.clean import load_rules
from eventfuse.cli import app
from eventfuse.errors import InputError
from eventfuse.model import Article
from eventfuse.pipeline import ingest
from eventfuse.sources.feeds import parse_feed, poll_feed
from eventfuse.sources.fetch import Fetcher, FetchPolicy
from eventfuse.store import Store

LOCAL = FetchPolicy(allow_private=True, min_interval=0, backoff=0.01, retries=0, respect_robots=False)
RAID_EXTRA = [
    "Residents said the gunmen also burned several houses and stole livestock before fleeing into the bush.",
    "The state governor condemned the killings and ordered more troops to the area, his spokesman said.",
]


class Feed:
    """An RSS feed on the local server whose items can change; it answers 304 to a matching ETag."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.items: list[tuple[str, str, str]] = []  # (guid, path, title), newest first

    def add(self, guid: str, path: str, title: str) -> None:
        self.items.insert(0, (guid, path, title))

    @property
    def etag(self) -> str:
        return '"v' + "-".join(guid for guid, _, _ in self.items) + '"'

    def __call__(self, headers: dict[str, str]) -> Route:
        if headers.get("if-none-match") == self.etag:
            return Route(b"", 304, {"ETag": self.etag})
        entries = "".join(
            f"<item><guid>{guid}</guid><title>{title}</title><link>{self.server.url(path)}</link>"
            "<pubDate>Sat, 14 Jun 2025 12:00:00 +0000</pubDate><description>Summary.</description></item>"
            for guid, path, title in self.items
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Horn Courier</title>{entries}</channel></rss>'
        return Route(body.encode(), headers={"Content-Type": "application/rss+xml", "ETag": self.etag})


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.routes["/blast.html"] = Route(article_page("Car bomb kills 12 in Beledweyne", BLAST))
        running.routes["/raid.html"] = Route(article_page("Gunmen kill seven farmers near Damboa", RAID))
        running.routes["/raid-update.html"] = Route(
            article_page("Death toll in Damboa attack rises", RAID[:2] + RAID_EXTRA)
        )
        yield running


@pytest.fixture
def feed(server: LocalServer) -> Feed:
    feed = Feed(server)
    feed.add("blast-1", "/blast.html", "Car bomb kills 12")
    feed.add("raid-1", "/raid.html", "Gunmen kill seven farmers")
    server.routes["/rss.xml"] = feed
    return feed


def _poll(db: Path, url: str) -> tuple[str, list[Article], list[InputError]]:
    """One poll as a fresh process would do it: a new store connection and a new fetcher."""
    with Store.open(db) as store, Fetcher(LOCAL) as fetcher:
        poll = poll_feed(store, url, fetcher)
        items = list(poll.items())
        for item in items:
            if isinstance(item, Article):
                store.add_article(item)
    return (
        poll.status,
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, InputError)],
    )


def test_only_new_items_across_polls_and_restarts(server: LocalServer, feed: Feed, tmp_path: Path) -> None:
    db, url = tmp_path / "e.db", server.url("/rss.xml")
    status, articles, errors = _poll(db, url)
    assert status == "fetched" and not errors
    assert [a.title for a in articles] == ["Car bomb kills 12 in Beledweyne", "Gunmen kill seven farmers near Damboa"]
    assert articles[0].url == server.url("/blast.html")

    status, articles, _ = _poll(db, url)  # unchanged: the server answers 304 to the stored ETag
    assert status == "not-modified" and articles == []
    assert server.requests[-1].headers["if-none-match"] == feed.etag

    feed.add("raid-2", "/raid-update.html", "Death toll rises")
    status, articles, _ = _poll(db, url)
    assert status == "fetched"
    assert [a.title for a in articles] == ["Death toll in Damboa attack rises"]
    assert server.hits("/blast.html") == 1 and server.hits("/raid.html") == 1


def test_feed_date_and_name_fill_what_the_page_lacks(server: LocalServer, feed: Feed, tmp_path: Path) -> None:
    bare = f"<html><body><article>{''.join(f'<p>{p}</p>' for p in BLAST)}</article></body></html>"
    server.routes["/blast.html"] = Route(bare.encode())
    _, articles, _ = _poll(tmp_path / "e.db", server.url("/rss.xml"))
    assert articles[0].published == "2025-06-14T12:00+00:00"
    assert articles[0].outlet == "Horn Courier" and articles[0].title == "Car bomb kills 12"


def test_failed_items_reported_lasting_ones_not_retried(server: LocalServer, feed: Feed, tmp_path: Path) -> None:
    feed.add("dead-1", "/dead.html", "Gone")
    server.routes["/busy.html"] = Route(b"busy", 503, {"Content-Type": "text/plain"})
    feed.add("busy-1", "/busy.html", "Busy")
    db, url = tmp_path / "e.db", server.url("/rss.xml")
    _, articles, errors = _poll(db, url)
    assert len(articles) == 2
    assert sorted(e.reason.split(" after")[0] for e in errors) == ["HTTP 404 not found", "HTTP 503 Service Unavailable"]
    feed.add("blast-2", "/blast.html", "Same story, new guid")  # the feed changes; its items are read again
    _, articles, errors = _poll(db, url)
    assert [e.source for e in errors] == [server.url("/busy.html")]  # the 503 is tried again, the 404 is not
    assert server.hits("/dead.html") == 1 and server.hits("/busy.html") == 2
    with Store.open(db) as store:
        assert store.count_articles() == 2  # the new guid for the same story is not stored twice


def test_not_a_feed_and_unreachable_feed(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/page.xml"] = Route(b"<html><body>hello</body></html>", headers={"Content-Type": "text/xml"})
    status, _, errors = _poll(tmp_path / "e.db", server.url("/page.xml"))
    assert status == "failed" and "not an RSS or Atom feed" in errors[0].reason
    status, _, errors = _poll(tmp_path / "e.db", server.url("/missing.xml"))
    assert status == "failed" and errors[0].reason == "HTTP 404 not found"
    with Store.open(tmp_path / "e.db") as store:
        assert store.feed_state(server.url("/missing.xml"))["error"] == "HTTP 404 not found"


def test_atom_entries_without_ids_are_keyed_by_link() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>
    <entry><title>One</title><link href="https://ledger.example/1"/><updated>2025-06-15T08:00:00Z</updated></entry>
    </feed>"""
    title, [entry] = parse_feed(atom, "https://ledger.example/atom")
    assert (title, entry.key, entry.published) == ("Ledger", "https://ledger.example/1", "2025-06-15T08:00+00:00")


def test_feed_articles_go_through_the_pipeline_once(server: LocalServer, feed: Feed, tmp_path: Path) -> None:
    db, url = tmp_path / "e.db", server.url("/rss.xml")
    with Store.open(db) as store, Fetcher(LOCAL) as fetcher:
        first = ingest(store, poll_feed(store, url, fetcher).items(), load_rules())
        feed.add("blast-2", "/blast.html", "Same page again under a new guid")
        second = ingest(store, poll_feed(store, url, fetcher).items(), load_rules())
    assert len(first.added) == 2 and second.added == [] and len(second.duplicates) == 1


def test_cli_watch_once_ingests_and_processes(
    server: LocalServer, feed: Feed, tmp_path: Path, gazetteer_path: Path
) -> None:
    db, url = tmp_path / "e.db", server.url("/rss.xml")
    args = ["watch", url, "--once", "--db", str(db), "--allow-private", "--delay", "0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"{url}: 2 new items: 2 articles stored" in result.output
    assert "Beledweyne" in result.output  # the events table of what was processed
    with Store.open(db) as store:
        assert store.count_articles("processed") == 2 and store.count_events() >= 2
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and f"{url}: not modified since the last poll" in again.output


def test_cli_watch_rejects_a_bad_interval() -> None:
    result = CliRunner().invoke(app, ["watch", "https://example.org/rss", "--every", "soon"])
    assert result.exit_code == 2 and "--every 'soon'" in result.output


def test_a_feed_item_of_the_zero_time_is_refused_naming_its_page(server: LocalServer, tmp_path: Path) -> None:
    """Issue 29 item 2: feeds emit 0001-01-01 for an unknown date; such an item is refused, the others go in."""
    bare = f"<html><body><article>{''.join(f'<p>{p}</p>' for p in BLAST)}</article></body></html>"
    server.routes["/zero.html"] = Route(bare.encode())
    items = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>{server.url(path)}</link><pubDate>{day}</pubDate></item>"
        for guid, title, path, day in (
            ("zero", "Car bomb kills 12", "/zero.html", "Mon, 01 Jan 0001 00:00:00 +0000"),
            ("raid", "Gunmen kill seven farmers", "/raid.html", "Sat, 14 Jun 2025 12:00:00 +0000"),
        )
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Zero</title>{items}</channel></rss>'
    server.routes["/zero.xml"] = Route(body.encode(), headers={"Content-Type": "application/rss+xml"})
    with Store.open(tmp_path / "e.db") as store, Fetcher(LOCAL) as fetcher:
        report = ingest(store, poll_feed(store, server.url("/zero.xml"), fetcher).items(), load_rules())
        assert len(report.added) == 1 and store.count_articles() == 1
    [error] = report.errors
    assert error.source == server.url("/zero.html") and "0001-01-01" in error.reason and "before 1900" in error.reason
