"""Tables as export files: CSV (formula-safe), JSON (records with ISO dates), Parquet."""

from __future__ import annotations

import io
import json

import pandas as pd

from ..errors import MissingExtraError

#: Spreadsheets run a cell that starts with these as a formula; such text cells get a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(frame: pd.DataFrame) -> str:
    """CSV with ISO dates and full precision; text that a spreadsheet would run as a formula is
    prefixed with ' (numbers are never touched)."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return safe.to_csv(index=False, lineterminator="\n")


def export_json(frame: pd.DataFrame) -> str:
    """A list of objects, one per row; missing values as null."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return json.dumps(rows, indent=1, allow_nan=False, default=str) + "\n"


def export_parquet(frame: pd.DataFrame) -> bytes:
    """Parquet bytes; needs pyarrow (the ``parquet`` extra)."""
    try:
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        raise MissingExtraError("Parquet needs pyarrow: pip install 'smallcap-screen[parquet]', or export as csv or json") from None
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
