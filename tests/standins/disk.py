"""A full disk, or a read-only one, for one subprocess: a tiny tmpfs mounted over a folder and
filled up, or the folder bound read-only onto itself (refused even to root).

The mount lives in a private mount namespace of an unprivileged user namespace (``unshare``),
so nothing outside the subprocess sees it and no root rights are needed where the kernel
allows user namespaces. Writes under the folder then fail with ENOSPC, as on a full disk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

#: Copy what "$1" holds to "$2", mount a tmpfs 64 kB larger than that over "$1", copy it back in,
#: fill the tmpfs to the last byte, then run the rest of the arguments.
_FULL = (
    'cp -a "$1/." "$2/" && mount -t tmpfs -o size=$(( $(du -sk "$2" | cut -f1) + 64 ))k tmpfs "$1" '
    '&& cp -a "$2/." "$1/" && { cat /dev/zero > "$1/filler" 2>/dev/null; shift 2; exec "$@"; }'
)
#: Bind "$1" read-only onto itself, then run the rest of the arguments.
_READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
_NAMESPACE = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c"]


def full_disk_available() -> bool:
    """Whether this machine lets an unprivileged process mount a tmpfs in its own namespace."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", 'mount -t tmpfs -o size=4k tmpfs /tmp && echo ok'],
        capture_output=True, text=True, check=False,
    )
    return probe.stdout.strip() == "ok"


def on_full_disk(folder: Path, command: list[str]) -> list[str]:
    """``command`` run with ``folder`` (created if need be) on a disk that is full; what the folder
    held is there (copied onto the full disk; the folder itself is left as it was)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder.with_name(folder.name + ".on-full-disk")
    aside.mkdir(exist_ok=True)
    return [*_NAMESPACE, _FULL, "sh", str(folder), str(aside), *command]


def on_read_only_disk(folder: Path, command: list[str]) -> list[str]:
    """``command`` run with ``folder`` (and what it holds) on a read-only mount."""
    return [*_NAMESPACE, _READ_ONLY, "sh", str(folder), *command]
