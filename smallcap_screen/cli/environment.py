"""What a command reads and writes besides its arguments, passed to every command (httpie's
``Environment``): the standard streams and whether they are terminals, colour and width, the
effective settings and the store and download cache they name, and what to say on Ctrl-C.

:func:`~smallcap_screen.cli.app.main` takes one, so a test runs the command line in-process with
its own streams; by default it is the process's own (:meth:`Environment.of_process`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Protocol, TextIO

if TYPE_CHECKING:
    import typer

    from ..cache import Cache
    from ..config import Config
    from ..store import Store

#: Width of tables written into a pipe when ``COLUMNS`` does not say one: a terminal's usual width.
PIPE_WIDTH = 80


class StorePlace(Protocol):
    """What names a store: --db and --data-dir (the bundles of :mod:`.options`)."""

    db: Optional[Path]
    data_dir: Optional[Path]


@dataclass
class Environment:
    """The streams, terminal, settings and Ctrl-C note of one run of the command line."""

    stdout: TextIO
    stderr: TextIO
    #: Whether standard output is a terminal: styled tables at the terminal's width, else plain.
    stdout_isatty: bool
    #: Whether standard error is a terminal: notes wrap between words and progress is drawn.
    stderr_isatty: bool
    #: False when ``NO_COLOR`` is set (https://no-color.org): no colour, bold, italic or dim.
    colour: bool
    #: ``COLUMNS`` when set, for tables in a pipe and notes on a terminal; None: the terminal's.
    columns: Optional[int]
    #: ``SMALLCAP_SCREEN_DEBUG``: tracebacks and library warnings are shown.
    debug: bool = False
    #: ``--config`` as given to the app (None: ``SMALLCAP_SCREEN_CONFIG``, else the default place).
    config_path: Optional[Path] = None
    #: What a command keeps for the next run, said in one line on Ctrl-C (the newest one is said).
    interrupt_notes: list[Callable[[], str]] = field(default_factory=list)
    #: Why the last live fetch could not get a fund's holdings, by fund (see cli/data.py fund_error).
    fund_errors: dict = field(default_factory=dict)
    #: Standard input, and whether it is a terminal a question can be asked on (:meth:`confirm`).
    stdin: Optional[TextIO] = None
    stdin_isatty: bool = False
    _config: Optional["Config"] = field(default=None, repr=False)

    @classmethod
    def of_process(cls, stdout: TextIO | None = None, stderr: TextIO | None = None, stdin: TextIO | None = None) -> "Environment":
        """The process's streams (or those given) and its environment variables."""
        stdout = stdout or sys.stdout
        stderr = stderr or sys.stderr
        stdin = stdin or sys.stdin
        columns = os.environ.get("COLUMNS", "")
        return cls(
            stdout=stdout,
            stderr=stderr,
            stdout_isatty=_isatty(stdout),
            stderr_isatty=_isatty(stderr),
            colour=not os.environ.get("NO_COLOR"),
            columns=int(columns) if columns.isdigit() and int(columns) > 0 else None,
            debug=bool(os.environ.get("SMALLCAP_SCREEN_DEBUG")),
            stdin=stdin,
            stdin_isatty=_isatty(stdin),
        )

    @property
    def table_width(self) -> Optional[int]:
        """The width tables on standard output get: a terminal's own (None), else ``COLUMNS``,
        else :data:`PIPE_WIDTH`."""
        if self.stdout_isatty:
            return self.columns
        return self.columns or PIPE_WIDTH

    def say(self, message: str) -> None:
        """One line (or a few) for the user on standard error, as it is (no markup). On a
        terminal long lines wrap between words; in a pipe or a cron mail each stays one line,
        for grep."""
        if self.stderr_isatty:
            import shutil
            import textwrap

            width = self.columns or shutil.get_terminal_size().columns
            message = "\n".join(
                textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) if len(line) > width else line
                for line in message.splitlines()
            )
        print(message, file=self.stderr, flush=True)

    def confirm(self, question: str) -> bool:
        """Ask ``question`` on standard error and read the answer from standard input: True only
        for y or yes; anything else, or the end of input, is no."""
        print(f"{question} [y/N] ", end="", file=self.stderr, flush=True)
        answer = self.stdin.readline() if self.stdin is not None else ""
        if not answer.endswith("\n"):  # end of input (Ctrl-D): the terminal echoed no line end
            print(file=self.stderr, flush=True)
        return answer.strip().lower() in ("y", "yes")

    def interrupted(self) -> str:
        """The line said on Ctrl-C: what the command kept for the next run, else that nothing was written."""
        return f"interrupted: {self.interrupt_notes[-1]() if self.interrupt_notes else 'nothing was written'}"

    def settings(self) -> "Config":
        """The effective config, read once per run."""
        if self._config is None:
            from ..config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def open_store(self, options: StorePlace) -> "Store":
        """The store named by --db (or SMALLCAP_SCREEN_DB), else --data-dir, else the config's
        paths, else the default place: the same for every command."""
        from ..store import Store

        if options.db is not None:
            return Store.open(options.db)
        if options.data_dir is not None:
            return Store.open(data_dir=options.data_dir)
        config = self.settings()
        return Store.open(config["db"], data_dir=config["data_dir"])

    def open_cache(self, cache_dir: Optional[Path], *, refresh: bool = False) -> "Cache":
        """The download cache at --cache-dir, else the config's folder (the one `config show`
        reports), with the config's lifetimes."""
        import datetime as dt

        from ..cache import Cache

        config = self.settings()
        return Cache(
            cache_dir or config["cache_dir"],
            refresh=refresh,
            holdings_ttl=dt.timedelta(hours=config["holdings_hours"]),
            quotes_ttl=dt.timedelta(hours=config["quotes_hours"]),
        )

    def negative_policy(self, given) -> str:
        """--negative when given, else the config's policy."""
        return given.value if given is not None else self.settings()["negative"]

    def benchmark(self, given: Optional[str]) -> str:
        """--benchmark when given, else the config's benchmark."""
        return self.settings().pick("benchmark", given)

    def coverage_threshold(self, given: Optional[float]) -> float:
        """--min-coverage when given, else the config's coverage threshold."""
        return self.settings().pick("coverage_threshold", given)


def environment_of(ctx: "typer.Context") -> Environment:
    """The Environment :func:`~smallcap_screen.cli.app.main` runs the app in (the process's own
    when the app is invoked otherwise)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Environment):
        root.obj = Environment.of_process()
    return root.obj


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stream-like object
        return False
