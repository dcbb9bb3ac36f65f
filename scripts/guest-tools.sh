#!/bin/sh
# Build the static guest helpers (rebuilt when changed) and copy them to
# DIR: anon-bench (make bench's anonymous-page side), fuzz (make fuzz's
# hostile-input writer) and zblk (the zram data writer and checker of
# scenario-real.sh). Shared by the initramfs and the kselftest package.
# Usage: guest-tools.sh DIR
set -eu
. "$(dirname "$0")/common.sh"
dir=${1:?usage: guest-tools.sh DIR}
mkdir -p "$BUILD/guest" "$dir"
for prog in anon-bench fuzz zblk; do
	bin=$BUILD/guest/$prog src=$TOP/scripts/guest/$prog.c
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		${CC:-gcc} -static -O2 -Wall -o "$bin.$$" "$src" ||
			die "cannot build scripts/guest/$prog.c statically (libc6-dev)"
		mv "$bin.$$" "$bin"
	fi
	cp "$bin" "$dir/"
done
