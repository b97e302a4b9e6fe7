"""Grouping decisions: a frame joins the stored event the learned model finds most likely to be the same
real-world event, when likely enough, or starts one; which other events it shows to be that same one.

Hands on Decisions and Merges, each with its probability and the evidence that drove it, in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..learned import LinearModel
from . import evidence
from .config import ClusterConfig
from .profiles import Frame, Profile, as_frame

REASONS_KEPT = 5  # the strongest contributions a decision keeps as its reasons


@dataclass(frozen=True)
class Decision:
    """Where a frame goes: an existing event (``joined``) or a new one, and why."""

    event_id: str
    joined: bool
    score: float  # the model's probability that the frame and the event it joined (or the best one) are one
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """The model's view of one (frame, event) pair: the probability, the evidence row and the reasons."""

    probability: float
    row: dict[str, float]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Merge:
    """A stored event that a frame joins as well as the one it chose, and that is one event with it."""

    event_id: str
    frame_score: float  # the frame's probability with this event, and why
    frame_reasons: tuple[str, ...]
    score: float  # the two events' probability of being one, and why
    reasons: tuple[str, ...]


class JoinModel:
    """The learned join decision: a logistic model over ``evidence.features`` and its threshold."""

    def __init__(self, model: LinearModel, config: ClusterConfig) -> None:
        self.model = model
        self.config = config

    @classmethod
    def load(cls, config: ClusterConfig, path: Path | None = None) -> JoinModel:
        return cls(LinearModel.load(config.model, path), config)

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def assess(self, frame: Profile, event: Profile, *, co_reported: bool = False) -> Assessment | None:
        """The probability that a frame (or an event, merging) is ``event``; None when something certain
        contradicts it (``evidence.veto`` against the event's fused date and place and its anchor)."""
        if self.veto(frame, event):
            return None
        row = evidence.features(frame, event, self.config, co_reported=co_reported)
        probability = self.model.probability(row)
        parts = self.model.contributions(row)[:REASONS_KEPT]
        reasons = (f"probability {probability:.2f}",) + tuple(evidence.explain(n, row, v) for n, v in parts)
        return Assessment(probability, row, reasons)

    def veto(self, frame: Profile, event: Profile) -> str | None:
        """What certainly keeps a frame out of an event, in words (None: nothing)."""
        for side in (event, event.anchor):
            if side is not None:
                reason = evidence.veto(frame.anchor or frame, side, self.config)
                if reason:
                    return reason
        return None


def decide(
    frame: Frame, candidates: Sequence[Profile], model: JoinModel, co_reported: frozenset[str] = frozenset()
) -> Decision:
    """Join the candidate the model finds most likely, when at least its threshold, or start a new event.

    ``co_reported``: events that other articles report beside an event this article also reports (two outlets
    that each cover Sunday's attack and mention Saturday's explosion likely mean the same one)."""
    best: tuple[Assessment, Profile] | None = None
    vetoed = 0
    for candidate in candidates:
        assessed = model.assess(frame.profile, candidate, co_reported=candidate.event_id in co_reported)
        if assessed is None:
            vetoed += 1
            continue
        if best is None or assessed.probability > best[0].probability:
            best = (assessed, candidate)
    if best and best[0].probability >= model.threshold and best[1].event_id:
        return Decision(best[1].event_id, True, round(best[0].probability, 4), best[0].reasons)
    if best:
        head = f"best candidate {best[1].event_id}: probability {best[0].probability:.2f} < {model.threshold:.2f}"
        reasons = (head,) + best[0].reasons[1:]
    else:
        reasons = ("no stored event is a candidate",)
    if vetoed:
        reasons += (f"{vetoed} candidates ruled out by a certain date or place",)
    return Decision(new_event_id(frame), False, round(best[0].probability, 4) if best else 0.0, reasons)


def merges(
    frame: Frame,
    chosen: Profile,
    candidates: Sequence[Profile],
    model: JoinModel,
    apart: frozenset[str] = frozenset(),
    co_reported: frozenset[str] = frozenset(),
) -> list[Merge]:
    """The other candidates the frame also joins (probability at least the threshold plus ``merge_margin``) that
    nothing certain keeps apart from the chosen one (nor from another merged one), and that are not in ``apart``
    (events an article reports beside the chosen one are different events). The frame is the evidence that joins
    them: the two need not reach the threshold with each other."""
    found: list[tuple[Merge, Profile]] = []
    bar = model.threshold + model.config.merge_margin
    for candidate in candidates:
        if not candidate.event_id or candidate.event_id == chosen.event_id or candidate.event_id in apart:
            continue
        assessed = model.assess(frame.profile, candidate, co_reported=candidate.event_id in co_reported)
        if assessed is None or assessed.probability < bar:
            continue
        # the two events compared as a frame and an event: the candidate's sums as one report's unit vectors
        pair = model.assess(as_frame(candidate), chosen)
        if pair is None or any(model.veto(candidate, other) for _, other in found):
            continue
        merge = Merge(
            candidate.event_id,
            round(assessed.probability, 4),
            assessed.reasons,
            round(pair.probability, 4),
            pair.reasons,
        )
        found.append((merge, candidate))
    return [merge for merge, _ in found]


def new_event_id(frame: Frame) -> str:
    """A stable id: the same first mention always names the same event."""
    first = frame.mention_ids[0] if frame.mentions else frame.article_id  # a story frame has no mentions
    return event_id_for(first)


def event_id_for(first: str) -> str:
    """The id of the event whose first mention (or, for a story frame, article) is ``first``."""
    return "ev_" + hashlib.sha256(first.encode()).hexdigest()[:12]
