"""Errors a user can act on, and the exit codes they become: the one place both are defined.

Every error message is one line that says what went wrong and what to do about it. The README's
exit-code table and the ``--help`` epilog are generated from / checked against :class:`ExitCode`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of ``smallcap-screen``; the docstring of each member is its meaning."""

    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2
    BAD_DATA = 3
    UNKNOWN_FUND = 4
    NETWORK_UNAVAILABLE = 5
    OUTPUT_NOT_WRITTEN = 6
    PARTIAL = 7
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return EXIT_CODE_MEANINGS[self]


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success (also when falling back to local data: the fallback is reported on stderr)",
    ExitCode.INTERNAL_ERROR: "unexpected internal error (set SMALLCAP_SCREEN_DEBUG=1 for a traceback)",
    ExitCode.USAGE: "usage error: unknown option, bad value",
    ExitCode.BAD_DATA: "bad or unusable data: malformed, empty, truncated or HTML file; damaged snapshot; nothing requested could be computed",
    ExitCode.UNKNOWN_FUND: "unknown fund",
    ExitCode.NETWORK_UNAVAILABLE: "network unavailable and live data was required (--live)",
    ExitCode.OUTPUT_NOT_WRITTEN: "output could not be written (bad path, permissions, full disk); nothing half-written is left",
    ExitCode.PARTIAL: "partial live data: some fund's download failed (its row or the summary names the failure and the fallback) or coverage was under the threshold; what was fetched is kept",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); what was fetched is kept for the next run",
}


def printable(value: object, limit: int = 60) -> str:
    """``value`` as an error message may show it: on one line, every control or invisible character
    escaped (``\\x00``, ``\\n``), at most ``limit`` characters (cut with "…"). Every value read from
    input and quoted in a message goes through here, so no error repeats a 3,000-character row."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ScreenError(Exception):
    """Base of all errors the CLI reports as a one-line message instead of a traceback."""

    exit_code = ExitCode.INTERNAL_ERROR


class UsageError(ScreenError):
    """Something only the caller can supply is missing, e.g. the date of an export that states none."""

    exit_code = ExitCode.USAGE


class DataError(ScreenError):
    """An input file or answer is unusable: malformed, empty, truncated, HTML, absurd."""

    exit_code = ExitCode.BAD_DATA


class MissingHoldingsError(DataError):
    """The chosen data has no holdings for some named ``funds`` (their download failed, or the
    snapshot does not hold them)."""

    def __init__(self, message: str, funds: list[str]) -> None:
        super().__init__(message)
        self.funds = funds


class UnreadableStoreError(DataError):
    """The store as a whole cannot be read by this version (not its schema, a table missing): every
    snapshot of it fails alike, unlike one damaged snapshot, which the others can stand in for."""


class UnknownFundError(ScreenError):
    """A fund ticker that is neither in the registry nor a readable holdings file."""

    exit_code = ExitCode.UNKNOWN_FUND


class NetworkError(ScreenError):
    """The network could not deliver what was needed (and offline fallback was not allowed)."""

    exit_code = ExitCode.NETWORK_UNAVAILABLE


class OutputError(ScreenError):
    """The result could not be written (bad path, full disk, permissions)."""

    exit_code = ExitCode.OUTPUT_NOT_WRITTEN


class MissingExtraError(ScreenError):
    """An optional dependency is needed for what was asked (e.g. pyarrow for Parquet)."""

    exit_code = ExitCode.USAGE
