"""`sbas decompose` on a large pair of tracks against MintPy's own asc_desc2horz_vert.py run date by date, as a
skilled user would get the same per-date vertical and east maps, in one run. By hand:
.venv/bin/python bench/decompose.py --work /var/tmp/sbas-scale/1000/work

Input: one finished work folder (bench/scale.py's, 1000 x 1000 px, 61 dates) used as both tracks. The
"descending" track is the folder as it is; the "ascending" one is its GeoTIFFs and its MintPy time series with
a geometryGeo.h5 whose azimuth is mirrored (-azimuth: an ascending pass's look). Same dates in both, so the
baseline needs no interpolation; the numbers are not a real scene, the work is (every pixel, every date).
Measured:
- ours: `sbas decompose --work A --work D --out OUT`, the whole process (wall time and peak RSS by GNU time):
  per-date vertical and east GeoTIFFs, velocity maps, vertical_points.gpkg and both wide CSVs;
- baseline: what a skilled user writes in one Python process (MintPy's asc_desc2horz_vert.py refuses time-series
  files and save_gdal.py drops the reference attributes it needs): MintPy's own `asc_desc2horz_vert()` per date on
  the date read from both tracks' time series with MintPy's readfile, the geometry read once, up and east written
  as GeoTIFFs with rasterio; the whole process, by GNU time. It writes no points, CSV or velocity: a floor for
  the per-date maps.
The last line is the headline.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

from sbas_plugin.core.results.mintpy_files import dates_of, find_timeseries
from sbas_plugin.core.workfolder import WorkFolder

BIN = Path(sys.executable).parent


def make_tracks(work: Path, root: Path) -> tuple:
    """(ascending, descending) work folders holding what the decomposition and the baseline read."""
    tracks = []
    series = find_timeseries(WorkFolder(work).mintpy)
    for name in ("ascending", "descending"):
        track = root / name
        if not (track / "mintpy" / "inputs" / "geometryGeo.h5").is_file():
            shutil.rmtree(track, ignore_errors=True)
            (track / "mintpy" / "inputs").mkdir(parents=True)
            shutil.copytree(WorkFolder(work).geotiffs, WorkFolder(track).geotiffs, copy_function=_link)
            _link(series, track / "mintpy" / "timeseries.h5")
            geometry = track / "mintpy" / "inputs" / "geometryGeo.h5"
            shutil.copy2(WorkFolder(work).mintpy / "inputs" / "geometryGeo.h5", geometry)
            if name == "ascending":
                with h5py.File(geometry, "r+") as f:
                    f["azimuthAngle"][...] = -f["azimuthAngle"][()]
        tracks.append(track)
    return tuple(tracks)


def _link(source, target) -> None:
    Path(target).hardlink_to(source)


def timed(command: list) -> tuple:
    """(wall seconds, peak RSS MB) of a process, by GNU time."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True, capture_output=True, text=True)
    return time.monotonic() - start, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/sbas-scale/1000/work"))
    parser.add_argument("--root", type=Path, default=Path("/var/tmp/sbas-decompose"))
    parser.add_argument("--baseline", nargs=3, type=Path, metavar=("ASC", "DESC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(*args.baseline)
        return
    ascending, descending = make_tracks(args.work, args.root)
    out = args.root / "decomposition"
    shutil.rmtree(out, ignore_errors=True)
    ours, ours_mb = timed(
        [str(BIN / "sbas"), "decompose", "--work", str(ascending), "--work", str(descending), "--out", str(out)]
    )
    dates = dates_of(ascending / "mintpy" / "timeseries.h5")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e9
    print(f"ours: {ours:.1f} s, peak RSS {ours_mb:.0f} MB, {len(dates)} dates, output {size:.2f} GB")

    baseline_dir = args.root / "baseline"
    shutil.rmtree(baseline_dir, ignore_errors=True)
    baseline_dir.mkdir()
    command = [sys.executable, __file__, "--baseline", str(ascending), str(descending), str(baseline_dir)]
    mintpy_s, baseline_mb = timed(command)
    import rasterio

    date = dates[len(dates) // 2]
    mine = rasterio.open(out / "vertical" / f"{dates[0]}_{date}_vertical_Meters.tif").read(1)
    theirs = rasterio.open(baseline_dir / f"{date}_up.tif").read(1)
    # Referred differently (ours to a common pixel, MintPy's series to its own): compare after the datum.
    difference = theirs - mine
    gap = np.nanmax(np.abs(difference - np.nanmedian(difference))) * 1000
    print(
        f"baseline: {mintpy_s:.1f} s, peak RSS {baseline_mb:.0f} MB; at {date} vertical |ours - MintPy| <= {gap:.3f} mm"
    )
    print(
        f"decompose {len(dates)} dates at {mine.shape[1]} x {mine.shape[0]} px: ours {ours:.1f} s, "
        f"peak {ours_mb:.0f} MB; "
        f"MintPy's asc_desc2horz_vert per date {mintpy_s:.1f} s, peak {baseline_mb:.0f} MB ({mintpy_s / ours:.1f}x)"
    )


def baseline(ascending: Path, descending: Path, out: Path) -> None:
    """What a skilled user writes: MintPy's own asc_desc2horz_vert() per date, on each date read from both
    tracks' time series with MintPy's readfile, the geometry read once, each date's up and east written as a
    GeoTIFF with rasterio (MintPy's command refuses time-series files, and save_gdal drops the reference)."""
    import rasterio
    from mintpy.asc_desc2horz_vert import asc_desc2horz_vert
    from mintpy.utils import readfile

    from sbas_plugin.core.results.geotiffs import geotiff_profile
    from sbas_plugin.core.results.mintpy_files import attributes, epsg_of, grid_of

    files = [t / "mintpy" / "timeseries.h5" for t in (ascending, descending)]
    geometry = [t / "mintpy" / "inputs" / "geometryGeo.h5" for t in (ascending, descending)]
    incidence = np.stack([readfile.read(str(g), datasetName="incidenceAngle")[0] for g in geometry])
    azimuth = np.stack([readfile.read(str(g), datasetName="azimuthAngle")[0] for g in geometry])
    attrs = attributes(files[0])
    profile = geotiff_profile(grid_of(attrs), f"EPSG:{epsg_of(attrs)}")
    for date in dates_of(files[0]):
        dlos = np.stack([readfile.read(str(f), datasetName=date)[0] for f in files])
        horizontal, vertical = asc_desc2horz_vert(dlos, incidence, azimuth)
        for name, data in (("up", vertical), ("east", horizontal)):
            with rasterio.open(out / f"{date}_{name}.tif", "w", **profile) as target:
                target.write(data.astype(np.float32), 1)


if __name__ == "__main__":
    main()
