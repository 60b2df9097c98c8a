"""Answers too large to hold: a 300 MB holdings file and gzip bombs, from an issuer and from Yahoo.

Every answer is capped (sources/http.py MAX_ANSWER_BYTES, 64 MB), declared or as it arrives
after decompression; the fund concerned fails alone and the run's peak memory stays low. The CLI
runs as a subprocess behind the stand-in internet's proxy; its peak RSS comes from os.wait4.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

from smallcap_screen.sources.http import MAX_ANSWER_BYTES
from tests.helpers import by_fund
from tests.standins.bodies import MIB, gzip_bomb, long_body
from tests.standins.internet import StandInInternet
from tests.standins.issuers import Fault

#: Peak resident memory a `compare IWM SPY` may reach with an oversized answer in it. A normal
#: run peaks near 200 MB; without the cap the 300 MB body took it to 1.1 GB, the bombs further.
PEAK_LIMIT = 200 * MIB + 2 * MAX_ANSWER_BYTES
BOMB = 512 * MIB  # unpacked: enough to prove the cap, ~0.5 MB on the wire


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(BOMB)


@pytest.fixture
def net(raw_dir):
    with StandInInternet(raw_dir, latency=0.01) as running:
        yield running


def compare_measured(net, tmp_path, *funds: str) -> tuple[int, dict, str, int]:
    """`compare FUNDS -f json` as a subprocess: exit code, records by fund, stderr, peak RSS in bytes."""
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
    homes = {"SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"), "SMALLCAP_SCREEN_DB": str(tmp_path / "store.sqlite3"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-m", "smallcap_screen", "compare", *funds, "-f", "json"], stdout=out, stderr=err, env={**base, **net.env, **homes})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    return process.returncode, by_fund(stdout) if stdout else {}, stderr, usage.ru_maxrss * 1024


@pytest.mark.parametrize(
    "fault",
    [
        Fault(stream=lambda: long_body(300 * MIB), declared=300 * MIB),  # said in Content-Length: refused before the body
        Fault(stream=lambda: long_body(300 * MIB)),  # chunked, no length said: counted as it arrives
    ],
    ids=["declared", "chunked"],
)
def test_a_300_mb_holdings_answer_fails_that_fund_alone(net, tmp_path, fault):
    net.issuers.inject("ajax", fault)
    code, records, stderr, peak = compare_measured(net, tmp_path, "IWM", "SPY")

    assert code == 0, stderr
    assert records["SPY"]["holdings_source"] == "live"
    assert records["IWM"]["holdings_source"] in ("store", "bundled")
    assert "sent more than 64 MB" in records["IWM"]["status_reason"], records["IWM"]["status_reason"]
    assert peak < PEAK_LIMIT, f"peak {peak / MIB:.0f} MB"


def test_a_gzip_bomb_from_an_issuer_fails_that_fund_alone_in_little_memory(net, tmp_path, bomb):
    net.issuers.inject("ajax", Fault(stream=lambda: [bomb], declared=len(bomb), headers=(("Content-Encoding", "gzip"), ("Content-Type", "text/csv"))))
    code, records, stderr, peak = compare_measured(net, tmp_path, "IWM", "SPY")

    assert code == 0, stderr
    assert records["SPY"]["holdings_source"] == "live"
    assert "sent more than 64 MB" in records["IWM"]["status_reason"]
    assert peak < PEAK_LIMIT, f"peak {peak / MIB:.0f} MB"


def test_a_gzip_bomb_from_yahoo_costs_the_batch_holding_it_not_the_run(net, tmp_path, bomb):
    net.yahoo.bomb = bomb
    net.yahoo.bombs = {"AAPL"}  # every batch holding AAPL (SPY's largest holding) is answered the bomb
    code, records, stderr, peak = compare_measured(net, tmp_path, "IWM", "SPY")

    assert code == 0, stderr
    assert all(r["holdings_source"] == "live" and r["data_source"].startswith("live data") for r in records.values())
    assert "fails every request holding AAPL:" in stderr  # sent more than 16 MB: halved down to AAPL
    assert peak < PEAK_LIMIT, f"peak {peak / MIB:.0f} MB"
