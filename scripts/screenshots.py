"""Screenshots of the app's views for the README (docs/figures/app_*.png).

    python scripts/screenshots.py

Serves notebooks/app.ipynb with Voila on 127.0.0.1, drives it in headless Chromium
(Debian's /usr/bin/chromium through Playwright) with small runs, and saves one screenshot
per tab: a comparison with its result, the explorer after a run, the frontier of a small
built-in sweep, and a claim from the debate with its verdict.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "voila", "notebooks/app.ipynb",
                             "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            cmp = page.locator(".comparison-dashboard")
            cmp.locator(".compare-button").wait_for(timeout=120_000)
            cmp.locator(".widget-dropdown", has_text="Simulated residents").locator(
                "select").select_option("2000")
            cmp.locator(".widget-dropdown", has_text="Plausible worlds").locator(
                "select").select_option("16")
            expect(cmp.locator(".worlds-note")).to_contain_text("across 16 worlds",
                                                                timeout=30_000)
            cmp.locator(".compare-button").click()
            expect(cmp.locator(".robustness-panel table.robustness")).to_be_visible(
                timeout=300_000)
            expect(cmp.locator(".compare-button")).to_be_enabled(timeout=120_000)
            page.screenshot(path=str(OUT / "app_compare.png"), full_page=False)
            tabs = page.locator(".app-tabs")
            tabs.get_by_role("tab", name="Explore", exact=True).click()
            ex = page.locator(".policy-explorer")
            ex.locator(".widget-dropdown", has_text="Simulated residents").locator(
                "select").select_option("2000")
            ex.locator(".explore-button").click()
            expect(ex.locator(".explorer-outcomes table")).to_be_visible(timeout=300_000)
            page.screenshot(path=str(OUT / "app_explore.png"), full_page=False)
            tabs.get_by_role("tab", name="Frontier", exact=True).click()
            fr = page.locator(".frontier-dashboard")
            fr.get_by_role("button", name="Run small sweep").click()
            expect(fr.locator(".frontier-figure")).to_be_visible(timeout=600_000)
            page.screenshot(path=str(OUT / "app_frontier.png"), full_page=False)
            tabs.get_by_role("tab", name="The debate", exact=True).click()
            db = page.locator(".debate-dashboard")
            db.locator(".widget-dropdown", has_text="Simulated residents").locator(
                "select").select_option("2000")
            db.locator(".widget-dropdown", has_text="Plausible worlds").locator(
                "select").select_option("16")
            expect(db.locator(".worlds-note")).to_contain_text("across 16 worlds",
                                                               timeout=30_000)
            db.locator(".test-claim").click()
            expect(db.locator(".claim-verdict")).to_contain_text("Verdict on",
                                                                  timeout=300_000)
            expect(db.locator(".claim-worlds")).to_contain_text("every prediction holds",
                                                                 timeout=300_000)
            page.screenshot(path=str(OUT / "app_debate.png"), full_page=False)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for name in ("compare", "explore", "frontier", "debate"):
        print(f"wrote {OUT / f'app_{name}.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
