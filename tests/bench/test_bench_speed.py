"""bench speed: a corpus of distinct ~600-word articles, and the figures spaCy and the pipeline are compared by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import speed
from eventfuse.errors import BenchDataError

_SENTENCES = [
    "Police said a man was shot and wounded outside a store on Main Street in Springfield on Saturday night.",
    "Officers found the victim with a gunshot wound to the leg and took him to a hospital.",
    "No arrests have been made, and investigators asked anyone with information to call the police.",
    "A neighbour said she heard four shots shortly after 10 p.m. and saw a car drive away.",
]


def _write_gv(directory: Path, articles: int) -> Path:
    directory.mkdir()
    with (directory / "articles.jsonl").open("w", encoding="utf-8") as handle:
        for number in range(articles):
            text = " ".join(f"{s} (report {number}, paragraph {p}.)" for p in range(6) for s in _SENTENCES)
            record = {"id": f"a{number}", "incident_id": str(number), "published": f"2017-03-0{1 + number % 9}"}
            handle.write(json.dumps({**record, "text": text}) + "\n")
    return directory


def test_the_corpus_holds_distinct_articles_of_about_600_words(tmp_path: Path) -> None:
    articles = speed.build_corpus(_write_gv(tmp_path / "gv", 40), 30)
    assert len(articles) == 30
    assert len({a.id for a in articles}) == 30
    words = [len(a.raw_text.split()) for a in articles]
    assert all(560 <= w <= 700 for w in words), words
    assert all(a.published for a in articles)


def test_the_benchmark_prints_both_speeds_their_ratio_memory_and_stages(tmp_path: Path) -> None:
    result = speed.run(_write_gv(tmp_path / "gv", 12), limit=4)
    assert result["n_articles"] == 4
    for key in (
        "spacy_articles_per_s",
        "eventfuse_articles_per_s",
        "eventfuse_articles_per_s_2proc",
        "spacy_articles_per_s_2proc",
    ):
        assert result[key] > 0
    assert result["ratio"] == pytest.approx(result["eventfuse_articles_per_s"] / result["spacy_articles_per_s"], 0.01)
    assert result["ratio_2proc"] == pytest.approx(
        result["eventfuse_articles_per_s_2proc"] / result["spacy_articles_per_s_2proc"], 0.01
    )
    single_seconds = result["n_articles"] / result["eventfuse_articles_per_s"]
    assert result["ratio_in_run"] == pytest.approx(result["stages"]["nlp"] / single_seconds, abs=0.01)
    assert result["parsed_share"] == 1.0  # the pipeline parses every sentence of every article fully
    assert result["peak_rss_mb"] > 100  # the language model alone takes more
    assert result["peak_rss_mb"] == max(result["peak_rss_mb_1proc"], result["peak_rss_mb_2proc"])
    # the stages are printed in ms: the ratio of the printed figures is the printed ratio within their rounding
    ratio = result["stages"]["extract"] / result["stages"]["nlp"]
    assert result["extract_over_nlp"] == pytest.approx(ratio, rel=0.05, abs=0.01)
    assert {"ingest", "nlp", "extract", "extract.places", "extract.time", "grouping", "fusion", "store"} <= set(
        result["stages"]
    )


def test_missing_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError, match="not found"):
        speed.build_corpus(tmp_path / "nowhere", 10)
