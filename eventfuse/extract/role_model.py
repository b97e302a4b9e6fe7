"""The learned role model's side of extraction: candidate spans of a sentence and the features the model weighs.

Hands the actors finder (and ``eventfuse.train.roles``, which fits the model on MUC-4's dev messages) ``candidates``
and ``features``: plain functions, so training and extraction read a span the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..learned import LinearModel
from .context import ActorMention
from .roles import NO_ROLE, RoleReading, bind_role, victim_reading

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

MODEL_FILE = "roles.model.json"
# The model's classes: who did it, who was hurt or targeted; "none" for every other span (MUC-4's physical targets
# and instruments are rarely a participant's name: they train the other classes' "none").
PERPETRATOR, VICTIM, NONE = "perpetrator", "victim", "none"
ROLE_CLASSES = (NONE, PERPETRATOR, VICTIM)
# spaCy entity labels that can name a participant.
PARTICIPANT_ENTITIES = frozenset(("ORG", "NORP", "PERSON"))
# Links of a dependency path kept as words: prepositions say much ("by", "against"), other words little.
MAX_LINKS = 4


@dataclass(frozen=True)
class Candidate:
    """A span that may fill a role: a lexicon actor, a named organisation or person, or a noun phrase of people."""

    start: int  # offsets in the article text
    end: int
    text: str
    root: Token
    source: str  # "lexicon", "entity" or "people"
    lexicon_type: str  # the actor's ACLED type, "" when the lexicon does not know it
    generic: bool
    entity: str  # spaCy's entity label, "" when none
    mention: ActorMention | None = None


def candidates(
    sentence: Span,
    actors: Sequence[ActorMention],
    people: frozenset[str],
    *,
    nouns: bool = True,
    entities: Sequence[Span] | None = None,
    noun_chunks: Sequence[Span] | None = None,
) -> list[Candidate]:
    """The candidate spans of a sentence: its lexicon actors, then the ORG/NORP/PERSON entities and (with
    ``nouns``) the noun phrases whose head is a word for people ("the peasants", "a judge") not inside them.
    ``entities`` are the document's, when already listed (else the sentence's own); ``noun_chunks`` the sentence's
    phrases of people (``people_phrases``) when already listed."""
    doc = sentence.doc
    begin, end = sentence.start_char, sentence.end_char
    ents = [e for e in entities if begin <= e.start_char < end] if entities is not None else list(sentence.ents)
    found: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    labels = {(e.start_char, e.end_char): e.label_ for e in ents}
    for mention in actors:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        label = labels.get((span.start_char, span.end_char), "")
        actor = mention.actor
        found.append(
            Candidate(
                mention.start,
                mention.end,
                mention.surface,
                span.root,
                "lexicon",
                actor.type,
                mention.generic,
                label,
                mention,
            )
        )
        taken.append((mention.start, mention.end))
    for ent in ents:
        if ent.label_ not in PARTICIPANT_ENTITIES or any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        found.append(Candidate(ent.start_char, ent.end_char, ent.text, ent.root, "entity", "", False, ent.label_))
        taken.append((ent.start_char, ent.end_char))
    if nouns:
        chunks = noun_chunks if noun_chunks is not None else people_phrases(sentence, people)
        for chunk in chunks:
            if chunk.root.lower_ not in people or any(s < chunk.end_char and chunk.start_char < e for s, e in taken):
                continue
            found.append(Candidate(chunk.start_char, chunk.end_char, chunk.text, chunk.root, "people", "", True, ""))
            taken.append((chunk.start_char, chunk.end_char))
    return found


def people_phrases(sentence: Span, people: frozenset[str]) -> list[Span]:
    """The noun phrases of a sentence whose head is a word for people ("six Jesuit priests"): the head noun and
    what stands before it in its phrase (spaCy's own noun chunks cost a pass over the whole document)."""
    doc = sentence.doc
    return [
        doc[token.left_edge.i : token.i + 1]
        for token in sentence
        if token.pos_ in ("NOUN", "PROPN") and token.lower_ in people and token.left_edge.i <= token.i
    ]


def anchor_of(sentence: Span, trigger: Token | None) -> Token:
    """What a candidate's path leads to: the event's trigger word, else the sentence's main verb."""
    return trigger if trigger is not None else sentence.root


def features(
    candidate: Candidate,
    anchor: Token,
    *,
    triggered: bool,
    event_class: str,
    toll_words: frozenset[str],
    responsibility: str = "",
    reading: RoleReading | None = None,
) -> dict[str, float]:
    """The named features of a candidate (see docs/extraction.md): its dependency path to the anchor, the anchor's
    voice, the entity label, the lexicon type, the position, and what the syntax rules read."""
    root = candidate.root
    up, down = _path(root, anchor)
    row: dict[str, float] = {
        f"path={'/'.join(up)}|{'/'.join(down)}": 1.0,
        f"up1={up[0] if up else '-'}": 1.0,
        f"top={up[-1] if up else '-'}": 1.0,
        f"voice={_voice(anchor)}": 1.0,
        f"anchor={'trigger' if triggered else 'main verb'}": 1.0,
        f"ent={candidate.entity or '-'}": 1.0,
        f"lex={candidate.lexicon_type or '-'}{' generic' if candidate.generic else ''}": 1.0,
        f"source={candidate.source}": 1.0,
        f"side={'before' if root.i < anchor.i else 'after'}": 1.0,
        f"distance={_bucket(abs(root.i - anchor.i))}": 1.0,
        f"event={event_class or '-'}": 1.0,
        f"responsibility={responsibility or '-'}": 1.0,
        "proper": 1.0 if root.pos_ == "PROPN" else 0.0,
        "path_length": float(len(up) + len(down)),
    }
    if reading is None and triggered and anchor.i != root.i:
        from .syntax import governing_verb

        reading = bind_role(root, anchor, governing_verb(anchor))
    reading = reading or NO_ROLE
    victim = victim_reading(root, toll_words)
    if candidate.source != "entity":  # the head noun of a description ("guerrillas", "peasants"), not of a name
        row[f"head={root.lower_}"] = 1.0
    row[f"syntax={reading.role}"] = 1.0
    row["syntax_confidence"] = reading.confidence
    if victim is not None:
        row["toll_victim"] = 1.0
    return row


def responsibility_status(text: str, patterns: dict[str, tuple[re.Pattern[str], ...]]) -> str:
    """The responsibility status a sentence states (``extraction.toml`` [responsibility]), "" when none."""
    for status, compiled in patterns.items():
        if any(p.search(text) for p in compiled):
            return status
    return ""


def _path(token: Token, anchor: Token) -> tuple[list[str], list[str]]:
    """The dependency links from ``token`` up to the lowest word it shares with ``anchor``, and from there down to
    the anchor, each link a dependency label (a preposition's link carries the preposition: "prep:by")."""
    ancestors = {anchor.i: 0}
    current, depth = anchor, 0
    while current.head.i != current.i and depth < 40:
        current, depth = current.head, depth + 1
        ancestors[current.i] = depth
    up: list[str] = []
    current = token
    steps = 0
    while current.i not in ancestors and current.head.i != current.i and steps < 40:
        up.append(_link(current))
        current, steps = current.head, steps + 1
    if current.i not in ancestors:
        return up[:MAX_LINKS], ["root"]
    down: list[str] = []
    walker = anchor
    while walker.i != current.i:
        down.append(_link(walker))
        walker = walker.head
    return up[:MAX_LINKS], list(reversed(down))[:MAX_LINKS]


def _link(token: Token) -> str:
    if token.dep_ in ("prep", "agent") or token.pos_ == "ADP":
        return f"{token.dep_}:{token.lower_}"
    return token.dep_


def _voice(anchor: Token) -> str:
    if anchor.pos_ in ("NOUN", "PROPN"):
        return "noun"
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in anchor.children):
        return "passive"
    return "active"


def _bucket(distance: int) -> str:
    return "1-3" if distance <= 3 else "4-8" if distance <= 8 else "9+"


@cache
def load_role_model() -> LinearModel:
    """The bundled role model (``eventfuse/data/roles.model.json``), loaded once; rebuilt by ``eventfuse train
    roles``."""
    return LinearModel.load(MODEL_FILE)
