"""The event store: idempotent writes, transactions that roll back, migrations, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventfuse.errors import StoreError
from eventfuse.model import Article, Claim, Mention, RemovedLine, Speaker, TimeValue, article_id_for
from eventfuse.store import MIGRATIONS, Store


def _article(text: str = "Five rockets hit the base.") -> Article:
    return Article(
        id=article_id_for(text),
        raw_text=text + "\nShare this article",
        text=text,
        outlet="Meridian Post",
        published="2025-04-13",
        removed=(RemovedLine(len(text) + 1, len(text) + 19, "Share this article", "share line"),),
    )


def test_an_article_is_stored_once_with_its_boilerplate(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.add_article(_article()) is True
        assert store.add_article(_article()) is False
        assert store.count_articles() == 1
        stored = store.get_article(_article().id)
        assert stored is not None and stored.removed[0].reason == "share line"
        assert store.pending_article_ids() == [_article().id]


def test_mentions_and_claims_round_trip(tmp_path: Path) -> None:
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
    with Store(tmp_path / "s.db") as store:
        store.add_article(article)
        with store.transaction():
            store.save_mentions(article.id, [mention])
            store.mark_processed(article.id)
        [loaded] = store.mentions_of_article(article.id)
    assert loaded == mention
    assert loaded.claims[0].attributed_to == speaker


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    article = _article()
    mention = Mention(id=f"{article.id}:0", article_id=article.id, start=0, end=5, text="Five")
    with Store(tmp_path / "s.db") as store:
        store.add_article(article)
        with pytest.raises(KeyboardInterrupt):
            with store.transaction():
                store.save_mentions(article.id, [mention])
                raise KeyboardInterrupt
        assert store.mentions_of_article(article.id) == []
        assert store.pending_article_ids() == [article.id]


def test_reopening_keeps_data_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.add_article(_article())
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.count_articles() == 1


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 200)
    with pytest.raises(StoreError, match="notes.db"):
        Store(path)
    assert path.read_text().startswith("these are my notes")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer eventfuse"):
        Store(path)
