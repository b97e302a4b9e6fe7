"""Responsibility: claimed, denied, attributed, unclear, no statement; or an armed group's statement about the
attacks.

Hands on responsibility claims with the actor they name.
"""

from __future__ import annotations

import re

from ..model import Claim
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .registry import register

# A sentence about attacks: an armed group speaking in it makes a statement about the event.
ATTACK_WORDS = re.compile(r"\b(attack|attacks|strike|strikes|rockets?|bombing|operation)\b", re.I)


@register("responsibility")
class ResponsibilityFinder(Finder):
    """The first pattern of ``extraction.toml`` [responsibility] that matches gives the status (so "no group
    claimed" is unclear); the claimant names itself before "claimed", the accused comes after "blamed"."""

    needs = ("background", "speaker_spans")

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        if sentence.background:
            return NOTHING
        claim = self.claim(sentence, document)
        return Found((claim,)) if claim is not None else Found()

    def claim(self, sentence: SentenceContext, document: DocumentContext) -> Claim | None:
        """Claimed, denied, attributed, unclear, no statement; or a statement by an armed group about the
        attacks ("Khataib Hezbollah said attacks were resuming, with Sunday's attack 'the beginning'")."""
        actors = [a for a in document.actors if sentence.start <= a.start < sentence.end]
        for status, patterns in self.shared.patterns.responsibility.items():
            for pattern in patterns:
                match = pattern.search(sentence.text)
                if not match:
                    continue
                actor = None
                if actors:
                    # the claimant names itself before "claimed"; the accused comes after "blamed"
                    before = [a for a in actors if a.start - sentence.start < match.start()]
                    after = [a for a in actors if a.start - sentence.start >= match.start()]
                    pick = (after or before) if status == "attributed" else (before or after)
                    actor = pick[0].actor.name if pick else None
                value = {"status": status.replace("_", " "), "actor": actor}
                return sentence.claim("responsibility", value, match.start(), match.end())
        if not ATTACK_WORDS.search(sentence.text):
            return None
        for mention in actors:
            armed = not mention.generic and mention.actor.type not in ("State forces", "Civilians")
            if armed and any(s.holds(mention.start) for s in sentence.speaker_spans):
                value = {"status": "statement", "actor": mention.actor.name}
                start, end = mention.start - sentence.start, mention.end - sentence.start
                return sentence.claim("responsibility", value, start, end, wording=mention.surface)
        return None
