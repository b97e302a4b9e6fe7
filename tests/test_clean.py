"""Boilerplate cleaning: what goes, why, and that news sentences stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventfuse.clean import clean, load_rules
from eventfuse.errors import LexiconError
from eventfuse.model import Article, storable_text
from eventfuse.sources.files import read_articles

RULES = load_rules()


def _clean(text: str) -> Article:
    return clean(Article(id="a", raw_text=text), RULES)


def test_each_kind_of_boilerplate_is_removed_with_its_reason() -> None:
    text = "\n".join(
        [
            "Five rockets struck the base on Saturday, a spokesman said.",
            "Subscribe to The Meridian Post. Get the latest world news in your inbox daily.",
            "Share this article: Facebook | X | WhatsApp",
            "Related: Militias threaten more attacks on bases",
            "Photo: A damaged wall at the base / Levant Lens Agency",
            "We use cookies to improve your experience. Accept",
            "Two soldiers were killed, the army said.",
            "I am a freelance journalist who covers Iraq and holds a degree in politics.",
        ]
    )
    article = _clean(text)
    assert (
        article.text
        == "Five rockets struck the base on Saturday, a spokesman said.\nTwo soldiers were killed, the army said."
    )
    reasons = [r.reason for r in article.removed]
    assert reasons == ["newsletter prompt", "share line", "related link", "photo credit", "cookie notice", "author bio"]
    for removed in article.removed:
        assert text[removed.start : removed.end] == removed.text


def test_teaser_glued_to_a_sentence_keeps_the_sentence() -> None:
    article = _clean("The latest on Task & PurposeAccording to two officials, five rockets were fired.")
    assert article.text == "According to two officials, five rockets were fired."
    assert article.removed[0].text == "The latest on Task & Purpose"


def test_news_sentences_that_look_like_boilerplate_stay() -> None:
    text = (
        "Photographs shared on social media showed the damaged launcher near the border town of Zummar.\n"
        "I am sure the attacks will continue, the commander told reporters on Sunday evening in Baghdad."
    )
    assert _clean(text).text == text


def test_seeds_lose_boilerplate_and_keep_every_news_sentence(seeds: Path) -> None:
    for article in read_articles([seeds]):
        assert isinstance(article, Article)
        cleaned = clean(article, RULES)
        assert "Subscribe" not in cleaned.text
        assert "The latest on" not in cleaned.text
        assert "I am a dedicated student" not in cleaned.text
        # every sentence of the raw text that was not removed is in the cleaned text, unchanged
        removed = " ".join(r.text for r in cleaned.removed)
        for sentence in re.split(r"(?<=[.!?”])\s+", article.raw_text):
            sentence = sentence.strip()
            if sentence and sentence not in removed and not any(sentence in r.text for r in cleaned.removed):
                assert sentence.replace("The latest on Task & Purpose", "") in cleaned.text
    texts = [clean(a, RULES).text for a in read_articles([seeds]) if isinstance(a, Article)]
    assert any("Zummar" in t and "Kharab al-Jir" in t for t in texts)
    assert any(t.startswith("According to two Iraqi security officials") for t in texts)


def test_bad_rules_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rule]]\nreason = "x"\npattern = "("\n')
    with pytest.raises(LexiconError, match=r"rules.toml: rule 1: bad regular expression"):
        load_rules(bad)


@given(st.text(max_size=400))
def test_cleaning_never_fails_and_only_removes(text: str) -> None:
    article = _clean(text)
    assert article.raw_text == storable_text(text)  # control characters dropped, lone surrogates replaced
    for removed in article.removed:
        assert article.raw_text[removed.start : removed.end] == removed.text
    assert len(article.text) <= len(text)
    article.text.encode("utf-8")  # storable as UTF-8 whatever was given


def test_invisible_characters_that_split_words_are_dropped() -> None:
    """Found by bench hostile: zero-width spaces inside words ('ro\\u200bckets') hid a report from extraction."""
    hidden = "Five ro\u200bckets struck Beled\u00adweyne on Sun\u2060day, po\ufefflice said."
    article = _clean(hidden)
    assert article.raw_text == article.text == "Five rockets struck Beledweyne on Sunday, police said."
    assert _clean("کتاب\u200cها").text == "کتاب\u200cها"  # the zero-width non-joiner of Persian stays
