#!/usr/bin/env bash
# By hand only (as root): the README's set-up and test commands on a fresh clone in a Debian sid
# chroot, whose QGIS is newer than any release's. Sid changes daily, so it is no CI gate; what it
# gave last is recorded in README.md (Tested QGIS versions). Usage:
#   bash scripts/try_debian_sid.sh [DIR]     (default /var/tmp/sbas-sid; reused when it exists)
# Set-up on sid uses Debian's compiled stack and the newest pip packages (no pins exist for it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/var/tmp/sbas-sid}
SBAS_UNTESTED_DEBIAN=1 exec bash scripts/chroot_test.sh sid "$dir" \
  'echo "sid: $(cat /etc/debian_version), $(dpkg-query -W -f="QGIS \${Version}" qgis 2>/dev/null || echo "QGIS not yet installed")"; bash scripts/setup.sh && bash scripts/test.sh; status=$?; dpkg-query -W -f="sid: QGIS \${Version}, Python $(python3 -V | cut -d" " -f2)\n" qgis; exit $status'
