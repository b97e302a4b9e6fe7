"""Trains the same-event join decision on the dev data (gv incidents, ECB+ topics), with grouped cross-validation.

Writes ``grouping.model.json``: a logistic model over ``grouping.evidence.FEATURES``, its threshold, and the
figures it was chosen by (cross-validated beside full-dev B-cubed F1 of the streamed grouping).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from .. import grouping, parallel
from ..bench import ecb, gv
from ..bench.grouping import bcubed, event_labels, place_stories
from ..errors import BenchDataError
from ..grouping import evidence
from ..learned import LinearModel, best_threshold, fit
from ..model import Article, Mention
from ..store import Store

log = logging.getLogger(__name__)

OUTPUTS = ("grouping.model.json",)
FOLDS = 5
C = 1.0  # inverse regularisation strength of the logistic model
THRESHOLDS = (0.4, 0.5, 0.6)  # join thresholds tried on the held-out folds
# Files whose content decides what the extractor gives: the cached extraction of the dev data is reused only
# while all of them are unchanged.
EXTRACTION_INPUTS = (
    "extract",
    "extract.py",
    "lexicon",
    "geo",
    "temporal",
    "nlp.py",
    "clean.py",
    "model.py",
    "data/extraction.toml",
    "data/boilerplate.toml",
)


@dataclass(frozen=True)
class Dataset:
    """One dev corpus: its articles in stream order, each with its gold event and its cross-validation group."""

    name: str
    articles: list[Article]
    gold: list[str]
    groups: list[str]


def datasets(data_root: Path) -> list[Dataset]:
    """gv (all of the dev split: an article per incident it reports, grouped by incident) and ECB+ (documents
    grouped by topic, so both sub-topics of a topic, the hard negatives, stay in one fold)."""
    records = gv.load_articles(data_root / "gv")
    gv_set = Dataset("gv", gv.articles_of(records), [r["incident_id"] for r in records], [])
    gv_set = replace(gv_set, groups=[f"gv/{g}" for g in gv_set.gold])
    docs = ecb.load_docs(data_root / "ecb")
    ecb_set = Dataset(
        "ecb",
        [ecb.article_of(r) for r in docs],
        [f"{r['topic']}/{r['subtopic']}" for r in docs],
        [f"ecb/{r['topic']}" for r in docs],
    )
    return [gv_set, ecb_set]


# --- extraction, once ----------------------------------------------------------------------------------


def extracted(dataset: Dataset, cache_dir: Path | None) -> list[tuple[Article, list[Mention]]]:
    """Each article cleaned, dated and extracted as ``eventfuse run`` does (in worker processes), reused from
    ``cache_dir`` while the extraction's inputs are unchanged."""
    from ..clean import load_rules
    from ..geo import Gazetteer
    from ..pipeline import prepare

    key = _extraction_key(dataset)
    cached = cache_dir / f"extracted-{dataset.name}-{key}.pickle" if cache_dir else None
    if cached and cached.exists():
        with cached.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache, written below
    rules = load_rules()
    articles = [prepare(a, rules) for a in dataset.articles]
    spec = parallel.WorkerSpec((), Gazetteer.open().path)
    batches = (articles[i : i + parallel.TASK_ARTICLES] for i in range(0, len(articles), parallel.TASK_ARTICLES))
    out = [(x.article, x.mentions) for x in parallel.extract_in_workers(batches, spec, parallel.default_workers())]
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with cached.open("wb") as handle:
            pickle.dump(out, handle)
    return out


def _extraction_key(dataset: Dataset) -> str:
    digest = hashlib.sha256()
    for article in dataset.articles:
        digest.update(article.id.encode())
    root = Path(str(package_files.files("eventfuse")))
    for name in EXTRACTION_INPUTS:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".toml", ".json", ".csv", ".txt"):
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# --- replaying the stream --------------------------------------------------------------------------------


@dataclass
class Rows:
    """Evidence rows recorded while replaying: features, whether the pair is one gold event, the frame's group."""

    features: list[dict[str, float]] = field(default_factory=list)
    same: list[bool] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    vetoed_same: int = 0  # pairs of one gold event that a certain veto kept apart


Chooser = Callable[[str], grouping.JoinModel]


class ReplayGrouper(grouping.Grouper):
    """A Grouper whose decisions are the gold ones (``oracle``: each frame joins the event of its gold label and
    records the evidence against every candidate) or a model chosen per frame (cross-validation: the model of the
    fold that held the frame's group out)."""

    def __init__(
        self,
        *args: Any,
        gold: dict[str, str],
        group_of: dict[str, str],
        rows: Rows | None = None,
        choose: Chooser | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.gold, self.group_of, self.rows, self.choose = gold, group_of, rows, choose
        self.event_gold: dict[str, str | None] = {}
        self.lead: set[str] = set()  # articles whose lead frame was decided

    def decide(
        self, frame: grouping.Frame, candidates: Sequence[grouping.Profile], co_reported: frozenset[str]
    ) -> grouping.Decision:
        first = frame.article_id not in self.lead
        self.lead.add(frame.article_id)
        label = self.gold.get(frame.article_id) if first else None
        if self.choose is not None:
            decision = grouping.decide(frame, candidates, self.choose(self.group_of[frame.article_id]), co_reported)
        else:
            decision = self._gold_decision(frame, candidates, co_reported, label)
        if not decision.joined:
            self.event_gold[decision.event_id] = label
        return decision

    def _gold_decision(
        self,
        frame: grouping.Frame,
        candidates: Sequence[grouping.Profile],
        co_reported: frozenset[str],
        label: str | None,
    ) -> grouping.Decision:
        new = grouping.Decision(grouping.new_event_id(frame), False, 0.0, ("gold",))
        if label is None:  # an article's other events: what gold event they are is not known
            return new
        target = None
        assert self.rows is not None
        for candidate in candidates:
            known = self.event_gold.get(candidate.event_id or "")
            if known is None:
                continue
            same = known == label
            if self.model.veto(frame.profile, candidate):
                self.rows.vetoed_same += same
                continue
            row = evidence.features(
                frame.profile, candidate, self.config, co_reported=candidate.event_id in co_reported
            )
            self.rows.features.append(row)
            self.rows.same.append(same)
            self.rows.groups.append(self.group_of[frame.article_id])
            if same and target is None:
                target = candidate.event_id
        return grouping.Decision(target, True, 1.0, ("gold",)) if target else new

    def merges(
        self,
        frame: grouping.Frame,
        chosen: grouping.Profile,
        candidates: Sequence[grouping.Profile],
        apart: frozenset[str],
        co_reported: frozenset[str],
    ) -> list[grouping.Merge]:
        if self.choose is None:
            return []  # gold events never merge: each is one label from its first report
        model = self.choose(self.group_of[frame.article_id])
        return grouping.merges(frame, chosen, candidates, model, apart, co_reported)


def replay(
    items: Sequence[tuple[Article, list[Mention]]],
    dataset: Dataset,
    config: grouping.ClusterConfig,
    model: grouping.JoinModel,
    embedding: grouping.StaticEmbedding,
    *,
    rows: Rows | None = None,
    choose: Chooser | None = None,
) -> list[str]:
    """Group the extracted articles in stream order through a Grouper in a scratch store, as ``eventfuse run``
    does, then place the articles with no frame as ``bench gv``/``bench ecb`` do; each article's event label.
    With ``rows``: gold decisions, evidence recorded (``model`` only vetoes). With ``choose``: a model per frame.
    Else ``model`` decides, as in ``eventfuse run``."""
    gold = {a.id: g for a, g in zip(dataset.articles, dataset.gold, strict=True)}
    group_of = {a.id: g for a, g in zip(dataset.articles, dataset.groups, strict=True)}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "replay.db") as store:
        kind = ReplayGrouper if (rows is not None or choose is not None) else grouping.Grouper
        extra = {"gold": gold, "group_of": group_of, "rows": rows, "choose": choose} if kind is ReplayGrouper else {}
        grouper = kind(store, config, model, embedding, **extra)
        for article, mentions in items:
            if not store.add_article(article):
                continue  # the same text twice (filed under two incidents): grouped once
            with store.transaction():
                store.save_mentions(article.id, mentions)
                grouper.add(article, mentions)
                store.mark_processed(article.id)
        with store.transaction():
            grouper.flush()
        articles = [store.get_article(a.id) or a for a in dataset.articles]
        labels = event_labels(store, articles)
        decide = grouper.decide
        return place_stories(grouper, articles, labels, decide).labels


# --- training ----------------------------------------------------------------------------------------------


def train(data_root: Path, out_dir: Path, *, cache_dir: Path | None = None) -> dict[str, Any]:
    """Extract the dev data (cached), record the gold stream's evidence, fit the model with grouped folds, choose
    the threshold on out-of-fold pairs, and measure B-cubed F1 of the stream with the full model and, per
    frame, with the model of the fold that never saw its group. Writes ``grouping.model.json``."""
    import platformdirs

    from ..grouping.config import ClusterConfig
    from ..grouping.embedding import StaticEmbedding

    if not (data_root / "gv").is_dir() or not (data_root / "ecb").is_dir():
        raise BenchDataError(f"{data_root}: the gv and ecb dev data are needed (pass --data DIR)")
    cache = cache_dir or Path(platformdirs.user_cache_dir("eventfuse")) / "train"
    config = ClusterConfig.load()
    embedding = StaticEmbedding.load()
    vetoes = grouping.JoinModel(_blank_model(), config)
    sets = datasets(data_root)
    items = {}
    for dataset in sets:
        log.info(
            "%s: extracting %d articles (cached in %s after the first run)", dataset.name, len(dataset.articles), cache
        )
        items[dataset.name] = extracted(dataset, cache)
    rows = Rows()
    for dataset in sets:
        log.info("%s: replaying the stream with gold decisions", dataset.name)
        replay(items[dataset.name], dataset, config, vetoes, embedding, rows=rows)
        log.info("%s: %d evidence rows", dataset.name, len(rows.same))
    labels = ["same" if s else "other" for s in rows.same]
    log.info("fitting on %d pairs with %d grouped folds", len(labels), FOLDS)
    model, cv = fit(
        "grouping",
        rows.features,
        labels,
        rows.groups,
        c=C,
        folds=FOLDS,
        features=evidence.FEATURES,
        missing="mean",
        weights=corpus_weights(rows.groups),
    )
    pair_threshold, pair_f1 = best_threshold(cv.probabilities, rows.same)
    figures: dict[str, Any] = {
        "pairs": len(rows.same),
        "pairs_same": sum(rows.same),
        "same_pairs_vetoed": rows.vetoed_same,
        "pair_f1_cv": round(pair_f1, 4),
        "pair_threshold_cv": round(pair_threshold, 4),
    }
    # The join threshold: the one of THRESHOLDS whose streamed grouping, each frame decided by the model of the
    # fold that never saw its group, scores the best mean B-cubed F1 over the dev corpora.
    held_out: dict[float, dict[str, tuple[float, float, float]]] = {}
    for threshold in THRESHOLDS:
        log.info("threshold %.2f: replaying each corpus with the held-out fold models", threshold)
        folds = [grouping.JoinModel(replace(m, threshold=threshold), config) for m in cv.models]
        chooser = _chooser(folds, cv.fold_of_group)
        held_out[threshold] = {
            d.name: bcubed(d.gold, replay(items[d.name], d, config, vetoes, embedding, choose=chooser)) for d in sets
        }
        log.info("threshold %.2f: %s", threshold, held_out[threshold])
    threshold = max(THRESHOLDS, key=lambda t: (sum(f[2] for f in held_out[t].values()), -t))
    figures["threshold"] = threshold
    figures["cv_bcubed_f1_by_threshold"] = {
        str(t): {name: round(f[2], 4) for name, f in scores.items()} for t, scores in held_out.items()
    }
    final = grouping.JoinModel(replace(model, threshold=threshold), config)
    for dataset in sets:
        log.info("%s: replaying with the final model (threshold %.2f)", dataset.name, threshold)
        full = bcubed(dataset.gold, replay(items[dataset.name], dataset, config, final, embedding))
        cv_figures = held_out[threshold][dataset.name]
        figures[dataset.name] = {
            "bcubed_f1_full_dev": round(full[2], 4),
            "bcubed_p_full_dev": round(full[0], 4),
            "bcubed_r_full_dev": round(full[1], 4),
            "bcubed_f1_cv": round(cv_figures[2], 4),
            "bcubed_p_cv": round(cv_figures[0], 4),
            "bcubed_r_cv": round(cv_figures[1], 4),
        }
    meta = {
        "command": "eventfuse train grouping",
        "data": "dev splits: gv (all incidents), ecb (all topics); groups: gv incident, ecb topic",
        "folds": FOLDS,
        "c": C,
        "figures": figures,
    }
    final_model = replace(model, threshold=threshold, meta=meta)
    final_model.save(out_dir / OUTPUTS[0])
    return figures


def corpus_weights(groups: Sequence[str]) -> list[float]:
    """Each pair's weight in the fit, so that every corpus counts alike however many candidate pairs its stream
    gave (gv's crowded beat of shootings gives eighty times ECB+'s): the model weighs evidence that holds in
    both, not the base rate of one. A group is named "corpus/..."."""
    sizes = Counter(group.split("/", 1)[0] for group in groups)
    return [len(groups) / (len(sizes) * sizes[group.split("/", 1)[0]]) for group in groups]


def _chooser(folds: Sequence[grouping.JoinModel], fold_of_group: dict[str, int]) -> Chooser:
    def choose(group: str) -> grouping.JoinModel:
        return folds[fold_of_group.get(group, 0)]

    return choose


def _blank_model() -> LinearModel:
    """A model that only carries the vetoes while the gold stream is replayed (its weights are never used)."""
    width = len(evidence.FEATURES)
    return LinearModel(
        "vetoes only", ("other", "same"), evidence.FEATURES, (0.0,) * width, (1.0,) * width, ((0.0,) * width,), (0.0,)
    )
