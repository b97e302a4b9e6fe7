"""Grouping decisions: a frame joins the best compatible stored event or starts one; which events merge, which
mentions split off.

Hands on Decisions, Merges and Splits, each with its score and reasons in words."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..geo.gazetteer import haversine_km
from ..model import Mention
from .config import ClusterConfig
from .profiles import Frame, Profile, _best_place, _most_precise_date


@dataclass(frozen=True)
class Decision:
    """Where a frame goes: an existing event (``joined``) or a new one, and why."""

    event_id: str
    joined: bool
    score: float
    reasons: tuple[str, ...]


def decide(
    frame: Frame, candidates: Sequence[Profile], config: ClusterConfig, co_reported: frozenset[str] = frozenset()
) -> Decision:
    """Join the best-scoring compatible candidate, or start a new event.

    ``co_reported``: events that other articles report beside an event this article also reports (two
    outlets that each cover Sunday's attack and mention Saturday's explosion likely mean the same one).
    """
    best: tuple[float, Profile, tuple[str, ...]] | None = None
    for candidate in candidates:
        scored = _frame_score(frame, candidate, config, co_reported)
        if scored is None:
            continue
        value, reasons = scored
        if best is None or value > best[0]:
            best = (value, candidate, reasons)
    if best and best[0] >= config.join_threshold and best[1].event_id:
        return Decision(best[1].event_id, True, round(best[0], 4), best[2])
    reasons = ("no stored event scored above the join threshold",)
    if best:
        reasons = (f"best candidate {best[1].event_id} scored {best[0]:.2f} < {config.join_threshold}",) + best[2]
    return Decision(new_event_id(frame), False, round(best[0], 4) if best else 0.0, reasons)


def _frame_score(
    frame: Frame, candidate: Profile, config: ClusterConfig, co_reported: frozenset[str]
) -> tuple[float, tuple[str, ...]] | None:
    """``score`` of a frame and a candidate, plus ``[co_reported] weight`` when other articles report the
    candidate beside an event this article also reports."""
    scored = score(frame.profile, candidate, config)
    if scored is None or candidate.event_id not in co_reported:
        return scored
    value, reasons = scored
    return value + config.weight_co_reported, reasons + ("also reported beside an event this article reports",)


def new_event_id(frame: Frame) -> str:
    """A stable id: the same first mention always names the same event."""
    first = frame.mention_ids[0] if frame.mentions else frame.article_id  # a story frame has no mentions
    return "ev_" + hashlib.sha256(first.encode()).hexdigest()[:12]


def score(a: Profile, b: Profile, config: ClusterConfig) -> tuple[float, tuple[str, ...]] | None:
    """How likely two profiles are one event (None: incompatible), with the reasons in words."""
    total = 0.0
    reasons: list[str] = []
    gap = _date_gap(a, b)
    if gap is None:
        total += config.weight_date_unknown
    else:
        precision = max(a.precision or 1, b.precision or 1)
        allowed = config.window_days.get(precision, max(config.window_days.values()))
        if gap > allowed:
            return None
        total += config.weight_date_same
        reasons.append(f"dates {a.date} and {b.date} compatible")
    if None not in (a.lat, a.lon, b.lat, b.lon) and (a.geo_precision or 3) <= 2 and (b.geo_precision or 3) <= 2:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km > config.veto_km:
            return None
        total += config.weight_near * (1 - km / config.veto_km)
        reasons.append(f"places {km:.0f} km apart")
    if a.country and b.country:
        if a.country == b.country:
            total += config.weight_same_country
            reasons.append(f"same country {a.country}")
        else:
            total += config.weight_other_country
    if a.sub_event_type and a.sub_event_type == b.sub_event_type:
        total += config.weight_same_sub_type
        reasons.append(f"same sub-event type {a.sub_event_type}")
    elif a.event_type and a.event_type == b.event_type:
        total += config.weight_same_type
        reasons.append(f"same event type {a.event_type}")
    elif a.event_type and b.event_type:
        total += config.weight_other_type
    if a.actors and b.actors:
        overlap = len(a.actors & b.actors) / len(a.actors | b.actors)
        total += config.weight_actors * overlap
        if overlap:
            reasons.append(f"actors overlap {overlap:.2f}")
    similarity = cosine(a.terms, b.terms)
    if a.terms and b.terms and similarity < config.min_text_similarity:
        return None  # same day, place and kind, but reports that share no telling word: two incidents
    total += config.weight_text * similarity
    reasons.append(f"text similarity {similarity:.2f}")
    return total, tuple(reasons)


@lru_cache(maxsize=4096)  # a frame's and its candidates' days, parsed once
def _parse_day(value: str | None) -> date | None:
    if not value or not re.match(r"^\d{4}-\d{2}-\d{2}$", value[:10]):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_gap(a: Profile, b: Profile) -> int | None:
    day_a, day_b = _parse_day(a.date), _parse_day(b.date)
    if day_a and day_b:
        return abs((day_a - day_b).days)
    if a.date and b.date and len(a.date) == 7 and a.date == b.date[:7]:
        return 0
    if a.date and b.date and len(b.date) == 7 and b.date == a.date[:7]:
        return 0
    return None


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    # over the shared terms only, and norms by math.hypot: a frame meets hundreds of candidates
    dot = sum(a[term] * b[term] for term in a.keys() & b.keys())
    norm = math.hypot(*a.values()) * math.hypot(*b.values())
    return dot / norm if norm else 0.0


# --- corrections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """A stored event that a frame joins as well as the one it chose, and that is one event with it."""

    event_id: str
    frame_score: float  # the frame's score with this event, and why
    frame_reasons: tuple[str, ...]
    score: float  # the two events' score with each other, and why
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """Mentions of an event that cannot be the same event as the mentions around its first one."""

    mention_ids: tuple[str, ...]
    reason: str


def merges(
    frame: Frame,
    chosen: Profile,
    candidates: Sequence[Profile],
    config: ClusterConfig,
    apart: frozenset[str] = frozenset(),
    co_reported: frozenset[str] = frozenset(),
) -> list[Merge]:
    """The other candidates the frame also scores ``join_threshold`` with and that can be one event with the chosen
    one: no date or place veto between them (nor with another merged one), and not in ``apart`` (events an article
    reports beside the chosen one are different events). The frame is the evidence that joins them: the two need
    not score ``join_threshold`` with each other (docs/grouping.md has the figures)."""
    found: list[tuple[Merge, Profile]] = []
    for candidate in candidates:
        if not candidate.event_id or candidate.event_id == chosen.event_id or candidate.event_id in apart:
            continue
        scored = _frame_score(frame, candidate, config, co_reported)
        if scored is None:
            continue
        value, frame_reasons = scored
        if value < config.join_threshold:
            continue
        pair = score(chosen, candidate, config)
        if pair is None:
            continue
        if any(veto_reason(candidate, other, config) for _, other in found):
            continue
        merge = Merge(candidate.event_id, round(value, 4), frame_reasons, round(pair[0], 4), pair[1])
        found.append((merge, candidate))
    return [merge for merge, _ in found]


def split_groups(event_id: str, units: Sequence[Sequence[Mention]], config: ClusterConfig) -> list[Split]:
    """The mentions that must leave an event: the groups incompatible with the group of its first mention.

    ``units`` are the event's mentions of each article, in the order they joined. The unit holding the mention
    the event's id is made from goes first; every unit then goes to the first group it has no date or place
    veto with (``veto_reason``), so undated and unplaced units stay. Each group after the first leaves.
    """

    def holds_first(unit: Sequence[Mention]) -> bool:
        return any(new_event_id(Frame(m.article_id, (m,), Profile())) == event_id for m in unit)

    groups: list[list[Profile]] = []
    members: list[list[str]] = []
    reasons: list[str] = []
    for unit in sorted(units, key=lambda unit: not holds_first(unit)):
        profile = _when_and_where(unit, config)
        for group, ids in zip(groups, members, strict=True):
            if not any(veto_reason(profile, other, config) for other in group):
                group.append(profile)
                ids.extend(m.id for m in unit)
                break
        else:
            vetoes = (veto_reason(profile, other, config) for other in (groups[0] if groups else ()))
            reasons.append(next((v for v in vetoes if v), ""))
            groups.append([profile])
            members.append([m.id for m in unit])
    return [Split(tuple(ids), reason) for ids, reason in zip(members[1:], reasons[1:], strict=True)]


def _when_and_where(mentions: Sequence[Mention], config: ClusterConfig) -> Profile:
    """The date and place ``profile_of`` finds in some mentions: all a veto looks at (words cost more)."""
    date_value, precision = _most_precise_date(mentions)
    place = _best_place(mentions, config.veto_min_confidence)
    if place is None:
        return Profile(date=date_value, precision=precision)
    return Profile(date=date_value, precision=precision, lat=place[0], lon=place[1], geo_precision=place[2])


def veto_reason(a: Profile, b: Profile, config: ClusterConfig) -> str | None:
    """Why two profiles cannot be one event (the date and place vetoes of ``score``), in words; None when none."""
    gap = _date_gap(a, b)
    if gap is not None:
        precision = max(a.precision or 1, b.precision or 1)
        allowed = config.window_days.get(precision, max(config.window_days.values()))
        if gap > allowed:
            return f"dates {a.date} and {b.date} are {gap} days apart (more than {allowed})"
    if None not in (a.lat, a.lon, b.lat, b.lon) and (a.geo_precision or 3) <= 2 and (b.geo_precision or 3) <= 2:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km > config.veto_km:
            return f"places {km:.0f} km apart (more than {config.veto_km:.0f})"
    return None
