#!/bin/sh
# Configure and build the kernel once per (tree, version, flavour). The build
# directory is laid out as kunit.py --build_dir expects (O=, .config, bzImage),
# and build/kernel-$KVER points at it. A Debian tree is immutable, so an
# unchanged .config skips make entirely; a KSRC tree always gets an
# incremental make, since its sources may have changed.
set -eu
. "$(dirname "$0")/common.sh"
SRC=$("$TOP/scripts/fetch-kernel.sh")

if [ -n "${KSRC:-}" ]; then
	id="ksrc-$(printf '%s' "$SRC" | cksum | cut -d' ' -f1)"
else
	id="deb-$(cat "$SRC/../.movops-complete")"
fi
frags="$TOP/scripts/kconfig/base.config $TOP/scripts/kconfig/$KVER.config"
[ "$FLAVOR" = default ] || frags="$frags $TOP/scripts/kconfig/$FLAVOR.config"
# The harness's own copy of a Debian tree always carries the KUnit hook, so
# that one build serves the VM runs and kunit.py alike. A KSRC tree is hooked
# only by 'make kunit-install'.
if [ -z "${KSRC:-}" ] && [ -f "$TOP/kunit/Kconfig" ]; then
	"$TOP/scripts/kunit-hook.sh" install "$SRC"
fi
if "$TOP/scripts/kunit-hook.sh" status "$SRC" > /dev/null 2>&1; then
	frags="$frags $TOP/kunit/.kunitconfig"
fi
for f in $frags; do
	[ -f "$f" ] || die "no config fragment $f (KVER=$KVER FLAVOR=$FLAVOR)"
done

OBJ=$MOVOPS_CACHE/kernel/$KVER-$FLAVOR-$id
mkdir -p "$OBJ" "$BUILD"
# One configure-and-build at a time per build directory (two clones, or a
# 'make run' beside a 'make kunit', share it).
exec 9> "$OBJ.lock"
flock 9
kmake() {
	make -C "$SRC" O="$OBJ" ARCH=x86_64 "$@"
}

# Configure: only when the fragments changed.
want=$(cat $frags)
if [ ! -f "$OBJ/.config" ] || [ "$want" != "$(cat "$OBJ/.movops-fragments" 2>/dev/null)" ]; then
	echo "movops: configuring $KVER ($FLAVOR) in $OBJ" >&2
	printf '%s\n' "$want" > "$OBJ/.config"
	kmake -s olddefconfig >&2
	rm -f "$OBJ/.movops-built"
	printf '%s\n' "$want" > "$OBJ/.movops-fragments"
fi
python3 "$TOP/scripts/kconfig_check.py" "$OBJ/.config" $frags

stamp="$id $(cksum < "$OBJ/.config")"
if [ -n "${KSRC:-}" ] || [ "$stamp" != "$(cat "$OBJ/.movops-built" 2>/dev/null)" ] ||
   [ ! -f "$OBJ/arch/x86/boot/bzImage" ]; then
	echo "movops: building kernel $KVER ($FLAVOR), make -j$(nproc)" >&2
	kmake -s -j"$(nproc)" all >&2
	printf '%s\n' "$stamp" > "$OBJ/.movops-built"
fi
ln -sfn "$OBJ" "$BUILD/kernel-$KVER-$FLAVOR"
echo "$OBJ"
