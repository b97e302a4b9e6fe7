"""The learned toponym ranker: features of a gazetteer candidate in its article's context, weighed by a logistic model.

Hands on, per candidate, the feature row (plain functions tests can call) and the model's probability that the
candidate is the place meant, with the features' contributions as the reasons; parameters in
``eventfuse/data/geo_ranker.model.json`` (``eventfuse train geo_ranker``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..learned import LinearModel
from .gazetteer import COUNTRY_FEATURES, FACILITY_FEATURES, Candidate, haversine_km

MODEL_FILE = "geo_ranker.model.json"
# The distance scale of "near the article's other places", and what counts as far from all of them.
NEAR_SCALE_KM = 250.0
FAR_KM = 1000.0
# Two names of one article that can mean places this close are likely to mean them ("Athens" and "Henderson
# County", both in Texas).
COHERENCE_KM = 100.0
# How a feature reads in a reason.
FEATURE_WORDS = {
    "name_score": "how well the name matches",
    "match_alt": "an alternate name",
    "match_alias": "a known alias",
    "match_short": "the name without its division word",
    "match_variant": "a spelling variant",
    "match_translation": "a translated or former name",
    "match_demonym": "a name for its people",
    "log_population": "population",
    "largest": "the most populous candidate",
    "population_share": "share of the candidates' population",
    "population_gap": "population against the most populous candidate",
    "feature_country": "a country",
    "feature_admin1": "a first-level division",
    "feature_admin2": "a district or county",
    "feature_capital": "a capital",
    "feature_facility": "a base, airport or site",
    "feature_continent": "a continent",
    "country_share": "the article's places are in its country",
    "country_named": "the article names its country",
    "neighbour_context": "a neighbour of the article's country",
    "admin1_context": "the article's places are in its division",
    "admin1_named": "another name of the article can mean its state or province",
    "near": "close to the article's other places",
    "nearest_candidate": "the candidate closest to the article's other places",
    "country_gap": "the article's share of its country against the best candidate's",
    "no_points": "the article has no other located place",
    "coherent": "close to a place another name of the article can mean",
    "coherent_names": "how many of the article's other names can mean a place close by",
    "qualified": "named with its state or country",
    "qualifier_conflict": "its qualifier names another state or country",
    "taken": "another name of the article means this place",
    "taken_by_longer_name": "a longer name of the article that holds this one means this place",
    "unnamed_far": "in a country the article never names, far from its other places",
    "region_cue": 'in the part of the country the article names ("northeastern Syria")',
    "border_cue": "near the border the article names",
    "ambiguity": "how many places share the name",
    "short_name": "a short name",
}
FEATURES = tuple(FEATURE_WORDS)


@dataclass(frozen=True)
class ArticleContext:
    """What the article's other names say, as seen from one group of same-named spans."""

    country_weight: Mapping[str, float] = field(default_factory=dict)
    admin1: frozenset[tuple[str, str]] = frozenset()
    points: tuple[tuple[float, float], ...] = ()
    point_countries: frozenset[str] = frozenset()
    named_countries: frozenset[str] = frozenset()  # countries the article names as places
    taken: frozenset[int] = frozenset()
    taken_by: Mapping[int, frozenset[str]] = field(default_factory=dict)  # candidate key -> the names that took it
    hint: str | None = None
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # "northeastern Syria": (country, box (lat_lo, lat_hi, lon_lo, lon_hi) of the named part)
    regions: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()
    # "near the Iraqi border": the border country's town points
    borders: tuple[tuple[str, Sequence[tuple[float, float, int]]], ...] = ()
    any_context: bool = False  # any other place resolved at all
    admin1_named: frozenset[tuple[str, str]] = frozenset()  # divisions another name of the article can mean


def candidate_features(
    candidate: Candidate,
    candidates: Sequence[Candidate],
    qualifiers: Sequence[tuple[str, str | None]],
    context: ArticleContext,
    name_key: str,
    *,
    coherence: tuple[float, int] | None = None,
    view: GroupView | None = None,
) -> dict[str, float]:
    """The named feature values of one candidate for a name, among its rivals, in its article's context.

    ``coherence`` is (km to the nearest place another name of the article can mean, how many other names can
    mean a place within COHERENCE_KM), from ``coherence``; ``view`` what the rivals share (``group_view``,
    computed here when not given). The row is ``static_features`` (the same in every pass) and
    ``context_features`` (what the other names' picks say) together.
    """
    view = group_view(candidates, context) if view is None else view
    row = static_features(candidate, candidates, qualifiers, context, name_key, coherence=coherence)
    row.update(context_features(candidate, context, name_key, view))
    return row


def static_features(
    candidate: Candidate,
    candidates: Sequence[Candidate],
    qualifiers: Sequence[tuple[str, str | None]],
    cues: ArticleContext,
    name_key: str,
    *,
    coherence: tuple[float, int] | None = None,
) -> dict[str, float]:
    """The features that do not depend on the other names' picks: the name, the place, its rivals, the text's cues."""
    cc = candidate.country_code
    feature = candidate.feature or ""
    row: dict[str, float] = {"name_score": candidate.name_score}
    if candidate.match != "exact" and candidate.match != "article":
        row[f"match_{candidate.match}"] = 1.0
    row["log_population"] = math.log10(candidate.population + 1)
    top = max((c.population for c in candidates), default=0)
    total_population = sum(c.population for c in candidates)
    if candidate.population >= top and top > 0:
        row["largest"] = 1.0
    if total_population > 0:
        row["population_share"] = candidate.population / total_population
    row["population_gap"] = math.log10(candidate.population + 1) - math.log10(top + 1)
    if feature in COUNTRY_FEATURES:
        row["feature_country"] = 1.0
    elif feature == "ADM1":
        row["feature_admin1"] = 1.0
    elif feature == "ADM2":
        row["feature_admin2"] = 1.0
    elif feature == "PPLC":
        row["feature_capital"] = 1.0
    elif feature in FACILITY_FEATURES:
        row["feature_facility"] = 1.0
    elif feature == "CONT":
        row["feature_continent"] = 1.0
    if coherence is not None and _coheres(candidate):
        km, names = coherence
        row["coherent"] = math.exp(-km / COHERENCE_KM)
        row["coherent_names"] = math.log1p(names)
    if qualifiers:
        if any(cc == q and (a1 is None or a1 == candidate.admin1_code) for q, a1 in qualifiers):
            row["qualified"] = 1.0
        else:
            row["qualifier_conflict"] = 1.0
    for country, (lat_lo, lat_hi, lon_lo, lon_hi) in cues.regions:
        if cc == country and lat_lo <= candidate.lat <= lat_hi and lon_lo <= candidate.lon <= lon_hi:
            row["region_cue"] = 1.0
    for country, points in cues.borders:
        if cc != country and _within(candidate.lat, candidate.lon, points, 60.0):
            row["border_cue"] = 1.0
    row["ambiguity"] = math.log(len(candidates))
    if len(name_key.replace(" ", "")) <= 4:
        row["short_name"] = 1.0
    return row


def context_features(candidate: Candidate, context: ArticleContext, name_key: str, view: GroupView) -> dict[str, float]:
    """The features that come from the other names' picks: their countries, divisions and places."""
    cc = candidate.country_code
    feature = candidate.feature or ""
    row: dict[str, float] = {}
    weights = context.country_weight
    total = view.total_weight
    share = max(0.0, weights.get(cc or "", 0.0)) / total if cc and total > 0 else 0.0
    row["country_share"] = share
    row["country_gap"] = share - (view.best_weight / total if total > 0 else 0.0)
    if cc and cc in context.named_countries:
        row["country_named"] = 1.0
    if cc and share == 0 and any(weights.get(n, 0.0) > 0 for n in context.neighbours.get(cc, ())):
        row["neighbour_context"] = 1.0
    if cc and candidate.admin1_code and feature != "ADM1":
        if (cc, candidate.admin1_code) in context.admin1:
            row["admin1_context"] = 1.0
        if (cc, candidate.admin1_code) in context.admin1_named:
            row["admin1_named"] = 1.0
    nearest_km = view.distances.get(candidate.key)
    if nearest_km is None:
        nearest_km = _nearest(candidate, context.points)
    nearest = nearest_km if nearest_km != math.inf else None
    if feature in COUNTRY_FEATURES:
        # Towns of the article inside a country are as close to it as can be ("Mexico" among Mexican towns).
        row["near"] = 1.0 if cc in context.point_countries else 0.0
    else:
        row["near"] = math.exp(-nearest / NEAR_SCALE_KM) if nearest is not None else 0.0
    if nearest is None:
        row["no_points"] = 1.0
    elif feature not in COUNTRY_FEATURES and nearest <= view.nearest:
        row["nearest_candidate"] = 1.0
    if candidate.key in context.taken:
        row["taken"] = 1.0
        # "Mexico" beside "Mexico City": the longer name took the city, so the shorter one means something else.
        if any(
            other.startswith(name_key + " ") or other.endswith(" " + name_key)
            for other in context.taken_by.get(candidate.key, ())
        ):
            row["taken_by_longer_name"] = 1.0
    # A country or continent named is its own evidence; a town or division abroad needs the article's support:
    # a neighbour of the article's countries is abroad only when it is also far from the article's places.
    far = nearest is None or nearest > FAR_KM
    abroad = feature not in COUNTRY_FEATURES and feature != "CONT" and cc and cc not in view.known
    if abroad and cc in view.related:
        far = nearest is not None and nearest > FAR_KM
    if context.any_context and abroad and far:
        row["unnamed_far"] = 1.0
    return row


@dataclass(frozen=True)
class GroupView:
    """What the features of all candidates of one name share, computed once per name and context."""

    top_population: int
    total_population: int
    total_weight: float  # the article's country weights, added up
    best_weight: float  # the largest country weight among the candidates' countries
    nearest: float  # the smallest distance of any non-country candidate to the article's located places
    known: frozenset[str]  # countries the article names or is in
    related: frozenset[str]  # and their neighbours
    distances: Mapping[int, float]  # each candidate's distance to the nearest located place of the article


def group_view(
    candidates: Sequence[Candidate], context: ArticleContext, cache: dict[tuple[int, float, float], float] | None = None
) -> GroupView:
    """What a name's candidates share in this context; ``cache`` keeps candidate-to-place distances across passes."""
    weights = context.country_weight
    known = set(context.named_countries) | {c for c, v in weights.items() if v > 0}
    distances = {c.key: _nearest(c, context.points, cache) for c in candidates}
    return GroupView(
        top_population=max((c.population for c in candidates), default=0),
        total_population=sum(c.population for c in candidates),
        total_weight=sum(v for v in weights.values() if v > 0),
        best_weight=max((max(0.0, weights.get(c.country_code or "", 0.0)) for c in candidates), default=0.0),
        nearest=min(
            (distances[c.key] for c in candidates if (c.feature or "") not in COUNTRY_FEATURES), default=math.inf
        ),
        known=frozenset(known),
        related=frozenset(known | {n for c in known for n in context.neighbours.get(c, ())}),
        distances=distances,
    )


def coherence(candidate_sets: Sequence[Sequence[Candidate]]) -> list[list[tuple[float, int]]]:
    """For each candidate of each name: (km to the nearest candidate of another name, how many other names have
    a candidate within COHERENCE_KM). Countries, first-level divisions and continents take no part: they are near
    everything in them."""
    import numpy as np

    owners: list[int] = []
    coords: list[tuple[float, float]] = []
    for owner, candidates in enumerate(candidate_sets):
        for c in candidates:
            if _coheres(c):
                owners.append(owner)
                coords.append((c.lat, c.lon))
    out = [[(math.inf, 0) for _ in candidates] for candidates in candidate_sets]
    if len(set(owners)) < 2:
        return out
    rad = np.radians(np.asarray(coords, dtype=float))
    lat, lon = rad[:, 0], rad[:, 1]
    h = (
        np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
        + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
    )
    distances = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    owner_array = np.asarray(owners)
    distances[owner_array[:, None] == owner_array[None, :]] = np.inf
    close = distances <= COHERENCE_KM
    names_close = np.zeros(len(owners), dtype=int)
    for owner in set(owners):  # a loop over names, not candidates: an article has a handful of names
        names_close += close[:, owner_array == owner].any(axis=1)
    nearest = distances.min(axis=1).tolist()
    counts = names_close.tolist()
    row = 0
    for owner, candidates in enumerate(candidate_sets):
        for index, c in enumerate(candidates):
            if not _coheres(c):
                continue
            out[owner][index] = (nearest[row], counts[row])
            row += 1
    return out


def _coheres(candidate: Candidate) -> bool:
    return (candidate.feature or "") not in COUNTRY_FEATURES and candidate.feature not in ("ADM1", "CONT")


def _nearest(
    candidate: Candidate,
    points: Sequence[tuple[float, float]],
    cache: dict[tuple[int, float, float], float] | None = None,
) -> float:
    if cache is None:
        return min((haversine_km(candidate.lat, candidate.lon, lat, lon) for lat, lon in points), default=math.inf)
    best = math.inf
    for lat, lon in points:
        key = (candidate.key, lat, lon)
        km = cache.get(key)
        if km is None:
            km = cache[key] = haversine_km(candidate.lat, candidate.lon, lat, lon)
        best = min(best, km)
    return best


def _within(lat: float, lon: float, points: Sequence[tuple[float, float, int]], km: float) -> bool:
    # A box test first: a degree of latitude is 111 km, and of longitude no more than that.
    margin = km / 111.0
    return any(
        abs(p[0] - lat) <= margin and haversine_km(lat, lon, p[0], p[1]) <= km for p in points if abs(p[0] - lat) <= 1
    )


@lru_cache(maxsize=1)
def bundled_model() -> LinearModel | None:
    """The shipped ranker, loaded once; None when the file is missing (training's first round)."""
    from ..errors import LexiconError

    try:
        return LinearModel.load(MODEL_FILE)
    except LexiconError:
        return None


def bootstrap_score(row: Mapping[str, float]) -> float:
    """The score training's first round ranks by before any model exists: name match and population only."""
    return 2.0 * row.get("name_score", 0.0) + 0.15 * row.get("log_population", 0.0) + 0.5 * row.get("country_share", 0)


def reason_words(model: LinearModel, row: Mapping[str, float], top: int = 3) -> str:
    """The features that weighed most for a candidate, in words, with their signed parts of its score."""
    parts = [(name, value) for name, value in model.contributions(row) if abs(value) >= 0.05][:top]
    return "; ".join(f"{FEATURE_WORDS.get(name, name)} {value:+.2f}" for name, value in parts)
