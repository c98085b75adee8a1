"""Serve the planner's app to a team: one Voila server, one shared pool of workers.

``python -m sim app`` (what ``make app`` runs) starts

* a **Dask cluster on this machine** (one single-threaded worker process per core, on
  127.0.0.1), or connects to a running one with ``--scheduler tcp://host:8786``: every
  page's runs go there (:data:`sim.app.dashboards.runner.SCHEDULER_ENV`), so the server runs at
  most as many simulations at once as the cluster has workers, however many planners have
  the page open (a page of its own would start two worker processes);
* a **result cache on disk** (:data:`sim.app.dashboards.runner.CACHE_ENV`, by default
  ``~/.cache/healthsim-workbench/results``): a question any page asked before, on this
  server or before a restart, is answered at once;
* **Voila** with the app notebook, on 127.0.0.1. A page that closes shuts its kernel down
  at once; a page that vanishes (crash, lost network) has its kernel culled
  :data:`CULL_IDLE_S` seconds after its last activity (see :func:`voila_args`).

Ctrl-C (or SIGTERM) stops Voila, then the cluster this command started. If this process
is killed outright (SIGKILL, the memory killer), Voila is told to stop too (on Linux, by the
kernel: :func:`_parent_death_signal`), and the cluster's workers exit when their parent
goes (Dask's own watch), so nothing is left serving or holding memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ..experiments.engines import _dask, connect_dask, default_workers

__all__ = ["CULL_IDLE_S", "CULL_INTERVAL_S", "default_cache_dir", "serve", "voila_args"]

#: a kernel with no page connected is shut down this long after its last activity (s)
CULL_IDLE_S = 40
#: ... checked this often (s): a page that vanished is freed within about a minute
CULL_INTERVAL_S = 10

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "app.ipynb"


def voila_args(port: int, notebook: str | os.PathLike = NOTEBOOK) -> list[str]:
    """Voila's command line for the app (``python -m voila ...``), as the tests use it too.

    Kernels are freed when the page closes: Voila's page asks the server to shut its kernel
    down on ``beforeunload`` (a beacon), which Voila 0.5 rejects unless its XSRF check is
    off (the page never gets the ``_xsrf`` cookie). What the check guarded here is that
    POST: another web page in the same browser could send it, but only with the kernel's
    random id; the server listens on 127.0.0.1 only. For pages that never say goodbye,
    jupyter_server's culler (``MappingKernelManager``; these options are not in ``voila
    --help-all`` but reach Voila's kernel manager) shuts down any kernel with no page
    connected after :data:`CULL_IDLE_S` s without activity; ``cull_busy`` also culls a
    kernel left busy by a run nobody watches.
    """
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1",
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
            f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
            "--MappingKernelManager.cull_busy=True",
            "--Voila.tornado_settings={'disable_check_xsrf': True}"]


def _parent_death_signal():
    """A ``preexec_fn`` that has the child sent SIGTERM when this process dies (Linux).

    ``prctl(PR_SET_PDEATHSIG)`` is resolved here, before the fork, so the child only makes
    the one call through ctypes (no import, no lock another thread could hold). If this
    process died between the fork and that call, the child would miss the signal: it checks
    that its parent is still the one that started it, and exits otherwise. ``None`` where
    there is no such call (the child then outlives a killed server).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)
    parent = os.getpid()

    def preexec() -> None:
        prctl(pr_set_pdeathsig, sigterm)
        if os.getppid() != parent:  # the server died before the call above
            os._exit(1)

    return preexec


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/healthsim-workbench/results`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "healthsim-workbench" / "results"


def serve(port: int = 8866, workers: int | None = None, scheduler: str | None = None,
          cache_dir: str | os.PathLike | None = None, memory_limit: str | None = None,
          ready=print) -> int:
    """Run the app server until Voila exits or this process is told to stop.

    Args:
        port: Voila's port (on 127.0.0.1).
        workers: worker processes of the cluster started here (default: the cores).
        scheduler: a running Dask scheduler to use instead of starting a cluster.
        cache_dir: the result cache's folder (default :func:`default_cache_dir`); ``""``
            keeps results in each page only.
        memory_limit: each local worker's memory limit (Dask's syntax, e.g. ``"4GB"``);
            default: the machine's memory shared equally.
        ready: called with one line saying where the app is, once it is being served.

    Returns:
        Voila's exit code (0 when stopped by Ctrl-C or SIGTERM).

    Raises:
        ValueError: an unreachable ``scheduler`` or an unusable ``cache_dir`` (named).
    """
    from .dashboards.cache import ResultCache
    from .dashboards.runner import CACHE_ENV, SCHEDULER_ENV

    if workers is not None and workers < 1:
        raise ValueError(f"--workers: {workers} is not allowed; give 1 or more")
    cache = default_cache_dir() if cache_dir is None else cache_dir
    if cache:
        ResultCache(cache)  # refuse an unusable folder now, not in every page
    cluster = client = voila = None

    def stop(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if scheduler:
            client = connect_dask(scheduler)  # fails here, in one line, if unreachable
            where = scheduler
        else:
            cluster = _dask().LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1,
                processes=True, host="127.0.0.1", dashboard_address=None,
                **({"memory_limit": memory_limit} if memory_limit else {}))
            where = cluster.scheduler_address
        env = {**os.environ, SCHEDULER_ENV: where, CACHE_ENV: str(cache) if cache else ""}
        voila = subprocess.Popen(voila_args(port), cwd=ROOT, env=env,
                                 preexec_fn=_parent_death_signal())
        n = (len(cluster.workers) if cluster is not None
             else len(client.scheduler_info()["workers"]))
        ready(f"the app: http://127.0.0.1:{port}/  (runs on {n} shared worker"
              f"{'s' if n != 1 else ''} at {where}; results cached in "
              f"{cache or 'each page only'}; Ctrl-C stops)")
        return voila.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if voila is not None and voila.poll() is None:
            voila.terminate()
            try:
                voila.wait(timeout=20)
            except subprocess.TimeoutExpired:
                voila.kill()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
