"""Writing a command's result: a table for people, CSV or JSON for programs, to stdout or a file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from .options import Format

if TYPE_CHECKING:
    from ..api.result import Result
    from .environment import Environment

#: The format an ``--output`` file's extension asks for when ``--format`` is not given.
FORMAT_BY_EXTENSION = {".csv": Format.csv, ".json": Format.json, ".txt": Format.table}
#: Extensions of formats the tool does not write: refused rather than filled with a text table.
UNWRITTEN_EXTENSIONS = (".xlsx", ".xls", ".ods", ".parquet", ".feather")
#: Width of a table written into a file: nothing wraps that need not.
FILE_WIDTH = 200


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
    env: "Environment",
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
        _print_table(env, table, output)
    else:
        write_text(env, (json if chosen is Format.json else csv)(), output)


def emit_result(env: "Environment", output_format: Optional[Format], output: Optional[Path], result: "Result", *, table: Callable[[bool, int], object]) -> None:
    """:func:`emit` of an API result: its records as JSON, or as CSV of its fields, else ``table``."""
    from ..output import csv_text, json_text

    emit(env, output_format, output, json=lambda: json_text(result.records()), csv=lambda: csv_text(result.records(), result.fields), table=table)


def write_text(env: "Environment", text: str | bytes, output: Optional[Path]) -> None:
    """``text`` on standard output, else written atomically to ``output``."""
    if is_stdout(output):
        if isinstance(text, bytes):
            env.stdout.flush()
            env.stdout.buffer.write(text)
        else:
            env.stdout.write(text)
        return
    from ..output import write_atomically

    write_atomically(output, text)


def _print_table(env: "Environment", make_table: Callable[[bool, int], object], output: Optional[Path]) -> None:
    """Styled on a terminal at its width; plain when piped (at ``COLUMNS``, else 80 columns), when
    NO_COLOR is set (no colour, bold, italic or dim: titles and captions are styled too), or into a file."""
    from ..render.layout import table_console

    if not is_stdout(output):
        console = table_console(file=open(os.devnull, "w"), record=True, width=FILE_WIDTH, color_system=None)
        console.print(make_table(True, console.width))
        write_text(env, console.export_text(), output)
        return
    styled = env.stdout_isatty and env.colour
    console = table_console(file=env.stdout, width=env.table_width, force_terminal=env.stdout_isatty, color_system="auto" if styled else None)
    console.print(make_table(not styled, console.width))
