"""The event store: idempotent writes, transactions that roll back, migrations, damaged files. The tests that take
``store_target`` run on both backends (a SQLite file, a PostgreSQL schema); the others are SQLite's own."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from eventfuse.errors import StoreError
from eventfuse.grouping import ClusterConfig, Grouper, JoinModel
from eventfuse.model import Article, Claim, Mention, RemovedLine, Speaker, TimeValue, article_id_for
from eventfuse.store import MIGRATIONS, PostgresStore, SQLiteStore, Store, open_store


def _article(text: str = "Five rockets hit the base.") -> Article:
    return Article(
        id=article_id_for(text),
        raw_text=text + "\nShare this article",
        text=text,
        outlet="Meridian Post",
        published="2025-04-13",
        removed=(RemovedLine(len(text) + 1, len(text) + 19, "Share this article", "share line"),),
    )


def test_an_article_is_stored_once_with_its_boilerplate(store_target: str) -> None:
    with open_store(store_target) as store:
        assert store.add_article(_article()) is True
        assert store.add_article(_article()) is False
        assert store.count_articles() == 1
        stored = store.get_article(_article().id)
        assert stored is not None and stored.removed[0].reason == "share line"
        assert store.pending_article_ids() == [_article().id]


def test_mentions_and_claims_round_trip(store_target: str) -> None:
    article = _article()
    speaker = Speaker("Reuters", "media outlet", via=Speaker("Iraqi security sources", "anonymous source"))
    claim = Claim(
        article.id, "count:rocket", {"min": 5, "max": 5}, 0, 12, article.text, speaker, wording="Five rockets"
    )
    mention = Mention(
        id=f"{article.id}:0",
        article_id=article.id,
        start=0,
        end=len(article.text),
        text=article.text,
        event_type="Explosions/Remote violence",
        time=TimeValue("Sunday", 0, 6, "DATE", "2024-04-21", 1),
        claims=(claim,),
    )
    with open_store(store_target) as store:
        store.add_article(article)
        with store.transaction():
            store.save_mentions(article.id, [mention])
            store.mark_processed(article.id)
        [loaded] = store.mentions_of_article(article.id)
    assert loaded == mention
    assert loaded.claims[0].attributed_to == speaker


def test_a_failed_transaction_leaves_nothing_behind(store_target: str) -> None:
    article = _article()
    mention = Mention(id=f"{article.id}:0", article_id=article.id, start=0, end=5, text="Five")
    with open_store(store_target) as store:
        store.add_article(article)
        with pytest.raises(KeyboardInterrupt):
            with store.transaction():
                store.save_mentions(article.id, [mention])
                raise KeyboardInterrupt
        assert store.mentions_of_article(article.id) == []
        assert store.pending_article_ids() == [article.id]


def test_reopening_keeps_data_and_schema(store_target: str) -> None:
    with open_store(store_target) as store:
        store.add_article(_article())
        version = store.schema_version
    with open_store(store_target) as store:
        assert store.schema_version == version > 0
        assert store.count_articles() == 1


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 200)
    with pytest.raises(StoreError, match="notes.db"):
        Store(path)
    assert path.read_text().startswith("these are my notes")


def test_a_newer_schema_is_refused(store_target: str) -> None:
    with open_store(store_target) as store:
        if isinstance(store, SQLiteStore):
            store.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
        else:
            assert isinstance(store, PostgresStore)
            store.db.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (store.schema_version + 1,))
    with pytest.raises(StoreError, match="newer eventfuse"):
        open_store(store_target)


def _indexed_store(target: str, events: int) -> Store:
    """A store whose grouping index holds ``events`` events, one a day from 2020-01-01, all in one band bucket."""
    store = open_store(target)
    with store.transaction():
        for n in range(events):
            day = (date(2020, 1, 1) + timedelta(days=n)).isoformat()
            store.index_event(f"ev_{n:05d}", (1, day), None, [7, 1000 + n])
    return store


def test_candidates_come_from_the_date_block_and_the_bands_not_from_a_scan(store_target: str) -> None:
    with _indexed_store(store_target, 400) as store:
        found = store.candidate_events([(1, "2020-02-01", "2020-02-03")], [1000 + 300], bucket_limit=5)
        by_id = {row["event_id"]: row for row in found}
        assert {"ev_00031", "ev_00032", "ev_00033"} <= set(by_id)  # the date block
        assert by_id["ev_00300"]["bands"] == 1 and by_id["ev_00300"]["dated_rank"] is None  # its own band
        assert len(found) == 4
        # a band every event shares is read newest first, no further than bucket_limit
        crowded = store.candidate_events((), [7], bucket_limit=5)
        assert sorted(row["event_id"] for row in crowded) == [f"ev_{n:05d}" for n in range(395, 400)]
        if isinstance(store, SQLiteStore):
            plan = " ".join(
                str(tuple(row))
                for row in store.db.execute(
                    "EXPLAIN QUERY PLAN SELECT event_id FROM event_bands WHERE band_key = ? ORDER BY seq DESC LIMIT 5",
                    (7,),
                )
            )
            assert "SCAN" not in plan  # an index lookup whatever the store's size


def test_places_outside_the_veto_box_are_left_out_and_unplaced_events_kept(store_target: str) -> None:
    with open_store(store_target) as store:
        with store.transaction():
            store.index_event("ev_balad", (1, "2025-04-12"), (34.0, 44.1), [])
            store.index_event("ev_mosul", (1, "2025-04-12"), (36.3, 43.1), [])
            store.index_event("ev_nowhere", (1, "2025-04-12"), None, [])
        found = store.candidate_events([(1, "2025-04-12", "2025-04-12")], box=(33.0, 35.0, 43.0, 45.0))
        assert sorted(row["event_id"] for row in found) == ["ev_balad", "ev_nowhere"]


def test_a_merged_event_redirects_to_the_event_that_absorbed_it(store_target: str) -> None:
    article = _article()
    mentions = [Mention(id=f"{article.id}:{n}", article_id=article.id, start=0, end=5, text="Five") for n in range(3)]
    with open_store(store_target) as store:
        store.add_article(article)
        with store.transaction():
            store.save_mentions(article.id, mentions)
            store.link_mentions("ev_a", [mentions[0].id])
            store.link_mentions("ev_b", [mentions[1].id, mentions[2].id])
            store.link_mentions("ev_c", [])
            store.index_event("ev_b", (1, "2025-04-12"), None, [5])
            assert store.merge_events("ev_a", "ev_b", article.id) == [mentions[1].id, mentions[2].id]
            store.merge_events("ev_c", "ev_a", article.id)
        assert store.mention_ids_of_event("ev_c") == [m.id for m in mentions]
        assert store.merged_into("ev_b") == "ev_c" and store.merged_into("ev_a") == "ev_c"
        assert store.merged_into("ev_c") is None
        assert store.candidate_events([(1, "2025-04-12", "2025-04-12")], [5]) == []  # ev_b left the index


def test_a_store_of_the_previous_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        for statement in (s for s in script.split(";") if s.strip() and not s.strip().startswith("--")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    db.execute(
        "INSERT INTO events (id, event_json, profile_json, created_at, updated_at) VALUES ('ev_old', '{}', ?, 1, 1)",
        ('{"event_id": "ev_old", "date": "2025-04-12", "precision": 1, "terms": {"balad": 1.0}}',),
    )
    db.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [event_id for event_id, _ in store.event_profiles()] == ["ev_old"]
        assert store.setting("band_index") is None
        assert store.candidate_events([(1, "2025-04-12", "2025-04-12")]) == []
        with store.transaction():
            config = ClusterConfig.load()
            Grouper(store, config, JoinModel.load(config)).ensure_index()  # what the next run does first
        assert [row["event_id"] for row in store.candidate_events([(1, "2025-04-12", "2025-04-12")])] == ["ev_old"]
        assert store.setting("band_index")


def test_a_failed_article_keeps_its_reason_leaves_the_queue_and_can_be_retried(store_target: str) -> None:
    path = store_target
    with open_store(path) as store:
        store.add_article(_article())
        article_id = store.pending_article_ids()[0]
        with store.transaction():
            store.mark_failed(article_id, "the text is too long")
    with open_store(path) as store:  # kept across opening again (migration 5)
        assert store.pending_article_ids() == []
        assert store.article_status(article_id) == ("failed", "the text is too long")
        [row] = store.failed_articles()
        assert row["id"] == article_id and row["failure"] == "the text is too long" and row["failed_at"] > 0
        assert store.retry_failed(["a_unknown"]) == 0
        assert store.retry_failed() == 1
        assert store.pending_article_ids() == [article_id] and store.failed_articles() == []
        with store.transaction():
            store.mark_processed(article_id)
        assert store.article_status(article_id) == ("processed", None)


def test_a_store_of_schema_4_gets_the_failed_status(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        for statement in (s for s in script.split(";") if s.strip() and not s.strip().startswith("--")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    db.execute(
        "INSERT INTO articles (id, raw_text, text, ingested_at) VALUES ('a_old', 'Rockets hit.', 'Rockets hit.', 1)"
    )
    db.close()
    with Store(path) as store:
        assert store.pending_article_ids() == ["a_old"]
        with store.transaction():
            store.mark_failed("a_old", "extraction failed: ValueError")
        assert store.article_status("a_old") == ("failed", "extraction failed: ValueError")
