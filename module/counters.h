/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the event counters of movops.ko (the list: counter_list.h).
 * Zeroed by "reset"; values that describe the current state (pages held,
 * the last round, ...) are computed when "counters" is read (status.c).
 */
#ifndef _MOVOPS_COUNTERS_H
#define _MOVOPS_COUNTERS_H

#include <linux/atomic.h>

enum mv_counter {
#define MV_COUNTER(name)	MV_C_##name
#include "counter_list.h"
#undef MV_COUNTER
	MV_NR_COUNTERS
};

extern atomic_long_t mv_counters[MV_NR_COUNTERS];
extern const char * const mv_counter_names[MV_NR_COUNTERS];

static inline void mv_add(enum mv_counter c, long v)
{
	atomic_long_add(v, &mv_counters[c]);
}

static inline void mv_inc(enum mv_counter c)
{
	atomic_long_inc(&mv_counters[c]);
}

static inline long mv_read(enum mv_counter c)
{
	return atomic_long_read(&mv_counters[c]);
}

#endif /* _MOVOPS_COUNTERS_H */
