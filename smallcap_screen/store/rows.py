"""Snapshots as the store's rows, and the digests that identify them.

Every value goes through one canonical form before it is hashed or written: floats as Python
floats (NaN as None, -0.0 as 0.0), text as str ('' for missing). SQLite gives REAL and TEXT values back
exactly, so a digest recomputed from the rows read equals the one computed before writing, and
any difference means the stored rows were damaged.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..model import EQUITY_COLUMNS, FUNDAMENTAL_COLUMNS, SET_ASIDE_COLUMNS, Fundamentals, Holdings

#: Columns of one holdings line, in stored order (``security`` keeps the first four).
LINE_COLUMNS = ["ticker", "issuer_ticker", "name", "sector", "weight", "market_value", "shares"]
LINE_NUMBERS = {"weight", "market_value", "shares"}
SET_ASIDE_NUMBERS = {"weight"}
#: Per-stock values that change with every price (kept per snapshot in ``quote``) ...
QUOTE_COLUMNS = ["price", "market_cap"]
#: ... those that change with reports (``stock_facts``) and with analysts' revisions
#: (``stock_estimates``), each kept anew only when it differs from the previous snapshot's.
FACT_NUMBERS = ["shares", "eps_trailing", "book_per_share", "sales"]
FACT_TEXTS = ["currency", "financial_currency", "flags"]
ESTIMATE_NUMBERS = ["eps_forward", "eps_fy1"]
STOCK_COLUMNS = ["ticker", *QUOTE_COLUMNS, *FACT_NUMBERS, *FACT_TEXTS, *ESTIMATE_NUMBERS]


def digest(value) -> str:
    """sha256 (hex) of ``value``'s canonical JSON; floats keep every bit (json writes repr)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def with_derived_weights(lines: list[tuple], total: float) -> list[tuple]:
    """Lines read back with their weights computed from market values (see weights_total)."""
    return [(*line[:4], line[5] / total, *line[5:]) for line in lines]


def set_aside_lines(holdings: Holdings) -> list[tuple]:
    return frame_rows(holdings.set_aside, SET_ASIDE_COLUMNS, SET_ASIDE_NUMBERS)


def holdings_digest(fund: str, fund_name: str, as_of: str | None, source: str, lines: list[tuple], set_aside: list[tuple]) -> str:
    return digest(["holdings", fund, fund_name, as_of, source, lines, set_aside])


def stock_rows(fundamentals: Fundamentals) -> list[tuple]:
    """One row per stock (STOCK_COLUMNS), ordered by ticker; a ticker listed twice is kept once."""
    table = fundamentals.table
    if not table.index.is_unique:
        table = table[~table.index.duplicated()]
    table = table.sort_index()
    return frame_rows(table.reset_index(), STOCK_COLUMNS, [*QUOTE_COLUMNS, *FACT_NUMBERS, *ESTIMATE_NUMBERS])


_FACTS_AT = 1 + len(QUOTE_COLUMNS)
_ESTIMATES_AT = _FACTS_AT + len(FACT_NUMBERS) + len(FACT_TEXTS)


def fact_part(stock: tuple) -> tuple:
    """The ``stock_facts`` values of a stock row: ticker, FACT_NUMBERS, FACT_TEXTS."""
    return (stock[0], *stock[_FACTS_AT:_ESTIMATES_AT])


def estimate_part(stock: tuple) -> tuple:
    """The ``stock_estimates`` values of a stock row: ticker, ESTIMATE_NUMBERS."""
    return (stock[0], *stock[_ESTIMATES_AT:])


def snapshot_digest(prices_as_of: str | None, prices_source: str, forward_horizon: str, funds: list[tuple], stocks: list[tuple]) -> str:
    """Identifies a snapshot's inputs: ``funds`` is [(fund, holdings digest, reported JSON)], sorted."""
    return digest(["snapshot", prices_as_of, prices_source, forward_horizon, sorted(funds), stocks])


def snapshot_checksum(content_hash: str, data_date: str, taken_at: str, origin: str, label: str) -> str:
    return digest(["checksum", content_hash, data_date, taken_at, origin, label])


def reported_json(reported: dict) -> str:
    return json.dumps(reported or {}, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str)


def record_json(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


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
