"""The committed excerpts of the real files are real: every kept line is in the full download,
and the folder's README accounts for every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import EXCERPTS

EXCERPT_FILES = sorted(p for p in EXCERPTS.iterdir() if p.suffix in (".csv", ".js", ".xlsx"))


def sheet_rows(path: Path) -> list[tuple]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(c for c in row if c is not None) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return [row for row in rows if row]


def test_every_excerpt_is_named_in_the_readme():
    readme = (EXCERPTS / "README.md").read_text(encoding="utf-8")
    assert len(EXCERPT_FILES) >= 8
    for path in EXCERPT_FILES:
        assert f"`{path.name}`" in readme, path.name


@pytest.mark.parametrize("path", EXCERPT_FILES, ids=lambda p: p.name)
def test_every_excerpt_is_small(path):
    assert path.stat().st_size < 64 * 1024


def test_every_kept_line_is_a_line_of_the_full_file(whole_raw_dir):
    for path in EXCERPT_FILES:
        full = whole_raw_dir / path.name
        if path.suffix == ".xlsx":
            # Numbers may come back as int or float (286571418 / 286571418.0): compare as text.
            as_text = lambda rows: {tuple(str(float(c)) if isinstance(c, (int, float)) else c for c in r) for r in rows}  # noqa: E731
            missing = as_text(sheet_rows(path)) - as_text(sheet_rows(full))
        elif path.suffix == ".js":
            # Records are kept whole, in the source's layout: compare their lines.
            missing = set(path.read_text(encoding="utf-8").splitlines()) - set(full.read_text(encoding="utf-8").splitlines())
            missing -= {"  },", "  }"}  # the last kept record may close without a comma
        elif path.name.startswith("fundamentals_finviz"):
            # Rows are verbatim but for their number (No.), renumbered 1 to N as in any export.
            unnumbered = lambda text: {line.split(b",", 1)[-1] for line in text.split(b"\n")}  # noqa: E731
            missing = unnumbered(path.read_bytes()) - unnumbered(full.read_bytes())
        else:
            missing = set(path.read_bytes().split(b"\n")) - set(full.read_bytes().split(b"\n"))
        assert not missing, (path.name, sorted(missing)[:3])
