"""Output conventions shared by every command: figures rounded to what they mean, non-finite ones
null, formula-safe CSV, and files written whole with the mode, umask and symlinks a user expects."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import stat
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

from smallcap_screen.output import csv_text, formula_safe, json_text, remove_stale_temporaries, tidy_figure, write_atomically
from tests.helpers import REPO

# Figures


@pytest.mark.parametrize(
    ("field", "value", "written"),
    [
        ("pe_trailing", 18.609014733767307, 18.609),  # a multiple: 4 decimals
        ("price_to_book", 2.345678, 2.3457),
        ("discount_trailing", -4.257261210227625e-12, 0.0),  # a fraction: 8 decimals, never -0.0
        ("weight", 0.010639717212345, 0.01063972),
        ("coverage", 1.0000000000000002, 1.0),
        ("loss_count_share", 0.429313929314, 0.42931393),
        ("shares", 5_170_819.0, 5_170_819.0),  # a count of shares, not a share of something
        ("price", 45.520000000000003, 45.52),  # any other number: 12 significant digits
        ("market_value", 731_205_514.79, 731_205_514.79),
        ("eps_trailing", 46.82 / 9961.70, 0.00470000100384),
        ("holdings", np.int64(1956), 1956),
        ("pe_trailing", np.float64("inf"), None),
        ("pe_forward", float("nan"), None),
        ("as_of_holdings", dt.date(2025, 11, 5), "2025-11-05"),
        ("status", "ok", "ok"),
        ("flagged", True, True),
    ],
)
def test_each_figure_is_written_to_its_meaningful_precision(field, value, written):
    tidy = tidy_figure(field, value)
    assert tidy == written and type(tidy) is type(written)
    assert repr(tidy) != "-0.0"


def test_json_writes_null_for_a_non_finite_figure_instead_of_failing():
    text = json_text([{"fund": "X", "pe_trailing": math.inf, "pe_forward": math.nan, "coverage": 0.5}])
    assert json.loads(text) == [{"fund": "X", "pe_trailing": None, "pe_forward": None, "coverage": 0.5}]
    assert "Infinity" not in text and "NaN" not in text


def test_records_and_dataframes_are_written_alike():
    records = [{"ticker": "BE", "weight": 0.0106397172123, "pe_trailing": 9961.699999670895, "flags": ""},
               {"ticker": "PLUG", "weight": 0.001, "pe_trailing": np.nan, "flags": "loss"}]
    frame = pd.DataFrame(records)
    assert csv_text(records) == csv_text(frame)
    assert json_text(records) == json_text(frame)
    assert csv_text(frame).splitlines() == ["ticker,weight,pe_trailing,flags", "BE,0.01063972,9961.7,", "PLUG,0.001,,loss"]


# Formula-safe CSV (OWASP "CSV injection")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.test","click")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_prefixed_with_a_quote(text):
    assert formula_safe(text) == "'" + text
    [header, row] = csv.reader(io.StringIO(csv_text([{"name": text}]), newline=""))
    assert row == ["'" + text.replace("\r", "\n")]  # a bare CR would end the row: it is written as a quoted LF


def test_numbers_and_harmless_text_are_untouched():
    out = csv_text([{"name": "AT&T", "discount_trailing": -0.12, "growth": -0.5, "note": "a=b"}])
    assert out.splitlines()[1] == "AT&T,-0.12,-0.5,a=b"


# Files written whole


def test_a_new_file_follows_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "out.csv", "a\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "out.csv").st_mode) == 0o640


def test_a_replaced_file_keeps_its_mode(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    out.chmod(0o604)
    write_atomically(out, "new\n")
    assert (out.read_text(), stat.S_IMODE(out.stat().st_mode)) == ("new\n", 0o604)


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "figures.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_atomically(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_pipe_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomically(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


KILLED_WRITE = """
import os, sys, time
from smallcap_screen import output
os.replace = lambda *args: time.sleep(60)  # stop between writing the temporary file and renaming it
print("writing", flush=True)
output.write_atomically(sys.argv[1], "partial figures\\n")
"""


def test_the_temporary_file_of_a_killed_write_is_removed_by_the_next_write(tmp_path):
    out = tmp_path / "out.csv"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITE, str(out)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    deadline = 100
    while not list(tmp_path.glob(".out.csv.*.tmp")) and deadline:
        threading.Event().wait(0.05)
        deadline -= 1
    writer.kill()  # kill -9: no cleanup runs
    writer.wait()
    assert len(list(tmp_path.glob(".out.csv.*.tmp"))) == 1 and not out.exists()

    write_atomically(out, "figures\n")

    assert out.read_text() == "figures\n"
    assert list(tmp_path.glob(".out.csv.*.tmp")) == []


def test_the_temporary_file_of_a_running_write_is_left_alone(tmp_path):
    mine = tmp_path / f".out.csv.{os.getpid()}.abcd1234.tmp"
    parents = tmp_path / f".out.csv.{os.getppid()}.abcd1234.tmp"
    for path in (mine, parents):
        path.write_text("being written")
    assert remove_stale_temporaries(tmp_path / "out.csv") == []
