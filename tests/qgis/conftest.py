"""QGIS tier: real QGIS 3.22 through pytest-qgis, offscreen."""

import os
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, osr
from qgis.core import QgsApplication, QgsRasterLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QMessageBox

from sbas_plugin.gui.layers import is_under
from sbas_plugin.processing.provider import SbasProvider

UTM54 = 32654


def write_utm_raster(path, x0=399_920.0, y0=3_900_080.0, size=80.0, width=50, height=40):
    """A float32 GeoTIFF on an HyP3-like 80 m lattice in WGS 84 / UTM 54N."""
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), width, height, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((x0, size, 0, y0, 0, -size))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(UTM54)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(np.arange(width * height, dtype=np.float32).reshape(height, width))
    dataset = None
    return path


def open_files_under(*roots) -> list:
    """The files this process has open under `roots` (Linux's /proc/self/fd): those Windows would lock."""
    roots = [Path(root).resolve() for root in roots]
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed since listed
            continue
        if is_under(path, roots):
            found.append(path)
    return found


def wait_until(qgis_app, condition, seconds: float, what: str) -> None:
    """Let Qt run (queued signals, task ends) until condition() holds; the deadline only guards a hang."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        qgis_app.processEvents()
        time.sleep(0.01)
    qgis_app.processEvents()


@pytest.fixture
def utm_raster(tmp_path):
    layer = QgsRasterLayer(str(write_utm_raster(tmp_path / "velocity.tif")), "velocity")
    assert layer.isValid()
    return layer


@contextmanager
def sbas_provider():
    """The sbas Processing provider registered for the block, unless one already is (the plugin's)."""
    registry = QgsApplication.processingRegistry()
    added = None
    if registry.providerById("sbas") is None:
        added = SbasProvider()
        registry.addProvider(added)
    try:
        yield registry.providerById("sbas")
    finally:
        if added is not None:
            registry.removeProvider(added)


@pytest.fixture(scope="module")
def provider(qgis_processing):
    with sbas_provider() as registered:
        yield registered


def answer_next_question(button) -> None:
    """Click a button of the next modal message box, as the user does."""

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)
