#!/bin/sh
# Fetch Debian's linux-source-$KVER with apt through the mirror this machine is
# already configured for, using a private sources list and state directory so
# the machine's own apt setup is left alone. Prints the source tree's path.
# With KSRC set, checks that tree and prints it; it is never modified.
set -eu
. "$(dirname "$0")/common.sh"
. "$TOP/scripts/host/versions.sh"

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/mm" ] ||
		die "KSRC=$KSRC is not a kernel source tree"
	cd "$KSRC" && pwd
	exit 0
fi

# DEB_SOURCE=PACKAGE/SUITE: any other Debian kernel source package (e.g.
# linux-source-7.2/sid), fetched the same way; build it with KSRC= on the
# path printed.
# DEB_SOURCE=NAME=VERSION/SUITE (e.g. linux=7.0.13-1/sid): a version of a
# source package (a series with no linux-source binary package left in the
# archive), fetched with apt-get source and unpacked by dpkg-source, which
# applies Debian's patches as the linux-source package has them.
if [ -n "${DEB_SOURCE:-}" ]; then
	DEB_PKG=${DEB_SOURCE%/*} DEB_SUITE=${DEB_SOURCE#*/}
fi
case $DEB_PKG in
*=*)	NAME=${DEB_PKG%%=*} VERSION=${DEB_PKG#*=}
	APT=$MOVOPS_CACHE/apt/$DEB_SUITE-src
	mkdir -p "$MOVOPS_CACHE/apt"
	exec 8> "$APT.lock"
	flock 8
	apt_private "deb-src $DEB_SUITE"
	apt_update Sources || die "apt could not read the sources of $DEB_SUITE from $MIRROR"
	aptq apt-cache showsrc "$NAME" 2>/dev/null | grep -qx "Version: $VERSION" ||
		die "no source package $NAME $VERSION in $DEB_SUITE"
	SRC=$MOVOPS_CACHE/src/$NAME-$VERSION
	if [ ! -f "$SRC/.movops-complete" ]; then
		rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
		# An archive may keep the orig tarball of a version whose .dsc and
		# Debian diff it no longer has (linux 7.1.8-2 in sid, 2026-12-02):
		# then the tree is that tarball alone, and this says so.
		(cd "$SRC.tmp" && progress "downloading source $NAME $VERSION" -- \
			aptq apt-get source --download-only "$NAME=$VERSION" >&2) || true
		if ls "$SRC.tmp"/*.dsc > /dev/null 2>&1; then
			unpack() { cd "$SRC.tmp" && dpkg-source -x ./*.dsc tree > dpkg-source.log 2>&1; }
			how="Debian's patches applied"
		elif ls "$SRC.tmp"/*.orig.tar.* > /dev/null 2>&1; then
			echo "movops: $DEB_SUITE has no .dsc or Debian diff of $NAME $VERSION, only its orig tarball: the tree is that upstream source WITHOUT Debian's patches" >&2
			unpack() { mkdir "$SRC.tmp/tree" && tar -x -C "$SRC.tmp/tree" --strip-components=1 -f "$SRC.tmp"/*.orig.tar.*; }
			how="orig tarball only"
		else
			die "download of source $NAME $VERSION failed (see apt's errors above)"
		fi
		progress "unpacking source $NAME $VERSION ($how)" -- unpack ||
			{ tail -5 "$SRC.tmp/dpkg-source.log" >&2 2>/dev/null; die "could not unpack source $NAME $VERSION"; }
		echo "$how" > "$SRC.tmp/tree/.movops-debian-source"
		find "$SRC.tmp" -maxdepth 1 -type f -delete
		rm -rf "$SRC" && mv "$SRC.tmp" "$SRC"
		echo "$VERSION" > "$SRC/.movops-complete"
	fi
	flock -u 8
	cd "$SRC/tree" && pwd
	exit 0 ;;
esac
APT=$MOVOPS_CACHE/apt/$DEB_SUITE
# One fetch at a time per suite: two clones fetching the same tree for the
# first time would share $APT and unpack into the same $SRC.tmp. The second
# waits here, then finds the tree complete.
mkdir -p "$MOVOPS_CACHE/apt"
exec 8> "$APT.lock"
flock 8
apt_private "deb $DEB_SUITE"
apt_update Packages || die "apt could not read $DEB_SUITE from $MIRROR"
VERSION=$(aptq apt-cache show "$DEB_PKG" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
[ -n "$VERSION" ] || die "$DEB_PKG not found in $DEB_SUITE"

SRC=$MOVOPS_CACHE/src/$DEB_PKG-$VERSION
if [ ! -f "$SRC/.movops-complete" ]; then
	echo "movops: fetching $DEB_PKG $VERSION from $DEB_SUITE" >&2
	DEB=$(ls "$APT/archives/${DEB_PKG}_"*.deb 2>/dev/null | grep -F "_$(echo "$VERSION" | sed 's/:/%3a/')_" | head -n 1 || true)
	if [ -z "$DEB" ]; then
		(cd "$APT/archives" && progress "downloading $DEB_PKG $VERSION" -- \
			aptq apt-get download "$DEB_PKG=$VERSION" >&2) ||
			die "download of $DEB_PKG $VERSION failed"
		DEB=$(ls "$APT/archives/${DEB_PKG}_"*.deb | head -n 1)
	fi
	rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
	echo "movops: unpacking $DEB_PKG $VERSION into $SRC" >&2
	unpack() {
		dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$SRC.tmp" --wildcards './usr/src/*.tar.*'
		tar -x -C "$SRC.tmp" -f "$SRC.tmp"/usr/src/*.tar.*
	}
	progress "unpacking $DEB_PKG $VERSION" -- unpack
	rm -rf "$SRC.tmp/usr"
	rm -rf "$SRC" && mv "$SRC.tmp" "$SRC"
	echo "$VERSION" > "$SRC/.movops-complete"
	rm -f "$DEB"
fi
flock -u 8
for d in "$SRC"/*/; do
	[ -f "$d/Makefile" ] && { cd "$d" && pwd; exit 0; }
done
die "no kernel tree inside $SRC"
