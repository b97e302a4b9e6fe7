"""Places: the embedded gazetteer, toponym detection, resolution with context, and event roles.

Hands on ``Place`` records (eventfuse.model) with coordinates, GeoNames ids, admin names and geo_precision.
"""

from __future__ import annotations

from .gazetteer import Candidate, Gazetteer
from .normalise import name_skeleton, normalise_name
from .resolve import resolve_places

__all__ = ["Candidate", "Gazetteer", "resolve_places", "name_skeleton", "normalise_name"]
