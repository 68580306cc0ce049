"""Ingest and clip on real GeoTIFFs shaped like HyP3's: exact lattice, identical grids, originals untouched."""

import hashlib
import json
import logging
import shutil
import zipfile

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.warp import Resampling, calculate_default_transform, reproject

from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.stack.clip import ClipError, clip_products, linked_dates, plan_clip
from sbas_plugin.core.stack.ingest import ProductError, find_products, verify_product

PIXEL = 80.0


def aoi_file(path, utm_box, epsg, utm_epsg=32654):
    """A rectangle given in UTM, written as GeoJSON in `epsg` with densified edges (as a user would
    draw the same area on a map in that CRS)."""
    xmin, ymin, xmax, ymax = utm_box
    t = np.linspace(0, 1, 50)
    ring = (
        [(xmin + (xmax - xmin) * s, ymin) for s in t]
        + [(xmax, ymin + (ymax - ymin) * s) for s in t]
        + [(xmax - (xmax - xmin) * s, ymax) for s in t]
        + [(xmin, ymax - (ymax - ymin) * s) for s in t]
    )
    to = Transformer.from_crs(utm_epsg, epsg, always_xy=True)
    coords = [list(to.transform(x, y)) for x, y in ring]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [coords]}}
                ],
            }
        )
    )
    return str(path)


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def value_at(path, x, y):
    with rasterio.open(path) as src:
        row, col = src.index(x, y)
        return src.read(1)[row, col]


@pytest.fixture(scope="module")
def shifted_stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("products")
    truth = write_synthetic_stack(folder, n_dates=4, shape=(40, 50), max_shift_px=3, zipped=True)
    return folder, truth


def test_find_products_reads_zips_without_unpacking_or_changing_them(shifted_stack):
    folder, truth = shifted_stack
    before = digest(folder)
    products = find_products(folder)
    assert [p.name for p in products] == sorted(truth.product_names)
    assert all(p.kind == "INSAR_GAMMA" for p in products)
    assert set(products[0].layers) == {"unw_phase", "corr", "dem", "lv_theta", "lv_phi", "water_mask"}
    assert products[0].layers["dem"].startswith("/vsizip/")
    assert "Reference Granule" in products[0].metadata
    for product in products:
        verify_product(product)
    assert digest(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.zip" for n in truth.product_names)


def test_missing_dem_and_missing_txt_name_the_product(tmp_path):
    truth = write_synthetic_stack(tmp_path, n_dates=3)
    first, second = truth.product_names[:2]
    (tmp_path / first / f"{first}_dem.tif").unlink()
    (tmp_path / second / f"{second}.txt").unlink()
    with pytest.raises(ProductError) as error:
        find_products(tmp_path)
    message = str(error.value)
    assert f"{first}: missing dem" in message and "Set MintPy Options" in message
    assert f"{second}: missing {second}.txt" in message


def test_a_product_unpacked_one_folder_too_deep_is_found_and_odd_names_are_logged(tmp_path, caplog):
    """Windows' "Extract All" on NAME.zip gives NAME/NAME/*.tif; a browser's second download NAME (1).zip."""
    truth = write_synthetic_stack(tmp_path / "products", n_dates=3, shape=(20, 30))
    folder, name = tmp_path / "products", truth.product_names[0]
    (folder / name).rename(tmp_path / name)
    (folder / name).mkdir()
    (tmp_path / name).rename(folder / name / name)
    (folder / f"{name} (1).zip").write_bytes(b"")
    (folder / "notes").mkdir()
    with caplog.at_level(logging.WARNING, logger="sbas_plugin.core.stack.ingest"):
        products = find_products(folder)
    nested = next(p for p in products if p.name == name)
    assert nested.source == folder / name / name
    assert set(nested.layers) == {"unw_phase", "corr", "dem", "lv_theta", "lv_phi", "water_mask"}
    assert len(products) == len(truth.product_names)
    assert f"skipped {name} (1).zip: not named like a HyP3 InSAR product" in caplog.text
    assert "skipped notes: not named like a HyP3 InSAR product" in caplog.text


def test_unsafe_corrupted_and_truncated_zips_are_refused_and_kept(tmp_path):
    truth = write_synthetic_stack(tmp_path / "src", n_dates=3, zipped=True)
    names = truth.product_names
    folder = tmp_path / "products"
    folder.mkdir()
    # a member escaping the folder
    with zipfile.ZipFile(folder / f"{names[0]}.zip", "w") as archive:
        archive.writestr("../evil.txt", "x")
    # a zip cut short, as an interrupted download leaves it
    data = (tmp_path / "src" / f"{names[1]}.zip").read_bytes()
    (folder / f"{names[1]}.zip").write_bytes(data[: len(data) // 2])
    before = digest(folder)
    with pytest.raises(ProductError) as error:
        find_products(folder)
    assert "unsafe member name '../evil.txt'" in str(error.value)
    assert f"{names[1]}.zip: not a readable zip" in str(error.value)
    assert digest(folder) == before and not (tmp_path / "evil.txt").exists()

    # one flipped byte inside the unwrapped phase: the zip opens, the CRC check catches it
    shutil.copy(tmp_path / "src" / f"{names[2]}.zip", folder / f"{names[2]}.zip")
    for bad in names[:2]:
        (folder / f"{bad}.zip").unlink()
    path = folder / f"{names[2]}.zip"
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{names[2]}/{names[2]}_unw_phase.tif")
    raw = bytearray(path.read_bytes())
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    (product,) = find_products(folder)
    with pytest.raises(ProductError, match="corrupted"):
        verify_product(product)


def test_a_raster_of_one_value_is_read_and_a_ratio_deflate_cannot_make_is_refused(tmp_path):
    """A frame's water mask of land only deflates near 1000:1 and is a product's; a member compressed beyond
    what deflate can reach (bzip2 of zeros) is no HyP3 product's."""
    truth = write_synthetic_stack(tmp_path / "src", n_dates=3, shape=(20, 30), zipped=True)
    name = truth.product_names[0]
    folder = tmp_path / "products"
    folder.mkdir()
    with zipfile.ZipFile(tmp_path / "src" / f"{name}.zip") as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    land = tmp_path / "land.tif"
    with rasterio.open(land, "w", driver="GTiff", width=3000, height=2300, count=1, dtype="uint8") as dst:
        dst.write(np.ones((2300, 3000), np.uint8), 1)
    members[f"{name}/{name}_water_mask.tif"] = land.read_bytes()
    with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    with zipfile.ZipFile(folder / f"{name}.zip") as archive:
        info = archive.getinfo(f"{name}/{name}_water_mask.tif")
    assert info.file_size > 500 * info.compress_size  # beyond the old limit of 200:1
    (product,) = find_products(folder)
    verify_product(product)
    with zipfile.ZipFile(folder / f"{name}.zip", "a", zipfile.ZIP_BZIP2) as archive:
        archive.writestr(f"{name}/{name}.zeros", bytes(50_000_000))
    with pytest.raises(ProductError, match="implausibly large"):
        find_products(folder)


def test_a_member_zlib_cannot_inflate_is_named_corrupted(tmp_path):
    truth = write_synthetic_stack(tmp_path, n_dates=3, shape=(20, 30), zipped=True)
    name = truth.product_names[0]
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{name}/{name}_corr.tif")
    raw = bytearray(path.read_bytes())
    raw[info.header_offset + 30 + len(info.filename) + len(info.extra)] |= 0b110  # deflate block type 3: invalid
    path.write_bytes(bytes(raw))
    product = next(p for p in find_products(tmp_path) if p.name == name)
    with pytest.raises(ProductError, match=f"{name}_corr.tif is corrupted .*invalid block type.*; download it again"):
        verify_product(product)


@pytest.mark.parametrize("epsg", [32654, 3857, 4326])
def test_clip_lands_on_the_lattice_with_identical_grids(shifted_stack, tmp_path, epsg):
    folder, truth = shifted_stack
    x0, _, _, y0, _, _ = truth.transform
    # Edges mid-pixel: the snapped box is unambiguous whatever CRS the area was drawn in.
    utm_box = (x0 + 10.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 30.5 * PIXEL, y0 - 12.5 * PIXEL)
    plan = plan_clip(find_products(folder), aoi_file(tmp_path / "aoi.geojson", utm_box, epsg))
    grid = plan.grid
    assert (grid.x0, grid.y0, grid.dx, grid.dy) == (x0 + 10 * PIXEL, y0 - 12 * PIXEL, PIXEL, -PIXEL)
    assert (grid.width, grid.height) == (21, 19)
    assert plan.resampled == [] and plan.dropped == {} and plan.notes == []

    kept = clip_products(plan, tmp_path / "clipped")
    assert kept == sorted(truth.product_names)
    files = sorted((tmp_path / "clipped").rglob("*.tif"))
    # phase and coherence per product; the ground's geometry once, where MintPy reads it: the first product
    geometry = {f"{kept[0]}_{layer}.tif" for layer in ("dem", "lv_theta", "lv_phi", "water_mask")}
    assert {path.name for path in (tmp_path / "clipped" / kept[0]).glob("*.tif")} >= geometry
    assert len(files) == 2 * len(kept) + len(geometry)
    # on the lattice, a product's pair layers are VRT windows into its zip, not copies
    phase = tmp_path / "clipped" / kept[0] / f"{kept[0]}_unw_phase.tif"
    assert phase.read_text(encoding="utf-8").startswith("<VRTDataset") and "/vsizip/" in phase.read_text()
    for path in files:
        with rasterio.open(path) as clipped:
            assert clipped.crs.to_epsg() == 32654
            assert clipped.transform.to_gdal() == (grid.x0, PIXEL, 0.0, grid.y0, 0.0, -PIXEL)
            assert clipped.shape == (19, 21)
    for name in kept:
        assert (tmp_path / "clipped" / name / f"{name}.txt").is_file()


def test_clipped_values_sit_at_the_same_coordinates(shifted_stack, tmp_path):
    folder, truth = shifted_stack
    x0, _, _, y0, _, _ = truth.transform
    products = find_products(folder)
    plan = plan_clip(
        products,
        aoi_file(
            tmp_path / "a.geojson", (x0 + 8.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 40.5 * PIXEL, y0 - 8.5 * PIXEL), 32654
        ),
    )
    kept = clip_products(plan, tmp_path / "clipped")
    rng = np.random.default_rng(1)
    for product in products:
        for _ in range(20):
            col, row = rng.integers(0, plan.grid.width), rng.integers(0, plan.grid.height)
            x, y = float(plan.grid.centre_x(col)), float(plan.grid.centre_y(row))
            for layer in ("unw_phase", "corr"):
                clipped = tmp_path / "clipped" / product.name / f"{product.name}_{layer}.tif"
                assert value_at(clipped, x, y) == value_at(product.layers[layer], x, y)
            for layer in ("dem", "water_mask"):  # every product's geometry covers the grid: the first one's
                clipped = tmp_path / "clipped" / kept[0] / f"{kept[0]}_{layer}.tif"
                assert value_at(clipped, x, y) == value_at(products[0].layers[layer], x, y)


def test_geometry_is_written_once_merged_from_the_footprints(tmp_path):
    """HyP3 leaves the DEM and look vectors 0 outside a product's footprint, which moves from date to date;
    MintPy reads the first product's only. The one geometry takes each pixel from the first product valid
    there, so no pixel the stack covers gets a height or incidence of 0."""
    truth = write_synthetic_stack(tmp_path / "products", n_dates=4, shape=(40, 50))
    first, second = sorted(truth.product_names)[:2]
    cut = 25  # the first product's footprint ends at this column
    for layer in ("dem", "lv_theta", "lv_phi", "water_mask"):
        path = tmp_path / "products" / first / f"{first}_{layer}.tif"
        with rasterio.open(path) as src:
            profile, data = src.profile, src.read(1)
        data[:, cut:] = 0
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data, 1)
    x0, _, _, y0, _, _ = truth.transform
    products = find_products(tmp_path / "products")
    plan = plan_clip(
        products,
        aoi_file(
            tmp_path / "a.geojson", (x0 + 10.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 40.5 * PIXEL, y0 - 8.5 * PIXEL), 32654
        ),
    )
    kept = clip_products(plan, tmp_path / "clipped")
    assert kept[0] == first
    assert len(list((tmp_path / "clipped").glob("*/*_dem.tif"))) == 1
    by_name = {product.name: product for product in products}
    for col in (12, 20, 30, 38):  # both sides of the cut, in columns of the source rasters
        x, y = x0 + (col + 0.5) * PIXEL, y0 - 20.5 * PIXEL
        source = by_name[first] if col < cut else by_name[second]
        for layer in ("dem", "lv_theta", "water_mask"):
            merged = value_at(tmp_path / "clipped" / first / f"{first}_{layer}.tif", x, y)
            assert merged == value_at(source.layers[layer], x, y) and merged != 0


def test_area_beyond_common_coverage_is_reduced_and_said(shifted_stack, tmp_path):
    folder, truth = shifted_stack
    x0, _, _, y0, _, _ = truth.transform
    # From outside the scene's west edge: only what every shifted product covers is kept.
    plan = plan_clip(
        find_products(folder),
        aoi_file(
            tmp_path / "a.geojson", (x0 - 20 * PIXEL, y0 - 30.5 * PIXEL, x0 + 20.5 * PIXEL, y0 - 10.5 * PIXEL), 32654
        ),
    )
    assert plan.notes and "of the area of interest lies inside every product's raster" in plan.notes[0]
    assert plan.grid.x0 > x0


def test_area_outside_every_product(shifted_stack, tmp_path):
    folder, _ = shifted_stack
    with pytest.raises(ClipError, match="outside every product"):
        plan_clip(find_products(folder), "POLYGON((0 0, 1000 0, 1000 1000, 0 0))", "EPSG:32654")


def test_product_in_another_utm_zone_is_resampled_onto_the_majority_lattice(tmp_path):
    truth = write_synthetic_stack(tmp_path / "products", n_dates=4, shape=(40, 50))
    odd = truth.product_names[0]
    folder = tmp_path / "products" / odd
    for path in folder.glob("*.tif"):
        with rasterio.open(path) as src:
            transform, width, height = calculate_default_transform(
                src.crs, "EPSG:32653", src.width, src.height, *src.bounds, resolution=PIXEL
            )
            profile = src.profile | {"crs": "EPSG:32653", "transform": transform, "width": width, "height": height}
            data = np.zeros((height, width), dtype=src.dtypes[0])
            reproject(
                src.read(1),
                data,
                src_transform=src.transform,
                src_crs=src.crs,
                dst_transform=transform,
                dst_crs="EPSG:32653",
                resampling=Resampling.nearest,
                src_nodata=0,
                dst_nodata=0,
            )
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data, 1)
    x0, _, _, y0, _, _ = truth.transform
    plan = plan_clip(
        find_products(tmp_path / "products"),
        aoi_file(
            tmp_path / "a.geojson", (x0 + 10.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 30.5 * PIXEL, y0 - 12.5 * PIXEL), 32654
        ),
    )
    assert plan.lattice.epsg == 32654 and plan.resampled == [odd]
    kept = clip_products(plan, tmp_path / "clipped")
    assert kept[0] == odd  # so the one geometry comes from the resampled product
    with rasterio.open(tmp_path / "clipped" / odd / f"{odd}_unw_phase.tif") as src:
        assert src.crs.to_epsg() == 32654 and src.transform.to_gdal()[0] == plan.grid.x0
    with rasterio.open(tmp_path / "clipped" / odd / f"{odd}_dem.tif") as src:
        assert src.crs.to_epsg() == 32654 and src.transform.to_gdal()[0] == plan.grid.x0
        dem = src.read(1)
    other = tmp_path / "products" / truth.product_names[1] / f"{truth.product_names[1]}_dem.tif"
    reference = np.array(
        [
            [value_at(other, plan.grid.centre_x(c), plan.grid.centre_y(r)) for c in range(dem.shape[1])]
            for r in range(dem.shape[0])
        ]
    )
    # Two nearest-neighbour resamplings move a value by at most a pixel: the smooth DEM stays close.
    assert np.median(np.abs(dem - reference)) < 2.0


def test_product_empty_inside_the_area_is_dropped(tmp_path):
    truth = write_synthetic_stack(tmp_path / "products", n_dates=3, shape=(40, 50))
    empty = truth.product_names[0]
    path = tmp_path / "products" / empty / f"{empty}_unw_phase.tif"
    with rasterio.open(path) as src:
        profile = src.profile
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.zeros((40, 50), dtype="float32"), 1)
    x0, _, _, y0, _, _ = truth.transform
    plan = plan_clip(
        find_products(tmp_path / "products"),
        aoi_file(
            tmp_path / "a.geojson", (x0 + 20.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 40.5 * PIXEL, y0 - 12.5 * PIXEL), 32654
        ),
    )
    kept = clip_products(plan, tmp_path / "clipped")
    assert empty not in kept and plan.dropped[empty] == "no data inside the area of interest"
    assert not (tmp_path / "clipped" / empty).exists()


def test_a_gap_in_the_pair_network_drops_the_dates_beyond_it(tmp_path):
    """Without the pairs across a gap MintPy inverts two networks and only warns in its log: the smaller
    side is dropped, with a note naming the gap and the dates."""
    truth = write_synthetic_stack(tmp_path / "products", n_dates=6, shape=(40, 50))
    day = [d.strftime("%Y%m%d") for d in truth.dates]
    across = {(truth.dates[0], truth.dates[2]), (truth.dates[1], truth.dates[2]), (truth.dates[1], truth.dates[3])}
    for pair, name in zip(truth.pairs, truth.product_names):
        if pair in across:
            shutil.rmtree(tmp_path / "products" / name)
    before = truth.product_names[truth.pairs.index((truth.dates[0], truth.dates[1]))]
    x0, _, _, y0, _, _ = truth.transform
    plan = plan_clip(
        find_products(tmp_path / "products"),
        aoi_file(
            tmp_path / "a.geojson", (x0 + 20.5 * PIXEL, y0 - 30.5 * PIXEL, x0 + 40.5 * PIXEL, y0 - 12.5 * PIXEL), 32654
        ),
    )
    kept = clip_products(plan, tmp_path / "clipped")
    assert len(kept) == 5 and before not in kept
    assert sorted(p.name for p in (tmp_path / "clipped").iterdir()) == sorted(kept)
    assert plan.dropped == {before: "on the far side of a gap in the pair network"}
    assert plan.notes == [
        f"no pair links {day[1]} and earlier to {day[2]} and later; used the 4 dates linked together "
        f"({day[2]} to {day[5]}) and dropped the 2 dates no pair links to them ({day[0]}, {day[1]}); "
        "order HyP3 pairs across the gap to use them"
    ]
    # A single pair is too little for MintPy: refused, and the earlier clip stays as it was.
    plan.products = [p for p in plan.products if p.name == before]
    with pytest.raises(ClipError, match="the pairs link at most 2 dates together and MintPy needs 3: order HyP3"):
        clip_products(plan, tmp_path / "clipped")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("clipped")) == ["clipped"]
    assert sorted(p.name for p in (tmp_path / "clipped").iterdir()) == sorted(kept)


def test_a_gap_is_named_only_where_no_pair_crosses_it():
    """B-C-D linked, A and E dropped: the A-E pair crosses both ends of B-D, so no gap is claimed there."""
    pairs = [("20200102", "20200103"), ("20200103", "20200104"), ("20200102", "20200104"), ("20200101", "20200105")]
    dates, note = linked_dates(pairs)
    assert dates == {"20200102", "20200103", "20200104"}
    assert note == (
        "used the 3 dates linked together (20200102 to 20200104) and dropped the 2 dates no pair links to them "
        "(20200101, 20200105); order HyP3 pairs across the gap to use them"
    )
    assert linked_dates(pairs[:3]) == (dates, None)
    # A product may name its later date first: the same network, the same note.
    assert linked_dates([(b, a) for a, b in pairs]) == (dates, note)
