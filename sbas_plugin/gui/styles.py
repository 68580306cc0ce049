"""Styles for the result layers: velocity and displacement in mm on a diverging ramp centred on 0,
temporal coherence with its 0.7 threshold, and the points graduated by velocity, hollow where flagged
low_quality (temporal coherence below the run's threshold).

Line-of-sight sign as MintPy writes it: negative = away from the satellite (subsidence) = red,
positive = towards the satellite = blue, 0 = neutral. NaN is no data, drawn transparent. Pure QGIS
(and numpy): no GDAL, no plugin state, usable from tests and scripts."""

import math
from typing import Iterable, Optional

import numpy as np
from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsGraduatedSymbolRenderer,
    QgsMarkerSymbol,
    QgsProperty,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererRange,
    QgsSingleBandPseudoColorRenderer,
    QgsSymbolLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from sbas_plugin.i18n import tr

# ColorBrewer RdBu: red (away from the satellite, subsidence) -> white -> blue (towards the satellite).
DIVERGING = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
NEUTRAL = DIVERGING[len(DIVERGING) // 2]
SUBSIDENCE = DIVERGING[0]
UPLIFT = DIVERGING[-1]
COHERENCE_THRESHOLD = 0.7
LOW_COHERENCE = "#202020"  # the ring of a point below the threshold
LOW_QUALITY_FIELD = "low_quality"  # 1 below the run's temporal-coherence threshold (points.gpkg)
PERCENTILE = 98.0
NICE = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
MAX_SAMPLE_PIXELS = 4_000_000  # rasters larger than this are read decimated for the percentile
_DTYPES = {
    Qgis.DataType.Byte: np.uint8,
    Qgis.DataType.Int16: np.int16,
    Qgis.DataType.UInt16: np.uint16,
    Qgis.DataType.Int32: np.int32,
    Qgis.DataType.UInt32: np.uint32,
    Qgis.DataType.Float32: np.float32,
    Qgis.DataType.Float64: np.float64,
}

# Enums renamed between QGIS 3.22 and QGIS 4: take whichever this QGIS has.
_SHADER = getattr(Qgis, "ShaderInterpolationMethod", None)
_INTERPOLATED = QgsColorRampShader.Type.Interpolated if _SHADER is None else _SHADER.Linear
_DISCRETE = QgsColorRampShader.Type.Discrete if _SHADER is None else _SHADER.Discrete


def _symbol_property(name: str):
    """QgsSymbolLayer.Property.FillColor (QGIS >= 3.30) or .PropertyFillColor (3.22)."""
    prop = QgsSymbolLayer.Property
    return getattr(prop, name) if hasattr(prop, name) else getattr(prop, "Property" + name)


def nice_limit(value: float) -> float:
    """The smallest of 1, 2, 3, 4, 5, 6, 8 x 10^k that is >= value (value > 0)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in NICE:
        limit = step * 10.0**exponent
        if limit >= value * (1 - 1e-9):
            return float(f"{limit:.12g}")
    return float(f"{10.0 ** (exponent + 1):.12g}")


def raster_array(layer: QgsRasterLayer, band: int = 1, width: int = 0, height: int = 0) -> np.ndarray:
    """The band over the layer's extent as a 2-D float64 array, NaN where no data; width and height
    (default: the raster's) resample it."""
    width, height = width or layer.width(), height or layer.height()
    block = layer.dataProvider().block(band, layer.extent(), width, height)
    dtype = _DTYPES.get(block.dataType())
    if dtype is None:
        raise ValueError(tr("Unsupported raster data type in {name}").format(name=layer.name()))
    data = np.frombuffer(bytes(block.data()), dtype=dtype).astype(np.float64)
    if data.size != width * height:  # an empty block: outside the data or a read error
        return np.full((height, width), np.nan)
    if block.hasNoDataValue():
        data[data == block.noDataValue()] = np.nan
    return data.reshape(height, width)


def raster_values(layer: QgsRasterLayer, band: int = 1) -> np.ndarray:
    """The band's valid values as a flat array, read decimated when the raster is large."""
    width, height = layer.width(), layer.height()
    scale = max(1.0, math.sqrt(width * height / MAX_SAMPLE_PIXELS))
    values = raster_array(layer, band, max(1, int(width / scale)), max(1, int(height / scale))).ravel()
    return values[np.isfinite(values)]


def robust_limit(values: Iterable[np.ndarray], scale: float = 1.0, percentile: float = PERCENTILE) -> float:
    """A nice symmetric limit: the `percentile` of |values * scale| over all arrays, rounded up."""
    arrays = [np.abs(np.asarray(v, dtype=np.float64)) * scale for v in values]
    arrays = [a[np.isfinite(a)] for a in arrays]
    every = np.concatenate(arrays) if arrays else np.empty(0)
    if every.size == 0:
        return 1.0
    return nice_limit(float(np.percentile(every, percentile)))


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _label(value_mm: float, unit: str) -> str:
    return f"{_number(value_mm)} {unit}"


def _diverging_shader(limit_mm: float, units_per_mm: float, unit: str) -> QgsColorRampShader:
    """Stops at -limit .. +limit mm in quarters, placed at value = mm * units_per_mm, labelled in mm."""
    n = len(DIVERGING)
    ramp = QgsColorRampShader(-limit_mm * units_per_mm, limit_mm * units_per_mm)
    ramp.setColorRampType(_INTERPOLATED)
    ramp.setClip(False)  # beyond the limit: the end colours
    items = []
    for i, colour in enumerate(DIVERGING):
        mm = -limit_mm + 2 * limit_mm * i / (n - 1)
        items.append(QgsColorRampShader.ColorRampItem(mm * units_per_mm, QColor(colour), _label(mm, unit)))
    ramp.setColorRampItemList(items)
    legend = ramp.legendSettings()
    if legend is not None:
        legend.setUseContinuousLegend(True)
        legend.setMinimumLabel(_label(-limit_mm, unit))
        legend.setMaximumLabel(_label(limit_mm, unit))
        ramp.setLegendSettings(legend)
    return ramp


def _apply_shader(layer: QgsRasterLayer, ramp: QgsColorRampShader, minimum: float, maximum: float):
    layer.dataProvider().setUseSourceNoDataValue(1, True)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(minimum)
    renderer.setClassificationMax(maximum)
    renderer.setNodataColor(QColor(0, 0, 0, 0))
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def velocity_limit_mm(layer: QgsRasterLayer) -> float:
    """The nice limit (mm/yr) of a velocity GeoTIFF in m/yr."""
    return robust_limit([raster_values(layer)], scale=1000.0)


def style_velocity(layer: QgsRasterLayer, limit_mm: Optional[float] = None) -> float:
    """Velocity GeoTIFF in m/yr, shown in mm/yr, symmetric around 0; returns the limit in mm/yr."""
    if limit_mm is None:
        limit_mm = velocity_limit_mm(layer)
    ramp = _diverging_shader(limit_mm, 1e-3, tr("mm/yr"))
    _apply_shader(layer, ramp, -limit_mm * 1e-3, limit_mm * 1e-3)
    return limit_mm


def displacement_limit_mm(layers: Iterable[QgsRasterLayer], mm_per_unit: float = 1000.0) -> float:
    """One limit (mm) for every date, so that the frames of an animation are comparable."""
    return robust_limit([raster_values(layer) for layer in layers], scale=mm_per_unit)


def style_displacement(layer: QgsRasterLayer, limit_mm: float, mm_per_unit: float = 1000.0) -> None:
    """A per-date displacement GeoTIFF (metres, or centimetres with mm_per_unit=10) shown in mm on the
    velocity's ramp, from -limit_mm to +limit_mm."""
    ramp = _diverging_shader(limit_mm, 1.0 / mm_per_unit, tr("mm"))
    _apply_shader(layer, ramp, -limit_mm / mm_per_unit, limit_mm / mm_per_unit)


# Classes up to (and including) each value: greys below the threshold, viridis above it.
COHERENCE_CLASSES = (
    (0.3, "#303030", "< 0.3"),
    (0.5, "#707070", "0.3 – 0.5"),
    (COHERENCE_THRESHOLD, "#b0b0b0", "0.5 – 0.7"),
    (0.8, "#31688e", "0.7 – 0.8"),
    (0.9, "#35b779", "0.8 – 0.9"),
    (math.inf, "#fde725", "0.9 – 1"),
)


def style_coherence(layer: QgsRasterLayer) -> None:
    """Temporal (or spatial) coherence 0–1: greys below the 0.7 threshold, viridis at and above it."""
    ramp = QgsColorRampShader(0.0, 1.0)
    ramp.setColorRampType(_DISCRETE)
    items = [QgsColorRampShader.ColorRampItem(v, QColor(c), label) for v, c, label in COHERENCE_CLASSES]
    items[2].label = tr("0.5 – 0.7 (below threshold)")
    ramp.setColorRampItemList(items)
    _apply_shader(layer, ramp, 0.0, 1.0)


def _graduated_symbol(colour: str) -> QgsMarkerSymbol:
    """A circle in the class colour with a darker rim; where the point is flagged low_quality (or the
    flag is missing) a hollow dark ring instead, whatever the class."""
    low = f'coalesce("{LOW_QUALITY_FIELD}", 1) = 1'
    symbol = QgsMarkerSymbol.createSimple(
        {"name": "circle", "size": "1.8", "color": colour, "outline_color": "#404040", "outline_width": "0.15"}
    )
    marker = symbol.symbolLayer(0)
    expressions = {
        "FillColor": f"if({low}, '0,0,0,0', @symbol_color)",
        "StrokeColor": f"if({low}, '{LOW_COHERENCE}', darker(@symbol_color, 140))",
        "StrokeWidth": f"if({low}, 0.35, 0.15)",
    }
    for name, expression in expressions.items():
        marker.setDataDefinedProperty(_symbol_property(name), QgsProperty.fromExpression(expression))
    return symbol


def style_points(layer: QgsVectorLayer, limit_mm: float, field: str = "velocity_mm_yr") -> None:
    """Points graduated by velocity (mm/yr) on the diverging ramp, open-ended beyond ±limit; points
    flagged low_quality drawn hollow."""
    n = len(DIVERGING)
    quarters = [limit_mm * q / 4 for q in (1, 2, 3, 4)]
    edges = [-q for q in reversed(quarters)] + quarters  # n classes: n - 1 edges, the middle one around 0
    bounds = [-1e12, *edges, 1e12]
    ramp = _diverging_shader(limit_mm, 1.0, "")
    ranges = []
    for i in range(n):
        low, high = bounds[i], bounds[i + 1]
        # the class colour is the raster's colour at the class centre (the ends: the end colours)
        centre = max(-limit_mm, min(limit_mm, (max(low, -limit_mm * 1.25) + min(high, limit_mm * 1.25)) / 2))
        _ok, r, g, b, a = ramp.shade(centre)
        colour = QColor(r, g, b, a).name()
        if i == 0:
            label = f"< {_label(high, tr('mm/yr'))}"
        elif i == n - 1:
            label = f"> {_label(low, tr('mm/yr'))}"
        else:
            label = f"{_number(low)} – {_label(high, tr('mm/yr'))}"
        ranges.append(QgsRendererRange(low, high, _graduated_symbol(colour), label))
    # Points without a velocity (MintPy found no solution) are flagged low_quality: drawn as hollow
    # rings in the neutral class rather than left out of every class and not drawn at all.
    renderer = QgsGraduatedSymbolRenderer(f'coalesce("{field}", 0)', ranges)
    renderer.setSourceSymbol(_graduated_symbol(NEUTRAL))
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def shade(layer: QgsRasterLayer, value: float) -> QColor:
    """The colour the layer's pseudocolour renderer gives `value` (in the raster's units)."""
    ok, r, g, b, a = layer.renderer().shader().rasterShaderFunction().shade(value)
    return QColor(r, g, b, a) if ok else QColor(0, 0, 0, 0)


__all__ = [
    "COHERENCE_THRESHOLD",
    "DIVERGING",
    "NEUTRAL",
    "SUBSIDENCE",
    "UPLIFT",
    "displacement_limit_mm",
    "nice_limit",
    "raster_array",
    "raster_values",
    "robust_limit",
    "shade",
    "style_coherence",
    "style_displacement",
    "style_points",
    "style_velocity",
    "velocity_limit_mm",
]
