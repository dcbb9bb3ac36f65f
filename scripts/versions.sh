# shellcheck shell=sh
# The one place that knows how kernel versions differ on the host side.
# Sourced by the other scripts with KVER set; sets DEB_PKG, DEB_SUITE.
# Differences inside the kernel C code live in module/movops_compat.h.

case "${KVER:-7.3}" in
7.3)	DEB_PKG=linux-source-7.3;  DEB_SUITE=trixie-backports ;;
6.12)	DEB_PKG=linux-source-6.12; DEB_SUITE=trixie ;;
*)	echo "movops: unsupported KVER='$KVER' (supported: 7.3 6.12)" >&2
	exit 2 ;;
esac
