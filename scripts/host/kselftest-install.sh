#!/bin/sh
# Write movops as a kselftest collection into DESTDIR (make
# kselftest-install): DESTDIR/movops holds the entry run_movops.sh (KTAP;
# exit 0 pass, 1 fail, 4 skip), the guest runner and its scenarios, the
# modules built for the kernel in KDIR (found in KO_DIR), the static guest
# tools, a 'settings' file with the timeout and a 'config' fragment, as
# tools/testing/selftests/lib.mk installs a collection; DESTDIR's
# kselftest-list.txt gains "movops:run_movops.sh", so a kernel tree's
# run_kselftest.sh in DESTDIR runs it with -c movops.
# Usage: kselftest-install.sh KDIR DESTDIR
set -eu
. "$(dirname "$0")/common.sh"
kdir=${1:?usage: kselftest-install.sh KDIR DESTDIR}
dest=${2:?usage: kselftest-install.sh KDIR DESTDIR}
ko_dir=${KO_DIR:?KO_DIR: where the modules were built}
# Per test, under TCG on 2 cores the suite takes about 10 s; a slow board or
# a sanitizer kernel is ten to a hundred times slower.
KSFT_TIMEOUT=${KSFT_TIMEOUT:-900}

d=$dest/movops
mkdir -p "$d"
cp "$TOP/scripts/guest/"*.sh "$d/"
chmod 0755 "$d/run_movops.sh"
"$TOP/scripts/host/guest-tools.sh" "$d"
n=0
for ko in "$ko_dir"/module/*.ko "$ko_dir"/kunit/*.ko; do
	[ -f "$ko" ] || continue
	cp "$ko" "$d/"
	n=$((n + 1))
done
[ -f "$d/movops.ko" ] || die "no movops.ko in $ko_dir/module (make modules KDIR=$kdir)"
rel=$kdir/include/config/kernel.release
[ -s "$rel" ] || die "$kdir has no include/config/kernel.release: not a prepared kernel build or headers directory"
cp "$rel" "$d/kernelrelease"
printf '# kselftest settings (tools/testing/selftests/kselftest/runner.sh)\ntimeout=%s\n' \
	"$KSFT_TIMEOUT" > "$d/settings"
# The options the suite needs, as a collection's 'config' file lists them
# (merge_config.sh-ready).
grep -h '^CONFIG_' "$TOP/scripts/kconfig/base.config" \
	"$TOP/scripts/kconfig/$KVER.config" "$TOP/scripts/kconfig/zram-backend.config" \
	2>/dev/null | sort -u > "$d/config"
list=$dest/kselftest-list.txt
grep -qx 'movops:run_movops.sh' "$list" 2>/dev/null || echo 'movops:run_movops.sh' >> "$list"
echo "movops: kselftest collection in $d ($n modules for $(cat "$rel")); run: cd $dest && ./run_kselftest.sh -c movops, or $d/run_movops.sh" >&2
