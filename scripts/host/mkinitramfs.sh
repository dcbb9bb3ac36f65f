#!/bin/sh
# Build the guest's initramfs: busybox-static, the movops modules, the guest
# runner and its scenarios, GUEST_CMD and MOVOPS_INJECT. No host root fs.
# Usage: mkinitramfs.sh OUTPUT.cpio.gz|OUTPUT.cpio
set -eu
. "$(dirname "$0")/common.sh"
out=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz}
# The guest architecture's busybox (scripts/host/guest-tools.sh --busybox).
BUSYBOX=${BUSYBOX:-$("$TOP/scripts/host/guest-tools.sh" --busybox)}
if [ "$DEB_ARCH" = amd64 ]; then
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic executable' ||
		die "$BUSYBOX is not a static busybox (install busybox-static)"
else
	! readelf -l "$BUSYBOX" | grep -q 'program interpreter' ||
		die "$BUSYBOX is not a static busybox"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/tmp" "$stage/movops" "$stage/etc"
cp "$BUSYBOX" "$stage/bin/busybox"
cp "$TOP/scripts/guest/init" "$stage/init"
cp "$TOP/scripts/guest/"*.sh "$stage/movops/"
"$TOP/scripts/host/guest-tools.sh" "$stage/movops"
# KO_DIR: where the modules were built (make coverage builds a copy).
for ko in "${KO_DIR:-$TOP}"/module/*.ko "${KO_DIR:-$TOP}"/kunit/*.ko; do
	[ -f "$ko" ] && cp "$ko" "$stage/movops/"
done
# EXTRA_ROOT: a directory whose contents go to the initramfs's root as
# they are (make kselftest-check: a kselftest install and a LAVA stub).
[ -z "${EXTRA_ROOT:-}" ] || cp -a "$EXTRA_ROOT/." "$stage/"
# A harness kernel whose real users are modules (FLAVOR=zsmalloc-m) has them
# installed beside its .config (scripts/host/build-kernel.sh, modroot/).
[ -n "${KMODS_DIR:-}" ] || [ -z "${KCONFIG:-}" ] ||
	KMODS_DIR=$(ls -d "$(dirname "$KCONFIG")"/modroot/lib/modules/* 2>/dev/null | head -n 1)
# KMODS_DIR (a Debian kernel's lib/modules/<release>): the modules of that
# kernel the guest drives, with what they depend on, in load order
# (scripts/host/kmods-stage.sh: movops/kmods/, movops/kmods.order).
[ -z "${KMODS_DIR:-}" ] || KMODS_DIR=$KMODS_DIR "$TOP/scripts/host/kmods-stage.sh" "$stage/movops"
# A kernel without KUnit cannot load the suite: the runner says so (one
# SKIP naming the symbol) instead of looking for a module never built.
if [ -f "${KCONFIG:-}" ] && ! grep -qE '^CONFIG_KUNIT=[ym]' "$KCONFIG"; then
	echo "CONFIG_KUNIT is not set in this kernel's config: the KUnit suite cannot be built or loaded" \
		> "$stage/movops/kunit-skip"
elif [ -f "${KCONFIG:-}" ] && ! grep -qE '^CONFIG_BALLOON_(MIGRATION|COMPACTION)=y' "$KCONFIG"; then
	# kunit/Kconfig, kunit/Kbuild: the suite needs balloon migration.
	echo "CONFIG_BALLOON_MIGRATION is not set in this kernel's config: the KUnit suite (it migrates balloon pages) is not built" \
		> "$stage/movops/kunit-skip"
fi
[ -z "${GUEST_CMD:-}" ] || printf '%s\n' "$GUEST_CMD" > "$stage/movops/guest-cmd"
# Settings for the runner, sourced by init before it starts.
{
	printf 'export MOVOPS_INJECT=%s\n' "${MOVOPS_INJECT:-}"
	printf 'export MOVOPS_ONLY=%s\n' "${MOVOPS_ONLY:-}"
	printf "export MOVOPS_PASSES='%s'\n" "${MOVOPS_PASSES:-}"
	# make stress / make fuzz / make repro settings, the flavour's slack and
	# wait scale (numbers, words and dashes only).
	env | grep -E '^MOVOPS_(STRESS_[A-Z_]+|FUZZ_[A-Z_]+|MEMFREE_SLACK_KB|WAIT_SCALE|LEAK|LEAK_PAGES|REPRO)=[a-z0-9 -]*$' | sed "s/=\(.*\)/='\1'/; s/^/export /" || true
} > "$stage/movops/env"
chmod 0755 "$stage/init" "$stage/bin/busybox"
mkdir -p "$(dirname "$out")"
# OUTPUT.cpio.gz: gzip -1; OUTPUT.cpio: uncompressed (KERNEL=debian, Makefile INITRD).
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	case $out in *.gz) gzip -1 ;; *) cat ;; esac > "$out.tmp"
mv "$out.tmp" "$out"
