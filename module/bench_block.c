// SPDX-License-Identifier: GPL-2.0
/*
 * bench_block.c - "make bench" a pageblock at a time (the batched path,
 * as compaction migrates), and the guest's own page copy rate; bench.c
 * has the interface.
 */
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "movops.h"

enum mv_bench_block_kind { MV_BB_BALLOON, MV_BB_ZS, MV_BB_ANON, MV_BB_NR };

static const char * const mv_bench_block_names[MV_BB_NR] = {
	[MV_BB_BALLOON] = "balloon_block",
	[MV_BB_ZS] = "zsmalloc_block",
	[MV_BB_ANON] = "anon_block",
};

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

/*
 * The PFNs of our pages of one kind: every held balloon page, or each
 * distinct page behind a held zsmalloc object.  Returns how many.
 */
unsigned int mv_bench_our_pfns(bool zs, unsigned long *pfns)
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
	return mv_sort_unique(pfns, n);
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
	ret = mv_take_range(start, pageblock_nr_pages, GFP_KERNEL | __GFP_NOWARN);
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
int mv_bench_kind_blocks(bool zs, unsigned int least)
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
	nblk = mv_sort_unique(blks, n);
	for (i = 0; i < nblk; i++) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ours = mv_bench_in_block(pfns, mv_bench_our_pfns(zs, pfns), blks[i]);
		if (!ours || ours < least || !mv_pageblock_whole(blks[i]))
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
int mv_bench_anon_block(unsigned long pfn)
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
int mv_bench_copy_pages(unsigned int n)
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

void mv_bench_block_reset(void)
{
	memset(mv_bench_blk, 0, sizeof(mv_bench_blk));
	memset(mv_bench_copy, 0, sizeof(mv_bench_copy));
}

void mv_bench_block_show(struct seq_file *m)
{
	struct mv_bench_block_stat *b;
	unsigned int i;

	for (i = 0; i < MV_BB_NR; i++) {
		b = &mv_bench_blk[i];
		seq_printf(m, "%s calls %lu pages %lu moved %lu ebusy %lu errors %lu ns %llu bad %lu\n",
			   mv_bench_block_names[i], b->calls, b->pages,
			   b->moved, b->ebusy, b->errors, b->ns, b->bad);
	}
	for (i = 0; i < MV_BC_NR; i++)
		seq_printf(m, "%s pages %lu ns %llu best_ns_%u %llu\n",
			   mv_bench_copy_names[i], mv_bench_copy[i].pages,
			   mv_bench_copy[i].ns, MV_BENCH_COPY_SET,
			   mv_bench_copy[i].best);
}
