// SPDX-License-Identifier: GPL-2.0
/*
 * lib.c - the library this module shares with the other (lib/): the same
 * source compiled into movops.ko and movops_kunit.ko, so a fix lands once.
 */
#include "../lib/balloon.c"
#include "../lib/compat.c"
#include "../lib/pattern.c"
#include "../lib/pfn.c"
#include "../lib/race.c"
