"""Grouping: frames per event an article reports, and the decisions that join or keep apart."""

from __future__ import annotations

from eventfuse.cluster import ClusterConfig, Frame, Profile, decide, frames_of_article, score
from eventfuse.model import Claim, Mention, TimeValue

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


def _profile(day: str, lat: float, lon: float, words: str, event_id: str | None = None) -> Profile:
    terms = {w: 1.0 for w in words.split()}
    return Profile(
        day,
        1,
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "IQ",
        lat,
        lon,
        1,
        frozenset(),
        terms,
        event_id,
    )


def test_same_place_another_day_is_kept_apart() -> None:
    a = _profile("2025-04-12", 34.01, 44.14, "rockets balad base soldiers")
    b = _profile("2025-04-05", 34.01, 44.14, "rockets balad base soldiers", "ev_b")
    assert score(a, b, CONFIG) is None
    frame = Frame("x", (_mention(0, "rockets", "Shelling/artillery/missile attack", "2025-04-12"),), a)
    decision = decide(frame, [b], CONFIG)
    assert not decision.joined and decision.event_id.startswith("ev_")


def test_same_day_another_town_is_kept_apart() -> None:
    a = _profile("2025-04-12", 34.01, 44.14, "rockets base soldiers")
    b = _profile("2025-04-12", 36.34, 43.13, "rockets base soldiers", "ev_mosul")
    assert score(a, b, CONFIG) is None


def test_same_event_joins_with_reasons() -> None:
    a = _profile("2025-04-12", 34.01, 44.14, "rockets balad base soldiers killed")
    b = _profile("2025-04-12", 34.02, 44.15, "rockets balad base soldiers wounded", "ev_a")
    decision = decide(Frame("x", (), a), [b], CONFIG)
    assert decision.joined and decision.event_id == "ev_a"
    assert any("dates" in r for r in decision.reasons) and any("km apart" in r for r in decision.reasons)
