"""The fund catalog as Rich tables, one per role, aligned with each other."""

from __future__ import annotations

ROLE_TITLES = {"small-cap": "Small caps", "mid-cap": "Mid caps", "large-cap": "Large caps (benchmarks)"}
#: Column widths shared by the role tables so they line up; the aliases take what is left.
WIDTHS = {"Fund": 5, "Issuer": 10, "Index": 26, "Bundled": 7}


def catalog_table(entries: list, *, plain: bool = False, width: int = 80):
    """Fund, issuer, index, aliases and whether the bundled snapshot holds it, grouped by role."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    # Two spaces between columns; one column to spare so nothing wraps at the terminal's edge.
    aliases_width = max(12, min(30, width - sum(WIDTHS.values()) - 2 * len(WIDTHS) - 1))
    tables = []
    for role, title in ROLE_TITLES.items():
        rows = [e for e in entries if e.role == role]
        if not rows:
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, header_style="" if plain else "bold")
        table.add_column("Fund", min_width=WIDTHS["Fund"], no_wrap=True)
        table.add_column("Issuer", min_width=WIDTHS["Issuer"], no_wrap=True)
        table.add_column("Index", width=WIDTHS["Index"], overflow="fold")
        table.add_column("Aliases", width=aliases_width, overflow="fold")
        table.add_column("Bundled", min_width=WIDTHS["Bundled"], no_wrap=True)
        for e in rows:
            issuer = e.issuer if e.downloadable else f"{e.issuer} (no downloader)"
            table.add_row(e.fund, issuer, e.index, " ".join(e.aliases), "yes" if e.bundled else "")
        tables.append(table)
    note = (
        "A ticker or an alias names a fund in every command. Bundled: valued offline by the bundled snapshot. "
        "Any other US fund or ETF ticker (AVUV, DFSV, VSMAX ...) works live: its holdings come from its latest "
        "SEC Form N-PORT filing (up to ~5 months old; needs sec_user_agent)."
    )
    return Group(*tables, Text(note))
