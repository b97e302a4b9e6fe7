"""bench cluster-scale: the synthetic stream, the sizes measured, and a tiny run through the real grouping path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventfuse.bench import cluster_scale
from eventfuse.cli import app
from eventfuse.errors import BenchDataError

TEXTS = [
    ("A", "Two men were shot and killed outside a bar in Dayton, Ohio, on Saturday night, police said."),
    ("A", "Police in Dayton said two men were shot dead outside a bar late on Saturday; no arrests were made."),
    ("B", "A woman was wounded in a shooting on Maple Street in Fresno on Sunday, police said."),
    ("C", "A teenager was shot in the leg at a park in Toledo on Friday evening, police said."),
]


@pytest.fixture
def gv_dir(tmp_path: Path) -> Path:
    lines = [
        {"id": str(n), "incident_id": incident, "published": "2016-03-06", "title": "t", "url": None, "text": text}
        for n, (incident, text) in enumerate(TEXTS)
    ]
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return tmp_path


def test_sizes_are_capped_by_the_limit() -> None:
    assert cluster_scale.sizes_for(None) == [10_000, 100_000, 1_000_000]
    assert cluster_scale.sizes_for(50_000) == [10_000, 50_000]
    assert cluster_scale.sizes_for(300) == [300]


def test_the_stream_repeats_the_incidents_under_new_names_day_after_day(gv_dir: Path) -> None:
    incidents = cluster_scale.read_incidents(gv_dir)
    assert sorted(len(texts) for texts in incidents) == [1, 1, 2]
    stream = cluster_scale.stream(incidents, seed=1)
    items = [next(stream) for _ in range(4 * 50)]
    texts = [article.text for article, _ in items]
    assert "Dayton" in " ".join(texts[:4]) and any("Daytonq" in text for text in texts[4:])
    assert all(" police said" in text or "Police in" in text for text in texts)  # the wording stays
    assert len(set(texts)) > len(TEXTS)  # each copy names its own towns and streets
    days = [m.time.value for _, mentions in items for m in mentions if m.time]
    assert 0 < len(days) < len(items)  # some reports give no date
    assert max(days) > min(days) >= cluster_scale.FIRST_DAY.isoformat()  # ARTICLES_PER_DAY reports a day
    assert all(m.event_type and len(mentions) == 1 for _, mentions in items for m in mentions)


def test_a_tiny_run_gives_ms_per_article_and_peak_memory_per_size(gv_dir: Path) -> None:
    figures = cluster_scale.run(gv_dir, limit=60)
    assert list(figures["sizes"]) == ["60"]
    size = figures["sizes"]["60"]
    assert size["ms_per_article"] > 0 and size["peak_rss_mb"] > 0
    assert 0 < size["events"] < 60  # reports of one incident were grouped
    assert size["measured_articles"] == 30
    result = CliRunner().invoke(
        app, ["bench", "cluster-scale", "--data", str(gv_dir), "--limit", "40", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(printed["sizes"]["40"]) >= {"ms_per_article", "peak_rss_mb"}
    assert "bench cluster-scale: 40/40 articles" in result.stderr


def test_a_missing_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchDataError, match="missing"):
        cluster_scale.run(tmp_path / "missing", limit=10)
