"""Frames and profiles: an article's mentions split into one frame per event, and what grouping compares of each
(date, place, type, actors, weighted content words).

Hands on Frames and Profiles to the decision and the candidate index."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from ..model import Event, Mention
from .config import ClusterConfig

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@dataclass(frozen=True)
class Profile:
    """What grouping compares: of an article's frame, or of a stored event (its JSON form is stored)."""

    date: str | None = None  # YYYY-MM-DD, YYYY-Www or YYYY-MM
    precision: int | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    actors: frozenset[str] = frozenset()
    terms: dict[str, float] = field(default_factory=dict)
    event_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "date": self.date,
            "precision": self.precision,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geo_precision": self.geo_precision,
            "actors": sorted(self.actors),
            "terms": self.terms,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        return cls(
            date=data.get("date"),
            precision=data.get("precision"),
            event_type=data.get("event_type"),
            sub_event_type=data.get("sub_event_type"),
            country=data.get("country"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            geo_precision=data.get("geo_precision"),
            actors=frozenset(data.get("actors") or ()),
            terms=dict(data.get("terms") or {}),
            event_id=data.get("event_id"),
        )


@dataclass(frozen=True)
class Frame:
    """The mentions of one article about one real-world event, with the profile grouping compares."""

    article_id: str
    mentions: tuple[Mention, ...]
    profile: Profile

    @property
    def mention_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.mentions)


def frames_of_article(
    article_id: str,
    mentions: Sequence[Mention],
    config: ClusterConfig,
    text: str | None = None,
    corpus: Corpus | None = None,
) -> list[Frame]:
    """Split an article's mentions into one frame per real-world event it reports.

    The lead event is the first reported (non-background) event mention; an undated lead takes the first
    date reported after it. A mention dated another day starts or joins the frame of that day, unless it
    is a later day and the same kind of event as the lead (a follow-up: "by Wednesday night no ransom had
    been demanded"). Undated mentions and claim-only sentences ("no one was hurt in the attack") belong
    to the lead frame, or to another day's frame when they directly follow one of its mentions. Background
    mentions join no frame.

    ``text`` (the article's text, which the mentions' offsets point into): the lead frame's terms also read the
    article around its sentences (``lead_context``), weighted below them (``[text] article_weight``).
    """
    groups = _frame_groups(mentions)
    context = lead_context(text, mentions)[1] if text is not None and groups else None
    return [
        Frame(
            article_id, tuple(members), profile_of(members, config, context=context if n == 0 else None, corpus=corpus)
        )
        for n, members in enumerate(groups)
    ]


def _frame_groups(mentions: Sequence[Mention]) -> list[list[Mention]]:
    """The mentions of each frame (see ``frames_of_article``), the lead frame first; none without a typed mention."""
    reported = [m for m in mentions if not m.background]
    typed = [m for m in reported if m.event_type]
    if not typed:
        return []
    lead_type = typed[0].sub_event_type
    lead_day = next((d for d in (_day_of(m) for m in typed) if d), None)
    groups: dict[str, list[Mention]] = {"lead": []}
    current, last_index = "lead", -2
    for mention in reported:
        index = _sentence_index(mention)
        day = _day_of(mention) if mention.event_type else None
        if day and day != lead_day and not (lead_day and day > lead_day and mention.sub_event_type == lead_type):
            current = day
        elif day or mention.event_type or current == "lead" or index != last_index + 1:
            current = "lead"
        groups.setdefault(current, []).append(mention)
        last_index = index
    # the first typed mention always goes to the lead group, so it leads the list
    return [members for members in groups.values() if any(m.event_type for m in members)]


def lead_context(text: str | None, mentions: Sequence[Mention]) -> tuple[str | None, str]:
    """The article text the lead frame reads beyond its own sentences, and the id of the lead frame's first
    mention (None when the article gives no frame): the whole text without the sentences of its other frames.

    Only the lead frame reads it: an article's other events are told in a sentence or two inside the story of
    the lead, so the rest of the text is about the lead event, and the other frames keep their sentences only
    (two outlets' reports of one event do not pull in each other's side events)."""
    groups = _frame_groups(mentions)
    if not groups or not text:
        return (groups[0][0].id if groups else None), ""
    kept, cursor = [], 0
    for start, end in sorted((m.start, m.end) for members in groups[1:] for m in members):
        if start > cursor:
            kept.append(text[cursor:start])
        cursor = max(cursor, end)
    kept.append(text[cursor:])
    return groups[0][0].id, " ".join(kept)


def _sentence_index(mention: Mention) -> int:
    tail = mention.id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _day_of(mention: Mention) -> str | None:
    value = mention.time.value if mention.time else None
    if value and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def profile_of(
    mentions: Sequence[Mention],
    config: ClusterConfig,
    event: Event | None = None,
    context: str | None = None,
    corpus: Corpus | None = None,
) -> Profile:
    """The grouping profile of some mentions (and of their fused event, when there is one).

    ``context``: the article text around the mentions (of a stored event: that of each article whose lead frame
    it holds, ``lead_context``), whose terms are blended into the mentions' at ``[text] article_weight``."""
    typed = [m for m in mentions if m.event_type]
    sub_types = Counter(m.sub_event_type for m in typed if m.sub_event_type)
    types = Counter(m.event_type for m in typed if m.event_type)
    date_value, precision = _most_precise_date(mentions)
    place = _best_place(mentions, config.veto_min_confidence)
    actors = frozenset(
        str(c.value.get("name") if isinstance(c.value, dict) else c.value).casefold()
        for m in mentions
        for c in m.claims
        if c.field in ("actor1", "actor2", "assoc_actor", "claimant")
    )
    terms = _terms(" ".join(m.text for m in mentions), config, corpus)
    if context:
        terms = _blend(terms, _terms(context, config, corpus), config)
    if event is not None:
        return Profile(
            date=event.date,
            precision=_event_precision(event),
            event_type=event.event_type,
            sub_event_type=event.sub_event_type,
            country=event.country,
            lat=place[0] if place else None,
            lon=place[1] if place else None,
            geo_precision=place[2] if place else None,
            actors=actors,
            terms=terms,
            event_id=event.id,
        )
    return Profile(
        date=date_value,
        precision=precision,
        event_type=types.most_common(1)[0][0] if types else None,
        sub_event_type=sub_types.most_common(1)[0][0] if sub_types else None,
        country=place[3] if place else _country_of(mentions),
        lat=place[0] if place else None,
        lon=place[1] if place else None,
        geo_precision=place[2] if place else None,
        actors=actors,
        terms=terms,
    )


def _most_precise_date(mentions: Sequence[Mention]) -> tuple[str | None, int | None]:
    """The date of the most precisely dated mention (the first of equals) and its precision."""
    date_value, precision = None, None
    for mention in mentions:
        if mention.time and mention.time.value and mention.time.precision:
            if precision is None or mention.time.precision < precision:
                date_value, precision = _date_part(mention.time.value), mention.time.precision
    return date_value, precision


def _event_precision(event: Event) -> int | None:
    fused = event.fields.get("date")
    if fused and isinstance(fused.value, dict):
        return fused.value.get("precision")
    return None


def _date_part(value: str) -> str:
    return value.split("T")[0]


def _best_place(
    mentions: Sequence[Mention], min_confidence: float = 0.0
) -> tuple[float, float, int, str | None] | None:
    """The most precise target place with coordinates, else any located place: (lat, lon, precision, country).

    A place resolved with a confidence below ``min_confidence`` (a homonym the article's context does not
    settle: "Lexington", "Davidson County") counts as precise to the region only (3): it cannot veto."""
    best = None
    for mention in mentions:
        for place in mention.places:
            if place.lat is None or place.lon is None:
                continue
            precision = place.geo_precision or 3 if place.score >= min_confidence else 3
            rank = (place.role != "target", precision, -place.score)
            if best is None or rank < best[0]:
                best = (rank, (place.lat, place.lon, precision, place.country_code))
    return best[1] if best else None


def _country_of(mentions: Sequence[Mention]) -> str | None:
    countries = Counter(p.country_code for m in mentions for p in m.places if p.country_code)
    return countries.most_common(1)[0][0] if countries else None


def profile_of_text(text: str, config: ClusterConfig, corpus: Corpus | None = None) -> Profile:
    """The story profile of a whole text that reports no event of a known kind: its content words only (no date,
    place or type to compare), so it joins on text similarity alone (``story_join_threshold``)."""
    return Profile(terms=_terms(text, config, corpus))


# How many grouped articles hold each of some words, and how many articles were grouped (Store.document_frequencies).
Corpus = Callable[[Sequence[str]], tuple[int, dict[str, int]]]


def _content_tokens(text: str) -> Iterator[str]:
    """The content words of a text in order, lower case, stop words left out."""
    return (w for w in (w.casefold() for w in _WORD.findall(text)) if w not in STOP_WORDS)


def content_words(text: str) -> list[str]:
    """The distinct content words of a text, lower case (what document frequencies count)."""
    return list(dict.fromkeys(_content_tokens(text)))


def _terms(text: str, config: ClusterConfig, corpus: Corpus | None = None) -> dict[str, float]:
    """Content words weighted TF-IDF style, unit length: (1 + log count) times the word's rarity in English,
    times its rarity among the articles grouped so far.

    Rarity in English is ``zipf_ceiling`` minus the word's Zipf frequency from wordfreq (a fixed table from large
    general corpora): "police" (5.3) weighs far less than a town or a name, and a word wordfreq does not know
    weighs most. Rarity among grouped articles (``corpus``, once ``df_min_docs`` are grouped) is
    ``df_floor + (1 - df_floor) * log((N + 1) / (df + 1)) / log(N + 1)``: 1 for a word no grouped article holds,
    ``df_floor`` for one all N hold. It weighs down what a general table cannot know: the words of a whole beat
    ("gunshot", "deputies" in crime news) and one site's page furniture."""
    weighted = _text_weights(text, config.zipf_ceiling)
    weights = dict(weighted)
    if corpus is not None and weights:
        total, frequencies = corpus(list(weights))
        if total >= max(1, config.df_min_docs):
            scale = math.log(total + 1)
            for word in weights:
                rarity = math.log((total + 1) / (frequencies.get(word, 0) + 1)) / scale
                weights[word] *= config.df_floor + (1 - config.df_floor) * max(0.0, rarity)
    return _heaviest_unit(weights, config.max_terms)


# An event's profile reads the texts of its articles again each time one joins: the words of the texts seen
# last are kept with their weights before document frequencies (the same text always gives the same).
@lru_cache(maxsize=2048)
def _text_weights(text: str, zipf_ceiling: float) -> tuple[tuple[str, float], ...]:
    from wordfreq import zipf_frequency

    counts = Counter(_content_tokens(text))
    return tuple((w, (1 + math.log(c)) * max(0.0, zipf_ceiling - zipf_frequency(w, "en"))) for w, c in counts.items())


def _blend(sentences: dict[str, float], article: dict[str, float], config: ClusterConfig) -> dict[str, float]:
    """The event sentences' terms and the article's, each of unit length, added at their weights; the
    ``max_terms`` heaviest kept, unit length again."""
    words = sentences.keys() | article.keys()
    weights = {
        w: config.sentence_weight * sentences.get(w, 0.0) + config.article_weight * article.get(w, 0.0) for w in words
    }
    return _heaviest_unit(weights, config.max_terms)


def _heaviest_unit(weights: dict[str, float], max_terms: int) -> dict[str, float]:
    """The ``max_terms`` heaviest words (ties by the word), scaled to unit length; words of weight 0 left out."""
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:max_terms]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {w: round(v / norm, 4) for w, v in top if v > 0}
