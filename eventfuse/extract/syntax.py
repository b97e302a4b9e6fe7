"""Reading spaCy's dependency parse: the verb an event word belongs to, a phrase as written, stative sentences.

Hands the finders small functions over spaCy tokens (tokens are compared by index: spaCy makes a new Token
object on every access).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Parts of an agent's phrase that say where or when, not who ("a drone near Dujail minutes after").
AGENT_DROP = ("relcl", "acl", "appos", "punct", "prep", "npadvmod", "advmod")
PHRASE_DROP = ("relcl", "acl", "appos", "punct")


def governing_verb(token: Token) -> Token:
    """The verb an event word belongs to: itself, or the first verb above it."""
    current = token
    while current.pos_ not in ("VERB", "AUX") and current.head.i != current.i:
        current = current.head
    return current


def is_stative(sent: Span) -> bool:
    """A sentence with no verb in the past that describes ("It is home to fighter jets") and reports nothing."""
    if any(t.tag_ in ("VBD",) for t in sent):
        return False
    for token in sent:
        if token.tag_ == "VBN" and any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in ("was", "were", "has", "have", "had", "been")
            for c in token.children
        ):
            return False
    return True


def phrase_span(token: Token, drop: tuple[str, ...] = PHRASE_DROP) -> tuple[int, int]:
    """Character span of the unbroken run of a token's subtree around it, without relative clauses,
    appositions (and what else ``drop`` names): "a drone near Dujail minutes after" -> "a drone"."""
    doc = token.doc
    skipped = {t.i for child in token.children if child.dep_ in drop for t in child.subtree}
    left = right = token.i
    while left - 1 >= token.left_edge.i and left - 1 not in skipped:
        left -= 1
    while right + 1 <= token.right_edge.i and right + 1 not in skipped:
        right += 1
    while left < token.i and doc[left].is_punct:
        left += 1
    while right > token.i and doc[right].is_punct:
        right -= 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def phrase(token: Token, drop: tuple[str, ...] = PHRASE_DROP) -> str:
    """A token's phrase as written (see ``phrase_span``)."""
    start, end = phrase_span(token, drop)
    # Slice the tokens' own span: Doc.text re-joins every token of the document on each access.
    span = token.doc.char_span(start, end)
    return span.text if span is not None else token.text
