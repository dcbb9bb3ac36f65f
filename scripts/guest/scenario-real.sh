# shellcheck shell=sh
# movops guest scenario for the real in-tree users (issue 5): the page
# census of movops.ko, virtio_balloon inflated from the host over QMP, and
# zram.  Sourced by movops-run.sh, which provides ktap_*, check_eq,
# check_gt, record, mv_write, mv_counter, vmstat and meminfo, and calls
# scenario_real while movops.ko is loaded (after scenario_movops, which
# leaves the module holding no pages).
#
# The host side: a line "# movops-host: balloon-inflate N" (MiB) or
# "# movops-host: balloon-deflate" reaches scripts/host/vm.py, which sets the
# balloon target over QMP.  Only when the kernel command line carries
# movops.host=qmp does a host listen; elsewhere the balloon checks SKIP.
# The line goes straight to the host's port, MOVOPS_HOST_PORT (the guest's
# init exports it: the KTAP port), not to our stdout: under kselftest's
# runner.sh our stdout is a pipe into busybox sed, which holds it in
# 4096-byte blocks, and a request seen there late is a balloon that never
# inflated in time.  Without that variable, stdout (the host reads it).
#
# Tests of the tests: MOVOPS_REAL_FAULT (or the file /tmp/movops-real-fault,
# which a GUEST_CMD can write) lists faults, separated by spaces; for each,
# exactly the check named after the colon must fail:
#   balloon_nohost     the inflate request is not sent: real_balloon_inflated
#   census_count       expect one balloon page more: census_balloon_matches_nr_balloon_pages
#   balloon_delta      expect the census to see more moves than balloon_migrate
#                      counted: real_balloon_census_within_migrate_delta
#   balloon_moved      expect more moves than seen: real_balloon_census_moved
#   balloon_nodeflate  the deflate request is held back: real_balloon_deflated_all
#   balloon_units      expect one 4 KiB unit more per kernel page: real_balloon_units
#   zram_same          expect one same-filled page more: zram_written
#   zram_census        expect one zsmalloc page more: census_zsmalloc_matches_zram
#   zram_moved         expect more moved pages than seen: zram_zs_pages_moved
#   zram_kprobe        expect more moves than the kprobe saw: zram_zs_moved_seen_by_kprobe
#   zram_corrupt       overwrite one 4 KiB block before reading back: zram_readback_intact
#   census_breakers    expect one breaker: census_invariant_breakers
#   census_input       count an accepted valid write as a failure: census_input_strict
#   no_qmp             act as if no host listened: the five real_balloon checks SKIP
#   cmm_noinflate      the CMM loan target is not set: cmm_inflated
#   cmm_census         expect one balloon page more: cmm_census_matches_loaned
#   cmm_kprobe         expect one cmm_migratepage call more: cmm_offline_migrated
#   cmm_compact        expect one cmm_migratepage call more: cmm_compaction_migrated
#   cmm_nodeflate      the loan target stays up: cmm_deflated_all

MR_BALLOON_MIB=${MOVOPS_BALLOON_MIB:-128}
MR_ZRAM_MIB=${MOVOPS_ZRAM_MIB:-32}
MR_C=/tmp/movops-census
MR_BAD=0	# invariant breakers seen by any census
MR_CFAIL=0	# census reads that failed

mr_fault() { case " $MR_FAULT " in *" $1 "*) return 0 ;; esac; return 1; }
# mr_plus FAULT N: 1 under FAULT, else 0 (a wrong expectation on purpose)
mr_plus() { if mr_fault "$1"; then echo 1; else echo 0; fi; }

# A census into $MR_C; mr_c NAME reads one figure of it.
mr_census() {
	if ! cat "$MV/census" > "$MR_C" 2>/dev/null; then
		ktap_diag "census read failed"
		: > "$MR_C"
		MR_CFAIL=$((MR_CFAIL + 1))
		return 1
	fi
	MR_BAD=$((MR_BAD + $(mr_c bad_typed_movable_ops) + $(mr_c bad_tail_movable_ops)))
}
mr_c() { awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print "missing" }' "$MR_C"; }

# mr_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 if
# it never did (SECONDS times MOVOPS_WAIT_SCALE: 10 on the slow sanitizer
# flavour). The waits below are its conditions.
mr_until() {
	t=$(($1 * 10 * ${MOVOPS_WAIT_SCALE:-1}))
	shift
	until "$@"; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || return 1
		usleep 100000
	done
}
mr_vmstat_ge() { [ "$(vmstat "$1")" -ge "$2" ]; }
mr_counter_is() { [ "$(mv_counter "$1")" = "$2" ]; }
mr_file_is() { [ "$(cat "$1")" = "$2" ]; }
# mr_wait EVENT TARGET SECONDS: until /proc/vmstat EVENT >= TARGET
mr_wait() { mr_until "$3" mr_vmstat_ge "$1" "$2"; }

mr_host() {
	if [ -n "${MOVOPS_HOST_PORT:-}" ]; then
		echo "# movops-host: $*" > "$MOVOPS_HOST_PORT"
	else
		echo "# movops-host: $*"
	fi
}
# nr_balloon_pages with every CPU's pending delta folded in: /proc/vmstat
# alone can lag by a per-CPU threshold (8 pages were seen).  Kernels
# without that counter (6.12) get the census's balloon count before
# inflating plus the inflate and minus the deflate events since.
mr_nr_balloon() {
	if grep -q '^nr_balloon_pages ' /proc/vmstat; then
		echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
		vmstat nr_balloon_pages
	else
		echo $((MR_CB0 + $(vmstat balloon_inflate) - i0 - $(vmstat balloon_deflate) + d0))
	fi
}
mr_step() { ktap_diag "real users: $1 at $(now_ms) ms"; }

# Global compaction needs partly used pageblocks above the pages to move
# them into; a nearly empty ZONE_MOVABLE has none (docs/interface.md, "Write triggers",
# compact_target).  mr_targets_on takes the two topmost clean pageblocks of
# the zone and leaves them half free; one module zsmalloc object shows the
# module which zone, and is freed again by mr_targets_off.  Taking the
# targets moves the pages that sat in them (alloc_contig_range()), so the
# snapshot is taken after it: the figures then belong to compaction alone.
# MR_SETUP_MIGRATE: balloon_migrate events while the targets were taken.
# Without compaction (mr_compact offlines instead) there are no targets:
# pageblocks held by the module would stop the offlining of their block.
mr_targets_on() {
	MR_ANCHOR=0 MR_SETUP_MIGRATE=0
	[ -w /proc/sys/vm/compact_memory ] || return 0
	e0=$(vmstat balloon_migrate)
	if mv_write zs_alloc 1; then
		MR_ANCHOR=1
		mv_write compact_target 2 ||
			ktap_diag "compact_target: only $(mv_counter compact_target_blocks) target pageblocks"
	fi
	MR_SETUP_MIGRATE=$(($(vmstat balloon_migrate) - e0))
}
mr_targets_off() {
	mv_write compact_target 0
	[ "$MR_ANCHOR" = 0 ] || mv_write zs_free 1
}
# mr_offline_movable: offline and online again every online Movable memory
# block, which migrates every page with movable ops out of it; cand, off
# and on count the blocks tried, offlined and back online.
mr_offline_movable() {
	cand=0 off=0 on=0
	for d in /sys/devices/system/memory/memory*; do
		[ "$(cat "$d/valid_zones" 2>/dev/null)" = Movable ] || continue
		[ "$(cat "$d/state")" = online ] || continue
		cand=$((cand + 1))
		if timeout 60 sh -c "echo offline > $d/state" 2>/dev/null; then
			off=$((off + 1))
			echo online_movable > "$d/state" 2>/dev/null && on=$((on + 1))
		else
			ktap_diag "${d##*/}: offline failed"
		fi
	done
}
# mr_compact: a full compaction; a kernel without it (FLAVOR=no-compaction,
# no /proc/sys/vm/compact_memory) migrates by offlining instead.
mr_compact() {
	if [ -w /proc/sys/vm/compact_memory ]; then
		echo 1 > /proc/sys/vm/compact_memory
	else
		mr_offline_movable
		ktap_diag "no compaction: offlined $off of $cand Movable blocks instead, $on back online"
	fi
}
MR_EVENTS="compact_migrate_scanned compact_free_scanned compact_isolated pgmigrate_success pgmigrate_fail"

# mr_wait_counter NAME VALUE SECONDS: until movops.ko's counter NAME is VALUE
mr_wait_counter() { mr_until "$3" mr_counter_is "$1" "$2"; }

# virtio_balloon counts in the device's 4 KiB units, the kernel in pages:
# with 64 KiB pages one balloon page is 16 units. The device's num_pages
# (the host's target) and actual (what the driver says it holds, written
# after each inflate batch), as movops.ko reads them from its
# configuration, must both be the request in units and INFLATED pages
# times the units per page.
mr_balloon_units() {
	unit=$(mv_counter virtio_balloon_unit_bytes)
	case $unit in
	'' | *[!0-9]* | 0)
		ktap_fail real_balloon_units "movops.ko found no virtio balloon device (virtio_balloon_unit_bytes $unit)"
		return ;;
	esac
	want=$((MR_BALLOON_MIB * 1048576 / unit))
	mr_wait_counter virtio_balloon_actual "$want" 5
	upp=$((PAGE_KB * 1024 / unit))
	num=$(mv_counter virtio_balloon_num_pages)
	act=$(mv_counter virtio_balloon_actual)
	record real_balloon_units_per_page "$upp"
	record real_balloon_device_num_pages "$num"
	record real_balloon_device_actual "$act"
	ktap_diag "virtio_balloon: device num_pages $num, actual $act units of $unit bytes; $1 pages of $PAGE_KB KiB inflated ($upp units each)"
	check_eq real_balloon_units "$num $act $(($1 * (upp + $(mr_plus balloon_units))))" \
		"$want $want $want"
}

mr_balloon() {
	names="real_balloon_inflated real_balloon_units census_balloon_matches_nr_balloon_pages real_balloon_census_moved real_balloon_census_within_migrate_delta real_balloon_deflated_all"
	if ! grep -qw movops.host=qmp /proc/cmdline || mr_fault no_qmp; then
		for n in $names; do
			ktap_skip "$n" "no host serves balloon requests (movops.host=qmp not on the kernel command line)"
		done
		return
	fi
	pages=$((MR_BALLOON_MIB * 1024 / PAGE_KB))
	MR_CB0=$(mr_c balloon)	# scenario_real's first census
	i0=$(vmstat balloon_inflate)
	d0=$(vmstat balloon_deflate)
	nb0=$(mr_nr_balloon)
	mr_fault balloon_nohost || mr_host "balloon-inflate $MR_BALLOON_MIB"
	mr_wait balloon_inflate $((i0 + pages)) 30
	usleep 200000	# nothing more may come
	inflated=$(($(vmstat balloon_inflate) - i0))
	record real_balloon_inflated_pages "$inflated"
	check_eq real_balloon_inflated "$inflated" "$pages"
	if [ "$inflated" = 0 ]; then
		for n in ${names#real_balloon_inflated }; do
			ktap_skip "$n" "the balloon never inflated (real_balloon_inflated failed)"
		done
		mr_host balloon-deflate
		return
	fi

	mr_balloon_units "$inflated"
	mr_census
	nb=$(mr_nr_balloon)
	record census_balloon_pages "$(mr_c balloon)"
	ktap_diag "balloon pages at PFN $(mr_c first_pfn_balloon)..$(mr_c last_pfn_balloon); $(awk '/zone +Movable/ { m = 1 } m && /nr_free_pages/ { print $2; exit }' /proc/zoneinfo) free pages in ZONE_MOVABLE"
	record census_offline_no_ops_pages "$(mr_c offline_no_ops)"
	# Without balloon migration the census counts balloon pages (no
	# movable ops) as offline_no_ops.
	MR_BKIND=balloon
	mv_bmig || MR_BKIND=offline_no_ops
	check_eq census_balloon_matches_nr_balloon_pages "$(mr_c $MR_BKIND)" \
		"$((nb + $(mr_plus census_count)))"

	# Compaction is probabilistic: the migrate scanner, coming up from the
	# zone's bottom, can fill or fail on the targets before it reaches a
	# balloon page (1 run in 10 moved none in three passes over the same
	# targets).  So up to three rounds, each with fresh targets and its own
	# snapshot, until one moved a balloon page; the figures are the last
	# round's.
	# Without balloon migration (mv_bmig, scenario.sh) nothing can move:
	# one round, and the checks below turn into checks that none did.
	maxr=3
	mv_bmig || maxr=1
	rounds=0 delta=0 setup=0
	while [ "$rounds" -lt "$maxr" ] && [ "$delta" = 0 ]; do
		rounds=$((rounds + 1))
		mr_targets_on
		setup=$((setup + MR_SETUP_MIGRATE))
		mv_write census_snapshot 1 || ktap_diag "census_snapshot failed"
		m0=$(vmstat balloon_migrate)
		for e in $MR_EVENTS; do eval "v0_$e=$(vmstat "$e")"; done
		pi0=$(mv_counter probe_all_balloon_isolate)
		pm0=$(mv_counter probe_all_balloon_migrate)
		mr_compact
		delta=$(($(vmstat balloon_migrate) - m0))
		record real_balloon_compaction_kprobe_isolate "$(($(mv_counter probe_all_balloon_isolate) - pi0))"
		record real_balloon_compaction_kprobe_migrate "$(($(mv_counter probe_all_balloon_migrate) - pm0))"
		mr_targets_off
		for e in $MR_EVENTS; do
			eval "d=\$(($(vmstat "$e") - v0_$e))"
			# shellcheck disable=SC2154 # set by the eval above
			record "real_balloon_compaction_$e" "$d"
		done
		[ "$delta" != 0 ] || ktap_diag "compaction round $rounds moved no balloon page"
	done
	MR_SETUP_MIGRATE=$setup
	mr_census
	ktap_diag "after compaction: balloon pages at PFN $(mr_c first_pfn_balloon)..$(mr_c last_pfn_balloon)"
	moved=$(mr_c moved_balloon)
	record real_balloon_snapshot_pages "$(mr_c snapshot_balloon)"
	record real_balloon_census_moved "$moved"
	record real_balloon_vmstat_migrate_delta "$delta"
	record real_balloon_migrate_by_target_setup "$MR_SETUP_MIGRATE"
	record real_balloon_compaction_rounds "$rounds"
	record real_balloon_pages_after_compaction "$(mr_c balloon)"
	ktap_diag "compaction: census saw $moved of $(mr_c snapshot_balloon) balloon pages leave their PFN; balloon_migrate +$delta"
	if ! mv_bmig; then
		# virtio_balloon's pages: no movable ops, taken without
		# __GFP_MOVABLE (mm/balloon.c): compaction must leave each.
		check_eq real_balloon_census_stayed "$moved $delta $(mr_c offline_no_ops)" "0 0 $(mr_nr_balloon)"
		ktap_skip real_balloon_census_within_migrate_delta "$MV_NOBMIG: no balloon page can migrate (real_balloon_census_stayed)"
	else
		check_gt real_balloon_census_moved "$moved" "$((0 + $(mr_plus balloon_moved) * moved))"
		bound=$delta
		! mr_fault balloon_delta || bound=$((moved - 1))
		if [ "$delta" -gt 0 ] && [ "$moved" -le "$bound" ]; then
			ktap_ok real_balloon_census_within_migrate_delta "census $moved <= balloon_migrate +$delta"
		else
			ktap_fail real_balloon_census_within_migrate_delta "census $moved, balloon_migrate +$delta (bound $bound): want delta > 0 and census <= it"
		fi
	fi

	mr_fault balloon_nodeflate || mr_host balloon-deflate
	mr_wait balloon_deflate $((d0 + inflated)) 30
	deflated=$(($(vmstat balloon_deflate) - d0))
	record real_balloon_deflated_pages "$deflated"
	mr_census
	mr_wait_counter virtio_balloon_actual 0 5
	record real_balloon_device_actual_deflated "$(mv_counter virtio_balloon_actual)"
	check_eq real_balloon_deflated_all \
		"$deflated $(mr_nr_balloon) $(mr_c balloon) $(mv_counter virtio_balloon_actual)" \
		"$inflated $nb0 $MR_CB0 0"
	if mr_fault balloon_nodeflate; then
		mr_host balloon-deflate
		mr_wait balloon_deflate $((d0 + inflated)) 30
	fi
}

# CMM, the pseries balloon (ppc64le, docs/architectures.md), in simulation
# mode: with cmm.simulate=1 on the kernel command line it loans pages to no
# hypervisor, its thread moving loaned_kb to simulate_loan_target_kb once a
# second. Its pages are balloon pages (PageOffline, the balloon ops) whose
# driver callback is cmm_migratepage(), counted by movops.ko's kprobe.
# Planned only where the command line asks for CMM (vm.py, ARCH=ppc64le);
# there a kernel without it fails.
MR_CMM_MIB=${MOVOPS_CMM_MIB:-64}
# mr_wait_kb FILE KB SECONDS: until FILE reads KB
mr_wait_kb() { mr_until "$3" mr_file_is "$1" "$2"; }
mr_cmm() {
	c=/sys/devices/system/cmm/cmm0
	names="cmm_inflated cmm_census_matches_loaned cmm_offline_migrated cmm_compaction_migrated cmm_deflated_all"
	if [ ! -w "$c/simulate_loan_target_kb" ]; then
		ktap_fail cmm_inflated "no $c/simulate_loan_target_kb: CMM (CONFIG_CMM) not in simulation mode"
		for n in ${names#cmm_inflated }; do ktap_skip "$n" "CMM did not start (cmm_inflated failed)"; done
		return
	fi
	kb=$((MR_CMM_MIB * 1024))
	pages=$((kb / PAGE_KB))
	mr_census
	cb0=$(mr_c balloon)
	nb0=$(mr_nr_balloon)
	mt0=$(meminfo MemTotal)
	i0=$(vmstat balloon_inflate)
	d0=$(vmstat balloon_deflate)
	mr_fault cmm_noinflate || echo "$kb" > "$c/simulate_loan_target_kb"
	mr_wait_kb "$c/loaned_kb" "$kb" 60
	loaned=$(cat "$c/loaned_kb")
	inflated=$(($(vmstat balloon_inflate) - i0))
	record cmm_loaned_kb "$loaned"
	record cmm_inflated_pages "$inflated"
	record cmm_memtotal_drop_kb "$((mt0 - $(meminfo MemTotal)))"
	check_eq cmm_inflated "$loaned $inflated" "$kb $pages"
	if [ "$inflated" = 0 ]; then
		for n in ${names#cmm_inflated }; do ktap_skip "$n" "CMM loaned nothing (cmm_inflated failed)"; done
		return
	fi
	mr_census
	nb=$(mr_nr_balloon)
	record cmm_census_balloon_pages "$(mr_c balloon)"
	check_eq cmm_census_matches_loaned "$(mr_c balloon) $nb" \
		"$((cb0 + inflated + $(mr_plus cmm_census))) $((nb0 + inflated))"

	# Targeted: offline the ZONE_MOVABLE memory block that holds the
	# highest CMM page (every balloon page in it must move), online it again.
	bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	blk=$(($(mr_c last_pfn_balloon) * PAGE_KB * 1024 / bs))
	d=/sys/devices/system/memory/memory$blk
	mv_write census_snapshot 1 || ktap_diag "census_snapshot failed"
	k0=$(mv_counter probe_cmm_migratepage)
	m0=$(vmstat balloon_migrate)
	off=0
	if [ "$(cat "$d/valid_zones" 2>/dev/null)" = Movable ] &&
	   timeout 120 sh -c "echo offline > $d/state" 2>/dev/null; then
		off=1
		echo online_movable > "$d/state" 2>/dev/null || ktap_diag "memory$blk: online failed"
	else
		ktap_diag "memory$blk ($(cat "$d/valid_zones" 2>/dev/null)): offline failed"
	fi
	mr_census
	kd=$(($(mv_counter probe_cmm_migratepage) - k0))
	md=$(($(vmstat balloon_migrate) - m0))
	record cmm_offline_block "$blk"
	record cmm_offline_kprobe_migratepage "$kd"
	record cmm_offline_vmstat_balloon_migrate "$md"
	record cmm_offline_census_moved "$(mr_c moved_balloon)"
	ktap_diag "cmm: offlining memory$blk: cmm_migratepage +$kd, balloon_migrate +$md, census saw $(mr_c moved_balloon) leave their PFN; loaned_kb $(cat "$c/loaned_kb")"
	if [ "$(mv_counter probe_cmm_migratepage_registered)" != 1 ]; then
		ktap_fail cmm_offline_migrated "no kprobe on cmm_migratepage"
	else
		check_eq cmm_offline_migrated \
			"$off $((kd > 0)) $kd $(($(mr_c moved_balloon) <= md)) $(cat "$c/loaned_kb") $(mr_c balloon)" \
			"1 1 $((md + $(mr_plus cmm_kprobe))) 1 $kb $((cb0 + inflated))"
	fi

	# Compaction, with the targets of the virtio round, up to three rounds.
	rounds=0 md=0 kd=0
	while [ "$rounds" -lt 3 ] && [ "$md" = 0 ]; do
		rounds=$((rounds + 1))
		mr_targets_on
		k0=$(mv_counter probe_cmm_migratepage)
		m0=$(vmstat balloon_migrate)
		mr_compact
		kd=$(($(mv_counter probe_cmm_migratepage) - k0))
		md=$(($(vmstat balloon_migrate) - m0))
		mr_targets_off
	done
	record cmm_compaction_rounds "$rounds"
	record cmm_compaction_kprobe_migratepage "$kd"
	record cmm_compaction_vmstat_balloon_migrate "$md"
	mr_census
	check_eq cmm_compaction_migrated "$((md > 0)) $kd $(cat "$c/loaned_kb") $(mr_c balloon)" \
		"1 $((md + $(mr_plus cmm_compact))) $kb $((cb0 + inflated))"

	mr_fault cmm_nodeflate || echo 0 > "$c/simulate_loan_target_kb"
	mr_wait_kb "$c/loaned_kb" 0 60
	deflated=$(($(vmstat balloon_deflate) - d0))
	record cmm_deflated_pages "$deflated"
	mr_census
	check_eq cmm_deflated_all \
		"$deflated $(cat "$c/loaned_kb") $(mr_nr_balloon) $(mr_c balloon) $(meminfo MemTotal)" \
		"$inflated 0 $nb0 $cb0 $mt0"
	echo 0 > "$c/simulate_loan_target_kb"
	mr_wait_kb "$c/loaned_kb" 0 60
}

# mr_zs_seen NAME MOVED CALLS: every zsmalloc page census_migrate moved went
# through zs_page_migrate (movops's kprobe counted CALLS), with no error.
mr_zs_seen() {
	if ! mv_zsmig; then
		ktap_skip "$1" "$MV_NOZSMIG: no zs_page_migrate() in this kernel to probe"
	elif [ "$(mv_counter probes)" != 1 ]; then
		ktap_skip "$1" "no kprobes: zs_page_migrate calls cannot be counted"
	elif [ "$2" -le "$3" ] && [ "$(mr_c zs_migrate_errors)" = 0 ]; then
		ktap_ok "$1" "$2 moved, zs_page_migrate called $3 times"
	else
		ktap_fail "$1" "$2 moved, zs_page_migrate called $3 times, $(mr_c zs_migrate_errors) errors"
	fi
}

mr_zram_stat() {	# mr_zram_stat FIELD: field of mm_stat (1-based)
	awk -v f="$1" '{ print $f }' /sys/block/zram0/mm_stat
}

mr_zram() {
	names="zram_written census_zsmalloc_matches_zram zram_zs_pages_moved zram_zs_moved_seen_by_kprobe zram_readback_intact"
	z=/sys/block/zram0
	[ -d "$z" ] || modprobe zram 2>/dev/null
	if [ ! -d "$z" ]; then
		for n in $names; do ktap_skip "$n" "no /sys/block/zram0 (CONFIG_ZRAM)"; done
		return
	fi
	echo 1 > "$z/reset" 2>/dev/null
	mib=$MR_ZRAM_MIB
	if ! echo "$((mib + 16))M" > "$z/disksize"; then
		ktap_fail zram_written "cannot set disksize"
		return
	fi
	# zblk (scripts/guest/zblk.c): each 4 KiB block made from its index,
	# of a kind and compressibility that varies block by block.
	if out=$("$MODDIR/zblk" write /dev/zram0 "$mib" 2>&1); then ok=1; else ok=0; fi
	ktap_diag "zram: zblk write: $out"
	mr_step "zram written"
	orig=$(($(mr_zram_stat 1) / 1048576))
	zero=$(printf '%s\n' "$out" | awk '$1 == "blocks" { print $4 }')
	record zram_data_mib "$mib"
	record zram_zero_blocks "$zero"
	record zram_orig_data_kb "$(($(mr_zram_stat 1) / 1024))"
	record zram_compr_data_kb "$(($(mr_zram_stat 2) / 1024))"
	record zram_same_pages "$(mr_zram_stat 6)"
	record zram_huge_pages "$(mr_zram_stat 8)"
	# The zero blocks are same-filled pages, which zram counts and does
	# not store (so orig_data_size is below what was written).
	check_eq zram_written "$ok $((orig > 0)) $(mr_zram_stat 6)" \
		"1 1 $((zero + $(mr_plus zram_same)))"

	mr_census
	used=$(($(mr_zram_stat 3) / (PAGE_KB * 1024)))
	own=$(mv_counter zs_pages)
	record zram_mem_used_pages "$used"
	record census_zsmalloc_pages "$(mr_c zsmalloc)"
	record census_zsmalloc_no_ops_pages "$(mr_c zsmalloc_no_ops)"
	# Without compaction zsmalloc's pages have no movable ops: the census
	# counts them as zsmalloc_no_ops.
	zkind=zsmalloc
	mv_zsmig || zkind=zsmalloc_no_ops
	check_eq census_zsmalloc_matches_zram "$(mr_c $zkind)" \
		"$((used + own + $(mr_plus zram_census)))"

	mr_step "zram census"
	mr_targets_on
	mv_write census_snapshot 1 || ktap_diag "census_snapshot failed"
	mr_step "zram snapshot"
	pz0=$(mv_counter probe_all_zs_migrate)
	mr_compact
	mr_targets_off
	mr_census
	record zram_compaction_census_moved "$(mr_c moved_zsmalloc)"
	pz1=$(mv_counter probe_all_zs_migrate)
	mr_step "zram compaction"
	mv_write census_migrate zsmalloc || ktap_diag "census_migrate failed"
	pz2=$(mv_counter probe_all_zs_migrate)
	mr_step "zram targeted migration"
	mr_census
	moved=$(mr_c zs_migrate_moved)
	for f in targets calls tries moved ebusy gone errors held; do
		record "zram_zs_migrate_$f" "$(mr_c "zs_migrate_$f")"
	done
	record zram_census_moved_total "$(mr_c moved_zsmalloc)"
	record zram_compaction_kprobe_zs_migrate "$((pz1 - pz0))"
	record zram_targeted_kprobe_zs_migrate "$((pz2 - pz1))"
	ktap_diag "zram: $(mr_c zs_migrate_targets) zsmalloc pages found, $(mr_c zs_migrate_tries) tried, $moved moved, $(mr_c zs_migrate_ebusy) -EBUSY, $(mr_c zs_migrate_gone) gone; census: $(mr_c moved_zsmalloc) of $(mr_c snapshot_zsmalloc) left their PFN"
	if mv_zsmig; then
		check_gt zram_zs_pages_moved "$moved" "$((0 + $(mr_plus zram_moved) * moved))"
	else
		# No zsmalloc page with movable ops: census_migrate finds none
		# to try, and none moved (mm/zsmalloc.c, scenario.sh mv_zsmig).
		ktap_skip zram_zs_pages_moved "$MV_NOZSMIG: zram_zs_stayed checks that none moved"
		check_eq zram_zs_stayed "$(mr_c zsmalloc) $(mr_c zs_migrate_targets) $moved $(mr_c moved_zsmalloc)" "0 0 0 0"
	fi
	mr_zs_seen zram_zs_moved_seen_by_kprobe "$moved" \
		"$((pz2 - pz1 - $(mr_plus zram_kprobe) * (pz2 - pz1 + 1)))"

	if mr_fault zram_corrupt; then
		dd if=/dev/urandom of=/dev/zram0 bs=4096 seek=300 count=1 conv=notrunc,fsync 2>/dev/null
		ktap_diag "fault: overwrote 4 KiB at offset 1200 KiB"
	fi
	r0=$(awk '{ print $3 }' "$z/stat")
	# O_DIRECT: every block comes from zram, none from the page cache.
	out=$("$MODDIR/zblk" verify /dev/zram0 "$mib" 2>&1)
	printf '%s\n' "$out" | sed 's/^/# zram: /'
	bad=$(printf '%s\n' "$out" | awk '$1 == "blocks" && $3 == "differing" { print $4; f = 1 } END { if (!f) print "unread" }')
	mr_step "zram read back"
	rsect=$(($(awk '{ print $3 }' "$z/stat") - r0))
	record zram_readback_mismatched_blocks "$bad"
	record zram_readback_sectors "$rsect"
	check_eq zram_readback_intact "$bad $((rsect >= mib * 2048))" "0 1"
	echo 1 > "$z/reset"
}

scenario_real() {
	MR_FAULT=${MOVOPS_REAL_FAULT:-$(cat /tmp/movops-real-fault 2>/dev/null)}
	MR_FAULT=$(printf '%s' "$MR_FAULT" | tr '\n,' '  ')
	[ -z "$MR_FAULT" ] || ktap_diag "real users: fault $MR_FAULT injected"
	if [ ! -r "$MV/census" ]; then
		ktap_fail census_debugfs "no $MV/census"
		return
	fi
	ok=1
	mv_write census_snapshot 2 && ok=0
	mv_write census_snapshot "" && ok=0
	mv_write census_migrate balloon && ok=0
	mv_write census_migrate "zsmalloc " && ok=0
	! mr_fault census_input || { mv_write census_snapshot 1 && ok=0; }
	check_eq census_input_strict "$ok" 1
	mr_census
	record census_pfns "$(mr_c pfns)"
	record census_zones "$(mr_c zones)"
	record census_buddy_reported "$(mr_c buddy_reported)"
	t0=$(now_ms)
	mr_balloon
	if grep -qw cmm.simulate=1 /proc/cmdline; then
		tc=$(now_ms)
		mr_cmm
		record real_cmm_ms "$(($(now_ms) - tc))"
	fi
	t1=$(now_ms)
	mr_zram
	t2=$(now_ms)
	record real_balloon_ms "$((t1 - t0))"
	record real_zram_ms "$((t2 - t1))"
	mr_census
	record census_invariant_breakers "$MR_BAD"
	record census_read_failures "$MR_CFAIL"
	check_eq census_invariant_breakers "$MR_BAD $MR_CFAIL" \
		"$(mr_plus census_breakers) 0"
}
