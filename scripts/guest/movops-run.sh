#!/bin/sh
# movops guest runner: loads the movops modules, runs the checks and prints
# KTAP version 1 on stdout, one result line per check. Exits 0 when every
# check passed (or was skipped with a reason), 1 otherwise.
#
# Works in the harness's QEMU guest and in any VM whose kernel has the options
# in scripts/kconfig/: copy this directory's *.sh and the .ko files to one
# directory, then as root: MODDIR=that/dir sh that/dir/movops-run.sh
#
# Environment: MODDIR (default: this script's directory), MOVOPS_INJECT
# (none, balloon_fail or zs_corrupt: tests of the tests; oops or hang: the
# kernel dies half way, see inject_death), MOVOPS_ONLY (run only the named
# scenario: movops or kunit).
#
# The host learns what was meant to run from "# movops-plan: PHASE..." at
# the start and "# movops-phase: PHASE" as each begins, so that a guest that
# dies can be reported with the phases it never reached.
MODDIR=${MODDIR:-$(cd "$(dirname "$0")" && pwd)}
MV=/sys/kernel/debug/movops
N=0
FAILED=0

ktap_diag() { echo "# $*"; }
# LAVA (docs/ci-engines.md): with lava-test-case on PATH every result line
# also goes to LAVA, under the same name and status.
LAVA=$(command -v lava-test-case 2>/dev/null)
# ktap_result "ok"|"not ok" NAME [DIRECTIVE] [VALUE]: the one place that
# prints a result line. VALUE, a check's figure, is LAVA's measurement
# when it is one integer; the unit comes from the name's suffix. Its
# variables are named kr_*: a plain r or u here (sh has no locals) once
# overwrote a scenario's own $r between two ktap_skip calls, so under LAVA
# the second skip's reason read "skip".
ktap_result() {
	N=$((N + 1))
	echo "$1 $N $2${3:+ # $3}"
	[ -n "$LAVA" ] || return 0
	case "$1 $3" in
	"not ok"*) kr_res=fail ;;
	"ok SKIP"*) kr_res=skip ;;
	*) kr_res=pass ;;
	esac
	case "$4" in
	'' | *[!0-9-]* | -) "$LAVA" "$2" --result "$kr_res" ;;
	*)
		case "$2" in
		*_kb) kr_unit=kB ;;
		*_ms) kr_unit=ms ;;
		*) kr_unit=count ;;
		esac
		"$LAVA" "$2" --result "$kr_res" --measurement "$4" --units "$kr_unit" ;;
	esac > /dev/null 2>&1
}
ktap_ok() {
	[ -z "$2" ] || ktap_diag "$1: $2"
	ktap_result ok "$1" "" "$2"
}
ktap_fail() {
	FAILED=$((FAILED + 1))
	ktap_diag "$1: $2"
	ktap_result "not ok" "$1"
}
ktap_skip() {
	ktap_result ok "$1" "SKIP $2"
}
# check_eq NAME ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then ktap_ok "$1" "$2"; else ktap_fail "$1" "got '$2', expected '$3'"; fi
}
# check_gt NAME ACTUAL MIN: ACTUAL > MIN
check_gt() {
	if [ -n "$2" ] && [ "$2" -gt "$3" ] 2>/dev/null; then
		ktap_ok "$1" "$2"
	else
		ktap_fail "$1" "got '$2', expected more than $3"
	fi
}
# record NAME VALUE: a figure for the host's counters.txt
record() { echo "# counter: $1 $2"; }
# now_ms: guest uptime in ms (a scenario's duration goes into counters.txt)
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
mv_write() { printf '%s\n' "$2" > "$MV/$1" 2>/dev/null; }
mv_counter() { awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print "missing" }' "$MV/counters"; }
vmstat() { awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' /proc/vmstat; }
meminfo() { awk -v n="$1:" '$1 == n { print $2 }' /proc/meminfo; }
# The kernel's page size in KiB (4; 64 on arm64 PAGE_SIZE=64K).
PAGE_KB=$(awk '$1 == "KernelPageSize:" { print $2; exit }' /proc/self/smaps 2>/dev/null)
PAGE_KB=${PAGE_KB:-4}
# mv_machine_skips NAME: the host's machine table (scripts/host/vm.py
# MACHINES, 'skip') keeps NAME off this guest: movops.skip=NAME[,NAME...] on
# the kernel command line. The reason lives there and in expected-skips.txt.
mv_machine_skips() {
	awk -v n="$1" '{
		for (i = 1; i <= NF; i++) if ($i ~ /^movops\.skip=/) {
			k = split(substr($i, 13), a, ",")
			for (j = 1; j <= k; j++) if (a[j] == n) f = 1
		}
	} END { exit !f }' "${MV_CMDLINE:-/proc/cmdline}"
}
# Free memory in kB, counting pages parked on the per-CPU lists: those are
# free too, and their number drifts by megabytes on its own. Also counted:
# the stack depot (mv_meminfo's StackDepot), which page_owner and KASAN
# (the debug flavour) fill with every new allocation stack and never
# empty: the kernel's own records, not memory a module kept.
free_kb() {
	# KASAN (the debug flavour) keeps freed slab objects in a quarantine
	# of up to 1/32 of RAM; shrinking every cache empties it.
	[ "$KASAN" = 0 ] || for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
	pcp=$(awk -v kb="$PAGE_KB" '$1 == "count:" { n += $2 } END { print n * kb }' /proc/zoneinfo)
	sdk=$(stackdepot_kb)
	echo $(($(meminfo MemFree) + pcp + ${sdk:-0}))
}

# free_kb_settled TARGET: free_kb, read again a second apart while below
# TARGET and still rising (by 512 kB or more in one of the last two
# reads), at most 5 x MOVOPS_WAIT_SCALE times; prints "KB SECONDS". Memory
# freed after an RCU grace period (a task_struct, kmemleak's records) can
# come back a moment after the unload; two flat reads cost a failure 2 s.
# (The debug flavour's 20-34 MB, which first suggested it, were KASAN's
# quarantine, emptied by free_kb only where KASAN is known: docs/reliability.md.)
free_kb_settled() {
	fk=$(free_kb)
	fs=0
	flat=0
	while [ "$fk" -lt "$1" ] && [ "$flat" -lt 2 ] && [ "$fs" -lt $((5 * ${MOVOPS_WAIT_SCALE:-1})) ]; do
		sleep 1
		fs=$((fs + 1))
		fn=$(free_kb)
		if [ $((fn - fk)) -ge 512 ]; then flat=0; else flat=$((flat + 1)); fi
		fk=$fn
	done
	echo "$fk $fs"
}

# stackdepot_kb: the stack depot's size in kB, from its debugfs stats
# (lib/stackdepot.c: pools of 4 pages, never freed; page_owner and KASAN
# keep every allocation's stack there); nothing where the kernel has none.
stackdepot_kb() {
	sd=${MV_SYS:-/sys}/kernel/debug/stackdepot/stats
	[ ! -r "$sd" ] || awk -v kb="$PAGE_KB" '$1 == "pools:" { print $2 * 4 * kb }' "$sd"
}

# mv_meminfo: /proc/meminfo, plus "StackDepot: N kB" (stackdepot_kb),
# a "slab:NAME: N kB" line a slab cache (/proc/slabinfo: num_slabs x
# pagesperslab), to say which cache grew, and a "tasks:NAME: N" line a
# task name (/proc/PID/comm, up to its first '/': kworker/0:1 counts as
# kworker; spaces as '_'), to say whose tasks stayed.
mv_meminfo() {
	cat "${MV_PROC:-/proc}/meminfo"
	sdk=$(stackdepot_kb)
	[ -z "$sdk" ] || echo "StackDepot: $sdk kB"
	si=${MV_PROC:-/proc}/slabinfo
	[ ! -r "$si" ] || awk -v kb="$PAGE_KB" 'NR > 2 { print "slab:" $1 ":", $15 * $6 * kb, "kB" }' "$si"
	cat "${MV_PROC:-/proc}"/[0-9]*/comm 2>/dev/null |
		awk '{ sub(/\/.*/, ""); gsub(/ /, "_"); n[$0]++ } END { for (c in n) print "tasks:" c ":", n[c] }'
}
# meminfo_moved BEFORE: the mv_meminfo lines (as BEFORE, its output taken
# earlier, has them) that moved by 1 MiB or more since (kB lines), or by
# 5 tasks or more (tasks: lines), as diagnostics: where the memory went
# when movops_memfree_restored fails.
meminfo_moved() {
	now=${TMPDIR:-/tmp}/movops-meminfo
	mv_meminfo > "$now"
	echo "$1" | awk 'NR == FNR { b[$1] = $2; next }
		# A task name that is new counts from 0.
		!($1 in b) { if ($1 !~ /^tasks:/) next; b[$1] = 0 }
		{ d = $2 - b[$1]; u = $3 == "kB" ? " kB" : ""; min = u ? 1024 : 5 }
		d >= min || -d >= min {
			printf "# meminfo %s %d%s -> %d%s (%+d)\n", $1, b[$1], u, $2, u, d
		}' - "$now"
}
# mod_range NAME...: "base size" of each loaded module NAME, for kmemleak_check
mod_range() {
	for m in "$@"; do awk -v m="$m" '$1 == m { printf "%s %s ", $6, $2 }' /proc/modules; done
}
# arm_leak: MOVOPS_LEAK=N makes movops.ko leak N objects when it is next
# unloaded (a test of the test for kmemleak_clean), MOVOPS_LEAK_PAGES=N
# N pages (for movops_memfree_restored).
arm_leak() {
	[ -z "${MOVOPS_LEAK:-}" ] || echo "$MOVOPS_LEAK" > /sys/module/movops/parameters/leak_on_unload
	[ -z "${MOVOPS_LEAK_PAGES:-}" ] || echo "$MOVOPS_LEAK_PAGES" > /sys/module/movops/parameters/leak_pages_on_unload
}
# kmemleak_check NAME "BASE SIZE ...": after the modules are gone, no
# unreferenced object may have been allocated by them.  Frames of an
# unloaded module print as bare addresses, so ours are those inside a range
# taken from /proc/modules before unloading (or naming movops).
kmemleak_check() {
	K=/sys/kernel/debug/kmemleak
	if [ ! -w "$K" ]; then
		ktap_skip "$1" "no $K (CONFIG_DEBUG_KMEMLEAK: FLAVOR=debug)"
		return
	fi
	# kmemleak reports nothing younger than 5 s: wait past that, scan twice.
	sleep 6; echo scan > $K; sleep 1; echo scan > $K
	awk -v ranges="$2" '
		function hex(s,   i, c, v) { v = 0; s = tolower(s)
			for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
			return v }
		# Addresses compare as high and low 32-bit halves (awk numbers
		# are doubles).
		BEGIN { nr = split(ranges, r, " ")
			for (j = 1; j + 1 <= nr; j += 2) { b = r[j]; sub(/^0x/, "", b)
				hi8[j] = substr(b, 1, 8); lo[j] = hex(substr(b, 9)); top[j] = lo[j] + r[j + 1] } }
		/^unreferenced object/ { n++; mine = 0; next }
		/movops/ { if (!mine) { ours++; mine = 1 } }
		# A frame: "[<ffff...>] sym" (older) or a bare "0xffff..." once
		# the module is gone.
		{ for (i = 1; i <= NF && !mine; i++) { a = $i; gsub(/[][<>]/, "", a); sub(/^0x/, "", a)
			if (length(a) != 16 || a !~ /^[0-9a-f]+$/) continue
			for (j = 1; j + 1 <= nr; j += 2)
				if (substr(a, 1, 8) == hi8[j] && hex(substr(a, 9)) >= lo[j] && hex(substr(a, 9)) < top[j]) { ours++; mine = 1; break } } }
		END { print n + 0, ours + 0 }' $K > /tmp/kmemleak.n
	read -r total ours < /tmp/kmemleak.n
	record "${1}_unreferenced" "$total"
	record "${1}_ours" "$ours"
	[ "$ours" = 0 ] || sed 's/^/# kmemleak: /' $K | head -40
	check_eq "$1" "$ours" 0
}

[ "$(id -u)" = 0 ] || { echo "movops-run: must run as root" >&2; exit 2; }
[ -d /sys/kernel/debug/kunit ] || [ -f /sys/kernel/debug/.mounted ] ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for f in "$MODDIR"/scenario*.sh; do
	[ -f "$f" ] && . "$f"
done

# A KASAN kernel has kasan_report(); the boot line "KernelAddressSanitizer
# initialized" is gone from dmesg by the injection passes (ring buffer).
KASAN=$(grep -c ' kasan_report$' /proc/kallsyms)
LEAK_RANGES=	# "base size" of each module loaded, for kmemleak_check
[ ! -w /sys/kernel/debug/kmemleak ] || echo clear > /sys/kernel/debug/kmemleak
echo "KTAP version 1"
ktap_diag "movops runner on $(uname -r), $(nproc) cpus, MemTotal $(meminfo MemTotal) kB"
record guest_cpus "$(nproc)"
# One CPU by the harness's choice (ppc64le: the SMP crash of
# docs/architectures.md): a PASS here says nothing of two CPUs.
! grep -qw 'nr_cpus=1' /proc/cmdline ||
	ktap_diag "guest_cpus 1: nr_cpus=1 on the kernel command line, no SMP coverage in this run (ppc64le: the SMP crash, docs/architectures.md)"
plan=
for p in movops kunit stress fuzz; do
	case $p in
	movops | kunit) [ -n "$MOVOPS_ONLY" ] && [ "$MOVOPS_ONLY" != "$p" ] && continue ;;
	*) [ "$MOVOPS_ONLY" = "$p" ] || continue ;;
	esac
	plan="$plan $p"
done
ktap_diag "movops-plan:$plan"

# inject_death: tests of the test (MOVOPS_INJECT=oops, hang or stuck). The
# kernel dies at the start of the KUnit phase, half way through the plan:
# LKDTM's BUG (an oops; the guest boots with oops=panic) or SMP_CALL_LOCKUP
# (every CPU stuck, the guest goes silent); or the runner gets stuck there
# while the kernel lives (HUNG_TASK: D state for ever, the heartbeat goes
# on). The host must end the run within seconds (stuck: of movops.hung=),
# not at TIMEOUT, and name the suites that never ran.
inject_death() {
	case "${MOVOPS_INJECT:-}" in
	oops) what=BUG ;;
	hang) what=SMP_CALL_LOCKUP ;;
	stuck) what=HUNG_TASK ;;
	*) return 0 ;;
	esac
	ktap_diag "movops-inject: LKDTM $what"
	sleep 1		# let the line reach the host first
	echo "$what" > /sys/kernel/debug/provoke-crash/DIRECT
	ktap_fail "inject_$MOVOPS_INJECT" "LKDTM $what returned: the kernel is still alive"
}

# The kernel's own modules the checks drive (a Debian kernel's
# virtio_balloon, zram and what they need: kmods.order, load order).
if [ -s "$MODDIR/kmods.order" ]; then
	loaded= failed=
	while read -r m; do
		if err=$(insmod "$MODDIR/kmods/$m.ko" 2>&1); then
			loaded="$loaded $m"
		else
			failed="$failed $m ($err)"
		fi
	done < "$MODDIR/kmods.order"
	if [ -z "$failed" ]; then
		ktap_ok kernel_modules_loaded "$loaded"
	else
		ktap_fail kernel_modules_loaded "insmod failed:$failed"
	fi
fi

if [ -z "$MOVOPS_ONLY" ] || [ "$MOVOPS_ONLY" = movops ]; then
	ktap_diag "movops-phase: movops"
	memfree_before=$(free_kb)
	meminfo_before=$(mv_meminfo)
	if [ ! -f "$MODDIR/movops.ko" ]; then
		ktap_fail movops_load "no movops.ko in $MODDIR"
	elif ! err=$(insmod "$MODDIR/movops.ko" 2>&1); then
		ktap_fail movops_load "insmod: $err"
	else
		ktap_ok movops_load
		# The scenario leaves unloading (and the MemFree check) to us.
		if command -v scenario_movops >/dev/null 2>&1; then
			run_t0=$(now_ms)
			scenario_movops
			run_t1=$(now_ms)
			# Real users (issue 5): scenario-real.sh. A failure-injection
			# pass after the main run (init's MOVOPS_PASSES) sets
			# MOVOPS_REAL=0: the census would read NR_BALLOON_PAGES as
			# the main run's KUnit suite left it (kernel bug: its -ENOENT
			# migrations never decrement it), and no injection touches them.
			[ "${MOVOPS_REAL:-1}" = 0 ] || scenario_real
			record guest_movops_ms "$((run_t1 - run_t0))"
			record guest_real_ms "$(($(now_ms) - run_t1))"
		else
			ktap_fail movops_scenario "no scenario_movops in $MODDIR/scenario.sh"
		fi
		[ ! -r "$MV/counters" ] || sed 's/^/# counter: /' "$MV/counters"
		LEAK_RANGES="$LEAK_RANGES$(mod_range movops)"
		arm_leak
		if err=$(rmmod movops 2>&1); then ktap_ok movops_unload; else ktap_fail movops_unload "rmmod: $err"; fi
		# Unloading must return every page: free memory (MemFree plus the
		# per-CPU lists) comes back to within MOVOPS_MEMFREE_SLACK_KB (4 MiB:
		# slab and page cache still move by a MiB or two on their own).
		slack=${MOVOPS_MEMFREE_SLACK_KB:-4096}
		settled=$(free_kb_settled $((memfree_before - slack)))
		memfree_after=${settled% *}
		settle_s=${settled#* }
		record memfree_before_kb "$memfree_before"
		record memfree_after_kb "$memfree_after"
		record memfree_settle_s "$settle_s"
		if [ "$memfree_after" -ge $((memfree_before - slack)) ]; then
			sdb=$(echo "$meminfo_before" | awk '$1 == "StackDepot:" { print $2 }')
			sda=$(stackdepot_kb)
			ktap_ok movops_memfree_restored "before $memfree_before kB, after $memfree_after kB${sdb:+ (stack depot ${sdb} -> ${sda} kB, counted as free)}, $settle_s s settling"
		else
			meminfo_moved "$meminfo_before"
			ktap_fail movops_memfree_restored "free $memfree_before kB before load, $memfree_after kB after unload and $settle_s s settling (slack $slack kB)"
		fi
		# zsmalloc a module (FLAVOR=zsmalloc-m): unload it, load it
		# again, migrate its pages (scenario-zsmod.sh); not in a failure
		# injection's pass.
		if [ "${MOVOPS_REAL:-1}" != 0 ] && [ -f "$MODDIR/kmods/zsmalloc.ko" ] &&
			grep -q '^zsmalloc ' /proc/modules && command -v scenario_zsmod >/dev/null 2>&1; then
			scenario_zsmod
		fi
	fi
fi

# The KUnit suite, insmod'ed: each suite's results from debugfs become one
# KTAP line here, its test cases nested under it as KUnit prints them.
scenario_kunit() {
	ko=$MODDIR/movops_kunit.ko
	if [ -s "$MODDIR/kunit-skip" ]; then
		ktap_skip movops_kunit "$(cat "$MODDIR/kunit-skip")"
		return
	fi
	if [ ! -f "$ko" ]; then
		ktap_fail movops_kunit_load "no movops_kunit.ko in $MODDIR"
		return
	fi
	# A kernel with the suite built in (the harness's, booted with a
	# kunit.filter_glob that matches nothing) kept it out of debugfs; let
	# the module's copy run.
	glob=/sys/module/kunit/parameters/filter_glob
	# MOVOPS_KUNIT_GLOB: one case only (scripts/guest/repro.sh).
	[ ! -w "$glob" ] || printf '%s' "${MOVOPS_KUNIT_GLOB:-*}" > "$glob"	# no newline: it would be part of the glob
	if ! err=$(insmod "$ko" 2>&1); then
		ktap_fail movops_kunit_load "insmod: $err"
		return
	fi
	seen=0
	for d in /sys/kernel/debug/kunit/movops_*; do
		[ -r "$d/results" ] || continue
		seen=$((seen + 1))
		# Subtest lines stay as they are; the suite's own closing line
		# (unindented "ok 1 suite") becomes a result of this document.
		awk -v out="${TMPDIR:-/tmp}/movops-kunit-last" '
			/^(not )?ok [0-9]+ / { last = $0; next }
			{ print }
			END { print last > out }' "$d/results"
		last=$(cat "${TMPDIR:-/tmp}/movops-kunit-last")
		name=$(echo "$last" | sed -n 's/^\(not \)\{0,1\}ok [0-9]* *\([^ #]*\).*/\2/p')
		case "$last" in
		"") ktap_fail results_missing "no result line in $d/results" ;;
		"not ok "*) ktap_fail "$name" "the suite failed" ;;
		*) ktap_result ok "$name" "$(echo "$last" | sed -n 's/^[^#]*# *//p')" ;;
		esac
	done
	[ "$seen" -gt 0 ] || ktap_fail movops_kunit_results "no /sys/kernel/debug/kunit/movops_* after insmod"
	LEAK_RANGES="$LEAK_RANGES$(mod_range movops_kunit)"
	if err=$(rmmod movops_kunit 2>&1); then :; else ktap_fail movops_kunit_unload "rmmod: $err"; fi
}

if [ -z "$MOVOPS_ONLY" ] || [ "$MOVOPS_ONLY" = kunit ]; then
	ktap_diag "movops-phase: kunit"
	inject_death
	run_t0=$(now_ms)
	scenario_kunit
	record guest_kunit_ms "$(($(now_ms) - run_t0))"
fi

# The short stress phase of every VM run (stress.sh): migration racing
# inflate/deflate, alloc/free and reads, then an unload under that load.
# Not in the runs of make stress or make fuzz (their own), nor with an
# injected fault (those runs check the injection only).
if [ -z "$MOVOPS_ONLY" ] && { [ -z "$MOVOPS_INJECT" ] || [ "$MOVOPS_INJECT" = none ]; } &&
	[ -f "$MODDIR/stress.sh" ]; then
	. "$MODDIR/stress.sh"
	# make check starts its host-side steps at this line (the phase runs for
	# a fixed time; scripts/host/await-line.sh). Not a "movops-phase:" line: the
	# plan does not list this phase.
	ktap_diag "movops-stress-check: begins"
	run_t0=$(now_ms)
	scenario_check_stress
	record guest_stress_check_ms "$(($(now_ms) - run_t0))"
fi

# kmemleak (the debug flavour): nothing the modules allocated may be left
# unreferenced once they are unloaded.  Stress mode checks its own.
[ -z "$LEAK_RANGES" ] || kmemleak_check kmemleak_clean "$LEAK_RANGES"

# Stress mode, the debugfs fuzzer and the kernel bug reproducers (make
# stress, make fuzz, make repro): only on request.
for s in stress fuzz repro; do
	[ "$MOVOPS_ONLY" = "$s" ] && [ -f "$MODDIR/$s.sh" ] || continue
	ktap_diag "movops-phase: $s"
	. "$MODDIR/$s.sh" && "scenario_$s"
done

echo "1..$N"
ktap_diag "movops-done failed=$FAILED"
[ "$FAILED" = 0 ]
