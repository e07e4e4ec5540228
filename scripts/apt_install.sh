#!/usr/bin/env bash
# Installs the Debian packages named that this machine lacks: one apt-get
# update, then one apt-get install, and nothing when all are there.  As root,
# or through sudo.  Used by setup.sh, package.sh and in_root.sh.
#
#   bash scripts/apt_install.sh PACKAGE...
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
