#!/bin/sh
# Usage: parallel.sh TIMINGS NAME CMD [NAME CMD]...
# make check's independent host-side steps at once: run every CMD (sh -c)
# in the background, each with its output in a file of its own; when all
# have ended, print each output in argument order (never mixed), append
# "NAME SECONDS" per step and "parallel SECONDS" to TIMINGS, and name each
# step that failed. Exits 1 if any failed. INT or TERM ends every step.
set -u
timings=${1:?usage: parallel.sh TIMINGS NAME CMD [NAME CMD]...}
shift
[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || { echo "usage: parallel.sh TIMINGS NAME CMD [NAME CMD]..." >&2; exit 2; }
dir=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill -TERM -- "-$p" 2>/dev/null; done
	wait
	rm -rf "$dir"
}
trap 'cleanup; exit 130' INT TERM
trap 'rm -rf "$dir"' EXIT
now() { date +%s.%N; }
t0=$(now)
names=
while [ $# -ge 2 ]; do
	name=$1 cmd=$2
	shift 2
	names="$names $name"
	# Each step in a session (and process group) of its own, so that INT
	# or TERM can end all it started.
	now > "$dir/$name.start"
	setsid sh -c 'sh -c "$1" < /dev/null; echo $? > "$2.rc"; date +%s.%N > "$2.end"' \
		sh "$cmd" "$dir/$name" > "$dir/$name.out" 2>&1 &
	pids="$pids $!"
done
wait
rc=0 failed= line=
mkdir -p "$(dirname "$timings")"
for name in $names; do
	cat "$dir/$name.out"
	s=$(awk -v a="$(cat "$dir/$name.start")" -v b="$(cat "$dir/$name.end" 2>/dev/null)" \
		'BEGIN { if (b == "") print "?"; else printf "%.3f\n", b - a }')
	echo "$name $s" >> "$timings"
	line="$line${line:+, }$name ${s}s"
	if [ "$(cat "$dir/$name.rc" 2>/dev/null)" != 0 ]; then
		rc=1
		failed="$failed $name"
	fi
done
all=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
echo "parallel $all" >> "$timings"
echo "movops: in parallel: $line; ${all}s in all"
[ -z "$failed" ] || echo "movops: failed:$failed" >&2
exit $rc
