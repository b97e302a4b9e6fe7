"""Reads the bundled settings and patterns (``eventfuse/data/*.toml``), or a user's file of the same form.

Hands each stage its parsed table; a malformed file is a LexiconError naming it.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import LexiconError


def load_toml(name: str, path: Path | None = None) -> dict[str, Any]:
    """The bundled data file ``name`` (e.g. ``"cluster.toml"``), or ``path`` when given."""
    if path is None:
        label = f"eventfuse/data/{name}"
        raw = (resources.files("eventfuse") / "data" / name).read_text(encoding="utf-8")
    else:
        label = str(path)
        raw = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise LexiconError(f"{label}: not valid TOML: {err}") from err
