"""Plugin metadata, read from metadata.txt, the single source of truth."""

from configparser import ConfigParser
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def metadata_path() -> Path:
    # A packaged plugin has metadata.txt beside this file; the repository keeps it one level up.
    for candidate in (PACKAGE_DIR / "metadata.txt", PACKAGE_DIR.parent / "metadata.txt"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"metadata.txt is neither in {PACKAGE_DIR} nor in its parent folder")


def read_metadata() -> dict:
    parser = ConfigParser(interpolation=None)
    parser.read(metadata_path(), encoding="utf-8")
    return dict(parser["general"])


METADATA = read_metadata()
__title__ = METADATA["name"]
__version__ = METADATA["version"]
PLUGIN_TAG = "SBAS"
