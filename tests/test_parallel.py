"""Worker processes: a worker that dies (killed, out of memory) fails only the article it died on, and the run goes
on with the rest, in order; workers that cannot start at all stop the run with a clear error."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest

from eventfuse import parallel
from eventfuse.clean import load_rules
from eventfuse.errors import WorkerError
from eventfuse.model import Article, article_id_for
from eventfuse.pipeline import prepare

from .conftest import EXAMPLES

REPORTS = [
    "Gunmen killed three farmers near the village of Dalori on Monday, police said.",
    "A roadside bomb wounded two soldiers on the road to Beledweyne, officials said.",
    "POISON: a report whose worker process is killed while it is extracted.",
    "Protesters blocked the main road in Kisumu on Tuesday to demand water, witnesses said.",
    "Five rockets struck the Balad air base late on Saturday, the Iraqi military said.",
]


def _dies_on_poison(articles: Sequence[Article]) -> list[parallel.Extracted]:
    """The worker's own task, except that it dies outright on the poisoned report, as the kernel's out-of-memory
    killer would end it: no exception, no result."""
    if any(a.text.startswith("POISON") for a in articles):
        os._exit(137)
    return parallel._extract_batch(articles)  # noqa: SLF001 - the real task


def _dies_always(articles: Sequence[Article]) -> list[parallel.Extracted]:
    os._exit(1)


def _articles() -> list[Article]:
    rules = load_rules()
    return [prepare(Article(id=article_id_for(t), raw_text=t, published="2025-04-14"), rules) for t in REPORTS]


def test_a_worker_that_dies_fails_only_its_article_and_the_rest_go_on(gazetteer_path: Path) -> None:
    articles = _articles()
    batches = [articles[0:2], articles[2:4], articles[4:5]]
    spec = parallel.WorkerSpec(gazetteer_path=gazetteer_path)
    results = list(parallel.extract_in_workers(batches, spec, workers=2, task=_dies_on_poison))
    assert [r.article.id for r in results] == [a.id for a in articles]  # every article, in input order
    failed = {r.article.id: r.failure for r in results if r.failure}
    assert list(failed) == [articles[2].id]
    assert "worker process died" in failed[articles[2].id]
    assert all(r.mentions for r in results if not r.failure)  # the others were extracted, the batch-mate too


def test_workers_that_die_as_they_start_stop_the_run_with_a_clear_error(gazetteer_path: Path) -> None:
    spec = parallel.WorkerSpec(gazetteer_path=gazetteer_path)
    with pytest.raises(WorkerError, match="die before finishing any task"):
        list(parallel.extract_in_workers([_articles()[:2]], spec, workers=1, task=_dies_always))


def _dies_on_poison_with_a_mark(articles: Sequence[Article]) -> list[parallel.Extracted]:
    """The poisoned report's worker leaves a mark (the file named in its text) before it dies."""
    for article in articles:
        if article.text.startswith("POISON"):
            Path(article.text.split()[-1]).touch()
            os._exit(137)
    return parallel._extract_batch(articles)  # noqa: SLF001 - the real task


def test_a_worker_that_dies_while_the_run_groups_fails_only_its_article(gazetteer_path: Path, tmp_path: Path) -> None:
    """Issue 29 item 3: a worker killed while the main process was busy with a result broke the pool before the
    next batch was handed to it; submit() raised and the run ended with 133 articles pending."""
    mark = tmp_path / "died"
    rules = load_rules()
    texts = [REPORTS[0], f"POISON: killed while the run groups {mark}", *REPORTS[3:], REPORTS[1]]
    articles = [prepare(Article(id=article_id_for(t), raw_text=t, published="2025-04-14"), rules) for t in texts]
    batches = [[a] for a in articles]
    spec = parallel.WorkerSpec(gazetteer_path=gazetteer_path)
    results = []
    # one worker, two batches ahead: the first result comes back while the poisoned batch is in flight
    for result in parallel.extract_in_workers(batches, spec, workers=1, task=_dies_on_poison_with_a_mark):
        results.append(result)
        if len(results) == 1:  # busy "grouping" until the worker is dead and its pool broken
            while not mark.exists():
                time.sleep(0.05)
            time.sleep(1.0)
    assert [r.article.id for r in results] == [a.id for a in articles]
    failed = {r.article.id: r.failure for r in results if r.failure}
    assert list(failed) == [articles[1].id] and "worker process died" in failed[articles[1].id]
    assert all(r.mentions for r in results if not r.failure)


# --- a real `eventfuse run` with worker processes, stopped or hurt from outside (issue 29 item 3) ----------------

EVENTFUSE = str(Path(sys.executable).parent / "eventfuse")


@pytest.fixture
def backlog(tmp_path: Path, gazetteer_path: Path) -> tuple[Path, dict[str, str]]:
    """A store of 110 pending reports (enough for `run` to start its workers) and the environment to run it in."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for copy in range(11):
        for report in sorted(EXAMPLES.glob("*.txt")):
            meta = report.with_name(report.stem + ".meta.json")
            (inputs / f"{report.stem}_{copy}.txt").write_text(report.read_text() + f"\n\nUpdate {copy}.\n")
            (inputs / f"{report.stem}_{copy}.meta.json").write_text(meta.read_text())
    env = {**os.environ, "EVENTFUSE_GAZETTEER": str(gazetteer_path), "EVENTFUSE_LOG": str(tmp_path / "log")}
    db = tmp_path / "backlog.db"
    subprocess.run([EVENTFUSE, "ingest", str(inputs), "--db", str(db), "-q"], check=True, env=env)
    return db, env


def _start_run(db: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], list[psutil.Process]]:
    """`eventfuse run --workers 2`, once its two workers are up and it has stored an article; its child processes."""
    run = subprocess.Popen(
        [EVENTFUSE, "run", "--workers", "2", "--db", str(db), "-q"], stderr=subprocess.PIPE, text=True, env=env
    )
    while True:
        assert run.poll() is None, run.communicate()[1]
        children = psutil.Process(run.pid).children(recursive=True)
        workers = [c for c in children if "spawn_main" in " ".join(_cmdline(c))]
        if len(workers) == 2 and _count(db, "processed") > 0:
            return run, children
        time.sleep(0.2)


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _count(db: Path, status: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE status = ?", (status,)).fetchone()[0]


def _nothing_half_written(db: Path) -> None:
    """Every article is pending with nothing stored of it, or processed (or failed) with its mentions."""
    with sqlite3.connect(db) as conn:
        half = conn.execute(
            "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id WHERE a.status = 'pending'"
        ).fetchone()[0]
    assert half == 0


def test_workers_die_with_a_run_killed_by_sigkill(backlog: tuple[Path, dict[str, str]]) -> None:
    db, env = backlog
    run, children = _start_run(db, env)
    run.kill()
    run.wait()  # not its stderr: workers that outlived it would hold that open
    _gone, alive = psutil.wait_procs(children, timeout=60)
    for orphan in alive:  # (they did before issue 29: ended here so as not to outlive the test too)
        orphan.kill()
    assert run.stderr is not None
    run.stderr.close()
    assert alive == [], [_cmdline(p) for p in alive]  # workers and resource tracker alike
    _nothing_half_written(db)


def test_sigterm_stops_a_run_as_ctrl_c_does_with_exit_143(backlog: tuple[Path, dict[str, str]]) -> None:
    db, env = backlog
    run, children = _start_run(db, env)
    run.terminate()
    stderr = run.communicate(timeout=120)[1]
    assert run.returncode == 143, stderr
    assert "terminated (SIGTERM): stopped at" in stderr and "finishes the other" in stderr
    assert "Traceback" not in stderr and "Error" not in stderr
    _gone, alive = psutil.wait_procs(children, timeout=60)
    assert alive == [], [_cmdline(p) for p in alive]
    _nothing_half_written(db)
    assert _count(db, "pending") > 0


def test_a_worker_killed_mid_run_fails_at_most_its_article(backlog: tuple[Path, dict[str, str]]) -> None:
    db, env = backlog
    run, children = _start_run(db, env)
    next(c for c in children if "spawn_main" in " ".join(_cmdline(c))).kill()  # as the out-of-memory killer would
    stderr = run.communicate(timeout=900)[1]
    assert run.returncode in (0, 1), stderr
    assert "internal error" not in stderr and "Broken" not in stderr and "Traceback" not in stderr
    assert _count(db, "pending") == 0 and _count(db, "failed") <= 1
    assert _count(db, "processed") + _count(db, "failed") == 110
