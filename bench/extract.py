"""Sampling 60 per-date 1000 x 1000 displacement GeoTIFFs at 20,000 points: `sbas extract` against
reading whole bands, the seed notebook's per-point `sample` loop, an I/O floor and MintPy's HDF5, in one
run. By hand: .venv/bin/python bench/extract.py

Input, made in a temporary folder: 60 dates of random float32 maps (the first all zeros) on an 80 m
lattice in WGS 84 / UTM 54N, written twice, uncompressed tiled 256 x 256 (as our exporter writes them)
and uncompressed striped (rasterio's defaults, as OpenSARLab's exports are); the same values as a
MintPy-shaped timeseries.h5 (dataset created with chunks=True, no compression, as MintPy's writefile
does); 20,000 distinct random pixel centres as a fid,x,y CSV. Every figure is the best of several runs
with the files in the page cache. Measured:
- ours: the core call `read_geotiff_stack_series` (points to values, in this process), for the tiled
  and the striped stack; and `sbas extract --out Geotiff_value.csv` as a subprocess, the whole process
  with interpreter start-up and the CSV (1.2 million values) written, with its peak RSS;
- whole-band: rasterio opens each file, reads band 1 whole, indexes it with numpy;
- per-point: the seed notebook's loop, one rasterio `sample` call per point per file, timed on 2,000 of
  the points and extrapolated (x10) to 20,000;
- floors: the 4 bytes of each point read through a memory map of each file, at offsets worked out
  once (no header read, no checks: ours minus its bookkeeping); and every file's bytes copied from the
  page cache into one reused buffer (what any reader of whole files pays at least);
- HDF5: the core call `read_timeseries_h5_series` on the timeseries.h5 (and the temporalCoherence.h5
  beside it, read at the points).
The last line is the headline.
"""

import mmap
import subprocess
import sys
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

import h5py
import numpy as np
import rasterio
from osgeo import gdal
from rasterio.transform import from_origin

from sbas_plugin.core.results.extract import read_geotiff_stack_series, read_timeseries_h5_series
from sbas_plugin.core.results.points import PointTable, read_points_csv

SBAS = Path(sys.executable).parent / "sbas"
N_DATES, SIZE, N_POINTS, N_SAMPLED = 60, 1000, 20_000, 2_000
X0, Y0, PIXEL = 399_920.0, 3_900_080.0, 80.0


def report(line: str) -> None:
    print(line, flush=True)


def best(function, runs: int = 5) -> float:
    function()  # warm the page cache and the imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def make_inputs(folder: Path) -> tuple:
    """The stacks, the HDF5 and the points; returns (h5, its chunks, points CSV, the values at the points).
    Date by date, so that this process stays small (it is the parent of the `sbas extract` measured)."""
    rng = np.random.default_rng(0)
    dates = [f"{20200103 + i:08d}" for i in range(N_DATES)]  # names only need to sort
    pixels = rng.choice(SIZE * SIZE, N_POINTS, replace=False)
    rows, cols = pixels // SIZE, pixels % SIZE
    profile = dict(driver="GTiff", width=SIZE, height=SIZE, count=1, dtype="float32", crs="EPSG:32654")
    profile.update(transform=from_origin(X0, Y0, PIXEL, PIXEL), nodata=np.nan)
    layouts = {"tiled": dict(tiled=True, blockxsize=256, blockysize=256), "striped": {}}
    for name in layouts:
        (folder / name).mkdir()
    h5 = folder / "timeseries.h5"
    truth = np.empty((N_DATES, N_POINTS), dtype=np.float32)
    with h5py.File(h5, "w") as f:
        # As MintPy's writefile creates it: chunks=True, no compression.
        timeseries = f.create_dataset("timeseries", (N_DATES, SIZE, SIZE), "float32", chunks=True, compression=None)
        f.create_dataset("date", data=np.array(dates, dtype=np.bytes_))
        attrs = dict(X_FIRST=X0, Y_FIRST=Y0, X_STEP=PIXEL, Y_STEP=-PIXEL, WIDTH=SIZE, LENGTH=SIZE, EPSG=32654)
        f.attrs.update({key: str(value) for key, value in attrs.items()}, FILE_TYPE="timeseries", UNIT="m")
        for i, date in enumerate(dates):
            data = rng.normal(0, 0.02, (SIZE, SIZE)).astype(np.float32) if i else np.zeros((SIZE, SIZE), np.float32)
            for name, layout in layouts.items():
                path = folder / name / f"{dates[0]}_{date}_timeseries_demErr_Meters_unwrapped.tif"
                with rasterio.open(path, "w", **profile, **layout) as out:
                    out.write(data, 1)
            timeseries[i] = data
            truth[i] = data[rows, cols]
        chunks = timeseries.chunks
    with h5py.File(folder / "temporalCoherence.h5", "w") as f:  # beside it, as in a MintPy work folder
        f.create_dataset("temporalCoherence", data=np.ones((SIZE, SIZE), dtype=np.float32), chunks=True)
    points_csv = folder / "points.csv"
    lines = [
        f"{i},{X0 + (c + 0.5) * PIXEL!r},{Y0 - (r + 0.5) * PIXEL!r}"
        for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()), 1)  # Python numbers: numpy 2's repr differs
    ]
    points_csv.write_text("fid,x,y\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return h5, chunks, points_csv, truth


def whole_bands(folder: Path, points: PointTable) -> np.ndarray:
    # Pixel indices with numpy, once: rasterio's src.index loops in Python (~30 ms per 20,000 points).
    rows = np.floor((points.y - Y0) / -PIXEL).astype(np.int64)
    cols = np.floor((points.x - X0) / PIXEL).astype(np.int64)
    paths = sorted(folder.glob("*.tif"))
    values = np.empty((len(paths), len(points)), dtype=np.float32)
    for i, path in enumerate(paths):
        with rasterio.open(path) as src:
            values[i] = src.read(1)[rows, cols]
    return values


def per_point_samples(folder: Path, points: PointTable) -> None:
    for path in sorted(folder.glob("*.tif")):
        with rasterio.open(path) as src:
            for x, y in zip(points.x.tolist(), points.y.tolist()):
                next(src.sample([(x, y)]))[0]


def needed_bytes(folder: Path, points: PointTable) -> np.ndarray:
    """Only the 4 bytes of each point, at offsets worked out once from the first file's blocks (as GDAL
    reports them; every file was written alike): what is left when no file's header is read."""
    paths = sorted(folder.glob("*.tif"))
    dataset = gdal.Open(str(paths[0]))  # kept: a band outliving its dataset crashes GDAL 3.6
    band = dataset.GetRasterBand(1)
    block_cols, block_rows = band.GetBlockSize()
    rows = np.floor((points.y - Y0) / -PIXEL).astype(np.int64)
    cols = np.floor((points.x - X0) / PIXEL).astype(np.int64)
    blocks = {
        (r, c): int(band.GetMetadataItem(f"BLOCK_OFFSET_{c}_{r}", "TIFF"))
        for r in range(-(-SIZE // block_rows))
        for c in range(-(-SIZE // block_cols))
    }
    block_offsets = np.array(
        [blocks[(r, c)] for r, c in zip((rows // block_rows).tolist(), (cols // block_cols).tolist())]
    )
    items = (block_offsets + ((rows % block_rows) * block_cols + cols % block_cols) * 4) // 4
    values = np.empty((len(paths), len(points)), dtype=np.float32)
    for i, path in enumerate(paths):
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            floats = np.frombuffer(data, "<f4", count=len(data) // 4)
            values[i] = floats[items]
            del floats
    return values


def page_cache_copy(folder: Path) -> None:
    buffer = bytearray(32 << 20)
    for path in sorted(folder.glob("*.tif")):
        with open(path, "rb", buffering=0) as file:
            while file.readinto(buffer):
                pass


def sbas_extract(command: list) -> float:
    """Peak RSS (MB) of one `sbas extract` run, as GNU time measures it: the child's own, not the
    parent's memory that a fork shares (which RUSAGE_CHILDREN would count)."""
    timed = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True, capture_output=True, text=True)
    return int(timed.stderr.strip().splitlines()[-1]) / 1024


# The whole-band approach as a whole process, written the way the Colab notebook users ran writes it:
# pandas for the points and for Geotiff_value.csv, rasterio for the bands.
NAIVE_SCRIPT = """
import sys, glob, os
import numpy as np, pandas as pd, rasterio
folder, points_csv, out = sys.argv[1:]
points = pd.read_csv(points_csv)
rows = {}
for path in sorted(glob.glob(os.path.join(folder, "*.tif"))):
    with rasterio.open(path) as src:
        band = src.read(1)
        x0, y0, dx, dy = src.transform.c, src.transform.f, src.transform.a, src.transform.e
    r = ((points.y.values - y0) // dy).astype(int)
    c = ((points.x.values - x0) // dx).astype(int)
    name = os.path.basename(path).split("_")
    rows[name[0] + "_" + name[1]] = band[r, c]
table = pd.DataFrame.from_dict(rows, orient="index", columns=[f"{f}_value" for f in points.fid])
table.to_csv(out, index_label="Date")
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sbas-bench-extract-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        h5, chunks, points_csv, truth = make_inputs(folder)
        made = time.perf_counter() - start
        report(
            f"inputs: {N_DATES} x {SIZE} x {SIZE} float32 maps, tiled, striped and HDF5 chunks {chunks}, "
            f"{N_POINTS} points; made in {made:.1f} s"
        )
        points = read_points_csv(points_csv)
        for layout in ("tiled", "striped"):
            assert np.array_equal(read_geotiff_stack_series(folder / layout, points).values, truth)
            assert np.array_equal(whole_bands(folder / layout, points), truth)
        assert np.array_equal(read_timeseries_h5_series(h5, points).values, truth)

        ours, whole = {}, {}
        for layout in ("tiled", "striped"):
            ours[layout] = best(partial(read_geotiff_stack_series, folder / layout, points))
            whole[layout] = best(partial(whole_bands, folder / layout, points))
            report(
                f"{layout}: ours (core call) {ours[layout]:.3f} s, whole-band reads {whole[layout]:.3f} s "
                f"({whole[layout] / ours[layout]:.1f}x)"
            )
        assert np.array_equal(needed_bytes(folder / "tiled", points), truth)
        floor = best(partial(needed_bytes, folder / "tiled", points))
        copy = best(partial(page_cache_copy, folder / "tiled"))
        report(
            f"floor: the needed bytes of the {N_DATES} tiled files through memory maps {floor:.3f} s; "
            f"copying the files whole from the page cache {copy:.3f} s"
        )
        from_h5 = best(partial(read_timeseries_h5_series, h5, points))
        report(f"HDF5: ours (core call) {from_h5:.3f} s")
        tracemalloc.start()
        read_geotiff_stack_series(folder / "tiled", points)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        report(f"ours, tiled: Python allocations peak {traced:.1f} MB (the values: {truth.nbytes / 2**20:.1f} MB)")

        out = folder / "Geotiff_value.csv"
        command = [str(SBAS), "extract", "--geotiffs", str(folder / "tiled"), "--points", str(points_csv)]
        command += ["--out", str(out)]
        whole_process = best(partial(subprocess.run, command, check=True, capture_output=True), runs=3)
        peak_rss = sbas_extract(command)
        lines = out.read_text().splitlines()
        assert len(lines) == N_DATES + 1 and lines[0].startswith("Date,1_value,2_value,")
        report(
            f"ours, whole process (sbas extract: start-up, {N_DATES * N_POINTS} values to a "
            f"{out.stat().st_size / 2**20:.1f} MB CSV): {whole_process:.2f} s, peak RSS {peak_rss:.0f} MB"
        )

        naive_out = folder / "naive.csv"
        naive_command = [sys.executable, "-c", NAIVE_SCRIPT, str(folder / "tiled"), str(points_csv), str(naive_out)]
        naive_process = best(partial(subprocess.run, naive_command, check=True, capture_output=True), runs=3)
        report(
            f"whole-band, whole process (python, pandas CSV in and out): {naive_process:.2f} s; "
            f"ours {naive_process / whole_process:.1f}x faster"
        )

        sampled = PointTable(points.fid[:N_SAMPLED], points.x[:N_SAMPLED], points.y[:N_SAMPLED])
        start = time.perf_counter()
        per_point_samples(folder / "tiled", sampled)
        measured = time.perf_counter() - start
        per_point = measured * N_POINTS / N_SAMPLED
        report(f"per-point sample loop: {measured:.1f} s for {N_SAMPLED} points, est. {per_point:.0f} s for {N_POINTS}")

        report(
            f"extract {N_DATES}x{SIZE}x{SIZE} {N_POINTS} points: {ours['tiled']:.3f} s core call, tiled "
            f"(whole-band {whole['tiled']:.3f} s, {whole['tiled'] / ours['tiled']:.1f}x faster; per-point "
            f"sample loop est. {per_point:.0f} s, {per_point / ours['tiled']:.0f}x faster; whole process with "
            f"CSV {whole_process:.2f} s vs whole-band process {naive_process:.2f} s, "
            f"{naive_process / whole_process:.1f}x); striped {ours['striped']:.3f} s vs {whole['striped']:.3f} s; "
            f"HDF5 {from_h5:.3f} s; floor {floor:.3f} s; peak RSS {peak_rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
