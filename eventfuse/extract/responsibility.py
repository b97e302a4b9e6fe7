"""Responsibility: claimed, denied, attributed, unclear, no statement; or an armed group's statement about the
attacks.

Hands on responsibility claims with the actor they name.
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Claim, Speaker
from .context import NOTHING, ActorMention, DocumentContext, Finder, Found, SentenceContext
from .registry import register

# Statuses of a responsibility claim that name the perpetrator -> the role confidence of the actor1 claim they
# make and its relation in words.
PERPETRATOR_STATUSES = {
    "claimed": (0.8, "claimed responsibility"),
    "attributed": (0.6, "held responsible by the speaker"),
}
# A sentence about attacks: an armed group speaking in it makes a statement about the event.
ATTACK_WORDS = re.compile(r"\b(attack|attacks|strike|strikes|rockets?|bombing|operation)\b", re.I)


@register("responsibility")
class ResponsibilityFinder(Finder):
    """The first pattern of ``extraction.toml`` [responsibility] that matches gives the status (so "no group
    claimed" is unclear); the claimant names itself before "claimed", the accused comes after "blamed"."""

    needs = ("background", "background_spans", "foreground", "speaker_spans")

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        if sentence.background:
            return NOTHING
        return Found(self.claims(sentence, document))

    def claims(self, sentence: SentenceContext, document: DocumentContext) -> tuple[Claim, ...]:
        """Claimed, denied, attributed, unclear, no statement; or a statement by an armed group about the
        attacks ("Khataib Hezbollah said attacks were resuming, with Sunday's attack 'the beginning'").

        A named group that claims the attack, or that the speaker holds responsible, is also an actor1 claim: the
        group's own word (its speaker the group, through the sentence's speaker) or the speaker's accusation
        (hedged: an accusation is not a finding). Fusion weighs it beside the agents the event sentences name."""
        actors = [
            a
            for a in document.actors
            if sentence.start <= a.start < sentence.end and not sentence.in_background(a.start)
        ]
        for status, patterns in self.shared.patterns.responsibility.items():
            for pattern in patterns:
                match = pattern.search(sentence.event_text)
                if not match:
                    continue
                pick: list[ActorMention] = []
                if actors:
                    # the claimant names itself before "claimed"; the accused comes after "blamed"
                    before = [a for a in actors if a.start - sentence.start < match.start()]
                    after = [a for a in actors if a.start - sentence.start >= match.start()]
                    pick = (after or before) if status == "attributed" else (before or after)
                value = {"status": status.replace("_", " "), "actor": pick[0].actor.name if pick else None}
                claim = sentence.claim("responsibility", value, match.start(), match.end())
                if pick and status in PERPETRATOR_STATUSES and not pick[0].generic:
                    return claim, self.perpetrator(sentence, pick[0], status)
                return (claim,)
        if not ATTACK_WORDS.search(sentence.event_text):
            return ()
        for mention in actors:
            armed = not mention.generic and mention.actor.type not in ("State forces", "Civilians")
            if armed and any(s.holds(mention.start) for s in sentence.speaker_spans):
                value = {"status": "statement", "actor": mention.actor.name}
                start, end = mention.start - sentence.start, mention.end - sentence.start
                return (sentence.claim("responsibility", value, start, end, wording=mention.surface),)
        return ()

    def perpetrator(self, sentence: SentenceContext, mention: ActorMention, status: str) -> Claim:
        """The actor1 claim a claim of responsibility or an accusation makes, with who says so and the hedge."""
        actor = mention.actor
        confidence, relation = PERPETRATOR_STATUSES[status]
        value = {
            "name": actor.name,
            "type": actor.type,
            "country": getattr(actor, "country", None) or None,
            "role_confidence": confidence,
            "relation": relation,
        }
        start, end = mention.start - sentence.start, mention.end - sentence.start
        claim = sentence.claim("actor1", value, start, end, wording=mention.surface)
        if status == "claimed":
            speaker = Speaker(mention.surface, "armed group", via=sentence.speaker)
            return dataclasses.replace(claim, attributed_to=speaker)
        return dataclasses.replace(claim, hedged=True)
