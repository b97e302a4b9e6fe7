"""The candidate index: what the store keeps of each event (date block, place, MinHash-LSH band keys) so a frame
finds its candidates by lookups, never by a scan.

Hands on index entries for the store and candidate queries for the lookups."""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .config import ClusterConfig, IndexConfig
from .profiles import Profile
from .profiles import parse_day as _parse_day

# --- candidate index ---------------------------------------------------------------------------
# A frame is scored against the stored events in its date block and those sharing an LSH band with it
# (docs/grouping.md); the store keeps each event's date block and band keys and looks them up by index.


@dataclass(frozen=True)
class IndexEntry:
    """What the store keeps so frames find an event: its date block (precision, day), its place when precise
    enough to veto others (lat, lon), and its LSH band keys."""

    date_block: tuple[int, str] | None
    place: tuple[float, float] | None
    band_keys: tuple[int, ...]


@dataclass(frozen=True)
class CandidateQuery:
    """What the store looks up for a frame: (precision, first day, last day) per date block, band keys, the box
    (south, north, west, east) outside which a precisely placed event is vetoed, and the frame's day (dated
    candidates nearest to it come first)."""

    date_blocks: tuple[tuple[int, str, str], ...]
    band_keys: tuple[int, ...]
    box: tuple[float, float, float, float] | None
    day: str | None


def index_entry(profile: Profile, config: ClusterConfig) -> IndexEntry:
    """The index entry of a stored event's profile."""
    return IndexEntry(
        _date_block(profile, config), _veto_place(profile, config), band_keys(profile.terms, config.index)
    )


def keep_candidates(found: Sequence[dict[str, Any]], config: ClusterConfig) -> list[str]:
    """The ids of the candidates the store found (``Store.candidate_events``): those sharing most bands first,
    then the dated ones nearest in date; at most ``max_candidates``."""
    ranked = sorted(found, key=lambda r: (-r["bands"], r["dated_rank"] is None, r["dated_rank"] or 0, r["event_id"]))
    return [row["event_id"] for row in ranked[: config.index.max_candidates]]


def within_lookback(frame: Profile, event: Profile, days: int) -> bool:
    """Whether an event is near enough in time to be a frame's candidate: one of its reports' days within ``days``
    of the frame's report day (both unknown, or an event indexed before reports had days: yes)."""
    day = _parse_day(frame.day_first)
    first, last = _parse_day(event.day_first), _parse_day(event.day_last)
    if day is None or first is None or last is None:
        return True
    # day numbers, not dates: a day near year 1 or 9999 minus the lookback is no date, but still a number
    return first.toordinal() - days <= day.toordinal() <= last.toordinal() + days


def _shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held within the calendar (year 1 to 9999) where it would leave it."""
    return date.fromordinal(min(max(day.toordinal() + days, date.min.toordinal()), date.max.toordinal()))


def candidate_query(profile: Profile, config: ClusterConfig) -> CandidateQuery:
    """The date blocks a frame's stored matches can be in, by the date window of each precision, and its bands.

    A stored event of precision q is compatible with a frame of precision p within window_days[max(p, q)]; a
    month ("2024-04") is compatible with every day in it. Frames and events dated otherwise (a week, a year,
    no date) have no date block: they meet through their bands.
    """
    keys = band_keys(profile.terms, config.index)
    windows = config.window_days
    widest = _widest_precision(config)
    day = _parse_day(profile.date)
    if day is not None:
        own = profile.precision or 1
        blocks = []
        for precision in sorted(windows):
            allowed = windows.get(max(own, precision), windows[widest])
            first, last = _shifted(day, -allowed).isoformat(), _shifted(day, allowed).isoformat()
            if precision == widest:
                first = min(first, day.isoformat()[:7])  # the day's own month, stored as "YYYY-MM"
            blocks.append((precision, first, last))
        return CandidateQuery(tuple(blocks), keys, _veto_box(profile, config), day.isoformat())
    if profile.date and _MONTH.fullmatch(profile.date):
        blocks = tuple((p, profile.date, profile.date + "-31") for p in sorted(windows))
        return CandidateQuery(blocks, keys, _veto_box(profile, config), None)
    return CandidateQuery((), keys, _veto_box(profile, config), None)


def band_keys(terms: dict[str, float], index: IndexConfig) -> tuple[int, ...]:
    """The MinHash-LSH band keys of the ``lsh_terms`` heaviest terms of a profile (the rarest words: names,
    places, what set the incident apart): a signed 64-bit integer per band, none for no terms."""
    if not terms:
        return ()
    heaviest = sorted(terms.items(), key=lambda item: (-item[1], item[0]))[: index.lsh_terms]
    from datasketch import MinHash

    minhash = MinHash(
        num_perm=index.lsh_bands * index.lsh_rows,
        seed=index.lsh_seed,
        hashfunc=zlib.crc32,  # stable across processes, and a third of the cost of datasketch's SHA-1
        permutations=index.permutations,
        scheme="affine32",
    )
    minhash.update_batch([term.encode("utf-8") for term, _ in heaviest])
    values = minhash.hashvalues
    keys = []
    for band in range(index.lsh_bands):
        chunk = values[band * index.lsh_rows : (band + 1) * index.lsh_rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


_MONTH = re.compile(r"\d{4}-\d{2}")


def _date_block(profile: Profile, config: ClusterConfig) -> tuple[int, str] | None:
    day = _parse_day(profile.date)
    if day is not None:
        precision = profile.precision or 1
        return (precision if precision in config.window_days else _widest_precision(config)), day.isoformat()
    if profile.date and _MONTH.fullmatch(profile.date):
        return _widest_precision(config), profile.date
    return None


def _veto_place(profile: Profile, config: ClusterConfig) -> tuple[float, float] | None:
    """The place a profile vetoes others with (``evidence.veto``): coordinates known to the town or near it, and
    resolved with at least ``[veto] place_confidence``."""
    if profile.lat is None or profile.lon is None or (profile.geo_precision or 3) > 2:
        return None
    if profile.place_confidence < config.veto_place_confidence:
        return None
    return profile.lat, profile.lon


def _veto_box(profile: Profile, config: ClusterConfig) -> tuple[float, float, float, float] | None:
    """A latitude/longitude box holding every point within ``veto_km`` of the profile's place (None: no box, near
    a pole or across the antimeridian, where a box would not be simple)."""
    place = _veto_place(profile, config)
    if place is None:
        return None
    lat, lon = place
    margin = 1.01  # a box a little larger than the circle: never leave out a place the veto would keep
    dlat = margin * math.degrees(config.veto_km / _EARTH_RADIUS_KM)
    widest = abs(lat) + dlat
    if widest >= 89.0:
        return None
    dlon = margin * math.degrees(config.veto_km / (_EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return None
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


_EARTH_RADIUS_KM = 6371.0088


def _widest_precision(config: ClusterConfig) -> int:
    return max(config.window_days, key=lambda p: (config.window_days[p], p))
