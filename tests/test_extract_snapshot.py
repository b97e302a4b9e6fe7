"""Snapshot of the mentions and claims extracted from the bundled examples and the seeds.

It guards refactoring of ``eventfuse.extract``: a change of behaviour shows as a difference here, mention by mention.
A change meant to alter extraction re-records the snapshot and shows the difference in its commit:
``EVENTFUSE_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_extract_snapshot.py``.
Claims are compared as a set per mention (the order finders run in is not behaviour).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from eventfuse.clean import clean, load_rules
from eventfuse.extract import Extractor
from eventfuse.geo import Gazetteer
from eventfuse.lexicon import load_lexicon
from eventfuse.model import Article, Mention
from eventfuse.nlp import load_model
from eventfuse.pipeline import _dated
from eventfuse.sources.files import read_articles

from .conftest import EXAMPLES, SEEDS

SNAPSHOT = Path(__file__).parent / "data" / "extract_snapshot.json"


def _claim(claim: Any) -> dict[str, Any]:
    return {
        "field": claim.field,
        "value": claim.value,
        "span": [claim.start, claim.end],
        "wording": claim.wording,
        "speaker": claim.attributed_to.name if claim.attributed_to else None,
        "hedged": claim.hedged,
        "negated": claim.negated,
    }


def _mention(mention: Mention) -> dict[str, Any]:
    claims = sorted((_claim(c) for c in mention.claims), key=lambda c: json.dumps(c, sort_keys=True))
    return {
        "id": mention.id.rsplit(":", 1)[1],
        "span": [mention.start, mention.end],
        "sub_event_type": mention.sub_event_type,
        "background": mention.background,
        "time": mention.time.value if mention.time else None,
        "places": [[p.name, p.role, p.geonameid] for p in mention.places],
        "claims": claims,
    }


def _extracted(directory: Path, extractor: Extractor) -> dict[str, list[dict[str, Any]]]:
    nlp = load_model()
    rules = load_rules()
    articles = [_dated(clean(a, rules)) for a in read_articles([directory]) if isinstance(a, Article)]
    return {
        f"{directory.name}/{Path(a.source_path or a.id).name}": [_mention(m) for m in extractor.extract(a, doc)]
        for a, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True)
    }


def test_mentions_of_the_examples_and_seeds_are_the_recorded_ones(gazetteer_path: Path) -> None:
    extractor = Extractor(load_lexicon(), Gazetteer.open(gazetteer_path))
    found = _extracted(EXAMPLES, extractor)
    if SEEDS.is_dir():
        found |= _extracted(SEEDS, extractor)
    if os.environ.get("EVENTFUSE_UPDATE_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip(f"snapshot re-recorded in {SNAPSHOT}")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if not SEEDS.is_dir():
        recorded = {k: v for k, v in recorded.items() if not k.startswith(f"{SEEDS.name}/")}
    assert sorted(found) == sorted(recorded)
    for name, mentions in recorded.items():
        by_id = {m["id"]: m for m in found[name]}
        assert sorted(by_id) == sorted(m["id"] for m in mentions), f"{name}: other sentences give mentions"
        for mention in mentions:
            assert by_id[mention["id"]] == mention, f"{name} sentence {mention['id']} extracts differently"
