"""Strings of the Frontier tab (sweeps, the frontier, the sensitivity ranking).

In English and Simplified Chinese, merged into :func:`sim.i18n.tr`'s table; English is
the reference.
"""

UI: dict[str, dict[str, str]] = {
    "en": {
    },
    "zh": {
    },
}
