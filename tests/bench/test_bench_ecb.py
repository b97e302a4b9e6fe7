"""bench ecb: reading ECB+ documents, and a run of the real pipeline on a tiny corpus of two topics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import ecb, load_benchmark
from eventfuse.errors import BenchDataError

REID = (
    "Actress Tara Reid has checked herself into the Promises Treatment Center in Malibu, her publicist Jack "
    "Ketsoyan said. The American Pie star did not say what she was being treated for."
)
REID_AGAIN = (
    "Tara Reid, the American Pie actress, entered the Promises Treatment Center in Malibu, publicist Jack "
    "Ketsoyan confirmed. Ketsoyan did not say what Reid was being treated for."
)
LOHAN = (
    "Lindsay Lohan has checked into the Betty Ford Center in Rancho Mirage for a court-ordered stay, her lawyer "
    "Shawn Holley said after the judge's deadline."
)
LOHAN_AGAIN = (
    "A judge ordered Lindsay Lohan into rehab; her lawyer Shawn Holley said she went to the Betty Ford Center in "
    "Rancho Mirage before the deadline."
)
SHOOTING = "Two men were shot and killed outside a bar in Dayton, Ohio, on Saturday night, police said."
SHOOTING_AGAIN = "Police in Dayton, Ohio, said two men were shot dead outside a bar late on Saturday."
OTHER_SHOOTING = "A woman was wounded in a shooting in Fresno, California, on Sunday, police said."


def _doc(doc_id: str, topic: int, subtopic: str, text: str) -> dict[str, object]:
    return {"doc_id": doc_id, "topic": topic, "subtopic": subtopic, "text": text, "tokens": [], "event_mentions": []}


def _write(path: Path, docs: list[dict[str, object]]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "docs.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    return path


def test_the_source_url_line_becomes_the_articles_url() -> None:
    article = ecb.article_of(_doc("1_1ecbplus", 1, "1plus", "http://example.com/2013/05/02/lohan\n" + LOHAN))
    assert article.url == "http://example.com/2013/05/02/lohan"
    assert article.raw_text == LOHAN
    plain = ecb.article_of(_doc("1_1ecb", 1, "1", REID))
    assert plain.url is None and plain.raw_text == REID


def test_limit_keeps_whole_topics(tmp_path: Path) -> None:
    docs = [
        _doc("1_1ecb", 1, "1", REID),
        _doc("2_1ecb", 2, "2", SHOOTING),
        _doc("1_2ecbplus", 1, "1plus", LOHAN),
    ]
    data = _write(tmp_path / "ecb", docs)
    assert [d["doc_id"] for d in ecb.load_docs(data, limit=1)] == ["1_1ecb", "1_2ecbplus"]


def test_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    docs = [
        _doc("1_1ecb", 1, "1", REID),
        _doc("1_2ecb", 1, "1", REID_AGAIN),
        _doc("1_1ecbplus", 1, "1plus", LOHAN),
        _doc("1_2ecbplus", 1, "1plus", LOHAN_AGAIN),
        _doc("2_1ecb", 2, "2", SHOOTING),
        _doc("2_2ecb", 2, "2", SHOOTING_AGAIN),
        _doc("2_1ecbplus", 2, "2plus", OTHER_SHOOTING),
    ]
    figures = load_benchmark("ecb").run(_write(tmp_path / "ecb", docs))
    assert figures["n_docs"] == 7 and figures["n_subtopics"] == 4
    # the rehab stories report no event of a kind in the lexicon: the story fallback places them
    assert 4 <= figures["docs_without_event"] < 7
    for key in ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "bcubed_f1_without_fallback", "baseline_bcubed_f1"):
        assert 0.0 <= figures[key] <= 1.0
    # the two reports of each rehab stay and of the Dayton shooting go together, and nothing else does
    assert figures["bcubed_p"] == 1.0 and figures["bcubed_r"] == 1.0
    assert figures["bcubed_f1_without_fallback"] < figures["bcubed_f1"]


def test_missing_or_bad_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError, match="not found"):
        ecb.run(tmp_path / "missing")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "docs.jsonl").write_text('{"doc_id": "1_1ecb", "text": "x"}\n')
    with pytest.raises(BenchDataError, match="missing topic, subtopic"):
        ecb.run(bad)
