"""Five years of weekly history: store size, `history` and `history --plot` time, against targets.

    .venv/bin/python benchmarks/history.py              # build the store (a few minutes), then measure
    .venv/bin/python benchmarks/history.py --db X.db    # keep / reuse the store at X.db

The store holds 260 weekly snapshots of IWM, IJR, IJS and SPY with all their holdings (~3,400
lines and ~2,500 priced stocks a week), built from the bundled reference snapshot (IJS: every
other IJR line, as the stand-in internet serves it) with the changes real weeks bring, so that
nothing is shared by accident:
- every price moves (a random walk, 3% a week), market values and weights move with it, and
  ~2% of holdings lines change their share counts; holdings are dated each week;
- 1/13 of stocks report new trailing EPS each week, 25% see a forward (FY1/FY2) revision, and
  book value and sales change on report weeks; market caps follow the prices.
Each snapshot is kept as `snapshot` keeps it (``take_snapshot`` given the week's data in place
of a download): inputs plus figures under both policies vs SPY, the store compacted whenever
more than 1% of it is loose.

Targets (issue 6): `history` < 1 s, the database < 60 MB, `history --plot` < 3 s. The size is
given as the weekly runs left it, and after `snapshots prune` (which keeps all 260 weeks here)
has compacted the file in full.

Measured 2026-12-08 with schema 5 (quote_eps) on the shared 2-core machine under load: 58.4 MB as
the weekly runs left it (46.7-58.4 MB over the fifth year; holding 23.3, quote 21.6, result 4.3,
estimates 4.2, facts 2.95 with schema 4's dividend yields, quote_eps 0.1 MB for the 3,959 stocks
whose EPS moved two weeks running), 57.7 MB compacted; history 0.22-0.73 s, --plot 1.0-2.5 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smallcap_screen.api.keep import take_snapshot  # noqa: E402
from smallcap_screen.model import Fundamentals, Holdings  # noqa: E402
from smallcap_screen.snapshot import Snapshot  # noqa: E402
from smallcap_screen.store.folder import bundled_snapshot  # noqa: E402
from smallcap_screen.store import Store  # noqa: E402

from run import compiled  # noqa: E402  (benchmarks/run.py, beside this script)

WEEKS = 260
FUNDS = ["IWM", "IJR", "IJS", "SPY"]
FIRST_FRIDAY = dt.date(2021, 1, 1)


def base_holdings(reference: Snapshot) -> dict[str, Holdings]:
    ijr = reference.holdings["IJR"]
    ijs = dataclasses.replace(ijr, fund="IJS", equities=ijr.equities.iloc[::2].reset_index(drop=True), fund_name="iShares S&P Small-Cap 600 Value ETF")
    return {"IWM": reference.holdings["IWM"], "IJR": ijr, "IJS": ijs, "SPY": reference.holdings["SPY"]}


def build(path: Path) -> list[float]:
    """Store the weeks; the store's size in MB after each week's run (as its file is once the run
    has ended and SQLite folded the write-ahead log in)."""
    rng = np.random.default_rng(2026)
    reference = bundled_snapshot()
    holdings = base_holdings(reference)
    held = sorted({t for h in holdings.values() for t in h.tickers} & set(reference.fundamentals.table.index))
    facts = reference.fundamentals.table.loc[held].copy()
    facts["eps_fy1"] = facts["eps_trailing"] * 1.05
    price = facts["price"].to_numpy().copy()
    # Share counts per holdings line: given (IWM, SPY) or implied by weight and price (IJR, IJS).
    lines = {}
    for fund, h in holdings.items():
        frame = h.equities.copy()
        p = frame["ticker"].map(facts["price"]).fillna(10.0).to_numpy()
        if frame["shares"].isna().all():
            frame["shares"] = np.round(frame["weight"].to_numpy() * 5e9 / p)
        lines[fund] = frame
    sizes: list[float] = []
    with Store.open(path) as store:
        for week in range(WEEKS):
            day = FIRST_FRIDAY + dt.timedelta(weeks=week)
            price = np.round(price * np.exp(rng.normal(0.001, 0.03, len(price))), 2)
            facts["price"] = price
            facts["market_cap"] = np.round(price * facts["shares"].to_numpy(), -3)
            reports = rng.random(len(facts)) < 1 / 13
            for column in ("eps_trailing", "book_per_share", "sales"):
                facts.loc[reports, column] = np.round(facts.loc[reports, column] * (1 + rng.normal(0.01, 0.08, reports.sum())), 4)
            revised = rng.random(len(facts)) < 0.25
            for column in ("eps_forward", "eps_fy1"):
                facts.loc[revised, column] = np.round(facts.loc[revised, column] * (1 + rng.normal(0, 0.02, revised.sum())), 2)
            by_ticker = facts["price"]
            week_holdings = {}
            for fund, frame in lines.items():
                changed = rng.random(len(frame)) < 0.02
                frame.loc[changed, "shares"] = np.round(frame.loc[changed, "shares"] * rng.uniform(0.9, 1.1, changed.sum()))
                value = frame["shares"].to_numpy() * frame["ticker"].map(by_ticker).fillna(10.0).to_numpy()
                equities = frame.copy()
                if fund == "SPY":  # SSGA publishes weights, no market values
                    equities["weight"] = value / value.sum()
                else:  # iShares: market values to the cent, weights computed from them (as the parser does)
                    equities["market_value"] = np.round(value, 2)
                    equities["weight"] = equities["market_value"] / equities["market_value"].sum()
                week_holdings[fund] = dataclasses.replace(holdings[fund], equities=equities, as_of=day - dt.timedelta(days=1))
            fundamentals = Fundamentals(facts.copy(), day, "Yahoo Finance v7 quotes (benchmark walk)", "FY2")
            snapshot = Snapshot(week_holdings, fundamentals, dt.datetime.combine(day, dt.time(22), dt.timezone.utc), f"benchmark week {week + 1}")
            take_snapshot(FUNDS, store=store, benchmark="SPY", fetch=lambda funds, files, snapshot=snapshot: snapshot)
            sizes.append(_pages_mb(store))
            if week % 26 == 25:
                print(f"  {week + 1} weeks stored ({sizes[-1]:.1f} MB)", flush=True)
    import sqlite3

    with sqlite3.connect(path) as db:  # fold the write-ahead log into the file before measuring it
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sizes


def _pages_mb(store: Store) -> float:
    import sqlite3

    with sqlite3.connect(store.path) as db:
        return db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0] / 1e6


def fastest(command: list[str], env: dict, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
    return min(times)


def weekly_store(description: str, prefix: str) -> tuple[tempfile.TemporaryDirectory, Path]:
    """The benchmark's store: ``--db`` if given (built there when absent), else a temporary one
    built now; returned with the temporary folder, which lives as long as the caller keeps it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", type=Path, help="store to build (if absent) and measure; default: a temporary one")
    args = parser.parse_args()
    compiled()
    folder = tempfile.TemporaryDirectory(prefix=prefix)
    path = args.db or Path(folder.name) / "snapshots.sqlite3"
    if not path.exists():
        start = time.perf_counter()
        print(f"building {WEEKS} weekly snapshots of {', '.join(FUNDS)} in {path} ...", flush=True)
        sizes = build(path)
        print(f"  built in {time.perf_counter() - start:.0f} s; after each weekly run of the fifth year the store was"
              f" {min(sizes[-52:]):.1f}-{max(sizes[-52:]):.1f} MB")
    return folder, path


def main() -> None:
    folder, path = weekly_store(__doc__.splitlines()[0], "history-bench-")
    with Store.open(path) as store:
        infos = store.snapshots()
        lines = sum(f.lines for i in infos for f in i.funds)
        stocks = sum(i.stocks for i in infos)
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    env = {**os.environ, "SMALLCAP_SCREEN_DB": str(path), "COLUMNS": "80"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "smallcap_screen", "snapshots", "prune", "--keep-weekly", str(WEEKS)], env=env, check=True, capture_output=True)
    compact_seconds = time.perf_counter() - start
    compacted = path.stat().st_size / 1e6
    cli = [sys.executable, "-m", "smallcap_screen"]
    history = fastest([*cli, "history"], env)
    table = fastest([*cli, "history", "--table", "-f", "csv"], env)
    chart = Path(folder.name) / "history.png"
    plot = fastest([*cli, "history", "--plot", str(chart), "--quiet"], env, runs=3)
    print(f"store: {len(infos)} snapshots, {lines:,} holdings lines, {stocks:,} priced stocks")
    print(f"{'measure':<42}{'target':>10}{'measured':>12}")
    for name, target, value, unit in (
        ("database size as the weekly runs left it", "< 60", size, "MB"),
        (f"... after `snapshots prune` compacts ({compact_seconds:.0f} s)", "< 60", compacted, "MB"),
        ("history (summary table), fastest of 5", "< 1", history, "s"),
        ("history --table -f csv, fastest of 5", "-", table, "s"),
        ("history --plot PNG, fastest of 3", "< 3", plot, "s"),
    ):
        print(f"{name:<42}{target + ' ' + unit if target != '-' else '-':>10}{value:>10.2f} {unit}")


if __name__ == "__main__":
    main()
