"""The stages of `eventfuse spark` without Spark: cells by time window with their overlap, the cells' events
joined through the articles they share, and an input's tables committed whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install -e '.[test]'")

from eventfuse.grouping import ClusterConfig  # noqa: E402
from eventfuse.grouping.decisions import event_id_for  # noqa: E402
from eventfuse.spark import OVERLAP_DAYS, stages, tables  # noqa: E402


def test_the_windows_overlap_by_at_least_the_lookback_of_grouping() -> None:
    """A window's run reads the articles of the OVERLAP_DAYS before it: every event grouping may compare its
    articles with (one report within the lookback) is then in the run."""
    assert OVERLAP_DAYS >= ClusterConfig.load().index.lookback_days


def test_articles_are_placed_by_their_event_day_and_the_overlap_is_read_by_the_next_window() -> None:
    placed = stages.place_articles(
        [("a", "1970-01-05", "*"), ("b", "1970-01-29", "*"), ("c", None, "*"), ("d", "1970-02-02", "*")],
        window_days=30,
        overlap_days=7,
    )
    assert placed["a"].window == 0 and placed["a"].context_of == ()
    assert placed["b"].window == 0 and placed["b"].context_of == (1,)  # within 7 days of the next window
    assert placed["c"] == placed["b"]  # undated: the day of the article before it in run order
    assert placed["d"].window == 1 and placed["d"].context_of == ()


def test_an_undated_first_article_takes_the_first_dated_day() -> None:
    placed = stages.place_articles([("a", None, "*"), ("b", "1970-03-01", "*")], window_days=30, overlap_days=0)
    assert placed["a"].window == placed["b"].window == 59 // 30


def _row(cell: str, event_id: str, own: list[str], context: list[str] = ()) -> dict:
    return {"cell": cell, "event_id": event_id, "own_mentions": own, "context_mentions": list(context)}


def test_an_event_that_took_in_context_mentions_is_joined_to_their_event() -> None:
    rows = [
        _row("0/*", "ev_a", ["x:0", "y:0"]),
        _row("0/*", "ev_b", ["z:0"]),
        _row("1/*", "ev_c", ["w:0"], ["y:0"]),  # the next window's run put w with y: the same event
        _row("1/*", "ev_d", ["v:0"]),
    ]
    finals = {f.event_id: f for f in stages.reconcile(rows, lambda cell: int(cell.split("/")[0]))}
    assert set(finals) == {"ev_a", "ev_b", "ev_d"}  # the joined event keeps its earliest cell's id
    assert finals["ev_a"].mention_ids == ("x:0", "y:0", "w:0")
    assert finals["ev_a"].parts == (("0/*", "ev_a"), ("1/*", "ev_c"))
    assert finals["ev_d"].parts == (("1/*", "ev_d"),)


def test_a_joined_event_keeps_the_id_of_the_part_created_first_in_run_order() -> None:
    """`eventfuse run` keeps the older event's id when it merges two; the older is the one whose first mention's
    article came first, whatever window the cells' order puts it in."""
    late_window_early_article = event_id_for("p:0")
    rows = [
        _row("0/*", event_id_for("q:0"), ["q:0", "y:0"]),
        _row("1/*", late_window_early_article, ["p:0"], ["y:0"]),  # p was read before q, its day is later
    ]
    [final] = stages.reconcile(rows, lambda cell: int(cell.split("/")[0]), {"p": 0, "q": 1, "y": 2})
    assert final.event_id == late_window_early_article
    assert sorted(final.mention_ids) == ["p:0", "q:0", "y:0"]
    [by_cell] = stages.reconcile(rows, lambda cell: int(cell.split("/")[0]))  # no run order known: the cells'
    assert by_cell.event_id == event_id_for("q:0")


def test_a_context_mention_decides_nothing_for_the_cell_that_owns_it() -> None:
    """The owning cell put y and z in two events; the next cell's run, which saw them only as context, joining
    them in one event without an article of its own does not merge them."""
    rows = [_row("0/*", "ev_a", ["y:0"]), _row("0/*", "ev_b", ["z:0"])]
    finals = stages.reconcile(rows, lambda cell: 0)
    assert sorted(f.mention_ids for f in finals) == [("y:0",), ("z:0",)]


def test_an_input_is_committed_whole_or_not_at_all(tmp_path: Path) -> None:
    final = tmp_path / "extracted" / "input-x"
    bad_rows = [{"article_id": 1}]  # not a string: the second table cannot be written
    good = [{"mention_id": "m", "article_id": "a"}]
    with pytest.raises(Exception):  # noqa: B017 - pyarrow's own conversion error, whatever its class
        stages.tables.commit_dir(
            final,
            {"mentions": (good, tables.MENTIONS), "articles": (bad_rows, tables.ARTICLES)},
            {"input": "x"},
        )
    assert list((tmp_path / "extracted").iterdir()) == []  # no half-written input left behind
    tables.commit_dir(final, {"mentions": (good, tables.MENTIONS)}, {"input": "x"})
    assert sorted(p.name for p in final.iterdir()) == ["mentions.parquet", "summary.json"]


def test_an_input_keeps_its_output_directory_across_runs() -> None:
    assert stages.input_key("/data/a.warc.gz") == stages.input_key("/data/a.warc.gz")
    assert stages.input_key("/data/a.warc.gz") != stages.input_key("/data/b.warc.gz")


def test_a_cell_reads_the_overlap_of_its_own_region_only() -> None:
    from eventfuse.spark.job import _runs

    ordered = [{"article_id": a} for a in ("a", "b", "c", "d")]
    placed = stages.place_articles(
        [("a", "1970-01-29", "IQ"), ("b", "1970-01-29", "SY"), ("c", "1970-02-02", "IQ"), ("d", "1970-02-03", "SY")],
        window_days=30,
        overlap_days=7,
    )
    runs = _runs(ordered, placed)
    assert runs == {
        "0/IQ": [(0, True)],
        "0/SY": [(1, True)],
        "1/IQ": [(0, False), (2, True)],  # its region's overlap, in run order, before its own
        "1/SY": [(1, False), (3, True)],
    }


def test_an_overlap_longer_than_a_window_is_read_by_every_window_it_reaches() -> None:
    """With windows of 7 days and an overlap of 31, an article is read by the runs of the windows starting up to 31
    days after it: each holds every report within the lookback of its own articles."""
    [(_, where)] = stages.place_articles([("a", "1970-01-03", "*")], window_days=7, overlap_days=31).items()
    assert where.window == 0
    assert where.context_of == (1, 2, 3, 4)  # windows starting on days 7, 14, 21, 28; day 35 is too far


def test_a_record_of_a_far_date_is_a_bad_record_and_the_others_are_extracted(gazetteer_path: Path) -> None:
    """Issue 29 item 2, at the Spark door: a report dated 0001-01-01 is refused with its reason."""
    from eventfuse.model import Article, article_id_for
    from eventfuse.pipeline import Resources

    texts = [
        ("Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said.", "2025-04-14"),
        ("Gunmen killed three farmers near the village of Dalori on Monday, police said.", "0001-01-01T00:00+00:00"),
    ]
    items = [
        Article(id=article_id_for(t), raw_text=t, published=day, source_path=f"in.jsonl@{n}")
        for n, (t, day) in enumerate(texts)
    ]
    result = stages.extract_articles("in.jsonl", items, Resources.load(gazetteer_path=gazetteer_path))
    assert [a["article_id"] for a in result.articles] == [items[0].id]
    [bad] = result.bad
    assert bad["source"] == "in.jsonl@1" and "0001-01-01" in bad["reason"] and "before 1900" in bad["reason"]
