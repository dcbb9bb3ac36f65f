// SPDX-License-Identifier: GPL-2.0
/*
 * nonmovable.c - the negative check with its positive control: a page
 * without movable ops must stay where it is, while a balloon page in the
 * same pageblock moves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "movops.h"

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

/* Force the ops-less offline page @off: it must stay, untouched. */
static void mv_force_offline(struct page *off)
{
	unsigned long pfn = page_to_pfn(off);
	int ret;

	mv_inc(MV_C_nonmovable_tries);
	mv_classify_pageblock(pfn);
	ret = mv_alloc_contig_range(pfn, pfn + 1, GFP_KERNEL | __GFP_NOWARN);
	if (!ret) {
		/* Cannot happen while we hold a reference; leak, never free twice. */
		mv_inc(MV_C_nonmovable_moved);
		pr_err("ops-less offline page %#lx was taken\n", pfn);
	} else if (!PageOffline(off) || page_ref_count(off) != 1) {
		mv_inc(MV_C_nonmovable_moved);
	} else if (ret == -EBUSY) {
		mv_inc(MV_C_nonmovable_ebusy);
	} else {
		mv_inc(MV_C_nonmovable_errors);
	}
}

/* Force the control balloon page of @e: it must move. */
static void mv_force_control(struct mv_bpage *e)
{
	unsigned long cpfn;
	unsigned int m0, m1;
	int ret;

	cpfn = mv_bpage_pfn(e, &m0);
	ret = mv_force_pfn(cpfn);
	if (!ret && mv_bpage_pfn(e, &m1) != cpfn && m1 != m0)
		mv_inc(MV_C_nonmovable_control_migrated);
	else
		mv_inc(MV_C_nonmovable_control_failed);
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
	unsigned int nr = pageblock_nr_pages;
	struct page *page, *off, *ctl;
	struct mv_bpage *e;
	unsigned long pfn;

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
	mv_balloon_track(ctl, true, e);
	balloon_page_enqueue(&mv.ctl_bdev.b, ctl);

	mv_expect_movable_ops(off, false);
	mv_expect_movable_ops(ctl, MV_HAVE_BALLOON_MIGRATION);
	if (MV_HAVE_DIRECT_OPS)
		mv_ops_direct_count(page_to_pfn(ctl), false,
				    mv_ops_direct_ok(ctl, false));
	mv_truth_table_negatives();
	mv_force_offline(off);
	mv_force_control(e);

	WRITE_ONCE(mv.nonmovable_pfn, 0);
	mv_release_one(&mv.ctl_bdev);
	if (page_ref_count(off) == 1) {
		__folio_clear_offline(page_folio(off));
		__free_page(off);
	}
	return 0;
}
