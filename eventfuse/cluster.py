"""Same-event grouping: an article's mentions become event frames, each frame joins a stored event or starts one.

Hands on, per frame, a Decision (the event id it joins or a new one, with the score and the reasons).
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from .datafiles import load_toml
from .errors import LexiconError
from .model import Event, Mention

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@dataclass(frozen=True)
class ClusterConfig:
    """The grouping weights and thresholds, from ``data/cluster.toml`` (documented there)."""

    join_threshold: float
    window_days: dict[int, int]
    weight_date_same: float
    weight_date_unknown: float
    veto_km: float
    veto_min_confidence: float  # a place resolved with less confidence neither vetoes nor is near
    weight_near: float
    weight_same_country: float
    weight_other_country: float
    weight_same_sub_type: float
    weight_same_type: float
    weight_other_type: float
    weight_actors: float
    weight_text: float
    sentence_weight: float
    article_weight: float
    max_terms: int
    zipf_ceiling: float
    min_text_similarity: float  # two profiles with words that share less are never one event
    df_floor: float  # the weight factor left to a word every grouped article holds (see _terms)
    df_min_docs: int  # document frequencies count once this many articles are grouped
    story_join_threshold: float
    weight_co_reported: float
    index: IndexConfig

    @classmethod
    def load(cls, path: Path | None = None) -> ClusterConfig:
        data = load_toml("cluster.toml", path)
        return cls(
            join_threshold=float(data["join_threshold"]),
            window_days={int(k): int(v) for k, v in data["date"]["window_days"].items()},
            weight_date_same=float(data["date"]["weight_same"]),
            weight_date_unknown=float(data["date"]["weight_unknown"]),
            veto_km=float(data["place"]["veto_km"]),
            veto_min_confidence=float(data["place"].get("veto_min_confidence", 0.0)),
            weight_near=float(data["place"]["weight_near"]),
            weight_same_country=float(data["place"]["weight_same_country"]),
            weight_other_country=float(data["place"]["weight_other_country"]),
            weight_same_sub_type=float(data["event_type"]["weight_same_sub_type"]),
            weight_same_type=float(data["event_type"]["weight_same_type"]),
            weight_other_type=float(data["event_type"]["weight_other_type"]),
            weight_actors=float(data["actors"]["weight"]),
            weight_text=float(data["text"]["weight"]),
            sentence_weight=float(data["text"]["sentence_weight"]),
            article_weight=float(data["text"]["article_weight"]),
            max_terms=int(data["text"]["max_terms"]),
            zipf_ceiling=float(data["text"]["zipf_ceiling"]),
            min_text_similarity=float(data["text"].get("min_similarity", 0.0)),
            df_floor=float(data["text"].get("df_floor", 1.0)),
            df_min_docs=int(data["text"].get("df_min_docs", 0)),
            story_join_threshold=float(data["story"]["join_threshold"]),
            weight_co_reported=float(data["co_reported"]["weight"]),
            index=IndexConfig.from_table(data.get("index"), path),
        )


@dataclass(frozen=True)
class IndexConfig:
    """How candidates are found in the store: MinHash-LSH bands and caps (``[index]`` in ``data/cluster.toml``)."""

    lsh_terms: int
    lsh_bands: int
    lsh_rows: int
    lsh_seed: int
    bucket_limit: int
    max_candidates: int

    @classmethod
    def from_table(cls, table: dict[str, Any] | None, path: Path | None = None) -> IndexConfig:
        names = ("lsh_terms", "lsh_bands", "lsh_rows", "lsh_seed", "bucket_limit", "max_candidates")
        values = {name: _setting(table, name, "index", path) for name in names}
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise LexiconError(
                    f"{path or 'eventfuse/data/cluster.toml'}: [index] {name} must be a whole number >= 1, not {value!r}"
                )
        return cls(**values)

    @property
    def signature(self) -> str:
        """What stored band keys depend on: a store indexed under another signature is indexed again."""
        return (
            f"minhash-lsh (crc32) of the {self.lsh_terms} heaviest profile terms: "
            f"bands={self.lsh_bands} rows={self.lsh_rows} seed={self.lsh_seed}"
        )

    @cached_property
    def permutations(self) -> Any:
        """The MinHash permutations, drawn once (datasketch draws them on every MinHash otherwise)."""
        from datasketch import MinHash  # imports scipy: only when grouping runs

        return MinHash(num_perm=self.lsh_bands * self.lsh_rows, seed=self.lsh_seed).permutations


def _setting(table: dict[str, Any] | None, name: str, section: str, path: Path | None) -> Any:
    if not isinstance(table, dict) or name not in table:
        source = path or "eventfuse/data/cluster.toml"
        raise LexiconError(f"{source}: [{section}] needs {name} (the bundled cluster.toml documents it)")
    return table[name]


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


@dataclass(frozen=True)
class Decision:
    """Where a frame goes: an existing event (``joined``) or a new one, and why."""

    event_id: str
    joined: bool
    score: float
    reasons: tuple[str, ...]


# --- frames ------------------------------------------------------------------------------------


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


# --- decisions ---------------------------------------------------------------------------------


def decide(
    frame: Frame, candidates: Sequence[Profile], config: ClusterConfig, co_reported: frozenset[str] = frozenset()
) -> Decision:
    """Join the best-scoring compatible candidate, or start a new event.

    ``co_reported``: events that other articles report beside an event this article also reports (two
    outlets that each cover Sunday's attack and mention Saturday's explosion likely mean the same one).
    """
    best: tuple[float, Profile, tuple[str, ...]] | None = None
    for candidate in candidates:
        scored = _frame_score(frame, candidate, config, co_reported)
        if scored is None:
            continue
        value, reasons = scored
        if best is None or value > best[0]:
            best = (value, candidate, reasons)
    if best and best[0] >= config.join_threshold and best[1].event_id:
        return Decision(best[1].event_id, True, round(best[0], 4), best[2])
    reasons = ("no stored event scored above the join threshold",)
    if best:
        reasons = (f"best candidate {best[1].event_id} scored {best[0]:.2f} < {config.join_threshold}",) + best[2]
    return Decision(new_event_id(frame), False, round(best[0], 4) if best else 0.0, reasons)


def _frame_score(
    frame: Frame, candidate: Profile, config: ClusterConfig, co_reported: frozenset[str]
) -> tuple[float, tuple[str, ...]] | None:
    """``score`` of a frame and a candidate, plus ``[co_reported] weight`` when other articles report the
    candidate beside an event this article also reports."""
    scored = score(frame.profile, candidate, config)
    if scored is None or candidate.event_id not in co_reported:
        return scored
    value, reasons = scored
    return value + config.weight_co_reported, reasons + ("also reported beside an event this article reports",)


def new_event_id(frame: Frame) -> str:
    """A stable id: the same first mention always names the same event."""
    first = frame.mention_ids[0] if frame.mentions else frame.article_id  # a story frame has no mentions
    return "ev_" + hashlib.sha256(first.encode()).hexdigest()[:12]


def score(a: Profile, b: Profile, config: ClusterConfig) -> tuple[float, tuple[str, ...]] | None:
    """How likely two profiles are one event (None: incompatible), with the reasons in words."""
    total = 0.0
    reasons: list[str] = []
    gap = _date_gap(a, b)
    if gap is None:
        total += config.weight_date_unknown
    else:
        precision = max(a.precision or 1, b.precision or 1)
        allowed = config.window_days.get(precision, max(config.window_days.values()))
        if gap > allowed:
            return None
        total += config.weight_date_same
        reasons.append(f"dates {a.date} and {b.date} compatible")
    if None not in (a.lat, a.lon, b.lat, b.lon) and (a.geo_precision or 3) <= 2 and (b.geo_precision or 3) <= 2:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km > config.veto_km:
            return None
        total += config.weight_near * (1 - km / config.veto_km)
        reasons.append(f"places {km:.0f} km apart")
    if a.country and b.country:
        if a.country == b.country:
            total += config.weight_same_country
            reasons.append(f"same country {a.country}")
        else:
            total += config.weight_other_country
    if a.sub_event_type and a.sub_event_type == b.sub_event_type:
        total += config.weight_same_sub_type
        reasons.append(f"same sub-event type {a.sub_event_type}")
    elif a.event_type and a.event_type == b.event_type:
        total += config.weight_same_type
        reasons.append(f"same event type {a.event_type}")
    elif a.event_type and b.event_type:
        total += config.weight_other_type
    if a.actors and b.actors:
        overlap = len(a.actors & b.actors) / len(a.actors | b.actors)
        total += config.weight_actors * overlap
        if overlap:
            reasons.append(f"actors overlap {overlap:.2f}")
    similarity = cosine(a.terms, b.terms)
    if a.terms and b.terms and similarity < config.min_text_similarity:
        return None  # same day, place and kind, but reports that share no telling word: two incidents
    total += config.weight_text * similarity
    reasons.append(f"text similarity {similarity:.2f}")
    return total, tuple(reasons)


@lru_cache(maxsize=4096)  # a frame's and its candidates' days, parsed once
def _parse_day(value: str | None) -> date | None:
    if not value or not re.match(r"^\d{4}-\d{2}-\d{2}$", value[:10]):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_gap(a: Profile, b: Profile) -> int | None:
    day_a, day_b = _parse_day(a.date), _parse_day(b.date)
    if day_a and day_b:
        return abs((day_a - day_b).days)
    if a.date and b.date and len(a.date) == 7 and a.date == b.date[:7]:
        return 0
    if a.date and b.date and len(b.date) == 7 and b.date == a.date[:7]:
        return 0
    return None


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    # over the shared terms only, and norms by math.hypot: a frame meets hundreds of candidates
    dot = sum(a[term] * b[term] for term in a.keys() & b.keys())
    norm = math.hypot(*a.values()) * math.hypot(*b.values())
    return dot / norm if norm else 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


# --- candidate index ---------------------------------------------------------------------------
# A frame is scored against the stored events in its date block and those sharing an LSH band with it
# (docs/grouping.md); the store keeps each event's date block and band keys and looks them up by index.


@dataclass(frozen=True)
class IndexEntry:
    """What the store keeps so frames find an event: its date block (precision, day), its place when precise
    enough to veto others (lat, lon), and its LSH band keys."""

    date_block: tuple[int, str] | None
    place: tuple[float, float] | None
    band_keys: tuple[int, ...]


@dataclass(frozen=True)
class CandidateQuery:
    """What the store looks up for a frame: (precision, first day, last day) per date block, band keys, the box
    (south, north, west, east) outside which a precisely placed event is vetoed, and the frame's day (dated
    candidates nearest to it come first)."""

    date_blocks: tuple[tuple[int, str, str], ...]
    band_keys: tuple[int, ...]
    box: tuple[float, float, float, float] | None
    day: str | None


def index_entry(profile: Profile, config: ClusterConfig) -> IndexEntry:
    """The index entry of a stored event's profile."""
    return IndexEntry(_date_block(profile, config), _veto_place(profile), band_keys(profile.terms, config.index))


def keep_candidates(profile: Profile, found: Sequence[dict[str, Any]], config: ClusterConfig) -> list[str]:
    """The ids of the candidates the store found (``Store.candidate_events``) that no date or place veto rules out,
    those sharing most bands first, then the dated ones nearest in date; at most ``max_candidates``."""
    kept = []
    dated, placed = profile.date is not None, _veto_place(profile) is not None
    for row in found:
        day, lat = row.get("day"), row.get("lat")
        if (day is None or not dated) and (lat is None or not placed):  # nothing a veto could compare
            kept.append(row)
            continue
        # only places precise enough to veto are indexed
        block = Profile(date=day, precision=row.get("precision"), lat=lat, lon=row.get("lon"), geo_precision=1)
        if veto_reason(profile, block, config) is None:
            kept.append(row)
    kept.sort(key=lambda r: (-r["bands"], r["dated_rank"] is None, r["dated_rank"] or 0, r["event_id"]))
    return [row["event_id"] for row in kept[: config.index.max_candidates]]


def candidate_query(profile: Profile, config: ClusterConfig) -> CandidateQuery:
    """The date blocks a frame's stored matches can be in, by the date window of each precision, and its bands.

    A stored event of precision q is compatible with a frame of precision p within window_days[max(p, q)]; a
    month ("2024-04") is compatible with every day in it. Frames and events dated otherwise (a week, a year,
    no date) have no date block: they meet through their bands.
    """
    keys = band_keys(profile.terms, config.index)
    windows = config.window_days
    widest = _widest_precision(config)
    day = _parse_day(profile.date)
    if day is not None:
        own = profile.precision or 1
        blocks = []
        for precision in sorted(windows):
            allowed = windows.get(max(own, precision), windows[widest])
            first, last = (day - timedelta(days=allowed)).isoformat(), (day + timedelta(days=allowed)).isoformat()
            if precision == widest:
                first = min(first, day.isoformat()[:7])  # the day's own month, stored as "YYYY-MM"
            blocks.append((precision, first, last))
        return CandidateQuery(tuple(blocks), keys, _veto_box(profile, config), day.isoformat())
    if profile.date and _MONTH.fullmatch(profile.date):
        blocks = tuple((p, profile.date, profile.date + "-31") for p in sorted(windows))
        return CandidateQuery(blocks, keys, _veto_box(profile, config), None)
    return CandidateQuery((), keys, _veto_box(profile, config), None)


def band_keys(terms: dict[str, float], index: IndexConfig) -> tuple[int, ...]:
    """The MinHash-LSH band keys of the ``lsh_terms`` heaviest terms of a profile (the rarest words: names,
    places, what set the incident apart): a signed 64-bit integer per band, none for no terms."""
    if not terms:
        return ()
    heaviest = sorted(terms.items(), key=lambda item: (-item[1], item[0]))[: index.lsh_terms]
    from datasketch import MinHash

    minhash = MinHash(
        num_perm=index.lsh_bands * index.lsh_rows,
        seed=index.lsh_seed,
        hashfunc=zlib.crc32,  # stable across processes, and a third of the cost of datasketch's SHA-1
        permutations=index.permutations,
        scheme="affine32",
    )
    minhash.update_batch([term.encode("utf-8") for term, _ in heaviest])
    values = minhash.hashvalues
    keys = []
    for band in range(index.lsh_bands):
        chunk = values[band * index.lsh_rows : (band + 1) * index.lsh_rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


_MONTH = re.compile(r"\d{4}-\d{2}")


def _date_block(profile: Profile, config: ClusterConfig) -> tuple[int, str] | None:
    day = _parse_day(profile.date)
    if day is not None:
        precision = profile.precision or 1
        return (precision if precision in config.window_days else _widest_precision(config)), day.isoformat()
    if profile.date and _MONTH.fullmatch(profile.date):
        return _widest_precision(config), profile.date
    return None


def _veto_place(profile: Profile) -> tuple[float, float] | None:
    """The place a profile vetoes others with (see ``score``): coordinates known to the town or near it."""
    if profile.lat is None or profile.lon is None or (profile.geo_precision or 3) > 2:
        return None
    return profile.lat, profile.lon


def _veto_box(profile: Profile, config: ClusterConfig) -> tuple[float, float, float, float] | None:
    """A latitude/longitude box holding every point within ``veto_km`` of the profile's place (None: no box, near
    a pole or across the antimeridian, where a box would not be simple)."""
    place = _veto_place(profile)
    if place is None:
        return None
    lat, lon = place
    margin = 1.01  # a box a little larger than the circle: never leave out a place the veto would keep
    dlat = margin * math.degrees(config.veto_km / _EARTH_RADIUS_KM)
    widest = abs(lat) + dlat
    if widest >= 89.0:
        return None
    dlon = margin * math.degrees(config.veto_km / (_EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return None
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


_EARTH_RADIUS_KM = 6371.0088


def _widest_precision(config: ClusterConfig) -> int:
    return max(config.window_days, key=lambda p: (config.window_days[p], p))


# --- corrections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """A stored event that a frame joins as well as the one it chose, and that is one event with it."""

    event_id: str
    frame_score: float  # the frame's score with this event, and why
    frame_reasons: tuple[str, ...]
    score: float  # the two events' score with each other, and why
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """Mentions of an event that cannot be the same event as the mentions around its first one."""

    mention_ids: tuple[str, ...]
    reason: str


def merges(
    frame: Frame,
    chosen: Profile,
    candidates: Sequence[Profile],
    config: ClusterConfig,
    apart: frozenset[str] = frozenset(),
    co_reported: frozenset[str] = frozenset(),
) -> list[Merge]:
    """The other candidates the frame also scores ``join_threshold`` with and that can be one event with the chosen
    one: no date or place veto between them (nor with another merged one), and not in ``apart`` (events an article
    reports beside the chosen one are different events). The frame is the evidence that joins them: the two need
    not score ``join_threshold`` with each other (docs/grouping.md has the figures)."""
    found: list[tuple[Merge, Profile]] = []
    for candidate in candidates:
        if not candidate.event_id or candidate.event_id == chosen.event_id or candidate.event_id in apart:
            continue
        scored = _frame_score(frame, candidate, config, co_reported)
        if scored is None:
            continue
        value, frame_reasons = scored
        if value < config.join_threshold:
            continue
        pair = score(chosen, candidate, config)
        if pair is None:
            continue
        if any(veto_reason(candidate, other, config) for _, other in found):
            continue
        merge = Merge(candidate.event_id, round(value, 4), frame_reasons, round(pair[0], 4), pair[1])
        found.append((merge, candidate))
    return [merge for merge, _ in found]


def split_groups(event_id: str, units: Sequence[Sequence[Mention]], config: ClusterConfig) -> list[Split]:
    """The mentions that must leave an event: the groups incompatible with the group of its first mention.

    ``units`` are the event's mentions of each article, in the order they joined. The unit holding the mention
    the event's id is made from goes first; every unit then goes to the first group it has no date or place
    veto with (``veto_reason``), so undated and unplaced units stay. Each group after the first leaves.
    """

    def holds_first(unit: Sequence[Mention]) -> bool:
        return any(new_event_id(Frame(m.article_id, (m,), Profile())) == event_id for m in unit)

    groups: list[list[Profile]] = []
    members: list[list[str]] = []
    reasons: list[str] = []
    for unit in sorted(units, key=lambda unit: not holds_first(unit)):
        profile = _when_and_where(unit, config)
        for group, ids in zip(groups, members, strict=True):
            if not any(veto_reason(profile, other, config) for other in group):
                group.append(profile)
                ids.extend(m.id for m in unit)
                break
        else:
            vetoes = (veto_reason(profile, other, config) for other in (groups[0] if groups else ()))
            reasons.append(next((v for v in vetoes if v), ""))
            groups.append([profile])
            members.append([m.id for m in unit])
    return [Split(tuple(ids), reason) for ids, reason in zip(members[1:], reasons[1:], strict=True)]


def _when_and_where(mentions: Sequence[Mention], config: ClusterConfig) -> Profile:
    """The date and place ``profile_of`` finds in some mentions: all a veto looks at (words cost more)."""
    date_value, precision = _most_precise_date(mentions)
    place = _best_place(mentions, config.veto_min_confidence)
    if place is None:
        return Profile(date=date_value, precision=precision)
    return Profile(date=date_value, precision=precision, lat=place[0], lon=place[1], geo_precision=place[2])


def veto_reason(a: Profile, b: Profile, config: ClusterConfig) -> str | None:
    """Why two profiles cannot be one event (the date and place vetoes of ``score``), in words; None when none."""
    gap = _date_gap(a, b)
    if gap is not None:
        precision = max(a.precision or 1, b.precision or 1)
        allowed = config.window_days.get(precision, max(config.window_days.values()))
        if gap > allowed:
            return f"dates {a.date} and {b.date} are {gap} days apart (more than {allowed})"
    if None not in (a.lat, a.lon, b.lat, b.lon) and (a.geo_precision or 3) <= 2 and (b.geo_precision or 3) <= 2:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if km > config.veto_km:
            return f"places {km:.0f} km apart (more than {config.veto_km:.0f})"
    return None
