"""Outcomes: what happened to things after the attack ("a coalition fighter destroyed the launcher"), and who did it.

Hands on outcome and responder claims, the spans of the outcomes (a response is not the event) and the thing
named last (for "it" in the next sentence).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Claim
from .context import NOTHING, CharSpan, DocumentContext, Finder, Found, NamedObject, SentenceContext, Shared
from .registry import register
from .syntax import AGENT_DROP, phrase, phrase_span

if TYPE_CHECKING:
    from spacy.tokens import Token


@register("outcomes")
class OutcomesFinder(Finder):
    """Actions on things (not people) from ``extraction.toml`` [outcome]: the object, the action and its class, the
    agent and its class (agents of one class are one account)."""

    provides = ("outcome_spans", "last_object")
    needs = ("background_spans",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        patterns = shared.patterns
        self.actions, self.objects = patterns.outcome_actions, patterns.outcome_objects
        # The words an object's name can end in ("launcher" of "rocket launcher"): a token that is none of them
        # and no object itself names none, and its children need not be read (every token is asked).
        self.object_ends = frozenset(
            key.split(" ", n)[-1] for key in self.objects for n in range(1, key.count(" ") + 1)
        )
        self.agent_classes = sorted(patterns.agent_classes.items(), key=lambda kv: -len(kv[0]))

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        # "it" refers to a thing named in the same or the previous sentence, not further back
        previous = sentence.last_object
        recent = previous.name if previous and previous.sentence >= sentence.index - 1 else None
        claims, named = self.outcomes(sentence, recent)
        if not claims and not named:
            return NOTHING
        facts: dict[str, object] = {}
        if claims:
            facts["outcome_spans"] = tuple(CharSpan(c.start, c.end) for c in claims)
        if named:
            facts["last_object"] = NamedObject(sentence.index, named)
        return Found(tuple(claims), facts)

    def outcomes(self, sentence: SentenceContext, last_object: str | None) -> tuple[list[Claim], str | None]:
        """What happened to things after the attack ("a coalition fighter destroyed the launcher"), and the
        last thing the sentence names (for "it" in the next one)."""
        named: str | None = None
        claims: list[Claim] = []
        actions, objects, ends = self.actions, self.objects, self.object_ends
        background = sentence.background_spans
        for token in sentence.span:
            if background and sentence.in_background(token.idx):
                continue  # what happened in an earlier event
            lower = token.lower_
            thing = _object_class(token, objects) if lower in objects or lower in ends else None
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
            agent_text = phrase(agent, drop=AGENT_DROP) if agent is not None else None
            agent_class = self.agent_class(agent_text)
            value = {
                "object": object_class,
                "action": lower,
                "action_class": actions[lower],
                "agent": agent_text,
                "agent_class": agent_class,
            }
            start = min(token.idx, target.idx) - sentence.start
            end = max(token.idx + len(token), target.idx + len(target)) - sentence.start
            if agent is not None:
                start = min(start, agent.left_edge.idx - sentence.start)
                end = max(end, agent.right_edge.idx + len(agent.right_edge) - sentence.start)
            claims.append(sentence.claim("outcome", value, start, end, wording=sentence.text[start:end]))
            if agent is not None and agent_text and agent_class:
                responder = {"name": agent_text, "type": agent_class}
                a_start, a_end = (i - sentence.start for i in phrase_span(agent, AGENT_DROP))
                claims.append(sentence.claim("responder", responder, a_start, a_end, wording=agent_text))
        return claims, named

    def agent_class(self, agent: str | None) -> str | None:
        if not agent:
            return None
        lowered = agent.casefold()
        for word, cls in self.agent_classes:
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return cls
        return lowered


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
