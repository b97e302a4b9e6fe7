"""Exports other tools open: ACLED's fatalities column counts each person once."""

from __future__ import annotations

import csv
import io

from eventfuse.export import events_acled
from eventfuse.fuse import fuse
from eventfuse.model import Article, Claim, Mention


def _event(*tolls: tuple[str, str, int, int]) -> object:
    """One event from claims (article, field, min, max); each article's text names its toll."""
    articles, mentions = {}, []
    for aid, field, low, high in tolls:
        text = f"{field} {low}-{high}"
        articles[aid] = Article(aid, text, text, outlet=f"Outlet {aid}", published="2020-01-01")
        claim = Claim(aid, field, {"min": low, "max": high}, 0, len(text), text, wording=text)
        mentions.append(Mention(f"{aid}:{len(mentions)}", aid, 0, len(text), text, claims=(claim,)))
    return fuse("ev_0123456789ab", mentions, articles)


def _fatalities(event: object) -> str:
    [row] = list(csv.DictReader(io.StringIO(events_acled([event]))))  # type: ignore[list-item]
    return row["fatalities"]


def test_acled_fatalities_count_people_once_and_take_the_lowest_report() -> None:
    # "three people were killed, two of them children": 3, not 5
    assert _fatalities(_event(("a", "killed:people", 3, 3), ("a", "killed:children", 2, 2))) == "3"
    # distinct parties add up
    assert _fatalities(_event(("a", "killed:police", 1, 1), ("a", "killed:fighters", 2, 2))) == "3"
    # two sources that disagree: the lowest reported figure, as ACLED codes it
    assert _fatalities(_event(("a", "killed:people", 4, 4), ("b", "killed:people", 2, 2))) == "2"
