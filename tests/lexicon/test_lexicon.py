"""Tests for the domain lexicon: actor matching, fuzzy lookup, validation of user files, event-type data."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventfuse.errors import LexiconError
from eventfuse.lexicon import Lexicon, load_lexicon, normalise_name

CASE_LABELS = Path(__file__).resolve().parents[3] / "shared" / "bench" / "case" / "labels.json"

ACLED_SUB_EVENTS = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": [
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ],
    "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": [
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ],
}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def names(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.actor.name) for m in lexicon.find_actors(text)]


@pytest.mark.parametrize(
    "variant",
    ["Kataib Hezbollah", "Khataib Hezbollah", "Kata'ib Hizballah", "Kata\u2019ib Hizballah", "Kataib Hizbollah", "KH"],
)
def test_kataib_hezbollah_variants_match_one_actor(lexicon: Lexicon, variant: str) -> None:
    matches = lexicon.find_actors(f"A statement by {variant} on Sunday.")
    assert [m.actor.name for m in matches] == ["Kataib Hezbollah"]
    assert lexicon.match_actor(variant).name == "Kataib Hezbollah"


@pytest.mark.parametrize(
    "variant", ["PMF", "PMU", "Popular Mobilization Forces", "al-Hashd al-Shaabi", "al Hashd al-Sha\u2019bi", "Hashd"]
)
def test_popular_mobilization_forces_variants(lexicon: Lexicon, variant: str) -> None:
    assert names(lexicon, f"The {variant} said.") == [(variant, "Popular Mobilization Forces")]
    assert lexicon.match_actor(variant).name == "Popular Mobilization Forces"


def test_find_actors_spans_equal_the_text(lexicon: Lexicon) -> None:
    text = (
        "According to a post on a Kataib Hezbollah-affiliated Telegram group, armed groups in Iraq will resume "
        "attacks on U.S. forces and the U.S.-led anti-ISIS coalition; the PMF and the IRI are not the same."
    )
    matches = lexicon.find_actors(text)
    assert [m.surface for m in matches] == [
        "Kataib Hezbollah",
        "U.S. forces",
        "U.S.-led anti-ISIS coalition",
        "PMF",
        "IRI",
    ]
    for m in matches:
        assert text[m.start : m.end] == m.surface
    assert matches[1].actor.name == "Military Forces of the United States"
    assert matches[2].actor is lexicon.match_actor("international coalition")


def test_short_acronyms_are_case_sensitive(lexicon: Lexicon) -> None:
    assert lexicon.find_actors("It is what it is, and this is fighters' land.") == []
    assert names(lexicon, "IS claimed the attack.") == [("IS", "Islamic State")]
    assert lexicon.find_actors("they attacked us forces") == []
    assert lexicon.match_actor("is") is None


def test_longest_match_wins_and_no_overlaps(lexicon: Lexicon) -> None:
    found = names(lexicon, "ISIS-K and Kataib Hezbollah, not Hezbollah.")
    assert found == [
        ("ISIS-K", "Islamic State Khorasan Province"),
        ("Kataib Hezbollah", "Kataib Hezbollah"),
        ("Hezbollah", "Hezbollah"),
    ]


def test_pro_prefix_is_not_the_actor(lexicon: Lexicon) -> None:
    assert names(lexicon, "pro-Russian forces shelled Russian forces") == [
        ("Russian forces", "Military Forces of Russia")
    ]


def test_match_actor_fuzzy_and_affixes(lexicon: Lexicon) -> None:
    assert lexicon.match_actor("Khataib Hizbollah").name == "Kataib Hezbollah"
    assert lexicon.match_actor("Kataib Hezbollah-affiliated").name == "Kataib Hezbollah"
    assert lexicon.match_actor("the Islamic Resistance of Iraq").name == "Islamic Resistance in Iraq"
    assert lexicon.match_actor("Hamas fighters").name == "Hamas"
    assert lexicon.match_actor("Totally Unknown Brigade") is None
    assert lexicon.match_actor("") is None


def test_every_alias_finds_its_own_actor(lexicon: Lexicon) -> None:
    for actor in lexicon.actors:
        for alias in (actor.name, *actor.aliases):
            found = lexicon.find_actors(f"({alias})")
            assert found and found[0].actor.name == actor.name, (alias, found)


def test_actor_records_are_valid(lexicon: Lexicon) -> None:
    assert len(lexicon.actors) >= 250
    inter = {1: "State forces", 2: "Rebel group", 3: "Political militia", 8: "External/Other forces"}
    for actor in lexicon.actors:
        if actor.inter in inter:
            assert actor.type == inter[actor.inter]
        assert actor.country == "" or (len(actor.country) == 2 and actor.country.isupper())


def test_all_acled_sub_event_types_present_with_codes(lexicon: Lexicon) -> None:
    by_name = {s.name: s for s in lexicon.sub_event_types}
    assert len(by_name) == 25
    for event_type, subs in ACLED_SUB_EVENTS.items():
        for sub in subs:
            record = by_name[sub]
            assert record.event_type == event_type
            assert record.plover_event
            assert record.case_label
            assert record.disorder_type
            assert record.cues


def test_case_labels_match_the_case_label_set(lexicon: Lexicon) -> None:
    if not CASE_LABELS.exists():
        pytest.skip("CASE labels.json not present")
    labels = json.loads(CASE_LABELS.read_text(encoding="utf-8"))
    acled = {item["name"]: item["label"] for item in labels if item["kind"].startswith("ACLED")}
    for sub in lexicon.sub_event_types:
        assert acled[sub.name] == sub.case_label
    others = {item["label"] for item in labels if not item["kind"].startswith("ACLED")}
    assert {o.case_label for o in lexicon.other_event_types} == others


def test_weapons_point_at_known_sub_event_types(lexicon: Lexicon) -> None:
    names_ = {s.name for s in lexicon.sub_event_types}
    assert all(w.sub_event_type in names_ for w in lexicon.weapons)
    found = {m.values[0].category for m in lexicon.find_weapons("Five rockets and a car bomb")}
    assert found == {"rocket", "car bomb"}


def test_cues_hedges_sources_and_speakers(lexicon: Lexicon) -> None:
    labels = {v.label for m in lexicon.find_event_cues("An airstrike hit a base") for v in m.values}
    assert "Air/drone strike" in labels
    assert [m.surface for m in lexicon.find_hedges("It is not immediately clear who fired.")] == [
        "It is not immediately clear"
    ]
    orgs = {m.values[0].name: m.values[0] for m in lexicon.find_organisations("AFP and Reuters, citing SOHR")}
    assert orgs["Reuters"].wire and orgs["Agence France-Presse"].wire
    assert orgs["Syrian Observatory for Human Rights"].kind == "monitor/NGO"
    assert lexicon.speaker_kind("spokesman") == "government official"
    assert lexicon.speaker_kind("sources") == "anonymous source"
    assert lexicon.numbers.words["twelve"] == 12
    dozens = next(q for q in lexicon.numbers.quantifiers if q.phrase == "dozens")
    assert dozens.acled == 12


def test_lexicon_pickles(lexicon: Lexicon) -> None:
    copy = pickle.loads(pickle.dumps(lexicon))
    assert copy.actors == lexicon.actors
    assert copy.sub_event_types == lexicon.sub_event_types
    text = "Khataib Hezbollah and IS"
    assert [(m.start, m.end, m.actor) for m in copy.find_actors(text)] == [
        (m.start, m.end, m.actor) for m in lexicon.find_actors(text)
    ]


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_adds_an_actor(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[actor]]\nname = "Zummar Defence Brigade"\ntype = "Political militia"\ninter = 3\ncountry = "IQ"\n'
        'aliases = ["ZDB", "Zummar Brigade"]\n\n'
        '[[actor]]\nname = "Kataib Hezbollah"\naliases = ["Kataib Hizb Allah"]\n',
    )
    lexicon = load_lexicon([path])
    assert names(lexicon, "The Zummar Brigade and ZDB") == [
        ("Zummar Brigade", "Zummar Defence Brigade"),
        ("ZDB", "Zummar Defence Brigade"),
    ]
    assert names(lexicon, "Kataib Hizb Allah") == [("Kataib Hizb Allah", "Kataib Hezbollah")]
    assert lexicon.actor("Kataib Hezbollah").type == "Political militia"
    assert str(path) in lexicon.files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[actor]]\nname = "X Front"\ntype = "Rebel group"\ninter = 2\ncountry = "IQ"\n',
            "missing required key 'aliases'",
        ),
        (
            '[[actor]]\nname = "X Front"\ntype = "Rebel group"\ninter = "2"\ncountry = "IQ"\naliases = []\n',
            "'inter' must be an integer",
        ),
        (
            '[[actor]]\nname = "X Front"\ntype = "Rebels"\ninter = 2\ncountry = "IQ"\naliases = []\n',
            "'type' 'Rebels' is not one of",
        ),
        (
            '[[actor]]\nname = "X Front"\ntype = "Rebel group"\ninter = 3\ncountry = "IQ"\naliases = []\n',
            "inter 3 does not match type 'Rebel group'",
        ),
        ('[[actor]]\nname = "X Front"\ntype = "Rebel group"\ninter = 2\ncountry = "Iraq"\naliases = []\n', "country"),
        ("[[actor]\nname = 'broken'\n", "not valid TOML"),
        ('[[hedge]]\nphrase = "maybe"\nstrength = 2\n', "outside 0..1"),
        (
            '[[weapon]]\nname = "sling"\ncategory = "primitive"\ncues = ["sling"]\nsub_event_type = "Throwing"\n',
            "Throwing",
        ),
        ("[gadgets]\nx = 1\n", "unknown section 'gadgets'"),
        ('[[sub_event]]\nname = "Grenade"\noverrides = ["Stone throwing"]\n', "overrides 'Stone throwing'"),
        (
            '[[actor_cue]]\nname = "x"\nrole = "doer"\ncues = {"took" = 0.5}\n'
            '[actor_cue.classes]\n"Army" = "Armed clash"\n',
            "'Army' is not an ACLED actor type",
        ),
        (
            '[[actor_cue]]\nname = "x"\nrole = "doer"\ncues = {"took" = 0.5}\n'
            '[actor_cue.classes]\n"State forces" = "Taking"\n',
            "class 'Taking' is not a known ACLED sub-event type",
        ),
        (
            '[[actor_cue]]\nname = "x"\nrole = "victim"\ncues = {"took" = 0.5}\n'
            '[actor_cue.classes]\n"State forces" = "Armed clash"\n',
            "'role' 'victim' is not one of",
        ),
    ],
)
def test_malformed_user_file_names_the_file_and_entry(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as info:
        load_lexicon([path])
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


def test_error_names_the_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[actor]]\nname = "A Front"\ntype = "Rebel group"\ninter = 2\ncountry = "IQ"\naliases = ["AF1"]\n\n'
        '[[actor]]\nname = "B Front"\ntype = "Rebel group"\ninter = 2\ncountry = "IQ"\naliases = [3]\n',
    )
    with pytest.raises(LexiconError, match=r"entry 2 \('B Front'\).*'aliases'"):
        load_lexicon([path])


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot read"):
        load_lexicon([tmp_path / "absent.toml"])


def test_alias_clash_within_a_file_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[actor]]\nname = "A Front"\ntype = "Rebel group"\ninter = 2\ncountry = "IQ"\naliases = ["The Front"]\n\n'
        '[[actor]]\nname = "B Front"\ntype = "Rebel group"\ninter = 2\ncountry = "IQ"\naliases = ["the front"]\n',
    )
    with pytest.raises(LexiconError, match="already an alias of 'A Front'"):
        load_lexicon([path])


def test_event_cues_match_plurals_participles_and_any_case(lexicon: Lexicon) -> None:
    # the lexicon lists "mudslide", "abducted", "ied" and "mob"; their other forms and cases match too
    found = {
        m.surface: m.values[0].label for m in lexicon.find_event_cues("Mudslides. IED. Mob. Gunmen were abducting")
    }
    assert found["Mudslides"] == "NATURAL_DISASTER"
    assert found["IED"] == "Remote explosive/landmine/IED"
    assert found["Mob"] == "Mob violence"
    assert found["abducting"] == "Abduction/forced disappearance"
    assert [m.surface for m in lexicon.find_weapons("An IED and two RPGs")] == ["IED", "RPGs"]


def test_precedence_and_actor_cues_are_data(lexicon: Lexicon) -> None:
    assert "Peaceful protest" in lexicon.overrides("Violent demonstration")
    assert "Violent demonstration" not in lexicon.overrides("Peaceful protest")
    territory = next(a for a in lexicon.actor_cues if a.name == "taking territory")
    assert dict(territory.classes)["State forces"] == "Government regains territory"
    assert dict(territory.classes)["Rebel group"] == "Non-state actor overtakes territory"


def test_user_file_extends_an_actor_cue(tmp_path: Path) -> None:
    path = write(tmp_path, '[[actor_cue]]\nname = "taking territory"\ncues = {"wrested" = 0.8}\n')
    territory = next(a for a in load_lexicon([path]).actor_cues if a.name == "taking territory")
    assert {c.phrase for c in territory.cues} >= {"wrested", "seized control"}


def test_normalise_name_examples() -> None:
    assert normalise_name("Kata\u2019ib Hizballah") == normalise_name("Kataib Hizballah")
    assert normalise_name("The al-Nusra Front") == "nusra front"
    assert normalise_name("Hay'at Tahrir ash-Sham") == normalise_name("Hayat Tahrir al Sham")
    assert normalise_name("U.S.-led coalition") == "us led coalition"
    assert normalise_name("Ejército de Liberación Nacional") == "ejercito de liberacion nacional"


@given(st.text())
def test_normalise_name_is_idempotent_and_total(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text())
def test_find_actors_never_raises_and_spans_hold(text: str) -> None:
    lexicon = load_lexicon()
    for m in lexicon.find_actors(text):
        assert text[m.start : m.end] == m.surface
