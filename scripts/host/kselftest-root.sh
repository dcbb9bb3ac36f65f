#!/bin/sh
# The extra initramfs root of make kselftest-check: the kernel tree's own
# kselftest runner (run_kselftest.sh, kselftest/) beside the movops
# collection that make kselftest-install put in ROOT/kselftest, a stub
# lava-test-case, and the LAVA definition's steps rendered as LAVA runs them.
# /lava/run.sh, the guest command, runs those steps, then prints what the
# stub recorded ('# lava-stub: ...') and powers off.
# Usage: kselftest-root.sh ROOT KERNEL_SOURCE_TREE
set -eu
. "$(dirname "$0")/common.sh"
root=${1:?usage: kselftest-root.sh ROOT SRC}
src=${2:?usage: kselftest-root.sh ROOT SRC}
st=$src/tools/testing/selftests
[ -x "$st/run_kselftest.sh" ] && [ -f "$st/kselftest/runner.sh" ] ||
	die "$src has no tools/testing/selftests/run_kselftest.sh and kselftest/runner.sh"
cp "$st/run_kselftest.sh" "$root/kselftest/"
cp -r "$st/kselftest" "$root/kselftest/"
mkdir -p "$root/lava/bin"
cp "$TOP/scripts/guest/lava-stub/lava-test-case" "$root/lava/bin/"
python3 "$TOP/scripts/host/lava_steps.py" "$TOP/.ci/lava/movops.yaml" \
	KSELFTEST_DIR=/kselftest > "$root/lava/steps.sh"
cat > "$root/lava/run.sh" <<'EOS'
#!/bin/sh
# What a distribution's /dev has and a bare devtmpfs has not: kselftest's
# runner.sh writes each test's output to /dev/stdout.
for n in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${n#*:}" ] || ln -s "/proc/self/fd/${n%%:*}" "/dev/${n#*:}"
done
export PATH=/lava/bin:$PATH LAVA_STUB_LOG=/tmp/lava-test-case.log
: > "$LAVA_STUB_LOG"
# The KTAP/host port the guest's init exported (ttyS1 on x86), copied to
# in whole lines: the runner writes its host requests to it directly.
port=${MOVOPS_HOST_PORT:-/dev/null}
{ sh /lava/steps.sh; echo "# kselftest-exit $?"; } 2>&1 | sh /movops/port-tee.sh "$port"
sed 's/^/# lava-stub: /' "$LAVA_STUB_LOG" | sh /movops/port-tee.sh "$port"
sync
poweroff -f
EOS
