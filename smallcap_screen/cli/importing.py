"""``smallcap-screen import``: a snapshot priced by the user's own fundamentals export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .app import app
from .emit import stderr
from .options import DataDirOption


@app.command("import")
def import_finviz(
    finviz_csv: Annotated[Path, typer.Argument(help="A finviz screener export (CSV with Ticker, Price, P/E, Forward P/E, EPS (ttm) ...).")],
    holdings_files: Annotated[List[Path], typer.Option("--holdings", help="A holdings file to price (repeatable); by default the funds of the newest snapshot.")] = [],  # noqa: B006 - typer's spelling of an empty default
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date of the export's prices, YYYY-MM-DD (default: the file's date).")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Keep a snapshot priced by your own finviz export; `compare --offline` then uses it.

    Example: smallcap-screen import finviz.csv --holdings IWM_holdings.csv --as-of 2025-08-19
    """
    import datetime as dt

    from ..comparison import offline_snapshot
    from ..importing import snapshot_from_finviz
    from ..store import Store

    try:
        date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date like 2025-08-19", param_hint="--as-of") from None
    store = Store.open(data_dir)
    snapshot = snapshot_from_finviz(finviz_csv, holdings_files=holdings_files, base=offline_snapshot(store), as_of=date)
    path = store.save(snapshot)
    funds = ", ".join(f"{f} {len(h.equities)}" for f, h in snapshot.holdings.items())
    stderr(f"kept {path.name}: {funds} holdings priced by {len(snapshot.fundamentals.table):,} stocks of {finviz_csv.name}")
