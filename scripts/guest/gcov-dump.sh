#!/bin/sh
# make coverage, guest side: copy every .gcda of /sys/kernel/debug/gcov
# (with cat: debugfs reports their size as 0, so tar alone would read
# nothing) and write them as a base64 tar.gz between marker lines to $1.
OUT=${1:?usage: gcov-dump.sh DEVICE}
G=/sys/kernel/debug/gcov
T=/tmp/gcov
# No such port (QEMU gave no third serial): nobody is listening.
stty -F "$OUT" raw -echo 2>/dev/null || {
	echo "movops-gcov: no $OUT, gcov counts not exported"
	exit 0
}
{
	echo "movops-gcov: begin"
	if [ -d "$G" ]; then
		find "$G" -name '*.gcda' | while read -r f; do
			rel=${f#"$G"/}
			mkdir -p "$T/$(dirname "$rel")"
			cat "$f" > "$T/$rel"
		done
		echo "movops-gcov: files $(find "$T" -name '*.gcda' 2>/dev/null | wc -l)"
		[ ! -d "$T" ] || tar -C "$T" -cz . | base64
	else
		echo "movops-gcov: error no $G (kernel without CONFIG_GCOV_KERNEL)"
	fi
	echo "movops-gcov: end"
} > "$OUT"
