"""The event trigger and type: the ACLED sub-event type a sentence reports, and whether it reports the event.

Hands the sentence context its trigger and ``reports_event`` (a trigger, not background, not only a response),
and on an event_type claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .registry import register
from .syntax import governing_verb, is_stative

if TYPE_CHECKING:
    from .context import Trigger


@register("event_type")
class EventTypeFinder(Finder):
    """The strongest cued ACLED sub-event type of a sentence (``cues.EventClassifier``); a stative sentence
    ("It is home to fighter jets") reports none."""

    provides = ("trigger", "reports_event")
    needs = ("background", "foreground", "outcome_spans")

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        trigger = None if is_stative(sentence.span) else self.shared.classifier.trigger(sentence.event_text)
        if trigger is None or self.irrealis(sentence, trigger):
            return NOTHING
        # A response ("a coalition fighter destroyed the launcher") is not the event, unless the sentence also
        # reports the event in words of its own ("... the truck used to fire rockets at the base").
        cue_at = sentence.start + trigger.start
        reports_event = not sentence.background and not any(s.holds(cue_at) for s in sentence.outcome_spans)
        facts = {"trigger": trigger, "reports_event": reports_event}
        if not reports_event:
            return Found(facts=facts)
        sub = trigger.sub
        value = {"event_type": sub.event_type, "sub_event_type": sub.name}
        wording = sentence.text[trigger.start : trigger.end]
        return Found((sentence.claim("event_type", value, trigger.start, trigger.end, wording=wording),), facts)

    def irrealis(self, sentence: SentenceContext, trigger: Trigger) -> bool:
        """Whether the trigger's verb tells of an event that did not or not yet happen: negated ("did not attack"),
        with a modal ("could withdraw"), or an infinitive ("threatened to attack", "to get U.S. forces to
        withdraw") unless it hangs on a verb that says it happened ("began to attack")."""
        span = sentence.span.doc.char_span(
            sentence.start + trigger.start, sentence.start + trigger.end, alignment_mode="expand"
        )
        if span is None:
            return False
        verb = governing_verb(span.root)
        patterns = self.shared.patterns
        for child in verb.children:
            if child.dep_ == "neg":
                return True
            if child.dep_ == "aux" and child.tag_ == "MD" and child.lower_ in patterns.irrealis_modals:
                return True
            if child.dep_ == "aux" and child.tag_ == "TO":
                return not (verb.dep_ == "xcomp" and verb.head.lower_ in patterns.realis_before_to)
        return False
