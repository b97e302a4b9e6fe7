"""Fusion: one record per event from its mentions' claims, field by field, with agreement, conflict and sources.

Hands on an Event whose every value carries its claims; incompatible values become Discrepancies.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytz
from spacy.lang.en.stop_words import STOP_WORDS

from .datafiles import load_toml
from .geo.gazetteer import haversine_km
from .model import Article, Claim, Discrepancy, Event, FusedField, Mention, Position, Source, Speaker, source_name


@dataclass(frozen=True)
class FusionSettings:
    """Thresholds and phrases of ``data/fusion.toml`` (documented there)."""

    sentence_similarity: float
    article_share: float
    min_sentence_words: int
    credit_phrases: tuple[str, ...]
    same_place_km: float
    same_town_km: float
    general_parties: frozenset[str]

    @classmethod
    def load(cls) -> FusionSettings:
        data = load_toml("fusion.toml")
        independence = data["independence"]
        return cls(
            sentence_similarity=float(independence["sentence_similarity"]),
            article_share=float(independence["article_share"]),
            min_sentence_words=int(independence["min_sentence_words"]),
            credit_phrases=tuple(independence["credit_phrases"]),
            same_place_km=float(data["places"]["same_place_km"]),
            same_town_km=float(data["places"]["same_town_km"]),
            general_parties=frozenset(data["tolls"]["general_parties"]),
        )


SETTINGS = FusionSettings.load()


@dataclass(frozen=True)
class _Group:
    """Claims holding one value (after unification), and the independent origins behind them."""

    value: Any
    claims: list[Claim]

    def origins(self, origin_of: Callable[[Claim], str]) -> set[str]:
        return {origin_of(c) for c in self.claims}


def fuse(
    event_id: str, mentions: Sequence[Mention], articles: dict[str, Article], related: Sequence[str] = ()
) -> Event:
    """The fused record of one event from all its mentions (re-run whenever a mention joins)."""
    cited: dict[str, list[str]] = defaultdict(list)
    speakers: dict[str, list[Speaker]] = defaultdict(list)
    for mention in mentions:
        for claim in mention.claims:
            outlet = _cited_outlet_name(claim)
            if outlet and outlet not in cited[claim.article_id]:
                cited[claim.article_id].append(outlet)
            if claim.attributed_to is not None and claim.attributed_to not in speakers[claim.article_id]:
                speakers[claim.article_id].append(claim.attributed_to)
    sources = sources_of(sorted({m.article_id for m in mentions}), articles, cited, speakers)
    origin_by_article = {s.article_id: s.origin for s in sources}
    published = {s.article_id: s.published or "" for s in sources}

    def origin_of(claim: Claim) -> str:
        cited = _cited_outlet(claim)
        return cited if cited else origin_by_article.get(claim.article_id, claim.article_id)

    by_field: dict[str, list[Claim]] = defaultdict(list)
    for mention in mentions:
        for claim in mention.claims:
            by_field[_field_key(claim)].append(claim)
    _bind_roles(by_field, mentions)
    fields: dict[str, FusedField] = {}
    discrepancies: list[Discrepancy] = []
    for key in sorted(by_field):
        fused, discrepancy = _fuse_field(key, by_field[key], origin_of, published)
        fields[key] = fused
        if discrepancy:
            discrepancies.append(discrepancy)
    _localise_time(fields)
    toll_discrepancy = _toll_discrepancy(fields, origin_of)
    if toll_discrepancy:
        discrepancies.append(toll_discrepancy)
    event_type = fields.get("event_type")
    type_value = event_type.value if event_type and isinstance(event_type.value, dict) else {}
    date_field = fields.get("date") or fields.get("statement_date")  # the statement dates an undated event
    date_value = date_field.value.get("value") if date_field and isinstance(date_field.value, dict) else None
    location = fields.get("location")
    country = location.value.get("country_code") if location and isinstance(location.value, dict) else None
    event = Event(
        id=event_id,
        title="",
        event_type=type_value.get("event_type"),
        sub_event_type=type_value.get("sub_event_type"),
        date=date_value,
        fields=fields,
        discrepancies=tuple(discrepancies),
        sources=tuple(sources),
        mention_ids=tuple(m.id for m in mentions),
        related=tuple(related),
        country=country,
    )
    return _with_title(event)


def _field_key(claim: Claim) -> str:
    if claim.field == "outcome" and isinstance(claim.value, dict):
        return f"outcome:{claim.value.get('object', 'unknown')}"
    return claim.field


def _cited_outlet(claim: Claim) -> str | None:
    """The origin key of the outermost media outlet a claim is attributed through."""
    name = _cited_outlet_name(claim)
    return "outlet:" + name.casefold() if name else None


def _cited_outlet_name(claim: Claim) -> str | None:
    """The outermost media outlet a claim is attributed through ("Reuters reports, citing ...")."""
    speaker = claim.attributed_to
    while speaker is not None:
        if speaker.kind == "media outlet":
            return speaker.name
        speaker = speaker.via
    return None


# --- field fusion ------------------------------------------------------------------------------


def _fuse_field(
    key: str, claims: list[Claim], origin_of: Callable[[Claim], str], published: dict[str, str] | None = None
) -> tuple[FusedField, Discrepancy | None]:
    kind = key.split(":", 1)[0]
    unify = _UNIFIERS.get(kind, _unify_equal)
    if kind == "event_type":
        claims = _event_type_per_origin(claims, origin_of)
    other_figures: list[Claim] = []
    if kind in _RANGE_KINDS:
        claims, other_figures = _own_figures(claims)
    elif kind == "date":
        claims, other_figures = _written_dates(claims)
    groups = unify(claims)
    merged, conflict_note = _merge(kind, groups)
    history, risen = "", []
    if merged is None and kind in ("killed", "injured") and published:
        rising = _rising_toll(groups, published)
        if rising is not None:
            risen, history = rising
            merged = dict(risen[-1].value)
    wordings = tuple(dict.fromkeys(_span_text(c) for c in claims))
    origins = {origin_of(c) for c in claims}
    hedged = all(c.hedged for c in claims)
    if merged is None:
        # Tolls and counts are updated as news comes in (a victim dies in hospital): on a tie the latest
        # report's figure leads.
        dates = published if kind in _RANGE_KINDS and published else {}
        ranked = sorted(
            groups,
            key=lambda g: (
                len(g.origins(origin_of)),
                len(g.claims),
                max(dates.get(c.article_id, "") for c in g.claims),
            ),
            reverse=True,
        )
        if kind == "outcome":  # an account that names no agent takes no side on who did it
            ranked = [g for g in ranked if g.value.get("agent_class")] or ranked
        value = ranked[0].value
        positions = tuple(Position(g.value, tuple(g.claims)) for g in ranked)
        status = "disputed"
        credibility, reason = 6, f"cannot be judged: {len(ranked)} incompatible accounts ({conflict_note})"
        discrepancy = Discrepancy(key, positions, conflict_note)
    else:
        value = merged
        discrepancy = None
        distinct = len(groups) > 1 or len({_span_text(c).casefold() for c in claims}) > 1
        if len(origins) >= 2:
            status = "compatible" if distinct else "corroborated"
        else:
            status = "single-source"
        credibility, reason = _credibility(status, origins, claims)
        if history:
            # the figures differ, and the record shows each beside its report; the latest one leads
            status = "updated"
            reason = f"{reason}; the toll rose as reports came in: {history}"
            note = f"the toll rose as reports came in: {history}; the latest figure leads"
            positions = tuple(Position(g.value, tuple(g.claims)) for g in risen)
            discrepancy = Discrepancy(key, positions, note)
    fused = FusedField(
        field=key,
        value=value,
        status=status,
        claims=tuple(claims),
        credibility=credibility,
        credibility_reason=reason,
        wordings=wordings,
        independent_sources=len(origins),
        hedged=hedged,
        other_figures=tuple(other_figures),
    )
    return fused, discrepancy


def _span_text(claim: Claim) -> str:
    return claim.wording or claim.quote


def _credibility(status: str, origins: set[str], claims: list[Claim]) -> tuple[int, str]:
    """The information axis of the Admiralty scale, with the reason in words."""
    firm = [c for c in claims if not c.hedged]
    firm_origins = len(origins) if firm else 0
    if not firm:
        return 4, "doubtful: every report of it is hedged"
    if status in ("corroborated", "compatible") and firm_origins >= 2:
        if status == "corroborated":
            return 1, f"confirmed: {len(origins)} independent sources say so"
        return 2, f"probably true: {len(origins)} independent sources agree in substance, in different words"
    return 3, "possibly true: one independent source" + (
        " (hedged claims weigh less)" if len(firm) < len(claims) else ""
    )


def _merge(kind: str, groups: list[_Group]) -> tuple[Any | None, str]:
    """The reconciled value of compatible groups, or None and the conflict in words."""
    if len(groups) == 1:
        return groups[0].value, ""
    merger = _MERGERS.get(kind)
    if merger is None:
        return None, " vs ".join(_describe(g.value) for g in groups)
    return merger(groups)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        if "min" in value or "max" in value:
            return format_range(value)
        for key in ("agent", "name", "value", "sub_event_type", "status"):
            if value.get(key):
                return str(value[key])
    return str(value)


def format_range(value: dict[str, Any]) -> str:
    low, high = value.get("min"), value.get("max")
    if low == high and low is not None:
        return str(low)
    if high is None:
        return f"at least {low}" if low else "unknown"
    if low in (None, 0) and high is not None:
        return f"at most {high}"
    return f"{low}-{high}"


# Ranges: counts and tolls.
def _merge_ranges(groups: list[_Group]) -> tuple[Any | None, str]:
    """The common range of all accounts; "five" and "more than five" reconcile as "at least 5".

    A strict lower bound ("more than five", "over five") is read loosely, as news uses it: it is
    compatible with the exact number it names, and the accounts then agree on "at least" that number.
    """
    low = max((g.value.get("min") or 0) for g in groups)
    highs = [g.value.get("max") for g in groups if g.value.get("max") is not None]
    high = min(highs) if highs else None
    if high is None or low <= high:
        return {"min": low, "max": high}, ""
    loose_low = max((g.value.get("min") or 0) - (1 if g.value.get("strict_min") else 0) for g in groups)
    if loose_low <= high:
        return {"min": min(g.value.get("min") or 0 for g in groups), "max": None}, ""
    return None, " vs ".join(format_range(g.value) for g in groups)


def _reported(group: _Group, published: dict[str, str]) -> str:
    return max(published.get(c.article_id, "") for c in group.claims)


def _by_report(groups: list[_Group], published: dict[str, str]) -> list[_Group]:
    """The groups in the order their reports came (publication time; on a tie, the smaller figure first)."""
    return sorted(groups, key=lambda g: (_reported(g, published), g.value.get("min") or 0))


def _rising_toll(groups: list[_Group], published: dict[str, str]) -> tuple[list[_Group], str] | None:
    """A toll that only rises from one report to a later one (28, then 59, then 100 killed): the latest figure,
    as someone gives it (the police, an official), leads, and the figures before it are its history in words
    ("28 (police, 2024-01-30) -> 100 (police, 2024-01-31)"). None when the figures do not rise with the reports'
    times, all come at one time, or the latest is nobody's. Else the groups in report order, and the history."""
    if any(
        not _reported(g, published) or not (g.value.get("min") or 0) or any(c.negated for c in g.claims) for g in groups
    ):
        return None  # "no one was killed" against "two killed" is a disagreement, not a toll that rose
    ordered = _by_report(groups, published)
    lows = [g.value.get("min") or 0 for g in ordered]
    if len({_reported(g, published) for g in ordered}) < 2 or any(b < a for a, b in zip(lows, lows[1:], strict=False)):
        return None
    if lows[-1] <= lows[0]:
        return None
    if not any(c.attributed_to is not None for c in ordered[-1].claims):
        return None  # an update is a figure someone gives (police, officials); an unattributed one is not weighed so

    def step(group: _Group) -> str:
        claim = max(group.claims, key=lambda c: published.get(c.article_id, ""))
        speaker = claim.attributed_to.name if claim.attributed_to else None
        said = ", ".join(x for x in (speaker, _reported(group, published)[:10]) if x)
        return f"{format_range(group.value)} ({said})"

    return ordered, " -> ".join(step(g) for g in ordered)


# Fields whose values are counts (ranges).
_RANGE_KINDS = frozenset(("count", "killed", "injured", "shot"))


def _own_figures(claims: list[Claim]) -> tuple[list[Claim], list[Claim]]:
    """Each source's own figure, and the figures it also gives that do not fit it.

    An article that gives two figures for one count seldom contradicts itself: "two men dead" and "one person
    was pronounced dead on the scene" are the toll and a part of it; "five people were killed across the
    city" is a roundup around the incident. Its own figure is the one most of its statements give (its
    first on a tie, as news leads with the toll); statements that do not fit it are set aside, shown with the
    field, and not weighed against other sources. A claim credited to another outlet ("Reuters reported")
    is that outlet's figure, not the article's.
    """
    by_source: dict[tuple[str, str | None], list[Claim]] = defaultdict(list)
    for claim in claims:
        by_source[(claim.article_id, _cited_outlet(claim))].append(claim)
    kept: list[Claim] = []
    other: list[Claim] = []
    for source_claims in by_source.values():
        groups = _unify_ranges(source_claims)
        if len(groups) == 1 or _merge_ranges(groups)[0] is not None:
            kept.extend(source_claims)
            continue
        main = max(groups, key=lambda g: (len(g.claims), -source_claims.index(g.claims[0])))
        for claim in source_claims:
            fits = claim in main.claims or _merge_ranges([main, *_unify_ranges([claim])])[0] is not None
            (kept if fits else other).append(claim)
    return kept, other


def _unify_ranges(claims: list[Claim]) -> list[_Group]:
    groups: dict[tuple[Any, Any, bool], _Group] = {}
    for claim in claims:
        value = claim.value if isinstance(claim.value, dict) else {"min": claim.value, "max": claim.value}
        key = (value.get("min"), value.get("max"), bool(value.get("strict_min")))
        unified = {"min": key[0], "max": key[1]} | ({"strict_min": True} if key[2] else {})
        groups.setdefault(key, _Group(unified, [])).claims.append(claim)
    return list(groups.values())


# Dates: a day refines its month or week.
def _unify_dates(claims: list[Claim]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for claim in claims:
        value = claim.value if isinstance(claim.value, dict) else {"value": claim.value}
        key = str(value.get("value"))
        groups.setdefault(key, _Group(value, [])).claims.append(claim)
    return list(groups.values())


def _merge_dates(groups: list[_Group]) -> tuple[Any | None, str]:
    finest = min(groups, key=lambda g: (g.value.get("precision") or 9, -len(str(g.value.get("value")))))
    fine_value = str(finest.value.get("value"))
    for group in groups:
        coarse = str(group.value.get("value"))
        if not fine_value.startswith(coarse.split("T")[0][: len(coarse)]) and not _same_day(fine_value, coarse):
            return None, " vs ".join(str(g.value.get("value")) for g in groups)
    return finest.value, ""


def _written_dates(claims: list[Claim]) -> tuple[list[Claim], list[Claim]]:
    """The dates the texts give, and the days only estimated from a publication date, set aside when a text
    gives one. With estimates alone, the earliest stands (an event happened on or before its first report)."""
    estimated = [c for c in claims if isinstance(c.value, dict) and c.value.get("estimated")]
    if not estimated:
        return claims, []
    written = [c for c in claims if c not in estimated]
    if written:
        return written, estimated
    first = min(str(c.value.get("value")) for c in estimated)
    return [c for c in estimated if str(c.value.get("value")) == first], [
        c for c in estimated if str(c.value.get("value")) != first
    ]


def _same_day(a: str, b: str) -> bool:
    return a[:10] == b[:10] and len(a) >= 10 and len(b) >= 10


# Places: one place under several names, or a country refined by a town in it.
def _unify_places(claims: list[Claim]) -> list[_Group]:
    groups: list[_Group] = []
    for claim in claims:
        value = claim.value if isinstance(claim.value, dict) else {"name": str(claim.value)}
        for group in groups:
            if _same_place(group.value, value):
                group.claims.append(claim)
                group.value.setdefault("variants", [])
                name = value.get("name")
                if name and name not in group.value["variants"] and name != group.value.get("name"):
                    group.value["variants"].append(name)
                if (value.get("geo_precision") or 9) < (group.value.get("geo_precision") or 9):
                    variants = group.value["variants"] + [group.value.get("name")]
                    group.value.clear()
                    group.value.update(value, variants=[v for v in variants if v and v != value.get("name")])
                break
        else:
            groups.append(_Group(dict(value), [claim]))
    return groups


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("geonameid") and a.get("geonameid") == b.get("geonameid"):
        return True
    if _norm(a.get("name")) and _norm(a.get("name")) == _norm(b.get("name")):
        return True
    if None not in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        both_towns = a.get("geo_precision") == 1 and b.get("geo_precision") == 1
        limit = SETTINGS.same_town_km if both_towns else SETTINGS.same_place_km
        return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]) <= limit
    return False


def _merge_places(groups: list[_Group]) -> tuple[Any | None, str]:
    """A country or region is refined by a place inside it; two distinct precise places conflict."""
    precise = [g for g in groups if (g.value.get("geo_precision") or 3) <= 2 and g.value.get("feature") != "PCLI"]
    coarse = [g for g in groups if g not in precise]
    if len(precise) > 1:
        return None, " vs ".join(str(g.value.get("name")) for g in precise)
    target = precise[0] if precise else min(groups, key=lambda g: g.value.get("geo_precision") or 9)
    for group in coarse:
        if group is target:
            continue
        if group.value.get("country_code") and group.value.get("country_code") != target.value.get("country_code"):
            return None, " vs ".join(str(g.value.get("name")) for g in groups)
    value = dict(target.value)
    value["refines"] = [g.value.get("name") for g in groups if g is not target]
    return value, ""


# Categorical values (weapon, actors, event type): equal after normalisation.
def _unify_equal(claims: list[Claim]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for claim in claims:
        key = _norm(_describe(claim.value))
        groups.setdefault(key, _Group(claim.value, [])).claims.append(claim)
    return list(groups.values())


# --- roles ------------------------------------------------------------------------------------------

ROLE_FIELDS = ("actor1", "actor2", "assoc_actor")
# Actor types of armed groups outside the state: an unnamed one ("gunmen") can be a named one of any of them.
NON_STATE_ARMED = frozenset(("Rebel group", "Political militia", "Identity militia"))
# The role confidence of an actor claim that states none (claims stored before roles had confidences).
DEFAULT_ROLE_CONFIDENCE = 0.5


def _bind_roles(by_field: dict[str, list[Claim]], mentions: Sequence[Mention]) -> None:
    """Actors by role as the event's own sentences give them (in place).

    Roles belong to the act they are roles of: actor claims of sentences that report another kind of event (a
    withdrawal the group demanded, a statement about resuming attacks) are left out when the event's own kind
    of sentences are there. An actor is never both attacker and target of one event: named in both roles, it
    keeps the role its claims support more surely (summed role confidence; the target on a tie)."""
    kinds: dict[str, int] = defaultdict(int)
    for mention in mentions:
        if mention.event_type:
            kinds[mention.event_type] += 1
    own_kind = max(kinds, key=lambda k: kinds[k]) if kinds else None  # dicts keep order: the first on a tie
    if own_kind is not None:
        other = {id(c) for m in mentions if m.event_type and m.event_type != own_kind for c in m.claims}
        for field in ROLE_FIELDS:
            if field in by_field:
                by_field[field] = [c for c in by_field[field] if id(c) not in other]
    weight: dict[str, dict[str, float]] = {"actor1": defaultdict(float), "actor2": defaultdict(float)}
    for field, sums in weight.items():
        for claim in by_field.get(field, []):
            sums[_actor_key(claim.value)] += _role_confidence(claim.value)
    loses: dict[str, str] = {}  # an actor named in both roles -> the role it loses
    for key in weight["actor1"].keys() & weight["actor2"].keys():
        loses[key] = "actor1" if weight["actor2"][key] >= weight["actor1"][key] else "actor2"
    for field in ("actor1", "actor2"):
        if field in by_field:
            by_field[field] = [c for c in by_field[field] if loses.get(_actor_key(c.value)) != field]
    for field in ROLE_FIELDS:
        if field in by_field and not by_field[field]:
            del by_field[field]


def _actor_key(value: Any) -> str:
    return _norm(value.get("name")) if isinstance(value, dict) else _norm(value)


def _role_confidence(value: Any) -> float:
    confidence = value.get("role_confidence") if isinstance(value, dict) else None
    return float(confidence) if confidence is not None else DEFAULT_ROLE_CONFIDENCE


def _same_side(generic: dict[str, Any], named: dict[str, Any]) -> bool:
    """Whether an unnamed actor can be a named one: the same actor type, or armed groups outside the state both."""
    kinds = {generic.get("type"), named.get("type")}
    return len(kinds) == 1 or kinds <= NON_STATE_ARMED


def _group_confidence(group: _Group) -> float:
    return sum(_role_confidence(c.value) for c in group.claims)


def _merge_perpetrators(groups: list[_Group]) -> tuple[Any | None, str]:
    """Perpetrators: an unnamed one ("gunmen") is refined by a named one of its side (armed groups outside the
    state, or the state's forces); two named ones conflict. An unnamed attacker is never refined into an actor of
    another side: both are kept, the surer first."""
    named = [g for g in groups if isinstance(g.value, dict) and not g.value.get("generic")]
    if len({_norm(g.value.get("name")) for g in named}) > 1:
        return None, " vs ".join(str(g.value.get("name")) for g in named)
    if named:
        refined = [g for g in groups if g not in named and _same_side(g.value, named[0].value)]
        apart = [g for g in groups if g not in named and g not in refined]
        value = dict(named[0].value)
        value["refines"] = [g.value.get("name") for g in refined]
        if not apart:
            return value, ""
        merged = _Group(value, named[0].claims + [c for g in refined for c in g.claims])
        ranked = sorted([merged, *apart], key=_group_confidence, reverse=True)
        return [g.value for g in ranked], ""
    return [g.value for g in groups], ""


def _merge_targets(groups: list[_Group]) -> tuple[Any | None, str]:
    """Targets: every one is kept (several can be hit), the surest first; an unnamed one ("soldiers") is refined by
    a named one of its side ("U.S. forces")."""
    named = [g for g in groups if isinstance(g.value, dict) and not g.value.get("generic")]
    kept = [
        g
        for g in groups
        if g in named or not any(isinstance(g.value, dict) and _same_side(g.value, n.value) for n in named)
    ]
    ranked = sorted(kept, key=_group_confidence, reverse=True)
    return [g.value for g in ranked], ""


def _merge_actor_sets(groups: list[_Group]) -> tuple[Any | None, str]:
    """Several actors in one role are all kept (a coalition of groups), not a conflict."""
    return [g.value for g in groups], ""


def _merge_responsibility(groups: list[_Group]) -> tuple[Any | None, str]:
    claimed = {_norm(str(g.value.get("actor"))) for g in groups if g.value.get("status") == "claimed"}
    if len(claimed) > 1:
        return None, "claimed by " + " vs ".join(sorted(claimed))
    return [g.value for g in groups], ""


def _merge_event_types(groups: list[_Group]) -> tuple[Any | None, str]:
    types = {g.value.get("event_type") for g in groups}
    if len(types) == 1:
        ranked = sorted(groups, key=lambda g: -len(g.claims))
        subs = [g.value.get("sub_event_type") for g in ranked]
        if len(set(subs)) == 1:
            return ranked[0].value, ""
        return None, " vs ".join(str(s) for s in subs)
    return None, " vs ".join(str(g.value.get("sub_event_type")) for g in groups)


def _unify_outcomes(claims: list[Claim]) -> list[_Group]:
    """Outcomes for one thing, grouped by what was done and by whom (the class of agent)."""
    groups: dict[tuple[str, str], _Group] = {}
    for claim in claims:
        value = claim.value if isinstance(claim.value, dict) else {"action": str(claim.value)}
        key = (str(value.get("action_class")), str(value.get("agent_class")))
        groups.setdefault(key, _Group(value, [])).claims.append(claim)
    return list(groups.values())


def _merge_outcomes(groups: list[_Group]) -> tuple[Any | None, str]:
    """Accounts naming different agents for what happened to one thing conflict; an agentless one does not."""
    agents = {g.value.get("agent_class") for g in groups if g.value.get("agent_class")}
    if len(agents) > 1:
        return None, " vs ".join(
            f"{g.value.get('action')} by {g.value.get('agent')}" for g in groups if g.value.get("agent_class")
        )
    return [g.value for g in groups], ""


def _event_type_per_origin(claims: list[Claim], origin_of: Callable[[Claim], str]) -> list[Claim]:
    """Each source's own event type: the sub-type most of its sentences give (its first, on a tie).

    The event type is our reading of each source; a stray sentence of one source ("the rockets had
    failed to reach the base") does not make the sources disagree. Different readings by different
    sources do.
    """
    by_origin: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_origin[origin_of(claim)].append(claim)
    kept: list[Claim] = []
    for origin_claims in by_origin.values():
        counts: dict[str, int] = defaultdict(int)
        for claim in origin_claims:
            counts[_describe(claim.value)] += 1
        top = max(counts.values())
        winner = next(_describe(c.value) for c in origin_claims if counts[_describe(c.value)] == top)
        kept.extend(c for c in origin_claims if _describe(c.value) == winner)
    return kept


def _norm(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(value or "").casefold()).strip()


_UNIFIERS: dict[str, Callable[[list[Claim]], list[_Group]]] = {
    "count": _unify_ranges,
    "killed": _unify_ranges,
    "injured": _unify_ranges,
    "shot": _unify_ranges,
    "date": _unify_dates,
    "time": _unify_dates,
    "location": _unify_places,
    "origin": _unify_places,
    "outcome": _unify_outcomes,
}
_MERGERS: dict[str, Callable[[list[_Group]], tuple[Any | None, str]]] = {
    "count": _merge_ranges,
    "killed": _merge_ranges,
    "injured": _merge_ranges,
    "shot": _merge_ranges,
    "date": _merge_dates,
    "time": _merge_dates,
    "location": _merge_places,
    "origin": _merge_places,
    "actor1": _merge_perpetrators,
    "actor2": _merge_targets,
    "assoc_actor": _merge_actor_sets,
    "responder": _merge_actor_sets,
    "claimant": _merge_actor_sets,
    "weapon": _merge_actor_sets,
    "responsibility": _merge_responsibility,
    "event_type": _merge_event_types,
    "outcome": _merge_outcomes,
}


def _localise_time(fields: dict[str, FusedField]) -> None:
    """A clock time given as "local time" takes the time zone of the event's country when it has only one
    (Syria: Asia/Damascus), with its UTC offset on the event's date."""
    time_field, location = fields.get("time"), fields.get("location")
    if not time_field or not location or not isinstance(time_field.value, dict) or not isinstance(location.value, dict):
        return
    if time_field.value.get("timezone") not in (None, "local"):
        return
    zones = pytz.country_timezones.get(str(location.value.get("country_code") or "").upper(), [])
    if len(zones) != 1:
        return
    value = dict(time_field.value, timezone=zones[0])
    date_field = fields.get("date") or fields.get("statement_date")
    day = date_field.value.get("value") if date_field and isinstance(date_field.value, dict) else None
    if day and re.match(r"^\d{4}-\d{2}-\d{2}$", str(day)):
        moment = datetime.fromisoformat(f"{day}T{value['value']}").replace(tzinfo=ZoneInfo(zones[0]))
        value["utc_offset"] = moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
        value["datetime"] = moment.isoformat()
    fields["time"] = replace(time_field, value=value)


def toll_total(fields: dict[str, FusedField], kind: str) -> dict[str, Any] | None:
    """The total toll of one kind ("killed", "injured", "shot") over all parties, as a range; None when no
    source gives one.

    Parties overlap ("three people died, among them two children"): a count of people in general covers
    the named kinds of people, so the total is the larger of the widest count and the sum of the others.
    People shot and not killed are injured: "five people were shot" and "one died" make at least 4 injured,
    unless the sources state more injured than that.
    """
    total = stated_total(fields, kind)
    if kind != "injured":
        return total
    shot = stated_total(fields, "shot")
    if shot is None:
        return total
    killed = stated_total(fields, "killed") or {"min": 0, "max": 0}
    low = max(0, shot["min"] - (killed["max"] if killed["max"] is not None else shot["min"]))
    high = None if shot["max"] is None else max(0, shot["max"] - killed["min"])
    survivors = {"min": low, "max": high}
    if total is None or (survivors["min"], survivors["max"] is None) > (total["min"], total["max"] is None):
        return survivors
    return total


def stated_total(fields: dict[str, FusedField], kind: str) -> dict[str, Any] | None:
    """The toll of one kind the sources state, over all parties (see ``toll_total``), without counting the
    people shot and not killed as injured."""
    general, specific = [], []
    for key, fused in fields.items():
        base, _, party = key.partition(":")
        if base != kind or not isinstance(fused.value, dict) or "min" not in fused.value:
            continue
        (general if party in SETTINGS.general_parties else specific).append(fused.value)
    if not general and not specific:
        return None
    candidates = [{"min": v.get("min") or 0, "max": v.get("max")} for v in general]
    if specific:
        highs = [v.get("max") for v in specific]
        candidates.append(
            {
                "min": sum(v.get("min") or 0 for v in specific),
                "max": None if None in highs else sum(h for h in highs if h is not None),
            }
        )
    return max(candidates, key=lambda r: (r["min"], r["max"] is None, r["max"] or 0))


def _toll_discrepancy(fields: dict[str, FusedField], origin_of: Callable[[Claim], str]) -> Discrepancy | None:
    """Sources whose toll statements share no count: one gives only deaths, another only injuries.

    Counted per independent origin; a toll of zero for a party on one side does not count as a toll.
    """
    by_origin: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for key, fused in fields.items():
        kind = key.split(":", 1)[0]
        if kind not in ("killed", "injured"):
            continue
        for claim in fused.claims:
            value = claim.value if isinstance(claim.value, dict) else {}
            if (value.get("min") or 0) > 0:
                by_origin[origin_of(claim)][kind].append(claim)
    if len(by_origin) < 2:
        return None
    kinds = [frozenset(k for k, v in toll.items() if v) for toll in by_origin.values()]
    if any(a & b for i, a in enumerate(kinds) for b in kinds[i + 1 :]):
        return None
    positions = []
    for toll in by_origin.values():
        claims = tuple(c for kind_claims in toll.values() for c in kind_claims)
        summary = {f"{c.field}": c.value for c in claims}
        positions.append(Position(summary, claims))
    return Discrepancy(
        "toll",
        tuple(positions),
        "the sources report different casualties: "
        + " vs ".join(", ".join(f"{k} {format_range(v)}" for k, v in p.value.items()) for p in positions),
    )


# --- sources and independence -------------------------------------------------------------------


def sources_of(
    article_ids: Sequence[str],
    articles: dict[str, Article],
    cited: dict[str, list[str]] | None = None,
    speakers: dict[str, list[Speaker]] | None = None,
) -> list[Source]:
    """The event's sources, with rewrites detected by sentence-level text reuse, by explicit credit, and by the
    anonymous sourcing of a wire dispatch (``_wire_rewrites``).

    An article reusing most of another's sentences derives from it; of two such articles the one that
    credits the other ("draws on reporting by ..."), else the later published, else the shorter, is
    the rewrite. Each source counts towards the origin at the root of its derivation chain.
    """
    present = [aid for aid in article_ids if aid in articles]
    sentences = {aid: _content_sentences(articles[aid].text) for aid in present}
    credits = {aid: _credited_outlets(articles[aid].text) for aid in present}
    compared = _compared(present, sentences, credits, articles)
    derived: dict[str, tuple[str, str]] = {}
    for aid in present:
        for other in compared(aid):
            if other == aid or derived.get(other, ("",))[0] == aid:
                continue
            credit = _label(articles[other]).casefold() in credits[aid]
            share = _reused_share(sentences[aid], sentences[other])
            if share >= SETTINGS.article_share and (credit or _is_later(articles[aid], articles[other])):
                evidence = f"{share:.0%} of its sentences reuse the text of {_shown(articles[other])}"
                derived[aid] = (other, evidence + (", which it credits" if credit else ""))
                break
            if credit:
                derived[aid] = (other, f"it credits {_shown(articles[other])} as its source")
                break
    wires = _wire_rewrites(present, derived, speakers or {}, articles)
    sources = []
    for aid in present:
        article = articles[aid]
        origin, seen = aid, set()
        while origin in derived and origin not in seen:
            seen.add(origin)
            origin = derived[origin][0]
        if origin in wires:  # the root of the chain rewrites a wire dispatch: the wire is the origin
            origin = "outlet:" + wires[origin][0].casefold()
        parent = derived.get(aid) or wires.get(aid)
        sources.append(
            Source(
                article_id=aid,
                outlet=article.outlet,
                title=article.title,
                url=article.url,
                published=article.published,
                derived_from=parent[0] if parent else None,
                derivation=parent[1] if parent else None,
                cites=tuple((cited or {}).get(aid, ())),
                origin=origin,
                source_path=article.source_path,
            )
        )
    return sources


# An event with at most this many sources compares every pair of them for text reuse. A bigger one (a major attack
# told by thousands of short reports) compares each source with the REUSE_CANDIDATES others that share the most
# of its sentences' telling words (prefix filtering: two word sets with Jaccard >= t share one of the first
# |s| - ceil(t |s|) + 1 words of each in one fixed order, rarest first), and those it credits; a word shared by
# more than REUSE_BUCKET sources is read for its first REUSE_BUCKET. Fusion then costs about the same per
# source at any size.
REUSE_ALL_PAIRS = 60
REUSE_CANDIDATES = 40
REUSE_BUCKET = 64


def _compared(
    present: Sequence[str],
    sentences: dict[str, tuple[frozenset[str], ...]],
    credits: dict[str, frozenset[str]],
    articles: dict[str, Article],
) -> Callable[[str], Sequence[str]]:
    """The sources each source is compared with for reuse and credit, in the order of ``present``."""
    if len(present) <= REUSE_ALL_PAIRS:
        return lambda aid: present
    position = {aid: n for n, aid in enumerate(present)}
    frequency = Counter(w for aid in present for sentence in sentences[aid] for w in sentence)
    keep = 1.0 - SETTINGS.sentence_similarity
    prefixes: dict[str, list[list[str]]] = {}
    buckets: dict[str, list[str]] = defaultdict(list)
    for aid in present:
        own = []
        for sentence in sentences[aid]:
            ordered = sorted(sentence, key=lambda w: (frequency[w], w))
            prefix = ordered[: int(len(ordered) * keep) + 1]
            own.append(prefix)
            for word in prefix:
                bucket = buckets[word]
                if len(bucket) < REUSE_BUCKET and (not bucket or bucket[-1] != aid):
                    bucket.append(aid)
        prefixes[aid] = own
    by_label: dict[str, list[str]] = defaultdict(list)
    for aid in present:
        by_label[_label(articles[aid]).casefold()].append(aid)

    def compared(aid: str) -> Sequence[str]:
        shared: Counter[str] = Counter()
        for prefix in prefixes[aid]:
            shared.update({other for word in prefix for other in buckets[word]})
        shared.pop(aid, None)
        chosen = {
            other for other, _ in sorted(shared.items(), key=lambda kv: (-kv[1], position[kv[0]]))[:REUSE_CANDIDATES]
        }
        chosen.update(other for name in credits[aid] for other in by_label.get(name, ()))
        return sorted(chosen, key=position.__getitem__)

    return compared


# A speaker described, not named: "two Iraqi security officials", "a US official", "Iraqi security sources".
_ANONYMOUS = re.compile(
    r"^(?:(?:a|an|one|two|three|four|five|several|some|multiple|other|\d+)\s+)?(?:[\w.-]+\s+){0,4}?"
    r"(?:officials?|sources?|officers?)\b(?:\s+(?:and|or)\s+.*)?$",
    re.I,
)
_DESCRIPTOR_STOP = frozenset(
    "a an one two three four five several some multiple other and or the official officials source sources "
    "officer officers senior".split()
)


# An outlet's own reporting: "a defense official told Task & Purpose", "in an interview with The Times".
_OWN_REPORTING = re.compile(r"\b(?:told|speaking to|spoke to|in an interview with)\s+(?:the\s+)?[A-Z]")


def _descriptor(name: str) -> frozenset[str]:
    """The words that say whose people an anonymous speaker is: "two Iraqi security officials" -> iraqi, security."""
    return frozenset(w for w in re.findall(r"[a-z]+", name.casefold()) if w not in _DESCRIPTOR_STOP)


def _wire_rewrites(
    present: Sequence[str],
    derived: dict[str, tuple[str, str]],
    speakers: dict[str, list[Speaker]],
    articles: dict[str, Article],
) -> dict[str, tuple[str, str]]:
    """Articles that tell the event on the very anonymous sources another article credits a wire service with.

    An article of the event cites a wire for what unnamed people said ("Reuters, citing Iraqi security
    sources, reports ..."); another article gives no credit for its account but attributes it, in its own
    name, to people of that same description ("according to two Iraqi security officials and a US official").
    Wire services sell their dispatches to be rewritten; an outlet with a reporter of its own among those
    sources would say so ("told Task & Purpose"). The rewrite is not independent of the wire: its origin is the
    wire. The description must hold two words or more beyond "officials" or "sources" (not just "Iraqi"), and
    the article must not cite that wire itself (its claims then count as the wire's already).
    Returns article id -> (wire name, the evidence in words)."""
    credited: list[tuple[str, frozenset[str], str, str]] = []  # wire, descriptor, article, the sources as cited
    for aid in present:
        for speaker in speakers.get(aid, ()):
            via = speaker.via
            if speaker.kind == "media outlet" and via is not None and _ANONYMOUS.match(via.name):
                words = _descriptor(via.name)
                if len(words) >= 2:
                    credited.append((speaker.name, words, aid, via.name))
    found: dict[str, tuple[str, str]] = {}
    for aid in present:
        if aid in derived or _OWN_REPORTING.search(articles[aid].text):
            continue
        own = [
            s for s in speakers.get(aid, ()) if s.kind != "media outlet" and s.via is None and _ANONYMOUS.match(s.name)
        ]
        cited_here = {s.name.casefold() for s in speakers.get(aid, ()) if s.kind == "media outlet"}
        for wire, words, other, as_cited in credited:
            if other == aid or wire.casefold() in cited_here:
                continue
            match = next((s for s in own if words <= _descriptor(s.name)), None)
            if match is not None:
                found[aid] = (
                    wire,
                    f"it attributes its account to {match.name!r}, the sources {_shown(articles[other])} credits "
                    f"{wire} with ({as_cited!r}), and credits no reporting of its own: likely a rewrite of the "
                    f"{wire} dispatch",
                )
                break
    return found


def _label(article: Article) -> str:
    return article.outlet or article.title or article.id


def _shown(article: Article) -> str:
    """How evidence names an article: as the reports name its source (``model.source_name``)."""
    return source_name(article.outlet, article.source_path, article.title, article.id)


def _is_later(a: Article, b: Article) -> bool:
    """Whether ``a`` can be the rewrite of ``b``: published later, else shorter, else the later id."""
    if a.published and b.published and a.published != b.published:
        return a.published > b.published
    return len(a.text) < len(b.text) if len(a.text) != len(b.text) else a.id > b.id


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


# An event is re-fused with each article that joins it, reading all its articles again: what is read from an
# article's text alone is kept for the articles seen last.
@functools.lru_cache(maxsize=1024)
def _content_sentences(text: str) -> tuple[frozenset[str], ...]:
    """Each sentence as its set of content words (stop words left out)."""
    sentences = []
    for match in _SENTENCE.finditer(text):
        words = frozenset(w for w in re.findall(r"[a-z0-9]+", match.group().casefold()) if w not in STOP_WORDS)
        if len(words) >= SETTINGS.min_sentence_words:
            sentences.append(words)
    return tuple(sentences)


def _reused_share(mine: Sequence[frozenset[str]], theirs: Sequence[frozenset[str]]) -> float:
    """The share of ``mine`` whose content words are as those of a sentence of ``theirs`` (Jaccard at least
    ``sentence_similarity``)."""
    if not mine or not theirs:
        return 0.0
    threshold = SETTINGS.sentence_similarity
    # A sentence copied word for word is reused (Jaccard 1); two sentences whose sizes differ more than the
    # threshold allows cannot be (the overlap is at most the smaller, the union at least the larger): neither
    # needs the sets compared, and the pairs left are those the full comparison would count the same.
    copied = frozenset(theirs) if threshold <= 1.0 else frozenset()
    sized = [(o, len(o)) for o in theirs]
    reused = 0
    for s in mine:
        if s in copied:
            reused += 1
            continue
        n = len(s)
        for o, m in sized:
            if (n / m if n < m else m / n) < threshold:
                continue
            common = len(s & o)
            if common / (n + m - common) >= threshold:
                reused += 1
                break
    return reused / len(mine)


@functools.lru_cache(maxsize=1024)
def _credited_outlets(text: str) -> frozenset[str]:
    """Outlet names an article credits as the source of its text, lower case."""
    found = set()
    for match in _credit_pattern().finditer(text):
        name = match.group(1).strip()
        found.add(name.casefold())
        found.add(("the " + name).casefold())
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _credit_pattern() -> re.Pattern[str]:
    phrases = "|".join(re.escape(p) for p in sorted(SETTINGS.credit_phrases, key=len, reverse=True))
    return re.compile(rf"\b(?:{phrases})\s+(?:the\s+)?([^.,;\n]+)", re.I)


# --- title --------------------------------------------------------------------------------------


def _with_title(event: Event) -> Event:
    return replace(event, title=headline(event))


def headline(event: Event) -> str:
    """A one-line headline: what, where, when."""
    what = event.sub_event_type or event.event_type or "Event"
    location = event.fields.get("location")
    where = ""
    if location and isinstance(location.value, dict) and location.value.get("name"):
        where = f" at {location.value['name']}"
        country = location.value.get("country_name") or location.value.get("country_code")
        if country and country not in where:
            where += f" ({country})"
    when = f" on {event.date}" if event.date else ""
    return f"{what}{where}{when}"
