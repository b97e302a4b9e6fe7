"""Wires the stages in their one order: sources -> clean -> nlp -> extract -> cluster -> fuse -> store.

The only module that knows the order. Incremental: each new article updates only the events it touches.
"""

from __future__ import annotations

import functools
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel, temporal
from .clean import Rules, clean, load_rules
from .errors import InputError, one_line_reason
from .extract import Extractor
from .grouping import ClusterConfig, Grouper, JoinModel, StaticEmbedding
from .model import Article, Event, Mention
from .nlp import load_model
from .sources.meta import implausible_published
from .store import DATABASE_ERRORS, Store
from .timing import Stopwatch

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
BATCH_SIZE = 32  # articles per nlp.pipe call in one process (workers take parallel.TASK_ARTICLES)
# Below this many pending articles one process finishes first: a worker spends seconds loading the model.
PARALLEL_MIN_ARTICLES = 100
# The longest text analysed as one article (characters of cleaned text). The model's time grows with the text,
# so this bounds the work one article can cause (bench hostile, 2 shared cores, one process with its start-up:
# 99,000 characters on one line 9 s and 360 MB, 99,000 characters of report sentences 14 s and 385 MB); news
# reports are far shorter (the longest of the 4,710 gv articles is 100,000 characters, cut there by its source).
MAX_ARTICLE_CHARS = 100_000


@dataclass(frozen=True)
class Resources:
    """What the stages load once and share: the spaCy model, the lexicon, the gazetteer, rules and settings."""

    extractor: Extractor
    rules: Rules
    cluster_config: ClusterConfig
    join_model: JoinModel
    embedding: StaticEmbedding
    worker_spec: parallel.WorkerSpec = parallel.WorkerSpec()  # how a worker process loads the same

    @functools.cached_property
    def nlp(self) -> Language:
        """The spaCy model, loaded on first use: a run whose worker processes hold the model never loads it here."""
        return load_model()

    def grouper(self, store: Store, watch: Stopwatch | None = None) -> Grouper:
        """A Grouper over ``store`` with these settings, model and embedding."""
        return Grouper(store, self.cluster_config, self.join_model, self.embedding, watch or Stopwatch())

    @classmethod
    def load(cls, lexicon_files: Sequence[Path] = (), gazetteer_path: Path | None = None) -> Resources:
        from .geo import Gazetteer
        from .lexicon import load_lexicon

        gazetteer = Gazetteer.open(gazetteer_path)
        config = ClusterConfig.load()
        return cls(
            extractor=Extractor(load_lexicon(tuple(lexicon_files)), gazetteer),
            rules=load_rules(),
            cluster_config=config,
            join_model=JoinModel.load(config),
            embedding=StaticEmbedding.load(),
            worker_spec=parallel.WorkerSpec(tuple(lexicon_files), gazetteer.path),
        )


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return self.added + self.duplicates


@dataclass(frozen=True)
class Failure:
    """An article that could not be processed: it is stored as failed with ``reason``, and the run went on."""

    article_id: str
    source: str  # the file, URL or record it came from (its id when none is known)
    reason: str  # one line


@dataclass
class RunReport:
    processed: int = 0
    events_touched: list[str] = field(default_factory=list)
    workers: int = 1  # processes that ran the language model and extraction
    # Seconds per stage: nlp and extract summed over the worker processes, the others in the main process.
    stages: dict[str, float] = field(default_factory=dict)
    # The processed articles' sentences, and those the model parsed fully (tagger, parser, entities)
    sentences: int = 0
    parsed_sentences: int = 0
    failed: list[Failure] = field(default_factory=list)


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    rules: Rules,
    on_error: Callable[[InputError], None] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Clean and store articles; an article already stored (same content) is not stored again.

    An article that cannot be cleaned or stored is an InputError naming it (the traceback goes to the log);
    only a store that cannot be written at all (locked, full, damaged) stops the batch."""
    report = IngestReport()
    now = datetime.now(UTC)
    for item in items:
        if not isinstance(item, InputError):
            try:
                article = prepare(item, rules, now)
                if not article.raw_text.strip():
                    raise InputError(
                        item.source_path or item.url or item.id, "no text once control characters are dropped"
                    )
                far = implausible_published(article.published, now)
                if far:
                    raise InputError(
                        item.source_path or item.url or item.id, f"{far}: give the report's real date, or none"
                    )
                (report.added if store.add_article(article) else report.duplicates).append(article.id)
            except InputError as err:
                item = err
            except DATABASE_ERRORS:
                raise
            except Exception as err:
                source = item.source_path or item.url or item.id
                log.error("%s: not stored: %s", source, one_line_reason(err), extra={"trace": traceback.format_exc()})
                item = InputError(
                    source, f"could not be stored ({one_line_reason(err)}): the traceback is in the log file"
                )
        if isinstance(item, InputError):
            report.errors.append(item)
            if on_error:
                on_error(item)
        if progress:
            progress(1)
    return report


def prepare(article: Article, rules: Rules, now: datetime | None = None) -> Article:
    """An article as it is stored: boilerplate removed (``clean``), dated when it carries no date (``_dated``)."""
    return _dated(clean(article, rules), now)


def _dated(article: Article, now: datetime | None = None) -> Article:
    """An article with no publication date takes it from its URL, else from its text (a dateline,
    "Published on ..."); when neither gives one, it stays unknown and relative dates stay unresolved. A date
    found so that cannot be a report's (before 1900, after tomorrow) is not taken: it was a guess."""
    if article.published:
        return article
    for found, origin in (
        (temporal.date_from_url(article.url) if article.url else None, "url"),
        (temporal.date_from_text(article.text), "text"),
    ):
        if found and not implausible_published(found, now):
            return replace(article, published=found, published_source=origin)
    return article


def run(
    store: Store,
    resources: Resources,
    progress: Progress | None = None,
    limit: int | None = None,
    workers: int = 1,
    parallel_min: int = PARALLEL_MIN_ARTICLES,
    max_chars: int = MAX_ARTICLE_CHARS,
    on_failure: Callable[[Failure], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    batch_size: int = BATCH_SIZE,
    only: Sequence[str] | None = None,
) -> RunReport:
    """Process pending articles: extract, group, fuse; one transaction per article, so a rerun resumes.

    With ``workers`` > 1 and at least ``parallel_min`` pending articles, the language model and extraction run
    in that many processes; grouping, fusion and storing stay here, in article order, so the result is the same.
    An article longer than ``max_chars``, or one whose parsing, extraction, grouping or fusion raises, is stored
    as failed with the reason (``on_failure`` hears of it) and the run goes on with the next.

    Several processes may run on one store. On SQLite one processes at a time (the others wait for the store's
    writer lock; ``on_wait`` is called when this one has to). On PostgreSQL each claims batches of pending
    articles that no other holds and extracts them beside the others; they take turns to group (``_run_claiming``).
    ``only``: process these pending articles and no other (the web API's POST processes the article posted).
    """
    with store.writer(on_wait):
        if store.claims_articles:
            return _run_claiming(store, resources, progress, limit, max_chars, on_failure, batch_size, only)
        return _run(store, resources, progress, limit, workers, parallel_min, max_chars, on_failure, batch_size, only)


def _run(
    store: Store,
    resources: Resources,
    progress: Progress | None,
    limit: int | None,
    workers: int,
    parallel_min: int,
    max_chars: int,
    on_failure: Callable[[Failure], None] | None,
    batch_size: int,
    only: Sequence[str] | None,
) -> RunReport:
    report = RunReport()
    pending = store.pending_article_ids()
    if only is not None:
        wanted = set(only)
        pending = [article_id for article_id in pending if article_id in wanted]
    if limit is not None:
        pending = pending[:limit]
    watch = Stopwatch()

    fail = _failer(store, report, on_failure, progress)

    def within_limit(article: Article) -> bool:
        if len(article.text) <= max_chars:
            return True
        fail(article, _too_long(article, max_chars))
        return False

    if workers > 1 and len(pending) >= parallel_min:
        report.workers = workers
        batches = _pending_batches(store, pending, watch, parallel.TASK_ARTICLES, within_limit)
        extracted = parallel.extract_in_workers(batches, resources.worker_spec, workers)
    else:
        batches = _pending_batches(store, pending, watch, batch_size, within_limit)
        # a batch left empty (every article over the limit) does not load the model
        extracted = (x for b in batches if b for x in parallel.extract_batch(b, resources.nlp, resources.extractor))
    touched: dict[str, None] = {}
    for item in extracted:
        watch.add("nlp", item.nlp_seconds)
        watch.add("extract", item.extract_seconds)
        report.sentences += item.sentences
        report.parsed_sentences += item.parsed_sentences
        if item.failure is not None:
            fail(item.article, item.failure, item.trace)
            continue
        try:
            event_ids = group_article(store, resources, item.article, item.mentions, watch)
        except DATABASE_ERRORS:
            raise  # the store itself (locked, full, damaged), not this article: stop, a rerun resumes here
        except Exception as err:  # the article's transaction was rolled back: set it aside, go on with the next
            fail(item.article, f"grouping or fusion failed: {one_line_reason(err)}", traceback.format_exc())
            continue
        for event_id in event_ids:
            touched[event_id] = None
        report.processed += 1
        if progress:
            progress(1)
    with store.transaction(), watch("fusion"):  # the big events fused less often while the run grew them
        for event_id in resources.grouper(store, watch).flush():
            touched[event_id] = None
    report.events_touched = list(touched)
    report.stages = dict(watch.seconds)
    return report


def _failer(
    store: Store, report: RunReport, on_failure: Callable[[Failure], None] | None, progress: Progress | None
) -> Callable[..., None]:
    """How a run sets an article aside: marked failed in the store, the one-line reason to the user (and
    ``on_failure``), the traceback to the log (a file, from the CLI); the article counts as done."""

    def fail(article: Article, reason: str, trace: str | None = None) -> None:
        failure = Failure(article.id, article.source_path or article.url or article.id, reason)
        store.mark_failed(article.id, reason)
        log.error("article %s (%s) failed: %s", article.id, failure.source, reason, extra={"trace": trace})
        report.failed.append(failure)
        if on_failure:
            on_failure(failure)
        if progress:
            progress(1)

    return fail


def _too_long(article: Article, max_chars: int) -> str:
    return (
        f"the text is {len(article.text):,} characters, over the {max_chars:,} analysed per article "
        "(a news report is rarely a tenth of that): split it into its articles, or raise --max-chars"
    )


def _run_claiming(
    store: Store,
    resources: Resources,
    progress: Progress | None,
    limit: int | None,
    max_chars: int,
    on_failure: Callable[[Failure], None] | None,
    batch_size: int,
    only: Sequence[str] | None,
) -> RunReport:
    """``run`` on a store that writers share: claim a batch (row locks, held until its transaction ends), extract
    it while other writers do the same, then wait for the grouping turn and group it, one savepoint per article.
    No article is processed twice: another writer skips the claimed ones, and finds them processed afterwards.
    Batches are grouped in the articles' order, so the events are those one writer would make."""
    report = RunReport()
    watch = Stopwatch()
    touched: dict[str, None] = {}

    fail = _failer(store, report, on_failure, progress)

    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        with store.transaction():
            with watch("store"):
                claimed = store.claim_pending(size, only)
                articles = [a for a in (store.get_article(aid) for aid in claimed) if a]
            if not articles:
                break
            done += len(articles)
            batch = []
            for article in articles:
                if len(article.text) > max_chars:
                    fail(article, _too_long(article, max_chars))
                else:
                    batch.append(article)
            extracted = parallel.extract_batch(batch, resources.nlp, resources.extractor) if batch else []
            with watch("store"):
                store.grouping_turn(claimed[0])
            for item in extracted:
                watch.add("nlp", item.nlp_seconds)
                watch.add("extract", item.extract_seconds)
                report.sentences += item.sentences
                report.parsed_sentences += item.parsed_sentences
                if item.failure is not None:
                    fail(item.article, item.failure, item.trace)
                    continue
                try:
                    event_ids = group_article(store, resources, item.article, item.mentions, watch)
                except DATABASE_ERRORS:
                    raise
                except Exception as err:
                    fail(item.article, f"grouping or fusion failed: {one_line_reason(err)}", traceback.format_exc())
                    continue
                touched.update(dict.fromkeys(event_ids))
                report.processed += 1
                if progress:
                    progress(1)
    with store.transaction(), watch("fusion"):
        store.grouping_turn()
        for event_id in resources.grouper(store, watch).flush():
            touched[event_id] = None
    report.events_touched = list(touched)
    report.stages = dict(watch.seconds)
    return report


def _pending_batches(
    store: Store, pending: Sequence[str], watch: Stopwatch, size: int, keep: Callable[[Article], bool]
) -> Iterator[list[Article]]:
    for start in range(0, len(pending), size):
        with watch("store"):
            batch = [a for a in (store.get_article(aid) for aid in pending[start : start + size]) if a]
        yield [a for a in batch if keep(a)]


def process_article(store: Store, resources: Resources, article: Article, doc: object) -> list[str]:
    """Extract one article's mentions, group them into events and re-fuse those events, in one transaction."""
    return group_article(store, resources, article, resources.extractor.extract(article, doc))


def group_article(
    store: Store, resources: Resources, article: Article, mentions: Sequence[Mention], watch: Stopwatch | None = None
) -> list[str]:
    """Store one article's mentions, group them into events and re-fuse those events, in one transaction.

    ``watch`` adds the seconds spent in grouping, fusion and the store (the rest) to its stages."""
    watch = watch or Stopwatch()
    started = time.perf_counter()
    before = watch.seconds["grouping"] + watch.seconds["fusion"]
    with store.transaction():
        store.save_mentions(article.id, mentions)
        touched = resources.grouper(store, watch).add(_stream_dated(store, article), mentions)
        store.mark_processed(article.id)
    spent = watch.seconds["grouping"] + watch.seconds["fusion"] - before
    watch.add("store", time.perf_counter() - started - spent)
    return touched


def _stream_dated(store: Store, article: Article) -> Article:
    """An article with no publication date as grouping places it in time: on the day of the article stored before
    it (a crawl reads the news of a day together), so an undated report is not compared with events of any age.
    The stored article keeps its unknown date."""
    if article.published:
        return article
    day = store.stream_day_before(article.id)
    return replace(article, published=day[:10], published_source="stream") if day else article


def events_of_articles(store: Store, article_ids: Iterable[str]) -> list[Event]:
    """The events the given articles contribute to, in date order."""
    ids: dict[str, None] = {}
    for article_id in article_ids:
        mention_ids = [m.id for m in store.mentions_of_article(article_id)]
        for event_id in store.event_ids_of_mentions(mention_ids).values():
            ids[event_id] = None
    events = [e for e in (store.get_event(i) for i in ids) if e]
    return sorted(events, key=lambda e: (e.date or "9999", e.id))
