"""End to end: the comparison dashboard served by Voila, driven in headless Chromium.

Starts Voila on 127.0.0.1 with notebooks/app.ipynb, opens it with Playwright (Debian's
/usr/bin/chromium, no browser download), runs a comparison, changes a reform lever, runs it
again, and checks that the verdict text and the differences figure change. A screenshot is
saved to tests/artifacts/voila_comparison.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser at {CHROMIUM} (.ci/run installs Debian's chromium)")
    port = _free_port()
    log = open(ARTIFACTS.parent / ".voila.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "notebooks/app.ipynb", "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None:
            raise RuntimeError("voila exited; see tests/.voila.log")
        time.sleep(0.2)
    else:
        proc.terminate()
        raise RuntimeError("voila did not start within 60 s")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_compare_change_a_lever_compare_again(voila_url):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(voila_url, timeout=120_000)
            button = page.locator(".compare-button")
            button.wait_for(timeout=120_000)
            # a quick run: fewer residents
            page.locator(".widget-dropdown", has_text="Simulated residents").locator(
                "select").select_option("1000")
            verdict = page.locator(".verdict")
            button.click()
            sync_api.expect(verdict).to_contain_text("The reform", timeout=120_000)
            # the job is over when the exports are there and the button is usable again
            sync_api.expect(page.locator("a.export-link")).to_have_count(2, timeout=120_000)
            sync_api.expect(button).to_be_enabled(timeout=60_000)
            first = verdict.inner_text()
            assert "provisional" not in first
            figure = page.locator(".figure-differences")
            first_src = figure.get_attribute("src")
            assert first_src
            # change a reform lever: collection scope
            page.locator(".widget-dropdown", has_text="Collection scope").locator(
                "select").select_option("maximal")
            button.click()
            page.wait_for_function(
                "t => { const v = document.querySelector('.verdict').innerText;"
                " return v !== t && !v.includes('provisional'); }", arg=first,
                timeout=120_000)
            second = verdict.inner_text()
            assert "(edited)" in second  # the reform now differs from its file
            assert "The reform" in second and second != first
            page.wait_for_function(
                "src => document.querySelector('.figure-differences').src !== src",
                arg=first_src, timeout=60_000)
            assert page.locator("a.export-link").count() == 2  # report + scenario
            page.screenshot(path=str(ARTIFACTS / "voila_comparison.png"), full_page=True)
        finally:
            browser.close()
