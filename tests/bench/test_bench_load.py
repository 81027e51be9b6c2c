"""Parsing of wrk's report and the loopback guard of the benchmark's load step."""

import pytest

from prslab.bench.load import check_loopback, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40123/api/classes
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    75.12ms   20.40ms 211.24ms   71.02%
    Req/Sec   104.50     20.11   150.00     68.00%
  Latency Distribution
     50%   71.55ms
     75%   84.00ms
     90%  101.30ms
     99%    1.21s
  2091 requests in 10.02s, 21.30MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    208.68
Transfer/sec:      2.13MB
"""


def test_wrk_report_parsed():
    result = parse_wrk(WRK_OUTPUT)

    assert result.requests == 2091
    assert result.rps == pytest.approx(208.68)
    assert result.p50_ms == pytest.approx(71.55)
    assert result.p99_ms == pytest.approx(1210.0)
    assert result.errors == 9


def test_wrk_microseconds_converted():
    output = WRK_OUTPUT.replace("71.55ms", "830.00us")

    assert parse_wrk(output).p50_ms == pytest.approx(0.83)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000/", "http://169.254.169.254/"])
def test_remote_target_rejected(url):
    with pytest.raises(ValueError, match="only 127.0.0.1"):
        check_loopback(url)


def test_loopback_target_accepted():
    check_loopback("http://127.0.0.1:8000/api/classes")
    check_loopback("http://[::1]:8000/")
