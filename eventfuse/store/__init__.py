"""The event store: one interface (``Store``), two backends: SQLite (a file, the default) and PostgreSQL (a
``postgresql://`` URL). ``open_store`` opens either from what ``--db`` or ``$EVENTFUSE_DB`` says.

Hands on the store and its filters (``EventFilter``) to the pipeline, grouping, the web app and the CLI.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import platformdirs
import psycopg

from .base import EventFilter, EventPage, SqlStore
from .postgres import PostgresStore, is_url
from .protocol import Store
from .sqlite import MIGRATIONS, SQLiteStore

DEFAULT_DB_NAME = "eventfuse.db"
# A store that cannot be read or written (locked, full, damaged, the server gone): the run stops, a rerun resumes.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, psycopg.OperationalError)

__all__ = [
    "DATABASE_ERRORS",
    "MIGRATIONS",
    "EventFilter",
    "EventPage",
    "PostgresStore",
    "SQLiteStore",
    "SqlStore",
    "Store",
    "default_db_path",
    "default_target",
    "open_store",
]


def default_target() -> str:
    """``$EVENTFUSE_DB`` (a path or a postgresql:// URL), else ``eventfuse.db`` in the per-user data directory."""
    override = os.environ.get("EVENTFUSE_DB")
    if override:
        return override
    return str(Path(platformdirs.user_data_dir("eventfuse")) / DEFAULT_DB_NAME)


def default_db_path() -> Path | str:
    """The default store: a Path for SQLite, the URL for PostgreSQL (``default_target``)."""
    target = default_target()
    return target if is_url(target) else Path(target)


def open_store(target: Path | str | None = None) -> Store:
    """Open (creating or migrating it) the store at a path (SQLite) or a ``postgresql://`` URL; the default
    store when None."""
    chosen = str(target) if target is not None else default_target()
    if is_url(chosen):
        return PostgresStore(chosen)  # type: ignore[return-value]
    return SQLiteStore(Path(chosen))  # type: ignore[return-value]
