"""Benchmark: the fused record, field by field, against the gold records of gv incidents and MUC-4 templates.

Hands ``eventfuse bench record`` the share of incidents whose fused event has the right date, place (within
40 km), killed and injured (gv), and the right incident date and location (MUC-4 TST1+TST2), with the ten worst
confusions per field.

gv: the real pipeline runs over the articles as one stream (``gv.load_articles``: the first ``--limit`` incidents);
each article's event is the one its lead frame is in (``grouping.event_labels``), and each incident's event is
the one holding most of its articles. An incident with no event counts as wrong in every field (and as having
no place). Date: the event's day equals GVA's. Place: the event's location within 40 km of GVA's geocode
(incidents with a geocode). Killed, injured: the event's total toll (``fuse.toll_total``: "at least 5" reads as 5,
none stated as 0) equals GVA's count. All four: each of them right (incidents with a geocode).

MUC-4: the test messages (case restored as ``bench muc`` does, dated by their dateline) run as one stream; a
message's events are paired one to one with its templates (optional ones left out), each template taking the
unused event that matches it in most fields. Date: ``muc.date_match`` on the event's day. Location: the
event's place (as written, its gazetteer name, its first-level division or its country) names the most specific
place of the fill ("EL SALVADOR: SAN SALVADOR (CITY)" -> SAN SALVADOR); a country-only fill is matched by the
event's country.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BenchDataError
from ..model import Article, Event, article_id_for
from . import read_jsonl

if TYPE_CHECKING:
    from ..store import Store

ANCHORS: dict[str, str] = {
    "gv.all_four": "issue 25 target >= 0.70 (unseen incidents before the work: 0.18)",
    "gv.place_40km": "target >= 0.92 (unseen before: 0.48)",
    "gv.no_place": "target <= 0.02 (unseen before: 0.35)",
    "gv.date": "target >= 0.90 (unseen before: 0.61)",
    "gv.killed": "target >= 0.92 (unseen before: 0.80)",
    "gv.injured": "target >= 0.88 (unseen before: 0.53)",
    "muc.location": "target >= 0.80",
    "muc.date": "target >= 0.80",
}
DATA_DIR = "."  # the bench root: gv/ and muc/ beside each other
PLACE_KM = 40.0
WORST = 10


@dataclass(frozen=True)
class Confusion:
    """One wrong field: the gold value, ours, how far off, and the sentence ours came from."""

    incident: str
    gold: Any
    ours: Any
    off: float
    sentence: str

    def json(self) -> dict[str, Any]:
        return {"incident": self.incident, "gold": self.gold, "ours": self.ours, "sentence": self.sentence[:300]}


def _dirs(data_dir: Path) -> tuple[Path | None, Path | None]:
    """The gv and muc folders under ``data_dir`` (the bench root), or ``data_dir`` itself when it is one."""
    if (data_dir / "articles.jsonl").is_file():
        return data_dir, (data_dir.parent / "muc" if (data_dir.parent / "muc").is_dir() else None)
    if any(data_dir.glob("muc4-*.jsonl")):
        return None, data_dir
    gv = data_dir / "gv" if (data_dir / "gv" / "articles.jsonl").is_file() else None
    muc = data_dir / "muc" if (data_dir / "muc").is_dir() else None
    if gv is None and muc is None:
        raise BenchDataError(f"{data_dir}: neither gv/articles.jsonl nor muc/ found (pass --data DIR, the bench root)")
    return gv, muc


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    gv_dir, muc_dir = _dirs(Path(data_dir))
    result: dict[str, Any] = {}
    if gv_dir is not None:
        result["gv"] = run_gv(gv_dir, limit)
    if muc_dir is not None:
        result["muc"] = run_muc(muc_dir, limit)
    return result


# --- shared ------------------------------------------------------------------------------------


@contextmanager
def _processed(articles: Sequence[Article]) -> Iterator[Store]:
    """A scratch store with ``articles`` run through the real pipeline as one stream (two workers where there
    are two cores)."""
    from .. import pipeline
    from ..store import Store

    resources = pipeline.Resources.load()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "record.db") as store:
        pipeline.ingest(store, articles, resources.rules)
        pipeline.run(store, resources, workers=min(2, os.cpu_count() or 1))
        yield store


def _pipeline_events(articles: Sequence[Article]) -> tuple[list[str | None], dict[str, Event]]:
    """Each article's event (its lead frame's) and the events by id, the articles run as one stream."""
    from .grouping import event_labels

    with _processed(articles) as store:
        stored = [store.get_article(a.id) or a for a in articles]
        labels = event_labels(store, stored)
        events = {}
        for event_id in {label for label in labels if label}:
            event = store.get_event(event_id)
            if event is not None:
                events[event_id] = event
        return labels, events


def event_location(event: Event | None) -> dict[str, Any] | None:
    field = event.fields.get("location") if event is not None else None
    if field is None or not isinstance(field.value, dict) or field.value.get("lat") is None:
        return None
    return field.value


def event_toll(event: Event | None, kind: str) -> int:
    """The event's total toll of one kind as one number: "at least 5" is 5, a range its low end, none 0."""
    from ..fuse import toll_total

    if event is None:
        return 0
    total = toll_total(event.fields, kind)
    return int(total["min"] or 0) if total else 0


def _quote(event: Event | None, *keys: str) -> str:
    if event is None:
        return "(no event)"
    for key in keys:
        field = event.fields.get(key)
        if field is not None and field.claims:
            return " ".join(field.claims[0].quote.split())
    return ""


def _toll_quote(event: Event | None, kind: str) -> str:
    if event is None:
        return "(no event)"
    keys = sorted(k for k in event.fields if k.split(":", 1)[0] == kind)
    return _quote(event, *keys)


def _share(hits: Sequence[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def _worst(confusions: list[Confusion]) -> list[dict[str, Any]]:
    return [c.json() for c in sorted(confusions, key=lambda c: (-c.off, c.incident))[:WORST]]


# --- gv ----------------------------------------------------------------------------------------


def _days_between(a: str | None, b: str) -> float:
    if not a or not re.match(r"^\d{4}-\d{2}-\d{2}", a):
        return 10_000.0
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 10_000.0


def load_incidents(data_dir: Path) -> dict[str, dict[str, Any]]:
    path = data_dir / "incidents.jsonl"
    if not path.is_file():
        raise BenchDataError(f"{data_dir}: incidents.jsonl not found (pass --data DIR)")
    return {r["incident_id"]: r for r in read_jsonl(path, ("incident_id",)) if r.get("has_record")}


def incident_events(gold: Sequence[str], labels: Sequence[str | None]) -> dict[str, str | None]:
    """Each incident's event: the one holding most of its articles (ties: the first met)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for incident, label in zip(gold, labels, strict=True):
        votes[incident]  # an incident none of whose articles gave an event still has an entry
        if label:
            votes[incident][label] += 1
    return {incident: (counts.most_common(1)[0][0] if counts else None) for incident, counts in votes.items()}


def run_gv(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    from ..geo.gazetteer import haversine_km
    from .gv import articles_of, load_articles

    records = load_articles(data_dir, limit)
    incidents = load_incidents(data_dir)
    records = [r for r in records if r["incident_id"] in incidents]
    if not records:
        raise BenchDataError(f"{data_dir}: no articles of incidents with a record")
    labels, events = _pipeline_events(articles_of(records))
    chosen = incident_events([r["incident_id"] for r in records], labels)
    hits: dict[str, list[bool]] = defaultdict(list)
    wrong: dict[str, list[Confusion]] = defaultdict(list)
    for incident_id, event_id in chosen.items():
        gold = incidents[incident_id]
        event = events.get(event_id) if event_id else None
        ours_date = event.date if event is not None else None
        off = _days_between(ours_date, gold["date"])
        date_ok = off == 0
        hits["date"].append(date_ok)
        if not date_ok:
            wrong["date"].append(Confusion(incident_id, gold["date"], ours_date, off, _quote(event, "date")))
        place_ok = None
        if gold.get("lat") is not None:
            loc = event_location(event)
            hits["no_place"].append(loc is None)
            km = haversine_km(loc["lat"], loc["lon"], gold["lat"], gold["lon"]) if loc else 100_000.0
            place_ok = km <= PLACE_KM
            hits["place_40km"].append(place_ok)
            if not place_ok:
                where = f"{gold.get('city_or_county')}, {gold.get('state')}"
                ours = f"{loc.get('name')} ({loc.get('admin1')}, {loc.get('country_code')})" if loc else None
                wrong["place_40km"].append(Confusion(incident_id, where, ours, km, _quote(event, "location")))
        tolls_ok = []
        for kind in ("killed", "injured"):
            ours_n = event_toll(event, kind)
            ok = ours_n == int(gold.get(kind) or 0)
            tolls_ok.append(ok)
            hits[kind].append(ok)
            if not ok:
                wrong[kind].append(
                    Confusion(
                        incident_id,
                        gold.get(kind),
                        ours_n,
                        abs(ours_n - int(gold.get(kind) or 0)),
                        _toll_quote(event, kind),
                    )
                )
        if place_ok is not None:
            hits["all_four"].append(date_ok and place_ok and all(tolls_ok))
    figures: dict[str, Any] = {
        field: _share(hits[field]) for field in ("all_four", "date", "place_40km", "no_place", "killed", "injured")
    }
    figures["incidents"] = len(chosen)
    figures["incidents_geocoded"] = len(hits["place_40km"])
    figures["incidents_without_event"] = sum(1 for e in chosen.values() if e is None)
    figures["articles"] = len(records)
    figures["worst"] = {field: _worst(wrong[field]) for field in ("date", "place_40km", "killed", "injured")}
    return figures


# --- MUC-4 -------------------------------------------------------------------------------------


def place_forms(loc: dict[str, Any], gazetteer: Any) -> list[str]:
    forms = [str(loc.get(k)) for k in ("as_written", "name") if loc.get(k)]
    admin1 = loc.get("admin1")
    if admin1:
        forms.append(str(admin1))
    code = loc.get("country_code")
    country = gazetteer.country(code) if code else None
    if country is not None:
        forms.append(country.name)
    return forms


def location_match(loc: dict[str, Any] | None, fill: str, gazetteer: Any) -> bool:
    """The event's place names the fill's most specific place, or its country a country-only fill."""
    from .muc import place_match

    if loc is None:
        return False
    return any(place_match(form, fill) for form in place_forms(loc, gazetteer))


def _fills(template: dict[str, Any], slot: str) -> list[str]:
    return [alt for fill in template.get(slot) or [] for alt in fill.get("alts", [])]


def run_muc(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    from ..geo import Gazetteer
    from ..lexicon import load_lexicon
    from ..nlp import load_model
    from .muc import CaseRestorer, dateline, load_messages, restore_case

    splits = load_messages(Path(data_dir), limit)
    messages = splits.get("test") or []
    if not messages:
        raise BenchDataError(f"{data_dir}: no MUC-4 test messages (muc4-tst1/-tst2.jsonl)")
    gazetteer = Gazetteer.open()
    restorer = CaseRestorer.build(load_model(), gazetteer, load_lexicon())
    articles, kept = [], []
    seen: set[str] = set()
    for message in messages:
        text = restore_case(message["text"], restorer)
        article_id = article_id_for(text)
        if article_id in seen:
            continue
        seen.add(article_id)
        articles.append(
            Article(
                id=article_id, raw_text=text, text=text, published=dateline(message["text"]), source_path=message["id"]
            )
        )
        kept.append(message)
    events_by_message = _message_events(articles)
    hits: dict[str, list[bool]] = defaultdict(list)
    wrong: dict[str, list[Confusion]] = defaultdict(list)
    for message, article in zip(kept, articles, strict=True):
        templates = [t for t in message["templates"] if not t.get("optional")]
        unused = list(events_by_message.get(article.id, []))
        for template in templates:
            dates, places = _fills(template, "incident_date"), _fills(template, "incident_location")

            best = max(unused, key=lambda e: sum(_template_score(e, dates, places, gazetteer)), default=None)
            if best is not None:
                unused.remove(best)
            date_ok, place_ok = _template_score(best, dates, places, gazetteer) if best else (False, False)
            if dates:
                hits["date"].append(date_ok)
                if not date_ok:
                    ours = best.date if best is not None else None
                    wrong["date"].append(Confusion(message["id"], dates[0], ours, 1.0, _quote(best, "date")))
            if places:
                hits["location"].append(place_ok)
                if not place_ok:
                    loc = event_location(best)
                    ours = place_forms(loc, gazetteer) if loc else None
                    wrong["location"].append(Confusion(message["id"], places[0], ours, 1.0, _quote(best, "location")))
    return {
        "date": _share(hits["date"]),
        "location": _share(hits["location"]),
        "templates": max(len(hits["date"]), len(hits["location"])),
        "messages": len(kept),
        "worst": {field: _worst(wrong[field]) for field in ("date", "location")},
    }


def _template_score(event: Event, dates: list[str], places: list[str], gazetteer: Any) -> tuple[bool, bool]:
    from .muc import date_match

    day_ok = bool(event.date) and any(date_match(str(event.date)[:10], g) for g in dates)
    return day_ok, any(location_match(event_location(event), g, gazetteer) for g in places)


def _message_events(articles: Sequence[Article]) -> dict[str, list[Event]]:
    """Each message's events (of its mentions that are not background), in the order first met."""
    out: dict[str, list[Event]] = {}
    with _processed(articles) as store:
        for article in articles:
            mentions = [m for m in store.mentions_of_article(article.id, with_claims=False) if not m.background]
            ids = store.event_ids_of_mentions([m.id for m in mentions])
            ordered = list(dict.fromkeys(ids[m.id] for m in mentions if m.id in ids))
            out[article.id] = [e for e in (store.get_event(i) for i in ordered) if e is not None]
    return out
