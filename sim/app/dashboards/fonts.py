"""A font for Chinese text in the charts (matplotlib's own fonts have no CJK glyphs).

The project declares one: Debian's ``fonts-wqy-microhei`` (WenQuanYi Micro Hei, 5 MB;
``.ci/run`` installs it with the browser), or any of :data:`CJK_FONTS` already on the
machine (Noto Sans CJK, Source Han Sans, and the Windows and macOS system fonts).
:func:`use_cjk_font` adds the first one found as a *fallback* of matplotlib's sans-serif
family: Latin text keeps DejaVu Sans, and a glyph DejaVu lacks is drawn from the CJK font
(matplotlib >= 3.6). Without one, Chinese chart text would be drawn as empty boxes, so
:func:`cjk_font` says what to install.
"""

from __future__ import annotations

import functools

from matplotlib import font_manager, rcParams

__all__ = ["CJK_FONTS", "INSTALL_HINT", "cjk_font", "use_cjk_font"]

#: CJK fonts the charts can use, in order of preference (family names)
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC",
             "Noto Sans SC", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")
#: what to install when none is found
INSTALL_HINT = ("no font with Chinese characters found for the charts: install Debian's "
                "fonts-wqy-microhei (apt-get install fonts-wqy-microhei) or Noto Sans CJK")
#: file names of the fonts above, for fonts installed after matplotlib built its cache
_FILES = ("wqy-microhei", "wqy-zenhei", "notosanscjk", "notosanssc", "sourcehansans",
          "msyh", "simhei", "pingfang")


@functools.cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in have:
            return name
    # matplotlib caches the system's fonts once per version: one installed since is added
    for path in font_manager.findSystemFonts():
        if any(k in path.lower().replace("-", "").replace("_", "") for k in
               (f.replace("-", "") for f in _FILES)):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable font file
                continue
    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in have), None)


def use_cjk_font() -> str | None:
    """Add the CJK font (if any) to matplotlib's font families as a fallback; return its name.

    Appended to ``font.family`` itself (a generic family such as sans-serif resolves to a
    single font, so a fallback inside it would never be reached).
    """
    name = cjk_font()
    family = rcParams["font.family"]
    family = [family] if isinstance(family, str) else list(family)
    if name is not None and name not in family:
        rcParams["font.family"] = [*family, name]
    return name
