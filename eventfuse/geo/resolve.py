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

from ..model import GEO_PRECISION_NEAR, GEO_PRECISION_REGION, GEO_PRECISION_TOWN, Place
from .gazetteer import COUNTRY_FEATURES, MATCH_SCORES, Candidate, Gazetteer, haversine_km
from .normalise import normalise_name

# Weights of the context evidence added to a candidate's context-free score (name match + priors).
COUNTRY_CONTEXT_WEIGHT = 0.6
ADMIN1_CONTEXT_WEIGHT = 0.5
PROXIMITY_WEIGHT = 0.35
PROXIMITY_SCALE_KM = 250.0
QUALIFIER_WEIGHT = 1.2
DEFAULT_OFFSET_KM = 30.0
BORDER_ZONE_KM = 60.0
NEIGHBOUR_CONTEXT_WEIGHT = 0.35
DISTINCT_NAME_PENALTY = 0.6
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
    scores: dict[int, float] = field(default_factory=dict)


def resolve_places(
    text: str,
    toponyms: Sequence[tuple[int, int]],
    gazetteer: Gazetteer,
    *,
    country_hint: str | None = None,
) -> list[Place]:
    """One Place per (start, end) span, in the order given: resolved, approximated by description, or with a reason."""
    context_regions = gazetteer.context_regions()
    groups: dict[str, _Group] = {}
    order: list[str] = []
    for index, (start, end) in enumerate(toponyms):
        name = text[start:end]
        key = normalise_name(name)
        if not key:
            order.append("")
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(name=name)
            group.candidates = [] if key in context_regions else _candidates(gazetteer, name)
        group.spans.append(index)
        qualifier = _qualifier(text, end, toponyms, gazetteer)
        if qualifier:
            group.qualifiers.append(qualifier)
        order.append(key)

    _rank(groups, country_hint, gazetteer.neighbours())
    context_countries = _context_countries(groups, country_hint)
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
            places.append(_place_from(group, start, end, name))
            continue
        if key not in approximations:
            approx = _approximate(text, group, toponyms, groups, gazetteer, context_countries)
            approximations[key] = _with_divisions(approx, gazetteer) if approx is not None else None
        approx = approximations[key]
        if approx is None:
            reason = "no gazetteer entry and no relative description in the text"
            if group.candidates:
                reason = "only distant spelling variants in the gazetteer, none supported by the article's context"
            places.append(Place(name=name, start=start, end=end, reason=reason))
        else:
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
                    reason=approx.reason,
                )
            )
    return places


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


def _rank(groups: dict[str, _Group], country_hint: str | None, neighbours: dict[str, frozenset[str]]) -> None:
    """Pick a candidate per group: context-free first, then again with the other groups' picks as context."""
    for group in groups.values():
        group.pick = _best(group, {}, {}, [], allow_variants=False)
    for _ in range(PASSES):
        country_ctx: dict[str, float] = defaultdict(float)
        admin1_ctx: dict[tuple[str, str], float] = defaultdict(float)
        points: list[tuple[str, float, float, str | None]] = []
        for key, group in groups.items():
            pick = group.pick
            if pick is None or pick.country_code is None:
                continue
            weight = 1.5 if pick.feature in COUNTRY_FEATURES else 1.0
            country_ctx[pick.country_code] += weight * len(group.spans) ** 0.5
            if pick.admin1_code:
                admin1_ctx[(pick.country_code, pick.admin1_code)] += 1.0
            if pick.feature not in COUNTRY_FEATURES and pick.feature not in ("ADM1", "CONT"):
                points.append((key, pick.lat, pick.lon, pick.country_code))
        if country_hint:
            country_ctx[country_hint] += 2.0
        for key, group in groups.items():
            own = group.pick
            others_country = dict(country_ctx)
            others_admin1 = dict(admin1_ctx)
            if own is not None and own.country_code:
                weight = 1.5 if own.feature in COUNTRY_FEATURES else 1.0
                others_country[own.country_code] -= weight * len(group.spans) ** 0.5
                if own.admin1_code:
                    others_admin1[(own.country_code, own.admin1_code)] -= 1.0
            other_points = [(lat, lon) for k, lat, lon, _cc in points if k != key]
            point_countries = frozenset(cc for k, _lat, _lon, cc in points if k != key and cc)
            taken = frozenset(g.pick.key for k, g in groups.items() if k != key and g.pick is not None)
            group.pick = _best(
                group,
                others_country,
                others_admin1,
                other_points,
                allow_variants=True,
                neighbours=neighbours,
                point_countries=point_countries,
                taken=taken,
            )


def _best(
    group: _Group,
    country_ctx: dict[str, float],
    admin1_ctx: dict[tuple[str, str], float],
    points: list[tuple[float, float]],
    *,
    allow_variants: bool,
    neighbours: dict[str, frozenset[str]] | None = None,
    point_countries: frozenset[str] = frozenset(),
    taken: frozenset[int] = frozenset(),
) -> Candidate | None:
    total = sum(v for v in country_ctx.values() if v > 0)
    best: Candidate | None = None
    best_score = -math.inf
    group.scores = {}
    for candidate in group.candidates:
        score = candidate.score
        cc = candidate.country_code
        share = max(0.0, country_ctx.get(cc, 0.0)) / total if cc and total > 0 else 0.0
        score += COUNTRY_CONTEXT_WEIGHT * share
        neighbour_share = 0.0
        if cc and total > 0 and share == 0 and neighbours:
            # "Gaza" in a story about Israel: a neighbour of a country the article is about, not a homonym
            # on another continent. Any mention of the neighbour counts, however many other countries there are.
            neighbour_share = sum(max(0.0, country_ctx.get(n, 0.0)) for n in neighbours.get(cc, ())) / total
            if neighbour_share > 0:
                score += NEIGHBOUR_CONTEXT_WEIGHT
        if cc and candidate.admin1_code and candidate.feature != "ADM1":
            if admin1_ctx.get((cc, candidate.admin1_code), 0.0) > 0:
                score += ADMIN1_CONTEXT_WEIGHT
        nearest = min((haversine_km(candidate.lat, candidate.lon, lat, lon) for lat, lon in points), default=None)
        if nearest is not None and candidate.feature not in COUNTRY_FEATURES:
            score += PROXIMITY_WEIGHT * math.exp(-nearest / PROXIMITY_SCALE_KM)
        elif candidate.feature in COUNTRY_FEATURES and cc in point_countries:
            # Towns of the article inside a country are as close to it as can be ("Mexico" among Mexican towns).
            score += PROXIMITY_WEIGHT
        if candidate.key in taken:
            # Another name of the article already means this place; a different name usually means another
            # place ("Mexico" beside "Mexico City"), and the place's own mentions must not vouch for it.
            score -= DISTINCT_NAME_PENALTY
        for q_country, q_admin1 in group.qualifiers:
            if cc == q_country and (q_admin1 is None or q_admin1 == candidate.admin1_code):
                score += QUALIFIER_WEIGHT
        if candidate.match in _NEEDS_SUPPORT:
            # A spelling variant or a translated name counts only where the article already is: same country,
            # a neighbouring one, or nearby ("White House" is not Casablanca in a story about Washington).
            qualified = not group.qualifiers or any(cc == q for q, _ in group.qualifiers)
            supported = qualified and (
                share > 0
                or neighbour_share > 0
                or (nearest is not None and nearest < 300)
                or any(cc == q for q, _ in group.qualifiers)
            )
            if not (allow_variants and supported):
                continue
        group.scores[candidate.key] = score
        if score > best_score:
            best, best_score = candidate, score
    return best


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


def _place_from(group: _Group, start: int, end: int, name: str) -> Place:
    pick = group.pick
    assert pick is not None
    ranked = sorted(group.scores.values(), reverse=True)
    margin = ranked[0] - ranked[1] if len(ranked) > 1 else 1.0
    confidence = min(1.0, pick.name_score) * (0.5 + 0.5 * math.tanh(2.0 * margin))
    reason = None
    if pick.match == "variant":
        reason = f"spelling variant of {pick.name}"
    elif pick.match == "translation":
        reason = f"translated or former name of {pick.name}"
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
        geo_precision=precision_for(pick.feature),
        score=round(confidence, 3),
        reason=reason,
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
