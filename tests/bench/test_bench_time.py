"""Tests of the time benchmark: TempEval-3 figures on a two-document corpus computed by hand, and missing data.

Runs the real ``find_timexes``; the expected figures are worked out in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import BENCHMARKS, load_benchmark
from eventfuse.bench.time import ANCHORS, run
from eventfuse.errors import BenchDataError

# Document 1 (DCT Friday 1998-08-07): "Bombs exploded Friday morning, two days after the warning."
#   gold: "Friday" DATE 1998-08-07 (the system finds "Friday morning": relaxed match only, TIME not DATE,
#         value 1998-08-07TMO is not 1998-08-07) and "two days" DURATION P2D (strict match, right value).
# Document 2 (DCT 1998-08-10): "The talks ended last week in Nairobi."
#   gold: "last week" DATE 1998-W32 (strict, right value) and "Nairobi" DATE 1998 (a wrong gold timex the
#         system does not find: a miss).
# System: 3 timexes; gold: 4. Strict: 2 ("two days", "last week"); relaxed: 3; type right: 2 of 3;
# value right: 2 of 3 pairs.
#   strict P = 2/3, R = 2/4 -> F1 = 2 * (2/3 * 1/2) / (2/3 + 1/2) = 4/7 = 0.5714
#   relaxed P = 3/3, R = 3/4 -> F1 = 6/7 = 0.8571
#   type accuracy = 2/3 = 0.6667
#   value P = 2/3, R = 2/4 -> value F1 = 4/7 = 0.5714 (= relaxed F1 6/7 x value accuracy 2/3)
DOCS = [
    {
        "doc_id": "d1",
        "corpus": "A",
        "dct": "1998-08-07",
        "text": "Bombs exploded Friday morning, two days after the warning.",
        "timexes": [
            {"start": 15, "end": 21, "text": "Friday", "type": "DATE", "value": "1998-08-07"},
            {"start": 31, "end": 39, "text": "two days", "type": "DURATION", "value": "P2D"},
        ],
    },
    {
        "doc_id": "d2",
        "corpus": "B",
        "dct": "1998-08-10",
        "text": "The talks ended last week in Nairobi.",
        "timexes": [
            {"start": 16, "end": 25, "text": "last week", "type": "DATE", "value": "1998-W32"},
            {"start": 29, "end": 36, "text": "Nairobi", "type": "DATE", "value": "1998"},
        ],
    },
]


def _write(tmp_path: Path) -> Path:
    lines = "\n".join(json.dumps(doc) for doc in DOCS)
    (tmp_path / "tiny.jsonl").write_text(lines + "\n", encoding="utf-8")
    for doc in DOCS:
        for timex in doc["timexes"]:
            assert doc["text"][timex["start"] : timex["end"]] == timex["text"]
    return tmp_path


def test_run_gives_the_hand_computed_figures(tmp_path: Path) -> None:
    figures = run(_write(tmp_path))
    assert figures["strict_f1"] == 0.5714
    assert figures["relaxed_f1"] == 0.8571
    assert figures["type_acc"] == 0.6667
    assert figures["value_f1"] == 0.5714
    assert figures["n"] == 4
    assert figures["by_corpus"]["B"]["n"] == 2
    assert figures["by_corpus"]["B"]["value_f1"] == round(2 * (1 * 0.5) / 1.5, 4)


def test_limit_reads_only_the_first_documents(tmp_path: Path) -> None:
    figures = run(_write(tmp_path), limit=1)
    assert figures["n"] == 2


def test_missing_directory_is_a_bench_data_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError):
        run(tmp_path / "nowhere")


def test_malformed_line_is_a_bench_data_error(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"doc_id": "x"}\n', encoding="utf-8")
    with pytest.raises(BenchDataError, match="missing"):
        run(tmp_path)


def test_registered_with_published_anchors() -> None:
    assert BENCHMARKS["time"] == "eventfuse.bench.time"
    assert load_benchmark("time").run is run
    assert any("77.61" in text for text in ANCHORS.values())
