"""A compiled phrase index: one trie-shaped regex over many phrases, word-bounded, longest match first.

Hands ``PhraseIndex.find`` on to the lexicon, which uses it for actor aliases, event cues, weapons, hedges and sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from eventfuse.lexicon.normalise import fold_for_matching, match_key
from eventfuse.lexicon.records import PhraseMatch

V = TypeVar("V")

_END = ""
_APOS = "\x01"  # marker: an apostrophe may come next (Kata'ib); kept off the path so Kataib shares it
_APOS_UNIT = "\x00'"
_SEP_UNIT = "\x00 "
_UNIT_RE = {_SEP_UNIT: r"[\s\-]+"}


def is_case_sensitive(phrase: str) -> bool:
    """Short acronyms are matched with their case: "IS" is not "is", and "IS fighters" is not "is fighters".

    A phrase is case-sensitive when it has three letters/digits or fewer, or when one of its words is an
    upper-case acronym of three characters or fewer ("US forces", "RSF militia", "ISIS-K").
    """
    if len(re.sub(r"\W", "", phrase)) <= 3:
        return True
    for token in re.split(r"[\s\-\u2010-\u2015/]+", phrase):
        core = re.sub(r"\W", "", token)
        if core and len(core) <= 3 and core.isupper():
            return True
    return False


def _units(phrase: str, casefold: bool) -> list[str]:
    folded = fold_for_matching(phrase).strip()
    units: list[str] = []
    for ch in folded:
        if ch == "'":
            units.append(_APOS_UNIT)
        elif ch.isspace() or ch == "-":
            if not units or units[-1] != _SEP_UNIT:
                units.append(_SEP_UNIT)
        else:
            low = ch.lower() if casefold else ch
            units.append(low if len(low) == 1 else ch)
    return units


def _trie_regex(node: dict[str, Any]) -> str:
    alternatives = []
    for unit in sorted(k for k in node if k not in (_END, _APOS)):
        head = _UNIT_RE.get(unit) or re.escape(unit)
        alternatives.append(head + _trie_regex(node[unit]))
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if _APOS in node:
        body = "'?" + body
    if _END in node:
        body = "(?:" + body + ")?"
    return body


def _build_trie(phrases: Iterable[str], casefold: bool) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for unit in _units(phrase, casefold):
            if unit == _APOS_UNIT:
                node[_APOS] = {}
                continue
            node = node.setdefault(unit, {})
        node[_END] = {}
    return root


_FOUND_TEXTS = 256  # texts whose matches each index keeps


class PhraseIndex(Generic[V]):
    """Finds every occurrence of many phrases in a text with one compiled regex.

    Word-bounded; case-insensitive except for short acronyms (see ``is_case_sensitive``); typographic apostrophes are
    optional and hyphen/space variants are equivalent; diacritics are folded; at each position the longest
    phrase wins and matches never overlap. ``exclude_prefixes`` skips matches right after e.g. "pro-".
    ``ignore_case`` matches every phrase in any case: for word lists written in lower case (event cues, weapons),
    where "ied" must match "IED" and "mob" "Mob".
    """

    def __init__(
        self, entries: Iterable[tuple[str, V]], exclude_prefixes: Iterable[str] = (), *, ignore_case: bool = False
    ) -> None:
        self._ci: dict[str, list[V]] = {}
        self._cs: dict[str, list[V]] = {}
        ci_phrases: list[str] = []
        cs_phrases: list[str] = []
        for phrase, value in entries:
            if not phrase.strip():
                continue
            short = not ignore_case and is_case_sensitive(phrase)
            index, phrases = (self._cs, cs_phrases) if short else (self._ci, ci_phrases)
            values = index.setdefault(match_key(phrase, casefold=not short), [])
            if value not in values:
                values.append(value)
            phrases.append(phrase)
        self._ignore_case = ignore_case
        self._prefixes = tuple(exclude_prefixes)
        self._sources = {
            "ci": self._compose(_trie_regex(_build_trie(ci_phrases, casefold=True)), casefold=True),
            "cs": self._compose(_trie_regex(_build_trie(cs_phrases, casefold=False)), casefold=False),
        }
        self._patterns = self._compile()
        self._found: dict[str, tuple[PhraseMatch[V], ...]] = {}

    def _compose(self, trie: str, casefold: bool) -> str:
        if not trie:
            return ""
        guards = "".join(f"(?<!(?i:{re.escape(p)}))" for p in self._prefixes)
        body = f"(?i:{trie})" if casefold else trie
        return r"(?<!\w)" + guards + body + r"(?!\w)"

    def _compile(self) -> dict[str, re.Pattern[str]]:
        return {kind: re.compile(source) for kind, source in self._sources.items() if source}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_patterns"] = {}
        state["_found"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._patterns = self._compile()

    def __len__(self) -> int:
        return len(self._ci) + len(self._cs)

    def lookup(self, surface: str) -> tuple[V, ...]:
        """The entries a surface form stands for (exact up to case, apostrophes and separators)."""
        if not self._ignore_case and is_case_sensitive(surface):
            return tuple(self._cs.get(match_key(surface, casefold=False), ()))
        return tuple(self._ci.get(match_key(surface, casefold=True), ()))

    def find(self, text: str) -> list[PhraseMatch[V]]:
        """Every phrase occurrence in ``text``, left to right; ``surface`` is exactly ``text[start:end]``."""
        if not self._patterns or not text:
            return []
        # Finders read the same sentence for the same lexicon table more than once (half the calls over the bench
        # speed articles): the latest texts' matches are kept.
        known = self._found.get(text)
        if known is not None:
            return list(known)
        found = self._find(text)
        if len(self._found) >= _FOUND_TEXTS:
            self._found.clear()
        self._found[text] = tuple(found)
        return found

    def _find(self, text: str) -> list[PhraseMatch[V]]:
        folded = fold_for_matching(text)
        candidates: list[tuple[int, int, list[V]]] = []
        for kind, pattern in self._patterns.items():
            index = self._ci if kind == "ci" else self._cs
            for m in pattern.finditer(folded):
                values = index.get(match_key(folded[m.start() : m.end()], casefold=kind == "ci"))
                if values:
                    candidates.append((m.start(), m.end(), values))
        # Leftmost first, then longest; drop anything overlapping a match already taken.
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        found: list[PhraseMatch[V]] = []
        last_end = -1
        for start, end, values in candidates:
            if start >= last_end:
                found.append(PhraseMatch(start, end, text[start:end], tuple(values)))
                last_end = end
        return found
