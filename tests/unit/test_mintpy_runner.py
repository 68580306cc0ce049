"""The MintPy step: template, reference pixel, and smallbaselineApp run as a cancellable, resumable child."""

import contextlib
import json
import shutil
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import rasterio

from sbas_plugin.core.results.points import Canceled
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.stack.clip import clip_products, plan_clip
from sbas_plugin.core.stack.ingest import find_products
from sbas_plugin.core.stack.mintpy import (
    LOG_NAME,
    STATE_NAME,
    STEPS,
    MintpyError,
    MintpyOptions,
    check_mintpy_version,
    check_reference_pixel,
    choose_reference_pixel,
    result_settings,
    run_smallbaseline,
    write_template,
)


@pytest.fixture(scope="module")
def clipped(tmp_path_factory):
    root = tmp_path_factory.mktemp("stack")
    truth = write_synthetic_stack(root / "products", n_dates=6, shape=(40, 50), max_shift_px=2)
    x0, _, _, y0, _, _ = truth.transform
    xmin, xmax, ymin, ymax = x0 + 200, x0 + 3900, y0 - 3000, y0 - 200
    aoi = f"POLYGON(({xmin} {ymin}, {xmax} {ymin}, {xmax} {ymax}, {xmin} {ymax}, {xmin} {ymin}))"
    plan = plan_clip(find_products(root / "products"), aoi, "EPSG:32654")
    clip_products(plan, root / "clipped")
    return root / "clipped"


def test_steps_are_mintpys():
    from mintpy.defaults.template import STEP_LIST

    assert tuple(STEP_LIST) == STEPS


def read_layer(folder, layer):
    stack = []
    for path in sorted(folder.glob(f"*/*_{layer}.tif")):
        with rasterio.open(path) as src:
            stack.append(src.read(1))
    return np.array(stack)


def test_reference_is_the_most_coherent_pixel_valid_everywhere(clipped):
    choice = choose_reference_pixel(clipped)
    phase, coherence, water = (
        read_layer(clipped, "unw_phase"),
        read_layer(clipped, "corr"),
        read_layer(clipped, "water_mask"),
    )
    valid = np.all((phase != 0) & np.isfinite(phase), axis=0) & (water[0] != 0)
    average = coherence.mean(axis=0)
    assert valid[choice.row, choice.col]
    assert choice.coherence == pytest.approx(average[valid].max())
    assert "most coherent land pixel" in choice.note and "would have stopped" not in choice.note
    assert check_reference_pixel(clipped, choice.row, choice.col) is None  # coherent land: no note


def rewrite(path, change):
    """The clipped layer `path` (a VRT window into a zip) replaced by a GeoTIFF of `change(its values)`."""
    with rasterio.open(path) as src:
        data, profile = src.read(1), {**src.profile, "driver": "GTiff"}
    path.unlink()
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(change(data), 1)


def test_low_coherence_stack_still_gets_a_reference(clipped, tmp_path):
    low = tmp_path / "low"
    shutil.copytree(clipped, low)
    for path in low.glob("*/*_corr.tif"):
        rewrite(path, lambda corr: corr * 0.5)
    choice = choose_reference_pixel(low)
    assert choice.coherence < 0.85 and "would have stopped" in choice.note


def test_reference_on_no_data_is_refused(clipped):
    phase = read_layer(clipped, "unw_phase")
    rows, cols = np.nonzero(np.any(phase == 0, axis=0))
    with pytest.raises(MintpyError, match="no phase"):
        check_reference_pixel(clipped, int(rows[0]), int(cols[0]))
    with pytest.raises(MintpyError, match="outside"):
        check_reference_pixel(clipped, 10_000, 0)


def test_reference_on_water_is_refused(clipped):
    phase, water = read_layer(clipped, "unw_phase"), read_layer(clipped, "water_mask")
    # The synthetic lake has (noisy) phase everywhere: only the water mask tells it apart.
    rows, cols = np.nonzero((water[0] == 0) & np.all((phase != 0) & np.isfinite(phase), axis=0))
    with pytest.raises(MintpyError, match="on water"):
        check_reference_pixel(clipped, int(rows[0]), int(cols[0]))


def test_reference_with_low_coherence_gets_a_note(clipped, tmp_path):
    choice = choose_reference_pixel(clipped)
    low = tmp_path / "low"
    shutil.copytree(clipped, low)
    def low_at_the_choice(corr):
        corr[choice.row, choice.col] = 0.3
        return corr

    for path in low.glob("*/*_corr.tif"):
        rewrite(path, low_at_the_choice)
    note = check_reference_pixel(low, choice.row, choice.col)
    assert f"row {choice.row}, col {choice.col}" in note and "low average coherence (0.30" in note


def test_template_has_the_users_options_and_forward_slash_globs(clipped, tmp_path, monkeypatch):
    options = MintpyOptions(workers=3, reference_date="auto", deramp="linear", max_memory_gb=2.5)
    text = write_template(tmp_path / "t.txt", clipped, (4, 7), options).read_text()
    assert f"mintpy.load.unwFile = {clipped.resolve().as_posix()}/*/*_unw_phase.tif" in text
    assert "mintpy.load.connCompFile" not in text  # GAMMA products carry none
    for line in (
        "mintpy.load.processor = hyp3",
        "mintpy.compute.cluster = local",
        "mintpy.compute.numWorker = 3",
        "mintpy.compute.maxMemory = 2.5",
        "mintpy.reference.yx = 4,7",
        "mintpy.reference.date = auto",
        "mintpy.deramp = linear",
        "mintpy.unwrapError.method = no",
        "mintpy.troposphericDelay.method = no",
        "mintpy.plot = yes",
    ):
        assert line in text.splitlines()
    default = write_template(tmp_path / "u.txt", clipped, (4, 7), MintpyOptions()).read_text()
    assert "mintpy.reference.date = no" in default
    quiet = write_template(tmp_path / "w.txt", clipped, (4, 7), MintpyOptions(pictures=False)).read_text()
    assert "mintpy.plot = no" in quiet.splitlines()
    # a fresh run with pictures has them: switching them reruns MintPy, as any of its settings does
    assert result_settings(tmp_path / "w.txt") != result_settings(tmp_path / "u.txt")
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(MintpyError, match="cdsapirc"):
        write_template(tmp_path / "v.txt", clipped, (4, 7), MintpyOptions(troposphere="pyaps"))


def mintpy_processes(work):
    # /proc, not ps: a minimal Debian (the CI chroot) has no procps
    listed = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # the process ended while listed
            listed.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return [line for line in listed if str(work) in line]


@pytest.mark.mintpy
def test_cancel_kills_the_tree_and_a_rerun_finishes_identically(clipped, tmp_path):
    choice = choose_reference_pixel(clipped)
    template = write_template(tmp_path / "t.txt", clipped, (choice.row, choice.col), MintpyOptions(workers=2))

    whole = tmp_path / "whole"
    seen = []
    assert run_smallbaseline(template, whole, progress=seen.append) == []
    assert seen[-1] == 100.0 and seen == sorted(seen)

    interrupted = tmp_path / "interrupted"
    stop_at = {}

    def cancel_in_inversion():
        state = interrupted / STATE_NAME
        finished = json.loads(state.read_text())["finished"] if state.is_file() else []
        if "correct_unwrap_error" in finished and "when" not in stop_at:
            stop_at["when"] = time.monotonic()
        return "when" in stop_at

    with pytest.raises(Canceled):
        run_smallbaseline(template, interrupted, is_canceled=cancel_in_inversion)
    assert time.monotonic() - stop_at["when"] < 2.0
    assert mintpy_processes(interrupted) == []
    finished = json.loads((interrupted / STATE_NAME).read_text())["finished"]
    assert "load_data" in finished and "velocity" not in finished

    run_smallbaseline(template, interrupted)
    for name, dataset in (("velocity.h5", "velocity"), ("timeseries_demErr.h5", "timeseries")):
        with h5py.File(whole / name) as a, h5py.File(interrupted / name) as b:
            assert np.array_equal(a[dataset][()], b[dataset][()], equal_nan=True)
    log_size = (interrupted / "sbas_mintpy.log").stat().st_size
    run_smallbaseline(template, interrupted)  # everything done: MintPy does not start
    assert (interrupted / "sbas_mintpy.log").stat().st_size == log_size


def fake_python(folder, version):
    """An interpreter that answers MINTPY_VERSION_SCRIPT with `version`, as an old MintPy would."""
    path = folder / "python"
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a shell script")
@pytest.mark.parametrize("version", ["1.5.1", "1.4.3.post12", "0.9.0"])
def test_mintpy_older_than_1_5_2_is_refused_before_it_starts(clipped, tmp_path, version):
    python = fake_python(tmp_path, version)
    template = write_template(tmp_path / "t.txt", clipped, (4, 7), MintpyOptions())
    with pytest.raises(MintpyError) as refused:
        run_smallbaseline(template, tmp_path / "work", python=python)
    message = str(refused.value)
    assert f"MintPy {version} in {python} is older than 1.5.2" in message
    assert f"`{python} -m pip install -U mintpy`" in message
    assert not (tmp_path / "work" / LOG_NAME).exists()  # MintPy never started


@pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a shell script")
@pytest.mark.parametrize("version", ["1.5.2", "1.10.0", "2.0.0.dev3+g1234"])
def test_mintpy_from_1_5_2_on_passes(tmp_path, version):
    check_mintpy_version(fake_python(tmp_path, version))


def test_the_installed_mintpy_passes():
    check_mintpy_version()  # this interpreter
    check_mintpy_version(sys.executable)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a shell script")
def test_a_python_without_mintpy_is_refused(tmp_path):
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'mintpy'\" >&2\nexit 1\n")
    python.chmod(0o755)
    with pytest.raises(MintpyError, match=r"No module named 'mintpy'.*pip install -U mintpy"):
        check_mintpy_version(str(python))
    with pytest.raises(MintpyError, match="cannot start"):
        check_mintpy_version(str(tmp_path / "missing" / "python"))


@pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a shell script")
def test_new_settings_remove_the_results_of_the_old_ones_and_nothing_else(clipped, tmp_path):
    """MintPy would keep results its own checks find current whatever settings wrote them (a time series
    re-referenced in place, a velocity newer than its input): with new settings they go, before MintPy starts."""
    work = tmp_path / "work"
    work.mkdir()
    old = write_template(work / "sbas_mintpy.txt", clipped, (4, 7), MintpyOptions(deramp="linear"))
    (work / STATE_NAME).write_text(json.dumps({"template": "the old settings", "finished": ["load_data"]}))
    results = ["timeseries.h5", "timeseries_ramp_demErr.h5", "velocity.h5", "smallbaselineApp.cfg", "rms_x.txt"]
    kept = ["inputs/ifgramStack.h5", "inputs/geometryGeo.h5", "ERA5/ERA5_N35_E139.grb", LOG_NAME, "notes.txt"]
    for name in [*results, *kept, "pic/velocity.png"]:
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(b"x")
    template = write_template(old, clipped, (4, 7), MintpyOptions())  # deramp off
    with pytest.raises(MintpyError, match=r"older than 1\.5\.2"):
        run_smallbaseline(template, work, python=fake_python(tmp_path, "1.5.1"))
    assert [name for name in results if (work / name).exists()] == [] and not (work / "pic").exists()
    assert all((work / name).read_bytes() == b"x" for name in kept) and template.is_file()
    assert json.loads((work / STATE_NAME).read_text())["finished"] == []
    # The same settings again (e.g. after a cancel): what MintPy has done is kept and resumed from.
    (work / "timeseries.h5").write_bytes(b"x")
    with pytest.raises(MintpyError, match=r"older than 1\.5\.2"):
        run_smallbaseline(template, work, python=fake_python(tmp_path, "1.5.1"))
    assert (work / "timeseries.h5").is_file()
