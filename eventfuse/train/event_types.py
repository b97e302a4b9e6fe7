"""Training of the event-type model: a CASE 2021 label from a text's embedding (the sentence encoder) and its cue,
weapon, actor, toll and responsibility evidence.

Hands ``eventfuse train event_types`` the model file ``eventfuse/data/event_types.model.json`` and its figures:
weighted F1 out-of-fold (5 folds, each snippet its own document) beside the model refit on all snippets, on the
whole set and on the half whose texts were never read (odd ids). ACLED's precedence rules stay data in the lexicon:
the rules' answer is one of the features, not replaced by the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..extract.event_model import MODEL_FILE, EventEvidence, event_features
from ..learned import LinearModel, fit

OUTPUTS = (MODEL_FILE,)
FOLDS = 5
# Strong regularisation: 528 snippets for 30 classes and ~450 features (384 of them the embedding's); out of fold,
# C = 0.1 and 0.3 give the same weighted F1 and C = 0.01 loses 0.02 (docs/event_types.md).
C = 0.1


def train(data_root: Path, out_dir: Path) -> dict[str, Any]:
    """Fit the event-type model on the CASE snippets and write it to ``out_dir``; return the figures."""
    from ..bench.case import load_snippets
    from ..encoder import load_encoder
    from ..extract import Extractor
    from ..geo import Gazetteer
    from ..lexicon import load_lexicon

    snippets, labels = load_snippets(Path(data_root) / "case")
    if not snippets:
        raise BenchDataError(f"{data_root}/case: no CASE snippets (pass --data DIR holding case/task2.jsonl)")
    extractor = Extractor(load_lexicon(), Gazetteer.open(), learned_roles=False)
    evidence = EventEvidence.build(extractor.classifier, extractor.patterns, load_encoder())
    model, figures = fit_event_model(snippets, labels, evidence)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / MODEL_FILE)
    return figures


def fit_event_model(
    snippets: Sequence[dict[str, Any]], labels: Sequence[str], evidence: EventEvidence
) -> tuple[LinearModel, dict[str, Any]]:
    """The model fitted on all snippets, with its figures: out-of-fold and full-data weighted F1, whole and halves."""
    from ..bench.case import f1_scores, halves

    rows = [event_features(str(s["text"]), evidence) for s in snippets]
    gold = [str(s["label"]) for s in snippets]
    groups = [str(s.get("id", i)) for i, s in enumerate(snippets)]
    names = sorted({name for row in rows for name in row})
    label_list = list(labels) + sorted(set(gold) - set(labels))
    model, cv = fit("event_types", rows, gold, groups, c=C, folds=FOLDS, features=names)
    full = [model.predict(row) for row in rows]
    figures: dict[str, Any] = {
        "data": f"CASE 2021 task 2 (case/task2.jsonl): {len(snippets)} snippets, {len(set(gold))} labels",
        "folds": f"{cv.folds} folds, each snippet its own document (GroupKFold)",
        "features": len(names),
        "encoder": evidence.encoder.name if evidence.encoder is not None else "none",
    }
    for name, predicted in (("cross_validated", cv.predicted), ("full_data", full)):
        scores = f1_scores(gold, predicted, label_list)
        figures[name] = {
            "weighted_f1": scores["weighted_f1"],
            "macro_f1": scores["macro_f1"],
            "halves": halves(snippets, gold, predicted, label_list),
        }
        if name == "cross_validated":
            figures["per_label_cross_validated"] = {label: scores["labels"][label]["f1"] for label in label_list}
    figures["command"] = "eventfuse train event_types"
    return replace(model, meta=figures), figures


def cross_validated_labels(snippets: Sequence[dict[str, Any]], evidence: EventEvidence) -> list[str]:
    """Each snippet's label from a model that never saw it (5 folds): the honest figure for a model trained on
    these snippets."""
    rows = [event_features(str(s["text"]), evidence) for s in snippets]
    gold = [str(s["label"]) for s in snippets]
    groups = [str(s.get("id", i)) for i, s in enumerate(snippets)]
    if len(set(gold)) < 2 or len(set(groups)) < 2:
        raise BenchDataError("cross-validating the event-type model needs two labels and two snippets at least")
    _, cv = fit("event_types", rows, gold, groups, c=C, folds=FOLDS, features=sorted({n for r in rows for n in r}))
    return list(cv.predicted)
