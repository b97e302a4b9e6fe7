"""The evidence that a frame and a stored event are one real-world event: plain features a learned model weighs,
and the certain contradictions (an explicit date, a confidently placed town) that keep them apart whatever else.

Hands on a feature row per (frame, event) pair, and a veto reason in words or None.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from ..geo.gazetteer import haversine_km
from .config import ClusterConfig
from .profiles import Anchor, Profile, parse_day

# The features, in the order the model card lists them (docs/grouping.md).
FEATURES = (
    "text",  # mean cosine of the frame's weighted words with the event's reports'
    "text_centroid",  # cosine with the event's summed words (its reports' shared vocabulary)
    "title",  # mean cosine of the headlines, when both have one
    "title_body",  # the frame's headline against the event's words, and the event's headlines against the frame's
    "embedding",  # mean cosine of the static sentence embeddings
    "names_shared",  # the share of the frame's names (weighted by rarity) the event's reports name
    "names_count",  # log(1 + names both name)
    "names_missing",  # the share of the names the frame repeats that no report of the event names
    "numbers_shared",  # log(1 + figures both give)
    "years_shared",
    "date_known",  # both dated
    "date_gap",  # log(1 + days apart)
    "date_both_days",  # both dated to the day
    "date_gap_over_window",  # further apart than the date window of their precision
    "place_known",  # both placed to a town or near it
    "place_km",  # log(1 + km apart)
    "place_far",  # further apart than veto_km
    "place_confidence",  # the lower of the two resolution scores
    "country_same",
    "country_other",
    "type_same_sub_type",
    "type_same_type",  # same event type, another sub-event type
    "type_other",
    "actors",  # Jaccard overlap of the actors named
    "published_gap",  # log(1 + days between the frame's publication and the event's)
    "co_reported",  # other articles report the event beside one this article also reports
)
# A feature a pair does not have is unknown: the model counts it as its training mean (LinearModel.missing).


def features(frame: Profile, event: Profile, config: ClusterConfig, *, co_reported: bool = False) -> dict[str, float]:
    """The evidence row of a frame (its own unit vectors) against an event (sums over its ``members``).

    A feature is left out when one side cannot tell (no headline, no publication date, no names): the model
    counts it as its training mean, so it moves nothing. Whether a report has a headline or a publication date
    is no evidence in itself (it tells which corpus a report came from, not whether two reports are one event),
    so no feature says it; ``date_known`` and ``place_known`` say whether the extractor dated and placed both."""
    members = max(1, event.members)
    row: dict[str, float] = {
        "text": _dot(frame.terms, event.terms) / members,
        "text_centroid": cosine(frame.terms, event.terms),
        "numbers_shared": math.log1p(len(frame.numbers & event.numbers)),
        "co_reported": float(co_reported),
    }
    if frame.title and event.title:
        row["title"] = _dot(frame.title, event.title) / max(1, event.titled)
    sides = [cosine(frame.title, event.terms) if frame.title else None]
    sides.append(cosine(frame.terms, event.title) if event.title else None)
    known = [side for side in sides if side is not None]
    if known:
        row["title_body"] = sum(known) / len(known)
    if frame.embedding and event.embedding:
        row["embedding"] = sum(a * b for a, b in zip(frame.embedding, event.embedding, strict=True)) / members
    repeated = [name for name, count in frame.names.items() if count >= 2]
    if frame.names and event.names:
        weights = {name: name_weight(name) for name in frame.names}
        shared = [name for name in frame.names if name in event.names]
        row["names_shared"] = sum(weights[n] for n in shared) / sum(weights.values())
        row["names_count"] = math.log1p(len(shared))
        if repeated:
            missing = sum(weights[n] for n in repeated if n not in event.names)
            row["names_missing"] = missing / sum(weights[n] for n in repeated)
    if frame.years and event.years:
        row["years_shared"] = float(bool(frame.years & event.years))
    gap = date_gap(frame.date, event.date)
    row["date_known"] = float(gap is not None)
    if gap is not None:
        precision = max(frame.precision or 1, event.precision or 1)
        row["date_gap"] = math.log1p(gap)
        row["date_both_days"] = float((frame.precision or 1) == 1 and (event.precision or 1) == 1)
        row["date_gap_over_window"] = float(gap > config.window_days.get(precision, max(config.window_days.values())))
    km = _km(frame, event)
    row["place_known"] = float(km is not None)
    if km is not None:
        row["place_km"] = math.log1p(km)
        row["place_far"] = float(km > config.veto_km)
        row["place_confidence"] = min(frame.place_confidence, event.place_confidence)
    if frame.country and event.country:
        row["country_same"] = float(frame.country == event.country)
        row["country_other"] = float(frame.country != event.country)
    if frame.event_type and event.event_type:
        same_sub = bool(frame.sub_event_type) and frame.sub_event_type == event.sub_event_type
        row["type_same_sub_type"] = float(same_sub)
        row["type_same_type"] = float(not same_sub and frame.event_type == event.event_type)
        row["type_other"] = float(frame.event_type != event.event_type)
    if frame.actors and event.actors:
        row["actors"] = len(frame.actors & event.actors) / len(frame.actors | event.actors)
    published = _published_gap(frame, event)
    if published is not None:
        row["published_gap"] = math.log1p(published)
    return row


def veto(frame: Profile | Anchor, event: Profile | Anchor, config: ClusterConfig) -> str | None:
    """Why a frame cannot be an event, in words, when both sides are certain and far apart: dates written out to
    the day more than ``[veto] explicit_days`` apart, dates told to the day in any way ("on Saturday") more than
    ``[veto] day_days`` apart, or places resolved to a town with confidence of at least
    ``[veto] place_confidence`` more than ``veto_km`` apart. None when nothing certain contradicts."""
    a, b = _anchor(frame), _anchor(event)
    if a.precision == 1 and b.precision == 1:
        gap = date_gap(a.date, b.date)
        if gap is not None and a.explicit and b.explicit and gap > config.veto_explicit_days:
            return f"dates {a.date} and {b.date}, both written out, are {gap} days apart"
        if gap is not None and gap > config.veto_day_days:
            return f"dates {a.date} and {b.date}, both told to the day, are {gap} days apart"
    confident = min(a.confidence, b.confidence) >= config.veto_place_confidence
    if confident and None not in (a.lat, a.lon, b.lat, b.lon) and max(a.geo_precision or 3, b.geo_precision or 3) <= 2:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km > config.veto_km:
            return f"places {km:.0f} km apart, both resolved with confidence"
    return None


def _anchor(side: Profile | Anchor) -> Anchor:
    return side if isinstance(side, Anchor) else side.when_and_where


def explain(name: str, row: dict[str, float], contribution: float) -> str:
    """One reason in words: what the feature measured and how much it moved the decision."""
    value = row.get(name, 0.0)
    say = _SAYINGS.get(name)
    words = say(value) if say else f"{name.replace('_', ' ')} {value:g}"
    return f"{words} ({contribution:+.2f})"


def _count(value: float) -> int:
    """The count a log1p feature was made from (capped: a feature of two summed events can be far out of range)."""
    return round(math.expm1(min(value, 50.0)))


# Each feature's words, built only for the feature explained.
_SAYINGS: dict[str, Callable[[float], str]] = {
    "text": lambda v: f"words in common {v:.2f}",
    "text_centroid": lambda v: f"shared vocabulary {v:.2f}",
    "title": lambda v: f"headlines alike {v:.2f}",
    "title_body": lambda v: f"headline and text alike {v:.2f}",
    "embedding": lambda v: f"meaning alike {v:.2f}",
    "names_shared": lambda v: f"names in common {v:.0%}",
    "names_count": lambda v: f"{_count(v)} names in common",
    "names_missing": lambda v: f"{v:.0%} of its repeated names new to the event",
    "numbers_shared": lambda v: f"{_count(v)} figures in common",
    "years_shared": lambda v: "the same year named" if v else "other years named",
    "date_gap": lambda v: f"dates {_count(v)} days apart",
    "date_gap_over_window": lambda v: "dates further apart than their precision allows",
    "place_km": lambda v: f"places {_count(v)} km apart",
    "place_far": lambda v: "places far apart",
    "country_same": lambda v: "same country",
    "country_other": lambda v: "another country",
    "type_same_sub_type": lambda v: "same kind of event",
    "type_same_type": lambda v: "same type, another sub-type",
    "type_other": lambda v: "another type of event",
    "actors": lambda v: f"actors overlap {v:.2f}",
    "published_gap": lambda v: f"published {_count(v)} days apart",
    "co_reported": lambda v: "also reported beside an event this article reports",
}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    # over the shared terms only, and norms by math.hypot: a frame meets hundreds of candidates
    norm = math.hypot(*a.values()) * math.hypot(*b.values())
    return _dot(a, b) / norm if norm else 0.0


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(value * b[term] for term, value in a.items() if term in b)


@lru_cache(maxsize=65536)
def name_weight(name: str) -> float:
    """How telling a name is: rarer names weigh more ("Kataib Hezbollah" far more than "Baghdad" or "Police")."""
    from wordfreq import zipf_frequency

    return max(0.5, 8.0 - zipf_frequency(name, "en"))


def date_gap(a: str | None, b: str | None) -> int | None:
    """Days between two dates (a month counts as any day in it: 0 from its days); None when either is unknown."""
    day_a, day_b = parse_day(a), parse_day(b)
    if day_a and day_b:
        return abs((day_a - day_b).days)
    if a and b and len(a) == 7 and a == b[:7]:
        return 0
    if a and b and len(b) == 7 and b == a[:7]:
        return 0
    return None


def _km(a: Profile, b: Profile) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon) or (a.geo_precision or 3) > 2 or (b.geo_precision or 3) > 2:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]


def _published_gap(frame: Profile, event: Profile) -> int | None:
    day = parse_day(frame.published)
    first, last = parse_day(event.published), parse_day(event.published_last or event.published)
    if day is None or first is None or last is None:
        return None
    if first <= day <= last:
        return 0
    return min(abs((day - first).days), abs((day - last).days))
