# shellcheck shell=sh
# movops guest scenario (issue 3, item 6), sourced by movops-run.sh, which
# provides ktap_ok/ktap_fail/ktap_skip/ktap_diag, check_eq, check_gt,
# mv_write, mv_counter, vmstat, meminfo and record, loads movops.ko before
# calling scenario_movops, and unloads it (and checks MemFree) after.
#
# Failure injection (MOVOPS_INJECT) applies to the targeted round only:
#   balloon_fail  the module's migratepage callback refuses (-EAGAIN), so
#                 exactly balloon_targeted_migrated must fail;
#   zs_corrupt    one held zsmalloc object is corrupted, so exactly
#                 zs_verify_intact must fail.
# After the round the injection is undone ("inject none" also restores the
# corrupted object) and offlining and compaction run as usual.

# A kernel without balloon migration (CONFIG_BALLOON_MIGRATION off,
# FLAVOR=no-balloon-migration; movops.ko's counter balloon_migration 0):
# balloon pages have no movable ops (mm/balloon.c), so every check that a
# balloon page moved becomes a check that it was refused and stayed, and
# the balloon_page_* kprobes do not exist.  mv_bmig: 1 unless the module
# says 0.
mv_bmig() { [ "$(mv_counter balloon_migration)" != 0 ]; }
MV_NOBMIG="no CONFIG_BALLOON_MIGRATION"

# A kernel without compaction (CONFIG_COMPACTION off, MIGRATION on,
# FLAVOR=no-compaction; movops.ko's counter zs_migration 0): zsmalloc
# gives its pages no movable ops and takes them without __GFP_MOVABLE
# (mm/zsmalloc.c: zs_page_isolate/migrate/putback, the table registration
# in zs_init() and SetZsPageMovable() exist only with CONFIG_COMPACTION;
# alloc_zspage() drops __GFP_MOVABLE), so no zsmalloc page can migrate nor
# sit in ZONE_MOVABLE, and the zs_page_* kprobes do not exist.  Balloon
# pages keep theirs (BALLOON_MIGRATION depends on MIGRATION): offlining
# still migrates them.  There is no /proc/sys/vm/compact_memory.
# Test of those checks: the file /tmp/movops-assume-no-zs-migration (a
# GUEST_CMD writes it) makes the guest expect this on a kernel where
# zsmalloc pages do move, so zs_targeted_refused,
# memory_offline_zs_not_movable and zram_zs_stayed must fail.
mv_zsmig() {
	[ ! -e /tmp/movops-assume-no-zs-migration ] && [ "$(mv_counter zs_migration)" != 0 ]
}
MV_NOZSMIG="no CONFIG_COMPACTION: zsmalloc pages have no movable ops"

# Sizes: at least 256 of each, as the issue asks.  MV_NB pages are
# inflated the real-driver way, MV_NC more from alloc_contig_pages() ranges.
MV_NB=${MOVOPS_BALLOON_PAGES:-512}
MV_NC=${MOVOPS_BALLOON_CONTIG_PAGES:-256}
MV_NZ=${MOVOPS_ZS_OBJECTS:-500}

# mv_delta NAME BEFORE: counter NAME now minus BEFORE
mv_delta() { echo $(($(mv_counter "$1") - $2)); }

mv_blocks() { tr '\n' ' ' < "$MV/blocks"; }

# check_eq_probed NAME ACTUAL EXPECTED: check_eq where the module's kprobes
# are registered (they make ACTUAL); a SKIP with that reason elsewhere.
check_eq_probed() {
	if [ "$(mv_counter probes)" = 1 ]; then
		check_eq "$@"
	else
		ktap_skip "$1" "no kprobes (CONFIG_KPROBES off or registration failed): callbacks cannot be observed"
	fi
}

mv_check_write() {	# NAME FILE VALUE: the write must succeed
	if mv_write "$2" "$3"; then ktap_ok "$1"; else ktap_fail "$1" "write '$3' to $2 failed"; fi
}

mv_check_refused() {	# NAME FILE VALUE: the write must fail
	if mv_write "$2" "$3"; then ktap_fail "$1" "write '$3' to $2 was accepted"; else ktap_ok "$1"; fi
}

mv_interface_checks() {
	mode=$(stat -c %a "$MV/counters" "$MV/inflate" "$MV/blocks" 2>/dev/null | sort -u | tr '\n' ' ')
	check_eq movops_debugfs_root_only "$mode" "600 "
	ok=1
	for bad in abc 12x -1 " 1" "1 2" 0x10 ""; do
		mv_write inflate "$bad" && ok=0
	done
	mv_write zs_alloc "1 2 3" && ok=0
	mv_write zs_alloc "1 7" && ok=0
	mv_write migrate "balloons" && ok=0
	mv_write inject "balloon" && ok=0
	mv_write snapshot 2 && ok=0
	check_eq movops_input_strict "$ok $(mv_counter balloon_held) $(mv_counter zs_objects)" "1 0 0"
	mv_check_refused movops_cap_enforced inflate 4000000000
	mv_check_refused balloon_deflate_beyond_held_refused deflate 1
}

mv_set_movable_ops_checks() {
	if [ "$(mv_counter set_movable_ops_checked)" = 1 ]; then
		check_eq set_movable_ops_second_registration_refused \
			"$(mv_counter set_movable_ops_offline_ret) $(mv_counter set_movable_ops_zsmalloc_ret) $(mv_counter set_movable_ops_other_ret) $(mv_counter set_movable_ops_bad)" \
			"-16 -16 -22 0"
	elif [ "$(mv_counter set_movable_ops_present)" = 0 ]; then
		ktap_skip set_movable_ops_second_registration_refused "no set_movable_ops() in this kernel: ops are not registered by page type (6.12 stores them in page->mapping)"
	else
		ktap_skip set_movable_ops_second_registration_refused "set_movable_ops() not checked: needs BALLOON_MIGRATION and COMPACTION, else a call would install the module's table"
	fi
}

# Direct resolution (6.12): every held page's page_movable_ops() is the
# table of its type (&balloon_mops; the zsmalloc table, named through
# kallsyms), before and after the targeted round.  Since 6.17 neither is
# reachable from a module, and the kprobe checks carry the resolution.
mv_ops_direct_checks() {
	if [ "$(mv_counter ops_direct)" = 1 ]; then
		check_gt ops_resolution_direct_checked "$(mv_counter ops_direct_checked)" "$((MV_NB + MV_NC))"
		check_eq ops_resolution_direct "$(mv_counter ops_direct_bad)" 0
	else
		r="page_movable_ops() is static in mm/migrate.c and balloon_mops unexported on this kernel (since 6.17): resolution is shown by the probe_* checks"
		ktap_skip ops_resolution_direct_checked "$r"
		ktap_skip ops_resolution_direct "$r"
	fi
}

mv_setup() {
	mv_check_write balloon_inflate inflate "$MV_NB"
	mv_check_write balloon_inflate_contig inflate_contig "$MV_NC"
	check_eq balloon_inflated_held "$(mv_counter balloon_held)" "$((MV_NB + MV_NC))"
	if mv_write zs_alloc "$MV_NZ"; then ktap_ok zs_alloc; else ktap_fail zs_alloc "zs_alloc $MV_NZ failed"; fi
	check_eq zs_allocated_held "$(mv_counter zs_objects)" "$MV_NZ"
	check_gt zs_size_classes_held "$(mv_counter zs_size_classes)" 3
	f0=$(mv_counter zs_verify_fail)
	mv_write verify 1
	check_eq zs_written_intact "$(mv_delta zs_verify_fail "$f0")" 0
	record zs_pool_pages "$(mv_counter zs_pages)"
}

mv_nonmovable_checks() {
	t0=$(mv_counter nonmovable_tries)
	c0=$(mv_counter nonmovable_control_migrated)
	e0=$(mv_counter nonmovable_ebusy)
	if ! mv_write migrate nonmovable; then
		ktap_fail nonmovable_control_moved "migrate nonmovable failed (no clean pageblock?)"
		return
	fi
	if mv_bmig; then
		check_eq nonmovable_control_moved "$(mv_delta nonmovable_control_migrated "$c0")" \
			"$(mv_delta nonmovable_tries "$t0")"
	else
		ktap_skip nonmovable_control_moved "$MV_NOBMIG: the control page is a balloon page, which cannot migrate here"
	fi
	check_eq nonmovable_page_stayed \
		"$(mv_delta nonmovable_ebusy "$e0") $(mv_counter nonmovable_moved)" "1 0"
	check_eq_probed nonmovable_no_ops_called "$(mv_counter nonmovable_ops_calls)" 0
}

# A page isolated for migration must not be isolated again
# (module/isolate_twice.c): the module holds its own alloc_contig_range()
# of one of our balloon pages in migrate_pages(), the page isolated, while
# a kthread on the other CPU soft-offlines it (SO below), the one isolator
# that does not skip an isolated page by a lockless look first.
mv_isolate_twice_checks() {
	SO=${MV_SYS:-/sys}/devices/system/memory/soft_offline_page
	r=
	if ! mv_bmig; then
		r="$MV_NOBMIG: no balloon page can be isolated"
	elif [ ! -e "$SO" ]; then
		r="no $SO (CONFIG_MEMORY_FAILURE): no second isolator"
	elif [ "$(mv_counter probes)" != 1 ]; then
		r="no kprobes (CONFIG_KPROBES off or registration failed): the first isolator cannot be held"
	elif [ "$(grep -c '^processor' "${MV_PROC:-/proc}/cpuinfo")" -lt 2 ]; then
		r="needs two online CPUs: the first isolator is held on one while the second runs"
	fi
	if [ -n "$r" ]; then
		for c in held refused soft_offline_busy first_moved; do ktap_skip "isolate_twice_$c" "$r"; done
		return
	fi
	r0=$(mv_counter isolate_twice_runs)
	h0=$(mv_counter isolate_twice_held)
	c0=$(mv_counter isolate_twice_b_calls)
	i0=$(mv_counter isolate_twice_b_isolated)
	e0=$(mv_counter isolate_twice_b_ebusy)
	p0=$(mv_counter isolate_twice_poisoned)
	m0=$(mv_counter isolate_twice_moved)
	if ! mv_write migrate isolate_twice; then
		ktap_fail isolate_twice_held "migrate isolate_twice failed (no balloon page in a clean pageblock, or a probe refused: see dmesg)"
		return
	fi
	# One run, and A was held in migrate_pages() with the page isolated:
	# the window.
	check_eq isolate_twice_held "$(mv_delta isolate_twice_runs "$r0") $(mv_delta isolate_twice_held "$h0")" "1 1"
	# SO's isolate call for the page, while A held it, was refused.
	check_eq isolate_twice_refused "$(mv_delta isolate_twice_b_calls "$c0") $(mv_delta isolate_twice_b_isolated "$i0")" "1 0"
	# So SO failed with -EBUSY and poisoned nothing.
	check_eq isolate_twice_soft_offline_busy "$(mv_delta isolate_twice_b_ebusy "$e0") $(mv_delta isolate_twice_poisoned "$p0")" "1 0"
	# And A, let go, moved the page.
	check_eq isolate_twice_first_moved "$(mv_delta isolate_twice_moved "$m0")" 1
}

mv_targeted_round() {
	cb0=$(mv_counter balloon_callback_calls)
	rf0=$(mv_counter balloon_callback_refused)
	fo0=$(mv_counter balloon_callback_foreign)
	pb0=$(mv_counter probe_balloon_migrate)
	pz0=$(mv_counter probe_zs_migrate)
	zb0=$(mv_counter zs_ebusy)
	vf0=$(mv_counter zs_verify_fail)
	be0=$(mv_counter balloon_errors)
	ze0=$(mv_counter zs_errors)
	nm0=$(mv_counter zs_objects_not_moved)
	eb0=$(mv_counter balloon_ebusy)
	vb0=$(vmstat balloon_migrate)
	if [ -n "$MV_INJECT" ]; then
		if mv_write inject "$MV_INJECT"; then
			ktap_diag "injected $MV_INJECT for the targeted round"
		else
			ktap_fail movops_inject_set "inject $MV_INJECT refused"
		fi
	fi
	mv_write migrate all || ktap_diag "migrate all returned an error"
	[ -z "$MV_INJECT" ] || mv_write inject none

	bt=$(mv_counter last_balloon_targets)
	bc=$(mv_counter last_balloon_clean)
	bm=$(mv_counter last_balloon_migrated)
	record targeted_balloon_targets "$bt"
	record targeted_balloon_clean "$bc"
	record targeted_balloon_migrated "$bm"
	check_gt balloon_targeted_count "$bt" "$((MV_NB + MV_NC - 1))"
	if mv_bmig; then
		check_eq balloon_targeted_all_clean "$bc" "$bt"
		check_eq balloon_targeted_migrated "$bm" "$bc"
	else
		# balloon_page_alloc() takes them without __GFP_MOVABLE: their
		# pageblocks count as unmovable; alloc_contig_range() must refuse
		# each (-EBUSY) and leave it where it was.
		ktap_skip balloon_targeted_all_clean "$MV_NOBMIG: balloon_page_alloc() takes pages without __GFP_MOVABLE (mm/balloon.c), their pageblocks are not clean"
		check_eq balloon_targeted_refused "$bm $(mv_delta balloon_ebusy "$eb0")" "0 $bt"
	fi
	cb=$(mv_delta balloon_callback_calls "$cb0")
	ok=$((cb - $(mv_delta balloon_callback_refused "$rf0") - $(mv_delta balloon_callback_foreign "$fo0")))
	record targeted_balloon_callback_calls "$cb"
	check_eq balloon_callback_success_matches_migrated "$ok" "$bm"
	check_eq balloon_vmstat_migrate_matches "$(($(vmstat balloon_migrate) - vb0))" "$bm"
	check_eq balloon_targeted_errors "$(mv_delta balloon_errors "$be0")" 0

	zt=$(mv_counter last_zs_targets)
	zc=$(mv_counter last_zs_clean)
	zm=$(mv_counter last_zs_migrated)
	record targeted_zs_pages "$zt"
	record targeted_zs_clean "$zc"
	record targeted_zs_movable_zone "$(mv_counter last_zs_movable_zone)"
	record targeted_zs_migrated "$zm"
	record targeted_zs_objects_moved "$(mv_counter last_zs_objects_moved)"
	ktap_diag "zsmalloc: $zc of $zt pages in clean pageblocks ($(mv_counter last_zs_movable_zone) in ZONE_MOVABLE)"
	check_gt zs_targeted_count "$zt" 0
	check_eq zs_targeted_migrated "$zm" "$zc"
	if mv_zsmig; then
		check_gt zs_targeted_objects_moved "$(mv_counter last_zs_objects_moved)" 255
	else
		# Pages without movable ops in unmovable pageblocks:
		# alloc_contig_range() must refuse each (-EBUSY), none moves.
		ktap_skip zs_targeted_objects_moved "$MV_NOZSMIG (mm/zsmalloc.c builds them only with it): zs_targeted_refused checks the migration instead"
		check_eq zs_targeted_refused "$zm $(mv_counter last_zs_objects_moved) $(mv_delta zs_ebusy "$zb0")" "0 0 $zt"
	fi
	check_eq zs_objects_followed_pages "$(mv_delta zs_objects_not_moved "$nm0")" 0
	check_eq zs_verify_intact "$(mv_delta zs_verify_fail "$vf0")" 0
	check_eq zs_targeted_errors "$(mv_delta zs_errors "$ze0")" 0

	if mv_bmig; then
		check_eq_probed probe_balloon_migrate_matches_callback "$(mv_delta probe_balloon_migrate "$pb0")" "$cb"
	else
		ktap_skip probe_balloon_migrate_matches_callback "$MV_NOBMIG: no balloon_page_migrate() in this kernel to probe"
	fi
	if mv_zsmig; then
		check_eq_probed probe_zs_migrate_matches_migrated "$(mv_delta probe_zs_migrate "$pz0")" "$zm"
	else
		ktap_skip probe_zs_migrate_matches_migrated "$MV_NOZSMIG: no zs_page_migrate() in this kernel to probe"
	fi
}

# mv_balloon_first BLOCK: whether the first page in use of memory block
# BLOCK is PageOffline (here, a balloon page), from /proc/kpageflags: a free
# page shows no flag but KPF_BUDDY (bit 10) on a free range's first page;
# KPF_OFFLINE is bit 23. (Not /proc/kpagecount: it counts mappings, 0 for
# every page the kernel alone holds.) MV_PROC, MV_SYS: others (tests).
mv_balloon_first() {
	bs=$((0x$(cat "${MV_SYS:-/sys}/devices/system/memory/block_size_bytes")))
	n=$((bs / (PAGE_KB * 1024)))
	f=$(od -An -v -tu8 -w8 -j $(($1 * n * 8)) -N $((n * 8)) "${MV_PROC:-/proc}/kpageflags" |
		awk '$1 != 0 && $1 != 1024 { print $1; exit }')
	[ -n "$f" ] && [ $(((f >> 23) & 1)) = 1 ]
}

mv_offline_round() {
	# A block whose first page in use is a balloon page: offlining's
	# scan_movable_pages() (mm/memory_hotplug.c) must find that page
	# itself. Behind a page of another kind, do_migrate_range() sweeps
	# the rest of the block along, balloon pages included, and a scan
	# blind to balloon pages goes unseen (the offline-skips-balloon
	# mutant survived a whole make mutants so, docs/mutants.md).
	# alloc_contig_pages() takes the zone's lowest range it can clear,
	# and ZONE_MOVABLE begins a memory block.
	mv_check_write memory_offline_inflate_low inflate_contig 16
	mv_write snapshot 1
	ktap_diag "memory blocks holding our pages before offlining: $(mv_blocks)"
	vb0=$(vmstat balloon_migrate)
	pf0=$(vmstat pgmigrate_fail)
	vf0=$(mv_counter zs_verify_fail)
	cand=0 off=0 on=0 bfirst=0
	# Without balloon migration a block holding a balloon page cannot go
	# offline: offline_pages() waits for it until a signal; 10 s do.
	tmo=60
	mv_bmig || tmo=10
	# shellcheck disable=SC2013 # one block id per line
	for b in $(cat "$MV/blocks"); do
		d=/sys/devices/system/memory/memory$b
		[ "$(cat "$d/valid_zones" 2>/dev/null)" = Movable ] || continue
		[ "$(cat "$d/state")" = online ] || continue
		cand=$((cand + 1))
		! mv_balloon_first "$b" || bfirst=$((bfirst + 1))
		if timeout "$tmo" sh -c "echo offline > $d/state" 2>/dev/null; then
			off=$((off + 1))
		else
			ktap_diag "memory$b: offline failed"
			continue
		fi
		# Online again before the next block goes: our pages then
		# stay in ZONE_MOVABLE for the compaction round. With every
		# candidate offline at once (4 in a debug balloon_fail pass,
		# 2026-12-02) they all went to ZONE_NORMAL (blocks 4 and 6),
		# where that compaction moved nothing at all.
		echo online_movable > "$d/state" 2>/dev/null && on=$((on + 1))
	done
	mb=$(mv_counter moved_since_snapshot_balloon)
	mz=$(mv_counter moved_since_snapshot_zs)
	record offline_blocks_candidates "$cand"
	record offline_blocks_balloon_first "$bfirst"
	record offline_blocks_offlined "$off"
	record offline_balloon_moved "$mb"
	record offline_zs_objects_moved "$mz"
	record offline_vmstat_balloon_migrate "$(($(vmstat balloon_migrate) - vb0))"
	record offline_vmstat_pgmigrate_fail "$(($(vmstat pgmigrate_fail) - pf0))"
	check_gt memory_offline_candidates "$cand" 0
	check_gt memory_offline_balloon_first "$bfirst" 0
	if mv_bmig; then
		check_eq memory_offline_all_offlined "$off" "$cand"
	else
		# The blocks holding balloon pages (inflate_contig's, in
		# ZONE_MOVABLE) are refused, and no balloon page moved.
		if [ "$off" -lt "$cand" ] && [ "$mb" = 0 ]; then
			ktap_ok memory_offline_balloon_refused "$((cand - off)) of $cand blocks refused, 0 balloon pages moved"
		else
			ktap_fail memory_offline_balloon_refused "$off of $cand blocks offlined, $mb balloon pages moved: want a block refused and none moved"
		fi
	fi
	check_eq memory_online_restored "$on" "$off"
	if mv_bmig || [ "$off" -gt 0 ]; then
		check_gt memory_offline_moved_ours "$((mb + mz))" 0
	else
		ktap_skip memory_offline_moved_ours "$MV_NOBMIG: every block holding our pages holds a balloon page too, and none went offline"
	fi
	if ! mv_zsmig; then
		# No zsmalloc page is in ZONE_MOVABLE (no __GFP_MOVABLE), so
		# offlining never meets one: it moved balloon pages only.
		check_eq memory_offline_zs_not_movable "$(mv_counter last_zs_movable_zone) $mz" "0 0"
	fi
	mv_write verify 1
	check_eq zs_offline_intact "$(mv_delta zs_verify_fail "$vf0")" 0
	mv_write deflate 16 || ktap_diag "offline: deflate 16 refused"
}

MV_COMPACT_EVENTS="compact_migrate_scanned compact_free_scanned compact_isolated compact_stall compact_success compact_fail pgmigrate_success pgmigrate_fail balloon_migrate"

mv_compaction_round() {
	mv_write snapshot 1
	ktap_diag "memory blocks holding our pages before compaction: $(mv_blocks)"
	vf0=$(mv_counter zs_verify_fail)
	# A nearly empty ZONE_MOVABLE offers compaction no partly used
	# pageblock above our pages to move them into: the module makes two,
	# at the top of the zone, and releases them after the round. Taking
	# them migrates whatever sat there (with 64 KiB pages our 768 balloon
	# pages fill 48 MiB at the zone's top, and 113 of them moved then), so
	# the callbacks are counted from after it, as balloon_migrate is.
	cs0=$(mv_counter balloon_callback_calls)
	mv_write compact_target 2 ||
		ktap_diag "compact_target: only $(mv_counter compact_target_blocks) target pageblocks"
	record compaction_target_blocks "$(mv_counter compact_target_blocks)"
	cb0=$(mv_counter balloon_callback_calls)
	record compaction_target_setup_balloon_callbacks "$((cb0 - cs0))"
	for e in $MV_COMPACT_EVENTS; do eval "v0_$e=$(vmstat "$e")"; done
	[ ! -w /proc/sys/vm/compact_memory ] || echo 1 > /proc/sys/vm/compact_memory
	mv_write compact_target 0
	for e in $MV_COMPACT_EVENTS; do
		eval "d=\$(($(vmstat "$e") - v0_$e))"
		record "compaction_$e" "$d"
	done
	# shellcheck disable=SC2154 # set by the eval above
	vbd=$(($(vmstat balloon_migrate) - v0_balloon_migrate))
	mb=$(mv_counter moved_since_snapshot_balloon)
	mz=$(mv_counter moved_since_snapshot_zs)
	record compaction_balloon_moved "$mb"
	record compaction_zs_objects_moved "$mz"
	ktap_diag "memory blocks holding our pages after compaction: $(mv_blocks)"
	ktap_diag "compaction moved $mb of $(mv_counter balloon_held) balloon pages, $mz of $(mv_counter zs_objects) zs objects"
	if [ ! -w /proc/sys/vm/compact_memory ]; then
		ktap_skip compaction_moved_ours "no /proc/sys/vm/compact_memory (CONFIG_COMPACTION off): there is no compaction to run"
	elif mv_bmig; then
		check_gt compaction_moved_ours "$((mb + mz))" 0
	else
		# Seen: compaction moved none of our zsmalloc pages either (0 of
		# 500) while unmovable balloon pages shared their memory block.
		ktap_skip compaction_moved_ours "$MV_NOBMIG: our balloon pages cannot move, and compaction moved none of the zsmalloc pages beside them"
		check_eq compaction_balloon_stayed "$mb $vbd" "0 0"
	fi
	check_eq compaction_callback_matches_vmstat "$(mv_delta balloon_callback_calls "$cb0")" "$vbd"
	mv_write verify 1
	check_eq zs_compaction_intact "$(mv_delta zs_verify_fail "$vf0")" 0
}

mv_invariants() {
	check_eq balloon_callback_never_foreign "$(mv_counter balloon_callback_foreign)" 0
	check_eq balloon_callback_src_movable "$(mv_counter balloon_callback_bad_src)" 0
	check_gt has_movable_ops_checked "$(mv_counter has_movable_ops_checked)" 0
	check_eq has_movable_ops_truth_table "$(mv_counter has_movable_ops_bad)" 0
	mv_ops_direct_checks
	check_eq_probed ops_no_mismatch "$(mv_counter ops_mismatch)" 0
}

mv_teardown() {
	h=$(mv_counter balloon_held)
	o=$(mv_counter zs_objects)
	[ "$h" = 0 ] || mv_write deflate "$h"
	[ "$o" = 0 ] || mv_write zs_free "$o"
	check_eq movops_returned_all "$(mv_counter balloon_held) $(mv_counter zs_objects)" "0 0"
	# Every page of ours came off the list, so none is isolated: the
	# kernel's isolated_pages of our balloon device is back to 0 (a count
	# the isolation and migration paths keep, mm/balloon.c).
	check_eq balloon_isolated_none "$(mv_counter balloon_isolated)" 0
	# Over the whole run, deflation included: no untracked page came out of
	# our balloon, no dequeue found our records empty, no errno other than
	# -EBUSY from a migration (printed with the counters, never compared).
	check_eq movops_no_errors "$(mv_counter balloon_errors) $(mv_counter zs_errors)" "0 0"
}

scenario_movops() {
	MV_INJECT=${MOVOPS_INJECT:-}
	# oops, hang and stuck are the runner's (movops-run.sh), not the module's.
	case $MV_INJECT in none | oops | hang | stuck) MV_INJECT= ;; esac
	if [ ! -r "$MV/counters" ]; then
		ktap_fail movops_debugfs "no $MV/counters"
		return
	fi
	mv_interface_checks
	mv_set_movable_ops_checks
	mv_setup
	mv_nonmovable_checks
	mv_isolate_twice_checks
	mv_targeted_round
	mv_offline_round
	mv_compaction_round
	mv_invariants
	mv_teardown
}
