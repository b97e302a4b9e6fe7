"""Places: the embedded gazetteer, toponym detection, resolution with context, and event roles.

Hands on ``Place`` records (eventfuse.model) with coordinates, GeoNames ids, admin names and geo_precision.
"""

from __future__ import annotations

from .detect import find_toponyms
from .gazetteer import Candidate, Gazetteer
from .normalise import name_skeleton, normalise_name
from .resolve import resolve_places
from .roles import assign_roles

__all__ = [
    "Candidate",
    "Gazetteer",
    "assign_roles",
    "find_toponyms",
    "resolve_places",
    "name_skeleton",
    "normalise_name",
]
