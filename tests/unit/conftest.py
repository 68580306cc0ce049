"""Unit tier: the pure core, with QGIS and Qt kept out of the process."""

import sys

import pytest


@pytest.fixture(autouse=True, scope="session")
def no_qgis_imported():
    yield
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in ("qgis", "PyQt5", "PyQt6"))
    assert not leaked, f"the unit tier imported QGIS/Qt modules: {leaked[:5]}"
