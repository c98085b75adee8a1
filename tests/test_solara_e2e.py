"""End to end: Mesa's SolaraViz page (``solara run sim/app/solara_app.py``) in headless Chromium.

The command the README gives is run on 127.0.0.1, as a researcher would, and the page is
driven with Playwright (Debian's /usr/bin/chromium). Issue 20 found three defects there:
the documented command failed (a relative import), every browser session shared one model
(a fresh browser opened at "day 9"), and Reset snapped the declared values to the sliders'
grid (365 days became 361, 10,000 residents 10,080). Each is checked not to come back.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_voila_e2e import ARTIFACTS, CHROMIUM, _free_port, _stop, _wait_for_port

ROOT = Path(__file__).resolve().parent.parent
#: what RunInfo shows (sim/app/solara_app.py): scenario, seed, day, residents
INFO = re.compile(r"status_quo · seed (\d+) · day (\d+) of ([\d,]+) · ([\d,]+) residents")


@pytest.fixture(scope="module")
def solara_url():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser at {CHROMIUM} (.ci/run installs Debian's chromium)")
    pytest.importorskip("solara")
    pytest.importorskip("solara_assets")  # the page's scripts, served without the CDN
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    solara = Path(sys.executable).parent / "solara"
    env = {**os.environ, "HEALTHCODE_SCENARIO": "status_quo"}
    with open(ARTIFACTS.parent / ".solara.log", "w") as log:
        proc = subprocess.Popen([str(solara), "run", "sim/app/solara_app.py", "--host",
                                 "127.0.0.1", "--port", str(port), "--production"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(proc, port, "solara", "tests/.solara.log")
            yield f"http://127.0.0.1:{port}/"
        finally:
            _stop(proc)


@pytest.fixture(scope="module")
def browser(solara_url):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            yield b
        finally:
            b.close()


def open_session(browser, url: str):
    """A new browser session (its own cookies: a new Solara session) on the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url, timeout=120_000)
    page.get_by_text(INFO).wait_for(timeout=120_000)
    return page


def info(page) -> dict[str, int]:
    m = INFO.search(page.get_by_text(INFO).inner_text())
    seed, day, days, residents = (int(g.replace(",", "")) for g in m.groups())
    return {"seed": seed, "day": day, "n_days": days, "n_residents": residents}


def wait_for_day(page, day: int) -> None:
    page.get_by_text(re.compile(rf"· day {day} of ")).wait_for(timeout=60_000)


def test_each_session_has_its_own_model_and_steps_it(browser, solara_url):
    first = open_session(browser, solara_url)
    assert info(first) | {"seed": 0} == {"seed": 0, "day": 0, "n_days": 365,
                                         "n_residents": 10_000}
    for day in (1, 2, 3):
        first.get_by_role("button", name="Step").click()
        wait_for_day(first, day)
    first.screenshot(path=str(ARTIFACTS / "solara_page.png"))
    second = open_session(browser, solara_url)  # another planner, another browser
    assert info(second)["day"] == 0, "a new session must not open on another's model"
    assert info(second)["seed"] != info(first)["seed"]
    assert info(first)["day"] == 3
    for page in (first, second):
        page.context.close()


def test_reset_keeps_the_declared_values(browser, solara_url):
    page = open_session(browser, solara_url)
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 1)
    before = info(page)
    page.get_by_role("button", name="Reset").click()
    wait_for_day(page, 0)
    after = info(page)
    # the sliders' grid once snapped 365 days to 361 and 10,000 residents to 10,080
    assert (after["n_days"], after["n_residents"]) == (365, 10_000)
    assert after["seed"] != before["seed"]  # a fresh seed, shown to reproduce the run
    page.context.close()
