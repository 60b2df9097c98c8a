"""smallcap-screen: fund P/E computed bottom-up from full ETF holdings, and the small-cap discount.

The Python API mirrors the command line::

    from smallcap_screen import Method, compare
    result = compare(["IWM", "IJR", "IJS", "SPY"], Method(benchmark="SPY", negative="exclude"), data="offline")
    result.records()          # the rows of `smallcap-screen compare --format json`

Names are imported lazily so that `smallcap-screen --help` does not pay for pandas.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "Method": "method",
    "Provenance": "method",
    "FallbackWarning": "method",
    "compare": "api.compare",
    "Comparison": "api.compare",
    "breakdown": "api.holdings",
    "history": "api.history",
    "report": "api.report",
    "Report": "api.report",
    "holdings_history": "api.history",
    "take_snapshot": "api.keep",
    "import_export": "api.keep",
    "snapshot_from_export": "api.keep",
    "offline_snapshot": "api.data",
    "load_funds": "api.data",
    "screen": "api.screen",
    "sectors": "api.screen",
    "explain": "api.screen",
    "Criteria": "api.screen",
    "fund_valuation": "metrics",
    "harmonic_pe": "metrics",
    "FundValuation": "metrics",
    "Holdings": "model",
    "Fundamentals": "model",
    "Snapshot": "snapshot",
    "bundled_snapshot": "store.folder",
    "read_snapshot": "store.folder",
    "Store": "store",
    "FUNDS": "registry",
    "get_fund": "registry",
    "fund_catalog": "catalog",
    "read_holdings_file": "sources.holdings_file",
    "parse_finviz_csv": "sources.fundamentals_file",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'smallcap_screen' has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
