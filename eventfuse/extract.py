"""Claim extraction: from an article and its spaCy Doc, the event mentions and every claim they make.

Hands on Mentions (ACLED type, time, places, background flag) whose Claims keep span, quote, speaker and hedge.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import geo, temporal
from .model import Article, Claim, Mention, Place, Speaker, TimeValue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from .geo import Gazetteer
    from .lexicon import Lexicon

REPORTING_LEMMAS = frozenset(
    "say tell announce report claim state add confirm note write declare inform post allege quote".split()
)
CLOCK_ONLY = re.compile(r"^[\w\s.,:]*\d{1,2}[:.]\d{2}[\w\s.]*$|^[\w\s]*\d{1,2}\s*[ap]\.?m\.?[\w\s]*$", re.I)
# Below this cue score a sentence reports no event.
MIN_TRIGGER_SCORE = 1.0


@dataclass(frozen=True)
class Patterns:
    """The sentence patterns of ``data/extraction.toml``, compiled once."""

    background: tuple[re.Pattern[str], ...]
    non_event_time_prefixes: tuple[str, ...]
    killed_words: tuple[str, ...]
    injured_words: tuple[str, ...]
    people: tuple[str, ...]
    nationality: dict[str, str]
    party_synonyms: dict[str, str]
    outcome_actions: dict[str, str]
    outcome_objects: dict[str, str]
    agent_classes: dict[str, str]
    responsibility: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def load(cls) -> Patterns:
        raw = (resources.files("eventfuse") / "data" / "extraction.toml").read_text(encoding="utf-8")
        data = tomllib.loads(raw)
        toll, outcome = data["toll"], data["outcome"]
        return cls(
            background=tuple(re.compile(p, re.I) for p in data["background"]["patterns"]),
            non_event_time_prefixes=tuple(data["background"]["non_event_time_prefixes"]),
            killed_words=tuple(toll["killed"]),
            injured_words=tuple(toll["injured"]),
            people=tuple(toll["people"]),
            nationality=dict(toll["nationality"]),
            party_synonyms=dict(toll["party_synonyms"]),
            outcome_actions=dict(outcome["actions"]),
            outcome_objects=dict(outcome["objects"]),
            agent_classes=dict(outcome["agent_classes"]),
            responsibility={
                status: tuple(re.compile(p, re.I) for p in patterns)
                for status, patterns in data["responsibility"].items()
            },
        )


@dataclass
class _Sentence:
    """One sentence while it is being read: its span and the claims found so far."""

    start: int
    end: int
    text: str
    span: Span
    speaker: Speaker | None
    hedged: bool
    claims: list[Claim]


class Extractor:
    """Finds event mentions and claims. Built once (lexicon, gazetteer, compiled patterns), used for every article."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer, patterns: Patterns | None = None) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.patterns = patterns or Patterns.load()
        self._triggers = _compile_triggers(lexicon)
        self._numbers = _number_words(lexicon)
        number = r"(?:\d[\d,]*|" + "|".join(sorted(map(re.escape, self._numbers), key=len, reverse=True)) + r")"
        qualifier = "|".join(sorted(map(re.escape, _qualifiers(lexicon)), key=len, reverse=True))
        self._quantity = rf"(?P<qual>(?:{qualifier})\s+)?(?P<num>{number})"
        weapons = _weapon_words(lexicon)
        self._weapon_re = re.compile(
            rf"\b{self._quantity}\s+(?:[\w-]+\s+){{0,2}}?(?P<weapon>{'|'.join(sorted(map(re.escape, weapons), key=len, reverse=True))})\b",
            re.I,
        )
        self._weapon_words = weapons
        self._weapon_mention_re = re.compile(
            r"\b(" + "|".join(sorted(map(re.escape, weapons), key=len, reverse=True)) + r")\b", re.I
        )
        people = "|".join(sorted(map(re.escape, self.patterns.people), key=len, reverse=True))
        party = rf"(?P<party>(?:[\w.'-]+\s+){{0,3}}?(?:{people}))"
        killed = "|".join(sorted(map(re.escape, self.patterns.killed_words), key=len, reverse=True))
        injured = "|".join(sorted(map(re.escape, self.patterns.injured_words), key=len, reverse=True))
        verb = rf"(?P<verb>{killed}|{injured})"
        be = r"(?:were|was|have been|has been|had been|are|is)\s+(?:\w+\s+)?"
        self._toll_res = (
            re.compile(rf"\b(?P<neg>no|none of the|not a single)\s+{party}\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{self._quantity}\s+(?:of\s+the\s+)?{party}\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{verb}\s+{self._quantity}\s+{party}\b", re.I),
            re.compile(rf"\b(?P<verb>claimed the lives? of|claiming the lives? of)\s+{self._quantity}\s+{party}", re.I),
            re.compile(rf"\b(?P<neg>no one|nobody)\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{self._quantity}\s+{be}{verb}\b", re.I),
        )
        self._hedges = _compile_hedges(lexicon)

    # --- the entry point ------------------------------------------------------------------------

    def extract(self, article: Article, doc: Doc) -> list[Mention]:
        """Every sentence that reports an event or states a claim about one, as a Mention with its claims."""
        text = article.text
        timexes = temporal.find_timexes(text, article.published)
        sentences = list(doc.sents)
        spans = [(s.start_char, s.end_char) for s in sentences]
        places = geo.assign_roles(text, geo.resolve_places(text, geo.find_toponyms(doc), self.gazetteer), spans)
        actor_matches = self._actor_matches(text, doc)
        mentions: list[Mention] = []
        last_object: str | None = None
        last_speaker: Speaker | None = None
        for index, sent in enumerate(sentences):
            s_start, s_end = sent.start_char, sent.end_char
            s_text = text[s_start:s_end]
            speaker = self._speaker(sent, last_speaker)
            if speaker is not None:
                last_speaker = speaker
            state = _Sentence(s_start, s_end, s_text, sent, speaker, self._is_hedged(s_text), [])
            trigger = self._trigger(s_text)
            background = any(p.search(s_text) for p in self.patterns.background)
            outcomes, last_object = self._outcomes(article, state, last_object)
            sent_places = tuple(p for p in places if s_start <= p.start < s_end)
            sent_times = [t for t in timexes if s_start <= t.start < s_end]
            event_time = self._event_time(s_text, s_start, sent_times)
            reports_event = trigger is not None and not background and not outcomes
            if reports_event:
                self._event_type_claim(article, state, trigger)
                self._time_claims(article, state, event_time)
                self._actor_claims(article, state, actor_matches, trigger)
            if not background:
                self._place_claims(article, state, sent_places)
                self._weapon_claims(article, state)
                self._toll_claims(article, state)
                self._responsibility_claims(article, state, actor_matches)
                state.claims.extend(outcomes)
            if not state.claims and trigger is None:
                continue
            sub = trigger[0] if trigger else None
            mentions.append(
                Mention(
                    id=f"{article.id}:{index}",
                    article_id=article.id,
                    start=s_start,
                    end=s_end,
                    text=s_text,
                    event_type=sub.event_type if sub and reports_event else None,
                    sub_event_type=sub.name if sub and reports_event else None,
                    plover_event=sub.plover_event if sub and reports_event else None,
                    plover_mode=sub.plover_mode if sub and reports_event else None,
                    background=background and trigger is not None,
                    time=event_time if reports_event else None,
                    places=sent_places,
                    claims=tuple(state.claims) if not background else (),
                )
            )
        return mentions

    # --- event type -----------------------------------------------------------------------------

    def _trigger(self, text: str) -> tuple[Any, int, int] | None:
        """The best sub-event type by cue weight, with the span of its strongest cue (offsets in ``text``)."""
        best: tuple[float, Any, int, int] | None = None
        for sub, pattern, weights in self._triggers:
            total, first = 0.0, None
            for match in pattern.finditer(text):
                weight = weights.get(match.group(0).casefold(), 1.0)
                total += weight
                if first is None or weight > first[0]:
                    first = (weight, match.start(), match.end())
            if first and total >= MIN_TRIGGER_SCORE and (best is None or total > best[0]):
                best = (total, sub, first[1], first[2])
        return (best[1], best[2], best[3]) if best else None

    def _event_type_claim(self, article: Article, state: _Sentence, trigger: tuple[Any, int, int]) -> None:
        sub, start, end = trigger
        value = {"event_type": sub.event_type, "sub_event_type": sub.name}
        state.claims.append(self._claim(article, state, "event_type", value, start, end))

    # --- time -----------------------------------------------------------------------------------

    def _event_time(self, s_text: str, s_start: int, times: Sequence[TimeValue]) -> TimeValue | None:
        usable = []
        for tv in times:
            before = s_text[max(0, tv.start - s_start - 40) : tv.start - s_start].casefold()
            if any(before.rstrip().endswith(p) for p in self.patterns.non_event_time_prefixes):
                continue
            usable.append(tv)
        return temporal.event_time(usable) if usable else None

    def _time_claims(self, article: Article, state: _Sentence, tv: TimeValue | None) -> None:
        if tv is None or not tv.value:
            return
        start, end = tv.start - state.start, tv.end - state.start
        date_part, _, clock = tv.value.partition("T")
        clock_only = bool(CLOCK_ONLY.match(tv.text)) and not re.search(
            r"(mon|tues|wednes|thurs|fri|satur|sun)day|\d{4}", tv.text, re.I
        )
        if not clock_only and re.match(r"^\d{4}(-\d{2}){1,2}$|^\d{4}-W\d{2}$", date_part):
            value = {"value": date_part, "precision": tv.precision, "text": tv.text}
            state.claims.append(self._claim(article, state, "date", value, start, end, wording=tv.text))
        if clock and re.match(r"^\d{2}:\d{2}", clock):
            value = {"value": clock[:5], "timezone": tv.timezone or "local", "text": tv.text}
            state.claims.append(self._claim(article, state, "time", value, start, end, wording=tv.text))

    # --- places ---------------------------------------------------------------------------------

    def _place_claims(self, article: Article, state: _Sentence, places: Iterable[Place]) -> None:
        for place in places:
            if place.role not in ("target", "origin") or place.lat is None:
                continue
            value = {
                "name": place.resolved_name or place.name,
                "as_written": place.name,
                "geonameid": place.geonameid,
                "lat": place.lat,
                "lon": place.lon,
                "country_code": place.country_code,
                "admin1": place.admin1,
                "admin2": place.admin2,
                "feature": place.feature,
                "geo_precision": place.geo_precision,
                "reason": place.reason,
            }
            field = "location" if place.role == "target" else "origin"
            start, end = place.start - state.start, place.end - state.start
            state.claims.append(self._claim(article, state, field, value, start, end, wording=place.name))

    # --- actors ---------------------------------------------------------------------------------

    def _actor_matches(self, text: str, doc: Doc) -> list[tuple[int, int, str, Any]]:
        """Lexicon actors named in the text, plus organisation names spaCy finds that fuzzily match one."""
        found = [(m.start, m.end, m.surface, m.actor) for m in self.lexicon.find_actors(text)]
        taken = [(s, e) for s, e, _, _ in found]
        for ent in doc.ents:
            if ent.label_ not in ("ORG", "PERSON", "NORP"):
                continue
            if any(s < ent.end_char and ent.start_char < e for s, e in taken):
                continue
            actor = self.lexicon.match_actor(ent.text)
            if actor is not None:
                found.append((ent.start_char, ent.end_char, ent.text, actor))
        return sorted(found, key=lambda m: m[0])

    def _actor_claims(
        self,
        article: Article,
        state: _Sentence,
        matches: Sequence[tuple[int, int, str, Any]],
        trigger: tuple[Any, int, int],
    ) -> None:
        """Actors of an event sentence by role: named before the trigger act, after at/on/against are targeted."""
        trigger_at = state.start + trigger[1]
        for start, end, surface, actor in matches:
            if not state.start <= start < state.end:
                continue
            before = state.text[: start - state.start].casefold()
            if start < trigger_at and not re.search(r"\b(by|at|on|against|targeting)\s+(the\s+)?$", before):
                role = "actor1"
            elif re.search(
                r"\b(at|on|against|targeting|targeted|toward|towards|hit|struck)\s+(the\s+|a\s+|an\s+)?$", before
            ):
                role = "actor2"
            elif re.search(r"\bby\s+(the\s+)?$", before) and start > trigger_at:
                role = "actor1"
            else:
                role = "assoc_actor"
            value = {"name": actor.name, "type": actor.type, "country": actor.country or None}
            state.claims.append(
                self._claim(article, state, role, value, start - state.start, end - state.start, wording=surface)
            )

    def _responsibility_claims(
        self, article: Article, state: _Sentence, matches: Sequence[tuple[int, int, str, Any]]
    ) -> None:
        for status, patterns in self.patterns.responsibility.items():
            for pattern in patterns:
                match = pattern.search(state.text)
                if not match:
                    continue
                actors = [(s, surface, actor) for s, e, surface, actor in matches if state.start <= s < state.end]
                actor = None
                if actors:
                    # the claimant names itself before "claimed"; the accused comes after "blamed"
                    before = [a for a in actors if a[0] - state.start < match.start()]
                    after = [a for a in actors if a[0] - state.start >= match.start()]
                    pick = (after or before) if status == "attributed" else (before or after)
                    actor = pick[0][2].name if pick else None
                value = {"status": status.replace("_", " "), "actor": actor}
                state.claims.append(self._claim(article, state, "responsibility", value, match.start(), match.end()))
                return

    # --- weapons and counts ---------------------------------------------------------------------

    def _weapon_claims(self, article: Article, state: _Sentence) -> None:
        counted: set[tuple[int, int]] = set()
        for match in self._weapon_re.finditer(state.text):
            weapon = _singular(match.group("weapon").casefold())
            low, high = self._range(match.group("qual"), match.group("num"))
            if low is None:
                continue
            value = {"min": low, "max": high}
            wording = state.text[match.start() : match.end()]
            claim = self._claim(article, state, f"count:{weapon}", value, match.start(), match.end(), wording=wording)
            state.claims.append(claim)
            counted.add((match.start("weapon"), match.end("weapon")))
        for match in self._weapon_mention_re.finditer(state.text):
            weapon = _singular(match.group(1).casefold())
            state.claims.append(
                self._claim(article, state, "weapon", weapon, match.start(), match.end(), wording=match.group(1))
            )

    def _range(self, qualifier: str | None, number: str) -> tuple[int | None, int | None]:
        value = _parse_number(number, self._numbers)
        if value is None:
            return None, None
        low, high = _qualified(value, (qualifier or "").strip().casefold(), self.lexicon)
        return low, high

    # --- tolls ----------------------------------------------------------------------------------

    def _toll_claims(self, article: Article, state: _Sentence) -> None:
        taken: list[tuple[int, int]] = []
        last_party: str | None = None
        for pattern in self._toll_res:
            for match in pattern.finditer(state.text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                groups = match.groupdict()
                verb = groups["verb"].casefold()
                kind = "killed" if _is_kill(verb, self.patterns.killed_words) else "injured"
                if groups.get("neg"):
                    low, high = 0, 0
                else:
                    low, high = self._range(groups.get("qual"), groups.get("num") or "")
                    if low is None:
                        continue
                party_phrase = groups.get("party") or ""
                party, party_words = self._party(party_phrase) if party_phrase else (last_party or "people", "")
                last_party = party
                value = {"min": low, "max": high, "party": party_words or party}
                wording = state.text[match.start() : match.end()]
                state.claims.append(
                    self._claim(
                        article,
                        state,
                        f"{kind}:{party}",
                        value,
                        match.start(),
                        match.end(),
                        wording=wording,
                        negated=bool(groups.get("neg")),
                    )
                )
                taken.append((match.start(), match.end()))
                if kind == "injured" and verb == "casualties":
                    continue

    def _party(self, phrase: str) -> tuple[str, str]:
        """The party key a toll is about (its head noun, unified) and its words as written."""
        words = phrase.casefold().split()
        head = words[-1] if words else "people"
        if len(words) >= 2 and " ".join(words[-2:]) in self.patterns.party_synonyms:
            head = " ".join(words[-2:])
        key = self.patterns.party_synonyms.get(head, head)
        return key, phrase.strip()

    # --- outcomes -------------------------------------------------------------------------------

    def _outcomes(self, article: Article, state: _Sentence, last_object: str | None) -> tuple[list[Claim], str | None]:
        """What happened to things after the attack: "a coalition fighter destroyed the launcher"."""
        claims: list[Claim] = []
        actions, objects = self.patterns.outcome_actions, self.patterns.outcome_objects
        for token in state.span:
            lower = token.lower_
            thing = _object_class(token, objects)
            if thing:
                last_object = thing  # "found the vehicle ... and burned it": "it" is the last thing named
            if lower not in actions or token.dep_ == "amod":
                continue
            target = _outcome_object(token)
            if target is None:
                continue
            object_class = _object_class(target, objects)
            if object_class is None and target.lower_ in ("it", "its", "them") and last_object:
                object_class = last_object
            if object_class is None:
                continue
            last_object = object_class
            agent = _outcome_agent(token)
            agent_text = _phrase(agent) if agent is not None else None
            agent_class = self._agent_class(agent_text)
            value = {
                "object": object_class,
                "action": lower,
                "action_class": actions[lower],
                "agent": agent_text,
                "agent_class": agent_class,
            }
            start = min(token.idx, target.idx) - state.start
            end = max(token.idx + len(token), target.idx + len(target)) - state.start
            if agent is not None:
                start = min(start, agent.left_edge.idx - state.start)
                end = max(end, agent.right_edge.idx + len(agent.right_edge) - state.start)
            claims.append(self._claim(article, state, "outcome", value, start, end, wording=state.text[start:end]))
            if agent_text and agent_class:
                responder = {"name": agent_text, "type": agent_class}
                claims.append(self._claim(article, state, "responder", responder, start, end, wording=agent_text))
        return claims, last_object

    def _agent_class(self, agent: str | None) -> str | None:
        if not agent:
            return None
        lowered = agent.casefold()
        for word, cls in sorted(self.patterns.agent_classes.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return cls
        return lowered

    # --- speakers and hedges --------------------------------------------------------------------

    def _speaker(self, sent: Span, previous: Speaker | None) -> Speaker | None:
        """Who the sentence attributes its content to, with nesting ("Reuters, citing Iraqi sources")."""
        text = sent.text
        according = re.search(r"\baccording to\s+(?P<who>[^,.;:]+)", text, re.I)
        via = None
        if according:
            via = self._typed_speaker(according.group("who"))
        citing = re.search(r"\bciting\s+(?P<who>[^,.;:]+)", text, re.I)
        if citing:
            via = self._typed_speaker(citing.group("who"))
        reporter = None
        for token in sent:
            if token.lemma_ in REPORTING_LEMMAS and token.pos_ in ("VERB", "AUX"):
                subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subject is not None and subject.lower_ not in (
                    "it",
                    "they",
                    "he",
                    "she",
                    "we",
                    "i",
                    "that",
                    "which",
                ):
                    reporter = self._typed_speaker(_phrase(subject, drop=("appos", "relcl", "acl", "punct")))
                    break
                if subject is not None and subject.lower_ in ("he", "she", "they") and previous is not None:
                    reporter = previous
                    break
        if reporter is not None and via is not None and reporter.name != via.name:
            return Speaker(reporter.name, reporter.kind, via)
        return reporter or via

    def _typed_speaker(self, words: str) -> Speaker:
        name = re.sub(r"\s+", " ", words).strip(" ,.;:\"'“”")
        return Speaker(name=name, kind=self.lexicon.speaker_kind(name))

    def _is_hedged(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self._hedges)

    # --- claims ---------------------------------------------------------------------------------

    def _claim(
        self,
        article: Article,
        state: _Sentence,
        field: str,
        value: Any,
        start: int,
        end: int,
        wording: str | None = None,
        negated: bool = False,
    ) -> Claim:
        """A claim; ``start``/``end`` are offsets in the sentence and become offsets in the article."""
        return Claim(
            article_id=article.id,
            field=field,
            value=value,
            start=state.start + start,
            end=state.start + end,
            quote=state.text.strip(),
            attributed_to=state.speaker,
            hedged=state.hedged,
            negated=negated,
            wording=wording,
        )


# --- lexicon adapters ---------------------------------------------------------------------------


def _compile_triggers(lexicon: Lexicon) -> list[tuple[Any, re.Pattern[str], dict[str, float]]]:
    compiled = []
    for sub in lexicon.sub_event_types:
        weights = {cue.casefold(): float(weight) for cue, weight in lexicon.cue_weights(sub).items()}
        if not weights:
            continue
        alternatives = "|".join(sorted(map(re.escape, weights), key=len, reverse=True))
        compiled.append((sub, re.compile(rf"\b(?:{alternatives})\b", re.I), weights))
    return compiled


def _compile_hedges(lexicon: Lexicon) -> tuple[re.Pattern[str], ...]:
    cues = [cue for cue, strength in lexicon.hedge_cues().items() if strength >= 0.5]
    if not cues:
        return ()
    return (re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, cues), key=len, reverse=True)) + r")\b", re.I),)


def _number_words(lexicon: Lexicon) -> dict[str, tuple[int, int | None]]:
    return {word.casefold(): rng for word, rng in lexicon.number_words().items()}


def _qualifiers(lexicon: Lexicon) -> list[str]:
    return list(lexicon.quantity_qualifiers())


def _weapon_words(lexicon: Lexicon) -> list[str]:
    return sorted({w.casefold() for w in lexicon.weapon_words()})


def _qualified(value: tuple[int, int | None], qualifier: str, lexicon: Lexicon) -> tuple[int, int | None]:
    return lexicon.apply_qualifier(value, qualifier)


def _parse_number(number: str, words: dict[str, tuple[int, int | None]]) -> tuple[int, int | None] | None:
    cleaned = number.replace(",", "").strip().casefold()
    if cleaned.isdigit():
        n = int(cleaned)
        return n, n
    return words.get(cleaned)


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_kill(verb: str, killed_words: Sequence[str]) -> bool:
    return verb in killed_words or verb.startswith(("claimed the li", "claiming the li", "kill"))


# --- dependency helpers -------------------------------------------------------------------------


def _phrase(token: Token, drop: tuple[str, ...] = ("relcl", "acl", "appos", "punct")) -> str:
    """A token's subtree as text, without relative clauses and appositions."""
    skipped: set[int] = set()
    for child in token.children:
        if child.dep_ in drop:
            skipped.update(t.i for t in child.subtree)
    words = [t for t in token.subtree if t.i not in skipped]
    if not words:
        return token.text
    doc = token.doc
    return (
        doc[words[0].i : words[-1].i + 1].text
        if len(words) == words[-1].i - words[0].i + 1
        else " ".join(t.text for t in words)
    )


def _object_class(token: Token, objects: dict[str, str]) -> str | None:
    lower = token.lower_
    compound = " ".join(c.lower_ for c in token.children if c.dep_ == "compound")
    if compound and f"{compound} {lower}" in objects:
        return objects[f"{compound} {lower}"]
    return objects.get(lower)


def _outcome_object(token: Token) -> Token | None:
    """The thing an action is done to: the object (active), the subject (passive), or "its" of a noun."""
    if token.pos_ == "NOUN":
        return next((c for c in token.children if c.dep_ == "poss"), None)
    obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
    if obj is not None:
        return obj
    return next((c for c in token.children if c.dep_ == "nsubjpass"), None)


def _outcome_agent(token: Token) -> Token | None:
    """Who did it: the active subject (inherited along conjunctions), the passive "by" agent, or, for
    "X was the cause of its destruction", X."""
    if token.pos_ == "NOUN":
        head = token.head
        while head is not None and head.dep_ in ("pobj", "prep", "attr", "dobj") and head.head is not head:
            head = head.head
            if head.pos_ in ("AUX", "VERB"):
                break
        if head is not None and head.pos_ in ("AUX", "VERB"):
            return next((c for c in head.children if c.dep_ == "nsubj"), None)
        return None
    agent = next((c for c in token.children if c.dep_ == "agent"), None)
    if agent is not None:
        return next((c for c in agent.children if c.dep_ == "pobj"), None)
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    current = token
    while subject is None and current.dep_ == "conj" and current.head is not current:
        current = current.head
        subject = next((c for c in current.children if c.dep_ == "nsubj"), None)
    return subject


__all__ = ["Extractor", "Patterns"]
