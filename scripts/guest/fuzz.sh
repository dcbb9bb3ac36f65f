# shellcheck shell=sh
# movops debugfs fuzzer (issue 6), sourced by movops-run.sh when
# MOVOPS_ONLY=fuzz. The static program "fuzz" (scripts/guest/fuzz.c) writes
# MOVOPS_FUZZ_INPUTS hostile inputs to every file in movops/ and compares the
# state files around every rejected write; two writers race at the end.
# MOVOPS_FUZZ_BREAK=1 counts accepted writes as rejected: a test of the test
# (every file that accepts anything must then report state changes).

scenario_fuzz() {
	n=${MOVOPS_FUZZ_INPUTS:-1000}
	# Small caps: an accepted "inflate 64" cannot pile up thousands of pages
	# for every later accepted "migrate all" to walk.
	if ! err=$(insmod "$MODDIR/movops.ko" max_balloon_pages=512 max_zs_objects=512 2>&1); then
		ktap_fail fuzz_load "insmod: $err"
		return
	fi
	echo 0 > /proc/sys/vm/compaction_proactiveness 2>/dev/null
	# Something held, so that a lost or extra page would show.
	echo 64 > "$MV/inflate"; echo 64 > "$MV/zs_alloc"
	flag=; [ "${MOVOPS_FUZZ_BREAK:-0}" = 1 ] && flag=-b
	state="-s $MV/counters -s $MV/inject"
	[ ! -f "$MV/stress" ] || state="$state -s $MV/stress"
	files=$(ls "$MV")
	ktap_diag "fuzz: $n inputs to each of: $(echo $files)"
	# shellcheck disable=SC2086
	(cd "$MV" && "$MODDIR/fuzz" $flag -n "$n" $state -- $files) > /tmp/fuzz.out 2> /tmp/fuzz.err
	sed 's/^/# fuzz: /' /tmp/fuzz.err | head -40
	for f in $files; do
		line=$(awk -v f="$f" '$1 == f' /tmp/fuzz.out)
		set -- $line
		if [ -z "$line" ]; then
			ktap_fail "fuzz_$f" "no result line"
			continue
		fi
		# FILE inputs I accepted A rejected R changed C badret B concurrent K
		ktap_diag "fuzz $f: $3 inputs, $5 accepted, $7 rejected, $9 changed state, ${11} bad returns, ${13} concurrent, ${15} s"
		check_gt "fuzz_${f}_inputs" "$3" $((n - 1))
		check_eq "fuzz_${f}_rejected_state_changes" "$9" 0
		check_eq "fuzz_${f}_bad_returns" "${11}" 0
		record "fuzz_${f}_inputs" "$3"
		record "fuzz_${f}_accepted" "$5"
		record "fuzz_${f}_rejected" "$7"
		record "fuzz_${f}_state_changes" "$9"
		record "fuzz_${f}_concurrent" "${13}"
	done
	echo none > "$MV/inject"
	[ ! -r "$MV/counters" ] || sed 's/^/# counter: /' "$MV/counters"
	if err=$(rmmod movops 2>&1); then ktap_ok fuzz_unload; else ktap_fail fuzz_unload "rmmod: $err"; fi
}
