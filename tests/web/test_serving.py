"""`eventfuse serve --workers N`: the socket its server processes share gives connections without Nagle's delay."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import socket
from pathlib import Path

import pytest
import uvicorn.supervisors
from typer.testing import CliRunner

from eventfuse.cli import app


def _nodelay_of_accepted(listening: socket.socket) -> int:
    """TCP_NODELAY on a connection the asyncio server (as each uvicorn process runs it) accepts from ``listening``."""

    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connection, sock=listening)
        _reader, writer = await asyncio.open_connection(*listening.getsockname()[:2])
        value = await accepted
        writer.close()
        server.close()
        return value

    listening.listen()
    # a thread of its own: an earlier test (the browser's driver) may have left an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, accept_one()).result(timeout=30)


def test_serve_with_workers_hands_them_a_socket_whose_connections_have_tcp_nodelay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 29 item 6: with two workers every keep-alive request waited ~44 ms (uvicorn issue #3149)."""
    handed: list[socket.socket] = []

    class Supervisor:  # stands in for uvicorn's process supervisor: keeps the socket, starts no process
        def __init__(self, config: object, sockets: list[socket.socket]) -> None:
            handed.extend(sockets)

        def run(self) -> None:
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    monkeypatch.setattr(importlib.import_module("uvicorn.main"), "Multiprocess", Supervisor)  # uvicorn.run's
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--port", "0", "--workers", "2"])
    assert result.exit_code == 0, result.output
    [listening] = handed
    try:
        assert _nodelay_of_accepted(listening) != 0
    finally:
        listening.close()


def test_serve_workers_die_with_serve_killed_by_sigkill(tmp_path: Path) -> None:
    """Issue 29 item 3, for the server: `serve --workers 2` killed with kill -9 left its two workers serving."""
    import os
    import subprocess
    import sys
    import time

    import psutil

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {**os.environ, "EVENTFUSE_LOG": str(tmp_path / "log")}
    serve = subprocess.Popen(
        [str(Path(sys.executable).parent / "eventfuse"), "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)]
        + ["--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        while True:  # until both server processes are up
            assert serve.poll() is None
            children = psutil.Process(serve.pid).children(recursive=True)
            if sum("spawn_main" in " ".join(_cmdline(c)) for c in children) == 2:
                break
            time.sleep(0.2)
    finally:
        serve.kill()
        serve.wait()
    _gone, alive = psutil.wait_procs(children, timeout=60)
    for orphan in alive:
        orphan.kill()
    assert alive == []


def _cmdline(process: object) -> list[str]:
    import psutil

    try:
        return process.cmdline()  # type: ignore[attr-defined, no-any-return]
    except psutil.Error:  # ended meanwhile
        return []
