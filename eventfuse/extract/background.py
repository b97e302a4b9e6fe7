"""Background: sentences that recall an earlier event instead of reporting this one, and mentions dated well before
the article's lead event.

Hands the sentence context its background flag, and the extractor ``mark_recalled`` for the whole article.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from datetime import date, timedelta

from ..model import Mention
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext
from .registry import register


@register("background")
class BackgroundFinder(Finder):
    """A sentence matching a background pattern of ``extraction.toml`` ("had previously been attacked", "in the
    past years") recalls an earlier event: it gives no claims of this one."""

    provides = ("background",)

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        background = any(p.search(sentence.text) for p in self.shared.patterns.background)
        return Found(facts={"background": True}) if background else NOTHING


def mark_recalled(mentions: list[Mention], recall_days: int) -> list[Mention]:
    """Event sentences dated well before the article's lead event recall an earlier event: background."""
    days = [m.time.value[:10] for m in mentions if m.event_type and m.time and m.time.value and m.time.precision == 1]
    if not days or not re.match(r"^\d{4}-\d{2}-\d{2}$", days[0]):
        return mentions
    cutoff = (date.fromisoformat(days[0]) - timedelta(days=recall_days)).isoformat()
    marked = []
    for mention in mentions:
        # a coarser date recalls an earlier event when all of it is before the cutoff ("in February")
        last = last_day(mention.time.value) if mention.event_type and mention.time and mention.time.value else None
        if last is not None and last < cutoff:
            mention = dataclasses.replace(mention, background=True, claims=())
        marked.append(mention)
    return marked


def last_day(value: str) -> str | None:
    """The last day (YYYY-MM-DD) a normalised date can denote: the day itself, the month's or the year's
    last day, the Sunday of an ISO week; None for anything else (a season, a decade, an unknown part)."""
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 7).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31"
    return None
