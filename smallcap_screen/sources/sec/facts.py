"""A company's XBRL facts from data.sec.gov, and its list of filings.

``companyfacts`` holds every fact a company has filed in XBRL, each with the form, the date it
was filed and the accession number: everything a point-in-time figure needs, in one request per
company (``metrics/trailing_eps.py`` reads it). ``companyconcept`` is the same for one concept;
four EPS concepts would take four requests. The ``frames`` API gives the last-filed (restated)
value of a period, so it cannot say what was known on a past date.

Answers are kept in the download cache and reused until older than the client's ``max_age``
(or the ``max_age`` given here): facts filed before a past date never change, and a company adds
new ones a few times a quarter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...errors import DataError
from .client import SecClient, SecNotFound


def company_facts_url(client: SecClient, cik: int) -> str:
    return f"{client.data_url}/api/xbrl/companyfacts/CIK{cik:010d}.json"


def company_concept_url(client: SecClient, cik: int, concept: str, taxonomy: str = "us-gaap") -> str:
    return f"{client.data_url}/api/xbrl/companyconcept/CIK{cik:010d}/{taxonomy}/{concept}.json"


def submissions_url(client: SecClient, cik: int) -> str:
    return f"{client.data_url}/submissions/CIK{cik:010d}.json"


def company_facts(client: SecClient, cik: int, *, max_age: dt.timedelta | None = None) -> dict[str, Any]:
    """The ``companyfacts`` document of ``cik`` (``{"cik", "entityName", "facts": {taxonomy:
    {concept: {"units": {unit: [fact, ...]}}}}}``), from the cache while fresh.

    SecNotFound when the company has filed no XBRL facts; DataError for another layout.
    """
    return _document(client, company_facts_url(client, cik), "facts", f"XBRL company facts for CIK {cik}", max_age)


def company_concept(client: SecClient, cik: int, concept: str, taxonomy: str = "us-gaap", *, max_age: dt.timedelta | None = None) -> dict[str, Any]:
    """The ``companyconcept`` document of one concept (``{"units": {unit: [fact, ...]}, ...}``)."""
    url = company_concept_url(client, cik, concept, taxonomy)
    return _document(client, url, "units", f"{taxonomy}:{concept} facts for CIK {cik}", max_age)


def submissions(client: SecClient, cik: int, *, max_age: dt.timedelta | None = None) -> dict[str, Any]:
    """The ``submissions`` document of ``cik``: name, tickers, ``fiscalYearEnd`` ("MMDD") and
    ``filings.recent`` as parallel arrays (accessionNumber, filingDate, reportDate, form ...)."""
    return _document(client, submissions_url(client, cik), "filings", f"the filings of CIK {cik}", max_age)


def _document(client: SecClient, url: str, key: str, what: str, max_age: dt.timedelta | None) -> dict[str, Any]:
    try:
        document = client.get_json(url, max_age=max_age)
    except SecNotFound:
        raise SecNotFound(f"the SEC has no {what} ({url})") from None
    if not isinstance(document, dict) or not isinstance(document.get(key), dict):
        raise DataError(f"{url} did not answer with {what} (no {key!r} object); try again later")
    return document
