"""How an unexpected error is told to a user: in one line, in words, with no Python class name."""

from __future__ import annotations

import sqlite3
from concurrent.futures.process import BrokenProcessPool

import pytest

from eventfuse.errors import one_line_reason


@pytest.mark.parametrize(
    ("err", "told"),
    [
        (OverflowError("date value out of range"), "a number or date out of range: date value out of range"),
        (BrokenProcessPool("A child process terminated abruptly"), "a worker process died: A child process"),
        (sqlite3.OperationalError("database is locked"), "a database error: database is locked"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply: maximum recursion depth exceeded"),
        (RuntimeError(), "an unexpected error"),
    ],
)
def test_a_failure_is_told_in_words_not_by_its_python_class(err: BaseException, told: str) -> None:
    """Issue 29 item 7: "OverflowError" and "BrokenProcessPool" reached users."""
    reason = one_line_reason(err)
    assert reason.startswith(told) and type(err).__name__ not in reason
