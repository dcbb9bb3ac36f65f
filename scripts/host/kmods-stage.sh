#!/bin/sh
# Usage: kmods-stage.sh DIR
# The kernel's own modules the guest drives (KMODS, default virtio_pci
# virtio_balloon zram), from KMODS_DIR (a lib/modules/<release>), with what
# they depend on (modinfo -F depends, recursively), decompressed into
# DIR/kmods/NAME.ko, their names in load order in DIR/kmods.order (the
# runner insmods them). Built-in ones need nothing.
# Debian's unpacked modules never change (DEBIAN set: a directory per
# package version), so what is staged for them is kept in
# MOVOPS_CACHE/kmods/KEY (KEY: KMODS_DIR's real path and the list) and
# copied from there on the next run (one cp instead of about 60 programs).
# A harness kernel's modroot (FLAVOR=zsmalloc-m) is rebuilt in place:
# staged every time.
set -eu
. "$(dirname "$0")/common.sh"
dir=${1:?usage: kmods-stage.sh DIR}
: "${KMODS_DIR:?kmods-stage.sh needs KMODS_DIR}"
kmods=${KMODS:-virtio_pci virtio_balloon zram}
mkdir -p "$dir/kmods"
: > "$dir/kmods.order"
cache=
if [ -n "${DEBIAN:-}" ]; then
	cache=$MOVOPS_CACHE/kmods/$(printf '%s\n' "$(readlink -f "$KMODS_DIR")" "$kmods" | cksum | cut -d' ' -f1)
	if [ -f "$cache/kmods.order" ]; then
		cp -a "$cache/kmods" "$cache/kmods.order" "$dir/"
		exit 0
	fi
fi
# kmod_add NAME: NAME's dependencies first, then NAME.
kmod_add() {
	n=$(echo "$1" | tr - _)
	grep -qx "$n" "$dir/kmods.order" && return 0
	f=$(grep -E "(^|/)$(echo "$1" | sed 's/[-_]/[-_]/g')\.ko\$" "$KMODS_DIR/modules.order" | head -n 1)
	if [ -z "$f" ]; then
		grep -qE "/$(echo "$1" | sed 's/[-_]/[-_]/g')\.ko\$" "$KMODS_DIR/modules.builtin" ||
			die "$1 is neither a module nor built in ($KMODS_DIR)"
		return 0
	fi
	ko=$(ls "$KMODS_DIR/$f" "$KMODS_DIR/$f".* 2>/dev/null | head -n 1)
	[ -n "$ko" ] || die "no $f in $KMODS_DIR"
	for d in $(modinfo -F depends "$ko" | tr , ' '); do
		(kmod_add "$d")
	done
	case $ko in
	*.xz)	xz -dc "$ko" ;;
	*.zst)	zstd -dcq "$ko" ;;
	*.gz)	gzip -dc "$ko" ;;
	*)	cat "$ko" ;;
	esac > "$dir/kmods/$n.ko"
	echo "$n" >> "$dir/kmods.order"
}
for m in $kmods; do
	kmod_add "$m"
done
if [ -n "$cache" ]; then
	mkdir -p "$MOVOPS_CACHE/kmods"
	tmp=$(mktemp -d "$MOVOPS_CACHE/kmods/.tmp.XXXXXX")
	cp -a "$dir/kmods" "$dir/kmods.order" "$tmp/"
	# Another run may have stored the same key meanwhile: keep one.
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
fi
