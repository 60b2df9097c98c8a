"""N-PORT through the SEC client against a stand-in EDGAR on 127.0.0.1: fund identity, the
series filter, and each bad input as a one-line error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from smallcap_screen.errors import DataError, UnknownFundError
from smallcap_screen.sources.sec import nport
from smallcap_screen.sources.sec.client import SecClient
from tests.standins import edgar as edgar_documents
from tests.standins.edgar import EXTENDED_2025Q1_WITHDRAWN, EXTENDED_MARKET, EXTENDED_2025Q2, FIVE_HUNDRED_2025Q2, VANGUARD, archive, submissions
from tests.standins.sec import SecStandIn

USER_AGENT = "Jane Doe jane@example.com"


def edgar(**extra: bytes | Path) -> SecStandIn:
    return SecStandIn({**edgar_documents.documents(), **extra})


def client(site: SecStandIn) -> SecClient:
    return SecClient(USER_AGENT, data_url=site.url, www_url=site.url)


def test_a_trust_with_two_series_never_mixes_them():
    with edgar() as site, client(site) as sec:
        extended = nport.fund_holdings(sec, "VXF")
        five_hundred = nport.fund_holdings(sec, "VFIAX")
    assert extended.fund_name == "VANGUARD EXTENDED MARKET INDEX FUND"
    assert five_hundred.fund_name == "VANGUARD 500 INDEX FUND"
    assert set(five_hundred.tickers) == {"UAL", "DLR", "GM"}
    assert not set(extended.tickers) & set(five_hundred.tickers)
    assert extended.source == f"{nport.SOURCE} {EXTENDED_2025Q2}" and extended.as_of == dt.date(2025, 6, 30)


def test_every_report_date_is_a_dated_holdings_set_and_a_withdrawn_filing_is_skipped():
    older = EXTENDED_MARKET.read_text().replace("2025-06-30", "2025-03-31")
    with edgar() as site, client(site) as sec:
        site.documents[archive(VANGUARD, EXTENDED_2025Q1_WITHDRAWN)] = older.encode()
        history = nport.holdings_history(sec, "VXF")
        del site.documents[archive(VANGUARD, EXTENDED_2025Q1_WITHDRAWN)]  # now withdrawn: 404
        sec_again = SecClient(USER_AGENT, data_url=site.url, www_url=site.url)
        newest_only = nport.holdings_history(sec_again, "VXF")
    assert [h.as_of for h in history] == [dt.date(2025, 6, 30), dt.date(2025, 3, 31)]
    assert [h.as_of for h in newest_only] == [dt.date(2025, 6, 30)]


def test_a_ticker_that_is_no_fund_is_an_unknown_fund():
    with edgar() as site, client(site) as sec, pytest.raises(UnknownFundError, match="ZZZZ is not in the SEC's list of fund tickers"):
        nport.fund_holdings(sec, "ZZZZ")


def test_a_fund_with_no_nport_yet():
    with edgar() as site, client(site) as sec, pytest.raises(DataError, match="AVUV: the SEC has no N-PORT report") as error:
        nport.fund_holdings(sec, "AVUV")
    assert "\n" not in str(error.value)


def test_a_withdrawn_only_filing_is_named():
    only_withdrawn = submissions((EXTENDED_2025Q2, "NPORT-P", "2025-08-27", "2025-06-30"))
    with edgar(**{f"/submissions/CIK{VANGUARD:010d}.json": only_withdrawn}) as site, client(site) as sec:
        del site.documents[archive(VANGUARD, EXTENDED_2025Q2)]
        with pytest.raises(DataError, match=f"withdrawn or missing: {EXTENDED_2025Q2}"):
            nport.fund_holdings(sec, "VXF")


def test_a_damaged_document_is_a_one_line_error():
    truncated = EXTENDED_MARKET.read_bytes()[:3000]
    with edgar() as site, client(site) as sec:
        site.documents[archive(VANGUARD, FIVE_HUNDRED_2025Q2)] = truncated
        with pytest.raises(DataError, match="not well-formed XML") as error:
            nport.fund_holdings(sec, "VXF")
    assert "\n" not in str(error.value)
