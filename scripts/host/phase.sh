#!/bin/sh
# Usage: phase.sh FILE NAME CMD [ARG...]
# Run CMD and append "NAME SECONDS" to FILE; exit with CMD's status.
file=$1 name=$2
shift 2
mkdir -p "$(dirname "$file")"
t0=$(date +%s.%N)
"$@"
rc=$?
t1=$(date +%s.%N)
echo "$name $(echo "$t1 - $t0" | awk '{ split($0, a, " - "); printf "%.3f", a[1] - a[2] }')" >> "$file"
exit $rc
