"""Exports other tools open: ACLED's fatalities column counts each person once."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

import pytest

from eventfuse import export
from eventfuse.export import events_acled, events_csv
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


def _hostile_event(outlet: str, actor: str) -> object:
    """An event whose outlet, title and actor are untrusted text that starts a spreadsheet formula."""
    text = "Gunmen killed 3 people."
    article = Article("a", text, text, outlet=outlet, title=outlet, published="2020-01-01")
    claims = (
        Claim("a", "killed:people", {"min": 3, "max": 3}, 7, 22, text, wording="killed 3 people"),
        Claim("a", "actor1", {"name": actor, "type": "Rebel group"}, 0, 6, text, wording="Gunmen"),
    )
    mention = Mention("a:0", "a", 0, len(text), text, claims=claims)
    return dataclasses.replace(fuse("ev_0123456789ab", [mention], {"a": article}), title=outlet)


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-1+1", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("exporter", [events_csv, events_acled])
def test_no_csv_or_acled_cell_starts_a_formula(exporter: Any, formula: str) -> None:
    """Issue 20 item 5 (CWE-1236): a cell that begins with =, +, -, @, tab or CR is evaluated by Excel and
    LibreOffice; OWASP's rule is to make it text with a leading single quote."""
    rows = list(csv.reader(io.StringIO(exporter([_hostile_event(formula, formula)]), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(cell.startswith("'" + formula[:1]) and formula.strip()[:4] in cell for cell in cells)


def test_spreadsheet_cells_neutralise_text_and_leave_numbers() -> None:
    cell = export.spreadsheet_cell
    assert cell(-12.5) == -12.5 and cell(3) == 3 and cell("") == "" and cell("Mosul") == "Mosul"
    assert cell("-12.5") == "'-12.5" and cell("=1+1") == "'=1+1" and cell("\r=1") == "'\r=1"


@pytest.mark.parametrize(
    "formula", [' =HYPERLINK("http://evil.example","x")', "\u3000=1+1", "＝1+1", "  ＠SUM(1)", "－1+1"]
)
@pytest.mark.parametrize("exporter", [events_csv, events_acled])
def test_a_formula_behind_spaces_or_in_full_width_signs_is_text_too(exporter: Any, formula: str) -> None:
    """Issue 29 item 7: spreadsheets skip leading spaces and read "＝" as "=", so these passed the formula guard."""
    rows = list(csv.reader(io.StringIO(exporter([_hostile_event(formula, formula)]), newline="")))
    cells = [cell for row in rows[1:] for cell in row if formula.strip() in cell]
    assert cells and all(cell.startswith("'") for cell in cells)
