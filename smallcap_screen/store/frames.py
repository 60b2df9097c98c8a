"""Between the model's frames (Holdings, Fundamentals) and the store's rows (rows.py)."""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..model import EQUITY_COLUMNS, FUNDAMENTAL_COLUMNS, SET_ASIDE_COLUMNS, Fundamentals, Holdings
from .rows import ESTIMATE_NUMBERS, FACT_NUMBERS, LINE_COLUMNS, LINE_NUMBERS, QUOTE_COLUMNS, SET_ASIDE_NUMBERS, STOCK_COLUMNS


def frame_rows(frame: pd.DataFrame, columns: Sequence[str], numbers: Iterable[str]) -> list[tuple]:
    """``frame``'s rows as tuples of canonical values; a column the frame lacks reads as missing."""
    numbers = set(numbers)
    values = []
    for column in columns:
        if column not in frame.columns:
            values.append([None if column in numbers else ""] * len(frame))
        elif column in numbers:
            array = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
            # + 0.0 turns -0.0 into 0.0, as SQLite does when it stores a whole number compactly.
            values.append([None if v != v else v + 0.0 for v in array.tolist()])
        else:
            series = frame[column]
            values.append(["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in series.tolist()])
    return list(zip(*values))


def holdings_lines(holdings: Holdings) -> list[tuple]:
    return frame_rows(holdings.equities, LINE_COLUMNS, LINE_NUMBERS)


def weights_total(lines: list[tuple]) -> float | None:
    """A total T with weight == market_value / T exactly on every line (iShares weights are
    computed so), letting the store keep market values only; None when there is none. Tried:
    the sums numpy, pandas and Python make, which are what the parsers divide by."""
    values = [line[5] for line in lines]
    if not lines or any(v is None for v in values):
        return None
    array = np.array(values, dtype="float64")
    weights = [line[4] for line in lines]
    for total in dict.fromkeys([float(array.sum()), float(pd.Series(array).sum()), float(sum(values)), math.fsum(values)]):
        if total > 0 and all(v / total == w for v, w in zip(values, weights)):
            return total
    return None


def set_aside_lines(holdings: Holdings) -> list[tuple]:
    return frame_rows(holdings.set_aside, SET_ASIDE_COLUMNS, SET_ASIDE_NUMBERS)


def stock_rows(fundamentals: Fundamentals) -> list[tuple]:
    """One row per stock (STOCK_COLUMNS), ordered by ticker; a ticker listed twice is kept once."""
    table = fundamentals.table
    if not table.index.is_unique:
        table = table[~table.index.duplicated()]
    table = table.sort_index()
    return frame_rows(table.reset_index(), STOCK_COLUMNS, [*QUOTE_COLUMNS, *FACT_NUMBERS, *ESTIMATE_NUMBERS])


def holdings_from_lines(fund: str, fund_name: str, as_of, source: str, lines: list[tuple], set_aside: list[tuple]) -> Holdings:
    equities = pd.DataFrame.from_records(lines, columns=LINE_COLUMNS)
    for column in LINE_NUMBERS:
        equities[column] = equities[column].astype("float64")
    aside = pd.DataFrame.from_records(set_aside, columns=SET_ASIDE_COLUMNS)
    aside["weight"] = aside["weight"].astype("float64")
    return Holdings(
        fund=fund,
        equities=equities[[c for c in EQUITY_COLUMNS]],
        as_of=as_of,
        source=source,
        set_aside=aside,
        fund_name=fund_name,
    )


def fundamentals_from_rows(stocks: list[tuple], as_of, source: str, forward_horizon: str) -> Fundamentals:
    table = pd.DataFrame.from_records(stocks, columns=STOCK_COLUMNS).set_index("ticker")
    for column in (*QUOTE_COLUMNS, *FACT_NUMBERS, *ESTIMATE_NUMBERS):
        table[column] = table[column].astype("float64")
    return Fundamentals(table[[c for c in FUNDAMENTAL_COLUMNS]], as_of, source, forward_horizon)
