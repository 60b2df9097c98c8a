"""``smallcap-screen funds``: the funds this tool knows."""

from __future__ import annotations

from .app import app


@app.command()
def funds() -> None:
    """List the funds this tool can download, with issuer, index and role.

    Example: smallcap-screen funds
    """
    from rich.console import Console
    from rich.table import Table

    from ..registry import FUNDS

    table = Table(title="Known funds")
    for header in ("Ticker", "Name", "Issuer", "Index", "Role"):
        table.add_column(header)
    for fund in FUNDS.values():
        table.add_row(fund.ticker, fund.name, {"ishares": "iShares", "ssga": "SSGA (SPDR)"}[fund.issuer], fund.index, fund.role)
    Console().print(table)
