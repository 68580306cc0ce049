"""MintPy's smallbaselineApp runs end to end here on HyP3-shaped input and recovers a known velocity.

The synthetic stack (sbas_plugin.core.simulate.synthetic) stands in for downloaded HyP3 products, so this proves
the environment (MintPy, GDAL, h5py, matplotlib) and the generator's HyP3 layout and sign convention
together: a wrong sign, a half-pixel georeferencing shift or a broken plotting stack fails it.
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
import rasterio

from sbas_plugin.core.simulate.synthetic import write_synthetic_stack

HYP3_SUFFIXES = ("unw_phase", "corr", "amp", "dem", "lv_theta", "lv_phi", "water_mask")


def read_band(path):
    with rasterio.open(path) as src:
        return src.read(1)


def test_products_follow_the_hyp3_layout_mintpy_reads(tmp_path):
    from mintpy.prep_hyp3 import _get_product_name_and_type, add_hyp3_metadata

    truth = write_synthetic_stack(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(truth.product_names)
    assert len(truth.pairs) == len(truth.product_names)
    for name, (reference, secondary) in zip(truth.product_names, truth.pairs):
        product = tmp_path / name
        expected_files = {f"{name}_{s}.tif" for s in HYP3_SUFFIXES} | {f"{name}.txt"}
        assert {p.name for p in product.iterdir()} == expected_files
        for suffix in HYP3_SUFFIXES:
            tif = product / f"{name}_{suffix}.tif"
            assert _get_product_name_and_type(tif.name) == (name, "INSAR_GAMMA")
            with rasterio.open(tif) as src:
                assert src.count == 1
                assert src.dtypes[0] == ("uint8" if suffix == "water_mask" else "float32")
                assert src.nodata == 0
                assert src.crs.to_epsg() == truth.epsg
                assert src.transform.to_gdal() == truth.transform
                assert src.shape == truth.shape
        # 0 is NoData: the phase may be 0 only where the coherence is too (outside the swath).
        unw, corr = (read_band(product / f"{name}_{s}.tif") for s in ("unw_phase", "corr"))
        assert np.array_equal(unw == 0, corr == 0)

        lines = (product / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        params = dict(line.split(": ", 1) for line in lines)
        for key, date in (("Reference Granule", reference), ("Secondary Granule", secondary)):
            assert len(params[key]) == 67 and params[key][17:25] == f"{date:%Y%m%d}"
        # The very function MintPy's load_data calls (via prep_hyp3) on every file.
        x0, dx, _, y0, _, dy = truth.transform
        meta = {"X_FIRST": x0, "Y_FIRST": y0, "X_STEP": dx, "Y_STEP": dy}
        meta.update(LENGTH=truth.shape[0], WIDTH=truth.shape[1])
        meta = add_hyp3_metadata(str(product / f"{name}_unw_phase.tif"), meta)
        assert meta["DATE12"] == f"{reference:%y%m%d}-{secondary:%y%m%d}"
        assert meta["ORBIT_DIRECTION"] == "DESCENDING"
        assert meta["relative_orbit"] == 46
        assert float(meta["P_BASELINE_TOP_HDR"]) != 0


def test_zipped_products_hold_one_top_level_folder(tmp_path):
    truth = write_synthetic_stack(tmp_path, n_dates=3, zipped=True)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.zip" for n in truth.product_names)
    for name in truth.product_names:
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as archive:
            members = archive.namelist()
        assert sorted(members) == sorted(
            [f"{name}/{name}_{s}.tif" for s in HYP3_SUFFIXES] + [f"{name}/{name}.txt"]
        )


@pytest.mark.mintpy
def test_smallbaselineapp_runs_every_step_and_recovers_the_velocity(tmp_path):
    from mintpy.defaults.template import STEP_LIST

    products = tmp_path / "products"
    work = tmp_path / "mintpy"
    truth = write_synthetic_stack(products)
    template = tmp_path / "SyntheticHyp3.txt"
    template.write_text(
        "\n".join(
            [
                "mintpy.load.processor = hyp3",
                f"mintpy.load.unwFile = {products}/*/*_unw_phase.tif",
                f"mintpy.load.corFile = {products}/*/*_corr.tif",
                f"mintpy.load.demFile = {products}/*/*_dem.tif",
                f"mintpy.load.incAngleFile = {products}/*/*_lv_theta.tif",
                f"mintpy.load.azAngleFile = {products}/*/*_lv_phi.tif",
                f"mintpy.load.waterMaskFile = {products}/*/*_water_mask.tif",
                "mintpy.compute.cluster = no",
                "mintpy.troposphericDelay.method = no",  # pyaps would need ERA5 downloads
                "mintpy.unwrapError.method = no",
                "mintpy.deramp = no",
                "mintpy.plot = yes",
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    app = Path(sys.executable).parent / "smallbaselineApp.py"
    env = {**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE", "MPLBACKEND": "Agg"}
    run = subprocess.run(
        [sys.executable, str(app), str(template), "--work-dir", str(work)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    tail = "\n".join(run.stdout.splitlines()[-60:])
    assert run.returncode == 0, f"smallbaselineApp.py failed ({run.returncode}):\n{tail}"

    missing = [s for s in STEP_LIST if f"step - {s} " not in run.stdout]
    assert not missing, f"steps not run: {missing}\n{tail}"
    assert "plot & save to pic" in run.stdout, tail
    assert list((work / "pic").glob("*.png")), "the plot step wrote no PNG"
    assert (work / "timeseries.h5").is_file()
    assert (work / "timeseries_demErr.h5").is_file()
    assert (work / "velocity.h5").is_file()

    with h5py.File(work / "velocity.h5", "r") as f:
        velocity = f["velocity"][:]
        attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()}

    # Georeferencing passes through untouched: corner of the upper-left pixel, no half-pixel shift.
    x0, dx, _, y0, _, dy = truth.transform
    assert (float(attrs["X_FIRST"]), float(attrs["Y_FIRST"])) == (x0, y0)
    assert (float(attrs["X_STEP"]), float(attrs["Y_STEP"])) == (dx, dy)

    # MintPy's velocity is relative to its (randomly chosen, coherent) reference pixel.
    ref_y, ref_x = int(attrs["REF_Y"]), int(attrs["REF_X"])
    expected = truth.velocity_m_per_year - truth.velocity_m_per_year[ref_y, ref_x]
    land = np.isfinite(expected)
    error_mm = 1000 * np.abs(velocity[land] - expected[land])
    # Sign and scale first: subsidence must come out as subsidence, 1:1 (the atmosphere tilts it ~2 %).
    slope = np.polyfit(expected[land], velocity[land], 1)[0]
    assert 0.9 < slope < 1.1, f"estimated/true velocity slope {slope:.3f}"
    # Noise-free, MintPy recovers the truth to 1e-6 mm/yr. The 0.3 mm of atmosphere per date over 84 days
    # blurs it to a median 0.6-1.6 and a 95th percentile 2.1-3.7 mm/yr, depending on which coherent pixel
    # MintPy picks as reference; 9 pixels carry a deliberate unwrapping error (~45 mm/yr off).
    assert np.median(error_mm) < 2.0, f"median velocity error {np.median(error_mm):.2f} mm/yr"
    assert np.percentile(error_mm, 95) < 5.0, f"95th percentile error {np.percentile(error_mm, 95):.2f} mm/yr"
