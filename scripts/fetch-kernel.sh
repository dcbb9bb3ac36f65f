#!/bin/sh
# Fetch Debian's linux-source-$KVER with apt through the mirror this machine is
# already configured for, using a private sources list and state directory so
# the machine's own apt setup is left alone. Prints the source tree's path.
# With KSRC set, checks that tree and prints it; it is never modified.
set -eu
. "$(dirname "$0")/common.sh"
. "$TOP/scripts/versions.sh"

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/mm" ] ||
		die "KSRC=$KSRC is not a kernel source tree"
	cd "$KSRC" && pwd
	exit 0
fi

# The first Debian (non-security) mirror the machine's apt uses.
mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f"
	done
}
MIRROR=$(mirror | grep -v -e security -e '^cdrom' | grep '/debian/*$' | head -n 1)
[ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt sources"

APT=$MOVOPS_CACHE/apt/$DEB_SUITE
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/parts" "$APT/cache"
: > "$APT/status"
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
	"$MIRROR" "$DEB_SUITE" > "$APT/sources.list"
aptq() {
	tool=$1
	shift
	"$tool" -q -o Dir::Etc::SourceList="$APT/sources.list" \
		-o Dir::Etc::SourceParts="$APT/parts" \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APT/parts" \
		-o Dir::State::Lists="$APT/lists" -o Dir::State::status="$APT/status" \
		-o Dir::Cache="$APT/cache" -o Dir::Cache::Archives="$APT/archives" \
		-o APT::Sandbox::User=root -o Acquire::Retries=3 "$@"
}
# Refresh the index at most once a day; an offline re-run uses what it has.
if [ -z "$(find "$APT/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	aptq apt-get update >&2 || [ -n "$(ls "$APT/lists" | grep Packages)" ] ||
		die "apt could not read $DEB_SUITE from $MIRROR"
fi
VERSION=$(aptq apt-cache show "$DEB_PKG" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
[ -n "$VERSION" ] || die "$DEB_PKG not found in $DEB_SUITE"

SRC=$MOVOPS_CACHE/src/$DEB_PKG-$VERSION
if [ ! -f "$SRC/.movops-complete" ]; then
	echo "movops: fetching $DEB_PKG $VERSION from $DEB_SUITE" >&2
	DEB=$(ls "$APT/archives/${DEB_PKG}_"*.deb 2>/dev/null | grep -F "_$(echo "$VERSION" | sed 's/:/%3a/')_" | head -n 1 || true)
	if [ -z "$DEB" ]; then
		(cd "$APT/archives" && aptq apt-get download "$DEB_PKG=$VERSION" >&2) ||
			die "download of $DEB_PKG $VERSION failed"
		DEB=$(ls "$APT/archives/${DEB_PKG}_"*.deb | head -n 1)
	fi
	rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$SRC.tmp" --wildcards './usr/src/*.tar.*'
	tar -x -C "$SRC.tmp" -f "$SRC.tmp"/usr/src/*.tar.*
	rm -rf "$SRC.tmp/usr"
	rm -rf "$SRC" && mv "$SRC.tmp" "$SRC"
	echo "$VERSION" > "$SRC/.movops-complete"
	rm -f "$DEB"
fi
for d in "$SRC"/*/; do
	[ -f "$d/Makefile" ] && { cd "$d" && pwd; exit 0; }
done
die "no kernel tree inside $SRC"
