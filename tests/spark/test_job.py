"""`eventfuse spark` in local mode: the same events as `eventfuse run` on the examples and the seeds, a bad
record counted and logged with its WARC offset, a rerun that appends nothing twice, `--to` loading a store.

Skipped, with the reason, when PySpark or Java is not installed (the README's test command installs both)."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.model import to_json
from eventfuse.store import Store

from ..conftest import EXAMPLES, SEEDS

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed: pip install -e '.[test]'")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed: pip install -e '.[test]'")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

from eventfuse.spark import stages  # noqa: E402


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The examples and a WARC with one article and one damaged record. (The seeds, plain texts with no date at all,
    run in a job of their own below: docs/scale.md says why a split run may group undated reports otherwise.)"""
    folder = tmp_path_factory.mktemp("inputs")
    warc = folder / "crawl.warc"
    _write_warc(warc)
    return [str(EXAMPLES), str(warc)]


def _write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    text = (EXAMPLES / "horncourier_blast.txt").read_text(encoding="utf-8").split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in text if p.strip())
    page = f'<html lang="en"><head><title>Blast</title></head><body><article>{body}</article></body></html>'
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            "https://horn.example/blast", "response", payload=io.BytesIO(page.encode()), http_headers=headers
        )
        writer.write_record(record)
        damaged = fh.tell()
        record = writer.create_warc_record(
            "https://horn.example/other", "response", payload=io.BytesIO(page.encode()), http_headers=headers
        )
        writer.write_record(record)
    data = bytearray(path.read_bytes())
    for index in range(damaged + 10, damaged + 40):  # the second record's header, garbled
        data[index] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def one_machine(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The events `eventfuse ingest` then `eventfuse run` (one process) store for the same inputs."""
    return _one_machine(inputs, tmp_path_factory.mktemp("run") / "run.db")


def _one_machine(inputs: list[str], db: Path) -> dict[str, dict]:
    runner = CliRunner()
    runner.invoke(app, ["ingest", *inputs, "--db", str(db), "-q"])
    result = runner.invoke(app, ["run", "--db", str(db), "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        return {event.id: to_json(event) for event in store.events()}


def _spark_cli(inputs: list[str], out: Path, db: Path) -> dict:
    """`eventfuse spark` as a user runs it (local mode, 2 cores), in windows of a week so that the examples'
    weeks are grouped by tasks of their own; its figures."""
    args = ["spark", *inputs, "--out", str(out), "--to", str(db), "--cores", "2", "--window-days", "7", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def first_run(inputs: list[str], tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("spark")
    out, db = folder / "out", folder / "loaded.db"
    return out, db, _spark_cli(inputs, out, db)


def _events(out: Path) -> dict[str, dict]:
    return {row["id"]: json.loads(row["event_json"]) for row in pq.read_table(out / stages.EVENTS).to_pylist()}


def test_the_spark_run_finds_the_same_events_as_eventfuse_run(first_run, one_machine) -> None:
    out, _, report = first_run
    events = _events(out)
    assert report["cells"] > 1  # the examples span several windows: grouping really is split
    assert sorted(sorted(e["mention_ids"]) for e in events.values()) == sorted(
        sorted(e["mention_ids"]) for e in one_machine.values()
    )
    assert events == one_machine  # the same ids and the same fused values, sources and disagreements


def test_a_bad_record_is_counted_with_its_offset_and_the_job_goes_on(first_run, inputs) -> None:
    out, _, report = first_run
    warc = inputs[-1]
    summary = json.loads((stages.extracted_dir(out, warc) / "summary.json").read_text())
    assert summary["articles"] == 1 and summary["bad_records"] == 1
    assert summary["bad"][0]["source"].startswith(f"{warc}@")
    assert report["bad_records"] == 1 and report["articles"] >= 14


def test_the_mentions_and_claims_tables_hold_what_was_extracted(first_run) -> None:
    out, _, _ = first_run
    tables_dir = out / stages.EXTRACTED
    mentions = [r for f in sorted(tables_dir.glob("input-*/mentions.parquet")) for r in pq.read_table(f).to_pylist()]
    claims = [r for f in sorted(tables_dir.glob("input-*/claims.parquet")) for r in pq.read_table(f).to_pylist()]
    events = _events(out)
    linked = {m for e in events.values() for m in e["mention_ids"]}
    assert linked <= {m["mention_id"] for m in mentions}
    assert {c["mention_id"] for c in claims} <= {m["mention_id"] for m in mentions}
    assert any(c["field"].startswith("killed:") for c in claims)


def test_a_rerun_appends_nothing_twice(first_run, inputs, caplog) -> None:
    out, db, report = first_run
    with Store(db) as store:
        before = (store.count_articles(), len(store.events()))
    events = _events(out)
    caplog.set_level(logging.INFO, logger="eventfuse.spark")
    again = _spark_cli(inputs, out, db)
    assert again["inputs_skipped"] == again["inputs"] == report["inputs"]  # every input committed: none read again
    assert _events(out) == events
    assert again["loaded"] == [0, report["events"]]  # no article added twice; the events replaced, not added
    with Store(db) as store:
        assert (store.count_articles(), len(store.events())) == before
    assert any("records/s" in r.getMessage() for r in caplog.records)  # progress per stage


def test_the_loaded_store_shows_the_events(first_run, one_machine) -> None:
    _, db, _ = first_run
    with Store(db) as store:
        loaded = {event.id: to_json(event) for event in store.events()}
        assert store.pending_article_ids() == []
    assert loaded == one_machine


def test_a_killed_python_worker_is_retried_and_the_events_are_the_same(
    inputs, one_machine, tmp_path, monkeypatch
) -> None:
    """The Python workers of the executor are killed outright (as the kernel's out-of-memory killer would) once the
    first input is committed; their tasks fail, Spark tries them again, and the job ends with the same events."""
    out, mark = tmp_path / "out", tmp_path / "killed"
    wrapper = tmp_path / "python-killed-once"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ ! -e "{mark}" ]; then\n'
        f'  touch "{mark}"\n'
        f'  ( while [ -z "$(ls -A "{out}/extracted" 2>/dev/null)" ]; do sleep 0.1; done\n'
        f'    echo done > "{mark}"\n'
        "    pkill -9 -P $$ ) &\n"  # every process the daemon forked: its task workers (and this watcher)
        "fi\n"
        f'exec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PYSPARK_PYTHON", str(wrapper))
    figures = _spark_cli(inputs, out, tmp_path / "loaded.db")
    assert mark.read_text(encoding="utf-8").strip() == "done"  # the worker was killed during the job
    assert figures["articles"] >= 14
    assert _events(out) == one_machine


def test_the_seeds_give_the_same_events_as_eventfuse_run(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    _spark_cli([str(SEEDS)], tmp_path / "out", tmp_path / "loaded.db")
    events = _events(tmp_path / "out")
    assert events == _one_machine([str(SEEDS)], tmp_path / "run.db")
    assert len(events) == 1  # two outlets' reports of one rocket attack: one event
