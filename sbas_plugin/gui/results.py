"""Load a work folder's results into a QGIS project, styled: velocity (mm/yr), temporal coherence,
per-date displacement maps that the Temporal Controller animates, and points.gpkg itself, whose
points carry MintPy's quality (velocity, temporal coherence, low_quality...) as attributes, so the
layer stays whole when the project is saved and reopened.

Main thread only: it adds layers to the project and its layer tree."""

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Optional

from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsLayerTreeGroup,
    QgsProject,
    QgsRasterLayer,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.names import dated_geotiff_dates, dated_geotiff_unit
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.gui import styles
from sbas_plugin.i18n import tr

UNITS_MM = {"Meters": 1000.0, "Centimeters": 10.0}  # mm per unit of the per-date GeoTIFFs
VELOCITY_FIELD = "velocity_mm_yr"
COHERENCE_FIELD = "temporal_coherence"


@dataclass
class LoadedResults:
    group: QgsLayerTreeGroup
    velocity: Optional[QgsRasterLayer] = None
    coherence: Optional[QgsRasterLayer] = None
    displacement: list = field(default_factory=list)  # QgsRasterLayer per date, in date order
    dates: list = field(default_factory=list)  # datetime.date per displacement layer
    points: Optional[QgsVectorLayer] = None
    velocity_limit_mm: Optional[float] = None
    displacement_limit_mm: Optional[float] = None


def displacement_files(work_dir) -> list:
    """[(date, path, mm_per_unit)] of the per-date GeoTIFFs, in date order (Meters before Centimeters
    when a folder holds both)."""
    found = {}
    for unit in UNITS_MM:
        folder = WorkFolder(work_dir).displacement_maps(unit)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.tif")):
            dates, named_unit = dated_geotiff_dates(path.name), dated_geotiff_unit(path.name)
            if dates and named_unit:
                date = parse_date(dates[1])
                found.setdefault(date, (date, path, UNITS_MM[named_unit]))
    return [found[d] for d in sorted(found)]


def day_range(date: dt.date) -> QgsDateTimeRange:
    """That calendar day: [date 00:00, next day 00:00)."""
    start = QDateTime(QDate(date.year, date.month, date.day), QTime(0, 0, 0))
    return QgsDateTimeRange(start, start.addDays(1), True, False)


def _raster(path: Path, name: str) -> Optional[QgsRasterLayer]:
    if not path.is_file():
        return None
    layer = QgsRasterLayer(str(path), name, "gdal")
    return layer if layer.isValid() else None


def frame_step_days(dates: list) -> int:
    """The greatest common divisor of the dates' spacing (12 for a regular 12-day revisit)."""
    gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
    return max(1, reduce(math.gcd, gaps)) if gaps else 1


def _set_time_settings(project: QgsProject, dates: list) -> None:
    """Frames of one step (the dates' greatest common spacing), each centred on an acquisition day:
    the project's range runs from half a step before the first date to half a step after the last.
    Centred, no frame boundary falls on a date's midnight; QGIS 3.22's QgsDateTimeRange.overlaps()
    ignores an excluded end, so a frame ending at a date's midnight would also show that date."""
    step = frame_step_days(dates)
    half = step * 12 * 3600  # seconds
    begin = day_range(dates[0]).begin().addSecs(-half)
    end = day_range(dates[-1]).begin().addSecs(half)
    settings = project.timeSettings()
    settings.setTemporalRange(QgsDateTimeRange(begin, end))
    settings.setTimeStep(step)
    days = getattr(getattr(Qgis, "TemporalUnit", None), "Days", None)
    settings.setTimeStepUnit(days if days is not None else QgsUnitTypes.TemporalUnit.TemporalDays)


def load_results(work_dir, project: Optional[QgsProject] = None) -> LoadedResults:
    """Add the work folder's results to a group "SBAS <work name>" at the top of the layer tree:
    points (graduated by velocity, hollow where flagged low_quality), the per-date displacement maps in a
    collapsed sub-group (unchecked; tick it and use the Temporal Controller), velocity (mm/yr) and
    temporal coherence (unchecked). Missing files are skipped."""
    project = project or QgsProject.instance()
    work = Path(work_dir)
    geotiffs = WorkFolder(work).geotiffs
    root = project.layerTreeRoot()
    group = root.insertGroup(0, tr("SBAS {name}").format(name=work.resolve().name))
    result = LoadedResults(group)

    result.velocity = _raster(geotiffs / "velocity.tif", tr("Velocity (mm/yr)"))
    result.coherence = _raster(geotiffs / "TemporalCoherence.tif", tr("Temporal coherence"))
    if result.velocity is not None:
        result.velocity_limit_mm = styles.style_velocity(result.velocity)
    if result.coherence is not None:
        styles.style_coherence(result.coherence)

    points_path = WorkFolder(work).points_gpkg
    if points_path.is_file():
        layer = QgsVectorLayer(f"{points_path}|layername=points", tr("Points (velocity mm/yr)"), "ogr")
        if layer.isValid():
            # A work folder from before points.gpkg had the attributes: shown plain until sbas run reruns.
            if VELOCITY_FIELD in layer.fields().names():
                styles.style_points(layer, result.velocity_limit_mm or 1.0, VELOCITY_FIELD)
            result.points = layer
            _add(project, layer, group)

    _add_dated(
        project, result, group, displacement_files(work), tr("Displacement (mm)"), tr("Displacement {date} (mm)")
    )
    if result.velocity is not None:
        _add(project, result.velocity, group)
    if result.coherence is not None:
        _add(project, result.coherence, group, visible=False)
    group.setExpanded(True)
    return result


def _add(project: QgsProject, layer, parent, visible=True):
    project.addMapLayer(layer, False)
    node = parent.addLayer(layer)
    node.setItemVisibilityChecked(visible)
    node.setExpanded(False)
    return node


def _add_dated(project, result: LoadedResults, group, files: list, title: str, name: str) -> None:
    """Per-date maps [(date, path, mm_per_unit)] in a collapsed, unticked sub-group `title`, each layer
    `name` (with {date}) on its day for the Temporal Controller, styled on one scale."""
    if not files:
        return
    sub = group.addGroup(title)
    layers = []
    for date, path, mm_per_unit in files:
        layer = _raster(path, name.format(date=date.isoformat()))
        if layer is None:
            continue
        temporal = layer.temporalProperties()
        temporal.setIsActive(True)
        temporal.setMode(Qgis.RasterTemporalMode.FixedTemporalRange)
        temporal.setFixedTemporalRange(day_range(date))
        layers.append((layer, date, mm_per_unit))
    if layers:
        limit = styles.displacement_limit_mm([lyr for lyr, _, _ in layers], layers[0][2])
        for layer, _, mm_per_unit in layers:
            styles.style_displacement(layer, limit, mm_per_unit)
        for layer, _, _ in reversed(layers):  # the latest on top
            _add(project, layer, sub)
        result.displacement = [lyr for lyr, _, _ in layers]
        result.dates = [d for _, d, _ in layers]
        result.displacement_limit_mm = limit
        _set_time_settings(project, result.dates)
    sub.setItemVisibilityChecked(False)
    sub.setExpanded(False)


def load_decomposition(folder, project: Optional[QgsProject] = None) -> LoadedResults:
    """A decomposition folder's layers (sbas decompose) in a group "SBAS vertical <name>": its points graduated by
    vertical velocity, the per-date vertical maps (collapsed, unticked, for the Temporal Controller), vertical
    velocity (mm/yr) and east-west velocity (unticked)."""
    from sbas_plugin.core.results.decomposition import DecompositionFolder

    project = project or QgsProject.instance()
    folder = DecompositionFolder(folder)
    group = project.layerTreeRoot().insertGroup(0, tr("SBAS vertical {name}").format(name=folder.root.resolve().name))
    result = LoadedResults(group)
    result.velocity = _raster(folder.velocity("vertical"), tr("Vertical velocity (mm/yr, + up)"))
    east = _raster(folder.velocity("east"), tr("East-west velocity (mm/yr, + east)"))
    if result.velocity is not None:
        result.velocity_limit_mm = styles.style_velocity(result.velocity)
    if east is not None:
        styles.style_velocity(east, result.velocity_limit_mm)
    if folder.points_gpkg.is_file():
        layer = QgsVectorLayer(f"{folder.points_gpkg}|layername=points", tr("Points (vertical mm/yr)"), "ogr")
        if layer.isValid():
            styles.style_points(layer, result.velocity_limit_mm or 1.0, "vertical_mm_yr")
            result.points = layer
            _add(project, layer, group)
    files = []
    for path in sorted(folder.dated("vertical").glob("*.tif")):
        dates = dated_geotiff_dates(path.name)
        if dates:
            files.append((parse_date(dates[1]), path, UNITS_MM["Meters"]))
    _add_dated(project, result, group, files, tr("Vertical displacement (mm)"), tr("Vertical {date} (mm)"))
    if result.velocity is not None:
        _add(project, result.velocity, group)
    if east is not None:
        _add(project, east, group, visible=False)
    group.setExpanded(True)
    return result
