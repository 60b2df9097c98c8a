"""N-PORT documents → holdings, checked against the real excerpts by hand (no network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from smallcap_screen.errors import DataError
from smallcap_screen.sources.sec import nport
from smallcap_screen.sources.sec.symbols import SymbolMap, normalised_name

FIXTURES = Path(__file__).parent / "fixtures" / "nport"
EXTENDED = FIXTURES / "vanguard_extended_market_2025-06-30.xml"
FIVE_HUNDRED = FIXTURES / "vanguard_500_2025-06-30.xml"

# The equity positions of the Extended Market excerpt as filed: (name, balance, valUSD).
EXTENDED_EQUITY = {
    "Surgery Partners Inc": (1158355, 25750231.65),
    "ExlService Holdings Inc": (2512785, 110034855.15),
    "Globalstar Inc": (779448, 18356000.40),
    "Oklo Inc": (1377255, 77112507.45),
    "OSI Systems Inc": (241695, 54347537.70),
    "Noble Corp PLC": (2013043, 53446291.65),
    "Celsius Holdings Inc": (2433200, 112876148.00),
    "Movado Group Inc": (241301, 3679840.25),
}


def symbols() -> SymbolMap:
    return SymbolMap.from_company_tickers(json.loads((FIXTURES / "company_tickers.json").read_text()))


def test_report_fields_as_filed():
    report = nport.parse_nport(EXTENDED.read_bytes())
    assert (report.series_id, report.cik, report.report_date) == ("S000002841", "0000036405", dt.date(2025, 6, 30))
    assert report.series_name == "VANGUARD EXTENDED MARKET INDEX FUND"
    assert report.net_assets == pytest.approx(113030166650.60)
    assert len(report.lines) == 14
    rty = report.lines[report.lines["ticker"] == "RTYU5"].iloc[0]
    assert (rty["asset_cat"], rty["issuer_cat"], rty["units"], rty["derivative"]) == ("DE", "OTHER", "NC", True)


def test_only_long_common_equity_enters_and_the_rest_is_counted_with_a_reason():
    reasons = nport.parse_nport(EXTENDED.read_bytes()).classified().set_index("title")["reason"]
    assert reasons["NASDAQ 100 E-MINI Sep25"] == reasons["E-Mini Russ 2000  Sep25"] == nport.DERIVATIVE
    assert reasons["Vanguard Market Liquidity Fund"] == nport.CASH
    assert reasons["MIRAGEN THER-CVR"] == nport.RIGHT  # EC, but a CVR filed with an internal id as ticker
    assert reasons["SRAX INC"] == nport.PREFERRED
    assert (reasons == "").sum() == len(EXTENDED_EQUITY)


def test_holdings_weights_from_value_and_prices_from_value_over_balance():
    report = nport.parse_nport(EXTENDED.read_bytes())
    holdings = nport.report_holdings(report, symbols().symbols(report.lines), fund="VXF")
    total = sum(value for _, value in EXTENDED_EQUITY.values())
    by_name = holdings.equities.set_index("name")
    for name, (balance, value) in EXTENDED_EQUITY.items():
        assert by_name.loc[name, "weight"] == pytest.approx(value / total)
        assert by_name.loc[name, "market_value"] / by_name.loc[name, "shares"] == pytest.approx(value / balance)
    assert holdings.as_of == dt.date(2025, 6, 30) and holdings.source == nport.SOURCE
    assert len(holdings.set_aside) == 6


def test_unmapped_holdings_stay_in_the_fund_and_are_named():
    report = nport.parse_nport(EXTENDED.read_bytes())
    holdings = nport.report_holdings(report, symbols().symbols(report.lines), fund="VXF")
    missing = nport.unmapped(holdings)
    assert sorted(missing["name"]) == ["Movado Group Inc", "Noble Corp PLC"]
    assert set(missing["ticker"]) == {"UNMAPPED:624580106", "UNMAPPED:G65431127"}  # by CUSIP
    mapped = holdings.equities.set_index("name")["ticker"]
    assert mapped["ExlService Holdings Inc"] == "EXLS" and mapped["OSI Systems Inc"] == "OSIS"


def test_name_matching_is_conservative():
    assert normalised_name("Boston Beer Co Inc/The") == "boston beer"
    assert normalised_name("Amazon.com Inc") == normalised_name("AMAZON COM INC")
    assert normalised_name("Qiagen N.V.") == "qiagen"
    tickers = {"0": {"ticker": "GOOGL", "title": "Alphabet Inc."}, "1": {"ticker": "GOOG", "title": "Alphabet Inc."},
               "2": {"ticker": "JPM", "title": "JPMORGAN CHASE & CO"}, "3": {"ticker": "JPM-PC", "title": "JPMORGAN CHASE & CO"}}
    found = SymbolMap.from_company_tickers(tickers)
    lines = pd.DataFrame({"name": ["Alphabet Inc", "JPMorgan Chase & Co"], "title": ["ALPHABET INC-A", "JPMORGAN CHASE"], "ticker": ["", ""]})
    assert found.symbols(lines).tolist() == ["", "JPM"]  # two classes of equal standing: no guess


def test_filed_ticker_wins_when_it_is_a_symbol():
    lines = pd.DataFrame({"name": ["Berkshire Hathaway Inc"], "title": ["BRK B"], "ticker": ["BRK.B"]})
    assert SymbolMap({}).symbols(lines).tolist() == ["BRK-B"]


@pytest.mark.parametrize(
    "body, says",
    [
        (b"", "empty"),
        (b"<html><body>Request Rate Threshold Exceeded</body></html>", "HTML page"),
        (EXTENDED.read_bytes()[:5000], "not well-formed XML"),
        (b'<?xml version="1.0"?><root><a/></root>', "not an N-PORT report"),
        (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><edgarSubmission>&lol2;</edgarSubmission>', "DOCTYPE"),
    ],
)
def test_damaged_or_hostile_documents_are_one_line_errors(body, says):
    with pytest.raises(DataError, match=says) as error:
        nport.parse_nport(body, source="VXF N-PORT")
    assert "\n" not in str(error.value)
