"""The ``smallcap-screen`` command line: a thin layer over the Python API.

One module per command group; each registers its commands on :data:`app` (see ``app.py``), which
also turns every known error into one line and an exit code. Heavy modules (pandas, yfinance,
openpyxl) are imported inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

from .app import app, main

# Imported for their side effect of registering commands, in the order --help lists them.
from . import compare, screen, sectors, explain, holdings, history, snapshots, importing, funds, cache  # noqa: E402,F401  isort: skip

__all__ = ["app", "main"]
