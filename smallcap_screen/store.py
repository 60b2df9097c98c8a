"""The local store: every snapshot taken from live data, kept for history.

Snapshots live under ``platformdirs.user_data_dir("smallcap-screen")/snapshots`` (override with the
``SMALLCAP_SCREEN_DATA_DIR`` environment variable or the ``root`` argument), one folder each, named
by the UTC time they were taken, so that names sort by age.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .snapshot import MANIFEST, Snapshot, read_snapshot, write_snapshot

DATA_DIR_VARIABLE = "SMALLCAP_SCREEN_DATA_DIR"
NAME_FORMAT = "%Y%m%dT%H%M%SZ"


def default_data_dir() -> Path:
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("smallcap-screen", appauthor=False))


@dataclass
class Store:
    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> "Store":
        return cls(Path(root).expanduser() if root else default_data_dir())

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    def save(self, snapshot: Snapshot) -> Path:
        """Keep ``snapshot``; returns its folder. Two saves in one second get distinct names."""
        name = snapshot.created.astimezone(dt.timezone.utc).strftime(NAME_FORMAT)
        target = self.snapshots_dir / name
        suffix = 1
        while target.exists():
            suffix += 1
            target = self.snapshots_dir / f"{name}-{suffix}"
        return write_snapshot(snapshot, target)

    def names(self) -> list[str]:
        """Snapshot folder names, oldest first (complete ones only: staging folders start with '.')."""
        if not self.snapshots_dir.is_dir():
            return []
        return sorted(p.name for p in self.snapshots_dir.iterdir() if not p.name.startswith(".") and (p / MANIFEST).is_file())

    def load(self, name: str) -> Snapshot:
        path = self.snapshots_dir / name
        if not (path / MANIFEST).is_file():
            raise DataError(f"no snapshot named {name!r} in {self.snapshots_dir}; see `smallcap-screen snapshots`")
        return read_snapshot(path)

    def latest(self) -> Snapshot | None:
        """The newest readable snapshot, skipping damaged ones; None when there is none."""
        for name in reversed(self.names()):
            try:
                return read_snapshot(self.snapshots_dir / name)
            except DataError:
                continue
        return None
