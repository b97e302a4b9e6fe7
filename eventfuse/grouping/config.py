"""Grouping settings: the date windows, the certain vetoes, the word weighting and the candidate index of
``data/cluster.toml``.

Hands on a ClusterConfig that every grouping step reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..datafiles import load_toml
from ..errors import LexiconError


@dataclass(frozen=True)
class ClusterConfig:
    """Grouping settings, from ``data/cluster.toml`` (documented there). The join decision itself is the
    learned model's (``model``, ``data/grouping.model.json``)."""

    model: str  # the model file under eventfuse/data
    window_days: dict[int, int]
    veto_explicit_days: int  # dates both written out further apart than this are two events
    veto_day_days: int  # dates both told to the day further apart than this are two events
    veto_km: float
    veto_place_confidence: float  # places both resolved at least this surely and further apart are two events
    veto_min_confidence: float  # a place resolved with less confidence counts as placed to its region only
    merge_margin: float  # a frame merges another event it joins with at least threshold + this probability
    sentence_weight: float
    article_weight: float
    max_terms: int
    zipf_ceiling: float
    df_floor: float  # the weight factor left to a word every grouped article holds (see _terms)
    df_min_docs: int  # document frequencies count once this many articles are grouped
    index: IndexConfig

    @classmethod
    def load(cls, path: Path | None = None) -> ClusterConfig:
        data = load_toml("cluster.toml", path)
        return cls(
            model=str(data["model"]["file"]),
            window_days={int(k): int(v) for k, v in data["date"]["window_days"].items()},
            veto_explicit_days=int(data["veto"]["explicit_days"]),
            veto_day_days=int(data["veto"]["day_days"]),
            veto_km=float(data["veto"]["km"]),
            veto_place_confidence=float(data["veto"]["place_confidence"]),
            veto_min_confidence=float(data["place"]["min_confidence"]),
            merge_margin=float(data["model"]["merge_margin"]),
            sentence_weight=float(data["text"]["sentence_weight"]),
            article_weight=float(data["text"]["article_weight"]),
            max_terms=int(data["text"]["max_terms"]),
            zipf_ceiling=float(data["text"]["zipf_ceiling"]),
            df_floor=float(data["text"].get("df_floor", 1.0)),
            df_min_docs=int(data["text"].get("df_min_docs", 0)),
            index=IndexConfig.from_table(data.get("index"), path),
        )


@dataclass(frozen=True)
class IndexConfig:
    """How candidates are found in the store: MinHash-LSH bands and caps (``[index]`` in ``data/cluster.toml``)."""

    lsh_terms: int
    lsh_bands: int
    lsh_rows: int
    lsh_seed: int
    bucket_limit: int
    max_candidates: int
    lookback_days: int

    @classmethod
    def from_table(cls, table: dict[str, Any] | None, path: Path | None = None) -> IndexConfig:
        names = ("lsh_terms", "lsh_bands", "lsh_rows", "lsh_seed", "bucket_limit", "max_candidates", "lookback_days")
        values = {name: _setting(table, name, "index", path) for name in names}
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise LexiconError(
                    f"{path or 'eventfuse/data/cluster.toml'}: [index] {name} must be a whole number >= 1, not {value!r}"
                )
        return cls(**values)

    @property
    def signature(self) -> str:
        """What stored band keys depend on: a store indexed under another signature is indexed again."""
        return (
            f"minhash-lsh (crc32) of the {self.lsh_terms} heaviest profile terms: "
            f"bands={self.lsh_bands} rows={self.lsh_rows} seed={self.lsh_seed}"
        )

    @cached_property
    def permutations(self) -> Any:
        """The MinHash permutations, drawn once (datasketch draws them on every MinHash otherwise)."""
        from datasketch import MinHash  # imports scipy: only when grouping runs

        return MinHash(num_perm=self.lsh_bands * self.lsh_rows, seed=self.lsh_seed).permutations


def _setting(table: dict[str, Any] | None, name: str, section: str, path: Path | None) -> Any:
    if not isinstance(table, dict) or name not in table:
        source = path or "eventfuse/data/cluster.toml"
        raise LexiconError(f"{source}: [{section}] needs {name} (the bundled cluster.toml documents it)")
    return table[name]
