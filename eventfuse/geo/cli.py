"""The ``eventfuse gazetteer`` commands: import GeoNames dumps and look up a name's ranked candidates.

A thin Typer sub-app over ``importer.import_dump`` and ``Gazetteer.lookup``; progress and tables through Rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import EventfuseError
from .gazetteer import Gazetteer
from .importer import import_dump

gazetteer_app = typer.Typer(help="The place-name gazetteer: import full GeoNames dumps, look up names.")

GazetteerOption = Annotated[
    Path | None, typer.Option("--gazetteer", help="gazetteer file (default: per-user data dir or $EVENTFUSE_GAZETTEER)")
]


@gazetteer_app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="allCountries.zip, XX.zip/XX.txt, alternateNamesV2.zip, admin1CodesASCII.txt")
    ],
    gazetteer: GazetteerOption = None,
) -> None:
    """Import GeoNames dumps, streaming; an interrupted import resumes where it stopped when run again."""
    console = Console(stderr=True)
    try:
        gz = Gazetteer.open(gazetteer)
        # admin1 names first, so places imported after them carry their admin1 name.
        ordered = sorted(files, key=lambda p: 0 if p.name.lower().startswith("admin1") else 1)
        for path in ordered:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} lines"),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(path.name, total=None)
                stats = import_dump(gz, path, progress=lambda n, t=task: progress.advance(t, n))
            console.print(
                f"{path.name}: {stats.kind}, {stats.lines_imported:,} lines imported, "
                f"{stats.lines_skipped:,} already done"
            )
    except EventfuseError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


@gazetteer_app.command("lookup")
def lookup_command(
    name: Annotated[str, typer.Argument(help="a place name as written")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="candidates to show")] = 10,
    gazetteer: GazetteerOption = None,
) -> None:
    """Show the ranked candidates for a name."""
    console = Console()
    try:
        gz = Gazetteer.open(gazetteer)
    except EventfuseError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    candidates = gz.lookup(name, limit=limit)
    if not candidates:
        console.print(f"no gazetteer entry for {name!r}")
        raise typer.Exit(1)
    table = Table(title=f"candidates for {name!r}")
    for column in (
        "rank",
        "name",
        "country",
        "admin1",
        "feature",
        "lat",
        "lon",
        "population",
        "match",
        "score",
        "geonameid",
    ):
        table.add_column(column)
    for rank, c in enumerate(candidates, 1):
        table.add_row(
            str(rank),
            c.name,
            c.country_code or "",
            c.admin1 or "",
            c.feature or "",
            f"{c.lat:.4f}",
            f"{c.lon:.4f}",
            f"{c.population:,}",
            c.match,
            f"{c.score:.2f}",
            str(c.geonameid or ""),
        )
    console.print(table)
