"""A threaded HTTP server on 127.0.0.1 for the web-source tests: fixed routes, slow and broken responses.

Tests talk to nothing else; every request it receives is recorded with its headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before the status line
    trickle: float = 0.0  # seconds between body bytes
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Responder = Callable[[dict[str, str]], Route]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class LocalServer:
    """Serves ``routes`` (path -> Route, or a function of the request headers giving one); 404 otherwise."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Responder] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(Request(self.path, headers))
                found = server.routes.get(self.path.split("?")[0])
                route = found(headers) if callable(found) else found
                route = route or Route(b"not found", 404, {"Content-Type": "text/plain"})
                try:
                    self._send(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test)

            def _send(self, route: Route) -> None:
                time.sleep(route.delay)
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if route.content_length and "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if route.trickle:
                    for index in range(len(route.body)):
                        self.wfile.write(route.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle)
                else:
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server signature
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    date: str = "2025-06-14",
    site: str = "Horn Courier",
    author: str = "Amina Yusuf",
    lang: str = "en",
) -> bytes:
    """A news page with chrome around the article, and its metadata in meta tags."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer>Copyright {site}. <a href="/privacy">Privacy</a></footer>
</body></html>""".encode()


BLAST = [
    "BELEDWEYNE — At least 12 people were killed and 31 injured on Saturday when a car bomb exploded near a "
    "busy market in the central Somali town of Beledweyne, police said.",
    "A regional official said the explosives-laden vehicle was driven into a checkpoint shortly after noon. "
    "Ambulances took the wounded to the town's main hospital.",
    "The militant group Al-Shabaab said in a statement that it carried out the attack. The group has waged an "
    "insurgency against the federal government for more than a decade.",
]
RAID = [
    "MAIDUGURI — Gunmen killed at least seven farmers on Tuesday in an attack on a village near Damboa in "
    "Nigeria's Borno state, a local official and residents said.",
    "The attackers arrived on motorcycles in the early morning and opened fire on farmers working in their "
    "fields, according to a member of a local vigilante group.",
    "No group has claimed responsibility, but jihadist fighters are active in the area and have attacked "
    "farmers they accuse of passing information to the army.",
]
