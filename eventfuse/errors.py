"""The one exception hierarchy of eventfuse, and how an unexpected error is told in one line.

Every message names the input it is about and says what to do; the CLI prints it on one line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# A reason stored with a failed article or printed on a `failed` line is cut to this many characters
# (the whole traceback goes to the log file).
REASON_CHARS = 300


class EventfuseError(Exception):
    """Base of all eventfuse errors."""


class InputError(EventfuseError):
    """An input (file, URL, record) could not be read; the rest of the batch goes on."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class LexiconError(EventfuseError):
    """A lexicon file is malformed: the message names the file and the entry."""


class ModelNotFoundError(EventfuseError):
    """The spaCy model is not installed."""


class StoreError(EventfuseError):
    """The event store cannot be opened or migrated."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, as a service manager or `kill` does): it stops as on Ctrl-C, rolling
    the open transaction back, and exits with 143 (128 + SIGTERM) where Ctrl-C exits with 130."""


class AmbiguousIdError(EventfuseError):
    """The first characters of an id that start several events' ids: ``candidates`` lists some of them."""

    def __init__(self, prefix: str, candidates: list[str], more: bool) -> None:
        listed = ", ".join(candidates) + (", ..." if more else "")
        super().__init__(f"{prefix!r} starts the ids of several events ({listed}): give more of the id")
        self.prefix = prefix
        self.candidates = candidates
        self.more = more


class WorkerError(EventfuseError):
    """The worker processes of a parallel run cannot work at all (they die as they start)."""


class BenchDataError(EventfuseError):
    """A benchmark's data directory is missing or malformed."""


# What kind of failure an exception is, in a user's words (a user reads no Python class names; the log file
# keeps the exception and its traceback). The first that matches wins.
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "nested too deeply"),
    (MemoryError, "out of memory"),
    (OverflowError, "a number or date out of range"),
    (ZeroDivisionError, "a division by zero"),
    (UnicodeError, "text that cannot be encoded or decoded"),
    (LookupError, "a missing entry"),
    (OSError, "a system error"),
)


def failure_kind(err: BaseException) -> str:
    """The kind of an unexpected failure in plain words: "a worker process died", "a database error", ..."""
    name, module = type(err).__name__, type(err).__module__
    if name == "BrokenProcessPool":
        return "a worker process died"
    if module.startswith(("sqlite3", "psycopg")):
        return "a database error"
    return next((words for kind, words in _KINDS if isinstance(err, kind)), "an unexpected error")


def one_line_reason(err: BaseException, limit: int = REASON_CHARS) -> str:
    """An exception as one short line: the kind of failure in words and its message, white space folded, cut to
    ``limit`` characters."""
    message = re.sub(r"\s+", " ", str(err)).strip()
    kind = failure_kind(err)
    reason = f"{kind}: {message}" if message else kind
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def log_path() -> Path:
    """The log file that keeps warnings and the tracebacks of unexpected errors (``$EVENTFUSE_LOG`` overrides it)."""
    override = os.environ.get("EVENTFUSE_LOG")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("eventfuse")) / "eventfuse.log"
