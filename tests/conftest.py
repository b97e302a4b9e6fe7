"""Shared fixtures: paths to the bundled examples and the seeds, an isolated store and gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run, so a CI result can be reproduced; a wider,
# random search runs with `pytest --hypothesis-profile=explore` (what it finds becomes an @example).
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, derandomize=False)
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedded gazetteer for the whole test session, built on first use."""
    return tmp_path_factory.mktemp("gazetteer") / "gazetteer.db"


@pytest.fixture(autouse=True)
def isolated_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gazetteer_path: Path) -> None:
    """No test touches the user's own event store, gazetteer or log file."""
    monkeypatch.setenv("EVENTFUSE_DB", str(tmp_path / "default-store.db"))
    monkeypatch.setenv("EVENTFUSE_LOG", str(tmp_path / "eventfuse.log"))
    monkeypatch.setenv("EVENTFUSE_GAZETTEER", str(gazetteer_path))


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return SEEDS
