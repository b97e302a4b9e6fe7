"""`eventfuse train grouping`: the join model rebuilt from dev data, deterministically, with its figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eventfuse.grouping import ClusterConfig, JoinModel
from eventfuse.learned import LinearModel
from eventfuse.model import Article, Mention, TimeValue
from eventfuse.train import grouping as training

INCIDENTS = {
    "1": ("Gunmen shot Darnell Whitby outside the Quarry Lane bakery in Ashford on Monday night.", "2017-03-06"),
    "2": ("A fire destroyed the Pellham Road warehouse of Orbis Freight in Dunmore on Tuesday.", "2017-03-07"),
    "3": ("Police arrested Lorna Cadwell after a stabbing at the Marsh Street market in Kelby.", "2017-03-09"),
}
VARIANTS = (
    "{text} Witnesses told reporters what they saw.",
    "{text} Officials said an investigation was under way.",
    "Update: {text} More details were expected.",
)


def _write_data(root: Path) -> None:
    (root / "gv").mkdir(parents=True)
    (root / "ecb").mkdir()
    with (root / "gv" / "articles.jsonl").open("w") as gv:
        for incident, (text, day) in INCIDENTS.items():
            for n, variant in enumerate(VARIANTS):
                record = {"id": f"g{incident}{n}", "incident_id": incident, "title": text[:40], "published": day}
                gv.write(json.dumps({**record, "url": None, "text": variant.format(text=text)}) + "\n")
    with (root / "ecb" / "docs.jsonl").open("w") as ecb:
        for topic, (text, _) in enumerate(INCIDENTS.values(), 1):
            for n, variant in enumerate(VARIANTS):
                doc = {"doc_id": f"{topic}_{n}ecb", "topic": topic, "subtopic": str(topic), "tokens": []}
                ecb.write(json.dumps({**doc, "text": variant.format(text=text), "event_mentions": []}) + "\n")


def _extracted(dataset: training.Dataset, cache_dir: Path | None) -> list[tuple[Article, list[Mention]]]:
    """One typed, dated mention per article (the whole text), in place of the language model."""
    out = []
    for article in dataset.articles:
        text = article.raw_text
        day = article.published
        time = TimeValue("that day", 0, 1, "DATE", day, 1) if day else None
        mention = Mention(f"{article.id}:0", article.id, 0, len(text), text, "Violence against civilians", "Attack",
                          time=time)  # fmt: skip
        out.append((Article(article.id, text, text, article.title, published=day), [mention]))
    return out


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write_data(tmp_path / "bench")
    monkeypatch.setattr(training, "extracted", _extracted)
    return tmp_path / "bench"


def test_training_writes_a_model_with_its_cross_validated_figures_and_is_deterministic(
    data: Path, tmp_path: Path
) -> None:
    figures: dict[str, Any] = training.train(data, tmp_path / "a")
    training.train(data, tmp_path / "b")
    written = (tmp_path / "a" / "grouping.model.json").read_bytes()
    assert written == (tmp_path / "b" / "grouping.model.json").read_bytes()
    model = LinearModel.load("grouping.model.json", tmp_path / "a" / "grouping.model.json")
    assert model.threshold in training.THRESHOLDS and model.missing == "mean"
    assert model.meta["figures"] == figures and model.meta["command"] == "eventfuse train grouping"
    for corpus in ("gv", "ecb"):
        assert {"bcubed_f1_cv", "bcubed_f1_full_dev"} <= figures[corpus].keys()
    assert figures["pairs_same"] > 0
    # the reports of one incident share their names and words: the trained decision groups them
    assert figures["gv"]["bcubed_f1_full_dev"] > 0.8
    JoinModel(model, ClusterConfig.load())  # a grouping model the pipeline can load


def test_training_without_the_dev_data_says_what_is_missing(tmp_path: Path) -> None:
    from eventfuse.errors import BenchDataError

    with pytest.raises(BenchDataError, match="gv and ecb dev data"):
        training.train(tmp_path, tmp_path / "out")
