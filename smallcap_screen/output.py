"""Writing results: the one CSV writer and the one JSON writer of the tool, and files written whole.

Every command's CSV and JSON goes through :func:`csv_text` and :func:`json_text`, for lists of
records and DataFrames alike, so every output follows the same conventions (README, "Output
files"):

- Figures are rounded to what they mean (:func:`tidy_figure`): multiples (P/E, P/B) to 4
  decimals (18.3412x: inputs carry 4 to 6 significant digits), fractions (weights, coverage,
  discounts, growth, yields) to 8 decimals, so the 2,000 weights of a fund still sum to 1 within
  1e-6, and every other number to 12 significant digits, which keeps a figure as its source gave
  it (a price of 141.41, a market value of 731,205,514.79) while dropping the float noise of
  arithmetic (45.520000000000003; a discount of -4.257e-12 that is really 0).
- A figure that is not finite (a P/E of inf, NaN) is written as JSON ``null`` and an empty CSV
  cell: never an error, never ``NaN`` or ``Infinity``, which are not JSON.
- CSV is formula-safe the OWASP way: a text cell a spreadsheet would run as a formula (starting
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return, e.g. a holding named
  ``=HYPERLINK(...)`` in a user's file) gets a leading single quote. Numbers are untouched: a
  negative number stays ``-0.12``. Line breaks inside a text cell are written as a quoted ``\n``.

:func:`write_atomically` writes a file whole or not at all: through a temporary file beside it,
renamed into place, with the mode an existing file had (else what the umask gives), writing
through a symlink to its target; temporary files left by a killed earlier write are removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterable, Union

from .errors import OutputError

#: Decimals kept for a multiple (P/E 18.3412x) and for a fraction (a weight of 0.01234567 = 1.234567%).
MULTIPLE_DECIMALS = 4
FRACTION_DECIMALS = 8
#: Significant digits kept for any other number: more than any source gives, fewer than float noise.
SIGNIFICANT_DIGITS = 12
#: Words of a field name that make it a fraction or a multiple (field names are snake_case).
FRACTION_WORDS = frozenset({"weight", "coverage", "discount", "growth", "yield", "relative", "fraction", "share"})
MULTIPLE_WORDS = frozenset({"pe", "pb", "ps", "multiple"})
MULTIPLE_FIELDS = frozenset({"price_to_book", "price_to_sales"})
#: Fractions whose names say it only in their table: the parts of a sector gap in earnings yield.
FRACTION_FIELDS = frozenset({"mix", "within", "interaction", "total"})
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A temporary file older than this whose writer is unknown is left over from a killed write.
STALE_AFTER_SECONDS = 3600

Rows = Union[Iterable[dict], "pandas.DataFrame"]  # noqa: F821 - pandas is imported only when needed


def record_value(value: object) -> object:
    """A record value as JSON and CSV take it: dates as ISO text, NaN (never a figure) as None."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def tidy_figure(field: str, value: object) -> object:
    """``value`` of column ``field`` as written: floats rounded by the rule above, non-finite ones
    None, numpy scalars as Python numbers, dates as ISO text; anything else unchanged."""
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        kind = _kind(field)
        if kind == "multiple":
            value = round(value, MULTIPLE_DECIMALS)
        elif kind == "fraction":
            value = round(value, FRACTION_DECIMALS)
        else:
            value = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
        return value + 0.0  # -0.0 becomes 0.0
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def tidy_records(rows: Rows) -> list[dict]:
    """Records (a list of flat dicts, or a DataFrame's rows) with every figure tidied."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    return [{field: tidy_figure(field, value) for field, value in row.items()} for row in rows]


def json_text(rows: Rows) -> str:
    """A JSON array of objects, one per record or DataFrame row, figures tidied."""
    return json.dumps(tidy_records(rows), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def csv_text(rows: Rows, columns: list[str] | None = None) -> str:
    """CSV with a header row: ``columns`` (default: the DataFrame's, or the first record's keys),
    figures tidied, text cells formula-safe."""
    if columns is None and hasattr(rows, "columns"):
        columns = [str(c) for c in rows.columns]
    records = tidy_records(rows)
    if columns is None:
        columns = list(records[0]) if records else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([formula_safe(c) for c in columns])
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return buffer.getvalue()


def formula_safe(text: str) -> str:
    """``text`` with a leading single quote when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        # A bare CR would end the row for most CSV readers: line breaks become "\n", which the
        # writer quotes since it ends lines with it.
        return formula_safe(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


@functools.lru_cache(maxsize=None)
def _kind(field: str) -> str:
    words = set(str(field).lower().split("_"))
    if words & FRACTION_WORDS or field in FRACTION_FIELDS:
        return "fraction"
    if words & MULTIPLE_WORDS or field in MULTIPLE_FIELDS:
        return "multiple"
    return "number"


def write_atomically(
    path: Path,
    data: str | bytes,
    *,
    what: str = "",
    advice: str = "check the folder exists, is writable and has free space",
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in the same folder, then
    rename it into place; on failure raise OutputError "cannot write {what}{path}: ...; {advice}"
    and leave neither a partial file nor the temporary one.

    A symlink is written through (its target is replaced, the link stays); a device or FIFO
    (``/dev/stdout``) is written into directly, never replaced. The file gets the mode of the file
    it replaces, else 0666 less the umask, as any program's new file would. Temporary files that
    a killed earlier write left beside ``path`` are removed first.
    """
    path = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    temporary: str | None = None
    try:
        existing = _stat_or_none(target)
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            with open(target, "wb") as stream:  # a device or pipe: there is nothing to replace
                stream.write(content)
            return
        remove_stale_temporaries(target)
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(file.fileno(), mode)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {what}{path}: {exc.strerror or exc}; {advice}") from exc


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the ``.{name}.{pid}.*.tmp`` files a killed write to ``path`` left behind (their
    writer is gone, or, where that cannot be told, they are over an hour old); return them."""
    path = Path(path)
    removed = []
    prefix = f".{path.name}."
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return removed
    for candidate in candidates:
        writer = candidate.name[len(prefix) :].split(".", 1)[0]
        if _writer_gone(writer, candidate):
            try:
                candidate.unlink()
                removed.append(candidate)
            except OSError:
                pass  # another run removed it, or it is not ours to remove
    return removed


def _writer_gone(writer: str, candidate: Path) -> bool:
    if writer.isdigit() and os.name == "posix":
        if int(writer) == os.getpid():
            return False
        try:
            os.kill(int(writer), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it exists (another user's process)
        return False
    try:
        return time.time() - candidate.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _umask() -> int:
    """The process umask, read without changing it where the system tells (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
