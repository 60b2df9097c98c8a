"""``smallcap-screen snapshots``: what the store keeps; show, remove and prune snapshots."""

from __future__ import annotations

from typing import Annotated, List

import typer

from .app import app
from .emit import emit
from .environment import Environment
from .options import FormatOption, OutputOption, StoreOptions, with_environment

snapshots_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)  # help: the callback's docstring
app.add_typer(snapshots_app, name="snapshots")


@snapshots_app.callback()
@with_environment(StoreOptions)
def snapshots(
    env: Environment,
    ctx: typer.Context,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    store_options: StoreOptions,
) -> None:
    """List the stored snapshots by data date (funds, their holdings' dates, prices, size); show,
    remove or prune them.

    Examples:

      smallcap-screen snapshots

      smallcap-screen snapshots -f json

      smallcap-screen snapshots prune --keep-weekly 260
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..output import csv_text, json_text
    from ..render import snapshots as render

    with env.open_store(store_options) as store:
        infos = store.snapshots()
        for note in store.notes:
            env.say(note)
        where = store.path
    if not infos:
        env.say(f"no snapshots in {where} yet: `smallcap-screen snapshot` keeps one each time it runs")
        return
    rows = [{**i.to_dict(), "funds": " ".join(i.fund_names)} for i in infos]
    emit(
        env,
        output_format,
        output,
        json=lambda: json_text([i.to_dict() for i in infos]),
        csv=lambda: csv_text(rows),
        table=lambda plain, width: render.snapshots_table(infos, plain=plain, width=width),
    )


@snapshots_app.command("show")
@with_environment(StoreOptions)
def show(
    env: Environment,
    snapshot_id: Annotated[int, typer.Argument(metavar="ID", help="A snapshot id from `smallcap-screen snapshots`.")],
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    store_options: StoreOptions,
) -> None:
    """Show one snapshot: dates, sources, funds, and whether its data is intact.

    Example: smallcap-screen snapshots show 12
    """
    from ..output import json_text
    from ..render import snapshots as render

    with env.open_store(store_options) as store:
        info = store.info(snapshot_id)
        store.load(snapshot_id)  # verifies the checksum: a damaged snapshot is exit 3
    emit(
        env,
        output_format,
        output,
        json=lambda: json_text([info.to_dict()]),
        csv=lambda: json_text([info.to_dict()]),
        table=lambda plain, width: render.snapshot_detail(info, plain=plain, width=width),
    )


@snapshots_app.command("rm")
@with_environment(StoreOptions)
def remove(
    env: Environment,
    snapshot_ids: Annotated[List[int], typer.Argument(metavar="ID...", help="Snapshot ids from `smallcap-screen snapshots`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove without asking: for scripts, where no terminal can be asked.")] = False,
    *,
    store_options: StoreOptions,
) -> None:
    """Remove snapshots from the store (with the figures computed from them), for good. On a
    terminal it names them and asks first (y/N); elsewhere it needs --yes (else exit 2).

    Examples:

      smallcap-screen snapshots rm 3 4

      smallcap-screen snapshots rm 3 --yes
    """
    from ..errors import UsageError

    if not yes and not env.stdin_isatty:
        raise UsageError("snapshots rm removes snapshots for good and there is no terminal to ask on; pass --yes to remove them")
    with env.open_store(store_options) as store:
        if not yes:
            doomed = [store.info(snapshot_id) for snapshot_id in sorted(set(snapshot_ids))]  # an unknown id: exit 3 before asking
            named = "; ".join(f"{i.id} ({i.data_date.isoformat()}: {' '.join(i.fund_names)})" for i in doomed)
            if not env.confirm(f"remove snapshot(s) {named} for good?"):
                env.say("nothing removed")
                return
        removed = store.remove(snapshot_ids)
    env.say(f"removed snapshot(s) {', '.join(map(str, removed))}")


@snapshots_app.command("prune")
@with_environment(StoreOptions)
def prune(
    env: Environment,
    keep_weekly: Annotated[int, typer.Option("--keep-weekly", min=1, help="Weeks to keep, newest first: per week and fund the newest snapshot stays.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed.")] = False,
    *,
    store_options: StoreOptions,
) -> None:
    """Thin the store to one snapshot per fund and week, for the newest N weeks, and compact it.

    Example: smallcap-screen snapshots prune --keep-weekly 260
    """
    with env.open_store(store_options) as store:
        doomed = store.prune_weekly(keep_weekly, dry_run=dry_run)
        size = store.path.stat().st_size if store.path.exists() else 0
    verb = "would remove" if dry_run else "removed"
    compacted = "" if dry_run else f"; the store is compacted to {size / 1e6:.1f} MB"
    env.say(f"{verb} {len(doomed)} snapshot(s)" + (f": {', '.join(map(str, doomed))}" if doomed else "") + compacted)


@snapshots_app.command("migrate")
@with_environment(StoreOptions)
def migrate(env: Environment, *, store_options: StoreOptions) -> None:
    """Bring a store kept by an earlier version up to date: its schema, the snapshot folders of
    versions before the SQLite store moved in, and the figures (vs the config's benchmark) of
    snapshots kept without them, which `history` then reads instead of computing each time.
    Other commands only read an older store (and say when this is due); writing to it upgrades
    its schema first.

    Example: smallcap-screen snapshots migrate
    """
    from ..api.keep import migrate as migrate_store

    with env.open_store(store_options) as store:
        notes = migrate_store(store, benchmark=env.benchmark(None))
    for note in notes:
        env.say(note)
    env.say(f"the store {store.path} is up to date")
