"""The realistic HyP3 stack: its effects are there with their documented magnitudes and it reads through the
project's own ingest and clip (the whole pipeline on it, scored against its truth: test_pipeline_accuracy.py)."""

import numpy as np
import pytest
import rasterio

from sbas_plugin.core.simulate import realistic
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth, write_realistic_stack
from sbas_plugin.core.simulate.synthetic import WAVELENGTH_M
from sbas_plugin.core.stack.clip import clip_products, plan_clip
from sbas_plugin.core.stack.ingest import find_products


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realistic") / "products"
    truth = write_realistic_stack(folder, rows=60, cols=60, n_dates=12)
    products = {p.name: p for p in find_products(folder)}
    return folder, truth, products


def read(product, layer) -> np.ndarray:
    with rasterio.open(product.layers[layer]) as dataset:
        return dataset.read(1)


def aoi_of(truth, border: int = 2) -> str:
    x0, dx, _, y0, _, dy = truth.transform
    rows, cols = truth.displacement_m.shape[1:]
    ring = [(border, border), (cols - border, border), (cols - border, rows - border), (border, rows - border)]
    return "POLYGON((" + ",".join(f"{x0 + c * dx} {y0 + r * dy}" for c, r in [*ring, ring[0]]) + "))"


def test_two_satellites_mixed_revisits_and_an_incomplete_connected_network(stack):
    _, truth, products = stack
    assert {name[:4] for name in truth.product_names} >= {"S1AC", "S1CA"}
    spacings = {(b - a).days for a, b in zip(truth.dates, truth.dates[1:])}
    assert spacings == {6, 12}
    full = sum(min(realistic.NEIGHBOURS, len(truth.dates) - 1 - i) for i in range(len(truth.dates)))
    assert len(truth.pairs) < full
    assert realistic._connected(
        len(truth.dates), [(truth.dates.index(a), truth.dates.index(b)) for a, b in truth.pairs]
    )
    baselines = [
        float(line.split(":")[1])
        for p in products.values()
        for line in p.metadata.splitlines()
        if line.startswith("Baseline")
    ]
    assert len(baselines) == len(products) and max(map(abs, baselines)) <= 2 * realistic.BASELINE_SCATTER_M
    assert np.std(baselines) > 30  # baselines vary, so the DEM error has a phase
    assert "S1C_IW_SLC__1SDV_" in "".join(p.metadata for p in products.values())


def test_coverage_moves_between_dates_and_the_lake_is_masked_and_incoherent(stack):
    _, truth, products = stack
    footprints = {name: read(p, "unw_phase") != 0 for name, p in products.items()}
    assert len({f.tobytes() for f in footprints.values()}) > 3
    partial = (truth.coverage > 0) & (truth.coverage < len(products))
    assert partial.sum() > 10  # ground only some products cover
    product = next(iter(products.values()))
    water = read(product, "water_mask") == 0
    corr, land_cover = read(product, "corr"), truth.land_cover
    covered = footprints[product.name]
    # HyP3's geometry layers are 0 (NoData) outside the footprint too
    assert water.sum() > 20 and np.array_equal(water, (land_cover == realistic.WATER) | ~covered)
    assert not read(product, "lv_theta")[~covered].any() and read(product, "lv_theta")[covered].all()
    assert np.median(corr[water & covered]) < 0.15
    assert np.median(corr[(land_cover == realistic.URBAN) & covered]) > 0.8
    dem = read(product, "dem")
    assert dem.max() - dem.min() > 200  # hills: a stratified delay to see


def test_atmosphere_of_six_day_pairs_has_the_documented_size(stack):
    """Phase as LOS minus the true motion is the two dates' delays (and a little noise and DEM error): on
    coherent land its spread is that of two dates' atmospheres, sqrt(2) x 3 to 8 mm."""
    _, truth, products = stack
    spreads = []
    for name, (a, b) in zip(truth.product_names, truth.pairs):
        if (b - a).days != 6:
            continue
        phase = read(products[name], "unw_phase").astype(np.float64)
        land = (phase != 0) & (truth.land_cover == realistic.URBAN)
        residual = -phase * WAVELENGTH_M / (4 * np.pi)
        residual -= truth.displacement_m[truth.dates.index(b)] - truth.displacement_m[truth.dates.index(a)]
        spreads.append(residual[land].std())
    low, high = realistic.TURBULENCE_STD_M
    assert len(spreads) >= 3
    assert np.sqrt(2) * low * 0.5 < np.median(spreads) < np.sqrt(2) * high * 1.5


def test_unwrapping_errors_are_whole_cycles_over_whole_regions(stack, tmp_path):
    _, truth, products = stack
    assert truth.unwrap_errors  # at least one, always
    clean = write_realistic_stack(tmp_path, rows=60, cols=60, n_dates=12, unwrap_errors=False)
    assert not clean.unwrap_errors
    clean_products = {p.name: p for p in find_products(tmp_path)}
    for name, product in products.items():
        difference = read(product, "unw_phase").astype(np.float64) - read(clean_products[name], "unw_phase")
        if name not in truth.unwrap_errors:
            assert not difference.any()
            continue
        label, cycles = truth.unwrap_errors[name]
        region = (truth.regions == label) & (read(product, "unw_phase") != 0)
        assert region.any()
        assert np.allclose(difference[region], 2 * np.pi * cycles, atol=1e-5)
        assert not difference[~region].any()
        assert np.median(read(product, "corr")[region]) < 0.6  # a low-coherence region


def test_same_seed_same_truth_and_it_reads_back(stack, tmp_path):
    folder, truth, _ = stack
    again = read_truth(folder / TRUTH_NAME)
    assert np.array_equal(again.displacement_m, truth.displacement_m) and again.dates == truth.dates
    assert again.unwrap_errors == truth.unwrap_errors and again.product_names == truth.product_names
    assert all(np.array_equal(again.areas[k], truth.areas[k]) for k in realistic.AREAS)
    forty = write_realistic_stack(tmp_path, seed=3, rows=40, cols=40, n_dates=6, pixel_m=40)
    assert all("_INT40_" in name for name in forty.product_names) and forty.transform[1] == 40.0


def test_stack_reads_through_ingest_and_clip(stack, tmp_path):
    _, truth, products = stack
    assert sorted(products) == sorted(truth.product_names)
    plan = plan_clip(list(products.values()), aoi_of(truth), f"EPSG:{truth.epsg}")
    assert (plan.grid.width, plan.grid.height) == (56, 56)
    kept = clip_products(plan, tmp_path / "clipped")
    assert len(kept) == len(products)
