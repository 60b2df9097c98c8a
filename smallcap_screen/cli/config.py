"""``smallcap-screen config show``: the effective settings and where each came from."""

from __future__ import annotations

import typer

from .app import app
from .emit import emit
from .environment import Environment
from .options import FormatOption, OutputOption, with_environment

config_app = typer.Typer(
    help="Show the settings in effect (config file, environment, defaults). Example: smallcap-screen config show",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("show")
@with_environment()
def show(env: Environment, output_format: FormatOption = None, output: OutputOption = None) -> None:
    """Print every setting's effective value and where it came from.

    The file is TOML (see the README, "Configuration"); --config or SMALLCAP_SCREEN_CONFIG names
    another one.

    Example: smallcap-screen config show
    """
    import json

    from ..config import KEYS
    from ..output import csv_text

    config = env.settings()
    rows = [
        {"key": k.name, "section": k.section or "", "value": _text(config[k.name], k.section), "from": config.origin(k.name), "meaning": k.help}
        for k in KEYS.values()
    ]
    emit(
        env,
        output_format,
        output,
        json=lambda: json.dumps({"config_file": str(config.path), "found": config.found, "settings": rows}, indent=2) + "\n",
        csv=lambda: csv_text(rows),
        table=lambda plain, width: _table(config, rows, plain, width),
    )


def _text(value, section: str | None) -> str:
    if value is None:  # unset: a path takes its default place; the SEC's User-Agent has none
        return "(default place)" if section == "paths" else "(not set)"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def _table(config, rows: list[dict], plain: bool, width: int):
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    state = "" if config.found else " (not found: built-in defaults)"
    title = f"Settings; file {config.path}{state}"
    # as wide as the title, within the terminal: a table only as wide as its columns broke the path
    table = Table(title=escape(title), box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold", min_width=min(width, len(title)))
    for header in ("Key", "Value", "From"):
        table.add_column(header, overflow="fold")
    for row in rows:
        key = f"[{row['section']}] {row['key']}" if row["section"] else row["key"]
        table.add_row(escape(key), escape(row["value"]), escape(row["from"]))
    return table
