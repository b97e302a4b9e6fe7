"""Grouping: frames per event an article reports, and the decisions that join or keep apart."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventfuse import pipeline
from eventfuse.cli import app
from eventfuse.geo.gazetteer import haversine_km
from eventfuse.grouping import (
    ClusterConfig,
    Frame,
    Grouper,
    JoinModel,
    Profile,
    decide,
    evidence,
    frames_of_article,
    merges,
    profile_of,
    profile_of_text,
)
from eventfuse.grouping.evidence import cosine, veto
from eventfuse.grouping.index import band_keys, candidate_query, keep_candidates, within_lookback
from eventfuse.grouping.profiles import (
    Corpus,
    add_frame,
    as_frame,
    combine,
    names_of,
    new_event_profile,
    numbers_of,
    report_day,
    years_of,
)
from eventfuse.model import Article, Claim, Mention, Place, TimeValue, article_id_for
from eventfuse.store import Store

CONFIG = ClusterConfig.load()


def _mention(index: int, text: str, sub: str | None, day: str | None = None, background: bool = False) -> Mention:
    time = TimeValue(day or "", 0, 1, "DATE", day, 1) if day else None
    claims = (Claim("a", "x", 1, 0, 1, text),)
    event_type = "Explosions/Remote violence" if sub else None
    return Mention(f"a:{index}", "a", 0, 1, text, event_type, sub, time=time, background=background, claims=claims)


def test_an_article_reporting_two_days_gives_two_frames() -> None:
    mentions = [
        _mention(0, "Five rockets were fired at the base", "Shelling/artillery/missile attack", "2024-04-21"),
        _mention(1, "No personnel were injured in the attack", None),
        _mention(5, "On Saturday an airstrike hit an Iraqi base", "Air/drone strike", "2024-04-20"),
        _mention(6, "The army said no warplanes were in the sky", None),
        _mention(9, "The launcher was destroyed", None),
        _mention(12, "It had previously been attacked", "Shelling/artillery/missile attack", background=True),
    ]
    frames = frames_of_article("a", mentions, CONFIG)
    assert [sorted(m.id for m in f.mentions) for f in frames] == [
        ["a:0", "a:1", "a:9"],
        ["a:5", "a:6"],
    ]
    assert [f.profile.date for f in frames] == ["2024-04-21", "2024-04-20"]


def test_a_later_follow_up_of_the_same_kind_stays_with_the_lead() -> None:
    mentions = [
        _mention(0, "Gunmen abducted 23 women", "Abduction/forced disappearance", "2025-05-20"),
        _mention(3, "No ransom had been demanded by Wednesday", "Abduction/forced disappearance", "2025-05-21"),
    ]
    assert len(frames_of_article("a", mentions, CONFIG)) == 1


def _profile(
    day: str | None,
    lat: float | None,
    lon: float | None,
    words: str,
    event_id: str | None = None,
    *,
    explicit: bool = True,
    confidence: float = 0.95,
    names: dict[str, float] | None = None,
) -> Profile:
    terms = {w: 1.0 / math.sqrt(len(words.split())) for w in words.split()}
    return Profile(
        date=day,
        precision=1 if day else None,
        date_explicit=explicit and day is not None,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        country="IQ",
        lat=lat,
        lon=lon,
        geo_precision=1 if lat is not None else None,
        place_confidence=confidence if lat is not None else 0.0,
        terms=terms,
        names=names or {},
        event_id=event_id,
    )


MODEL = JoinModel.load(CONFIG)


def test_dates_written_out_far_apart_are_two_events_but_worked_out_ones_are_evidence() -> None:
    a = _profile("2025-04-12", 34.01, 44.14, "rockets balad base soldiers")
    b = _profile("2025-04-05", 34.01, 44.14, "rockets balad base soldiers", "ev_b")
    assert "7 days apart" in (veto(a, b, CONFIG) or "")
    frame = Frame("x", (_mention(0, "rockets", "Shelling/artillery/missile attack", "2025-04-12"),), a)
    decision = decide(frame, [b], MODEL)
    assert not decision.joined and decision.event_id.startswith("ev_")
    assert "ruled out by a certain date or place" in decision.reasons[-1]
    # "on Saturday" is worked out from the publication date: told to the day, a week apart still vetoes, but
    # four days apart is evidence against, not a veto
    relative = replace(a, date_explicit=False)
    assert "7 days apart" in (veto(relative, b, CONFIG) or "")
    nearer = replace(b, date="2025-04-08")
    assert veto(relative, nearer, CONFIG) is None and veto(a, nearer, CONFIG) is not None
    assessed = MODEL.assess(relative, nearer)
    assert assessed is not None and assessed.row["date_gap"] > 0


def test_places_far_apart_keep_events_apart_only_when_both_are_resolved_surely() -> None:
    balad = _profile("2025-04-12", 34.01, 44.14, "rockets base soldiers")
    mosul = _profile("2025-04-12", 36.34, 43.13, "rockets base soldiers", "ev_mosul")
    assert "km apart" in (veto(balad, mosul, CONFIG) or "")
    homonym = replace(mosul, place_confidence=CONFIG.veto_place_confidence / 2)
    assert veto(balad, homonym, CONFIG) is None
    assert veto(balad, replace(balad, lat=34.05, lon=44.2), CONFIG) is None


def test_the_same_event_joins_with_its_evidence_in_words() -> None:
    names = {"balad": 2.0, "kataib hezbollah": 1.0}
    a = _profile("2025-04-12", 34.01, 44.14, "rockets balad base soldiers killed katyusha", names=names)
    b = _profile("2025-04-12", 34.02, 44.15, "rockets balad base soldiers wounded katyusha", "ev_a", names=names)
    decision = decide(Frame("x", (), a), [b], MODEL)
    assert decision.joined and decision.event_id == "ev_a"
    assert decision.score >= MODEL.threshold
    assert decision.reasons[0].startswith("probability ")
    assert any("words in common" in r for r in decision.reasons)
    assert all(re.search(r"\([+-]\d+\.\d\d\)$", r) for r in decision.reasons[1:])


def test_same_day_same_town_but_nothing_else_in_common_stays_apart() -> None:
    a = _profile("2025-04-12", 34.01, 44.14, "rockets base soldiers killed", names={"jabbar": 2.0})
    b = _profile("2025-04-12", 34.01, 44.14, "protest students university fees", "ev_b", names={"maysan": 2.0})
    assert not decide(Frame("x", (), a), [b], MODEL).joined


def test_an_event_sums_its_frames_so_one_dot_product_gives_the_mean_similarity() -> None:
    first = _profile("2025-04-12", 34.01, 44.14, "rockets balad base")
    second = _profile("2025-04-12", 34.01, 44.14, "rockets katyusha launcher")
    event = add_frame(new_event_profile(first, "ev_x"), second)
    assert event.members == 2 and event.anchor == first.when_and_where
    frame = _profile("2025-04-12", 34.01, 44.14, "rockets balad launcher")
    expected = (cosine(frame.terms, first.terms) + cosine(frame.terms, second.terms)) / 2
    assert evidence.features(frame, event, CONFIG)["text"] == pytest.approx(expected, abs=1e-3)


def test_names_figures_and_years_are_read_from_the_text() -> None:
    text = (
        "Police said Kataib Hezbollah fired 5 rockets at Camp Taji in 2020. Kataib Hezbollah denied it. "
        "The attack on Monday wounded 12 people."
    )
    names = names_of(text)
    assert names["kataib hezbollah"] == 2 and "camp taji" in names
    assert "police" not in names and "monday" not in names and "the attack" not in names
    assert numbers_of(text) == {"5", "12"} and years_of(text) == {"2020"}


# --- candidate index ---------------------------------------------------------------------------------


def test_a_dated_frame_looks_up_each_precision_within_its_date_window() -> None:
    query = candidate_query(_profile("2025-04-12", 34.01, 44.14, "rockets balad base"), CONFIG)
    blocks = {precision: (first, last) for precision, first, last in query.date_blocks}
    assert set(blocks) == set(CONFIG.window_days)
    for precision, (first, last) in blocks.items():
        allowed = CONFIG.window_days[precision]  # a day frame (precision 1) meets precision q within window[q]
        assert date.fromisoformat(last) - date(2025, 4, 12) == timedelta(days=allowed)
        assert first <= (date(2025, 4, 12) - timedelta(days=allowed)).isoformat()
    widest = max(CONFIG.window_days, key=CONFIG.window_days.__getitem__)
    assert blocks[widest][0] <= "2025-04" <= blocks[widest][1]  # events dated only to the month are in range
    assert query.day == "2025-04-12" and len(query.band_keys) == CONFIG.index.lsh_bands


def test_an_undated_frame_has_no_date_block_and_meets_events_through_its_bands() -> None:
    query = candidate_query(replace(_profile("2025-04-12", 34.0, 44.1, "rockets balad base"), date=None), CONFIG)
    assert query.date_blocks == () and len(query.band_keys) == CONFIG.index.lsh_bands


def test_band_keys_find_near_duplicates_and_keep_unrelated_texts_apart() -> None:
    words = "katyusha balad dujail salahuddin launcher orchard contractors hezbollah telegram rockets".split()
    terms = {w: 1.0 - i / 100 for i, w in enumerate(words)}
    keys = band_keys(terms, CONFIG.index)
    assert len(keys) == CONFIG.index.lsh_bands and keys == band_keys(dict(terms), CONFIG.index)
    near = dict(terms, kidnappers=0.5)  # one more word than the report it repeats
    assert set(keys) & set(band_keys(near, CONFIG.index))
    other = {w: 1.0 for w in "kankara katsina farmers ransom bandits motorcycles herders village".split()}
    assert not set(keys) & set(band_keys(other, CONFIG.index))
    assert band_keys({}, CONFIG.index) == ()


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-179.9, 179.9),
    bearing=st.floats(0, 360),
    share=st.floats(0, 1),
)
def test_the_place_box_holds_every_place_the_veto_keeps(lat: float, lon: float, bearing: float, share: float) -> None:
    profile = _profile("2025-04-12", lat, lon, "x")
    box = candidate_query(profile, CONFIG).box
    if box is None:  # near a pole or across the antimeridian: no box, nothing left out
        return
    other_lat, other_lon = _destination(lat, lon, bearing, share * CONFIG.veto_km)
    assert haversine_km(lat, lon, other_lat, other_lon) <= CONFIG.veto_km + 1e-6
    south, north, west, east = box
    assert south <= other_lat <= north and west <= other_lon <= east


def _destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    phi, lmb, theta, delta = math.radians(lat), math.radians(lon), math.radians(bearing), km / 6371.0088
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lmb2 = lmb + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lmb2) + 540) % 360 - 180


def test_candidates_with_shared_bands_rank_first_then_the_nearest_dated() -> None:
    found = [
        {"event_id": "ev_sameday", "precision": 1, "day": "2025-04-12", "lat": 34.0, "lon": 44.1, "bands": 0, "dated_rank": 0},
        {"event_id": "ev_banded", "precision": None, "day": None, "lat": None, "lon": None, "bands": 3, "dated_rank": None},
        {"event_id": "ev_nextday", "precision": 1, "day": "2025-04-13", "lat": None, "lon": None, "bands": 0, "dated_rank": 1},
        {"event_id": "ev_many", "precision": None, "day": None, "lat": 36.34, "lon": 43.13, "bands": 9, "dated_rank": None},
    ]  # fmt: skip
    assert keep_candidates(found, CONFIG) == ["ev_many", "ev_banded", "ev_sameday", "ev_nextday"]


def test_a_frame_that_joins_two_compatible_events_merges_them() -> None:
    words = "rockets balad base soldiers killed katyusha launcher"
    names = {"balad": 2.0, "kataib hezbollah": 2.0}
    frame = Frame("x", (), _profile("2025-04-12", 34.01, 44.14, words, names=names))
    chosen = _profile("2025-04-12", 34.02, 44.15, words, "ev_a", names=names)
    undated = replace(_profile("2025-04-12", 34.0, 44.1, words, "ev_b", names=names), date=None, date_explicit=False)
    week_before = _profile("2025-04-05", 34.01, 44.14, words, "ev_c", names=names)
    unrelated = _profile("2025-04-12", 34.01, 44.14, "protest students university fees", "ev_d")
    candidates = [chosen, undated, week_before, unrelated]
    assert [m.event_id for m in merges(frame, chosen, candidates, MODEL)] == ["ev_b"]
    assert merges(frame, chosen, candidates, MODEL, apart=frozenset({"ev_b"})) == []


def test_two_big_events_a_frame_bridges_are_compared_as_reports_and_explained() -> None:
    """A merge weighs the two events against each other: summed over hundreds of reports, their words must not
    read as hundreds of times alike (nor break the reasons' wording)."""
    words = "rockets balad base soldiers killed katyusha launcher"
    names = {"balad": 2.0, "kataib hezbollah": 2.0}
    frame = _profile("2025-04-12", 34.01, 44.14, words, names=names)
    chosen, other = new_event_profile(frame, "ev_a"), new_event_profile(frame, "ev_b")
    for _ in range(800):
        chosen, other = add_frame(chosen, frame), add_frame(other, frame)
    found = merges(Frame("x", (), frame), chosen, [chosen, other], MODEL)
    assert [m.event_id for m in found] == ["ev_b"]
    pair = MODEL.assess(as_frame(other), chosen)
    assert pair is not None and pair.row["text"] == pytest.approx(1.0, abs=0.01)
    assert evidence.explain("text", {"text": 5000.0}, 1.0) == "words in common 5000.00 (+1.00)"
    assert evidence.explain("date_gap", {"date_gap": 5000.0}, -1.0).startswith("dates ")


# --- corrections through the real pipeline ---------------------------------------------------------------


@pytest.fixture(scope="module")
def resources(gazetteer_path: Path) -> pipeline.Resources:
    return pipeline.Resources.load(gazetteer_path=gazetteer_path)


def _report(store: Store, resources: pipeline.Resources, text: str, published: str) -> list[str]:
    """Process one report as `eventfuse analyze` does; the events its mentions end up in."""
    article = Article(id=article_id_for(text), raw_text=text, published=published, published_source="metadata")
    pipeline.ingest(store, [article], resources.rules)
    pipeline.run(store, resources)
    mention_ids = [m.id for m in store.mentions_of_article(article.id)]
    return sorted(set(store.event_ids_of_mentions(mention_ids).values()))


def test_a_report_that_bridges_two_events_merges_them_into_the_older(
    tmp_path: Path, resources: pipeline.Resources
) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store:
        [dated] = _report(
            store,
            resources,
            "Five rockets struck the Balad air base in Salahuddin province late on Saturday, the Iraqi military said.",
            "2025-04-13",
        )
        [undated] = _report(  # three days later, other words, no date or base named: not enough to join it
            store,
            resources,
            "Three contractors of Sallyport Global were wounded in Dujail when Katyusha projectiles fell near their "
            "compound, a security source told reporters.",
            "2025-04-16",
        )
        assert undated != dated
        bridge = _report(
            store,
            resources,
            "Five Katyusha rockets struck the Balad air base on Saturday night, wounding three Sallyport Global "
            "contractors near Dujail, a security source said.",
            "2025-04-16",
        )
        assert bridge == [dated]  # the older event keeps its id
        assert store.get_event(undated) is None and store.merged_into(undated) == dated
        event = store.get_event(dated)
        assert event is not None and len(event.sources) == 3
        [merged] = [h for h in store.history(dated) if h["action"] == "merged"]
        assert merged["absorbed"] == undated and merged["mentions"]
        assert min(merged["frame_scores"].values()) >= MODEL.threshold
        assert [h["into"] for h in store.history(undated) if h["action"] == "merged"] == [dated]
    shown = CliRunner().invoke(app, ["show", undated, "--db", str(db), "--json"], catch_exceptions=False)
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["events"][0]["id"] == dated
    assert f"{undated} was merged into {dated}" in shown.stderr


def test_a_report_whose_written_out_date_contradicts_the_event_starts_its_own(
    tmp_path: Path, resources: pipeline.Resources
) -> None:
    with Store(tmp_path / "s.db") as store:
        [first] = _report(
            store,
            resources,
            "Five rockets struck the Balad air base in Salahuddin province on April 12, the Iraqi military said.",
            "2025-04-13",
        )
        again = _report(  # outlets date one attack a day apart
            store,
            resources,
            "Five rockets struck the Balad air base in Salahuddin province on April 13, a security source said.",
            "2025-04-14",
        )
        assert again == [first]
        [later] = _report(
            store,
            resources,
            "Five rockets struck the Balad air base in Salahuddin province on April 20, the Iraqi military said.",
            "2025-04-21",
        )
        assert later != first
        [created] = [h for h in store.history(later) if h["action"] == "created"]
        assert any("ruled out by a certain date or place" in r for r in created["reasons"])


def test_the_lead_event_is_the_one_the_headline_reports() -> None:
    text = (
        "Shells hit the capital and the port on Sunday. On Tuesday an air strike hit the prison "
        "in Saada, killing dozens of detainees, medics said.\nThe coalition denied it."
    )
    capital = "Shells hit the capital and the port on Sunday."
    prison = "On Tuesday an air strike hit the prison in Saada, killing dozens of detainees, medics said."
    mentions = [
        Mention(
            "a:0",
            "a",
            0,
            len(capital),
            capital,
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            time=TimeValue("Sunday", 0, 1, "DATE", "2025-04-13", 1),
        ),
        Mention(
            "a:1",
            "a",
            text.index(prison),
            text.index(prison) + len(prison),
            prison,
            "Explosions/Remote violence",
            "Air/drone strike",
            time=TimeValue("Tuesday", 0, 1, "DATE", "2025-04-15", 1),
        ),
    ]
    titled = frames_of_article("a", mentions, CONFIG, text, title="Air strike on Saada prison kills dozens")
    assert titled[0].mentions[0].id == "a:1" and titled[0].profile.date == "2025-04-15"
    assert titled[0].profile.title and "saada" in titled[0].profile.names
    assert [f.mention_ids for f in titled] == [("a:1",), ("a:0",)]
    untitled = frames_of_article("a", mentions, CONFIG, text)
    assert [f.mention_ids for f in untitled] == [("a:0",), ("a:1",)]  # no headline: the first event it tells


# --- article text in the profile ---------------------------------------------------------------------


def _article_with_lead(
    text: str, lead: str, day: str, town: tuple[str, float, float] = ("Leeds", 53.8, -1.55)
) -> tuple[Article, list[Mention]]:
    """An article whose one event sentence is ``lead`` (a shooting on ``day`` in ``town``), the rest of ``text``
    around it."""
    article_id = article_id_for(text)
    start, end = text.index(lead), text.index(lead) + len(lead)
    kind = {"event_type": "Violence against civilians", "sub_event_type": "Attack"}
    name, lat, lon = town
    where = {"name": name, "lat": lat, "lon": lon, "country_code": "GB", "geo_precision": 1}
    claims = (
        Claim(article_id, "event_type", kind, start, end, lead),
        Claim(article_id, "date", {"value": day, "precision": 1}, start, end, lead),
        Claim(article_id, "location", where, start, end, lead),
    )
    time = TimeValue(day, 0, 1, "DATE", day, 1)
    places = (Place(name, start, end, "target", None, name, lat, lon, "GB", geo_precision=1, score=0.9),)
    mention = Mention(
        f"{article_id}:0", article_id, start, end, lead, *kind.values(), time=time, places=places, claims=claims
    )
    return Article(article_id, text, text, published=day, published_source="metadata"), [mention]


def _group(store: Store, article: Article, mentions: list[Mention]) -> list[str]:
    store.add_article(article)
    with store.transaction():
        store.save_mentions(article.id, mentions)
        Grouper(store, CONFIG, MODEL).add(article, mentions)
        store.mark_processed(article.id)
    return sorted(set(store.event_ids_of_mentions([m.id for m in mentions]).values()))


def test_reports_whose_event_sentences_differ_join_on_the_rare_words_of_their_articles(tmp_path: Path) -> None:
    # One shooting in one town: the event sentences share no content word (date, place and type alone do not join
    # them); the articles name the same victim, bakery, street and detective.
    first = _article_with_lead(
        "A man was shot dead on Friday night. Witnesses said the gunman fled in a grey Vauxhall toward "
        "Pitcairnfield. The victim, Okonkwo Trelawney, ran the Quillbrook bakery on Marlowe Street. Detective "
        "Inspector Hesketh Varga appealed for dashcam footage. Trelawney, a Zimbabwean-born chorister, had coached the "
        "Quillbrook Rovers since the Pitcairnfield flood. A vigil at St Oswin's chapel on Marlowe Street is planned "
        "for Sunday; Varga asked the Vauxhall's driver to contact Pitcairnfield constabulary. Trelawney's "
        "sourdough won the Hallamshire baking shield twice.",
        "A man was shot dead on Friday night.",
        "2025-03-14",
    )
    second = _article_with_lead(
        "Police are investigating a fatal shooting. Okonkwo Trelawney, who ran the Quillbrook bakery on Marlowe "
        "Street, died at the scene, and the gunman fled toward Pitcairnfield in a grey Vauxhall, Detective "
        "Inspector Hesketh Varga said. The Zimbabwean-born chorister coached the Quillbrook Rovers after the "
        "Pitcairnfield flood, neighbours said. Varga asked the driver of the Vauxhall to contact Pitcairnfield "
        "constabulary; a vigil is planned at St Oswin's chapel on Marlowe Street on Sunday. His sourdough twice "
        "won the Hallamshire baking shield.",
        "Police are investigating a fatal shooting.",
        "2025-03-14",
    )
    other = _article_with_lead(  # a shooting the same day in a town 50 km away, told in other words: stays apart
        "A woman was found shot in a parked Peugeot. Delphine Abernathy-Kowal was found near the Saltmarsh "
        "allotments in Brackenridge, Sergeant Ignatius Whitlow said.",
        "A woman was found shot in a parked Peugeot.",
        "2025-03-14",
        ("Sheffield", 53.38, -1.47),
    )
    sentences_only = cosine(
        profile_of(first[1], CONFIG).terms, profile_of(second[1], CONFIG).terms
    )  # what the frames compared before they read their articles
    assert sentences_only == 0.0
    with Store(tmp_path / "s.db") as store:
        [event] = _group(store, *first)
        assert _group(store, *second) == [event]
        assert _group(store, *other) != [event]
        stored = store.get_event(event)
        assert stored is not None and len(stored.sources) == 2


def test_only_the_lead_frame_reads_the_article_and_not_its_other_events_sentences() -> None:
    text = (
        "Five rockets were fired at the Balad base on Sunday. Contractors from Lockheed were evacuated. "
        "On Saturday an airstrike hit the Kalsu base near Iskandariya."
    )
    lead, other = "Five rockets were fired at the Balad base on Sunday.", "On Saturday an airstrike hit the Kalsu base"
    mentions = [
        Mention(
            "a:0",
            "a",
            0,
            len(lead),
            lead,
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            time=TimeValue("2024-04-21", 0, 1, "DATE", "2024-04-21", 1),
        ),
        Mention(
            "a:2",
            "a",
            text.index(other),
            len(text),
            text[text.index(other) :],
            "Explosions/Remote violence",
            "Air/drone strike",
            time=TimeValue("2024-04-20", 0, 1, "DATE", "2024-04-20", 1),
        ),
    ]
    frames = frames_of_article("a", mentions, CONFIG, text)
    assert [f.mention_ids for f in frames] == [("a:0",), ("a:2",)]
    assert {"lockheed", "contractors", "balad"} <= frames[0].profile.terms.keys()
    assert not {"kalsu", "iskandariya", "airstrike"} & frames[0].profile.terms.keys()
    assert frames[1].profile.terms == profile_of(mentions[1:], CONFIG).terms  # its own sentence only


def test_words_many_grouped_articles_hold_weigh_less() -> None:
    text = "Deputies said the gunshot victim was found near the Quillbrook bakery on Marlowe Street."

    def corpus(documents: int) -> Corpus:
        return lambda words: (documents, {"deputies": documents, "gunshot": documents - 10, "victim": documents})

    plain = profile_of_text(text, CONFIG).terms
    weighed = profile_of_text(text, CONFIG, corpus(400)).terms
    assert weighed["gunshot"] / weighed["quillbrook"] < plain["gunshot"] / plain["quillbrook"] / 3
    assert weighed["marlowe"] / weighed["quillbrook"] == pytest.approx(plain["marlowe"] / plain["quillbrook"], 0.01)
    # too few articles grouped yet to tell a beat's words from an incident's
    assert profile_of_text(text, CONFIG, corpus(CONFIG.df_min_docs - 1)).terms == plain


def test_the_store_counts_each_grouped_articles_words_once(tmp_path: Path, resources: pipeline.Resources) -> None:
    with Store(tmp_path / "s.db") as store:
        for text in (
            "Gunmen shot two farmers near Gwoza on Monday, police said. The gunmen fled.",
            "Gunmen abducted a teacher in Kaduna on Tuesday, residents said.",
        ):
            _report(store, resources, text, "2025-04-15")
        documents, frequencies = store.document_frequencies(["gunmen", "gwoza", "kaduna", "absent"])
    assert documents == 2
    assert frequencies == {"gunmen": 2, "gwoza": 1, "kaduna": 1}


def test_a_big_event_is_fused_as_it_doubles_and_its_record_is_whole_after_flush(tmp_path: Path) -> None:
    """Thousands of reports of one attack cost the same per report: past 32 reports the event's record is fused
    again only as the event doubles, marked stale in between, and whole again after ``flush`` (end of a run)."""
    from eventfuse.bench.cluster_scale import one_event_stream

    sentences = [
        "A car bomb exploded near the Kirkuk governorate building on Tuesday morning.",
        "Police said at least nine people were killed and twenty wounded in the blast.",
        "The explosion shattered windows across the Qadisiya district of Kirkuk.",
        "No group has claimed responsibility for the car bomb attack so far.",
        "Ambulances carried the wounded to Kirkuk general hospital, a doctor said.",
        "Security forces closed the roads around the governorate building after the blast.",
    ]
    reports = one_event_stream(sentences, seed=3)
    fused: list[int] = []
    with Store(tmp_path / "one.db") as store:
        grouper = Grouper(store, CONFIG, MODEL)
        original = grouper.fuse

        def counting_fuse(event_id: str, article_id: str | None = None):  # type: ignore[no-untyped-def]
            fused.append(store.count_articles())
            return original(event_id, article_id)

        grouper.fuse = counting_fuse  # type: ignore[method-assign]
        for _ in range(80):
            article, mentions = next(reports)
            store.add_article(article)
            with store.transaction():
                store.save_mentions(article.id, mentions)
                grouper.refuse(grouper.group(article, mentions), article.id)
                store.mark_processed(article.id)
        events = store.events()
        assert len(events) == 1
        (event,) = events
        assert len(fused) < 40  # every report up to 32, then at 64 (not 48 more times)
        assert store.stale_event_ids() == [event.id]
        with store.transaction():
            grouper.flush()
        assert store.stale_event_ids() == []
        fresh = store.get_event(event.id)
        assert fresh is not None and len({s.article_id for s in fresh.sources}) == 80


def test_an_event_is_a_candidate_only_while_one_of_its_reports_is_within_the_lookback() -> None:
    """An event whose reports are all months from a frame's report day is not compared with it (what lets `eventfuse
    spark` group in windows that overlap by the lookback and find the events one machine finds)."""
    days = CONFIG.index.lookback_days
    frame = Profile(day_first="2025-04-20", day_last="2025-04-20")
    event = Profile(day_first="2025-01-02", day_last="2025-04-01")
    assert within_lookback(frame, event, days)  # its last report is 19 days before
    assert not within_lookback(replace(frame, day_first="2025-08-20", day_last="2025-08-20"), event, days)
    assert not within_lookback(replace(frame, day_first="2024-10-01", day_last="2024-10-01"), event, days)
    assert within_lookback(replace(frame, day_first=None), event, days)  # a report with no day: unbounded
    combined = combine(event, frame)
    assert (combined.day_first, combined.day_last) == ("2025-01-02", "2025-04-20")


def test_a_report_is_placed_in_time_by_its_first_dated_mention_else_its_publication() -> None:
    dated = [_mention(0, "Gunmen attacked a checkpoint.", "Armed clash", "2025-04-12")]
    recalled = [_mention(0, "Gunmen attacked a checkpoint in 2019.", "Armed clash", "2019-05-01", background=True)]
    assert report_day(dated, "2025-04-14T09:00:00") == "2025-04-12"
    assert report_day(recalled + [_mention(1, "Shells fell.", "Shelling/artillery/missile attack")], "2025-04-14") == (
        "2025-04-14"
    )
    assert report_day([], None) is None


def test_a_near_identical_report_months_later_starts_its_own_event(
    tmp_path: Path, resources: pipeline.Resources
) -> None:
    text = "Gunmen opened fire on a wedding party in the village of Mahmudiya, killing four guests, police said."
    with Store(tmp_path / "s.db") as store:
        [first] = _report(store, resources, text, "2025-04-13")
        assert _report(store, resources, text.replace("police said", "officials said"), "2025-04-16") == [first]
        [later] = _report(store, resources, text.replace("police said", "a local official said"), "2025-08-20")
        assert later != first
