"""Benchmarks: each module reads public evaluation data, runs the real pipeline and returns its figures.

A benchmark module exposes ``run(data_dir: Path, *, limit: int | None = None) -> dict`` (the figures that
``eventfuse bench NAME --json`` prints), ``ANCHORS: dict[str, str]`` (published figures to print beside ours),
and ``DATA_DIR`` when its data folder is not named like the benchmark (``time`` reads ``te3``).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import BenchDataError

# name -> module; a benchmark is listed here once its module exists.
BENCHMARKS: dict[str, str] = {
    "time": "eventfuse.bench.time",
    "geo": "eventfuse.bench.geo",
    "ingest": "eventfuse.bench.ingest",
    "case": "eventfuse.bench.case",
    "muc": "eventfuse.bench.muc",
    "gv": "eventfuse.bench.gv",
    "cluster-scale": "eventfuse.bench.cluster_scale",
    "ecb": "eventfuse.bench.ecb",
    "speed": "eventfuse.bench.speed",
    "tolls": "eventfuse.bench.tolls",
    "hostile": "eventfuse.bench.hostile",
    "store": "eventfuse.bench.store",
    "api": "eventfuse.bench.api",
    "spark": "eventfuse.bench.spark",
    "record": "eventfuse.bench.record",
}


def bench_root() -> Path:
    """``$EVENTFUSE_BENCH_DIR`` when set, else ``../shared/bench`` from the working directory."""
    root = os.environ.get("EVENTFUSE_BENCH_DIR")
    return Path(root) if root else Path("..") / "shared" / "bench"


def default_data_dir(name: str) -> Path:
    """``$EVENTFUSE_BENCH_DIR/NAME`` when set, else ``../shared/bench/NAME`` from the working directory."""
    return bench_root() / name


def load_benchmark(name: str) -> ModuleType:
    if name not in BENCHMARKS:
        known = ", ".join(sorted(BENCHMARKS)) or "none"
        raise BenchDataError(f"unknown benchmark {name!r}: known benchmarks are {known}")
    return importlib.import_module(BENCHMARKS[name])


def require_dir(data_dir: Path, pattern: str = "*.jsonl") -> list[Path]:
    """The data files of a benchmark, or a clear error naming the directory."""
    if not data_dir.is_dir():
        raise BenchDataError(f"{data_dir}: benchmark data directory not found (pass --data DIR)")
    files = sorted(data_dir.glob(pattern))
    if not files:
        raise BenchDataError(f"{data_dir}: no {pattern} files in the benchmark data directory")
    return files


def read_jsonl(path: Path, required: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """The records of one JSON Lines file; a malformed line or a record missing a field is a BenchDataError
    naming the file and the line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BenchDataError(f"{path}:{number}: not JSON ({exc.msg}); fix or remove the line") from exc
            missing = [key for key in required if not isinstance(record, dict) or key not in record]
            if missing:
                raise BenchDataError(
                    f"{path}:{number}: missing {', '.join(missing)}; each line needs {tuple(required)}"
                )
            yield record


def read_records(data_dir: Path, required: Sequence[str] = (), limit: int | None = None) -> list[dict[str, Any]]:
    """The records of every ``*.jsonl`` in a benchmark's data directory, the first ``limit`` of them."""
    records: list[dict[str, Any]] = []
    for path in require_dir(data_dir):
        for record in read_jsonl(path, required):
            if limit is not None and len(records) >= limit:
                return records
            records.append(record)
    return records
