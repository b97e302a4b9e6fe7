"""Speakers and hedges: who a sentence attributes its content to (with citation nesting) and whether it is hedged.

Hands the sentence context its speaker, the spans of the speaker's words and the hedge flag every claim carries.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Speaker
from .context import NOTHING, CharSpan, DocumentContext, Finder, Found, SentenceContext, Shared
from .registry import register
from .syntax import phrase

if TYPE_CHECKING:
    from spacy.tokens import Span

# Hedge cues at least this strong (0-1, lexicon hedges.toml) make a sentence's claims hedged.
MIN_HEDGE_STRENGTH = 0.4


@register("speakers")
class SpeakersFinder(Finder):
    """Who said it ("a defense official told", "according to", "Reuters, citing Iraqi security sources"), and
    whether the sentence hedges ("it was unclear", "reportedly")."""

    provides = ("speaker", "speaker_spans", "hedged", "last_speaker")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.lexicon = shared.lexicon
        self.reporting_verbs = frozenset(v.casefold() for v in shared.lexicon.attribution.reporting_verbs)

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        speaker, spans = self.speaker(sentence.span, sentence.last_speaker)
        hedged = self.is_hedged(sentence.text)
        if speaker is None and not spans and not hedged:
            return NOTHING  # the defaults hold
        facts: dict[str, object] = {"speaker": speaker, "speaker_spans": spans, "hedged": hedged}
        if speaker is not None:
            facts["last_speaker"] = speaker
        return Found(facts=facts)

    def speaker(self, sent: Span, previous: Speaker | None) -> tuple[Speaker | None, tuple[CharSpan, ...]]:
        """Who the sentence attributes its content to, with nesting ("Reuters, citing Iraqi sources"), and
        the character spans of the speaker's words (actors named there are speakers, not participants)."""
        text, base = sent.text, sent.start_char
        spans: list[CharSpan] = []
        via = None
        for cue in ("according to", "citing"):
            match = re.search(rf"\b{cue}\s+(?P<who>[^,.;:]+)", text, re.I)
            if match:
                via = self.typed_speaker(match.group("who"))
                spans.append(CharSpan(base + match.start("who"), base + match.end("who")))
        reporter = None
        for token in sent:
            if token.lower_ not in self.reporting_verbs or token.pos_ not in ("VERB", "AUX"):
                continue
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None:
                continue
            if subject.lower_ in ("he", "she", "they"):
                reporter = previous
                break
            if subject.lower_ in ("it", "that", "which", "this", "we", "i", "who") or any(
                c.lower_ in ("no", "none") for c in subject.children
            ):
                continue  # "No group claimed responsibility" names no speaker
            words = phrase(subject, drop=("appos", "relcl", "acl", "punct", "advmod"))
            reporter = self.typed_speaker(words)
            spans.append(CharSpan(subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)))
            break
        if reporter is not None and via is not None and reporter.name != via.name:
            return Speaker(reporter.name, reporter.kind, via), tuple(spans)
        return reporter or via, tuple(spans)

    def typed_speaker(self, words: str) -> Speaker:
        name = re.sub(r"\s+", " ", words).strip(" ,.;:\"'“”")
        return Speaker(name=name, kind=self.speaker_kind(name))

    def speaker_kind(self, name: str) -> str:
        """A named outlet or monitor by its kind; else the head noun's kind ("official"); else an actor's."""
        organisations = self.lexicon.find_organisations(name)
        if organisations:
            return str(organisations[0].values[0].kind)
        words = re.findall(r"[\w'-]+", name.casefold())
        for size in (3, 2, 1):
            for index in range(len(words) - size, -1, -1):
                kind = self.lexicon.speaker_kind(" ".join(words[index : index + size]))
                if kind:
                    return kind
        actors = self.lexicon.find_actors(name)
        if actors:
            return "military" if actors[0].actor.type == "State forces" else "armed group"
        return "other"

    def is_hedged(self, text: str) -> bool:
        return any(h.strength >= MIN_HEDGE_STRENGTH for m in self.lexicon.find_hedges(text) for h in m.values)
