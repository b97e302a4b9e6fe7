"""Training: each learned component's model rebuilt, deterministically, from the public dev data.

A training module exposes ``train(data_root: Path, out_dir: Path) -> dict`` (it writes its model files into
``out_dir`` and returns the figures ``eventfuse train NAME --json`` prints: cross-validated beside full-dev) and
``OUTPUTS: tuple[str, ...]`` (the file names it writes under ``eventfuse/data/``).
"""

from __future__ import annotations

import importlib
from importlib import resources
from pathlib import Path
from types import ModuleType

from ..errors import BenchDataError

# name -> module; a model is listed here once its training module exists.
MODELS: dict[str, str] = {
    "embedding": "eventfuse.train.embedding",
    "event_types": "eventfuse.train.event_types",
    "geo_ranker": "eventfuse.train.geo_ranker",
    "grouping": "eventfuse.train.grouping",
    "linking": "eventfuse.train.linking",
    "roles": "eventfuse.train.roles",
}


def load_trainer(name: str) -> ModuleType:
    if name not in MODELS:
        known = ", ".join(sorted(MODELS)) or "none"
        raise BenchDataError(f"unknown model {name!r}: models that can be trained are {known}")
    return importlib.import_module(MODELS[name])


def default_out_dir() -> Path:
    """Where the bundled models live: ``eventfuse/data/`` of this installation (the source tree when installed
    with ``pip install -e``)."""
    return Path(str(resources.files("eventfuse") / "data"))
