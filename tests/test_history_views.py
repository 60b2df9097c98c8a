"""What `history`, `snapshots`, `export` and `config show` print and write, read as a user would."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from smallcap_screen.api.compare import results_of
from smallcap_screen.config import load_config
from smallcap_screen.errors import DataError
from smallcap_screen.render.history import series_table, sparkline, trends_table
from smallcap_screen.render.snapshots import snapshots_table
from smallcap_screen.store import Store
from smallcap_screen.api.history import history
from smallcap_screen.method import Method
from tests.helpers import dated, modules_after, run

WIDTHS = (60, 80, 120, 200)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("history") / "snapshots.sqlite3"
    with Store.open(path) as store:
        for week, factor in enumerate((1.0, 1.04, 0.97, 1.08, 1.02)):
            snapshot = dated(3 + 7 * (week % 4), price_factor=factor) if week < 4 else dated(28, price_factor=factor)
            store.save(snapshot, results=results_of(snapshot, "SPY", "live"))
    return path


def rendered(table, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table)
    lines = console.export_text().splitlines()
    assert all(len(line) <= width for line in lines)
    return lines


def test_sparkline_scales_to_the_range_and_averages_long_series():
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8) == "▁▂▃▄▅▆▇█"
    assert sparkline([1, None, 8], 8) == "▁ █"
    assert sparkline(list(range(100)), 10) == "▁▂▃▃▄▅▆▆▇█"  # bucket means 4.5, 14.5 .. 94.5
    assert sparkline([0.3, 0.3 + 1e-16, 0.3], 8) == "▄▄▄"  # rounding noise is not a trend


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_fit_every_terminal_width_without_cutting_a_figure(store_path, width):
    with Store.open(store_path) as store:
        found = history(["IWM", "IJR", "SPY"], store=store)
        infos = store.snapshots()
    summary = rendered(trends_table(found, "discount", plain=True, width=width), width)
    text = "\n".join(summary)
    assert "…" not in text
    for trend in found.trends("discount"):
        if trend.fund == found.benchmark:  # its discount to itself, zero every week: no row
            assert not any(line.split()[:1] == [trend.fund] for line in summary)
            continue
        assert f"{trend.latest:+.1%}" in text and trend.fund in text
    series = "\n".join(rendered(series_table(found, plain=True, width=width), width))
    assert "…" not in series and series.count("2025-11-") >= len(found.records())
    listing = "\n".join(rendered(snapshots_table(infos, plain=True, width=width), width))
    for info in infos:
        assert info.data_date.isoformat() in listing
    assert listing.count("6,063") == len(infos)


def test_the_benchmark_has_a_discount_row_only_when_asked_alone(store_path):
    with Store.open(store_path) as store:
        alone = history(["SPY"], store=store)
    lines = rendered(trends_table(alone, "discount", plain=True, width=80), 80)
    assert any(line.split()[:2] == ["SPY", "0.0%"] for line in lines)  # a zero is written unsigned (render.unsigned_zero)


def test_history_percentile_says_where_the_latest_value_stands(store_path):
    with Store.open(store_path) as store:
        [iwm] = history(["IWM"], store=store).trends("pe")
    assert len(iwm.values) == 5 and iwm.latest == iwm.values[-1]
    below = sum(v < iwm.latest for v in iwm.values)
    assert iwm.percentile == pytest.approx((below + 0.5) / 5)
    assert (iwm.minimum, iwm.maximum) == (min(iwm.values), max(iwm.values))


def test_history_cli_filters_by_date_and_writes_a_chart(store_path, tmp_path):
    env = {"SMALLCAP_SCREEN_DB": str(store_path)}
    dated_rows = json.loads(run("history", "IWM", "--since", "2025-11-10", "--until", "2025-11-24", "-f", "json", env=env).stdout)
    assert [r["data_date"] for r in dated_rows] == ["2025-11-10", "2025-11-17", "2025-11-24"]
    chart = tmp_path / "history.png"
    result = run("history", "IWM", "IJR", "SPY", "--plot", str(chart), env=env)
    assert result.returncode == 0, result.stderr
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "IWM" in result.stdout and "Pctile" in result.stdout
    svg = tmp_path / "history.svg"
    assert run("history", "--plot", str(svg), "-q", env=env).returncode == 0
    assert "<svg" in svg.read_text()[:400]
    assert run("history", "--plot", str(tmp_path / "h.gif"), env=env).returncode == 2
    assert run("history", "--since", "last week", env=env).returncode == 2


def test_export_writes_stable_columns_and_formula_safe_csv(store_path, tmp_path):
    env = {"SMALLCAP_SCREEN_DB": str(store_path)}
    out = tmp_path / "holdings.csv"
    result = run("export", "IWM", "--what", "holdings", "--since", "2025-11-28", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:6] == ["data_date", "snapshot", "fund", "as_of_holdings", "as_of_prices", "ticker"]
    assert {r["data_date"] for r in rows} == {"2025-11-28"} and len(rows) == 1956
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in (r["name"], r["sector"]))
    history_json = json.loads(run("export", "IWM", "SPY", "-f", "json", env=env).stdout)
    assert [r["data_date"] for r in history_json][:2] == ["2025-11-03", "2025-11-03"]
    missing = run("export", "-o", str(tmp_path / "h.parquet"), env=env)
    try:
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        assert missing.returncode == 2 and "'.[parquet]'" in missing.stderr and "Traceback" not in missing.stderr
        assert not (tmp_path / "h.parquet").exists()
    else:
        assert missing.returncode == 0


def test_snapshots_show_rm_and_prune(tmp_path):
    path = tmp_path / "snapshots.sqlite3"
    with Store.open(path) as store:
        ids = [store.save(dated(day)).snapshot_id for day in (3, 4, 11)]
    env = {"SMALLCAP_SCREEN_DB": str(path)}
    shown = run("snapshots", "show", str(ids[0]), env=env)
    assert shown.returncode == 0 and "2025-11-03" in shown.stdout and "IWM_holdings_2025-11-05.csv" in shown.stdout
    assert run("snapshots", "show", "99", env=env).returncode == 3
    assert "would remove 1 snapshot(s): 1" in run("snapshots", "prune", "--keep-weekly", "5", "--dry-run", env=env).stderr
    assert run("snapshots", "prune", "--keep-weekly", "1", env=env).returncode == 0
    listed = json.loads(run("snapshots", "-f", "json", env=env).stdout)
    assert [s["id"] for s in listed] == [ids[2]]
    assert run("snapshots", "rm", str(ids[2]), "--yes", env=env).returncode == 0
    assert run("snapshots", "rm", str(ids[2]), "--yes", env=env).returncode == 3



def test_history_reads_stored_figures_without_loading_pandas(store_path):
    """What keeps `history` well under a second on years of snapshots: the stored figures are
    read and drawn without pandas; only figures not stored are computed (and load it)."""
    def pandas_loaded(*args: str) -> bool:
        return "pandas" in modules_after(*args, env={"SMALLCAP_SCREEN_DB": str(store_path)})

    assert not pandas_loaded("history", "IWM", "SPY")
    assert not pandas_loaded("history", "--table", "-f", "csv")
    assert not pandas_loaded("snapshots")
    assert pandas_loaded("history", "IWM", "--benchmark", "IVV")  # not stored: computed from the inputs

def test_config_values_come_from_the_file_the_environment_or_the_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("SMALLCAP_SCREEN_DB", raising=False)
    config = tmp_path / "config.toml"
    config.write_text('funds = ["iwm", "SPY"]\nnegative = "include"\n[paths]\ndb = "~/x.sqlite3"\n[cache]\nquotes_hours = 1\n')
    loaded = load_config(config)
    assert (loaded["funds"], loaded["negative"], loaded["quotes_hours"], loaded["benchmark"]) == (["IWM", "SPY"], "include", 1.0, "SPY")
    assert loaded.origin("funds") == f"config file {config}" and loaded.origin("benchmark") == "default"
    monkeypatch.setenv("SMALLCAP_SCREEN_DB", str(tmp_path / "env.sqlite3"))
    assert load_config(config).origin("db") == "environment SMALLCAP_SCREEN_DB"
    config.write_text('negative = "sometimes"\n')
    with pytest.raises(DataError, match="negative must be one of exclude, include"):
        load_config(config)
    config.write_text("benchmrk = 'SPY'\n")
    with pytest.raises(DataError, match="unknown key 'benchmrk'"):
        load_config(config)
    with pytest.raises(DataError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_config_show_says_where_each_value_came_from(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('benchmark = "IVV"\n')
    result = run("--config", str(config), "config", "show", "-f", "json", env={"SMALLCAP_SCREEN_DB": str(tmp_path / "s.sqlite3")})
    assert result.returncode == 0, result.stderr
    settings = {s["key"]: s for s in json.loads(result.stdout)["settings"]}
    assert settings["benchmark"]["value"] == "IVV" and settings["benchmark"]["from"] == f"config file {config}"
    assert settings["db"]["from"] == "environment SMALLCAP_SCREEN_DB"
    assert settings["negative"]["from"] == "default"
    broken = tmp_path / "broken.toml"
    broken.write_text("funds = [\n")
    bad = run("--config", str(broken), "config", "show")
    assert bad.returncode == 3 and "not valid TOML" in bad.stderr



def test_every_command_takes_its_defaults_from_the_config(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('benchmark = "IVV"\nnegative = "include"\ncoverage_threshold = 0.999\n')
    env = {"SMALLCAP_SCREEN_DB": str(tmp_path / "s.sqlite3")}

    def records(*args: str) -> list[dict]:
        done = run("--config", str(config), *args, "--offline", "-f", "json", env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    for command in (["compare", "IWM"], ["sectors", "IWM"], ["explain", "IWM"]):
        assert {(r["benchmark"], r["negative_policy"]) for r in records(*command)} == {("IVV", "include")}, command
    assert {r["negative_policy"] for r in records("screen", "IJR", "--top", "5")} == {"include"}
    compared = records("compare", "IWM")[0]
    assert (compared["coverage_threshold"], compared["low_coverage"]) == (0.999, True)
    assert records("compare", "IWM", "-b", "SPY", "-n", "exclude", "--min-coverage", "0.5")[0]["low_coverage"] is False  # options win

@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_history_draws_its_sparkline_in_the_room_the_figures_leave(width):
    from types import SimpleNamespace

    import datetime as dt

    weeks = [dt.date(2021, 1, 1) + dt.timedelta(weeks=i) for i in range(260)]
    values = [18 + (i % 50) / 10 for i in range(260)]
    from smallcap_screen.api.history import Trend

    trend = Trend.of("IWM", "pe", list(zip(weeks, values)))
    history_ = SimpleNamespace(trends=lambda metric: [trend], benchmark="SPY", method=Method())
    text = "\n".join(rendered(trends_table(history_, "pe", plain=True, width=width), width))
    assert "…" not in text
    for figure in ("22.9x", "18.0x", f"{trend.percentile:.0%}", "260", f"IWM {weeks[0]} / {weeks[49]}"):
        assert figure in text, (width, figure)
