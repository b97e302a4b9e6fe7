"""bench tolls: the scoring rules by hand, and a run of the real stages on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eventfuse.bench import tolls
from eventfuse.errors import BenchDataError


def test_a_range_stands_for_its_lower_bound_else_its_upper_bound() -> None:
    assert tolls.point({"min": 3, "max": 3}) == 3
    assert tolls.point({"min": 3, "max": None}) == 3  # at least 3
    assert tolls.point({"min": 0, "max": 5}) == 5  # as many as five
    assert tolls.point({"min": 0, "max": 0}) == 0
    assert tolls.point(None) == 0  # nothing stated


def test_articles_disagree_when_no_number_fits_two_of_their_counts() -> None:
    assert not tolls.disagree([{"min": 2, "max": 2}, {"min": 2, "max": None}, None])
    assert not tolls.disagree([{"min": 3, "max": 9}, {"min": 4, "max": 4}])  # "several" and "four"
    assert tolls.disagree([{"min": 2, "max": 2}, None, {"min": 1, "max": 1}])
    assert tolls.disagree([{"min": 17, "max": None}, {"min": 5, "max": 5}])


def test_score_by_hand() -> None:
    def reading(gold: int, fused: int | None, own: list[int | None], flagged: bool) -> tolls.IncidentReading:
        def as_range(n: int | None) -> dict[str, Any] | None:
            return None if n is None else {"min": n, "max": n}

        per_article = tuple({"killed": as_range(n), "injured": None} for n in own)
        return tolls.IncidentReading(
            incident_id=str(gold),
            gold={"killed": gold, "injured": 0},
            fused={"killed": as_range(fused), "injured": None},
            own=per_article,
            stated=per_article,
            flagged={"killed": flagged, "injured": False},
        )

    figures = tolls.score(
        [
            reading(2, 2, [1, 2], True),  # fused right, first article wrong; a real disagreement, flagged
            reading(1, 1, [1, None], False),  # both right; nothing to flag
            reading(3, 2, [2, 2], True),  # both wrong; flagged though the articles agree
            reading(0, None, [None, None], False),  # nobody killed, nothing stated: right
        ]
    )
    assert figures["killed_acc"] == 0.75 and figures["baseline_killed_acc"] == 0.5
    assert figures["injured_acc"] == 1.0 and figures["baseline_injured_acc"] == 1.0
    assert figures["disagreement_recall"] == 1.0 and figures["disagreement_precision"] == 0.5
    assert figures["n_incidents"] == 4 and figures["n_disagreements"] == 1 and figures["n_flagged"] == 2


def _write(directory: Path, articles: list[dict[str, Any]], incidents: list[dict[str, Any]]) -> None:
    (directory / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles) + "\n")
    (directory / "incidents.jsonl").write_text("\n".join(json.dumps(i) for i in incidents) + "\n")


def _article(aid: str, incident: str, published: str, text: str) -> dict[str, Any]:
    return {"id": aid, "incident_id": incident, "published": published, "title": None, "url": None, "text": text}


def _incident(incident: str, killed: int | None, injured: int | None, has_record: bool = True) -> dict[str, Any]:
    return {"incident_id": incident, "has_record": has_record, "killed": killed, "injured": injured}


def test_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    articles = [
        # A: the first article misses a victim who died later; the second has the final toll, and they disagree
        _article("1", "A", "2016-03-05", "One man was killed and three people were wounded in a shooting in Dayton."),
        _article("2", "A", "2016-03-07", "Two men were killed and two people were wounded in a shooting in Dayton."),
        # B: two reports that agree
        _article("3", "B", "2016-05-02", "A woman was wounded in a shooting in Fresno on Sunday, police said."),
        _article("4", "B", "2016-05-03", "Police said one woman was wounded in a shooting in Fresno on Sunday."),
        # C has one article, D no GVA record: neither is scored
        _article("5", "C", "2016-06-01", "Three people were shot in Toledo on Monday, police said."),
        _article("6", "D", "2016-06-02", "A man was killed in a shooting in Reno on Monday, police said."),
        _article("7", "D", "2016-06-02", "Police said a man was shot dead in Reno on Monday."),
    ]
    incidents = [_incident("A", 2, 2), _incident("B", 0, 1), _incident("C", 0, 3), _incident("D", None, None, False)]
    _write(tmp_path, articles, incidents)
    figures = tolls.run(tmp_path)
    assert figures["n_incidents"] == 2 and figures["n_articles"] == 4
    assert figures["killed_acc"] == 1.0 and figures["injured_acc"] == 1.0
    assert figures["baseline_killed_acc"] == 0.5 and figures["baseline_injured_acc"] == 0.5
    # A's articles disagree on both counts and the fusion says so; B's agree and it does not
    assert figures["n_disagreements"] == 2 and figures["n_flagged"] == 2
    assert figures["disagreement_recall"] == 1.0 and figures["disagreement_precision"] == 1.0


def test_missing_or_malformed_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError, match="not found"):
        tolls.run(tmp_path / "missing")
    (tmp_path / "articles.jsonl").write_text("")
    with pytest.raises(BenchDataError, match="incidents.jsonl not found"):
        tolls.run(tmp_path)
    _write(tmp_path, [_article("1", "A", "2016-01-01", "x"), _article("2", "A", "2016-01-02", "y")], [])
    with pytest.raises(BenchDataError, match="no incident"):
        tolls.run(tmp_path)
    _write(tmp_path, [_article("1", "A", "2016-01-01", "x"), _article("2", "A", "2016-01-02", "y")], [{"x": 1}])
    with pytest.raises(BenchDataError, match="incidents.jsonl:1: missing"):
        tolls.run(tmp_path)
