"""Wires the stages in their one order: sources -> clean -> nlp -> extract -> cluster -> fuse -> store.

The only module that knows the order. Incremental: each new article updates only the events it touches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cluster, temporal
from .clean import Rules, clean, load_rules
from .errors import InputError
from .extract import Extractor
from .fuse import fuse
from .model import Article, Event
from .nlp import load_model
from .store import Store

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
BATCH_SIZE = 32


@dataclass(frozen=True)
class Resources:
    """What the stages load once and share: the spaCy model, the lexicon, the gazetteer, rules and settings."""

    nlp: Language
    extractor: Extractor
    rules: Rules
    cluster_config: cluster.ClusterConfig

    @classmethod
    def load(cls, lexicon_files: Sequence[Path] = (), gazetteer_path: Path | None = None) -> Resources:
        from .geo import Gazetteer
        from .lexicon import load_lexicon

        return cls(
            nlp=load_model(),
            extractor=Extractor(load_lexicon(tuple(lexicon_files)), Gazetteer.open(gazetteer_path)),
            rules=load_rules(),
            cluster_config=cluster.ClusterConfig.load(),
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


def run(store: Store, resources: Resources, progress: Progress | None = None, limit: int | None = None) -> RunReport:
    """Process pending articles: extract, group, fuse; one transaction per article, so a rerun resumes."""
    report = RunReport()
    pending = store.pending_article_ids()
    if limit is not None:
        pending = pending[:limit]
    touched: dict[str, None] = {}
    for start in range(0, len(pending), BATCH_SIZE):
        batch = [a for a in (store.get_article(aid) for aid in pending[start : start + BATCH_SIZE]) if a]
        docs = resources.nlp.pipe(a.text for a in batch)
        for article, doc in zip(batch, docs, strict=True):
            for event_id in process_article(store, resources, article, doc):
                touched[event_id] = None
            report.processed += 1
            if progress:
                progress(1)
    report.events_touched = list(touched)
    return report


def process_article(store: Store, resources: Resources, article: Article, doc: object) -> list[str]:
    """Extract one article's mentions, group them into events and re-fuse those events, in one transaction."""
    mentions = resources.extractor.extract(article, doc)
    config = resources.cluster_config
    touched: list[str] = []
    with store.transaction():
        store.save_mentions(article.id, mentions)
        for frame in cluster.frames_of_article(article.id, mentions, config):
            window = cluster.date_window(frame.profile, config)
            candidates = [
                cluster.Profile.from_json(p)
                for p in store.candidate_profiles(*(window or (None, None)))
                if p.get("event_id") not in touched  # one article's two events never merge with each other
            ]
            co_reported = frozenset(r for t in touched for r in store.related_event_ids(t))
            decision = cluster.decide(frame, candidates, config, co_reported)
            store.link_mentions(decision.event_id, frame.mention_ids)
            store.add_history(
                decision.event_id,
                "joined" if decision.joined else "created",
                article.id,
                {"mentions": list(frame.mention_ids), "score": decision.score, "reasons": list(decision.reasons)},
            )
            touched.append(decision.event_id)
        for event_id in touched:
            refuse_event(store, resources, event_id, article.id)
        store.mark_processed(article.id)
    return touched


def refuse_event(store: Store, resources: Resources, event_id: str, article_id: str | None = None) -> Event:
    """Re-fuse one event from all its mentions, store it with its grouping profile, and record in its history
    every field whose value or status the new article changed."""
    previous = store.get_event(event_id)
    mentions = store.mentions_of_event(event_id)
    articles = store.get_articles(m.article_id for m in mentions)
    event = fuse(event_id, mentions, articles, related=store.related_event_ids(event_id))
    profile = cluster.profile_of(mentions, resources.cluster_config, event)
    store.save_event(event, profile.to_json())
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


def events_of_articles(store: Store, article_ids: Iterable[str]) -> list[Event]:
    """The events the given articles contribute to, in date order."""
    ids: dict[str, None] = {}
    for article_id in article_ids:
        mention_ids = [m.id for m in store.mentions_of_article(article_id)]
        for event_id in store.event_ids_of_mentions(mention_ids).values():
            ids[event_id] = None
    events = [e for e in (store.get_event(i) for i in ids) if e]
    return sorted(events, key=lambda e: (e.date or "9999", e.id))
