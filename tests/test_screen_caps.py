"""A market-cap bound on data without market caps says why nothing passes instead of a silent
empty screen (exit 0, as any screen of nothing passing)."""

from __future__ import annotations

import json

from tests.helpers import REPO, run

PORTFOLIO = REPO / "tests" / "fixtures" / "portfolio.csv"


def test_an_import_without_caps_screened_by_cap_says_every_stock_lacks_one(tmp_path):
    export = tmp_path / "prices.csv"
    export.write_text("ticker,price,eps_trailing\nAAPL,200,5\nMSFT,100,4\nBRK-B,400,20\n")
    store = ["--data-dir", str(tmp_path / "store")]
    assert run("import", str(export), "--as-of", "2025-08-19", "--holdings", str(PORTFOLIO), *store).returncode == 0

    result = run("screen", str(PORTFOLIO), "--offline", "--min-cap", "2B", "-f", "json", *store)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "3 of 3 stocks have no market cap in this data (import of prices.csv) and fail a market-cap bound; screen without one" in result.stderr
    unbounded = run("screen", str(PORTFOLIO), "--offline", "-f", "json", *store)
    assert len(json.loads(unbounded.stdout)) == 3 and "market cap" not in unbounded.stderr


def test_stocks_without_a_cap_are_counted_when_a_cap_bound_is_given(tmp_path):
    store = ["--offline", "--data-dir", str(tmp_path), "-f", "json"]
    stocks = json.loads(run("screen", "IWM", *store).stdout)
    uncapped = sum(s["market_cap"] is None for s in stocks)
    assert 0 < uncapped < len(stocks)

    result = run("screen", "IWM", "--max-cap", "1e15", *store)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(stocks) - uncapped  # every capped stock is under $1,000 trillion
    assert f"{uncapped:,} of {len(stocks):,} stocks have no market cap in this data (bundled reference snapshot) and fail a market-cap bound\n" in result.stderr
