"""bench gv: B-cubed and pairwise scoring by hand (bench.grouping), and a run of the real pipeline on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import grouping, gv
from eventfuse.errors import BenchDataError


def test_bcubed_and_pairwise_by_hand() -> None:
    gold = ["a", "a", "b", "b"]
    predicted = ["x", "x", "x", "y"]
    # precision: items 0,1,2 in x (2/3, 2/3, 1/3), item 3 alone (1) -> 8/3 / 4 = 2/3
    # recall: items 0,1 (2/2, 2/2), item 2 (1/2), item 3 (1/2) -> 3 / 4 = 3/4
    p, r, f1 = grouping.bcubed(gold, predicted)
    assert (round(p, 4), round(r, 4)) == (0.6667, 0.75)
    assert f1 == pytest.approx(2 * (2 / 3) * 0.75 / (2 / 3 + 0.75))
    # pairs: gold {01, 23}; predicted {01, 02, 12}; one hit -> P 1/3, R 1/2, F1 0.4
    assert grouping.pairwise_f1(gold, predicted) == pytest.approx(0.4)


def test_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    articles = [
        {
            "id": "1",
            "incident_id": "A",
            "published": "2016-03-06",
            "title": "t",
            "url": None,
            "text": "Two men were shot and killed outside a bar in Dayton, Ohio, on Saturday night, police said.",
        },
        {
            "id": "2",
            "incident_id": "A",
            "published": "2016-03-06",
            "title": "t",
            "url": None,
            "text": "Police in Dayton, Ohio, said two men were shot dead outside a bar late on Saturday.",
        },
        {
            "id": "3",
            "incident_id": "B",
            "published": "2016-05-02",
            "title": "t",
            "url": None,
            "text": "A woman was wounded in a shooting in Fresno, California, on Sunday, police said.",
        },
        {"id": "4", "incident_id": "B", "published": "2016-05-02", "title": "t", "url": None, "text": ""},
    ]
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles) + "\n")
    figures = gv.run(tmp_path)
    assert figures["n_articles"] == 3 and figures["n_incidents"] == 2
    for key in ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "baseline_bcubed_f1"):
        assert 0.0 <= figures[key] <= 1.0
    with pytest.raises(BenchDataError):
        gv.run(tmp_path / "missing")


def test_the_baseline_is_tuned_to_its_best_threshold() -> None:
    texts = [
        "River floods Dhaka as monsoon rains rise",
        "Monsoon rains: river floods rise in Dhaka",
        "Hugh Jackman named Oscar host by the Academy",
        "The Academy names Hugh Jackman Oscar host",
    ]
    gold = ["flood", "flood", "oscar", "oscar"]
    labels, threshold = grouping.tuned_baseline(gold, texts)
    assert threshold in grouping.BASELINE_THRESHOLDS
    assert grouping.bcubed(gold, labels)[2] == 1.0
