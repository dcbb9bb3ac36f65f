#!/bin/sh
# KERNEL=debian / debian-rt: Debian's own prebuilt kernel, nothing configured
# or built. Fetches the newest linux-image-* of the series (KVER) that has
# headers, with its modules and linux-headers-* (plus the -common, kbuild and
# base packages they depend on), through the same private apt as
# fetch-kernel.sh, and unpacks them once into the cache. Module builds need
# the compiler the headers name ($(CROSS_COMPILE)gcc-N in .kernelvariables):
# the host's if it has it, else a minimal build root of the kernel's own
# Debian release (mmdebstrap, made once, kept in the cache) where the headers
# live at the /usr/src and /usr/lib/linux-kbuild-* paths they hard-code.
# Links build/kernel-$KVER-$DEBIAN (KERNEL=) to a directory holding: vmlinuz,
# image (what QEMU boots: the vmlinux inside vmlinuz, or vmlinuz), config,
# headers (the KDIR), modules (lib/modules/<release>), and buildroot when
# modules are built in one. Prints that directory.
set -eu
. "$(dirname "$0")/common.sh"
. "$TOP/scripts/host/versions.sh"
debian_kernel	# DEB_IMG_SUITE, DEB_IMG_RE

APT=$MOVOPS_CACHE/apt/$DEB_IMG_SUITE
apt_private "deb $DEB_IMG_SUITE"
apt_update Packages || die "apt could not read $DEB_IMG_SUITE from $MIRROR"

# The newest image of the series whose headers are in the index too.
debian_pick	# IMG, REL, VERSION
[ -n "$IMG" ] || die "no $DEB_IMG_RE with its linux-headers in $DEB_IMG_SUITE"
[ -n "$VERSION" ] || die "no version of $IMG in $DEB_IMG_SUITE's index"
# The ABI part every package of this kernel carries in its name (7.3.4+deb13).
ABI=$(echo "$REL" | sed -E 's/^([0-9.]+\+deb[0-9]+).*/\1/')

DIR=$MOVOPS_CACHE/debian/$REL-$VERSION
if [ ! -f "$DIR/.movops-complete" ]; then
	echo "movops: fetching Debian's $IMG $VERSION and its headers from $DEB_IMG_SUITE" >&2
	# The image and headers, and what they depend on of the same kernel
	# (linux-modules-*, linux-binary-*, -common, linux-kbuild-*, ...).
	pkgs="$IMG linux-headers-$REL" todo="$IMG linux-headers-$REL"
	while [ -n "$todo" ]; do
		new=
		for p in $todo; do
			for d in $(aptq apt-cache show "$p=$VERSION" 2>/dev/null |
					awk -F': ' '/^Depends:/ { print $2; exit }' | tr ',' '\n' |
					sed 's/|.*//' | awk '{ print $1 }' | grep -F "$ABI"); do
				case " $pkgs " in *" $d "*) ;; *) pkgs="$pkgs $d" new="$new $d" ;; esac
			done
		done
		todo=$new
	done
	rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp/debs" "$DIR.tmp/root"
	# shellcheck disable=SC2086 # one word per package
	(cd "$DIR.tmp/debs" && aptq apt-get download $(for p in $pkgs; do echo "$p=$VERSION"; done) >&2) ||
		die "download of $pkgs ($VERSION) failed"
	for deb in "$DIR.tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$DIR.tmp/root"
	done
	# Only the headers' packages are needed again (for a build root).
	find "$DIR.tmp/debs" -name '*.deb' ! -name 'linux-headers-*' ! -name 'linux-kbuild-*' -delete
	rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
	echo "$IMG $VERSION" > "$DIR/.movops-complete"
fi

R=$DIR/root
kimg=$(ls "$R/boot/vmlinuz-$REL" "$R/usr/lib/modules/$REL/vmlinuz" 2>/dev/null | head -n 1)
mods=$(ls -d "$R/lib/modules/$REL" "$R/usr/lib/modules/$REL" 2>/dev/null | head -n 1)
[ -n "$kimg" ] && [ -n "$mods" ] || die "no vmlinuz or modules for $REL in $DIR"
hdr=usr/src/linux-headers-$REL
[ -f "$R/$hdr/.config" ] || die "no $hdr/.config in $DIR"

# The compiler the headers ask for, and where modules get built.
cc=$(awk -F'= *' '/^override CROSS_COMPILE/ { x = $2 } /^CC *=/ { c = $2 } END {
	if (match(c, /\$\(CROSS_COMPILE\)[^ ]+/)) print x substr(c, RSTART + 16, RLENGTH - 16)
	else if (c != "") { n = split(c, w, " "); print w[n] } }' \
	"$R/$hdr/.kernelvariables" 2>/dev/null)
[ -n "$cc" ] || cc=gcc
out=$DIR/host
if command -v "$cc" > /dev/null 2>&1; then
	# Headers in place in the cache: their Makefile includes the -common
	# tree by its installed path; point it at the unpacked one.
	grep -q '[ =]/usr/src/' "$R/$hdr/Makefile" &&
		sed -i "s#\\([ =]\\)/usr/src/#\\1$R/usr/src/#g" "$R/$hdr/Makefile"
	mkdir -p "$out" && rm -f "$out/buildroot"
	ln -sfn "$R/$hdr" "$out/headers"
else
	suite=${DEB_IMG_SUITE%-backports}
	BR=$MOVOPS_CACHE/debian/buildroot-$suite
	if [ ! -f "$BR/.movops-complete" ]; then
		command -v mmdebstrap > /dev/null ||
			die "$REL's headers need $cc: a $suite build root needs mmdebstrap (make setup KERNEL=$DEBIAN installs it)"
		echo "movops: making a $suite build root with ${cc##*-linux-gnu-} in $BR (once)" >&2
		rm -rf "$BR.tmp"
		pkg=${cc##*-linux-gnu-}
		mmdebstrap --quiet --variant=essential \
			--include="$pkg,make,pahole,libelf1t64,libssl3t64,zlib1g" "$suite" "$BR.tmp" \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $suite main" >&2 ||
			die "mmdebstrap of $suite failed"
		rm -rf "$BR" && mv "$BR.tmp" "$BR"
		touch "$BR/.movops-complete"
	fi
	# The headers and kbuild of this kernel, at their own paths inside.
	if [ ! -f "$BR/$hdr/.movops-from" ] || [ "$(cat "$BR/$hdr/.movops-from")" != "$VERSION" ]; then
		for deb in "$DIR"/debs/linux-headers-*.deb "$DIR"/debs/linux-kbuild-*.deb; do
			dpkg-deb -x "$deb" "$BR"
		done
		echo "$VERSION" > "$BR/$hdr/.movops-from"
	fi
	chroot "$BR" sh -c "command -v $cc" > /dev/null || die "no $cc in the build root $BR"
	out=$DIR/buildroot
	mkdir -p "$out"
	ln -sfn "$BR" "$out/buildroot"
	ln -sfn "$BR/$hdr" "$out/headers"
fi
ln -sfn "$kimg" "$out/vmlinuz"
# QEMU boots the vmlinux inside the vmlinuz through its PVH entry: the same
# kernel without the 1.5 s its decompressor takes under TCG (and without
# KASLR, which that decompressor arms: as if booted nokaslr). Extracted
# once; where that fails (no PVH entry, no zstd), the vmlinuz boots, and the
# run says why.
if [ ! -f "$DIR/vmlinux" ] && ! python3 "$TOP/scripts/host/pvh-vmlinux.py" "$kimg" "$DIR/vmlinux"; then
	echo "movops: booting $REL's vmlinuz, not its vmlinux through the PVH entry" >&2
fi
if [ -f "$DIR/vmlinux" ]; then
	ln -sfn "$DIR/vmlinux" "$out/image"
else
	ln -sfn "$kimg" "$out/image"
fi
ln -sfn "$mods" "$out/modules"
ln -sfn "$R/$hdr/.config" "$out/config"
ln -sfn config "$out/.config"
echo "$cc" > "$out/cc"
mkdir -p "$BUILD"
ln -sfn "$out" "$BUILD/kernel-$KVER-$DEBIAN"
echo "$out"
