"""sbas decompose end to end: one realistic world (atmosphere, DEM error, ramps, coherence-driven noise, unwrapping
errors, moving swaths) seen from an ascending and a descending pass, each run through the pipeline with MintPy,
then decomposed; scored against the world's ground motion, checked against MintPy's own asc_desc2horz_vert.py run
on the same inputs, and for its lattice, reference, reruns and bad input."""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import rasterio

from sbas_plugin.core.results.decompose import los_unit_east_up
from sbas_plugin.core.results.decomposition import (
    COMPONENTS,
    DecompositionError,
    decompose_work_folders,
    is_decomposition,
    read_track,
)
from sbas_plugin.core.results.gpkg import read_points_gpkg
from sbas_plugin.core.results.wide_table import read_wide_table
from sbas_plugin.core.simulate.demo import run_two_track_demo
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth
from sbas_plugin.core.simulate.scoring import score_arrays, score_work, surroundings_of
from sbas_plugin.core.workfolder import WorkFolder

TRACKS = ("ascending", "descending")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_two_track_demo(tmp_path_factory.mktemp("two_tracks"))


def _truths(demo):
    return {t: read_truth(demo.runs[t].work.parent / "products" / TRUTH_NAME) for t in TRACKS}


def _propagated_mm(demo, track_rms_mm):
    """What each track's own line-of-sight error becomes in up and east at the scene's centre geometry."""
    units = {}
    for track in TRACKS:
        with h5py.File(WorkFolder(demo.runs[track].work).mintpy / "inputs" / "geometryGeo.h5", "r") as f:
            incidence, azimuth = f["incidenceAngle"][()], f["azimuthAngle"][()]
        centre = np.s_[incidence.shape[0] // 2, incidence.shape[1] // 2]
        units[track] = los_unit_east_up(incidence[centre], azimuth[centre])
    design = np.array([units["ascending"], units["descending"]])  # rows: tracks; columns: east, up
    inverse = np.linalg.inv(design)  # east, up from the two lines of sight
    sigma = np.array([track_rms_mm["ascending"], track_rms_mm["descending"]])
    east, up = np.sqrt((inverse**2) @ sigma**2)
    return {"east": east, "vertical": up}


def test_recovers_vertical_and_east_within_the_tracks_noise(demo):
    truths = _truths(demo)
    track_rms = {t: score_work(demo.runs[t].work, truths[t]).rms_mm for t in TRACKS}
    expected = _propagated_mm(demo, track_rms)
    scores = demo.scores
    for component in COMPONENTS:
        score = scores[component]
        about = (component, score.lines(), f"propagated {expected[component]:.2f} mm from LOS {track_rms}")
        assert score.points > 2000 and score.no_truth == 0, about
        # Interpolating a track between its dates averages its independent noise: no worse than propagated.
        assert score.rms_mm <= 1.1 * expected[component], about
    # The motion is there to be found: the landslide's 80 mm/yr east and the block's 60 mm/yr subsidence,
    # relative to their surroundings, within the noise.
    assert scores["east"].area_rms_mm["landslide"] < expected["east"]
    assert scores["vertical"].area_rms_mm["block"] < expected["vertical"]


def _score_values(demo, truths, component, values):
    """score_decomposition's arithmetic on other values at the same points and dates."""
    from sbas_plugin.core.dates import parse_date
    from sbas_plugin.core.simulate.realistic import ground_motion

    folder = demo.decomposition.folder
    points, _ = read_points_gpkg(folder.points_gpkg)
    asc, desc = truths["ascending"], truths["descending"]
    rows, cols, _ = asc.grid.pixel_of(points.x, points.y)
    table = read_wide_table(folder.values_csv(component))
    dates = [parse_date(label.split("_")[1]) for label in table.labels]
    motion = [ground_motion(asc.ground, asc.step_date, d)[1 if component == "vertical" else 0] for d in dates]
    expected = np.array([m[rows, cols] for m in motion])
    years = np.array([(d - dates[0]).days / 365.25 for d in dates])
    areas = {name: mask[rows, cols] for name, mask in asc.areas.items()}
    rings = {name: surroundings_of(mask)[rows, cols] for name, mask in asc.areas.items()}
    has_truth = asc.has_truth[rows, cols] & desc.has_truth[rows, cols]
    return score_arrays(values(table.values, points), expected - expected[0], years, has_truth, areas, rings), table


def test_the_accuracy_check_fails_on_a_null_scaled_flipped_or_shifted_result(demo):
    truths = _truths(demo)
    grid = demo.decomposition.grid

    def shifted(values, points):  # each point takes the value of the pixel one to its east
        index = {(round(x, 3), round(y, 3)): n for n, (x, y) in enumerate(zip(points.x, points.y))}
        out = np.full_like(values, np.nan)
        for n, (x, y) in enumerate(zip(points.x, points.y)):
            east = index.get((round(x + grid.dx, 3), round(y, 3)))
            if east is not None:
                out[:, n] = values[:, east]
        return out

    wrong = {
        "null": lambda values, points: np.zeros_like(values),
        "scaled": lambda values, points: 2.0 * values,
        "flipped": lambda values, points: -values,
        "shifted": shifted,
    }
    for component, area in (("east", "landslide"), ("vertical", "block"), ("vertical", "landslide")):
        right, _ = _score_values(demo, truths, component, lambda values, points: values)
        assert right.area_rms_mm[area] == pytest.approx(demo.scores[component].area_rms_mm[area])
        for name, make in wrong.items():
            score, _ = _score_values(demo, truths, component, make)
            about = (component, name, area, score.area_rms_mm[area], "against", right.area_rms_mm[area])
            assert score.area_rms_mm[area] > 1.5 * right.area_rms_mm[area], about


def _series_on_common_dates(work, dates):
    """A track's exported series at the decomposition's dates, by numpy.interp: a second implementation."""
    maps = WorkFolder(work).displacement_maps("Meters")
    files = sorted(maps.glob("*.tif"), key=lambda p: p.name.split("_")[1])
    own = np.array([np.datetime64(f"{p.name[9:13]}-{p.name[13:15]}-{p.name[15:17]}") for p in files])
    stack = np.array([rasterio.open(p).read(1) for p in files], dtype=np.float64)
    wanted = np.array([np.datetime64(f"{d[:4]}-{d[4:6]}-{d[6:]}") for d in dates])
    days, at = (own - own[0]).astype(float), (wanted - own[0]).astype(float)
    flat = stack.reshape(len(files), -1)
    out = np.array([np.interp(at, days, flat[:, n]) for n in range(flat.shape[1])]).T
    return out.reshape((len(dates), *stack.shape[1:]))


def _write_velocity(path, source_attrs, velocity, ref_row, ref_col):
    attrs = dict(source_attrs)
    attrs.update(FILE_TYPE="velocity", REF_Y=str(ref_row), REF_X=str(ref_col))
    x0, y0 = float(attrs["X_FIRST"]), float(attrs["Y_FIRST"])
    attrs["REF_LON"] = str(x0 + (ref_col + 0.5) * float(attrs["X_STEP"]))
    attrs["REF_LAT"] = str(y0 + (ref_row + 0.5) * float(attrs["Y_STEP"]))
    with h5py.File(path, "w") as f:
        f.create_dataset("velocity", data=velocity.astype(np.float32))
        for key, value in attrs.items():
            f.attrs[key] = value


def test_the_same_velocities_as_mintpys_asc_desc2horz_vert_run_on_the_same_inputs(demo, tmp_path):
    """Each track's line-of-sight velocity over the decomposition's dates, referred to its reference pixel,
    decomposed by MintPy's script with the tracks' geometryGeo.h5: our vertical.tif and east.tif to 0.1 mm/yr."""
    decomposition = demo.decomposition
    grid = decomposition.grid
    dates = decomposition.dates
    years = np.array(
        [
            (
                np.datetime64(f"{d[:4]}-{d[4:6]}-{d[6:]}")
                - np.datetime64(f"{dates[0][:4]}-{dates[0][4:6]}-{dates[0][6:]}")
            ).astype(float)
            / 365.25
            for d in dates
        ]
    )
    inputs, complete = [], np.ones((grid.height, grid.width), bool)
    for track in TRACKS:
        work = WorkFolder(demo.runs[track].work)
        with h5py.File(work.mintpy / "velocity.h5", "r") as f:
            attrs = dict(f.attrs)
        track_grid = read_track(work.root).grid
        assert (track_grid.x0, track_grid.y0, track_grid.dx) == (grid.x0, grid.y0, grid.dx)  # one lattice here
        series = _series_on_common_dates(work.root, dates)
        ref_col, ref_row = (np.array(decomposition.reference) - (grid.x0, grid.y0)) / (grid.dx, grid.dy) - 0.5
        ref_row, ref_col = round(ref_row), round(ref_col)
        series -= series[:, ref_row : ref_row + 1, ref_col : ref_col + 1]
        complete &= np.isfinite(series).all(axis=0)
        centred = years - years.mean()
        velocity = np.tensordot(centred, series, axes=(0, 0)) / (centred @ centred)
        path = tmp_path / f"velocity_{track}.h5"
        _write_velocity(path, attrs, velocity, ref_row, ref_col)
        inputs.append((path, work.mintpy / "inputs" / "geometryGeo.h5"))
    script = Path(sys.executable).with_name("asc_desc2horz_vert.py")
    command = [sys.executable, str(script), str(inputs[0][0]), str(inputs[1][0])]
    command += ["-g", str(inputs[0][1]), str(inputs[1][1]), "-o", str(tmp_path / "hz.h5"), str(tmp_path / "up.h5")]
    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path)
    for component, name in (("vertical", "up.h5"), ("east", "hz.h5")):
        with h5py.File(tmp_path / name, "r") as f:
            mintpy = f[next(iter(f.keys()))][()] * 1000.0  # m/yr -> mm/yr
        ours = rasterio.open(decomposition.folder.velocity(component)).read(1)
        both = complete & np.isfinite(ours) & np.isfinite(mintpy)
        assert both.sum() > 2000
        difference = np.abs(ours[both] - mintpy[both])
        assert difference.max() < 0.1, (component, difference.max(), both.sum())


def _tifs(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.tif"))}


def test_a_rerun_does_nothing_and_a_changed_option_equals_a_fresh_run(demo, tmp_path):
    decomposition = demo.decomposition
    works = [demo.runs[t].work for t in TRACKS]
    assert is_decomposition(decomposition.folder.root) and not is_decomposition(works[0])
    again = decompose_work_folders(works[::-1], decomposition.folder.root)  # either order
    assert again.skipped and again.files == decomposition.files and again.reference == decomposition.reference
    manifest = json.loads(decomposition.folder.manifest.read_text(encoding="utf-8"))["steps"]["decompose"]
    assert manifest["crs"] == "EPSG:32654" and manifest["resampled"] == {"ascending": False, "descending": False}
    assert manifest["dates"] == decomposition.dates and "interpolated linearly" in manifest["dates_rule"]

    # Another reference pixel in the same folder gives exactly what a fresh folder with it gives.
    changed = tmp_path / "changed"
    shutil.copytree(decomposition.folder.root, changed)
    point = (decomposition.grid.centre_x(20), decomposition.grid.centre_y(40))
    rerun = decompose_work_folders(works, changed, reference=point)
    fresh = decompose_work_folders(works, tmp_path / "fresh", reference=point)
    assert not rerun.skipped and rerun.reference == fresh.reference == point
    assert _tifs(changed) == _tifs(tmp_path / "fresh")
    for component in COMPONENTS:
        assert changed.joinpath(f"Geotiff_value_{component}.csv").read_bytes() == (
            fresh.folder.values_csv(component).read_bytes()
        )
    # Referred to another pixel, the maps move by that pixel's own motion and nothing else.
    before = rasterio.open(decomposition.folder.velocity("vertical")).read(1)
    after = rasterio.open(fresh.folder.velocity("vertical")).read(1)
    offset = np.nanmedian(after - before)
    assert np.nanmax(np.abs(after - before - offset)) < 2.0  # mm/yr: the geometry varies a little across the scene


def _copy_work(source: Path, target: Path) -> Path:
    """The files a decomposition reads from a work folder."""
    for relative in ("GeoTiffs", "mintpy/inputs/geometryGeo.h5"):
        path = source / relative
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, target / relative)
        else:
            shutil.copy2(path, target / relative)
    return target


def _regrid_work(work: Path, transform_array) -> None:
    """Rewrite every raster of a copied work folder with transform_array(data, transform, crs) ->
    (data, transform, crs), the geometry's attributes following."""
    for path in work.rglob("*.tif"):
        with rasterio.open(path) as source:
            profile, data = source.profile, source.read(1)
            data, transform, crs = transform_array(data, source.transform, source.crs)
        profile.update(transform=transform, crs=crs, width=data.shape[1], height=data.shape[0])
        with rasterio.open(path, "w", **profile) as target:
            target.write(data, 1)
    geometry = work / "mintpy" / "inputs" / "geometryGeo.h5"
    with h5py.File(geometry, "r+") as f:
        attrs = f.attrs
        x0, y0, step = float(attrs["X_FIRST"]), float(attrs["Y_FIRST"]), float(attrs["X_STEP"])
        transform = rasterio.Affine(step, 0, x0, 0, -step, y0)
        for name in ("incidenceAngle", "azimuthAngle"):
            data, new_transform, crs = transform_array(f[name][()], transform, rasterio.crs.CRS.from_epsg(32654))
            del f[name]
            f.create_dataset(name, data=data)
        attrs["X_FIRST"], attrs["Y_FIRST"] = str(new_transform.c), str(new_transform.f)
        attrs["WIDTH"], attrs["LENGTH"] = str(data.shape[1]), str(data.shape[0])
        attrs["EPSG"] = str(crs.to_epsg())
        for key in [k for k in attrs if k.startswith("UTM_ZONE")]:
            del attrs[key]


def test_a_track_on_a_window_of_the_lattice_is_cut_out_exactly(demo, tmp_path):
    """A descending folder cropped by 5 columns: the same lattice, so the same numbers where both exist."""
    works = {t: demo.runs[t].work for t in TRACKS}
    cropped = _copy_work(works["descending"], tmp_path / "cropped")
    _regrid_work(
        cropped, lambda data, transform, crs: (data[:, 5:], transform * rasterio.Affine.translation(5, 0), crs)
    )
    point = demo.decomposition.reference
    whole = decompose_work_folders([works["ascending"], works["descending"]], tmp_path / "whole", reference=point)
    part = decompose_work_folders([works["ascending"], cropped], tmp_path / "part", reference=point)
    assert part.grid.width < whole.grid.width and part.grid.x0 > whole.grid.x0
    columns = round((part.grid.x0 - whole.grid.x0) / whole.grid.dx)
    for component in COMPONENTS:
        for mine, theirs in zip(part.files[component], whole.files[component]):
            a, b = rasterio.open(mine).read(1), rasterio.open(theirs).read(1)[:, columns : columns + part.grid.width]
            np.testing.assert_array_equal(a, b)


def test_a_track_in_another_utm_zone_is_resampled_onto_the_common_lattice(demo, tmp_path):
    """The descending folder warped into UTM zone 53 (its own 80 m lattice there): the output stays on zone 54's
    lattice, that track is resampled, and the velocities agree with the direct decomposition within what two
    bilinear resamplings blur (the landslide's edges)."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    works = {t: demo.runs[t].work for t in TRACKS}
    warped = _copy_work(works["descending"], tmp_path / "zone53")
    zone53 = rasterio.crs.CRS.from_epsg(32653)

    def to_zone53(data, transform, crs):
        height, width = data.shape
        bounds = rasterio.transform.array_bounds(height, width, transform)
        new, w, h = calculate_default_transform(crs, zone53, width, height, *bounds, resolution=80.0)
        x0, y0 = math.floor(new.c / 80.0) * 80.0, math.ceil(new.f / 80.0) * 80.0  # on zone 53's lattice
        new = rasterio.Affine(80.0, 0, x0, 0, -80.0, y0)
        out = np.full((h + 2, w + 2), np.nan, np.float32)
        reproject(
            data.astype(np.float32),
            out,
            src_transform=transform,
            src_crs=crs,
            dst_transform=new,
            dst_crs=zone53,
            resampling=Resampling.bilinear,
            src_nodata=np.nan,
            dst_nodata=np.nan,
        )
        return out, new, zone53

    _regrid_work(warped, to_zone53)
    assert read_track(warped).crs == "EPSG:32653"
    point = demo.decomposition.reference
    result = decompose_work_folders([works["ascending"], warped], tmp_path / "out", reference=point)
    manifest = json.loads(result.folder.manifest.read_text(encoding="utf-8"))["steps"]["decompose"]
    assert result.crs == "EPSG:32654" and manifest["resampled"] == {"ascending": False, "descending": True}
    assert result.grid.x0 % 80 == 0 and result.grid.y0 % 80 == 0
    direct = demo.decomposition
    columns = round((result.grid.x0 - direct.grid.x0) / direct.grid.dx)
    rows = round((direct.grid.y0 - result.grid.y0) / direct.grid.dx)
    for component in COMPONENTS:
        ours = rasterio.open(result.folder.velocity(component)).read(1)
        theirs = rasterio.open(direct.folder.velocity(component)).read(1)
        theirs = theirs[rows : rows + result.grid.height, columns : columns + result.grid.width]
        both = np.isfinite(ours) & np.isfinite(theirs)
        difference = (ours - theirs)[both]
        spread = np.std(theirs[both])
        assert both.sum() > 0.8 * np.isfinite(theirs).sum()
        assert np.median(np.abs(difference)) < 0.1 * spread, (component, np.median(np.abs(difference)), spread)


def test_bad_pairs_of_folders_get_clear_errors_and_write_nothing(demo, tmp_path):
    works = {t: demo.runs[t].work for t in TRACKS}
    out = tmp_path / "out"
    with pytest.raises(DecompositionError, match="both work folders are ascending"):
        decompose_work_folders([works["ascending"], works["ascending"]], out)
    with pytest.raises(DecompositionError, match="give two work folders"):
        decompose_work_folders([works["ascending"]], out)
    with pytest.raises(DecompositionError, match="run its time series and export first"):
        decompose_work_folders([works["ascending"], tmp_path / "empty"], out)
    with pytest.raises(DecompositionError, match="outside the tracks' overlap"):
        decompose_work_folders(list(works.values()), out, reference=(0.0, 0.0))
    assert not out.exists() or not any(out.rglob("*.tif"))


def _levelling(path: Path, truth, pixels, sign: float = 1.0) -> Path:
    """Levelling from the world's vertical ground motion: monthly surveys from before the first SAR date to past
    the last, 1 mm noise, an arbitrary height per mark."""
    import datetime as dt

    from sbas_plugin.core.simulate.realistic import ground_motion

    rng = np.random.default_rng(5)
    grid = truth.grid
    first, last = truth.dates[0] - dt.timedelta(days=5), truth.dates[-1] + dt.timedelta(days=30)
    lines = ["id,x,y,date,height"]
    for number, (row, col) in enumerate(pixels, start=1):
        height = rng.uniform(2.0, 40.0)
        date = first
        while date <= last:
            up = ground_motion(truth.ground, truth.step_date, date)[1][row, col]
            value = height + sign * up + rng.normal(0.0, 0.001)
            lines.append(f"BM{number:02d},{grid.centre_x(col):.2f},{grid.centre_y(row):.2f},{date},{value:.5f}")
            date += dt.timedelta(days=30)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_validate_compares_a_decomposition_with_levelling_in_the_vertical(demo, tmp_path):
    from sbas_plugin.core.reports.validate import validate

    truth = _truths(demo)["ascending"]
    rows, cols = truth.grid.height, truth.grid.width
    # In the bowl, on the block, the landslide and the seasonal area, and on stable ground.
    pixels = [(rows // 2, cols // 2), (int(0.4 * rows), int(0.3 * cols)), (int(0.32 * rows), int(0.74 * cols))]
    pixels += [
        (int(0.68 * rows), int(0.25 * cols)),
        (int(0.2 * rows), int(0.5 * cols)),
        (int(0.8 * rows), int(0.4 * cols)),
    ]
    folder = demo.decomposition.folder.root
    right = validate(folder, _levelling(tmp_path / "levelling.csv", truth, pixels), "levelling")
    assert right.measured == "vertical" and right.summary["measured"] == "vertical"
    assert len(right.rows) == len(pixels) and right.summary["n_differences"] > 40
    # Within the decomposition's own vertical error at points (datum removed): a few mm.
    assert right.summary["rms_mm"] < 1.5 * demo.scores["vertical"].rms_mm, right.summary
    flipped = validate(folder, _levelling(tmp_path / "flipped.csv", truth, pixels, sign=-1.0), "levelling")
    assert flipped.summary["rms_mm"] > 2.0 * right.summary["rms_mm"], (flipped.summary, right.summary)
    # A work folder is still compared in its line of sight.
    los = validate(demo.runs["ascending"].work, tmp_path / "levelling.csv", "levelling")
    assert los.measured == "LOS"


def test_a_track_exported_in_centimetres_gives_the_same_decomposition(demo, tmp_path):
    works = {t: demo.runs[t].work for t in TRACKS}
    copy = _copy_work(works["descending"], tmp_path / "cm")
    metres = WorkFolder(copy).displacement_maps("Meters")
    centimetres = WorkFolder(copy).displacement_maps("Centimeters")
    centimetres.mkdir(parents=True)
    for path in sorted(metres.glob("*.tif")):
        with rasterio.open(path) as source:
            profile, data = source.profile, source.read(1)
        with rasterio.open(centimetres / path.name.replace("_Meters_", "_Centimeters_"), "w", **profile) as target:
            target.write(data * np.float32(100.0), 1)
    shutil.rmtree(metres)
    point = demo.decomposition.reference
    result = decompose_work_folders([works["ascending"], copy], tmp_path / "out", reference=point)
    for component in COMPONENTS:
        ours = rasterio.open(result.folder.velocity(component)).read(1)
        theirs = rasterio.open(demo.decomposition.folder.velocity(component)).read(1)
        np.testing.assert_allclose(ours, theirs, atol=1e-3, equal_nan=True)  # mm/yr: float32 rounding of cm
    with pytest.raises(DecompositionError, match="one of the work folders"):
        decompose_work_folders(list(works.values()), works["ascending"])


def test_a_decomposition_stopped_half_way_is_not_taken_for_done(demo, tmp_path):
    from sbas_plugin.core.cancel import Canceled

    works = [demo.runs[t].work for t in TRACKS]
    out = tmp_path / "out"
    shutil.copytree(demo.decomposition.folder.root, out)
    point = (demo.decomposition.grid.centre_x(20), demo.decomposition.grid.centre_y(40))
    seen = []

    def stop_half_way() -> bool:  # asked once per date and more: stop in the middle of the dates
        seen.append(1)
        return len(seen) > 2 * len(demo.decomposition.dates) + 10

    with pytest.raises(Canceled):
        decompose_work_folders(works, out, reference=point, is_canceled=stop_half_way)
    assert not is_decomposition(out)  # some files are the new reference's, some the old: no record of either
    again = decompose_work_folders(works, out)  # the old options: done again, not skipped
    assert not again.skipped and _tifs(out) == _tifs(demo.decomposition.folder.root)


def test_sbas_demo_two_tracks_prints_the_scores_of_the_folders_it_made(demo, capsys):
    from sbas_plugin import cli

    base = demo.decomposition.folder.root.parents[1]  # the folder given to the demo
    assert cli.main(["demo", str(base), "--two-tracks"]) == 0
    out = capsys.readouterr().out
    assert f"decomposition: {demo.decomposition.folder.root} ({len(demo.decomposition.dates)} dates)" in out
    vertical = demo.scores["vertical"]
    assert f"vertical: accuracy: {vertical.rms_mm:.2f} mm RMS over {vertical.points} points" in out
