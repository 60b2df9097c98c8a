"""``smallcap-screen import``: a snapshot priced by the user's own fundamentals export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .app import app
from .environment import Environment
from .options import StoreOptions, parse_date, with_environment


@app.command("import")
@with_environment(StoreOptions)
def import_export(
    env: Environment,
    export: Annotated[
        Path,
        typer.Argument(
            help="A finviz screener export, or a CSV with ticker, price, eps_trailing columns (optional eps_forward, "
            "eps_fy1, book_per_share, shares, market_cap, sector; Symbol, Price, Earnings/Share ... are understood too)."
        ),
    ],
    holdings_files: Annotated[List[Path], typer.Option("--holdings", help="A holdings file to price (repeatable); by default the funds of the newest snapshot.")] = [],  # noqa: B006 - typer's spelling of an empty default
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date of the export's prices, YYYY-MM-DD; needed when neither a Date column nor the file name states it.")] = None,
    *,
    store_options: StoreOptions,
) -> None:
    """Keep a snapshot priced by your own fundamentals export; `compare --offline` then uses it.

    Funds the export prices less than 90% of (by weight) are left out, with a note, and keep
    their earlier prices. A cut-off export, or one without a usable row, is refused (exit 3).

    Examples:

      smallcap-screen import finviz_2025-08-19.csv --holdings IWM_holdings.csv

      smallcap-screen import sp500.csv --as-of 2026-05-14
    """
    from ..api.keep import import_export as run_import

    date = parse_date(as_of, "--as-of")
    with env.open_store(store_options) as store:
        run = run_import(export, store=store, holdings_files=holdings_files, as_of=date, benchmark=env.benchmark(None))
    imported = run.imported
    funds = ", ".join(f"{f} {len(h.equities)} ({imported.coverage[f]:.0%} priced)" for f, h in imported.snapshot.holdings.items())
    for note in imported.provenance.notes:
        env.say(note)
    env.say(f"{run.outcome}: {funds}; prices of {len(imported.snapshot.fundamentals.table):,} stocks as of {imported.snapshot.fundamentals.as_of}")
