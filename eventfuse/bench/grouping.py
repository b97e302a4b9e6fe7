"""What the grouping benchmarks (gv, ecb) share: B-cubed and pairwise F1, the tuned TF-IDF baseline, and each
article's event as the real pipeline groups it (with a story fallback for articles that report no event).

Hands on one label per article (predicted and baseline) for the benchmark modules to score.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..model import Article, Mention

if TYPE_CHECKING:
    from ..grouping import Decision, Frame, Grouper, Profile

    StoryDecision = Callable[[Frame, Sequence[Profile], frozenset[str]], Decision]


class GroupingStoreReader(Protocol):
    """What ``event_labels`` reads of a store."""

    def mentions_of_article(self, article_id: str, *, with_claims: bool = True) -> list[Mention]: ...
    def event_ids_of_mentions(self, mention_ids: list[str]) -> dict[str, str]: ...


# Thresholds the baseline is tuned over (cosine distance for average-linkage agglomerative clustering).
BASELINE_THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))


def bcubed(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (one label per item) against the gold one."""
    gold_members: dict[str, set[int]] = defaultdict(set)
    pred_members: dict[str, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_members[g].add(index)
        pred_members[p].add(index)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        overlap = len(gold_members[g] & pred_members[p])
        precision += overlap / len(pred_members[p])
        recall += overlap / len(gold_members[g])
    n = len(gold) or 1
    p, r = precision / n, recall / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """F1 over pairs of items put in one cluster."""

    def pairs(labels: Sequence[str]) -> set[tuple[int, int]]:
        members: dict[str, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            members[label].append(index)
        return {pair for group in members.values() for pair in combinations(group, 2)}

    gold_pairs, pred_pairs = pairs(gold), pairs(predicted)
    if not gold_pairs or not pred_pairs:
        return 0.0
    hits = len(gold_pairs & pred_pairs)
    p, r = hits / len(pred_pairs), hits / len(gold_pairs)
    return 2 * p * r / (p + r) if p + r else 0.0


def baseline_labels(texts: Sequence[str], threshold: float) -> list[str]:
    """TF-IDF cosine + average-linkage agglomerative clustering cut at ``threshold``."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    if len(texts) < 2:
        return ["0"] * len(texts)
    # distances between documents (n x n), not dense term vectors (n x vocabulary): thousands of articles fit
    distances = cosine_distances(TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts))
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return [str(label) for label in model.fit_predict(distances)]


def tuned_baseline(gold: Sequence[str], texts: Sequence[str]) -> tuple[list[str], float]:
    """The baseline's labels at the threshold that scores best against ``gold`` (tuned on the data it is scored
    on, so an upper bound for the baseline), and that threshold."""
    best: tuple[float, list[str], float] | None = None
    for threshold in BASELINE_THRESHOLDS:
        labels = baseline_labels(texts, threshold)
        f1 = bcubed(gold, labels)[2]
        if best is None or f1 > best[0]:
            best = (f1, labels, threshold)
    assert best is not None
    return best[1], best[2]


@dataclass(frozen=True)
class PipelineGrouping:
    """Each article's event as grouped by the pipeline; ``story`` marks the articles that gave no event frame
    and were placed by the story fallback."""

    labels: list[str]
    story: list[bool]


def pipeline_grouping(articles: Sequence[Article]) -> PipelineGrouping:
    """Run the real pipeline (ingest, extract, group, fuse) on the articles in a scratch store; each article's
    label is the event holding most of its mentions.

    An article that yields no event frame (no mention of a kind of event in the lexicon) is placed afterwards
    by the same learned decision on a story profile of its whole text (``place_stories``).
    """
    from .. import pipeline
    from ..store import Store

    resources = pipeline.Resources.load()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "grouping.db") as store:
        pipeline.ingest(store, articles, resources.rules)
        pipeline.run(store, resources)
        stored = [store.get_article(a.id) or a for a in articles]
        grouper = resources.grouper(store)
        return place_stories(grouper, stored, event_labels(store, stored))


def event_labels(store: GroupingStoreReader, articles: Sequence[Article]) -> list[str | None]:
    """Each article's event: the one its lead frame (the event it reports first, ``grouping.lead_context``) is
    in; None when it gave no frame."""
    from ..grouping import lead_context

    labels: list[str | None] = []
    for article in articles:
        mentions = store.mentions_of_article(article.id, with_claims=False)
        lead, _ = lead_context(article.text, mentions, article.title)
        events = store.event_ids_of_mentions([lead]) if lead else {}
        labels.append(events.get(lead) if lead else None)
    return labels


def place_stories(
    grouper: Grouper, articles: Sequence[Article], labels: Sequence[str | None], decide: StoryDecision | None = None
) -> PipelineGrouping:
    """Place each article that gave no frame (label None) by the grouper's decision on a story profile of its
    whole text (``profile_of_text``: words, headline, names, figures, embedding; no date, place or type),
    against the stored events and the stories placed before it, found by their LSH bands as the store's index
    finds events. ``decide`` replaces the learned decision (training records the gold one)."""
    from .. import grouping
    from ..grouping.index import band_keys

    store, config = grouper.store, grouper.config
    profiles = {event_id: grouping.Profile.from_json(p) for event_id, p in store.event_profiles()}
    buckets: dict[int, list[str]] = defaultdict(list)
    for event_id, profile in profiles.items():
        for key in band_keys(profile.terms, config.index):
            buckets[key].append(event_id)
    placed: dict[str, str] = {}  # an article stored once (same content) gets one label
    out = list(labels)
    for index, article in enumerate(articles):
        if out[index] is not None:
            continue
        if article.id not in placed:
            profile = grouping.profile_of_text(
                article.text or article.raw_text,
                config,
                store.document_frequencies,
                title=article.title,
                published=article.published,
                embedding=grouper.embedding,
            )
            keys = band_keys(profile.terms, config.index)
            shared = Counter(e for key in keys for e in buckets.get(key, ()))
            nearest = sorted(shared, key=lambda e: (-shared[e], e))[: config.index.max_candidates]
            frame = grouping.Frame(article.id, (), profile)
            candidates = [profiles[e] for e in nearest]
            decision = (decide or grouper.decide)(frame, candidates, frozenset())
            if decision.joined:
                profiles[decision.event_id] = grouping.profiles.add_frame(profiles[decision.event_id], profile)
            else:
                profiles[decision.event_id] = grouping.profiles.new_event_profile(profile, decision.event_id)
                for key in keys:
                    buckets[key].append(decision.event_id)
            placed[article.id] = decision.event_id
        out[index] = placed[article.id]
    return PipelineGrouping([label or "" for label in out], [article.id in placed for article in articles])
