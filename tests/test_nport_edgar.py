"""N-PORT through the SEC client against a stand-in EDGAR on 127.0.0.1: fund identity, the
series filter, and each bad input as a one-line error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from smallcap_screen.errors import DataError, UnknownFundError
from smallcap_screen.sources.sec import nport
from smallcap_screen.sources.sec.client import SecClient
from tests.standins.sec import SecStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "nport"
USER_AGENT = "Jane Doe jane@example.com"
VANGUARD, AVANTIS = 36405, 1710607
# Derived accession numbers (see fixtures/nport/README.md): the trust files both series on one day.
FIVE_HUNDRED_2025Q2 = "0000036405-25-000201"
EXTENDED_2025Q2 = "0000036405-25-000202"
EXTENDED_2025Q1_WITHDRAWN = "0000036405-25-000101"


def submissions(*filings: tuple[str, str, str, str]) -> bytes:
    """A submissions answer in the SEC's layout from (accession, form, filed, report date) rows."""
    columns = list(zip(*filings)) if filings else [(), (), (), ()]
    recent = {
        "accessionNumber": list(columns[0]), "form": list(columns[1]), "filingDate": list(columns[2]),
        "reportDate": list(columns[3]), "primaryDocument": ["primary_doc.xml"] * len(filings),
    }
    return json.dumps({"cik": "36405", "filings": {"recent": recent, "files": []}}).encode()


def archive(cik: int, accession: str) -> str:
    return f"/Archives/edgar/data/{cik}/{accession.replace('-', '')}/primary_doc.xml"


def edgar(**extra: bytes | Path) -> SecStandIn:
    documents: dict[str, bytes | Path] = {
        "/files/company_tickers_mf.json": FIXTURES / "company_tickers_mf.json",
        "/files/company_tickers.json": FIXTURES / "company_tickers.json",
        f"/submissions/CIK{VANGUARD:010d}.json": submissions(
            (FIVE_HUNDRED_2025Q2, "NPORT-P", "2025-08-27", "2025-06-30"),
            (EXTENDED_2025Q2, "NPORT-P", "2025-08-27", "2025-06-30"),
            ("0000036405-25-000150", "N-CSRS", "2025-08-20", "2025-06-30"),
            (EXTENDED_2025Q1_WITHDRAWN, "NPORT-P", "2025-05-28", "2025-03-31"),
        ),
        archive(VANGUARD, FIVE_HUNDRED_2025Q2): FIXTURES / "vanguard_500_2025-06-30.xml",
        archive(VANGUARD, EXTENDED_2025Q2): FIXTURES / "vanguard_extended_market_2025-06-30.xml",
        f"/submissions/CIK{AVANTIS:010d}.json": submissions(("0001710607-25-000001", "N-CSR", "2025-02-01", "2024-11-30")),
    }
    return SecStandIn({**documents, **extra})


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
    older = (FIXTURES / "vanguard_extended_market_2025-06-30.xml").read_text().replace("2025-06-30", "2025-03-31")
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
    truncated = (FIXTURES / "vanguard_extended_market_2025-06-30.xml").read_bytes()[:3000]
    with edgar() as site, client(site) as sec:
        site.documents[archive(VANGUARD, FIVE_HUNDRED_2025Q2)] = truncated
        with pytest.raises(DataError, match="not well-formed XML") as error:
            nport.fund_holdings(sec, "VXF")
    assert "\n" not in str(error.value)
