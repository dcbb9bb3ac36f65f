// SPDX-License-Identifier: GPL-2.0
/*
 * resolve.c - which movable_operations a page resolves to, checked in one
 * place: page_has_movable_ops() on the pages we hold, direct resolution of
 * their ops table where the kernel allows it (6.12), and the
 * set_movable_ops() registrations (7.x).  probes.c shows resolution from
 * the other side: which table's callbacks ran.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>

#include "movops.h"

/*
 * A page caught mid-migration is looked at again, this many times, this
 * far apart (µs), before a check counts it as wrong.
 */
#define MV_RECHECK_TRIES	20
#define MV_RECHECK_MIN_US	100
#define MV_RECHECK_MAX_US	200
/* cond_resched() once per this many objects. */
#define MV_RESCHED_MASK		255

/* Truth table entry: does page_has_movable_ops() say what it must? */
void mv_expect_movable_ops(struct page *page, bool want)
{
	mv_inc(MV_C_has_movable_ops_checked);
	if (mv_page_has_movable_ops(page) != want) {
		mv_inc(MV_C_has_movable_ops_bad);
		pr_warn_ratelimited("page_has_movable_ops(pfn %#lx) != %d\n",
				    page_to_pfn(page), want);
	}
}

/*
 * A held balloon page must be PageOffline with movable ops, or, in a kernel
 * without balloon migration, without them (mm/balloon.c sets
 * PG_movable_ops only with CONFIG_BALLOON_MIGRATION).  Our callback
 * records the new PFN a moment before balloon_page_migrate() types the new
 * page, so a page caught mid-migration is looked at again before counting.
 */
void mv_check_balloon_page(struct mv_bpage *e)
{
	const bool want = MV_HAVE_BALLOON_MIGRATION;
	struct page *page;
	unsigned int tries;

	mv_inc(MV_C_has_movable_ops_checked);
	for (tries = 0; tries < MV_RECHECK_TRIES; tries++) {
		page = pfn_to_page(mv_bpage_pfn(e, NULL));
		if (PageOffline(page) && mv_page_has_movable_ops(page) == want)
			return;
		usleep_range(MV_RECHECK_MIN_US, MV_RECHECK_MAX_US);
	}
	mv_inc(MV_C_has_movable_ops_bad);
	pr_warn_ratelimited("held balloon page %#lx: movable ops %d, want %d\n",
			    page_to_pfn(page), mv_page_has_movable_ops(page), want);
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
	pr_warn_ratelimited("%s page %#lx resolves to %ps, not the %s table\n",
			    zs ? "zsmalloc" : "balloon", pfn,
			    pfn ? mv_page_ops(pfn_to_page(pfn)) : NULL,
			    zs ? "zsmalloc" : "balloon");
}

/* A held balloon page, followed to its current PFN while it migrates. */
void mv_check_balloon_ops_direct(struct mv_bpage *e)
{
	unsigned long pfn = 0;
	unsigned int tries;

	if (!MV_HAVE_DIRECT_OPS)
		return;
	for (tries = 0; tries < MV_RECHECK_TRIES; tries++) {
		pfn = mv_bpage_pfn(e, NULL);
		if (mv_ops_direct_ok(pfn_to_page(pfn), false))
			break;
		usleep_range(MV_RECHECK_MIN_US, MV_RECHECK_MAX_US);
	}
	mv_ops_direct_count(pfn, false, tries < MV_RECHECK_TRIES);
}

/* Both pages behind a held object resolve to the zsmalloc table. */
static bool mv_zobj_direct_ok(const struct mv_zobj *o)
{
	return o->pfn[0] &&
	       mv_ops_direct_ok(pfn_to_page(o->pfn[0]), true) &&
	       (!o->pfn[1] || mv_ops_direct_ok(pfn_to_page(o->pfn[1]), true));
}

/*
 * Direct resolution of every page behind every held object (6.12): each
 * must resolve to the zsmalloc table.  An object whose page moved under
 * us (kcompactd) is looked up again before a mismatch counts.
 */
void mv_zs_check_ops_direct(void)
{
	struct mv_zobj *o;
	unsigned int i, tries;
	bool ok = false;

	if (!MV_HAVE_DIRECT_OPS)
		return;
	for (i = 0; i < mv.zheld; i++) {
		o = &mv.zobjs[i];
		for (tries = 0; tries < MV_RECHECK_TRIES; tries++) {
			ok = mv_zobj_direct_ok(o);
			if (ok)
				break;
			usleep_range(MV_RECHECK_MIN_US, MV_RECHECK_MAX_US);
			mv_zs_obj_refresh(o);
		}
		mv_ops_direct_count(o->pfn[0], true, ok);
		if (o->pfn[1])
			mv_ops_direct_count(o->pfn[1], true, ok);
		if (!(i & MV_RESCHED_MASK))
			cond_resched();
	}
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
	pr_err("set_movable_ops() returned %d, expected %d\n", ret, want);
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
