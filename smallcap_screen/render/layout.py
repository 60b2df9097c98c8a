"""Tables that fit the terminal without cutting a figure.

A table is declared as columns, each with its cells and a priority. Figures never wrap or shrink;
when the table is wider than the terminal, the columns of lowest priority are dropped one by one
and the caption names them, with how to see them. Only text columns marked ``shrink`` (names) may
be shortened, with an ellipsis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

#: Priority of columns that are never dropped (the row's identity and the headline figures).
ESSENTIAL = 0
#: Characters that act on a terminal instead of showing: C0 controls but the newline that
#: separates a cell's lines, DEL, C1 controls, and the bidirectional overrides and isolates.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``) instead of acting:
    names from input files reach tables, and a holdings file whose names carried ESC[2J cleared
    the user's screen (CSV cells are neutralised for spreadsheets the same way)."""
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


def shown(text: str) -> str:
    """``text`` from the data as a Rich cell: controls shown as escapes (:func:`visible`) and
    brackets as written, not read as markup (a holding named "[bold]X[/bold]" lost its tags and
    was cut to fit the shorter text)."""
    return _unmarked(visible(text))


def _unmarked(text: str) -> str:
    """``text`` with its brackets escaped from Rich's markup."""
    if "[" not in text:  # most cells: spared the escaping (a 2,000-row screen has 25,000)
        return text
    from rich.markup import escape

    return escape(text)


def table_console(**options):
    """A Rich console to draw tables of data on (``options`` as for ``rich.console.Console``):
    emoji codes off, so that a name with ":rocket:" in it is shown as written."""
    from rich.console import Console

    return Console(emoji=False, **options)


@dataclass
class Column:
    header: str
    cells: list[str]
    #: ESSENTIAL columns stay; among the others, the highest number is dropped first.
    priority: int = ESSENTIAL
    justify: str = "right"
    style: str = ""
    #: A text column (e.g. names) that may be shortened with an ellipsis, down to ``min_width``
    #: characters, and is never wider than ``max_width``.
    shrink: bool = False
    min_width: int = 8
    max_width: int | None = None
    #: The cells carry the tool's own Rich markup (discounts coloured by sign); any other cell is
    #: shown as written.
    markup: bool = False


@dataclass
class Layout:
    """What the table needs besides its columns."""

    title: str = ""
    caption: str = ""
    row_styles: Sequence[str | None] = field(default_factory=list)


def fitted_table(columns: list[Column], layout: Layout, *, width: int, plain: bool):
    """A Rich table of ``columns`` no wider than ``width``: low-priority columns dropped as needed,
    then ``shrink`` columns given whatever room is left (never less than their ``min_width``)."""
    kept = _visible(columns)
    dropped: list[Column] = []
    while True:
        natural = _width(_table(_widest(_shortened(kept, {})), layout, plain, dropped))
        droppable = [c for c in kept if c.priority != ESSENTIAL]
        if natural <= width or not droppable:
            break
        worst = max(droppable, key=lambda c: c.priority)
        kept.remove(worst)
        dropped.insert(0, worst)
    room = _room(kept, max(0, width - natural))
    return _table(_shortened(kept, room), layout, plain, dropped)


def spare_width(columns: list[Column], layout: Layout, *, width: int, plain: bool) -> int:
    """How many characters a table of ``columns`` leaves free in ``width`` (negative: too wide),
    e.g. for a column whose length is chosen to fill the room, such as a sparkline."""
    return width - _width(_table(_widest(_shortened(_visible(columns), {})), layout, plain, []))


def _visible(columns: list[Column]) -> list[Column]:
    """Copies of ``columns`` whose cells show control characters as escapes (see :func:`visible`)."""
    return [Column(**{**column.__dict__, "cells": [visible(cell) for cell in column.cells]}) for column in columns]


def _shortened(columns: list[Column], room: dict[int, int]) -> list[Column]:
    """Copies of the ``shrink`` columns with cells cut to their room (their minimum when not given)."""
    out = []
    for column in columns:
        if column.shrink:
            limit = min(room.get(id(column), column.min_width), column.max_width or 10_000)
            column = Column(**{**column.__dict__, "cells": [_ellipsis(text, limit) for text in column.cells]})
        out.append(column)
    return out


def _room(columns: list[Column], spare: int) -> dict[int, int]:
    """Width of each ``shrink`` column: its minimum, plus what the spare width allows, given to
    the columns in order (a name before a sector) up to what each needs."""
    room = {}
    for column in columns:
        if column.shrink:
            wanted = min(max((_cell_length(c, column.markup) for c in column.cells), default=0), column.max_width or 10_000)
            extra = min(spare, max(0, wanted - column.min_width))
            room[id(column)] = column.min_width + extra
            spare -= extra
    return room


def _widest(columns: list[Column]) -> list[Column]:
    """Copies of the columns holding only their widest cell: a one-row table measures as wide as
    the whole one, and measuring 2,000 rows of a screen again for each dropped column is slow."""
    out = []
    for column in columns:
        widest = max(column.cells, key=lambda cell: _cell_length(cell, column.markup), default="")
        out.append(Column(**{**column.__dict__, "cells": [widest]}))
    return out


def _cell_length(text: str, markup: bool) -> int:
    """Printed width of a cell: its longest line; in a ``markup`` column, markup such as
    ``[green]+1.2%[/]`` does not count."""
    if not markup or "[" not in text:
        return max(len(line) for line in text.split("\n"))
    from rich.text import Text

    return max(line.cell_len for line in Text.from_markup(text).split("\n"))


def _ellipsis(text: str, limit: int) -> str:
    """Each line of ``text`` cut to ``limit`` characters, the cut marked with an ellipsis."""
    return "\n".join(line if len(line) <= limit else line[: max(1, limit - 1)] + "…" for line in text.split("\n"))


def _table(columns: list[Column], layout: Layout, plain: bool, dropped: list[Column]):
    from rich import box
    from rich.table import Table

    caption = layout.caption
    if dropped:
        names = ", ".join(c.header.replace("-\n", "").replace("\n", " ") for c in dropped)
        caption = (caption + "\n" if caption else "") + f"Not shown at this width: {names} (widen the terminal, or use -f csv / -f json)."
    table = Table(
        title=shown(layout.title) or None,
        caption=shown(caption) or None,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        header_style="" if plain else "bold",
    )
    for column in columns:
        table.add_column(
            column.header,
            justify=column.justify,
            style=None if plain else column.style or None,
            no_wrap=True,
            # a known width spares Rich measuring every cell (seconds for a 2,000-row screen)
            width=max([_cell_length(c, column.markup) for c in column.cells] + [len(line) for line in column.header.split("\n")]),
        )
    rows = max((len(c.cells) for c in columns), default=0)
    for i in range(rows):
        style = layout.row_styles[i] if i < len(layout.row_styles) and not plain else None
        # the cells are visible() already (fitted_table and spare_width take them through _visible)
        table.add_row(*(c.cells[i] if c.markup else _unmarked(c.cells[i]) for c in columns), style=style)
    return table


def _width(table) -> int:
    """The width the table takes with no cell wrapped or cut."""
    from rich.measure import Measurement

    console = table_console(width=10_000)
    return Measurement.get(console, console.options, table).maximum
