"""Every fund of the table, downloaded from its issuer's stand-in site and parsed; each issuer's
broken answers; the issuer protocol as a new issuer would use it.

iShares and SSGA files follow the real downloads; Vanguard, WisdomTree and Schwab files follow the
formats seen in public code (no real sample exists: see tests/standins/issuer_files.py).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from smallcap_screen.errors import DataError, NetworkError, UnknownFundError
from smallcap_screen.sources.issuers import issuer_of, schwab, vanguard, wisdomtree
from smallcap_screen.registry import Fund, Registry, get_fund, registry
from smallcap_screen.sources.download import download_holdings
from smallcap_screen.sources.holdings_file import parse_holdings_bytes, read_holdings_file
from smallcap_screen.sources.http import HTML_RETRIES, HtmlAnswerError, HttpClient
from tests.standins import issuer_files
from tests.standins.internet import derived_list, ishares_csv_from_list
from tests.standins.issuers import HTML_PAGE, Fault, IssuerStandIn

AS_OF = "2025-11-18"


#: Lines of the whole VB list; Vanguard serves it in three pages of at most 500.
VB_LINES = 1327


@pytest.fixture(scope="module")
def lists(raw_dir) -> dict[str, list[dict]]:
    vb = derived_list(raw_dir / "VB_holdings_derived-portfolio-xray_2025-11.js")
    # The committed excerpt (21 lines) is repeated to the whole list's length, so paging is
    # still exercised; the parser merges the repeated lines of a ticker into one holding.
    vb = (vb * (VB_LINES // len(vb) + 1))[:VB_LINES]
    return {"IJR": derived_list(raw_dir / "IJR_holdings_derived-portfolio-xray_2025-11.js"), "VB": vb}


def issuer_file(fund: Fund, holdings: list[dict]) -> tuple[str, bytes]:
    """(file suffix, body) of ``holdings`` in the format of ``fund``'s issuer."""
    if fund.issuer == "ishares":
        return ".csv", ishares_csv_from_list(fund.name, "Nov 18, 2025", holdings).encode()
    if fund.issuer == "ssga":
        return ".xlsx", issuer_files.ssga_xlsx(holdings, fund=fund.ticker, fund_name=fund.name, as_of="18-Nov-2025")
    if fund.issuer == "vanguard":
        return ".json", issuer_files.vanguard_json(holdings, as_of=AS_OF)
    if fund.issuer == "wisdomtree":
        return ".json", issuer_files.wisdomtree_json(holdings, fund=fund.ticker, as_of=AS_OF, class_id=1)
    return ".csv", issuer_files.schwab_csv(holdings, as_of=AS_OF)


@pytest.fixture(scope="module")
def site(lists, tmp_path_factory):
    """Every fund of the table served by its issuer's stand-in: VB the whole VB list (1,300+
    holdings, three Vanguard pages), every other fund 60 lines of the IJR list."""
    folder = tmp_path_factory.mktemp("issuer-files")
    files = {}
    for fund in registry().funds.values():
        holdings = lists["VB"] if fund.ticker == "VB" else lists["IJR"][:60]
        suffix, body = issuer_file(fund, holdings)
        files[fund.ticker] = folder / f"{fund.ticker}{suffix}"
        files[fund.ticker].write_bytes(body)
    with IssuerStandIn(files) as standin:
        yield standin


@pytest.fixture
def client():
    with HttpClient(retries=1, spacing=0, sleep=lambda s: None) as http:
        yield http


def download(site, client, ticker: str):
    site.log.clear()
    return download_holdings(get_fund(ticker), client=client, base_urls=site.base_urls)


@pytest.mark.parametrize("ticker", list(registry().funds))
def test_every_fund_of_the_table_downloads_from_its_issuer(site, client, ticker, raw_figure):
    holdings = download(site, client, ticker)

    assert holdings.fund == ticker
    assert holdings.as_of == dt.date(2025, 11, 18)
    assert len(holdings.equities) >= raw_figure(whole=55, excerpt=20)
    assert holdings.equities["weight"].sum() == pytest.approx(1.0)
    assert not holdings.equities["ticker"].str.contains(" ").any()  # no "AAPL UQ" left


@pytest.mark.parametrize(("ticker", "product_id"), [("IWN", "239712"), ("IWO", "239709"), ("IJT", "239773")])
def test_ishares_funds_are_asked_by_their_own_product_ids(site, client, ticker, product_id):
    download(site, client, ticker)

    [request] = site.log
    assert request.path.startswith(f"/us/products/{product_id}/")


def test_vanguard_asks_page_after_page_until_it_has_them_all(site, client, lists):
    holdings = download(site, client, "VB")

    starts = [r.query["start"] for r in site.requests_on("vanguard")]
    assert starts == ["1", "501", "1001"]
    assert len(holdings.equities) + len(holdings.set_aside) == len(lists["VB"]) - _merged_lines(lists["VB"])


def _merged_lines(holdings: list[dict]) -> int:
    """Lines a parser merges into another of the same ticker."""
    tickers = [h["ticker"].upper().replace(".", "-") for h in holdings]
    return len(tickers) - len(set(tickers))


def test_wisdomtree_reads_the_class_id_from_the_fund_page_then_asks_the_api(site, client):
    holdings = download(site, client, "DES")

    assert [r.route for r in site.log] == ["wisdomtree-page", "wisdomtree-api"]
    assert site.log[0].path == "/us/products/equity/des"
    assert site.log[1].path == f"/api/fund-holdings/{site.class_id('DES')}"
    assert "US DOLLAR" in set(holdings.set_aside["name"])


def test_schwab_follows_the_export_link_of_the_product_page(site, client):
    holdings = download(site, client, "SCHA")

    assert [r.route for r in site.log] == ["schwab-page", "schwab-file"]
    assert site.log[1].path.endswith("/SCHA/SCHA_FundHoldings_2025-11-18.CSV")
    assert {"US DOLLAR", "EMINI MAR 26"} <= set(holdings.set_aside["name"])


# Each issuer's broken answers: a clear one-line error for that fund.

HTML_ROUTES = {"IWM": ["ajax", "latest"], "SPY": ["ssga-file"], "VB": ["vanguard"], "DES": ["wisdomtree-api"], "SCHA": ["schwab-file"]}


@pytest.mark.parametrize("ticker", list(HTML_ROUTES))
def test_an_html_page_instead_of_the_file_is_an_html_answer_error(site, client, ticker):
    for route in HTML_ROUTES[ticker]:
        site.inject(route, *[HTML_PAGE] * (HTML_RETRIES + 1))  # a page that comes back on every retry

    with pytest.raises(HtmlAnswerError) as raised:
        download(site, client, ticker)

    assert "\n" not in str(raised.value)


BROKEN = {
    "VB": ("vanguard", b'{"size": 3, "asOfDate": "2025-11-18", "fund": {"entity": [{"ticker": "AAPL", "perc'),
    "DES": ("wisdomtree-api", b'[{"dt": "2025-11-18", "wtClassID": 1, "wgt": 0.5, "securityName": "A"'),
    "SCHA": ("schwab-file", b"As-Of-Date,Symbol,Quantity,Percent of Assets,Name\r\n2025-11-18,AAPL,10,50.0,APPLE INC\r\n2025-11-18,MSFT,1"),
}


@pytest.mark.parametrize("ticker", list(BROKEN))
def test_a_cut_off_answer_is_a_data_error(site, client, ticker):
    route, body = BROKEN[ticker]
    site.inject(route, Fault(body=body))

    with pytest.raises(DataError, match="truncated|damaged"):
        download(site, client, ticker)


def test_a_vanguard_answer_missing_a_page_is_refused():
    answer = {"size": 900, "asOfDate": "2025-11-18", "fund": {"entity": [{"ticker": "AAPL", "percentWeight": "100"}]}}

    with pytest.raises(DataError, match="holds 1 of the 900 holdings"):
        vanguard.parse(json.dumps(answer).encode())


def test_a_wisdomtree_page_without_a_class_id_says_so(site, client):
    site.inject("wisdomtree-page", Fault(body=b"<html><body>Checking your browser</body></html>"))

    with pytest.raises(DataError, match="names no wtClassID"):
        download(site, client, "DES")


def test_a_schwab_page_without_the_export_link_says_so(site, client):
    site.inject("schwab-page", Fault(body=b"<html><body>Products</body></html>"))

    with pytest.raises(DataError, match="links no holdings export"):
        download(site, client, "SCHA")


def test_a_missing_fund_on_the_issuer_site_is_a_network_error(site, client):
    site.inject("vanguard", Fault(status=404, body=b"not found"))

    with pytest.raises(NetworkError, match="HTTP 404"):
        download(site, client, "VOO")


@pytest.mark.parametrize("module", [vanguard, wisdomtree])
def test_json_issuers_refuse_what_is_not_json(module):
    with pytest.raises(DataError, match="not"):
        module.parse(b"ticker,weight\nAAPL,1\n")


# Files passed as paths: recognised by content and named by the fund their header names.


@pytest.mark.parametrize(("ticker", "name"), [("IJR", "IJR.csv"), ("SPY", "SPY.xlsx"), ("DES", "DES.json"), ("SCHA", "SCHA.csv")])
def test_issuer_files_are_recognised_and_named_by_their_content(site, tmp_path, ticker, name):
    copy = tmp_path / ("holdings" + site.files[ticker].suffix)
    shutil.copy(site.files[ticker], copy)
    if ticker == "SCHA":  # Schwab's export names its fund only in its file name
        copy = copy.rename(tmp_path / "SCHA_FundHoldings_2025-11-18.CSV")

    assert read_holdings_file(copy).fund == ticker


def test_a_vanguard_file_is_recognised_and_read_whole(site, lists):
    holdings = parse_holdings_bytes(site.files["VB"].read_bytes(), fund="VB")

    assert len(holdings.equities) + len(holdings.set_aside) == len(lists["VB"]) - _merged_lines(lists["VB"])


# The registry: aliases, one-line errors, and a new issuer as one module plus rows.


@pytest.mark.parametrize(("alias", "ticker"), [("RUT", "IWM"), ("r2000", "IWM"), ("SP600", "IJR"), ("SPX", "SPY"), ("SP500", "SPY"), ("RUSSELL2000VALUE", "IWN")])
def test_index_aliases_name_funds(alias, ticker):
    assert get_fund(alias).ticker == ticker


def test_the_table_holds_every_fund_the_articles_name():
    wanted = "IWM IWN IWO IJR IJS IJT IJH IVV SPY SPSM SLY SLYV SLYG MDY VB VBR VBK VTWO VIOO VIOV VOO DES SCHA".split()
    assert set(wanted) <= set(registry().funds)
    assert {get_fund(t).issuer for t in wanted} == {"ishares", "ssga", "vanguard", "wisdomtree", "schwab"}


def test_an_unknown_fund_is_a_one_line_error_naming_known_ones():
    with pytest.raises(UnknownFundError, match="unknown fund 'XYZ'.*IWM") as raised:
        get_fund("XYZ")
    assert "\n" not in str(raised.value)


def test_an_alias_naming_two_funds_is_refused():
    table = "ticker,name,issuer,index,role,issuer_id,aliases\nAAA,A,ssga,X,small-cap,,IDX\nBBB,B,ssga,X,small-cap,,IDX\n"
    with pytest.raises(DataError, match="alias IDX names both AAA and BBB"):
        Registry.from_csv(table)


def test_a_fund_of_an_issuer_without_module_fails_in_one_line(client):
    fund = Fund("ZZZ", "Zed Fund", "zedfunds", "Zed Index", "small-cap")

    with pytest.raises(DataError, match="no issuer 'zedfunds' is known") as raised:
        download_holdings(fund, client=client)
    assert "\n" not in str(raised.value)


def test_an_ishares_fund_without_a_product_id_fails_in_one_line(client):
    fund = Fund("ZZZ", "iShares Zed ETF", "ishares", "Zed Index", "small-cap")

    with pytest.raises(DataError, match="no iShares product id"):
        download_holdings(fund, client=client)


ACME_MODULE = '''
"""A fictitious issuer: a plain "ticker;weight" text file at {base}/holdings/{ticker}.txt."""
import datetime as dt

import pandas as pd

from smallcap_screen.sources.issuers.base import Downloaded, first_usable, latest_only
from smallcap_screen.sources.parsing import build_holdings, decode_text, set_aside_reason, to_numbers

NAME = "acme.issuer"
LABEL = "Acme Funds"
HOME = "https://acme.example"
FORMAT = "text"


def download(fund, client, base_url, as_of):
    latest_only(fund, LABEL, as_of)
    return first_usable(client, [f"{base_url}/holdings/{fund.ticker}.txt"], expect=FORMAT, what=fund.ticker)


def recognises(content):
    return decode_text(content[:100]).startswith("ACME HOLDINGS")


def parse(content, *, fund=None, source=""):
    rows = [line.split(";") for line in decode_text(content).splitlines()[1:] if line]
    ticker = pd.Series([r[0] for r in rows])
    lines = pd.DataFrame({"issuer_ticker": ticker, "name": ticker, "sector": "", "asset_class": "",
                          "weight": to_numbers(pd.Series([r[1] for r in rows])) / 100, "market_value": float("nan"),
                          "shares": float("nan"), "reason": set_aside_reason(ticker, ticker)})
    return build_holdings(lines, fund=fund or "", as_of=dt.date(2025, 11, 18), source=source)
'''


def test_a_new_issuer_is_one_module_and_rows_in_the_fund_table(tmp_path, monkeypatch, client):
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "issuer.py").write_text(ACME_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    table = tmp_path / "funds.csv"
    rows = [",".join(["ticker", "name", "issuer", "index", "role", "issuer_id", "aliases"])]
    rows.append("ACME,Acme Small Cap Fund,acme.issuer,Acme 2000,small-cap,,ACME2000")
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    served = tmp_path / "ACME.txt"
    served.write_text("ACME HOLDINGS\nAAPL;60\nMSFT;40\n", encoding="utf-8")

    acme = Registry.from_csv(table.read_text(encoding="utf-8")).get("ACME2000")
    with IssuerStandIn({}) as site:
        site.extra_routes["/holdings/ACME.txt"] = served
        holdings = download_holdings(acme, client=client, base_urls={"acme.issuer": site.url})

    assert issuer_of(acme).LABEL == "Acme Funds"
    assert holdings.fund == "ACME" and list(holdings.tickers) == ["AAPL", "MSFT"]
    assert not registry().knows("ACME")  # the shipped table is untouched


#: Vanguard's web-site CSV. NO REAL SAMPLE EXISTS: the preamble and header are as described in
#: public code (see smallcap_screen/sources/issuers/vanguard.py); the rows are made up in that layout.
VANGUARD_SITE_CSV = b"""Holdings details

Small-Cap ETF (VB)


Equity,as of 10/31/2025

,SEDOL,HOLDINGS,TICKER,% OF FUNDS*,SUB-INDUSTRY,COUNTRY,SECURITYDEPOSITORYRECEIPTTYPE,MARKET VALUE*,SHARES
,BF4NC37,Natera Inc.,NTRA,0.40%,Biotechnology,United States,,"$640,000,000.00","3,500,000"
,2046251,Brown-Forman Corp. Class B,BF.B,0.10%,Distillers & Vintners,United States,,"$160,000,000.00","5,400,000"
,BYZ5HV6,Fictional Cash Sweep,,0.01%,,United States,,"$16,000,000.00",
"""


def test_a_vanguard_site_csv_a_user_downloaded_is_recognised_and_read(tmp_path):
    saved = tmp_path / "holdings.csv"
    saved.write_bytes(VANGUARD_SITE_CSV)

    holdings = read_holdings_file(saved)

    assert (holdings.fund, holdings.as_of) == ("VB", dt.date(2025, 10, 31))
    assert list(holdings.tickers) == ["NTRA", "BF-B"]
    assert holdings.equities["shares"].tolist() == [3_500_000, 5_400_000]
    assert holdings.equities["weight"].iloc[0] == pytest.approx(0.8)  # 640 of 800 million


def test_a_vanguard_site_csv_cut_before_its_rows_is_refused():
    cut = VANGUARD_SITE_CSV[: VANGUARD_SITE_CSV.index(b",BF4NC37")]

    with pytest.raises(DataError, match="no holdings under its header"):
        vanguard.parse(cut)


def test_the_catalog_names_a_fund_whose_issuer_has_no_downloader():
    from smallcap_screen.catalog import fund_catalog

    table = "ticker,name,issuer,index,role,issuer_id,aliases\nZZZ,Zed Fund,zedfunds,Zed Index,large-cap,,\nIWM,iShares Russell 2000 ETF,ishares,Russell 2000,small-cap,239710/ishares-russell-2000-etf,RUT\n"

    entries = fund_catalog(Registry.from_csv(table))

    assert [(e.fund, e.issuer, e.downloadable) for e in entries] == [("IWM", "iShares", True), ("ZZZ", "zedfunds", False)]
    assert entries[0].bundled and not entries[1].bundled
