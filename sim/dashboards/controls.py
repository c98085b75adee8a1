"""Widgets for every parameter, generated from the declaration in :mod:`sim.params`.

Levers are grouped (collection, consent, architecture and identity, security,
enforcement), each control with its unit and a one-line help; uncertainties sit in a
collapsed "Assumptions" section; run settings in their own section. Controls only accept
values inside the declared range, so what a panel returns always validates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as W

from ..i18n import choice_label, lever_label
from ..params import GROUPS, PARAMETERS, Parameter, by_group

__all__ = ["ParameterPanel", "make_control"]

_TITLES = dict(GROUPS)
_STYLE = {"description_width": "190px"}
_LAYOUT = W.Layout(width="460px")


def _label(p: Parameter) -> str:
    return lever_label(p.name)


def _words(choice: str) -> str:
    """A declared choice in plain words (the value itself is unchanged).

    ``per_access_break_glass`` → "per access, break glass"; underscores become spaces.
    """
    return choice_label(choice)


def make_control(p: Parameter, value: Any | None = None) -> W.Widget:
    """One widget for parameter ``p`` (slider, number box, dropdown, checkbox, multi-select)."""
    value = p.default if value is None else value
    common = {"description": _label(p), "style": _STYLE, "layout": _LAYOUT,
              "tooltip": f"{p.help} ({p.unit})"}
    if p.dtype is bool:
        return W.Checkbox(value=bool(value), indent=False, **common)
    if p.dtype is str:  # plain words on screen, the declared value underneath
        return W.Dropdown(options=[(_words(c), c) for c in p.allowed_choices()], value=value,
                          **common)
    if p.dtype is list:
        options = list(p.item_choices()) if p.item_choices else []
        return W.SelectMultiple(options=options, value=tuple(value), rows=5, **common)
    wide = (p.high - p.low) > 1000
    if p.dtype is int:
        if wide:
            return W.BoundedIntText(value=value, min=p.low, max=p.high, **common)
        return W.IntSlider(value=value, min=p.low, max=p.high, continuous_update=False,
                           **common)
    if wide:
        return W.BoundedFloatText(value=value, min=p.low, max=p.high, **common)
    step = 10 ** (round(__import__("math").log10(max(p.high - p.low, 1e-9))) - 2)
    return W.FloatSlider(value=value, min=p.low, max=p.high, step=step,
                         continuous_update=False, readout_format=".3g", **common)


class ParameterPanel(W.VBox):
    """Controls for a set of parameters, grouped as in the declaration.

    Args:
        values: starting values (e.g. a scenario's ``params``).
        kinds: which kinds to show (``"lever"``, ``"uncertainty"``, ``"setting"``).
        exclude: parameter names to leave out.
    """

    def __init__(self, values: Mapping[str, Any] | None = None,
                 kinds: Iterable[str] = ("lever", "uncertainty"),
                 exclude: Iterable[str] = ()) -> None:
        self.controls: dict[str, W.Widget] = {}
        self.help_rows: dict[str, W.HTML] = {}
        self.relabelling = False
        values = dict(values or {})
        exclude = set(exclude)
        kinds = tuple(kinds)
        sections = []
        if "lever" in kinds:
            lever_boxes, titles = [], []
            for group, params in by_group(("lever",)).items():
                lever_boxes.append(self._box([p for p in params if p.name not in exclude],
                                             values))
                titles.append(_TITLES[group])
            levers = W.Accordion(children=lever_boxes, titles=tuple(titles),
                                 selected_index=0)
            sections.append(levers)
        if "uncertainty" in kinds:
            inner, titles = [], []
            for group, params in by_group(("uncertainty",)).items():
                inner.append(self._box([p for p in params if p.name not in exclude], values))
                titles.append(_TITLES[group])
            inner_acc = W.Accordion(children=inner, titles=tuple(titles))
            sections.append(W.Accordion(children=[inner_acc],
                                        titles=("Assumptions (uncertainties)",),
                                        selected_index=None))
        if "setting" in kinds:
            params = [p for p in PARAMETERS.values()
                      if p.kind == "setting" and p.name not in exclude]
            sections.append(W.Accordion(children=[self._box(params, values)],
                                        titles=("Run settings",), selected_index=None))
        super().__init__(children=sections)
        scope = self.controls.get("collection_scope")
        fields = self.controls.get("collection_fields")
        if scope is not None and fields is not None:
            listing = self.help_rows["collection_scope"]
            help_text = listing.value

            def sync(*_):
                if self.relabelling:
                    return
                fields.disabled = scope.value != "custom"
                if scope.value != "custom":
                    fields.value = ()
                listing.value = help_text.replace("</div>", f"<br><b>{scope.value}</b> "
                                                  f"collects: {_scope_fields(scope.value)}"
                                                  "</div>")
            scope.observe(sync, names="value")
            sync()

    def _box(self, params: list[Parameter], values: Mapping[str, Any]) -> W.VBox:
        rows = []
        for p in params:
            ctl = make_control(p, values.get(p.name))
            self.controls[p.name] = ctl
            unit = "" if p.unit in ("-", "") else f" [{p.unit}]"
            help_row = W.HTML(f"<div style='font-size:11px;color:#555;"
                              f"margin:-4px 0 6px 196px;max-width:460px'>"
                              f"{p.help}{unit}</div>")
            self.help_rows[p.name] = help_row
            rows.append(W.VBox([ctl, help_row]))
        return W.VBox(rows)

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
        """Label the controls (and name the choices) in ``lang``; no value changes.

        Relabelling a dropdown makes ipywidgets pass through its first option; while it
        does, the panel's own rules and the handlers of :meth:`observe_all` are not called,
        and every value is put back afterwards.
        """
        saved = self.values()
        self.relabelling = True
        try:
            for name, ctl in self.controls.items():
                ctl.description = lever_label(name, lang)
                if isinstance(ctl, W.Dropdown):
                    ctl.options = [(choice_label(v, lang, name), v) for _, v in ctl.options]
            self.set_values(saved)
        finally:
            self.relabelling = False

    def observe_all(self, handler) -> None:
        """Call ``handler`` when any control changes (not while relabelling)."""
        def call(change):
            if not self.relabelling:
                handler(change)

        for ctl in self.controls.values():
            ctl.observe(call, names="value")


def _scope_fields(scope: str) -> str:
    """The fields a collection scope collects, in catalogue order."""
    if scope == "custom":
        return "the fields chosen below"
    from ..fields import CATALOGUE
    from ..policy import COLLECTION_SCOPES

    chosen = set(COLLECTION_SCOPES[scope](CATALOGUE))
    return ", ".join(f.name.replace("_", " ") for f in CATALOGUE if f.name in chosen)
