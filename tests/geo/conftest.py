"""Shared fixtures for the geo tests: one embedded gazetteer built per session in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventfuse.geo import Gazetteer


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    return Gazetteer.open(path)


@pytest.fixture
def small_dump(tmp_path: Path) -> dict[str, Path]:
    """GeoNames-format dump files with two places the embedded gazetteer lacks."""
    rows = [
        # geonameid name asciiname alternatenames lat lon fclass fcode cc cc2 admin1 admin2 a3 a4 pop elev dem tz date
        [
            "9000001",
            "Zumar",
            "Zumar",
            "Zummar,Zumār",
            "36.64",
            "42.45",
            "P",
            "PPL",
            "IQ",
            "",
            "15",
            "",
            "",
            "",
            "20000",
            "",
            "300",
            "Asia/Baghdad",
            "2024-01-01",
        ],
        [
            "9000002",
            "Rumaylan",
            "Rumaylan",
            "Rmeilan",
            "37.01",
            "42.09",
            "P",
            "PPL",
            "SY",
            "",
            "01",
            "",
            "",
            "",
            "12000",
            "",
            "400",
            "Asia/Damascus",
            "2024-01-01",
        ],
    ]
    places = tmp_path / "XX.txt"
    places.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("IQ.15\tNinawa\tNinawa\t99034\nSY.01\tAl-Hasakah\tAl-Hasakah\t173242\n", encoding="utf-8")
    alternates = tmp_path / "alternateNames.txt"
    alternates.write_text(
        "1\t9000002\ten\tRmelan\t1\t\t\t\t\t\n2\t9000002\tlink\thttps://example.org/Rmelan\t\t\t\t\t\t\n",
        encoding="utf-8",
    )
    return {"places": places, "admin1": admin1, "alternates": alternates}
