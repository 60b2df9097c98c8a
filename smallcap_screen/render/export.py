"""Tables as Parquet files (CSV and JSON go through the tool's one writer, output.py)."""

from __future__ import annotations

import io

import pandas as pd

from ..errors import MissingExtraError


def export_parquet(frame: pd.DataFrame) -> bytes:
    """Parquet bytes; needs pyarrow (the ``parquet`` extra)."""
    try:
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        raise MissingExtraError("Parquet needs pyarrow: in the clone run .venv/bin/pip install '.[parquet]', or export as csv or json") from None
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
