#!/bin/sh
# Install the host packages movops needs, if any is missing. As root: with
# apt-get. Otherwise: print the one command to run and stop.
# Usage: setup-host.sh [--also] [PACKAGE...]
set -eu
PKGS="make gcc libc6-dev perl flex bison bc libelf-dev libssl-dev cpio xz-utils
kmod python3 python3-jsonschema qemu-system-x86 busybox-static sparse gnuplot-nox lcov"
# With arguments: those packages only (a target's own set-up); with --also
# first, the list above and those (make setup: one dpkg-query for all).
if [ "${1:-}" = --also ]; then
	shift
	PKGS="$PKGS $*"
elif [ $# -gt 0 ]; then
	PKGS="$*"
fi
# One dpkg-query for all (make check asks several times per run).
# shellcheck disable=SC2086
have=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
	awk '$2 == "install" && $3 == "ok" && $4 == "installed" { printf "%s ", $1 }')"
missing=
for p in $PKGS; do
	case $have in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "movops: missing host packages. Run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "movops: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >&2
