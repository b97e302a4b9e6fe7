"""The CLI end to end: the bundled examples against EXPECTED.md, the seeds, reruns, interruptions, bad input."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventfuse import pipeline
from eventfuse.cli import app
from eventfuse.store import Store

from .conftest import EXAMPLES

runner = CliRunner()


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _expected() -> dict[str, Any]:
    text = (EXAMPLES / "EXPECTED.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block, "EXPECTED.md has no ```json block"
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory: pytest.TempPathFactory, gazetteer_path: Path) -> dict[str, Any]:
    """`eventfuse analyze examples/` once for the module: its output, JSON and store."""
    out = tmp_path_factory.mktemp("examples")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVENTFUSE_GAZETTEER", str(gazetteer_path))
        result = _invoke(
            "analyze",
            str(EXAMPLES),
            "--db",
            str(out / "e.db"),
            "--json",
            str(out / "e.json"),
            "--md",
            str(out / "e.md"),
        )
    return {
        "result": result,
        "events": json.loads((out / "e.json").read_text())["events"],
        "db": out / "e.db",
        "md": (out / "e.md").read_text(),
    }


def _article_names(event: dict[str, Any]) -> set[str]:
    return {Path(s["source_path"]).name for s in event["sources"]}


def _event_with(events: list[dict[str, Any]], articles: list[str]) -> dict[str, Any]:
    wanted = set(articles)
    matching = [e for e in events if _article_names(e) & wanted]
    assert matching, f"no event holds any of {sorted(wanted)}"
    best = max(matching, key=lambda e: len(_article_names(e) & wanted))
    return best


def test_examples_give_the_expected_events(examples_run: dict[str, Any]) -> None:
    assert examples_run["result"].exit_code == 0, examples_run["result"].output
    events = examples_run["events"]
    by_name = {}
    for expected in _expected()["events"]:
        event = _event_with(events, expected["articles"])
        by_name[expected["name"]] = event
        assert _article_names(event) == set(expected["articles"]), expected["name"]
        assert event["event_type"] == expected["event_type"], expected["name"]
        assert event["sub_event_type"] == expected["sub_event_type"], expected["name"]
        assert event["date"] == expected["date"], expected["name"]
        assert event["country"] == expected["country"], expected["name"]
        location = event["fields"]["location"]["value"]
        assert expected["location"] in (location["name"], location.get("as_written")), expected["name"]
        for weapon, value in expected.get("counts", {}).items():
            assert event["fields"][f"count:{weapon}"]["value"] == value, (expected["name"], weapon)
        disputed = {d["field"] for d in event["discrepancies"]}
        for field in expected["disputed"]:
            assert any(d == field or d.startswith(field + ":") for d in disputed), (expected["name"], field, disputed)
        if not expected["disputed"]:
            assert not any(d.startswith(("killed", "injured", "count", "date", "location")) for d in disputed)
        rewrite = expected.get("rewrite")
        if rewrite:
            sources = {Path(s["source_path"]).name: s for s in event["sources"]}
            original = sources[rewrite["of"]]["article_id"]
            assert sources[rewrite["article"]]["derived_from"] == original
            assert sources[rewrite["article"]]["origin"] == sources[rewrite["of"]]["origin"]
    for first, second in _expected()["separate"]:
        assert by_name[first]["id"] != by_name[second]["id"]


def test_every_value_points_to_its_claims(examples_run: dict[str, Any]) -> None:
    with Store(examples_run["db"]) as store:
        for event in examples_run["events"]:
            assert event["sources"]
            for name, field in event["fields"].items():
                assert field["claims"], f"{event['id']} {name} has no claim"
                for claim in field["claims"]:
                    article = store.get_article(claim["article_id"])
                    assert article is not None
                    assert claim["quote"] in article.text
                    if claim["wording"]:
                        assert article.text[claim["start"] : claim["end"]] == claim["wording"]


def test_markdown_report_lists_disagreements_and_sources(examples_run: dict[str, Any]) -> None:
    md = examples_run["md"]
    assert md.startswith("# eventfuse report:")
    assert "### Where sources disagree" in md
    assert "rewrite of" in md
    assert "Daily Frontier Digest" in md


def test_rerun_stores_nothing_twice(examples_run: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(examples_run["db"]) as source, sqlite3.connect(db) as target:
        source.backup(target)
    counts = _counts(db)
    result = _invoke("analyze", str(EXAMPLES), "--db", str(db), "--quiet")
    assert result.exit_code == 0
    assert _counts(db) == counts


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "mentions", "claims", "events", "event_mentions")
        }


def test_interrupted_batch_then_rerun_finishes_with_no_duplicates(
    examples_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "crash.db"
    real = pipeline.group_article
    calls = {"n": 0}

    def crash_on_fourth(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "group_article", crash_on_fourth)
    result = runner.invoke(app, ["analyze", str(EXAMPLES), "--db", str(db), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 130
    assert "interrupted: stopped at 3 of 13 articles processed" in result.output
    with Store(db) as store:
        assert store.count_articles() == 13
        assert store.count_articles("processed") == 3
    monkeypatch.setattr(pipeline, "group_article", real)
    assert _invoke("run", "--db", str(db), "--quiet").exit_code == 0
    assert _counts(db) == _counts(examples_run["db"])
    with Store(db) as store, Store(examples_run["db"]) as clean:
        assert {(e.id, e.date, e.sub_event_type) for e in store.events()} == {
            (e.id, e.date, e.sub_event_type) for e in clean.events()
        }


def test_seeds_make_one_event_for_the_sunday_attack(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    paths = sorted(str(p) for p in seeds.glob("*.txt"))
    result = _invoke("analyze", *paths, "--published", "2024-04-22", "--json", str(out), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text())["events"]
    sunday = [e for e in events if e["date"] == "2024-04-21"]
    assert len(sunday) == 1
    attack = sunday[0]
    assert len(attack["sources"]) == 2
    assert attack["sub_event_type"] == "Shelling/artillery/missile attack"
    assert attack["fields"]["count:rocket"]["value"] == {"min": 5, "max": None}
    assert attack["fields"]["count:rocket"]["status"] == "compatible"
    assert attack["fields"]["injured:personnel"]["value"]["max"] == 0
    assert attack["fields"]["origin"]["value"]["name"] == "Zummar"
    time = attack["fields"]["time"]["value"]
    assert (time["value"], time["timezone"], time["utc_offset"]) == ("21:50", "Asia/Damascus", "+03:00")
    outcome = next(d for d in attack["discrepancies"] if d["field"].startswith("outcome"))
    agents = {p["value"]["agent_class"] for p in outcome["positions"]}
    assert agents == {"air strike", "ground forces"}
    named = {c["wording"]: c["value"]["actor"] for c in attack["fields"]["responsibility"]["claims"] if c["wording"]}
    assert named == {"Khataib Hezbollah": "Kataib Hezbollah", "Kataib Hezbollah": "Kataib Hezbollah"}
    history = attack["history"]
    assert [h["action"] for h in history if h["action"] in ("created", "joined")] == ["created", "joined"]
    count_changes = [h for h in history if h["action"] == "changed" and h["field"] == "count:rocket"]
    assert count_changes[0]["old"] is None and count_changes[-1]["new_status"] == "compatible"
    assert {h["article_id"] for h in count_changes} == {s["article_id"] for s in attack["sources"]}
    # seed 001 retells the Reuters dispatch that seed 000 cites: on the same anonymous sources, no reporting of its own
    rewrite = next(s for s in attack["sources"] if s["derived_from"])
    assert rewrite["derived_from"] == "Reuters" and rewrite["origin"] == "outlet:reuters"
    assert "Iraqi security" in rewrite["derivation"]
    assert next(s for s in attack["sources"] if not s["derived_from"])["origin"] != "outlet:reuters"
    saturday = [e for e in events if e["date"] == "2024-04-20"]
    assert len(saturday) == 1 and saturday[0]["id"] in attack["related"]
    for field in attack["fields"].values():
        for claim in field["claims"]:
            assert claim["article_id"] and claim["quote"] and claim["end"] > claim["start"]


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(
        "Rockets hit base\n\nFive rockets struck the Balad air base in Iraq on Saturday, a military spokesman said."
    )
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 64)
    (tmp_path / "broken.jsonl").write_text('{"text": "Gunmen abducted five farmers near Gwoza on Monday."}\n{oops\n')
    result = runner.invoke(app, ["analyze", str(tmp_path), "--db", str(tmp_path / "b.db"), "--published", "2025-04-14"])
    assert result.exit_code == 1
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected")]
    assert len(rejected) == 3
    assert any("empty.txt" in line and "empty" in line for line in rejected)
    assert any("binary.html" in line and "binary" in line for line in rejected)
    assert any("broken.jsonl line 2" in line for line in rejected)
    with Store(tmp_path / "b.db") as store:
        assert store.count_articles() == 2
        assert store.count_articles("processed") == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze", str(tmp_path), "--published", "someday"]).exit_code == 2
    assert runner.invoke(app, ["export", "--format", "xls", "--db", str(tmp_path / "x.db")]).exit_code == 2
    assert runner.invoke(app, ["analyze"]).exit_code == 2


def test_ingest_run_events_show_export(tmp_path: Path) -> None:
    db = str(tmp_path / "flow.db")
    assert _invoke("ingest", str(EXAMPLES), "--db", db, "--quiet").exit_code == 0
    with Store(Path(db)) as store:
        assert len(store.pending_article_ids()) == 13
    assert _invoke("run", "--db", db, "--quiet").exit_code == 0
    listed = json.loads(_invoke("events", "--db", db, "--json", "--country", "SO").output)["events"]
    assert [e["sub_event_type"] for e in listed] == ["Remote explosive/landmine/IED"]
    assert (
        json.loads(_invoke("events", "--db", db, "--json", "--from", "2025-05-01", "--to", "2025-05-31").output)[
            "events"
        ][0]["country"]
        == "NG"
    )
    shown = _invoke("show", listed[0]["id"], "--db", db)
    assert "Beledweyne" in shown.output and "Sources" in shown.output
    csv_text = _invoke("export", "--format", "csv", "--db", db).output
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("event_id,date,event_type")
    assert len(rows) == len(json.loads(_invoke("export", "--db", db).output)["events"])
    assert _invoke("show", "ev_nosuchevent", "--db", db).exit_code == 1


def test_untrusted_text_is_not_markup(tmp_path: Path) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text(
        "[bold red]Gunmen[/bold red] abducted <script>alert(1)</script> five farmers near Gwoza on Monday, "
        "police said. [link=javascript:alert(1)]Click[/link] <img src=x onerror=alert(1)>"
    )
    db = str(tmp_path / "h.db")
    result = _invoke(
        "analyze", str(article), "--db", db, "--published", "2025-05-20", "--md", str(tmp_path / "h.md"), "--explain"
    )
    assert result.exit_code == 0
    md = (tmp_path / "h.md").read_text()
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "](javascript:" not in md


def test_terminal_report_shows_markup_in_text_literally() -> None:
    from rich.console import Console

    from eventfuse.model import Claim, Event, FusedField, Source
    from eventfuse.report import event_renderable

    quote = "[bold red]Gunmen[/bold red] abducted five farmers [link=javascript:alert(1)]x[/link]"
    claim = Claim("a1", "actor1", {"name": "[bold]X[/bold]"}, 0, 27, quote, wording="[bold red]Gunmen[/bold red]")
    field = FusedField("actor1", {"name": "[bold]X[/bold]"}, "single-source", (claim,))
    event = Event(
        "ev_1",
        "[red]title[/red]",
        None,
        None,
        None,
        {"actor1": field},
        (),
        (Source("a1", "[i]Outlet[/i]", None, None, None),),
        (),
    )
    console = Console(record=True, width=200)
    console.print(event_renderable(event))
    shown = console.export_text()
    for literal in ("[bold red]Gunmen[/bold red]", "[bold]X[/bold]", "[red]title[/red]", "[i]Outlet[/i]"):
        assert literal in shown


def test_acled_and_geojson_exports_open_as_their_formats(examples_run: dict[str, Any]) -> None:
    import csv
    import io

    db = str(examples_run["db"])
    rows = list(csv.DictReader(io.StringIO(_invoke("export", "--format", "acled", "--db", db).output)))
    assert len(rows) == len(examples_run["events"])
    somalia = next(r for r in rows if r["country"] == "Somalia")
    assert somalia["event_id_cnty"].startswith("SOM")
    assert (somalia["event_type"], somalia["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )
    assert somalia["disorder_type"] == "Political violence"
    assert somalia["location"] == "Beledweyne" and float(somalia["latitude"]) == pytest.approx(4.736, abs=0.01)
    assert somalia["fatalities"] == "12"  # the lowest reported toll, as ACLED codes it
    balad = next(r for r in rows if r["event_date"] == "2025-04-12")
    assert "disputed: killed:soldiers" in balad["tags"]
    collection = json.loads(_invoke("export", "--format", "geojson", "--db", db).output)
    assert collection["type"] == "FeatureCollection"
    roles = {(f["properties"]["event_id"], f["properties"]["role"]) for f in collection["features"]}
    balad_id = next(e["id"] for e in examples_run["events"] if e["date"] == "2025-04-12")
    assert {(balad_id, "target"), (balad_id, "origin")} <= roles
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_publication_date_from_the_url_or_the_text_never_invented(tmp_path: Path) -> None:
    body = "Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said."
    (tmp_path / "feed.jsonl").write_text(
        "\n".join(
            json.dumps(record)
            for record in (
                {"text": body, "url": "https://news.example/2025/04/13/rockets-balad"},
                {"text": "Published on April 14, 2025\n\nGunmen abducted five farmers near Gwoza on Monday."},
                {"text": "Gunmen abducted eight traders near Bama on Monday, police said."},
            )
        )
    )
    db = tmp_path / "d.db"
    assert _invoke("analyze", str(tmp_path), "--db", str(db), "--quiet").exit_code == 0
    with Store(db) as store:
        articles = {(a.source_path or "").rsplit("#", 1)[-1]: a for a in store.list_articles()}
        events = {e.date for e in store.events()}
        undated = [c for m in store.mentions_of_article(articles["2"].id) for c in m.claims]
    assert (articles["0"].published, articles["0"].published_source) == ("2025-04-13", "url")
    assert (articles["1"].published, articles["1"].published_source) == ("2025-04-14", "text")
    assert articles["2"].published is None
    assert "2025-04-12" in events and "2025-04-14" in events  # Saturday before the 13th; Monday the 14th
    assert undated and not [c for c in undated if c.field in ("date", "statement_date")]  # "Monday" unresolved


def test_bench_time_reads_te3_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "te3"
    data.mkdir()
    text = "The attack happened on Sunday."
    record = {
        "doc_id": "d1",
        "dct": "2024-04-22",
        "text": text,
        "timexes": [{"start": 22, "end": 28, "text": "Sunday", "type": "DATE", "value": "2024-04-21"}],
    }
    (data / "train.jsonl").write_text(json.dumps(record) + "\n")
    monkeypatch.setenv("EVENTFUSE_BENCH_DIR", str(tmp_path))
    result = _invoke("bench", "time", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["n"] == 1 and figures["value_f1"] == 1.0
    missing = runner.invoke(app, ["bench", "geo", "--data", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_a_text_too_long_for_the_model_fails_alone_and_never_blocks_a_later_run(tmp_path: Path) -> None:
    """Issue 20 item 1: an article over spaCy's max_length made every run crash and left the batch pending."""
    (tmp_path / "in").mkdir()
    big = "Clashes broke out in Beledweyne on Monday, killing five soldiers, officials said. " * 15000
    (tmp_path / "in" / "big.txt").write_text(big + "\n")
    (tmp_path / "in" / "good.txt").write_text(
        "Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said."
    )
    db = str(tmp_path / "p.db")
    result = runner.invoke(app, ["analyze", str(tmp_path / "in"), "--db", db, "--published", "2025-04-14"])
    assert result.exit_code == 1, result.output
    failed_lines = [line for line in result.output.splitlines() if line.startswith("failed ")]
    assert len(failed_lines) == 1
    assert "big.txt: the text is 1,229,999 characters, over the 100,000 analysed per article" in failed_lines[0]
    assert "Traceback" not in result.output
    with Store(Path(db)) as store:
        assert store.pending_article_ids() == []
        assert store.count_articles("processed") == 1 and store.count_articles("failed") == 1
        assert store.events()
    again = _invoke("run", "--db", db)
    assert again.exit_code == 0 and "no pending articles" in again.output
    listed = _invoke("failed", "--db", db)
    assert "big.txt: the text is 1,229,999 characters" in listed.output and "1 failed articles" in listed.output
    assert json.loads(_invoke("failed", "--db", db, "--json").output)[0]["source_path"].endswith("big.txt")
    assert "1 failed articles made pending again" in _invoke("failed", "--retry", "--db", db).output
    rerun = runner.invoke(app, ["run", "--db", db])
    assert rerun.exit_code == 1 and "failed " in rerun.output  # still too long: set aside again, not stuck
    with Store(Path(db)) as store:
        assert store.pending_article_ids() == [] and store.count_articles("failed") == 1


def test_an_input_whose_reader_breaks_is_rejected_and_the_next_is_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventfuse.api as api

    def breaks(*args: Any, **kwargs: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")
        yield  # a generator, as the real reader

    monkeypatch.setattr(api, "read_urls", breaks)
    (tmp_path / "good.txt").write_text("Five rockets struck the Balad air base in Iraq on Saturday, officials said.")
    db = str(tmp_path / "u.db")
    result = runner.invoke(app, ["ingest", "https://news.example.org/a.html", str(tmp_path / "good.txt"), "--db", db])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("rejected")]
    assert line.startswith("rejected https://news.example.org/a.html: could not be read (nested too deeply")
    with Store(Path(db)) as store:
        assert store.count_articles() == 1


# Escape sequences an outlet's name, a quote or a file name could carry to the terminal (issue 20 item 6).
CLEAR_SCREEN, WINDOW_TITLE, C1_CSI, RIGHT_TO_LEFT = "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x9b31m", "\u202egnp.exe"


def _hostile_event() -> Any:
    from eventfuse.model import Claim, Discrepancy, Event, FusedField, Position, Source

    quote = f"Gunmen{CLEAR_SCREEN} abducted five{C1_CSI} farmers, police said{WINDOW_TITLE}."
    claim = Claim("a1", "actor1", {"name": f"Gunmen{CLEAR_SCREEN}"}, 0, 6, quote, wording=f"Gunmen{WINDOW_TITLE}")
    field = FusedField("actor1", {"name": f"Gunmen{CLEAR_SCREEN}"}, "single-source", (claim,))
    other = Claim("a2", "actor1", {"name": "Police"}, 0, 6, "Police said.", wording="Police")
    disputed = Discrepancy("actor1", (Position({"name": f"X{CLEAR_SCREEN}"}, (claim,)), Position("Police", (other,))))
    return Event(
        "ev_0123456789ab",
        f"Attack{WINDOW_TITLE} at Gwoza",
        None,
        None,
        "2025-04-14",
        {"actor1": field},
        (disputed,),
        (
            Source("a1", f"Evil{CLEAR_SCREEN}Wire{RIGHT_TO_LEFT}", f"Title{C1_CSI}", None, "2025-04-14"),
            Source("a2", None, None, None, None, source_path=f"dir/in\nname{CLEAR_SCREEN}.txt"),
        ),
        (),
    )


def test_terminal_report_shows_control_characters_as_escapes() -> None:
    from rich.console import Console

    from eventfuse.report import event_renderable, events_table

    console = Console(record=True, width=200, force_terminal=True)
    console.print(event_renderable(_hostile_event()))
    console.print(events_table([_hostile_event()]))
    shown = console.export_text(styles=True)  # with Rich's own style codes, as the terminal gets it
    for payload in (CLEAR_SCREEN, WINDOW_TITLE, C1_CSI, "\u202e", "\x07"):
        assert payload not in shown
    assert "Evil\\x1b[2J\\x1b[HWire\\u202egnp.exe" in shown and "in\\nname" in shown


def test_show_never_prints_escape_sequences_from_a_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store, store.transaction():
        store.save_event(_hostile_event(), {})
    shown = _invoke("show", "ev_0123456789ab", "--db", str(db))
    listed = _invoke("events", "--db", str(db))
    for output in (shown.output, listed.output):
        assert "\x1b" not in output and "\x9b" not in output and "\u202e" not in output and "\x07" not in output
    assert "Evil\\x1b[2J\\x1b[HWire" in shown.output


def test_a_rejected_input_is_one_line_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / f"evil\nrejected fake.txt: all good{CLEAR_SCREEN}.txt").write_text("")
    (tmp_path / "good.txt").write_text("Five rockets struck the Balad air base in Iraq on Saturday, officials said.")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 1
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected")]
    assert len(rejected) == 1
    assert rejected[0].endswith("evil\\nrejected fake.txt: all good\\x1b[2J\\x1b[H.txt: empty file")
    assert "\x1b" not in result.output


def test_markdown_brief_shows_control_characters_as_escapes() -> None:
    from eventfuse.report import event_markdown

    brief = event_markdown(_hostile_event())
    assert "\x1b" not in brief and "\u202e" not in brief and "Evil\\\\x1b\\[2J" in brief


def test_show_and_events_take_percent_and_underscore_literally(examples_run: dict[str, Any]) -> None:
    """Issue 20 item 7: `eventfuse show '%%%%'` showed an arbitrary event."""
    db = str(examples_run["db"])
    for pattern in ("%%%%", "____", "ev_%"):
        shown = _invoke("show", pattern, "--db", db)
        assert shown.exit_code == 1 and "no event" in shown.output
    assert json.loads(_invoke("events", "--db", db, "--json", "--text", "%%%%").output)["events"] == []
    assert _invoke("show", "ev_45808f9f", "--db", db).exit_code == 0  # a prefix of a real id still works


def test_events_refuses_impossible_dates(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--from", "2025-02-30", "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 2 and "2025-02-30" in result.output


def test_an_internal_error_exits_3_with_one_line_and_the_log_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20 item 10: an internal crash exited 1, the code of an ordinary rejection, with a traceback."""
    log_file = tmp_path / "logs" / "eventfuse.log"
    monkeypatch.setenv("EVENTFUSE_LOG", str(log_file))

    def breaks(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "events_of_articles", breaks)
    (tmp_path / "good.txt").write_text("Five rockets struck the Balad air base in Iraq on Saturday, officials said.")
    result = runner.invoke(app, ["analyze", str(tmp_path / "good.txt"), "--db", str(tmp_path / "c.db"), "-q"])
    assert result.exit_code == 3
    [line] = result.output.strip().splitlines()
    assert line == (
        "internal error (a bug in eventfuse, please report it): a division by zero: division by zero; "
        f"the traceback is in {log_file}"
    )
    logged = log_file.read_text()
    assert "Traceback (most recent call last)" in logged and "ZeroDivisionError: division by zero" in logged


def test_an_interrupted_ingest_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "ingest", interrupted)
    (tmp_path / "good.txt").write_text("Five rockets struck the Balad air base in Iraq on Saturday, officials said.")
    result = runner.invoke(app, ["ingest", str(tmp_path / "good.txt"), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 130 and "interrupted" in result.output


def test_a_store_that_cannot_be_written_stops_the_run_and_blames_no_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    db = tmp_path / "l.db"
    (tmp_path / "good.txt").write_text("Five rockets struck the Balad air base in Iraq on Saturday, officials said.")
    assert _invoke("ingest", str(tmp_path / "good.txt"), "--db", str(db), "-q").exit_code == 0

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(pipeline, "group_article", locked)
    result = runner.invoke(app, ["run", "--db", str(db), "-q"])
    assert result.exit_code == 3
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: the event store could not be read or written (a database error: database is locked)")
    with Store(db) as store:
        assert len(store.pending_article_ids()) == 1 and store.failed_articles() == []  # not the article's fault


def _balad_variant(words: str) -> str:
    """A report of the examples' Balad rocket attack, told again (so that it is a candidate of theirs)."""
    return (EXAMPLES / "northline_balad_rockets.txt").read_text(encoding="utf-8").strip() + f"\n\n{words}\n"


def test_far_publication_dates_are_refused_at_every_door_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Issue 29 item 2: a report published 0001-01-01 (a feed's zero time) was stored, then made later reports fail."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    records = [
        {"text": _balad_variant("Zero time."), "published": "0001-01-01T00:00:00Z"},
        {"text": _balad_variant("Far future."), "published": "9999-12-31"},
    ]
    (inputs / "far.json").write_text(json.dumps(records))
    (inputs / "sidecar.txt").write_text(_balad_variant("Old sidecar."))
    (inputs / "sidecar.meta.json").write_text('{"published": "1899-12-31"}')
    db = str(tmp_path / "far.db")
    result = runner.invoke(app, ["analyze", str(inputs), str(EXAMPLES), "--db", db])
    assert result.exit_code == 1, result.output
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected")]
    assert len(rejected) == 3, result.output
    assert any("far.json#0" in line and "0001-01-01" in line and "before 1900" in line for line in rejected)
    assert any("far.json#1" in line and "9999-12-31" in line and "after now" in line for line in rejected)
    assert any("sidecar.txt" in line and "1899-12-31" in line for line in rejected)
    assert not [line for line in result.output.splitlines() if line.startswith("failed")], result.output
    assert "Error" not in result.output and "Traceback" not in result.output
    with Store(Path(db)) as store:
        assert store.count_articles() == store.count_articles("processed") == 13
    assert runner.invoke(app, ["analyze", str(EXAMPLES), "--published", "0001-01-01", "--db", db]).exit_code == 2


def test_a_far_date_already_stored_fails_no_later_report(tmp_path: Path) -> None:
    """Issue 29 item 2: in a store written before dates were checked, a report of year 1 made the reports of the
    same incident after it fail (grouping's lookback went before year 1); now they join their events."""
    from eventfuse.model import Article, article_id_for

    db = tmp_path / "old.db"
    text = _balad_variant("Zero time.")
    with Store(db) as store:
        far = Article(
            id=article_id_for(text),
            raw_text=text,
            title="Rockets land near Balad air base, no casualties",
            published="0001-01-01T00:00+00:00",
            published_source="metadata",
            source_path="far.txt",
        )
        store.add_article(pipeline.prepare(far, pipeline.load_rules()))
    assert _invoke("run", "--db", str(db)).exit_code == 0
    result = runner.invoke(app, ["analyze", str(EXAMPLES), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output
    with Store(db) as store:
        assert store.count_articles("failed") == 0 and store.count_articles("processed") == 14


def test_show_refuses_an_id_prefix_of_several_events_listing_them(examples_run: dict[str, Any]) -> None:
    """Issue 29 item 4: `show ev_` showed one event of many with exit 0."""
    db = str(examples_run["db"])
    ids = sorted(e["id"] for e in examples_run["events"])
    result = runner.invoke(app, ["show", "ev_", "--db", db])
    assert result.exit_code == 2
    assert "starts the ids of several events" in result.output and all(i in result.output for i in ids)
    assert _invoke("show", ids[0], "--db", db).exit_code == 0


def test_show_with_a_very_long_id_says_no_such_event(examples_run: dict[str, Any]) -> None:
    """Issue 29 item 7: a 60,000-character id exited 3, blaming the store ("LIKE or GLOB pattern too complex")."""
    result = runner.invoke(app, ["show", "ev_" + "a" * 60_000, "--db", str(examples_run["db"])])
    assert result.exit_code == 1 and "no event" in result.output


def test_show_summarises_a_big_event_and_all_prints_everything(tmp_path: Path) -> None:
    """Issue 29 item 5: `show` printed 6,330 lines for an event of 3,000 reports."""
    from .web.test_api import BIG, _big_event

    db = tmp_path / "big.db"
    assert _invoke("analyze", str(EXAMPLES), "--db", str(db), "-q").exit_code == 0
    _big_event(db)
    summary = _invoke("show", BIG, "--db", str(db))
    assert summary.exit_code == 0 and len(summary.output.splitlines()) < 300
    assert f"eventfuse show {BIG} --all" in summary.output and "+2990 more sources" in summary.output
    everything = _invoke("show", BIG, "--all", "--db", str(db))
    assert everything.exit_code == 0 and len(everything.output.splitlines()) > 3000


def test_events_in_a_narrow_terminal_shows_ids_show_takes(examples_run: dict[str, Any]) -> None:
    """Issue 29 item 7: in 80 columns every id was cut ("ev_3827b8b…") and could not be copied into `show`."""
    db = str(examples_run["db"])
    narrow = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["events", "--db", db], terminal_width=80)
    assert narrow.exit_code == 0 and "…" not in narrow.output.split("date")[-1].split("\n", 2)[1]
    shown = re.findall(r"^[│|]\s*(ev_[0-9a-f]+)\s", narrow.output, re.M)
    assert sorted(shown) and len(shown) == len(examples_run["events"])
    for prefix in shown:
        result = _invoke("show", prefix, "--db", db, "--json")
        assert result.exit_code == 0 and json.loads(result.output)["events"][0]["id"].startswith(prefix)


def test_the_reading_bar_never_shows_more_done_than_its_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 29 item 7: the examples' 12 files hold 13 articles, and the bar read "reading 13/12"."""
    import io

    from rich.console import Console

    from eventfuse import cli

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err_console", Console(file=screen, force_terminal=True, width=100))
    with cli._progress(12, "reading", False) as advance:  # noqa: SLF001
        for _ in range(13):
            advance(1)
    shown = {(int(done), int(total)) for done, total in re.findall(r"(\d+)/(\d+)", screen.getvalue())}
    assert shown and all(done <= total for done, total in shown) and (13, 13) in shown
