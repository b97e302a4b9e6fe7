"""The event trigger and type: the ACLED sub-event type a sentence reports, and whether it reports the event.

Hands the sentence context its trigger and ``reports_event`` (a trigger, not background, not only a response),
and on an event_type claim.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .event_model import LEAD_SENTENCES, decide_sub_event_type
from .registry import register
from .syntax import governing_verb, is_stative

if TYPE_CHECKING:
    from .context import Trigger


@register("event_type")
class EventTypeFinder(Finder):
    """Whether a sentence reports an event, by its cues (``cues.EventClassifier``: one cued ACLED sub-event type at
    least; a stative sentence, "It is home to fighter jets", reports none), and which sub-event type: the learned
    model's (``event_model.decide_sub_event_type``: the sentence's embedding and its cue, weapon, toll and actor
    evidence, ACLED's precedence on top) for a sentence of the lead whose words name two types or more, with its
    probability and reasons in the claim; else the cue rules' type."""

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
        value: dict[str, object] = {"event_type": trigger.sub.event_type, "sub_event_type": trigger.sub.name}
        shared = self.shared
        if shared.event_model is not None and shared.event_evidence is not None and sentence.index < LEAD_SENTENCES:
            decision = decide_sub_event_type(sentence.event_text, trigger, shared.event_model, shared.event_evidence)
            if decision is not None:
                trigger = replace(trigger, sub=decision.sub, start=decision.start, end=decision.end)
                facts["trigger"] = trigger
                value = {
                    "event_type": decision.sub.event_type,
                    "sub_event_type": decision.sub.name,
                    "probability": decision.probability,
                    "reasons": [[name, part] for name, part in decision.reasons],
                }
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
