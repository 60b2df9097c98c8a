"""Fetch and parse: issuer holdings files, per-stock fundamentals, Yahoo quotes."""
