/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops.h - state shared by the movops test module's files.
 */
#ifndef _MOVOPS_H
#define _MOVOPS_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "movops_compat.h"

/*
 * Event counters: zeroed by "reset".  Values that describe the current
 * state (pages held, last round, ...) are computed when "counters" is read.
 * Each has its name in mv_counter_names[] (main.c) and a row in docs/interface.md.
 */
enum mv_counter {
	MV_C_balloon_inflated,
	MV_C_balloon_inflated_contig,
	MV_C_balloon_deflated,
	MV_C_balloon_dequeue_retries,
	MV_C_balloon_migrate_tries,
	MV_C_balloon_migrated,
	MV_C_balloon_ebusy,
	MV_C_balloon_ebusy_explained,
	MV_C_balloon_ebusy_unexplained,
	MV_C_balloon_not_moved,
	MV_C_balloon_errors,
	MV_C_balloon_callback_calls,
	MV_C_balloon_callback_foreign,
	MV_C_balloon_callback_bad_src,
	MV_C_balloon_callback_refused,
	MV_C_balloon_enoent,
	MV_C_zs_allocated,
	MV_C_zs_freed,
	MV_C_zs_migrate_tries,
	MV_C_zs_migrated,
	MV_C_zs_ebusy,
	MV_C_zs_ebusy_explained,
	MV_C_zs_ebusy_unexplained,
	MV_C_zs_errors,
	MV_C_zs_objects_moved,
	MV_C_zs_objects_not_moved,
	MV_C_zs_verified,
	MV_C_zs_verify_fail,
	MV_C_zs_corrupted,
	MV_C_nonmovable_tries,
	MV_C_nonmovable_ebusy,
	MV_C_nonmovable_moved,
	MV_C_nonmovable_errors,
	MV_C_nonmovable_ops_calls,
	MV_C_nonmovable_control_migrated,
	MV_C_nonmovable_control_failed,
	MV_C_nonmovable_setup_failed,
	MV_C_has_movable_ops_checked,
	MV_C_has_movable_ops_bad,
	MV_C_ops_direct_checked,
	MV_C_ops_direct_bad,
	MV_C_probe_balloon_isolate,
	MV_C_probe_balloon_migrate,
	MV_C_probe_balloon_putback,
	MV_C_probe_zs_isolate,
	MV_C_probe_zs_migrate,
	MV_C_probe_zs_putback,
	MV_C_probe_all_balloon_isolate,
	MV_C_probe_all_balloon_migrate,
	MV_C_probe_all_balloon_putback,
	MV_C_probe_all_zs_isolate,
	MV_C_probe_all_zs_migrate,
	MV_C_probe_all_zs_putback,
	MV_C_probe_cmm_migratepage,
	MV_C_ops_mismatch,
	MV_C_clean_pageblocks,
	MV_C_dirty_pageblocks,
	MV_C_dirty_pageblocks_reserved,
	MV_C_dirty_pageblocks_unmovable,
	MV_C_dirty_pageblocks_hole,
	MV_C_snapshots,
	MV_NR_COUNTERS
};

extern atomic_long_t mv_counters[MV_NR_COUNTERS];

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

enum mv_inject {
	MV_INJECT_NONE,
	MV_INJECT_BALLOON_FAIL,
	MV_INJECT_ZS_CORRUPT,
};

/* Result of classifying the pageblock around a PFN before a migration. */
enum mv_pb_class {
	MV_PB_CLEAN,
	MV_PB_RESERVED,		/* a PageReserved page: isolation must fail */
	MV_PB_UNMOVABLE,	/* an unmovable page outside ZONE_MOVABLE */
	MV_PB_HOLE,		/* offline/missing page or zone boundary */
};

/* A balloon page we own, found by PFN from the migratepage callback. */
struct mv_bpage {
	struct hlist_node node;		/* mv_bhash, keyed by pfn */
	unsigned long pfn;		/* current PFN, updated by the callback */
	unsigned long snap_pfn;		/* PFN at the last snapshot */
	unsigned int moves;		/* callback successes for this page */
	unsigned int snap_moves;
	unsigned int idx;		/* slot in mv.bpages[] */
	bool ctl;			/* control page of the nonmovable test */
};

/* A zsmalloc object we own. */
struct mv_zobj {
	unsigned long handle;
	unsigned long pfn[2];		/* page(s) holding it, last refresh */
	unsigned long snap_pfn[2];
	unsigned int id;
	unsigned int size;
};

#define MV_CT_MAX	8

struct mv_state {
	struct mutex lock;		/* all state below except the hash */
	spinlock_t track_lock;		/* mv_bhash and mv_bpage.pfn/moves */

	struct balloon_dev_info bdev;	/* the balloon under test */
	struct balloon_dev_info ctl_bdev;	/* nonmovable test's control */
	struct mv_bpage **bpages;	/* held balloon pages, dense */
	unsigned int bheld;
	unsigned int ctl_held;		/* pages of ctl_bdev (track_lock) */
	unsigned int bcap;

	struct zs_pool *pool;
	struct mv_zobj *zobjs;		/* held objects, dense */
	unsigned int zheld;
	unsigned int zcap;
	unsigned int next_id;
	int corrupted;			/* index of the corrupted object or -1 */
	void *buf_a;			/* PAGE_SIZE scratch buffers */
	void *buf_b;

	int inject;			/* enum mv_inject, read by the callback */
	unsigned long zs_target_pfn;	/* PFN under targeted zs migration */
	unsigned long nonmovable_pfn;	/* PFN of the ops-less offline page */

	/* Figures of the last targeted round, per type. */
	unsigned long last_balloon_targets, last_balloon_clean;
	unsigned long last_balloon_migrated;
	unsigned long last_zs_targets, last_zs_clean, last_zs_migrated;
	unsigned long last_zs_objects, last_zs_objects_moved;
	unsigned long last_zs_movable_zone;
	int last_balloon_error, last_zs_error;	/* last errno other than -EBUSY */

	/* set_movable_ops() checks, done once at load. */
	bool smo_checked;
	int smo_bad;
	int smo_offline_ret, smo_zsmalloc_ret, smo_other_ret;

	bool has_snapshot;
	int probes;
	int cmm_probe;		/* the kprobe on cmm_migratepage is in place */

	/* Pageblocks held half-free at the zone top as compaction targets. */
	unsigned long ct_pfn[MV_CT_MAX];
	unsigned int ct_n;
};

extern struct mv_state mv;

#define MV_BHASH_BITS	12
extern DECLARE_HASHTABLE(mv_bhash, MV_BHASH_BITS);

/* balloon.c */
/* Our balloon pages still there after the unload drains (0 when sound). */
struct mv_left {
	unsigned int balloon;		/* mv.bdev, by our records */
	unsigned int control;		/* mv.ctl_bdev, by our records */
	unsigned int stress;		/* the stress balloon, by its records */
	unsigned long isolated;		/* the three devices' isolated_pages */
};

int mv_balloon_init(void);
void mv_balloon_exit(struct mv_left *left);
int mv_inflate(unsigned int n);
int mv_inflate_contig(unsigned int n);
int mv_deflate(unsigned int n);
int mv_release_one(struct balloon_dev_info *dev);
struct mv_bpage *mv_bpage_lookup(unsigned long pfn);
int mv_balloon_track(struct page *page, struct balloon_dev_info *dev,
		     bool ctl, struct mv_bpage *e);
void mv_balloon_untrack(struct mv_bpage *e);
unsigned long mv_bpage_pfn(struct mv_bpage *e, unsigned int *moves);
void mv_balloon_unload_drain(struct balloon_dev_info *dev, const char *name,
			     unsigned int (*held)(void), int (*release)(void));

/* zs.c */
int mv_zs_init(void);
void mv_zs_exit(void);
int mv_zs_alloc(unsigned int n, unsigned int size);
int mv_zs_free(unsigned int n);
void mv_zs_refresh_pfns(bool check);
void mv_zs_check_ops_direct(void);
unsigned int mv_zs_verify(void);
int mv_zs_corrupt(void);
void mv_zs_uncorrupt(void);
unsigned int mv_zs_classes_held(void);
unsigned long mv_zs_pool_pages(void);
size_t mv_zs_huge_size(void);

/* migrate.c */
enum mv_pb_class mv_classify_pageblock(unsigned long pfn);
int mv_migrate_balloon(void);
int mv_migrate_zs(void);
int mv_migrate_nonmovable(void);
void mv_snapshot(void);
unsigned long mv_moved_since_snapshot_balloon(void);
unsigned long mv_moved_since_snapshot_zs(void);
void mv_check_set_movable_ops(void);
bool mv_ops_direct_ok(struct page *page, bool zs);
void mv_ops_direct_count(unsigned long pfn, bool zs, bool ok);
int mv_compact_target(unsigned int n);
void mv_compact_target_exit(void);

/* bench.c */
struct dentry;
void mv_bench_init(struct dentry *dir);

/* census.c */
struct dentry;
void mv_census_init(struct dentry *dir);
void mv_census_exit(void);

/* stress.c */
struct dentry;
int mv_stress_init(struct dentry *dir);
void mv_stress_exit(struct mv_left *left);

/* probes.c */
int mv_probes_init(void);
void mv_probes_exit(void);

/* Longest accepted input: "16384 4096\n", "pfn 1048576 8\n", the words. */
#define MV_INPUT_MAX	32
int mv_get_input(const char __user *ubuf, size_t len, char *buf);
ssize_t mv_write_word_op(const char __user *ubuf, size_t len,
			 const char *word, int (*op)(void));

/* A write-only debugfs file whose handler is mv_<name>_write(). */
#define MV_WO_FOPS(name)						\
static const struct file_operations mv_##name##_fops = {		\
	.owner = THIS_MODULE,						\
	.write = mv_##name##_write,					\
	.llseek = noop_llseek,						\
}

#endif /* _MOVOPS_H */
