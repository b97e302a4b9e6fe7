"""Shared fixtures: paths to the bundled examples and the seeds, an isolated store and gazetteer."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from hypothesis import settings

# The property tests draw the same examples on every run, so a CI result can be reproduced; a wider,
# random search runs with `pytest --hypothesis-profile=explore` (what it finds becomes an @example).
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, derandomize=False)
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedded gazetteer for the whole test session, built on first use."""
    return tmp_path_factory.mktemp("gazetteer") / "gazetteer.db"


@pytest.fixture(autouse=True)
def isolated_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gazetteer_path: Path) -> None:
    """No test touches the user's own event store, gazetteer or log file."""
    monkeypatch.setenv("EVENTFUSE_DB", str(tmp_path / "default-store.db"))
    monkeypatch.setenv("EVENTFUSE_LOG", str(tmp_path / "eventfuse.log"))
    monkeypatch.setenv("EVENTFUSE_GAZETTEER", str(gazetteer_path))


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return SEEDS


# --- the PostgreSQL half of the store tests -------------------------------------------------------------------

# The server the PostgreSQL tests use (a database of their own is made there for the session, a schema per test).
PG_SERVER = os.environ.get("EVENTFUSE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_SKIPPED: list[str] = []


def _with_database(url: str, database: str, schema: str | None = None) -> str:
    parts = urlsplit(url)
    query = f"options=-csearch_path%3D{schema}" if schema else parts.query
    return urlunsplit(parts._replace(path="/" + database, query=query))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database made for this test session on the PostgreSQL server (dropped at the end); the tests that need
    it are skipped, with the reason printed, when no server answers."""
    try:
        admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as err:
        reason = f"PostgreSQL tests skipped: no server answered at {PG_SERVER} ({' '.join(str(err).split())})"
        PG_SKIPPED.append(reason)
        pytest.skip(reason)
    name = f"eventfuse_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_SERVER, name)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """A store URL of a fresh schema of the session's database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return _with_database(pg_database, urlsplit(pg_database).path.lstrip("/"), schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each backend: a SQLite file, a PostgreSQL schema (the shared store tests run on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return str(request.getfixturevalue("pg_url"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in dict.fromkeys(PG_SKIPPED):
        terminalreporter.write_line(reason, yellow=True)


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory, gazetteer_path: Path) -> Path:
    """A SQLite store of the bundled examples, ingested and processed by one writer in one run (the reference
    concurrent writers, copies and the Python API are compared with)."""
    from eventfuse import pipeline
    from eventfuse.sources.files import read_articles
    from eventfuse.store import open_store

    path = tmp_path_factory.mktemp("reference") / "examples.db"
    resources = pipeline.Resources.load(gazetteer_path=gazetteer_path)
    with open_store(path) as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), resources.rules)
        pipeline.run(store, resources)
    return path
