"""The store's rows: their columns, and the digests that identify them.

Every value goes through one canonical form before it is hashed or written: floats as Python
floats (NaN as None, -0.0 as 0.0), text as str ('' for missing); frames.py turns the model's
frames into it. SQLite gives REAL and TEXT values back exactly, so a digest recomputed from the
rows read equals the one computed before writing, and any difference means the stored rows were
damaged. Nothing here needs pandas: reading stored figures does not load it.
"""

from __future__ import annotations

import hashlib
import json

#: Columns of one holdings line, in stored order (``security`` keeps the first four).
LINE_COLUMNS = ["ticker", "issuer_ticker", "name", "sector", "weight", "market_value", "shares"]
LINE_NUMBERS = {"weight", "market_value", "shares"}
SET_ASIDE_NUMBERS = {"weight"}
#: Per-stock values that change with every price (kept per snapshot in ``quote``) ...
QUOTE_COLUMNS = ["price", "market_cap"]
#: ... those that change with reports (``stock_facts``) and with analysts' revisions
#: (``stock_estimates``), each kept anew only when it differs from the previous snapshot's.
FACT_NUMBERS = ["shares", "eps_trailing", "book_per_share", "sales", "dividend_yield"]
FACT_TEXTS = ["currency", "financial_currency", "flags", "fiscal_year_end"]
#: Facts added after snapshots were first stored (schema 4): a stock row leaves them out of the
#: snapshot's digest while they are unknown, so the digests of snapshots stored before still match.
LATER_FACTS = ("dividend_yield", "fiscal_year_end")
ESTIMATE_NUMBERS = ["eps_forward", "eps_fy1"]
STOCK_COLUMNS = ["ticker", *QUOTE_COLUMNS, *FACT_NUMBERS, *FACT_TEXTS, *ESTIMATE_NUMBERS]
#: EPS a quote may carry itself (``quote_eps``) where they moved while the rest stayed.
QUOTE_EPS = ["eps_trailing", "eps_forward"]


def digest(value) -> str:
    """sha256 (hex) of ``value``'s canonical JSON; floats keep every bit (json writes repr)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_derived_weights(lines: list[tuple], total: float) -> list[tuple]:
    """Lines read back with their weights computed from market values (see frames.weights_total)."""
    return [(*line[:4], line[5] / total, *line[5:]) for line in lines]


def holdings_digest(fund: str, fund_name: str, as_of: str | None, source: str, lines: list[tuple], set_aside: list[tuple]) -> str:
    return digest(["holdings", fund, fund_name, as_of, source, lines, set_aside])


_FACTS_AT = 1 + len(QUOTE_COLUMNS)
_ESTIMATES_AT = _FACTS_AT + len(FACT_NUMBERS) + len(FACT_TEXTS)


def fact_part(stock: tuple) -> tuple:
    """The ``stock_facts`` values of a stock row: ticker, FACT_NUMBERS, FACT_TEXTS."""
    return (stock[0], *stock[_FACTS_AT:_ESTIMATES_AT])


def estimate_part(stock: tuple) -> tuple:
    """The ``stock_estimates`` values of a stock row: ticker, ESTIMATE_NUMBERS."""
    return (stock[0], *stock[_ESTIMATES_AT:])


_FACT_EPS_AT = FACT_NUMBERS.index("eps_trailing") + 1
_ESTIMATE_EPS_AT = ESTIMATE_NUMBERS.index("eps_forward") + 1


def eps_of(facts: tuple, estimates: tuple) -> tuple:
    """The QUOTE_EPS values of a stock's ``fact_part`` and ``estimate_part``."""
    return (facts[_FACT_EPS_AT], estimates[_ESTIMATE_EPS_AT])


def steady_part(facts: tuple, estimates: tuple) -> tuple:
    """A stock's facts and estimates but its QUOTE_EPS: what must stay for its EPS to move alone."""
    return (*facts[:_FACT_EPS_AT], *facts[_FACT_EPS_AT + 1:], *estimates[:_ESTIMATE_EPS_AT], *estimates[_ESTIMATE_EPS_AT + 1:])


def snapshot_digest(prices_as_of: str | None, prices_source: str, forward_horizon: str, funds: list[tuple], stocks: list[tuple]) -> str:
    """Identifies a snapshot's inputs: ``funds`` is [(fund, holdings digest, reported JSON)], sorted."""
    return digest(["snapshot", prices_as_of, prices_source, forward_horizon, sorted(funds), [_digested(s) for s in stocks]])


_LATER_AT = [STOCK_COLUMNS.index(c) for c in LATER_FACTS]


def _digested(stock) -> list:
    """A stock row as its snapshot's digest takes it: without LATER_FACTS while they are unknown."""
    stock = list(stock)
    if all(stock[i] in (None, "") for i in _LATER_AT):
        return [v for i, v in enumerate(stock) if i not in _LATER_AT]
    return stock


def snapshot_checksum(content_hash: str, data_date: str, taken_at: str, origin: str, label: str) -> str:
    return digest(["checksum", content_hash, data_date, taken_at, origin, label])


def reported_json(reported: dict) -> str:
    return json.dumps(reported or {}, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str)


def record_json(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
