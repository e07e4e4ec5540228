#!/usr/bin/env bash
# Runs a command in a minimal Debian root of its own, built once with
# mmdebstrap (about a minute, and a minute and a half for the packages)
# under /var/tmp/loyalty_kpi-roots/NAME and kept for the next run:
#   MAJOR          a PostgreSQL major this machine's Debian does not have:
#                  17 in Debian 13 (trixie), 18 in sid, with the build tools;
#                  installing those servers on the host would upgrade its C
#                  library;
#   --package MAJOR DIR
#                  a clean root of the major's Debian (15: Debian 12) with
#                  the server and the test tools but no compiler or server
#                  headers, seen through an overlay so every run starts
#                  clean; DIR (the .deb files) is bind-mounted at
#                  /work/packages for the command to install.
# The checkout is copied in fresh each run (its build products would not
# match the root's), ../shared is bind-mounted beside it read-only, and the
# command runs inside with the checkout as its directory.  Needs root
# (mounts, chroot).
#
#   bash scripts/in_root.sh MAJOR COMMAND...
#   bash scripts/in_root.sh --package MAJOR DIR COMMAND...
#   bash scripts/in_root.sh --host-major     this machine's own major
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# the major each Debian release ships
major_of() {
    case $1 in bookworm) echo 15 ;; trixie) echo 17 ;; sid | forky) echo 18 ;; *) echo unknown ;; esac
}
codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-sid}")
if [ "${1:-}" = "--host-major" ]; then
    major_of "$codename"
    exit 0
fi
package_dir=""
if [ "${1:-}" = "--package" ]; then
    package_dir=$(realpath "$3")
    major=$2
    shift 3
else
    major=$1
    shift
fi
case $major in
    15) suite=bookworm ;;
    17) suite=trixie ;;
    18) suite=sid ;;
    *) echo "in_root.sh: no Debian root is set up for PostgreSQL $major" >&2; exit 2 ;;
esac
if [ -z "$package_dir" ] && [ "$major" = "$(major_of "$codename")" ]; then
    echo "in_root.sh: PostgreSQL $major is this machine's own: run the command here" >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || { echo "in_root.sh: needs root (mmdebstrap, mounts, chroot)" >&2; exit 2; }

roots=${LK_ROOTS:-/var/tmp/loyalty_kpi-roots}
# what the suite needs to run; a build root adds the compiler and the server headers
packages=(make "postgresql-$major" postgresql-common "postgresql-$major-pgtap"
          libtap-parser-sourcehandler-pgtap-perl python3-psycopg2 "postgresql-$major-cron"
          ca-certificates procps locales-all python3)
if [ -n "$package_dir" ]; then
    name=$major-package
    # and what the packages depend on, so that dpkg -i finds it there
    for deb in "$package_dir"/*.deb; do
        packages+=($(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/ //g'))
    done
else
    name=$major
    packages+=(gcc "postgresql-server-dev-$major" libnlopt-dev libicu-dev)
fi
root=$roots/$name
if [ ! -x "$root/usr/lib/postgresql/$major/bin/postgres" ]; then
    bash scripts/apt_install.sh mmdebstrap
    mkdir -p "$roots"
    rm -rf "$root.new"
    echo "in_root.sh: building a Debian $suite root ($name) in $root"
    # sid's release file may be past its Valid-Until date on a mirror
    mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
        --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$root.new" >"$roots/$name.log" 2>&1 ||
        { tail -n 20 "$roots/$name.log"; exit 1; }
    mv "$root.new" "$root"
fi

mounts=()
mount_bind() { mount --bind "$1" "$2" && mounts=("$2" "${mounts[@]}"); }
scratch=""
cleanup() {
    for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
    [ -z "$scratch" ] || rm -rf "$scratch"
}
trap cleanup EXIT
# a package root is seen through an overlay (or copied, where overlays are
# not allowed), so what the command installs is gone after it
if [ -n "$package_dir" ]; then
    scratch=$(mktemp -d "$roots/run.XXXXXX")
    mkdir -p "$scratch/upper" "$scratch/work" "$scratch/root"
    if mount -t overlay overlay -o "lowerdir=$root,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root" 2>/dev/null; then
        mounts=("$scratch/root")
    else
        cp -a "$root/." "$scratch/root/"
    fi
    root=$scratch/root
fi

# the checkout, fresh; ../shared beside it, read-only
rm -rf "$root/work"
mkdir -p "$root/work/main" "$root/work/shared"
tar -C . --exclude='./results' --exclude='./build' --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . |
    tar -C "$root/work/main" -xf -
[ -d ../shared ] && mount_bind ../shared "$root/work/shared" && mount -o remount,bind,ro "$root/work/shared"
if [ -n "$package_dir" ]; then
    mkdir -p "$root/work/packages"
    mount_bind "$package_dir" "$root/work/packages"
fi
mount -t proc proc "$root/proc" && mounts=("$root/proc" "${mounts[@]}")
mount_bind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/dev/shm" && mounts=("$root/dev/shm" "${mounts[@]}")
mount -t sysfs sysfs "$root/sys" && mounts=("$root/sys" "${mounts[@]}")
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 CI="${CI:-}" \
    bash -c 'cd /work/main && "$@"' in_root "$@"
