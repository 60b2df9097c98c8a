"""``smallcap-screen report``: one self-contained HTML file of every figure, to hand on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import app
from .data import method_of, on_chosen_data
from .emit import check_output, write_text
from .environment import Environment
from .options import (
    BenchmarkOption,
    ConfiguredFundsArgument,
    DataOptions,
    MethodOptions,
    MinCoverageOption,
    parse_date,
    with_environment,
)


@app.command()
@with_environment(MethodOptions, DataOptions)
def report(
    env: Environment,
    funds: ConfiguredFundsArgument = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write (atomically); '-' is standard output.")] = Path("report.html"),
    title: Annotated[Optional[str], typer.Option("--title", help="The report's title (default: the funds it values).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="First data date of the history shown, YYYY-MM-DD (default: all stored).")] = None,
    benchmark: BenchmarkOption = None,
    min_coverage: MinCoverageOption = None,
    *,
    method_options: MethodOptions,
    data: DataOptions,
) -> None:
    """Write one HTML file with every figure: the headline (P/E, discount, coverage, dates, the
    change since the previous stored snapshot and a year ago), charts of the stored history, the
    discount's sector decomposition and the loss-makers, each fund's P/E under every published
    convention, its largest holdings and earnings contributors, and the method and sources.

    The file opens anywhere, offline: CSS and charts (SVG) are inside it, it runs no script and
    fetches nothing, and it prints on A4 or Letter. Its figures are those `compare` and `explain`
    print for the same options. The store is read for history, never written.

    Examples:

      smallcap-screen report IWM IJR IJS SPY -o weekly.html

      smallcap-screen report --offline --title "Small caps, week 49" -o - | mail -s report ic@example.com

      smallcap-screen report IWM SPY --negative include --since 2024-01-01
    """
    check_output(output)
    first = parse_date(since, "--since")
    method = method_of(env, method_options, benchmark, min_coverage)
    from ..api.report import report as run_report

    names = list(funds or env.settings()["funds"])
    command = _command_line(names, method, data, first, title, output)
    result = on_chosen_data(env, data, lambda **chosen: run_report(names, method, since=first, title=title, command=command, **chosen))
    text = result.html()
    write_text(env, text, output)
    if not data.quiet and str(output) != "-":
        env.say(f"report written to {output} ({len(text.encode('utf-8')) / 1024:,.0f} KB)")


def _command_line(funds: list[str], method, data: DataOptions, since, title: Optional[str], output: Path) -> str:
    """The command that gives the same report, every choice spelled out (config values included)."""
    import shlex

    words = ["smallcap-screen", "report", *funds, "--benchmark", method.benchmark, "--negative", method.negative,
             "--weighting", method.weighting, "--forward", method.forward, "--min-coverage", f"{method.coverage_threshold:g}"]
    if data.mode != "auto":
        words.append(f"--{data.mode}")
    if since:
        words += ["--since", since.isoformat()]
    if title:
        words += ["--title", title]
    return shlex.join([*words, "-o", str(output)])
