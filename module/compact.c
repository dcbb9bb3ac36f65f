// SPDX-License-Identifier: GPL-2.0
/*
 * compact.c - compaction targets: pageblocks near the top of our zone
 * held half free, so that global compaction has somewhere to move our
 * pages to.
 */
#include "movops.h"

/* Pageblocks looked at from the zone top for one "compact_target". */
#define MV_CT_SCAN_MAX	64

/* The zone our pages live in: that of the first held page. */
static struct zone *mv_our_zone(void)
{
	unsigned long pfn = 0;
	struct page *page;

	if (mv.bheld)
		pfn = mv_bpage_pfn(mv.bpages[0], NULL);
	else if (mv.zheld)
		pfn = mv.zobjs[0].pfn[0];
	page = pfn ? pfn_to_online_page(pfn) : NULL;
	return page ? page_zone(page) : NULL;
}

static void mv_compact_target_release(void)
{
	mv_half_used_release(mv.ct_pfn, mv.ct_n);
	mv.ct_n = 0;
}

/*
 * Global compaction moves pages from the bottom of a zone into free pages
 * of partly used pageblocks near its top, and its free scanner skips
 * pageblocks that are wholly free.  In a nearly empty ZONE_MOVABLE no such
 * target exists above our pages, so compaction has nowhere to put them.
 * Make one: take the topmost clean pageblocks of our zone (n of them,
 * 0 releases) and give every other page back, leaving each half free.
 */
int mv_compact_target(unsigned int n)
{
	struct zone *zone;

	if (n > MV_CT_MAX)
		return -EINVAL;
	mv_compact_target_release();
	if (!n)
		return 0;
	zone = mv_our_zone();
	if (!zone)
		return -ENOENT;
	mv.ct_n = mv_half_used_pageblocks(zone, zone->zone_start_pfn, mv.ct_pfn,
					  n, MV_CT_SCAN_MAX);
	return mv.ct_n == n ? 0 : -ENOMEM;
}

void mv_compact_target_exit(void)
{
	mv_compact_target_release();
}
