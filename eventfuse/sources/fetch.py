"""Safe HTTP fetching for the web sources: addresses checked after DNS resolution and on every redirect.

Hands on a Fetched response (final URL, status, headers, body) or a FetchError (an InputError) naming the URL.

What "safe" means here:
- every address a host name resolves to is checked with ``ipaddress``; private, loopback, link-local,
  multicast, reserved, unspecified and other non-global addresses are refused unless ``allow_private``,
  also when carried inside an IPv6 address (IPv4-mapped, 6to4, Teredo, NAT64);
- the connection goes to the address that was checked (the URL is rewritten to it; the Host header and
  the TLS server name keep the host name), so DNS cannot answer differently between check and connect;
- redirects are followed by hand, at most ``max_redirects``, each hop checked again (scheme, address,
  robots.txt);
- timeouts on connect and read, and a deadline for the whole response (a server trickling bytes);
- a size cap enforced while streaming (and up front from Content-Length), a content-type check before
  the body is read;
- a user agent naming eventfuse; robots.txt honoured by default (RFC 9309: a missing robots.txt allows
  everything, an unreachable one allows nothing), cached per host, its Crawl-delay respected;
- a minimum interval between requests to one host, and retries with exponential backoff on timeouts,
  connection failures, 429 and 5xx (Retry-After honoured up to a cap).
Proxies from the environment are not used (``trust_env=False``): the checked address is the one contacted.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

import httpx

from .. import __version__
from ..errors import InputError

log = logging.getLogger(__name__)

USER_AGENT = f"eventfuse/{__version__} (conflict-news event extraction; honours robots.txt)"
ROBOTS_AGENT = "eventfuse"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/plain",  # some servers label their feeds as plain text; feedparser decides
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB
MAX_CRAWL_DELAY = 30.0
ROBOTS_TTL_S = 24 * 3600  # RFC 9309: a cached robots.txt is not used for more than a day
ROBOTS_RETRY_S = 600  # an unreachable robots.txt is asked for again after this long
CHUNK = 64 * 1024
# Content-Encoding -> zlib wbits (0: no decoding); only these are offered in Accept-Encoding.
CONTENT_ENCODINGS = {
    "identity": 0,
    "gzip": zlib.MAX_WBITS | 16,
    "x-gzip": zlib.MAX_WBITS | 16,
    "deflate": zlib.MAX_WBITS,
}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address a gateway translates to.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
Resolver = Callable[[str, int], list[str]]


class FetchError(InputError):
    """A URL could not be fetched; ``transient`` when trying again later may succeed (timeouts, 5xx, 429)."""

    def __init__(self, url: str, reason: str, *, transient: bool = False, status: int | None = None) -> None:
        super().__init__(url, reason)
        self.transient = transient
        self.status = status


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how defensively to fetch; the defaults suit fetching news pages and feeds."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # for one response, body included
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False
    allow_networks: tuple[str, ...] = ()  # networks allowed even when private, e.g. an intranet mirror
    respect_robots: bool = True
    min_interval: float = 1.0  # seconds between two requests to the same host
    retries: int = 2
    backoff: float = 1.0  # first retry after this many seconds, then doubling
    max_retry_after: float = 60.0
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """One final (non-redirect) response; ``content`` is empty unless the status is 2xx."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes = b""
    redirects: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class _Retry(Exception):
    """A failure worth another attempt (internal: becomes a transient FetchError when attempts run out)."""

    def __init__(self, reason: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


@dataclass
class _HostState:
    next_request: float = 0.0
    robots: RobotFileParser | None = None
    robots_error: str | None = None  # robots.txt unreachable: nothing on the host is fetched
    robots_at: float = 0.0  # when robots.txt was last fetched (a long `watch` fetches it again)
    crawl_delay: float = 0.0


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_reason(address: Address) -> str | None:
    """Why an address is not on the public internet (private, loopback, ...), or None when it is.

    An IPv6 address that carries an IPv4 one is judged by it: IPv4-mapped (``::ffff:a.b.c.d``), 6to4
    (``2002::/16``), Teredo (``2001::/32``, server and client) and NAT64 (``64:ff9b::/96``, RFC 6052). A router
    or gateway on the path would deliver such an address to the IPv4 host inside, loopback or the cloud's
    metadata service (169.254.169.254) included."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address):
        for kind, inside in _embedded_ipv4(address):
            reason = blocked_reason(inside)
            if reason:
                return f"{reason} ({inside} inside a {kind} address)"
        if address in NAT64_PREFIX:
            return None  # a public IPv4 host through a NAT64 gateway (the prefix itself is reserved space)
    for label, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return label
    if not address.is_global:  # shared address space (100.64/10) and other special ranges
        return "non-public"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        found += [("Teredo", inside) for inside in address.teredo]
    if address in NAT64_PREFIX:
        found.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    return found


class Fetcher:
    """A safe HTTP client with per-host state (robots.txt, rate limit). Use as a context manager."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), resolver: Resolver = resolve_host) -> None:
        self.policy = policy
        self._resolve = resolver
        self._allowed = tuple(ipaddress.ip_network(n, strict=False) for n in policy.allow_networks)
        self._hosts: dict[str, _HostState] = {}
        self._client = httpx.Client(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            # One connection per request: a pooled connection is keyed by address, not host name, and
            # must not carry a request for another host that happens to share the address.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": policy.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- public ---------------------------------------------------------------------------------

    def get(
        self, url: str, accept: tuple[str, ...] | None = HTML_TYPES, headers: Mapping[str, str] | None = None
    ) -> Fetched:
        """The response to a GET of ``url`` after redirects: 2xx with its body, or 304; anything else raises."""
        fetched = self._follow(url, accept, dict(headers or {}), robots=self.policy.respect_robots)
        if fetched.status == 304 or 200 <= fetched.status < 300:
            return fetched
        raise FetchError(url, _status_reason(fetched), status=fetched.status)

    # --- redirects, robots, retries -------------------------------------------------------------

    def _follow(self, url: str, accept: tuple[str, ...] | None, headers: dict[str, str], robots: bool) -> Fetched:
        current = url
        hops: list[str] = []
        for _ in range(self.policy.max_redirects + 1):
            target = self._target(url, current, hops)
            address = self._checked_address(url, target, redirected=bool(hops))
            if robots:
                self._check_robots(url, target, hops)
            status, response_headers, content = self._with_retries(url, target, address, accept, headers)
            if status in REDIRECT_STATUSES and "location" in response_headers:
                current = urljoin(str(target), response_headers["location"])
                hops.append(current)
                continue
            return Fetched(url, str(target), status, response_headers, content, tuple(hops))
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects (last to {current})")

    def _target(self, url: str, current: str, hops: list[str]) -> httpx.URL:
        where = f"redirected to {current}, which " if hops else ""
        try:
            target = httpx.URL(current)
        except httpx.InvalidURL as err:
            raise FetchError(url, f"{where}is not a valid URL: {err}") from err
        if target.scheme not in ("http", "https"):
            raise FetchError(url, f"{where}is not an http(s) URL; only http and https are fetched")
        if not target.host:
            raise FetchError(url, f"{where}has no host name")
        return target

    def _check_robots(self, url: str, target: httpx.URL, hops: list[str]) -> None:
        state = self._host_state(target)
        age = time.monotonic() - state.robots_at
        if (state.robots is None and state.robots_error is None) or age > (
            ROBOTS_RETRY_S if state.robots_error else ROBOTS_TTL_S
        ):
            self._load_robots(url, target, state)
        where = f" (redirected to {target})" if hops else ""
        if state.robots_error:
            raise FetchError(url, f"{state.robots_error}{where}; pass --no-robots to fetch anyway", transient=True)
        assert state.robots is not None
        if not state.robots.can_fetch(ROBOTS_AGENT, str(target)):
            raise FetchError(url, f"disallowed by {_origin(target)}/robots.txt{where}; pass --no-robots to override")

    def _load_robots(self, url: str, target: httpx.URL, state: _HostState) -> None:
        robots_url = f"{_origin(target)}/robots.txt"
        parser = RobotFileParser(robots_url)
        state.robots, state.robots_error, state.robots_at = None, None, time.monotonic()
        try:
            fetched = self._follow(robots_url, None, {}, robots=False)
        except FetchError as err:
            state.robots_error = f"robots.txt of {_origin(target)} unreachable ({err.reason})"
            return
        if 200 <= fetched.status < 300:
            text = fetched.content[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(ROBOTS_AGENT)
            if delay:
                state.crawl_delay = min(float(delay), MAX_CRAWL_DELAY)
        elif 400 <= fetched.status < 500:
            parser.parse([])  # RFC 9309: no robots.txt (or an unavailable one) allows everything
        else:
            state.robots_error = f"robots.txt of {_origin(target)} unavailable (HTTP {fetched.status})"
            return
        log.info("%s: robots.txt read (crawl delay %.1fs)", _origin(target), state.crawl_delay)
        state.robots = parser

    def _with_retries(
        self, url: str, target: httpx.URL, address: str, accept: tuple[str, ...] | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        attempt = 0
        while True:
            self._wait_turn(target)
            try:
                return self._send(url, target, address, accept, headers)
            except _Retry as err:
                if attempt >= self.policy.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise FetchError(url, f"{err.reason}{tries}", transient=True, status=err.status) from None
                delay = self.policy.backoff * 2**attempt
                if err.retry_after is not None:
                    delay = max(delay, min(err.retry_after, self.policy.max_retry_after))
                log.info("%s: %s; retrying in %.1fs", url, err.reason, delay)
                time.sleep(delay)
                attempt += 1

    def _host_state(self, target: httpx.URL) -> _HostState:
        return self._hosts.setdefault(_origin(target), _HostState())

    def _wait_turn(self, target: httpx.URL) -> None:
        state = self._host_state(target)
        wait = state.next_request - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        state.next_request = time.monotonic() + max(self.policy.min_interval, state.crawl_delay)

    # --- one request ----------------------------------------------------------------------------

    def _checked_address(self, url: str, target: httpx.URL, redirected: bool) -> str:
        """The address to connect to: every address the host resolves to must be allowed."""
        port = target.port or (443 if target.scheme == "https" else 80)
        where = f"redirect target {target.host}" if redirected else target.host
        try:
            addresses = self._resolve(target.raw_host.decode("ascii"), port)
        except (socket.gaierror, UnicodeError) as err:
            transient = isinstance(err, socket.gaierror) and err.errno == socket.EAI_AGAIN
            raise FetchError(url, f"cannot resolve host {target.host}: {err}", transient=transient) from err
        if not addresses:
            raise FetchError(url, f"host {target.host} resolves to no address")
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            reason = blocked_reason(address)
            if reason and not self.policy.allow_private and not any(address in n for n in self._allowed):
                raise FetchError(
                    url,
                    f"refused: {where} resolves to {reason} address {address} "
                    "(pass --allow-private to fetch private addresses)",
                )
        return addresses[0]

    def _send(
        self, url: str, target: httpx.URL, address: str, accept: tuple[str, ...] | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        request_headers = {"Host": target.netloc.decode("ascii"), "Accept-Encoding": "gzip, deflate", **headers}
        # TLS checks the certificate against the host name, not the address connected to.
        extensions = {"sni_hostname": target.raw_host.decode("ascii")} if target.scheme == "https" else {}
        deadline = time.monotonic() + self.policy.total_timeout
        try:
            with self._client.stream(
                "GET", target.copy_with(host=address.split("%")[0]), headers=request_headers, extensions=extensions
            ) as response:
                status = response.status_code
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                if status in RETRY_STATUSES:
                    raise _Retry(_status_reason_of(status, response.reason_phrase), _retry_after(response), status)
                if not 200 <= status < 300:
                    return status, response_headers, b""
                self._check_type(url, response_headers, accept)
                return status, response_headers, self._read_body(url, response, deadline)
        except httpx.TimeoutException as err:
            stage = {"ConnectTimeout": "connecting", "PoolTimeout": "waiting for a connection"}.get(
                type(err).__name__, "reading"
            )
            raise _Retry(f"timed out {stage} (limit {self.policy.read_timeout:g}s)") from err
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            raise _Retry(f"connection failed: {err or 'the server closed it'}") from err

    def _check_type(self, url: str, headers: Mapping[str, str], accept: tuple[str, ...] | None) -> None:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if accept is None or not content_type or content_type in accept:
            return
        raise FetchError(url, f"not a page of the expected kind: content type {content_type} (expected {accept[0]})")

    def _read_body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(url, f"response is {int(declared):,} bytes, over the {cap:,}-byte limit (--max-bytes)")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in CONTENT_ENCODINGS:
            raise FetchError(url, f"unsupported content encoding {encoding!r}")
        # Decoded here rather than by httpx: the cap applies to the decoded size (a gzip bomb stops early)
        # and a truncated gzip stream is noticed (zlib's flush does not complain about a missing end).
        decoder = zlib.decompressobj(CONTENT_ENCODINGS[encoding]) if CONTENT_ENCODINGS[encoding] else None
        body = bytearray()
        for chunk in response.iter_raw():
            if decoder is not None:
                try:
                    chunk = decoder.decompress(chunk, cap + 1 - len(body))
                except zlib.error as err:
                    raise FetchError(url, f"corrupt {encoding} response: {err}") from err
            body += chunk
            if len(body) > cap:
                raise FetchError(url, f"response is over the {cap:,}-byte limit (--max-bytes); not read further")
            if time.monotonic() > deadline:
                raise _Retry(f"response too slow: not complete after {self.policy.total_timeout:g}s")
        if decoder is not None and not decoder.eof:
            raise FetchError(url, f"truncated {encoding} response: the compressed stream ends early")
        return bytes(body)


def _origin(target: httpx.URL) -> str:
    return f"{target.scheme}://{target.netloc.decode('ascii')}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _status_reason_of(status: int, phrase: str) -> str:
    return f"HTTP {status} {phrase}".strip()


def _status_reason(fetched: Fetched) -> str:
    try:
        phrase = httpx.codes(fetched.status).name.replace("_", " ").lower()
    except ValueError:
        phrase = ""
    return f"HTTP {fetched.status} {phrase}".strip()


__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "USER_AGENT",
    "FetchError",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "blocked_reason",
    "resolve_host",
]
