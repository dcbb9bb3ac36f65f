# shellcheck shell=sh
# Reproducers of the kernel bugs movops found (docs/kernel-bugs.md), sourced
# by movops-run.sh when MOVOPS_ONLY=repro; MOVOPS_REPRO names the bug
# ("make repro" lists them). Each prints one KTAP line, repro_NAME. On a
# kernel without the fix, dma-pageblock, isolate-undo and compact-offline
# end in a kernel BUG (the host's scripts/report/repro.py reads that as the
# bug reproduced); the guest boots with oops=panic so that the run ends
# there. optprobe-paca (ppc64le, two CPUs) fails its KTAP line instead,
# without a splat.

# repro_trigger NAME: run movops_repro.ko's reproducer NAME.
repro_trigger() {
	R=/sys/kernel/debug/movops_repro
	if ! err=$(insmod "$MODDIR/movops_repro.ko" 2>&1); then
		ktap_fail "repro_$1" "insmod movops_repro.ko: $err"
		return
	fi
	echo "movops-repro: $1: triggering" > /dev/console
	if err=$({ printf '%s\n' "$1" > "$R/trigger"; } 2>&1); then
		ktap_ok "repro_$1" "$(cat "$R/result")"
	else
		ktap_fail "repro_$1" "$(cat "$R/result") ($err)"
	fi
	rmmod movops_repro || ktap_fail "repro_${1}_unload" "rmmod movops_repro failed"
}

scenario_repro() {
	case "${MOVOPS_REPRO:-}" in
	balloon-stat)
		# The KUnit case alone: movops_kunit.ko with a filter.
		MOVOPS_KUNIT_GLOB=movops_balloon.balloon_enoent_balloon_pages_stat
		scenario_kunit
		;;
	dma-pageblock|isolate-undo|compact-offline|optprobe-paca)
		repro_trigger "$MOVOPS_REPRO"
		;;
	*)
		ktap_fail repro "unknown MOVOPS_REPRO '${MOVOPS_REPRO:-}'"
		;;
	esac
}
