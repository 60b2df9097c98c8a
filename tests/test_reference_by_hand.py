"""The bundled figures agree with an independent by-hand computation from the raw files.

The by-hand side uses only the csv module and the README's recipe, none of the package's parsers:
equity lines of the iShares file weighted by market value, joined to finviz's P/E column, fund
P/E = sum(w) / sum(w / PE) over holdings with a positive P/E.
"""

from __future__ import annotations

import csv
import io

import pytest

from smallcap_screen import compare
from smallcap_screen.snapshot import bundled_snapshot


def finviz_pe(raw_dir, column: str) -> dict[str, float]:
    with open(raw_dir / "fundamentals_finviz_2025-08-19.csv", newline="", encoding="utf-8") as f:
        return {row["Ticker"]: float(row[column]) for row in csv.DictReader(f) if row[column] not in ("", "-")}


def ishares_equity_weights(path) -> dict[str, float]:
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    values: dict[str, float] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        if row.get("Asset Class") != "Equity" or row["Ticker"] in ("-", ""):
            continue
        values[row["Ticker"]] = values.get(row["Ticker"], 0.0) + float(row["Market Value"].replace(",", ""))
    total = sum(values.values())
    return {t: v / total for t, v in values.items()}


def ssga_weights(path) -> dict[str, float]:
    """SPY's xlsx: rows under the header row that has Ticker and Weight, until the first blank."""
    import openpyxl

    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if "Ticker" in row and "Weight" in row)
    ticker_at, weight_at = rows[start].index("Ticker"), rows[start].index("Weight")
    weights: dict[str, float] = {}
    for row in rows[start + 1 :]:
        if not row or row[ticker_at] in (None, ""):
            break
        if row[ticker_at] in ("-", "CASH_USD") or not isinstance(row[weight_at], (int, float)):
            continue
        ticker = str(row[ticker_at]).replace(".", "-")  # SSGA writes BRK.B
        weights[ticker] = weights.get(ticker, 0.0) + float(row[weight_at])
    total = sum(weights.values())
    return {t: w / total for t, w in weights.items()}


def derived_weights(path) -> dict[str, float]:
    """IJR's derived list: the JSON array inside the JS wrapper, cash and futures lines dropped.

    Some tickers stand twice (once with weight 0.00): lines of one ticker add up.
    """
    import json
    import re

    lines = json.loads(re.search(r"=\s*(\[.*\])", path.read_text(encoding="utf-8"), re.S).group(1))
    weights: dict[str, float] = {}
    for r in lines:
        if r["sector"] != "Cash and/or Derivatives" and r["ticker"] != "-":
            weights[r["ticker"]] = weights.get(r["ticker"], 0.0) + r["weight"]
    total = sum(weights.values())
    return {t: w / total for t, w in weights.items()}


def by_hand_pe(weights: dict[str, float], pes: dict[str, float]) -> float:
    def lookup(ticker: str) -> float | None:
        # iShares writes share classes concatenated (MOGA); finviz dashed (MOG-A).
        return pes.get(ticker) or pes.get(f"{ticker[:-1]}-{ticker[-1]}")

    matched = [(w, lookup(t)) for t, w in weights.items()]
    matched = [(w, pe) for w, pe in matched if pe is not None and pe > 0]
    return sum(w for w, _ in matched) / sum(w / pe for w, pe in matched)


@pytest.fixture(scope="module")
def records():
    # The recipe above weights by the holdings file's market values: the holdings-date weighting.
    # Price-date weights (the default) are checked by hand in test_screener_by_hand.py.
    result = compare(["IWM", "IVV", "IJR", "SPY"], benchmark="SPY", weighting="holdings-date", data="offline", snapshot=bundled_snapshot())
    return {r["fund"]: r for r in result.records()}


@pytest.mark.parametrize("fund,file_name", [("IWM", "IWM_holdings_2025-11-05.csv"), ("IVV", "IVV_holdings_2025-11-18.csv")])
def test_trailing_pe_matches_the_by_hand_harmonic_mean(raw_dir, records, fund, file_name):
    expected = by_hand_pe(ishares_equity_weights(raw_dir / file_name), finviz_pe(raw_dir, "P/E"))
    assert records[fund]["pe_trailing"] == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize("fund,file_name", [("IWM", "IWM_holdings_2025-11-05.csv"), ("IVV", "IVV_holdings_2025-11-18.csv")])
def test_forward_pe_matches_the_by_hand_harmonic_mean(raw_dir, records, fund, file_name):
    expected = by_hand_pe(ishares_equity_weights(raw_dir / file_name), finviz_pe(raw_dir, "Forward P/E"))
    assert records[fund]["pe_forward"] == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize("column,field", [("P/E", "pe_trailing"), ("Forward P/E", "pe_forward")])
def test_spy_and_ijr_match_the_by_hand_harmonic_mean(raw_dir, records, column, field):
    pes = finviz_pe(raw_dir, column)
    spy = by_hand_pe(ssga_weights(raw_dir / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx"), pes)
    ijr = by_hand_pe(derived_weights(raw_dir / "IJR_holdings_derived-portfolio-xray_2025-11.js"), pes)
    assert records["SPY"][field] == pytest.approx(spy, rel=0.005)
    assert records["IJR"][field] == pytest.approx(ijr, rel=0.005)


def test_bundled_snapshot_carries_both_as_of_dates(records):
    assert records["IWM"]["as_of_holdings"] == "2025-11-05"
    assert records["IWM"]["as_of_prices"] == "2025-08-19"
