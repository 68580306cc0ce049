"""Clip: every layer of every product onto one identical grid inside the area of interest.

MintPy reads its inputs by pixel box with no georeferencing, so the clipped files must agree exactly
in CRS, origin, pixel size, rows and columns. The grid is the HyP3 pixel lattice of the stack's
majority UTM zone; the AOI's bounds are snapped outward to it, never shifted.

Each product keeps its own pair layers (phase, coherence, connected components): for a product on the lattice,
as a VRT window into the product's zip rather than a copy, so the clipped folder costs next to no disk. The VRT
keeps the `.tif` name because MintPy reads only .tif (and .grd, .cos) files through GDAL, and GDAL knows a VRT
by its content; MintPy 1.6.4 gives byte-identical results from either form (measured on the synthetic stack).
A product off the lattice is resampled into a real GeoTIFF. The geometry layers
(DEM, look vectors, water mask) describe the ground, not the pair, and MintPy reads them from the first
product only, so they are written once, into that product's folder: merged, each pixel from the first
product (by name, MintPy's order) whose look vector is valid there, since HyP3 leaves them 0 outside
the product's footprint and footprints move from date to date."""

import math
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from rasterio.warp import Resampling, reproject, transform_bounds
from rasterio.windows import Window

from sbas_plugin.core.aoi import read_aoi
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.pair_graph import Scene, largest_network

# MintPy stops in its network step on a single interferogram (two dates); two pairs over three dates run.
MIN_LINKED_DATES = 3
# Part of the clip step's signature: bump it when what the clipped folder holds changes.
CLIP_VERSION = "clip-3"  # 2: geometry once, merged; 3: pair layers as VRT windows
GEOMETRY_LAYERS = ("dem", "lv_theta", "lv_phi", "water_mask")


class ClipError(ValueError):
    """The products cannot be clipped to the area; the message says why and what to do."""


@dataclass(frozen=True)
class Lattice:
    epsg: int
    crs_wkt: str
    dx: float
    dy: float  # negative
    phase_x: float  # x0 modulo dx: every product of the lattice has its origin on it
    phase_y: float

    def snap(self, value: float, phase: float, step: float, outward_up: bool) -> float:
        index = (value - phase) / step
        # Tolerate float noise so a value already on the lattice stays where it is.
        nearest = round(index)
        index = nearest if abs(index - nearest) < 1e-6 else (math.ceil(index) if outward_up else math.floor(index))
        return phase + index * step

    def holds(self, grid: Grid) -> bool:
        return (
            grid.dx == self.dx
            and grid.dy == self.dy
            and abs(self.snap(grid.x0, self.phase_x, self.dx, False) - grid.x0) < 1e-6
            and abs(self.snap(grid.y0, self.phase_y, -self.dy, False) - grid.y0) < 1e-6
        )


@dataclass(frozen=True)
class Box:
    """xmin, ymin, xmax, ymax in the lattice CRS."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    def intersect(self, other: "Box") -> Optional["Box"]:
        box = Box(
            max(self.xmin, other.xmin),
            max(self.ymin, other.ymin),
            min(self.xmax, other.xmax),
            min(self.ymax, other.ymax),
        )
        return box if box.xmin < box.xmax and box.ymin < box.ymax else None

    @property
    def area(self) -> float:
        return (self.xmax - self.xmin) * (self.ymax - self.ymin)


@dataclass
class ClipPlan:
    lattice: Lattice
    grid: Grid  # the clipped grid every output file shares
    products: list  # Product, kept
    resampled: list  # names of products moved onto the lattice (other UTM zone or off-lattice)
    dropped: dict = field(default_factory=dict)  # name -> reason
    notes: list = field(default_factory=list)


def _grid_of(dataset) -> Grid:
    return Grid.from_gdal(dataset.transform.to_gdal(), dataset.width, dataset.height)


def _box_of(grid: Grid) -> Box:
    return Box(grid.x0, grid.y0 + grid.height * grid.dy, grid.x0 + grid.width * grid.dx, grid.y0)


def _headers(product) -> tuple:
    """(epsg, crs_wkt, grid) of the product, after checking that all its layers share them."""
    seen = {}
    for layer, path in product.layers.items():
        with rasterio.open(path) as dataset:
            if dataset.crs is None:
                raise ClipError(f"{product.name}: {layer} has no CRS")
            seen[layer] = (dataset.crs.to_epsg(), dataset.crs.to_wkt(), _grid_of(dataset))
    first = seen["unw_phase"]
    odd = [layer for layer, header in seen.items() if (header[0], header[2]) != (first[0], first[2])]
    if odd:
        raise ClipError(f"{product.name}: {', '.join(odd)} not on the grid of its unw_phase; the product is damaged")
    return first


def _lattice(headers: dict) -> Lattice:
    zones = Counter(epsg for epsg, _, _ in headers.values())
    epsg = max(sorted(zones), key=lambda zone: zones[zone])
    grids = [grid for zone, _, grid in headers.values() if zone == epsg]
    sizes = Counter((grid.dx, grid.dy) for grid in grids)
    if len(sizes) > 1:
        listed = ", ".join(f"{dx:g} m ({n} products)" for (dx, _), n in sizes.items())
        raise ClipError(f"the products mix pixel sizes: {listed}; use products of one looks setting (20x4 or 10x2)")
    ((dx, dy),) = sizes
    phases = Counter((grid.x0 % dx, grid.y0 % -dy) for grid in grids)
    (phase_x, phase_y), _ = phases.most_common(1)[0]
    crs_wkt = next(wkt for zone, wkt, _ in headers.values() if zone == epsg)
    return Lattice(epsg, crs_wkt, dx, dy, phase_x, phase_y)


def _footprint(lattice: Lattice, epsg: int, crs_wkt: str, grid: Grid) -> Box:
    """The product's extent in the lattice CRS; for a product off the lattice, the part of the lattice
    its resampled copy fully covers (snapped inward)."""
    box = _box_of(grid)
    if epsg == lattice.epsg and lattice.holds(grid):
        return box
    xmin, ymin, xmax, ymax = transform_bounds(
        crs_wkt, lattice.crs_wkt, box.xmin, box.ymin, box.xmax, box.ymax, densify_pts=51
    )
    return Box(
        lattice.snap(xmin, lattice.phase_x, lattice.dx, True),
        lattice.snap(ymin, lattice.phase_y, -lattice.dy, True),
        lattice.snap(xmax, lattice.phase_x, lattice.dx, False),
        lattice.snap(ymax, lattice.phase_y, -lattice.dy, False),
    )


def plan_clip(products: list, aoi: str, aoi_crs: Optional[str] = None) -> ClipPlan:
    """Decide the one grid: the AOI snapped outward to the lattice, within what every product covers."""
    if not products:
        raise ClipError("no products to clip")
    headers = {p.name: _headers(p) for p in products}
    lattice = _lattice(headers)
    polygons = read_aoi(aoi, lattice.crs_wkt, aoi_crs)
    xs = [x for polygon in polygons for ring in polygon[:1] for x, _ in ring]
    ys = [y for polygon in polygons for ring in polygon[:1] for _, y in ring]
    aoi_box = Box(
        lattice.snap(min(xs), lattice.phase_x, lattice.dx, False),
        lattice.snap(min(ys), lattice.phase_y, -lattice.dy, False),
        lattice.snap(max(xs), lattice.phase_x, lattice.dx, True),
        lattice.snap(max(ys), lattice.phase_y, -lattice.dy, True),
    )
    kept, resampled, dropped, common = [], [], {}, aoi_box
    limiting = []
    for product in products:
        epsg, crs_wkt, grid = headers[product.name]
        footprint = _footprint(lattice, epsg, crs_wkt, grid)
        if footprint.intersect(aoi_box) is None:
            dropped[product.name] = "does not reach the area of interest"
            continue
        narrower = common.intersect(footprint)
        if narrower is None:
            raise ClipError(
                f"{product.name} and the products before it have no area in common inside the area of interest; "
                "remove the products that cover another place"
            )
        if narrower != common:
            limiting.append(product.name)
        common = narrower
        kept.append(product)
        if not (epsg == lattice.epsg and lattice.holds(grid)):
            resampled.append(product.name)
    if not kept:
        raise ClipError(f"the area of interest lies outside every product (products are in EPSG:{lattice.epsg})")
    width = round((common.xmax - common.xmin) / lattice.dx)
    height = round((common.ymax - common.ymin) / -lattice.dy)
    plan = ClipPlan(lattice, Grid(common.xmin, common.ymax, lattice.dx, lattice.dy, width, height), kept, resampled)
    plan.dropped = dropped
    if common != aoi_box:
        share = 100.0 * common.area / aoi_box.area
        plan.notes.append(
            f"only {share:.0f} % of the area of interest lies inside every product's raster; clipped to that part "
            f"(limited by {', '.join(limiting[:3])}{' ...' if len(limiting) > 3 else ''})"
        )
    return plan


def _read_layer(source: str, plan: ClipPlan, on_lattice: bool) -> tuple:
    """(the layer on the clipped grid, its nodata value)."""
    grid = plan.grid
    with rasterio.open(source) as src:
        nodata = src.nodata if src.nodata is not None else 0
        if on_lattice:
            src_grid = _grid_of(src)
            col = round((grid.x0 - src_grid.x0) / grid.dx)
            row = round((grid.y0 - src_grid.y0) / grid.dy)
            return src.read(1, window=Window(col, row, grid.width, grid.height)), nodata
        data = np.full((grid.height, grid.width), nodata, dtype=src.dtypes[0])
        reproject(
            rasterio.band(src, 1),
            data,
            src_nodata=nodata,
            dst_transform=rasterio.Affine(grid.dx, 0, grid.x0, 0, grid.dy, grid.y0),
            dst_crs=plan.lattice.crs_wkt,
            dst_nodata=nodata,
            resampling=Resampling.nearest,  # no interpolation across wrapped or missing phase
        )
        return data, nodata


def _absolute(source: str) -> str:
    """The GDAL path with its file made absolute: a VRT reads its source from wherever it is opened."""
    prefix = "/vsizip/" if source.startswith("/vsizip/") else ""
    return prefix + os.path.abspath(source[len(prefix) :])


# numpy dtype -> GDAL's name for it, for the layers HyP3 writes (float32 rasters, a uint8 water mask)
GDAL_TYPES = {"float32": "Float32", "float64": "Float64", "uint8": "Byte", "int16": "Int16", "uint16": "UInt16"}


def _write_window(source: str, target: Path, plan: ClipPlan) -> None:
    """A VRT (named `target`) of the clipped grid's window into `source`, which lies on the lattice."""
    grid = plan.grid
    with rasterio.open(source) as src:
        src_grid, dtype, nodata = _grid_of(src), src.dtypes[0], src.nodata
    col = round((grid.x0 - src_grid.x0) / grid.dx)
    row = round((grid.y0 - src_grid.y0) / grid.dy)
    size = f'xSize="{grid.width}" ySize="{grid.height}"'
    nodata_line = f"<NoDataValue>{nodata!r}</NoDataValue>" if nodata is not None else ""
    target.write_text(
        f'<VRTDataset rasterXSize="{grid.width}" rasterYSize="{grid.height}">\n'
        f"  <SRS>{escape(plan.lattice.crs_wkt)}</SRS>\n"
        f"  <GeoTransform>{grid.x0!r}, {grid.dx!r}, 0, {grid.y0!r}, 0, {grid.dy!r}</GeoTransform>\n"
        f'  <VRTRasterBand dataType="{GDAL_TYPES[dtype]}" band="1">{nodata_line}\n'
        "    <SimpleSource>\n"
        f'      <SourceFilename relativeToVRT="0">{escape(_absolute(source))}</SourceFilename>\n'
        "      <SourceBand>1</SourceBand>\n"
        f'      <SrcRect xOff="{col}" yOff="{row}" {size}/>\n'
        f'      <DstRect xOff="0" yOff="0" {size}/>\n'
        "    </SimpleSource>\n"
        "  </VRTRasterBand>\n"
        "</VRTDataset>\n",
        encoding="utf-8",
    )


def _write(target: Path, data: np.ndarray, nodata, plan: ClipPlan) -> None:
    grid = plan.grid
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": data.dtype.name,
        "crs": plan.lattice.crs_wkt,
        "transform": rasterio.Affine(grid.dx, 0, grid.x0, 0, grid.dy, grid.y0),
        "nodata": nodata,
    }
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data, 1)


class _MergedGeometry:
    """The geometry layers filled pixel by pixel from the products in the order given: each pixel from
    the first product whose lv_theta (the look vector's elevation, never 0 where valid) is valid there."""

    def __init__(self):
        self.layers, self.filled = {}, None

    def add(self, product, plan: ClipPlan, on_lattice: bool) -> None:
        if self.filled is not None and self.filled.all():
            return  # every pixel has its geometry: the later products are not read
        theta, _ = _read_layer(product.layers["lv_theta"], plan, on_lattice)
        new = np.isfinite(theta) & (theta != 0)
        if self.filled is not None:
            new &= ~self.filled
        if not new.any():
            return
        for layer in GEOMETRY_LAYERS:
            if layer not in product.layers:
                continue
            data, nodata = _read_layer(product.layers[layer], plan, on_lattice)
            if layer not in self.layers:
                self.layers[layer] = (np.full_like(data, nodata), nodata)
            self.layers[layer][0][new] = data[new]
        self.filled = new if self.filled is None else self.filled | new

    def write(self, folder: Path, name: str, plan: ClipPlan) -> None:
        for layer, (data, nodata) in self.layers.items():
            _write(folder / f"{name}_{layer}.tif", data, nodata, plan)


def linked_dates(pairs: list) -> tuple:
    """(the dates of the largest part of the pair network, a note on the dates left out or None), from
    (date, date) pairs as YYYYMMDD. MintPy inverts a network in pieces with only a warning in its log,
    and every date past a gap is then off by an unknown offset. Ties keep the latest dates, as `sbas
    pairs` does. ClipError when fewer than MIN_LINKED_DATES dates are linked: MintPy cannot run."""
    scenes = {date: Scene(date, parse_date(date), None) for pair in pairs for date in pair}
    kept, _, lost = largest_network(list(scenes.values()), [(scenes[a], scenes[b]) for a, b in pairs])
    kept, lost = [s.name for s in kept], [s.name for s in lost]

    def bridged(before: str, after: str) -> bool:
        return any(min(pair) <= before and max(pair) >= after for pair in pairs)

    earlier, later = [d for d in lost if d < kept[0]], [d for d in lost if d > kept[-1]]
    gaps = [(earlier[-1], kept[0])] if earlier and not bridged(earlier[-1], kept[0]) else []
    gaps += [(kept[-1], later[0])] if later and not bridged(kept[-1], later[0]) else []
    where = "".join(f"no pair links {a} and earlier to {b} and later; " for a, b in gaps)
    if len(kept) < MIN_LINKED_DATES:
        raise ClipError(
            f"{where}the pairs link at most {len(kept)} dates together and MintPy needs {MIN_LINKED_DATES}: "
            "order HyP3 pairs that link each date to the next ones"
        )
    if not lost:
        return set(kept), None
    note = (
        f"{where}used the {len(kept)} dates linked together ({kept[0]} to {kept[-1]}) and dropped the "
        f"{len(lost)} dates no pair links to them ({', '.join(lost)}); order HyP3 pairs across the gap to use them"
    )
    return set(kept), note


def clip_products(
    plan: ClipPlan,
    out_dir,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> list:
    """Write `out_dir/<product>/<product>_<layer>.tif` and `<product>.txt` for every product with
    data inside the grid and in the largest part of the pair network; the others are dropped (recorded
    in plan.dropped, the network's gap in plan.notes). The folder is replaced whole, so a previous clip
    stays intact until this one is complete. Returns the names kept."""
    out_dir = Path(out_dir)
    partial = out_dir.with_name(out_dir.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        kept = _clip_into(plan, partial, progress, is_canceled)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(partial, out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return kept


def _clip_into(plan: ClipPlan, folder: Path, progress, is_canceled) -> list:
    kept = []
    geometry = _MergedGeometry()
    products = sorted(plan.products, key=lambda product: product.name)  # MintPy's order: its geometry's
    for done, product in enumerate(products):
        check_canceled(is_canceled)
        target = folder / product.name
        target.mkdir()
        on_lattice = product.name not in plan.resampled
        phase, nodata = _read_layer(product.layers["unw_phase"], plan, on_lattice)
        if not np.any(np.isfinite(phase) & (phase != 0)):
            plan.dropped[product.name] = "no data inside the area of interest"
            shutil.rmtree(target)
        else:
            for layer, source in product.layers.items():
                if layer in GEOMETRY_LAYERS:
                    continue
                path = target / f"{product.name}_{layer}.tif"
                if on_lattice:
                    _write_window(source, path, plan)
                else:
                    data = (phase, nodata) if layer == "unw_phase" else _read_layer(source, plan, on_lattice)
                    _write(path, *data, plan)
            geometry.add(product, plan, on_lattice)
            (target / f"{product.name}.txt").write_text(product.metadata, encoding="utf-8")
            kept.append(product)
        if progress:
            progress(100.0 * (done + 1) / len(products))
    if not kept:
        raise ClipError("no product has data inside the area of interest")
    dates, note = linked_dates([product.dates for product in kept])
    if note:
        plan.notes.append(note)
    for product in kept:
        if product.dates[0] not in dates:
            plan.dropped[product.name] = "on the far side of a gap in the pair network"
            shutil.rmtree(folder / product.name)
    names = [product.name for product in kept if product.dates[0] in dates]
    geometry.write(folder / names[0], names[0], plan)  # the first product's folder: where MintPy looks
    return names
