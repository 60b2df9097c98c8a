"""Bounds on what is read: any input file or body is refused with a one-line DataError before it
can hang the process or fill its memory.

- Only regular files are read: a FIFO would block forever, ``/dev/zero`` never ends, a folder is
  not data. The check is made on the opened descriptor (opened without blocking), so a path
  swapped between check and read cannot slip through.
- Sizes and row counts are capped well above every real file: the largest holdings file, a
  total-market fund, has about 4,000 lines (about 1 MB); the whole-market finviz export has
  10,362 rows (3.5 MB); an SSGA workbook about 600 rows (3,000 for its largest funds).
- Text is UTF-8 (a BOM is dropped), Latin-1 as spreadsheets write it, or UTF-16/UTF-32 with a
  byte-order mark, re-encoded here to UTF-8; any other body with NUL bytes is not text and is
  refused, so no parser ever sees (or echoes) NULs.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import zipfile
from pathlib import Path

from ..errors import DataError

#: Largest input file or body read, in bytes.
MAX_BYTES = 64 * 1024 * 1024
#: Most lines of a CSV read.
MAX_ROWS = 100_000
#: Most rows of a workbook sheet read: SSGA's largest workbooks (a total-market fund) hold about 3,000.
MAX_SHEET_ROWS = 10_000
#: Most bytes a workbook may unpack to (its XML parts together). SPY's unpacks to 440 KB, the largest
#: SSGA workbooks to about 2 MB. The workbook reader loads a whole sheet as it opens it, so this
#: also bounds the memory and time a sheet of a million rows takes.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_regular_file(path: str | Path, what: str) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; DataError "cannot read {what} {path}: ..."
    for a missing or unreadable path, a folder, FIFO, socket or device, a file too large, or one
    whose reading fails."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise DataError(f"cannot read {what} {path}: {error.strerror or error}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
        os.close(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"cannot read {what} {path}: it is {_kind(info.st_mode)}, not a regular file; give the path of a file")
        raise DataError(f"cannot read {what} {path}: it is {_size(info.st_size)}, more than the {_size(MAX_BYTES)} any holdings file or export needs; is it the right file?")
    try:
        with os.fdopen(descriptor, "rb") as file:
            content = file.read(MAX_BYTES + 1)  # the file may grow while it is read
    except OSError as error:  # a file that fails as it is read: /proc/self/mem, a failing disk
        raise DataError(f"cannot read {what} {path}: {error.strerror or error}; give the path of a readable file") from None
    if len(content) > MAX_BYTES:
        raise DataError(f"cannot read {what} {path}: it grew past {_size(MAX_BYTES)} while being read")
    return content


def bounded_text(content: bytes, what: str) -> bytes:
    """A text body as UTF-8 bytes within MAX_BYTES and MAX_ROWS lines; zip archives (xlsx) pass unchanged.

    UTF-16 and UTF-32 with a byte-order mark are re-encoded to UTF-8; other bodies holding NUL
    bytes are refused: they are binary, or UTF-16 without a BOM.
    """
    if len(content) > MAX_BYTES:
        raise DataError(f"{what} is {_size(len(content))}, more than the {_size(MAX_BYTES)} any holdings file or export needs")
    if content.startswith(ZIP_MAGIC):
        return content
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                content = content.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{what} starts as {encoding.upper()} text but is not valid {encoding.upper()}; save it again as UTF-8 CSV") from None
            break
    if b"\x00" in content:
        raise DataError(f"{what} is not text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark); save it as UTF-8 CSV")
    lines = content.count(b"\n")
    if lines > MAX_ROWS:
        raise DataError(f"{what} has {lines:,} lines, more than the {MAX_ROWS:,} any holdings file or export has; is it the right file?")
    return content


def check_workbook(content: bytes, what: str) -> None:
    """Refuse a workbook that would unpack to more than MAX_UNPACKED_BYTES (unreadable zips pass:
    the workbook reader reports those)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if unpacked > MAX_UNPACKED_BYTES:
        raise DataError(f"{what} unpacks to {_size(unpacked)}, more than the {_size(MAX_UNPACKED_BYTES)} a holdings workbook needs; is it the right file?")


def bounded_rows(sheet, what: str) -> list[list]:
    """The rows of a python-calamine sheet as lists from the sheet's first row, empty cells as
    None; DataError when it has more than MAX_SHEET_ROWS rows. (The reader holds the sheet's
    cells in memory as it opens it: the unpacked size check_workbook caps is what bounds that.)"""
    rows = sheet.to_python(skip_empty_area=False, nrows=MAX_SHEET_ROWS + 1)
    if len(rows) > MAX_SHEET_ROWS:
        raise DataError(f"{what} has more than {MAX_SHEET_ROWS:,} rows, more than any holdings workbook has; is it the right file?")
    return [[None if cell == "" else cell for cell in row] for row in rows]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
