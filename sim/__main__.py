"""``python -m sim``: the command line (see :mod:`sim.cli`)."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load
    print("interrupted; nothing written", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
