"""The packaged zip, unpacked into a throw-away QGIS profile, works with the real qgis_process."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from qgis.core import Qgis

from sbas_plugin.__about__ import __version__

ROOT = Path(__file__).resolve().parents[2]
# The command users type: Debian's /usr/bin/qgis_process wrapper, except on 3.22, which rejects the
# --noversioncheck the wrapper passes (3.40 accepts it).
if Qgis.versionInt() < 32300:
    QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/lib/qgis/qgis_process.bin"
else:
    QGIS_PROCESS = shutil.which("qgis_process") or "/usr/bin/qgis_process"


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), str(out)], check=True, capture_output=True)
    return out / f"sbas_plugin-{__version__}.zip"


@pytest.fixture(scope="module")
def profile(package, tmp_path_factory):
    config = tmp_path_factory.mktemp("qgis-config")
    plugins = config / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(plugins)
    return config


def qgis_process(profile, *args):
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(profile), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([QGIS_PROCESS, *args], env=env, capture_output=True, text=True, timeout=120)


def test_zip_holds_only_the_plugin_folder(package):
    names = zipfile.ZipFile(package).namelist()
    assert {name.split("/")[0] for name in names} == {"sbas_plugin"}
    assert "sbas_plugin/metadata.txt" in names and "sbas_plugin/__init__.py" in names
    assert "sbas_plugin/icons/sbas.svg" in names and "sbas_plugin/LICENSE" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo")) or "/tests/" in n]
    assert "sbas_plugin/i18n/sbas_plugin_ja.qm" in names  # compiled by lrelease from the .ts
    assert not [n for n in names if n.endswith(".ts")]
    assert zipfile.ZipFile(package).read("sbas_plugin/i18n/sbas_plugin_ja.qm")[:4] == bytes.fromhex("3cb86418")
    packaged = zipfile.ZipFile(package).read("sbas_plugin/metadata.txt")
    assert packaged == (ROOT / "metadata.txt").read_bytes()


def test_qgis_process_lists_the_sbas_provider(profile):
    enabled = qgis_process(profile, "plugins", "enable", "sbas_plugin")
    assert enabled.returncode == 0, enabled.stderr
    listed = qgis_process(profile, "--json", "list")
    assert listed.returncode == 0, listed.stderr
    providers = json.loads(listed.stdout[listed.stdout.index("{") :])["providers"]
    assert "sbas" in providers
    assert "sbas:points" in providers["sbas"]["algorithms"]
    for name in ("run", "clip", "mintpy", "export", "extract", "plot", "search", "pairs", "submit", "status"):
        assert f"sbas:{name}" in providers["sbas"]["algorithms"]
    assert "sbas:download" in providers["sbas"]["algorithms"]
    plain = qgis_process(profile, "list").stdout
    assert "sbas:points" in plain


def test_qgis_process_runs_points_headless(profile, utm_raster, tmp_path):
    aoi = tmp_path / "aoi.geojson"
    ring = [
        [400_100, 3_898_500],
        [400_900, 3_898_500],
        [400_900, 3_899_300],
        [400_100, 3_899_300],
        [400_100, 3_898_500],
    ]
    aoi.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32654"}},
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
                ],
            }
        )
    )
    out = tmp_path / "points.gpkg"
    qgis_process(profile, "plugins", "enable", "sbas_plugin")
    ran = qgis_process(
        profile, "run", "sbas:points", "--", f"RASTER={utm_raster.source()}", f"AOI={aoi}", f"OUTPUT={out}"
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(str(out), "points", "ogr")
    assert layer.featureCount() == 100
