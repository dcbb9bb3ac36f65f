#!/bin/sh
# The kernel's own standards on our C: checkpatch --strict clean, and no
# warning from a W=1 build with sparse on every file (C=2).
# Usage: lint.sh KDIR (a prepared kernel build directory)
set -eu
. "$(dirname "$0")/common.sh"
KDIR=$(cd "${1:?usage: lint.sh KDIR}" && pwd) || die "no kernel build directory $1"
# A sparse this tree accepts: Debian 12's for 6.12, one built from Debian's
# newer source for 7.3 (scripts/host/fetch-sparse.sh).
CHECK=$("$TOP/scripts/host/fetch-sparse.sh" "$KDIR") || die "no sparse for this tree (see above)"
checkpatch=$KDIR/source/scripts/checkpatch.pl
[ -f "$checkpatch" ] || checkpatch=$KDIR/scripts/checkpatch.pl
[ -f "$checkpatch" ] || die "no checkpatch.pl in $KDIR"
rc=0
files=$(cd "$TOP" && ls module/*.[ch] kunit/*.[ch] lib/*.[ch] 2>/dev/null | grep -v '\.mod\.c$' || true)
[ -n "$files" ] || die "no C files under module/, kunit/ or lib/"
log=$(mktemp)
cplog=$(mktemp)
# Build in a scratch copy so the lint build (W=1 C=2) leaves no objects behind.
scratch=$(mktemp -d)
trap 'rm -rf "$log" "$cplog" "$scratch"' EXIT
"$TOP/scripts/host/sync-src.sh" "$scratch"
# A clean lint is recorded under a key of everything it read: this script,
# the sources as synced (every file the build and checkpatch see), the
# kernel build's stamp (tree, .config, compiler, pahole, a variant's
# patches), sparse, checkpatch.pl and perl. The same inputs again give the
# same verdict, so a key already recorded clean is not linted again (make
# check on an unchanged tree); any change to any of them runs it all. A
# finding is never recorded. Not for a KSRC tree (its sources may change
# under the same stamp). MOVOPS_LINT_MEMO=0: always lint.
memo=
if [ "${MOVOPS_LINT_MEMO:-1}" = 1 ] && [ -z "${KSRC:-}" ] && [ -f "$KDIR/.movops-built" ]; then
	checkbin=$CHECK
	[ "$CHECK" != sparse ] || checkbin=$(command -v sparse)
	key=$({
		cat "$0" "$KDIR/.movops-built" "$checkbin" "$checkpatch"
		perl -e 'print "$^V\n"'
		env | grep -E '^(KCFLAGS|KCPPFLAGS|KBUILD_[A-Z_]*|CC|LLVM|CROSS_COMPILE|ARCH)=' | LC_ALL=C sort
		echo "$CHECK" "$files"
		(cd "$scratch" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done)
	} | sha256sum | cut -c1-40)
	memo=$MOVOPS_CACHE/lint/$key
	if [ -f "$memo" ]; then
		echo "movops: $(cat "$memo"); inputs unchanged since (key ${key%"${key#????????????}"}): not linted again (MOVOPS_LINT_MEMO=0 lints anyway)"
		exit 0
	fi
fi
# checkpatch (one process, single-threaded) runs beside the W=1 C=2 build.
# shellcheck disable=SC2086
(cd "$TOP" && perl "$checkpatch" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files > "$cplog" 2>&1) &
cppid=$!
brc=0
# The guest architecture's kernel make (scripts/host/arch.sh; x86_64: as built).
make -C "$KDIR" ARCH="$KARCH" CROSS_COMPILE="$CROSS_COMPILE" M="$scratch" -j"$(nproc)" W=1 C=2 CHECK="$CHECK" modules > "$log" 2>&1 || brc=$?
cprc=0
wait $cppid || cprc=$?
all=$(cat "$cplog")
# 0: clean, 1: findings; anything else: checkpatch did not run.
if [ $cprc -gt 1 ]; then
	printf 'movops: checkpatch failed to run (exit %s):\n%s\n' "$cprc" "$all" >&2
	rc=1
fi
out=$(echo "$all" | grep -E ': (ERROR|WARNING|CHECK):' || true)
if [ -n "$out" ]; then
	printf 'movops: checkpatch --strict:\n%s\n' "$out" >&2
	rc=1
fi
if [ $brc != 0 ]; then
	cat "$log" >&2
	die "W=1 C=2 build failed"
fi
# Kbuild drops C= with only a make warning when the checker fails the
# tree's checker-valid.sh; fetch-sparse.sh ran the same test, but a silent
# lint without sparse must never pass.
if grep -q 'specified, but .* is not available or not up to date' "$log"; then
	cat "$log" >&2
	die "sparse ($CHECK) did not run: kbuild found it not up to date"
fi
if [ "$CHECK" = sparse ]; then
	sparse="sparse $(sparse --version 2>/dev/null || echo '?')"
else
	sparse="sparse $(basename "$(dirname "$CHECK")") (built by fetch-sparse.sh)"
fi
# Not about our code: kbuild's note that pahole (dwarves) was installed or
# changed after this kernel was configured; nothing here uses BTF.
warn=$(grep -E 'warning:|error:' "$log" |
	grep -v 'warning: pahole version differs from the one used to build the kernel$' || true)
if [ -n "$warn" ]; then
	printf 'movops: W=1 / sparse warnings:\n%s\n' "$warn" >&2
	rc=1
fi
[ $rc = 0 ] || exit $rc
clean="lint clean: checkpatch --strict, W=1, $sparse ($(echo $files | wc -w) files)"
echo "movops: $clean"
if [ -n "$memo" ]; then
	mkdir -p "${memo%/*}"
	echo "$clean at $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$memo.$$" && mv "$memo.$$" "$memo"
fi
exit 0
