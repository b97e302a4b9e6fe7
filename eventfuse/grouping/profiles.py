"""Frames and profiles: an article's mentions split into one frame per event, and what grouping compares of each
(date, place, type, actors, weighted content words).

Hands on Frames and Profiles to the decision and the candidate index."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..extract.lead import content_tokens as _content_tokens
from ..extract.lead import first_paragraph_end as _first_paragraph_end
from ..extract.lead import lead_of as _lead_mention
from ..model import Event, Mention, TimeValue
from .config import ClusterConfig

if TYPE_CHECKING:
    from .embedding import StaticEmbedding


@dataclass(frozen=True)
class Anchor:
    """When and where an event's first report put it: what a new report must not contradict for certain."""

    date: str | None = None
    precision: int | None = None
    explicit: bool = False  # the date was written out ("April 12"), not worked out ("on Saturday")
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    confidence: float = 0.0  # the place's resolution score

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, False, 0.0)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Anchor:
        return cls(**{k: v for k, v in (data or {}).items() if k in _ANCHOR_FIELDS})


_ANCHOR_FIELDS = frozenset(f.name for f in dataclasses.fields(Anchor))


@dataclass(frozen=True)
class Profile:
    """What grouping compares: of an article's frame, or of a stored event (its JSON form is stored).

    When, where and what kind: a frame's own, an event's fused. What the reports say (terms, title, embedding):
    a frame's unit vectors; an event's sums over its ``members`` frames, so the mean similarity of a frame with
    an event's reports is one dot product, and a joining frame updates the event in constant time."""

    date: str | None = None  # YYYY-MM-DD, YYYY-Www or YYYY-MM
    precision: int | None = None
    date_explicit: bool = False  # the date was written out ("April 12"), not worked out ("on Saturday")
    event_type: str | None = None
    sub_event_type: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    place_confidence: float = 0.0
    actors: frozenset[str] = frozenset()
    terms: dict[str, float] = field(default_factory=dict)
    title: dict[str, float] = field(default_factory=dict)  # the headline's terms (a lead frame's only)
    names: dict[str, float] = field(default_factory=dict)  # capitalised names and how often they occur
    numbers: frozenset[str] = frozenset()  # figures written in digits (tolls, ages, house numbers), years left out
    years: frozenset[str] = frozenset()
    embedding: tuple[float, ...] = ()
    published: str | None = None  # the article's publication date; of an event the earliest
    published_last: str | None = None  # of an event: the latest
    # the report's day (``report_day``); of an event the earliest and latest of its reports' (the lookback bound)
    day_first: str | None = None
    day_last: str | None = None
    members: int = 1  # frames summed into terms and embedding
    titled: int = 0  # of those, frames with a headline (summed into title)
    fused_members: int = 0  # of an event: its members when it was last fused (Grouper.refuse)
    anchor: Anchor | None = None  # of an event: its first frame's date and place
    event_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "date": self.date,
            "precision": self.precision,
            "date_explicit": self.date_explicit,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geo_precision": self.geo_precision,
            "place_confidence": self.place_confidence,
            "actors": sorted(self.actors),
            "terms": self.terms,
            "title": self.title,
            "names": self.names,
            "numbers": sorted(self.numbers),
            "years": sorted(self.years),
            "embedding": list(self.embedding),
            "published": self.published,
            "published_last": self.published_last,
            "day_first": self.day_first,
            "day_last": self.day_last,
            "members": self.members,
            "titled": self.titled,
            "fused_members": self.fused_members,
            "anchor": self.anchor.to_json() if self.anchor else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        anchor = data.get("anchor")
        return cls(
            date=data.get("date"),
            precision=data.get("precision"),
            date_explicit=bool(data.get("date_explicit")),
            event_type=data.get("event_type"),
            sub_event_type=data.get("sub_event_type"),
            country=data.get("country"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            geo_precision=data.get("geo_precision"),
            place_confidence=float(data.get("place_confidence") or 0.0),
            actors=frozenset(data.get("actors") or ()),
            terms=dict(data.get("terms") or {}),
            title=dict(data.get("title") or {}),
            names=dict(data.get("names") or {}),
            numbers=frozenset(data.get("numbers") or ()),
            years=frozenset(data.get("years") or ()),
            embedding=tuple(data.get("embedding") or ()),
            published=data.get("published"),
            published_last=data.get("published_last"),
            day_first=data.get("day_first"),
            day_last=data.get("day_last"),
            members=int(data.get("members") or 1),
            titled=int(data.get("titled") or 0),
            fused_members=int(data.get("fused_members") or 0),
            anchor=Anchor.from_json(anchor) if anchor is not None else None,
            event_id=data.get("event_id"),
        )

    @property
    def when_and_where(self) -> Anchor:
        """A frame's date and place as an anchor (what an event it starts keeps)."""
        return Anchor(
            self.date, self.precision, self.date_explicit, self.lat, self.lon, self.geo_precision, self.place_confidence
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
    *,
    title: str | None = None,
    published: str | None = None,
    embedding: StaticEmbedding | None = None,
) -> list[Frame]:
    """Split an article's mentions into one frame per real-world event it reports.

    The lead event is the one the headline and the first paragraph report (``_lead_mention``); an undated lead
    takes the first date reported after it. A mention dated another day starts or joins the frame of that day,
    unless it is a later day and the same kind of event as the lead (a follow-up: "by Wednesday night no ransom
    had been demanded"). Undated mentions and claim-only sentences ("no one was hurt in the attack") belong to
    the lead frame, or to another day's frame when they directly follow one of its mentions. Background
    mentions join no frame.

    ``text`` (the article's text, which the mentions' offsets point into): the lead frame's terms also read the
    article around its sentences (``lead_context``), weighted below them (``[text] article_weight``); its
    headline (``title``), names, figures and embedding are the whole article's. Another frame reads only its
    own sentences.
    """
    groups = _frame_groups(mentions, title, _first_paragraph_end(text))
    context = _context(text, groups) if text is not None and groups else None
    day = report_day(mentions, published)
    return [
        Frame(
            article_id,
            tuple(members),
            dataclasses.replace(
                profile_of(
                    members,
                    config,
                    context=context if n == 0 else None,
                    corpus=corpus,
                    title=title if n == 0 else None,
                    published=published,
                    embedding=embedding,
                ),
                day_first=day,
                day_last=day,
            ),
        )
        for n, members in enumerate(groups)
    ]


def report_day(mentions: Sequence[Mention], published: str | None) -> str | None:
    """The day a report is placed in time by for grouping's lookback: the day of its first mention dated to a day
    (not a recalled past event), else its publication date. A report of an event told weeks later is placed at
    that event, not at the day it was written."""
    for mention in mentions:
        value = mention.time.value if mention.time else None
        if value and not mention.background and parse_day(value) is not None:
            return value[:10]
    return published[:10] if parse_day(published) is not None else None


@lru_cache(maxsize=8192)  # a frame's and its candidates' days, parsed once
def parse_day(value: str | None) -> date | None:
    """The day a date string starts with (YYYY-MM-DD), or None (a month, a week, no date)."""
    if not value or not re.match(r"^\d{4}-\d{2}-\d{2}$", value[:10]):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _frame_groups(
    mentions: Sequence[Mention], title: str | None = None, first_paragraph_end: int | None = None
) -> list[list[Mention]]:
    """The mentions of each frame (see ``frames_of_article``), the lead frame first; none without a typed mention."""
    reported = [m for m in mentions if not m.background]
    typed = [m for m in reported if m.event_type]
    if not typed:
        return []
    lead = _lead_mention(typed, title, first_paragraph_end)
    lead_type = lead.sub_event_type
    from_lead = [m for m in typed if m.start >= lead.start]
    lead_day = next((d for d in (_day_of(m) for m in from_lead) if d), None)
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
    # the lead mention always goes to the lead group, so it leads the list
    return [members for members in groups.values() if any(m.event_type for m in members)]


def lead_context(text: str | None, mentions: Sequence[Mention], title: str | None = None) -> tuple[str | None, str]:
    """The article text the lead frame reads beyond its own sentences, and the id of the lead frame's first
    mention (None when the article gives no frame): the whole text without the sentences of its other frames.

    Only the lead frame reads it: an article's other events are told in a sentence or two inside the story of
    the lead, so the rest of the text is about the lead event, and the other frames keep their sentences only
    (two outlets' reports of one event do not pull in each other's side events)."""
    groups = _frame_groups(mentions, title, _first_paragraph_end(text))
    if not groups or not text:
        return (groups[0][0].id if groups else None), ""
    return groups[0][0].id, _context(text, groups)


def _context(text: str, groups: Sequence[Sequence[Mention]]) -> str:
    kept, cursor = [], 0
    for start, end in sorted((m.start, m.end) for members in groups[1:] for m in members):
        if start > cursor:
            kept.append(text[cursor:start])
        cursor = max(cursor, end)
    kept.append(text[cursor:])
    return " ".join(kept)


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
    context: str | None = None,
    corpus: Corpus | None = None,
    *,
    title: str | None = None,
    published: str | None = None,
    embedding: StaticEmbedding | None = None,
) -> Profile:
    """The grouping profile of a frame's mentions.

    ``context``: the article text around the mentions (``lead_context``), whose terms are blended into the
    mentions' at ``[text] article_weight``; with it, names, figures and the embedding read the headline and the
    context, else the mentions' sentences only."""
    typed = [m for m in mentions if m.event_type]
    sub_types = Counter(m.sub_event_type for m in typed if m.sub_event_type)
    types = Counter(m.event_type for m in typed if m.event_type)
    dated = _most_precise_time(mentions)
    place = _best_place(mentions, config.veto_min_confidence)
    actors = frozenset(
        str(c.value.get("name") if isinstance(c.value, dict) else c.value).casefold()
        for m in mentions
        for c in m.claims
        if c.field in ("actor1", "actor2", "assoc_actor", "claimant")
    )
    sentences = " ".join(m.text for m in mentions)
    told = "\n".join(t for t in (title, context if context else sentences) if t)
    terms = _terms(sentences, config, corpus)
    if context:
        terms = _blend(terms, _terms(told, config, corpus), config)
    return Profile(
        date=_date_part(dated.value) if dated and dated.value else None,
        precision=dated.precision if dated else None,
        date_explicit=bool(dated and is_explicit_day(dated)),
        event_type=types.most_common(1)[0][0] if types else None,
        sub_event_type=sub_types.most_common(1)[0][0] if sub_types else None,
        country=place.country if place else _country_of(mentions),
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        geo_precision=place.precision if place else None,
        place_confidence=place.confidence if place else 0.0,
        actors=actors,
        terms=terms,
        **_told(told, config, corpus, title=title, published=published, embedding=embedding),
    )


def profile_of_text(
    text: str,
    config: ClusterConfig,
    corpus: Corpus | None = None,
    *,
    title: str | None = None,
    published: str | None = None,
    embedding: StaticEmbedding | None = None,
) -> Profile:
    """The story profile of a whole text that reports no event of a known kind: what it says (words, headline,
    names, figures, embedding), with no date, place or type to compare."""
    told = "\n".join(t for t in (title, text) if t)
    return Profile(
        terms=_terms(text, config, corpus),
        **_told(told, config, corpus, title=title, published=published, embedding=embedding),
    )


def _told(
    text: str,
    config: ClusterConfig,
    corpus: Corpus | None,
    *,
    title: str | None,
    published: str | None,
    embedding: StaticEmbedding | None,
) -> dict[str, Any]:
    """The profile fields of what a text says beyond its weighted words."""
    day = _date_part(published) if published else None
    return {
        "title": _terms(title, config, corpus) if title else {},
        "names": names_of(text),
        "numbers": numbers_of(text),
        "years": years_of(text),
        "embedding": embedding.embed(text) if embedding is not None else (),
        "published": day,
        "published_last": day,
        "titled": 1 if title else 0,
    }


def _most_precise_time(mentions: Sequence[Mention]) -> TimeValue | None:
    """The time of the most precisely dated mention (the first of equals)."""
    best: TimeValue | None = None
    for mention in mentions:
        tv = mention.time
        if tv and tv.value and tv.precision and (best is None or tv.precision < (best.precision or 9)):
            best = tv
    return best


def _most_precise_date(mentions: Sequence[Mention]) -> tuple[str | None, int | None]:
    """The date of the most precisely dated mention (the first of equals) and its precision."""
    tv = _most_precise_time(mentions)
    return (_date_part(tv.value), tv.precision) if tv and tv.value else (None, None)


# A date written out: a month name or a numeric date with a day ("April 12", "12 April 2025", "2025-04-12",
# "4/12"); "on Saturday", "yesterday" and "last night" are worked out from the publication date.
_EXPLICIT_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    re.I,
)


def is_explicit_day(time: TimeValue) -> bool:
    """A day-precise date written out in the text, not worked out from the publication date."""
    return time.precision == 1 and bool(_EXPLICIT_DAY.search(time.text))


def _date_part(value: str) -> str:
    return value.split("T")[0]


@dataclass(frozen=True)
class _Place:
    lat: float
    lon: float
    precision: int
    country: str | None
    confidence: float


def _best_place(mentions: Sequence[Mention], min_confidence: float = 0.0) -> _Place | None:
    """The most precise target place with coordinates, else any located place.

    A place resolved with a confidence below ``min_confidence`` (a homonym the article's context does not
    settle: "Lexington", "Davidson County") counts as precise to the region only (3)."""
    best: tuple[tuple[bool, int, float], _Place] | None = None
    for mention in mentions:
        for place in mention.places:
            if place.lat is None or place.lon is None:
                continue
            precision = place.geo_precision or 3 if place.score >= min_confidence else 3
            rank = (place.role != "target", precision, -place.score)
            if best is None or rank < best[0]:
                best = (rank, _Place(place.lat, place.lon, precision, place.country_code, round(place.score, 3)))
    return best[1] if best else None


def _country_of(mentions: Sequence[Mention]) -> str | None:
    countries = Counter(p.country_code for m in mentions for p in m.places if p.country_code)
    return countries.most_common(1)[0][0] if countries else None


# --- what a report says beyond its words: names, figures, years --------------------------------------

# A run of capitalised words, with the particles names carry ("Kataib al-Hezbollah", "Bank of America").
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:al|el|de|del|da|bin|ibn|van|von|of|the)\s+)?[A-Z][\w'’-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s*|\n\s*)$")
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december i the a an".split()
)
MAX_NAMES = 40  # a frame's names kept (the most frequent); an event's sums keep MAX_EVENT_NAMES
MAX_NUMBERS = 40
_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d.,])\d+(?![\d.,]\d)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def names_of(text: str) -> dict[str, float]:
    """The capitalised names of a text, lower case, with how often each occurs; a capitalised common word that
    only starts a sentence ("Police said") is not a name, nor are days and months."""
    from wordfreq import zipf_frequency

    counts: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        name = match.group(0).casefold()
        if name in _NOT_NAMES:
            continue
        if " " not in name and _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
            if zipf_frequency(name, "en") >= COMMON_WORD_ZIPF:
                continue
        counts[name] += 1
    return {name: float(n) for name, n in counts.most_common(MAX_NAMES)}


COMMON_WORD_ZIPF = 4.0  # "Police" (5.3) starting a sentence is a word; "Kirkuk" (2.6) a name


def numbers_of(text: str) -> frozenset[str]:
    """The figures written in digits (commas dropped), years left out; the first MAX_NUMBERS."""
    figures = dict.fromkeys(f.replace(",", "") for f in _FIGURE.findall(text))
    return frozenset([n for n in figures if not _YEAR.match(n)][:MAX_NUMBERS])


def years_of(text: str) -> frozenset[str]:
    """The years a text names (1900-2099)."""
    return frozenset(n for n in _FIGURE.findall(text) if _YEAR.match(n))


# --- events: sums over their frames ---------------------------------------------------------------------

MAX_EVENT_TERMS = 300  # an event's summed terms kept (the heaviest)
MAX_EVENT_TITLE_TERMS = 100
MAX_EVENT_NAMES = 150
MAX_EVENT_NUMBERS = 150


def new_event_profile(frame: Profile, event_id: str) -> Profile:
    """The profile of an event a frame starts: the frame's, anchored at its date and place."""
    return dataclasses.replace(frame, event_id=event_id, members=1, anchor=frame.when_and_where)


def add_frame(event: Profile, frame: Profile) -> Profile:
    """An event's profile with one more frame summed in (its words, headline, names, figures, embedding,
    publication dates and actors); when and where stay the event's own until it is fused again."""
    return combine(event, frame, members=1)


def combine(event: Profile, other: Profile, members: int | None = None) -> Profile:
    """Two profiles' sums added: an event and a frame joining it (``members`` 1), or two events merging."""
    added = other.members if members is None else members
    return dataclasses.replace(
        event,
        actors=event.actors | other.actors,
        terms=_sum(event.terms, other.terms, MAX_EVENT_TERMS),
        title=_sum(event.title, other.title, MAX_EVENT_TITLE_TERMS),
        names=_sum(event.names, other.names, MAX_EVENT_NAMES),
        numbers=frozenset(sorted(event.numbers | other.numbers)[:MAX_EVENT_NUMBERS]),
        years=event.years | other.years,
        embedding=_vector_sum(event.embedding, other.embedding),
        published=min((d for d in (event.published, other.published) if d), default=None),
        published_last=max((d for d in (event.published_last, other.published_last) if d), default=None),
        day_first=min((d for d in (event.day_first, other.day_first) if d), default=None),
        day_last=max((d for d in (event.day_last, other.day_last) if d), default=None),
        members=event.members + added,
        titled=event.titled + other.titled,
        anchor=event.anchor or other.anchor,
    )


def described(profile: Profile, event: Event, place: Profile | None = None) -> Profile:
    """An event's profile with its when and what kind taken from the fused event, and its place from ``place``
    (the best placed of its profile and the frame that joined last) when given."""
    where = place or profile
    return dataclasses.replace(
        profile,
        date=event.date,
        precision=_event_precision(event),
        event_type=event.event_type,
        sub_event_type=event.sub_event_type,
        country=event.country or where.country,
        lat=where.lat,
        lon=where.lon,
        geo_precision=where.geo_precision,
        place_confidence=where.place_confidence,
        event_id=event.id,
    )


def as_frame(event: Profile) -> Profile:
    """An event's profile as if it were one report: its summed words, headline and embedding scaled to unit
    length (a frame's are), so features compare it with another event as they compare a frame."""
    norm = math.sqrt(sum(x * x for x in event.embedding))
    return dataclasses.replace(
        event,
        terms=_heaviest_unit(event.terms, len(event.terms)),
        title=_heaviest_unit(event.title, len(event.title)),
        embedding=tuple(x / norm for x in event.embedding) if norm else event.embedding,
        members=1,
        titled=1 if event.title else 0,
    )


def better_placed(a: Profile, b: Profile) -> Profile:
    """Of two profiles, the one placed more precisely (then with more confidence); ``a`` on a tie."""

    def rank(p: Profile) -> tuple[int, float]:
        return (p.geo_precision or 9 if p.lat is not None else 10, -p.place_confidence)

    return b if rank(b) < rank(a) else a


def _sum(a: dict[str, float], b: dict[str, float], keep: int) -> dict[str, float]:
    total = dict(a)
    for key, value in b.items():
        total[key] = total.get(key, 0.0) + value
    top = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:keep]
    return {k: round(v, 4) for k, v in top}


def _vector_sum(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    if not a or not b:
        return a or b
    return tuple(round(x + y, 4) for x, y in zip(a, b, strict=True))


def _event_precision(event: Event) -> int | None:
    fused = event.fields.get("date")
    if fused and isinstance(fused.value, dict):
        return fused.value.get("precision")
    return None


# How many grouped articles hold each of some words, and how many articles were grouped (Store.document_frequencies).
Corpus = Callable[[Sequence[str]], tuple[int, dict[str, int]]]


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
