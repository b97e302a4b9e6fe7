"""Name normalisation and length-preserving text folding shared by the actor matcher and fuzzy lookup.

Hands ``normalise_name`` (for comparing names) and ``fold_for_matching`` (for regex matching with exact offsets) on.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u2032\u02bb"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
SPACES = "\u00a0\u2007\u2009\u200a\u202f\u2002\u2003"


def _build_fold_table() -> dict[int, str]:
    # One character in, one character out, so offsets in the folded text are offsets in the original.
    table: dict[int, str] = {}
    for ch in APOSTROPHES:
        table[ord(ch)] = "'"
    for ch in DASHES:
        table[ord(ch)] = "-"
    for ch in SPACES:
        table[ord(ch)] = " "
    for start, stop in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(start, stop):
            ch = chr(cp)
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if len(base) == 1 and base != ch:
                table[cp] = base
    return table


_FOLD_TABLE = _build_fold_table()


def fold_for_matching(text: str) -> str:
    """Fold apostrophes, dashes, odd spaces and Latin diacritics, keeping the length (offsets stay valid)."""
    return text.translate(_FOLD_TABLE)


def match_key(surface: str, *, casefold: bool) -> str:
    """The key under which a matched surface (or an alias) is indexed: apostrophes dropped, separators unified."""
    key = fold_for_matching(surface).replace("'", "")
    key = re.sub(r"[\s\-]+", " ", key).strip()
    return key.lower() if casefold else key


_ARTICLE = re.compile(r"(?<![^\W\d_])(?:al|el|ul|ad|adh|ar|as|ash|at|ath|az|an)[\s\-](?=[^\W\d_])")
_NON_WORD = re.compile(r"[^\w\s]+")
_LEADING = re.compile(r"^(?:(?:the|al)\s+)+")


def _normalise_once(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold()
    s = s.translate(_FOLD_TABLE)
    # Apostrophes and dots vanish (Kata'ib = Kataib, U.S. = US); hyphens and other punctuation become spaces.
    s = re.sub(r"['.]", "", s)
    # Arabic article variants (al-, el-, as-/ash- before sun letters) become one form, "al ".
    s = _ARTICLE.sub("al ", s)
    s = _NON_WORD.sub(" ", s).replace("_", " ")
    s = " ".join(s.split())
    return _LEADING.sub("", s)


def normalise_name(s: str) -> str:
    """A comparison form of an actor or organisation name.

    Case-folded, diacritics stripped, apostrophes and dots dropped, hyphens and punctuation turned into spaces,
    Arabic article variants (al-/al /el-/as-/ash-) unified, and a leading "the" or "al" dropped. Idempotent.
    """
    current = s
    for _ in range(8):
        nxt = _normalise_once(current)
        if nxt == current:
            return nxt
        current = nxt
    return current
