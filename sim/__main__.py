"""``python -m sim``: the command line (see :mod:`sim.app.cli`)."""

import signal
import sys

_interrupted = False


def _on_sigint(signum, frame):  # as Python's own handler, remembering that it ran
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


# Ctrl-C while the libraries load: an interrupt that lands inside an import can surface as
# another exception (NumPy's C extension: ImportError "could not import module 'datetime'";
# a class body: RuntimeError "Error calling __set_name__"), so the interrupt is remembered
# here to tell a broken install from an interrupted one
signal.signal(signal.SIGINT, _on_sigint)
try:
    from .app.cli import main
except KeyboardInterrupt:
    print("interrupted; nothing written", file=sys.stderr)
    raise SystemExit(130) from None
except Exception:
    if not _interrupted:
        raise
    print("interrupted; nothing written", file=sys.stderr)
    raise SystemExit(130) from None
signal.signal(signal.SIGINT, signal.default_int_handler)

raise SystemExit(main())
