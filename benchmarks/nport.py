"""Requests and wall time of N-PORT holdings on the stand-in EDGAR. Run from the repo root:

    .venv/bin/python benchmarks/nport.py [--latency 0.05] [--series 40]

The stand-in (tests/standins/sec.py, which enforces the SEC's 10 requests/s) serves one trust
whose newest report date has ``--series`` NPORT-P filings, the fund's own last, every other
series a copy of the 500 Index excerpt (the worst case for the series filter: each sibling's
document is opened before the fund's). Measured: ``fund_holdings(client, "VXF")`` cold (empty
cache folder) and warm (the same cache folder again), each a fresh client.

Not yet measured: ``compare AVUV IJS SPY`` through the CLI (N-PORT is not wired into the compare
data path yet).
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


if __name__ == "__main__":
    main()
