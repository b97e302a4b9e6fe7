"""The SQLite backend: one file in WAL mode, numbered migrations (``PRAGMA user_version``), one writer at a time.

Hands on the shared queries of ``SqlStore`` over a sqlite3 connection.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..errors import StoreError
from .base import SqlStore, _statements

# Each migration is applied once, in order, inside a transaction; PRAGMA user_version records the last.
MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT, url TEXT, outlet TEXT, published TEXT, published_source TEXT,
        source_path TEXT, author TEXT,
        raw_text TEXT NOT NULL, text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | processed | failed (migration 5)
        ingested_at REAL NOT NULL, processed_at REAL
    );
    CREATE INDEX articles_status ON articles(status);
    CREATE TABLE removed_lines (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (article_id, start)
    );
    CREATE TABLE mentions (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        event_type TEXT, sub_event_type TEXT, plover_event TEXT, plover_mode TEXT,
        background INTEGER NOT NULL DEFAULT 0,
        time_json TEXT, places_json TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        field TEXT NOT NULL, value_json TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, quote TEXT NOT NULL,
        attributed_to_json TEXT, hedged INTEGER NOT NULL DEFAULT 0, negated INTEGER NOT NULL DEFAULT 0,
        wording TEXT
    );
    CREATE INDEX claims_mention ON claims(mention_id);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        title TEXT, event_type TEXT, sub_event_type TEXT, date TEXT, country TEXT,
        latitude REAL, longitude REAL,
        event_json TEXT NOT NULL,
        profile_json TEXT NOT NULL,
        created_at REAL NOT NULL, updated_at REAL NOT NULL
    );
    CREATE INDEX events_date ON events(date);
    CREATE TABLE event_mentions (
        mention_id TEXT PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
        event_id TEXT NOT NULL  -- the event row is written after its first mentions are linked
    );
    CREATE INDEX event_mentions_event ON event_mentions(event_id);
    CREATE TABLE event_history (
        id INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        at REAL NOT NULL,
        article_id TEXT,
        action TEXT NOT NULL,  -- created | joined | merged | split | refused
        detail_json TEXT NOT NULL
    );
    CREATE INDEX event_history_event ON event_history(event_id);
    """,
    # 2: feed state (conditional GET, items seen) and web-archive progress
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT, last_modified TEXT,
        polled_at REAL, status TEXT, error TEXT
    );
    CREATE TABLE feed_items (
        feed_url TEXT NOT NULL,
        item_key TEXT NOT NULL,  -- the entry's id, else its link, else a hash of its title and summary
        seen_at REAL NOT NULL,
        PRIMARY KEY (feed_url, item_key)
    );
    CREATE TABLE warc_progress (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        next_offset INTEGER NOT NULL,  -- the first record not yet read
        records INTEGER NOT NULL DEFAULT 0, kept INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL
    );
    """,
    # 3: the grouping index (each event's date block and MinHash-LSH band keys, so a new article's frames find
    # their candidates by index lookups, not by a scan), where merged events went, and store settings
    """
    CREATE TABLE event_blocks (
        event_id TEXT PRIMARY KEY,
        precision INTEGER,           -- the date block: the event's ACLED time_precision (1 day, 2 week, 3 month)
        day TEXT,                    -- YYYY-MM-DD, or YYYY-MM for an event dated to a month, NULL when undated
        lat REAL, lon REAL           -- where it happened, when known precisely enough to keep other places apart
    ) WITHOUT ROWID;
    CREATE INDEX event_blocks_day ON event_blocks(precision, day, lat, lon);
    CREATE TABLE event_bands (
        band_key INTEGER NOT NULL,   -- one band of the event's MinHash signature, hashed to 64 bits
        seq INTEGER NOT NULL,        -- when the event was indexed (ns): a big bucket is read newest first
        event_id TEXT NOT NULL,
        PRIMARY KEY (band_key, seq, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_bands_event ON event_bands(event_id);
    CREATE TABLE event_redirects (
        event_id TEXT PRIMARY KEY,   -- an event merged into another
        into_id TEXT NOT NULL,       -- the event that absorbed it
        article_id TEXT,             -- the article whose report showed they are one
        at REAL NOT NULL
    );
    CREATE TABLE settings (
        name TEXT PRIMARY KEY,       -- e.g. band_index: the parameters the stored band keys were made with
        value TEXT NOT NULL
    );
    """,
    # 4: document frequencies of the words of the articles grouped so far (grouping weighs down words that many
    # stored reports share: one outlet's page furniture, the vocabulary of a whole beat)
    """
    CREATE TABLE word_documents (
        word TEXT PRIMARY KEY,
        documents INTEGER NOT NULL   -- how many grouped articles hold the word
    ) WITHOUT ROWID;
    INSERT INTO settings (name, value) VALUES ('grouped_documents', '0');
    """,
    # 5: articles that could not be processed: status 'failed', with the reason in ``failure`` and the time in
    # ``failed_at`` (a later run leaves them alone; `eventfuse failed --retry` makes them pending again). No SQL
    # comment here: SQLite keeps an added column's text in the table's schema, where a comment would break it.
    """
    ALTER TABLE articles ADD COLUMN failure TEXT;
    ALTER TABLE articles ADD COLUMN failed_at REAL;
    """,
    # 6: grouping profiles in a table of their own (an event's record grows with its sources, and SQLite rewrites
    # and reads past a whole row, so a profile beside a record of thousands of sources cost a time that grew with
    # the event at every report); the events whose fused record lags their reports (a big event is fused again
    # as it doubles, and at the end of each run: grouping.Grouper.refuse and flush); the events one
    # article reports side by side, kept as articles are grouped (read off the mentions they cost the same)
    """
    CREATE TABLE event_profiles (
        event_id TEXT PRIMARY KEY,
        profile_json TEXT NOT NULL
    );
    INSERT INTO event_profiles (event_id, profile_json) SELECT id, profile_json FROM events;
    ALTER TABLE events DROP COLUMN profile_json;
    CREATE TABLE stale_events (
        event_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    CREATE TABLE event_relations (
        event_id TEXT NOT NULL,
        other_id TEXT NOT NULL,
        PRIMARY KEY (event_id, other_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO event_relations (event_id, other_id)
        SELECT DISTINCT em1.event_id, em2.event_id FROM event_mentions em1
        JOIN mentions m1 ON m1.id = em1.mention_id
        JOIN mentions m2 ON m2.article_id = m1.article_id
        JOIN event_mentions em2 ON em2.mention_id = m2.id
        WHERE em1.event_id != em2.event_id;
    """,
    # 7: events listed from summary columns (the list entry as JSON, the key a page starts after) and filtered in
    # SQL through indexes: a place box on latitude and longitude, the country, the types, and actors and text by
    # substring through an FTS5 trigram index (rows keyed by the event's rowid). Filled in for stored events
    # when the store is opened (``SqlStore._fill_summaries``).
    """
    ALTER TABLE events ADD COLUMN summary_json TEXT;
    ALTER TABLE events ADD COLUMN actors_text TEXT;
    ALTER TABLE events ADD COLUMN list_key TEXT;
    CREATE INDEX events_list ON events(list_key);
    CREATE INDEX events_place ON events(latitude, longitude);
    CREATE INDEX events_country ON events(lower(country));
    CREATE INDEX events_type ON events(event_type);
    CREATE INDEX events_sub_type ON events(sub_event_type);
    CREATE VIRTUAL TABLE event_search USING fts5(actors, record, tokenize = 'trigram');
    """,
)


class SQLiteStore(SqlStore):
    """An open SQLite event store. Use as a context manager, or call ``close``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.file = Path(path)
        self.target = str(path)
        self._writer_file: IO[str] | None = None
        self._depth = 0  # transactions open (the outer one BEGINs, inner ones are savepoints)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"{path}: cannot open the event store: {err}") from err
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (SQLite's default is 2 MiB): grouping reads index pages all over a large
            # store for every article, and each miss costs a read from the OS (bench cluster-scale).
            self.db.execute("PRAGMA cache_size=-65536")
            self._migrate()
        except sqlite3.DatabaseError as err:
            self.db.close()
            raise StoreError(f"{path}: not an eventfuse database or damaged: {err}") from err

    def close(self) -> None:
        self.db.close()
        if self._writer_file is not None:
            self._writer_file.close()
            self._writer_file = None

    @contextmanager
    def writer(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """One writer at a time: an exclusive lock on ``<store>-writer`` beside the database, held while articles
        are processed; a second process waits for it (``on_wait`` is called first, to say so)."""
        if self._writer_file is not None:  # already the writer (a run inside watch)
            yield
            return
        handle = open(str(self.file) + "-writer", "a+")  # noqa: SIM115 -- held for the block
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            self._writer_file = handle
            self._forget_cached()
            yield
        finally:
            self._writer_file = None
            handle.close()  # closing the file releases the lock

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.target}: made by a newer eventfuse (schema {version}); upgrade eventfuse")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")
        self._fill_summaries()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (a crash or Ctrl-C rolls them back); a transaction
        opened inside another is a savepoint, rolled back alone."""
        if self._depth:
            name = f"s{self._depth}"
            self.db.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self.db.execute(f"ROLLBACK TO {name}")
                self.db.execute(f"RELEASE {name}")
                self._profiles.clear()
                raise
            finally:
                self._depth -= 1
            self.db.execute(f"RELEASE {name}")
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self.db.execute("ROLLBACK")
            self._profiles.clear()
            raise
        self._depth = 0
        self.db.execute("COMMIT")

    def _index_search(self, event_id: str, actors: str, record: str) -> None:
        self.db.execute("DELETE FROM event_search WHERE rowid = (SELECT rowid FROM events WHERE id = ?)", (event_id,))
        self.db.execute(
            "INSERT INTO event_search (rowid, actors, record) SELECT rowid, ?, ? FROM events WHERE id = ?",
            (actors, record, event_id),
        )

    def _unindex_search(self, event_id: str) -> None:
        self.db.execute("DELETE FROM event_search WHERE rowid = (SELECT rowid FROM events WHERE id = ?)", (event_id,))

    def _after_copy(self) -> None:
        self.db.execute("DELETE FROM event_search")
        self.db.execute(
            """INSERT INTO event_search (rowid, actors, record)
               SELECT rowid, actors_text, coalesce(title, '') || char(10) || event_json FROM events"""
        )

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.db.execute(sql, params)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def _tuples(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cursor = self.db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()
