"""A full disk for one subprocess: a tiny tmpfs mounted over a folder and filled up.

The mount lives in a private mount namespace of an unprivileged user namespace (``unshare``),
so nothing outside the subprocess sees it and no root rights are needed where the kernel
allows user namespaces. Writes under the folder then fail with ENOSPC, as on a full disk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

#: Mount a 64 kB tmpfs over "$1", fill it to the last byte, then run the rest of the arguments.
_SCRIPT = 'mount -t tmpfs -o size=64k tmpfs "$1" && cat /dev/zero > "$1/filler" 2>/dev/null; shift; exec "$@"'


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
    """``command`` run with ``folder`` (created if need be) on a disk that is full."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _SCRIPT, "sh", str(folder), *command]
