#!/bin/sh
# Usage: modules-stamp.sh fresh|write|clear MOD_SRC KDIR
# Against Debian's prebuilt kernels (KERNEL=debian, debian-rt) the module
# build's inputs are this repo's sources (the set sync-src.sh copies) and
# the kernel's headers, which never change once unpacked (a directory per
# Debian package version; its compiler is the one .kernelvariables names).
# An unchanged build still costs 2 to 4 s here, all of it kbuild's set-up
# (its compiler probes), for nothing. write: after a successful build,
# record in MOD_SRC a sha256 of the headers' real path and of every source
# file; fresh: exit 0 when MOD_SRC holds movops.ko and that record equals
# the sources and headers now, so the build can be left out; clear: drop
# the record (before a build, so a failed one leaves none).
set -eu
. "$(dirname "$0")/common.sh"
op=${1:?usage: modules-stamp.sh fresh|write|clear MOD_SRC KDIR}
dest=${2:?usage: modules-stamp.sh fresh|write|clear MOD_SRC KDIR}
stamp=$dest/.movops-inputs
[ "$op" != clear ] || { rm -f "$stamp"; exit 0; }
kdir=${3:?usage: modules-stamp.sh fresh|write|clear MOD_SRC KDIR}
key=$({
	readlink -f "$kdir"
	module_sources
} | sha256sum | cut -c1-64)
case $op in
fresh)	[ -f "$dest/module/movops.ko" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] ;;
write)	echo "$key" > "$stamp" ;;
*)	die "modules-stamp.sh: unknown operation $op" ;;
esac
