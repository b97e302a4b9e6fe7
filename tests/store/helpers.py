"""What two stores are compared on: their JSON export and every table's rows, less the times they were written
and the ids a backend numbers itself."""

from __future__ import annotations

from typing import Any

from eventfuse.export import events_json
from eventfuse.store import SqlStore, Store
from eventfuse.store.copy import TABLES, all_rows

# columns whose values say when a row was written, not what it holds
VOLATILE = {"ingested_at", "processed_at", "failed_at", "created_at", "updated_at", "at", "seq", "seen_at", "polled_at"}


def exported(store: Store) -> str:
    """The JSON export with each event's history (less the time of each line)."""
    events = store.events()
    history = {e.id: [{k: v for k, v in line.items() if k != "at"} for line in store.history(e.id)] for e in events}
    return events_json(events, history)


def table_contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows without the volatile columns (and without the numbered ids of claims and history)."""
    assert isinstance(store, SqlStore)
    contents: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns, _key in TABLES:
        kept = [
            i
            for i, c in enumerate(columns)
            if c not in VOLATILE and not (c == "id" and table != "articles" and table not in ("mentions", "events"))
        ]
        rows = [tuple(row[i] for i in kept) for row in all_rows(store, table)]
        contents[table] = sorted(rows, key=repr)
    return contents
