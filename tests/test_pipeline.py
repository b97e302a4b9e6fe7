"""The pipeline run: worker processes store exactly what one process stores, and the time per stage is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse import pipeline
from eventfuse.clean import load_rules
from eventfuse.model import to_json
from eventfuse.sources.files import read_articles
from eventfuse.store import Store

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def resources(gazetteer_path: Path) -> pipeline.Resources:
    return pipeline.Resources.load(gazetteer_path=gazetteer_path)


def _events_after_run(tmp_path: Path, resources: pipeline.Resources, workers: int) -> tuple[list[str], dict]:
    with Store.open(tmp_path / f"w{workers}.db") as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), load_rules())
        report = pipeline.run(store, resources, workers=workers, parallel_min=1)
        assert store.pending_article_ids() == []
        events = sorted(json.dumps(to_json(e), sort_keys=True) for e in store.events())
        history = {e.id: [h["action"] for h in store.history(e.id)] for e in store.events()}
    return events, {"report": report, "history": history}


def test_two_worker_processes_store_the_same_events_as_one(
    tmp_path: Path, resources: pipeline.Resources, gazetteer_path: Path
) -> None:
    single, one = _events_after_run(tmp_path, resources, workers=1)
    fresh = pipeline.Resources.load(gazetteer_path=gazetteer_path)
    double, two = _events_after_run(tmp_path, fresh, workers=2)
    assert "nlp" not in vars(fresh)  # the workers hold the model; the main process never loaded it
    assert one["report"].workers == 1 and two["report"].workers == 2
    assert one["report"].processed == two["report"].processed == 13
    assert len(single) >= 4
    assert double == single
    assert two["history"] == one["history"]


def test_a_run_reports_the_seconds_spent_per_stage(tmp_path: Path, resources: pipeline.Resources) -> None:
    _, result = _events_after_run(tmp_path, resources, workers=1)
    stages = result["report"].stages
    assert {"nlp", "extract", "grouping", "fusion", "store"} <= set(stages)
    assert all(seconds > 0 for seconds in stages.values())
    assert stages["nlp"] > stages["grouping"]  # the language model, not grouping, dominates on 13 articles


def test_a_small_batch_stays_in_one_process(tmp_path: Path, resources: pipeline.Resources) -> None:
    with Store.open(tmp_path / "small.db") as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), load_rules())
        report = pipeline.run(store, resources, workers=2)  # 13 articles: below PARALLEL_MIN_ARTICLES
    assert report.workers == 1 and report.processed == 13
