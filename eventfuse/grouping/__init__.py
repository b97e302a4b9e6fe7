"""Same-event grouping: an article's mentions become event frames; each joins a stored event or starts one.

Hands on, through ``Grouper.add``, the ids of the events an article touched (re-fused, with their history).
"""

from .config import ClusterConfig, IndexConfig
from .decisions import Assessment, Decision, JoinModel, Merge, decide, merges, new_event_id
from .embedding import StaticEmbedding
from .grouper import Grouper, GroupingStore, HistoryEntry
from .profiles import (
    Anchor,
    Frame,
    Profile,
    content_words,
    frames_of_article,
    lead_context,
    profile_of,
    profile_of_text,
)

__all__ = [
    "Anchor",
    "Assessment",
    "ClusterConfig",
    "Decision",
    "Frame",
    "Grouper",
    "GroupingStore",
    "HistoryEntry",
    "IndexConfig",
    "JoinModel",
    "Merge",
    "Profile",
    "StaticEmbedding",
    "content_words",
    "decide",
    "frames_of_article",
    "lead_context",
    "merges",
    "new_event_id",
    "profile_of",
    "profile_of_text",
]
