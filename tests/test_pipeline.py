"""The pipeline run: worker processes store exactly what one process stores, and the time per stage is reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from eventfuse import nlp, pipeline
from eventfuse.clean import load_rules
from eventfuse.model import Article, article_id_for, to_json
from eventfuse.sources.files import read_articles
from eventfuse.store import Store

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def resources(gazetteer_path: Path) -> pipeline.Resources:
    return pipeline.Resources.load(gazetteer_path=gazetteer_path)


def _events_after_run(tmp_path: Path, resources: pipeline.Resources, workers: int) -> tuple[list[str], dict]:
    with Store.open(tmp_path / f"w{workers}.db") as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), load_rules())
        report = pipeline.run(store, resources, workers=workers, parallel_min=1)
        assert store.pending_article_ids() == []
        events = sorted(json.dumps(to_json(e), sort_keys=True) for e in store.events())
        history = {e.id: [h["action"] for h in store.history(e.id)] for e in store.events()}
    return events, {"report": report, "history": history}


def test_two_worker_processes_store_the_same_events_as_one(
    tmp_path: Path, resources: pipeline.Resources, gazetteer_path: Path
) -> None:
    single, one = _events_after_run(tmp_path, resources, workers=1)
    fresh = pipeline.Resources.load(gazetteer_path=gazetteer_path)
    double, two = _events_after_run(tmp_path, fresh, workers=2)
    assert "nlp" not in vars(fresh)  # the workers hold the model; the main process never loaded it
    assert one["report"].workers == 1 and two["report"].workers == 2
    assert one["report"].processed == two["report"].processed == 13
    assert len(single) >= 4
    assert double == single
    assert two["history"] == one["history"]


def test_a_run_reports_the_seconds_spent_per_stage(tmp_path: Path, resources: pipeline.Resources) -> None:
    _, result = _events_after_run(tmp_path, resources, workers=1)
    stages = result["report"].stages
    assert {"nlp", "extract", "grouping", "fusion", "store"} <= set(stages)
    assert all(seconds > 0 for seconds in stages.values())
    assert stages["nlp"] > stages["grouping"]  # the language model, not grouping, dominates on 13 articles


def test_a_run_counts_the_sentences_it_read_and_those_it_parsed(tmp_path: Path, resources: pipeline.Resources) -> None:
    _, result = _events_after_run(tmp_path, resources, workers=1)
    rules = load_rules()
    read = [a for a in read_articles([EXAMPLES]) if isinstance(a, Article)]
    stored = {a.id: a.text for a in (pipeline.prepare(a, rules) for a in read)}
    texts = list(stored.values())
    expected = sum(len(list(doc.sents)) for doc in nlp.parse(resources.nlp, texts))
    assert result["report"].sentences == expected > 13
    assert result["report"].parsed_sentences == expected  # every sentence parsed fully


def test_a_small_batch_stays_in_one_process(tmp_path: Path, resources: pipeline.Resources) -> None:
    with Store.open(tmp_path / "small.db") as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), load_rules())
        report = pipeline.run(store, resources, workers=2)  # 13 articles: below PARALLEL_MIN_ARTICLES
    assert report.workers == 1 and report.processed == 13


# --- one article's failure is that article's alone ---------------------------------------------------------

GOOD = (
    "Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said. Two soldiers were wounded."
)
LONG_SENTENCE = "Clashes broke out in Beledweyne on Monday, killing five soldiers, officials said. "


def _store_of(tmp_path: Path, texts: list[str]) -> Store:
    store = Store.open(tmp_path / "f.db")
    items = [
        Article(id=article_id_for(t), raw_text=t, source_path=f"in{n}.txt", published="2025-04-14")
        for n, t in enumerate(texts)
    ]
    pipeline.ingest(store, items, load_rules())
    return store


def test_an_article_longer_than_the_model_accepts_is_parsed_in_pieces_at_article_offsets(
    tmp_path: Path, resources: pipeline.Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_text = LONG_SENTENCE * 80  # 6,480 characters: over a max_length of 3,000 (spaCy's E088 before)
    monkeypatch.setattr(resources.nlp, "max_length", 3_000)
    with _store_of(tmp_path, [long_text, GOOD]) as store:
        report = pipeline.run(store, resources)
        assert report.failed == [] and report.processed == 2
        mentions = store.mentions_of_article(article_id_for(long_text))
        assert len(mentions) >= 40  # the sentences after the first piece were read too
        text = store.get_article(article_id_for(long_text)).text  # type: ignore[union-attr]
        worded = [c for m in mentions for c in m.claims if c.wording]
        assert len(worded) >= 40
        for claim in worded:  # offsets are the article's, not a piece's
            assert claim.quote in text and text[claim.start : claim.end] == claim.wording
        assert max(c.start for c in worded) > 3_000


def test_the_model_is_never_handed_more_than_a_bounded_text_at_once(
    tmp_path: Path, resources: pipeline.Resources
) -> None:
    pieces: list[int] = []
    calls: list[int] = []

    class Recording:
        """The real model, noting the length of each text it is handed and how much each nlp.pipe call takes."""

        max_length = resources.nlp.max_length

        def pipe(self, texts: Any, **kwargs: Any) -> Any:
            texts = list(texts)
            pieces.extend(map(len, texts))
            calls.append(sum(map(len, texts)))
            return resources.nlp.pipe(texts, **kwargs)

    recording = dataclasses.replace(resources)
    vars(recording)["nlp"] = Recording()
    long_text = LONG_SENTENCE * 300  # 24,600 characters
    with _store_of(tmp_path, [long_text, GOOD]) as store:
        assert pipeline.run(store, recording).processed == 2
        assert len(store.mentions_of_article(article_id_for(long_text))) >= 250
    assert sum(pieces) == len(long_text.strip()) + len(GOOD)
    assert max(pieces) <= nlp.PIECE_CHARS and max(calls) <= nlp.BATCH_CHARS


def test_an_article_over_the_limit_fails_with_its_reason_and_the_rest_goes_on(
    tmp_path: Path, resources: pipeline.Resources
) -> None:
    long_text = LONG_SENTENCE * 20
    with _store_of(tmp_path, [long_text, GOOD]) as store:
        heard: list[pipeline.Failure] = []
        report = pipeline.run(store, resources, max_chars=1_000, on_failure=heard.append)
        assert report.processed == 1 and heard == report.failed
        [failure] = report.failed
        assert failure.article_id == article_id_for(long_text) and failure.source == "in0.txt"
        assert "1,639 characters, over the 1,000" in failure.reason and "\n" not in failure.reason
        assert store.article_status(failure.article_id) == ("failed", failure.reason)
        assert store.mentions_of_article(failure.article_id) == []
        assert store.pending_article_ids() == []
        assert pipeline.run(store, resources).processed == 0  # nothing left that blocks the next run
        assert store.events()


def test_an_article_the_extractor_breaks_on_fails_alone(
    tmp_path: Path, resources: pipeline.Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resources.extractor.extract

    def breaks_on_bombs(article: Article, doc: Any) -> Any:
        if "bomb" in article.text:
            raise RecursionError("maximum recursion depth exceeded\nwhile reading the tree")
        return real(article, doc)

    monkeypatch.setattr(resources.extractor, "extract", breaks_on_bombs)
    bad = "A bomb killed nine people in Baidoa on Sunday, police said."
    with _store_of(tmp_path, [bad, GOOD]) as store:
        report = pipeline.run(store, resources)
        assert report.processed == 1
        [failure] = report.failed
        assert (
            failure.reason
            == "extraction failed: nested too deeply: maximum recursion depth exceeded while reading the tree"
        )
        assert store.count_articles("processed") == 1 and store.count_articles("failed") == 1
        assert store.events()


def test_an_article_whose_grouping_raises_is_rolled_back_and_fails_alone(
    tmp_path: Path, resources: pipeline.Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.Grouper.group

    def breaks_on_bombs(grouper: Any, article: Any, mentions: Any) -> Any:
        touched = real(grouper, article, mentions)  # written, then rolled back
        if "bomb" in article.text:
            raise ZeroDivisionError("division by zero")
        return touched

    monkeypatch.setattr(pipeline.Grouper, "group", breaks_on_bombs)
    bad = "A bomb killed nine people in Baidoa on Sunday, police said."
    with _store_of(tmp_path, [bad, GOOD]) as store:
        report = pipeline.run(store, resources)
        assert report.processed == 1
        [failure] = report.failed
        assert failure.reason == "grouping or fusion failed: a division by zero: division by zero"
        assert store.mentions_of_article(failure.article_id) == []  # its transaction was rolled back
        assert all(failure.article_id not in {s.article_id for s in e.sources} for e in store.events())
        assert store.pending_article_ids() == []


def test_an_article_that_cannot_be_cleaned_or_stored_is_that_article_s_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.clean

    def breaks_on_bombs(article: Article, rules: Any) -> Article:
        if "bomb" in article.raw_text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(article, rules)

    monkeypatch.setattr(pipeline, "clean", breaks_on_bombs)
    bad = Article(id=article_id_for("bomb"), raw_text="A bomb killed nine.", source_path="bad.txt")
    good = Article(id=article_id_for(GOOD), raw_text=GOOD, source_path="good.txt")
    heard: list[Any] = []
    with Store.open(tmp_path / "i.db") as store:
        report = pipeline.ingest(store, [bad, good], load_rules(), on_error=heard.append)
        assert report.added == [good.id]
        [error] = report.errors
        assert heard == [error] and error.source == "bad.txt"
        assert error.reason.startswith("could not be stored (nested too deeply: maximum recursion depth exceeded)")


def _one_line(chars: int) -> str:
    """Words of news text on one line, without punctuation (the model then finds no sentence end)."""
    words = "gunmen attacked the village near the market killing several farmers police said on monday".split()
    text = " ".join(words[i % len(words)] for i in range(chars // 5))
    return text[:chars]


def test_a_one_line_text_without_punctuation_costs_bounded_work(tmp_path: Path, resources: pipeline.Resources) -> None:
    """Issue 20 item 4: a 995 KB one-line text took 77 s and 3.31 GB in one nlp call. Now a text over the limit
    never reaches the model, and one under it reaches it in bounded pieces."""
    handed: list[int] = []

    class Bounded:
        max_length = resources.nlp.max_length

        def pipe(self, texts: Any, **kwargs: Any) -> Any:
            texts = list(texts)
            handed.append(sum(map(len, texts)))
            assert handed[-1] <= nlp.BATCH_CHARS, f"the model was handed {handed[-1]:,} characters at once"
            return resources.nlp.pipe(texts, **kwargs)

    bounded = dataclasses.replace(resources)
    vars(bounded)["nlp"] = Bounded()
    huge, long = _one_line(1_000_000), _one_line(25_000)
    with _store_of(tmp_path, [huge, long, GOOD]) as store:
        report = pipeline.run(store, bounded)
        assert [f.article_id for f in report.failed] == [article_id_for(huge)]
        assert report.processed == 2
    assert sum(handed) == len(long) + len(GOOD)


def test_an_article_of_control_characters_only_is_rejected_not_stored_empty(tmp_path: Path) -> None:
    noise = Article(id=article_id_for("\x07\x00\x1b"), raw_text="\x07\x00\x1b", source_path="bells.txt")
    with Store.open(tmp_path / "c.db") as store:
        report = pipeline.ingest(store, [noise], load_rules())
        assert report.added == [] and store.count_articles() == 0
        [error] = report.errors
        assert error.source == "bells.txt" and error.reason == "no text once control characters are dropped"
