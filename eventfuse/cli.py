"""The eventfuse command line (Typer + Rich): parses input, calls the pipeline or the store, renders.

Exit status: 0 when every input was processed, 1 when some inputs were rejected or articles failed, 2 on usage
errors, 3 on an internal error (one line here, the traceback in the log file), 130 when interrupted.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
import typer.exceptions
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from . import __version__, api, pipeline
from .bench import BENCHMARKS, bench_root, default_data_dir, load_benchmark
from .errors import AmbiguousIdError, EventfuseError, InputError, Terminated, log_path, one_line_reason
from .export import EXPORTERS, events_json
from .geo.cli import gazetteer_app
from .report import event_html, event_markdown, event_renderable, events_markdown, events_table, terminal_text
from .sources.fetch import Fetcher, FetchPolicy
from .sources.files import DEFAULT_MAX_BYTES, Defaults, expand_paths, read_articles
from .sources.meta import implausible_published, is_iso_date_prefix, normalise_published
from .sources.warc import WarcStats, is_warc
from .sources.web import is_url
from .spark import OVERLAP_DAYS, WINDOW_DAYS
from .store import DATABASE_ERRORS, EventFilter, Store, default_target, open_store
from .train import MODELS, default_out_dir, load_trainer

log = logging.getLogger(__name__)


class _Commands(typer.core.TyperGroup):
    """The command group. An exception no command expected is an internal error: one line naming the log file
    that holds its traceback, exit status 3 (not 1, which means some inputs were rejected)."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):  # exits and usage errors tell themselves
            raise
        except KeyboardInterrupt as err:
            err_console.print(f"{_stopped_by(err)}: what was stored so far is kept")
            raise typer.Exit(_stop_status(err)) from None
        except DATABASE_ERRORS as err:  # the store, not eventfuse: say so, and where to look
            log.critical("`eventfuse %s`: the event store failed: %s", ctx.invoked_subcommand, err, exc_info=err)
            message = (
                f"error: the event store could not be read or written ({one_line_reason(err)}): is another "
                f"eventfuse writing to it, or the disk full? What was stored is kept; details in {log_path()}"
            )
            err_console.print(Text(_line(message), style="red"), soft_wrap=True)
            raise typer.Exit(3) from None
        except Exception as err:
            log.critical(
                "internal error in `eventfuse %s`: %s",
                ctx.invoked_subcommand,
                one_line_reason(err),
                extra={"trace": traceback.format_exc()},
            )
            err_console.print(
                Text(
                    _line(
                        f"internal error (a bug in eventfuse, please report it): {one_line_reason(err)}; "
                        f"the traceback is in {log_path()}"
                    ),
                    style="red",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(3) from None


app = typer.Typer(
    cls=_Commands,
    name="eventfuse",
    help="News reports in; verified, structured, sourced conflict events out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)
# Batches above this many inputs get a progress bar.
PROGRESS_MIN_ITEMS = 3
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="<path|url>",
        help="The event store: a SQLite file path, or a postgresql:// URL "
        "(default: $EVENTFUSE_DB, else eventfuse.db in the per-user data directory).",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and requested output.")]
PublishedOption = Annotated[
    str | None, typer.Option("--published", help="Publication date for inputs that carry none (YYYY-MM-DD).")
]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Outlet name for inputs that carry none.")]
UrlOption = Annotated[str | None, typer.Option("--url", help="URL for inputs that carry none.")]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Reject input files larger than this many bytes.")
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Processes that run the language model and extraction (default: the number of cores; "
        "batches of fewer than 100 articles use one).",
    ),
]
MaxCharsOption = Annotated[
    int,
    typer.Option(
        "--max-chars",
        min=1,
        help="Set aside as failed an article whose text is longer than this many characters "
        "(it bounds the time and memory one article takes).",
    ),
]
LexiconOption = Annotated[
    list[Path] | None, typer.Option("--lexicon", help="An extra lexicon file (TOML; see the lexicon docs).")
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private", help="Fetch URLs on private, loopback and link-local addresses (refused by default)."
    ),
]
NoRobotsOption = Annotated[bool, typer.Option("--no-robots", help="Fetch pages even where robots.txt disallows it.")]
DelayOption = Annotated[
    float, typer.Option("--delay", min=0, help="Seconds between two requests to the same web host.")
]
# Inputs handed to the pipeline at a time: a web archive of any size is ingested in constant memory.
INGEST_CHUNK = 1000


def _version(value: bool) -> None:
    if value:
        console.print(f"eventfuse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """News reports in; verified, structured, sourced conflict events out."""
    handlers = [_ConsoleLog(), _FileLog(log_path())]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for handler in handlers:
        root.addHandler(handler)

    def restore() -> None:  # a command run in-process (tests, scripts) leaves logging as it found it
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)

    ctx.call_on_close(restore)
    if threading.current_thread() is threading.main_thread():  # signal handlers can only be set there
        previous = signal.signal(signal.SIGTERM, _terminate)
        ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM stops a command as Ctrl-C does: the open transaction rolls back, the command says where it stopped."""
    raise Terminated()


def _stopped_by(err: BaseException) -> str:
    return "terminated (SIGTERM)" if isinstance(err, Terminated) else "interrupted"


def _stop_status(err: BaseException) -> int:
    """128 + the signal's number, as a shell reports a command the signal ended: 143 for SIGTERM, 130 for Ctrl-C."""
    return 128 + (signal.SIGTERM if isinstance(err, Terminated) else signal.SIGINT)


class _ConsoleLog(logging.StreamHandler):  # type: ignore[type-arg]
    """Log records on stderr, one line each; a failure's traceback (``trace``) is for the log file only."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "trace") or record.levelno >= logging.CRITICAL:
            return  # the command reports these itself, in its own words
        self.stream = sys.stderr  # the stderr of now (a test runner swaps it)
        super().emit(record)

    def format(self, record: logging.LogRecord) -> str:  # no traceback here: the log file has it
        return terminal_text(re.sub(r"[ \n\r\t]+", " ", f"{record.levelname} {record.name}: {record.getMessage()}"))


class _FileLog(logging.FileHandler):
    """Warnings and errors with their tracebacks, appended to the log file (made on the first record)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.setLevel(logging.WARNING)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        trace = getattr(record, "trace", None)
        return f"{text}\n{trace.rstrip()}" if trace else text

    def handleError(self, record: logging.LogRecord) -> None:
        pass  # an unwritable log file must not break the command; what it would say is on the console


# --- helpers ------------------------------------------------------------------------------------


def _line(text: str) -> str:
    """One line for the terminal whatever it holds: file names, URLs and reasons come from untrusted input."""
    return terminal_text(text, one_line=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(Text(_line(f"error: {message}"), style="red"), soft_wrap=True)
    return typer.Exit(code)


def _report_input_error(error: InputError) -> None:
    err_console.print(Text(_line(f"rejected {error.source}: {error.reason}"), style="red"), soft_wrap=True)


def _report_failure(failure: pipeline.Failure) -> None:
    err_console.print(Text(_line(f"failed {failure.source}: {failure.reason}"), style="red"), soft_wrap=True)


def _defaults(published: str | None, outlet: str | None, url: str | None) -> Defaults:
    if published is not None:
        normalised = normalise_published(published, "--published")
        if normalised is None:
            raise _fail(f"--published {published!r} is not a date (use YYYY-MM-DD)")
        far = implausible_published(normalised)
        if far:
            raise _fail(f"--published {published!r}: {far}")
        published = normalised
    return Defaults(published=published, outlet=outlet, url=url)


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Any]:
    """A Rich progress bar on batches of more than a few items; a no-op otherwise."""
    if quiet or total <= PROGRESS_MIN_ITEMS:
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        done = 0

        def advance(n: int) -> None:
            # a JSON file holds several articles and counts as one file: the total grows with what is read
            nonlocal done, total
            done += n
            if done > total:
                total = done
                bar.update(task, total=total)
            bar.advance(task, n)

        yield advance


def _open_store(db: str | None) -> Store:
    try:
        return open_store(db)
    except EventfuseError as err:
        raise _fail(str(err)) from err


def _load_resources(lexicon: Sequence[Path] | None, quiet: bool) -> pipeline.Resources:
    try:
        if quiet:
            return pipeline.Resources.load(lexicon or ())
        with err_console.status("loading the lexicon and gazetteer…"):
            return pipeline.Resources.load(lexicon or ())
    except EventfuseError as err:
        raise _fail(str(err)) from err


def _ingest(store: Store, paths: list[Path], defaults: Defaults, max_bytes: int, quiet: bool) -> pipeline.IngestReport:
    from .clean import load_rules

    files = list(expand_paths(paths))
    with _progress(len(files), "reading", quiet) as advance:
        return pipeline.ingest(
            store,
            read_articles(paths, defaults, max_bytes),
            load_rules(),
            on_error=_report_input_error,
            progress=advance,
        )


def _run(
    store: Store,
    resources: pipeline.Resources,
    quiet: bool,
    workers: int | None = None,
    max_chars: int = pipeline.MAX_ARTICLE_CHARS,
    batch_size: int = pipeline.BATCH_SIZE,
) -> pipeline.RunReport:
    from .parallel import default_workers

    pending = len(store.pending_article_ids())
    try:
        with _progress(pending, "analysing", quiet) as advance:
            return pipeline.run(
                store,
                resources,
                progress=advance,
                workers=workers or default_workers(),
                max_chars=max_chars,
                on_failure=_report_failure,
                on_wait=lambda: err_console.print(
                    Text(_line(f"another eventfuse process is processing {store.path}: waiting for it to finish"))
                ),
                batch_size=batch_size,
            )
    except KeyboardInterrupt as err:
        left = len(store.pending_article_ids())
        err_console.print(
            Text(
                f"{_stopped_by(err)}: stopped at {pending - left} of {pending} articles processed and stored; "
                f"`eventfuse run --db {store.path}` finishes the other {left}",
                style="yellow",
            )
        )
        raise typer.Exit(_stop_status(err)) from None


# --- commands -----------------------------------------------------------------------------------


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of reports (.txt, .html, .json, .jsonl).")],
    db: DbOption = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the fused events as JSON to this file.")
    ] = None,
    md_out: Annotated[
        Path | None, typer.Option("--md", help="Write the fused events as Markdown to this file.")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show the boilerplate removed and why.")] = False,
    published: PublishedOption = None,
    outlet: OutletOption = None,
    url: UrlOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    max_chars: MaxCharsOption = pipeline.MAX_ARTICLE_CHARS,
    lexicon: LexiconOption = None,
    workers: WorkersOption = None,
    quiet: QuietOption = False,
) -> None:
    """Read reports, group those about the same event, and print one fused report per event.

    Example: eventfuse analyze reports/ --published 2024-04-22 --json out.json
    """
    defaults = _defaults(published, outlet, url)
    with _open_store(db) as store:
        ingested = _ingest(store, paths, defaults, max_bytes, quiet)
        resources = _load_resources(lexicon, quiet)
        report = _run(store, resources, quiet, workers, max_chars)
        failed_before = _failed_earlier(store, ingested.duplicates)
        events = pipeline.events_of_articles(store, ingested.article_ids)
        if explain:
            _print_removed(store, ingested.article_ids)
        if not quiet:
            for event in events:
                console.print(event_renderable(event, store.history(event.id)))
            summary = f"{len(ingested.article_ids)} articles ({len(ingested.duplicates)} already stored), "
            summary += f"{len(events)} events, {len(ingested.errors)} inputs rejected"
            failed = len(report.failed) + len(failed_before)
            if failed:
                summary += f", {failed} articles failed (`eventfuse failed` lists them)"
            err_console.print(Text(summary))
        _write_outputs(store, events, json_out, md_out)
    if ingested.errors or report.failed or failed_before:
        raise typer.Exit(1)


def _failed_earlier(store: Store, article_ids: list[str]) -> list[pipeline.Failure]:
    """The articles given again that an earlier run set aside as failed: said again, so a rerun tells the same."""
    failures = []
    for article_id in dict.fromkeys(article_ids):
        status, reason = store.article_status(article_id) or ("", None)
        article = store.get_article(article_id) if status == "failed" else None
        if article is not None:
            source = article.source_path or article.url or article_id
            failures.append(pipeline.Failure(article_id, source, f"{reason} (set aside earlier; `eventfuse failed`)"))
            _report_failure(failures[-1])
    return failures


def _write_outputs(store: Store, events: list[Any], json_out: Path | None, md_out: Path | None) -> None:
    try:
        if json_out:
            history = {e.id: store.history(e.id) for e in events}
            json_out.write_text(events_json(events, history), encoding="utf-8")
        if md_out:
            md_out.write_text(events_markdown(events), encoding="utf-8")
    except OSError as err:
        raise _fail(f"cannot write output: {err}") from err


def _print_removed(store: Store, article_ids: list[str]) -> None:
    for article_id in dict.fromkeys(article_ids):
        article = store.get_article(article_id)
        if article is None:
            continue
        label = _line(article.source_path or article.id)
        if not article.removed:
            console.print(Text(f"{label}: no boilerplate removed", style="dim"))
        for removed in article.removed:
            console.print(Text(f"{label}: removed {removed.reason}: ", style="yellow") + Text(repr(removed.text)))


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or directories of reports, page URLs (http, https), WARC archives (.warc, .warc.gz)."
        ),
    ],
    db: DbOption = None,
    published: PublishedOption = None,
    outlet: OutletOption = None,
    url: UrlOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    allow_private: AllowPrivateOption = False,
    no_robots: NoRobotsOption = False,
    delay: DelayOption = 1.0,
    quiet: QuietOption = False,
) -> None:
    """Store reports for later processing by `eventfuse run` (each article once).

    Files and directories are read as by `analyze`; a URL is fetched and its article extracted; a WARC
    archive is streamed, its English news pages kept, and a rerun resumes after the last record read.

    Example: eventfuse ingest examples/ https://example.org/news/story.html CC-NEWS.warc.gz --db events.db
    """
    defaults = _defaults(published, outlet, url)
    with _open_store(db) as store:
        if any(is_url(p) or is_warc(p) or "://" in p for p in paths):
            policy = _fetch_policy(allow_private, no_robots, delay, max_bytes)
            added, duplicates, rejected = _ingest_sources(store, paths, defaults, max_bytes, policy, quiet)
        else:
            report = _ingest(store, [Path(p) for p in paths], defaults, max_bytes, quiet)
            added, duplicates, rejected = len(report.added), len(report.duplicates), len(report.errors)
    if not quiet:
        err_console.print(Text(f"{added} new articles, {duplicates} already stored, {rejected} inputs rejected"))
    if rejected:
        raise typer.Exit(1)


def _fetch_policy(allow_private: bool, no_robots: bool, delay: float, max_bytes: int) -> FetchPolicy:
    return FetchPolicy(
        allow_private=allow_private, respect_robots=not no_robots, min_interval=delay, max_bytes=max_bytes
    )


def _ingest_sources(
    store: Store, inputs: list[str], defaults: Defaults, max_bytes: int, policy: FetchPolicy, quiet: bool
) -> tuple[int, int, int]:
    """Ingest files, URLs and WARC archives in the order given; returns (added, already stored, rejected)."""
    from .clean import load_rules

    archives: list[WarcStats] = []

    rules = load_rules()
    counts = [0, 0, 0]
    files = [Path(a) for a in inputs if "://" not in a and not is_warc(a)]
    # An archive's size in articles is unknown until read: no progress bar then, a summary at the end.
    total = 0 if any(is_warc(a) for a in inputs) else sum(map(is_url, inputs)) + len(list(expand_paths(files)))
    with Fetcher(policy) as fetcher, _progress(total, "reading", quiet) as advance:
        stream = api.read_inputs(inputs, store, fetcher, defaults, max_bytes, archives)
        while True:  # in chunks, so that the reports of a long archive do not grow in memory
            report = pipeline.ingest(
                store, islice(stream, INGEST_CHUNK), rules, on_error=_report_input_error, progress=advance
            )
            done = (len(report.added), len(report.duplicates), len(report.errors))
            if not any(done):
                break
            counts = [a + b for a, b in zip(counts, done, strict=True)]
    if not quiet:
        for stats in archives:
            err_console.print(Text(_line(stats.summary())))
    return counts[0], counts[1], counts[2]


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs.")],
    every: Annotated[str, typer.Option("--every", help="Time between polls: 90s, 10m, 1h.")] = "10m",
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, process the new items, exit.")] = False,
    db: DbOption = None,
    allow_private: AllowPrivateOption = False,
    no_robots: NoRobotsOption = False,
    delay: DelayOption = 1.0,
    lexicon: LexiconOption = None,
    quiet: QuietOption = False,
) -> None:
    """Poll RSS/Atom feeds, ingest only their new items and process them as they come.

    Each feed's state (ETag, Last-Modified, items seen) is kept in the store, so a restart goes on where the
    last run stopped. Stop with Ctrl-C.

    Example: eventfuse watch https://example.org/world/rss.xml --every 10m --db events.db
    """

    interval = _parse_interval(every)
    resources: list[pipeline.Resources] = []  # loaded when the first new articles come

    def process() -> list[str]:
        if not resources:
            resources.append(_load_resources(lexicon, quiet))
        return _run(store, resources[0], quiet).events_touched

    def polled(poll: api.Poll) -> None:
        if not quiet:
            err_console.print(Text(_line(_poll_summary(poll.feed, poll.status, poll.new, poll.report))))

    def show(events: list[Any]) -> None:
        if not quiet:
            console.print(events_table(events))

    with (
        _open_store(db) as store,
        Fetcher(_fetch_policy(allow_private, no_robots, delay, DEFAULT_MAX_BYTES)) as fetcher,
    ):
        try:
            rejected = api.watch_feeds(
                store, feeds, fetcher, process, interval, once, polled, show, on_error=_report_input_error
            )
        except KeyboardInterrupt as err:
            err_console.print(
                f"{_stopped_by(err)}: stopped; the feeds' state is in the store, so the next `eventfuse watch` goes on"
            )
            raise typer.Exit(_stop_status(err)) from None
    if rejected:
        raise typer.Exit(1)


def _parse_interval(every: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", every.lower())
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)] if match else 0
    if seconds <= 0:
        raise _fail(f"--every {every!r} is not a time between polls (use e.g. 90s, 10m, 1h)")
    return seconds


def _poll_summary(feed: str, status: str, new: int, report: pipeline.IngestReport) -> str:
    if status == "not-modified":
        return f"{feed}: not modified since the last poll"
    if status == "failed":
        return f"{feed}: poll failed"
    return (
        f"{feed}: {new} new items: {len(report.added)} articles stored, {len(report.duplicates)} already stored, "
        f"{len(report.errors)} rejected"
    )


@app.command()
def run(
    db: DbOption = None,
    lexicon: LexiconOption = None,
    workers: WorkersOption = None,
    max_chars: MaxCharsOption = pipeline.MAX_ARTICLE_CHARS,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles parsed (and on PostgreSQL claimed) together.")
    ] = pipeline.BATCH_SIZE,
    quiet: QuietOption = False,
) -> None:
    """Process the pending articles: extract, group into events, fuse.

    An article that cannot be processed is set aside as failed, with the reason (`eventfuse failed` lists
    them), and the run goes on with the others. Several `run` or `watch` processes may share a store: on
    SQLite one processes at a time (the others wait); on PostgreSQL each claims its own articles and they
    take turns to group, so no article is processed twice and the events are those one process makes.

    Example: eventfuse run --db events.db
    """
    with _open_store(db) as store:
        if not store.pending_article_ids():
            if not quiet:
                err_console.print("no pending articles")
            return
        resources = _load_resources(lexicon, quiet)
        report = _run(store, resources, quiet, workers, max_chars, batch_size)
    if not quiet:
        summary = f"{report.processed} articles processed, {len(report.events_touched)} events updated"
        if report.failed:
            summary += f", {len(report.failed)} failed (`eventfuse failed` lists them)"
        err_console.print(Text(summary))
    if report.failed:
        raise typer.Exit(1)


@app.command()
def spark(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="WARC archives (.warc, .warc.gz), JSONL or other article files, directories, or URIs Spark reads "
            "(hdfs://, s3a://)."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output directory for the Parquet tables (one every executor can write).")
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Also load the articles and events into this store (a SQLite path or a postgresql:// URL)."
        ),
    ] = None,
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master URL (default local[CORES]: this machine).")
    ] = None,
    cores: Annotated[int | None, typer.Option("--cores", min=1, help="Cores in local mode (default: all).")] = None,
    window_days: Annotated[
        int,
        typer.Option(
            "--window-days", min=1, help="Days grouped by one task (an article's day: its first dated mention's)."
        ),
    ] = WINDOW_DAYS,
    overlap_days: Annotated[
        int,
        typer.Option(
            "--overlap-days",
            min=0,
            help="Days before a window that its task reads as context (at least grouping's lookback, 31, for the same "
            "events as `eventfuse run`).",
        ),
    ] = OVERLAP_DAYS,
    regions: Annotated[
        bool, typer.Option("--regions", help="Split each window by country (faster; may split events across borders).")
    ] = False,
    max_chars: MaxCharsOption = pipeline.MAX_ARTICLE_CHARS,
    lexicon: LexiconOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's figures as one JSON object.")] = False,
) -> None:
    """Run the pipeline as a Spark application: extraction per input file, grouping per time window, fusion per
    event; mentions, claims and events as Parquet under --out (docs/scale.md).

    A rerun skips the inputs already extracted. On a cluster use spark-submit (docs/scale.md).

    Example: eventfuse spark CC-NEWS-*.warc.gz --out run/ --to events.db --cores 2
    """
    try:
        from .spark import job
    except ImportError as err:
        raise _fail(f"eventfuse spark needs PySpark: pip install 'eventfuse[spark]' ({err})") from err
    from .parallel import WorkerSpec, default_workers

    options = job.JobOptions(window_days, overlap_days, regions, max_chars, WorkerSpec(tuple(lexicon or ())))
    logging.getLogger("eventfuse.spark").setLevel(logging.INFO)
    try:
        session = job.session(master, cores or (None if master else default_workers()))
    except Exception as err:  # no Java, or a master that cannot be reached
        raise _fail(f"cannot start Spark: {one_line_reason(err)} (Spark needs Java 17: see the README)") from err
    try:
        report = job.run_job(session, inputs, out, options, to)
    except EventfuseError as err:
        raise _fail(str(err)) from err
    except Exception as err:
        if not type(err).__module__.startswith(("py4j", "pyspark")):
            raise
        # a task failed at every attempt (a worker killed, a bug): Spark's error names the stage and the task
        log.error("the Spark job failed: %s", one_line_reason(err), extra={"trace": traceback.format_exc()})
        message = f"the Spark job failed: {one_line_reason(err)}; inputs already extracted are kept, rerun to go on"
        raise _fail(message, 1) from err
    finally:
        session.stop()
    figures = job.summary(report)
    for error in report.errors:
        _report_input_error(error)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
    else:
        for name, value in figures.items():
            if name != "errors":
                console.print(Text(f"{name}: {value}"))
    if report.errors:
        raise typer.Exit(1)


@app.command()
def failed(
    db: DbOption = None,
    retry: Annotated[
        bool, typer.Option("--retry", help="Make the failed articles pending again (all, or the ids given).")
    ] = False,
    article_ids: Annotated[
        list[str] | None, typer.Argument(help="Only these article ids (with --retry).", show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of one line per article.")] = False,
) -> None:
    """List the articles that could not be processed, with the reason; --retry queues them for `eventfuse run`.

    Example: eventfuse failed --retry && eventfuse run
    """
    with _open_store(db) as store:
        if retry:
            count = store.retry_failed(article_ids or None)
            err_console.print(Text(f"{count} failed articles made pending again; `eventfuse run` processes them"))
            return
        found = [row for row in store.failed_articles() if not article_ids or row["id"] in article_ids]
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    for row in found:
        source = row["source_path"] or row["url"] or row["id"]
        console.print(Text(_line(f"{row['id']}  {source}: {row['failure']}")), soft_wrap=True)
    err_console.print(
        Text(f"{len(found)} failed articles" + ("; retry with `eventfuse failed --retry`" if found else ""))
    )


@app.command()
def events(
    db: DbOption = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Events on or after this date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Events on or before this date.")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Event or sub-event type (substring).")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO country code, e.g. SY.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Text that the event record contains.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="An actor's name or wording (substring).")] = None,
    bbox: Annotated[
        str | None, typer.Option("--bbox", help="west,south,east,north in degrees: events located inside.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List stored events, with filters (each one run by the store, through an index).

    Example: eventfuse events --country IQ --from 2025-04-01 --type Shelling
    """
    for option, value in (("--from", date_from), ("--to", date_to)):
        if value is not None and not is_iso_date_prefix(value):
            raise _fail(f"{option} {value!r} is not a date that exists (use YYYY, YYYY-MM or YYYY-MM-DD)")
    box = None
    if bbox is not None:
        try:
            west, south, east, north = (float(part) for part in bbox.split(","))
        except ValueError:
            raise _fail(f"--bbox {bbox!r} is not four numbers west,south,east,north") from None
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise _fail(f"--bbox {bbox!r}: latitudes within -90..90 (south <= north), longitudes within -180..180")
        box = (west, south, east, north)
    where = EventFilter(date_from, date_to, event_type, country, text, limit, actor=actor, bbox=box)
    with _open_store(db) as store:
        found = store.events(where)
        shown_ids = {} if as_json else store.unique_prefixes(e.id for e in found)
    if as_json:
        sys.stdout.write(events_json(found))
    else:
        console.print(events_table(found, shown_ids))


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(help="An event id (or its first characters).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--md", help="Print the event as a Markdown brief.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Print the event as a self-contained HTML brief.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every claim, source and history line of a big event, not a summary.")
    ] = False,
) -> None:
    """Show one event: every field with its status, credibility and the claims behind it.

    A big event is summarised (each field's values and sources counted, the first sources listed); --all
    prints everything.

    Example: eventfuse show ev_1a2b3c --html > brief.html
    """
    with _open_store(db) as store:
        try:
            event, merged_into = store.resolve_event(event_id)
        except AmbiguousIdError as err:
            raise _fail(str(err)) from None
        if merged_into:  # a later report showed it is the same event as another: show that one
            err_console.print(
                Text(_line(f"{event_id} was merged into {merged_into} (see its history)")), soft_wrap=True
            )
        if event is None:
            raise _fail(f"no event {event_id!r} in {store.path}", 1)
        history = store.history(event.id)
    if as_json:
        sys.stdout.write(events_json([event], {event.id: history}))
    elif markdown:
        sys.stdout.write(event_markdown(event))
    elif html:
        sys.stdout.write(event_html(event))
    else:
        console.print(event_renderable(event, history, full=show_all))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORTERS)}.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Export all stored events.

    Example: eventfuse export --format html --out briefs.html
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise _fail(f"unknown format {fmt!r}: choose one of {', '.join(EXPORTERS)}")
    with _open_store(db) as store:
        text = exporter(store.events())
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but loopback is public.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="EVENTFUSE_TOKEN", help="Require 'Authorization: Bearer TOKEN' on writes."),
    ] = None,
    tile_url: Annotated[
        str | None,
        typer.Option(
            "--tile-url", help="An online tile layer for the map, e.g. https://tile.example.org/{z}/{x}/{y}.png."
        ),
    ] = None,
    tile_attribution: Annotated[
        str | None, typer.Option("--tile-attribution", help="The credit line the tile server asks for.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes (one per core holds the most load).")
    ] = 1,
) -> None:
    """Serve the REST API and the map, timeline and event pages (FastAPI + uvicorn).

    Example: eventfuse serve --db events.db --port 8000
    """
    import uvicorn

    from .web.app import APP_FACTORY, ServeSettings

    loopback = host == "localhost" or _is_loopback(host)
    if not loopback:
        warning = f"warning: listening on {host}, reachable from other machines, without TLS"
        warning += "" if token else "; anyone who reaches it can add articles (set --token)"
        err_console.print(Text(warning, style="yellow"))
    settings = ServeSettings(
        db=db or default_target(),
        token=token,
        tile_url=tile_url,
        tile_attribution=tile_attribution,
        # Against DNS rebinding: no other site's name may reach the loopback server through the browser.
        allowed_hosts=["127.0.0.1", "localhost"] if loopback and ":" not in host else None,
    )
    try:
        web_app = settings.app()  # opens (creating or migrating) the store now, so a bad one fails here
    except EventfuseError as err:
        raise _fail(str(err)) from err
    shown = f"[{host}]" if ":" in host else host
    err_console.print(Text(f"serving {web_app.state.web.store_name} at http://{shown}:{port}/ (Ctrl-C stops)"))
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
    else:  # each worker process builds the same app from the settings in its environment
        from .web.serving import serve_in_processes

        settings.export()
        serve_in_processes(APP_FACTORY, host, port, workers)


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def demo(
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Analyse the bundled examples (examples/) and print their fused reports.

    Example: eventfuse demo
    """
    if not EXAMPLES_DIR.is_dir():
        raise _fail(f"the bundled examples are not at {EXAMPLES_DIR} (run from a source checkout)")
    analyze([EXAMPLES_DIR], db=db, quiet=quiet, max_bytes=DEFAULT_MAX_BYTES)


@app.command()
def bench(
    name: Annotated[
        str,
        typer.Argument(help=f"Benchmark name: {', '.join(BENCHMARKS)}."),
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Data directory (default ../shared/bench/NAME; time reads te3; tolls, speed, cluster-scale and store "
            "read gv; record reads the bench root, its gv/ and muc/, or one of them; hostile generates its corpus and "
            "api uses the bundled examples: they read none).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with the figures.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Use only the first N records (speed and store: N articles; cluster-scale: N articles at most; "
            "record: the first N gv incidents and N MUC-4 test messages; hostile: the first N inputs; api: a store "
            "of N events).",
        ),
    ] = None,
    one_event: Annotated[
        int | None,
        typer.Option(
            "--one-event",
            min=1,
            help="cluster-scale only: N reports of one event, timed as the event grows (100, 1,000, 10,000).",
        ),
    ] = None,
) -> None:
    """Run a benchmark on public evaluation data and print its figures beside published ones.

    Example: eventfuse bench time --data ../shared/bench/te3
    """
    try:
        module = load_benchmark(name)
        options = {"one_event": one_event} if one_event is not None else {}
        if options and name != "cluster-scale":
            raise _fail("--one-event is an option of 'eventfuse bench cluster-scale' only")
        result = module.run(data or default_data_dir(getattr(module, "DATA_DIR", name)), limit=limit, **options)
    except EventfuseError as err:
        raise _fail(str(err)) from err
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    _print_figures(name, result, getattr(module, "ANCHORS", {}))


@app.command()
def train(
    name: Annotated[str, typer.Argument(help=f"Model name: {', '.join(MODELS) or 'none yet'}.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Benchmark data root with the dev splits (default ../shared/bench, or $EVENTFUSE_BENCH_DIR)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory to write the model files to (default: the package's eventfuse/data)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with the figures.")] = False,
) -> None:
    """Rebuild a learned model from the public dev data, deterministically, and print its cross-validated figures.

    Example: eventfuse train grouping --data ../shared/bench
    """
    logging.getLogger("eventfuse.train").setLevel(logging.INFO)  # progress: training takes minutes
    try:
        module = load_trainer(name)
        result = module.train(data or bench_root(), out or default_out_dir())
    except EventfuseError as err:
        raise _fail(str(err)) from err
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    _print_figures(f"train {name}", result, {})


def _print_figures(name: str, result: dict[str, Any], anchors: dict[str, str]) -> None:
    from rich.table import Table

    table = Table(title=f"eventfuse bench {name}", show_header=True, header_style="bold")
    table.add_column("figure")
    table.add_column("eventfuse")
    table.add_column("published")

    def rows(prefix: str, values: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        for key, value in values.items():
            label = f"{prefix}{key}"
            if isinstance(value, dict):
                yield from rows(label + ".", value)
            else:
                yield label, value

    for label, value in rows("", result):
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        table.add_row(label, shown, anchors.get(label, anchors.get(label.split(".")[-1], "")))
    console.print(table)


db_app = typer.Typer(no_args_is_help=True)


@db_app.command("copy")
def db_copy(
    source: Annotated[str, typer.Argument(help="The store to copy: a SQLite path or a postgresql:// URL.")],
    destination: Annotated[str, typer.Argument(help="A new, empty store (a path or a URL), or one a copy began.")],
    quiet: QuietOption = False,
) -> None:
    """Copy every article, mention, event, history line and setting from one store to another (SQLite and
    PostgreSQL either way). Interrupted, the same command resumes where the copy stopped.

    Example: eventfuse db copy events.db postgresql://eventfuse@db.example.org/events
    """
    from .store.copy import copy_store

    with _open_store(source) as src, _open_store(destination) as dst:
        try:
            report = copy_store(src, dst)  # type: ignore[arg-type]
        except EventfuseError as err:
            raise _fail(str(err)) from err
    if not quiet:
        resumed = f" (resumed: {', '.join(report.resumed)})" if report.resumed else ""
        copied = ", ".join(f"{n} {table}" for table, n in report.rows.items() if n)
        err_console.print(
            Text(_line(f"copied {src.path} to {dst.path}: {copied or 'nothing'}{resumed}")), soft_wrap=True
        )


app.add_typer(gazetteer_app, name="gazetteer", help="The embedded gazetteer: import GeoNames dumps, look up names.")
app.add_typer(db_app, name="db", help="Manage stores: copy one to another (SQLite and PostgreSQL).")

__all__ = ["app"]
