"""The documentation and the code say the same thing: exit codes, record fields, help examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smallcap_screen.cli import register
from smallcap_screen.vocabulary import RECORD_FIELDS
from smallcap_screen.errors import ExitCode

app = register()  # every command, as `smallcap-screen --help` shows them

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def readme_table(heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading``, as lists of cell texts."""
    section = README[README.index(heading) :]
    rows = re.findall(r"^\|(.+)\|$", section.split("\n\n|", 1)[1].split("\n\n", 1)[0].join(["|", ""]), re.M)
    return [[cell.strip() for cell in row.split("|")] for row in rows[2:]]


def test_readme_exit_code_table_is_the_exit_code_enum():
    assert readme_table("### Exit codes") == [[str(code.value), code.meaning] for code in ExitCode]


def test_help_epilog_lists_every_exit_code():
    text = " ".join(CliRunner().invoke(app, ["--help"]).output.split())
    for code in ExitCode:
        assert f"{code.value} {code.name.lower().replace('_', ' ')}" in text


def test_readme_field_table_documents_exactly_the_record_fields():
    documented = [name.strip("` ") for row in readme_table("### Output formats") for name in row[0].split(",")]
    assert sorted(documented) == sorted(RECORD_FIELDS)


def commands(group=None, prefix=()):
    """Every command path of the app, e.g. ("compare",) or ("cache", "info")."""
    import typer.main

    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        if hasattr(command, "commands"):
            yield (*prefix, name)
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_command_and_group_has_help_with_an_example(path):
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(app, [*path, flag])
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, f"`smallcap-screen {' '.join(path)} --help` shows no example"


def test_ci_runs_exactly_the_readme_test_command_on_pinned_versions():
    root = Path(__file__).resolve().parents[1]
    command = re.search(r"^python3 -m venv \.venv && \S+ install -c \.ci/constraints\.txt -e '\.\[test\]' && .*pytest$", README, re.M)
    assert command, "the README's test command installs from .ci/constraints.txt"
    assert command.group(0) in (root / ".ci" / "run").read_text(encoding="utf-8")
    pins = [line for line in (root / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", line) for line in pins), "every constraint is an exact pin"
    assert {"pandas", "yfinance", "curl_cffi", "typer"} <= {line.split("==")[0] for line in pins}


def readme_examples() -> list[list[str]]:
    """The command lines of the README's code blocks, as a user types them after the set-up."""
    import shlex

    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.S | re.M)
    lines = [line.split(" #")[0] for block in blocks for line in block.splitlines()]
    return [shlex.split(line.rpartition("smallcap-screen ")[2]) for line in lines if "smallcap-screen " in line]


def test_every_readme_example_is_a_command_line_the_app_accepts():
    """Each example parses: its command exists and takes every option and value it is given
    (README drift fails here without running anything)."""
    import typer

    examples = readme_examples()
    assert len(examples) >= 12
    for args in examples:
        assert parses(args), args


def parses(args: list[str]) -> bool:
    """Whether the app takes ``args``: known commands, options and values (nothing is run)."""
    import typer

    Group = typer.core.TyperGroup
    command, ctx, name = typer.main.get_command(app), None, "smallcap-screen"
    while isinstance(command, Group) and args and args[0] in command.commands:
        ctx = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        name, *args = args
        command = command.commands[name]
    if isinstance(command, Group) and args and not args[0].startswith("-"):
        return False  # not a command of this group
    try:
        command.make_context(name, list(args), parent=ctx)
    except typer.TyperException:
        return False
    return True


def test_a_mistyped_example_would_not_parse():
    assert parses(["snapshots", "-f", "json"]) and parses(["cache", "clear", "quotes"])
    assert not parses(["comapre", "IWM"])
    assert not parses(["screen", "IWM", "--max-pee", "12"])
    assert not parses(["screen", "IWM", "--sort", "cheapness"])
    assert not parses(["snapshots", "prune"])  # --keep-weekly is required


def test_every_headline_figure_the_readme_quotes_is_what_the_commands_print():
    """"Checking the headlines": each `FUND 18.1x` / `FUND 35.5%` of the bundled-figure column is
    that fund's field in `compare --offline -f json` (or, for a convention compare lacks, its row
    in `explain IWM --offline -f json`, SPY being the benchmark) at the decimals quoted; a "none"
    is a null. So a change of any figure fails here until the README says it too."""
    import json

    from tests.helpers import run

    compared = run("compare", "IWM", "IJR", "VB", "SPY", "--offline", "-f", "json")
    explained = run("explain", "IWM", "--offline", "-f", "json")
    assert compared.returncode == 0 and explained.returncode == 0, compared.stderr + explained.stderr
    records = {r["fund"]: r for r in json.loads(compared.stdout)}
    conventions = {r["convention"]: r for r in json.loads(explained.stdout)}

    def value(fund: str, field: str):
        if field in records[fund]:
            return records[fund][field]
        row = conventions[field]
        return row["value"] if fund == row["fund"] else row["benchmark_value"] if fund == row["benchmark"] else pytest.fail(f"{fund} {field}")

    rows = readme_table("### Checking the headlines")
    assert len(rows) >= 10
    checked = 0
    for claim, _command, figure, field_cell, _why in rows:
        names = re.findall(r"`([a-z0-9_]+)`", field_cell)
        quoted = re.findall(r"\b([A-Z]{2,4}) (-?\d+(?:\.(\d+))?)(x|%)", figure)
        if not quoted:
            assert figure.startswith("none"), claim
            assert value("IWM", names[-1]) is None and value("SPY", names[-1]) is None, claim
            continue
        for fund, text, decimals, unit in quoted:
            actual = value(fund, names[0])
            assert actual is not None, (claim, fund)
            shown = f"{actual * (100 if unit == '%' else 1):.{len(decimals)}f}"
            assert shown == text, f"{claim}: README says {fund} {text}{unit}, {names[0]} is {shown}{unit}"
            checked += 1
    assert checked >= 25
