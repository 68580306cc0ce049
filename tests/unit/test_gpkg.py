"""GeoPackage point layers written with sqlite3 and numpy, checked with GDAL and its validator."""

import sqlite3

import numpy as np
import pytest
from osgeo import ogr, osr
from osgeo_utils.samples import validate_gpkg

from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.gpkg import read_points_gpkg, write_points_gpkg
from sbas_plugin.core.results.points import Canceled, PointsFileError, pixel_centres_in_polygons


def utm(zone=54) -> str:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32600 + zone)
    return srs.ExportToWkt()


def lattice(width, height):
    """Every pixel centre of a width x height grid, row by row, as pixel_centres_in_polygons gives them."""
    grid = Grid(x0=399_920.0, y0=3_900_080.0, dx=80.0, dy=-80.0, width=width, height=height)
    ring = [(0, 0), (1e7, 0), (1e7, 1e7), (0, 1e7)]
    return pixel_centres_in_polygons(grid, [[ring]])


def assert_valid(path):
    assert validate_gpkg.check(str(path), warning_as_error=True) == []
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_layer_reads_back_through_ogr_with_ids_attributes_crs_and_extent(tmp_path):
    points = lattice(50, 40)
    out = write_points_gpkg(
        tmp_path / "points.gpkg", points.x, points.y, utm(), columns={"row": points.rows, "col": points.cols}
    )
    assert out == tmp_path / "points.gpkg" and not list(tmp_path.glob("*.part"))
    assert_valid(out)
    dataset = ogr.Open(str(out))
    assert dataset.GetLayerCount() == 1
    layer = dataset.GetLayer(0)
    assert (layer.GetName(), layer.GetFIDColumn(), layer.GetGeomType()) == ("points", "fid", ogr.wkbPoint)
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "32654"
    assert layer.GetFeatureCount() == 2000
    assert layer.GetExtent() == (399_960.0, 403_880.0, 3_896_920.0, 3_900_040.0)
    definition = layer.GetLayerDefn()
    fields = [(definition.GetFieldDefn(i).GetName(), definition.GetFieldDefn(i).GetType()) for i in range(4)]
    assert fields == [("x", ogr.OFTReal), ("y", ogr.OFTReal), ("row", ogr.OFTInteger64), ("col", ogr.OFTInteger64)]
    features = list(layer)
    assert [f.GetFID() for f in features] == list(range(1, 2001))
    for feature, x, y, row, col in zip(features, points.x, points.y, points.rows, points.cols):
        point = feature.GetGeometryRef()
        assert (point.GetX(), point.GetY()) == (feature["x"], feature["y"]) == (x, y)
        assert (feature["row"], feature["col"]) == (row, col)
    assert (features[51]["row"], features[51]["col"], features[51]["x"]) == (1, 1, 400_040.0)


def test_crs_registered_under_its_epsg_code_or_a_private_id(tmp_path):
    for zone in (52, 53, 55):
        out = write_points_gpkg(tmp_path / f"{zone}.gpkg", [500_000.0], [3_900_000.0], utm(zone))
        with sqlite3.connect(out) as con:
            assert con.execute(
                "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_geometry_columns"
                " JOIN gpkg_spatial_ref_sys USING (srs_id)"
            ).fetchone() == (32600 + zone, "EPSG", 32600 + zone)
    # An EPSG CRS given without its code is identified; a CRS EPSG lacks gets a private srs_id.
    bare = osr.SpatialReference()
    bare.SetUTM(54, True)
    bare.SetWellKnownGeogCS("WGS84")
    identified = write_points_gpkg(tmp_path / "bare.gpkg", [500_000.0], [3_900_000.0], bare.ExportToWkt())
    dataset = ogr.Open(str(identified))
    assert dataset.GetLayer(0).GetSpatialRef().GetAuthorityCode(None) == "32654"
    custom = osr.SpatialReference()
    custom.SetTM(36, 139.5, 0.9999, 0, 0)
    custom.SetWellKnownGeogCS("WGS84")
    private = write_points_gpkg(tmp_path / "custom.gpkg", [1.0], [2.0], custom.ExportToWkt())
    assert_valid(private)
    with sqlite3.connect(private) as con:
        assert con.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchone() == (100_000,)
    _, crs_wkt = read_points_gpkg(private)
    read_back = osr.SpatialReference(crs_wkt)
    assert read_back.IsSame(custom) and read_back.GetProjParm(osr.SRS_PP_CENTRAL_MERIDIAN) == 139.5


def test_spatial_index_is_a_sound_rtree_that_finds_exactly_the_points_in_a_box(tmp_path):
    # 5,000 points: three R-tree levels (51 cells a node), so leaves, internal nodes and root are all exercised.
    points = lattice(100, 50)
    out = write_points_gpkg(tmp_path / "points.gpkg", points.x, points.y, utm())
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT rtreecheck('rtree_points_geom')").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM rtree_points_geom").fetchone() == (5000,)
        depth = con.execute("SELECT hex(substr(data, 1, 2)) FROM rtree_points_geom_node WHERE nodeno = 1").fetchone()
        assert depth == ("0002",)
        for xmin, ymin, xmax, ymax in ((400_500, 3_897_000, 402_100, 3_899_000), (0, 0, 1e7, 1e7), (0, 0, 1, 1)):
            found = con.execute(
                "SELECT id FROM rtree_points_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?",
                (xmax, xmin, ymax, ymin),
            ).fetchall()
            inside = (points.x >= xmin) & (points.x <= xmax) & (points.y >= ymin) & (points.y <= ymax)
            assert sorted(i for (i,) in found) == (np.nonzero(inside)[0] + 1).tolist()
    dataset = ogr.Open(str(out))  # kept: a layer outliving its dataset crashes GDAL
    layer = dataset.GetLayer(0)
    assert layer.TestCapability(ogr.OLCFastSpatialFilter)
    layer.SetSpatialFilterRect(400_500, 3_897_000, 402_100, 3_899_000)
    assert layer.GetFeatureCount() == 20 * 26


def test_index_boxes_hold_coordinates_float32_cannot_represent(tmp_path):
    # SQLite keeps R-tree boxes as float32: each must be rounded outwards, or queries miss points.
    rng = np.random.default_rng(1)
    x, y = rng.uniform(300_000, 700_000, 3000), rng.uniform(3_000_000, 4_000_000, 3000)
    out = write_points_gpkg(tmp_path / "points.gpkg", x, y, utm())
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT rtreecheck('rtree_points_geom')").fetchone() == ("ok",)
        held = con.execute(
            "SELECT count(*) FROM points JOIN rtree_points_geom r ON r.id = points.fid"
            " WHERE r.minx <= points.x AND points.x <= r.maxx AND r.miny <= points.y AND points.y <= r.maxy"
        ).fetchone()
        assert held == (3000,)


def test_edits_after_writing_keep_the_index_in_step(tmp_path):
    points = lattice(60, 60)
    out = write_points_gpkg(tmp_path / "points.gpkg", points.x, points.y, utm())
    dataset = ogr.Open(str(out), 1)
    layer = dataset.GetLayer(0)
    feature = layer.GetFeature(7)
    feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT (100 200)"))
    layer.SetFeature(feature)
    layer.DeleteFeature(8)
    new = ogr.Feature(layer.GetLayerDefn())
    new.SetGeometry(ogr.CreateGeometryFromWkt("POINT (300 400)"))
    layer.CreateFeature(new)
    dataset = None
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT rtreecheck('rtree_points_geom')").fetchone() == ("ok",)
        assert con.execute("SELECT id FROM rtree_points_geom WHERE maxx < 1000 ORDER BY id").fetchall() == [
            (7,),
            (3601,),
        ]
        assert con.execute("SELECT count(*) FROM rtree_points_geom WHERE id = 8").fetchone() == (0,)


def test_given_ids_and_float_columns(tmp_path):
    fid = np.array([10, 3, 7])
    velocity = np.array([-12.5, np.nan, 3.25])
    out = write_points_gpkg(
        tmp_path / "v.gpkg",
        [1.0, 2.0, 3.0],
        [4.0, 5.0, 6.0],
        utm(),
        fid=fid,
        columns={"velocity": velocity},
        layer="velocity",
    )
    assert_valid(out)
    dataset = ogr.Open(str(out))
    layer = dataset.GetLayer("velocity")
    values = {f.GetFID(): (f.GetGeometryRef().GetX(), f["velocity"]) for f in layer}
    assert values == {10: (1.0, -12.5), 3: (2.0, None), 7: (3.0, 3.25)}
    table, _ = read_points_gpkg(out)
    assert sorted(zip(table.fid.tolist(), table.x.tolist())) == [(3, 2.0), (7, 3.0), (10, 1.0)]


def test_progress_cancel_and_no_partial_file(tmp_path):
    points = lattice(400, 300)
    seen = []
    write_points_gpkg(tmp_path / "p.gpkg", points.x, points.y, utm(), progress=seen.append)
    assert seen == pytest.approx([90.0 * k / 120_000 for k in (100_000, 120_000)] + [100.0])
    calls = iter([False, True])
    with pytest.raises(Canceled):
        write_points_gpkg(tmp_path / "c.gpkg", points.x, points.y, utm(), is_canceled=lambda: next(calls))
    assert not (tmp_path / "c.gpkg").exists() and not list(tmp_path.glob("*.part"))


def test_no_points_is_a_valid_empty_layer(tmp_path):
    out = write_points_gpkg(tmp_path / "empty.gpkg", [], [], utm())
    assert_valid(out)
    dataset = ogr.Open(str(out))
    assert dataset.GetLayer(0).GetFeatureCount() == 0
    with pytest.raises(PointsFileError, match="no points"):
        read_points_gpkg(out)


def test_bad_input_is_refused_with_a_clear_message(tmp_path):
    out = tmp_path / "bad.gpkg"
    cases = [
        (dict(x=[1.0, 2.0], y=[1.0]), "one length"),
        (dict(x=[np.nan], y=[1.0]), "finite"),
        (dict(fid=[1, 1]), "repeat"),
        (dict(fid=[1.5, 2.5]), "integers"),
        (dict(columns={"x": [1, 2]}), "is taken"),
        (dict(columns={"Row": [1, 2], "row": [3, 4]}), "is taken"),
        (dict(columns={"a b": [1, 2]}), "letters, digits"),
        (dict(columns={"row": [1]}), "one value per point"),
        (dict(columns={"name": ["a", "b"]}), "only numbers"),
        (dict(layer="gpkg_points"), "layer name"),
        (dict(layer='p"; DROP TABLE x; --'), "layer name"),
        (dict(crs_wkt="not a crs"), "CRS"),
        (dict(crs_wkt=""), "CRS"),
    ]
    for changes, message in cases:
        arguments = {"x": [1.0, 2.0], "y": [3.0, 4.0], "crs_wkt": utm(), **changes}
        with pytest.raises(ValueError, match=message):
            write_points_gpkg(out, **arguments)
    assert not list(tmp_path.iterdir())


def test_read_points_gpkg_round_trip_and_errors(tmp_path):
    points = lattice(30, 20)
    out = write_points_gpkg(tmp_path / "points.gpkg", points.x, points.y, utm(53))
    table, crs_wkt = read_points_gpkg(out)
    assert table.fid.tolist() == list(range(1, 601)) and table.fid.dtype == np.int64
    assert np.array_equal(table.x, points.x) and np.array_equal(table.y, points.y)
    assert osr.SpatialReference(crs_wkt).GetAuthorityCode(None) == "32653"

    many = tmp_path / "many.gpkg"
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(many))
    srs = osr.SpatialReference(utm())
    for name, kind, wkt in (
        ("a", ogr.wkbPoint, "POINT (1 2)"),
        ("area", ogr.wkbPolygon, "POLYGON ((0 0,1 0,1 1,0 0))"),
        ("holes", ogr.wkbPoint, None),
        ("z", ogr.wkbPoint25D, "POINT Z (5 6 7)"),
    ):
        layer = dataset.CreateLayer(name, srs, kind)
        feature = ogr.Feature(layer.GetLayerDefn())
        if wkt:
            feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feature)
    dataset.CreateLayer("nocrs", None, ogr.wkbPoint)
    dataset = None
    with pytest.raises(PointsFileError, match="5 layers"):
        read_points_gpkg(many)
    with pytest.raises(PointsFileError, match="no layer 'b'"):
        read_points_gpkg(many, "b")
    with pytest.raises(PointsFileError, match="Polygon geometries, not points"):
        read_points_gpkg(many, "area")
    with pytest.raises(PointsFileError, match="without geometry"):
        read_points_gpkg(many, "holes")
    with pytest.raises(PointsFileError, match="no CRS"):
        read_points_gpkg(many, "nocrs")
    assert read_points_gpkg(many, "a")[0].x.tolist() == [1.0]
    z, _ = read_points_gpkg(many, "z")
    assert (z.x.tolist(), z.y.tolist()) == ([5.0], [6.0])
    (tmp_path / "text.gpkg").write_text("not a geopackage")
    with pytest.raises(PointsFileError, match="not a vector file"):
        read_points_gpkg(tmp_path / "text.gpkg")
    with pytest.raises(PointsFileError, match=r"nope\.gpkg"):
        read_points_gpkg(tmp_path / "nope.gpkg")


def test_a_million_points_keep_a_sound_index(tmp_path):
    # Speed is bench/points.py's business; this checks the index at the scale the benchmark runs.
    points = lattice(1000, 1000)
    out = write_points_gpkg(
        tmp_path / "big.gpkg", points.x, points.y, utm(), columns={"row": points.rows, "col": points.cols}
    )
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT rtreecheck('rtree_points_geom')").fetchone() == ("ok",)
    dataset = ogr.Open(str(out))  # kept: a layer outliving its dataset crashes GDAL
    layer = dataset.GetLayer(0)
    assert layer.GetFeatureCount() == 1_000_000
    last = layer.GetFeature(1_000_000)
    assert (last["row"], last["col"], last.GetGeometryRef().GetX()) == (999, 999, 399_920.0 + 999.5 * 80)
