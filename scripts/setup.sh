#!/usr/bin/env bash
# One-command set-up on Debian 12 (run as root): Debian's QGIS 3.22 and compiled geo stack,
# a --system-site-packages venv at .venv/, pinned pip packages, and this project installed editable.
# Idempotent: each stage is skipped when what it would do is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

apt_packages=(
  qgis python3-qgis qgis-providers python3-gdal gdal-bin xvfb xauth python3-venv
  # compiled packages shared with QGIS's GDAL/HDF5 and numpy ABI: Debian's builds, never pip's
  python3-numpy python3-matplotlib python3-rasterio python3-h5py python3-scipy python3-pandas
  # lrelease: scripts/package.py compiles sbas_plugin/i18n/*.ts into the .qm files the zip carries
  qttools5-dev-tools
  # a Japanese font, so graphs with Japanese names draw them (Windows has Yu Gothic / Meiryo)
  fonts-ipaexfont-gothic
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The system interpreter, not whatever python3 comes first on PATH: PyQGIS is built for it.
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
# Debian's pyproj looks for PROJ's data under sys.prefix, which in a venv is .venv/, not /usr.
[ -e .venv/share/proj ] || { mkdir -p .venv/share && ln -s /usr/share/proj .venv/share/proj; }
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

# Debian ships h5py under the distribution name "h5py._debian_h5py_serial", so pip does not see it
# and would install a wheel carrying its own HDF5 1.14, which clashes with the HDF5 1.10 that
# QGIS's GDAL already has loaded. Register Debian's build under its real name instead.
h5ver=$(/usr/bin/python3 -c 'import h5py; print(h5py.__version__)')
h5info="$site/h5py-$h5ver.dist-info"
if [ ! -d "$h5info" ]; then
  mkdir -p "$h5info"
  printf 'Metadata-Version: 2.1\nName: h5py\nVersion: %s\nSummary: Debian python3-h5py (system site-packages)\n' \
    "$h5ver" > "$h5info/METADATA"
  echo debian > "$h5info/INSTALLER"
  : > "$h5info/RECORD"
fi

# pip runs only when the inputs changed since the last successful install.
stamp=.venv/.setup-stamp
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip install -q -c constraints.txt -e ".[dev]"
  echo "$want" > "$stamp"
fi
.venv/bin/sbas --version
echo "setup: done ($root/.venv)"
