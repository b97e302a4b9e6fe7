"""Argument linking: which of an article's places and dates belong to the event it reports, as learned decisions.

Hands on the article's mentions with its lead event's location and date set by the linking models
(``data/linking_place.model.json``, ``data/linking_date.model.json``; ``eventfuse train linking``, model card
docs/linking.md): every located place and every day the article names (and its publication day) is a candidate
row of plain features; the rules' own choices (the place an event sentence names as the target, the date of the
event sentence) are features among the others.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ..learned import LinearModel
from ..model import Claim, Mention, Place
from .context import DocumentContext
from .dates import not_after_report
from .lead import lead_mention as _lead_of_article
from .places import place_value

PLACE_MODEL = "linking_place.model.json"
DATE_MODEL = "linking_date.model.json"
# A place whose span sits inside a longer organisation or facility name ("Mount Sinai Hospital", "Los Angeles
# Police Department") says something about where, but is not itself the place.
_ORG_LABELS = frozenset({"ORG", "FAC"})
_PREPOSITION = re.compile(r"\b(in|at|near|outside|of)\s+(?:the\s+)?(?:\w+ern\s+)?$", re.I)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
_PART_OF_DAY = re.compile(r"\b(morning|afternoon|evening|night|overnight|tonight|dawn|noon|midnight)\b", re.I)
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|tonight|last night|this morning)\b", re.I)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PlaceCandidate:
    """One located place the article names (all its occurrences), with its features."""

    key: str
    occurrences: tuple[Place, ...]
    features: dict[str, float]

    @property
    def place(self) -> Place:
        return self.occurrences[0]


@dataclass(frozen=True)
class DateCandidate:
    """One day the article gives (a time expression resolved to a day, or its publication day), with its features."""

    day: str
    kind: str  # "text" | "published"
    start: int  # the first expression's span (the publication day: none, -1)
    end: int
    text: str
    features: dict[str, float]


_C = TypeVar("_C", "PlaceCandidate", "DateCandidate")
# The probability at which the rules' choice stands against the model's. The rules' place stands at the place
# model's threshold; the day the event's own sentence gives always stands (0): the date model decides only for an
# event whose sentence names no day ("April 2" in a January report is last April, however far before the report).
RULE_DAY_STANDS = 0.0


@dataclass(frozen=True)
class Linkers:
    """The linking models (None: the rules alone decide, as when the models are trained)."""

    place: LinearModel | None
    date: LinearModel | None

    @classmethod
    def load(cls) -> Linkers:
        return _bundled()


@functools.cache
def _bundled() -> Linkers:
    from importlib import resources

    def one(name: str) -> LinearModel | None:
        return LinearModel.load(name) if (resources.files("eventfuse") / "data" / name).is_file() else None

    return Linkers(one(PLACE_MODEL), one(DATE_MODEL))


# --- which mention is the event ---------------------------------------------------------------------


def lead_mention(mentions: Sequence[Mention], document: DocumentContext) -> Mention | None:
    """The event the article leads with (``extract.lead``: as grouping's lead frame), where linked values go."""
    return _lead_of_article(mentions, document.article.title, document.text)


def _spans(mentions: Sequence[Mention], *, background: bool) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions if m.background == background and (background or m.sub_event_type)]


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


# --- place candidates ------------------------------------------------------------------------------


def _place_key(geonameid: int | None, lat: float | None, lon: float | None) -> str:
    """One key for a place however it comes (a Place, a claim's value): its GeoNames id, else its point."""
    if geonameid is not None:
        return f"g{geonameid}"
    return f"{round(lat or 0.0, 2)},{round(lon or 0.0, 2)}"


def _feature_class(place: Place) -> str:
    feature = place.feature or ""
    if feature.startswith("PPL"):
        return "town"
    if feature.startswith("PCL") or feature == "TERR":
        return "country"
    if feature == "ADM1":
        return "state"
    if feature in ("ADM2", "ADM3", "ADMD"):
        return "district"
    return "site" if feature else "unknown"


def place_candidates(
    document: DocumentContext, mentions: Sequence[Mention], lead: Mention | None = None
) -> list[PlaceCandidate]:
    """Every located place of the article, its occurrences together, with the features the place model weighs
    (``lead``: the article's lead event mention, when the caller has it)."""
    text = document.text
    located = [p for p in document.places if p.lat is not None and p.lon is not None]
    if not located:
        return []
    by_key: dict[str, list[Place]] = {}
    for place in located:
        by_key.setdefault(_place_key(place.geonameid, place.lat, place.lon), []).append(place)
    starts = [s.start_char for s in document.sentences]
    events = _spans(mentions, background=False)
    background = _spans(mentions, background=True)
    lead = lead or lead_mention(mentions, document)
    claimed: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.background:
            continue
        for claim in mention.claims:
            if claim.field in ("location", "origin") and isinstance(claim.value, dict):
                value = claim.value
                if value.get("geonameid") is not None or value.get("lat") is not None:
                    key = _place_key(value.get("geonameid"), value.get("lat"), value.get("lon"))
                    claimed.setdefault(key, set()).add(claim.field)
    organisations = [(e.start_char, e.end_char) for e in document.entities if e.label_ in _ORG_LABELS]
    title = (document.article.title or "").casefold()
    total = sum(len(v) for v in by_key.values())
    admin1 = Counter((p.country_code, p.admin1) for p in located)
    countries = Counter(p.country_code for p in located)
    candidates = []
    for key, places in by_key.items():
        first = min(places, key=lambda p: p.start)
        kind = _feature_class(first)
        sentence_index = bisect.bisect_right(starts, first.start) - 1
        others = total - len(places)
        same_admin1 = (admin1.get((first.country_code, first.admin1), 0) - len(places)) / others if others else 0.0
        same_country = (countries.get(first.country_code, 0) - len(places)) / others if others else 0.0
        features = {
            "occurrences_log": math.log1p(len(places)),
            "first_sentence": min(max(sentence_index, 0), 10) / 10,
            "first_offset": first.start / max(len(text), 1),
            "dateline": 1.0 if first.start < 60 else 0.0,
            "in_title": 1.0 if title and first.name.casefold() in title else 0.0,
            "rule_target": 1.0 if "location" in claimed.get(key, ()) else 0.0,
            "rule_origin": 1.0 if "origin" in claimed.get(key, ()) else 0.0,
            "in_event_sentence": 1.0 if any(_inside(p.start, events) for p in places) else 0.0,
            "in_lead_sentence": 1.0 if lead and any(lead.start <= p.start < lead.end for p in places) else 0.0,
            "only_background": 1.0 if all(_inside(p.start, background) for p in places) else 0.0,
            "preposition": 1.0
            if any(_PREPOSITION.search(text[max(0, p.start - 30) : p.start]) for p in places)
            else 0.0,
            "after_from": 1.0 if any(_FROM.search(text[max(0, p.start - 20) : p.start]) for p in places) else 0.0,
            "inside_organisation": (
                sum(
                    1
                    for p in places
                    if any(s <= p.start and p.end <= e and e - s > p.end - p.start for s, e in organisations)
                )
                / len(places)
            ),
            "resolver_score": max(p.score for p in places),
            "precision": float(first.geo_precision or 3),
            "same_admin1_share": same_admin1,
            "same_country_share": same_country,
            f"class_{kind}": 1.0,
        }
        candidates.append(PlaceCandidate(key, tuple(sorted(places, key=lambda p: p.start)), features))
    return candidates


# --- date candidates -------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    if not value or not _DAY.match(value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_candidates(
    document: DocumentContext, mentions: Sequence[Mention], lead: Mention | None = None
) -> list[DateCandidate]:
    """Every day the article's time expressions resolve to, and its publication day, with the date model's
    features (``lead``: the article's lead event mention, when the caller has it)."""
    published = _day(document.article.published)
    starts = [s.start_char for s in document.sentences]
    events = _spans(mentions, background=False)
    background = _spans(mentions, background=True)
    lead = lead or lead_mention(mentions, document)
    rule_day = lead.time.value[:10] if lead and lead.time and lead.time.value and _day(lead.time.value) else None
    by_day: dict[str, list] = {}
    for tv in document.timexes:
        if tv.type not in ("DATE", "TIME"):
            continue
        tv = not_after_report(tv, document.article.published) or tv  # as the date finder reads it
        day = _day(tv.value)
        if day is None or tv.precision not in (None, 1):
            continue
        by_day.setdefault(day.isoformat(), []).append(tv)
    if published is not None:
        by_day.setdefault(published.isoformat(), [])
    candidates = []
    for day_text, timexes in by_day.items():
        day = date.fromisoformat(day_text)
        before = (published - day).days if published is not None else 0
        features: dict[str, float] = {
            "is_published_day": 1.0 if published is not None and day == published else 0.0,
            "days_before_report": max(min(before, 14), -2) / 14,
            "day_before_report": 1.0 if before == 1 else 0.0,
            "after_report": 1.0 if before < 0 else 0.0,
            "far_before_report": 1.0 if before > 7 else 0.0,
            "rule_choice": 1.0 if day_text == rule_day else 0.0,
            "written": 1.0 if timexes else 0.0,
        }
        if timexes:
            first = min(timexes, key=lambda tv: tv.start)
            sentence_index = bisect.bisect_right(starts, first.start) - 1
            features.update(
                {
                    "occurrences_log": math.log1p(len(timexes)),
                    "first_sentence": min(max(sentence_index, 0), 10) / 10,
                    "in_event_sentence": 1.0 if any(_inside(tv.start, events) for tv in timexes) else 0.0,
                    "in_lead_sentence": 1.0
                    if lead and any(lead.start <= tv.start < lead.end for tv in timexes)
                    else 0.0,
                    "only_background": 1.0 if all(_inside(tv.start, background) for tv in timexes) else 0.0,
                    "weekday": 1.0 if any(_WEEKDAY.search(tv.text) for tv in timexes) else 0.0,
                    "relative_word": 1.0 if any(_RELATIVE.search(tv.text) for tv in timexes) else 0.0,
                    "part_of_day": 1.0 if any(_PART_OF_DAY.search(tv.text) for tv in timexes) else 0.0,
                    "written_out": 1.0 if any(re.search(r"\d", tv.text) for tv in timexes) else 0.0,
                }
            )
            candidates.append(DateCandidate(day_text, "text", first.start, first.end, first.text, features))
        else:
            candidates.append(DateCandidate(day_text, "published", -1, -1, "", features))
    return candidates


# --- the decision ----------------------------------------------------------------------------------


def _reasons(model: LinearModel, row: dict[str, float], top: int = 3) -> str:
    """The features that weighed most for the candidate (the largest positive contributions)."""
    ranked = sorted(model.contributions(row), key=lambda nc: -nc[1])
    return ", ".join(f"{name} {weight:+.2f}" for name, weight in ranked[:top] if weight >= 0.05)


def _sentence_of(document: DocumentContext, offset: int) -> tuple[int, int]:
    for sent in document.sentences:
        if sent.start_char <= offset < sent.end_char:
            return sent.start_char, sent.end_char
    return offset, offset


def link(document: DocumentContext, mentions: list[Mention], linkers: Linkers) -> list[Mention]:
    """The mentions with the lead event's location and date as the linking models choose them among all the
    article's candidates; unchanged when there is no event or no model."""
    lead = lead_mention(mentions, document)
    if lead is None:
        return mentions
    claims = list(lead.claims)
    changed = False
    if linkers.place is not None:
        chosen = _choose(
            place_candidates(document, mentions, lead), linkers.place, "rule_target", linkers.place.threshold
        )
        if chosen is not None:
            # the record takes the place; grouping keeps the places the rules read (a chosen place that vetoes a
            # join costs more than it helps: ECB+ B-cubed F1 0.764 with it in the mentions' places, 0.815 without)
            claims = _with_place(document, lead, claims, chosen, linkers.place)
            changed = True
    if linkers.date is not None:
        chosen_day = _choose(date_candidates(document, mentions, lead), linkers.date, "rule_choice", RULE_DAY_STANDS)
        if chosen_day is not None:
            claims = _with_date(document, lead, claims, chosen_day, linkers.date)
            changed = True
    if changed:
        updated = dataclasses.replace(lead, claims=tuple(claims))
        mentions = [updated if m is lead else m for m in mentions]
    return mentions


def decide(
    probabilities: Sequence[float], rows: Sequence[Mapping[str, float]], rule_feature: str, threshold: float
) -> int | None:
    """The candidate the model takes over the rules' choice (its index), or None when the rules' choice stands:
    the rules' own candidate (``rule_feature``) is the likeliest, or likely enough (``threshold``). Ties go to the
    candidate named first."""
    if not rows:
        return None
    best = max(range(len(rows)), key=lambda i: (probabilities[i], -i))
    if rows[best].get(rule_feature):
        return None
    ruled = [p for p, row in zip(probabilities, rows, strict=True) if row.get(rule_feature)]
    return None if ruled and max(ruled) >= threshold else best


def _choose(candidates: Sequence[_C], model: LinearModel, rule_feature: str, stand: float) -> tuple[_C, float] | None:
    probabilities = [model.probability(c.features) for c in candidates]
    index = decide(probabilities, [c.features for c in candidates], rule_feature, stand)
    return None if index is None else (candidates[index], probabilities[index])


def _with_place(
    document: DocumentContext,
    lead: Mention,
    claims: list[Claim],
    chosen: tuple[PlaceCandidate, float],
    model: LinearModel,
) -> list[Claim]:
    candidate, probability = chosen
    occurrence = min(candidate.occurrences, key=lambda p: (not (lead.start <= p.start < lead.end), p.start))
    reason = f"the article's likeliest place of its event (p={probability:.2f}: {_reasons(model, candidate.features)})"
    start, end = _sentence_of(document, occurrence.start)
    quote = document.text[start:end].strip()
    value = place_value(occurrence, reason)
    return _replacing(
        claims,
        Claim(lead.article_id, "location", value, occurrence.start, occurrence.end, quote, wording=occurrence.name),
    )


def _with_date(
    document: DocumentContext,
    lead: Mention,
    claims: list[Claim],
    chosen: tuple[DateCandidate, float],
    model: LinearModel,
) -> list[Claim]:
    candidate, probability = chosen
    reasons = _reasons(model, candidate.features)
    if candidate.kind == "published":
        value = {
            "value": candidate.day,
            "precision": 1,
            "text": "",
            "estimated": "from the publication date",
            "reason": f"no day in the text is likelier (p={probability:.2f}: {reasons})",
        }
        start, end = lead.start, lead.start
        quote, wording = lead.text.strip(), None
    else:
        value = {
            "value": candidate.day,
            "precision": 1,
            "text": candidate.text,
            "reason": f"the article's likeliest day of its event (p={probability:.2f}: {reasons})",
        }
        start, end = candidate.start, candidate.end
        s, e = _sentence_of(document, start)
        quote, wording = document.text[s:e].strip(), candidate.text
    return _replacing(claims, Claim(lead.article_id, "date", value, start, end, quote, wording=wording))


def _replacing(claims: list[Claim], claim: Claim) -> list[Claim]:
    """The lead event's claims with ``claim`` in place of the rules' claims of its field."""
    return [c for c in claims if c.field != claim.field] + [claim]
