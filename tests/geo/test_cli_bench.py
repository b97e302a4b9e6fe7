"""Tests of the gazetteer CLI sub-app and of the geo benchmark on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventfuse.bench import geo as geo_bench
from eventfuse.errors import BenchDataError
from eventfuse.geo import Gazetteer
from eventfuse.geo.cli import gazetteer_app


def test_lookup_cli_shows_ranked_candidates(gazetteer: Gazetteer) -> None:
    result = CliRunner().invoke(gazetteer_app, ["lookup", "Mosul", "--gazetteer", str(gazetteer.path)])
    assert result.exit_code == 0, result.output
    assert "Mosul" in result.output and "IQ" in result.output


def test_import_cli_reports_lines(gazetteer: Gazetteer, small_dump: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite"
    path.write_bytes(gazetteer.path.read_bytes())
    runner = CliRunner()
    result = runner.invoke(
        gazetteer_app, ["import", str(small_dump["places"]), str(small_dump["admin1"]), "--gazetteer", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "2 lines imported" in result.output
    again = runner.invoke(gazetteer_app, ["import", str(small_dump["places"]), "--gazetteer", str(path)])
    assert "0 lines imported" in again.output


def test_bench_run_on_tiny_corpus(gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTFUSE_GAZETTEER", str(gazetteer.path))
    text = "Protesters gathered in Baghdad and later in Mosul, officials in Iraq said."
    record = {
        "id": "1",
        "text": text,
        "toponyms": [
            {"start": 23, "end": 30, "name": "Baghdad", "lat": 33.34, "lon": 44.40},
            {"start": 44, "end": 49, "name": "Mosul", "lat": 36.34, "lon": 43.13},
            {"start": 64, "end": 68, "name": "Iraq", "lat": None, "lon": None},
        ],
    }
    (tmp_path / "tiny.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    figures = geo_bench.run(tmp_path)
    tiny = figures["corpora"]["tiny"]
    assert tiny["n"] == 2 and tiny["acc161"] == 1.0 and tiny["e2e_r"] == 1.0
    assert set(tiny) >= {
        "acc161",
        "mean_km",
        "median_km",
        "auc",
        "e2e_p",
        "e2e_r",
        "e2e_f1",
        "n",
        "ms_per_article",
        "ms_per_600_words",
    }
    with pytest.raises(BenchDataError):
        geo_bench.run(tmp_path / "missing")


def test_bench_headline_is_embedded_only_and_imports_are_reported_beside_it(
    gazetteer: Gazetteer, small_dump: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventfuse.geo.importer import import_dump

    path = tmp_path / "imported.sqlite"
    path.write_bytes(gazetteer.path.read_bytes())
    imported = Gazetteer.open(path)
    import_dump(imported, small_dump["places"])
    imported.close()
    monkeypatch.setenv("EVENTFUSE_GAZETTEER", str(path))
    text = "Rockets were fired from Rumaylan overnight."
    record = {
        "id": "1",
        "text": text,
        "toponyms": [{"start": 24, "end": 32, "name": "Rumaylan", "lat": 37.01, "lon": 42.09, "geonameid": 9000002}],
    }
    data = tmp_path / "data"
    data.mkdir()
    (data / "tiny.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    figures = geo_bench.run(data, end_to_end=False)
    assert figures["corpora"]["tiny"]["gold_ids_present"] == 0.0  # the imported row is not the headline's
    assert figures["corpora_with_import"]["tiny"]["gold_ids_present"] == 1.0
    assert figures["gazetteer"]["places"] > 200_000
