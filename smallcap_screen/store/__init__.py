"""The local store: every snapshot in one SQLite database, and the figures computed from each.

See database.py for the guarantees, schema.py for the tables, legacy.py for the move from the
folder-per-snapshot layout of earlier versions.
"""

from .database import (
    BackfillEntry,
    DB_VARIABLE,
    DATA_DIR_VARIABLE,
    FundEntry,
    Saved,
    SnapshotInfo,
    Store,
    StoreBusyError,
    StoredResults,
    default_data_dir,
    default_db_path,
)
from .schema import SCHEMA_VERSION

__all__ = [
    "BackfillEntry", "DB_VARIABLE", "DATA_DIR_VARIABLE", "FundEntry", "SCHEMA_VERSION", "Saved", "SnapshotInfo", "Store",
    "StoreBusyError", "StoredResults", "default_data_dir", "default_db_path",
]
