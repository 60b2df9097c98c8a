"""What the stand-in EDGAR (tests/standins/sec.py) serves for N-PORT: the SEC's two ticker files
and Vanguard Index Funds' NPORT-P reports of 2025-06-30 (real excerpts in tests/fixtures/nport),
listed in made-up submissions answers in the SEC's layout.

Vanguard Index Funds (CIK 36405) filed both its Extended Market (VXF, VEXAX) and its 500 Index
(VOO, VFIAX) series on one day, so a fund's report is found only by opening each document; its
Q1 report is listed but withdrawn (not served). Avantis (AVUV) has filed no N-PORT yet.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nport"
EXTENDED_MARKET = FIXTURES / "vanguard_extended_market_2025-06-30.xml"
FIVE_HUNDRED = FIXTURES / "vanguard_500_2025-06-30.xml"
VANGUARD, AVANTIS = 36405, 1710607
# Derived accession numbers (see fixtures/nport/README.md): the trust files both series on one day.
FIVE_HUNDRED_2025Q2 = "0000036405-25-000201"
EXTENDED_2025Q2 = "0000036405-25-000202"
EXTENDED_2025Q1_WITHDRAWN = "0000036405-25-000101"


def submissions(*filings: tuple[str, str, str, str], cik: int = VANGUARD) -> bytes:
    """A submissions answer in the SEC's layout from (accession, form, filed, report date) rows."""
    columns = list(zip(*filings)) if filings else [(), (), (), ()]
    recent = {
        "accessionNumber": list(columns[0]), "form": list(columns[1]), "filingDate": list(columns[2]),
        "reportDate": list(columns[3]), "primaryDocument": ["primary_doc.xml"] * len(filings),
    }
    return json.dumps({"cik": str(cik), "filings": {"recent": recent, "files": []}}).encode()


def submissions_path(cik: int) -> str:
    return f"/submissions/CIK{cik:010d}.json"


def archive(cik: int, accession: str) -> str:
    """The path of a filing's primary document."""
    return f"/Archives/edgar/data/{cik}/{accession.replace('-', '')}/primary_doc.xml"


def documents() -> dict[str, bytes | Path]:
    """URL path → what the stand-in EDGAR serves, as the module docstring says."""
    return {
        "/files/company_tickers_mf.json": FIXTURES / "company_tickers_mf.json",
        "/files/company_tickers.json": FIXTURES / "company_tickers.json",
        submissions_path(VANGUARD): submissions(
            (FIVE_HUNDRED_2025Q2, "NPORT-P", "2025-08-27", "2025-06-30"),
            (EXTENDED_2025Q2, "NPORT-P", "2025-08-27", "2025-06-30"),
            ("0000036405-25-000150", "N-CSRS", "2025-08-20", "2025-06-30"),
            (EXTENDED_2025Q1_WITHDRAWN, "NPORT-P", "2025-05-28", "2025-03-31"),
        ),
        archive(VANGUARD, FIVE_HUNDRED_2025Q2): FIVE_HUNDRED,
        archive(VANGUARD, EXTENDED_2025Q2): EXTENDED_MARKET,
        submissions_path(AVANTIS): submissions(("0001710607-25-000001", "N-CSR", "2025-02-01", "2024-11-30"), cik=AVANTIS),
    }
