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

#: each parameter's help in Simplified Chinese, by parameter name (see :func:`sim.i18n.param_help`)
HELP_ZH: dict[str, str] = {
}
