"""Holdings files in each issuer's own format, written from a plain list of holdings.

Only iShares and SSGA have real downloads among the samples (../shared/data/raw). For the others
NO REAL SAMPLE EXISTS: these writers follow the formats as seen in public code and cited in each
issuer's module (smallcap_screen/sources/issuers/vanguard.py, wisdomtree.py, schwab.py), filled with the
holdings of a real derived list (IJR, VB) so that the stocks, names and weights are real. Every file
written here is a stand-in, and its values beyond ticker, name, sector and weight are made up
(market values and share counts are proportional to the weights).

A holding is a dict ``{ticker, name, sector, weight}`` with the weight in percent, as in the
derived lists (tests.standins.internet.derived_list).
"""

from __future__ import annotations

import csv
import io
import json

#: Made-up fund size, so market values and share counts look like a fund's.
FUND_VALUE = 1e10
SCHWAB_HEADER = [
    "As-Of-Date", "Symbol", "Quantity", "Percent of Assets", "Name", "BBG FIGI", "Country", "Currency",
    "Exchange", "Exchange (fx) Rate", "Market Currency", "Sector",
]
SCHWAB_DISCLAIMER = [
    '"Holdings may include collateral held by the fund for securities on loan. Holdings are subject to change."',
    '"The information contained herein is not intended as investment advice."',
]


def vanguard_json(holdings: list[dict], *, as_of: str) -> bytes:
    """A Vanguard holdings answer with every holding on one page (the stand-in pages it).

    No real sample exists (see the module docstring).
    """
    entities = [
        {
            "type": "portfolioHolding",
            "asOfDate": f"{as_of}T00:00:00-04:00",
            "longName": h["name"],
            "shortName": h["name"].upper()[:20],
            "sharesHeld": f"{h['weight'] * FUND_VALUE / 100 / 50:.0f}",
            "marketValue": round(h["weight"] * FUND_VALUE / 100, 2),
            "ticker": h["ticker"],
            "percentWeight": f"{h['weight']:.2f}",
            "secMainType": "Equity",
        }
        for h in holdings
    ]
    return json.dumps({"size": len(entities), "asOfDate": f"{as_of}T00:00:00-04:00", "fund": {"entity": entities}}).encode()


def wisdomtree_json(holdings: list[dict], *, fund: str, as_of: str, class_id: int) -> bytes:
    """A WisdomTree holdings answer, with Bloomberg-style tickers ("AAPL UQ") and a US DOLLAR cash row.

    No real sample exists (see the module docstring).
    """
    total = sum(h["weight"] for h in holdings) + 0.5  # half a percent of cash

    def record(ticker, name, sector, group, weight):
        return {
            "dt": as_of, "wtClassID": class_id, "fundTicker": fund, "sectorName": sector, "assetGroup": group,
            "securityTicker": ticker, "securityName": name, "shares": round(weight * FUND_VALUE / 100 / 40),
            "marketValueBase": round(weight / total * FUND_VALUE, 2), "wgt": round(weight / total, 6),
            "figi": None, "checkSumWgtAssetGroup": 1, "checkSumWgtEntity": 1, "extraDataJSON": None,
        }

    records = [
        record(f"{h['ticker']} {'UQ' if i % 2 else 'UN'}" if i % 3 else h["ticker"], h["name"], h["sector"], "EQ", h["weight"])
        for i, h in enumerate(holdings)
    ]
    records.append(record(None, "US DOLLAR", None, "CA", 0.5))
    return json.dumps(records).encode()


def schwab_csv(holdings: list[dict], *, as_of: str) -> bytes:
    """A Schwab "Export All Holdings" CSV with a cash line, a futures line and the disclaimer.

    No real sample exists (see the module docstring).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SCHWAB_HEADER)
    for h in holdings:
        writer.writerow([as_of, h["ticker"], f"{h['weight'] * FUND_VALUE / 100 / 45:.10f}", f"{h['weight']:.10f}", h["name"].upper(), "", "US", "USD", "XNYS", "1.0000000000", "USD", h["sector"]])
    writer.writerow([as_of, "USD", "2832806.9200000000", "0.0123721038", "US DOLLAR", "", "US", "USD", "OTC", "1.0000000000", "USD", ""])
    writer.writerow([as_of, "", "1.0000000000", "0.0000000000", "EMINI MAR 26", "", "US", "USD", "OTC", "1.0000000000", "USD", ""])
    return (out.getvalue() + "\r\n".join(SCHWAB_DISCLAIMER) + "\r\n").encode()


def ssga_xlsx(holdings: list[dict], *, fund: str, fund_name: str, as_of: str) -> bytes:
    """An SSGA daily holdings workbook in the layout of the real SPY files (metadata rows, header,
    data, a blank row, a disclaimer). Written from a list because only SPY files are real."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "holdings"
    sheet.append(["Fund Name:", fund_name])
    sheet.append(["Ticker Symbol:", fund])
    sheet.append(["Holdings:", f"As of {as_of}"])
    sheet.append([])
    sheet.append(["Name", "Ticker", "Identifier", "SEDOL", "Weight", "Sector", "Shares Held", "Local Currency"])
    for h in holdings:
        sheet.append([h["name"].upper(), h["ticker"].replace("-", "."), "", "", round(h["weight"], 6), "-", round(h["weight"] * 1e5), "USD"])
    sheet.append(["US DOLLAR", "CASH_USD", "", "", 0.1, "-", 1000, "USD"])
    sheet.append([])
    sheet.append(["Past performance is not a reliable indicator of future performance."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
