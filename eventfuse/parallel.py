"""Runs the per-article stages that need no store (the language model and extraction) in worker processes.

Hands back each article's mentions in input order, so grouping, fusion and the one SQLite writer stay in the
main process and a parallel run stores exactly what a single-process run stores.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from threadpoolctl import threadpool_limits

from .errors import WorkerError, one_line_reason
from .model import Article, Mention
from .nlp import parse
from .processes import die_with_parent

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from .extract import Extractor

# Batches each worker is handed ahead of the main process: enough to keep the workers busy while the main
# process groups and stores, few enough that memory stays bounded on a large backlog.
BATCHES_AHEAD_PER_WORKER = 2
# Articles per task handed to a worker (one nlp.pipe call). Measured with `eventfuse bench speed`'s corpus
# (300 articles of 600 words, 2 workers): 32 -> 7.8 articles/s at 1415 MB peak, 16 -> 7.6 at 1016 MB,
# 8 -> 7.5 at 795 MB. Smaller tasks hold fewer parsed documents per worker and leave less of a tail.
TASK_ARTICLES = 16


def default_workers() -> int:
    """The cores this process may run on (the machine's, or fewer under a CPU affinity mask)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process loads once: the model by name, the lexicon files, the gazetteer path."""

    lexicon_files: tuple[Path, ...] = ()
    gazetteer_path: Path | None = None


@dataclass(frozen=True)
class Extracted:
    """One article's mentions, with the seconds its worker spent in the language model and in extraction;
    ``failure`` (one line) and ``trace`` (the traceback) when the article could not be parsed or extracted."""

    article: Article
    mentions: list[Mention]
    nlp_seconds: float
    extract_seconds: float
    failure: str | None = None
    trace: str | None = None
    sentences: int = 0  # the article's sentences, and how many of them the model parsed (all, on this path)
    parsed_sentences: int = 0


class _Worker:
    """The model and extractor of one worker process (built by the pool initializer, once per process)."""

    def __init__(self, spec: WorkerSpec) -> None:
        from .extract import Extractor
        from .geo import Gazetteer
        from .lexicon import load_lexicon
        from .nlp import load_model

        self.nlp = load_model()
        self.extractor = Extractor(load_lexicon(spec.lexicon_files), Gazetteer.open(spec.gazetteer_path))


# The pool initializer can only hand state to the task function through the worker's module globals;
# each worker process has its own copy, set once and never shared.
_worker: _Worker | None = None


def _init_worker(spec: WorkerSpec) -> None:
    global _worker
    die_with_parent()
    # Ctrl-C reaches the whole process group: the main process stops the pool, workers must not die mid-task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One BLAS thread per worker: the workers already use every core, more threads would only contend.
    threadpool_limits(1)
    _worker = _Worker(spec)


def _extract_batch(articles: Sequence[Article]) -> list[Extracted]:
    assert _worker is not None, "worker used before its initializer ran"
    return extract_batch(articles, _worker.nlp, _worker.extractor)


def extract_batch(articles: Sequence[Article], nlp: Language, extractor: Extractor) -> list[Extracted]:
    """The language model over a batch (``nlp.parse``: long texts in pieces), then extraction article by article.

    An article that breaks the model or the extractor comes back with its ``failure``; the others go on."""
    started = time.perf_counter()
    # One BLAS thread in the main process too (workers have one already): the model's matrices are small, and a
    # second thread cost more than it gave (100 bench speed articles: 10.7-11.0 CPU s and 9.7 s against 7.8-8.4 CPU
    # s and 8.5-8.9 s with one, on 2 shared cores). The annotations are the same.
    with threadpool_limits(1):
        try:
            docs: list[Doc | BaseException] = list(parse(nlp, [a.text for a in articles]))
        except Exception:  # one text broke the batch: parse each alone, so that only its article fails
            docs = [_parse_alone(nlp, a.text) for a in articles]
    nlp_each = (time.perf_counter() - started) / max(1, len(articles))
    results = []
    for article, doc in zip(articles, docs, strict=True):
        started = time.perf_counter()
        if isinstance(doc, BaseException):
            results.append(_failed(article, "the language model failed on it", doc, nlp_each))
            continue
        try:
            mentions = extractor.extract(article, doc)
        except Exception as err:  # a bug shown by one text: that article fails, the batch goes on
            results.append(_failed(article, "extraction failed", err, nlp_each))
            continue
        sentences = sum(1 for _ in doc.sents)
        results.append(
            Extracted(
                article,
                mentions,
                nlp_each,
                time.perf_counter() - started,
                sentences=sentences,
                parsed_sentences=sentences,
            )
        )
    return results


def _parse_alone(nlp: Language, text: str) -> Doc | BaseException:
    try:
        return next(parse(nlp, [text]))
    except Exception as err:
        return err


def _failed(article: Article, stage: str, err: BaseException, nlp_seconds: float) -> Extracted:
    trace = "".join(traceback.format_exception(err))
    return Extracted(article, [], nlp_seconds, 0.0, failure=f"{stage}: {one_line_reason(err)}", trace=trace)


def extract_in_workers(
    batches: Iterable[Sequence[Article]],
    spec: WorkerSpec,
    workers: int,
    task: Callable[[Sequence[Article]], list[Extracted]] | None = None,
) -> Iterator[Extracted]:
    """Extract batches in ``workers`` processes, yielding results in input order.

    ``batches`` is consumed in the calling thread only (it may read from SQLite), a few batches ahead. A worker
    process that dies (killed, out of memory, a crash in native code) takes its pool with it: the batch awaited is
    then extracted again article by article in a new pool, so that only the article a worker dies on fails, and
    the batches in flight are handed to the new pool. ``task`` replaces the task function (tests).
    """
    work = task or _extract_batch
    ahead = max(1, workers * BATCHES_AHEAD_PER_WORKER)
    pools = _Pools(spec, workers)
    source = iter(batches)
    again: deque[list[Article]] = deque()  # batches that were in flight when a worker died
    pending: deque[tuple[list[Article], Future[list[Extracted]]]] = deque()
    try:
        while True:
            while len(pending) < ahead:
                batch = again.popleft() if again else next(source, None)
                if batch is None:
                    break
                if batch:
                    batch = list(batch)
                    pending.append((batch, pools.submit(work, batch)))
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                results = future.result()
                pools.succeeded = True
            except BrokenProcessPool:
                again.extendleft(reversed([b for b, _ in pending]))
                pending.clear()
                pools.replace()
                results = [pools.alone(work, article) for article in batch]
            yield from results
    finally:
        pools.close()


class _Pools:
    """The worker pool of a run, replaced when a worker dies."""

    def __init__(self, spec: WorkerSpec, workers: int) -> None:
        self.spec, self.workers = spec, workers
        self.current = self._new()
        self.succeeded = False  # some task came back: the workers can start (a death is the article's)

    def _new(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # fork would copy open SQLite handles into the workers
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_init_worker, initargs=(self.spec,)
        )

    def submit(
        self, work: Callable[[Sequence[Article]], list[Extracted]], batch: list[Article]
    ) -> Future[list[Extracted]]:
        """The batch handed to the pool; a pool a worker broke since the last result (it died while this process
        grouped) refuses new tasks, so the batch is then a task that failed as the pool did: awaiting it
        replaces the pool and extracts it again, like every batch in flight."""
        try:
            return self.current.submit(work, batch)
        except BrokenProcessPool as err:
            broken: Future[list[Extracted]] = Future()
            broken.set_exception(err)
            return broken

    def replace(self) -> None:
        self.close()
        self.current = self._new()

    def alone(self, work: Callable[[Sequence[Article]], list[Extracted]], article: Article) -> Extracted:
        """One article in a task of its own: failed when its worker dies on it."""
        try:
            [result] = self.current.submit(work, [article]).result()
        except BrokenProcessPool:
            self.replace()
            if not self.succeeded:
                self._probe(work)
            reason = "its worker process died while extracting it (killed, or out of memory)"
            return Extracted(article, [], 0.0, 0.0, failure=reason)
        self.succeeded = True
        return result

    def _probe(self, work: Callable[[Sequence[Article]], list[Extracted]]) -> None:
        """An empty task in a new pool: when even that dies, the workers die as they start, not on an article."""
        try:
            self.current.submit(work, []).result()
        except BrokenProcessPool as err:
            raise WorkerError(
                "the worker processes die before finishing any task (see the log above; try --workers 1)"
            ) from err
        self.succeeded = True

    def close(self) -> None:
        """Stop the pool at once: the workers ignore Ctrl-C and would finish their tasks otherwise."""
        pool = self.current
        processes = list((pool._processes or {}).values())  # noqa: SLF001 - Python 3.11 has no terminate_workers()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
