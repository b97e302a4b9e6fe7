"""Normalises article metadata shared by every source: publication dates to ISO form.

Hands ISO dates (YYYY-MM-DD, or a datetime when the time is given) to the Article records.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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
