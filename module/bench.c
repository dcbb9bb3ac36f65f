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

/* Under mv.lock. */
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
	ret = mv_alloc_contig_range(pfn, pfn + 1, GFP_KERNEL | __GFP_NOWARN);
	if (!ret)
		free_contig_range(pfn, 1);
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

static int mv_bench_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Each page behind a held object once.  The range [pfn, pfn + 1) ends up
 * ours, so a success means the zsmalloc page left it; "bad" counts objects
 * that do not read back intact afterwards.
 */
static int mv_bench_zs(unsigned int want)
{
	struct mv_bench_stat *s = &mv_bench[MV_BK_ZS];
	unsigned int i, j, k, first, n = 0;
	unsigned long *pfns;
	int ret = 0;

	if (!mv.zheld)
		return 0;
	pfns = kvcalloc(2 * (size_t)mv.zheld, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++)
		for (k = 0; k < 2; k++)
			if (mv.zobjs[i].pfn[k])
				pfns[n++] = mv.zobjs[i].pfn[k];
	sort(pfns, n, sizeof(*pfns), mv_bench_cmp, NULL);
	for (i = 0, k = 0; i < n; i++)
		if (!k || pfns[k - 1] != pfns[i])
			pfns[k++] = pfns[i];
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

/*
 * alloc_contig_range() isolates the whole pageblock around a PFN and must
 * not be given one that is partly offline or outside the zone (PFN 1 on
 * x86: the DMA zone starts there, its pageblock at 0; VM_BUG_ON_PAGE).
 */
static bool mv_bench_pfn_valid(unsigned long pfn)
{
	unsigned long start = ALIGN_DOWN(pfn, pageblock_nr_pages), p;
	struct page *page = pfn_to_online_page(pfn);
	struct zone *zone;

	if (!page)
		return false;
	zone = page_zone(page);
	for (p = start; p < start + pageblock_nr_pages; p++) {
		page = pfn_to_online_page(p);
		if (!page || page_zone(page) != zone || !zone_spans_pfn(zone, p))
			return false;
	}
	return true;
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

static ssize_t mv_bench_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	unsigned long pfn = 0;
	unsigned int n = 0;
	char buf[MV_INPUT_MAX], *arg;
	int ret, what;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	if (!strncmp(buf, "pfn ", 4)) {
		ret = kstrtoul(buf + 4, 10, &pfn);
		if (ret)
			return ret;
		if (!mv_bench_pfn_valid(pfn))
			return -EINVAL;
		what = MV_BK_ANON;
	} else if (!strcmp(buf, "reset")) {
		what = MV_BK_NR;
	} else {
		arg = strchr(buf, ' ');
		if (arg) {
			*arg++ = '\0';
			ret = kstrtouint(arg, 10, &n);
			if (ret)
				return ret;
			if (!n)
				return -EINVAL;
		}
		what = match_string(mv_bench_names, MV_BK_ANON, buf);
		if (what < 0)
			return -EINVAL;
	}
	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	switch (what) {
	case MV_BK_BALLOON:
		ret = mv_bench_balloon(n);
		break;
	case MV_BK_ZS:
		ret = mv_bench_zs(n);
		break;
	case MV_BK_ANON:
		ret = mv_bench_anon(pfn);
		break;
	default:
		memset(mv_bench, 0, sizeof(mv_bench));
		memset(mv_bench_cursor, 0, sizeof(mv_bench_cursor));
		ret = 0;
	}
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
