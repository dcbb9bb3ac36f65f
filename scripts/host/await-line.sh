#!/bin/sh
# Usage: await-line.sh FILE PATTERN STOP
# Wait until FILE holds a line matching the extended regular expression
# PATTERN, or until the file STOP exists; then print "await-line SECONDS"
# (the line came) or "await-stop SECONDS" (STOP came first, without it),
# SECONDS being how long it waited. make check starts its host-side steps
# (host tests, lint, kunit.py) when the guest's stress phase begins (the
# runner's "# movops-stress-check:" line on the KTAP port), or when the VM
# run has ended without one.
set -u
usage="usage: await-line.sh FILE PATTERN STOP"
file=${1:?$usage} pat=${2:?$usage} stop=${3:?$usage}
t0=$(date +%s.%N)
seen() { [ -f "$file" ] && grep -Eq -- "$pat" "$file"; }
while :; do
	if seen; then
		what=line
		break
	fi
	if [ -e "$stop" ]; then
		# The line may have come just before STOP.
		if seen; then what=line; else what=stop; fi
		break
	fi
	sleep 0.2
done
awk -v a="$t0" -v b="$(date +%s.%N)" -v w="$what" 'BEGIN { printf "await-%s %.3f\n", w, b - a }'
