#!/bin/sh
# make kunit: the tree's own kunit.py on the harness's kernel build directory
# (no second build), TCG unless KVM really works, results in $RESULTS.
set -eu
. "$(dirname "$0")/common.sh"
SRC=$("$TOP/scripts/fetch-kernel.sh")
"$TOP/scripts/kunit-hook.sh" status "$SRC" > /dev/null ||
	die "the KUnit suite is not hooked into $SRC: run 'make kunit-install KSRC=$SRC' first"
OBJ=$("$TOP/scripts/build-kernel.sh")
# A variant (PATCHES): kunit.py and its make run in the variant's mount
# namespace, on the pristine build path (scripts/variant.sh).
ns='' bdir=$OBJ
if [ -n "${PATCHES:-}" ]; then
	vdir=${OBJ%/obj}
	ns="$TOP/scripts/variant.sh exec $vdir"
	bdir=$(sed -n 's/^OBJ=//p' "$vdir/paths")
fi

accel=$(python3 "$TOP/scripts/vm.py" --kernel "$OBJ/$KIMAGE" --arch "$ARCH" \
	--accel "${ACCEL:-auto}" --probe-cache "$MOVOPS_CACHE/accel.json" --probe-only)
bin=$BUILD/kunit-bin
mkdir -p "$bin" "$RESULTS"
ln -sfn "$TOP/scripts/qemu-accel-shim.py" "$bin/$QEMU"
. "$TOP/scripts/versions.sh"
frags="--kunitconfig=$TOP/scripts/kconfig/base.config --kunitconfig=$(kconfig_fragment "$SRC")"
# The guest architecture's fragments (scripts/arch.sh) and machine
# (kunit_qemu.py reads MOVOPS_ARCH and MOVOPS_KIMAGE).
for f in $ARCH_FRAGS; do frags="$frags --kunitconfig=$TOP/scripts/kconfig/$f"; done
export MOVOPS_ARCH=$ARCH MOVOPS_KIMAGE=$KIMAGE
[ "$FLAVOR" = default ] || frags="$frags --kunitconfig=$TOP/scripts/kconfig/$FLAVOR.config"

# The guest kernel arguments of the flavour (KERNEL_ARGS), one option each.
kargs=
for a in ${KERNEL_ARGS:-}; do kargs="$kargs --kernel_args=$a"; done

# --junit came after 6.12's kunit.py.
junit="--junit=$RESULTS/kunit.xml"
grep -q -- "--junit" "$SRC/tools/testing/kunit/kunit.py" || junit=

rc=0
rm -f "$RESULTS/kunit.json" "$RESULTS/kunit-verdict.json" "$RESULTS/kunit-console.log"
# build-kernel.sh verifies the shared build (the .config, and the suite just
# synced from this clone into the hook) and makes only when something changed;
# then 'kunit.py exec' boots it without entering make (kunit.py run spent
# ~27 s in a make that found nothing to do). Both under the build lock, so
# another clone's build cannot slip in between.
# (exec reads the fragments only so as not to write a default .kunitconfig
# into the shared build directory.)
# shellcheck disable=SC2086 # $ns, $frags and $kargs: one word per option
PATH="$bin:$PATH" MOVOPS_ACCEL=$accel MOVOPS_LOCKED=1 MOVOPS_WITH_SUITE=1 flock "$OBJ.lock" sh -c \
	'"$1/scripts/build-kernel.sh" > /dev/null && shift && exec "$@"' sh "$TOP" \
	$ns python3 "$SRC/tools/testing/kunit/kunit.py" exec \
	--build_dir="$bdir" --arch="$KARCH" --qemu_config="$TOP/scripts/kunit_qemu.py" \
	$frags --kunitconfig="$TOP/kunit/.kunitconfig" $kargs --timeout="${TIMEOUT:-300}" \
	--json="$RESULTS/kunit.json" $junit \
	"${KUNIT_FILTER:-movops_*}" || true
cp "$OBJ/test.log" "$RESULTS/kunit-console.log" 2>/dev/null || true
# kunit.py's own status counts known kernel failures and any skip as fine;
# judge its JSON (with the console's messages) by the lists instead, as a VM
# run is judged (scripts/expectations.py), and fail on any splat.
python3 "$TOP/scripts/known_failures.py" --config "$OBJ/.config" --flavor "$FLAVOR" \
	--patches "${MOVOPS_PATCH_NAMES:-}" --console "$RESULTS/kunit-console.log" \
	--out "$RESULTS/kunit-verdict.json" "$KVER" "$RESULTS/kunit.json" || rc=1
python3 "$TOP/scripts/splats.py" "$RESULTS/kunit-console.log" || rc=1
exit $rc
