"""Japanese text in figures (benchmark and point names, a Japanese user's labels).

Matplotlib's own font, DejaVu Sans, has no Japanese glyphs: they come out as boxes. From Matplotlib
3.6 a list of families is a fallback chain, so a Japanese font installed on the machine goes behind
DejaVu Sans (Latin text keeps its look) and supplies the glyphs DejaVu Sans lacks."""

from functools import cache

import matplotlib
from matplotlib import font_manager

# Windows' own, then common Linux/macOS ones.
JAPANESE_FONTS = ("Yu Gothic", "Meiryo", "MS Gothic", "Hiragino Sans", "IPAexGothic", "IPAGothic", "Noto Sans CJK JP")


@cache
def use_japanese_fallback() -> tuple:
    """Put the installed Japanese fonts behind DejaVu Sans in Matplotlib's font list (once); returns them."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = tuple(name for name in JAPANESE_FONTS if name in installed)
    if found:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", *found]
    return found
