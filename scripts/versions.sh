# shellcheck shell=sh
# The one place that knows how kernel versions differ on the host side.
# Sourced by the other scripts with KVER set; sets DEB_PKG, DEB_SUITE, and
# KOBJECTS: how many .o files a cold default build writes (counted once on
# the 2-core machine; the progress line's estimate until this machine has
# finished a build of its own, whose count it then uses).
# Differences inside the kernel C code live in module/movops_compat.h.

case "${KVER:-7.3}" in
7.3)	DEB_PKG=linux-source-7.3;  DEB_SUITE=trixie-backports KOBJECTS=1427 ;;
6.12)	DEB_PKG=linux-source-6.12; DEB_SUITE=trixie KOBJECTS='' ;;
*)	echo "movops: unsupported KVER='$KVER' (supported: 7.3 6.12)" >&2
	exit 2 ;;
esac
