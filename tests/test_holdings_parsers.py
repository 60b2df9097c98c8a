"""Issuer holdings files (iShares CSV, SSGA xlsx, derived js lists, user CSVs) become Holdings:
equities with weights summing to 1 under Yahoo tickers, everything else set aside with a reason,
and every malformed input refused with a one-line DataError."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from smallcap_screen.errors import DataError
from smallcap_screen.model import Holdings
from smallcap_screen.sources.holdings_file import parse_holdings_bytes, read_holdings_file
from smallcap_screen.sources.issuers.ishares import parse as parse_ishares_csv
from smallcap_screen.sources.issuers.ssga import parse as parse_ssga_xlsx
from smallcap_screen.sources.user_csv import parse_user_csv
from smallcap_screen.sources.xray_js import parse_xray_js

FIXTURES = Path(__file__).parent / "fixtures"
IWM = "IWM_holdings_2025-11-05.csv"
IVV = "IVV_holdings_2025-11-18.csv"
SPY = "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx"
SPY_2026 = "SPY_holdings-daily-us-en-spy_2026-04-10.xlsx"
IJR = "IJR_holdings_derived-portfolio-xray_2025-11.js"
VB = "VB_holdings_derived-portfolio-xray_2025-11.js"


@pytest.fixture(scope="module")
def iwm(raw_dir) -> Holdings:
    return parse_ishares_csv((raw_dir / IWM).read_bytes(), source=IWM)


def weight_of(holdings: Holdings, ticker: str) -> float:
    return holdings.equities.set_index("ticker").loc[ticker, "weight"]


def reasons(holdings: Holdings) -> dict[str, str]:
    return dict(zip(holdings.set_aside["name"], holdings.set_aside["reason"]))


# iShares, against the real IWM and IVV downloads (or their committed excerpts, see conftest.py)


def test_iwm_file_says_fund_date_and_name(iwm) -> None:
    assert (iwm.fund, iwm.as_of, iwm.fund_name) == ("IWM", dt.date(2025, 11, 5), "iShares Russell 2000 ETF")


def test_iwm_keeps_the_listed_equities_and_sets_the_rest_aside(iwm, raw_figure) -> None:
    # 1,962 equity lines (43 in the excerpt), less 3 with ticker "-", 2 ADRO lines and 1 CVR on
    # no market; those 6 and 5 cash, collateral and futures lines are set aside.
    assert len(iwm.equities) == raw_figure(whole=1956, excerpt=37)
    assert len(iwm.set_aside) == 11
    assert iwm.equities["ticker"].is_unique


def test_iwm_weights_are_market_values_over_equity_market_value(iwm) -> None:
    assert iwm.equities["weight"].sum() == pytest.approx(1.0)
    total = iwm.equities["market_value"].sum()
    assert weight_of(iwm, "BE") == pytest.approx(731_205_514.79 / total)


def test_iwm_cash_futures_and_unlisted_lines_are_set_aside_with_reasons(iwm) -> None:
    why = reasons(iwm)
    assert why["BLK CSH FND TREASURY SL AGENCY"] == "not equity: Money Market"
    assert why["USD CASH"] == "not equity: Cash"
    assert why["RUSSELL 2000 EMINI CME DEC 25"] == "not equity: Futures"
    assert why["CASH COLLATERAL MSFUT USD"] == "not equity: Cash Collateral and Margins"
    assert why["OMNIAB INC $15.00 VESTING Prvt"] == "unlisted (no market)"
    assert why["CHINOOK THERAPEUTICS INC CVR"] == "unlisted (no market)"


def test_iwm_equity_priced_at_zero_stays_with_its_tiny_weight(iwm) -> None:
    assert 0 < weight_of(iwm, "SBT") < 1e-8


def test_iwm_share_classes_become_yahoo_symbols(iwm) -> None:
    equities = iwm.equities.set_index("issuer_ticker")
    assert equities.loc["MOGA", "ticker"] == "MOG-A"
    assert equities.loc["GEFB", "ticker"] == "GEF-B"


def test_ivv_maps_brkb_and_keeps_googl_and_real_jpm(raw_dir, raw_figure) -> None:
    ivv = parse_ishares_csv((raw_dir / IVV).read_bytes())
    assert (ivv.fund, ivv.as_of, len(ivv.equities)) == ("IVV", dt.date(2025, 11, 18), raw_figure(whole=503, excerpt=21))
    tickers = set(ivv.tickers)
    assert {"BRK-B", "BF-B", "GOOGL", "GOOG", "JPM"} <= tickers
    assert "BRKB" not in tickers
    # JPM is also the name of a cash-collateral line; only that line is set aside.
    assert reasons(ivv)["CASH COLLATERAL USD JPM"] == "not equity: Cash Collateral and Margins"


def test_market_weight_layout_of_ijr_and_ijh_is_read(tmp_path) -> None:
    holdings = parse_ishares_csv((FIXTURES / "ishares_market_weight_layout.csv").read_bytes(), fund="IJR")
    assert holdings.as_of == dt.date(2025, 11, 18)
    assert holdings.equities[["ticker", "weight"]].to_dict("records") == [
        {"ticker": "SNDK", "weight": pytest.approx(0.6)},
        {"ticker": "MOG-A", "weight": pytest.approx(0.1)},
        {"ticker": "GOOGL", "weight": pytest.approx(0.3)},
    ]
    assert sorted(holdings.set_aside["issuer_ticker"]) == ["-", "ESZ5", "XTSLA"]


def test_ishares_fund_falls_back_to_the_name_on_line_one() -> None:
    holdings = parse_ishares_csv((FIXTURES / "ishares_market_weight_layout.csv").read_bytes())
    assert holdings.fund == "IJR"  # "iShares Core S&P Small-Cap ETF" is IJR in the registry


def test_empty_ishares_answer_says_no_holdings() -> None:
    with pytest.raises(DataError, match="returned no holdings"):
        parse_ishares_csv((FIXTURES / "ishares_empty_answer.csv").read_bytes())


def test_html_page_instead_of_csv_is_refused() -> None:
    with pytest.raises(DataError, match="HTML page"):
        parse_ishares_csv((FIXTURES / "ishares_error_page.html").read_bytes())


def test_ishares_file_cut_inside_a_row_is_refused(raw_dir) -> None:
    content = (raw_dir / IWM).read_bytes()
    cut = content.index(b'"FN","FABRINET"') + 40  # inside a quoted number
    with pytest.raises(DataError, match="truncated"):
        parse_ishares_csv(content[:cut])


def test_ishares_file_cut_after_a_whole_row_is_refused(raw_dir) -> None:
    content = (raw_dir / IWM).read_bytes()
    cut = content.index(b'"FN","FABRINET"')  # the table just stops, no disclaimer
    with pytest.raises(DataError, match="truncated"):
        parse_ishares_csv(content[:cut])


def test_ishares_file_cut_before_its_header_is_refused(raw_dir) -> None:
    content = (raw_dir / IWM).read_bytes()
    with pytest.raises(DataError, match="no 'Ticker,...' header"):
        parse_ishares_csv(content[:100])


def test_ishares_file_with_only_cash_lines_is_refused() -> None:
    with pytest.raises(DataError, match="no equity lines"):
        parse_ishares_csv((FIXTURES / "ishares_no_equities.csv").read_bytes())


# SSGA, against the real SPY workbooks


def test_spy_workbook_reads_fund_date_and_equities(raw_dir, raw_figure) -> None:
    spy = parse_ssga_xlsx((raw_dir / SPY).read_bytes())
    assert (spy.fund, spy.as_of, len(spy.equities)) == ("SPY", dt.date(2025, 11, 18), raw_figure(whole=503, excerpt=29))
    assert spy.fund_name == "SPDR® S&P 500® ETF Trust"
    assert spy.equities["weight"].sum() == pytest.approx(1.0)
    assert spy.equities["market_value"].isna().all()  # SSGA publishes no prices


def test_spy_dotted_classes_become_yahoo_symbols(raw_dir) -> None:
    spy = parse_ssga_xlsx((raw_dir / SPY).read_bytes())
    equities = spy.equities.set_index("issuer_ticker")
    assert equities.loc["BRK.B", "ticker"] == "BRK-B"
    assert equities.loc["BF.B", "ticker"] == "BF-B"


def test_spy_cash_and_rights_are_set_aside(raw_dir) -> None:
    spy = parse_ssga_xlsx((raw_dir / SPY_2026).read_bytes())
    assert reasons(spy) == {"US DOLLAR": "cash or derivative", "CONTRA HOLOGIC INCORPO": "no exchange ticker"}
    assert spy.set_aside.set_index("name").loc["US DOLLAR", "weight"] == pytest.approx(0.00292478)


def test_xlsx_that_is_really_html_is_refused() -> None:
    with pytest.raises(DataError, match="HTML page"):
        parse_ssga_xlsx((FIXTURES / "spy_holdings_really_html.xlsx").read_bytes())


def test_truncated_xlsx_is_refused(raw_dir) -> None:
    content = (raw_dir / SPY).read_bytes()
    with pytest.raises(DataError, match="not a readable xlsx"):
        parse_ssga_xlsx(content[: len(content) // 2])


# Derived js lists


def test_ijr_list_takes_the_fund_from_its_key_and_sets_cash_aside(raw_dir, raw_figure) -> None:
    ijr = parse_xray_js((raw_dir / IJR).read_bytes(), as_of=dt.date(2025, 11, 18))
    # 629 equity lines, 27 of them a second 0.00% line of a ticker already listed: 602 holdings
    # (the excerpt keeps 30 equity lines, LUMN, LNC and MKTX with their second line: 27).
    assert (ijr.fund, ijr.as_of, len(ijr.equities)) == ("IJR", dt.date(2025, 11, 18), raw_figure(whole=602, excerpt=27))
    assert ijr.equities["weight"].sum() == pytest.approx(1.0)
    # LUMN's 0.43% line and its 0.00% line are one holding, weighed against SNDK's 2.39% line.
    assert weight_of(ijr, "LUMN") / weight_of(ijr, "SNDK") == pytest.approx(0.43 / 2.39, rel=1e-9)
    listed = ijr.set_aside[ijr.set_aside["name"] != "(not in the list)"]  # an excerpt leaves most of the list out
    assert set(listed["issuer_ticker"]) == {"XTSLA", "USD", "RTYZ5", "GSISW", "RBCFT", "HSBBK", "PARSW", "-"}
    assert "MOG-A" in ijr.tickers


def test_stocks_mislabelled_as_cash_in_a_derived_list_stay_equities(raw_dir) -> None:
    vb = parse_xray_js((raw_dir / VB).read_bytes())
    assert {"EGP", "CNH", "BF-B", "UHAL-B"} <= set(vb.tickers)
    # nothing is set aside but the weight the list leaves out (the whole list sums to 98.63%)
    assert list(vb.set_aside["name"]) == ["(not in the list)"]


def test_a_derived_list_short_of_100_percent_sets_the_rest_aside(whole_raw_dir) -> None:
    vb = parse_xray_js((whole_raw_dir / VB).read_bytes())
    assert vb.set_aside["weight"].sum() == pytest.approx(0.0137)
    assert parse_xray_js((whole_raw_dir / IJR).read_bytes()).set_aside["name"].str.contains("not in the list").sum() == 0


def test_js_without_the_holdings_assignment_is_refused() -> None:
    with pytest.raises(DataError, match="window.ETF_HOLDINGS"):
        parse_xray_js(b"var x = 1;")


# User portfolio CSVs


def test_user_csv_normalises_tickers_sums_duplicates_and_weights() -> None:
    holdings = parse_user_csv((FIXTURES / "portfolio.csv").read_bytes())
    weights = holdings.equities.set_index("ticker")["weight"].to_dict()
    assert weights == {"AAPL": pytest.approx(0.4), "BRK-B": pytest.approx(0.4), "MSFT": pytest.approx(0.2)}


def test_user_csv_accepts_any_positive_numbers_and_semicolons() -> None:
    holdings = parse_user_csv(b"TICKER;WEIGHT\nAAPL;3\nMSFT;1\n")
    assert weight_of(holdings, "AAPL") == pytest.approx(0.75)


def test_user_csv_negative_weight_names_the_line() -> None:
    with pytest.raises(DataError, match=r"line 3 \(MSFT,-0.2\)"):
        parse_user_csv((FIXTURES / "portfolio_negative_weight.csv").read_bytes(), source="mine.csv")


def test_user_csv_non_numeric_weight_names_the_line() -> None:
    with pytest.raises(DataError, match="line 2"):
        parse_user_csv(b"ticker,weight\nAAPL,lots\n")


def test_user_csv_without_a_weight_column_says_what_it_needs() -> None:
    with pytest.raises(DataError, match="lacks column.*weight"):
        parse_user_csv(b"ticker,amount\nAAPL,1\n")


# Choosing the parser by content


@pytest.mark.parametrize(
    ("name", "fund", "whole", "excerpt"), [(IWM, "IWM", 1956, 37), (SPY, "SPY", 503, 29), (IJR, "IJR", 602, 27)]
)
def test_read_holdings_file_recognises_each_issuer_format(raw_dir, raw_figure, name, fund, whole, excerpt) -> None:
    holdings = read_holdings_file(raw_dir / name)
    count = raw_figure(whole=whole, excerpt=excerpt)
    assert (holdings.fund, len(holdings.equities), holdings.source) == (fund, count, str(raw_dir / name))


def test_user_csv_fund_defaults_to_the_file_stem() -> None:
    assert read_holdings_file(FIXTURES / "portfolio.csv").fund == "PORTFOLIO"


def test_fund_argument_overrides_the_file() -> None:
    assert read_holdings_file(FIXTURES / "portfolio.csv", fund="MINE").fund == "MINE"


def test_html_file_is_named_as_an_html_page() -> None:
    with pytest.raises(DataError, match="is an HTML page, not a holdings file"):
        read_holdings_file(FIXTURES / "spy_holdings_really_html.xlsx")


def test_missing_file_is_a_one_line_data_error(tmp_path) -> None:
    with pytest.raises(DataError, match="cannot read holdings file") as caught:
        read_holdings_file(tmp_path / "nope.csv")
    assert "\n" not in str(caught.value)


def test_downloaded_bodies_are_sniffed_too(raw_dir) -> None:
    holdings = parse_holdings_bytes((raw_dir / IVV).read_bytes(), source="https://example.test/ivv")
    assert (holdings.fund, holdings.source) == ("IVV", "https://example.test/ivv")


def test_every_parser_returns_the_documented_columns(iwm) -> None:
    from smallcap_screen.model import EQUITY_COLUMNS, SET_ASIDE_COLUMNS

    assert list(iwm.equities.columns) == EQUITY_COLUMNS
    assert list(iwm.set_aside.columns) == SET_ASIDE_COLUMNS
    assert isinstance(iwm.equities, pd.DataFrame)


def test_semicolon_portfolio_is_read_with_decimal_commas():
    from smallcap_screen.sources.user_csv import parse_user_csv

    holdings = parse_user_csv(b"ticker;weight\nAAPL;1,5\nMSFT;1.498,5\n")
    weights = dict(zip(holdings.equities["ticker"], holdings.equities["weight"]))
    assert weights == pytest.approx({"AAPL": 0.001, "MSFT": 0.999})
