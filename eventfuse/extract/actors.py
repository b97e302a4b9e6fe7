"""Actors and their roles: who is named (lexicon actors, organisations spaCy finds, generic nouns under ACLED-style
labels), and each one's role in the event a sentence reports.

Hands the document context the actors named, and on actor1, actor2 and assoc_actor claims.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .context import (
    NOTHING,
    ActorMention,
    DocumentContext,
    Finder,
    Found,
    GenericActor,
    SentenceContext,
    Shared,
    UnlistedActor,
)
from .registry import register
from .role_model import (
    PERPETRATOR,
    VICTIM,
    Candidate,
    anchor_of,
    candidates,
    features,
    people_phrases,
    responsibility_status,
)
from .roles import ACTOR1, ACTOR2, ASSOC, NO_ROLE, RoleReading, bind_role, victim_reading
from .syntax import governing_verb

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ..learned import LinearModel

# One or two capitalised words right before a name ("Kata'ib" before "Hizbullah").
CAPITALISED_BEFORE = re.compile(r"(?:[A-Z][\w'\u2019-]*\s+){1,2}$")
# The ACLED label of people a report does not say more of ("the peasants", "a judge").
CIVILIANS_LABEL = "Civilians ({country})"


@register("actors")
class ActorsFinder(Finder):
    """Actors of an event sentence by their relation to its trigger in the dependency parse (``roles.bind_role``):
    the agent is actor1, the target or victim actor2, anyone else assoc_actor (an unnamed one is left out); each
    claim's value keeps the role confidence and the relation in words."""

    needs = ("reports_event", "trigger", "speaker_spans", "background_spans")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        patterns = shared.patterns
        self.toll_words = frozenset(w for w in (*patterns.killed_words, *patterns.injured_words) if " " not in w)
        self.people = frozenset(patterns.people)  # head nouns of people: "the peasants", "a judge"

    def prepare(self, document: DocumentContext) -> DocumentContext:
        return dataclasses.replace(
            document, actors=tuple(self.actor_mentions(document.text, document.doc, document.entities))
        )

    def actor_mentions(self, text: str, doc: Doc, entities: Sequence[Span] | None = None) -> list[ActorMention]:
        """Lexicon actors named in the text, organisation names spaCy finds that fuzzily match one, and
        generic actors ("Iraqi militants", "gunmen") under ACLED-style labels. ``entities``: the Doc's, when
        already listed."""
        lexicon = self.shared.lexicon
        found = [
            self.longer_name(text, ActorMention(m.start, m.end, m.surface, m.actor)) for m in lexicon.find_actors(text)
        ]
        taken = [(a.start, a.end) for a in found]
        for ent in doc.ents if entities is None else entities:
            if ent.label_ not in ("ORG", "PERSON", "NORP"):
                continue
            if any(s < ent.end_char and ent.start_char < e for s, e in taken):
                continue
            actor = lexicon.match_actor(ent.text)
            if actor is not None:
                found.append(ActorMention(ent.start_char, ent.end_char, ent.text, actor))
                taken.append((ent.start_char, ent.end_char))
        for match in lexicon.find_actor_nouns(text):
            if any(s < match.end and match.start < e for s, e in taken):
                continue
            if any(0 <= match.start - e <= 2 and not text[e : match.start].strip(" -") for s, e in taken):
                continue  # "Kataib Hezbollah fighters" are the named group's fighters
            if re.search(r"\b(no|not|without)\s+$", text[max(0, match.start - 12) : match.start], re.I):
                continue  # "no warplanes were in the sky" names no actor
            noun = match.values[0]
            label = self.generic_label(noun.label, text, match.start)
            found.append(ActorMention(match.start, match.end, match.surface, GenericActor(label, noun.type)))
        return sorted(found, key=lambda m: m.start)

    def longer_name(self, text: str, mention: ActorMention) -> ActorMention:
        """A name matched inside a longer one that is another actor's spelling ("Kata'ib Hizbullah" holds "Hizbullah",
        Hezbollah, but is Kataib Hezbollah): the longer name, when the lexicon's fuzzy match says so."""
        before = CAPITALISED_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        if before is None:
            return mention
        longer = text[before.start() : mention.end]
        actor = self.shared.lexicon.match_actor(longer)
        if actor is None or actor.name == mention.actor.name:
            return mention
        return ActorMention(before.start(), mention.end, longer, actor)

    def generic_label(self, label: str, text: str, start: int) -> str:
        """ "Unidentified Armed Group ({country})" filled from the demonym in front ("Iraqi militants")."""
        # the demonym is in the noun phrase: "Iraqi militants", "the surface itself" ("Iraqi militants" as matched)
        words = re.findall(r"[\w.'-]+", text[max(0, start - 20) : start].casefold())[-2:]
        words += re.findall(r"[\w.'-]+", text[start : start + 40].casefold())[:2]
        demonyms = self.shared.patterns.demonyms
        country = next((demonyms[w] for w in words if w in demonyms), None)
        if country:
            return label.replace("{country}", country)
        return re.sub(r"\s*\(\{country\}\)|\s*of \{country\}|\{country\}", "", label).strip()

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        event = sentence.reports_event and sentence.trigger is not None
        model = self.shared.role_model
        if sentence.background or not (event or model is not None):
            return NOTHING
        doc = sentence.span.doc
        trigger_word = verb = None
        if event and sentence.trigger is not None:
            trigger = sentence.trigger
            span = doc.char_span(sentence.start + trigger.start, sentence.start + trigger.end, alignment_mode="expand")
            trigger_word = span.root if span is not None else None
            verb = governing_verb(trigger_word) if trigger_word is not None else None
        mentions = [
            m
            for m in document.actors
            if sentence.start <= m.start < sentence.end
            and not any(s.holds(m.start) for s in sentence.speaker_spans)  # a speaker is no participant
            and not sentence.in_background(m.start)  # an actor of an earlier event
        ]
        if model is None:
            found = [self.lexicon_candidate(m, doc) for m in mentions]
            spans = [c for c in found if c is not None]
        else:
            spans = [
                c
                for c in candidates(
                    sentence.span,
                    mentions,
                    self.people,
                    nouns=event,
                    entities=document.entities,
                    noun_chunks=people_phrases(sentence.span, self.people) if event else (),
                )
                if not any(s.holds(c.start) for s in sentence.speaker_spans) and not sentence.in_background(c.start)
            ]
        if not event:  # outside an event's sentences only a named group can be a perpetrator worth a claim
            spans = [c for c in spans if not c.generic and c.entity != "PERSON"]
            if not spans:
                return NOTHING
        status = responsibility_status(sentence.text, self.shared.patterns.responsibility) if model and spans else ""
        readings: list[tuple[ActorMention, RoleReading]] = []
        for candidate in spans:
            reading = NO_ROLE
            if trigger_word is not None and verb is not None:
                reading = bind_role(candidate.root, trigger_word, verb)
                if reading.role == ASSOC:
                    reading = victim_reading(candidate.root, self.toll_words) or reading
            if model is not None:
                row = features(
                    candidate,
                    anchor_of(sentence.span, trigger_word),
                    triggered=trigger_word is not None,
                    event_class=sentence.trigger.sub.name if event and sentence.trigger else "",
                    toll_words=self.toll_words,
                    responsibility=status,
                    reading=reading,
                )
                reading = self.weigh(reading, model, row, event, listed=candidate.source == "lexicon")
            mention = self.mention_of(candidate, sentence)
            if reading.role == ASSOC and (mention.generic or candidate.source != "lexicon"):
                continue  # an unnamed or unlisted actor is kept only in a role
            if not event and reading.role != ACTOR1:
                continue  # outside an event's sentences only a perpetrator is worth a claim
            if candidate.entity == "PERSON" and reading.role == ACTOR1 and candidate.source != "lexicon":
                continue  # ACLED's actors are groups, not the people who acted
            readings.append((mention, reading))
        claims = []
        for mention, reading in _one_role_each(readings):
            actor = mention.actor
            value: dict[str, object] = {"name": actor.name, "type": actor.type, "country": actor.country or None}
            if mention.generic:
                value["generic"] = True
            if isinstance(actor, UnlistedActor):
                value["unlisted"] = True
            value["role_confidence"] = reading.confidence
            value["relation"] = reading.relation
            start, end = mention.start - sentence.start, mention.end - sentence.start
            claims.append(sentence.claim(reading.role, value, start, end, wording=mention.surface))
        return Found(tuple(claims))

    def lexicon_candidate(self, mention: ActorMention, doc: Doc) -> Candidate | None:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            return None
        actor = mention.actor
        return Candidate(
            mention.start, mention.end, mention.surface, span.root, "lexicon", actor.type, mention.generic, "", mention
        )

    def mention_of(self, candidate: Candidate, sentence: SentenceContext) -> ActorMention:
        """The actor a candidate names: its lexicon actor, an unlisted organisation, or civilians ("the peasants")."""
        if candidate.mention is not None:
            return candidate.mention
        if candidate.source == "people":
            label = self.generic_label(CIVILIANS_LABEL, sentence.text, candidate.start - sentence.start)
            return ActorMention(candidate.start, candidate.end, candidate.text, GenericActor(label, "Civilians"))
        name = re.sub(r"^(?:the|a|an)\s+", "", candidate.text, flags=re.I).strip()
        return ActorMention(candidate.start, candidate.end, candidate.text, UnlistedActor(name))

    def weigh(
        self, reading: RoleReading, model: LinearModel, row: dict[str, float], event: bool, listed: bool
    ) -> RoleReading:
        """The syntax rules' reading, or where they give no role, the learned model's when it is sure enough (its
        threshold, chosen on out-of-fold probabilities; outside an event's sentences at least
        ``outside_event_min_probability``), with the features that weigh most as its reasons. A name the lexicon
        does not know takes a role only when the model gives it one: the parse alone often makes a place, a
        newspaper or a government body the subject of an event verb."""
        if reading.role != ASSOC and listed:
            return reading
        probabilities = model.probabilities(row)
        thresholds = model.meta.get("thresholds", {})
        perpetrator, victim = probabilities.get(PERPETRATOR, 0.0), probabilities.get(VICTIM, 0.0)
        floor = 0.0 if event else self.shared.patterns.outside_event_min_probability
        if perpetrator >= max(thresholds.get(PERPETRATOR, 0.5), floor) and perpetrator >= victim:
            return RoleReading(ACTOR1, round(perpetrator, 2), self.reasons(model, row, PERPETRATOR, perpetrator))
        if event and victim >= thresholds.get(VICTIM, 0.5):
            return RoleReading(ACTOR2, round(victim, 2), self.reasons(model, row, VICTIM, victim))
        return reading if listed else NO_ROLE

    @staticmethod
    def reasons(model: LinearModel, row: dict[str, float], label: str, probability: float) -> str:
        """The probability and the three features of the span that raise it most (its own features only: the
        absent ones' parts are the same for every span)."""
        index = {name: i for i, name in enumerate(model.features)}
        r = model.classes.index(label)
        parts = [
            (name, model.coef[r][index[name]] * (value - model.mean[index[name]]) / model.scale[index[name]])
            for name, value in row.items()
            if name in index and value
        ]
        top = [name for name, weight in sorted(parts, key=lambda p: (-p[1], p[0]))[:3] if weight > 0]
        return f"the role model: {label} with probability {probability:.2f} ({'; '.join(top)})"


def _one_role_each(readings: list[tuple[ActorMention, RoleReading]]) -> list[tuple[ActorMention, RoleReading]]:
    """An actor is never both attacker and target of one event: when one is read in both roles (named twice, or
    under two names of one actor), the surer reading stands and the other becomes an associated actor."""
    best: dict[str, RoleReading] = {}
    for mention, reading in readings:
        if reading.role == ASSOC:
            continue
        key = mention.actor.name
        if key not in best or reading.confidence > best[key].confidence:
            best[key] = reading
    kept = []
    for mention, reading in readings:
        sure = best.get(mention.actor.name)
        if sure is not None and reading.role != ASSOC and reading.role != sure.role:
            if mention.generic:
                continue
            reading = RoleReading(
                ASSOC, reading.confidence, f"read as {reading.relation}, but {sure.relation} elsewhere"
            )
        kept.append((mention, reading))
    return kept
