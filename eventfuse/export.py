"""Writes events in formats other tools open: JSON (the public schema), CSV (one row per event), Markdown.

Exporters are registered by format name; each takes events and returns the file's text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from .model import SCHEMA_VERSION, Event, to_json
from .report import display_value, events_markdown

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
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
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


EXPORTERS: dict[str, Exporter] = {
    "json": events_json,
    "csv": events_csv,
    "md": events_markdown,
}
