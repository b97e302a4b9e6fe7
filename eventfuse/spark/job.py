"""The Spark application: the three stages of ``stages`` run as Spark tasks, in local mode or on a cluster.

Hands on a ``JobReport`` (counts, seconds and records per second per stage) and the Parquet tables under the
output directory; ``main`` is the entry point of `spark-submit` (docs/scale.md).
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import parallel
from ..errors import EventfuseError, InputError
from ..grouping import ClusterConfig
from ..model import from_json
from ..pipeline import MAX_ARTICLE_CHARS
from . import OVERLAP_DAYS, WINDOW_DAYS, stages, tables

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger("eventfuse.spark")

CELLS = "cells"
TASK_ATTEMPTS = (
    4  # Spark's default spark.task.maxFailures on a cluster  # stage 2's events, per cell, before they are joined
)


@dataclass
class JobReport:
    inputs: int = 0
    inputs_skipped: int = 0  # committed by an earlier run: not read again
    articles: int = 0
    failed: int = 0
    bad_records: int = 0
    mentions: int = 0
    cells: int = 0
    events: int = 0
    joined_events: int = 0  # events stage 3 fused again: joined from several cells, or not held whole by one
    loaded: tuple[int, int] | None = None  # (articles, events) loaded into --to
    seconds: dict[str, float] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)  # records per second per stage
    errors: list[InputError] = field(default_factory=list)


@dataclass(frozen=True)
class JobOptions:
    window_days: int = WINDOW_DAYS
    overlap_days: int = OVERLAP_DAYS
    regions: bool = False
    max_chars: int = MAX_ARTICLE_CHARS
    spec: parallel.WorkerSpec = parallel.WorkerSpec()


def session(master: str | None = None, cores: int | None = None, app_name: str = "eventfuse") -> SparkSession:
    """A Spark session: ``master`` (local[N] when none is set by spark-submit), the Python of this process."""
    from pyspark.sql import SparkSession

    # Python workers run this interpreter (its packages: eventfuse, the model) unless spark-submit says otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif cores:
        # local[N,F]: a failed task is tried again up to F times in all, as a cluster's spark.task.maxFailures does
        builder = builder.master(f"local[{cores},{TASK_ATTEMPTS}]")
    builder = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.python.worker.reuse", "true")  # the model is loaded once per Python worker, not per task
        .config("spark.sql.shuffle.partitions", str(max(2, cores or 2)))
    )
    return builder.getOrCreate()


def run_job(
    spark: SparkSession, inputs: Sequence[str], out: Path, options: JobOptions = JobOptions(), to: str | None = None
) -> JobReport:
    """Stage 1 (extraction per input file), stage 2 (grouping per cell), stage 3 (events joined, fused, written
    to ``out/events`` and, with ``to``, loaded into that store)."""
    report = JobReport()
    lookback = ClusterConfig.load().index.lookback_days
    if options.overlap_days < lookback:
        log.warning(
            "an overlap of %d days is shorter than grouping's lookback (%d days): events near a window's start may "
            "differ from `eventfuse run`'s",
            options.overlap_days,
            lookback,
        )
    sc = spark.sparkContext
    local_names = [p for p in inputs if "://" not in p or p.startswith("file://")]
    remote_names = [p for p in inputs if p not in local_names]
    local, report.errors = stages.local_inputs(local_names)
    remote = _remote_files(sc, remote_names, report.errors)
    files = local + remote
    for error in report.errors:
        log.warning("input %s: %s", error.source, error.reason)
    report.inputs = len(files)
    if not files:
        return report
    out.mkdir(parents=True, exist_ok=True)

    # Stage 1: one task per input file.
    started = time.perf_counter()
    work = functools.partial(_stage1_local, out=str(out), spec=options.spec, max_chars=options.max_chars)
    rdd = sc.parallelize(local, max(1, len(local))).mapPartitions(work) if local else sc.emptyRDD()
    if remote:
        fetched = functools.partial(_stage1_remote, out=str(out), spec=options.spec, max_chars=options.max_chars)
        rdd = rdd.union(sc.binaryFiles(",".join(remote), minPartitions=len(remote)).mapPartitions(fetched))
    summaries = rdd.collect()
    report.seconds["extract"] = time.perf_counter() - started
    for summary in summaries:
        report.inputs_skipped += bool(summary["skipped"])
        report.articles += summary["articles"]
        report.failed += summary["failed"]
        report.bad_records += summary["bad_records"]
        report.mentions += summary["mentions"]
    _rate(report, "extract", report.articles - sum(s["articles"] for s in summaries if s["skipped"]))

    # Stage 2: grouping, one task per time-window/region cell.
    started = time.perf_counter()
    articles = _articles(spark, out, files)
    cells_out = out / CELLS
    cell_rows, cell_order, article_order = _stage2(spark, articles, files, options, cells_out)
    grouped = len(article_order)
    report.cells = len(cell_order)
    report.seconds["group"] = time.perf_counter() - started
    _rate(report, "group", grouped)

    # Stage 3: the cells' events joined; those found in several cells fused again; all written as Parquet.
    started = time.perf_counter()
    finals = stages.reconcile(cell_rows, lambda c: cell_order[c], article_order)
    report.events = len(finals)
    report.joined_events = _stage3(spark, articles, finals, cell_rows, cells_out, out / stages.EVENTS)
    report.seconds["fuse"] = time.perf_counter() - started
    _rate(report, "fuse", report.events)

    if to:
        started = time.perf_counter()
        report.loaded = load(spark, out, files, to)
        report.seconds["load"] = time.perf_counter() - started
        _rate(report, "load", report.loaded[0] + report.loaded[1])
    return report


def _articles(spark: SparkSession, out: Path, files: Sequence[str]) -> DataFrame:
    """Stage 1's articles table of these inputs (not of others an earlier run may have left in ``out``)."""
    paths = [str(stages.extracted_dir(out, name) / "articles.parquet") for name in files]
    return spark.read.parquet(*paths).select(*_ARTICLE_COLUMNS)


_ARTICLE_COLUMNS = (
    "article_id",
    "input_file",
    "record",
    "published",
    "status",
    "failure",
    "region",
    "event_date",
    "words",
    "article_json",
    "mentions_json",
)


def _rate(report: JobReport, stage: str, records: int) -> None:
    seconds = report.seconds[stage]
    report.rates[stage] = records / seconds if seconds else 0.0
    log.info("%s: %d records in %.1f s (%.2f records/s)", stage, records, seconds, report.rates[stage])


def _remote_files(sc: SparkContext, uris: Sequence[str], errors: list[InputError]) -> list[str]:
    """The files under each URI Spark itself reads (hdfs://, s3a://, ...), listed through Hadoop, sorted."""
    found: list[str] = []
    if not uris:
        return found
    jvm = sc._jvm  # noqa: SLF001 - Hadoop's FileSystem is reached through the JVM gateway
    conf = sc._jsc.hadoopConfiguration()  # noqa: SLF001
    for uri in uris:
        try:
            path = jvm.org.apache.hadoop.fs.Path(uri)
            listing = path.getFileSystem(conf).listFiles(path, True)
            names = []
            while listing.hasNext():
                names.append(listing.next().getPath().toString())
        except Exception as err:  # py4j wraps Hadoop's IOException: the URI is the input at fault
            errors.append(InputError(uri, f"cannot list: {str(err).splitlines()[0][:200]}"))
            continue
        found.extend(n for n in sorted(names) if stages._is_input(Path(n)))
    return found


def _stage1_local(names: Iterable[str], *, out: str, spec: parallel.WorkerSpec, max_chars: int) -> Iterator[dict]:
    _worker_logging()
    for name in names:
        yield stages.extract_input(name, Path(name.removeprefix("file://")), Path(out), spec, max_chars)


def _stage1_remote(
    files: Iterable[tuple[str, bytes]], *, out: str, spec: parallel.WorkerSpec, max_chars: int
) -> Iterator[dict]:
    _worker_logging()
    for name, data in files:
        with tempfile.TemporaryDirectory(prefix="eventfuse-input-") as workdir:
            local = Path(workdir) / Path(name).name

            def fetch(local: Path = local, data: bytes = data) -> Path:
                local.write_bytes(data)
                return local

            yield stages.extract_input(name, fetch, Path(out), spec, max_chars)


def _worker_logging() -> None:
    """Stage logs (bad records, records per second) to the executor's stderr, which Spark keeps per executor."""
    logger = logging.getLogger("eventfuse.spark")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s eventfuse %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _stage2(
    spark: SparkSession, articles: DataFrame, files: Sequence[str], options: JobOptions, cells_out: Path
) -> tuple[list[dict[str, Any]], dict[str, tuple[int, str]], dict[str, int]]:
    """Each cell's events (rows), the cells' order, and each processed article's place in run order."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    step = time.perf_counter()
    file_order = {name: i for i, name in enumerate(files)}
    meta = articles.select("article_id", "input_file", "record", "event_date", "status", "region").collect()
    meta.sort(key=lambda r: (file_order.get(r["input_file"], len(files)), r["record"]))
    seen: set[str] = set()
    ordered = []
    for row in meta:  # run order: the inputs as given, each file's records in turn; an article once
        if row["status"] == "processed" and row["article_id"] not in seen:
            seen.add(row["article_id"])
            ordered.append(row)
    region = (lambda r: r["region"] or "--") if options.regions else (lambda r: stages.ANY_REGION)
    placed = stages.place_articles(
        [(r["article_id"], r["event_date"], region(r)) for r in ordered], options.window_days, options.overlap_days
    )
    runs = _runs(ordered, placed)
    step = _step("stage 2: articles placed in cells", step)
    cell_order = {cell: (int(cell.split("/")[0]), cell.split("/", 1)[1]) for cell in runs}
    key = ("article_id", "input_file", "record")
    in_run = []  # (article key, cell, position in the cell's run, own)
    others = []  # (article key, cell, segment): an article of another cell, counted before run position `segment`
    for cell, members in runs.items():
        positions = [order for order, _ in members]
        for index, (order, own) in enumerate(members):
            row = ordered[order]
            in_run.append((row["article_id"], row["input_file"], row["record"], cell, index, own))
        member_set = set(positions)
        for order, row in enumerate(ordered[: positions[-1]]):
            if order not in member_set:
                segment = bisect.bisect_left(positions, order)
                others.append((row["article_id"], row["input_file"], row["record"], cell, segment))
    articles_keyed = articles.where("status = 'processed'").dropDuplicates(list(key))
    run_df = spark.createDataFrame(
        in_run, "article_id string, input_file string, record long, cell string, position long, own boolean"
    )
    others_df = spark.createDataFrame(
        others, "article_id string, input_file string, record long, cell string, position long"
    )
    # Document frequencies: before each article of a run, the other cells' articles since the previous one, as
    # counts per word (the articles before its run position in run order: what `eventfuse run` counted).
    counted = others_df.join(articles_keyed.select(*key, "words"), list(key))
    word_rows = (
        counted.select("cell", "position", F.explode("words").alias("word"))
        .groupBy("cell", "position", "word")
        .agg(F.count(F.lit(1)).cast("long").alias("documents"))
    )
    document_rows = counted.groupBy("cell", "position").agg(F.count(F.lit(1)).cast("long").alias("documents"))
    columns = ["cell", "position", "kind", "own", "word", "documents", "article_json", "mentions_json"]
    none = F.lit(None)
    frequency_rows = word_rows.select(
        "cell", "position", F.lit(0).alias("kind"), F.lit(False).alias("own"), "word", "documents"
    ).unionByName(
        document_rows.select(
            "cell",
            "position",
            F.lit(0).alias("kind"),
            F.lit(False).alias("own"),
            none.cast("string").alias("word"),
            "documents",
        )
    )
    frequency_rows = frequency_rows.select(
        *frequency_rows.columns, none.cast("string").alias("article_json"), none.cast("string").alias("mentions_json")
    )
    article_rows = run_df.join(articles_keyed, list(key)).select(
        "cell",
        "position",
        F.lit(1).alias("kind"),
        "own",
        none.cast("string").alias("word"),
        none.cast("long").alias("documents"),
        "article_json",
        "mentions_json",
    )
    together = frequency_rows.select(*columns).unionByName(article_rows.select(*columns))
    grouped = together.repartition(max(1, len(runs)), "cell").sortWithinPartitions("cell", "position", "kind")
    out_schema = T.StructType(
        [
            T.StructField("cell", T.StringType()),
            T.StructField("event_id", T.StringType()),
            T.StructField("event_json", T.StringType()),
            T.StructField("profile_json", T.StringType()),
            T.StructField("own_mentions", T.ArrayType(T.StringType())),
            T.StructField("context_mentions", T.ArrayType(T.StringType())),
        ]
    )
    work = functools.partial(_stage2_partition, spec=options.spec)
    spark.createDataFrame(grouped.rdd.mapPartitions(work), out_schema).write.mode("overwrite").parquet(str(cells_out))
    step = _step("stage 2: cells grouped", step)
    cell_rows = [
        r.asDict()
        for r in spark.read.parquet(str(cells_out))
        .select("cell", "event_id", "own_mentions", "context_mentions")
        .collect()
    ]
    for row in cell_rows:
        row["own_mentions"] = list(row["own_mentions"])
        row["context_mentions"] = list(row["context_mentions"])
    _step("stage 2: cells' events read back", step)
    return cell_rows, cell_order, {row["article_id"]: order for order, row in enumerate(ordered)}


def _step(what: str, since: float) -> float:
    now = time.perf_counter()
    log.info("%s in %.1f s", what, now - since)
    return now


def _runs(ordered: Sequence[Any], placed: dict[str, stages.Placement]) -> dict[str, list[tuple[int, bool]]]:
    """Each cell's run: (run order, own) of its own articles and of the earlier window's context articles."""
    runs: dict[str, list[tuple[int, bool]]] = {}
    for order, row in enumerate(ordered):
        where = placed[row["article_id"]]
        runs.setdefault(f"{where.window}/{where.region}", []).append((order, True))
    for order, row in enumerate(ordered):
        where = placed[row["article_id"]]
        for window in where.context_of:
            cell = f"{window}/{where.region}"
            if cell in runs:
                runs[cell].append((order, False))
    for members in runs.values():
        members.sort()
    return runs


def _stage2_partition(rows: Iterable[Any], *, spec: parallel.WorkerSpec) -> Iterator:
    _worker_logging()
    started = time.perf_counter()
    resources = stages.worker_resources(spec)
    log.info("stage 2 task: resources ready in %.1f s", time.perf_counter() - started)
    for cell, cell_rows in itertools.groupby(rows, key=lambda r: r["cell"]):
        for found in stages.group_cell(cell, _cell_articles(cell_rows), resources):
            yield (
                found["cell"],
                found["event_id"],
                found["event_json"],
                found["profile_json"],
                found["own_mentions"],
                found["context_mentions"],
            )


def _cell_articles(rows: Iterable[Any]) -> Iterator[stages.CellArticle]:
    """A cell's articles in run order, each with the other cells' word counts that come before it."""
    documents = 0
    words: dict[str, int] = {}
    for row in rows:
        if row["kind"] == 0:
            if row["word"] is None:
                documents += row["documents"]
            else:
                words[row["word"]] = row["documents"]
            continue
        yield stages.CellArticle(
            row["position"], row["own"], row["article_json"], row["mentions_json"], (documents, words)
        )
        documents, words = 0, {}


def _stage3(
    spark: SparkSession,
    articles: DataFrame,
    finals: Sequence[stages.FinalEvent],
    cell_rows: Sequence[dict[str, Any]],
    cells_out: Path,
    events_out: Path,
) -> int:
    """Stage 3: each final event's record (a cell's whole one, or fused again) written to ``events_out``; returns
    how many were fused again."""
    from pyspark.sql import types as T

    step = time.perf_counter()
    final_of = {part: f for f in finals for part in f.parts}
    renamed = {f"{cell}/{event_id}": f.event_id for f in finals for cell, event_id in f.parts}
    parts = spark.read.parquet(str(cells_out)).rdd.map(lambda r: r.asDict())
    keyed = parts.map(lambda r: (final_of[(r["cell"], r["event_id"])].event_id, r))
    by_id = {f.event_id: f for f in finals}
    # A final event one cell already fused whole is taken as it is; the others (joined from several cells, or
    # holding context mentions whose own event is elsewhere) are fused again from all their mentions.
    complete = stages.complete_parts(finals, cell_rows)
    taken = set(complete.values())
    needs_ids = {f.event_id for f in finals if f.event_id not in complete}
    whole = keyed.filter(lambda kv: (kv[1]["cell"], kv[1]["event_id"]) in taken).map(
        lambda kv: _whole_row(kv[1], renamed)
    )
    needs = keyed.filter(lambda kv: kv[0] in needs_ids)
    step = _step(f"stage 3: {len(needs_ids)} of {len(finals)} events to fuse again found", step)
    rows = whole
    if needs_ids:
        wanted = [(f.event_id, m.split(":")[0]) for f in finals if f.event_id in needs_ids for m in f.mention_ids]
        wanted_df = spark.createDataFrame(sorted(set(wanted)), "final_id string, article_id string")
        article_docs = (
            articles.dropDuplicates(["article_id"])
            .join(wanted_df, "article_id")
            .select("final_id", "article_json", "mentions_json")
            .rdd.map(lambda r: (r["final_id"], (r["article_json"], r["mentions_json"])))
        )
        fused = needs.cogroup(article_docs).map(
            lambda kv: _joined_row(by_id[kv[0]], list(kv[1][0]), list(kv[1][1]), renamed)
        )
        rows = rows.union(fused)
    schema = T.StructType([T.StructField(f.name, _spark_type(f.type, T)) for f in tables.EVENTS])
    spark.createDataFrame(rows, schema).write.mode("overwrite").parquet(str(events_out))
    _step("stage 3: events fused and written", step)
    return len(needs_ids)


def _spark_type(arrow_type: Any, T: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_list(arrow_type):
        return T.ArrayType(T.StringType())
    if pa.types.is_floating(arrow_type):
        return T.DoubleType()
    return T.StringType()


def _whole_row(part: dict[str, Any], renamed: dict[str, str]) -> tuple:
    data = json.loads(part["event_json"])
    data["related"] = stages.renamed_related(data.get("related") or [], part["cell"], data["id"], renamed)
    event = from_json("Event", data)
    row = tables.event_row(event, json.loads(part["profile_json"]), _article_ids(event.mention_ids))
    return tuple(row[f.name] for f in tables.EVENTS)


def _joined_row(
    final: stages.FinalEvent, parts: list[dict[str, Any]], docs: list[tuple[str, str]], renamed: dict[str, str]
) -> tuple:
    order = {p: i for i, p in enumerate(final.parts)}
    parts.sort(key=lambda r: order[(r["cell"], r["event_id"])])
    articles = {}
    mentions = {}
    for article_json, mentions_json in docs:
        article = from_json("Article", json.loads(article_json))
        articles[article.id] = article
        for data in json.loads(mentions_json):
            mention = from_json("Mention", data)
            mentions[mention.id] = mention
    event, profile = stages.fuse_joined(final, parts, mentions, articles, renamed)
    row = tables.event_row(event, profile, _article_ids(event.mention_ids))
    return tuple(row[f.name] for f in tables.EVENTS)


def _article_ids(mention_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(m.split(":")[0] for m in mention_ids))


def load(spark: SparkSession, out: Path, files: Sequence[str], to: str) -> tuple[int, int]:
    """Load a finished run's articles (in run order) and events (``out``) into the store ``to`` names, from the
    driver."""
    events = spark.read.parquet(str(out / stages.EVENTS))
    position = spark.createDataFrame(list(enumerate(files)), "file_order long, input_file string")
    ordered = _articles(spark, out, files).join(position, "input_file").orderBy("file_order", "record")
    with stages.open_target(to) as store:
        return stages.load_store(
            store, (r.asDict() for r in ordered.toLocalIterator()), (r.asDict() for r in events.toLocalIterator())
        )


# --- spark-submit -------------------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="eventfuse-spark", description=__doc__.splitlines()[0])
    parse.add_argument(
        "inputs", nargs="+", help="WARC files, JSONL/text/HTML files, directories, hdfs:// or s3a:// URIs"
    )
    parse.add_argument("--out", required=True, help="Output directory (a path every executor can write)")
    parse.add_argument("--to", default=None, help="Also load the events into this SQLite store")
    parse.add_argument("--window-days", type=int, default=WINDOW_DAYS)
    parse.add_argument("--overlap-days", type=int, default=OVERLAP_DAYS)
    parse.add_argument("--regions", action="store_true", help="Group each country's articles in cells of their own")
    parse.add_argument("--max-chars", type=int, default=MAX_ARTICLE_CHARS)
    return parse


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    options = JobOptions(args.window_days, args.overlap_days, args.regions, args.max_chars)
    spark = session()
    try:
        report = run_job(spark, args.inputs, Path(args.out), options, args.to)
    except EventfuseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    print(json.dumps(summary(report)))
    return 1 if report.errors else 0


def summary(report: JobReport) -> dict[str, Any]:
    return {
        "inputs": report.inputs,
        "inputs_skipped": report.inputs_skipped,
        "articles": report.articles,
        "failed": report.failed,
        "bad_records": report.bad_records,
        "mentions": report.mentions,
        "cells": report.cells,
        "events": report.events,
        "joined_events": report.joined_events,
        "loaded": list(report.loaded) if report.loaded else None,
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "records_per_s": {k: round(v, 2) for k, v in report.rates.items()},
        "errors": [f"{e.source}: {e.reason}" for e in report.errors],
    }


def clear(out: Path) -> None:
    """Remove a run's outputs (tests and benches start afresh)."""
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
