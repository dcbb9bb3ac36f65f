#!/bin/sh
# A sparse that the kernel tree in KDIR accepts, for make lint's C=2 build.
# Prints the command: "sparse" when the machine's own passes the tree's
# scripts/checker-valid.sh (or the tree has none, as 6.12), else a sparse
# built from the source package of Debian's development suite (Debian 12's
# 0.6.4 cannot parse __typeof_unqual__, which 7.3's headers use), cached in
# $MOVOPS_CACHE/sparse/<version>/. Exits 1, saying why, if there is none.
# Usage: fetch-sparse.sh KDIR
set -eu
. "$(dirname "$0")/common.sh"
KDIR=${1:?usage: fetch-sparse.sh KDIR}
valid=$KDIR/source/scripts/checker-valid.sh
[ -f "$valid" ] || valid=$KDIR/scripts/checker-valid.sh
ok() { [ ! -f "$valid" ] || [ "$(sh "$valid" "$1" 2>/dev/null)" = 1 ]; }

if command -v sparse > /dev/null 2>&1 && ok sparse; then
	echo sparse
	exit 0
fi
SUITE=${MOVOPS_SPARSE_SUITE:-sid}
APT=$MOVOPS_CACHE/apt/$SUITE-src
apt_private "deb-src $SUITE"
apt_update Sources || die "apt could not read the sources of $SUITE from $MIRROR"
VERSION=$(aptq apt-cache showsrc sparse 2>/dev/null | awk '/^Version:/ { print $2; exit }')
[ -n "$VERSION" ] || die "no sparse source package in $SUITE"
DIR=$MOVOPS_CACHE/sparse/$VERSION
if [ ! -x "$DIR/sparse" ]; then
	echo "movops: building sparse $VERSION from Debian $SUITE's source" >&2
	rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
	(cd "$DIR.tmp" && aptq apt-get source --download-only "sparse=$VERSION" >&2) ||
		die "download of the sparse $VERSION source failed"
	tar -x -C "$DIR.tmp" -f "$DIR.tmp"/sparse_*.orig.tar.*
	make -C "$DIR.tmp"/sparse-*/ -j"$(nproc)" sparse > "$DIR.tmp/build.log" 2>&1 ||
		{ tail -20 "$DIR.tmp/build.log" >&2; die "sparse $VERSION did not build"; }
	mkdir -p "$DIR"
	cp "$DIR.tmp"/sparse-*/sparse "$DIR/sparse"
	rm -rf "$DIR.tmp"
fi
ok "$DIR/sparse" || die "sparse $VERSION ($DIR/sparse) does not pass $valid either"
echo "$DIR/sparse"
