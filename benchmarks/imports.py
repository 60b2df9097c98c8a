"""Twenty weekly imports of the whole-market finviz export: store growth, `history` time, and what
the store keeps, against the targets of issue 19.

    .venv/bin/python benchmarks/imports.py [--export ../shared/data/raw/fundamentals_finviz_2025-08-19.csv]

Each week imports the real export (10,362 rows, ETFs included) with every price moved by a random
walk (3% a week; market caps and P/Es with it), named finviz_<date>.csv so that its date is the file's, as
`smallcap-screen import` is run by hand. Then a partial import (a file pricing IWM's stocks only)
and `compare IWM IJR SPY --offline`.

Targets: `history IWM IJR SPY` < 0.5 s; growth per snapshot x 260 < 60 MB; the README's
`fund_history` SQL returns one row per import and fund; after the partial import IJR and SPY keep
their figures and discounts, each row naming its prices' date.

Measured 2026-12-08 (2-core machine shared with other jobs, load ~12): 2,924 prices kept a week;
204 KB per import = 53.0 MB at 260 weeks (quote 105 KB, quote_eps 74 KB, result 21 KB); before
schema 5 271 KB = 70.5 MB, of which new stock_facts and stock_estimates rows 143 KB, since
finviz's EPS (price / P/E rounded to 2 decimals) moves every week while the rest of a stock's
facts stays. history IWM IJR SPY 0.58 s under that load (0.19-0.30 s on a quiet machine);
fund_history 20 rows per fund; figures identical before and after.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from run import compiled  # noqa: E402  (benchmarks/run.py, beside this script)

WEEKS = 20
FIRST = dt.date(2025, 8, 19)
README_SQL = (
    "SELECT data_date, pe_trailing, round(100 * discount_trailing, 1) AS discount_pct FROM fund_history"
    " WHERE fund = ? AND negative_policy = 'exclude' AND benchmark = 'SPY' ORDER BY data_date"
)


def moved(rows: list[list[str]], header: list[str], factors: np.ndarray) -> str:
    """The export with each row's price, market cap and price ratios (P/E, forward P/E) times its
    factor, to finviz's two decimals: earnings stay, as in a real week (finviz's EPS is price / P/E,
    so its rounding still moves every stock's EPS a little each week)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    moving = [header.index(name) for name in ("Price", "Market Cap", "P/E", "Forward P/E")]
    for row, factor in zip(rows, factors):
        row = list(row)
        for at in moving:
            if row[at]:
                row[at] = f"{float(row[at]) * factor:.2f}"
        writer.writerow(row)
    return out.getvalue()


def smallcap(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smallcap_screen", *args], env=env, capture_output=True, text=True, check=True)


def fastest(args: list[str], env: dict, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        smallcap(*args, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=REPO.parent / "shared" / "data" / "raw" / "fundamentals_finviz_2025-08-19.csv")
    given = parser.parse_args()
    compiled()
    with given.export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rng = np.random.default_rng(2026)
    walk = np.ones(len(rows))
    folder = Path(tempfile.mkdtemp(prefix="imports-benchmark-"))
    env = {**os.environ, "SMALLCAP_SCREEN_DATA_DIR": str(folder / "data")}
    db_path = folder / "data" / "snapshots.sqlite3"
    sizes = []
    for week in range(WEEKS):
        day = FIRST + dt.timedelta(weeks=week)
        walk *= np.exp(rng.normal(0.001, 0.03, len(rows)))
        export = folder / f"finviz_{day.isoformat()}.csv"
        export.write_text(moved(rows, header, walk), encoding="utf-8")
        smallcap("import", str(export), env=env)
        export.unlink()
        sizes.append(db_path.stat().st_size / 1e6)
    growth = (sizes[-1] - sizes[0]) / (WEEKS - 1)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    per_fund = {fund: len(db.execute(README_SQL, (fund,)).fetchall()) for fund in ("IWM", "IJR", "SPY")}
    quotes = db.execute("SELECT COUNT(*) FROM quote WHERE snapshot_id = (SELECT max(id) FROM snapshot)").fetchone()[0]
    tables = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 5").fetchall()
    db.close()
    history_seconds = fastest(["history", "IWM", "IJR", "SPY"], env)
    recomputed = "not stored" in smallcap("history", "IWM", "IJR", "SPY", env=env).stderr

    iwm = {line.split(",")[0].strip('"') for line in smallcap("holdings", "IWM", "--offline", "--top", "0", "-f", "csv", env=env).stdout.splitlines()[1:]}
    ticker = header.index("Ticker")
    partial_rows = [r for r in rows if r[ticker] in iwm]
    for n, row in enumerate(partial_rows, 1):
        row[0] = str(n)
    partial_day = FIRST + dt.timedelta(weeks=WEEKS)
    partial = folder / f"finviz_{partial_day.isoformat()}.csv"
    partial.write_text(moved(partial_rows, header, np.ones(len(partial_rows))), encoding="utf-8")
    smallcap("import", str(partial), env=env)
    offline = {r["fund"]: r for r in json.loads(smallcap("compare", "IWM", "IJR", "SPY", "--offline", "-f", "json", env=env).stdout)}

    print(f"{WEEKS} weekly imports of {given.export.name} ({len(rows):,} rows): {quotes:,} stock prices kept a week")
    print(f"  store {sizes[-1]:.1f} MB; growth {growth * 1000:.0f} KB per import -> {growth * 260:.1f} MB at 260 weeks (target < 60 MB)")
    print("  largest tables per import: " + ", ".join(f"{name} {size / WEEKS / 1000:.0f} KB" for name, size in tables))
    print(f"  history IWM IJR SPY: {history_seconds:.2f} s (target < 0.5 s); figures recomputed: {'yes' if recomputed else 'no'}")
    print(f"  README fund_history SQL rows: {per_fund} (target {WEEKS} each)")
    print("  after a partial import pricing IWM only, compare IWM IJR SPY --offline:")
    for fund, r in offline.items():
        print(f"    {fund}: P/E {r['pe_trailing']}, discount {r['discount_trailing']}, prices of {r['as_of_prices']} ({r['data_source']})")


if __name__ == "__main__":
    main()
