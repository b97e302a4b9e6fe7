"""Event classes by cue evidence: summed cue weights per class, ACLED's precedence between classes, actor cues.

Hands the event-type finder a sentence's trigger and the CASE benchmark a text's class (``EventClassifier``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .context import Trigger, TypedSpan

if TYPE_CHECKING:
    from ..lexicon import Lexicon
    from ..lexicon.records import ActorCue, OtherEventType, SubEventType

NEGATED_CUE = re.compile(r"\b(no|not|never|without|denied|deny|denies)\s+(\w+\s+){0,2}$", re.I)
# Below this cue score a sentence reports no event.
MIN_TRIGGER_SCORE = 0.5
# Weight of event cues after a text's first sentence (a report leads with its event; later sentences add
# context, earlier events and reactions).
LATER_SENTENCE_WEIGHT = 0.4
# A sentence ends at ., ! or ? (a closing quote or bracket may follow) before a capital, a digit or a quote.
SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)\]]?\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")
# The agent of a passive after a cue: "was captured by", "were seized on Sunday by".
BY_AGENT = re.compile(r"\s+(?:[\w-]+\s+){0,3}?by\s+(?:the\s+)?", re.I)
# What ends a clause between a cue and its target.
CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:according|said|says|while|when|after|before|as)\b", re.I)
# "were killed", "have been attacked": the target of the cue that follows is named before it.
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?$", re.I)
# A first "sentence" shorter than this is a kicker or dateline ("News India."), and the lead goes on.
MIN_LEAD_WORDS = 5
# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset("mr mrs ms dr st gen col lt sgt capt maj rev no jan feb aug sept oct nov dec vs".split())


@dataclass(frozen=True)
class CueScores:
    """Per event class: summed cue weight (negative cues subtract), summed override-only cue weight, and the span
    of its strongest cue."""

    scores: dict[str, float]
    extra: dict[str, float]
    spans: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class BestCue:
    """The winning event class of a text with its score and strongest cue (offsets in the text)."""

    score: float
    label: str
    start: int
    end: int


class EventClassifier:
    """The event class a text reports by summed cue weight, with ACLED's precedence between classes."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def classify(
        self, text: str, *, min_score: float = MIN_TRIGGER_SCORE, acled_only: bool = False
    ) -> SubEventType | OtherEventType | None:
        """The event class a text reports by summed cue weight: an ACLED sub-event type, or (unless
        ``acled_only``) one of the lexicon's non-ACLED classes (CASE's natural disaster, crime ...); None
        when no class reaches ``min_score``."""
        best = self.best_cue(text, min_score=min_score, acled_only=acled_only)
        return self.event_class(best.label) if best is not None else None

    def trigger(self, text: str) -> Trigger | None:
        """The ACLED sub-event type a sentence reports (see ``best_cue``), with its strongest cue."""
        best = self.best_cue(text, min_score=MIN_TRIGGER_SCORE, acled_only=True)
        if best is None:
            return None
        sub = self.lexicon.sub_event_type(best.label)
        if sub is None:
            return None
        return Trigger(sub, best.start, best.end)

    def best_cue(self, text: str, *, min_score: float, acled_only: bool) -> BestCue | None:
        """The best-scoring event class with its strongest cue, after precedence: a class the lexicon says
        ``overrides`` the best one wins when it is cued as an event too, counting its ``override_cues``
        ("protesters threw stones" at a rally is a violent demonstration, mortar rounds carrying poison gas
        a chemical weapon)."""
        cues = self.cue_scores(text, acled_only=acled_only)
        scores, spans = cues.scores, cues.spans
        ranked = sorted(((score, label) for label, score in scores.items() if label in spans), reverse=True)
        if not ranked or ranked[0][0] < min_score:
            return None
        best, score = self.precedence(ranked[0][1], ranked[0][0], cues)
        start, end = spans.get(best) or spans[ranked[0][1]]
        return BestCue(score, best, start, end)

    def precedence(self, best: str, score: float, cues: CueScores) -> tuple[str, float]:
        """ACLED's precedence applied to a chosen class (by the cue rules or the learned model): a class the lexicon
        says ``overrides`` it wins when it is cued as an event too, with its override cues counted, and so on down
        the chain (violent demonstration > excessive force > intervention > peaceful protest)."""
        scores, extra = cues.scores, cues.extra
        labels = set(cues.spans) | set(extra)
        for _ in range(len(labels)):
            contenders = [
                (scores.get(label, 0.0) + extra.get(label, 0.0), label)
                for label in labels
                if best in self.lexicon.overrides(label)
            ]
            contenders = [c for c in contenders if c[0] >= MIN_TRIGGER_SCORE]
            if not contenders:
                break
            score, best = max(contenders)
        return best, score

    def cue_scores(self, text: str, *, acled_only: bool) -> CueScores:
        """Per event class: summed cue weight (negative cues subtract), summed override-only cue weight, and
        the span of its strongest cue. Cues after the first sentence count ``LATER_SENTENCE_WEIGHT``: a
        report leads with its event."""
        scores: dict[str, float] = {}
        extra: dict[str, float] = {}
        strongest: dict[str, tuple[float, int, int]] = {}
        lead_end = _lead_end(text)
        actors: list[TypedSpan] | None = None  # found only when an actor cue needs them
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
                        actors = self.typed_actors(text)
                    label = _actor_cue_class(text, match.start, match.end, cue.actor_cue, actors)
                    if not label:
                        continue  # "the town was captured": by whom decides the class, and the text does not say
                if cue.overriding:
                    extra[label] = extra.get(label, 0.0) + weight
                    continue
                scores[label] = scores.get(label, 0.0) + (-weight if cue.negative else weight)
                if not cue.negative and weight > strongest.get(label, (0.0, 0, 0))[0]:
                    strongest[label] = (weight, match.start, match.end)
        return CueScores(scores, extra, {label: (start, end) for label, (_, start, end) in strongest.items()})

    def typed_actors(self, text: str) -> list[TypedSpan]:
        """Actors named in a text (lexicon names, then nouns: "troops", "villagers"), with their type, in order."""
        found = [TypedSpan(m.start, m.end, m.actor.type) for m in self.lexicon.find_actors(text)]
        taken = [(a.start, a.end) for a in found]
        for m in self.lexicon.find_actor_nouns(text):
            if not any(s < m.end and m.start < e for s, e in taken):
                found.append(TypedSpan(m.start, m.end, m.values[0].type))
        return sorted(found, key=lambda a: (a.start, a.end, a.type))

    def event_class(self, label: str) -> SubEventType | OtherEventType | None:
        sub = self.lexicon.sub_event_type(label)
        if sub is not None:
            return sub
        return next((o for o in self.lexicon.other_event_types if o.case_label == label), None)


def _actor_cue_class(text: str, start: int, end: int, cue: ActorCue, actors: Sequence[TypedSpan]) -> str:
    """The event class an actor cue gives: by the type of the doer or the target it speaks of, else its default.

    The doer is the "by" agent of a passive ("was captured by rebels"), else the first actor of a listed
    type before the cue in its sentence (news sentences name the doer first: "Syrian troops pushed into the
    enclave, clashing with insurgents and capturing a village"). The target is the first such actor after
    the cue in its sentence ("attacked a police post"), or before it in a passive ("soldiers were killed").
    """
    types = dict(cue.classes)
    listed = [a for a in actors if a.type in types]
    sentence_start = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    next_break = SENTENCE_BREAK.search(text, end)
    sentence_end = next_break.start() if next_break else len(text)
    before = [a for a in listed if sentence_start <= a.start and a.end <= start]
    after = [a for a in listed if end <= a.start < sentence_end]
    agent = BY_AGENT.match(text, end)
    passive = PASSIVE_BEFORE.search(text, max(sentence_start, start - 24), start) is not None
    found: TypedSpan | None
    if cue.role == "doer":
        by_agent = (
            next((a for a in after if agent.end() <= a.start <= agent.end() + 4), None) if agent is not None else None
        )
        found = by_agent or (before[0] if before else None)
    elif passive:  # the target is the subject, in the cue's clause
        found = before[-1] if before and not CLAUSE_BREAK.search(text, before[-1].end, start) else None
    else:  # the target is the object, in the cue's clause ("attacked villages, according to vigilantes")
        found = after[0] if after and not CLAUSE_BREAK.search(text, end, after[0].start) else None
    return types[found.type] if found is not None else cue.default


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
