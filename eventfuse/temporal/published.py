"""Recovers a publication date from an article's URL or text when its metadata has none.

Hands ``sources`` an ISO date (YYYY-MM-DD) or None; it never guesses a date that is not written down.
"""

from __future__ import annotations

import re
from datetime import date

from .lexicon import MONTHS

_URL_PATTERNS = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$|\?|#)"),
    re.compile(r"(?<![\d])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$|\?|#)"),
    re.compile(
        r"/((?:19|20)\d\d)/(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*/(0?[1-9]|[12]\d|3[01])/",
        re.IGNORECASE,
    ),
)
# "Published on April 22, 2024", "Updated: 22/04/2024 10:31", "Posted 2024-04-22".
_MARKER = re.compile(
    r"\b(?:first\s+published|published|posted|updated|last\s+updated|last\s+modified|date(?:d|line)?)"
    r"\s*(?:on|:|at|-|—)?\s*(?P<rest>[^\n]{4,80})",
    re.IGNORECASE,
)
# "BAGHDAD, April 22, 2024 (Reuters) -" or "BAGHDAD (Reuters) April 22, 2024 -" at the head of a line.
_DATELINE = re.compile(r"^[ \t]*[A-Z][A-Z.'’-]+(?:[ ][A-Z][A-Z.'’-]+)*(?:,|\s*\()[^\n]{4,100}", re.MULTILINE)
_DATE_ONLY_LINE = re.compile(r"^[ \t]*(?P<rest>[^\n]{6,60})$", re.MULTILINE)
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_FULL_DATE = re.compile(
    rf"(?:(?P<m1>{_MONTH_WORD})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_WORD}),?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))(?!\d)",
)
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)(?!\d)")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_from_url(url: str) -> str | None:
    """The publication date written in a URL (/2024/04/22/, /20240422/, /2024/apr/22/), or None."""
    for pattern in _URL_PATTERNS:
        m = pattern.search(url or "")
        if not m:
            continue
        year, month_text, day = m.groups()
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower()[:3], 0)
        found = _valid(int(year), month, int(day))
        if found:
            return found
    return None


def _date_in(fragment: str) -> str | None:
    """An explicit full date at the start of ``fragment`` (our own patterns, then dateparser)."""
    m = _FULL_DATE.search(fragment[:40])
    if m:
        if m["y1"]:
            return _valid(int(m["y1"]), MONTHS.get(m["m1"].rstrip(".").lower()[:3], 0), int(m["d1"]))
        if m["y2"]:
            return _valid(int(m["y2"]), MONTHS.get(m["m2"].rstrip(".").lower()[:3], 0), int(m["d2"]))
        return _valid(int(m["y3"]), int(m["m3"]), int(m["d3"]))
    m = _NUMERIC.search(fragment[:20])
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if first > 12:  # 22/04/2024: day first
            return _valid(year, second, first)
        if second > 12:  # 04/22/2024: month first
            return _valid(year, first, second)
        return None  # 04/05/2024 is ambiguous: better no date than a wrong one
    return _dateparser_date(fragment)


def _dateparser_date(fragment: str) -> str | None:
    # dateparser reads formats our patterns do not ("22. April 2024", "Mon 22 Apr 2024 10:31 BST"),
    # but only when day, month and year are all written: it must not fill in today's date.
    if not re.search(r"(?:19|20)\d\d", fragment) or len(re.findall(r"\d+", fragment)) < 2:
        return None
    from dateparser.search import search_dates  # slow import: only when our patterns found nothing

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        found = search_dates(fragment, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    if not found:
        return None
    return found[0][1].date().isoformat()


def date_from_text(text: str) -> str | None:
    """The publication date an article states about itself, or None.

    Looked for, in order: a "Published/Updated/Posted ... <date>" line, a wire dateline with a full
    date ("BAGHDAD, April 22, 2024 (Reuters) -"), or a line near the top that is only a date. A date
    without a year, or an ambiguous numeric one (04/05/2024), gives None.
    """
    if not text:
        return None
    head = text[:3000]
    for m in _MARKER.finditer(head):
        found = _date_in(m["rest"])
        if found:
            return found
    tail = text[-1500:]
    for m in _MARKER.finditer(tail):
        found = _date_in(m["rest"])
        if found:
            return found
    for m in _DATELINE.finditer(text[:1500]):
        date_match = _FULL_DATE.search(m.group(0)[:100])
        if date_match:
            return _date_in(date_match.group(0))
    for index, m in enumerate(_DATE_ONLY_LINE.finditer(text[:1500])):
        if index >= 12:
            break
        line = m["rest"].strip()
        date_match = _FULL_DATE.search(line)
        if date_match and len(line) - len(date_match.group(0)) <= 25:
            return _date_in(line[date_match.start() :])
    return None
