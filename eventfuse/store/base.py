"""The store's queries, written once for both backends (SQLite and PostgreSQL): a backend gives a connection,
its transactions, its migrations and the few phrases where the two dialects differ.

Hands on articles, mentions and claims, events, their history and the grouping index as typed records.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import AmbiguousIdError
from ..model import Article, Claim, Event, Mention, Place, RemovedLine, TimeValue, from_json, to_json
from ..summary import actor_words, event_summary, lat_lon, list_key

log = logging.getLogger(__name__)
MAX_ID_CHARS = 64  # an id (ev_ and 12 hex digits) is far shorter: a longer one names nothing
AMBIGUOUS_SHOWN = 10  # the candidates an ambiguous id prefix lists
PROFILES_KEPT = 5_000  # parsed grouping profiles a store keeps in memory (a few days of events)


@dataclass(frozen=True)
class EventFilter:
    """Filters for listing events; every one is optional."""

    date_from: str | None = None
    date_to: str | None = None
    event_type: str | None = None
    country: str | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0
    actor: str | None = None  # a name or wording of any of its actors (substring, any case)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north: its location inside


NO_FILTER = EventFilter()


@dataclass(frozen=True)
class EventPage:
    """One page of the event list from the summary columns: each event's summary as stored JSON text (no
    parsing), and the key to ask for the next page with (None on the last)."""

    summaries: list[str]
    next_after: str | None


class SqlStore:
    """The queries both backends share. A backend sets the dialect phrases below and implements ``_execute``,
    ``_executemany``, ``_tuples``, ``transaction``, ``close`` and ``schema_version``."""

    # how far an event's day is from a given day (the nearest first), with one ? for the day
    _DAY_DISTANCE = "abs(julianday(substr(day || '-15', 1, 10)) - julianday(?))"
    _LIKE = "LIKE"  # a case-insensitive LIKE
    # put a mention in an event (the mention goes to the end of the event's order) and that order
    _LINK_SQL = "INSERT OR REPLACE INTO event_mentions (mention_id, event_id) VALUES (?, ?)"
    _LINK_ORDER = "rowid"
    target: str  # the path or URL it was opened from (without a password)

    def __init__(self) -> None:
        # Parsed grouping profiles of recently read events: a frame is scored against the events of its days,
        # which the next frames read again (dropped on every write to an event, on a rollback, and whenever
        # another writer may have changed them: ``_forget_cached``).
        self._profiles: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _tuples(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (a frame's lookups read hundreds of rows)."""
        raise NotImplementedError

    def _forget_cached(self) -> None:
        self._profiles.clear()

    def _after_copy(self) -> None:
        """Once rows were copied in with their own ids (``copy.copy_store``): the counters that make ids go on
        past them."""

    @property
    def path(self) -> str:
        """Where the store is (a file path or a URL without its password), for messages."""
        return self.target

    # --- writers ------------------------------------------------------------------------------------

    claims_articles = False  # True: writers share the store, each claiming the articles it processes

    @contextmanager
    def writer(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Process articles as the store's writer: SQLite has one at a time (another process waits here, after
        ``on_wait`` is called); PostgreSQL lets writers share the store (``claim_pending``, ``grouping_turn``)."""
        self._forget_cached()  # another writer may have changed the events since this store last read them
        yield

    def claim_pending(self, limit: int, only: Sequence[str] | None = None) -> list[str]:
        """Up to ``limit`` pending articles (of ``only`` when given), oldest first, that no other writer holds;
        on PostgreSQL they stay held until the caller's transaction ends (call it inside one)."""
        return self._claim(limit, only, "")

    def _claim(self, limit: int, only: Sequence[str] | None, lock: str) -> list[str]:
        sql = "SELECT id FROM articles WHERE status = 'pending'"
        params: list[Any] = []
        if only is not None:
            ids = list(dict.fromkeys(only))[:500]
            sql += f" AND id IN ({','.join('?' * len(ids)) or 'NULL'})"
            params += ids
        rows = self._tuples(f"{sql} ORDER BY ingested_at, id LIMIT ?{lock}", [*params, limit])
        return [row[0] for row in rows]

    def grouping_turn(self, first_article: str | None = None) -> None:
        """Wait for this writer's turn to group the batch starting at ``first_article`` (once the writers holding
        earlier articles are done); until the caller's transaction ends no other writer groups."""

    def resolve_event(self, event_id: str) -> tuple[Event | None, str | None]:
        """The event an id (or its first characters) names, following merges: (the event or None, the id it
        was merged into when the id named an event since merged, else None). The CLI's `show` and the web
        API's event page both answer through here."""
        event = self.get_event(event_id)
        if event is not None:
            return event, None
        candidates = self.event_ids_starting(event_id, AMBIGUOUS_SHOWN + 1)
        if len(candidates) > 1:
            raise AmbiguousIdError(event_id, candidates[:AMBIGUOUS_SHOWN], len(candidates) > AMBIGUOUS_SHOWN)
        into = self.merged_into(event_id)
        if into is None:
            return None, None
        return self.get_event(into), into

    # --- articles -------------------------------------------------------------------------------

    def add_article(self, article: Article) -> bool:
        """Store a cleaned article once; False when an article with the same content id is already stored."""
        with self.transaction():
            cursor = self._execute(
                """INSERT INTO articles (id, title, url, outlet, published, published_source,
                   source_path, author, raw_text, text, status, ingested_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING""",
                (
                    article.id,
                    article.title,
                    article.url,
                    article.outlet,
                    article.published,
                    article.published_source,
                    article.source_path,
                    article.author,
                    article.raw_text,
                    article.text,
                    time.time(),
                ),
            )
            if cursor.rowcount == 0:
                return False
            self._executemany(
                'INSERT INTO removed_lines (article_id, start, "end", text, reason) VALUES (?, ?, ?, ?, ?)',
                [(article.id, r.start, r.end, r.text, r.reason) for r in article.removed],
            )
        return True

    def has_article(self, article_id: str) -> bool:
        return self._execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def get_article(self, article_id: str) -> Article | None:
        row = self._execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def get_articles(self, article_ids: Iterable[str]) -> dict[str, Article]:
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, Article] = {}
        for row in self._rows_in("SELECT * FROM articles WHERE id IN ({marks})", ids):
            found[row["id"]] = self._article(row)
        return found

    def stream_day_before(self, article_id: str) -> str | None:
        """The publication date of the latest article stored before this one (in ingest order) that has one:
        what an undated article is placed by in grouping's time window."""
        row = self._execute(
            "SELECT a.published FROM articles a, articles me WHERE me.id = ? AND a.published IS NOT NULL "
            "AND (a.ingested_at < me.ingested_at OR (a.ingested_at = me.ingested_at AND a.id < me.id)) "
            "ORDER BY a.ingested_at DESC, a.id DESC LIMIT 1",
            (article_id,),
        ).fetchone()
        return str(row["published"]) if row else None

    def pending_article_ids(self) -> list[str]:
        rows = self._execute("SELECT id FROM articles WHERE status = 'pending' ORDER BY ingested_at, id")
        return [row["id"] for row in rows]

    def count_articles(self, status: str | None = None) -> int:
        if status:
            return int(self._execute("SELECT COUNT(*) FROM articles WHERE status = ?", (status,)).fetchone()[0])
        return int(self._execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[Article]:
        rows = self._execute(
            "SELECT * FROM articles ORDER BY ingested_at, id LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [self._article(row) for row in rows]

    def _article(self, row: Any) -> Article:
        removed = tuple(
            RemovedLine(r["start"], r["end"], r["text"], r["reason"])
            for r in self._execute(
                'SELECT start, "end", text, reason FROM removed_lines WHERE article_id = ? ORDER BY start', (row["id"],)
            )
        )
        return Article(
            id=row["id"],
            raw_text=row["raw_text"],
            text=row["text"],
            title=row["title"],
            url=row["url"],
            outlet=row["outlet"],
            published=row["published"],
            published_source=row["published_source"],
            source_path=row["source_path"],
            author=row["author"],
            removed=removed,
        )

    # --- mentions and claims --------------------------------------------------------------------

    def save_mentions(self, article_id: str, mentions: Sequence[Mention]) -> None:
        """Replace an article's mentions and claims (inside the caller's transaction)."""
        self._execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        for mention in mentions:
            self._execute(
                """INSERT INTO mentions (id, article_id, start, "end", text, event_type, sub_event_type,
                   plover_event, plover_mode, background, time_json, places_json)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    mention.id,
                    mention.article_id,
                    mention.start,
                    mention.end,
                    mention.text,
                    mention.event_type,
                    mention.sub_event_type,
                    mention.plover_event,
                    mention.plover_mode,
                    int(mention.background),
                    json.dumps(to_json(mention.time)) if mention.time else None,
                    json.dumps(to_json(mention.places)),
                ),
            )
            self._executemany(
                """INSERT INTO claims (mention_id, article_id, field, value_json, start, "end", quote,
                   attributed_to_json, hedged, negated, wording) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        mention.id,
                        claim.article_id,
                        claim.field,
                        json.dumps(claim.value),
                        claim.start,
                        claim.end,
                        claim.quote,
                        json.dumps(to_json(claim.attributed_to)) if claim.attributed_to else None,
                        int(claim.hedged),
                        int(claim.negated),
                        claim.wording,
                    )
                    for claim in mention.claims
                ],
            )

    def mark_processed(self, article_id: str) -> None:
        self._execute(
            "UPDATE articles SET status = 'processed', processed_at = ?, failure = NULL, failed_at = NULL WHERE id = ?",
            (time.time(), article_id),
        )

    def mark_failed(self, article_id: str, reason: str) -> None:
        """Set an article aside as failed, with the reason: later runs do not take it up again."""
        self._execute(
            "UPDATE articles SET status = 'failed', failure = ?, failed_at = ? WHERE id = ?",
            (reason, time.time(), article_id),
        )

    def article_status(self, article_id: str) -> tuple[str, str | None] | None:
        """An article's status (pending, processed, failed) and, when failed, why; None when not stored."""
        row = self._execute("SELECT status, failure FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row["status"], row["failure"]) if row else None

    def failed_articles(self) -> list[dict[str, Any]]:
        """The failed articles, oldest failure first: id, source_path, url, outlet, title, failure, failed_at."""
        rows = self._execute(
            """SELECT id, source_path, url, outlet, title, failure, failed_at FROM articles
               WHERE status = 'failed' ORDER BY failed_at, id"""
        )
        return [dict(row) for row in rows]

    def retry_failed(self, article_ids: Sequence[str] | None = None) -> int:
        """Make failed articles (all, or those given) pending again; returns how many."""
        sql = "UPDATE articles SET status = 'pending', failure = NULL, failed_at = NULL WHERE status = 'failed'"
        with self.transaction():
            if article_ids is None:
                return self._execute(sql).rowcount
            return sum(self._execute(sql + " AND id = ?", (a,)).rowcount for a in dict.fromkeys(article_ids))

    def mentions_of_article(self, article_id: str, *, with_claims: bool = True) -> list[Mention]:
        """An article's mentions in text order; ``with_claims=False`` leaves their claims out (faster)."""
        rows = self._execute("SELECT * FROM mentions WHERE article_id = ? ORDER BY start", (article_id,)).fetchall()
        return self._mentions(rows, with_claims)

    def mentions_of_event(self, event_id: str) -> list[Mention]:
        rows = self._execute(
            """SELECT m.* FROM mentions m JOIN event_mentions em ON em.mention_id = m.id
               WHERE em.event_id = ? ORDER BY m.article_id, m.start""",
            (event_id,),
        ).fetchall()
        return self._mentions(rows)

    def _mentions(self, rows: Sequence[Any], with_claims: bool = True) -> list[Mention]:
        claims_of = self._claims_of([row["id"] for row in rows]) if with_claims else {}
        mentions = []
        for row in rows:
            claims = tuple(claims_of.get(row["id"], ()))
            time_value = from_json("TimeValue", json.loads(row["time_json"])) if row["time_json"] else None
            places = tuple(from_json("Place", p) for p in json.loads(row["places_json"]))
            mentions.append(
                Mention(
                    id=row["id"],
                    article_id=row["article_id"],
                    start=row["start"],
                    end=row["end"],
                    text=row["text"],
                    event_type=row["event_type"],
                    sub_event_type=row["sub_event_type"],
                    plover_event=row["plover_event"],
                    plover_mode=row["plover_mode"],
                    background=bool(row["background"]),
                    time=time_value if isinstance(time_value, TimeValue) else None,
                    places=tuple(p for p in places if isinstance(p, Place)),
                    claims=claims,
                )
            )
        return mentions

    def _claims_of(self, mention_ids: list[str]) -> dict[str, list[Claim]]:
        """The claims of many mentions in one query per 500 (not one per mention), in stored order."""
        claims: dict[str, list[Claim]] = {}
        for c in self._rows_in("SELECT * FROM claims WHERE mention_id IN ({marks}) ORDER BY id", mention_ids):
            claims.setdefault(c["mention_id"], []).append(
                Claim(
                    article_id=c["article_id"],
                    field=c["field"],
                    value=json.loads(c["value_json"]),
                    start=c["start"],
                    end=c["end"],
                    quote=c["quote"],
                    attributed_to=from_json("Speaker", json.loads(c["attributed_to_json"]))
                    if c["attributed_to_json"]
                    else None,
                    hedged=bool(c["hedged"]),
                    negated=bool(c["negated"]),
                    wording=c["wording"],
                )
            )
        return claims

    # --- the grouping index ---------------------------------------------------------------------

    def candidate_events(
        self,
        date_blocks: Sequence[tuple[int, str, str]] = (),
        band_keys: Sequence[int] = (),
        *,
        box: tuple[float, float, float, float] | None = None,
        near_day: str | None = None,
        bucket_limit: int = 50,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Grouping candidates by index lookups, never a scan: the events of each date block (precision, first day,
        last day) inside ``box`` (south, north, west, east; events placed nowhere precise pass), nearest to
        ``near_day`` first and at most ``limit`` per block, and the ``bucket_limit`` most recently indexed events
        of each band key. Each: ``event_id``, ``precision``, ``day``, ``lat``, ``lon``, ``bands`` (band keys
        shared) and ``dated_rank`` (its place in the date blocks, None when found by its bands only)."""
        found: dict[str, dict[str, Any]] = {}
        place = ""
        if box is not None:
            place = " AND (lat IS NULL OR (lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?))"
        for precision, first, last in date_blocks:
            rows = self._tuples(
                f"""SELECT event_id, precision, day, lat, lon FROM event_blocks
                    WHERE precision = ? AND day >= ? AND day <= ?{place}
                    ORDER BY {self._DAY_DISTANCE}, event_id LIMIT ?""",
                (precision, first, last, *(box or ()), _full_day(near_day or first), limit),
            )
            for event_id, *block in rows:
                if event_id not in found:
                    found[event_id] = _candidate(event_id, block, 0, len(found))
        shared: Counter[str] = Counter()
        keys = list(dict.fromkeys(band_keys))
        for chunk in _chunks(keys, 200):  # one statement, each bucket read newest first through the index
            bucket = (
                "SELECT * FROM (SELECT event_id FROM event_bands WHERE band_key = ? ORDER BY seq DESC LIMIT ?) AS b"
            )
            params = [value for key in chunk for value in (key, bucket_limit)]
            shared.update(event_id for (event_id,) in self._tuples(" UNION ALL ".join([bucket] * len(chunk)), params))
        for event_id, count in shared.items():
            if event_id in found:
                found[event_id]["bands"] = count
        banded_only = [e for e in shared if e not in found]
        sql = "SELECT event_id, precision, day, lat, lon FROM event_blocks WHERE event_id IN ({marks})"
        for event_id, *block in self._rows_in(sql, banded_only, tuples=True):
            found[event_id] = _candidate(event_id, block, shared[event_id], None)
        return list(found.values())

    def _rows_in(self, sql: str, values: Iterable[Any], *, tuples: bool = False) -> Iterator[Any]:
        """The rows of ``sql`` for many values, its ``{marks}`` filled with one placeholder per value, in
        statements of at most 500 (SQLite's limit on placeholders); plain tuples when ``tuples``."""
        for chunk in _chunks(list(values), 500):
            statement = sql.format(marks=",".join("?" * len(chunk)))
            yield from (self._tuples(statement, chunk) if tuples else self._execute(statement, chunk))

    def event_profiles_json(self, event_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The grouping profiles of some events, in the order given (those not stored are left out). Treat them
        as read-only: recently read ones are kept parsed."""
        missing = [event_id for event_id in dict.fromkeys(event_ids) if event_id not in self._profiles]
        sql = "SELECT event_id, profile_json FROM event_profiles WHERE event_id IN ({marks})"
        for row in self._rows_in(sql, missing):
            self._profiles[row["event_id"]] = json.loads(row["profile_json"])
        found = []
        for event_id in event_ids:
            if event_id in self._profiles:
                self._profiles.move_to_end(event_id)
                found.append(self._profiles[event_id])
        while len(self._profiles) > PROFILES_KEPT:
            self._profiles.popitem(last=False)
        return found

    def index_event(
        self,
        event_id: str,
        date_block: tuple[int, str] | None,
        place: tuple[float, float] | None,
        band_keys: Sequence[int],
    ) -> None:
        """Replace an event's entries in the grouping index (inside the caller's transaction)."""
        self._unindex(event_id)
        precision, day = date_block or (None, None)
        lat, lon = place or (None, None)
        self._execute(
            "INSERT INTO event_blocks (event_id, precision, day, lat, lon) VALUES (?, ?, ?, ?, ?)",
            (event_id, precision, day, lat, lon),
        )
        seq = time.time_ns()
        self._executemany(
            "INSERT INTO event_bands (band_key, seq, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(key, seq, event_id) for key in dict.fromkeys(band_keys)],
        )

    def _unindex(self, event_id: str) -> None:
        self._profiles.pop(event_id, None)
        self._execute("DELETE FROM event_blocks WHERE event_id = ?", (event_id,))
        self._execute("DELETE FROM event_bands WHERE event_id = ?", (event_id,))

    def event_profiles(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every stored event's id and grouping profile (to build the index again)."""
        rows = self._execute(
            """SELECT p.event_id, p.profile_json FROM event_profiles p JOIN events e ON e.id = p.event_id
               ORDER BY e.created_at, e.id"""
        ).fetchall()
        for row in rows:
            yield row["event_id"], json.loads(row["profile_json"])

    def clear_index(self) -> None:
        self._execute("DELETE FROM event_blocks")
        self._execute("DELETE FROM event_bands")

    # --- word document frequencies (grouping) ---------------------------------------------------------

    def add_document_words(self, words: Iterable[str]) -> None:
        """Count one more grouped article and each of its (distinct) words, inside the caller's transaction."""
        self._executemany(
            "INSERT INTO word_documents (word, documents) VALUES (?, 1)"
            " ON CONFLICT(word) DO UPDATE SET documents = word_documents.documents + 1",
            [(word,) for word in dict.fromkeys(words)],
        )
        self._execute(
            "UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'grouped_documents'"
        )

    def document_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """The number of articles grouped so far, and how many of them hold each of ``words`` (absent: none)."""
        total = int(self.setting("grouped_documents") or 0)
        sql = "SELECT word, documents FROM word_documents WHERE word IN ({marks})"
        return total, dict(self._rows_in(sql, dict.fromkeys(words), tuples=True))

    def setting(self, name: str) -> str | None:
        row = self._execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row["value"] if row else None

    def save_setting(self, name: str, value: str) -> None:
        self._execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    # --- corrections: merges and splits ---------------------------------------------------------

    def merge_events(self, into_id: str, event_id: str, article_id: str | None) -> list[str]:
        """Move every mention of ``event_id`` to ``into_id``, drop ``event_id`` and remember where it went
        (inside the caller's transaction). Returns the mentions moved."""
        moved = self.mention_ids_of_event(event_id)
        self._execute("UPDATE event_mentions SET event_id = ? WHERE event_id = ?", (into_id, event_id))
        for column in ("event_id", "other_id"):
            other = "other_id" if column == "event_id" else "event_id"
            self._execute(  # the pairs renamed, those already there kept once (SQLite's UPDATE OR IGNORE)
                f"""INSERT INTO event_relations ({column}, {other}) SELECT ?, {other} FROM event_relations
                    WHERE {column} = ? ON CONFLICT DO NOTHING""",
                (into_id, event_id),
            )
            self._execute(f"DELETE FROM event_relations WHERE {column} = ?", (event_id,))
        self._execute("DELETE FROM event_relations WHERE event_id = other_id")
        self.delete_event(event_id)
        self._execute(
            """INSERT INTO event_redirects (event_id, into_id, article_id, at) VALUES (?, ?, ?, ?)
               ON CONFLICT(event_id) DO UPDATE SET into_id = excluded.into_id, article_id = excluded.article_id,
               at = excluded.at""",
            (event_id, into_id, article_id, time.time()),
        )
        return moved

    def merged_into(self, event_id: str) -> str | None:
        """The live event a merged event's mentions went to (following later merges), or None."""
        seen: set[str] = set()
        current = event_id
        while current not in seen:
            seen.add(current)
            row = self._execute("SELECT into_id FROM event_redirects WHERE event_id = ?", (current,)).fetchone()
            if row is None:
                return current if current != event_id else None
            current = row["into_id"]
        return None

    def forget_redirect(self, event_id: str) -> None:
        """An id that names a live event again (a split gave it back) no longer redirects."""
        self._execute("DELETE FROM event_redirects WHERE event_id = ?", (event_id,))

    def mention_ids_of_event(self, event_id: str) -> list[str]:
        """An event's mentions in the order they were linked to it."""
        rows = self._execute(
            f"SELECT mention_id FROM event_mentions WHERE event_id = ? ORDER BY {self._LINK_ORDER}", (event_id,)
        )
        return [row["mention_id"] for row in rows]

    def has_event(self, event_id: str) -> bool:
        return self._execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone() is not None

    def created_at(self, event_ids: Iterable[str]) -> dict[str, float]:
        return dict(self._rows_in("SELECT id, created_at FROM events WHERE id IN ({marks})", event_ids, tuples=True))

    # --- events ---------------------------------------------------------------------------------

    def link_mentions(self, event_id: str, mention_ids: Iterable[str]) -> None:
        """Put mentions in an event, and record the events their articles now report side by side."""
        ids = list(mention_ids)
        self._executemany(
            self._LINK_SQL,
            [(mention_id, event_id) for mention_id in ids],
        )
        articles = {row[0] for row in self._rows_in("SELECT article_id FROM mentions WHERE id IN ({marks})", ids)}
        for article_id in articles:
            events = [
                row[0]
                for row in self._execute(
                    """SELECT DISTINCT em.event_id FROM mentions m JOIN event_mentions em ON em.mention_id = m.id
                       WHERE m.article_id = ?""",
                    (article_id,),
                )
            ]
            self._executemany(
                "INSERT INTO event_relations (event_id, other_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(a, b) for a in events for b in events if a != b],
            )

    def save_event(self, event: Event, profile: dict[str, Any]) -> None:
        """Insert or update an event's fused record and grouping profile (inside the caller's transaction)."""
        self._profiles.pop(event.id, None)
        now = time.time()
        lat, lon = lat_lon(event)
        record = json.dumps(to_json(event))
        actors = actor_words(event)
        self._execute(
            """INSERT INTO events (id, title, event_type, sub_event_type, date, country, latitude, longitude,
               event_json, created_at, updated_at, summary_json, actors_text, list_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET title=excluded.title, event_type=excluded.event_type,
               sub_event_type=excluded.sub_event_type, date=excluded.date, country=excluded.country,
               latitude=excluded.latitude, longitude=excluded.longitude, event_json=excluded.event_json,
               updated_at=excluded.updated_at, summary_json=excluded.summary_json,
               actors_text=excluded.actors_text, list_key=excluded.list_key""",
            (
                event.id,
                event.title,
                event.event_type,
                event.sub_event_type,
                event.date,
                event.country,
                lat,
                lon,
                record,
                now,
                now,
                json.dumps(event_summary(event)),
                actors,
                list_key(event.id, event.date),
            ),
        )
        self._index_search(event.id, actors, (event.title or "") + "\n" + record)
        self._write_profile(event.id, profile)
        self._execute("DELETE FROM stale_events WHERE event_id = ?", (event.id,))

    def _save_columns(self, event: Event) -> None:
        record = json.dumps(to_json(event))
        actors = actor_words(event)
        self._execute(
            "UPDATE events SET summary_json = ?, actors_text = ?, list_key = ? WHERE id = ?",
            (json.dumps(event_summary(event)), actors, list_key(event.id, event.date), event.id),
        )
        self._index_search(event.id, actors, (event.title or "") + "\n" + record)

    def _write_profile(self, event_id: str, profile: dict[str, Any]) -> None:
        self._execute(
            """INSERT INTO event_profiles (event_id, profile_json) VALUES (?, ?)
               ON CONFLICT(event_id) DO UPDATE SET profile_json = excluded.profile_json""",
            (event_id, json.dumps(profile)),
        )

    def save_profile(self, event_id: str, profile: dict[str, Any]) -> None:
        """Update a stored event's grouping profile only, and mark its fused record stale (it lags the reports
        grouped since; ``stale_event_ids``)."""
        self._profiles.pop(event_id, None)
        self._write_profile(event_id, profile)
        self._execute("INSERT INTO stale_events (event_id) VALUES (?) ON CONFLICT DO NOTHING", (event_id,))

    def stale_event_ids(self) -> list[str]:
        """The events whose fused record lags their reports (``save_profile``), in id order."""
        return [r[0] for r in self._execute("SELECT event_id FROM stale_events ORDER BY event_id")]

    def delete_event(self, event_id: str) -> None:
        self._unindex_search(event_id)
        self._execute("DELETE FROM events WHERE id = ?", (event_id,))
        self._execute("DELETE FROM event_profiles WHERE event_id = ?", (event_id,))
        self._execute("DELETE FROM stale_events WHERE event_id = ?", (event_id,))
        self._unindex(event_id)

    def add_history(self, event_id: str, action: str, article_id: str | None, detail: dict[str, Any]) -> None:
        self._execute(
            "INSERT INTO event_history (event_id, at, article_id, action, detail_json) VALUES (?, ?, ?, ?, ?)",
            (event_id, time.time(), article_id, action, json.dumps(detail)),
        )

    def history(self, event_id: str) -> list[dict[str, Any]]:
        rows = self._execute(
            "SELECT at, article_id, action, detail_json FROM event_history WHERE event_id = ? ORDER BY id",
            (event_id,),
        )
        return [
            {
                "at": row["at"],
                "article_id": row["article_id"],
                "action": row["action"],
                **json.loads(row["detail_json"]),
            }
            for row in rows
        ]

    def get_event(self, event_id: str) -> Event | None:
        """The event of an id, or of the first characters of one when they start no other event's id."""
        row = self._execute("SELECT event_json FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            found = self.event_ids_starting(event_id, 2)
            if len(found) == 1:
                row = self._execute("SELECT event_json FROM events WHERE id = ?", (found[0],)).fetchone()
        return from_json("Event", json.loads(row["event_json"])) if row else None

    def unique_prefixes(self, event_ids: Iterable[str], shortest: int = 7) -> dict[str, str]:
        """For each event id, its first characters that start no other stored event's id (at least ``shortest``
        of them): what a list can show in a narrow terminal and `show` still takes."""
        prefixes = {}
        for event_id in event_ids:
            length = shortest
            for neighbour in (
                self._execute("SELECT max(id) FROM events WHERE id < ?", (event_id,)).fetchone()[0],
                self._execute("SELECT min(id) FROM events WHERE id > ?", (event_id,)).fetchone()[0],
            ):
                if neighbour:
                    length = max(length, len(os.path.commonprefix([event_id, neighbour])) + 1)
            prefixes[event_id] = event_id[:length]
        return prefixes

    def event_ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` event ids that start with ``prefix`` (matched as written: no LIKE wildcards), in order.
        A prefix longer than any id names none (and a very long one would be too complex a LIKE pattern)."""
        if not prefix or len(prefix) > MAX_ID_CHARS:
            return []
        rows = self._execute(
            f"SELECT id FROM events WHERE id {self._LIKE} ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (_like_escaped(prefix) + "%", limit),
        )
        return [row["id"] for row in rows]

    def events(self, where: EventFilter = EventFilter()) -> list[Event]:
        clauses, params = self._filter(where)
        sql = "SELECT event_json FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY list_key"
        if where.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [where.limit, where.offset]
        return [from_json("Event", json.loads(row["event_json"])) for row in self._execute(sql, params)]

    def count_events(self, where: EventFilter = EventFilter()) -> int:
        clauses, params = self._filter(where)
        sql = "SELECT COUNT(*) FROM events" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        return int(self._execute(sql, params).fetchone()[0])

    def _filter(self, where: EventFilter) -> tuple[list[str], list[Any]]:
        """The WHERE clauses of a filter, each served by an index (docs/architecture.md, the store)."""
        clauses: list[str] = []
        params: list[Any] = []
        if where.date_from:
            clauses.append("date >= ?")
            params.append(where.date_from)
        if where.date_to:
            clauses.append("date <= ?")
            params.append(where.date_to + "\uffff")
        if where.event_type:  # the few stored types that hold the words, then an index lookup per type
            needle = where.event_type.casefold()
            types = [t for t in self._stored_types() if needle in t.casefold()]
            marks = ",".join("?" * len(types)) or "NULL"
            clauses.append(f"(event_type IN ({marks}) OR sub_event_type IN ({marks}))")
            params += types * 2
        if where.country:
            clauses.append("lower(country) = lower(?)")
            params.append(where.country)
        if where.actor:
            clauses.append(self._actor_clause())
            params.append(f"%{_like_escaped(where.actor.casefold())}%")
        if where.text:
            clauses.append(self._text_clause())
            params.append(f"%{_like_escaped(where.text)}%")
        if where.bbox:
            clause, values = self._box_clause(where.bbox)
            clauses.append(clause)
            params += values
        return clauses, params

    def _stored_types(self) -> list[str]:
        rows = self._tuples(
            "SELECT DISTINCT event_type FROM events WHERE event_type IS NOT NULL UNION "
            "SELECT DISTINCT sub_event_type FROM events WHERE sub_event_type IS NOT NULL",
            (),
        )
        return [row[0] for row in rows]

    # the dialect's filters (SQLite's here: the FTS5 trigram index, rows keyed by the event's rowid)
    def _actor_clause(self) -> str:
        return "rowid IN (SELECT rowid FROM event_search WHERE actors LIKE ? ESCAPE '\\')"

    def _text_clause(self) -> str:
        return "rowid IN (SELECT rowid FROM event_search WHERE record LIKE ? ESCAPE '\\')"

    def _box_clause(self, box: tuple[float, float, float, float]) -> tuple[str, list[Any]]:
        west, south, east, north = box
        if west <= east:
            return "latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?", [south, north, west, east]
        # a box across the antimeridian
        return "latitude BETWEEN ? AND ? AND (longitude >= ? OR longitude <= ?)", [south, north, west, east]

    def _index_search(self, event_id: str, actors: str, record: str) -> None:
        """Keep the text index of an event's actors and record (PostgreSQL indexes the columns themselves)."""

    def _unindex_search(self, event_id: str) -> None:
        pass

    def event_page(self, where: EventFilter = NO_FILTER, after: str | None = None) -> EventPage:
        """A page of the event list (``where.limit`` long, by date then id) from the summary columns: it starts
        after the key ``after`` (keyset pagination: the index goes straight there), else at ``where.offset``."""
        clauses, params = self._filter(where)
        if after is not None:
            clauses.append("list_key > ?")
            params.append(after)
        sql = "SELECT summary_json, list_key FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        limit = where.limit if where.limit is not None else 100
        sql += " ORDER BY list_key LIMIT ?"
        params.append(limit + 1)
        if after is None and where.offset:
            sql += " OFFSET ?"
            params.append(where.offset)
        rows = self._tuples(sql, params)
        more = len(rows) > limit
        rows = rows[:limit]
        return EventPage([row[0] for row in rows], rows[-1][1] if more and rows else None)

    def _fill_summaries(self) -> None:
        """Summary columns for events stored before they existed (once, when such a store is opened)."""
        while rows := self._tuples("SELECT id FROM events WHERE summary_json IS NULL LIMIT 500", ()):
            with self.transaction():
                for (event_id,) in rows:
                    [(record, title, date)] = self._tuples(
                        "SELECT event_json, title, date FROM events WHERE id = ?", (event_id,)
                    )
                    try:
                        self._save_columns(from_json("Event", json.loads(record)))
                    except (TypeError, ValueError, KeyError) as err:  # a record this eventfuse cannot read
                        log.warning("event %s: its record cannot be read (%s); listed by its id alone", event_id, err)
                        summary = {"id": event_id, "title": title or "", "date": date}
                        self._execute(
                            "UPDATE events SET summary_json = ?, actors_text = '', list_key = ? WHERE id = ?",
                            (json.dumps(summary), list_key(event_id, date), event_id),
                        )

    def related_event_ids(self, event_id: str) -> list[str]:
        """Other events reported by an article that also reports this one."""
        rows = self._execute("SELECT other_id FROM event_relations WHERE event_id = ? ORDER BY other_id", (event_id,))
        return [row["other_id"] for row in rows]

    def event_ids_of_mentions(self, mention_ids: Iterable[str]) -> dict[str, str]:
        sql = "SELECT mention_id, event_id FROM event_mentions WHERE mention_id IN ({marks})"
        return dict(self._rows_in(sql, mention_ids, tuples=True))

    # --- feeds and web archives -----------------------------------------------------------------

    def feed_state(self, url: str) -> dict[str, Any] | None:
        """A feed's last poll: etag, last_modified, polled_at, status and error; None before the first."""
        row = self._execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def save_feed_state(
        self, url: str, etag: str | None, last_modified: str | None, status: str, error: str | None = None
    ) -> None:
        """Record a poll; the validators are kept from the previous poll when this one gives none."""
        self._execute(
            """INSERT INTO feeds (url, etag, last_modified, polled_at, status, error) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET etag = coalesce(excluded.etag, feeds.etag),
               last_modified = coalesce(excluded.last_modified, feeds.last_modified),
               polled_at = excluded.polled_at, status = excluded.status, error = excluded.error""",
            (url, etag, last_modified, time.time(), status, error),
        )

    def seen_feed_items(self, url: str) -> set[str]:
        rows = self._execute("SELECT item_key FROM feed_items WHERE feed_url = ?", (url,))
        return {row["item_key"] for row in rows}

    def mark_feed_item_seen(self, url: str, item_key: str) -> None:
        self._execute(
            "INSERT INTO feed_items (feed_url, item_key, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (url, item_key, time.time()),
        )

    def forget_feed_items(self, url: str, keep: Iterable[str], seen_before: float) -> int:
        """Drop the seen marks of items no longer in the feed and seen before a time; returns how many."""
        keep_keys = set(keep)
        old = [
            row["item_key"]
            for row in self._execute(
                "SELECT item_key FROM feed_items WHERE feed_url = ? AND seen_at < ?", (url, seen_before)
            )
            if row["item_key"] not in keep_keys
        ]
        self._executemany("DELETE FROM feed_items WHERE feed_url = ? AND item_key = ?", [(url, k) for k in old])
        return len(old)

    def warc_progress(self, path: str) -> dict[str, Any] | None:
        """How far an archive was read: size, next_offset, records, kept; None before the first read."""
        row = self._execute("SELECT * FROM warc_progress WHERE path = ?", (path,)).fetchone()
        return dict(row) if row else None

    def save_warc_progress(self, path: str, size: int, next_offset: int, records: int, kept: int) -> None:
        self._execute(
            """INSERT INTO warc_progress (path, size, next_offset, records, kept, updated_at)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size,
               next_offset = excluded.next_offset, records = excluded.records, kept = excluded.kept,
               updated_at = excluded.updated_at""",
            (path, size, next_offset, records, kept, time.time()),
        )


def _candidate(event_id: str, block: Sequence[Any], bands: int, dated_rank: int | None) -> dict[str, Any]:
    precision, day, lat, lon = block
    return {
        "event_id": event_id,
        "precision": precision,
        "day": day,
        "lat": lat,
        "lon": lon,
        "bands": bands,
        "dated_rank": dated_rank,
    }


def _like_escaped(text: str) -> str:
    """Text for a LIKE pattern (with ESCAPE '\\'), its % and _ matched as themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip() and not s.strip().startswith("--")]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _full_day(day: str) -> str | None:
    """A YYYY-MM-DD day to measure distances from (None for anything else: no distance, as SQLite's julianday)."""
    return day if len(day) == 10 else None
