"""Two real `eventfuse run` processes on one store, on each backend: every article is processed once, and the
events, their history and every count are those one writer makes (the reference run)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from eventfuse.store import open_store

from ..conftest import EXAMPLES
from .helpers import exported, table_contents

EVENTFUSE = str(Path(sys.executable).parent / "eventfuse")


def test_two_writers_process_each_article_once_and_make_the_events_one_writer_makes(
    store_target: str, reference_db: Path
) -> None:
    subprocess.run([EVENTFUSE, "ingest", str(EXAMPLES), "--db", store_target, "-q"], check=True)
    # Small batches, so that on PostgreSQL the two writers take turns many times over the 13 articles.
    runs = [
        subprocess.Popen(
            [EVENTFUSE, "run", "--db", store_target, "--batch-size", "2"], stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    processed = [int(m.group(1)) for out in outputs for m in re.finditer(r"(\d+) articles processed", out)]
    with open_store(store_target) as store, open_store(reference_db) as reference:
        articles = reference.count_articles()
        assert sum(processed) == articles == store.count_articles("processed") == 13, outputs
        assert exported(store) == exported(reference)
        assert table_contents(store) == table_contents(reference)
        assert store.setting("grouped_documents") == str(articles)


def test_four_writers_on_postgresql_never_deadlock_and_make_the_events_one_writer_makes(
    pg_url: str, tmp_path: Path
) -> None:
    """Issue 29 item 1: with three or more `run` on one PostgreSQL store, one died of a deadlock (the writers waiting
    for their turn locked the earlier articles in no set order). Four writers, many small batches."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for report in sorted(EXAMPLES.glob("*.txt")):
        meta = report.with_name(report.stem + ".meta.json")
        for copy in range(3):  # the same incidents told again: they join the examples' events, as a day's news does
            stem = f"{report.stem}_{copy}"
            (inputs / f"{stem}.txt").write_text(report.read_text() + f"\n\nUpdate {copy}: more details would follow.\n")
            (inputs / f"{stem}.meta.json").write_text(meta.read_text())
    one = str(tmp_path / "one.db")
    for target in (pg_url, one):
        subprocess.run([EVENTFUSE, "ingest", str(EXAMPLES), str(inputs), "--db", target, "-q"], check=True)
    subprocess.run([EVENTFUSE, "run", "--db", one, "-q"], check=True)
    runs = [
        subprocess.Popen([EVENTFUSE, "run", "--db", pg_url, "--batch-size", "2"], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=900)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    processed = [int(m.group(1)) for out in outputs for m in re.finditer(r"(\d+) articles processed", out)]
    with open_store(pg_url) as store, open_store(one) as reference:
        articles = reference.count_articles()
        assert sum(processed) == articles == store.count_articles("processed") == 13 + 3 * 10, outputs
        assert exported(store) == exported(reference)
        assert table_contents(store) == table_contents(reference)
