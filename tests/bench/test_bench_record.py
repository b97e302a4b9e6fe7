"""bench record: each incident's fused event checked field by field against its gold record, on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import record
from eventfuse.errors import BenchDataError


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_incident_event_is_the_one_holding_most_of_its_articles() -> None:
    chosen = record.incident_events(["A", "A", "A", "B"], ["ev_1", "ev_2", "ev_2", None])
    assert chosen == {"A": "ev_2", "B": None}


def test_a_tiny_gv_corpus_is_scored_field_by_field(tmp_path: Path) -> None:
    gv = tmp_path / "gv"
    article = {"title": "Shooting", "url": None, "published": "2016-03-06"}
    _write(
        gv,
        "articles.jsonl",
        [
            {
                **article,
                "id": "1",
                "incident_id": "A",
                "text": "Two men were shot and killed outside a bar in Dayton, Ohio, on Saturday night, police said.",
            },
            {
                **article,
                "id": "2",
                "incident_id": "B",
                "published": "2016-05-02",
                "text": "A woman was wounded in a shooting in Fresno, California, on Sunday, police said.",
            },
        ],
    )
    gold = {"has_record": True, "state": None, "city_or_county": None}
    _write(
        gv,
        "incidents.jsonl",
        [
            {**gold, "incident_id": "A", "date": "2016-03-05", "lat": 39.76, "lon": -84.19, "killed": 2, "injured": 0},
            # wrong on purpose: Fresno is far from this point, and the day and the toll are off
            {**gold, "incident_id": "B", "date": "2016-04-01", "lat": 40.71, "lon": -74.0, "killed": 1, "injured": 3},
        ],
    )
    figures = record.run(tmp_path)["gv"]
    assert figures["incidents"] == 2 and figures["incidents_geocoded"] == 2
    assert figures["date"] == 0.5 and figures["place_40km"] == 0.5 and figures["no_place"] == 0.0
    assert figures["killed"] == 0.5 and figures["injured"] == 0.5 and figures["all_four"] == 0.5
    worst = figures["worst"]
    assert [c["incident"] for c in worst["place_40km"]] == ["B"]
    assert worst["date"][0]["gold"] == "2016-04-01" and worst["date"][0]["ours"] == "2016-05-01"
    assert "Fresno" in worst["place_40km"][0]["sentence"]


def test_muc_location_matches_the_most_specific_place_or_the_country() -> None:
    class Countries:
        def country(self, code: str):
            return type("C", (), {"name": {"SV": "El Salvador"}[code]})()

    place = {"name": "San Salvador", "as_written": "San Salvador", "admin1": None, "country_code": "SV"}
    assert record.location_match(place, "EL SALVADOR: SAN SALVADOR (CITY)", Countries())
    assert record.location_match(place, "EL SALVADOR", Countries())
    assert not record.location_match(place, "EL SALVADOR: ZACAMIL (NEIGHBORHOOD)", Countries())
    assert not record.location_match(None, "EL SALVADOR", Countries())


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError, match="gv/articles.jsonl nor muc/"):
        record.run(tmp_path)
