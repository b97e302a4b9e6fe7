"""`bench api`: wrk's report read into the benchmark's figures, and which client was the limit."""

from __future__ import annotations

from eventfuse.bench import api

WRK_REPORT = """Running 30s test @ http://127.0.0.1:8000
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    79.52ms   20.10ms 412.00ms   80.00%
    Req/Sec     1.26k   150.00     1.60k    70.00%
  Latency Distribution
     50%   75.10ms
     75%   85.00ms
     90%  100.00ms
     99%    1.20s
  75420 requests in 30.01s, 150.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   2513.20
Transfer/sec:      5.00MB
"""


def test_wrk_report_gives_rate_latencies_and_every_error() -> None:
    figures = api._wrk_figures(WRK_REPORT)  # noqa: SLF001
    assert figures == {"requests": 75420, "requests_per_s": 2513.2, "p50_ms": 75.1, "p99_ms": 1200.0, "errors": 9}


def test_a_client_using_its_cpu_is_named_the_limit() -> None:
    assert api._limit(0.97) == {"limit": "the client"} and api._limit(0.4) == {"limit": "the server"}  # noqa: SLF001
