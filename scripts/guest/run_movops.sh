#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# movops as a kselftest (make kselftest-install): the entry that a kselftest
# runner (run_kselftest.sh -c movops, kselftest/runner.sh) or a LAVA job
# starts in this directory. Prints KTAP; exits 0 when every check passed,
# 1 when one failed, 4 (kselftest's KSFT_SKIP) when this kernel lacks what
# the suite needs, with the reason on a "1..0 # SKIP" line.
KSFT_SKIP=4
HERE=$(cd "$(dirname "$0")" && pwd)

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	# LAVA: the one result of a run that could not start.
	! command -v lava-test-case > /dev/null 2>&1 ||
		lava-test-case movops --result skip > /dev/null 2>&1
	exit $KSFT_SKIP
}

[ "$(id -u)" = 0 ] || skip_all "must run as root (insmod, debugfs)"
[ -d /sys/kernel/debug/kunit ] || [ -f /sys/kernel/debug/.mounted ] ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -d /sys/kernel/debug ] && [ -n "$(ls /sys/kernel/debug 2>/dev/null)" ] ||
	skip_all "no debugfs (CONFIG_DEBUG_FS)"

# Feature probes, not version numbers. Balloon pages migrate through
# balloon_page_migrate() (mm/balloon.c, 6.12: mm/balloon_compaction.c),
# built only with CONFIG_BALLOON_MIGRATION (6.12: BALLOON_COMPACTION).
# (A /proc file's size is 0: read a line to know kallsyms is there.)
if head -n 1 /proc/kallsyms 2>/dev/null | grep -q .; then
	grep -q ' balloon_page_migrate$' /proc/kallsyms ||
		skip_all "kernel without CONFIG_BALLOON_MIGRATION (no balloon_page_migrate in /proc/kallsyms): balloon pages cannot migrate here"
	# zsmalloc's movable ops exist only with CONFIG_COMPACTION (7.3:
	# mm/zsmalloc.c); zsmalloc may be a module not loaded yet.
	grep -q ' zs_page_migrate$' /proc/kallsyms || modprobe -q zsmalloc 2>/dev/null
	grep -q ' zs_page_migrate$' /proc/kallsyms ||
		skip_all "no zs_page_migrate in /proc/kallsyms: a kernel without CONFIG_ZSMALLOC, or built without CONFIG_COMPACTION: zsmalloc pages cannot migrate here"
fi

# The modules in this package were built for one kernel (make
# kselftest-install KDIR=...): a different one would refuse them.
want=$(cat "$HERE/kernelrelease" 2>/dev/null)
[ -z "$want" ] || [ "$want" = "$(uname -r)" ] ||
	skip_all "this package's modules are for $want, the running kernel is $(uname -r): rebuild with make kselftest-install KDIR=<its build or headers>"

PATH=$HERE:$PATH MODDIR=$HERE sh "$HERE/movops-run.sh"
