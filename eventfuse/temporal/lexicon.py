"""Words of temporal expressions: months, weekdays, units, numbers, modifiers and tense cues.

Hands the regex fragments and lookup tables to ``rules`` and the word-to-number reader to ``calendar``.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip

# TimeML parts of day.
PARTS_OF_DAY: dict[str, str] = {
    "morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "overnight": "TNI",
    "tonight": "TNI", "dawn": "TMO", "daybreak": "TMO",
}  # fmt: skip

SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}

# Duration letters of ISO 8601 / TimeML, by unit word (singular).
UNIT_CODES: dict[str, str] = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W", "weekend": "WE",
    "fortnight": "W", "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE",
    "millennium": "ML",
}  # fmt: skip
TIME_UNITS = frozenset({"second", "minute", "hour"})

SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a": 1, "an": 1, "single": 1, "dozen": 12, "a dozen": 12, "half a": 0.5, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a pair of": 2,
}  # fmt: skip
# Quantities that stand for an unknown number ("several years" -> PXY).
VAGUE_NUMBERS = frozenset({"a few", "few", "several", "some", "many", "a number of", "numerous", "dozens of"})

ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "twenty first": 21,
}  # fmt: skip

DECADE_WORDS: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip

# TimeML mod by the quantifier or position word in front of an expression.
MODS: dict[str, str] = {
    "more than": "MORE_THAN", "over": "MORE_THAN", "just over": "MORE_THAN", "well over": "MORE_THAN",
    "upwards of": "MORE_THAN", "longer than": "MORE_THAN",
    "less than": "LESS_THAN", "under": "LESS_THAN", "just under": "LESS_THAN", "fewer than": "LESS_THAN",
    "almost": "LESS_THAN", "shorter than": "LESS_THAN",
    "at least": "EQUAL_OR_MORE", "no less than": "EQUAL_OR_MORE", "no fewer than": "EQUAL_OR_MORE",
    "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS", "as many as": "EQUAL_OR_LESS",
    "as much as": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS",
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX", "some": "APPROX",
    "nearly": "APPROX", "close to": "APPROX", "an estimated": "APPROX", "circa": "APPROX", "almost exactly": None,
    "early": "START", "earlier": "START", "the beginning of": "START", "the start of": "START",
    "the dawn of": "START", "the early part of": "START", "the first part of": "START",
    "late": "END", "later": "END", "the end of": "END", "the close of": "END", "the latter part of": "END",
    "the last part of": "END", "the final part of": "END",
    "mid": "MID", "the middle of": "MID", "the mid": "MID",
}  # fmt: skip

# Tense cues for resolving a bare "Friday" or "in December": the nearest cue in the sentence wins.
FUTURE_CUES = frozenset("will 'll shall wo going plans plan upcoming next intends aims hopes would-be tomorrow".split())
PAST_CUES = frozenset(
    "was were had did said told ago last earlier previously been took came went made fought hit struck "
    "shot held met left began saw found gave got led fell ran won lost sent spent brought thought knew "
    "became kept wrote stood broke chose drove flew rose spoke threw began killed wounded yesterday "
    "announced reported claimed died".split()
)
NOT_PAST_ED = frozenset(
    "need hundred red bed seed speed feed united indeed proceed exceed succeed embed breed shed wed "
    "bred sled creed greed heed weed deed tweed naked wicked sacred based".split()
)

NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|(?:a\s+|one\s+|two\s+|three\s+|several\s+)?hundred|(?:a\s+)?dozen|single)"
)
NUMBER_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+\d/\d)?"
NUMBER_ARTICLE = r"(?:a\s+couple\s+of|a\s+couple|couple\s+of|a\s+pair\s+of|half\s+an?|an?)"
NUMBER_VAGUE = r"(?:a\s+few|a\s+number\s+of|several|few|many|numerous|dozens\s+of)"
HALF = r"(?:\s+and\s+a\s+half)"

UNIT_SINGULAR = r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|century|millennium)"
UNIT_ANY = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|quarters?|years?|decades?"
    r"|century|centuries|millennium|millennia)"
)

MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
MONTH = rf"(?:{MONTH_FULL}|{MONTH_ABBR})(?![A-Za-z])"
WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.)"
)


def number_value(words: str) -> float | None:
    """The number a quantity phrase stands for ("twenty-four" -> 24, "1 1/2" -> 1.5); None for vague ones."""
    text = re.sub(r"\s+", " ", words.strip().lower())
    if not text or text in VAGUE_NUMBERS:
        return None
    if text in SMALL_NUMBERS:
        return float(SMALL_NUMBERS[text])
    digits = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)(?: (\d)/(\d))?", text)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        if digits.group(2) and int(digits.group(3)):
            value += int(digits.group(2)) / int(digits.group(3))
        return value
    total = 0.0
    current = 0.0
    for part in re.split(r"[- ]", text):
        if part in ("a", "an", "and") and current == 0:
            current = 1 if part != "and" else current
            continue
        if part == "hundred":
            current = (current or 1) * 100
        elif part in SMALL_NUMBERS:
            current += SMALL_NUMBERS[part]
        else:
            return None
    return total + current
