#!/bin/sh
# Build the static guest helpers (rebuilt when changed) and copy them to
# DIR: anon-bench (make bench's anonymous-page side), fuzz (make fuzz's
# hostile-input writer) and zblk (the zram data writer and checker of
# scenario-real.sh). Shared by the initramfs and the kselftest package.
# They are built for the guest's architecture (ARCH, scripts/host/arch.sh) with
# its cross compiler. "guest-tools.sh --busybox" prints the guest's static
# busybox instead: the host's busybox-static on x86_64, else Debian's
# busybox-static package of the guest's architecture, downloaded once
# through the machine's own apt mirror (a private apt state, as
# fetch-kernel.sh does) into MOVOPS_CACHE.
# Usage: guest-tools.sh DIR | --busybox
set -eu
. "$(dirname "$0")/common.sh"

if [ "${1:-}" = --busybox ]; then
	if [ "$DEB_ARCH" = amd64 ]; then
		echo /bin/busybox
		exit 0
	fi
	bb=$MOVOPS_CACHE/busybox/$DEB_ARCH/busybox
	if [ ! -x "$bb" ]; then
		suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
		APT=$MOVOPS_CACHE/apt/$suite-$DEB_ARCH
		mkdir -p "$MOVOPS_CACHE/apt"
		exec 8> "$APT.lock"
		flock 8
		apt_private "deb $suite"
		aptq() {
			tool=$1
			shift
			"$tool" -q -o APT::Architecture="$DEB_ARCH" -o APT::Architectures="$DEB_ARCH" \
				-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts="$APT/parts" \
				-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APT/parts" \
				-o Dir::State::Lists="$APT/lists" -o Dir::State::status="$APT/status" \
				-o Dir::Cache="$APT/cache" -o Dir::Cache::Archives="$APT/archives" \
				-o APT::Sandbox::User=root -o Acquire::Retries=3 "$@"
		}
		apt_update Packages || die "apt could not read $suite ($DEB_ARCH) from $MIRROR"
		rm -f "$APT/archives/"busybox-static_*.deb
		(cd "$APT/archives" && aptq apt-get download "busybox-static:$DEB_ARCH" >&2) ||
			die "download of busybox-static:$DEB_ARCH failed"
		x=$(mktemp -d)
		dpkg-deb -x "$APT/archives/"busybox-static_*.deb "$x"
		mkdir -p "$(dirname "$bb")"
		mv "$x/bin/busybox" "$bb.tmp" && mv "$bb.tmp" "$bb"
		rm -rf "$x" "$APT/archives/"busybox-static_*.deb
	fi
	echo "$bb"
	exit 0
fi

dir=${1:?usage: guest-tools.sh DIR | --busybox}
gdir=$BUILD/guest
[ "$DEB_ARCH" = amd64 ] || gdir=$BUILD/guest-$DEB_ARCH
mkdir -p "$gdir" "$dir"
cc=${CC:-${CROSS_COMPILE}gcc}
for prog in anon-bench fuzz zblk; do
	bin=$gdir/$prog src=$TOP/scripts/guest/$prog.c
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		$cc -static -O2 -Wall -o "$bin.$$" "$src" ||
			die "cannot build scripts/guest/$prog.c statically with $cc (libc6-dev; cross: libc6-dev-$DEB_ARCH-cross)"
		mv "$bin.$$" "$bin"
	fi
	cp "$bin" "$dir/"
done
