#!/bin/sh
# Prepare make coverage's gcov flavour. Usage: gcov-prepare.sh SRCCOPY
# 1. Hook the profiled objects into the harness's Debian tree
#    (scripts/host/gcov-hook.sh; a KSRC tree must carry the hook already).
# 2. The first time, seed the flavour's build directory with a copy of the
#    default build: what CONFIG_GCOV_KERNEL does not reach is not rebuilt
#    (about a third of the objects; <linux/module.h> depends on it).
# 3. Copy the modules' sources (module/, kunit/, Kbuild) to SRCCOPY, to be
#    built there against the gcov kernel: module/ keeps its default build,
#    and Kbuild's MO= refuses a source tree that holds objects.
set -eu
. "$(dirname "$0")/common.sh"
copy=${1:?usage: gcov-prepare.sh SRCCOPY}
SRC=$("$TOP/scripts/host/fetch-kernel.sh")
if [ -z "${KSRC:-}" ]; then
	"$TOP/scripts/host/gcov-hook.sh" install "$SRC"
	id="deb-$(cat "$SRC/../.movops-complete")"
else
	"$TOP/scripts/host/gcov-hook.sh" status "$SRC" > /dev/null ||
		die "KSRC=$SRC lacks the gcov hook: scripts/host/gcov-hook.sh install $SRC"
	id="ksrc-$(printf '%s' "$SRC" | cksum | cut -d' ' -f1)"
fi

def=$MOVOPS_CACHE/kernel/$KVER-default-$id
obj=$MOVOPS_CACHE/kernel/$KVER-gcov-$id
if [ ! -e "$obj" ] && [ -f "$def/.movops-built" ]; then
	echo "movops: seeding $obj from $def" >&2
	exec 9> "$def.lock"
	flock 9
	cp -a "$def" "$obj.tmp"
	rm -f "$obj.tmp/.movops-built"
	mv "$obj.tmp" "$obj"
	exec 9>&-
fi

"$TOP/scripts/host/sync-src.sh" "$copy"
