"""The eventfuse command line (Typer + Rich): parses input, calls the pipeline or the store, renders.

Exit status: 0 when every input was processed, 1 when some inputs were rejected, 2 on usage errors.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from . import __version__, pipeline
from .bench import BENCHMARKS, default_data_dir, load_benchmark
from .errors import EventfuseError, InputError
from .export import EXPORTERS, events_json
from .geo.cli import gazetteer_app
from .report import event_markdown, event_renderable, events_markdown, events_table
from .sources.files import DEFAULT_MAX_BYTES, Defaults, expand_paths, read_articles
from .sources.meta import normalise_published
from .store import EventFilter, Store, default_db_path

app = typer.Typer(
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
    Path | None, typer.Option("--db", help="SQLite event store (default: the per-user data directory).")
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
LexiconOption = Annotated[
    list[Path] | None, typer.Option("--lexicon", help="An extra lexicon file (TOML; see the lexicon docs).")
]


def _version(value: bool) -> None:
    if value:
        console.print(f"eventfuse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """News reports in; verified, structured, sourced conflict events out."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


# --- helpers ------------------------------------------------------------------------------------


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(Text(f"error: {message}", style="red"), soft_wrap=True)
    return typer.Exit(code)


def _report_input_error(error: InputError) -> None:
    err_console.print(Text(f"rejected {error.source}: {error.reason}", style="red"), soft_wrap=True)


def _defaults(published: str | None, outlet: str | None, url: str | None) -> Defaults:
    if published is not None:
        normalised = normalise_published(published, "--published")
        if normalised is None:
            raise _fail(f"--published {published!r} is not a date (use YYYY-MM-DD)")
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
        yield lambda n: bar.advance(task, n)


def _open_store(db: Path | None) -> Store:
    try:
        return Store.open(db)
    except EventfuseError as err:
        raise _fail(str(err)) from err


def _load_resources(lexicon: Sequence[Path] | None, quiet: bool) -> pipeline.Resources:
    try:
        if quiet:
            return pipeline.Resources.load(lexicon or ())
        with err_console.status("loading the language model, lexicon and gazetteer…"):
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


def _run(store: Store, resources: pipeline.Resources, quiet: bool) -> pipeline.RunReport:
    pending = len(store.pending_article_ids())
    try:
        with _progress(pending, "analysing", quiet) as advance:
            return pipeline.run(store, resources, progress=advance)
    except KeyboardInterrupt:
        left = len(store.pending_article_ids())
        err_console.print(
            Text(
                f"interrupted: {pending - left} of {pending} articles processed and stored; "
                f"`eventfuse run --db {store.path}` finishes the other {left}",
                style="yellow",
            )
        )
        raise typer.Exit(130) from None


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
    lexicon: LexiconOption = None,
    quiet: QuietOption = False,
) -> None:
    """Read reports, group those about the same event, and print one fused report per event.

    Example: eventfuse analyze reports/ --published 2024-04-22 --json out.json
    """
    defaults = _defaults(published, outlet, url)
    with _open_store(db) as store:
        ingested = _ingest(store, paths, defaults, max_bytes, quiet)
        resources = _load_resources(lexicon, quiet)
        _run(store, resources, quiet)
        events = pipeline.events_of_articles(store, ingested.article_ids)
        if explain:
            _print_removed(store, ingested.article_ids)
        if not quiet:
            for event in events:
                console.print(event_renderable(event, store.history(event.id)))
            summary = f"{len(ingested.article_ids)} articles ({len(ingested.duplicates)} already stored), "
            summary += f"{len(events)} events, {len(ingested.errors)} inputs rejected"
            err_console.print(Text(summary))
        _write_outputs(store, events, json_out, md_out)
    if ingested.errors:
        raise typer.Exit(1)


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
        label = article.source_path or article.id
        if not article.removed:
            console.print(Text(f"{label}: no boilerplate removed", style="dim"))
        for removed in article.removed:
            console.print(Text(f"{label}: removed {removed.reason}: ", style="yellow") + Text(repr(removed.text)))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of reports.")],
    db: DbOption = None,
    published: PublishedOption = None,
    outlet: OutletOption = None,
    url: UrlOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: QuietOption = False,
) -> None:
    """Store reports for later processing by `eventfuse run` (each article once).

    Example: eventfuse ingest examples/ --db events.db
    """
    defaults = _defaults(published, outlet, url)
    with _open_store(db) as store:
        report = _ingest(store, paths, defaults, max_bytes, quiet)
    if not quiet:
        err_console.print(
            Text(
                f"{len(report.added)} new articles, {len(report.duplicates)} already stored, "
                f"{len(report.errors)} inputs rejected"
            )
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def run(
    db: DbOption = None,
    lexicon: LexiconOption = None,
    quiet: QuietOption = False,
) -> None:
    """Process the pending articles: extract, group into events, fuse.

    Example: eventfuse run --db events.db
    """
    with _open_store(db) as store:
        if not store.pending_article_ids():
            if not quiet:
                err_console.print("no pending articles")
            return
        resources = _load_resources(lexicon, quiet)
        report = _run(store, resources, quiet)
    if not quiet:
        err_console.print(Text(f"{report.processed} articles processed, {len(report.events_touched)} events updated"))


@app.command()
def events(
    db: DbOption = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Events on or after this date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Events on or before this date.")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Event or sub-event type (substring).")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO country code, e.g. SY.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Text that the event record contains.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List stored events, with filters.

    Example: eventfuse events --country IQ --from 2025-04-01 --type Shelling
    """
    where = EventFilter(date_from, date_to, event_type, country, text, limit)
    with _open_store(db) as store:
        found = store.events(where)
    if as_json:
        sys.stdout.write(events_json(found))
    else:
        console.print(events_table(found))


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(help="An event id (or its first characters).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--md", help="Print the event as a Markdown brief.")] = False,
) -> None:
    """Show one event: every field with its status, credibility and the claims behind it.

    Example: eventfuse show ev_1a2b3c
    """
    with _open_store(db) as store:
        event = store.get_event(event_id)
        if event is None:
            raise _fail(f"no event {event_id!r} in {store.path}", 1)
        history = store.history(event.id)
    if as_json:
        sys.stdout.write(events_json([event], {event.id: history}))
    elif markdown:
        sys.stdout.write(event_markdown(event))
    else:
        console.print(event_renderable(event, history))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORTERS)}.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Export all stored events.

    Example: eventfuse export --format csv --out events.csv
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
) -> None:
    """Serve the REST API and the map, timeline and event pages (FastAPI + uvicorn).

    Example: eventfuse serve --db events.db --port 8000
    """
    import uvicorn

    from .web import create_app

    loopback = host == "localhost" or _is_loopback(host)
    if not loopback:
        warning = f"warning: listening on {host}, reachable from other machines, without TLS"
        warning += "" if token else "; anyone who reaches it can add articles (set --token)"
        err_console.print(Text(warning, style="yellow"))
    try:
        web_app = create_app(
            db or default_db_path(),
            token=token,
            tile_url=tile_url,
            tile_attribution=tile_attribution,
            # Against DNS rebinding: no other site's name may reach the loopback server through the browser.
            allowed_hosts=["127.0.0.1", "localhost"] if loopback and ":" not in host else None,
        )
    except EventfuseError as err:
        raise _fail(str(err)) from err
    shown = f"[{host}]" if ":" in host else host
    err_console.print(Text(f"serving {db or default_db_path()} at http://{shown}:{port}/ (Ctrl-C stops)"))
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


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
    name: Annotated[str, typer.Argument(help="Benchmark name.")],
    data: Annotated[Path | None, typer.Option("--data", help="Data directory (default ../shared/bench/NAME).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with the figures.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Use only the first N records.")] = None,
) -> None:
    """Run a benchmark on public evaluation data and print its figures beside published ones.

    Example: eventfuse bench time --data ../shared/bench/te3
    """
    try:
        module = load_benchmark(name)
        result = module.run(data or default_data_dir(name), limit=limit)
    except EventfuseError as err:
        raise _fail(str(err)) from err
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    _print_figures(name, result, getattr(module, "ANCHORS", {}))


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


app.add_typer(gazetteer_app, name="gazetteer", help="The embedded gazetteer: import GeoNames dumps, look up names.")

__all__ = ["app", "BENCHMARKS", "default_db_path"]
