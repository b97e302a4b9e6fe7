"""A static sentence embedding: each known word's vector, distilled once from all-MiniLM-L6-v2 (``eventfuse train
embedding``), averaged over a text with rarer words weighing more.

Hands on a unit vector per text, so two reports told in different words (a paraphrase, a synonym) still compare.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LexiconError

if TYPE_CHECKING:
    import numpy as np

VOCABULARY_FILE = "embedding.vocab.txt"
VECTORS_FILE = "embedding.npy"
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# A word's weight is this minus its Zipf frequency in English (at least MIN_WEIGHT): "the" weighs little,
# "ambush" much more, as in the text similarity's term weights.
ZIPF_CEILING = 8.0
MIN_WEIGHT = 0.5


class StaticEmbedding:
    """The word table, loaded once (numpy only; no model runs at run time)."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        import numpy as np
        from wordfreq import zipf_frequency

        if len(words) != len(vectors):
            raise LexiconError(f"embedding: {len(words)} words but {len(vectors)} vectors; rebuild it")
        self.index = {word: i for i, word in enumerate(words)}
        weights = np.array([max(MIN_WEIGHT, ZIPF_CEILING - zipf_frequency(w, "en")) for w in words], dtype=np.float32)
        self.vectors = vectors.astype(np.float32) * weights[:, None]
        self.dimensions = int(vectors.shape[1])

    @classmethod
    def load(cls, directory: Path | None = None) -> StaticEmbedding:
        """The bundled table (``eventfuse/data/embedding.*``), or the one in ``directory``."""
        import numpy as np

        base = directory or Path(str(resources.files("eventfuse") / "data"))
        try:
            words = (base / VOCABULARY_FILE).read_text(encoding="utf-8").split()
            vectors = np.load(base / VECTORS_FILE, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise LexiconError(
                f"{base}: the grouping embedding cannot be read ({err}); 'eventfuse train embedding'"
            ) from err
        return cls(words, vectors)

    def embed(self, text: str) -> tuple[float, ...]:
        """The text's unit vector (rounded to 4 decimals, as profiles store it); () when no word is known."""
        import numpy as np

        ids = [i for i in (self.index.get(w.casefold()) for w in _WORD.findall(text)) if i is not None]
        if not ids:
            return ()
        total = self.vectors[ids].sum(axis=0)
        norm = float(np.linalg.norm(total))
        if not norm:
            return ()
        return tuple(round(float(v), 4) for v in total / norm)
