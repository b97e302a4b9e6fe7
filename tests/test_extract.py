"""Claim extraction on small hand-written reports: types, background, counts, tolls, speakers, hedges, outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventfuse.extract import Extractor
from eventfuse.geo import Gazetteer
from eventfuse.lexicon import load_lexicon
from eventfuse.model import Article, Claim, Mention, article_id_for
from eventfuse.nlp import load_model


@pytest.fixture(scope="module")
def extract(gazetteer_path: Path) -> Any:
    nlp = load_model()
    extractor = Extractor(load_lexicon(), Gazetteer.open(gazetteer_path))

    def run(text: str, published: str | None = "2025-04-14") -> list[Mention]:
        article = Article(id=article_id_for(text), raw_text=text, text=text, published=published)
        return extractor.extract(article, nlp(text))

    return run


def _claims(mentions: list[Mention], prefix: str) -> list[Claim]:
    return [c for m in mentions for c in m.claims if c.field.startswith(prefix)]


def test_event_type_date_and_counts(extract: Any) -> None:
    mentions = extract(
        "At least five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said."
    )
    [mention] = mentions
    assert mention.sub_event_type == "Shelling/artillery/missile attack"
    assert mention.event_type == "Explosions/Remote violence"
    assert mention.plover_event
    [count] = _claims(mentions, "count:")
    assert count.value == {"min": 5, "max": None}
    assert count.wording == "At least five rockets"
    [date] = _claims(mentions, "date")
    assert date.value["value"] == "2025-04-12" and date.value["precision"] == 1


def test_more_than_is_a_strict_lower_bound(extract: Any) -> None:
    [count] = _claims(extract("Militants fired more than five rockets at the base on Sunday."), "count:")
    assert count.value == {"min": 6, "max": None, "strict_min": True}


def test_tolls_by_party_including_zero(extract: Any) -> None:
    mentions = extract(
        "No American personnel were injured in the attack, a defense official told reporters. "
        "An airstrike hit a base on Saturday, wounding three fighters. "
        "The explosion claimed the life of an Iraqi security force member."
    )
    tolls = {c.field: c.value for c in _claims(mentions, "injured") + _claims(mentions, "killed")}
    assert tolls["injured:personnel"]["max"] == 0
    assert (
        tolls["injured:fighters"] == {"min": 3, "max": 3, "party": "three fighters"}
        or tolls["injured:fighters"]["min"] == 3
    )
    assert tolls["killed:members"]["min"] == 1


def test_speakers_with_citation_nesting(extract: Any) -> None:
    mentions = extract(
        "Reuters, citing Iraqi security sources, reports that Iraqi forces found the vehicle used to launch the "
        "rockets and burned it. Five rockets were fired at the base, according to two Iraqi security officials."
    )
    outcome = _claims(mentions, "outcome")[0]
    speaker = outcome.attributed_to
    assert speaker is not None and speaker.name == "Reuters" and speaker.kind == "media outlet"
    assert speaker.via is not None and speaker.via.name == "Iraqi security sources"
    assert outcome.value["agent_class"] == "ground forces" and outcome.value["object"] == "launch vehicle"
    count = _claims(mentions, "count:")[0]
    assert count.attributed_to is not None and "Iraqi security officials" in count.attributed_to.name


def test_background_sentences_are_not_the_reported_event(extract: Any) -> None:
    mentions = extract(
        "Rockets hit the base on Sunday, officials said. It had previously been attacked in December. "
        "Those attacks have wounded dozens of American troops in the last six months."
    )
    reported = [m for m in mentions if m.event_type and not m.background]
    assert len(reported) == 1 and "Sunday" in reported[0].text
    assert not _claims([m for m in mentions if m.background], "")


def test_an_event_dated_by_a_whole_earlier_month_is_background(extract: Any) -> None:
    mentions = extract(
        "At least five rockets were fired on Sunday towards a US base in Syria. This is the first strike on US "
        "personnel since militants in Iraq ceased attacking US forces at the beginning of February.",
        published="2024-04-22",
    )
    reported = [m for m in mentions if m.event_type and not m.background]
    assert [m.time.value[:10] for m in reported if m.time] == ["2024-04-21"]
    assert [c.value["value"] for c in _claims(mentions, "date")] == ["2024-04-21"]


def test_a_day_written_without_its_year_is_not_dated_after_the_report(extract: Any) -> None:
    # published in January: "April 2" is last April, not the coming one
    mentions = extract("Five rockets struck the Balad air base on April 2, the military said.", published="2015-01-25")
    assert [c.value["value"] for c in _claims(mentions, "date")] == ["2014-04-02"]
    with_year = extract("Five rockets struck the Balad air base on April 2, 2015.", published="2015-01-25")
    assert [c.value["value"] for c in _claims(with_year, "date")] == ["2015-04-02"]  # as written
    recent = extract("Five rockets struck the Balad air base on January 20.", published="2015-01-25")
    assert [c.value["value"] for c in _claims(recent, "date")] == ["2015-01-20"]


def test_hedged_and_negated_claims(extract: Any) -> None:
    mentions = extract(
        "The vehicle was impounded, and preliminary findings indicated that an air attack was the cause of its "
        "destruction. There was no drone strike, the police said."
    )
    destroyed = [c for c in _claims(mentions, "outcome") if c.value["action_class"] == "destroyed"]
    assert destroyed and all(c.hedged for c in destroyed)
    assert destroyed[0].value["agent_class"] == "air strike"
    assert not any(m.sub_event_type == "Air/drone strike" for m in mentions)


def test_actor_variants_resolve_to_one_actor(extract: Any) -> None:
    first = extract("Khataib Hezbollah fighters fired rockets at a US base in Syria on Sunday.")
    second = extract("Kata'ib Hizballah militants fired rockets at the base on Sunday, officials said.")
    names = {c.value["name"] for c in _claims(first + second, "actor1")}
    assert names == {"Kataib Hezbollah"}


def test_responsibility(extract: Any) -> None:
    unclear = _claims(extract("It is not immediately clear what group fired at the base on Sunday."), "responsibility")
    assert unclear[0].value["status"] == "unclear"
    claimed = _claims(extract("Al-Shabaab claimed responsibility for the car bombing on Saturday."), "responsibility")
    assert claimed[0].value == {"status": "claimed", "actor": "Al-Shabaab"}


def test_without_publication_date_no_date_is_invented(extract: Any) -> None:
    mentions = extract("Rockets struck the base on Sunday, officials said.", published=None)
    assert not _claims(mentions, "date")


def test_every_claim_span_is_its_wording(extract: Any) -> None:
    text = (
        "According to two Iraqi security officials and a US official, at least five rockets were fired on Sunday "
        "towards a US military facility in northeastern Syria from the town of Zummar in Iraq. No US personnel "
        "were hurt, and an aircraft from the coalition then struck the launcher, the official said."
    )
    for claim in _claims(extract(text), ""):
        if claim.wording:
            assert text[claim.start : claim.end] == claim.wording
        assert claim.quote in text


@pytest.fixture(scope="module")
def extractor(gazetteer_path: Path) -> Extractor:
    return Extractor(load_lexicon(), Gazetteer.open(gazetteer_path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thousands of protesters marched peacefully through the capital on Sunday.", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters in the capital.", "Protest with intervention"),
        # arrests at a protest are the protest's intervention, not an Arrests event
        ("Police arrested dozens of protesters at the rally on Sunday.", "Protest with intervention"),
        ("Security forces shot dead three protesters at the rally.", "Excessive force against protesters"),
        # demonstrators' violence decides, whatever the police did
        ("Protesters threw stones at police, who fired tear gas.", "Violent demonstration"),
        # a chemical weapon whatever carried it
        ("Mortar rounds carrying chlorine gas hit the town.", "Chemical weapon"),
    ],
)
def test_acled_precedence_between_types(extractor: Extractor, text: str, expected: str) -> None:
    found = extractor.classify(text)
    assert found is not None and found.name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Government troops seized control of the town on Sunday.", "Government regains territory"),
        ("Rebels seized control of the town on Sunday.", "Non-state actor overtakes territory"),
        ("The town was captured by militants after heavy fighting.", "Non-state actor overtakes territory"),
        ("Militants attacked an army post overnight.", "Armed clash"),
        ("Militants attacked villagers overnight.", "Attack"),
        ("Five soldiers were killed in the north.", "Armed clash"),
        ("Five civilians were killed in the north.", "Attack"),
    ],
)
def test_who_acts_or_is_hit_decides_the_type(extractor: Extractor, text: str, expected: str) -> None:
    found = extractor.classify(text, min_score=1e-9)  # "killed" alone is weak evidence of an event
    assert found is not None and found.name == expected


def test_taking_a_place_by_no_one_named_is_no_territory_change(extractor: Extractor) -> None:
    found = extractor.classify("The town was captured on Sunday.", min_score=1e-9)
    assert found is None or "territory" not in found.name


def test_the_lead_sentence_outweighs_what_follows(extractor: Extractor) -> None:
    text = "A car bomb exploded in the market on Sunday. Residents later held a vigil and a protest march."
    found = extractor.classify(text)
    assert found is not None and found.name == "Remote explosive/landmine/IED"
    # the same sentences the other way round lead with the protest
    second = extractor.classify("Residents held a vigil and a protest march on Sunday. A car bomb exploded there.")
    assert second is not None and second.name == "Peaceful protest"


def test_an_absent_claim_is_not_an_attribution(extractor: Extractor) -> None:
    claimed = extractor.classify("The Islamic State group claimed responsibility for the car bombing.")
    assert claimed is not None and claimed.case_label == "ATTRIB"
    unclaimed = extractor.classify("A car bomb killed five people. No group immediately claimed responsibility.")
    assert unclaimed is not None and unclaimed.case_label == "REM_EXPLOS"
