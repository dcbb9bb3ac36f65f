/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixtures.h - the fixture library movops.ko and the KUnit suite share
 * (lib/): one source, compiled into each module through its lib.c, so
 * that a fix lands once.
 */
#ifndef _MOVOPS_FIXTURES_H
#define _MOVOPS_FIXTURES_H

#include <linux/completion.h>
#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

#include "movops_compat.h"

/*
 * The CPU that the per-CPU base names when it is not the one the scheduler
 * runs @me (current) on; -1 when it is.  raw_smp_processor_id() is read
 * through the base (ppc64: r13, the paca), task_cpu() from the task, where
 * it stays put while the task runs.  The base is read on both sides of
 * task_cpu(): a migration between the reads changes them and is not
 * reported.  Nothing per-CPU is written and interrupts stay as they are
 * (both would go through the base under test).  A path that restores a
 * stale base after its task moved to another CPU (ppc64's optprobe
 * trampoline: docs/architectures.md) shows here until the next interrupt.
 */
static inline int mv_percpu_base_off(struct task_struct *me)
{
	int a, b, t;

	a = raw_smp_processor_id();
	barrier();
	t = task_cpu(me);
	barrier();
	b = raw_smp_processor_id();
	return a == b && a != t ? a : -1;
}

/* pfn.c: pageblocks, and taking one PFN. */

/* What the pageblock around a PFN holds, as isolation would see it. */
enum mv_pb_class {
	MV_PB_CLEAN,
	MV_PB_RESERVED,		/* a PageReserved page: isolation must fail */
	MV_PB_UNMOVABLE,	/* an unmovable page outside ZONE_MOVABLE */
	MV_PB_HOLE,		/* offline/missing page or zone boundary */
};

enum mv_pb_class mv_pageblock_class(unsigned long pfn);
bool mv_pageblock_whole(unsigned long pfn);
bool mv_in_movable_zone(unsigned long pfn);
int mv_take_range(unsigned long start, unsigned long nr, gfp_t gfp);
int mv_take_pfn(unsigned long pfn, gfp_t gfp);
struct zone;
struct page *mv_clean_range_in_zone(struct zone *zone, unsigned long nr,
				    gfp_t gfp);
unsigned int mv_half_used_pageblocks(struct zone *zone, unsigned long floor,
				     unsigned long *pfns, unsigned int n,
				     unsigned int tries);
void mv_half_used_release(const unsigned long *pfns, unsigned int n);

/* Sort @v[0..n) and drop repeats; returns how many are left. */
unsigned int mv_sort_unique(unsigned long *v, unsigned int n);
bool mv_sorted_has(const unsigned long *set, unsigned int n,
		   unsigned long pfn);

/* pattern.c: what every zsmalloc object holds. */
#define MV_PATTERN_MIN	8
void mv_pattern_fill(u8 *p, u32 id, u32 size);
bool mv_pattern_ok(const u8 *got, u32 id, u32 size, u8 *want);

/*
 * balloon.c: a balloon device that tracks its pages by PFN.  The owner
 * embeds a struct mv_tpage in each record and answers every callback.
 */
struct mv_tpage {
	struct hlist_node node;		/* in the device's hash, by pfn */
	unsigned long pfn;		/* current PFN, 0 once gone */
	unsigned int moves;		/* migrations the device allowed */
};

struct mv_tballoon;
/*
 * The owner's answer to one callback, under its lock: @e is its record of
 * @page, NULL for a page it never enqueued (which must be refused).  0
 * lets the page move (the record follows it to @newpage), -ENOENT deflates
 * it (the owner forgets @e itself), anything else refuses.
 */
typedef int (*mv_tballoon_answer)(struct mv_tballoon *tb, struct mv_tpage *e,
				  struct page *page, struct page *newpage);

struct mv_tballoon {
	struct balloon_dev_info b;	/* handed to the balloon core */
	spinlock_t *lock;		/* the owner's: hash and records */
	struct hlist_head *hash;
	unsigned int hash_bits;
	mv_tballoon_answer answer;
};

void mv_tballoon_init(struct mv_tballoon *tb, spinlock_t *lock,
		      struct hlist_head *hash, unsigned int bits,
		      mv_tballoon_answer answer);
struct mv_tpage *mv_tballoon_lookup(struct mv_tballoon *tb, unsigned long pfn);
void mv_tballoon_track(struct mv_tballoon *tb, struct mv_tpage *e,
		       unsigned long pfn);
void mv_tballoon_forget(struct mv_tballoon *tb, struct mv_tpage *e);
/* One wait of mv_tballoon_dequeue() for an isolated page to come back. */
#define MV_DEQUEUE_WAIT_MIN_US	200
#define MV_DEQUEUE_WAIT_MAX_US	1000
size_t mv_tballoon_dequeue(struct mv_tballoon *tb, struct list_head *out,
			   size_t want, unsigned int waits,
			   unsigned int (*held)(struct mv_tballoon *tb),
			   unsigned int *waited);

/*
 * race.c: run one side on each of two CPUs, a kthread each, and wait for
 * both.  *@a_task is A's task from before either side runs until both
 * ended (for probes that must know A), NULL after.  The kthreads are
 * named @name_a and @name_b.
 */
struct mv_race_side {
	void (*fn)(void *data);
	void *data;
	struct completion fin;
};

int mv_race_run(struct mv_race_side *a, struct mv_race_side *b, int cpu_a,
		int cpu_b, const char *name, struct task_struct **a_task);

#endif /* _MOVOPS_FIXTURES_H */
