// SPDX-License-Identifier: GPL-2.0
/*
 * movops - test module for the movable_ops page migration paths.
 *
 * It owns balloon-typed pages (a balloon device of its own) and
 * zsmalloc-typed pages (a pool of its own), forces their migration, and
 * counts the evidence that each page was resolved to the right
 * movable_operations and moved intact.  Interface: debugfs, movops/.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "movops.h"

static unsigned int max_balloon_pages = 16384;
module_param(max_balloon_pages, uint, 0444);
MODULE_PARM_DESC(max_balloon_pages,
		 "Most balloon pages held (also capped to 1/4 of RAM)");

static unsigned int max_zs_objects = 16384;
module_param(max_zs_objects, uint, 0444);
MODULE_PARM_DESC(max_zs_objects,
		 "Most zsmalloc objects held (also capped to 1/4 of RAM in pages)");

/* A test of the test: the runner's kmemleak check must catch this. */
static unsigned int leak_on_unload;
module_param(leak_on_unload, uint, 0644);
MODULE_PARM_DESC(leak_on_unload,
		 "Test of the test: objects allocated and dropped at unload (kmemleak_clean must fail)");

struct mv_state mv;
atomic_long_t mv_counters[MV_NR_COUNTERS];

static const char * const mv_counter_names[MV_NR_COUNTERS] = {
	[MV_C_balloon_inflated] = "balloon_inflated",
	[MV_C_balloon_inflated_contig] = "balloon_inflated_contig",
	[MV_C_balloon_deflated] = "balloon_deflated",
	[MV_C_balloon_dequeue_retries] = "balloon_dequeue_retries",
	[MV_C_balloon_migrate_tries] = "balloon_migrate_tries",
	[MV_C_balloon_migrated] = "balloon_migrated",
	[MV_C_balloon_ebusy] = "balloon_ebusy",
	[MV_C_balloon_ebusy_explained] = "balloon_ebusy_explained",
	[MV_C_balloon_ebusy_unexplained] = "balloon_ebusy_unexplained",
	[MV_C_balloon_not_moved] = "balloon_not_moved",
	[MV_C_balloon_errors] = "balloon_errors",
	[MV_C_balloon_callback_calls] = "balloon_callback_calls",
	[MV_C_balloon_callback_foreign] = "balloon_callback_foreign",
	[MV_C_balloon_callback_bad_src] = "balloon_callback_bad_src",
	[MV_C_balloon_callback_refused] = "balloon_callback_refused",
	[MV_C_balloon_enoent] = "balloon_enoent",
	[MV_C_zs_allocated] = "zs_allocated",
	[MV_C_zs_freed] = "zs_freed",
	[MV_C_zs_migrate_tries] = "zs_migrate_tries",
	[MV_C_zs_migrated] = "zs_migrated",
	[MV_C_zs_ebusy] = "zs_ebusy",
	[MV_C_zs_ebusy_explained] = "zs_ebusy_explained",
	[MV_C_zs_ebusy_unexplained] = "zs_ebusy_unexplained",
	[MV_C_zs_errors] = "zs_errors",
	[MV_C_zs_objects_moved] = "zs_objects_moved",
	[MV_C_zs_objects_not_moved] = "zs_objects_not_moved",
	[MV_C_zs_verified] = "zs_verified",
	[MV_C_zs_verify_fail] = "zs_verify_fail",
	[MV_C_zs_corrupted] = "zs_corrupted",
	[MV_C_nonmovable_tries] = "nonmovable_tries",
	[MV_C_nonmovable_ebusy] = "nonmovable_ebusy",
	[MV_C_nonmovable_moved] = "nonmovable_moved",
	[MV_C_nonmovable_errors] = "nonmovable_errors",
	[MV_C_nonmovable_ops_calls] = "nonmovable_ops_calls",
	[MV_C_nonmovable_control_migrated] = "nonmovable_control_migrated",
	[MV_C_nonmovable_control_failed] = "nonmovable_control_failed",
	[MV_C_nonmovable_setup_failed] = "nonmovable_setup_failed",
	[MV_C_has_movable_ops_checked] = "has_movable_ops_checked",
	[MV_C_has_movable_ops_bad] = "has_movable_ops_bad",
	[MV_C_ops_direct_checked] = "ops_direct_checked",
	[MV_C_ops_direct_bad] = "ops_direct_bad",
	[MV_C_probe_balloon_isolate] = "probe_balloon_isolate",
	[MV_C_probe_balloon_migrate] = "probe_balloon_migrate",
	[MV_C_probe_balloon_putback] = "probe_balloon_putback",
	[MV_C_probe_zs_isolate] = "probe_zs_isolate",
	[MV_C_probe_zs_migrate] = "probe_zs_migrate",
	[MV_C_probe_zs_putback] = "probe_zs_putback",
	[MV_C_probe_all_balloon_isolate] = "probe_all_balloon_isolate",
	[MV_C_probe_all_balloon_migrate] = "probe_all_balloon_migrate",
	[MV_C_probe_all_balloon_putback] = "probe_all_balloon_putback",
	[MV_C_probe_all_zs_isolate] = "probe_all_zs_isolate",
	[MV_C_probe_all_zs_migrate] = "probe_all_zs_migrate",
	[MV_C_probe_all_zs_putback] = "probe_all_zs_putback",
	[MV_C_probe_cmm_migratepage] = "probe_cmm_migratepage",
	[MV_C_ops_mismatch] = "ops_mismatch",
	[MV_C_clean_pageblocks] = "clean_pageblocks",
	[MV_C_dirty_pageblocks] = "dirty_pageblocks",
	[MV_C_dirty_pageblocks_reserved] = "dirty_pageblocks_reserved",
	[MV_C_dirty_pageblocks_unmovable] = "dirty_pageblocks_unmovable",
	[MV_C_dirty_pageblocks_hole] = "dirty_pageblocks_hole",
	[MV_C_snapshots] = "snapshots",
};

static const char * const mv_inject_names[] = {
	[MV_INJECT_NONE] = "none",
	[MV_INJECT_BALLOON_FAIL] = "balloon_fail",
	[MV_INJECT_ZS_CORRUPT] = "zs_corrupt",
};

static struct dentry *mv_dir;

/*
 * Copy a short user string and drop one trailing newline.  Anything
 * longer than MV_INPUT_MAX, or with an embedded NUL, is -EINVAL.  Every
 * debugfs write handler of the module parses its input through this.
 */
int mv_get_input(const char __user *ubuf, size_t len, char *buf)
{
	if (!len || len >= MV_INPUT_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len || strlen(buf) != len)
		return -EINVAL;
	return 0;
}

static int mv_get_uint(const char __user *ubuf, size_t len, unsigned int *val)
{
	char buf[MV_INPUT_MAX];
	int ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	return kstrtouint(buf, 10, val);
}

/* Input that must be exactly "1". */
static int mv_get_one(const char __user *ubuf, size_t len)
{
	unsigned int v;
	int ret;

	ret = mv_get_uint(ubuf, len, &v);
	if (ret)
		return ret;
	return v == 1 ? 0 : -EINVAL;
}

typedef int (*mv_uint_op)(unsigned int n);

static ssize_t mv_write_uint_op(const char __user *ubuf, size_t len,
				mv_uint_op op)
{
	unsigned int n;
	int ret;

	ret = mv_get_uint(ubuf, len, &n);
	if (ret)
		return ret;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = op(n);
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

/* @op under the module mutex; what a write handler of @len returns. */
static ssize_t mv_locked_op(size_t len, int (*op)(void))
{
	int ret;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = op();
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

/* Input exactly @word (one trailing newline allowed), then @op locked. */
ssize_t mv_write_word_op(const char __user *ubuf, size_t len,
			 const char *word, int (*op)(void))
{
	char buf[MV_INPUT_MAX];
	int ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	if (strcmp(buf, word))
		return -EINVAL;
	return mv_locked_op(len, op);
}

static ssize_t mv_inflate_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	return mv_write_uint_op(ubuf, len, mv_inflate);
}

static ssize_t mv_inflate_contig_write(struct file *f, const char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	return mv_write_uint_op(ubuf, len, mv_inflate_contig);
}

static ssize_t mv_deflate_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	return mv_write_uint_op(ubuf, len, mv_deflate);
}

static ssize_t mv_zs_free_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	return mv_write_uint_op(ubuf, len, mv_zs_free);
}

/* 0 is meaningful here (release the targets); mv_compact_target() decides. */
static ssize_t mv_compact_target_write(struct file *f, const char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	return mv_write_uint_op(ubuf, len, mv_compact_target);
}

/* "N" or "N SIZE", single space. */
static ssize_t mv_zs_alloc_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	unsigned int n, size = 0;
	char buf[MV_INPUT_MAX], *sp;
	int ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	sp = strchr(buf, ' ');
	if (sp) {
		*sp++ = '\0';
		ret = kstrtouint(sp, 10, &size);
		if (ret)
			return ret;
		if (!size)
			return -EINVAL;
	}
	ret = kstrtouint(buf, 10, &n);
	if (ret)
		return ret;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = mv_zs_alloc(n, size);
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

enum mv_migrate_what { MV_MIG_BALLOON, MV_MIG_ZS, MV_MIG_ALL, MV_MIG_NONMOVABLE };

static const char * const mv_migrate_names[] = {
	[MV_MIG_BALLOON] = "balloon",
	[MV_MIG_ZS] = "zsmalloc",
	[MV_MIG_ALL] = "all",
	[MV_MIG_NONMOVABLE] = "nonmovable",
};

static ssize_t mv_migrate_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[MV_INPUT_MAX];
	int ret, what;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	what = match_string(mv_migrate_names, ARRAY_SIZE(mv_migrate_names), buf);
	if (what < 0)
		return -EINVAL;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	if (what == MV_MIG_BALLOON || what == MV_MIG_ALL)
		ret = mv_migrate_balloon();
	if (!ret && (what == MV_MIG_ZS || what == MV_MIG_ALL))
		ret = mv_migrate_zs();
	if (!ret && what == MV_MIG_NONMOVABLE)
		ret = mv_migrate_nonmovable();
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

static int mv_do_snapshot(void)
{
	mv_snapshot();
	return 0;
}

static int mv_do_verify(void)
{
	mv_zs_verify();
	return 0;
}

static int mv_do_reset(void)
{
	unsigned int i;

	for (i = 0; i < MV_NR_COUNTERS; i++)
		atomic_long_set(&mv_counters[i], 0);
	mv.last_balloon_targets = 0;
	mv.last_balloon_clean = 0;
	mv.last_balloon_migrated = 0;
	mv.last_zs_targets = 0;
	mv.last_zs_clean = 0;
	mv.last_zs_migrated = 0;
	mv.last_zs_objects = 0;
	mv.last_zs_objects_moved = 0;
	mv.last_zs_movable_zone = 0;
	return 0;
}

static ssize_t mv_write_one_op(const char __user *ubuf, size_t len,
			       int (*op)(void))
{
	int ret;

	ret = mv_get_one(ubuf, len);
	if (ret)
		return ret;
	return mv_locked_op(len, op);
}

static ssize_t mv_snapshot_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	return mv_write_one_op(ubuf, len, mv_do_snapshot);
}

static ssize_t mv_verify_write(struct file *f, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	return mv_write_one_op(ubuf, len, mv_do_verify);
}

static ssize_t mv_reset_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	return mv_write_one_op(ubuf, len, mv_do_reset);
}

/* Undo whatever is injected, then inject @mode. */
static int mv_set_inject(int mode)
{
	int ret = 0;

	WRITE_ONCE(mv.inject, MV_INJECT_NONE);
	mv_zs_uncorrupt();
	if (mode == MV_INJECT_ZS_CORRUPT)
		ret = mv_zs_corrupt();
	if (!ret)
		WRITE_ONCE(mv.inject, mode);
	return ret;
}

static ssize_t mv_inject_write(struct file *f, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[MV_INPUT_MAX];
	int ret, mode;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	mode = match_string(mv_inject_names, ARRAY_SIZE(mv_inject_names), buf);
	if (mode < 0)
		return -EINVAL;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = mv_set_inject(mode);
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

static int mv_inject_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", mv_inject_names[READ_ONCE(mv.inject)]);
	return 0;
}

static int mv_inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, mv_inject_show, NULL);
}

static void mv_put(struct seq_file *m, const char *name, long v)
{
	seq_printf(m, "%s %ld\n", name, v);
}

static int mv_counters_show(struct seq_file *m, void *v)
{
	unsigned int i;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	for (i = 0; i < MV_NR_COUNTERS; i++)
		mv_put(m, mv_counter_names[i], mv_read(i));
	mv_put(m, "balloon_held", mv.bheld);
	mv_put(m, "balloon_cap", mv.bcap);
	mv_put(m, "balloon_isolated", READ_ONCE(mv.bdev.isolated_pages));
	mv_put(m, "zs_objects", mv.zheld);
	mv_put(m, "zs_cap", mv.zcap);
	mv_put(m, "zs_pages", mv_zs_pool_pages());
	mv_put(m, "zs_size_classes", mv_zs_classes_held());
	mv_put(m, "zs_huge_class_size", mv_zs_huge_size());
	mv_put(m, "probes", mv.probes);
	mv_put(m, "probe_cmm_migratepage_registered", mv.cmm_probe);
	mv_put(m, "ops_direct", MV_HAVE_DIRECT_OPS);
	mv_put(m, "set_movable_ops_present", MV_HAVE_SET_MOVABLE_OPS);
	mv_put(m, "set_movable_ops_checked", mv.smo_checked);
	mv_put(m, "set_movable_ops_bad", mv.smo_bad);
	mv_put(m, "set_movable_ops_offline_ret", mv.smo_offline_ret);
	mv_put(m, "set_movable_ops_zsmalloc_ret", mv.smo_zsmalloc_ret);
	mv_put(m, "set_movable_ops_other_ret", mv.smo_other_ret);
	mv_put(m, "snapshot_taken", mv.has_snapshot);
	mv_put(m, "moved_since_snapshot_balloon",
	       mv.has_snapshot ? mv_moved_since_snapshot_balloon() : 0);
	mv_put(m, "moved_since_snapshot_zs",
	       mv.has_snapshot ? mv_moved_since_snapshot_zs() : 0);
	mv_put(m, "last_balloon_targets", mv.last_balloon_targets);
	mv_put(m, "last_balloon_clean", mv.last_balloon_clean);
	mv_put(m, "last_balloon_migrated", mv.last_balloon_migrated);
	mv_put(m, "last_zs_targets", mv.last_zs_targets);
	mv_put(m, "last_zs_clean", mv.last_zs_clean);
	mv_put(m, "last_zs_movable_zone", mv.last_zs_movable_zone);
	mv_put(m, "last_zs_migrated", mv.last_zs_migrated);
	mv_put(m, "last_zs_objects", mv.last_zs_objects);
	mv_put(m, "last_zs_objects_moved", mv.last_zs_objects_moved);
	mv_put(m, "last_balloon_error", mv.last_balloon_error);
	mv_put(m, "last_zs_error", mv.last_zs_error);
	mv_put(m, "inject", READ_ONCE(mv.inject));
	mv_put(m, "compact_target_blocks", mv.ct_n);
	mv_put(m, "pageblock_pages", pageblock_nr_pages);
	mv_put(m, "memory_block_pages",
	       memory_block_size_bytes() >> PAGE_SHIFT);
	mutex_unlock(&mv.lock);
	return 0;
}

static int mv_counters_open(struct inode *inode, struct file *file)
{
	/* Room for ~100 lines without seq_file retrying the show. */
	return single_open_size(file, mv_counters_show, NULL, 8192);
}

static int mv_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Memory block ids holding our pages, sorted, one per line. */
static int mv_blocks_show(struct seq_file *m, void *v)
{
	unsigned long per_block = memory_block_size_bytes() >> PAGE_SHIFT;
	unsigned long *ids, n = 0, i, k;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ids = kvcalloc(mv.bheld + 2 * (size_t)mv.zheld + 1, sizeof(*ids),
		       GFP_KERNEL);
	if (!ids) {
		mutex_unlock(&mv.lock);
		return -ENOMEM;
	}
	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++)
		ids[n++] = mv.bpages[i]->pfn / per_block;
	spin_unlock(&mv.track_lock);
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++)
		for (k = 0; k < 2; k++)
			if (mv.zobjs[i].pfn[k])
				ids[n++] = mv.zobjs[i].pfn[k] / per_block;
	mutex_unlock(&mv.lock);
	sort(ids, n, sizeof(*ids), mv_cmp_ulong, NULL);
	for (i = 0; i < n; i++)
		if (!i || ids[i] != ids[i - 1])
			seq_printf(m, "%lu\n", ids[i]);
	kvfree(ids);
	return 0;
}

static int mv_blocks_open(struct inode *inode, struct file *file)
{
	return single_open(file, mv_blocks_show, NULL);
}

MV_WO_FOPS(inflate);
MV_WO_FOPS(inflate_contig);
MV_WO_FOPS(deflate);
MV_WO_FOPS(zs_alloc);
MV_WO_FOPS(zs_free);
MV_WO_FOPS(migrate);
MV_WO_FOPS(snapshot);
MV_WO_FOPS(verify);
MV_WO_FOPS(reset);
MV_WO_FOPS(compact_target);

static const struct file_operations mv_inject_fops = {
	.owner = THIS_MODULE,
	.open = mv_inject_open,
	.read = seq_read,
	.write = mv_inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations mv_counters_fops = {
	.owner = THIS_MODULE,
	.open = mv_counters_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations mv_blocks_fops = {
	.owner = THIS_MODULE,
	.open = mv_blocks_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct {
	const char *name;
	const struct file_operations *fops;
} mv_files[] = {
	{ "inflate", &mv_inflate_fops },
	{ "inflate_contig", &mv_inflate_contig_fops },
	{ "deflate", &mv_deflate_fops },
	{ "zs_alloc", &mv_zs_alloc_fops },
	{ "zs_free", &mv_zs_free_fops },
	{ "migrate", &mv_migrate_fops },
	{ "snapshot", &mv_snapshot_fops },
	{ "verify", &mv_verify_fops },
	{ "reset", &mv_reset_fops },
	{ "compact_target", &mv_compact_target_fops },
	{ "inject", &mv_inject_fops },
	{ "counters", &mv_counters_fops },
	{ "blocks", &mv_blocks_fops },
};

static int __init movops_init(void)
{
	unsigned long quarter = totalram_pages() / 4;
	struct mv_left left = {};
	unsigned int i;
	int ret;

	mutex_init(&mv.lock);
	spin_lock_init(&mv.track_lock);
	mv.bcap = min_t(unsigned long, max_balloon_pages, quarter);
	mv.zcap = min_t(unsigned long, max_zs_objects, quarter);

	mv_check_set_movable_ops();
	ret = mv_balloon_init();
	if (ret)
		return ret;
	ret = mv_zs_init();
	if (ret)
		goto out_balloon;
	mv_probes_init();

	mv_dir = debugfs_create_dir("movops", NULL);
	if (IS_ERR(mv_dir)) {
		ret = PTR_ERR(mv_dir);
		goto out_probes;
	}
	for (i = 0; i < ARRAY_SIZE(mv_files); i++)
		debugfs_create_file(mv_files[i].name, 0600, mv_dir, NULL,
				    mv_files[i].fops);
	mv_census_init(mv_dir);
	mv_bench_init(mv_dir);
	if (mv_stress_init(mv_dir))
		pr_warn("movops: no stress mode (out of memory)\n");
	pr_info("movops: loaded (balloon cap %u, zs cap %u, probes %d, set_movable_ops checked %d bad %d)\n",
		mv.bcap, mv.zcap, mv.probes, mv.smo_checked, mv.smo_bad);
	return 0;

out_probes:
	mv_probes_exit();
	mv_zs_exit();
out_balloon:
	mv_balloon_exit(&left);
	return ret;
}

/*
 * Many small objects, not one: a pointer to the last few may linger in a
 * stack kmemleak scans, and those are not reported.
 */
static noinline void mv_leak(unsigned int n)
{
	unsigned int i;
	u64 *p;

	for (i = 0; i < n; i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (p)
			*p = 0x6d6f766f70736c6bULL;	/* reachable from nowhere */
	}
	if (n)
		pr_info("movops: leaked %u objects of 64 bytes on purpose (leak_on_unload)\n", n);
}

/*
 * The unload line says how many of our balloon pages were left after the
 * drains: each would still point at a device about to be freed.  The
 * drains wait for every page (rmmod does not return otherwise), so
 * anything but 0 is a drain that stopped early: the stress phase's
 * stress_unload_hammered_pages_left requires "pages left 0".
 */
static void __exit movops_exit(void)
{
	struct mv_left left = {};

	/* Waits for writers in flight; no new ones can start. */
	debugfs_remove_recursive(mv_dir);
	mv_census_exit();
	mv_stress_exit(&left);
	mutex_lock(&mv.lock);
	mv_set_inject(MV_INJECT_NONE);
	mv_compact_target_exit();
	mv_balloon_exit(&left);
	mv_zs_exit();
	mutex_unlock(&mv.lock);
	mv_probes_exit();
	mv_leak(READ_ONCE(leak_on_unload));
	pr_info("movops: unloaded, pages left %u (balloon %u, control balloon %u, stress balloon %u; isolated %lu)\n",
		left.balloon + left.control + left.stress, left.balloon,
		left.control, left.stress, left.isolated);
}

module_init(movops_init);
module_exit(movops_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test module for balloon and zsmalloc movable_ops page migration");
