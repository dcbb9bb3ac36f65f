# shellcheck shell=sh
# movops stress mode (issue 6), sourced by movops-run.sh when
# MOVOPS_ONLY=stress; uses its ktap_*/check_*/record/vmstat/meminfo helpers.
# The module's kthreads (module/stress.c) churn a balloon and a zsmalloc pool
# and migrate their pages while this script compacts the whole system; then
# the books must balance, every object verify, every page come back.
#
# MOVOPS_STRESS_SECONDS   length of the main run (default 60)
# MOVOPS_STRESS_MIGRATORS targeted-migration threads (default 2)
# MOVOPS_STRESS_PAGES     balloon pages churned between N/2 and N (8192)
# MOVOPS_STRESS_OBJECTS   zsmalloc objects, likewise (8192)
# MOVOPS_STRESS_MIN       fewest movable_ops migrations the main run needs (1)
# MOVOPS_STRESS_SERIALIZE 0: the migrators' range calls unserialised (1)
# MOVOPS_STRESS_PHASES    which phases run (default: all of
#                         "cap main unload pressure faults kmemleak")

ST=$MV/stress
ST_PARAM=/sys/module/movops/parameters

st_val() { awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print "missing" }' "$ST"; }
st_param() { echo "$2" > "$ST_PARAM/stress_$1"; }
# st_cmd WORD: write a command; prints the shell's error (errno text) if refused
st_cmd() { { echo "$1" > "$ST"; } 2>&1; }
st_want() { case " ${MOVOPS_STRESS_PHASES:-cap main unload pressure faults kmemleak} " in *" $1 "*) return 0;; esac; return 1; }
probe_all() { mv_counter "probe_all_$1"; }

st_load() {
	if err=$(insmod "$MODDIR/movops.ko" 2>&1) && [ -f "$ST" ]; then
		return 0
	fi
	ktap_fail "stress_load_$1" "insmod or $ST: $err"
	return 1
}

# st_compact: one compaction of the whole system, where the kernel has
# compaction (FLAVOR=no-compaction has no /proc/sys/vm/compact_memory).
st_compact() {
	if [ -w /proc/sys/vm/compact_memory ]; then echo 1 > /proc/sys/vm/compact_memory; else return 1; fi
}

# st_run NAME SECONDS: start, compact from user space every 2 s, stop after
# SECONDS of guest time. Counted by the clock, not by rounds: one compaction
# takes seconds on the sanitizer kernels (kcsan.skip_watch=40: 150 s of rounds
# took 795 s, 2026-12-02), and the length asked for is the length run.
st_run() {
	if err=$(st_cmd start) && [ -z "$err" ]; then
		ktap_ok "${1}_started"
	else
		ktap_fail "${1}_started" "start refused: $err (parameters: $(cd $ST_PARAM && grep . stress_* | tr '\n' ' '))"
		return 1
	fi
	t0=$(($(now_ms) / 1000)) t=0 said=0
	while [ "$t" -lt "$2" ]; do
		st_compact
		sleep 2
		t=$(($(now_ms) / 1000 - t0))
		[ $((t / 30)) -eq "$said" ] && continue
		said=$((t / 30))
		ktap_diag "$1: ${t}s, balloon migrations $(($(vmstat balloon_migrate) - mig0))"
	done
	err=$(st_cmd stop)
	[ -z "$err" ] || ktap_fail "${1}_stopped" "stop: $err"
	return 0
}

# st_books NAME: after a stop, the books must balance exactly.
st_books() {
	infl=$(st_val balloon_inflated); defl=$(st_val balloon_deflated)
	enoent=$(st_val balloon_enoent); held=$(st_val balloon_held)
	check_eq "${1}_balloon_books" "$infl" "$((held + defl + enoent))"
	check_eq "${1}_balloon_isolated" "$(st_val balloon_isolated)" 0
	check_eq "${1}_balloon_untracked" "$(st_val balloon_untracked)" 0
	check_eq "${1}_balloon_callback_foreign" "$(st_val balloon_callback_foreign)" 0
	# Every worker, after each round, finds its per-CPU base naming the CPU
	# it runs on (module/stress_work.c ms_check_cpu(): the ppc64le SMP crash).
	check_eq "${1}_cpu_identity_lost" "$(st_val cpu_identity_lost)" 0
	za=$(st_val zs_allocated); zf=$(st_val zs_freed); zo=$(st_val zs_objects)
	check_eq "${1}_zs_books" "$za" "$((zo + zf))"
	st_cmd verify > /dev/null
	check_eq "${1}_zs_verify_fail" "$(st_val zs_verify_fail)" 0
	check_gt "${1}_zs_verified" "$(st_val zs_verified)" 0
	for c in balloon_inflated balloon_deflated balloon_enoent balloon_alloc_fail \
		balloon_callback_migrated enoent_requested zs_allocated zs_freed \
		zs_alloc_fail zs_verified zs_compact_runs zs_compacted_pages \
		tgt_balloon_tries tgt_balloon_ok tgt_zs_tries tgt_zs_ok tgt_ebusy \
		tgt_enomem tgt_errors elapsed_ms balloon_held zs_objects zs_pool_pages; do
		record "${1}_$c" "$(st_val "$c")"
	done
}

# st_drain NAME: give everything back; nothing may stay behind.
st_drain() {
	err=$(st_cmd drain)
	[ -z "$err" ] || ktap_fail "${1}_drain" "drain: $err"
	check_eq "${1}_drained" "$(st_val balloon_held) $(st_val zs_objects) $(st_val zs_pool_pages) $(st_val drain_stuck)" "0 0 0 0"
	check_eq "${1}_drain_verify_fail" "$(st_val zs_verify_fail)" 0
}

st_phase_cap() {
	st_param max_pct 25
	ram=$(($(meminfo MemTotal) / 4))
	st_param balloon_pages "$ram"
	err=$(st_cmd start)
	case $err in
	*"No space left"*) ktap_ok stress_cap_refused "$err" ;;
	*) ktap_fail stress_cap_refused "start with $ram balloon pages (cap 25% of RAM): '${err:-accepted}', expected ENOSPC" ;;
	esac
	check_eq stress_cap_no_state_change "$(st_val running) $(st_val balloon_held) $(st_val zs_objects) $(st_val balloon_inflated)" "0 0 0 0"
	# The debugfs module's own caps, likewise.
	held=$(mv_counter balloon_held)
	err=$({ echo $(($(mv_counter balloon_cap) + 1)) > "$MV/inflate"; } 2>&1)
	case $err in
	*"No space left"*) ktap_ok movops_cap_refused "$err" ;;
	*) ktap_fail movops_cap_refused "inflate cap+1: '${err:-accepted}', expected ENOSPC" ;;
	esac
	check_eq movops_cap_no_state_change "$(mv_counter balloon_held) $(mv_counter balloon_inflated)" "$held 0"
	[ "$(st_cmd stop)" ] || true
}

st_phase_main() {
	secs=${MOVOPS_STRESS_SECONDS:-60}
	st_param max_pct 50
	st_param migrators "${MOVOPS_STRESS_MIGRATORS:-2}"
	st_param balloon_pages "${MOVOPS_STRESS_PAGES:-8192}"
	st_param zs_objects "${MOVOPS_STRESS_OBJECTS:-8192}"
	# MOVOPS_STRESS_SERIALIZE=0: range calls unserialised (the module's
	# stress_serialize), the way the isolation race of docs/kernel-bugs.md
	# showed up.
	st_param serialize "${MOVOPS_STRESS_SERIALIZE:-1}"
	mig0=$(vmstat balloon_migrate); defl0=$(vmstat balloon_deflate)
	pg0=$(vmstat pgmigrate_success); zsm0=$(probe_all zs_migrate)
	ktap_diag "stress: ${secs}s, ${MOVOPS_STRESS_MIGRATORS:-2} migrators, ${MOVOPS_STRESS_PAGES:-8192} pages, ${MOVOPS_STRESS_OBJECTS:-8192} objects, stress_serialize=$(cat "$ST_PARAM/stress_serialize")"
	st_run stress "$secs" || return
	st_books stress
	ms=$(st_val elapsed_ms)
	bm=$(($(vmstat balloon_migrate) - mig0))
	zm=$(($(probe_all zs_migrate) - zsm0))
	pg=$(($(vmstat pgmigrate_success) - pg0))
	total=$((bm + zm))
	# The kernel's own counts must agree with the driver's books.
	check_eq stress_balloon_migrate_vmstat "$bm" "$(st_val balloon_callback_migrated)"
	check_eq stress_balloon_deflate_vmstat "$(($(vmstat balloon_deflate) - defl0))" \
		"$(($(st_val balloon_deflated) + $(st_val balloon_enoent)))"
	if ! mv_bmig; then
		ktap_skip stress_enoent_path "$MV_NOBMIG: a balloon page never migrates, so never meets a deflate (-ENOENT)"
	elif [ "$(st_val enoent_supported)" = 1 ]; then
		check_gt stress_enoent_path "$(st_val balloon_enoent)" 0
	else
		ktap_skip stress_enoent_path "no -ENOENT contract in this balloon core (6.12: the driver deflates in its callback)"
	fi
	check_gt stress_zs_compact_runs "$(st_val zs_compact_runs)" 0
	if mv_bmig; then
		check_gt stress_targeted_balloon_ok "$(st_val tgt_balloon_ok)" 0
	else
		# A targeted range over a balloon page may still succeed when the
		# page was deflated meanwhile; none may have moved.
		check_eq stress_balloon_stayed "$bm $(st_val balloon_callback_migrated)" "0 0"
	fi
	if mv_zsmig; then
		check_gt stress_targeted_zs_ok "$(st_val tgt_zs_ok)" 0
	else
		ktap_skip stress_targeted_zs_ok "$MV_NOZSMIG: no zsmalloc page can migrate (zs_targeted_refused checks the refusal)"
	fi
	check_gt stress_migrations "$total" $((${MOVOPS_STRESS_MIN:-1} - 1))
	# A targeted migration may fail with -EBUSY or -ENOMEM under this load,
	# never otherwise (the faults phase injects failures; not this one).
	check_eq stress_targeted_errors "$(st_val tgt_errors)" 0
	record stress_seconds "$secs"
	record stress_migrations_balloon "$bm"
	record stress_migrations_zsmalloc "$zm"
	record stress_migrations_total "$total"
	record stress_pgmigrate_success "$pg"
	if [ "$ms" -gt 0 ] 2>/dev/null; then
		record stress_rate_balloon_per_s $((bm * 1000 / ms))
		record stress_rate_zsmalloc_per_s $((zm * 1000 / ms))
		record stress_rate_total_per_s $((total * 1000 / ms))
	fi
	ktap_diag "stress: $total movable_ops migrations in ${ms} ms (balloon $bm, zsmalloc $zm), $(st_val balloon_enoent) -ENOENT"
	st_drain stress
}

# st_check_memfree NAME: after an unload, free memory is back to $free0
# (taken before the load) within the runner's slack (MOVOPS_MEMFREE_SLACK_KB)
# plus 4 MiB: the balloon core's meminfo Balloon: stays one page high per
# -ENOENT on 7.3.4 (docs/kernel-bugs.md), and those pages are free.
st_check_memfree() {
	sleep 1
	free=$(free_kb)
	record "${1}_memfree_before_kb" "$free0"
	record "${1}_memfree_after_kb" "$free"
	slack=$((${MOVOPS_MEMFREE_SLACK_KB:-4096} + 4096))
	if [ "$free" -ge $((free0 - slack)) ]; then
		ktap_ok "${1}_memfree" "before $free0 kB, after $free kB"
	else
		ktap_fail "${1}_memfree" "free $free0 kB before load, $free kB after unload (slack $slack kB)"
	fi
}

# Unload while the workers run: the module must stop them and give back
# every page (its unload line says what came back).
st_phase_unload() {
	st_param max_pct 50
	st_param balloon_pages 4096
	st_param zs_objects 4096
	st_cmd start > /dev/null
	sleep 6
	ST_RANGES="$ST_RANGES$(mod_range movops)"
	if err=$(rmmod movops 2>&1); then ktap_ok stress_unload_running; else ktap_fail stress_unload_running "rmmod: $err"; fi
	line=$(dmesg | grep 'movops: stress unload:' | tail -1)
	ktap_diag "$line"
	case $line in
	*"stuck 0, untracked 0, verify_fail 0, pool pages 0") ktap_ok stress_unload_returned "$line" ;;
	*) ktap_fail stress_unload_returned "unload line: '$line'" ;;
	esac
	st_check_memfree stress_unload
	st_load unload_reload
}

# All of RAM allowed, the balloon aimed at 98 % of it: allocations fail,
# the workers count that and go on.
st_phase_pressure() {
	ram=$(($(meminfo MemTotal) / 4))
	st_param max_pct 100
	st_param balloon_pages $((ram * 98 / 100))
	st_param zs_objects $((ram * 1 / 100))
	st_run pressure "${MOVOPS_STRESS_PRESSURE_SECONDS:-20}" || return
	fails=$(($(st_val balloon_alloc_fail) + $(st_val zs_alloc_fail)))
	check_gt pressure_alloc_failures_counted "$fails" 0
	check_gt pressure_guest_alive "$(meminfo MemFree)" 0
	record pressure_oom_deflated "$(st_val oom_deflated)"
	st_books pressure
	st_drain pressure
}

# fail_page_alloc (FLAVOR=debug): the workers' page allocations fail at
# random; failed migrations must be put back, nothing lost.
st_phase_faults() {
	F=/sys/kernel/debug/fail_page_alloc
	if [ ! -d "$F" ]; then
		ktap_skip stress_faults "no $F (CONFIG_FAIL_PAGE_ALLOC: FLAVOR=debug)"
		return
	fi
	echo Y > $F/task-filter; echo N > $F/ignore-gfp-wait; echo N > $F/ignore-gfp-highmem
	echo 0 > $F/min-order; echo 0 > $F/verbose; echo -1 > $F/times; echo 1 > $F/interval
	echo "${MOVOPS_STRESS_FAIL_PCT:-10}" > $F/probability
	st_param fail 1
	st_param max_pct 50
	st_param balloon_pages 4096
	st_param zs_objects 4096
	pb0=$(probe_all balloon_putback); pz0=$(probe_all zs_putback)
	st_run faults "${MOVOPS_STRESS_FAULT_SECONDS:-20}"
	echo 0 > $F/probability
	st_param fail 0
	errs=$(($(st_val balloon_alloc_fail) + $(st_val zs_alloc_fail) + $(st_val tgt_enomem) + $(st_val tgt_errors)))
	check_gt faults_errors_counted "$errs" 0
	putback=$(($(probe_all balloon_putback) - pb0 + $(probe_all zs_putback) - pz0))
	record faults_putback "$putback"
	# A targeted migration that failed for want of a target page
	# (-ENOMEM: the injected fault) leaves its isolated page to be put
	# back, so at least one putback per -ENOMEM; compaction's own
	# putbacks make the sum larger, never smaller.  No -ENOMEM at all
	# means the fault never reached a migration: that fails too.
	enomem=$(st_val tgt_enomem)
	record faults_tgt_enomem "$enomem"
	if [ "$enomem" -gt 0 ] && [ "$putback" -ge "$enomem" ]; then
		ktap_ok faults_putback_counted "$enomem targeted migrations failed with -ENOMEM, $putback putbacks"
	else
		ktap_fail faults_putback_counted "$enomem targeted migrations failed with -ENOMEM, $putback putbacks: want -ENOMEM > 0 and putbacks >= it"
	fi
	st_books faults
	st_drain faults
}

scenario_stress() {
	ST_RANGES=	# every load's "base size", for kmemleak_check
	free0=$(free_kb)
	st_load stress || return
	echo 0 > /proc/sys/vm/compaction_proactiveness 2>/dev/null
	! st_want cap || st_phase_cap
	! st_want main || st_phase_main
	! st_want unload || st_phase_unload
	! st_want pressure || st_phase_pressure
	! st_want faults || st_phase_faults
	ST_RANGES="$ST_RANGES$(mod_range movops)"
	[ ! -r "$ST" ] || sed 's/^/# stress: /' "$ST"
	arm_leak
	if err=$(rmmod movops 2>&1); then ktap_ok stress_unload; else ktap_fail stress_unload "rmmod: $err"; fi
	! st_want kmemleak || kmemleak_check kmemleak_clean "$ST_RANGES"
}

# dmesg_splats: lines of the kernel log since the last "dmesg -c" that start
# a splat (the patterns of scripts/report/splats.py that matter in the guest).
dmesg_splats() {
	dmesg | grep -E 'WARNING:|cut here|BUG[: ]|Oops|general protection|KASAN:|UBSAN:|list_(add|del) corruption|Kernel panic' | head -5
}

# Unload while migration hammers our pages (the stress workers migrate
# them, user space compacts the whole system in a loop, pages of the
# module's own balloon are held too), then compact again: a page left in a
# balloon would still point at the freed device, and that compaction would
# call into it.  The unload must wait for its pages, say nothing stayed
# behind (its unload line: "pages left 0"), and nothing may splat.
st_phase_unload_hammer() {
	st_param max_pct 50
	st_param balloon_pages 4096
	st_param zs_objects 4096
	mv_write inflate 1024 || ktap_diag "unload_hammer: inflate 1024 refused"
	st_cmd start > /dev/null
	dmesg -c > /dev/null
	( while :; do st_compact || sleep 1; done ) &
	hammer=$!
	sleep 4
	ST_RANGES="$ST_RANGES$(mod_range movops)"
	if err=$(rmmod movops 2>&1); then ktap_ok stress_unload_hammered; else ktap_fail stress_unload_hammered "rmmod: $err"; fi
	# No wait: a compaction stuck in the kernel would hang the runner.
	kill "$hammer" 2>/dev/null
	line=$(dmesg | grep 'movops: stress unload:' | tail -1)
	case $line in
	*"untracked 0, verify_fail 0, pool pages 0") ktap_ok stress_unload_hammered_returned "$line" ;;
	*) ktap_fail stress_unload_hammered_returned "unload line: '$line'" ;;
	esac
	# The module's last line counts our balloon pages (the debugfs
	# balloon's 1024, the control and the stress balloon) still there
	# after the drains: each would point at a freed device.
	line=$(dmesg | grep 'movops: unloaded' | tail -1)
	case $line in
	*"pages left 0 ("*) ktap_ok stress_unload_hammered_pages_left "$line" ;;
	*) ktap_fail stress_unload_hammered_pages_left "unload line: '${line:-no movops: unloaded line}'" ;;
	esac
	dmesg | grep 'movops: unload:' | sed 's/^/# /'
	# In a child shell, waited for 30 s at most: a compaction that oopses
	# kills that shell, one stuck behind a lock the oops left held stays
	# stuck; neither takes the runner with it.
	sh -c 'echo 1 > /proc/sys/vm/compact_memory' 2>/dev/null &
	c=$! t=0
	while kill -0 "$c" 2>/dev/null && [ "$t" -lt 30 ]; do sleep 1; t=$((t + 1)); done
	stuck=$(kill -0 "$c" 2>/dev/null && echo "compaction stuck after ${t}s")
	check_eq stress_compact_after_unload_no_splat "$(dmesg_splats)$stuck" ""
}

# Memory offlining racing compaction over the debugfs module's balloon
# pages, for $1 seconds (10 in every VM run). Compaction
# skips a page that is already isolated by a lockless look first
# (mm/compaction.c isolate_migratepages_block(): !PageMovableOpsIsolated()),
# so two compactions, or a compaction and alloc_contig_range(), reach
# isolate_movable_ops_page() with the same page only in the moment between
# that look and the page lock. Offlining has no such look
# (mm/memory_hotplug.c do_migrate_range() -> isolate_folio_to_list()): every
# page compaction holds isolated while offlining scans its block goes to
# isolate_movable_ops_page(), which must refuse it (PageMovableOpsIsolated,
# under the page lock). If it did not (the isolate-twice mutant),
# balloon_page_isolate() would take the page off the list the first isolator
# holds it on and count it isolated twice: a WARNING (DEBUG_VM, mm/migrate.c
# "Driver shouldn't use the isolated flag"), isolated_pages left above 0, or a
# corrupted list. No alloc_contig_range() runs meanwhile: two unserialised
# pageblock isolators hit a kernel bug of their own (docs/kernel-bugs.md).
st_phase_offline_race() {
	secs=${1:-0}
	record stress_offline_race_seconds "$secs"
	if ! [ "$secs" -gt 0 ] 2>/dev/null; then
		ktap_skip stress_offline_race "MOVOPS_STRESS_OFFLINE_RACE=$secs: not asked for (the race meets a kernel bug of its own, docs/kernel-bugs.md)"
		return 0
	elif mv_machine_skips offline_race; then
		ktap_skip stress_offline_race "movops.skip=offline_race: the host's machine table (scripts/host/vm.py MACHINES) keeps this race off this machine"
		return 0
	elif ! [ -w /proc/sys/vm/compact_memory ]; then
		ktap_skip stress_offline_race "no /proc/sys/vm/compact_memory: no compaction to race offlining with"
		return 0
	elif ! mv_bmig; then
		ktap_skip stress_offline_race "$MV_NOBMIG: no balloon page migrates, so none is ever isolated"
		return 0
	fi
	dmesg -c > /dev/null
	# 8 MiB of balloon pages (2048 of 4 KiB, 128 of 64 KiB) for offlining
	# and compaction to fight over: without them the race proves nothing.
	mv_check_write stress_offline_race_inflated inflate $((8192 / PAGE_KB))
	( while :; do st_compact; done ) &
	hammer=$!
	t0=$(now_ms) tried=0 off=0 on=0
	while [ $(($(now_ms) - t0)) -lt $((secs * 1000)) ]; do
		# shellcheck disable=SC2013 # one block id per line
		for b in $(cat "$MV/blocks"); do
			d=/sys/devices/system/memory/memory$b
			[ "$(cat "$d/valid_zones" 2>/dev/null)" = Movable ] || continue
			[ "$(cat "$d/state")" = online ] || continue
			tried=$((tried + 1))
			# 10 s more than the phase: a slower guest (arm64, ppc64le
			# under TCG) still gets an offline through.
			timeout $((secs + 10)) sh -c "echo offline > $d/state" 2>/dev/null || continue
			off=$((off + 1))
			echo online_movable > "$d/state" 2>/dev/null && on=$((on + 1))
			[ $(($(now_ms) - t0)) -lt $((secs * 1000)) ] || break
		done
	done
	kill "$hammer" 2>/dev/null
	wait "$hammer" 2>/dev/null
	record stress_offline_race_ms "$(($(now_ms) - t0))"
	record stress_offline_race_tried "$tried"
	record stress_offline_race_offlined "$off"
	check_gt stress_offline_race_offlined "$off" 0
	check_eq stress_offline_race_online_again "$on" "$off"
	check_eq stress_offline_race_isolated "$(mv_counter balloon_isolated)" 0
	check_eq stress_offline_race_no_splat "$(dmesg_splats)" ""
	h=$(mv_counter balloon_held)
	[ "$h" = 0 ] || mv_write deflate "$h" || ktap_diag "offline_race: deflate $h refused"
}

# st_kprobes_state: how the kernel placed the module's kprobes, once its
# optimizer has run (5 jiffies after registration): "[OPTIMIZED]" is a jump
# to a trampoline instead of a trap (ppc64le's SMP crash came from that
# trampoline, docs/architectures.md). The count of the whole list goes to
# counters.txt; the module's own count (probes_optimized) is checked.
st_kprobes_state() {
	kpl=/sys/kernel/debug/kprobes/list
	[ -r "$kpl" ] || return 0
	sleep 1
	record kprobes_optimized "$(grep -c 'OPTIMIZED' "$kpl")"
	grep -E 'zs_page_|balloon_page_|cmm_migratepage' "$kpl" | while read -r l; do ktap_diag "kprobe: $l"; done
	# Where the module keeps its kprobes traps (lib/movops_compat.h
	# MV_KPROBE_POST: ppc64 with preemption), none may be a jump.
	[ "$(mv_counter probes_keep_traps)" != 1 ] ||
		check_eq stress_kprobes_kept_traps "$(mv_counter probes_optimized)" 0
}

# The stress phase of every VM run (make run, make check): short, and its
# checks (books balanced, every object intact, migrations > 0, nothing
# stranded at unload, no splat) as able to fail as make stress's own.
# MOVOPS_STRESS_CHECK_SECONDS: length of its main run (default 30; 0 skips
# the phase, a skip expected-skips.txt lists for that recorded setting).
scenario_check_stress() {
	secs=${MOVOPS_STRESS_CHECK_SECONDS:-30}
	# The setting as run: scripts/report/expected-skips.txt expects the skip
	# below only when this says 0.
	record stress_check_seconds "$secs"
	[ "$secs" -gt 0 ] 2>/dev/null ||
		{ ktap_skip stress_check "MOVOPS_STRESS_CHECK_SECONDS=$secs: no stress phase asked for"; return; }
	ST_RANGES=
	free0=$(free_kb)
	st_load check || return
	st_kprobes_state
	proact=$(cat /proc/sys/vm/compaction_proactiveness 2>/dev/null)
	echo 0 > /proc/sys/vm/compaction_proactiveness 2>/dev/null
	MOVOPS_STRESS_SECONDS=$secs MOVOPS_STRESS_MIGRATORS=2 \
	MOVOPS_STRESS_PAGES=4096 MOVOPS_STRESS_OBJECTS=4096 MOVOPS_STRESS_MIN=1 \
		st_phase_main
	st_phase_offline_race "${MOVOPS_STRESS_OFFLINE_RACE:-0}"
	st_phase_unload_hammer
	[ -z "$proact" ] || echo "$proact" > /proc/sys/vm/compaction_proactiveness 2>/dev/null
	st_check_memfree stress_check
	LEAK_RANGES="$LEAK_RANGES$ST_RANGES"
}
