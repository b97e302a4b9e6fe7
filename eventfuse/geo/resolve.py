"""Toponym resolution: ranks gazetteer candidates with the article's own context, and places the unlisted by description.

Hands on one ``Place`` per span: resolved with coordinates and geo_precision, or approximate with its reason, or
unresolved with its reason. One unresolvable name never affects the others.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..learned import LinearModel
from ..model import GEO_PRECISION_NEAR, GEO_PRECISION_REGION, GEO_PRECISION_TOWN, Place
from .gazetteer import COUNTRY_FEATURES, MATCH_SCORES, Candidate, Gazetteer, haversine_km
from .normalise import normalise_name
from .ranker import (
    ArticleContext,
    bootstrap_score,
    bundled_model,
    coherence,
    context_features,
    group_view,
    reason_words,
    static_features,
)

DEFAULT_OFFSET_KM = 30.0
RIVAL_KM = 50.0
BORDER_ZONE_KM = 60.0
PASSES = 2
# Endings of names for a place's people and what replaces them to give the place's name, tried in order.
_INHABITANT_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ians", ("ia", "io", "")),
    ("ian", ("ia", "io", "")),
    ("ans", ("a", "", "o")),
    ("an", ("a", "")),
    ("ites", ("",)),
    ("ers", ("",)),
    ("er", ("",)),
)
# Matches that mean a place only where the article already is.
_NEEDS_SUPPORT = frozenset({"variant", "translation"})

_DIRECTIONS = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}
_DIR = r"(north|south|east|west)(?:[- ]?(east|west))?"
_NAME = r"((?:al-|el-|Al |El )?[A-Z][\w'’-]*(?:\s+(?:al-|el-)?[A-Z][\w'’-]*){0,3})"
_RELATIVE = re.compile(
    r"(?:(\d+(?:\.\d+)?)\s*(km|kilometers|kilometres|miles|mi)\s+)?" + _DIR + r"\s+(?:of|from)\s+(?:the\s+)?"
    r"(?:(?:city|town|village|province|governorate) of\s+)?" + _NAME,
)
_NEAR = re.compile(
    r"\b(?:near|close to|outside|on the outskirts of)\s+(?:the\s+)?(?:(?:city|town|village) of\s+)?" + _NAME
)
_BORDER = re.compile(r"\b(?:near|close to|along|on|by)\s+the\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+border\b")
_REGION = re.compile(r"\b" + _DIR + r"ern\s+" + _NAME)
_IN_COUNTRY = re.compile(r"^\s*(?:base|airbase|air base|town|city|village|camp)?\s*(?:,|in|inside)\s+" + _NAME)
_FACILITY_WORDS = re.compile(
    r"\s+(?:military\s+)?(?:base|air\s*base|airbase|airport|airfield|dam|border crossing|crossing|camp)$", re.I
)
_FACILITY_AFTER = re.compile(
    r"\s+(?:military\s+|air\s+|army\s+|naval\s+|coalition\s+)?(?:base|air\s*base|airbase|airport|airfield|camp)\b", re.I
)
_DIVISION_WORDS = re.compile(
    r"\s+(?:province|governorate|state|county|district|region|oblast|prefecture|department|parish)$", re.I
)
# "South Los Angeles", "Downtown Dallas", "Northwest Philadelphia": a part of a town the gazetteer does not list
# falls back to the town (at geo_precision 2, part of it).
_PART_OF_TOWN = re.compile(
    r"^(?:(?:north|south)(?:east|west)?(?:ern)?|(?:east|west)(?:ern)?|downtown|central|greater|inner|uptown)\s+", re.I
)
_NEXT_SENTENCE_SUBJECT = re.compile(r"^\s*The\s+(?:base|town|city|village|facility|camp|airport|airbase|site)\b")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass
class _Group:
    """All spans of one normalised name: resolved once, so "Dublin" means one place in one article."""

    name: str
    spans: list[int] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    qualifiers: list[tuple[str, str | None]] = field(default_factory=list)  # (country, admin1 code or None)
    pick: Candidate | None = None
    scores: dict[int, float] = field(default_factory=dict)  # the model's log-odds per candidate key
    rows: dict[int, dict[str, float]] = field(default_factory=dict)  # the feature row per candidate key
    key: str = ""
    coherence: list[tuple[float, int]] = field(default_factory=list)  # per candidate, see ranker.coherence
    divisions: frozenset[tuple[str, str]] = frozenset()  # (country, admin1 code) of its first-level candidates
    static: dict[int, tuple[dict[str, float], float]] = field(default_factory=dict)  # key -> (row, its score)
    distances: dict[tuple[int, float, float], float] = field(default_factory=dict)  # (key, lat, lon) -> km
    explained: str | None = None  # the pick's reasons in words, computed for its first span
    dropped: str | None = None  # why a pick was not taken (a far country the article never names)


def resolve_places(
    text: str,
    toponyms: Sequence[tuple[int, int]],
    gazetteer: Gazetteer,
    *,
    country_hint: str | None = None,
    model: LinearModel | None = None,
) -> list[Place]:
    """One Place per (start, end) span, in the order given: resolved, approximated by description, or with a reason.

    Candidates are ranked by the learned ranker (``model``, default the bundled one; see ``geo.ranker``).
    """
    groups, order = rank_groups(text, toponyms, gazetteer, country_hint=country_hint, model=model)
    context_regions = gazetteer.context_regions()
    context_countries = _context_countries(groups, country_hint)
    ranker = model if model is not None else bundled_model()
    places: list[Place] = []
    approximations: dict[str, Place | None] = {}
    for index, (start, end) in enumerate(toponyms):
        name = text[start:end]
        key = order[index]
        group = groups.get(key)
        if group is None:
            places.append(Place(name=name, start=start, end=end, reason="empty name"))
            continue
        if key in context_regions:
            places.append(Place(name=name, start=start, end=end, reason="context-only region, not an event location"))
            continue
        if group.pick is not None:
            places.append(_place_from(group, start, end, name, ranker))
            continue
        if key not in approximations:
            approx = _approximate(text, group, toponyms, groups, gazetteer, context_countries)
            approximations[key] = _with_divisions(approx, gazetteer) if approx is not None else None
        approx = approximations[key]
        if approx is None:
            reason = "no gazetteer entry and no relative description in the text"
            if group.dropped:
                reason = group.dropped
            elif group.candidates:
                reason = "only distant spelling variants in the gazetteer, none supported by the article's context"
            places.append(Place(name=name, start=start, end=end, reason=reason))
        else:
            reason = approx.reason if not group.dropped else f"{group.dropped}; {approx.reason}"
            places.append(
                Place(
                    name=name,
                    start=start,
                    end=end,
                    lat=approx.lat,
                    lon=approx.lon,
                    country_code=approx.country_code,
                    admin1=approx.admin1,
                    admin2=approx.admin2,
                    geo_precision=approx.geo_precision,
                    score=approx.score,
                    reason=reason,
                )
            )
    return places


def rank_groups(
    text: str,
    toponyms: Sequence[tuple[int, int]],
    gazetteer: Gazetteer,
    *,
    country_hint: str | None = None,
    model: LinearModel | None = None,
    use_model: bool = True,
) -> tuple[dict[str, _Group], list[str]]:
    """The article's names grouped (one group per normalised name) with their candidates ranked in context.

    Returns the groups by key and, per span, its group's key ("" for an empty name). Each group keeps the
    feature row and score of every candidate it weighed (training reads them). ``use_model=False`` ranks by
    ``ranker.bootstrap_score`` (training's first round, before a model exists).
    """
    context_regions = gazetteer.context_regions()
    groups: dict[str, _Group] = {}
    order: list[str] = []
    for start, end in toponyms:
        name = text[start:end]
        key = normalise_name(name)
        if not key:
            order.append("")
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(name=name, key=key)
            # "NORFOLK, Va.": the toponym stops before the dot, which makes the state's abbreviation
            written = name + "." if text[end : end + 1] == "." and gazetteer.abbreviation(name + ".") else name
            group.candidates = [] if key in context_regions else _candidates(gazetteer, written)
        group.spans.append(len(order))
        qualifier = _qualifier(text, end, toponyms, gazetteer)
        if qualifier:
            group.qualifiers.append(qualifier)
        order.append(key)
    ranker = (model if model is not None else bundled_model()) if use_model else None
    keys = list(groups)
    for key, near in zip(keys, coherence([groups[k].candidates for k in keys]), strict=True):
        groups[key].coherence = near
        groups[key].divisions = frozenset(
            (c.country_code, c.admin1_code)
            for c in groups[key].candidates
            if c.feature == "ADM1" and c.country_code and c.admin1_code
        )
    if any(len(g.candidates) for g in groups.values()):
        _rank(groups, ranker, _article_cues(text, groups, gazetteer, country_hint))
    return groups, order


def _article_cues(
    text: str, groups: dict[str, _Group], gazetteer: Gazetteer, country_hint: str | None
) -> ArticleContext:
    """The context every group shares: the hint, neighbours, and the parts and borders of countries the text names."""
    regions: list[tuple[str, tuple[float, float, float, float]]] = []
    for match in _REGION.finditer(text):
        found = gazetteer.lookup(match.group(3), limit=1)
        if found and found[0].feature in COUNTRY_FEATURES and found[0].country_code:
            extent = gazetteer.country_extent(found[0].country_code)
            if extent is not None:
                regions.append((found[0].country_code, _sector_box(extent, (match.group(1), match.group(2)))))
    borders: list[tuple[str, list[tuple[float, float, int]]]] = []
    for match in _BORDER.finditer(text):
        found = gazetteer.lookup(match.group(1), limit=1)
        if found and found[0].feature in COUNTRY_FEATURES and found[0].country_code:
            borders.append((found[0].country_code, gazetteer.country_points(found[0].country_code)))
    return ArticleContext(
        hint=country_hint, neighbours=gazetteer.neighbours(), regions=tuple(regions), borders=tuple(borders)
    )


def _candidates(gazetteer: Gazetteer, name: str) -> list[Candidate]:
    abbreviation = gazetteer.abbreviation(name) if "." in name else None
    if abbreviation:  # "Kan.", "W.Va.": a state written the way local news abbreviates it
        state = gazetteer.admin1_place(*abbreviation)
        if state is not None:
            return [state]
    found = gazetteer.lookup(name, limit=12)
    if not found:
        stripped = _FACILITY_WORDS.sub("", name.strip())
        if stripped != name.strip() and stripped:
            found = gazetteer.lookup(stripped, limit=12)
    if not found or all(c.match == "variant" for c in found):
        # "Salahuddin province", "Borno State": a division written with its division word, which the
        # gazetteer's name for it may lack; only divisions answer to it.
        stripped = _DIVISION_WORDS.sub("", name.strip())
        if stripped != name.strip() and stripped:
            divisions = [
                dataclasses.replace(c, match="short", name_score=MATCH_SCORES["short"], score=c.score - 0.2)
                for c in gazetteer.lookup(stripped, limit=12)
                if c.feature in ("ADM1", "ADM2") and c.match not in _NEEDS_SUPPORT
            ]
            found = divisions or found
    if not found:
        part_of = _PART_OF_TOWN.sub("", name.strip())
        if part_of != name.strip() and part_of:
            found = [
                dataclasses.replace(c, match="short", name_score=MATCH_SCORES["short"], score=c.score - 0.2)
                for c in gazetteer.lookup(part_of, limit=12)
                if (c.feature or "").startswith("PPL") and c.match not in _NEEDS_SUPPORT
            ]
    if all(c.match == "variant" for c in found):
        found = _inhabitant_candidates(gazetteer, name) or found
    if name[:4] in ("the ", "The "):
        # A name that keeps its article ("the White House", as find_toponyms passes buildings and facilities)
        # is a building or site: never a town that merely shares the words.
        found = [c for c in found if not (c.feature or "").startswith("PPL") or c.name.lower().startswith("the ")]
    return found


def _inhabitant_candidates(gazetteer: Gazetteer, name: str) -> list[Candidate]:
    """The place of a name for its people ("Ontarians", "South Ossetian", "Londoner"), by its usual endings.

    Only a stem that is a place's own name counts, and it is scored as a demonym, below the name itself.
    """
    words = name.strip()
    if not words[:1].isupper():
        return []
    for ending, replacements in _INHABITANT_ENDINGS:
        if not words.endswith(ending) or len(words) - len(ending) < 3:
            continue
        for replacement in replacements:
            stem = words[: len(words) - len(ending)] + replacement
            found = [
                dataclasses.replace(c, match="demonym", name_score=MATCH_SCORES["demonym"], score=c.score - 0.2)
                for c in gazetteer.lookup(stem, limit=12)
                if c.match in ("exact", "article")
            ]
            if found:
                return found
    return []


def _qualifier(
    text: str, end: int, toponyms: Sequence[tuple[int, int]], gazetteer: Gazetteer
) -> tuple[str, str | None] | None:
    """The state or country in "Long Beach, CA" / "Gainesville, Ga." / "Rumalyn, Syria", as (country, admin1 code)."""
    tail = text[end : end + 40]
    match = re.match(r",\s+((?:[A-Z][\w.]*\.?)(?:\s+[A-Z][\w.]*){0,2})", tail)
    if not match:
        return None
    words = match.group(1)
    abbreviation = gazetteer.abbreviation(words.split()[0]) or gazetteer.abbreviation(words)
    if abbreviation:
        return abbreviation
    for n in range(len(words.split()), 0, -1):
        phrase = " ".join(words.split()[:n]).rstrip(".")
        for candidate in gazetteer.lookup(phrase, limit=3):
            if candidate.match in ("exact", "alias", "article") and (
                candidate.feature in COUNTRY_FEATURES or candidate.feature == "ADM1"
            ):
                code = candidate.admin1_code if candidate.feature == "ADM1" else None
                return candidate.country_code or "", code
    return None


def _rank(groups: dict[str, _Group], model: LinearModel | None, cues: ArticleContext) -> None:
    """Pick a candidate per group: context-free first, then again with the other groups' picks as context.

    Then each pick must fit the article's geography (``_constrain``).
    """
    for group in groups.values():
        _choose(group, cues, model, allow_variants=False)
    # A name with one candidate that needs no support has nothing to choose: it is weighed once, at the end.
    settled = {k for k, g in groups.items() if len(g.candidates) == 1 and g.candidates[0].match not in _NEEDS_SUPPORT}
    for _ in range(PASSES):
        before = {key: (g.pick.key if g.pick is not None else None) for key, g in groups.items()}
        totals = _aggregate(groups, cues)
        for key, group in groups.items():
            if key not in settled:
                _choose(group, _context_for(key, group, groups, totals, cues), model, allow_variants=True)
        if all((g.pick.key if g.pick is not None else None) == before[key] for key, g in groups.items()):
            break
    totals = _aggregate(groups, cues)
    for key in settled:
        group = groups[key]
        _choose(group, _context_for(key, group, groups, totals, cues), model, allow_variants=True)
    for group in groups.values():
        _constrain(group)
        _finest_nearby(group)


# Which of two close candidates of one name an event is better placed at: a town before the district or state
# named like it ("San Salvador" the capital, not its department), a country before its own province ("Panama").
_FINENESS = {"PPLC": 0, "PPLA": 1, "PPL": 2, "ADM2": 5, "ADM1": 6}
FINER_MARGIN = 1.0  # log-odds: how far behind the best a finer candidate may score and still be taken
FINER_KM = 100.0


def _fineness(candidate: Candidate) -> int:
    feature = candidate.feature or ""
    if feature in COUNTRY_FEATURES:
        return 4
    return _FINENESS.get(feature, 3)  # facilities and other sites between towns and countries


def _finest_nearby(group: _Group) -> None:
    """Among candidates close to the pick (FINER_KM) and scored almost as well (FINER_MARGIN), the finest.

    They put the event in the same area, so the choice costs nothing in distance and gains in precision."""
    pick = group.pick
    if pick is None or pick.key not in group.scores:
        return
    best = group.scores[pick.key]
    close = [
        c
        for c in group.candidates
        if c.key in group.scores
        and group.scores[c.key] >= best - FINER_MARGIN
        and haversine_km(c.lat, c.lon, pick.lat, pick.lon) <= FINER_KM
    ]
    group.pick = min(close, key=lambda c: (_fineness(c), -group.scores[c.key]))


@dataclass
class _Totals:
    """What all groups' picks add up to at the start of a pass; each group's context subtracts its own part."""

    country_weight: dict[str, float]
    admin1: dict[tuple[str, str], float]
    named: dict[str, float]
    points: list[tuple[str, float, float, str | None]]
    picked_by: dict[int, set[str]] = field(default_factory=dict)  # place key -> the groups that picked it
    qualifier_countries: dict[str, int] = field(default_factory=dict)  # country -> groups qualified by it
    divisions: dict[tuple[str, str], int] = field(default_factory=dict)  # division -> groups that can mean it


def _aggregate(groups: dict[str, _Group], cues: ArticleContext) -> _Totals:
    totals = _Totals(defaultdict(float), defaultdict(float), defaultdict(float), [])
    for key, group in groups.items():
        for country in {q for q, _a1 in group.qualifiers if q}:
            totals.qualifier_countries[country] = totals.qualifier_countries.get(country, 0) + 1
        for division in _named_divisions(group):
            totals.divisions[division] = totals.divisions.get(division, 0) + 1
        if group.pick is not None:
            totals.picked_by.setdefault(group.pick.key, set()).add(key)
    for key, group in groups.items():
        pick = group.pick
        if pick is None or pick.country_code is None:
            continue
        weight = 1.5 if pick.feature in COUNTRY_FEATURES else 1.0
        totals.country_weight[pick.country_code] += weight * len(group.spans) ** 0.5
        if pick.feature in COUNTRY_FEATURES:
            totals.named[pick.country_code] += 1.0
        if pick.admin1_code:
            totals.admin1[(pick.country_code, pick.admin1_code)] += 1.0
        if pick.feature not in COUNTRY_FEATURES and pick.feature not in ("ADM1", "CONT"):
            totals.points.append((key, pick.lat, pick.lon, pick.country_code))
    if cues.hint:
        totals.country_weight[cues.hint] += 2.0
    return totals


def _context_for(
    key: str, group: _Group, groups: dict[str, _Group], totals: _Totals, cues: ArticleContext
) -> ArticleContext:
    """The article as the other groups' picks describe it, seen from one group."""
    own = group.pick
    others_weight = dict(totals.country_weight)
    others_admin1 = dict(totals.admin1)
    others_named = dict(totals.named)
    if own is not None and own.country_code:
        weight = 1.5 if own.feature in COUNTRY_FEATURES else 1.0
        others_weight[own.country_code] -= weight * len(group.spans) ** 0.5
        if own.admin1_code:
            others_admin1[(own.country_code, own.admin1_code)] -= 1.0
        if own.feature in COUNTRY_FEATURES:
            others_named[own.country_code] -= 1.0
    named_countries = {c for c, v in others_named.items() if v > 0}
    own_qualifiers = {q for q, _a1 in group.qualifiers if q}
    named_countries.update(c for c, n in totals.qualifier_countries.items() if n - (c in own_qualifiers) > 0)
    own_divisions = _named_divisions(group)
    taken_by = {k: frozenset(v - {key}) for k, v in totals.picked_by.items() if v - {key}}
    return dataclasses.replace(
        cues,
        country_weight=others_weight,
        admin1=frozenset(k for k, v in others_admin1.items() if v > 0),
        points=tuple((lat, lon) for k, lat, lon, _cc in totals.points if k != key),
        point_countries=frozenset(cc for k, _lat, _lon, cc in totals.points if k != key and cc),
        named_countries=frozenset(named_countries),
        taken=frozenset(taken_by),
        taken_by=taken_by,
        any_context=bool(taken_by),
        admin1_named=frozenset(d for d, n in totals.divisions.items() if n - (d in own_divisions) > 0),
    )


def _constrain(group: _Group) -> None:
    """The article's geography constrains every place: a pick in a country the article never names, far from all
    its other places, stands only on strong evidence - a name only one country has, or one qualified by its state
    or country ("Bara, Sudan"). Otherwise the best candidate the article's geography allows is taken, and when
    there is none the name falls back to what the context supports (a description, or no place)."""
    pick = group.pick
    if pick is None or not group.rows.get(pick.key, {}).get("unnamed_far"):
        return
    countries = {c.country_code for c in group.candidates if c.key in group.rows and c.name_score >= 0.9}
    if len(countries) <= 1 or group.rows[pick.key].get("qualified") or _famous(pick, group.candidates):
        return
    allowed = [c for c in group.candidates if c.key in group.rows and not group.rows[c.key].get("unnamed_far")]
    if allowed:
        group.pick = max(allowed, key=lambda c: group.scores[c.key])
        return
    group.dropped = (
        f"{group.name} can mean places in {len(countries)} countries; the gazetteer's first, {pick.name} "
        f"({pick.country_code}), is in a country the article never names, far from its other places"
    )
    group.pick = None


def _famous(pick: Candidate, candidates: Sequence[Candidate]) -> bool:
    """A capital, a city of a million, or a place far larger than any other of its name: the name alone is strong
    evidence for it ("Lima" is Lima, Peru, whatever else the article names)."""
    others = [c.population for c in candidates if c.key != pick.key]
    largest_other = max(others, default=0)
    if pick.population < largest_other:
        return False
    return pick.feature == "PPLC" or pick.population >= 1_000_000 or pick.population >= 50 * max(largest_other, 1)


def _named_divisions(group: _Group) -> frozenset[tuple[str, str]]:
    """The states or provinces a group's name can mean, less the one its own town is in ("Mexico City" the
    city does not name the division Mexico City for the article's other towns)."""
    pick = group.pick
    if pick is None or pick.feature == "ADM1" or not pick.country_code or not pick.admin1_code:
        return group.divisions
    return group.divisions - {(pick.country_code, pick.admin1_code)}


def _choose(group: _Group, context: ArticleContext, model: LinearModel | None, *, allow_variants: bool) -> None:
    """Score every candidate of a group in the context given and keep the best as its pick."""
    best: Candidate | None = None
    best_score = -math.inf
    group.scores = {}
    group.rows = {}
    # "Paris, Texas": a name written with its state or country means a place there when there is one.
    written_with = {
        c.key
        for c in group.candidates
        if any(c.country_code == q and (a1 is None or a1 == c.admin1_code) for q, a1 in group.qualifiers)
    }
    view = group_view(group.candidates, context, group.distances)
    if not group.static:
        for index, candidate in enumerate(group.candidates):
            near = group.coherence[index] if index < len(group.coherence) else None
            static = static_features(candidate, group.candidates, group.qualifiers, context, group.key, coherence=near)
            group.static[candidate.key] = (static, model.scores(static)[0] if model is not None else 0.0)
    zero = model.scores({})[0] if model is not None else 0.0
    for candidate in group.candidates:
        if written_with and candidate.key not in written_with:
            continue
        static, static_score = group.static[candidate.key]
        contextual = context_features(candidate, context, group.key, view)
        row = {**static, **contextual}
        if candidate.match in _NEEDS_SUPPORT:
            # A spelling variant or a translated name counts only where the article already is: its country,
            # or near its places ("White House" is not Casablanca in a story about Washington, and "Katyusha"
            # rockets in Iraq are not a Turkish town that is spelt alike).
            cc = candidate.country_code
            qualified = not group.qualifiers or any(cc == q for q, _ in group.qualifiers)
            supported = qualified and (
                row.get("country_share", 0.0) > 0
                or row.get("near", 0.0) > math.exp(-300 / 250)
                or row.get("qualified", 0.0) > 0
            )
            if not (allow_variants and supported):
                continue
        # The model is linear: the static part's score is kept from the first pass, the context part added.
        score = static_score + model.scores(contextual)[0] - zero if model is not None else bootstrap_score(row)
        group.scores[candidate.key] = score
        group.rows[candidate.key] = row
        if score > best_score:
            best, best_score = candidate, score
    group.pick = best


def _context_countries(groups: dict[str, _Group], country_hint: str | None) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for group in groups.values():
        if group.pick is not None and group.pick.country_code:
            counts[group.pick.country_code] += len(group.spans)
    if country_hint:
        counts[country_hint] += 100
    return sorted(counts, key=lambda c: -counts[c])


def precision_for(feature: str | None) -> int:
    """ACLED geo_precision of a gazetteer feature: towns and facilities 1, districts 2, larger regions 3."""
    if feature == "ADM2":
        return GEO_PRECISION_NEAR
    if feature in COUNTRY_FEATURES or feature in ("ADM1", "CONT", "RGN", "ADMD"):
        return GEO_PRECISION_REGION
    return GEO_PRECISION_TOWN


def _place_from(group: _Group, start: int, end: int, name: str, model: LinearModel | None) -> Place:
    pick = group.pick
    assert pick is not None
    # How sure: the name match, and the pick's lead over the next candidate in log-odds (a name only one place
    # has leads by 1), as grouping reads it (places under 0.8 neither veto nor count as near).
    # A rival close to the pick (Balad and Balad District) puts the event in the same place: only rivals
    # more than RIVAL_KM away count against it.
    rivals = [
        score
        for c in group.candidates
        if (score := group.scores.get(c.key)) is not None
        and c.key != pick.key
        and haversine_km(c.lat, c.lon, pick.lat, pick.lon) > RIVAL_KM
    ]
    margin = group.scores[pick.key] - max(rivals) if rivals else 1.0
    confidence = min(1.0, pick.name_score) * (0.5 + 0.5 * math.tanh(2.0 * margin))
    reasons = []
    part_of_town = pick.match == "short" and bool(_PART_OF_TOWN.match(name))
    if part_of_town:
        reasons.append(f"a part of {pick.name}")
    elif pick.match == "variant":
        reasons.append(f"spelling variant of {pick.name}")
    elif pick.match == "translation":
        reasons.append(f"translated or former name of {pick.name}")
    if model is not None and len(group.scores) > 1:
        if group.explained is None:
            words = reason_words(model, group.rows.get(pick.key, {}))
            group.explained = f"chosen among {len(group.scores)} places of that name by {words}" if words else ""
        if group.explained:
            reasons.append(group.explained)
    return Place(
        name=name,
        start=start,
        end=end,
        geonameid=pick.geonameid,
        resolved_name=pick.name,
        lat=round(pick.lat, 5),
        lon=round(pick.lon, 5),
        country_code=pick.country_code,
        admin1=pick.admin1,
        admin2=pick.admin2,
        feature=pick.feature,
        geo_precision=GEO_PRECISION_NEAR if part_of_town else precision_for(pick.feature),
        score=round(confidence, 3),
        reason="; ".join(reasons) or None,
    )


# ----- places that are not in the gazetteer, placed by what the text says about them
@dataclass
class _Approximation:
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    geo_precision: int
    score: float
    reason: str
    admin2: str | None = None
    divisions_from_anchor: bool = False  # the point is the anchor's own: its divisions are the anchor's


def _with_divisions(approx: _Approximation, gazetteer: Gazetteer) -> _Approximation:
    """The admin1 (and admin2) of an approximate point: the division containing it, from its country's towns.

    The rule is ``Gazetteer.divisions_at``'s: the admin1 that weighs most among the nearest towns, and the
    admin2 of the nearest such town when it is close. A point at a named place keeps that place's divisions.
    A region-wide placement (precision 3) gets no admin2: the text does not say which district it is in.
    """
    if approx.divisions_from_anchor or not approx.country_code:
        return approx
    admin1, admin2 = gazetteer.divisions_at(approx.lat, approx.lon, approx.country_code)
    if admin1 is None:
        return approx
    if approx.geo_precision >= GEO_PRECISION_REGION:
        admin2 = None
    reason = approx.reason + f"; in {admin1} by the towns nearest that point"
    return dataclasses.replace(approx, admin1=admin1, admin2=admin2, reason=reason)


def _window(text: str, group_spans: list[tuple[int, int]]) -> list[str]:
    """Text after each mention to its sentence end, plus the next sentence when it continues about "the base"."""
    out = []
    for _start, end in group_spans:
        sentence_end = _SENTENCE_END.search(text, end)
        stop = sentence_end.end() if sentence_end else len(text)
        chunk = text[end:stop]
        following = text[stop : stop + 300]
        if _NEXT_SENTENCE_SUBJECT.match(following):
            nxt = _SENTENCE_END.search(following)
            chunk += " " + (following[: nxt.end()] if nxt else following)
        out.append(chunk)
    return out


def _anchor(name: str, groups: dict[str, _Group], gazetteer: Gazetteer) -> Candidate | None:
    group = groups.get(normalise_name(name))
    if group is not None and group.pick is not None:
        return group.pick
    found = gazetteer.lookup(name, limit=1)
    return found[0] if found and found[0].match not in _NEEDS_SUPPORT else None


def _bearing(first: str, second: str | None) -> float:
    word = first.lower() + (second.lower() if second else "")
    return _DIRECTIONS.get(word, 0.0)


def _approximate(
    text: str,
    group: _Group,
    toponyms: Sequence[tuple[int, int]],
    groups: dict[str, _Group],
    gazetteer: Gazetteer,
    context_countries: list[str],
) -> _Approximation | None:
    # Every occurrence of the name, not only the detected ones: "Zummar, a town on the Syrian border" may be
    # the sentence that says where it is, whether or not the tagger took it for a place there.
    spans = [toponyms[i] for i in group.spans]
    spans += [
        (m.start(), m.end())
        for m in re.finditer(r"\b" + re.escape(group.name) + r"\b", text)
        if not any(s <= m.start() < e for s, e in spans)
    ]
    windows = _window(text, sorted(spans))
    # 1. "northwest of Mosul", "20 km south of X": an offset from a known place.
    for chunk in windows:
        for match in _RELATIVE.finditer(chunk[:160]):
            anchor = _anchor(match.group(5), groups, gazetteer)
            if anchor is None or anchor.feature in COUNTRY_FEATURES:
                continue
            distance = DEFAULT_OFFSET_KM
            if match.group(1):
                distance = float(match.group(1)) * (1.609 if match.group(2).startswith("mi") else 1.0)
            bearing = _bearing(match.group(3), match.group(4))
            lat, lon = _offset(anchor.lat, anchor.lon, bearing, distance)
            stated = f"{match.group(1)} {match.group(2)}" if match.group(1) else f"about {distance:.0f} km"
            heading = (match.group(3) + (match.group(4) or "")).lower()
            return _Approximation(
                lat,
                lon,
                anchor.country_code,
                anchor.admin1,
                GEO_PRECISION_NEAR,
                0.5,
                f"no gazetteer entry; placed {stated} {heading} of {anchor.name} "
                f"as the text describes it ({match.group(0).strip()!r})",
            )
    # 2. "near Mosul": at the known place.
    for chunk in windows:
        for match in _NEAR.finditer(chunk[:120]):
            anchor = _anchor(match.group(1), groups, gazetteer)
            if anchor is None or anchor.feature in COUNTRY_FEATURES or anchor.feature == "ADM1":
                continue
            return _Approximation(
                anchor.lat,
                anchor.lon,
                anchor.country_code,
                anchor.admin1,
                GEO_PRECISION_NEAR,
                0.45,
                f"no gazetteer entry; placed at {anchor.name}, which the text says it is near ({match.group(0)!r})",
                admin2=anchor.admin2,
                divisions_from_anchor=anchor.admin1 is not None,
            )
    # 3. A country ("Rumalyn, Syria", "base in Syria"), narrowed by "northeastern" and "near the Iraqi border".
    country: Candidate | None = None
    quoted: list[str] = []  # the text's own words for each narrowing, in the order they apply
    for q_country, _ in group.qualifiers:
        country = gazetteer.country(q_country) if q_country else None
        if country:
            quoted.append(f"{group.name}, {country.name}")
            break
    direction: tuple[str, str | None] | None = None
    border: Candidate | None = None
    for chunk in windows:
        if country is None:
            match = _IN_COUNTRY.match(chunk)
            if match:
                found = _anchor(match.group(1), groups, gazetteer)
                if found is not None and found.feature in COUNTRY_FEATURES:
                    country = found
                    quoted.append(match.group(0).strip(" ,"))
        for match in _REGION.finditer(chunk):
            found = _anchor(match.group(3), groups, gazetteer)
            if found is not None and found.feature in COUNTRY_FEATURES:
                country = country or found
                if found.country_code == country.country_code and direction is None:
                    direction = (match.group(1), match.group(2))
                    quoted.append(match.group(0))
        for match in _BORDER.finditer(chunk):
            found = gazetteer.lookup(match.group(1), limit=1)
            if found and found[0].feature in COUNTRY_FEATURES and border is None:
                border = found[0]
                quoted.append(match.group(0))
    if country is None and _is_facility(text, group.name, spans):
        # "toward the Kharab al-Jir base" in an article about "a U.S. base inside northeastern Syria": a base the
        # text does not place itself is in the part of the country where the article puts its events.
        for match in _REGION.finditer(text):
            found = _anchor(match.group(3), groups, gazetteer)
            if found is not None and found.feature in COUNTRY_FEATURES:
                country = found
                break
    if country is None:
        return None
    phrase = None
    if direction is None:
        # The article may place its events in "northeastern Syria" elsewhere; use it for places in Syria.
        for match in _REGION.finditer(text):
            found = _anchor(match.group(3), groups, gazetteer)
            if found is not None and found.country_code == country.country_code:
                direction = (match.group(1), match.group(2))
                phrase = match.group(0)
                break
    points = gazetteer.country_points(country.country_code or "")
    if not points:
        return None
    lat, lon = country.lat, country.lon
    described = country.name
    if direction is not None:
        lat, lon, points = _sector(points, direction)
        described = f"{(direction[0] + (direction[1] or '')).lower()}ern {country.name}"
    if border is not None and border.country_code != country.country_code:
        zone = _border_zone(points, gazetteer.country_points(border.country_code or ""))
        if zone is not None:
            lat, lon = zone
            described += f" near the border with {border.name}"
    reason = f"no gazetteer entry; placed in {described} as the text describes it"
    said = ", ".join(repr(q) for q in quoted)
    if phrase:
        said += ("; " if said else "") + f"elsewhere the article says {phrase!r}"
    if said:
        reason += f" ({said})"
    return _Approximation(lat, lon, country.country_code, None, GEO_PRECISION_REGION, 0.3, reason)


def _is_facility(text: str, name: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a name is a base, airport or similar site: by its own words or the word after it."""
    if _FACILITY_WORDS.search(name.strip()):
        return True
    return any(_FACILITY_AFTER.match(text, end) for _start, end in spans)


def _offset(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """The point ``distance_km`` from (lat, lon) on the given bearing."""
    radius = 6371.0088
    delta = distance_km / radius
    theta = math.radians(bearing_deg)
    phi1, lam1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    return round(math.degrees(phi2), 5), round((math.degrees(lam2) + 540) % 360 - 180, 5)


def _sector(
    points: list[tuple[float, float, int]], direction: tuple[str, str | None]
) -> tuple[float, float, list[tuple[float, float, int]]]:
    """The middle of a country's populated places in the named part ("northeastern"), and those places."""
    # The whole extent (1st to 99th percentile): a 90% box of Syria's towns stops short of its thinly
    # settled northeast, and its "northeastern" point would fall in the middle of the country.
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lat_lo, lat_hi = lats[len(lats) // 100], lats[-1 - len(lats) // 100]
    lon_lo, lon_hi = lons[len(lons) // 100], lons[-1 - len(lons) // 100]
    words = (direction[0] + " " + (direction[1] or "")).lower()

    def inside(p: tuple[float, float, int]) -> bool:
        ok_lat = p[0] >= lat_lo + 0.5 * (lat_hi - lat_lo) if "north" in words else True
        ok_lat = ok_lat and (p[0] <= lat_lo + 0.5 * (lat_hi - lat_lo) if "south" in words else True)
        ok_lon = p[1] >= lon_lo + 0.5 * (lon_hi - lon_lo) if "east" in words else True
        ok_lon = ok_lon and (p[1] <= lon_lo + 0.5 * (lon_hi - lon_lo) if "west" in words else True)
        return ok_lat and ok_lon

    part = [p for p in points if inside(p)] or points
    # The middle of the named part's own towns, which lies inside that part whatever the country's shape.
    lat = sorted(p[0] for p in part)[len(part) // 2]
    lon = sorted(p[1] for p in part)[len(part) // 2]
    return round(lat, 5), round(lon, 5), part


def _sector_box(
    extent: tuple[float, float, float, float], direction: tuple[str, str | None]
) -> tuple[float, float, float, float]:
    """(lat_lo, lat_hi, lon_lo, lon_hi) of the named part ("northeastern") of a country's populated extent."""
    lat_lo, lat_hi, lon_lo, lon_hi = extent
    lat_mid, lon_mid = (lat_lo + lat_hi) / 2, (lon_lo + lon_hi) / 2
    words = (direction[0] + " " + (direction[1] or "")).lower()
    box = [lat_lo - 0.5, lat_hi + 0.5, lon_lo - 0.5, lon_hi + 0.5]
    if "north" in words:
        box[0] = lat_mid
    if "south" in words:
        box[1] = lat_mid
    if "east" in words:
        box[2] = lon_mid
    if "west" in words:
        box[3] = lon_mid
    return box[0], box[1], box[2], box[3]


def _border_zone(
    own: list[tuple[float, float, int]], neighbour: list[tuple[float, float, int]]
) -> tuple[float, float] | None:
    """The median of the country's places within BORDER_ZONE_KM of a place of the neighbouring country."""
    if not own or not neighbour:
        return None
    import numpy as np

    a = np.radians(np.array([(p[0], p[1]) for p in own]))
    b = np.radians(np.array([(p[0], p[1]) for p in neighbour]))
    near = []
    for chunk_start in range(0, len(a), 512):
        chunk = a[chunk_start : chunk_start + 512]
        dlat = chunk[:, None, 0] - b[None, :, 0]
        dlon = chunk[:, None, 1] - b[None, :, 1]
        h = np.sin(dlat / 2) ** 2 + np.cos(chunk[:, None, 0]) * np.cos(b[None, :, 0]) * np.sin(dlon / 2) ** 2
        dist = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        near.extend((chunk_start + np.nonzero(dist.min(axis=1) < BORDER_ZONE_KM)[0]).tolist())
    if not near:
        return None
    lats = sorted(own[i][0] for i in near)
    lons = sorted(own[i][1] for i in near)
    return round(lats[len(lats) // 2], 5), round(lons[len(lons) // 2], 5)
