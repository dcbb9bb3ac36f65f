# shellcheck shell=sh
# The one place that knows how kernel versions differ on the host side.
# Sourced by the other scripts with KVER set; sets DEB_PKG, DEB_SUITE for
# the source trees the harness builds, and KOBJECTS: how many .o files a
# cold default build writes (counted once on the 2-core machine; the
# progress line's estimate until this machine has finished a build of its
# own, whose count it then uses). A KSRC tree is never looked up here: its
# version and config fragment come from the tree (kconfig_fragment).
# Differences inside the kernel C code live in lib/movops_compat.h.

if [ -z "${KSRC:-}" ] && [ -z "${DEBIAN:-}" ]; then
	case "${KVER:-7.3}" in
	7.3)	DEB_PKG=linux-source-7.3;  DEB_SUITE=trixie-backports KOBJECTS=1427 ;;
	6.12)	DEB_PKG=linux-source-6.12; DEB_SUITE=trixie KOBJECTS='' ;;
	*)	echo "movops: unsupported KVER='$KVER' (supported: 7.3 6.12; any other tree: KSRC=)" >&2
		exit 2 ;;
	esac
fi

# Debian's prebuilt kernels (KERNEL=debian, debian-rt): the suite that has
# the series (6.12 with headers built by gcc 12 in bookworm-backports; 6.16
# and later in trixie-backports, headers only for the newest series), and
# the image package names of the series. debian-kernel.sh fails naming the
# suite when no image of the series has its headers there.
debian_kernel() {
	case "${DEBIAN:-}" in
	debian|debian-rt) ;;
	*)	echo "movops: no Debian prebuilt kernel kind '${DEBIAN:-}' (known: debian, debian-rt)" >&2
		exit 2 ;;
	esac
	case $KVER in
	6.12)	DEB_IMG_SUITE=bookworm-backports ;;
	*)	DEB_IMG_SUITE=trixie-backports ;;
	esac
	v=$(echo "$KVER" | sed 's/\./\\./g')
	case $DEBIAN in
	debian)		DEB_IMG_RE="^linux-image-$v\\.[0-9]+\\+deb[0-9]+-amd64\$" ;;
	debian-rt)	DEB_IMG_RE="^linux-image-$v\\.[0-9]+\\+deb[0-9]+-rt-amd64\$" ;;
	esac
}

# debian_pick: IMG, REL and VERSION of the newest image package matching
# DEB_IMG_RE whose linux-headers-* is in the index too, through the private
# apt of common.sh (aptq, $APT); IMG empty: none. The answer is kept in
# $APT/pick-<a key of DEB_IMG_RE> with a key of the index (every list's name,
# size and mtime: apt_update leaves an unchanged list's mtime alone) and read
# back while the index is the same: a warm make run starts no apt-cache.
debian_pick() {
	pick=$APT/pick-$(printf '%s' "$DEB_IMG_RE" | cksum | cut -d' ' -f1)
	key=$(ls -ln --time-style=+%s.%N "$APT/lists" | cksum | cut -d' ' -f1)
	k='' IMG='' REL='' VERSION=''
	[ ! -f "$pick" ] || read -r k IMG REL VERSION < "$pick" || :
	[ "$k" = "$key" ] && [ -n "$VERSION" ] && return 0
	IMG='' REL='' VERSION=''
	for p in $(aptq apt-cache search --names-only "$DEB_IMG_RE" 2>/dev/null |
			awk '{ print $1 }' | grep -E "$DEB_IMG_RE" | sort -rV); do
		if aptq apt-cache show "linux-headers-${p#linux-image-}" > /dev/null 2>&1; then
			IMG=$p REL=${p#linux-image-}
			break
		fi
	done
	[ -n "$IMG" ] || return 0
	VERSION=$(aptq apt-cache show "$IMG" | awk '/^Version:/ { print $2; exit }')
	[ -n "$VERSION" ] || return 0
	echo "$key $IMG $REL $VERSION" > "$pick.$$" && mv "$pick.$$" "$pick"
}

# kconfig_zram SRC: how the tree's zram compresses, by what its Kconfig
# defines: its own backends (ZRAM_BACKEND_LZO, 6.12 and later), else the
# crypto API (6.1: ZRAM depends on CRYPTO_LZO || CRYPTO_ZSTD || ...).
kconfig_zram() {
	if grep -qE '^[[:space:]]*config ZRAM_BACKEND_LZO[[:space:]]*$' "$1/drivers/block/zram/Kconfig" 2>/dev/null; then
		echo "$TOP/scripts/kconfig/zram-backend.config"
	else
		echo "$TOP/scripts/kconfig/zram-crypto.config"
	fi
}

# kconfig_fragment SRC: the version fragments for a kernel tree. For the
# harness's own trees, scripts/kconfig/$KVER.config. For a KSRC tree, the
# fragment whose every symbol the tree's Kconfig files define (the balloon
# core was renamed between 6.12 and 7.x), whatever its version says. Then,
# for every tree, the zram compressor's fragment (kconfig_zram).
kconfig_fragment() {
	if [ -z "${KSRC:-}" ]; then
		echo "$TOP/scripts/kconfig/$KVER.config $(kconfig_zram "$1")"
		return
	fi
	defined=$(grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config [A-Z0-9_]+' "$1/mm" "$1/drivers/virtio" |
		awk '{ print "CONFIG_" $2 }' | sort -u)
	for f in "$TOP"/scripts/kconfig/[0-9]*.config; do
		miss=$(grep -oE '^CONFIG_[A-Z0-9_]+' "$f" | while read -r s; do
			echo "$defined" | grep -qx "$s" || echo "$s"; done)
		[ -n "$miss" ] || { echo "$f $(kconfig_zram "$1")"; return; }
	done
	echo "movops: $1 defines neither balloon page migration symbol set (CONFIG_BALLOON_MIGRATION, CONFIG_BALLOON_COMPACTION in mm/Kconfig): movops needs balloon page migration" >&2
	exit 2
}
