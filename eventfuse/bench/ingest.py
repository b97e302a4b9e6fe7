"""Ingest benchmark: writes a WARC of generated news pages, then reads it through the real ingest path.

Hands on records per second and peak resident memory after a tenth of the records and at the end
(1k and 10k by default): the two should match, since an archive is read as a stream.
"""

from __future__ import annotations

import io
import logging
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..clean import load_rules
from ..errors import InputError
from ..model import Article
from ..pipeline import ingest
from ..sources.warc import WarcStats, is_warc, read_warc
from ..store import Store

log = logging.getLogger(__name__)

ANCHORS: dict[str, str] = {
    "records_per_s": "trafilatura extraction dominates (a few ms per page)",
    "peak_rss_mb": "flat: the same after a tenth of the archive and at its end",
}
DEFAULT_RECORDS = 10_000
CHUNK = 1_000  # articles handed to the pipeline at a time, so nothing grows with the archive

_PLACES = ["Kharkiv", "Mosul", "Beledweyne", "Maiduguri", "Idlib", "Gao", "Rafah", "Kidal", "Sittwe", "Goma"]
_ACTORS = ["militants", "government forces", "an armed group", "unidentified gunmen", "rebel fighters"]
_ATTACKS = ["a rocket attack", "a car bomb", "an ambush", "shelling", "a drone strike", "an explosion"]
_OUTLETS = ["The Meridian Post", "Horn Courier", "Northline News", "Sahel Daily", "East Africa Ledger"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Figures for reading a WARC: ``data_dir`` when it is a WARC file, else one of ``limit`` generated pages."""
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-ingest-") as tmp:
        if data_dir.is_file() and is_warc(data_dir.name):
            archive, generated = data_dir, 0
        else:
            generated = limit or DEFAULT_RECORDS
            archive = Path(tmp) / "generated.warc.gz"
            write_warc(archive, generated)
        with Store.open(Path(tmp) / "bench.db") as store:
            return _measure(archive, store, generated)


def _measure(archive: Path, store: Store, generated: int) -> dict[str, Any]:
    stats = WarcStats(str(archive))
    # After a tenth of the records and at the end; for an archive of unknown size, after 1k and at the end.
    checkpoints = sorted({max(1, generated // 10), generated}) if generated else [1_000]
    peaks: dict[str, float] = {}
    peak = rss_mb()

    def sampled(items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
        nonlocal peak
        for item in items:
            yield item
            peak = max(peak, rss_mb())
            while checkpoints and stats.records >= checkpoints[0]:
                peaks[str(checkpoints.pop(0))] = round(peak, 1)

    rules = load_rules()
    started = time.perf_counter()
    items = sampled(read_warc(archive, store, stats))
    errors = 0
    while True:
        report = ingest(store, islice(items, CHUNK), rules)
        errors += len(report.errors)
        if not (report.added or report.duplicates or report.errors):
            break
    seconds = time.perf_counter() - started
    peaks[str(stats.records)] = round(peak, 1)
    return {
        "records": stats.records,
        "articles_kept": stats.kept,
        "rejected": errors,
        "seconds": round(seconds, 2),
        "records_per_s": round(stats.records / seconds, 1) if seconds else 0.0,
        "peak_rss_mb": round(peak, 1),
        "peak_rss_mb_at": peaks,
    }


def rss_mb() -> float:
    """The resident memory of this process now (Linux /proc), else its peak so far (getrusage)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * resource.getpagesize() / 1_048_576
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1_048_576 if sys.platform == "darwin" else peak / 1024


def write_warc(path: Path, records: int, seed: int = 0) -> None:
    """A gzipped WARC of ``records`` generated English news pages (HTTP 200 responses), one per gzip member."""
    rng = random.Random(seed)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for number in range(records):
            url, html = generated_page(number, rng)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers
            )
            writer.write_record(record)


def generated_page(number: int, rng: random.Random) -> tuple[str, str]:
    """A news page about a made-up attack: a title, a dateline and five paragraphs, with page chrome."""
    place, actor, attack = rng.choice(_PLACES), rng.choice(_ACTORS), rng.choice(_ATTACKS)
    outlet, day = rng.choice(_OUTLETS), rng.choice(_DAYS)
    killed, injured = rng.randint(0, 40), rng.randint(0, 90)
    title = f"{attack.capitalize()} in {place} kills {killed}, officials say (report {number})"
    paragraphs = [
        f"{place.upper()} — At least {killed} people were killed and {injured} injured on {day} when {actor} "
        f"carried out {attack} near the central market of {place}, local officials said.",
        f"A spokesman for the regional administration said the attack began shortly after dawn and that "
        f"emergency services had taken the wounded to two hospitals in the city. Report number {number}.",
        f"No group immediately claimed responsibility. Residents told {outlet} that they heard several "
        f"explosions and saw smoke rising over the district for more than an hour.",
        f"The security situation around {place} has worsened over the past year, with {rng.randint(3, 30)} "
        f"similar incidents recorded since January, according to figures from a local monitoring group.",
        f"Authorities said an investigation was under way and that {rng.randint(2, 15)} suspects had been "
        "detained for questioning. The government condemned the attack in a statement.",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer>Copyright {outlet}. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""
    return f"https://news{number % 7}.example/{place.lower()}/{number}", html
