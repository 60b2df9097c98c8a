"""A whole stand-in internet on 127.0.0.1: issuer sites, Yahoo, and the HTTPS proxy in front.

A subprocess given ``env`` reaches https://www.ishares.com, https://www.ssga.com and Yahoo's hosts
through the proxy, trusting a throwaway CA, exactly as a user behind a corporate proxy would.

What is served, from the real files in ../shared/data/raw:
- IWM: the iShares CSV of 2025-11-05; SPY: the SSGA xlsx of 2025-11-18;
- IJR: the derived IJR list written out in iShares' ``Market Weight`` CSV layout;
- IJS: no real file exists, so the value half of IJR (every other IJR line) stands in for it;
- VB (Vanguard JSON), DES (WisdomTree JSON) and SCHA (Schwab CSV): no real download exists, so the
  derived VB list in Vanguard's format, the other half of IJR in WisdomTree's and the VB list in
  Schwab's stand in (tests/standins/issuer_files.py);
- Yahoo: one quote per stock of the finviz export of 2025-08-19 (real prices and EPS), and for
  each fund a quote whose trailing P/E is REPORTED_PE; ``extra_quotes`` adds or replaces some.
  Finviz has no current-fiscal-year estimate nor fiscal calendar, so both are made up (see
  :func:`made_up_fy1` and :func:`made_up_fiscal_year_end`), for next-twelve-months figures;
- the SEC (www.sec.gov, data.sec.gov): the stand-in EDGAR of tests/standins/sec.py serving
  ``sec_documents`` (default: tests/standins/edgar.py's N-PORT reports and ticker files).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pandas as pd

from smallcap_screen.reference import read_reference_fundamentals
from tests.standins import edgar, issuer_files
from tests.standins.issuers import IssuerStandIn
from tests.standins.proxy import HttpsProxy
from tests.standins.sec import SecStandIn
from tests.standins.yahoo import YahooStandIn, quotes_from_fundamentals

YAHOO_HOSTS = ("query1.finance.yahoo.com", "query2.finance.yahoo.com", "fc.yahoo.com", "guce.yahoo.com", "consent.yahoo.com", "finance.yahoo.com")
SEC_HOSTS = ("www.sec.gov", "data.sec.gov")
ISSUER_HOSTS = ("www.ishares.com", "www.ssga.com", "investor.vanguard.com", "www.wisdomtree.com", "www.schwabassetmanagement.com")

ISHARES_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Market Weight,Notional Value,Notional Weight,"
    "Quantity,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
CASH_SECTOR = "Cash and/or Derivatives"
#: The funds' own trailing P/E as the Yahoo stand-in reports it (made-up values, to see them pass through).
REPORTED_PE = {"IWM": 17.25, "IJR": 16.5, "IJS": 14.75, "SPY": 27.5}


#: Made-up fiscal years of the stand-in's companies: by a stable hash of the symbol, most end in
#: December, some in September, June or March (the usual US ends), and one in eleven is unknown.
FISCAL_YEAR_ENDS = ["2024-12-31", "2024-12-31", "2024-12-31", "2024-09-30", "2025-06-30", "2025-03-31", "2024-12-31", "2024-09-28", "2024-12-31", "2025-01-31", None]


def made_up_fiscal_year_end(symbol: str) -> str | None:
    """The stand-in's last fiscal-year end of ``symbol`` (ISO date), or None (Yahoo has none)."""
    return FISCAL_YEAR_ENDS[sum(map(ord, symbol)) % len(FISCAL_YEAR_ENDS)]


def made_up_fy1(table: pd.DataFrame) -> pd.Series:
    """The current fiscal year's consensus, made up halfway between trailing EPS and FY2's."""
    return (table["eps_trailing"] + table["eps_forward"]) / 2


def epoch_seconds(iso_day: str) -> int:
    return int(dt.datetime.fromisoformat(iso_day).replace(tzinfo=dt.timezone.utc).timestamp())


def ishares_csv_from_list(fund_name: str, as_of: str, lines: list[dict]) -> str:
    """An iShares download (Market Weight layout) for holdings given as {ticker,name,sector,weight%}."""
    out = io.StringIO()
    out.write(f'\ufeff{fund_name}\nFund Holdings as of,"{as_of}"\nInception Date,"May 22, 2000"\n')
    out.write('Shares Outstanding,"1,000,000.00"\nStock,"-"\nBond,"-"\nCash,"-"\nOther,"-"\n\xa0\n')
    out.write(ISHARES_HEADER + "\n")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for line in lines:
        asset_class = "Money Market" if line["ticker"] == "XTSLA" else "Cash" if line["ticker"] == "USD" else "Futures" if line["sector"] == CASH_SECTOR else "Equity"
        value = f"{line['weight'] * 1e8:,.2f}"
        writer.writerow([line["ticker"], line["name"], line["sector"], asset_class, value, f"{line['weight']:.2f}", value, f"{line['weight']:.2f}", "1.00", "1.00", "United States", "NASDAQ", "USD", "1.00", "USD", "-"])
    out.write('\xa0\n"The content contained herein is owned or licensed by BlackRock and/or its third-party information providers."\n')
    return out.getvalue()


@functools.cache
def reference_fundamentals(raw_dir: Path):
    """The finviz export of ``raw_dir`` as fundamentals, read once per process: most live tests
    start a stand-in internet of their own, and the whole file takes a quarter of a second to read.
    Never changed (a stand-in takes a copy of its table)."""
    return read_reference_fundamentals(raw_dir)


def derived_list(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r"=\s*(\[.*\])\s*;?\s*$", text, re.S).group(1))


class StandInInternet:
    """Start with ``with StandInInternet(raw_dir, latency=0.05) as net:``; pass ``net.env`` to subprocesses.

    Faults: ``rate_limit`` (Yahoo requests per second) with ``ban`` (seconds of 429s after one
    went over; without it each refusal says Retry-After: 1), ``max_quote_symbols`` (Yahoo answers
    HTTP 400 to bigger batches), ``slow_hosts`` (host name → seconds the proxy holds every
    answer, e.g. {"query1.finance.yahoo.com": 31}). ``net.issuers.inject`` queues issuer faults,
    ``net.sec.inject`` SEC faults; ``net.sec.documents`` may be changed while it runs.
    """

    def __init__(
        self,
        raw_dir: Path,
        *,
        latency: float = 0.0,
        rate_limit: float | None = None,
        ban: float | None = None,
        max_quote_symbols: int | None = None,
        slow_hosts: dict[str, float] | None = None,
        extra_quotes: dict[str, dict] | None = None,
        sec_documents: dict[str, bytes | Path] | None = None,
    ) -> None:
        self.raw_dir = Path(raw_dir)
        self.latency = latency
        self.rate_limit = rate_limit
        self.ban = ban
        self.max_quote_symbols = max_quote_symbols
        self.slow_hosts = dict(slow_hosts or {})
        self.extra_quotes = dict(extra_quotes or {})
        self.sec_documents = sec_documents
        self._stack = ExitStack()

    def __enter__(self) -> "StandInInternet":
        folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="standin-internet-")))
        ijr = derived_list(self.raw_dir / "IJR_holdings_derived-portfolio-xray_2025-11.js")
        (folder / "IJR.csv").write_text(ishares_csv_from_list("iShares Core S&P Small-Cap ETF", "Nov 18, 2025", ijr), encoding="utf-8")
        (folder / "IJS.csv").write_text(ishares_csv_from_list("iShares S&P Small-Cap 600 Value ETF", "Nov 18, 2025", ijr[::2]), encoding="utf-8")
        vb = derived_list(self.raw_dir / "VB_holdings_derived-portfolio-xray_2025-11.js")
        (folder / "VB.json").write_bytes(issuer_files.vanguard_json(vb, as_of="2025-11-18"))
        (folder / "DES.json").write_bytes(issuer_files.wisdomtree_json(ijr[1::2], fund="DES", as_of="2025-11-18", class_id=0))
        (folder / "SCHA.csv").write_bytes(issuer_files.schwab_csv(vb, as_of="2025-11-18"))
        self.files = {
            "IWM": self.raw_dir / "IWM_holdings_2025-11-05.csv",
            "IJR": folder / "IJR.csv",
            "IJS": folder / "IJS.csv",
            "SPY": self.raw_dir / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx",
            "VB": folder / "VB.json",
            "DES": folder / "DES.json",
            "SCHA": folder / "SCHA.csv",
        }
        fundamentals = reference_fundamentals(self.raw_dir)
        self.fundamentals = replace(fundamentals, table=fundamentals.table.assign(eps_fy1=made_up_fy1(fundamentals.table)))
        self.fiscal_year_ends = {s: end for s in self.fundamentals.table.index if (end := made_up_fiscal_year_end(s))}
        self.issuers = self._stack.enter_context(IssuerStandIn(self.files, latency=self.latency))
        quotes = quotes_from_fundamentals(self.fundamentals.table)
        quotes.update({f: {"symbol": f, "quoteType": "ETF", "regularMarketPrice": 100.0, "trailingPE": pe} for f, pe in REPORTED_PE.items()})
        quotes.update(self.extra_quotes)
        self.yahoo = self._stack.enter_context(
            YahooStandIn(
                quotes,
                fiscal_year_ends={s: epoch_seconds(end) for s, end in self.fiscal_year_ends.items()},
                latency=self.latency,
                rate_limit=self.rate_limit,
                ban=self.ban,
                max_quote_symbols=self.max_quote_symbols,
            )
        )
        yahoo_address = ("127.0.0.1", self.yahoo.port)
        routes = {host: self.issuers.address for host in ISSUER_HOSTS}
        routes.update({host: yahoo_address for host in YAHOO_HOSTS})
        documents = edgar.documents() if self.sec_documents is None else self.sec_documents
        self.sec = self._stack.enter_context(SecStandIn(documents, latency=self.latency))
        routes.update({host: self.sec.address for host in SEC_HOSTS})
        self.proxy = self._stack.enter_context(HttpsProxy(routes, delays=self.slow_hosts))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def env(self) -> dict[str, str]:
        return self.proxy.env

    @property
    def yahoo_requests(self) -> int:
        return sum(self.proxy.requests[h] for h in YAHOO_HOSTS)

    @property
    def sec_requests(self) -> int:
        return sum(self.proxy.requests[h] for h in SEC_HOSTS)

    @property
    def total_requests(self) -> int:
        return sum(self.proxy.requests.values())


def main() -> None:
    """Serve the stand-in internet until Ctrl-C, to try the CLI against it by hand:

        .venv/bin/python -m tests.standins.internet --latency 0.05 --max-quote-symbols 100
        # then, in another shell, paste the printed exports and run smallcap-screen compare ...
    """
    import argparse
    import shlex
    import time

    parser = argparse.ArgumentParser(description="the stand-in internet (issuer sites, Yahoo, HTTPS proxy) on 127.0.0.1")
    parser.add_argument("--raw-dir", type=Path, default=Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds every answer is delayed")
    parser.add_argument("--rate-limit", type=float, help="Yahoo requests per second before 429s")
    parser.add_argument("--ban", type=float, help="seconds of 429s (without Retry-After) after going over the rate limit")
    parser.add_argument("--max-quote-symbols", type=int, help="Yahoo answers HTTP 400 to quote requests with more symbols")
    parser.add_argument("--slow-host", action="append", default=[], metavar="HOST=SECONDS", help="hold every answer of HOST, e.g. query1.finance.yahoo.com=31")
    args = parser.parse_args()
    slow = {host: float(seconds) for host, _, seconds in (item.partition("=") for item in args.slow_host)}
    with StandInInternet(args.raw_dir, latency=args.latency, rate_limit=args.rate_limit, ban=args.ban, max_quote_symbols=args.max_quote_symbols, slow_hosts=slow) as net:
        for name, value in net.env.items():
            print(f"export {name}={shlex.quote(value)}")
        print("# serving until Ctrl-C", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
