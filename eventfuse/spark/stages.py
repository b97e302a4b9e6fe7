"""The three stages of `eventfuse spark` as plain functions over the pipeline's own code (no Spark here).

Stage 1 extracts one input file into Parquet (``extract_input``); stage 2 groups one time-window/region cell with
the same Grouper `eventfuse run` uses (``group_cell``); stage 3 joins the cells' events (``reconcile``), fuses
those that span cells and loads events into a store (``load_store``). ``job`` runs them on Spark.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import parallel
from ..errors import InputError, one_line_reason
from ..fuse import fuse
from ..grouping import decisions, profiles
from ..model import Article, Event, Mention, from_json, to_json
from ..pipeline import BATCH_SIZE, MAX_ARTICLE_CHARS, Resources, group_article, prepare
from ..sources.files import SUPPORTED, read_file
from ..sources.meta import implausible_published
from ..sources.warc import WarcStats, is_warc, read_warc
from ..store import Store, open_store
from . import OVERLAP_DAYS, WINDOW_DAYS, tables

log = logging.getLogger("eventfuse.spark")

EXTRACTED = "extracted"  # stage 1: one directory per input file
EVENTS = "events"  # stage 3
ANY_REGION = "*"


# --- stage 1: extraction, one input file per task ---------------------------------------------------------


def input_key(name: str) -> str:
    """The name of an input's output directory: stable for the same path, so a rerun finds it done."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def extracted_dir(out: Path, name: str) -> Path:
    return out / EXTRACTED / f"input-{input_key(name)}"


def local_inputs(paths: Iterable[str]) -> tuple[list[str], list[InputError]]:
    """The files named, and the article files and WARC archives found in directories, in `eventfuse ingest`'s
    order (as given; a directory's files sorted); a path that is missing is an InputError."""
    found: list[str] = []
    errors: list[InputError] = []
    for name in paths:
        path = Path(name.removeprefix("file://"))
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _is_input(child):
                    found.append(str(child))
        elif path.is_file():
            found.append(str(path))
        else:
            errors.append(InputError(name, "no such file or directory"))
    return found, errors


def _is_input(path: Path) -> bool:
    if is_warc(path.name):
        return True
    return path.suffix.lower() in SUPPORTED and not path.name.endswith(".meta.json") and path.name != "EXPECTED.md"


@functools.lru_cache(maxsize=1)
def worker_resources(spec: parallel.WorkerSpec) -> Resources:
    """What a Spark task needs, loaded once per Python worker process (Spark reuses its workers across tasks)."""
    return Resources.load(spec.lexicon_files, spec.gazetteer_path)


def read_input(name: str, local: Path) -> Iterator[Article | InputError]:
    """The articles of one input (``local`` holds its bytes: the file itself, or a copy of a remote one)."""
    if is_warc(name):
        stats = WarcStats(name)
        for item in read_warc(local, None, stats):
            if isinstance(item, Article) and str(local) != name and item.source_path:
                item = dataclasses.replace(item, source_path=item.source_path.replace(str(local), name, 1))
            yield item
        log.info("%s", stats.summary())
        return
    try:
        yield from read_file(local)
    except InputError as err:
        yield InputError(name, err.reason)


@dataclass
class Extraction:
    """What stage 1 made of one input: its tables' rows and the records it could not use."""

    articles: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    mentions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    claims: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    bad: list[dict[str, str]] = dataclasses.field(default_factory=list)  # {"source": "file@offset", "reason": ...}
    seconds: float = 0.0


def extract_articles(
    name: str,
    items: Iterable[Article | InputError],
    resources: Resources,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> Extraction:
    """Clean, extract, place and date each article as `eventfuse run` does; a bad record (unreadable, empty,
    too long, breaking the model) is counted and logged with where it is, and the others go on."""
    started = time.perf_counter()
    result = Extraction()
    seen: set[str] = set()
    pending: list[Article] = []

    def bad(source: str, reason: str) -> None:
        log.warning("bad record %s: %s", source, reason)
        result.bad.append({"source": source, "reason": reason})

    def flush() -> None:
        for item in parallel.extract_batch(pending, resources.nlp, resources.extractor):
            if item.failure:
                bad(item.article.source_path or item.article.id, item.failure)
            _add_article(result, item.article, name, item.mentions, item.failure)
        pending.clear()

    for item in items:
        if isinstance(item, InputError):
            bad(item.source, item.reason)
            continue
        try:
            article = prepare(item, resources.rules)
        except Exception as err:  # a bug shown by one record: that record is bad, the file goes on
            log.debug("%s", traceback.format_exc())
            bad(item.source_path or item.id, f"could not be cleaned: {one_line_reason(err)}")
            continue
        if not article.raw_text.strip():
            bad(item.source_path or item.id, "no text once control characters are dropped")
            continue
        far = implausible_published(article.published)
        if far:
            bad(item.source_path or item.id, f"{far}: give the report's real date, or none")
            continue
        if article.id in seen:
            continue
        seen.add(article.id)
        if len(article.text) > max_chars:
            reason = f"the text is {len(article.text):,} characters, over the {max_chars:,} analysed per article"
            bad(article.source_path or article.id, reason)
            _add_article(result, article, name, [], reason)
            continue
        pending.append(article)
        if len(pending) >= BATCH_SIZE:
            flush()
    flush()
    result.seconds = time.perf_counter() - started
    return result


def _add_article(result: Extraction, article: Article, name: str, mentions: list[Mention], failure: str | None):
    row = tables.article_row(article, name, len(result.articles), mentions, failure)
    row["words"] = [] if failure else profiles.content_words(article.text)
    row["region"] = region_of(mentions)
    row["event_date"] = profiles.report_day(mentions, article.published)
    result.articles.append(row)
    for mention in mentions:
        result.mentions.append(tables.mention_row(mention, name))
        result.claims.extend(tables.claim_rows(mention))


def extract_input(
    name: str,
    local: Path | Callable[[], Path],
    out: Path,
    spec: parallel.WorkerSpec,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> dict[str, Any]:
    """Stage 1 for one input: its articles, mentions and claims written under ``out/extracted/input-KEY``,
    committed atomically. An input already committed is not read again (a rerun appends nothing twice).
    ``local`` may be a function that fetches a remote input to a local file (called only when needed)."""
    final = extracted_dir(out, name)
    if final.is_dir():
        summary = json.loads((final / "summary.json").read_text(encoding="utf-8"))
        return {**summary, "skipped": True}
    path = local() if callable(local) else local
    resources = worker_resources(spec)
    result = extract_articles(name, read_input(name, path), resources, max_chars)
    summary = {
        "input": name,
        "articles": sum(1 for a in result.articles if a["status"] == "processed"),
        "failed": sum(1 for a in result.articles if a["status"] == "failed"),
        "mentions": len(result.mentions),
        "bad_records": len(result.bad),
        "bad": result.bad[:1000],
        "seconds": round(result.seconds, 3),
        "skipped": False,
    }
    tables.commit_dir(
        final,
        {
            "articles": (result.articles, ARTICLES_WITH_WORDS),
            "mentions": (result.mentions, tables.MENTIONS),
            "claims": (result.claims, tables.CLAIMS),
        },
        summary,
    )
    rate = summary["articles"] / result.seconds if result.seconds else 0.0
    log.info("stage 1 %s: %d articles in %.1f s (%.2f articles/s)", name, summary["articles"], result.seconds, rate)
    return summary


# The words column is grouping's document-frequency input (stage 2 seeds each cell with the earlier windows').
# region: the country of the article's first placed mention ("--" when none), for ``--regions`` cells.
# event_date: its report day (grouping.profiles.report_day: its first dated mention, else its publication date), which
# places it in a window.
ARTICLES_WITH_WORDS = (
    tables.ARTICLES.append(tables.pa.field("words", tables.pa.list_(tables.pa.string())))
    .append(tables.pa.field("region", tables.pa.string()))
    .append(tables.pa.field("event_date", tables.pa.string()))
)


# --- stage 2: grouping, one time-window/region cell per task -----------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where one article is grouped: the cell that owns it, and the later cell whose run reads it as context."""

    window: int
    region: str
    day: int  # days since 1970-01-01 of its publication (undated: the day of the article before it)
    context_of: tuple[int, ...]  # the later windows whose overlap (the days before them) the article falls in


def day_number(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal() - dt.date(1970, 1, 1).toordinal()
    except ValueError:
        return None


def place_articles(
    ordered: Sequence[tuple[str, str | None, str]],
    window_days: int = WINDOW_DAYS,
    overlap_days: int = OVERLAP_DAYS,
) -> dict[str, Placement]:
    """Each article's cell, from (article id, event date, region) in run order. An undated article takes the day
    of the article before it in run order (the first dated one when none is before it): in a crawl, the day it
    was read. An article is also read by the run of every later window that starts at most ``overlap_days``
    after its day (the next one only, while the overlap is no longer than a window)."""
    days = [day_number(published) for _, published, _ in ordered]
    last = next((d for d in days if d is not None), 0)
    placed: dict[str, Placement] = {}
    for (article_id, _, region), day in zip(ordered, days, strict=True):
        day = last if day is None else day
        last = day
        window = day // window_days
        context_of = tuple(range(window + 1, (day + overlap_days) // window_days + 1))
        placed[article_id] = Placement(window, region, day, context_of)
    return placed


def region_of(mentions: Sequence[Mention]) -> str:
    """An article's region for grouping cells: the country of its first placed mention ("--" when none)."""
    for mention in mentions:
        for place in mention.places:
            if place.country_code:
                return place.country_code
    return "--"


class _CellStore:
    """A cell's SQLite store as grouping sees it: document frequencies count, besides the run's own articles, the
    articles of other cells that come before the current one in run order (``add_others``), so each article
    sees the frequencies `eventfuse run` would show it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._others_total = 0
        self._others: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def add_others(self, documents: int, words: dict[str, int]) -> None:
        self._others_total += documents
        for word, count in words.items():
            self._others[word] = self._others.get(word, 0) + count

    def document_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        total, found = self._store.document_frequencies(words)
        others = self._others
        counted = {w: found.get(w, 0) + others.get(w, 0) for w in words if w in found or w in others}
        return total + self._others_total, counted


@dataclass(frozen=True)
class CellArticle:
    """One article of a cell's run, in run order; ``own`` is False for an earlier window's context article.
    ``before`` counts the other cells' articles since the previous one (their number, and how many of them hold
    each word): grouping's document frequencies."""

    order: int
    own: bool
    article_json: str
    mentions_json: str
    before: tuple[int, dict[str, int]] = (0, {})


def group_cell(
    cell: str,
    articles: Iterable[CellArticle],
    resources: Resources,
) -> Iterator[dict[str, Any]]:
    """Stage 2 for one cell: its articles (context first where they come first in run order) grouped in run order
    by `eventfuse run`'s own ``group_article`` into a SQLite store of the cell's own, then the run's end (``flush``).

    Yields one row per event holding at least one of the cell's own mentions: the event as fused here, its
    profile, its own mentions and the context mentions it took in (which tie it to the events of the cell
    that owns those)."""
    started = time.perf_counter()
    owner: dict[str, bool] = {}
    count = 0
    with tempfile.TemporaryDirectory(prefix="eventfuse-cell-") as workdir, Store(Path(workdir) / "cell.db") as raw:
        store = _CellStore(raw)
        for item in articles:
            store.add_others(*item.before)
            article = from_json("Article", json.loads(item.article_json))
            mentions = [from_json("Mention", m) for m in json.loads(item.mentions_json)]
            if not raw.add_article(article):
                continue  # the same article in two inputs: `eventfuse ingest` stores it once
            for mention in mentions:
                owner[mention.id] = item.own
            group_article(store, resources, article, mentions)  # type: ignore[arg-type]
            count += 1
        with raw.transaction():
            resources.grouper(store).flush()  # type: ignore[arg-type]
        for event in raw.events():
            mention_ids = raw.mention_ids_of_event(event.id)
            own = [m for m in mention_ids if owner.get(m)]
            if not own:
                continue  # decided by the cell that owns its articles
            profile = raw.event_profiles_json([event.id])
            yield {
                "cell": cell,
                "event_id": event.id,
                "event_json": json.dumps(to_json(event)),
                "profile_json": json.dumps(profile[0] if profile else {}),
                "own_mentions": own,
                "context_mentions": [m for m in mention_ids if not owner.get(m)],
            }
    seconds = time.perf_counter() - started
    log.info("stage 2 cell %s: %d articles in %.1f s (%.2f articles/s)", cell, count, seconds, count / seconds)


# --- stage 3: the cells' events joined, fused, loaded ------------------------------------------------------


@dataclass(frozen=True)
class FinalEvent:
    """An event of the whole run: the cells' events it joins (cell, event id) and their own mentions."""

    event_id: str
    parts: tuple[tuple[str, str], ...]
    mention_ids: tuple[str, ...]


def created_position(row: dict[str, Any], article_order: dict[str, int]) -> tuple[float, int]:
    """Where `eventfuse run` creates a cell's event: its id names the mention that started it
    (``decisions.new_event_id``); that mention's article's place in run order, and the mention's number."""
    for mention_id in (*row["own_mentions"], *row["context_mentions"]):
        article_id, _, number = mention_id.partition(":")
        if decisions.event_id_for(mention_id) == row["event_id"]:
            return article_order.get(article_id, math.inf), int(number) if number.isdigit() else 0
    return math.inf, 0


def reconcile(
    cell_events: Iterable[dict[str, Any]],
    cell_order: Callable[[str], Any],
    article_order: dict[str, int] | None = None,
) -> list[FinalEvent]:
    """The run's events from the cells' ones: each mention belongs where the cell that owns its article put it;
    an event that took in an earlier cell's mentions as context is the event those mentions are in there (the
    two are joined). A joined event keeps the id of its part created first in run order (``article_order``, as
    `eventfuse run` keeps the oldest event's id when it merges two), else of its part from the earliest cell."""
    rows = list(cell_events)
    order = article_order or {}
    created = {(r["cell"], r["event_id"]): created_position(r, order) for r in rows}
    home: dict[str, tuple[str, str]] = {}  # mention -> the (cell, event) of the cell that owns it
    for row in rows:
        for mention_id in row["own_mentions"]:
            home[mention_id] = (row["cell"], row["event_id"])
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    for row in rows:
        node = (row["cell"], row["event_id"])
        parent.setdefault(node, node)
        for mention_id in row["context_mentions"]:
            other = home.get(mention_id)
            if other is not None:
                a, b = find(node), find(other)
                if a != b:
                    first, second = sorted((a, b), key=lambda n: (created[n], cell_order(n[0]), n[1]))
                    parent[second] = first
    members: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        members.setdefault(find((row["cell"], row["event_id"])), []).append(row)
    events = []
    for root, parts in members.items():
        parts.sort(key=lambda r: (cell_order(r["cell"]), r["event_id"]))
        mention_ids = tuple(m for r in parts for m in r["own_mentions"])
        events.append(FinalEvent(root[1], tuple((r["cell"], r["event_id"]) for r in parts), mention_ids))
    return events


def complete_parts(finals: Iterable[FinalEvent], cell_rows: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """The final events a cell already fused whole: a part with the final id whose run held every one of the final
    event's mentions (its own and the context ones). Its record is the one `eventfuse run` makes (the same
    mentions, grouped in the same order), so stage 3 takes it as it is instead of fusing the event again."""
    held = {(r["cell"], r["event_id"]): {*r["own_mentions"], *r["context_mentions"]} for r in cell_rows}
    complete: dict[str, tuple[str, str]] = {}
    for final in finals:
        wanted = set(final.mention_ids)
        for part in final.parts:
            if part[1] == final.event_id and held.get(part) == wanted:
                complete[final.event_id] = part
                break
    return complete


def renamed_related(related: Iterable[str], cell: str, event_id: str, renamed: dict[str, str]) -> list[str]:
    """A cell event's related events under their final ids, in id order (as the store lists them)."""
    found = {renamed.get(f"{cell}/{other}", other) for other in related}
    found.discard(event_id)
    return sorted(found)


def fuse_joined(
    final: FinalEvent,
    parts: Sequence[dict[str, Any]],
    mentions: dict[str, Mention],
    articles: dict[str, Article],
    renamed: dict[str, str],
) -> tuple[Event, dict[str, Any]]:
    """An event joined from several cells (or one that took in context mentions), fused again from all its
    mentions; its profile is its parts' profiles combined, ``related`` the related events' final ids."""
    ordered = sorted((mentions[m] for m in final.mention_ids if m in mentions), key=lambda m: (m.article_id, m.start))
    related: set[str] = set()
    for part in parts:
        found = json.loads(part["event_json"]).get("related") or []
        related.update(renamed_related(found, part["cell"], final.event_id, renamed))
    event = fuse(final.event_id, ordered, articles, related=sorted(related))
    profile = profiles.Profile.from_json(json.loads(parts[0]["profile_json"]))
    for part in parts[1:]:
        profile = profiles.combine(profile, profiles.Profile.from_json(json.loads(part["profile_json"])))
    profile = dataclasses.replace(profiles.described(profile, event), event_id=final.event_id)
    profile = dataclasses.replace(profile, fused_members=profile.members)
    return event, profile.to_json()


def open_target(target: str) -> Store:
    """The store ``--to`` names: a SQLite path or a ``postgresql://`` URL."""
    return open_store(target)


def load_store(
    store: Store,
    articles: Iterable[dict[str, Any]],
    events: Iterable[dict[str, Any]],
    progress: Callable[[str, int], None] | None = None,
) -> tuple[int, int]:
    """Load a run's articles (in run order, with their mentions and status) and its events (with their
    profiles, so `eventfuse run` groups new articles into them) into a store; an article already stored is left
    as it is, an event is replaced. Returns (articles added, events stored)."""
    added = 0
    for row in articles:
        article = from_json("Article", json.loads(row["article_json"]))
        if not store.add_article(article):
            continue
        mentions = [from_json("Mention", m) for m in json.loads(row["mentions_json"])]
        with store.transaction():
            if row["status"] == "failed":
                store.mark_failed(article.id, row["failure"] or "failed")
            else:
                store.save_mentions(article.id, mentions)
                store.add_document_words(row.get("words") or profiles.content_words(article.text))
                store.mark_processed(article.id)
        added += 1
        if progress and added % 1000 == 0:
            progress("articles", added)
    stored = 0
    for row in events:
        event = from_json("Event", json.loads(row["event_json"]))
        with store.transaction():
            store.link_mentions(event.id, event.mention_ids)
            store.save_event(event, json.loads(row["profile_json"]))
        stored += 1
    return added, stored
