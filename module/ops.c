// SPDX-License-Identifier: GPL-2.0
/*
 * ops.c - the write files of the core: each parses its input and runs
 * one operation of a feature file under mv.lock (debugfs.c's runners).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "movops.h"

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

enum mv_migrate_what {
	MV_MIG_BALLOON, MV_MIG_ZS, MV_MIG_ALL, MV_MIG_NONMOVABLE, MV_MIG_ISOLATE_TWICE
};

static const char * const mv_migrate_names[] = {
	[MV_MIG_BALLOON] = "balloon",
	[MV_MIG_ZS] = "zsmalloc",
	[MV_MIG_ALL] = "all",
	[MV_MIG_NONMOVABLE] = "nonmovable",
	[MV_MIG_ISOLATE_TWICE] = "isolate_twice",
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
	if (!ret && what == MV_MIG_ISOLATE_TWICE)
		ret = mv_migrate_isolate_twice();
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

/* Zero the event counters and the figures of the last rounds. */
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

static const char * const mv_inject_names[] = {
	[MV_INJECT_NONE] = "none",
	[MV_INJECT_BALLOON_FAIL] = "balloon_fail",
	[MV_INJECT_ZS_CORRUPT] = "zs_corrupt",
};

/* Undo whatever is injected, then inject @mode.  Caller holds mv.lock. */
int mv_set_inject(int mode)
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

MV_UINT_WO_FOPS(inflate, mv_inflate);
MV_UINT_WO_FOPS(inflate_contig, mv_inflate_contig);
MV_UINT_WO_FOPS(deflate, mv_deflate);
MV_WO_FOPS(zs_alloc);
MV_UINT_WO_FOPS(zs_free, mv_zs_free);
MV_WO_FOPS(migrate);
MV_WO_FOPS(snapshot);
MV_WO_FOPS(verify);
MV_WO_FOPS(reset);
/* 0 is meaningful here (release the targets); mv_compact_target() decides. */
MV_UINT_WO_FOPS(compact_target, mv_compact_target);

static const struct file_operations mv_inject_fops = {
	.owner = THIS_MODULE,
	.open = mv_inject_open,
	.read = seq_read,
	.write = mv_inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct mv_file mv_ops_files[] = {
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
};

void mv_ops_init(struct dentry *dir)
{
	mv_debugfs_files(dir, mv_ops_files, ARRAY_SIZE(mv_ops_files));
}
