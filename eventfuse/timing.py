"""Seconds per pipeline stage, added up over articles (what ``run`` and ``bench speed`` report).

Hands on a Stopwatch that stages time themselves with.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class Stopwatch:
    """Seconds spent per pipeline stage, added up over articles."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started
