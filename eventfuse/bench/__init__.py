"""Benchmarks: each module reads public evaluation data, runs the real pipeline and returns its figures.

A benchmark module exposes ``run(data_dir: Path, *, limit: int | None = None) -> dict`` (the figures that
``eventfuse bench NAME --json`` prints) and ``ANCHORS: dict[str, str]`` (published figures to print beside ours).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from ..errors import BenchDataError

# name -> module; a benchmark is listed here once its module exists.
BENCHMARKS: dict[str, str] = {
    "time": "eventfuse.bench.time",
    "geo": "eventfuse.bench.geo",
    "ingest": "eventfuse.bench.ingest",
    "case": "eventfuse.bench.case",
    "muc": "eventfuse.bench.muc",
}


def default_data_dir(name: str) -> Path:
    """``$EVENTFUSE_BENCH_DIR/NAME`` when set, else ``../shared/bench/NAME`` from the working directory."""
    root = os.environ.get("EVENTFUSE_BENCH_DIR")
    base = Path(root) if root else Path("..") / "shared" / "bench"
    return base / name


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
