"""Benchmark: the cost of grouping one more article as the event store grows (10k, 100k and 1M articles).

Feeds a stream of articles made from the gv texts through the real grouping path (candidate index, decisions,
merges and splits, fusion, the event profile and index entry saved) without the language model, and hands on,
per size, the milliseconds per article over the last articles before that size and the peak resident memory.
"""

from __future__ import annotations

import random
import re
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .. import grouping
from ..errors import BenchDataError
from ..model import Article, Claim, Mention, Place, TimeValue, article_id_for
from ..store import Store
from .gv import load_articles

DATA_DIR = "gv"
ANCHORS: dict[str, str] = {
    "ms_per_article": "target: grows <= 1.5x from 10k to 1M articles (issue #6)",
    "peak_rss_mb": "target: <= 4096 at 1M articles (issue #6)",
    "ms_growth": "target: <= 1.5",
}
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
# The marginal cost: the articles timed just before each size is reached (at most half of the size).
MEASURED_ARTICLES = 2_000
# A news stream arrives at a steady rate, so a bigger store spans more time, not more events a day: 1M articles
# at 100 a day are 27 years of reports, about the size of ACLED's archive (1997 to now, some 150 events a day).
ARTICLES_PER_DAY = 100
FIRST_DAY = date(1998, 1, 1)
# Shares as in the gv frames (bench gv --limit 600): 74% are dated to a day, 60% placed to a town or near it.
UNDATED_SHARE = 0.26
UNPLACED_SHARE = 0.4
TEXT_CHARS = 700  # the part of each gv article used as its one event mention (about the lead sentences)
# Where synthetic incidents happen: country code, latitude, longitude of a centre, spread in degrees.
REGIONS: tuple[tuple[str, float, float, float], ...] = (
    ("US", 38.0, -95.0, 8.0),
    ("MX", 23.0, -102.0, 4.0),
    ("CO", 4.5, -74.0, 3.0),
    ("NG", 9.0, 8.0, 3.0),
    ("CD", -2.5, 23.0, 4.0),
    ("SO", 5.0, 46.0, 3.0),
    ("SD", 14.0, 30.0, 4.0),
    ("SY", 35.0, 38.5, 1.5),
    ("IQ", 33.0, 43.5, 2.0),
    ("YE", 15.5, 47.5, 2.0),
    ("AF", 34.0, 66.0, 3.0),
    ("PK", 30.0, 70.0, 3.0),
    ("MM", 21.0, 96.0, 3.0),
    ("UA", 48.5, 33.0, 3.0),
    ("ML", 16.0, -2.0, 3.0),
)
EVENT_TYPES: tuple[tuple[str, str], ...] = (
    ("Violence against civilians", "Attack"),
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Riots", "Mob violence"),
)
PROGRESS_EVERY = 10_000
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


def run(data_dir: Path, *, limit: int | None = None, one_event: int | None = None) -> dict[str, Any]:
    """Figures per store size (the default sizes, the largest capped at ``limit``); with ``one_event``, the cost
    of each report as one event grows to that many reports (``run_one_event``)."""
    if one_event is not None:
        return run_one_event(data_dir, one_event)
    sizes = sizes_for(limit)
    incidents = read_incidents(data_dir)
    config = grouping.ClusterConfig.load()
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-cluster-scale-") as tmp:
        db_path = Path(tmp) / "scale.db"
        with Store(db_path) as store:
            measure(store, config, stream(incidents, seed=7), sizes, figures, _progress_on_stderr(sizes[-1]))
    first, last = figures[str(sizes[0])], figures[str(sizes[-1])]
    return {
        "sizes": figures,
        "ms_growth": round(last["ms_per_article"] / first["ms_per_article"], 3) if first["ms_per_article"] else None,
        "cpu_ms_growth": round(last["cpu_ms_per_article"] / first["cpu_ms_per_article"], 3)
        if first["cpu_ms_per_article"]
        else None,
        "articles_per_day": ARTICLES_PER_DAY,
    }


ONE_EVENT_SIZES = (100, 1_000, 10_000)
ONE_EVENT_WINDOW = 1_000  # the reports timed before each event size (at most half of it)


def run_one_event(data_dir: Path, reports: int) -> dict[str, Any]:
    """N short reports of one blast (a major attack), grouped one by one: ms per report over the reports just
    before the event holds 100, 1,000 and 10,000 reports (none above N), the first and the last thousand, and how
    many events they made (1 when every report joined)."""
    texts = max(read_incidents(data_dir), key=len)
    sentences = [s for text in texts for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    if len(sentences) < 4:
        raise BenchDataError(f"{data_dir}: too few sentences in the largest gv incident to build one-event reports")
    sizes = sorted({min(size, reports) for size in ONE_EVENT_SIZES})
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-one-event-") as tmp, Store(Path(tmp) / "e.db") as store:
        config = grouping.ClusterConfig.load()
        reports_stream = one_event_stream(sentences, seed=11)
        progress = _progress_on_stderr(sizes[-1])
        timed = measure(store, config, reports_stream, sizes, figures, progress, window=ONE_EVENT_WINDOW)
        started = time.perf_counter()
        with store.transaction():
            grouping.Grouper(store, config, grouping.JoinModel.load(config)).flush()
        flush_seconds = time.perf_counter() - started
    first = timed[: min(ONE_EVENT_WINDOW, len(timed))]
    last = timed[-min(ONE_EVENT_WINDOW, len(timed)) :]
    first_ms, last_ms = 1000 * sum(first) / len(first), 1000 * sum(last) / len(last)
    return {
        "sizes": figures,
        "first_thousand_ms": round(first_ms, 3),
        "last_thousand_ms": round(last_ms, 3),
        "last_over_first": round(last_ms / first_ms, 3) if first_ms else None,
        # the event's last fusion, at the end of the run, over all its reports (once, not per report)
        "final_fusion_s": round(flush_seconds, 3),
        "events": figures[str(sizes[-1])]["events"],
    }


def one_event_stream(sentences: Sequence[str], seed: int) -> Iterator[tuple[Article, list[Mention]]]:
    """Endless short reports of one incident: three to six of its sentences in a random order, all dated to one
    day and placed in one town, published that day or the next."""
    rng = random.Random(seed)
    day = FIRST_DAY
    for number in range(sys.maxsize):
        text = " ".join(rng.sample(list(sentences), rng.randint(3, min(6, len(sentences)))))
        published = day + timedelta(days=rng.choice((0, 1)))
        yield _article(f"one:{number}", text, published, day, (33.3, 44.4, "IQ"), *EVENT_TYPES[2])


def sizes_for(limit: int | None) -> list[int]:
    """The store sizes measured: 10k, 100k and 1M articles, none above ``limit`` (which is measured instead)."""
    return sorted({min(size, limit) for size in DEFAULT_SIZES} if limit else set(DEFAULT_SIZES))


def read_incidents(data_dir: Path) -> list[list[str]]:
    """The gv texts by incident (the first ``TEXT_CHARS`` of each article, white space folded)."""
    by_incident: dict[str, list[str]] = defaultdict(list)
    for record in load_articles(data_dir):
        text = " ".join(record["text"].split())[:TEXT_CHARS]
        if text:
            by_incident[record["incident_id"]].append(text)
    if not by_incident:
        raise BenchDataError(f"{data_dir}: no gv articles with text to build the stream from")
    return list(by_incident.values())


def stream(incidents: Sequence[Sequence[str]], seed: int) -> Iterator[tuple[Article, list[Mention]]]:
    """An endless chronological stream of articles, one event mention each, made from the gv incidents.

    Each pass over the incidents is a new copy: the same report wording, but its names (capitalised words that
    the corpus never writes in lower case: towns, streets, people) get a suffix of the copy, so copies are
    different incidents with their own names, as in a real stream. Each incident gets a day (the stream moves
    ``ARTICLES_PER_DAY``), a region and an event type; its articles arrive that day or within two days after.
    """
    rng = random.Random(seed)
    lower_words = {w for texts in incidents for text in texts for w in re.findall(r"\b[a-z]{3,}\b", text)}
    day_offset = 0.0
    for copy in range(sys.maxsize):
        order = list(range(len(incidents)))
        rng.shuffle(order)
        pending: list[tuple[float, int, Article, list[Mention]]] = []
        for number, index in enumerate(order):
            day = FIRST_DAY + timedelta(days=int(day_offset))
            region = rng.choice(REGIONS)
            lat = region[1] + rng.gauss(0, region[3])
            lon = region[2] + rng.gauss(0, region[3])
            event_type, sub_event_type = rng.choice(EVENT_TYPES)
            for part, text in enumerate(incidents[index]):
                text = _renamed(text, copy, lower_words)
                dated = rng.random() >= UNDATED_SHARE
                placed = rng.random() >= UNPLACED_SHARE
                published = day + timedelta(days=rng.choice((0, 0, 1, 1, 2)))
                where = (lat, lon, region[0]) if placed else None
                key = f"{copy}:{index}:{part}"
                article, mentions = _article(
                    key, text, published, day if dated else None, where, event_type, sub_event_type
                )
                pending.append((day_offset + (published - day).days, len(pending), article, mentions))
                day_offset += 1 / ARTICLES_PER_DAY
            if number % 500 == 499 or number == len(order) - 1:
                # release the articles in publication order, keeping those of the last two days for later
                pending.sort(key=lambda item: (item[0], item[1]))
                ready = [item for item in pending if item[0] < day_offset - 2] if number < len(order) - 1 else pending
                for item in ready:
                    yield item[2], item[3]
                pending = pending[len(ready) :]


def _renamed(text: str, copy: int, lower_words: set[str]) -> str:
    if copy == 0:
        return text
    suffix = _letters(copy)
    return _CAPITALISED.sub(
        lambda m: m.group(0) + suffix if m.group(0).lower() not in lower_words else m.group(0), text
    )


def _letters(number: int) -> str:
    """A number written in letters only (``_WORD`` in grouping.profiles keeps letters): 1 -> 'qb', 27 -> 'qbb'."""
    digits = ""
    while True:
        number, rest = divmod(number, 26)
        digits = chr(ord("a") + rest) + digits
        if number == 0:
            return "q" + digits


def _article(
    key: str,
    text: str,
    published: date,
    day: date | None,
    place: tuple[float, float, str] | None,
    event_type: str,
    sub_event_type: str,
) -> tuple[Article, list[Mention]]:
    article_id = article_id_for(f"{key}\n{text}")
    end = len(text)
    claims = [
        Claim(article_id, "event_type", {"event_type": event_type, "sub_event_type": sub_event_type}, 0, end, text)
    ]
    time_value = None
    if day is not None:
        time_value = TimeValue("that day", 0, end, "DATE", day.isoformat(), 1)
        claims.append(Claim(article_id, "date", {"value": day.isoformat(), "precision": 1}, 0, end, text))
    places: tuple[Place, ...] = ()
    if place is not None:
        lat, lon, country = place
        places = (Place("the town", 0, end, "target", None, "the town", lat, lon, country, geo_precision=1, score=0.9),)
        value = {"name": "the town", "lat": lat, "lon": lon, "country_code": country, "geo_precision": 1}
        claims.append(Claim(article_id, "location", value, 0, end, text))
    mention = Mention(
        f"{article_id}:0",
        article_id,
        0,
        end,
        text,
        event_type,
        sub_event_type,
        time=time_value,
        places=places,
        claims=tuple(claims),
    )
    article = Article(article_id, text, text, published=published.isoformat(), published_source="metadata")
    return article, [mention]


def measure(
    store: Store,
    config: grouping.ClusterConfig,
    articles: Iterator[tuple[Article, list[Mention]]],
    sizes: Sequence[int],
    figures: dict[str, dict[str, Any]],
    progress: Callable[[int, float], None] | None = None,
    window: int = MEASURED_ARTICLES,
) -> list[float]:
    """Group the stream's articles one by one as ``eventfuse run`` does after extraction (one transaction each),
    and fill ``figures`` per size: ms per article over the last ``window`` articles (at most half the size),
    peak memory, events stored. Returns every article's seconds, in order."""
    every: list[float] = []
    grouper = grouping.Grouper(store, config, grouping.JoinModel.load(config), grouping.StaticEmbedding.load())
    timed: list[float] = []
    cpu: list[float] = []
    candidates: list[int] = []
    done = 0
    for size in sizes:
        last = min(window, max(1, size // 2))
        timed.clear()
        cpu.clear()
        candidates.clear()
        while done < size:
            article, mentions = next(articles)
            if size - done <= last:  # how many stored events each frame is scored against (not timed)
                for frame in grouper.frames(article, mentions):
                    candidates.append(len(grouper.candidates(frame.profile)))
            started, cpu_started = time.perf_counter(), time.process_time()
            store.add_article(article)
            with store.transaction():
                store.save_mentions(article.id, mentions)
                grouper.add(article, mentions)
                store.mark_processed(article.id)
            spent = time.perf_counter() - started
            every.append(spent)
            done += 1
            if size - done < last:
                timed.append(spent)
                cpu.append(time.process_time() - cpu_started)
            if progress:
                progress(done, spent)
        figures[str(size)] = {
            "ms_per_article": round(1000 * sum(timed) / len(timed), 3),
            # CPU time of this process: what a busy machine (other jobs on the same cores) changes least
            "cpu_ms_per_article": round(1000 * sum(cpu) / len(cpu), 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "candidates_per_frame": round(sum(candidates) / len(candidates), 1) if candidates else 0.0,
            "events": store.count_events(),
            "store_mb": round(_store_bytes(Path(store.path)) / 2**20, 1),
            "measured_articles": len(timed),
        }
    return every


def _store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _progress_on_stderr(total: int) -> Callable[[int, float], None]:
    started = time.perf_counter()
    recent: list[float] = []

    def report(done: int, spent: float) -> None:
        recent.append(spent)
        if done % PROGRESS_EVERY == 0 or done == total:
            elapsed = time.perf_counter() - started
            lately = 1000 * sum(recent) / len(recent)
            sys.stderr.write(
                f"bench cluster-scale: {done}/{total} articles, {lately:.2f} ms per article lately, {elapsed:.0f} s\n"
            )
            sys.stderr.flush()
            recent.clear()  # "lately": since the last line, not since the start
            recent.clear()

    return report
