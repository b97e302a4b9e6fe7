"""The learned-model file format: what a model predicts after a save and load is what scikit-learn fitted."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eventfuse.errors import LexiconError
from eventfuse.learned import LinearModel, best_threshold, fit


def _data(n: int = 240) -> tuple[list[dict[str, float]], list[str], list[str]]:
    rng = random.Random(7)
    rows, labels, groups = [], [], []
    for i in range(n):
        a, b = rng.random(), rng.random()
        rows.append({"cosine": a, "noise": b} if i % 3 else {"cosine": a})
        labels.append("same" if a + 0.2 * rng.random() > 0.6 else "other")
        groups.append(f"incident-{i // 4}")
    return rows, labels, groups


def test_fit_save_load_predicts_the_same(tmp_path: Path) -> None:
    rows, labels, groups = _data()
    model, cv = fit("demo", rows, labels, groups, meta={"data": "synthetic"})
    path = tmp_path / "demo.model.json"
    model.save(path)
    loaded = LinearModel.load("demo.model.json", path)
    assert loaded.classes == ("other", "same")
    assert loaded.meta == {"data": "synthetic"}
    for row in rows[:20]:
        assert loaded.probability(row) == pytest.approx(model.probability(row), abs=1e-4)
    # the informative feature drives the decision, and the model learned it
    assert loaded.probability({"cosine": 0.95}) > 0.9 > 0.1 > loaded.probability({"cosine": 0.05})
    assert cv.folds == 5 and len(cv.probabilities) == len(rows)
    accuracy = sum((p >= 0.5) == (y == "same") for p, y in zip(cv.probabilities, labels, strict=True)) / len(rows)
    assert accuracy > 0.85


def test_save_is_deterministic(tmp_path: Path) -> None:
    rows, labels, groups = _data()
    fit("demo", rows, labels, groups)[0].save(tmp_path / "a.json")
    fit("demo", rows, labels, groups)[0].save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_contributions_add_up_to_the_score() -> None:
    rows, labels, groups = _data()
    model, _ = fit("demo", rows, labels, groups)
    row = {"cosine": 0.9, "noise": 0.1}
    parts = model.contributions(row)
    assert parts[0][0] == "cosine" and parts[0][1] > 0
    at_mean = model.scores(dict(zip(model.features, model.mean, strict=True)))[0]
    assert at_mean + sum(v for _, v in parts) == pytest.approx(model.scores(row)[0], abs=1e-9)


def test_multiclass() -> None:
    rng = random.Random(3)
    rows, labels, groups = [], [], []
    for i in range(300):
        label = ("attack", "protest", "strike")[i % 3]
        rows.append({f"cue={label}": 1.0, "noise": rng.random()})
        labels.append(label)
        groups.append(str(i // 5))
    model, cv = fit("types", rows, labels, groups)
    assert model.predict({"cue=protest": 1.0}) == "protest"
    assert sum(p == y for p, y in zip(cv.predicted, labels, strict=True)) == len(labels)
    assert model.contributions({"cue=strike": 1.0}, "strike")[0][0] == "cue=strike"


def test_a_malformed_model_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(LexiconError, match="broken.json"):
        LinearModel.load("broken.json", path)
    with pytest.raises(LexiconError, match="missing.json: model file not found"):
        LinearModel.load("missing.json", tmp_path / "missing.json")


def test_best_threshold() -> None:
    threshold, f1 = best_threshold([0.9, 0.8, 0.4, 0.3, 0.1], [True, True, True, False, False])
    assert threshold == 0.4 and f1 == 1.0


def test_a_feature_a_row_does_not_name_counts_as_the_training_mean_when_unknown() -> None:
    rows, labels, groups = _data()
    rows = [dict(row, title=row["cosine"]) if i % 2 else row for i, row in enumerate(rows)]
    model, _ = fit("demo", rows, labels, groups, missing="mean")
    assert model.missing == "mean"
    # the headline is unknown: it moves nothing, and has no part in the reasons
    assert "title" not in dict(model.contributions({"cosine": 0.9}))
    at_mean = model.scores(dict(zip(model.features, model.mean, strict=True)))[0]
    assert model.scores({})[0] == pytest.approx(at_mean)
    parts = model.contributions({"cosine": 0.9, "title": 0.2})
    assert at_mean + sum(v for _, v in parts) == pytest.approx(model.scores({"cosine": 0.9, "title": 0.2})[0])


def test_a_wide_model_scores_as_a_narrow_one() -> None:
    # 120 features run as numpy arrays; the plain sums of the same model give the same scores
    rng = random.Random(3)
    names = [f"meaning:{i:03d}" for i in range(120)]
    rows = [{n: rng.uniform(-1, 1) for n in names} for _ in range(90)]
    labels = [
        "a" if row["meaning:000"] + row["meaning:007"] > 0 else "b" if row["meaning:001"] > 0 else "c" for row in rows
    ]
    model, _ = fit("wide", rows, labels, [str(i) for i in range(90)], folds=3)
    plain = model.to_json()
    for row in rows[:10]:
        wide = model.scores(row)
        narrow = [
            b
            + sum(w * (row.get(n, 0.0) - m) / s for w, m, s, n in zip(ws, model.mean, model.scale, names, strict=True))
            for ws, b in zip(model.coef, model.intercept, strict=True)
        ]
        assert wide == pytest.approx(narrow, abs=1e-9)
    assert plain["features"] == names
