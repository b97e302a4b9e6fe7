"""Stated figures: number words, vague quantities and qualifiers as ranges, and the regular expressions that find them.

Hands the weapon and toll finders ``Quantities``: a figure with its qualifier as (min, max, strict).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..lexicon import Lexicon
    from ..lexicon.records import Qualifier

# Ordinal words are not counts ("at first whether the rockets ...").
ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())


@dataclass(frozen=True)
class Figure:
    """A stated figure as a range: "more than five" is min 6, max None, strict."""

    min: int | None
    max: int | None
    strict: bool = False


class Quantities:
    """Number words ("five") and vague quantities ("dozens") as ranges, qualifiers ("at least"), and the patterns
    of a number (``number``), a qualified one (``quantity``) and one that may be "a"/"an" (``person_quantity``)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.words = _number_words(lexicon)
        self.qualifiers: dict[str, Qualifier] = {q.phrase.casefold(): q for q in lexicon.numbers.qualifiers}
        self.qualifier = "|".join(sorted(map(re.escape, self.qualifiers), key=len, reverse=True))
        counted = sorted((w for w in self.words if w not in ("a", "an")), key=len, reverse=True)
        self.number = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?![\d,]\d)|" + "|".join(map(re.escape, counted)) + r")"
        # "a" and "an" count people in tolls ("claimed the life of an officer"), not weapons ("an aircraft").
        self.person_number = r"(?:an|a|" + self.number[3:]
        self.quantity = rf"(?P<qual>(?:{self.qualifier})\s+)?(?P<num>{self.number})"
        self.person_quantity = rf"(?P<qual>(?:{self.qualifier})\s+)?(?P<num>{self.person_number})"

    def parse(self, number: str) -> tuple[int, int | None] | None:
        cleaned = number.replace(",", "").strip().casefold()
        if cleaned.isdigit():
            n = int(cleaned)
            return n, n
        return self.words.get(cleaned)

    def range(self, qualifier: str | None, number: str) -> Figure:
        """A stated figure with its qualifier: "more than five" is (6, None, strict)."""
        value = self.parse(number)
        if value is None:
            return Figure(None, None)
        low, high = value
        rule = self.qualifiers.get((qualifier or "").strip().casefold())
        if rule is None:
            return Figure(low, high)
        new_low = max(0, low + rule.min_offset) if rule.min_offset is not None else 0
        new_high = (high if high is not None else low) + rule.max_offset if rule.max_offset is not None else None
        return Figure(new_low, new_high, (rule.min_offset or 0) > 0)


def _number_words(lexicon: Lexicon) -> dict[str, tuple[int, int | None]]:
    """Number words ("five") and vague quantities ("dozens") as ranges."""
    words: dict[str, tuple[int, int | None]] = {
        w.casefold(): (n, n) for w, n in lexicon.numbers.words.items() if w.casefold() not in ORDINALS
    }
    for quantity in lexicon.numbers.quantifiers:
        words[quantity.phrase.casefold()] = (quantity.min or 0, quantity.max)
    words.update({"a": (1, 1), "an": (1, 1)})
    return words
