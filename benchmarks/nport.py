"""Requests and wall time of N-PORT holdings on the stand-in EDGAR. Run from the repo root:

    .venv/bin/python benchmarks/nport.py [--latency 0.05] [--series 40]

The stand-in (tests/standins/sec.py, which enforces the SEC's 10 requests/s) serves one trust
whose newest report date has ``--series`` NPORT-P filings, the fund's own last, every other
series a copy of the 500 Index excerpt (the worst case for the series filter: each sibling's
document is opened before the fund's). Measured: ``fund_holdings(client, "VXF")`` cold (empty
cache folder) and warm (the same cache folder again), each a fresh client.

Then ``smallcap-screen compare AVUV IJS SPY`` through the CLI (a subprocess) on the whole stand-in
internet behind its HTTPS proxy (tests/standins/internet.py, same latency): AVUV's report is the
Extended Market excerpt filed under AVUV's series (derived: Avantis' real filings are not in the
fixtures), IJS and SPY from their issuers, quotes from the stand-in Yahoo; cold (empty cache)
and warm (the same cache again): requests to each site and wall time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURES = REPO / "tests" / "fixtures" / "nport"


def main() -> None:
    from smallcap_screen.sources.sec import nport
    from smallcap_screen.sources.sec.client import SecClient
    from tests.standins.sec import SecStandIn

    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--series", type=int, default=40)
    args = parser.parse_args()
    sibling = (FIXTURES / "vanguard_500_2025-06-30.xml").read_bytes()
    accessions = [f"0000036405-25-{n:06d}" for n in range(1, args.series + 1)]
    documents: dict[str, bytes | Path] = {
        "/files/company_tickers_mf.json": FIXTURES / "company_tickers_mf.json",
        "/files/company_tickers.json": FIXTURES / "company_tickers.json",
    }
    recent = {"accessionNumber": accessions, "form": ["NPORT-P"] * args.series, "filingDate": ["2025-08-27"] * args.series,
              "reportDate": ["2025-06-30"] * args.series, "primaryDocument": ["primary_doc.xml"] * args.series}
    documents["/submissions/CIK0000036405.json"] = json.dumps({"filings": {"recent": recent, "files": []}}).encode()
    for accession in accessions:
        documents[f"/Archives/edgar/data/36405/{accession.replace('-', '')}/primary_doc.xml"] = sibling
    documents[f"/Archives/edgar/data/36405/{accessions[-1].replace('-', '')}/primary_doc.xml"] = FIXTURES / "vanguard_extended_market_2025-06-30.xml"
    with SecStandIn(documents, latency=args.latency) as site, tempfile.TemporaryDirectory() as cache:
        for run in ("cold", "warm"):
            started = time.perf_counter()
            with SecClient("Benchmark bench@example.com", data_url=site.url, www_url=site.url, cache_dir=Path(cache)) as client:
                holdings = nport.fund_holdings(client, "VXF")
                took, sent = time.perf_counter() - started, client.requests
            print(f"{run}: {sent} requests, {took:.2f} s, {len(holdings.equities)} holdings of {holdings.as_of} "
                  f"({args.series} series at {args.latency * 1000:.0f} ms latency; most in one second: {site.most_in_one_second()})")
    compare_through_the_cli(args.latency)


def compare_through_the_cli(latency: float) -> None:
    import os
    import subprocess

    from tests.helpers import EXCERPTS, WHOLE_RAW
    from tests.standins import edgar
    from tests.standins.internet import SEC_HOSTS, YAHOO_HOSTS, StandInInternet

    avantis = "0001710607-25-000101"
    documents = edgar.documents()
    documents[edgar.submissions_path(edgar.AVANTIS)] = edgar.submissions((avantis, "NPORT-P", "2025-08-27", "2025-06-30"), cik=edgar.AVANTIS)
    documents[edgar.archive(edgar.AVANTIS, avantis)] = edgar.EXTENDED_MARKET.read_bytes().replace(b"S000002841", b"S000066459")
    raw = WHOLE_RAW if WHOLE_RAW.exists() else EXCERPTS
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    with StandInInternet(raw, latency=latency, sec_documents=documents) as net, tempfile.TemporaryDirectory() as home:
        env = {**base, **net.env, "SMALLCAP_SCREEN_SEC_USER_AGENT": "Benchmark bench@example.com",
               "SMALLCAP_SCREEN_CACHE_DIR": f"{home}/cache", "SMALLCAP_SCREEN_DATA_DIR": f"{home}/data", "XDG_CACHE_HOME": f"{home}/xdg"}
        for run in ("cold", "warm"):
            before = dict(net.proxy.requests)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "smallcap_screen", "compare", "AVUV", "IJS", "SPY", "-f", "json"], env=env, capture_output=True, text=True)
            took = time.perf_counter() - started
            sent = {host: n - before.get(host, 0) for host, n in net.proxy.requests.items()}
            sec = sum(sent.get(h, 0) for h in SEC_HOSTS)
            yahoo = sum(sent.get(h, 0) for h in YAHOO_HOSTS)
            print(f"compare AVUV IJS SPY {run}: exit {done.returncode}, {sum(sent.values())} requests "
                  f"(SEC {sec}, Yahoo {yahoo}, issuers {sum(sent.values()) - sec - yahoo}), {took:.2f} s")


if __name__ == "__main__":
    main()
