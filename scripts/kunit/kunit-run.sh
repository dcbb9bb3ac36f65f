#!/bin/sh
# make kunit: the tree's own kunit.py on the harness's kernel build (no
# second build: a copy of its image with this clone's suite built in), TCG
# unless KVM really works, results in $RESULTS.
set -eu
. "$(dirname "$0")/../host/common.sh"
SRC=$("$TOP/scripts/host/fetch-kernel.sh")
"$TOP/scripts/kunit/kunit-hook.sh" status "$SRC" > /dev/null ||
	die "the KUnit suite is not hooked into $SRC: run 'make kunit-install KSRC=$SRC' first"
# The kernel with this clone's suite built in, verified (and made only when
# no build of it is kept): build-kernel.sh, under the build directory's
# lock, prints the directory kunit.py boots, a copy of that kernel's image
# and .config kept per suite (so another clone's build cannot change it
# under this run, and clones with different suites do not rebuild the
# shared kernel in turn).
bdir=$(MOVOPS_WITH_SUITE=1 "$TOP/scripts/host/build-kernel.sh")

accel=$(python3 "$TOP/scripts/host/vm.py" --kernel "$bdir/$KIMAGE" --arch "$ARCH" \
	--accel "${ACCEL:-auto}" --probe-cache "$MOVOPS_CACHE/accel.json" --probe-only)
bin=$BUILD/kunit-bin
mkdir -p "$bin" "$RESULTS"
ln -sfn "$TOP/scripts/kunit/qemu_accel_shim.py" "$bin/$QEMU"
. "$TOP/scripts/host/versions.sh"
frags="$TOP/scripts/kconfig/base.config $(kconfig_fragment "$SRC")"
# The guest architecture's fragments (scripts/host/arch.sh) and machine
# (kunit_qemu.py reads MOVOPS_ARCH and MOVOPS_KIMAGE).
for f in $ARCH_FRAGS; do frags="$frags $TOP/scripts/kconfig/$f"; done
export MOVOPS_ARCH=$ARCH MOVOPS_KIMAGE=$KIMAGE
[ "$FLAVOR" = default ] || frags="$frags $TOP/scripts/kconfig/$FLAVOR.config"
# kunit.py gets them as one file, in the build's order (build-kernel.sh),
# where a later line wins as in the build's .config: given as separate
# files, kunit.py refuses two that set a symbol differently ("Multiple
# values specified", seen with ARCH=ppc64le: arch-ppc64le.config turns
# off base.config's ACPI).
mkdir -p "$RESULTS"
# shellcheck disable=SC2086 # $frags: one path per word
cat $frags "$TOP/kunit/.kunitconfig" > "$RESULTS/kunitconfig"

# The guest kernel arguments of the flavour (KERNEL_ARGS), one option each.
kargs=
for a in ${KERNEL_ARGS:-}; do kargs="$kargs --kernel_args=$a"; done

# --junit came after 6.12's kunit.py.
junit="--junit=$RESULTS/kunit.xml"
grep -q -- "--junit" "$SRC/tools/testing/kunit/kunit.py" || junit=

rc=0
rm -f "$RESULTS/kunit.json" "$RESULTS/kunit-verdict.json" "$RESULTS/kunit-console.log"
# 'kunit.py exec' boots it without entering make (kunit.py run spent ~27 s
# in a make that found nothing to do), under the copy's lock: kunit.py
# writes its test.log there, copied out before another run can start.
# (exec reads the fragments only so as not to write a default .kunitconfig
# into the build directory.)
# shellcheck disable=SC2016,SC2086 # sh -c's own $1; $kargs: one word per option
PATH="$bin:$PATH" MOVOPS_ACCEL=$accel flock "$bdir.lock" sh -c \
	'rm -f "$1/test.log"; b=$1 out=$2; shift 2; "$@"; cp "$b/test.log" "$out" 2>/dev/null; exit 0' \
	sh "$bdir" "$RESULTS/kunit-console.log" \
	python3 "$SRC/tools/testing/kunit/kunit.py" exec \
	--build_dir="$bdir" --arch="$KARCH" --qemu_config="$TOP/scripts/kunit/kunit_qemu.py" \
	--kunitconfig="$RESULTS/kunitconfig" $kargs --timeout="${TIMEOUT:-300}" \
	--json="$RESULTS/kunit.json" $junit \
	"${KUNIT_FILTER:-movops_*}"
# kunit.py's own status counts known kernel failures and any skip as fine;
# judge its JSON (with the console's messages) by the lists instead, as a VM
# run is judged (scripts/report/expectations.py), and fail on any splat.
python3 "$TOP/scripts/report/known_failures.py" --config "$bdir/.config" --flavor "$FLAVOR" \
	--patches "${MOVOPS_PATCH_NAMES:-}" --console "$RESULTS/kunit-console.log" \
	--out "$RESULTS/kunit-verdict.json" "$KVER" "$RESULTS/kunit.json" || rc=1
python3 "$TOP/scripts/report/splats.py" "$RESULTS/kunit-console.log" || rc=1
exit $rc
