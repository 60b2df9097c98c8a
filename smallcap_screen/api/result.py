"""What every API result is: the same few ways to read it, whatever the command.

- ``records()``: a list of flat dicts, the rows of the command's ``--format json`` / ``csv``;
- ``fields``: their names, in order (the stable CSV/JSON names the README lists);
- ``to_frame()``: the records as a pandas DataFrame with those columns;
- ``__rich__``: the command line's own table (``rich.print(result)``), fitted to the console;
- ``_repr_html_``: the same table as HTML for a notebook, every text escaped;
- ``__repr__``: one short line saying what the result holds.

A result class says only how it is drawn (``_table(plain, width)``, calling the renderer of
:mod:`smallcap_screen.render` that the command line prints) and what its one line says
(``_summary()``). Result dataclasses are declared with ``repr=False`` so that this ``__repr__``
is theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Width of the table a notebook shows: wide enough that no column of any command is dropped.
NOTEBOOK_WIDTH = 160


class Result:
    """The protocol above; subclasses define ``fields``, ``records``, ``_table`` and ``_summary``."""

    fields: list[str]

    def records(self) -> list[dict]:
        raise NotImplementedError

    def _table(self, plain: bool, width: int):
        """The command line's table of this result, ``width`` columns wide (``plain``: unstyled)."""
        raise NotImplementedError

    def _summary(self) -> str:
        raise NotImplementedError

    def to_frame(self) -> "pd.DataFrame":
        """The records as a DataFrame, one column per field, in the fields' order."""
        import pandas as pd

        return pd.DataFrame(self.records(), columns=self.fields)

    def __rich__(self) -> "_Fitted":
        return _Fitted(self)

    def _repr_html_(self) -> str:
        import io

        from ..render.layout import table_console

        console = table_console(file=io.StringIO(), record=True, width=NOTEBOOK_WIDTH, color_system="truecolor", force_terminal=True)
        console.print(self._table(False, NOTEBOOK_WIDTH))
        # export_html escapes every text it writes: a stock named "<script>" is shown, never run
        return console.export_html(inline_styles=True, code_format='<pre style="font-family: monospace; line-height: 1.2">{code}</pre>')

    def __repr__(self) -> str:
        return " ".join(f"<{type(self).__name__} {self._summary()}>".split())  # one line, whatever the names hold


def prices_text(provenance) -> str:
    """``prices 2025-08-19 (bundled reference snapshot)``: a result's data, for its one line."""
    return f"prices {provenance.as_of_prices or 'undated'} ({provenance.data_source or 'no data'})"


class _Fitted:
    """A result's command-line table, drawn at the width of the console that prints it (as the
    command fits its table to the terminal), unstyled where that console has no colour."""

    def __init__(self, result: Result) -> None:
        self.result = result

    def __rich_console__(self, console, options):
        yield self.result._table(console.color_system is None, options.max_width)


__all__ = ["NOTEBOOK_WIDTH", "Result", "prices_text"]
