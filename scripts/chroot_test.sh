#!/usr/bin/env bash
# Run the README's set-up and test commands on a fresh clone of this repository inside a chroot of
# another Debian release (as root), so one machine checks the others. Usage:
#   bash scripts/chroot_test.sh RELEASE DIR [COMMAND]
# RELEASE is a Debian suite (bookworm, trixie, sid). DIR is made with debootstrap when it holds no
# Debian yet, and reused when it does (then only the clone is fresh). COMMAND runs in the clone
# instead of the two commands (for benchmarks and screenshots by hand). The mounts (proc, sys, dev)
# are undone however the run ends; DIR itself is left for the caller to remove.
set -euo pipefail
release=${1:?usage: chroot_test.sh RELEASE DIR [COMMAND]}
dir=${2:?usage: chroot_test.sh RELEASE DIR [COMMAND]}
command=${3:-"bash scripts/setup.sh && bash scripts/test.sh"}
repo=$(cd "$(dirname "$0")/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then
  echo "chroot_test: run as root (debootstrap, mount and chroot need it)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ! -s "$dir/etc/debian_version" ]; then
  echo "chroot_test: debootstrap $release into $dir"
  started=$(date +%s)
  debootstrap --variant=minbase --include=ca-certificates "$release" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 || {
    tail -20 "$dir.debootstrap.log" >&2
    exit 1
  }
  echo "chroot_test: debootstrap took $(($(date +%s) - started)) s"
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# The chroot trusts what this machine trusts: a certificate authority this machine added (a proxy's,
# say) goes into the chroot's own store, or pip cannot reach the package index from inside.
python3 - "$dir" <<'PY'
import re, sys
from pathlib import Path
pem = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
chroot = Path(sys.argv[1])
host = pem.findall(Path("/etc/ssl/certs/ca-certificates.crt").read_text())
own = {c for f in (chroot / "usr/share/ca-certificates").rglob("*.crt") for c in pem.findall(f.read_text())}
extra = [cert for cert in host if cert not in own]
local = chroot / "usr/local/share/ca-certificates"
local.mkdir(parents=True, exist_ok=True)
for old in local.glob("host-*.crt"):
    old.unlink()
for number, cert in enumerate(extra):
    (local / f"host-{number}.crt").write_text(cert + "\n")
PY
chroot "$dir" update-ca-certificates >/dev/null 2>&1 || true
# apt inside reaches the archive as this machine's apt does: its proxy, and whether it accepts a Release
# file past its Valid-Until (a frozen mirror serves sid's expired).
apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' >"$dir/etc/apt/apt.conf.d/99sbas-host" || true
# No daemon a package installs may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod +x "$dir/usr/sbin/policy-rc.d"

mounted=()
undo_mounts() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true
  done
  mounted=()
}
trap undo_mounts EXIT
trap 'exit 130' INT TERM
mount -t proc proc "$dir/proc" && mounted+=("$dir/proc")
mount --rbind /sys "$dir/sys" && mount --make-rslave "$dir/sys" && mounted+=("$dir/sys")
mount --rbind /dev "$dir/dev" && mount --make-rslave "$dir/dev" && mounted+=("$dir/dev")

clone="$dir/root/sbas"
rm -rf "$clone"
git clone --quiet --no-hardlinks "$repo" "$clone"
echo "chroot_test: $(cat "$dir/etc/debian_version") in $dir, clone of $(git -C "$clone" rev-parse --short HEAD)"
status=0
chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
  SBAS_UNTESTED_DEBIAN="${SBAS_UNTESTED_DEBIAN:-}" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c "cd /root/sbas && $command" || status=$?
undo_mounts
exit "$status"
