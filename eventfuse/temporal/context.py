"""What a rule needs to know about where an expression sits: the DCT, the sentence, its tense, the reference time.

Hands ``rules`` a ``Context`` per document; it holds no state beyond one ``find_timexes`` call.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .lexicon import FUTURE_CUES, NOT_PAST_ED, PAST_CUES

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll")
# Words that end a clause for tense purposes: a cue beyond them belongs to another clause.
_CLAUSE_BREAK = frozenset({"but", "while", "whereas", "although", "though", "because", "since", "after", "before"})


class NeedsDct(Exception):
    """Raised by a rule that must anchor on the publication date when there is none."""


def parse_dct(dct: str | None) -> tuple[date | None, datetime | None]:
    """The DCT as a date (and a datetime when it has a clock time); ValueError when it is not ISO."""
    if dct is None or not str(dct).strip():
        return None, None
    text = str(dct).strip()
    day = date.fromisoformat(text[:10])
    clock: datetime | None = None
    m = re.match(r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})", text)
    if m:
        clock = datetime(day.year, day.month, day.day, int(m[1]), int(m[2]))
    return day, clock


@dataclass
class Context:
    """One document being tagged: its text, DCT, time zone and the running reference time."""

    text: str
    dct: date | None
    dct_clock: datetime | None = None
    timezone: str | None = None
    # The last point value resolved in the text, for anaphora ("a year earlier", "the next day").
    ref: tuple[date, str] | None = None
    _sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _SENTENCE_END.finditer(self.text))
        self._sentence_starts = starts

    def anchor(self) -> date:
        """The DCT, or NeedsDct so the expression stays unresolved."""
        if self.dct is None:
            raise NeedsDct
        return self.dct

    def reference(self) -> tuple[date, str]:
        """The reference time for anaphoric expressions: the last resolved point, else the DCT."""
        if self.ref is not None:
            return self.ref
        return self.anchor(), "day"

    def sentence(self, start: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, start) - 1
        begin = self._sentence_starts[i]
        end = self._sentence_starts[i + 1] if i + 1 < len(self._sentence_starts) else len(self.text)
        return begin, end

    def tense(self, start: int, end: int) -> str | None:
        """'past', 'future' or None from the nearest tense cue in the clause around ``start:end``."""
        begin, stop = self.sentence(start)
        left = [w.lower() for w in _WORD.findall(self.text[begin:start])[-12:]]
        for i in range(len(left) - 1, -1, -1):
            if left[i] in _CLAUSE_BREAK:
                break
            verdict = _cue(left, i)
            if verdict:
                return verdict
        right = [w.lower() for w in _WORD.findall(self.text[end:stop])[:8]]
        for i, word in enumerate(right):
            if word in _CLAUSE_BREAK:
                break
            verdict = _cue(right, i)
            if verdict:
                return verdict
        return None


_MODALS = frozenset({"will", "would", "could", "should", "may", "might", "must", "can", "shall", "to"})
_TO_FUTURE = frozenset({"is", "are", "am", "going", "likely", "ready", "about", "plans", "plan", "wants", "hopes"})
_SCHEDULE = frozenset({"expected", "scheduled", "due", "slated", "set", "planned", "supposed"})


def _cue(words: list[str], i: int) -> str | None:
    """The tense ``words[i]`` signals, looking at its neighbours for "was due to", "is set to", "to be held"."""
    low = words[i]
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if low in _SCHEDULE:
        if low in ("set", "supposed", "planned") and after != "to":
            return None
        return "past" if before in ("was", "were", "had") else "future"
    if low == "to" and before in _TO_FUTURE:
        return "future"  # "is to resume", "likely to meet"
    if low == "soon" and before == "as" or low == "early" and before == "as" and after == "as":
        return "future"  # "as soon as Tuesday", "as early as Tuesday"
    if low in FUTURE_CUES or low.endswith("'ll") or low == "won't":
        return "future"
    if low in PAST_CUES or (len(low) > 4 and low.endswith("ed") and low not in NOT_PAST_ED):
        if before == "be" and i > 1 and words[i - 2] in _MODALS:
            return "future"  # "to be published", "will be held"
        return "past"
    return None
