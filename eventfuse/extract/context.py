"""The contract of a claim finder: the frozen contexts it reads, the record it returns, the named values between.

Hands every finder a ``DocumentContext`` (what is read once per article) and a ``SentenceContext`` (one sentence
and what earlier finders found in it); a finder returns ``Found``: its claims and the sentence facts it provides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..model import Article, Claim, Place, Speaker, TimeValue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ..geo import Gazetteer
    from ..learned import LinearModel
    from ..lexicon import Lexicon
    from ..lexicon.records import Actor, SubEventType
    from .cues import EventClassifier
    from .event_model import EventEvidence
    from .numbers import Quantities
    from .patterns import Patterns


@dataclass(frozen=True)
class CharSpan:
    """Character offsets into the article text, end-exclusive."""

    start: int
    end: int

    def holds(self, offset: int) -> bool:
        return self.start <= offset < self.end


@dataclass(frozen=True)
class GenericActor:
    """An unnamed actor ("gunmen") under its ACLED-style label."""

    name: str
    type: str
    country: str | None = None


@dataclass(frozen=True)
class UnlistedActor:
    """An organisation spaCy names that the lexicon does not know ("the Manuel Rodriguez Patriotic Front"), under its
    name as written; its ACLED type is unknown."""

    name: str
    type: str = ""
    country: str | None = None


@dataclass(frozen=True)
class ActorMention:
    """An actor named in the text: a lexicon actor (by alias or by a matching organisation name) or a generic noun."""

    start: int
    end: int
    surface: str
    actor: Actor | GenericActor | UnlistedActor

    @property
    def generic(self) -> bool:
        return isinstance(self.actor, GenericActor)


@dataclass(frozen=True)
class TypedSpan:
    """A stretch of text naming an actor of an ACLED actor type (for the classes actor cues give)."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Trigger:
    """The event class a sentence reports and its strongest cue (offsets in the sentence)."""

    sub: SubEventType
    start: int
    end: int


@dataclass(frozen=True)
class NamedObject:
    """The thing an outcome sentence named last ("the launcher"), for "it" in the same or the next sentence."""

    sentence: int
    name: str


@dataclass(frozen=True)
class Shared:
    """What finders are built from, once per extractor: the lexicon, gazetteer, patterns and number reading."""

    lexicon: Lexicon
    gazetteer: Gazetteer
    patterns: Patterns
    quantities: Quantities
    classifier: EventClassifier
    role_model: LinearModel | None = None  # the learned role model beside the syntax rules (None: rules alone)
    event_model: LinearModel | None = None  # the learned event-type model (None: the cue rules' type)
    event_evidence: EventEvidence | None = None  # what the event-type model reads a sentence with


@dataclass(frozen=True)
class DocumentContext:
    """One article as the finders read it: its text, parse and sentences, and what finders read once per article
    (time expressions, places with their roles, actors named)."""

    article: Article
    doc: Doc
    sentences: tuple[Span, ...]
    timexes: tuple[TimeValue, ...] = ()
    places: tuple[Place, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    entities: tuple[Span, ...] = ()  # spaCy's entities, listed once (a Span's own list rescans the whole Doc)

    @property
    def text(self) -> str:
        return self.article.text


@dataclass(frozen=True)
class SentenceContext:
    """One sentence and what the finders before the current one found in it (``Found.provides``)."""

    article_id: str
    index: int
    span: Span
    start: int  # offsets in the article text
    end: int
    text: str
    # speakers and hedges
    speaker: Speaker | None = None
    speaker_spans: tuple[CharSpan, ...] = ()  # where the speaker's words are (actors there speak, not act)
    hedged: bool = False
    last_speaker: Speaker | None = None  # the latest speaker up to this sentence ("he said")
    # background
    background: bool = False
    background_spans: tuple[CharSpan, ...] = ()  # clauses about another, earlier event ("a blast in 2017 that ...")
    foreground: str | None = None  # the text with those clauses blanked (offsets kept), when there are any
    # outcomes
    outcome_spans: tuple[CharSpan, ...] = ()
    last_object: NamedObject | None = None
    # event trigger and type
    trigger: Trigger | None = None
    reports_event: bool = False  # an event sentence: a trigger, not background, not only a response
    # time
    event_time: TimeValue | None = None
    statement_time: TimeValue | None = None
    # places
    places: tuple[Place, ...] = ()

    @property
    def event_text(self) -> str:
        """The sentence's text without its background clauses (blanked, so offsets hold): what tells of this event."""
        return self.foreground if self.foreground is not None else self.text

    def in_background(self, offset: int) -> bool:
        """Whether an article offset lies in one of the sentence's background clauses."""
        return any(span.holds(offset) for span in self.background_spans)

    def with_facts(self, facts: Mapping[str, Any]) -> SentenceContext:
        """A new context with ``facts`` set (this one is unchanged); as ``dataclasses.replace``, without the cost
        of running ``__init__`` over every field for each finder of each sentence."""
        if not facts.keys() <= SENTENCE_FACTS:
            raise TypeError(f"not sentence facts: {', '.join(sorted(set(facts) - SENTENCE_FACTS))}")
        new = object.__new__(SentenceContext)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(facts)
        return new

    def claim(
        self,
        field: str,
        value: Any,
        start: int,
        end: int,
        wording: str | None = None,
        negated: bool = False,
    ) -> Claim:
        """A claim of this sentence, with its speaker and hedge; ``start``/``end`` are offsets in the sentence and
        become offsets in the article."""
        return Claim(
            article_id=self.article_id,
            field=field,
            value=value,
            start=self.start + start,
            end=self.start + end,
            quote=self.text.strip(),
            attributed_to=self.speaker,
            hedged=self.hedged,
            negated=negated,
            wording=wording,
        )


SENTENCE_FACTS = frozenset(SentenceContext.__dataclass_fields__) - {
    "article_id",
    "index",
    "span",
    "start",
    "end",
    "text",
}


@dataclass(frozen=True)
class Found:
    """What a finder returns for one sentence: its claims, and the facts it provides to the finders after it."""

    claims: tuple[Claim, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


NOTHING = Found()


class Finder:
    """A claim finder: one job, registered by name (``registry.register``), run in the order of
    ``data/extraction.toml``. ``provides`` names the sentence facts it sets, ``needs`` those it reads from earlier
    finders (a disabled finder's facts keep their defaults)."""

    name: ClassVar[str] = ""
    provides: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def prepare(self, document: DocumentContext) -> DocumentContext:
        """What this finder reads once per article, set on the document context (default: nothing)."""
        return document

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        raise NotImplementedError
