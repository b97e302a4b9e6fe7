"""Calendar arithmetic on TimeML values: shifting by units, formatting at a granularity, holidays.

Hands ``rules`` the functions that turn an anchor date and a unit into a value such as "2024-W16" or "2023-12".
"""

from __future__ import annotations

import calendar as _calendar
import re
from datetime import date, timedelta

# Granularities a point value can have, finest first.
GRANULARITIES = ("day", "week", "weekend", "month", "quarter", "half", "season", "year", "decade", "century")

# A TimeML value for a point or period, e.g. 2024-04-21T21:50, 2024-W16-WE, 2024-Q3, 199, PRESENT_REF.
_POINT = (
    r"\d{2}|\d{3}X?|\d{4}(?:-(?:\d{2}(?:-\d{2}(?:T(?:\d{2}(?::\d{2}(?::\d{2})?)?|MO|AF|EV|NI))?)?"
    r"|W\d{2}(?:-WE)?|Q[1-4]|H[12]|SP|SU|FA|WI))?"
)
_DURATION = r"P(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|Q|DE|CE|ML|WE|L|C|E))*(?:T(?:(?:\d+(?:\.\d+)?|X)[HMS])+)?"
_SET = r"XXXX(?:-(?:WXX-\d(?:T(?:MO|AF|EV|NI))?|\d{2}|SU|SP|FA|WI|XX-XX|Q\d))?"
TIMEML_VALUE = re.compile(rf"(?:{_POINT}|{_DURATION}|{_SET}|PRESENT_REF|PAST_REF|FUTURE_REF)")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def shift(day: date, unit: str, amount: int) -> date:
    """``day`` moved by ``amount`` units (day, week, month, quarter, half, year, decade, century)."""
    try:
        if unit == "day":
            return day + timedelta(days=amount)
        if unit in ("week", "weekend", "fortnight"):
            return day + timedelta(days=7 * amount * (2 if unit == "fortnight" else 1))
    except OverflowError:
        return day
    months = {"month": 1, "quarter": 3, "half": 6, "season": 12, "year": 12, "decade": 120, "century": 1200}
    return add_months(day, months.get(unit, 0) * amount)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def season_of(day: date) -> tuple[int, str]:
    """The (year, TimeML season) a day falls in; winter belongs to the year it starts in."""
    if day.month in (3, 4, 5):
        return day.year, "SP"
    if day.month in (6, 7, 8):
        return day.year, "SU"
    if day.month in (9, 10, 11):
        return day.year, "FA"
    return (day.year if day.month == 12 else day.year - 1), "WI"


def fmt(day: date, granularity: str) -> str:
    """The TimeML value of the period of ``granularity`` that contains ``day``."""
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        return iso_week(day)
    if granularity == "weekend":
        return iso_week(day) + "-WE"
    if granularity == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if granularity == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if granularity == "half":
        return f"{day.year:04d}-H{1 if day.month <= 6 else 2}"
    if granularity == "season":
        year, code = season_of(day)
        return f"{year:04d}-{code}"
    if granularity == "decade":
        return f"{day.year:04d}"[:3]
    if granularity == "century":
        return f"{day.year:04d}"[:2]
    return f"{day.year:04d}"


def parse_point(value: str | None) -> tuple[date, str] | None:
    """A point value read back as (a day inside it, granularity), or None for refs and durations."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", value)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3])), "day"
        m = re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", value)
        if m:
            return date.fromisocalendar(int(m[1]), int(m[2]), 6 if m[3] else 1), "weekend" if m[3] else "week"
        m = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if m:
            return date(int(m[1]), int(m[2]), 1), "month"
        m = re.fullmatch(r"(\d{4})-Q([1-4])", value)
        if m:
            return date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter"
        m = re.fullmatch(r"(\d{4})-H([12])", value)
        if m:
            return date(int(m[1]), 1 if m[2] == "1" else 7, 1), "half"
        m = re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value)
        if m:
            month = {"SP": 4, "SU": 7, "FA": 10, "WI": 12}[m[2]]
            return date(int(m[1]), month, 1), "season"
        m = re.fullmatch(r"(\d{4})", value)
        if m:
            return date(int(m[1]), 7, 1), "year"
    except ValueError:
        return None
    return None


def precision_of(value: str | None, type_: str) -> int | None:
    """ACLED time_precision of a value: 1 a day or finer, 2 a week, 3 a month; None for anything coarser."""
    if value is None or type_ not in ("DATE", "TIME"):
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T.*)?", value):
        return 1
    if re.fullmatch(r"\d{4}-W\d{2}(?:-WE)?", value):
        return 2
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return 3
    return None


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``th ``weekday`` (0 Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year, month, _calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def holiday(name: str, year: int) -> date | None:
    """The date of a fixed or computed holiday in ``year`` (Christmas, Thanksgiving, Easter, ...)."""
    key = re.sub(r"[^a-z]", "", name.lower())
    fixed = {
        "christmas": (12, 25), "christmasday": (12, 25), "christmaseve": (12, 24), "newyearsday": (1, 1),
        "newyearseve": (12, 31), "newyears": (1, 1), "independenceday": (7, 4), "halloween": (10, 31),
        "valentinesday": (2, 14), "boxingday": (12, 26), "veteransday": (11, 11), "armisticeday": (11, 11),
        "mayday": (5, 1),
    }  # fmt: skip
    if key in fixed:
        return date(year, *fixed[key])
    if key in ("thanksgiving", "thanksgivingday"):
        return nth_weekday(year, 11, 3, 4)
    if key in ("easter", "eastersunday"):
        return easter(year)
    if key == "goodfriday":
        return easter(year) - timedelta(days=2)
    if key == "laborday":
        return nth_weekday(year, 9, 0, 1)
    if key == "memorialday":
        return nth_weekday(year, 5, 0, -1)
    if key == "electionday":
        first_monday = nth_weekday(year, 11, 0, 1)
        return first_monday + timedelta(days=1)
    return None
