// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - fixtures shared by the movops KUnit suites.
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
#define MK_DEFLATE_TRIES	2000

/*
 * Free pages of this node's ZONE_MOVABLE from which a clean range of any
 * size the suite asks for must be found: the harness boots its guests with
 * a cold-plugged DIMM onlined movable (memhp_default_state=online_movable,
 * scripts/vm.py), added after the boot-time memblock allocations, so none
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
 * it: alloc_contig_range() isolates whole pageblocks, and one that starts
 * before its zone trips VM_BUG_ON(!zone_spans_pfn()) in
 * get_pfnblock_bitmap_bitidx() (7.3.4: alloc_contig_pages(4, GFP_DMA)
 * picks PFN 4, in the pageblock at PFN 0; ZONE_DMA starts at PFN 1).
 */
unsigned long mk_clean_range_zone(struct kunit *test, unsigned int nr,
				  enum zone_type zi)
{
	struct zone *zone = &NODE_DATA(numa_mem_id())->node_zones[zi];
	unsigned long pfn, end, i;
	struct page *page;

	if (!populated_zone(zone))
		kunit_skip(test, "precondition: zone %s is empty", zone->name);
	end = pageblock_start_pfn(zone_end_pfn(zone));
	for (pfn = pageblock_align(zone->zone_start_pfn); pfn + nr <= end;
	     pfn += nr) {
		for (i = 0; i < nr; i++) {
			page = pfn_to_online_page(pfn + i);
			if (!page || page_zone(page) != zone ||
			    PageReserved(page) || PageHuge(page))
				break;
		}
		if (i == nr &&
		    !mv_alloc_contig_range(pfn, pfn + nr, GFP_KERNEL | __GFP_NOWARN))
			return pfn;
		cond_resched();
	}
	kunit_skip(test, "precondition: no isolatable range of %u pages in zone %s",
		   nr, zone->name);
	return 0;
}

void mk_free_pfn(unsigned long pfn)
{
	free_contig_range(pfn, 1);
}

static int mk_migrate(unsigned long pfn, gfp_t gfp)
{
	int ret = mv_alloc_contig_range(pfn, pfn + 1, gfp);

	/* The PFN now belongs to us: its old content moved elsewhere. */
	if (!ret)
		mk_free_pfn(pfn);
	return ret;
}

/* Force the migration of whatever sits at @pfn. 0 if it moved. */
int mk_migrate_pfn(unsigned long pfn)
{
	return mk_migrate(pfn, GFP_KERNEL);
}

/* The same, for PFNs expected to stay: no allocation-failure report. */
int mk_migrate_pfn_quiet(unsigned long pfn)
{
	return mk_migrate(pfn, GFP_KERNEL | __GFP_NOWARN);
}

bool mk_pageblock_has_reserved(unsigned long pfn)
{
	unsigned long start = pageblock_start_pfn(pfn);
	unsigned long end = pageblock_end_pfn(pfn);
	struct page *page;

	for (pfn = start; pfn < end; pfn++) {
		page = pfn_to_online_page(pfn);
		if (!page || PageReserved(page))
			return true;
	}
	return false;
}

/* ---- balloon ---------------------------------------------------------- */

/* Caller holds mb->lock. */
static int __mk_slot(struct mk_balloon *mb, unsigned long pfn)
{
	unsigned int i;

	if (!pfn)
		return -1;
	for (i = 0; i < mb->nslots; i++)
		if (mb->pfn[i] == pfn)
			return i;
	return -1;
}

int mk_balloon_slot(struct mk_balloon *mb, unsigned long pfn)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&mb->lock, flags);
	slot = __mk_slot(mb, pfn);
	spin_unlock_irqrestore(&mb->lock, flags);
	return slot;
}

unsigned long mk_balloon_slot_pfn(struct mk_balloon *mb, unsigned int slot)
{
	unsigned long flags, pfn;

	spin_lock_irqsave(&mb->lock, flags);
	pfn = slot < mb->nslots ? mb->pfn[slot] : 0;
	spin_unlock_irqrestore(&mb->lock, flags);
	return pfn;
}

/*
 * The driver's callback, run by balloon_page_migrate() for an isolated page
 * of our device: records the call, follows the page to its new PFN, and
 * answers what the test asked for.
 */
static int mk_migratepage(struct balloon_dev_info *b, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	struct mk_balloon *mb = container_of(b, struct mk_balloon, b);
	unsigned long src = page_to_pfn(page), dst = page_to_pfn(newpage);
	unsigned long flags;
	int slot, ret;

	spin_lock_irqsave(&mb->lock, flags);
	mb->calls++;
	if (current == mb->task)
		mb->count[MK_CALLS_HERE]++;
	if (!PageOffline(page) || !mv_page_has_movable_ops(page))
		mb->bad_src++;
	slot = __mk_slot(mb, src);
	if (slot < 0) {
		mb->foreign++;
		ret = -EAGAIN;
	} else {
		ret = mb->answer;
		if (!ret) {
			mb->pfn[slot] = dst;
			mb->count[MK_OK_ALL]++;
		} else if (ret == -ENOENT) {
			mb->pfn[slot] = 0;
			mb->held--;
			mb->count[MK_ENOENT_ALL]++;
		}
	}
	/* A ring: the last MK_LOG_MAX calls. */
	mb->log[mb->nlog % MK_LOG_MAX].src = src;
	mb->log[mb->nlog % MK_LOG_MAX].dst = dst;
	mb->log[mb->nlog % MK_LOG_MAX].ret = ret;
	mb->nlog++;
	spin_unlock_irqrestore(&mb->lock, flags);
	if (!ret)
		mv_balloon_migrated(b, newpage, page);
	return ret;
}

void mk_balloon_answer(struct mk_balloon *mb, int ret)
{
	unsigned long flags;

	spin_lock_irqsave(&mb->lock, flags);
	mb->answer = ret;
	spin_unlock_irqrestore(&mb->lock, flags);
}

unsigned int mk_balloon_mark(struct mk_balloon *mb)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->nlog;
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

unsigned int mk_balloon_count(struct mk_balloon *mb, enum mk_count which)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->count[which];
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

/* Callbacks run by the test's own migrations (not kcompactd's). */
unsigned int mk_balloon_calls(struct mk_balloon *mb)
{
	return mk_balloon_count(mb, MK_CALLS_HERE);
}

/* Pages in the balloon by our records: listed or isolated. */
unsigned int mk_balloon_held(struct mk_balloon *mb)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&mb->lock, flags);
	n = mb->held;
	spin_unlock_irqrestore(&mb->lock, flags);
	return n;
}

/* The last callback since log entry @since whose source was @src. */
bool mk_balloon_last_call(struct mk_balloon *mb, unsigned int since,
			  unsigned long src, struct mk_call *out)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&mb->lock, flags);
	if (mb->nlog > MK_LOG_MAX && since < mb->nlog - MK_LOG_MAX)
		since = mb->nlog - MK_LOG_MAX;
	for (i = since; i < mb->nlog; i++) {
		if (mb->log[i % MK_LOG_MAX].src == src) {
			*out = mb->log[i % MK_LOG_MAX];
			found = true;
		}
	}
	spin_unlock_irqrestore(&mb->lock, flags);
	return found;
}

/*
 * Take up to every page the balloon holds into @out, waiting for pages that
 * are isolated for a migration in flight.  Never balloon_page_dequeue(): it
 * BUG()s on an empty balloon.  Returns how many pages came out.
 */
unsigned int mk_balloon_deflate(struct mk_balloon *mb, struct list_head *out)
{
	unsigned int tries, got = 0, want;
	struct page *page, *tmp;
	unsigned long flags;
	LIST_HEAD(pages);
	int slot;

	for (tries = 0; tries < MK_DEFLATE_TRIES; tries++) {
		spin_lock_irqsave(&mb->lock, flags);
		want = mb->held;
		spin_unlock_irqrestore(&mb->lock, flags);
		if (!want)
			break;
		if (!balloon_page_list_dequeue(&mb->b, &pages, want)) {
			usleep_range(500, 1000);
			continue;
		}
		spin_lock_irqsave(&mb->lock, flags);
		list_for_each_entry_safe(page, tmp, &pages, lru) {
			slot = __mk_slot(mb, page_to_pfn(page));
			if (slot >= 0)
				mb->pfn[slot] = 0;
			else
				mb->foreign++;
			mb->held--;
			got++;
			list_move_tail(&page->lru, out);
		}
		spin_unlock_irqrestore(&mb->lock, flags);
	}
	return got;
}

static void mk_put_list(struct list_head *pages)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

static void mk_balloon_release(void *data)
{
	struct mk_balloon *mb = data;
	LIST_HEAD(pages);
	size_t listed;

	mk_balloon_deflate(mb, &pages);
	mk_put_list(&pages);
	/* Our records, then the core's list under its own lock: both empty. */
	listed = balloon_page_list_dequeue(&mb->b, &pages, 1);
	mk_put_list(&pages);
	if (mk_balloon_held(mb) || listed || READ_ONCE(mb->b.isolated_pages)) {
		/* A migration still holds one of our pages: leak mb, not UAF. */
		pr_warn("movops_kunit: balloon %p keeps %u pages, leaked\n",
			mb, mb->held);
		return;
	}
	kfree(mb);
}

struct mk_balloon *mk_balloon_create(struct kunit *test)
{
	struct mk_balloon *mb;

	mb = kzalloc_obj(*mb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mb);
	balloon_devinfo_init(&mb->b);
	mb->b.migratepage = mk_migratepage;
	mb->test = test;
	mb->task = current;
	spin_lock_init(&mb->lock);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_balloon_release, mb));
	return mb;
}

/*
 * Enqueue the @n pages at @base (all owned by the caller) into the balloon.
 * Each is tracked before it becomes movable.  A page beyond the fixture's
 * MK_BALLOON_PAGES slots (over all fills of @mb) is freed, not enqueued,
 * and fails the test.
 */
void mk_balloon_fill(struct kunit *test, struct mk_balloon *mb,
		     unsigned long base, unsigned int n)
{
	unsigned int i, placed = 0;
	unsigned long flags;

	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&mb->lock, flags);
		if (mb->nslots >= MK_BALLOON_PAGES) {
			spin_unlock_irqrestore(&mb->lock, flags);
			mk_free_pfn(base + i);
			continue;
		}
		mb->pfn[mb->nslots++] = base + i;
		mb->held++;
		spin_unlock_irqrestore(&mb->lock, flags);
		balloon_page_enqueue(&mb->b, pfn_to_page(base + i));
		placed++;
	}
	KUNIT_ASSERT_EQ_MSG(test, placed, n,
			    "pages enqueued: the fixture holds at most %d pages",
			    MK_BALLOON_PAGES);
}

/*
 * What the balloon core lists for @mb, read under the core's own lock
 * (static in 7.x's mm/balloon.c): every listed page is taken off with
 * balloon_page_list_dequeue() and enqueued again at once.  Isolated pages
 * are not listed.  Both halves count vm events (BALLOON_DEFLATE and
 * BALLOON_INFLATE, one each per page): read those before.  6.12's dequeue
 * skips a page that is locked: unlock our own first.
 */
void mk_balloon_listed(struct mk_balloon *mb, struct mk_listed *l)
{
	struct page *page;
	LIST_HEAD(pages);

	l->n = 0;
	balloon_page_list_dequeue(&mb->b, &pages, SIZE_MAX);
	list_for_each_entry(page, &pages, lru) {
		if (l->n < MK_BALLOON_PAGES)
			l->pfn[l->n] = page_to_pfn(page);
		l->n++;
	}
	balloon_page_list_enqueue(&mb->b, &pages);
}

bool mk_listed_has(const struct mk_listed *l, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, l->n, MK_BALLOON_PAGES); i++)
		if (l->pfn[i] == pfn)
			return true;
	return false;
}

unsigned int mk_balloon_list_len(struct mk_balloon *mb)
{
	struct mk_listed l;

	mk_balloon_listed(mb, &l);
	return l.n;
}

bool mk_balloon_list_has(struct mk_balloon *mb, unsigned long pfn)
{
	struct mk_listed l;

	mk_balloon_listed(mb, &l);
	return mk_listed_has(&l, pfn);
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

/* Pattern of object @i: its identity and size, byte by byte. */
static void mk_zs_fill(u8 *p, unsigned int i, unsigned int size)
{
	u32 x = (i + 1) * 0x9e3779b9u ^ size;
	unsigned int j;

	for (j = 0; j < size; j++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[j] = x >> 24;
	}
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

static void mk_zpool_collect(struct mk_zpool *zp)
{
	unsigned int i, j, k;
	unsigned long pfn;

	zp->npfn = 0;
	zp->in_prime = 0;
	for (i = 0; i < zp->nobj; i++) {
		for (j = 0; j < 2; j++) {
			pfn = zp->obj[i].pfn[j];
			if (!pfn)
				continue;
			for (k = 0; k < zp->npfn; k++)
				if (zp->pfns[k] == pfn)
					break;
			if (k < zp->npfn)
				continue;
			zp->pfns[zp->npfn++] = pfn;
			if (zp->prime_base && pfn >= zp->prime_base &&
			    pfn < zp->prime_base + MK_ZS_PRIME_PAGES)
				zp->in_prime++;
		}
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
		mk_zs_fill(zp->buf, i, zp->size);
		mv_zs_write(zp->pool, zp->obj[i].handle, zp->buf, zp->size);
	}
	mk_zpool_refresh(zp);
	mk_zpool_collect(zp);
	return zp;
}

/* True if every object reads back its pattern; *bad counts the others. */
bool mk_zpool_verify(struct mk_zpool *zp, unsigned int *bad)
{
	u8 *want = zp->bounce;
	unsigned int i;

	*bad = 0;
	for (i = 0; i < zp->nobj; i++) {
		mv_zs_read(zp->pool, zp->obj[i].handle, zp->buf, zp->size,
			   zp->bounce);
		mk_zs_fill(want, i, zp->size);
		if (memcmp(zp->buf, want, zp->size))
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
				   "pfn %#lx (reserved page in its block: %d): alloc_contig_range: %d",
				   old[i], mk_pageblock_has_reserved(old[i]), ret);
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
