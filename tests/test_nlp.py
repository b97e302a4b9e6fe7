"""Parsing in pieces: pieces join back into the text exactly, are bounded, and end at the best break."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eventfuse.nlp import pieces


@given(st.text(alphabet=st.sampled_from("ab .\n!?\t"), max_size=3_000), st.integers(min_value=1, max_value=400))
def test_pieces_join_back_into_the_text_and_are_bounded(text: str, size: int) -> None:
    found = pieces(text, size)
    assert "".join(found) == text
    assert all(len(piece) <= size for piece in found)
    assert all(found[:-1])  # no empty piece but possibly the last (of an empty text)


def test_pieces_end_at_a_paragraph_then_a_line_then_a_sentence_then_a_word() -> None:
    paragraphs = ("Rockets hit the base. " * 8 + "\n\n") * 5
    assert all(p.endswith("\n\n") for p in pieces(paragraphs, 400)[:-1])
    lines = ("Rockets hit the base. " * 8 + "\n") * 5
    assert all(p.endswith("\n") for p in pieces(lines, 400)[:-1])
    sentences = "Rockets hit the base on Sunday. " * 40
    assert all(p.endswith(". ") for p in pieces(sentences, 400)[:-1])
    words = "rockets hit the base on sunday " * 40
    assert all(p.endswith(" ") for p in pieces(words, 400)[:-1])
    assert pieces("x" * 1000, 400) == ["x" * 400, "x" * 400, "x" * 200]
