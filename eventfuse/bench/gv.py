"""Benchmark: grouping US gun-violence news articles into incidents (Gun Violence Archive corpus, SemEval-2018 Task 5).

Runs the real pipeline (ingest, extract, group, fuse) and scores article -> event against article -> incident
with B-cubed and pairwise F1, beside a TF-IDF + agglomerative baseline whose threshold is tuned on the same data.
An article that gives no event frame is placed by the story fallback (``grouping.pipeline_grouping``); the
figures count them as ``articles_without_event``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..model import Article, article_id_for
from . import read_jsonl, require_dir
from .grouping import bcubed, pairwise_f1, pipeline_grouping, tuned_baseline

ANCHORS: dict[str, str] = {
    "baseline_bcubed_f1": "a tuned TF-IDF baseline reaches about 0.84 (issue); target: eventfuse >= baseline + 0.10",
}


def load_articles(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Articles with text, one per article: an article filed under several incidents is left out (its gold
    grouping is ambiguous). ``limit`` keeps the articles of the first ``limit`` incidents."""
    require_dir(data_dir)
    path = data_dir / "articles.jsonl"
    if not path.is_file():
        raise BenchDataError(f"{data_dir}: articles.jsonl not found (pass --data DIR)")
    records = [r for r in read_jsonl(path, ("id", "incident_id", "text")) if (r.get("text") or "").strip()]
    incidents_of: dict[str, set[str]] = defaultdict(set)
    for record in records:
        incidents_of[record["id"]].add(record["incident_id"])
    kept = [r for r in records if len(incidents_of[r["id"]]) == 1]
    if limit is not None:
        wanted = list(dict.fromkeys(r["incident_id"] for r in kept))[:limit]
        kept = [r for r in kept if r["incident_id"] in set(wanted)]
    seen: set[str] = set()
    unique = []
    for record in kept:
        if record["id"] not in seen:
            seen.add(record["id"])
            unique.append(record)
    return unique


def articles_of(records: Sequence[dict[str, Any]]) -> list[Article]:
    """The records as the pipeline takes them: text, title, URL and the publication date from the metadata."""
    return [
        Article(
            id=article_id_for(r["text"].strip()),
            raw_text=r["text"].strip(),
            title=r.get("title"),
            url=r.get("url"),
            published=r.get("published"),
            published_source="metadata" if r.get("published") else None,
            source_path=r["id"],
        )
        for r in records
    ]


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    records = load_articles(data_dir, limit)
    if not records:
        raise BenchDataError(f"{data_dir}: no articles with text")
    gold = [r["incident_id"] for r in records]
    grouping = pipeline_grouping(articles_of(records))
    p, r, f1 = bcubed(gold, grouping.labels)
    baseline, threshold = tuned_baseline(gold, [rec["text"] for rec in records])
    return {
        "bcubed_p": round(p, 4),
        "bcubed_r": round(r, 4),
        "bcubed_f1": round(f1, 4),
        "pairwise_f1": round(pairwise_f1(gold, grouping.labels), 4),
        "baseline_bcubed_f1": round(bcubed(gold, baseline)[2], 4),
        "baseline_threshold": threshold,
        "n_articles": len(records),
        "n_incidents": len(set(gold)),
        "articles_without_event": sum(grouping.story),
    }
