"""Store benchmark: SQLite against PostgreSQL on the same gv articles: inserts per second, articles per second
through grouping and fusion with one writer, then two writer processes on one PostgreSQL store (their speedup,
whether any article or count was doubled, and the B-cubed agreement of their events with one writer's), and
reads per second (a list page, an event, a filtered list).

Hands on the figures; each writer process loads its resources before the clock starts.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from ..errors import BenchDataError
from ..pipeline import Resources, prepare
from ..pipeline import run as run_pipeline
from ..store import EventFilter, Store, open_store
from .grouping import bcubed
from .gv import articles_of, load_articles

DATA_DIR = "gv"
DEFAULT_ARTICLES = 200
READ_SECONDS = 2.0
ANCHORS: dict[str, str] = {
    "speedup": "target >= 1.6 (two writers on PostgreSQL against one)",
    "bcubed_agreement": "target >= 0.99 (two writers' events against one writer's)",
    "doubled": "target 0 (articles processed twice, counts doubled)",
}


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Figures for the first ``limit`` (default 200) gv articles."""
    records = load_articles(data_dir)[: limit or DEFAULT_ARTICLES]
    if not records:
        raise BenchDataError(f"{data_dir}: no articles with text")
    resources = Resources.load()
    articles = [prepare(a, resources.rules) for a in articles_of(records)]
    _say(f"corpus: {len(articles)} gv articles")
    result: dict[str, Any] = {"articles": len(articles), "distinct_articles": len({a.id for a in articles})}
    server = os.environ.get("EVENTFUSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-store-") as tmp:
        single: dict[str, Any] = {}
        for backend, fresh in (("sqlite", _sqlite(Path(tmp))), ("postgresql", _postgres(server))):
            try:
                with fresh() as target:
                    figures, single[backend] = _one_writer(target, articles)
            except psycopg.OperationalError as err:
                result[backend] = {"skipped": f"no PostgreSQL server at {server}: {' '.join(str(err).split())}"}
                continue
            result[backend] = figures
            _say(f"{backend}: {figures}")
        if "postgresql" in single:
            with _postgres(server)() as target:
                with open_store(target) as store:
                    for article in articles:
                        store.add_article(article)
                seconds = _writers(target, 2)
                with open_store(target) as store:
                    two = _outcome(store, articles)
            one = single["postgresql"]
            labels = sorted(one["events"])
            result["postgresql_two_writers"] = {
                "seconds": round(seconds, 2),
                "articles_per_s": round(len(articles) / seconds, 2),
                "speedup": round(one["seconds"] / seconds, 2),
                "processed": two["processed"],
                "doubled": int(two["processed"] != one["processed"])
                + int(two["grouped_documents"] != one["grouped_documents"])
                + int(two["word_documents"] != one["word_documents"]),
                "bcubed_agreement": round(
                    bcubed([one["events"][m] for m in labels], [two["events"].get(m, "?") for m in labels])[2], 4
                ),
                "same_events": two["events"] == one["events"],
            }
    return result


def _one_writer(target: str, articles: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    with open_store(target) as store:
        started = time.perf_counter()
        for article in articles:
            store.add_article(article)
        insert_s = time.perf_counter() - started
    seconds = _writers(target, 1)
    with open_store(target) as store:
        outcome = _outcome(store, articles)
        outcome["seconds"] = seconds
        ids = [e.id for e in store.events()]
        reads = {
            "list_page_per_s": _rate(lambda: store.event_page(EventFilter(limit=100))),
            "event_per_s": _rate(lambda: store.resolve_event(random.choice(ids))),
            "actor_filter_per_s": _rate(lambda: store.event_page(EventFilter(actor="police", limit=100))),
            "box_filter_per_s": _rate(lambda: store.event_page(EventFilter(bbox=(30.0, 10.0, 60.0, 40.0), limit=100))),
        }
    figures = {
        "inserts_per_s": round(len(articles) / insert_s, 1),
        "one_writer_seconds": round(seconds, 2),
        "one_writer_articles_per_s": round(len(articles) / seconds, 2),
        "events": len(ids),
        **reads,
    }
    return figures, outcome


def _outcome(store: Store, articles: list[Any]) -> dict[str, Any]:
    mention_ids = [m.id for a in articles for m in store.mentions_of_article(a.id, with_claims=False)]
    words = store.document_frequencies([])[0]
    return {
        "processed": store.count_articles("processed"),
        "grouped_documents": words,
        "word_documents": _word_documents(store),
        "events": store.event_ids_of_mentions(mention_ids),
    }


def _word_documents(store: Store) -> int:
    from ..store import SqlStore

    assert isinstance(store, SqlStore)
    return int(store._tuples("SELECT coalesce(sum(documents), 0) FROM word_documents", ())[0][0])


def _rate(query: Callable[[], object]) -> float:
    done = 0
    started = time.perf_counter()
    while (spent := time.perf_counter() - started) < READ_SECONDS:
        query()
        done += 1
    return round(done / spent, 1)


def _writers(target: str, count: int) -> float:
    """Seconds from the moment ``count`` writer processes (resources loaded) start processing to the last's end."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count + 1)
    times = context.Queue()
    processes = [context.Process(target=_writer, args=(target, barrier, times)) for _ in range(count)]
    for process in processes:
        process.start()
    barrier.wait()
    ends = [times.get() for _ in processes]
    for process in processes:
        process.join()
    if any(p.exitcode for p in processes):
        raise RuntimeError("a writer process failed: see its output above")
    starts, finishes = zip(*ends, strict=True)
    return max(finishes) - min(starts)


def _writer(target: str, barrier: Any, times: Any) -> None:
    resources = Resources.load()
    resources.nlp  # noqa: B018 -- the model loaded before the clock starts
    barrier.wait()
    started = time.time()
    with open_store(target) as store:
        report = run_pipeline(store, resources)
    times.put((started, time.time()))
    _say(f"writer {os.getpid()}: {report.processed} articles processed")


def _sqlite(directory: Path) -> Callable[[], Any]:
    @contextmanager
    def fresh() -> Iterator[str]:
        yield str(directory / f"{uuid.uuid4().hex[:8]}.db")

    return fresh


def _postgres(server: str) -> Callable[[], Any]:
    @contextmanager
    def fresh() -> Iterator[str]:
        name = f"eventfuse_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield urlunsplit(urlsplit(server)._replace(path="/" + name))
            finally:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    return fresh


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
