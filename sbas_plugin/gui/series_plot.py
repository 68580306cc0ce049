"""The graph of the time-series dock: per shown series a line with a marker on each date, its fitted
trend (dashed) and, for an area, a band of ± its spread; the legend gives each series' fit."""

import textwrap
from typing import Optional

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from qgis.PyQt.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from sbas_plugin.core.reports.plot import draw_series, style_time_axes, y_limits
from sbas_plugin.i18n import tr

UNITS = "mm"
COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"]
# Axes margins in inches (left, right, top, bottom): room for the y ticks and label, the date ticks and
# the wrapped sign note whatever the dock's width, and the reference line above. Fixed: a layout engine
# would move the axes with each pixel's tick labels, and cost time on every click.
MARGINS = (0.75, 0.3, 0.34, 1.0)
NOTE_CHARACTER_POINTS = 4.9  # mean width of a character of the sign note (8.5 pt DejaVu Sans)
WIDE_CHARACTERS = 0x2E80  # from here on (CJK) a character takes about two Latin ones' width
INCHES_PER_DATE_TICK = 0.8  # date labels like 2021-07 need this much room each (checked 30 days to 11 years)
UNRELIABLE_ALPHA = 0.4  # a low-coherence series stays drawn, faded


def series_colour(i: int) -> str:
    """The colour of the i-th shown series, on the graph and on the map."""
    return COLOURS[i % len(COLOURS)]


class SeriesPlot(QWidget):
    """Series are drawn by their place i in the legend; a series drawn again keeps its artists (faster
    than new ones on every click)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.figure = Figure(figsize=(4.6, 3.6), dpi=100)
        self.figure_canvas = FigureCanvasQTAgg(self.figure)
        self.figure_canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.figure_canvas.setMinimumSize(340, 300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.figure_canvas)
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.dates = None
        self.lines, self.trends, self.bands = [], [], []  # per series; bands only for areas
        self.spreads = []  # per series: the band's half-height per date, None for a pixel
        self.sign_note = None  # style_time_axes' note under the dates, wrapped to the width
        self.los_note = tr(  # its text for line-of-sight series, in the user's language
            "LOS = line of sight to the satellite.  + towards the satellite,  - away from it (subsidence shows as -)"
        )
        self.note_text = self.los_note
        self.figure_canvas.mpl_connect("resize_event", self.fit_axes)

    def frame(self, dates: np.ndarray, reference_index: int, title: str, ground: bool = False) -> None:
        """Empty axes for these dates: rebuilt only for a new stack or reference date. `ground`: the series
        are vertical and east-west (a decomposition), not line of sight."""
        self.ax.clear()
        self.dates = dates
        self.lines, self.trends, self.bands, self.spreads = [], [], [], []
        if ground:
            self.note_text = tr("vertical: + up,  - down (subsidence).  east-west: + east,  - west")
            ylabel = tr("displacement ({})").format(UNITS)
        else:
            self.note_text = self.los_note
            ylabel = tr("LOS displacement ({})").format(UNITS)
        _, self.sign_note = style_time_axes(
            self.ax,
            dates,
            reference_index,
            UNITS,
            ylabel=ylabel,
            reference_label=tr("reference date"),
            sign_note=self.note_text,
        )
        self.set_title(title)
        self.fit_axes()

    def set_title(self, text: str) -> None:
        # y given: matplotlib then keeps the title put, instead of measuring the tick labels at each draw.
        self.ax.set_title(text, loc="left", fontsize=8.5, color="0.25", y=1.0)

    def fit_axes(self, event=None) -> None:
        width, height = self.figure.get_size_inches()
        left, right, top, bottom = MARGINS
        self.ax.set_position(
            (
                left / width,
                bottom / height,
                max(width - left - right, 0.1) / width,
                max(height - top - bottom, 0.1) / height,
            )
        )
        # Wrapped here, once per size: matplotlib's own wrapping measures it word by word at every draw.
        if self.sign_note is not None:
            characters = int((width - left) * 72 / NOTE_CHARACTER_POINTS)
            if any(ord(c) >= WIDE_CHARACTERS for c in self.note_text):
                characters //= 2  # a Japanese character is about twice as wide as a Latin one
            self.sign_note.set_text(textwrap.fill(self.note_text, characters))
        locator = self.ax.xaxis.get_major_locator()
        if hasattr(locator, "maxticks"):  # style_time_axes' AutoDateLocator: fewer dates in a narrow dock
            locator.minticks = 2
            ticks = max(4, int((width - left - right) / INCHES_PER_DATE_TICK))  # fewer: it finds no interval
            locator.maxticks = dict.fromkeys(locator.maxticks, ticks)

    def draw_series(
        self,
        i: int,
        values: np.ndarray,
        trend: Optional[np.ndarray],
        label: str,
        faded: bool,
        spread: Optional[np.ndarray] = None,
    ) -> None:
        """Series i (the next one, or one drawn already): its values, fitted trend (None: no fit), legend
        label, and for an area the spread of its band."""
        colour = series_colour(i)
        if i == len(self.lines):
            nothing = np.full(len(self.dates), np.nan)
            self.trends.append(self.ax.plot(self.dates, nothing, color=colour, linestyle="--", linewidth=1.0)[0])
            self.lines.append(draw_series(self.ax, self.dates, nothing, color=colour))
            self.bands.append(None)
            self.spreads.append(None)
        self.lines[i].set_ydata(values)
        self.lines[i].set_alpha(UNRELIABLE_ALPHA if faded else 1.0)
        self.trends[i].set_ydata(trend if trend is not None else np.full(len(values), np.nan))
        self.lines[i].set_label(label)
        if self.bands[i] is not None:
            self.bands[i].remove()
            self.bands[i] = None
        self.spreads[i] = spread
        if spread is not None:
            self.bands[i] = self.ax.fill_between(
                self.dates, values - spread, values + spread, where=np.isfinite(values), color=colour, alpha=0.2, lw=0
            )

    def keep(self, count: int) -> None:
        """Only the first `count` series stay on the graph."""
        for artist in self.lines[count:] + self.trends[count:] + [band for band in self.bands[count:] if band]:
            artist.remove()
        self.lines, self.trends = self.lines[:count], self.trends[:count]
        self.bands, self.spreads = self.bands[:count], self.spreads[:count]

    def decorate(self) -> None:
        """Legend and y range for the series drawn; then a redraw when Qt is idle."""
        if self.lines:
            self.ax.legend(handles=self.lines, loc="best", fontsize=8.5, framealpha=0.85)
            extents = [line.get_ydata() for line in self.lines + self.trends]
            for line, spread in zip(self.lines, self.spreads):
                if spread is not None:
                    extents += [line.get_ydata() - spread, line.get_ydata() + spread]
            self.ax.set_ylim(*y_limits(UNITS, *extents))
        elif self.ax.get_legend():
            self.ax.get_legend().remove()
        self.figure_canvas.draw_idle()

    def save_png(self, path: str) -> None:
        self.figure.savefig(path, dpi=150, facecolor="white")
