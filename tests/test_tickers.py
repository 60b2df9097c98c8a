"""Issuer ticker spellings become Yahoo symbols by table, never by guessing."""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd
import pytest

from smallcap_screen.tickers import build_alias_table, to_yahoo, to_yahoo_series


@pytest.mark.parametrize(
    ("issuer", "yahoo"),
    [
        ("BRKB", "BRK-B"),  # iShares concatenates share classes
        ("MOGA", "MOG-A"),
        ("BFB", "BF-B"),
        ("HEIA", "HEI-A"),
        ("GEFB", "GEF-B"),
        ("LGFA", "LGF-A"),
        ("BRK.B", "BRK-B"),  # SSGA and Vanguard use a dot
        ("brk-b", "BRK-B"),
        (" AAPL ", "AAPL"),
        ("GOOGL", "GOOGL"),  # genuine five-letter symbols stay
        ("CMCSA", "CMCSA"),
    ],
)
def test_to_yahoo_maps_issuer_spellings(issuer: str, yahoo: str) -> None:
    assert to_yahoo(issuer) == yahoo


def test_to_yahoo_series_keeps_the_index_and_maps_every_row() -> None:
    tickers = pd.Series(["BRKB", "BF.B", "GOOGL"], index=[10, 20, 30])
    assert to_yahoo_series(tickers).to_dict() == {10: "BRK-B", 20: "BF-B", 30: "GOOGL"}


def test_alias_table_maps_the_concatenated_spelling_of_each_dashed_symbol() -> None:
    table = build_alias_table(["BRK-B", "MOG-A", "AAPL"])
    assert table.to_dict("records") == [
        {"issuer_ticker": "BRKB", "yahoo_ticker": "BRK-B"},
        {"issuer_ticker": "GEFB", "yahoo_ticker": "GEF-B"},
        {"issuer_ticker": "LGFA", "yahoo_ticker": "LGF-A"},
        {"issuer_ticker": "LGFB", "yahoo_ticker": "LGF-B"},
        {"issuer_ticker": "MOGA", "yahoo_ticker": "MOG-A"},
    ]


def test_alias_table_skips_an_alias_that_is_itself_a_listed_symbol() -> None:
    table = build_alias_table(["ABC-D", "ABCD"])
    assert "ABCD" not in set(table["issuer_ticker"])


def test_alias_table_skips_an_alias_two_dashed_symbols_would_share() -> None:
    table = build_alias_table(["AB-C", "A-BC"])
    assert "ABC" not in set(table["issuer_ticker"])


def test_shipped_alias_table_is_sorted_and_generated_from_the_finviz_universe(whole_raw_dir) -> None:
    text = resources.files("smallcap_screen.data").joinpath("ticker_aliases.csv").read_text(encoding="utf-8")
    shipped = pd.read_csv(io.StringIO(text), dtype=str)
    universe = pd.read_csv(whole_raw_dir / "fundamentals_finviz_2025-08-19.csv", usecols=["Ticker"])["Ticker"]
    assert list(shipped.columns) == ["issuer_ticker", "yahoo_ticker"]
    assert shipped["issuer_ticker"].is_monotonic_increasing
    assert shipped.to_dict("records") == build_alias_table(universe).to_dict("records")
