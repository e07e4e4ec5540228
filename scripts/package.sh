#!/usr/bin/env bash
# Builds the Debian packages postgresql-NN-loyalty-kpi (debian/, pg_buildext)
# for every PostgreSQL major whose server headers are installed here
# (postgresql-server-dev-NN; 15 on Debian 12) and debian/pgversions allows,
# from a clean copy of the checkout (its tracked files), so the build
# products of a working tree never reach a package.  Installs the build
# dependencies it lacks (one apt-get update, then apt-get install).
#
#   bash scripts/package.sh [OUTDIR]     the .deb files go to OUTDIR (default build/packages)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(realpath -m "${1:-build/packages}")

bash scripts/apt_install.sh dpkg-dev debhelper postgresql-server-dev-all libnlopt-dev libicu-dev git

version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/loyalty-kpi-$version
mkdir -p "$src"
# the tracked files, as they are in the working tree (uncommitted edits included)
git ls-files -z | tar --null -T - -cf - | tar -C "$src" -xf -
# debian/control names a package per major this machine supports (pg_buildext updatecontrol)
(cd "$src" && pg_buildext updatecontrol && dpkg-buildpackage -us -uc >"$work/build.log" 2>&1) ||
    { tail -n 40 "$work/build.log"; echo "package: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/postgresql-*-loyalty-kpi_*.deb
cp "$work"/postgresql-*-loyalty-kpi_"$version"_*.deb "$out"/
ls "$out"/*.deb
