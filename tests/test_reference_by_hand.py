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


def by_hand_pe(weights: dict[str, float], pes: dict[str, float]) -> float:
    def lookup(ticker: str) -> float | None:
        # iShares writes share classes concatenated (MOGA); finviz dashed (MOG-A).
        return pes.get(ticker) or pes.get(f"{ticker[:-1]}-{ticker[-1]}")

    matched = [(w, lookup(t)) for t, w in weights.items()]
    matched = [(w, pe) for w, pe in matched if pe is not None and pe > 0]
    return sum(w for w, _ in matched) / sum(w / pe for w, pe in matched)


@pytest.fixture(scope="module")
def records():
    result = compare(["IWM", "IVV"], benchmark="SPY", data="offline", snapshot=bundled_snapshot())
    return {r["fund"]: r for r in result.records()}


@pytest.mark.parametrize("fund,file_name", [("IWM", "IWM_holdings_2025-11-05.csv"), ("IVV", "IVV_holdings_2025-11-18.csv")])
def test_trailing_pe_matches_the_by_hand_harmonic_mean(raw_dir, records, fund, file_name):
    expected = by_hand_pe(ishares_equity_weights(raw_dir / file_name), finviz_pe(raw_dir, "P/E"))
    assert records[fund]["pe_trailing"] == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize("fund,file_name", [("IWM", "IWM_holdings_2025-11-05.csv"), ("IVV", "IVV_holdings_2025-11-18.csv")])
def test_forward_pe_matches_the_by_hand_harmonic_mean(raw_dir, records, fund, file_name):
    expected = by_hand_pe(ishares_equity_weights(raw_dir / file_name), finviz_pe(raw_dir, "Forward P/E"))
    assert records[fund]["pe_forward"] == pytest.approx(expected, rel=0.005)


def test_bundled_snapshot_carries_both_as_of_dates(records):
    assert records["IWM"]["as_of_holdings"] == "2025-11-05"
    assert records["IWM"]["as_of_prices"] == "2025-08-19"
