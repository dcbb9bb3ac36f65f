/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixtures.h - the fixture library movops.ko and the KUnit suite share
 * (lib/): one source, compiled into each module through its lib.c, so
 * that a fix lands once.
 */
#ifndef _MOVOPS_FIXTURES_H
#define _MOVOPS_FIXTURES_H

#include <linux/gfp_types.h>
#include <linux/types.h>

/* pfn.c: pageblocks, and taking one PFN. */

/* What the pageblock around a PFN holds, as isolation would see it. */
enum mv_pb_class {
	MV_PB_CLEAN,
	MV_PB_RESERVED,		/* a PageReserved page: isolation must fail */
	MV_PB_UNMOVABLE,	/* an unmovable page outside ZONE_MOVABLE */
	MV_PB_HOLE,		/* offline/missing page or zone boundary */
};

enum mv_pb_class mv_pageblock_class(unsigned long pfn);
bool mv_pageblock_whole(unsigned long pfn);
bool mv_in_movable_zone(unsigned long pfn);
int mv_take_range(unsigned long start, unsigned long nr, gfp_t gfp);
int mv_take_pfn(unsigned long pfn, gfp_t gfp);
struct zone;
struct page *mv_clean_range_in_zone(struct zone *zone, unsigned long nr,
				    gfp_t gfp);

/* Sort @v[0..n) and drop repeats; returns how many are left. */
unsigned int mv_sort_unique(unsigned long *v, unsigned int n);
bool mv_sorted_has(const unsigned long *set, unsigned int n,
		   unsigned long pfn);

/* pattern.c: what every zsmalloc object holds. */
#define MV_PATTERN_MIN	8
void mv_pattern_fill(u8 *p, u32 id, u32 size);
bool mv_pattern_ok(const u8 *got, u32 id, u32 size, u8 *want);

#endif /* _MOVOPS_FIXTURES_H */
