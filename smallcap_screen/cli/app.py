"""The Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterable, Optional, Sequence

import typer

from ..errors import ExitCode

if TYPE_CHECKING:
    from .environment import Environment


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

#: OSError numbers of a write refused for want of room: a full disk, a quota, a file size limit.
OUTPUT_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)

#: Longest error message printed: one line of a wide terminal, whatever the input held.
MESSAGE_LIMIT = 400


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"smallcap-screen {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", envvar="SMALLCAP_SCREEN_CONFIG", help="Settings file (TOML; default: config.toml in the user config folder). See `config show`."),
    ] = None,
) -> None:
    """Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, and the
    small-cap discount versus the S&P 500."""
    from .environment import environment_of

    environment_of(ctx).config_path = config


#: Every command and the module of this package that registers it, in the order --help lists them.
COMMAND_MODULES = {
    "compare": "compare", "screen": "screen", "sectors": "sectors", "explain": "explain", "holdings": "holdings",
    "report": "report", "snapshot": "snapshot", "backfill": "backfill", "history": "history", "snapshots": "snapshots", "export": "export", "import": "importing",
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


def main(argv: Optional[Sequence[str]] = None, env: Optional["Environment"] = None) -> int:
    """Run ``smallcap-screen ARGV`` (default: the process's arguments) in ``env`` (default: the
    process's streams and environment) and return its exit code (an :class:`ExitCode`, or 2 for a
    usage error), every known error said in one line.

    Only the command asked for is registered: Typer reads the signature of every registered
    command as it starts (0.12 s for all of them, a tenth of an offline compare)."""
    import contextlib
    import warnings

    from ..errors import ScreenError, printable
    from .environment import Environment

    env = env or Environment.of_process()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Click writes help and usage errors to sys.stdout and sys.stderr: during the run they are env's.
        with contextlib.redirect_stdout(env.stdout), contextlib.redirect_stderr(env.stderr), warnings.catch_warnings():
            if not env.debug:
                # Numerical warnings (overflow on an absurd value, deprecations in libraries) are not
                # the user's business; figures that are not meaningful are reported as such.
                warnings.simplefilter("ignore")
            asked = _asked(args)
            register([asked] if asked else None)
            code = _run(args, env)
            if env.stdout is not None:  # None: started with stdout closed
                env.stdout.flush()  # a full disk under a redirected stdout shows here, while it can still be said
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except ScreenError as exc:
        env.say(f"error: {printable(exc, MESSAGE_LIMIT)}")
        return exc.exit_code
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in OUTPUT_FULL:
            # Every file the tool writes says its own errors (OutputError); what reaches here is stdout.
            _drop_unwritten(env)
            env.say(f"error: standard output could not be written ({exc.strerror}); free some space, or write to a file elsewhere with -o FILE")
            return ExitCode.OUTPUT_NOT_WRITTEN
        if env.debug:
            raise
        env.say(f"internal error: {type(exc).__name__}: {printable(exc, MESSAGE_LIMIT)} (set SMALLCAP_SCREEN_DEBUG=1 for a traceback, and please report it)")
        return ExitCode.INTERNAL_ERROR
    if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C inside a command into exit 130
        env.say(env.interrupted())
    return code


def program() -> int:
    """The ``smallcap-screen`` program (the console script; ``python -m smallcap_screen``):
    :func:`main` on the process's arguments and streams, then ready to exit."""
    code = main()
    # As it exits, Python collects cyclic garbage over every object still alive: ~300,000 once
    # pandas is loaded, 50 ms of a 0.45 s offline compare. Nothing left needs it (every file and
    # the store are closed by now, and objects not in cycles are still freed): frozen, they are skipped.
    gc.freeze()
    return code


def _drop_unwritten(env: "Environment") -> None:
    """Point the process's stdout at the null device when it is ``env``'s: Python flushes it again
    as it exits, which would repeat the error the user was just told about."""
    if env.stdout is sys.stdout and hasattr(sys.stdout, "fileno"):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _run(args: list[str], env: "Environment") -> int:
    """The app on ``args``: the command's exit code; a usage error is shown as Click shows it (exit 2)."""
    try:
        code = app(args=args, prog_name=app.info.name, obj=env, standalone_mode=False)
    except typer.TyperException as exc:
        if not hasattr(exc, "show"):
            raise  # a mistake in a command's declaration, not in what the user typed
        exc.show(file=env.stderr)
        return exc.exit_code
    except typer.Abort:  # end of input at a prompt, as Click says it
        env.say("Aborted!")
        return 1
    return ExitCode.OK if code is None else int(code)
