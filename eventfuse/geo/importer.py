"""Import of full GeoNames dumps a user downloaded (allCountries.zip, XX.zip, alternateNamesV2.zip, admin1CodesASCII.txt).

Streams line by line in constant memory and records (file, lines done) in the database, so a rerun resumes.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .gazetteer import Gazetteer, create_schema, name_rows

log = logging.getLogger(__name__)

BATCH_LINES = 20_000
# alternateNames "languages" that are codes or links, not names a text would use.
_SKIPPED_LANGUAGES = frozenset({"link", "wkdt", "post", "iata", "icao", "faac", "unlc", "fr_1793", "tcid", "phon"})


@dataclass
class ImportStats:
    file: str
    kind: str  # places | alternate names | admin1
    lines_total: int = 0
    lines_skipped: int = 0  # already imported by an earlier, interrupted run
    lines_imported: int = 0


def dump_kind(path: Path) -> str:
    """Which GeoNames dump a file is, from its name."""
    name = path.name.lower()
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("alternatenames"):
        return "alternate names"
    if name.endswith((".zip", ".txt")):
        return "places"
    raise InputError(
        str(path), "not a GeoNames dump (expected XX.zip, XX.txt, alternateNamesV2.zip, admin1CodesASCII.txt)"
    )


@contextmanager
def _open_lines(path: Path) -> Iterator[tuple[str, io.TextIOBase]]:
    """(member name, text stream) of a dump, reading inside zip archives without extracting them."""
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise InputError(str(path), f"not a readable zip archive ({exc}); download it again") from exc
        with archive:
            members = [m for m in archive.namelist() if m.endswith(".txt") and not m.lower().startswith("readme")]
            if not members:
                raise InputError(str(path), "the archive holds no .txt dump")
            # alternateNamesV2.zip also holds iso-languagecodes.txt; the dump is the largest member.
            member = max(members, key=lambda m: archive.getinfo(m).file_size)
            with archive.open(member) as raw:
                yield member, io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    else:
        with open(path, encoding="utf-8", newline="\n") as handle:
            yield path.name, handle


def import_dump(
    gazetteer: Gazetteer,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    batch_lines: int = BATCH_LINES,
) -> ImportStats:
    """Import one dump into the gazetteer. Lines done by an earlier run of the same file are skipped."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found")
    kind = dump_kind(path)
    db = gazetteer.db
    create_schema(db)
    stats = ImportStats(file=str(path), kind=kind)
    file_key = str(path.resolve())
    size = path.stat().st_size
    with _open_lines(path) as (member, stream):
        row = db.execute(
            "SELECT size, lines_done, done FROM import_progress WHERE file=? AND member=?", (file_key, member)
        ).fetchone()
        already = 0
        if row is not None and row[0] == size:
            if row[2]:
                log.info("%s already imported; nothing to do", path)
                stats.lines_skipped = row[1]
                stats.lines_total = row[1]
                return stats
            already = row[1]
        db.execute("INSERT OR REPLACE INTO import_progress VALUES (?,?,?,?,0)", (file_key, member, size, already))
        db.commit()
        handler = {"places": _place_line, "alternate names": _alternate_line, "admin1": _admin1_line}[kind]
        line_number = 0
        pending = 0
        for line in stream:
            line_number += 1
            if line_number <= already:
                stats.lines_skipped += 1
                continue
            if line.startswith("#") or not line.strip():
                pending += 1
            else:
                handler(db, line.rstrip("\n").split("\t"))
                stats.lines_imported += 1
                pending += 1
            if pending >= batch_lines:
                _checkpoint(db, file_key, member, line_number)
                if progress:
                    progress(pending)
                pending = 0
        _checkpoint(db, file_key, member, line_number, done=True)
        if progress and pending:
            progress(pending)
        stats.lines_total = line_number
    if kind == "admin1":
        db.execute(
            "UPDATE place SET admin1 = (SELECT a.name FROM admin1 a WHERE a.country_code = place.country_code"
            " AND a.code = place.admin1_code) WHERE admin1 IS NULL AND admin1_code IS NOT NULL"
        )
        db.commit()
    gazetteer._cache.clear()
    gazetteer._admin1 = None
    return stats


def _checkpoint(db: sqlite3.Connection, file_key: str, member: str, lines_done: int, *, done: bool = False) -> None:
    # The rows of a batch and the count that says they are in commit together: a crash loses at most one batch.
    db.execute(
        "UPDATE import_progress SET lines_done=?, done=? WHERE file=? AND member=?",
        (lines_done, int(done), file_key, member),
    )
    db.commit()


def _place_line(db: sqlite3.Connection, cols: list[str]) -> None:
    if len(cols) < 15:
        return
    try:
        gid = int(cols[0])
        lat, lon = float(cols[4]), float(cols[5])
        population = int(cols[14] or 0)
    except ValueError:
        return
    name, asciiname, alternates = cols[1], cols[2], cols[3]
    db.execute(
        "INSERT OR REPLACE INTO place VALUES (?,?,?,?,?,?,?,?,?,"
        " (SELECT name FROM admin1 WHERE country_code=? AND code=?), NULL, ?, 'geonames')",
        (gid, name, lat, lon, cols[6], cols[7], cols[8], cols[10], cols[11], cols[8], cols[10], population),
    )
    forms = [(name, "name"), (asciiname, "name")] + [(a, "alt") for a in alternates.split(",") if a]
    db.executemany("INSERT OR IGNORE INTO name VALUES (?,?,?,?,?)", list(name_rows(forms, gid)))


def _alternate_line(db: sqlite3.Connection, cols: list[str]) -> None:
    if len(cols) < 4 or cols[2] in _SKIPPED_LANGUAGES:
        return
    if len(cols) > 7 and cols[7] == "1":  # historic names are not what today's news writes
        return
    try:
        gid = int(cols[1])
    except ValueError:
        return
    kind = "abbr" if cols[2] == "abbr" else "alt"
    db.executemany("INSERT OR IGNORE INTO name VALUES (?,?,?,?,?)", list(name_rows([(cols[3], kind)], gid)))


def _admin1_line(db: sqlite3.Connection, cols: list[str]) -> None:
    if len(cols) < 2 or "." not in cols[0]:
        return
    country, code = cols[0].split(".", 1)
    gid = int(cols[3]) if len(cols) > 3 and cols[3].isdigit() else None
    db.execute("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", (country, code, cols[1], gid))
