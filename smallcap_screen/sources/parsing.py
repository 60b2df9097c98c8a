"""What every holdings parser shares: number columns, HTML detection, sorting lines into
equities and set-aside lines, and building the normalised :class:`Holdings`.

Each issuer parser turns its file into a *lines* frame with the columns ``LINE_COLUMNS``
(``reason`` empty for a listed equity, else why the line is set aside) and hands it to
:func:`build_holdings`.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ..errors import DataError, printable
from ..model import EQUITY_COLUMNS, SET_ASIDE_COLUMNS, Holdings
from ..registry import registry
from ..tickers import to_yahoo_series

LINE_COLUMNS = ["issuer_ticker", "name", "sector", "asset_class", "weight", "market_value", "shares", "reason"]

NO_TICKER = "no exchange ticker"
CASH_OR_DERIVATIVE = "cash or derivative"

# Names issuers give to cash, money-market sweeps, collateral and index futures
# ("USD CASH", "BLK CSH FND TREASURY SL AGENCY", "RUSSELL 2000 EMINI CME DEC 25", "US DOLLAR").
_CASH_NAME = re.compile(
    r"\b(?:CASH|CSH|COLLATERAL|MONEY MARKET|E-?MINI|FUTURES?)\b|^US DOLLAR$", re.IGNORECASE
)
# A listed symbol: letters and digits, optionally one class suffix (BRK.B, BRK-B). Rights such as
# "MPTI RT", placeholders "-" and internal ids "2602335D" or "CASH_USD" do not match.
_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]{0,5}(?:[.\-][A-Z]{1,2})?$")


def to_numbers(values: pd.Series, *, decimal_comma: bool = False) -> pd.Series:
    """Numbers from issuer text: ``"1,234.50"`` → 1234.5, ``"0.83%"`` → 0.0083, ``"-"``/blank → NaN.

    With ``decimal_comma`` the European spelling is read instead: ``"1.234,50"`` → 1234.5.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip()
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    percent = text.str.endswith("%", na=False)
    numbers = pd.to_numeric(text.str.rstrip("%"), errors="coerce").astype("float64")
    return numbers.where(~percent, numbers / 100)


def finite_numbers(numbers: dict[str, pd.Series]) -> tuple[dict[str, pd.Series], pd.Series]:
    """The number columns of one table with every infinity set to NaN, and the rows that held one
    (flagged ``value_infinite`` by the readers): "inf" typed in a cell, or a spreadsheet's overflow
    (1e999). No price, EPS or count is infinite, and neither JSON nor the store can keep one."""
    index = next(iter(numbers.values())).index
    infinite = pd.Series(False, index=index)
    for values in numbers.values():
        infinite |= np.isinf(values)
    return {key: values.mask(np.isinf(values)) for key, values in numbers.items()}, infinite


def flag_codes(masks: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """';'-joined flag codes per row (``masks``: code → rows it applies to), "" where none applies."""
    flags = pd.Series("", index=index, dtype=object)
    for code, mask in masks.items():
        flags = flags.where(~mask, flags + code + ";")
    return flags.str.rstrip(";")


def looks_like_html(content: bytes) -> bool:
    """True when a body is a web page (an error or consent page served instead of a file)."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head


def reject_unusable(content: bytes, what: str, expected: str = "a holdings file") -> None:
    """Raise DataError when a body is empty or an HTML page instead of ``expected``."""
    if not content.strip():
        raise DataError(f"{what} is empty: there is nothing to read")
    if looks_like_html(content):
        raise DataError(f"{what} is an HTML page, not {expected}: the server sent an error page; retry later")


def decode_text(content: bytes) -> str:
    """Text of a downloaded file: UTF-8 (BOM dropped), else Latin-1 as spreadsheet exports write it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def is_exchange_symbol(tickers: pd.Series) -> pd.Series:
    """True where a ticker looks like a listed symbol (not "-", "MPTI RT", "2602335D", "CASH_USD")."""
    return tickers.fillna("").astype(str).str.strip().str.upper().str.match(_SYMBOL)


def set_aside_reason(tickers: pd.Series, names: pd.Series) -> pd.Series:
    """Why each line is not a listed equity ("" when it is), judged from ticker and name.

    For issuers that do not label asset classes (SSGA, derived lists). Sector labels are not
    trusted for this: derived lists tag real stocks (EGP, CNH) as "Cash and/or Derivatives".
    """
    cash = names.fillna("").astype(str).str.contains(_CASH_NAME)
    not_symbol = ~is_exchange_symbol(tickers)
    return pd.Series(
        np.select([cash, not_symbol], [CASH_OR_DERIVATIVE, NO_TICKER], default=""), index=tickers.index
    )


def build_holdings(
    lines: pd.DataFrame,
    *,
    fund: str,
    as_of: dt.date | None,
    source: str,
    fund_name: str = "",
    what: str = "holdings file",
    use_market_values: bool = True,
) -> Holdings:
    """Split ``lines`` into equities and set-aside lines and renormalise equity weights to sum 1.

    With ``use_market_values``, weights come from market values when every equity line has one
    (published weights are rounded to 0.01%); otherwise from the ``weight`` column. Lines of one
    holding (the same Yahoo ticker, e.g. a 0.00% second line in a derived list, or BRK.B and BRK-B
    in a user file) become one. Raises DataError when no equity line is left or a weight is
    missing or negative.
    """
    lines = lines[LINE_COLUMNS]
    is_equity = lines["reason"] == ""
    equities = lines[is_equity].reset_index(drop=True)
    if equities.empty:
        raise DataError(f"{what} has no equity lines: it is truncated or not a holdings file")
    market_value = equities["market_value"]
    with np.errstate(over="ignore"):  # absurd values sum to inf: refused below, not warned about
        use_value = use_market_values and market_value.notna().all() and market_value.sum() > 0
    basis = market_value if use_value else equities["weight"]
    bad = ~np.isfinite(basis) | (basis < 0)
    if bad.any():
        ticker = equities.loc[bad.idxmax(), "issuer_ticker"]
        raise DataError(f"{what}: holding '{printable(ticker)}' has no usable weight; fix or remove that line")
    with np.errstate(over="ignore"):
        total = basis.sum()
    if not 0 < total < np.inf:
        raise DataError(f"{what}: equity weights sum to {total}; check the weight column")
    equities = _one_line_per_ticker(equities.assign(ticker=to_yahoo_series(equities["issuer_ticker"]), weight=basis))
    equities["weight"] = equities["weight"] / equities["weight"].sum()  # the merged sum: exactly 1 after
    set_aside = lines.loc[~is_equity, SET_ASIDE_COLUMNS].reset_index(drop=True)
    return Holdings(
        fund=fund,
        equities=equities[EQUITY_COLUMNS],
        as_of=as_of,
        source=source,
        set_aside=set_aside,
        fund_name=fund_name,
    )


def _one_line_per_ticker(equities: pd.DataFrame) -> pd.DataFrame:
    """Weights and market values of a ticker's lines summed; name and sector of its first line."""
    if not equities["ticker"].duplicated().any():
        return equities
    grouped = equities.groupby("ticker", sort=False)
    merged = grouped.first()
    merged["weight"] = grouped["weight"].sum()
    # A holding's market value (or share count) is known only when every one of its lines gives one.
    for column in ("market_value", "shares"):
        complete = grouped[column].count() == grouped.size()
        merged[column] = grouped[column].sum().where(complete)
    return merged.reset_index()


def fund_from_name(fund_name: str) -> str:
    """The registry ticker of a fund known by its full name ("iShares Russell 2000 ETF" → IWM), else ""."""
    return registry().by_name(fund_name)
