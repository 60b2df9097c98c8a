"""The SEC's EDGAR as a source: fair-access client, company and fund identity, XBRL company facts,
N-PORT holdings and the ticker map.

- ``client.py``: :class:`SecClient`, every request to www.sec.gov and data.sec.gov (declared
  User-Agent, 10 requests/s in all, backoff, size cap, disk cache).
- ``identity.py``: ticker → CIK for companies, ticker → CIK/series/class for funds.
- ``facts.py``: a company's XBRL facts (``companyfacts``), cached until stale.
- ``nport.py``, ``symbols.py``: a fund's NPORT-P document read into holdings; holdings to symbols.

The figures computed from them live in ``metrics/`` (e.g. ``metrics/trailing_eps.py``), which
never touches the network.
"""
