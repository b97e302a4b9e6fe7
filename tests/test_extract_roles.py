"""Who did what to whom: roles bound by syntax, responsibility as claims, irrealis and background clauses."""

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

    def run(text: str, published: str | None = "2024-04-22") -> list[Mention]:
        article = Article(id=article_id_for(text), raw_text=text, text=text, published=published)
        return extractor.extract(article, nlp(text))

    return run


def _roles(mentions: list[Mention]) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for claim in _claims(mentions, ("actor1", "actor2", "assoc_actor")):
        roles.setdefault(claim.field, set()).add(claim.value["name"])
    return roles


def _claims(mentions: list[Mention], fields: tuple[str, ...]) -> list[Claim]:
    return [c for m in mentions for c in m.claims if c.field.split(":", 1)[0] in fields]


def test_the_subject_fires_and_the_at_phrase_is_hit(extract: Any) -> None:
    mentions = extract("Iraqi militants fired rockets at U.S. forces in the Middle East on Sunday.")
    assert _roles(mentions) == {
        "actor1": {"Unidentified Armed Group (Iraq)"},
        "actor2": {"Military Forces of the United States"},
    }
    [target] = _claims(mentions, ("actor2",))
    assert target.value["role_confidence"] >= 0.7 and "at" in target.value["relation"]


@pytest.mark.parametrize(
    ("text", "actor1", "actor2"),
    [
        # the "by" and "on" phrases of an event noun; the killed are the object of the verb the attack is subject of
        (
            "A rocket attack by gunmen on a police post killed five soldiers on Sunday.",
            "Unidentified Armed Group",
            "Military",
        ),
        # the "by" phrase of a passive
        ("Two soldiers were abducted by militants near the border on Sunday.", "Unidentified Armed Group", "Military"),
        # a subject shared by coordinated verbs; the object of the second is the target
        ("Gunmen stormed the village and abducted 20 villagers on Tuesday.", "Unidentified Armed Group", "Civilians"),
        # the noun a relative clause of the event describes
        ("The militants who attacked the soldiers on Sunday fled.", "Unidentified Armed Group", "Military"),
        # the subject of the verb whose object is the event noun, and the "on" phrase of the noun
        (
            "Troops launched an air strike on militants in the town on Sunday.",
            "Military Forces",
            "Unidentified Armed Group",
        ),
    ],
)
def test_agent_and_target_by_their_relation_to_the_trigger(extract: Any, text: str, actor1: str, actor2: str) -> None:
    roles = _roles(extract(text))
    assert any(name.startswith(actor1) for name in roles.get("actor1", ())), roles
    assert any(name.startswith(actor2) for name in roles.get("actor2", ())), roles


def test_the_wounded_of_a_toll_are_targets_whatever_the_trigger(extract: Any) -> None:
    mentions = extract("Rockets were fired at a coalition base in Rumalyn on Sunday, but no US personnel were hurt.")
    assert "Military Forces of the United States" in _roles(mentions).get("actor2", set())


def test_an_actor_is_never_both_attacker_and_target(extract: Any) -> None:
    mentions = extract("U.S. forces fired rockets at U.S. forces on Sunday.")
    roles = _roles(mentions)
    assert not roles.get("actor1", set()) & roles.get("actor2", set())


def test_a_named_group_outside_the_act_is_no_participant(extract: Any) -> None:
    # al-Qaeda is what al-Shabaab is linked to; it did not attack
    mentions = extract("Al-Shabaab, which is linked to al-Qaeda, attacked an army base on Sunday.")
    roles = _roles(mentions)
    assert roles.get("actor1") == {"Al-Shabaab"}
    assert "Al-Qaeda" not in roles.get("actor1", set()) | roles.get("actor2", set())


def test_a_claim_of_responsibility_feeds_actor1_with_its_speaker_and_hedge(extract: Any) -> None:
    [claimed] = _claims(extract("Al-Shabaab reportedly claimed the attack in a statement on Sunday."), ("actor1",))
    assert claimed.value["name"] == "Al-Shabaab" and claimed.value["relation"] == "claimed responsibility"
    assert claimed.attributed_to is not None and claimed.attributed_to.kind == "armed group"
    assert claimed.hedged  # "reportedly"
    text = "A senior security official said the attack bore the hallmarks of Kataib Hezbollah."
    [accused] = _claims(extract(text), ("actor1",))
    assert accused.value["name"] == "Kataib Hezbollah"
    assert accused.hedged and accused.attributed_to is not None and "official" in accused.attributed_to.name
    # an unnamed claimant names no perpetrator
    assert not _claims(extract("Gunmen claimed responsibility for the attack on Sunday."), ("actor1",))


@pytest.mark.parametrize(
    "text",
    [
        "The group wants the government to get U.S. forces to withdraw from Iraq.",
        "The militants planned to fire rockets at the town on Sunday.",
        "The army did not attack the village on Sunday.",
    ],
)
def test_an_event_that_did_not_happen_is_not_reported(extract: Any, text: str) -> None:
    assert not any(m.event_type for m in extract(text))


def test_an_event_that_began_is_reported(extract: Any) -> None:
    [mention] = extract("Rebels began to fire rockets at the town on Sunday.")
    assert mention.event_type is not None


def test_a_clause_about_an_earlier_event_gives_none_of_this_events_claims(extract: Any) -> None:
    text = "A car bomb killed two people on Sunday at the scene of a massive blast in 2017 that killed more than 500 people."
    mentions = extract(text)
    tolls = [(c.field, c.value["min"]) for c in _claims(mentions, ("killed",))]
    assert tolls == [("killed:people", 2)]
    [recalled] = [m for m in mentions if m.background]
    assert "2017" in recalled.text and "500" in recalled.text and not recalled.claims
    reported = [m for m in mentions if m.event_type]
    assert reported and reported[0].sub_event_type == "Remote explosive/landmine/IED"


def test_a_since_clause_recalls_the_time_before(extract: Any) -> None:
    text = "This is the first strike on US personnel since militants in Iraq ceased attacking US forces in February."
    mentions = extract(text)
    assert not _claims(mentions, ("actor1", "actor2"))
    assert any(m.background and m.text.startswith("since") for m in mentions)


def test_a_present_perfect_summing_up_years_is_background(extract: Any) -> None:
    mentions = extract("Boko Haram has abducted thousands of people in northeast Nigeria since its insurgency began.")
    assert all(not m.claims for m in mentions)
    mentions = extract("Al-Shabaab has fought for more than 15 years to overthrow the federal government.")
    assert all(not m.claims and not m.event_type for m in mentions)


def test_a_name_inside_another_actors_spelling_is_that_actor(extract: Any) -> None:
    # "Hizbullah" alone is Lebanon's Hezbollah; "Kata'ib Hizbullah" is Kataib Hezbollah
    [claimed] = _claims(extract("Kata'ib Hizbullah reportedly claimed the attack on Sunday."), ("actor1",))
    assert claimed.value["name"] == "Kataib Hezbollah"
