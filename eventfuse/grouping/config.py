"""Grouping settings: the weights, thresholds and candidate-index parameters of ``data/cluster.toml``.

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
    """The grouping weights and thresholds, from ``data/cluster.toml`` (documented there)."""

    join_threshold: float
    window_days: dict[int, int]
    weight_date_same: float
    weight_date_unknown: float
    veto_km: float
    veto_min_confidence: float  # a place resolved with less confidence neither vetoes nor is near
    weight_near: float
    weight_same_country: float
    weight_other_country: float
    weight_same_sub_type: float
    weight_same_type: float
    weight_other_type: float
    weight_actors: float
    weight_text: float
    sentence_weight: float
    article_weight: float
    max_terms: int
    zipf_ceiling: float
    min_text_similarity: float  # two profiles with words that share less are never one event
    df_floor: float  # the weight factor left to a word every grouped article holds (see _terms)
    df_min_docs: int  # document frequencies count once this many articles are grouped
    story_join_threshold: float
    weight_co_reported: float
    index: IndexConfig

    @classmethod
    def load(cls, path: Path | None = None) -> ClusterConfig:
        data = load_toml("cluster.toml", path)
        return cls(
            join_threshold=float(data["join_threshold"]),
            window_days={int(k): int(v) for k, v in data["date"]["window_days"].items()},
            weight_date_same=float(data["date"]["weight_same"]),
            weight_date_unknown=float(data["date"]["weight_unknown"]),
            veto_km=float(data["place"]["veto_km"]),
            veto_min_confidence=float(data["place"].get("veto_min_confidence", 0.0)),
            weight_near=float(data["place"]["weight_near"]),
            weight_same_country=float(data["place"]["weight_same_country"]),
            weight_other_country=float(data["place"]["weight_other_country"]),
            weight_same_sub_type=float(data["event_type"]["weight_same_sub_type"]),
            weight_same_type=float(data["event_type"]["weight_same_type"]),
            weight_other_type=float(data["event_type"]["weight_other_type"]),
            weight_actors=float(data["actors"]["weight"]),
            weight_text=float(data["text"]["weight"]),
            sentence_weight=float(data["text"]["sentence_weight"]),
            article_weight=float(data["text"]["article_weight"]),
            max_terms=int(data["text"]["max_terms"]),
            zipf_ceiling=float(data["text"]["zipf_ceiling"]),
            min_text_similarity=float(data["text"].get("min_similarity", 0.0)),
            df_floor=float(data["text"].get("df_floor", 1.0)),
            df_min_docs=int(data["text"].get("df_min_docs", 0)),
            story_join_threshold=float(data["story"]["join_threshold"]),
            weight_co_reported=float(data["co_reported"]["weight"]),
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

    @classmethod
    def from_table(cls, table: dict[str, Any] | None, path: Path | None = None) -> IndexConfig:
        names = ("lsh_terms", "lsh_bands", "lsh_rows", "lsh_seed", "bucket_limit", "max_candidates")
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
