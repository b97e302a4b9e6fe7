"""Finds and normalises every temporal expression of a text against its publication date (DCT).

Hands the pipeline ``TimeValue`` records (sorted, non-overlapping, exact spans) through ``find_timexes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

from ..errors import InputError
from ..model import TimeValue
from .calendar import parse_point, precision_of
from .context import Context, NeedsDct, parse_dct
from .rules import ANCHORS, PREFIXES, RULES, Anchor, Reading, Rule, anchor_hits

UNRESOLVED_NOTE = "publication date unknown: relative expression left unresolved"
NOT_RECOGNISED_NOTE = "no temporal expression recognised"

_JOIN_CLOCK_TO_DAY = re.compile(r"\s*,?\s*")
_DAY_RULES = frozenset({"weekday", "day_word", "month_day", "day_month", "iso", "numeric_date"})
_Candidate = tuple[int, int, int, Rule, re.Match[str]]
_PREFIX_REACH = 60  # longest prefix: "no more than the past additional "


def _unresolved_type(rule: Rule, m: re.Match[str]) -> str:
    groups = m.groupdict()
    if rule.name.startswith("clock") or groups.get("pod") or groups.get("h") and rule.name == "iso":
        return "TIME"
    if rule.name == "relative_unit" and (groups.get("unit") or "").lower() in (
        "morning",
        "afternoon",
        "evening",
        "night",
    ):
        return "TIME"
    return "DATE"


def _windows(hits: dict[str, list[tuple[int, int]]], anchor: Anchor, size: int) -> list[tuple[int, int]]:
    """Merged text windows around the anchor words of a rule."""
    spans = sorted(span for kind in anchor.kinds for span in hits.get(kind, ()))
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        lo, hi = max(0, start - anchor.before), min(size, end + anchor.after)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def _with_prefix(
    text: str, rule: Rule, core_and_prefix: tuple[re.Pattern[str], re.Pattern[str]], lo: int, hi: int
) -> Iterator[re.Match[str]]:
    """Matches of ``rule`` found from its core pattern, extended leftwards over its optional prefix."""
    core, prefix = core_and_prefix
    for m in core.finditer(text, lo, hi):
        before = prefix.search(text, max(0, m.start() - _PREFIX_REACH), m.start())
        start = before.start() if before else m.start()
        full = rule.pattern.match(text, start, hi) or rule.pattern.match(text, m.start(), hi)
        if full is not None:
            yield full


def _candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    seen: set[tuple[int, int, int]] = set()
    hits = anchor_hits(text)
    for priority, rule in enumerate(RULES):
        anchor = ANCHORS.get(rule.name)
        windows = _windows(hits, anchor, len(text)) if anchor else [(0, len(text))]
        core_and_prefix = PREFIXES.get(rule.name)
        for lo, hi in windows:
            if core_and_prefix:
                matches = _with_prefix(text, rule, core_and_prefix, lo, hi)
            else:
                matches = rule.pattern.finditer(text, lo, hi)
            for m in matches:
                if m.end() <= m.start() or (m.end() == hi and hi < len(text)):
                    continue  # empty, or maybe cut short by the window's end
                if any((m.groupdict().get(g) or "A")[0].islower() for g in rule.capitalised):
                    continue
                if (m.start(), m.end(), priority) in seen:
                    continue
                seen.add((m.start(), m.end(), priority))
                found.append((m.start(), m.end(), priority, rule, m))
    found.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
    return found


def _read(rule: Rule, m: re.Match[str], ctx: Context) -> Reading | None:
    try:
        return rule.normalise(m, ctx)
    except NeedsDct:
        return Reading(_unresolved_type(rule, m), None)
    except (ValueError, OverflowError, KeyError):
        # a match that names an impossible date ("February 30") or a value out of range is no timex
        return None


def find_timexes(text: str, dct: str | None, *, timezone: str | None = None) -> list[TimeValue]:
    """Every temporal expression in ``text``, sorted by start, non-overlapping, with TimeML values.

    ``dct`` is the publication date (ISO date or datetime) or None: then relative expressions keep
    ``value=None`` and a note, absolute ones still resolve. ``timezone`` (IANA) is set on TIME values.
    """
    try:
        day, clock = parse_dct(dct)
    except ValueError as exc:
        raise InputError(f"dct {dct!r}", "not an ISO date (YYYY-MM-DD); pass None when it is unknown") from exc
    ctx = Context(text, day, clock, timezone)
    candidates = _candidates(text)
    results: list[TimeValue] = []
    last_end = 0
    for index, (start, end, _, rule, m) in enumerate(candidates):
        if start < last_end:
            continue
        reading = _read(rule, m, ctx)
        if reading is None:
            continue
        start = reading.start if reading.start is not None else start
        end = reading.end if reading.end is not None else end
        if rule.name.startswith("clock") and reading.value:
            merged = _attach_day(candidates, index, end, reading, ctx)
            if merged is not None:
                reading, end = merged
        last_end = end
        results.append(_to_time_value(text, start, end, reading, ctx))
        if reading.type in ("DATE", "TIME") and reading.value and not reading.anaphoric:
            point = parse_point(reading.value)
            if point is not None:
                ctx.ref = point
    return _ranges(results, ctx)


def _attach_day(
    candidates: list[_Candidate], index: int, clock_end: int, clock: Reading, ctx: Context
) -> tuple[Reading, int] | None:
    """'9 a.m. EDT Thursday', 'noon Saturday': a clock time followed by its day is one TIME."""
    for start, end, _, rule, m in candidates[index + 1 :]:
        if start > clock_end + 3:
            return None
        if start < clock_end or rule.name not in _DAY_RULES:
            continue
        if not _JOIN_CLOCK_TO_DAY.fullmatch(ctx.text[clock_end:start]):
            continue
        day = _read(rule, m, ctx)
        if day is None or not day.day_level or not day.value:
            continue
        assert clock.value is not None
        value = day.value[:10] + clock.value[10:]
        return Reading("TIME", value, mod=clock.mod, timezone=clock.timezone), end
    return None


def _to_time_value(text: str, start: int, end: int, reading: Reading, ctx: Context) -> TimeValue:
    timezone = reading.timezone
    if reading.type == "TIME" and timezone is None and ctx.timezone:
        timezone = ctx.timezone
    note = UNRESOLVED_NOTE if reading.value is None else reading.note
    return TimeValue(
        text=text[start:end],
        start=start,
        end=end,
        type=reading.type,
        value=reading.value,
        precision=precision_of(reading.value, reading.type),
        timezone=timezone if reading.type == "TIME" else None,
        mod=reading.mod,
        note=note,
    )


def normalise(expression: str, dct: str | None) -> TimeValue:
    """The TimeML reading of one expression ("early February", "9:50 p.m."), with offsets 0..len.

    When the expression holds more than one timex, the longest one gives the value; when it holds
    none, the value is None and the note says so.
    """
    found = find_timexes(expression, dct)
    if not found:
        return TimeValue(expression, 0, len(expression), "DATE", None, note=NOT_RECOGNISED_NOTE)
    best = max(found, key=lambda tv: (tv.end - tv.start, -tv.start))
    return TimeValue(
        text=expression,
        start=0,
        end=len(expression),
        type=best.type,
        value=best.value,
        precision=best.precision,
        timezone=best.timezone,
        mod=best.mod,
        note=best.note,
    )


# ---------------------------------------------------------------- ranges: "from March to May", "March 3-5"

_RANGE_LINK = re.compile(r"\s*(?:-|–|—|to|through|thru|until|till|and)\s*", re.IGNORECASE)
_DAY_AFTER = re.compile(
    r"\s*(?P<link>-|–|to|through|until|till|and)\s*(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:/%-]|\.\d)"
    r"(?!\s*(?:[ap]\.?m\b|percent|per\b|of\b|[a-z]+s\b))(?:,?\s+(?P<y>(?:1[6-9]|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
_ON_DAY = re.compile(r"\s*,?\s*(?:on\s+)?")
_YEAR_IN = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")
_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_VALUE = re.compile(r"\d{4}-\d{2}")
_CLOCK_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_NAMED_DAY = re.compile(r"[A-Za-z]{3}")  # a clock time written with its day ("9 a.m. Tuesday")


def _ranges(results: list[TimeValue], ctx: Context) -> list[TimeValue]:
    """Both ends of a range as timexes of their own, resolved consistently, each with a note naming the range.

    TIMEX3 tags the ends of "from March to May" separately; the end takes its year from the start and
    comes after it, "March 3-5, 2023" gives "5" a timex of its own and both ends the year, and the clock
    times of "from 9 a.m. to 5 p.m. on Tuesday" both fall on Tuesday.
    """
    out = list(results)
    i = 0
    while i < len(out):
        first = out[i]
        if first.type == "DATE" and first.value and _DAY_VALUE.fullmatch(first.value) and first.mod is None:
            added = _day_range(out, i, ctx)
            if added:
                i += 2
                continue
        if i + 1 < len(out):
            second = out[i + 1]
            between = ctx.text[first.end : second.start]
            link = _RANGE_LINK.fullmatch(between)
            if link and (between.strip().lower() != "and" or _after_between(ctx.text, first.start)):
                pair = _ordered(first, second, ctx) or _clock_pair(out, i, ctx)
                if pair is not None:
                    out[i], out[i + 1] = pair
        i += 1
    return out


def _after_between(text: str, start: int) -> bool:
    return text[max(0, start - 9) : start].lower().rstrip().endswith("between")


def _noted(tv: TimeValue, low: str, high: str) -> TimeValue:
    return replace(tv, note=f"range {low} to {high}")


def _day_range(out: list[TimeValue], i: int, ctx: Context) -> bool:
    """'March 3-5', 'March 3 to 5, 2023': the second day becomes a timex of its own."""
    first = out[i]
    m = _DAY_AFTER.match(ctx.text, first.end)
    if m is None or (i + 1 < len(out) and out[i + 1].start < m.end("d")):
        return False
    assert first.value is not None
    start_day = date.fromisoformat(first.value)
    year = int(m["y"]) if m["y"] and not _YEAR_IN.search(first.text) else start_day.year
    try:
        start_day = start_day.replace(year=year)
        end_day = start_day.replace(day=int(m["d"]))
    except ValueError:
        return False
    if end_day <= start_day:
        return False
    low, high = start_day.isoformat(), end_day.isoformat()
    # "April 24 and 25" lists two days; "April 24-25", "between April 24 and 25" span them
    note = f"range {low} to {high}" if m["link"].lower() != "and" or _after_between(ctx.text, first.start) else None
    out[i] = replace(first, value=low, note=note or first.note)
    second = TimeValue(text=m["d"], start=m.start("d"), end=m.end("d"), type="DATE", value=high,
                       precision=first.precision, note=note)  # fmt: skip
    out.insert(i + 1, second)
    if m["y"] and i + 2 < len(out) and out[i + 2].start == m.start("y"):
        del out[i + 2]  # the year belongs to both ends, not a timex of its own
    return True


def _ordered(first: TimeValue, second: TimeValue, ctx: Context) -> tuple[TimeValue, TimeValue] | None:
    """Two dates of the same granularity: the end comes after the start, borrowing the year it lacks."""
    if first.type != "DATE" or second.type != "DATE" or not first.value or not second.value:
        return None
    for pattern in (_DAY_VALUE, _MONTH_VALUE):
        if pattern.fullmatch(first.value) and pattern.fullmatch(second.value):
            break
    else:
        if _YEAR_IN.fullmatch(first.value) and _YEAR_IN.fullmatch(second.value) and first.value < second.value:
            return _noted(first, first.value, second.value), _noted(second, first.value, second.value)
        return None
    low, high = first.value, second.value
    if high < low:
        if not _YEAR_IN.search(second.text):
            high = _move(high, second.text, 1)
        elif not _YEAR_IN.search(first.text):
            low = _move(low, first.text, -1)
        if high < low:
            return None
    return replace(first, value=low, note=f"range {low} to {high}"), replace(second, value=high,
                                                                            note=f"range {low} to {high}")  # fmt: skip


def _move(value: str, text: str, sign: int) -> str:
    """``value`` a week later or earlier when written as a weekday, else a year."""
    if len(value) == 10 and re.search(r"(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)", text):
        return (date.fromisoformat(value) + timedelta(days=7 * sign)).isoformat()
    return f"{int(value[:4]) + sign:04d}{value[4:]}"


def _clock_pair(out: list[TimeValue], i: int, ctx: Context) -> tuple[TimeValue, TimeValue] | None:
    """'from 9 a.m. to 5 p.m. on Tuesday', 'from 9 a.m. to 5 p.m. Tuesday': both clock times on that day."""
    first, second = out[i], out[i + 1]
    if not (first.value and second.value and _CLOCK_VALUE.match(first.value) and _CLOCK_VALUE.match(second.value)):
        return None
    day: str | None = None
    if _NAMED_DAY.search(re.sub(r"(?i)\b(?:[ap]\.?\s?m\b\.?|local\s+time|[a-z]{3,4}\b)", "", second.text)):
        day = second.value[:10]
    elif i + 2 < len(out):
        third = out[i + 2]
        if third.value and _DAY_VALUE.fullmatch(third.value) and _ON_DAY.fullmatch(ctx.text[second.end : third.start]):
            day = third.value
    if day is None:
        return None
    low, high = day + first.value[10:], day + second.value[10:]
    return _noted(replace(first, value=low), low, high), _noted(replace(second, value=high), low, high)
