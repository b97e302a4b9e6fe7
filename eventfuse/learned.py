"""Learned decisions as data: a logistic model whose parameters ship as JSON under ``eventfuse/data/``.

Hands on, for a row of named feature values, the class probabilities and each feature's contribution to them
(the reasons a decision stores). Training (scikit-learn, grouped cross-validation) lives in ``fit``; running a
model needs only this file's plain arithmetic, so loading one costs nothing at start-up.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import LexiconError

FORMAT = "eventfuse-linear-1"
# From this many features a model runs its arithmetic as numpy arrays (an embedding's hundreds of dimensions); a
# narrower one keeps plain Python sums, whose order and results stay exactly those of its training figures.
WIDE = 100


@dataclass(frozen=True)
class LinearModel:
    """A (multinomial) logistic regression over named features, standardised as in training.

    ``coef`` holds one row per class, or a single row for two classes (the score of ``classes[1]``)."""

    name: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    threshold: float = 0.5  # for two classes: the probability of classes[1] at which the decision is taken
    meta: dict[str, Any] = field(default_factory=dict)  # training data, cross-validated figures, command
    # What a feature a row does not name stands for: "zero" (its value is 0) or "mean" (unknown: it counts as
    # the training mean, so it moves no decision; ``fit`` filled such gaps with the mean too).
    missing: str = "zero"

    def __post_init__(self) -> None:
        width = len(self.features)
        if len(self.mean) != width or len(self.scale) != width or any(len(row) != width for row in self.coef):
            raise LexiconError(f"model {self.name}: parameters do not match its {width} features")
        rows = 1 if len(self.classes) == 2 else len(self.classes)
        if len(self.coef) != rows or len(self.intercept) != rows:
            raise LexiconError(f"model {self.name}: expected {rows} coefficient rows for classes {self.classes}")
        if self.missing not in ("zero", "mean"):
            raise LexiconError(f"model {self.name}: missing must be 'zero' or 'mean', not {self.missing!r}")
        self.__dict__["_index"] = {name: i for i, name in enumerate(self.features)}

    # --- running ---------------------------------------------------------------------------------

    def scores(self, row: Mapping[str, float]) -> list[float]:
        """The linear score of each coefficient row (a feature the row does not name is 0, or the training mean
        when ``missing`` is "mean")."""
        base: list[float] | None = self.__dict__.get("_base")
        if base is None:  # the score of a row at the training mean (what every missing feature counts as)
            base = list(self.intercept)
            if self.missing == "zero":  # ... or at 0
                base = [
                    b - sum(w * m / s for w, m, s in zip(weights, self.mean, self.scale, strict=True))
                    for weights, b in zip(self.coef, self.intercept, strict=True)
                ]
            self.__dict__["_base"] = base
        index: dict[str, int] = self.__dict__["_index"]
        centred = self.missing == "mean"
        if len(self.features) >= WIDE:
            return self._wide_scores(row, base, index, centred)
        out = list(base)
        for name, value in row.items():
            i = index.get(name)
            if i is None:
                continue
            x = (float(value) - self.mean[i]) if centred else float(value)
            if x:
                for r, weights in enumerate(self.coef):
                    out[r] += weights[i] * x / self.scale[i]
        return out

    def _wide_scores(
        self, row: Mapping[str, float], base: list[float], index: dict[str, int], centred: bool
    ) -> list[float]:
        import numpy as np

        weights = self.__dict__.get("_weights")
        if weights is None:  # coefficients over scale, one row per class: the score is base + weights @ x
            weights = np.asarray(self.coef, dtype=np.float64) / np.asarray(self.scale, dtype=np.float64)
            self.__dict__["_weights"] = weights
        x = np.zeros(len(self.features), dtype=np.float64)
        for name, value in row.items():
            i = index.get(name)
            if i is not None:
                x[i] = (float(value) - self.mean[i]) if centred else float(value)
        return (np.asarray(base, dtype=np.float64) + weights @ x).tolist()

    def probabilities(self, row: Mapping[str, float]) -> dict[str, float]:
        """The probability of each class."""
        scores = self.scores(row)
        if len(self.classes) == 2:
            p = _sigmoid(scores[0])
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def probability(self, row: Mapping[str, float]) -> float:
        """For two classes: the probability of ``classes[1]``."""
        return _sigmoid(self.scores(row)[0])

    def predict(self, row: Mapping[str, float]) -> str:
        if len(self.classes) == 2:
            return self.classes[1] if self.probability(row) >= self.threshold else self.classes[0]
        probabilities = self.probabilities(row)
        return max(self.classes, key=lambda c: (probabilities[c], -self.classes.index(c)))

    def contributions(self, row: Mapping[str, float], label: str | None = None) -> list[tuple[str, float]]:
        """Each feature's part in the score of ``label`` (for two classes, of ``classes[1]``), measured from the
        training mean, so the parts and the score at the mean add up to the score; the largest first. These are
        a decision's reasons. A missing feature that counts as the mean has no part."""
        r = 0 if len(self.classes) == 2 or label is None else self.classes.index(label)
        if self.missing == "mean":
            index: dict[str, int] = self.__dict__["_index"]
            present = [(name, index[name], float(v)) for name, v in row.items() if name in index]
        else:
            present = [(name, i, float(row.get(name, 0.0))) for i, name in enumerate(self.features)]
        parts = [(name, self.coef[r][i] * (x - self.mean[i]) / self.scale[i]) for name, i, x in present]
        return sorted((p for p in parts if abs(p[1]) >= 1e-9), key=lambda p: (-abs(p[1]), p[0]))

    # --- files -----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "classes": list(self.classes),
            "features": list(self.features),
            "mean": [_round(v) for v in self.mean],
            "scale": [_round(v) for v in self.scale],
            "coef": [[_round(v) for v in row] for row in self.coef],
            "intercept": [_round(v) for v in self.intercept],
            "threshold": _round(self.threshold),
            "missing": self.missing,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], label: str = "model") -> LinearModel:
        if data.get("format") != FORMAT:
            raise LexiconError(f"{label}: not an eventfuse model file (format {data.get('format')!r}, want {FORMAT})")
        try:
            return cls(
                name=str(data["name"]),
                classes=tuple(str(c) for c in data["classes"]),
                features=tuple(str(f) for f in data["features"]),
                mean=tuple(float(v) for v in data["mean"]),
                scale=tuple(float(v) or 1.0 for v in data["scale"]),
                coef=tuple(tuple(float(v) for v in row) for row in data["coef"]),
                intercept=tuple(float(v) for v in data["intercept"]),
                threshold=float(data.get("threshold", 0.5)),
                meta=dict(data.get("meta") or {}),
                missing=str(data.get("missing", "zero")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise LexiconError(f"{label}: malformed model file ({err}); rebuild it with 'eventfuse train'") from err

    @classmethod
    def load(cls, name: str, path: Path | None = None) -> LinearModel:
        """The bundled ``eventfuse/data/NAME`` (e.g. ``grouping.model.json``), or ``path`` when given."""
        label = str(path) if path else f"eventfuse/data/{name}"
        try:
            raw = path.read_text("utf-8") if path else (resources.files("eventfuse") / "data" / name).read_text("utf-8")
        except FileNotFoundError as err:
            raise LexiconError(f"{label}: model file not found; rebuild it with 'eventfuse train'") from err
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise LexiconError(f"{label}: not JSON ({err.msg}); rebuild it with 'eventfuse train'") from err
        return cls.from_json(data, label)

    def save(self, path: Path) -> None:
        """Write the model deterministically (sorted keys, rounded floats), so a rebuild gives the same bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _round(value: float) -> float:
    return float(f"{value:.6g}")


# --- training --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold probabilities (one per row, of ``classes[1]`` for two classes, else of the true class) and the
    predicted label of each row, from grouped folds: no group is split across folds."""

    folds: int
    probabilities: list[float]
    predicted: list[str]
    models: list[LinearModel] = field(default_factory=list)  # the model of each fold, trained without it
    fold_of_group: dict[str, int] = field(default_factory=dict)  # the fold each group was held out in


def fit(
    name: str,
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    groups: Sequence[str],
    *,
    c: float = 1.0,
    folds: int = 5,
    class_weight: str | None = None,
    features: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    missing: str = "zero",
    weights: Sequence[float] | None = None,
) -> tuple[LinearModel, CrossValidation]:
    """Fit a logistic model on all rows, and cross-validate it with ``folds`` grouped folds (GroupKFold: rows of
    one incident, topic or document stay in one fold). Deterministic: same rows, same model. With ``missing``
    "mean", a feature a row does not name is unknown: it is filled with the mean of the rows that name it (and
    counts as that mean when the model runs). ``weights``: each row's weight in the fit (e.g. so that two corpora
    of different sizes count alike)."""
    from sklearn.model_selection import GroupKFold

    names = tuple(features) if features is not None else tuple(sorted({k for row in rows for k in row}))
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise ValueError(f"model {name}: needs at least two classes, got {classes}")
    matrix = _matrix(rows, names, missing)
    y = list(labels)
    n_groups = len(set(groups))
    k = min(folds, n_groups)
    oof_p = [0.0] * len(y)
    oof_label = [classes[0]] * len(y)
    models: list[LinearModel] = []
    fold_of_group: dict[str, int] = {}
    if k >= 2:
        for train, test in GroupKFold(n_splits=k).split(matrix, y, list(groups)):
            fold_labels = [y[i] for i in train]
            if len(set(fold_labels)) < 2:
                continue
            fold_weights = [weights[i] for i in train] if weights is not None else None
            model = _fit_one(
                name, names, [matrix[i] for i in train], fold_labels, c, class_weight, classes, missing, fold_weights
            )
            models.append(model)
            for i in test:
                fold_of_group[groups[i]] = len(models) - 1
                row = dict(zip(names, matrix[i], strict=True))
                probabilities = model.probabilities(row)
                oof_p[i] = probabilities[classes[1]] if len(classes) == 2 else probabilities.get(y[i], 0.0)
                oof_label[i] = model.predict(row)
    fitted = _fit_one(name, names, matrix, y, c, class_weight, classes, missing, weights)
    model = replace(fitted, meta=dict(meta or {}))
    return model, CrossValidation(k, oof_p, oof_label, models, fold_of_group)


def _matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str], missing: str = "zero") -> list[list[float]]:
    fill = {n: 0.0 for n in names}
    if missing == "mean":
        for n in names:
            known = [float(row[n]) for row in rows if n in row]
            fill[n] = sum(known) / len(known) if known else 0.0
    return [[float(row[n]) if n in row else fill[n] for n in names] for row in rows]


def _fit_one(
    name: str,
    names: tuple[str, ...],
    matrix: Sequence[Sequence[float]],
    labels: Sequence[str],
    c: float,
    class_weight: str | None,
    classes: tuple[str, ...],
    missing: str = "zero",
    weights: Sequence[float] | None = None,
) -> LinearModel:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(matrix, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    present = sorted(set(labels))
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=2000)
    clf.fit(z, list(labels), sample_weight=None if weights is None else np.asarray(weights, dtype=float))
    coef, intercept = clf.coef_, clf.intercept_
    if len(classes) > 2 and len(present) < len(classes):
        # a fold without some class: that class never wins
        full_coef = np.zeros((len(classes), len(names)))
        full_intercept = np.full(len(classes), -1e3)
        if len(clf.classes_) == 2:  # scikit-learn gives one row for two classes: the second class's score
            coef, intercept = np.vstack([np.zeros_like(coef[0]), coef[0]]), np.array([0.0, intercept[0]])
        for row, label in enumerate(clf.classes_):
            full_coef[classes.index(label)] = coef[row]
            full_intercept[classes.index(label)] = intercept[row]
        coef, intercept = full_coef, full_intercept
    return LinearModel(
        name=name,
        classes=classes,
        features=names,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(tuple(float(v) for v in row) for row in coef),
        intercept=tuple(float(v) for v in intercept),
        missing=missing,
    )


def best_threshold(probabilities: Sequence[float], truth: Sequence[bool], *, beta: float = 1.0) -> tuple[float, float]:
    """The probability threshold with the best F-beta of ``truth`` on out-of-fold probabilities, and that F."""
    order = sorted(zip(probabilities, truth, strict=True), key=lambda pt: -pt[0])
    positives = sum(truth)
    best = (0.5, 0.0)
    hits = 0
    b2 = beta * beta
    for rank, (p, t) in enumerate(order, 1):
        hits += t
        precision, recall = hits / rank, (hits / positives if positives else 0.0)
        if precision + recall:
            f = (1 + b2) * precision * recall / (b2 * precision + recall)
            if f > best[1]:
                best = (p, f)
    return best
