#!/usr/bin/env bash
# One-command set-up on Debian 12 or 13 (run as root): that release's own QGIS (3.22 on Debian 12,
# 3.40 on Debian 13) and compiled geo stack, a --system-site-packages venv at .venv/, the pip packages
# pinned for that release in constraints/debianNN.txt, and this project installed editable.
# Idempotent: each stage is skipped when what it would do is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The release decides the pins: Debian 12 and 13 ship different numpy, matplotlib, GDAL and Python.
release=$(cut -d. -f1 /etc/debian_version 2>/dev/null || true)
constraints=constraints/debian$release.txt
if [ ! -f "$constraints" ]; then
  if [ "${SBAS_UNTESTED_DEBIAN:-}" = 1 ] && [ -f /etc/debian_version ]; then
    constraints=""  # scripts/try_debian_sid.sh: Debian's compiled stack, the newest pip packages
    echo "setup: $(cat /etc/debian_version) is not a tested release: no pins for pip packages"
  else
    echo "setup: this system is $(cat /etc/debian_version 2>/dev/null || uname -sr); supported are Debian 12" \
      "(bookworm, QGIS 3.22) and Debian 13 (trixie, QGIS 3.40). Elsewhere, install QGIS and see README.md." >&2
    exit 2
  fi
fi

apt_packages=(
  qgis python3-qgis qgis-providers python3-gdal gdal-bin xvfb xauth python3-venv
  # compiled packages shared with QGIS's GDAL/HDF5 and numpy ABI: Debian's builds, never pip's
  python3-numpy python3-matplotlib python3-rasterio python3-h5py python3-scipy
  # pandas: only bench/ uses it, for the notebook-style baselines
  python3-pandas
  # builds the project from pyproject.toml without fetching setuptools (Python 3.13's venv has none)
  python3-setuptools python3-wheel
  # lrelease: scripts/package.py compiles sbas_plugin/i18n/*.ts into the .qm files the zip carries
  qttools5-dev-tools
  # a Japanese font, so graphs with Japanese names draw them (Windows has Yu Gothic / Meiryo)
  fonts-ipaexfont-gothic
  # a one-node SLURM that tests/unit/test_cluster.py starts, to run MintPy's workers as real batch jobs
  slurm-wlm munge
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

# Debian 12 ships h5py under the distribution name "h5py._debian_h5py_serial", so pip does not see it
# and would install a wheel carrying its own HDF5 1.14, which clashes with the HDF5 1.10 that
# QGIS's GDAL already has loaded. Register Debian's build under its real name instead (Debian 13's
# package registers both names itself).
if ! /usr/bin/python3 -c 'import importlib.metadata as m; m.version("h5py")' 2>/dev/null; then
  h5ver=$(/usr/bin/python3 -c 'import h5py; print(h5py.__version__)')
  h5info="$site/h5py-$h5ver.dist-info"
  if [ ! -d "$h5info" ]; then
    mkdir -p "$h5info"
    printf 'Metadata-Version: 2.1\nName: h5py\nVersion: %s\nSummary: Debian python3-h5py (system site-packages)\n' \
      "$h5ver" > "$h5info/METADATA"
    echo debian > "$h5info/INSTALLER"
    : > "$h5info/RECORD"
  fi
fi

# Debian's compiled packages are pinned to the versions installed, so pip never replaces them (a
# Debian point release may move them past the file's pins; the file's other pins stay as tested).
debian_builds=(numpy matplotlib rasterio h5py)
pins=.venv/constraints.txt
{
  [ -z "$constraints" ] || grep -v -E "^($(IFS='|'; echo "${debian_builds[*]}"))==" "$constraints"
  for name in "${debian_builds[@]}"; do
    # the public version: Debian's "3.10.1+dfsg1" is pinned as 3.10.1, which it satisfies
    echo "$name==$(/usr/bin/python3 -c "import $name; print($name.__version__.split('+')[0])")"
  done
} >"$pins.new"
if [ -n "$constraints" ]; then
  for name in "${debian_builds[@]}"; do
    tested=$(grep -i "^$name==" "$constraints" || true)
    installed=$(grep "^$name==" "$pins.new")
    [ "${tested,,}" = "${installed,,}" ] || echo "setup: Debian has $installed, $constraints was tested with ${tested:-none}"
  done
fi
mv "$pins.new" "$pins"

# pip runs only when the inputs changed since the last successful install. The project is built
# with Debian's setuptools (no build isolation): nothing to fetch, the same on every release.
stamp=.venv/.setup-stamp
want=$(cat pyproject.toml "$pins" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip install -q --no-build-isolation -c "$pins" -e ".[dev]"
  echo "$want" > "$stamp"
fi
# The wheels of the managed MintPy environment's list (sbas_plugin/core/mintpy_requirements.txt) for this
# machine: the tests install that environment from them through a package index on 127.0.0.1, not PyPI.
wheelhouse=.venv/wheelhouse
want=$(sha256sum sbas_plugin/core/mintpy_requirements.txt | cut -d' ' -f1)
if [ "$(cat "$wheelhouse/.stamp" 2>/dev/null)" != "$want" ]; then
  PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip download -q --no-deps --only-binary=:all: -d "$wheelhouse" \
    -r sbas_plugin/core/mintpy_requirements.txt
  echo "$want" > "$wheelhouse/.stamp"
fi
.venv/bin/sbas --version
echo "setup: done ($root/.venv)"
