"""`eventfuse db copy`: SQLite to PostgreSQL and back gives the same export and the same rows; a copy that was
interrupted resumes where it stopped, and ends with every row once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.errors import StoreError
from eventfuse.store import SqlStore, open_store
from eventfuse.store import copy as store_copy

from .helpers import exported, table_contents


def test_a_round_trip_through_postgresql_gives_identical_exports(
    reference_db: Path, pg_url: str, tmp_path: Path
) -> None:
    back = tmp_path / "back.db"
    runner = CliRunner()
    for source, destination in ((str(reference_db), pg_url), (pg_url, str(back))):
        result = runner.invoke(app, ["db", "copy", source, destination])
        assert result.exit_code == 0, result.output
        assert "13 articles" in result.output
    with open_store(reference_db) as reference, open_store(pg_url) as middle, open_store(back) as copied:
        assert exported(middle) == exported(reference) == exported(copied)
        assert table_contents(middle) == table_contents(reference) == table_contents(copied)
        # the copy goes on as a store: ids numbered after the copied ones, a new link at the end of its event
        event = reference.events()[0]
        for store in (middle, copied):
            with store.transaction():
                store.add_history(event.id, "changed", None, {"note": "after the copy"})
            assert store.history(event.id)[-1]["action"] == "changed"


def test_an_interrupted_copy_resumes_and_copies_every_row_once(
    store_target: str, reference_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_copy, "CHUNK_ROWS", 40)
    source = tmp_path / "source.db"
    shutil.copy(reference_db, source)
    chunks = 0

    def interrupt(table: str, rows: int) -> None:
        nonlocal chunks
        chunks += 1
        if chunks == 9:  # inside the claims, after articles, removed lines and mentions
            raise KeyboardInterrupt

    with open_store(source) as src, open_store(store_target) as dst:
        assert isinstance(src, SqlStore) and isinstance(dst, SqlStore)
        with pytest.raises(KeyboardInterrupt):
            store_copy.copy_store(src, dst, interrupt)
        assert 0 < dst.count_articles() and dst.setting(store_copy.PROGRESS + "claims")
        report = store_copy.copy_store(src, dst)
        assert "claims" in report.resumed and "articles" not in report.rows
        assert exported(dst) == exported(src)
        assert table_contents(dst) == table_contents(src)
        assert dst.setting(store_copy.PROGRESS + "claims") is None
        with pytest.raises(StoreError, match="already holds articles"):
            store_copy.copy_store(src, dst)
