"""Time: the date and clock time of the event a sentence reports, kept apart from the time of the statement.

Hands the sentence context its event and statement times, and on date, time and statement_date claims.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .. import temporal
from ..model import Claim, TimeValue
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext, Shared
from .registry import register

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

CLOCK_ONLY = re.compile(r"^[\w\s.,:]*\d{1,2}[:.]\d{2}[\w\s.]*$|^[\w\s]*\d{1,2}\s*[ap]\.?m\.?[\w\s]*$", re.I)
STATEMENT_NOUNS = frozenset("statement briefing conference interview post announcement communique".split())


@register("time")
class TimeFinder(Finder):
    """Time expressions (``temporal``) of a sentence: the event's, unless it hangs on "since", "until" ... or dates
    the statement ("announced Sunday night"), which dates the event only when nothing else does."""

    provides = ("event_time", "statement_time")
    needs = ("reports_event", "background_spans")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.prefixes = shared.patterns.non_event_time_prefixes
        self.reporting_verbs = frozenset(v.casefold() for v in shared.lexicon.attribution.reporting_verbs)

    def prepare(self, document: DocumentContext) -> DocumentContext:
        article = document.article
        return dataclasses.replace(document, timexes=tuple(temporal.find_timexes(article.text, article.published)))

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        times = [
            t
            for t in document.timexes
            if sentence.start <= t.start < sentence.end and not sentence.in_background(t.start)
        ]
        if not times:
            return NOTHING
        event_time, statement_time = self.event_time(sentence.span, times)
        event_time = not_after_report(event_time, document.article.published)
        facts = {"event_time": event_time, "statement_time": statement_time}
        if not sentence.reports_event:
            return Found(facts=facts)
        claims = self.claims(sentence, event_time or statement_time, statement=event_time is None)
        return Found(claims, facts)

    def event_time(self, sent: Span, times: Sequence[TimeValue]) -> tuple[TimeValue | None, TimeValue | None]:
        """The event's time among a sentence's expressions, and the time of the statement reporting it.

        "since early February", "by Wednesday night" do not date the event; "announced Sunday night",
        "said on Wednesday" date the statement, used for the event only when nothing else dates it.
        """
        usable, statements = [], []
        sent_text = sent.text  # Doc.text would re-join the whole document for every expression
        for tv in times:
            offset = tv.start - sent.start_char
            before = sent_text[max(0, offset - 40) : offset].casefold()
            if any(before.rstrip().endswith(p) for p in self.prefixes):
                continue
            span = sent.doc.char_span(tv.start, tv.end, alignment_mode="expand")
            (statements if span is not None and self.dates_statement(span.root) else usable).append(tv)
        event = temporal.event_time(usable) if usable else None
        statement = temporal.event_time(statements) if statements else None
        return event, statement

    def dates_statement(self, token: Token) -> bool:
        """Whether a time word dates a statement: it hangs on a reporting verb or on a word for a statement
        ("announced Sunday night", "said in a statement on Wednesday", "told a briefing on Monday")."""
        head = token
        for _ in range(3):
            if head.head.i == head.i:
                return False
            head = head.head
            if head.lower_ in self.reporting_verbs or head.lower_ in STATEMENT_NOUNS:
                return True
            if head.dep_ not in ("prep", "pobj", "npadvmod", "nmod", "compound") and head.pos_ != "ADP":
                return False
        return False

    def claims(self, sentence: SentenceContext, tv: TimeValue | None, statement: bool = False) -> tuple[Claim, ...]:
        """Date and clock-time claims; a statement's date ("announced Sunday night") is kept apart."""
        if tv is None or not tv.value:
            return ()
        claims = []
        start, end = tv.start - sentence.start, tv.end - sentence.start
        date_part, _, clock = tv.value.partition("T")
        clock_only = bool(CLOCK_ONLY.match(tv.text)) and not re.search(
            r"(mon|tues|wednes|thurs|fri|satur|sun)day|\d{4}", tv.text, re.I
        )
        if not clock_only and re.match(r"^\d{4}(-\d{2}){1,2}$|^\d{4}-W\d{2}$", date_part):
            value = {"value": date_part, "precision": tv.precision, "text": tv.text}
            field = "statement_date" if statement else "date"
            claims.append(sentence.claim(field, value, start, end, wording=tv.text))
        if clock and re.match(r"^\d{2}:\d{2}", clock) and not statement:
            value = {"value": clock[:5], "timezone": tv.timezone or "local", "text": tv.text}
            claims.append(sentence.claim("time", value, start, end, wording=tv.text))
        return tuple(claims)


_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
_WEEKDAY_NAME = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")


def not_after_report(tv: TimeValue | None, published: str | None) -> TimeValue | None:
    """An event a report tells of happened before the report: a day written without its year ("June 29",
    "Thursday") that the calendar placed more than a day after publication is the one before (a year, a week).

    The time tagger picks between last and next occurrence by the clause's tense, within eight months of the
    publication date; a report of a shooting "on April 2" published in late January is about last April."""
    if tv is None or not tv.value or tv.precision != 1 or not published or _YEAR.search(tv.text):
        return tv
    try:
        day, report = date.fromisoformat(tv.value[:10]), date.fromisoformat(published[:10])
    except ValueError:
        return tv
    if (day - report).days <= 1:
        return tv
    if _MONTH_NAME.search(tv.text):
        try:
            earlier = day.replace(year=day.year - 1)
        except ValueError:  # February 29
            return tv
    elif _WEEKDAY_NAME.search(tv.text) and day.toordinal() > 7:  # a week before year 1 is no date
        earlier = day - timedelta(days=7)
    else:
        return tv
    if (earlier - report).days > 1:
        return tv
    note = f"{tv.value[:10]} would be after the report ({published[:10]}): the one before"
    return dataclasses.replace(tv, value=earlier.isoformat() + tv.value[10:], note=note)
