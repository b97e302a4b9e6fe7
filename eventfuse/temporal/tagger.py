"""Finds and normalises every temporal expression of a text against its publication date (DCT).

Hands the pipeline ``TimeValue`` records (sorted, non-overlapping, exact spans) through ``find_timexes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
    return results


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
    note = UNRESOLVED_NOTE if reading.value is None else None
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
