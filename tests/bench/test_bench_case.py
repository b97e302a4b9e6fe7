"""Tests of the CASE 2021 Task 2 benchmark: weighted and macro F1 on four snippets computed by hand.

Runs the real ``Extractor.classify``; the expected labels and figures are worked out in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import BENCHMARKS, load_benchmark
from eventfuse.bench.case import ANCHORS, f1_scores, run
from eventfuse.errors import BenchDataError

# snippet                              gold             predicted (why)
# "An air strike hit the village."     AIR_STRIKE       AIR_STRIKE ("air strike" cue)
# "Police arrested five men."          ARREST           ARREST ("arrested" cue)
# "The weather was mild."              ARREST           ARMED_CLASH (no cue, no weapon: the fallback)
# "A mortar landed near the market."   ART_MISS_ATTACK  ART_MISS_ATTACK ("mortar" cue)
# Per label: AIR_STRIKE P 1 R 1 F1 1 (1 gold); ARREST P 1/1 R 1/2 F1 2/3 (2 gold);
# ART_MISS_ATTACK F1 1 (1 gold); ARMED_CLASH P 0/1 R 0/0 F1 0 (0 gold).
#   weighted F1 = (1*1 + 2*2/3 + 1*1 + 0*0) / 4 = 10/12 = 0.8333
#   macro F1 over the 4 listed labels = (1 + 2/3 + 1 + 0) / 4 = 0.6667; accuracy 3/4.
SNIPPETS = [
    ("An air strike hit the village.", "AIR_STRIKE"),
    ("Police arrested five men.", "ARREST"),
    ("The weather was mild.", "ARREST"),
    ("A mortar landed near the market.", "ART_MISS_ATTACK"),
]
LABELS = ["AIR_STRIKE", "ARREST", "ART_MISS_ATTACK", "ARMED_CLASH"]


def _write(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": i, "text": text, "label": label}) for i, (text, label) in enumerate(SNIPPETS)]
    (tmp_path / "task2.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text(json.dumps([{"label": label} for label in LABELS]), encoding="utf-8")
    return tmp_path


def test_run_gives_the_hand_computed_figures(tmp_path: Path) -> None:
    figures = run(_write(tmp_path))
    assert figures["weighted_f1"] == 0.8333
    assert figures["macro_f1"] == 0.6667
    assert figures["accuracy"] == 0.75
    assert figures["n"] == 4
    assert figures["fallback"] == 1
    assert figures["labels"]["ARREST"] == {"p": 1.0, "r": 0.5, "f1": 0.6667, "n": 2}


def test_limit_reads_only_the_first_snippets(tmp_path: Path) -> None:
    figures = run(_write(tmp_path), limit=2)
    assert figures["n"] == 2
    assert figures["labels"]["ARREST"]["f1"] == 1.0


def test_f1_scores_weights_by_gold_count() -> None:
    # A: 2 gold, both right, plus one wrong A prediction: P 2/3 R 1 F1 0.8; B: 1 gold, missed: F1 0.
    figures = f1_scores(["A", "A", "B"], ["A", "A", "A"], ["A", "B"])
    assert figures["weighted_f1"] == round(2 * 0.8 / 3, 4)
    assert figures["macro_f1"] == 0.4


def test_registered_with_anchors() -> None:
    assert BENCHMARKS["case"] == "eventfuse.bench.case"
    assert load_benchmark("case").run is run
    assert "weighted_f1" in ANCHORS


def test_missing_directory_is_a_bench_data_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError):
        run(tmp_path / "nowhere")
