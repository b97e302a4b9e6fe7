"""Safe fetching and pages by URL, against a local server on 127.0.0.1: private addresses, redirects,
robots.txt, timeouts, size caps, content types, retries, rate limit; and `eventfuse ingest URL`."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from localserver import BLAST, RAID, LocalServer, Route, article_page
from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.sources.fetch import USER_AGENT, Fetcher, FetchError, FetchPolicy, blocked_reason
from eventfuse.sources.web import article_from_url
from eventfuse.store import Store

# Fast settings for tests: no waiting between requests, short backoff.
LOCAL = FetchPolicy(allow_private=True, min_interval=0, backoff=0.01, respect_robots=False)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.routes["/blast.html"] = Route(article_page("Car bomb kills 12 in Beledweyne", BLAST))
        yield running


def _fetcher(**changes: object) -> Fetcher:
    fields = {**LOCAL.__dict__, **changes}
    return Fetcher(FetchPolicy(**fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-public"),
        ("fc00::1", "private"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_addresses_off_the_public_internet_are_blocked(address: str, reason: str | None) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("2002:a9fe:a9fe::1", "link-local (169.254.169.254 inside a 6to4 address)"),
        ("2002:7f00:1::1", "loopback (127.0.0.1 inside a 6to4 address)"),
        ("2002:c0a8:101::1", "private (192.168.1.1 inside a 6to4 address)"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (127.0.0.1 inside a Teredo address)"),
        ("2001:0:a9fe:a9fe:8000:63bf:3fff:fdd2", "link-local (169.254.169.254 inside a Teredo address)"),
        ("64:ff9b::7f00:1", "loopback (127.0.0.1 inside a NAT64 address)"),
        ("64:ff9b::a9fe:a9fe", "link-local (169.254.169.254 inside a NAT64 address)"),
        ("::ffff:a9fe:a9fe", "link-local"),
        ("64:ff9b::5db8:d70e", None),  # a public server reached through a NAT64 gateway
        ("2002:5db8:d70e::1", None),  # a public host's 6to4 address
    ],
)
def test_addresses_that_embed_an_ipv4_address_are_judged_by_it(address: str, reason: str | None) -> None:
    """Issue 20 item 8: 2002:a9fe:a9fe::1 (6to4 around 169.254.169.254) passed the check."""
    assert blocked_reason(ipaddress.ip_address(address)) == reason


def test_a_host_resolving_to_a_6to4_loopback_is_refused_and_never_contacted() -> None:
    fetcher = Fetcher(
        FetchPolicy(min_interval=0, respect_robots=False, retries=0), resolver=lambda host, port: ["2002:7f00:1::1"]
    )
    with fetcher, pytest.raises(FetchError, match=r"loopback \(127.0.0.1 inside a 6to4 address\)"):
        fetcher.get("http://metadata.example/latest/")


def test_page_fetched_with_a_user_agent_naming_eventfuse(server: LocalServer) -> None:
    with _fetcher() as fetcher:
        page = fetcher.get(server.url("/blast.html"))
    assert page.status == 200 and b"Beledweyne" in page.content
    assert server.requests[0].headers["user-agent"] == USER_AGENT
    assert "eventfuse" in USER_AGENT


def test_url_becomes_an_article_with_its_metadata(server: LocalServer) -> None:
    with _fetcher() as fetcher:
        article = article_from_url(server.url("/blast.html"), fetcher)
    assert article.title == "Car bomb kills 12 in Beledweyne"
    assert article.raw_text.startswith("BELEDWEYNE — At least 12 people were killed")
    assert "Privacy" not in article.raw_text
    assert (article.published, article.outlet, article.author) == ("2025-06-14", "Horn Courier", "Amina Yusuf")
    assert article.url == server.url("/blast.html")


def test_loopback_refused_without_allow_private_and_never_contacted(server: LocalServer) -> None:
    with _fetcher(allow_private=False) as fetcher, pytest.raises(FetchError) as raised:
        fetcher.get(server.url("/blast.html"))
    assert "loopback address 127.0.0.1" in raised.value.reason
    assert "--allow-private" in raised.value.reason
    assert server.requests == []


def test_redirect_to_a_private_address_refused_at_the_redirect(server: LocalServer) -> None:
    # The local server itself is allowed by network, so the first hop goes through; its redirect
    # targets are checked again and refused before any connection is made.
    server.routes["/to-intranet"] = Route(status=302, headers={"Location": "http://10.1.2.3:8080/admin"})
    server.routes["/to-metadata"] = Route(status=301, headers={"Location": "http://169.254.169.254/latest/"})
    with _fetcher(allow_private=False, allow_networks=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(FetchError) as intranet:
            fetcher.get(server.url("/to-intranet"))
        with pytest.raises(FetchError) as metadata:
            fetcher.get(server.url("/to-metadata"))
    assert "redirect target 10.1.2.3 resolves to private address 10.1.2.3" in intranet.value.reason
    assert "link-local address 169.254.169.254" in metadata.value.reason
    assert [r.path for r in server.requests] == ["/to-intranet", "/to-metadata"]


def test_redirects_followed_with_allow_private_and_limited(server: LocalServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/blast.html"})
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    with _fetcher(max_redirects=3) as fetcher:
        page = fetcher.get(server.url("/old"))
        with pytest.raises(FetchError) as looping:
            fetcher.get(server.url("/loop"))
    assert page.final_url == server.url("/blast.html") and page.redirects == (server.url("/blast.html"),)
    assert "more than 3 redirects" in looping.value.reason
    assert server.hits("/loop") == 4


def test_slow_responses_time_out(server: LocalServer) -> None:
    server.routes["/stalled"] = Route(b"late", delay=1.5)
    server.routes["/trickle"] = Route(b"x" * 40, trickle=0.05)
    with _fetcher(read_timeout=0.3, total_timeout=0.5, retries=0) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError) as stalled:
            fetcher.get(server.url("/stalled"), accept=None)
        with pytest.raises(FetchError) as trickle:
            fetcher.get(server.url("/trickle"), accept=None)
    assert "timed out" in stalled.value.reason and stalled.value.transient
    assert "response too slow" in trickle.value.reason
    assert time.monotonic() - started < 1.5


def test_oversized_responses_refused_declared_or_streamed(server: LocalServer) -> None:
    server.routes["/declared"] = Route(b"x" * 5000)
    server.routes["/streamed"] = Route(b"x" * 5000, content_length=False)
    bomb = gzip.compress(b"<p>" + b"a" * 200_000)
    server.routes["/bomb"] = Route(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    with _fetcher(max_bytes=1000) as fetcher:
        for path in ("/declared", "/streamed", "/bomb"):
            with pytest.raises(FetchError) as raised:
                fetcher.get(server.url(path))
            assert "1,000-byte limit" in raised.value.reason, path


def test_gzip_responses_decoded_and_truncated_ones_rejected(server: LocalServer) -> None:
    packed = gzip.compress(article_page("Car bomb kills 12 in Beledweyne", BLAST))
    gz = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    server.routes["/gz"] = Route(packed, headers=gz)
    server.routes["/truncated-gz"] = Route(packed[: len(packed) // 2], headers=gz)
    with _fetcher() as fetcher:
        assert b"Beledweyne" in fetcher.get(server.url("/gz")).content
        with pytest.raises(FetchError) as raised:
            fetcher.get(server.url("/truncated-gz"))
    assert "truncated gzip response" in raised.value.reason


def test_content_type_and_http_errors(server: LocalServer) -> None:
    server.routes["/report.pdf"] = Route(b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    with _fetcher() as fetcher:
        with pytest.raises(FetchError) as pdf:
            fetcher.get(server.url("/report.pdf"))
        with pytest.raises(FetchError) as missing:
            fetcher.get(server.url("/gone.html"))
    assert "content type application/pdf" in pdf.value.reason
    assert missing.value.reason == "HTTP 404 not found" and not missing.value.transient


def test_retries_with_backoff_then_gives_up(server: LocalServer) -> None:
    attempts = {"n": 0}

    def flaky(headers: dict[str, str]) -> Route:
        attempts["n"] += 1
        if attempts["n"] < 3:
            return Route(b"busy", 503, {"Content-Type": "text/plain", "Retry-After": "0"})
        return Route(article_page("Car bomb kills 12 in Beledweyne", BLAST))

    server.routes["/flaky"] = flaky
    server.routes["/down"] = Route(b"down", 502, {"Content-Type": "text/plain"})
    with _fetcher(retries=2) as fetcher:
        assert fetcher.get(server.url("/flaky")).status == 200
        with pytest.raises(FetchError) as down:
            fetcher.get(server.url("/down"))
    assert server.hits("/flaky") == 3
    assert server.hits("/down") == 3
    assert down.value.transient and "after 3 attempts" in down.value.reason


def test_dead_link_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with _fetcher(retries=0) as fetcher, pytest.raises(FetchError) as raised:
        fetcher.get(f"http://127.0.0.1:{port}/story.html")
    assert "connection failed" in raised.value.reason


def test_robots_txt_respected_cached_and_overridable(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    server.routes["/private/memo.html"] = Route(article_page("Memo", RAID))
    with _fetcher(respect_robots=True) as fetcher:
        fetcher.get(server.url("/blast.html"))
        with pytest.raises(FetchError) as raised:
            fetcher.get(server.url("/private/memo.html"))
    assert "disallowed by" in raised.value.reason and "--no-robots" in raised.value.reason
    assert server.hits("/robots.txt") == 1 and server.hits("/private/memo.html") == 0
    with _fetcher(respect_robots=False) as fetcher:
        assert fetcher.get(server.url("/private/memo.html")).status == 200


def test_unreachable_robots_txt_allows_nothing(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"oops", 500, {"Content-Type": "text/plain"})
    with _fetcher(respect_robots=True, retries=0) as fetcher, pytest.raises(FetchError) as raised:
        fetcher.get(server.url("/blast.html"))
    assert "robots.txt" in raised.value.reason and server.hits("/blast.html") == 0


def test_requests_to_one_host_are_spaced(server: LocalServer) -> None:
    with _fetcher(min_interval=0.25) as fetcher:
        started = time.monotonic()
        for _ in range(3):
            fetcher.get(server.url("/blast.html"))
    assert time.monotonic() - started >= 0.5


# --- the CLI ------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_ingest_urls_one_line_per_bad_input_and_nothing_twice(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/raid.html"] = Route(article_page("Gunmen kill seven farmers near Damboa", RAID))
    server.routes["/report.pdf"] = Route(b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    db = tmp_path / "e.db"
    urls = [server.url(p) for p in ("/blast.html", "/gone.html", "/report.pdf", "/raid.html")]
    args = ["ingest", *urls, "ftp://example.org/x.html", "--db", str(db), "--allow-private", "--delay", "0"]
    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    rejected = [line for line in first.output.splitlines() if line.startswith("rejected")]
    assert len(rejected) == 3
    assert any("/gone.html: HTTP 404" in line for line in rejected)
    assert any("content type application/pdf" in line for line in rejected)
    assert any("unsupported URL scheme" in line for line in rejected)
    assert "2 new articles, 0 already stored, 3 inputs rejected" in first.output
    again = runner.invoke(app, ["ingest", urls[0], urls[3], "--db", str(db), "--allow-private", "--delay", "0"])
    assert again.exit_code == 0 and "0 new articles, 2 already stored" in again.output
    with Store.open(db) as store:
        assert store.count_articles() == 2


def test_cli_refuses_local_address_without_allow_private(server: LocalServer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", server.url("/blast.html"), "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 1
    assert "refused" in result.output and "--allow-private" in result.output
    assert server.requests == []
