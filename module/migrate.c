// SPDX-License-Identifier: GPL-2.0
/*
 * migrate.c - forced migration of the pages movops holds: targeted
 * alloc_contig_range() over each page's PFN, the pageblock classification
 * that explains every -EBUSY, the non-movable control test, snapshots and
 * the set_movable_ops() checks.
 */
#include <linux/bsearch.h>
#include <linux/delay.h>
#include <linux/hugetlb.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/sched/signal.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "movops.h"

#define MV_CONTIG_GFP	(GFP_KERNEL | __GFP_NOWARN)

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

static enum mv_pb_class mv_classify(unsigned long pfn)
{
	unsigned long start = ALIGN_DOWN(pfn, pageblock_nr_pages);
	unsigned long end = start + pageblock_nr_pages, p;
	struct page *page = pfn_to_online_page(pfn);
	bool movable_zone;
	struct zone *zone;

	if (!page)
		return MV_PB_HOLE;
	zone = page_zone(page);
	movable_zone = zone_idx(zone) == ZONE_MOVABLE;
	for (p = start; p < end; p++) {
		page = pfn_to_online_page(p);
		if (!page || page_zone(page) != zone)
			return MV_PB_HOLE;
		if (PageReserved(page))
			return MV_PB_RESERVED;
		if (!movable_zone && mv_page_unmovable(page))
			return MV_PB_UNMOVABLE;
	}
	return MV_PB_CLEAN;
}

/* Classify and count the pageblock around @pfn. */
enum mv_pb_class mv_classify_pageblock(unsigned long pfn)
{
	enum mv_pb_class c = mv_classify(pfn);

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

static bool mv_in_movable_zone(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	return page && zone_idx(page_zone(page)) == ZONE_MOVABLE;
}

/* Truth table entry: does page_has_movable_ops() say what it must? */
static void mv_expect_movable_ops(struct page *page, bool want)
{
	mv_inc(MV_C_has_movable_ops_checked);
	if (mv_page_has_movable_ops(page) != want) {
		mv_inc(MV_C_has_movable_ops_bad);
		pr_warn_ratelimited("movops: page_has_movable_ops(pfn %#lx) != %d\n",
				    page_to_pfn(page), want);
	}
}

/*
 * Direct resolution, where the kernel allows it (6.12): a balloon page's
 * ops are &balloon_mops, a zsmalloc page's the table the first zsmalloc
 * page checked leads to, once kallsyms names its migrate_page
 * zs_page_migrate (zsmalloc_mops is static).  Returns whether @page
 * resolves right; a caller retries a page caught mid-migration.
 */
static const struct movable_operations *mv_zs_mops;

bool mv_ops_direct_ok(struct page *page, bool zs)
{
	const struct movable_operations *ops = mv_page_ops(page);
	const struct movable_operations *bops = mv_balloon_ops();

	if (!zs)
		return ops && ops == bops &&
		       mv_ops_migrate_is(bops, "balloon_page_migrate");
	if (!mv_zs_mops && ops != bops &&
	    mv_ops_migrate_is(ops, "zs_page_migrate"))
		mv_zs_mops = ops;
	return ops && ops == mv_zs_mops;
}

/* Count one direct check; @ok from mv_ops_direct_ok() after any retries. */
void mv_ops_direct_count(unsigned long pfn, bool zs, bool ok)
{
	mv_inc(MV_C_ops_direct_checked);
	if (ok)
		return;
	mv_inc(MV_C_ops_direct_bad);
	pr_warn_ratelimited("movops: %s page %#lx resolves to %ps, not the %s table\n",
			    zs ? "zsmalloc" : "balloon", pfn,
			    pfn ? mv_page_ops(pfn_to_page(pfn)) : NULL,
			    zs ? "zsmalloc" : "balloon");
}

/* A held balloon page, followed to its current PFN while it migrates. */
static void mv_check_balloon_ops_direct(struct mv_bpage *e)
{
	unsigned long pfn = 0;
	unsigned int tries;

	if (!MV_HAVE_DIRECT_OPS)
		return;
	for (tries = 0; tries < 20; tries++) {
		pfn = mv_bpage_pfn(e, NULL);
		if (mv_ops_direct_ok(pfn_to_page(pfn), false))
			break;
		usleep_range(100, 200);
	}
	mv_ops_direct_count(pfn, false, tries < 20);
}

/*
 * Migrate whatever sits at @pfn by allocating and freeing that PFN.
 * alloc_contig_range() isolates the whole pageblock, and one that is not
 * whole in one online zone trips a VM_BUG_ON there (seen with PFN 1: the
 * DMA zone starts at PFN 1, its pageblock at 0).  Such a PFN is refused
 * with -EBUSY without trying; its class (MV_PB_HOLE) explains the -EBUSY.
 */
static int mv_force_pfn(unsigned long pfn)
{
	int ret;

	if (mv_classify(pfn) == MV_PB_HOLE)
		return -EBUSY;
	ret = mv_alloc_contig_range(pfn, pfn + 1, MV_CONTIG_GFP);
	if (!ret)
		free_contig_range(pfn, 1);
	return ret;
}

/*
 * An -EBUSY is explained if the pageblock was dirty before the attempt,
 * or is found dirty right after it (an unmovable allocation raced in).
 */
static bool mv_ebusy_explained(enum mv_pb_class before, unsigned long pfn)
{
	if (before != MV_PB_CLEAN)
		return true;
	return mv_classify(pfn) != MV_PB_CLEAN;
}

/*
 * A held balloon page must be PageOffline with movable ops.  Our callback
 * records the new PFN a moment before balloon_page_migrate() types the new
 * page, so a page caught mid-migration is looked at again before counting.
 */
static void mv_check_balloon_page(struct mv_bpage *e)
{
	struct page *page;
	unsigned int tries;

	mv_inc(MV_C_has_movable_ops_checked);
	for (tries = 0; tries < 20; tries++) {
		page = pfn_to_page(mv_bpage_pfn(e, NULL));
		if (PageOffline(page) && mv_page_has_movable_ops(page))
			return;
		usleep_range(100, 200);
	}
	mv_inc(MV_C_has_movable_ops_bad);
	pr_warn_ratelimited("movops: held balloon page %#lx lacks movable ops\n",
			    page_to_pfn(page));
}

/* One targeted round over every held balloon page. */
int mv_migrate_balloon(void)
{
	unsigned long clean = 0, migrated = 0, pfn, newpfn;
	unsigned int i, moves0, moves1;
	enum mv_pb_class cls;
	struct mv_bpage *e;
	int ret;

	for (i = 0; i < mv.bheld; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		e = mv.bpages[i];
		mv_check_balloon_page(e);
		mv_check_balloon_ops_direct(e);
		pfn = mv_bpage_pfn(e, &moves0);
		cls = mv_classify_pageblock(pfn);
		if (cls == MV_PB_CLEAN)
			clean++;
		mv_inc(MV_C_balloon_migrate_tries);
		ret = mv_force_pfn(pfn);
		if (!ret) {
			newpfn = mv_bpage_pfn(e, &moves1);
			if (moves1 != moves0 && newpfn != pfn) {
				mv_inc(MV_C_balloon_migrated);
				mv_check_balloon_ops_direct(e);
				migrated++;
			} else {
				mv_inc(MV_C_balloon_not_moved);
				mv_inc(MV_C_balloon_errors);
			}
		} else if (ret == -EBUSY) {
			mv_inc(MV_C_balloon_ebusy);
			if (mv_ebusy_explained(cls, pfn))
				mv_inc(MV_C_balloon_ebusy_explained);
			else
				mv_inc(MV_C_balloon_ebusy_unexplained);
		} else {
			mv_inc(MV_C_balloon_errors);
			mv.last_balloon_error = ret;
		}
		cond_resched();
	}
	mv.last_balloon_targets = mv.bheld;
	mv.last_balloon_clean = clean;
	mv.last_balloon_migrated = migrated;
	return 0;
}

static int mv_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static bool mv_pfn_in(unsigned long pfn, unsigned long *set, unsigned int n)
{
	return pfn && bsearch(&pfn, set, n, sizeof(*set), mv_cmp_ulong);
}

/*
 * One targeted round over every page behind a held zsmalloc object:
 * migrate each page once, then check that every object on a migrated page
 * now lives elsewhere and that all objects read back intact.
 */
int mv_migrate_zs(void)
{
	unsigned long *old, *targets, *moved, pfn, clean = 0, movable = 0;
	unsigned int i, k, n = 0, nmoved = 0, objs_moved = 0;
	enum mv_pb_class cls;
	bool expect, ok;
	int ret;

	mv.last_zs_targets = 0;
	mv.last_zs_clean = 0;
	mv.last_zs_migrated = 0;
	mv.last_zs_objects = mv.zheld;
	mv.last_zs_objects_moved = 0;
	mv.last_zs_movable_zone = 0;
	if (!mv.zheld)
		return 0;
	old = kvcalloc(6 * (size_t)mv.zheld, sizeof(*old), GFP_KERNEL);
	if (!old)
		return -ENOMEM;
	targets = old + 2 * mv.zheld;
	moved = targets + 2 * mv.zheld;

	mv_zs_refresh_pfns(true);
	mv_zs_check_ops_direct();
	for (i = 0; i < mv.zheld; i++) {
		for (k = 0; k < 2; k++) {
			old[2 * i + k] = mv.zobjs[i].pfn[k];
			if (mv.zobjs[i].pfn[k])
				targets[n++] = mv.zobjs[i].pfn[k];
		}
	}
	sort(targets, n, sizeof(*targets), mv_cmp_ulong, NULL);
	for (i = 0, k = 0; i < n; i++)
		if (!k || targets[k - 1] != targets[i])
			targets[k++] = targets[i];
	n = k;

	for (i = 0; i < n && !fatal_signal_pending(current); i++) {
		pfn = targets[i];
		cls = mv_classify_pageblock(pfn);
		if (cls == MV_PB_CLEAN)
			clean++;
		if (mv_in_movable_zone(pfn))
			movable++;
		mv_inc(MV_C_zs_migrate_tries);
		WRITE_ONCE(mv.zs_target_pfn, pfn);
		ret = mv_force_pfn(pfn);
		WRITE_ONCE(mv.zs_target_pfn, 0);
		if (!ret) {
			moved[nmoved++] = pfn;
			mv_inc(MV_C_zs_migrated);
		} else if (ret == -EBUSY) {
			mv_inc(MV_C_zs_ebusy);
			if (mv_ebusy_explained(cls, pfn))
				mv_inc(MV_C_zs_ebusy_explained);
			else
				mv_inc(MV_C_zs_ebusy_unexplained);
		} else {
			mv_inc(MV_C_zs_errors);
			mv.last_zs_error = ret;
		}
		cond_resched();
	}

	/* moved[] is sorted: targets[] was walked in order. */
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		expect = false;
		ok = true;
		for (k = 0; k < 2; k++) {
			if (!mv_pfn_in(old[2 * i + k], moved, nmoved))
				continue;
			expect = true;
			if (mv.zobjs[i].pfn[k] == old[2 * i + k])
				ok = false;
		}
		if (!expect)
			continue;
		if (ok) {
			objs_moved++;
			mv_inc(MV_C_zs_objects_moved);
		} else {
			mv_inc(MV_C_zs_objects_not_moved);
		}
	}
	mv_zs_verify();
	mv_zs_check_ops_direct();

	mv.last_zs_targets = n;
	mv.last_zs_clean = clean;
	mv.last_zs_migrated = nmoved;
	mv.last_zs_objects_moved = objs_moved;
	mv.last_zs_movable_zone = movable;
	kvfree(old);
	return i < n ? -EINTR : 0;
}

/* page_has_movable_ops() on pages that must say no. */
static void mv_truth_table_negatives(void)
{
	struct page *page;

	page = alloc_page(GFP_KERNEL);
	if (page) {
		mv_expect_movable_ops(page, false);
		__free_page(page);
	}
	page = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	if (page) {
		mv_expect_movable_ops(page, false);
		mv_expect_movable_ops(page + 1, false);
		__free_pages(page, 2);
	}
}

/*
 * The negative check, with its positive control in the same pageblock:
 * take a clean pageblock, mark its first page PageOffline without movable
 * ops (as virtio-mem does), put its second page into a control balloon,
 * then force both.  The offline page must stay (-EBUSY, no ops called);
 * the control balloon page must move, or the -EBUSY proves nothing.
 */
int mv_migrate_nonmovable(void)
{
	unsigned int nr = pageblock_nr_pages, m0, m1;
	struct page *page, *off, *ctl;
	unsigned long pfn, cpfn;
	struct mv_bpage *e;
	int ret;

	e = kzalloc_obj(*e, GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	page = mv_alloc_contig_pages(nr, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN,
				     numa_mem_id());
	if (!page) {
		kfree(e);
		mv_inc(MV_C_nonmovable_setup_failed);
		return -ENOMEM;
	}
	pfn = page_to_pfn(page);
	off = page;
	ctl = pfn_to_page(pfn + 1);
	free_contig_range(pfn + 2, nr - 2);

	__folio_set_offline(page_folio(off));
	WRITE_ONCE(mv.nonmovable_pfn, pfn);
	mv_balloon_track(ctl, &mv.ctl_bdev, true, e);
	balloon_page_enqueue(&mv.ctl_bdev, ctl);

	mv_expect_movable_ops(off, false);
	mv_expect_movable_ops(ctl, true);
	if (MV_HAVE_DIRECT_OPS)
		mv_ops_direct_count(page_to_pfn(ctl), false,
				    mv_ops_direct_ok(ctl, false));
	mv_truth_table_negatives();

	mv_inc(MV_C_nonmovable_tries);
	mv_classify_pageblock(pfn);
	ret = mv_alloc_contig_range(pfn, pfn + 1, MV_CONTIG_GFP);
	if (!ret) {
		/* Cannot happen while we hold a reference; leak, never free twice. */
		mv_inc(MV_C_nonmovable_moved);
		pr_err("movops: ops-less offline page %#lx was taken\n", pfn);
	} else if (!PageOffline(off) || page_ref_count(off) != 1) {
		mv_inc(MV_C_nonmovable_moved);
	} else if (ret == -EBUSY) {
		mv_inc(MV_C_nonmovable_ebusy);
	} else {
		mv_inc(MV_C_nonmovable_errors);
	}

	cpfn = mv_bpage_pfn(e, &m0);
	ret = mv_force_pfn(cpfn);
	if (!ret && mv_bpage_pfn(e, &m1) != cpfn && m1 != m0)
		mv_inc(MV_C_nonmovable_control_migrated);
	else
		mv_inc(MV_C_nonmovable_control_failed);

	WRITE_ONCE(mv.nonmovable_pfn, 0);
	mv_release_one(&mv.ctl_bdev);
	if (page_ref_count(off) == 1) {
		__folio_clear_offline(page_folio(off));
		__free_page(off);
	}
	return 0;
}

void mv_snapshot(void)
{
	struct mv_zobj *o;
	struct mv_bpage *e;
	unsigned int i;

	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++) {
		e = mv.bpages[i];
		e->snap_pfn = e->pfn;
		e->snap_moves = e->moves;
	}
	spin_unlock(&mv.track_lock);
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		o = &mv.zobjs[i];
		o->snap_pfn[0] = o->pfn[0];
		o->snap_pfn[1] = o->pfn[1];
	}
	mv.has_snapshot = true;
	mv_inc(MV_C_snapshots);
}

unsigned long mv_moved_since_snapshot_balloon(void)
{
	unsigned long n = 0;
	struct mv_bpage *e;
	unsigned int i;

	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++) {
		e = mv.bpages[i];
		if (e->moves != e->snap_moves || e->pfn != e->snap_pfn)
			n++;
	}
	spin_unlock(&mv.track_lock);
	return n;
}

unsigned long mv_moved_since_snapshot_zs(void)
{
	unsigned long n = 0;
	struct mv_zobj *o;
	unsigned int i;

	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		o = &mv.zobjs[i];
		if (o->pfn[0] != o->snap_pfn[0] || o->pfn[1] != o->snap_pfn[1])
			n++;
	}
	return n;
}

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
	unsigned long pfn, i;

	while (mv.ct_n) {
		pfn = mv.ct_pfn[--mv.ct_n];
		for (i = 0; i < pageblock_nr_pages; i += 2)
			free_contig_range(pfn + i, 1);
	}
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
	unsigned long pfn, start, i, tries = 0;
	struct zone *zone;

	if (n > MV_CT_MAX)
		return -EINVAL;
	mv_compact_target_release();
	if (!n)
		return 0;
	zone = mv_our_zone();
	if (!zone)
		return -ENOENT;
	start = zone->zone_start_pfn;
	pfn = ALIGN_DOWN(zone_end_pfn(zone), pageblock_nr_pages);
	while (mv.ct_n < n && pfn >= start + pageblock_nr_pages && tries++ < 64) {
		pfn -= pageblock_nr_pages;
		if (mv_classify(pfn) != MV_PB_CLEAN)
			continue;
		if (mv_alloc_contig_range(pfn, pfn + pageblock_nr_pages,
					  MV_CONTIG_GFP))
			continue;
		for (i = 1; i < pageblock_nr_pages; i += 2)
			free_contig_range(pfn + i, 1);
		mv.ct_pfn[mv.ct_n++] = pfn;
		cond_resched();
	}
	return mv.ct_n == n ? 0 : -ENOMEM;
}

void mv_compact_target_exit(void)
{
	mv_compact_target_release();
}

#if MV_HAVE_SET_MOVABLE_OPS
static bool mv_dummy_isolate(struct page *page, isolate_mode_t mode)
{
	return false;
}

static int mv_dummy_migrate(struct page *dst, struct page *src,
			    enum migrate_mode mode)
{
	return -EAGAIN;
}

static void mv_dummy_putback(struct page *page)
{
}

/* Refuses everything, in case a registration we expect to fail succeeds. */
static const struct movable_operations mv_dummy_mops = {
	.isolate_page = mv_dummy_isolate,
	.migrate_page = mv_dummy_migrate,
	.putback_page = mv_dummy_putback,
};

static void mv_smo_expect(int ret, int want, int *store)
{
	*store = ret;
	if (ret == want)
		return;
	mv.smo_bad++;
	pr_err("movops: set_movable_ops() returned %d, expected %d\n",
	       ret, want);
	if (!ret) {
		/*
		 * Our refusing table is now registered.  Unregistering
		 * (set_movable_ops(NULL, ...)) is never done here; instead
		 * the module pins itself so the table stays valid.
		 */
		__module_get(THIS_MODULE);
	}
}

/*
 * A second registration for PGTY_offline or PGTY_zsmalloc must return
 * -EBUSY, any other type -EINVAL.  Only checked when the real tables are
 * certainly registered (balloon migration and zsmalloc with compaction),
 * since otherwise a "successful" call would install our table.
 */
void mv_check_set_movable_ops(void)
{
	if (!MV_HAVE_BALLOON_MIGRATION ||
	    !IS_ENABLED(CONFIG_COMPACTION))
		return;
	mv_smo_expect(set_movable_ops(&mv_dummy_mops, PGTY_offline), -EBUSY,
		      &mv.smo_offline_ret);
	mv_smo_expect(set_movable_ops(&mv_dummy_mops, PGTY_zsmalloc), -EBUSY,
		      &mv.smo_zsmalloc_ret);
	mv_smo_expect(set_movable_ops(&mv_dummy_mops, PGTY_slab), -EINVAL,
		      &mv.smo_other_ret);
	mv.smo_checked = true;
}
#else
void mv_check_set_movable_ops(void)
{
}
#endif
