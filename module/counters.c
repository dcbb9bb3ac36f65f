// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - the module's state and its event counters, with their
 * names (counter_list.h).  Data only: it calls no other file.
 */
#include "movops.h"

struct mv_state mv;
atomic_long_t mv_counters[MV_NR_COUNTERS];

const char * const mv_counter_names[MV_NR_COUNTERS] = {
#define MV_COUNTER(name)	#name
#include "counter_list.h"
#undef MV_COUNTER
};
