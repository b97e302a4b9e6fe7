"""Extraction as components: each finder run, tested, timed and disabled alone; the order in extraction.toml checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventfuse.errors import LexiconError
from eventfuse.extract import FINDERS, DocumentContext, Extractor, Found, SentenceContext
from eventfuse.geo import Gazetteer
from eventfuse.lexicon import load_lexicon
from eventfuse.model import Article, article_id_for
from eventfuse.nlp import load_model

TEXT = (
    "Militants fired five rockets at the Balad air base on Saturday, killing two soldiers, a military spokesman "
    "said. A drone destroyed the launch truck minutes later."
)


@pytest.fixture(scope="module")
def lexicon() -> Any:
    return load_lexicon()


@pytest.fixture(scope="module")
def parts(gazetteer_path: Path, lexicon: Any) -> tuple[Extractor, Article, Any]:
    extractor = Extractor(lexicon, Gazetteer.open(gazetteer_path))
    article = Article(id=article_id_for(TEXT), raw_text=TEXT, text=TEXT, published="2025-04-13")
    return extractor, article, load_model()(TEXT)


def _fields(mentions: list[Any]) -> set[str]:
    return {c.field.split(":", 1)[0] for m in mentions for c in m.claims}


def test_the_bundled_order_runs_every_registered_finder(parts: tuple[Extractor, Article, Any]) -> None:
    extractor, article, doc = parts
    assert {f.name for f in extractor.finders} == set(FINDERS)
    assert {"event_type", "date", "actor1", "location", "count", "weapon", "killed", "outcome"} <= _fields(
        extractor.extract(article, doc)
    )


def test_a_finder_disabled_gives_no_claims_and_the_others_still_run(
    parts: tuple[Extractor, Article, Any], gazetteer_path: Path, lexicon: Any
) -> None:
    extractor, article, doc = parts
    names = [f.name for f in extractor.finders if f.name != "tolls"]
    without = Extractor(lexicon, Gazetteer.open(gazetteer_path), finders=names)
    fields = _fields(without.extract(article, doc))
    assert "killed" not in fields
    assert {"event_type", "count", "outcome"} <= fields


def test_finders_are_timed_by_name(parts: tuple[Extractor, Article, Any]) -> None:
    extractor, article, doc = parts
    seconds: dict[str, float] = {}
    extractor.extract(article, doc, seconds=seconds)
    assert set(seconds) == {f.name for f in extractor.finders}
    assert all(s >= 0 for s in seconds.values())


def test_a_finder_alone_returns_its_claims_from_a_frozen_context(parts: tuple[Extractor, Article, Any]) -> None:
    extractor, article, doc = parts
    tolls = next(f for f in extractor.finders if f.name == "tolls")
    sentence = next(iter(doc.sents))
    context = SentenceContext(
        article_id=article.id,
        index=0,
        span=sentence,
        start=sentence.start_char,
        end=sentence.end_char,
        text=sentence.text,
    )
    document = DocumentContext(article=article, doc=doc, sentences=tuple(doc.sents))
    found = tolls.find(context, document)
    assert isinstance(found, Found)
    [claim] = found.claims
    assert claim.field == "killed:soldiers" and claim.value["min"] == 2
    with pytest.raises(AttributeError):
        context.background = True  # type: ignore[misc]
    # a background sentence gives no toll of this event
    assert tolls.find(context.with_facts({"background": True}), document).claims == ()


def test_an_unknown_or_misordered_finder_is_a_clear_error(gazetteer_path: Path, lexicon: Any) -> None:
    gazetteer = Gazetteer.open(gazetteer_path)
    with pytest.raises(LexiconError, match="unknown finder 'casualties'"):
        Extractor(lexicon, gazetteer, finders=["speakers", "casualties"])
    # the event type reads the outcomes (a response is not the event): outcomes must come first
    with pytest.raises(LexiconError, match="'event_type' reads 'outcome_spans'"):
        Extractor(lexicon, gazetteer, finders=["event_type", "outcomes"])
    with pytest.raises(LexiconError, match="listed twice"):
        Extractor(lexicon, gazetteer, finders=["tolls", "tolls"])
