"""The role model: how MUC-4 template strings label candidate spans, and the bundled model's data and figures."""

from __future__ import annotations

from pathlib import Path

from eventfuse.extract.role_model import PERPETRATOR, ROLE_CLASSES, VICTIM, Candidate, load_role_model
from eventfuse.train import MODELS, load_trainer
from eventfuse.train.roles import NONE, gold_strings, label_of

TEMPLATES = [
    {
        "perp_organization_id": [{"alts": ["FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN"], "optional": False}],
        "hum_tgt_description": [{"alts": ["PEASANTS"], "optional": False}],
        "phys_tgt_id": None,
    }
]


def _candidate(text: str) -> Candidate:
    return Candidate(0, len(text), text, None, "entity", "", False, "ORG")  # type: ignore[arg-type]


def test_template_strings_label_the_spans_that_name_them() -> None:
    gold = gold_strings(TEMPLATES)
    assert label_of(_candidate("the FMLN"), gold) == PERPETRATOR
    assert label_of(_candidate("Farabundo Marti National Liberation Front"), gold) == PERPETRATOR
    assert label_of(_candidate("five peasants"), gold) == VICTIM  # same head noun, the fill inside the span
    assert label_of(_candidate("the army"), gold) == NONE


def test_the_bundled_role_model_says_what_it_was_trained_on_and_how_well() -> None:
    assert MODELS["roles"] == "eventfuse.train.roles"
    assert load_trainer("roles").OUTPUTS == ("roles.model.json",)
    model = load_role_model()
    assert model.classes == tuple(sorted(ROLE_CLASSES))
    meta = model.meta
    assert "muc4-dev" in meta["data"] and "tst" not in meta["data"]
    for figures in (meta["cross_validated"], meta["full_dev"]):
        assert set(figures) == {PERPETRATOR, VICTIM}
    assert 0 < meta["thresholds"][PERPETRATOR] < 1
    assert (Path(__file__).parents[1] / "eventfuse" / "data" / "roles.model.json").is_file()
