"""The finviz screener export becomes per-stock fundamentals, with its known faults flagged."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from smallcap_screen.errors import DataError
from smallcap_screen.sources.fundamentals_file import parse_finviz_csv
from smallcap_screen.sources.parsing import to_numbers

FIXTURES = Path(__file__).parent / "fixtures"
FINVIZ = "fundamentals_finviz_2025-08-19.csv"


@pytest.fixture(scope="module")
def finviz(raw_dir) -> pd.DataFrame:
    fundamentals = parse_finviz_csv((raw_dir / FINVIZ).read_bytes(), source=FINVIZ)
    assert fundamentals.forward_horizon == "FY2"
    return fundamentals.table


@pytest.fixture(scope="module")
def faults() -> pd.DataFrame:
    return parse_finviz_csv((FIXTURES / "finviz_faults.csv").read_bytes()).table


def test_every_row_with_a_ticker_becomes_one_stock(finviz, raw_figure) -> None:
    # 10,362 rows (103 in the excerpt); "NA" (Nano Labs) is a ticker like any other.
    assert len(finviz) == raw_figure(whole=10_362, excerpt=103)
    assert finviz.index.name == "ticker"


def test_units_become_dollars_and_shares(finviz) -> None:
    apple = finviz.loc["AAPL"]
    assert apple["price"] == 230.50
    assert apple["shares"] == pytest.approx(14_856.72e6)
    assert apple["market_cap"] == pytest.approx(3_420_709.82e6)
    assert apple["sales"] == pytest.approx(408_625e6)
    assert apple["book_per_share"] == 4.43
    assert (apple["currency"], apple["financial_currency"], apple["flags"]) == ("USD", "", "")


def test_trailing_eps_comes_from_price_over_pe_not_the_rounded_column(finviz) -> None:
    assert finviz.loc["AAPL", "eps_trailing"] == pytest.approx(230.50 / 35.04)
    # BE's EPS (ttm) reads 0.00; its P/E of 9961.70 carries the real figure.
    assert finviz.loc["BE", "eps_trailing"] == pytest.approx(46.82 / 9961.70)


def test_loss_makers_keep_their_eps_column_since_pe_is_blank(finviz) -> None:
    assert finviz.loc["HE", "eps_trailing"] == -0.33


def test_forward_eps_is_price_over_forward_pe_and_nan_where_blank(finviz) -> None:
    assert finviz.loc["AAPL", "eps_forward"] == pytest.approx(230.50 / 29.01)
    assert math.isnan(finviz.loc["TNXP", "eps_forward"])


def test_eps_not_adjusted_for_a_reverse_split_is_flagged_and_dropped(finviz) -> None:
    assert finviz.loc["TNXP", "flags"] == "eps_split_suspect"
    assert math.isnan(finviz.loc["TNXP", "eps_trailing"])


def test_tiny_eps_beside_a_large_income_is_not_mistaken_for_a_split(finviz) -> None:
    assert finviz.loc["BE", "flags"] == ""


def test_market_cap_far_from_price_times_shares_is_flagged_and_dropped(finviz) -> None:
    assert finviz.loc["HE", "flags"] == "market_cap_suspect"
    assert math.isnan(finviz.loc["HE", "market_cap"])


def test_share_classes_are_indexed_in_yahoo_form(finviz) -> None:
    assert {"BRK-B", "MOG-A", "BF-B"} <= set(finviz.index)


@pytest.mark.parametrize(
    ("ticker", "flag", "nan_column"),
    [
        ("NOPRICE", "price_invalid", "price"),
        ("NEGPE", "pe_invalid", "eps_trailing"),
        ("SPLIT", "eps_split_suspect", "eps_trailing"),
        ("TINYCAP", "market_cap_suspect", "market_cap"),
    ],
)
def test_each_absurd_value_is_flagged_and_set_to_nan(faults, ticker: str, flag: str, nan_column: str) -> None:
    assert flag in faults.loc[ticker, "flags"].split(";")
    assert math.isnan(faults.loc[ticker, nan_column])


def test_clean_rows_carry_no_flags(faults) -> None:
    good = faults.loc["GOOD"]
    assert good["flags"] == ""
    assert (good["eps_trailing"], good["eps_forward"]) == (pytest.approx(5.0), pytest.approx(6.25))


def test_numbers_parse_from_percent_and_thousands_strings() -> None:
    parsed = to_numbers(pd.Series(["0.83%", "1,234.50", "-", "", "-2"]))
    assert parsed.iloc[0] == pytest.approx(0.0083)
    assert parsed.iloc[1] == 1234.5
    assert parsed.iloc[2:4].isna().all()
    assert parsed.iloc[4] == -2


def test_an_export_without_the_needed_columns_names_them() -> None:
    with pytest.raises(DataError, match=r"lacks columns Price, P/E, EPS \(ttm\)"):
        parse_finviz_csv((FIXTURES / "finviz_missing_columns.csv").read_bytes())


def test_an_html_page_is_refused() -> None:
    with pytest.raises(DataError, match="HTML page"):
        parse_finviz_csv((FIXTURES / "ishares_error_page.html").read_bytes())
