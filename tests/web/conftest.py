"""Shared fixtures for the web tests: pipeline resources loaded once, a store made from the bundled examples,
an app over it, and a real server in a thread for the browser tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventfuse import pipeline
from eventfuse.sources.files import read_articles
from eventfuse.store import Store

from ..conftest import EXAMPLES

# Why the browser tests were skipped, printed at the end of the run whatever pytest's -r options are.
SKIP_REASONS: list[str] = []


@pytest.fixture(scope="session")
def web_resources(gazetteer_path: Path) -> pipeline.Resources:
    # Session-scoped: the per-test environment is not set yet, so the test gazetteer is named here.
    return pipeline.Resources.load(gazetteer_path=gazetteer_path)


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory, web_resources: pipeline.Resources) -> Path:
    """A store holding the bundled examples, processed; tests that write get a copy (`examples_copy`)."""
    path = tmp_path_factory.mktemp("web") / "examples.db"
    with Store.open(path) as store:
        pipeline.ingest(store, read_articles([EXAMPLES]), web_resources.rules)
        pipeline.run(store, web_resources)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def examples_copy(examples_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "examples.db"
    shutil.copy(examples_db, path)
    return path


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a thread, on a port the OS picked."""

    def __init__(self, app: object) -> None:
        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, examples_db: Path, web_resources: pipeline.Resources
) -> Iterator[LiveServer]:
    from eventfuse.web import create_app

    path = tmp_path_factory.mktemp("live") / "examples.db"
    shutil.copy(examples_db, path)
    with LiveServer(create_app(path, resources=web_resources)) as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in dict.fromkeys(SKIP_REASONS):
        terminalreporter.write_line(f"browser tests skipped: {reason}", yellow=True)
