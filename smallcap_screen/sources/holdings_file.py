"""Any holdings file or downloaded body → :class:`Holdings`, choosing the parser by content.

The bytes decide, not the file name: an xlsx workbook (zip magic ``PK``) is SSGA's, a preamble
with ``Fund Holdings as of`` or a ``Ticker,...,Asset Class`` header is iShares', a
``window.ETF_HOLDINGS`` assignment is a derived list, an HTML page is an error, and anything
else is read as a user portfolio CSV.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import DataError
from ..model import Holdings
from .ishares import parse_ishares_csv
from .parsing import decode_text, reject_unusable
from .ssga import parse_ssga_xlsx
from .user_csv import parse_user_csv
from .xray_js import parse_xray_js

ZIP_MAGIC = b"PK\x03\x04"


def parse_holdings_bytes(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a holdings body of any supported format; ``fund`` overrides what the file says."""
    if content.startswith(ZIP_MAGIC):
        return parse_ssga_xlsx(content, fund=fund, source=source)
    reject_unusable(content, source or "holdings file")
    head = decode_text(content[:8192])
    if "window.ETF_HOLDINGS" in head:
        return parse_xray_js(content, fund=fund, source=source)
    if _is_ishares(head):
        return parse_ishares_csv(content, fund=fund, source=source)
    return parse_user_csv(content, fund=fund, source=source)


def read_holdings_file(path: str | Path, *, fund: str | None = None) -> Holdings:
    """Read and parse a holdings file; ``fund`` defaults to what the file says, else its stem upper-cased."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DataError(f"cannot read holdings file {path}: {error.strerror or error}") from None
    holdings = parse_holdings_bytes(content, fund=fund, source=str(path))
    if not holdings.fund:
        holdings = dataclasses.replace(holdings, fund=path.stem.upper())
    return holdings


def _is_ishares(head: str) -> bool:
    lines = head.splitlines()[:40]
    return any(line.startswith("Fund Holdings as of,") for line in lines) or any(
        line.startswith("Ticker,") and "Asset Class" in line for line in lines
    )
