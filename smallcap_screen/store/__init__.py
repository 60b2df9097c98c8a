"""The local store: every snapshot in one SQLite database, and the figures computed from each.

See database.py for the guarantees, schema.py for the tables, folder.py for the snapshot folder
format (the bundled reference snapshot), legacy.py for the move of the folders of earlier versions in.
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
