"""Benchmark: five planners comparing at once on one server (issue 18, item 5).

    python benchmarks/bench_team.py [--pages 5] [--mode team|per-page|both]

Serves the app as ``python -m sim app`` does (``team``: one shared Dask cluster of one
worker per core, results cached on disk) or as plain Voila with a worker pool per page
(``per-page``, the app before the shared pool), opens ``--pages`` pages in headless Chromium
(Debian's /usr/bin/chromium), and on every page at once presses Compare with the app's
default inputs (10 replications per arm, 4,000 residents, 365 days; the robustness stage
off, so the time is to the replication verdict), each page with its own seed so that
nothing is shared by the cache. It then asks the same five questions again (the team
server answers them from its cache), closes the pages (as a browser tab closes, or by
killing the browser as a crash would), and reports:

* the peak memory (RSS summed over the server and every process under it) and process
  count while the pages compute;
* the time from the clicks to each page's verdict;
* the time until the pages' kernels (and, per page, their workers) are gone after closing,
  and what is left.

Prints a Markdown table (for benchmarks/RESULTS.md) and writes the numbers as JSON
(``--json FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.app.dashboards.runner import CACHE_ENV, SCHEDULER_ENV  # noqa: E402
from sim.app.serve import voila_args  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CMP = ".comparison-dashboard"
NO_WORLDS = "none: replication noise only"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(mode: str, port: int, cache: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in (SCHEDULER_ENV, CACHE_ENV)}
    if mode == "team":
        cmd = [sys.executable, "-m", "sim", "app", f"--port={port}", f"--cache-dir={cache}"]
    else:
        cmd = voila_args(port)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    end = time.time() + 90
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the {mode} server did not start")


def tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def rss(procs) -> int:
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def kernels(root: psutil.Process) -> list[psutil.Process]:
    out = []
    for p in tree(root):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                out.append(p)
        except psutil.Error:
            pass
    return out


class Sampler:
    """Peak RSS and process count of the server's tree, every 0.25 s."""

    def __init__(self, root: psutil.Process) -> None:
        self.root, self.peak, self.procs = root, 0, 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = tree(self.root)
            self.peak = max(self.peak, rss(procs))
            self.procs = max(self.procs, len(procs))
            time.sleep(0.25)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()


def open_page(browser, url: str, seed: int):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url, timeout=180_000)
    page.locator(f"{CMP} .compare-button").wait_for(timeout=180_000)
    page.locator(f"{CMP} .widget-dropdown", has_text="Plausible worlds").first.locator(
        "select").select_option(NO_WORLDS)
    note = page.locator(f"{CMP} .worlds-note")
    from playwright.sync_api import expect
    expect(note).to_contain_text("replication noise only", timeout=60_000)
    seed_box = page.locator(f"{CMP} .widget-text", has_text="Seed").first.locator("input")
    seed_box.fill(str(seed))
    seed_box.press("Enter")
    time.sleep(1.0)  # the seed reaches the kernel
    return page


def compare_all(pages, number: int) -> list[float]:
    """Click Compare on every page at once; the seconds until each shows its verdict."""
    from playwright.sync_api import expect

    t0 = time.monotonic()
    for p in pages:
        p.locator(f"{CMP} .compare-button").click()
    times = []
    for p in pages:
        expect(p.locator(f"{CMP} .result-inputs")).to_contain_text(f"Result {number}:",
                                                                   timeout=600_000)
        times.append(time.monotonic() - t0)
    return times


def wait_freed(root: psutil.Process, base: set[int], timeout: float) -> tuple[float, int]:
    """Seconds until only the processes of ``base`` are left (and how many others are)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        extra = [p for p in tree(root) if p.pid not in base and p.is_running()
                 and p.status() != psutil.STATUS_ZOMBIE]
        if not extra:
            return time.monotonic() - t0, 0
        time.sleep(0.5)
    return float("nan"), len(extra)


def bench(mode: str, n_pages: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    with tempfile.TemporaryDirectory() as cache:
        server = start(mode, port, cache)
        root = psutil.Process(server.pid)
        out = {"mode": mode, "pages": n_pages}
        try:
            time.sleep(3)  # the cluster's workers are up
            base = {p.pid for p in tree(root)}
            out["idle_rss_mb"] = rss(tree(root)) / 2**20
            out["idle_procs"] = len(base)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
                pages = [open_page(browser, f"http://127.0.0.1:{port}/", seed=100 + i)
                         for i in range(n_pages)]
                sampler = Sampler(root)
                first = compare_all(pages, 1)
                sampler.stop()
                out.update(peak_rss_mb=sampler.peak / 2**20, peak_procs=sampler.procs,
                           verdict_first_s=min(first), verdict_last_s=max(first),
                           verdict_mean_s=sum(first) / len(first))
                again = compare_all(pages, 2)  # the same five questions again
                out.update(again_last_s=max(again))
                # close as a tab closes (the page says goodbye: its kernel is shut down)
                for p in pages[:-1]:
                    p.goto("about:blank")
                    p.close()
                # and one vanishes, as with a crashed browser: the culler frees it
                t0 = time.monotonic()
                chromium = psutil.Process(browser.process.pid) if hasattr(
                    browser, "process") else None
                for proc in psutil.Process().children(recursive=True):
                    try:
                        if "chromium" in proc.name() and "--type=" not in " ".join(
                                proc.cmdline()):
                            chromium = proc
                    except psutil.Error:
                        pass
                if chromium is not None:
                    chromium.kill()
                try:
                    browser.close()
                except Exception:  # already gone
                    pass
            _, left = wait_freed(root, base, timeout=180)
            out.update(freed_s=time.monotonic() - t0 if left == 0 else float("nan"),
                       left_after_close=left,
                       rss_after_close_mb=rss(tree(root)) / 2**20,
                       procs_after_close=len(tree(root)))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--mode", choices=("team", "per-page", "both"), default="both")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers here")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"error: no browser at {CHROMIUM}", file=sys.stderr)
        return 2
    modes = ("team", "per-page") if args.mode == "both" else (args.mode,)
    results = [bench(m, args.pages) for m in modes]
    print(f"| server | idle | peak while {args.pages} pages compare | verdicts after | "
          "same questions again | after the pages close |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['mode']} | {r['idle_procs']} processes, {r['idle_rss_mb']:.0f} MB | "
              f"{r['peak_procs']} processes, {r['peak_rss_mb']:.0f} MB | "
              f"{r['verdict_first_s']:.0f}-{r['verdict_last_s']:.0f} s "
              f"(mean {r['verdict_mean_s']:.0f} s) | "
              f"{r['again_last_s']:.1f} s | all freed in {r['freed_s']:.0f} s "
              f"({r['left_after_close']} left; {r['procs_after_close']} processes, "
              f"{r['rss_after_close_mb']:.0f} MB) |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
