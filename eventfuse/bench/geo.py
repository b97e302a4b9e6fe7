"""Geocoding benchmark on LGL and GeoVirus: resolution given the gold toponym spans, and detection plus resolution.

Hands on, per corpus, Acc@161km, mean and median error, the CamCoder AUC, end-to-end P/R/F1, resolution speed and
the share of gold GeoNames ids the gazetteer holds; embedded-only first, then with imported GeoNames dumps if any.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from itertools import islice
from pathlib import Path
from typing import Any

from . import read_jsonl, require_dir

log = logging.getLogger(__name__)

ANCHORS: dict[str, str] = {
    "lgl acc161 (gold spans)": "Mordecai 3: 82.7 (Halterman 2023, 967 toponyms)",
    "lgl acc161 (end to end)": "CamCoder 76, Edinburgh 76, CLAVIN 71, population baseline 70 (Gritta et al. 2018)",
    "geovirus acc161 (end to end)": "CamCoder 82, Edinburgh 78, CLAVIN 79, population baseline 80 (Gritta et al. 2018)",
    "target": "acc161 >= 0.90 on LGL and GeoVirus, gold spans, embedded gazetteer only (issue 17)",
}
ACC_KM = 161.0
EARTH_HALF_CIRCUMFERENCE_KM = 20039.0


def auc(errors_km: list[float]) -> float:
    """Area under the sorted curve of log(1 + error) normalised by log(20039), as in CamCoder (lower is better)."""
    if len(errors_km) < 2:
        return math.log1p(errors_km[0]) / math.log(EARTH_HALF_CIRCUMFERENCE_KM) if errors_km else 0.0
    logs = sorted(math.log1p(e) for e in errors_km)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / (math.log(EARTH_HALF_CIRCUMFERENCE_KM) * (len(logs) - 1))


def _load(path: Path, limit: int | None) -> list[dict[str, Any]]:
    return list(islice(read_jsonl(path, ("text", "toponyms")), limit))


def evaluate_corpus(docs: list[dict[str, Any]], gazetteer: Any, nlp: Any | None) -> dict[str, float | int]:
    from ..geo import find_toponyms, resolve_places
    from ..geo.gazetteer import haversine_km

    errors: list[float] = []
    resolve_seconds = 0.0
    resolve_cpu = 0.0  # CPU time: other jobs on shared cores stretch the wall clock, not this
    words = 0
    tp_pred = n_pred = tp_gold = n_gold = 0
    for doc in docs:
        text = doc["text"]
        gold = [t for t in doc["toponyms"] if 0 <= t["start"] < t["end"] <= len(text)]
        spans = [(t["start"], t["end"]) for t in gold]
        started, started_cpu = time.perf_counter(), time.process_time()
        places = resolve_places(text, spans, gazetteer)
        resolve_seconds += time.perf_counter() - started
        resolve_cpu += time.process_time() - started_cpu
        words += len(text.split())
        for toponym, place in zip(gold, places, strict=True):
            if toponym.get("lat") is None or toponym.get("lon") is None:
                continue
            if place.lat is None or place.lon is None:
                errors.append(EARTH_HALF_CIRCUMFERENCE_KM)  # an unresolved toponym counts as the worst error
            else:
                errors.append(haversine_km(place.lat, place.lon, toponym["lat"], toponym["lon"]))
        if nlp is None:
            continue
        located_gold = [t for t in gold if t.get("lat") is not None and t.get("lon") is not None]
        unlocated_gold = [t for t in gold if t.get("lat") is None or t.get("lon") is None]
        predicted = [p for p in resolve_places(text, find_toponyms(nlp(text)), gazetteer) if p.lat is not None]
        matched_gold: set[int] = set()
        for place in predicted:
            overlapping = [
                (i, t) for i, t in enumerate(located_gold) if t["start"] < place.end and place.start < t["end"]
            ]
            if not overlapping and any(t["start"] < place.end and place.start < t["end"] for t in unlocated_gold):
                continue  # the gold place has no coordinates: neither right nor wrong
            n_pred += 1
            hits = [i for i, t in overlapping if haversine_km(place.lat, place.lon, t["lat"], t["lon"]) <= ACC_KM]
            if hits:
                tp_pred += 1
                matched_gold.update(hits)
        n_gold += len(located_gold)
        tp_gold += len(matched_gold)
    n = len(errors)
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "acc161": round(sum(1 for e in errors if e <= ACC_KM) / n, 4) if n else 0.0,
        "mean_km": round(statistics.fmean(errors), 1) if n else 0.0,
        "median_km": round(statistics.median(errors), 1) if n else 0.0,
        "auc": round(auc(errors), 4) if n else 0.0,
        "e2e_p": round(precision, 4),
        "e2e_r": round(recall, 4),
        "e2e_f1": round(f1, 4),
        "n": n,
        "docs": len(docs),
        "ms_per_article": round(1000 * resolve_seconds / max(1, len(docs)), 2),
        # The speed target is stated for a 600-word article; corpus articles are shorter.
        "ms_per_600_words": round(1000 * resolve_seconds * 600 / max(1, words), 2),
        "cpu_ms_per_600_words": round(1000 * resolve_cpu * 600 / max(1, words), 2),
    }


def coverage(docs: list[dict[str, Any]], gazetteer: Any) -> float | None:
    """The share of the gold toponyms' GeoNames ids (LGL gives them) that the gazetteer holds; None without ids."""
    ids = [int(t["geonameid"]) for doc in docs for t in doc["toponyms"] if t.get("geonameid") is not None]
    if not ids:
        return None
    present = set()
    distinct = sorted(set(ids))
    for start in range(0, len(distinct), 500):
        chunk = distinct[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT geonameid FROM place WHERE geonameid IN ({marks})"
        if gazetteer.embedded_only:
            sql += " AND source != 'geonames'"
        present.update(row[0] for row in gazetteer.db.execute(sql, chunk))
    return round(sum(1 for i in ids if i in present) / len(ids), 4)


def run(data_dir: Path, *, limit: int | None = None, end_to_end: bool = True) -> dict[str, Any]:
    """Figures per corpus file (``*.jsonl``) of ``data_dir``; ``limit`` caps the documents read per corpus.

    The headline ("corpora") uses the embedded gazetteer only; when GeoNames dumps were imported into the
    gazetteer file ("eventfuse gazetteer import"), "corpora_with_import" gives the gold-span figures with them.
    """
    from ..geo import Gazetteer

    files = require_dir(data_dir, "*.jsonl")
    started = time.perf_counter()
    gazetteer = Gazetteer.open(embedded_only=True)
    gazetteer.warm()
    startup = time.perf_counter() - started
    nlp = None
    if end_to_end:
        from ..nlp import load_model

        nlp = load_model()
    corpora = {}
    loaded = {}
    for path in files:
        docs = _load(path, limit)
        if docs:
            loaded[path.stem] = docs
            corpora[path.stem] = evaluate_corpus(docs, gazetteer, nlp)
            share = coverage(docs, gazetteer)
            if share is not None:
                corpora[path.stem]["gold_ids_present"] = share
    out: dict[str, Any] = {
        "corpora": corpora,
        "gazetteer_open_seconds": round(startup, 2),
        "gazetteer": {
            "places": gazetteer.stats()["place"],
            "build_seconds": float(gazetteer.meta("build_seconds") or 0.0),
            "megabytes": round(gazetteer.path.stat().st_size / 1e6, 1),
        },
    }
    if gazetteer.has_imports():
        full = Gazetteer.open(gazetteer.path)
        full.warm()
        out["corpora_with_import"] = {
            name: {**evaluate_corpus(docs, full, None), "gold_ids_present": coverage(docs, full)}
            for name, docs in loaded.items()
        }
    return out
