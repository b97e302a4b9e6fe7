"""Fusion: compatible values reconciled, conflicts shown side by side, rewrites counted once."""

from __future__ import annotations

from typing import Any

from eventfuse.fuse import fuse, sources_of
from eventfuse.model import Article, Claim, Mention, Speaker

WIRE = (
    "According to two officials, at least five rockets were fired on Sunday at the base from the town of Zummar. "
    "No US personnel were hurt in the attack, a US official said on the phone to reporters. "
    "An aircraft from the coalition then struck the launcher, the official said in a statement."
)


def _article(aid: str, text: str, outlet: str, published: str = "2024-04-22") -> Article:
    return Article(id=aid, raw_text=text, text=text, outlet=outlet, published=published)


def _claim(
    aid: str, field: str, value: Any, wording: str, hedged: bool = False, speaker: Speaker | None = None
) -> Claim:
    return Claim(aid, field, value, 0, len(wording), wording, attributed_to=speaker, hedged=hedged, wording=wording)


def _mention(aid: str, *claims: Claim) -> Mention:
    return Mention(id=f"{aid}:0", article_id=aid, start=0, end=10, text="x", claims=claims)


ARTICLES = {
    "a": _article("a", "Five rockets were launched at a US base in Syria, Iraqi forces announced.", "Task & Purpose"),
    "b": _article(
        "b", "More than five rockets hit the base near Rumalyn on Sunday night, monitors said.", "Levant Post"
    ),
    "c": _article("c", "A quite different text about the same rockets, written independently by a third desk.", "Gulf"),
}


def test_five_at_least_five_and_more_than_five_are_compatible() -> None:
    mentions = [
        _mention("a", _claim("a", "count:rocket", {"min": 5, "max": 5}, "Five rockets")),
        _mention("c", _claim("c", "count:rocket", {"min": 5, "max": None}, "at least five rockets")),
    ]
    count = fuse("ev", mentions, ARTICLES).fields["count:rocket"]
    assert count.status == "compatible"
    assert count.value == {"min": 5, "max": 5}
    more = {"min": 6, "max": None, "strict_min": True}
    mentions.append(_mention("b", _claim("b", "count:rocket", more, "More than five rockets")))
    count = fuse("ev", mentions, ARTICLES).fields["count:rocket"]
    assert count.status == "compatible"
    assert count.value == {"min": 5, "max": None}  # at least 5
    assert set(count.wordings) == {"Five rockets", "at least five rockets", "More than five rockets"}
    assert count.independent_sources == 3


def test_two_exact_counts_that_differ_conflict() -> None:
    mentions = [
        _mention("a", _claim("a", "count:rocket", {"min": 2, "max": 2}, "two rockets")),
        _mention("b", _claim("b", "count:rocket", {"min": 5, "max": 5}, "five rockets")),
    ]
    assert fuse("ev", mentions, ARTICLES).fields["count:rocket"].status == "disputed"
    loose = {"min": 4, "max": None, "strict_min": True}  # "more than three" is not "two"
    mentions[1] = _mention("b", _claim("b", "count:rocket", loose, "more than three rockets"))
    assert fuse("ev", mentions, ARTICLES).fields["count:rocket"].status == "disputed"


def test_conflicting_tolls_become_a_discrepancy_with_both_positions() -> None:
    mentions = [
        _mention("a", _claim("a", "killed:soldiers", {"min": 2, "max": 2}, "Two soldiers were killed")),
        _mention("b", _claim("b", "killed:soldiers", {"min": 0, "max": 0}, "No soldiers were killed")),
    ]
    event = fuse("ev", mentions, ARTICLES)
    assert event.fields["killed:soldiers"].status == "disputed"
    [discrepancy] = event.discrepancies
    assert discrepancy.field == "killed:soldiers"
    assert sorted(p.claims[0].article_id for p in discrepancy.positions) == ["a", "b"]
    assert "2 vs 0" in discrepancy.note or "0 vs 2" in discrepancy.note


def test_outcome_agents_conflict_but_an_agentless_account_does_not() -> None:
    def outcome(aid: str, action: str, agent: str | None, agent_class: str | None, hedged: bool = False) -> Claim:
        value = {
            "object": "launch vehicle",
            "action": action,
            "action_class": "destroyed",
            "agent": agent,
            "agent_class": agent_class,
        }
        return _claim(aid, "outcome", value, f"{action} by {agent}", hedged)

    agree = [
        _mention("a", outcome("a", "destroyed", "a coalition fighter", "air strike")),
        _mention("b", outcome("b", "struck", "an aircraft from the coalition", "air strike")),
    ]
    event = fuse("ev", agree, ARTICLES)
    assert event.fields["outcome:launch vehicle"].status in ("compatible", "corroborated")
    assert not event.discrepancies
    conflict = agree + [_mention("c", outcome("c", "burned", "Iraqi forces", "ground forces"))]
    event = fuse("ev", conflict, ARTICLES)
    assert event.fields["outcome:launch vehicle"].status == "disputed"
    [discrepancy] = event.discrepancies
    assert {p.value["agent_class"] for p in discrepancy.positions} == {"air strike", "ground forces"}


def test_a_country_is_refined_by_a_town_in_it_and_two_towns_conflict() -> None:
    syria = {"name": "Syria", "country_code": "SY", "geo_precision": 3, "feature": "PCLI", "lat": 35.0, "lon": 38.0}
    rumalyn = {"name": "Rumaylan", "country_code": "SY", "geo_precision": 1, "lat": 36.86, "lon": 42.07}
    rmelan = {"name": "Rmelan", "country_code": "SY", "geo_precision": 1, "lat": 36.87, "lon": 42.09}
    mosul = {"name": "Mosul", "country_code": "IQ", "geo_precision": 1, "lat": 36.34, "lon": 43.13}
    mentions = [
        _mention("a", _claim("a", "location", syria, "Syria")),
        _mention("b", _claim("b", "location", rumalyn, "Rumalyn")),
        _mention("c", _claim("c", "location", rmelan, "Rmelan")),
    ]
    location = fuse("ev", mentions, ARTICLES).fields["location"]
    assert location.status == "compatible"
    assert location.value["geo_precision"] == 1 and location.value["name"] in ("Rumaylan", "Rmelan")
    assert "Syria" in location.value["refines"]
    mentions.append(_mention("c", _claim("c", "location", mosul, "Mosul")))
    assert fuse("ev", mentions, ARTICLES).fields["location"].status == "disputed"


def test_hedged_single_source_is_doubtful() -> None:
    mentions = [_mention("a", _claim("a", "responsibility", {"status": "claimed", "actor": "KH"}, "reportedly", True))]
    fused = fuse("ev", mentions, ARTICLES).fields["responsibility"]
    assert fused.status == "single-source" and fused.hedged
    assert fused.credibility == 4


def test_a_rewrite_counts_once_and_names_its_original() -> None:
    rewrite_text = WIRE.replace("were fired on Sunday", "were launched on Sunday") + " Officials gave no details."
    articles = {
        "wire": _article("wire", WIRE, "Wire", "2024-04-21"),
        "copy": _article("copy", rewrite_text, "Copy Desk", "2024-04-22"),
        "own": _article("own", ARTICLES["a"].text, "Task & Purpose"),
    }
    sources = {s.article_id: s for s in sources_of(["wire", "copy", "own"], articles)}
    assert sources["copy"].derived_from == "wire"
    assert sources["copy"].origin == sources["wire"].origin == "wire"
    assert sources["own"].derived_from is None
    mentions = [
        _mention("wire", _claim("wire", "injured:personnel", {"min": 0, "max": 0}, "No US personnel were hurt")),
        _mention("copy", _claim("copy", "injured:personnel", {"min": 0, "max": 0}, "No US personnel were hurt")),
    ]
    fused = fuse("ev", mentions, articles).fields["injured:personnel"]
    assert fused.independent_sources == 1
    assert fused.status == "single-source"


_CITES_WIRE = (
    "Shells hit the market in Kafr Nabl on Monday, a civil defence officer told the Idlib Courier. "
    "AFP, citing Syrian military sources, reported that the shelling came from army positions to the south."
)
_RETOLD = "According to three Syrian military officials, artillery shells struck the market in Kafr Nabl on Monday."


def _wire_event(retold: str, speaker: str) -> dict[str, Any]:
    afp = Speaker("AFP", "media outlet", via=Speaker("Syrian military sources", "anonymous source"))
    articles = {
        "cites": _article("cites", _CITES_WIRE, "Idlib Courier", "2024-05-06"),
        "retold": _article("retold", retold, "Daily Digest", "2024-05-07"),
    }
    mentions = [
        _mention("cites", _claim("cites", "origin", "army positions", "from army positions", speaker=afp)),
        _mention("cites", _claim("cites", "location", "Kafr Nabl", "the market in Kafr Nabl")),
        _mention(
            "retold", _claim("retold", "location", "Kafr Nabl", "Kafr Nabl", speaker=Speaker(speaker, "military"))
        ),
    ]
    event = fuse("ev", mentions, articles)
    return {"sources": {s.article_id: s for s in event.sources}, "location": event.fields["location"]}


def test_an_article_on_the_anonymous_sources_another_credits_a_wire_with_is_that_wires_rewrite() -> None:
    event = _wire_event(_RETOLD, "three Syrian military officials")
    retold = event["sources"]["retold"]
    assert retold.derived_from == "AFP" and retold.origin == "outlet:afp"
    assert "three Syrian military officials" in (retold.derivation or "")
    assert event["sources"]["cites"].derived_from is None  # it reports on its own and cites AFP for one claim
    assert event["location"].independent_sources == 2  # the Courier's own officer and the AFP rewrite


def test_own_reporting_or_other_sources_are_no_wire_rewrite() -> None:
    own = _RETOLD.replace(
        "According to three Syrian military officials,", "Three Syrian military officials told Reuters"
    )
    assert _wire_event(own, "Three Syrian military officials")["sources"]["retold"].derived_from is None
    other = _RETOLD.replace("Syrian military", "Turkish")
    assert _wire_event(other, "three Turkish officials")["sources"]["retold"].derived_from is None
    one_word = _RETOLD.replace("three Syrian military officials", "a Syrian official")
    assert _wire_event(one_word, "a Syrian official")["sources"]["retold"].derived_from is None


def test_a_claim_through_a_cited_wire_counts_as_that_wire() -> None:
    reuters = Speaker("Reuters", "media outlet", via=Speaker("Iraqi security sources", "anonymous source"))
    mentions = [
        _mention("a", _claim("a", "weapon", "rocket", "rockets", speaker=reuters)),
        _mention("b", _claim("b", "weapon", "rocket", "rockets", speaker=Speaker("Reuters", "media outlet"))),
    ]
    assert fuse("ev", mentions, ARTICLES).fields["weapon"].independent_sources == 1


def _toll(aid: str, field: str, low: int, high: int | None, wording: str, speaker: Speaker | None = None) -> Mention:
    return _mention(aid, _claim(aid, field, {"min": low, "max": high}, wording, speaker=speaker))


def test_a_sources_partial_figure_is_set_aside_not_disputed() -> None:
    """Two men dead and one person pronounced dead on the scene, in one article, are the toll and a part
    of it; another article that says two people were killed agrees with the toll."""
    mentions = [
        _toll("a", "killed:people", 2, 2, "two men dead"),
        _toll("a", "killed:people", 1, 1, "one person was pronounced dead on the scene"),
        _toll("c", "killed:people", 2, 2, "killed two people"),
    ]
    killed = fuse("ev", mentions, ARTICLES).fields["killed:people"]
    assert killed.status == "compatible" and killed.value == {"min": 2, "max": 2}
    assert [c.wording for c in killed.other_figures] == ["one person was pronounced dead on the scene"]
    assert killed.independent_sources == 2
    # the figure most of a source's statements give is its own, even when it is not the first
    mentions.append(_toll("a", "killed:people", 1, 1, "one person died"))
    killed = fuse("ev", mentions, ARTICLES).fields["killed:people"]
    assert killed.status == "disputed"
    assert {c.wording for c in killed.other_figures} == {"two men dead"}


def test_two_sources_that_differ_still_disagree() -> None:
    mentions = [_toll("a", "injured:people", 4, 4, "four wounded"), _toll("c", "injured:people", 5, 5, "five hurt")]
    event = fuse("ev", mentions, ARTICLES)
    assert event.fields["injured:people"].status == "disputed"
    assert [d.field for d in event.discrepancies] == ["injured:people"]
    # a figure credited to another outlet inside an article is that outlet's, not the article's own
    wire = Speaker("Reuters", "media outlet")
    cited = [_toll("a", "injured:people", 4, 4, "four wounded"), _toll("a", "injured:people", 5, 5, "five", wire)]
    assert fuse("ev", cited, ARTICLES).fields["injured:people"].status == "disputed"


def test_toll_total_over_parties_and_people_shot() -> None:
    from eventfuse.fuse import stated_total, toll_total

    def fields(*mentions: Mention) -> Any:
        return fuse("ev", list(mentions), ARTICLES).fields

    # people in general cover the named kinds of people; named kinds add up
    overlapping = fields(_toll("a", "killed:people", 3, 3, "three people"), _toll("a", "killed:children", 2, 2, "two"))
    assert toll_total(overlapping, "killed") == {"min": 3, "max": 3}
    parties = fields(_toll("a", "killed:police", 1, 1, "an officer"), _toll("a", "killed:fighters", 2, 2, "two"))
    assert toll_total(parties, "killed") == {"min": 3, "max": 3}
    assert toll_total(parties, "injured") is None
    # five shot, one of them killed: four injured, though no source says "injured"
    shot = fields(_toll("a", "shot:people", 5, 5, "five people were shot"), _toll("a", "killed:people", 1, 1, "one"))
    assert toll_total(shot, "injured") == {"min": 4, "max": 4}
    assert stated_total(shot, "injured") is None
    # a stated injury count larger than the survivors of those shot stands
    more = fields(_toll("a", "shot:people", 2, 2, "two shot"), _toll("c", "injured:people", 3, 3, "three hurt"))
    assert toll_total(more, "injured") == {"min": 3, "max": 3}


def test_a_rising_toll_takes_the_latest_figure_and_keeps_its_history() -> None:
    police = Speaker("police", "government official")
    articles = {
        aid: _article(aid, f"A different report number {aid} of the attack, each its own words.", outlet, day)
        for aid, outlet, day in (
            ("r1", "Outlet One", "2024-01-30T08:00"),
            ("r2", "Outlet Two", "2024-01-30T20:00"),
            ("r3", "Outlet Three", "2024-01-31T09:00"),
        )
    }
    mentions = [
        _mention(aid, _claim(aid, "killed:people", {"min": n, "max": n}, f"{n} killed", speaker=police))
        for aid, n in (("r1", 28), ("r2", 59), ("r3", 100))
    ]
    event = fuse("ev_t", mentions, articles)
    killed = event.fields["killed:people"]
    assert killed.value == {"min": 100, "max": 100} and killed.status == "updated"
    # the figures stand side by side in the order the reports came, the latest leading
    (shown,) = [d for d in event.discrepancies if d.field == "killed:people"]
    assert [p.value["min"] for p in shown.positions] == [28, 59, 100] and "the latest figure leads" in shown.note
    assert "28 (police, 2024-01-30) -> 59 (police, 2024-01-30) -> 100 (police, 2024-01-31)" in killed.credibility_reason
    assert len(killed.claims) == 3  # every report stays a source of the value


def test_a_falling_toll_is_still_a_disagreement() -> None:
    articles = {
        "f1": _article("f1", "First account of the blast in its own words.", "Outlet One", "2024-01-30"),
        "f2": _article("f2", "Second account, written apart, of the same blast.", "Outlet Two", "2024-01-31"),
    }
    mentions = [
        _mention("f1", _claim("f1", "killed:people", {"min": 9, "max": 9}, "9 killed")),
        _mention("f2", _claim("f2", "killed:people", {"min": 4, "max": 4}, "4 killed")),
    ]
    assert fuse("ev_f", mentions, articles).fields["killed:people"].status == "disputed"


def test_a_day_estimated_from_publication_yields_to_a_day_the_text_gives() -> None:
    estimate = {"value": "2024-04-22", "precision": 1, "text": "", "estimated": "from the publication date"}
    mentions = [
        _mention("a", _claim("a", "date", estimate, "")),
        _mention("b", _claim("b", "date", {"value": "2024-04-21", "precision": 1, "text": "Sunday"}, "Sunday")),
    ]
    date = fuse("ev_d", mentions, ARTICLES).fields["date"]
    assert date.value["value"] == "2024-04-21" and date.status == "single-source"
    assert [c.article_id for c in date.other_figures] == ["a"]


def test_estimates_alone_give_the_earliest_report_day() -> None:
    def estimated(day: str) -> dict[str, Any]:
        return {"value": day, "precision": 1, "text": "", "estimated": "from the publication date"}

    mentions = [
        _mention("a", _claim("a", "date", estimated("2024-04-23"), "")),
        _mention("b", _claim("b", "date", estimated("2024-04-22"), "")),
    ]
    event = fuse("ev_e", mentions, ARTICLES)
    assert event.date == "2024-04-22" and not [d for d in event.discrepancies if d.field == "date"]
