// SPDX-License-Identifier: GPL-2.0
/*
 * pfn.c - pageblocks and PFNs: the whole-pageblock check that
 * alloc_contig_range() needs, the classification that explains an -EBUSY,
 * taking one PFN (which migrates whatever sat there), and sorted PFN sets.
 */
#include <linux/bsearch.h>
#include <linux/hugetlb.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/sort.h>

#include "fixtures.h"
#include "movops_compat.h"

/*
 * Would isolation of a pageblock outside ZONE_MOVABLE refuse this page?
 * Mirrors page_is_unmovable() (not exported) for PB_ISOLATE_MODE_OTHER,
 * without locks: a snapshot, good enough to explain an -EBUSY.
 */
static bool mv_page_unmovable(struct page *page)
{
	if (PageCompound(page)) {
		struct page *head = compound_head(page);

		if (PageHuge(head))
			return false;
		return !PageLRU(head);
	}
	if (!page_ref_count(page))
		return false;
	if (PageLRU(page) || mv_page_has_movable_ops(page))
		return false;
	return true;
}

bool mv_in_movable_zone(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	return page && zone_idx(page_zone(page)) == ZONE_MOVABLE;
}

/*
 * alloc_contig_range() isolates the whole pageblock around a PFN and must
 * not be given one that is partly offline or outside the zone (PFN 1 on
 * x86: the DMA zone starts there, its pageblock at 0; VM_BUG_ON_PAGE).
 */
bool mv_pageblock_whole(unsigned long pfn)
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

/*
 * The pageblock around @pfn: whole in one online zone (else MV_PB_HOLE),
 * then free of reserved and (outside ZONE_MOVABLE) unmovable pages.
 */
enum mv_pb_class mv_pageblock_class(unsigned long pfn)
{
	unsigned long start = ALIGN_DOWN(pfn, pageblock_nr_pages), p;
	bool movable_zone;
	struct page *page;

	if (!mv_pageblock_whole(pfn))
		return MV_PB_HOLE;
	movable_zone = mv_in_movable_zone(pfn);
	for (p = start; p < start + pageblock_nr_pages; p++) {
		page = pfn_to_online_page(p);
		if (!page)
			return MV_PB_HOLE;	/* went offline since */
		if (PageReserved(page))
			return MV_PB_RESERVED;
		if (!movable_zone && mv_page_unmovable(page))
			return MV_PB_UNMOVABLE;
	}
	return MV_PB_CLEAN;
}

/*
 * A clean range of @nr pages (a power of two) of @zone, taken: the first
 * naturally aligned one, in pageblocks wholly in the zone, of online pages
 * with no reserved or hugetlb page, that alloc_contig_range() takes.  Only
 * whole pageblocks: alloc_contig_range() isolates whole pageblocks, and
 * one that starts before its zone trips VM_BUG_ON(!zone_spans_pfn()) in
 * get_pfnblock_bitmap_bitidx() (7.3.4: alloc_contig_pages(4, GFP_DMA)
 * picks PFN 4, in the pageblock at PFN 0; ZONE_DMA starts at PFN 1).
 * The caller owns every page (refcount 1); NULL if there is none.
 */
struct page *mv_clean_range_in_zone(struct zone *zone, unsigned long nr,
				    gfp_t gfp)
{
	unsigned long end = ALIGN_DOWN(zone_end_pfn(zone), pageblock_nr_pages);
	unsigned long pfn, i;
	struct page *page;

	pfn = ALIGN(zone->zone_start_pfn, max(nr, pageblock_nr_pages));
	for (; pfn + nr <= end; pfn += nr) {
		for (i = 0; i < nr; i++) {
			page = pfn_to_online_page(pfn + i);
			if (!page || page_zone(page) != zone ||
			    PageReserved(page) || PageHuge(page))
				break;
		}
		if (i == nr && !mv_alloc_contig_range(pfn, pfn + nr, gfp))
			return pfn_to_page(pfn);
		cond_resched();
	}
	return NULL;
}

/*
 * Compaction's free scanner takes no wholly free pageblock as a target
 * (suitable_migration_target(), mm/compaction.c): in a nearly empty zone
 * it finds none above the pages to move.  Make up to @n: from the top of
 * @zone down to @floor, take clean pageblocks (@tries looked at, at most)
 * and give every other page back.  Their PFNs go to @pfns; returns how
 * many.  mv_half_used_release() gives the rest back.
 */
unsigned int mv_half_used_pageblocks(struct zone *zone, unsigned long floor,
				     unsigned long *pfns, unsigned int n,
				     unsigned int tries)
{
	unsigned long pfn = ALIGN_DOWN(zone_end_pfn(zone), pageblock_nr_pages);
	unsigned int got = 0;
	unsigned long i;

	while (got < n && pfn >= floor + pageblock_nr_pages && tries--) {
		pfn -= pageblock_nr_pages;
		if (mv_pageblock_class(pfn) != MV_PB_CLEAN ||
		    mv_alloc_contig_range(pfn, pfn + pageblock_nr_pages,
					  GFP_KERNEL | __GFP_NOWARN))
			continue;
		for (i = 1; i < pageblock_nr_pages; i += 2)
			free_contig_range(pfn + i, 1);
		pfns[got++] = pfn;
		cond_resched();
	}
	return got;
}

void mv_half_used_release(const unsigned long *pfns, unsigned int n)
{
	unsigned long i;

	while (n--)
		for (i = 0; i < pageblock_nr_pages; i += 2)
			free_contig_range(pfns[n] + i, 1);
}

/*
 * Take [@start, @start + @nr) with alloc_contig_range() and give it back at
 * once: whatever sat there has been migrated elsewhere.  0 if it was taken.
 */
int mv_take_range(unsigned long start, unsigned long nr, gfp_t gfp)
{
	int ret = mv_alloc_contig_range(start, start + nr, gfp);

	if (!ret)
		free_contig_range(start, nr);
	return ret;
}

/* The same for the one page at @pfn. */
int mv_take_pfn(unsigned long pfn, gfp_t gfp)
{
	return mv_take_range(pfn, 1, gfp);
}

static int mv_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

unsigned int mv_sort_unique(unsigned long *v, unsigned int n)
{
	unsigned int i, k = 0;

	sort(v, n, sizeof(*v), mv_cmp_ulong, NULL);
	for (i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* Is the non-zero @pfn in @set[0..n), sorted by mv_sort_unique()? */
bool mv_sorted_has(const unsigned long *set, unsigned int n, unsigned long pfn)
{
	return pfn && bsearch(&pfn, set, n, sizeof(*set), mv_cmp_ulong);
}
