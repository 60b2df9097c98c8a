"""Build the bundled reference snapshot from the real issuer downloads and a finviz export.

The raw files are not part of the project; ``build_reference`` reads them, keeps only the facts
the metrics need (holdings weights, and the price and earnings of held stocks) and returns a
Snapshot that ``smallcap-screen reference build`` writes into ``data/reference``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .model import Fundamentals
from .snapshot import Snapshot, snapshot_of


@dataclass(frozen=True)
class ReferenceFile:
    fund: str
    file_name: str
    kind: str  # "ishares", "ssga" or "xray"
    as_of: dt.date | None = None  # for files that do not state their date


HOLDINGS_FILES = [
    ReferenceFile("IWM", "IWM_holdings_2025-11-05.csv", "ishares"),
    ReferenceFile("IVV", "IVV_holdings_2025-11-18.csv", "ishares"),
    ReferenceFile("SPY", "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx", "ssga"),
    # Derived from the iShares IJR download of the same run as the IVV/SPY files (about 2025-11-18).
    ReferenceFile("IJR", "IJR_holdings_derived-portfolio-xray_2025-11.js", "xray", dt.date(2025, 11, 18)),
]
FUNDAMENTALS_FILE = "fundamentals_finviz_2025-08-19.csv"
FUNDAMENTALS_AS_OF = dt.date(2025, 8, 19)
LABEL = "bundled reference snapshot"


def read_reference_fundamentals(raw_dir: Path) -> Fundamentals:
    from .sources.finviz import parse_finviz_csv

    path = Path(raw_dir) / FUNDAMENTALS_FILE
    return parse_finviz_csv(_read(path), as_of=FUNDAMENTALS_AS_OF, source=f"finviz screener export {FUNDAMENTALS_FILE}")


def build_reference(raw_dir: Path, *, created: dt.datetime | None = None) -> Snapshot:
    """Parse the reference files in ``raw_dir`` into a snapshot holding only what the funds need."""
    from .sources.ishares import parse_ishares_csv
    from .sources.ssga import parse_ssga_xlsx
    from .sources.xray_js import parse_xray_js

    raw_dir = Path(raw_dir)
    fundamentals = read_reference_fundamentals(raw_dir)
    holdings = {}
    for ref in HOLDINGS_FILES:
        content = _read(raw_dir / ref.file_name)
        source = f"{ref.kind} file {ref.file_name}"
        if ref.kind == "ishares":
            parsed = parse_ishares_csv(content, fund=ref.fund, source=source)
        elif ref.kind == "ssga":
            parsed = parse_ssga_xlsx(content, fund=ref.fund, source=source)
        else:
            parsed = parse_xray_js(content, fund=ref.fund, source=source, as_of=ref.as_of)
        holdings[ref.fund] = parsed
    return snapshot_of(holdings, fundamentals, LABEL, created=created)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read reference file {path}: {exc.strerror}; pass the folder holding the raw downloads") from exc
