"""The Parquet tables of a Spark run (docs/scale.md gives them column by column) and their atomic writing.

Hands on pyarrow tables built from the pipeline's records, and ``commit_dir``: a directory of tables written
under a temporary name and renamed into place, so a reader sees all of an input's tables or none.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Article, Event, Mention, to_json
from ..summary import lat_lon

# Stage 1, per input file: one row per article, per mention, per claim.
ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("input_file", pa.string()),  # the file (or URI) it was read from
        ("record", pa.int64()),  # its position among the file's articles (0, 1, ...): the run order
        ("source", pa.string()),  # where in the file: "path@offset" for a WARC record, "path#n" for JSON lines
        ("published", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("chars", pa.int64()),
        ("status", pa.string()),  # processed | failed
        ("failure", pa.string()),
        ("article_json", pa.string()),  # the Article's JSON (docs/schema.md), text included
        ("mentions_json", pa.string()),  # a JSON list of the article's mentions as extracted, claims included
    ]
)
MENTIONS = pa.schema(
    [
        ("mention_id", pa.string()),
        ("article_id", pa.string()),
        ("input_file", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("event_type", pa.string()),
        ("sub_event_type", pa.string()),
        ("background", pa.bool_()),
        ("date", pa.string()),  # the mention's normalised time value (TimeML), when it has one
        ("time_precision", pa.int64()),
        ("place", pa.string()),  # its first resolved place
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("geo_precision", pa.int64()),
        ("mention_json", pa.string()),
    ]
)
CLAIMS = pa.schema(
    [
        ("mention_id", pa.string()),
        ("article_id", pa.string()),
        ("field", pa.string()),
        ("value_json", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("quote", pa.string()),
        ("attributed_to", pa.string()),
        ("hedged", pa.bool_()),
        ("negated", pa.bool_()),
        ("wording", pa.string()),
    ]
)
# Stage 3: one row per event; the event JSON's fields (docs/schema.md) as columns, nested ones as JSON text.
EVENTS = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("event_type", pa.string()),
        ("sub_event_type", pa.string()),
        ("date", pa.string()),
        ("country", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("fields_json", pa.string()),
        ("discrepancies_json", pa.string()),
        ("sources_json", pa.string()),
        ("mention_ids", pa.list_(pa.string())),
        ("related", pa.list_(pa.string())),
        ("article_ids", pa.list_(pa.string())),
        ("event_json", pa.string()),  # the whole event as `eventfuse export` writes it
        ("profile_json", pa.string()),  # grouping's profile, so a store loaded from here groups new articles on
    ]
)


def article_row(
    article: Article,
    input_file: str,
    record: int,
    mentions: Sequence[Mention],
    failure: str | None = None,
) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "input_file": input_file,
        "record": record,
        "source": article.source_path,
        "published": article.published,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "chars": len(article.text),
        "status": "failed" if failure else "processed",
        "failure": failure,
        "article_json": json.dumps(to_json(article)),
        "mentions_json": json.dumps(to_json(list(mentions))),
    }


def mention_row(mention: Mention, input_file: str) -> dict[str, Any]:
    place = next((p for p in mention.places if p.lat is not None), None)
    return {
        "mention_id": mention.id,
        "article_id": mention.article_id,
        "input_file": input_file,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "event_type": mention.event_type,
        "sub_event_type": mention.sub_event_type,
        "background": mention.background,
        "date": mention.time.value if mention.time else None,
        "time_precision": mention.time.precision if mention.time else None,
        "place": (place.resolved_name or place.name) if place else None,
        "country_code": place.country_code if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geo_precision": place.geo_precision if place else None,
        "mention_json": json.dumps(to_json(mention)),
    }


def claim_rows(mention: Mention) -> Iterable[dict[str, Any]]:
    for claim in mention.claims:
        yield {
            "mention_id": mention.id,
            "article_id": claim.article_id,
            "field": claim.field,
            "value_json": json.dumps(to_json(claim.value)),
            "start": claim.start,
            "end": claim.end,
            "quote": claim.quote,
            "attributed_to": claim.attributed_to.name if claim.attributed_to else None,
            "hedged": claim.hedged,
            "negated": claim.negated,
            "wording": claim.wording,
        }


def event_row(event: Event, profile: dict[str, Any], article_ids: Sequence[str]) -> dict[str, Any]:
    data = to_json(event)
    lat, lon = lat_lon(event)
    return {
        "id": event.id,
        "title": event.title,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date": event.date,
        "country": event.country,
        "latitude": lat,
        "longitude": lon,
        "fields_json": json.dumps(data["fields"]),
        "discrepancies_json": json.dumps(data["discrepancies"]),
        "sources_json": json.dumps(data["sources"]),
        "mention_ids": list(event.mention_ids),
        "related": list(event.related),
        "article_ids": list(article_ids),
        "event_json": json.dumps(data),
        "profile_json": json.dumps(profile),
    }


def write_table(path: Path, rows: Sequence[dict[str, Any]], schema: pa.Schema) -> None:
    pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), path)


def commit_dir(final: Path, tables: dict[str, tuple[Sequence[dict[str, Any]], pa.Schema]], summary: dict) -> None:
    """Write ``tables`` (name -> rows, schema) and ``summary.json`` into ``final`` atomically: into a hidden
    temporary sibling first (Spark and pyarrow skip names starting with ``_``), renamed into place at the end.
    A task killed half-way leaves only a temporary directory, which the next attempt ignores."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f"_tmp-{final.name}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    try:
        for name, (rows, schema) in tables.items():
            write_table(temporary / f"{name}.parquet", rows, schema)
        (temporary / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        try:
            os.rename(temporary, final)
        except OSError:
            if not final.is_dir():  # not a rival attempt that committed first (speculation, a retry)
                raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
