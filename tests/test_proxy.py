"""Downloads through an HTTPS proxy configured only by environment variables, with a test CA.

The real https://www.ishares.com and https://www.ssga.com URLs are used; the proxy decrypts with a
throwaway CA and forwards to the issuer stand-in on 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys

import pytest

from smallcap_screen.errors import NetworkError
from smallcap_screen.sources.holdings_file import parse_holdings_bytes
from smallcap_screen.sources.http import HttpClient
from tests.helpers import REPO
from tests.standins.issuers import TRUNCATED, IssuerStandIn
from tests.standins.proxy import HttpsProxy

DOWNLOAD_IWM = """
from smallcap_screen.registry import get_fund
from smallcap_screen.sources.download import download_holdings
holdings = download_holdings(get_fund("IWM"))
print(len(holdings.equities), holdings.as_of, holdings.source)
"""


@pytest.fixture
def site(raw_dir):
    files = {"IWM": raw_dir / "IWM_holdings_2025-11-05.csv", "SPY": raw_dir / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx"}
    with IssuerStandIn(files) as standin:
        yield standin


@pytest.fixture
def proxy(site):
    with HttpsProxy({"www.ishares.com": site.address, "www.ssga.com": site.address}) as running:
        yield running


@pytest.fixture
def proxied_env(proxy, monkeypatch):
    """This process's environment pointed at the proxy, as a user behind one would have it."""
    for name, value in proxy.env.items():
        monkeypatch.setenv(name, value)
    return proxy


def test_a_subprocess_downloads_iwm_from_the_real_url_through_the_proxy(site, proxy):
    finished = subprocess.run(
        [sys.executable, "-c", DOWNLOAD_IWM],
        env={**os.environ, **proxy.env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    count, as_of, source = finished.stdout.split()
    assert int(count) == len(parse_holdings_bytes(site.files["IWM"].read_bytes()).equities)
    assert as_of == "2025-11-05"
    assert source.startswith("https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/1467271812596.ajax")
    assert proxy.requests == {"www.ishares.com": 1}
    assert site.log[0].headers["Host"] == "www.ishares.com"


def test_the_ssga_redirect_is_followed_inside_the_tunnel(proxied_env, site):
    with HttpClient() as client:
        fetched = client.get(
            "https://www.ssga.com/us/en/intermediary/library-content/products/fund-data/etfs/us/holdings-daily-us-en-spy.xlsx"
        )

    assert fetched.body.startswith(b"PK\x03\x04")
    assert fetched.url == "https://www.ssga.com/library-content/products/fund-data/etfs/us/holdings-daily-us-en-spy.xlsx"
    assert proxied_env.requests == {"www.ssga.com": 2}


def test_a_truncated_answer_reaches_the_client_truncated_and_is_retried(proxied_env, site):
    site.inject("latest", TRUNCATED)
    url = "https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/latest-holdings.csv"

    with HttpClient(spacing=0, sleep=lambda seconds: None) as client:
        fetched = client.get(url, expect="CSV")

    assert fetched.body == site.files["IWM"].read_bytes()
    assert proxied_env.requests == {"www.ishares.com": 2}


def test_a_host_the_proxy_cannot_reach_is_a_network_error_at_once(proxied_env):
    with HttpClient(sleep=lambda seconds: pytest.fail("must not retry")) as client:
        with pytest.raises(NetworkError, match="cannot reach query1.finance.yahoo.com"):
            client.get("https://query1.finance.yahoo.com/v7/finance/quote?symbols=AAPL")

    assert proxied_env.requests == {}


def test_the_tunnel_speaks_http11_even_when_h2_is_offered(proxy):
    context = ssl.create_default_context(cafile=str(proxy.ca_file))
    context.set_alpn_protocols(["h2", "http/1.1"])
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b"CONNECT www.ishares.com:443 HTTP/1.1\r\nHost: www.ishares.com:443\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 200")
        with context.wrap_socket(raw, server_hostname="www.ishares.com") as tls:
            assert tls.selected_alpn_protocol() == "http/1.1"
