"""The Python API: analyse files, URLs and web archives, watch feeds, query events and get them as records or a
table. The CLI and the web app are thin layers over it (input routing and the watch loop live here).

Hands on Events (``eventfuse.model``), their JSON records, and flat rows a pandas DataFrame takes as they are.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from . import pipeline
from .errors import InputError, one_line_reason
from .model import Event, to_json
from .sources.feeds import poll_feed
from .sources.fetch import Fetcher, FetchPolicy
from .sources.files import DEFAULT_MAX_BYTES, Defaults, read_articles
from .sources.warc import WarcStats, is_warc, read_warc
from .sources.web import is_url, read_urls
from .store import EventFilter, Store, open_store

log = logging.getLogger(__name__)

INGEST_CHUNK = 1000  # inputs stored per call of pipeline.ingest, so a long archive's reports do not pile up


@dataclass
class IngestCounts:
    """What ingesting some inputs did: article ids stored now or already, inputs rejected, archives read."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    archives: list[WarcStats] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return self.added + self.duplicates


def read_inputs(
    inputs: Sequence[str | Path],
    store: Store,
    fetcher: Fetcher,
    defaults: Defaults | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    archives: list[WarcStats] | None = None,
) -> Iterator[Any]:
    """Articles (or InputErrors) from each input in turn, by what it is: an http(s) URL is fetched, a WARC
    archive streamed (resuming after the last record the store saw), anything else read as files or folders.
    An input that breaks its reader is that input's error; the others go on."""
    defaults = defaults or Defaults()
    for given in inputs:
        arg = str(given)
        try:
            if is_url(arg):
                yield from read_urls([arg], fetcher, defaults)
            elif "://" in arg:
                yield InputError(arg, "unsupported URL scheme: only http and https URLs are fetched")
            elif is_warc(arg):
                stats = WarcStats(arg)
                if archives is not None:
                    archives.append(stats)
                yield from read_warc(Path(arg), store, stats, max_record_bytes=max_bytes)
            else:
                yield from read_articles([Path(arg)], defaults, max_bytes)
        except Exception as err:  # a bug shown by one input: that input's error, the others go on
            log.error("%s: could not be read: %s", arg, one_line_reason(err), extra={"trace": traceback.format_exc()})
            yield InputError(arg, f"could not be read ({one_line_reason(err)}): the traceback is in the log file")


def ingest_inputs(
    store: Store,
    inputs: Sequence[str | Path],
    defaults: Defaults | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    policy: FetchPolicy | None = None,
    on_error: Callable[[InputError], None] | None = None,
    progress: pipeline.Progress | None = None,
) -> IngestCounts:
    """Store the articles of files, folders, URLs and WARC archives (each article once), in chunks."""
    from .clean import load_rules

    rules = load_rules()
    counts = IngestCounts()
    with Fetcher(policy or FetchPolicy()) as fetcher:
        stream = read_inputs(inputs, store, fetcher, defaults, max_bytes, counts.archives)
        while True:
            report = pipeline.ingest(store, islice(stream, INGEST_CHUNK), rules, on_error=on_error, progress=progress)
            if not (report.added or report.duplicates or report.errors):
                break
            counts.added += report.added
            counts.duplicates += report.duplicates
            counts.errors += report.errors
    return counts


@dataclass(frozen=True)
class Poll:
    """One feed polled: its status (new, not-modified, failed), how many new items, what ingesting them did."""

    feed: str
    status: str
    new: int
    report: pipeline.IngestReport


def watch_feeds(
    store: Store,
    feeds: Sequence[str],
    fetcher: Fetcher,
    process: Callable[[], Sequence[str]],
    every: float,
    once: bool = False,
    on_poll: Callable[[Poll], None] | None = None,
    on_events: Callable[[list[Event]], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll each feed, ingest only its new items, and ``process`` the pending articles (it returns the events it
    touched); every ``every`` seconds, or once. Returns how many inputs the last round rejected. Each feed's
    state is kept in the store, so a restart goes on where the last watch stopped."""
    from .clean import load_rules

    rules = load_rules()
    while True:
        rejected = 0
        for feed in feeds:
            poll = poll_feed(store, feed, fetcher)
            report = pipeline.ingest(store, poll.items(), rules, on_error=on_error)
            rejected += len(report.errors)
            if on_poll:
                on_poll(Poll(feed, poll.status, len(poll.new), report))
        if store.pending_article_ids():
            touched = process()
            if touched and on_events:
                on_events([e for e in (store.get_event(i) for i in touched) if e])
        if once:
            return rejected
        sleep(every)


# --- for notebooks ----------------------------------------------------------------------------------


def analyze(
    inputs: str | Path | Sequence[str | Path],
    db: str | Path | None = None,
    *,
    published: str | None = None,
    resources: pipeline.Resources | None = None,
    policy: FetchPolicy | None = None,
) -> list[Event]:
    """Read reports (files, folders, http(s) URLs, WARC archives), process them into the store (``db``: a path or
    a postgresql:// URL; the default store when None) and return the events they report, in date order."""
    given = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    with open_store(db) as store:
        counts = ingest_inputs(store, given, Defaults(published=published), policy=policy)
        pipeline.run(store, resources or pipeline.Resources.load(), only=counts.added)
        return pipeline.events_of_articles(store, counts.article_ids)


def events(db: str | Path | None = None, **filters: Any) -> list[Event]:
    """The stored events, filtered as ``EventFilter`` says (date_from, date_to, event_type, country, text, actor,
    bbox=(west, south, east, north), limit)."""
    with open_store(db) as store:
        return store.events(EventFilter(**filters))


def records(found: Iterable[Event]) -> list[dict[str, Any]]:
    """Events in their JSON form (docs/schema.md): nested dicts and lists."""
    return [to_json(event) for event in found]


def table(found: Iterable[Event]) -> list[dict[str, Any]]:
    """One flat row per event (id, date, type, country, place and point, actors, the killed and injured at least,
    sources, disputed fields): ``pandas.DataFrame(table(events))`` needs nothing more."""
    from .summary import actor_names

    rows = []
    for event in found:
        location = event.fields.get("location")
        place = location.value if location and isinstance(location.value, dict) else {}
        rows.append(
            {
                "id": event.id,
                "date": event.date,
                "event_type": event.event_type,
                "sub_event_type": event.sub_event_type,
                "country": event.country,
                "place": place.get("name"),
                "latitude": place.get("lat"),
                "longitude": place.get("lon"),
                "actors": "; ".join(actor_names(event)),
                "killed": _at_least(event, "killed:"),
                "injured": _at_least(event, "injured:"),
                "sources": len(event.sources),
                "disputed": ", ".join(d.field for d in event.discrepancies),
                "title": event.title,
            }
        )
    return rows


def _at_least(event: Event, prefix: str) -> int | None:
    """The lower ends of an event's tolls of one kind (killed:people, killed:soldiers, ...) added up; None when
    no report gives one."""
    lows = [
        fused.value["min"]
        for name, fused in event.fields.items()
        if name.startswith(prefix) and isinstance(fused.value, dict) and isinstance(fused.value.get("min"), int)
    ]
    return sum(lows) if lows else None


__all__ = [
    "IngestCounts",
    "Poll",
    "analyze",
    "events",
    "ingest_inputs",
    "read_inputs",
    "records",
    "table",
    "watch_feeds",
]
