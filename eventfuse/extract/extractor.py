"""The extractor: runs the claim finders of ``data/extraction.toml``, in their order, over each sentence of an article.

Hands on Mentions (ACLED type, time, places, background flag) whose Claims keep span, quote, speaker and hedge.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping, Sequence
from typing import TYPE_CHECKING

from ..encoder import load_encoder
from ..model import Article, Claim, Mention
from .background import mark_recalled
from .context import DocumentContext, SentenceContext, Shared
from .cues import MIN_TRIGGER_SCORE, EventClassifier
from .event_model import EventEvidence, event_features, load_event_model
from .linking import Linkers, link
from .numbers import Quantities
from .patterns import Patterns
from .registry import build_finders
from .role_model import load_role_model

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..geo import Gazetteer
    from ..lexicon import Lexicon
    from ..lexicon.records import OtherEventType, SubEventType


class Extractor:
    """Finds event mentions and claims. Built once (lexicon, gazetteer, compiled patterns, finders, the learned
    models), used for every article. ``finders`` replaces the order of ``extraction.toml`` (leave a name out to
    disable that finder); ``learned_roles=False`` reads roles by the syntax rules alone (as when the role model is
    trained); ``learned_types=False`` types an event sentence by the cue rules alone, without the sentence encoder;
    ``linking=False`` leaves the lead event's place and date to the rules (as when the linking models are
    trained)."""

    def __init__(
        self,
        lexicon: Lexicon,
        gazetteer: Gazetteer,
        patterns: Patterns | None = None,
        finders: Sequence[str] | None = None,
        learned_roles: bool = True,
        learned_types: bool = True,
        linking: bool = True,
    ) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.patterns = patterns or Patterns.load()
        self.classifier = EventClassifier(lexicon)
        role_model = load_role_model() if learned_roles else None
        event_model = load_event_model() if learned_types else None
        # the encoder loads its model on the first sentence it reads
        self._event_evidence = EventEvidence.build(self.classifier, self.patterns, load_encoder())
        shared = Shared(
            lexicon,
            gazetteer,
            self.patterns,
            Quantities(lexicon),
            self.classifier,
            role_model,
            event_model,
            self._event_evidence if learned_types else None,
        )
        self.finders = build_finders(self.patterns.finders if finders is None else finders, shared)
        self.linkers = Linkers.load() if linking else Linkers(None, None)

    def extract(self, article: Article, doc: Doc, seconds: MutableMapping[str, float] | None = None) -> list[Mention]:
        """Every sentence that reports an event or states a claim about one, as a Mention with its claims.
        ``seconds``, when given, adds up the time each finder takes (by name)."""
        mentions, document = self.extract_document(article, doc, seconds)
        return link(document, mentions, self.linkers)

    def extract_document(
        self, article: Article, doc: Doc, seconds: MutableMapping[str, float] | None = None
    ) -> tuple[list[Mention], DocumentContext]:
        """The mentions as the finders give them, before the linking models choose the lead event's place and
        date, and the document context they read (training reads the candidates from both)."""
        # spaCy builds the entity list anew on each read of doc.ents (and a Span's .ents reads it whole): once here
        document = DocumentContext(article=article, doc=doc, sentences=tuple(doc.sents), entities=tuple(doc.ents))
        for finder in self.finders:
            started = time.perf_counter() if seconds is not None else 0.0
            document = finder.prepare(document)
            if seconds is not None:
                seconds[finder.name] = seconds.get(finder.name, 0.0) + time.perf_counter() - started
        text = article.text
        mentions: list[Mention] = []
        previous: SentenceContext | None = None
        for index, sent in enumerate(document.sentences):
            s_start, s_end = sent.start_char, sent.end_char
            context = SentenceContext(
                article_id=article.id,
                index=index,
                span=sent,
                start=s_start,
                end=s_end,
                text=text[s_start:s_end],
                last_speaker=previous.last_speaker if previous else None,
                last_object=previous.last_object if previous else None,
            )
            claims: list[Claim] = []
            for finder in self.finders:
                started = time.perf_counter() if seconds is not None else 0.0
                found = finder.find(context, document)
                if found.facts:
                    context = context.with_facts(found.facts)
                claims.extend(found.claims)
                if seconds is not None:
                    seconds[finder.name] = seconds.get(finder.name, 0.0) + time.perf_counter() - started
            previous = context
            mentions.extend(_recalled_clauses(article, index, context))
            if context.background:
                claims = []  # a sentence recalling an earlier event gives no claims of this one
            trigger = context.trigger
            if not claims and trigger is None:
                continue
            sub = trigger.sub if trigger is not None and context.reports_event else None
            mentions.append(
                Mention(
                    id=f"{article.id}:{index}",
                    article_id=article.id,
                    start=s_start,
                    end=s_end,
                    text=context.text,
                    event_type=sub.event_type if sub else None,
                    sub_event_type=sub.name if sub else None,
                    plover_event=sub.plover_event if sub else None,
                    plover_mode=sub.plover_mode if sub else None,
                    background=context.background and trigger is not None,
                    time=(context.event_time or context.statement_time) if sub else None,
                    places=context.places,
                    claims=tuple(claims),
                )
            )
        return mark_recalled(mentions, self.patterns.recall_days), document

    def classify(
        self, text: str, *, min_score: float = MIN_TRIGGER_SCORE, acled_only: bool = False
    ) -> SubEventType | OtherEventType | None:
        """The event class a text reports by summed cue weight (``cues.EventClassifier.classify``)."""
        return self.classifier.classify(text, min_score=min_score, acled_only=acled_only)

    def classify_learned(self, text: str) -> str:
        """The CASE label the learned event-type model gives a text (``event_model.event_features``: the text's
        embedding, the cue rules' evidence and answer, weapons, actors, tolls, responsibility)."""
        return load_event_model().predict(event_features(text, self._event_evidence))


def _recalled_clauses(article: Article, index: int, context: SentenceContext) -> list[Mention]:
    """Each clause of the sentence that tells of an earlier event, as a background mention of its own (it joins no
    event, and its claims are the earlier event's: none of this one's)."""
    return [
        Mention(
            id=f"{article.id}:{index}.{n}",
            article_id=article.id,
            start=span.start,
            end=span.end,
            text=article.text[span.start : span.end],
            background=True,
        )
        for n, span in enumerate(context.background_spans, 1)
    ]
