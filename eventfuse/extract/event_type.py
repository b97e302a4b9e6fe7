"""The event trigger and type: the ACLED sub-event type a sentence reports, and whether it reports the event.

Hands the sentence context its trigger and ``reports_event`` (a trigger, not background, not only a response),
and on an event_type claim.
"""

from __future__ import annotations

from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .registry import register
from .syntax import is_stative


@register("event_type")
class EventTypeFinder(Finder):
    """The strongest cued ACLED sub-event type of a sentence (``cues.EventClassifier``); a stative sentence
    ("It is home to fighter jets") reports none."""

    provides = ("trigger", "reports_event")
    needs = ("background", "outcome_spans")

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        trigger = None if is_stative(sentence.span) else self.shared.classifier.trigger(sentence.text)
        if trigger is None:
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
