"""Event roles of places: where the event happened (target), where it was launched from (origin), or merely mentioned.

Hands on the same Place records with ``role`` set; the rules are in ``assign_roles``'s docstring.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..model import GEO_PRECISION_REGION, Place

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
    Then countries, first-level divisions and continents that are targets or origins fall back to "mentioned"
    when a finer place (a town, a facility, or a place approximated from a description) holds the same role:
    a country or region is an event location only when nothing finer exists.
    """
    out: list[Place] = []
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
        elif _ORIGIN_CUE.search(before):
            role = "origin"
        elif _TARGET_CUE.search(before):
            role = "target"
        elif _IN_CUE.search(before) and _EVENT_WORDS.search(sentence) and not _REACTION_WORDS.search(sentence):
            role = "target"
        else:
            role = "mentioned"
        out.append(dataclasses.replace(place, role=role))
    for role in ("target", "origin"):
        finer = any(p.role == role and not _is_region(p) for p in out)
        if finer:
            out = [dataclasses.replace(p, role="mentioned") if p.role == role and _is_region(p) else p for p in out]
    return out
