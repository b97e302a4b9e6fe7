"""The registry of claim finders: each finder class registers under its name; ``data/extraction.toml`` orders them.

Hands the extractor its finders, built and checked: every name known, every fact a finder needs provided before it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from ..errors import LexiconError
from .context import SENTENCE_FACTS, Finder, Shared

FINDERS: dict[str, type[Finder]] = {}
# The modules of the bundled finders, imported (so registered) when a pipeline is first built.
BUNDLED = (
    "speakers",
    "background",
    "outcomes",
    "event_type",
    "dates",
    "places",
    "actors",
    "weapons",
    "tolls",
    "responsibility",
)


def register(name: str) -> Callable[[type[Finder]], type[Finder]]:
    """Register a finder class under ``name`` (the name ``extraction.toml`` lists)."""

    def add(cls: type[Finder]) -> type[Finder]:
        if name in FINDERS and FINDERS[name] is not cls:
            raise ValueError(f"two claim finders registered as {name!r}")
        unknown = set(cls.provides) - SENTENCE_FACTS
        if unknown:
            raise ValueError(f"finder {name!r} provides unknown sentence facts: {', '.join(sorted(unknown))}")
        cls.name = name
        FINDERS[name] = cls
        return cls

    return add


def build_finders(names: Sequence[str], shared: Shared) -> tuple[Finder, ...]:
    """The finders ``names`` lists, in that order; a name not registered, a finder listed twice, or one that needs
    a fact a later finder provides is an error naming it."""
    _register_bundled()
    built: list[Finder] = []
    provided_by: dict[str, str] = {}
    for name in names:
        cls = FINDERS.get(name)
        if cls is None:
            known = ", ".join(sorted(FINDERS))
            raise LexiconError(f"extraction.toml [pipeline] finders: unknown finder {name!r} (known: {known})")
        if any(f.name == name for f in built):
            raise LexiconError(f"extraction.toml [pipeline] finders: {name!r} is listed twice")
        for fact in cls.provides:
            provided_by.setdefault(fact, name)
        built.append(cls(shared))
    order = {name: i for i, name in enumerate(names)}
    for finder in built:
        for fact in finder.needs:
            source = provided_by.get(fact)
            if source is not None and order[source] > order[finder.name]:
                raise LexiconError(
                    f"extraction.toml [pipeline] finders: {finder.name!r} reads {fact!r}, which {source!r} "
                    "provides after it; list it later"
                )
    return tuple(built)


def _register_bundled() -> None:
    for module in BUNDLED:
        importlib.import_module(f"{__package__}.{module}")
