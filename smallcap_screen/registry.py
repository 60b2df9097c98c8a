"""The funds this tool knows, read from the table ``data/funds.csv`` shipped in the package.

One row per fund: ticker, name, issuer (the module in :mod:`smallcap_screen.sources.issuers` that
downloads and parses its files), index, role (``small-cap``, ``mid-cap``, ``large-cap``; large-cap
funds serve as benchmarks), the issuer's own id for the fund (iShares ``239710/ishares-russell-
2000-etf``, WisdomTree ``equity/des``; empty where the ticker is enough) and space-separated index
aliases (``RUT R2000``). Adding a fund is adding a row; adding an issuer is a row plus one module.

Any other US fund is known by its ticker alone (:func:`nport_fund`): its holdings come from the
portfolio it files with the SEC on Form N-PORT, which needs the network (the SEC's fund list
says whether the ticker is a fund at all).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from .errors import DataError, UnknownFundError, printable

FUNDS_FILE = "funds.csv"
COLUMNS = ("ticker", "name", "issuer", "index", "role", "issuer_id", "aliases")
ROLES = ("small-cap", "mid-cap", "large-cap")
#: The ``issuer`` of a fund outside the table: its holdings come from its SEC N-PORT filings.
NPORT_ISSUER = "sec-nport"
#: What can be a US fund ticker (VSMAX, AVUV, BRK.B-style classes are not fund tickers).
_FUND_TICKER = re.compile(r"^[A-Z]{1,6}$")


@dataclass(frozen=True)
class Fund:
    ticker: str
    name: str
    issuer: str
    index: str
    role: str
    issuer_id: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def from_nport(self) -> bool:
        """A fund outside the table, whose holdings only N-PORT gives."""
        return self.issuer == NPORT_ISSUER


class Registry:
    """Funds by ticker, and the index aliases that name them (``RUT`` → IWM)."""

    def __init__(self, funds: list[Fund]) -> None:
        self.funds: dict[str, Fund] = {f.ticker: f for f in funds}
        self.aliases: dict[str, str] = {}
        for fund in funds:
            for alias in fund.aliases:
                owner = self.aliases.setdefault(alias, fund.ticker)
                if owner != fund.ticker or alias in self.funds:
                    raise DataError(f"fund table: alias {alias} names both {owner} and {fund.ticker}; make it unique")

    @classmethod
    def from_csv(cls, text: str, *, source: str = FUNDS_FILE) -> "Registry":
        """Read a fund table (columns ``COLUMNS``); DataError naming the line of a bad row."""
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{source} lacks columns {', '.join(missing)}")
        funds = []
        for line, row in enumerate(reader, start=2):
            values = {k: (row.get(k) or "").strip() for k in COLUMNS}
            if not values["ticker"] or not values["issuer"] or values["role"] not in ROLES:
                raise DataError(f"{source} line {line}: a fund needs a ticker, an issuer and a role out of {', '.join(ROLES)}")
            funds.append(Fund(**{**values, "ticker": values["ticker"].upper(), "aliases": tuple(values["aliases"].upper().split())}))
        return cls(funds)

    def get(self, name: str, *, nport: bool = False) -> Fund:
        """A fund by ticker or index alias (any case). Any other fund-like ticker is, with
        ``nport``, a fund whose holdings come from N-PORT (:func:`nport_fund`; whether the SEC
        lists it is found out when its holdings are fetched), else UnknownFundError naming the
        known funds and saying that N-PORT needs the network."""
        key = name.strip().upper()
        fund = self.funds.get(key) or self.funds.get(self.aliases.get(key, ""))
        if fund is None and nport and _FUND_TICKER.match(key):
            return nport_fund(key)
        if fund is None:
            other = (
                "; other US fund tickers get their holdings from SEC N-PORT, which needs the network (drop --offline)"
                if _FUND_TICKER.match(key) else "; or pass a holdings file path"
            )
            raise UnknownFundError(
                f"unknown fund {printable(name)!r}: known funds are {', '.join(self.funds)} (and index names such as "
                f"{', '.join(list(self.aliases)[:4])}){other} (see `smallcap-screen funds`)"
            )
        return fund

    def knows(self, name: str) -> bool:
        key = name.strip().upper()
        return key in self.funds or key in self.aliases

    def by_name(self, fund_name: str) -> str:
        """The ticker of the fund with this full name ("iShares Russell 2000 ETF" → IWM), else ""."""
        wanted = _plain(fund_name)
        return next((f.ticker for f in self.funds.values() if _plain(f.name) == wanted), "") if wanted else ""


@functools.cache
def registry() -> Registry:
    """The fund table shipped in the package (read once)."""
    text = resources.files("smallcap_screen.data").joinpath(FUNDS_FILE).read_text(encoding="utf-8")
    return Registry.from_csv(text)


def get_fund(name: str, *, nport: bool = False) -> Fund:
    """Look a fund up by ticker or index alias in the shipped table; see :meth:`Registry.get`."""
    return registry().get(name, nport=nport)


def nport_fund(ticker: str) -> Fund:
    """A US fund outside the table, by its ticker: name and index are unknown until its N-PORT
    report names its series."""
    return Fund(ticker=ticker.strip().upper(), name=ticker.strip().upper(), issuer=NPORT_ISSUER, index="", role="")


def _plain(name: str) -> str:
    return " ".join("".join(c if c.isalnum() or c == "&" else " " for c in name.lower()).split())


def __getattr__(name: str):
    if name == "FUNDS":  # the shipped funds by ticker, read on first use
        return registry().funds
    raise AttributeError(name)
