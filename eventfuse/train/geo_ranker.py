"""Training of the toponym ranker on LGL and GeoVirus (the dev corpora of ``bench geo``), grouped by document.

Hands on ``geo_ranker.model.json`` (written into ``out_dir``) and the figures: per corpus, the share of gold
toponyms whose top-ranked candidate lies within 161 km of the gold point, cross-validated beside full-dev.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..geo.gazetteer import Gazetteer, haversine_km
from ..geo.ranker import FEATURES, MODEL_FILE
from ..geo.resolve import rank_groups, resolve_places
from ..learned import LinearModel, fit

log = logging.getLogger(__name__)

OUTPUTS = (MODEL_FILE,)
CORPORA = ("lgl", "geovirus")
ACC_KM = 161.0
# Round 0 ranks by name match and population to give the context the first model learns from; each later
# round ranks with the previous model, so the context features are the ones the shipped model will see.
ROUNDS = 2
C = 1.0
FOLDS = 5


def _documents(data_root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for corpus in CORPORA:
        path = data_root / "geo" / f"{corpus}.jsonl"
        if not path.exists():
            raise BenchDataError(f"{path}: not found; the ranker trains on ../shared/bench/geo (or --data)")
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield corpus, json.loads(line)


def _rows(
    documents: list[tuple[str, dict[str, Any]]], gazetteer: Gazetteer, model: LinearModel | None
) -> tuple[list[dict[str, float]], list[str], list[str], list[tuple[str, str, int, int]]]:
    """Feature rows of every candidate of every gold toponym's name, its label, its document, and its choice set.

    A choice set is (corpus, group id, gold spans it stands for, candidate count): the rows of one name in one
    document, of which the ranker takes the top one.
    """
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    groups: list[str] = []
    choices: list[tuple[str, str, int, int]] = []
    for corpus, doc in documents:
        text = doc["text"]
        gold = [t for t in doc["toponyms"] if 0 <= t["start"] < t["end"] <= len(text)]
        spans = [(t["start"], t["end"]) for t in gold]
        named, order = rank_groups(text, spans, gazetteer, model=model, use_model=model is not None)
        doc_id = f"{corpus}:{doc['id']}"
        by_key: dict[str, list[dict[str, Any]]] = {}
        for toponym, key in zip(gold, order, strict=True):
            if key and toponym.get("lat") is not None and toponym.get("lon") is not None:
                by_key.setdefault(key, []).append(toponym)
        for key, toponyms in by_key.items():
            group = named[key]
            point = toponyms[0]
            candidates = [c for c in group.candidates if c.key in group.rows]
            choice = f"{doc_id}:{key}"
            choices.append((corpus, choice, len(toponyms), len(candidates)))
            for candidate in candidates:
                right = haversine_km(candidate.lat, candidate.lon, point["lat"], point["lon"]) <= ACC_KM
                rows.append(group.rows[candidate.key])
                labels.append("yes" if right else "no")
                groups.append(doc_id)
    return rows, labels, groups, choices


def _fit_rounds(documents: list[tuple[str, dict[str, Any]]], gazetteer: Gazetteer) -> LinearModel:
    """The model of the last round, trained on these documents only (no cross-validation inside)."""
    model: LinearModel | None = None
    for round_number in range(ROUNDS + 1):
        rows, labels, groups, _choices = _rows(documents, gazetteer, model)
        meta = {"round": round_number, "rows": len(rows), "documents": len(set(groups))}
        model, _cv = fit("geo_ranker", rows, labels, groups, c=C, folds=1, features=FEATURES, meta=meta)
    assert model is not None
    return model


def accuracy(documents: list[tuple[str, dict[str, Any]]], gazetteer: Gazetteer, model: LinearModel) -> dict[str, float]:
    """Per corpus, Acc@161 of the full resolution (``resolve_places`` with this model) on the gold spans."""
    hits: dict[str, int] = {}
    totals: dict[str, int] = {}
    for corpus, doc in documents:
        text = doc["text"]
        gold = [t for t in doc["toponyms"] if 0 <= t["start"] < t["end"] <= len(text)]
        places = resolve_places(text, [(t["start"], t["end"]) for t in gold], gazetteer, model=model)
        for toponym, place in zip(gold, places, strict=True):
            if toponym.get("lat") is None or toponym.get("lon") is None:
                continue
            totals[corpus] = totals.get(corpus, 0) + 1
            if place.lat is not None and place.lon is not None:
                if haversine_km(place.lat, place.lon, toponym["lat"], toponym["lon"]) <= ACC_KM:
                    hits[corpus] = hits.get(corpus, 0) + 1
    return {corpus: round(hits.get(corpus, 0) / totals[corpus], 4) for corpus in sorted(totals)}


def train(data_root: Path, out_dir: Path) -> dict[str, Any]:
    """Fit the ranker on every document; cross-validate by refitting it on 4/5 of the documents (all rounds) and
    resolving the other fifth with it, so the CV figure is the resolution's own Acc@161 on unseen documents."""
    from sklearn.model_selection import GroupKFold

    documents = list(_documents(data_root))
    gazetteer = Gazetteer.open(embedded_only=True)
    gazetteer.warm()
    doc_ids = [f"{corpus}:{doc['id']}" for corpus, doc in documents]
    held_out: list[tuple[str, dict[str, Any]]] = []
    cv_hits: dict[str, float] = {}
    for fold, (train_index, test_index) in enumerate(GroupKFold(n_splits=FOLDS).split(doc_ids, groups=doc_ids)):
        fold_model = _fit_rounds([documents[i] for i in train_index], gazetteer)
        test_docs = [documents[i] for i in test_index]
        figures = accuracy(test_docs, gazetteer, fold_model)
        log.info("geo_ranker fold %d: %s", fold, figures)
        held_out.extend(test_docs)
        for corpus, value in figures.items():
            n = sum(1 for c, d in test_docs if c == corpus for t in d["toponyms"] if t.get("lat") is not None)
            cv_hits[corpus] = cv_hits.get(corpus, 0.0) + value * n
    totals = {
        corpus: sum(1 for c, d in documents if c == corpus for t in d["toponyms"] if t.get("lat") is not None)
        for corpus in CORPORA
    }
    model = _fit_rounds(documents, gazetteer)
    figures = {
        "documents": len(documents),
        "folds": FOLDS,
        "rounds": ROUNDS,
        "acc161_cv": {corpus: round(cv_hits.get(corpus, 0.0) / totals[corpus], 4) for corpus in CORPORA},
        "acc161_full_dev": accuracy(documents, gazetteer, model),
    }
    meta = {
        "data": "LGL and GeoVirus (../shared/bench/geo), gold toponym spans, embedded gazetteer only",
        "label": f"yes: the candidate lies within {ACC_KM:.0f} km of the gold point",
        "command": "eventfuse train geo_ranker",
        **figures,
    }
    model = replace(model, meta=meta)
    model.save(out_dir / MODEL_FILE)
    return figures
