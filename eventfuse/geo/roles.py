"""Event roles of places: where the event happened (target), where it was launched from (origin), or merely mentioned.

Hands on the same Place records with ``role`` set; the rules are in ``assign_roles``'s docstring.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..model import GEO_PRECISION_NEAR, GEO_PRECISION_REGION, Place

# Cues read in the 60 characters before a place name, within its sentence.
_ORIGIN_CUE = re.compile(
    r"\b(?:fired|launched|shot|lobbed|took off|originat\w*)\s+(?:\w+\s+){0,3}?from\s+(?:inside\s+|within\s+)?"
    r"(?:the\s+)?(?:(?:town|city|village|area|territory|district|province|region)\s+of\s+)?$"
    r"|\bfrom\s+(?:inside\s+)?(?:the\s+)?(?:town|city|village|area|district)\s+of\s+$",
    re.I,
)
_TARGET_CUE = re.compile(
    r"(?:\b(?:at|on|against|toward|towards|into|struck|hit|hitting|targeted|targeting|attacked|shelled|bombed)\s+"
    r"(?:an?\s+|the\s+)?(?:[\w.-]+\s+){0,4}?(?:base|airbase|facility|installation|camp|outpost|position|garrison)"
    r"\s+(?:in|at|inside|near|of)\s+(?:\w+\s+){0,2}$"
    r"|\b(?:toward|towards|at|hit|struck|targeted|attacked|shelled|bombed|hitting|targeting)\s+(?:the\s+)?$"
    r"|\b(?:attack|attacks|strike|strikes|assault|raid|shelling|bombing)\s+(?:on|in|against)\s+(?:the\s+)?$)",
    re.I,
)
_EVENT_WORDS = re.compile(
    r"\b(?:attack\w*|strike\w*|struck|rocket\w*|missile\w*|drone\w*|fired|shell\w*|bomb\w*|explo\w*|kill\w*|"
    r"wound\w*|injur\w*|clash\w*|fight\w*|raid\w*|ambush\w*|protest\w*|shot|shooting|targeted|hit)\b",
    re.I,
)
# Sentences that report a reaction to an event rather than the event ("officials in Baghdad condemned the attack").
_REACTION_WORDS = re.compile(
    r"\b(?:condemn\w*|denounc\w*|said|says|told|stated|statement|spokes\w+|officials?)\b", re.I
)
_IN_CUE = re.compile(r"\b(?:in|inside|near|outside)\s+(?:the\s+)?(?:\w+ern\s+)?$", re.I)
_REGION_FEATURES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "TERR", "ADM1", "CONT", "RGN"})


def _is_region(place: Place) -> bool:
    if place.feature in _REGION_FEATURES:
        return True
    return place.geo_precision == GEO_PRECISION_REGION and place.feature is None and place.lat is None


def with_enclosing_place(places: list[Place], unplaced: Sequence[tuple[Place, str, int, int]]) -> list[Place]:
    """Each unplaced target or origin's role given to the located division or country its sentence names.

    ``unplaced`` holds (place, role its cue gives, sentence start, sentence end). The enclosing place is the first
    located division or country after the name in its sentence ("Kwaxumari village in Borno State"), else the
    last one before it; a town or facility is not taken (it may be a landmark, not the place itself). The enclosing
    place keeps its own geo_precision and gains the reason.
    """
    out = list(places)
    for place, role, sentence_start, sentence_end in unplaced:
        if any(p.role == role and not _is_division(p) for p in out):
            continue  # a finer place already holds the role
        around = [
            (i, p)
            for i, p in enumerate(out)
            if sentence_start <= p.start < sentence_end and p.lat is not None and _is_division(p)
        ]
        after = [ip for ip in around if ip[1].start >= place.end]
        before = [ip for ip in around if ip[1].end <= place.start]
        chosen = after[0] if after else (before[-1] if before else None)
        if chosen is None:
            continue
        index, enclosing = chosen
        what = enclosing.resolved_name or enclosing.name
        reason = (
            f"{place.name!r} is not in the gazetteer and the text does not say where it is; the event is placed in "
            f"{what}, which the sentence names around it (geo_precision {enclosing.geo_precision})"
        )
        out[index] = dataclasses.replace(enclosing, role=role, reason=reason)
    return out


def _is_division(place: Place) -> bool:
    """A district, state, country or region, as resolved or as placed from a description."""
    if place.feature is not None:
        return place.feature in _REGION_FEATURES or place.feature in ("ADM2", "ADMD")
    return (place.geo_precision or 0) >= GEO_PRECISION_NEAR


def assign_roles(text: str, places: Sequence[Place], sentence_spans: Sequence[tuple[int, int]]) -> list[Place]:
    """Set each place's role from the words before it in its sentence.

    Rules, in order:
    1. origin: the place follows "fired/launched/shot ... from" or "from the town/city/village of".
    2. target: the place follows "at/on/toward(s)/hit/struck/targeted ... base/facility in", a bare
       "toward(s)/hit/struck/targeted/attacked", or "attack/strike on/in".
    3. target: the place follows "in/inside/near/outside" in a sentence that reports an event (attack, strike,
       rocket, fired, killed, ...) and is not a reaction or attribution (condemned, said, officials, statement).
    4. mentioned: everything else, and every place left without coordinates ("the White House" in a text that
       says nothing about where it is): a place that cannot be put on a map is no event location or origin.
    5. a place named as the target or origin that the gazetteer does not have and the text does not place
       ("an attack on Kwaxumari village in Borno State") hands its role to the division or country the
       sentence names around it (``with_enclosing_place``): the event is placed there, with that place's
       honest geo_precision (2 for a district, 3 for a state or country) and the reason in words.
    Then countries, first-level divisions and continents that are targets or origins fall back to "mentioned"
    when a finer place (a town, a facility, or a place approximated from a description) holds the same role:
    a country or region is an event location only when nothing finer exists.
    """
    out: list[Place] = []
    unplaced: list[tuple[Place, str, int, int]] = []  # named as target or origin, but not on the map
    for place in places:
        sentence_start = 0
        for start, end in sentence_spans:
            if start <= place.start < end:
                sentence_start = start
                break
        before = text[max(sentence_start, place.start - 80) : place.start]
        sentence_end = next((e for s, e in sentence_spans if s <= place.start < e), len(text))
        sentence = text[sentence_start:sentence_end]
        if place.lat is None or place.lon is None:
            role = "mentioned"
            cue = "origin" if _ORIGIN_CUE.search(before) else "target" if _TARGET_CUE.search(before) else None
            if cue is None and _IN_CUE.search(before) and _EVENT_WORDS.search(sentence):
                cue = "target"
            if cue is not None:
                unplaced.append((place, cue, sentence_start, sentence_end))
        elif _ORIGIN_CUE.search(before):
            role = "origin"
        elif _TARGET_CUE.search(before):
            role = "target"
        elif _IN_CUE.search(before) and _EVENT_WORDS.search(sentence) and not _REACTION_WORDS.search(sentence):
            role = "target"
        else:
            role = "mentioned"
        out.append(dataclasses.replace(place, role=role))
    out = with_enclosing_place(out, unplaced)
    for role in ("target", "origin"):
        finer = any(p.role == role and not _is_region(p) for p in out)
        if finer:
            out = [dataclasses.replace(p, role="mentioned") if p.role == role and _is_region(p) else p for p in out]
    return out
