"""The learned event-type model's side of extraction: the evidence of a text the model weighs, and its answer.

Hands ``Extractor.classify_learned`` (and ``eventfuse.train.event_types``, which fits the model on CASE 2021's
snippets) ``event_features``: cue scores per class after ACLED's precedence rules (kept as data in the lexicon), the
rules' own answer, weapons and what they suggest, the actor types named, tolls and responsibility.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..learned import LinearModel

if TYPE_CHECKING:
    from .cues import EventClassifier
    from .patterns import Patterns

MODEL_FILE = "event_types.model.json"


@dataclass(frozen=True)
class EventEvidence:
    """What the event-type features are read with: the cue classifier and the sentence patterns (tolls,
    responsibility), compiled once."""

    classifier: EventClassifier
    killed: re.Pattern[str]
    injured: re.Pattern[str]
    responsibility: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def build(cls, classifier: EventClassifier, patterns: Patterns) -> EventEvidence:
        def words(items: tuple[str, ...]) -> re.Pattern[str]:
            return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, items), key=len, reverse=True)) + r")\b", re.I)

        return cls(classifier, words(patterns.killed_words), words(patterns.injured_words), patterns.responsibility)


def event_features(text: str, evidence: EventEvidence) -> dict[str, float]:
    """The named evidence of a text (see docs/extraction.md): per class its summed cue weight and override-cue
    weight, the class the cue rules choose (ACLED's precedence applied), the classes the weapons named suggest,
    the ACLED types of the actors named, whether people were killed or injured, and the responsibility status."""
    classifier = evidence.classifier
    lexicon = classifier.lexicon
    cues = classifier.cue_scores(text, acled_only=False)
    row: dict[str, float] = {}
    for label, score in cues.scores.items():
        row[f"cue:{_case_label(classifier, label)}"] = round(score, 4)
    for label, score in cues.extra.items():
        row[f"override cue:{_case_label(classifier, label)}"] = round(score, 4)
    best = classifier.best_cue(text, min_score=1e-9, acled_only=False)
    row[f"rules:{_case_label(classifier, best.label) if best else 'none'}"] = 1.0
    for match in lexicon.find_weapons(text):
        sub = lexicon.sub_event_type(match.values[0].sub_event_type)
        if sub is not None:
            row[f"weapon:{sub.case_label}"] = 1.0
    for actor in classifier.typed_actors(text):
        key = f"actor:{actor.type}"
        row[key] = row.get(key, 0.0) + 1.0
    if evidence.killed.search(text):
        row["toll:killed"] = 1.0
    if evidence.injured.search(text):
        row["toll:injured"] = 1.0
    for status, patterns in evidence.responsibility.items():
        if any(p.search(text) for p in patterns):
            row[f"responsibility:{status}"] = 1.0
            break
    return row


def _case_label(classifier: EventClassifier, label: str) -> str:
    found = classifier.event_class(label)
    return found.case_label if found is not None else label


@cache
def load_event_model() -> LinearModel:
    """The bundled event-type model (``eventfuse/data/event_types.model.json``), loaded once; rebuilt by
    ``eventfuse train event_types``."""
    return LinearModel.load(MODEL_FILE)
