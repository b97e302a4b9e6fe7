"""Roles bound by syntax: how an actor's words relate to the event's trigger in spaCy's dependency parse.

Hands the actors finder a ``RoleReading`` per actor (actor1, actor2 or assoc_actor, a confidence, the relation in
words) and the path features the learned role model reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

ACTOR1, ACTOR2, ASSOC = "actor1", "actor2", "assoc_actor"
# Prepositions whose object is what the event was aimed at ("fired at", "an attack on", "against").
TARGET_PREPOSITIONS = frozenset("at on against toward towards targeting into upon".split())
# Links that leave the actor's own phrase for something it is said of: "al-Shabaab, which is linked to al-Qaeda",
# "the base, used by American troops": the actor in there did not take part.
ASIDE = frozenset(("relcl", "appos", "acl"))
# Clauses hanging on the event verb that tell more of the same act ("fired rockets at the base, killing two
# soldiers", "stormed the village and abducted 20 women"): their objects are hit too.
SAME_ACT = frozenset(("advcl", "xcomp", "conj"))


@dataclass(frozen=True)
class RoleReading:
    """An actor's role in an event, how sure the reading is (0-1), and the relation that gives it, in words."""

    role: str
    confidence: float
    relation: str


NO_ROLE = RoleReading(ASSOC, 0.3, "named in the sentence, in no relation to the event")


def bind_role(actor: Token, trigger: Token, verb: Token) -> RoleReading:
    """The role of the actor whose phrase has head ``actor`` in the event whose trigger word is ``trigger``
    (a verb, or a noun: "an attack by X on Y") governed by ``verb`` (the trigger itself when it is a verb).

    The agent is the subject of an active verb, the "by" phrase of a passive or of the event noun, the subject of
    the verb whose object the event noun is ("militants launched an attack"), the subject shared by coordinated
    verbs ("gunmen stormed the village and abducted ..."), or the noun a relative clause of the event hangs on
    ("the militants who attacked"). The target is the object, the passive subject, the object of "at/on/against"
    ("fired rockets at U.S. forces", "an attack on a base"), and the people killed or wounded in a clause of the
    same act ("..., killing two soldiers")."""
    path = _path_up(actor, stop={trigger.i, verb.i})
    if not path:  # the actor's head word is the trigger itself ("the bombers")
        return NO_ROLE
    top, link = path[-1].head, path[-1]
    asides = {t.dep_ for t in path[:-1] if t.dep_ in ASIDE}
    if top.i == trigger.i and trigger.i != verb.i:
        reading = _noun_link(link)
    elif top.i == verb.i:
        reading = _verb_link(link, path, trigger, verb)
    else:
        return NO_ROLE if asides else _beyond_verb(actor, path, verb)
    if not asides:
        return reading
    if asides == {"acl"} and reading.role == ACTOR2:
        # "an Iraqi base used by the Popular Mobilization Forces": who holds the target was hit too
        return RoleReading(ACTOR2, 0.55, "the holder of the target ('a base used by ...')")
    return NO_ROLE


def _path_up(token: Token, stop: set[int]) -> list[Token]:
    """The tokens from ``token`` up to (not including) the first head in ``stop`` or the root, each with its link
    (``dep_``) to the next; spaCy makes a new Token object on every access, so tokens are compared by index."""
    path = []
    current = token
    while current.i not in stop and current.head.i != current.i:
        path.append(current)
        current = current.head
    if current.i not in stop:
        path.append(current)  # the root: its head is itself
    return path


def _noun_link(link: Token) -> RoleReading:
    """The actor's phrase hangs on the event noun: "an attack by militants on a base", "the army's offensive"."""
    if link.dep_ == "prep":
        word = link.lower_
        if word == "by":
            return RoleReading(ACTOR1, 0.85, "the 'by' phrase of the event noun")
        if word in TARGET_PREPOSITIONS:
            return RoleReading(ACTOR2, 0.8, f"the '{word}' phrase of the event noun")
        if word == "of":
            return RoleReading(ACTOR2, 0.6, "the 'of' phrase of the event noun (the kidnapping of ...)")
        if word == "with":
            return RoleReading(ACTOR2, 0.5, "the 'with' phrase of the event noun (clashes with ...)")
        return NO_ROLE
    if link.dep_ == "poss":
        return RoleReading(ACTOR1, 0.7, "the possessor of the event noun")
    if link.dep_ in ("compound", "amod", "nmod"):
        return RoleReading(ACTOR1, 0.6, "a modifier of the event noun ('a Taliban attack')")
    return NO_ROLE


def _verb_link(link: Token, path: list[Token], trigger: Token, verb: Token) -> RoleReading:
    """The actor's phrase hangs on the verb of the event."""
    dep = link.dep_
    noun_trigger = trigger.i != verb.i
    if dep == "nsubj":
        if noun_trigger and trigger.dep_ in ("nsubj", "nsubjpass"):
            return NO_ROLE  # "an attack killed ...": the attack is the subject, not an actor
        if noun_trigger:
            return RoleReading(ACTOR1, 0.8, "the subject of the verb whose object is the event ('launched an attack')")
        return RoleReading(ACTOR1, 0.9, "the subject of the active event verb")
    if dep == "agent":
        return RoleReading(ACTOR1, 0.9, "the 'by' phrase of the passive event verb")
    if dep == "nsubjpass":
        return RoleReading(ACTOR2, 0.85, "the subject of the passive event verb")
    if dep in ("dobj", "obj", "dative"):
        if noun_trigger and trigger.dep_ in ("dobj", "obj"):
            return NO_ROLE
        if noun_trigger:
            return RoleReading(ACTOR2, 0.8, "the object of the verb the event noun is subject of (the killed)")
        return RoleReading(ACTOR2, 0.85, "the object of the event verb")
    if dep == "prep":
        word = link.lower_
        if word in TARGET_PREPOSITIONS:
            return RoleReading(ACTOR2, 0.8, f"the '{word}' phrase of the event verb")
        if word == "with":
            return RoleReading(ACTOR2, 0.55, "the 'with' phrase of the event verb (clashed with ...)")
        if word == "by":
            return RoleReading(ACTOR1, 0.7, "the 'by' phrase of the event verb")
        return NO_ROLE
    if dep in SAME_ACT and len(path) >= 2:
        inner = path[-2]
        if inner.dep_ in ("dobj", "obj", "nsubjpass"):
            return RoleReading(ACTOR2, 0.75, "the object of a clause of the same act (killing, wounding ...)")
        if inner.dep_ == "prep" and inner.lower_ in TARGET_PREPOSITIONS:
            return RoleReading(ACTOR2, 0.65, "the target of a clause of the same act")
    return NO_ROLE


def _beyond_verb(actor: Token, path: list[Token], verb: Token) -> RoleReading:
    """The actor is outside the event verb's phrase: the subject the verb shares with the verb it is coordinated
    with ("gunmen stormed the village and abducted ..."), or the noun the event's relative clause describes."""
    clause = verb
    while clause.dep_ in SAME_ACT and clause.head.i != clause.i:
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
            return NO_ROLE  # a subject of its own
        clause = clause.head
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if subject is not None and any(t.i == subject.i for t in path):
            return RoleReading(ACTOR1, 0.75, "the subject shared with the coordinated verb")
    if verb.dep_ == "relcl" and any(t.i == verb.head.i for t in path):
        first = path[0]
        if first.i != verb.head.i and not (first.dep_ == "conj" and first.head.i == verb.head.i):
            return NO_ROLE  # something said of the described noun, not the noun itself
        relative = next((c for c in verb.children if c.tag_ in ("WP", "WDT") or c.lower_ == "that"), None)
        if relative is not None and relative.dep_ == "nsubj":
            return RoleReading(
                ACTOR1, 0.75, "the noun the event's relative clause describes ('militants who attacked')"
            )
        if relative is not None and relative.dep_ in ("nsubjpass", "dobj"):
            return RoleReading(ACTOR2, 0.7, "the noun the event's relative clause describes ('the base that was hit')")
    return NO_ROLE


def victim_reading(actor: Token, toll_words: frozenset[str]) -> RoleReading | None:
    """The people a toll verb of the sentence is about, whatever verb the trigger is: "no US personnel were hurt",
    "two soldiers were killed", "... killing three fighters" (the killed and wounded are the event's target)."""
    head = actor
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "soldiers and police were killed"
    verb = head.head
    if verb.lower_ not in toll_words:
        return None
    if head.dep_ == "nsubjpass" or (head.dep_ in ("dobj", "obj") and verb.tag_ != "VBN"):
        return RoleReading(ACTOR2, 0.7, f"the people '{verb.text}' is about")
    return None
