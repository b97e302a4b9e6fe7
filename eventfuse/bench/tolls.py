"""Benchmark: fused killed and injured counts of US shootings against the Gun Violence Archive record (SemEval-2018 Task 5).

For each incident with two or more articles, fuses the articles' tolls into one event and scores the total against
the record, beside a baseline that takes the first article's numbers; and scores how often the fusion flags the
incidents whose articles state incompatible counts.

How an incident is read: every article goes through the real stages (clean, spaCy, extract), each article's lead
frame (the event it reports first, as ``grouping.frames_of_article`` splits it) is kept, and the lead frames of the
incident's articles are fused as one event by ``fuse.fuse``. Grouping the articles is not measured here (bench gv
does that): the incident's articles are fused together whatever the grouping would decide.

Definitions:

- A count is a range; its number is its lower bound ("at least 3" is 3), or its upper bound when only that is
  stated ("as many as five" is 5); no count stated is 0 (the record's 0 means nobody was).
- The event's toll of one kind is ``fuse.toll_total`` over all parties (people shot and not killed count as
  injured); an article's own toll is the same total of the article fused alone; the baseline is the own toll of
  the first article by publication date.
- The articles of an incident truly disagree on a kind when two of them state tolls of that kind
  (``fuse.stated_total`` of each article fused alone: what it says in so many words, not injuries counted from
  people shot) that are incompatible as ranges (no number fits both).
- eventfuse flags a disagreement on a kind when a fused field of that kind is disputed, or updated (a toll that
  rose from one report to a later one: the latest figure leads and the earlier ones stand beside it).

The disagreements are between the articles as eventfuse reads them one by one, so recall and precision test the
fusion (parties, ranges, a source's own figure, rewrites), not the extraction: a roundup of a weekend's
shootings or a partial count read as an article's toll is a disagreement here though the texts do not
contradict each other.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BenchDataError
from ..model import Article, Event, Mention, article_id_for
from . import read_jsonl, require_dir

if TYPE_CHECKING:
    from ..pipeline import Resources

ANCHORS: dict[str, str] = {
    "killed_acc": "target: above baseline_killed_acc (issue #7)",
    "injured_acc": "target: above baseline_injured_acc (issue #7)",
    "disagreement_recall": "target >= 0.80 (issue #7)",
    "disagreement_precision": "target >= 0.80 (issue #7)",
}
DATA_DIR = "gv"
KINDS = ("killed", "injured")
# A progress line on stderr every this many incidents.
PROGRESS_EVERY = 25


@dataclass(frozen=True)
class IncidentReading:
    """One incident as eventfuse reads it: the fused totals, the articles' own totals and the totals they state
    (in publication order), and which kinds the fusion flags as disputed."""

    incident_id: str
    gold: dict[str, int]
    fused: dict[str, dict[str, Any] | None]
    own: tuple[dict[str, dict[str, Any] | None], ...]
    stated: tuple[dict[str, dict[str, Any] | None], ...]
    flagged: dict[str, bool]


def load_incidents(data_dir: Path, limit: int | None = None) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Incidents that have a GVA record and two or more articles with text, each with its articles in publication
    order (file order on a tie); ``limit`` keeps the first ``limit`` such incidents of incidents.jsonl."""
    require_dir(data_dir)
    paths = {name: data_dir / f"{name}.jsonl" for name in ("articles", "incidents")}
    for name, path in paths.items():
        if not path.is_file():
            raise BenchDataError(f"{data_dir}: {name}.jsonl not found (pass --data DIR)")
    articles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in read_jsonl(paths["articles"], ("id", "incident_id", "text")):
        text = (record.get("text") or "").strip()
        if text and all(r["id"] != record["id"] for r in articles[record["incident_id"]]):
            articles[record["incident_id"]].append(record)
    incidents = []
    for record in read_jsonl(paths["incidents"], ("incident_id", "has_record", "killed", "injured")):
        records = articles.get(record["incident_id"], [])
        if not record["has_record"] or len(records) < 2:
            continue
        if not isinstance(record["killed"], int) or not isinstance(record["injured"], int):
            raise BenchDataError(f"{paths['incidents']}: incident {record['incident_id']} has no killed/injured counts")
        order = sorted(range(len(records)), key=lambda i: (records[i].get("published") or "9999", i))
        incidents.append((record, [records[i] for i in order]))
        if limit is not None and len(incidents) >= limit:
            break
    return incidents


def point(value: dict[str, Any] | None) -> int:
    """The number a count range stands for: its lower bound, else its upper bound, else 0."""
    if not value:
        return 0
    low, high = value.get("min") or 0, value.get("max")
    return low if low or high is None else high


def compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether one number fits both ranges."""
    low = max(a.get("min") or 0, b.get("min") or 0)
    highs = [h for h in (a.get("max"), b.get("max")) if h is not None]
    return not highs or low <= min(highs)


def disagree(own: Sequence[dict[str, Any] | None]) -> bool:
    """Whether two of the stated counts are incompatible."""
    stated = [v for v in own if v]
    return any(not compatible(a, b) for i, a in enumerate(stated) for b in stated[i + 1 :])


def flagged_kinds(event: Event) -> dict[str, bool]:
    """Per kind, whether a fused field of that kind is disputed or updated (its figures shown side by side)."""
    return {
        kind: any(
            key.split(":", 1)[0] == kind and f.status in ("disputed", "updated") for key, f in event.fields.items()
        )
        for kind in KINDS
    }


def read_incidents(
    incidents: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
    resources: Resources,
    progress: Callable[[int, int], None] | None = None,
) -> list[IncidentReading]:
    """Each incident read by the real stages (see the module docstring)."""
    from .. import grouping
    from ..clean import clean
    from ..fuse import fuse, stated_total, toll_total

    readings = []
    for done, (incident, records) in enumerate(incidents, 1):
        articles = [
            clean(
                Article(
                    id=article_id_for(r["text"].strip()),
                    raw_text=r["text"].strip(),
                    title=r.get("title"),
                    url=r.get("url"),
                    published=r.get("published"),
                    published_source="metadata" if r.get("published") else None,
                    source_path=r["id"],
                ),
                resources.rules,
            )
            for r in records
        ]
        by_id = {a.id: a for a in articles}
        leads: list[list[Mention]] = []
        for article, doc in zip(articles, resources.nlp.pipe(a.text for a in articles), strict=True):
            mentions = resources.extractor.extract(article, doc)
            frames = grouping.frames_of_article(article.id, mentions, resources.cluster_config)
            leads.append(list(frames[0].mentions) if frames else [])
        event = fuse(incident["incident_id"], [m for lead in leads for m in lead], by_id)
        own, stated = [], []
        for article, lead in zip(articles, leads, strict=True):
            alone = fuse(article.id, lead, {article.id: article})
            own.append({kind: toll_total(alone.fields, kind) for kind in KINDS})
            stated.append({kind: stated_total(alone.fields, kind) for kind in KINDS})
        readings.append(
            IncidentReading(
                incident_id=incident["incident_id"],
                gold={kind: incident[kind] for kind in KINDS},
                fused={kind: toll_total(event.fields, kind) for kind in KINDS},
                own=tuple(own),
                stated=tuple(stated),
                flagged=flagged_kinds(event),
            )
        )
        if progress:
            progress(done, len(incidents))
    return readings


def score(readings: Sequence[IncidentReading]) -> dict[str, Any]:
    n = len(readings) or 1
    figures: dict[str, Any] = {}
    for kind in KINDS:
        figures[f"{kind}_acc"] = round(sum(point(r.fused[kind]) == r.gold[kind] for r in readings) / n, 4)
    for kind in KINDS:
        baseline = sum(point(r.own[0][kind]) == r.gold[kind] for r in readings)
        figures[f"baseline_{kind}_acc"] = round(baseline / n, 4)
    real = flagged = hits = 0
    for reading in readings:
        for kind in KINDS:
            truth = disagree([stated[kind] for stated in reading.stated])
            real += truth
            flagged += reading.flagged[kind]
            hits += truth and reading.flagged[kind]
    figures["disagreement_recall"] = round(hits / real, 4) if real else None
    figures["disagreement_precision"] = round(hits / flagged, 4) if flagged else None
    figures["n_incidents"] = len(readings)
    figures["n_articles"] = sum(len(r.own) for r in readings)
    figures["n_disagreements"] = real
    figures["n_flagged"] = flagged
    return figures


def _progress_on_stderr() -> Callable[[int, int], None]:
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            elapsed = time.monotonic() - started
            sys.stderr.write(f"bench tolls: {done}/{total} incidents, {elapsed:.0f} s\n")
            sys.stderr.flush()

    return report


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    from ..pipeline import Resources

    incidents = load_incidents(data_dir, limit)
    if not incidents:
        raise BenchDataError(f"{data_dir}: no incident with a record and two or more articles with text")
    readings = read_incidents(incidents, Resources.load(), _progress_on_stderr())
    return score(readings)
