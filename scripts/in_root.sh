#!/usr/bin/env bash
# Runs a command for a PostgreSQL major this machine's Debian does not
# have, in a minimal Debian root that has it: 17 in Debian 13 (trixie), 18
# in sid.  Installing those servers on the host would upgrade its C
# library, so they live in a root of their own, built once with mmdebstrap
# (about a minute, and a minute and a half for the packages) under
# /var/tmp/loyalty_kpi-roots/MAJOR and kept for the next run.  The
# checkout is copied in fresh each run (its build products would not match
# the host's), ../shared is bind-mounted beside it, and the command runs
# inside with the checkout as its directory.  Needs root (mounts, chroot).
#
#   bash scripts/in_root.sh MAJOR COMMAND...
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
major=$1
shift
case $major in
    17) suite=trixie ;;
    18) suite=sid ;;
    *) echo "in_root.sh: no Debian root is set up for PostgreSQL $major (15 runs on Debian 12 itself)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "in_root.sh: needs root (mmdebstrap, mounts, chroot)" >&2; exit 2; }

roots=${LK_ROOTS:-/var/tmp/loyalty_kpi-roots}
root=$roots/$major
packages=(make gcc "postgresql-$major" "postgresql-server-dev-$major" postgresql-common libnlopt-dev libicu-dev
          "postgresql-$major-pgtap" libtap-parser-sourcehandler-pgtap-perl python3-psycopg2
          "postgresql-$major-cron" ca-certificates procps locales-all)
if [ ! -x "$root/usr/lib/postgresql/$major/bin/postgres" ]; then
    command -v mmdebstrap >/dev/null || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null; }
    mkdir -p "$roots"
    rm -rf "$root.new"
    echo "in_root.sh: building a Debian $suite root with PostgreSQL $major in $root"
    # sid's release file may be past its Valid-Until date on a mirror
    mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
        --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$root.new" >"$roots/$major.log" 2>&1 ||
        { tail -n 20 "$roots/$major.log"; exit 1; }
    mv "$root.new" "$root"
fi

# the checkout, fresh; ../shared beside it, read-only
rm -rf "$root/work"
mkdir -p "$root/work/main" "$root/work/shared"
tar -C . --exclude='./results' --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . | tar -C "$root/work/main" -xf -
mounts=()
mount_bind() { mount --bind "$1" "$2" && mounts=("$2" "${mounts[@]}"); }
cleanup() { for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
[ -d ../shared ] && mount_bind ../shared "$root/work/shared" && mount -o remount,bind,ro "$root/work/shared"
mount -t proc proc "$root/proc" && mounts=("$root/proc" "${mounts[@]}")
mount_bind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/dev/shm" && mounts=("$root/dev/shm" "${mounts[@]}")
mount -t sysfs sysfs "$root/sys" && mounts=("$root/sys" "${mounts[@]}")
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 CI="${CI:-}" \
    bash -c 'cd /work/main && "$@"' in_root "$@"
