"""`snapshots rm` deletes for good: on a terminal it names the snapshots and asks (y/N); a script
must say --yes, and without it is refused (exit 2) with nothing removed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from smallcap_screen.store import Store
from tests.helpers import assert_one_line_error, dated, run


@pytest.fixture
def store(tmp_path) -> tuple[str, list[int]]:
    path = tmp_path / "snapshots.sqlite3"
    with Store.open(path) as kept:
        ids = [kept.save(dated(day, funds=("IWM",))).snapshot_id for day in (3, 4)]
    return str(path), ids


def stored_ids(path: str) -> list[int]:
    with Store.open(path) as kept:
        return [info.id for info in kept.snapshots()]


def rm_on_a_terminal(path: str, *args: str, answer: bytes) -> subprocess.CompletedProcess:
    """``snapshots rm ARGS`` with a pseudo-terminal as standard input, typing ``answer`` into it."""
    terminal, stdin = os.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "smallcap_screen", "snapshots", "rm", *args, "--db", path],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ) as process:
            os.write(terminal, answer)
            out, err = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(stdin)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


@pytest.mark.parametrize("answer", [b"n\n", b"\n", b"whatever\n", b"\x04"])
def test_on_a_terminal_anything_but_yes_removes_nothing(store, answer):
    path, ids = store
    result = rm_on_a_terminal(path, str(ids[0]), answer=answer)

    assert result.returncode == 0, result.stderr
    assert f"remove snapshot(s) {ids[0]} (2025-11-03: IWM) for good? [y/N]" in result.stderr
    assert "nothing removed" in result.stderr
    assert stored_ids(path) == ids


def test_on_a_terminal_yes_removes_what_was_named(store):
    path, ids = store
    result = rm_on_a_terminal(path, str(ids[1]), answer=b"y\n")

    assert result.returncode == 0, result.stderr
    assert f"removed snapshot(s) {ids[1]}" in result.stderr
    assert stored_ids(path) == [ids[0]]


def test_on_a_terminal_an_unknown_id_is_refused_before_asking(store):
    path, ids = store
    result = rm_on_a_terminal(path, str(ids[0]), "99", answer=b"y\n")

    assert_one_line_error(result, 3, "no snapshot with id 99")
    assert "[y/N]" not in result.stderr and stored_ids(path) == ids


def test_without_a_terminal_it_needs_yes(store):
    path, ids = store
    refused = run("snapshots", "rm", str(ids[0]), "--db", path)  # stdin is not a terminal under pytest

    assert_one_line_error(refused, 2, "no terminal to ask on", "pass --yes")
    assert stored_ids(path) == ids
    removed = run("snapshots", "rm", str(ids[0]), "--yes", "--db", path)
    assert removed.returncode == 0 and f"removed snapshot(s) {ids[0]}" in removed.stderr
    assert stored_ids(path) == [ids[1]]
