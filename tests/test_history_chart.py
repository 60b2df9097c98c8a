"""The history chart follows `history --metric` (one panel of that metric; P/E and discount
without it, as the report draws), and its date axis names the year on every tick of a short span."""

from __future__ import annotations

import datetime as dt

import pytest

from smallcap_screen.api.compare import results_of
from smallcap_screen.api.history import history
from smallcap_screen.method import Method
from smallcap_screen.render.chart import history_figure
from smallcap_screen.store import Store
from smallcap_screen.vocabulary import HISTORY_METRICS
from tests.helpers import dated, run

#: Four snapshots over three months (2025-09-05 .. 2025-11-28).
DATES = [dt.date(2025, 9, 5) + dt.timedelta(days=28 * i) for i in range(4)]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("chart") / "snapshots.sqlite3"
    with Store.open(path) as store:
        for i, day in enumerate(DATES):
            snapshot = dated(day, funds=("IWM", "SPY"), price_factor=1 + 0.02 * i)
            store.save(snapshot, results=results_of(snapshot, "SPY", "live"))
    return path


@pytest.fixture(scope="module")
def kept(store_path):
    with Store.open(store_path) as store:
        return history(["IWM", "SPY"], Method(), store=store)


def labels(figure) -> list[str]:
    return [axes.get_ylabel() for axes in figure.axes]


def test_each_metric_charts_that_metric_alone(kept):
    expected = {
        "pe": "P/E (x)",
        "fwd_pe": "forward P/E (x)",
        "discount": "discount vs SPY (%)",
        "fwd_discount": "forward discount vs SPY (%)",
        "loss_weight": "loss-makers (% of weight)",
        "coverage": "coverage (% of weight)",
    }
    assert set(expected) == set(HISTORY_METRICS)
    for metric, label in expected.items():
        figure = history_figure(kept, metric=metric)
        assert labels(figure) == [label], metric
        funds = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
        assert funds == (["IWM"] if "discount" in metric else ["IWM", "SPY"])  # the benchmark's discount is 0 by definition


def test_a_panel_draws_the_stored_figures_in_its_units(kept):
    [line] = [line for line in history_figure(kept, metric="loss_weight").axes[0].get_lines() if line.get_label() == "IWM"]
    stored = [r["loss_weight"] for r in kept.records() if r["fund"] == "IWM"]
    assert list(line.get_ydata()) == pytest.approx([100 * v for v in stored])


def test_without_a_metric_the_chart_is_pe_over_discount_as_the_report_draws_it(kept):
    assert labels(history_figure(kept)) == ["P/E (x)", "discount vs SPY (%)"]
    assert labels(history_figure(kept, forward=True)) == ["forward P/E (x)", "forward discount vs SPY (%)"]


def test_plot_files_differ_by_metric(store_path, tmp_path):
    env = {"SMALLCAP_SCREEN_DB": str(store_path)}
    charts = {}
    for metric in [None, *HISTORY_METRICS]:
        chart = tmp_path / f"{metric}.png"
        chosen = ["--metric", metric] if metric else []
        result = run("history", "IWM", "SPY", *chosen, "--plot", str(chart), "-q", env=env)
        assert result.returncode == 0, result.stderr
        charts[metric] = chart.read_bytes()
    assert len(set(charts.values())) == len(charts)


def tick_labels(figure) -> list[str]:
    figure.canvas.draw()
    return [t.get_text() for t in figure.axes[-1].get_xticklabels() if t.get_text()]


def test_a_three_month_span_names_each_month_with_its_year(kept):
    assert tick_labels(history_figure(kept)) == ["Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025"]


def test_a_span_of_weeks_names_days_with_their_year(store_path):
    with Store.open(store_path) as store:
        weeks = history(["IWM", "SPY"], Method(), store=store, since=DATES[2])  # 2025-10-31 .. 2025-11-28
    days = tick_labels(history_figure(weeks, metric="pe"))
    assert len(days) >= 3 and all(dt.date(2025, 10, 31) <= dt.date.fromisoformat(d) <= dt.date(2025, 11, 28) for d in days)


def test_a_span_of_years_names_the_years():
    import matplotlib.pyplot as plt

    from smallcap_screen.render.chart import _date_axis

    dates = [dt.date(2020, 12, 1) + dt.timedelta(days=91 * i) for i in range(21)]  # five years
    figure, axes = plt.subplots()
    axes.plot(dates, range(len(dates)))
    _date_axis(axes, dates)
    years = tick_labels(figure)
    assert years[:1] <= ["2021"] and years[-1:] >= ["2025"]
    assert years == [str(year) for year in range(int(years[0]), int(years[-1]) + 1)]
    plt.close(figure)


def test_charts_leave_pyplot_and_a_notebooks_backend_alone(tmp_path):
    """A chart drawn from a notebook must not switch its backend (matplotlib.use) or add figures
    to its pyplot: the charts are Figures of their own, saved through their format's canvas."""
    import subprocess
    import sys

    script = (
        "import sys, matplotlib; matplotlib.use('svg'); "
        "from smallcap_screen.render.chart import loss_makers_svg; "
        "svg = loss_makers_svg([{'fund': 'IWM', 'status': 'ok', 'loss_weight': 0.3, 'loss_count_share': 0.4}]); "
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules, svg.startswith('<svg'))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["svg", "False", "True"], done.stderr
