# shellcheck shell=sh
# Paths shared by the host scripts. Sourced; callers may preset any of them.
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${KVER:=7.3}"
: "${FLAVOR:=default}"
# Downloads and kernel builds live outside the clone so that a second clone
# reuses them; nothing requires them to be there.
: "${MOVOPS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/movops}"
: "${BUILD:=$TOP/build}"
: "${RESULTS:=$BUILD/results/$KVER}"

die() {
	echo "movops: $*" >&2
	exit 1
}

# apt on a private sources list and state directory ($APT), through the
# Debian mirror this machine is already configured for, so the machine's
# own apt setup is left alone.  apt_private "deb SUITE" ["deb-src SUITE"]
# writes $APT/sources.list (and sets MIRROR); aptq TOOL ARGS runs apt on it.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f"
	done
}
apt_private() {
	MIRROR=$(apt_mirror | grep -v -e security -e '^cdrom' | grep '/debian/*$' | head -n 1)
	[ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt sources"
	mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/parts" "$APT/cache"
	: > "$APT/status"
	: > "$APT/sources.list"
	for line in "$@"; do
		set -- $line
		printf '%s [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$1" "$MIRROR" "$2" >> "$APT/sources.list"
	done
}
aptq() {
	tool=$1
	shift
	"$tool" -q -o Dir::Etc::SourceList="$APT/sources.list" \
		-o Dir::Etc::SourceParts="$APT/parts" \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APT/parts" \
		-o Dir::State::Lists="$APT/lists" -o Dir::State::status="$APT/status" \
		-o Dir::Cache="$APT/cache" -o Dir::Cache::Archives="$APT/archives" \
		-o APT::Sandbox::User=root -o Acquire::Retries=3 "$@"
}
# apt_update KIND: refresh the index (KIND: Packages or Sources) at most once
# a day (a stamp: apt keeps an unchanged list's old mtime); an offline re-run
# uses what it has.
apt_update() {
	[ -z "$(find "$APT/lists/.movops-updated" -mtime -1 2>/dev/null)" ] || return 0
	if aptq apt-get update >&2; then
		touch "$APT/lists/.movops-updated"
	else
		[ -n "$(ls "$APT/lists" | grep "$1")" ]
	fi
}
