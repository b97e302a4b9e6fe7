"""Spark benchmark: `eventfuse spark` in local mode against `eventfuse run` on the same articles and cores.

Hands on articles per second with 1 and 2 executor cores, the scaling efficiency (2 cores over twice 1), Spark's
overhead over `eventfuse run` with the same cores, and whether both find the same events on 300 gv articles.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..model import Article, to_json
from ..pipeline import Resources, ingest
from ..pipeline import run as run_pipeline
from ..store import Store
from . import require_dir
from .speed import build_corpus

log = logging.getLogger(__name__)

DATA_DIR = "gv"
ANCHORS: dict[str, str] = {
    "scaling_efficiency": "target >= 0.8 of linear (2 cores over twice 1 core)",
    "overhead_1_core": "target <= 0.20 (Spark's time over `eventfuse run`'s, same articles, 1 core)",
    "overhead_2_cores": "target <= 0.20 (the same with 2 cores)",
    "gv_identical_events": "target: all of them (the same articles and fused values as `eventfuse run`)",
}
DEFAULT_ARTICLES = 2000
FILES = 16  # input files the articles are spread over: one stage-1 task each
EQUALITY_ARTICLES = 300


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Figures for ``limit`` (default 2,000) generated 600-word articles, and the 300-article gv comparison."""
    from ..spark import job, stages

    require_dir(data_dir)
    articles = build_corpus(data_dir, limit or DEFAULT_ARTICLES)
    n = len(articles)
    figures: dict[str, Any] = {"n_articles": n, "input_files": FILES}
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-spark-") as workdir:
        folder = Path(workdir)
        inputs = _write_inputs(articles, folder / "inputs")
        resources = Resources.load()
        for cores in (1, 2):
            seconds = _run_seconds(resources, articles, folder / f"run{cores}.db", cores)
            figures[f"run_articles_per_s_{cores}_core"] = round(n / seconds, 3)
            _say(f"eventfuse run, {cores} core(s): {seconds:.1f} s")
            session_started = time.perf_counter()
            session = job.session(cores=cores, app_name=f"eventfuse-bench-{cores}")
            figures[f"spark_session_start_s_{cores}_core"] = round(time.perf_counter() - session_started, 2)
            try:
                started = time.perf_counter()
                report = job.run_job(session, inputs, folder / f"out{cores}", job.JobOptions())
                spark_seconds = time.perf_counter() - started
            finally:
                session.stop()
            _say(f"eventfuse spark, {cores} core(s): {spark_seconds:.1f} s ({job.summary(report)['seconds']})")
            figures[f"spark_articles_per_s_{cores}_core"] = round(n / spark_seconds, 3)
            figures[f"spark_stage_seconds_{cores}_core"] = {k: round(v, 1) for k, v in report.seconds.items()}
            figures[f"overhead_{cores}_core{'s' if cores > 1 else ''}"] = round(spark_seconds / seconds - 1, 3)
        one, two = figures["spark_articles_per_s_1_core"], figures["spark_articles_per_s_2_core"]
        figures["scaling_efficiency"] = round(two / (2 * one), 3)
        figures.update(_same_events(data_dir, folder / "gv", job, stages))
    return figures


def _write_inputs(articles: list[Article], folder: Path) -> list[str]:
    """The articles as JSON lines, spread over FILES files in order (file 0 holds the first ones)."""
    folder.mkdir(parents=True)
    per_file = -(-len(articles) // FILES)
    names = []
    for index in range(0, len(articles), per_file):
        path = folder / f"part-{index // per_file:03d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for article in articles[index : index + per_file]:
                fh.write(json.dumps({"text": article.raw_text, "published": article.published}) + "\n")
        names.append(str(path))
    return names


def _run_seconds(resources: Resources, articles: list[Article], db: Path, workers: int) -> float:
    """`eventfuse ingest` then `eventfuse run` with ``workers`` processes: the seconds of both."""
    from ..clean import load_rules

    started = time.perf_counter()
    with Store(db) as store:
        ingest(store, articles, load_rules())
        run_pipeline(store, resources, workers=workers)
    return time.perf_counter() - started


def _same_events(data_dir: Path, folder: Path, job: Any, stages: Any) -> dict[str, Any]:
    """`eventfuse run` and `eventfuse spark` (2 cores, default windows) on the first 300 gv articles."""
    import pyarrow.parquet as pq

    from ..clean import load_rules
    from ..sources.files import read_file

    folder.mkdir(parents=True)
    sample = folder / "gv300.jsonl"
    with (data_dir / "articles.jsonl").open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as fh:
        for _, line in zip(range(EQUALITY_ARTICLES), source, strict=False):
            fh.write(line)
    with Store(folder / "run.db") as store:
        ingest(store, read_file(sample), load_rules())
        run_pipeline(store, Resources.load(), workers=2)
        expected = {e.id: to_json(e) for e in store.events()}
    session = job.session(cores=2, app_name="eventfuse-bench-gv")
    try:
        report = job.run_job(session, [str(sample)], folder / "out", job.JobOptions())
    finally:
        session.stop()
    found = {r["id"]: json.loads(r["event_json"]) for r in pq.read_table(folder / "out" / stages.EVENTS).to_pylist()}
    same = sum(1 for event_id, event in expected.items() if found.get(event_id) == event)
    groups = {tuple(sorted(e["mention_ids"])) for e in expected.values()}
    return {
        "gv_articles": EQUALITY_ARTICLES,
        "gv_cells": report.cells,
        "gv_events_run": len(expected),
        "gv_events_spark": len(found),
        "gv_identical_events": same,
        "gv_same_mentions": sum(1 for e in found.values() if tuple(sorted(e["mention_ids"])) in groups),
    }


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
