// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc_test.c - movops_zsmalloc: objects of several size classes, the
 * targeted migration of every page behind them, data intact, PFNs changed;
 * a page whose zspage is being read stays put until the read ends.
 */
#include "movops_kunit.h"

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

struct mk_zs_param {
	unsigned int size;		/* 0: the first huge class; else for 4 KiB pages */
	char desc[32];
};

static const struct mk_zs_param mk_zs_params[] = {
	{ 32, "size_32" },
	{ 200, "size_200" },
	{ 1000, "size_1000" },
	{ 2500, "size_2500_page_crossing" },
	{ 0, "huge_class" },
};

KUNIT_ARRAY_PARAM_DESC(mk_zs, mk_zs_params, desc);

/*
 * A case's size is given for 4 KiB pages and scaled with the page size
 * (64 KiB pages: 16 times), so that each case keeps its zspage layout
 * (size_2500_page_crossing still crosses pages) on every page size.
 */
static unsigned int mk_zs_size(const struct mk_zs_param *p)
{
	return p->size * (PAGE_SIZE / SZ_4K);
}

/* Enough objects to fill a few pages, whatever the class. */
static unsigned int mk_zs_nobj(unsigned int size)
{
	if (!size)
		return 8;
	return clamp_t(unsigned int, 4 * PAGE_SIZE / size, 8, MK_ZS_MAX_OBJS);
}

static void zs_targeted_migration_keeps_data(struct kunit *test)
{
	const struct mk_zs_param *p = test->param_value;
	unsigned int i, j, k, stale = 0, bad;
	unsigned long pages, *old;
	struct mk_zpool *zp;

	if (!MV_HAVE_ZS_OBJ_PFNS)
		kunit_skip(test, "precondition: %s",
			   MV_NO_ZS_OBJ_PFNS_REASON);

	zp = mk_zpool_create(test, mk_zs_size(p), mk_zs_nobj(mk_zs_size(p)), true);
	KUNIT_ASSERT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u objects corrupt before any migration", bad);
	KUNIT_ASSERT_GT(test, zp->npfn, 0);
	kunit_info(test, "%u objects of %u bytes on %u pages, %u from the primed range\n",
		   zp->nobj, zp->size, zp->npfn, zp->in_prime);
	pages = zs_get_total_pages(zp->pool);
	old = kunit_kcalloc(test, zp->npfn, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);

	KUNIT_EXPECT_EQ(test, mk_zpool_migrate_all(test, zp, old), zp->npfn);
	for (i = 0; i < zp->nobj; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; zp->obj[i].pfn[j] && k < zp->npfn; k++)
				stale += zp->obj[i].pfn[j] == old[k];
	KUNIT_EXPECT_EQ_MSG(test, stale, 0, "objects still on a migrated-from page");
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after migration", bad, zp->nobj);
	KUNIT_EXPECT_EQ(test, zs_get_total_pages(zp->pool), pages);
}

/*
 * The read is held by a kthread of its own, never by the thread that
 * migrates: a migrating thread that held it would take the pool lock inside
 * the zspage lock, against zsmalloc's lock order (pool->lock, then
 * zspage->lock), and lockdep rightly reports that.  The reader takes the
 * zspage lock and sleeps until released; zs_page_migrate() elsewhere only
 * trylocks it.
 */
struct mk_zs_hold {
	struct zs_pool *pool;
	unsigned long handle;
	size_t len;
	struct scatterlist sg[2];
	struct completion held, release, done;
};

static int mk_zs_reader(void *data)
{
	struct mk_zs_hold *h = data;

	mv_zs_read_hold(h->pool, h->handle, h->sg, h->len);
	complete(&h->held);
	wait_for_completion(&h->release);
	mv_zs_read_release(h->pool, h->handle);
	complete(&h->done);
	return 0;
}

static void mk_zs_hold_release(void *data)
{
	struct mk_zs_hold *h = data;

	complete(&h->release);
	wait_for_completion(&h->done);
}

/*
 * A reader between zs_obj_read_sg_begin() and zs_obj_read_sg_end() holds
 * its zspage's read lock; zs_page_migrate() only trylocks it for writing
 * and answers -EBUSY, so a page of that zspage stays where it is, its
 * objects intact.  Once the read ends, the same page migrates.
 */
static void zs_read_held_blocks_migration(struct kunit *test)
{
	struct task_struct *reader;
	struct mk_zs_hold *h;
	unsigned long pfn, pages;
	struct mk_zpool *zp;
	unsigned int bad;

	if (!MV_HAVE_ZS_READ_HOLD)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_READ_HOLD_REASON);
	zp = mk_zpool_create(test, 200, mk_zs_nobj(200), true);
	KUNIT_ASSERT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u objects corrupt before any migration", bad);
	pfn = zp->obj[0].pfn[0];
	KUNIT_ASSERT_NE(test, pfn, 0);
	pages = zs_get_total_pages(zp->pool);
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->pool = zp->pool;
	h->handle = zp->obj[0].handle;
	h->len = zp->size;
	init_completion(&h->held);
	init_completion(&h->release);
	init_completion(&h->done);

	reader = kthread_run(mk_zs_reader, h, "movops_zs_reader");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(reader), "reader kthread: %ld",
			       PTR_ERR(reader));
	wait_for_completion(&h->held);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_zs_hold_release, h));
	KUNIT_EXPECT_EQ(test, page_to_pfn(sg_page(&h->sg[0])), pfn);
	KUNIT_EXPECT_EQ_MSG(test, mk_migrate_pfn_quiet(pfn), -EBUSY,
			    "pfn %#lx migrated under a held read", pfn);
	KUNIT_EXPECT_TRUE(test, mv_zs_page_typed(pfn_to_page(pfn)));
	KUNIT_EXPECT_FALSE(test, mv_page_ops_isolated(pfn_to_page(pfn)));
	kunit_release_action(test, mk_zs_hold_release, h);

	mk_zpool_refresh(zp);
	KUNIT_EXPECT_EQ_MSG(test, zp->obj[0].pfn[0], pfn,
			    "the object left its page while it was being read");
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after the refused migration",
			      bad, zp->nobj);

	KUNIT_EXPECT_EQ(test, mk_migrate_pfn(pfn), 0);
	mk_zpool_refresh(zp);
	KUNIT_EXPECT_NE(test, zp->obj[0].pfn[0], pfn);
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after migration", bad, zp->nobj);
	KUNIT_EXPECT_EQ(test, zs_get_total_pages(zp->pool), pages);
}

static struct kunit_case movops_zsmalloc_cases[] = {
	KUNIT_CASE_PARAM(zs_targeted_migration_keeps_data, mk_zs_gen_params),
	KUNIT_CASE(zs_read_held_blocks_migration),
	{}
};

static struct kunit_suite movops_zsmalloc_suite = {
	.name = "movops_zsmalloc",
	.test_cases = movops_zsmalloc_cases,
};

kunit_test_suites(&movops_zsmalloc_suite);
