// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - fixtures shared by the movops KUnit suites (the balloon
 * device: balloon_fixture.c), on the library movops.ko shares (lib/).
 *
 * Every test forces the migration of its own pages with alloc_contig_range()
 * over one PFN.  That isolates the whole pageblock around the PFN first and
 * fails on a PageReserved page anywhere in it, so the pages under test come
 * from a range that alloc_contig_pages() could take: such a range sits in a
 * pageblock that isolation accepts.  Everything a test takes is given back by
 * a KUnit action, so a failed expectation or assertion leaves nothing behind
 * for the next test.
 */
#include "movops_kunit.h"

#include <kunit/resource.h>
#include <linux/delay.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/pageblock-flags.h>
#include <linux/vmstat.h>

#define MK_ZS_GFP	(GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE)

/*
 * Free pages of this node's ZONE_MOVABLE from which a clean range of any
 * size the suite asks for must be found: the harness boots its guests with
 * a cold-plugged DIMM onlined movable (memhp_default_state=online_movable,
 * scripts/host/vm.py), added after the boot-time memblock allocations, so none
 * of its pageblocks holds a reserved page.  Eight pageblocks (16 MiB on
 * x86) free there leave room for every fixture many times over.
 */
#define MK_MOVABLE_FREE_MIN	(8 * pageblock_nr_pages)

static unsigned long mk_movable_free(void)
{
	struct zone *zone = &NODE_DATA(numa_mem_id())->node_zones[ZONE_MOVABLE];

	return populated_zone(zone) ? zone_page_state(zone, NR_FREE_PAGES) : 0;
}

/*
 * Take @nr (a power of two) contiguous pages that alloc_contig_pages() could
 * isolate.  When none can be found, the verdict depends on what the kernel
 * shows: with a ZONE_MOVABLE holding MK_MOVABLE_FREE_MIN free pages (the
 * harness's own guests) the range must exist and the test fails, naming
 * the zone; without one (a kunit.py run of your own, no movable DIMM) it
 * is the environment, and the test skips naming that precondition.  The
 * caller owns every page (refcount 1).
 */
unsigned long mk_clean_range(struct kunit *test, unsigned int nr)
{
	unsigned long movable_free;
	struct page *page;

	page = mv_alloc_contig_pages(nr, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN,
				     numa_mem_id());
	if (page)
		return page_to_pfn(page);
	movable_free = mk_movable_free();
	KUNIT_ASSERT_LT_MSG(test, movable_free, MK_MOVABLE_FREE_MIN,
			    "alloc_contig_pages(%u) found no isolatable range, but ZONE_MOVABLE has %lu free pages: a clean range must exist there",
			    nr, movable_free);
	kunit_skip(test,
		   "precondition: alloc_contig_pages(%u) found no isolatable range, and no ZONE_MOVABLE with %lu free pages to require one (boot with a movable DIMM, memhp_default_state=online_movable)",
		   nr, MK_MOVABLE_FREE_MIN);
	return 0;
}

/*
 * The same from zone @zi of this node, and only from pageblocks wholly in
 * it (mv_clean_range_in_zone() says why); skips if there is none.
 */
unsigned long mk_clean_range_zone(struct kunit *test, unsigned int nr,
				  enum zone_type zi)
{
	struct zone *zone = &NODE_DATA(numa_mem_id())->node_zones[zi];
	struct page *page;

	if (!populated_zone(zone))
		kunit_skip(test, "precondition: zone %s is empty", zone->name);
	page = mv_clean_range_in_zone(zone, nr, GFP_KERNEL | __GFP_NOWARN);
	if (!page)
		kunit_skip(test, "precondition: no isolatable range of %u pages in zone %s",
			   nr, zone->name);
	return page_to_pfn(page);
}

/* Force the migration of whatever sits at @pfn. 0 if it moved. */
int mk_migrate_pfn(unsigned long pfn)
{
	return mv_take_pfn(pfn, GFP_KERNEL);
}

/* The same, for PFNs expected to stay: no allocation-failure report. */
int mk_migrate_pfn_quiet(unsigned long pfn)
{
	return mv_take_pfn(pfn, GFP_KERNEL | __GFP_NOWARN);
}

/* ---- zsmalloc --------------------------------------------------------- */

static void mk_zpool_release(void *data)
{
	struct mk_zpool *zp = data;
	unsigned int i;

	for (i = 0; i < zp->nobj; i++)
		if (zp->obj[i].handle)
			zs_free(zp->pool, zp->obj[i].handle);
	zs_destroy_pool(zp->pool);
}

unsigned int mk_zpool_huge_size(struct mk_zpool *zp)
{
	return min_t(size_t, zs_huge_class_size(zp->pool), PAGE_SIZE);
}

/* Re-read the page(s) behind every object. */
void mk_zpool_refresh(struct mk_zpool *zp)
{
	unsigned int i;

	for (i = 0; i < zp->nobj; i++)
		mv_zs_obj_pfns(zp->pool, zp->obj[i].handle, zp->size,
			       zp->obj[i].pfn);
}

/* The distinct PFNs behind the objects, sorted; how many are primed. */
static void mk_zpool_collect(struct mk_zpool *zp)
{
	unsigned int i, j, n = 0;
	unsigned long pfn;

	for (i = 0; i < zp->nobj; i++)
		for (j = 0; j < 2; j++)
			if (zp->obj[i].pfn[j])
				zp->pfns[n++] = zp->obj[i].pfn[j];
	zp->npfn = mv_sort_unique(zp->pfns, n);
	zp->in_prime = 0;
	for (i = 0; i < zp->npfn; i++) {
		pfn = zp->pfns[i];
		if (zp->prime_base && pfn >= zp->prime_base &&
		    pfn < zp->prime_base + MK_ZS_PRIME_PAGES)
			zp->in_prime++;
	}
}

/*
 * A pool of @nobj objects of @size bytes (0: the smallest huge class, one
 * object per page), each filled with its own pattern.  With @prime, a clean
 * range is freed onto this CPU's free lists just before, so that the pool's
 * pages come from it (the page allocator hands out the last freed first) and
 * sit in a pageblock alloc_contig_range() can isolate.
 */
struct mk_zpool *mk_zpool_create(struct kunit *test, unsigned int size,
				 unsigned int nobj, bool prime)
{
	struct mk_zpool *zp;
	unsigned long handle;
	unsigned int i;

	zp = kunit_kzalloc(test, sizeof(*zp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zp);
	zp->obj = kunit_kcalloc(test, nobj, sizeof(*zp->obj), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zp->obj);
	zp->pfns = kunit_kcalloc(test, 2 * nobj, sizeof(*zp->pfns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zp->pfns);
	zp->pool = zs_create_pool("movops_kunit");
	KUNIT_ASSERT_NOT_NULL(test, zp->pool);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_zpool_release, zp));
	zp->size = size ? size : mk_zpool_huge_size(zp);
	zp->buf = kunit_kzalloc(test, zp->size, GFP_KERNEL);
	zp->bounce = kunit_kzalloc(test, zp->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zp->buf);
	KUNIT_ASSERT_NOT_NULL(test, zp->bounce);

	if (prime)
		zp->prime_base = mk_clean_range(test, MK_ZS_PRIME_PAGES);

	migrate_disable();
	if (prime) {
		for (i = MK_ZS_PRIME_PAGES; i-- > 0;)
			__free_page(pfn_to_page(zp->prime_base + i));
	}
	for (i = 0; i < nobj; i++) {
		handle = mv_zs_malloc(zp->pool, zp->size, MK_ZS_GFP);
		if (IS_ERR_VALUE(handle))
			break;
		zp->obj[i].handle = handle;
		zp->nobj = i + 1;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ_MSG(test, zp->nobj, nobj, "zs_malloc(%u) failed",
			    zp->size);

	for (i = 0; i < nobj; i++) {
		mv_pattern_fill(zp->buf, i, zp->size);
		mv_zs_write(zp->pool, zp->obj[i].handle, zp->buf, zp->size);
	}
	mk_zpool_refresh(zp);
	mk_zpool_collect(zp);
	return zp;
}

/* True if every object reads back its pattern; *bad counts the others. */
bool mk_zpool_verify(struct mk_zpool *zp, unsigned int *bad)
{
	unsigned int i;

	*bad = 0;
	for (i = 0; i < zp->nobj; i++) {
		mv_zs_read(zp->pool, zp->obj[i].handle, zp->buf, zp->size,
			   zp->bounce);
		if (!mv_pattern_ok(zp->buf, i, zp->size, zp->bounce))
			(*bad)++;
	}
	return !*bad;
}

/*
 * Migrate every page behind the pool's objects, each by its PFN; @old gets
 * the PFNs as they were.  Returns how many moved, failing the test for each
 * one that did not.
 */
unsigned int mk_zpool_migrate_all(struct kunit *test, struct mk_zpool *zp,
				  unsigned long *old)
{
	unsigned int i, moved = 0;
	int ret;

	memcpy(old, zp->pfns, zp->npfn * sizeof(*old));
	for (i = 0; i < zp->npfn; i++) {
		ret = mk_migrate_pfn(old[i]);
		if (ret)
			KUNIT_FAIL(test,
				   "pfn %#lx (pageblock class %d, 0: clean): alloc_contig_range: %d",
				   old[i], mv_pageblock_class(old[i]), ret);
		else
			moved++;
	}
	mk_zpool_refresh(zp);
	return moved;
}

/* ---- counters --------------------------------------------------------- */

unsigned long mk_vm_event(struct kunit *test, enum vm_event_item item)
{
	unsigned long *ev, v;

	ev = kunit_kcalloc(test, NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	all_vm_events(ev);
	v = ev[item];
	kunit_kfree(test, ev);
	return v;
}

/* NR_BALLOON_PAGES summed exactly, per-CPU deltas included; -1 if none. */
long mk_balloon_pages_stat(void)
{
	return mv_balloon_pages_stat();
}

MODULE_DESCRIPTION("KUnit tests of movable_ops page migration (balloon, zsmalloc)");
MODULE_LICENSE("GPL");
