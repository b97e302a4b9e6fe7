"""Tests of toponym resolution, relative descriptions, detection and roles on seed-like texts."""

from __future__ import annotations

import re

from eventfuse.geo import Gazetteer, assign_roles, find_toponyms, resolve_places
from eventfuse.geo.gazetteer import haversine_km


def spans_of(text: str, *names: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text))


def test_city_state_pattern_resolves_long_beach_to_the_us(gazetteer: Gazetteer) -> None:
    text = "Police in Long Beach, CA said the shooting happened downtown."
    (place,) = resolve_places(text, spans_of(text, "Long Beach"), gazetteer)
    assert place.country_code == "US" and place.admin1 == "California" and place.geo_precision == 1


def test_a_state_abbreviation_cut_before_its_dot_is_the_state(gazetteer: Gazetteer) -> None:
    # toponym detection leaves the dot out ("Va"); read alone, "Va" is a town in Ghana
    text = "NORFOLK, Va. - A man was shot in Norfolk on Saturday."
    norfolk, state, _ = resolve_places(text, spans_of(text, "NORFOLK", "Va", "Norfolk"), gazetteer)
    assert (state.country_code, state.admin1, state.feature) == ("US", "Virginia", "ADM1")
    assert norfolk.admin1 == "Virginia"
    sentence_end = "Gunmen attacked the village of Gao."
    (gao,) = resolve_places(sentence_end, spans_of(sentence_end, "Gao"), gazetteer)
    assert gao.country_code == "ML"  # a name that merely ends a sentence is read without the dot


def test_unresolvable_name_keeps_the_others(gazetteer: Gazetteer) -> None:
    text = "Shells fell on Mosul and on Qqxzyvw, then on Kirkuk."
    places = resolve_places(text, spans_of(text, "Mosul", "Qqxzyvw", "Kirkuk"), gazetteer)
    assert [p.country_code for p in places] == ["IQ", None, "IQ"]
    assert places[1].lat is None and places[1].reason


def test_relative_description_gives_an_approximate_point(gazetteer: Gazetteer) -> None:
    text = "The rockets were fired from the town of Qubbazar, northwest from Mosul and close to the Syrian border."
    zummar, mosul = resolve_places(text, spans_of(text, "Qubbazar", "Mosul"), gazetteer)
    assert zummar.lat is not None and zummar.geo_precision in (2, 3)
    assert "Mosul" in (zummar.reason or "") and zummar.country_code == "IQ"
    assert haversine_km(zummar.lat, zummar.lon, mosul.lat, mosul.lon) < 60


def test_region_and_border_description(gazetteer: Gazetteer) -> None:
    text = (
        "The attack was launched toward the Khirbat al-Xuq base in Syria. The base, located in northeastern Syria "
        "near the Iraqi border, is used by American troops."
    )
    base = resolve_places(text, spans_of(text, "Khirbat al-Xuq"), gazetteer)[0]
    assert base.country_code == "SY" and base.geo_precision == 3
    assert "northeastern" in (base.reason or "") and "Iraq" in (base.reason or "")
    assert base.lat > 36 and base.lon > 40


def test_context_country_picks_the_right_homonym(gazetteer: Gazetteer) -> None:
    text = "Dublin police said the suspect fled toward Columbus, Ohio."
    dublin = resolve_places(text, spans_of(text, "Dublin", "Columbus", "Ohio"), gazetteer)[0]
    assert dublin.country_code == "US"


def test_find_toponyms_skips_adjectival_and_context_regions(gazetteer: Gazetteer) -> None:
    from eventfuse.nlp import load_model

    text = (
        "Iraqi militants fired rockets at U.S. forces in the Middle East. The rockets were fired from the town of "
        "Zummar toward the Kharab al-Jir base in Syria."
    )
    found = {text[s:e] for s, e in find_toponyms(load_model()(text))}
    assert "Zummar" in found and "Kharab al-Jir" in found and "Syria" in found
    assert "U.S." not in found and "Middle East" not in found and "Iraqi" not in found


def test_roles_origin_target_mentioned(gazetteer: Gazetteer) -> None:
    text = (
        "Five rockets were launched from inside Iraq at a U.S. base inside northeastern Syria. "
        "The rockets were fired from the town of Zummar in Iraq toward the Kharab al-Jir base. "
        "Officials in Baghdad condemned the attack."
    )
    spans = spans_of(text, "Iraq", "Syria", "Zummar", "Kharab al-Jir", "Baghdad")
    places = resolve_places(text, spans, gazetteer)
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]
    roles = {p.name: p.role for p in assign_roles(text, places, sentences)}
    assert roles["Zummar"] == "origin"
    assert roles["Kharab al-Jir"] == "target"
    assert roles["Iraq"] == "mentioned" and roles["Syria"] == "mentioned"  # finer places hold those roles
    assert roles["Baghdad"] == "mentioned"


def test_building_name_with_its_article_is_not_a_town(gazetteer: Gazetteer) -> None:
    # Casablanca answers to "White House" in translation, and White House is a town in Tennessee.
    text = "He met President Joe Biden at the White House on Monday before flying back to Baghdad."
    (house,) = resolve_places(text, spans_of(text, "the White House"), gazetteer)
    assert house.lat is None and house.country_code is None


def test_translated_alternate_name_needs_the_articles_context(gazetteer: Gazetteer) -> None:
    assert any(c.match == "translation" and c.country_code == "MA" for c in gazetteer.lookup("White House"))
    text = "Officials in White House and Springfield spoke about the attack in Iraq."
    house = resolve_places(text, spans_of(text, "White House", "Iraq"), gazetteer)[0]
    assert house.country_code != "MA"


def test_seed_001_places_zummar_by_the_border_and_rumalyn_in_northeastern_syria(gazetteer: Gazetteer) -> None:
    # The seed's names with invented ones in their place: what the text says places them.
    text = (
        "At least five rockets were fired on Sunday towards a US military facility in northeastern Syria from the "
        "town of Qubbazar in Iraq. Over five rockets were fired from Iraq at soldiers at a coalition base in Xaqzalyn, "
        "Syria. Qubbazar, a town on the Syrian border, is home to a small truck."
    )
    first = text.index("Qubbazar")
    spans = [(first, first + 8)] + spans_of(text, "Xaqzalyn") + spans_of(text, "Iraq")
    zummar, rumalyn, *_ = resolve_places(text, spans, gazetteer)
    assert zummar.country_code == "IQ" and "border with Syria" in (zummar.reason or "")
    assert (zummar.lat, zummar.lon) != (33.0, 44.0) and zummar.lat > 34.5  # not the country's centre
    assert rumalyn.country_code == "SY" and "northeastern" in (rumalyn.reason or "")
    assert rumalyn.lat > 35.8 and rumalyn.lon > 39.8  # in the northeast, not the middle of Syria
    # The real names are not in the embedded gazetteer either: they are placed the same way, whatever the names.
    real = text.replace("Qubbazar", "Zummar").replace("Xaqzalyn", "Rumalyn")
    first = real.index("Zummar")
    spans = [(first, first + 6)] + spans_of(real, "Rumalyn")
    real_zummar, real_rumalyn = resolve_places(real, spans, gazetteer)
    assert (real_zummar.lat, real_zummar.lon, real_zummar.geo_precision) == (
        zummar.lat,
        zummar.lon,
        zummar.geo_precision,
    )
    assert real_rumalyn.country_code == "SY" and real_rumalyn.geo_precision in (2, 3)


def test_country_wins_over_its_capitals_alternate_name_and_neighbours_count(gazetteer: Gazetteer) -> None:
    text = "Flights from Mexico City were cancelled across Mexico."
    last = text.rindex("Mexico")
    city, country = resolve_places(text, [(13, 24), (last, last + 6)], gazetteer)
    assert city.feature == "PPLC" and country.feature == "PCLI"
    text = "Israel said rockets were fired from Gaza overnight."
    gaza = resolve_places(text, spans_of(text, "Israel", "Gaza"), gazetteer)[1]
    assert gaza.country_code == "PS"


def test_names_for_inhabitants_and_spaced_abbreviations(gazetteer: Gazetteer) -> None:
    (ontarians,) = resolve_places("Ontarians voted on Thursday.", [(0, 9)], gazetteer)
    assert (ontarians.country_code, ontarians.admin1) == ("CA", "Ontario")
    text = "Ohioans drove to Charleston, W. Va. for the game."
    ohioans, wva = resolve_places(text, spans_of(text, "Ohioans", "W. Va."), gazetteer)
    assert ohioans.admin1 == "Ohio" and wva.admin1 == "West Virginia"
    (nsw,) = resolve_places("Floods hit NSW.", [(11, 14)], gazetteer)
    assert nsw.admin1 == "New South Wales"
