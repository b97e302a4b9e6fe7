"""Benchmark of temporal expressions: TIMEX3 detection and normalisation on TimeML data (TempEval-3 style).

Hands ``eventfuse bench time`` the figures strict/relaxed F1, type accuracy and value F1 of ``find_timexes``.

Scoring follows the TempEval-3 task (UzZaman et al., 2013) and its scorer: strict F1 counts exact spans;
relaxed F1 counts one-to-one pairs of overlapping spans; type accuracy is the share of relaxed pairs with
the gold type; value F1 is the attribute F1 of TE3: precision = pairs with the gold value / system timexes,
recall = pairs with the gold value / gold timexes, which equals relaxed F1 times value accuracy. Values are
compared as strings. The DCT timex of each document is not scored (it is not in the text).
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..model import TimeValue
from ..temporal import find_timexes
from . import read_records

DATA_DIR = "te3"  # ../shared/bench/te3
ANCHORS: dict[str, str] = {
    "HeidelTime (TempEval-3 test)": "value F1 77.61, strict F1 81.34, relaxed F1 90.30",
    "SUTime (TempEval-3 test)": "value F1 67.38",
}

_REQUIRED = ("doc_id", "dct", "text", "timexes")


def load_documents(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Every document of every ``*.jsonl`` in ``data_dir``; a malformed line is a BenchDataError."""
    return read_records(data_dir, _REQUIRED, limit)


class _Tally:
    def __init__(self) -> None:
        self.gold = self.system = self.strict = self.relaxed = self.type_ok = self.value_ok = 0

    def add(self, gold: list[dict[str, Any]], system: list[TimeValue]) -> None:
        self.gold += len(gold)
        self.system += len(system)
        spans = {(tv.start, tv.end) for tv in system}
        self.strict += sum((g["start"], g["end"]) in spans for g in gold)
        for g, s in _pair_overlapping(gold, system):
            self.relaxed += 1
            self.type_ok += g.get("type") == s.type
            self.value_ok += g.get("value") == s.value

    def figures(self) -> dict[str, float | int]:
        strict_p, strict_r = _ratio(self.strict, self.system), _ratio(self.strict, self.gold)
        relaxed_p, relaxed_r = _ratio(self.relaxed, self.system), _ratio(self.relaxed, self.gold)
        value_p, value_r = _ratio(self.value_ok, self.system), _ratio(self.value_ok, self.gold)
        return {
            "strict_f1": round(_f1(strict_p, strict_r), 4),
            "relaxed_f1": round(_f1(relaxed_p, relaxed_r), 4),
            "type_acc": round(_ratio(self.type_ok, self.relaxed), 4),
            "value_f1": round(_f1(value_p, value_r), 4),
            "n": self.gold,
            "relaxed_p": round(relaxed_p, 4),
            "relaxed_r": round(relaxed_r, 4),
            "value_acc": round(_ratio(self.value_ok, self.relaxed), 4),
            "system": self.system,
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pair_overlapping(gold: list[dict[str, Any]], system: list[TimeValue]) -> Iterable[tuple[dict, TimeValue]]:
    """One-to-one pairs of overlapping spans, in text order (each timex is used once)."""
    used: set[int] = set()
    ordered = sorted(range(len(system)), key=lambda i: system[i].start)
    for g in sorted(gold, key=lambda g: g["start"]):
        for i in ordered:
            s = system[i]
            if i in used or s.end <= g["start"]:
                continue
            if s.start >= g["end"]:
                break
            used.add(i)
            yield g, s
            break


def score(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures over ``documents`` (overall and per ``corpus`` field) and the time per document."""
    overall = _Tally()
    by_corpus: dict[str, _Tally] = {}
    started = _time.perf_counter()
    for doc in documents:
        system = find_timexes(doc["text"], doc["dct"] or None)
        gold = [t for t in doc["timexes"] if t.get("functionInDocument") != "CREATION_TIME"]
        overall.add(gold, system)
        by_corpus.setdefault(str(doc.get("corpus") or "all"), _Tally()).add(gold, system)
    elapsed = _time.perf_counter() - started
    figures: dict[str, Any] = overall.figures()
    figures["ms_per_doc"] = round(1000 * elapsed / max(len(documents), 1), 3)
    if len(by_corpus) > 1:
        figures["by_corpus"] = {name: tally.figures() for name, tally in sorted(by_corpus.items())}
    return figures


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Score ``find_timexes`` on every ``*.jsonl`` of ``data_dir`` (``{doc_id, dct, text, timexes}`` per line)."""
    documents = load_documents(Path(data_dir), limit)
    if not documents:
        raise BenchDataError(f"{data_dir}: the benchmark files hold no documents")
    return score(documents)
