"""API load benchmark: `eventfuse serve` on 127.0.0.1 over a store of 10,000 events, loaded with 200 connections
for 30 s per endpoint: GET /api/events (the default page) and GET /api/events/{id} (ids drawn at random). The
load comes from `wrk` when it is installed (Debian: `apt-get install wrk`), else from an async httpx client in
this process, which tops out long before the server does; the figures say which client ran and whether it,
not the server, was the limit (the client's CPU use near all it can use).

Hands on requests per second, the median and 99th percentile latency and the errors of each endpoint. The
10,000 events are the bundled examples' events processed once and copied with new ids, days and places.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import resource
import shutil
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
            wrk = shutil.which("wrk")
            if wrk:
                lists = _wrk(wrk, base, ["/api/events"], Path(tmp))
                events = _wrk(wrk, base, [f"/api/events/{i}" for i in ids], Path(tmp))
            else:
                lists = asyncio.run(_load(base, lambda: "/api/events"))
                events = asyncio.run(_load(base, lambda: f"/api/events/{random.choice(ids)}"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "events": len(ids),
        "server_workers": workers,
        "client": "wrk" if wrk else "httpx (install wrk for figures of the server rather than of this client)",
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


WRK_THREADS = 2
# A load client using this share of the CPU it can use (one core for httpx, a core per wrk thread) is the limit.
CLIENT_BOUND_SHARE = 0.9


def _wrk(wrk: str, base: str, paths: list[str], tmp: Path) -> dict[str, Any]:
    """One endpoint under wrk: ``paths`` drawn at random by a Lua script, 200 connections, ``SECONDS`` long."""
    script = tmp / "paths.lua"
    listed = ",".join(f'"{p}"' for p in paths)  # ids and fixed paths: no quotes or backslashes in them
    script.write_text(
        f"local paths = {{{listed}}}\nrequest = function() return wrk.format('GET', paths[math.random(#paths)]) end\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS:g}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spent = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    share = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / spent / WRK_THREADS
    return {**_wrk_figures(out), "client_cpu_share": round(share, 2), **_limit(share)}


def _wrk_figures(out: str) -> dict[str, Any]:
    """Requests, requests per second, median and 99th percentile latency and errors from wrk's report."""

    def ms(quantile: str) -> float:
        found = re.search(rf"^\s*{quantile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return 0.0
        return round(float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)], 1)

    requests = re.search(r"^\s*(\d+) requests in", out, re.M)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "requests_per_s": round(float(rate.group(1)), 1) if rate else 0.0,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0),
    }


def _limit(client_share: float) -> dict[str, str]:
    return {"limit": "the client" if client_share >= CLIENT_BOUND_SHARE else "the server"}


async def _load(base: str, path: Any) -> dict[str, Any]:
    latencies: list[float] = []
    cpu_started = time.process_time()
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
    share = (time.process_time() - cpu_started) / spent
    latencies.sort()

    def percentile(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else 0.0

    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / spent, 1),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "errors": errors,
        "client_cpu_share": round(share, 2),
        **_limit(share),
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
