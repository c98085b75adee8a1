"""The frontier dashboard never raises on a bad folder and never shows another sweep."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import make_tiny_sweep

from sim.app.dashboards import FrontierDashboard
from sim.app.dashboards import frontier as frontier_module

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A tiny finished sweep (2 policies × 2 replications, 800 residents, 30 days)."""
    return make_tiny_sweep(tmp_path_factory.mktemp("sweeps") / "tiny")


@pytest.fixture
def copy(sweep, tmp_path) -> Path:
    """A copy of the tiny sweep that a test may damage."""
    return Path(shutil.copytree(sweep, tmp_path / "copy"))


def _loaded(fd: FrontierDashboard, folder: Path) -> None:
    fd.path.value = str(folder)
    fd.load.click()  # as the user does: through the click handler
    assert fd.fig.value[:4] == PNG
    assert set(fd.policy.options) == {"plan", "silos"}
    assert "plan" in fd.table.value


def _cleared(fd: FrontierDashboard) -> str:
    """Assert nothing of a sweep is on screen; return the status text."""
    assert fd.fig.value == b""
    assert fd.sens_fig.value == b""
    assert fd.table.value == "" and fd.detail.value == "" and fd.sens_table.value == ""
    assert tuple(fd.policy.options) == () and fd.policy.value is None
    assert tuple(fd.baseline.options) == ()
    assert fd.runs is None and fd.manifest is None
    status = fd.work.status.value
    assert "\n" not in status and "c62828" in status  # one line, shown as an error
    return status


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_truncated_parquet_is_reported_and_clears_the_previous_sweep(sweep, copy):
    fd = FrontierDashboard()
    _loaded(fd, sweep)
    fd.policy.value = "silos"
    assert "architecture" in fd.detail.value
    victim = copy / "results.parquet"  # the sweep's runs, compacted when it ended
    _truncate(victim)
    fd.path.value = str(copy)
    fd.load.click()  # ipywidgets would only log an exception here: check what is shown
    status = _cleared(fd)
    assert f"Cannot load {copy}" in status
    assert f"{victim.name} is corrupt or truncated" in status
    _loaded(fd, sweep)
    assert fd.load_folder(copy) is False  # called directly: returns, never raises
    assert f"{victim.name} is corrupt or truncated" in _cleared(fd)


def test_the_same_folder_reloaded_after_it_broke(copy):
    fd = FrontierDashboard(copy)
    assert fd.fig.value[:4] == PNG
    (copy / "results.parquet").write_bytes(b"not parquet at all")
    assert fd.load_folder(copy) is False
    assert "is corrupt or truncated" in _cleared(fd)


@pytest.mark.parametrize("damage,needle", [
    (lambda d: shutil.rmtree(d), "no such folder"),
    (lambda d: (shutil.rmtree(d), d.write_text("x")), "not a folder"),
    (lambda d: (d / "sweep.json").unlink(), "not a sweep folder (no sweep.json)"),
    (lambda d: (d / "sweep.json").write_text("{not json"), "unreadable manifest sweep.json"),
    (lambda d: (d / "sweep.json").write_text(json.dumps([1, 2])),
     "unreadable manifest sweep.json"),
    (lambda d: (d / "results.parquet").unlink(), "no finished runs"),
])
def test_every_kind_of_bad_folder_is_one_line_and_clears(sweep, copy, damage, needle):
    fd = FrontierDashboard()
    _loaded(fd, sweep)
    damage(copy)
    fd.path.value = str(copy)
    fd.load.click()
    status = _cleared(fd)
    assert f"Cannot load {copy}: " in status and needle in status


def test_a_good_folder_after_a_bad_one_shows_again(sweep, tmp_path):
    fd = FrontierDashboard(tmp_path / "nowhere")
    assert "no such folder" in _cleared(fd)
    _loaded(fd, sweep)
    assert "tiny: 4 runs, 2 policies" in fd.work.status.value


def test_a_failed_run_clears_the_previous_sweep(sweep, monkeypatch):
    fd = FrontierDashboard(sweep)
    assert fd.fig.value[:4] == PNG

    def broken(*_a, **_k):
        raise RuntimeError("process pool is not usable anymore")

    monkeypatch.setattr(frontier_module, "run_sweep", broken)
    fd.run_builtin(block=True)  # must not raise
    status = _cleared(fd)
    assert "process pool is not usable anymore" in status
    assert f"failed in {fd.path.value}: " in status and fd.path.value != str(sweep)
    assert not fd.run_button.disabled


def test_a_drawing_failure_after_a_control_change_clears(sweep, monkeypatch):
    fd = FrontierDashboard(sweep)

    def broken(*_a, **_k):
        raise ValueError("cannot plot this")

    monkeypatch.setattr(frontier_module, "pareto_frontier", broken)
    fd.risk.value = next(v for _, v in fd.risk.options if v != fd.risk.value)  # must not raise
    assert "cannot plot this" in _cleared(fd)


def test_a_drawing_failure_while_loading_is_shown_not_masked(sweep, monkeypatch):
    def broken(*_a, **_k):
        raise ValueError("cannot plot this")

    monkeypatch.setattr(frontier_module, "pareto_frontier", broken)
    fd = FrontierDashboard(sweep)  # must not raise
    status = _cleared(fd)
    assert f"Cannot load {sweep}: cannot plot this" in status


def test_the_frontier_is_tested_across_plausible_worlds(sweep):
    from sim.app.dashboards.runner import Runner

    dash = FrontierDashboard(sweep, runner=Runner(workers=0))
    assert not dash.test_button.disabled
    dash.worlds.value = 8
    dash.test_worlds(block=True)
    s = dash.survival
    assert s is not None and list(s["point"]) == ["plan", "silos"]
    assert (s["worlds"] == 8).all() and s["on_frontier_worlds"].between(0, 8).all()
    assert "on the frontier in plausible worlds" in dash.table.value
    assert "of 8" in dash.table.value and "plausible worlds" in dash.work.status.value
    assert not dash.test_button.disabled  # the button is back for the next test
    # another risk outcome: the survival answered the old one, so it is not shown
    dash.risk.value = "harm_per_1000"
    assert "on the frontier in plausible worlds" not in dash.table.value
    dash.clear()
    assert dash.survival is None and dash.test_button.disabled


def test_a_newcomer_can_read_the_frontier(sweep):
    """Issue 18, defect 2: the baseline is chosen and named, every dot is numbered with its
    policy in words in the table, the legend says what the marks mean, the axes and
    dropdowns are in words, and the levels say what run they are over."""
    import matplotlib.pyplot as plt

    from sim.analysis.pareto import plot_frontier

    fd = FrontierDashboard()
    _loaded(fd, sweep)
    assert fd.baseline.value == "plan"
    assert "against the baseline: plan" in fd.table.value
    f = fd.frontier
    assert list(f["number"]) == list(range(1, len(f) + 1))
    for n in f["number"]:
        assert f"<tr><td>{n}</td>" in fd.table.value
    assert "Architecture: " in fd.table.value or "silos" in fd.table.value
    fig = plot_frontier(f, risk=fd.risk.value, utility=fd.utility.value)
    ax = fig.axes[0]
    _, labels = ax.get_legend_handles_labels()
    assert labels and not any("national_plan_2025" in x for x in labels), labels
    assert "_" not in ax.get_xlabel() and "_" not in ax.get_ylabel()
    assert {t.get_text() for t in ax.texts} == {str(n) for n in f["number"]}
    plt.close(fig)
    assert dict(fd.risk.options)["Residents exposed"] == "residents_exposed_rate"
    assert "800 simulated residents for 30 days" in fd.levels_note.value
    fd.baseline.value = "silos"  # another baseline is named where the changes are
    assert "against the baseline: silos" in fd.table.value


def test_policies_are_put_in_words():
    assert (frontier_module.policy_in_words("architecture=national, consent_model=opt_out")
            == "Architecture: national; Consent model: opt out")
    assert frontier_module.policy_in_words("plan") == "plan"


def test_the_language_switch_redraws_the_sweep_without_running_it(sweep, monkeypatch):
    """In Chinese the frontier, its table, the policy and the survival across the worlds
    are redrawn from what was computed (no run), every chosen value stays, and back in
    English the screen is as it was."""
    from sim.app.dashboards.runner import Runner

    runner = Runner(workers=0)
    dash = FrontierDashboard(sweep, runner=runner)
    dash.worlds.value = 8
    dash.test_worlds(block=True)
    dash.policy.value = "silos"

    def chosen() -> tuple:
        return (dash.risk.value, dash.utility.value, dash.baseline.value, dash.policy.value,
                dash.worlds.value, dash.builtin.value)

    before, english = chosen(), {w: getattr(dash, w).value for w in
                                 ("table", "detail", "levels_note", "sens_table")}
    status = dash.work.status.value

    def no_run(*_a, **_k):
        raise AssertionError("the language switch ran something")

    monkeypatch.setattr(runner, "run_many", no_run)
    dash.set_language("zh")
    assert chosen() == before and dash.survival is not None
    assert "相对基线（plan）" in dash.table.value and "8个中" in dash.table.value
    assert "系统架构：各机构分散存储" in dash.detail.value
    assert "已在8个可能世界中检验" in dash.work.status.value
    assert dash.baseline.options == (("plan", "plan"), ("silos", "silos"))
    dash.set_language("en")
    assert chosen() == before and dash.work.status.value == status
    assert {w: getattr(dash, w).value for w in english} == english
    runner.close()
