"""The Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Callable, Iterable, Optional

import typer

from ..errors import ExitCode


def _epilog() -> str:
    codes = ", ".join(f"{code.value} {code.name.lower().replace('_', ' ')}" for code in ExitCode)
    return f"Start with: smallcap-screen compare IWM IJR IJS SPY. Exit codes: {codes} (see the README)."


app = typer.Typer(
    name="smallcap-screen",
    help="Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, "
    "and the small-cap discount versus the S&P 500.",
    epilog=_epilog(),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Longest error message printed: one line of a wide terminal, whatever the input held.
MESSAGE_LIMIT = 400

#: What a command has kept for the next run, said in one line when the user presses Ctrl-C.
#: A command that fetches sets it (e.g. to read its fetch report); the default says nothing was lost.
interrupt_note: list[Callable[[], str]] = []


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"smallcap-screen {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", envvar="SMALLCAP_SCREEN_CONFIG", help="Settings file (TOML; default: config.toml in the user config folder). See `config show`."),
    ] = None,
) -> None:
    """Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, and the
    small-cap discount versus the S&P 500."""
    from . import context

    context.config_path = config


#: Every command and the module of this package that registers it, in the order --help lists them.
COMMAND_MODULES = {
    "compare": "compare", "screen": "screen", "sectors": "sectors", "explain": "explain", "holdings": "holdings",
    "snapshot": "snapshot", "history": "history", "snapshots": "snapshots", "export": "export", "import": "importing",
    "funds": "funds", "config": "config", "cache": "cache",
}


def register(commands: Iterable[str] | None = None) -> typer.Typer:
    """Import the modules that register ``commands`` (every one when None) and return the app."""
    import importlib

    for name in COMMAND_MODULES if commands is None else commands:
        importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}")
    return app


def _asked(args: list[str]) -> str | None:
    """The command a command line runs, when it names a known one; None for the app's own help,
    shell completion or a mistyped command, which need every command registered."""
    if f"_{app.info.name.upper().replace('-', '_')}_COMPLETE" in os.environ:
        return None
    rest = iter(args)
    for arg in rest:
        if arg == "--config":
            next(rest, None)
        elif arg.startswith("-"):
            if not arg.startswith("--config="):
                return None  # -h, --version, completion: the app's own options, shown with every command
        else:
            return arg if arg in COMMAND_MODULES else None
    return None


def main() -> None:
    """Entry point: run the app, turning every known error into one line and an exit code.

    Only the command asked for is registered: Typer reads the signature of every registered
    command as it starts (0.12 s for all of them, a tenth of an offline compare)."""
    import warnings

    from ..errors import ScreenError, printable
    from .emit import stderr

    asked = _asked(sys.argv[1:])
    register([asked] if asked else None)

    debug = bool(os.environ.get("SMALLCAP_SCREEN_DEBUG"))
    if not debug:
        # Numerical warnings (overflow on an absurd value, deprecations in libraries) are not
        # the user's business; figures that are not meaningful are reported as such.
        warnings.simplefilter("ignore")
    try:
        app()  # standalone mode: usage errors exit 2; Typer turns Ctrl-C into exit 130
    except SystemExit as exit_:
        if exit_.code == ExitCode.INTERRUPTED:
            _say_interrupted(stderr)
        raise
    except KeyboardInterrupt:
        _say_interrupted(stderr)
        sys.exit(ExitCode.INTERRUPTED)
    except ScreenError as exc:
        stderr(f"error: {printable(exc, MESSAGE_LIMIT)}")
        sys.exit(exc.exit_code)
    except Exception as exc:
        if debug:
            raise
        stderr(f"internal error: {type(exc).__name__}: {printable(exc, MESSAGE_LIMIT)} (set SMALLCAP_SCREEN_DEBUG=1 for a traceback, and please report it)")
        sys.exit(ExitCode.INTERNAL_ERROR)


def _say_interrupted(stderr: Callable[[str], None]) -> None:
    stderr(f"interrupted: {interrupt_note[-1]() if interrupt_note else 'nothing was written'}")
