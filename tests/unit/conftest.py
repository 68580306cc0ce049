"""Unit tier: the pure core, with QGIS and Qt kept out of the process."""

import sys

import pytest

from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack


@pytest.fixture(autouse=True, scope="session")
def no_qgis_imported():
    yield
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in ("qgis", "PyQt5", "PyQt6"))
    assert not leaked, f"the unit tier imported QGIS/Qt modules: {leaked[:5]}"


def run_synthetic(root, corners, **stack_options) -> tuple:
    """A synthetic HyP3 stack written to root/products and run through the whole pipeline (real MintPy)
    into root/work, over the polygon through `corners`, (col, row) of the stack's grid:
    (truth, RunResult)."""
    truth = write_synthetic_stack(root / "products", **stack_options)
    x0, dx, _, y0, _, dy = truth.transform
    ring = [*corners, corners[0]]
    aoi = "POLYGON((" + ",".join(f"{x0 + c * dx} {y0 + r * dy}" for c, r in ring) + "))"
    return truth, run_pipeline(root / "products", aoi, root / "work", aoi_crs=f"EPSG:{truth.epsg}")


@pytest.fixture(scope="session")
def scene(tmp_path_factory):
    """The default synthetic scene (60 x 80 pixels, 8 dates) processed once, for the modules that only
    read it: rows 2-44, cols 2-78, clear of the lake and of the patch with an unwrapping error.
    (truth, work folder)."""
    truth, run = run_synthetic(tmp_path_factory.mktemp("scene"), [(2, 2), (78, 2), (78, 44), (2, 44)])
    return truth, run.work
