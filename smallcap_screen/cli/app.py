"""The Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Callable

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
) -> None:
    """Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, and the
    small-cap discount versus the S&P 500."""


def main() -> None:
    """Entry point: run the app, turning every known error into one line and an exit code."""
    import warnings

    from ..errors import ScreenError, printable
    from .emit import stderr

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
