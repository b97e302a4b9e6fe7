"""Claim extraction: from an article and its spaCy Doc, the event mentions and every claim they make.

Hands on Mentions (ACLED type, time, places, background flag) whose Claims keep span, quote, speaker and hedge.
One finder per job (``registry.FINDERS``: speakers, background, outcomes, event_type, time, places, actors,
weapons, tolls, responsibility), run in the order ``data/extraction.toml`` lists.
"""

from __future__ import annotations

from .context import DocumentContext, Finder, Found, SentenceContext
from .extractor import Extractor
from .patterns import Patterns
from .registry import FINDERS, register

__all__ = ["FINDERS", "DocumentContext", "Extractor", "Finder", "Found", "Patterns", "SentenceContext", "register"]
