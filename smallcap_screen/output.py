"""Writing result files so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_atomically(
    path: Path,
    data: str | bytes,
    *,
    what: str = "",
    advice: str = "check the folder exists, is writable and has free space",
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in the same folder, then
    rename it into place; on failure raise OutputError "cannot write {what}{path}: ...; {advice}"
    and leave neither a partial file nor the temporary one."""
    path = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {what}{path}: {exc.strerror or exc}; {advice}") from exc
