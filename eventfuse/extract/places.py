"""Places: the toponyms of an article resolved in the gazetteer with their roles, and where each event happened
and came from.

Hands the sentence context its places, and on location and origin claims.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from .. import geo
from ..model import Claim, Place
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .registry import register

# Words that refer back to the reported event without saying what kind it was.
EVENT_REFERENCE = re.compile(r"\bthe (attack|strike|bombing|assault|raid|incident|blast|explosion)\b", re.I)
# "fired from the outskirts of Dujail", "from an area near Dujail": the place the attack came from.
FROM_PLACE = re.compile(
    r"(?<!north )(?<!south )(?<!east )(?<!west )(?<!northwest )(?<!northeast )(?<!southwest )(?<!southeast )"
    r"(?<!away )(?<!miles )(?<!km )(?<!kilometres )(?<!kilometers )\bfrom\s+(?:(?:the|an?|outskirts|edge|area|areas|direction|vicinity|village|town|city|district|region|"
    r"province|of|near|nearby|around|inside|within)\s+)*$",
    re.I,
)


@register("places")
class PlacesFinder(Finder):
    """Toponyms found, resolved and given roles once per article (``geo``); in an event sentence, a place the
    attack came from is its origin and, when no place is the target, the most precise other one is."""

    provides = ("places",)
    needs = ("trigger", "reports_event", "background", "background_spans")

    def prepare(self, document: DocumentContext) -> DocumentContext:
        text = document.text
        spans = [(s.start_char, s.end_char) for s in document.sentences]
        resolved = geo.resolve_places(text, geo.find_toponyms(document.doc, document.entities), self.shared.gazetteer)
        return dataclasses.replace(document, places=tuple(geo.assign_roles(text, resolved, spans)))

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        places = tuple(
            p
            for p in document.places
            if sentence.start <= p.start < sentence.end and not sentence.in_background(p.start)
        )
        if not places:
            return NOTHING
        if sentence.reports_event:
            places = with_event_target(with_origins(document.text, places))
        facts = {"places": places}
        if sentence.background:
            return Found(facts=facts)
        if sentence.trigger is not None:  # places belong to the event only in its sentences
            return Found(self.claims(sentence, places), facts)
        if EVENT_REFERENCE.search(sentence.text):
            # "The attack was launched toward the Kharab al-Jir base": where the event already named was
            return Found(self.claims(sentence, with_origins(document.text, places)), facts)
        return Found(facts=facts)

    def claims(self, sentence: SentenceContext, places: Iterable[Place]) -> tuple[Claim, ...]:
        claims = []
        for place in places:
            if place.role not in ("target", "origin") or place.lat is None:
                continue
            value = place_value(place)
            field = "location" if place.role == "target" else "origin"
            start, end = place.start - sentence.start, place.end - sentence.start
            claims.append(sentence.claim(field, value, start, end, wording=place.name))
        return tuple(claims)


def place_value(place: Place, reason: str | None = None) -> dict[str, object]:
    """A location or origin claim's value: the place as resolved, with why (``reason``, else the resolver's)."""
    return {
        "name": place.resolved_name or place.name,
        "as_written": place.name,
        "geonameid": place.geonameid,
        "lat": place.lat,
        "lon": place.lon,
        "country_code": place.country_code,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "feature": place.feature,
        "geo_precision": place.geo_precision,
        "reason": reason if reason is not None else place.reason,
    }


def with_origins(text: str, places: tuple[Place, ...]) -> tuple[Place, ...]:
    """Places an event sentence says the attack came from are origins, whatever the gazetteer's roles said."""
    return tuple(
        dataclasses.replace(p, role="origin") if FROM_PLACE.search(text[max(0, p.start - 60) : p.start]) else p
        for p in places
    )


def with_event_target(places: tuple[Place, ...]) -> tuple[Place, ...]:
    """In an event sentence with no target, the most precise place that is not the origin is where it happened."""
    if any(p.role in ("target", "origin") for p in places):
        return places  # a sentence with an origin names its other places as landmarks ("northwest of Mosul")
    candidates = [p for p in places if p.role == "mentioned" and p.lat is not None and (p.geo_precision or 3) <= 2]
    if not candidates:
        return places
    best = min(candidates, key=lambda p: (p.geo_precision or 3, -p.score))
    return tuple(dataclasses.replace(p, role="target") if p is best else p for p in places)
