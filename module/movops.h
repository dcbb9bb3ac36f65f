/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops.h - state shared by the movops test module's files, and what
 * each file offers the others.
 */
#ifndef _MOVOPS_H
#define _MOVOPS_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "counters.h"
#include "fixtures.h"
#include "movops_compat.h"

enum mv_inject {
	MV_INJECT_NONE,
	MV_INJECT_BALLOON_FAIL,
	MV_INJECT_ZS_CORRUPT,
};

/*
 * A balloon page we own, found by PFN from the migratepage callback: t.pfn
 * is its current PFN, t.moves its migrations (lib/balloon.c updates both).
 */
struct mv_bpage {
	struct mv_tpage t;		/* in mv_bhash, keyed by t.pfn */
	unsigned long snap_pfn;		/* PFN at the last snapshot */
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
	spinlock_t track_lock;		/* mv_bhash and each mv_bpage.t */

	struct mv_tballoon bdev;	/* the balloon under test */
	struct mv_tballoon ctl_bdev;	/* nonmovable test's control; both */
					/* keep their pages in mv_bhash */
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

/*
 * What each file offers, bottom up: a file calls only files listed above
 * it (docs/how-it-works.md has the graph).
 */

/* debugfs.c: input parsing and the locked-op runners of every write file. */
/* Longest accepted input: "16384 4096\n", "pfn 1048576 8\n", the words. */
#define MV_INPUT_MAX	32
int mv_get_input(const char __user *ubuf, size_t len, char *buf);
int mv_get_uint(const char __user *ubuf, size_t len, unsigned int *val);
ssize_t mv_locked_op(size_t len, int (*op)(void));
ssize_t mv_write_uint_op(const char __user *ubuf, size_t len,
			 int (*op)(unsigned int n));
ssize_t mv_write_word_op(const char __user *ubuf, size_t len,
			 const char *word, int (*op)(void));
ssize_t mv_write_one_op(const char __user *ubuf, size_t len, int (*op)(void));

struct dentry;
struct mv_file {
	const char *name;
	const struct file_operations *fops;
};

void mv_debugfs_files(struct dentry *dir, const struct mv_file *files,
		      unsigned int n);

/* A write-only debugfs file whose handler is mv_<name>_write(). */
#define MV_WO_FOPS(name)						\
static const struct file_operations mv_##name##_fops = {		\
	.owner = THIS_MODULE,						\
	.write = mv_##name##_write,					\
	.llseek = noop_llseek,						\
}

/* A write-only debugfs file taking one unsigned int, run by @fn (locked). */
#define MV_UINT_WO_FOPS(name, fn)					\
static ssize_t mv_##name##_write(struct file *f, const char __user *ubuf,	\
				 size_t len, loff_t *ppos)		\
{									\
	return mv_write_uint_op(ubuf, len, fn);				\
}									\
MV_WO_FOPS(name)

/* A read-only seq_file debugfs file whose show is mv_<name>_show(). */
#define MV_RO_FOPS(name, size)						\
static int mv_##name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open_size(file, mv_##name##_show, NULL, size);	\
}									\
static const struct file_operations mv_##name##_fops = {		\
	.owner = THIS_MODULE,						\
	.open = mv_##name##_open,					\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

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
int mv_release_one(struct mv_tballoon *dev);
struct mv_bpage *mv_bpage_lookup(unsigned long pfn);
int mv_balloon_track(struct page *page, bool ctl, struct mv_bpage *e);
void mv_balloon_untrack(struct mv_bpage *e);
unsigned long mv_bpage_pfn(struct mv_bpage *e, unsigned int *moves);
void mv_balloon_unload_drain(struct balloon_dev_info *dev, const char *name,
			     unsigned int (*held)(void), int (*release)(void));

/* zs.c */
int mv_zs_init(void);
void mv_zs_exit(void);
int mv_zs_alloc(unsigned int n, unsigned int size);
int mv_zs_free(unsigned int n);
bool mv_zs_obj_refresh(struct mv_zobj *o);
void mv_zs_refresh_pfns(bool check);
unsigned int mv_zs_verify(void);
int mv_zs_corrupt(void);
void mv_zs_uncorrupt(void);
unsigned int mv_zs_classes_held(void);
unsigned long mv_zs_pool_pages(void);
size_t mv_zs_huge_size(void);

/* pageblock.c: the pageblock classes counted, and forcing one PFN. */
enum mv_pb_class mv_classify_pageblock(unsigned long pfn);
int mv_force_pfn(unsigned long pfn);
bool mv_ebusy_explained(enum mv_pb_class before, unsigned long pfn);

/* resolve.c: which ops table a page resolves to, set_movable_ops(). */
void mv_check_set_movable_ops(void);
void mv_expect_movable_ops(struct page *page, bool want);
bool mv_ops_direct_ok(struct page *page, bool zs);
void mv_ops_direct_count(unsigned long pfn, bool zs, bool ok);
void mv_check_balloon_page(struct mv_bpage *e);
void mv_check_balloon_ops_direct(struct mv_bpage *e);
void mv_zs_check_ops_direct(void);

/* probes.c */
int mv_probes_init(void);
void mv_probes_exit(void);
int mv_probes_optimized(void);

/* migrate.c: the targeted rounds. */
int mv_migrate_balloon(void);
int mv_migrate_zs(void);

/* nonmovable.c */
int mv_migrate_nonmovable(void);

/* isolate_twice.c */
int mv_migrate_isolate_twice(void);

/* snapshot.c */
void mv_snapshot(void);
unsigned long mv_moved_since_snapshot_balloon(void);
unsigned long mv_moved_since_snapshot_zs(void);

/* compact.c */
int mv_compact_target(unsigned int n);
void mv_compact_target_exit(void);

/* vballoon.c: virtio_balloon's configuration, in the device's 4 KiB units. */
struct mv_vballoon {
	u32 num_pages;		/* the host's target */
	u32 actual;		/* what the driver says it holds */
};

int mv_vballoon_read(struct mv_vballoon *vb);

/* ops.c, status.c: the core debugfs files. */
void mv_ops_init(struct dentry *dir);
int mv_set_inject(int mode);
void mv_status_init(struct dentry *dir);

/* bench.c, bench_block.c */
void mv_bench_init(struct dentry *dir);
int mv_bench_kind_blocks(bool zs, unsigned int least);
int mv_bench_anon_block(unsigned long pfn);
int mv_bench_copy_pages(unsigned int n);
void mv_bench_block_reset(void);
void mv_bench_block_show(struct seq_file *m);
unsigned int mv_bench_our_pfns(bool zs, unsigned long *pfns);
/* Copies per "copy N" at most, and the working set they cycle over. */
#define MV_BENCH_COPY_MAX	BIT(20)
#define MV_BENCH_COPY_SET	512

/* hotadd.c: add_memory() of MIB MiB at START (0 MiB: nothing) */
int mv_hotadd(u64 start, unsigned int mib);

/* census.c */
void mv_census_init(struct dentry *dir);
void mv_census_exit(void);

/* stress.c */
int mv_stress_init(struct dentry *dir);
void mv_stress_exit(struct mv_left *left);

#endif /* _MOVOPS_H */
