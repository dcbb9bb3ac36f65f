#!/bin/sh
# Hook the movops KUnit suite into a kernel tree, or take the hook out.
# Usage: kunit-hook.sh install|uninstall|status KSRC [DIR]
# install: a symlink KSRC/movops -> DIR (default: this repo's kunit/), plus
# marked lines in KSRC/Kconfig and KSRC/Kbuild; uninstall removes exactly
# those. Idempotent.
set -eu
. "$(dirname "$0")/../host/common.sh"
action=${1:?usage: kunit-hook.sh install|uninstall|status KSRC}
tree=${2:?usage: kunit-hook.sh install|uninstall|status KSRC}
[ -f "$tree/Kconfig" ] && [ -f "$tree/Kbuild" ] || die "$tree is not a kernel source tree"
target=${3:-$TOP/kunit}
MARK="# movops-kunit-hook"

unhook() {
	for f in "$tree/Kconfig" "$tree/Kbuild"; do
		if grep -q "^$MARK" "$f"; then
			sed -i "/^$MARK begin/,/^$MARK end/d" "$f"
		fi
	done
	[ ! -L "$tree/movops" ] || rm -f "$tree/movops"
}

case $action in
install)
	[ ! -e "$tree/movops" ] || [ -L "$tree/movops" ] ||
		die "$tree/movops exists and is not our symlink"
	[ "$(readlink "$tree/movops" 2>/dev/null)" = "$target" ] ||
		ln -sfn "$target" "$tree/movops"
	grep -q "^$MARK" "$tree/Kconfig" ||
		printf '%s begin\nsource "movops/Kconfig"\n%s end\n' "$MARK" "$MARK" >> "$tree/Kconfig"
	grep -q "^$MARK" "$tree/Kbuild" ||
		printf '%s begin\nobj-y\t\t\t+= movops/\n%s end\n' "$MARK" "$MARK" >> "$tree/Kbuild"
	;;
uninstall)
	unhook
	;;
status)
	if [ -L "$tree/movops" ] && grep -q "^$MARK" "$tree/Kconfig" && grep -q "^$MARK" "$tree/Kbuild"; then
		echo "hooked -> $(readlink "$tree/movops")"
	else
		echo "not hooked"
		exit 1
	fi
	;;
*)	die "unknown action $action" ;;
esac
