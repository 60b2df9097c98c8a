"""Build the bundled reference snapshot from the real issuer downloads and a finviz export.

The raw files are not part of the project; ``build_reference`` reads them, keeps only the facts
the metrics need (holdings weights, and price and earnings of every stock of the export, so any
fund file or portfolio a user brings is priced offline too) and returns a Snapshot that
``tools/build_reference.py`` writes into ``data/reference``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .model import Fundamentals
from .snapshot import Snapshot


@dataclass(frozen=True)
class ReferenceFile:
    fund: str
    file_name: str


HOLDINGS_FILES = [
    ReferenceFile("IWM", "IWM_holdings_2025-11-05.csv"),
    ReferenceFile("IVV", "IVV_holdings_2025-11-18.csv"),
    ReferenceFile("SPY", "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx"),
    # Derived from the iShares IJR and Vanguard VB downloads of the same run as the IVV/SPY files
    # (about 2025-11-18; Vanguard's data is usually month-end, so VB may be as of 2025-10-31). They
    # state no date, so their holdings have none (as_of_holdings null): the file names give a month.
    ReferenceFile("IJR", "IJR_holdings_derived-portfolio-xray_2025-11.js"),
    ReferenceFile("VB", "VB_holdings_derived-portfolio-xray_2025-11.js"),
]
FUNDAMENTALS_FILE = "fundamentals_finviz_2025-08-19.csv"
FUNDAMENTALS_AS_OF = dt.date(2025, 8, 19)
ETF_INDUSTRY = "Exchange Traded Fund"
LABEL = "bundled reference snapshot"


def read_reference_fundamentals(raw_dir: Path) -> Fundamentals:
    from .sources.fundamentals_file import parse_finviz_csv

    path = Path(raw_dir) / FUNDAMENTALS_FILE
    return parse_finviz_csv(_read(path), as_of=FUNDAMENTALS_AS_OF, source=f"finviz screener export {FUNDAMENTALS_FILE}")


def build_reference(raw_dir: Path, *, created: dt.datetime | None = None) -> Snapshot:
    """Parse the reference files in ``raw_dir`` into a snapshot: the funds' holdings, priced by
    the whole export: every stock, held or not (ETFs are left out unless a fund holds one: finviz
    gives them no earnings, and they are not what a fund's P/E is made of)."""
    from .sources.holdings_file import parse_holdings_bytes

    raw_dir = Path(raw_dir)
    fundamentals = read_reference_fundamentals(raw_dir)
    holdings = {}
    for ref in HOLDINGS_FILES:
        holdings[ref.fund] = parse_holdings_bytes(_read(raw_dir / ref.file_name), fund=ref.fund, source=f"file {ref.file_name}")
    held = {t for h in holdings.values() for t in h.tickers}
    drop = _exchange_traded_funds(raw_dir) - held
    table = fundamentals.table[~fundamentals.table.index.isin(drop)]
    stocks = dataclasses.replace(fundamentals, table=table)
    return Snapshot(holdings, stocks, created or dt.datetime.now(dt.timezone.utc), LABEL)


def _exchange_traded_funds(raw_dir: Path) -> set[str]:
    """The export's tickers whose finviz industry is "Exchange Traded Fund" (4,455 of 10,362)."""
    from .sources.fundamentals_file import read_fundamentals_table

    table = read_fundamentals_table(_read(Path(raw_dir) / FUNDAMENTALS_FILE), FUNDAMENTALS_FILE)
    return set(table.loc[table["Industry"] == ETF_INDUSTRY, "Ticker"].astype(str).str.strip().str.upper())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read reference file {path}: {exc.strerror}; pass the folder holding the raw downloads") from exc


def bundled_funds() -> set[str]:
    """The funds the bundled reference snapshot holds, read from its manifest alone (quick)."""
    import json
    from importlib.resources import files

    manifest = files("smallcap_screen.data").joinpath("reference", "manifest.json").read_text(encoding="utf-8")
    return set(json.loads(manifest)["funds"])
