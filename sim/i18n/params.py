"""Strings of the parameter panels: lever groups, each lever's and assumption's help.

In English and Simplified Chinese, merged into :func:`sim.i18n.tr`'s table; English is
the reference.
"""

UI: dict[str, dict[str, str]] = {
    "en": {
    },
    "zh": {
    },
}
