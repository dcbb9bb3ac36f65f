#!/bin/sh
# make bench, guest side (run as GUEST_CMD, before and instead of the suite):
# in one boot, MOVOPS_BENCH_REPS rounds of targeted migration, each timing
# balloon pages, zsmalloc pages and ordinary anonymous pages migrated the
# same way (alloc_contig_range() over one PFN; module/bench.c), interleaved
# CHUNK pages of each kind at a time (anon-bench drives all three). Prints
# "movops-bench: ..." lines on the console for scripts/bench-report.py,
# which makes every judgement; a setup failure prints "movops-bench: error".
MV=/sys/kernel/debug/movops
D=${MODDIR:-/movops}
REPS=${MOVOPS_BENCH_REPS:-5}
NB=${MOVOPS_BENCH_BALLOON:-256}
NZ=${MOVOPS_BENCH_ZS:-512}
NA=${MOVOPS_BENCH_ANON:-256}
CHUNK=${MOVOPS_BENCH_CHUNK:-16}

say() { echo "movops-bench: $*"; }
err() { say "error $*"; exit 1; }
put() { printf '%s\n' "$2" > "$MV/$1" || err "write '$2' to $1 failed"; }

insmod "$D/movops.ko" || err "insmod movops.ko failed"
say "config reps $REPS balloon $NB zsmalloc_objects $NZ anon $NA chunk $CHUNK kernel $(uname -r) cpus $(nproc)"
# Bad input is refused and changes nothing.
for bad in "balloon 0" "balloon x" "zsmalloc -1" pfn "pfn abc" "pfn 0" "pfn 1" "pfn 18446744073709551615" anon bogus; do
	! printf '%s\n' "$bad" > "$MV/bench" 2>/dev/null || err "bench accepted '$bad'"
done
[ "$(grep -c ' tries 0 moved 0 ebusy 0 errors 0 ns 0 bad 0$' "$MV/bench")" = 3 ] ||
	err "bad input changed the bench figures: $(tr '\n' ';' < "$MV/bench")"
put inflate "$NB"
put zs_alloc "$NZ 2048"
# A test of the test: MOVOPS_INJECT=balloon_fail makes every balloon
# migration fail, which bench-report.py must refuse.
[ -z "$MOVOPS_INJECT" ] || put inject "$MOVOPS_INJECT"
r=1
while [ "$r" -le "$REPS" ]; do
	put bench reset
	anon=$("$D/anon-bench" "$NA" "$CHUNK") || err "anon-bench failed"
	while read -r line; do say "rep $r $line"; done < "$MV/bench"
	say "rep $r user $anon"
	r=$((r + 1))
done
put inject none
put deflate "$NB"
put zs_free "$NZ"
rmmod movops || err "rmmod movops failed"
say "done"
