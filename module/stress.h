/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress.h - what stress.c (the interface: start, stop, drain) and
 * stress_work.c (the stress balloon, the stress pool and the kthreads
 * that churn and migrate them) share.  stress_work.c calls nothing in
 * stress.c.
 */
#ifndef _MOVOPS_STRESS_H
#define _MOVOPS_STRESS_H

#include <linux/atomic.h>
#include <linux/notifier.h>

#include "movops.h"

#define MS_MAX_MIGRATORS	16
#define MS_BATCH		64
#define MS_HASH_BITS		12
#define MS_ZS_GFP	(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN | \
			 __GFP_HIGHMEM | __GFP_MOVABLE)
/* Waits a drain gives an isolated page to come back (mv_tballoon_dequeue()). */
#define MS_DRAIN_TRIES	5000
/* How long a drain waits for zsmalloc's deferred zspage frees (ms). */
#define MS_POOL_SETTLE_MS	5000

enum ms_counter {
#define MS_COUNTER(name)	MS_##name
#include "stress_counter_list.h"
#undef MS_COUNTER
	MS_NR
};

/* A balloon page of the stress device, found by PFN from the callback. */
struct ms_bpage {
	struct mv_tpage t;		/* t.pfn: its current PFN */
	unsigned int idx;		/* slot in ms.pages[] */
};

struct ms_zobj {
	unsigned long handle;
	u32 id;
	u32 size;
};

struct ms_state {
	struct mutex ctl;		/* start/stop/drain, the thread list */
	bool running;
	u64 t_start, t_stop;		/* ktime_get_ns() */
	struct task_struct *threads[MS_MAX_MIGRATORS + 3];
	unsigned int nthreads;
	unsigned int bwant, zwant;	/* targets of this run */

	spinlock_t lock;		/* hash, pages[], n */
	struct mv_tballoon bdev;
	struct ms_bpage **pages;	/* bwant of them, from "start" */
	unsigned int n;
	atomic_t enoent_req;		/* deflates owed by the next migrations */

	struct mutex zlock;		/* zobjs[], zn, next_id */
	struct zs_pool *pool;
	struct ms_zobj *zobjs;		/* zwant of them, from "start" */
	unsigned int zn;
	u32 next_id;
	u8 *zbuf;			/* 3 pages: data, expected, bounce */
};

extern struct ms_state ms;
extern atomic_long_t ms_c[MS_NR];

static inline void ms_inc(enum ms_counter c)
{
	atomic_long_inc(&ms_c[c]);
}

/* stress_work.c */
extern struct notifier_block ms_oom_nb;
void ms_balloon_init(void);
unsigned int ms_held(void);
int ms_deflate_one(unsigned int waits);
bool ms_zs_check(struct ms_zobj *o, u8 *buf);
void ms_zs_free_one(unsigned int i, u8 *buf);
int ms_balloon_fn(void *arg);
int ms_zs_fn(void *arg);
int ms_compact_fn(void *arg);
int ms_migrate_fn(void *arg);

#endif /* _MOVOPS_STRESS_H */
