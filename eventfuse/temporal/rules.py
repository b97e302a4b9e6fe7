"""The recognition rules: one compiled pattern and one normaliser per kind of temporal expression.

Hands ``tagger`` the rule table ``RULES``; each normaliser turns a match into a ``Reading`` (type, value, mod).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import add_months, fmt, holiday, season_of, shift
from .context import Context
from .lexicon import (
    DECADE_WORDS,
    HALF,
    MODS,
    MONTH,
    MONTH_FULL,
    MONTHS,
    NUMBER_ARTICLE,
    NUMBER_DIGITS,
    NUMBER_VAGUE,
    NUMBER_WORD,
    ORDINALS,
    PARTS_OF_DAY,
    SEASONS,
    SMALL_NUMBERS,
    TIME_UNITS,
    UNIT_ANY,
    UNIT_CODES,
    WEEKDAY,
    WEEKDAYS,
    number_value,
)


@dataclass
class Reading:
    """What a rule makes of a match; ``start``/``end`` trim the span when the match took a signal word."""

    type: str
    value: str | None
    mod: str | None = None
    timezone: str | None = None
    start: int | None = None
    end: int | None = None
    day_level: bool = False  # a single day without a clock time, so a clock time may attach to it
    anaphoric: bool = False  # computed from the reference time: it does not become the reference itself
    note: str | None = None  # e.g. the upper end of a range ("two to three weeks")


Normaliser = Callable[[re.Match[str], Context], Reading | None]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    normalise: Normaliser
    capitalised: tuple[str, ...] = ()  # groups that must start with a capital (May, March, Sunday)


@dataclass(frozen=True)
class Anchor:
    """Word kinds every match of a rule contains, and how far the match may reach around them.

    The tagger runs a rule's full pattern only in windows around its anchor words: most of an article
    has no month, weekday or unit word, and the full patterns are slow to try at every position.
    """

    kinds: tuple[str, ...]
    before: int
    after: int


# ---------------------------------------------------------------- shared fragments

_PMOD = (
    r"(?P<pmod>early|late|mid|earlier|later|the\s+(?:beginning|start|end|middle|close|dawn|early\s+part"
    r"|latter\s+part|first\s+part|last\s+part|final\s+part)\s+of)"
)
_QMOD = (
    r"(?P<qmod>more\s+than|less\s+than|fewer\s+than|longer\s+than|at\s+least|at\s+most|no\s+more\s+than"
    r"|no\s+less\s+than|no\s+fewer\s+than|up\s+to|as\s+many\s+as|as\s+much\s+as|just\s+over|just\s+under"
    r"|well\s+over|upwards\s+of|over(?!\s+(?:the|these|those|its|his|her|their|that|this|our)\b)|under"
    r"|nearly|almost|about|around|approximately|roughly|some|close\s+to|an\s+estimated|circa)"
)
_NUMBER = rf"(?P<num>{NUMBER_DIGITS}|{NUMBER_WORD}|{NUMBER_VAGUE}|{NUMBER_ARTICLE}|some)"
_YEAR = r"(?:1[0-9]|20)\d\d"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_END = r"(?![\w-])"


def _norm(words: str | None) -> str:
    return re.sub(r"[\s-]+", " ", words or "").strip().lower()


def _mod(words: str | None) -> str | None:
    return MODS.get(_norm(words)) if words else None


def _group(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


# ---------------------------------------------------------------- year choice by tense


# A date written without its year lies within about eight months of the DCT; the clause's tense only
# chooses between the candidates inside that window (measured on TimeBank: tense alone misleads
# "said it would close Feb. 10" and "to be published in early November").
_TENSE_WINDOW_DAYS = 240


def _pick(
    ctx: Context,
    candidates: list[date],
    start: int,
    end: int,
    *,
    same_default: date | None = None,
    now: date | None = None,
) -> date:
    """Choose among candidate dates: by the clause's tense (past -> latest not after the DCT, future ->
    earliest not before it) within the window, else ``same_default`` or the nearest."""
    dct = now or ctx.anchor()
    tense = ctx.tense(start, end)
    if tense == "past":
        past = [c for c in candidates if c <= dct and (dct - c).days <= _TENSE_WINDOW_DAYS]
        if past:
            return max(past)
    elif tense == "future":
        future = [c for c in candidates if c >= dct and (c - dct).days <= _TENSE_WINDOW_DAYS]
        if future:
            return min(future)
    if same_default is not None:
        return same_default
    return min(candidates, key=lambda c: (abs((c - dct).days), c > dct))


def _month_year(ctx: Context, month: int, start: int, end: int) -> int:
    """The year of a bare month name ("in December"), compared month to month with the DCT."""
    dct = ctx.anchor()
    this_month = date(dct.year, dct.month, 15)
    options = [date(dct.year + k, month, 15) for k in (-1, 0, 1)]
    return _pick(ctx, options, start, end, now=this_month).year


def _weekday_date(ctx: Context, weekday: int, rel: str, start: int, end: int) -> date:
    dct = ctx.anchor()
    back = (dct.weekday() - weekday) % 7
    forward = (weekday - dct.weekday()) % 7
    if rel in ("last", "past", "previous", "this past"):
        return dct - timedelta(days=back or 7)
    if rel == "next":
        return dct + timedelta(days=forward or 7)
    if rel in ("this coming", "coming"):
        return dct + timedelta(days=forward)
    tense = ctx.tense(start, end)
    if tense == "future":
        return dct + timedelta(days=forward)
    if rel == "this" and tense != "past":
        return dct + timedelta(days=forward)
    return dct - timedelta(days=back)


# ---------------------------------------------------------------- normalisers


def _iso(m: re.Match[str], ctx: Context) -> Reading | None:
    try:
        day = date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None
    if m["h"]:
        return Reading("TIME", f"{day.isoformat()}T{int(m['h']):02d}:{m['mi']}", timezone=_zone(m, ctx))
    return Reading("DATE", day.isoformat(), day_level=True)


def _numeric_date(m: re.Match[str], ctx: Context) -> Reading | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    if year < 100:
        year += 1900 if year >= 50 else 2000
    month, day = (a, b) if a <= 12 else (b, a)
    try:
        return Reading("DATE", date(year, month, day).isoformat(), day_level=True)
    except ValueError:
        return None


def _month_day(m: re.Match[str], ctx: Context) -> Reading | None:
    month = MONTHS[m["month"].rstrip(".").lower()]
    day = int(m["day"])
    mod = _mod(_group(m, "pmod"))
    if m["year"]:
        try:
            return Reading("DATE", date(int(m["year"]), month, day).isoformat(), mod=mod, day_level=mod is None)
        except ValueError:
            return None
    dct = ctx.anchor()
    candidates = []
    for year in (dct.year - 1, dct.year, dct.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if m["wd"]:  # "Thursday, April 6": the weekday picks the year
        weekday = WEEKDAYS[m["wd"].rstrip(".").lower()]
        matching = [c for c in candidates if c.weekday() == weekday]
        candidates = matching or candidates
    chosen = _pick(ctx, candidates, m.start(), m.end())
    return Reading("DATE", chosen.isoformat(), mod=mod, day_level=mod is None)


def _month_year_rule(m: re.Match[str], ctx: Context) -> Reading | None:
    month = MONTHS[m["month"].rstrip(".").lower()]
    year_text = m["year"]
    year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text[1:]), ctx)
    return Reading("DATE", f"{year:04d}-{month:02d}", mod=_mod(_group(m, "pmod")))


def _two_digit_year(yy: int, ctx: Context) -> int:
    """'98 or "the nineties": the century that puts the year at most ten years after the DCT."""
    now = ctx.dct.year if ctx.dct else 2030
    year = now - now % 100 + yy
    return year - 100 if year > now + 10 else year


def _month_only(m: re.Match[str], ctx: Context) -> Reading | None:
    word = m["month"]
    pmod, rel, yrel = _group(m, "pmod"), _norm(_group(m, "rel")), _norm(_group(m, "yrel"))
    if word in ("May", "March") and not (pmod or rel or yrel):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower().split()
        if not before or before[-1] not in _MONTH_PREPOSITIONS:
            return None
    month = MONTHS[word.lower()]
    if rel in ("each", "every"):
        return Reading("SET", f"XXXX-{month:02d}")
    dct = ctx.anchor()
    if yrel:
        year = dct.year + {"this": 0, "last": -1, "next": 1}[yrel]
    elif rel in ("last", "past", "this past"):
        year = dct.year if month < dct.month else dct.year - 1
    elif rel in ("next", "coming", "this coming"):
        year = dct.year if month > dct.month else dct.year + 1
    elif rel == "this":
        year = dct.year
    else:
        year = _month_year(ctx, month, m.start(), m.end())
    return Reading("DATE", f"{year:04d}-{month:02d}", mod=_mod(pmod))


_MONTH_PREPOSITIONS = frozenset(
    "in of since until till by during from through to before after between and early late mid last next this "
    "each every since, in, of".split()
)


def _year(m: re.Match[str], ctx: Context) -> Reading | None:
    before = ctx.text[max(0, m.start() - 2) : m.start()]
    if re.search(r"[$€£#]|\d[,.]$", before):
        return None
    mod = _mod(_group(m, "pmod"))
    prepost = _norm(_group(m, "prepost"))
    if prepost:
        mod = "AFTER" if prepost == "post" else "BEFORE"
    return Reading("DATE", m["year"], mod=mod)


def _spelled_year(m: re.Match[str], ctx: Context) -> Reading | None:
    century = {"nineteen": 1900, "eighteen": 1800, "two thousand": 2000, "twenty": 2000}[_norm(m["c"])]
    if century < 2000 and not m["rest"]:
        return None  # "eighteen percent", "nineteen thousand jobs"
    rest = number_value(m["rest"]) if m["rest"] else 0
    if rest is None or rest >= 100:
        return None
    return Reading("DATE", str(century + int(rest)))


def _decade(m: re.Match[str], ctx: Context) -> Reading | None:
    mod = _mod(_group(m, "pmod"))
    if m["dec"]:
        return Reading("DATE", m["dec"][:3], mod=mod)
    if m["d2"]:
        digit = int(m["d2"])
        return Reading("DATE", str(_two_digit_year(digit * 10, ctx))[:3], mod=mod)
    digit = DECADE_WORDS[m["dw"].lower()]
    century = "19" if m["nineteen"] else None
    if century is None:
        year = _two_digit_year(digit * 10, ctx)
        century = str(year)[:2]
    return Reading("DATE", f"{century}{digit}", mod=mod)


def _century(m: re.Match[str], ctx: Context) -> Reading | None:
    word = _norm(m["ord"])
    n = int(re.sub(r"\D", "", word)) if word[0].isdigit() else ORDINALS.get(word)
    if not n or n > 30:
        return None
    return Reading("DATE", f"{n - 1:02d}", mod=_mod(_group(m, "pmod")))


def _quarter(m: re.Match[str], ctx: Context) -> Reading | None:
    ordinal = _norm(m["ord"])
    n = ORDINALS.get(ordinal) or int(re.sub(r"\D", "", ordinal) or 0)
    half = m["what"].lower().startswith("half")
    if not 1 <= n <= (2 if half else 4):
        return None
    year_text = _norm(m["yr"] or m["yr2"])
    if re.fullmatch(r"\d{4}", year_text):
        year = int(year_text)
    else:
        dct = ctx.anchor()
        if year_text:
            offset = -1 if ("last" in year_text or "ago" in year_text or "earlier" in year_text) else 0
            year = dct.year + (1 if "next" in year_text else offset)
        else:
            current = (dct.month - 1) // 3 + 1 if not half else (1 if dct.month <= 6 else 2)
            year = dct.year
            if n > current and ctx.tense(m.start(), m.end()) != "future":
                year -= 1
    return Reading("DATE", f"{year:04d}-{'H' if half else 'Q'}{n}", mod=_mod(_group(m, "pmod")))


def _fiscal_period(m: re.Match[str], ctx: Context) -> Reading | None:
    """'the quarter', 'the latest quarter', 'the year-ago period': the last quarter reported on."""
    which = _norm(_group(m, "which"))
    year_text = _group(m, "yr")
    dct = ctx.anchor()
    reported = add_months(date(dct.year, dct.month, 1), -3)  # the last full quarter before the DCT
    if year_text:
        return Reading("DATE", f"{year_text}-Q{(reported.month - 1) // 3 + 1}")
    if which in ("year ago", "year earlier", "year before", "prior year"):
        return Reading("DATE", fmt(add_months(reported, -12), "quarter"))
    if not which and ctx.ref is not None and ctx.ref[1] == "quarter":
        return Reading("DATE", fmt(ctx.ref[0], "quarter"), anaphoric=True)
    return Reading("DATE", fmt(reported, "quarter"))


def _year_before_period(ctx: Context) -> Reading | None:
    """The period a year before the reporting period under discussion (a quarter, half or month).

    A report compares its current period with the same one a year before: when the reference is already
    that earlier period ("the 1988 period ... the year-ago results"), it is the one meant, not a year before it.
    """
    if ctx.ref is None or ctx.ref[1] not in ("quarter", "half", "month"):
        return None
    ref_day, grain = ctx.ref
    dct = ctx.anchor()
    if ref_day > add_months(dct, -12):
        return Reading("DATE", fmt(shift(ref_day, "year", -1), grain), anaphoric=True)
    if ref_day > add_months(dct, -24):
        return Reading("DATE", fmt(ref_day, grain), anaphoric=True)
    return None


def _year_earlier(m: re.Match[str], ctx: Context) -> Reading | None:
    """'year-earlier results': the same period a year before the quarter under discussion, else last year."""
    return _year_before_period(ctx) or Reading("DATE", str(ctx.anchor().year - 1))


def _the_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """'for the year', 'the end of the year': the year under discussion; 'the year ended June 30' is a year long."""
    if m["ended"]:
        return Reading("DURATION", "P1Y", end=m.end("year"))
    # in news the year under discussion is the current one: a past year is named ("in 1988", "that year")
    return Reading("DATE", str(ctx.anchor().year), mod=_mod(_group(m, "pmod")), anaphoric=True)


def _year_end(m: re.Match[str], ctx: Context) -> Reading | None:
    """'by year-end': the end of this year; 'since year-end': the end of the last one."""
    dct = ctx.anchor()
    before = ctx.text[max(0, m.start() - 8) : m.start()].lower().split()
    year = dct.year - 1 if before and before[-1] == "since" else dct.year
    return Reading("DATE", str(year), mod="END")


def _weekday(m: re.Match[str], ctx: Context) -> Reading | None:
    weekday = WEEKDAYS[m["wd"].rstrip(".").lower()]
    day = _weekday_date(ctx, weekday, _norm(_group(m, "rel")), m.start(), m.end())
    mod = _mod(_group(m, "pmod"))
    pod = _norm(_group(m, "pod"))
    if pod:
        return Reading("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[pod][1:]}", mod=mod, timezone=ctx.timezone)
    return Reading("DATE", day.isoformat(), mod=mod, day_level=mod is None)


def _weekday_set(m: re.Match[str], ctx: Context) -> Reading | None:
    weekday = WEEKDAYS[re.sub(r"s$", "", m["wd"].lower())]
    pod = _norm(_group(m, "pod")).rstrip("s")
    suffix = f"T{PARTS_OF_DAY[pod][1:]}" if pod in PARTS_OF_DAY else ""
    return Reading("SET", f"XXXX-WXX-{weekday + 1}{suffix}")


_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2}
_DAY_WORDS["the day after tomorrow"] = 2


def _day_word(m: re.Match[str], ctx: Context) -> Reading | None:
    word = _norm(m["w"])
    day = ctx.anchor() + timedelta(days=_DAY_WORDS[word])
    mod = _mod(_group(m, "pmod"))
    pod = _norm(_group(m, "pod")) or ("tonight" if word == "tonight" else "")
    if pod:
        return Reading("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[pod][1:]}", mod=mod, timezone=ctx.timezone)
    return Reading("DATE", day.isoformat(), mod=mod, day_level=mod is None)


_PREVIOUS = ("last", "previous", "the previous", "the preceding", "past")
_NEXT = ("next", "coming", "the coming", "this coming", "the next")
_ANAPHORIC = ("the following", "the next", "the previous", "the preceding", "that", "the same")


def _relative_unit(m: re.Match[str], ctx: Context) -> Reading | None:
    if _titled(m):
        return None
    rel, unit = _norm(m["rel"]), _norm(m["unit"])
    mod = _mod(_group(m, "pmod"))
    unit = {"fiscal year": "year", "calendar year": "year", "autumn": "fall"}.get(unit, unit)
    if unit in PARTS_OF_DAY:
        return _relative_part_of_day(rel, unit, ctx, mod)
    if unit in SEASONS:
        return _relative_season(rel, SEASONS[unit], ctx, mod, m)
    if unit == "day" or (rel in _ANAPHORIC and rel not in ("the next",)):
        if unit == "day" and rel in ("this", "the current", "current", "the past", "this past", "past", "last"):
            return None
        ref_day, ref_grain = ctx.reference()
        step = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1}.get(rel, 0)
        value = fmt(shift(ref_day, unit, step), unit)
        return Reading("DATE", value, mod=mod, day_level=unit == "day" and mod is None, anaphoric=True)
    dct = ctx.anchor()
    if rel in ("this past", "the past", "the last") and unit == "week":
        return Reading("DATE", fmt(dct - timedelta(days=3), "week"), mod=mod)
    if rel in ("this past", "the past", "the last") or rel in _PREVIOUS:
        if unit == "weekend":
            back = (dct.weekday() - 5) % 7
            saturday = dct - timedelta(days=back if rel not in ("last",) or back > 1 else back + 7)
            return Reading("DATE", fmt(saturday, "weekend"), mod=mod)
        return Reading("DATE", fmt(shift(dct, unit, -1), unit), mod=mod)
    if rel in _NEXT:
        if unit == "weekend":
            saturday = dct + timedelta(days=(5 - dct.weekday()) % 7)
            return Reading("DATE", fmt(saturday, "weekend"), mod=mod)
        return Reading("DATE", fmt(shift(dct, unit, 1), unit), mod=mod)
    if unit == "weekend":  # "this weekend", "the weekend": the one just past unless the clause looks ahead
        forward = ctx.tense(m.start(), m.end()) == "future"
        offset = (5 - dct.weekday()) % 7 if forward else -((dct.weekday() - 5) % 7)
        return Reading("DATE", fmt(dct + timedelta(days=offset), "weekend"), mod=mod)
    return Reading("DATE", fmt(dct, unit), mod=mod)


def _relative_part_of_day(rel: str, pod: str, ctx: Context, mod: str | None) -> Reading | None:
    code = PARTS_OF_DAY[pod][1:]
    if rel in _ANAPHORIC:
        ref_day, grain = ctx.reference()
        if grain != "day":
            return None
        step = 1 if rel in ("the following", "the next") else (-1 if rel in ("the previous", "the preceding") else 0)
        day = ref_day + timedelta(days=step)
        return Reading("TIME", f"{day.isoformat()}T{code}", mod=mod, anaphoric=True)
    dct = ctx.anchor()
    offsets = {"this": 0, "last": -1, "the previous": -1, "next": 1, "tomorrow": 1, "yesterday": -1}
    if rel not in offsets:
        return None
    day = dct + timedelta(days=offsets[rel])
    return Reading("TIME", f"{day.isoformat()}T{code}", mod=mod, timezone=ctx.timezone)


def _relative_season(rel: str, code: str, ctx: Context, mod: str | None, m: re.Match[str]) -> Reading | None:
    dct = ctx.anchor()
    current_year, current_code = season_of(dct)
    order = ["WI", "SP", "SU", "FA"]

    def occurrences() -> list[tuple[int, str]]:
        return [(y, code) for y in range(dct.year - 2, dct.year + 2)]

    def key(item: tuple[int, str]) -> tuple[int, int]:
        year, c = item
        # winter starts in December: it comes after fall of the same year
        return (year, order.index(c) if c != "WI" else 4)

    now = key((current_year, current_code))
    if rel in _PREVIOUS or rel in ("this past", "the past", "the last"):
        year, c = max((o for o in occurrences() if key(o) < now), key=key)
    elif rel in _NEXT:
        year, c = min((o for o in occurrences() if key(o) > now), key=key)
    elif rel in ("this", "the current", "current"):
        if code == current_code:
            year, c = current_year, code
        else:
            year, c = (dct.year if code != "WI" or dct.month == 12 else dct.year - 1), code
            if code == "WI" and dct.month >= 3:
                year = dct.year
    else:  # "the summer", "that winter": the one in the clause's tense, else this year's
        tense = ctx.tense(m.start(), m.end())
        candidates = occurrences()
        if tense == "past":
            year, c = max((o for o in candidates if key(o) <= now), key=key)
        elif tense == "future":
            year, c = min((o for o in candidates if key(o) >= now), key=key)
        else:
            year, c = (current_year if code == current_code else dct.year), code
    return Reading("DATE", f"{year:04d}-{c}", mod=mod)


def _season_year(m: re.Match[str], ctx: Context) -> Reading | None:
    code = SEASONS[m["season"].lower()]
    year_text = _group(m, "year")
    if year_text:
        return Reading("DATE", f"{year_text}-{code}", mod=_mod(_group(m, "pmod")))
    return _relative_season("", code, ctx, _mod(_group(m, "pmod")), m)


def _holiday(m: re.Match[str], ctx: Context) -> Reading | None:
    name = m["h"]
    if m["year"]:
        day = holiday(name, int(m["year"]))
    else:
        dct = ctx.anchor()
        options = [d for y in (dct.year - 1, dct.year, dct.year + 1) if (d := holiday(name, y))]
        if not options:
            return None
        rel = _norm(_group(m, "rel"))
        if rel == "last":
            day = max(d for d in options if d < dct)
        elif rel == "next":
            day = min(d for d in options if d > dct)
        else:
            this_year = holiday(name, dct.year)
            day = _pick(ctx, options, m.start(), m.end(), same_default=this_year if rel == "this" else None)
    if day is None:
        return None
    return Reading("DATE", day.isoformat(), day_level=True)


def _clock(m: re.Match[str], ctx: Context) -> Reading | None:
    groups = m.groupdict()
    word = _norm(groups.get("w"))
    if word and re.search(r"\bhigh\s+$", ctx.text[max(0, m.start() - 6) : m.start()], re.IGNORECASE):
        return None  # "high noon"
    if word in ("noon", "midday"):
        hour, minute = 12, 0
    elif word == "midnight":
        hour, minute = 24, 0
    else:
        hour_text = groups["h"]
        hour_value = int(hour_text) if hour_text.isdigit() else SMALL_NUMBERS.get(hour_text.lower())
        if hour_value is None:
            return None
        hour, minute = int(hour_value), int(groups.get("mi") or 0)
        ampm = (groups.get("ampm") or "").lower().replace(" ", "").replace(".", "")
        pod = _norm(groups.get("pod"))
        if ampm and not 1 <= hour <= 12:
            return None
        if ampm == "pm" or pod in ("afternoon", "evening", "night"):
            hour = hour % 12 + 12 if not (pod == "night" and hour < 5) else hour
        elif ampm == "am" or pod == "morning":
            hour = hour % 12
        if hour > 24 or minute > 59:
            return None
    day = _clock_day(ctx)
    clock = f"T{hour:02d}:{minute:02d}"
    return Reading("TIME", f"{day.isoformat()}{clock}", mod=_mod(groups.get("qmod")), timezone=_zone(m, ctx))


def _clock_day(ctx: Context) -> date:
    if ctx.ref is not None and ctx.ref[1] == "day":
        return ctx.ref[0]
    return ctx.anchor()


_ZONES = {
    "gmt": "UTC", "utc": "UTC", "z": "UTC", "est": "America/New_York", "edt": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "mst": "America/Denver", "mdt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "bst": "Europe/London", "cet": "Europe/Paris",
    "cest": "Europe/Paris", "msk": "Europe/Moscow", "eet": "Europe/Athens", "eest": "Europe/Athens",
}  # fmt: skip


def _zone(m: re.Match[str], ctx: Context) -> str | None:
    tz = _norm(m.groupdict().get("tz")).strip("()")
    if tz and tz in _ZONES:
        return _ZONES[tz]
    if ctx.timezone:
        return ctx.timezone
    return "local" if tz == "local time" else None


def _duration_value(amount: float | None, unit: str) -> str:
    """ISO 8601 duration for ``amount`` units; vague amounts give X ("PXY")."""
    code = UNIT_CODES[unit]
    time_part = "T" if unit in TIME_UNITS else ""
    if amount is None:
        return f"P{time_part}X{code}"
    scale = {"decade": ("Y", 10), "century": ("Y", 100), "millennium": ("Y", 1000), "quarter": ("M", 3)}
    scale["fortnight"] = ("W", 2)
    if unit in scale:
        code, factor = scale[unit]
        amount *= factor
    if amount == int(amount):
        return f"P{time_part}{int(amount)}{code}"
    whole = int(amount)
    lower = {"Y": ("M", 12), "W": ("D", 7), "D": ("H", 24)}
    if time_part:
        lower = {"H": ("M", 60), "M": ("S", 60)}
    if code in lower:
        small, per = lower[code]
        rest = round((amount - whole) * per)
        head = f"{whole}{code}" if whole else ""
        if code == "D" and not time_part:
            return f"P{head}T{rest}H"
        return f"P{time_part}{head}{rest}{small}"
    return f"P{time_part}{amount:g}{code}"


def _unit_of(word: str) -> str:
    word = word.lower()
    if word in ("centuries", "century"):
        return "century"
    if word in ("millennia", "millennium"):
        return "millennium"
    return word[:-1] if word.endswith("s") else word


_DIRECTION_AGO = ("ago", "back", "from now", "hence")
_FINE_ENOUGH = {"day": 0, "week": 1, "weekend": 1, "month": 2, "quarter": 3, "half": 4, "season": 4, "year": 5}


def _quantity(m: re.Match[str], ctx: Context) -> Reading | None:
    """Durations ("three months"), and offsets from the DCT or the reference time ("a year ago", "a day later")."""
    unit = _unit_of(m["unit"])
    num_text = _norm(m["num"])
    amount = number_value(num_text)
    upper = _range_upper(m, amount)
    if upper is False:  # "1990 to three years", "two and three years": only the second number counts
        return _quantity_from_second_number(m, ctx)
    if re.fullmatch(r"1[6-9]\d\d|20\d\d", num_text) and not m["unit"].lower().endswith("s"):
        return None  # "the 1988 quarter" is a date, not 1988 quarters
    if _not_a_time(m, unit, num_text):
        return None
    if amount is not None and (m["half"] or m["half2"]):
        amount += 0.5
    qmod = _group(m, "qmod") or _group(m, "qmod2")
    mod = _mod(qmod)
    direction = _norm(_group(m, "dir"))
    approx = bool(_group(m, "orso"))
    if approx:
        mod = mod or "APPROX"
    if direction and direction not in _DIRECTION_AGO:
        following = ctx.text[m.end() : m.end() + 2].lstrip(" ")
        clause_ends = not following or following[0] in ".,;:)\"'”’!?\n"
        if (direction in ("before", "after") and not clause_ends) or unit in TIME_UNITS:
            return _duration_before_signal(amount, unit, mod, m)
        return _offset(ctx, amount, unit, -1 if direction in ("earlier", "before", "previously", "prior") else 1,
                       mod, anchor="reference")  # fmt: skip
    if direction:
        return _offset(ctx, amount, unit, -1 if direction in ("ago", "back") else 1, mod, anchor="dct")
    if unit == "weekend" and amount is None:
        return None
    if num_text == "one" and unit == "day" and not (qmod or _group(m, "det") or _group(m, "rel")):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower().split()
        if before and before[-1] in ("will", "would", "could", "may", "might", "can", "shall", "should", "must"):
            return Reading("DATE", "FUTURE_REF")  # "Islam will one day be ..."
    if num_text in ("a", "an") and not (qmod or _group(m, "det") or _group(m, "rel")):
        before = ctx.text[max(0, m.start() - 40) : m.start()].lower()
        if re.search(r"(?:once|twice|times|\bper)\s*$", before):
            return Reading("SET", _duration_value(1, unit))
        if _RATE.search(before):
            return None  # "$2 million a year", "four flights a week": a rate, which TimeBank leaves untagged
    if num_text == "one" and not (qmod or _group(m, "det") or _group(m, "rel")):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"(?:once|twice|times|\bper|\d|%)\s*$", before):
            return Reading("SET", _duration_value(1, unit))
    if upper is not None:
        low, high = _duration_value(amount, unit), _duration_value(upper, unit)
        return Reading("DURATION", low, mod=mod, note=f"range {low} to {high}")
    return Reading("DURATION", _duration_value(amount, unit), mod=mod)


# an amount or a count just before "a year"/"a week": "$1.76 a year", "700 seats a week", "24 hours a day"
_RATE = re.compile(
    r"(?:\d[\d,.]*%?|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion))"
    r"(?:\s+(?!(?:for|in|within|after|over|about|than|of|during|by|since|until|from)\b)[a-z.-]+){0,2}\s*$"
)
_AGE = re.compile(r"[\s-]+old\b|\s+of\s+age\b", re.IGNORECASE)
_FRACTION_OF = re.compile(
    r"\s+of\s+(?!(?:the\s+)?(?:fiscal\s+|calendar\s+)?(?:year|(?:19|20)\d\d|this|last|next)\b)", re.IGNORECASE
)
_AFTER_A_SECOND = frozenset("ago later earlier after before of or and to in for".split())


def _titled(m: re.Match[str]) -> bool:
    """A capitalised unit word inside a sentence names a show or a work: "CBS's '60 Minutes'", "ABC's 'This Week'"."""
    unit = m["unit"]
    if not unit[0].isupper() or unit.isupper() or m.start("unit") == m.start():
        return False
    before = m.string[max(0, m.start() - 8) : m.start()].rstrip(" \"'“‘")
    return not (before == "" or before[-1] in ".!?\n")  # a capital at a sentence start is no title


def _not_a_time(m: re.Match[str], unit: str, num_text: str) -> bool:
    """Ages ("52 years old"), fractions ("three-quarters of its food"), ordinals ("a second group"), titles."""
    after = m.string[m.end() : m.end() + 40]
    if _titled(m):
        return True
    if unit in ("year", "month", "week", "day") and not m.groupdict().get("dir") and _AGE.match(after):
        return True
    if unit == "quarter" and not (_group(m, "rel") or _group(m, "det")) and _FRACTION_OF.match(after):
        return True
    if unit == "second" and num_text in ("a", "an", "one") and not m.groupdict().get("dir"):
        word = re.match(r"\s+([a-z]+)", after)
        return word is not None and word.group(1) not in _AFTER_A_SECOND
    return False


def _range_upper(m: re.Match[str], amount: float | None) -> float | bool | None:
    """The upper end of a quantity range; None when there is none, False when the match is not a range."""
    if not m.groupdict().get("num2"):
        return None
    upper = number_value(m["num2"])
    conn = m["conn"].lower()
    between = m.string[max(0, m.start() - 9) : m.start()].lower().rstrip().endswith("between")
    if amount is None or upper is None or upper <= amount or (conn == "and" and not between):
        return False
    if re.fullmatch(r"1[6-9]\d\d|20\d\d", _norm(m["num"])):
        return False  # a year, then a quantity: "in 1990 to three years"
    return upper


def _quantity_from_second_number(m: re.Match[str], ctx: Context) -> Reading | None:
    second = PREFIXES["quantity"][0].match(m.string, m.start("num2"), m.end())
    if second is None or second.groupdict().get("num2"):
        return None
    reading = _quantity(second, ctx)
    if reading is not None and reading.start is None:
        reading.start = second.start()
    return reading


def _duration_before_signal(amount: float | None, unit: str, mod: str | None, m: re.Match[str]) -> Reading:
    """ "one day after X returned": a duration; "after" is a signal, not part of the expression."""
    end = m.start("dir")
    while end > m.start() and m.string[end - 1].isspace():
        end -= 1
    return Reading("DURATION", _duration_value(amount, unit), mod=mod, end=end)


def _offset(ctx: Context, amount: float | None, unit: str, sign: int, mod: str | None, *, anchor: str) -> Reading:
    if amount is None:  # "several years ago", "a few days later"
        return Reading("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", mod=mod)
    if unit in TIME_UNITS:
        if anchor == "dct" and ctx.dct_clock is not None:
            seconds = {"hour": 3600, "minute": 60, "second": 1}[unit] * amount
            moment = ctx.dct_clock + timedelta(seconds=sign * seconds)
            return Reading("TIME", moment.strftime("%Y-%m-%dT%H:%M"), mod=mod)
        day, _ = (ctx.anchor(), "day") if anchor == "dct" else ctx.reference()
        return Reading("DATE", day.isoformat(), mod=mod or "APPROX")
    if unit == "year" and amount == 1 and ctx.ref is not None and ctx.ref[1] in ("quarter", "half"):
        # "net of $6 million a year ago" after "the third quarter": the same quarter a year before
        compared = _year_before_period(ctx)
        if compared is not None:
            compared.mod = mod
            return compared
    if anchor == "dct":
        base, grain = ctx.anchor(), "day"
    else:
        base, grain = ctx.reference()
    whole = int(amount)
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12, "decade": 120, "century": 1200, "millennium": 12000}
    if amount != whole and unit in months:
        moved = add_months(base, sign * round(amount * months[unit]))
        unit_grain = "month"
    elif unit in ("day", "night"):
        moved, unit_grain = base + timedelta(days=sign * whole), "day"
    elif unit in ("week", "weekend", "fortnight"):
        days = 7 * amount * (2 if unit == "fortnight" else 1)
        moved, unit_grain = base + timedelta(days=sign * round(days)), "day"
    else:
        moved = add_months(base, sign * whole * months.get(unit, 12))
        unit_grain = unit if unit in ("month", "quarter", "year") else "year"
    # keep the reference's granularity when it is finer than the unit's ("a year earlier" than 1989-Q3 is 1988-Q3)
    if grain != "day" and _FINE_ENOUGH.get(grain, 9) <= _FINE_ENOUGH.get(unit_grain, 9):
        unit_grain = grain
    return Reading("DATE", fmt(moved, unit_grain), mod=mod)


def _vague_plural(m: re.Match[str], ctx: Context) -> Reading | None:
    unit = _unit_of(m["unit"])
    return Reading("DURATION", _duration_value(None, unit))


def _ref(value: str) -> Normaliser:
    def normalise(m: re.Match[str], ctx: Context) -> Reading | None:
        return Reading("DATE", value)

    return normalise


def _set_word(m: re.Match[str], ctx: Context) -> Reading | None:
    word = m["w"].lower().replace("-", "")
    unit = {
        "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
        "hourly": "PT1H", "quarterly": "P3M", "biweekly": "P2W", "bimonthly": "P2M", "semiannually": "P6M",
    }[word]  # fmt: skip
    return Reading("SET", unit)


def _every(m: re.Match[str], ctx: Context) -> Reading | None:
    unit = _unit_of(m["unit"])
    other = _norm(_group(m, "n"))
    amount = 2 if other == "other" else (number_value(other) if other else 1)
    if amount is None:
        return None
    if unit in PARTS_OF_DAY:
        return Reading("SET", "P1D")
    return Reading("SET", _duration_value(amount, unit))


# ---------------------------------------------------------------- the table


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_TZ = r"(?:\s*\(?(?P<tz>local\s+time|(?:[ECMP][SD]T|GMT|UTC|BST|CET|CEST|EET|EEST|MSK)(?![\w]))\)?)?"
_AMPM = r"(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|am(?![\w])|pm(?![\w]))"
_CLOCK_QMOD = r"(?:(?P<qmod>about|around|approximately|roughly|some|nearly|almost|at\s+about|at\s+around)\s+)?"
_ANY_YEAR = rf"(?P<year>{_YEAR})(?!\d)"
_WD_GROUP = rf"(?:(?P<wd>{WEEKDAY}),?\s+)?"
_HOLIDAYS = (
    r"(?P<h>Christmas\s+(?:Day|Eve)|Christmas|New\s+Year['’]s\s+(?:Day|Eve)|New\s+Year['’]s|Thanksgiving(?:\s+Day)?"
    r"|Easter(?:\s+Sunday)?|Good\s+Friday|Independence\s+Day|Election\s+Day|Halloween|Valentine['’]s\s+Day"
    r"|Labou?r\s+Day|Memorial\s+Day|Veterans\s+Day|Boxing\s+Day|Armistice\s+Day)"
)
_COUNT_NOUNS = (
    r"people|persons|troops|soldiers|fighters|militants|men|women|children|civilians|residents|families|homes"
    r"|houses|tons|tonnes|km|kilometers|kilometres|miles|meters|metres|feet|dollars|euros|pounds|barrels|shares"
    r"|cars|vehicles|units|rockets|missiles|drones|shells|jobs|workers|employees|members|votes|acres|points"
)

_QUANTITY_PREFIX = (
    rf"(?:{_QMOD}\s+)?(?:(?P<det>the|these|those|its|their|his|her|our)\s+)?"
    r"(?:(?P<rel>past|last|next|first|final|coming|previous|following|remaining|preceding|latest|initial"
    rf"|ensuing|subsequent|additional|other)\s+)?(?:{_QMOD.replace('qmod', 'qmod2')}\s+)?"
)
# "two to three weeks", "12-18 months", "one or two days", "between five and ten years": one duration
_RANGE_END = rf"(?:\s*(?P<conn>-|–|to|or|and)\s*(?P<num2>{NUMBER_DIGITS}|{NUMBER_WORD}))?"
_QUANTITY_CORE = (
    rf"\b{_NUMBER}{_RANGE_END}(?P<half>{HALF})?[\s-]+(?:(?:more|additional|full|straight|consecutive|long|whole|extra"
    rf"|successive|short)\s+)?(?P<unit>{UNIT_ANY})(?P<half2>{HALF})?(?![\w-])(?P<orso>\s+or\s+so)?"
    r"(?:\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back|previously|prior)(?![\w-]))?"
)
# Searching for the quantity alone is fast; its optional prefix ("more than", "the past") is then found
# by matching backwards from it (PREFIXES), since trying the prefix at every position is slow.
PREFIXES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "quantity": (_rx(_QUANTITY_CORE), _rx(r"(?<![\w-])" + _QUANTITY_PREFIX + r"\Z")),
}

RULES: list[Rule] = [
    Rule(
        "iso",
        _rx(r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::\d{2})?(?P<tz>Z)?)?(?!\d)"),
        _iso,
    ),
    Rule("numeric_date", _rx(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"), _numeric_date),
    Rule(
        "month_day",
        _rx(rf"\b(?:{_PMOD}\s+(?:on\s+)?)?{_WD_GROUP}(?P<month>{MONTH})\s*{_DAY}(?:,?\s*{_ANY_YEAR})?"),
        _month_day,
        ("month", "wd"),
    ),
    Rule(
        "day_month",
        _rx(
            rf"\b(?:{_PMOD}\s+(?:on\s+)?)?{_WD_GROUP}(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{MONTH})(?:,?\s+{_ANY_YEAR})?"
        ),
        _month_day,
        ("month", "wd"),
    ),
    Rule(
        "month_year",
        _rx(rf"\b(?:{_PMOD}(?:-|\s+))?(?P<month>{MONTH})(?:\s+of)?,?\s+(?P<year>{_YEAR}|'\d\d)(?![\d,]\d|\d)"),
        _month_year_rule,
        ("month",),
    ),
    Rule(
        "month",
        _rx(
            rf"\b(?:{_PMOD}(?:-|\s+))?(?:(?P<rel>this\s+past|this\s+coming|last|next|this|coming|past|each|every)\s+)?"
            rf"(?P<month>{MONTH_FULL})(?:\s+(?P<yrel>this|last|next)\s+year)?{_END}"
        ),
        _month_only,
        ("month",),
    ),
    Rule(
        "year",
        _rx(
            rf"\b(?:{_PMOD}(?:-|\s+))?(?:(?P<prepost>pre|post)-)?(?:(?:fiscal|calendar|the\s+year|fiscal\s+year|FY)\s*)?"
            rf"(?P<year>1[6-9]\d\d|20\d\d)(?![\d,.]\d|\d|\s*%|\s*percent|-(?!(?:1[6-9]|20)\d\d(?![\d-]))\d|\s+(?:{_COUNT_NOUNS})\b|'s\b|s\b)"
        ),
        _year,
    ),
    Rule(
        "spelled_year",
        _rx(
            rf"\b(?:the\s+year\s+)?(?P<c>nineteen|eighteen|two\s+thousand)(?:(?:\s+and)?[\s-]+(?P<rest>{NUMBER_WORD}))?{_END}(?!\s+{UNIT_ANY})"
        ),
        _spelled_year,
    ),
    Rule(
        "decade",
        _rx(
            r"\b(?:the\s+)?(?:(?P<pmod>early|late|mid)[- ]?)?(?:(?P<dec>(?:1[0-9]|20)\d0)['’]?s|['’](?P<d2>\d)0['’]?s"
            r"|(?<=the )(?P<nineteen>nineteen[- ])?(?P<dw>twenties|thirties|forties|fifties|sixties|seventies"
            r"|eighties|nineties))(?![\w])"
        ),
        _decade,
    ),
    Rule(
        "century",
        _rx(
            r"\b(?:the\s+)?(?:(?P<pmod>early|late|mid)[- ])?(?P<ord>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth"
            r"|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
            r"|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ]first)[- ]century(?![\w])"
        ),
        _century,
    ),
    Rule(
        "quarter",
        _rx(
            rf"\b(?:{_PMOD}\s+)?(?:the\s+)?(?:(?P<yr>{_YEAR}|this\s+year's|last\s+year's|next\s+year's)\s+)?"
            r"(?:(?:fiscal|calendar|current|latest)\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
            r"[- ](?:fiscal[- ])?(?P<what>quarter|half)(?![\w-])"
            rf"(?:\s+of\s+(?:fiscal\s+|the\s+)?(?P<yr2>{_YEAR}|this\s+year|last\s+year|next\s+year))?"
        ),
        _quarter,
    ),
    Rule(
        "fiscal_period",
        _rx(
            r"\bthe\s+(?:(?P<which>latest|most\s+recent|just[- ]ended|just[- ]completed|year[- ]ago|year[- ]earlier"
            r"|year[- ]before|prior[- ]year|same|comparable|latest\s+fiscal|fiscal|(?P<yr>(?:19|20)\d\d))\s+)?"
            r"(?:quarter|period)(?![\w-])"
        ),
        _fiscal_period,
    ),
    Rule("year_earlier", _rx(r"\byear[- ](?:earlier|ago)(?![\w-])"), _year_earlier),
    Rule(
        "weekday",
        _rx(
            r"\b(?:(?P<pmod>early|late|earlier|later)\s+(?:on\s+)?)?"
            r"(?:(?P<rel>last|next|this\s+coming|this\s+past|this|coming|past|previous)\s+)?"
            rf"(?P<wd>{WEEKDAY})(?![\w-])(?:\s+(?P<pod>morning|afternoon|evening|night|overnight)(?![\w-]))?"
        ),
        _weekday,
        ("wd",),
    ),
    Rule(
        "weekday_set",
        _rx(
            r"\b(?:(?:every|each)\s+)?(?P<wd>Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays"
            r"|(?<=every )(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
            r"|(?<=each )(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
            r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?=\s+(?:mornings|afternoons|evenings|nights)))"
            r"(?:\s+(?P<pod>mornings?|afternoons?|evenings?|nights?))?(?![\w-])"
        ),
        _weekday_set,
        ("wd",),
    ),
    Rule(
        "day_word",
        _rx(
            r"\b(?:(?P<pmod>early|late|earlier|later)\s+)?(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow"
            r"|today|tonight|yesterday|tomorrow)(?:\s+(?P<pod>morning|afternoon|evening|night)(?![\w-]))?(?![\w-])"
        ),
        _day_word,
    ),
    Rule(
        "relative_unit",
        _rx(
            rf"\b(?:{_PMOD}(?:-|\s+))?(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+past|the\s+last|the\s+next"
            r"|the\s+previous|the\s+following|the\s+coming|the\s+current|the\s+same|that|the\s+preceding|previous"
            r"|past|coming|current|following)\s+(?P<unit>fiscal\s+year|calendar\s+year|week|weekend|month|year|quarter"
            r"|decade|century|day|morning|afternoon|evening|night|spring|summer|fall|autumn|winter)(?![\w-])"
        ),
        _relative_unit,
    ),
    Rule(
        "the_year",
        _rx(
            rf"\b(?:{_PMOD}\s+)?the\s+(?:(?:full|whole|entire|fiscal|calendar)\s+)?(?P<year>year)(?![\w-]|['’]s)"
            r"(?!\s+(?:before|after|earlier|later|ago|since|of|in|that|when|in\s+which)\b)"
            r"(?P<ended>\s+end(?:ed|ing)\b)?"
        ),
        _the_year,
    ),
    Rule("year_end", _rx(r"\b(?:(?:the\s+)?year[- ]end|(?:the\s+)?year['’]s\s+end)(?![\w-])"), _year_end),
    Rule(
        "the_weekend",
        _rx(r"\b(?P<rel>the)\s+(?P<unit>weekend)(?![\w-])"),
        _relative_unit,
    ),
    Rule(
        "season",
        _rx(rf"\b(?:{_PMOD}(?:-|\s+))?(?:the\s+)?(?P<season>spring|summer|fall|autumn|winter)(?:\s+of)?\s+{_ANY_YEAR}"),
        _season_year,
    ),
    Rule(
        "season_bare",
        _rx(
            rf"(?:\b{_PMOD}(?:-|\s+)|(?<=\bin )|(?<=\bduring )|(?<=\bsince )|(?<=\bby )|(?<=\buntil ))(?:the\s+)?"
            r"(?P<season>spring|summer|autumn|winter)(?![\w-])(?!\s+(?:of|offensive|campaign|olympics|games))"
        ),
        _season_year,
    ),
    Rule(
        "holiday",
        _rx(rf"\b(?:(?P<rel>last|next|this)\s+)?{_HOLIDAYS}(?:,?\s+{_ANY_YEAR})?(?![\w-])"),
        _holiday,
        ("h",),
    ),
    Rule(
        "clock",
        _rx(rf"\b{_CLOCK_QMOD}(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*{_AMPM}{_TZ}"),
        _clock,
    ),
    Rule(
        "clock24",
        _rx(
            rf"\b{_CLOCK_QMOD}(?P<h>[01]\d|2[0-3]):?(?P<mi>[0-5]\d)\s*(?:hours|hrs|h(?![\w])|"
            r"\(?(?P<tz>local\s+time|GMT|UTC|(?:[ECMP][SD]T)(?![\w]))\)?)"
        ),
        _clock,
    ),
    Rule("clock_at", _rx(rf"(?<=\bat )(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:]){_TZ}"), _clock),
    Rule(
        "clock_word",
        _rx(rf"\b{_CLOCK_QMOD}(?P<w>noon|midnight|midday){_TZ}(?![\w-])"),
        _clock,
    ),
    Rule(
        "clock_in_the",
        _rx(
            r"\b(?P<h>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:[:.](?P<mi>[0-5]\d))?"
            r"\s+(?:o['’]clock\s+)?(?:in\s+the\s+(?P<pod>morning|afternoon|evening)|at\s+(?P<pod2>night))(?![\w-])"
        ),
        _clock,
    ),
    Rule("quantity", _rx(_QUANTITY_PREFIX + _QUANTITY_CORE), _quantity),
    Rule(
        "long_adj",
        _rx(r"\b(?P<num>)(?P<unit>year|month|week|day|hour|decade|century)-long(?![\w-])(?P<half>)(?P<half2>)"),
        _quantity,
    ),
    Rule(
        "vague_plural",
        _rx(
            r"\b(?:(?:(?:the|these)\s+)?(?:past|last|next|coming|recent|previous|following|ensuing|subsequent)"
            r"(?:\s+(?:few|several|many))?\s+|(?:(?<=\bfor )|(?<=\bin )|(?<=\bover )|(?<=\bwithin ))(?:the\s+)?)"
            r"(?P<unit>years|months|weeks|days|decades|centuries|hours|minutes)(?![\w-])"
        ),
        _vague_plural,
    ),
    Rule(
        "present_ref",
        _rx(
            r"\b(?:right\s+now|just\s+now|now|nowadays|currently|presently|at\s+present|at\s+the\s+moment"
            r"|these\s+days|the\s+present(?:\s+time)?)(?![\w-])(?<!now-)"
        ),
        _ref("PRESENT_REF"),
    ),
    Rule(
        "past_ref",
        _rx(r"\b(?:recently|lately|the\s+past|not\s+long\s+ago)(?![\w-])"),
        _ref("PAST_REF"),
    ),
    Rule(
        "future_ref",
        _rx(r"\bthe\s+(?:near\s+|distant\s+|foreseeable\s+)?future(?![\w-])"),
        _ref("FUTURE_REF"),
    ),
    Rule(
        "set_word",
        _rx(r"\b(?P<w>daily|nightly|weekly|monthly|yearly|hourly|biweekly|bimonthly)(?![\w-])"),
        _set_word,
    ),
    Rule(
        "every",
        _rx(
            r"\b(?:every|each|per)\s+(?:(?P<n>other|two|three|four|five|six|\d+)\s+)?"
            r"(?P<unit>seconds?|minutes?|hours?|days?|weeks?|months?|years?|morning|night|evening|decades?)(?![\w-])"
        ),
        _every,
    ),
]


_UNIT_WORDS = (
    "second seconds minute minutes hour hours day days night nights week weeks weekend weekends fortnight "
    "fortnights month months quarter quarters year years decade decades century centuries millennium millennia"
).split()
# Anchor word kinds by lower-case word.
_WORD_KINDS: dict[str, set[str]] = {}
for _kind, _words in {
    "unit": _UNIT_WORDS,
    "relunit": _UNIT_WORDS + "morning afternoon evening night spring summer fall autumn winter".split(),
    "season": "spring summer fall autumn winter".split(),
    "spelled": "nineteen eighteen thousand".split(),
    "century": ["century"],
    "quarter": ["quarter", "half"],
    "period": ["quarter", "period"],
    "dayword": "today tonight yesterday tomorrow".split(),
    "weekend": ["weekend"],
    "holiday": "christmas year thanksgiving easter good day halloween".split(),
    "clockword": "noon midnight midday".split(),
    "present": "now nowadays currently presently present moment days".split(),
    "past": "recently lately past ago".split(),
    "future": ["future"],
    "setword": "daily nightly weekly monthly yearly hourly biweekly bimonthly".split(),
    "every": "every each per".split(),
    "yearearlier": ["earlier", "ago"],
    "clock": (
        "m am pm gmt utc est edt cst cdt mst mdt pst pdt bst cet cest eet eest msk hours hrs h local clock "
        "morning afternoon evening night"
    ).split(),
}.items():
    for _word in _words:
        _WORD_KINDS.setdefault(_word, set()).add(_kind)
_MONTH_PREFIXES = frozenset("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())
_WEEKDAY_PREFIXES = frozenset("Mon Tue Wed Thu Fri Sat Sun".split())
_TOKEN = re.compile(r"[A-Za-z]+|\d+")


def anchor_hits(text: str) -> dict[str, list[tuple[int, int]]]:
    """Where each kind of anchor word occurs, from one pass over the words of ``text``."""
    hits: dict[str, list[tuple[int, int]]] = {}
    for token in _TOKEN.finditer(text):
        word = token.group()
        first = word[0]
        kinds: Iterable[str]
        if first.isdigit():
            end = token.end()
            following = text[end : end + 1]
            found = ["digit_clock"] if following in (":", ".") or following.isspace() else []
            if len(word) == 4 and "1600" <= word <= "2099":
                found.append("year")
                if following == "-":
                    found.append("iso")
            if following == "/":
                found.append("numeric")
            if word.endswith("0") and following in ("s", "'", "’"):
                found.append("decade")
            kinds = found
        elif first.isupper():
            kinds = set(_WORD_KINDS.get(word.lower(), ()))
            prefix = word[:3]
            if prefix in _MONTH_PREFIXES:
                kinds.add("month")
            elif prefix in _WEEKDAY_PREFIXES:
                kinds.add("weekday")
        else:
            kinds = _WORD_KINDS.get(word, ())
            if not kinds:
                if not word.endswith("ties"):
                    continue
                kinds = ("decade",)
        if kinds:
            span = token.span()
            for kind in kinds:
                hits.setdefault(kind, []).append(span)
    return hits


# The anchor of each rule, by rule name (a rule without one runs on the whole text).
ANCHORS: dict[str, Anchor] = {
    "iso": Anchor(("iso",), 0, 30),
    "numeric_date": Anchor(("numeric",), 4, 10),
    "month_day": Anchor(("month",), 70, 40),
    "day_month": Anchor(("month",), 70, 40),
    "month_year": Anchor(("month",), 70, 40),
    "month": Anchor(("month",), 70, 40),
    "year": Anchor(("year",), 50, 20),
    "spelled_year": Anchor(("spelled",), 25, 45),
    "decade": Anchor(("decade",), 40, 6),
    "century": Anchor(("century",), 45, 10),
    "quarter": Anchor(("quarter",), 90, 45),
    "fiscal_period": Anchor(("period",), 50, 3),
    "year_earlier": Anchor(("yearearlier",), 8, 3),
    "weekday": Anchor(("weekday",), 45, 30),
    "weekday_set": Anchor(("weekday",), 45, 30),
    "day_word": Anchor(("dayword",), 40, 20),
    "relative_unit": Anchor(("relunit",), 75, 15),
    "the_year": Anchor(("unit",), 40, 12),
    "year_end": Anchor(("unit",), 5, 8),
    "the_weekend": Anchor(("weekend",), 5, 10),
    "season": Anchor(("season",), 60, 20),
    "season_bare": Anchor(("season",), 60, 20),
    "holiday": Anchor(("holiday",), 40, 30),
    "clock": Anchor(("clock",), 35, 40),
    "clock24": Anchor(("clock",), 35, 40),
    "clock_at": Anchor(("digit_clock",), 3, 30),
    "clock_word": Anchor(("clockword",), 35, 30),
    "clock_in_the": Anchor(("clock",), 35, 40),
    "quantity": Anchor(("unit",), 40, 45),
    "long_adj": Anchor(("unit",), 3, 10),
    "vague_plural": Anchor(("unit",), 60, 10),
    "present_ref": Anchor(("present",), 12, 12),
    "past_ref": Anchor(("past",), 20, 4),
    "future_ref": Anchor(("future",), 40, 3),
    "set_word": Anchor(("setword",), 3, 3),
    "every": Anchor(("every",), 3, 45),
}
