"""``python -m sim app`` killed outright leaves nothing behind (issue 18, item 5).

SIGTERM and Ctrl-C stop Voila and the cluster in order (the Chromium tests use that). A
server killed by SIGKILL (or the memory killer) cannot clean up: its Voila is sent SIGTERM
by the kernel (PR_SET_PDEATHSIG) and the cluster's workers exit with their parent. Before,
Voila kept serving pages, with kernels, after its server was gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_server_takes_voila_and_its_workers_with_it(tmp_path):
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("voila")
    pytest.importorskip("distributed")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHSIM_")}
    log = open(tmp_path / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", f"--port={port}",
                             "--workers=1", f"--cache-dir={tmp_path / 'cache'}"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    children = []
    try:
        deadline = time.time() + 120
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            assert time.time() < deadline, "the app did not start in 120 s"
            time.sleep(0.3)
        children = psutil.Process(proc.pid).children(recursive=True)
        voila = [p for p in children if "voila" in " ".join(p.cmdline())]
        assert voila and len(children) > len(voila)  # Voila and the cluster's worker
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _gone, alive = psutil.wait_procs(children, timeout=30)
        assert alive == [], [" ".join(p.cmdline())[:120] for p in alive]
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing serves the page
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in children:  # orphans of a failed test, not left running
            if p.is_running():
                p.kill()
        log.close()
