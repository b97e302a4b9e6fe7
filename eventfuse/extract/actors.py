"""Actors and their roles: who is named (lexicon actors, organisations spaCy finds, generic nouns under ACLED-style
labels), and each one's role in the event a sentence reports.

Hands the document context the actors named, and on actor1, actor2 and assoc_actor claims.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from ..model import Claim
from .context import NOTHING, ActorMention, DocumentContext, Finder, Found, GenericActor, SentenceContext
from .registry import register
from .syntax import governing_verb

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# The dependency relation of an actor's phrase to the event verb -> its role.
ROLE_BY_DEP = {"nsubj": "actor1", "agent": "actor1", "nsubjpass": "actor2", "dobj": "actor2", "obj": "actor2"}
TARGET_PREPOSITIONS = frozenset("at on against toward towards targeting into".split())


@register("actors")
class ActorsFinder(Finder):
    """Actors of an event sentence by their grammatical relation to the event verb: its subject or "by" agent is
    actor1, its object, passive subject or "at/on/against" phrase is actor2, anyone else assoc_actor."""

    needs = ("reports_event", "trigger", "speaker_spans")

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
        verb = governing_verb(trigger_span.root) if trigger_span is not None else None
        claims: list[Claim] = []
        for mention in document.actors:
            start, end = mention.start, mention.end
            if not sentence.start <= start < sentence.end:
                continue
            if any(s.holds(start) for s in sentence.speaker_spans):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            role = _role(span.root, verb) if span is not None and verb is not None else "assoc_actor"
            actor = mention.actor
            if mention.generic and role == "assoc_actor":
                continue
            value = {"name": actor.name, "type": actor.type, "country": getattr(actor, "country", None) or None}
            if mention.generic:
                value["generic"] = True
            claims.append(
                sentence.claim(role, value, start - sentence.start, end - sentence.start, wording=mention.surface)
            )
        return Found(tuple(claims))


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
