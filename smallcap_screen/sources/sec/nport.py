"""SEC Form N-PORT (NPORT-P): a fund's whole portfolio on a report date, as every registered US
fund files it, read into :class:`~smallcap_screen.model.Holdings`.

The document is the filing's ``primary_doc.xml``: ``genInfo`` names the series (``seriesId``) and
the report date (``repPdDate``); each ``invstOrSecs/invstOrSec`` is one position with name, title,
CUSIP, identifiers (ISIN, a ticker when the filer gives one), balance and its units (``NS``
shares, ``PA`` principal, ``NC`` contracts), value in USD, percent of net assets, payoff profile
(Long/Short), asset category (``EC`` common equity, ``EP`` preferred, ``DBT``, ``STIV`` short-term
vehicles, ``DE`` derivatives ...) and issuer category (``CORP``, ``RF`` registered fund ...).

What enters the fund's P/E: long common equity of operating companies, in shares, of positive
value. Everything else is set aside with the reason (see ``SET_ASIDE_REASONS``), which is how
the figures say what they leave out. Two rules come from real filings: a money-market fund is
often filed as ``EC`` with issuer category ``RF`` (Goldman Sachs Financial Square Government
Fund in the GS Bond Fund's report), and a contingent value right as ``EC`` with a ticker that is
an internal id (Vanguard's "MIRAGEN THER-CVR", ticker ``1843576D``).

Weights come from ``valUSD`` (percent of net assets has 12 decimals but counts the set-aside
lines too); the price of the report date is ``valUSD / balance`` (unadjusted, as the holdings
of that day were worth), kept as ``market_value`` and ``shares``.

Parsing is safe for hostile input: a document with a DOCTYPE is refused before the XML parser
sees it (N-PORT never declares one, and entity declarations can only come in a DOCTYPE, so no
entity can be expanded), the size is bounded by :mod:`..input_bounds`, and an HTML page, a
truncated document or one that is not an NPORT-P is a one-line DataError.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ..input_bounds import bounded_text
from ..parsing import build_holdings, is_exchange_symbol, reject_unusable
from .symbols import SymbolMap

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: The source label of holdings read from N-PORT (``Holdings.source``).
SOURCE = "SEC N-PORT"
#: Forms whose primary document is an NPORT-P report (an amendment replaces its report).
NPORT_FORMS = ("NPORT-P", "NPORT-P/A")

#: Why a line is not in the fund's P/E, by kind (the ``reason`` of ``Holdings.set_aside``).
DERIVATIVE = "derivative (future, swap, option, forward)"
CASH = "cash or money-market fund"
FUND_SHARES = "shares of another fund"
SHORT = "short position"
PREFERRED = "preferred stock"
RIGHT = "right, warrant or CVR"
NOT_EQUITY = "not equity"
NOT_SHARES = "not held in shares"
#: The key of an equity holding no price symbol was found for: ``UNMAPPED:<CUSIP, ISIN or name>``.
#: It is never sent to a quote source; its weight counts against coverage.
UNMAPPED = "UNMAPPED:"
SET_ASIDE_REASONS = (DERIVATIVE, CASH, FUND_SHARES, SHORT, PREFERRED, RIGHT, NOT_EQUITY, NOT_SHARES)

#: Columns of :attr:`NportReport.lines`, one row per ``invstOrSec`` in filing order.
LINE_FIELDS = [
    "name", "title", "lei", "cusip", "isin", "ticker", "balance", "units", "currency", "value_usd",
    "pct_value", "payoff", "asset_cat", "issuer_cat", "derivative",
]

_NS = re.compile(r"^\{[^}]*\}")
_RIGHT_TITLE = re.compile(r"\b(?:CVR|RIGHTS?|WARRANTS?|WTS?|RTS)\b", re.IGNORECASE)
_MISSING = {"", "N/A", "NA", "NONE", "000000000"}


@dataclass(frozen=True)
class NportReport:
    """One NPORT-P document: who filed it, for which series and date, and every position."""

    series_id: str
    series_name: str
    registrant: str
    cik: str
    report_date: dt.date
    period_end: dt.date | None
    net_assets: float | None
    lines: pd.DataFrame

    def classified(self) -> pd.DataFrame:
        """``lines`` with a ``reason`` column: "" for a long common-equity holding, else why not."""
        return self.lines.assign(reason=set_aside_reasons(self.lines))


def parse_nport(content: bytes, *, source: str = "N-PORT document") -> NportReport:
    """Read an NPORT-P ``primary_doc.xml``; DataError (one line) for anything else or a damaged one."""
    content = bounded_text(content, source)
    reject_unusable(content, source, "an N-PORT XML document")
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise DataError(f"{source} declares a DOCTYPE or entities, which no N-PORT document does: refused unread")
    from xml.etree.ElementTree import ParseError, fromstring  # here: most runs read no N-PORT

    try:
        root = fromstring(content)
    except ParseError as error:
        raise DataError(f"{source} is not well-formed XML ({error}): truncated or damaged; download it again") from None
    if _local(root.tag) != "edgarSubmission" or _first(root, "genInfo") is None:
        raise DataError(f"{source} is XML but not an N-PORT report (no edgarSubmission/genInfo)")
    gen = _first(root, "genInfo")
    report_date = _date(_text(gen, "repPdDate"))
    if report_date is None:
        raise DataError(f"{source}: genInfo has no report date (repPdDate); the document is incomplete")
    fund_info = _first(root, "fundInfo")
    rows = [_line(element) for element in root.iter() if _local(element.tag) == "invstOrSec"]
    lines = pd.DataFrame(rows, columns=LINE_FIELDS)
    for column in ("balance", "value_usd", "pct_value"):
        lines[column] = pd.to_numeric(lines[column], errors="coerce").astype("float64")
    return NportReport(
        series_id=_text(gen, "seriesId"),
        series_name=_text(gen, "seriesName"),
        registrant=_text(gen, "regName"),
        cik=_text(gen, "regCik"),
        report_date=report_date,
        period_end=_date(_text(gen, "repPdEnd")),
        net_assets=_number(_text(fund_info, "netAssets")) if fund_info is not None else None,
        lines=lines,
    )


def set_aside_reasons(lines: pd.DataFrame) -> pd.Series:
    """Why each line is not a long common-equity holding ("" when it is one); first rule wins."""
    asset = lines["asset_cat"].fillna("").str.upper()
    issuer = lines["issuer_cat"].fillna("").str.upper()
    units = lines["units"].fillna("").str.upper()
    payoff = lines["payoff"].fillna("").str.lower()
    title = lines["title"].fillna("") + " " + lines["name"].fillna("")
    bad_ticker = lines["ticker"].fillna("").ne("") & ~is_exchange_symbol(lines["ticker"])
    rules = [
        (lines["derivative"] | asset.str.startswith("D") & asset.ne("DBT"), DERIVATIVE),
        (asset.eq("STIV") | title.str.contains(r"\b(?:CASH|MONEY MARKET|LIQUIDITY FUND)\b", case=False), CASH),
        (issuer.eq("RF"), FUND_SHARES),
        (payoff.eq("short") | (lines["balance"] < 0) | (lines["value_usd"] < 0), SHORT),
        (asset.eq("EP"), PREFERRED),
        (title.str.contains(_RIGHT_TITLE) | (asset.eq("EC") & bad_ticker), RIGHT),
        (asset.ne("EC"), NOT_EQUITY),
        (units.ne("NS"), NOT_SHARES),
    ]
    reason = pd.Series("", index=lines.index, dtype=object)
    for matches, why in reversed(rules):  # the first rule that matches is written last
        reason = reason.mask(matches.fillna(False).astype(bool), why)
    return reason


def report_holdings(report: NportReport, symbols: pd.Series, *, fund: str, source: str = SOURCE) -> Holdings:
    """The report's long equity as :class:`Holdings` of ``fund`` on the report date.

    ``symbols`` gives each line's price symbol (aligned with ``report.lines``; "" where none is
    known: see :mod:`.symbols`). A holding without a symbol stays in the fund under the key
    ``UNMAPPED:<CUSIP or ISIN or name>`` so that it counts against coverage and is named, never
    priced. Weights come from ``valUSD``; ``shares`` is the balance, so ``market_value / shares``
    is the report date's price.
    """
    lines = report.classified()
    equity, symbols = lines["reason"] == "", symbols.fillna("")
    filed_or_id = lines["ticker"].where(lines["ticker"] != "", _identifier(lines))
    keys = symbols.where(equity & (symbols != ""), (UNMAPPED + _identifier(lines)).where(equity, filed_or_id))
    frame = pd.DataFrame(
        {
            "issuer_ticker": keys,
            "name": lines["name"].where(~lines["name"].isin(["", "N/A"]), lines["title"]),
            "sector": "",
            "asset_class": lines["asset_cat"],
            "weight": lines["pct_value"] / 100,
            "market_value": lines["value_usd"],
            "shares": lines["balance"].where(lines["units"].str.upper() == "NS"),
            "reason": lines["reason"],
        }
    )
    what = f"{fund} N-PORT report of {report.report_date}"
    return build_holdings(frame, fund=fund, as_of=report.report_date, source=source, fund_name=report.series_name, what=what)


def from_nport(holdings: Holdings) -> bool:
    """Whether ``holdings`` were read from an N-PORT report (their source says so, also once stored)."""
    return holdings.source.startswith(SOURCE)


def unmapped(holdings: Holdings) -> pd.DataFrame:
    """The equity lines of ``holdings`` that have no price symbol (they count against coverage)."""
    return holdings.equities[holdings.equities["ticker"].str.startswith(UNMAPPED)]


def _identifier(lines: pd.DataFrame) -> pd.Series:
    cusip = lines["cusip"].where(~lines["cusip"].str.upper().isin(_MISSING), "")
    isin = lines["isin"].where(~lines["isin"].str.upper().isin(_MISSING), "")
    name = lines["name"].where(~lines["name"].str.upper().isin(_MISSING), lines["title"])
    return cusip.where(cusip != "", isin.where(isin != "", name.str.upper()))


def _line(element: Element) -> dict:
    identifiers = _first(element, "identifiers")
    values = {name: _text(element, name) for name in ("name", "title", "lei", "cusip", "balance", "units", "valUSD", "pctVal", "payoffProfile", "assetCat", "issuerCat")}
    # The categories come as elements, or as attributes of a "conditional" element when the filer
    # chose "other" (<issuerConditional issuerCat="OTHER"/>, <assetConditional assetCat="OTHER"/>).
    asset = values["assetCat"] or _attribute(element, "assetConditional", "assetCat")
    issuer = values["issuerCat"] or _attribute(element, "issuerConditional", "issuerCat")
    currency = _text(element, "curCd") or _attribute(element, "currencyConditional", "curCd")
    return {
        "name": values["name"],
        "title": values["title"],
        "lei": values["lei"],
        "cusip": values["cusip"],
        "isin": _attribute(identifiers, "isin", "value") if identifiers is not None else "",
        "ticker": (_attribute(identifiers, "ticker", "value") if identifiers is not None else "").upper(),
        "balance": values["balance"],
        "units": values["units"],
        "currency": currency,
        "value_usd": values["valUSD"],
        "pct_value": values["pctVal"],
        "payoff": values["payoffProfile"],
        "asset_cat": asset,
        "issuer_cat": issuer,
        "derivative": _first(element, "derivativeInfo") is not None,
    }


def _local(tag: str) -> str:
    return _NS.sub("", tag)


def _first(parent: Element | None, name: str) -> Element | None:
    """The first descendant called ``name`` (any namespace) of ``parent``, or None."""
    if parent is None:
        return None
    return next((child for child in parent.iter() if child is not parent and _local(child.tag) == name), None)


def _text(parent: Element | None, name: str) -> str:
    """Text of the direct child ``name`` of ``parent`` (any namespace), stripped; "" if none."""
    if parent is None:
        return ""
    child = next((c for c in parent if _local(c.tag) == name), None)
    return (child.text or "").strip() if child is not None else ""


def _attribute(parent: Element | None, name: str, attribute: str) -> str:
    child = next((c for c in parent if _local(c.tag) == name), None) if parent is not None else None
    return (child.get(attribute) or "").strip() if child is not None else ""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise DataError(f"N-PORT date '{printable(text)}' is not YYYY-MM-DD") from None


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None

# -- finding a fund's reports on EDGAR -----------------------------------------------------------

#: A filing document never changes once filed: cached answers of the Archives are kept this long.
DOCUMENT_MAX_AGE = dt.timedelta(days=365)
#: Most filing documents of other series opened in a row while looking for one series' next
#: report (a trust files for all its series on one day; each document is opened to read its
#: seriesId). American Century's ETF trust has about 40 series.
MAX_DOCUMENTS_OPENED = 60


@dataclass(frozen=True)
class Filing:
    """One NPORT-P (or amendment) in a trust's submissions: where its document is and its dates."""

    cik: int
    accession: str
    form: str
    filed: dt.date
    report_date: dt.date | None

    def document_url(self, www_url: str) -> str:
        return f"{www_url}/Archives/edgar/data/{self.cik}/{self.accession.replace('-', '')}/primary_doc.xml"


def nport_filings(client: Any, cik: int) -> list[Filing]:
    """Every NPORT-P and NPORT-P/A the trust ``cik`` filed, newest report date first (for one
    report date the latest filed, i.e. an amendment, first), from ``filings.recent`` and the
    older pages listed in ``filings.files``."""
    url = f"{client.data_url}/submissions/CIK{cik:010d}.json"
    document = client.get_json(url)
    pages = [(document.get("filings") or {}).get("recent") or {}] if isinstance(document, dict) else []
    for older in (document.get("filings") or {}).get("files") or [] if isinstance(document, dict) else []:
        name = older.get("name", "") if isinstance(older, dict) else ""
        if name:
            pages.append(client.get_json(f"{client.data_url}/submissions/{name}"))
    filings = []
    for page in pages:
        try:
            rows = zip(page["accessionNumber"], page["form"], page["filingDate"], page.get("reportDate") or [""] * len(page["form"]))
            for accession, form, filed, reported in rows:
                if form in NPORT_FORMS:
                    filings.append(Filing(cik, accession, form, dt.date.fromisoformat(filed), dt.date.fromisoformat(reported) if reported else None))
        except (KeyError, TypeError, ValueError):
            raise DataError(f"{url} is not the SEC's submissions layout (filings.recent arrays); try again later") from None
    filings.sort(key=lambda f: (f.report_date or dt.date.min, f.filed), reverse=True)
    return filings


def series_reports(client: Any, identity: Any, *, newest_only: bool = False) -> Iterator[tuple[Filing, NportReport]]:
    """The reports of ``identity``'s series (a :class:`~.identity.FundIdentity`), newest first,
    one per report date (an amendment replaces the report it amends).

    Each candidate document is opened and its ``genInfo/seriesId`` compared: the trust's other
    series are skipped, so two series are never mixed. A document the SEC no longer serves (a
    withdrawn filing: HTTP 404) is skipped. DataError when the trust has no NPORT-P at all, or
    none of this series within ``MAX_DOCUMENTS_OPENED`` documents.
    """
    from .client import SecNotFound

    filings = nport_filings(client, identity.cik)
    if not filings:
        raise DataError(f"{identity.ticker}: the SEC has no N-PORT report of trust CIK {identity.cik} yet (new fund, or not a registered fund)")
    opened, misses, taken, withdrawn = 0, 0, set(), []
    for filing in filings:
        if filing.report_date in taken:
            continue
        if misses >= MAX_DOCUMENTS_OPENED:
            break
        opened, misses = opened + 1, misses + 1
        url = filing.document_url(client.www_url)
        try:
            body = client.get_bytes(url, max_age=DOCUMENT_MAX_AGE)
        except SecNotFound:
            withdrawn.append(filing.accession)
            continue
        report = parse_nport(body, source=f"{identity.ticker} N-PORT {filing.accession}")
        if report.series_id != identity.series_id:
            continue
        taken.add(filing.report_date)
        misses = 0
        yield filing, report
        if newest_only:
            return
    if not taken:
        gone = f"; withdrawn or missing: {', '.join(withdrawn)}" if withdrawn else ""
        raise DataError(
            f"{identity.ticker}: no N-PORT report of series {identity.series_id} among the {opened} newest of trust CIK {identity.cik}{gone}"
        )


def symbol_map(client: Any) -> SymbolMap:
    """The name → symbol map from the SEC's company tickers file (cached by the client)."""
    from .identity import COMPANY_TICKERS_PATH

    return SymbolMap.from_company_tickers(client.get_json(client.www_url + COMPANY_TICKERS_PATH))


def fund_holdings(client: Any, ticker: str, *, symbols: SymbolMap | None = None) -> Holdings:
    """The newest N-PORT holdings of the fund ``ticker``, as of its report date.

    UnknownFundError when the SEC lists no fund with that ticker; DataError when it has no
    report of the fund's series yet, or the document is damaged.
    """
    from .identity import fund_identity

    identity = fund_identity(client, ticker)
    filing, report = next(series_reports(client, identity, newest_only=True))
    symbols = symbols or symbol_map(client)
    return report_holdings(report, symbols.symbols(report.lines), fund=identity.ticker, source=f"{SOURCE} {filing.accession}")


def holdings_history(client: Any, ticker: str, *, symbols: SymbolMap | None = None) -> list[Holdings]:
    """Every N-PORT report of the fund ``ticker`` as dated holdings, newest first: one
    :class:`Holdings` per report date, weights from value and prices (``market_value /
    shares``) of that date. This is what ``backfill`` takes for funds whose issuers serve no
    dated files. Errors as for :func:`fund_holdings`."""
    from .identity import fund_identity

    identity = fund_identity(client, ticker)
    symbols = symbols or symbol_map(client)
    return [
        report_holdings(report, symbols.symbols(report.lines), fund=identity.ticker, source=f"{SOURCE} {filing.accession}")
        for filing, report in series_reports(client, identity)
    ]
