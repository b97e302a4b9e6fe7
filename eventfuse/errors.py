"""The one exception hierarchy of eventfuse.

Every message names the input it is about and says what to do; the CLI prints it on one line.
"""


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


class BenchDataError(EventfuseError):
    """A benchmark's data directory is missing or malformed."""
