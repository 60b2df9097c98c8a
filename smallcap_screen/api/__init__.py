"""The Python API, one module per command family: the code of ``smallcap-screen X`` is in ``api/X.py``.

- ``data``: choosing the data a command computes on (live, stored, bundled) and its fallbacks;
- ``compare``: ``compare`` (funds against a benchmark);
- ``holdings``: ``breakdown`` (``holdings``: one fund holding by holding);
- ``screen``: ``screen``, ``sectors``, ``explain``;
- ``history``: ``history`` and ``holdings_history`` (the stored figures and inputs over time);
- ``keep``: ``take_snapshot`` and ``import_export`` (what writes to the store).

The documented names are exported lazily by ``smallcap_screen`` itself; this package imports
nothing on its own so that ``smallcap-screen --help`` does not pay for pandas.
"""
