"""Holdings normalisation as properties over random files fed through the real parsers.

Whatever the numbers in a user portfolio or an iShares download, the equity weights that come out
sum to 1, follow the file's weights or market values in proportion, and do not depend on the order
of the lines or the unit of the market values.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallcap_screen.errors import DataError
from smallcap_screen.metrics import fund_valuation
from smallcap_screen.model import FUNDAMENTAL_COLUMNS, Fundamentals, Holdings
from smallcap_screen.sources.issuers.ishares import parse as parse_ishares_csv
from smallcap_screen.sources.user_csv import parse_user_csv
from smallcap_screen.tickers import to_yahoo

PROPERTY = settings(max_examples=60, deadline=None)

# Listed symbols as issuers write them: plain, or with a one- or two-letter class after a dot.
symbols = st.from_regex(r"\A[A-Z][A-Z0-9]{0,4}(\.[A-Z]{1,2})?\Z")


# -- user portfolio CSV -------------------------------------------------------------------------

WEIGHT_STYLES = {
    "percent": lambda x: f"{x:.4f}%",
    "fraction": lambda x: f"{x / 1000:.9f}",
    "amount": lambda x: f"{x * 1000:,.2f}",  # thousands separators, so the cell is quoted
}


def weight_value(text: str) -> float:
    """The number a weight cell stands for, in any unit (only proportions matter)."""
    return float(text.replace(",", "").rstrip("%"))


def european(cell: str) -> str:
    """The same number as a spreadsheet with a decimal comma writes it (1,234.5 -> 1.234,5)."""
    return cell.translate(str.maketrans(",.", ".,"))


def quoted(cell: str) -> str:
    """A cell as a spreadsheet exports it: in quotes when it holds a comma."""
    return f'"{cell}"' if "," in cell else cell


def portfolio_csv(rows: list[tuple[str, str]], delimiter: str, ticker_header: str, weight_header: str) -> bytes:
    lines = [f"{ticker_header}{delimiter}{weight_header}{delimiter}name"]
    lines += [f"{ticker}{delimiter}{quoted(weight)}{delimiter}Company {ticker}" for ticker, weight in rows]
    return ("\n".join(lines) + "\n").encode()


@st.composite
def portfolios(draw) -> tuple[bytes, dict[str, float]]:
    """A portfolio CSV in a random dialect, and the expected weight per Yahoo ticker."""
    distinct = draw(st.lists(symbols, min_size=1, max_size=12, unique_by=to_yahoo))
    # Some tickers appear on two lines, possibly in another case: their weights add up.
    tickers = distinct + draw(st.lists(st.sampled_from(distinct), max_size=4))
    tickers = [t.lower() if draw(st.booleans()) else t for t in draw(st.permutations(tickers))]
    style = WEIGHT_STYLES[draw(st.sampled_from(sorted(WEIGHT_STYLES)))]
    amounts = draw(st.lists(st.floats(0.01, 1000.0), min_size=len(tickers), max_size=len(tickers)))
    rows = [(ticker, style(amount)) for ticker, amount in zip(tickers, amounts)]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    # Semicolon files come from decimal-comma spreadsheets.
    written = [(ticker, european(weight)) for ticker, weight in rows] if delimiter == ";" else rows
    content = portfolio_csv(
        written,
        delimiter=delimiter,
        ticker_header=draw(st.sampled_from(["ticker", "Ticker", "SYMBOL", "symbol"])),
        weight_header=draw(st.sampled_from(["weight", "Weight", "WEIGHT"])),
    )
    totals: dict[str, float] = {}
    for ticker, weight in rows:
        key = to_yahoo(ticker)
        totals[key] = totals.get(key, 0.0) + weight_value(weight)
    grand_total = sum(totals.values())
    return content, {ticker: total / grand_total for ticker, total in totals.items()}


@PROPERTY
@given(portfolios())
def test_portfolio_weights_sum_to_one_with_duplicate_lines_summed(case) -> None:
    content, expected = case
    holdings = parse_user_csv(content)
    weights = holdings.equities.set_index("ticker")["weight"]
    assert weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert ((weights >= 0) & (weights <= 1)).all()
    assert weights.index.is_unique
    assert weights.to_dict() == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_an_infinite_portfolio_weight_is_refused() -> None:
    with pytest.raises(DataError, match="line 2"):
        parse_user_csv(b"ticker,weight\nAAPL,inf\nMSFT,1\n")


# -- iShares holdings CSV -----------------------------------------------------------------------

ISHARES_PREAMBLE = [
    "\ufeffiShares Core S&P Small-Cap ETF",
    'Fund Holdings as of,"Nov 18, 2025"',
    'Inception Date,"May 22, 2000"',
    'Shares Outstanding,"750,000,000.00"',
    'Stock,"-"',
    'Bond,"-"',
    'Cash,"-"',
    'Other,"-"',
    "\xa0",
]
ISHARES_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Market Weight,Notional Value,Notional Weight,"
    "Quantity,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
ISHARES_FOOTER = ["\xa0", '"The content contained herein is owned or licensed by BlackRock and/or its third-party information providers."']

# Lines that are not listed equities, as iShares writes them: (ticker, name, asset class, market value).
NON_EQUITY_LINES = [
    ("XTSLA", "BLK CSH FND TREASURY SL AGENCY", "Money Market", 300_000_000.00),
    ("USD", "USD CASH", "Cash", -1_234_567.89),
    ("MSFUT", "CASH COLLATERAL MSFUT USD", "Cash Collateral and Margins", 16_067_000.00),
    ("ESZ5", "S&P500 EMINI DEC 25", "Futures", 0.00),
]
NON_EQUITY_TICKERS = {line[0] for line in NON_EQUITY_LINES}


def ishares_row(ticker: str, name: str, asset_class: str, market_value: float, total: float) -> str:
    """One data line, every field quoted and numbers with thousands separators, as iShares writes them."""
    weight = 100 * market_value / total
    sector = "Industrials" if asset_class == "Equity" else "Cash and/or Derivatives"
    exchange = "NASDAQ" if asset_class == "Equity" else "-"
    fields = [
        ticker, name, sector, asset_class, f"{market_value:,.2f}", f"{weight:.2f}", f"{market_value:,.2f}",
        f"{weight:.2f}", "1,000.00", "10.00", "United States", exchange, "USD", "1.00", "USD", "-",
    ]  # fmt: skip
    return ",".join(f'"{field}"' for field in fields)


def ishares_csv(lines: list[tuple[str, str, float]]) -> bytes:
    """An iShares download in the IJR "Market Weight" layout; lines: (ticker, asset class, market value)."""
    total = sum(abs(value) for _, _, value in lines) or 1.0
    rows = [ishares_row(ticker, f"{ticker} HOLDING", asset_class, value, total) for ticker, asset_class, value in lines]
    return "\n".join([*ISHARES_PREAMBLE, ISHARES_HEADER, *rows, *ISHARES_FOOTER]).encode("utf-8")


@st.composite
def ishares_lines(draw) -> list[tuple[str, str, float]]:
    """Equity lines with distinct tickers and market values in whole cents, plus some non-equity lines."""
    listed = st.from_regex(r"\A[A-Z]{1,5}\Z").filter(lambda t: t not in NON_EQUITY_TICKERS)
    tickers = draw(st.lists(listed, min_size=1, max_size=15, unique_by=to_yahoo))
    # Up to a billion dollars, so even scaled by 1,000 every amount in cents is exact in a float.
    cents = draw(st.lists(st.integers(1, 10**11), min_size=len(tickers), max_size=len(tickers)))
    equities = [(ticker, "Equity", c / 100) for ticker, c in zip(tickers, cents)]
    others = draw(st.lists(st.sampled_from(NON_EQUITY_LINES), max_size=4, unique=True))
    return equities + [(ticker, asset_class, value) for ticker, _, asset_class, value in others]


def non_equity_names(lines: list[tuple[str, str, float]]) -> set[str]:
    return {f"{ticker} HOLDING" for ticker, asset_class, _ in lines if asset_class != "Equity"}


@PROPERTY
@given(ishares_lines())
def test_ishares_equity_weights_are_market_values_over_their_sum(lines) -> None:
    holdings = parse_ishares_csv(ishares_csv(lines))
    equity_values = {ticker: value for ticker, asset_class, value in lines if asset_class == "Equity"}
    total = sum(equity_values.values())
    weights = dict(zip(holdings.equities["issuer_ticker"], holdings.equities["weight"]))
    assert holdings.equities["weight"].sum() == pytest.approx(1.0, abs=1e-9)
    assert weights == pytest.approx({ticker: value / total for ticker, value in equity_values.items()}, rel=1e-9)
    assert holdings.as_of == dt.date(2025, 11, 18)


@PROPERTY
@given(ishares_lines())
def test_ishares_cash_and_futures_lines_are_reported_as_set_aside(lines) -> None:
    holdings = parse_ishares_csv(ishares_csv(lines))
    set_aside = holdings.set_aside
    assert set(set_aside["name"]) == non_equity_names(lines)
    assert set_aside["reason"].str.startswith("not equity: ").all()
    assert not set(set_aside["issuer_ticker"]) & set(holdings.equities["issuer_ticker"])
    assert len(holdings.equities) + len(set_aside) == len(lines)


def random_fundamentals(tickers: list[str], seed: int) -> Fundamentals:
    """Prices and earnings (some losses, some missing) for ``tickers`` in Yahoo form."""
    rng = np.random.default_rng(seed)
    n = len(tickers)
    price = rng.uniform(1, 500, n)
    eps = price * rng.uniform(-0.1, 0.2, n)
    eps[rng.random(n) < 0.2] = np.nan
    table = pd.DataFrame(
        {
            "price": price,
            "shares": np.nan,
            "market_cap": np.nan,
            "eps_trailing": eps,
            "eps_forward": eps * rng.uniform(0.8, 1.5, n),
            "eps_fy1": np.nan,
            "book_per_share": price * rng.uniform(0.1, 1.0, n),
            "sales": np.nan,
            "currency": "USD",
            "financial_currency": "USD",
            "flags": "",
        },
        index=pd.Index(tickers, name="ticker"),
    ).reindex(columns=FUNDAMENTAL_COLUMNS)
    return Fundamentals(table, dt.date(2025, 11, 18), "test")


def valuation_figures(holdings: Holdings, fundamentals: Fundamentals) -> np.ndarray:
    """P/Es (NaN where not meaningful), coverage and set-aside weight under both policies."""
    both = [fund_valuation(holdings, fundamentals, negative=policy) for policy in ("exclude", "include")]
    figures = [figure for v in both for figure in (v.pe_trailing, v.pe_forward, v.coverage, v.set_aside_weight)]
    return np.array([np.nan if figure is None else figure for figure in figures])


@PROPERTY
@given(ishares_lines(), st.randoms(use_true_random=False), st.integers(0, 2**32 - 1))
def test_fund_pe_does_not_depend_on_the_order_of_the_lines(lines, random, seed) -> None:
    fundamentals = random_fundamentals([to_yahoo(ticker) for ticker, _, _ in lines], seed)
    shuffled = random.sample(lines, len(lines))
    in_order = valuation_figures(parse_ishares_csv(ishares_csv(lines)), fundamentals)
    reordered = valuation_figures(parse_ishares_csv(ishares_csv(shuffled)), fundamentals)
    np.testing.assert_allclose(reordered, in_order, rtol=1e-12)


@PROPERTY
@given(ishares_lines(), st.integers(2, 1_000))
def test_scaling_every_market_value_leaves_the_weights_unchanged(lines, factor) -> None:
    scaled = [(ticker, asset_class, value * factor) for ticker, asset_class, value in lines]
    original = parse_ishares_csv(ishares_csv(lines)).equities
    rescaled = parse_ishares_csv(ishares_csv(scaled)).equities
    assert rescaled["issuer_ticker"].tolist() == original["issuer_ticker"].tolist()
    np.testing.assert_allclose(rescaled["weight"], original["weight"], rtol=1e-12)
