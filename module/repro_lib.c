// SPDX-License-Identifier: GPL-2.0
/* repro_lib.c - the version shims of lib/, compiled into movops_repro.ko. */
#include "../lib/compat.c"
#include "../lib/pfn.c"
#include "../lib/race.c"
