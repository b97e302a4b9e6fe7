"""Places placed from what the text says about them: their divisions, bases described in the next sentence, roles."""

from __future__ import annotations

import re

from eventfuse.geo import Gazetteer, resolve_places
from eventfuse.geo.gazetteer import haversine_km

BASE_TEXT = (
    "The attack was launched toward the Kharab al-Jir base in Syria, according to a monitoring group. "
    "The base, located in northeastern Syria near the Iraqi border, is used by American troops."
)


def spans_of(text: str, *names: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text))


def sentences_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]


def test_divisions_at_a_point_come_from_the_towns_around_it(gazetteer: Gazetteer) -> None:
    assert gazetteer.divisions_at(36.53, 42.88, "IQ")[0] == "Ninawa"  # 30 km northwest of Mosul
    assert gazetteer.divisions_at(36.9, 41.9, "SY")[0] == "Al-Hasakah"  # near Rmelan
    assert gazetteer.divisions_at(39.1, -94.4, "US")[0] == "Missouri"  # east of Kansas City
    assert gazetteer.divisions_at(0.0, 0.0, "XX") == (None, None)  # no towns: nothing to say


def test_offset_from_a_town_gets_the_division_of_the_point(gazetteer: Gazetteer) -> None:
    text = "The rockets were fired from the town of Zummar, northwest from Mosul and close to the Syrian border."
    zummar, _mosul = resolve_places(text, spans_of(text, "Zummar", "Mosul"), gazetteer)
    assert (zummar.country_code, zummar.admin1, zummar.geo_precision) == ("IQ", "Ninawa", 2)
    assert "Ninawa" in (zummar.reason or "") and "nearest" in (zummar.reason or "")


def test_region_placement_gets_the_division_but_no_district(gazetteer: Gazetteer) -> None:
    text = "Rockets were fired at a base inside northeastern Syria. A coalition base at Rumalyn, Syria was not hit."
    rumalyn = resolve_places(text, spans_of(text, "Rumalyn"), gazetteer)[0]
    assert (rumalyn.country_code, rumalyn.admin1, rumalyn.geo_precision) == ("SY", "Al-Hasakah", 3)
    assert rumalyn.admin2 is None  # a region-wide estimate does not know its district
    assert "'Rumalyn, Syria'" in (rumalyn.reason or "") and "northeastern Syria" in (rumalyn.reason or "")


def test_a_base_written_with_its_article_is_placed_by_the_next_sentence(gazetteer: Gazetteer) -> None:
    (base,) = resolve_places(BASE_TEXT, spans_of(BASE_TEXT, "the Kharab al-Jir base"), gazetteer)
    assert base.lat is not None and base.geo_precision == 3
    assert (base.country_code, base.admin1) == ("SY", "Al-Hasakah")
    reason = base.reason or ""
    assert "'northeastern Syria'" in reason and "'near the Iraqi border'" in reason and "Al-Hasakah" in reason
    # The same span without its article, as find_toponyms gives it, lands on the same point.
    (bare,) = resolve_places(BASE_TEXT, spans_of(BASE_TEXT, "Kharab al-Jir"), gazetteer)
    assert (bare.lat, bare.lon) == (base.lat, base.lon)


def test_near_the_border_pulls_the_point_toward_that_border(gazetteer: Gazetteer) -> None:
    (base,) = resolve_places(BASE_TEXT, spans_of(BASE_TEXT, "the Kharab al-Jir base"), gazetteer)
    without = BASE_TEXT.replace(" near the Iraqi border", "")
    (region,) = resolve_places(without, spans_of(without, "the Kharab al-Jir base"), gazetteer)
    iraq_towns = gazetteer.country_points("IQ")
    nearest_iraqi = min(haversine_km(base.lat, base.lon, lat, lon) for lat, lon, _ in iraq_towns)
    nearest_without = min(haversine_km(region.lat, region.lon, lat, lon) for lat, lon, _ in iraq_towns)
    assert nearest_iraqi < 60 < nearest_without
    assert region.admin1 == "Al-Hasakah" and "Iraq" not in (region.reason or "")


def test_a_base_the_text_does_not_place_is_where_the_article_puts_its_events(gazetteer: Gazetteer) -> None:
    text = "Rockets hit a U.S. base inside northeastern Syria. They were fired toward the Kharab al-Jir base."
    (base,) = resolve_places(text, spans_of(text, "Kharab al-Jir"), gazetteer)
    assert (base.country_code, base.admin1, base.geo_precision) == ("SY", "Al-Hasakah", 3)
    text = "Rockets hit a U.S. base inside northeastern Syria. They were fired toward Kharab al-Jir."
    (town,) = resolve_places(text, spans_of(text, "Kharab al-Jir"), gazetteer)
    assert town.lat is None  # not a base: the article's region says nothing about it
