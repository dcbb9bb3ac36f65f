#!/bin/sh
# make bench, guest side (run as GUEST_CMD, before and instead of the suite):
# in one boot, MOVOPS_BENCH_REPS rounds of targeted migration, each timing
# balloon pages, zsmalloc pages and ordinary anonymous pages migrated the
# same way (alloc_contig_range() over one PFN; module/bench.c), interleaved
# CHUNK pages of each kind at a time (anon-bench drives all three); then as
# many rounds of the batched path: a whole pageblock per alloc_contig_range()
# for each kind, pageblocks filled afresh each round, and the guest's own
# copy_page()/memcpy() rate beside them. Prints "movops-bench: ..." lines on
# the console for scripts/report/bench_report.py, which makes every judgement; a
# setup failure prints "movops-bench: error".
MV=/sys/kernel/debug/movops
D=${MODDIR:-/movops}
REPS=${MOVOPS_BENCH_REPS:-5}
NB=${MOVOPS_BENCH_BALLOON:-256}
NZ=${MOVOPS_BENCH_ZS:-512}
NA=${MOVOPS_BENCH_ANON:-256}
CHUNK=${MOVOPS_BENCH_CHUNK:-16}
# Batched rounds: balloon pages in whole pageblocks (inflate_contig),
# zsmalloc objects of 2048 bytes (two a page), anonymous pages, copies.
NBB=${MOVOPS_BENCH_BLOCK_BALLOON:-8192}
NZB=${MOVOPS_BENCH_BLOCK_ZS:-16384}
NAB=${MOVOPS_BENCH_BLOCK_ANON:-8192}
NCOPY=${MOVOPS_BENCH_COPY:-65536}

say() { echo "movops-bench: $*"; }
err() { say "error $*"; exit 1; }
put() { printf '%s\n' "$2" > "$MV/$1" || err "write '$2' to $1 failed"; }

insmod "$D/movops.ko" || err "insmod movops.ko failed"
say "config reps $REPS balloon $NB zsmalloc_objects $NZ anon $NA chunk $CHUNK kernel $(uname -r) cpus $(nproc)"
# Bad input is refused and changes nothing.
for bad in "balloon 0" "balloon x" "zsmalloc -1" pfn "pfn abc" "pfn 0" "pfn 1" "pfn 18446744073709551615" anon bogus \
	block "block x" "block 1" "balloon_blocks 0" "zsmalloc_blocks -2" copy "copy 0" "copy 99999999" "reset 1"; do
	! printf '%s\n' "$bad" > "$MV/bench" 2>/dev/null || err "bench accepted '$bad'"
done
[ "$(grep -c -e ' tries 0 moved 0 ebusy 0 errors 0 ns 0 bad 0$' -e ' calls 0 pages 0 moved 0 ebusy 0 errors 0 ns 0 bad 0$' \
	-e '^[a-z_]* pages 0 ns 0 best_ns_[0-9]* 0$' "$MV/bench")" = 8 ] ||
	err "bad input changed the bench figures: $(tr '\n' ';' < "$MV/bench")"
BP=$(awk '$1 == "pageblock_pages" { print $2 }' "$MV/bench")
[ -n "$BP" ] || err "no pageblock_pages in $MV/bench"
put inflate "$NB"
put zs_alloc "$NZ 2048"
# A test of the test: MOVOPS_INJECT=balloon_fail makes every balloon
# migration fail, which bench_report.py must refuse.
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

say "config_blocks balloon $NBB zsmalloc_objects $NZB anon $NAB copy $NCOPY pageblock $BP"
# Round 0 warms up (the first round ran slower, anon by 40 %) and is not shown.
r=0
while [ "$r" -le "$REPS" ]; do
	put bench reset
	put inflate_contig "$NBB"
	put zs_alloc "$NZB 2048"
	[ -z "$MOVOPS_INJECT" ] || put inject "$MOVOPS_INJECT"
	put bench balloon_blocks
	# Only pageblocks at least a quarter full of zsmalloc pages.
	put bench "zsmalloc_blocks $((BP / 4))"
	put inject none
	anon=$("$D/anon-bench" -b "$BP" "$NAB") || err "anon-bench -b failed"
	put bench "copy $NCOPY"
	if [ "$r" -gt 0 ]; then
		while read -r line; do say "brep $r $line"; done < "$MV/bench"
		say "brep $r user $anon"
	fi
	put deflate "$NBB"
	put zs_free "$NZB"
	r=$((r + 1))
done
rmmod movops || err "rmmod movops failed"
say "done"
