"""Errors a user can act on, each with the process exit code the CLI turns it into.

Every error message is one line that says what went wrong and what to do about it.
"""

from __future__ import annotations


class ScreenError(Exception):
    """Base of all errors the CLI reports as a one-line message instead of a traceback."""

    exit_code = 1


class DataError(ScreenError):
    """An input file or answer is unusable: malformed, empty, truncated, HTML, absurd."""

    exit_code = 3


class UnknownFundError(ScreenError):
    """A fund ticker that is neither in the registry nor a readable holdings file."""

    exit_code = 4


class NetworkError(ScreenError):
    """The network could not deliver what was needed (and offline fallback was not allowed)."""

    exit_code = 5


class OutputError(ScreenError):
    """The result could not be written (bad path, full disk, permissions)."""

    exit_code = 6
