"""Snapshots from files a user already has: a finviz screener export, and holdings files.

For anyone whose prices come from finviz rather than Yahoo: the export supplies price and
earnings per stock, holdings come from the files given, else from the newest local snapshot
(or the bundled one), and the result is kept in the store like any live snapshot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

from .snapshot import Snapshot, snapshot_of


def snapshot_from_finviz(
    finviz_csv: Path,
    *,
    holdings_files: Sequence[Path] = (),
    base: Snapshot,
    as_of: dt.date | None = None,
) -> Snapshot:
    """A snapshot of ``base``'s holdings (replaced or extended by ``holdings_files``) priced by
    the finviz export. ``as_of`` defaults to the export file's modification date."""
    from .sources.finviz import parse_finviz_csv
    from .sources.holdings_file import read_holdings_file

    from .sources.input_bounds import read_regular_file

    finviz_csv = Path(finviz_csv)
    content = read_regular_file(finviz_csv, "finviz export")
    as_of = as_of or dt.date.fromtimestamp(finviz_csv.stat().st_mtime)
    fundamentals = parse_finviz_csv(content, as_of=as_of, source=f"finviz export {finviz_csv.name}")
    holdings = dict(base.holdings)
    for path in holdings_files:
        parsed = read_holdings_file(path)
        holdings[parsed.fund] = parsed
    return snapshot_of(holdings, fundamentals, f"finviz import {finviz_csv.name}")
