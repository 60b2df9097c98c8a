"""Data shipped inside the installed package as ``smallcap_screen.data``.

- ``ticker_aliases.csv``: issuer ticker spellings mapped to Yahoo symbols.
- ``reference/``: the bundled reference snapshot (see ``smallcap_screen.snapshot``).
"""
