"""The ``smallcap-screen`` command line: a thin layer over the Python API.

One module per command group; each registers its commands on :data:`app` when imported (see
``app.py``, which also turns every known error into one line and an exit code). A run imports only
the module of the command it was asked for; ``register()`` imports them all. Heavy modules (pandas, yfinance,
python-calamine) are imported inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

from .app import COMMAND_MODULES, app, main, program, register

__all__ = ["COMMAND_MODULES", "app", "main", "program", "register"]
