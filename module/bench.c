// SPDX-License-Identifier: GPL-2.0
/*
 * Timed targeted migration for "make bench".
 *
 * Each page is migrated the same way, whatever owns it: alloc_contig_range()
 * over its one PFN, then free_contig_range().  Only that call is timed, so
 * the balloon and zsmalloc rates compare with the rate of ordinary
 * anonymous pages, whose PFNs user space reads from /proc/self/pagemap.
 *
 * debugfs movops/bench, root only:
 *   write "balloon [N]"   a timed round over every held balloon page, or
 *                         over the next N of them (a cursor wraps around)
 *   write "zsmalloc [N]"  the same over the pages behind the held objects
 *   write "pfn N"      migrate whatever sits at PFN N (counted as "anon");
 *                      -EINVAL unless its pageblock is online, in one zone
 *   write "reset"      zero the figures
 *   read               "<kind> tries T moved M ebusy B errors E ns NS bad X"
 *                      per kind: balloon, zsmalloc, anon
 *
 * Pageblock at a time, the batched path: one alloc_contig_range() over a
 * whole pageblock isolates and migrates its pages COMPACT_CLUSTER_MAX at a
 * time through migrate_pages(), as compaction does, so the per-page cost
 * of isolate, migrate and putback and the copy dominate, not the call:
 *   write "balloon_blocks [MIN]"   every pageblock holding at least MIN
 *                                  (default 1) held balloon pages, once
 *   write "zsmalloc_blocks [MIN]"  the same for the pages behind held objects
 *   write "block PFN"              the pageblock around PFN ("anon_block")
 *   read  "<kind>_block calls C pages P moved M ebusy B errors E ns NS bad X"
 *         P: pages the kernel migrated during the calls (pgmigrate_success),
 *         M: of ours, those that left their pageblock, X: ours that stayed
 *         or (zsmalloc) objects that no longer read back intact
 * The guest's own copy rate, the physical limit of a migration that copies:
 *   write "copy N"     N page copies with copy_page(), then N with memcpy()
 *   read  "copy_page pages P ns NS best_ns_512 B", the same for "memcpy";
 *         B: the fastest 512 copies in a row (the least disturbed by the
 *         host), which make the copy limit
 *   read  "pageblock_pages N"
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/memory_hotplug.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "movops.h"

enum mv_bench_kind { MV_BK_BALLOON, MV_BK_ZS, MV_BK_ANON, MV_BK_NR };

static const char * const mv_bench_names[MV_BK_NR] = {
	[MV_BK_BALLOON] = "balloon",
	[MV_BK_ZS] = "zsmalloc",
	[MV_BK_ANON] = "anon",
};

static struct mv_bench_stat {
	unsigned long tries, moved, ebusy, errors, bad;
	u64 ns;
} mv_bench[MV_BK_NR];
static unsigned int mv_bench_cursor[MV_BK_NR];

/* Migrate the page at @pfn; only the migration itself is timed. */
static int mv_bench_pfn(struct mv_bench_stat *s, unsigned long pfn)
{
	u64 t0;
	int ret;

	s->tries++;
	t0 = ktime_get_ns();
	ret = mv_take_pfn(pfn, GFP_KERNEL | __GFP_NOWARN);
	s->ns += ktime_get_ns() - t0;
	if (ret == -EBUSY)
		s->ebusy++;
	else if (ret)
		s->errors++;
	return ret;
}

/* The next @n of @held (all if @n is 0 or more), each once. */
static unsigned int mv_bench_next(enum mv_bench_kind k, unsigned int n,
				  unsigned int held, unsigned int *first)
{
	*first = held ? mv_bench_cursor[k] % held : 0;
	if (!n || n > held)
		n = held;
	mv_bench_cursor[k] = *first + n;
	return n;
}

/* A balloon page moved if our migratepage callback saw it go elsewhere. */
static int mv_bench_balloon(unsigned int n)
{
	struct mv_bench_stat *s = &mv_bench[MV_BK_BALLOON];
	unsigned int i, j, first, moves0, moves1;
	unsigned long pfn;

	n = mv_bench_next(MV_BK_BALLOON, n, mv.bheld, &first);
	for (j = 0; j < n; j++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		i = (first + j) % mv.bheld;
		pfn = mv_bpage_pfn(mv.bpages[i], &moves0);
		if (mv_bench_pfn(s, pfn))
			continue;
		if (mv_bpage_pfn(mv.bpages[i], &moves1) != pfn && moves1 != moves0)
			s->moved++;
		else
			s->bad++;
	}
	return 0;
}

/*
 * Each page behind a held object once.  The range [pfn, pfn + 1) ends up
 * ours, so a success means the zsmalloc page left it; "bad" counts objects
 * that do not read back intact afterwards.
 */
static int mv_bench_zs(unsigned int want)
{
	struct mv_bench_stat *s = &mv_bench[MV_BK_ZS];
	unsigned int j, k, first, n;
	unsigned long *pfns;
	int ret = 0;

	if (!mv.zheld)
		return 0;
	pfns = kvcalloc(2 * (size_t)mv.zheld, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	k = mv_bench_our_pfns(true, pfns);
	/* Each page at most once per call: a second try would find it gone. */
	n = mv_bench_next(MV_BK_ZS, want, k, &first);
	for (j = 0; j < n; j++) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!mv_bench_pfn(s, pfns[(first + j) % k]))
			s->moved++;
	}
	kvfree(pfns);
	s->bad += mv_zs_verify();
	return ret;
}

/* Any PFN in a whole pageblock: a page that cannot move costs an -EBUSY. */
static int mv_bench_anon(unsigned long pfn)
{
	struct mv_bench_stat *s = &mv_bench[MV_BK_ANON];
	int ret;

	ret = mv_bench_pfn(s, pfn);
	if (!ret)
		s->moved++;
	return ret;
}

/* Commands beyond the kinds of mv_bench_names[] (balloon, zsmalloc). */
enum {
	MV_CMD_BALLOON_BLOCKS = MV_BK_NR,
	MV_CMD_ZS_BLOCKS,
	MV_CMD_BLOCK,
	MV_CMD_COPY,
	MV_CMD_RESET,
};

static const char * const mv_bench_cmds[] = {
	[MV_BK_BALLOON] = "balloon",
	[MV_BK_ZS] = "zsmalloc",
	[MV_BK_ANON] = "pfn",
	[MV_CMD_BALLOON_BLOCKS] = "balloon_blocks",
	[MV_CMD_ZS_BLOCKS] = "zsmalloc_blocks",
	[MV_CMD_BLOCK] = "block",
	[MV_CMD_COPY] = "copy",
	[MV_CMD_RESET] = "reset",
};

static void mv_bench_reset(void)
{
	memset(mv_bench, 0, sizeof(mv_bench));
	memset(mv_bench_cursor, 0, sizeof(mv_bench_cursor));
	mv_bench_block_reset();
}

/*
 * Parse "COMMAND [ARG]": @pfn for the commands that take a PFN (required,
 * in a whole online pageblock of one zone), else @n, an optional count
 * of at least 1 ("copy": required, at most MV_BENCH_COPY_MAX; "reset":
 * none).  Returns the command or a negative errno.
 */
static int mv_bench_parse(char *buf, unsigned long *pfn, unsigned int *n)
{
	char *arg = strchr(buf, ' ');
	int ret, what;

	if (arg)
		*arg++ = '\0';
	what = match_string(mv_bench_cmds, ARRAY_SIZE(mv_bench_cmds), buf);
	if (what < 0)
		return -EINVAL;
	if (what == MV_BK_ANON || what == MV_CMD_BLOCK) {
		if (!arg)
			return -EINVAL;
		ret = kstrtoul(arg, 10, pfn);
		if (ret)
			return ret;
		return mv_pageblock_whole(*pfn) ? what : -EINVAL;
	}
	if (what == MV_CMD_RESET)
		return arg ? -EINVAL : what;
	if (what == MV_CMD_COPY && !arg)
		return -EINVAL;
	if (arg) {
		ret = kstrtouint(arg, 10, n);
		if (ret)
			return ret;
		if (!*n)
			return -EINVAL;
	}
	if (what == MV_CMD_COPY && *n > MV_BENCH_COPY_MAX)
		return -EINVAL;
	return what;
}

/* Run command @what; caller holds mv.lock. */
static int mv_bench_run(int what, unsigned long pfn, unsigned int n)
{
	switch (what) {
	case MV_BK_BALLOON:
		return mv_bench_balloon(n);
	case MV_BK_ZS:
		return mv_bench_zs(n);
	case MV_BK_ANON:
		return mv_bench_anon(pfn);
	case MV_CMD_BALLOON_BLOCKS:
	case MV_CMD_ZS_BLOCKS:
		return mv_bench_kind_blocks(what == MV_CMD_ZS_BLOCKS, n);
	case MV_CMD_BLOCK:
		return mv_bench_anon_block(pfn);
	case MV_CMD_COPY:
		return mv_bench_copy_pages(n);
	default:
		mv_bench_reset();
		return 0;
	}
}

static ssize_t mv_bench_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	unsigned long pfn = 0;
	unsigned int n = 0;
	char buf[MV_INPUT_MAX];
	int ret, what;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	what = mv_bench_parse(buf, &pfn, &n);
	if (what < 0)
		return what;
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ret = mv_bench_run(what, pfn, n);
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

static int mv_bench_show(struct seq_file *m, void *v)
{
	struct mv_bench_stat *s;
	unsigned int i;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	for (i = 0; i < MV_BK_NR; i++) {
		s = &mv_bench[i];
		seq_printf(m, "%s tries %lu moved %lu ebusy %lu errors %lu ns %llu bad %lu\n",
			   mv_bench_names[i], s->tries, s->moved, s->ebusy,
			   s->errors, s->ns, s->bad);
	}
	mv_bench_block_show(m);
	seq_printf(m, "pageblock_pages %lu\n", (unsigned long)pageblock_nr_pages);
	mutex_unlock(&mv.lock);
	return 0;
}

static int mv_bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, mv_bench_show, NULL);
}

static const struct file_operations mv_bench_fops = {
	.owner = THIS_MODULE,
	.open = mv_bench_open,
	.read = seq_read,
	.write = mv_bench_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void mv_bench_init(struct dentry *dir)
{
	debugfs_create_file("bench", 0600, dir, NULL, &mv_bench_fops);
}
