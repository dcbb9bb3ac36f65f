# shellcheck shell=sh
# zsmalloc as a module (FLAVOR=zsmalloc-m, issue 14): load, migrate,
# unload, load again, and the resolution of zsmalloc pages right at every
# step.  zsmalloc registers its movable ops when loaded and unregisters
# them when unloaded (mm/zsmalloc.c: zs_init() calls
# set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc), zs_exit()
# set_movable_ops(NULL, PGTY_zsmalloc)); mm/migrate.c page_movable_ops()
# returns that table (the static zsmalloc_movable_ops) for a zsmalloc page
# at each isolation and migration, so a page of the unloaded type would
# find NULL there (isolation WARNs), and a table left behind would be a
# call into freed module memory.
#
# movops.ko links zs_malloc() and friends, so zsmalloc cannot go while it
# is loaded: the cycle runs after movops.ko is unloaded and is judged by
# the kernel's own means: /proc/modules, /proc/kallsyms, /proc/vmstat and
# tracefs kprobe events that read zsmalloc_movable_ops itself (mz_events).
# movops.ko comes back only to migrate the reloaded module's pages.
#
# Sourced by movops-run.sh, which calls scenario_zsmod after movops.ko is
# unloaded when zsmalloc is a loaded module (the runner loaded it and zram
# from $MODDIR/kmods first); it leaves both loaded again.  Uses what
# movops-run.sh and scenario-real.sh provide (ktap_*, check_*, record,
# vmstat, mv_write, mv_counter, mr_census, mr_c, mr_zs_seen,
# mr_offline_movable, mr_compact).
#
#   loaded     the movops scenario and the real users have just migrated
#              zsmalloc pages with zsmalloc a module (their own checks);
#              zsmod_loaded_table: the table is the module's zsmalloc_mops
#   unload     zram reset and unloaded, rmmod zsmalloc: zsmalloc_unloaded
#              (gone from /proc/modules and /proc/kallsyms, nr_zspages 0),
#              zsmod_unload_unregistered (one set_movable_ops(NULL), 0)
#   unloaded   every movable memory block offlined and onlined again, and
#              a full compaction: zsmod_unloaded_offline;
#              zsmod_unloaded_table_empty: the table is NULL before and
#              after (a stale table is the bug this flavour is for)
#   reload     insmod zsmalloc and zram: zsmalloc_reloaded,
#              zsmod_reload_registered (set_movable_ops(new zsmalloc_mops)
#              returned 0 and the table is the new one); movops.ko's own
#              set_movable_ops(PGTY_zsmalloc) gets -EBUSY:
#              zsmod_reload_table_registered
#   migrate    zram written through the reloaded zsmalloc, every
#              zsmalloc page migrated (census_migrate zsmalloc):
#              zsmod_reload_migrated, zsmod_reload_seen_by_kprobe (the
#              reloaded zs_page_migrate called for each), zsmod_reload_resolution
#              (no ops mismatch, no census invariant breaker),
#              zsmod_reload_intact (zram reads back)
#
# Tests of the tests (MOVOPS_ZSMOD_FAULT, or the file /tmp/movops-zsmod-fault
# a GUEST_CMD can write), exactly the named check fails:
#   keep_zram   zram stays loaded, so zsmalloc cannot go: zsmalloc_unloaded
#               (the steps after it SKIP, naming it)
#   kprobe      expect one zs_page_migrate call more: zsmod_reload_seen_by_kprobe
#   table       expect zs_page_migrate's address as the loaded table:
#               zsmod_loaded_table
# and a kernel fault: PATCHES=scripts/faults/zsmalloc-keeps-table.patch
# (zs_exit() leaves its table registered) fails zsmod_unload_unregistered,
# zsmod_unloaded_table_empty and the reload (docs/real-users.md).

MZ_MIB=16
MZ_T=/sys/kernel/tracing
MZ_TR=/tmp/movops-zsmod.trace

mz_fault() { case " $MZ_FAULT " in *" $1 "*) return 0 ;; esac; return 1; }
mz_loaded() { grep -q "^$1 " /proc/modules; }
# mz_sym NAME: the address of text symbol NAME in /proc/kallsyms, or none
mz_sym() { awk -v s="$1" '$3 == s && ($2 == "t" || $2 == "T") { print $1; f = 1; exit } END { if (!f) print "none" }' /proc/kallsyms; }
# mz_hex ADDR: an address without 0x and leading zeros (0 for NULL)
mz_hex() { echo "$1" | sed 's/^0x//; s/^0*//; s/^$/0/'; }
# mz_mops: the address of the loaded zsmalloc's table, or none
mz_mops() {
	a=$(awk '$3 == "zsmalloc_mops" && $4 == "[zsmalloc]" { print $1; exit }' /proc/kallsyms)
	if [ -n "$a" ]; then mz_hex "$a"; else echo none; fi
}

# mz_events: tracefs kprobe events on set_movable_ops() (arguments and
# return) and on ksys_sync(), which `sync` reaches, each fetching
# mm/migrate.c's zsmalloc_movable_ops by name, so that a step reads the
# table itself.  Needs KPROBE_EVENTS and the data symbol in kallsyms
# (KALLSYMS_ALL, scripts/kconfig/zsmalloc-m.config): MZ_EVENTS says why not.
mz_events() {
	[ -d "$MZ_T/events" ] || mount -t tracefs tracefs "$MZ_T" 2>/dev/null
	MZ_EVENTS="no $MZ_T/kprobe_events (CONFIG_KPROBE_EVENTS)"
	[ -w "$MZ_T/kprobe_events" ] || return 0
	MZ_EVENTS="no zsmalloc_movable_ops in /proc/kallsyms (CONFIG_KALLSYMS_ALL)"
	grep -q ' zsmalloc_movable_ops$' /proc/kallsyms || return 0
	MZ_EVENTS="kprobe events refused"
	# shellcheck disable=SC2016 # $arg1 and $retval are tracefs's
	{ echo 'p:movops_zs/peek ksys_sync tbl=@zsmalloc_movable_ops:x64' &&
	  echo 'p:movops_zs/set set_movable_ops ops=$arg1:x64 type=$arg2:s32 tbl=@zsmalloc_movable_ops:x64' &&
	  echo 'r:movops_zs/set_ret set_movable_ops ret=$retval:s32'; } >> "$MZ_T/kprobe_events" 2>/dev/null &&
		echo 1 > "$MZ_T/events/movops_zs/enable" || return 0
	MZ_EVENTS=
	: > "$MZ_T/trace"
}
mz_events_off() {
	[ -d "$MZ_T/events/movops_zs" ] || return 0
	echo 0 > "$MZ_T/events/movops_zs/enable"
	for e in peek set set_ret; do echo "-:movops_zs/$e" >> "$MZ_T/kprobe_events"; done
}
# mz_read: the events since the last read, then the table now, into $MZ_TR
# ("set OPS TYPE TABLE", "set_ret RET", "peek TABLE"; the last line is the
# peek of this read); MZ_TABLE is the table now (no 0x), MZ_SETS the
# set_movable_ops() calls as OPS=RET.
mz_read() {
	MZ_TABLE=unread MZ_SETS=
	[ -z "$MZ_EVENTS" ] || return 0
	sync
	awk '{ for (i = 1; i < NF; i++) if ($i ~ /^(peek|set|set_ret):$/) {
		o = substr($i, 1, length($i) - 1)
		for (j = i + 1; j <= NF; j++) if ($j ~ /^[a-z]+=/) { v = $j; sub(/^[a-z]+=/, "", v); o = o " " v }
		print o; next } }' "$MZ_T/trace" > "$MZ_TR"
	: > "$MZ_T/trace"
	MZ_TABLE=$(awk '$1 == "peek" { v = $2 } END { print v }' "$MZ_TR")
	MZ_TABLE=$(mz_hex "${MZ_TABLE:-none}")
	MZ_SETS=$(awk 'function h(v) { sub(/^0x0*/, "", v); return v == "" ? "0" : v }
		$1 == "set" { o = h($2) } $1 == "set_ret" { s = s (s == "" ? "" : " ") o "=" $2 }
		END { print s }' "$MZ_TR")
	ktap_diag "zsmalloc table $MZ_TABLE; set_movable_ops calls: ${MZ_SETS:-none} ($(awk '$1 == "set" { printf "type %s ", $3 }' "$MZ_TR"))"
}
# mz_check NAME GOT WANT: check_eq, or a SKIP when the table cannot be read
mz_check() {
	if [ -n "$MZ_EVENTS" ]; then ktap_skip "$1" "$MZ_EVENTS"; else check_eq "$@"; fi
}

# mz_unload: zram and zsmalloc out, the table gone with them
mz_unload() {
	mz_read
	want=$(mz_mops)
	! mz_fault table || want=$(mz_hex "$a1")
	mz_check zsmod_loaded_table "$MZ_TABLE" "$want"
	[ ! -w "$z/reset" ] || echo 1 > "$z/reset"
	mz_fault keep_zram || rmmod zram 2>/dev/null || ktap_diag "rmmod zram failed"
	err=$(rmmod zsmalloc 2>&1) || ktap_diag "rmmod zsmalloc: $err"
	if mz_loaded zsmalloc; then st=loaded; else st=gone; fi
	a0=$(mz_sym zs_page_migrate)
	record zsmod_nr_zspages_unloaded "$(vmstat nr_zspages)"
	check_eq zsmalloc_unloaded "$st $a0 $(vmstat nr_zspages)" "gone none 0"
	[ "$st" = gone ] || return 1
	mz_read
	mz_check zsmod_unload_unregistered "$MZ_SETS" "0=0"
	t0=$MZ_TABLE

	# unloaded: everything movable migrates, no zsmalloc page anywhere
	m0=$(vmstat pgmigrate_success)
	mr_offline_movable
	mr_compact
	# shellcheck disable=SC2154 # cand, off, on: set by mr_offline_movable
	{
		record zsmod_unloaded_offline_blocks "$off"
		record zsmod_unloaded_pgmigrate_success "$(($(vmstat pgmigrate_success) - m0))"
		check_eq zsmod_unloaded_offline "$((cand > 0)) $off $on" "1 $cand $cand"
	}
	mz_read
	mz_check zsmod_unloaded_table_empty "$t0 $MZ_TABLE" "0 0"
}

# mz_reload: zsmalloc and zram back, the new table registered
mz_reload() {
	err=
	for m in zsmalloc zram; do
		e=$(insmod "$MODDIR/kmods/$m.ko" 2>&1) || err="$err $m: $e"
	done
	a2=$(mz_sym zs_page_migrate)
	ktap_diag "zs_page_migrate at $a1 before the unload, $a2 after the reload"
	if [ -z "$err" ] && mz_loaded zsmalloc && [ "$a2" != none ] && [ -d "$z" ]; then
		ktap_ok zsmalloc_reloaded
	else
		ktap_fail zsmalloc_reloaded "insmod:${err:- ok}; zs_page_migrate $a2; $z $([ -d "$z" ] && echo present || echo absent)"
	fi
	mz_read
	m=$(mz_mops)
	mz_check zsmod_reload_registered "$MZ_SETS $MZ_TABLE" "$m=0 $m"
}

# mz_migrate: the reloaded module's pages (zram's), every one, by movops.ko
mz_migrate() {
	if ! err=$(insmod "$MODDIR/movops.ko" 2>&1); then
		for n in zsmod_reload_table_registered zsmod_reload_migrated zsmod_reload_seen_by_kprobe zsmod_reload_resolution zsmod_reload_intact; do
			ktap_fail "$n" "insmod movops.ko after the reload: $err"
		done
		return
	fi
	check_eq zsmod_reload_table_registered \
		"$(mv_counter set_movable_ops_checked) $(mv_counter set_movable_ops_zsmalloc_ret)" "1 -16"
	echo 1 > "$z/reset" 2>/dev/null
	echo "$((MZ_MIB + 16))M" > "$z/disksize"
	out=$("$MODDIR/zblk" write /dev/zram0 "$MZ_MIB" 2>&1) || ktap_diag "zram: zblk write: $out"
	b0=$MR_BAD
	mr_census
	record zsmod_reload_zsmalloc_pages "$(mr_c zsmalloc)"
	pz0=$(mv_counter probe_all_zs_migrate)
	mv_write census_migrate zsmalloc || ktap_diag "census_migrate failed"
	pz1=$(mv_counter probe_all_zs_migrate)
	mr_census
	moved=$(mr_c zs_migrate_moved)
	record zsmod_reload_moved "$moved"
	record zsmod_reload_kprobe_zs_migrate "$((pz1 - pz0))"
	ktap_diag "after the reload: $(mr_c zs_migrate_targets) zsmalloc pages found, $moved moved, zs_page_migrate called $((pz1 - pz0)) times"
	check_gt zsmod_reload_migrated "$moved" 0
	calls=$((pz1 - pz0))
	! mz_fault kprobe || calls=$((moved - 1))
	mr_zs_seen zsmod_reload_seen_by_kprobe "$moved" "$calls"
	check_eq zsmod_reload_resolution "$(mv_counter ops_mismatch) $((MR_BAD - b0))" "0 0"
	out=$("$MODDIR/zblk" verify /dev/zram0 "$MZ_MIB" 2>&1)
	bad=$(printf '%s\n' "$out" | awk '$1 == "blocks" && $3 == "differing" { print $4; f = 1 } END { if (!f) print "unread" }')
	check_eq zsmod_reload_intact "$bad" 0
	echo 1 > "$z/reset"
	err=$(rmmod movops 2>&1) || ktap_fail zsmod_movops_unload "rmmod movops: $err"
}

scenario_zsmod() {
	MZ_FAULT=${MOVOPS_ZSMOD_FAULT:-$(cat /tmp/movops-zsmod-fault 2>/dev/null)}
	[ -z "$MZ_FAULT" ] || ktap_diag "zsmalloc module: fault $MZ_FAULT injected"
	a1=$(mz_sym zs_page_migrate)
	z=/sys/block/zram0
	mz_events
	[ -z "$MZ_EVENTS" ] || ktap_diag "zsmalloc table not readable: $MZ_EVENTS"
	if mz_unload; then
		mz_reload
		mz_migrate
	else
		for n in zsmod_unload_unregistered zsmod_unloaded_offline zsmod_unloaded_table_empty zsmalloc_reloaded zsmod_reload_registered zsmod_reload_table_registered zsmod_reload_migrated zsmod_reload_seen_by_kprobe zsmod_reload_resolution zsmod_reload_intact; do
			ktap_skip "$n" "zsmalloc was not unloaded (zsmalloc_unloaded failed)"
		done
		mz_loaded zram || insmod "$MODDIR/kmods/zram.ko"
	fi
	mz_events_off
}
