"""Normalises article metadata shared by every source: publication dates to ISO form.

Hands ISO dates (YYYY-MM-DD, or a datetime when the time is given) to the Article records.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A publication date before this is a placeholder (feeds emit 0001-01-01, the zero time), not a news report's.
EARLIEST_PUBLISHED = date(1900, 1, 1)
# A report can be dated after the moment it is ingested by a time zone or a clock's error, never by more.
LATEST_AFTER_INGEST = timedelta(days=1)


def normalise_published(value: str, source: str = "") -> str | None:
    """An ISO date or datetime for a publication date as written, or None (logged) when it cannot be read.

    Never guesses: a value that does not parse as a full date gives None.
    """
    value = value.strip()
    if not value:
        return None
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            log.warning("%s: publication date %r is not a valid date; ignored", source, value)
            return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = _parse_free_date(value)
    if parsed is None:
        log.warning("%s: publication date %r could not be read; ignored", source, value)
        return None
    if parsed.hour == parsed.minute == parsed.second == 0 and parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="minutes")


def _parse_free_date(value: str) -> datetime | None:
    import dateparser  # slow to import: only for dates that are not ISO

    return dateparser.parse(
        value,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )


def is_iso_date_prefix(value: str) -> bool:
    """Whether ``value`` is a date that exists, written YYYY, YYYY-MM or YYYY-MM-DD (how dates are filtered)."""
    if not _ISO_PREFIX.match(value):
        return False
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def published_date(published: str | None) -> date | None:
    """The date part of an ISO publication date or datetime."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def implausible_published(published: str | None, now: datetime | None = None) -> str | None:
    """Why a publication date cannot be a news report's (before 1900, or more than a day after ``now``, the time
    of ingest), or None when it can be (or is unknown). Dates this far out are placeholders or typing errors,
    and the date arithmetic of grouping and time resolution has no meaning for them."""
    day = published_date(published)
    if day is None:
        return None
    if day < EARLIEST_PUBLISHED:
        return f"publication date {published} is before {EARLIEST_PUBLISHED.year}"
    latest = (now or datetime.now(UTC)) + LATEST_AFTER_INGEST
    try:
        moment = datetime.fromisoformat(published or "")
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        too_late = moment > latest
    else:
        too_late = day > latest.date()
    if too_late:
        return f"publication date {published} is more than a day after now ({latest.date() - LATEST_AFTER_INGEST})"
    return None
