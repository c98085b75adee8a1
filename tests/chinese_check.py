"""Finding English left in the Chinese interface: in widget trees, HTML and figures.

:func:`english_words` is the rule every Chinese-mode test applies (the Chromium test in
``test_voila_e2e.py`` and the widget tests in ``test_chinese.py``): a word of two or more
Latin letters is English unless it is part of an identifier (a scenario or file name, which
carries ``_``, a digit, a dot or a slash), the language button's "English", one of a few
abbreviations Chinese readers use as they are (:data:`ABBREVIATIONS`), or a name the test
chose itself (``allowed``). A command to type (HTML ``<code>`` or ``<pre>``, as the brief's
rerun command) is not prose and stays as typed.
"""

from __future__ import annotations

import html
import re

import ipywidgets as W

#: abbreviations written in Latin letters in Chinese text too
ABBREVIATIONS = frozenset({"CSV", "YAML", "HTML", "PNG", "ID", "HIV", "GB", "MB", "GiB",
                           "Parquet", "English", "Dask"})

_TOKEN = re.compile(r"[A-Za-z0-9_./\\:~<>-]+")
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, allowed=()) -> list[str]:
    """The English words in ``text`` (plain text, not HTML)."""
    ok = ABBREVIATIONS | set(allowed)
    found = []
    for token in _TOKEN.findall(text):
        if re.search(r"[_0-9./\\<>]", token) and re.search(r"[a-z]", token):
            continue  # an identifier or a path: national_plan_2025, results/sweep
        for word in _WORD.findall(token):
            if word not in ok:
                found.append(word)
    return found


def html_text(markup: str) -> str:
    """The text a reader sees in ``markup``, with tooltips (``title=``) and alt text.

    Commands to type (``<code>``, ``<pre>``) are left out: they stay as typed.
    """
    markup = re.sub(r"(?is)<(style|script|code|pre)\b.*?</\1>", " ", markup)
    extra = re.findall(r"""(?:title|alt|placeholder)=(["'])(.*?)\1""", markup)
    text = re.sub(r"(?s)<[^>]*>", " ", markup)
    return html.unescape(" ".join([text, *(v for _q, v in extra)]))


def widget_texts(widget, skip=()) -> list[str]:
    """Every string a widget tree shows: labels, HTML, options, titles, tooltips.

    Hidden widgets (``display: none``) and those in ``skip`` (checked on their own) are
    skipped; values typed by the user (text boxes) and images are not text. Chart text is
    checked from the figures themselves.
    """
    out: list[str] = []
    if getattr(widget.layout, "display", None) == "none" or any(widget is s for s in skip):
        return out
    for attr in ("description", "tooltip", "placeholder", "readout_format"):
        value = getattr(widget, attr, None)
        if isinstance(value, str) and attr != "readout_format":
            out.append(value)
    if isinstance(widget, (W.HTML, W.HTMLMath, W.Label)):
        out.append(html_text(widget.value))
    if hasattr(widget, "_options_labels"):
        out.extend(widget._options_labels)
    if isinstance(widget, (W.Tab, W.Accordion)):
        out.extend(t or "" for t in widget.titles)
    for child in getattr(widget, "children", ()):
        out.extend(widget_texts(child, skip))
    return out


def figure_texts(fig) -> list[str]:
    """Every text drawn in a matplotlib figure (titles, labels, ticks, legends, notes)."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
