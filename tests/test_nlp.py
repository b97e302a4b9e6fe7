"""Parsing: pieces join back into the text exactly, are bounded, end at the best break; the tag rules tag as the model's ruler."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eventfuse.nlp import MODEL_PACKAGES, UNUSED_COMPONENTS, TagRules, load_model, pieces

from .conftest import EXAMPLES


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


def test_the_tag_rules_set_what_spacys_attribute_ruler_sets_later_rules_winning() -> None:
    import spacy
    from spacy.tokens import Doc

    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
        {"patterns": [[{"TAG": "NN", "LOWER": {"IN": ["nothing", "someone"]}}]], "attrs": {"POS": "PRON"}},
        {"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB"}},
        {"patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux", "auxpass"]}}]], "attrs": {"POS": "AUX"}},
        {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], "attrs": {"POS": "VERB"}, "index": 1},
        {"patterns": [[{"LOWER": "was"}]], "attrs": {"LEMMA": "be"}},  # lemmas only: not read
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
        {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"DEP": "dep"}},
    ]
    words = ["There", "was", "nothing", "  ", "Someone", "was", "shot", "Nothing", "happened"]
    tags = ["EX", "VBD", "NN", "NN", "NN", "VBD", "VBN", "NN", "VBD"]
    deps = ["expl", "ROOT", "attr", "punct", "nsubjpass", "auxpass", "ROOT", "nsubj", "ROOT"]
    heads = [1, 1, 1, 1, 6, 6, 6, 8, 8]
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    rules = TagRules.read(patterns, nlp.vocab.strings)
    assert rules is not None
    tag_rules = TagRules()
    tag_rules.set_rules(rules)

    def doc() -> Doc:
        return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=heads)

    expected, got = ruler(doc()), tag_rules(doc())
    assert [(t.pos_, t.tag_, t.dep_) for t in got] == [(t.pos_, t.tag_, t.dep_) for t in expected]
    assert [t.pos_ for t in got][:3] == ["", "VERB", "PRON"]  # "was" after "There": the rule of two tokens
    assert got[5].pos_ == "AUX" and got[3].tag_ == "_SP" and got[3].dep_ == "dep"


def test_a_ruler_with_rules_the_tag_rules_cannot_read_is_kept() -> None:
    import spacy

    strings = spacy.blank("en").vocab.strings
    assert TagRules.read([{"patterns": [[{"TAG": "NN", "OP": "+"}]], "attrs": {"POS": "NOUN"}}], strings) is None
    assert TagRules.read([{"patterns": [[{"SHAPE": "Xxxx"}]], "attrs": {"POS": "PROPN"}}], strings) is None
    assert TagRules.read([{"patterns": [[{"LOWER": "a"}]], "attrs": {"MORPH": "Definite=Ind"}}], strings) == []


def test_the_model_tags_the_examples_as_its_own_attribute_ruler_does() -> None:
    """The loaded model's tag rules give the part of speech, tag and dependency of every token of the examples that
    the same model with spaCy's attribute ruler gives (the stages read these; not morphology or lemmas)."""
    import importlib

    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, POS, SENT_START, TAG

    nlp = load_model()
    assert "tag_rules" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    package = next(p for p in MODEL_PACKAGES if importlib.util.find_spec(p))
    stock = importlib.import_module(package).load(exclude=list(UNUSED_COMPONENTS))
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    attrs = [POS, TAG, DEP, HEAD, SENT_START, ENT_IOB, ENT_TYPE]
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts), strict=True):
        assert ours.to_array(attrs).tolist() == theirs.to_array(attrs).tolist()
