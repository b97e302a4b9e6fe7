"""Toll extraction on hand-written crime and conflict sentences: who was killed, injured or shot, and how many."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventfuse.extract import Extractor
from eventfuse.geo import Gazetteer
from eventfuse.lexicon import load_lexicon
from eventfuse.model import Article, article_id_for
from eventfuse.nlp import load_model


@pytest.fixture(scope="module")
def tolls(gazetteer_path: Path) -> Any:
    """Text -> [(field, min, max)] of its toll claims, in the order found."""
    nlp = load_model()
    extractor = Extractor(load_lexicon(), Gazetteer.open(gazetteer_path))

    def run(text: str) -> list[tuple[str, int, int | None]]:
        article = Article(id=article_id_for(text), raw_text=text, text=text, published="2015-06-01")
        return [
            (c.field, c.value["min"], c.value["max"])
            for m in extractor.extract(article, nlp(text))
            for c in m.claims
            if c.field.split(":", 1)[0] in ("killed", "injured", "shot")
        ]

    return run


def test_counts_joined_by_and_add_up(tolls: Any) -> None:
    assert tolls("One man and two women were also wounded in the shooting, police said.") == [("injured:people", 3, 3)]
    assert tolls("He is accused of killing six children and two adults in the house on Sunday.") == [
        ("killed:people", 8, 8)
    ]


def test_crime_report_phrasings_of_a_death(tolls: Any) -> None:
    assert tolls("A 17-year-old boy was shot and killed outside a store on Friday night.") == [("killed:people", 1, 1)]
    assert tolls("Two people were fatally wounded in the shooting on Sunday.") == [("killed:people", 2, 2)]
    # a named person, or "he", who died: at least one (the article may name others)
    assert tolls("Kevin Richardson, 30, and Nakiel Jackson, 26, died at the scene, police said.") == [
        ("killed:people", 2, None)
    ]
    assert tolls("He was pronounced dead at the hospital after the shooting on Sunday.") == [("killed:people", 1, None)]


def test_who_did_the_killing_is_not_a_toll(tolls: Any) -> None:
    assert tolls("Police said a man killed his wife in the shooting on Sunday.") == []
    assert tolls("Brian Harleman shot and killed Samantha Carpenter before the shooting ended.") == []


def test_people_shot_are_a_toll_of_their_own_and_shots_fired_are_not(tolls: Any) -> None:
    assert tolls("Five people were shot outside a club on Sunday, police said.") == [("shot:people", 5, 5)]
    assert tolls("The officer fired one shot during the shooting on Sunday.") == []
    assert tolls("The gunman shot at a dozen people in the shooting on Sunday.") == []


def test_ages_dates_and_crowds_are_not_counts(tolls: Any) -> None:
    assert tolls("A 12 year-old girl was killed in a hunting accident on Saturday.") == [("killed:people", 1, 1)]
    assert tolls("Witnesses of the May 3 killing spoke to police about the shooting.") == []
    assert tolls("He was sentenced on Wednesday for the boy's 2015 death in a shooting.") == []
    assert tolls("Police said a lot of people were hurt in the shooting on Sunday.") == []
    # "two dead and multiple others injured": two dead, not two injured
    assert ("killed:people", 2, 2) in tolls("The shooting left two dead and multiple others injured on Sunday.")


def test_some_of_a_group_is_a_lower_bound(tolls: Any) -> None:
    assert tolls("Two of the victims were hospitalized after the shooting on Sunday.") == [("injured:victims", 2, None)]


def test_deaths_told_without_a_count_are_at_least_one(tolls: Any) -> None:
    assert tolls("The victim died at the hospital on Sunday, police said.") == [("killed:victims", 1, None)]
    assert tolls("Police are investigating the fatal shooting on Sunday.") == [("killed:people", 1, None)]
    assert tolls("Police are investigating the death of a 25-year-old man on Sunday.") == [("killed:people", 1, 1)]
    assert tolls("The shooting on Sunday left two people dead.") == [("killed:people", 2, 2)]
    # who did the killing is still not the toll
    assert tolls("The man killed his wife in the shooting on Sunday.") == []
