#!/bin/sh
# make coverage, host side: unpack the guest's gcov counts (written by
# scripts/guest/gcov-dump.sh to a third serial port), pair each .gcda with
# the gcov build's .gcno, write lcov's HTML report to OUT and judge the
# movable_ops functions (scripts/report/coverage_report.py; its exit status).
# Usage: coverage.sh GCOV_B64 KBUILD OUT
set -eu
. "$(dirname "$0")/common.sh"
b64=${1:?usage: coverage.sh GCOV_B64 KBUILD OUT}
kb=${2:?usage: coverage.sh GCOV_B64 KBUILD OUT}
out=${3:?usage: coverage.sh GCOV_B64 KBUILD OUT}
kb=$(cd "$kb" && pwd -P)
[ -s "$b64" ] || die "no gcov data in $b64: the guest did not export any"
! grep -a '^movops-gcov: error' "$b64" >&2 || die "the guest could not export its gcov data"
grep -aq '^movops-gcov: end' "$b64" || die "gcov data in $b64 is truncated (no end marker)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/raw" "$work/obj"
sed -n '/^movops-gcov: begin/,/^movops-gcov: end/p' "$b64" | tr -d '\r' |
	grep -v '^movops-gcov:' | base64 -d | tar -xz -C "$work/raw" ||
	die "cannot unpack the gcov data in $b64"
# debugfs names each .gcda by the build's absolute path; keep the part
# below the build directory, next to a copy of its .gcno.
n=0
for f in $(cd "$work/raw" && find . -name '*.gcda'); do
	rel=${f#./"${kb#/}"/}
	[ "$rel" != "$f" ] || die "$f is not from the build in $kb"
	mkdir -p "$work/obj/$(dirname "$rel")"
	cp "$work/raw/$f" "$work/obj/$rel"
	cp "$kb/${rel%.gcda}.gcno" "$work/obj/${rel%.gcda}.gcno" ||
		die "no ${rel%.gcda}.gcno in $kb"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "the guest exported no .gcda file (is anything profiled?)"

rm -rf "$out"
mkdir -p "$out"
# lcov 1.16 under perl 5.36 warns "Subroutine ... redefined": noise, dropped.
quiet() {
	"$@" > "$work/log" 2>&1 || { cat "$work/log" >&2; die "$1 failed"; }
	grep -v 'Subroutine .* redefined at' "$work/log" >&2 || :
}
quiet lcov --quiet --capture --directory "$work/obj" --output-file "$out/coverage.info"
quiet genhtml --quiet --output-directory "$out" "$out/coverage.info"
python3 "$TOP/scripts/report/coverage_report.py" --obj "$work/obj" --json "$out/summary.json" \
	--unreached "$TOP/scripts/report/coverage-unreached.txt"
echo "coverage: $out/index.html"
