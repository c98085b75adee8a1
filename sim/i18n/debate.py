"""Strings of the debate tab, the claims and their verdicts, in English and Simplified Chinese.

Merged into :func:`sim.i18n.tr`'s table; English is the reference.
"""

UI: dict[str, dict[str, str]] = {
    "en": {
    },
    "zh": {
    },
}
