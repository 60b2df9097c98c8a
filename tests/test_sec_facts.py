"""Company facts, submissions and fund identity through the SEC client, on the stand-in SEC
serving the real excerpts of tests/fixtures/sec (and the fund ticker file of tests/fixtures/nport)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from smallcap_screen.errors import UnknownFundError
from smallcap_screen.metrics.trailing_eps import trailing_eps_on
from smallcap_screen.sources.sec.client import SecClient, SecNotFound
from smallcap_screen.sources.sec.facts import company_concept, company_facts, submissions
from smallcap_screen.sources.sec.identity import FundIdentity, company_ciks, fund_identity
from tests.standins.sec import SecStandIn

FIXTURES = Path(__file__).parent / "fixtures"
AGENT = "Jane Doe jane@example.com"
SERVED = {
    "/files/company_tickers.json": FIXTURES / "sec" / "company_tickers.json",
    "/files/company_tickers_mf.json": FIXTURES / "nport" / "company_tickers_mf.json",
    "/api/xbrl/companyfacts/CIK0000320193.json": FIXTURES / "sec" / "companyfacts_aapl.json",
    "/api/xbrl/companyfacts/CIK0001652044.json": FIXTURES / "sec" / "companyfacts_goog.json",
    "/submissions/CIK0001835632.json": FIXTURES / "sec" / "submissions_mrvl.json",
}


def client_for(site: SecStandIn, **options) -> SecClient:
    return SecClient(AGENT, data_url=site.url, www_url=site.url, **options)


def test_ticker_to_facts_to_trailing_eps_in_two_requests_then_none_from_the_cache(tmp_path):
    with SecStandIn(SERVED) as site:
        with client_for(site, cache_dir=tmp_path) as client:
            cik = company_ciks(client)["GOOGL"]
            document = company_facts(client, cik)
            assert client.requests == 2
        with client_for(site, cache_dir=tmp_path) as warm:
            assert company_facts(warm, company_ciks(warm)["GOOG"]) == document
            assert warm.requests == 0 and warm.cache_hits == 2
        with client_for(site, cache_dir=tmp_path, max_age=dt.timedelta(0)) as stale:
            company_facts(stale, cik)
            assert stale.requests == 1  # refreshed only when stale
    assert [r.path for r in site.log] == [
        "/files/company_tickers.json", "/api/xbrl/companyfacts/CIK0001652044.json", "/api/xbrl/companyfacts/CIK0001652044.json",
    ]
    # By hand in tests/test_trailing_eps.py: 24.62 + (112.20 - 81.53) + 27.99 + 27.26.
    assert trailing_eps_on(document, dt.date(2022, 6, 30)).eps == pytest.approx(110.54)


def test_one_concept_is_one_request_each_and_cut_from_the_same_facts():
    with SecStandIn(SERVED) as site, client_for(site) as client:
        whole = company_facts(client, 320193)
        concept = company_concept(client, 320193, "EarningsPerShareDiluted")
    assert concept["units"] == whole["facts"]["us-gaap"]["EarningsPerShareDiluted"]["units"]
    assert client.requests == 2


def test_a_company_without_facts_is_not_found_in_one_line():
    with SecStandIn(SERVED) as site, client_for(site) as client:
        with pytest.raises(SecNotFound, match=r"the SEC has no XBRL company facts for CIK 1 \("):
            company_facts(client, 1)


def test_submissions_name_the_fiscal_year_end_and_recent_filings():
    with SecStandIn(SERVED) as site, client_for(site) as client:
        document = submissions(client, 1835632)
    assert document["fiscalYearEnd"] == "0130" and document["tickers"] == ["MRVL"]
    recent = document["filings"]["recent"]
    assert len(recent["form"]) == len(recent["filingDate"]) == len(recent["accessionNumber"]) == 12


def test_fund_identity_from_the_mutual_fund_ticker_file():
    rows = json.loads((FIXTURES / "nport" / "company_tickers_mf.json").read_text())["data"]
    voo = next(r for r in rows if r[3] == "VOO")
    with SecStandIn(SERVED) as site, client_for(site) as client:
        assert fund_identity(client, "voo") == FundIdentity("VOO", voo[0], voo[1], voo[2])
        with pytest.raises(UnknownFundError, match="NOPE is not in the SEC's list of fund tickers"):
            fund_identity(client, "NOPE")
