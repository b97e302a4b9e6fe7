"""Argument linking: the lead event's place and day chosen among all of an article's candidates by the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.extract import Extractor
from eventfuse.extract.context import DocumentContext
from eventfuse.extract.linking import (
    Linkers,
    date_candidates,
    lead_mention,
    place_candidates,
)
from eventfuse.geo import Gazetteer
from eventfuse.geo.gazetteer import haversine_km
from eventfuse.lexicon import load_lexicon
from eventfuse.model import Article, article_id_for
from eventfuse.nlp import load_model

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def parts(gazetteer_path: Path) -> tuple[object, Gazetteer]:
    return load_model(), Gazetteer.open(gazetteer_path)


def _article(text: str, published: str | None, title: str | None = None) -> Article:
    return Article(id=article_id_for(text), raw_text=text, text=text, published=published, title=title)


def _extract(parts: tuple[object, Gazetteer], text: str, published: str | None, *, linking: bool = True):
    nlp, gazetteer = parts
    extractor = Extractor(load_lexicon(), gazetteer, linking=linking)
    article = _article(text, published)
    return extractor, article, nlp(text)  # type: ignore[operator]


def _claims(mentions, field: str):
    return [c for m in mentions if not m.background for c in m.claims if c.field == field]


def test_the_bundled_models_load() -> None:
    linkers = Linkers.load()
    assert linkers.place is not None and linkers.date is not None


def test_a_report_naming_its_city_only_in_passing_gets_that_city_and_the_day_before(parts) -> None:
    extractor, article, doc = _extract(
        parts, "Four people were wounded in a shooting in South Los Angeles on Tuesday evening.", "2024-03-06"
    )
    mentions = extractor.extract(article, doc)
    places = _claims(mentions, "location")
    assert places, "the event has no location"
    assert haversine_km(places[0].value["lat"], places[0].value["lon"], 34.05, -118.24) <= 40
    dates = _claims(mentions, "date")
    assert [c.value["value"] for c in dates] == ["2024-03-05"]


def test_a_report_with_no_day_in_its_text_is_dated_by_its_publication_as_an_estimate(parts) -> None:
    extractor, article, doc = _extract(
        parts, "Gunmen killed five villagers in Gao, police said. The attackers fled on motorbikes.", "2024-05-14"
    )
    mentions = extractor.extract(article, doc)
    dates = _claims(mentions, "date")
    assert len(dates) == 1
    assert dates[0].value["value"] == "2024-05-14"
    assert dates[0].value["estimated"] == "from the publication date"
    places = _claims(mentions, "location")
    assert places and places[0].value["country_code"] == "ML"


def test_candidates_carry_the_rules_choice_and_where_they_stand(parts) -> None:
    nlp, gazetteer = parts
    text = (
        "NORFOLK, Va. - A man was shot and killed in Norfolk on Saturday night, the Norfolk Police Department said. "
        "So far this year, 48 people have been killed in shootings in the city."
    )
    extractor = Extractor(load_lexicon(), gazetteer, linking=False)
    article = _article(text, "2016-07-24")
    mentions, document = extractor.extract_document(article, nlp(text))  # type: ignore[operator]
    assert isinstance(document, DocumentContext) and lead_mention(mentions, document) is not None
    places = place_candidates(document, mentions)
    norfolk = next(c for c in places if c.place.resolved_name == "Norfolk")
    assert norfolk.features["dateline"] == 1.0 and norfolk.features["occurrences_log"] > 1.0
    days = {c.day: c for c in date_candidates(document, mentions)}
    assert days["2016-07-23"].features["weekday"] == 1.0 and days["2016-07-24"].features["is_published_day"] == 1.0


def test_the_linked_place_says_why_it_was_chosen(parts) -> None:
    text = (
        "Four people were wounded in a shooting on Tuesday evening, police said. "
        "Officers in Chicago are looking for two men who fled in a car."
    )
    extractor, article, doc = _extract(parts, text, "2024-03-06")
    without = _claims(Extractor(load_lexicon(), parts[1], linking=False).extract(article, doc), "location")
    assert without == []  # the rules place an event only by its own sentences
    place = _claims(extractor.extract(article, doc), "location")[0]
    assert place.value["name"] == "Chicago" and place.value["country_code"] == "US"
    assert "likeliest place" in place.value["reason"] and "p=" in place.value["reason"]
    assert place.quote.startswith("Officers in Chicago") and text[place.start : place.end] == "Chicago"


def test_one_line_reports_from_gao_are_placed_in_mali(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Gunmen killed 5 villagers in Gao on Monday, police said.\n")
    (folder / "a.meta.json").write_text(json.dumps({"published": "2024-05-15"}))
    (folder / "b.txt").write_text("Five rockets struck Gao in Mali on Saturday.\n")
    (folder / "b.meta.json").write_text(json.dumps({"published": "2024-05-19"}))
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["analyze", str(folder), "--db", str(db), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    assert events
    for event in events:
        assert event["fields"]["location"]["value"]["country_code"] == "ML"


def test_the_seeds_after_the_examples_stay_an_event_of_their_own(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["analyze", str(EXAMPLES), "--db", str(db), "--quiet"]).exit_code == 0
    before = json.loads(runner.invoke(app, ["export", "--db", str(db), "--format", "json"]).output)["events"]
    assert (
        runner.invoke(app, ["analyze", *map(str, sorted(seeds.glob("*.txt"))), "--db", str(db), "--quiet"]).exit_code
        == 0
    )
    after = json.loads(runner.invoke(app, ["export", "--db", str(db), "--format", "json"]).output)["events"]
    assert len(after) == len(before) + 1
    seed_event = next(e for e in after if e["id"] not in {b["id"] for b in before})
    assert len(seed_event["sources"]) == 2
