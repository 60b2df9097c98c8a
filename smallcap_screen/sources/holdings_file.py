"""Any holdings file or downloaded body → :class:`Holdings`, choosing the parser by content.

The bytes decide, not the file name: each issuer of the fund table recognises its own files
(:mod:`smallcap_screen.sources.issuers`), an HTML page is an error, a ``window.ETF_HOLDINGS`` assignment is
a derived list, and anything else is read as a user portfolio CSV.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..model import Holdings
from .input_bounds import bounded_text, read_regular_file
from .parsing import decode_text, reject_unusable


def parse_holdings_bytes(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a holdings body of any supported format; ``fund`` overrides what the file says."""
    from .issuers import issuers

    content = bounded_text(content, source or "holdings file")
    reject_unusable(content, source or "holdings file")
    for issuer in issuers():
        if issuer.recognises(content):
            return issuer.parse(content, fund=fund, source=source)
    if "window.ETF_HOLDINGS" in decode_text(content[:8192]):
        from .xray_js import parse_xray_js

        return parse_xray_js(content, fund=fund, source=source)
    from .user_csv import parse_user_csv

    return parse_user_csv(content, fund=fund, source=source)


def read_holdings_file(path: str | Path, *, fund: str | None = None) -> Holdings:
    """Read and parse a holdings file; ``fund`` defaults to what the file says, else its stem upper-cased."""
    path = Path(path)
    content = read_regular_file(path, "holdings file")
    holdings = parse_holdings_bytes(content, fund=fund, source=str(path))
    if not holdings.fund:
        holdings = dataclasses.replace(holdings, fund=path.stem.upper())
    return holdings
