"""Claim extraction: from an article and its spaCy Doc, the event mentions and every claim they make.

Hands on Mentions (ACLED type, time, places, background flag) whose Claims keep span, quote, speaker and hedge.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from . import geo, temporal
from .datafiles import load_toml
from .model import Article, Claim, Mention, Place, Speaker, TimeValue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from .geo import Gazetteer
    from .lexicon import Lexicon
    from .lexicon.records import ActorCue, OtherEventType, SubEventType

# Parts of an agent's phrase that say where or when, not who ("a drone near Dujail minutes after").
AGENT_DROP = ("relcl", "acl", "appos", "punct", "prep", "npadvmod", "advmod")
# The dependency relation of an actor's phrase to the event verb -> its role.
ROLE_BY_DEP = {"nsubj": "actor1", "agent": "actor1", "nsubjpass": "actor2", "dobj": "actor2", "obj": "actor2"}
TARGET_PREPOSITIONS = frozenset("at on against toward towards targeting into".split())
CLOCK_ONLY = re.compile(r"^[\w\s.,:]*\d{1,2}[:.]\d{2}[\w\s.]*$|^[\w\s]*\d{1,2}\s*[ap]\.?m\.?[\w\s]*$", re.I)
# Words that end a "number ... weapon" phrase: "on April 5, when two rockets" counts two rockets, not five.
COUNT_BREAKERS = r"(?:when|and|or|of|the|were|was|which|that|had|have|at|in|on|to|from|by|with|as|after|before)"
# Words that refer back to the reported event without saying what kind it was.
EVENT_REFERENCE = re.compile(r"\bthe (attack|strike|bombing|assault|raid|incident|blast|explosion)\b", re.I)
# A sentence about attacks: an armed group speaking in it makes a statement about the event.
ATTACK_WORDS = re.compile(r"\b(attack|attacks|strike|strikes|rockets?|bombing|operation)\b", re.I)
STATEMENT_NOUNS = frozenset("statement briefing conference interview post announcement communique".split())
NEGATED_CUE = re.compile(r"\b(no|not|never|without|denied|deny|denies)\s+(\w+\s+){0,2}$", re.I)
# Ordinal words are not counts ("at first whether the rockets ...").
ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())
# Below this cue score a sentence reports no event.
MIN_TRIGGER_SCORE = 0.5
# Weight of event cues after a text's first sentence (a report leads with its event; later sentences add
# context, earlier events and reactions).
LATER_SENTENCE_WEIGHT = 0.4
# A sentence ends at ., ! or ? (a closing quote or bracket may follow) before a capital, a digit or a quote.
SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)\]]?\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")
# The agent of a passive after a cue: "was captured by", "were seized on Sunday by".
BY_AGENT = re.compile(r"\s+(?:[\w-]+\s+){0,3}?by\s+(?:the\s+)?", re.I)
# A person's death told without a toll word ("he died at the scene").
DIED = r"died|dies|succumbed|lost (?:his|her) life"
# What ends a clause between a cue and its target.
CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:according|said|says|while|when|after|before|as)\b", re.I)
# "were killed", "have been attacked": the target of the cue that follows is named before it.
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?$", re.I)
# A first "sentence" shorter than this is a kicker or dateline ("News India."), and the lead goes on.
MIN_LEAD_WORDS = 5
# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset("mr mrs ms dr st gen col lt sgt capt maj rev no jan feb aug sept oct nov dec vs".split())
# Hedge cues at least this strong (0-1, lexicon hedges.toml) make a sentence's claims hedged.
MIN_HEDGE_STRENGTH = 0.4


@dataclass(frozen=True)
class Patterns:
    """The sentence patterns of ``data/extraction.toml``, compiled once."""

    background: tuple[re.Pattern[str], ...]
    recall_days: int
    non_event_time_prefixes: tuple[str, ...]
    killed_words: tuple[str, ...]
    injured_words: tuple[str, ...]
    shot_words: tuple[str, ...]
    people: tuple[str, ...]
    demonyms: dict[str, str]
    party_synonyms: dict[str, str]
    outcome_actions: dict[str, str]
    outcome_objects: dict[str, str]
    agent_classes: dict[str, str]
    responsibility: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def load(cls) -> Patterns:
        data = load_toml("extraction.toml")
        toll, outcome = data["toll"], data["outcome"]
        return cls(
            background=tuple(re.compile(p, re.I) for p in data["background"]["patterns"]),
            recall_days=int(data["background"]["recall_days"]),
            non_event_time_prefixes=tuple(data["background"]["non_event_time_prefixes"]),
            killed_words=tuple(toll["killed"]),
            injured_words=tuple(toll["injured"]),
            shot_words=tuple(toll["shot"]),
            people=tuple(toll["people"]),
            demonyms=dict(data["demonyms"]),
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
        self._numbers = _number_words(lexicon)
        self._qualifiers = {q.phrase.casefold(): q for q in lexicon.numbers.qualifiers}
        self._reporting_verbs = frozenset(v.casefold() for v in lexicon.attribution.reporting_verbs)
        qualifier = "|".join(sorted(map(re.escape, self._qualifiers), key=len, reverse=True))
        counted = sorted((w for w in self._numbers if w not in ("a", "an")), key=len, reverse=True)
        number = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?![\d,]\d)|" + "|".join(map(re.escape, counted)) + r")"
        # "a" and "an" count people in tolls ("claimed the life of an officer"), not weapons ("an aircraft").
        person_number = r"(?:an|a|" + number[3:]
        self._quantity = rf"(?P<qual>(?:{qualifier})\s+)?(?P<num>{number})"
        self._person_quantity = rf"(?P<qual>(?:{qualifier})\s+)?(?P<num>{person_number})"
        self._weapon_names = {cue.casefold(): w.name for w in lexicon.weapons for cue in w.cues}
        weapons = sorted(self._weapon_names)
        self._weapon_re = re.compile(
            rf"\b{self._quantity}\s+(?:(?!{COUNT_BREAKERS}\b)[\w-]+\s+){{0,2}}?(?P<weapon>{'|'.join(sorted(map(re.escape, weapons), key=len, reverse=True))})\b",
            re.I,
        )
        self._toll_res = self._toll_patterns(number, qualifier)
        # Every toll pattern needs one of these words: a sentence without any is skipped before the patterns.
        self._toll_cue = re.compile(
            r"\b(?:"
            + "|".join(sorted(map(re.escape, self._toll_words), key=len, reverse=True))
            + rf"|{DIED}|claim(?:ed|ing) the li(?:fe|ves))",
            re.I,
        )

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
        last_object: tuple[int, str] | None = None  # the thing named last, with its sentence index
        last_speaker: Speaker | None = None
        for index, sent in enumerate(sentences):
            s_start, s_end = sent.start_char, sent.end_char
            s_text = text[s_start:s_end]
            speaker, speaker_spans = self._speaker(sent, last_speaker)
            if speaker is not None:
                last_speaker = speaker
            state = _Sentence(s_start, s_end, s_text, sent, speaker, self._is_hedged(s_text), [])
            trigger = None if _is_stative(sent) else self._trigger(s_text)
            background = any(p.search(s_text) for p in self.patterns.background)
            # "it" refers to a thing named in the same or the previous sentence, not further back
            recent = last_object[1] if last_object and last_object[0] >= index - 1 else None
            outcomes, named = self._outcomes(article, state, recent)
            if named:
                last_object = (index, named)
            sent_places = tuple(p for p in places if s_start <= p.start < s_end)
            sent_times = [t for t in timexes if s_start <= t.start < s_end]
            event_time, statement_time = self._event_time(sent, sent_times)
            event_time = _not_after_report(event_time, article.published)
            # A response ("a coalition fighter destroyed the launcher") is not the event, unless the sentence
            # also reports the event in words of its own ("... the truck used to fire rockets at the base").
            reports_event = (
                trigger is not None
                and not background
                and not any(c.start <= s_start + trigger[1] < c.end for c in outcomes)
            )
            if reports_event and trigger is not None:
                sent_places = _with_event_target(_with_origins(text, sent_places))
                self._event_type_claim(article, state, trigger)
                self._time_claims(article, state, event_time or statement_time, statement=event_time is None)
                self._actor_claims(article, state, actor_matches, trigger, speaker_spans)
            if not background:
                if trigger is not None:  # places, weapons and counts belong to the event only in its sentences
                    self._place_claims(article, state, sent_places)
                    self._weapon_claims(article, state)
                elif EVENT_REFERENCE.search(s_text):
                    # "The attack was launched toward the Kharab al-Jir base": where the event already named was
                    self._place_claims(article, state, _with_origins(text, sent_places))
                self._toll_claims(article, state)
                self._responsibility_claims(article, state, actor_matches, speaker_spans)
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
                    time=(event_time or statement_time) if reports_event else None,
                    places=sent_places,
                    claims=tuple(state.claims) if not background else (),
                )
            )
        return self._mark_recalled(mentions)

    def _mark_recalled(self, mentions: list[Mention]) -> list[Mention]:
        """Event sentences dated well before the article's lead event recall an earlier event: background."""
        days = [
            m.time.value[:10] for m in mentions if m.event_type and m.time and m.time.value and m.time.precision == 1
        ]
        if not days or not re.match(r"^\d{4}-\d{2}-\d{2}$", days[0]):
            return mentions
        cutoff = (date.fromisoformat(days[0]) - timedelta(days=self.patterns.recall_days)).isoformat()
        marked = []
        for mention in mentions:
            # a coarser date recalls an earlier event when all of it is before the cutoff ("in February")
            last = _last_day(mention.time.value) if mention.event_type and mention.time and mention.time.value else None
            if last is not None and last < cutoff:
                mention = dataclasses.replace(mention, background=True, claims=())
            marked.append(mention)
        return marked

    # --- event type -----------------------------------------------------------------------------

    def classify(
        self, text: str, *, min_score: float = MIN_TRIGGER_SCORE, acled_only: bool = False
    ) -> SubEventType | OtherEventType | None:
        """The event class a text reports by summed cue weight: an ACLED sub-event type, or (unless
        ``acled_only``) one of the lexicon's non-ACLED classes (CASE's natural disaster, crime ...); None
        when no class reaches ``min_score``."""
        best = self._best_cue(text, min_score=min_score, acled_only=acled_only)
        return self._event_class(best[1]) if best is not None else None

    def _best_cue(self, text: str, *, min_score: float, acled_only: bool) -> tuple[float, str, int, int] | None:
        """The best-scoring event class with its strongest cue, after precedence: a class the lexicon says
        ``overrides`` the best one wins when it is cued as an event too, counting its ``override_cues``
        ("protesters threw stones" at a rally is a violent demonstration, mortar rounds carrying poison gas
        a chemical weapon)."""
        scores, extra, spans = self._cue_scores(text, acled_only=acled_only)
        ranked = sorted(((score, label) for label, score in scores.items() if label in spans), reverse=True)
        if not ranked or ranked[0][0] < min_score:
            return None
        score, best = ranked[0]
        labels = set(spans) | set(extra)
        for _ in range(len(labels)):  # precedence chains (violent > excessive force > intervention > peaceful)
            contenders = [
                (scores.get(label, 0.0) + extra.get(label, 0.0), label)
                for label in labels
                if best in self.lexicon.overrides(label)
            ]
            contenders = [c for c in contenders if c[0] >= MIN_TRIGGER_SCORE]
            if not contenders:
                break
            score, best = max(contenders)
        start, end = spans.get(best) or spans[ranked[0][1]]
        return score, best, start, end

    def _ranked_cues(self, text: str, *, acled_only: bool) -> list[tuple[float, str, int, int]]:
        """Event classes by summed cue weight (negative cues subtract), best first, each with its strongest cue."""
        scores, _, spans = self._cue_scores(text, acled_only=acled_only)
        ranked = sorted(((score, label) for label, score in scores.items() if label in spans), reverse=True)
        return [(score, label, *spans[label]) for score, label in ranked]

    def _cue_scores(
        self, text: str, *, acled_only: bool
    ) -> tuple[dict[str, float], dict[str, float], dict[str, tuple[int, int]]]:
        """Per event class: summed cue weight (negative cues subtract), summed override-only cue weight, and
        the span of its strongest cue. Cues after the first sentence count ``LATER_SENTENCE_WEIGHT``: a
        report leads with its event."""
        scores: dict[str, float] = {}
        extra: dict[str, float] = {}
        strongest: dict[str, tuple[float, int, int]] = {}
        lead_end = _lead_end(text)
        actors: list[tuple[int, int, str]] | None = None  # found only when an actor cue needs them
        for match in self.lexicon.find_event_cues(text):
            if NEGATED_CUE.search(text[max(0, match.start - 24) : match.start]):
                continue  # "There was no drone strike", "No group immediately claimed responsibility"
            scale = 1.0 if match.start < lead_end else LATER_SENTENCE_WEIGHT
            for cue in match.values:
                if acled_only and not cue.acled:
                    continue
                weight = cue.weight * scale
                label = cue.label
                if cue.actor_cue is not None:
                    if actors is None:
                        actors = self._actors(text)
                    label = _actor_cue_class(text, match.start, match.end, cue.actor_cue, actors)
                    if not label:
                        continue  # "the town was captured": by whom decides the class, and the text does not say
                if cue.overriding:
                    extra[label] = extra.get(label, 0.0) + weight
                    continue
                scores[label] = scores.get(label, 0.0) + (-weight if cue.negative else weight)
                if not cue.negative and weight > strongest.get(label, (0.0, 0, 0))[0]:
                    strongest[label] = (weight, match.start, match.end)
        return scores, extra, {label: (start, end) for label, (_, start, end) in strongest.items()}

    def _actors(self, text: str) -> list[tuple[int, int, str]]:
        """Actors named in a text (lexicon names, then nouns: "troops", "villagers"), with their type, in order."""
        found = [(m.start, m.end, m.actor.type) for m in self.lexicon.find_actors(text)]
        taken = [(s, e) for s, e, _ in found]
        for m in self.lexicon.find_actor_nouns(text):
            if not any(s < m.end and m.start < e for s, e in taken):
                found.append((m.start, m.end, m.values[0].type))
        return sorted(found)

    def _event_class(self, label: str) -> SubEventType | OtherEventType | None:
        sub = self.lexicon.sub_event_type(label)
        if sub is not None:
            return sub
        return next((o for o in self.lexicon.other_event_types if o.case_label == label), None)

    def _trigger(self, text: str) -> tuple[Any, int, int] | None:
        """The ACLED sub-event type a sentence reports (see ``_best_cue``), with its strongest cue."""
        best = self._best_cue(text, min_score=MIN_TRIGGER_SCORE, acled_only=True)
        if best is None:
            return None
        score, label, start, end = best
        sub = self.lexicon.sub_event_type(label)
        if sub is None:
            return None
        return sub, start, end

    def _event_type_claim(self, article: Article, state: _Sentence, trigger: tuple[Any, int, int]) -> None:
        sub, start, end = trigger
        value = {"event_type": sub.event_type, "sub_event_type": sub.name}
        state.claims.append(self._claim(article, state, "event_type", value, start, end, wording=state.text[start:end]))

    # --- time -----------------------------------------------------------------------------------

    def _event_time(self, sent: Span, times: Sequence[TimeValue]) -> tuple[TimeValue | None, TimeValue | None]:
        """The event's time among a sentence's expressions, and the time of the statement reporting it.

        "since early February", "by Wednesday night" do not date the event; "announced Sunday night",
        "said on Wednesday" date the statement, used for the event only when nothing else dates it.
        """
        usable, statements = [], []
        sent_text = sent.text  # Doc.text would re-join the whole document for every expression
        for tv in times:
            offset = tv.start - sent.start_char
            before = sent_text[max(0, offset - 40) : offset].casefold()
            if any(before.rstrip().endswith(p) for p in self.patterns.non_event_time_prefixes):
                continue
            span = sent.doc.char_span(tv.start, tv.end, alignment_mode="expand")
            (statements if span is not None and self._dates_statement(span.root) else usable).append(tv)
        event = temporal.event_time(usable) if usable else None
        statement = temporal.event_time(statements) if statements else None
        return event, statement

    def _dates_statement(self, token: Token) -> bool:
        """Whether a time word dates a statement: it hangs on a reporting verb or on a word for a statement
        ("announced Sunday night", "said in a statement on Wednesday", "told a briefing on Monday")."""
        head = token
        for _ in range(3):
            if head.head.i == head.i:
                return False
            head = head.head
            if head.lower_ in self._reporting_verbs or head.lower_ in STATEMENT_NOUNS:
                return True
            if head.dep_ not in ("prep", "pobj", "npadvmod", "nmod", "compound") and head.pos_ != "ADP":
                return False
        return False

    def _time_claims(self, article: Article, state: _Sentence, tv: TimeValue | None, statement: bool = False) -> None:
        """Date and clock-time claims; a statement's date ("announced Sunday night") is kept apart."""
        if tv is None or not tv.value:
            return
        start, end = tv.start - state.start, tv.end - state.start
        date_part, _, clock = tv.value.partition("T")
        clock_only = bool(CLOCK_ONLY.match(tv.text)) and not re.search(
            r"(mon|tues|wednes|thurs|fri|satur|sun)day|\d{4}", tv.text, re.I
        )
        if not clock_only and re.match(r"^\d{4}(-\d{2}){1,2}$|^\d{4}-W\d{2}$", date_part):
            value = {"value": date_part, "precision": tv.precision, "text": tv.text}
            field = "statement_date" if statement else "date"
            state.claims.append(self._claim(article, state, field, value, start, end, wording=tv.text))
        if clock and re.match(r"^\d{2}:\d{2}", clock) and not statement:
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
        """Lexicon actors named in the text, organisation names spaCy finds that fuzzily match one, and
        generic actors ("Iraqi militants", "gunmen") under ACLED-style labels."""
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
                taken.append((ent.start_char, ent.end_char))
        for match in self.lexicon.find_actor_nouns(text):
            if any(s < match.end and match.start < e for s, e in taken):
                continue
            if any(0 <= match.start - e <= 2 and not text[e : match.start].strip(" -") for s, e in taken):
                continue  # "Kataib Hezbollah fighters" are the named group's fighters
            if re.search(r"\b(no|not|without)\s+$", text[max(0, match.start - 12) : match.start], re.I):
                continue  # "no warplanes were in the sky" names no actor
            noun = match.values[0]
            found.append(
                (
                    match.start,
                    match.end,
                    match.surface,
                    _GenericActor(self._generic_label(noun.label, text, match.start), noun.type),
                )
            )
        return sorted(found, key=lambda m: m[0])

    def _generic_label(self, label: str, text: str, start: int) -> str:
        """ "Unidentified Armed Group ({country})" filled from the demonym in front ("Iraqi militants")."""
        # the demonym is in the noun phrase: "Iraqi militants", "the surface itself" ("Iraqi militants" as matched)
        words = re.findall(r"[\w.'-]+", text[max(0, start - 20) : start].casefold())[-2:]
        words += re.findall(r"[\w.'-]+", text[start : start + 40].casefold())[:2]
        country = next((self.patterns.demonyms[w] for w in words if w in self.patterns.demonyms), None)
        if country:
            return label.replace("{country}", country)
        return re.sub(r"\s*\(\{country\}\)|\s*of \{country\}|\{country\}", "", label).strip()

    def _actor_claims(
        self,
        article: Article,
        state: _Sentence,
        matches: Sequence[tuple[int, int, str, Any]],
        trigger: tuple[Any, int, int],
        speaker_spans: Sequence[tuple[int, int]],
    ) -> None:
        """Actors of an event sentence by their grammatical relation to the event verb: its subject or
        "by" agent is actor1, its object, passive subject or "at/on/against" phrase is actor2."""
        doc = state.span.doc
        trigger_span = doc.char_span(state.start + trigger[1], state.start + trigger[2], alignment_mode="expand")
        verb = _governing_verb(trigger_span.root) if trigger_span is not None else None
        for start, end, surface, actor in matches:
            if not state.start <= start < state.end:
                continue
            if any(s <= start < e for s, e in speaker_spans):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            role = _role(span.root, verb) if span is not None and verb is not None else "assoc_actor"
            if isinstance(actor, _GenericActor) and role == "assoc_actor":
                continue
            value = {"name": actor.name, "type": actor.type, "country": getattr(actor, "country", None) or None}
            if isinstance(actor, _GenericActor):
                value["generic"] = True
            state.claims.append(
                self._claim(article, state, role, value, start - state.start, end - state.start, wording=surface)
            )

    def _responsibility_claims(
        self,
        article: Article,
        state: _Sentence,
        matches: Sequence[tuple[int, int, str, Any]],
        speaker_spans: Sequence[tuple[int, int]] = (),
    ) -> None:
        """Claimed, denied, attributed, unclear, no statement; or a statement by an armed group about the
        attacks ("Khataib Hezbollah said attacks were resuming, with Sunday's attack 'the beginning'")."""
        actors = [(s, e, surface, actor) for s, e, surface, actor in matches if state.start <= s < state.end]
        for status, patterns in self.patterns.responsibility.items():
            for pattern in patterns:
                match = pattern.search(state.text)
                if not match:
                    continue
                actor = None
                if actors:
                    # the claimant names itself before "claimed"; the accused comes after "blamed"
                    before = [a for a in actors if a[0] - state.start < match.start()]
                    after = [a for a in actors if a[0] - state.start >= match.start()]
                    pick = (after or before) if status == "attributed" else (before or after)
                    actor = pick[0][3].name if pick else None
                value = {"status": status.replace("_", " "), "actor": actor}
                state.claims.append(self._claim(article, state, "responsibility", value, match.start(), match.end()))
                return
        if not ATTACK_WORDS.search(state.text):
            return
        for start, end, surface, actor in actors:
            armed = not isinstance(actor, _GenericActor) and actor.type not in ("State forces", "Civilians")
            if armed and any(s <= start < e for s, e in speaker_spans):
                value = {"status": "statement", "actor": actor.name}
                state.claims.append(
                    self._claim(
                        article, state, "responsibility", value, start - state.start, end - state.start, wording=surface
                    )
                )
                return

    # --- weapons and counts ---------------------------------------------------------------------

    def _weapon_claims(self, article: Article, state: _Sentence) -> None:
        counted: set[tuple[int, int]] = set()
        for match in self._weapon_re.finditer(state.text):
            weapon = self._weapon_names.get(match.group("weapon").casefold(), match.group("weapon").casefold())
            low, high, strict = self._range(match.group("qual"), match.group("num"))
            if low is None:
                continue
            value = {"min": low, "max": high} | ({"strict_min": True} if strict else {})
            wording = state.text[match.start() : match.end()]
            claim = self._claim(article, state, f"count:{weapon}", value, match.start(), match.end(), wording=wording)
            state.claims.append(claim)
            counted.add((match.start("weapon"), match.end("weapon")))
        for match in self.lexicon.find_weapons(state.text):
            weapon = match.values[0].name
            state.claims.append(
                self._claim(article, state, "weapon", weapon, match.start, match.end, wording=match.surface)
            )

    def _range(self, qualifier: str | None, number: str) -> tuple[int | None, int | None, bool]:
        """A stated figure with its qualifier as (min, max, strict): "more than five" is (6, None, True)."""
        value = _parse_number(number, self._numbers)
        if value is None:
            return None, None, False
        low, high = value
        rule = self._qualifiers.get((qualifier or "").strip().casefold())
        if rule is None:
            return low, high, False
        new_low = max(0, low + rule.min_offset) if rule.min_offset is not None else 0
        new_high = (high if high is not None else low) + rule.max_offset if rule.max_offset is not None else None
        return new_low, new_high, (rule.min_offset or 0) > 0

    # --- tolls ----------------------------------------------------------------------------------

    @property
    def _toll_words(self) -> tuple[str, ...]:
        """The words that make a sentence a toll: killed, injured and shot."""
        return (*self.patterns.killed_words, *self.patterns.injured_words, *self.patterns.shot_words)

    def _toll_patterns(self, number: str, qualifier: str) -> tuple[re.Pattern[str], ...]:
        """The toll patterns, tried in this order; a later one never takes words an earlier one took."""
        people = "|".join(sorted(map(re.escape, self.patterns.people), key=len, reverse=True))
        killed = "|".join(sorted(map(re.escape, self.patterns.killed_words), key=len, reverse=True))
        injured = "|".join(sorted(map(re.escape, self.patterns.injured_words), key=len, reverse=True))
        # "shot" as a toll is people hit ("five people were shot"), not shots fired at them ("shot at a car")
        shot = "|".join(sorted(map(re.escape, self.patterns.shot_words), key=len, reverse=True))
        # Words between a number and the people it counts ("three [Iraqi security] fighters") are never a
        # toll word, a conjunction or another number: "two dead and multiple others injured" counts two dead.
        single = [w for w in self._toll_words if " " not in w]
        ages = ["year-old", "years-old", "month-old", "week-old", "day-old", "year", "years", "month", "months"]
        stops = "|".join(
            sorted(map(re.escape, [*single, *ages, "and", "or", "but", *self._numbers]), key=len, reverse=True)
        )
        age = r"\d{1,3}[- ](?:year|month|week|day)s?[- ]old\s+"  # "a 12 year-old girl" is one girl
        filler = rf"(?:{age}|(?!(?:{stops}|\d[\d,]*)\s)[\w.'-]+\s+)"
        party = rf"(?P<party>{filler}{{0,3}}?(?:{people}))"
        verb = rf"(?P<verb>{killed}|{injured}|(?:{shot})(?!\s+(?:at|back|up|down|out|through|into)\b))"
        # "were [later] killed", but "was fatally wounded" is a death, not an injury
        be = r"(?:were|was|have been|has been|had been|are|is)\s+(?:(?!fatally\b)\w+\s+)?"
        quantity = self._person_quantity
        died = DIED
        name = r"\b[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}(?:,\s*\d{1,3})?"
        person_number = r"(?:an|a|" + number[3:]
        second = rf"(?P<qual2>(?:{qualifier})\s+)?(?P<num2>{person_number})\s+(?P<party2>{filler}{{0,3}}?(?:{people}))"
        # A number that ends a clause ("killed one and injured three"), not one that counts something else.
        clause_end = r"(?=\s*(?:[,.;:)]|and\b|or\b|$))"
        return (
            re.compile(rf"\b(?P<neg>no|none of the|not a single)\s+{party}\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{quantity}\s+{party},?\s+and\s+{second}\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{quantity}\s+(?:of\s+the\s+)?{party}\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{verb}\s+{quantity}\s+{party},?\s+and\s+{second}\b", re.I),
            re.compile(rf"\b{verb}\s+{quantity}\s+{party}\b", re.I),
            re.compile(rf"\b(?P<verb>claimed the lives? of|claiming the lives? of)\s+{quantity}\s+{party}", re.I),
            re.compile(rf"\b(?P<neg>no one|nobody)\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{self._quantity}\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{verb}\s+{self._quantity}{clause_end}", re.I),
            # one person, named or "he"/"she", who was killed or died (not who killed): at least one, as the
            # article may name others
            re.compile(rf"\b(?P<one>he|she)\s+(?:{be}{verb}|(?P<verb_i>{died}))\b", re.I),
            # "Izaak Bridges, 21, and Tanishia Graham, 32, were shot to death": each person named
            re.compile(
                rf"(?P<name>{name}(?:(?:,\s*|,?\s+and\s+){name})*)(?:,\s*\d{{1,3}},)?\s+(?:{be}{verb}|(?P<verb_i>{died}))\b"
            ),
        )

    def _toll_claims(self, article: Article, state: _Sentence) -> None:
        if not self._toll_cue.search(state.text):
            return
        taken: list[tuple[int, int]] = []
        last_party: str | None = None
        persons = [
            (e.start_char - state.start, e.end_char - state.start) for e in state.span.ents if e.label_ == "PERSON"
        ]
        for pattern in self._toll_res:
            for match in pattern.finditer(state.text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                groups = match.groupdict()
                verb = (groups["verb"] or groups.get("verb_i") or "").casefold()
                if _is_kill(verb, self.patterns.killed_words):
                    kind = "killed"
                elif verb in self.patterns.shot_words:
                    kind = "shot"
                    if FIRED_BEFORE.search(state.text, 0, match.start()):
                        continue  # "the officer fired one shot": a shot fired, not a person hit
                else:
                    kind = "injured"
                if groups.get("party") and not state.text[match.end("party") : match.start("verb")].strip():
                    if ACTIVE_OBJECT.match(state.text, match.end()):
                        continue  # "a man killed his wife", "a student shot five people": who did it, not the toll
                named = 0
                if groups.get("name") is not None:
                    named = sum(1 for s, e in persons if match.start("name") <= s and e <= match.end("name"))
                    if not any(s <= match.start("name") < e for s, e in persons):
                        continue  # "Police were killed" names no one
                party_phrase = groups.get("party") or ""
                if groups.get("neg"):
                    low, high = 0, 0
                elif groups.get("one") is not None or groups.get("name") is not None:
                    low, high, party_phrase = max(1, named), None, "person"
                else:
                    low, high, _ = self._range(groups.get("qual"), groups.get("num") or "")
                    if low is None or (groups.get("num") or "").casefold() in ("a", "an") and _plural(party_phrase):
                        continue  # "a lot of people": "a" counts one person, not a crowd
                    if DAY_OF_MONTH.search(state.text, 0, match.start("num")):
                        continue  # "the May 3 killing", "his Jan. 19 death": a date, not a toll
                    number = groups["num"]
                    if number.isdigit() and 1900 <= int(number) <= 2099 and not groups.get("qual"):
                        if not party_phrase or "\n" in state.text[match.end("num") : match.end()]:
                            continue  # "his 2015 death", "August 25, 2015\n\nThe child shot": a year
                    if re.match(r"of\s+the\s", state.text[match.end("num") :].lstrip(), re.I):
                        high = None  # "two of the victims were wounded": at least two
                    if groups.get("num2"):
                        low2, high2, _ = self._range(groups.get("qual2"), groups["num2"])
                        if low2 is None:
                            continue
                        low, high = low + low2, None if high is None or high2 is None else high + high2
                        key, key2 = self._party(party_phrase)[0], self._party(groups["party2"])[0]
                        party_phrase = party_phrase if key == key2 else "people"
                party, party_words = self._party(party_phrase) if party_phrase else (last_party or "people", "")
                last_party = party
                if groups.get("num2"):
                    party_words = state.text[match.start() : match.start("verb")].strip()
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
        """What happened to things after the attack ("a coalition fighter destroyed the launcher"), and the
        last thing the sentence names (for "it" in the next one)."""
        named: str | None = None
        claims: list[Claim] = []
        actions, objects = self.patterns.outcome_actions, self.patterns.outcome_objects
        for token in state.span:
            lower = token.lower_
            thing = _object_class(token, objects)
            if thing:
                last_object = named = thing  # "found the vehicle ... and burned it": "it" is the last thing named
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
            last_object = named = object_class
            agent = _outcome_agent(token)
            agent_text = _phrase(agent, drop=AGENT_DROP) if agent is not None else None
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
            if agent is not None and agent_text and agent_class:
                responder = {"name": agent_text, "type": agent_class}
                a_start, a_end = (i - state.start for i in _phrase_span(agent, AGENT_DROP))
                claims.append(self._claim(article, state, "responder", responder, a_start, a_end, wording=agent_text))
        return claims, named

    def _agent_class(self, agent: str | None) -> str | None:
        if not agent:
            return None
        lowered = agent.casefold()
        for word, cls in sorted(self.patterns.agent_classes.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return cls
        return lowered

    # --- speakers and hedges --------------------------------------------------------------------

    def _speaker(self, sent: Span, previous: Speaker | None) -> tuple[Speaker | None, list[tuple[int, int]]]:
        """Who the sentence attributes its content to, with nesting ("Reuters, citing Iraqi sources"), and
        the character spans of the speaker's words (actors named there are speakers, not participants)."""
        text, base = sent.text, sent.start_char
        spans: list[tuple[int, int]] = []
        via = None
        for cue in ("according to", "citing"):
            match = re.search(rf"\b{cue}\s+(?P<who>[^,.;:]+)", text, re.I)
            if match:
                via = self._typed_speaker(match.group("who"))
                spans.append((base + match.start("who"), base + match.end("who")))
        reporter = None
        for token in sent:
            if token.lower_ not in self._reporting_verbs or token.pos_ not in ("VERB", "AUX"):
                continue
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None:
                continue
            if subject.lower_ in ("he", "she", "they"):
                reporter = previous
                break
            if subject.lower_ in ("it", "that", "which", "this", "we", "i", "who") or any(
                c.lower_ in ("no", "none") for c in subject.children
            ):
                continue  # "No group claimed responsibility" names no speaker
            words = _phrase(subject, drop=("appos", "relcl", "acl", "punct", "advmod"))
            reporter = self._typed_speaker(words)
            spans.append((subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)))
            break
        if reporter is not None and via is not None and reporter.name != via.name:
            return Speaker(reporter.name, reporter.kind, via), spans
        return reporter or via, spans

    def _typed_speaker(self, words: str) -> Speaker:
        name = re.sub(r"\s+", " ", words).strip(" ,.;:\"'“”")
        return Speaker(name=name, kind=self._speaker_kind(name))

    def _speaker_kind(self, name: str) -> str:
        """A named outlet or monitor by its kind; else the head noun's kind ("official"); else an actor's."""
        organisations = self.lexicon.find_organisations(name)
        if organisations:
            return str(organisations[0].values[0].kind)
        words = re.findall(r"[\w'-]+", name.casefold())
        for size in (3, 2, 1):
            for index in range(len(words) - size, -1, -1):
                kind = self.lexicon.speaker_kind(" ".join(words[index : index + size]))
                if kind:
                    return kind
        actors = self.lexicon.find_actors(name)
        if actors:
            return "military" if actors[0].actor.type == "State forces" else "armed group"
        return "other"

    def _is_hedged(self, text: str) -> bool:
        return any(h.strength >= MIN_HEDGE_STRENGTH for m in self.lexicon.find_hedges(text) for h in m.values)

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


@dataclass(frozen=True)
class _GenericActor:
    """An unnamed actor ("gunmen") under its ACLED-style label."""

    name: str
    type: str
    country: str | None = None


def _actor_cue_class(text: str, start: int, end: int, cue: ActorCue, actors: Sequence[tuple[int, int, str]]) -> str:
    """The event class an actor cue gives: by the type of the doer or the target it speaks of, else its default.

    The doer is the "by" agent of a passive ("was captured by rebels"), else the first actor of a listed
    type before the cue in its sentence (news sentences name the doer first: "Syrian troops pushed into the
    enclave, clashing with insurgents and capturing a village"). The target is the first such actor after
    the cue in its sentence ("attacked a police post"), or before it in a passive ("soldiers were killed").
    """
    types = dict(cue.classes)
    listed = [a for a in actors if a[2] in types]
    sentence_start = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    next_break = SENTENCE_BREAK.search(text, end)
    sentence_end = next_break.start() if next_break else len(text)
    before = [a for a in listed if sentence_start <= a[0] and a[1] <= start]
    after = [a for a in listed if end <= a[0] < sentence_end]
    agent = BY_AGENT.match(text, end)
    passive = PASSIVE_BEFORE.search(text, max(sentence_start, start - 24), start) is not None
    if cue.role == "doer":
        by_agent = agent is not None and next((a for a in after if agent.end() <= a[0] <= agent.end() + 4), None)
        found = by_agent or (before[0] if before else None)
    elif passive:  # the target is the subject, in the cue's clause
        found = before[-1] if before and not CLAUSE_BREAK.search(text, before[-1][1], start) else None
    else:  # the target is the object, in the cue's clause ("attacked villages, according to vigilantes")
        found = after[0] if after and not CLAUSE_BREAK.search(text, end, after[0][0]) else None
    return types[found[2]] if found is not None else cue.default


def _lead_end(text: str) -> int:
    """Where a text's first sentence ends (its length when it has one sentence); initials ("U.S.") and
    abbreviations ("Gen.") do not end it."""
    for match in SENTENCE_BREAK.finditer(text):
        words = text[: match.start() + 1].split()
        word = words[-1].rstrip(".!?").casefold() if words else ""
        if "." in word or len(word) == 1 or word in ABBREVIATIONS or len(words) < MIN_LEAD_WORDS:
            continue  # "U.S.", "Gen.", or a kicker before the lead ("News India.")
        return match.end()
    return len(text)


def _last_day(value: str) -> str | None:
    """The last day (YYYY-MM-DD) a normalised date can denote: the day itself, the month's or the year's
    last day, the Sunday of an ISO week; None for anything else (a season, a decade, an unknown part)."""
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 7).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31"
    return None


_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
_WEEKDAY_NAME = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")


def _not_after_report(tv: TimeValue | None, published: str | None) -> TimeValue | None:
    """An event a report tells of happened before the report: a day written without its year ("June 29",
    "Thursday") that the calendar placed more than a day after publication is the one before (a year, a week).

    The time tagger picks between last and next occurrence by the clause's tense, within eight months of the
    publication date; a report of a shooting "on April 2" published in late January is about last April."""
    if tv is None or not tv.value or tv.precision != 1 or not published or _YEAR.search(tv.text):
        return tv
    try:
        day, report = date.fromisoformat(tv.value[:10]), date.fromisoformat(published[:10])
    except ValueError:
        return tv
    if (day - report).days <= 1:
        return tv
    if _MONTH_NAME.search(tv.text):
        try:
            earlier = day.replace(year=day.year - 1)
        except ValueError:  # February 29
            return tv
    elif _WEEKDAY_NAME.search(tv.text):
        earlier = day - timedelta(days=7)
    else:
        return tv
    if (earlier - report).days > 1:
        return tv
    note = f"{tv.value[:10]} would be after the report ({published[:10]}): the one before"
    return dataclasses.replace(tv, value=earlier.isoformat() + tv.value[10:], note=note)


def _is_stative(sent: Span) -> bool:
    """A sentence with no verb in the past that describes ("It is home to fighter jets") and reports nothing."""
    if any(t.tag_ in ("VBD",) for t in sent):
        return False
    for token in sent:
        if token.tag_ == "VBN" and any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in ("was", "were", "has", "have", "had", "been")
            for c in token.children
        ):
            return False
    return True


# "fired from the outskirts of Dujail", "from an area near Dujail": the place the attack came from.
FROM_PLACE = re.compile(
    r"(?<!north )(?<!south )(?<!east )(?<!west )(?<!northwest )(?<!northeast )(?<!southwest )(?<!southeast )"
    r"(?<!away )(?<!miles )(?<!km )(?<!kilometres )(?<!kilometers )\bfrom\s+(?:(?:the|an?|outskirts|edge|area|areas|direction|vicinity|village|town|city|district|region|"
    r"province|of|near|nearby|around|inside|within)\s+)*$",
    re.I,
)


def _with_origins(text: str, places: tuple[Place, ...]) -> tuple[Place, ...]:
    """Places an event sentence says the attack came from are origins, whatever the gazetteer's roles said."""
    return tuple(
        dataclasses.replace(p, role="origin") if FROM_PLACE.search(text[max(0, p.start - 60) : p.start]) else p
        for p in places
    )


def _with_event_target(places: tuple[Place, ...]) -> tuple[Place, ...]:
    """In an event sentence with no target, the most precise place that is not the origin is where it happened."""
    if any(p.role in ("target", "origin") for p in places):
        return places  # a sentence with an origin names its other places as landmarks ("northwest of Mosul")
    candidates = [p for p in places if p.role == "mentioned" and p.lat is not None and (p.geo_precision or 3) <= 2]
    if not candidates:
        return places
    best = min(candidates, key=lambda p: (p.geo_precision or 3, -p.score))
    return tuple(dataclasses.replace(p, role="target") if p is best else p for p in places)


def _governing_verb(token: Token) -> Token:
    """The verb an event word belongs to: itself, or the first verb above it."""
    current = token
    while current.pos_ not in ("VERB", "AUX") and current.head.i != current.i:
        current = current.head
    return current


def _role(token: Token, verb: Token) -> str:
    """actor1, actor2 or assoc_actor, from the path between an actor's word and the event verb."""
    child = token
    # spaCy makes a new Token object on every access: tokens are compared by index, never with "is".
    while child.head.i != child.i and child.head.i != verb.i:
        if child.dep_ in ("relcl", "appos"):
            return "assoc_actor"  # "al-Shabaab, which is linked to al-Qaeda, ...": al-Qaeda did not act
        if child.dep_ == "pobj" and child.head.lower_ in TARGET_PREPOSITIONS and child.head.head.i == verb.i:
            return "actor2"
        child = child.head
    if child.head.i != verb.i:
        return "assoc_actor"
    if child.dep_ == "prep":
        return "actor2" if child.lower_ in TARGET_PREPOSITIONS else "assoc_actor"
    return ROLE_BY_DEP.get(child.dep_, "assoc_actor")


# --- numbers ------------------------------------------------------------------------------------


def _number_words(lexicon: Lexicon) -> dict[str, tuple[int, int | None]]:
    """Number words ("five") and vague quantities ("dozens") as ranges."""
    words: dict[str, tuple[int, int | None]] = {
        w.casefold(): (n, n) for w, n in lexicon.numbers.words.items() if w.casefold() not in ORDINALS
    }
    for quantity in lexicon.numbers.quantifiers:
        words[quantity.phrase.casefold()] = (quantity.min or 0, quantity.max)
    words.update({"a": (1, 1), "an": (1, 1)})
    return words


def _parse_number(number: str, words: dict[str, tuple[int, int | None]]) -> tuple[int, int | None] | None:
    cleaned = number.replace(",", "").strip().casefold()
    if cleaned.isdigit():
        n = int(cleaned)
        return n, n
    return words.get(cleaned)


# Words after "killed"/"shot" that make it active ("a man killed his wife"): an object follows.
ACTIVE_OBJECT = re.compile(
    r"\s+(?:a|an|the|his|her|their|its|him|them|himself|herself|themselves|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|\d+)\b"
)
# "fired one shot": the shot is a round, not a person hit.
FIRED_BEFORE = re.compile(r"\b(?:fired|fire|fires|firing|heard|rang out)\s+$", re.I)
# A month name just before a number makes it a day ("the May 3 killing").
DAY_OF_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.I)


def _plural(phrase: str) -> bool:
    """Whether a phrase's head noun names several people ("a lot of people", not "a police officer")."""
    head = phrase.casefold().split()[-1] if phrase.split() else ""
    return head in ("people", "men", "women", "children", "police") or (head.endswith("s") and not head.endswith("ss"))


def _is_kill(verb: str, killed_words: Sequence[str]) -> bool:
    return verb in killed_words or verb.startswith(("claimed the li", "claiming the li", "kill"))


# --- dependency helpers -------------------------------------------------------------------------


def _phrase_span(token: Token, drop: tuple[str, ...] = ("relcl", "acl", "appos", "punct")) -> tuple[int, int]:
    """Character span of the unbroken run of a token's subtree around it, without relative clauses,
    appositions (and what else ``drop`` names): "a drone near Dujail minutes after" -> "a drone"."""
    doc = token.doc
    skipped = {t.i for child in token.children if child.dep_ in drop for t in child.subtree}
    left = right = token.i
    while left - 1 >= token.left_edge.i and left - 1 not in skipped:
        left -= 1
    while right + 1 <= token.right_edge.i and right + 1 not in skipped:
        right += 1
    while left < token.i and doc[left].is_punct:
        left += 1
    while right > token.i and doc[right].is_punct:
        right -= 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def _phrase(token: Token, drop: tuple[str, ...] = ("relcl", "acl", "appos", "punct")) -> str:
    """A token's phrase as written (see ``_phrase_span``)."""
    start, end = _phrase_span(token, drop)
    # Slice the tokens' own span: Doc.text re-joins every token of the document on each access.
    span = token.doc.char_span(start, end)
    return span.text if span is not None else token.text


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
        while head is not None and head.dep_ in ("pobj", "prep", "attr", "dobj") and head.head.i != head.i:
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
    while subject is None and current.dep_ == "conj" and current.head.i != current.i:
        current = current.head
        subject = next((c for c in current.children if c.dep_ == "nsubj"), None)
    return subject


__all__ = ["Extractor", "Patterns"]
