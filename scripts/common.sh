# shellcheck shell=sh
# Paths shared by the host scripts. Sourced; callers may preset any of them.
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${KVER:=7.3}"
: "${FLAVOR:=default}"
# Downloads and kernel builds live outside the clone so that a second clone
# reuses them; nothing requires them to be there.
: "${MOVOPS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/movops}"
: "${BUILD:=$TOP/build}"
: "${RESULTS:=$BUILD/results/$KVER}"

die() {
	echo "movops: $*" >&2
	exit 1
}
