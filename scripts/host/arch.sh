# shellcheck shell=sh
# The one place that knows how the guest architectures differ on the host
# side (docs/architectures.md). Sourced by common.sh with ARCH and PAGE_SIZE
# from the environment (make exports them); run as "sh scripts/host/arch.sh make",
# it prints the same settings as NAME=VALUE words for the Makefile.
#
#   ARCH        x86_64 (default), arm64, ppc64le
#   PAGE_SIZE   4K (default); 64K on arm64 (ARM64_64K_PAGES)
#
# Sets: KARCH (the kernel's ARCH=), CROSS_COMPILE, ATAG (the results and
# build-directory tag: '', -arm64, -arm64-64k, -ppc64le), ARCH_FRAGS (the
# arch's config fragments in scripts/kconfig/, after base.config and the
# version's), KIMAGE (the image QEMU boots, in the build directory), QEMU,
# DEB_ARCH (Debian's name: guest tools and busybox), ARCH_PKGS (host packages
# this arch needs beyond setup-host.sh's list, comma-separated),
# TIME_SCALE (how many times longer than x86_64 the guest may take under
# TCG: TIMEOUT and SILENCE grow with it), and ARCH_KSYM (the .config symbol
# that says which arch a build directory holds).
# Machine and console differences live with QEMU's arguments in scripts/host/vm.py.

: "${ARCH:=x86_64}"
: "${PAGE_SIZE:=4K}"
ARCH_FRAGS='' ARCH_PKGS='' CROSS_COMPILE=''
case "$ARCH-$PAGE_SIZE" in
x86_64-4K)
	KARCH=x86_64 ATAG='' KIMAGE=arch/x86/boot/bzImage QEMU=qemu-system-x86_64
	DEB_ARCH=amd64 TIME_SCALE=1 ARCH_KSYM=CONFIG_X86_64 ;;
arm64-4K | arm64-64K)
	KARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- ATAG=-arm64
	ARCH_FRAGS=arch-arm64.config KIMAGE=arch/arm64/boot/Image QEMU=qemu-system-aarch64
	ARCH_PKGS=gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,qemu-system-arm
	DEB_ARCH=arm64 TIME_SCALE=3 ARCH_KSYM=CONFIG_ARM64_4K_PAGES
	if [ "$PAGE_SIZE" = 64K ]; then
		ATAG=-arm64-64k ARCH_FRAGS="$ARCH_FRAGS arch-arm64-64k.config"
		ARCH_KSYM=CONFIG_ARM64_64K_PAGES
	fi ;;
ppc64le-4K)
	KARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu- ATAG=-ppc64le
	ARCH_FRAGS=arch-ppc64le.config KIMAGE=vmlinux QEMU=qemu-system-ppc64
	ARCH_PKGS=gcc-powerpc64le-linux-gnu,libc6-dev-ppc64el-cross,qemu-system-ppc
	DEB_ARCH=ppc64el TIME_SCALE=3 ARCH_KSYM=CONFIG_PPC64 ;;
*)
	echo "movops: unsupported ARCH=$ARCH PAGE_SIZE=$PAGE_SIZE (supported: x86_64, arm64, arm64 with PAGE_SIZE=64K, ppc64le)" >&2
	KARCH='' ;;
esac

if [ "${1:-}" = make ]; then
	[ -n "$KARCH" ] || exit 2
	for v in KARCH CROSS_COMPILE ATAG KIMAGE QEMU DEB_ARCH ARCH_PKGS TIME_SCALE ARCH_KSYM; do
		eval "printf '%s=%s\n' $v \"\$$v\""
	done
	printf 'ARCH_FRAGS=%s\n' "$(echo $ARCH_FRAGS | tr ' ' ,)"
fi
