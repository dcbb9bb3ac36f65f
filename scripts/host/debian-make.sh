#!/bin/sh
# Usage: debian-make.sh KERNEL_DIR MAKE_ARGS...
# make against a Debian kernel's headers (KERNEL_DIR from debian-kernel.sh),
# with the compiler they name: on the host, or inside the kernel's Debian
# build root when KERNEL_DIR/buildroot exists. There, a private mount
# namespace gives the chroot /proc and the M= directory at its own path
# (bind mounts that vanish with the command, nothing left mounted).
set -eu
. "$(dirname "$0")/common.sh"
kdir=${1:?usage: debian-make.sh KERNEL_DIR MAKE_ARGS...}
shift
hdr=$(readlink -f "$kdir/headers")
if [ ! -e "$kdir/buildroot" ]; then
	exec make -C "$hdr" "$@"
fi
[ "$(id -u)" = 0 ] || die "building in the Debian build root needs root (chroot)"
br=$(readlink -f "$kdir/buildroot")
m=
for a in "$@"; do case $a in M=*) m=${a#M=} ;; esac; done
[ -n "$m" ] || die "debian-make.sh: no M= directory"
m=$(cd "$m" && pwd)
mkdir -p "$br$m"
exec unshare -m sh -c 'set -e; br=$1 m=$2 hdr=$3; shift 3
	mount --bind "$m" "$br$m"
	mount -t proc proc "$br/proc"
	exec chroot "$br" make -C "$hdr" "$@"' sh "$br" "$m" "${hdr#"$br"}" "$@"
