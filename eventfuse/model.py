"""The public records that travel through the pipeline, and their JSON form.

Every stage takes and returns these frozen dataclasses; ``to_json``/``from_json`` give the public schema (docs/schema.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1

# ACLED time_precision: 1 the day is known, 2 the week, 3 the month.
TIME_PRECISION_DAY, TIME_PRECISION_WEEK, TIME_PRECISION_MONTH = 1, 2, 3
# ACLED geo_precision: 1 the town itself, 2 near it or part of a region, 3 a larger region.
GEO_PRECISION_TOWN, GEO_PRECISION_NEAR, GEO_PRECISION_REGION = 1, 2, 3


# Code points that are never text: the C0 controls but white space (tab, line feed, vertical tab, form feed,
# carriage return), DEL and the C1 controls; and the invisible ones that split a word without showing
# (soft hyphen, zero-width space, word joiner, a byte-order mark inside the text): "ro\u200bckets" is "rockets".
# The zero-width joiners (U+200C, U+200D) stay: Persian and Indic scripts and emoji need them.
NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff]")
# A lone surrogate: a JSON "\ud800" escape, or a byte of a file name in another encoding (Python's
# surrogateescape, U+DC80-U+DCFF). It cannot be written as UTF-8, so it is never stored.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable_text(value: str) -> str:
    """Untrusted text as it is stored: lone surrogates replaced by U+FFFD, control characters dropped."""
    return NOT_TEXT.sub("", _SURROGATE.sub("\ufffd", value))


def storable_name(value: str) -> str:
    """A file name or other label as it is stored: its undecodable bytes written as ``\\xNN``, other lone
    surrogates replaced by U+FFFD; control characters are kept (the terminal shows them escaped)."""
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if m.group() >= "\udc80" else "\ufffd", value)


def _normalise_for_id(text: str) -> str:
    # what storing drops or replaces does not change the id: the stored article keeps the id of what was read
    text = unicodedata.normalize("NFKC", storable_text(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


def source_name(outlet: str | None, source_path: str | None, title: str | None, fallback: str) -> str:
    """How reports and evidence name a source: its outlet, else its file's name, else its title, else ``fallback``."""
    if outlet:
        return outlet
    if source_path:
        return source_path.replace("\\", "/").rsplit("/", 1)[-1]
    return title or fallback


def article_id_for(text: str) -> str:
    """A stable id from the article's normalised content (case and white space folded)."""
    digest = hashlib.sha256(_normalise_for_id(text).encode("utf-8")).hexdigest()
    return "a_" + digest[:16]


@dataclass(frozen=True)
class RemovedLine:
    """A boilerplate line taken out of an article, kept with the reason."""

    start: int  # offsets into Article.raw_text
    end: int
    text: str
    reason: str  # e.g. "newsletter prompt", "author bio", "share line"


@dataclass(frozen=True)
class Article:
    """One report as ingested. ``text`` is the cleaned text all claim spans point into."""

    id: str
    raw_text: str
    text: str = ""
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime, None when unknown
    published_source: str | None = None  # where the date came from: "metadata", "cli", "url", "text", "html"
    source_path: str | None = None
    author: str | None = None
    removed: tuple[RemovedLine, ...] = ()


@dataclass(frozen=True)
class Speaker:
    """Who a claim is attributed to. ``via`` keeps nesting: outlet cites outlet cites official."""

    name: str
    kind: str  # government official | military | armed group | media outlet | monitor/NGO | anonymous source | other
    via: Speaker | None = None


@dataclass(frozen=True)
class Claim:
    """One statement of one value in one article, with its exact evidence."""

    article_id: str
    field: str  # event_type, date, time, location, origin, actor1, actor2, assoc_actor, claimant, responder,
    #             weapon, count:<weapon>, killed:<party>, injured:<party>, responsibility, outcome
    value: Any  # JSON-able: str, number, or a dict (e.g. {"min": 5, "max": None} for counts)
    start: int  # character span in Article.text
    end: int
    quote: str  # the sentence the value comes from
    attributed_to: Speaker | None = None
    hedged: bool = False
    negated: bool = False
    wording: str | None = None  # the original wording of the value ("at least five")


@dataclass(frozen=True)
class TimeValue:
    """A temporal expression normalised TimeML-style against the publication date."""

    text: str
    start: int
    end: int
    type: str  # DATE | TIME | DURATION | SET
    value: str | None  # "2024-04-21", "2024-04-21T21:50", "2024-W16", "2023-12", "P3M"; None when unresolved
    precision: int | None = None  # ACLED time_precision for DATE/TIME values
    timezone: str | None = None  # "local" when only local time is known, or an IANA zone
    mod: str | None = None  # TimeML mod: START, MID, END, APPROX, MORE_THAN, LESS_THAN
    note: str | None = None  # e.g. "publication date unknown: relative expression left unresolved"


@dataclass(frozen=True)
class Place:
    """A place named in an article, resolved against the gazetteer when possible."""

    name: str  # as written
    start: int
    end: int
    role: str = "mentioned"  # target | origin | mentioned
    geonameid: int | None = None
    resolved_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    feature: str | None = None  # GeoNames feature code, e.g. PPL, ADM1, PCLI, MILB
    geo_precision: int | None = None
    score: float = 0.0
    reason: str | None = None  # in words, e.g. "no gazetteer entry; placed near Rumalyn"


@dataclass(frozen=True)
class Mention:
    """A sentence or clause of an article that reports a real-world event."""

    id: str  # "<article_id>:<n>"
    article_id: str
    start: int
    end: int
    text: str
    event_type: str | None = None  # ACLED event type
    sub_event_type: str | None = None  # ACLED sub-event type
    plover_event: str | None = None
    plover_mode: str | None = None
    background: bool = False  # recalls a past event rather than reporting this one
    time: TimeValue | None = None
    places: tuple[Place, ...] = ()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class FusedField:
    """One field of an event after fusion: a value, how sure we are, and the claims behind it."""

    field: str
    value: Any
    status: str  # corroborated | single-source | compatible | disputed | updated (a toll that rose as reports came)
    claims: tuple[Claim, ...]
    credibility: int = 6  # Admiralty information axis, 1 confirmed .. 6 cannot be judged
    credibility_reason: str = ""
    wordings: tuple[str, ...] = ()
    independent_sources: int = 0
    hedged: bool = False
    # A source's own figures that differ from the figure it mostly gives (a partial count, another incident it
    # recalls): kept and shown, not weighed against other sources.
    other_figures: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Position:
    """One side of a disagreement: a value and the claims that hold it."""

    value: Any
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Discrepancy:
    """Sources that give incompatible values for one field, shown side by side."""

    field: str
    positions: tuple[Position, ...]
    note: str = ""


@dataclass(frozen=True)
class Source:
    """An article as a source of an event, with how independent it is."""

    article_id: str
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    derived_from: str | None = None  # article id or wire/outlet name this one rewrites
    derivation: str | None = None  # the evidence, in words
    cites: tuple[str, ...] = ()  # outlets the article cites ("Reuters", "France 24")
    origin: str = ""  # the independent origin this source counts towards
    source_path: str | None = None  # the file (or file#record) it was read from


@dataclass(frozen=True)
class Event:
    """One real-world event: fused fields, disagreements and sources."""

    id: str
    title: str
    event_type: str | None
    sub_event_type: str | None
    date: str | None
    fields: dict[str, FusedField]
    discrepancies: tuple[Discrepancy, ...]
    sources: tuple[Source, ...]
    mention_ids: tuple[str, ...]
    related: tuple[str, ...] = ()
    country: str | None = None


_RECORDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        RemovedLine,
        Article,
        Speaker,
        Claim,
        TimeValue,
        Place,
        Mention,
        FusedField,
        Position,
        Discrepancy,
        Source,
        Event,
    )
}


def to_json(record: Any) -> Any:
    """The JSON form of a record (nested dicts/lists), the public schema."""
    # Plain values (most fields) are taken as they are without a call: an event's record is thousands of them,
    # and storing an event writes its record each time it is fused. Subclasses of these take the general path.
    kind = type(record)
    if kind in _PLAIN:
        return record
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        found = {}
        for name in names:
            value = getattr(record, name)
            found[name] = value if type(value) in _PLAIN else to_json(value)
        return found
    if kind is tuple or kind is list:
        return [item if type(item) in _PLAIN else to_json(item) for item in record]
    if isinstance(record, (str, int, float, bool)) or record is None:
        return record
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(record))
        return to_json(record)
    if isinstance(record, (list, tuple)):
        return [to_json(item) for item in record]
    if isinstance(record, dict):
        return {str(k): to_json(v) for k, v in record.items()}
    return record


_PLAIN = frozenset({str, int, float, bool, type(None)})


# The field names of each record class, read once (dataclasses.fields is slow enough to show in a profile).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


# Fields whose JSON holds nested records, so from_json can rebuild them.
_NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "Article": {"removed": ("tuple", "RemovedLine")},
    "Speaker": {"via": ("one", "Speaker")},
    "Claim": {"attributed_to": ("one", "Speaker")},
    "Mention": {"time": ("one", "TimeValue"), "places": ("tuple", "Place"), "claims": ("tuple", "Claim")},
    "FusedField": {"claims": ("tuple", "Claim"), "wordings": ("tuple", ""), "other_figures": ("tuple", "Claim")},
    "Position": {"claims": ("tuple", "Claim")},
    "Discrepancy": {"positions": ("tuple", "Position")},
    "Source": {"cites": ("tuple", "")},
    "Event": {
        "fields": ("dict", "FusedField"),
        "discrepancies": ("tuple", "Discrepancy"),
        "sources": ("tuple", "Source"),
        "mention_ids": ("tuple", ""),
        "related": ("tuple", ""),
    },
}


_FIELD_SETS: dict[type, frozenset[str]] = {}


def from_json(kind: str, data: dict[str, Any]) -> Any:
    """Rebuild a record of class ``kind`` from its JSON form."""
    cls = _RECORDS[kind]
    nested = _NESTED.get(kind, {})
    kwargs: dict[str, Any] = {}
    names = _FIELD_SETS.get(cls)
    if names is None:
        names = _FIELD_SETS[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    for key, value in data.items():
        if key not in names:
            continue
        shape, inner = nested.get(key, ("plain", ""))
        if value is None or shape == "plain":
            kwargs[key] = value
        elif shape == "one":
            kwargs[key] = from_json(inner, value)
        elif shape == "tuple":
            kwargs[key] = tuple(from_json(inner, v) if inner else v for v in value)
        elif shape == "dict":
            kwargs[key] = {k: from_json(inner, v) for k, v in value.items()}
    return cls(**kwargs)


__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Claim",
    "Discrepancy",
    "Event",
    "FusedField",
    "Mention",
    "Place",
    "Position",
    "RemovedLine",
    "Source",
    "Speaker",
    "TimeValue",
    "article_id_for",
    "from_json",
    "source_name",
    "storable_name",
    "storable_text",
    "to_json",
]
