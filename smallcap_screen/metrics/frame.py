"""Holdings joined to per-stock fundamentals: the one frame every metric reads.

``join`` looks each holding up in the fundamentals once, chooses its weights (see weighting.py)
and turns EPS into earnings yields (E/P) per horizon, setting values it cannot trust to NaN:

- a price <= 0 or missing;
- an earnings yield (trailing, FY1 or FY2) outside EARNINGS_YIELD_BAND (a P/E under 1, or a yearly
  loss over ten times the share price: EPS not adjusted after a reverse split, e.g. -1006 on a $38
  stock), a book yield outside BOOK_YIELD_BAND or a sales yield outside SALES_YIELD_BAND; such a
  holding is marked ``implausible`` (fund figures count its weight);
- holdings whose fundamentals carry flags (absurd values an importer found) are marked
  ``flagged``: fund figures set them aside, the screener shows them with their flags.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..model import Fundamentals, Holdings
from ..vocabulary import FORWARDS
from .weighting import Weighting, check_weighting, price_date_weighting

#: Earnings yields outside this band are taken for data errors and the holding is left out of that
#: horizon rather than trusted. Distressed small caps do lose more than their share price in a
#: year (E/P of -1 to -8 is common in the Russell 2000), so the lower bound is wide.
EARNINGS_YIELD_BAND = (-10.0, 1.0)

#: Book value per share over price (B/P) outside this band is a data error: a P/B under 0.1, or a
#: negative book ten times the share price (FLY's -61,020 a share at $48.62). Negative book inside
#: it is real (buybacks, losses) and left out of P/B by the P/B's own rule, not as an error.
BOOK_YIELD_BAND = (-10.0, 10.0)
#: Sales over market value (S/P) outside this band is a data error: negative sales, or a P/S under
#: 0.02 (the lowest real ones held, distributors and traders such as StoneX, are about 0.035).
SALES_YIELD_BAND = (0.0, 50.0)

#: ``--forward`` (vocabulary.FORWARDS): fy1 reads ``eps_fy1``, fy2 the source's ``eps_forward``,
#: ntm blends the two by each company's fiscal calendar (:func:`ntm_share_of_fy1`).
Forward = Literal["fy1", "fy2", "ntm"]

#: One spelling per GICS sector: iShares writes "Communication" in some files and
#: "Communication Services" in others; SSGA leaves the sector out ("-").
SECTOR_SPELLINGS = {"Communication": "Communication Services", "-": "", "nan": ""}
UNKNOWN_SECTOR = "Unknown"


@dataclass(frozen=True)
class Joined:
    """A fund's holdings with weights, prices and earnings yields; see :func:`join`.

    ``weighting`` is the weighting the ``weight`` column really has (``holdings-date`` when
    ``price-date`` was asked for but the issuer gave no share counts). ``forward`` is the horizon
    of the ``*_forward`` columns; ``horizon_labels`` names each horizon (fy2: the source's
    ``forward_horizon``). ``losses_reported`` is False for a horizon when the data has not a
    single negative estimate for it while trailing loss-makers lack one: the source evidently
    cannot report them (finviz leaves Forward P/E blank for them), so no figure of that horizon
    can claim to include losses.
    """

    fund: str
    frame: pd.DataFrame
    weighting: str
    forward: str
    horizon_labels: dict[str, str]
    losses_reported: dict[str, bool]

    @property
    def forward_horizon(self) -> str:
        return self.horizon_labels[self.forward]

    @property
    def forward_losses_reported(self) -> bool:
        return self.losses_reported[self.forward]


def join(
    holdings: Holdings, fundamentals: Fundamentals, *, weighting: Weighting = "price-date", forward: Forward = "fy2"
) -> Joined:
    """Holdings joined to fundamentals; one row per holding, in the holdings' order.

    Columns: ticker, name, sector (one spelling, "Unknown" when the issuer gives none), weight
    (the chosen weighting), weight_holdings_date, weight_price_date (NaN without share counts),
    corporate_action (what put the holding on the price date's share basis, "" mostly),
    known (has a fundamentals row), flagged, flags, price, market_cap, eps_trailing, eps_fy1,
    eps_fy2, eps_ntm (see :func:`ntm_share_of_fy1`), eps_forward (the chosen horizon),
    yield_trailing, yield_fy1, yield_fy2, yield_ntm, yield_forward, book_yield (B/P), sales_yield
    (sales / market cap, else / price x shares), implausible (some per-share input outside its
    band, set to NaN), fiscal_year_end, ntm_share_fy1 (FY1's weight in NTM), dividend_yield.
    """
    check_weighting(weighting)
    check_forward(forward)
    table = fundamentals.table
    if not table.index.is_unique:
        table = table[~table.index.duplicated()]
    equities = holdings.equities
    at = table.index.get_indexer(equities["ticker"])  # -1: no fundamentals for it
    known = at >= 0

    def column(name: str) -> np.ndarray:
        values = np.full(len(at), np.nan)
        values[known] = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype="float64")[at[known]]
        return values

    price = column("price")
    price[~(price > 0)] = np.nan
    eps = {"eps_trailing": column("eps_trailing"), "eps_fy1": column("eps_fy1"), "eps_fy2": column("eps_forward")}
    fiscal_year_end = np.full(len(at), "", dtype=object)
    ends = table["fiscal_year_end"].to_numpy(dtype=object)[at[known]]  # float NaN where unknown
    fiscal_year_end[known] = np.where(pd.isna(ends), "", ends.astype(str))
    share_fy1 = ntm_share_of_fy1(fiscal_year_end, fundamentals.as_of)
    eps["eps_ntm"] = share_fy1 * eps["eps_fy1"] + (1.0 - share_fy1) * eps["eps_fy2"]
    implausible = np.zeros(len(at), dtype=bool)

    def plausible(values: np.ndarray, band: tuple[float, float]) -> np.ndarray:
        """``values`` with those outside ``band`` set to NaN and marked implausible."""
        out = ~((values >= band[0]) & (values <= band[1])) & np.isfinite(values)
        implausible[out] = True
        return np.where(out, np.nan, values)

    yields = {name.replace("eps_", "yield_"): plausible(values / price, EARNINGS_YIELD_BAND) for name, values in eps.items()}
    market_cap = column("market_cap")
    value = np.where(market_cap > 0, market_cap, column("shares") * price)
    sales_yield = plausible(column("sales") / value, SALES_YIELD_BAND)
    book_yield = plausible(column("book_per_share") / price, BOOK_YIELD_BAND)
    flags = np.full(len(at), "", dtype=object)
    flags[known] = table["flags"].fillna("").to_numpy(dtype=object)[at[known]]

    holdings_date = equities["weight"].to_numpy(dtype="float64")
    shares = pd.to_numeric(equities["shares"], errors="coerce").to_numpy(dtype="float64")
    later = None
    if holdings.as_of and fundamentals.as_of and holdings.as_of != fundamentals.as_of:
        later = holdings.as_of > fundamentals.as_of
    priced, basis = price_date_weighting(holdings_date, shares, price, column("shares"), holdings_later=later)
    used = "price-date" if weighting == "price-date" and priced is not None else "holdings-date"
    chosen = f"_{forward}"
    frame = pd.DataFrame(
        {
            "ticker": equities["ticker"].to_numpy(),
            "name": equities["name"].to_numpy(),
            "sector": normalise_sectors(equities["sector"]),
            "weight": priced if used == "price-date" else holdings_date,
            "weight_holdings_date": holdings_date,
            "weight_price_date": priced if priced is not None else np.full(len(at), np.nan),
            "corporate_action": basis.actions,
            "known": known,
            "flagged": flags != "",
            "flags": flags,
            "price": price,
            "market_cap": market_cap,
            **eps,
            "eps_forward": eps[f"eps{chosen}"],
            **yields,
            "yield_forward": yields[f"yield{chosen}"],
            "book_yield": book_yield,
            "sales_yield": sales_yield,
            "implausible": implausible,
            "fiscal_year_end": fiscal_year_end,
            "ntm_share_fy1": share_fy1,
            "dividend_yield": column("dividend_yield"),
        },
        index=equities.index,
    )
    labels = {h: horizon_label(h, fundamentals) for h in FORWARDS}
    reported = {"fy1": forward_losses_reported(table, "eps_fy1"), "fy2": forward_losses_reported(table, "eps_forward")}
    reported["ntm"] = reported["fy1"] and reported["fy2"]
    return Joined(holdings.fund, frame, used, forward, labels, reported)


def horizon_label(forward: Forward, fundamentals: Fundamentals) -> str:
    """The name of a ``--forward`` choice in this data: FY1, NTM, or what the source's eps_forward is."""
    return {"fy1": "FY1", "ntm": "NTM"}.get(forward, fundamentals.forward_horizon)


def ntm_share_of_fy1(fiscal_year_end: np.ndarray, price_date) -> np.ndarray:
    """Per company, the share of its current fiscal year still ahead on ``price_date``: the weight
    of FY1 in the next twelve months (FactSet's and Yardeni's blend w * FY1 + (1 - w) * FY2).

    ``fiscal_year_end`` holds ISO dates of a fiscal year's end (any year: only month and day are
    used); the current fiscal year ends on the first such day after the price date and began a
    year before it. A company listed on 31 Dec, priced on 19 Aug 2025, gets 134/365 = 0.367.
    NaN where the end or the price date is unknown: such a company is left out of NTM, not guessed.
    """
    ends = np.asarray(fiscal_year_end, dtype=object).astype(str)
    if price_date is None:
        return np.full(len(ends), np.nan)
    price = pd.Timestamp(price_date).date()
    # A fund's thousands of companies end their years on a few dozen days: each day worked out once.
    days, at = np.unique(ends, return_inverse=True)
    return np.array([_share_of_year_ahead(day, price) for day in days], dtype="float64")[at]


def _share_of_year_ahead(fiscal_year_end: str, price: dt.date) -> float:
    """The share of the fiscal year ending on ``fiscal_year_end``'s month and day still ahead on ``price``."""
    try:
        end = dt.date.fromisoformat(fiscal_year_end[:10])
    except ValueError:
        return math.nan
    # 29 February ends move to the 28th, so that every year has the day.
    this_year = dt.date(price.year, end.month, min(end.day, 28) if end.month == 2 else end.day)
    end = this_year if this_year > price else this_year.replace(year=price.year + 1)
    return (end - price).days / (end - end.replace(year=end.year - 1)).days


def forward_losses_reported(table: pd.DataFrame, column: str) -> bool:
    """Whether the fundamentals can express a forward loss: False when not one estimate in
    ``column`` is negative while trailing loss-makers lack one (a source that leaves negative
    estimates blank, as finviz does, cannot tell "no estimate" from "a loss expected")."""
    trailing = pd.to_numeric(table["eps_trailing"], errors="coerce")
    forward = pd.to_numeric(table[column], errors="coerce")
    return bool((forward < 0).any() or not ((trailing < 0) & forward.isna()).any())


def normalise_sectors(sectors: pd.Series) -> np.ndarray:
    """Sector names in one spelling; "Unknown" where the issuer names none."""
    # A fund names a dozen sectors over thousands of rows: each name cleaned once.
    names, at = np.unique(sectors.fillna("").to_numpy(dtype=str), return_inverse=True)
    spelled = [SECTOR_SPELLINGS.get(name.strip(), name.strip()) or UNKNOWN_SECTOR for name in names]
    return np.array(spelled, dtype=object)[at]


def check_forward(forward: str) -> None:
    if forward not in FORWARDS:
        raise ValueError(f"forward horizon must be one of {FORWARDS}, not {forward!r}")
