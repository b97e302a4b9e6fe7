"""API load benchmark: `eventfuse serve` on 127.0.0.1 over a store of 10,000 events, loaded by an async httpx
client holding 200 requests in flight for 30 s per endpoint: GET /api/events (the default page) and
GET /api/events/{id} (ids drawn at random).

Hands on requests per second, the median and 99th percentile latency and the errors of each endpoint. The
10,000 events are the bundled examples' events processed once and copied with new ids, days and places.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from ..errors import BenchDataError
from ..pipeline import Resources, ingest
from ..pipeline import run as run_pipeline
from ..sources.files import read_articles
from ..store import open_store

DATA_DIR = "gv"  # reads nothing from it: the events come from the bundled examples
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
DEFAULT_EVENTS = 10_000
CONNECTIONS = 200
SECONDS = float(os.environ.get("EVENTFUSE_BENCH_API_SECONDS", "30"))
ANCHORS: dict[str, str] = {
    "list.requests_per_s": "target >= 1000 (200 connections)",
    "list.p99_ms": "target <= 300",
    "event.requests_per_s": "target >= 2000",
    "event.p99_ms": "target <= 150",
    "errors": "target 0",
}


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Figures for a store of ``limit`` (default 10,000) events served by ``$EVENTFUSE_BENCH_API_WORKERS``
    (default: the machine's cores) server processes."""
    if not EXAMPLES_DIR.is_dir():
        raise BenchDataError(f"{EXAMPLES_DIR}: the bundled examples are needed (a source checkout)")
    workers = int(os.environ.get("EVENTFUSE_BENCH_API_WORKERS", str(os.cpu_count() or 1)))
    with tempfile.TemporaryDirectory(prefix="eventfuse-bench-api-") as tmp:
        db = os.environ.get("EVENTFUSE_BENCH_API_DB") or str(Path(tmp) / "api.db")
        ids = _fill(db, limit or DEFAULT_EVENTS)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "eventfuse", "serve", "--db", db, "--port", str(port), "--workers", str(workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base, server)
            lists = asyncio.run(_load(base, lambda: "/api/events"))
            events = asyncio.run(_load(base, lambda: f"/api/events/{random.choice(ids)}"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "events": len(ids),
        "server_workers": workers,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "list": lists,
        "event": events,
        "errors": lists["errors"] + events["errors"],
    }


def _fill(db: str, count: int) -> list[str]:
    """A store of ``count`` events: the examples' events, then copies with new ids, days and places."""
    resources = Resources.load()
    with open_store(db) as store:
        ingest(store, read_articles([EXAMPLES_DIR]), resources.rules)
        run_pipeline(store, resources)
        originals = store.events()
        ids = [e.id for e in originals]
        rng = random.Random(7)
        with store.transaction():
            for n in range(count - len(originals)):
                event = originals[n % len(originals)]
                day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                fields = dict(event.fields)
                location = fields.get("location")
                if location is not None and isinstance(location.value, dict) and location.value.get("lat") is not None:
                    value = dict(location.value)
                    value["lat"] = max(-89.0, min(89.0, value["lat"] + rng.uniform(-5, 5)))
                    value["lon"] = max(-179.0, min(179.0, value["lon"] + rng.uniform(-5, 5)))
                    fields["location"] = replace(location, value=value)
                copy = replace(event, id=f"ev_bench{n:07d}", date=day, fields=fields)
                store.save_event(copy, {})
                store.add_history(copy.id, "created", None, {"note": "bench api copy"})
                ids.append(copy.id)
    return ids


async def _load(base: str, path: Any) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stop = time.perf_counter() + SECONDS

        async def user() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    response = await client.get(path())
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(CONNECTIONS)))
        spent = time.perf_counter() - started
    latencies.sort()

    def percentile(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else 0.0

    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / spent, 1),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "errors": errors,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise BenchDataError(f"eventfuse serve stopped: {server.stderr.read() if server.stderr else ''}")
        try:
            if httpx.get(base + "/api/config", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise BenchDataError("eventfuse serve did not answer within 120 s")
