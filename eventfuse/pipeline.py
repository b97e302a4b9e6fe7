"""Wires the stages in their one order: sources -> clean -> nlp -> extract -> cluster -> fuse -> store.

The only module that knows the order. Incremental: each new article updates only the events it touches.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cluster, parallel, temporal
from .clean import Rules, clean, load_rules
from .errors import InputError
from .extract import Extractor
from .fuse import fuse
from .model import Article, Event, Mention
from .nlp import load_model
from .store import Store

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
BATCH_SIZE = 32  # articles per nlp.pipe call in one process (workers take parallel.TASK_ARTICLES)
# Below this many pending articles one process finishes first: a worker spends seconds loading the model.
PARALLEL_MIN_ARTICLES = 100


@dataclass(frozen=True)
class Resources:
    """What the stages load once and share: the spaCy model, the lexicon, the gazetteer, rules and settings."""

    extractor: Extractor
    rules: Rules
    cluster_config: cluster.ClusterConfig
    worker_spec: parallel.WorkerSpec = parallel.WorkerSpec()  # how a worker process loads the same

    @functools.cached_property
    def nlp(self) -> Language:
        """The spaCy model, loaded on first use: a run whose worker processes hold the model never loads it here."""
        return load_model()

    @classmethod
    def load(cls, lexicon_files: Sequence[Path] = (), gazetteer_path: Path | None = None) -> Resources:
        from .geo import Gazetteer
        from .lexicon import load_lexicon

        gazetteer = Gazetteer.open(gazetteer_path)
        return cls(
            extractor=Extractor(load_lexicon(tuple(lexicon_files)), gazetteer),
            rules=load_rules(),
            cluster_config=cluster.ClusterConfig.load(),
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


@dataclass
class RunReport:
    processed: int = 0
    events_touched: list[str] = field(default_factory=list)
    workers: int = 1  # processes that ran the language model and extraction
    # Seconds per stage: nlp and extract summed over the worker processes, the others in the main process.
    stages: dict[str, float] = field(default_factory=dict)


class Stopwatch:
    """Seconds spent per pipeline stage, added up over articles."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    rules: Rules,
    on_error: Callable[[InputError], None] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Clean and store articles; an article already stored (same content) is not stored again."""
    report = IngestReport()
    for item in items:
        if isinstance(item, InputError):
            report.errors.append(item)
            if on_error:
                on_error(item)
        else:
            article = _dated(clean(item, rules))
            if store.add_article(article):
                report.added.append(article.id)
            else:
                report.duplicates.append(article.id)
        if progress:
            progress(1)
    return report


def _dated(article: Article) -> Article:
    """An article with no publication date takes it from its URL, else from its text (a dateline,
    "Published on ..."); when neither gives one, it stays unknown and relative dates stay unresolved."""
    if article.published:
        return article
    for found, origin in (
        (temporal.date_from_url(article.url) if article.url else None, "url"),
        (temporal.date_from_text(article.text), "text"),
    ):
        if found:
            return replace(article, published=found, published_source=origin)
    return article


def run(
    store: Store,
    resources: Resources,
    progress: Progress | None = None,
    limit: int | None = None,
    workers: int = 1,
    parallel_min: int = PARALLEL_MIN_ARTICLES,
) -> RunReport:
    """Process pending articles: extract, group, fuse; one transaction per article, so a rerun resumes.

    With ``workers`` > 1 and at least ``parallel_min`` pending articles, the language model and extraction run
    in that many processes; grouping, fusion and storing stay here, in article order, so the result is the same.
    """
    report = RunReport()
    pending = store.pending_article_ids()
    if limit is not None:
        pending = pending[:limit]
    watch = Stopwatch()
    if workers > 1 and len(pending) >= parallel_min:
        report.workers = workers
        batches = _pending_batches(store, pending, watch, parallel.TASK_ARTICLES)
        extracted = parallel.extract_in_workers(batches, resources.worker_spec, workers)
    else:
        batches = _pending_batches(store, pending, watch, BATCH_SIZE)
        extracted = (x for b in batches for x in parallel.extract_batch(b, resources.nlp, resources.extractor))
    touched: dict[str, None] = {}
    for item in extracted:
        watch.add("nlp", item.nlp_seconds)
        watch.add("extract", item.extract_seconds)
        for event_id in group_article(store, resources, item.article, item.mentions, watch):
            touched[event_id] = None
        report.processed += 1
        if progress:
            progress(1)
    report.events_touched = list(touched)
    report.stages = dict(watch.seconds)
    return report


def _pending_batches(store: Store, pending: Sequence[str], watch: Stopwatch, size: int) -> Iterator[list[Article]]:
    for start in range(0, len(pending), size):
        with watch("store"):
            batch = [a for a in (store.get_article(aid) for aid in pending[start : start + size]) if a]
        yield batch


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
    config = resources.cluster_config
    touched: list[str] = []
    with store.transaction():
        store.save_mentions(article.id, mentions)
        grouping_started = time.perf_counter()
        touched.extend(group_mentions(store, config, article.id, mentions, article.text))
        watch.add("grouping", time.perf_counter() - grouping_started)
        with watch("fusion"):
            touched = refuse_events(store, config, touched, article.id)
        store.mark_processed(article.id)
    spent = watch.seconds["grouping"] + watch.seconds["fusion"] - before
    watch.add("store", time.perf_counter() - started - spent)
    return touched


def group_mentions(
    store: Store,
    config: cluster.ClusterConfig,
    article_id: str,
    mentions: Sequence[Mention],
    text: str | None = None,
) -> list[str]:
    """Group one article's stored mentions into events, inside the caller's transaction: each frame joins the best
    event the candidate index finds, or starts one, and merges the other events it shows to be the same one.
    ``text``: the article's text (read from the store when not given), which the lead frame's terms also read.
    Returns the events touched, in order (not yet re-fused: see ``refuse_events``)."""
    ensure_index(store, config)
    if text is None:
        stored = store.get_article(article_id)
        text = stored.text if stored else None
    touched: list[str] = []
    if text:
        store.add_document_words(cluster.content_words(text))
    corpus = store.document_frequencies
    for frame in cluster.frames_of_article(article_id, mentions, config, text, corpus):
        # one article's two events never join or merge with each other
        candidates = [p for p in candidate_profiles(store, frame.profile, config) if p.event_id not in touched]
        co_reported = frozenset(r for t in touched for r in store.related_event_ids(t))
        decision = cluster.decide(frame, candidates, config, co_reported)
        event_id, value, reasons = decision.event_id, decision.score, decision.reasons
        if decision.joined:
            chosen = next(c for c in candidates if c.event_id == event_id)
            apart = frozenset(store.related_event_ids(event_id))
            found = _not_side_by_side(store, cluster.merges(frame, chosen, candidates, config, apart, co_reported))
            if found:
                event_id = _merge(store, decision, found, article_id)
                for merge in found:
                    if merge.event_id == event_id:  # an older event the frame also joins kept its id
                        value, reasons = merge.frame_score, merge.frame_reasons
        store.link_mentions(event_id, frame.mention_ids)
        store.add_history(
            event_id,
            "joined" if decision.joined else "created",
            article_id,
            {"mentions": list(frame.mention_ids), "score": value, "reasons": list(reasons)},
        )
        touched.append(event_id)
    return touched


def candidate_profiles(store: Store, profile: cluster.Profile, config: cluster.ClusterConfig) -> list[cluster.Profile]:
    """The stored events a frame is scored against: found through the candidate index (date block, LSH bands)."""
    query = cluster.candidate_query(profile, config)
    found = store.candidate_events(
        query.date_blocks,
        query.band_keys,
        box=query.box,
        near_day=query.day,
        bucket_limit=config.index.bucket_limit,
        limit=config.index.max_candidates,
    )
    kept = cluster.keep_candidates(profile, found, config)
    return [cluster.Profile.from_json(p) for p in store.event_profiles_json(kept)]


def ensure_index(store: Store, config: cluster.ClusterConfig) -> None:
    """Index every stored event again when the index was made with other settings (or by an older eventfuse)."""
    signature = f"{config.index.signature}; date precisions {sorted(config.window_days)}"
    if store.setting("band_index") == signature:
        return
    log.info("indexing the stored events for grouping (%s)", signature)
    store.clear_index()
    for event_id, profile in store.event_profiles():
        entry = cluster.index_entry(cluster.Profile.from_json(profile), config)
        store.index_event(event_id, entry.date_block, entry.place, entry.band_keys)
    store.save_setting("band_index", signature)


def _not_side_by_side(store: Store, found: Sequence[cluster.Merge]) -> list[cluster.Merge]:
    """The merges whose events no one article reports as two events (each is checked against those kept)."""
    kept: list[cluster.Merge] = []
    for merge in found:
        apart = set(store.related_event_ids(merge.event_id))
        if not any(other.event_id in apart for other in kept):
            kept.append(merge)
    return kept


def _merge(store: Store, decision: cluster.Decision, found: Sequence[cluster.Merge], article_id: str) -> str:
    """Merge the events a frame joins into the oldest of them, which keeps its id; returns that id."""
    frame_scores = {decision.event_id: decision.score, **{m.event_id: m.frame_score for m in found}}
    created = store.created_at(frame_scores)
    keeper = min(frame_scores, key=lambda e: (created.get(e, float("inf")), e))
    pairs = {m.event_id: m for m in found}
    for event_id in frame_scores:
        if event_id == keeper:
            continue
        pair = pairs.get(event_id) or pairs[keeper]  # every merge pairs an event with the one the frame chose
        moved = store.merge_events(keeper, event_id, article_id)
        detail = {
            "mentions": moved,
            "frame_scores": {keeper: frame_scores[keeper], event_id: frame_scores[event_id]},
            "score": pair.score,
            "reasons": list(pair.reasons),
        }
        store.add_history(keeper, "merged", article_id, {"absorbed": event_id, **detail})
        store.add_history(event_id, "merged", article_id, {"into": keeper, **detail})
        log.info("merged %s into %s (article %s)", event_id, keeper, article_id)
    return keeper


def refuse_events(
    store: Store, config: cluster.ClusterConfig, event_ids: Sequence[str], article_id: str | None = None
) -> list[str]:
    """Split off the mentions that can no longer be one event with the rest, then re-fuse every event touched;
    returns the events touched (those given, then the ones split off)."""
    touched = list(dict.fromkeys(event_ids))
    for event_id in list(touched):
        touched += split_event(store, config, event_id, article_id)
    for event_id in touched:
        fuse_event(store, config, event_id, article_id)
    return touched


def split_event(store: Store, config: cluster.ClusterConfig, event_id: str, article_id: str | None = None) -> list[str]:
    """Move each group of an event's mentions that has a date or place veto with the group of its first mention
    to a new event (inside the caller's transaction); returns the new events' ids."""
    mentions = {m.id: m for m in store.mentions_of_event(event_id)}
    units: dict[str, list[Mention]] = {}
    for mention_id in store.mention_ids_of_event(event_id):
        if mention_id in mentions:
            units.setdefault(mentions[mention_id].article_id, []).append(mentions[mention_id])
    if len(units) < 2:
        return []
    created: list[str] = []
    for split in cluster.split_groups(event_id, list(units.values()), config):
        leaving = tuple(mentions[m] for m in split.mention_ids)
        new_id = cluster.new_event_id(cluster.Frame(leaving[0].article_id, leaving, cluster.Profile()))
        if new_id == event_id or store.has_event(new_id) or new_id in created:
            continue  # the id is taken by a live event: the mentions stay rather than join an unrelated one
        store.forget_redirect(new_id)  # a group merged in earlier leaves under the id it had
        store.link_mentions(new_id, split.mention_ids)
        detail = {"mentions": list(split.mention_ids), "reason": split.reason}
        store.add_history(event_id, "split", article_id, {"to": new_id, **detail})
        store.add_history(new_id, "split", article_id, {"from": event_id, **detail})
        log.info("split %s off %s: %s", new_id, event_id, split.reason)
        created.append(new_id)
    return created


def refuse_event(store: Store, resources: Resources, event_id: str, article_id: str | None = None) -> Event:
    """Re-fuse one event from all its mentions (see ``fuse_event``)."""
    return fuse_event(store, resources.cluster_config, event_id, article_id)


def fuse_event(store: Store, config: cluster.ClusterConfig, event_id: str, article_id: str | None = None) -> Event:
    """Re-fuse one event from all its mentions, store it with its grouping profile and index entry, and record in
    its history every field whose value or status the new article changed."""
    previous = store.get_event(event_id)
    mentions = store.mentions_of_event(event_id)
    articles = store.get_articles(m.article_id for m in mentions)
    event = fuse(event_id, mentions, articles, related=store.related_event_ids(event_id))
    context = _lead_contexts(store, mentions, articles)
    profile = cluster.profile_of(mentions, config, event, context=context, corpus=store.document_frequencies)
    store.save_event(event, profile.to_json())
    entry = cluster.index_entry(profile, config)
    store.index_event(event_id, entry.date_block, entry.place, entry.band_keys)
    for name, fused in event.fields.items():
        before = previous.fields.get(name) if previous else None
        if before is None or before.value != fused.value or before.status != fused.status:
            store.add_history(
                event_id,
                "changed",
                article_id,
                {
                    "field": name,
                    "old": before.value if before else None,
                    "new": fused.value,
                    "old_status": before.status if before else None,
                    "new_status": fused.status,
                },
            )
    return event


def _lead_contexts(store: Store, mentions: Sequence[Mention], articles: dict[str, Article]) -> str:
    """The article text an event's profile reads beside its mentions, as its frames did: of each article whose
    lead frame it holds, the text without the sentences of the article's other events (``cluster.lead_context``)."""
    held = {m.id for m in mentions}
    contexts = []
    for article_id in dict.fromkeys(m.article_id for m in mentions):
        article = articles.get(article_id)
        if article is None:
            continue
        lead_id, context = cluster.lead_context(article.text, store.mentions_of_article(article_id, with_claims=False))
        if lead_id in held and context:
            contexts.append(context)
    return "\n".join(contexts)


def events_of_articles(store: Store, article_ids: Iterable[str]) -> list[Event]:
    """The events the given articles contribute to, in date order."""
    ids: dict[str, None] = {}
    for article_id in article_ids:
        mention_ids = [m.id for m in store.mentions_of_article(article_id)]
        for event_id in store.event_ids_of_mentions(mention_ids).values():
            ids[event_id] = None
    events = [e for e in (store.get_event(i) for i in ids) if e]
    return sorted(events, key=lambda e: (e.date or "9999", e.id))
