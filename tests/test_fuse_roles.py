"""Actors fused by role, and the ACLED columns an analyst reads (actor1, inter1, actor2, inter2, interaction)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.export import events_acled
from eventfuse.fuse import fuse
from eventfuse.model import Article, Claim, Mention

ARTICLE = Article(id="a", raw_text="x" * 50, text="x" * 50, outlet="Desk", published="2024-04-22")
US = {"name": "Military Forces of the United States", "type": "State forces", "country": "US"}
GUNMEN = {"name": "Unidentified Armed Group (Iraq)", "type": "Political militia", "country": None, "generic": True}


def _actor(field: str, value: dict[str, Any], confidence: float, sentence: int = 0) -> Claim:
    value = value | {"role_confidence": confidence, "relation": "test"}
    return Claim("a", field, value, sentence, sentence + 5, "quote", wording=value["name"])


def _mention(n: int, sub_event: str, event_type: str, *claims: Claim) -> Mention:
    return Mention(
        id=f"a:{n}",
        article_id="a",
        start=0,
        end=5,
        text="x",
        event_type=event_type,
        sub_event_type=sub_event,
        claims=claims,
    )


SHELLING = ("Shelling/artillery/missile attack", "Explosions/Remote violence")


def test_an_actor_named_as_both_attacker_and_target_keeps_the_surer_role() -> None:
    event = fuse(
        "ev",
        [
            _mention(0, *SHELLING, _actor("actor1", GUNMEN, 0.9), _actor("actor2", US, 0.85)),
            _mention(1, *SHELLING, _actor("actor1", US, 0.6)),
        ],
        {"a": ARTICLE},
    )
    assert event.fields["actor1"].value["name"] == GUNMEN["name"]
    targets = event.fields["actor2"].value
    assert [v["name"] for v in (targets if isinstance(targets, list) else [targets])] == [US["name"]]


def test_an_unnamed_attacker_is_not_refined_into_an_actor_of_another_side() -> None:
    event = fuse(
        "ev", [_mention(0, *SHELLING, _actor("actor1", GUNMEN, 0.9), _actor("actor1", US, 0.5))], {"a": ARTICLE}
    )
    value = event.fields["actor1"].value
    assert isinstance(value, list) and [v["name"] for v in value] == [GUNMEN["name"], US["name"]]
    group = {"name": "Kataib Hezbollah", "type": "Political militia", "country": "IQ"}
    event = fuse(
        "ev", [_mention(0, *SHELLING, _actor("actor1", GUNMEN, 0.9), _actor("actor1", group, 0.6))], {"a": ARTICLE}
    )
    assert event.fields["actor1"].value["name"] == "Kataib Hezbollah"
    assert event.fields["actor1"].value["refines"] == [GUNMEN["name"]]


def test_roles_come_from_the_sentences_of_the_events_own_kind() -> None:
    withdrawal = ("Non-violent transfer of territory", "Strategic developments")
    event = fuse(
        "ev",
        [
            _mention(0, *SHELLING, _actor("actor1", GUNMEN, 0.9)),
            _mention(1, *SHELLING, _actor("actor2", US, 0.8)),
            _mention(2, *withdrawal, _actor("actor1", US, 0.9)),
        ],
        {"a": ARTICLE},
    )
    assert event.fields["actor1"].value["name"] == GUNMEN["name"]


def test_acled_codes_a_states_forces_abroad_as_external_forces() -> None:
    place = {"name": "Rumalyn", "country_code": "SY", "lat": 36.2, "lon": 40.4, "geo_precision": 2}
    location = Claim("a", "location", place, 0, 5, "quote", wording="Rumalyn")
    event = fuse(
        "ev",
        [_mention(0, *SHELLING, _actor("actor1", GUNMEN, 0.9), _actor("actor2", US, 0.85), location)],
        {"a": ARTICLE},
    )
    [row] = list(csv.DictReader(io.StringIO(events_acled([event]))))
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"]) == (GUNMEN["name"], "3", US["name"], "8")
    assert row["interaction"] == "38"


def test_seeds_acled_actors_are_who_fired_and_who_was_fired_at(seeds: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    paths = sorted(str(p) for p in seeds.glob("*.txt"))
    result = runner.invoke(app, ["analyze", *paths, "--published", "2024-04-22", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--format", "acled", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    [sunday] = [r for r in rows if r["event_date"] == "2024-04-21"]
    assert sunday["actor1"] == "Unidentified Armed Group (Iraq)"
    assert sunday["actor2"] in ("Military Forces of the United States", "US-led Coalition against Islamic State")
    assert sunday["interaction"] != "11" and sunday["actor1"] != sunday["actor2"]
    assert "United States" not in sunday["assoc_actor_1"]
