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

enum mv_bench_block_kind { MV_BB_BALLOON, MV_BB_ZS, MV_BB_ANON, MV_BB_NR };

/* Under mv.lock, like everything below. */
static struct mv_bench_block_stat {
	unsigned long calls, pages, moved, ebusy, errors, bad;
	u64 ns;
} mv_bench_blk[MV_BB_NR];

enum mv_bench_copy_kind { MV_BC_COPY_PAGE, MV_BC_MEMCPY, MV_BC_NR };

static const char * const mv_bench_copy_names[MV_BC_NR] = {
	[MV_BC_COPY_PAGE] = "copy_page",
	[MV_BC_MEMCPY] = "memcpy",
};

/* best: the fastest MV_BENCH_COPY_SET copies, the least disturbed. */
static struct mv_bench_copy_stat {
	unsigned long pages;
	u64 ns, best;
} mv_bench_copy[MV_BC_NR];

/* Copies per "copy N" at most, and the working set they cycle over. */
#define MV_BENCH_COPY_MAX	BIT(20)
#define MV_BENCH_COPY_SET	512

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

/* Sort @v[0..n) and drop repeats; returns how many are left. */
static unsigned int mv_bench_sort_unique(unsigned long *v, unsigned int n)
{
	unsigned int i, k = 0;

	sort(v, n, sizeof(*v), mv_bench_cmp, NULL);
	for (i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/*
 * The PFNs of our pages of one kind: every held balloon page, or each
 * distinct page behind a held zsmalloc object.  Returns how many.
 */
static unsigned int mv_bench_our_pfns(bool zs, unsigned long *pfns)
{
	unsigned int i, k, n = 0;

	if (!zs) {
		for (i = 0; i < mv.bheld; i++)
			pfns[n++] = mv_bpage_pfn(mv.bpages[i], NULL);
		return n;
	}
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++)
		for (k = 0; k < 2; k++)
			if (mv.zobjs[i].pfn[k])
				pfns[n++] = mv.zobjs[i].pfn[k];
	return mv_bench_sort_unique(pfns, n);
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

/* Pages migrated so far (the pgmigrate_success event), 0 without events. */
static unsigned long mv_bench_migrated(unsigned long *ev)
{
#if IS_ENABLED(CONFIG_VM_EVENT_COUNTERS) && IS_ENABLED(CONFIG_MIGRATION)
	all_vm_events(ev);
	return ev[PGMIGRATE_SUCCESS];
#else
	return 0;
#endif
}

/* One timed alloc_contig_range() over the pageblock starting at @start. */
static int mv_bench_block(struct mv_bench_block_stat *s, unsigned long start,
			  unsigned long *ev)
{
	unsigned long e0;
	u64 t0;
	int ret;

	e0 = mv_bench_migrated(ev);
	t0 = ktime_get_ns();
	ret = mv_alloc_contig_range(start, start + pageblock_nr_pages,
				    GFP_KERNEL | __GFP_NOWARN);
	if (!ret)
		free_contig_range(start, pageblock_nr_pages);
	s->ns += ktime_get_ns() - t0;
	s->pages += mv_bench_migrated(ev) - e0;
	s->calls++;
	if (ret == -EBUSY)
		s->ebusy++;
	else if (ret)
		s->errors++;
	return ret;
}

/* How many of @pfns[0..n) lie in the pageblock starting at @start. */
static unsigned int mv_bench_in_block(const unsigned long *pfns, unsigned int n,
				      unsigned long start)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		k += pfns[i] - start < pageblock_nr_pages;
	return k;
}

/*
 * Every pageblock holding at least @least of our pages of one kind, once,
 * a whole pageblock per call.  The pageblocks are chosen first; what a
 * call finds in its pageblock is counted just before it.
 */
static int mv_bench_kind_blocks(bool zs, unsigned int least)
{
	struct mv_bench_block_stat *s = &mv_bench_blk[zs ? MV_BB_ZS : MV_BB_BALLOON];
	unsigned int i, n, nblk, ours, left, cap;
	unsigned long *pfns, *blks, *ev;
	int ret = 0;

	cap = zs ? 2 * mv.zheld : mv.bheld;
	if (!cap)
		return 0;
	pfns = kvcalloc(cap, sizeof(*pfns), GFP_KERNEL);
	blks = kvcalloc(cap, sizeof(*blks), GFP_KERNEL);
	ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	if (!pfns || !blks || !ev) {
		ret = -ENOMEM;
		goto out;
	}
	n = mv_bench_our_pfns(zs, pfns);
	for (i = 0; i < n; i++)
		blks[i] = ALIGN_DOWN(pfns[i], pageblock_nr_pages);
	nblk = mv_bench_sort_unique(blks, n);
	for (i = 0; i < nblk; i++) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ours = mv_bench_in_block(pfns, mv_bench_our_pfns(zs, pfns), blks[i]);
		if (!ours || ours < least || !mv_bench_pfn_valid(blks[i]))
			continue;
		if (mv_bench_block(s, blks[i], ev))
			continue;
		left = mv_bench_in_block(pfns, mv_bench_our_pfns(zs, pfns), blks[i]);
		s->moved += ours - min(ours, left);
		s->bad += left;
	}
	if (zs)
		s->bad += mv_zs_verify();
out:
	kfree(ev);
	kvfree(blks);
	kvfree(pfns);
	return ret;
}

/* The pageblock around any PFN (user space's anonymous pages). */
static int mv_bench_anon_block(unsigned long pfn)
{
	struct mv_bench_block_stat *s = &mv_bench_blk[MV_BB_ANON];
	unsigned long pages0 = s->pages, *ev;
	int ret;

	ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	ret = mv_bench_block(s, ALIGN_DOWN(pfn, pageblock_nr_pages), ev);
	if (!ret)
		s->moved += s->pages - pages0;
	kfree(ev);
	return ret;
}

/*
 * @n page copies with copy_page(), then @n with memcpy(), over a set of
 * MV_BENCH_COPY_SET source and as many destination pages.
 */
static int mv_bench_copy_pages(unsigned int n)
{
	struct page **src, **dst;
	unsigned int i, k;
	int ret = -ENOMEM;
	u64 t0;

	src = kcalloc(MV_BENCH_COPY_SET, sizeof(*src), GFP_KERNEL);
	dst = kcalloc(MV_BENCH_COPY_SET, sizeof(*dst), GFP_KERNEL);
	if (!src || !dst)
		goto out;
	for (i = 0; i < MV_BENCH_COPY_SET; i++) {
		src[i] = alloc_page(GFP_KERNEL);
		dst[i] = alloc_page(GFP_KERNEL);
		if (!src[i] || !dst[i])
			goto out;
		memset(page_address(src[i]), i, PAGE_SIZE);
	}
	for (k = 0; k < MV_BC_NR; k++) {
		struct mv_bench_copy_stat *c = &mv_bench_copy[k];

		for (i = 0; i < n; i += MV_BENCH_COPY_SET) {
			unsigned int j, m = min(n - i, MV_BENCH_COPY_SET);

			t0 = ktime_get_ns();
			for (j = 0; j < m; j++) {
				void *to = page_address(dst[j]);
				void *from = page_address(src[j]);

				if (k == MV_BC_COPY_PAGE)
					copy_page(to, from);
				else
					memcpy(to, from, PAGE_SIZE);
			}
			t0 = ktime_get_ns() - t0;
			c->ns += t0;
			c->pages += m;
			if (m == MV_BENCH_COPY_SET && (!c->best || t0 < c->best))
				c->best = t0;
			cond_resched();
		}
	}
	ret = 0;
out:
	for (i = 0; i < MV_BENCH_COPY_SET; i++) {
		if (src && src[i])
			__free_page(src[i]);
		if (dst && dst[i])
			__free_page(dst[i]);
	}
	kfree(dst);
	kfree(src);
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
	memset(mv_bench_blk, 0, sizeof(mv_bench_blk));
	memset(mv_bench_copy, 0, sizeof(mv_bench_copy));
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
	arg = strchr(buf, ' ');
	if (arg)
		*arg++ = '\0';
	what = match_string(mv_bench_cmds, ARRAY_SIZE(mv_bench_cmds), buf);
	if (what < 0)
		return -EINVAL;
	switch (what) {
	case MV_BK_ANON:
	case MV_CMD_BLOCK:
		/* A PFN, required, in a whole online pageblock of one zone. */
		if (!arg)
			return -EINVAL;
		ret = kstrtoul(arg, 10, &pfn);
		if (ret)
			return ret;
		if (!mv_bench_pfn_valid(pfn))
			return -EINVAL;
		break;
	case MV_CMD_RESET:
		if (arg)
			return -EINVAL;
		break;
	case MV_CMD_COPY:
		/* A count, required, 1 to MV_BENCH_COPY_MAX. */
		if (!arg)
			return -EINVAL;
		fallthrough;
	default:
		/* An optional count (at least 1). */
		if (arg) {
			ret = kstrtouint(arg, 10, &n);
			if (ret)
				return ret;
			if (!n)
				return -EINVAL;
		}
		if (what == MV_CMD_COPY && n > MV_BENCH_COPY_MAX)
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
	case MV_CMD_BALLOON_BLOCKS:
	case MV_CMD_ZS_BLOCKS:
		ret = mv_bench_kind_blocks(what == MV_CMD_ZS_BLOCKS, n);
		break;
	case MV_CMD_BLOCK:
		ret = mv_bench_anon_block(pfn);
		break;
	case MV_CMD_COPY:
		ret = mv_bench_copy_pages(n);
		break;
	default:
		mv_bench_reset();
		ret = 0;
	}
	mutex_unlock(&mv.lock);
	return ret ? ret : len;
}

static int mv_bench_show(struct seq_file *m, void *v)
{
	struct mv_bench_block_stat *b;
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
	for (i = 0; i < MV_BB_NR; i++) {
		b = &mv_bench_blk[i];
		seq_printf(m, "%s_block calls %lu pages %lu moved %lu ebusy %lu errors %lu ns %llu bad %lu\n",
			   mv_bench_names[i], b->calls, b->pages, b->moved,
			   b->ebusy, b->errors, b->ns, b->bad);
	}
	for (i = 0; i < MV_BC_NR; i++)
		seq_printf(m, "%s pages %lu ns %llu best_ns_%u %llu\n",
			   mv_bench_copy_names[i], mv_bench_copy[i].pages,
			   mv_bench_copy[i].ns, MV_BENCH_COPY_SET,
			   mv_bench_copy[i].best);
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
