"""Which of the Python packages the pipeline needs are installed, without importing them."""

import importlib.util
from dataclasses import dataclass
from importlib import metadata
from typing import Optional

# import name -> what it is for, in the users' words
PACKAGES = {
    "hyp3_sdk": "HyP3 jobs",
    "asf_search": "Sentinel-1 scene search",
    "mintpy": "MintPy time series",
    "h5py": "reading MintPy results",
    "rasterio": "GeoTIFF reading and writing",
    "pandas": "CSV tables",
    "matplotlib": "graphs",
}


@dataclass(frozen=True)
class PackageStatus:
    name: str
    purpose: str
    version: Optional[str]  # None when missing

    @property
    def installed(self) -> bool:
        return self.version is not None


def _version(name: str) -> Optional[str]:
    if importlib.util.find_spec(name) is None:
        return None
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # installed by a system package manager under another name
        return "installed"


def package_status() -> list:
    return [PackageStatus(name, purpose, _version(name)) for name, purpose in PACKAGES.items()]


def install_command(missing) -> str:
    """The command that installs the missing packages into the Python that is running."""
    return "python -m pip install " + " ".join(status.name for status in missing)
