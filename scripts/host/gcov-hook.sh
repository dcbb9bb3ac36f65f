#!/bin/sh
# Mark the movable_ops objects for gcov profiling in a kernel tree, or take
# the marks out. Usage: gcov-hook.sh install|uninstall|status KSRC
# install appends marked GCOV_PROFILE_<obj>.o := y lines to KSRC/mm/Makefile;
# uninstall removes exactly those. Idempotent. The lines only act in a
# CONFIG_GCOV_KERNEL=y build: other builds of the tree see no change.
set -eu
. "$(dirname "$0")/common.sh"
action=${1:?usage: gcov-hook.sh install|uninstall|status KSRC}
tree=${2:?usage: gcov-hook.sh install|uninstall|status KSRC}
mk=$tree/mm/Makefile
[ -f "$mk" ] || die "$tree is not a kernel source tree (no mm/Makefile)"
MARK="# movops-gcov-hook"
OBJS="migrate.o balloon.o zsmalloc.o compaction.o"

case $action in
install)
	grep -q "^$MARK" "$mk" || {
		echo "$MARK begin"
		for o in $OBJS; do printf 'GCOV_PROFILE_%s := y\n' "$o"; done
		echo "$MARK end"
	} >> "$mk"
	;;
uninstall)
	! grep -q "^$MARK" "$mk" || sed -i "/^$MARK begin/,/^$MARK end/d" "$mk"
	;;
status)
	if grep -q "^$MARK" "$mk"; then echo "hooked: $OBJS"; else echo "not hooked"; exit 1; fi
	;;
*)	die "unknown action $action" ;;
esac
