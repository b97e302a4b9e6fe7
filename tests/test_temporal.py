"""Tests of temporal expressions: the seed cases, no-DCT behaviour, event_time, publication dates.

Property-based tests (hypothesis) check that the normaliser never raises and keeps spans and values well formed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventfuse.temporal import (
    TIMEML_VALUE,
    UNRESOLVED_NOTE,
    date_from_text,
    date_from_url,
    event_time,
    find_timexes,
    normalise,
)

DCT = "2024-04-22"  # a Monday, the seeds' publication date
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _by_text(text: str, dct: str | None = DCT, **kwargs: str) -> dict[str, object]:
    return {tv.text: tv for tv in find_timexes(text, dct, **kwargs)}


@pytest.mark.parametrize(
    ("sentence", "expression", "type_", "value", "mod"),
    [
        ("Iraqi security forces announced Sunday night.", "Sunday night", "TIME", "2024-04-21TNI", None),
        ("Rockets were fired on Sunday towards a base.", "Sunday", "DATE", "2024-04-21", None),
        ("On Saturday an airstrike hit an Iraqi base.", "Saturday", "DATE", "2024-04-20", None),
        ("It had previously been attacked in December.", "December", "DATE", "2023-12", None),
        ("The first attack since early February.", "early February", "DATE", "2024-02", "START"),
        ("He was in Washington this past week.", "this past week", "DATE", "2024-W16", None),
        ("They resumed after a nearly three-month hiatus.", "nearly three-month", "DURATION", "P3M", "APPROX"),
        ("Attacks took place in the last six months.", "the last six months", "DURATION", "P6M", None),
        (
            "For the first time in more than a month, militants fired.",
            "more than a month",
            "DURATION",
            "P1M",
            "MORE_THAN",
        ),
        ("The talks were held on April 21, 2024.", "April 21, 2024", "DATE", "2024-04-21", None),
        ("Officials said the convoy left yesterday.", "yesterday", "DATE", "2024-04-21", None),
        ("The truce lasted two days.", "two days", "DURATION", "P2D", None),
        ("Fighting has gone on for years.", "years", "DURATION", "PXY", None),
        ("Patrols run daily.", "daily", "SET", "P1D", None),
        ("Violence rose in the 1990s.", "the 1990s", "DATE", "199", None),
        ("Profit fell in the third quarter.", "the third quarter", "DATE", "2023-Q3", None),  # not yet reached
        ("He is now in Baghdad.", "now", "DATE", "PRESENT_REF", None),
        ("Elections were held last year.", "last year", "DATE", "2023", None),
    ],
)
def test_seed_style_expressions(sentence: str, expression: str, type_: str, value: str, mod: str | None) -> None:
    found = _by_text(sentence)
    assert expression in found, f"{expression!r} not among {list(found)}"
    tv = found[expression]
    assert (tv.type, tv.value, tv.mod) == (type_, value, mod)


def test_clock_time_takes_the_day_just_mentioned_and_local_zone() -> None:
    text = "Five rockets were launched, officials announced Sunday night. The attack took place at roughly 9:50 p.m. local time."
    found = _by_text(text)
    clock = found["roughly 9:50 p.m. local time"]
    assert (clock.type, clock.value, clock.mod, clock.timezone, clock.precision) == (
        "TIME",
        "2024-04-21T21:50",
        "APPROX",
        "local",
        1,
    )
    with_zone = _by_text(text, timezone="Asia/Baghdad")["roughly 9:50 p.m. local time"]
    assert with_zone.timezone == "Asia/Baghdad"


def test_event_time_combines_weekday_and_clock_time_in_one_sentence() -> None:
    text = "At roughly 9:50 p.m. local time on Sunday, five rockets were fired at the base."
    timexes = find_timexes(text, DCT, timezone="Asia/Baghdad")
    chosen = event_time(timexes)
    assert chosen is not None
    assert (chosen.type, chosen.value, chosen.precision, chosen.timezone) == (
        "TIME",
        "2024-04-21T21:50",
        1,
        "Asia/Baghdad",
    )
    assert "Sunday" in (chosen.note or "")


def test_event_time_prefers_day_over_week_over_month_and_skips_durations() -> None:
    text = "After a three-month pause and attacks in February, this past week, a strike hit on Saturday."
    chosen = event_time(find_timexes(text, DCT))
    assert chosen is not None and (chosen.value, chosen.precision) == ("2024-04-20", 1)
    only_month = event_time(find_timexes("The base was attacked in February, after two weeks of calm.", DCT))
    assert only_month is not None and (only_month.value, only_month.precision) == ("2024-02", 3)
    assert event_time(find_timexes("The siege lasted three months.", DCT)) is None


def test_event_time_prefer_near_picks_the_closest_day() -> None:
    text = "A drone struck on Saturday; a rocket attack followed on Sunday."
    timexes = find_timexes(text, DCT)
    near_rocket = event_time(timexes, prefer_near=text.index("followed"))
    assert near_rocket is not None and near_rocket.value == "2024-04-21"


def test_seeds_date_the_rocket_attack_and_the_base_explosion() -> None:
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not present")
    first = (SEEDS / "000_5bcd107d223617e9.txt").read_text(encoding="utf-8")
    values = {tv.value for tv in find_timexes(first, DCT, timezone="Asia/Baghdad")}
    assert {"2024-04-21T21:50", "2024-04-20", "2024-04-21TNI"} <= values
    second = (SEEDS / "001_faa901ca26c9ba11.txt").read_text(encoding="utf-8")
    sentence = next(line for line in second.splitlines() if "explosion" in line)
    explosion = event_time(find_timexes(sentence, DCT))
    assert explosion is not None and explosion.value == "2024-04-20"


def test_without_dct_relative_expressions_stay_unresolved_with_a_note() -> None:
    text = "Rockets were fired on Sunday, a week after the April 14, 2024 strike, in December and this past week."
    found = _by_text(text, dct=None)
    for expression in ("Sunday", "December", "this past week"):
        assert found[expression].value is None
        assert found[expression].note == UNRESOLVED_NOTE
        assert found[expression].precision is None
    assert found["April 14, 2024"].value == "2024-04-14"
    assert event_time(list(find_timexes("Rockets hit on Sunday.", None))) is None


def test_normalise_single_expressions() -> None:
    assert normalise("early February", DCT).value == "2024-02"
    tv = normalise("roughly 9:50 p.m. local time", DCT)
    assert (tv.start, tv.end, tv.text) == (0, len("roughly 9:50 p.m. local time"), "roughly 9:50 p.m. local time")
    assert tv.value == "2024-04-22T21:50"
    missing = normalise("the launcher", DCT)
    assert missing.value is None and missing.note


def test_bad_dct_is_an_input_error() -> None:
    from eventfuse.errors import InputError

    with pytest.raises(InputError):
        find_timexes("on Sunday", "22/04/2024")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://taskandpurpose.com/news/2024/04/22/iraq-rockets-syria/", "2024-04-22"),
        ("https://www.theguardian.com/world/2024/apr/22/iraq-rockets", "2024-04-22"),
        ("https://example.com/news/20240422-rockets.html", "2024-04-22"),
        ("https://example.com/news/2024/13/45/nothing", None),
        ("https://example.com/news/rockets-fired", None),
    ],
)
def test_date_from_url(url: str, expected: str | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rockets fired at base\nPublished on April 22, 2024\nFive rockets ...", "2024-04-22"),
        ("BAGHDAD, April 22, 2024 (Reuters) - Five rockets were fired on Sunday.", "2024-04-22"),
        ("Updated: 22/04/2024 10:31\nFive rockets ...", "2024-04-22"),
        ("Five rockets were fired on Sunday towards a base in Syria.", None),
        ("Posted 04/05/2024\nAmbiguous day and month.", None),
    ],
)
def test_date_from_text(text: str, expected: str | None) -> None:
    assert date_from_text(text) == expected


# ---------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    "on in at the last next this past early late mid more than about nearly a two three 9:50 p.m. "
    "Sunday Saturday Monday December February May March 2024 1990s week weeks month months year years "
    "day days ago later earlier after before since until local time night morning today yesterday "
    "quarter third 21 22 , . - fired rockets were said".split()
)
_PHRASES = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)
_ANY_TEXT = st.one_of(st.text(max_size=200), _PHRASES)
_DCTS = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat))


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT, dct=_DCTS)
def test_find_timexes_never_raises_and_spans_are_exact(text: str, dct: str | None) -> None:
    found = find_timexes(text, dct)
    last_end = 0
    for tv in found:
        assert text[tv.start : tv.end] == tv.text
        assert tv.start >= last_end and tv.end > tv.start
        last_end = tv.end
        assert tv.type in ("DATE", "TIME", "DURATION", "SET")
        if tv.value is not None:
            assert TIMEML_VALUE.fullmatch(tv.value), tv.value
        else:
            assert tv.note


@settings(max_examples=200, deadline=None)
@given(expression=_ANY_TEXT, dct=_DCTS)
def test_normalise_never_raises(expression: str, dct: str | None) -> None:
    tv = normalise(expression, dct)
    assert (tv.start, tv.end, tv.text) == (0, len(expression), expression)
    assert tv.value is None or TIMEML_VALUE.fullmatch(tv.value)


_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@settings(max_examples=200, deadline=None)
@given(
    dct=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
    weekday=st.sampled_from(_WEEKDAY_NAMES),
    verb=st.sampled_from(["were fired", "struck", "attacked", "killed three people", "was hit"]),
)
def test_past_tense_weekday_is_within_the_week_before_the_dct(dct: date, weekday: str, verb: str) -> None:
    text = f"Rockets {verb} on {weekday}, officials said."
    found = [tv for tv in find_timexes(text, dct.isoformat()) if tv.text == weekday]
    assert len(found) == 1 and found[0].value is not None
    day = date.fromisoformat(found[0].value)
    assert dct - timedelta(days=6) <= day <= dct
    assert _WEEKDAY_NAMES[day.weekday()] == weekday


@settings(max_examples=100, deadline=None)
@given(dct=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_absolute_dates_do_not_depend_on_the_dct(dct: str) -> None:
    text = "The base was attacked on April 21, 2024 at 9:50 p.m."
    values = [tv.value for tv in find_timexes(text, dct.isoformat())]
    assert values[0] == "2024-04-21"
    assert values[1] is not None and re.fullmatch(r"2024-04-21T21:50", values[1])


@pytest.mark.parametrize(
    ("text", "dct", "expression", "type_", "value"),
    [
        # the comparison period of a results report is the same quarter a year before, named once
        ("Net rose in the third quarter, from $5 million a year ago.", "1989-11-02", "a year ago", "DATE", "1988-Q3"),
        ("Profit in the 1988 period was lower; the year-ago results included a gain.", "1989-11-02", "year-ago",
         "DATE", "1988-Q3"),
        ("Sales for the full year rose.", "1989-10-30", "the full year", "DATE", "1989"),
        ("It expects earnings to rise by the end of the year.", "1989-10-30", "the end of the year", "DATE", "1989"),
        ("Net income for the year ended June 30 fell.", "1989-10-30", "the year", "DURATION", "P1Y"),
        ("It plans to close the deal by year-end.", "1989-10-30", "year-end", "DATE", "1989"),
        ("The index has risen 12% since year-end.", "1989-10-30", "year-end", "DATE", "1988"),
        ("He promised jobs for all by the year two thousand.", "1998-02-05", "the year two thousand", "DATE", "2000"),
    ],
)  # fmt: skip
def test_reporting_periods(text: str, dct: str, expression: str, type_: str, value: str) -> None:
    found = _by_text(text, dct)
    assert expression in found, f"{expression!r} not among {list(found)}"
    assert (found[expression].type, found[expression].value) == (type_, value)


def test_year_end_mod_and_spelled_thousands_are_not_years() -> None:
    assert _by_text("It closes by year-end.", "1989-10-30")["year-end"].mod == "END"
    found = _by_text("Families kept the secret for more than two thousand years.", "1998-01-21")
    assert all(tv.type != "DATE" for tv in found.values())


@pytest.mark.parametrize(
    ("text", "expression", "value", "note"),
    [
        ("Talks will take two to three weeks.", "two to three weeks", "P2W", "range P2W to P3W"),
        ("Deals due in the next 12 to 18 months.", "the next 12 to 18 months", "P12M", "range P12M to P18M"),
        ("He was held for two or three days.", "two or three days", "P2D", "range P2D to P3D"),
        ("The clashes lasted 2-3 hours.", "2-3 hours", "PT2H", "range PT2H to PT3H"),
        ("Sentences of between five and ten years.", "five and ten years", "P5Y", "range P5Y to P10Y"),
        ("It will take two and a half years.", "two and a half years", "P2Y6M", None),
    ],
)
def test_duration_ranges_stay_one_duration_with_both_ends_in_the_note(
    text: str, expression: str, value: str, note: str | None
) -> None:
    found = _by_text(text)
    assert expression in found, f"{expression!r} not among {list(found)}"
    assert (found[expression].type, found[expression].value, found[expression].note) == ("DURATION", value, note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fighting lasted from March to May.", {"March": "2024-03", "May": "2024-05"}),
        ("The siege lasted from November to February.", {"November": "2023-11", "February": "2024-02"}),
        ("The festival ran March 3-5.", {"March 3": "2024-03-03", "5": "2024-03-05"}),
        ("The talks ran March 3 to 5, 2023.", {"March 3": "2023-03-03", "5": "2023-03-05"}),
        ("Output grew in the 1990-1995 period.", {"1990": "1990", "1995": "1995"}),
        ("Shops open from Friday to Monday.", {"Friday": "2024-04-19", "Monday": "2024-04-22"}),
        (
            "A curfew from 9 p.m. to 5 a.m. Tuesday.",
            {"9 p.m.": "2024-04-16T21:00", "5 a.m. Tuesday": "2024-04-16T05:00"},
        ),
        ("Voting from 8 a.m. to 6 p.m. on Sunday.", {"8 a.m.": "2024-04-21T08:00", "6 p.m.": "2024-04-21T18:00"}),
    ],
)
def test_point_ranges_tag_both_ends_in_order(text: str, expected: dict[str, str]) -> None:
    found = _by_text(text)
    assert {k: found[k].value for k in expected if k in found} == expected
    assert all(found[k].note and found[k].note.startswith("range ") for k in expected)


def test_a_list_of_days_is_no_range_and_and_alone_links_nothing() -> None:
    found = _by_text("The summit meets on April 24 and 25. Rain fell in March and May.")
    assert (found["25"].value, found["25"].note) == ("2024-04-25", None)
    assert found["May"].note is None and found["March"].note is None


def test_ranges_without_dct_stay_unresolved() -> None:
    found = _by_text("Fighting lasted from March to May, for two to three weeks.", None)
    assert found["March"].value is None and found["May"].value is None
    assert found["two to three weeks"].value == "P2W"


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(
    dct=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
    first=st.sampled_from(_MONTH_NAMES),
    second=st.sampled_from(_MONTH_NAMES),
)
def test_a_range_never_ends_before_it_starts(dct: date, first: str, second: str) -> None:
    found = find_timexes(f"The fighting lasted from {first} to {second}.", dct.isoformat())
    values = [tv.value for tv in found if tv.type == "DATE"]
    assert len(values) == 2 and values[0] is not None and values[1] is not None
    assert values[0] <= values[1]


@pytest.mark.parametrize(
    "text",
    [
        "Howes, 37 years old when he was kidnapped, was buried.",
        "Iraq imports about three-quarters of its food.",
        "It would be a second betrayal.",
        "Profits fell an eighteen percent.",
        "The loans cost $2 million a year in interest.",
        "Qantas adds four flights a week.",
        "Gonzalez said on CBS's ''60 Minutes.''",
        'Baker said on ABC\'s "This Week With David Brinkley" that talks failed.',
        "For Poland, high noon has come.",
    ],
)
def test_ages_fractions_rates_and_titles_are_no_timexes(text: str) -> None:
    assert find_timexes(text, DCT) == []


def test_rates_after_once_or_twice_are_sets_and_plain_articles_stay_durations() -> None:
    assert _by_text("Patrols pass twice a week.")["a week"].type == "SET"
    assert _by_text("He was held for a year.")["a year"].value == "P1Y"
    assert _by_text("Last Week the army moved.")["Last Week"].value == "2024-W16"
