// SPDX-License-Identifier: GPL-2.0
/*
 * pageblock.c - the pageblock around each PFN movops forces, classified and
 * counted, so that every -EBUSY is explained; and forcing one PFN.
 */
#include "movops.h"

/* Classify and count the pageblock around @pfn. */
enum mv_pb_class mv_classify_pageblock(unsigned long pfn)
{
	enum mv_pb_class c = mv_pageblock_class(pfn);

	switch (c) {
	case MV_PB_CLEAN:
		mv_inc(MV_C_clean_pageblocks);
		return c;
	case MV_PB_RESERVED:
		mv_inc(MV_C_dirty_pageblocks_reserved);
		break;
	case MV_PB_UNMOVABLE:
		mv_inc(MV_C_dirty_pageblocks_unmovable);
		break;
	case MV_PB_HOLE:
		mv_inc(MV_C_dirty_pageblocks_hole);
		break;
	}
	mv_inc(MV_C_dirty_pageblocks);
	return c;
}

/*
 * Migrate whatever sits at @pfn by allocating and freeing that PFN.
 * alloc_contig_range() isolates the whole pageblock, and one that is not
 * whole in one online zone trips a VM_BUG_ON there (seen with PFN 1: the
 * DMA zone starts at PFN 1, its pageblock at 0).  Such a PFN is refused
 * with -EBUSY without trying; its class (MV_PB_HOLE) explains the -EBUSY.
 */
int mv_force_pfn(unsigned long pfn)
{
	if (!mv_pageblock_whole(pfn))
		return -EBUSY;
	return mv_take_pfn(pfn, GFP_KERNEL | __GFP_NOWARN);
}

/*
 * An -EBUSY is explained if the pageblock was dirty before the attempt,
 * or is found dirty right after it (an unmovable allocation raced in).
 */
bool mv_ebusy_explained(enum mv_pb_class before, unsigned long pfn)
{
	if (before != MV_PB_CLEAN)
		return true;
	return mv_pageblock_class(pfn) != MV_PB_CLEAN;
}
