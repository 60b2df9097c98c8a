"""Writing a command's result: a table for people, CSV or JSON for programs, to stdout or a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Optional

from .options import Format

#: The format an ``--output`` file's extension asks for when ``--format`` is not given.
FORMAT_BY_EXTENSION = {".csv": Format.csv, ".json": Format.json, ".txt": Format.table}
#: Extensions of formats the tool does not write: refused rather than filled with a text table.
UNWRITTEN_EXTENSIONS = (".xlsx", ".xls", ".ods", ".parquet", ".feather")
#: Width of a table written into a file or a pipe: nothing wraps that need not.
FILE_WIDTH = 200


def stderr(message: str) -> None:
    """One line (or a few) for the user on standard error, as it is (no markup; what the terminal
    cannot show is escaped by Python's stderr). On a terminal long lines wrap between words; in a
    pipe or a cron mail each stays one line, for grep."""
    if sys.stderr.isatty():
        import shutil
        import textwrap

        width = shutil.get_terminal_size().columns
        message = "\n".join(
            textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) if len(line) > width else line
            for line in message.splitlines()
        )
    print(message, file=sys.stderr, flush=True)


def is_stdout(output: Optional[Path]) -> bool:
    return output is None or str(output) == "-"


def resolve_format(output_format: Optional[Format], output: Optional[Path]) -> Format:
    """``--format`` when given, else what the output file's extension says, else a table."""
    if output_format is not None:
        return output_format
    if is_stdout(output):
        return Format.table
    return FORMAT_BY_EXTENSION.get(output.suffix.lower(), Format.table)


def check_output(output: Optional[Path], output_format: Optional[Format] = None) -> None:
    """Fail before any work when the output file cannot be created, or its extension asks for a
    format the tool does not write (and ``--format`` does not say another)."""
    if output_format is None and not is_stdout(output) and output.suffix.lower() in UNWRITTEN_EXTENSIONS:
        import typer

        written = ", ".join(FORMAT_BY_EXTENSION)
        raise typer.BadParameter(f"{output.suffix} files are not written; use {written}, or give --format", param_hint="--output")
    if not is_stdout(output) and not output.parent.is_dir():
        from ..errors import OutputError

        raise OutputError(f"cannot write {output}: folder {output.parent} does not exist; create it or choose another path")


def nothing_computed(reasons: Iterable[str]):
    """The error of every command when nothing it was asked for could be computed (exit 3)."""
    from ..errors import DataError

    return DataError(f"nothing requested could be computed: {'; '.join(reasons)}; use live data or choose funds the data holds")


def emit(
    output_format: Optional[Format],
    output: Optional[Path],
    *,
    json: Callable[[], str],
    csv: Callable[[], str],
    table: Callable[[bool, int], object],
) -> None:
    """Write the result in the chosen format; ``table(plain, width)`` builds the Rich renderable."""
    chosen = resolve_format(output_format, output)
    if chosen is Format.table:
        _print_table(table, output)
    else:
        write_text((json if chosen is Format.json else csv)(), output)


def write_text(text: str, output: Optional[Path]) -> None:
    if is_stdout(output):
        sys.stdout.write(text)
        return
    from ..output import write_atomically

    write_atomically(output, text)


def _print_table(make_table: Callable[[bool, int], object], output: Optional[Path]) -> None:
    """Styled on a terminal at its width; plain when piped, when NO_COLOR is set, or into a file."""
    from rich.console import Console

    if not is_stdout(output):
        console = Console(file=open(os.devnull, "w"), record=True, width=FILE_WIDTH, color_system=None)
        console.print(make_table(True, console.width))
        write_text(console.export_text(), output)
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, FILE_WIDTH))  # piped: let lines run long rather than wrap
    console.print(make_table(not console.is_terminal or console.no_color, console.width))
