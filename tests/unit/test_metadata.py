"""metadata.txt at the repository root is the single source of plugin metadata."""

import re

from sbas_plugin.__about__ import METADATA, __version__, metadata_path

REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "repository")


def test_required_keys_present_and_filled():
    missing = [key for key in (*REQUIRED, "tracker", "tags") if not METADATA.get(key.lower(), "").strip()]
    assert not missing


def test_qgis_range_and_qt6():
    assert METADATA["qgisminimumversion"] == "3.22"
    assert METADATA["qgismaximumversion"] == "4.99"
    assert METADATA["supportsqt6"] == "True"
    assert METADATA["hasprocessingprovider"] == "yes"


def test_version_is_semver_and_read_from_the_root_file():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert metadata_path().parent.name != "sbas_plugin"  # the repository's copy, not a stale one inside


def test_icon_exists():
    assert (metadata_path().parent / "sbas_plugin" / METADATA["icon"]).is_file()
