"""What an event's list entry shows (the map, the timeline and the list read it) and the words its actors go by,
computed once when the event is stored, so a list is read from summary columns, never from parsed records.

Hands on plain JSON-ready dicts and strings to the store and the web app.
"""

from __future__ import annotations

from typing import Any

from .model import Event

ACTOR_FIELDS = ("actor1", "actor2", "assoc_actor", "responder")


def point(value: Any) -> dict[str, Any] | None:
    """A place value's point (name, lat, lon, country_code, geo_precision), None when it has no coordinates."""
    if not isinstance(value, dict) or value.get("lat") is None or value.get("lon") is None:
        return None
    return {
        "name": value.get("name"),
        "lat": value["lat"],
        "lon": value["lon"],
        "country_code": value.get("country_code"),
        "geo_precision": value.get("geo_precision"),
    }


def lat_lon(event: Event) -> tuple[Any, Any]:
    """The event's location as (lat, lon), each None when the location does not give it (the indexed columns)."""
    location = event.fields.get("location")
    if location is None or not isinstance(location.value, dict):
        return None, None
    return location.value.get("lat"), location.value.get("lon")


def actor_names(event: Event) -> list[str]:
    """The names of actor1, actor2, assoc_actor and responder, each once."""
    names: dict[str, None] = {}
    for name in ACTOR_FIELDS:
        fused = event.fields.get(name)
        if fused is None:
            continue
        values = fused.value if isinstance(fused.value, list) else [fused.value]
        for value in values:
            if isinstance(value, dict) and value.get("name"):
                names[str(value["name"])] = None
    return list(names)


def actor_words(event: Event) -> str:
    """Every name and wording of the event's actors, case-folded, one a line (what an actor filter matches)."""
    words = list(actor_names(event))
    for name in ACTOR_FIELDS:
        if name in event.fields:
            words += event.fields[name].wordings
    return "\n".join(dict.fromkeys(w.casefold() for w in words if w))


def event_summary(event: Event) -> dict[str, Any]:
    """One event as listed (the web API's EventSummary)."""
    location = event.fields.get("location")
    origin = event.fields.get("origin")
    return {
        "id": event.id,
        "title": event.title,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date": event.date,
        "country": event.country,
        "location": point(location.value) if location else None,
        "origin": point(origin.value) if origin else None,
        "actors": actor_names(event),
        "sources": len(event.sources),
        "independent_sources": len({s.origin or s.article_id for s in event.sources}),
        "disputed": [d.field for d in event.discrepancies],
    }


def list_key(event_id: str, date: str | None) -> str:
    """The key events are listed by: by date (undated ones last), then id; a page starts after one."""
    return f"{date or '~'} {event_id}"
