#!/bin/sh
# How many matrix targets may run side by side (make matrix -jN): at most
# N (no -j: 1, serial; -j without a number: no limit of its own), at most
# one per two cores (each guest keeps two vCPUs busy under TCG, and a
# kernel build takes every core it is given), at most one per 3 GiB of
# available memory (a guest has 1.5 GiB, a kernel build peaks near 1).
# Usage: matrix-jobs.sh [N|unlimited]   (MOVOPS_NPROC, MOVOPS_MEMAVAIL_KB:
# this machine's figures, for tests)
set -eu
want=${1:-1}
cores=$(( ${MOVOPS_NPROC:-$(nproc)} / 2 ))
mem=$(( ${MOVOPS_MEMAVAIL_KB:-$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)} / (3 * 1024 * 1024) ))
n=$cores
[ "$mem" -ge "$n" ] || n=$mem
[ "$want" = unlimited ] || [ "$want" -ge "$n" ] || n=$want
[ "$n" -ge 1 ] || n=1
echo "$n"
