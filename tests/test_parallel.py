"""Worker processes: a worker that dies (killed, out of memory) fails only the article it died on, and the run goes
on with the rest, in order; workers that cannot start at all stop the run with a clear error."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from eventfuse import parallel
from eventfuse.clean import load_rules
from eventfuse.errors import WorkerError
from eventfuse.model import Article, article_id_for
from eventfuse.pipeline import prepare

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
