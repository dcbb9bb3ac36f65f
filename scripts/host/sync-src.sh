#!/bin/sh
# Usage: sync-src.sh DEST
# Make DEST hold this repo's module sources (Kbuild, module/, kunit/ and the
# library both compile, lib/: C files, headers, Kbuild, Kconfig, .kunitconfig,
# lib/*.mk; no build output), rewriting only
# files whose content differs and removing files gone from the repo, so that
# make rebuilds exactly what changed. Modules are built in such copies (one
# per version and flavour, and the KUnit hook's), never in the repo itself.
set -eu
. "$(dirname "$0")/common.sh"
dest=${1:?usage: sync-src.sh DEST}
mkdir -p "$dest/module" "$dest/kunit" "$dest/lib"
set -- Kbuild
for d in module kunit lib; do
	for f in "$dest/$d"/*.[ch] "$dest/$d"/*.mk "$dest/$d"/Kbuild "$dest/$d"/Kconfig "$dest/$d"/.kunitconfig; do
		case $f in *.mod.c) continue ;; esac
		[ ! -f "$f" ] || [ -f "$TOP/$d/${f##*/}" ] || rm -f "$f"
	done
	for f in "$TOP/$d"/*.[ch] "$TOP/$d"/*.mk "$TOP/$d"/Kbuild "$TOP/$d"/Kconfig "$TOP/$d"/.kunitconfig; do
		case $f in *.mod.c) continue ;; esac
		[ -f "$f" ] || continue
		set -- "$@" "$d/${f##*/}"
	done
done
# The files whose copy differs or is missing: one sha256sum over the
# sources, checked in DEST (a warm make run forks no cmp per file).
stale=$(cd "$TOP" && sha256sum -- "$@" | (cd "$dest" && sha256sum -c 2>/dev/null) |
	sed -n 's/: FAILED.*$//p')
for f in $stale; do
	cp "$TOP/$f" "$dest/$f"
done
