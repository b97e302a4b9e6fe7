"""What the grouping benchmarks (gv, ecb) share: B-cubed and pairwise F1, the tuned TF-IDF baseline, and each
article's event as the real pipeline groups it (with a story fallback for articles that report no event).

Hands on one label per article (predicted and baseline) for the benchmark modules to score.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from ..model import Article

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
    by the same grouping decision on a story profile of its whole text (``grouping.profile_of_text``): it joins
    the best-scoring stored event or earlier story at or above the story threshold (``[story]`` in
    ``data/cluster.toml``: a story has only its text to compare), else stays on its own.
    """
    from .. import grouping, pipeline
    from ..store import Store

    resources = pipeline.Resources.load()
    config = resources.cluster_config
    story_config = replace(config, join_threshold=config.story_join_threshold)  # text is all a story has
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "grouping.db") as store:
        pipeline.ingest(store, articles, resources.rules)
        pipeline.run(store, resources)
        labels: list[str | None] = []
        for article in articles:
            mentions = store.mentions_of_article(article.id)
            events = Counter(store.event_ids_of_mentions([m.id for m in mentions]).values())
            labels.append(events.most_common(1)[0][0] if events else None)
        candidates = [grouping.Profile.from_json(p) for _, p in store.event_profiles()]
        placed: dict[str, str] = {}  # an article stored once (same content) gets one label
        for index, article in enumerate(articles):
            if labels[index] is not None:
                continue
            if article.id not in placed:
                stored = store.get_article(article.id)
                text = stored.text if stored else article.raw_text
                profile = grouping.profile_of_text(text, config, store.document_frequencies)
                decision = grouping.decide(grouping.Frame(article.id, (), profile), candidates, story_config)
                if not decision.joined:
                    candidates.append(replace(profile, event_id=decision.event_id))
                placed[article.id] = decision.event_id
            labels[index] = placed[article.id]
    return PipelineGrouping([label or "" for label in labels], [article.id in placed for article in articles])
