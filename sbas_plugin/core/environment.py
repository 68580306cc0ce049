"""Which of the Python packages the pipeline needs are installed, without importing them, and the
environment MintPy's own Python is started in."""

import importlib.util
import os
import subprocess
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


def install_command(missing, python: Optional[str] = None) -> str:
    """The command that installs the missing packages into the Python that is running, or into `python`
    (a path, quoted for the platform's shell when it needs quoting)."""
    return f"{quoted(python) if python else 'python'} -m pip install " + " ".join(status.name for status in missing)


def quoted(path: str) -> str:
    """`path` quoted for the platform's shell when it needs quoting."""
    if os.name == "nt":
        return subprocess.list2cmdline([path])
    import shlex

    return shlex.quote(path)


# MintPy's optional features: the module each needs, none of which has wheels for Windows.
OPTIONAL_FEATURES = {
    "SET": "pysolid",  # solid-earth tides
    "ERA5": "pyaps3",  # weather-model tropospheric delays (pygrib, eccodes)
}
OPTIONAL_PREFIX = "optional:"
# Prints the optional features' modules that are there, then MintPy's version on the last line.
MINTPY_VERSION_SCRIPT = (
    "import importlib.util, mintpy; "
    f"print({OPTIONAL_PREFIX!r}, *[m for m in {tuple(OPTIONAL_FEATURES.values())!r} if importlib.util.find_spec(m)]); "
    "print(mintpy.__version__)"
)


def optional_features(printed: str) -> list:
    """The optional features (OPTIONAL_FEATURES' names) whose modules MINTPY_VERSION_SCRIPT's output lists."""
    for line in printed.splitlines():
        if line.startswith(OPTIONAL_PREFIX):
            found = set(line[len(OPTIONAL_PREFIX) :].split())
            return [name for name, module in OPTIONAL_FEATURES.items() if module in found]
    return []


def child_environment() -> dict:
    """The environment MintPy's Python runs in: this one without the running interpreter's settings."""
    env = dict(os.environ)
    # QGIS's own interpreter settings break another Python (qgis/QGIS#67319).
    for key in ("PYTHONHOME", "PYTHONPATH", "PYTHONEXECUTABLE"):
        env.pop(key, None)
    env.update(HDF5_USE_FILE_LOCKING="FALSE", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    return env


def run_python(python, script: str, *arguments: str) -> subprocess.CompletedProcess:
    """`python -c script arguments…` in child_environment(), its output captured as text, no input and no
    console window; a first import on a cold disk can take minutes (the timeout)."""
    return subprocess.run(
        [str(python), "-c", script, *arguments],
        env=child_environment(),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
        stdin=subprocess.DEVNULL,
        creationflags=subprocess.CREATE_NO_WINDOW if os.name == "nt" else 0,
    )
