"""Who filed what on a given day: the SEC's daily master index on www.sec.gov.

``/Archives/edgar/daily-index/{YYYY}/QTR{q}/master.{YYYYMMDD}.idx`` lists every filing accepted
that business day, one line each after a short preamble and a dashed rule::

    CIK|Company Name|Form Type|Date Filed|File Name
    --------------------------------------------------------------------------------
    320193|Apple Inc.|10-Q|20250801|edgar/data/320193/0000320193-25-000073.txt

A day without filings (a week-end, a holiday) has no index (HTTP 404), and the day's index
appears only in the evening after it. ``backfill`` reads it to tell which companies' cached
``companyfacts`` may lack a report filed since they were fetched: one request per day for every
company at once, where asking each company (its ``companyfacts`` or ``submissions``) costs one
request per company.
"""

from __future__ import annotations

import datetime as dt

from .client import SecClient, SecNotFound

#: A past day's index never changes once published: kept in the cache for good.
PUBLISHED_INDEX_AGE = dt.timedelta(days=3650)


def daily_index_url(client: SecClient, day: dt.date) -> str:
    return f"{client.www_url}/Archives/edgar/daily-index/{day.year}/QTR{(day.month - 1) // 3 + 1}/master.{day:%Y%m%d}.idx"


def filers(client: SecClient, day: dt.date, forms: frozenset[str]) -> set[int] | None:
    """The CIKs that filed one of ``forms`` on ``day``, or None when the SEC has no index of that
    day (nothing filed, or not yet published: the caller knows which from the date)."""
    try:
        body = client.get_bytes(daily_index_url(client, day), max_age=PUBLISHED_INDEX_AGE)
    except SecNotFound:
        return None
    return filers_in(body, forms)


def filers_in(body: bytes, forms: frozenset[str]) -> set[int]:
    """The CIKs of the lines of a master index whose form is one of ``forms``."""
    found: set[int] = set()
    rows = body.decode("latin-1").splitlines()
    start = next((i + 1 for i, line in enumerate(rows) if line.startswith("-----")), 0)
    for line in rows[start:]:
        fields = line.split("|")
        if len(fields) == 5 and fields[2] in forms and fields[0].strip().isdigit():
            found.add(int(fields[0]))
    return found
