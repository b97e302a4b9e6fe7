"""The ingest benchmark on a small generated archive: every record read, every article kept, figures present."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eventfuse.bench import BENCHMARKS, load_benchmark
from eventfuse.bench.ingest import generated_page, run, write_warc
from eventfuse.cli import app
from eventfuse.sources.warc import read_warc


def test_generated_archive_is_all_english_articles(tmp_path: Path) -> None:
    path = tmp_path / "gen.warc.gz"
    write_warc(path, 12)
    articles = list(read_warc(path))
    assert len(articles) == 12 and len({a.id for a in articles}) == 12
    assert all(a.outlet and a.title and a.published for a in articles)  # type: ignore[union-attr]


def test_pages_differ_but_are_reproducible() -> None:
    import random

    first = [generated_page(n, random.Random(1)) for n in range(3)]
    again = [generated_page(n, random.Random(1)) for n in range(3)]
    assert first == again and len({html for _, html in first}) == 3


def test_figures_on_a_small_archive(tmp_path: Path) -> None:
    result = run(tmp_path / "no-such-dir", limit=60)
    assert (result["records"], result["articles_kept"], result["rejected"]) == (60, 60, 0)
    assert result["records_per_s"] > 0 and result["peak_rss_mb"] > 0
    assert list(result["peak_rss_mb_at"]) == ["6", "60"]
    assert result["peak_rss_mb_at"]["60"] <= result["peak_rss_mb"]


def test_registered_and_printed_as_json_by_the_cli(tmp_path: Path) -> None:
    assert "ingest" in BENCHMARKS and load_benchmark("ingest").ANCHORS
    result = CliRunner().invoke(app, ["bench", "ingest", "--limit", "20", "--json", "--data", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["records"] == 20 and {"records_per_s", "peak_rss_mb"} <= figures.keys()
