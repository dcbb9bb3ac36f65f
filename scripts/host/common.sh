# shellcheck shell=sh
# Paths shared by the host scripts. Sourced; callers may preset any of them.
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${KVER:=7.3}"
: "${FLAVOR:=default}"
# Downloads and kernel builds live outside the clone so that a second clone
# reuses them; nothing requires them to be there.
: "${MOVOPS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/movops}"
: "${BUILD:=$TOP/build}"
# The guest architecture (ARCH, PAGE_SIZE): the one table in arch.sh.
. "$TOP/scripts/host/arch.sh"
[ -n "$KARCH" ] || exit 2
: "${RESULTS:=$BUILD/results/$KVER$ATAG}"

die() {
	echo "movops: $*" >&2
	exit 1
}

# apt on a private sources list and state directory ($APT), through the
# Debian mirror this machine is already configured for, so the machine's
# own apt setup is left alone.  apt_private "deb SUITE" ["deb-src SUITE"]
# writes $APT/sources.list (and sets MIRROR); aptq TOOL ARGS runs apt on it.
# module_sources [FILE...]: every source file of movops.ko and the KUnit
# suite (the set sync-src.sh copies), a line each: the sha256 of its
# contents and its name, in a fixed order, for a key of what a module build
# reads (modules-cache.sh, modules-stamp.sh); FILEs come after kunit/*. One
# sha256sum for all: every warm make run computes it.
module_sources() (
	cd "$TOP" || exit 1
	first=1
	for f in Kbuild module/* kunit/* "$@" lib/*; do
		# The list is expanded: "$@" now collects the files.
		[ -z "$first" ] || { set --; first=; }
		case $f in
		*.mod.c) continue ;;
		*.[ch] | *.mk | */Kbuild | */Kconfig | */.kunitconfig | Kbuild) ;;
		*) continue ;;
		esac
		[ -f "$f" ] || continue
		set -- "$@" "$f"
	done
	[ -n "$first" ] || [ $# -eq 0 ] || sha256sum -- "$@"
)

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

# progress WHAT [--objects|--new-objects DIR [--total N]] -- CMD [ARG...]
# Run CMD (a command or a shell function) in the foreground; meanwhile print
# on stderr, every PROGRESS_S seconds (default 10), "movops: WHAT: ...,
# elapsed 1m20s". With --objects the line counts the .o files under DIR
# (with --new-objects only those written since the start), out of about N
# when N is given. Returns CMD's status.
# A CMD that ends before the first tick prints nothing: a fast step is quiet.
# The ticker stops within a second when the calling script is gone.
progress() (
	what=$1
	shift
	dir='' total='' new=''
	while [ $# -gt 0 ]; do
		case $1 in
		--objects) dir=$2 new=''; shift 2 ;;
		--new-objects) dir=$2 new=1; shift 2 ;;
		--total) total=$2; shift 2 ;;
		--) shift; break ;;
		*) die "progress: unknown option $1" ;;
		esac
	done
	every=${PROGRESS_S:-10}
	start=$(date +%s)
	marker=
	if [ -n "$dir" ]; then
		marker=$dir/.movops-progress-start
		: > "$marker"
		# Counting every object: a marker older than all of them.
		[ -n "$new" ] || touch -d @0 "$marker"
	fi
	main=$$
	(
		next=$((start + every))
		while sleep 1 && kill -0 "$main" 2>/dev/null; do
			now=$(date +%s)
			[ "$now" -ge "$next" ] || continue
			next=$((next + every))
			progress_line "$what" "$start" "$marker" "$total"
		done
	) &
	ticker=$!
	trap 'kill "$ticker" 2>/dev/null || :' EXIT
	rc=0
	"$@" || rc=$?
	kill "$ticker" 2>/dev/null || :
	wait "$ticker" 2>/dev/null || :
	[ -z "$marker" ] || rm -f "$marker"
	return $rc
)
progress_line() {
	s=$(($(date +%s) - $2))
	if [ "$s" -ge 60 ]; then
		s=$(printf '%dm%02ds' $((s / 60)) $((s % 60)))
	else
		s=${s}s
	fi
	if [ -z "$3" ]; then
		echo "movops: $1: elapsed $s" >&2
		return
	fi
	n=$(find "$(dirname "$3")" -name '*.o' -newer "$3" 2>/dev/null | wc -l)
	if [ -n "$4" ] && [ "$4" -ge "$n" ]; then
		echo "movops: $1: $n of ~$4 objects ($((n * 100 / $4))%), elapsed $s" >&2
	else
		echo "movops: $1: $n objects, elapsed $s" >&2
	fi
}
