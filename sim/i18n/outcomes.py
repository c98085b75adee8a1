"""The outcomes' definitions and the reasons an outcome is fixed by design, in Chinese.

Labels and units are in :mod:`sim.i18n`; see :func:`sim.i18n.outcome_definition` and
:func:`sim.i18n.pinned_reason`.
"""

UI: dict[str, dict[str, str]] = {"en": {}, "zh": {}}

#: each outcome's definition in Simplified Chinese, by outcome name
DEFINITIONS_ZH: dict[str, str] = {
}

#: why an outcome is fixed by design, in Simplified Chinese, keyed by the English reason
PINNED_ZH: dict[str, str] = {
}
