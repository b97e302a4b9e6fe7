"""The learned event-type model: the evidence it weighs, its training figures, and the bundled model's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventfuse.extract import Extractor
from eventfuse.extract.event_model import EventEvidence, event_features, load_event_model
from eventfuse.geo import Gazetteer
from eventfuse.lexicon import load_lexicon
from eventfuse.train.event_types import fit_event_model


@pytest.fixture(scope="module")
def evidence(gazetteer_path: Path) -> EventEvidence:
    extractor = Extractor(load_lexicon(), Gazetteer.open(gazetteer_path), learned_roles=False)
    return EventEvidence.build(extractor.classifier, extractor.patterns)


def test_the_evidence_of_a_text(evidence: EventEvidence) -> None:
    row = event_features(
        "Militants fired mortar rounds at the town, killing two soldiers. The group claimed responsibility.", evidence
    )
    assert row["rules:ART_MISS_ATTACK"] == 1.0  # the cue rules' answer, ACLED's precedence applied
    assert row["weapon:ART_MISS_ATTACK"] == 1.0  # mortars suggest shelling
    assert row["toll:killed"] == 1.0 and "responsibility:claimed" in row
    assert row["actor:Political militia"] >= 1 and row["actor:State forces"] >= 1


def test_training_reports_out_of_fold_beside_full_data(evidence: EventEvidence) -> None:
    texts = {
        "AIR_STRIKE": ["An air strike hit the village.", "Warplanes bombed the market.", "A drone strike hit a car."],
        "ARREST": ["Police arrested five men.", "Security forces detained two activists.", "Police arrested a man."],
        "PEACE_PROTEST": ["Hundreds marched peacefully.", "Students held a peaceful protest.", "Workers rallied."],
    }
    snippets = [
        {"id": i, "text": t, "label": label}
        for i, (label, t) in enumerate((label, t) for label, items in texts.items() for t in items)
    ]
    model, figures = fit_event_model(snippets, list(texts), evidence)
    assert set(model.classes) == set(texts)
    assert {"cross_validated", "full_data"} <= set(figures)
    assert set(figures["cross_validated"]["halves"]) == {"even_ids_read", "odd_ids_unread"}
    assert model.predict(event_features("An air strike hit the town.", evidence)) == "AIR_STRIKE"


def test_the_bundled_model_was_trained_on_case_with_folds() -> None:
    meta = load_event_model().meta
    assert "CASE 2021" in meta["data"] and "folds" in meta["folds"]
    assert 0 < meta["cross_validated"]["weighted_f1"] <= meta["full_data"]["weighted_f1"]


def test_the_embedding_is_one_reason_sentence_meaning(evidence: EventEvidence) -> None:
    from dataclasses import replace

    from eventfuse.encoder import load_encoder
    from eventfuse.extract.event_model import MEANING_REASON, event_reasons

    with_meaning = replace(evidence, encoder=load_encoder())
    row = event_features("A suicide bomber blew himself up inside a mosque during Friday prayers.", with_meaning)
    assert sum(name.startswith("meaning:") for name in row) == 384
    model = load_event_model()
    label = model.predict(row)
    reasons = event_reasons(model, row, label)
    names = [name for name, _ in reasons]
    assert MEANING_REASON in names and not any(name.startswith("meaning:") for name in names)
    # the summed part is the embedding's whole part in the label's score
    whole = sum(part for name, part in model.contributions(row, label) if name.startswith("meaning:"))
    assert dict(reasons)[MEANING_REASON] == pytest.approx(whole, abs=1e-3)


def test_the_model_weighs_only_the_types_a_sentence_names(evidence: EventEvidence) -> None:
    from dataclasses import replace

    from eventfuse.encoder import load_encoder
    from eventfuse.extract.event_model import decide_sub_event_type

    with_meaning = replace(evidence, encoder=load_encoder())
    classifier = evidence.classifier
    model = load_event_model()
    # one type named ("bombed" by warplanes): the rules' trigger stands, nothing is encoded
    one = "Warplanes bombed the village."
    assert decide_sub_event_type(one, classifier.trigger(one), model, with_meaning) is None
    # an air strike that killed civilians names an air strike, and an attack: the model chooses, with reasons
    two = "Warplanes bombed a crowded market, killing 30 civilians, in an attack residents blamed on the army."
    decision = decide_sub_event_type(two, classifier.trigger(two), model, with_meaning)
    assert decision is not None and decision.sub.name == "Air/drone strike"
    assert 0 < decision.probability <= 1 and decision.reasons
    assert two[decision.start : decision.end]  # the cue of the chosen type
