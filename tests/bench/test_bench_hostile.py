"""bench hostile on its first input (1 MB on one line): each handled as expected in its own process, its
exit line, time and memory reported, and a rerun that stores nothing new."""

from __future__ import annotations

from pathlib import Path

from eventfuse.bench import BENCHMARKS, hostile


def test_bench_hostile_runs_each_input_in_its_own_process_and_reruns_them(tmp_path: Path) -> None:
    assert BENCHMARKS["hostile"] == "eventfuse.bench.hostile"
    figures = hostile.run(tmp_path, limit=1)
    assert figures["inputs"] == figures["handled"] == 1 and figures["unexpected"] == 0
    assert figures["tracebacks"] == 0 and figures["escape_sequences_printed"] == 0
    assert figures["rows_lost"] == figures["rows_duplicated"] == 0
    assert figures["stored_before_rerun"]["articles_failed"] == 1
    one_mb = figures["one_line_1mb"]
    assert one_mb["exit"] == 1 and one_mb["as_expected"] and one_mb["peak_mb"] > 0 and one_mb["seconds"] > 0
    assert one_mb["line"].startswith("failed one_line_1mb.txt: the text is 1,000,000 characters")
    assert figures["rerun"]["exit"] == 1 and figures["rerun"]["lines"] == figures["rerun"]["lines_expected"] == 1


def test_the_corpus_is_generated_the_same_every_time() -> None:
    first, second = hostile.corpus(), hostile.corpus()
    assert [i.files for i in first] == [i.files for i in second]
    assert len({i.key for i in first}) == len(first) >= 25
    assert len(first[0].files["one_line_1mb.txt"]) == 1_000_000
    assert len(first[1].files["over_model_limit.txt"].decode().strip()) == 1_229_999  # the text
