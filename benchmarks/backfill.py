"""Requests, bytes, wall time, peak memory and store growth of ``backfill`` on the stand-ins, and
of an incremental re-run one period later. Run from the repo root (one scenario per process, so
that each peak memory is its own):

    .venv/bin/python benchmarks/backfill.py --every month [--years 5] [--latency 0.05] [--issuer-spacing 2]
    .venv/bin/python benchmarks/backfill.py --every week

What is served (all on 127.0.0.1, in this process, with ``--latency`` per answer):

- iShares (tests/standins/issuers.py): IWM IJR IJS IVV files for every business day, SYNTHESISED
  from real ones: IWM's and IVV's whole real files (../shared/data/raw, else the committed
  excerpts), IJR from the real derived IJR list written in iShares' Market Weight layout with a
  made-up price of 50, IJS every other IJR holding (no real IJS file exists here). Each date gets
  the template's bytes with its own "Fund Holdings as of" line and prices (and market values)
  scaled by one of 12 factors, by month: the prices and dates are shifted, the holdings are not.
- SEC (tests/standins/sec.py, which blocks above 10 requests/s): SYNTHETIC ``companyfacts`` for
  every held company (tests/standins/sec_documents.py: quarterly diluted EPS, filed on a business
  day 35-54 days after each quarter), padded with a filler concept to ``--facts-bytes`` (real
  documents are 1.2-3.9 MB: benchmarks/sec_endpoints.py), the ticker file, and a daily master
  index for every business day (the day's filings of these companies plus ``--index-filler``
  lines of other forms, as real indexes list 3,000-6,000 filings).

The first run backfills ``--years`` years up to the period before the last one, with an empty
cache; the cache is then aged to the day after that period (a cron run), and the re-run adds the
last period. The floor is set by the politeness rules alone: the issuer's spacing times its
requests, or the SEC's requests at 10/s, whichever is longer (the two hosts are asked at once).

Measured on the 2-core machine shared with other work (load ~4-6), 50 ms latency, 2 s issuer
spacing, 1 MB company facts, 2026-12-07:

    monthly, 59 dates: 236 issuer + 2,516 SEC requests (2,515 companyfacts), 2.3 GB, 478 s
        against a floor of 470 s (iShares' 2 s spacing): 1.02x; store 14.8 MB, 250 KB per date
    re-run one new month (2026-11-30: every company filed its 10-Q in the window): 4 issuer +
        2,533 SEC requests (17 daily indexes, all facts again), 390 s against 253 s (SEC): 1.54x
    peak memory 256 MB
    weekly, 260 dates, --issuer-spacing 0.5 (2 s would take ~35 min): 1,040 issuer + 2,516 SEC
        requests, 2.3 GB, 963 s against 520 s: 1.85x, bound by the CPU (parsing 4 files and
        saving a snapshot per date on the loaded machine, ~0.9 s a date); at 2 s spacing the floor
        is 2,078 s and the work fits under it (not measured); store 58.9 MB, 227 KB per date
    re-run one new week (2026-12-04): 4 issuer + 7 SEC requests (6 daily indexes, the ticker
        file, 0 companyfacts: nobody filed that week), 2 MB, 59 s: reading the 2.5 GB of cached
        facts again for the new date's EPS, not requests, is the cost
    peak memory 376 MB
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RAW = REPO.parent.parent / "shared" / "data" / "raw"
SHARED_RAW = Path("/work/shared/data/raw")
EXCERPTS = REPO / "tests" / "fixtures" / "real"
AGENT = "Benchmark bench@example.com"
FUNDS = ("IWM", "IJR", "IJS", "IVV")


def real_file(name: str) -> Path:
    whole = SHARED_RAW / name
    return whole if whole.exists() else EXCERPTS / name


def templates() -> dict[str, str]:
    """Each fund's file as text, with ``{date}`` where its date goes."""
    from tests.standins.internet import derived_list, ishares_csv_from_list

    texts = {
        "IWM": real_file("IWM_holdings_2025-11-05.csv").read_bytes().decode("utf-8-sig"),
        "IVV": real_file("IVV_holdings_2025-11-18.csv").read_bytes().decode("utf-8-sig"),
    }
    ijr = derived_list(real_file("IJR_holdings_derived-portfolio-xray_2025-11.js"))
    for fund, lines in (("IJR", ijr), ("IJS", ijr[::2])):
        text = ishares_csv_from_list(f"iShares {fund}", "Nov 05, 2025", lines).lstrip("\ufeff")
        texts[fund] = _priced(text, 50.0)
    out = {}
    for fund, text in texts.items():
        rows = text.splitlines(keepends=True)
        rows[1] = 'Fund Holdings as of,"{date}"\n'
        out[fund] = "".join(rows)
    return out


def _priced(text: str, price: float) -> str:
    """An iShares file whose equity rows get ``price`` and Quantity = Market Value / price."""
    return _rewrite(text, lambda row: {**row, "Price": f"{price:,.2f}", "Quantity": f"{_number(row['Market Value']) / price:,.2f}"} if row["Asset Class"] == "Equity" else row)


def _scaled(text: str, factor: float) -> str:
    """Prices and market values times ``factor`` (weights unchanged)."""
    def scale(row):
        return {**row, "Price": f"{_number(row['Price']) * factor:,.2f}", "Market Value": f"{_number(row['Market Value']) * factor:,.2f}"}
    return _rewrite(text, scale)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return 0.0


def _rewrite(text: str, change) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].strip(" \xa0\r\n"))
    reader = csv.DictReader(io.StringIO("".join(lines[start:end])))
    out = io.StringIO()
    out.write(",".join(reader.fieldnames) + "\n")  # unquoted, as iShares writes it
    writer = csv.DictWriter(out, reader.fieldnames, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for row in reader:
        writer.writerow(change(row))
    return "".join(lines[:start]) + out.getvalue() + "".join(lines[end:])


def month_factor(month: int) -> float:
    return 0.8 + 0.4 * ((month * 7) % 12) / 11


class DatedIShares:
    """(fund, day) → the fund's synthesised file of that day (every business day has one)."""

    def __init__(self) -> None:
        self.by_month = {fund: {m: _scaled(text, month_factor(m)) for m in range(1, 13)} for fund, text in templates().items()}

    def __call__(self, fund: str, day: dt.date) -> bytes | None:
        if day.weekday() >= 5 or fund not in self.by_month:
            return None
        return ("\ufeff" + self.by_month[fund][day.month].replace("{date}", f"{day:%b %d, %Y}", 1)).encode()


def held_tickers(dated: DatedIShares) -> set[str]:
    from smallcap_screen.sources.issuers.ishares import parse_with_prices

    tickers: set[str] = set()
    for fund in FUNDS:
        holdings, _ = parse_with_prices(dated(fund, dt.date(2025, 11, 5)), fund=fund, source="benchmark")
        tickers |= set(holdings.tickers)
    return tickers


def sec_stand_in(tickers: set[str], first: dt.date, last: dt.date, latency: float, facts_bytes: int, index_filler: int):
    """The stand-in SEC, making each document when it is asked for (nothing big held in memory)."""
    from tests.standins.sec import SecStandIn
    from tests.standins.sec_documents import (
        COMPANY_TICKERS, FIRST_CIK, companyfacts, company_tickers, daily_index, daily_index_path, facts_path, filed_on, quarter_ends, quarter_eps,
    )

    ciks = {t: FIRST_CIK + i for i, t in enumerate(sorted(tickers))}
    ends = quarter_ends(first, last)
    by_day: dict[dt.date, list] = {}
    for ticker, cik in ciks.items():
        for end in ends:
            by_day.setdefault(filed_on(ticker, end), []).append((cik, ticker, "10-K" if end.month == 12 else "10-Q"))
    facts_at = {facts_path(cik): (cik, ticker) for ticker, cik in ciks.items()}
    index_at = {daily_index_path(first + dt.timedelta(days=n)): first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
    fact = {"start": "2020-01-01", "end": "2020-03-31", "val": 123456789, "accn": "0000000000-20-000000", "fy": 2020, "fp": "Q1", "form": "10-Q", "filed": "2020-05-01"}
    filler = json.dumps([fact] * max(0, facts_bytes // (len(json.dumps(fact)) + 1)), separators=(",", ":")).encode()

    class MadeUpSec(SecStandIn):
        def body(self, path: str) -> bytes | None:
            if path == COMPANY_TICKERS:
                return company_tickers(ciks)
            if path in facts_at:
                cik, ticker = facts_at[path]
                document = companyfacts(cik, ticker, [(end, quarter_eps(ticker, end)) for end in ends])
                padding = b',"FillerForSize":{"label":"filler","units":{"USD":' + filler + b"}}"
                return document[:-3] + padding + document[-3:]  # inside "us-gaap", before its closing braces
            if path in index_at and index_at[path].weekday() < 5:
                return daily_index(index_at[path], by_day.get(index_at[path], []), filler=index_filler)
            return None

    return MadeUpSec(latency=latency), ciks


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> None:
    from smallcap_screen.api.backfill import ISSUER_SPACING, backfill, period_dates
    from smallcap_screen.sources.sec.client import SEC_BUDGET
    from smallcap_screen.store import Store
    from tests.helpers import age_cache
    from tests.standins.issuers import IssuerStandIn

    parser = argparse.ArgumentParser()
    parser.add_argument("--every", choices=("month", "week"), default="month")
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--issuer-spacing", type=float, default=ISSUER_SPACING)
    parser.add_argument("--facts-bytes", type=int, default=1_000_000)
    parser.add_argument("--index-filler", type=int, default=4000)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 12, 4))
    args = parser.parse_args()

    dates = period_dates(args.until - dt.timedelta(days=round(365.25 * args.years)), args.until, args.every)
    first_dates, last_date = dates[:-1], dates[-1]
    dated = DatedIShares()
    tickers = held_tickers(dated)
    sec, ciks = sec_stand_in(tickers, dates[0] - dt.timedelta(days=500), args.until + dt.timedelta(days=10), args.latency, args.facts_bytes, args.index_filler)
    print(f"{args.every}ly, {len(first_dates)} dates {first_dates[0]} .. {first_dates[-1]}, then {last_date}; funds {' '.join(FUNDS)}; "
          f"{len(ciks)} companies; latency {args.latency * 1000:.0f} ms; issuer spacing {args.issuer_spacing} s; facts {args.facts_bytes / 1e6:.1f} MB", flush=True)
    with tempfile.TemporaryDirectory() as folder, IssuerStandIn({}, dated=dated, latency=args.latency) as issuer, sec:
        cache, db = Path(folder) / "cache", Path(folder) / "store.sqlite3"
        options = dict(user_agent=AGENT, benchmark="IVV", issuer_spacing=args.issuer_spacing, issuer_url=issuer.url,
                       sec_data_url=sec.url, sec_www_url=sec.url, cache_dir=cache)
        for name, run_dates in (("first run", first_dates), ("re-run, one new " + args.every, [*first_dates, last_date])):
            sec.log.clear()
            issuer.log.clear()
            started = time.perf_counter()
            with Store.open(db) as store:
                run = backfill(list(FUNDS), store=store, dates=run_dates, **options)
                snapshots = len(store.snapshots())
            took = time.perf_counter() - started
            issuer_floor = max(0, run.issuer_requests - 1) * args.issuer_spacing
            sec_floor = max(0, run.sec_requests - 1) / 10
            floor = max(issuer_floor, sec_floor)
            kinds = {k: sum(1 for r in sec.log if k in r.path) for k in ("companyfacts", "daily-index", "company_tickers")}
            print(f"{name}: {len(run.kept)} fund-dates kept, {run.skipped} already done, {len(run.gaps)} gaps, {len(run.failed)} failed; "
                  f"{run.issuer_requests} issuer requests, {run.sec_requests} SEC requests ({kinds['companyfacts']} companyfacts, "
                  f"{kinds['daily-index']} daily indexes, {kinds['company_tickers']} ticker file), {run.sec_bytes / 1e6:,.0f} MB from the SEC; "
                  f"wall {took:.1f} s; floor {floor:.1f} s (issuer {issuer_floor:.1f} s, SEC at 10/s {sec_floor:.1f} s): {took / floor if floor else float('nan'):.2f}x; "
                  f"most SEC requests in one second {sec.most_in_one_second()}; store {store_bytes(db) / 1e6:.1f} MB, {snapshots} snapshots, "
                  f"{store_bytes(db) / max(1, snapshots) / 1e3:.0f} KB per date", flush=True)
            if name == "first run":
                age_cache(cache, dt.datetime.combine(first_dates[-1] + dt.timedelta(days=1), dt.time(12), dt.timezone.utc))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process (backfill and both stand-ins): {peak:.0f} MB; SEC budget {SEC_BUDGET.rate}/s", flush=True)


if __name__ == "__main__":
    main()
