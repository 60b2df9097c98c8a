"""`export` of nothing (an empty store, or dates or funds the store does not hold) is exit 3 with
what to do, and writes nothing: a header alone would pass for an export in a script."""

from __future__ import annotations

import pytest

from smallcap_screen.store import Store
from tests.helpers import assert_one_line_error, dated, run


@pytest.mark.parametrize("what", ["history", "holdings"])
def test_an_empty_store_exports_nothing_and_says_how_to_fill_it(tmp_path, what):
    out = tmp_path / "out.csv"
    result = run("export", "--what", what, "-o", str(out), "--data-dir", str(tmp_path / "store"))

    assert_one_line_error(result, 3, "nothing to export", "holds no snapshots yet", "`smallcap-screen snapshot` or `import`")
    assert not out.exists() and result.stdout == ""


@pytest.mark.parametrize(
    "args, said",
    [
        (["--since", "2030-01-01"], "no stored snapshot from 2030-01-01"),
        (["--what", "holdings", "--until", "2025-10-31"], "no stored snapshot until 2025-10-31"),
        (["SPY"], "no stored snapshot of SPY"),
    ],
)
def test_a_filter_matching_nothing_exports_nothing(tmp_path, args, said):
    path = tmp_path / "snapshots.sqlite3"
    with Store.open(path) as store:
        store.save(dated(3, funds=("IWM",)))
    result = run("export", *args, "--db", str(path))

    assert_one_line_error(result, 3, said, "`smallcap-screen snapshots` lists what the store holds")
    assert result.stdout == ""
    assert run("export", "--db", str(path)).stdout.count("\n") == 2  # the header and IWM's row
