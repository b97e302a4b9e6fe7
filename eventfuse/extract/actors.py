"""Actors and their roles: who is named (lexicon actors, organisations spaCy finds, generic nouns under ACLED-style
labels), and each one's role in the event a sentence reports.

Hands the document context the actors named, and on actor1, actor2 and assoc_actor claims.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from .context import NOTHING, ActorMention, DocumentContext, Finder, Found, GenericActor, SentenceContext, Shared
from .registry import register
from .roles import ASSOC, NO_ROLE, RoleReading, bind_role, victim_reading
from .syntax import governing_verb

if TYPE_CHECKING:
    from spacy.tokens import Doc


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

    def prepare(self, document: DocumentContext) -> DocumentContext:
        return dataclasses.replace(document, actors=tuple(self.actor_mentions(document.text, document.doc)))

    def actor_mentions(self, text: str, doc: Doc) -> list[ActorMention]:
        """Lexicon actors named in the text, organisation names spaCy finds that fuzzily match one, and
        generic actors ("Iraqi militants", "gunmen") under ACLED-style labels."""
        lexicon = self.shared.lexicon
        found = [ActorMention(m.start, m.end, m.surface, m.actor) for m in lexicon.find_actors(text)]
        taken = [(a.start, a.end) for a in found]
        for ent in doc.ents:
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
        if not sentence.reports_event or sentence.trigger is None:
            return NOTHING
        doc = sentence.span.doc
        trigger = sentence.trigger
        trigger_span = doc.char_span(
            sentence.start + trigger.start, sentence.start + trigger.end, alignment_mode="expand"
        )
        trigger_word = trigger_span.root if trigger_span is not None else None
        verb = governing_verb(trigger_word) if trigger_word is not None else None
        readings: list[tuple[ActorMention, RoleReading]] = []
        for mention in document.actors:
            if not sentence.start <= mention.start < sentence.end:
                continue
            if any(s.holds(mention.start) for s in sentence.speaker_spans) or sentence.in_background(mention.start):
                continue  # a speaker, or an actor of an earlier event
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or trigger_word is None or verb is None:
                reading = NO_ROLE
            else:
                reading = bind_role(span.root, trigger_word, verb)
                if reading.role == ASSOC:
                    reading = victim_reading(span.root, self.toll_words) or reading
            if mention.generic and reading.role == ASSOC:
                continue
            readings.append((mention, reading))
        claims = []
        for mention, reading in _one_role_each(readings):
            actor = mention.actor
            value = {"name": actor.name, "type": actor.type, "country": getattr(actor, "country", None) or None}
            if mention.generic:
                value["generic"] = True
            value["role_confidence"] = reading.confidence
            value["relation"] = reading.relation
            start, end = mention.start - sentence.start, mention.end - sentence.start
            claims.append(sentence.claim(reading.role, value, start, end, wording=mention.surface))
        return Found(tuple(claims))


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
