"""The Grouper: one article's mentions in, the events they join or start out, with merges, splits, re-fusion and
history, through the few store methods grouping needs (``GroupingStore``).

Hands on the ids of the events an article touched, each re-fused and stored with its profile and index entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from ..fuse import fuse
from ..model import Article, Event, Mention
from ..timing import Stopwatch
from . import decisions, profiles
from . import index as candidate_index
from .config import ClusterConfig
from .embedding import StaticEmbedding


class GroupingStore(Protocol):
    """The store methods grouping uses, and nothing else (``eventfuse.store.Store`` implements them)."""

    def get_article(self, article_id: str) -> Article | None: ...
    def get_articles(self, article_ids: Iterable[str]) -> dict[str, Article]: ...
    def mentions_of_article(self, article_id: str, *, with_claims: bool = True) -> list[Mention]: ...
    def mentions_of_event(self, event_id: str) -> list[Mention]: ...
    def mention_ids_of_event(self, event_id: str) -> list[str]: ...
    def link_mentions(self, event_id: str, mention_ids: Iterable[str]) -> None: ...
    def related_event_ids(self, event_id: str) -> list[str]: ...
    def candidate_events(
        self,
        date_blocks: Sequence[tuple[int, str, str]],
        band_keys: Sequence[int],
        *,
        box: tuple[float, float, float, float] | None = None,
        near_day: str | None = None,
        bucket_limit: int = 10,
        limit: int = 300,
    ) -> list[dict[str, Any]]: ...
    def event_profiles_json(self, event_ids: Sequence[str]) -> list[dict[str, Any]]: ...
    def event_profiles(self) -> Iterator[tuple[str, dict[str, Any]]]: ...
    def index_event(
        self,
        event_id: str,
        date_block: tuple[int, str] | None,
        place: tuple[float, float] | None,
        band_keys: Sequence[int],
    ) -> None: ...
    def clear_index(self) -> None: ...
    def add_document_words(self, words: Iterable[str]) -> None: ...
    def document_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]: ...
    def setting(self, name: str) -> str | None: ...
    def save_setting(self, name: str, value: str) -> None: ...
    def merge_events(self, into_id: str, event_id: str, article_id: str | None) -> list[str]: ...
    def forget_redirect(self, event_id: str) -> None: ...
    def has_event(self, event_id: str) -> bool: ...
    def created_at(self, event_ids: Iterable[str]) -> dict[str, float]: ...
    def get_event(self, event_id: str) -> Event | None: ...
    def save_event(self, event: Event, profile: dict[str, Any]) -> None: ...
    def save_profile(self, event_id: str, profile: dict[str, Any]) -> None: ...
    def stale_event_ids(self) -> list[str]: ...
    def add_history(self, event_id: str, action: str, article_id: str | None, detail: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an event's history: what happened to it (created, joined, merged, split, changed), by which
    article, and why. ``detail`` is the JSON the store keeps beside the action (docs/schema.md)."""

    action: str
    article_id: str | None
    mentions: tuple[str, ...] = ()
    score: float | None = None
    reasons: tuple[str, ...] = ()
    absorbed: str | None = None  # merged: the event this one absorbed
    into: str | None = None  # merged: the event that absorbed this one
    frame_scores: dict[str, float] | None = None  # merged: the article's score with each of the two events
    split_to: str | None = None  # split: where the mentions went
    split_from: str | None = None  # split: where they came from
    reason: str | None = None  # split: the veto that split them
    field: str | None = None  # changed: the fused field
    old: Any = None
    new: Any = None
    old_status: str | None = None
    new_status: str | None = None

    def detail(self) -> dict[str, Any]:
        """The stored JSON: only what this kind of entry says."""
        if self.action in ("created", "joined"):
            return {"mentions": list(self.mentions), "score": self.score, "reasons": list(self.reasons)}
        if self.action == "merged":
            side = {"absorbed": self.absorbed} if self.absorbed else {"into": self.into}
            return {
                **side,
                "mentions": list(self.mentions),
                "frame_scores": dict(self.frame_scores or {}),
                "score": self.score,
                "reasons": list(self.reasons),
            }
        if self.action == "split":
            side = {"to": self.split_to} if self.split_to else {"from": self.split_from}
            return {**side, "mentions": list(self.mentions), "reason": self.reason}
        if self.action == "changed":
            return {
                "field": self.field,
                "old": self.old,
                "new": self.new,
                "old_status": self.old_status,
                "new_status": self.new_status,
            }
        raise ValueError(f"unknown history action {self.action!r}")


@dataclass
class Grouper:
    """Groups articles into events in one store: ``add`` an article's stored mentions, get the touched events.

    It runs inside the caller's transaction and leaves committing to it."""

    store: GroupingStore
    config: ClusterConfig
    model: decisions.JoinModel
    embedding: StaticEmbedding | None = None
    watch: Stopwatch = field(default_factory=Stopwatch)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("eventfuse.grouping"))
    # profiles changed by this article's frames, saved when their events are fused
    _pending: dict[str, profiles.Profile] = field(default_factory=dict, repr=False)

    def add(self, article: Article, mentions: Sequence[Mention]) -> list[str]:
        """Group one article's stored mentions into events and re-fuse every event touched; returns their ids
        (grouping's seconds go to ``watch`` as "grouping", re-fusion's as "fusion")."""
        with self.watch("grouping"):
            touched = self.group(article, mentions)
        with self.watch("fusion"):
            return self.refuse(touched, article.id)

    def frames(self, article: Article, mentions: Sequence[Mention]) -> list[profiles.Frame]:
        """The article's event frames with their profiles, as ``group`` compares them."""
        return profiles.frames_of_article(
            article.id,
            mentions,
            self.config,
            article.text,
            self.store.document_frequencies,
            title=article.title,
            published=article.published,
            embedding=self.embedding,
        )

    def group(self, article: Article, mentions: Sequence[Mention]) -> list[str]:
        """Each frame of the article joins the event the model finds most likely, or starts one, and merges the
        other events it shows to be the same one. Returns the events touched, in order, not yet re-fused."""
        store = self.store
        self.ensure_index()
        touched: list[str] = []
        if article.text:
            store.add_document_words(profiles.content_words(article.text))
        for frame in self.frames(article, mentions):
            # one article's two events never join or merge with each other
            candidates = [p for p in self.candidates(frame.profile) if p.event_id not in touched]
            co_reported = frozenset(r for t in touched for r in store.related_event_ids(t))
            decision = self.decide(frame, candidates, co_reported)
            event_id, value, reasons = decision.event_id, decision.score, decision.reasons
            if decision.joined:
                chosen = next(c for c in candidates if c.event_id == event_id)
                profile = profiles.add_frame(chosen, frame.profile)
                apart = frozenset(store.related_event_ids(event_id))
                found = self._not_side_by_side(self.merges(frame, chosen, candidates, apart, co_reported))
                if found:
                    by_id = {c.event_id: c for c in candidates}
                    event_id = self._merge(decision, found, article.id)
                    for merge in found:
                        profile = profiles.combine(profile, by_id[merge.event_id])
                        if merge.event_id == event_id:  # an older event the frame also joins kept its id
                            value, reasons = merge.frame_score, merge.frame_reasons
                    # the record that stands is the keeper's: the merged event is fused again once it holds
                    # FUSE_GROWTH times what that record was fused from (a big event absorbing a small one
                    # waits, as it does for a joining report; a small one absorbing a big one is fused now)
                    keeper = by_id.get(event_id, chosen)
                    profile = replace(profile, event_id=event_id, fused_members=keeper.fused_members)
            else:
                profile = profiles.new_event_profile(frame.profile, event_id)
            self._pending[event_id] = profile
            store.link_mentions(event_id, frame.mention_ids)
            action = "joined" if decision.joined else "created"
            self._record(event_id, HistoryEntry(action, article.id, frame.mention_ids, value, tuple(reasons)))
            touched.append(event_id)
        return touched

    def decide(
        self, frame: profiles.Frame, candidates: Sequence[profiles.Profile], co_reported: frozenset[str]
    ) -> decisions.Decision:
        """Where a frame goes (the learned decision; training replaces it with the gold one)."""
        return decisions.decide(frame, candidates, self.model, co_reported)

    def merges(
        self,
        frame: profiles.Frame,
        chosen: profiles.Profile,
        candidates: Sequence[profiles.Profile],
        apart: frozenset[str],
        co_reported: frozenset[str],
    ) -> list[decisions.Merge]:
        """The other events a joining frame shows to be the one it joined (``decisions.merges``)."""
        return decisions.merges(frame, chosen, candidates, self.model, apart, co_reported)

    def candidates(self, profile: profiles.Profile) -> list[profiles.Profile]:
        """The stored events a frame is scored against: found through the candidate index (date block, LSH bands)."""
        config = self.config
        query = candidate_index.candidate_query(profile, config)
        found = self.store.candidate_events(
            query.date_blocks,
            query.band_keys,
            box=query.box,
            near_day=query.day,
            bucket_limit=config.index.bucket_limit,
            limit=config.index.max_candidates,
        )
        kept = candidate_index.keep_candidates(found, config)
        found_profiles = [profiles.Profile.from_json(p) for p in self.store.event_profiles_json(kept)]
        return [p for p in found_profiles if candidate_index.within_lookback(profile, p, config.index.lookback_days)]

    def ensure_index(self) -> None:
        """Index every stored event again when the index was made with other settings (or by an older eventfuse)."""
        store, config = self.store, self.config
        signature = f"{config.index.signature}; date precisions {sorted(config.window_days)}; {INDEX_VERSION}"
        if store.setting("band_index") == signature:
            return
        self.log.info("indexing the stored events for grouping (%s)", signature)
        store.clear_index()
        for event_id, profile in store.event_profiles():
            entry = candidate_index.index_entry(profiles.Profile.from_json(profile), config)
            store.index_event(event_id, entry.date_block, entry.place, entry.band_keys)
        store.save_setting("band_index", signature)

    def _record(self, event_id: str, entry: HistoryEntry) -> None:
        self.store.add_history(event_id, entry.action, entry.article_id, entry.detail())

    def _not_side_by_side(self, found: Sequence[decisions.Merge]) -> list[decisions.Merge]:
        """The merges whose events no one article reports as two events (each is checked against those kept)."""
        kept: list[decisions.Merge] = []
        for merge in found:
            apart = set(self.store.related_event_ids(merge.event_id))
            if not any(other.event_id in apart for other in kept):
                kept.append(merge)
        return kept

    def _merge(self, decision: decisions.Decision, found: Sequence[decisions.Merge], article_id: str) -> str:
        """Merge the events a frame joins into the oldest of them, which keeps its id; returns that id."""
        store = self.store
        frame_scores = {decision.event_id: decision.score, **{m.event_id: m.frame_score for m in found}}
        created = store.created_at(frame_scores)
        keeper = min(frame_scores, key=lambda e: (created.get(e, float("inf")), e))
        pairs = {m.event_id: m for m in found}
        for event_id in frame_scores:
            if event_id == keeper:
                continue
            pair = pairs.get(event_id) or pairs[keeper]  # every merge pairs an event with the one the frame chose
            moved = tuple(store.merge_events(keeper, event_id, article_id))
            scores = {keeper: frame_scores[keeper], event_id: frame_scores[event_id]}
            common = {"mentions": moved, "frame_scores": scores, "score": pair.score, "reasons": tuple(pair.reasons)}
            self._record(keeper, HistoryEntry("merged", article_id, absorbed=event_id, **common))
            self._record(event_id, HistoryEntry("merged", article_id, into=keeper, **common))
            self._pending.pop(event_id, None)
            self.log.info("merged %s into %s (article %s)", event_id, keeper, article_id)
        return keeper

    def refuse(self, event_ids: Sequence[str], article_id: str | None = None) -> list[str]:
        """Re-fuse every event touched, in order, and return them. An event of more than ``FUSE_ALWAYS`` reports is
        fused again only once it holds ``FUSE_GROWTH`` times the reports its record was last fused from (reports
        that joined it or events merged into it); until then its profile and index entry are saved and its record
        is marked stale, and ``flush`` (at the end of each run) fuses it. Fusion reads every report of an event:
        fusing a big event at every report or merge would cost a growing time per report, fusing it as it doubles
        costs a constant one."""
        touched = list(dict.fromkeys(event_ids))
        for event_id in touched:
            profile = self._pending.get(event_id)
            if profile is not None and not _due(profile):
                self._pending.pop(event_id)
                self._save_profile(event_id, profile)
            else:
                self.fuse(event_id, article_id)
        return touched

    def flush(self, article_id: str | None = None) -> list[str]:
        """Fuse every event whose record lags its reports (see ``refuse``); returns their ids."""
        stale = self.store.stale_event_ids()
        for event_id in stale:
            self.fuse(event_id, article_id)
        return stale

    def _save_profile(self, event_id: str, profile: profiles.Profile) -> None:
        self.store.save_profile(event_id, profile.to_json())
        entry = candidate_index.index_entry(profile, self.config)
        self.store.index_event(event_id, entry.date_block, entry.place, entry.band_keys)

    def fuse(self, event_id: str, article_id: str | None = None) -> Event:
        """Re-fuse one event from all its mentions, store it with its grouping profile and index entry, and record
        in its history every field whose value or status the new article changed."""
        store, config = self.store, self.config
        previous = store.get_event(event_id)
        mentions = store.mentions_of_event(event_id)
        articles = store.get_articles(m.article_id for m in mentions)
        event = fuse(event_id, mentions, articles, related=store.related_event_ids(event_id))
        profile = self._pending.pop(event_id, None) or self._stored_profile(event_id)
        profile = replace(profiles.described(profile, event), fused_members=profile.members)
        store.save_event(event, profile.to_json())
        entry = candidate_index.index_entry(profile, config)
        store.index_event(event_id, entry.date_block, entry.place, entry.band_keys)
        for name, fused in event.fields.items():
            before = previous.fields.get(name) if previous else None
            if before is None or before.value != fused.value or before.status != fused.status:
                change = HistoryEntry(
                    "changed",
                    article_id,
                    field=name,
                    old=before.value if before else None,
                    new=fused.value,
                    old_status=before.status if before else None,
                    new_status=fused.status,
                )
                self._record(event_id, change)
        return event

    def _stored_profile(self, event_id: str) -> profiles.Profile:
        stored = self.store.event_profiles_json([event_id])
        return profiles.Profile.from_json(stored[0]) if stored else profiles.Profile(event_id=event_id)


# An event of at most this many reports is fused again at every report; a bigger one when it has grown by
# FUSE_GROWTH since it was last fused (``Grouper.refuse``).
FUSE_ALWAYS = 32
FUSE_GROWTH = 2.0


def _due(profile: profiles.Profile) -> bool:
    return profile.members <= FUSE_ALWAYS or profile.members >= profile.fused_members * FUSE_GROWTH


# Bumped when what the index keeps of a profile changes (places indexed only when confidently resolved).
INDEX_VERSION = "index 2"
