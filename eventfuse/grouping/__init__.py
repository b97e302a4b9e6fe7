"""Same-event grouping: an article's mentions become event frames; each joins a stored event or starts one.

Hands on, through ``Grouper.add``, the ids of the events an article touched (re-fused, with their history).
"""

from .config import ClusterConfig, IndexConfig
from .decisions import Decision, Merge, Split, decide, merges, new_event_id, score, split_groups, veto_reason
from .grouper import Grouper, GroupingStore, HistoryEntry
from .profiles import Frame, Profile, content_words, frames_of_article, lead_context, profile_of, profile_of_text

__all__ = [
    "ClusterConfig",
    "Decision",
    "Frame",
    "Grouper",
    "GroupingStore",
    "HistoryEntry",
    "IndexConfig",
    "Merge",
    "Profile",
    "Split",
    "content_words",
    "decide",
    "frames_of_article",
    "lead_context",
    "merges",
    "new_event_id",
    "profile_of",
    "profile_of_text",
    "score",
    "split_groups",
    "veto_reason",
]
