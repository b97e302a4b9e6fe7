"""`python -m eventfuse`: the command line, as the `eventfuse` script runs it."""

from .cli import app

app(prog_name="eventfuse")
