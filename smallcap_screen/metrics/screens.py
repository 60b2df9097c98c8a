"""The stocks inside funds, one row per stock, and the filters a screener applies to them.

Each filter is a pure function from the stock table to a boolean mask, so filters commute:
applying them one after another in any order keeps the same rows as applying them together.
Bounds are inclusive. P/Es are price / EPS; a loss-maker has no P/E under ``exclude`` and a
negative one under ``include``: either way it fails every P/E bound. ``--sector`` matches any
part of the sector name, in any case ("tech" finds "Information Technology").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..vocabulary import SCREEN_SORT_KEYS
from .frame import Joined
from .valuation import NegativePolicy, check_policy

#: Columns of :func:`stock_table` before the per-fund weight columns (``weight_<FUND>``).
STOCK_COLUMNS = [
    "ticker", "name", "sector", "funds", "weight", "market_cap", "price",
    "pe_trailing", "pe_forward", "earnings_growth", "price_to_book", "price_to_sales", "dividend_yield", "flags",
]

#: P/Es are computed as price / EPS from data that often gave the P/E itself: a stock at exactly
#: the bound must not fall out of it by the last bit of float rounding.
BOUND_TOLERANCE = 1e-9


def stock_table(funds: list[Joined], *, negative: NegativePolicy = "exclude") -> pd.DataFrame:
    """One row per stock held by any of ``funds`` (first fund's order), with STOCK_COLUMNS and a
    ``weight_<FUND>`` column per fund (NaN where the fund does not hold it).

    ``weight`` is the stock's largest weight in any of the funds; ``funds`` names the funds
    holding it, space-separated; ``earnings_growth`` is forward / trailing EPS - 1 where both are
    positive; ``price_to_book`` is over positive book only and ``price_to_sales`` over positive
    sales (as the fund figures: whatever the earnings policy); ``dividend_yield`` is the last twelve
    months' dividends over the price (0 for a non-payer, NaN where the data does not say).
    """
    check_policy(negative)
    stacked = pd.concat([j.frame.assign(fund=j.fund) for j in funds], ignore_index=True)
    weights = stacked.pivot_table(index="ticker", columns="fund", values="weight", aggfunc="sum", sort=False)
    weights = weights.reindex(columns=[j.fund for j in funds])
    first = stacked.drop_duplicates("ticker").set_index("ticker")
    weights = weights.reindex(first.index)
    held = weights.notna().to_numpy()
    names = np.array([j.fund for j in funds], dtype=object)
    funds_text = [" ".join(names[row]) for row in held]

    yt, yf, book, sales = first["yield_trailing"], first["yield_forward"], first["book_yield"], first["sales_yield"]
    keep_pe = (yt > 0) if negative == "exclude" else yt.notna()
    with np.errstate(divide="ignore"):
        table = pd.DataFrame(
            {
                "ticker": first.index.to_numpy(),
                "name": first["name"].to_numpy(),
                "sector": first["sector"].to_numpy(),
                "funds": funds_text,
                "weight": weights.max(axis=1).to_numpy(),
                "market_cap": first["market_cap"].to_numpy(),
                "price": first["price"].to_numpy(),
                "pe_trailing": (1 / yt).where(keep_pe).to_numpy(),
                "pe_forward": (1 / yf).where(yf > 0 if negative == "exclude" else yf.notna()).to_numpy(),
                "earnings_growth": (yf / yt - 1).where((yt > 0) & (yf > 0)).to_numpy(),
                "price_to_book": (1 / book).where(book > 0).to_numpy(),
                "price_to_sales": (1 / sales).where(sales > 0).to_numpy(),
                "dividend_yield": first["dividend_yield"].where(first["dividend_yield"] >= 0).to_numpy(),
                "flags": first["flags"].to_numpy(),
                # the trailing yield decides --profitable / --losses, also for loss-makers' rows
                "earnings_yield": yt.to_numpy(),
            }
        )
    for fund in weights.columns:
        table[f"weight_{fund}"] = weights[fund].to_numpy()
    return table


@dataclass(frozen=True)
class Criteria:
    """What a screen keeps; None (or empty) means no bound. Weights and caps are fractions and
    dollars, ``min_yield`` a fraction (a non-payer's yield is 0). ``earnings``: "profitable" (trailing EPS > 0) or "losses" (<= 0)."""

    max_pe: float | None = None
    min_pe: float | None = None
    max_fwd_pe: float | None = None
    earnings: str | None = None
    sectors: tuple[str, ...] = ()
    min_weight: float | None = None
    min_cap: float | None = None
    max_cap: float | None = None
    max_pb: float | None = None
    max_ps: float | None = None
    min_yield: float | None = None

    def __post_init__(self) -> None:
        if self.earnings not in (None, "profitable", "losses"):
            raise ValueError(f"earnings must be 'profitable' or 'losses', not {self.earnings!r}")


def filters(criteria: Criteria) -> list:
    """The masks ``criteria`` asks for, each a function of the stock table (see module docstring)."""
    out = []
    for field in fields(Criteria):
        value = getattr(criteria, field.name)
        if value is None or value == ():
            continue
        out.append(_FILTERS[field.name](value))
    return out


def screen(table: pd.DataFrame, criteria: Criteria, *, sort: str = "weight", descending: bool | None = None, top: int | None = None) -> pd.DataFrame:
    """The rows of ``table`` that pass every filter, sorted (missing values last; values equal to
    nine significant digits are ties, broken by ticker), at most ``top`` of them. ``descending`` defaults to True for weight, False otherwise."""
    column = sort_column(sort)
    keep = np.ones(len(table), dtype=bool)
    for mask in filters(criteria):
        keep &= mask(table)
    kept = table[keep]
    if descending is None:
        descending = column == "weight"
    key = kept[column]
    if key.dtype.kind == "f":
        key = _significant(key.to_numpy())
    order = kept.assign(_key=key).sort_values(["_key", "ticker"], ascending=[not descending, True], na_position="last", kind="stable")
    ordered = kept.loc[order.index]
    return (ordered if top is None else ordered.head(top)).reset_index(drop=True)


def _significant(values: np.ndarray, digits: int = 9) -> np.ndarray:
    """Values rounded to ``digits`` significant digits, so that figures equal but for float
    rounding (a P/E of 9.07 recovered as price / EPS) sort as ties, broken by ticker."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (np.floor(np.log10(np.abs(values))) - (digits - 1))
        rounded = np.round(values / scale) * scale
    return np.where(values == 0, 0.0, rounded)


def sort_column(sort: str) -> str:
    """The column a ``--sort`` name (vocabulary.SCREEN_SORT_KEYS) or a column name sorts by."""
    key = sort.strip().lower().replace("_", "-")
    columns = set(SCREEN_SORT_KEYS.values())
    if key in SCREEN_SORT_KEYS:
        return SCREEN_SORT_KEYS[key]
    if sort in columns:
        return sort
    raise ValueError(f"cannot sort by {sort!r}: choose one of {', '.join(SCREEN_SORT_KEYS)}")


def _pe_at_most(column: str):
    return lambda bound: lambda t: ((t[column] > 0) & (t[column] <= bound + abs(bound) * BOUND_TOLERANCE)).to_numpy()


def _pe_at_least(column: str):
    return lambda bound: lambda t: ((t[column] > 0) & (t[column] >= bound - abs(bound) * BOUND_TOLERANCE)).to_numpy()


def _at_most(column: str):
    return lambda bound: lambda t: (t[column] <= bound + abs(bound) * BOUND_TOLERANCE).to_numpy()


def _at_least(column: str):
    return lambda bound: lambda t: (t[column] >= bound - abs(bound) * BOUND_TOLERANCE).to_numpy()


def _earnings(kind: str):
    y = "earnings_yield"
    return (lambda t: (t[y] > 0).to_numpy()) if kind == "profitable" else (lambda t: (t[y] <= 0).to_numpy())


def _sectors(names: tuple[str, ...]):
    pattern = "|".join(re.escape(n.strip()) for n in names)
    return lambda t: t["sector"].astype(str).str.contains(pattern, case=False, regex=True).to_numpy()


_FILTERS = {
    "max_pe": _pe_at_most("pe_trailing"),
    "min_pe": _pe_at_least("pe_trailing"),
    "max_fwd_pe": _pe_at_most("pe_forward"),
    "earnings": _earnings,
    "sectors": _sectors,
    "min_weight": _at_least("weight"),
    "min_cap": _at_least("market_cap"),
    "max_cap": _at_most("market_cap"),
    "max_pb": _pe_at_most("price_to_book"),
    "max_ps": _pe_at_most("price_to_sales"),
    "min_yield": _at_least("dividend_yield"),
}
