"""Weapons and counts: the weapons an event sentence names (lexicon ``weapons.toml``) and how many ("five rockets").

Hands on weapon and count:WEAPON claims.
"""

from __future__ import annotations

import re

from ..model import Claim
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext, Shared
from .registry import register

# Words that end a "number ... weapon" phrase: "on April 5, when two rockets" counts two rockets, not five.
COUNT_BREAKERS = r"(?:when|and|or|of|the|were|was|which|that|had|have|at|in|on|to|from|by|with|as|after|before)"


@register("weapons")
class WeaponsFinder(Finder):
    """Counts of weapons ("at least five rockets", as a range) and the weapons named, in a sentence with an event
    trigger that is not background."""

    needs = ("trigger", "background", "foreground")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        lexicon, quantities = shared.lexicon, shared.quantities
        self.weapon_names = {cue.casefold(): w.name for w in lexicon.weapons for cue in w.cues}
        weapons = "|".join(sorted(map(re.escape, sorted(self.weapon_names)), key=len, reverse=True))
        self.weapon_re = re.compile(
            rf"\b{quantities.quantity}\s+(?:(?!{COUNT_BREAKERS}\b)[\w-]+\s+){{0,2}}?(?P<weapon>{weapons})\b", re.I
        )

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        if sentence.trigger is None or sentence.background:
            return NOTHING
        claims: list[Claim] = []
        text = sentence.event_text
        for match in self.weapon_re.finditer(text):
            weapon = self.weapon_names.get(match.group("weapon").casefold(), match.group("weapon").casefold())
            figure = self.shared.quantities.range(match.group("qual"), match.group("num"))
            if figure.min is None:
                continue
            value = {"min": figure.min, "max": figure.max} | ({"strict_min": True} if figure.strict else {})
            wording = text[match.start() : match.end()]
            claims.append(sentence.claim(f"count:{weapon}", value, match.start(), match.end(), wording=wording))
        for found in self.shared.lexicon.find_weapons(text):
            claims.append(sentence.claim("weapon", found.values[0].name, found.start, found.end, wording=found.surface))
        return Found(tuple(claims))
