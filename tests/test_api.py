"""The Python API a notebook uses: analyse a path, query the events with filters, get records and a flat table."""

from __future__ import annotations

import shutil
from pathlib import Path

from eventfuse import api
from eventfuse.store import open_store

from .conftest import EXAMPLES


def test_analyze_stores_a_report_and_returns_its_events(tmp_path: Path) -> None:
    db = tmp_path / "notebook.db"
    found = api.analyze(EXAMPLES / "meridian_somalia_blast.txt", db)
    assert len(found) == 1 and found[0].country == "SO"
    assert api.analyze([EXAMPLES / "meridian_somalia_blast.txt"], db) == found  # stored once, same event
    with open_store(db) as store:
        assert store.count_articles() == 1 and store.count_articles("processed") == 1


def test_events_records_and_table(reference_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(reference_db, db)
    everything = api.events(db)
    somalia = api.events(db, country="so")
    assert somalia and {e.country for e in somalia} == {"SO"} and len(somalia) < len(everything)
    assert [r["id"] for r in api.records(somalia)] == [e.id for e in somalia]
    rows = api.table(everything)
    assert [row["id"] for row in rows] == [e.id for e in everything]
    flat = (str, int, float, type(None))
    assert all(isinstance(value, flat) for row in rows for value in row.values())
    assert any(row["killed"] == 14 and row["injured"] == 31 for row in rows)  # examples/EXPECTED.md's blast
