"""How far each point's result can be trusted, from MintPy's own quality files: temporal coherence,
average spatial coherence, how many interferograms the inversion used, velocity and its std.

SBAS results are only meaningful where temporal coherence is high (MintPy masks below 0.7 by
default, `mintpy.networkInversion.minTempCoh`); points below the threshold are flagged
(low_quality = 1), never dropped, so users see where not to trust the numbers."""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import h5py
import numpy as np

from sbas_plugin.core.results.mintpy_files import attributes, epsg_of, grid_of
from sbas_plugin.core.results.points import PointTable
from sbas_plugin.core.results.sampling import h5_values, points_on_grid
from sbas_plugin.core.workfolder import WorkFolder

DEFAULT_MIN_COHERENCE = 0.7
# attribute -> (MintPy file, dataset, scale to the attribute's unit)
SOURCES = {
    "temporal_coherence": ("temporalCoherence.h5", "temporalCoherence", 1.0),
    "avg_spatial_coherence": ("avgSpatialCoh.h5", "coherence", 1.0),
    "ifgs_used": ("numInvIfgram.h5", "mask", 1.0),
    "velocity_mm_yr": ("velocity.h5", "velocity", 1000.0),  # MintPy writes m/year
    "velocity_std_mm_yr": ("velocity.h5", "velocityStd", 1000.0),
}
QUALITY_FILES = sorted({file_name for file_name, _, _ in SOURCES.values()})  # the MintPy files read
COLUMNS = (*SOURCES, "low_quality", "min_coherence")  # as in points.gpkg and the long CSV


class QualityError(ValueError):
    """The quality cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class PointQuality:
    """Per point, in the points' order. Velocity and its std are NaN where MintPy found no solution
    (temporal coherence 0), as in the exported GeoTIFFs; everything is NaN (ifgs_used 0) off the grid."""

    fid: np.ndarray  # int64, the points' ids
    temporal_coherence: np.ndarray  # float32, 0-1
    avg_spatial_coherence: np.ndarray  # float32, 0-1
    ifgs_used: np.ndarray  # int32
    velocity_mm_yr: np.ndarray  # float32, line of sight, + towards the satellite
    velocity_std_mm_yr: np.ndarray  # float32
    min_coherence: float = DEFAULT_MIN_COHERENCE

    def __len__(self) -> int:
        return len(self.fid)

    @property
    def low_quality(self) -> np.ndarray:
        """1 where temporal coherence is below the threshold or unknown (NaN), else 0."""
        return (~(self.temporal_coherence >= self.min_coherence)).astype(np.uint8)

    def columns(self) -> dict:
        """COLUMNS -> one array each, for the points layer and the long CSV."""
        values = {name: getattr(self, name) for name in SOURCES}
        values["low_quality"] = self.low_quality
        values["min_coherence"] = np.full(len(self), self.min_coherence, dtype=np.float64)
        return values

    def summary(self) -> str:
        return low_quality_note(int(self.low_quality.sum()), len(self), self.min_coherence)

    def index_of(self, fid: int) -> Optional[int]:
        found = np.flatnonzero(self.fid == fid)
        return int(found[0]) if found.size else None


def low_quality_note(low: int, count: int, min_coherence: float) -> str:
    return f"{low} of {count} points below temporal coherence {min_coherence:g}: kept, flagged low_quality=1"


def _check_threshold(min_coherence: float) -> float:
    if not 0.0 <= min_coherence <= 1.0:
        raise QualityError(f"the temporal coherence threshold must be between 0 and 1, not {min_coherence}")
    return float(min_coherence)


def has_quality_files(mintpy_dir) -> bool:
    return all((Path(mintpy_dir) / name).is_file() for name, _, _ in SOURCES.values())


def read_point_quality(mintpy_dir, rows, cols, fid=None, min_coherence: float = DEFAULT_MIN_COHERENCE) -> PointQuality:
    """The quality at pixels (rows, cols) of MintPy's grid; a row or column of -1 marks a point off the
    grid. Only windows around the points are read, never whole rasters."""

    min_coherence = _check_threshold(min_coherence)
    mintpy_dir = Path(mintpy_dir)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    on_grid = (rows >= 0) & (cols >= 0)
    values, shape = {}, None
    for name, (file_name, dataset_name, scale) in SOURCES.items():
        path = mintpy_dir / file_name
        if not path.is_file():
            raise QualityError(
                f"{mintpy_dir}: no {file_name}; MintPy has not finished: rerun sbas run on the work folder"
            )
        with h5py.File(path, "r") as f:
            if dataset_name not in f:
                raise QualityError(f"{path}: no {dataset_name!r} dataset; is it MintPy's {file_name}?")
            dataset = f[dataset_name]
            if shape is None:
                shape = dataset.shape
                if np.any(rows[on_grid] >= shape[0]) or np.any(cols[on_grid] >= shape[1]):
                    raise QualityError(f"{path}: points fall outside its {shape[0]} x {shape[1]} pixels")
            elif dataset.shape != shape:
                raise QualityError(
                    f"{path} is not on the grid of {SOURCES['temporal_coherence'][0]}: is it of another run?"
                )
            column = np.full(len(rows), np.nan, dtype=np.float32)
            column[on_grid] = h5_values(dataset, rows[on_grid], cols[on_grid]) * np.float32(scale)
        values[name] = column
    unsolved = ~(values["temporal_coherence"] > 0)  # MintPy leaves 0 where it found no solution
    values["velocity_mm_yr"][unsolved] = np.nan
    values["velocity_std_mm_yr"][unsolved] = np.nan
    values["ifgs_used"] = np.nan_to_num(values["ifgs_used"]).round().astype(np.int32)
    fid = np.arange(1, len(rows) + 1, dtype=np.int64) if fid is None else np.asarray(fid, dtype=np.int64)
    return PointQuality(fid=fid, min_coherence=min_coherence, **values)


def point_quality(
    mintpy_dir, points: PointTable, points_crs: Optional[str] = None, min_coherence: float = DEFAULT_MIN_COHERENCE
) -> PointQuality:
    """The quality at points given by coordinates (in MintPy's CRS unless `points_crs` says otherwise)."""

    path = Path(mintpy_dir) / SOURCES["temporal_coherence"][0]
    if not path.is_file():
        raise QualityError(f"{mintpy_dir}: no {path.name}; MintPy has not finished: rerun sbas run on the work folder")
    attrs = attributes(path)
    try:
        grid, crs = grid_of(attrs), f"EPSG:{epsg_of(attrs)}"
    except KeyError as error:
        raise QualityError(f"{path}: not geocoded (no {error} attribute)") from error
    rows, cols, inside = points_on_grid(points, grid, crs, points_crs)
    all_rows, all_cols = np.full(len(points), -1, np.int64), np.full(len(points), -1, np.int64)
    all_rows[inside], all_cols[inside] = rows, cols
    return read_point_quality(mintpy_dir, all_rows, all_cols, points.fid, min_coherence)


def read_quality_gpkg(path, layer: Optional[str] = None) -> Optional[PointQuality]:
    """The quality attributes of a points layer as `sbas run` writes them (points.gpkg); None when the
    layer does not carry them (a work folder from before they were added)."""
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(path))
    source = dataset.GetLayerByName(layer) if layer else dataset.GetLayer(0)
    definition = source.GetLayerDefn()
    names = {definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())}
    if not set(COLUMNS) <= names:
        return None
    source.SetIgnoredFields([name for name in names if name not in COLUMNS] + ["OGR_GEOMETRY"])
    columns = {name: [] for name in ("fid", *COLUMNS)}
    for batch in source.GetArrowStreamAsNumPy(options=["USE_MASKED_ARRAYS=YES"]):
        columns["fid"].append(np.asarray(batch[source.GetFIDColumn()]))
        for name in COLUMNS:
            # NULL (NaN written by sbas run) comes back masked
            columns[name].append(np.ma.filled(np.ma.asarray(batch[name], dtype=np.float64), np.nan))
    if not columns["fid"]:
        return None
    values = {name: np.concatenate(parts) for name, parts in columns.items()}
    thresholds = values["min_coherence"][np.isfinite(values["min_coherence"])]
    return PointQuality(
        fid=values["fid"].astype(np.int64),
        temporal_coherence=values["temporal_coherence"].astype(np.float32),
        avg_spatial_coherence=values["avg_spatial_coherence"].astype(np.float32),
        ifgs_used=np.nan_to_num(values["ifgs_used"]).astype(np.int32),
        velocity_mm_yr=values["velocity_mm_yr"].astype(np.float32),
        velocity_std_mm_yr=values["velocity_std_mm_yr"].astype(np.float32),
        min_coherence=float(thresholds[0]) if thresholds.size else DEFAULT_MIN_COHERENCE,
    )


def work_quality(work, points: Optional[PointTable] = None) -> Optional[PointQuality]:
    """A work folder's point quality: the attributes of its points.gpkg, else read from its MintPy
    results at `points` (in MintPy's CRS); None when neither is there."""
    work = Path(work)
    gpkg = WorkFolder(work).points_gpkg
    if gpkg.is_file():
        quality = read_quality_gpkg(gpkg)
        if quality is not None:
            return quality
    mintpy_dir = WorkFolder(work).mintpy
    if points is not None and has_quality_files(mintpy_dir):
        return point_quality(mintpy_dir, points)
    return None
