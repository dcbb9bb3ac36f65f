#!/bin/sh
# Configure and build the kernel once per (tree, version, flavour). The build
# directory is laid out as kunit.py --build_dir expects (O=, .config, bzImage),
# and build/kernel-$KVER points at it. A Debian tree is immutable, so an
# unchanged .config skips make entirely; a KSRC tree always gets an
# incremental make, since its sources may have changed.
set -eu
. "$(dirname "$0")/common.sh"
. "$TOP/scripts/host/versions.sh"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t=$(now)
SRC=$("$TOP/scripts/host/fetch-kernel.sh")
t_fetch=$(since "$t")

if [ -n "${KSRC:-}" ]; then
	id="ksrc-$(printf '%s' "$SRC" | cksum | cut -d' ' -f1)"
else
	id="deb-$(cat "$SRC/../.movops-complete")"
fi
. "$TOP/scripts/host/versions.sh"
frags="$TOP/scripts/kconfig/base.config $(kconfig_fragment "$SRC")"
# The guest architecture's fragments (scripts/host/arch.sh; none on x86_64).
for f in $ARCH_FRAGS; do frags="$frags $TOP/scripts/kconfig/$f"; done
[ "$FLAVOR" = default ] || frags="$frags $TOP/scripts/kconfig/$FLAVOR.config"

OBJ=$MOVOPS_CACHE/kernel/$KVER$ATAG-$FLAVOR-$id
# PATCHES (docs/variants.md): a variant of that build. Its tree and build
# directory are copies of the pristine ones, in $VDIR, and every make runs
# in a mount namespace where they sit over the pristine paths
# (scripts/host/variant.sh exec): only what the patches touch is rebuilt.
# DIR is where the build lives, OBJ the path make sees.
DIR=$OBJ
VTAG=
if [ -n "${PATCHES:-}" ]; then
	[ -z "${MOVOPS_VARIANT_NS:-}" ] || die "build-kernel.sh runs outside a variant's namespace"
	[ -z "${KSRC:-}" ] || die "PATCHES applies to the Debian tree, not to KSRC"
	# shellcheck disable=SC2086 # PATCHES: a list of paths
	VTAG=$("$TOP/scripts/host/variant.sh" tag $PATCHES)
	# The pristine build first: the variant starts as its copy.
	PATCHES='' MOVOPS_LOCKED='' MOVOPS_WITH_SUITE='' "$0" > /dev/null
	VDIR=$MOVOPS_CACHE/variant/$KVER$ATAG-$FLAVOR-$id-${MOVOPS_VARIANT_NAME:-$VTAG}
	DIR=$VDIR/obj
	mkdir -p "$(dirname "$VDIR")"
fi
mkdir -p "$DIR" "$BUILD"
# One configure-and-build at a time per build directory (two clones, or a
# 'make run' beside a 'make kunit', share it). A caller that holds the lock
# already (kunit-run.sh, around kunit.py) says so with MOVOPS_LOCKED=1.
if [ -z "${MOVOPS_LOCKED:-}" ]; then
	exec 9> "$DIR.lock"
	flock 9
fi
if [ -n "$VTAG" ]; then
	"$TOP/scripts/host/variant.sh" seed "$VDIR" "$SRC" "$OBJ"
	# shellcheck disable=SC2086 # PATCHES: a list of paths
	"$TOP/scripts/host/variant.sh" apply "$VDIR" $PATCHES
	# shellcheck disable=SC2086
	"$TOP/scripts/host/variant.sh" files $PATCHES | xargs -n1 basename > "$VDIR/patches.txt"
fi


# The harness's own Debian tree always carries the KUnit hook, so that one
# build serves the VM runs and kunit.py alike. The tree is shared by every
# clone on the machine, so the hook points at a copy of this clone's suite
# (and the module/ headers and lib/ it includes), synced under the lock, not at the
# clone itself: two clones can never mix. A KSRC tree is hooked only by
# 'make kunit-install', and then at that clone's kunit/.
# A variant's tree is hooked at this clone's own synced suite.
if [ -n "$VTAG" ]; then
	hook=$BUILD/variant-hook/$KVER-$id
	"$TOP/scripts/host/sync-src.sh" "$hook"
	"$TOP/scripts/kunit/kunit-hook.sh" install "$VDIR/src" "$hook/kunit"
elif [ -z "${KSRC:-}" ] && [ -f "$TOP/kunit/Kconfig" ]; then
	hook=$MOVOPS_CACHE/hook/$KVER-$id
	"$TOP/scripts/host/sync-src.sh" "$hook"
	"$TOP/scripts/kunit/kunit-hook.sh" install "$SRC" "$hook/kunit"
fi
# A flavour that turns the suite off (its fragment says
# "# CONFIG_MOVOPS_KUNIT is not set") builds without it.
if "$TOP/scripts/kunit/kunit-hook.sh" status "$SRC" > /dev/null 2>&1 &&
   ! grep -qx '# CONFIG_MOVOPS_KUNIT is not set' "$TOP/scripts/kconfig/$FLAVOR.config" 2>/dev/null; then
	frags="$frags $TOP/kunit/.kunitconfig"
fi
for f in $frags; do
	[ -f "$f" ] || die "no config fragment $f (KVER=$KVER FLAVOR=$FLAVOR)"
done
# V=1: the kernel's make speaks (and, through MAKEFLAGS, prints every
# command); otherwise it is silent and the build prints a progress line.
if [ "${V:-0}" = 1 ]; then quiet=''; else quiet=-s; fi
kmake() {
	if [ -n "$VTAG" ]; then
		"$TOP/scripts/host/variant.sh" exec "$VDIR" make -C "$SRC" O="$OBJ" ARCH="$KARCH" CROSS_COMPILE="$CROSS_COMPILE" $quiet "$@"
	else
		make -C "$SRC" O="$OBJ" ARCH="$KARCH" CROSS_COMPILE="$CROSS_COMPILE" $quiet "$@"
	fi
}
# How many objects a cold build of this version and flavour writes: the
# count a finished build of it recorded (.movops-objects), else any of this
# version's finished builds, else versions.sh's KOBJECTS, else none (the
# progress line then counts without a total).
objects_estimate() {
	for pat in "$KVER$ATAG-$FLAVOR-" "$KVER$ATAG-"; do
		for d in "$MOVOPS_CACHE/kernel/$pat"*/; do
			[ -f "$d.movops-built" ] || continue
			# Only builds of this architecture (and page size).
			grep -q "^$ARCH_KSYM=y" "$d.config" 2>/dev/null || continue
			cat "$d.movops-objects" 2>/dev/null || find "$d" -name '*.o' | wc -l
		done | sort -n | tail -n 1 | grep . && return
	done
	echo "${KOBJECTS:-}"
}

# Configure: only when what the fragments set changed. settings: each
# symbol's last assignment ("# CONFIG_X is not set" is one), sorted, as
# olddefconfig takes them: a line moved from one fragment to another, or a
# comment edited, reconfigures nothing.
settings() {
	sed -n -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' -e '/^CONFIG_/p' |
		awk -F= '{ v[$1] = $0 } END { for (k in v) print v[k] }' | sort
}
t=$(now)
t_config=
want=$(cat $frags)
if [ ! -f "$DIR/.config" ] ||
   [ "$(printf '%s\n' "$want" | settings)" != "$(settings < "$DIR/.movops-fragments" 2>/dev/null)" ]; then
	echo "movops: configuring $KVER$ATAG ($FLAVOR${VTAG:+, variant $VTAG}) in $DIR" >&2
	printf '%s\n' "$want" > "$DIR/.config"
	kmake olddefconfig >&2
	rm -f "$DIR/.movops-built"
	printf '%s\n' "$want" > "$DIR/.movops-fragments"
	t_config=$(since "$t")
fi
python3 "$TOP/scripts/host/kconfig_check.py" "$DIR/.config" $frags

# What the build depends on beyond the tree: its .config, a variant's
# patches, and the toolchain that Kconfig records in the .config
# (CC_VERSION_TEXT, PAHOLE_VERSION). A compiler or pahole installed since the
# last build changes the stamp, so make runs and syncconfig brings the
# .config up to date; otherwise every module build against it warns "pahole
# version differs" (seen: pahole installed by another target mid-build
# failed 'make lint'). Written after make: syncconfig may rewrite .config.
stamp() {
	echo "$id $(cksum < "$DIR/.config")${VTAG:+ $(cut -d" " -f1 < "$VDIR/applied" | tr "\n" " ")}" \
		"$("$SRC/scripts/pahole-version.sh" pahole)" "$(${CC:-${CROSS_COMPILE}gcc} --version 2>/dev/null | head -n 1)"
}
# The suite built into the kernel is the hook's copy as of the last make
# (.movops-suite-built). A VM run loads the suite as a module and never
# waits for a make of it. kunit.py boots a kernel with this clone's suite
# built in: with MOVOPS_WITH_SUITE=1 this script prints, instead of DIR, a
# directory kunit.py can boot (its --build_dir): a copy of that kernel's
# image and .config, kept per suite in DIR.suites/KEY (KEY: the build's
# stamp and the suite), so that clones with different suites do not
# rebuild the shared kernel in turn. The kernel's make runs for a suite
# only when no image of it, on this very build, is kept; a KSRC tree's
# copy is taken after every make (its sources may have changed).
suite=
[ -z "${hook:-}" ] || suite=$(cat "$hook"/kunit/*.[ch] "$hook"/kunit/Kbuild \
	"$hook"/kunit/Kconfig "$hook"/module/*.h "$hook"/lib/* 2>/dev/null | cksum)
suite_dir() {
	echo "$DIR.suites/$(printf '%s\n%s\n' "$(cat "$DIR/.movops-built" 2>/dev/null)" "$suite" |
		cksum | cut -d' ' -f1)"
}
need_suite=
if [ -n "${MOVOPS_WITH_SUITE:-}" ] && [ "$suite" != "$(cat "$DIR/.movops-suite-built" 2>/dev/null)" ]; then
	# Another suite is built in: a kept image of this one on this build will do.
	[ "$(stamp)" = "$(cat "$DIR/.movops-built" 2>/dev/null)" ] &&
		[ -f "$(suite_dir)/$KIMAGE" ] || need_suite=1
fi
if [ -n "${KSRC:-}" ] || [ "$(stamp)" != "$(cat "$DIR/.movops-built" 2>/dev/null)" ] ||
   [ ! -f "$DIR/$KIMAGE" ] || [ -n "$need_suite" ]; then
	t=$(now)
	# (warm_check.py looks for "movops: building kernel": keep the words.)
	what="building kernel $KVER$ATAG ($FLAVOR${VTAG:+, variant $VTAG})"
	if [ -f "$DIR/vmlinux" ]; then
		# Rebuild: count the objects it writes, no estimate.
		cold='' total='' count=--new-objects
		echo "movops: $what in $DIR (incremental), make -j$(nproc)" >&2
	else
		# First build (or one that was interrupted): every object counts.
		cold=1 total=$(objects_estimate) count=--objects
		echo "movops: $what in $DIR (${total:+about }${total:-an unknown number of} objects), make -j$(nproc)" >&2
	fi
	if [ -n "$quiet" ]; then
		progress "$what" "$count" "$DIR" ${total:+--total "$total"} -- \
			kmake -j"$(nproc)" all >&2
	else
		kmake -j"$(nproc)" all >&2
	fi
	[ -z "$cold" ] || find "$DIR" -name '*.o' | wc -l > "$DIR/.movops-objects"
	echo "movops: kernel $KVER ($FLAVOR) built in $(since "$t") s" >&2
	stamp > "$DIR/.movops-built"
	printf '%s\n' "$suite" > "$DIR/.movops-suite-built"
	# What the last real configure and build of this directory took, for
	# results.json (a run that reuses the build shows its own ~0 s 'kernel').
	printf 'fetch %s\nconfig %s\nbuild %s\n' "$t_fetch" "${t_config:-0}" "$(since "$t")" \
		> "$DIR/.movops-timings"
fi
# A flavour that builds a real user as a module (FLAVOR=zsmalloc-m: zram and
# zsmalloc) installs the modules in $DIR/modroot, once per build: the
# initramfs takes them from there (scripts/host/mkinitramfs.sh, KMODS_DIR) and
# the runner loads them before movops.ko.
if grep -qE '^CONFIG_(ZSMALLOC|ZRAM|VIRTIO_BALLOON)=m$' "$DIR/.config" &&
   [ "$(cat "$DIR/modroot/.movops-built" 2>/dev/null)" != "$(cat "$DIR/.movops-built")" ]; then
	rm -rf "$DIR/modroot"
	kmake INSTALL_MOD_PATH="$DIR/modroot" modules_install >&2
	cp "$DIR/.movops-built" "$DIR/modroot/.movops-built"
fi
ln -sfn "$DIR" "$BUILD/kernel-$KVER$ATAG-$FLAVOR${VTAG:+-$VTAG}"
if [ -z "${MOVOPS_WITH_SUITE:-}" ]; then
	echo "$DIR"
	exit 0
fi
# The copy for kunit.py: taken when DIR holds this suite and no copy of it
# is kept (or the tree is KSRC), under the copy's own lock (kunit-run.sh
# holds it while kunit.py boots it and writes its test.log there).
sdir=$(suite_dir)
if [ "$suite" = "$(cat "$DIR/.movops-suite-built" 2>/dev/null)" ] &&
   { [ -n "${KSRC:-}" ] || [ ! -f "$sdir/$KIMAGE" ]; }; then
	mkdir -p "$DIR.suites"
	tmp=$(mktemp -d "$sdir.new.XXXXXX")
	chmod 755 "$tmp"
	mkdir -p "$tmp/$(dirname "$KIMAGE")"
	cp "$DIR/$KIMAGE" "$tmp/$KIMAGE"
	cp "$DIR/.config" "$tmp/.config"
	cp "$DIR/.movops-built" "$tmp/.movops-built"
	printf '%s\n' "$suite" > "$tmp/.movops-suite-built"
	( flock 8 && rm -rf "$sdir" && mv "$tmp" "$sdir" ) 8> "$sdir.lock"
	# The eight most recently used copies are kept (an image is ~10 MB);
	# one in use (its lock held) is left alone.
	ls -dt "$DIR.suites"/*/ | tail -n +9 | while read -r old; do
		old=${old%/}
		! flock -n "$old.lock" rm -rf "$old" || rm -f "$old.lock"
	done
fi
[ -f "$sdir/$KIMAGE" ] || die "no kernel image with this clone's KUnit suite in $sdir"
touch "$sdir"
echo "$sdir"
