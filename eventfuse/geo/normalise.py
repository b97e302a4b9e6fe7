"""Place-name normalisation: the keys the gazetteer's name index is built on and looked up by.

Hands on ``normalise_name`` (case, diacritics, punctuation, Arabic article) and ``name_skeleton`` (transliteration key).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not split into a base letter and a mark.
_LETTER_MAP = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "þ": "th",
        "ħ": "h",
    }
)
# Apostrophes and the ayn/hamza marks of transliterated Arabic vanish ("Tall `Afar", "Ma'arrat").
_DROP = re.compile(r"[\u0027\u2018\u2019\u02bb\u02bc\u02be\u02bf\u0060\u00b4.]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# The Arabic article in its transliterations, as a word of its own (after hyphens became spaces).
ARABIC_ARTICLES = frozenset(
    {"al", "el", "ul", "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az", "ed", "es", "et"}
)
_LEADING_ENGLISH_ARTICLE = "the "
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "port"}
_SKELETON_VOWELS = re.compile(r"\B[aeiouy]")
_SKELETON_DIGRAPHS = re.compile(r"(?<=[ks])h|(?<=p)h")
_DOUBLED = re.compile(r"(.)\1+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SKELETON_FOLD = str.maketrans({"q": "k", "c": "k", "w": "v"})


def fold_text(text: str) -> str:
    """Lower case, no diacritics, no apostrophes or dots, words separated by single spaces."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.casefold().translate(_LETTER_MAP)
    else:
        text = text.lower()
    text = _DROP.sub("", text.replace("&", " and "))
    return _NON_WORD.sub(" ", text).strip()


def plain_name(text: str) -> str:
    """The folded name with abbreviations spelt out ("St. Louis" -> "saint louis"); keeps articles."""
    return plain_from_folded(fold_text(text))


def plain_from_folded(folded: str) -> str:
    return " ".join(_ABBREVIATIONS.get(w, w) for w in folded.split())


def normalise_name(text: str) -> str:
    """The index key: the plain name without a leading "the" or any Arabic article word.

    "al-Hasakah", "Al Hasakah" and "El Hasakah" all become "hasakah"; a name that is nothing but an
    article keeps it, so the key is never empty for a non-empty name.
    """
    return key_from_plain(plain_name(text))


def key_from_plain(plain: str) -> str:
    # Dropping one article can expose another ("the al the x"): repeat until nothing changes, so a
    # key is its own key.
    while True:
        key = _drop_articles(plain)
        if key == plain:
            return key
        plain = key


def _drop_articles(plain: str) -> str:
    if plain.startswith(_LEADING_ENGLISH_ARTICLE):
        plain = plain[len(_LEADING_ENGLISH_ARTICLE) :]
    words = plain.split()
    kept = [w for w in words if w not in ARABIC_ARTICLES]
    return " ".join(kept) if kept else plain


def name_skeleton(text: str) -> str:
    """A transliteration key: each word's first letter and its consonants, doubled letters collapsed.

    Rmelan, Rumaylan and Rumalyn share "rmln"; Zumar and Zummar share "zmr". Used only when the
    normalised name finds nothing, and scored below an exact match.
    """
    return skeleton_from_key(normalise_name(text))


def skeleton_from_key(key: str) -> str:
    word = _SKELETON_DIGRAPHS.sub("", key.translate(_SKELETON_FOLD).replace("ph", "f"))
    return _DOUBLED.sub(r"\1", _SKELETON_VOWELS.sub("", word))
