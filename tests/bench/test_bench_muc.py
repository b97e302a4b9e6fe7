"""Tests of the MUC-4 benchmark: slot scoring computed by hand, case restoration, and an end-to-end run.

The end-to-end run uses the real spaCy model, lexicon and extractor on two short messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventfuse.bench import BENCHMARKS, load_benchmark
from eventfuse.bench.muc import (
    Entity,
    Tally,
    date_match,
    gold_entities,
    place_match,
    run,
    score_slot,
    string_match,
    system_values,
)
from eventfuse.errors import BenchDataError
from eventfuse.model import Claim, Mention


def _fill(*alts: str, optional: bool = False, ref: list[str] | None = None) -> dict:
    return {"alts": list(alts), "optional": optional} | ({"ref": ref} if ref is not None else {})


TEMPLATE = {
    "optional": False,
    "incident_date": [_fill("03 JAN 90")],
    "incident_location": [_fill("EL SALVADOR: SAN SALVADOR (CITY)")],
    "incident_type": [_fill("BOMBING")],
    "incident_instrument_id": [_fill("CAR BOMB")],
    "perp_organization_id": [_fill("FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN")],
    "hum_tgt_effect_of_incident": [_fill("DEATH", ref=["PEASANTS"])],
}
# Message 1 has the template above; message 2 reports nothing and has none.
MESSAGES = [
    {
        "id": "TST1-MUC3-0001",
        "text": "SAN SALVADOR, 3 JAN 90 (ACAN-EFE) -- [TEXT] A CAR BOMB EXPLODED TODAY IN SAN SALVADOR, "
        "KILLING FIVE PEASANTS. THE FMLN CLAIMED RESPONSIBILITY FOR THE ATTACK.",
        "templates": [TEMPLATE],
    },
    {"id": "TST1-MUC3-0002", "text": "LIMA, 5 JAN 90 (EFE) -- [TEXT] THE CABINET MET TODAY.", "templates": []},
]


def test_string_match_by_head_noun() -> None:
    assert string_match("the FMLN", "FMLN")
    assert string_match("five peasants", "PEASANT")
    assert string_match("Car bomb", "BOMB")  # same head noun
    assert not string_match("soldiers", "PEASANTS")


def test_date_and_place_match() -> None:
    assert date_match("1990-02-17", "17 FEB 90 - 18 FEB 90")
    assert date_match("1990-02-18", "17 FEB 90 - 18 FEB 90")
    assert not date_match("1990-02-03", "- 04 FEB 90")  # "on or before" counts its day only
    assert date_match("1990-02-04", "- 04 FEB 90")
    assert place_match("Flores", "GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)")
    assert not place_match("Guatemala", "GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)")
    assert place_match("El Salvador", "EL SALVADOR")


def test_score_slot_counts_optional_fills_only_when_found() -> None:
    # gold: FMLN (required), ARMY (optional), URNG (optional); system: "FMLN rebels" (head REBEL: no match),
    # "the FMLN" (matches FMLN), "army" (matches the optional ARMY), "police" (no match).
    # tp 2, system 4, gold = 1 required + 1 optional found = 2 -> P 0.5, R 1.0, F1 2/3.
    tally = Tally()
    gold = [Entity(("FMLN",), False), Entity(("ARMY",), True), Entity(("URNG",), True)]
    score_slot(tally, "perp_org", ["FMLN rebels", "the FMLN", "army", "police"], gold)
    assert (tally.tp, tally.system, tally.gold) == (2, 4, 2)
    assert tally.figures()["f1"] == 0.6667


def test_gold_entities_merge_templates_and_mark_optional_ones() -> None:
    optional_template = dict(TEMPLATE, optional=True, incident_type=[_fill("ATTACK")])
    gold = gold_entities([TEMPLATE, optional_template])
    # BOMBING is required (first template); ATTACK comes only from the optional template.
    assert [(e.alts, e.optional) for e in gold["incident_type"]] == [(("BOMBING",), False), (("ATTACK",), True)]
    # the same organisation in both templates is one entity, required because one template requires it
    assert [(e.alts, e.optional) for e in gold["perp_org"]] == [
        (("FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN"), False)
    ]
    assert [e.alts for e in gold["deaths"]] == [("PEASANTS",)]


def _mention(sub_event_type: str | None, *claims: tuple[str, object, str]) -> Mention:
    text = "A sentence."
    return Mention(
        id="a:0",
        article_id="a",
        start=0,
        end=len(text),
        text=text,
        sub_event_type=sub_event_type,
        claims=tuple(Claim("a", field, value, 0, 1, text, wording=wording) for field, value, wording in claims),
    )


def test_a_message_with_only_a_clash_fills_no_template() -> None:
    # MUC-4 keys terrorist incidents only: army-guerrilla combat and its toll fill nothing
    clash = _mention(
        "Armed clash",
        ("event_type", {}, "clashed"),
        ("killed:troops", {"min": 3, "max": 3, "party": "troops"}, "killing three troops"),
    )
    assert not any(system_values([clash], "1990-01-08", "El Salvador").values())


def test_undated_unplaced_incident_takes_the_dateline_and_its_country() -> None:
    bombing = _mention("Remote explosive/landmine/IED", ("event_type", {}, "bomb"))
    values = system_values([bombing], "1990-01-03", "El Salvador")
    assert values["incident_type"] == ["BOMBING"]
    assert values["date"] == ["1990-01-03"]
    assert values["location"] == ["El Salvador"]
    dated = _mention("Attack", ("event_type", {}, "murdered"), ("date", {"value": "1990-01-01"}, "on 1 January"))
    assert system_values([dated], "1990-01-03", None)["date"] == ["1990-01-01"]


def test_damage_is_no_incident_type_and_a_group_matches_without_its_members_noun() -> None:
    damage = _mention("Looting/property destruction", ("event_type", {}, "destroyed"))
    bombing = _mention(
        "Remote explosive/landmine/IED",
        ("event_type", {}, "bomb"),
        ("actor1", {"name": "National Liberation Army (Colombia)"}, "ELN guerrillas"),
    )
    values = system_values([bombing, damage])
    assert values["incident_type"] == ["BOMBING"]
    tally = Tally()
    score_slot(tally, "perp_org", values["perp_org"], [Entity(("ARMY OF NATIONAL LIBERATION", "ELN"), False)])
    assert tally.tp == 1


def _write(tmp_path: Path) -> Path:
    lines = [json.dumps(m | {"set": "tst1"}) for m in MESSAGES]
    (tmp_path / "muc4-tst1.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_run_end_to_end(tmp_path: Path) -> None:
    # Message 1: the extractor finds BOMBING ("car bomb ... exploded"), the instrument "car bomb", five
    # peasants killed, the date (today = the dateline's 3 Jan 1990), San Salvador and the FMLN's claim:
    # every one of the 6 gold slots filled, and nothing else -> 6 tp, 6 system values, 6 gold (injuries has
    # none). Message 2 reports no event: no system value. Overall P = R = F1 = 1.
    figures = run(_write(tmp_path))
    slots = figures["sets"]["test"]["slots"]
    assert {slot: s["tp"] for slot, s in slots.items() if s["tp"]} == {
        "incident_type": 1,
        "perp_org": 1,
        "instrument": 1,
        "deaths": 1,
        "date": 1,
        "location": 1,
    }
    assert figures["f1"] == 1.0
    assert figures["sets"]["test"]["messages"] == 2
    assert set(figures["speed"]) == {"spacy_seconds", "extract_seconds", "extract_over_spacy"}


def test_registered() -> None:
    assert BENCHMARKS["muc"] == "eventfuse.bench.muc"
    assert load_benchmark("muc").run is run


def test_missing_directory_is_a_bench_data_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError):
        run(tmp_path / "nowhere")
    with pytest.raises(BenchDataError):
        run(tmp_path)  # a directory with no data files


def test_case_restoration_keeps_common_words_that_are_also_acronyms(gazetteer_path: Path) -> None:
    from eventfuse.bench.muc import CaseRestorer, restore_case
    from eventfuse.geo import Gazetteer
    from eventfuse.lexicon import load_lexicon
    from eventfuse.nlp import load_model

    # "IS" is an alias of the Islamic State in the lexicon, and "is" the verb in nearly every message
    restorer = CaseRestorer.build(load_model(), Gazetteer.open(gazetteer_path), load_lexicon())
    text = "LIMA, 3 JAN 90 -- THE FMLN SAID IT IS TIME. THE SHINING PATH CLAIMED THE ATTACK."
    restored = restore_case(text, restorer)
    assert " it is " in restored
    assert "FMLN" in restored and "Shining Path" in restored and restored.startswith("Lima")
    assert len(restored) == len(text)


def test_a_named_victim_is_scored_by_name() -> None:
    murder = _mention(
        "Attack",
        ("event_type", {}, "murdered"),
        ("killed:person", {"min": 1, "max": None, "party": "person"}, "Hector Oqueli Colindres was murdered"),
        ("killed:person", {"min": 1, "max": None, "party": "person"}, "He was killed"),
    )
    assert system_values([murder])["deaths"] == ["Hector Oqueli Colindres", "person"]
