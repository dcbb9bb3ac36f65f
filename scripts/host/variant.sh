#!/bin/sh
# Kernel variants: the cached Debian tree with patches applied, built as an
# incremental build of its own (docs/variants.md).
#
#   variant.sh tag PATCH...    the variant's tag (p + a hash of the patches'
#                              names and contents); a directory stands for
#                              its *.patch and *.diff files, in name order
#   variant.sh files PATCH...  the patch files, one a line, absolute
#   variant.sh seed VDIR       copy the pristine tree and build (once)
#   variant.sh apply VDIR PATCH...
#                              make VDIR's tree the pristine one plus exactly
#                              these patches (undoing what it had before); a
#                              patch's "Rebuild: FILE.c..." line names every
#                              user of what it changes in a header: only those
#                              are recompiled (the header keeps its pristine
#                              time), not every file that includes it
#   variant.sh obj VDIR|VDIR/obj
#                              the build path make must be given inside the
#                              namespace (the pristine one: never VDIR/obj,
#                              whose generated Makefile would then be rewritten)
#   variant.sh exec VDIR|VDIR/obj CMD...
#                              run CMD in a private mount namespace where
#                              VDIR/src and VDIR/obj sit over the pristine
#                              source and build paths
#
# Inside the namespace every absolute path is the pristine one, so make
# finds the copied objects up to date and rebuilds only what the patches
# touched. The pristine tree and build directory are never written: the
# source copy is hard-linked, and every file a patch touches is unlinked
# from the pristine one before it is patched. VDIR's paths are in
# VDIR/paths (written by seed): the pristine source and build directories.
set -eu
. "$(dirname "$0")/common.sh"

# The patch files of the arguments, absolute, in order.
files() {
	for p in "$@"; do
		if [ -d "$p" ]; then
			ls "$p" | LC_ALL=C sort | grep -E '\.(patch|diff)$' |
				while read -r f; do echo "$(cd "$p" && pwd)/$f"; done
		elif [ -f "$p" ]; then
			echo "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
		else
			die "PATCHES: no file or directory $p"
		fi
	done
}

# A patch's file names as it changes them (a/x b/x: x).
touched() {
	sed -n 's|^+++ b/\([^	 ]*\).*|\1|p; s|^--- a/\([^	 ]*\).*|\1|p' "$@" | LC_ALL=C sort -u
}

paths() {
	[ -f "$1/paths" ] || die "$1 is not a seeded variant (no paths file)"
	# shellcheck disable=SC1091
	. "$1/paths"
}

cmd=${1:?usage: variant.sh tag|files|seed|apply|exec ...}
shift
case $cmd in
files)
	files "$@"
	;;
tag)
	list=$(files "$@")
	[ -n "$list" ] || die "PATCHES=$* holds no *.patch or *.diff file"
	echo "$list" | while read -r f; do basename "$f"; cat "$f"; done |
		sha256sum | cut -c1-10 | sed 's/^/p/'
	;;
seed)
	vdir=${1:?usage: variant.sh seed VDIR SRC OBJ}
	src=${2:?}
	obj=${3:?}
	# A variant whose configuration is no longer the pristine build's is
	# seeded again: reconfiguring the copy would rebuild everything.
	if [ -f "$vdir/paths" ]; then
		! cmp -s "$obj/.movops-fragments" "$vdir/obj/.movops-fragments" || exit 0
		echo "movops: the pristine build's configuration changed; seeding $vdir again" >&2
		rm -rf "$vdir"
	fi
	[ -f "$obj/.movops-built" ] || die "no pristine build in $obj to copy"
	echo "movops: seeding variant $vdir from $obj" >&2
	rm -rf "$vdir.tmp" && mkdir -p "$vdir.tmp"
	# The pristine build directory's lock: nobody builds in it meanwhile.
	(
		flock 9
		cp -al "$src" "$vdir.tmp/src"
		cp -a "$obj" "$vdir.tmp/obj"
	) 9> "$obj.lock"
	rm -f "$vdir.tmp/obj/.movops-built"
	: > "$vdir.tmp/applied"
	printf 'SRC=%s\nOBJ=%s\n' "$src" "$obj" > "$vdir.tmp/paths"
	rm -rf "$vdir" && mv "$vdir.tmp" "$vdir"
	;;
apply)
	vdir=${1:?usage: variant.sh apply VDIR PATCH...}
	shift
	paths "$vdir"
	list=$(files "$@")
	# What the tree holds: each patch's hash and name (not its path: two
	# clones with the same patches share the variant).
	want=$(echo "$list" | while read -r f; do
		[ -z "$f" ] || printf '%s %s\n' "$(sha256sum < "$f" | cut -c1-16)" "$(basename "$f")"
	done)
	have=$(cat "$vdir/applied")
	[ "$want" != "$have" ] || exit 0
	# Undo: every file the last set touched comes back from the pristine
	# tree. A touched header (or anything but a .c file) can be included
	# anywhere: then the build directory is copied again and the files keep
	# the pristine times, which is quicker than recompiling their users twice.
	old=$(cat "$vdir/touched" 2>/dev/null || true)
	if [ -n "$old" ]; then
		copied=
		# A header patched with a Rebuild: line comes back with its
		# pristine time and the users it named (in touched too) with a new
		# one: they alone are recompiled.
		if echo "$old" | grep -qv '\.c$' && [ ! -s "$vdir/rebuild" ]; then
			echo "movops: variant: a header was patched; copying the pristine build again" >&2
			(
				flock 9
				rm -rf "$vdir/obj.tmp"
				cp -a "$OBJ" "$vdir/obj.tmp"
			) 9> "$OBJ.lock"
			rm -f "$vdir/obj.tmp/.movops-built"
			rm -rf "$vdir/obj" && mv "$vdir/obj.tmp" "$vdir/obj"
			copied=1
		fi
		echo "$old" | while read -r f; do
			keep=
			case $f in *.c) [ -z "$copied" ] || keep=-p ;; *) keep=-p ;; esac
			if [ -e "$SRC/$f" ]; then
				cp $keep "$SRC/$f" "$vdir/src/$f.movops-tmp"
				mv "$vdir/src/$f.movops-tmp" "$vdir/src/$f"
			else
				rm -f "$vdir/src/$f"
			fi
		done
	fi
	: > "$vdir/applied"
	: > "$vdir/touched"
	: > "$vdir/rebuild"
	[ -n "$want" ] || exit 0
	# shellcheck disable=SC2086 # one file a line, no spaces in our paths
	new=$(touched $list)
	# shellcheck disable=SC2086
	rebuild=$(sed -n 's/^Rebuild: *//p' $list | tr -s '[:blank:]' '\n' | grep . | LC_ALL=C sort -u || true)
	printf '%s\n' "$new" "$rebuild" | grep . | LC_ALL=C sort -u > "$vdir/touched"
	printf '%s\n' "$rebuild" | grep . > "$vdir/rebuild" || true
	# Unlink every file to be patched (or rebuilt) from the pristine tree first.
	grep . "$vdir/touched" | while read -r f; do
		if [ -z "$f" ] || [ ! -f "$vdir/src/$f" ]; then continue; fi
		cp -p "$vdir/src/$f" "$vdir/src/$f.movops-tmp"
		mv "$vdir/src/$f.movops-tmp" "$vdir/src/$f"
	done
	echo "$list" | while read -r f; do
		echo "movops: variant: applying $(basename "$f")" >&2
		patch -d "$vdir/src" -p1 -s -N --no-backup-if-mismatch -r - < "$f" ||
			die "$f does not apply to $SRC (plus the patches before it)"
	done
	if [ -n "$rebuild" ]; then
		echo "$new" | while read -r f; do
			case $f in *.c) ;; *) [ ! -e "$SRC/$f" ] || touch -r "$SRC/$f" "$vdir/src/$f" ;; esac
		done
		echo "$rebuild" | while read -r f; do
			[ -f "$vdir/src/$f" ] || die "Rebuild: $f is not in $SRC"
			touch "$vdir/src/$f"
		done
		echo "movops: variant: header kept at its pristine time; recompiling $(echo "$rebuild" | tr '\n' ' ')" >&2
	fi
	printf '%s\n' "$want" > "$vdir/applied"
	;;
obj|exec)
	vdir=${1:?usage: variant.sh exec VDIR|VDIR/obj CMD...}
	shift
	# The build directory (or a link to it) stands for its variant.
	[ -f "$vdir/paths" ] || ! [ -f "$vdir/../paths" ] || vdir=$(cd -P "$vdir/.." && pwd -P)
	paths "$vdir"
	if [ "$cmd" = obj ]; then
		echo "$OBJ"
		exit 0
	fi
	[ "${MOVOPS_VARIANT_NS:-}" != "$vdir" ] || exec "$@"
	export MOVOPS_VARIANT_NS="$vdir"
	exec unshare -m --propagation private sh -c \
		'mount --bind "$1" "$2" && mount --bind "$3" "$4" && shift 4 && exec "$@"' \
		sh "$vdir/src" "$SRC" "$vdir/obj" "$OBJ" "$@"
	;;
*)	die "variant.sh: unknown command $cmd" ;;
esac
