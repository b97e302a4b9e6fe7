"""Moving a store: every table copied from one store to another (SQLite or PostgreSQL, either way), in key order
and in chunks, each chunk committed with how far the copy got, so an interrupted copy resumes where it stopped.

Hands on a ``CopyReport`` (rows copied per table) to `eventfuse db copy`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import StoreError
from .base import SqlStore

# Each table with its columns (as both backends name them) and its key, in an order where every row's parents
# come first. event_mentions is read in the order its mentions were linked (an event's order), which the
# destination's own link order then repeats.
TABLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "articles",
        (
            "id", "title", "url", "outlet", "published", "published_source", "source_path", "author", "raw_text",
            "text", "status", "ingested_at", "processed_at", "failure", "failed_at",
        ),
        ("id",),
    ),
    ("removed_lines", ("article_id", "start", '"end"', "text", "reason"), ("article_id", "start")),
    (
        "mentions",
        (
            "id", "article_id", "start", '"end"', "text", "event_type", "sub_event_type", "plover_event",
            "plover_mode", "background", "time_json", "places_json",
        ),
        ("id",),
    ),
    (
        "claims",
        (
            "id", "mention_id", "article_id", "field", "value_json", "start", '"end"', "quote",
            "attributed_to_json", "hedged", "negated", "wording",
        ),
        ("id",),
    ),
    (
        "events",
        (
            "id", "title", "event_type", "sub_event_type", "date", "country", "latitude", "longitude", "event_json",
            "created_at", "updated_at", "summary_json", "actors_text", "list_key",
        ),
        ("id",),
    ),
    ("event_mentions", ("mention_id", "event_id"), ()),  # keyed by the backend's link order
    ("event_history", ("id", "event_id", "at", "article_id", "action", "detail_json"), ("id",)),
    ("event_profiles", ("event_id", "profile_json"), ("event_id",)),
    ("stale_events", ("event_id",), ("event_id",)),
    ("event_relations", ("event_id", "other_id"), ("event_id", "other_id")),
    ("event_redirects", ("event_id", "into_id", "article_id", "at"), ("event_id",)),
    ("event_blocks", ("event_id", "precision", "day", "lat", "lon"), ("event_id",)),
    ("event_bands", ("band_key", "seq", "event_id"), ("band_key", "seq", "event_id")),
    ("word_documents", ("word", "documents"), ("word",)),
    ("settings", ("name", "value"), ("name",)),
    ("feeds", ("url", "etag", "last_modified", "polled_at", "status", "error"), ("url",)),
    ("feed_items", ("feed_url", "item_key", "seen_at"), ("feed_url", "item_key")),
    ("warc_progress", ("path", "size", "next_offset", "records", "kept", "updated_at"), ("path",)),
)  # fmt: skip
CHUNK_ROWS = 2_000
PROGRESS = "copy_progress:"  # settings rows of the destination that say how far a copy got (dropped at the end)


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # rows copied by this call, per table
    resumed: list[str] = field(default_factory=list)  # tables a previous, interrupted copy had started


def table_rows(store: SqlStore, table: str, after: tuple[Any, ...] | None, limit: int) -> list[tuple[Any, ...]]:
    """Up to ``limit`` rows of a table in key order after ``after``; each row ends with its key's values."""
    columns, key = _spec(table)
    key_sql = key or (store._LINK_ORDER,)
    sql = f"SELECT {', '.join(columns + key_sql)} FROM {table}"
    params: list[Any] = []
    if after is not None:
        sql += f" WHERE ({', '.join(key_sql)}) > ({', '.join('?' * len(key_sql))})"
        params += list(after)
    sql += f" ORDER BY {', '.join(key_sql)} LIMIT ?"
    return store._tuples(sql, [*params, limit])


def all_rows(store: SqlStore, table: str) -> Iterator[tuple[Any, ...]]:
    """Every row of a table (its columns only), in key order."""
    columns, key = _spec(table)
    width = len(key or (store._LINK_ORDER,))
    after: tuple[Any, ...] | None = None
    while rows := table_rows(store, table, after, CHUNK_ROWS):
        for row in rows:
            yield row[: len(columns)]
        after = tuple(rows[-1][-width:])


def copy_store(
    source: SqlStore, destination: SqlStore, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    """Copy every row of ``source`` into ``destination`` (rows already there are kept as they are). Resumable:
    each chunk commits with the key it reached, and a second call goes on from there."""
    if source.schema_version == 0 or destination.schema_version == 0:
        raise StoreError("both stores must be eventfuse stores")
    if destination.count_articles() and destination.setting(PROGRESS + "articles") is None:
        raise StoreError(f"{destination.path} already holds articles: copy into a new, empty store")
    report = CopyReport()
    for table, columns, key in TABLES:
        width = len(key or (source._LINK_ORDER,))
        mark = destination.setting(PROGRESS + table)
        if mark == "done":
            continue
        after = tuple(json.loads(mark)) if mark else None
        if mark:
            report.resumed.append(table)
        copied = 0
        while rows := table_rows(source, table, after, CHUNK_ROWS):
            after = tuple(rows[-1][-width:])
            with destination.transaction():
                _write(destination, table, columns, [row[: len(columns)] for row in rows])
                destination.save_setting(PROGRESS + table, json.dumps(list(after)))
            copied += len(rows)
            if progress:
                progress(table, len(rows))
        with destination.transaction():
            destination.save_setting(PROGRESS + table, "done")
        report.rows[table] = copied
    with destination.transaction():
        destination._after_copy()
        destination._execute("DELETE FROM settings WHERE name LIKE ?", (PROGRESS + "%",))
    return report


def _write(store: SqlStore, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(columns))
    if table == "settings":  # a new store already has its own counters: the copied values replace them
        conflict = "ON CONFLICT(name) DO UPDATE SET value = excluded.value"
    else:
        conflict = "ON CONFLICT DO NOTHING"
    store._executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {conflict}", rows)


def _spec(table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    for name, columns, key in TABLES:
        if name == table:
            return columns, key
    raise KeyError(table)
