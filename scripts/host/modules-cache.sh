#!/bin/sh
# Usage: modules-cache.sh seed|store MOD_SRC KDIR
# A fresh clone's first module build (make check on a clean clone, CI)
# compiles every file, 40 s of CPU here, although another clone on the
# machine built the very same sources against the very same kernel build.
# store: after a build, keep a copy of MOD_SRC (sources and objects, 5 MB)
# in MOVOPS_CACHE/modules/KEY, KEY a sha256 of the sources (the set
# sync-src.sh copies), the kernel build's path and its .movops-built stamp
# (tree, .config, compiler, pahole, a variant's patches).
# seed: before sync-src.sh, fill a MOD_SRC that holds no .ko yet from the
# copy of the same KEY, mtimes kept; sync-src.sh then rewrites nothing, and
# kbuild judges as always what is up to date (its command lines name module
# files relative to M=, so a copy at another path is): nothing is trusted
# that kbuild does not check. Nothing for a KSRC tree or a KDIR without a
# stamp (Debian's headers). The newest 8 copies are kept.
set -eu
. "$(dirname "$0")/common.sh"
op=${1:?usage: modules-cache.sh seed|store MOD_SRC KDIR}
dest=${2:?usage: modules-cache.sh seed|store MOD_SRC KDIR}
kdir=${3:?usage: modules-cache.sh seed|store MOD_SRC KDIR}
[ -z "${KSRC:-}" ] && [ -f "$kdir/.movops-built" ] || exit 0
key=$({
	cd "$TOP"
	readlink -f "$kdir"
	cat "$kdir/.movops-built"
	module_sources kunit/.kunitconfig
} | sha256sum | cut -c1-40)
store=$MOVOPS_CACHE/modules
case $op in
seed)
	[ -d "$store/$key" ] || exit 0
	[ -z "$(find "$dest" -name '*.ko' 2>/dev/null | head -n 1)" ] || exit 0
	mkdir -p "$dest"
	cp -a "$store/$key/." "$dest/"
	touch "$store/$key"
	echo "movops: modules seeded from a build of the same sources and kernel ($store/$key)" >&2
	;;
store)
	[ ! -d "$store/$key" ] || { touch "$store/$key"; exit 0; }
	[ -n "$(find "$dest" -name '*.ko' | head -n 1)" ] || exit 0
	mkdir -p "$store"
	tmp=$(mktemp -d "$store/.tmp.XXXXXX")
	cp -a "$dest/." "$tmp/"
	# Another clone may have stored the same key meanwhile: keep one.
	mv -T "$tmp" "$store/$key" 2>/dev/null || rm -rf "$tmp"
	# shellcheck disable=SC2012 # names are hex keys
	ls -1t "$store" | tail -n +9 | while read -r old; do rm -rf "${store:?}/$old"; done
	;;
*) die "modules-cache.sh: unknown operation $op" ;;
esac
