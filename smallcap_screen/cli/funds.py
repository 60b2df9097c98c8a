"""``smallcap-screen funds``: the funds this tool knows."""

from __future__ import annotations

from .app import app
from .emit import emit
from .environment import Environment
from .options import FormatOption, OutputOption, with_environment


@app.command()
@with_environment()
def funds(env: Environment, output_format: FormatOption = None, output: OutputOption = None) -> None:
    """List the funds this tool knows by role: issuer, index, the index names that also name them,
    and whether the bundled snapshot holds them.

    Any command taking a fund takes a ticker or an alias: `compare RUT SP600 SPX` is
    `compare IWM IJR SPY`. Any other US fund or ETF ticker works too, live: its holdings come
    from its latest SEC Form N-PORT filing (set sec_user_agent first; see `config show`).

    Example: smallcap-screen funds
    """
    from ..catalog import CATALOG_FIELDS, fund_catalog
    from ..render.funds import catalog_table
    from ..output import csv_text, json_text

    entries = fund_catalog()
    emit(
        env,
        output_format,
        output,
        json=lambda: json_text([e.record() for e in entries]),
        csv=lambda: csv_text([e.record() for e in entries], CATALOG_FIELDS),
        table=lambda plain, width: catalog_table(entries, plain=plain, width=width),
    )
