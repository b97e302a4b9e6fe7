"""The event an article leads with: of its event mentions in the first paragraph, the one its headline shares most
words with. Grouping's lead frame and the linking models' lead event are this one mention.

Hands on the lead Mention (and the content words and first-paragraph end it is found by).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from ..model import Mention

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
# The first paragraph of a report: up to its first blank line or line break after this many characters (a
# dateline or a kicker alone is not a paragraph), at most FIRST_PARAGRAPH_MAX characters.
FIRST_PARAGRAPH_MIN = 120
FIRST_PARAGRAPH_MAX = 800


def content_tokens(text: str) -> Iterator[str]:
    """The content words of a text in order, lower case, stop words left out."""
    return (w for w in (w.casefold() for w in _WORD.findall(text)) if w not in STOP_WORDS)


def first_paragraph_end(text: str | None) -> int | None:
    if not text:
        return None
    end = text.find("\n", FIRST_PARAGRAPH_MIN)
    return min(end if end >= 0 else len(text), FIRST_PARAGRAPH_MAX)


def lead_of(typed: Sequence[Mention], title: str | None, paragraph_end: int | None) -> Mention:
    """The event mention an article leads with: of those in its first paragraph (all when none is), the one
    sharing most words with the headline, the first of equals. An article about a prison air strike that first
    recalls strikes on the capital earlier in the week leads with the prison, as its headline does."""
    opening = [m for m in typed if paragraph_end is None or m.start < paragraph_end] or list(typed)
    if not title:
        return opening[0]
    headline = set(content_tokens(title))
    if not headline:
        return opening[0]
    shared = [len(headline & set(content_tokens(m.text))) for m in opening]
    return opening[shared.index(max(shared))]


def lead_mention(mentions: Sequence[Mention], title: str | None = None, text: str | None = None) -> Mention | None:
    """The article's lead event mention (``lead_of`` over its typed mentions that are not recalled), or None."""
    typed = [m for m in mentions if not m.background and m.event_type]
    return lead_of(typed, title, first_paragraph_end(text)) if typed else None
