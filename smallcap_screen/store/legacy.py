"""The one-time move of snapshot folders (versions before the SQLite store) into the database.

Those versions kept ``snapshots/<UTC time>/`` folders of CSV files beside where the database now
lives. The first time a store is opened, every readable folder is saved into it as it was
(``origin`` "migrated"; identical ones are stored once), the staging folders a killed run left
behind are deleted, and the folder is renamed ``snapshots.migrated`` so that nothing is lost and
the move is not repeated. A damaged folder is not moved in; the notes name it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError

if TYPE_CHECKING:
    from .database import Store

MIGRATED_SUFFIX = ".migrated"


def has_legacy_snapshots(folder: Path) -> bool:
    return folder.is_dir()


def migrate_legacy_snapshots(store: "Store", folder: Path) -> list[str]:
    """Save every snapshot folder under ``folder`` into ``store``; returns notes for the user."""
    from .folder import MANIFEST, read_snapshot  # pandas: loaded only for the one-time move

    notes: list[str] = []
    moved = unchanged = 0
    damaged: list[str] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return notes  # another process moved it meanwhile
    for entry in entries:
        if entry.name.startswith("."):  # a staging folder of a run that was killed
            shutil.rmtree(entry, ignore_errors=True)
            continue
        if not (entry / MANIFEST).is_file():
            continue
        try:
            snapshot = read_snapshot(entry)
        except DataError as exc:
            damaged.append(f"{entry.name} ({exc})")
            continue
        saved = store.save(snapshot, origin="migrated", replace_same_day=False)
        if saved.status == "added":
            moved += 1
        else:
            unchanged += 1
    target = folder.with_name(folder.name + MIGRATED_SUFFIX)
    number = 1
    while target.exists():
        number += 1
        target = folder.with_name(f"{folder.name}{MIGRATED_SUFFIX}-{number}")
    try:
        folder.rename(target)
    except OSError as exc:
        if folder.exists():
            notes.append(f"could not rename {folder} after moving its snapshots into {store.path} ({exc.strerror}); the move is repeated harmlessly next time")
            target = folder
    if moved or unchanged or damaged:
        notes.append(f"moved {moved} snapshot folder(s) into the store {store.path}" + (f" ({unchanged} already there)" if unchanged else "") + f"; the folders are kept in {target}")
    for name in damaged:
        notes.append(f"snapshot folder {name} is damaged and was not moved into the store")
    return notes
