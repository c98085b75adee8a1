"""Widgets for every parameter, generated from the declaration in :mod:`sim.params`.

Levers are grouped (collection, consent, architecture and identity, security,
enforcement), each control with its unit and a one-line help; uncertainties sit in a
collapsed "Assumptions" section; run settings in their own section. Controls only accept
values inside the declared range, so what a panel returns always validates. Every word a
panel shows (group titles, labels, choices, help, units, the collection scope's fields)
comes from :mod:`sim.i18n`, in English or Simplified Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as W

from ...i18n import choice_label, field_label, lever_label, param_help, tr, unit_label
from ...params import PARAMETERS, Parameter, by_group

__all__ = ["ParameterPanel", "make_control"]

_STYLE = {"description_width": "190px"}
_LAYOUT = W.Layout(width="460px")
_HELP_STYLE = "font-size:11px;color:#555;margin:-4px 0 6px 196px;max-width:460px"


def _label(p: Parameter, lang: str = "en") -> str:
    return lever_label(p.name, lang)


def _words(choice: str, lang: str = "en", parameter: str | None = None) -> str:
    """A declared choice in plain words in ``lang`` (the value itself is unchanged).

    ``per_access_break_glass`` → "per access, break glass"; underscores become spaces.
    """
    return choice_label(choice, lang, parameter)


def _item_words(item: str, lang: str = "en") -> str:
    """A list item (a record field) as a multi-select shows it in ``lang``.

    English shows the declared field name (what scenario files and ``--set`` use);
    other languages the field's name in words (:func:`sim.i18n.field_label`).
    """
    return item if lang == "en" else field_label(item, lang)


def _tooltip(p: Parameter, lang: str = "en") -> str:
    """A control's tooltip in ``lang``: the parameter's help and its unit."""
    return tr("pm_tooltip", lang).format(help=param_help(p.name, lang),
                                          unit=unit_label(p.unit, lang))


def _help_html(p: Parameter, lang: str = "en", extra: str = "") -> str:
    """The help line under a control in ``lang`` (with its unit, and ``extra`` HTML)."""
    unit = "" if p.unit in ("-", "") else tr("pm_unit", lang).format(unit=unit_label(p.unit,
                                                                                     lang))
    return f"<div style='{_HELP_STYLE}'>{param_help(p.name, lang)}{unit}{extra}</div>"


def _group_title(group: str, lang: str = "en") -> str:
    """A display group's title in ``lang`` (see :data:`sim.params.GROUPS`)."""
    return tr(f"pm_group_{group}", lang)


def make_control(p: Parameter, value: Any | None = None, lang: str = "en") -> W.Widget:
    """One widget for parameter ``p`` (slider, number box, dropdown, checkbox, multi-select).

    Args:
        p: the parameter.
        value: its starting value (the default if ``None``).
        lang: the language of its label, choices and tooltip (``"en"`` or ``"zh"``).
    """
    value = p.default if value is None else value
    common = {"description": _label(p, lang), "style": _STYLE, "layout": _LAYOUT,
              "tooltip": _tooltip(p, lang)}
    if p.dtype is bool:
        return W.Checkbox(value=bool(value), indent=False, **common)
    if p.dtype is str:  # plain words on screen, the declared value underneath
        return W.Dropdown(options=[(_words(c, lang, p.name), c) for c in p.allowed_choices()],
                          value=value, **common)
    if p.dtype is list:
        items = list(p.item_choices()) if p.item_choices else []
        return W.SelectMultiple(options=[(_item_words(c, lang), c) for c in items],
                                value=tuple(value), rows=5, **common)
    wide = (p.high - p.low) > 1000
    if p.dtype is int:
        if wide:
            return W.BoundedIntText(value=value, min=p.low, max=p.high, **common)
        return W.IntSlider(value=value, min=p.low, max=p.high, continuous_update=False,
                           **common)
    if wide:
        return W.BoundedFloatText(value=value, min=p.low, max=p.high, **common)
    step = 10 ** (round(math.log10(max(p.high - p.low, 1e-9))) - 2)
    return W.FloatSlider(value=value, min=p.low, max=p.high, step=step,
                         continuous_update=False, readout_format=".3g", **common)


class ParameterPanel(W.VBox):
    """Controls for a set of parameters, grouped as in the declaration.

    Args:
        values: starting values (e.g. a scenario's ``params``).
        kinds: which kinds to show (``"lever"``, ``"uncertainty"``, ``"setting"``).
        exclude: parameter names to leave out.
        lang: the language of its words (``"en"`` or ``"zh"``; see :meth:`set_language`).
    """

    def __init__(self, values: Mapping[str, Any] | None = None,
                 kinds: Iterable[str] = ("lever", "uncertainty"),
                 exclude: Iterable[str] = (), lang: str = "en") -> None:
        self.controls: dict[str, W.Widget] = {}
        self.help_rows: dict[str, W.HTML] = {}
        self.relabelling = False
        self.lang = lang
        #: each accordion with the catalogue keys of its titles (relabelled by set_language)
        self._accordions: list[tuple[W.Accordion, tuple[str, ...]]] = []
        values = dict(values or {})
        exclude = set(exclude)
        kinds = tuple(kinds)
        sections = []
        if "lever" in kinds:
            lever_boxes, keys = [], []
            for group, params in by_group(("lever",)).items():
                lever_boxes.append(self._box([p for p in params if p.name not in exclude],
                                             values))
                keys.append(f"pm_group_{group}")
            sections.append(self._accordion(lever_boxes, keys, selected_index=0))
        if "uncertainty" in kinds:
            inner, keys = [], []
            for group, params in by_group(("uncertainty",)).items():
                inner.append(self._box([p for p in params if p.name not in exclude], values))
                keys.append(f"pm_group_{group}")
            inner_acc = self._accordion(inner, keys)
            sections.append(self._accordion([inner_acc], ["pm_assumptions"],
                                            selected_index=None))
        if "setting" in kinds:
            params = [p for p in PARAMETERS.values()
                      if p.kind == "setting" and p.name not in exclude]
            sections.append(self._accordion([self._box(params, values)], ["pm_group_run"],
                                            selected_index=None))
        super().__init__(children=sections)
        scope = self.controls.get("collection_scope")
        fields = self.controls.get("collection_fields")
        if scope is not None and fields is not None:
            def sync(*_):
                if self.relabelling:
                    return
                fields.disabled = scope.value != "custom"
                if scope.value != "custom":
                    fields.value = ()
                self._show_scope()
            scope.observe(sync, names="value")
            sync()

    def _accordion(self, children: list[W.Widget], keys: list[str],
                   **kwargs: Any) -> W.Accordion:
        """An accordion titled by catalogue ``keys`` in the panel's language."""
        acc = W.Accordion(children=children,
                          titles=tuple(tr(k, self.lang) for k in keys), **kwargs)
        self._accordions.append((acc, tuple(keys)))
        return acc

    def _box(self, params: list[Parameter], values: Mapping[str, Any]) -> W.VBox:
        rows = []
        for p in params:
            ctl = make_control(p, values.get(p.name), self.lang)
            self.controls[p.name] = ctl
            help_row = W.HTML(_help_html(p, self.lang))
            self.help_rows[p.name] = help_row
            rows.append(W.VBox([ctl, help_row]))
        return W.VBox(rows)

    def _show_scope(self) -> None:
        """The collection scope's help with the fields its current choice collects."""
        scope = self.controls["collection_scope"].value
        collects = tr("pm_collects", self.lang).format(
            scope=_words(scope, self.lang, "collection_scope"),
            fields=_scope_fields(scope, self.lang))
        self.help_rows["collection_scope"].value = _help_html(
            PARAMETERS["collection_scope"], self.lang, f"<br>{collects}")

    def values(self) -> dict[str, Any]:
        """Current values of every control (validated types)."""
        out = {}
        for name, ctl in self.controls.items():
            v = ctl.value
            out[name] = list(v) if isinstance(v, tuple) else v
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Set controls from ``values`` (unknown names are ignored)."""
        for name, v in values.items():
            ctl = self.controls.get(name)
            if ctl is not None:
                ctl.value = tuple(v) if isinstance(v, list) else v

    def set_language(self, lang: str) -> None:
        """Show every word of the panel in ``lang`` (``"en"`` or ``"zh"``); no value changes.

        Group titles, labels, choices, tooltips, help lines with their units and the
        collection scope's fields are rewritten. Relabelling a dropdown makes ipywidgets
        pass through its first option; while it does, the panel's own rules and the
        handlers of :meth:`observe_all` are not called, and every value is put back
        afterwards.
        """
        saved = self.values()
        self.lang = lang
        self.relabelling = True
        try:
            for acc, keys in self._accordions:
                acc.titles = tuple(tr(k, lang) for k in keys)
            for name, ctl in self.controls.items():
                p = PARAMETERS[name]
                ctl.description = _label(p, lang)
                ctl.tooltip = _tooltip(p, lang)
                if isinstance(ctl, W.Dropdown):
                    ctl.options = [(_words(v, lang, name), v) for _, v in ctl.options]
                elif isinstance(ctl, W.SelectMultiple):
                    ctl.options = [(_item_words(v, lang), v) for _, v in ctl.options]
                self.help_rows[name].value = _help_html(p, lang)
            self.set_values(saved)
        finally:
            self.relabelling = False
        if "collection_scope" in self.controls and "collection_fields" in self.controls:
            self._show_scope()

    def observe_all(self, handler) -> None:
        """Call ``handler`` when any control changes (not while relabelling)."""
        def call(change):
            if not self.relabelling:
                handler(change)

        for ctl in self.controls.values():
            ctl.observe(call, names="value")


def _scope_fields(scope: str, lang: str = "en") -> str:
    """The fields a collection scope collects, in catalogue order, named in ``lang``."""
    if scope == "custom":
        return tr("pm_chosen_below", lang)
    from ...fields import CATALOGUE
    from ...world.policy import COLLECTION_SCOPES

    chosen = set(COLLECTION_SCOPES[scope](CATALOGUE))
    return tr("pm_field_sep", lang).join(field_label(f.name, lang) for f in CATALOGUE
                                         if f.name in chosen)
