"""Shared fixtures for the store tests: the bundled examples processed once by one writer (the reference the
concurrent writers and the copies are compared with)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventfuse import pipeline
from eventfuse.sources.files import read_articles
from eventfuse.store import open_store

from ..conftest import EXAMPLES


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory, gazetteer_path: Path) -> Path:
    """A SQLite store of the bundled examples, ingested and processed by one writer in one run."""
    path = tmp_path_factory.mktemp("reference") / "examples.db"
    resources = pipeline.Resources.load(gazetteer_path=gazetteer_path)
    with open_store(path) as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), resources.rules)
        pipeline.run(store, resources)
    return path
