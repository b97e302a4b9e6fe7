"""Tests of the learned ranker: its features, the article's geography as a constraint, the shipped model, and the
fallback of an unplaced target to the division or country named around it."""

from __future__ import annotations

import dataclasses
import re

from typer.testing import CliRunner

from eventfuse.geo import Gazetteer, assign_roles, resolve_places
from eventfuse.geo.ranker import FEATURES, MODEL_FILE, ArticleContext, bundled_model, candidate_features
from eventfuse.geo.roles import with_enclosing_place
from eventfuse.learned import LinearModel
from eventfuse.model import Place


def spans_of(text: str, *names: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text))


def sentences_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]


def test_the_shipped_model_weighs_every_feature_and_records_its_cross_validation() -> None:
    model = LinearModel.load(MODEL_FILE)
    assert model.features == FEATURES and model.classes == ("no", "yes")
    cv, full = model.meta["acc161_cv"], model.meta["acc161_full_dev"]
    assert set(cv) == set(full) == {"lgl", "geovirus"}
    assert all(abs(cv[c] - full[c]) <= 0.02 for c in cv)  # no overfitting to the dev corpora
    assert model.meta["command"] == "eventfuse train geo_ranker"


def test_population_and_context_features_of_a_candidate(gazetteer: Gazetteer) -> None:
    paris = gazetteer.lookup("Paris", limit=12)
    france = next(c for c in paris if c.country_code == "FR" and c.feature == "PPLC")
    texas = next(c for c in paris if c.country_code == "US" and c.admin1 == "Texas")
    context = ArticleContext(
        country_weight={"US": 2.0}, points=((33.58, -95.64),), point_countries=frozenset({"US"}), any_context=True
    )
    big = candidate_features(france, paris, [], context, "paris")
    small = candidate_features(texas, paris, [], context, "paris")
    assert big["population_gap"] > small["population_gap"] and big["log_population"] > small["log_population"]
    assert small["country_share"] == 1.0 and big["country_share"] == 0.0
    assert small["near"] > 0.9 and small.get("nearest_candidate") == 1.0
    assert big.get("unnamed_far") == 1.0 and "unnamed_far" not in small  # France: never named, far away


def test_the_part_of_a_country_the_article_names_is_a_feature(gazetteer: Gazetteer) -> None:
    text = "Rockets hit a base in northeastern Syria. Hasakah and Daraa were quiet."
    places = resolve_places(text, spans_of(text, "Hasakah", "Daraa"), gazetteer)
    assert [p.country_code for p in places] == ["SY", "SY"]
    from eventfuse.geo.resolve import rank_groups

    groups, _order = rank_groups(text, spans_of(text, "Hasakah", "Daraa"), gazetteer)
    hasakah, daraa = groups["hasakah"], groups["daraa"]
    assert hasakah.rows[hasakah.pick.key].get("region_cue") == 1.0  # in the northeast
    assert "region_cue" not in daraa.rows[daraa.pick.key]  # in the southwest


def test_a_homonym_abroad_gives_way_to_the_one_the_article_is_about(gazetteer: Gazetteer) -> None:
    text = "Israel said rockets were fired from Gaza overnight."
    gaza = resolve_places(text, spans_of(text, "Israel", "Gaza"), gazetteer)[1]
    assert gaza.country_code == "PS"  # not the province of Mozambique


def test_a_short_name_abroad_is_not_taken_without_strong_evidence(gazetteer: Gazetteer) -> None:
    text = "A bomb exploded at a market in Peshawar, Pakistan. Police in Bara said five people were killed."
    peshawar, bara = resolve_places(text, spans_of(text, "Peshawar", "Bara"), gazetteer)
    assert peshawar.country_code == "PK"
    # Bara names towns on four continents; none in a country the article names is far from Peshawar's.
    assert bara.country_code in ("PK", None)
    if bara.country_code is None:
        assert "never names" in (bara.reason or "")


def test_each_ranked_place_keeps_its_reasons(gazetteer: Gazetteer) -> None:
    text = "Floods hit Paris and Lyon on Monday."
    paris, _lyon = resolve_places(text, spans_of(text, "Paris", "Lyon"), gazetteer)
    assert paris.country_code == "FR" and "chosen among" in (paris.reason or "")
    assert bundled_model() is not None


def test_a_name_written_with_its_state_means_a_place_there(gazetteer: Gazetteer) -> None:
    text = "The council of Paris, Texas met on Monday."
    (paris,) = resolve_places(text, spans_of(text, "Paris"), gazetteer)
    assert (paris.country_code, paris.admin1) == ("US", "Texas")


def test_an_unknown_village_gives_its_role_to_the_state_the_sentence_names(gazetteer: Gazetteer) -> None:
    text = "Gunmen opened fire on farmers in Kwaxumari village in Borno State on Tuesday, killing 12, police said."
    places = resolve_places(text, spans_of(text, "Kwaxumari", "Borno State"), gazetteer)
    village, state = assign_roles(text, places, sentences_of(text))
    assert village.lat is None and village.role == "mentioned"
    assert (state.role, state.country_code, state.geo_precision) == ("target", "NG", 3)
    assert "'Kwaxumari' is not in the gazetteer" in (state.reason or "") and "Borno" in (state.reason or "")


def test_the_enclosing_place_keeps_its_own_precision() -> None:
    village = Place(name="Xqa", start=10, end=13, reason="no gazetteer entry")
    district = Place(name="Konduga", start=17, end=24, lat=11.6, lon=13.4, feature="ADM2", geo_precision=2)
    town = Place(name="Maiduguri", start=40, end=49, lat=11.8, lon=13.1, feature="PPL", geo_precision=1)
    out = with_enclosing_place([village, district, town], [(village, "target", 0, 60)])
    assert out[1].role == "target" and out[1].geo_precision == 2 and "Xqa" in (out[1].reason or "")
    assert out[2].role == "mentioned"  # a town is a landmark, not the place that encloses the village
    held = dataclasses.replace(town, role="target")
    assert with_enclosing_place([village, district, held], [(village, "target", 0, 60)])[1].role == "mentioned"


def test_an_event_with_no_place_says_so_in_the_report(tmp_path, gazetteer: Gazetteer, monkeypatch) -> None:
    from eventfuse.cli import app

    monkeypatch.setenv("EVENTFUSE_GAZETTEER", str(gazetteer.path))
    report = tmp_path / "report.txt"
    report.write_text(
        "Militants attack convoy\n\nMilitants attacked a military convoy on Tuesday, killing four soldiers, the army "
        "said.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["analyze", str(report), "--published", "2025-06-10", "--db", str(tmp_path / "e.db")]
    )
    assert result.exit_code == 0, result.output
    assert "location: none: the reports name no place that could be located" in " ".join(result.output.split())
