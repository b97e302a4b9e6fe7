"""The learned event-type model's side of extraction: the evidence of a text the model weighs, and its answer.

Hands ``Extractor.classify_learned``, the event-type finder (and ``eventfuse.train.event_types``, which fits the model
on CASE 2021's snippets) ``event_features``: the sentence encoder's embedding of the text (its meaning, words the cue
lists never saw included), cue scores per class after ACLED's precedence rules (kept as data in the lexicon), the
rules' own answer, weapons and what they suggest, the actor types named, tolls and responsibility; and
``event_reasons``: a decision's reasons, the embedding's parts summed into one "sentence meaning".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..learned import LinearModel

if TYPE_CHECKING:
    from ..encoder import SentenceEncoder
    from ..lexicon.records import SubEventType
    from .context import Trigger
    from .cues import EventClassifier
    from .patterns import Patterns

MODEL_FILE = "event_types.model.json"
# The embedding's dimensions are features "meaning:000" ... "meaning:383"; a decision's reasons show their summed part.
MEANING_PREFIX = "meaning:"
MEANING_REASON = "sentence meaning"
# The model types the event sentences of an article's lead, its first sentences (a report leads with its event, and
# a source's type is the one most of its sentences give); later sentences keep the cue rules' type. The encoder then
# reads at most this many sentences an article, whatever its length: about 6.5 ms each on one core.
LEAD_SENTENCES = 2


@dataclass(frozen=True)
class EventEvidence:
    """What the event-type features are read with: the cue classifier and the sentence patterns (tolls,
    responsibility), compiled once."""

    classifier: EventClassifier
    killed: re.Pattern[str]
    injured: re.Pattern[str]
    responsibility: dict[str, tuple[re.Pattern[str], ...]]
    encoder: SentenceEncoder | None = None  # None: the evidence without the text's embedding

    @classmethod
    def build(
        cls, classifier: EventClassifier, patterns: Patterns, encoder: SentenceEncoder | None = None
    ) -> EventEvidence:
        def words(items: tuple[str, ...]) -> re.Pattern[str]:
            return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, items), key=len, reverse=True)) + r")\b", re.I)

        killed, injured = words(patterns.killed_words), words(patterns.injured_words)
        return cls(classifier, killed, injured, patterns.responsibility, encoder)


def event_features(text: str, evidence: EventEvidence) -> dict[str, float]:
    """The named evidence of a text (see docs/event_types.md): the encoder's embedding of the text (when the evidence
    has an encoder: ``meaning_features``) and ``cue_features``."""
    row = cue_features(text, evidence)
    if evidence.encoder is not None:
        row.update(meaning_features(text, evidence.encoder))
    return row


def meaning_features(text: str, encoder: SentenceEncoder) -> dict[str, float]:
    """The encoder's embedding of a text, its dimensions named "meaning:000" ... "meaning:383"."""
    return {f"{MEANING_PREFIX}{i:03d}": round(value, 6) for i, value in enumerate(encoder.encode(text).tolist())}


def cue_features(text: str, evidence: EventEvidence) -> dict[str, float]:
    """Per class the summed cue weight and override-cue weight, the class the cue rules choose (ACLED's precedence
    applied), the classes the weapons named suggest, the ACLED types of the actors named, whether people were killed
    or injured, and the responsibility status."""
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


def event_reasons(model: LinearModel, row: dict[str, float], label: str, top: int = 6) -> list[tuple[str, float]]:
    """The reasons of the model's ``label`` for a row: each named feature's contribution to its score, the
    embedding's dimensions summed into one "sentence meaning" part (its 384 numbers mean nothing one by one); the
    ``top`` largest first."""
    meaning = 0.0
    parts: list[tuple[str, float]] = []
    for name, part in model.contributions(row, label):
        if name.startswith(MEANING_PREFIX):
            meaning += part
        else:
            parts.append((name, part))
    if meaning:
        parts.append((MEANING_REASON, meaning))
    parts.sort(key=lambda p: (-abs(p[1]), p[0]))
    return [(name, round(part, 3)) for name, part in parts[:top]]


def _case_label(classifier: EventClassifier, label: str) -> str:
    found = classifier.event_class(label)
    return found.case_label if found is not None else label


@dataclass(frozen=True)
class TypeDecision:
    """The learned model's ACLED sub-event type for an event sentence, after ACLED's precedence: its probability,
    the strongest cue of that class (offsets in the text; the rules' trigger when the class has no cue) and
    the reasons (``event_reasons``)."""

    sub: SubEventType
    probability: float
    start: int
    end: int
    reasons: tuple[tuple[str, float], ...]


def decide_sub_event_type(
    text: str, trigger: Trigger, model: LinearModel, evidence: EventEvidence
) -> TypeDecision | None:
    """The ACLED sub-event type the model gives an event sentence the cue rules found (``trigger``): the likeliest
    of the model's ACLED classes (the CASE classes outside ACLED, a disaster or a diplomatic event, are not the
    pipeline's: the cue rules already said the sentence reports an ACLED event) among those the sentence's own words
    name (its cues, its weapons, the rules' answer), then ACLED's precedence rules (data in the lexicon) on top. None
    when the words name one ACLED class only (the rules' answer stands, and the sentence is not encoded: the
    encoder's cost goes only to decisions it can change) or the model knows none of them."""
    classifier = evidence.classifier
    by_case = {sub.case_label: sub for sub in classifier.lexicon.sub_event_types}
    row = cue_features(text, evidence)
    named = _named_classes(row, trigger.sub.case_label)
    if len(named & set(by_case)) < 2 or evidence.encoder is None:
        return None  # the sentence's words name one ACLED type: the rules' trigger is the answer, nothing to weigh
    row.update(meaning_features(text, evidence.encoder))
    probabilities = model.probabilities(row)
    ranked = sorted(
        ((p, label) for label, p in probabilities.items() if label in by_case and label in named), reverse=True
    )
    if not ranked:
        return None
    probability, label = ranked[0]
    chosen = by_case[label]
    cues = classifier.cue_scores(text, acled_only=True)
    name, _ = classifier.precedence(chosen.name, cues.scores.get(chosen.name, 0.0), cues)
    sub = classifier.lexicon.sub_event_type(name) or chosen
    start, end = cues.spans.get(sub.name, (trigger.start, trigger.end))
    reasons = event_reasons(model, row, label)
    if sub is not chosen:
        reasons = [*reasons, (f"precedence: {sub.name} over {chosen.name}", 0.0)]
    return TypeDecision(sub, round(probability, 3), start, end, tuple(reasons))


def _named_classes(row: dict[str, float], rules: str) -> set[str]:
    """The CASE labels a sentence's own words name: a cue with a positive score, a weapon that suggests the type, and
    the rules' answer. The model weighs these; it does not bring a type none of the sentence's words speak of."""
    named = {rules}
    for name, value in row.items():
        if value > 0 and name.startswith(("cue:", "override cue:", "weapon:")):
            named.add(name.split(":", 1)[1])
    return named


@cache
def load_event_model() -> LinearModel:
    """The bundled event-type model (``eventfuse/data/event_types.model.json``), loaded once; rebuilt by
    ``eventfuse train event_types``."""
    return LinearModel.load(MODEL_FILE)
