#!/usr/bin/env bash
# Opens real QGIS with the plugin from this working tree, in a throw-away profile (under xvfb-run when
# there is no display). Extra arguments go to qgis, e.g. --code scripts/qgis_screenshot.py.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
config=${SBAS_QGIS_CONFIG:-$(mktemp -d /tmp/sbas-qgis.XXXXXX)}
profile="$config/profiles/default"
plugin="$profile/python/plugins/sbas_plugin"

# Compiled translations (ignored by git), so a Japanese QGIS shows the plugin in Japanese.
.venv/bin/python scripts/translations.py --release sbas_plugin/i18n >/dev/null

# The plugin folder QGIS loads: links into the working tree, plus the root metadata.txt.
rm -rf "$plugin" && mkdir -p "$plugin"
for entry in "$root"/sbas_plugin/*; do ln -s "$entry" "$plugin/"; done
ln -s "$root/metadata.txt" "$plugin/metadata.txt"

ini="$profile/QGIS/QGIS3.ini"
if [ ! -f "$ini" ]; then
  mkdir -p "$(dirname "$ini")"
  cat > "$ini" <<INI
[PythonPlugins]
sbas_plugin=true
[qgis]
checkVersion=false
showTips322=false
[core]
NewsFeed\\httpsfeedqgisorg\\disabled=true
[sbas_plugin]
mintpy_python=$root/.venv/bin/python
INI
fi

# The venv's packages (hyp3_sdk, asf_search, MintPy) for QGIS's own Python.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
export QGIS_CUSTOM_CONFIG_PATH="$config"
echo "QGIS profile: $config" >&2
command=(qgis --nologo "$@")
if [ -z "${DISPLAY:-}" ]; then
  command=(xvfb-run -a -s "-screen 0 1600x1000x24" "${command[@]}")
fi
exec "${command[@]}"
