"""The funds this tool knows how to download: ticker → issuer, index, product id, role."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownFundError


@dataclass(frozen=True)
class Fund:
    ticker: str
    name: str
    issuer: str  # "ishares" or "ssga"
    index: str
    role: str  # "small-cap", "mid-cap" or "large-cap"; large-cap funds serve as benchmarks
    product_id: str = ""  # iShares product page id
    slug: str = ""  # iShares product page slug


FUNDS: dict[str, Fund] = {
    f.ticker: f
    for f in [
        Fund("IWM", "iShares Russell 2000 ETF", "ishares", "Russell 2000", "small-cap", "239710", "ishares-russell-2000-etf"),
        Fund("IJR", "iShares Core S&P Small-Cap ETF", "ishares", "S&P SmallCap 600", "small-cap", "239774", "ishares-core-sp-small-cap-etf"),
        Fund("IJS", "iShares S&P Small-Cap 600 Value ETF", "ishares", "S&P SmallCap 600 Value", "small-cap", "239775", "ishares-sp-smallcap-600-value-etf"),
        Fund("IJT", "iShares S&P Small-Cap 600 Growth ETF", "ishares", "S&P SmallCap 600 Growth", "small-cap", "239773", "ishares-sp-smallcap-600-growth-etf"),
        Fund("IJH", "iShares Core S&P Mid-Cap ETF", "ishares", "S&P MidCap 400", "mid-cap", "239763", "ishares-core-sp-midcap-etf"),
        Fund("IVV", "iShares Core S&P 500 ETF", "ishares", "S&P 500", "large-cap", "239726", "ishares-core-sp-500-etf"),
        Fund("SPY", "SPDR S&P 500 ETF Trust", "ssga", "S&P 500", "large-cap"),
        Fund("SPSM", "SPDR Portfolio S&P 600 Small Cap ETF", "ssga", "S&P SmallCap 600", "small-cap"),
        Fund("SLY", "SPDR S&P 600 Small Cap ETF", "ssga", "S&P SmallCap 600", "small-cap"),
        Fund("MDY", "SPDR S&P MidCap 400 ETF Trust", "ssga", "S&P MidCap 400", "mid-cap"),
    ]
}


def get_fund(ticker: str) -> Fund:
    """Look a fund up by ticker (any case); raise UnknownFundError naming the known ones."""
    fund = FUNDS.get(ticker.strip().upper())
    if fund is None:
        known = ", ".join(FUNDS)
        raise UnknownFundError(
            f"unknown fund {ticker!r}: known funds are {known}; or pass a holdings file path "
            "(see `smallcap-screen funds`)"
        )
    return fund
