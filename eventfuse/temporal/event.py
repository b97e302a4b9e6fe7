"""Chooses the date and time of one event from the temporal expressions of its mention.

Hands ``extract``/``fuse`` one ``TimeValue`` with ACLED time_precision, or None when nothing datable was said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import TimeValue

_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2})?)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T(?:MO|AF|EV|NI))?$")


def _distance(tv: TimeValue, offset: int) -> int:
    if tv.start <= offset < tv.end:
        return 0
    return min(abs(tv.start - offset), abs(tv.end - 1 - offset))


def event_time(timexes: Sequence[TimeValue], *, prefer_near: int | None = None) -> TimeValue | None:
    """The event's date/time among the timexes of one mention (one sentence or clause).

    Rules, in order:
    1. Only DATE and TIME values that resolved to a day, a week or a month count (ACLED precision 1-3);
       durations, sets, years, seasons, PRESENT_REF/PAST_REF and unresolved values are skipped.
    2. The finest precision wins: a day (or a clock time) beats a week, which beats a month.
    3. Among equally precise values, the one nearest ``prefer_near`` (a character offset, e.g. the
       event trigger) wins; without it the first in the text.
    4. A day-level date (or part of day) and a clock time in the same mention combine into one TIME value
       ("Sunday" + "9:50 p.m. local time" -> "2024-04-21T21:50", precision 1), taking the clock's
       time zone and mod; its span covers both and its note names them.
    """
    usable = [
        tv for tv in timexes if tv.type in ("DATE", "TIME") and tv.value is not None and tv.precision in (1, 2, 3)
    ]
    if not usable:
        return None
    finest = min(tv.precision or 3 for tv in usable)
    pool = [tv for tv in usable if tv.precision == finest]
    clocks = [tv for tv in pool if tv.value and _CLOCK.match(tv.value)]
    days = [tv for tv in pool if tv.value and _DAY.match(tv.value)]
    best = _nearest(days or pool, prefer_near)
    if not clocks or not days:
        return best
    clock = min(clocks, key=lambda tv: (abs(tv.start - best.start), tv.start))
    match = _CLOCK.match(clock.value or "")
    assert match is not None and best.value is not None
    first, second = sorted((best, clock), key=lambda tv: tv.start)
    return TimeValue(
        text=f"{first.text} … {second.text}",
        start=first.start,
        end=second.end,
        type="TIME",
        value=best.value[:10] + match.group(1),
        precision=1,
        timezone=clock.timezone,
        mod=clock.mod,
        note=f"combined from {best.text!r} and {clock.text!r}",
    )


def _nearest(pool: list[TimeValue], prefer_near: int | None) -> TimeValue:
    if prefer_near is not None:
        return min(pool, key=lambda tv: (_distance(tv, prefer_near), tv.start))
    return min(pool, key=lambda tv: tv.start)
