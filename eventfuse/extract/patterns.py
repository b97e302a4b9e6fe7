"""The sentence patterns and settings of ``data/extraction.toml`` (or a user's file of the same form), compiled once.

Hands the finders their patterns (background, tolls, outcomes, responsibility, demonyms) and the pipeline order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import load_toml


@dataclass(frozen=True)
class Patterns:
    """The sentence patterns of ``data/extraction.toml``, compiled once, and the finders in their order."""

    background: tuple[re.Pattern[str], ...]
    recall_days: int
    non_event_time_prefixes: tuple[str, ...]
    killed_words: tuple[str, ...]
    injured_words: tuple[str, ...]
    shot_words: tuple[str, ...]
    fatal_nouns: tuple[str, ...]
    people: tuple[str, ...]
    demonyms: dict[str, str]
    party_synonyms: dict[str, str]
    outcome_actions: dict[str, str]
    outcome_objects: dict[str, str]
    agent_classes: dict[str, str]
    responsibility: dict[str, tuple[re.Pattern[str], ...]]
    finders: tuple[str, ...] = ()
    clause_recall_days: int = 30
    outside_event_min_probability: float = 0.5
    irrealis_modals: frozenset[str] = frozenset()
    realis_before_to: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path | None = None) -> Patterns:
        data = load_toml("extraction.toml", path)
        toll, outcome = data["toll"], data["outcome"]
        return cls(
            background=tuple(re.compile(p, re.I) for p in data["background"]["patterns"]),
            recall_days=int(data["background"]["recall_days"]),
            clause_recall_days=int(data["background"].get("clause_recall_days", 30)),
            outside_event_min_probability=float(data.get("roles", {}).get("outside_event_min_probability", 0.5)),
            non_event_time_prefixes=tuple(data["background"]["non_event_time_prefixes"]),
            killed_words=tuple(toll["killed"]),
            injured_words=tuple(toll["injured"]),
            shot_words=tuple(toll["shot"]),
            fatal_nouns=tuple(toll.get("fatal", ())),
            people=tuple(toll["people"]),
            demonyms=dict(data["demonyms"]),
            party_synonyms=dict(toll["party_synonyms"]),
            outcome_actions=dict(outcome["actions"]),
            outcome_objects=dict(outcome["objects"]),
            agent_classes=dict(outcome["agent_classes"]),
            responsibility={
                status: tuple(re.compile(p, re.I) for p in patterns)
                for status, patterns in data["responsibility"].items()
            },
            finders=tuple(data.get("pipeline", {}).get("finders", ())),
            irrealis_modals=frozenset(data.get("event", {}).get("irrealis_modals", ())),
            realis_before_to=frozenset(data.get("event", {}).get("realis_before_to", ())),
        )

    @property
    def toll_words(self) -> tuple[str, ...]:
        """The words that make a sentence a toll: killed, injured and shot."""
        return (*self.killed_words, *self.injured_words, *self.shot_words, *self.fatal_nouns)
