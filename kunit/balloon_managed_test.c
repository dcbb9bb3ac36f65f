// SPDX-License-Identifier: GPL-2.0
/*
 * balloon_managed_test.c - cases of movops_balloon (the suite is in
 * balloon_test.c) for a balloon that adjusts the zones' managed pages:
 * a page that migrates to another zone, one deflated during migration.
 */
#include "movops_kunit.h"

#include <linux/mm.h>

/* Managed pages of every zone of this node, and of the whole system. */
struct mk_managed {
	unsigned long zone[MAX_NR_ZONES];
	unsigned long total;
};

static void mk_managed_snap(struct mk_managed *m)
{
	pg_data_t *pgdat = NODE_DATA(numa_mem_id());
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		m->zone[z] = zone_managed_pages(&pgdat->node_zones[z]);
	m->total = totalram_pages();
}

/*
 * The kernel's rule for a balloon with adjust_managed_page_count: a page
 * that leaves the balloon (-ENOENT, @dst NULL) gives its zone one managed
 * page back; one that moves to another zone gives one to @src's zone and
 * takes one from @dst's; within a zone nothing changes.  Fails the test
 * for each zone (and the total) off by any amount.
 */
static void mk_expect_managed(struct kunit *test, const struct mk_managed *a,
			      const struct mk_managed *b, struct zone *src,
			      struct zone *dst)
{
	long want[MAX_NR_ZONES] = { }, total = dst ? 0 : 1;
	int z;

	want[zone_idx(src)] += 1;
	if (dst)
		want[zone_idx(dst)] -= 1;
	for (z = 0; z < MAX_NR_ZONES; z++)
		KUNIT_EXPECT_EQ_MSG(test, (long)(b->zone[z] - a->zone[z]), want[z],
				    "managed pages of zone %d (%s)", z,
				    NODE_DATA(numa_mem_id())->node_zones[z].name);
	KUNIT_EXPECT_EQ_MSG(test, (long)(b->total - a->total), total,
			    "totalram_pages()");
}

#define N_ADJ	4

/*
 * A balloon that adjusts managed pages, holding N_ADJ pages of zone @zi
 * (MAX_NR_ZONES: wherever mk_clean_range() finds them).
 */
static struct mk_balloon *mk_inflated_adjusting(struct kunit *test, int zi)
{
	struct mk_balloon *mb;
	struct mk_managed a, b;
	unsigned long base;
	struct zone *zone;
	long taken;

	if (!MV_HAVE_BALLOON_ADJUST_MANAGED)
		kunit_skip(test, "precondition: %s",
			   MV_NO_BALLOON_ADJUST_MANAGED_REASON);
	mb = mk_balloon_create(test);
	mv_balloon_adjust_managed(&mb->tb.b);
	base = zi < MAX_NR_ZONES ? mk_clean_range_zone(test, N_ADJ, zi) :
				   mk_clean_range(test, N_ADJ);
	zone = page_zone(pfn_to_page(base));
	mk_managed_snap(&a);
	mk_balloon_fill(test, mb, base, N_ADJ);
	mk_managed_snap(&b);
	/* Inflation takes the pages off their zone's managed pages. */
	taken = a.zone[zone_idx(zone)] - b.zone[zone_idx(zone)];
	KUNIT_EXPECT_EQ_MSG(test, taken, N_ADJ,
			    "managed pages of %s taken by inflating %d",
			    zone->name, N_ADJ);
	return mb;
}

/*
 * A page of ZONE_DMA migrates to another zone: the target is allocated
 * from the zonelist of GFP_KERNEL | __GFP_MOVABLE, ZONE_NORMAL down, so
 * from ZONE_DMA32 or ZONE_NORMAL while those have free pages.  The
 * managed pages follow the page: +1 for DMA, -1 for the new page's zone.
 */
#ifdef CONFIG_ZONE_DMA
#define MK_ZONE_DMA	ZONE_DMA
#else
/* No such zone (ppc64 Book3S): never used, the case skips first. */
#define MK_ZONE_DMA	ZONE_NORMAL
#endif

/* A zone above ZONE_DMA and below ZONE_MOVABLE that has pages of its own. */
static bool mk_zone_above_dma(void)
{
	pg_data_t *pgdat = NODE_DATA(numa_mem_id());
	int z;

	for (z = MK_ZONE_DMA + 1; z <= ZONE_NORMAL; z++)
		if (managed_zone(&pgdat->node_zones[z]))
			return true;
	return false;
}

void balloon_adjust_managed_cross_zone(struct kunit *test)
{
	struct mk_balloon *mb;
	struct mk_managed a, b;
	struct zone *src, *dst;
	unsigned int since;
	unsigned long pfn;
	struct mk_call c;

	if (!IS_ENABLED(CONFIG_ZONE_DMA))
		kunit_skip(test, "precondition: no ZONE_DMA (CONFIG_ZONE_DMA=n)");
	if (!mk_zone_above_dma())
		kunit_skip(test, "precondition: no zone above ZONE_DMA has pages");
	mb = mk_inflated_adjusting(test, MK_ZONE_DMA);
	pfn = mk_balloon_slot_pfn(mb, 0);
	src = page_zone(pfn_to_page(pfn));
	KUNIT_ASSERT_EQ(test, zone_idx(src), MK_ZONE_DMA);
	since = mk_balloon_mark(mb);
	mk_managed_snap(&a);
	KUNIT_ASSERT_EQ(test, mk_migrate_pfn(pfn), 0);
	mk_managed_snap(&b);
	KUNIT_ASSERT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
	KUNIT_ASSERT_EQ(test, c.ret, 0);
	dst = page_zone(pfn_to_page(c.dst));
	KUNIT_ASSERT_PTR_NE_MSG(test, dst, src,
				"pfn %#lx moved to %#lx in the same zone %s",
				pfn, c.dst, src->name);
	mk_expect_managed(test, &a, &b, src, dst);
	KUNIT_EXPECT_TRUE(test, mk_balloon_list_has(mb, c.dst));
}

/*
 * A page of ZONE_MOVABLE migrates, to whatever zone the allocator picks
 * (ZONE_MOVABLE here): the managed pages follow the rule either way.  Then
 * one is deflated during migration (-ENOENT): its zone gets it back.
 */
void balloon_adjust_managed_enoent(struct kunit *test)
{
	struct mk_balloon *mb;
	struct mk_managed a, b;
	unsigned int since;
	unsigned long pfn;
	struct zone *src;
	struct mk_call c;

	if (!MV_HAVE_BALLOON_ENOENT)
		kunit_skip(test, "precondition: %s", MV_NO_BALLOON_ENOENT_REASON);
	mb = mk_inflated_adjusting(test, MAX_NR_ZONES);

	pfn = mk_balloon_slot_pfn(mb, 0);
	src = page_zone(pfn_to_page(pfn));
	since = mk_balloon_mark(mb);
	mk_managed_snap(&a);
	KUNIT_ASSERT_EQ(test, mk_migrate_pfn(pfn), 0);
	mk_managed_snap(&b);
	KUNIT_ASSERT_TRUE(test, mk_balloon_last_call(mb, since, pfn, &c));
	mk_expect_managed(test, &a, &b, src, page_zone(pfn_to_page(c.dst)));

	pfn = mk_balloon_slot_pfn(mb, 1);
	src = page_zone(pfn_to_page(pfn));
	mk_balloon_answer(mb, -ENOENT);
	mk_managed_snap(&a);
	KUNIT_ASSERT_EQ(test, mk_migrate_pfn(pfn), 0);
	mk_managed_snap(&b);
	mk_expect_managed(test, &a, &b, src, NULL);
	/*
	 * Our records (kcompactd may deflate one more by -ENOENT): listed =
	 * held, once kcompactd put back what it had isolated (seen on arm64
	 * 64K: listed 1, held 3).
	 */
	KUNIT_EXPECT_EQ(test, mk_balloon_unlisted(mb), 0);
	KUNIT_EXPECT_LE(test, mk_balloon_held(mb), N_ADJ - 1);
}
