"""Background: sentences and clauses that recall another, earlier event instead of reporting this one, and mentions
dated well before the article's lead event.

Hands the sentence context its background flag, its background clauses and the text without them (claims there
are the earlier event's, never this one's), and the extractor ``mark_recalled`` for the whole article.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..model import Mention, TimeValue
from .context import NOTHING, CharSpan, DocumentContext, Finder, Found, SentenceContext, Shared
from .registry import register

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Clauses that can tell of another event than the sentence's: relative and participial clauses on a noun ("a
# blast in 2017 that killed ..."), adverbial clauses ("since militants ceased attacking ..."), coordinated ones.
CLAUSES = frozenset(("relcl", "acl", "advcl", "conj", "ccomp"))
# Auxiliaries of the present perfect: with "since" or "for ... years" a clause sums up a past ("has abducted
# thousands since 2009", "has fought for more than 15 years").
PERFECT = frozenset(("has", "have", "'ve", "'s"))
SINCE = re.compile(r"\bsince\b", re.I)


@register("background")
class BackgroundFinder(Finder):
    """A sentence matching a background pattern of ``extraction.toml`` ("had previously been attacked", "in the
    past years") recalls an earlier event: it gives no claims of this one. So does a clause that describes an event
    noun dated ``clause_recall_days`` or more before the report ("a blast in 2017 that killed ..."), opens with
    "since", or sums up a past in the present perfect ("since 2009", "for 15 years"): what it says is the earlier
    event's, and the rest of the sentence still reports this one (a clause that is the whole sentence makes it
    background)."""

    provides = ("background", "background_spans", "foreground")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        # one pass over the sentence for all the patterns
        self.pattern = re.compile("|".join(f"(?:{p.pattern})" for p in shared.patterns.background), re.I)
        self.days = shared.patterns.clause_recall_days
        self.lexicon = shared.lexicon

    def is_event_word(self, word: str) -> bool:
        """Whether a noun names an event (an event cue of the lexicon: "blast", "attacks", "shooting")."""
        return bool(self.lexicon.find_event_cues(word))

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        if self.pattern.search(sentence.text):
            return Found(facts={"background": True})
        times = [t for t in document.timexes if sentence.start <= t.start < sentence.end]
        if not times and not SINCE.search(sentence.text):
            return NOTHING  # neither a date nor "since": no clause can recall an earlier time
        cutoff = _cutoff(document.article.published, self.days)
        spans: list[CharSpan] = []
        for token in sentence.span:
            if token.pos_ not in ("VERB", "AUX") or (token.dep_ not in CLAUSES and token.dep_ != "ROOT"):
                continue
            scope = _recalled_scope(token, times, cutoff, self.is_event_word)
            if scope is None:
                continue
            if scope.start <= sentence.start and scope.end >= sentence.end - 1:
                return Found(facts={"background": True})
            if not any(s.start <= scope.start and scope.end <= s.end for s in spans):
                spans = [s for s in spans if not (scope.start <= s.start and s.end <= scope.end)] + [scope]
        if not spans:
            return NOTHING
        text = list(sentence.text)
        for span in spans:
            for i in range(span.start - sentence.start, min(len(text), span.end - sentence.start)):
                if not text[i].isspace():
                    text[i] = " "
        return Found(facts={"background_spans": tuple(spans), "foreground": "".join(text)})


def _cutoff(published: str | None, days: int) -> str | None:
    if not published:
        return None
    try:
        return (date.fromisoformat(published[:10]) - timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):  # not a date, or one too near year 1 to go back from
        return None


def _recalled_scope(
    verb: Token, times: list[TimeValue], cutoff: str | None, is_event_word: Callable[[str], bool]
) -> CharSpan | None:
    """The stretch of text a clause about an earlier event covers, or None when the clause is not one: a relative
    or participial clause covers the noun phrase it describes ("a massive blast in 2017 that killed ..."), another
    clause its own words, the main clause the whole sentence."""
    described = verb.head if verb.dep_ in ("relcl", "acl") else None
    anchors = {verb.i} if described is None else {verb.i, described.i}
    doc = verb.doc
    dated = [t for t in times if _dated_word(doc, t) in anchors]
    earlier = cutoff is not None and any(_before(t, cutoff) for t in dated)
    since = verb.dep_ == "advcl" and _opens_with_since(verb)
    perfect = any(c.dep_ == "aux" and c.lower_ in PERFECT for c in verb.children) and (
        any(t.type == "DURATION" and _years(t) for t in dated)
        or any(c.lower_ == "since" and c.dep_ == "prep" for c in verb.children)
        or any(c.dep_ == "advcl" and _opens_with_since(c) for c in verb.children)
    )
    if described is not None:
        # a clause on an event noun dated well before the report ("a blast in 2017 that killed ...", "attacks that
        # killed three service members in January"); one on a person or place ("Seichter, killed on Dec. 22") is
        # about this event, whenever the report came out
        earlier = earlier and is_event_word(described.text)
    elif not (since or perfect):
        return None  # the main clause dated earlier is for the whole article to judge (mark_recalled)
    if not (earlier or since or perfect):
        return None
    if described is not None:
        root = described
    elif verb.dep_ == "ROOT":
        sent = verb.sent
        return CharSpan(sent.start_char, sent.end_char)
    else:
        root = verb
    left, right = root.left_edge, root.right_edge
    return CharSpan(left.idx, right.idx + len(right))


def _opens_with_since(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "since" for c in clause.children)


def _dated_word(doc: Doc, time: TimeValue) -> int | None:
    """The index of the word a time expression dates: the first verb above it, or the first noun a clause describes
    ("a blast in 2017 that killed": the blast; "killed three members in a base in Jordan in January": killed)."""
    span = doc.char_span(time.start, time.end, alignment_mode="expand")
    if span is None:
        return None
    word = span.root
    while word.head.i != word.i:
        word = word.head
        if word.pos_ in ("VERB", "AUX") or any(c.dep_ in ("relcl", "acl") for c in word.children):
            return word.i
    return word.i


def _before(time: TimeValue, cutoff: str) -> bool:
    last = last_day(time.value) if time.type == "DATE" and time.value else None
    return last is not None and last < cutoff


def _years(time: TimeValue) -> bool:
    """A duration of a year or more ("for more than 15 years", "for decades")."""
    return bool(time.value and re.fullmatch(r"P(\d+|X)(Y|DE|CE)", time.value))


def mark_recalled(mentions: list[Mention], recall_days: int) -> list[Mention]:
    """Event sentences dated well before the article's lead event recall an earlier event: background."""
    days = [m.time.value[:10] for m in mentions if m.event_type and m.time and m.time.value and m.time.precision == 1]
    if not days or not re.match(r"^\d{4}-\d{2}-\d{2}$", days[0]):
        return mentions
    try:
        cutoff = (date.fromisoformat(days[0]) - timedelta(days=recall_days)).isoformat()
    except (ValueError, OverflowError):  # a day too near year 1 to go back from: nothing is before it
        return mentions
    marked = []
    for mention in mentions:
        # a coarser date recalls an earlier event when all of it is before the cutoff ("in February")
        last = last_day(mention.time.value) if mention.event_type and mention.time and mention.time.value else None
        if last is not None and last < cutoff:
            mention = dataclasses.replace(mention, background=True, claims=())
        marked.append(mention)
    return marked


def last_day(value: str) -> str | None:
    """The last day (YYYY-MM-DD) a normalised date can denote: the day itself, the month's or the year's
    last day, the Sunday of an ISO week; None for anything else (a season, a decade, an unknown part)."""
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 7).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31"
    return None
