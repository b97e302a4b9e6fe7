"""Temporal expressions: find them in a report, normalise them TimeML-style, date the event they belong to.

Hands the pipeline ``TimeValue`` records: ``find_timexes`` per article, ``event_time`` per mention.

Values follow the TIMEX3 guidelines as the TimeBank/TempEval-3 gold applies them: days "2024-04-21",
clock times "2024-04-21T21:50", parts of day "2024-04-21TNI", weeks "2024-W16", weekends "2024-W16-WE",
months "2024-02", quarters "1989-Q3", seasons "2024-SU", years "2024", decades "199" (the 1990s),
centuries "19", durations "P3M"/"PT2H"/"PXY", sets "P1W" (type SET), and PRESENT_REF/PAST_REF/FUTURE_REF.

``TimeValue.precision`` is ACLED's time_precision: 1 for a day or anything finer (a clock time, a part of
day), 2 for a week or weekend, 3 for a month; None for quarters, seasons, years, decades, durations, sets
and refs, which ACLED would not code as an event date.

Resolution against the publication date (DCT): a bare weekday or month takes the tense of its clause
(past: the latest one not after the DCT; future: the earliest not before it); "this past week" is the
week three days before the DCT; "a year earlier", "the next day" shift the last date mentioned. Without a
DCT, relative expressions keep ``value=None`` and a note; absolute ones still resolve; no date is invented.
"""

from __future__ import annotations

from .calendar import TIMEML_VALUE, precision_of
from .event import event_time
from .published import date_from_text, date_from_url
from .tagger import NOT_RECOGNISED_NOTE, UNRESOLVED_NOTE, find_timexes, normalise

__all__ = [
    "NOT_RECOGNISED_NOTE",
    "TIMEML_VALUE",
    "UNRESOLVED_NOTE",
    "date_from_text",
    "date_from_url",
    "event_time",
    "find_timexes",
    "normalise",
    "precision_of",
]
